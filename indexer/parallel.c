/*
 * parallel.c: ghs_index_add_paths with one Xapian writer per core, merged
 * by compaction (see parallel.h for the design).
 */
#include "parallel.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "error.h"
#include "filestate.h"
#include "merge.h"
#include "schema.h"
#include "work.h"

/* The run whose writers' databases are under GHS_JOBS_DIR: a random token
 * in the file RUN_FILE there, also written into every writer's database,
 * so the merged index carries it until the jobs folder is gone
 * (finish_run). A next run that finds the jobs folder and the index
 * carrying its token knows the merge is in and must not be done twice. The
 * folder is taken away by renaming it (GHS_JOBS_DONE, then removed), so it
 * is there whole or not at all. */
#define GHS_JOBS_DONE ".ghsearch-jobs-done"
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
    if (!has_jsonl && n > files->len)
        n = files->len;   /* a writer with no file would only cost its merge */
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

/* What the writers said of a file while they worked on it (MSG_WORK). */
typedef struct par_work {
    gint64 first_seen;        /* monotonic µs: the oldest file in work is reported */
    ghs_file_progress *w;     /* [n]: each writer's last report (zeroed: none yet) */
    unsigned char *done;      /* [n]: the writer has reported the file done */
    int fresh;                /* a report came since the last event */
} par_work;

static void par_work_free(gpointer p)
{
    par_work *pw = p;
    g_free(pw->w);
    g_free(pw->done);
    g_free(pw);
}

typedef struct par_run {
    unsigned n;
    ghs_progress_fn progress;
    void *user;
    ghs_file_progress_fn file_progress;  /* the caller's (ghs_index_set_file_progress) */
    void *file_progress_user;
    GHashTable *work;         /* path -> par_work, while writers work on it */
    gint64 work_reported;     /* monotonic µs: the last file progress event */
    GHashTable *pending;      /* path -> par_file, until every writer reported it */
    GHashTable *failed_jsonl; /* absolute paths of JSON Lines files that failed */
    size_t done, total;
    volatile int *stop;       /* shared with the writers' processes */
    ghs_index_totals *tot;
} par_run;

