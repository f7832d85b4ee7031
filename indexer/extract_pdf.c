/*
 * extract_pdf.c: ghs_extract_pdf(), text and metadata of a PDF through
 * poppler-glib, page by page.
 *
 * Owns the clean-up of poppler's page text (line ends, control characters,
 * ligatures, hyphenated line ends) and of the document's title, the order
 * of the passes over a document's pages (layout breaks per page,
 * pdf_layout.c; running heads across pages, pdf_furniture.c; notes and
 * form fields after each page's text, pdf_annots.c), and the limits that
 * keep a hostile file (page tree claiming a million pages, a decompression
 * bomb) from taking all memory. It does not isolate poppler itself: time
 * limits and crash isolation are the caller's business (run it in a child
 * process).
 */
#include "extract_internal.h"
#include "pdf_annots.h"
#include "pdf_furniture.h"
#include "pdf_layout.h"
#include "pdf_page_numbers.h"
#include "pdf_title.h"
#include "unicode.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <poppler.h>

/* ---------------------------------------------------------- page text */

/* First pass: valid UTF-8, '\n' line ends, no control characters, no
 * ligatures, no spaces before a line end, no blank lines at either end. */
static void clean_layout(const char *raw, GString *out)
{
    for (const char *p = raw; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c == '\r') {
            if (p[1] == '\n')
                continue;
            c = '\n'; /* a lone CR ends a line */
        }
        switch (c) {
        case '\n':
        case '\f':
        case '\v':
            while (out->len > 0 && out->str[out->len - 1] == ' ')
                g_string_truncate(out, out->len - 1);
            if (out->len > 0)
                g_string_append_c(out, '\n');
            continue;
        case '\t':
            g_string_append_c(out, ' ');
            continue;
        case 0xFB00: g_string_append(out, "ff"); continue;
        case 0xFB01: g_string_append(out, "fi"); continue;
        case 0xFB02: g_string_append(out, "fl"); continue;
        case 0xFB03: g_string_append(out, "ffi"); continue;
        case 0xFB04: g_string_append(out, "ffl"); continue;
        case 0xFB05: /* long s + t */
        case 0xFB06: g_string_append(out, "st"); continue;
        case 0xFEFF: /* a BOM in the middle of text carries nothing */
            continue;
        default:
            break;
        }
        if (c < 0x20 || (c >= 0x7F && c < 0xA0))
            continue;
        g_string_append_unichar(out, c);
    }
    while (out->len > 0 && (out->str[out->len - 1] == ' ' ||
                            out->str[out->len - 1] == '\n'))
        g_string_truncate(out, out->len - 1);
}

/* The byte length of a line-end hyphen ending s[0..len) (ASCII '-', soft
 * hyphen U+00AD or U+2010), or 0. */
static size_t trailing_hyphen(const char *s, size_t len)
{
    if (len >= 1 && s[len - 1] == '-')
        return 1;
    if (len >= 2 && memcmp(s + len - 2, "\xC2\xAD", 2) == 0)
        return 2;
    if (len >= 3 && memcmp(s + len - 3, "\xE2\x80\x90", 3) == 0)
        return 3;
    return 0;
}

/* Second pass: "recom-\nmendation" -> "recommendation" when the letters
 * on both sides of the break are lowercase; a capital or a digit after the
 * break ("COVID-\n19", "Low-\nIncome") keeps hyphen and line.
 * A line wrapped inside Japanese text ("持続させるた\nめ") is joined with
 * nothing between: Japanese puts no space between words, and a break left
 * there would cut a word in two for the analyzer. A line ending in 。, or
 * shorter than 70% of the page's longest line (a heading, a paragraph's
 * end), keeps its break. */
