/* SPDX-License-Identifier: MIT */
#include "err.h"

const char *lt_err_str(enum lt_err e)
{
    static const char *const strs[] = {
#define LT__ERR_STR(name, cls, str) str,
        LT_ERR_LIST(LT__ERR_STR)
#undef LT__ERR_STR
    };
    if ((unsigned)e >= LT_ERR__COUNT)
        return "unknown error";
    return strs[e];
}

enum lt_err_class lt_err_class(enum lt_err e)
{
    static const enum lt_err_class classes[] = {
#define LT__ERR_CLS(name, cls, str) cls,
        LT_ERR_LIST(LT__ERR_CLS)
#undef LT__ERR_CLS
    };
    if ((unsigned)e >= LT_ERR__COUNT)
        return LT_CLASS_ENV;
    return classes[e];
}
