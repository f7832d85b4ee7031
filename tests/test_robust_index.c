/*
 * test_robust_index.c: re-runs and second writers. A re-run skips files
 * that did not change (size and mtime, else content hash), replaces the
 * passages of changed ones without duplicates, and with pruning drops the
 * documents of files that are gone, only under the paths it was given. A
 * second writer learns the PID of the first; a stale PID note never
 * blocks.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "extract.h"
#include "pdf_sniff.h"
#include "filestate.h"
#include "ghsearch.h"
#include "test_util.h"

static char *tmp_dir(void)
{
    return ghs_test_tmp_dir("ghs-robust-XXXXXX");
}

static char *put(const char *dir, const char *name, const char *text)
{
    char *path = g_build_filename(dir, name, NULL);
    GError *gerr = NULL;
    g_file_set_contents(path, text, -1, &gerr);
    g_assert_no_error(gerr);
    return path;
}

/* Move the file's modification time `secs` seconds later. */
static void touch_later(const char *path, int secs)
{
    GStatBuf st;
    g_assert_cmpint(g_stat(path, &st), ==, 0);
    struct timeval tv[2] = { { (time_t)st.st_atime, 0 }, { (time_t)st.st_mtime + secs, 0 } };
    g_assert_cmpint(utimes(path, tv), ==, 0);
}

static ghs_index_totals index_paths(const char *db, const char *const *paths, size_t n)
{
    ghs_index *ix = NULL;
    ghs_error err = {0};
    ghs_index_totals t;
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err), ==, 0);
    if (ghs_index_add_paths(ix, paths, n, NULL, NULL, &t, &err) < 0)
        g_error("index: %s", err.message);
    ghs_index_close(ix);
    return t;
}

static ghs_stats stats_of(const char *db)
{
    ghs_index *ix = NULL;
    ghs_error err = {0};
    ghs_stats st;
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_READ, &err), ==, 0);
    g_assert_cmpint(ghs_index_stats(ix, &st, &err), ==, 0);
    ghs_index_close(ix);
    return st;
}

/* Passages matching query (all of them, up to 1000). */
static size_t hits(const char *db, const char *query)
{
    ghs_index *ix = NULL;
    ghs_error err = {0};
    ghs_results *r = NULL;
    ghs_search_opts o = { .limit = 1000, .per_doc = 1000 };
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_READ, &err), ==, 0);
    g_assert_cmpint(ghs_search(ix, query, &o, &r, &err), ==, 0);
    size_t n = ghs_results_count(r);
    ghs_results_free(r);
    ghs_index_close(ix);
    return n;
}

static int has_document(const char *db, const char *id)
{
    ghs_index *ix = NULL;
    ghs_error err = {0};
    ghs_document *d = NULL;
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_READ, &err), ==, 0);
    int rc = ghs_document_get(ix, id, &d, &err);
    g_assert_true(rc == 0 || rc == GHS_ENOTFOUND);
    ghs_document_free(d);
    ghs_index_close(ix);
    return rc == 0;
}

static const char release_ja[] =
    "ユニバーサル・ヘルス・カバレッジの財政に関する提言\n"
    "2023年4月28日\n"
    "持続可能な保健財政のため、各国は国内資金の動員を進めるべきである。\n";
static const char release_en[] =
    "Primary health care brief\n"
    "Primary health care is the foundation of pandemic preparedness and of "
    "universal health coverage.\n";
static const char release_en_b[] =
    "Community health workers brief\n"
    "Community health workers are the foundation of primary care in rural areas.\n";
static const char records[] =
    "{\"id\":\"rec-1\",\"title\":\"感染症対策\",\"text\":\"感染症危機管理の体制強化について。\"}\n"
    "{\"id\":\"rec-2\",\"title\":\"Vaccines\",\"text\":\"Equitable access to vaccines "
    "and diagnostics.\"}\n";

/* ------------------------------------------------------------ incremental */

static void test_touched_but_identical_files_are_unchanged(void)
{
    char *dir = tmp_dir();
    char *docs = g_build_filename(dir, "docs", NULL);
    g_mkdir(docs, 0755);
    char *files[] = { put(docs, "ja.txt", release_ja), put(docs, "en.txt", release_en),
                      put(docs, "records.jsonl", records) };
    char *db = g_build_filename(dir, "db", NULL);
    const char *paths[] = { docs };

    ghs_index_totals t = index_paths(db, paths, 1);
    g_assert_cmpuint(t.files_added, ==, 3);
    ghs_stats before = stats_of(db);

    for (size_t i = 0; i < G_N_ELEMENTS(files); i++)
        touch_later(files[i], 60);
    t = index_paths(db, paths, 1);
    g_assert_cmpuint(t.files_unchanged, ==, 3);
    g_assert_cmpuint(t.files_added + t.files_updated, ==, 0);
    g_assert_cmpuint(t.passages, ==, 0);
    /* and again, now that the new mtimes are remembered */
    t = index_paths(db, paths, 1);
    g_assert_cmpuint(t.files_unchanged, ==, 3);

    ghs_stats after = stats_of(db);
    g_assert_cmpuint(after.documents, ==, before.documents);
    g_assert_cmpuint(after.passages, ==, before.passages);
    g_assert_cmpuint(hits(db, "保健財政"), ==, 1);
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++)
        g_free(files[i]);
    g_free(db);
    g_free(docs);
    g_free(dir);
}

