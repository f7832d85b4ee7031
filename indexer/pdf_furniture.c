/*
 * pdf_furniture.c: running heads and feet of a PDF's pages
 * (pdf_furniture.h).
 *
 * Owns the comparison of the lines at the edges of the pages of one
 * document and the removal of those that recur. It works on the text only
 * (after the layout pass has put the breaks back, pdf_layout.c), so it
 * needs no second pass through poppler; a lone page number on a page's
 * first or last line is already gone (extract_pdf.c).
 */
#include "pdf_furniture.h"

#include <stdbool.h>
#include <string.h>

#include "extract_internal.h"

/* Fewest pages a line must recur on to be furniture. */
#define MIN_PAGES 3

/* Is s[0..n) a page number token: digits (full-width too) dressed with
 * dashes, dots or brackets ("15", "–15–", "(iv)" is not: no digit)? */
static bool is_number_token(const char *s, size_t n)
{
    bool digit = false;
    for (const char *p = s; p < s + n; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isdigit(c))
            digit = true;
        else if (g_unichar_isalpha(c))
            return false;
    }
    return digit;
}

/* Is key (digits as '#') a page number as printed: one number between
 * dashes or brackets ("#", "-#-", "–#–", "(#)")? */
static bool page_number_shape(const char *key)
{
    int numbers = 0;
    for (const char *p = key; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c == '#')
            numbers++;
        else if (!(c == '-' || c == 0x2010 || c == 0x2013 || c == 0x2014 ||
                   c == 0x2212 || c == 0xFF0D || c == 0x30FC || c == '(' ||
                   c == ')' || c == 0xFF08 || c == 0xFF09 || c == '.'))
            return false;
    }
    return numbers == 1;
}

/* The key a line is compared by: lowercase, no white space, each run of
 * digits (full-width ones too) one '#', after a page number standing
 * apart at either end is dropped ("3 TOOLKIT" and "TOOLKIT 4" are the
 * same head on facing pages; "Page 3 of 39" is "page#of") unless
 * keep_numbers. "" for a line without letters, unless it is a page number
 * ("-2-" is "-#-"): one that poppler reads in the middle of the page is
 * still drawn at its foot. */
static char *line_key(const char *s, size_t n, bool keep_numbers)
{
    /* The first and the last word, when they are page numbers. */
    const char *a = s, *b = s + n;
    if (keep_numbers)
        goto key;
    const char *sp = a;
    while (sp < b && !ghs_x_is_space(g_utf8_get_char(sp)))
        sp = g_utf8_next_char(sp);
    if (sp < b && is_number_token(a, (size_t)(sp - a)))
        a = sp;
    const char *last = b;
    while (last > a) {
        const char *prev = g_utf8_find_prev_char(a, last);
        if (prev == NULL || ghs_x_is_space(g_utf8_get_char(prev)))
            break;
        last = prev;
    }
    if (last > a && is_number_token(last, (size_t)(b - last)))
        b = last;

key:;
    bool letters = false;
    char *k = ghs_pdf_line_shape(a, (size_t)(b - a), &letters);
    if (!letters && !page_number_shape(k))
        *k = '\0';   /* figures, rules, bullets: not worth comparing */
    return k;
}

char *ghs_pdf_line_shape(const char *s, size_t n, bool *letters)
{
    GString *k = g_string_sized_new(n);
    bool digits = false;
    *letters = false;
    for (const char *p = s; p < s + n; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (ghs_x_is_space(c))
            continue;
        if (g_unichar_isdigit(c)) {
            if (!digits)
                g_string_append_c(k, '#');
            digits = true;
            continue;
        }
        digits = false;
        *letters = *letters || g_unichar_isalpha(c);
        g_string_append_unichar(k, g_unichar_tolower(c));
    }
    return g_string_free(k, FALSE);
}

static bool has_letters(const char *s)
{
    for (const char *p = s; *p != '\0'; p = g_utf8_next_char(p))
        if (g_unichar_isalpha(g_utf8_get_char(p)))
            return true;
    return false;
}

static bool blank(const char *s, size_t n)
{
    for (const char *p = s; p < s + n; p = g_utf8_next_char(p))
        if (!ghs_x_is_space(g_utf8_get_char(p)))
            return false;
    return true;
}

/* Drops lines, blank or white, from both ends of t. */
static void trim_lines(GString *t)
{
    size_t a = 0;
    while (a < t->len && (t->str[a] == '\n' || t->str[a] == ' '))
        a++;
    g_string_erase(t, 0, (gssize)a);
    while (t->len > 0 && (t->str[t->len - 1] == '\n' || t->str[t->len - 1] == ' '))
        g_string_truncate(t, t->len - 1);
}

typedef struct text_line {
    size_t start, end; /* bytes of the page text, without the '\n' */
    char *exact;       /* line_key(..., true) */
    bool drop;
} text_line;

