/*
 * work.h: what happens inside one file while it is indexed: the counts
 * reported to the caller's file progress (ghs_index_set_file_progress) a
 * few times a second, and the caller's stop (ghs_index_set_stop) asked
 * often enough to be honoured within a fraction of a second. Not part of
 * the public API.
 *
 * index.c begins a ghs_work for each file it reads and ticks it from the
 * places where time passes: the wait for a PDF's extraction child, each
 * page or record written. Everything here runs on the calling thread.
 * parallel.c adds up its writers' counts into the same ghs_file_progress
 * and estimates with ghs_work_estimate, so one writer and many report
 * alike.
 */
#ifndef GHS_INDEXER_WORK_H
#define GHS_INDEXER_WORK_H

#include <glib.h>

#include "index_handle.h"

#define GHS_WORK_FIRST_US  (G_USEC_PER_SEC / 5)   /* a file's first report, after */
#define GHS_WORK_EVERY_US  (G_USEC_PER_SEC / 5)   /* then at most this often */
#define GHS_STOP_EVERY_US  (G_USEC_PER_SEC / 20)  /* the caller's stop, asked this often */

/* A document with at least this much text is committed ahead of (the
 * files before it are made durable) so that a stop between its pages can
 * cancel its transaction alone; a shorter one is written whole. */
#define GHS_LONG_DOC_BYTES (256 * 1024)

/* One file being worked on (on the stack of index.c's write_file). */
typedef struct ghs_work {
    ghs_file_progress p;   /* the counts so far; p.path borrowed */
    gint64 t_file;         /* monotonic µs: the file begun */
    gint64 t_phase;        /* ... its phase begun */
    gint64 t_reported;     /* ... last reported (0: never) */
    gint64 t_asked;        /* ... the caller's stop last asked */
    int stop;              /* the caller said stop */
} ghs_work;

/* Begin reporting the file at path (size bytes) on ix: ix->work points to
 * w until ghs_work_end. files_done / files_total come from ix. */
void ghs_work_begin(ghs_index *ix, ghs_work *w, const char *path, unsigned long long size,
                    ghs_work_phase phase);

/* The file's phase changes (pages_total known once extracted). */
void ghs_work_set_phase(ghs_index *ix, ghs_work_phase phase, size_t pages_total);

/* Time passed (counts in ix->work->p updated by the caller): report when
 * due; returns non-zero when the caller's stop says stop (asked when due,
 * and also when ix has no file begun). */
int ghs_work_tick(ghs_index *ix);

/* The file is done (or failed, or stopped): no more reports for it. */
void ghs_work_end(ghs_index *ix);

/* Fill p->rate, p->text_rate and p->eta from its counts and p->seconds. */
void ghs_work_estimate(ghs_file_progress *p);

#endif /* GHS_INDEXER_WORK_H */
