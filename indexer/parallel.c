/*
 * parallel.c: ghs_index_add_paths with one Xapian writer per core, merged
 * by compaction (see parallel.h for the design).
 */
#include "parallel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "filestate.h"
#include "merge.h"
#include "schema.h"

/* The run whose writers' databases are under GHS_JOBS_DIR: a random token
 * in the file RUN_FILE there, also written into writer 0's database, so
 * the merged index carries it until the run has ended (finish_run). A
 * next run that finds the index carrying the token knows the merge is in
 * and must not be done twice. */
#define RUN_FILE "run"
#define RUN_META "ghsearch-jobs-run"
/* The JSON Lines files of the run, one absolute path a line: each writer
 * reads all of them (keeping its shard's records). */
#define JSONL_FILE "jsonl-files"

unsigned ghs_parallel_jobs(ghs_index *ix, GPtrArray *files)
{
    unsigned n = ix->jobs ? ix->jobs : g_get_num_processors();
    if (n > GHS_MAX_JOBS)
        n = GHS_MAX_JOBS;
    if (n <= 1 || !ix->wdb || ix->shard_n > 1)
        return 1;
    /* One file is one writer's, unless it holds many records. */
    int has_jsonl = 0;
    for (guint i = 0; i < files->len && !has_jsonl; i++)
        has_jsonl = g_str_has_suffix((const char *)g_ptr_array_index(files, i), ".jsonl");
    if (files->len < 2 && !has_jsonl)
        return 1;
    xc_error xe;
    xc_error_clear(&xe);
    uint32_t docs = xc_wdb_doccount(ix->wdb, &xe);
    return xe.code == XC_OK && docs == 0 ? n : 1;
}

/* ------------------------------------------------------- one report a file */

/* What the writers said of one file so far. */
typedef struct par_file {
    unsigned seen;            /* writers that reported it */
    ghs_add_report rep;       /* their counts added up */
    int changed;              /* some writer added or updated */
    ghs_add_status changed_status;
    int failed;               /* some writer failed it */
    ghs_error fail_err;
    int has_bad;              /* bad lines (writer 0 reports them) */
    ghs_error bad_err;
} par_file;

typedef struct par_run {
    GMutex mu;
    unsigned n;
    ghs_progress_fn progress;
    void *user;
    int (*stop_fn)(void *);
    void *stop_user;
    GHashTable *pending;      /* path -> par_file, until every writer reported it */
    GHashTable *failed_jsonl; /* absolute paths of JSON Lines files that failed */
    size_t done, total;
    int stop;                 /* the caller asked to stop */
    ghs_index_totals *tot;
} par_run;

typedef struct par_writer {
    par_run *run;
    unsigned k;
    ghs_index *ix;
    GPtrArray *files;
    ghs_index_totals tot;
    int stopped;
    int rc;
    ghs_error err;
} par_writer;

static void merge_report(par_file *pf, const ghs_file_event *ev)
{
    const ghs_add_report *r = ev->report;
    pf->seen++;
    pf->rep.documents += r->documents;
    pf->rep.pages += r->pages;
    pf->rep.passages += r->passages;
    pf->rep.text_bytes += r->text_bytes;
    pf->rep.records += r->records;
    pf->rep.skipped += r->skipped;
    if (r->status == GHS_ADD_FAILED) {
        if (!pf->failed && ev->error)
            pf->fail_err = *ev->error;
        pf->failed = 1;
    } else if (r->status == GHS_ADD_ADDED || r->status == GHS_ADD_UPDATED) {
        pf->changed = 1;
        pf->changed_status = r->status;
    }
    if (r->status != GHS_ADD_FAILED && r->skipped && ev->error && !pf->has_bad) {
        pf->bad_err = *ev->error;
        pf->has_bad = 1;
    }
}

