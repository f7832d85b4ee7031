/*
 * pdf_layout.c: a PDF page's text with the breaks of its layout
 * (pdf_layout.h).
 *
 * Owns the reading of poppler's glyph boxes and font sizes to tell a word
 * space, a cell or block boundary inside a line, and a heading's end. It
 * keeps poppler's reading order and its characters: it only adds white
 * space. Everything after that (line ends, hyphens, page numbers, running
 * heads) is extract_pdf.c's and pdf_furniture.c's.
 *
 * Why boxes rather than poppler's blocks: poppler-glib does not expose
 * TextOutputDev's blocks and flows, and its selection text (which
 * poppler_page_get_text() is) joins the words of one visual line across
 * blocks and table cells without the space pdftotext would put there.
 * Two neighbouring characters of the text whose boxes stand apart by a
 * word space or more were never one word.
 */
#include "pdf_layout.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "extract_internal.h"
#include "unicode.h"

/* Gaps in font sizes (em): wider than SPACE_GAP is a word space that
 * poppler did not write, wider than BREAK_GAP is a column or cell gap. */
#define SPACE_GAP 0.15
#define BREAK_GAP 1.0
/* Two boxes share a row (a column, for vertical text) when they overlap
 * across it by this much of the smaller one. */
#define SAME_ROW 0.5
/* ... or when their centres are closer than this much of the taller one
 * (a superscript or subscript beside its base). */
#define SCRIPT_SHIFT 0.75
/* Lines whose font sizes differ by more than this (of the smaller) are a
 * heading and its text, or text and a caption or footnote. */
#define SIZE_CHANGE 0.12
/* Glyphs smaller than this much of their line's median size are
 * superscripts or subscripts, left out when lines are compared. */
#define SCRIPT_SIZE 0.75
/* A line shorter than this much of the next one ends a heading or a
 * paragraph when a new paragraph follows. */
#define SHORT_LINE 0.7
/* Extra space between two lines, in font sizes, that starts a paragraph
 * (over the usual space between the page's lines). */
#define PARA_GAP 0.5

typedef struct glyph {
    gunichar c;
    double x1, y1, x2, y2; /* box, from the top left of the page */
    double size;           /* font size, or the box's height without one */
} glyph;

typedef struct line {
    size_t first, end;     /* glyphs[first..end) */
    bool vertical;         /* read top to bottom */
    double size;           /* median font size of its visible glyphs */
    double smallest, largest; /* their font sizes, leaving out those under
                              SCRIPT_SIZE of the median (superscripts) */
    double lo, hi;         /* extent across the reading direction (top and
                              bottom of a horizontal line) */
    double from, to;       /* extent along it (left and right) */
    size_t visible;
} line;

static bool is_space(gunichar c)
{
    return c == '\n' || ghs_x_is_space(c) || c == '\t' || c == '\r';
}

