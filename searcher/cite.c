/*
 * cite.c: citations of a hit or a document, in three styles.
 *
 *  - text:     "Title, Publisher, 2023, p. 3, URL" for pasting into a draft;
 *  - bibtex:   one entry for a .bib file (BibTeX's required fields of the
 *              entry type chosen: @techreport needs author, title,
 *              institution and year, so a PDF without a publisher or a year
 *              falls back to @misc, which needs none);
 *  - csl-json: one item of the Citation Style Language's JSON schema
 *              (csl-data.json: "id" and "type" required, dates as
 *              {"date-parts": [[Y, M, D]]}), for Zotero, pandoc, citeproc.
 * Everything is built from a cite_src, so a hit and a document (`show`)
 * cite the same way. Also owns the short citation stored in each hit
 * (ghs_cite_text), which the JSON output's "citation" field carries.
 *
 * Does not own: where the metadata comes from (search.c, document.c).
 */
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#include "index_handle.h"
#include "search_internal.h"

/* Whether label is a printed page label worth citing beside page: set,
 * and not the page's own number. */
static int has_own_label(int page, const char *label)
{
    if (page <= 0 || !label || !*label)
        return 0;
    char num[16];
    g_snprintf(num, sizeof num, "%d", page);
    return strcmp(label, num) != 0;
}

/* "p. 15 (PDF p. 16)" when the page has a printed label of its own, else
 * "p. 16"; nothing for page 0. */
static void append_page(GString *s, int page, const char *label)
{
    if (page <= 0)
        return;
    if (has_own_label(page, label))
        g_string_append_printf(s, "p. %s (PDF p. %d)", label, page);
    else
        g_string_append_printf(s, "p. %d", page);
}

char *ghs_cite_text_label(const char *title, int page, const char *label)
{
    GString *s = g_string_new(title && *title ? title : "(untitled)");
    if (page > 0)
        g_string_append(s, ", ");
    append_page(s, page, label);
    return g_string_free(s, FALSE);
}

char *ghs_cite_text(const char *title, int page)
{
    return ghs_cite_text_label(title, page, NULL);
}

void ghs_free(void *p)
{
    free(p);
}

int ghs_cite_style_parse(const char *name, ghs_cite_style *out, ghs_error *err)
{
    static const struct { const char *name; ghs_cite_style style; } styles[] = {
        { "text", GHS_CITE_TEXT },
        { "bibtex", GHS_CITE_BIBTEX },
        { "csl-json", GHS_CITE_CSL_JSON },
    };
    for (size_t i = 0; name && i < G_N_ELEMENTS(styles); i++)
        if (!strcmp(name, styles[i].name)) {
            *out = styles[i].style;
            return 0;
        }
    return ghs_set_error(err, GHS_EINVAL,
                         "[cite] unknown citation style '%s' (expected text, bibtex or csl-json)",
                         name ? name : "");
}

/* ------------------------------------------------------------ dates */

static int digits_at(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!g_ascii_isdigit(s[i]))
            return 0;
    return !g_ascii_isdigit(s[n]);
}

/* Parse a 1- or 2-digit number in [1, max] at *p, moving *p past it. */
static int small_number(const char **p, int max)
{
    const char *s = *p;
    int n = 0, k = 0;
    while (k < 2 && g_ascii_isdigit(s[k]))
        n = n * 10 + (s[k++] - '0');
    if (k == 0 || g_ascii_isdigit(s[k]) || n < 1 || n > max)
        return 0;
    *p = s + k;
    return n;
}

/* Skip one date separator: - / . or 年 月 (Japanese dates). */
static int date_sep(const char **p)
{
    static const char *const seps[] = { "-", "/", ".", "\xe5\xb9\xb4", "\xe6\x9c\x88" };
    for (size_t i = 0; i < G_N_ELEMENTS(seps); i++)
        if (g_str_has_prefix(*p, seps[i])) {
            *p += strlen(seps[i]);
            return 1;
        }
    return 0;
}