/* The one event of a file every writer has reported. */
static void emit(par_run *run, const char *path, par_file *pf)
{
    ghs_add_report rep = pf->rep;
    const ghs_error *error = NULL;
    ghs_error err = {0};
    if (pf->changed && pf->rep.documents > 0) {
        rep.status = pf->changed_status;
        error = pf->has_bad ? &pf->bad_err : NULL;
    } else if (pf->failed) {
        rep.status = GHS_ADD_FAILED;
        error = &pf->fail_err;
    } else if (pf->rep.skipped) {
        /* Bad lines and no record in any writer's shard: as one writer
         * would say it (index.c). */
        rep.status = GHS_ADD_FAILED;
        ghs_jsonl_no_valid_record(&err, path, pf->bad_err.message);
        error = &err;
        g_hash_table_add(run->failed_jsonl, g_canonicalize_filename(path, NULL));
    } else {
        rep.status = pf->changed ? pf->changed_status : GHS_ADD_UNCHANGED;
    }
    ghs_index_totals *tot = run->tot;
    switch (rep.status) {
    case GHS_ADD_ADDED: tot->files_added++; break;
    case GHS_ADD_UPDATED: tot->files_updated++; break;
    case GHS_ADD_UNCHANGED: tot->files_unchanged++; break;
    case GHS_ADD_FAILED: tot->files_failed++; break;
    }
    run->done++;
    if (run->progress) {
        ghs_file_event ev = {
            .path = path, .report = &rep, .error = error,
            .files_done = run->done, .files_total = run->total,
        };
        if (run->progress(&ev, run->user))
            run->stop = 1;
    }
}

/* A writer's progress callback: add its report; the last writer to report
 * a file sends the file's one event. */
static int on_writer_file(const ghs_file_event *ev, void *user)
{
    par_writer *w = user;
    par_run *run = w->run;
    g_mutex_lock(&run->mu);
    par_file *pf = g_hash_table_lookup(run->pending, ev->path);
    if (!pf) {
        pf = g_new0(par_file, 1);
        g_hash_table_insert(run->pending, g_strdup(ev->path), pf);
    }
    merge_report(pf, ev);
    if (pf->seen == run->n) {
        emit(run, ev->path, pf);
        g_hash_table_remove(run->pending, ev->path);
    }
    int stop = run->stop;
    g_mutex_unlock(&run->mu);
    return stop;
}

/* A writer's stop check after each batch: the caller's, asked once for
 * all writers. */
static int writer_should_stop(void *user)
{
    par_writer *w = user;
    par_run *run = w->run;
    g_mutex_lock(&run->mu);
    if (!run->stop && run->stop_fn && run->stop_fn(run->stop_user))
        run->stop = 1;
    int stop = run->stop;
    g_mutex_unlock(&run->mu);
    return stop;
}

static gpointer writer_main(gpointer data)
{
    par_writer *w = data;
    w->rc = ghs_index_files(w->ix, w->files, on_writer_file, w, &w->tot, &w->stopped, &w->err);
    if (w->rc < 0) {   /* a database error: the other writers stop too */
        g_mutex_lock(&w->run->mu);
        w->run->stop = 1;
        g_mutex_unlock(&w->run->mu);
    }
    return NULL;
}

/* ------------------------------------------------------- the jobs folder */

static char *jobs_path(ghs_index *ix, const char *name)
{
    return g_build_filename(ix->path, GHS_JOBS_DIR, name, NULL);
}

static char *writer_path(ghs_index *ix, unsigned k)
{
    char name[16];
    g_snprintf(name, sizeof name, "%u", k);
    return jobs_path(ix, name);
}

/* Is the JSON Lines file at abs_path whole in the database? Its path
 * record has a stamp only once its last record is committed (filestate.h). */
static int jsonl_whole(xc_db *db, const char *abs_path)
{
    char *key = g_strconcat(GHS_META_PATH, abs_path, NULL);
    size_t len = 0;
    xc_error xe;
    xc_error_clear(&xe);
    char *val = xc_db_get_metadata(db, key, &len, &xe);
    g_free(key);
    ghs_path_record pr;
    ghs_path_record_parse(val, len, &pr);
    free(val);
    int whole = pr.stamp && *pr.stamp;
    ghs_path_record_clear(&pr);
    return whole;
}

/* A JSON Lines file not every writer finished: where the next run goes
 * on from (the progress record, index.c), NULL to start it over. */
typedef struct unfinished {
    char *abs_path;
    char *progress;
} unfinished;

static void unfinished_free(gpointer p)
{
    unfinished *u = p;
    g_free(u->abs_path);
    g_free(u->progress);
    g_free(u);
}

/* After the merge: a JSON Lines file some writer had not finished (a
 * stopped or killed run) is marked unfinished, so the next run indexes it
 * again, from the earliest record any writer stopped at (records after it
 * that a writer had written are written again in place); one that failed
 * in every writer loses its path record, so the next run tries it again.
 * Then the run's token goes and the commit makes it all durable. */