static double overlap(double a1, double a2, double b1, double b2)
{
    return fmin(a2, b2) - fmax(a1, b1);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of v[0..n) (sorts v); 0 for none. */
static double median(double *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    return v[n / 2];
}

/* Do a and b follow each other along a line (both axes as given: "along"
 * is x for horizontal text)? Returns the gap between them along the line
 * (negative when they overlap), or NAN when they stand on different lines. */
static double gap_along(const glyph *a, const glyph *b, bool vertical)
{
    double a_lo = vertical ? a->x1 : a->y1, a_hi = vertical ? a->x2 : a->y2;
    double b_lo = vertical ? b->x1 : b->y1, b_hi = vertical ? b->x2 : b->y2;
    double across = fmin(a_hi - a_lo, b_hi - b_lo);
    double centres = fabs((a_lo + a_hi) - (b_lo + b_hi)) / 2;
    /* A superscript or subscript overlaps little but sits close by. */
    if (across > 0 && overlap(a_lo, a_hi, b_lo, b_hi) < SAME_ROW * across &&
        centres >= SCRIPT_SHIFT * fmax(a_hi - a_lo, b_hi - b_lo))
        return NAN;
    double a_from = vertical ? a->y1 : a->x1, a_to = vertical ? a->y2 : a->x2;
    double b_from = vertical ? b->y1 : b->x1, b_to = vertical ? b->y2 : b->x2;
    /* Either way along: right-to-left scripts run backwards. */
    return fmax(b_from - a_to, a_from - b_to);
}

/* Fill a line's direction, size and extents from its glyphs; a glyph
 * without a font size gets its box's size across the line. */
static void measure_line(line *l, glyph *g, double *scratch)
{
    /* Direction: how its neighbouring glyphs stand, by majority. */
    int rows = 0, cols = 0;
    const glyph *prev = NULL;
    for (size_t i = l->first; i < l->end; i++) {
        if (is_space(g[i].c)) {
            prev = NULL;
            continue;
        }
        if (prev != NULL) {
            double dx = fabs((g[i].x1 + g[i].x2) - (prev->x1 + prev->x2));
            double dy = fabs((g[i].y1 + g[i].y2) - (prev->y1 + prev->y2));
            if (dx > dy)
                rows++;
            else if (dy > dx)
                cols++;
        }
        prev = &g[i];
    }
    l->vertical = cols > rows;
    l->lo = l->from = INFINITY;
    l->hi = l->to = -INFINITY;
    l->visible = 0;
    for (size_t i = l->first; i < l->end; i++) {
        if (is_space(g[i].c))
            continue;
        if (g[i].size <= 0)
            g[i].size = l->vertical ? g[i].x2 - g[i].x1 : g[i].y2 - g[i].y1;
        scratch[l->visible++] = g[i].size;
        l->lo = fmin(l->lo, l->vertical ? g[i].x1 : g[i].y1);
        l->hi = fmax(l->hi, l->vertical ? g[i].x2 : g[i].y2);
        l->from = fmin(l->from, l->vertical ? g[i].y1 : g[i].x1);
        l->to = fmax(l->to, l->vertical ? g[i].y2 : g[i].x2);
    }
    l->size = median(scratch, l->visible);
    l->smallest = INFINITY;
    l->largest = 0;
    for (size_t i = l->first; i < l->end; i++) {
        if (is_space(g[i].c) || g[i].size < SCRIPT_SIZE * l->size)
            continue;
        l->smallest = fmin(l->smallest, g[i].size);
        l->largest = fmax(l->largest, g[i].size);
    }
}

/* The space between b and the line a before it, across the reading
 * direction: positive when b stands below a (left of it, for vertical
 * lines, which run right to left), NAN when they do not stack that way. */
static double gap_below(const line *a, const line *b)
{
    if (a->vertical != b->vertical || a->visible == 0 || b->visible == 0)
        return NAN;
    if (overlap(a->from, a->to, b->from, b->to) <= 0)
        return NAN; /* side by side: another column */
    return a->vertical ? a->lo - b->hi : b->lo - a->hi;
}

/* The usual space between two lines of a paragraph on this page: the
 * median of the gaps between lines of one size stacked one below the
 * other; a fifth of the font size when the page has too few. */
static double usual_gap(const line *L, size_t n, double *scratch)
{
    size_t k = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        double gap = gap_below(&L[i], &L[i + 1]);
        if (isnan(gap) || gap < -L[i].size || gap > 3 * L[i].size ||
            fabs(L[i].size - L[i + 1].size) > SIZE_CHANGE * fmax(L[i].size, L[i + 1].size))
            continue;
        scratch[k++] = gap / L[i].size;
    }
    return k >= 3 ? median(scratch, k) : 0.2;
}

/* Does the line break after a end a heading (or a paragraph set apart),
 * so that the next line b begins a new one? */
static bool heading_ends(const line *a, const line *b, double usual)
{
    if (a->visible == 0 || b->visible == 0 || a->vertical != b->vertical)
        return false;
    /* Every glyph of one line larger than every glyph of the other: a
     * line that only mixes in small capitals or an italic of another size
     * is no heading. */
    if (a->smallest > (1 + SIZE_CHANGE) * b->largest ||
        b->smallest > (1 + SIZE_CHANGE) * a->largest)
        return true;
    double gap = gap_below(a, b);
    if (isnan(gap) || a->size <= 0)
        return false;
    bool new_paragraph = gap / a->size > usual + PARA_GAP;
    bool short_line = (a->to - a->from) < SHORT_LINE * (b->to - b->from);
    return new_paragraph && short_line;
}

/* What goes between glyphs a and b of one line, with nothing between them
 * in poppler's text: nothing, ' ' or '\n'. */
static char space_between(const glyph *a, const glyph *b, bool vertical)
{
    double gap = gap_along(a, b, vertical);
    if (isnan(gap))
        return '\n';
    double size = fmax(a->size, b->size);
    if (size <= 0)
        return 0;
    if (gap > BREAK_GAP * size)
        return '\n';
    if (gap > SPACE_GAP * size && !(ghs_is_cjk_text(a->c) && ghs_is_cjk_text(b->c)))
        return ' ';
    return 0;
}

/* Font sizes by character from poppler's text attributes; 0 where none. */
static void fill_sizes(PopplerPage *page, glyph *g, size_t n)
{
    GList *attrs = poppler_page_get_text_attributes(page);
    /* Runs are in text order; an end is taken as inclusive, and the next
     * run overwrites that character if it was not (as pdf_title.c does). */
    for (GList *l = attrs; l != NULL; l = l->next) {
        const PopplerTextAttributes *a = l->data;
        double size = isfinite(a->font_size) && a->font_size > 0 ? a->font_size : 0;
        for (gint i = MAX(a->start_index, 0); i <= a->end_index && (size_t)i < n; i++)
            g[i].size = size;
    }
    poppler_page_free_text_attributes(attrs);
}

/* A line of the text written out, and where it is drawn. */
typedef struct out_line {
    size_t start, end;   /* bytes of the text, without the '\n' */
    double top, bottom;  /* of its glyphs, from the top of the page */
} out_line;

