/*
 * fetch.h: downloading the documents releases link to (and the manifest
 * lists) into the fetch cache, with libcurl. `ghsearch fetch` is its
 * client; the indexer reads the cache (indexer/fetch_cache.h) without it.
 *
 * A library of its own (libghs_fetch) beside libghsearch so that only
 * programs that download link libcurl.
 *
 * What a download does:
 *  - http(s) only, redirects followed up to a limit and only to http(s);
 *  - connect and whole-transfer timeouts, and a stall limit;
 *  - a size limit, checked against Content-Length and while receiving;
 *  - only PDFs and HTML pages are kept: the Content-Type must say so (or,
 *    for a generic type, the first bytes must), and a "PDF" must start
 *    with %PDF-; anything else is recorded as not-a-document;
 *  - bytes go to partial/<...>.part; an interrupted download whose server
 *    gave a validator (ETag or Last-Modified) is resumed by the next run
 *    with a Range request (If-Range guarding against a changed file); a
 *    server that answers 200 instead of 206 is simply read from the start;
 *  - a complete download is stored by content hash (fetch_cache.h); a
 *    failed one never replaces or forgets a good copy;
 *  - a polite rate: at least host_delay_ms between two requests to the
 *    same host.
 */
#ifndef GHS_FETCH_H
#define GHS_FETCH_H

#include <stddef.h>

#include "ghsearch.h"

typedef struct ghs_fetch_opts {
    const char *cache_dir;     /* required: where downloads are stored */
    long connect_timeout_ms;   /* 0: 10 s */
    long timeout_ms;           /* whole transfer; 0: 5 min */
    long stall_seconds;        /* give up when nothing arrives for this long; 0: 30 */
    long long max_bytes;       /* 0: 256 MiB */
    long max_redirects;        /* 0: 5; negative: do not follow redirects */
    long host_delay_ms;        /* between requests to one host; 0: 1 s; negative: none */
    int refresh;               /* download again URLs that already have a good copy */
    const char *user_agent;    /* NULL: "ghsearch/VERSION" */
} ghs_fetch_opts;

typedef enum ghs_fetch_status {
    GHS_FETCH_DOWNLOADED = 0,   /* downloaded (or resumed) and stored */
    GHS_FETCH_CACHED = 1,       /* a good copy was there already; not downloaded */
    GHS_FETCH_FAILED = 2,       /* no copy this time (any good copy is kept) */
    GHS_FETCH_NOT_DOCUMENT = 3  /* the server sent something that is not a PDF or HTML */
} ghs_fetch_status;

/* "downloaded", "cached", "failed", "not-a-document". Static storage. */
const char *ghs_fetch_status_name(ghs_fetch_status s);

/* One URL's outcome, passed to the progress callback. Everything it
 * points to is valid only during the callback. */
typedef struct ghs_fetch_event {
    const char *url;
    ghs_fetch_status status;
    const char *path;          /* the good copy in the cache, or "" when none */
    const char *content_type;  /* as the server sent it; may be "" */
    long http_status;          /* last HTTP status, 0 when no response */
    long long bytes;           /* size of the copy downloaded (DOWNLOADED) */
    int resumed;               /* the download continued an interrupted one */
    const ghs_error *error;    /* FAILED / NOT_DOCUMENT: why; else NULL */
    size_t done, total;        /* URLs handled so far (this one included), in all */
} ghs_fetch_event;

/* Return non-zero to stop after the current URL. */
typedef int (*ghs_fetch_fn)(const ghs_fetch_event *ev, void *user);

typedef struct ghs_fetch_totals {
    size_t urls, downloaded, cached, failed, not_document;
    long long bytes;           /* downloaded this run */
} ghs_fetch_totals;

/* Fill opts with the defaults (all zero, no cache directory). */
void ghs_fetch_opts_init(ghs_fetch_opts *opts);

/* Fetch each of urls[0..n) into opts->cache_dir (created when missing),
 * one after the other, reporting each through progress (may be NULL).
 * A URL that fails is recorded in the cache and the run goes on. totals
 * may be NULL. Returns 0 when the run went through (even if URLs failed),
 * or a negative code when nothing could be done (no cache directory, the
 * cache cannot be created or written, libcurl cannot start). */
int ghs_fetch_urls(const char *const *urls, size_t n, const ghs_fetch_opts *opts,
                   ghs_fetch_fn progress, void *user, ghs_fetch_totals *totals,
                   ghs_error *err);

#endif /* GHS_FETCH_H */
