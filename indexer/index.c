/*
 * index.c: opening an index and writing documents into it.
 *
 * Owns the ghs_index handle's life cycle and the indexing half of the
 * public API: a source file is extracted (extract.h), merged with manifest
 * metadata, split into passages per page (passages.h), each passage
 * analyzed (analyze.h) and written as one Xapian document laid out as
 * schema.h describes. All passages of one file are replaced inside one
 * Xapian transaction, so a reader (or a crash) sees a file either wholly
 * old or wholly new, never half-written.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "docdata.h"
#include "extract.h"
#include "extract_isolated.h"
#include "glossary_store.h"
#include "failure.h"
#include "filestate.h"
#include "lock.h"
#include "index_internal.h"
#include "links.h"
#include "passages.h"
#include "schema.h"
#include "walk.h"

/* Commit after this many passages so a long run keeps memory bounded and
 * an interrupted run loses at most one batch. */
#define GHS_COMMIT_EVERY 20000

#define GHS_PREFIX_FILE "F"   /* hash of the source file's absolute path */

/* ------------------------------------------------------------ open/close */

/* Is path a database directory whose writer has not committed its first
 * revision: Xapian's files or lock there, but no revision file? */
static int being_created(const char *path)
{
    char *rev = g_build_filename(path, "iamglass", NULL);
    char *lock = g_build_filename(path, "flintlock", NULL);
    char *post = g_build_filename(path, "postlist.glass", NULL);
    int r = g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(rev, G_FILE_TEST_EXISTS) &&
            (g_file_test(lock, G_FILE_TEST_EXISTS) || g_file_test(post, G_FILE_TEST_EXISTS));
    g_free(rev);
    g_free(lock);
    g_free(post);
    return r;
}

int ghs_index_open(ghs_index **out, const char *path, int mode, ghs_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return ghs_set_error(err, GHS_EINVAL, "[index] no index path given");
    ghs_index *ix = g_new0(ghs_index, 1);
    ix->path = g_strdup(path);
    ix->writable = mode == GHS_OPEN_WRITE;
    xc_error xe;
    xc_error_clear(&xe);
    if (ix->writable) {
        if (g_mkdir_with_parents(path, 0755) != 0) {
            int e = errno;
            ghs_set_error(err, GHS_EIO, "[index][%s] cannot create: %s", path, g_strerror(e));
            ghs_index_close(ix);
            return GHS_EIO;
        }
        /* A writer killed while creating the database can leave its files
         * without the revision file that makes them a database; nothing was
         * committed there, so start afresh rather than refuse to open. */
        char *rev = g_build_filename(path, "iamglass", NULL);
        int fresh = !g_file_test(rev, G_FILE_TEST_EXISTS);
        g_free(rev);
        ix->wdb = xc_wdb_open(path, fresh ? XC_DB_CREATE_OR_OVERWRITE : XC_DB_CREATE_OR_OPEN,
                              &xe);
        if (ix->wdb && fresh)
            xc_wdb_commit(ix->wdb, &xe);   /* the revision file exists from now on */
        if (!ix->wdb) {
            long holder = xe.code == XC_ERR_LOCKED ? ghs_lock_holder(path) : 0;
            int rc = xe.code != XC_ERR_LOCKED ? ghs_error_from_xc(err, &xe, "index")
                : holder > 0
                ? ghs_set_error(err, GHS_ELOCKED,
                                "[index][%s] locked by PID %ld: another ghsearch is writing to it",
                                path, holder)
                : ghs_set_error(err, GHS_ELOCKED,
                                "[index][%s] locked: another ghsearch is writing to it (%s)",
                                path, xe.message);
            ghs_index_close(ix);
            return rc;
        }
        ghs_lock_note(path);
        xc_wdb_set_metadata(ix->wdb, GHS_META_SCHEMA, GHS_SCHEMA_VERSION,
                            strlen(GHS_SCHEMA_VERSION), &xe);
    } else {
        ix->db = xc_db_open(path, &xe);
        if (!ix->db && being_created(path)) {
            /* A writer is creating it (or was killed while creating it):
             * nothing is committed yet, so it reads as an empty index. */
            xc_error_clear(&xe);
            ix->db = xc_db_open_empty(&xe);
        }
        if (!ix->db) {
            int rc = ghs_set_error(err, GHS_EDB, "[index][%s] cannot open: %s", path,
                                   xe.message);
            ghs_index_close(ix);
            return rc;
        }
    }
    ix->an = ghs_analyzer_new(err);
    if (!ix->an) {
        ghs_index_close(ix);
        return err ? err->code : GHS_EINTERNAL;
    }
    *out = ix;
    return 0;
}

