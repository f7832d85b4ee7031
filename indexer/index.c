/*
 * index.c: writing documents into an index (the handle itself is
 * store/index_handle.c).
 *
 * The indexing half of the public API: a source file is extracted (extract.h), merged with manifest
 * metadata, split into passages per page (passages.h), each passage
 * analyzed (analyze.h) and built as one Xapian document laid out as
 * schema.h describes (docbuild.h), and written. All passages of a PDF or
 * release are replaced inside one Xapian transaction, so a reader (or a
 * crash) sees the file either wholly old or wholly new. A JSON Lines file
 * is committed every batch of passages (ghs_index_set_batch) so memory and
 * lost work stay bounded; its path record is written only once the file is
 * whole, so a run cut off in its middle is finished by the next.
 *
 * Two cores work: the analysis of a JSON Lines file or of a document of
 * several pages runs on a worker thread while this one writes
 * (pipeline.h), and the next PDF is extracted in its child process while
 * the current file is written (ghs_index_add_paths).
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "docbuild.h"
#include "docdata.h"
#include "extract.h"
#include "extract_isolated.h"
#include "glossary_doc.h"
#include "pdf_sniff.h"
#include "filestate.h"
#include "lock.h"
#include "index_handle.h"
#include "links.h"
#include "passages.h"
#include "parallel.h"
#include "pipeline.h"
#include "schema.h"
#include "walk.h"
#include "work.h"


unsigned ghs_shard_of(const char *doc_id, unsigned n)
{
    if (n == 0 || !doc_id)
        return 0;
    uint32_t h = 2166136261u;   /* FNV-1a, 32-bit */
    for (const unsigned char *p = (const unsigned char *)doc_id; *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    return h % n;
}

int ghs_index_set_shard(ghs_index *ix, unsigned k, unsigned n, ghs_error *err)
{
    if (!ix->wdb)
        return ghs_set_error(err, GHS_EINVAL, "[index][%s] opened read-only", ix->path);
    if (n == 0 || k >= n)
        return ghs_set_error(err, GHS_EINVAL, "[index] shard %u/%u: need 0 <= K < N", k, n);
    ix->shard_k = k;
    ix->shard_n = n;
    return 0;
}

/* Does document id belong to the shard ix writes? */
static int in_shard(const ghs_index *ix, const char *id)
{
    return ix->shard_n <= 1 || ghs_shard_of(id, ix->shard_n) == ix->shard_k;
}

/* ------------------------------------------------------------ documents */

typedef struct pages_ctx {
    ghs_index *ix;
    ghs_error *err;
    const ghs_page *pages;
    size_t n_pages;
    size_t done;          /* pages written */
    int stoppable;        /* a stop may cancel the document (see write_pages) */
    int stopped;          /* it did */
    int rc;               /* a write error */
} pages_ctx;

/* On the writing thread: one page's documents from the pages pipeline
 * (pages come in order, one call each). */
static int write_page_docs(GPtrArray *docs, void *user)
{
    pages_ctx *c = user;
    size_t written = 0;
    c->rc = ghs_docs_write(docs, c->ix->wdb, &written, c->err);
    c->ix->uncommitted += written;
    if (c->rc < 0)
        return 1;
    ghs_work *w = c->ix->work;
    if (w && c->done < c->n_pages) {
        w->p.pages = c->done + 1;
        w->p.text_bytes += c->pages[c->done].len;
        w->p.passages += written;
    }
    c->done++;
    /* A short document is finished whatever the caller says: the stop is
     * honoured after it, between files. */
    if (ghs_work_tick(c->ix) && c->stoppable && c->done < c->n_pages) {
        c->stopped = 1;
        return 1;
    }
    return 0;
}

/* Build and write the passages of a document page by page (docbuild.h);
 * passages repeated word for word inside the document are written once.
 * A document of several pages is analyzed on a worker thread while this
 * one writes (pipeline.h). When stoppable (the document's transaction
 * holds nothing else: write_file committed ahead of it), the caller's stop
 * is honoured between its pages: GHS_ESTOPPED, for the caller to cancel
 * the transaction. */
static int write_pages(ghs_index *ix, const ghs_doc_info *di, const ghs_page *pages,
                       size_t n_pages, int stoppable, ghs_add_report *rep, ghs_error *err)
{
    ghs_builder *b = NULL;
    size_t written = 0;
    int rc = 0;
    if (n_pages > 1) {
        pages_ctx pc = { .ix = ix, .err = err, .pages = pages, .n_pages = n_pages,
                         .stoppable = stoppable };
        rc = ghs_pages_pipeline(&b, ix->build_an, di, pages, n_pages, write_page_docs, &pc,
                                err);
        if (pc.rc < 0)
            rc = pc.rc;
        else if (pc.stopped)
            rc = ghs_set_error(err, GHS_ESTOPPED, "[%s][%s] stopped at page %zu of %zu; the "
                               "next run indexes it again", di->type, di->id, pc.done,
                               n_pages);
    } else {   /* one page (or none): built here, written by ghs_builder_finish */
        rc = ghs_builder_new(&b, ix->an, di, pages, n_pages, err);
        if (rc == 0 && n_pages == 1)
            rc = ghs_builder_add_page(b, ix->an, &pages[0], err);
    }
    if (rc == 0)
        rc = ghs_builder_finish(b, ix->wdb, &written, err);
    ix->uncommitted += written;
    if (b) {
        rep->pages += ghs_builder_pages(b);
        rep->text_bytes += ghs_builder_text_bytes(b);
        rep->passages += ghs_builder_passages(b);
    }
    ghs_builder_free(b);
    return rc;
}

/* The page labels of pages[0..n) as the document record keeps them
 * (GHS_F_PAGE_LABELS): "" when no page has one. g_free. */
