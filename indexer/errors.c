/*
 * errors.c: error reporting shared by every module of libghsearch, and the
 * library's version.
 */
#include <stdio.h>
#include <string.h>

#include "index_internal.h"

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
    default: return "unknown error";
    }
}

int ghs_set_error(ghs_error *err, int code, const char *fmt, ...)
{
    if (err) {
        err->code = code;
        err->position = 0;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

int ghs_error_from_xc(ghs_error *err, const xc_error *xe, const char *place)
{
    int code = GHS_EDB;
    switch (xe->code) {
    case XC_ERR_LOCKED: code = GHS_ELOCKED; break;
    case XC_ERR_NOMEM: code = GHS_ENOMEM; break;
    case XC_ERR_INVALID_ARGUMENT: code = GHS_EINVAL; break;
    default: break;
    }
    return ghs_set_error(err, code, "[%s] %s", place, xe->message);
}
