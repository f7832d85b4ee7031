/*
 * docbuild.c: building the Xapian documents of a source document's
 * passages (contract in docbuild.h; layout in schema.h).
 *
 * What every passage of a document shares (id, file, language, type,
 * year, publisher and title terms, facet value) is worked out once per
 * document, not once per passage; the title in particular is analyzed
 * once. English words for the spelling table are counted over the whole
 * document and written with one call per distinct word.
 */
#include "docbuild.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glossary_doc.h"
#include "glossary_mine.h"
#include "index_handle.h"
#include "passages.h"
#include "schema.h"

struct ghs_builder {
    ghs_doc_info di;         /* strings owned (the copies below) */
    char *own[9];            /* id, title, source, lang, type, publisher, date, url, file_term */
    GPtrArray *bool_terms;   /* boolean terms of every passage (char *) */
    GPtrArray *title_terms;  /* K... terms of every passage, wdf 1 each (char *) */
    GString *facets;         /* GHS_SLOT_FACETS value */
    GHashTable *seen;        /* passage texts built (dedup within the document) */
    GHashTable *spellings;   /* English word -> guint * count over the document */
    ghs_gloss_doc *gloss;    /* definitions mined from the pages */
    char **gloss_terms;      /* its keys, for the first passage built; NULL once used */
    GPtrArray *docs;         /* xc_doc * built and not yet written */
    size_t pages, text_bytes, passages;
};

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

/* Append field to the GHS_SLOT_FACETS value, control characters (and so
 * the separator) as spaces. */
static void facet_field(GString *v, const char *field, int first)
{
    if (!first)
        g_string_append_c(v, GHS_FACET_SEP);
    for (const char *p = field ? field : ""; *p; p++)
        g_string_append_c(v, (unsigned char)*p < 0x20 ? ' ' : *p);
}

static void add_str(GPtrArray *a, const char *prefix, const char *s)
{
    g_ptr_array_add(a, g_strconcat(prefix, s, NULL));
}

/* prefix + each analyzed word of text, as boolean terms. */
static void field_words(GPtrArray *out, const char *prefix, const ghs_tokens *toks)
{
    for (size_t i = 0; i < toks->n; i++)
        add_str(out, prefix, toks->v[i].term);
}

static void title_gram(const char *gram, void *user)
{
    GPtrArray *out = ((void **)user)[0];
    const char *prefix = ((void **)user)[1];
    g_ptr_array_add(out, g_strconcat(GHS_PREFIX_TITLE_TEXT, prefix, gram, NULL));
}

/* The document's title words, stems and CJK grams, for every passage,
 * under GHS_PREFIX_TITLE_TEXT (no positions). The searcher's loose tier
 * searches each word in text and title as one term, so a question naming a
 * document's subject finds its passages even when they do not repeat it
 * (JSQuAD MRR@10 0.919 -> 0.93, bench/eval.sh), while "every word" in the
 * strict tier and phrases still mean the passage's own text. */
static void title_words(GPtrArray *out, const ghs_tokens *toks)
{
    for (size_t i = 0; i < toks->n; i++) {
        const ghs_token *t = &toks->v[i];
        if (t->is_stop)
            continue;
        g_ptr_array_add(out, t->stem
                        ? g_strconcat(GHS_PREFIX_TITLE_TEXT GHS_PREFIX_STEM, t->stem, NULL)
                        : g_strconcat(GHS_PREFIX_TITLE_TEXT, t->term, NULL));
        /* A word its stem merges with others (ghs_stem_sense) is searched
         * by its own forms: the title gives those too. */
        if (t->stem && ghs_stem_sense(t->term))
            g_ptr_array_add(out, g_strconcat(GHS_PREFIX_TITLE_TEXT, t->term, NULL));
    }
    void *bi[2] = { out, (void *)GHS_PREFIX_BIGRAM };
    ghs_cjk_grams(toks, 2, title_gram, bi);
}