void ghs_index_close(ghs_index *ix)
{
    if (!ix)
        return;
    if (ix->db)
        xc_db_close(ix->db);
    if (ix->wdb) {
        xc_wdb_close(ix->wdb);   /* commits what is pending */
        ghs_lock_forget(ix->path);
    }
    ghs_analyzer_free(ix->an);
    ghs_manifest_free(ix->manifest);
    g_free(ix->cache_dir);
    g_free(ix->path);
    g_free(ix);
}

xc_db *ghs_index_reader(ghs_index *ix, ghs_error *err)
{
    if (!ix->db) {
        xc_error xe;
        xc_error_clear(&xe);
        ix->db = xc_db_open(ix->path, &xe);
        if (!ix->db)
            ghs_set_error(err, GHS_EDB, "[index][%s] cannot open: %s", ix->path, xe.message);
    }
    return ix->db;
}

int ghs_index_reopen(ghs_index *ix, ghs_error *err)
{
    if (!ix->db)
        return ghs_index_reader(ix, err) ? 0 : GHS_EDB;
    xc_error xe;
    xc_error_clear(&xe);
    if (xc_db_reopen(ix->db, &xe) < 0)
        return ghs_error_from_xc(err, &xe, "index");
    return 0;
}

int ghs_index_commit(ghs_index *ix, ghs_error *err)
{
    if (!ix->wdb)
        return ghs_set_error(err, GHS_EINVAL, "[index][%s] opened read-only", ix->path);
    xc_error xe;
    xc_error_clear(&xe);
    if (xc_wdb_commit(ix->wdb, &xe) < 0)
        return ghs_error_from_xc(err, &xe, "commit");
    ix->uncommitted = 0;
    if (ix->db)
        xc_db_reopen(ix->db, &xe);
    return 0;
}

int ghs_index_set_manifest(ghs_index *ix, const char *manifest_path, ghs_error *err)
{
    ghs_manifest *m = NULL;
    int rc = ghs_manifest_load(manifest_path, &m, err);
    if (rc < 0)
        return rc;
    ghs_manifest_free(ix->manifest);
    ix->manifest = m;
    return 0;
}

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

/* Everything known about the source document being written. */
typedef struct doc_info {
    const char *id, *title, *source, *lang, *type, *publisher, *date, *url;
    const char *file_term;   /* "F..." term shared by every passage of the file */
} doc_info;

static char *year_of(const char *date)
{
    if (!date)
        return NULL;
    for (const char *p = date; *p; p++)
        if (g_ascii_isdigit(p[0]) && g_ascii_isdigit(p[1]) && g_ascii_isdigit(p[2]) &&
            g_ascii_isdigit(p[3]) && (p == date || !g_ascii_isdigit(p[-1])) &&
            !g_ascii_isdigit(p[4]))
            return g_strndup(p, 4);
    return NULL;
}

/* Add a boolean term made of prefix + each analyzed word of text. */
static int add_field_words(ghs_index *ix, xc_doc *doc, const char *prefix,
                           const char *text, ghs_error *err)
{
    if (!text || !*text)
        return 0;
    ghs_tokens toks;
    ghs_tokens_init(&toks);
    int rc = ghs_analyze(ix->an, text, strlen(text), 0, &toks, err);
    for (size_t i = 0; rc == 0 && i < toks.n; i++) {
        char *t = g_strconcat(prefix, toks.v[i].term, NULL);
        xc_doc_add_boolean_term(doc, t, NULL);
        g_free(t);
    }
    ghs_tokens_free(&toks);
    return rc;
}

/* Append field to the GHS_SLOT_FACETS value, control characters (and so
 * the separator) as spaces. */
static void facet_field(GString *v, const char *field, int first)
{
    if (!first)
        g_string_append_c(v, GHS_FACET_SEP);
    for (const char *p = field ? field : ""; *p; p++)
        g_string_append_c(v, (unsigned char)*p < 0x20 ? ' ' : *p);
}

static GString *facet_value(const doc_info *di)
{
    GString *v = g_string_new(NULL);
    char *year = year_of(di->date);
    facet_field(v, di->id, 1);
    facet_field(v, di->lang, 0);
    facet_field(v, year, 0);
    facet_field(v, di->type, 0);
    facet_field(v, di->publisher, 0);
    g_free(year);
    return v;
}

