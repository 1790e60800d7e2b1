/* SPDX-License-Identifier: MIT */
#include "chain.h"

const char *lt_step_text(enum lt_step_kind k)
{
    static const char *const texts[] = {
#define LT__STEP_TEXT(id, text, named) text,
        LT_STEP_LIST(LT__STEP_TEXT)
#undef LT__STEP_TEXT
    };
    return (unsigned)k < LT_STEP__COUNT ? texts[k] : "?";
}

int lt_step_has_name(enum lt_step_kind k)
{
    static const unsigned char named[] = {
#define LT__STEP_NAMED(id, text, n) n,
        LT_STEP_LIST(LT__STEP_NAMED)
#undef LT__STEP_NAMED
    };
    return (unsigned)k < LT_STEP__COUNT ? named[k] : 0;
}
