/*
 * document.c: one source document by its id, for `ghsearch show DOC
 * [--page N]` and the HTTP /doc endpoints: its metadata, and the text of a
 * page put back together from the passages indexed for it.
 *
 * The metadata comes from the document record the indexer keeps under
 * GHS_META_DOC + id (schema.h). Xapian reads user metadata from the first
 * database of a sharded set only, so when the record is missing but
 * passages of the document exist, the metadata is taken from a passage
 * (each carries what a citation needs) and the page count from the
 * passages' page numbers.
 *
 * Does not own: what a passage is (indexer/passages.c), how it is shown.
 */
#include <stdlib.h>
#include <string.h>

#include "docdata.h"
#include "index_handle.h"
#include "schema.h"
#include "search_internal.h"

/* ghs_document with the storage of its strings. */
typedef struct doc_box {
    ghs_document pub;   /* first: a ghs_document * is a doc_box * */
    char *strs[9];      /* the 8 fields of fill_from_record, then path */
    GPtrArray *labels;  /* char *: the label of page i + 1 ("" for none);
                           may be shorter than pub.pages, NULL when no page
                           has one */
} doc_box;

void ghs_document_free(ghs_document *d)
{
    if (!d)
        return;
    doc_box *b = (doc_box *)d;
    for (size_t i = 0; i < G_N_ELEMENTS(b->strs); i++)
        free(b->strs[i]);
    if (b->labels)
        g_ptr_array_free(b->labels, TRUE);
    g_free(b);
}

/* Sets the label of page `page` of b (a passage's GHS_F_PAGE_LABEL). */
static void set_label(doc_box *b, long page, const char *label, size_t len)
{
    if (page < 1 || page > 1000000 || len == 0)
        return;
    if (!b->labels)
        b->labels = g_ptr_array_new_with_free_func(g_free);
    while (b->labels->len < (guint)page)
        g_ptr_array_add(b->labels, g_strdup(""));
    g_free(b->labels->pdata[page - 1]);
    b->labels->pdata[page - 1] = g_strndup(label, len);
}

/* The labels of the document record's GHS_F_PAGE_LABELS field. */
static void labels_from_record(doc_box *b, const char *v, size_t n)
{
    long page = 1;
    for (size_t a = 0, z; a <= n; a = z + 1, page++) {
        const char *sep = memchr(v + a, GHS_LABEL_SEP, n - a);
        z = sep ? (size_t)(sep - v) : n;
        set_label(b, page, v + a, z - a);
    }
}

static void fill_from_record(doc_box *b, const char *data, size_t len)
{
    const char **dst[8] = { &b->pub.id, &b->pub.title, &b->pub.source, &b->pub.lang,
                            &b->pub.type, &b->pub.publisher, &b->pub.date, &b->pub.url };
    const char keys[8] = { GHS_F_DOC, GHS_F_TITLE, GHS_F_SOURCE, GHS_F_LANG,
                           GHS_F_TYPE, GHS_F_PUBLISHER, GHS_F_DATE, GHS_F_URL };
    for (size_t i = 0; i < 8; i++) {
        free(b->strs[i]);
        b->strs[i] = ghs_docdata_dup(data, len, keys[i]);
        *dst[i] = b->strs[i];
    }
}

/* One passage of the document as found by a scan. */
typedef struct piece {
    long offset;
    char *text;
} piece;