/* Feed the English words of a passage to the spelling table: Latin
 * letters only (no digits: "covid19" is no word to suggest), 3 letters or
 * more, not stopwords; once per distinct word with its count. */
static void add_spellings(ghs_index *ix, const ghs_tokens *toks, xc_error *xe)
{
    GHashTable *counts = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; i < toks->n; i++) {
        const ghs_token *t = &toks->v[i];
        if (t->script != GHS_SCRIPT_LATIN || t->is_stop || strlen(t->term) < 3)
            continue;
        const char *p = t->term;
        while (*p >= 'a' && *p <= 'z')
            p++;
        if (*p)
            continue;
        gpointer n = g_hash_table_lookup(counts, t->term);
        g_hash_table_insert(counts, t->term, GUINT_TO_POINTER(GPOINTER_TO_UINT(n) + 1));
    }
    GHashTableIter it;
    gpointer k, n;
    g_hash_table_iter_init(&it, counts);
    while (xe->code == XC_OK && g_hash_table_iter_next(&it, &k, &n))
        xc_wdb_add_spelling(ix->wdb, k, GPOINTER_TO_UINT(n), xe);
    g_hash_table_destroy(counts);
}

static void add_gram_term(const char *gram, void *user)
{
    xc_doc *doc = ((void **)user)[0];
    const char *prefix = ((void **)user)[1];
    char t[24];
    snprintf(t, sizeof t, "%s%s", prefix, gram);
    xc_doc_add_term(doc, t, 1, NULL);
}

/* CJK character bigrams and characters (no positions) across adjacent words: the fallback
 * that finds a query word inside a word segmented differently here. The
 * searcher weighs them below whole words. */
static void add_grams(xc_doc *doc, const ghs_tokens *toks)
{
    void *bi[2] = { doc, (void *)GHS_PREFIX_BIGRAM };
    void *uni[2] = { doc, (void *)GHS_PREFIX_UNIGRAM };
    ghs_cjk_grams(toks, 2, add_gram_term, bi);
    ghs_cjk_grams(toks, 1, add_gram_term, uni);
}

static void add_title_gram(const char *gram, void *user)
{
    xc_doc *doc = ((void **)user)[0];
    const char *prefix = ((void **)user)[1];
    char t[32];
    snprintf(t, sizeof t, GHS_PREFIX_TITLE_TEXT "%s%s", prefix, gram);
    xc_doc_add_term(doc, t, 1, NULL);
}

/* The document's title words, stems and CJK grams in every passage under
 * GHS_PREFIX_TITLE_TEXT (no positions). The searcher's loose tier searches
 * each word in text and title as one term, so a question naming a
 * document's subject finds its passages even when they do not repeat it
 * (JSQuAD MRR@10 0.919 -> 0.93, bench/eval.sh), while "every word" in the
 * strict tier and phrases still mean the passage's own text. */
static void add_title_words(ghs_index *ix, xc_doc *doc, const char *title)
{
    if (!title || !*title)
        return;
    ghs_tokens toks;
    ghs_tokens_init(&toks);
    if (ghs_analyze(ix->an, title, strlen(title), 0, &toks, NULL) == 0) {
        for (size_t i = 0; i < toks.n; i++) {
            const ghs_token *t = &toks.v[i];
            if (t->is_stop)
                continue;
            char *k = t->stem
                ? g_strconcat(GHS_PREFIX_TITLE_TEXT GHS_PREFIX_STEM, t->stem, NULL)
                : g_strconcat(GHS_PREFIX_TITLE_TEXT, t->term, NULL);
            xc_doc_add_term(doc, k, 1, NULL);
            g_free(k);
        }
        void *bi[2] = { doc, (void *)GHS_PREFIX_BIGRAM };
        void *uni[2] = { doc, (void *)GHS_PREFIX_UNIGRAM };
        ghs_cjk_grams(&toks, 2, add_title_gram, bi);
        ghs_cjk_grams(&toks, 1, add_title_gram, uni);
    }
    ghs_tokens_free(&toks);
}