int ghs_builder_new(ghs_builder **out, ghs_analyzer *an, const ghs_doc_info *di,
                    const ghs_page *pages, size_t n_pages, ghs_error *err)
{
    *out = NULL;
    ghs_builder *b = g_new0(ghs_builder, 1);
    const char *src[9] = { di->id, di->title, di->source, di->lang, di->type,
                           di->publisher, di->date, di->url, di->file_term };
    for (int i = 0; i < 9; i++)
        b->own[i] = g_strdup(src[i]);
    b->di = (ghs_doc_info){ .id = b->own[0], .title = b->own[1], .source = b->own[2],
                            .lang = b->own[3], .type = b->own[4], .publisher = b->own[5],
                            .date = b->own[6], .url = b->own[7], .file_term = b->own[8],
                            .line = di->line, .end_offset = di->end_offset };
    b->bool_terms = g_ptr_array_new_with_free_func(g_free);
    b->title_terms = g_ptr_array_new_with_free_func(g_free);
    b->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    b->spellings = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    b->docs = g_ptr_array_new();

    char *year = year_of(di->date);
    add_str(b->bool_terms, GHS_PREFIX_DOC, di->id);
    if (di->file_term)
        add_str(b->bool_terms, "", di->file_term);
    if (di->lang)
        add_str(b->bool_terms, GHS_PREFIX_LANG, di->lang);
    add_str(b->bool_terms, GHS_PREFIX_TYPE, di->type);
    if (year)
        add_str(b->bool_terms, GHS_PREFIX_YEAR, year);
    b->facets = g_string_new(NULL);
    facet_field(b->facets, di->id, 1);
    facet_field(b->facets, di->lang, 0);
    facet_field(b->facets, year, 0);
    facet_field(b->facets, di->type, 0);
    facet_field(b->facets, di->publisher, 0);
    g_free(year);

    /* An analysis that fails (not one that finds no word) fails the
     * document: its publisher and title terms would be missing. */
    ghs_tokens toks;
    ghs_tokens_init(&toks);
    int rc = 0;
    if (di->publisher && *di->publisher &&
        (rc = ghs_analyze(an, di->publisher, strlen(di->publisher), 0, &toks, err)) == 0)
        field_words(b->bool_terms, GHS_PREFIX_PUBLISHER, &toks);
    ghs_tokens_free(&toks);
    ghs_tokens_init(&toks);
    if (rc == 0 && di->title && *di->title &&
        (rc = ghs_analyze(an, di->title, strlen(di->title), 0, &toks, err)) == 0) {
        field_words(b->bool_terms, GHS_PREFIX_TITLE, &toks);
        title_words(b->title_terms, &toks);
    }
    ghs_tokens_free(&toks);

    if (rc == 0)
        rc = ghs_gloss_doc_mine(an, pages, n_pages,
                                !strcmp(di->type, "pdf") ? GHS_GLOSS_WRAPPED : 0, &b->gloss, err);
    if (rc < 0) {
        ghs_builder_free(b);
        return rc;
    }
    b->gloss_terms = ghs_gloss_doc_terms(b->gloss);
    *out = b;
    return 0;
}

/* Count the English words of a passage for the spelling table: Latin
 * letters only (no digits: "covid19" is no word to suggest), 3 letters or
 * more, not stopwords. */
static void count_spellings(GHashTable *counts, const ghs_tokens *toks)
{
    for (size_t i = 0; i < toks->n; i++) {
        const ghs_token *t = &toks->v[i];
        if (t->script != GHS_SCRIPT_LATIN || t->is_stop || strlen(t->term) < 3)
            continue;
        const char *p = t->term;
        while (*p >= 'a' && *p <= 'z')
            p++;
        if (*p)
            continue;
        guint *n = g_hash_table_lookup(counts, t->term);
        if (!n) {
            n = g_new0(guint, 1);
            g_hash_table_insert(counts, g_strdup(t->term), n);
        }
        (*n)++;
    }
}

/* Add prefix + s without position (wdf 1), through a stack buffer. */
static void add_prefixed(xc_doc *doc, const char *prefix, size_t plen, const char *s,
                         xc_error *xe)
{
    char buf[256];
    size_t n = strlen(s);
    if (plen + n >= sizeof buf)
        return;   /* longer than Xapian's term limit: xc would skip it too */
    memcpy(buf, prefix, plen);
    memcpy(buf + plen, s, n + 1);
    xc_doc_add_term(doc, buf, 1, xe);
}

