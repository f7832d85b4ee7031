/*
 * extract_isolated.h: run an extractor in a child process with limits, so
 * that a file which crashes, hangs or exhausts memory costs only itself.
 */
#ifndef GHS_INDEXER_EXTRACT_ISOLATED_H
#define GHS_INDEXER_EXTRACT_ISOLATED_H

#include "extract.h"

typedef int (*ghs_extract_fn)(const char *path, ghs_extracted *e, ghs_error *err);

typedef struct ghs_isolation {
    unsigned wall_seconds;  /* deadline for the whole extraction (0: 60 s) */
    unsigned cpu_seconds;   /* RLIMIT_CPU of the child (0: none) */
    unsigned memory_mb;     /* RLIMIT_AS of the child (0: none; ignored under ASan) */
} ghs_isolation;

/* Defaults used by the indexer. */
#define GHS_ISOLATION_DEFAULT { 60, 60, 2048 }

/* Run fn(path) in a forked child under lim and return what it extracted.
 * On success e is filled (caller clears with ghs_extracted_clear). A crash
 * is GHS_EFORMAT ("damaged: the extractor crashed (Segmentation fault)"),
 * a deadline or CPU limit GHS_ETIMEOUT; kind prefixes messages ("pdf").
 * The extractor's own errors come back unchanged. */
int ghs_extract_isolated(ghs_extract_fn fn, const char *path, const char *kind,
                         const ghs_isolation *lim, ghs_extracted *e, ghs_error *err);

/* The same in two steps, so the child can work while the caller does
 * something else (the indexer writes the previous file meanwhile):
 * ghs_extract_start forks the child (or, when it cannot, leaves the work
 * to ghs_extract_finish, which then runs fn in-process); ghs_extract_finish
 * waits for it (the wall deadline counts from this call), fills e as
 * ghs_extract_isolated does and frees the job; ghs_extract_cancel kills
 * the child and frees the job (NULL is a no-op). Call start from a thread
 * while no other thread of the process runs library code (it forks). */
typedef struct ghs_extract_job ghs_extract_job;
ghs_extract_job *ghs_extract_start(ghs_extract_fn fn, const char *path, const char *kind,
                                   const ghs_isolation *lim);

/* Called by ghs_extract_finish, about every 50 ms, while it waits for its
 * child: non-zero kills the child, and ghs_extract_finish returns
 * GHS_ESTOPPED ("[kind][name] stopped") with e empty. */
typedef int (*ghs_extract_wait_fn)(void *user);
int ghs_extract_finish(ghs_extract_job *job, ghs_extracted *e, ghs_error *err,
                       ghs_extract_wait_fn wait, void *wait_user);
void ghs_extract_cancel(ghs_extract_job *job);

#endif /* GHS_INDEXER_EXTRACT_ISOLATED_H */