/* The date in s as year, month, day ("2023-04-28", "2023/4", "2023年4月28日",
 * "2023"): returns how many parts were found (0 when s holds no year). */
int ghs_cite_parse_date(const char *s, int *y, int *m, int *d)
{
    *y = *m = *d = 0;
    if (!s)
        return 0;
    const char *p = s;
    for (; *p; p++)
        if ((p == s || !g_ascii_isdigit(p[-1])) && digits_at(p, 4))
            break;
    if (!*p)
        return 0;
    *y = atoi(p);
    p += 4;
    const char *q = p;
    if (!date_sep(&q) || !(*m = small_number(&q, 12)))
        return 1;
    p = q;
    if (!date_sep(&q) || !(*d = small_number(&q, 31)))
        return 2;
    return 3;
}

/* ------------------------------------------------------------ sources */

static int is_web_url(const char *s)
{
    return s && (g_str_has_prefix(s, "http://") || g_str_has_prefix(s, "https://"));
}

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

/* Is s an absolute URL a reader can follow from a reference list: a
 * scheme (RFC 3986) other than file:, so neither a local path nor a
 * relative reference like "records.jsonl#note-1". */
static int is_citable_url(const char *s)
{
    if (!s || !g_ascii_isalpha(*s))
        return 0;
    const char *p = s + 1;
    while (g_ascii_isalnum(*p) || *p == '+' || *p == '-' || *p == '.')
        p++;
    return *p == ':' && p[1] != '\0' && g_ascii_strncasecmp(s, "file:", 5) != 0;
}

/* The URL to cite: the stated one, else the source when it is on the web;
 * never a local path or a relative reference. */
static const char *cite_url(const cite_src *c)
{
    if (is_citable_url(c->url))
        return c->url;
    return is_web_url(c->source) ? c->source : NULL;
}

static const char *cite_title(const cite_src *c)
{
    return nonempty(c->title) ? c->title : nonempty(c->doc) ? c->doc : "(untitled)";
}

/* ------------------------------------------------------------ text */

static char *cite_text_full(const cite_src *c)
{
    GString *s = g_string_new(cite_title(c));
    int y, m, d;
    if (nonempty(c->publisher))
        g_string_append_printf(s, ", %s", c->publisher);
    if (ghs_cite_parse_date(c->date, &y, &m, &d) > 0)
        g_string_append_printf(s, ", %d", y);
    if (c->page > 0)
        g_string_append(s, ", ");
    append_page(s, c->page, c->page_label);
    if (cite_url(c))
        g_string_append_printf(s, ", %s", cite_url(c));
    return g_string_free(s, FALSE);
}

/* ------------------------------------------------------------ BibTeX */

/* Text for a braced BibTeX field: LaTeX's special characters escaped,
 * control characters as spaces, UTF-8 kept as is (biber, and BibTeX with
 * inputenc, read it). */
static void bib_escape(GString *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '{': case '}': case '%': case '&': case '$': case '#': case '_':
            g_string_append_c(out, '\\');
            g_string_append_c(out, (char)*p);
            break;
        case '~': g_string_append(out, "\\textasciitilde{}"); break;
        case '^': g_string_append(out, "\\textasciicircum{}"); break;
        case '\\': g_string_append(out, "\\textbackslash{}"); break;
        default:
            g_string_append_c(out, *p < 0x20 ? ' ' : (char)*p);
        }
    }
}

/* A URL for the url field, which biblatex and hyperref's \url read
 * verbatim: only what would break the braces or the line is
 * percent-encoded. */
static void bib_url(GString *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '{' || *p == '}' || *p == '\\' || *p <= 0x20)
            g_string_append_printf(out, "%%%02X", *p);
        else
            g_string_append_c(out, (char)*p);
    }
}

