/*
 * passages.c: sentence-based passage splitting (contract in passages.h).
 *
 * Works on code points: the page is decoded once into an array of code
 * points so that sentence ends from the analyzer, trimming and cutting of
 * over-long sentences are all simple index arithmetic.
 */
#include "error.h"
#include "passages.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_space_cp(gunichar c)
{
    return g_unichar_isspace(c) || c == 0x3000 || c == 0xFEFF;
}

static int has_content(const gunichar *cp, uint32_t s, uint32_t e)
{
    for (uint32_t i = s; i < e; i++)
        if (g_unichar_isalnum(cp[i]))
            return 1;
    return 0;
}

typedef struct span_list {
    ghs_span32 *v;
    size_t n, cap;
} span_list;

/* Trim [s,e), drop it if empty or content-free, else append. */
static void emit(span_list *l, const gunichar *cp, uint32_t s, uint32_t e)
{
    while (s < e && is_space_cp(cp[s]))
        s++;
    while (e > s && is_space_cp(cp[e - 1]))
        e--;
    if (s >= e || !has_content(cp, s, e))
        return;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = g_realloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n].start = s;
    l->v[l->n].end = e;
    l->n++;
}

/* Cut a span longer than GHS_PASSAGE_MAX into pieces, preferring to cut
 * after a space or CJK punctuation in the last quarter of each piece so no
 * word is split. */
static void emit_long(span_list *l, const gunichar *cp, uint32_t s, uint32_t e)
{
    while (e - s > GHS_PASSAGE_MAX) {
        uint32_t cut = s + GHS_PASSAGE_MAX;
        for (uint32_t i = cut; i > s + GHS_PASSAGE_MAX * 3 / 4; i--) {
            gunichar c = cp[i - 1];
            if (is_space_cp(c) || c == 0x3001 || c == 0xFF0C || c == ',' || c == ';') {
                cut = i;
                break;
            }
        }
        emit(l, cp, s, cut);
        s = cut;
    }
    emit(l, cp, s, e);
}

int ghs_split_passages(ghs_analyzer *a, const char *text, size_t len,
                       ghs_span32 **out, size_t *n, ghs_error *err)
{
    *out = NULL;
    *n = 0;
    uint32_t *ends = NULL;
    size_t n_ends = 0;
    int rc = ghs_sentence_ends(a, text, len, &ends, &n_ends, err);
    if (rc < 0)
        return rc;

    glong n_cp = 0;
    gunichar *cp = g_utf8_to_ucs4_fast(text, (glong)len, &n_cp);
    span_list l = {0};
    uint32_t pstart = 0;   /* start of the passage being collected */
    for (size_t i = 0; i < n_ends; i++) {
        uint32_t e = ends[i] > (uint32_t)n_cp ? (uint32_t)n_cp : ends[i];
        if (e <= pstart)
            continue;
        /* Sentence i spans [prev, e). If adding it made the passage too long
         * and the passage already holds something, close the passage first. */
        uint32_t prev = i ? (ends[i - 1] > (uint32_t)n_cp ? (uint32_t)n_cp : ends[i - 1]) : 0;
        if (prev > pstart && e - pstart > GHS_PASSAGE_MAX) {
            emit(&l, cp, pstart, prev);
            pstart = prev;
        }
        if (e - pstart >= GHS_PASSAGE_TARGET) {
            emit_long(&l, cp, pstart, e);
            pstart = e;
        }
    }
    if ((uint32_t)n_cp > pstart)
        emit_long(&l, cp, pstart, (uint32_t)n_cp);
    g_free(cp);
    free(ends);
    /* Hand out memory from malloc, as documented. */
    if (l.n) {
        *out = malloc(l.n * sizeof **out);
        if (!*out) {
            g_free(l.v);
            return ghs_set_error(err, GHS_ENOMEM, "[passages] out of memory");
        }
        memcpy(*out, l.v, l.n * sizeof **out);
    }
    *n = l.n;
    g_free(l.v);
    return 0;
}
