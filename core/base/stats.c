/* SPDX-License-Identifier: MIT */
#include "stats.h"

void lt_stats_add(struct lt_stats *dst, const struct lt_stats *src)
{
#define LT__STATS_ADD(group, name) dst->name += src->name;
    LT_STATS_LIST(LT__STATS_ADD)
#undef LT__STATS_ADD
    for (int i = 0; i < LT_STEP__COUNT; i++)
        dst->decode_steps[i] += src->decode_steps[i];
}
