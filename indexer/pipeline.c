/*
 * pipeline.c: the JSON Lines and pages pipelines (contract in pipeline.h):
 * one worker thread reads and builds, a bounded queue hands its results
 * over, the calling thread writes.
 */
#include "pipeline.h"

#include <glib.h>

#include "index_handle.h"

typedef enum { JOB_DOC, JOB_DOCS, JOB_BAD, JOB_END } job_kind;

typedef struct job {
    job_kind kind;
    ghs_builder *b;     /* JOB_DOC */
    GPtrArray *docs;    /* JOB_DOCS: xc_doc * */
    size_t line;        /* JOB_BAD */
    char *message;      /* JOB_BAD */
} job;

typedef struct pipeline_state {
    /* set before the worker starts, then read-only */
    const char *path;
    uint64_t offset;            /* the JSON Lines pipeline: where to start */
    size_t first_line;
    ghs_analyzer *an;
    ghs_pipe_build_fn build;
    const void *build_user;
    const ghs_doc_info *di;     /* the pages pipeline */
    const ghs_page *pages;
    size_t n_pages;
    ghs_builder *builder;       /* its builder, handed over after the join */
    /* the queue, under mu */
    GMutex mu;
    GCond not_empty, not_full;
    GQueue q;
    int stop;           /* the writer gave up: the worker ends, pushing nothing */
    /* the worker's outcome, read by the caller after the join */
    int rc;
    ghs_error err;
} pipeline_state;

static void job_free(job *j);

/* Push j, waiting while the queue is full; frees j and returns 1 when the
 * writer has stopped. */
static int push(pipeline_state *p, job *j)
{
    g_mutex_lock(&p->mu);
    while (!p->stop && j->kind != JOB_END && p->q.length >= GHS_PIPE_DEPTH)
        g_cond_wait(&p->not_full, &p->mu);
    int stopped = p->stop;
    if (!stopped || j->kind == JOB_END) {
        g_queue_push_tail(&p->q, j);
        g_cond_signal(&p->not_empty);
        j = NULL;
    }
    g_mutex_unlock(&p->mu);
    if (j)
        job_free(j);
    return stopped;
}

static job *pop(pipeline_state *p)
{
    g_mutex_lock(&p->mu);
    while (p->q.length == 0)
        g_cond_wait(&p->not_empty, &p->mu);
    job *j = g_queue_pop_head(&p->q);
    g_cond_signal(&p->not_full);
    g_mutex_unlock(&p->mu);
    return j;
}

static void job_free(job *j)
{
    if (!j)
        return;
    ghs_builder_free(j->b);
    if (j->docs)
        ghs_docs_free(j->docs);
    g_free(j->message);
    g_free(j);
}

static int on_record(const ghs_record *rec, void *user)
{
    pipeline_state *p = user;
    int rc = 0;
    ghs_builder *b = p->build(rec, p->an, p->build_user, &rc, &p->err);
    if (rc < 0) {
        ghs_builder_free(b);
        p->rc = rc;
        return 1;
    }
    if (!b)
        return 0;
    job *j = g_new0(job, 1);
    j->kind = JOB_DOC;
    j->b = b;
    return push(p, j);
}

static int on_error(size_t line, const char *message, void *user)
{
    job *j = g_new0(job, 1);
    j->kind = JOB_BAD;
    j->line = line;
    j->message = g_strdup(message);
    return push(user, j);
}

static void push_end(pipeline_state *p);

static gpointer worker(gpointer user)
{
    pipeline_state *p = user;
    ghs_error err = {0};
    int rc = ghs_jsonl_read_from(p->path, p->offset, p->first_line, on_record, on_error, p,
                                 &err);
    if (rc < 0 && p->rc == 0) {
        p->rc = rc;
        p->err = err;
    }
    push_end(p);
    return NULL;
}

static void push_end(pipeline_state *p)
{
    job *end = g_new0(job, 1);
    end->kind = JOB_END;
    push(p, end);
}