static void test_changed_file_replaces_its_passages_without_duplicates(void)
{
    char *dir = tmp_dir();
    char *docs = g_build_filename(dir, "docs", NULL);
    g_mkdir(docs, 0755);
    char *ja = put(docs, "ja.txt", release_ja);
    char *en = put(docs, "en.txt", release_en);
    char *db = g_build_filename(dir, "db", NULL);
    const char *paths[] = { docs };
    index_paths(db, paths, 1);
    g_assert_cmpuint(hits(db, "foundation"), ==, 1);

    /* Same size, other bytes (a word swapped for one of its length), a
     * later mtime: the hash differs, so the file is read again. */
    char *edited = g_strdup(release_en);
    char *w = strstr(edited, "foundation");
    memcpy(w, "cornerston", 10);
    g_free(put(docs, "en.txt", edited));
    touch_later(en, 60);
    ghs_index_totals t = index_paths(db, paths, 1);
    g_assert_cmpuint(t.files_updated, ==, 1);
    g_assert_cmpuint(t.files_unchanged, ==, 1);
    g_assert_cmpuint(hits(db, "foundation"), ==, 0);
    g_assert_cmpuint(hits(db, "cornerston"), ==, 1);
    g_assert_cmpuint(hits(db, "\"primary health care\""), ==, 1);

    /* The same as indexing the edited files into a fresh index. */
    char *fresh = g_build_filename(dir, "fresh", NULL);
    index_paths(fresh, paths, 1);
    ghs_stats a = stats_of(db), b = stats_of(fresh);
    g_assert_cmpuint(a.documents, ==, b.documents);
    g_assert_cmpuint(a.passages, ==, b.passages);
    g_assert_cmpuint(a.terms, ==, b.terms);
    g_free(edited);
    g_free(ja); g_free(en); g_free(db); g_free(fresh); g_free(docs); g_free(dir);
}

static void test_prune_removes_only_files_gone_under_the_given_paths(void)
{
    char *dir = tmp_dir();
    char *a = g_build_filename(dir, "a", NULL);
    char *b = g_build_filename(dir, "b", NULL);
    g_mkdir(a, 0755);
    g_mkdir(b, 0755);
    char *a_ja = put(a, "ja.txt", release_ja);
    char *a_rec = put(a, "records.jsonl", records);
    char *a_en = put(a, "en.txt", release_en);
    char *b_en = put(b, "b-en.txt", release_en_b);
    char *db = g_build_filename(dir, "db", NULL);
    const char *both[] = { a, b };
    index_paths(db, both, 2);
    ghs_stats full = stats_of(db);
    g_assert_cmpuint(full.documents, ==, 5);
    g_assert_true(has_document(db, "rec-1"));

    g_assert_cmpint(g_unlink(a_ja), ==, 0);
    g_assert_cmpint(g_unlink(a_rec), ==, 0);
    g_assert_cmpint(g_unlink(b_en), ==, 0);

    ghs_index *ix = NULL;
    ghs_error err = {0};
    size_t removed = 99;
    const char *only_a[] = { a };
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err), ==, 0);
    g_assert_cmpint(ghs_index_prune(ix, only_a, 1, &removed, &err), ==, 0);
    ghs_index_close(ix);
    g_assert_cmpuint(removed, ==, 2);   /* ja.txt and records.jsonl */

    ghs_stats st = stats_of(db);
    g_assert_cmpuint(st.documents, ==, 2);   /* a/en.txt, and b-en.txt: not under a */
    g_assert_cmpuint(hits(db, "保健財政"), ==, 0);
    g_assert_cmpuint(hits(db, "感染症危機管理"), ==, 0);
    g_assert_false(has_document(db, "rec-1"));
    g_assert_false(has_document(db, "ja.txt"));
    g_assert_true(has_document(db, "b-en.txt"));
    g_assert_cmpuint(hits(db, "foundation"), ==, 2);

    /* Nothing left to prune; a file put back is added anew. */
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err), ==, 0);
    g_assert_cmpint(ghs_index_prune(ix, only_a, 1, &removed, &err), ==, 0);
    ghs_index_close(ix);
    g_assert_cmpuint(removed, ==, 0);
    g_free(put(a, "ja.txt", release_ja));
    ghs_index_totals t = index_paths(db, only_a, 1);
    g_assert_cmpuint(t.files_added, ==, 1);
    g_assert_cmpuint(t.files_unchanged, ==, 1);
    g_assert_cmpuint(hits(db, "保健財政"), ==, 1);

    g_free(a_ja); g_free(a_rec); g_free(a_en); g_free(b_en);
    g_free(db); g_free(a); g_free(b); g_free(dir);
}

