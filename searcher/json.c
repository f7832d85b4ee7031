/*
 * json.c: hits, documents and facet counts as JSON text, the one writer
 * behind `ghsearch search --json`, `show --json` and the HTTP API (so both
 * front ends print the same fields), with the string and number forms they
 * use for the members of their own objects.
 *
 * Only writing, by hand rather than through json-glib, so that the bytes
 * are ours: key order, DEL escaped, numbers as %.6g whatever the locale.
 */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "ghsearch.h"

static void
append_valid_utf8(GString *out, const char *s)
{
    const unsigned char *p;

    for (p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':  g_string_append(out, "\\\""); break;
        case '\\': g_string_append(out, "\\\\"); break;
        case '\b': g_string_append(out, "\\b"); break;
        case '\f': g_string_append(out, "\\f"); break;
        case '\n': g_string_append(out, "\\n"); break;
        case '\r': g_string_append(out, "\\r"); break;
        case '\t': g_string_append(out, "\\t"); break;
        default:
            /* DEL is legal JSON but a terminal control; escape it too. */
            if (*p < 0x20 || *p == 0x7f)
                g_string_append_printf(out, "\\u%04x", *p);
            else
                g_string_append_c(out, (char)*p);
        }
    }
}

/* s as a JSON string (ghs_json_string). */
static void
append_string(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    if (s) {
        if (g_utf8_validate(s, -1, NULL)) {
            append_valid_utf8(out, s);
        } else {
            char *fixed = g_utf8_make_valid(s, -1);
            append_valid_utf8(out, fixed);
            g_free(fixed);
        }
    }
    g_string_append_c(out, '"');
}

/* ,"key":"value" */
static void
append_member(GString *out, const char *key, const char *value)
{
    g_string_append_printf(out, ",\"%s\":", key);
    append_string(out, value);
}

/* v as a JSON number (ghs_json_number). */
static void
append_number(GString *out, double v)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    if (!isfinite(v))
        v = 0;
    g_string_append(out, g_ascii_formatd(buf, sizeof buf, "%.6g", v));
}

/* ,"page":N, or null for 0 (no pages) */
static void
append_page(GString *out, int page)
{
    if (page > 0)
        g_string_append_printf(out, ",\"page\":%d", page);
    else
        g_string_append(out, ",\"page\":null");
}

/* The "source" to show (GHS_JSON_SOURCE_REMOTE). */
static const char *
shown_source(const char *source, const char *url, int flags)
{
    const char *slash;

    if (!(flags & GHS_JSON_SOURCE_REMOTE) || !source)
        return source;
    if (url && *url)
        return url;
    if (g_str_has_prefix(source, "http://") || g_str_has_prefix(source, "https://"))
        return source;
    slash = strrchr(source, '/');
    return slash ? slash + 1 : source;
}

char *ghs_json_string(const char *s)
{
    GString *out = g_string_new(NULL);

    append_string(out, s);
    return g_string_free(out, FALSE);
}

char *ghs_json_number(double v)
{
    GString *out = g_string_new(NULL);

    append_number(out, v);
    return g_string_free(out, FALSE);
}

char *ghs_hit_json(const ghs_hit *h, int flags)
{
    GString *out;
    size_t i;
    char *link;

    if (!h)
        return NULL;
    out = g_string_new(NULL);
    g_string_append_printf(out, "{\"rank\":%d,\"score\":", h->rank);
    append_number(out, h->score);
    append_member(out, "doc", h->doc);
    append_member(out, "title", h->title);
    append_member(out, "source", shown_source(h->source, h->url, flags));
    append_page(out, h->page);
    append_member(out, "lang", h->lang);
    append_member(out, "passage", h->passage);
    g_string_append(out, ",\"highlights\":[");
    for (i = 0; i < h->n_highlights; i++)
        g_string_append_printf(out, "%s[%d,%d]", i ? "," : "",
                               h->highlights[i].start, h->highlights[i].end);
    g_string_append_c(out, ']');
    append_member(out, "citation", h->citation);
    append_member(out, "type", h->type);
    append_member(out, "publisher", h->publisher);
    append_member(out, "date", h->date);
    append_member(out, "url", h->url);
    if (h->linked_from && *h->linked_from)
        append_member(out, "linked_from", h->linked_from);
    g_string_append_printf(out, ",\"doc_rank\":%d", h->doc_rank);
    /* "passage" is the window shown; the whole passage and where the
     * window lies in it, and the other places of the same words. */
    append_member(out, "full_passage", h->full_passage ? h->full_passage : h->passage);
    g_string_append_printf(out, ",\"window\":[%d,%d],\"also_in\":[",
                           h->window_start, h->window_end);
    for (i = 0; i < h->n_also_in; i++) {
        g_string_append(out, i ? ",{\"doc\":" : "{\"doc\":");
        append_string(out, h->also_in[i].doc);
        append_member(out, "title", h->also_in[i].title);
        append_page(out, h->also_in[i].page);
        if (h->also_in[i].page_label && *h->also_in[i].page_label)
            append_member(out, "page_label", h->also_in[i].page_label);
        g_string_append_c(out, '}');
    }
    /* Why it stands here (after the contract's keys, which keep their
     * order): its tier, and its wording score when the re-ranking of a
     * Japanese question placed it (ghs_hit). */
    g_string_append_printf(out, "],\"tier\":%d", h->tier);
    if (h->reranked) {
        g_string_append(out, ",\"rerank\":");
        append_number(out, h->rerank);
    }
    /* The page number printed on the page, when the PDF labels its pages
     * ("page" stays the physical page). */
    if (h->page_label && *h->page_label)
        append_member(out, "page_label", h->page_label);
    /* What opens the hit at its page, here or for a remote user
     * (open_url.c): a file:// link or the server's own, never a path
     * over HTTP. */
    link = ghs_hit_open_url(h, flags);
    if (link)
        append_member(out, "open_url", link);
    ghs_free(link);
    g_string_append_c(out, '}');
    return g_string_free(out, FALSE);
}

char *ghs_facets_json(const ghs_facet *fs, size_t n)
{
    GString *out = g_string_new("{");
    const char *field = NULL;

    for (size_t i = 0; fs && i < n; i++) {
        if (!field || strcmp(field, fs[i].field) != 0) {
            if (field)
                g_string_append(out, "],");
            field = fs[i].field;
            append_string(out, field);
            g_string_append(out, ":[");
        } else {
            g_string_append_c(out, ',');
        }
        g_string_append(out, "{\"value\":");
        append_string(out, fs[i].value);
        g_string_append_printf(out, ",\"documents\":%zu,\"passages\":%zu}",
                               fs[i].documents, fs[i].passages);
    }
    g_string_append(out, field ? "]}" : "}");
    return g_string_free(out, FALSE);
}

char *ghs_document_json(const ghs_document *d, int flags)
{
    static const char *const keys[] = { "title", "source", "url", "lang", "type",
                                         "publisher", "date" };
    GString *out;

    if (!d)
        return NULL;
    const char *vals[] = { d->title, shown_source(d->source, d->url, flags), d->url,
                           d->lang, d->type, d->publisher, d->date };
    out = g_string_new(flags & GHS_JSON_ID_AS_DOC ? "{\"doc\":" : "{\"id\":");
    append_string(out, d->id);
    for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
        append_member(out, keys[i], vals[i]);
    g_string_append_printf(out, ",\"pages\":%d,\"passages\":%zu}", d->pages, d->passages);
    return g_string_free(out, FALSE);
}
