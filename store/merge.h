/*
 * merge.h: replacing an index by a compacted merge of databases, safely
 * for a writer killed at any point and for readers meanwhile. Not part of
 * the public API.
 *
 * The merge is built beside the live tables, in db_dir/GHS_MERGE_DIR, by
 * Xapian's compaction (xc_compact), made durable, and marked complete
 * (GHS_MERGE_DONE). Only then are its files moved over the live ones: the
 * revision file (iamglass) is removed first and the new one moved last, so
 * at every instant db_dir holds either the old database, or no revision
 * file (it reads as being created) with a complete merge waiting. Moving
 * is idempotent: a writer opening db_dir finishes a complete merge
 * (ghs_merge_install) and drops an incomplete one, and a reader that finds
 * one waiting waits for it (ghs_merge_pending).
 */
#ifndef GHS_STORE_MERGE_H
#define GHS_STORE_MERGE_H

#include <stddef.h>

#include "ghsearch.h"

#define GHS_MERGE_DIR ".ghsearch-merge"
#define GHS_MERGE_DONE "merge-complete"

/* Compact the databases srcs[0..n-1] (db_dir itself may be one; documents
 * in source order) into db_dir/GHS_MERGE_DIR and mark it complete. An
 * earlier incomplete merge there is removed first. 0, or a negative
 * GHS_E* code with err filled. */
int ghs_merge_stage(const char *db_dir, const char *const *srcs, size_t n, ghs_error *err);

/* Move a complete staged merge over db_dir's tables. Call holding the
 * writer's lock (lock.h) with no Xapian writer open on db_dir. Returns 1
 * when one was installed, 0 when none was complete (an incomplete one is
 * removed), or a negative GHS_E* code with err filled. */
int ghs_merge_install(const char *db_dir, ghs_error *err);

/* Is a complete merge waiting to be installed in db_dir? */
int ghs_merge_pending(const char *db_dir);

/* Remove a directory tree (used for merges and the parallel writers'
 * databases). Missing is fine. 0 or -1 with errno. */
int ghs_remove_tree(const char *dir);

#endif /* GHS_STORE_MERGE_H */
