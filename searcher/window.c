/*
 * window.c: the window of a passage a hit shows, chosen around its
 * highlights.
 *
 * A passage holds up to GHS_PASSAGE_MAX (800) code points, too much to
 * read in a list of hits. The window is a run of whole sentences (ICU
 * sentence breaks, as the indexer's passages use) of at most GHS_WINDOW_MAX
 * code points holding the most distinct matched words, with "…" where text
 * was left out, so a reader sees why the passage matched and can tell it
 * was cut. Highlights are moved into the window's text, in code points.
 *
 * Where a sentence is too long for a window (a PDF table, a Japanese
 * sentence of many clauses) it is cut into pieces, only between two words
 * of the analyzer: at a space or punctuation when there is one, else
 * between two CJK words (ICU's dictionary boundary). Never inside a word,
 * a compound ("ユニバーサル・ヘルス・カバレッジ", "COVID-19") or a
 * highlight; since offsets are code points and words hold whole grapheme
 * clusters, never inside a character either.
 *
 * Does not own: finding the highlights (snippet.c), the passage splitting
 * at index time (indexer/passages.c).
 */
#include <stdlib.h>
#include <string.h>

#include "window.h"

#define ELLIPSIS "\xE2\x80\xA6"   /* U+2026 */

typedef struct unit {
    uint32_t start, end;   /* code points, end exclusive */
} unit;

/* Characters that join the two words around them into one ("COVID-19",
 * "ユニバーサル・ヘルス", "don't", "a/b"): no cut between those words. */
static gboolean is_joiner(gunichar c)
{
    switch (c) {
    case '-': case 0x2010: case 0x2011: case 0xFF0D: case 0x30FB: case 0xFF65:
    case '\'': case 0x2019: case '.': case 0xFF0E: case '/': case 0xFF0F:
    case '_': case '&': case '+': case '@': case '#': case ':': case 0x00B7:
        return TRUE;
    default:
        return FALSE;
    }
}

static gboolean is_blank(gunichar c)
{
    return g_unichar_isspace(c) || c == 0x3000;
}

static gboolean is_opening(gunichar c)
{
    GUnicodeType t = g_unichar_type(c);
    return t == G_UNICODE_OPEN_PUNCTUATION || t == G_UNICODE_INITIAL_PUNCTUATION;
}

/* Is code point c strictly inside one of the highlights? */
static gboolean inside_highlight(const ghs_span *hl, size_t n_hl, uint32_t c)
{
    for (size_t i = 0; i < n_hl; i++)
        if ((uint32_t)hl[i].start < c && c < (uint32_t)hl[i].end)
            return TRUE;
    return FALSE;
}

/* The cut between tokens a and b (a before b): *at gets where the piece
 * before ends (before any opening bracket or quote of the gap, so "（UHC）"
 * stays together); returns 2 at a space or punctuation, 1 between two
 * words of which one is CJK with nothing between them, 0 when the two
 * words must stay together. */
static int cut_quality(const gunichar *u, const ghs_token *a, const ghs_token *b,
                       uint32_t *at)
{
    int blank = 0, other = 0;
    uint32_t open = b->start;

    for (uint32_t i = a->end; i < b->start; i++) {
        if (is_blank(u[i]))
            blank = 1;
        else if (!is_joiner(u[i]))
            other = 1;
        if (is_opening(u[i]) && open == b->start)
            open = i;
    }
    *at = open;
    if (a->end < b->start)
        return blank || other ? 2 : 0;
    return a->script == GHS_SCRIPT_CJK || b->script == GHS_SCRIPT_CJK ? 1 : 0;
}

/* Cut sentence [s, e) into pieces of at most piece_max code points where
 * it can, appending them to units. */
static void split_sentence(const gunichar *u, const ghs_tokens *toks, const ghs_span *hl,
                           size_t n_hl, uint32_t s, uint32_t e, uint32_t piece_max,
                           GArray *units)
{
    /* The allowed cuts inside the sentence, with their quality. */
    GArray *cuts = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    GArray *quality = g_array_new(FALSE, FALSE, sizeof(int));
    for (size_t k = 0; k + 1 < toks->n; k++) {
        const ghs_token *a = &toks->v[k], *b = &toks->v[k + 1];
        uint32_t at;
        if (a->start < s || b->end > e)
            continue;
        int q = cut_quality(u, a, b, &at);
        if (q == 0 || at <= s || at >= e || inside_highlight(hl, n_hl, at))
            continue;
        g_array_append_val(cuts, at);
        g_array_append_val(quality, q);
    }
    uint32_t pos = s;
    while (e - pos > piece_max) {
        /* Best: the best quality, latest cut in the second half of the
         * piece; then the latest cut before the limit; then the first
         * after it. */
        long best = -1, before = -1, after = -1;
        for (guint i = 0; i < cuts->len; i++) {
            uint32_t c = g_array_index(cuts, uint32_t, i);
            int q = g_array_index(quality, int, i);
            if (c <= pos)
                continue;
            if (c <= pos + piece_max) {
                before = i;
                if (c >= pos + piece_max / 2 &&
                    (best < 0 || q >= g_array_index(quality, int, best)))
                    best = i;
            } else if (after < 0) {
                after = i;
            }
        }
        long pick = best >= 0 ? best : before >= 0 ? before : after;
        if (pick < 0)
            break;
        unit piece = { pos, g_array_index(cuts, uint32_t, pick) };
        g_array_append_val(units, piece);
        pos = piece.end;
    }
    unit last = { pos, e };
    g_array_append_val(units, last);
    g_array_free(cuts, TRUE);
    g_array_free(quality, TRUE);
}