/* Start worker on p, hand every job to write / on_bad on this thread
 * until the worker's end, join it. Returns the writer's stop value, or
 * p->rc (copied with p->err into err when negative). */
static int run(pipeline_state *p, GThreadFunc fn, ghs_pipe_write_fn write,
               ghs_pipe_docs_fn write_docs, ghs_record_error_fn on_bad, void *write_user,
               ghs_error *err)
{
    g_mutex_init(&p->mu);
    g_cond_init(&p->not_empty);
    g_cond_init(&p->not_full);
    g_queue_init(&p->q);
    GError *gerr = NULL;
    GThread *th = g_thread_try_new("ghs-build", fn, p, &gerr);
    if (!th) {
        /* Out of resources, like memory: GHS_ENOMEM stops the run (a
         * cancelled transaction loses the files since the last commit,
         * which the next run then redoes). */
        int rc = ghs_set_error(err, GHS_ENOMEM, "[index] cannot start a thread: %s",
                               gerr->message);
        g_error_free(gerr);
        g_mutex_clear(&p->mu);
        g_cond_clear(&p->not_empty);
        g_cond_clear(&p->not_full);
        return rc;
    }
    int stopped = 0;
    for (;;) {
        job *j = pop(p);
        if (j->kind == JOB_END) {
            job_free(j);
            break;
        }
        if (!stopped && j->kind == JOB_DOC) {
            ghs_builder *b = j->b;
            j->b = NULL;
            stopped = write(b, write_user);
        } else if (!stopped && j->kind == JOB_DOCS) {
            GPtrArray *docs = j->docs;
            j->docs = NULL;
            stopped = write_docs(docs, write_user);
        } else if (!stopped && j->kind == JOB_BAD && on_bad) {
            stopped = on_bad(j->line, j->message, write_user);
        }
        job_free(j);
        if (stopped) {
            g_mutex_lock(&p->mu);
            p->stop = 1;
            g_cond_signal(&p->not_full);
            g_mutex_unlock(&p->mu);
        }
    }
    g_thread_join(th);
    g_mutex_clear(&p->mu);
    g_cond_clear(&p->not_empty);
    g_cond_clear(&p->not_full);
    if (stopped)
        return stopped;
    if (p->rc < 0 && err)
        *err = p->err;
    return p->rc;
}

int ghs_jsonl_pipeline(const char *path, uint64_t offset, size_t first_line, ghs_analyzer *an,
                       ghs_pipe_build_fn build, const void *build_user,
                       ghs_pipe_write_fn write, ghs_record_error_fn on_bad,
                       void *write_user, ghs_error *err)
{
    pipeline_state p = { .path = path, .offset = offset, .first_line = first_line, .an = an,
                         .build = build, .build_user = build_user };
    return run(&p, worker, write, NULL, on_bad, write_user, err);
}

static gpointer pages_worker(gpointer user)
{
    pipeline_state *p = user;
    ghs_builder *b = NULL;
    int rc = ghs_builder_new(&b, p->an, p->di, p->pages, p->n_pages, &p->err);
    for (size_t i = 0; rc == 0 && i < p->n_pages; i++) {
        rc = ghs_builder_add_page(b, p->an, &p->pages[i], &p->err);
        if (rc < 0)
            break;
        job *j = g_new0(job, 1);
        j->kind = JOB_DOCS;
        j->docs = ghs_builder_take_docs(b);
        if (push(p, j))
            break;
    }
    p->rc = rc;
    p->builder = b;
    push_end(p);
    return NULL;
}

int ghs_pages_pipeline(ghs_builder **out, ghs_analyzer *an, const ghs_doc_info *di,
                       const ghs_page *pages, size_t n_pages, ghs_pipe_docs_fn write_docs,
                       void *write_user, ghs_error *err)
{
    pipeline_state p = { .an = an, .di = di, .pages = pages, .n_pages = n_pages };
    int rc = run(&p, pages_worker, NULL, write_docs, NULL, write_user, err);
    *out = p.builder;
    return rc;
}
