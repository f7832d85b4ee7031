/*
 * routes_doc.c: GET /doc/{id} (a document's metadata, its citation, and its
 * text when it has no pages) and GET /doc/{id}/page/{n} (one page's text),
 * through the library's document API.
 *
 * {id} is what `ghsearch show` takes: a document id, the path of an
 * indexed file or its file name (ghs_document_resolve). It goes only to
 * the library, which looks it up among the index's ids and recorded paths
 * and never opens or stats a file by it.
 *
 * With ?q=QUERY (the search a reader came from) the answer also says
 * where that search's passages stand in the text shown: "marks", each
 * passage's code point range in "text" and its matched words, so that the
 * page view marks them and scrolls to the one the reader clicked.
 */
#include <string.h>

#include "http.h"
#include "server_internal.h"

/* The most passages of one document a page view marks. */
#define MAX_MARKED_PASSAGES 2000

/* A new body: the document's metadata as the library writes it for a
 * remote user, left open for more members. */
static GString *
open_metadata(const ghs_document *d)
{
    GString *o = g_string_new(NULL);

    http_append_json(o, ghs_document_json(d, GHS_JSON_SOURCE_REMOTE | GHS_JSON_ID_AS_DOC));
    g_string_truncate(o, o->len - 1);   /* reopen the object */
    return o;
}

/* ,"citation":"..." for page (0: the whole document); nothing if it fails. */
static void
append_citation(GString *o, const ghs_document *d, int page)
{
    char *cite = NULL;

    if (ghs_document_cite(d, page, GHS_CITE_TEXT, &cite, NULL) == 0) {
        g_string_append(o, ",\"citation\":");
        http_append_json(o, ghs_json_string(cite));
    }
    ghs_free(cite);
}

/* Where passage stands in text, as a byte offset, or -1: preferably a
 * whole piece of it (text is the page's passages joined by blank lines),
 * else anywhere. */
static long
find_passage(const char *text, const char *passage)
{
    size_t n = strlen(passage);
    const char *first = NULL, *at;

    if (n == 0)
        return -1;
    for (at = strstr(text, passage); at; at = strstr(at + 1, passage)) {
        gboolean starts = at == text || (at - text >= 2 && at[-1] == '\n' && at[-2] == '\n');
        gboolean ends = at[n] == '\0' || (at[n] == '\n' && at[n + 1] == '\n');

        if (starts && ends)
            return at - text;
        if (!first)
            first = at;
    }
    return first ? first - text : -1;
}

typedef struct mark {
    long start, end;     /* code points of the page text */
    int rank;            /* 1: the query's best passage on this page */
    const ghs_hit *hit;
} mark;

static gint
cmp_mark(gconstpointer a, gconstpointer b)
{
    const mark *x = a, *y = b;

    return x->start < y->start ? -1 : x->start > y->start;
}

/* ,"query":q,"marks":[{"start","end","rank","highlights":[[s,e],...]},...]
 * for the passages of document d that query q finds on page (0: the whole
 * text of a document without pages), in the order they stand in text;
 * offsets are code points of text, end exclusive. The search is the one
 * the page ran (glossary expansion included), limited to d by a doc:
 * filter. A query that does not parse, or an id the query language cannot
 * quote, gives no marks: the page is still shown. */
static void
append_marks(const http_request *rq, const ghs_document *d, int page, const char *text,
             const char *q, GString *o)
{
    ghs_search_opts so = { GHS_SEARCH_OPTS_INIT };
    ghs_error err = {0};
    ghs_results *res = NULL;
    ghs_index *ix;
    GArray *marks = g_array_new(FALSE, FALSE, sizeof(mark));
    char *query;
    size_t i, n;
    int rank = 0;

    g_string_append(o, ",\"query\":");
    http_append_json(o, ghs_json_string(q));
    g_string_append(o, ",\"marks\":[");
    so.limit = so.per_doc = MAX(1, MIN(d->passages, (size_t)MAX_MARKED_PASSAGES));
    so.time_limit = rq->query_timeout;
    query = g_strdup_printf("doc:\"%s\" (%s)", d->id, q);
    ix = strpbrk(d->id, "\"()") || strlen(q) > GHS_HTTP_MAX_QUERY ? NULL
         : reader_pool_acquire(rq->readers, &err);
    if (ix) {
        if (ghs_search(ix, query, &so, &res, &err) < 0)
            res = NULL;
        reader_pool_release(rq->readers, ix);
    }
    n = res ? ghs_results_count(res) : 0;
    for (i = 0; i < n; i++) {
        const ghs_hit *h = ghs_results_hit(res, i);
        const char *full = h->full_passage ? h->full_passage : h->passage;
        long at;
        mark m;

        if (h->page != page || strcmp(h->doc, d->id) != 0 ||
            (at = find_passage(text, full)) < 0)
            continue;
        m.start = g_utf8_pointer_to_offset(text, text + at);
        m.end = m.start + g_utf8_strlen(full, -1);
        m.rank = ++rank;
        m.hit = h;
        g_array_append_val(marks, m);
    }
    g_array_sort(marks, cmp_mark);
    for (i = 0; i < marks->len; i++) {
        const mark *m = &g_array_index(marks, mark, i);
        const ghs_hit *h = m->hit;
        const ghs_span *hl = h->full_highlights ? h->full_highlights : h->highlights;
        size_t nh = h->full_highlights ? h->n_full_highlights : h->n_highlights;

        if (i > 0 && m->start == g_array_index(marks, mark, i - 1).start)
            continue;   /* the same words twice: one place in the text */
        g_string_append_printf(o, "%s{\"start\":%ld,\"end\":%ld,\"rank\":%d,\"highlights\":[",
                               i ? "," : "", m->start, m->end, m->rank);
        for (size_t k = 0; k < nh; k++)
            g_string_append_printf(o, "%s[%ld,%ld]", k ? "," : "", m->start + hl[k].start,
                                   m->start + hl[k].end);
        g_string_append(o, "]}");
    }
    g_string_append_c(o, ']');
    g_array_free(marks, TRUE);
    ghs_results_free(res);
    g_free(query);
}

