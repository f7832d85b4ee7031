/*
 * pdf_page_numbers.c: printed page numbers as page labels
 * (pdf_page_numbers.h).
 *
 * Owns reading a page number out of a line ("– 15 –", "Page 3 of 39",
 * "iii", "－１５－"), and the judgement of whether the numbers at the
 * edges of a document's pages are its page numbers: runs of pages whose
 * numbers keep a constant offset from the physical page. It looks at the
 * same edge lines as pdf_furniture.c (the lines drawn highest and lowest
 * on each page, pdf_layout.h) and never at the body of a page, where a
 * number is a figure, a year or a list item. It does not decide whether
 * the labels are used: a PDF's own /PageLabels win (extract_pdf.c).
 */
#include "pdf_page_numbers.h"

#include <string.h>

#include "extract_internal.h"
#include "pdf_furniture.h"

/* Fewest pages a numbering run stands on; a number on fewer is a stray. */
#define MIN_RUN 3
/* Most pages without a number between two numbered pages of one run. */
#define MAX_GAP 6
/* Most unnumbered pages given a run's label before or after it. */
#define MAX_FILL 3
/* Fewest pages whose edge holds the same words for a number beside them
 * to count as a running head's ("3 TOOLKIT"). */
#define MIN_HEAD 3
/* Largest roman numeral read as a page number (front matter is short). */
#define MAX_ROMAN 100
/* Longest edge line (bytes) searched for a number beside a running head:
 * heads are short, and a page drawn as one long line is no head. */
#define MAX_HEAD_BYTES 400

/* ---------------------------------------------------------- one line */

static bool is_dash(gunichar c)
{
    return (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0x2E3A || c == 0x2E3B ||
           c == 0xFE58 || c == 0xFE63 || c == 0x30FC || c == 0xFF70 || c == 0x2500 ||
           c == 0x2501;
}

/* The line as the parser reads it: full-width ASCII as ASCII ("－１５－" is
 * "-15-"), digits of any script as ASCII digits, every dash '-', every
 * white space ' ', the Japanese and angle brackets '(' and ')', the roman
 * numeral characters (U+2160...) as letters. */
static void fold_into(GString *out, const char *s, size_t n)
{
    static const char *const roman[] = {"I", "II", "III", "IV", "V", "VI",
                                        "VII", "VIII", "IX", "X", "XI", "XII"};
    gunichar prev = 0;
    for (const char *p = s; p < s + n; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p), was = prev;
        prev = c;
        /* ー after katakana is a long vowel (ページ), not a dash. */
        if (c == 0x30FC && was >= 0x30A0 && was <= 0x30FF) {
            g_string_append_unichar(out, c);
            continue;
        }
        if (c >= 0xFF01 && c <= 0xFF5E)
            c -= 0xFEE0;
        if (c >= 0x2160 && c <= 0x216B) {
            g_string_append(out, roman[c - 0x2160]);
            continue;
        }
        if (c >= 0x2170 && c <= 0x217B) {
            for (const char *r = roman[c - 0x2170]; *r != '\0'; r++)
                g_string_append_c(out, g_ascii_tolower(*r));
            continue;
        }
        int d = g_unichar_digit_value(c);
        if (c >= 0x80 && d >= 0)
            c = (gunichar)('0' + d);
        else if (ghs_x_is_space(c))
            c = ' ';
        else if (is_dash(c))
            c = '-';
        else if (c == 0x301C)
            c = '~';
        else if (c == 0x3010 || c == 0x3014 || c == 0x3008 || c == 0x300A || c == 0x00AB ||
                 c == 0x2039 || c == 0x3016)
            c = '(';
        else if (c == 0x3011 || c == 0x3015 || c == 0x3009 || c == 0x300B || c == 0x00BB ||
                 c == 0x203A || c == 0x3017)
            c = ')';
        g_string_append_unichar(out, c);
    }
}

/* What may stand around a page number: white space, dashes, brackets,
 * rules and bullets. Not '.', ',', '%' or ':' ("15." is a list item). */
