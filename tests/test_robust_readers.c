/*
 * test_robust_readers.c: searching while another process writes. The
 * writer (a forked child) replaces documents and commits as fast as it
 * can; the reader keeps one handle open, as the HTTP server does, and
 * every search it makes must answer with hits.
 */
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ghsearch.h"
#include "test_util.h"

#define N_DOCS 60

static char *make_db(void)
{
    return ghs_test_tmp_db("ghs-readers-XXXXXX");
}

/* Write (or rewrite) every document once; round changes their text, so
 * each round deletes the old passages and adds new ones. */
static void write_round(ghs_index *ix, int round)
{
    for (int i = 0; i < N_DOCS; i++) {
        char id[32];
        snprintf(id, sizeof id, "doc-%d", i);
        char *text = g_strdup_printf(
            "Round %d. Universal health coverage and primary health care, document %d. "
            "ユニバーサル・ヘルス・カバレッジの財政について、第%d版。\n\n"
            "Second passage %d about pandemic preparedness and vaccines.", round, i, round, i);
        ghs_meta m = { .id = id, .title = id };
        ghs_error err = {0};
        if (ghs_index_add_text(ix, &m, text, strlen(text), NULL, &err) < 0)
            g_error("add %s: %s", id, err.message);
        g_free(text);
    }
}

/* The writer process: rounds of rewrites, a commit after every few
 * documents, until killed or `seconds` have passed. Never returns. */
static void writer(const char *db, double seconds)
{
    ghs_index *ix = NULL;
    ghs_error err = {0};
    if (ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err) < 0) {
        fprintf(stderr, "writer: %s\n", err.message);
        _exit(2);
    }
    gint64 end = g_get_monotonic_time() + (gint64)(seconds * G_USEC_PER_SEC);
    int round = 1, commits = 0;
    while (g_get_monotonic_time() < end) {
        write_round(ix, round++);
        if (ghs_index_commit(ix, &err) < 0) {
            fprintf(stderr, "writer: commit: %s\n", err.message);
            _exit(3);
        }
        commits++;
    }
    ghs_index_close(ix);
    fprintf(stderr, "# writer: %d commits\n", commits);
    _exit(0);
}

typedef struct reader_tally {
    int searches, failures, empty, stats;
    char first_failure[512];
    char first_empty[128];   /* the first query that found nothing */
} reader_tally;

static void search_once(ghs_index *ix, const char *q, reader_tally *t)
{
    ghs_results *r = NULL;
    ghs_error err = {0};
    ghs_search_opts o = { .limit = 20, .per_doc = 2 };
    t->searches++;
    if (ghs_search(ix, q, &o, &r, &err) < 0) {
        if (t->failures++ == 0)
            g_strlcpy(t->first_failure, err.message, sizeof t->first_failure);
        return;
    }
    if (ghs_results_count(r) == 0 && t->empty++ == 0)
        g_strlcpy(t->first_empty, q, sizeof t->first_empty);
    /* Touch every hit, as a client printing them would. */
    for (size_t i = 0; i < ghs_results_count(r); i++)
        g_assert_nonnull(ghs_results_hit(r, i)->passage);
    ghs_results_free(r);
    ghs_stats st;
    if (ghs_index_stats(ix, &st, &err) == 0 && st.documents > 0)
        t->stats++;
    else if (t->failures++ == 0)
        g_strlcpy(t->first_failure, err.message, sizeof t->first_failure);
}

/* Search for `seconds` while a writer process commits. reopen_each: call
 * ghs_index_reopen before each search (the server's reader pool does);
 * otherwise rely on the library's own retry. */
static void run_readers(int reopen_each)
{
    char *db = make_db();
    ghs_index *ix = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err), ==, 0);
    write_round(ix, 0);
    g_assert_cmpint(ghs_index_commit(ix, &err), ==, 0);
    ghs_index_close(ix);

    fflush(NULL);
    pid_t pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0)
        writer(db, 3.0);

    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_READ, &err), ==, 0);
    reader_tally t = {0};
    const char *queries[] = { "universal health coverage", "ユニバーサル・ヘルス・カバレッジ",
                              "\"pandemic preparedness\"", "財政 OR vaccines" };
    int status = 0;
    gint64 end = g_get_monotonic_time() + 4 * G_USEC_PER_SEC;
    for (int i = 0; g_get_monotonic_time() < end; i++) {
        if (reopen_each && ghs_index_reopen(ix, &err) < 0 && t.failures++ == 0)
            g_strlcpy(t.first_failure, err.message, sizeof t.first_failure);
        search_once(ix, queries[i % G_N_ELEMENTS(queries)], &t);
        if (waitpid(pid, &status, WNOHANG) == pid) {
            pid = 0;
            break;
        }
    }
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        g_test_fail_printf("the writer did not finish in time");
    }
    ghs_index_close(ix);
    g_test_message("%d searches, %d with stats, %d failed, %d empty%s%s%s%s", t.searches,
                   t.stats, t.failures, t.empty, t.failures ? "; first: " : "",
                   t.first_failure, t.empty ? "; first empty: " : "", t.first_empty);
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    g_assert_cmpint(t.searches, >, 20);
    if (t.failures > 0)   /* on stderr, which a failed test's log keeps */
        g_printerr("first failure: %s\n", t.first_failure);
    g_assert_cmpint(t.failures, ==, 0);
    g_assert_cmpint(t.empty, ==, 0);
    g_free(db);
}

static void test_long_lived_reader_keeps_answering_while_writer_commits(void)
{
    run_readers(0);
}

static void test_reader_reopening_before_each_search_keeps_answering(void)
{
    run_readers(1);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/robust/readers/long_lived_reader_keeps_answering_while_writer_commits",
                    test_long_lived_reader_keeps_answering_while_writer_commits);
    g_test_add_func("/robust/readers/reader_reopening_before_each_search_keeps_answering",
                    test_reader_reopening_before_each_search_keeps_answering);
    return g_test_run();
}
