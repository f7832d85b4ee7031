/*
 * search_internal.h: the pieces of the searching half of libghsearch
 * (query building, highlighting, citations). Not part of the public API.
 */
#ifndef GHS_SEARCHER_SEARCH_INTERNAL_H
#define GHS_SEARCHER_SEARCH_INTERNAL_H

#include <glib.h>

#include "analyze.h"
#include "ghsearch.h"
#include "query_parse.h"
#include "xc.h"

/* A parsed query turned into Xapian queries.
 *  strict: every word (or its stem) must match; explicit operators kept.
 *  loose:  any word may match (BM25 ranks passages matching more words
 *          higher); NULL when it would equal strict.
 * The searcher shows strict matches first and fills the rest of the page
 * with loose ones, so a keyword query finds exactly what it names and a
 * natural-language question still finds the passage that answers it.
 */
typedef struct ghs_built_query {
    xc_query *strict;
    xc_query *loose;
    GHashTable *hl_terms;   /* normalized words to highlight (set of char*) */
    GHashTable *hl_stems;   /* English stems to highlight */
} ghs_built_query;

/* Build root into out (caller clears with ghs_built_query_clear). Returns 0
 * or a negative GHS_E* code; GHS_EQUERY with err->position when a part of
 * the query has nothing searchable in it (e.g. a phrase of punctuation). */
int ghs_query_build(ghs_analyzer *a, const ghs_qnode *root, ghs_built_query *out,
                    ghs_error *err);
void ghs_built_query_clear(ghs_built_query *q);

/* Highlights: code point spans of passage's words that are in terms or
 * whose stem is in stems; adjacent spans merged. *out is g_malloc'ed
 * (caller g_free's), *n its length. */
int ghs_highlight(ghs_analyzer *a, const char *passage, size_t len,
                  GHashTable *terms, GHashTable *stems,
                  ghs_span **out, size_t *n, ghs_error *err);

/* Citation in text form: "Title, p. 3" (or "Title" without a page).
 * g_malloc'ed; caller g_free's. */
char *ghs_cite_text(const char *title, int page);

#endif /* GHS_SEARCHER_SEARCH_INTERNAL_H */
