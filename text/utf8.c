/*
 * utf8.c: the UTF-8 codec of text/: decoding with U+FFFD for ill-formed
 * bytes, counting and locating code points, UTF-16 <-> UTF-8 conversion.
 *
 * All of text/ decodes UTF-8 through ghs_utf8_next(), so a code point offset
 * means the same thing everywhere (also for broken input): each maximal
 * subpart of an ill-formed sequence is one U+FFFD, i.e. one code point, as
 * ICU, Python and the WHATWG encoding standard count it.
 */
#include <stdlib.h>
#include <string.h>

#include "text_internal.h"

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

size_t ghs_utf16_to_utf8(const UChar *u, int32_t n, char *out)
{
    unsigned char *o = (unsigned char *)out;
    int32_t i = 0;

    while (i < n) {
        uint32_t c = u[i++];
        if (c < 0x80) {
            *o++ = (unsigned char)c;
            continue;
        }
        if (c >= 0xD800 && c <= 0xDFFF) {
            if (c <= 0xDBFF && i < n && u[i] >= 0xDC00 && u[i] <= 0xDFFF) {
                c = 0x10000 + ((c - 0xD800) << 10) + (u[i++] - 0xDC00u);
                /* Two units in, four bytes out: within 3 bytes per unit. */
                *o++ = (unsigned char)(0xF0 | (c >> 18));
                *o++ = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
                *o++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
                *o++ = (unsigned char)(0x80 | (c & 0x3F));
                continue;
            }
            c = 0xFFFD;
        }
        if (c < 0x800) {
            *o++ = (unsigned char)(0xC0 | (c >> 6));
            *o++ = (unsigned char)(0x80 | (c & 0x3F));
        } else {
            *o++ = (unsigned char)(0xE0 | (c >> 12));
            *o++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
            *o++ = (unsigned char)(0x80 | (c & 0x3F));
        }
    }
    return (size_t)(o - (unsigned char *)out);
}

int ghs_u16buf_reserve(ghs_u16buf *b, int32_t cap, ghs_error *err)
{
    UChar *nu;
    int32_t ncap;

    if (cap <= b->cap)
        return 0;
    ncap = b->cap ? b->cap : 256;
    while (ncap < cap)
        ncap = ncap > INT32_MAX / 2 ? INT32_MAX : ncap * 2;
    nu = realloc(b->u, (size_t)ncap * sizeof *nu);
    if (!nu)
        return ghs_text_error(err, GHS_ENOMEM, "[analyze] out of memory");
    b->u = nu;
    b->cap = ncap;
    return 0;
}

int ghs_utf8_to_u16(ghs_u16buf *b, const char *s, size_t len, ghs_error *err)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    int32_t n = 0;
    int rc;

    if (len > GHS_TEXT_MAX)
        return ghs_text_error(err, GHS_EINVAL,
                              "[analyze] text too long: %zu bytes (limit %zu)",
                              len, GHS_TEXT_MAX);
    /* Never more UTF-16 units than bytes. */
    if ((rc = ghs_u16buf_reserve(b, (int32_t)len + 1, err)) < 0)
        return rc;
    while (i < len) {
        uint32_t c;
        if (u[i] < 0x80) {
            b->u[n++] = u[i++];
            continue;
        }
        c = ghs_utf8_next(u, len, &i);
        if (c >= 0x10000) {
            b->u[n++] = (UChar)(0xD800 + ((c - 0x10000) >> 10));
            b->u[n++] = (UChar)(0xDC00 + (c & 0x3FF));
        } else {
            b->u[n++] = (UChar)c;
        }
    }
    b->len = n;
    return 0;
}
