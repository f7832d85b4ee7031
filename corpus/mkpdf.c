/*
 * mkpdf.c: build-time tool that typesets a ".pages" source into an A4 PDF.
 *
 * Usage: mkpdf SOURCE OUT.pdf
 *
 * Owns: reading the small source format below, laying the text out with
 * Pango (word/character wrapping, justification, automatic page flow) and
 * writing it through cairo's PDF surface with the document metadata. It does
 * not own the sample texts (corpus/src/) nor the list of files to build
 * (corpus/meson.build).
 *
 * Source format (UTF-8, LF or CRLF):
 *
 *   Title: ...            required; PDF /Title, printed as a heading on page 1
 *   Author: ...           optional; PDF /Author, printed under the title
 *   Date: YYYY-MM-DD      required; PDF /CreationDate (noon UTC, so no time
 *                         zone shifts the day)
 *   Lang: ja|en           required; Pango language (line breaking, CJK forms)
 *   Keep: phrase          optional, repeatable; the phrase is never split
 *                         across two lines, so a line-based grep of the text
 *                         layer finds it
 *   <blank line>
 *   body                  one paragraph per line; a line "# text" is a
 *                         heading; blank lines are ignored; a line that is
 *                         exactly "---page---" starts a new page
 *
 * A page that is full flows onto the next one by itself; when that happens
 * the tool notes it on stderr, because the sample corpus promises which page
 * holds which phrase and an overflow shifts every page after it.
 *
 * The text layer matters more than the looks: the search tests read these
 * PDFs back. pangocairo draws through cairo_show_text_glyphs on surfaces that
 * support it (PDF does), so every glyph cluster keeps the characters it came
 * from and cairo writes them into the font's ToUnicode map. Hyphen insertion
 * is switched off so that no "-" that is not in the source reaches the text.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>

#include <stdio.h>
#include <string.h>

#define FONT_FAMILY "Noto Sans CJK JP"
#define BODY_FONT FONT_FAMILY " 11"
#define HEADING_FONT FONT_FAMILY " Bold 13"
#define TITLE_FONT FONT_FAMILY " Bold 17"
#define SMALL_FONT FONT_FAMILY " 9"

/* A4 in PostScript points, and the text block inside it. */
#define PAGE_W 595.276
#define PAGE_H 841.890
#define MARGIN_X 62.0
#define MARGIN_TOP 64.0
#define TEXT_BOTTOM (PAGE_H - 76.0)  /* last baseline area ends here */
#define FOOTER_Y (PAGE_H - 44.0)      /* top of the page-number line */
#define TEXT_W (PAGE_W - 2 * MARGIN_X)

/* Lines sit on a fixed pitch of LINE_PITCH em, with the em box (ideographic
 * descent EM_DESCENT) centred in it. The font's own line height is not used:
 * Noto Sans CJK's typographic line gap makes it about 2 em, too loose for a
 * brief and a poor match for what a printed page looks like. */
#define LINE_PITCH 1.75
#define EM_DESCENT 0.12
#define PARA_GAP 5.0        /* points after a paragraph */
#define HEADING_GAP_ABOVE 10.0

#define PAGE_MARKER "---page---"

typedef struct source {
    char *title, *author, *date, *lang;
    GPtrArray *keep;        /* char *, phrases never split across lines */
    const char *body;       /* points into the file text */
    int body_line;          /* 1-based line number of the body's first line */
} source;

typedef struct typesetter {
    const char *src_name;   /* for messages */
    cairo_t *cr;
    PangoContext *pc;
    PangoFontDescription *body_font, *heading_font, *title_font, *small_font;
    const GPtrArray *keep;
    int page;               /* current output page, 1-based */
    int src_page;           /* current source page (counted by markers), 1-based */
    double y;               /* top of the next line on the current page */
    int page_has_content;
} typesetter;