/* ------------------------------------------------------------ locking */

/* A child that holds the writer lock until told to let go on its pipe. */
/* ------------------------------------------------------------ resuming */

#define RESUME_RECORDS 4000

static int jsonl_report(const ghs_file_event *ev, void *user)
{
    if (g_str_has_suffix(ev->path, ".jsonl"))
        *(ghs_add_report *)user = *ev->report;
    return 0;
}

/* Documents committed so far by a run into db with `jobs` writers: in
 * the index itself for one writer; for more, the fewest any writer has in
 * its own database (indexer/parallel.h), so that a kill once this is high
 * enough finds every writer inside the big file (a writer the scheduler
 * held back would otherwise have nothing to go on from, and the next run
 * would rightly start the file over). */
static size_t committed_documents(const char *db, unsigned jobs)
{
    size_t fewest = SIZE_MAX;
    for (unsigned k = 0; k < (jobs > 1 ? jobs : 1); k++) {
        char name[16];
        g_snprintf(name, sizeof name, "%u", k);
        char *p = jobs > 1 ? g_build_filename(db, ".ghsearch-jobs", name, NULL) : g_strdup(db);
        ghs_index *ix = NULL;
        ghs_stats st = {0};
        if (g_file_test(p, G_FILE_TEST_IS_DIR) && ghs_index_open(&ix, p, GHS_OPEN_READ, NULL) == 0) {
            if (ghs_index_stats(ix, &st, NULL) < 0)
                st.documents = 0;
            ghs_index_close(ix);
        }
        if (st.documents < fewest)
            fewest = st.documents;
        g_free(p);
    }
    return fewest;
}

/* A run killed inside a large JSON Lines file keeps the files finished
 * before it and the batches it committed, and the next run goes on after
 * the last committed record instead of starting the file over: repeated
 * interruptions still finish the job, with no passage twice. With one
 * writer what was committed is searchable at once; with several, the next
 * run merges what each had committed and goes on from the earliest record
 * any of them had reached. */
static void killed_run_resumes(unsigned jobs)
{
    char *dir = tmp_dir();
    char *src = g_build_filename(dir, "src", NULL);
    g_assert_cmpint(g_mkdir(src, 0755), ==, 0);
    char *note = put(src, "a-note.txt", release_ja);
    GString *g = g_string_new(NULL);
    for (int i = 1; i <= RESUME_RECORDS; i++)
        g_string_append_printf(g, "{\"id\":\"r%05d\",\"text\":\"記録%d: 保健財政とユニバーサル・"
                               "ヘルス・カバレッジ。Record %d on health financing, primary "
                               "health care and the resilience of health systems in every "
                               "region, with figures for %d.\"}\n", i, i, i, 2000 + i % 25);
    char *big = put(src, "b-records.jsonl", g->str);
    g_string_free(g, TRUE);
    char *db = g_build_filename(dir, "db", NULL);
    const char *paths[] = { src };

    /* Run 1, in a child killed once some batches are committed. */
    pid_t pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        ghs_index *ix = NULL;
        ghs_error err = {0};
        if (ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err) < 0 ||
            ghs_index_set_batch(ix, 50, &err) < 0)
            _exit(3);
        ghs_index_set_jobs(ix, jobs);
        if (ghs_index_add_paths(ix, paths, 1, NULL, NULL, NULL, &err) < 0)
            _exit(3);
        _exit(0);   /* finished before it could be killed */
    }
    size_t committed = 0;
    for (int waited = 0; waited < 60000 && committed < 200 / jobs; waited += 5) {
        g_usleep(5000);
        committed = committed_documents(db, jobs);
    }
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFSIGNALED(status)) {
        g_test_skip("the first run finished before it could be killed");
    } else if (jobs > 1) {
        /* The index opens (the writers' work is not in it yet). */
        ghs_stats st1 = stats_of(db);
        g_assert_cmpuint(st1.documents, <, RESUME_RECORDS + 1);
        ghs_index *ix = NULL;
        ghs_error err = {0};
        ghs_add_report rep = {0};
        g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err), ==, 0);
        g_assert_cmpint(ghs_index_set_batch(ix, 50, &err), ==, 0);
        g_assert_cmpint(ghs_index_add_paths(ix, paths, 1, jsonl_report, &rep, NULL, &err), ==, 0);
        ghs_index_close(ix);
        g_test_message("killed with at least %zu documents committed by each writer; the second run "
                       "wrote %zu records", committed, rep.documents);
        g_assert_cmpuint(rep.documents, <, RESUME_RECORDS);   /* went on, not over */
        g_assert_true(has_document(db, "a-note.txt"));
        char *db2 = g_build_filename(dir, "db2", NULL);
        index_paths(db2, paths, 1);
        ghs_stats st2 = stats_of(db), whole = stats_of(db2);
        g_assert_cmpuint(st2.documents, ==, RESUME_RECORDS + 1);
        g_assert_cmpuint(st2.passages, ==, whole.passages);
        g_assert_cmpuint(hits(db, "\"Record 1234 on\""), ==, 1);
        char *jobs_dir = g_build_filename(db, ".ghsearch-jobs", NULL);
        g_assert_false(g_file_test(jobs_dir, G_FILE_TEST_EXISTS));   /* merged and removed */
        g_free(jobs_dir);
        ghs_index_totals t = index_paths(db, paths, 1);
        g_assert_cmpuint(t.files_unchanged, ==, 2);
        g_free(db2);
    } else {
        ghs_stats st1 = stats_of(db);
        g_test_message("killed with %zu of %d documents committed", st1.documents,
                       RESUME_RECORDS + 1);
        g_assert_cmpuint(st1.documents, <, RESUME_RECORDS + 1);
        g_assert_true(has_document(db, "a-note.txt"));   /* finished before the big file began */

        /* Run 2 goes on where run 1 stopped. */
        ghs_index *ix = NULL;
        ghs_error err = {0};
        ghs_add_report rep = {0};
        g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err), ==, 0);
        g_assert_cmpint(ghs_index_set_batch(ix, 50, &err), ==, 0);
        g_assert_cmpint(ghs_index_add_paths(ix, paths, 1, jsonl_report, &rep, NULL, &err), ==, 0);
        ghs_index_close(ix);
        g_test_message("the second run wrote %zu records", rep.documents);
        g_assert_cmpuint(rep.documents, ==, RESUME_RECORDS - (st1.documents - 1));
        g_assert_cmpuint(rep.records, ==, rep.documents);   /* records, not pages */
        g_assert_cmpuint(rep.pages, ==, 0);

        /* The same index a run never interrupted makes. */
        char *db2 = g_build_filename(dir, "db2", NULL);
        index_paths(db2, paths, 1);
        ghs_stats st2 = stats_of(db), whole = stats_of(db2);
        g_assert_cmpuint(st2.documents, ==, RESUME_RECORDS + 1);
        g_assert_cmpuint(st2.passages, ==, whole.passages);
        g_assert_cmpuint(hits(db, "\"Record 1234 on\""), ==, 1);
        /* Done: a third run has nothing to do. */
        ghs_index_totals t = index_paths(db, paths, 1);
        g_assert_cmpuint(t.files_unchanged, ==, 2);
        g_free(db2);
    }
    g_free(note);
    g_free(big);
    g_free(src);
    g_free(db);
    g_free(dir);
}