static char *joined_labels(const ghs_page *pages, size_t n)
{
    gboolean any = FALSE;
    for (size_t i = 0; i < n && !any; i++)
        any = pages[i].label != NULL && *pages[i].label != '\0';
    if (!any)
        return g_strdup("");
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            g_string_append_c(s, GHS_LABEL_SEP);
        for (const char *p = pages[i].label ? pages[i].label : ""; *p != '\0'; p++)
            g_string_append_c(s, (unsigned char)*p < 0x20 ? ' ' : *p);
    }
    return g_string_free(s, FALSE);
}

/* Store the per-document record (for incremental runs and `show`);
 * pages[0..n_pages) give the page labels (pages may be NULL). */
static void write_doc_record(ghs_index *ix, const ghs_doc_info *di, const ghs_page *pages,
                             size_t n_pages, const char *abs_path, const char *stamp)
{
    ghs_docdata dd = {0};
    ghs_doc_fields_put(&dd, di);
    ghs_docdata_put_int(&dd, GHS_F_PAGES, (long)n_pages);
    char *labels = pages != NULL && n_pages > 0 ? joined_labels(pages, n_pages) : NULL;
    ghs_docdata_put_str(&dd, GHS_F_PAGE_LABELS, labels);
    g_free(labels);
    ghs_docdata_put_str(&dd, GHS_F_PATH, abs_path);
    ghs_docdata_put_str(&dd, GHS_F_FILESTAMP, stamp);
    char *key = g_strconcat(GHS_META_DOC, di->id, NULL);
    xc_error xe;
    xc_error_clear(&xe);
    xc_wdb_set_metadata(ix->wdb, key, dd.buf, dd.len, &xe);
    g_free(key);
    ghs_docdata_free(&dd);
}

static const char *first_nonempty(const char *a, const char *b)
{
    return (a && *a) ? a : (b && *b) ? b : NULL;
}

/* Language of a document: stated, else detected from its first pages. */
static char *guess_lang(const ghs_page *pages, size_t n)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < n && s->len < 20000; i++)
        g_string_append_len(s, pages[i].text, (gssize)pages[i].len);
    char *r = g_strdup(ghs_detect_lang(s->str, s->len));
    g_string_free(s, TRUE);
    return r;
}

/* ------------------------------------------------------------ files */

void ghs_index_set_stop(ghs_index *ix, int (*should_stop)(void *user), void *user)
{
    if (!ix)
        return;
    ix->stop_fn = should_stop;
    ix->stop_user = user;
}

void ghs_index_set_file_progress(ghs_index *ix, ghs_file_progress_fn fn, void *user)
{
    if (!ix)
        return;
    ix->progress_fn = fn;
    ix->progress_user = user;
}

int ghs_index_set_batch(ghs_index *ix, size_t passages, ghs_error *err)
{
    if (!ix->wdb)
        return ghs_set_error(err, GHS_EINVAL, "[index][%s] opened read-only", ix->path);
    ix->batch = passages > 0 ? passages : ghs_index_default_batch();
    return 0;
}

typedef enum { KIND_NONE, KIND_PDF, KIND_RELEASE, KIND_JSONL } file_kind;

static file_kind kind_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return KIND_NONE;
    if (!g_ascii_strcasecmp(dot, ".pdf"))
        return KIND_PDF;
    if (!g_ascii_strcasecmp(dot, ".html") || !g_ascii_strcasecmp(dot, ".htm") ||
        !g_ascii_strcasecmp(dot, ".txt"))
        return KIND_RELEASE;
    if (!g_ascii_strcasecmp(dot, ".jsonl"))
        return KIND_JSONL;
    return KIND_NONE;
}

/* The doc id of a file: the manifest's, else its base name; when another
 * file at a different path already holds that name, the name plus a short
 * hash of this path, so ids stay stable across runs. */
static char *file_doc_id(ghs_index *ix, const char *base, const char *abs_path,
                         const ghs_meta *meta, xc_error *xe)
{
    if (meta && meta->id)
        return g_strdup(meta->id);
    char *key = g_strconcat(GHS_META_DOC, base, NULL);
    size_t len = 0;
    char *rec = xc_wdb_get_metadata(ix->wdb, key, &len, xe);
    g_free(key);
    if (!rec)
        return NULL;   /* not knowing whether another file holds base: no id */
    char *id = g_strdup(base);
    if (rec && len) {
        char *other = ghs_docdata_dup(rec, len, GHS_F_PATH);
        if (*other && strcmp(other, abs_path) != 0) {
            g_free(id);
            id = g_strdup_printf("%s~%08x", base, g_str_hash(abs_path));
        }
        g_free(other);
    }
    free(rec);
    return id;
}

/* Merge caller metadata, manifest metadata (by base name) into one. */
static ghs_meta merged_meta(ghs_index *ix, const char *base, const ghs_meta *meta)
{
    ghs_meta m = {0};
    const ghs_meta *man = ghs_manifest_find_file(ix->manifest, base);
    const ghs_meta *srcs[2] = { meta, man };
    for (int i = 1; i >= 0; i--) {
        const ghs_meta *s = srcs[i];
        if (!s)
            continue;
        if (s->id) m.id = s->id;
        if (s->title) m.title = s->title;
        if (s->publisher) m.publisher = s->publisher;
        if (s->date) m.date = s->date;
        if (s->lang) m.lang = s->lang;
        if (s->url) m.url = s->url;
        if (s->type) m.type = s->type;
    }
    return m;
}

/* What the JSON Lines worker reads (pipeline.h); nothing it changes. */
typedef struct jsonl_src {
    const ghs_index *ix;   /* only its shard */
    const char *path;
    const char *file_term;
} jsonl_src;

