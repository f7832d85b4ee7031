/*
 * overlap.h: re-ranking a Japanese question's best documents by how much
 * of the question's own wording their best passage repeats (overlap.c).
 * Questions only: a keyword query keeps its BM25 order (intent.h).
 */
#ifndef GHS_SEARCHER_OVERLAP_H
#define GHS_SEARCHER_OVERLAP_H

#include <stddef.h>

#include "analyze.h"
#include "query_parse.h"
#include "xc.h"

/* Documents of a tier whose order the overlap may change: the first
 * GHS_OVERLAP_DOCS of its BM25 ranking. */
#define GHS_OVERLAP_DOCS 30

typedef struct ghs_overlap ghs_overlap;

/* The question of root: the text of its words and phrases (not those under
 * NOT, not field filters), normalized, without punctuation or spaces, with
 * the rarity of each of its character n-grams (n = 1..4) in db. NULL when
 * the query is not one to re-rank this way (not a question but keywords,
 * ghs_query_intent; no Japanese characters; or too few characters outside
 * phrases for its wording to say more than its words do), and also NULL,
 * with err filled (err->code < 0), when the analysis of the question fails
 * (out of memory): the search fails then, since not re-ranking a question
 * would be another answer. The overlap keeps an (borrowed: it must outlive
 * the overlap) to normalize candidates. Free with ghs_overlap_free(). */
ghs_overlap *ghs_overlap_new(ghs_analyzer *an, xc_db *db, const ghs_qnode *root,
                             ghs_error *err);
void ghs_overlap_free(ghs_overlap *o);

/* Score of a candidate passage (its document's title and its text, UTF-8,
 * either may be NULL) at 1-based position rank of the tier's ranking:
 * higher is better; only comparable between candidates of one question.
 * NaN when the candidate cannot be normalized (out of memory). */
double ghs_overlap_score(const ghs_overlap *o, const char *title, const char *text,
                         size_t rank);

#endif /* GHS_SEARCHER_OVERLAP_H */
