/*
 * json_out.c: writing JSON strings, numbers and search hits for --json.
 */
#include <math.h>

#include "json_out.h"

#include <string.h>

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

void
json_append_string(GString *out, const char *s)
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

void
json_append_member(GString *out, const char *key, const char *value)
{
    char last = out->len ? out->str[out->len - 1] : '{';

    if (last != '{' && last != '[' && last != ',')
        g_string_append_c(out, ',');
    json_append_string(out, key);
    g_string_append_c(out, ':');
    json_append_string(out, value);
}

void
json_append_number(GString *out, double v)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    if (!isfinite(v))
        v = 0;
    g_string_append(out, g_ascii_formatd(buf, sizeof buf, "%.6g", v));
}

/* The "source" to show (json_source_view). */
static const char *
shown_source(const char *source, const char *url, json_source_view view)
{
    const char *slash;

    if (view == JSON_SOURCE_PATH || !source)
        return source;
    if (url && *url)
        return url;
    if (g_str_has_prefix(source, "http://") || g_str_has_prefix(source, "https://"))
        return source;
    slash = strrchr(source, '/');
    return slash ? slash + 1 : source;
}

void
json_append_hit(GString *out, const ghs_hit *h, json_source_view view)
{
    size_t i;

    g_string_append_printf(out, "{\"rank\":%d,\"score\":", h->rank);
    json_append_number(out, h->score);
    json_append_member(out, "doc", h->doc);
    json_append_member(out, "title", h->title);
    json_append_member(out, "source", shown_source(h->source, h->url, view));
    if (h->page > 0)
        g_string_append_printf(out, ",\"page\":%d", h->page);
    else
        g_string_append(out, ",\"page\":null");
    json_append_member(out, "lang", h->lang);
    json_append_member(out, "passage", h->passage);
    g_string_append(out, ",\"highlights\":[");
    for (i = 0; i < h->n_highlights; i++)
        g_string_append_printf(out, "%s[%d,%d]", i ? "," : "",
                               h->highlights[i].start, h->highlights[i].end);
    g_string_append(out, "],\"citation\":");
    json_append_string(out, h->citation);
    json_append_member(out, "type", h->type);
    json_append_member(out, "publisher", h->publisher);
    json_append_member(out, "date", h->date);
    json_append_member(out, "url", h->url);
    if (h->linked_from && *h->linked_from) {
        json_append_member(out, "linked_from", h->linked_from);
    }
    g_string_append_printf(out, ",\"doc_rank\":%d", h->doc_rank);
    /* "passage" is the window shown; the whole passage and where the
     * window lies in it, and the other places of the same words. */
    json_append_member(out, "full_passage", h->full_passage ? h->full_passage : h->passage);
    g_string_append_printf(out, ",\"window\":[%d,%d],\"also_in\":[",
                           h->window_start, h->window_end);
    for (i = 0; i < h->n_also_in; i++) {
        g_string_append(out, i ? ",{\"doc\":" : "{\"doc\":");
        json_append_string(out, h->also_in[i].doc);
        json_append_member(out, "title", h->also_in[i].title);
        if (h->also_in[i].page > 0)
            g_string_append_printf(out, ",\"page\":%d}", h->also_in[i].page);
        else
            g_string_append(out, ",\"page\":null}");
    }
    /* Why it stands here (after the contract's keys, which keep their
     * order): its tier, and its wording score when the re-ranking of a
     * Japanese question placed it (ghs_hit). */
    g_string_append_printf(out, "],\"tier\":%d", h->tier);
    if (h->reranked) {
        g_string_append(out, ",\"rerank\":");
        json_append_number(out, h->rerank);
    }
    /* The page number printed on the page, when the PDF labels its pages
     * ("page" stays the physical page). */
    if (h->page_label && *h->page_label)
        json_append_member(out, "page_label", h->page_label);
    g_string_append_c(out, '}');
}

void json_append_facets(GString *out, const ghs_facet *fs, size_t n)
{
    const char *field = NULL;
    g_string_append_c(out, '{');
    for (size_t i = 0; i < n; i++) {
        if (!field || strcmp(field, fs[i].field) != 0) {
            if (field)
                g_string_append(out, "],");
            field = fs[i].field;
            json_append_string(out, field);
            g_string_append(out, ":[");
        } else {
            g_string_append_c(out, ',');
        }
        g_string_append(out, "{\"value\":");
        json_append_string(out, fs[i].value);
        g_string_append_printf(out, ",\"documents\":%zu,\"passages\":%zu}",
                               fs[i].documents, fs[i].passages);
    }
    g_string_append(out, field ? "]}" : "}");
}

void json_append_document_fields(GString *out, const ghs_document *d, const char *id_key,
                                 json_source_view view)
{
    static const char *const keys[] = { "title", "source", "url", "lang", "type",
                                         "publisher", "date" };
    const char *vals[] = { d->title, shown_source(d->source, d->url, view), d->url,
                           d->lang, d->type, d->publisher, d->date };
    json_append_string(out, id_key);
    g_string_append_c(out, ':');
    json_append_string(out, d->id);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        g_string_append_printf(out, ",\"%s\":", keys[i]);
        json_append_string(out, vals[i]);
    }
    g_string_append_printf(out, ",\"pages\":%d,\"passages\":%zu", d->pages, d->passages);
}