/* What the writing thread keeps while a JSON Lines file is written. */
typedef struct jsonl_ctx {
    ghs_index *ix;
    const char *abs_path;  /* recorded with each record, for pruning */
    const char *path_key;  /* the file's path record (filestate.h) */
    const char *doc_id;    /* the path record's doc id */
    ghs_add_report *rep;
    ghs_error *err;
    ghs_error first_bad;   /* the first bad line, reported to the caller */
    int failed;            /* a write error stops the file */
    int in_transaction;    /* 0 after a failed batch commit */
    size_t floor;          /* passages of the file in the index before this run */
    size_t written;        /* passages of the file written by this run */
    size_t batches;        /* commits made inside the file */
    const char *sha;       /* the file's content hash, for its progress record */
    size_t done_line;      /* the last record written: its line and the */
    uint64_t done_offset;  /* offset past it (0: none yet) */
    int stopped;           /* the caller asked to stop */
    int discard;           /* ... before the file had its old passages back: its
                            * transaction is cancelled, the file left as it was */
    ghs_add_report committed;  /* *rep as of the last batch committed */
} jsonl_ctx;

/* On the worker thread: the builder of one record, NULL for a record of
 * another shard. */
static ghs_builder *build_jsonl_record(const ghs_record *rec, ghs_analyzer *an,
                                       const void *user, int *rc, ghs_error *err)
{
    const jsonl_src *s = user;
    if (!in_shard(s->ix, rec->id))
        return NULL;
    const char *lang = rec->lang && *rec->lang ? rec->lang
                     : ghs_detect_lang(rec->text, rec->text_len);
    ghs_doc_info di = {
        .id = rec->id, .title = first_nonempty(rec->title, rec->id),
        .source = first_nonempty(rec->url, s->path), .lang = lang, .type = "record",
        .publisher = rec->publisher, .date = rec->date, .url = rec->url,
        .file_term = s->file_term, .line = rec->line, .end_offset = rec->end_offset,
    };
    ghs_page page = { .number = 0, .text = (char *)rec->text, .len = rec->text_len };
    ghs_builder *b = NULL;
    *rc = ghs_builder_new(&b, an, &di, &page, 1, err);
    if (*rc == 0)
        *rc = ghs_builder_add_page(b, an, &page, err);
    if (*rc < 0) {
        ghs_builder_free(b);
        return NULL;
    }
    return b;
}

/* Commit inside a JSON Lines file: end the file's transaction, commit,
 * begin the next one. The path record is first made one that matches no
 * file ("in progress": no stamp, no hash), so a run killed before the file
 * is whole indexes it again even if it changes back to the bytes recorded
 * before; pruning still finds the file's passages by it. */
/* The progress record of a JSON Lines file being indexed: "sha256 line
 * offset" of the last record of its last committed batch, under
 * GHS_META_PROGRESS + its absolute path; "" (deleted) once it is whole. */
static int write_progress(ghs_index *ix, const char *abs_path, const char *sha, size_t line,
                          uint64_t offset, ghs_error *err)
{
    char *key = g_strconcat(GHS_META_PROGRESS, abs_path, NULL);
    char *val = sha ? ghs_progress_record_format(sha, line, offset) : g_strdup("");
    xc_error xe;
    xc_error_clear(&xe);
    xc_wdb_set_metadata(ix->wdb, key, val, strlen(val), &xe);
    g_free(key);
    g_free(val);
    return xe.code != XC_OK ? ghs_error_from_xc(err, &xe, "index") : 0;
}

/* Where an interrupted run over the file at abs_path with content hash sha
 * left off: 1 with *line and *offset, 0 when it must start from the top
 * (no record, another content, a damaged record), 0 with *xe set when the
 * record cannot be read (out of memory, a read error): the caller fails,
 * rather than start over and lose the batches already committed. */
static int read_progress(ghs_index *ix, const char *abs_path, const char *sha, size_t *line,
                         uint64_t *offset, xc_error *xe)
{
    if (!sha)
        return 0;
    char *key = g_strconcat(GHS_META_PROGRESS, abs_path, NULL);
    size_t len = 0;
    char *val = xc_wdb_get_metadata(ix->wdb, key, &len, xe);
    g_free(key);
    char stored[65];
    size_t l = 0;
    uint64_t o = 0;
    int found = ghs_progress_record_parse(val, len, stored, &l, &o) && !strcmp(stored, sha);
    free(val);
    if (found) {
        *line = l;
        *offset = o;
    }
    return found;
}

static int commit_batch(jsonl_ctx *c)
{
    xc_error xe;
    xc_error_clear(&xe);
    ghs_index *ix = c->ix;
    if (c->batches == 0) {
        char *val = ghs_path_record_format("", NULL, c->doc_id);
        xc_wdb_set_metadata(ix->wdb, c->path_key, val, strlen(val), &xe);
        g_free(val);
        if (xe.code != XC_OK)
            return ghs_error_from_xc(c->err, &xe, "index");
    }
    /* Where this batch ends, committed with it: a run cut off later
     * resumes after it instead of starting the file over. */
    if (c->sha && c->done_offset > 0) {
        int rc = write_progress(ix, c->abs_path, c->sha, c->done_line, c->done_offset, c->err);
        if (rc < 0)
            return rc;
    }
    if (xc_wdb_commit_transaction(ix->wdb, &xe) < 0) {
        c->in_transaction = 0;
        return ghs_error_from_xc(c->err, &xe, "index");
    }
    c->in_transaction = 0;
    int rc = ghs_index_commit(ix, c->err);
    if (rc < 0)
        return rc;
    c->committed = *c->rep;
    if (xc_wdb_begin_transaction(ix->wdb, 0, &xe) < 0)
        return ghs_error_from_xc(c->err, &xe, "index");
    c->in_transaction = 1;
    c->batches++;
    return 0;
}