/* The document's metadata, stored with each passage and in its record. */
static void put_doc_fields(ghs_docdata *dd, const doc_info *di)
{
    ghs_docdata_put_str(dd, GHS_F_DOC, di->id);
    ghs_docdata_put_str(dd, GHS_F_TITLE, di->title);
    ghs_docdata_put_str(dd, GHS_F_SOURCE, di->source);
    ghs_docdata_put_str(dd, GHS_F_LANG, di->lang);
    ghs_docdata_put_str(dd, GHS_F_TYPE, di->type);
    ghs_docdata_put_str(dd, GHS_F_PUBLISHER, di->publisher);
    ghs_docdata_put_str(dd, GHS_F_DATE, di->date);
    ghs_docdata_put_str(dd, GHS_F_URL, di->url);
}

/* Build and write the Xapian document of one passage. */
static int write_passage(ghs_index *ix, const doc_info *di, int page, int seq,
                         const char *text, size_t len, uint32_t offset,
                         char ***gloss_terms, ghs_error *err)
{
    ghs_tokens toks;
    ghs_tokens_init(&toks);
    int rc = ghs_analyze(ix->an, text, len, 0, &toks, err);
    if (rc < 0) {
        ghs_tokens_free(&toks);
        return rc;
    }
    if (toks.n == 0) {
        ghs_tokens_free(&toks);
        return 0;
    }
    xc_doc *doc = xc_doc_new();
    if (!doc) {
        ghs_tokens_free(&toks);
        return ghs_set_error(err, GHS_ENOMEM, "[index] out of memory");
    }
    xc_error xe;
    xc_error_clear(&xe);
    for (size_t i = 0; i < toks.n; i++) {
        const ghs_token *t = &toks.v[i];
        xc_doc_add_posting(doc, t->term, t->pos, 1, &xe);
        if (t->stem && !t->is_stop) {
            char *z = g_strconcat(GHS_PREFIX_STEM, t->stem, NULL);
            xc_doc_add_term(doc, z, 1, &xe);
            g_free(z);
        }
    }
    /* Pieces of katakana compounds at their compound's position: ウイルス
     * finds コロナウイルス as a word (analyze.h). */
    for (size_t i = 0; i < toks.n_parts; i++)
        if (!toks.parts[i].is_stop)
            xc_doc_add_posting(doc, toks.parts[i].term, toks.parts[i].pos, 1, &xe);
    add_spellings(ix, &toks, &xe);
    add_grams(doc, &toks);
    ghs_tokens_free(&toks);
    add_title_words(ix, doc, di->title);

    char *q = g_strdup_printf(GHS_PREFIX_PASSAGE "%s#%d#%d", di->id, page, seq);
    char *d = g_strconcat(GHS_PREFIX_DOC, di->id, NULL);
    xc_doc_add_boolean_term(doc, q, &xe);
    xc_doc_add_boolean_term(doc, d, &xe);
    xc_doc_add_boolean_term(doc, di->file_term, &xe);
    /* The document's glossary keys go on its first passage written
     * (glossary_store.h); *gloss_terms is cleared once they are on one. */
    for (char **g = gloss_terms && *gloss_terms ? *gloss_terms : NULL; g && *g; g++)
        xc_doc_add_boolean_term(doc, *g, &xe);
    if (di->lang) {
        char *l = g_strconcat(GHS_PREFIX_LANG, di->lang, NULL);
        xc_doc_add_boolean_term(doc, l, &xe);
        g_free(l);
    }
    char *ty = g_strconcat(GHS_PREFIX_TYPE, di->type, NULL);
    xc_doc_add_boolean_term(doc, ty, &xe);
    g_free(ty);
    char *year = year_of(di->date);
    if (year) {
        char *y = g_strconcat(GHS_PREFIX_YEAR, year, NULL);
        xc_doc_add_boolean_term(doc, y, &xe);
        g_free(y);
        g_free(year);
    }
    add_field_words(ix, doc, GHS_PREFIX_PUBLISHER, di->publisher, NULL);
    add_field_words(ix, doc, GHS_PREFIX_TITLE, di->title, NULL);

    xc_doc_set_value(doc, GHS_SLOT_DOC, di->id, strlen(di->id), &xe);
    char pagebuf[16];
    int pn = snprintf(pagebuf, sizeof pagebuf, "%d", page);
    xc_doc_set_value(doc, GHS_SLOT_PAGE, pagebuf, (size_t)pn, &xe);
    GString *facets = facet_value(di);
    xc_doc_set_value(doc, GHS_SLOT_FACETS, facets->str, facets->len, &xe);
    g_string_free(facets, TRUE);

    ghs_docdata dd = {0};
    ghs_docdata_put(&dd, GHS_F_PASSAGE, text, len);
    put_doc_fields(&dd, di);
    ghs_docdata_put_int(&dd, GHS_F_PAGE, page);
    ghs_docdata_put_int(&dd, GHS_F_OFFSET, (long)offset);
    xc_doc_set_data(doc, dd.buf, dd.len, &xe);
    ghs_docdata_free(&dd);

    /* The file's old passages were deleted before its first passage was
     * written, so a plain add cannot create a duplicate. */
    if (xe.code == XC_OK)
        xc_wdb_add_document(ix->wdb, doc, &xe);
    g_free(q);
    g_free(d);
    xc_doc_free(doc);
    if (xe.code != XC_OK)
        return ghs_error_from_xc(err, &xe, "index");
    if (gloss_terms)
        *gloss_terms = NULL;
    ix->uncommitted++;
    return 0;
}

