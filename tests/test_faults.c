/*
 * test_faults.c: every failure of the Xapian binding reaches the caller
 * and loses nothing, in the manner of SQLite's fault tests. A test-only
 * seam in the binding's exception funnel (xc_test_fail_after) makes the
 * N-th binding call fail; for each N the test runs an index run over the
 * sample corpus (PDFs, a release following its links, JSON Lines records in
 * small batches) on top of a committed index, then checks:
 *   - the run reported an error (code and message), unless the failed
 *     call could not change what the run wrote (then the index is checked
 *     as if nothing happened);
 *   - the database opens and what was committed before is still there;
 *   - a re-run without faults finishes the job: the same documents,
 *     passages and answers as a run that never failed, no passage twice.
 * Then the same for searches: an error or the right answer, never a wrong
 * one. N goes over every call of the first runs and then in strides, so
 * the test is bounded (GHS_FAULT_STRIDE sets the stride; 1 = every call).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ghsearch.h"
#include "test_util.h"
#include "xc.h"

static char *corpus_dir;   /* the sample corpus the build made */
static char *first_dir;    /* what is committed before each faulty run */

static const char first_text[] =
    "Zeolite water filters for rural clinics\n"
    "Clinics in the northern districts report that zeolite filters keep water safe.\n"
    "ゼオライトの浄水フィルターは地方の診療所で安全な水を保つ。\n";

static const char *const queries[] = {
    "ユニバーサル・ヘルス・カバレッジ", "health financing", "zeolite", "\"medical countermeasures\"",
};

/* One index run over dir, the JSON Lines records in several batches. */
static int index_run(const char *db, const char *dir, ghs_error *err)
{
    return ghs_test_index_run(db, dir, 0, 7, err);
}

/* What a user sees of an index: its counts and the answers to queries. */
static char *fingerprint(const char *db)
{
    ghs_index *ix = NULL;
    ghs_error err = {0};
    if (ghs_index_open(&ix, db, GHS_OPEN_READ, &err) < 0)
        return g_strdup_printf("cannot open: %s", err.message);
    GString *g = g_string_new(NULL);
    ghs_stats st;
    if (ghs_index_stats(ix, &st, &err) == 0)
        g_string_append_printf(g, "%zu documents, %zu passages\n", st.documents, st.passages);
    for (size_t q = 0; q < G_N_ELEMENTS(queries); q++) {
        ghs_search_opts o = { GHS_SEARCH_OPTS_INIT, .limit = 20, .per_doc = 3 };
        ghs_results *r = NULL;
        if (ghs_search(ix, queries[q], &o, &r, &err) < 0) {
            g_string_append_printf(g, "%s: error %s\n", queries[q], err.message);
            continue;
        }
        g_string_append_printf(g, "%s: %zu of %zu\n", queries[q], ghs_results_count(r),
                               ghs_results_total(r));
        for (size_t i = 0; i < ghs_results_count(r); i++) {
            const ghs_hit *h = ghs_results_hit(r, i);
            g_string_append_printf(g, "  %s p%d %.4f\n", h->doc, h->page, h->score);
        }
        ghs_results_free(r);
    }
    ghs_index_close(ix);
    return g_string_free(g, FALSE);
}


static long stride(void)
{
    const char *v = g_getenv("GHS_FAULT_STRIDE");
    long s = v ? atol(v) : 0;
    return s > 0 ? s : 0;
}

/* The N to try for a run of `calls` binding calls: every one of the first
 * 40, then about 60 more spread evenly (or every stride-th). */
static GArray *plan(long calls, long samples)
{
    GArray *ns = g_array_new(FALSE, FALSE, sizeof(long));
    const char *only = g_getenv("GHS_FAULT_ONLY");   /* one N, to look at it */
    if (only) {
        long n = atol(only);
        g_array_append_val(ns, n);
        return ns;
    }
    long step = stride();
    if (step == 0)
        step = calls > samples + 40 ? (calls - 40) / samples + 1 : 1;
    for (long n = 1; n <= calls; n = n < 40 ? n + 1 : n + step)
        g_array_append_val(ns, n);
    return ns;
}

static void index_faults(int kind, long samples)
{
    char *dir = ghs_test_tmp_dir("ghs-faults-XXXXXX");
    char *base = g_build_filename(dir, "base", NULL);
    ghs_error err = {0};
    g_assert_cmpint(index_run(base, first_dir, &err), ==, 0);

    /* The answer a run that never failed gives, and how many calls it makes. */
    char *ref = g_build_filename(dir, "ref", NULL);
    ghs_test_copy_tree(base, ref);
    xc_test_fail_after(G_MAXLONG);
    g_assert_cmpint(index_run(ref, corpus_dir, &err), ==, 0);
    long calls = G_MAXLONG - xc_test_calls_left();
    xc_test_fail_after(0);
    char *want = fingerprint(ref);
    char *before = fingerprint(base);
    g_test_message("an index run makes %ld binding calls", calls);
    g_assert_cmpint(calls, >, 100);

    GArray *ns = plan(calls, samples);
    xc_test_fail_as(kind);
    int reported = 0, harmless = 0;
    for (guint k = 0; k < ns->len; k++) {
        long n = g_array_index(ns, long, k);
        char *db = g_strdup_printf("%s/run-%ld", dir, n);
        ghs_test_copy_tree(base, db);
        ghs_error e = {0};
        xc_test_fail_after(n);
        int rc = index_run(db, corpus_dir, &e);
        long fired = xc_test_faults_fired();
        xc_test_fail_after(0);
        g_assert_cmpint(fired, ==, 1);
        char *after = fingerprint(db);
        if (rc < 0) {
            reported++;
            if (e.message[0] == '\0')
                g_error("fault %ld: error %d without a message", n, rc);
            /* The database opens, and nothing committed before is lost. */
            g_assert_false(g_str_has_prefix(after, "cannot open"));
            g_assert_nonnull(strstr(after, "zeolite: 1 of 1"));
        } else {
            /* Not reported: then it must not have mattered. */
            harmless++;
            if (strcmp(after, want) != 0)
                g_error("fault %ld in %s was swallowed and the index differs:\n%s\ninstead "
                        "of\n%s", n, xc_test_fault_site(), after, want);
        }
        /* A re-run without faults finishes the job exactly. */
        g_assert_cmpint(index_run(db, corpus_dir, &e), ==, 0);
        char *fixed = fingerprint(db);
        if (strcmp(fixed, want) != 0)
            g_error("after fault %ld (%s) a re-run gives\n%s\ninstead of\n%s", n,
                    rc < 0 ? e.message : "not reported", fixed, want);
        g_free(fixed);
        g_free(after);
        ghs_test_rm_tree(db);
        g_free(db);
    }
    xc_test_fail_as(XC_ERR_DATABASE);
    g_test_message("%u %s faults injected: %d reported, %d harmless", ns->len,
                   kind == XC_ERR_NOMEM ? "out-of-memory" : "database", reported, harmless);
    g_assert_nonnull(strstr(before, "zeolite: 1 of 1"));
    g_array_free(ns, TRUE);
    g_free(want);
    g_free(before);
    ghs_test_rm_tree(dir);
    g_free(ref);
    g_free(base);
    g_free(dir);
}

