/*
 * index_handle.h: the ghs_index handle, shared by the indexing and the
 * searching halves of the library (store/index_handle.c). Not part of the
 * public API.
 */
#ifndef GHS_STORE_INDEX_HANDLE_H
#define GHS_STORE_INDEX_HANDLE_H

#include <stdarg.h>

#include "analyze.h"
#include "error.h"
#include "ghsearch.h"
#include "manifest.h"
#include "xc.h"

/* How many times a reader (a search, the stats) starts over on a freshly
 * reopened revision when a writer's commits discarded the one it was
 * reading (DatabaseModifiedError). A writer committing every few tens of
 * milliseconds can beat a slow reader several times in a row; each
 * attempt starts from the newest revision, so a few more attempts nearly
 * always get through. */
#define GHS_READ_ATTEMPTS 20

struct ghs_index {
    char *path;              /* as given to ghs_index_open */
    int writable;
    xc_wdb *wdb;             /* writable handle (GHS_OPEN_WRITE) */
    xc_db *db;               /* reading handle; opened lazily when writable */
    int placeholder;         /* db is an empty stand-in: the index was being
                              * created when opened (ghs_index_reopen swaps it) */
    ghs_analyzer *an;        /* analysis shared by indexing and query parsing */
    ghs_manifest *manifest;  /* optional metadata overrides */
    size_t uncommitted;      /* passages added since the last commit */
    size_t batch;            /* passages per commit (ghs_index_set_batch, else
                              * GHSEARCH_COMMIT_EVERY, else GHS_COMMIT_EVERY) */
    ghs_analyzer *build_an;  /* analyzer of the worker thread (pipeline.h); writers only */
    unsigned shard_k, shard_n; /* write only ids of shard k of n; n == 0: all */
    char *cache_dir;         /* fetch cache for linked documents (links.h); NULL: default */
    int (*stop_fn)(void *);  /* ghs_index_set_stop: asked while a file is worked
                              * on (indexer/work.h); NULL: never */
    void *stop_user;
    ghs_file_progress_fn progress_fn;  /* ghs_index_set_file_progress; NULL: none */
    void *progress_user;
    struct ghs_work *work;   /* the file being worked on (work.h); NULL between files */
    size_t work_files_done, work_files_total;  /* of the run, for its reports */
    int lock_fd;             /* the writer's own lock (lock.h); -1 when none */
    unsigned jobs;           /* writers of ghs_index_add_paths (ghs_index_set_jobs) */
    int split_writer;        /* one of the writers of a parallel run (parallel.h) */
    int quiet_bad_lines;     /* leave JSON Lines bad lines to writer 0 (parallel.h) */
};

/* The errno of a full disk (ENOSPC, EDQUOT or EFBIG) whose system words
 * a Xapian error message carries, else 0. */
int ghs_disk_full_errno(const char *msg);

/* Translate a binding error into a ghsearch error with a place prefix
 * (GHS_REASON_DISK_FULL when the disk is full). */
int ghs_error_from_xc(ghs_error *err, const xc_error *xe, const char *place);

/* Passages per commit when the caller has not said (GHSEARCH_COMMIT_EVERY,
 * else 20000). */
size_t ghs_index_default_batch(void);

/* Replace ix's database by the compacted merge of the databases srcs
 * (ix->path may be one of them; documents in source order), through
 * merge.h; ix stays open for writing, on the merged database. Pending
 * changes are committed first. 0, or a negative GHS_E* code with err
 * filled (the index is then the old one or the merged one, never a mix). */
int ghs_index_replace(ghs_index *ix, const char *const *srcs, size_t n, ghs_error *err);

/* The reading handle of ix (opened on first use for a writable index).
 * NULL with err filled on failure. Owned by ix. */
xc_db *ghs_index_reader(ghs_index *ix, ghs_error *err);

#endif /* GHS_STORE_INDEX_HANDLE_H */