static char *join_hyphens(const char *s, size_t len, size_t *out_len)
{
    GString *out = g_string_sized_new(len);
    /* A line wrapped by the layout is (nearly) as long as the longest line
     * of the page; a shorter one is a heading or a paragraph's last line. */
    glong longest = 0;
    for (size_t a = 0, b; a < len; a = b + 1) {
        const char *nl = memchr(s + a, '\n', len - a);
        b = nl ? (size_t)(nl - s) : len;
        glong n = g_utf8_strlen(s + a, (gssize)(b - a));
        if (n > longest)
            longest = n;
    }
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '\n')
            continue;
        size_t h = trailing_hyphen(s + start, i - start);
        bool join = false;
        if (h > 0 && i - start > h && i + 1 < len) {
            const char *before = g_utf8_find_prev_char(s + start, s + i - h);
            gunichar b = before != NULL ? g_utf8_get_char(before) : 0;
            gunichar a = g_utf8_get_char(s + i + 1);
            join = g_unichar_islower(b) && g_unichar_islower(a);
        }
        bool join_cjk = false;
        if (!join && h == 0 && i > start && i + 1 < len) {
            const char *before = g_utf8_find_prev_char(s + start, s + i);
            gunichar b = before != NULL ? g_utf8_get_char(before) : 0;
            gunichar a = g_utf8_get_char(s + i + 1);
            join_cjk = ghs_is_cjk_text(b) && b != 0x3002 && ghs_is_cjk_text(a) &&
                       g_utf8_strlen(s + start, (gssize)(i - start)) * 10 >= longest * 7;
        }
        if (join_cjk) {
            g_string_append_len(out, s + start, i - start);
        } else if (join) {
            g_string_append_len(out, s + start, i - start - h);
        } else {
            g_string_append_len(out, s + start, i - start + 1);
        }
        start = i + 1;
    }
    g_string_append_len(out, s + start, len - start);
    *out_len = out->len;
    return g_string_free(out, FALSE);
}

/* Is s[0..n) a page number as printed in a header or footer: 1-4 digits
 * (full-width too), alone or between dashes ("- 12 -")? */
static bool is_page_number_line(const char *s, size_t n)
{
    size_t digits = 0;
    const char *end = s + n;
    for (const char *p = s; p < end; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isdigit(c))
            digits++;
        else if (c != ' ' && c != '-' && c != 0x2013 && c != 0x2014 && c != 0x3000)
            return false;
    }
    return digits >= 1 && digits <= 4;
}

/* Drop a page number standing alone on the first or last line of a page,
 * so it does not end up inside a passage and its citation text. */
static void drop_page_number_lines(GString *t)
{
    const char *nl = memchr(t->str, '\n', t->len);
    if (nl && is_page_number_line(t->str, (size_t)(nl - t->str)))
        g_string_erase(t, 0, (gssize)(nl - t->str + 1));
    const char *last = t->len ? g_strrstr_len(t->str, (gssize)t->len, "\n") : NULL;
    if (last && is_page_number_line(last + 1, t->len - (size_t)(last + 1 - t->str)))
        g_string_truncate(t, (gsize)(last - t->str));
    /* The blank line that set the number apart goes with it. */
    size_t blank = 0;
    while (blank < t->len && t->str[blank] == '\n')
        blank++;
    g_string_erase(t, 0, (gssize)blank);
    while (t->len > 0 && t->str[t->len - 1] == '\n')
        g_string_truncate(t, t->len - 1);
}

/* The first pass over raw (poppler's text of a page, or of its notes and
 * fields): valid UTF-8, clean line ends. */
static GString *clean_page_lines(const char *raw)
{
    GString *t = g_string_sized_new(raw != NULL ? strlen(raw) : 0);
    if (raw == NULL)
        return t;
    if (g_utf8_validate(raw, -1, NULL)) {
        clean_layout(raw, t);
    } else {
        char *valid = g_utf8_make_valid(raw, -1);
        clean_layout(valid, t);
        g_free(valid);
    }
    return t;
}

/* The lines at a page's edges (pdf_layout.h), cleaned as its text is, so
 * that they read as the lines of the cleaned text. Takes lines (frees it);
 * returns a new array. */