static void merge_report(par_file *pf, const ghs_add_report *r, const ghs_error *error)
{
    pf->seen++;
    pf->rep.documents += r->documents;
    pf->rep.pages += r->pages;
    pf->rep.passages += r->passages;
    pf->rep.text_bytes += r->text_bytes;
    pf->rep.records += r->records;
    pf->rep.skipped += r->skipped;
    if (r->status == GHS_ADD_FAILED) {
        if (!pf->failed && error)
            pf->fail_err = *error;
        pf->failed = 1;
    } else if (r->status == GHS_ADD_ADDED || r->status == GHS_ADD_UPDATED) {
        pf->changed = 1;
        pf->changed_status = r->status;
    }
    if (r->status != GHS_ADD_FAILED && r->skipped && error && !pf->has_bad) {
        pf->bad_err = *error;
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
    g_hash_table_remove(run->work, path);
    if (run->progress) {
        ghs_file_event ev = {
            .path = path, .report = &rep, .error = error,
            .files_done = run->done, .files_total = run->total,
        };
        if (run->progress(&ev, run->user))
            *run->stop = 1;
    }
}

/* A writer's report of a file: the last writer to report a file sends the
 * file's one event. */
static void add_report(par_run *run, unsigned k, const char *path, const ghs_add_report *r,
                       const ghs_error *error)
{
    par_work *pw = g_hash_table_lookup(run->work, path);
    if (pw)
        pw->done[k] = 1;
    par_file *pf = g_hash_table_lookup(run->pending, path);
    if (!pf) {
        pf = g_new0(par_file, 1);
        g_hash_table_insert(run->pending, g_strdup(path), pf);
    }
    merge_report(pf, r, error);
    if (pf->seen == run->n) {
        emit(run, path, pf);
        g_hash_table_remove(run->pending, path);
    }
}

/* Writer k's report of its work inside the file at path (MSG_WORK). */
static void add_work(par_run *run, unsigned k, const char *path, const ghs_file_progress *p)
{
    par_work *pw = g_hash_table_lookup(run->work, path);
    if (!pw) {
        pw = g_new0(par_work, 1);
        pw->first_seen = g_get_monotonic_time();
        pw->w = g_new0(ghs_file_progress, run->n);
        pw->done = g_new0(unsigned char, run->n);
        g_hash_table_insert(run->work, g_strdup(path), pw);
    }
    pw->w[k] = *p;
    pw->w[k].path = NULL;
    pw->fresh = 1;
}

/* The caller's file progress, at most every GHS_WORK_EVERY_US, for the file
 * in work the longest: the writers' counts added up. Every writer reads
 * every line of a JSON Lines file (keeping its shard's records), so the
 * file is read as far as the writer furthest behind has read it. */
static void report_work(par_run *run)
{
    gint64 now = g_get_monotonic_time();
    if (!run->file_progress || now - run->work_reported < GHS_WORK_EVERY_US)
        return;
    GHashTableIter it;
    gpointer key, val;
    const char *path = NULL;
    par_work *oldest = NULL;
    int fresh = 0;
    g_hash_table_iter_init(&it, run->work);
    while (g_hash_table_iter_next(&it, &key, &val)) {
        par_work *pw = val;
        fresh |= pw->fresh;
        if (!oldest || pw->first_seen < oldest->first_seen) {
            oldest = pw;
            path = key;
        }
    }
    if (!oldest || !fresh)
        return;
    ghs_file_progress p = { .path = path, .phase = GHS_WORK_EXTRACTING,
                            .files_done = run->done, .files_total = run->total };
    int jsonl = g_str_has_suffix(path, ".jsonl");
    unsigned long long least = G_MAXUINT64;
    for (unsigned k = 0; k < run->n; k++) {
        const ghs_file_progress *w = &oldest->w[k];
        if (w->phase == GHS_WORK_WRITING)
            p.phase = GHS_WORK_WRITING;
        p.pages += w->pages;
        p.pages_total += w->pages_total;
        p.records += w->records;
        p.passages += w->passages;
        p.text_bytes += w->text_bytes;
        if (w->bytes_total > p.bytes_total)
            p.bytes_total = w->bytes_total;
        if (w->seconds > p.seconds)
            p.seconds = w->seconds;
        unsigned long long read = oldest->done[k] ? G_MAXUINT64 : w->bytes_read;
        if (read < least)
            least = read;
    }
    if (jsonl)
        p.bytes_read = least == G_MAXUINT64 ? p.bytes_total : least;
    ghs_work_estimate(&p);
    run->work_reported = now;
    g_hash_table_iter_init(&it, run->work);
    while (g_hash_table_iter_next(&it, NULL, &val))
        ((par_work *)val)->fresh = 0;
    run->file_progress(&p, run->file_progress_user);
}

/* ------------------------------------------- the writers' processes */

/* Each writer is a process of its own, forked before any thread of this
 * run starts: a writer forks a child for every PDF it extracts, which is
 * safe only from a process whose other threads hold no lock (GLib's type
 * system, ICU), as a single writer's is when it forks. A writer sends
 * this process one message a file and one at its end, over a pipe. */
enum { MSG_FILE = 1, MSG_END = 2, MSG_WORK = 3 };

typedef struct msg_head {
    uint32_t type;
    int32_t status;       /* MSG_FILE: ghs_add_status; MSG_END: the run's code;
                           * MSG_WORK: ghs_work_phase */
    int32_t stopped;      /* MSG_END: progress asked to stop */
    int32_t has_error;    /* a ghs_error follows */
    uint64_t n[7];        /* MSG_FILE, MSG_END: documents, pages, passages,
                           * text_bytes, skipped, records; MSG_WORK: pages,
                           * pages_total, records, passages, text_bytes,
                           * bytes_read, bytes_total */
    double seconds;       /* MSG_WORK: in the phase */
    uint32_t path_len;    /* the path's bytes follow (after the error) */
} msg_head;

static int write_all(int fd, const void *p, size_t len)
{
    const char *c = p;
    while (len > 0) {
        ssize_t w = write(fd, c, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        len -= (size_t)w;
    }
    return 0;
}

static int read_all(int fd, void *p, size_t len)
{
    char *c = p;
    while (len > 0) {
        ssize_t r = read(fd, c, len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        c += r;
        len -= (size_t)r;
    }
    return 0;
}

static int send_head(int fd, msg_head *h, const ghs_error *error, const char *path)
{
    h->has_error = error != NULL;
    h->path_len = path ? (uint32_t)strlen(path) : 0;
    GByteArray *b = g_byte_array_new();
    g_byte_array_append(b, (const guint8 *)h, sizeof *h);
    if (error)
        g_byte_array_append(b, (const guint8 *)error, sizeof *error);
    if (path)
        g_byte_array_append(b, (const guint8 *)path, h->path_len);
    int rc = write_all(fd, b->data, b->len);
    g_byte_array_free(b, TRUE);
    return rc;
}

static int send_msg(int fd, uint32_t type, int status, int stopped, const ghs_add_report *r,
                    const ghs_error *error, const char *path)
{
    msg_head h = { .type = type, .status = status, .stopped = stopped };
    if (r) {
        h.n[0] = r->documents;
        h.n[1] = r->pages;
        h.n[2] = r->passages;
        h.n[3] = r->text_bytes;
        h.n[4] = r->skipped;
        h.n[5] = r->records;
    }
    return send_head(fd, &h, error, path);
}

/* What a writer's process keeps. */
typedef struct writer_ctx {
    int fd;
    volatile int *stop;
} writer_ctx;

static int writer_on_file(const ghs_file_event *ev, void *user)
{
    writer_ctx *w = user;
    if (send_msg(w->fd, MSG_FILE, (int)ev->report->status, 0, ev->report, ev->error,
                 ev->path) < 0)
        return 1;   /* the coordinator is gone: stop */
    return *w->stop;
}

static int writer_should_stop(void *user)
{
    writer_ctx *w = user;
    return *w->stop;
}

/* Progress inside a file, for the coordinator to add up (report_work). */
static void writer_on_work(const ghs_file_progress *p, void *user)
{
    writer_ctx *w = user;
    msg_head h;
    memset(&h, 0, sizeof h);   /* its padding too: the whole struct goes down the pipe */
    h.type = MSG_WORK;
    h.status = (int32_t)p->phase;
    h.seconds = p->seconds;
    uint64_t n[7] = { p->pages, p->pages_total, p->records, p->passages, p->text_bytes,
                      p->bytes_read, p->bytes_total };
    memcpy(h.n, n, sizeof n);
    send_head(w->fd, &h, NULL, p->path);   /* the coordinator gone: writer_on_file stops */
}

static int open_writer(ghs_index *ix, unsigned k, unsigned n, const char *token,
                       ghs_index **out, ghs_error *err);

/* The body of writer k's process: open its database, index files into
 * it and say how it went. Never returns; never touches ix's own handles
 * (the coordinator's, copied by the fork). */
static G_NORETURN void writer_main(ghs_index *ix, unsigned k, unsigned n, const char *token,
                                   GPtrArray *files, int fd, volatile int *stop)
{
    writer_ctx w = { .fd = fd, .stop = stop };
    ghs_index_totals tot = {0};
    ghs_error err = {0};
    int stopped = 0;
    ghs_index *wix = NULL;
    int rc = open_writer(ix, k, n, token, &wix, &err);
    if (rc == 0) {
        ghs_index_set_stop(wix, writer_should_stop, &w);
        if (ix->progress_fn)
            ghs_index_set_file_progress(wix, writer_on_work, &w);
        rc = ghs_index_files(wix, files, writer_on_file, &w, &tot, &stopped, &err);
    }
    if (wix) {
        wix->manifest = NULL;   /* the coordinator's copy */
        ghs_index_close(wix);   /* commits what is pending */
    }
    ghs_add_report sum = { .documents = tot.documents, .pages = tot.pages,
                           .passages = tot.passages, .text_bytes = tot.text_bytes,
                           .records = tot.records };
    send_msg(fd, MSG_END, rc, stopped, &sum, rc < 0 ? &err : NULL, NULL);
    _exit(0);   /* nothing of the coordinator's (its stdio, its index) is flushed here */
}

/* One message from writer k: 1 when it was its last, 0 for another, -1
 * when the pipe ended first (the writer died). */
static int read_msg(int fd, unsigned k, par_run *run, ghs_index_totals *wtot, int *wrc,
                    ghs_error *werr)
{
    msg_head h;
    if (read_all(fd, &h, sizeof h) < 0)
        return -1;
    ghs_error e = {0};
    if (h.has_error && read_all(fd, &e, sizeof e) < 0)
        return -1;
    e.message[sizeof e.message - 1] = '\0';
    char *path = g_malloc(h.path_len + 1);
    if (read_all(fd, path, h.path_len) < 0) {
        g_free(path);
        return -1;
    }
    path[h.path_len] = '\0';
    int last = h.type == MSG_END;
    if (last) {
        wtot->documents += h.n[0];
        wtot->pages += h.n[1];
        wtot->passages += h.n[2];
        wtot->text_bytes += h.n[3];
        wtot->records += h.n[5];
        *wrc = h.status;
        if (h.has_error)
            *werr = e;
    } else if (h.type == MSG_WORK) {
        ghs_file_progress p = { .phase = (ghs_work_phase)h.status, .pages = h.n[0],
                                .pages_total = h.n[1], .records = h.n[2], .passages = h.n[3],
                                .text_bytes = h.n[4], .bytes_read = h.n[5],
                                .bytes_total = h.n[6], .seconds = h.seconds };
        add_work(run, k, path, &p);
    } else {
        ghs_add_report r = { .status = (ghs_add_status)h.status, .documents = h.n[0],
                             .pages = h.n[1], .passages = h.n[2], .text_bytes = h.n[3],
                             .skipped = h.n[4], .records = h.n[5] };
        add_report(run, k, path, &r, h.has_error ? &e : NULL);
    }
    g_free(path);
    return last;
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
    if (xe.code != XC_OK)
        return ghs_error_from_xc(err, &xe, "index");
    return ghs_index_commit(ix, err);
}

/* The run is over: its folder goes (renamed first, so that it is never
 * seen half removed), then the token it left in the index. */
static int end_run(ghs_index *ix, ghs_error *err)
{
    char *dir = g_build_filename(ix->path, GHS_JOBS_DIR, NULL);
    char *done = g_build_filename(ix->path, GHS_JOBS_DONE, NULL);
    int rc = 0;
    ghs_remove_tree(done);
    if (g_file_test(dir, G_FILE_TEST_EXISTS) && g_rename(dir, done) != 0)
        rc = ghs_set_error(err, GHS_EIO, "[index][%s] cannot remove the writers' folder %s: %s",
                           ix->path, dir, g_strerror(errno));
    ghs_remove_tree(done);
    if (rc == 0) {
        xc_error xe;
        xc_error_clear(&xe);
        xc_wdb_set_metadata(ix->wdb, RUN_META, "", 0, &xe);
        rc = xe.code != XC_OK ? ghs_error_from_xc(err, &xe, "index") : ghs_index_commit(ix, err);
    }
    g_free(dir);
    g_free(done);
    return rc;
}

/* The progress record of abs_path in db (filestate.h), its offset in
 * *offset; NULL when there is none. */
static char *progress_of(xc_db *db, const char *abs_path, uint64_t *offset)
{
    char *key = g_strconcat(GHS_META_PROGRESS, abs_path, NULL);
    size_t len = 0;
    xc_error xe;
    xc_error_clear(&xe);
    char *val = xc_db_get_metadata(db, key, &len, &xe);
    g_free(key);
    char sha[65];
    size_t line = 0;
    char *out = ghs_progress_record_parse(val, len, sha, &line, offset)
              ? ghs_progress_record_format(sha, line, *offset) : NULL;
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
    uint64_t best_off = 0;
    for (unsigned k = 0; k < n; k++) {
        if (dbs[k] && jsonl_whole(dbs[k], abs_path))
            continue;
        uint64_t off = 0;
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
    /* No token: the run ended before any writer started. */
    if (token && !merged) {
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
    if (rc == 0 && token)
        rc = fix_jsonl_records(ix, unfinished, failed, err);
    if (rc == 0)
        rc = end_run(ix, err);
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
    char *done = g_build_filename(ix->path, GHS_JOBS_DONE, NULL);
    ghs_remove_tree(done);   /* a run ended, killed while removing its folder */
    int rc = 0;
    if (g_file_test(dir, G_FILE_TEST_IS_DIR))
        rc = finish_run(ix, count_writers(ix), NULL, err);
    g_free(dir);
    g_free(done);
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
    /* Every writer's database carries the run's token from its first
     * commit, so a merge of any of them carries it too. */
    xc_error xe;
    xc_error_clear(&xe);
    xc_wdb_set_metadata(w->wdb, RUN_META, token, strlen(token), &xe);
    if (xe.code != XC_OK)
        return ghs_error_from_xc(err, &xe, "index");
    return ghs_index_commit(w, err);
}

int ghs_parallel_index_files(ghs_index *ix, unsigned n, GPtrArray *files,
                             ghs_progress_fn progress, void *user, ghs_index_totals *tot,
                             int *stopped, ghs_error *err)
{
    char *token = NULL;
    int rc = start_run(ix, files, &token, err);
    /* One flag all processes see: the caller's stop, for every writer. */
    volatile int *stop = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
                              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (stop == MAP_FAILED) {
        stop = NULL;
        if (rc == 0)
            rc = ghs_set_error(err, GHS_EINTERNAL, "[index] cannot share memory with the "
                               "writers: %s", g_strerror(errno));
    } else {
        *stop = 0;
    }
    par_run run = {
        .n = n, .progress = progress, .user = user, .total = files->len, .tot = tot,
        .stop = stop,
        .file_progress = ix->progress_fn, .file_progress_user = ix->progress_user,
        .work = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, par_work_free),
        .pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
        .failed_jsonl = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
    };
    pid_t *pids = g_new0(pid_t, n);
    int *fds = g_new(int, n);
    for (unsigned k = 0; k < n; k++)
        fds[k] = -1;
    fflush(NULL);
    for (unsigned k = 0; k < n && rc == 0; k++) {
        int pfd[2];
        if (pipe(pfd) != 0) {
            rc = ghs_set_error(err, GHS_EINTERNAL, "[index] cannot start a writer: %s",
                               g_strerror(errno));
            break;
        }
        pid_t coordinator = getpid();
        pid_t pid = fork();
        if (pid == 0) {
            /* A writer dies with the run: killed or not, no writer goes on
             * alone (the next run merges what the writers committed). */
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != coordinator)
                _exit(1);
            /* Nothing of the coordinator's open files: above all not the
             * index's locks (ours and Xapian's), which must go when the
             * coordinator goes, not when the last writer has exited. */
            int out = pfd[1];
            if (out > 3)
                close_range(3, (unsigned)out - 1, 0);
            close_range((unsigned)out + 1, ~0U, 0);
            writer_main(ix, k, n, token, files, pfd[1], stop);
        }
        close(pfd[1]);
        if (pid < 0) {
            close(pfd[0]);
            rc = ghs_set_error(err, GHS_EINTERNAL, "[index] cannot start a writer: %s",
                               g_strerror(errno));
            break;
        }
        pids[k] = pid;
        fds[k] = pfd[0];
    }
    if (rc < 0 && stop)
        *stop = 1;

    /* Gather the writers' reports, and ask the caller's stop meanwhile. */
    ghs_index_totals wtot = {0};
    int first_rc = 0, stop_rc = 0;
    ghs_error first_err = {0}, stop_err = {0};
    unsigned open_fds = 0;
    for (unsigned k = 0; k < n; k++)
        open_fds += fds[k] >= 0;
    struct pollfd *pfds = g_new0(struct pollfd, n);
    while (open_fds > 0) {
        for (unsigned k = 0; k < n; k++)
            pfds[k] = (struct pollfd){ .fd = fds[k], .events = POLLIN };
        int r = poll(pfds, n, 100);
        if (stop && !*stop && ix->stop_fn && ix->stop_fn(ix->stop_user))
            *stop = 1;
        report_work(&run);
        if (r <= 0)
            continue;
        for (unsigned k = 0; k < n; k++) {
            if (fds[k] < 0 || !(pfds[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            int wrc = 0;
            ghs_error werr = {0};
            int m = read_msg(fds[k], k, &run, &wtot, &wrc, &werr);
            if (m == 0)
                continue;
            if (m < 0) {
                wrc = ghs_set_error(&werr, GHS_EINTERNAL, "[index] writer %u of %u ended "
                                    "before its work", k + 1, n);
            }
            close(fds[k]);
            fds[k] = -1;
            open_fds--;
            if (wrc == GHS_ESTOPPED && !stop_rc) {
                stop_rc = wrc;
                stop_err = werr;
            } else if (wrc < 0 && !first_rc) {
                first_rc = wrc;
                first_err = werr;
                *stop = 1;   /* the other writers stop too */
            }
        }
    }
    g_free(pfds);
    for (unsigned k = 0; k < n; k++) {
        if (pids[k] > 0) {
            int status = 0;
            while (waitpid(pids[k], &status, 0) < 0 && errno == EINTR)
                ;
        }
    }
    tot->documents += wtot.documents;
    tot->pages += wtot.pages;
    tot->passages += wtot.passages;
    tot->text_bytes += wtot.text_bytes;
    tot->records += wtot.records;
    if (rc == 0 && first_rc) {
        rc = first_rc;
        if (err)
            *err = first_err;
    } else if (rc == 0 && stop_rc && err) {
        *err = stop_err;
    }
    *stopped = stop && *stop && !stop_rc && rc == 0;
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
    if (stop)
        munmap((void *)stop, sizeof(int));
    g_free(pids);
    g_free(fds);
    g_free(token);
    g_hash_table_destroy(run.pending);
    g_hash_table_destroy(run.work);
    g_hash_table_destroy(run.failed_jsonl);
    return rc ? rc : stop_rc;
}
