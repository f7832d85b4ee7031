/*
 * reader_pool.h: read handles on one index for the server's worker threads.
 *
 * A ghs_index is used by one thread at a time (ghsearch.h), so each request
 * borrows a handle of its own: a free one when there is one, else a new one
 * opened on the spot. The pool never holds more handles than there were
 * requests at once, which the thread pool bounds. Every borrowed handle is
 * reopened first so that a search sees what `ghsearch index` committed
 * since, and a handle that fails to reopen is replaced by a fresh one.
 */
#ifndef GHS_SERVER_READER_POOL_H
#define GHS_SERVER_READER_POOL_H

#include "ghsearch.h"

typedef struct reader_pool reader_pool;

/* A pool over the index at db (copied). Never fails (opening is lazy). */
reader_pool *reader_pool_new(const char *db);

/* Borrow a handle, reopened to the index's latest commit. Returns NULL and
 * fills err when the index cannot be opened. Give it back with
 * reader_pool_release(). Thread-safe. */
ghs_index *reader_pool_acquire(reader_pool *p, ghs_error *err);

/* Return a handle borrowed from p. Thread-safe. */
void reader_pool_release(reader_pool *p, ghs_index *ix);

/* Close every handle and free p; no handle may be borrowed. NULL is a no-op. */
void reader_pool_free(reader_pool *p);

#endif /* GHS_SERVER_READER_POOL_H */
