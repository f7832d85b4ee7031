/*
 * expand.c: query expansion through the corpus glossary (expand.h) and
 * the explanation of it that --explain prints.
 */
#include <stdlib.h>
#include <string.h>

#include "expand.h"
#include "glossary.h"
#include "glossary_store.h"
#include "index_handle.h"
#include "schema.h"

struct ghs_expander {
    xc_db *db;               /* owned by the index handle */
    ghs_analyzer *an;        /* owned by the index handle */
    ghs_gloss_rules *rules;  /* the user's glossary file, or NULL */
    GHashTable *cache;       /* key -> lookup_result */
    GPtrArray *log;          /* explanation lines, in the order words were met */
    GHashTable *logged;      /* the lines of log, not to repeat them */
    ghs_error failure;       /* the first glossary read or analysis that failed */
};

/* One equivalent a word expands to. */
typedef struct alt {
    char *text;        /* as the glossary shows it */
    char *key;
    char lang[3];
    double weight;     /* relative to the literal word */
} alt;

static void lookup_free(gpointer p);

static void alt_free(gpointer p)
{
    alt *a = p;
    g_free(a->text);
    g_free(a->key);
    g_free(a);
}

int ghs_expander_new(ghs_index *ix, const char *glossary_file, ghs_expander **out,
                     ghs_error *err)
{
    *out = NULL;
    ghs_gloss_rules *rules = NULL;
    if (glossary_file) {
        int rc = ghs_gloss_rules_load(ix->an, glossary_file, &rules, err);
        if (rc < 0)
            return rc;
    }
    xc_db *db = ghs_index_reader(ix, err);
    if (!db) {
        ghs_gloss_rules_free(rules);
        return GHS_EDB;
    }
    ghs_expander *ex = g_new0(ghs_expander, 1);
    ex->db = db;
    ex->an = ix->an;
    ex->rules = rules;
    ex->cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, lookup_free);
    ex->log = g_ptr_array_new_with_free_func(g_free);
    ex->logged = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    *out = ex;
    return 0;
}

void ghs_expander_free(ghs_expander *ex)
{
    if (!ex)
        return;
    ghs_gloss_rules_free(ex->rules);
    g_hash_table_destroy(ex->cache);
    g_ptr_array_free(ex->log, TRUE);
    g_hash_table_destroy(ex->logged);
    g_free(ex);
}

/* ------------------------------------------------------------ lookup */

static void add_alt(GPtrArray *alts, const char *text, const char *key, const char *lang,
                    double weight)
{
    for (guint i = 0; i < alts->len; i++) {
        alt *a = alts->pdata[i];
        if (!strcmp(a->key, key)) {
            if (weight > a->weight)
                a->weight = weight;
            return;
        }
    }
    alt *a = g_new0(alt, 1);
    a->text = g_strdup(text);
    a->key = g_strdup(key);
    g_strlcpy(a->lang, lang, sizeof a->lang);
    a->weight = weight;
    g_ptr_array_add(alts, a);
}

static int alt_cmp(gconstpointer pa, gconstpointer pb)
{
    const alt *a = *(alt *const *)pa, *b = *(alt *const *)pb;
    if (a->weight != b->weight)
        return a->weight > b->weight ? -1 : 1;
    int c = strcmp(a->lang, b->lang);
    return c ? c : strcmp(a->text, b->text);
}

/* Why a word the glossary knows was not expanded; NULL when the glossary
 * has no pair of it. */
static char *not_expanded(const char *key, const ghs_gloss_view *v)
{
    GString *conflicts = g_string_new(NULL);
    int vetoed = 0, known = 0;
    for (guint i = 0; i < v->entries->len; i++) {
        const ghs_gloss_entry *e = v->entries->pdata[i];
        if (strcmp(e->term_key, key) != 0 && strcmp(e->equiv_key, key) != 0)
            continue;
        known = 1;
        if (e->status == GHS_GLOSS_CONFLICT)
            g_string_append_printf(conflicts, "%s\"%s\"", conflicts->len ? ", " : "", e->equiv);
        vetoed |= e->status == GHS_GLOSS_VETOED;
    }
    char *why = NULL;
    if (conflicts->len)
        why = g_strdup_printf("not expanded: meanings in conflict in the corpus (%s); "
                              "choose one in a glossary file (--glossary)", conflicts->str);
    else if (vetoed)
        why = g_strdup("not expanded: vetoed by the glossary file");
    else if (known)
        why = g_strdup("not expanded: no pair of it is used");
    g_string_free(conflicts, TRUE);
    return why;
}

/* What the glossary says about one key (cached per expander). */
typedef struct lookup_result {
    GPtrArray *alts;   /* alt*, best first; empty when not expanded */
    char *why;         /* why a known word is not expanded, else NULL */
} lookup_result;

static void lookup_free(gpointer p)
{
    lookup_result *l = p;
    g_ptr_array_free(l->alts, TRUE);
    g_free(l->why);
    g_free(l);
}

/* The equivalents of key: through every used pair of the terms key is
 * (an acronym: its long forms) or stands for (a long form: its acronym
 * and the acronym's other long forms). */