/* The entry key: the document id where it is made of characters every
 * BibTeX tool accepts in a key (ASCII letters, digits, - _ : .); otherwise
 * those characters, '-' for each run of the others and a short hash of the
 * id, so two ids that differ only in replaced characters (two Japanese
 * file names) keep distinct keys. A key always starts with a letter. */
static char *bib_key(const char *id)
{
    GString *k = g_string_new(NULL);
    int changed = 0;
    for (const unsigned char *p = (const unsigned char *)(id ? id : ""); *p; p++) {
        if (g_ascii_isalnum(*p) || *p == '-' || *p == '_' || *p == ':' || *p == '.') {
            g_string_append_c(k, (char)*p);
        } else {
            changed = 1;
            if (k->len && k->str[k->len - 1] != '-')
                g_string_append_c(k, '-');
        }
    }
    while (k->len && !g_ascii_isalnum(k->str[0])) {
        g_string_erase(k, 0, 1);
        changed = 1;
    }
    while (k->len && !g_ascii_isalnum(k->str[k->len - 1]) && changed)
        g_string_truncate(k, k->len - 1);
    if (changed || k->len == 0) {
        char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA1, id ? id : "", -1);
        if (k->len)
            g_string_append_c(k, '-');
        g_string_append_len(k, sum, 8);
        g_free(sum);
    }
    if (!g_ascii_isalpha(k->str[0]))
        g_string_prepend(k, "doc-");
    return g_string_free(k, FALSE);
}

static const char *bib_langid(const char *lang)
{
    if (!lang)
        return NULL;
    if (!strcmp(lang, "ja"))
        return "japanese";
    if (!strcmp(lang, "en"))
        return "english";
    if (!strcmp(lang, "zh"))
        return "chinese";
    return NULL;
}

/* Start a field "  name = {"; the caller appends the value and "}". */
static void bib_field(GString *s, const char *name)
{
    g_string_append_printf(s, ",\n  %s = {", name);
}

static char *cite_bibtex(const cite_src *c)
{
    static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec" };
    int y, m, d;
    int parts = ghs_cite_parse_date(c->date, &y, &m, &d);
    const char *pub = nonempty(c->publisher);
    int report = c->type && !strcmp(c->type, "pdf") && pub && parts > 0;
    char *key = bib_key(c->doc);
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "@%s{%s", report ? "techreport" : "misc", key);
    g_free(key);
    if (pub) {
        /* Double braces: a corporate author, not "Last, First". */
        bib_field(s, "author");
        g_string_append_c(s, '{');
        bib_escape(s, pub);
        g_string_append(s, "}}");
    }
    /* Double braces keep the title's capitals (UHC, COVID-19) as written. */
    bib_field(s, "title");
    g_string_append_c(s, '{');
    bib_escape(s, cite_title(c));
    g_string_append(s, "}}");
    if (report) {
        bib_field(s, "institution");
        bib_escape(s, pub);
        g_string_append_c(s, '}');
    } else if (pub) {
        bib_field(s, "publisher");
        bib_escape(s, pub);
        g_string_append_c(s, '}');
    }
    if (parts > 0) {
        bib_field(s, "year");
        g_string_append_printf(s, "%d}", y);
    }
    if (parts > 1)   /* the month macros, unbraced, as styles expect */
        g_string_append_printf(s, ",\n  month = %s", months[m - 1]);
    if (cite_url(c)) {
        bib_field(s, "url");
        bib_url(s, cite_url(c));
        g_string_append_c(s, '}');
    }
    if (nonempty(c->pages)) {
        bib_field(s, "note");
        g_string_append(s, strchr(c->pages, ',') ? "pp.~" : "p.~");
        bib_escape(s, c->pages);
        g_string_append_c(s, '}');
    } else if (has_own_label(c->page, c->page_label)) {
        bib_field(s, "note");
        g_string_append(s, "p.~");
        bib_escape(s, c->page_label);
        g_string_append_printf(s, " (PDF p.~%d)}", c->page);
    } else if (c->page > 0) {
        bib_field(s, "note");
        g_string_append_printf(s, "p.~%d}", c->page);
    }
    if (bib_langid(c->lang)) {
        bib_field(s, "langid");
        g_string_append_printf(s, "%s}", bib_langid(c->lang));
    }
    g_string_append(s, "\n}");
    return g_string_free(s, FALSE);
}

