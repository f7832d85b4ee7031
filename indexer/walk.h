/*
 * walk.h: finding the files under the paths a user gives, the one way
 * every part of the indexer does it.
 */
#ifndef GHS_INDEXER_WALK_H
#define GHS_INDEXER_WALK_H

#include <glib.h>

/* Does the file at path belong in the walk? */
typedef int (*ghs_walk_filter)(const char *path);

/* Append to files (g_strdup'ed paths; the array's free function should be
 * g_free) every file under path that want() accepts: path itself when it is
 * not a directory, else its entries recursively, sorted by name per
 * directory, hidden entries skipped, symbolic links to directories not
 * followed (they can loop), at most 64 levels deep. */
void ghs_walk_files(const char *path, ghs_walk_filter want, GPtrArray *files);

#endif /* GHS_INDEXER_WALK_H */