/* Split every page into passages and write them; passages repeated word
 * for word inside the document (running headers and footers, a body
 * printed twice) are written once. */
static int write_pages(ghs_index *ix, const doc_info *di, const ghs_page *pages,
                       size_t n_pages, ghs_add_report *rep, ghs_error *err)
{
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    ghs_gloss_doc *gloss = NULL;   /* definitions mined from the pages (glossary_store.h) */
    int rc = ghs_gloss_doc_mine(ix->an, pages, n_pages,
                                !strcmp(di->type, "pdf") ? GHS_GLOSS_WRAPPED : 0, &gloss, err);
    char **gloss_terms = ghs_gloss_doc_terms(gloss);
    for (size_t p = 0; rc == 0 && p < n_pages; p++) {
        const ghs_page *pg = &pages[p];
        rep->pages++;
        rep->text_bytes += pg->len;
        ghs_span32 *spans = NULL;
        size_t n = 0;
        rc = ghs_split_passages(ix->an, pg->text, pg->len, &spans, &n, err);
        for (size_t i = 0; rc == 0 && i < n; i++) {
            size_t b0 = ghs_utf8_offset(pg->text, pg->len, spans[i].start);
            size_t b1 = ghs_utf8_offset(pg->text, pg->len, spans[i].end);
            char *key = g_strndup(pg->text + b0, b1 - b0);
            if (g_hash_table_contains(seen, key)) {
                g_free(key);
                continue;
            }
            g_hash_table_add(seen, key);
            rc = write_passage(ix, di, pg->number, (int)i, pg->text + b0, b1 - b0,
                               spans[i].start, &gloss_terms, err);
            if (rc == 0)
                rep->passages++;
        }
        free(spans);
    }
    if (rc == 0)
        rc = ghs_gloss_doc_store(gloss, ix->wdb, di->id, err);
    ghs_gloss_doc_free(gloss);
    g_hash_table_destroy(seen);
    return rc;
}