static void source_clear(source *s)
{
    g_free(s->title);
    g_free(s->author);
    g_free(s->date);
    g_free(s->lang);
    if (s->keep)
        g_ptr_array_unref(s->keep);
    memset(s, 0, sizeof *s);
}

/* Splits off the next line of *p (without its "\n" or "\r\n"); returns NULL
 * at the end of the text. The result is newly allocated. */
static char *next_line(const char **p)
{
    const char *start = *p, *nl;
    size_t len;

    if (*start == '\0')
        return NULL;
    nl = strchr(start, '\n');
    len = nl ? (size_t)(nl - start) : strlen(start);
    *p = nl ? nl + 1 : start + len;
    if (len > 0 && start[len - 1] == '\r')
        len--;
    return g_strndup(start, len);
}

static int valid_date(const char *d)
{
    unsigned y, m, day;
    char tail;

    if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
        return 0;
    if (sscanf(d, "%4u-%2u-%2u%c", &y, &m, &day, &tail) != 3)
        return 0;
    return g_date_valid_dmy((GDateDay)day, (GDateMonth)m, (GDateYear)y);
}

/* Reads the header block of text into s. On error returns -1 with *msg set
 * (caller frees). s->body points into text, which must outlive s. */
static int parse_source(const char *text, source *s, char **msg)
{
    const char *p = text;
    char *line;
    int lineno = 0;

    memset(s, 0, sizeof *s);
    s->keep = g_ptr_array_new_with_free_func(g_free);
    if (g_str_has_prefix(p, "\xEF\xBB\xBF"))  /* UTF-8 byte order mark */
        p += 3;

    while ((line = next_line(&p)) != NULL) {
        char *colon, *key, *value, **slot = NULL;

        lineno++;
        if (line[0] == '\0') {  /* the blank line ending the headers */
            g_free(line);
            s->body = p;
            s->body_line = lineno + 1;
            break;
        }
        colon = strchr(line, ':');
        if (!colon) {
            *msg = g_strdup_printf("line %d: expected a header \"Key: value\" "
                                   "or a blank line before the body", lineno);
            g_free(line);
            return -1;
        }
        *colon = '\0';
        key = line;
        value = g_strstrip(colon + 1);
        if (strcmp(key, "Title") == 0)
            slot = &s->title;
        else if (strcmp(key, "Author") == 0)
            slot = &s->author;
        else if (strcmp(key, "Date") == 0)
            slot = &s->date;
        else if (strcmp(key, "Lang") == 0)
            slot = &s->lang;
        else if (strcmp(key, "Keep") == 0) {
            if (value[0] != '\0')
                g_ptr_array_add(s->keep, g_strdup(value));
            g_free(line);
            continue;
        } else {
            *msg = g_strdup_printf("line %d: unknown header \"%s\" (known: Title, "
                                   "Author, Date, Lang, Keep)", lineno, key);
            g_free(line);
            return -1;
        }
        if (*slot) {
            *msg = g_strdup_printf("line %d: header \"%s\" given twice", lineno, key);
            g_free(line);
            return -1;
        }
        *slot = g_strdup(value);
        g_free(line);
    }

    if (!s->body) {
        *msg = g_strdup("no blank line after the headers, so no body");
        return -1;
    }
    if (!s->title || s->title[0] == '\0') {
        *msg = g_strdup("missing header \"Title\"");
        return -1;
    }
    if (!s->date || !valid_date(s->date)) {
        *msg = g_strdup_printf("header \"Date\" must be a valid YYYY-MM-DD date, got \"%s\"",
                               s->date ? s->date : "(missing)");
        return -1;
    }
    if (!s->lang || (strcmp(s->lang, "ja") != 0 && strcmp(s->lang, "en") != 0)) {
        *msg = g_strdup_printf("header \"Lang\" must be ja or en, got \"%s\"",
                               s->lang ? s->lang : "(missing)");
        return -1;
    }
    return 0;
}

