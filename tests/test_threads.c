/*
 * test_threads.c: the thread-safety rule of ghsearch.h, checked.
 *
 * One index of Japanese and English texts is built in a temp dir. Then
 * eight threads, each with its own read handle, run the same queries many
 * times in parallel and must get exactly the single-threaded answers; and
 * a writer thread adds and commits documents while reader threads search
 * and reopen: every search must succeed, never see half a commit, and
 * after the last reopen see every document. Run it under
 * -Db_sanitize=address,undefined and -Db_sanitize=thread too; under TSan
 * set G_SLICE=always-malloc, or GLib's slice allocator (uninstrumented,
 * with its own futex locks) makes every reused block look like a race.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ghsearch.h"
#include "test_util.h"

#define N_READERS 8      /* threads searching in parallel */
#define ROUNDS 25        /* times each reader runs every query */
#define N_BATCHES 30     /* commits made by the writer thread */
#define BATCH_DOCS 3     /* documents in each commit */

/* ------------------------------------------------------------ fixture */

static const char *const en_topics[] = {
    "Universal health coverage needs sustainable health financing. Countries "
    "should mobilise domestic resources and protect households from "
    "catastrophic spending on health.",
    "Primary health care is the foundation of resilient health systems and of "
    "pandemic preparedness; community health workers deliver it.",
    "Equitable access to vaccines, diagnostics and therapeutics is the lesson "
    "of the COVID-19 pandemic. The 100 Days Mission shortens the time to a "
    "vaccine.",
    "The health workforce faces shortages of nurses and midwives; migration "
    "and training policies decide who stays.",
};

static const char *const ja_topics[] = {
    "ユニバーサル・ヘルス・カバレッジ（ＵＨＣ）の達成には持続可能な保健財政が欠かせない。"
    "各国は国内資金の動員を進めるべきである。",
    "プライマリ・ヘルス・ケアは地域の保健医療の基盤であり、感染症への備えにも役立つ。"
    "地域保健師の役割が大きい。",
    "ワクチンや診断薬への公平なアクセスは、新型コロナウイルス感染症のパンデミックの教訓である。"
    "2023年のG7広島サミットでも議論された。",
    "看護師と助産師の不足は深刻であり、ｳｲﾙｽ感染症対策の人材育成が急がれる。",
};

#define N_TOPICS G_N_ELEMENTS(en_topics)
#define N_BASE_DOCS 24

static void add_text(ghs_index *ix, const char *id, const char *lang, const char *text)
{
    ghs_meta m = { .id = id, .title = id, .lang = lang };
    ghs_error err = {0};
    ghs_add_report rep = {0};
    if (ghs_index_add_text(ix, &m, text, strlen(text), &rep, &err) < 0)
        g_error("add %s: %s", id, err.message);
    g_assert_cmpuint(rep.passages, >, 0);
}

/* N_BASE_DOCS documents, half English, half Japanese, each a different
 * mix of the topics (so rankings have real differences to get wrong). */
static void add_base_docs(ghs_index *ix)
{
    for (int i = 0; i < N_BASE_DOCS; i++) {
        int ja = i % 2;
        const char *const *topics = ja ? ja_topics : en_topics;
        size_t j = (size_t)i / 2;   /* the n-th document of its language */
        GString *t = g_string_new(NULL);
        for (size_t k = 0; k <= j % N_TOPICS; k++)
            g_string_append_printf(t, "%s%s\n\n", topics[(j + k) % N_TOPICS],
                                   ja ? "第二段落で繰り返す。" : " Repeated in section two.");
        char id[32];
        snprintf(id, sizeof id, "%s-%02d", ja ? "ja" : "en", i);
        add_text(ix, id, ja ? "ja" : "en", t->str);
        g_string_free(t, TRUE);
    }
}

/* A new index of the base documents; returns its path (g_free). */
static char *build_index(void)
{
    char *db = NULL;
    ghs_index *ix = ghs_test_index_new("ghs-threads-XXXXXX", &db);
    add_base_docs(ix);
    ghs_test_index_finish(ix);
    return db;
}

