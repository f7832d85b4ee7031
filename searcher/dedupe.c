/*
 * dedupe.c: one hit for a passage the corpus repeats word for word.
 *
 * The indexer writes a passage repeated inside one document once
 * (indexer/index.c). Across documents the same text is indexed once per
 * document (a footer on every release, a release quoting its report), and
 * a query matching it would fill the page with copies. So the search
 * offers its hits here best first: a hit whose passage has the same words
 * as a better one is dropped and listed among that one's other locations
 * (ghs_hit.also_in).
 *
 * "The same words" is the analyzer's terms in order: NFKC, case and width
 * folded, white space and punctuation left out, so a PDF's line wraps or a
 * release's full-width digits do not make two copies different.
 *
 * Does not own: which hits are offered and in which order (search.c).
 */
#include <string.h>

#include "window.h"

typedef struct entry {
    long slot;            /* index among the results, < 0 when not shown */
    const char *doc;      /* the kept hit's location */
    int page;
    GArray *locs;         /* ghs_location: the other locations */
} entry;

struct ghs_dedupe {
    ghs_analyzer *a;
    GHashTable *by_words; /* words (g_free'd) -> entry* (in entries) */
    GPtrArray *entries;
};

static void entry_free(gpointer p)
{
    entry *e = p;
    g_array_free(e->locs, TRUE);
    g_free(e);
}

ghs_dedupe *ghs_dedupe_new(ghs_analyzer *a)
{
    ghs_dedupe *d = g_new0(ghs_dedupe, 1);
    d->a = a;
    d->by_words = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    d->entries = g_ptr_array_new_with_free_func(entry_free);
    return d;
}

void ghs_dedupe_free(ghs_dedupe *d)
{
    if (!d)
        return;
    g_hash_table_destroy(d->by_words);
    g_ptr_array_free(d->entries, TRUE);
    g_free(d);
}

/* The terms of text joined by spaces, g_malloc'ed; "" when it has none.
 * given: text's tokens when the caller has them, else NULL. */
static int words_of(ghs_analyzer *a, const char *text, const ghs_tokens *given, char **out,
                    ghs_error *err)
{
    ghs_tokens toks;
    ghs_tokens_init(&toks);
    int rc = given ? 0 : ghs_analyze(a, text, strlen(text), 0, &toks, err);
    const ghs_tokens *tk = given ? given : &toks;
    GString *s = g_string_new(NULL);
    for (size_t i = 0; rc == 0 && i < tk->n; i++) {
        if (i)
            g_string_append_c(s, ' ');
        g_string_append(s, tk->v[i].term);
    }
    ghs_tokens_free(&toks);
    *out = g_string_free(s, rc < 0);
    return rc;
}

static gboolean same_place(const char *doc, int page, const char *doc2, int page2)
{
    return page == page2 && g_strcmp0(doc, doc2) == 0;
}

int ghs_dedupe_add(ghs_dedupe *d, const ghs_hit *h, const ghs_tokens *toks, long slot,
                   ghs_error *err)
{
    const char *text = h->full_passage ? h->full_passage : h->passage;
    char *words = NULL;
    int rc = words_of(d->a, text ? text : "", toks, &words, err);
    if (rc < 0)
        return rc;
    if (!*words) {
        /* Nothing to compare (no word at all): always its own hit. */
        g_free(words);
        return 0;
    }
    entry *e = g_hash_table_lookup(d->by_words, words);
    if (!e) {
        e = g_new0(entry, 1);
        e->slot = slot;
        e->doc = h->doc;
        e->page = h->page;
        e->locs = g_array_new(FALSE, FALSE, sizeof(ghs_location));
        g_ptr_array_add(d->entries, e);
        g_hash_table_insert(d->by_words, words, e);
        return 0;
    }
    g_free(words);
    if (same_place(e->doc, e->page, h->doc, h->page))
        return 1;
    for (guint i = 0; i < e->locs->len; i++) {
        const ghs_location *l = &g_array_index(e->locs, ghs_location, i);
        if (same_place(l->doc, l->page, h->doc, h->page))
            return 1;
    }
    ghs_location loc = { h->doc, h->title, h->page, h->page_label ? h->page_label : "" };
    g_array_append_val(e->locs, loc);
    return 1;
}

void ghs_dedupe_finish(ghs_dedupe *d, ghs_hit *hits, size_t n, GPtrArray *owned)
{
    for (guint i = 0; i < d->entries->len; i++) {
        entry *e = d->entries->pdata[i];
        if (e->slot < 0 || (size_t)e->slot >= n || e->locs->len == 0)
            continue;
        ghs_location *v = g_memdup2(e->locs->data, e->locs->len * sizeof(ghs_location));
        g_ptr_array_add(owned, v);
        hits[e->slot].also_in = v;
        hits[e->slot].n_also_in = e->locs->len;
    }
}