/* On the writing thread, in file order: one record's passages. */
static int write_jsonl_record(ghs_builder *b, void *user)
{
    jsonl_ctx *c = user;
    ghs_index *ix = c->ix;
    const ghs_doc_info *di = ghs_builder_info(b);
    /* A record id may move between files: drop its old passages first. */
    char *d = g_strconcat(GHS_PREFIX_DOC, di->id, NULL);
    xc_error xe;
    xc_error_clear(&xe);
    xc_wdb_delete_documents_term(ix->wdb, d, &xe);
    g_free(d);
    size_t written = 0;
    int rc = xe.code != XC_OK ? ghs_error_from_xc(c->err, &xe, "index")
           : ghs_builder_finish(b, ix->wdb, &written, c->err);
    ix->uncommitted += written;
    c->written += written;
    c->rep->records += ghs_builder_pages(b);   /* a record is one "page" of text */
    c->rep->text_bytes += ghs_builder_text_bytes(b);
    c->rep->passages += ghs_builder_passages(b);
    if (rc == 0) {
        write_doc_record(ix, di, NULL, 0, c->abs_path, NULL);
        c->rep->documents++;
        c->done_line = di->line;
        c->done_offset = di->end_offset;
    }
    ghs_builder_free(b);
    if (rc == 0 && ix->work) {
        ghs_file_progress *p = &ix->work->p;
        p->records = c->rep->records;
        p->passages = c->rep->passages;
        p->text_bytes = c->rep->text_bytes;
        p->bytes_read = c->done_offset;
    }
    /* A batch is committed once the file has at least the passages it had
     * before this run, so a reader never sees it shrink while it is
     * indexed again. */
    if (rc == 0 && ix->uncommitted >= ix->batch && c->written >= c->floor) {
        rc = commit_batch(c);
        if (rc == 0 && ix->stop_fn && ix->stop_fn(ix->stop_user)) {
            c->stopped = 1;   /* right after a commit: nothing is lost */
            return 1;
        }
    }
    if (rc == 0 && ghs_work_tick(ix)) {
        /* Stopped inside a batch: what it holds is committed like a whole
         * one (the next run goes on after it), unless the file would then
         * hold fewer passages than before: then it stays as it was. */
        c->stopped = 1;
        if (c->written < c->floor)
            c->discard = 1;
        else
            rc = commit_batch(c);
        if (rc == 0)
            return 1;
    }
    if (rc < 0) {
        c->failed = rc;
        return 1;
    }
    return 0;
}

int ghs_jsonl_no_valid_record(ghs_error *err, const char *path, const char *first_bad)
{
    return ghs_set_error(err, GHS_EFORMAT, "[jsonl][%s] no valid record (%s)", path,
                         first_bad);
}

static int on_jsonl_error(size_t line, const char *message, void *user)
{
    (void)line;
    jsonl_ctx *c = user;
    if (c->ix->quiet_bad_lines)
        return 0;
    if (c->rep->skipped++ == 0)
        ghs_set_error(&c->first_bad, GHS_EFORMAT, "%s", message);
    return 0;
}

/* Make the file term: F + a hex digest of the absolute path (paths can be
 * longer than Xapian's term limit). */
static char *file_term_of(const char *abs_path)
{
    return ghs_file_term(abs_path);   /* pruning (filestate.c) finds files by it too */
}


/* PDFs go through poppler in a child process with limits (extract_isolated.h);
 * releases are parsed in-process by libxml2 with bounded input. Setting
 * GHSEARCH_EXTRACT_TIMEOUT (seconds) changes the PDF deadline. */
static ghs_isolation pdf_limits(void)
{
    ghs_isolation lim = GHS_ISOLATION_DEFAULT;
    const char *t = g_getenv("GHSEARCH_EXTRACT_TIMEOUT");
    if (t && atoi(t) > 0)
        lim.wall_seconds = lim.cpu_seconds = (unsigned)atoi(t);
    return lim;
}

/* A file on its way into the index: what is known before it is read. */
typedef struct file_plan {
    file_kind kind;
    char *path, *abs_path, *base, *stamp, *file_term, *path_key;
    char *sha;               /* SHA-256 of the file, computed when its stamp changed */
    unsigned long long size; /* bytes, when it was planned */
    int existed;             /* it had a (finished) path record */
    int decided;             /* nothing to write: rc, rep and err say why */
    int rc;
    ghs_add_report rep;
    ghs_error err;
    ghs_extract_job *job;    /* PDF extraction started ahead (plan_prefetch) */
} file_plan;

static void plan_clear(file_plan *pl)
{
    ghs_extract_cancel(pl->job);
    g_free(pl->path);
    g_free(pl->abs_path);
    g_free(pl->base);
    g_free(pl->stamp);
    g_free(pl->file_term);
    g_free(pl->path_key);
    g_free(pl->sha);
    memset(pl, 0, sizeof *pl);
}

/* Everything before reading the file: its kind, whether its shard is
 * ours, whether it changed since the last run. Sets pl->decided when
 * there is nothing to write (unchanged, or an error in pl->rc/err). */
