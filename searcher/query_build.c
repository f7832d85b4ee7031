/*
 * query_build.c: from the parsed query tree to Xapian queries.
 *
 * Every word and phrase goes through ghs_analyze(), the function the
 * indexer used, so the terms searched are the terms indexed:
 *  - a plain Latin word searches its English stem (GHS_PREFIX_STEM), other
 *    words their normalized form; a word the stemmer merges with words of
 *    another meaning (universal, university: ghs_stem_sense) searches the
 *    forms of its own sense instead;
 *  - a phrase searches the unstemmed forms in order, stopwords included;
 *  - a "word" the analyzer splits into several (a Japanese compound, a
 *    whole question typed without spaces, COVID-19) searches its parts,
 *    with a bonus when they stand together as written.
 * Two queries are built (see ghs_built_query): `strict` needs every part
 * (in the passage, or in its document's title), `loose` any part. What the
 * user requires (AND, +word, NEAR, phrases) must stand in the passage
 * itself. Both tiers rank passages where adjacent query words stand
 * together higher (proximity_pairs). Filters are boolean and never change
 * scores.
 * With a glossary expander (expand.h) a word or phrase also matches its
 * glossary equivalents, weighted below it, in both queries.
 * Keywords (not a question, intent.h) are a name or a term: in the loose
 * tier a Japanese compound matches by its words and bigrams, never by one
 * of its characters alone (compound_char, gram_bag).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expand.h"
#include "index_handle.h"
#include "intent.h"
#include "schema.h"
#include "search_internal.h"

/* MODE_STRICT: every part, in the passage's own text (what the user
 * requires); MODE_ALL: every part, in the text or the document's title (the
 * first tier); MODE_LOOSE: any part, text or title (the second tier). */
enum { MODE_STRICT, MODE_ALL, MODE_LOOSE };

typedef struct builder {
    ghs_analyzer *a;
    ghs_built_query *out;
    ghs_error *err;
    int collect_hl;        /* 0 while inside the negative side of NOT */
    int has_content;       /* some query word is not a stopword: drop stopwords */
    int verbose;           /* a question rather than keywords (GHS_VERBOSE_WORDS) */
    int question;          /* ends with a question mark (is_question) */
    int keywords;          /* not a question (intent.h): names, terms, titles */
    ghs_expander *ex;      /* glossary expansion (expand.h), NULL: literal */
    GPtrArray *bonuses;    /* loose tier: proximity pairs by word (prox_bonus) */
    int prox_rc;           /* an analysis for proximity pairs failed (in err) */
} builder;

static xc_query *with_word_proximity(builder *b, const ghs_qnode *n, xc_query *q);

static void qfree(xc_query *q)
{
    xc_query_free(q);
}

/* The first binding failure while this thread builds a query: a query is
 * made of many small calls, and a NULL from one would otherwise read as
 * "nothing to search here" and quietly change the answer.
 * ghs_query_build_expanded reports it as the build's error. */
static _Thread_local xc_error build_failure;

xc_query *ghs_qb_kept(xc_query *q, const xc_error *e)
{
    if (!q && e->code != XC_OK && build_failure.code == XC_OK)
        build_failure = *e;
    return q;
}

static xc_query *term_q(const char *term)
{
    xc_error e;
    return ghs_qb_kept(xc_query_term(term, 1, 0, &e), &e);
}

static xc_query *scale_q(const xc_query *q, double w)
{
    xc_error e;
    return ghs_qb_kept(xc_query_scale(q, w, &e), &e);
}

static xc_query *match_all_q(void)
{
    xc_error e;
    return ghs_qb_kept(xc_query_match_all(&e), &e);
}

/* Combine subs with op, freeing subs. n == 1 returns the single query. */
static xc_query *combine(int op, xc_query **subs, size_t n, unsigned param)
{
    if (n == 0)
        return NULL;
    if (n == 1 && op != XC_OP_PHRASE && op != XC_OP_NEAR)
        return subs[0];
    xc_error e;
    xc_query *q = ghs_qb_kept(xc_query_combine(op, subs, n, param, &e), &e);
    for (size_t i = 0; i < n; i++)
        qfree(subs[i]);
    return q;
}

static xc_query *combine2(int op, xc_query *a, xc_query *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    xc_query *subs[2] = { a, b };
    return combine(op, subs, 2, 0);
}

/* Does the query end with a question mark (its last word "located?")? */
static int is_question(const ghs_qnode *n)
{
    while (n && n->n_kids > 0)
        n = n->kids[n->n_kids - 1];
    if (!n || n->kind != GHS_Q_WORD || !n->text)
        return 0;
    return g_str_has_suffix(n->text, "?") || g_str_has_suffix(n->text, "？");
}

/* Analyze text (query words). In a question, a "who" not written WHO is a
 * question word, a stopword: the list keeps "who" for the World Health
 * Organization (stopwords/en.txt), but "Who founded ...?" must not require
 * it (with many/much/whose in the list: SQuAD odd half 0.923 -> 0.924,
 * even half 0.893 -> 0.895). */