static bool is_dress(gunichar c)
{
    return c == ' ' || c == '-' || c == '~' || c == '(' || c == ')' || c == '[' ||
           c == ']' || c == '<' || c == '>' || c == '|' || c == '*' || c == '_' ||
           c == '=' || c == 0x2022 || c == 0x00B7 || c == 0x30FB || c == 0x25A0 ||
           c == 0x25CF || c == 0x2500;
}

static const char *skip_dress(const char *p, const char *e)
{
    while (p < e && is_dress(g_utf8_get_char(p)))
        p = g_utf8_next_char(p);
    return p;
}

static const char *trim_dress(const char *p, const char *e)
{
    while (e > p) {
        const char *prev = g_utf8_find_prev_char(p, e);
        if (prev == NULL || !is_dress(g_utf8_get_char(prev)))
            break;
        e = prev;
    }
    return e;
}

static const char *skip_spaces(const char *p, const char *e)
{
    while (p < e && *p == ' ')
        p++;
    return p;
}

static int roman_digit(char c)
{
    switch (g_ascii_tolower(c)) {
    case 'i': return 1;
    case 'v': return 5;
    case 'x': return 10;
    case 'l': return 50;
    case 'c': return 100;
    default: return 0;
    }
}

static void roman_render(GString *out, int v, bool upper)
{
    static const struct { int v; const char *s; } steps[] = {
        {100, "c"}, {90, "xc"}, {50, "l"}, {40, "xl"}, {10, "x"}, {9, "ix"},
        {5, "v"}, {4, "iv"}, {1, "i"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(steps); i++)
        for (; v >= steps[i].v; v -= steps[i].v)
            for (const char *s = steps[i].s; *s != '\0'; s++)
                g_string_append_c(out, upper ? g_ascii_toupper(*s) : *s);
}

/* The value of the roman numeral s[0..n) (one case, canonical form:
 * "iv", not "iiii"), or 0. */
static int roman_value(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        int d = roman_digit(s[i]), next = i + 1 < n ? roman_digit(s[i + 1]) : 0;
        v += d < next ? -d : d;
    }
    if (v < 1 || v > MAX_ROMAN)
        return 0;
    GString *canon = g_string_new(NULL);
    roman_render(canon, v, g_ascii_isupper(s[0]));
    bool same = canon->len == n && memcmp(canon->str, s, n) == 0;
    g_string_free(canon, TRUE);
    return same ? v : 0;
}

/* A run of 1-4 ASCII digits at p (not starting with 0) or of roman
 * letters of one case; its end, or NULL. */
static const char *read_number(const char *p, const char *e, int *value,
                               ghs_number_kind *kind)
{
    const char *q = p;
    if (q < e && g_ascii_isdigit(*q)) {
        int v = 0;
        while (q < e && g_ascii_isdigit(*q)) {
            if (q - p == 4)
                return NULL;
            v = v * 10 + (*q++ - '0');
        }
        if (*p == '0')
            return NULL;
        *value = v;
        *kind = GHS_NUMBER_ARABIC;
        return q;
    }
    bool upper = q < e && g_ascii_isupper(*q);
    while (q < e && roman_digit(*q) != 0 && (bool)g_ascii_isupper(*q) == upper)
        q++;
    if (q == p || q - p > 8)
        return NULL;
    int v = roman_value(p, (size_t)(q - p));
    if (v == 0)
        return NULL;
    *value = v;
    *kind = upper ? GHS_NUMBER_ROMAN_UPPER : GHS_NUMBER_ROMAN_LOWER;
    return q;
}

static bool starts_with_ci(const char *p, const char *e, const char *word)
{
    size_t n = strlen(word);
    return (size_t)(e - p) >= n && g_ascii_strncasecmp(p, word, n) == 0;
}

static bool starts_with(const char *p, const char *e, const char *word)
{
    size_t n = strlen(word);
    return (size_t)(e - p) >= n && memcmp(p, word, n) == 0;
}