static void gram_term(const char *gram, void *user)
{
    xc_doc *doc = ((void **)user)[0];
    const char *prefix = ((void **)user)[1];
    add_prefixed(doc, prefix, 1, gram, ((void **)user)[2]);
}

/* Build the document of one passage; NULL when it has no token. */
static xc_doc *build_passage(ghs_builder *b, ghs_analyzer *an, int page,
                             const char *page_label, int seq,
                             const char *text, size_t len, uint32_t offset,
                             int *rc, ghs_error *err)
{
    ghs_tokens toks;
    ghs_tokens_init(&toks);
    /* The segmentation is stored with the passage: the searcher analyzes
     * every hit's passage again and skips segmenting it (analyze.h). */
    char *seg = NULL;
    size_t seg_len = 0;
    *rc = ghs_analyze_keep(an, text, len, 0, &toks, &seg, &seg_len, err);
    if (*rc < 0 || toks.n == 0) {
        ghs_tokens_free(&toks);
        free(seg);
        return NULL;
    }
    xc_doc *doc = xc_doc_new();
    if (!doc) {
        ghs_tokens_free(&toks);
        free(seg);
        *rc = ghs_set_error(err, GHS_ENOMEM, "[index] out of memory");
        return NULL;
    }
    xc_error xe;   /* the setters keep the first error: one check at the end */
    xc_error_clear(&xe);
    for (size_t i = 0; i < toks.n; i++) {
        const ghs_token *t = &toks.v[i];
        xc_doc_add_posting(doc, t->term, t->pos, 1, &xe);
        if (t->stem && !t->is_stop)
            add_prefixed(doc, GHS_PREFIX_STEM, 1, t->stem, &xe);
    }
    /* Pieces of katakana compounds at their compound's position: ウイルス
     * finds コロナウイルス as a word (analyze.h). */
    for (size_t i = 0; i < toks.n_parts; i++)
        if (!toks.parts[i].is_stop)
            xc_doc_add_posting(doc, toks.parts[i].term, toks.parts[i].pos, 1, &xe);
    count_spellings(b->spellings, &toks);
    /* CJK character bigrams (no positions) across adjacent words: the
     * fallback that finds a query word inside a word segmented differently
     * here. The searcher weighs them below whole words. Single characters
     * are no terms: a third of a Japanese passage's terms and 13 % of the
     * indexing instructions (issue 21) for a weight overlap.c can bound
     * from the bigrams. */
    void *bi[3] = { doc, (void *)GHS_PREFIX_BIGRAM, &xe };
    ghs_cjk_grams(&toks, 2, gram_term, bi);
    ghs_tokens_free(&toks);
    for (guint i = 0; i < b->title_terms->len; i++)
        xc_doc_add_term(doc, g_ptr_array_index(b->title_terms, i), 1, &xe);

    char *q = g_strdup_printf(GHS_PREFIX_PASSAGE "%s#%d#%d", b->di.id, page, seq);
    xc_doc_add_boolean_term(doc, q, &xe);
    g_free(q);
    for (guint i = 0; i < b->bool_terms->len; i++)
        xc_doc_add_boolean_term(doc, g_ptr_array_index(b->bool_terms, i), &xe);
    /* The document's glossary keys go on its first passage
     * (glossary_store.h). */
    for (char **g = b->gloss_terms; g && *g; g++)
        xc_doc_add_boolean_term(doc, *g, &xe);
    b->gloss_terms = NULL;

    xc_doc_set_value(doc, GHS_SLOT_DOC, b->di.id, strlen(b->di.id), &xe);
    char pagebuf[16];
    int pn = snprintf(pagebuf, sizeof pagebuf, "%d", page);
    xc_doc_set_value(doc, GHS_SLOT_PAGE, pagebuf, (size_t)pn, &xe);
    xc_doc_set_value(doc, GHS_SLOT_FACETS, b->facets->str, b->facets->len, &xe);

    ghs_docdata dd = {0};
    ghs_docdata_put(&dd, GHS_F_PASSAGE, text, len);
    ghs_doc_fields_put(&dd, &b->di);
    ghs_docdata_put_int(&dd, GHS_F_PAGE, page);
    ghs_docdata_put_str(&dd, GHS_F_PAGE_LABEL, page_label);
    ghs_docdata_put_int(&dd, GHS_F_OFFSET, (long)offset);
    ghs_docdata_put(&dd, GHS_F_SEGMENTS, seg, seg_len);
    free(seg);
    xc_doc_set_data(doc, dd.buf, dd.len, &xe);
    ghs_docdata_free(&dd);
    if (xe.code != XC_OK) {
        xc_doc_free(doc);
        *rc = ghs_error_from_xc(err, &xe, "index");
        return NULL;
    }
    return doc;
}

