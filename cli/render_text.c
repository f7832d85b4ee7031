/*
 * render_text.c: readable search output: grouping hits under documents,
 * wrapping passages (Latin words and CJK characters alike) and marking the
 * highlighted code point ranges.
 *
 * Widths are display columns: CJK ideographs and kana take two. The text
 * never reaches the terminal with its own control characters (a PDF may
 * hold ESC), so titles, sources and passages are all cleaned here.
 */
#include <string.h>

#include "cli.h"
#include "render_text.h"

typedef struct cell {
    gunichar ch;     /* ' ' stands for a collapsed run of white space */
    int hl;          /* 0, or the number of the mark the cell is in */
} cell;

typedef struct line_range {
    guint start, end; /* cells [start, end) */
} line_range;

void
render_style_init(render_style *st, int mode, int width)
{
    if (mode == RENDER_COLOUR) {
        st->hl_open = "\033[1;31m";
        st->hl_close = "\033[0m";
        st->hl_width = 0;
        st->em_open = "\033[1m";
        st->em_close = "\033[0m";
        st->dim_open = "\033[2m";
        st->dim_close = "\033[0m";
    } else {
        st->hl_open = st->hl_close = mode == RENDER_MARKS ? "**" : "";
        st->hl_width = mode == RENDER_MARKS ? 2 : 0;
        st->em_open = st->em_close = st->dim_open = st->dim_close = "";
    }
    st->width = width < 40 ? 40 : width;
    st->cite = -1;
    st->explain = 0;
    st->link = NULL;
    st->link_user = NULL;
}

static int
char_width(gunichar c)
{
    if (g_unichar_iszerowidth(c))
        return 0;
    return g_unichar_iswide(c) ? 2 : 1;
}

static gboolean
is_blank(gunichar c)
{
    return g_unichar_isspace(c) || g_unichar_iscntrl(c) ||
           g_unichar_type(c) == G_UNICODE_FORMAT;
}

/* Japanese line-breaking rules (kinsoku), the common cases: these never
 * start a line... */
static gboolean
no_line_start(gunichar c)
{
    static const gunichar set[] = {
        0x3001, 0x3002, 0xFF0C, 0xFF0E, 0x30FB, 0xFF1A, 0xFF1B, 0xFF1F, 0xFF01,
        0xFF09, 0x300D, 0x300F, 0x3011, 0x3015, 0x3009, 0x300B, 0x201D, 0x2019,
        0x30FC, 0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083, 0x3085,
        0x3087, 0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30C3, 0x30E3, 0x30E5,
        0x30E7, 0x3005, 0x309D, 0x309E, 0x30FD, 0x30FE, 0xFF3D, 0xFF5D,
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(set); i++)
        if (set[i] == c)
            return TRUE;
    return FALSE;
}

/* ...and these never end one. */
static gboolean
no_line_end(gunichar c)
{
    static const gunichar set[] = {
        0xFF08, 0x300C, 0x300E, 0x3010, 0x3014, 0x3008, 0x300A, 0x201C, 0x2018,
        0xFF3B, 0xFF5B,
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(set); i++)
        if (set[i] == c)
            return TRUE;
    return FALSE;
}

static gboolean
is_katakana(gunichar c)
{
    return (c >= 0x30A1 && c <= 0x30FA) || (c >= 0x30FC && c <= 0x30FE) ||
           (c >= 0xFF66 && c <= 0xFF9F);
}

/* Decode text into cells, marking highlights and collapsing blanks.
 *
 * Display only (the JSON output keeps the library's spans): a middle dot
 * or a single space between two marked words is marked too, so that
 * "ユニバーサル・ヘルス・カバレッジ" and "100 Days Mission" read as one mark;
 * a line break between two CJK characters (PDF text keeps the layout's
 * line ends) is dropped instead of becoming a space. */