static void whole(const char *passage, size_t len, const ghs_span *hl, size_t n_hl,
                  uint32_t n_cp, ghs_window *out)
{
    out->start = 0;
    out->end = n_cp;
    out->text = g_strndup(passage, len);
    out->spans = n_hl ? g_memdup2(hl, n_hl * sizeof *hl) : NULL;
    out->n_spans = n_hl;
}

/* Choose the run of units [*bi, *bj]; see ghs_window_pick for the order. */
static void best_run(const unit *un, size_t n_un, const int *key, const size_t *unit_of,
                     size_t n_hl, size_t n_keys, uint32_t max_cp, size_t *bi, size_t *bj)
{
    size_t *stamp = g_new0(size_t, n_keys + 1);
    size_t best_d = 0, best_c = 0, best_w = 0, run = 0;
    int have = 0;

    *bi = *bj = 0;
    for (size_t i = 0; i < n_un; i++) {
        for (size_t j = i; j < n_un; j++) {
            uint32_t w = un[j].end - un[i].start;
            if (j > i && w > max_cp)
                break;
            size_t d = 0, c = 0;
            run++;
            for (size_t h = 0; h < n_hl; h++) {
                if (unit_of[h] < i || unit_of[h] > j)
                    continue;
                c++;
                if (stamp[key[h]] != run) {
                    stamp[key[h]] = run;
                    d++;
                }
            }
            if (!have || d > best_d || (d == best_d && c > best_c) ||
                (d == best_d && c == best_c && w > best_w)) {
                have = 1;
                best_d = d;
                best_c = c;
                best_w = w;
                *bi = i;
                *bj = j;
            }
        }
    }
    g_free(stamp);
}

/* ghs_window_pick, with the passage's tokens when the caller has them
 * (given: the analysis of passage, else NULL to analyze it here). */