static void plan_file(ghs_index *ix, const char *path, const ghs_meta *meta, file_plan *pl)
{
    memset(pl, 0, sizeof *pl);
    pl->path = g_strdup(path);
    ghs_add_report *rep = &pl->rep;
    ghs_error *err = &pl->err;
    rep->status = GHS_ADD_FAILED;
    pl->decided = 1;
    if (!ix->wdb) {
        pl->rc = ghs_set_error(err, GHS_EINVAL, "[index][%s] opened read-only", ix->path);
        return;
    }
    pl->kind = kind_of(path);
    if (pl->kind == KIND_NONE) {
        pl->rc = ghs_set_error(err, GHS_EUNSUPPORTED,
                               "[index][%s] unsupported file type (expected .pdf, .html, .htm, .txt or .jsonl)",
                               path);
        return;
    }
    GStatBuf st;
    if (g_stat(path, &st) != 0) {
        int e = errno;
        pl->rc = ghs_set_error(err, GHS_EIO, "[index][%s] cannot read: %s", path, g_strerror(e));
        return;
    }
    /* Only regular files are read (a symbolic link to one is fine): a FIFO
     * would block open() and a device such as /dev/zero never ends, both in
     * this process, which holds the write lock. The readers check again on
     * the opened descriptor (ghs_open_regular). */
    if (!S_ISREG(st.st_mode)) {
        pl->rc = ghs_set_error(err, GHS_EIO, "[index][%s] not a regular file (%s)", path,
                               ghs_file_type_name(st.st_mode));
        return;
    }
    pl->abs_path = g_canonicalize_filename(path, NULL);
    pl->base = g_path_get_basename(path);
    pl->stamp = g_strdup_printf("%lld:%lld", (long long)st.st_size, (long long)st.st_mtime);
    pl->size = (unsigned long long)st.st_size;
    pl->file_term = file_term_of(pl->abs_path);
    pl->path_key = g_strconcat(GHS_META_PATH, pl->abs_path, NULL);
    xc_error xe;
    xc_error_clear(&xe);

    /* A file of another shard is not even read (JSON Lines records are
     * sorted out one by one). */
    if (pl->kind != KIND_JSONL && ix->shard_n > 1) {
        ghs_meta m = merged_meta(ix, pl->base, meta);
        if (!in_shard(ix, m.id ? m.id : pl->base)) {
            rep->status = GHS_ADD_UNCHANGED;
            return;
        }
    }

    /* Unchanged since the last run? Same size and mtime, else same bytes
     * (a file touched or copied over with identical content); the path
     * record (filestate.h) holds both. */
    size_t plen = 0;
    char *prev = xc_wdb_get_metadata(ix->wdb, pl->path_key, &plen, &xe);
    if (xe.code != XC_OK) {
        /* Not knowing what the last run recorded (out of memory, a read
         * error) fails the file: taken for new, it would be reported as
         * added and a JSON Lines file would start over from its top. */
        pl->rc = ghs_error_from_xc(err, &xe, "index");
        return;
    }
    pl->existed = prev && plen > 0;
    ghs_path_record pr;
    ghs_path_record_parse(prev, plen, &pr);
    free(prev);
    /* A JSON Lines file whose indexing was cut off between two of its
     * batches has a record without stamp (commit_batch): finishing it
     * counts as adding it. */
    if (pl->existed && pr.stamp && !*pr.stamp)
        pl->existed = 0;
    if (pl->existed && pr.stamp && !strcmp(pr.stamp, pl->stamp)) {
        rep->status = GHS_ADD_UNCHANGED;
        ghs_path_record_clear(&pr);
        return;
    }
    pl->sha = ghs_file_sha256(path, err);
    if (!pl->sha) {
        pl->rc = err->code;
        ghs_path_record_clear(&pr);
        return;
    }
    if (pl->existed && pr.sha256 && !strcmp(pr.sha256, pl->sha)) {
        /* Remember the new stamp so the next run need not hash again. */
        char *val = ghs_path_record_format(pl->stamp, pl->sha, pr.doc_id);
        xc_wdb_set_metadata(ix->wdb, pl->path_key, val, strlen(val), &xe);
        g_free(val);
        rep->status = GHS_ADD_UNCHANGED;
        ghs_path_record_clear(&pr);
        return;
    }
    ghs_path_record_clear(&pr);
    pl->decided = 0;
}

/* Start extracting a planned PDF in its child process now, so poppler
 * works on the other core while the file before it is written. */
static void plan_prefetch(file_plan *pl)
{
    if (pl->decided || pl->kind != KIND_PDF || pl->job)
        return;
    if (ghs_pdf_sniff(pl->path, NULL) < 0)
        return;   /* write_file reports it */
    ghs_isolation lim = pdf_limits();
    pl->job = ghs_extract_start(ghs_extract_pdf, pl->path, "pdf", &lim);
}

/* While a PDF's extraction child works: report, and ask the caller's
 * stop (work.h). */
static int extraction_wait(void *user)
{
    return ghs_work_tick(user);
}

/* Read (or collect the prefetched extraction of) a planned file and write
 * it in one transaction (a JSON Lines file: in batches). */