static int analyze_query_text(ghs_analyzer *a, const char *text, int question,
                              ghs_tokens *toks, ghs_error *err)
{
    ghs_tokens_init(toks);
    int rc = ghs_analyze(a, text, strlen(text), 0, toks, err);
    for (size_t i = 0; rc == 0 && question && i < toks->n; i++) {
        ghs_token *t = &toks->v[i];
        if (!t->is_stop && !strcmp(t->term, "who"))
            t->is_stop = strncmp(g_utf8_offset_to_pointer(text, t->start), "WHO", 3) != 0;
    }
    return rc;
}

static int analyze_text(builder *b, const char *text, ghs_tokens *toks)
{
    return analyze_query_text(b->a, text, b->question, toks, b->err);
}

static int no_terms_error(builder *b, const ghs_qnode *n, const char *what)
{
    int rc = ghs_set_error(b->err, GHS_EQUERY, "query error at %d: %s has no searchable word",
                           n->start, what);
    if (b->err)
        b->err->position = n->start;
    return rc;
}

/* A term, or in either tier the term together with its occurrence in
 * document titles (GHS_PREFIX_TITLE_TEXT), as one term for BM25
 * (OP_SYNONYM adds their wdf): a question naming a document's subject
 * finds its passages, even a passage that names it only as "the party"
 * (JSQuAD odd half 0.938 -> 0.941 for the first tier), while required
 * words and phrases still look at the passage's own text only. */
static xc_query *text_or_title_q(const char *term, int mode)
{
    xc_query *q = term_q(term);
    if (mode == MODE_STRICT)
        return q;
    char *t = g_strconcat(GHS_PREFIX_TITLE_TEXT, term, NULL);
    xc_query *pair[2] = { q, term_q(t) };
    g_free(t);
    return combine(XC_OP_SYNONYM, pair, 2, 0);
}

/* The forms of an over-stemmed word's own sense (sense, as given by
 * ghs_stem_sense: "universal universally universality") as one term for
 * BM25, each in text or title as text_or_title_q does. */
static xc_query *sense_q(const char *sense, int mode)
{
    GPtrArray *subs = g_ptr_array_new();
    char **forms = g_strsplit(sense, " ", -1);
    for (char **f = forms; *f; f++) {
        g_ptr_array_add(subs, term_q(*f));
        if (mode != MODE_STRICT) {
            char *t = g_strconcat(GHS_PREFIX_TITLE_TEXT, *f, NULL);
            g_ptr_array_add(subs, term_q(t));
            g_free(t);
        }
    }
    g_strfreev(forms);
    xc_query *q = combine(XC_OP_SYNONYM, (xc_query **)subs->pdata, subs->len, 0);
    g_ptr_array_free(subs, TRUE);
    return q;
}

/* Query of one token for ranking: the stem of a Latin word, else the term.
 * A word its stem would merge with words of another meaning (universal and
 * university: ghs_stem_sense) searches and highlights the forms of its own
 * sense instead. */
static xc_query *token_q(builder *b, const ghs_token *t, int mode)
{
    const char *sense = t->stem && !t->is_stop ? ghs_stem_sense(t->term) : NULL;
    if (b->collect_hl) {
        g_hash_table_add(b->out->hl_terms, g_strdup(t->term));
        if (sense) {
            char **forms = g_strsplit(sense, " ", -1);
            for (char **f = forms; *f; f++)
                g_hash_table_add(b->out->hl_terms, g_strdup(*f));
            g_strfreev(forms);
        } else if (t->stem) {
            g_hash_table_add(b->out->hl_stems, g_strdup(t->stem));
        }
    }
    if (sense)
        return sense_q(sense, mode);
    if (t->stem && !t->is_stop) {
        char *z = g_strconcat(GHS_PREFIX_STEM, t->stem, NULL);
        xc_query *q = text_or_title_q(z, mode);
        g_free(z);
        return q;
    }
    return text_or_title_q(t->term, mode);
}

/* A phrase of the tokens' unstemmed forms. */
static xc_query *phrase_q(builder *b, const ghs_tokens *toks)
{
    xc_query **subs = g_new(xc_query *, toks->n);
    for (size_t i = 0; i < toks->n; i++) {
        subs[i] = term_q(toks->v[i].term);
        if (b->collect_hl)
            g_hash_table_add(b->out->hl_terms, g_strdup(toks->v[i].term));
    }
    xc_query *q = toks->n == 1 ? subs[0] : combine(XC_OP_PHRASE, subs, toks->n, 0);
    g_free(subs);
    return q;
}

static void add_gram_query(const char *gram, void *user)
{
    GPtrArray *subs = ((void **)user)[0];
    const char *prefix = ((void **)user)[1];
    char *t = g_strconcat(prefix, gram, NULL);
    g_ptr_array_add(subs, text_or_title_q(t, MODE_LOOSE));
    g_free(t);
}

/* Weight of the CJK bigram fallback relative to whole words, chosen on the
 * JSQuAD evaluation (bench/eval.sh). */
