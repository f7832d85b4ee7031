/*
 * parallel.h: ghs_index_add_paths on every core. Not part of the public
 * API.
 *
 * Xapian writes one database from one thread, and writing is most of what
 * indexing costs. So a run into an empty index splits its input among
 * ix->jobs writers, each a whole indexer of its own (index.c's loop) in a
 * process of its own, into its own database under db_dir/GHS_JOBS_DIR,
 * keeping the documents of one shard (ghs_shard_of: a file by its id, a
 * JSON Lines record by its own), and then merges them into the index with
 * Xapian's compaction (merge.h), the way Xapian recommends building large
 * databases. Processes, not threads: a writer forks a child to extract
 * each PDF, which is safe only while no other thread of the forking
 * process may hold a lock. The caller sees one run: one progress event a
 * file (the writers' reports of it added up, sent to the calling process
 * over pipes), one set of totals, one stop.
 *
 * A run killed before the merge leaves the writers' databases, each
 * consistent at its last commit: the next run merges them first
 * (ghs_parallel_recover) and goes on from there, indexing again a JSON
 * Lines file that not every writer had finished.
 */
#ifndef GHS_INDEXER_PARALLEL_H
#define GHS_INDEXER_PARALLEL_H

#include <glib.h>

#include "index_handle.h"

#define GHS_JOBS_DIR ".ghsearch-jobs"

/* How index.c's loop over files is called, by the parallel writers too:
 * index files (paths) into ix, report each to progress, add to tot (which
 * the caller zeroed). *stopped is set when progress asked to stop.
 * Returns 0, or the negative code that ended the run (err filled). */
int ghs_index_files(ghs_index *ix, GPtrArray *files, ghs_progress_fn progress, void *user,
                    ghs_index_totals *tot, int *stopped, ghs_error *err);

/* Fill err with "no valid record" for the JSON Lines file at path whose
 * every line was bad (first_bad: the first one's message); returns its
 * code. */
int ghs_jsonl_no_valid_record(ghs_error *err, const char *path, const char *first_bad);

/* The number of writers a run of ix would use on files: ix->jobs (0: the
 * cores, at most GHS_MAX_JOBS; without JSON Lines files, at most one a
 * file), 1 when the index already holds passages (an incremental run
 * changes it in place) or there is at most one file to write. */
unsigned ghs_parallel_jobs(ghs_index *ix, GPtrArray *files);
#define GHS_MAX_JOBS 8

/* Index files with n > 1 writers, merge their databases into ix, and
 * report as ghs_index_files does. */
int ghs_parallel_index_files(ghs_index *ix, unsigned n, GPtrArray *files,
                             ghs_progress_fn progress, void *user, ghs_index_totals *tot,
                             int *stopped, ghs_error *err);

/* Merge what the writers of a killed parallel run committed into ix (see
 * above). 0 when there was nothing to merge or it was merged, else a
 * negative code with err filled. */
int ghs_parallel_recover(ghs_index *ix, ghs_error *err);

#endif /* GHS_INDEXER_PARALLEL_H */