static gint cmp_piece(gconstpointer a, gconstpointer b)
{
    const piece *x = a, *y = b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Every passage of document `id` (of page `page` when page >= 0): calls
 * visit with each passage's stored record. Returns 0 or a GHS_E* code. */
typedef void (*visit_fn)(const char *data, size_t len, void *user);

static int scan_passages(xc_db *db, const char *id, int page, visit_fn visit, void *user,
                         ghs_error *err)
{
    char *dterm = g_strconcat(GHS_PREFIX_DOC, id, NULL);
    xc_error xe;
    xc_error_clear(&xe);
    xc_query *q = xc_query_term(dterm, 1, 0, &xe);
    if (q && page >= 0) {
        char pbuf[16];
        int n = g_snprintf(pbuf, sizeof pbuf, "%d", page);
        xc_query *vr = xc_query_value_range(GHS_SLOT_PAGE, pbuf, (size_t)n, pbuf, (size_t)n,
                                            &xe);
        xc_query *pair[2] = { q, vr };
        xc_query *fq = vr ? xc_query_combine(XC_OP_FILTER, pair, 2, 0, &xe) : NULL;
        xc_query_free(vr);
        xc_query_free(q);
        q = fq;
    }
    /* A writer may commit while we read: reopen and retry once. The records
     * are collected first, so a retry cannot visit a passage twice. */
    GPtrArray *recs = g_ptr_array_new_with_free_func(free);
    GArray *lens = g_array_new(FALSE, FALSE, sizeof(size_t));
    for (int attempt = 0; q && attempt < 2; attempt++) {
        g_ptr_array_set_size(recs, 0);
        g_array_set_size(lens, 0);
        uint32_t n = xc_db_termfreq(db, dterm, &xe);
        xc_enquire *enq = xe.code == XC_OK ? xc_enquire_new(db, &xe) : NULL;
        xc_mset *ms = NULL;
        if (enq && xc_enquire_set_query(enq, q, &xe) == 0)
            ms = xc_enquire_get_mset(enq, 0, n, 0, &xe);
        for (uint32_t i = 0; ms && xe.code == XC_OK && i < xc_mset_size(ms); i++) {
            xc_doc *doc = xc_mset_document(ms, i, &xe);
            size_t len = 0;
            char *data = doc ? xc_doc_get_data(doc, &len, &xe) : NULL;
            xc_doc_free(doc);
            if (data) {
                g_ptr_array_add(recs, data);
                g_array_append_val(lens, len);
            }
        }
        xc_mset_free(ms);
        xc_enquire_free(enq);
        if (xe.code != XC_ERR_MODIFIED)
            break;
        xc_db_reopen(db, &xe);
    }
    for (guint i = 0; xe.code == XC_OK && i < recs->len; i++)
        visit(recs->pdata[i], g_array_index(lens, size_t, i), user);
    g_ptr_array_free(recs, TRUE);
    g_array_free(lens, TRUE);
    xc_query_free(q);
    g_free(dterm);
    if (xe.code != XC_OK)
        return ghs_error_from_xc(err, &xe, "show");
    return 0;
}

typedef struct first_and_pages {
    doc_box *box;
    int have_record;
    int max_page;
} first_and_pages;

static void visit_meta(const char *data, size_t len, void *user)
{
    first_and_pages *f = user;
    if (!f->have_record) {
        fill_from_record(f->box, data, len);
        f->have_record = 1;
    }
    long p = ghs_docdata_get_int(data, len, GHS_F_PAGE, 0);
    if (p > f->max_page && p < 1000000)
        f->max_page = (int)p;
    size_t n = 0;
    const char *label = ghs_docdata_get(data, len, GHS_F_PAGE_LABEL, &n);
    if (label)
        set_label(f->box, p, label, n);
}

/* The page labels of b from its passages: a document record written
 * before records kept them (a page without passages has none then). */
static void visit_label(const char *data, size_t len, void *user)
{
    size_t n = 0;
    const char *label = ghs_docdata_get(data, len, GHS_F_PAGE_LABEL, &n);
    if (label)
        set_label(user, ghs_docdata_get_int(data, len, GHS_F_PAGE, 0), label, n);
}

int ghs_document_get(ghs_index *ix, const char *id, ghs_document **out, ghs_error *err)
{
    *out = NULL;
    if (!id || !*id)
        return ghs_set_error(err, GHS_EINVAL, "[show] no document id given");
    xc_db *db = ghs_index_reader(ix, err);
    if (!db)
        return GHS_EDB;
    xc_error xe;
    xc_error_clear(&xe);
    char *dterm = g_strconcat(GHS_PREFIX_DOC, id, NULL);
    uint32_t passages = xc_db_termfreq(db, dterm, &xe);
    g_free(dterm);
    char *key = g_strconcat(GHS_META_DOC, id, NULL);
    size_t len = 0;
    char *rec = xe.code == XC_OK ? xc_db_get_metadata(db, key, &len, &xe) : NULL;
    g_free(key);
    if (xe.code != XC_OK) {
        free(rec);
        return ghs_error_from_xc(err, &xe, "show");
    }
    doc_box *b = g_new0(doc_box, 1);
    b->pub.passages = passages;
    int rc = 0;
    if (len > 0) {
        fill_from_record(b, rec, len);
        b->pub.pages = (int)ghs_docdata_get_int(rec, len, GHS_F_PAGES, 0);
        b->strs[8] = ghs_docdata_dup(rec, len, GHS_F_PATH);
        size_t n = 0;
        const char *labels = ghs_docdata_get(rec, len, GHS_F_PAGE_LABELS, &n);
        if (labels)
            labels_from_record(b, labels, n);
        else if (b->pub.pages > 0 && passages > 0)
            rc = scan_passages(db, id, -1, visit_label, b, err);
    } else if (passages > 0) {
        first_and_pages f = { .box = b };
        rc = scan_passages(db, id, -1, visit_meta, &f, err);
        b->pub.pages = f.max_page;
    } else {
        rc = ghs_set_error(err, GHS_ENOTFOUND, "[show] no document '%s'", id);
    }
    free(rec);
    if (!b->strs[8])
        b->strs[8] = g_strdup("");   /* freed with free(): GLib's allocator is malloc */
    b->pub.path = b->strs[8];
    if (rc < 0) {
        ghs_document_free(&b->pub);
        return rc;
    }
    *out = &b->pub;
    return 0;
}

static void visit_piece(const char *data, size_t len, void *user)
{
    GArray *pieces = user;
    piece p = {
        .offset = ghs_docdata_get_int(data, len, GHS_F_OFFSET, 0),
        .text = ghs_docdata_dup(data, len, GHS_F_PASSAGE),
    };
    g_array_append_val(pieces, p);
}

int ghs_document_page_text(ghs_index *ix, const char *id, int page, char **text,
                           ghs_error *err)
{
    *text = NULL;
    ghs_document *d = NULL;
    int rc = ghs_document_get(ix, id, &d, err);
    if (rc < 0)
        return rc;
    /* A release counts one page (`show` says "1 page") while its
     * passages, like a record's, carry none (page 0): both numbers name
     * its text. */
    int release = !strcmp(d->type, "release") && d->pages == 1;
    if (release && (page == 0 || page == 1))
        page = 0;
    else if (d->pages > 0 && (page < 1 || page > d->pages))
        rc = ghs_set_error(err, GHS_EINVAL, "[show][%s] page %d out of range (1-%d)", id,
                           page, d->pages);
    else if (d->pages == 0 && page != 0)
        rc = ghs_set_error(err, GHS_EINVAL,
                           "[show][%s] page %d out of range: a %s has no pages (use 0)", id,
                           page, *d->type ? d->type : "document");
    ghs_document_free(d);
    if (rc < 0)
        return rc;
    xc_db *db = ghs_index_reader(ix, err);
    if (!db)
        return GHS_EDB;
    GArray *pieces = g_array_new(FALSE, FALSE, sizeof(piece));
    rc = scan_passages(db, id, page, visit_piece, pieces, err);
    g_array_sort(pieces, cmp_piece);
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < pieces->len; i++) {
        piece *p = &g_array_index(pieces, piece, i);
        if (i)
            g_string_append(s, "\n\n");
        g_string_append(s, p->text);
        free(p->text);
    }
    g_array_free(pieces, TRUE);
    if (rc < 0) {
        g_string_free(s, TRUE);
        return rc;
    }
    *text = g_string_free(s, FALSE);
    return 0;
}

