/*
 * glossary_doc.h: the glossary pairs of one document while it is indexed
 * (indexer/glossary_doc.c).
 */
#ifndef GHS_INDEXER_GLOSSARY_DOC_H
#define GHS_INDEXER_GLOSSARY_DOC_H

#include "analyze.h"
#include "extract.h"
#include "glossary_store.h"

typedef struct ghs_gloss_doc ghs_gloss_doc;

/* Mine every page of a document (flags as ghs_gloss_mine: pass
 * GHS_GLOSS_WRAPPED for PDF text) and key the pairs with a. *out is
 * always set, possibly to a document with no pair; free with
 * ghs_gloss_doc_free(). Returns 0, or a negative GHS_E* code from the
 * analyzer (err filled). */
int ghs_gloss_doc_mine(ghs_analyzer *a, const ghs_page *pages, size_t n_pages,
                       unsigned flags, ghs_gloss_doc **out, ghs_error *err);

/* The boolean terms the document's first passage carries: a
 * NULL-terminated array owned by gd, or NULL when it defines nothing. */
char **ghs_gloss_doc_terms(const ghs_gloss_doc *gd);

/* Number of distinct pairs (term, equivalent, page, place) mined. */
size_t ghs_gloss_doc_count(const ghs_gloss_doc *gd);

/* Write (or, when gd holds nothing, delete) the document's pair record.
 * Call inside the transaction writing its passages. 0 or GHS_EDB. */
int ghs_gloss_doc_store(const ghs_gloss_doc *gd, xc_wdb *wdb, const char *doc_id,
                        ghs_error *err);

void ghs_gloss_doc_free(ghs_gloss_doc *gd);

#endif /* GHS_INDEXER_GLOSSARY_DOC_H */
