/*
 * docdata.c: encoding and decoding of the stored passage/document record
 * (format described in docdata.h).
 */
#include "docdata.h"

#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ghs_docdata_put(ghs_docdata *d, char key, const char *val, size_t len)
{
    if (!val)
        return;
    if (len > UINT32_MAX)
        len = UINT32_MAX;
    size_t need = d->len + 5 + len;
    if (need > d->cap) {
        size_t cap = d->cap ? d->cap : 256;
        while (cap < need)
            cap *= 2;
        d->buf = g_realloc(d->buf, cap);
        d->cap = cap;
    }
    uint32_t n = (uint32_t)len;
    d->buf[d->len++] = key;
    for (int i = 0; i < 4; i++)
        d->buf[d->len++] = (char)((n >> (8 * i)) & 0xff);
    memcpy(d->buf + d->len, val, len);
    d->len += len;
}

void ghs_docdata_put_str(ghs_docdata *d, char key, const char *s)
{
    if (s)
        ghs_docdata_put(d, key, s, strlen(s));
}

void ghs_docdata_put_int(ghs_docdata *d, char key, long v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%ld", v);
    ghs_docdata_put(d, key, tmp, (size_t)n);
}

void ghs_docdata_free(ghs_docdata *d)
{
    g_free(d->buf);
    d->buf = NULL;
    d->len = d->cap = 0;
}

const char *ghs_docdata_get(const char *data, size_t len, char key, size_t *vlen)
{
    size_t i = 0;
    while (data && i + 5 <= len) {
        const unsigned char *p = (const unsigned char *)data + i;
        uint32_t n = (uint32_t)p[1] | (uint32_t)p[2] << 8 | (uint32_t)p[3] << 16 |
                     (uint32_t)p[4] << 24;
        if (n > len - i - 5)
            return NULL;           /* malformed: a field runs past the end */
        if ((char)p[0] == key) {
            if (vlen)
                *vlen = n;
            return data + i + 5;
        }
        i += 5 + (size_t)n;
    }
    return NULL;
}

char *ghs_docdata_dup(const char *data, size_t len, char key)
{
    size_t n = 0;
    const char *v = ghs_docdata_get(data, len, key, &n);
    return v ? g_strndup(v, n) : g_strdup("");
}

long ghs_docdata_get_int(const char *data, size_t len, char key, long dflt)
{
    size_t n = 0;
    const char *v = ghs_docdata_get(data, len, key, &n);
    if (!v || n == 0 || n > 20)
        return dflt;
    char tmp[24];
    memcpy(tmp, v, n);
    tmp[n] = '\0';
    char *end = NULL;
    long r = strtol(tmp, &end, 10);
    return (end && *end == '\0') ? r : dflt;
}

int ghs_docdata_next(const char *data, size_t len, size_t *pos, char *key,
                     const char **val, size_t *vlen)
{
    size_t i = *pos;
    if (i >= len)
        return 0;
    if (len - i < 5)
        return -1;
    const unsigned char *p = (const unsigned char *)data + i;
    uint32_t n = (uint32_t)p[1] | (uint32_t)p[2] << 8 | (uint32_t)p[3] << 16 |
                 (uint32_t)p[4] << 24;
    if (n > len - i - 5)
        return -1;
    *key = (char)p[0];
    *val = data + i + 5;
    *vlen = n;
    *pos = i + 5 + (size_t)n;
    return 1;
}
