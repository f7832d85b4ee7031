/*
 * facets.c: how many matching documents per language, year, type and
 * publisher (`ghsearch search --facets`).
 *
 * One Xapian ValueCountMatchSpy on GHS_SLOT_FACETS (schema.h) watches the
 * whole match. That slot holds the document id with the four facet values,
 * the same for every passage of a document, so the spy's distinct values
 * are the matching documents and its counts their matching passages: the
 * facets count documents (a PDF of 300 matching passages counts once) and
 * still come from a spy Xapian's remote servers know, so shards work.
 *
 * Does not own: which query is counted (search.c decides).
 */
#include <stdlib.h>
#include <string.h>

#include "index_handle.h"
#include "schema.h"
#include "search_internal.h"

/* Facet fields in the order the slot stores them after the doc id, which
 * is also the order they are reported in. */
static const char *const fields[] = { "lang", "year", "type", "publisher" };
#define N_FIELDS G_N_ELEMENTS(fields)

typedef struct tally {
    int field;
    char *value;
    size_t documents, passages;
} tally;

static void tally_free(gpointer p)
{
    tally *t = p;
    g_free(t->value);
    g_free(t);
}

static gint cmp_tally(gconstpointer a, gconstpointer b)
{
    const tally *x = *(tally *const *)a, *y = *(tally *const *)b;
    if (x->field != y->field)
        return x->field - y->field;
    if (x->documents != y->documents)
        return x->documents > y->documents ? -1 : 1;
    return strcmp(x->value, y->value);
}

/* Count one document's facet value (with its matching passages). */
static void count_value(GHashTable *by_key, const char *value, uint32_t passages)
{
    const char *p = strchr(value, GHS_FACET_SEP);   /* skip the doc id */
    for (size_t f = 0; p && f < N_FIELDS; f++) {
        const char *start = p + 1;
        const char *end = strchr(start, GHS_FACET_SEP);
        size_t len = end ? (size_t)(end - start) : strlen(start);
        if (len > 0) {
            char *key = g_strdup_printf("%zu:%.*s", f, (int)len, start);
            tally *t = g_hash_table_lookup(by_key, key);
            if (!t) {
                t = g_new0(tally, 1);
                t->field = (int)f;
                t->value = g_strndup(start, len);
                g_hash_table_insert(by_key, key, t);
            } else {
                g_free(key);
            }
            t->documents++;
            t->passages += passages;
        }
        p = end;
    }
}

/* Run q with the spy over every matching passage; NULL with xe set. */
static xc_enquire *spy_match(xc_db *db, const xc_query *q, double time_limit, int *spy,
                             xc_error *xe)
{
    /* No reopening when a writer's commits discard the revision: the
     * counts must come from the revision the hits came from, so the error
     * ends the search and ghs_search() starts it over. */
    xc_enquire *enq = xc_enquire_new(db, xe);
    if (!enq)
        return NULL;
    uint32_t all = xc_db_doccount(db, xe);
    if (xe->code == XC_OK)
        xc_enquire_set_query(enq, q, xe);
    if (xe->code == XC_OK)
        *spy = xc_enquire_add_value_count(enq, GHS_SLOT_FACETS, xe);
    if (xe->code == XC_OK && time_limit > 0)
        xc_enquire_set_time_limit(enq, time_limit, xe);
    xc_mset *ms = NULL;
    if (xe->code == XC_OK)   /* no hit wanted: the spy sees `all` of them */
        ms = xc_enquire_get_mset(enq, 0, 0, all, xe);
    if (ms) {
        xc_mset_free(ms);
        return enq;
    }
    xc_enquire_free(enq);
    return NULL;
}

/* See search_internal.h for why not xc_query_scale(q, 0). */
xc_query *ghs_query_boolean_of(const xc_query *q, xc_error *xe)
{
    xc_query *all = xc_query_match_all(xe);
    xc_query *none = all ? xc_query_scale(all, 0.0, xe) : NULL;
    xc_query_free(all);
    xc_query *pair[2] = { none, (xc_query *)q };
    xc_query *b = none ? xc_query_combine(XC_OP_FILTER, pair, 2, 0, xe) : NULL;
    xc_query_free(none);
    return b;
}

int ghs_facets_count(xc_db *db, const xc_query *q, double time_limit, GPtrArray *owned,
                     ghs_facet **out, size_t *n, ghs_error *err)
{
    *out = NULL;
    *n = 0;
    xc_error xe;
    xc_error_clear(&xe);
    int spy = -1;
    /* Counting needs no weights: the query is counted as a boolean one
     * (which is also the only kind Xapian's time limit, applied on remote
     * shards, can end early). */
    xc_query *counted = ghs_query_boolean_of(q, &xe);
    xc_enquire *enq = counted ? spy_match(db, counted, time_limit, &spy, &xe) : NULL;
    xc_query_free(counted);
    if (!enq)
        return ghs_error_from_xc(err, &xe, "facets");
    GHashTable *by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, tally_free);
    xc_termlist *tl = xc_enquire_value_counts(enq, spy, &xe);
    const char *value;
    uint32_t passages;
    while (tl && xc_termlist_next(tl, &value, &passages, &xe) == 1)
        count_value(by_key, value, passages);
    xc_termlist_free(tl);
    xc_enquire_free(enq);
    if (xe.code != XC_OK) {
        g_hash_table_destroy(by_key);
        return ghs_error_from_xc(err, &xe, "facets");
    }
    GPtrArray *sorted = g_ptr_array_new();
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, by_key);
    while (g_hash_table_iter_next(&it, &k, &v))
        g_ptr_array_add(sorted, v);
    g_ptr_array_sort(sorted, cmp_tally);
    ghs_facet *f = g_new0(ghs_facet, sorted->len ? sorted->len : 1);
    for (guint i = 0; i < sorted->len; i++) {
        tally *t = sorted->pdata[i];
        f[i].field = fields[t->field];
        f[i].value = g_strdup(t->value);
        g_ptr_array_add(owned, (char *)f[i].value);
        f[i].documents = t->documents;
        f[i].passages = t->passages;
    }
    g_ptr_array_add(owned, f);
    *out = f;
    *n = sorted->len;
    g_ptr_array_free(sorted, TRUE);
    g_hash_table_destroy(by_key);
    return 0;
}