static void test_every_index_fault_is_reported_and_recovered(void)
{
    index_faults(XC_ERR_DATABASE, 60);
}

/* Xapian's std::bad_alloc, as the binding reports it, handled the same. */
static void test_out_of_memory_in_xapian_is_reported_and_recovered(void)
{
    index_faults(XC_ERR_NOMEM, 30);
}

static void test_every_search_fault_is_an_error_or_the_right_answer(void)
{
    char *dir = ghs_test_tmp_dir("ghs-faults-XXXXXX");
    char *db = g_build_filename(dir, "db", NULL);
    ghs_error err = {0};
    g_assert_cmpint(index_run(db, first_dir, &err), ==, 0);
    g_assert_cmpint(index_run(db, corpus_dir, &err), ==, 0);
    ghs_index *ix = NULL;
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_READ, &err), ==, 0);
    int reported = 0, total = 0;
    for (size_t q = 0; q < G_N_ELEMENTS(queries); q++) {
        ghs_search_opts o = { GHS_SEARCH_OPTS_INIT, .limit = 10, .facets = 1 };
        ghs_results *want = NULL;
        xc_test_fail_after(G_MAXLONG);
        g_assert_cmpint(ghs_search(ix, queries[q], &o, &want, &err), ==, 0);
        long calls = G_MAXLONG - xc_test_calls_left();
        xc_test_fail_after(0);
        const char *only = g_getenv("GHS_FAULT_ONLY");   /* one N, to look at it */
        for (long n = only ? atol(only) : 1; n <= (only ? atol(only) : calls); n++) {
            ghs_results *r = NULL;
            ghs_error e = {0};
            xc_test_fail_after(n);
            int rc = ghs_search(ix, queries[q], &o, &r, &e);
            xc_test_fail_after(0);
            total++;
            if (rc < 0) {
                reported++;
                g_assert_null(r);
                g_assert_cmpstr(e.message, !=, "");
                continue;
            }
            /* Not an error: then the answer a search without faults gives. */
            if (ghs_results_count(r) != ghs_results_count(want))
                g_error("'%s': fault %ld in %s gave %zu hits instead of %zu", queries[q], n,
                        xc_test_fault_site(), ghs_results_count(r), ghs_results_count(want));
            g_assert_cmpuint(ghs_results_total(r), ==, ghs_results_total(want));
            for (size_t i = 0; i < ghs_results_count(r); i++) {
                g_assert_cmpstr(ghs_results_hit(r, i)->doc, ==, ghs_results_hit(want, i)->doc);
                g_assert_cmpfloat(ghs_results_hit(r, i)->score, ==,
                                  ghs_results_hit(want, i)->score);
            }
            ghs_results_free(r);
        }
        ghs_results_free(want);
    }
    g_test_message("%d search faults injected: %d reported, %d retried to the right answer",
                   total, reported, total - reported);
    ghs_index_close(ix);
    ghs_test_rm_tree(dir);
    g_free(db);
    g_free(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    const char *build = g_getenv("GHS_BUILD_ROOT");
    corpus_dir = g_build_filename(build ? build : ".", "corpus", NULL);
    char *tmp = ghs_test_tmp_dir("ghs-faults-first-XXXXXX");
    first_dir = g_build_filename(tmp, "first", NULL);
    g_assert_cmpint(g_mkdir(first_dir, 0755), ==, 0);
    char *note = g_build_filename(first_dir, "zeolite.txt", NULL);
    g_assert_true(g_file_set_contents(note, first_text, -1, NULL));
    g_free(note);
    g_test_add_func("/faults/every_index_fault_is_reported_and_recovered",
                    test_every_index_fault_is_reported_and_recovered);
    g_test_add_func("/faults/out_of_memory_in_xapian_is_reported_and_recovered",
                    test_out_of_memory_in_xapian_is_reported_and_recovered);
    g_test_add_func("/faults/every_search_fault_is_an_error_or_the_right_answer",
                    test_every_search_fault_is_an_error_or_the_right_answer);
    int rc = g_test_run();
    ghs_test_rm_tree(tmp);
    g_free(tmp);
    g_free(first_dir);
    g_free(corpus_dir);
    return rc;
}
