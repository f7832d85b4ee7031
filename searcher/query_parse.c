/*
 * query_parse.c: the ghsearch query language, from a UTF-8 string to a
 * ghs_qnode tree (see query_parse.h for the node contract).
 *
 * Owns: decoding and checking the query's UTF-8, the tokenizer (words,
 * phrases, operators, field filters, each with 1-based code point
 * positions), the recursive-descent parser, error messages with positions,
 * and the s-expression dump. Does not own: analysis (query_build.c gives
 * WORD/PHRASE text to text/), what DEFAULT means (the searcher), Xapian.
 * Pure C11 and libc, so it can be unit-tested and fuzzed alone.
 *
 * Grammar (EBNF; loosest first, so OR < AND/NOT < juxtaposition < prefix <
 * NEAR):
 *
 *   query    = [ or_expr ] EOF ;              empty or all spaces -> NULL
 *   or_expr  = and_expr { "OR" and_expr } ;
 *   and_expr = seq { ( "AND" | "NOT" ) seq } ; binary NOT means "and not"
 *   seq      = unary { unary } ;              juxtaposition; a NOT inside a
 *                                             seq ends it (binary NOT)
 *   unary    = { "NOT" } [ "-" | "+" ] near ;
 *   near     = atom { NEAR atom } ;           NEAR operands: WORD or PHRASE
 *   atom     = "(" or_expr ")" | WORD | PHRASE | FILTER ;
 *
 * Lexical rules:
 *   space    = U+0009..U+000D | U+0020 | U+3000 ;
 *   special  = "(" ")" '"' "（" "）" "＂" "“" "”" "「" "」" ;
 *   WORD     = 1*( char - space - special ) ;   "COVID-19", "10:30", URLs
 *   PHRASE   = dq { char - dq } dq | "「" { char - "」" } "」" ;
 *              dq = '"' | "＂" | "“" | "”", any of them closes any of them
 *              (Japanese text often uses ”…”); inner spaces trimmed; an
 *              empty phrase is an error. A stray "」" is an error.
 *   FILTER   = field ( ":" | "：" ) ( 1*( char - space - special ) | PHRASE ) ;
 *              field = "lang" | "type" | "year" | "publisher" | "doc" |
 *              "title" (lower case). Another name of lower-case ASCII
 *              letters before a colon and a value ("foo:bar", "lan:ja"), or
 *              a field in capitals ("Lang:ja"), is an error listing the
 *              fields; any other "x:y" is a WORD ("10:30", "ISO:3166",
 *              URLs), and a quoted "foo:bar" searches the words. Values:
 *              lang 2-3 ASCII letters (lower-cased; two letters must be an
 *              ISO 639-1 code), type pdf|release|record
 *              (lower-cased), year YYYY or YYYY..YYYY (full-width digits
 *              and 2021〜2023 accepted, stored as ASCII; start <= end).
 *   AND OR NOT NEAR "NEAR/" digits
 *            = operators only in upper case and as a whole token; NEAR is
 *              NEAR/10, NEAR/n needs 1 <= n <= 1000. Not operators right
 *              after a prefix: "-OR" excludes the word OR.
 *   "-" "+"  = also "－" "＋": a prefix only at the start of a token and
 *              directly followed by a word, a quote or "(" (not by another
 *              sign); otherwise part of a word ("-", "a - b", "--x").
 *
 * Tree shapes (query_build.c relies on them):
 *  - The items of a seq: positives become (DEFAULT p1 p2 ...), or the one
 *    positive itself. Negatives ("-x", "NOT x") are taken out and the seq
 *    becomes (NOT P N): N is the negative, or (OR n1 n2 ...) for several;
 *    P is NULL when nothing is positive.
 *      "a b -c"   -> (NOT (DEFAULT a b) c)
 *      "NOT x"    -> (NOT nil x)          "-a -b" -> (NOT nil (OR a b))
 *      "NOT NOT x" and "NOT -x" -> x      (negations cancel)
 *  - An and_expr with operators: each seq's (NOT P N) is split again, the
 *    positives joined by AND, the negatives (and every seq after a binary
 *    NOT) by OR; the result is (AND ...), or (NOT (AND ...) N).
 *      "a NOT b"  -> (NOT a b)
 *      "a b NOT c d" -> (NOT (DEFAULT a b) (DEFAULT c d))
 *      "(UHC OR PHC) AND 財政 -保険" -> (NOT (AND (OR UHC PHC) 財政) 保険)
 *  - "a b AND c" -> (AND (DEFAULT a b) c); "a OR b c" -> (OR a (DEFAULT b c)).
 *  - NEAR chains make one node: "a NEAR/3 b NEAR/5 c" -> (NEAR/5 a b c)
 *    (the widest window). A prefix applies to the whole chain.
 *  - "+" sets required on the node it prefixes (a leaf, a NEAR or a group).
 *  - AND/OR/DEFAULT kids of the same kind that are not required are merged
 *    into their parent; a group of one is that one; "(a)" is a.
 *  - Spans: a leaf covers its text (with its '+', a FILTER from the field
 *    name to the value's end); a group covers its first to last token, a
 *    parenthesized group its parentheses.
 */
#include "error.h"
#include "query_parse.h"

#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QP_MAX_BYTES 4096
#define QP_MAX_DEPTH 64
#define QP_NEAR_DEFAULT 10u
#define QP_NEAR_MAX 1000u

#if defined(__GNUC__)
#define QP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define QP_PRINTF(f, a)
#endif

