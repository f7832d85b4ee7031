/*
 * test_parallel_index.c: an index written by several writers and merged
 * (ghs_index_set_jobs, indexer/parallel.h) is the index one writer makes:
 * the same reports a file, the same totals, documents, statistics and
 * answers (every hit's JSON, scores and order included), and later runs
 * treat it alike.
 *
 * Input: the sample corpus ($GHS_BUILD_ROOT/corpus with corpus/manifest.tsv:
 * PDFs, a release whose links are followed, JSON Lines records) and JSON
 * Lines files written here: 900 records in Japanese and English with bad
 * lines and a repeated id among them, and a file of bad lines only.
 */
#include <string.h>

#include <glib.h>

#include "ghsearch.h"
#include "test_util.h"

/* One file as progress reported it. */
static void note_file(GString *log, const ghs_file_event *ev)
{
    const ghs_add_report *r = ev->report;
    char *base = g_path_get_basename(ev->path);
    g_string_append_printf(log, "%s status=%d docs=%zu pages=%zu passages=%zu records=%zu "
                           "skipped=%zu bytes=%zu error=%s\n", base, (int)r->status,
                           r->documents, r->pages, r->passages, r->records, r->skipped,
                           r->text_bytes, ev->error ? ev->error->message : "-");
    g_free(base);
}

static int on_file(const ghs_file_event *ev, void *user)
{
    note_file(user, ev);
    return 0;
}

static char *totals_text(const ghs_index_totals *t)
{
    return g_strdup_printf("seen=%zu added=%zu updated=%zu unchanged=%zu failed=%zu docs=%zu "
                           "pages=%zu passages=%zu bytes=%zu records=%zu links=%zu/%zu/%zu",
                           t->files_seen, t->files_added, t->files_updated, t->files_unchanged,
                           t->files_failed, t->documents, t->pages, t->passages, t->text_bytes,
                           t->records, t->links, t->links_indexed, t->links_missing);
}

typedef struct run {
    char *db;
    GString *log;      /* one line a file, in the order reported */
    char *totals;
} run;

static void index_with(run *r, const char *parent, const char *name, unsigned jobs,
                       const char *src, const char *manifest)
{
    r->db = g_build_filename(parent, name, NULL);
    r->log = g_string_new(NULL);
    ghs_index *ix = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_open(&ix, r->db, GHS_OPEN_WRITE, &err), ==, 0);
    g_assert_cmpint(ghs_index_set_manifest(ix, manifest, &err), ==, 0);
    g_assert_cmpint(ghs_index_set_batch(ix, 100, &err), ==, 0);   /* many commits per writer */
    ghs_index_set_jobs(ix, jobs);
    const char *paths[] = { src };
    ghs_index_totals t = {0};
    g_assert_cmpint(ghs_index_add_paths(ix, paths, 1, on_file, r->log, &t, &err), ==, 0);
    r->totals = totals_text(&t);
    ghs_index_close(ix);
}

static void run_clear(run *r)
{
    g_free(r->db);
    g_string_free(r->log, TRUE);
    g_free(r->totals);
}

/* Every hit of query (up to 60) as JSON, one a line; doc ids into ids. */
static char *answers(const char *db, const char *query, GHashTable *ids)
{
    ghs_search_opts o = { GHS_SEARCH_OPTS_INIT, .limit = 60 };
    ghs_results *res = ghs_test_search(db, query, &o);
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < ghs_results_count(res); i++) {
        const ghs_hit *h = ghs_results_hit(res, i);
        char *j = ghs_hit_json(h, 0);
        g_string_append_printf(s, "%s\n", j);
        ghs_free(j);
        if (ids)
            g_hash_table_add(ids, g_strdup(h->doc));
    }
    ghs_results_free(res);
    return g_string_free(s, FALSE);
}

static char *document_text(const char *db, const char *id)
{
    ghs_index *ix = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_READ, &err), ==, 0);
    ghs_document *d = NULL;
    g_assert_cmpint(ghs_document_get(ix, id, &d, &err), ==, 0);
    char *j = ghs_document_json(d, 0);
    char *out = g_strdup(j);
    ghs_free(j);
    ghs_document_free(d);
    ghs_index_close(ix);
    return out;
}

static ghs_stats stats_of(const char *db)
{
    ghs_index *ix = NULL;
    ghs_error err = {0};
    ghs_stats st = {0};
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_READ, &err), ==, 0);
    g_assert_cmpint(ghs_index_stats(ix, &st, &err), ==, 0);
    ghs_index_close(ix);
    return st;
}

