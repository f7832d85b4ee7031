/*
 * error.h: the one way libghsearch fills a ghs_error (base/error.c).
 *
 * Every message has one shape, "[place] what went wrong: cause", where the
 * place names the file (and line or page) or the operation; the code says
 * what kind of failure it is and the reason, where there is one, refines
 * it, so no caller ever reads a decision out of the text.
 */
#ifndef GHS_BASE_ERROR_H
#define GHS_BASE_ERROR_H

#include "ghsearch.h"

/* Fill err (may be NULL) with code, GHS_REASON_NONE and a printf-style
 * message. Returns code, so callers can `return ghs_set_error(...)`. */
int ghs_set_error(ghs_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The same with a GHS_REASON_* refining the code. */
int ghs_fail(ghs_error *err, int code, int reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Fill err with a GHS_EQUERY at 1-based character position. */
int ghs_query_error(ghs_error *err, int position, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* GHS_BASE_ERROR_H */