const char *ghs_document_page_label(const ghs_document *d, int page)
{
    const doc_box *b = (const doc_box *)d;
    if (!d || !b->labels || page < 1 || (guint)page > b->labels->len)
        return "";
    const char *label = b->labels->pdata[page - 1];
    char num[16];
    g_snprintf(num, sizeof num, "%d", page);
    return strcmp(label, num) != 0 ? label : "";
}

int ghs_document_page_of_label(const ghs_document *d, const char *label, int *page,
                               ghs_error *err)
{
    *page = 0;
    if (!d || !label)
        return ghs_set_error(err, GHS_EINVAL, "[show] no document or no page label given");
    char *want = g_strstrip(g_strdup(label));
    if (!*want) {
        g_free(want);
        return ghs_set_error(err, GHS_EINVAL, "[show][%s] an empty page label", d->id);
    }
    if (d->pages <= 0) {
        int rc = ghs_set_error(err, GHS_EINVAL, "[show][%s] a %s has no pages", d->id,
                               *d->type ? d->type : "document");
        g_free(want);
        return rc;
    }
    /* The pages labelled so (ASCII case aside: "III" is "iii"). */
    GString *found = g_string_new(NULL);
    int matches = 0;
    for (int p = 1; p <= d->pages; p++) {
        if (g_ascii_strcasecmp(ghs_document_page_label(d, p), want) != 0)
            continue;
        if (matches++ == 0)
            *page = p;
        g_string_append_printf(found, "%s%d", matches > 1 ? ", " : "", p);
    }
    /* Else the page of that number, when it has no label of its own. */
    if (matches == 0) {
        char *end = NULL;
        long n = strtol(want, &end, 10);
        if (*want && end && *end == '\0' && n >= 1 && n <= d->pages &&
            !*ghs_document_page_label(d, (int)n)) {
            *page = (int)n;
            matches = 1;
        }
    }
    int rc = 0;
    if (matches == 0)
        rc = ghs_set_error(err, GHS_ENOTFOUND,
                           "[show][%s] no page is labelled '%s' (PDF pages 1-%d)", d->id,
                           want, d->pages);
    else if (matches > 1)
        rc = ghs_set_error(err, GHS_EINVAL,
                           "[show][%s] page label '%s' is on PDF pages %s; give the PDF page",
                           d->id, want, found->str);
    if (rc < 0)
        *page = 0;
    g_string_free(found, TRUE);
    g_free(want);
    return rc;
}