static void test_killed_run_resumes_inside_a_large_jsonl_file(void)
{
    killed_run_resumes(1);
}

static void test_killed_parallel_run_is_merged_and_finished_by_the_next(void)
{
    killed_run_resumes(2);
}

static int stop_at_once(void *user)
{
    (*(int *)user)++;
    return 1;
}

/* ghs_index_set_stop: asked inside a JSON Lines file, between records a
 * few times a second and after each batch; a stop ends the run with
 * GHS_ESTOPPED once the records written are committed, and the next run
 * goes on from there to the same index a run without stops makes (one
 * writer, whose records are counted exactly; several writers are stopped
 * by cli_e2e's Ctrl-C test). */
static void test_a_stop_inside_a_jsonl_file_ends_the_run_and_the_next_goes_on(void)
{
    char *dir = tmp_dir();
    GString *g = g_string_new(NULL);
    for (int i = 1; i <= 400; i++)
        g_string_append_printf(g, "{\"id\":\"n%03d\",\"text\":\"記録%d: 保健財政 note %d on "
                               "health financing.\"}\n", i, i, i);
    char *f = put(dir, "notes.jsonl", g->str);
    g_string_free(g, TRUE);
    char *db = g_build_filename(dir, "db", NULL);
    const char *paths[] = { f };
    ghs_index *ix = NULL;
    ghs_error err = {0};
    int asked = 0;
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err), ==, 0);
    g_assert_cmpint(ghs_index_set_batch(ix, 50, &err), ==, 0);
    ghs_index_set_jobs(ix, 1);
    ghs_index_set_stop(ix, stop_at_once, &asked);
    g_assert_cmpint(ghs_index_add_paths(ix, paths, 1, NULL, NULL, NULL, &err), ==, GHS_ESTOPPED);
    /* at the first batch's end, or sooner on a slow machine (50 ms in) */
    const char *at = strstr(err.message, "stopped after line ");
    g_assert_nonnull(at);
    size_t line = strtoul(at + strlen("stopped after line "), NULL, 10);
    g_test_message("stopped after line %zu", line);
    g_assert_cmpuint(line, >=, 1);
    g_assert_cmpuint(line, <=, 50);
    ghs_index_close(ix);
    g_assert_cmpint(asked, ==, 1);
    g_assert_cmpuint(stats_of(db).documents, ==, line);
    ghs_index_totals t = index_paths(db, paths, 1);
    g_assert_cmpuint(t.records, ==, 400 - line);   /* the rest, not the file again */
    g_assert_cmpuint(stats_of(db).documents, ==, 400);
    g_free(db);
    g_free(f);
    g_free(dir);
}