/* ------------------------------------------------------------ CSL-JSON */

static const char *csl_type(const char *type)
{
    if (type && !strcmp(type, "pdf"))
        return "report";
    if (type && !strcmp(type, "release"))
        return "webpage";
    return "article";
}

static void csl_string(JsonBuilder *b, const char *name, const char *value)
{
    if (!nonempty(value))
        return;
    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, value);
}

/* One CSL-JSON item of c, added to b. */
static void csl_item(JsonBuilder *b, const cite_src *c)
{
    json_builder_begin_object(b);
    csl_string(b, "id", nonempty(c->doc) ? c->doc : cite_title(c));
    csl_string(b, "type", csl_type(c->type));
    csl_string(b, "title", cite_title(c));
    csl_string(b, "publisher", c->publisher);
    int parts[3];
    int n = ghs_cite_parse_date(c->date, &parts[0], &parts[1], &parts[2]);
    if (n > 0) {
        json_builder_set_member_name(b, "issued");
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "date-parts");
        json_builder_begin_array(b);
        json_builder_begin_array(b);
        for (int i = 0; i < n; i++)
            json_builder_add_int_value(b, parts[i]);
        json_builder_end_array(b);
        json_builder_end_array(b);
        json_builder_end_object(b);
    }
    csl_string(b, "URL", cite_url(c));
    if (has_own_label(c->page, c->page_label)) {
        csl_string(b, "page", c->page_label);   /* the page as printed */
    } else if (c->page > 0) {
        char page[16];
        g_snprintf(page, sizeof page, "%d", c->page);
        csl_string(b, "page", page);   /* CSL's page is a string ("3", "3-5") */
    }
    if (nonempty(c->pages)) {
        char *note = g_strdup_printf("%s %s", strchr(c->pages, ',') ? "pp." : "p.", c->pages);
        csl_string(b, "note", note);   /* the pages the search found it on */
        g_free(note);
    }
    csl_string(b, "language", c->lang);
    json_builder_end_object(b);
}

static char *json_of(JsonBuilder *b, int pretty)
{
    JsonNode *root = json_builder_get_root(b);
    JsonGenerator *g = json_generator_new();
    json_generator_set_root(g, root);
    json_generator_set_pretty(g, pretty);
    char *s = json_generator_to_data(g, NULL);
    g_object_unref(g);
    json_node_unref(root);
    return s;
}

static char *cite_csl_json(const cite_src *c)
{
    JsonBuilder *b = json_builder_new();
    csl_item(b, c);
    char *s = json_of(b, 0);
    g_object_unref(b);
    return s;
}

/* ------------------------------------------------------------ entry points */

int ghs_cite(const cite_src *c, ghs_cite_style style, char **out, ghs_error *err)
{
    char *s = NULL;
    switch (style) {
    case GHS_CITE_TEXT: s = cite_text_full(c); break;
    case GHS_CITE_BIBTEX: s = cite_bibtex(c); break;
    case GHS_CITE_CSL_JSON: s = cite_csl_json(c); break;
    default:
        return ghs_set_error(err, GHS_EINVAL, "[cite] unknown citation style %d", (int)style);
    }
    /* GLib allocates with malloc (since 2.46), so the caller's free() matches. */
    *out = s;
    return 0;
}