/* Fails unless fontconfig resolves FONT_FAMILY itself rather than a fallback:
 * a fallback font would change every line break and so every page number the
 * corpus promises. */
static int check_font(typesetter *ts, char **msg)
{
    PangoFont *font = pango_context_load_font(ts->pc, ts->body_font);
    PangoFontDescription *got;
    const char *family;
    int ok;

    if (!font) {
        *msg = g_strdup("cannot load any font for \"" BODY_FONT "\"");
        return -1;
    }
    got = pango_font_describe(font);
    family = pango_font_description_get_family(got);
    ok = family && g_ascii_strcasecmp(family, FONT_FAMILY) == 0;
    if (!ok)
        *msg = g_strdup_printf("font \"" FONT_FAMILY "\" is not installed (got \"%s\"); "
                               "install the Debian package fonts-noto-cjk",
                               family ? family : "?");
    pango_font_description_free(got);
    g_object_unref(font);
    return ok ? 0 : -1;
}

static void draw_footer(typesetter *ts)
{
    PangoLayout *layout = pango_layout_new(ts->pc);
    char num[32];
    int w, h;

    g_snprintf(num, sizeof num, "%d", ts->page);
    pango_layout_set_font_description(layout, ts->small_font);
    pango_layout_set_text(layout, num, -1);
    pango_layout_get_size(layout, &w, &h);
    cairo_set_source_rgb(ts->cr, 0.35, 0.35, 0.35);
    cairo_move_to(ts->cr, (PAGE_W - pango_units_to_double(w)) / 2, FOOTER_Y);
    pango_cairo_show_layout(ts->cr, layout);
    cairo_set_source_rgb(ts->cr, 0, 0, 0);
    g_object_unref(layout);
}

static void finish_page(typesetter *ts)
{
    draw_footer(ts);
    cairo_show_page(ts->cr);
    ts->page++;
    ts->y = MARGIN_TOP;
    ts->page_has_content = 0;
}

/* An automatic page break: the current page is full. */
static void overflow(typesetter *ts)
{
    fprintf(stderr, "[mkpdf][%s] note: source page %d is longer than one page; "
            "it flows onto output page %d and later page numbers shift\n",
            ts->src_name, ts->src_page, ts->page + 1);
    finish_page(ts);
}

static PangoAttribute *no_breaks(size_t start, size_t end)
{
    PangoAttribute *a = pango_attr_allow_breaks_new(FALSE);

    a->start_index = (guint)start;
    a->end_index = (guint)end;
    return a;
}

/* Forbids line breaks inside every occurrence of the Keep phrases, and
 * after a hyphen inside a word ("high-level"): a line ending in "-" reads
 * as a hyphenated word to text extractors (pdftotext, ours), which join it
 * to the next line and drop the hyphen. */
static void add_nobreak_attrs(const typesetter *ts, const char *text, PangoAttrList *attrs)
{
    size_t i, len = strlen(text);

    for (i = 0; i < ts->keep->len; i++) {
        const char *phrase = g_ptr_array_index(ts->keep, i);
        size_t plen = strlen(phrase);
        const char *hit = text;

        while ((hit = strstr(hit, phrase)) != NULL) {
            pango_attr_list_insert(attrs, no_breaks((size_t)(hit - text),
                                                    (size_t)(hit - text) + plen));
            hit += plen;
        }
    }
    /* The range must cover the character after the hyphen: breaks are
     * removed only strictly inside it. */
    for (i = 1; i + 1 < len; i++)
        if (text[i] == '-' && g_ascii_isalnum(text[i - 1]) && g_ascii_isalnum(text[i + 1]))
            pango_attr_list_insert(attrs, no_breaks(i, i + 2));
}

/* Lays out one paragraph and places it line by line from ts->y, breaking
 * the page whenever the next line does not fit. keep_with_next is the
 * height (points) that must fit below the paragraph on the same page, so a
 * heading never ends a page. */