/* A changed JSON Lines file stopped before it has its old passages back
 * (batches are committed only from then on, so that readers never see it
 * shrink): its transaction is cancelled, the index keeps the old version
 * whole, and the next run indexes the new one. */
static void test_a_stop_before_a_changed_jsonl_file_is_whole_again_keeps_the_old_one(void)
{
    char *dir = tmp_dir();
    GString *g = g_string_new(NULL);
    for (int i = 1; i <= 6000; i++)
        g_string_append_printf(g, "{\"id\":\"c%04d\",\"text\":\"old note %d on health "
                               "financing.\"}\n", i, i);
    char *f = put(dir, "changing.jsonl", g->str);
    char *db = g_build_filename(dir, "db", NULL);
    const char *paths[] = { f };
    index_paths(db, paths, 1);
    g_assert_cmpuint(hits(db, "\"old note 5999\""), ==, 1);
    g_string_truncate(g, 0);
    for (int i = 1; i <= 6000; i++)
        g_string_append_printf(g, "{\"id\":\"c%04d\",\"text\":\"new note %d on primary "
                               "health care.\"}\n", i, i);
    g_assert_true(g_file_set_contents(f, g->str, (gssize)g->len, NULL));
    g_string_free(g, TRUE);
    touch_later(f, 5);
    ghs_index *ix = NULL;
    ghs_error err = {0};
    int asked = 0;
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err), ==, 0);
    g_assert_cmpint(ghs_index_set_batch(ix, 50, &err), ==, 0);
    ghs_index_set_stop(ix, stop_at_once, &asked);
    g_assert_cmpint(ghs_index_add_paths(ix, paths, 1, NULL, NULL, NULL, &err), ==, GHS_ESTOPPED);
    g_assert_nonnull(strstr(err.message, "it is left as it was"));
    ghs_index_close(ix);
    g_assert_cmpuint(stats_of(db).documents, ==, 6000);
    g_assert_cmpuint(hits(db, "\"old note 5999\""), ==, 1);
    g_assert_cmpuint(hits(db, "\"new note 1\""), ==, 0);
    ghs_index_totals t = index_paths(db, paths, 1);
    g_assert_cmpuint(t.files_updated, ==, 1);
    g_assert_cmpuint(stats_of(db).documents, ==, 6000);
    g_assert_cmpuint(hits(db, "\"new note 5999\""), ==, 1);
    g_assert_cmpuint(hits(db, "\"old note 5999\""), ==, 0);
    g_free(db);
    g_free(f);
    g_free(dir);
}

/* ------------------------------------------------------------ progress */

#define PROGRESS_RECORDS 6000

typedef struct progress_seen {
    GThread *caller;          /* the thread that called ghs_index_add_paths */
    size_t events, last_records, max_records;
    unsigned long long size;  /* of the JSON Lines file */
    int bad_path, bad_phase, bad_thread, bad_bytes, went_back, after_file, bad_files;
    int file_done;            /* its ghs_file_event came */
    int has_rate, has_eta;
} progress_seen;

static void on_file_progress(const ghs_file_progress *p, void *user)
{
    progress_seen *s = user;
    s->events++;
    s->bad_path |= !g_str_has_suffix(p->path, "many.jsonl");
    s->bad_phase |= p->phase != GHS_WORK_WRITING;
    s->bad_thread |= g_thread_self() != s->caller;
    s->bad_bytes |= p->bytes_total != s->size || p->bytes_read > p->bytes_total;
    s->bad_files |= p->files_total != 2 || p->files_done > 1;
    s->went_back |= p->records < s->last_records;
    s->after_file |= s->file_done;
    s->has_rate |= p->rate > 0 && p->text_rate > 0 && p->records > 0 && p->passages > 0;
    s->has_eta |= p->eta >= 0;
    s->last_records = p->records;
    if (p->records > s->max_records)
        s->max_records = p->records;
}

static int on_file_done(const ghs_file_event *ev, void *user)
{
    progress_seen *s = user;
    if (g_str_has_suffix(ev->path, "many.jsonl"))
        s->file_done = 1;
    return 0;
}

/* ghs_index_set_file_progress inside a JSON Lines file that takes over
 * 0.2 s: events on the calling thread, for that file only, before its file
 * event, records growing up to (not past) the file's, bytes read within
 * its size; with several writers their records added up. */