#define GHS_BIGRAM_WEIGHT 0.5

/* The loose tier's fallback for Japanese: each word of two or more CJK
 * characters also matches a passage holding all of its character bigrams
 * (indexed by the indexer's add_grams across adjacent words), weighted
 * below whole words. So 梅雨 is found inside 梅雨明け and 労働省 inside
 * 厚生労働省 however the dictionary cut them, while ゼオライト does not
 * match ライト (its other bigrams are missing) and a single character never
 * floods the results. NULL when no word qualifies. */
/* A query of this many content words or more reads as a question typed in
 * full; its loose tier then matches by character n-grams too. */
#define GHS_VERBOSE_WORDS 4

/* For a question or a long keyword query: every bigram (0.5) of its
 * Japanese runs, OR'ed, as n-gram engines do; BM25 then favours the passage
 * sharing the most of the question's text, however either side was
 * segmented. Characters alone are no terms of the index (docbuild.c):
 * questions also matched their 10 rarest non-kana characters at 0.25 until
 * then (see the closing figures in bench/README.md). */
static xc_query *gram_bag(const ghs_tokens *toks)
{
    GPtrArray *subs = g_ptr_array_new();
    void *ud[2] = { subs, (void *)GHS_PREFIX_BIGRAM };
    ghs_cjk_grams(toks, 2, add_gram_query, ud);
    xc_query *q = combine(XC_OP_OR, (xc_query **)subs->pdata, subs->len, 0);
    g_ptr_array_free(subs, TRUE);
    xc_query *scaled = q ? scale_q(q, GHS_BIGRAM_WEIGHT) : NULL;
    qfree(q);
    return scaled;
}

/* The fallback of a word of fewer than GHS_VERBOSE_WORDS parts: each of
 * its CJK parts by all of its bigrams (see GHS_BIGRAM_WEIGHT); with whole,
 * also the whole word by all of its bigrams across its parts, so a
 * keyword whose parts are single characters (日米: 日|米), which the loose
 * tier then does not search alone, still finds 日米 written inside
 * another word. NULL when there is none. */
static xc_query *gram_fallback(const ghs_tokens *toks, int whole)
{
    GPtrArray *alts = g_ptr_array_new();
    size_t cjk = 0;
    for (size_t i = 0; i < toks->n; i++)
        cjk += toks->v[i].script == GHS_SCRIPT_CJK && !toks->v[i].is_stop;
    if (whole && cjk > 1) {
        GPtrArray *grams = g_ptr_array_new();
        void *ud[2] = { grams, (void *)GHS_PREFIX_BIGRAM };
        ghs_cjk_grams(toks, 2, add_gram_query, ud);
        xc_query *all = combine(XC_OP_AND, (xc_query **)grams->pdata, grams->len, 0);
        g_ptr_array_free(grams, TRUE);
        if (all)
            g_ptr_array_add(alts, all);
    }
    for (size_t i = 0; i < toks->n; i++) {
        ghs_tokens one = { .v = &toks->v[i], .n = 1, .cap = 1 };
        GPtrArray *grams = g_ptr_array_new();
        void *ud[2] = { grams, (void *)GHS_PREFIX_BIGRAM };
        ghs_cjk_grams(&one, 2, add_gram_query, ud);
        xc_query *all = combine(XC_OP_AND, (xc_query **)grams->pdata, grams->len, 0);
        g_ptr_array_free(grams, TRUE);
        if (all)
            g_ptr_array_add(alts, all);
    }
    xc_query *q = combine(XC_OP_OR, (xc_query **)alts->pdata, alts->len, 0);
    g_ptr_array_free(alts, TRUE);
    if (!q)
        return NULL;
    xc_query *scaled = scale_q(q, GHS_BIGRAM_WEIGHT);
    qfree(q);
    return scaled;
}

/* Is toks->v[i] one character of a Japanese compound: a CJK word of one
 * character standing next to another CJK word of the same query word
 * (再 and 数 of 実効再生産数, which ICU splits 実効|再|生産|数)? */
static int compound_char(const ghs_tokens *toks, size_t i)
{
    const ghs_token *t = &toks->v[i];
    if (t->script != GHS_SCRIPT_CJK || t->is_stop || g_utf8_strlen(t->term, -1) != 1)
        return 0;
    const ghs_token *p = i > 0 ? &toks->v[i - 1] : NULL;
    const ghs_token *n = i + 1 < toks->n ? &toks->v[i + 1] : NULL;
    return (p && p->script == GHS_SCRIPT_CJK && !p->is_stop && p->end == t->start) ||
           (n && n->script == GHS_SCRIPT_CJK && !n->is_stop && n->start == t->end);
}

/* How many of the query's words are not stopwords? *rc gets the first
 * analysis that failed (out of memory), with err filled. */