static int write_file_body(ghs_index *ix, file_plan *pl, const ghs_meta *meta,
                           ghs_add_report *rep, ghs_error *err)
{
    const char *path = pl->path, *abs_path = pl->abs_path, *base = pl->base;
    const char *file_term = pl->file_term, *stamp = pl->stamp;
    file_kind kind = pl->kind;
    xc_error xe;
    xc_error_clear(&xe);
    int rc = 0;
    int stoppable = 0;   /* a stop between the pages of this document cancels it */

    /* Read the file before the transaction begins: a file that cannot be
     * read must cancel nothing, because cancelling an unflushed transaction
     * would also drop the files added before it since the last commit. */
    ghs_extracted ex = {0};
    if (kind == KIND_PDF) {
        if (!pl->job && (rc = ghs_pdf_sniff(path, err)) == 0) {   /* no child for a non-PDF */
            ghs_isolation lim = pdf_limits();
            pl->job = ghs_extract_start(ghs_extract_pdf, path, "pdf", &lim);
        }
        if (pl->job) {   /* started here or ahead (plan_prefetch) */
            rc = ghs_extract_finish(pl->job, &ex, err, extraction_wait, ix);
            pl->job = NULL;
        }
        if (rc < 0)
            return rc;
    } else if (kind == KIND_RELEASE) {
        rc = ghs_extract_release(path, &ex, err);
        if (rc < 0)
            return rc;
    } else if (g_access(path, R_OK) != 0) {
        int e = errno;
        return ghs_set_error(err, GHS_EIO, "[jsonl][%s] cannot read: %s", path, g_strerror(e));
    }
    size_t text = 0;
    for (size_t i = 0; i < ex.n_pages; i++)
        text += ex.pages[i].len;
    if (kind == KIND_JSONL || text >= GHS_LONG_DOC_BYTES) {
        /* The files finished before a long file are committed first, so
         * that a run cut off or stopped inside it keeps them, and a stop
         * can cancel the file's transaction alone. */
        rc = ghs_index_commit(ix, err);
        if (rc < 0) {
            ghs_extracted_clear(&ex);
            return rc;
        }
        stoppable = kind != KIND_JSONL;
    }
    ghs_work_set_phase(ix, GHS_WORK_WRITING, ex.n_pages);
    if (xc_wdb_begin_transaction(ix->wdb, 0, &xe) < 0) {
        ghs_extracted_clear(&ex);
        return ghs_error_from_xc(err, &xe, "index");
    }
    char *doc_id = NULL;
    int file_failed = 0;   /* nothing usable in the file, but nothing to undo */
    int in_transaction = 1;
    int jsonl_discarded = 0;   /* a JSON Lines file stopped and left as it was */
    ghs_add_report jsonl_committed = {0};   /* its batches committed before an error */
    if (kind == KIND_JSONL) {
        doc_id = g_strdup(base);
        /* Read and analyzed on a worker thread while this one writes,
         * committed every ix->batch passages (pipeline.h). */
        jsonl_src src = { .ix = ix, .path = path, .file_term = file_term };
        jsonl_ctx c = { .ix = ix, .abs_path = abs_path, .path_key = pl->path_key,
                        .doc_id = doc_id, .rep = rep, .err = err, .in_transaction = 1,
                        .sha = pl->sha };
        /* A run cut off inside this file (same content) committed batches
         * up to a record: keep them and go on after it. */
        size_t resume_line = 0;
        uint64_t resume_offset = 0;
        if (read_progress(ix, abs_path, pl->sha, &resume_line, &resume_offset, &xe)) {
            c.done_line = resume_line;
            c.done_offset = resume_offset;
            c.batches = 1;   /* the path record of an unfinished file is there */
        } else if (xe.code == XC_OK) {
            c.floor = xc_wdb_termfreq(ix->wdb, file_term, &xe);
            xc_wdb_delete_documents_term(ix->wdb, file_term, &xe);
        }
        if (xe.code == XC_OK)
            rc = ghs_jsonl_pipeline(path, resume_offset, resume_line + 1, ix->build_an,
                                    build_jsonl_record, &src, write_jsonl_record,
                                    on_jsonl_error, &c, err);
        else
            rc = ghs_error_from_xc(err, &xe, "index");
        in_transaction = c.in_transaction;
        jsonl_discarded = c.discard;
        jsonl_committed = c.committed;
        if (c.failed)
            rc = c.failed;
        else if (c.stopped && c.discard)
            rc = ghs_set_error(err, GHS_ESTOPPED,
                               "[jsonl][%s] stopped at line %zu, before the file had its old "
                               "passages back; it is left as it was for the next run", base,
                               c.done_line);
        else if (c.stopped)
            rc = ghs_set_error(err, GHS_ESTOPPED,
                               "[jsonl][%s] stopped after line %zu; the next run goes on from "
                               "there", base, c.done_line);
        else if (rc > 0)
            rc = 0;
        if (rc == 0 && rep->skipped && err)
            *err = c.first_bad;
        /* A parallel writer sees only its shard's records: whether any
         * line was good is decided over all of them (parallel.c). */
        if (rc == 0 && rep->documents == 0 && rep->skipped && !ix->split_writer)
            file_failed = ghs_jsonl_no_valid_record(err, path, c.first_bad.message);
    } else {
        xc_wdb_delete_documents_term(ix->wdb, file_term, &xe);
        ghs_meta m = merged_meta(ix, base, meta);
        xc_error ie;
        xc_error_clear(&ie);
        doc_id = file_doc_id(ix, base, abs_path, &m, &ie);
        if (!doc_id)
            rc = ghs_error_from_xc(err, &ie, "index");
        char *lang = m.lang ? g_strdup(m.lang)
                   : ex.lang ? g_strdup(ex.lang) : guess_lang(ex.pages, ex.n_pages);
        char *title_fallback = g_strdup(base);
        ghs_doc_info di = {
            .id = doc_id,
            .title = first_nonempty(m.title, first_nonempty(ex.title, title_fallback)),
            .source = first_nonempty(m.url, first_nonempty(ex.url, abs_path)),
            .lang = lang,
            .type = m.type && !strcmp(m.type, "pdf") ? "pdf"
                  : kind == KIND_PDF ? "pdf" : "release",
            .publisher = first_nonempty(m.publisher, ex.publisher),
            .date = first_nonempty(m.date, ex.date),
            .url = first_nonempty(m.url, ex.url),
            .file_term = file_term,
        };
        if (rc == 0) {
            char *d = g_strconcat(GHS_PREFIX_DOC, doc_id, NULL);
            xc_wdb_delete_documents_term(ix->wdb, d, &xe);
            g_free(d);
            rc = write_pages(ix, &di, ex.pages, ex.n_pages, stoppable, rep, err);
        }
        if (rc == 0 && rep->passages == 0) {
            /* Text made only of symbols or private-use glyphs. */
            file_failed = ghs_set_error(err, GHS_ENOTEXT, "[%s][%s] no searchable text",
                                        kind == KIND_PDF ? "pdf" : "release", base);
        } else if (rc == 0) {
            write_doc_record(ix, &di, kind == KIND_PDF ? ex.pages : NULL, ex.n_pages, abs_path,
                             stamp);
            rep->documents = 1;
        }
        g_free(lang);
        g_free(title_fallback);
        ghs_extracted_clear(&ex);
    }
    if (rc == 0) {
        if (!file_failed) {
            char *val = ghs_path_record_format(stamp, pl->sha, doc_id);
            xc_wdb_set_metadata(ix->wdb, pl->path_key, val, strlen(val), &xe);
            g_free(val);
        }
        int wrc = xe.code != XC_OK ? ghs_error_from_xc(err, &xe, "index")
                : kind == KIND_JSONL ? write_progress(ix, abs_path, NULL, 0, 0, err)  /* whole */
                : 0;
        xc_error_clear(&xe);
        if (wrc < 0) {
            rc = wrc;
            xc_wdb_cancel_transaction(ix->wdb, &xe);
            rep->passages = 0;
            rep->documents = 0;
        } else if (xc_wdb_commit_transaction(ix->wdb, &xe) < 0)
            rc = ghs_error_from_xc(err, &xe, "index");
        else if (file_failed)
            rc = file_failed;   /* status stays GHS_ADD_FAILED; nothing was undone */
        else
            rep->status = pl->existed ? GHS_ADD_UPDATED : GHS_ADD_ADDED;
    } else {
        /* Only a write error gets here (the file was read before the
         * transaction); the caller stops the run on it. */
        xc_error xe2;
        xc_error_clear(&xe2);
        if (in_transaction)
            xc_wdb_cancel_transaction(ix->wdb, &xe2);
        /* A JSON Lines file stopped keeps its committed batches; nothing
         * else that ends here was written. */
        if (kind == KIND_JSONL && !jsonl_discarded && rc != GHS_ESTOPPED) {
            /* A write error: its batches committed before it are kept
             * (and the next run goes on after them). */
            rep->passages = jsonl_committed.passages;
            rep->documents = jsonl_committed.documents;
            rep->records = jsonl_committed.records;
            rep->pages = 0;
            rep->text_bytes = jsonl_committed.text_bytes;
        } else if (rc != GHS_ESTOPPED || kind != KIND_JSONL || jsonl_discarded) {
            rep->passages = 0;
            rep->documents = 0;
            rep->records = 0;
            rep->pages = 0;
            rep->text_bytes = 0;
        }
    }
    g_free(doc_id);
    if (rc == 0 && ix->uncommitted >= ix->batch)
        rc = ghs_index_commit(ix, err);
    return rc;
}