/* ------------------------------------------------------------- tokens */

typedef enum {
    T_EOF, T_TERM, T_LPAREN, T_RPAREN,
    T_AND, T_OR, T_NOT, T_NEAR, T_MINUS, T_PLUS
} tok_kind;

typedef struct {
    tok_kind kind;
    int start, end;     /* 1-based code point span, end inclusive */
    size_t b0, b1;      /* byte span, to quote operators in messages */
    unsigned window;    /* T_NEAR */
    ghs_qnode *node;    /* T_TERM: the leaf, owned until taken */
} token;

typedef struct {
    const char *q;
    uint32_t *cp;       /* the query's code points */
    size_t *off;        /* off[i]: byte offset of cp[i]; off[n]: length */
    size_t n;
    size_t i;           /* next code point to scan */
    int after_prefix;   /* the last token was '-' or '+' */
    token tok;          /* lookahead */
    int last_end;       /* end of the last consumed token */
    int depth;          /* open parentheses */
    int code;           /* 0, or the error being reported */
    ghs_error *err;
} parser;

/* Record the first error only: later ones are consequences of it. */
static void fail(parser *p, int pos, const char *fmt, ...) QP_PRINTF(3, 4);
static void fail(parser *p, int pos, const char *fmt, ...)
{
    char what[256];
    va_list ap;

    if (p->code)
        return;
    p->code = GHS_EQUERY;
    if (!p->err)
        return;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    ghs_query_error(p->err, pos, "%s", what);
}

static void fail_nomem(parser *p)
{
    if (p->code)
        return;
    p->code = GHS_ENOMEM;
    ghs_set_error(p->err, GHS_ENOMEM, "[query] out of memory");
}

static int is_space(uint32_t c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x3000;
}

static int is_lparen(uint32_t c) { return c == '(' || c == 0xFF08; }
static int is_rparen(uint32_t c) { return c == ')' || c == 0xFF09; }

/* '"' '＂' '“' '”': each opens a phrase and each closes one. */
static int is_dquote(uint32_t c)
{
    return c == '"' || c == 0xFF02 || c == 0x201C || c == 0x201D;
}

static int opens_phrase(uint32_t c) { return is_dquote(c) || c == 0x300C; }

static int closes_phrase(uint32_t open, uint32_t c)
{
    return open == 0x300C ? c == 0x300D : is_dquote(c);
}

static int is_special(uint32_t c)
{
    return is_lparen(c) || is_rparen(c) || opens_phrase(c) || c == 0x300D;
}

static int is_minus(uint32_t c) { return c == '-' || c == 0xFF0D; }
static int is_plus(uint32_t c) { return c == '+' || c == 0xFF0B; }

/* A sign is a prefix only when what follows can be an operand. */
static int sign_applies_to(uint32_t next)
{
    if (is_lparen(next) || opens_phrase(next))
        return 1;
    return !is_space(next) && !is_special(next) && !is_minus(next) &&
           !is_plus(next);
}

/* ------------------------------------------------------------- nodes */

static ghs_qnode *node_new(parser *p, ghs_qkind kind, int start, int end)
{
    ghs_qnode *n = calloc(1, sizeof *n);

    if (!n) {
        fail_nomem(p);
        return NULL;
    }
    n->kind = kind;
    n->start = start;
    n->end = end;
    return n;
}