int ghs_builder_add_page(ghs_builder *b, ghs_analyzer *an, const ghs_page *pg,
                         ghs_error *err)
{
    b->pages++;
    b->text_bytes += pg->len;
    ghs_span32 *spans = NULL;
    size_t n = 0;
    int rc = ghs_split_passages(an, pg->text, pg->len, &spans, &n, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        size_t b0 = ghs_utf8_offset(pg->text, pg->len, spans[i].start);
        size_t b1 = ghs_utf8_offset(pg->text, pg->len, spans[i].end);
        char *key = g_strndup(pg->text + b0, b1 - b0);
        if (!g_hash_table_add(b->seen, key))
            continue;   /* already built; the set keeps one copy of the text */
        xc_doc *doc = build_passage(b, an, pg->number, pg->label, (int)i,
                                    pg->text + b0, b1 - b0,
                                    spans[i].start, &rc, err);
        if (doc)
            g_ptr_array_add(b->docs, doc);
        if (rc == 0)
            b->passages++;
    }
    free(spans);
    return rc;
}

GPtrArray *ghs_builder_take_docs(ghs_builder *b)
{
    GPtrArray *docs = b->docs;
    b->docs = g_ptr_array_new();
    return docs;
}

int ghs_docs_write(GPtrArray *docs, xc_wdb *wdb, size_t *written, ghs_error *err)
{
    xc_error xe;
    xc_error_clear(&xe);
    size_t done = 0;
    for (guint i = 0; i < docs->len; i++) {
        xc_doc *doc = g_ptr_array_index(docs, i);
        if (xe.code == XC_OK && xc_wdb_add_document(wdb, doc, &xe))
            done++;
    }
    ghs_docs_free(docs);
    if (written)
        *written = done;
    return xe.code != XC_OK ? ghs_error_from_xc(err, &xe, "index") : 0;
}

void ghs_docs_free(GPtrArray *docs)
{
    for (guint i = 0; i < docs->len; i++)
        xc_doc_free(g_ptr_array_index(docs, i));
    g_ptr_array_free(docs, TRUE);
}

int ghs_builder_finish(ghs_builder *b, xc_wdb *wdb, size_t *written, ghs_error *err)
{
    int rc = ghs_docs_write(ghs_builder_take_docs(b), wdb, written, err);
    if (rc < 0)
        return rc;
    xc_error xe;
    xc_error_clear(&xe);
    GHashTableIter it;
    gpointer k, n;
    g_hash_table_iter_init(&it, b->spellings);
    while (xe.code == XC_OK && g_hash_table_iter_next(&it, &k, &n))
        xc_wdb_add_spelling(wdb, k, *(guint *)n, &xe);
    if (xe.code != XC_OK)
        return ghs_error_from_xc(err, &xe, "index");
    return ghs_gloss_doc_store(b->gloss, wdb, b->di.id, err);
}

size_t ghs_builder_pages(const ghs_builder *b) { return b->pages; }
size_t ghs_builder_text_bytes(const ghs_builder *b) { return b->text_bytes; }
size_t ghs_builder_passages(const ghs_builder *b) { return b->passages; }
const ghs_doc_info *ghs_builder_info(const ghs_builder *b) { return &b->di; }

void ghs_builder_free(ghs_builder *b)
{
    if (!b)
        return;
    ghs_docs_free(b->docs);
    g_ptr_array_free(b->bool_terms, TRUE);
    g_ptr_array_free(b->title_terms, TRUE);
    g_string_free(b->facets, TRUE);
    g_hash_table_destroy(b->seen);
    g_hash_table_destroy(b->spellings);
    ghs_gloss_doc_free(b->gloss);
    for (int i = 0; i < 9; i++)
        g_free(b->own[i]);
    g_free(b);
}

void ghs_doc_fields_put(ghs_docdata *dd, const ghs_doc_info *di)
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