/* A line at the top or bottom of a page. */
typedef struct edge_line {
    const char *text;  /* as written in the page's text */
    bool top;
    char *key;         /* line_key(..., false): compared across pages */
    char *exact;       /* line_key(..., true) */
} edge_line;

typedef struct page_lines {
    GArray *lines;     /* text_line, the non-blank lines in text order */
    GArray *edges;     /* edge_line */
} page_lines;

/* The bytes of s without white space at either end. */
static void strip(const char **s, size_t *n)
{
    while (*n > 0 && ghs_x_is_space(g_utf8_get_char(*s))) {
        const char *next = g_utf8_next_char(*s);
        *n -= (size_t)(next - *s);
        *s = next;
    }
    while (*n > 0) {
        const char *prev = g_utf8_find_prev_char(*s, *s + *n);
        if (prev == NULL || !ghs_x_is_space(g_utf8_get_char(prev)))
            break;
        *n = (size_t)(prev - *s);
    }
}

static void add_edge(GArray *edges, const char *text, bool top)
{
    size_t n = strlen(text);
    edge_line e = { .text = text, .top = top,
                    .key = line_key(text, n, false), .exact = line_key(text, n, true) };
    g_array_append_val(edges, e);
}

static page_lines read_page(const ghs_furniture_page *pg, GPtrArray *own)
{
    const GString *t = pg->text;
    page_lines pl = { g_array_new(FALSE, FALSE, sizeof(text_line)),
                      g_array_new(FALSE, FALSE, sizeof(edge_line)) };
    for (size_t a = 0, b; a < t->len; a = b + 1) {
        const char *nl = memchr(t->str + a, '\n', t->len - a);
        b = nl != NULL ? (size_t)(nl - t->str) : t->len;
        if (!blank(t->str + a, b - a)) {
            text_line l = { .start = a, .end = b,
                            .exact = line_key(t->str + a, b - a, true) };
            g_array_append_val(pl.lines, l);
        }
    }
    if (pg->top != NULL && pg->bottom != NULL) {
        for (guint i = 0; i < pg->top->len; i++)
            add_edge(pl.edges, g_ptr_array_index(pg->top, i), true);
        for (guint i = 0; i < pg->bottom->len; i++)
            add_edge(pl.edges, g_ptr_array_index(pg->bottom, i), false);
        return pl;
    }
    /* No layout: the first and last lines in text order. */
    guint k = MIN(GHS_FURNITURE_EDGE_LINES, pl.lines->len);
    for (guint i = 0; i < pl.lines->len; i++) {
        bool top = i < k, bottom = i + k >= pl.lines->len;
        if (!top && !bottom)
            continue;
        const text_line *l = &g_array_index(pl.lines, text_line, i);
        char *copy = g_strndup(t->str + l->start, l->end - l->start);
        g_ptr_array_add(own, copy);
        if (top)
            add_edge(pl.edges, copy, true);
        if (bottom)
            add_edge(pl.edges, copy, false);
    }
    return pl;
}

/* Adds one to the count of mark (place + key) in counts. */
static void count(GHashTable *counts, const char *place, const char *key)
{
    char *mark = g_strconcat(place, key, NULL);
    gpointer old = g_hash_table_lookup(counts, mark);
    g_hash_table_insert(counts, mark, GUINT_TO_POINTER(GPOINTER_TO_UINT(old) + 1));
}

static size_t count_of(GHashTable *counts, const char *place, const char *key)
{
    char *mark = g_strconcat(place, key, NULL);
    size_t c = GPOINTER_TO_UINT(g_hash_table_lookup(counts, mark));
    g_free(mark);
    return c;
}

/* Counts the pages each key stands on at the top ("t:") and at the bottom
 * ("b:"), and the pages whose body holds an exact key ("m:") more often
 * than their edges do. */
static void count_page(GHashTable *counts, const page_lines *pl)
{
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint j = 0; j < pl->edges->len; j++) {
        const edge_line *e = &g_array_index(pl->edges, edge_line, j);
        char *mark = g_strconcat(e->top ? "t:" : "b:", e->key, NULL);
        if (*e->key != '\0' && g_hash_table_add(seen, mark))
            count(counts, e->top ? "t:" : "b:", e->key);
        else if (*e->key == '\0')
            g_free(mark);
    }
    /* On a page of few lines every line is at an edge: no body. */
    if (pl->lines->len > 2 * GHS_FURNITURE_EDGE_LINES) {
        GHashTable *in_text = g_hash_table_new(g_str_hash, g_str_equal);
        for (guint j = 0; j < pl->lines->len; j++) {
            const char *x = g_array_index(pl->lines, text_line, j).exact;
            gpointer c = g_hash_table_lookup(in_text, x);
            g_hash_table_insert(in_text, (gpointer)x, GUINT_TO_POINTER(GPOINTER_TO_UINT(c) + 1));
        }
        for (guint j = 0; j < pl->edges->len; j++) {
            const char *x = g_array_index(pl->edges, edge_line, j).exact;
            gpointer c = g_hash_table_lookup(in_text, x);
            if (c != NULL)
                g_hash_table_insert(in_text, (gpointer)x, GUINT_TO_POINTER(GPOINTER_TO_UINT(c) - 1));
        }
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init(&it, in_text);
        while (g_hash_table_iter_next(&it, &k, &v))
            if (GPOINTER_TO_UINT(v) > 0 && *(const char *)k != '\0')
                count(counts, "m:", k);
        g_hash_table_destroy(in_text);
    }
    g_hash_table_destroy(seen);
}