/* Store the per-document record (for incremental runs and `show`). */
static void write_doc_record(ghs_index *ix, const doc_info *di, size_t n_pages,
                             const char *abs_path, const char *stamp)
{
    ghs_docdata dd = {0};
    put_doc_fields(&dd, di);
    ghs_docdata_put_int(&dd, GHS_F_PAGES, (long)n_pages);
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
                         const ghs_meta *meta)
{
    if (meta && meta->id)
        return g_strdup(meta->id);
    char *key = g_strconcat(GHS_META_DOC, base, NULL);
    xc_error xe;
    xc_error_clear(&xe);
    size_t len = 0;
    char *rec = xc_wdb_get_metadata(ix->wdb, key, &len, &xe);
    g_free(key);
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

typedef struct jsonl_ctx {
    ghs_index *ix;
    const char *path;
    const char *abs_path;  /* recorded with each record, for pruning */
    const char *file_term;
    ghs_add_report *rep;
    ghs_error *err;
    ghs_error first_bad;   /* the first bad line, reported to the caller */
    int failed;            /* a write error stops the file */
} jsonl_ctx;

static int on_jsonl_record(const ghs_record *rec, void *user)
{
    jsonl_ctx *c = user;
    if (!in_shard(c->ix, rec->id))
        return 0;
    char *lang = rec->lang && *rec->lang
        ? g_strdup(rec->lang) : g_strdup(ghs_detect_lang(rec->text, rec->text_len));
    doc_info di = {
        .id = rec->id, .title = first_nonempty(rec->title, rec->id),
        .source = first_nonempty(rec->url, c->path), .lang = lang, .type = "record",
        .publisher = rec->publisher, .date = rec->date, .url = rec->url,
        .file_term = c->file_term,
    };
    /* A record id may move between files: drop its old passages first. */
    char *d = g_strconcat(GHS_PREFIX_DOC, rec->id, NULL);
    xc_error xe;
    xc_error_clear(&xe);
    xc_wdb_delete_documents_term(c->ix->wdb, d, &xe);
    g_free(d);
    ghs_page page = { .number = 0, .text = (char *)rec->text, .len = rec->text_len };
    int rc = write_pages(c->ix, &di, &page, 1, c->rep, c->err);
    if (rc == 0) {
        write_doc_record(c->ix, &di, 0, c->abs_path, NULL);
        c->rep->documents++;
    }
    g_free(lang);
    if (rc < 0) {
        c->failed = rc;
        return 1;
    }
    return 0;
}

static int on_jsonl_error(size_t line, const char *message, void *user)
{
    (void)line;
    jsonl_ctx *c = user;
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

/* Passages per commit: GHS_COMMIT_EVERY, or GHSEARCH_COMMIT_EVERY when set
 * (the crash tests use small batches to kill a run between commits). */
static size_t commit_every(void)
{
    const char *v = g_getenv("GHSEARCH_COMMIT_EVERY");
    long n = v ? atol(v) : 0;
    return n > 0 ? (size_t)n : GHS_COMMIT_EVERY;
}

/* PDFs go through poppler in a child process with limits (extract_isolated.h);
 * releases are parsed in-process by libxml2 with bounded input. Setting
 * GHSEARCH_EXTRACT_TIMEOUT (seconds) changes the PDF deadline. */
static int extract_file(file_kind kind, const char *path, ghs_extracted *ex,
                        ghs_error *err)
{
    if (kind != KIND_PDF)
        return ghs_extract_release(path, ex, err);
    int rc = ghs_pdf_sniff(path, err);   /* no child process for a non-PDF */
    if (rc < 0)
        return rc;
    ghs_isolation lim = GHS_ISOLATION_DEFAULT;
    const char *t = g_getenv("GHSEARCH_EXTRACT_TIMEOUT");
    if (t && atoi(t) > 0)
        lim.wall_seconds = lim.cpu_seconds = (unsigned)atoi(t);
    return ghs_extract_isolated(ghs_extract_pdf, path, "pdf", &lim, ex, err);
}

int ghs_index_add_file(ghs_index *ix, const char *path, const ghs_meta *meta,
                       ghs_add_report *report, ghs_error *err)
{
    ghs_add_report local;
    ghs_add_report *rep = report ? report : &local;
    memset(rep, 0, sizeof *rep);
    rep->status = GHS_ADD_FAILED;
    if (!ix->wdb)
        return ghs_set_error(err, GHS_EINVAL, "[index][%s] opened read-only", ix->path);
    file_kind kind = kind_of(path);
    if (kind == KIND_NONE)
        return ghs_set_error(err, GHS_EUNSUPPORTED,
                             "[index][%s] unsupported file type (expected .pdf, .html, .htm, .txt or .jsonl)",
                             path);
    GStatBuf st;
    if (g_stat(path, &st) != 0) {
        int e = errno;
        return ghs_set_error(err, GHS_EIO, "[index][%s] cannot read: %s", path, g_strerror(e));
    }
    char *abs_path = g_canonicalize_filename(path, NULL);
    char *base = g_path_get_basename(path);
    char *stamp = g_strdup_printf("%lld:%lld", (long long)st.st_size, (long long)st.st_mtime);
    char *file_term = file_term_of(abs_path);
    char *path_key = g_strconcat(GHS_META_PATH, abs_path, NULL);
    char *sha = NULL;   /* SHA-256 of the file, computed when its stamp changed */
    xc_error xe;
    xc_error_clear(&xe);
    int rc = 0;

    /* A file of another shard is not even read (JSON Lines records are
     * sorted out one by one). */
    if (kind != KIND_JSONL && ix->shard_n > 1) {
        ghs_meta m = merged_meta(ix, base, meta);
        if (!in_shard(ix, m.id ? m.id : base)) {
            rep->status = GHS_ADD_UNCHANGED;
            goto out;
        }
    }

    /* Unchanged since the last run? Same size and mtime, else same bytes
     * (a file touched or copied over with identical content); the path
     * record (filestate.h) holds both. */
    size_t plen = 0;
    char *prev = xc_wdb_get_metadata(ix->wdb, path_key, &plen, &xe);
    int existed = prev && plen > 0;
    ghs_path_record pr;
    ghs_path_record_parse(prev, plen, &pr);
    free(prev);
    if (existed && pr.stamp && !strcmp(pr.stamp, stamp)) {
        rep->status = GHS_ADD_UNCHANGED;
        ghs_path_record_clear(&pr);
        goto out;
    }
    sha = ghs_file_sha256(path, err);
    if (!sha) {
        rc = err ? err->code : GHS_EIO;
        ghs_path_record_clear(&pr);
        goto out;
    }
    if (existed && pr.sha256 && !strcmp(pr.sha256, sha)) {
        /* Remember the new stamp so the next run need not hash again. */
        char *val = ghs_path_record_format(stamp, sha, pr.doc_id);
        xc_wdb_set_metadata(ix->wdb, path_key, val, strlen(val), &xe);
        g_free(val);
        rep->status = GHS_ADD_UNCHANGED;
        ghs_path_record_clear(&pr);
        goto out;
    }
    ghs_path_record_clear(&pr);

    /* Read the file before the transaction begins: a file that cannot be
     * read must cancel nothing, because cancelling an unflushed transaction
     * would also drop the files added before it since the last commit. */
    ghs_extracted ex = {0};
    if (kind != KIND_JSONL) {
        rc = extract_file(kind, path, &ex, err);
        if (rc < 0)
            goto out;
    } else if (g_access(path, R_OK) != 0) {
        int e = errno;
        rc = ghs_set_error(err, GHS_EIO, "[jsonl][%s] cannot read: %s", path, g_strerror(e));
        goto out;
    }
    if (xc_wdb_begin_transaction(ix->wdb, 0, &xe) < 0) {
        ghs_extracted_clear(&ex);
        rc = ghs_error_from_xc(err, &xe, "index");
        goto out;
    }
    xc_wdb_delete_documents_term(ix->wdb, file_term, &xe);
    char *doc_id = NULL;
    int file_failed = 0;   /* nothing usable in the file, but nothing to undo */
    if (kind == KIND_JSONL) {
        jsonl_ctx c = { .ix = ix, .path = path, .abs_path = abs_path,
                        .file_term = file_term, .rep = rep, .err = err };
        rc = ghs_jsonl_read(path, on_jsonl_record, on_jsonl_error, &c, err);
        if (c.failed)
            rc = c.failed;
        else if (rc > 0)
            rc = 0;
        if (rc == 0 && rep->skipped && err)
            *err = c.first_bad;
        if (rc == 0 && rep->documents == 0 && rep->skipped)
            file_failed = ghs_set_error(err, GHS_EFORMAT, "[jsonl][%s] no valid record (%s)",
                                        path, c.first_bad.message);
        doc_id = g_strdup(base);
    } else {
        {
            ghs_meta m = merged_meta(ix, base, meta);
            doc_id = file_doc_id(ix, base, abs_path, &m);
            char *lang = m.lang ? g_strdup(m.lang)
                       : ex.lang ? g_strdup(ex.lang) : guess_lang(ex.pages, ex.n_pages);
            char *title_fallback = g_strdup(base);
            doc_info di = {
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
            char *d = g_strconcat(GHS_PREFIX_DOC, doc_id, NULL);
            xc_wdb_delete_documents_term(ix->wdb, d, &xe);
            g_free(d);
            rc = write_pages(ix, &di, ex.pages, ex.n_pages, rep, err);
            if (rc == 0 && rep->passages == 0) {
                /* Text made only of symbols or private-use glyphs. */
                file_failed = ghs_set_error(err, GHS_ENOTEXT, "[%s][%s] no searchable text",
                                            kind == KIND_PDF ? "pdf" : "release", base);
            } else if (rc == 0) {
                write_doc_record(ix, &di, ex.n_pages, abs_path, stamp);
                rep->documents = 1;
            }
            g_free(lang);
            g_free(title_fallback);
        }
        ghs_extracted_clear(&ex);
    }
    if (rc == 0) {
        if (!file_failed) {
            char *val = ghs_path_record_format(stamp, sha, doc_id);
            xc_wdb_set_metadata(ix->wdb, path_key, val, strlen(val), &xe);
            g_free(val);
        }
        if (xc_wdb_commit_transaction(ix->wdb, &xe) < 0)
            rc = ghs_error_from_xc(err, &xe, "index");
        else if (file_failed)
            rc = file_failed;   /* status stays GHS_ADD_FAILED; nothing was undone */
        else
            rep->status = existed ? GHS_ADD_UPDATED : GHS_ADD_ADDED;
    } else {
        /* Only a write error gets here (the file was read before the
         * transaction); the caller stops the run on it. */
        xc_error xe2;
        xc_error_clear(&xe2);
        xc_wdb_cancel_transaction(ix->wdb, &xe2);
        rep->passages = 0;
        rep->documents = 0;
    }
    g_free(doc_id);
    if (rc == 0 && ix->uncommitted >= commit_every())
        rc = ghs_index_commit(ix, err);
out:
    g_free(sha);
    g_free(path_key);
    g_free(file_term);
    g_free(stamp);
    g_free(base);
    g_free(abs_path);
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
    doc_info di = {
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
        rc = write_pages(ix, &di, &page, 1, rep, err);
        if (rc == 0) {
            write_doc_record(ix, &di, 0, NULL, NULL);
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
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; i < n_paths; i++)
        ghs_walk_files(paths[i], is_indexable, files);
    tot->files_seen = files->len;
    int rc = 0, stopped = 0;
    for (guint i = 0; i < files->len; i++) {
        const char *f = g_ptr_array_index(files, i);
        ghs_add_report rep;
        ghs_error ferr = {0};
        int frc = ghs_index_add_file(ix, f, NULL, &rep, &ferr);
        switch (rep.status) {
        case GHS_ADD_ADDED: tot->files_added++; break;
        case GHS_ADD_UPDATED: tot->files_updated++; break;
        case GHS_ADD_UNCHANGED: tot->files_unchanged++; break;
        case GHS_ADD_FAILED: tot->files_failed++; break;
        }
        if (rep.status != GHS_ADD_FAILED) {   /* a failed file wrote nothing */
            tot->documents += rep.documents;
            tot->pages += rep.pages;
            tot->passages += rep.passages;
            tot->text_bytes += rep.text_bytes;
        }
        /* A database error (not a file's fault) stops the run. */
        if (frc == GHS_EDB || frc == GHS_ELOCKED || frc == GHS_ENOMEM) {
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
                stopped = 1;
                break;
            }
        }
    }
    /* Follow the links of the releases among the files (links.h). */
    if (rc == 0 && !stopped)
        rc = ghs_links_follow(ix, (const char *const *)files->pdata, files->len, progress,
                              user, tot, err);
    g_ptr_array_free(files, TRUE);
    int crc = ghs_index_commit(ix, rc ? NULL : err);
    return rc ? rc : crc;
}

/* ------------------------------------------------------------ stats */

static int stats_once(ghs_index *ix, ghs_stats *out, ghs_error *err, int *modified)
{
    memset(out, 0, sizeof *out);
    xc_db *db = ghs_index_reader(ix, err);
    if (!db)
        return GHS_EDB;
    xc_error xe;
    xc_error_clear(&xe);
    out->passages = xc_db_doccount(db, &xe);
    out->avg_passage_length = xc_db_avlength(db, &xe);
    xc_termlist *tl = xc_db_allterms(db, GHS_PREFIX_DOC, &xe);
    const char *term;
    uint32_t tf;
    while (tl && xc_termlist_next(tl, &term, &tf, &xe) == 1)
        out->documents++;
    xc_termlist_free(tl);
    /* Distinct words: unprefixed terms (prefixes are upper-case ASCII). */
    tl = xc_db_allterms(db, "", &xe);
    while (tl && xc_termlist_next(tl, &term, &tf, &xe) == 1)
        if (!(term[0] >= 'A' && term[0] <= 'Z'))
            out->terms++;
    xc_termlist_free(tl);
    *modified = xe.code == XC_ERR_MODIFIED;
    if (xe.code != XC_OK)
        return ghs_error_from_xc(err, &xe, "stats");
    return 0;
}

int ghs_index_stats(ghs_index *ix, ghs_stats *out, ghs_error *err)
{
    /* Walking every term takes long enough for a writer to commit twice
     * and discard the revision being read: reopen and count again. */
    int modified = 0;
    int rc = stats_once(ix, out, err, &modified);
    for (int attempt = 1; rc < 0 && modified && attempt < 5; attempt++) {
        if (ghs_index_reopen(ix, NULL) < 0)
            break;
        rc = stats_once(ix, out, err, &modified);
    }
    return rc;
}