/* ------------------------------------------------------------ answers */

typedef struct query_case {
    const char *q;
    int facets;
} query_case;

static const query_case queries[] = {
    { "health financing", 1 },
    { "ユニバーサル・ヘルス・カバレッジ", 0 },
    { "保健財政", 1 },
    { "\"primary health care\"", 0 },
    { "vaccines OR ワクチン", 1 },
    { "health -pandemic", 0 },
    { "ＷＨＯ OR uhc", 0 },
    { "ウイルス 感染症", 1 },
    { "nurses NEAR/5 midwives", 0 },
    { "lang:ja 地域", 1 },
    { "helth finansing", 0 },   /* no hit: a spelling suggestion */
};
#define N_QUERIES G_N_ELEMENTS(queries)

/* Everything a user sees of an answer, as one string. */
static char *fingerprint(const ghs_results *r)
{
    GString *g = g_string_new(NULL);
    g_string_append_printf(g, "total=%zu count=%zu suggestion=%s\n", ghs_results_total(r),
                           ghs_results_count(r),
                           ghs_results_suggestion(r) ? ghs_results_suggestion(r) : "-");
    for (size_t i = 0; i < ghs_results_count(r); i++) {
        const ghs_hit *h = ghs_results_hit(r, i);
        g_string_append_printf(g, "%d %d %s p%d %.17g [%s] %s |", h->rank, h->doc_rank,
                               h->doc, h->page, h->score, h->citation, h->passage);
        for (size_t k = 0; k < h->n_highlights; k++)
            g_string_append_printf(g, " %d-%d", h->highlights[k].start, h->highlights[k].end);
        g_string_append_c(g, '\n');
    }
    const ghs_facet *f = NULL;
    size_t nf = ghs_results_facets(r, &f);
    for (size_t i = 0; i < nf; i++)
        g_string_append_printf(g, "facet %s=%s %zu/%zu\n", f[i].field, f[i].value,
                               f[i].documents, f[i].passages);
    return g_string_free(g, FALSE);
}

static int run_query(ghs_index *ix, const query_case *qc, ghs_results **out, ghs_error *err)
{
    ghs_search_opts o = { .limit = 8, .per_doc = 2, .facets = qc->facets };
    return ghs_search(ix, qc->q, &o, out, err);
}

/* ------------------------------------------------------------ readers in parallel */

typedef struct reader_job {
    const char *db;
    int index;                 /* 0 .. N_READERS-1 */
    char *const *expected;     /* fingerprint of each query, single-threaded */
    GMutex *lock;              /* guards first_problem */
    GString *first_problem;
    gint *searches;            /* atomic */
    gint *mismatches;          /* atomic */
    ghs_results *last;         /* handed back to the main thread */
} reader_job;

