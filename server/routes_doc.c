/*
 * routes_doc.c: GET /doc/{id} (a document's metadata, its citation, and its
 * text when it has no pages) and GET /doc/{id}/page/{n} (one page's text),
 * through the library's document API.
 *
 * {id} is what `ghsearch show` takes: a document id, the path of an
 * indexed file or its file name (ghs_document_resolve). It goes only to
 * the library, which looks it up among the index's ids and recorded paths
 * and never opens or stats a file by it.
 */
#include "server_internal.h"

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
        g_string_append(o, ",\"text\":");
        http_append_json(o, ghs_json_string(text));
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
        g_string_append_printf(o, ",\"next\":%d}\n", (int)page + 1);
    else
        g_string_append(o, ",\"next\":null}\n");
    http_reply_json(r, 200, o);
    ghs_free(text);
    ghs_document_free(d);
}
