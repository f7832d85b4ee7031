/*
 * test_time_limit.c: ghs_search_opts.time_limit, the per-query time budget
 * (`ghsearch serve --query-timeout`). Past the budget an answer is
 * approximate, never an error: the hits are the same, while facet counts
 * (which visit every match) cover only the matches seen in time.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ghsearch.h"
#include "test_util.h"

#define N_DOCS 400        /* documents, each of PARAS passages that all match */
#define PARAS 6

static char *db_path;

static void build_index(void)
{
    ghs_index *ix = ghs_test_index_new("ghs-budget-XXXXXX", &db_path);
    ghs_error err = {0};
    static const char *const publishers[] = { "WHO", "JCIE", "Gavi", "CEPI", "World Bank" };
    for (int i = 0; i < N_DOCS; i++) {
        int ja = i % 3 == 0;
        GString *t = g_string_new(NULL);
        for (int p = 0; p < PARAS; p++) {
            if (ja)
                g_string_append_printf(t, "保健財政とユニバーサル・ヘルス・カバレッジ、第%d章第%d節。"
                                          "感染症への備えと保健医療の人材。\n\n", i, p);
            else
                g_string_append_printf(t, "Health financing and universal health coverage, "
                                          "chapter %d section %d: preparedness and the health "
                                          "workforce.\n\n", i, p);
        }
        char id[32], date[16];
        snprintf(id, sizeof id, "doc-%04d", i);
        snprintf(date, sizeof date, "%d-01-01", 2000 + i % 24);
        ghs_meta m = { .id = id, .title = id, .lang = ja ? "ja" : "en", .date = date,
                       .publisher = publishers[(size_t)i % G_N_ELEMENTS(publishers)] };
        if (ghs_index_add_text(ix, &m, t->str, t->len, NULL, &err) < 0)
            g_error("add %s: %s", id, err.message);
        g_string_free(t, TRUE);
    }
    ghs_test_index_finish(ix);
}

static ghs_results *search(const char *q, double time_limit, int facets)
{
    ghs_search_opts o = { .limit = 10, .facets = facets, .time_limit = time_limit };
    return ghs_test_search(db_path, q, &o);
}

static void assert_same_hits(const ghs_results *a, const ghs_results *b)
{
    g_assert_cmpuint(ghs_results_count(a), ==, ghs_results_count(b));
    for (size_t i = 0; i < ghs_results_count(a); i++) {
        const ghs_hit *x = ghs_results_hit(a, i), *y = ghs_results_hit(b, i);
        g_assert_cmpstr(x->doc, ==, y->doc);
        g_assert_cmpstr(x->passage, ==, y->passage);
        g_assert_cmpfloat(x->score, ==, y->score);
    }
}

/* Documents counted in one facet field. */
static size_t facet_documents(const ghs_results *r, const char *field)
{
    const ghs_facet *f = NULL;
    size_t n = ghs_results_facets(r, &f), total = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].field, field) == 0) {
            g_assert_cmpuint(f[i].documents, >, 0);
            g_assert_cmpuint(f[i].passages, >=, f[i].documents);
            total += f[i].documents;
        }
    return total;
}

static void test_tiny_limit_answers_with_the_same_hits_and_partial_facets(void)
{
    const char *q = "health financing OR 保健財政";
    ghs_results *full = search(q, 0, 1);
    g_assert_cmpuint(ghs_results_count(full), ==, 10);
    /* Without a budget every matching document is counted once per field. */
    g_assert_cmpuint(facet_documents(full, "lang"), ==, N_DOCS);
    /* The library reads the clock as it counts (no timer thread to race
     * with the end of the match): every answer with a budget of 1 us
     * stops counting early, and all fields at the same passage. */
    for (int attempt = 0; attempt < 20; attempt++) {
        ghs_results *tiny = search(q, 1e-6, 1);
        assert_same_hits(full, tiny);
        g_assert_cmpuint(ghs_results_total(tiny), ==, ghs_results_total(full));
        size_t counted = facet_documents(tiny, "lang");
        g_assert_cmpuint(counted, >, 0);   /* counting starts before it stops */
        g_assert_cmpuint(counted, <, N_DOCS);
        g_assert_cmpuint(facet_documents(tiny, "year"), ==, counted);
        g_assert_cmpuint(facet_documents(tiny, "publisher"), ==, counted);
        if (attempt == 0)
            g_test_message("facet count with a 1 us budget: %zu of %d documents", counted,
                           N_DOCS);
        ghs_results_free(tiny);
    }
    ghs_results_free(full);
}

static void test_japanese_query_with_tiny_limit_still_highlights(void)
{
    ghs_results *r = search("ユニバーサル・ヘルス・カバレッジ", 1e-6, 1);
    g_assert_cmpuint(ghs_results_count(r), >, 0);
    const ghs_hit *h = ghs_results_hit(r, 0);
    g_assert_cmpstr(h->lang, ==, "ja");
    g_assert_cmpuint(h->n_highlights, >, 0);
    ghs_results_free(r);
}

static void test_generous_limit_changes_nothing(void)
{
    ghs_results *full = search("health financing", 0, 1);
    ghs_results *roomy = search("health financing", 60, 1);
    assert_same_hits(full, roomy);
    g_assert_cmpuint(ghs_results_total(roomy), ==, ghs_results_total(full));
    g_assert_cmpuint(facet_documents(roomy, "publisher"), ==, facet_documents(full, "publisher"));
    ghs_results_free(full);
    ghs_results_free(roomy);
}

static void test_negative_nan_or_infinite_limit_means_no_limit(void)
{
    ghs_results *full = search("health financing", 0, 1);
    const double odd[] = { -1, NAN, INFINITY };
    for (size_t i = 0; i < G_N_ELEMENTS(odd); i++) {
        ghs_results *r = search("health financing", odd[i], 1);
        assert_same_hits(full, r);
        g_assert_cmpuint(facet_documents(r, "lang"), ==, facet_documents(full, "lang"));
        ghs_results_free(r);
    }
    ghs_results_free(full);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    build_index();
    g_test_add_func("/time_limit/tiny_limit_answers_with_the_same_hits_and_partial_facets",
                    test_tiny_limit_answers_with_the_same_hits_and_partial_facets);
    g_test_add_func("/time_limit/japanese_query_with_tiny_limit_still_highlights",
                    test_japanese_query_with_tiny_limit_still_highlights);
    g_test_add_func("/time_limit/generous_limit_changes_nothing",
                    test_generous_limit_changes_nothing);
    g_test_add_func("/time_limit/negative_nan_or_infinite_limit_means_no_limit",
                    test_negative_nan_or_infinite_limit_means_no_limit);
    int rc = g_test_run();
    ghs_test_rm_db(db_path);
    g_free(db_path);
    return rc;
}