static void file_progress_inside_a_jsonl_file(unsigned jobs)
{
    char *dir = tmp_dir();
    char *src = g_build_filename(dir, "src", NULL);
    g_assert_cmpint(g_mkdir(src, 0755), ==, 0);
    char *note = put(src, "a-note.txt", release_ja);
    GString *g = g_string_new(NULL);
    for (int i = 1; i <= PROGRESS_RECORDS; i++)
        g_string_append_printf(g, "{\"id\":\"p%05d\",\"text\":\"記録%d: 保健財政 note %d on "
                               "health financing and primary health care.\"}\n", i, i, i);
    char *big = put(src, "many.jsonl", g->str);
    progress_seen seen = { .caller = g_thread_self(), .size = g->len };
    g_string_free(g, TRUE);
    char *db = g_build_filename(dir, "db", NULL);
    const char *paths[] = { src };
    ghs_index *ix = NULL;
    ghs_error err = {0};
    ghs_index_totals t = {0};
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err), ==, 0);
    ghs_index_set_jobs(ix, jobs);
    ghs_index_set_file_progress(ix, on_file_progress, &seen);
    gint64 t0 = g_get_monotonic_time();
    g_assert_cmpint(ghs_index_add_paths(ix, paths, 1, on_file_done, &seen, &t, &err), ==, 0);
    double secs = (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
    ghs_index_close(ix);
    g_test_message("%u writer(s): %zu events in %.1f s, the last at %zu records", jobs,
                   seen.events, secs, seen.last_records);
    g_assert_cmpuint(t.records, ==, PROGRESS_RECORDS);
    g_assert_cmpuint(seen.events, >=, 1);
    /* at most five a second (and a writer's last report may come late) */
    g_assert_cmpuint(seen.events, <=, (size_t)(secs * 5) + 2);
    g_assert_false(seen.bad_path);
    g_assert_false(seen.bad_phase);
    g_assert_false(seen.bad_thread);
    g_assert_false(seen.bad_bytes);
    g_assert_false(seen.bad_files);
    g_assert_false(seen.went_back);
    g_assert_false(seen.after_file);
    g_assert_true(seen.file_done);
    g_assert_true(seen.has_rate);
    g_assert_cmpuint(seen.max_records, <=, PROGRESS_RECORDS);
    if (secs > 1.5)   /* estimated from the bytes read, after half a second */
        g_assert_true(seen.has_eta);
    g_free(note);
    g_free(big);
    g_free(src);
    g_free(db);
    g_free(dir);
}

static void test_one_writer_reports_records_inside_a_jsonl_file(void)
{
    file_progress_inside_a_jsonl_file(1);
}

static void test_several_writers_report_records_added_up(void)
{
    file_progress_inside_a_jsonl_file(2);
}

static pid_t spawn_holder(const char *db, int *release_fd)
{
    int go[2], ready[2];
    g_assert_cmpint(pipe(go), ==, 0);
    g_assert_cmpint(pipe(ready), ==, 0);
    fflush(NULL);
    pid_t pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        close(go[1]);
        close(ready[0]);
        ghs_index *ix = NULL;
        ghs_error err = {0};
        char ok = ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err) == 0 ? 'y' : 'n';
        if (write(ready[1], &ok, 1) != 1)
            _exit(3);
        char c;
        while (read(go[0], &c, 1) < 0 && errno == EINTR)
            ;
        ghs_index_close(ix);
        _exit(ok == 'y' ? 0 : 2);
    }
    close(go[0]);
    close(ready[1]);
    char ok = 0;
    g_assert_cmpint(read(ready[0], &ok, 1), ==, 1);
    g_assert_cmpint(ok, ==, 'y');
    close(ready[0]);
    *release_fd = go[1];
    return pid;
}

static void release_holder(pid_t pid, int fd)
{
    g_assert_cmpint(write(fd, "x", 1), ==, 1);
    close(fd);
    int status = 0;
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_second_writer_is_told_the_pid_of_the_first(void)
{
    char *dir = tmp_dir();
    char *db = g_build_filename(dir, "db", NULL);
    int fd;
    pid_t holder = spawn_holder(db, &fd);

    ghs_index *ix = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err), ==, GHS_ELOCKED);
    g_assert_null(ix);
    char *want = g_strdup_printf("locked by PID %ld", (long)holder);
    g_test_message("%s", err.message);
    g_assert_nonnull(strstr(err.message, want));
    g_free(want);
    /* Readers are not kept out. */
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_READ, &err), ==, 0);
    ghs_index_close(ix);

    release_holder(holder, fd);
    char *note = g_build_filename(db, "ghsearch.pid", NULL);
    g_assert_false(g_file_test(note, G_FILE_TEST_EXISTS));   /* removed on close */
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err), ==, 0);
    ghs_index_close(ix);
    g_free(note);
    g_free(db);
    g_free(dir);
}

/* The PID of a process that has exited (and been reaped). */
static pid_t dead_pid(void)
{
    pid_t pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0)
        _exit(0);
    g_assert_cmpint(waitpid(pid, NULL, 0), ==, pid);
    return pid;
}

