/*
 * error.c: filling a ghs_error (error.h), the names of error codes and
 * reasons, and the library's version.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

const char *ghs_version(void)
{
    return GHS_VERSION;
}

const char *ghs_strerror(int code)
{
    switch (code) {
    case GHS_OK: return "no error";
    case GHS_EINVAL: return "invalid argument";
    case GHS_EIO: return "cannot read or write file";
    case GHS_EFORMAT: return "damaged or unrecognised file";
    case GHS_ENOTEXT: return "no text";
    case GHS_EENCRYPTED: return "encrypted";
    case GHS_EDB: return "index error";
    case GHS_ELOCKED: return "index locked by another writer";
    case GHS_ENOMEM: return "out of memory";
    case GHS_EQUERY: return "malformed query";
    case GHS_EUNSUPPORTED: return "unsupported file type";
    case GHS_ETIMEOUT: return "timed out";
    case GHS_EINTERNAL: return "internal error";
    case GHS_ENOTFOUND: return "not found";
    case GHS_ESTOPPED: return "stopped";
    default: return "unknown error";
    }
}

const char *ghs_error_reason(const ghs_error *err)
{
    if (!err)
        return "failed";
    switch (err->code) {
    case GHS_EENCRYPTED: return "encrypted";
    case GHS_ENOTEXT: return "no text";
    case GHS_ETIMEOUT: return "timed out";
    case GHS_EIO: return "unreadable";
    case GHS_EUNSUPPORTED: return "unsupported";
    case GHS_ENOMEM: return "out of memory";
    case GHS_EFORMAT: break;
    case GHS_EDB: return err->reason == GHS_REASON_DISK_FULL ? "disk full" : "failed";
    default: return "failed";
    }
    switch (err->reason) {
    case GHS_REASON_NOT_PDF: return "not a PDF";
    case GHS_REASON_TOO_LARGE: return "too large";
    case GHS_REASON_CRASHED: return "crashed";
    default: return "damaged";
    }
}

/* The place tag at m ("[pdf]" at "[pdf][x.pdf] ..."): *len its bytes
 * inside the brackets; the text after it, spaces skipped; NULL when m
 * starts with no tag. */
static const char *next_tag(const char *m, size_t *len)
{
    const char *close;

    if (*m != '[' || !(close = strchr(m, ']')))
        return NULL;
    *len = (size_t)(close - m - 1);
    close++;
    while (*close == ' ')
        close++;
    return close;
}

const char *ghs_error_what(const ghs_error *err)
{
    const char *m, *rest;
    size_t len;

    if (!err)
        return ghs_strerror(GHS_OK);
    if (!err->message[0])
        return ghs_strerror(err->code);
    for (m = err->message; (rest = next_tag(m, &len)) != NULL; m = rest)
        ;
    return *m ? m : ghs_strerror(err->code);
}

int ghs_error_file(const ghs_error *err, char *buf, size_t size)
{
    const char *m, *rest, *file = NULL;
    size_t len, file_len = 0;

    if (buf && size)
        buf[0] = '\0';
    if (!err)
        return 0;
    for (m = err->message; (rest = next_tag(m, &len)) != NULL; m = rest) {
        /* the last tag that looks like a file: "[index][a/b.pdf]" */
        if (memchr(m + 1, '/', len) || memchr(m + 1, '.', len) || memchr(m + 1, ':', len)) {
            file = m + 1;
            file_len = len;
        }
    }
    if (!file)
        return 0;
    if (buf && size) {
        if (file_len >= size) {
            file_len = size - 1;
            while (file_len > 0 && ((unsigned char)file[file_len] & 0xC0) == 0x80)
                file_len--;   /* not inside a UTF-8 sequence */
        }
        memcpy(buf, file, file_len);
        buf[file_len] = '\0';
    }
    return 1;
}

static int vfill(ghs_error *err, int code, int reason, int position, const char *fmt,
                 va_list ap)
{
    if (err) {
        err->code = code;
        err->reason = reason;
        err->position = position;
        vsnprintf(err->message, sizeof err->message, fmt, ap);
    }
    return code;
}

int ghs_set_error(ghs_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfill(err, code, GHS_REASON_NONE, 0, fmt, ap);
    va_end(ap);
    return code;
}

int ghs_fail(ghs_error *err, int code, int reason, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfill(err, code, reason, 0, fmt, ap);
    va_end(ap);
    return code;
}

int ghs_query_error(ghs_error *err, int position, const char *fmt, ...)
{
    if (err) {
        char what[400];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof what, fmt, ap);
        va_end(ap);
        ghs_set_error(err, GHS_EQUERY, "query error at %d: %s", position, what);
        err->position = position;
    }
    return GHS_EQUERY;
}
