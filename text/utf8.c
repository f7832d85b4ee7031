/*
 * utf8.c: UTF-16 <-> UTF-8 conversion for ICU (the UTF-8 decoder itself is
 * base/utf8.c).
 */
#include <stdlib.h>
#include <string.h>

#include "text_internal.h"

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
        return ghs_set_error(err, GHS_ENOMEM, "[analyze] out of memory");
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
        return ghs_set_error(err, GHS_EINVAL,
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