static void test_stale_pid_note_of_a_dead_writer_does_not_block(void)
{
    char *dir = tmp_dir();
    char *db = g_build_filename(dir, "db", NULL);
    g_assert_cmpint(g_mkdir(db, 0755), ==, 0);
    char *note = g_build_filename(db, "ghsearch.pid", NULL);
    char *stale = g_strdup_printf("%ld\n", (long)dead_pid());
    g_assert_true(g_file_set_contents(note, stale, -1, NULL));

    ghs_index *ix = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err), ==, 0);
    char *mine = NULL;
    g_assert_true(g_file_get_contents(note, &mine, NULL, NULL));
    g_assert_cmpint(atol(mine), ==, (long)getpid());
    ghs_index_close(ix);
    g_assert_false(g_file_test(note, G_FILE_TEST_EXISTS));

    /* A locked index whose note names a dead process: no false PID. */
    int fd;
    pid_t holder = spawn_holder(db, &fd);
    g_assert_true(g_file_set_contents(note, stale, -1, NULL));
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err), ==, GHS_ELOCKED);
    g_test_message("%s", err.message);
    g_assert_null(strstr(err.message, "PID"));
    g_assert_nonnull(strstr(err.message, "locked"));
    release_holder(holder, fd);

    g_free(mine);
    g_free(stale);
    g_free(note);
    g_free(db);
    g_free(dir);
}

/* ---------------------------------------------- non-regular files */

static int no_record(const ghs_record *rec, void *user)
{
    (void)rec;
    (void)user;
    return 0;
}

/* Each reader the indexer runs in its own process refuses a FIFO (whose
 * open() would block without a writer) and a link to /dev/zero (which
 * never ends) by name, at once. The alarm turns a hang into a failure. */
static void test_readers_refuse_non_regular_files(void)
{
    char *dir = tmp_dir();
    const char *fifos[] = { "a.pdf", "r.html", "r.jsonl" };
    for (size_t i = 0; i < G_N_ELEMENTS(fifos); i++) {
        char *p = g_build_filename(dir, fifos[i], NULL);
        g_assert_cmpint(mkfifo(p, 0644), ==, 0);
        g_free(p);
    }
    char *fifo_pdf = g_build_filename(dir, "a.pdf", NULL);
    char *fifo_html = g_build_filename(dir, "r.html", NULL);
    char *fifo_jsonl = g_build_filename(dir, "r.jsonl", NULL);
    char *zero = g_build_filename(dir, "z.pdf", NULL);
    g_assert_cmpint(symlink("/dev/zero", zero), ==, 0);
    alarm(20);

    ghs_error err = {0};
    g_assert_null(ghs_file_sha256(fifo_pdf, &err));
    g_assert_cmpint(err.code, ==, GHS_EIO);
    g_assert_cmpstr(err.message, ==, "[index][a.pdf] not a regular file (a FIFO)");
    memset(&err, 0, sizeof err);
    g_assert_null(ghs_file_sha256(zero, &err));
    g_assert_cmpstr(err.message, ==, "[index][z.pdf] not a regular file (a character device)");
    memset(&err, 0, sizeof err);
    g_assert_cmpint(ghs_pdf_sniff(fifo_pdf, &err), ==, GHS_EIO);
    g_assert_cmpstr(err.message, ==, "[pdf][a.pdf] not a regular file (a FIFO)");
    g_assert_cmpint(ghs_pdf_sniff(zero, &err), ==, GHS_EIO);
    g_assert_cmpstr(err.message, ==, "[pdf][z.pdf] not a regular file (a character device)");
    ghs_extracted ex = {0};
    g_assert_cmpint(ghs_extract_release(fifo_html, &ex, &err), ==, GHS_EIO);
    g_assert_cmpstr(err.message, ==, "[release][r.html] not a regular file (a FIFO)");
    g_assert_cmpint(ghs_jsonl_read(fifo_jsonl, no_record, NULL, NULL, &err), ==, GHS_EIO);
    g_assert_cmpstr(err.message, ==, "[jsonl][r.jsonl] not a regular file (a FIFO)");
    g_assert_cmpint(ghs_jsonl_read(dir, no_record, NULL, NULL, &err), ==, GHS_EIO);
    g_assert_nonnull(strstr(err.message, "not a regular file (a directory)"));
    g_assert_cmpstr(ghs_error_reason(&err), ==, "unreadable");

    alarm(0);
    g_free(fifo_pdf);
    g_free(fifo_html);
    g_free(fifo_jsonl);
    g_free(zero);
    g_free(dir);
}

typedef struct { GPtrArray *msgs; } seen_errors;

static int collect_errors(const ghs_file_event *ev, void *user)
{
    seen_errors *s = user;
    if (ev->error)
        g_ptr_array_add(s->msgs, g_strdup_printf("%s: %s", ev->path, ev->error->message));
    return 0;
}

/* A walked folder with a FIFO named a.pdf and a link z.pdf -> /dev/zero
 * beside a text release: the run ends, indexes the release, counts both
 * as failed with their names and what they are, and leaves the index
 * unlocked; a FIFO given directly is refused the same way. */