static int fix_jsonl_records(ghs_index *ix, GPtrArray *unfinished_files, GHashTable *failed,
                             ghs_error *err)
{
    xc_error xe;
    xc_error_clear(&xe);
    for (guint i = 0; i < unfinished_files->len; i++) {
        const unfinished *u = g_ptr_array_index(unfinished_files, i);
        char *base = g_path_get_basename(u->abs_path);
        char *val = ghs_path_record_format("", NULL, base);
        char *key = g_strconcat(GHS_META_PATH, u->abs_path, NULL);
        char *pkey = g_strconcat(GHS_META_PROGRESS, u->abs_path, NULL);
        xc_wdb_set_metadata(ix->wdb, key, val, strlen(val), &xe);
        xc_wdb_set_metadata(ix->wdb, pkey, u->progress ? u->progress : "",
                            u->progress ? strlen(u->progress) : 0, &xe);
        g_free(base);
        g_free(val);
        g_free(key);
        g_free(pkey);
    }
    GHashTableIter it;
    gpointer p;
    if (failed) {
        g_hash_table_iter_init(&it, failed);
        while (g_hash_table_iter_next(&it, &p, NULL)) {
            char *key = g_strconcat(GHS_META_PATH, (const char *)p, NULL);
            xc_wdb_set_metadata(ix->wdb, key, "", 0, &xe);
            g_free(key);
        }
    }
    xc_wdb_set_metadata(ix->wdb, RUN_META, "", 0, &xe);
    if (xe.code != XC_OK)
        return ghs_error_from_xc(err, &xe, "index");
    return ghs_index_commit(ix, err);
}

/* The progress record of abs_path in db ("sha256 line offset"), its
 * offset in *offset; NULL when there is none. */
static char *progress_of(xc_db *db, const char *abs_path, unsigned long long *offset)
{
    char *key = g_strconcat(GHS_META_PROGRESS, abs_path, NULL);
    size_t len = 0;
    xc_error xe;
    xc_error_clear(&xe);
    char *val = xc_db_get_metadata(db, key, &len, &xe);
    g_free(key);
    char *out = NULL;
    char sha[65];
    unsigned long long line;
    if (val && len > 0) {
        out = g_strndup(val, len);
        if (sscanf(out, "%64s %llu %llu", sha, &line, offset) != 3) {
            g_free(out);
            out = NULL;
        }
    }
    free(val);
    return out;
}

/* Where writers dbs[0..n-1] can all go on from in the JSON Lines file at
 * abs_path: the progress record with the smallest offset among those
 * that had not finished it, or NULL when one of them has none (it wrote
 * nothing of the file that can be found again) or their files differ. */
static char *common_progress(xc_db **dbs, unsigned n, const char *abs_path)
{
    char *best = NULL;
    unsigned long long best_off = 0;
    for (unsigned k = 0; k < n; k++) {
        if (dbs[k] && jsonl_whole(dbs[k], abs_path))
            continue;
        unsigned long long off = 0;
        char *p = dbs[k] ? progress_of(dbs[k], abs_path, &off) : NULL;
        if (!p || (best && strncmp(p, best, 64) != 0)) {
            g_free(p);
            g_free(best);
            return NULL;
        }
        if (!best || off < best_off) {
            g_free(best);
            best = p;
            best_off = off;
        } else {
            g_free(p);
        }
    }
    return best;
}

/* The JSON Lines files of the run that some writer's database (open or
 * not) does not hold whole (unfinished *). */
static GPtrArray *unfinished_jsonl(ghs_index *ix, unsigned n, char **jsonl)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(unfinished_free);
    xc_db **dbs = g_new0(xc_db *, n);
    for (unsigned k = 0; k < n; k++) {
        char *p = writer_path(ix, k);
        xc_error xe;
        xc_error_clear(&xe);
        dbs[k] = xc_db_open(p, &xe);
        g_free(p);
    }
    for (size_t i = 0; jsonl && jsonl[i]; i++) {
        if (!*jsonl[i])
            continue;
        int whole = 1;
        for (unsigned k = 0; k < n && whole; k++)
            whole = dbs[k] && jsonl_whole(dbs[k], jsonl[i]);
        if (!whole) {
            unfinished *u = g_new0(unfinished, 1);
            u->abs_path = g_strdup(jsonl[i]);
            u->progress = common_progress(dbs, n, jsonl[i]);
            g_ptr_array_add(out, u);
        }
    }
    for (unsigned k = 0; k < n; k++)
        xc_db_close(dbs[k]);
    g_free(dbs);
    return out;
}