static GPtrArray *clean_edge_lines(GPtrArray *lines)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < lines->len; i++) {
        GString *t = clean_page_lines(g_ptr_array_index(lines, i));
        g_ptr_array_add(out, g_string_free(t, FALSE));
    }
    g_ptr_array_free(lines, TRUE);
    return out;
}

/* ---------------------------------------------------------- page labels */

/* The label poppler gives page (/PageLabels, else the page's number),
 * as a short clean string: valid UTF-8, no control characters, white
 * space collapsed, at most 32 code points; NULL when nothing is left. */
static char *page_label(PopplerPage *page)
{
    char *raw = poppler_page_get_label(page);
    if (raw == NULL)
        return NULL;
    char *valid = g_utf8_make_valid(raw, -1);
    g_free(raw);
    for (char *p = valid; *p != '\0'; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F)
            *p = ' ';
    char *label = ghs_x_collapse_ws(valid, strlen(valid));
    g_free(valid);
    if (g_utf8_strlen(label, -1) > 32)
        *g_utf8_offset_to_pointer(label, 32) = '\0';
    if (*label == '\0') {
        g_free(label);
        return NULL;
    }
    return label;
}

/* Keep the labels only when one of them differs from its page's number:
 * a PDF without /PageLabels, or whose labels are 1, 2, 3..., has nothing
 * to add to the physical number. Returns whether they were kept. */
static bool keep_labels_that_say_something(ghs_extracted *e)
{
    bool differ = false;
    for (size_t i = 0; i < e->n_pages && !differ; i++) {
        char num[16];
        g_snprintf(num, sizeof num, "%d", e->pages[i].number);
        differ = e->pages[i].label != NULL && strcmp(e->pages[i].label, num) != 0;
    }
    for (size_t i = 0; i < e->n_pages && !differ; i++)
        g_clear_pointer(&e->pages[i].label, g_free);
    return differ;
}

/* The labels of e's pages: the PDF's own (/PageLabels) when they say
 * something, else the page numbers its pages print (printed[i], taken;
 * pdf_page_numbers.h), else none. */
static void choose_labels(ghs_extracted *e, char **printed)
{
    if (!keep_labels_that_say_something(e)) {
        for (size_t i = 0; i < e->n_pages; i++) {
            e->pages[i].label = printed[i];
            printed[i] = NULL;
        }
        keep_labels_that_say_something(e);
    }
    for (size_t i = 0; i < e->n_pages; i++)
        g_clear_pointer(&printed[i], g_free);
}

/* ---------------------------------------------------------- metadata */

/* "ja"/"en"/"zh" from an RFC 5646 tag ("ja-JP", "EN-us", "zh-Hans"), else NULL. */
static char *lang_from_tag(const char *tag)
{
    char *t = ghs_x_collapse_ws(tag, strlen(tag));
    size_t n = strcspn(t, "-_");
    char *out = NULL;
    if (n == 2 && g_ascii_strncasecmp(t, "ja", 2) == 0)
        out = g_strdup("ja");
    else if (n == 2 && g_ascii_strncasecmp(t, "en", 2) == 0)
        out = g_strdup("en");
    else if (n == 2 && g_ascii_strncasecmp(t, "zh", 2) == 0)
        out = g_strdup("zh");
    g_free(t);
    return out;
}

/* dc:language of the XMP packet: poppler-glib 22.12 has no accessor for the
 * catalog's /Lang, but producers that set one usually write XMP as well. */