static void note_problem(reader_job *j, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void note_problem(reader_job *j, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_mutex_lock(j->lock);
    if (j->first_problem->len == 0)
        g_string_append_vprintf(j->first_problem, fmt, ap);
    g_mutex_unlock(j->lock);
    va_end(ap);
    g_atomic_int_inc(j->mismatches);
}

static gpointer reader_main(gpointer data)
{
    reader_job *j = data;
    ghs_index *ix = NULL;
    ghs_error err = {0};
    if (ghs_index_open(&ix, j->db, GHS_OPEN_READ, &err) < 0) {
        note_problem(j, "reader %d: open: %s", j->index, err.message);
        return NULL;
    }
    for (int round = 0; round < ROUNDS; round++) {
        for (size_t n = 0; n < N_QUERIES; n++) {
            /* Each thread starts at another query, so different queries
             * (and facet counting) overlap. */
            size_t qi = (n + (size_t)j->index + (size_t)round) % N_QUERIES;
            ghs_results *r = NULL;
            if (run_query(ix, &queries[qi], &r, &err) < 0) {
                note_problem(j, "reader %d: '%s': %s", j->index, queries[qi].q, err.message);
                continue;
            }
            g_atomic_int_inc(j->searches);
            char *fp = fingerprint(r);
            if (strcmp(fp, j->expected[qi]) != 0)
                note_problem(j, "reader %d, round %d: '%s' answered\n%s\ninstead of\n%s",
                             j->index, round, queries[qi].q, fp, j->expected[qi]);
            g_free(fp);
            if (round == ROUNDS - 1 && n == 0) {
                ghs_results_free(j->last);
                j->last = r;   /* freed by the main thread, after ix is closed */
            } else {
                ghs_results_free(r);
            }
        }
    }
    ghs_index_close(ix);
    return NULL;
}

static void test_readers_with_own_handles_get_the_single_threaded_answers(void)
{
    char *db = build_index();
    char *expected[N_QUERIES];
    ghs_index *ix = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_READ, &err), ==, 0);
    size_t with_hits = 0;
    for (size_t i = 0; i < N_QUERIES; i++) {
        ghs_results *r = NULL;
        if (run_query(ix, &queries[i], &r, &err) < 0)
            g_error("'%s': %s", queries[i].q, err.message);
        with_hits += ghs_results_count(r) > 0;
        expected[i] = fingerprint(r);
        ghs_results_free(r);
    }
    ghs_index_close(ix);
    /* The queries exercise real answers: all but the misspelt one hit. */
    g_assert_cmpuint(with_hits, ==, N_QUERIES - 1);

    GMutex lock;
    g_mutex_init(&lock);
    GString *problem = g_string_new(NULL);
    gint searches = 0, mismatches = 0;
    reader_job jobs[N_READERS];
    GThread *threads[N_READERS];
    for (int t = 0; t < N_READERS; t++) {
        jobs[t] = (reader_job){ .db = db, .index = t, .expected = expected, .lock = &lock,
                                .first_problem = problem, .searches = &searches,
                                .mismatches = &mismatches };
        threads[t] = g_thread_new("reader", reader_main, &jobs[t]);
    }
    for (int t = 0; t < N_READERS; t++)
        g_thread_join(threads[t]);

    /* The first problem, if any, in the failure message (stderr). */
    g_assert_cmpstr(problem->str, ==, "");
    g_assert_cmpint(mismatches, ==, 0);
    g_assert_cmpint(searches, ==, N_READERS * ROUNDS * (int)N_QUERIES);
    g_test_message("%d threads ran %d searches, every one the single-threaded answer",
                   N_READERS, searches);
    /* Results outlive the handle (closed in its thread) and are read and
     * freed by another thread. */
    for (int t = 0; t < N_READERS; t++) {
        g_assert_nonnull(jobs[t].last);
        char *fp = fingerprint(jobs[t].last);
        size_t qi = ((size_t)t + ROUNDS - 1) % N_QUERIES;
        g_assert_cmpstr(fp, ==, expected[qi]);
        g_free(fp);
        ghs_results_free(jobs[t].last);
    }
    for (size_t i = 0; i < N_QUERIES; i++)
        g_free(expected[i]);
    g_string_free(problem, TRUE);
    g_mutex_clear(&lock);
    ghs_test_rm_db(db);
    g_free(db);
}

/* ------------------------------------------------------------ one writer, many readers */

#define N_SEARCHERS 4

/* Glass keeps the revision a reader holds until the writer's second
 * commit after it; ghs_search then reopens and starts over, a few times.
 * A writer committing faster than searches run can outpace that, so this
 * writer commits again only once every reader has started a search since
 * its last commit: each search meets at most one commit while it runs
 * (and handles that commit itself), yet readers and writer overlap. */
typedef struct shared_run {
    const char *db;
    gint commit_gen;                 /* atomic: batches committed so far */
    gint started_gen[N_SEARCHERS];   /* atomic: commit_gen when reader t last began a search */
    gint writer_done;                /* atomic: 1 when the writer committed its last batch */
    gint searches, reopens;          /* atomic */
    GMutex lock;
    GString *first_problem;          /* guarded by lock */
    gint problems;                   /* atomic */
} shared_run;