static void set_paragraph(typesetter *ts, const char *text,
                          const PangoFontDescription *font,
                          int justify, double keep_with_next)
{
    PangoLayout *layout = pango_layout_new(ts->pc);
    PangoAttrList *attrs = pango_attr_list_new();
    PangoLayoutIter *it;
    double size = pango_units_to_double(pango_font_description_get_size(font));
    double pitch = size * LINE_PITCH;
    double baseline = size * ((LINE_PITCH - 1.0) / 2 + (1.0 - EM_DESCENT));
    int first = 1;

    pango_layout_set_font_description(layout, font);
    pango_layout_set_width(layout, pango_units_from_double(TEXT_W));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_justify(layout, justify);
    pango_layout_set_text(layout, text, -1);
    pango_attr_list_insert(attrs, pango_attr_insert_hyphens_new(FALSE));
    add_nobreak_attrs(ts, text, attrs);
    pango_layout_set_attributes(layout, attrs);
    pango_attr_list_unref(attrs);

    it = pango_layout_get_iter(layout);
    do {
        PangoRectangle logical;
        double need = pitch;

        pango_layout_iter_get_line_extents(it, NULL, &logical);
        if (first && keep_with_next > 0)
            need += keep_with_next;
        if (ts->y + need > TEXT_BOTTOM && ts->page_has_content)
            overflow(ts);
        cairo_move_to(ts->cr, MARGIN_X + pango_units_to_double(logical.x),
                      ts->y + baseline);
        pango_cairo_show_layout_line(ts->cr, pango_layout_iter_get_line_readonly(it));
        ts->y += pitch;
        ts->page_has_content = 1;
        first = 0;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    g_object_unref(layout);
}

/* Height of one body line, for keep-with-next. */
static double body_line_height(const typesetter *ts)
{
    return pango_units_to_double(pango_font_description_get_size(ts->body_font)) * LINE_PITCH;
}

static void set_title_block(typesetter *ts, const source *s)
{
    set_paragraph(ts, s->title, ts->title_font, 0, 0);
    if (s->author && s->author[0]) {
        char *line = g_strdup_printf("%s  |  %s", s->author, s->date);
        ts->y += 2.0;
        cairo_set_source_rgb(ts->cr, 0.3, 0.3, 0.3);
        set_paragraph(ts, line, ts->small_font, 0, 0);
        cairo_set_source_rgb(ts->cr, 0, 0, 0);
        g_free(line);
    }
    ts->y += 14.0;
}

/* Typesets the body. Returns 0, or -1 with *msg set when it holds no text. */
static int set_body(typesetter *ts, const source *s, char **msg)
{
    const char *p = s->body;
    char *line;
    double line_h = body_line_height(ts);
    int paragraphs = 0;

    ts->src_page = 1;
    while ((line = next_line(&p)) != NULL) {
        char *t = g_strstrip(line);

        if (strcmp(t, PAGE_MARKER) == 0) {
            /* An explicit break on an empty page (the previous page just
             * overflowed) would leave a blank page behind. */
            if (ts->page_has_content)
                finish_page(ts);
            ts->src_page++;
        } else if (t[0] == '#' && t[1] == ' ') {
            if (ts->page_has_content)
                ts->y += HEADING_GAP_ABOVE;
            set_paragraph(ts, g_strchug(t + 2), ts->heading_font, 0, 2 * line_h);
            ts->y += PARA_GAP;
            paragraphs++;
        } else if (t[0] != '\0') {
            set_paragraph(ts, t, ts->body_font, 1, 0);
            ts->y += PARA_GAP;
            paragraphs++;
        }
        g_free(line);
    }
    if (paragraphs == 0) {
        *msg = g_strdup("the body holds no text");
        return -1;
    }
    if (ts->page_has_content || ts->page == 1)
        finish_page(ts);
    return 0;
}

static void set_metadata(cairo_surface_t *surface, const source *s)
{
    /* Noon UTC keeps the calendar day whatever zone a reader converts to. */
    char *when = g_strdup_printf("%sT12:00:00Z", s->date);

    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, s->title);
    if (s->author && s->author[0])
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, s->author);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "ghsearch mkpdf");
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, when);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, when);
    g_free(when);
}