static char *lang_from_xmp(const char *xmp)
{
    static const char dc_ns[] = "http://purl.org/dc/elements/1.1/";
    char *lang = NULL;
    xmlDocPtr doc = xmlReadMemory(xmp, (int)strlen(xmp), "xmp.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR |
                                  XML_PARSE_NOWARNING);
    if (doc == NULL)
        return NULL;
    /* Iterative walk: no recursion on a deep hostile packet. */
    xmlNodePtr n = xmlDocGetRootElement(doc);
    while (n != NULL && lang == NULL) {
        if (n->type == XML_ELEMENT_NODE && n->ns != NULL &&
            xmlStrcmp(n->name, BAD_CAST "language") == 0 &&
            xmlStrcmp(n->ns->href, BAD_CAST dc_ns) == 0) {
            xmlChar *content = xmlNodeGetContent(n); /* text of the rdf:li */
            if (content != NULL)
                lang = lang_from_tag((const char *)content);
            xmlFree(content);
            break;
        }
        if (n->children != NULL) {
            n = n->children;
            continue;
        }
        while (n != NULL && n->next == NULL)
            n = n->parent;
        if (n != NULL)
            n = n->next;
    }
    xmlFreeDoc(doc);
    return lang;
}

/* Title (pdf_title.c), date and language; after the pages, which the
 * title is checked against. */
static void read_metadata(PopplerDocument *doc, ghs_extracted *e)
{
    e->title = ghs_pdf_title(doc, e->pages, e->n_pages);

    GDateTime *dt = poppler_document_get_creation_date_time(doc);
    if (dt != NULL) {
        int y = g_date_time_get_year(dt);
        if (y >= 1900 && y <= 2100)
            e->date = g_date_time_format(dt, "%Y-%m-%d");
        g_date_time_unref(dt);
    }

    char *xmp = poppler_document_get_metadata(doc);
    if (xmp != NULL) {
        e->lang = lang_from_xmp(xmp);
        g_free(xmp);
    }
}

/* ---------------------------------------------------------- bomb guard */

/* Backward search for needle in hay[from-window .. from). */
static const char *find_back(const char *hay, size_t from, size_t window,
                             const char *needle)
{
    size_t n = strlen(needle);
    size_t lo = from > window ? from - window : 0;
    for (size_t i = from; i >= lo + n; i--)
        if (memcmp(hay + i - n, needle, n) == 0)
            return hay + i - n;
    return NULL;
}

/* True when a stream that is not an image carries an image-only filter.
 *
 * Why: poppler decodes a page's content streams whatever their filter, so
 * a content stream "compressed" with JBIG2 as a 100000x100000 bitmap
 * (pdf.js's bomb_giant.pdf) costs gigabytes and minutes before the first
 * operator is read. No legitimate content stream uses JBIG2, DCT, JPX or
 * CCITT, and poppler-glib gives no way to cancel get_text(), so such files
 * are refused up front. Stream dictionaries are never inside object
 * streams or encrypted, so a scan of the raw bytes sees all of them. An
 * image is recognised by /Image (its /Subtype) or /Width (thumbnails and
 * sloppy producers omit the subtype). */
static bool has_image_filtered_content(const char *d, size_t len)
{
    static const char *const filters[] = {
        "/JBIG2Decode", "/DCTDecode", "/JPXDecode", "/CCITTFaxDecode"};
    const size_t window = 65536;
    for (size_t f = 0; f < G_N_ELEMENTS(filters); f++) {
        size_t n = strlen(filters[f]);
        const char *p = d;
        while ((p = memmem(p, len - (size_t)(p - d), filters[f], n)) != NULL) {
            size_t at = (size_t)(p - d);
            p += n;
            const char *obj = find_back(d, at, window, "obj");
            size_t rest = len - at;
            size_t span = rest < window ? rest : window;
            const char *stream = memmem(d + at, span, "stream", 6);
            const char *endobj = memmem(d + at, span, "endobj", 6);
            if (obj == NULL || stream == NULL || (endobj != NULL && endobj < stream))
                continue; /* not in a stream's dictionary */
            size_t dlen = (size_t)(stream - obj);
            if (memmem(obj, dlen, "/Image", 6) == NULL &&
                memmem(obj, dlen, "/Width", 6) == NULL)
                return true;
        }
    }
    return false;
}

/* ---------------------------------------------------------- opening */