int ghs_hit_cite(const ghs_hit *h, ghs_cite_style style, char **out, ghs_error *err)
{
    *out = NULL;
    if (!h)
        return ghs_set_error(err, GHS_EINVAL, "[cite] no hit given");
    cite_src c = {
        .doc = h->doc, .title = h->title, .publisher = h->publisher, .date = h->date,
        .type = h->type, .lang = h->lang, .url = h->url, .source = h->source,
        .page = h->page, .page_label = h->page_label,
    };
    return ghs_cite(&c, style, out, err);
}

int ghs_document_cite(const ghs_document *d, int page, ghs_cite_style style, char **out,
                      ghs_error *err)
{
    *out = NULL;
    if (!d)
        return ghs_set_error(err, GHS_EINVAL, "[cite] no document given");
    cite_src c = {
        .doc = d->id, .title = d->title, .publisher = d->publisher, .date = d->date,
        .type = d->type, .lang = d->lang, .url = d->url, .source = d->source,
        .page = page, .page_label = ghs_document_page_label(d, page),
    };
    return ghs_cite(&c, style, out, err);
}

/* ------------------------------------------------------------ exports */

int ghs_export_format_parse(const char *name, ghs_export_format *out, ghs_error *err)
{
    static const struct { const char *name; ghs_export_format f; } names[] = {
        { "bibtex", GHS_EXPORT_BIBTEX }, { "ris", GHS_EXPORT_RIS },
        { "csl-json", GHS_EXPORT_CSL_JSON },
    };
    for (size_t i = 0; name && i < G_N_ELEMENTS(names); i++)
        if (!g_ascii_strcasecmp(name, names[i].name)) {
            *out = names[i].f;
            return 0;
        }
    return ghs_set_error(err, GHS_EINVAL,
                         "[export] unknown format '%s' (use bibtex, ris or csl-json)",
                         name ? name : "");
}

/* One document of an export: its first hit and the pages of all its hits. */
typedef struct export_doc {
    const ghs_hit *first;
    GArray *pages;        /* int, ascending, distinct */
    GHashTable *labels;   /* page -> its printed label (owned by the hits) */
} export_doc;

static void export_doc_free(gpointer p)
{
    export_doc *d = p;
    g_array_free(d->pages, TRUE);
    g_hash_table_destroy(d->labels);
    g_free(d);
}

static gint cmp_int(gconstpointer a, gconstpointer b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* "3, 15 (PDF p. 16)": the pages as printed, the PDF page beside a label
 * of its own; NULL without pages (records, releases). */
static char *pages_text(const export_doc *d)
{
    if (d->pages->len == 0)
        return NULL;
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < d->pages->len; i++) {
        int page = g_array_index(d->pages, int, i);
        const char *label = g_hash_table_lookup(d->labels, GINT_TO_POINTER(page));
        if (i)
            g_string_append(s, ", ");
        if (has_own_label(page, label))
            g_string_append_printf(s, "%s (PDF p. %d)", label, page);
        else
            g_string_append_printf(s, "%d", page);
    }
    return g_string_free(s, FALSE);
}

static const char *ris_type(const char *type)
{
    if (type && !strcmp(type, "pdf"))
        return "RPRT";
    if (type && !strcmp(type, "release"))
        return "ELEC";
    return "GEN";
}

/* A RIS field: "XX  - value"; line breaks inside a value become spaces. */
static void ris_field(GString *s, const char *tag, const char *value)
{
    if (!nonempty(value))
        return;
    g_string_append_printf(s, "%s  - ", tag);
    for (const char *p = value; *p; p++)
        g_string_append_c(s, *p == '\n' || *p == '\r' ? ' ' : *p);
    g_string_append(s, "\r\n");
}