static lookup_result *lookup(ghs_expander *ex, const char *key)
{
    lookup_result *res = g_new0(lookup_result, 1);
    res->alts = g_ptr_array_new_with_free_func(alt_free);
    ghs_gloss_view *v = NULL;
    ghs_error e = {0};
    if (ghs_gloss_view_build(ex->db, ex->an, key, ex->rules, 0, &v, &e) < 0) {
        /* The search fails with it (and starts over on a reopened index
         * when a writer is the cause): a quietly unexpanded query would
         * be a different answer. */
        if (ex->failure.code == 0)
            ex->failure = e;
        res->why = g_strdup_printf("not expanded: the glossary cannot be read (%s)",
                                   e.message);
        return res;
    }
    GHashTable *hubs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    for (guint i = 0; i < v->entries->len; i++) {
        const ghs_gloss_entry *en = v->entries->pdata[i];
        if (en->status != GHS_GLOSS_ACTIVE)
            continue;
        const char *hub = !strcmp(en->term_key, key) ? key
                        : !strcmp(en->equiv_key, key) ? en->term_key : NULL;
        if (!hub)
            continue;
        double w = hub == key ? 1.0 : en->weight;
        double *old = g_hash_table_lookup(hubs, hub);
        if (!old) {
            old = g_new(double, 1);
            *old = w;
            g_hash_table_insert(hubs, g_strdup(hub), old);
        } else if (w > *old) {
            *old = w;
        }
    }
    GHashTableIter it;
    gpointer hk, hw;
    g_hash_table_iter_init(&it, hubs);
    while (g_hash_table_iter_next(&it, &hk, &hw)) {
        const char *hub = hk;
        double link = *(double *)hw;
        int self = !strcmp(hub, key);
        for (guint i = 0; i < v->entries->len; i++) {
            const ghs_gloss_entry *en = v->entries->pdata[i];
            if (en->status != GHS_GLOSS_ACTIVE || strcmp(en->term_key, hub) != 0)
                continue;
            if (!self)   /* the term itself ("UHC" for a long form) */
                add_alt(res->alts, en->term, en->term_key,
                        ghs_detect_lang(en->term, strlen(en->term)), link);
            if (strcmp(en->equiv_key, key) != 0)
                add_alt(res->alts, en->equiv, en->equiv_key, en->lang,
                        self ? en->weight : MIN(link, en->weight));
        }
    }
    g_hash_table_destroy(hubs);
    g_ptr_array_sort(res->alts, alt_cmp);
    if (res->alts->len == 0)
        res->why = not_expanded(key, v);
    ghs_gloss_view_free(v);
    return res;
}

static lookup_result *cached_lookup(ghs_expander *ex, char *key)
{
    lookup_result *l = g_hash_table_lookup(ex->cache, key);
    if (l) {
        g_free(key);
        return l;
    }
    l = lookup(ex, key);
    g_hash_table_insert(ex->cache, key, l);
    return l;
}

/* ------------------------------------------------------------ queries */

static size_t content_tokens(const ghs_tokens *t)
{
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++)
        k += !t->v[i].is_stop;
    return k ? k : t->n;
}

/* The query of one equivalent, searched the way the indexer wrote it:
 * one word by its English stem (or its term), several as a phrase.
 * *words gets its number of content words. hl gets the content words. */
static xc_query *alt_query(ghs_expander *ex, const alt *a, ghs_built_query *hl,
                           size_t *words)
{
    ghs_tokens toks;
    ghs_tokens_init(&toks);
    xc_query *q = NULL;
    *words = 1;
    /* A failed analysis (out of memory) fails the search, through
     * ex->failure, rather than quietly searching without this equivalent. */
    ghs_error ae = {0};
    int rc = ghs_analyze(ex->an, a->text, strlen(a->text), 0, &toks, &ae);
    if (rc < 0 && ex->failure.code == 0)
        ex->failure = ae;
    if (rc == 0 && toks.n > 0) {
        *words = content_tokens(&toks);
        int all_stop = content_tokens(&toks) == toks.n && toks.v[0].is_stop;
        for (size_t i = 0; hl && i < toks.n; i++) {
            if (toks.v[i].is_stop && !all_stop)
                continue;
            g_hash_table_add(hl->hl_terms, g_strdup(toks.v[i].term));
            if (toks.n == 1 && toks.v[i].stem)
                g_hash_table_add(hl->hl_stems, g_strdup(toks.v[i].stem));
        }
        if (toks.n == 1) {
            const ghs_token *t = &toks.v[0];
            char *term = t->stem && !t->is_stop ? g_strconcat(GHS_PREFIX_STEM, t->stem, NULL)
                                                : g_strdup(t->term);
            xc_error e;
            q = ghs_qb_kept(xc_query_term(term, 1, 0, &e), &e);
            g_free(term);
        } else {
            xc_query **subs = g_new(xc_query *, toks.n);
            xc_error e;
            for (size_t i = 0; i < toks.n; i++)
                subs[i] = ghs_qb_kept(xc_query_term(toks.v[i].term, 1, 0, &e), &e);
            q = ghs_qb_kept(xc_query_combine(XC_OP_PHRASE, subs, toks.n, 0, &e), &e);
            for (size_t i = 0; i < toks.n; i++)
                xc_query_free(subs[i]);
            g_free(subs);
        }
    }
    ghs_tokens_free(&toks);
    return q;
}

