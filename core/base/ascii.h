/* SPDX-License-Identifier: MIT */
/* ascii.h - byte classes every parser needs (base layer). */
#ifndef LT_BASE_ASCII_H
#define LT_BASE_ASCII_H

#include <stdint.h>

/* The value of a hex digit (either case), or -1. */
static inline int lt_hex_digit(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

#endif