static void test_non_regular_files_fail_and_the_run_goes_on(void)
{
    char *dir = tmp_dir();
    char *src = g_build_filename(dir, "src", NULL);
    char *db = g_build_filename(dir, "db", NULL);
    g_assert_cmpint(g_mkdir(src, 0755), ==, 0);
    char *txt = put(src, "b.txt", "Okapi census\n\nThe okapi census was counted twice.\n");
    char *fifo = g_build_filename(src, "a.pdf", NULL);
    char *zero = g_build_filename(src, "z.pdf", NULL);
    g_assert_cmpint(mkfifo(fifo, 0644), ==, 0);
    g_assert_cmpint(symlink("/dev/zero", zero), ==, 0);
    alarm(60);

    ghs_index *ix = NULL;
    ghs_error err = {0};
    ghs_index_totals t;
    seen_errors seen = { g_ptr_array_new_with_free_func(g_free) };
    const char *paths[] = { src };
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err), ==, 0);
    g_assert_cmpint(ghs_index_add_paths(ix, paths, 1, collect_errors, &seen, &t, &err), ==, 0);
    g_assert_cmpuint(t.files_seen, ==, 3);
    g_assert_cmpuint(t.files_added, ==, 1);
    g_assert_cmpuint(t.files_failed, ==, 2);
    g_assert_cmpuint(seen.msgs->len, ==, 2);
    char *want_fifo = g_strdup_printf("%s: [index][%s] not a regular file (a FIFO)", fifo, fifo);
    char *want_zero = g_strdup_printf("%s: [index][%s] not a regular file (a character device)",
                                      zero, zero);
    g_assert_cmpstr(g_ptr_array_index(seen.msgs, 0), ==, want_fifo);
    g_assert_cmpstr(g_ptr_array_index(seen.msgs, 1), ==, want_zero);

    /* Given directly. */
    ghs_add_report rep;
    memset(&err, 0, sizeof err);
    g_assert_cmpint(ghs_index_add_file(ix, fifo, NULL, &rep, &err), ==, GHS_EIO);
    g_assert_cmpint(rep.status, ==, GHS_ADD_FAILED);
    g_assert_nonnull(strstr(err.message, "not a regular file (a FIFO)"));
    g_assert_cmpint(ghs_index_add_paths(ix, (const char *const[]){ fifo }, 1, NULL, NULL,
                                        &t, &err), ==, 0);
    g_assert_cmpuint(t.files_failed, ==, 1);
    ghs_index_close(ix);

    /* The next writer is not refused, and the release is found. */
    ix = NULL;
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err), ==, 0);
    ghs_index_close(ix);
    ghs_stats st = stats_of(db);
    g_assert_cmpuint(st.documents, ==, 1);
    alarm(0);

    g_ptr_array_free(seen.msgs, TRUE);
    g_free(want_fifo);
    g_free(want_zero);
    g_free(txt);
    g_free(fifo);
    g_free(zero);
    g_free(src);
    g_free(db);
    g_free(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/robust/incremental/touched_but_identical_files_are_unchanged",
                    test_touched_but_identical_files_are_unchanged);
    g_test_add_func("/robust/incremental/changed_file_replaces_its_passages_without_duplicates",
                    test_changed_file_replaces_its_passages_without_duplicates);
    g_test_add_func("/robust/incremental/prune_removes_only_files_gone_under_the_given_paths",
                    test_prune_removes_only_files_gone_under_the_given_paths);
    g_test_add_func("/robust/incremental/killed_run_resumes_inside_a_large_jsonl_file",
                    test_killed_run_resumes_inside_a_large_jsonl_file);
    g_test_add_func("/robust/incremental/killed_parallel_run_is_merged_and_finished_by_the_next",
                    test_killed_parallel_run_is_merged_and_finished_by_the_next);
    g_test_add_func("/robust/incremental/a_stop_inside_a_jsonl_file_ends_the_run_and_the_next_goes_on",
                    test_a_stop_inside_a_jsonl_file_ends_the_run_and_the_next_goes_on);
    g_test_add_func("/robust/incremental/a_stop_before_a_changed_jsonl_file_is_whole_again_keeps_the_old_one",
                    test_a_stop_before_a_changed_jsonl_file_is_whole_again_keeps_the_old_one);
    g_test_add_func("/robust/progress/one_writer_reports_records_inside_a_jsonl_file",
                    test_one_writer_reports_records_inside_a_jsonl_file);
    g_test_add_func("/robust/progress/several_writers_report_records_added_up",
                    test_several_writers_report_records_added_up);
    g_test_add_func("/robust/lock/second_writer_is_told_the_pid_of_the_first",
                    test_second_writer_is_told_the_pid_of_the_first);
    g_test_add_func("/robust/lock/stale_pid_note_of_a_dead_writer_does_not_block",
                    test_stale_pid_note_of_a_dead_writer_does_not_block);
    g_test_add_func("/robust/nonregular/readers_refuse_non_regular_files",
                    test_readers_refuse_non_regular_files);
    g_test_add_func("/robust/nonregular/non_regular_files_fail_and_the_run_goes_on",
                    test_non_regular_files_fail_and_the_run_goes_on);
    return g_test_run();
}
