/*
 * utf8.h: the UTF-8 decoder every layer uses (base/utf8.c).
 */
#ifndef GHS_BASE_UTF8_H
#define GHS_BASE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode one code point at s[*i] (i < len), advancing *i. Ill-formed
 * sequences decode as U+FFFD, one per maximal subpart (Unicode's recommended
 * practice), so every byte string has exactly one decoding. */
uint32_t ghs_utf8_next(const unsigned char *s, size_t len, size_t *i);

/* Number of code points in len bytes of UTF-8. */
size_t ghs_utf8_count(const char *s, size_t len);

/* Byte offset of code point index cp (clamped to len). */
size_t ghs_utf8_offset(const char *s, size_t len, size_t cp);

/* Longest prefix of s[0..len) that is at most max bytes and ends on a
 * character boundary. */
size_t ghs_utf8_cut(const char *s, size_t len, size_t max);

#endif /* GHS_BASE_UTF8_H */