/* ghs_page_number_parse() of a folded line. */
static bool parse_folded(const char *s, size_t n, int *value, ghs_number_kind *kind)
{
    const char *p = skip_dress(s, s + n), *e = trim_dress(p, s + n);
    if (p == e)
        return false;
    /* "Page 15", "p. 15", "P15", "Pg. 3"; "p" alone must be followed by a
     * space or a digit ("pix" is no page number). */
    static const char *const prefixes[] = {"page", "pg.", "pg", "p.", "p"};
    for (size_t i = 0; i < G_N_ELEMENTS(prefixes); i++) {
        if (!starts_with_ci(p, e, prefixes[i]))
            continue;
        const char *q = p + strlen(prefixes[i]);
        if (q < e && (*q == ' ' || *q == ':' || *q == '.' || g_ascii_isdigit(*q) ||
                      prefixes[i][strlen(prefixes[i]) - 1] == '.')) {
            while (q < e && (*q == ' ' || *q == ':' || *q == '.'))
                q++;
            p = q;
            break;
        }
    }
    int v = 0;
    ghs_number_kind k = GHS_NUMBER_ARABIC;
    p = read_number(p, e, &v, &k);
    if (p == NULL)
        return false;
    p = skip_spaces(p, e);
    /* A total: "15 / 40", "3 of 39". */
    if (p < e && (*p == '/' || starts_with_ci(p, e, "of "))) {
        p = skip_spaces(p + (*p == '/' ? 1 : 2), e);
        int total = 0;
        ghs_number_kind tk = GHS_NUMBER_ARABIC;
        const char *q = read_number(p, e, &total, &tk);
        if (q == NULL || tk != GHS_NUMBER_ARABIC || k != GHS_NUMBER_ARABIC || total < v)
            return false;
        p = q;
    } else if (starts_with(p, e, "頁")) {
        p += strlen("頁");
    } else if (starts_with(p, e, "ページ")) {
        p += strlen("ページ");
    }
    if (skip_dress(p, e) != e)
        return false;
    *value = v;
    *kind = k;
    return true;
}

bool ghs_page_number_parse(const char *s, size_t n, int *value, ghs_number_kind *kind)
{
    GString *f = g_string_sized_new(n);
    fold_into(f, s, n);
    bool ok = parse_folded(f->str, f->len, value, kind);
    g_string_free(f, TRUE);
    return ok;
}

/* ---------------------------------------------------------- edge lines */

/* A number found at an edge of a page. */
typedef struct number {
    bool found;
    int value;
    ghs_number_kind kind;
    char *head;        /* the key of the running head beside it, or NULL
                          when the line is the number alone */
} number;

typedef struct edge {
    bool top;
    number alone;      /* the line is a page number */
    number first, last;/* a number at the start / the end of a worded line */
} edge;

/* The key a running head is compared by (pdf_furniture.h's line shape),
 * NULL when s[0..n) has no letter. */
static char *head_key(const char *s, size_t n)
{
    bool letters = false;
    char *k = ghs_pdf_line_shape(s, n, &letters);
    if (!letters) {
        g_free(k);
        return NULL;
    }
    return k;
}

/* Words that number captions and list items, not pages: "Table 3" at the
 * foot of three pages in a row is no page number. */
static bool is_caption_word(const char *key)
{
    static const char *const words[] = {
        "figure", "fig", "table", "tab", "box", "chart", "graph", "map", "annex",
        "appendix", "section", "chapter", "part", "step", "exhibit", "article",
        "item", "no", "note", "notes", "question", "q", "recommendation", "panel",
        "total", "subtotal", "合計", "計", "小計",
        "図", "表", "第", "章", "節", "資料", "別紙", "別添", "参考", "参考資料",
        "様式", "問", "注", "提言",
    };
    GString *w = g_string_new(NULL);
    for (const char *p = key; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isalpha(c))
            g_string_append_unichar(w, c);
    }
    bool found = false;
    for (size_t i = 0; i < G_N_ELEMENTS(words) && !found; i++)
        found = strcmp(w->str, words[i]) == 0;
    g_string_free(w, TRUE);
    return found;
}

static bool is_separator(gunichar c)
{
    return c == ' ' || c == '|' || c == 0x2022 || c == 0x00B7 || c == 0x30FB;
}

/* A number at the start (at_start) or the end of the worded folded line
 * f[0..n), read as long as it parses ("Page 3 of 39", not "39"), with
 * the key of the words beside it. */