static int cmp_by_height(const void *a, const void *b)
{
    const out_line *x = a, *y = b;
    double cx = x->top + x->bottom, cy = y->top + y->bottom;
    if (cx != cy)
        return (cx > cy) - (cx < cy);
    return (x->start > y->start) - (x->start < y->start);
}

/* Hands the texts of the highest and lowest lines to layout. */
static void collect_edges(const GString *out, GArray *olines, ghs_pdf_page_layout *layout)
{
    if (layout->top == NULL || layout->bottom == NULL || olines->len == 0)
        return;
    g_array_sort(olines, cmp_by_height);
    size_t k = MIN(layout->edge_lines, olines->len);
    for (size_t i = 0; i < k; i++) {
        const out_line *o = &g_array_index(olines, out_line, i);
        g_ptr_array_add(layout->top, g_strndup(out->str + o->start, o->end - o->start));
    }
    for (size_t i = olines->len - k; i < olines->len; i++) {
        const out_line *o = &g_array_index(olines, out_line, i);
        g_ptr_array_add(layout->bottom, g_strndup(out->str + o->start, o->end - o->start));
    }
}

/* Ends the line being written at out's end, keeping it when it has
 * glyphs, and starts the next one after the '\n' about to be written. */
static void end_line(GArray *olines, out_line *cur, const GString *out)
{
    cur->end = out->len;
    if (cur->top <= cur->bottom)
        g_array_append_val(olines, *cur);
    *cur = (out_line){ .start = out->len + 1, .top = INFINITY, .bottom = -INFINITY };
}

char *ghs_pdf_page_text(PopplerPage *page, ghs_pdf_page_layout *layout)
{
    char *text = poppler_page_get_text(page);
    if (text == NULL || *text == '\0' || !g_utf8_validate(text, -1, NULL))
        return text;
    PopplerRectangle *rects = NULL;
    guint n_rects = 0;
    glong n = g_utf8_strlen(text, -1);
    if (!poppler_page_get_text_layout(page, &rects, &n_rects) || (glong)n_rects != n) {
        g_free(rects);
        return text;
    }

    glyph *g = g_new0(glyph, (gsize)n);
    const char *p = text;
    for (glong i = 0; i < n; i++, p = g_utf8_next_char(p)) {
        const PopplerRectangle *r = &rects[i];
        g[i] = (glyph){ .c = g_utf8_get_char(p),
                        .x1 = fmin(r->x1, r->x2), .x2 = fmax(r->x1, r->x2),
                        .y1 = fmin(r->y1, r->y2), .y2 = fmax(r->y1, r->y2) };
    }
    g_free(rects);
    fill_sizes(page, g, (size_t)n);

    /* Lines as poppler cut them. */
    GArray *lines = g_array_new(FALSE, TRUE, sizeof(line));
    for (size_t i = 0, start = 0; i <= (size_t)n; i++) {
        if (i == (size_t)n || g[i].c == '\n') {
            line l = { .first = start, .end = i };
            g_array_append_val(lines, l);
            start = i + 1;
        }
    }
    line *L = (line *)(void *)lines->data;
    double *scratch = g_new(double, (gsize)n + lines->len + 1);
    for (size_t k = 0; k < lines->len; k++)
        measure_line(&L[k], g, scratch);
    double usual = usual_gap(L, lines->len, scratch);

    GString *out = g_string_sized_new(strlen(text) + 64);
    GArray *olines = g_array_new(FALSE, FALSE, sizeof(out_line));
    out_line cur = { .start = 0, .top = INFINITY, .bottom = -INFINITY };
    ghs_pdf_page_layout none = { 0 };
    if (layout == NULL)
        layout = &none;
    p = text;
    for (size_t k = 0; k < lines->len; k++) {
        const glyph *prev = NULL;
        for (size_t i = L[k].first; i < L[k].end; i++, p = g_utf8_next_char(p)) {
            if (is_space(g[i].c)) {
                prev = NULL;
            } else {
                char sep = prev != NULL ? space_between(prev, &g[i], L[k].vertical) : 0;
                if (sep == '\n')
                    end_line(olines, &cur, out);
                if (sep != 0)
                    g_string_append_c(out, sep);
                layout->spaces += sep == ' ';
                layout->breaks += sep == '\n';
                prev = &g[i];
                cur.top = fmin(cur.top, g[i].y1);
                cur.bottom = fmax(cur.bottom, g[i].y2);
            }
            g_string_append_len(out, p, g_utf8_next_char(p) - p);
        }
        if (k + 1 < lines->len) {
            p = g_utf8_next_char(p); /* the '\n' */
            end_line(olines, &cur, out);
            g_string_append_c(out, '\n');
            if (heading_ends(&L[k], &L[k + 1], usual)) {
                cur.start++;
                g_string_append_c(out, '\n');
                layout->headings++;
            }
        }
    }
    end_line(olines, &cur, out);
    collect_edges(out, olines, layout);
    g_array_free(olines, TRUE);
    g_free(scratch);
    g_array_free(lines, TRUE);
    g_free(g);
    g_free(text);
    return g_string_free(out, FALSE);
}
