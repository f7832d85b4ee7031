/*
 * expand.h: query expansion through the corpus glossary.
 *
 * A query word or phrase that the glossary knows (glossary.h) also
 * matches its equivalents: an acronym its long forms in both languages,
 * a long form its acronym and the other long forms, an English term its
 * Japanese translation and back. Each equivalent is searched as the
 * indexer wrote it (one word by its stem, several as a phrase), scaled by
 * the pair's weight (0.5, or 0.25 for footnote-only pairs) and OR'ed with
 * the literal query, so a passage with the literal word ranks above one
 * with an equivalent only. This happens in both the strict and the loose
 * query (query_build.c calls ghs_expand_query for WORD and PHRASE nodes),
 * and the equivalents' words are highlighted.
 */
#ifndef GHS_SEARCHER_EXPAND_H
#define GHS_SEARCHER_EXPAND_H

#include "search_internal.h"

typedef struct ghs_expander ghs_expander;

/* An expander reading the glossary of ix, with the rules of the user's
 * glossary file glossary_file (may be NULL). On success *out is a new
 * expander to free with ghs_expander_free(). Errors: those of
 * ghs_glossary_get for the file, GHS_EDB. */
int ghs_expander_new(ghs_index *ix, const char *glossary_file, ghs_expander **out,
                     ghs_error *err);
void ghs_expander_free(ghs_expander *ex);   /* NULL is a no-op */

/* 0, or the error of the first glossary read or analysis that failed while
 * queries were expanded (copied into err): the query built with them is
 * not the one the user asked for, so the search reports it. */
int ghs_expander_failure(const ghs_expander *ex, ghs_error *err);

/* The query for text (a query word or phrase) whose literal query is
 * literal: literal itself when ex is NULL or the glossary has no used pair
 * for text, else literal OR the scaled equivalents. Takes ownership of
 * literal. hl (may be NULL) gets the equivalents' words to highlight.
 * Lookups are cached per expander, and a glossary that cannot be read
 * leaves the query literal (the explanation says so): expansion never
 * makes a search fail. */
xc_query *ghs_expand_query(ghs_expander *ex, const char *text, xc_query *literal,
                           ghs_built_query *hl);

/* The explanation of a search (ghs_results_explain): the parsed query,
 * then one line per expanded (or not expanded) word. ex NULL: expansion
 * was off. g_malloc'ed; NULL when out of memory. */
char *ghs_expand_explain(const ghs_expander *ex, const ghs_qnode *root);

/* ghs_query_build with expansion: ex may be NULL (literal). Defined in
 * query_build.c. */
int ghs_query_build_expanded(ghs_analyzer *a, const ghs_qnode *root, ghs_expander *ex,
                             ghs_built_query *out, ghs_error *err);

#endif /* GHS_SEARCHER_EXPAND_H */