static number split_number(const char *f, size_t n, bool at_start)
{
    number best = {0};
    const char *e = f + n;
    for (const char *p = f; p < e; p = g_utf8_next_char(p)) {
        if (!is_separator(g_utf8_get_char(p)))
            continue;
        const char *num = at_start ? f : p, *num_end = at_start ? p : e;
        const char *rest = at_start ? p : f, *rest_end = at_start ? e : p;
        number got = {0};
        if (!parse_folded(num, (size_t)(num_end - num), &got.value, &got.kind))
            continue;
        char *key = head_key(rest, (size_t)(rest_end - rest));
        if (key == NULL || is_caption_word(key)) {
            g_free(key);
            continue;
        }
        /* From the start, the longest number part is the last found; from
         * the end, the first. */
        if (!at_start && best.found) {
            g_free(key);
            continue;
        }
        g_free(best.head);
        best = got;
        best.found = true;
        best.head = key;
    }
    return best;
}

static edge read_edge(const char *line, bool top)
{
    edge ed = { .top = top };
    GString *f = g_string_new(NULL);
    fold_into(f, line, strlen(line));
    if (parse_folded(f->str, f->len, &ed.alone.value, &ed.alone.kind)) {
        ed.alone.found = true;
    } else if (f->len <= MAX_HEAD_BYTES) {
        ed.first = split_number(f->str, f->len, true);
        ed.last = split_number(f->str, f->len, false);
    }
    g_string_free(f, TRUE);
    return ed;
}

static void edge_clear(edge *ed)
{
    g_free(ed->first.head);
    g_free(ed->last.head);
}

/* The edges of page pg: its top and bottom lines, or without a layout the
 * first and last lines of its text (as pdf_furniture.c reads them). */
static GArray *read_edges(const ghs_furniture_page *pg)
{
    GArray *edges = g_array_new(FALSE, FALSE, sizeof(edge));
    if (pg->top != NULL && pg->bottom != NULL) {
        for (guint i = 0; i < pg->top->len; i++) {
            edge ed = read_edge(g_ptr_array_index(pg->top, i), true);
            g_array_append_val(edges, ed);
        }
        for (guint i = 0; i < pg->bottom->len; i++) {
            edge ed = read_edge(g_ptr_array_index(pg->bottom, i), false);
            g_array_append_val(edges, ed);
        }
        return edges;
    }
    char **lines = g_strsplit(pg->text->str, "\n", -1);
    GPtrArray *worded = g_ptr_array_new();
    for (char **l = lines; *l != NULL; l++)
        if (g_strstrip(*l)[0] != '\0')
            g_ptr_array_add(worded, *l);
    guint k = MIN(GHS_FURNITURE_EDGE_LINES, worded->len);
    for (guint i = 0; i < k; i++) {
        edge ed = read_edge(g_ptr_array_index(worded, i), true);
        g_array_append_val(edges, ed);
    }
    for (guint i = worded->len - k; i < worded->len; i++) {
        edge ed = read_edge(g_ptr_array_index(worded, i), false);
        g_array_append_val(edges, ed);
    }
    g_ptr_array_free(worded, TRUE);
    g_strfreev(lines);
    return edges;
}

/* ---------------------------------------------------------- the runs */

/* Pages printing numbers of one kind at one offset from the physical
 * page (0-based page i prints i + 1 - offset). */
typedef struct run {
    ghs_number_kind kind;
    int offset;
    size_t first, last;   /* 0-based pages, numbered ones at both ends */
    size_t support;       /* numbered pages between them */
} run;

typedef struct vote {
    ghs_number_kind kind;
    int offset;
    GArray *pages;        /* size_t, ascending, distinct */
} vote;

static void vote_free(gpointer p)
{
    vote *v = p;
    g_array_free(v->pages, TRUE);
    g_free(v);
}