/* Writes the PDF for s to out. Returns 0, or -1 with *msg set. */
static int render(const char *src_name, const source *s, const char *out, char **msg)
{
    cairo_surface_t *surface = cairo_pdf_surface_create(out, PAGE_W, PAGE_H);
    cairo_font_options_t *fo;
    typesetter ts;
    int rc = 0;

    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        *msg = g_strdup_printf("cannot create %s: %s", out,
                               cairo_status_to_string(cairo_surface_status(surface)));
        cairo_surface_destroy(surface);
        return -1;
    }
    cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_5);
    set_metadata(surface, s);

    memset(&ts, 0, sizeof ts);
    ts.src_name = src_name;
    ts.cr = cairo_create(surface);
    ts.pc = pango_cairo_create_context(ts.cr);
    /* Unhinted metrics and unrounded positions: line breaks then depend on
     * the font alone, not on a screen's hinting settings. */
    fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(ts.pc, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_round_glyph_positions(ts.pc, FALSE);
    pango_context_set_language(ts.pc, pango_language_from_string(s->lang));
    ts.body_font = pango_font_description_from_string(BODY_FONT);
    ts.heading_font = pango_font_description_from_string(HEADING_FONT);
    ts.title_font = pango_font_description_from_string(TITLE_FONT);
    ts.small_font = pango_font_description_from_string(SMALL_FONT);
    ts.keep = s->keep;
    ts.page = 1;
    ts.y = MARGIN_TOP;

    if (check_font(&ts, msg) == 0) {
        set_title_block(&ts, s);
        rc = set_body(&ts, s, msg);
    } else {
        rc = -1;
    }

    pango_font_description_free(ts.body_font);
    pango_font_description_free(ts.heading_font);
    pango_font_description_free(ts.title_font);
    pango_font_description_free(ts.small_font);
    g_object_unref(ts.pc);
    cairo_destroy(ts.cr);
    cairo_surface_finish(surface);
    if (rc == 0 && cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        *msg = g_strdup_printf("cannot write %s: %s", out,
                               cairo_status_to_string(cairo_surface_status(surface)));
        rc = -1;
    }
    cairo_surface_destroy(surface);
    return rc;
}

int main(int argc, char **argv)
{
    char *text = NULL, *msg = NULL, *base;
    gsize len = 0;
    GError *gerr = NULL;
    source s;
    int rc;

    if (argc != 3) {
        fprintf(stderr, "usage: mkpdf SOURCE OUT.pdf\n");
        return 2;
    }
    base = g_path_get_basename(argv[1]);
    if (!g_file_get_contents(argv[1], &text, &len, &gerr)) {
        fprintf(stderr, "[mkpdf][%s] cannot read: %s\n", base, gerr->message);
        g_error_free(gerr);
        g_free(base);
        return 1;
    }
    if (!g_utf8_validate(text, (gssize)len, NULL) || memchr(text, '\0', len)) {
        fprintf(stderr, "[mkpdf][%s] not UTF-8 text\n", base);
        g_free(text);
        g_free(base);
        return 1;
    }

    rc = parse_source(text, &s, &msg);
    if (rc == 0) {
        rc = render(base, &s, argv[2], &msg);
        if (rc != 0)
            g_unlink(argv[2]);  /* never leave a half-written PDF for ninja */
    }
    if (rc != 0)
        fprintf(stderr, "[mkpdf][%s] %s\n", base, msg ? msg : "failed");

    g_free(msg);
    source_clear(&s);
    g_free(text);
    g_free(base);
    return rc == 0 ? 0 : 1;
}
