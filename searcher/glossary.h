/*
 * glossary.h: the corpus glossary as the searcher sees it. Not part of the
 * public API (ghsearch.h has ghs_glossary_get on top of it).
 *
 * The index stores, per document, the pairs mined from it
 * (indexer/glossary_store.h). A view gathers the stored rows of some
 * terms across documents into entries, one per (term, equivalent), and
 * decides which entries expansion may use:
 *  - a Japanese long form that ends with another long form of the same
 *    term ("保健財政ユニバーサル・ヘルス・カバレッジ" besides
 *    "ユニバーサル・ヘルス・カバレッジ": a heading glued to its paragraph)
 *    is merged into the shorter one;
 *  - long forms of one term in one language that are not variants of each
 *    other (one containing the other) are meanings in conflict: none is
 *    used, unless one is defined in a body and the others were seen once
 *    in a footnote only (then the body one wins);
 *  - the user's glossary file (glossary_user.c) adds pairs, chooses a
 *    meaning (the others of that language are set aside) and vetoes pairs.
 * Used pairs weigh 0.5 relative to the literal word, 0.25 when only seen
 * in footnotes.
 */
#ifndef GHS_SEARCHER_GLOSSARY_H
#define GHS_SEARCHER_GLOSSARY_H

#include <glib.h>

#include "analyze.h"
#include "ghsearch.h"
#include "xc.h"

#define GHS_GLOSS_WEIGHT_BODY 0.5
#define GHS_GLOSS_WEIGHT_FOOTNOTE 0.25

/* ---- the user's glossary file (glossary_user.c) ---- */

typedef struct ghs_gloss_rule {
    int veto;          /* 1: "!TERM = EQUIV" or "!TERM" */
    char *term, *term_key;
    char *equiv, *equiv_key;   /* NULL for "!TERM" */
    char lang[3];      /* of equiv */
    int line;          /* 1-based line in the file */
} ghs_gloss_rule;

typedef struct ghs_gloss_rules {
    char *path;
    GPtrArray *v;      /* ghs_gloss_rule*, in file order */
} ghs_gloss_rules;

/* Load a glossary file (format in ghsearch.h, ghs_glossary_get). On
 * success *out is a new rule set (ghs_gloss_rules_free). GHS_EIO when the
 * file cannot be read, GHS_EINVAL naming "[glossary][FILE:LINE]" for a
 * line that is no rule. */
int ghs_gloss_rules_load(ghs_analyzer *a, const char *path, ghs_gloss_rules **out,
                         ghs_error *err);
void ghs_gloss_rules_free(ghs_gloss_rules *r);

/* ---- views ---- */

typedef struct ghs_gloss_src {
    char *doc, *title, *as_written, *citation;
    int page, footnote;
    size_t count;
} ghs_gloss_src;

typedef struct ghs_gloss_entry {
    char *term, *term_key;
    char *equiv, *equiv_key;
    char lang[3];
    int kind;                 /* GHS_GLOSS_KIND_* */
    size_t body, foot;        /* definitions in bodies, in footnotes */
    GPtrArray *sources;       /* ghs_gloss_src*, in document order */
    ghs_gloss_status status;
    int user;                 /* added or chosen by the glossary file */
    double weight;            /* 0 unless status is GHS_GLOSS_ACTIVE */
    /* used while a view is built */
    GHashTable *forms;        /* "term\tequiv" as written -> count (the most
                                 frequent spelling is shown) */
    GHashTable *src_index;    /* "doc\tpage\tplace" -> ghs_gloss_src* */
} ghs_gloss_entry;

typedef struct ghs_gloss_view {
    GPtrArray *entries;       /* ghs_gloss_entry*, sorted by term, then language */
} ghs_gloss_view;

/* Build the view of the terms related to key (the key of a word, see
 * ghs_gloss_key): the terms it is, or is an equivalent of, with all their
 * pairs; key NULL: the whole glossary. rules may be NULL. With titles
 * set, sources get document titles and citations (one more read each).
 * *out is a new view (ghs_gloss_view_free), possibly empty. 0 or GHS_EDB. */
int ghs_gloss_view_build(xc_db *db, ghs_analyzer *a, const char *key,
                         const ghs_gloss_rules *rules, int titles,
                         ghs_gloss_view **out, ghs_error *err);
void ghs_gloss_view_free(ghs_gloss_view *v);

#endif /* GHS_SEARCHER_GLOSSARY_H */
