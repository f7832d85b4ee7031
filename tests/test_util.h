/*
 * test_util.h: helpers shared by the C unit tests (tests/test_*.c) and
 * nothing else: temporary directories and their removal, paths into the
 * shared data set with the CI rule (fail when CI=true, skip otherwise), and
 * a fresh writable index in a temporary directory, an index run as the
 * fault tests make it. Every helper asserts (g_assert*) on setup failures
 * instead of returning an error: a test that cannot set itself up has
 * failed.
 */
#ifndef GHS_TEST_UTIL_H
#define GHS_TEST_UTIL_H

#include <glib.h>

#include "ghsearch.h"

/* A new empty directory made from tmpl (g_dir_make_tmp, "name-XXXXXX"),
 * asserting that it could be made. Returns its path (g_free). */
char *ghs_test_tmp_dir(const char *tmpl);

/* dir/name written with text, its parent folders made (asserting it
 * worked); returns the path (g_free). */
char *ghs_test_write(const char *dir, const char *name, const char *text);

/* The path "<new temp dir from tmpl>/db", for an index that does not exist
 * yet (only the parent directory is made). Returns it (g_free). */
char *ghs_test_tmp_db(const char *tmpl);

/* Copies the tree at from to to (cp -a), asserting that it worked. */
void ghs_test_copy_tree(const char *from, const char *to);

/* Removes path and, when it is a directory, everything below it. Symbolic
 * links are removed, never followed. Errors are ignored (best effort). */
void ghs_test_rm_tree(const char *path);

/* Removes the temporary directory around db (the parent of db), as made by
 * ghs_test_tmp_db or ghs_test_index_new. */
void ghs_test_rm_db(const char *db);

/* Notes path for removal by ghs_test_rm_noted (a copy is kept). */
void ghs_test_note_for_removal(const char *path);

/* Removes every path noted by ghs_test_note_for_removal (ghs_test_rm_tree)
 * and forgets them. */
void ghs_test_rm_noted(void);

/* The path $GHS_SHARED_DATA/first/... (NULL-terminated parts; first may be
 * NULL for the root itself) when it exists. Otherwise returns NULL after
 * failing the current test (g_test_fail_printf) when CI=true, or skipping
 * it (g_test_skip_printf) when not: the caller just returns. Returns a new
 * string (g_free). */
char *ghs_test_shared_data(const char *first, ...) G_GNUC_NULL_TERMINATED;

/* A new writable index at "<new temp dir from tmpl>/db", asserting that it
 * opens. *db receives the path (g_free; remove with ghs_test_rm_db). */
ghs_index *ghs_test_index_new(const char *tmpl, char **db);

/* One index run over dir into db with `jobs` writers (ghs_index_set_jobs;
 * 0: the library's default) committing every `batch` passages: the run's
 * result, or, when it finished but a file failed (the run goes on past a
 * failed file), that file's error. For the fault tests, whose injected
 * faults must reach the caller by one of the two ways. */
int ghs_test_index_run(const char *db, const char *dir, unsigned jobs, size_t batch,
                       ghs_error *err);

/* Commits ix (asserting success) and closes it. */
void ghs_test_index_finish(ghs_index *ix);

/* Runs query q with options o on the index at db, opened for reading just
 * for this search (asserting that it opens; failing the run with the
 * error's message when the search fails). Returns the results (the caller
 * frees them with ghs_results_free). */
ghs_results *ghs_test_search(const char *db, const char *q, const ghs_search_opts *o);

/* query parsed (failing the run with the parser's message when it is
 * malformed); free with ghs_qnode_free. Declared as void * so that this
 * header needs no searcher header: assign it to a ghs_qnode *. */
void *ghs_test_parse(const char *query);

/* The hit of document doc in r (owned by r), or NULL. */
const ghs_hit *ghs_test_hit_of(const ghs_results *r, const char *doc);

#endif
