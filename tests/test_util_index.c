/*
 * test_util_index.c: the index helpers of test_util.h (a new writable
 * index in a temporary directory, commit and close, one search). A file of its own so
 * that tests not linked with libghsearch can use the rest of the library.
 */
#include "test_util.h"

#include "query_parse.h"

ghs_index *ghs_test_index_new(const char *tmpl, char **db)
{
    *db = ghs_test_tmp_db(tmpl);
    ghs_index *ix = NULL;
    ghs_error err = {0};
    if (ghs_index_open(&ix, *db, GHS_OPEN_WRITE, &err) != 0)
        g_error("open %s: %s", *db, err.message);
    return ix;
}

void ghs_test_index_finish(ghs_index *ix)
{
    ghs_error err = {0};
    if (ghs_index_commit(ix, &err) != 0)
        g_error("commit: %s", err.message);
    ghs_index_close(ix);
}

ghs_results *ghs_test_search(const char *db, const char *q, const ghs_search_opts *o)
{
    ghs_index *ix = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_READ, &err), ==, 0);
    ghs_results *r = NULL;
    if (ghs_search(ix, q, o, &r, &err) != 0)
        g_error("search '%s': %s", q, err.message);
    ghs_index_close(ix);
    return r;
}

void *ghs_test_parse(const char *query)
{
    ghs_qnode *root = NULL;
    ghs_error err = {0};
    if (ghs_query_parse(query, &root, &err) != 0)
        g_error("parse %s: %s", query, err.message);
    return root;
}

const ghs_hit *ghs_test_hit_of(const ghs_results *r, const char *doc)
{
    for (size_t i = 0; i < ghs_results_count(r); i++)
        if (!strcmp(ghs_results_hit(r, i)->doc, doc))
            return ghs_results_hit(r, i);
    return NULL;
}