static int open_error(GError *gerr, const char *name, ghs_error *err)
{
    if (gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED)
        return ghs_set_error(err, GHS_EENCRYPTED,
                           "[pdf][%s] encrypted: needs a password", name);
    if (gerr->domain == G_FILE_ERROR || gerr->domain == G_IO_ERROR ||
        (gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_OPEN_FILE))
        return ghs_set_error(err, GHS_EIO, "[pdf][%s] cannot open: %s", name,
                           gerr->message);
    return ghs_set_error(err, GHS_EFORMAT, "[pdf][%s] not a readable PDF: %s",
                       name, gerr->message);
}

static int open_document(const char *path, const char *name,
                         PopplerDocument **out, ghs_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return ghs_set_error(err, GHS_EIO, "[pdf][%s] cannot open: %s", name,
                           g_strerror(errno));
    if (!S_ISREG(st.st_mode))
        return ghs_set_error(err, GHS_EIO, "[pdf][%s] cannot open: not a regular file",
                           name);
    if (st.st_size == 0)
        return ghs_set_error(err, GHS_EFORMAT, "[pdf][%s] not a readable PDF: empty file",
                           name);

    GError *gerr = NULL;
    GMappedFile *map = g_mapped_file_new(path, FALSE, &gerr);
    if (map == NULL) {
        int rc = ghs_set_error(err, GHS_EIO, "[pdf][%s] cannot open: %s", name,
                             gerr->message);
        g_error_free(gerr);
        return rc;
    }
    bool bomb = has_image_filtered_content(g_mapped_file_get_contents(map),
                                           g_mapped_file_get_length(map));
    g_mapped_file_unref(map);
    if (bomb)
        return ghs_fail(err, GHS_EFORMAT, GHS_REASON_TOO_LARGE,
                           "[pdf][%s] refused: a content stream uses an image "
                           "filter (JBIG2/DCT/JPX/CCITT), a decompression bomb",
                           name);

    char *abs = g_canonicalize_filename(path, NULL);
    char *uri = g_filename_to_uri(abs, NULL, &gerr);
    g_free(abs);
    if (uri == NULL) {
        int rc = ghs_set_error(err, GHS_EIO, "[pdf][%s] cannot open: %s", name,
                             gerr->message);
        g_error_free(gerr);
        return rc;
    }

    PopplerDocument *doc = poppler_document_new_from_file(uri, NULL, &gerr);
    if (doc == NULL && gerr->domain == POPPLER_ERROR &&
        gerr->code == POPPLER_ERROR_ENCRYPTED) {
        /* Some producers only open with an explicitly empty user password. */
        g_clear_error(&gerr);
        doc = poppler_document_new_from_file(uri, "", &gerr);
    }
    g_free(uri);
    if (doc == NULL) {
        int rc = open_error(gerr, name, err);
        g_error_free(gerr);
        return rc;
    }
    *out = doc;
    return 0;
}

/* ---------------------------------------------------------- extraction */