static GArray *
make_cells(const char *text, const ghs_span *spans, size_t n_spans)
{
    GArray *cells = g_array_new(FALSE, FALSE, sizeof(cell));
    char *valid = g_utf8_make_valid(text ? text : "", -1);
    glong n = 0, i;
    gunichar *u = g_utf8_to_ucs4_fast(valid, -1, &n);
    int *hl = g_new0(int, (gsize)n + 1);
    int mark = 0, gap_hl = 0;
    gboolean pending = FALSE, only_newlines = TRUE;
    glong prev_end = -2;
    size_t s;

    for (s = 0; s < n_spans; s++) {
        glong a = MAX(spans[s].start, 0), b = MIN((glong)spans[s].end, n);

        if (a >= b)
            continue;
        /* spans touching, or apart by one middle dot or space, are one mark */
        if (prev_end >= 0 && a <= prev_end)
            ;
        else if (prev_end >= 0 && a == prev_end + 1 &&
                 (u[a - 1] == 0x30FB || u[a - 1] == 0xFF65 || u[a - 1] == ' '))
            hl[a - 1] = mark;
        else
            mark++;
        for (i = a; i < b; i++)
            hl[i] = mark;
        prev_end = MAX(prev_end, b);
    }
    for (i = 0; i < n; i++) {
        cell c = { u[i], hl[i] };

        if (is_blank(u[i])) {
            if (!pending) {
                only_newlines = TRUE;
                gap_hl = hl[i];
            }
            only_newlines = only_newlines && (u[i] == '\n' || u[i] == '\r');
            gap_hl = gap_hl && hl[i] == gap_hl ? gap_hl : 0;
            pending = cells->len > 0;
            continue;
        }
        if (pending) {
            gunichar prev = g_array_index(cells, cell, cells->len - 1).ch;

            if (!(only_newlines && g_unichar_iswide(prev) && g_unichar_iswide(u[i]))) {
                cell sp = { ' ', gap_hl == hl[i] ? gap_hl : 0 };
                g_array_append_val(cells, sp);
            }
            pending = FALSE;
        }
        g_array_append_val(cells, c);
    }
    g_free(hl);
    g_free(u);
    g_free(valid);
    return cells;
}

/* May a line break fall between cells k-1 and k? At spaces; between CJK
 * characters, except inside a katakana word or a marked run, before
 * closing or after opening punctuation. Never inside a Latin word. */
static gboolean
can_break(const cell *c, guint k)
{
    gunichar a = c[k - 1].ch, b = c[k].ch;

    if (a == ' ' || b == ' ')
        return TRUE;
    if (!g_unichar_iswide(a) && !g_unichar_iswide(b))
        return FALSE;
    if (c[k - 1].hl && c[k - 1].hl == c[k].hl)
        return FALSE;
    if (is_katakana(a) && is_katakana(b))
        return FALSE;
    return !no_line_start(b) && !no_line_end(a);
}

/* End of the unbreakable token starting at cell i (not a space). */
static guint
token_end(const cell *c, guint n, guint i)
{
    guint k = i + 1;

    while (k < n && !can_break(c, k))
        k++;
    return k;
}

/* Columns of cells [start, end) of n, with the markers that open or close
 * a highlight there (a line break inside one adds two more; ignored). */
static int
range_width(const cell *c, guint n, guint start, guint end, const render_style *st)
{
    int w = 0;
    guint k;

    for (k = start; k < end; k++) {
        w += char_width(c[k].ch);
        if (c[k].hl && (k == 0 || c[k - 1].hl != c[k].hl))
            w += st->hl_width;
        if (c[k].hl && (k + 1 == n || c[k + 1].hl != c[k].hl))
            w += st->hl_width;
    }
    return w;
}

static void
push_line(GArray *lines, guint start, guint end)
{
    line_range r = { start, end };

    if (end > start)
        g_array_append_val(lines, r);
}