static int write_file(ghs_index *ix, file_plan *pl, const ghs_meta *meta,
                      ghs_add_report *rep, ghs_error *err)
{
    ghs_work w;
    ghs_work_begin(ix, &w, pl->path, pl->size,
                   pl->kind == KIND_PDF ? GHS_WORK_EXTRACTING : GHS_WORK_WRITING);
    int rc = write_file_body(ix, pl, meta, rep, err);
    ghs_work_end(ix);
    return rc;
}

/* Add the planned file pl: report in *rep, error in *err (may be NULL). */
static int add_planned(ghs_index *ix, file_plan *pl, const ghs_meta *meta,
                       ghs_add_report *rep, ghs_error *err)
{
    if (pl->decided) {
        *rep = pl->rep;
        if (pl->rc < 0 && err)
            *err = pl->err;
        return pl->rc;
    }
    memset(rep, 0, sizeof *rep);
    rep->status = GHS_ADD_FAILED;
    return write_file(ix, pl, meta, rep, err);
}

int ghs_index_add_file(ghs_index *ix, const char *path, const ghs_meta *meta,
                       ghs_add_report *report, ghs_error *err)
{
    ghs_add_report local;
    file_plan pl;
    plan_file(ix, path, meta, &pl);
    int rc = add_planned(ix, &pl, meta, report ? report : &local, err);
    plan_clear(&pl);
    return rc;
}

int ghs_index_add_text(ghs_index *ix, const ghs_meta *meta, const char *text,
                       size_t len, ghs_add_report *report, ghs_error *err)
{
    ghs_add_report local;
    ghs_add_report *rep = report ? report : &local;
    memset(rep, 0, sizeof *rep);
    rep->status = GHS_ADD_FAILED;
    if (!ix->wdb)
        return ghs_set_error(err, GHS_EINVAL, "[index][%s] opened read-only", ix->path);
    if (!meta || !meta->id || !*meta->id)
        return ghs_set_error(err, GHS_EINVAL, "[index] a text needs an id");
    if (!g_utf8_validate(text, (gssize)len, NULL))
        return ghs_set_error(err, GHS_EFORMAT, "[index][%s] text is not valid UTF-8", meta->id);
    if (!in_shard(ix, meta->id)) {
        rep->status = GHS_ADD_UNCHANGED;
        return 0;
    }
    char *file_term = g_strconcat(GHS_PREFIX_FILE, "text:", meta->id, NULL);
    if (strlen(file_term) > 200) {
        g_free(file_term);
        char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA1, meta->id, -1);
        file_term = g_strconcat(GHS_PREFIX_FILE, "text:", sum, NULL);
        g_free(sum);
    }
    char *lang = meta->lang ? g_strdup(meta->lang) : g_strdup(ghs_detect_lang(text, len));
    ghs_doc_info di = {
        .id = meta->id, .title = first_nonempty(meta->title, meta->id),
        .source = first_nonempty(meta->url, meta->id), .lang = lang,
        .type = meta->type ? meta->type : "record", .publisher = meta->publisher,
        .date = meta->date, .url = meta->url, .file_term = file_term,
    };
    xc_error xe;
    xc_error_clear(&xe);
    int rc = 0;
    if (xc_wdb_begin_transaction(ix->wdb, 0, &xe) < 0) {
        rc = ghs_error_from_xc(err, &xe, "index");
    } else {
        char *d = g_strconcat(GHS_PREFIX_DOC, meta->id, NULL);
        xc_wdb_delete_documents_term(ix->wdb, d, &xe);
        g_free(d);
        ghs_page page = { .number = 0, .text = (char *)text, .len = len };
        rc = write_pages(ix, &di, &page, 1, 0, rep, err);
        if (rc == 0) {
            write_doc_record(ix, &di, NULL, 0, NULL, NULL);
            rep->documents = 1;
            if (xc_wdb_commit_transaction(ix->wdb, &xe) < 0)
                rc = ghs_error_from_xc(err, &xe, "index");
            else
                rep->status = GHS_ADD_ADDED;
        } else {
            xc_wdb_cancel_transaction(ix->wdb, &xe);
        }
    }
    g_free(lang);
    g_free(file_term);
    return rc;
}

/* ------------------------------------------------------------ walking */

/* Compact the index after a run that wrote at least a quarter of its
 * passages (a first run, or one that added much): the index a user finds
 * is then its compacted size, with no step of their own. */
static int compact_if_grown(ghs_index *ix, const ghs_index_totals *tot, ghs_error *err)
{
    if (tot->passages == 0)
        return 0;
    xc_error xe;
    xc_error_clear(&xe);
    uint32_t docs = xc_wdb_doccount(ix->wdb, &xe);
    if (xe.code != XC_OK)
        return ghs_error_from_xc(err, &xe, "index");
    if ((uint64_t)tot->passages * 4 < docs)
        return 0;
    const char *self = ix->path;
    return ghs_index_replace(ix, &self, 1, err);
}