static size_t content_words(ghs_analyzer *a, int question, const ghs_qnode *n, int *rc,
                            ghs_error *err)
{
    if (!n || *rc < 0)
        return 0;
    if (n->kind == GHS_Q_WORD && n->text) {
        ghs_tokens toks;
        size_t found = 0;
        *rc = analyze_query_text(a, n->text, question, &toks, err);
        if (*rc == 0)
            for (size_t i = 0; i < toks.n; i++)
                found += !toks.v[i].is_stop;
        ghs_tokens_free(&toks);
        return found;
    }
    size_t sum = 0;
    for (size_t i = 0; i < n->n_kids; i++)
        sum += content_words(a, question, n->kids[i], rc, err);
    return sum;
}

static int build_word(builder *b, const ghs_qnode *n, int mode, xc_query **out)
{
    ghs_tokens toks;
    int rc = analyze_text(b, n->text, &toks);
    if (rc < 0 || toks.n == 0) {
        ghs_tokens_free(&toks);
        /* A word of punctuation only (e.g. "・") is ignored, not an error. */
        *out = NULL;
        return rc < 0 ? rc : 0;
    }
    /* Stopwords are searched only when the whole query is made of them
     * ("to be or not to be"); phrases always keep them. */
    xc_query **subs = g_new(xc_query *, toks.n);
    size_t k = 0, skipped = 0;
    for (size_t i = 0; i < toks.n; i++) {
        if (toks.v[i].is_stop && b->has_content)
            continue;
        /* Keywords, loose tier: a character of a compound (compound_char)
         * is no match of its own; the compound's bigrams stand for it
         * (gram_bag, gram_fallback). */
        if (mode == MODE_LOOSE && b->keywords && compound_char(&toks, i)) {
            skipped++;
            continue;
        }
        subs[k++] = token_q(b, &toks.v[i], mode);
    }
    xc_query *q = combine(mode == MODE_LOOSE ? XC_OP_OR : XC_OP_AND, subs, k, 0);
    g_free(subs);
    if (skipped)
        b->out->loose_partial = 1;
    if (mode == MODE_LOOSE && (q || skipped))
        q = combine2(XC_OP_OR, q, b->verbose ? gram_bag(&toks)
                                             : gram_fallback(&toks, b->keywords));
    /* Parts written together score higher when they also stand together;
     * in the loose tier not for Japanese, whose bigrams already reward
     * it: there the phrase was checked on every passage holding any part
     * (a part like 明 is in most of them; "梅雨明 停滞" at 100k passages
     * took 63 ms, now 3). */
    int all_cjk = 1;
    for (size_t i = 0; i < toks.n; i++)
        all_cjk &= toks.v[i].script == GHS_SCRIPT_CJK;
    if (q && toks.n >= 2 && toks.n <= 8 && !(mode == MODE_LOOSE && all_cjk)) {
        int save = b->collect_hl;
        b->collect_hl = 0;
        xc_query *ph = phrase_q(b, &toks);
        b->collect_hl = save;
        q = combine2(XC_OP_AND_MAYBE, q, ph);
    }
    ghs_tokens_free(&toks);
    q = with_word_proximity(b, n, q);
    /* A word of stopwords only, in a query that has other words: skipped. */
    *out = q ? ghs_expand_query(b->ex, n->text, q, b->collect_hl ? b->out : NULL) : NULL;
    return 0;
}

static int build_phrase(builder *b, const ghs_qnode *n, xc_query **out)
{
    ghs_tokens toks;
    int rc = analyze_text(b, n->text, &toks);
    if (rc == 0 && toks.n == 0)
        rc = no_terms_error(b, n, "phrase");
    if (rc == 0)
        *out = ghs_expand_query(b->ex, n->text, phrase_q(b, &toks),
                                b->collect_hl ? b->out : NULL);
    ghs_tokens_free(&toks);
    return rc;
}

/* Boolean filter terms; scaled to 0 so they never change a score. */
static int build_filter(builder *b, const ghs_qnode *n, xc_query **out)
{
    const char *f = n->field, *v = n->text;
    xc_query *q = NULL;
    if (!strcmp(f, "lang") || !strcmp(f, "type") || !strcmp(f, "doc")) {
        const char *prefix = !strcmp(f, "lang") ? GHS_PREFIX_LANG
                           : !strcmp(f, "type") ? GHS_PREFIX_TYPE : GHS_PREFIX_DOC;
        char *val = strcmp(f, "doc") ? g_ascii_strdown(v, -1) : g_strdup(v);
        char *t = g_strconcat(prefix, val, NULL);
        q = term_q(t);
        g_free(t);
        g_free(val);
    } else if (!strcmp(f, "year")) {
        int y0 = 0, y1 = 0;
        if (sscanf(v, "%d..%d", &y0, &y1) != 2)
            y1 = y0 = atoi(v);
        if (y1 - y0 > 500)
            y1 = y0 + 500;
        GPtrArray *subs = g_ptr_array_new();
        for (int y = y0; y <= y1; y++) {
            char t[16];
            snprintf(t, sizeof t, GHS_PREFIX_YEAR "%04d", y);
            g_ptr_array_add(subs, term_q(t));
        }
        q = combine(XC_OP_OR, (xc_query **)subs->pdata, subs->len, 0);
        g_ptr_array_free(subs, TRUE);
    } else {   /* publisher, title: every word must be there */
        const char *prefix = !strcmp(f, "publisher") ? GHS_PREFIX_PUBLISHER : GHS_PREFIX_TITLE;
        ghs_tokens toks;
        int rc = analyze_text(b, v, &toks);
        if (rc == 0 && toks.n == 0)
            rc = no_terms_error(b, n, "filter value");
        if (rc < 0) {
            ghs_tokens_free(&toks);
            return rc;
        }
        xc_query **subs = g_new(xc_query *, toks.n);
        for (size_t i = 0; i < toks.n; i++) {
            char *t = g_strconcat(prefix, toks.v[i].term, NULL);
            subs[i] = term_q(t);
            g_free(t);
        }
        q = combine(XC_OP_AND, subs, toks.n, 0);
        g_free(subs);
        ghs_tokens_free(&toks);
    }
    xc_query *s = scale_q(q, 0.0);
    qfree(q);
    *out = s;
    return 0;
}

