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
 *  strict: every word (or its stem) must match, in the passage or in its
 *          document's title; explicit operators kept, and what the user
 *          requires (AND, +word) must stand in the passage itself.
 *  loose:  any word may match (BM25 ranks passages matching more words
 *          higher); NULL when it would equal strict.
 * Both rank passages holding adjacent query words together higher.
 *  loose_fast: loose without that proximity bonus (same matches, cheaper
 *          to rank: no position checks); NULL when loose has no bonus.
 *          The searcher ranks the loose tier with it first and re-ranks
 *          only its best documents with loose (search.c).
 * The searcher shows strict matches first and fills the rest of the page
 * with loose ones, so a keyword query finds exactly what it names and a
 * natural-language question still finds the passage that answers it.
 */
typedef struct ghs_built_query {
    xc_query *strict;
    xc_query *loose;
    xc_query *loose_fast;
    int loose_partial;      /* loose may miss some strict matches: a keyword
                             * compound's single-character part (理 of 理庁)
                             * is loosely its bigrams only */
    GHashTable *hl_terms;   /* normalized words to highlight (set of char*) */
    GHashTable *hl_stems;   /* English stems to highlight */
} ghs_built_query;

/* Build root into out (caller clears with ghs_built_query_clear). Returns 0
 * or a negative GHS_E* code; GHS_EQUERY with err->position when a part of
 * the query has nothing searchable in it (e.g. a phrase of punctuation). */
int ghs_query_build(ghs_analyzer *a, const ghs_qnode *root, ghs_built_query *out,
                    ghs_error *err);
void ghs_built_query_clear(ghs_built_query *q);

/* q, after noting e (the error of the binding call that made q) as the
 * first failure of the query being built on this thread when q is NULL:
 * every query-making call of the build goes through it, so a failure is
 * the build's error instead of a silently smaller query. */
xc_query *ghs_qb_kept(xc_query *q, const xc_error *e);

/* Highlights: code point spans of passage's words that are in terms or
 * whose stem is in stems; adjacent spans merged. *out is g_malloc'ed
 * (caller g_free's), *n its length. */
int ghs_highlight(ghs_analyzer *a, const char *passage, size_t len,
                  GHashTable *terms, GHashTable *stems,
                  ghs_span **out, size_t *n, ghs_error *err);
/* The same from the passage's tokens (ghs_analyze of the passage with
 * pos_gap 0), so a caller that needs them anyway analyzes it once. Never
 * fails. */
void ghs_highlight_tokens(const ghs_tokens *toks, GHashTable *terms, GHashTable *stems,
                          ghs_span **out, size_t *n);

/* Citation in text form: "Title, p. 3" (or "Title" without a page).
 * g_malloc'ed; caller g_free's. */
char *ghs_cite_text(const char *title, int page);
/* The same with the page's printed label: "Title, p. 15 (PDF p. 16)" when
 * label is set and differs from page. */
char *ghs_cite_text_label(const char *title, int page, const char *label);

/* Set each of hits[0..n)'s path to its document's recorded local file
 * (ghs_document.path; "" when the record has none), reading each
 * document's record once (open_url.c). The strings go to owned (g_free).
 * 0 or GHS_EDB. */
int ghs_hits_add_paths(xc_db *db, ghs_hit *hits, size_t n, GPtrArray *owned, ghs_error *err);

/* What a citation is made of (cite.c); any string may be NULL or "". */
typedef struct cite_src {
    const char *doc, *title, *publisher, *date, *type, *lang, *url, *source;
    int page;                /* > 0 to cite a page */
    const char *page_label;  /* its printed label, or NULL/"" */
    const char *pages;       /* an export's pages of the hits ("3, 15 (PDF p. 16)"), or NULL */
} cite_src;

/* Citation of c in style; *out malloc'ed. 0 or GHS_EINVAL. */
int ghs_cite(const cite_src *c, ghs_cite_style style, char **out, ghs_error *err);

/* Year, month, day of a date string ("2023-04-28", "2023/4", "2023年4月28日",
 * "2023"): the number of parts found, 0 when there is no year. */
int ghs_cite_parse_date(const char *s, int *y, int *m, int *d);

/* q as a boolean query (max weight 0) with q's matches: the whole
 * database, weighted 0, filtered by q (facets.c). Not xc_query_scale(q, 0):
 * Xapian 1.4.22 then reads a term's posting list in a way that fails with
 * "DatabaseCorruptError: Unexpected end of posting list" on a database
 * xapian-check finds sound (one resumed after a killed indexing run,
 * tests/test_robust_crash.sh), so counting the total or the facets failed
 * there. NULL with xe set; free with xc_query_free(). */
xc_query *ghs_query_boolean_of(const xc_query *q, xc_error *xe);

/* Facet counts of query q over db (facets.c): *out a g_malloc'ed array of
 * *n facets whose strings are added to owned (g_free'd with it).
 * time_limit > 0: stop counting after that many seconds (the counts then
 * cover the matches seen so far); 0 counts every match. */
int ghs_facets_count(xc_db *db, const xc_query *q, double time_limit, GPtrArray *owned,
                     ghs_facet **out, size_t *n, ghs_error *err);

/* A corrected query (spelling.c) when some English word of root is not in
 * the index and the spelling table has a close word that is: *suggestion
 * gets query with those words replaced, g_malloc'ed, or NULL when nothing
 * to suggest. Returns 0, or GHS_ENOMEM with err filled when out of memory
 * (a suggestion quietly left out would be another answer). Xapian errors
 * are no failure: a shard without spelling data just gives no suggestion. */
int ghs_spelling_suggest(xc_db *db, ghs_analyzer *a, const char *query, const ghs_qnode *root,
                         char **suggestion, ghs_error *err);

#endif /* GHS_SEARCHER_SEARCH_INTERNAL_H */
