/* SPDX-License-Identifier: MIT */
/*
 * glob.h - path glob matching for the device manifest's "captures" (conf
 * layer; no dependencies). SPEC §3: patterns are relative to an INPUT root.
 * Works on bytes, allocates nothing, runs in O(pattern * path) time: no
 * backtracking blow-up whatever the pattern.
 */
#ifndef LT_CONF_GLOB_H
#define LT_CONF_GLOB_H

#include <stdbool.h>

/*
 * lt_glob_match() - true when path (relative, '/'-separated) matches pattern:
 * `*` any run of characters except '/', `?` one character except '/' (one
 * UTF-8 sequence, or one byte where the bytes are not valid UTF-8), `[...]`
 * a class of single bytes (ranges a-z, a leading ! or ^ negates, a ']' right
 * after the opening bracket or negation is literal; an unclosed '[' is a
 * literal), `\` escapes the next character (a '\' at the very end of the
 * pattern is a literal), `**` as a whole path segment matches zero or more
 * segments. Writing SS for it (a C comment cannot hold a slash before two
 * stars): "dev/SS" matches "dev/x", "dev/a/b" and also "dev" itself;
 * "SS/x.pcap" matches "x.pcap" and "a/b/x.pcap"; "a/SS/b" matches "a/b"
 * and "a/x/y/b". `**` inside a segment ("a**b") is a `*`.
 * Every '/' of the pattern, escaped or inside brackets too, separates
 * segments: nothing matches across '/'. No special case for leading dots.
 * Iterative, no backtracking blow-up: at most about len(pattern) * len(path)
 * steps per level (segments, characters), even for "*a*a*a*a*b".
 * Both strings are borrowed NUL-terminated. Pure, thread-safe.
 */
bool lt_glob_match(const char *pattern, const char *path);

#endif