static int build(builder *b, const ghs_qnode *n, int mode, xc_query **out);

/* NEAR: the unstemmed forms of every operand within the window. */
/* NEAR: the operands' words within the window. Xapian's NEAR takes only
 * terms, so an operand of several words (a phrase, or a Japanese word the
 * analyzer splits, like 治療薬) joins the NEAR word by word, the window grows
 * by its extra words, and the operand must also match as a phrase. */
static int build_near(builder *b, const ghs_qnode *n, xc_query **out)
{
    GPtrArray *terms = g_ptr_array_new(), *phrases = g_ptr_array_new();
    size_t operands = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n->n_kids; i++) {
        ghs_tokens toks;
        rc = analyze_text(b, n->kids[i]->text ? n->kids[i]->text : "", &toks);
        if (rc == 0 && toks.n) {
            operands++;
            for (size_t t = 0; t < toks.n; t++) {
                g_ptr_array_add(terms, term_q(toks.v[t].term));
                if (b->collect_hl)
                    g_hash_table_add(b->out->hl_terms, g_strdup(toks.v[t].term));
            }
            if (toks.n > 1)
                g_ptr_array_add(phrases, phrase_q(b, &toks));
        }
        ghs_tokens_free(&toks);
    }
    if (rc == 0 && operands < 2)
        rc = no_terms_error(b, n, "NEAR");
    if (rc == 0) {
        unsigned window = n->window ? n->window : 10;
        window += (unsigned)(terms->len - operands);
        if (window < terms->len)
            window = terms->len;
        xc_query *q = combine(XC_OP_NEAR, (xc_query **)terms->pdata, terms->len, window);
        for (guint i = 0; i < phrases->len; i++)
            q = combine2(XC_OP_AND, q, g_ptr_array_index(phrases, i));
        *out = q;
    } else {
        for (guint i = 0; i < terms->len; i++)
            qfree(g_ptr_array_index(terms, i));
        for (guint i = 0; i < phrases->len; i++)
            qfree(g_ptr_array_index(phrases, i));
    }
    g_ptr_array_free(terms, TRUE);
    g_ptr_array_free(phrases, TRUE);
    return rc;
}

/* DEFAULT and AND groups: filters pulled out (same field OR'ed, fields
 * AND'ed), required parts AND'ed, optional parts AND'ed (strict or explicit
 * AND) or OR'ed (loose). */
static int build_group(builder *b, const ghs_qnode *n, int mode, xc_query **out)
{
    int op = (n->kind == GHS_Q_AND || mode != MODE_LOOSE) ? XC_OP_AND : XC_OP_OR;
    GPtrArray *req = g_ptr_array_new(), *opt = g_ptr_array_new();
    GHashTable *filters = g_hash_table_new(g_str_hash, g_str_equal); /* field -> GPtrArray */
    GPtrArray *fields = g_ptr_array_new();
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n->n_kids; i++) {
        const ghs_qnode *k = n->kids[i];
        xc_query *q = NULL;
        /* What the user requires (AND, +word) must stand in the passage
         * itself: only optional words get the loose tier's leniency. */
        int kmode = (n->kind == GHS_Q_AND || k->required) ? MODE_STRICT : mode;
        rc = build(b, k, kmode, &q);
        if (rc < 0 || !q)
            continue;
        if (k->kind == GHS_Q_FILTER) {
            GPtrArray *list = g_hash_table_lookup(filters, k->field);
            if (!list) {
                list = g_ptr_array_new();
                g_hash_table_insert(filters, k->field, list);
                g_ptr_array_add(fields, k->field);
            }
            g_ptr_array_add(list, q);
        } else {
            g_ptr_array_add(k->required ? req : opt, q);
        }
    }
    xc_query *q = NULL;
    if (rc == 0) {
        xc_query *r = combine(XC_OP_AND, (xc_query **)req->pdata, req->len, 0);
        xc_query *o = combine(op, (xc_query **)opt->pdata, opt->len, 0);
        q = (r && o) ? combine2(op == XC_OP_AND ? XC_OP_AND : XC_OP_AND_MAYBE, r, o)
                     : (r ? r : o);
        xc_query *filt = NULL;
        for (guint i = 0; i < fields->len; i++) {
            GPtrArray *list = g_hash_table_lookup(filters, g_ptr_array_index(fields, i));
            xc_query *f = combine(XC_OP_OR, (xc_query **)list->pdata, list->len, 0);
            filt = combine2(XC_OP_AND, filt, f);
            g_ptr_array_free(list, TRUE);
        }
        if (filt) {
            if (!q)
                q = match_all_q();
            q = combine2(XC_OP_FILTER, q, filt);
        }
    } else {
        for (guint i = 0; i < req->len; i++) qfree(g_ptr_array_index(req, i));
        for (guint i = 0; i < opt->len; i++) qfree(g_ptr_array_index(opt, i));
        for (guint i = 0; i < fields->len; i++) {
            GPtrArray *list = g_hash_table_lookup(filters, g_ptr_array_index(fields, i));
            for (guint j = 0; j < list->len; j++) qfree(g_ptr_array_index(list, j));
            g_ptr_array_free(list, TRUE);
        }
    }
    g_ptr_array_free(req, TRUE);
    g_ptr_array_free(opt, TRUE);
    g_ptr_array_free(fields, TRUE);
    g_hash_table_destroy(filters);
    *out = q;
    return rc;
}