static void ris_entry(GString *s, const cite_src *c)
{
    ris_field(s, "TY", ris_type(c->type));   /* first, as RIS requires */
    char *key = bib_key(c->doc);
    ris_field(s, "ID", key);
    g_free(key);
    ris_field(s, "TI", cite_title(c));
    ris_field(s, "AU", c->publisher);   /* a corporate author */
    ris_field(s, "PB", c->publisher);
    int y, m, d;
    int parts = ghs_cite_parse_date(c->date, &y, &m, &d);
    if (parts > 0) {
        char buf[32];
        g_snprintf(buf, sizeof buf, "%04d", y);
        ris_field(s, "PY", buf);
        if (parts > 1) {
            if (parts > 2)
                g_snprintf(buf, sizeof buf, "%04d/%02d/%02d/", y, m, d);
            else
                g_snprintf(buf, sizeof buf, "%04d/%02d//", y, m);
            ris_field(s, "DA", buf);
        }
    }
    ris_field(s, "UR", cite_url(c));
    if (nonempty(c->pages)) {
        char *note = g_strdup_printf("%s %s", strchr(c->pages, ',') ? "pp." : "p.", c->pages);
        ris_field(s, "N1", note);
        g_free(note);
    }
    ris_field(s, "LA", c->lang);
    g_string_append(s, "ER  - \r\n");   /* last, as RIS requires */
}

int ghs_results_export(const ghs_results *r, ghs_export_format fmt, char **out, ghs_error *err)
{
    *out = NULL;
    if (!r)
        return ghs_set_error(err, GHS_EINVAL, "[export] no results given");
    if (fmt != GHS_EXPORT_BIBTEX && fmt != GHS_EXPORT_RIS && fmt != GHS_EXPORT_CSL_JSON)
        return ghs_set_error(err, GHS_EINVAL, "[export] unknown format %d", (int)fmt);
    /* The documents in the order of their first hit, each with its pages. */
    GPtrArray *docs = g_ptr_array_new_with_free_func(export_doc_free);
    GHashTable *by_id = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; i < ghs_results_count(r); i++) {
        const ghs_hit *h = ghs_results_hit(r, i);
        export_doc *d = g_hash_table_lookup(by_id, h->doc);
        if (!d) {
            d = g_new0(export_doc, 1);
            d->first = h;
            d->pages = g_array_new(FALSE, FALSE, sizeof(int));
            d->labels = g_hash_table_new(g_direct_hash, g_direct_equal);
            g_ptr_array_add(docs, d);
            g_hash_table_insert(by_id, (gpointer)h->doc, d);
        }
        if (h->page > 0 && !g_hash_table_contains(d->labels, GINT_TO_POINTER(h->page))) {
            g_array_append_val(d->pages, h->page);
            g_hash_table_insert(d->labels, GINT_TO_POINTER(h->page), (gpointer)h->page_label);
        }
    }
    g_hash_table_destroy(by_id);
    GString *s = g_string_new(NULL);
    JsonBuilder *b = fmt == GHS_EXPORT_CSL_JSON ? json_builder_new() : NULL;
    if (b)
        json_builder_begin_array(b);
    for (guint i = 0; i < docs->len; i++) {
        export_doc *d = docs->pdata[i];
        g_array_sort(d->pages, cmp_int);
        char *pages = pages_text(d);
        const ghs_hit *h = d->first;
        cite_src c = {
            .doc = h->doc, .title = h->title, .publisher = h->publisher, .date = h->date,
            .type = h->type, .lang = h->lang, .url = h->url, .source = h->source,
            .pages = pages,
        };
        if (fmt == GHS_EXPORT_BIBTEX) {
            char *e = cite_bibtex(&c);
            g_string_append_printf(s, "%s%s\n", i ? "\n" : "", e);
            g_free(e);
        } else if (fmt == GHS_EXPORT_RIS) {
            if (i)
                g_string_append(s, "\r\n");
            ris_entry(s, &c);
        } else {
            csl_item(b, &c);
        }
        g_free(pages);
    }
    if (b) {
        json_builder_end_array(b);
        char *json = json_of(b, 1);
        g_string_append(s, json);
        g_string_append_c(s, '\n');
        g_free(json);
        g_object_unref(b);
    }
    g_ptr_array_free(docs, TRUE);
    *out = g_string_free(s, FALSE);
    return 0;
}