/* Is e furniture: at the same edge of enough pages, and not a line of the
 * text that merely recurs (dummy or boilerplate paragraphs repeat in the
 * pages' body too)? */
static bool is_furniture(GHashTable *counts, const edge_line *e, size_t need)
{
    if (*e->key == '\0')
        return false;
    size_t at_edge = count_of(counts, e->top ? "t:" : "b:", e->key);
    return at_edge >= need + count_of(counts, "m:", e->exact);
}

/* Marks the first line of pl not marked yet that reads as e. */
static void mark_line(const GString *t, page_lines *pl, const edge_line *e)
{
    const char *want = e->text;
    size_t want_n = strlen(want);
    strip(&want, &want_n);
    for (guint j = 0; j < pl->lines->len; j++) {
        text_line *l = &g_array_index(pl->lines, text_line, j);
        const char *s = t->str + l->start;
        size_t n = l->end - l->start;
        strip(&s, &n);
        if (!l->drop && n == want_n && memcmp(s, want, n) == 0) {
            l->drop = true;
            return;
        }
    }
}

/* Takes the marked lines out of page i; returns how many. */
static size_t drop_marked(GString *t, page_lines *pl)
{
    guint marked = 0, worded = 0;
    for (guint j = 0; j < pl->lines->len; j++) {
        const text_line *l = &g_array_index(pl->lines, text_line, j);
        marked += l->drop;
        worded += *l->exact != '\0';
    }
    /* A page whose words are all in such lines keeps them: they are its
     * text (a one-line page repeated, a slide's lone title). */
    if (marked == 0 || marked >= worded)
        return 0;
    /* Backwards, so that the offsets of the lines before stay valid. */
    for (guint j = pl->lines->len; j-- > 0;) {
        const text_line *l = &g_array_index(pl->lines, text_line, j);
        if (!l->drop)
            continue;
        if (l->end < t->len)
            g_string_erase(t, (gssize)l->start, (gssize)(l->end - l->start + 1));
        else
            g_string_truncate(t, l->start);
    }
    trim_lines(t);
    return marked;
}

size_t ghs_pdf_drop_furniture(ghs_furniture_page *pages, size_t n)
{
    if (n < MIN_PAGES)
        return 0;
    GPtrArray *own = g_ptr_array_new_with_free_func(g_free);
    page_lines *pl = g_new0(page_lines, n);
    GHashTable *counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    size_t with_text = 0;
    for (size_t i = 0; i < n; i++) {
        pl[i] = read_page(&pages[i], own);
        with_text += pl[i].lines->len > 0;
        count_page(counts, &pl[i]);
    }

    size_t need = MAX(MIN_PAGES, (with_text + 1) / 2);
    size_t removed = 0;
    for (size_t i = 0; i < n && with_text >= MIN_PAGES; i++) {
        /* Of the page numbers, only the one farthest out at each edge:
         * the figures of a chart or table near the foot are no numbers of
         * pages, whatever their count. */
        guint first_number = G_MAXUINT, last_number = G_MAXUINT;
        for (guint j = 0; j < pl[i].edges->len; j++) {
            const edge_line *e = &g_array_index(pl[i].edges, edge_line, j);
            if (!has_letters(e->key) && *e->key != '\0') {
                if (e->top && first_number == G_MAXUINT)
                    first_number = j;
                if (!e->top)
                    last_number = j;
            }
        }
        for (guint j = 0; j < pl[i].edges->len; j++) {
            const edge_line *e = &g_array_index(pl[i].edges, edge_line, j);
            if (!has_letters(e->key) && j != first_number && j != last_number)
                continue;
            if (!(i == 0 && e->top) && is_furniture(counts, e, need))
                mark_line(pages[i].text, &pl[i], e);
        }
        removed += drop_marked(pages[i].text, &pl[i]);
    }

    g_hash_table_destroy(counts);
    for (size_t i = 0; i < n; i++) {
        for (guint j = 0; j < pl[i].lines->len; j++)
            g_free(g_array_index(pl[i].lines, text_line, j).exact);
        for (guint j = 0; j < pl[i].edges->len; j++) {
            g_free(g_array_index(pl[i].edges, edge_line, j).key);
            g_free(g_array_index(pl[i].edges, edge_line, j).exact);
        }
        g_array_free(pl[i].lines, TRUE);
        g_array_free(pl[i].edges, TRUE);
    }
    g_free(pl);
    g_ptr_array_free(own, TRUE);
    return removed;
}