/* Greedy line filling over tokens; a token wider than a line is cut. */
static GArray *
break_lines(const cell *c, guint n, int avail, const render_style *st)
{
    GArray *lines = g_array_new(FALSE, FALSE, sizeof(line_range));
    guint i = 0, line_start = 0, line_end = 0;
    int col = 0;

    while (i < n) {
        guint end;
        int w, sep;

        if (c[i].ch == ' ') {
            i++;
            continue;
        }
        end = token_end(c, n, i);
        w = range_width(c, n, i, end, st);
        sep = (col > 0 && i > 0 && c[i - 1].ch == ' ') ? 1 : 0;
        if (col > 0 && col + sep + w > avail) {
            push_line(lines, line_start, line_end);
            col = sep = 0;
        }
        if (col == 0 && w > avail) {
            guint k = i;
            line_start = i;
            for (k = i; k < end; k++) {
                int cw = range_width(c, n, k, k + 1, st);
                if (col > 0 && col + cw > avail) {
                    push_line(lines, line_start, k);
                    line_start = k;
                    col = 0;
                }
                col += cw;
            }
            line_end = end;
        } else {
            if (col == 0)
                line_start = i;
            line_end = end;
            col += sep + w;
        }
        i = end;
    }
    if (col > 0)
        push_line(lines, line_start, line_end);
    return lines;
}

void
render_wrap(GString *out, const char *text, const ghs_span *spans,
            size_t n_spans, int indent, const render_style *st)
{
    GArray *cells = make_cells(text, spans, n_spans);
    const cell *c = (const cell *)(void *)cells->data;
    int avail = MAX(st->width - indent, 20);
    GArray *lines = break_lines(c, cells->len, avail, st);
    guint l, k;

    for (l = 0; l < lines->len; l++) {
        const line_range *r = &g_array_index(lines, line_range, l);
        int on = 0;

        g_string_append_printf(out, "%*s", indent, "");
        for (k = r->start; k < r->end; k++) {
            if (c[k].hl != on) {
                if (on)
                    g_string_append(out, st->hl_close);
                if (c[k].hl)
                    g_string_append(out, st->hl_open);
                on = c[k].hl;
            }
            g_string_append_unichar(out, c[k].ch);
        }
        if (on)
            g_string_append(out, st->hl_close);
        g_string_append_c(out, '\n');
    }
    g_array_free(lines, TRUE);
    g_array_free(cells, TRUE);
}

/* Append a one-line field with blanks collapsed (no control characters). */
static void
append_clean(GString *out, const char *s)
{
    GArray *cells = make_cells(s, NULL, 0);
    guint k;

    for (k = 0; k < cells->len; k++)
        g_string_append_unichar(out, g_array_index(cells, cell, k).ch);
    g_array_free(cells, TRUE);
}

/* append_clean, as a terminal hyperlink to hit h's page when st has links. */
static void
append_linked(GString *out, const char *s, const ghs_hit *h, const render_style *st)
{
    char *url = st->link ? st->link(h, st->link_user) : NULL;
    GString *text = g_string_new(NULL);

    append_clean(text, s);
    cli_append_hyperlink(out, url, text->str);
    g_string_free(text, TRUE);
    g_free(url);
}

/* "p. 15 (PDF p. 16)" when the page's printed label differs from its
 * physical number, else "p. 16". */
static void
append_page_label(GString *out, int page, const char *label)
{
    char num[16];

    g_snprintf(num, sizeof num, "%d", page);
    if (label && *label && strcmp(label, num) != 0) {
        g_string_append(out, "p. ");
        append_clean(out, label);
        g_string_append_printf(out, " (PDF p. %d)", page);
    } else {
        g_string_append_printf(out, "p. %d", page);
    }
}

static void
append_page(GString *out, const ghs_hit *h)
{
    append_page_label(out, h->page, h->page_label);
}

static void
append_page_score(GString *out, const ghs_hit *h)
{
    if (h->page > 0) {
        append_page(out, h);
        g_string_append_c(out, ' ');
    }
    g_string_append_printf(out, "(score %.2f)", h->score);
}

/* --explain: "   rank 7: tier 2 (some words), BM25 1.95, wording 0.42". */
static void
append_explain(GString *out, const ghs_hit *h, const render_style *st)
{
    g_string_append_printf(out, "   %srank %d: tier %d (%s words), BM25 %.2f, ", st->dim_open,
                           h->rank, h->tier, h->tier > 1 ? "some" : "all", h->score);
    if (h->reranked)
        g_string_append_printf(out, "wording %.2f", h->rerank);
    else
        g_string_append(out, "not re-ranked");
    g_string_append_printf(out, "%s\n", st->dim_close);
}

