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

#endif /* GHS_INDEXER_EXTRACT_ISOLATED_H */