/* Merge the writers' databases 0 .. n-1 into ix (unless the index already
 * carries this run's token: merged before a kill), put the JSON Lines
 * records right, and remove the jobs folder. */
static int finish_run(ghs_index *ix, unsigned n, GHashTable *failed, ghs_error *err)
{
    char *run_file = jobs_path(ix, RUN_FILE);
    char *list_file = jobs_path(ix, JSONL_FILE);
    char *token = NULL, *list = NULL;
    g_file_get_contents(run_file, &token, NULL, NULL);
    g_file_get_contents(list_file, &list, NULL, NULL);
    char **jsonl = list ? g_strsplit(list, "\n", -1) : NULL;
    GPtrArray *unfinished = unfinished_jsonl(ix, n, jsonl);

    xc_error xe;
    xc_error_clear(&xe);
    size_t len = 0;
    char *have = xc_wdb_get_metadata(ix->wdb, RUN_META, &len, &xe);
    int merged = token && have && len == strlen(token) && !memcmp(have, token, len);
    free(have);
    int rc = 0;
    if (!merged) {
        GPtrArray *srcs = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(srcs, g_strdup(ix->path));   /* first: its metadata wins */
        for (unsigned k = 0; k < n; k++) {
            char *p = writer_path(ix, k);
            char *rev = g_build_filename(p, "iamglass", NULL);
            if (g_file_test(rev, G_FILE_TEST_EXISTS))   /* else nothing was committed */
                g_ptr_array_add(srcs, p);
            else
                g_free(p);
            g_free(rev);
        }
        if (srcs->len > 1)
            rc = ghs_index_replace(ix, (const char *const *)srcs->pdata, srcs->len, err);
        g_ptr_array_free(srcs, TRUE);
    }
    if (rc == 0)
        rc = fix_jsonl_records(ix, unfinished, failed, err);
    if (rc == 0) {
        char *dir = g_build_filename(ix->path, GHS_JOBS_DIR, NULL);
        ghs_remove_tree(dir);
        g_free(dir);
    }
    g_ptr_array_free(unfinished, TRUE);
    g_strfreev(jsonl);
    g_free(list);
    g_free(token);
    g_free(run_file);
    g_free(list_file);
    return rc;
}

/* The writers' databases of a run: how many there are (0, 1, ...). */
static unsigned count_writers(ghs_index *ix)
{
    unsigned n = 0;
    for (;; n++) {
        char *p = writer_path(ix, n);
        int there = g_file_test(p, G_FILE_TEST_IS_DIR);
        g_free(p);
        if (!there)
            return n;
    }
}

int ghs_parallel_recover(ghs_index *ix, ghs_error *err)
{
    char *dir = g_build_filename(ix->path, GHS_JOBS_DIR, NULL);
    int there = g_file_test(dir, G_FILE_TEST_IS_DIR);
    int rc = 0;
    if (there) {
        unsigned n = count_writers(ix);
        rc = n ? finish_run(ix, n, NULL, err) : 0;
        if (rc == 0)
            ghs_remove_tree(dir);
    }
    g_free(dir);
    return rc;
}

/* Write the run's token and JSON Lines list into a new jobs folder. */
static int start_run(ghs_index *ix, GPtrArray *files, char **token, ghs_error *err)
{
    char *dir = g_build_filename(ix->path, GHS_JOBS_DIR, NULL);
    char *run_file = jobs_path(ix, RUN_FILE);
    char *list_file = jobs_path(ix, JSONL_FILE);
    GString *list = g_string_new(NULL);
    for (guint i = 0; i < files->len; i++) {
        const char *f = g_ptr_array_index(files, i);
        if (g_str_has_suffix(f, ".jsonl")) {
            char *abs_path = g_canonicalize_filename(f, NULL);
            g_string_append_printf(list, "%s\n", abs_path);
            g_free(abs_path);
        }
    }
    *token = g_uuid_string_random();
    int rc = 0;
    if (g_mkdir_with_parents(dir, 0755) != 0 ||
        !g_file_set_contents(list_file, list->str, (gssize)list->len, NULL) ||
        !g_file_set_contents(run_file, *token, -1, NULL))
        rc = ghs_set_error(err, GHS_EIO, "[index][%s] cannot write the writers' folder %s",
                           ix->path, dir);
    g_string_free(list, TRUE);
    g_free(dir);
    g_free(run_file);
    g_free(list_file);
    return rc;
}