static int window_pick(ghs_analyzer *a, const char *passage, size_t len,
                       const ghs_tokens *given, const ghs_span *hl, size_t n_hl,
                       uint32_t max_cp, ghs_window *out, ghs_error *err)
{
    memset(out, 0, sizeof *out);
    if (!passage)
        passage = "";
    if (!g_utf8_validate(passage, (gssize)len, NULL)) {
        whole(passage, len, hl, n_hl, (uint32_t)ghs_utf8_count(passage, len), out);
        return 0;
    }
    glong n_cp = 0;
    gunichar *u = g_utf8_to_ucs4_fast(passage, (glong)len, &n_cp);
    if ((uint32_t)n_cp <= max_cp) {
        g_free(u);
        whole(passage, len, hl, n_hl, (uint32_t)n_cp, out);
        return 0;
    }

    uint32_t *ends = NULL;
    size_t n_ends = 0;
    ghs_tokens toks;
    ghs_tokens_init(&toks);
    int rc = ghs_sentence_ends(a, passage, len, &ends, &n_ends, err);
    if (rc == 0 && !given)
        rc = ghs_analyze(a, passage, len, 0, &toks, err);
    const ghs_tokens *tk = given ? given : &toks;
    if (rc < 0) {
        free(ends);
        ghs_tokens_free(&toks);
        g_free(u);
        return rc;
    }

    /* Units: sentences, the long ones cut into pieces. */
    GArray *units = g_array_new(FALSE, FALSE, sizeof(unit));
    uint32_t s = 0;
    for (size_t i = 0; i <= n_ends; i++) {
        uint32_t e = i < n_ends ? ends[i] : (uint32_t)n_cp;
        if (e > (uint32_t)n_cp)
            e = (uint32_t)n_cp;
        if (e <= s)
            continue;
        split_sentence(u, tk, hl, n_hl, s, e, max_cp / 2 ? max_cp / 2 : 1, units);
        s = e;
    }
    free(ends);
    ghs_tokens_free(&toks);

    /* Each highlight's unit and the id of its normalized text. */
    const unit *un = (const unit *)(void *)units->data;
    size_t n_un = units->len;
    int *key = g_new0(int, n_hl + 1);
    size_t *unit_of = g_new0(size_t, n_hl + 1);
    GHashTable *ids = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
    for (size_t h = 0; h < n_hl; h++) {
        uint32_t hs = (uint32_t)MAX(hl[h].start, 0);
        uint32_t he = (uint32_t)MIN(MAX(hl[h].end, 0), n_cp);
        size_t k = 0;
        while (k + 1 < n_un && un[k].end <= hs)
            k++;
        unit_of[h] = k;
        const char *b0 = g_utf8_offset_to_pointer(passage, MIN(hs, he));
        const char *b1 = g_utf8_offset_to_pointer(passage, he);
        ghs_error ne = {0};
        char *norm = ghs_normalize(a, b0, (size_t)(b1 - b0), &ne);
        if (!norm) {
            /* Out of memory: keyed by its raw text instead, the highlight
             * could choose another window; the search fails instead. */
            g_hash_table_destroy(ids);
            g_free(key);
            g_free(unit_of);
            g_array_free(units, TRUE);
            g_free(u);
            if (err)
                *err = ne;
            return ne.code;
        }
        gpointer id;
        if (g_hash_table_lookup_extended(ids, norm, NULL, &id)) {
            free(norm);
        } else {
            id = GINT_TO_POINTER(g_hash_table_size(ids));
            g_hash_table_insert(ids, norm, id);
        }
        key[h] = GPOINTER_TO_INT(id);
    }
    size_t bi, bj;
    best_run(un, n_un, key, unit_of, n_hl, g_hash_table_size(ids), max_cp, &bi, &bj);
    g_hash_table_destroy(ids);
    g_free(key);
    g_free(unit_of);

    uint32_t ws = un[bi].start, we = un[bj].end;
    g_array_free(units, TRUE);
    while (ws < we && is_blank(u[ws]))
        ws++;
    while (we > ws && is_blank(u[we - 1]))
        we--;
    /* "…" only where non-blank text was left out. */
    int pre = 0, post = 0;
    for (uint32_t i = 0; i < ws && !pre; i++)
        pre = !is_blank(u[i]);
    for (uint32_t i = we; i < (uint32_t)n_cp && !post; i++)
        post = !is_blank(u[i]);
    g_free(u);

    const char *b0 = g_utf8_offset_to_pointer(passage, ws);
    const char *b1 = g_utf8_offset_to_pointer(passage, we);
    GString *t = g_string_sized_new((gsize)(b1 - b0) + 8);
    if (pre)
        g_string_append(t, ELLIPSIS);
    g_string_append_len(t, b0, b1 - b0);
    if (post)
        g_string_append(t, ELLIPSIS);
    GArray *spans = g_array_new(FALSE, FALSE, sizeof(ghs_span));
    for (size_t h = 0; h < n_hl; h++) {
        int hs = MAX(hl[h].start, (int)ws), he = MIN(hl[h].end, (int)we);
        if (hs >= he)
            continue;
        ghs_span sp = { hs - (int)ws + pre, he - (int)ws + pre };
        g_array_append_val(spans, sp);
    }
    out->start = ws;
    out->end = we;
    out->text = g_string_free(t, FALSE);
    out->n_spans = spans->len;
    out->spans = (ghs_span *)(void *)g_array_free(spans, spans->len == 0);
    return 0;
}

int ghs_window_pick(ghs_analyzer *a, const char *passage, size_t len,
                    const ghs_span *hl, size_t n_hl, uint32_t max_cp,
                    ghs_window *out, ghs_error *err)
{
    return window_pick(a, passage, len, NULL, hl, n_hl, max_cp, out, err);
}

void ghs_window_clear(ghs_window *w)
{
    if (!w)
        return;
    g_free(w->text);
    g_free(w->spans);
    memset(w, 0, sizeof *w);
}

int ghs_window_hit(ghs_analyzer *a, ghs_hit *h, const ghs_tokens *toks, GPtrArray *owned,
                   ghs_error *err)
{
    ghs_window w;
    const char *p = h->passage ? h->passage : "";
    size_t len = strlen(p);
    int rc = window_pick(a, p, len, toks, h->highlights, h->n_highlights, GHS_WINDOW_MAX,
                         &w, err);
    if (rc < 0)
        return rc;
    h->full_passage = p;
    h->full_highlights = h->highlights;
    h->n_full_highlights = h->n_highlights;
    h->window_start = (int)w.start;
    h->window_end = (int)w.end;
    if (strcmp(w.text, p) == 0) {
        /* Shown whole: the passage and highlights stay as they are. */
        ghs_window_clear(&w);
        return 0;
    }
    g_ptr_array_add(owned, w.text);
    g_ptr_array_add(owned, w.spans);
    h->passage = w.text;
    h->highlights = w.spans;
    h->n_highlights = w.n_spans;
    return 0;
}
