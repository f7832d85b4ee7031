/*
 * utf8.c: the one UTF-8 decoder of libghsearch: U+FFFD for ill-formed bytes,
 * counting and locating code points, cutting at a character boundary.
 *
 * Everything decodes UTF-8 through ghs_utf8_next(), so a code point offset
 * means the same thing everywhere (also for broken input): each maximal
 * subpart of an ill-formed sequence is one U+FFFD, i.e. one code point, as
 * ICU, Python and the WHATWG encoding standard count it.
 */
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

uint32_t ghs_utf8_next(const unsigned char *s, size_t len, size_t *i)
{
    size_t p = *i;
    uint32_t b0, c;
    unsigned need, lo = 0x80, hi = 0xBF;

    b0 = s[p];
    if (b0 < 0x80) {
        *i = p + 1;
        return b0;
    }
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1; c = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2; c = b0 & 0x0F;
        if (b0 == 0xE0) lo = 0xA0;          /* no overlong forms */
        else if (b0 == 0xED) hi = 0x9F;     /* no surrogates */
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3; c = b0 & 0x07;
        if (b0 == 0xF0) lo = 0x90;          /* no overlong forms */
        else if (b0 == 0xF4) hi = 0x8F;     /* nothing above U+10FFFF */
    } else {
        *i = p + 1;                         /* stray continuation or bad lead */
        return 0xFFFD;
    }
    p++;
    for (unsigned k = 0; k < need; k++, p++) {
        if (p >= len || s[p] < lo || s[p] > hi) {
            *i = p;                         /* the maximal subpart ends here */
            return 0xFFFD;
        }
        c = (c << 6) | (s[p] & 0x3F);
        lo = 0x80;
        hi = 0xBF;
    }
    *i = p;
    return c;
}

size_t ghs_utf8_count(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, n = 0;

    if (!s)
        return 0;
    while (i < len) {
        if (u[i] < 0x80)
            i++;
        else
            (void)ghs_utf8_next(u, len, &i);
        n++;
    }
    return n;
}

size_t ghs_utf8_offset(const char *s, size_t len, size_t cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    if (!s)
        return 0;
    while (cp > 0 && i < len) {
        if (u[i] < 0x80)
            i++;
        else
            (void)ghs_utf8_next(u, len, &i);
        cp--;
    }
    return i;
}

size_t ghs_utf8_cut(const char *s, size_t len, size_t max)
{
    size_t n;

    if (len <= max)
        return len;
    n = max;
    /* Back up over continuation bytes to the start of the cut character. */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}
