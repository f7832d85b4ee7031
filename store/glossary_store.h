/*
 * glossary_store.h: the mined glossary inside the index.
 *
 * Layout (added to what schema.h describes):
 *  - user metadata GHS_META_GLOSS_DOC + doc id: the pairs one document
 *    defines, a text record: a first line "ghs-gloss 1", then one pair a
 *    line, tab-separated: term, term key, equivalent, equivalent key,
 *    lang, kind (a|t), page, place (b: body, f: footnote), count,
 *    as written. Written inside the transaction that writes the
 *    document's passages, so it is replaced with them.
 *  - the first passage written of such a document carries a boolean term
 *    GHS_PREFIX_GLOSSARY + key for the key of every term and equivalent
 *    it defines: the documents defining a word are found by a Xapian
 *    query (on every shard) and leave the glossary with their passages.
 * A key is what ghs_gloss_key() makes of a text, the same at index and at
 * query time.
 *
 * Not here: mining (indexer/glossary_mine.h, glossary_doc.h), deciding
 * between meanings and the user's glossary file (searcher/glossary.c).
 */
#ifndef GHS_STORE_GLOSSARY_STORE_H
#define GHS_STORE_GLOSSARY_STORE_H

#include <glib.h>

#include "analyze.h"
#include "ghsearch.h"
#include "xc.h"

#define GHS_PREFIX_GLOSSARY "XG"    /* boolean: key of a glossary word defined here */
#define GHS_META_GLOSS_DOC "gloss:" /* + doc id -> the pairs the document defines */

/* Kinds of pair. */
enum {
    GHS_GLOSS_KIND_ACRONYM = 0,     /* term is an acronym, equivalent its long form */
    GHS_GLOSS_KIND_TRANSLATION = 1  /* term is an English term, equivalent its Japanese */
};


/* The lookup key of a glossary word: its analyzed tokens (English stems
 * for Latin words, the normalized term otherwise), Latin and number
 * tokens separated by one space, others joined ("UHC" -> "uhc",
 * "Universal Health Coverage" -> "univers health coverag",
 * "ユニバーサル・ヘルス・カバレッジ" -> "ユニバーサルヘルスカバレッジ").
 * g_malloc'ed; NULL when text has no token, or when the analysis fails:
 * then err (may be NULL) has a negative code (it is 0 otherwise). */
char *ghs_gloss_key(ghs_analyzer *a, const char *text, ghs_error *err);
/* The same key from n tokens of an analysis (NULL when n is 0). */
char *ghs_gloss_key_tokens(const ghs_token *t, size_t n);

/* One stored pair with where it was defined. */
typedef struct ghs_gloss_row {
    char *doc;           /* document id (set when read back; NULL while indexing) */
    char *term, *term_key;
    char *equiv, *equiv_key;
    char *as_written;    /* the definition as it reads */
    char lang[3];        /* of equiv */
    int kind;            /* GHS_GLOSS_KIND_* */
    int page;            /* 1-based PDF page, 0 without pages */
    int footnote;        /* 1: defined in a footnote */
    unsigned count;      /* times on that page in that place */
} ghs_gloss_row;

void ghs_gloss_row_free(gpointer row);

/* Write rows (ghs_gloss_row *) as the pair record of document doc_id or,
 * when there are none, delete it. Call inside the transaction writing its
 * passages. 0 or GHS_EDB. */
int ghs_gloss_rows_store(const GPtrArray *rows, xc_wdb *wdb, const char *doc_id,
                         ghs_error *err);

/* ---- reading side ---- */

/* Append the stored pairs of document doc_id to rows (ghs_gloss_row *,
 * owned by rows' free function, which must be ghs_gloss_row_free).
 * Nothing is appended for a document without pairs. 0 or GHS_EDB. */
int ghs_gloss_read_doc(xc_db *db, const char *doc_id, GPtrArray *rows, ghs_error *err);

/* Append to doc_ids (g_free'd strings) the ids of up to max documents
 * that define a pair whose term or equivalent has this key. 0 or GHS_EDB. */
int ghs_gloss_docs_defining(xc_db *db, const char *key, size_t max, GPtrArray *doc_ids,
                            ghs_error *err);

/* Append every pair stored in the index to rows. 0 or GHS_EDB. */
int ghs_gloss_read_all(xc_db *db, GPtrArray *rows, ghs_error *err);

#endif /* GHS_STORE_GLOSSARY_STORE_H */