static void cast(GHashTable *votes, size_t page, const number *num)
{
    if (!num->found)
        return;
    int offset = (int)page + 1 - num->value;
    char *key = g_strdup_printf("%d:%d", (int)num->kind, offset);
    vote *v = g_hash_table_lookup(votes, key);
    if (v == NULL) {
        v = g_new0(vote, 1);
        v->kind = num->kind;
        v->offset = offset;
        v->pages = g_array_new(FALSE, FALSE, sizeof(size_t));
        g_hash_table_insert(votes, key, v);
    } else {
        g_free(key);
    }
    if (v->pages->len == 0 || g_array_index(v->pages, size_t, v->pages->len - 1) != page)
        g_array_append_val(v->pages, page);
}

/* Adds to counts the pages each running head beside a number stands on
 * ("t:" or "b:" + key), once a page. */
static void count_heads(GHashTable *counts, const GArray *edges)
{
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint j = 0; j < edges->len; j++) {
        const edge *ed = &g_array_index(edges, edge, j);
        const char *heads[2] = { ed->first.head, ed->last.head };
        for (int h = 0; h < 2; h++) {
            if (heads[h] == NULL)
                continue;
            char *mark = g_strconcat(ed->top ? "t:" : "b:", heads[h], NULL);
            if (!g_hash_table_add(seen, mark))
                continue;
            gpointer c = g_hash_table_lookup(counts, mark);
            g_hash_table_insert(counts, g_strdup(mark), GUINT_TO_POINTER(GPOINTER_TO_UINT(c) + 1));
        }
    }
    g_hash_table_destroy(seen);
}

static bool recurring_head(GHashTable *counts, const edge *ed, const number *num)
{
    if (!num->found)
        return false;
    char *mark = g_strconcat(ed->top ? "t:" : "b:", num->head, NULL);
    guint c = GPOINTER_TO_UINT(g_hash_table_lookup(counts, mark));
    g_free(mark);
    return c >= MIN_HEAD;
}

/* The votes of page i: the outermost lone number at its top and at its
 * bottom (the figures of a table near the foot are no page numbers,
 * whatever their count), and the outermost number beside a running head
 * at each. */
static void cast_page(GHashTable *votes, GHashTable *counts, size_t i, const GArray *edges)
{
    const number *alone[2] = { NULL, NULL }, *beside[2] = { NULL, NULL };
    for (guint j = 0; j < edges->len; j++) {
        const edge *ed = &g_array_index(edges, edge, j);
        int at = ed->top ? 0 : 1;
        /* Top lines come highest first, bottom lines lowest last. */
        bool outer_wins = !ed->top;
        if (ed->alone.found && (alone[at] == NULL || outer_wins))
            alone[at] = &ed->alone;
        const number *b = recurring_head(counts, ed, &ed->first) ? &ed->first
                        : recurring_head(counts, ed, &ed->last) ? &ed->last : NULL;
        if (b != NULL && (beside[at] == NULL || outer_wins))
            beside[at] = b;
    }
    for (int at = 0; at < 2; at++) {
        if (alone[at] != NULL)
            cast(votes, i, alone[at]);
        if (beside[at] != NULL)
            cast(votes, i, beside[at]);
    }
}

/* The runs of v: its pages split where more than MAX_GAP pages go without
 * a number; those on enough pages, numbered on half the pages they span. */
static void runs_of(const vote *v, GArray *runs)
{
    for (guint a = 0, b; a < v->pages->len; a = b) {
        for (b = a + 1; b < v->pages->len; b++)
            if (g_array_index(v->pages, size_t, b) - g_array_index(v->pages, size_t, b - 1) >
                MAX_GAP + 1)
                break;
        run r = { .kind = v->kind, .offset = v->offset,
                  .first = g_array_index(v->pages, size_t, a),
                  .last = g_array_index(v->pages, size_t, b - 1), .support = b - a };
        if (r.support >= MIN_RUN && 2 * r.support >= r.last - r.first + 1)
            g_array_append_val(runs, r);
    }
}

static gint cmp_run(gconstpointer a, gconstpointer b)
{
    const run *x = a, *y = b;
    if (x->support != y->support)
        return x->support > y->support ? -1 : 1;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return (x->offset > y->offset) - (x->offset < y->offset);
}

static gint cmp_run_by_page(gconstpointer a, gconstpointer b)
{
    const run *x = a, *y = b;
    return (x->first > y->first) - (x->first < y->first);
}