static int build(builder *b, const ghs_qnode *n, int mode, xc_query **out)
{
    *out = NULL;
    switch (n->kind) {
    case GHS_Q_WORD:
        return build_word(b, n, mode, out);
    case GHS_Q_PHRASE:
        return build_phrase(b, n, out);
    case GHS_Q_FILTER:
        return build_filter(b, n, out);
    case GHS_Q_NEAR:
        return build_near(b, n, out);
    case GHS_Q_AND:
    case GHS_Q_DEFAULT:
        return build_group(b, n, mode, out);
    case GHS_Q_OR: {
        GPtrArray *subs = g_ptr_array_new();
        int rc = 0;
        for (size_t i = 0; rc == 0 && i < n->n_kids; i++) {
            xc_query *q = NULL;
            rc = build(b, n->kids[i], mode, &q);
            if (q)
                g_ptr_array_add(subs, q);
        }
        if (rc == 0)
            *out = combine(XC_OP_OR, (xc_query **)subs->pdata, subs->len, 0);
        else
            for (guint i = 0; i < subs->len; i++) qfree(g_ptr_array_index(subs, i));
        g_ptr_array_free(subs, TRUE);
        return rc;
    }
    case GHS_Q_NOT: {
        xc_query *pos = NULL, *neg = NULL;
        int rc = 0;
        if (n->n_kids > 0 && n->kids[0])
            rc = build(b, n->kids[0], mode, &pos);
        if (rc == 0 && n->n_kids > 1 && n->kids[1]) {
            int save = b->collect_hl;
            b->collect_hl = 0;
            /* Exclude what the negated part names exactly, all of it. */
            rc = build(b, n->kids[1], MODE_STRICT, &neg);
            b->collect_hl = save;
        }
        if (rc < 0) {
            qfree(pos);
            qfree(neg);
            return rc;
        }
        if (!pos)
            pos = match_all_q();
        *out = neg ? combine2(XC_OP_AND_NOT, pos, neg) : pos;
        return 0;
    }
    }
    return 0;
}

/* Proximity: a pair of content words standing in the query with at most
 * GHS_PROXIMITY_GAP - 1 stopwords between them ("region the Normans",
 * 地区組織|の|最高機関) gets a bonus where the passage has them in the
 * same order within the same distance. OP_PHRASE weighs a match as its
 * two terms again, scaled here; pairs of Latin words or numbers are worth
 * more than pairs with Japanese, whose adjacency the character bigrams
 * already reward. Japanese pairs are added to the first tier only: in the
 * second, where a question's many words match many passages, their
 * position checks made the JSQuAD run 50% slower for +0.001.
 * Chosen on the odd halves (bench/eval.sh --split odd) of SQuAD
 * (0.905 -> 0.923) and JSQuAD (0.941 -> 0.942), checked on the even halves
 * (0.887 -> 0.893, 0.933 -> 0.936). */
#define GHS_PROXIMITY_GAP 3
#define GHS_PROXIMITY_WEIGHT_LATIN 0.3
#define GHS_PROXIMITY_WEIGHT_CJK 0.1

typedef struct prox_word {
    char *term;       /* NULL: a break (an operator, phrase or filter) */
    int is_stop, is_cjk;
    const ghs_qnode *node;   /* the query word it came from */
} prox_word;

