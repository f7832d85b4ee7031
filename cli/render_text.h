/*
 * render_text.h: the readable (non-JSON) output of `ghsearch search`:
 * hits grouped under their document, passages wrapped to the terminal with
 * the matched words marked, a citation under each passage.
 */
#ifndef GHS_CLI_RENDER_TEXT_H
#define GHS_CLI_RENDER_TEXT_H

#include <stdio.h>
#include <glib.h>

#include "ghsearch.h"

typedef struct render_style {
    const char *hl_open, *hl_close;  /* around matched text */
    int hl_width;                    /* columns each marker takes (0 for ANSI) */
    const char *em_open, *em_close;  /* titles */
    const char *dim_open, *dim_close;/* sources and citations */
    int width;                       /* columns available for a line */
    int cite;                        /* a ghs_cite_style, or -1: hit->citation */
    int explain;                     /* 1: a line per hit saying why it stands there */
    /* Terminal hyperlinks (OSC 8): the URL that opens hit h's page
     * (g_free'd by the caller), or NULL; NULL for none at all. */
    char *(*link)(const ghs_hit *h, void *user);
    void *link_user;
} render_style;

/* How matches are shown: */
enum {
    RENDER_PLAIN = 0,    /* not at all: plain text, for pipes and --color=never */
    RENDER_MARKS = 1,    /* between "**" and "**" (NO_COLOR on a terminal, --color=marks) */
    RENDER_COLOUR = 2    /* ANSI bold red (like grep), bold titles, dim sources */
};

/* A style for mode (RENDER_*). width below 40 is raised to 40. cite is
 * set to -1, explain to 0, link to NULL. */
void render_style_init(render_style *st, int mode, int width);

/* Append text wrapped to st->width, every line starting with indent spaces
 * and ending with '\n'. Runs of white space and control characters become
 * one space. spans are code point offsets into text (end exclusive); out of
 * range parts are ignored. Lines break at spaces, and between CJK
 * characters except before closing or after opening punctuation; a word
 * longer than a line is cut. */
void render_wrap(GString *out, const char *text, const ghs_span *spans,
                 size_t n_spans, int indent, const render_style *st);

/* Write all hits of r to fp: a header per document
 * ("N. Title — p. 3 [ja] (score 12.34)", ", wording 1.23" added to the
 * parenthesis when the wording re-ranking placed it; its source), then each
 * passage of the document ("— p. 5 (score 9.87)" for the second and later
 * ones), with st->explain "rank 7: tier 1 (all words), BM25 9.87, not
 * re-ranked", the wrapped passage, "also in: Title, p. 2; ..." when the
 * same words stand elsewhere, and "cite: <citation>" (in st->cite's style
 * when set; a BibTeX entry takes several lines). With st->link, the
 * source and the citation's first line are terminal hyperlinks to the
 * hit's page. Before the first hit of
 * tier 2 a line "— passages with only some of the words —" (at the top
 * when the page starts in tier 2). */
void render_results(FILE *fp, const ghs_results *r, const render_style *st);

#endif /* GHS_CLI_RENDER_TEXT_H */