/* The value page i prints in run r (may be below 1 outside it). */
static long value_at(const run *r, size_t i)
{
    return (long)i + 1 - r->offset;
}

static char *label_of(const run *r, size_t i)
{
    long v = value_at(r, i);
    if (r->kind == GHS_NUMBER_ARABIC)
        return g_strdup_printf("%ld", v);
    GString *s = g_string_new(NULL);
    roman_render(s, (int)v, r->kind == GHS_NUMBER_ROMAN_UPPER);
    return g_string_free(s, FALSE);
}

/* Gives run k the unclaimed pages from `from` on, stepping by step (-1:
 * backwards), at most MAX_FILL of them. */
static void fill(const run *runs, int k, int *owner, size_t n, size_t from, int step)
{
    const run *r = &runs[k];
    for (int done = 0; done < MAX_FILL && from < n && owner[from] < 0; done++) {
        long v = value_at(r, from);
        if (v < 1 || (r->kind != GHS_NUMBER_ARABIC && v > MAX_ROMAN))
            break;
        owner[from] = k;
        if (from == 0 && step < 0)
            break;
        from = (size_t)((long)from + step);
    }
}

size_t ghs_pdf_printed_labels(const ghs_furniture_page *pages, size_t n, char **labels)
{
    if (n < MIN_RUN)
        return 0;
    GArray **edges = g_new0(GArray *, n);
    GHashTable *counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (size_t i = 0; i < n; i++) {
        edges[i] = read_edges(&pages[i]);
        count_heads(counts, edges[i]);
    }
    GHashTable *votes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, vote_free);
    for (size_t i = 0; i < n; i++)
        cast_page(votes, counts, i, edges[i]);

    GArray *runs = g_array_new(FALSE, FALSE, sizeof(run));
    GHashTableIter it;
    gpointer key, val;
    g_hash_table_iter_init(&it, votes);
    while (g_hash_table_iter_next(&it, &key, &val))
        runs_of(val, runs);
    g_array_sort(runs, cmp_run);

    /* The runs with most pages first; a run overlapping one taken is not
     * (two numberings of the same pages: the better supported wins). */
    GArray *taken = g_array_new(FALSE, FALSE, sizeof(run));
    for (guint k = 0; k < runs->len; k++) {
        const run *r = &g_array_index(runs, run, k);
        bool free_span = true;
        for (guint t = 0; t < taken->len && free_span; t++) {
            const run *o = &g_array_index(taken, run, t);
            free_span = r->last < o->first || r->first > o->last;
        }
        if (free_span)
            g_array_append_val(taken, *r);
    }
    g_array_sort(taken, cmp_run_by_page);

    int *owner = g_new(int, n);
    for (size_t i = 0; i < n; i++)
        owner[i] = -1;
    const run *tr = (const run *)(void *)taken->data;
    for (guint k = 0; k < taken->len; k++)
        for (size_t i = tr[k].first; i <= tr[k].last; i++)
            owner[i] = (int)k;
    /* Unnumbered pages at a run's ends: first the opening pages of each
     * section (a chapter's first page, often without its number), then
     * what follows the last numbered page (a blank verso). */
    for (guint k = 0; k < taken->len; k++)
        if (tr[k].first > 0)
            fill(tr, (int)k, owner, n, tr[k].first - 1, -1);
    for (guint k = 0; k < taken->len; k++)
        fill(tr, (int)k, owner, n, tr[k].last + 1, 1);

    size_t labelled = 0;
    for (size_t i = 0; i < n; i++) {
        if (owner[i] < 0)
            continue;
        g_assert(labels[i] == NULL);
        labels[i] = label_of(&tr[owner[i]], i);
        labelled++;
    }

    g_free(owner);
    g_array_free(taken, TRUE);
    g_array_free(runs, TRUE);
    g_hash_table_destroy(votes);
    g_hash_table_destroy(counts);
    for (size_t i = 0; i < n; i++) {
        for (guint j = 0; j < edges[i]->len; j++)
            edge_clear(&g_array_index(edges[i], edge, j));
        g_array_free(edges[i], TRUE);
    }
    g_free(edges);
    return labelled;
}
