/*
 * test_pipeline.c: indexing with analysis on a worker thread and commits
 * in batches (indexer/pipeline.h, ghs_index_set_batch).
 *
 * A JSON Lines file of Japanese records (with bad lines among them) is
 * indexed once in batches of a few passages and once in one batch: both
 * indexes must hold the same records and answer the same queries alike,
 * and the bad lines are still reported. The sample PDF of four pages,
 * analyzed on the worker thread while its pages are written, must be found
 * on the pages that hold each phrase.
 */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "ghsearch.h"
#include "test_util.h"

#define N_RECORDS 60

static const char *const topics[] = {
    "ユニバーサル・ヘルス・カバレッジ", "薬剤耐性", "保健財政", "感染症危機管理",
};

/* A JSON Lines file of N_RECORDS records and two bad lines (lines 11 and
 * 32); returns its path in a new temp dir (g_free both). */
static char *write_records(char **dir)
{
    *dir = ghs_test_tmp_dir("ghs-pipeline-XXXXXX");
    GString *s = g_string_new(NULL);
    for (int i = 0; i < N_RECORDS; i++) {
        const char *t = topics[i % G_N_ELEMENTS(topics)];
        if (i == 10)
            g_string_append(s, "{\"id\": \"broken\", \"text\": \n");
        if (i == 30)
            g_string_append(s, "{\"title\": \"idのない記録\", \"text\": \"本文\"}\n");
        g_string_append_printf(s,
            "{\"id\": \"rec-%02d\", \"title\": \"%s 第%d号\", \"lang\": \"ja\", "
            "\"text\": \"%sについて、都道府県は計画%dの進捗を毎年公表する。"
            "厚生労働省は記録%dをもとに支援策を見直す。\"}\n",
            i, t, i, t, i, i);
    }
    char *path = g_build_filename(*dir, "records.jsonl", NULL);
    g_assert_true(g_file_set_contents(path, s->str, (gssize)s->len, NULL));
    g_string_free(s, TRUE);
    return path;
}

/* Index path into a new database committing every batch passages (0:
 * default); returns the database path (g_free; ghs_test_rm_db). */
static char *index_records(const char *path, size_t batch, ghs_add_report *rep)
{
    char *db = NULL;
    ghs_index *ix = ghs_test_index_new("ghs-pipeline-db-XXXXXX", &db);
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_set_batch(ix, batch, &err), ==, 0);
    g_assert_cmpint(ghs_index_add_file(ix, path, NULL, rep, &err), ==, 0);
    g_assert_nonnull(strstr(err.message, "records.jsonl:11"));
    ghs_test_index_finish(ix);
    return db;
}

/* "doc page" of every hit of q, in rank order. */
static char *hits_of(const char *db, const char *q)
{
    ghs_search_opts o = { .limit = 100, .per_doc = 1 };
    ghs_results *r = ghs_test_search(db, q, &o);
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < ghs_results_count(r); i++)
        g_string_append_printf(s, "%s ", ghs_results_hit(r, i)->doc);
    ghs_results_free(r);
    return g_string_free(s, FALSE);
}

static void test_batches_hold_what_one_batch_holds(void)
{
    char *dir = NULL;
    char *path = write_records(&dir);
    ghs_add_report small = {0}, whole = {0};
    char *db_small = index_records(path, 7, &small);
    char *db_whole = index_records(path, 0, &whole);

    g_assert_cmpuint(small.documents, ==, N_RECORDS);
    g_assert_cmpuint(small.skipped, ==, 2);
    g_assert_cmpuint(small.passages, ==, whole.passages);
    g_assert_cmpint(small.status, ==, GHS_ADD_ADDED);

    ghs_stats a, b;
    ghs_error err = {0};
    ghs_index *ix = NULL;
    g_assert_cmpint(ghs_index_open(&ix, db_small, GHS_OPEN_READ, &err), ==, 0);
    g_assert_cmpint(ghs_index_stats(ix, &a, &err), ==, 0);
    ghs_index_close(ix);
    g_assert_cmpint(ghs_index_open(&ix, db_whole, GHS_OPEN_READ, &err), ==, 0);
    g_assert_cmpint(ghs_index_stats(ix, &b, &err), ==, 0);
    ghs_index_close(ix);
    g_assert_cmpuint(a.documents, ==, N_RECORDS);
    g_assert_cmpuint(a.passages, ==, b.passages);
    g_assert_cmpuint(a.terms, ==, b.terms);

    const char *queries[] = { "薬剤耐性", "\"保健財政\" 計画", "記録41", "ヘルス" };
    for (size_t i = 0; i < G_N_ELEMENTS(queries); i++) {
        char *x = hits_of(db_small, queries[i]);
        char *y = hits_of(db_whole, queries[i]);
        g_assert_cmpstr(x, ==, y);
        g_assert_cmpstr(x, !=, "");
        g_free(x);
        g_free(y);
    }
    char *one = hits_of(db_small, "記録41");
    g_assert_true(g_str_has_prefix(one, "rec-41 "));
    g_free(one);

    ghs_test_rm_db(db_small);
    ghs_test_rm_db(db_whole);
    g_free(db_small);
    g_free(db_whole);
    g_unlink(path);
    g_rmdir(dir);
    g_free(path);
    g_free(dir);
}

static void test_pdf_pages_built_on_a_worker_keep_their_numbers(void)
{
    const char *root = g_getenv("GHS_BUILD_ROOT");
    char *pdf = root ? g_build_filename(root, "corpus", "uhc-brief-ja.pdf", NULL) : NULL;
    if (!pdf || !g_file_test(pdf, G_FILE_TEST_EXISTS)) {
        g_test_skip("no sample PDF (GHS_BUILD_ROOT/corpus)");
        g_free(pdf);
        return;
    }
    char *db = NULL;
    ghs_index *ix = ghs_test_index_new("ghs-pipeline-pdf-XXXXXX", &db);
    ghs_add_report rep = {0};
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_add_file(ix, pdf, NULL, &rep, &err), ==, 0);
    g_assert_cmpuint(rep.pages, ==, 4);
    ghs_test_index_finish(ix);

    struct { const char *q; int page; } cases[] = {
        { "\"UHC財政ナレッジ・ハブ\"", 2 },
        { "\"100日ミッション\"", 3 },
        { "\"One Health\"", 4 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        ghs_search_opts o = { .limit = 1 };
        ghs_results *r = ghs_test_search(db, cases[i].q, &o);
        g_assert_cmpuint(ghs_results_count(r), ==, 1);
        g_assert_cmpint(ghs_results_hit(r, 0)->page, ==, cases[i].page);
        ghs_results_free(r);
    }
    ghs_test_rm_db(db);
    g_free(db);
    g_free(pdf);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pipeline/a JSON Lines file committed in batches of 7 passages holds "
                    "and finds what one batch does",
                    test_batches_hold_what_one_batch_holds);
    g_test_add_func("/pipeline/a PDF analyzed on a second thread is found on the pages "
                    "that hold each phrase",
                    test_pdf_pages_built_on_a_worker_keep_their_numbers);
    return g_test_run();
}
