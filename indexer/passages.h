/*
 * passages.h: splitting a page of text into passages.
 *
 * A passage is a few consecutive sentences of one page: long enough to
 * show context in a citation, short enough that a hit points at the place
 * that answers the query. Passages never cross a page (the caller splits
 * page by page) and keep their code point offsets in the page text.
 */
#ifndef GHS_INDEXER_PASSAGES_H
#define GHS_INDEXER_PASSAGES_H

#include <stddef.h>
#include <stdint.h>

#include "analyze.h"

typedef struct ghs_span32 {
    uint32_t start, end;   /* code point offsets in the page text, end exclusive */
} ghs_span32;

/* Target sizes in code points. A passage collects whole sentences until it
 * reaches GHS_PASSAGE_TARGET; a sentence longer than GHS_PASSAGE_MAX is cut
 * at a space (or at GHS_PASSAGE_MAX when it has none, as CJK text may not). */
#define GHS_PASSAGE_TARGET 320
#define GHS_PASSAGE_MAX 800

/* Split text (len bytes of UTF-8) into passages. Leading and trailing
 * white space is trimmed from each passage; passages holding no letter or
 * digit are dropped. On success *out is a malloc'ed array of *n spans
 * (caller frees with free(); NULL when *n is 0). Returns 0 or a negative
 * GHS_E* code with err filled. */
int ghs_split_passages(ghs_analyzer *a, const char *text, size_t len,
                       ghs_span32 **out, size_t *n, ghs_error *err);

#endif /* GHS_INDEXER_PASSAGES_H */