typedef struct reader_arg {
    shared_run *s;
    int t;
} reader_arg;

static void shared_problem(shared_run *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void shared_problem(shared_run *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_mutex_lock(&s->lock);
    if (s->first_problem->len == 0)
        g_string_append_vprintf(s->first_problem, fmt, ap);
    g_mutex_unlock(&s->lock);
    va_end(ap);
    g_atomic_int_inc(&s->problems);
}

/* Wait until every reader began a search after commit gen. */
static void wait_for_readers(shared_run *s, int gen)
{
    for (int t = 0; t < N_SEARCHERS; t++)
        while (g_atomic_int_get(&s->started_gen[t]) < gen)
            g_usleep(200);
}

static gpointer writer_main(gpointer data)
{
    shared_run *s = data;
    ghs_index *ix = NULL;
    ghs_error err = {0};
    if (ghs_index_open(&ix, s->db, GHS_OPEN_WRITE, &err) < 0) {
        shared_problem(s, "writer: open: %s", err.message);
        g_atomic_int_set(&s->writer_done, 1);
        return NULL;
    }
    /* One writer: a second writable handle, even in this process, is refused. */
    ghs_index *second = NULL;
    ghs_error lerr = {0};
    int lrc = ghs_index_open(&second, s->db, GHS_OPEN_WRITE, &lerr);
    if (lrc != GHS_ELOCKED)
        shared_problem(s, "second writer: got %d (%s), not GHS_ELOCKED", lrc, lerr.message);
    ghs_index_close(second);

    for (int b = 0; b < N_BATCHES; b++) {
        wait_for_readers(s, b);
        for (int d = 0; d < BATCH_DOCS; d++) {
            int n = b * BATCH_DOCS + d;
            char id[32];
            snprintf(id, sizeof id, "new-%03d", n);
            char *text = g_strdup_printf(
                "Zeolite filters, batch %d, note %d: water safety in health facilities.\n\n"
                "ゼオライトによる水の浄化、第%d報。医療施設の衛生。", b, n, n);
            ghs_meta m = { .id = id, .title = id };   /* lang detected */
            ghs_add_report rep = {0};
            if (ghs_index_add_text(ix, &m, text, strlen(text), &rep, &err) < 0)
                shared_problem(s, "writer: add %s: %s", id, err.message);
            g_free(text);
        }
        if (ghs_index_commit(ix, &err) < 0)
            shared_problem(s, "writer: commit %d: %s", b, err.message);
        g_atomic_int_set(&s->commit_gen, b + 1);
    }
    ghs_index_close(ix);
    g_atomic_int_set(&s->writer_done, 1);
    return NULL;
}

/* Documents matching q, counted over one page of up to 1000 hits. */
static int count_docs(reader_arg *a, ghs_index *ix, const char *q, size_t *docs)
{
    shared_run *s = a->s;
    g_atomic_int_set(&s->started_gen[a->t], g_atomic_int_get(&s->commit_gen));
    ghs_search_opts o = { .limit = 1000, .per_doc = 1 };
    ghs_results *r = NULL;
    ghs_error err = {0};
    if (ghs_search(ix, q, &o, &r, &err) < 0) {
        shared_problem(s, "search '%s': %s", q, err.message);
        return -1;
    }
    g_atomic_int_inc(&s->searches);
    *docs = ghs_results_count(r);
    ghs_results_free(r);
    return 0;
}

static gpointer searcher_main(gpointer data)
{
    reader_arg *a = data;
    shared_run *s = a->s;
    ghs_index *ix = NULL;
    ghs_error err = {0};
    if (ghs_index_open(&ix, s->db, GHS_OPEN_READ, &err) < 0) {
        shared_problem(s, "reader: open: %s", err.message);
        g_atomic_int_set(&s->started_gen[a->t], G_MAXINT);   /* do not keep the writer waiting */
        return NULL;
    }
    size_t seen_en = 0, seen_ja = 0;
    for (int i = 0; !g_atomic_int_get(&s->writer_done); i++) {
        size_t base = 0, en = 0, ja = 0;
        if (count_docs(a, ix, "health financing OR 保健財政", &base) == 0 && base == 0)
            shared_problem(s, "reader: the base documents vanished");
        /* A reader's revision only moves forward, one whole commit at a time. */
        if (count_docs(a, ix, "zeolite", &en) == 0) {
            if (en < seen_en || en % BATCH_DOCS != 0)
                shared_problem(s, "reader: saw %zu new documents after %zu", en, seen_en);
            seen_en = en;
        }
        if (count_docs(a, ix, "ゼオライト", &ja) == 0) {
            if (ja < seen_ja || ja % BATCH_DOCS != 0)
                shared_problem(s, "reader: saw %zu new Japanese documents after %zu", ja,
                               seen_ja);
            seen_ja = ja;
        }
        if (i % 3 == 2) {
            if (ghs_index_reopen(ix, &err) < 0)
                shared_problem(s, "reader: reopen: %s", err.message);
            else
                g_atomic_int_inc(&s->reopens);
        }
    }
    g_atomic_int_set(&s->started_gen[a->t], G_MAXINT);
    /* The writer is done: one reopen shows everything it committed. */
    size_t en = 0, ja = 0;
    ghs_stats st = {0};
    if (ghs_index_reopen(ix, &err) < 0)
        shared_problem(s, "reader: final reopen: %s", err.message);
    else if (count_docs(a, ix, "zeolite", &en) == 0 && count_docs(a, ix, "ゼオライト", &ja) == 0 &&
             (en != N_BATCHES * BATCH_DOCS || ja != N_BATCHES * BATCH_DOCS))
        shared_problem(s, "reader: after the final reopen saw %zu/%zu of %d documents", en, ja,
                       N_BATCHES * BATCH_DOCS);
    if (ghs_index_stats(ix, &st, &err) < 0)
        shared_problem(s, "reader: stats: %s", err.message);
    else if (st.documents != N_BASE_DOCS + N_BATCHES * BATCH_DOCS)
        shared_problem(s, "reader: stats count %zu documents", st.documents);
    ghs_index_close(ix);
    return NULL;
}

static void test_readers_keep_answering_while_one_writer_commits(void)
{
    char *db = build_index();
    shared_run s = { .db = db, .first_problem = g_string_new(NULL) };
    g_mutex_init(&s.lock);
    for (int t = 0; t < N_SEARCHERS; t++)
        s.started_gen[t] = -1;
    reader_arg args[N_SEARCHERS];
    GThread *readers[N_SEARCHERS];
    for (int t = 0; t < N_SEARCHERS; t++) {
        args[t] = (reader_arg){ .s = &s, .t = t };
        readers[t] = g_thread_new("reader", searcher_main, &args[t]);
    }
    GThread *writer = g_thread_new("writer", writer_main, &s);
    g_thread_join(writer);
    for (int t = 0; t < N_SEARCHERS; t++)
        g_thread_join(readers[t]);

    /* The first problem, if any, in the failure message (stderr). */
    g_assert_cmpstr(s.first_problem->str, ==, "");
    g_assert_cmpint(s.problems, ==, 0);
    g_assert_cmpint(s.commit_gen, ==, N_BATCHES);
    g_test_message("%d readers ran %d searches and %d reopens during %d commits",
                   N_SEARCHERS, s.searches, s.reopens, N_BATCHES);
    g_string_free(s.first_problem, TRUE);
    g_mutex_clear(&s.lock);
    ghs_test_rm_db(db);
    g_free(db);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/threads/eight_readers_with_own_handles_get_the_single_threaded_answers",
                    test_readers_with_own_handles_get_the_single_threaded_answers);
    g_test_add_func("/threads/readers_keep_answering_while_one_writer_adds_and_commits",
                    test_readers_keep_answering_while_one_writer_commits);
    return g_test_run();
}