int ghs_extract_pdf(const char *path, ghs_extracted *e, ghs_error *err)
{
    if (path == NULL || e == NULL)
        return ghs_set_error(err, GHS_EINVAL, "[pdf] no path or no result to fill");
    const char *name = ghs_x_basename(path);
    memset(e, 0, sizeof *e);

    PopplerDocument *doc = NULL;
    int rc = open_document(path, name, &doc, err);
    if (rc != 0)
        return rc;

    int n = poppler_document_get_n_pages(doc);
    if (n <= 0) {
        g_object_unref(doc);
        return ghs_set_error(err, GHS_EFORMAT, "[pdf][%s] not a readable PDF: no pages",
                           name);
    }
    if (n > GHS_X_MAX_PAGES) {
        g_object_unref(doc);
        return ghs_fail(err, GHS_EFORMAT, GHS_REASON_TOO_LARGE, "[pdf][%s] too large: %d pages (limit %d)",
                           name, n, GHS_X_MAX_PAGES);
    }

    /* Every page first (the running heads are found across them), then
     * hyphens and Japanese line wraps joined page by page, and the notes
     * and form fields of each page after its own text. */
    ghs_furniture_page *lines = g_new0(ghs_furniture_page, (size_t)n);
    GString **notes = g_new0(GString *, (size_t)n);
    e->pages = g_new0(ghs_page, (size_t)n);
    size_t total = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        ghs_page *pg = &e->pages[e->n_pages++];
        pg->number = i + 1;
        ghs_pdf_page_layout layout = {
            .top = g_ptr_array_new_with_free_func(g_free),
            .bottom = g_ptr_array_new_with_free_func(g_free),
            .edge_lines = GHS_FURNITURE_EDGE_LINES,
        };
        /* A page poppler cannot load stays as an empty page, so the page
         * numbers of the others still match what a reader sees. */
        PopplerPage *page = poppler_document_get_page(doc, i);
        char *raw = NULL, *raw_notes = NULL;
        if (page != NULL) {
            raw = ghs_pdf_page_text(page, &layout);
            raw_notes = ghs_pdf_annotation_text(page, raw);
            pg->label = page_label(page);
            g_object_unref(page);
        }
        lines[i].text = clean_page_lines(raw);
        lines[i].top = clean_edge_lines(layout.top);
        lines[i].bottom = clean_edge_lines(layout.bottom);
        if (lines[i].top->len == 0) {
            /* No layout: the running heads are looked for in text order. */
            g_clear_pointer(&lines[i].top, g_ptr_array_unref);
            g_clear_pointer(&lines[i].bottom, g_ptr_array_unref);
        }
        notes[i] = clean_page_lines(raw_notes);
        g_free(raw);
        g_free(raw_notes);
        total += lines[i].text->len + notes[i]->len;
        if (total > GHS_X_MAX_TEXT)
            rc = ghs_fail(err, GHS_EFORMAT, GHS_REASON_TOO_LARGE,
                          "[pdf][%s p.%d] too large: over %zu MiB of text",
                          name, i + 1, GHS_X_MAX_TEXT >> 20);
    }
    /* The printed page numbers are read while every page still has
     * them; then the lone ones are dropped from the text, and the running
     * heads with theirs. */
    char **printed = g_new0(char *, (size_t)n);
    if (rc == 0)
        ghs_pdf_printed_labels(lines, e->n_pages, printed);
    for (size_t i = 0; i < e->n_pages && rc == 0; i++)
        drop_page_number_lines(lines[i].text);
    if (rc == 0)
        ghs_pdf_drop_furniture(lines, e->n_pages);
    bool any_text = false;
    for (size_t i = 0; i < e->n_pages; i++) {
        ghs_page *pg = &e->pages[i];
        GString *own = lines[i].text;
        if (rc == 0) {
            size_t len = 0;
            char *text = join_hyphens(own->str, own->len, &len);
            GString *t = g_string_new_len(text, (gssize)len);
            g_free(text);
            if (notes[i]->len > 0) {
                text = join_hyphens(notes[i]->str, notes[i]->len, &len);
                if (t->len > 0)
                    g_string_append(t, "\n\n");
                g_string_append_len(t, text, (gssize)len);
                g_free(text);
            }
            pg->len = t->len;
            pg->text = g_string_free(t, FALSE);
            any_text = any_text || pg->len > 0;
        }
        g_string_free(own, TRUE);
        g_clear_pointer(&lines[i].top, g_ptr_array_unref);
        g_clear_pointer(&lines[i].bottom, g_ptr_array_unref);
        g_string_free(notes[i], TRUE);
    }
    g_free(lines);
    g_free(notes);
    choose_labels(e, printed);
    g_free(printed);
    if (rc != 0) {
        g_object_unref(doc);
        ghs_extracted_clear(e);
        return rc;
    }

    if (!any_text) {
        g_object_unref(doc);
        ghs_extracted_clear(e);
        return ghs_set_error(err, GHS_ENOTEXT,
                           "[pdf][%s] no text layer (scanned or image-only)", name);
    }
    read_metadata(doc, e);
    g_object_unref(doc);
    return 0;
}