/* The input: the sample corpus and the JSON Lines files of this test. */
static char *make_input(const char *dir)
{
    const char *root = g_getenv("GHS_BUILD_ROOT");
    g_assert_nonnull(root);
    char *src = g_build_filename(dir, "src", NULL);
    g_assert_cmpint(g_mkdir_with_parents(src, 0755), ==, 0);
    const char *corpus[] = { "uhc-brief-ja.pdf", "g7-health-brief-en.pdf", "release-ja.html",
                             "records.jsonl" };
    for (size_t i = 0; i < G_N_ELEMENTS(corpus); i++) {
        char *from = g_build_filename(root, "corpus", corpus[i], NULL);
        char *text = NULL;
        gsize len = 0;
        g_assert_true(g_file_get_contents(from, &text, &len, NULL));
        char *to = g_build_filename(src, corpus[i], NULL);
        g_assert_true(g_file_set_contents(to, text, (gssize)len, NULL));
        g_free(from);
        g_free(to);
        g_free(text);
    }
    GString *g = g_string_new(NULL);
    for (int i = 0; i < 900; i++) {
        if (i == 100)
            g_string_append(g, "{not json\n");
        if (i == 400)   /* a repeated id: a bad line, whichever writer keeps the id */
            g_string_append(g, "{\"id\":\"m00007\",\"text\":\"保健財政 again\"}\n");
        if (i % 2)
            g_string_append_printf(g, "{\"id\":\"m%05d\",\"title\":\"記録 %d\",\"text\":\"記録%d: "
                                   "保健財政とユニバーサル・ヘルス・カバレッジ。地域%dの予防接種と"
                                   "一次医療の報告。\"}\n", i, i, i, i % 13);
        else
            g_string_append_printf(g, "{\"id\":\"m%05d\",\"title\":\"Note %d\",\"text\":\"Note %d "
                                   "on health financing, primary health care and vaccine equity "
                                   "in region %d.\",\"lang\":\"en\"}\n", i, i, i, i % 17);
    }
    g_free(ghs_test_write(src, "many.jsonl", g->str));
    g_string_free(g, TRUE);
    g_free(ghs_test_write(src, "bad-only.jsonl", "{bad\n{\"id\":\"x\"}\n"));
    return src;
}

static const char *queries[] = {
    "ユニバーサル・ヘルス・カバレッジ", "保健 財政", "\"予防接種\"", "health financing",
    "\"primary health care\"", "vaccine OR 予防接種", "lang:en financing", "地域", "UHC",
    "region 7", "記録 報告",
};

static void test_several_writers_make_the_index_one_writer_makes(void)
{
    char *dir = ghs_test_tmp_dir("test_parallel-XXXXXX");
    char *src = make_input(dir);
    char *manifest = g_build_filename(g_getenv("GHS_SOURCE_ROOT"), "corpus", "manifest.tsv",
                                      NULL);
    run one = {0}, three = {0};
    index_with(&one, dir, "one", 1, src, manifest);
    index_with(&three, dir, "three", 3, src, manifest);

    g_assert_cmpstr(three.log->str, ==, one.log->str);
    g_assert_cmpstr(three.totals, ==, one.totals);
    g_assert_nonnull(strstr(one.log->str, "many.jsonl status=0 docs=900"));   /* and 2 bad lines */
    g_assert_nonnull(strstr(one.log->str, "skipped=2"));
    g_assert_nonnull(strstr(one.log->str, "bad-only.jsonl status=3"));

    ghs_stats a = stats_of(one.db), b = stats_of(three.db);
    g_assert_cmpuint(b.documents, ==, a.documents);
    g_assert_cmpuint(b.passages, ==, a.passages);
    g_assert_cmpuint(b.terms, ==, a.terms);
    g_assert_cmpfloat(b.avg_passage_length, ==, a.avg_passage_length);

    GHashTable *ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(queries); i++) {
        char *x = answers(one.db, queries[i], ids), *y = answers(three.db, queries[i], NULL);
        g_assert_cmpstr(y, ==, x);
        g_assert_cmpuint(strlen(x), >, 0);
        g_free(x);
        g_free(y);
    }
    GHashTableIter it;
    gpointer id;
    g_hash_table_iter_init(&it, ids);
    while (g_hash_table_iter_next(&it, &id, NULL)) {
        char *x = document_text(one.db, id), *y = document_text(three.db, id);
        g_assert_cmpstr(y, ==, x);
        g_free(x);
        g_free(y);
    }
    g_test_message("%u documents and %zu passages alike", g_hash_table_size(ids), a.passages);
    g_hash_table_destroy(ids);

    /* The writers' databases are gone once merged. */
    char *jobs = g_build_filename(three.db, ".ghsearch-jobs", NULL);
    g_assert_false(g_file_test(jobs, G_FILE_TEST_EXISTS));
    g_free(jobs);

    /* A next run finds every file as one writer's index has it (the file
     * of bad lines only is tried again). */
    run again1 = {0}, again3 = {0};
    index_with(&again1, dir, "one", 3, src, manifest);
    index_with(&again3, dir, "three", 3, src, manifest);
    g_assert_cmpstr(again3.log->str, ==, again1.log->str);
    g_assert_nonnull(strstr(again3.totals, "added=0 updated=0 unchanged=5 failed=1"));
    run_clear(&again1);
    run_clear(&again3);

    run_clear(&one);
    run_clear(&three);
    g_free(manifest);
    g_free(src);
    ghs_test_rm_tree(dir);
    g_free(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/parallel/several_writers_make_the_index_one_writer_makes",
                    test_several_writers_make_the_index_one_writer_makes);
    return g_test_run();
}