/* A missing document or page is the client's 404 (an ambiguous file name
 * too, its message naming the ids to ask for), anything else the library's
 * error. */
static void
reply_doc_error(http_reply *r, const ghs_error *err)
{
    if (err->code == GHS_ENOTFOUND || err->code == GHS_EINVAL)
        http_reply_error(r, 404, "not_found", 0, "%s", ghs_error_what(err));
    else
        http_reply_library_error(r, err);
}

/* Look the document up, and the text of page (1..pages of a PDF; 0 for a
 * document without pages, whose text is then its whole text). *text stays
 * NULL when the document has no such kind of page. Fills r on failure and
 * returns -1. */
static int
load(const http_request *rq, const char *id, int page, ghs_document **d, char **text,
     http_reply *r)
{
    ghs_error err = {0};
    ghs_index *ix = reader_pool_acquire(rq->readers, &err);
    char *doc_id = NULL;
    int rc;

    *d = NULL;
    *text = NULL;
    if (!ix) {
        http_reply_library_error(r, &err);
        return -1;
    }
    rc = ghs_document_resolve(ix, id, &doc_id, &err);
    if (rc == 0)
        rc = ghs_document_get(ix, doc_id, d, &err);
    /* page 0 is the whole text of a document without pages; a PDF has
     * pages 1..pages */
    if (rc == 0 && (page == 0 ? (*d)->pages == 0 : (*d)->pages > 0))
        rc = ghs_document_page_text(ix, doc_id, page, text, &err);
    reader_pool_release(rq->readers, ix);
    ghs_free(doc_id);
    if (rc < 0) {
        ghs_document_free(*d);
        *d = NULL;
        reply_doc_error(r, &err);
        return -1;
    }
    return 0;
}

void
route_doc(const http_request *rq, const char *id, http_reply *r)
{
    ghs_document *d;
    char *text;
    GString *o;

    if (load(rq, id, 0, &d, &text, r) < 0)
        return;
    o = open_metadata(d);
    append_citation(o, d, 0);
    if (text) {
        const char *q = http_arg(rq, "q");

        g_string_append(o, ",\"text\":");
        http_append_json(o, ghs_json_string(text));
        if (q && *q)
            append_marks(rq, d, 0, text, q, o);
    }
    g_string_append(o, "}\n");
    http_reply_json(r, 200, o);
    ghs_free(text);
    ghs_document_free(d);
}

void
route_doc_page(const http_request *rq, const char *id, const char *page_text,
               http_reply *r)
{
    ghs_document *d;
    char *text;
    GString *o;
    guint64 page;
    const char *q = http_arg(rq, "q");

    if (!g_ascii_string_to_unsigned(page_text, 10, 1, 1000000, &page, NULL)) {
        http_reply_error(r, 404, "not_found", 0, "no page '%s' in document '%s'",
                         page_text, id);
        return;
    }
    if (load(rq, id, (int)page, &d, &text, r) < 0)
        return;
    if (!text) {   /* found, but a release or record: no pages */
        http_reply_error(r, 404, "not_found", 0,
                         "document '%s' has no pages (a %s); see /doc/ID for its text",
                         id, *d->type ? d->type : "document");
        ghs_document_free(d);
        return;
    }
    o = open_metadata(d);
    g_string_append_printf(o, ",\"page\":%d", (int)page);
    append_citation(o, d, (int)page);
    g_string_append(o, ",\"text\":");
    http_append_json(o, ghs_json_string(text));
    if (page > 1)
        g_string_append_printf(o, ",\"prev\":%d", (int)page - 1);
    else
        g_string_append(o, ",\"prev\":null");
    if ((int)page < d->pages)
        g_string_append_printf(o, ",\"next\":%d", (int)page + 1);
    else
        g_string_append(o, ",\"next\":null");
    if (q && *q)
        append_marks(rq, d, (int)page, text, q, o);
    g_string_append(o, "}\n");
    http_reply_json(r, 200, o);
    ghs_free(text);
    ghs_document_free(d);
}