void ghs_index_set_jobs(ghs_index *ix, unsigned n)
{
    ix->jobs = n;
}

static int is_indexable(const char *path)
{
    return kind_of(path) != KIND_NONE;
}

int ghs_index_add_paths(ghs_index *ix, const char *const *paths, size_t n_paths,
                        ghs_progress_fn progress, void *user,
                        ghs_index_totals *totals, ghs_error *err)
{
    ghs_index_totals local;
    ghs_index_totals *tot = totals ? totals : &local;
    memset(tot, 0, sizeof *tot);
    if (!ix->wdb)
        return ghs_set_error(err, GHS_EINVAL, "[index][%s] opened read-only", ix->path);
    for (size_t i = 0; i < n_paths; i++)
        if (!g_file_test(paths[i], G_FILE_TEST_EXISTS))
            return ghs_set_error(err, GHS_EIO, "[index][%s] no such file or directory",
                                 paths[i]);
    int compacted = 0;
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; i < n_paths; i++) {
        if (g_file_test(paths[i], G_FILE_TEST_IS_DIR))
            ghs_walk_files(paths[i], is_indexable, files);
        else   /* named by the user: a type we do not read is reported, not ignored */
            g_ptr_array_add(files, g_strdup(paths[i]));
    }
    tot->files_seen = files->len;
    int stopped = 0;
    /* A parallel run killed before its end left its writers' work. */
    int rc = ghs_parallel_recover(ix, err);
    if (rc == 0) {
        unsigned jobs = ghs_parallel_jobs(ix, files);
        rc = jobs > 1 ? ghs_parallel_index_files(ix, jobs, files, progress, user, tot, &stopped,
                                                 err)
                      : ghs_index_files(ix, files, progress, user, tot, &stopped, err);
        if (jobs > 1)
            compacted = 1;
    }
    /* Follow the links of the releases among the files (links.h). */
    if (rc == 0 && !stopped)
        rc = ghs_links_follow(ix, (const char *const *)files->pdata, files->len, progress,
                              user, tot, err);
    g_ptr_array_free(files, TRUE);
    int crc = ghs_index_commit(ix, rc ? NULL : err);
    if (rc == 0 && crc == 0 && !compacted)
        crc = compact_if_grown(ix, tot, err);
    if ((rc || crc) && err && err->reason == GHS_REASON_DISK_FULL) {
        /* Said as what it means for the user's index and what to do. */
        int full = ghs_disk_full_errno(err->message);
        /* After several writers, what they committed is in their own
         * databases until the next run merges it: the index itself may
         * still look empty. */
        ghs_fail(err, GHS_EDB, GHS_REASON_DISK_FULL, "[index][%s] the disk holding the index "
                 "is full (%s): what was committed before is kept%s; free space and run the "
                 "same command again to go on", ix->path, g_strerror(full ? full : ENOSPC),
                 compacted ? " (by the writers, merged into the index by the next run)"
                           : "");
    }
    return rc ? rc : crc;
}

int ghs_index_files(ghs_index *ix, GPtrArray *files, ghs_progress_fn progress, void *user,
                    ghs_index_totals *tot, int *stopped, ghs_error *err)
{
    int rc = 0;
    /* File i + 1 is planned, and a PDF's extraction started in its child
     * process, before file i is written. */
    file_plan cur, next;
    int have_next = 0;
    for (guint i = 0; i < files->len; i++) {
        const char *f = g_ptr_array_index(files, i);
        if (have_next)
            cur = next;
        else
            plan_file(ix, f, NULL, &cur);
        have_next = 0;
        if (i + 1 < files->len) {
            plan_file(ix, g_ptr_array_index(files, i + 1), NULL, &next);
            if (next.abs_path && cur.abs_path && !strcmp(next.abs_path, cur.abs_path)) {
                plan_clear(&next);   /* the same file again (./x.pdf x.pdf): judged
                                      * once this one is written */
            } else {
                plan_prefetch(&next);
                have_next = 1;
            }
        }
        ghs_add_report rep;
        ghs_error ferr = {0};
        ix->work_files_done = i;
        ix->work_files_total = files->len;
        int frc = add_planned(ix, &cur, NULL, &rep, &ferr);
        plan_clear(&cur);
        /* A database error (not a file's fault), or the caller's stop,
         * ends the run, the file neither done nor failed. */
        int ends = frc == GHS_EDB || frc == GHS_ELOCKED || frc == GHS_ENOMEM ||
                   frc == GHS_ESTOPPED;
        switch (ends ? -1 : (int)rep.status) {
        case GHS_ADD_ADDED: tot->files_added++; break;
        case GHS_ADD_UPDATED: tot->files_updated++; break;
        case GHS_ADD_UNCHANGED: tot->files_unchanged++; break;
        case GHS_ADD_FAILED: tot->files_failed++; break;
        default: break;   /* stopped inside: neither done nor failed */
        }
        if (rep.status != GHS_ADD_FAILED || ends) {   /* a failed file wrote nothing */
            tot->documents += rep.documents;
            tot->pages += rep.pages;
            tot->records += rep.records;
            tot->passages += rep.passages;
            tot->text_bytes += rep.text_bytes;
        }
        if (ends) {
            if (err)
                *err = ferr;
            rc = frc;
            break;
        }
        if (progress) {
            ghs_file_event ev = {
                .path = f, .report = &rep,
                .error = (frc < 0 || rep.skipped) ? &ferr : NULL,
                .files_done = i + 1, .files_total = files->len,
            };
            if (progress(&ev, user)) {
                *stopped = 1;
                break;
            }
        }
        if (i + 1 < files->len && ghs_work_tick(ix)) {   /* the caller's stop, between files */
            *stopped = 1;
            break;
        }
    }
    if (have_next)
        plan_clear(&next);
    return rc;
}