/* The query's plain words in order, as tokens; the positive side only. */
static void prox_collect(builder *b, const ghs_qnode *n, GArray *seq)
{
    if (!n)
        return;
    if (n->kind == GHS_Q_WORD && n->text) {
        ghs_tokens toks;
        int rc = analyze_text(b, n->text, &toks);
        if (rc < 0 && b->prox_rc == 0)
            b->prox_rc = rc;   /* the query fails: pairs left out rank differently */
        if (rc == 0)
            for (size_t i = 0; i < toks.n; i++) {
                prox_word w = { g_strdup(toks.v[i].term), toks.v[i].is_stop,
                                toks.v[i].script == GHS_SCRIPT_CJK, n };
                g_array_append_val(seq, w);
            }
        ghs_tokens_free(&toks);
        return;
    }
    if (n->kind == GHS_Q_DEFAULT || n->kind == GHS_Q_AND) {
        for (size_t i = 0; i < n->n_kids; i++)
            prox_collect(b, n->kids[i], seq);
        return;
    }
    if (n->kind == GHS_Q_NOT && n->n_kids > 0)
        prox_collect(b, n->kids[0], seq);
    if (n->kind == GHS_Q_FILTER)
        return;
    prox_word brk = { NULL, 0, 0, NULL };
    g_array_append_val(seq, brk);
}

/* The proximity pairs ending at one query word. In the loose tier each
 * word carries its own pairs (with_word_proximity) rather than the whole
 * query one bonus, which the matcher checked on every passage matching
 * any word: an English question at 100k passages took up to 1.9 s. */
typedef struct prox_bonus {
    const ghs_qnode *node;
    GPtrArray *pairs[2];   /* Latin pairs, pairs with a Japanese word */
} prox_bonus;

static void prox_bonus_free(void *p)
{
    prox_bonus *pb = p;
    for (int s = 0; s < 2; s++) {
        for (guint i = 0; i < pb->pairs[s]->len; i++)
            qfree(g_ptr_array_index(pb->pairs[s], i));
        g_ptr_array_free(pb->pairs[s], TRUE);
    }
    g_free(pb);
}

/* The proximity pairs of root's words (see GHS_PROXIMITY_GAP), pairs with
 * a Japanese word only when cjk is set, grouped by the word each pair ends
 * at, in query order (prox_bonus; free with g_ptr_array_free). A pair
 * inside one word is left out: build_word's phrase bonus covers it. */
static GPtrArray *proximity_pairs(builder *b, const ghs_qnode *root, int cjk)
{
    GArray *seq = g_array_new(FALSE, FALSE, sizeof(prox_word));
    prox_collect(b, root, seq);
    GPtrArray *out = g_ptr_array_new_with_free_func(prox_bonus_free);
    long prev = -1;
    for (guint i = 0; i < seq->len; i++) {
        const prox_word *w = &g_array_index(seq, prox_word, i);
        if (!w->term) {
            prev = -1;
            continue;
        }
        if (w->is_stop)
            continue;
        long gap = prev < 0 ? 0 : (long)i - prev;
        const prox_word *p = prev < 0 ? NULL : &g_array_index(seq, prox_word, prev);
        int side = p && (p->is_cjk || w->is_cjk);
        if (p && gap <= GHS_PROXIMITY_GAP && (cjk || !side)) {
            const ghs_qnode *at = g_utf8_strlen(p->term, -1) > g_utf8_strlen(w->term, -1)
                                  ? p->node : w->node;
            prox_bonus *pb = NULL;
            for (guint j = 0; j < out->len && !pb; j++)
                if (((prox_bonus *)g_ptr_array_index(out, j))->node == at)
                    pb = g_ptr_array_index(out, j);
            if (!pb) {
                pb = g_new0(prox_bonus, 1);
                pb->node = at;
                pb->pairs[0] = g_ptr_array_new();
                pb->pairs[1] = g_ptr_array_new();
                g_ptr_array_add(out, pb);
            }
            xc_query *sub[2] = { term_q(p->term), term_q(w->term) };
            g_ptr_array_add(pb->pairs[side], combine(XC_OP_PHRASE, sub, 2, (unsigned)gap + 1));
        }
        prev = (long)i;
    }
    for (guint i = 0; i < seq->len; i++)
        g_free(g_array_index(seq, prox_word, i).term);
    g_array_free(seq, TRUE);
    return out;
}

/* The bonus of bonuses[from, to): their pairs OR'ed, each side scaled by
 * its weight; the pairs are moved out. NULL when there are none. */
static xc_query *bonus_q(GPtrArray *bonuses, guint from, guint to)
{
    const double weights[2] = { GHS_PROXIMITY_WEIGHT_LATIN, GHS_PROXIMITY_WEIGHT_CJK };
    xc_query *sides[2] = { NULL, NULL };
    for (int s = 0; s < 2; s++) {
        GPtrArray *all = g_ptr_array_new();
        for (guint i = from; i < to; i++) {
            prox_bonus *pb = g_ptr_array_index(bonuses, i);
            for (guint j = 0; j < pb->pairs[s]->len; j++)
                g_ptr_array_add(all, g_ptr_array_index(pb->pairs[s], j));
            g_ptr_array_set_size(pb->pairs[s], 0);
        }
        xc_query *q = combine(XC_OP_OR, (xc_query **)all->pdata, all->len, 0);
        g_ptr_array_free(all, TRUE);
        sides[s] = q ? scale_q(q, weights[s]) : NULL;
        qfree(q);
    }
    return combine2(XC_OP_OR, sides[0], sides[1]);
}

