/*
 * fetch_cache.h: the download cache that `ghsearch fetch` fills and the
 * link follower (links.h) reads to find local copies of linked documents.
 *
 * Layout under the cache directory:
 *   sha256/<hex>.pdf|.html   one file per distinct content, named by the
 *                            SHA-256 of its bytes (never rewritten in place)
 *   urls.tsv                 the URL index, one URL a line (see below)
 *   partial/<sha1 of url>.part  an interrupted download kept for resuming,
 *                            with <...>.meta beside it holding the
 *                            validator (ETag or Last-Modified) it came with
 *
 * urls.tsv has a header line and the columns url, state, sha256, ext,
 * content_type, bytes, fetched, message. `state` is what the last attempt
 * gave ("ok", "failed", "not-a-document"); `sha256` names the last good
 * copy and survives later failures: a failed download never replaces or
 * forgets a good copy. The file is rewritten whole through a temporary
 * file and a rename, so a reader never sees half of it. One writer (one
 * `ghsearch fetch`) at a time; readers may run alongside.
 *
 * Owns no network code: downloading lives in fetch/fetch.c.
 */
#ifndef GHS_INDEXER_FETCH_CACHE_H
#define GHS_INDEXER_FETCH_CACHE_H

#include <stddef.h>

#include "ghsearch.h"

typedef struct ghs_cache ghs_cache;

/* One URL of the index. Strings belong to the cache; never NULL ("" when
 * unknown). */
typedef struct ghs_cache_entry {
    const char *url;
    const char *state;        /* "ok", "failed" or "not-a-document" (last attempt) */
    const char *sha256;       /* hex digest of the last good copy, "" when none */
    const char *ext;          /* "pdf" or "html" for a good copy */
    const char *content_type; /* as the server sent it */
    long long bytes;          /* size of the good copy */
    const char *fetched;      /* ISO 8601 UTC time of the last attempt */
    const char *message;      /* why the last attempt failed, "" when it did not */
} ghs_cache_entry;

/* Open the cache at dir and read its URL index. With create non-zero the
 * directories are made when missing; without, a missing dir gives an empty
 * cache (nothing found). Errors: GHS_EIO (cannot create or read), naming
 * the path. On success *out is freed with ghs_cache_free(). */
int ghs_cache_open(const char *dir, int create, ghs_cache **out, ghs_error *err);
void ghs_cache_free(ghs_cache *c);

/* The directory the cache was opened at. Owned by c. */
const char *ghs_cache_dir(const ghs_cache *c);

/* The entry of url, or NULL when the URL was never fetched. Owned by c
 * (valid until the next change to c). */
const ghs_cache_entry *ghs_cache_find(const ghs_cache *c, const char *url);

/* The path of the good copy of url when it exists on disk, else NULL.
 * Malloc'ed; the caller frees it. */
char *ghs_cache_lookup(const ghs_cache *c, const char *url);

/* Store a complete download: the file at tmp_path (in the cache directory's
 * file system) is renamed to sha256/<digest>.<ext> (or removed when that
 * content is already stored) and url's entry points to it. ext is "pdf" or
 * "html". Writes the URL index. Errors: GHS_EIO with the cause; then the
 * previous entry is kept and tmp_path is left in place. */
int ghs_cache_store(ghs_cache *c, const char *url, const char *tmp_path, const char *ext,
                    const char *content_type, ghs_error *err);

/* Record a failed attempt (state "failed" or "not-a-document" and why)
 * without touching the good copy, if any. Writes the URL index. */
int ghs_cache_record_failure(ghs_cache *c, const char *url, const char *state,
                             const char *content_type, const char *message, ghs_error *err);

/* Where an interrupted download of url is kept (partial/<sha1>.part) and
 * its validator file (.meta). Malloc'ed; the caller frees them. */
char *ghs_cache_partial_path(const ghs_cache *c, const char *url);
char *ghs_cache_partial_meta_path(const ghs_cache *c, const char *url);

/* Number of URLs in the index, and URL i in index order (the order in
 * which URLs were first recorded). */
size_t ghs_cache_count(const ghs_cache *c);
const ghs_cache_entry *ghs_cache_entry_at(const ghs_cache *c, size_t i);

#endif /* GHS_INDEXER_FETCH_CACHE_H */