/* The glossary entry text stands for: the key of all its words, else
 * (a phrase with words before a known term: "pandemic prevention,
 * preparedness and response") of its longest known ending of two words
 * or more. The first key the glossary knows decides, expanded or not. */
static lookup_result *lookup_text(ghs_expander *ex, const ghs_tokens *toks, char **through)
{
    *through = NULL;
    for (size_t s = 0; s < toks->n && (s == 0 || toks->n - s >= 2); s++) {
        char *key = ghs_gloss_key_tokens(toks->v + s, toks->n - s);
        if (!key)
            continue;
        if (s > 0) {   /* the words as normalized, for the explanation */
            GString *w = g_string_new(NULL);
            for (size_t i = s; i < toks->n; i++)
                g_string_append_printf(w, "%s%s", w->len ? " " : "", toks->v[i].term);
            *through = g_string_free(w, FALSE);
        }
        lookup_result *l = cached_lookup(ex, key);
        if (l->alts->len || l->why)
            return l;
        g_free(*through);
        *through = NULL;
    }
    return NULL;
}

xc_query *ghs_expand_query(ghs_expander *ex, const char *text, xc_query *literal,
                           ghs_built_query *hl)
{
    if (!ex || !literal || !text)
        return literal;
    ghs_tokens toks;
    ghs_tokens_init(&toks);
    ghs_error e = {0};
    if (ghs_analyze(ex->an, text, strlen(text), 0, &toks, &e) < 0 || toks.n == 0) {
        if (e.code < 0 && ex->failure.code == 0)
            ex->failure = e;
        ghs_tokens_free(&toks);
        return literal;
    }
    size_t k = content_tokens(&toks);
    char *through = NULL;
    lookup_result *l = lookup_text(ex, &toks, &through);
    ghs_tokens_free(&toks);
    if (!l) {
        g_free(through);
        return literal;
    }
    /* Each equivalent weighs its pair's weight, spread over its words
     * when it has more than the query word (a phrase's weight is the sum
     * of its words'), so an equivalent never outweighs the word itself. */
    GPtrArray *subs = g_ptr_array_new();
    GString *line = g_string_new(NULL);
    g_string_append_printf(line, "%s", text);
    if (through)
        g_string_append_printf(line, " (through \"%s\")", through);
    g_ptr_array_add(subs, literal);
    for (guint i = 0; i < l->alts->len; i++) {
        const alt *a = l->alts->pdata[i];
        size_t m = 1;
        xc_query *aq = alt_query(ex, a, hl, &m);
        if (!aq)
            continue;
        double w = m > k ? a->weight * (double)k / (double)m : a->weight;
        xc_error e;
        xc_query *scaled = ghs_qb_kept(xc_query_scale(aq, w, &e), &e);
        xc_query_free(aq);
        if (!scaled)
            continue;
        g_ptr_array_add(subs, scaled);
        g_string_append_printf(line, "%s\"%s\" (%s, x%.2g)", subs->len == 2 ? " -> " : ", ",
                               a->text, a->lang, w);
    }
    if (l->why)
        g_string_append_printf(line, ": %s", l->why);
    if (!g_hash_table_contains(ex->logged, line->str)) {
        g_hash_table_add(ex->logged, g_strdup(line->str));
        g_ptr_array_add(ex->log, g_strdup(line->str));
    }
    g_string_free(line, TRUE);
    g_free(through);
    xc_error xe;
    xc_query *q = subs->len > 1
        ? ghs_qb_kept(xc_query_combine(XC_OP_OR, (xc_query *const *)subs->pdata, subs->len,
                                       0, &xe), &xe)
        : NULL;
    for (guint i = 1; i < subs->len; i++)
        xc_query_free(subs->pdata[i]);
    g_ptr_array_free(subs, TRUE);
    if (!q)
        return literal;
    xc_query_free(literal);
    return q;
}

char *ghs_expand_explain(const ghs_expander *ex, const ghs_qnode *root)
{
    char *tree = ghs_qnode_describe(root);
    if (!tree && root)
        return NULL;   /* out of memory (the parser's own buffer) */
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "query: %s", tree ? tree : "?");
    free(tree);
    if (!ex)
        g_string_append(s, "\nglossary expansion: off (literal search)");
    else if (ex->log->len == 0)
        g_string_append(s, "\nglossary expansion: on; no query word is in the glossary");
    else
        g_string_append(s, "\nglossary expansion: on (equivalents weigh less than the "
                           "word itself):");
    for (guint i = 0; ex && i < ex->log->len; i++)
        g_string_append_printf(s, "\n  %s", (const char *)ex->log->pdata[i]);
    return g_string_free(s, FALSE);
}

int ghs_expander_failure(const ghs_expander *ex, ghs_error *err)
{
    if (!ex || ex->failure.code == 0)
        return 0;
    if (err)
        *err = ex->failure;
    return ex->failure.code;
}
