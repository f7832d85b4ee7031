/*
 * window.h: the part of a passage a hit shows (window.c) and the merging
 * of hits whose passages repeat word for word (dedupe.c). Not part of the
 * public API.
 */
#ifndef GHS_SEARCHER_WINDOW_H
#define GHS_SEARCHER_WINDOW_H

#include <stdint.h>

#include <glib.h>

#include "analyze.h"
#include "ghsearch.h"

/* Longest window, in code points of the passage, when its sentences allow
 * it: two or three sentences of English, three or four of Japanese. */
#define GHS_WINDOW_MAX 240

/* The window chosen in a passage. */
typedef struct ghs_window {
    uint32_t start, end;  /* code points of the passage shown, end exclusive */
    char *text;           /* "…" + passage[start, end) + "…", each mark only
                             where text was cut; g_malloc'ed */
    ghs_span *spans;      /* the highlights inside the window, as code point
                             offsets into text; g_malloc'ed (NULL when none) */
    size_t n_spans;
} ghs_window;

/* Choose the window of passage (len bytes of UTF-8) that best shows the
 * highlights hl[0..n_hl) (code point spans into passage, in order, not
 * overlapping): the run of whole sentences, at most max_cp code points
 * long, holding the most distinct highlighted words, then the most
 * highlights, then the most text, then the earliest. A sentence longer
 * than max_cp / 2 is cut into pieces between two words (at a space or
 * punctuation where it can, never inside a word, a compound joined by
 * "・" or "-", or a highlight), and pieces take part as sentences do. A
 * piece that cannot be cut is shown whole, even past max_cp. White space
 * at the window's edges is left out. A passage of at most max_cp code
 * points, or one that is not valid UTF-8, is shown whole (start 0, end its
 * length, text a copy, spans a copy of hl).
 * Fills *out (clear with ghs_window_clear()). Returns 0 or a negative
 * GHS_E* code with err filled (analysis failed). */
int ghs_window_pick(ghs_analyzer *a, const char *passage, size_t len,
                    const ghs_span *hl, size_t n_hl, uint32_t max_cp,
                    ghs_window *out, ghs_error *err);

void ghs_window_clear(ghs_window *w);

/* Cut h's passage to its window of GHS_WINDOW_MAX: h->full_passage gets
 * the passage, h->window_start/window_end the window's range in it, and
 * h->passage and h->highlights the window's text and spans. The new
 * strings and arrays are added to owned (freed with g_free). toks: the
 * analysis of h->passage (ghs_analyze, pos_gap 0) when the caller has it,
 * so it is not analyzed again; NULL to analyze it here. */
int ghs_window_hit(ghs_analyzer *a, ghs_hit *h, const ghs_tokens *toks, GPtrArray *owned,
                   ghs_error *err);

/* ---- dedupe.c ---- */

/* Hits seen so far by one search, keyed by their passage's words. */
typedef struct ghs_dedupe ghs_dedupe;

ghs_dedupe *ghs_dedupe_new(ghs_analyzer *a);
void ghs_dedupe_free(ghs_dedupe *d);   /* NULL is a no-op */

/* Offer hit h, whose full passage is compared word for word (the
 * analyzer's terms in order: case, width, spacing and punctuation do not
 * count) with those of the hits offered before. Returns 1 when an earlier
 * hit has the same words: h's document and page are then recorded as
 * another location of that hit (h's strings must outlive the search's
 * results) and h should be dropped. Returns 0 when h is new: it is
 * remembered as hit number slot of the results, or as a hit not shown
 * (slot < 0; its duplicates are then dropped without a trace). Negative
 * GHS_E* code when the passage could not be analyzed. toks: the analysis
 * of h's full passage (ghs_analyze, pos_gap 0) when the caller has it, so
 * it is not analyzed again; NULL to analyze it here. */
int ghs_dedupe_add(ghs_dedupe *d, const ghs_hit *h, const ghs_tokens *toks, long slot,
                   ghs_error *err);

/* Give each of hits[0..n) the other locations recorded for it (also_in,
 * n_also_in; arrays added to owned). */
void ghs_dedupe_finish(ghs_dedupe *d, ghs_hit *hits, size_t n, GPtrArray *owned);

#endif /* GHS_SEARCHER_WINDOW_H */
