/*
 * query_parse.h: the ghsearch query language, parsed into a tree.
 *
 * The parser knows nothing about analysis or Xapian: it splits the query
 * into words, phrases, operators and field filters, and reports malformed
 * input with a 1-based character (code point) position. query_build.c turns
 * the tree into a Xapian query through the shared text analysis.
 *
 * Grammar (informal; the authoritative version is the comment in
 * query_parse.c):
 *   query    := or_expr
 *   or_expr  := and_expr ( "OR" and_expr )*
 *   and_expr := seq ( ("AND" | "NOT") seq )*    -- "a NOT b" = a and not b
 *   seq      := unary unary*                    -- juxtaposition = default op
 *   unary    := "NOT"* ["-" | "+"] near
 *   near     := primary ( "NEAR" ["/" N] primary )*   -- words/phrases only
 *   primary  := "(" or_expr ")" | PHRASE | FILTER | WORD
 *   PHRASE   := '"' chars '"'
 *   FILTER   := field ":" value   (field in lang type year publisher doc title;
 *                                  value may be quoted; year:2021..2023 range)
 * Operators are recognised only in upper case; "and"/"or"/"not" are words.
 * Full-width forms are accepted for quotes, parentheses, minus and plus
 * (＂（）－＋ and “ ” 「 」 as phrase quotes).
 */
#ifndef GHS_SEARCHER_QUERY_PARSE_H
#define GHS_SEARCHER_QUERY_PARSE_H

#include <stddef.h>

#include "ghsearch.h"

typedef enum {
    GHS_Q_WORD,     /* text: one user word (may be a CJK run the analyzer will split) */
    GHS_Q_PHRASE,   /* text: the phrase's inner text */
    GHS_Q_FILTER,   /* field + text (value); for year ranges: text="2021..2023" */
    GHS_Q_AND,      /* kids[0..n) all required */
    GHS_Q_OR,       /* any of kids */
    GHS_Q_NOT,      /* kids[0] must match, kids[1] must not; kids[0] may be
                       NULL when the query is only negative ("NOT x" alone) */
    GHS_Q_NEAR,     /* kids are words/phrases within `window` words of each other */
    GHS_Q_DEFAULT   /* juxtaposed terms: kids combined by the searcher's default op */
} ghs_qkind;

typedef struct ghs_qnode ghs_qnode;
struct ghs_qnode {
    ghs_qkind kind;
    char *text;          /* WORD/PHRASE/FILTER value, UTF-8, owned by the node */
    char *field;         /* FILTER: "lang","type","year","publisher","doc","title";
                            owned by the node */
    int required;        /* prefixed with '+' (usually WORD/PHRASE/FILTER; also
                            a group or NEAR: "+(a OR b)") */
    unsigned window;     /* NEAR: window in words (NEAR/n; plain NEAR = 10) */
    int start, end;      /* 1-based code point span in the query, end inclusive */
    ghs_qnode **kids;    /* owned */
    size_t n_kids;
};

/* Parse query (UTF-8; invalid bytes are an error at their position).
 * On success *out is the root (NULL for an empty or whitespace-only query)
 * and the caller frees it with ghs_qnode_free(). On error returns
 * GHS_EQUERY with err->position (1-based code point) and a message like
 * "query error at 14: unclosed quote". Never crashes on any input, and
 * bounds nesting depth (64) and query length (4096 bytes). Also
 * GHS_EINVAL when query or out is NULL, GHS_ENOMEM when out of memory.
 * err may be NULL; it is left untouched on success. */
int ghs_query_parse(const char *query, ghs_qnode **out, ghs_error *err);

/* Free n, its kids, text and field. NULL is a no-op. */
void ghs_qnode_free(ghs_qnode *n);

/* A readable dump of the tree, e.g. (AND (WORD "a") (PHRASE "b c")),
 * (WORD+ "x") when required, (FILTER lang "ja"), (NEAR/5 ...), and "nil"
 * for a NULL tree or kid. malloc'ed (caller frees); NULL when out of
 * memory. For tests and --explain. */
char *ghs_qnode_describe(const ghs_qnode *n);

#endif /* GHS_SEARCHER_QUERY_PARSE_H */