/* Open writer k's database with ix's settings. */
static int open_writer(ghs_index *ix, unsigned k, unsigned n, const char *token,
                       ghs_index **out, ghs_error *err)
{
    char *p = writer_path(ix, k);
    int rc = ghs_index_open(out, p, GHS_OPEN_WRITE, err);
    g_free(p);
    if (rc < 0)
        return rc;
    ghs_index *w = *out;
    w->batch = ix->batch;
    w->shard_k = k;
    w->shard_n = n;
    w->split_writer = 1;
    w->quiet_bad_lines = k > 0;   /* every writer reads every line */
    w->manifest = ix->manifest;   /* read only; ix frees it (and the writer's
                                   * handle lets go of it before closing) */
    if (k == 0) {
        xc_error xe;
        xc_error_clear(&xe);
        xc_wdb_set_metadata(w->wdb, RUN_META, token, strlen(token), &xe);
        if (xe.code != XC_OK)
            return ghs_error_from_xc(err, &xe, "index");
        rc = ghs_index_commit(w, err);
    }
    return rc;
}

int ghs_parallel_index_files(ghs_index *ix, unsigned n, GPtrArray *files,
                             ghs_progress_fn progress, void *user, ghs_index_totals *tot,
                             int *stopped, ghs_error *err)
{
    char *token = NULL;
    int rc = start_run(ix, files, &token, err);
    par_writer *ws = g_new0(par_writer, n);
    par_run run = {
        .n = n, .progress = progress, .user = user, .stop_fn = ix->stop_fn,
        .stop_user = ix->stop_user, .total = files->len, .tot = tot,
        .pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
        .failed_jsonl = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
    };
    g_mutex_init(&run.mu);
    /* Every writer is opened here, before any thread starts: opening
     * sets the environment (ghs_index_open). */
    for (unsigned k = 0; k < n && rc == 0; k++)
        rc = open_writer(ix, k, n, token, &ws[k].ix, err);
    GThread **threads = g_new0(GThread *, n);
    for (unsigned k = 0; k < n && rc == 0; k++) {
        ws[k] = (par_writer){ .run = &run, .k = k, .ix = ws[k].ix, .files = files };
        ghs_index_set_stop(ws[k].ix, writer_should_stop, &ws[k]);
        GError *gerr = NULL;
        threads[k] = g_thread_try_new("ghs-writer", writer_main, &ws[k], &gerr);
        if (!threads[k]) {
            rc = ghs_set_error(err, GHS_EINTERNAL, "[index] cannot start a writer: %s",
                               gerr->message);
            g_error_free(gerr);
            g_mutex_lock(&run.mu);
            run.stop = 1;
            g_mutex_unlock(&run.mu);
        }
    }
    int stop_rc = 0;
    for (unsigned k = 0; k < n; k++) {
        if (threads[k])
            g_thread_join(threads[k]);
        if (ws[k].ix) {
            tot->documents += ws[k].tot.documents;
            tot->pages += ws[k].tot.pages;
            tot->passages += ws[k].tot.passages;
            tot->text_bytes += ws[k].tot.text_bytes;
            tot->records += ws[k].tot.records;
            if (threads[k] && ws[k].rc == GHS_ESTOPPED && !stop_rc) {
                stop_rc = ws[k].rc;
                if (rc == 0 && err)
                    *err = ws[k].err;
            } else if (threads[k] && ws[k].rc < 0 && rc == 0) {
                rc = ws[k].rc;
                if (err)
                    *err = ws[k].err;
            }
            ws[k].ix->manifest = NULL;
            ghs_index_close(ws[k].ix);   /* commits what the writer had pending */
        }
    }
    *stopped = run.stop && !stop_rc && rc == 0;
    /* What every writer committed goes into the index, even after an
     * error or a stop, so that no work is lost; the jobs folder stays
     * for the next run only when merging itself failed. */
    ghs_error merr = {0};
    int mrc = token ? finish_run(ix, n, run.failed_jsonl, &merr) : 0;
    if (mrc < 0 && rc == 0) {
        rc = mrc;
        if (err)
            *err = merr;
    }
    g_free(threads);
    g_free(ws);
    g_free(token);
    g_hash_table_destroy(run.pending);
    g_hash_table_destroy(run.failed_jsonl);
    g_mutex_clear(&run.mu);
    return rc ? rc : stop_rc;
}