/* "   cite: ..." in the chosen style; a multi-line one (BibTeX) indented. */
static void
append_citation(GString *out, const ghs_hit *h, const render_style *st)
{
    char *styled = NULL;
    char **lines, **l;

    if (st->cite >= 0 && ghs_hit_cite(h, (ghs_cite_style)st->cite, &styled, NULL) < 0)
        styled = NULL;
    lines = g_strsplit(styled ? styled : (h->citation ? h->citation : ""), "\n", -1);
    for (l = lines; *l; l++) {
        if (**l == '\0' && l != lines)
            continue;
        g_string_append_printf(out, "   %s%s", st->dim_open, l == lines ? "cite: " : "  ");
        if (l == lines)
            append_linked(out, *l, h, st);
        else
            append_clean(out, *l);
        g_string_append_printf(out, "%s\n", st->dim_close);
    }
    g_strfreev(lines);
    ghs_free(styled);
}

/* "   also in: Title, p. 2; Other title" (the same words elsewhere). */
static void
append_also_in(GString *out, const ghs_hit *h, const render_style *st)
{
    size_t i;

    if (h->n_also_in == 0)
        return;
    g_string_append_printf(out, "   %salso in: ", st->dim_open);
    for (i = 0; i < h->n_also_in; i++) {
        const ghs_location *l = &h->also_in[i];

        if (i)
            g_string_append(out, "; ");
        append_clean(out, l->title && *l->title ? l->title : l->doc);
        if (l->page > 0) {
            g_string_append(out, ", ");
            append_page_label(out, l->page, l->page_label);
        }
    }
    g_string_append_printf(out, "%s\n", st->dim_close);
}

void
render_results(FILE *fp, const ghs_results *r, const render_style *st)
{
    GString *out = g_string_new(NULL);
    const ghs_hit *prev = NULL;
    size_t i, n = ghs_results_count(r);
    int docs = 0, tier = 1;

    for (i = 0; i < n; i++) {
        const ghs_hit *h = ghs_results_hit(r, i);
        gboolean same_doc = prev && g_strcmp0(prev->doc, h->doc) == 0;

        g_string_truncate(out, 0);
        if (h->tier > tier) {
            /* Every hit of tier 1 comes first, whatever the scores: say
             * where the list passes to the others (one document's hits
             * share a tier, so this falls between documents). */
            g_string_append_printf(out, "%s%s— passages with only some of the words —%s\n",
                                   prev ? "\n" : "", st->em_open, st->em_close);
            tier = h->tier;
            same_doc = FALSE;
        }
        if (!same_doc) {
            docs++;
            if (prev || tier > 1)
                g_string_append_c(out, '\n');
            g_string_append_printf(out, "%d. %s", h->doc_rank > 0 ? h->doc_rank : docs,
                                   st->em_open);
            append_clean(out, h->title && *h->title ? h->title : h->doc);
            g_string_append(out, st->em_close);
            if (h->page > 0) {
                g_string_append(out, " — ");
                append_page(out, h);
            }
            if (h->lang && *h->lang) {
                g_string_append(out, " [");
                append_clean(out, h->lang);
                g_string_append_c(out, ']');
            }
            g_string_append_printf(out, " (score %.2f", h->score);
            if (h->reranked)
                g_string_append_printf(out, ", wording %.2f", h->rerank);
            g_string_append_c(out, ')');
            g_string_append_printf(out, "\n   %s", st->dim_open);
            append_linked(out, h->source, h, st);
            if (h->linked_from && *h->linked_from) {
                g_string_append(out, "\n   linked from ");
                append_clean(out, h->linked_from);
            }
            g_string_append_printf(out, "%s\n", st->dim_close);
        } else {
            g_string_append(out, "   — ");
            if (h->page <= 0)
                g_string_append(out, "another passage ");
            append_page_score(out, h);
            g_string_append_c(out, '\n');
        }
        if (st->explain)
            append_explain(out, h, st);
        render_wrap(out, h->passage, h->highlights, h->n_highlights, 3, st);
        append_also_in(out, h, st);
        append_citation(out, h, st);
        fwrite(out->str, 1, out->len, fp);
        prev = h;
    }
    g_string_free(out, TRUE);
}