static char *dup_bytes(parser *p, const char *s, size_t len)
{
    char *d = malloc(len + 1);

    if (!d) {
        fail_nomem(p);
        return NULL;
    }
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

static ghs_qnode *leaf_new(parser *p, ghs_qkind kind, const char *text,
                           size_t len, int start, int end)
{
    ghs_qnode *n = node_new(p, kind, start, end);

    if (n && !(n->text = dup_bytes(p, text, len))) {
        free(n);
        return NULL;
    }
    return n;
}

void ghs_qnode_free(ghs_qnode *n)
{
    size_t i;

    if (!n)
        return;
    for (i = 0; i < n->n_kids; i++)
        ghs_qnode_free(n->kids[i]);
    free(n->kids);
    free(n->text);
    free(n->field);
    free(n);
}

/* Free n but not its kids (they were moved elsewhere). */
static void node_free_shell(ghs_qnode *n)
{
    free(n->kids);
    free(n->text);
    free(n->field);
    free(n);
}

/* Append kid to n, taking it; on failure kid is freed. */
static int node_add(parser *p, ghs_qnode *n, ghs_qnode *kid)
{
    ghs_qnode **k = realloc(n->kids, (n->n_kids + 1) * sizeof *k);

    if (!k) {
        ghs_qnode_free(kid);
        fail_nomem(p);
        return -1;
    }
    n->kids = k;
    n->kids[n->n_kids++] = kid;
    return 0;
}

static int is_flattenable(ghs_qkind k)
{
    return k == GHS_Q_AND || k == GHS_Q_OR || k == GHS_Q_DEFAULT;
}

/* Append kid to group g, merging kid's kids into g when it is a group of
 * the same kind that the user did not mark required. Takes kid. */
static int group_add(parser *p, ghs_qnode *g, ghs_qnode *kid)
{
    ghs_qnode **k;
    size_t i;

    assert(kid && is_flattenable(g->kind));
    if (kid->kind != g->kind || kid->required)
        return node_add(p, g, kid);
    k = realloc(g->kids, (g->n_kids + kid->n_kids) * sizeof *k);
    if (!k) {
        ghs_qnode_free(kid);
        fail_nomem(p);
        return -1;
    }
    g->kids = k;
    for (i = 0; i < kid->n_kids; i++)
        g->kids[g->n_kids++] = kid->kids[i];
    kid->n_kids = 0;
    node_free_shell(kid);
    return 0;
}

/* A growable list of nodes being collected for a group. */
typedef struct {
    ghs_qnode **v;
    size_t n, cap;
} nodevec;

static void vec_free(nodevec *a)
{
    size_t i;

    for (i = 0; i < a->n; i++)
        ghs_qnode_free(a->v[i]);
    free(a->v);
    a->v = NULL;
    a->n = a->cap = 0;
}

/* Take n (may be NULL: then nothing is added). */
static void vec_push(parser *p, nodevec *a, ghs_qnode *n)
{
    if (!n)
        return;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 4;
        ghs_qnode **v = realloc(a->v, cap * sizeof *v);
        if (!v) {
            ghs_qnode_free(n);
            fail_nomem(p);
            return;
        }
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = n;
}

/* Join a's nodes with kind (flattening); NULL when a is empty, the node
 * itself when a holds one. Empties a. */
static ghs_qnode *make_group(parser *p, ghs_qkind kind, nodevec *a)
{
    ghs_qnode *g;
    size_t i;

    if (a->n <= 1) {
        g = a->n ? a->v[0] : NULL;
        free(a->v);
        a->v = NULL;
        a->n = a->cap = 0;
        return g;
    }
    g = node_new(p, kind, a->v[0]->start, a->v[0]->end);
    for (i = 0; g && i < a->n; i++) {
        ghs_qnode *kid = a->v[i];
        a->v[i] = NULL;
        if (kid->start < g->start)
            g->start = kid->start;
        if (kid->end > g->end)
            g->end = kid->end;
        if (group_add(p, g, kid) < 0) {
            ghs_qnode_free(g);
            g = NULL;
        }
    }
    vec_free(a);
    return g;
}

/* (NOT P N) from positives joined by kind and negatives joined by OR, or
 * just P when there is no negative. Empties both lists. */
static ghs_qnode *make_not_group(parser *p, ghs_qkind kind, nodevec *pos,
                                 nodevec *neg, int start, int end)
{
    ghs_qnode *yes, *no, *n;

    if (neg->n == 0)
        return make_group(p, kind, pos);
    yes = make_group(p, kind, pos);
    no = make_group(p, GHS_Q_OR, neg);
    n = p->code ? NULL : node_new(p, GHS_Q_NOT, start, end);
    if (!n || !(n->kids = calloc(2, sizeof *n->kids))) {
        fail_nomem(p);
        ghs_qnode_free(yes);
        ghs_qnode_free(no);
        free(n);
        return NULL;
    }
    n->kids[0] = yes;
    n->kids[1] = no;
    n->n_kids = 2;
    return n;
}

/* Move n's positive and negative parts into the lists (for AND). */
static void split_into(parser *p, ghs_qnode *n, nodevec *pos, nodevec *neg)
{
    if (n->kind != GHS_Q_NOT) {
        vec_push(p, pos, n);
        return;
    }
    assert(n->n_kids == 2);
    vec_push(p, pos, n->kids[0]);
    vec_push(p, neg, n->kids[1]);
    n->n_kids = 0;
    node_free_shell(n);
}

/* ------------------------------------------------------------ scanner */

static const char *const fields[] = {
    "lang", "type", "year", "publisher", "doc", "title"
};

static const char *match_field(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strlen(fields[i]) == len && memcmp(fields[i], s, len) == 0)
            return fields[i];
    return NULL;
}

