/* SPDX-License-Identifier: MIT */
/*
 * err.h - the one error vocabulary of leaktrawl (base layer, no dependencies).
 * Fallible functions return enum lt_err; detail lives in the caller-visible
 * state of the module (a reason code or message), never in the return value.
 * Callers branch on the class: INPUT errors cost the smallest unit of input,
 * ENV errors (memory, I/O) are decided on by cmd/.
 */
#ifndef LT_BASE_ERR_H
#define LT_BASE_ERR_H

enum lt_err_class { LT_CLASS_OK, LT_CLASS_INPUT, LT_CLASS_ENV };

#define LT_ERR_LIST(X)                                                   \
    X(OK,            LT_CLASS_OK,    "ok")                               \
    X(AGAIN,         LT_CLASS_OK,    "need more input")                  \
    X(END,           LT_CLASS_OK,    "end of input")                     \
    X(E_TRUNCATED,   LT_CLASS_INPUT, "input ends inside a unit")         \
    X(E_MALFORMED,   LT_CLASS_INPUT, "input violates its format")        \
    X(E_UNSUPPORTED, LT_CLASS_INPUT, "input uses an unsupported feature")\
    X(E_LIMIT,       LT_CLASS_INPUT, "a configured cap was reached")     \
    X(E_NOMEM,       LT_CLASS_ENV,   "allocation failed")                \
    X(E_IO,          LT_CLASS_ENV,   "read or write failed")            \
    X(E_INTERRUPTED, LT_CLASS_ENV,   "interrupted")

enum lt_err {
#define LT__ERR_ENUM(name, cls, str) LT_##name,
    LT_ERR_LIST(LT__ERR_ENUM)
#undef LT__ERR_ENUM
    LT_ERR__COUNT
};

/* Static description of e ("need more input"); never NULL. */
const char *lt_err_str(enum lt_err e);
/* Class of e: OK, INPUT (bad data, costs a unit) or ENV (the machine). */
enum lt_err_class lt_err_class(enum lt_err e);

/* Forward a non-OK code to the caller. */
#define LT_TRY(expr)                                                      \
    do {                                                                  \
        enum lt_err lt__e = (expr);                                       \
        if (lt__e != LT_OK)                                               \
            return lt__e;                                                 \
    } while (0)

#endif