/* q, ranked higher where root's words stand together; NULL stays NULL. */
static xc_query *with_proximity(builder *b, const ghs_qnode *root, xc_query *q, int cjk)
{
    if (!q)
        return NULL;
    GPtrArray *bonuses = proximity_pairs(b, root, cjk);
    xc_query *bonus = bonus_q(bonuses, 0, bonuses->len);
    g_ptr_array_free(bonuses, TRUE);
    return combine2(XC_OP_AND_MAYBE, q, bonus);
}

/* In the loose tier (b->bonuses set), word n's own proximity pairs, the
 * pairs ending at it, as a bonus on q: a pair matches only where its
 * words do, so the scores are those of one bonus over the whole query,
 * but a word's pairs are then checked only on the passages the matcher
 * still considers for that word, not on every passage matching any word. */
static xc_query *with_word_proximity(builder *b, const ghs_qnode *n, xc_query *q)
{
    for (guint i = 0; q && b->bonuses && i < b->bonuses->len; i++) {
        prox_bonus *pb = g_ptr_array_index(b->bonuses, i);
        if (pb->node == n)
            return combine2(XC_OP_AND_MAYBE, q, bonus_q(b->bonuses, i, i + 1));
    }
    return q;
}

int ghs_query_build(ghs_analyzer *a, const ghs_qnode *root, ghs_built_query *out,
                    ghs_error *err)
{
    return ghs_query_build_expanded(a, root, NULL, out, err);
}

int ghs_query_build_expanded(ghs_analyzer *a, const ghs_qnode *root, ghs_expander *ex,
                             ghs_built_query *out, ghs_error *err)
{
    memset(out, 0, sizeof *out);
    xc_error_clear(&build_failure);
    out->hl_terms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    out->hl_stems = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    builder b = { .a = a, .out = out, .err = err, .collect_hl = 1, .ex = ex };
    b.question = is_question(root);
    int rc = 0;
    size_t words = content_words(a, b.question, root, &rc, err);
    b.has_content = words > 0;
    b.verbose = words >= GHS_VERBOSE_WORDS;
    ghs_intent intent = GHS_INTENT_KEYWORDS;
    if (rc == 0)
        rc = ghs_query_intent_of(a, root, &intent, err);
    b.keywords = intent == GHS_INTENT_KEYWORDS;
    if (rc == 0)
        rc = build(&b, root, MODE_ALL, &out->strict);
    b.collect_hl = 0;
    if (rc == 0)
        rc = build(&b, root, MODE_LOOSE, &out->loose);
    if (rc == 0 && !out->strict) {
        rc = ghs_set_error(err, GHS_EQUERY, "query error at 1: the query has no searchable word");
        if (err)
            err->position = 1;
    }
    if (rc == 0 && out->loose) {
        char *ds = xc_query_describe(out->strict), *dl = xc_query_describe(out->loose);
        if (ds && dl && !strcmp(ds, dl)) {
            qfree(out->loose);
            out->loose = NULL;
        }
        free(ds);
        free(dl);
    }
    if (rc == 0 && out->loose) {
        /* Again, each word with its own proximity pairs (prox_bonus); the
         * query without them kept as loose_fast when there are any. */
        b.bonuses = proximity_pairs(&b, root, 0);
        int pairs = 0;
        for (guint i = 0; i < b.bonuses->len; i++) {
            prox_bonus *pb = g_ptr_array_index(b.bonuses, i);
            pairs += pb->pairs[0]->len > 0 || pb->pairs[1]->len > 0;
        }
        if (pairs) {   /* else the loose query built above is the same */
            out->loose_fast = out->loose;
            out->loose = NULL;
            rc = build(&b, root, MODE_LOOSE, &out->loose);
            xc_query *rest = rc == 0 && out->loose ? bonus_q(b.bonuses, 0, b.bonuses->len)
                                                   : NULL;
            out->loose = combine2(XC_OP_AND_MAYBE, out->loose, rest);
        }
        g_ptr_array_free(b.bonuses, TRUE);
        b.bonuses = NULL;
    }
    if (rc == 0)
        out->strict = with_proximity(&b, root, out->strict, 1);
    if (rc == 0 && b.prox_rc < 0)
        rc = b.prox_rc;
    if (rc == 0 && build_failure.code != XC_OK)
        rc = ghs_error_from_xc(err, &build_failure, "query");
    if (rc == 0)
        rc = ghs_expander_failure(ex, err);
    if (rc < 0)
        ghs_built_query_clear(out);
    return rc;
}

void ghs_built_query_clear(ghs_built_query *q)
{
    qfree(q->strict);
    qfree(q->loose);
    qfree(q->loose_fast);
    if (q->hl_terms)
        g_hash_table_destroy(q->hl_terms);
    if (q->hl_stems)
        g_hash_table_destroy(q->hl_stems);
    memset(q, 0, sizeof *q);
}