/* The bytes of s to show when it is cut at about max: whole characters. */
static size_t utf8_cut(const char *s, size_t max)
{
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* The two-letter language codes of ISO 639-1: "lang:xx" is a mistake, not
 * a language with no documents. Three-letter codes (ISO 639-2/3, several
 * thousand) are taken as written. */
static const char iso639_1[] =
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch "
    "co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga "
    "gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja "
    "jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv "
    "mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or "
    "os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr "
    "ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi "
    "vo wa wo xh yi yo za zh zu";

static int is_iso639_1(const char *code)
{
    for (const char *c = iso639_1; *c; c += c[2] ? 3 : 2)
        if (c[0] == code[0] && c[1] == code[1])
            return 1;
    return 0;
}

/* Find the phrase opened at cp[o]: *a..*b is its inner code point range
 * without surrounding spaces, *c its closing quote. */
static int scan_phrase(parser *p, size_t o, size_t *a, size_t *b, size_t *c)
{
    size_t k = o + 1, x, y;

    while (k < p->n && !closes_phrase(p->cp[o], p->cp[k]))
        k++;
    if (k == p->n) {
        fail(p, (int)o + 1, "unclosed quote");
        return 0;
    }
    x = o + 1;
    y = k;
    while (x < y && is_space(p->cp[x]))
        x++;
    while (y > x && is_space(p->cp[y - 1]))
        y--;
    *a = x;
    *b = y;
    *c = k;
    return 1;
}

/* Check and normalize a filter value (code points v0..v1) into out. */
static int filter_value(parser *p, const char *field, size_t v0, size_t v1,
                        int pos, char *out, size_t outsz)
{
    size_t i, k = 0, nv = v1 - v0;

    if (strcmp(field, "lang") == 0) {
        for (i = v0; i < v1 && nv >= 2 && nv <= 3; i++) {
            uint32_t c = p->cp[i] | 0x20;  /* ASCII lower case */
            if (c < 'a' || c > 'z')
                break;
            out[k++] = (char)c;
        }
        if (i < v1 || nv < 2 || nv > 3) {
            fail(p, pos, "lang must be 2 or 3 letters, like lang:ja");
            return 0;
        }
        if (nv == 2 && !is_iso639_1(out)) {
            out[k] = '\0';
            fail(p, pos, "unknown language '%s': lang takes an ISO 639 code such as "
                 "ja, en or zh", out);
            return 0;
        }
    } else if (strcmp(field, "type") == 0) {
        static const char *const types[] = { "pdf", "release", "record" };
        for (i = v0; i < v1 && k + 1 < outsz; i++) {
            uint32_t c = p->cp[i];
            out[k++] = (char)(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
            if (c > 0x7F)
                break;
        }
        out[k] = '\0';
        for (i = 0; i < 3; i++)
            if (nv == strlen(types[i]) && strcmp(out, types[i]) == 0)
                return 1;
        fail(p, pos, "type must be pdf, release or record");
        return 0;
    } else {
        assert(strcmp(field, "year") == 0);
        for (i = v0; i < v1 && k + 1 < outsz; i++) {
            uint32_t c = p->cp[i];
            if (c >= 0xFF10 && c <= 0xFF19)  /* full-width digits */
                c = c - 0xFF10 + '0';
            else if (c == 0xFF0E)
                c = '.';
            else if ((c == 0x301C || c == 0xFF5E) && k + 2 < outsz) {
                out[k++] = '.';  /* 2021〜2023, the Japanese way */
                c = '.';
            }
            if (!((c >= '0' && c <= '9') || c == '.'))
                break;
            out[k++] = (char)c;
        }
        out[k] = '\0';
        if (i < v1 || !(k == 4 || (k == 10 && out[4] == '.' && out[5] == '.'))
            || strspn(out, "0123456789") != 4
            || (k == 10 && strspn(out + 6, "0123456789") != 4)) {
            fail(p, pos, "year must be YYYY or YYYY..YYYY");
            return 0;
        }
        if (k == 10 && memcmp(out, out + 6, 4) > 0) {
            fail(p, pos, "year range ends before it starts");
            return 0;
        }
        return 1;
    }
    out[k] = '\0';
    return 1;
}

/* A field filter whose name spans code points i..colon-1 and whose inline
 * value runs to j (or, if empty, a quoted value follows). */
static void scan_filter(parser *p, token *t, const char *field, size_t i,
                        size_t colon, size_t j)
{
    size_t v0 = colon + 1, v1 = j, a, b, c;
    int vpos = (int)v0 + 1, end = (int)j;
    char norm[16];
    ghs_qnode *n;

    if (v0 == j) {
        if (j == p->n || !opens_phrase(p->cp[j])) {
            fail(p, (int)i + 1, "empty value for field '%s'", field);
            return;
        }
        if (!scan_phrase(p, j, &a, &b, &c))
            return;
        if (a == b) {
            fail(p, (int)i + 1, "empty value for field '%s'", field);
            return;
        }
        v0 = a;
        v1 = b;
        vpos = (int)j + 1;
        end = (int)c + 1;
        p->i = c + 1;
    }
    if (strcmp(field, "lang") == 0 || strcmp(field, "type") == 0 ||
        strcmp(field, "year") == 0) {
        if (!filter_value(p, field, v0, v1, vpos, norm, sizeof norm))
            return;
        n = leaf_new(p, GHS_Q_FILTER, norm, strlen(norm), (int)i + 1, end);
    } else {
        n = leaf_new(p, GHS_Q_FILTER, p->q + p->off[v0],
                     p->off[v1] - p->off[v0], (int)i + 1, end);
    }
    if (n && !(n->field = dup_bytes(p, field, strlen(field)))) {
        ghs_qnode_free(n);
        n = NULL;
    }
    t->kind = T_TERM;
    t->node = n;
    t->end = end;
    t->b1 = p->off[p->i];
}

/* An operator keyword, or 0. */
static int scan_operator(parser *p, token *t, const char *s, size_t len)
{
    unsigned w = 0;
    size_t k;

    if (len == 3 && memcmp(s, "AND", 3) == 0)
        t->kind = T_AND;
    else if (len == 2 && memcmp(s, "OR", 2) == 0)
        t->kind = T_OR;
    else if (len == 3 && memcmp(s, "NOT", 3) == 0)
        t->kind = T_NOT;
    else if (len == 4 && memcmp(s, "NEAR", 4) == 0) {
        t->kind = T_NEAR;
        t->window = QP_NEAR_DEFAULT;
    } else if (len >= 5 && memcmp(s, "NEAR/", 5) == 0) {
        for (k = 5; k < len && s[k] >= '0' && s[k] <= '9'; k++)
            if (w <= QP_NEAR_MAX)
                w = w * 10 + (unsigned)(s[k] - '0');
        if (k == 5 || k < len) {
            fail(p, t->start, "NEAR/ needs a number, like NEAR/5");
            return 1;
        }
        if (w < 1 || w > QP_NEAR_MAX) {
            fail(p, t->start, "NEAR window must be between 1 and %u",
                 QP_NEAR_MAX);
            return 1;
        }
        t->kind = T_NEAR;
        t->window = w;
    } else
        return 0;
    return 1;
}

/* Is the word at code points i..j, with its first colon at k, an attempt
 * at a field that does not exist ("foo:bar", "lan:ja", "Lang:ja")? Then
 * fail with the fields listed and the way to search the word itself.
 * A name in lower-case ASCII letters is one; so is a known field written
 * in capitals. Anything else with a colon stays a word: "10:30",
 * "COVID-19:", "ISO:3166", a URL ("https://..."), or a colon ending the
 * word ("Note:"). */
static int unknown_field(parser *p, size_t i, size_t k, size_t j)
{
    const char *s = p->q + p->off[i];
    size_t len = p->off[k] - p->off[i], x;
    char name[16];
    int lower = 1;

    if (k + 1 >= j || p->cp[k + 1] == '/' || len < 2 || len >= sizeof name)
        return 0;
    for (x = 0; x < len; x++) {
        char c = s[x];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return 0;
        lower &= c >= 'a' && c <= 'z';
        name[x] = (char)(c | 0x20);
    }
    name[len] = '\0';
    if (!lower && !match_field(name, len))
        return 0;
    fail(p, (int)i + 1, "unknown field '%.*s' (the fields are lang, type, year, "
         "publisher, doc and title; to search the word itself, put it in quotes: "
         "\"%.*s\")", (int)len, s,
         (int)(p->off[j] - p->off[i] > 60 ? utf8_cut(s, 60) : p->off[j] - p->off[i]), s);
    return 1;
}

static void scan_word(parser *p, token *t, int literal)
{
    size_t i = p->i, j = i, k;
    const char *s = p->q + p->off[i], *field;
    size_t len;

    while (j < p->n && !is_space(p->cp[j]) && !is_special(p->cp[j]))
        j++;
    assert(j > i);
    p->i = j;
    len = p->off[j] - p->off[i];
    t->end = (int)j;
    t->b1 = p->off[j];
    if (!literal && scan_operator(p, t, s, len))
        return;
    /* the full-width colon is what a Japanese IME types */
    for (k = i; k < j && p->cp[k] != ':' && p->cp[k] != 0xFF1A; k++)
        ;
    if (k < j && (field = match_field(s, p->off[k] - p->off[i])) != NULL) {
        scan_filter(p, t, field, i, k, j);
        return;
    }
    if (k < j && unknown_field(p, i, k, j))
        return;
    t->kind = T_TERM;
    t->node = leaf_new(p, GHS_Q_WORD, s, len, (int)i + 1, (int)j);
}

/* Scan the token at p->i into t. On error p->code is set. */
static void scan(parser *p, token *t)
{
    size_t i, a, b, c;
    uint32_t ch;
    int literal = p->after_prefix;

    while (p->i < p->n && is_space(p->cp[p->i]))
        p->i++;
    i = p->i;
    memset(t, 0, sizeof *t);
    t->start = t->end = (int)i + 1;
    t->b0 = t->b1 = p->off[i];
    p->after_prefix = 0;
    if (i == p->n) {
        t->kind = T_EOF;
        return;
    }
    ch = p->cp[i];
    t->b1 = p->off[i + 1];
    if (is_lparen(ch) || is_rparen(ch)) {
        t->kind = is_lparen(ch) ? T_LPAREN : T_RPAREN;
        p->i++;
    } else if (opens_phrase(ch)) {
        if (!scan_phrase(p, i, &a, &b, &c))
            return;
        if (a == b) {
            fail(p, (int)i + 1, "empty phrase");
            return;
        }
        p->i = c + 1;
        t->kind = T_TERM;
        t->end = (int)c + 1;
        t->b1 = p->off[c + 1];
        t->node = leaf_new(p, GHS_Q_PHRASE, p->q + p->off[a],
                           p->off[b] - p->off[a], t->start, t->end);
    } else if (ch == 0x300D) {
        fail(p, (int)i + 1, "unexpected '」'");
    } else if ((is_minus(ch) || is_plus(ch)) && i + 1 < p->n &&
               sign_applies_to(p->cp[i + 1])) {
        t->kind = is_minus(ch) ? T_MINUS : T_PLUS;
        p->i++;
        p->after_prefix = 1;
    } else {
        scan_word(p, t, literal);
    }
}

/* Consume the lookahead and scan the next token. */
static void advance(parser *p)
{
    p->last_end = p->tok.end;
    ghs_qnode_free(p->tok.node);
    p->tok.node = NULL;
    if (p->code) {
        p->tok.kind = T_EOF;
        return;
    }
    scan(p, &p->tok);
    if (p->code) {
        ghs_qnode_free(p->tok.node);
        p->tok.node = NULL;
        p->tok.kind = T_EOF;
    }
}

/* ------------------------------------------------------------- parser */

static ghs_qnode *parse_or(parser *p, const token *prev);

/* Report an operator that lacks an operand. */
static void fail_operator(parser *p, const token *op)
{
    int len = (int)(op->b1 - op->b0);
    const char *s = p->q + op->b0;

    if (op->kind == T_NOT)
        fail(p, op->start, "'NOT' needs a term after it");
    else if (op->kind == T_NEAR)
        fail(p, op->start, "'%.*s' needs a word or phrase on both sides",
             len, s);
    else
        fail(p, op->start, "'%.*s' needs a term on both sides", len, s);
}

static int starts_unary(tok_kind k)
{
    return k == T_TERM || k == T_LPAREN || k == T_MINUS || k == T_PLUS ||
           k == T_NOT;
}

/* The lookahead must start an operand; prev is the operator that wants it
 * (NULL at the start of the query or of a group). */
static int expect_operand(parser *p, const token *prev)
{
    if (p->code)
        return 0;
    if (starts_unary(p->tok.kind))
        return 1;
    if (prev)
        fail_operator(p, prev);
    else if (p->tok.kind == T_RPAREN)
        fail(p, p->tok.start, "unexpected ')'");
    else if (p->tok.kind == T_EOF)
        fail(p, p->tok.start, "unexpected end of query");
    else
        fail_operator(p, &p->tok);
    return 0;
}

static int is_near_operand(const ghs_qnode *n)
{
    return (n->kind == GHS_Q_WORD || n->kind == GHS_Q_PHRASE) &&
           !n->required;
}

/* atom = "(" or_expr ")" | WORD | PHRASE | FILTER */
static ghs_qnode *parse_atom(parser *p)
{
    ghs_qnode *n;
    token open;

    if (p->tok.kind == T_TERM) {
        n = p->tok.node;
        p->tok.node = NULL;
        advance(p);
        if (p->code) {
            ghs_qnode_free(n);
            return NULL;
        }
        return n;
    }
    if (p->tok.kind != T_LPAREN) {
        /* the scanner puts only a term or "(" after a prefix */
        expect_operand(p, NULL);
        fail(p, p->tok.start, "unexpected token");
        return NULL;
    }
    open = p->tok;
    if (p->depth >= QP_MAX_DEPTH) {
        fail(p, open.start, "nesting deeper than %d", QP_MAX_DEPTH);
        return NULL;
    }
    p->depth++;
    advance(p);
    if (p->code)
        return NULL;
    if (p->tok.kind == T_RPAREN) {
        fail(p, open.start, "empty parentheses");
        return NULL;
    }
    if (p->tok.kind == T_EOF) {
        fail(p, open.start, "unclosed parenthesis");
        return NULL;
    }
    n = parse_or(p, NULL);
    if (p->code)
        return NULL;
    if (p->tok.kind != T_RPAREN) {
        assert(p->tok.kind == T_EOF);
        ghs_qnode_free(n);
        fail(p, open.start, "unclosed parenthesis");
        return NULL;
    }
    p->depth--;
    if (n->n_kids > 0) {
        n->start = open.start;
        n->end = p->tok.end;
    }
    advance(p);
    if (p->code) {
        ghs_qnode_free(n);
        return NULL;
    }
    return n;
}

/* near = atom { NEAR atom } */
static ghs_qnode *parse_near(parser *p)
{
    ghs_qnode *first = parse_atom(p), *near;

    if (!first || p->tok.kind != T_NEAR)
        return first;
    if (!is_near_operand(first)) {
        fail_operator(p, &p->tok);
        ghs_qnode_free(first);
        return NULL;
    }
    near = node_new(p, GHS_Q_NEAR, first->start, first->end);
    if (!near || node_add(p, near, first) < 0) {
        if (!near)
            ghs_qnode_free(first);
        ghs_qnode_free(near);
        return NULL;
    }
    while (p->tok.kind == T_NEAR) {
        token op = p->tok;
        ghs_qnode *kid;

        advance(p);
        if (p->code)
            break;
        if (p->tok.kind != T_TERM || !is_near_operand(p->tok.node)) {
            fail_operator(p, &op);
            break;
        }
        if (op.window > near->window)
            near->window = op.window;
        kid = p->tok.node;
        p->tok.node = NULL;
        near->end = kid->end;
        if (node_add(p, near, kid) < 0)
            break;
        advance(p);
        if (p->code)
            break;
    }
    if (p->code) {
        ghs_qnode_free(near);
        return NULL;
    }
    return near;
}

/* unary = { "NOT" } [ "-" | "+" ] near. *negated tells whether the result
 * is to be excluded. */
static ghs_qnode *parse_unary(parser *p, int *negated)
{
    int neg = 0, required = 0, plus_start = 0;
    ghs_qnode *n;

    while (p->tok.kind == T_NOT) {
        token op = p->tok;

        neg ^= 1;
        advance(p);
        if (p->code)
            return NULL;
        if (!starts_unary(p->tok.kind)) {
            fail_operator(p, &op);
            return NULL;
        }
    }
    if (p->tok.kind == T_MINUS || p->tok.kind == T_PLUS) {
        if (p->tok.kind == T_MINUS)
            neg ^= 1;
        else
            required = 1;
        plus_start = p->tok.start;
        advance(p);
        if (p->code)
            return NULL;
    }
    n = parse_near(p);
    if (!n)
        return NULL;
    if (required) {
        n->required = 1;
        n->start = plus_start;
    }
    *negated = neg;
    return n;
}

/* seq = unary { unary } */
static ghs_qnode *parse_seq(parser *p, const token *prev)
{
    nodevec pos = { 0 }, neg = { 0 };
    int start = p->tok.start, first = 1;

    if (!expect_operand(p, prev))
        return NULL;
    while (!p->code && (first || (starts_unary(p->tok.kind) &&
                                  p->tok.kind != T_NOT))) {
        int negated = 0;
        ghs_qnode *n = parse_unary(p, &negated);

        first = 0;
        if (!n)
            break;
        vec_push(p, negated ? &neg : &pos, n);
    }
    if (p->code) {
        vec_free(&pos);
        vec_free(&neg);
        return NULL;
    }
    return make_not_group(p, GHS_Q_DEFAULT, &pos, &neg, start, p->last_end);
}

/* and_expr = seq { ( "AND" | "NOT" ) seq } */
static ghs_qnode *parse_and(parser *p, const token *prev)
{
    nodevec pos = { 0 }, neg = { 0 };
    int start = p->tok.start;
    ghs_qnode *n = parse_seq(p, prev), *g;

    if (!n || (p->tok.kind != T_AND && p->tok.kind != T_NOT))
        return n;
    split_into(p, n, &pos, &neg);
    while (!p->code && (p->tok.kind == T_AND || p->tok.kind == T_NOT)) {
        token op = p->tok;

        advance(p);
        n = parse_seq(p, &op);
        if (!n)
            break;
        if (op.kind == T_NOT)
            vec_push(p, &neg, n);
        else
            split_into(p, n, &pos, &neg);
    }
    if (p->code) {
        vec_free(&pos);
        vec_free(&neg);
        return NULL;
    }
    g = make_not_group(p, GHS_Q_AND, &pos, &neg, start, p->last_end);
    if (g && g->kind == GHS_Q_AND) {
        g->start = start;
        g->end = p->last_end;
    }
    return g;
}

/* or_expr = and_expr { "OR" and_expr } */
static ghs_qnode *parse_or(parser *p, const token *prev)
{
    nodevec items = { 0 };
    ghs_qnode *n = parse_and(p, prev);

    if (!n || p->tok.kind != T_OR)
        return n;
    vec_push(p, &items, n);
    while (!p->code && p->tok.kind == T_OR) {
        token op = p->tok;

        advance(p);
        n = parse_and(p, &op);
        if (!n)
            break;
        vec_push(p, &items, n);
    }
    if (p->code) {
        vec_free(&items);
        return NULL;
    }
    return make_group(p, GHS_Q_OR, &items);
}

/* Decode query into p->cp/p->off, checking it is UTF-8. */
static void decode(parser *p, const char *q, size_t len)
{
    const unsigned char *s = (const unsigned char *)q;
    size_t i = 0, need, k;
    uint32_t c, min;

    p->n = 0;
    while (i < len) {
        c = s[i];
        if (c < 0x80) {
            need = 1;
            min = 0;
        } else if (c >= 0xC2 && c <= 0xDF) {
            need = 2;
            c &= 0x1F;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 3;
            c &= 0x0F;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 4;
            c &= 0x07;
            min = 0x10000;
        } else
            need = 0;
        for (k = 1; need && k < need; k++) {
            if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
                need = 0;
            else
                c = (c << 6) | (s[i + k] & 0x3F);
        }
        if (!need || c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
            fail(p, (int)p->n + 1, "invalid UTF-8");
            return;
        }
        p->cp[p->n] = c;
        p->off[p->n++] = i;
        i += need;
    }
    p->off[p->n] = len;
}

/* Is c (not ASCII) a sign: punctuation or a symbol, no letter or digit?
 * The blocks of punctuation and symbols a Japanese question quotes:
 * Latin-1 signs, × ÷, general punctuation, arrows, mathematical and
 * technical signs, shapes (○ △), symbols and dingbats (♪ ✓), CJK
 * punctuation (not 々 〇), ・, full-width signs. Number forms (Ⅰ) and
 * enclosed numbers (①) count as words. */
static int is_sign(uint32_t c)
{
    if (c >= 0x2150 && c <= 0x218F)
        return 0;
    if (c >= 0x2460 && c <= 0x24FF)
        return 0;
    return (c >= 0xA0 && c <= 0xBF) || c == 0xD7 || c == 0xF7 ||
           (c >= 0x2000 && c <= 0x2BFF) ||
           (c >= 0x3000 && c <= 0x303F && c != 0x3005 && c != 0x3007) || c == 0x30FB ||
           (c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
           (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) ||
           (c >= 0xFFE0 && c <= 0xFFEE);
}

/* Does p->cp[from..to) quote only signs: some punctuation or symbol, no
 * character of a word (letter, digit, kana, kanji)? Spaces alone do not
 * count: 「 」 stays an empty phrase, reported as such. */
static int quotes_only_signs(const parser *p, size_t from, size_t to)
{
    int signs = 0;
    for (size_t i = from; i < to; i++) {
        uint32_t c = p->cp[i];
        if (is_space(c))
            continue;
        int word = c < 0x80 ? (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
                            : !is_sign(c);
        if (word)
            return 0;
        signs = 1;
    }
    return signs;
}

/* An input method often gives one parenthesis of a pair in full width and
 * the other in ASCII: 連合（UPADS)と. An ASCII parenthesis left unmatched
 * by the ASCII ones pairs with the nearest full-width one of the other
 * side not paired yet (keep[] marks those paired), which becomes its ASCII
 * twin; the ASCII ones the user typed are never changed. stack: scratch
 * of p->n entries. */
static void pair_mixed_parentheses(parser *p, unsigned char *keep, size_t *stack)
{
    size_t depth = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (p->cp[i] == '(') {
            stack[depth++] = i;
        } else if (p->cp[i] == ')' && depth > 0) {
            depth--;
        } else if (p->cp[i] == ')') {
            for (size_t j = i; j-- > 0;)
                if (p->cp[j] == 0xFF08 && !keep[j]) {
                    p->cp[j] = '(';
                    keep[j] = 1;
                    break;
                }
        }
    }
    while (depth > 0) {   /* ASCII '(' never closed, last first */
        size_t i = stack[--depth];
        for (size_t j = i + 1; j < p->n; j++)
            if (p->cp[j] == 0xFF09 && !keep[j]) {
                p->cp[j] = ')';
                keep[j] = 1;
                break;
            }
    }
}

/* Japanese questions use 「」 and full-width parentheses as ordinary
 * punctuation too, unbalanced or nested (「…「赤旗」…」 quoting a title
 * inside a title, an aside opened with （ and never closed). Only a 「 whose
 * matching 」 comes before any other 「 quotes a phrase (unless it
 * quotes only a sign: 「-」でつなぐ), and only balanced （） group; every other one is read as a
 * space, so such a question is searched, not refused. ASCII quotes and parentheses stay strict: they are
 * what users type as operators. */
static void soften_japanese_brackets(parser *p)
{
    unsigned char *keep = calloc(p->n ? p->n : 1, 1);
    size_t *stack = malloc((p->n ? p->n : 1) * sizeof *stack);
    size_t open = (size_t)-1, depth = 0;
    if (!keep || !stack) {
        /* Not softened, a question would be parsed differently, or refused. */
        free(keep);
        free(stack);
        fail_nomem(p);
        return;
    }
    for (size_t i = 0; i < p->n; i++) {
        uint32_t c = p->cp[i];
        if (c == 0x300C) {
            open = i;
        } else if (c == 0x300D && open != (size_t)-1) {
            /* 「-」 quotes a sign, not words: punctuation too. */
            keep[open] = keep[i] = !quotes_only_signs(p, open + 1, i);
            open = (size_t)-1;
        } else if (c == 0xFF08) {
            stack[depth++] = i;
        } else if (c == 0xFF09 && depth > 0) {
            keep[stack[--depth]] = keep[i] = 1;
        }
    }
    pair_mixed_parentheses(p, keep, stack);
    for (size_t i = 0; i < p->n; i++) {
        uint32_t c = p->cp[i];
        if ((c == 0x300C || c == 0x300D || c == 0xFF08 || c == 0xFF09) && !keep[i])
            p->cp[i] = ' ';
    }
    free(stack);
    free(keep);
}

int ghs_query_parse(const char *query, ghs_qnode **out, ghs_error *err)
{
    parser p;
    size_t len = 0;
    ghs_qnode *root = NULL;

    if (!query || !out) {
        return ghs_set_error(err, GHS_EINVAL, "[query] no query or no place to put its tree");
    }
    *out = NULL;
    memset(&p, 0, sizeof p);
    p.q = query;
    p.err = err;
    while (query[len] && len <= QP_MAX_BYTES)
        len++;
    if (len > QP_MAX_BYTES) {
        fail(&p, 1, "query longer than %d bytes", QP_MAX_BYTES);
        return p.code;
    }
    p.cp = malloc((len + 1) * sizeof *p.cp);
    p.off = malloc((len + 1) * sizeof *p.off);
    if (!p.cp || !p.off)
        fail_nomem(&p);
    else
        decode(&p, query, len);
    if (!p.code)
        soften_japanese_brackets(&p);
    if (!p.code)
        advance(&p);
    if (!p.code && p.tok.kind != T_EOF) {
        root = parse_or(&p, NULL);
        if (!p.code && p.tok.kind == T_RPAREN)
            fail(&p, p.tok.start, "unexpected ')'");
        assert(p.code || p.tok.kind == T_EOF);
    }
    ghs_qnode_free(p.tok.node);
    free(p.cp);
    free(p.off);
    if (p.code) {
        ghs_qnode_free(root);
        return p.code;
    }
    *out = root;
    return 0;
}

/* ----------------------------------------------------------- describe */

typedef struct {
    char *s;
    size_t n, cap;
    int oom;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t len)
{
    if (b->oom)
        return;
    if (b->n + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        char *t;
        while (cap < b->n + len + 1)
            cap *= 2;
        if (!(t = realloc(b->s, cap))) {
            b->oom = 1;
            return;
        }
        b->s = t;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, len);
    b->n += len;
    b->s[b->n] = '\0';
}

static void sb_str(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

static void sb_quoted(sbuf *b, const char *s)
{
    char esc[8];

    sb_put(b, "\"", 1);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            sb_put(b, esc, 2);
        } else if (c < 0x20 || c == 0x7F) {
            snprintf(esc, sizeof esc, "\\x%02x", c);
            sb_str(b, esc);
        } else
            sb_put(b, s, 1);
    }
    sb_put(b, "\"", 1);
}

static void describe(sbuf *b, const ghs_qnode *n)
{
    static const char *const names[] = {
        "WORD", "PHRASE", "FILTER", "AND", "OR", "NOT", "NEAR", "DEFAULT"
    };
    char near[24];
    size_t i;

    if (!n) {
        sb_str(b, "nil");
        return;
    }
    sb_str(b, "(");
    if (n->kind == GHS_Q_NEAR) {
        snprintf(near, sizeof near, "NEAR/%u", n->window);
        sb_str(b, near);
    } else if ((unsigned)n->kind < sizeof names / sizeof names[0])
        sb_str(b, names[n->kind]);
    else
        sb_str(b, "?");
    if (n->required)
        sb_str(b, "+");
    if (n->kind == GHS_Q_FILTER) {
        sb_str(b, " ");
        sb_str(b, n->field ? n->field : "?");
    }
    if (n->kind == GHS_Q_WORD || n->kind == GHS_Q_PHRASE ||
        n->kind == GHS_Q_FILTER) {
        sb_str(b, " ");
        sb_quoted(b, n->text);
    }
    for (i = 0; i < n->n_kids; i++) {
        sb_str(b, " ");
        describe(b, n->kids[i]);
    }
    sb_str(b, ")");
}

char *ghs_qnode_describe(const ghs_qnode *n)
{
    sbuf b = { NULL, 0, 0, 0 };

    describe(&b, n);
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
