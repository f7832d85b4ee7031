/*
 * search.c: ghs_search(), from a query string to grouped, cited hits.
 *
 * Ranking runs in two tiers (see ghs_built_query): passages matching every
 * word first, then passages matching some. Within a tier, documents are
 * ranked by their best passage (pass 1: Xapian collapses on the document
 * id, one passage each), then the best passages of each of those documents
 * are fetched (pass 2: the same query filtered to those documents, at most
 * per_doc passages each), so the hits of one document stand together.
 * The loose tier's pass 1 runs in two stages when its query has a
 * proximity bonus (ghs_built_query.loose_fast): the query without it ranks
 * every match (no position checks on the many passages matching some
 * common word), then the full query re-ranks only the first
 * GHS_RERANK_DOCS documents of that ranking, which come first in its order.
 * For a Japanese question, the first GHS_OVERLAP_DOCS documents of each
 * tier are then re-ordered by how much of the question's wording their
 * best passage repeats (overlap.c), within the tier.
 * Each hit says why it stands where it does (ghs_hit.tier, .reranked,
 * .rerank): every hit of tier 1 comes before every hit of tier 2 whatever
 * their scores, and within a tier the documents the wording re-ranking
 * ordered come first, by their wording score.
 * Ranks are absolute (the first hit after offset 10 is rank 11).
 * Each passage shown is analyzed once, for its highlights (snippet.c), its
 * window (window.c) and the comparison with the hits before it (dedupe.c),
 * with the segmentation the indexer stored beside it (GHS_F_SEGMENTS).
 * The total and, on request, the facets (facets.c) count the matches of the
 * query the list is drawn from (both tiers: the loose query, whose matches
 * hold the strict ones), the same however many hits were asked for; when
 * nothing matches it asks spelling.c for a corrected query.
 */
#include <math.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "docdata.h"
#include "expand.h"
#include "index_handle.h"
#include "links_records.h"
#include "overlap.h"
#include "schema.h"
#include "search_internal.h"
#include "window.h"

/* BM25 parameters: passages are short and of similar length, so length
 * normalisation (b) matters less than Xapian's default 0.5..0.75 suggests
 * and term frequency saturates early (k1). Chosen on the JSQuAD and SQuAD
 * evaluations (bench/eval.sh), checked on held-out halves. */
#define GHS_BM25_K1 1.0
#define GHS_BM25_B 0.5
#define GHS_MAX_LIMIT 10000
/* Documents of the loose tier re-ranked with its proximity bonus. Chosen
 * on the SQuAD evaluation and the 100k-passage speed queries (bench/). */
#define GHS_RERANK_DOCS 50
/* Matches checked at least when estimating the total: up to that many the
 * count is exact, beyond it Xapian's estimate is at least this many. Fixed,
 * so the total of a query does not depend on the page asked for; the
 * first 1000 hits (100 pages of 10) always lie within it. Counting 20000
 * (every hit a page can reach) doubled the CPU time of a question on 100k
 * Japanese passages (p50 6 -> 12 ms, bench/speed_query.c); 1000 adds
 * 0.1-0.5 ms to keywords, about 1 ms to questions. */
#define GHS_TOTAL_CHECK 1000

struct ghs_results {
    ghs_hit *hits;
    size_t n;
    size_t total;
    int total_exact;    /* total is the number of matches, not an estimate */
    GPtrArray *owned;   /* every string and span array the hits point to */
    ghs_facet *facets;  /* in owned; NULL without opts.facets */
    size_t n_facets;
    char *suggestion;   /* in owned; NULL unless nothing matched */
    char *explain;      /* in owned; how the query was understood (expand.c) */
};

size_t ghs_results_count(const ghs_results *r) { return r ? r->n : 0; }
size_t ghs_results_total(const ghs_results *r) { return r ? r->total : 0; }
int ghs_results_total_exact(const ghs_results *r) { return r ? r->total_exact : 0; }

const ghs_hit *ghs_results_hit(const ghs_results *r, size_t i)
{
    return r && i < r->n ? &r->hits[i] : NULL;
}

size_t ghs_results_facets(const ghs_results *r, const ghs_facet **out)
{
    if (out)
        *out = r ? r->facets : NULL;
    return r ? r->n_facets : 0;
}

const char *ghs_results_suggestion(const ghs_results *r)
{
    return r ? r->suggestion : NULL;
}

const char *ghs_results_explain(const ghs_results *r)
{
    return r && r->explain ? r->explain : "";
}

void ghs_results_free(ghs_results *r)
{
    if (!r)
        return;
    g_ptr_array_free(r->owned, TRUE);
    g_free(r->hits);
    g_free(r);
}

static const char *own(ghs_results *r, char *s)
{
    g_ptr_array_add(r->owned, s);
    return s;
}

/* One ranked document of a tier, with the docid list of its passages. */
typedef struct ranked_doc {
    char *id;
    GArray *passages;    /* xc_docid, best first */
    GArray *weights;     /* double */
    int tier;            /* 1: strict, 2: loose (ghs_hit.tier) */
    int reranked;        /* placed by the wording re-ranking (ghs_hit.reranked) */
    double rerank;       /* its wording score when reranked */
} ranked_doc;

static void ranked_doc_free(gpointer p)
{
    ranked_doc *d = p;
    g_free(d->id);
    g_array_free(d->passages, TRUE);
    g_array_free(d->weights, TRUE);
    g_free(d);
}

/* Pass 1 of one tier, kept across the rounds of one search (see
 * search_once): Xapian's ranking of documents by their best passage
 * (collapsed on the document id), its first GHS_RERANK_DOCS re-ranked
 * when the tier has a fast query, then its first GHS_OVERLAP_DOCS by the
 * question's wording. A longer ranking starts with the same
 * documents in the same order (the re-ranked ones too: every ranking holds
 * the whole re-ranked window, the same documents re-ranked by the same
 * query), so a round needing more documents reads
 * on in it, and Xapian is asked again, for a longer one, only when every
 * document of it was used. */
typedef struct tier_rank {
    const xc_query *q;     /* NULL: no such tier */
    const xc_query *fast;  /* q without its proximity bonus; NULL: rank with q */
    GPtrArray *order;      /* document ids (g_free'd), best first; NULL until
                            * the tier is first needed */
    uint32_t size;         /* the documents Xapian returned for order */
    uint32_t fetched;      /* the count order was asked for */
    uint32_t next;         /* the first id of order not looked at yet */
    guint ov_n;            /* the first ov_n documents of order were placed by
                            * the wording re-ranking (0: none), */
    double ov_score[GHS_OVERLAP_DOCS];   /* by these scores (overlap.c) */
} tier_rank;

typedef struct search_ctx {
    xc_db *db;
    ghs_overlap *ov;      /* a Japanese question's wording (overlap.c); NULL: none */
    ghs_error *err;
    GPtrArray *docs;      /* ranked_doc*, in display order */
    GHashTable *seen;     /* doc id -> ranked_doc* */
    double time_limit;    /* opts->time_limit, for the facet count; 0 = none */
    tier_rank tier[2];    /* strict, loose */
    xc_docset *matches;   /* every passage the search matches, when the count
                           * saw them all (count_matches); NULL: not known */
} search_ctx;

/* Run query q on a fresh enquire with BM25 and an optional collapse key;
 * check_at_least as Xapian's. No time limit: ranking stops early by
 * itself, and the total must not depend on the machine's speed (the limit
 * bounds facet counting only, facets.c). seen: when not NULL, gets the
 * ids of the passages the match saw if it could list them all (at most
 * check_at_least; a database of one local shard), else NULL. */
static xc_mset *run_checked(search_ctx *c, const xc_query *q, unsigned collapse_max,
                            uint32_t first, uint32_t count, uint32_t check_at_least,
                            xc_docset **seen)
{
    xc_error xe;
    xc_error_clear(&xe);
    xc_mset *ms = NULL;
    /* No reopening here when a writer's commits discard the revision being
     * read: every step of one search must read the same revision, so the
     * error ends this search and ghs_search() starts it over. */
    xc_enquire *enq = xc_enquire_new(c->db, &xe);
    if (enq) {
        xc_enquire_set_query(enq, q, &xe);
        xc_enquire_set_bm25(enq, GHS_BM25_K1, 0.0, 1.0, GHS_BM25_B, 0.5, &xe);
        /* Equal scores in document id order, so that an index written by
         * several writers and merged, or split in shards, answers exactly
         * as one written in one go. Only when there are hits to order: the
         * matcher reads the value of every candidate it weighs. */
        if (count > 0)
            xc_enquire_set_ties_by_value(enq, GHS_SLOT_DOC, &xe);
        if (collapse_max)
            xc_enquire_set_collapse_key(enq, GHS_SLOT_DOC, collapse_max, &xe);
        int collecting = seen && xe.code == XC_OK
                         ? xc_enquire_collect_docids(enq, check_at_least, &xe) : 0;
        if (xe.code == XC_OK)
            ms = xc_enquire_get_mset(enq, first, count, check_at_least, &xe);
        if (ms && collecting > 0) {
            *seen = xc_enquire_take_docids(enq, &xe);
            if (xe.code != XC_OK) {
                xc_mset_free(ms);
                ms = NULL;
            }
        }
        xc_enquire_free(enq);
    }
    if (!ms)
        ghs_error_from_xc(c->err, &xe, "search");
    return ms;
}

/* A ranking run. When the count has listed every matching passage (a
 * search of one tier: count_matches), q is restricted to them: the same
 * hits and weights, but Xapian then weighs, and checks the positions of,
 * only passages that match (a phrase is otherwise checked on every passage
 * holding all its words, by the count and again by the ranking). */
static xc_mset *run(search_ctx *c, const xc_query *q, unsigned collapse_max,
                    uint32_t first, uint32_t count)
{
    if (!c->matches)
        return run_checked(c, q, collapse_max, first, count, 0, NULL);
    xc_error xe;
    xc_error_clear(&xe);
    xc_query *only = xc_query_filter_docset(q, c->matches, &xe);
    if (!only) {
        ghs_error_from_xc(c->err, &xe, "search");
        return NULL;
    }
    xc_mset *ms = run_checked(c, only, collapse_max, first, count, 0, NULL);
    xc_query_free(only);
    return ms;
}

/* A boolean run of q (no weights), checking at least check_at_least
 * matches; seen as run_checked's. NULL with c->err set on error. */
static xc_mset *run_boolean(search_ctx *c, const xc_query *q, uint32_t check_at_least,
                            xc_docset **seen)
{
    xc_error xe;
    xc_error_clear(&xe);
    xc_query *counted = ghs_query_boolean_of(q, &xe);
    if (!counted) {
        ghs_error_from_xc(c->err, &xe, "search");
        return NULL;
    }
    xc_mset *ms = run_checked(c, counted, 0, 0, 0, check_at_least, seen);
    xc_query_free(counted);
    return ms;
}

/* The passages the search matches, all (both tiers' matches, see
 * matches_query()): counted exactly up to GHS_TOTAL_CHECK, Xapian's
 * estimate beyond (at least GHS_TOTAL_CHECK), the same for every page.
 * Boolean matches (no weights to compute). When the count saw every
 * match, their ids go to c->matches (see run()). 0 or a negative GHS_E*
 * code. */
static int count_matches(search_ctx *c, const ghs_built_query *bq, const xc_query *all,
                         size_t *out, int *exact)
{
    /* First the bounds Xapian draws from the terms' frequencies alone,
     * reading no posting: when even the lower bound reaches
     * GHS_TOTAL_CHECK (a common word), the total is past the exact range
     * and its estimate is all there is to say. Checking 1000 matches
     * first was 38 % of a one-word Japanese query's instructions on 100k
     * passages (bench/speed.sh instr). Estimates are the widest tier's
     * even when all is an OR of both tiers (loose_partial): Xapian
     * estimates an OR as if its parts were independent, and the loose
     * tier's matches hold most of the strict tier's. */
    const xc_query *widest = bq->loose_fast ? bq->loose_fast : bq->loose ? bq->loose : bq->strict;
    int whole = widest == bq->strict || !bq->loose_partial;   /* widest matches all */
    xc_mset *ms = run_boolean(c, widest, 0, NULL);
    if (!ms)
        return c->err ? c->err->code : GHS_EDB;
    if (xc_mset_matches_lower_bound(ms) >= GHS_TOTAL_CHECK) {
        uint32_t est = xc_mset_matches_estimated(ms), low = xc_mset_matches_lower_bound(ms);
        *out = est > low ? est : low;
        /* one word: its frequency is the count */
        *exact = low == xc_mset_matches_upper_bound(ms) && whole;
        xc_mset_free(ms);
        return 0;
    }
    xc_mset_free(ms);
    /* The passages seen, for the rankings (run()), when the strict tier
     * is the only one: with a loose tier they would be its matches, which
     * its ranking matches anyway and which hold every candidate of the
     * strict tier's (its words ORed), while listing them costs a document
     * object each. */
    xc_docset *seen = NULL;
    ms = run_boolean(c, all, GHS_TOTAL_CHECK, widest == bq->strict ? &seen : NULL);
    if (!ms)
        return c->err ? c->err->code : GHS_EDB;
    *out = xc_mset_matches_estimated(ms);
    *exact = xc_mset_matches_lower_bound(ms) == xc_mset_matches_upper_bound(ms);
    size_t low = xc_mset_matches_lower_bound(ms);
    xc_mset_free(ms);
    /* Every match, only when the count is exact and the list holds it. */
    if (seen && *exact && xc_docset_size(seen) == *out) {
        xc_docset_free(c->matches);
        c->matches = seen;
        seen = NULL;
    }
    xc_docset_free(seen);
    if (*exact || whole)
        return 0;
    /* Past the exact range: the widest tier's estimate (see above), at
     * least the matches seen. */
    ms = run_boolean(c, widest, GHS_TOTAL_CHECK, NULL);
    if (!ms)
        return c->err ? c->err->code : GHS_EDB;
    size_t est = xc_mset_matches_estimated(ms);
    *out = est > low ? est : low;
    xc_mset_free(ms);
    return 0;
}

/* q filtered to the documents ids[0..n) (n > 0): a new query. */
static xc_query *filter_docs(const xc_query *q, char *const *ids, guint n)
{
    xc_query **terms = g_new(xc_query *, n);
    for (guint i = 0; i < n; i++) {
        char *t = g_strconcat(GHS_PREFIX_DOC, ids[i], NULL);
        terms[i] = xc_query_term(t, 1, 0, NULL);
        g_free(t);
    }
    xc_query *idq = xc_query_combine(XC_OP_OR, terms, n, 0, NULL);
    for (guint i = 0; i < n; i++)
        xc_query_free(terms[i]);
    g_free(terms);
    xc_query *pair[2] = { (xc_query *)q, idq };
    xc_query *fq = xc_query_combine(XC_OP_FILTER, pair, 2, 0, NULL);
    xc_query_free(idq);
    return fq;
}

/* The document ids of ms (collapsed on the document id), in its order,
 * appended to order, and the docid of each one's best passage to dids.
 * 0, or a negative GHS_E* code when the database could not be read (a
 * document is never silently left out). */
static int append_ids(search_ctx *c, GPtrArray *order, GArray *dids, xc_mset *ms)
{
    xc_error xe;
    xc_error_clear(&xe);
    for (uint32_t i = 0; i < xc_mset_size(ms); i++) {
        /* The collapse key is the document id: no document to load. */
        char *v = xc_mset_collapse_key(ms, i, NULL, &xe);
        if (!v && xe.code != XC_OK)
            return ghs_error_from_xc(c->err, &xe, "search");
        if (v) {
            xc_docid did = xc_mset_docid(ms, i);
            g_ptr_array_add(order, g_strdup(v));
            g_array_append_val(dids, did);
        }
        free(v);
    }
    return 0;
}

/* One document of overlap_rerank: its score and place before. */
typedef struct overlap_cand {
    double score;
    guint at;
} overlap_cand;

static int cmp_overlap_cand(const void *a, const void *b)
{
    const overlap_cand *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

/* Overlap score (overlap.c) of the passage did at 1-based rank; -HUGE_VAL
 * with xe set when it cannot be read. */
static double overlap_of(search_ctx *c, xc_docid did, size_t rank, xc_error *xe)
{
    xc_doc *doc = xc_db_get_document(c->db, did, xe);
    size_t len = 0;
    char *data = doc ? xc_doc_get_data(doc, &len, xe) : NULL;
    xc_doc_free(doc);
    if (!data)
        return -HUGE_VAL;
    char *title = ghs_docdata_dup(data, len, GHS_F_TITLE);
    char *text = ghs_docdata_dup(data, len, GHS_F_PASSAGE);
    free(data);
    double s = ghs_overlap_score(c->ov, title, text, rank);
    free(title);
    free(text);
    return s;
}

/* The first GHS_OVERLAP_DOCS documents of order (with their best passages
 * in dids) re-ordered by how much of the question's wording that passage
 * repeats (overlap.c); the rest keep their place. t records how many were
 * re-ordered and their scores, in their new order. */
static int overlap_rerank(search_ctx *c, tier_rank *t, GPtrArray *order, GArray *dids)
{
    guint k = order->len < GHS_OVERLAP_DOCS ? order->len : GHS_OVERLAP_DOCS;
    t->ov_n = 0;
    if (!c->ov || k < 2)
        return 0;
    overlap_cand v[GHS_OVERLAP_DOCS];
    gpointer ids[GHS_OVERLAP_DOCS];
    xc_docid dd[GHS_OVERLAP_DOCS];
    xc_error xe;
    xc_error_clear(&xe);
    for (guint i = 0; i < k; i++) {
        v[i].at = i;
        v[i].score = overlap_of(c, g_array_index(dids, xc_docid, i), i + 1, &xe);
        if (xe.code != XC_OK)
            return ghs_error_from_xc(c->err, &xe, "search");
        if (isnan(v[i].score))
            return ghs_set_error(c->err, GHS_ENOMEM, "[search] out of memory");
        ids[i] = order->pdata[i];
        dd[i] = g_array_index(dids, xc_docid, i);
    }
    qsort(v, k, sizeof *v, cmp_overlap_cand);
    for (guint i = 0; i < k; i++) {
        order->pdata[i] = ids[v[i].at];
        g_array_index(dids, xc_docid, i) = dd[v[i].at];
        t->ov_score[i] = v[i].score;
    }
    t->ov_n = k;
    return 0;
}

/* Tier t's ranking of count documents into t->order: by t->fast, its
 * first GHS_RERANK_DOCS re-ranked by t->q (a document the re-ranking
 * misses, e.g. past a time limit, keeps its place after those it has);
 * by t->q without a fast query; then the overlap re-ranking of its first
 * documents (a no-op unless the query is a Japanese question). 0 or a
 * negative GHS_E* code. */
static int tier_fetch(search_ctx *c, tier_rank *t, uint32_t count)
{
    /* At least the whole re-ranked window: re-ranking fewer would let a
     * longer ranking fetched later reorder documents already handed out. */
    uint32_t window = t->fast ? GHS_RERANK_DOCS : c->ov ? GHS_OVERLAP_DOCS : 0;
    if (count < window)
        count = window;
    xc_mset *ms = run(c, t->fast ? t->fast : t->q, 1, 0, count);
    if (!ms)
        return c->err ? c->err->code : GHS_EDB;
    GPtrArray *first = g_ptr_array_new_with_free_func(g_free);
    GArray *first_dids = g_array_new(FALSE, FALSE, sizeof(xc_docid));
    int rc = append_ids(c, first, first_dids, ms);
    t->size = xc_mset_size(ms);
    xc_mset_free(ms);
    if (rc < 0) {
        g_ptr_array_free(first, TRUE);
        g_array_free(first_dids, TRUE);
        return rc;
    }
    guint k = t->fast && first->len > GHS_RERANK_DOCS ? GHS_RERANK_DOCS : first->len;
    GPtrArray *order = g_ptr_array_new_with_free_func(g_free);
    GArray *dids = g_array_new(FALSE, FALSE, sizeof(xc_docid));
    if (t->fast && k > 1) {
        xc_query *fq = filter_docs(t->q, (char *const *)first->pdata, k);
        ms = run(c, fq, 1, 0, k);
        xc_query_free(fq);
        rc = ms ? append_ids(c, order, dids, ms) : c->err ? c->err->code : GHS_EDB;
        xc_mset_free(ms);
        if (rc < 0) {
            g_ptr_array_free(order, TRUE);
            g_array_free(dids, TRUE);
            g_ptr_array_free(first, TRUE);
            g_array_free(first_dids, TRUE);
            return rc;
        }
        GHashTable *in = g_hash_table_new(g_str_hash, g_str_equal);
        for (guint i = 0; i < order->len; i++)
            g_hash_table_add(in, order->pdata[i]);
        for (guint i = 0; i < k; i++)
            if (!g_hash_table_contains(in, first->pdata[i])) {
                g_ptr_array_add(order, g_strdup(first->pdata[i]));
                g_array_append_val(dids, g_array_index(first_dids, xc_docid, i));
            }
        g_hash_table_destroy(in);
    } else {
        k = 0;
    }
    for (guint i = k; i < first->len; i++) {
        g_ptr_array_add(order, g_strdup(first->pdata[i]));
        g_array_append_val(dids, g_array_index(first_dids, xc_docid, i));
    }
    g_ptr_array_free(first, TRUE);
    g_array_free(first_dids, TRUE);
    rc = overlap_rerank(c, t, order, dids);
    g_array_free(dids, TRUE);
    if (rc < 0) {
        g_ptr_array_free(order, TRUE);
        return rc;
    }
    if (t->order)
        g_ptr_array_free(t->order, TRUE);
    t->order = order;
    t->fetched = count;
    return 0;
}

/* The next document of tier t not ranked yet: 1 with *id its id
 * (g_malloc'ed) and *at its place in t->order, 0 when the tier has no
 * more, or a negative GHS_E* code. want: the documents the search needs in
 * all, to size a fetch. */
static int tier_next(search_ctx *c, tier_rank *t, size_t want, char **id, guint *at)
{
    for (;;) {
        while (t->order && t->next < t->order->len) {
            *at = t->next;
            const char *v = t->order->pdata[t->next++];
            if (g_hash_table_contains(c->seen, v))
                continue;
            *id = g_strdup(v);
            return 1;
        }
        if (t->order && t->size < t->fetched)
            return 0;   /* every matching document was in it */
        /* Documents already ranked (by this tier or a better one) come
         * back too: at most want of them. */
        uint32_t count = (uint32_t)want;
        if (t->order && count <= t->fetched)
            count = t->fetched * 2;
        else if (!t->order)
            /* More than wanted the first time (twice, up to 100 more):
             * when hits are dropped as copies of better ones, the next
             * round wants a few more documents (ghs_search), and ranking
             * them anew would weigh every posting of the query's words a
             * second time. */
            count = (uint32_t)(want + MIN(want, 100));
        int rc = tier_fetch(c, t, count);
        if (rc < 0)
            return rc;
    }
}

/* Pass 2 for the documents c->docs[from..to) just ranked by the tier of
 * query q: their best passages (q filtered to those documents, at most
 * per_doc passages each). A document's passages do not depend on the other
 * documents of the filter, so each batch can be fetched on its own. */
static int fetch_passages(search_ctx *c, const xc_query *q, guint from, guint to,
                          size_t per_doc)
{
    guint n = to - from;
    if (n == 0)
        return 0;
    char **ids = g_new(char *, n);
    for (guint i = 0; i < n; i++)
        ids[i] = ((ranked_doc *)c->docs->pdata[from + i])->id;
    xc_query *fq = filter_docs(q, ids, n);
    g_free(ids);
    xc_mset *ms = run(c, fq, (unsigned)per_doc, 0, (uint32_t)(n * per_doc));
    xc_query_free(fq);
    if (!ms)
        return c->err ? c->err->code : GHS_EDB;
    xc_error xe;
    xc_error_clear(&xe);
    for (uint32_t i = 0; i < xc_mset_size(ms); i++) {
        char *id = xc_mset_collapse_key(ms, i, NULL, &xe);
        if (!id && xe.code != XC_OK) {
            xc_mset_free(ms);
            return ghs_error_from_xc(c->err, &xe, "search");
        }
        ranked_doc *d = id ? g_hash_table_lookup(c->seen, id) : NULL;
        free(id);
        if (!d || d->passages->len >= per_doc)
            continue;
        xc_docid did = xc_mset_docid(ms, i);
        double w = xc_mset_weight(ms, i);
        g_array_append_val(d->passages, did);
        g_array_append_val(d->weights, w);
    }
    xc_mset_free(ms);
    return 0;
}

/* Rank documents until c->docs holds want (or every matching one): those
 * of the strict tier first, then, when it has too few, the loose tier's
 * (pass 1), each with its best passages (pass 2). */
static int rank_docs(search_ctx *c, size_t want, size_t per_doc)
{
    for (int ti = 0; ti < 2 && c->docs->len < want; ti++) {
        tier_rank *t = &c->tier[ti];
        if (!t->q)
            continue;
        guint from = c->docs->len;
        /* The documents from mid on were placed past the proximity
         * re-ranking's window, by the tier's query without its bonus (at
         * only grows, so they come last): their passages are scored the
         * same way, so the score shown is the one each was placed by. */
        guint mid = G_MAXUINT;
        int rc = 0;
        while (c->docs->len < want) {
            char *id = NULL;
            guint at = 0;
            rc = tier_next(c, t, want, &id, &at);
            if (rc <= 0)
                break;
            ranked_doc *d = g_new0(ranked_doc, 1);
            d->id = id;
            d->tier = ti + 1;
            d->reranked = at < t->ov_n;
            d->rerank = d->reranked ? t->ov_score[at] : 0.0;
            if (mid == G_MAXUINT && t->fast && at >= GHS_RERANK_DOCS)
                mid = c->docs->len;
            d->passages = g_array_new(FALSE, FALSE, sizeof(xc_docid));
            d->weights = g_array_new(FALSE, FALSE, sizeof(double));
            g_hash_table_insert(c->seen, d->id, d);
            g_ptr_array_add(c->docs, d);
        }
        if (rc < 0)
            return rc;
        if (mid == G_MAXUINT)
            mid = c->docs->len;
        rc = fetch_passages(c, t->q, from, mid, per_doc);
        if (rc == 0)
            rc = fetch_passages(c, t->fast, mid, c->docs->len, per_doc);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Fill hit from the stored passage record. toks (initialized, empty)
 * gets the analysis of the whole passage, which the highlights and the
 * window came from and dedupe.c compares: analyzed once for all three. */
static int fill_hit(ghs_results *r, search_ctx *c, ghs_analyzer *an,
                    const ghs_built_query *bq, xc_docid did, double weight,
                    ghs_hit *h, ghs_tokens *toks)
{
    xc_error xe;
    xc_error_clear(&xe);
    xc_doc *doc = xc_db_get_document(c->db, did, &xe);
    if (!doc)
        return ghs_error_from_xc(c->err, &xe, "search");
    size_t len = 0;
    char *data = xc_doc_get_data(doc, &len, &xe);
    xc_doc_free(doc);
    if (!data)
        return ghs_error_from_xc(c->err, &xe, "search");
    h->score = weight;
    h->doc = own(r, ghs_docdata_dup(data, len, GHS_F_DOC));
    h->title = own(r, ghs_docdata_dup(data, len, GHS_F_TITLE));
    h->source = own(r, ghs_docdata_dup(data, len, GHS_F_SOURCE));
    h->lang = own(r, ghs_docdata_dup(data, len, GHS_F_LANG));
    h->type = own(r, ghs_docdata_dup(data, len, GHS_F_TYPE));
    h->publisher = own(r, ghs_docdata_dup(data, len, GHS_F_PUBLISHER));
    h->date = own(r, ghs_docdata_dup(data, len, GHS_F_DATE));
    h->passage = own(r, ghs_docdata_dup(data, len, GHS_F_PASSAGE));
    h->url = own(r, ghs_docdata_dup(data, len, GHS_F_URL));
    char *from = ghs_links_from_title(c->db, h->doc, &xe);   /* links_records.h */
    if (!from && xe.code != XC_OK) {
        free(data);
        return ghs_error_from_xc(c->err, &xe, "search");
    }
    h->linked_from = own(r, from ? from : g_strdup(""));
    h->page = (int)ghs_docdata_get_int(data, len, GHS_F_PAGE, 0);
    h->page_label = own(r, ghs_docdata_dup(data, len, GHS_F_PAGE_LABEL));
    /* The passage's segmentation as the indexer stored it (absent from
     * older indexes): the same tokens without segmenting the text again. */
    size_t seg_len = 0;
    const char *seg = ghs_docdata_get(data, len, GHS_F_SEGMENTS, &seg_len);
    int rc = ghs_analyze_stored(an, h->passage, strlen(h->passage), seg, seg_len, 0, toks,
                                c->err);
    free(data);
    if (rc < 0)
        return rc;
    h->citation = own(r, ghs_cite_text_label(h->title, h->page, h->page_label));
    ghs_span *spans = NULL;
    size_t n = 0;
    ghs_highlight_tokens(toks, bq->hl_terms, bq->hl_stems, &spans, &n);
    g_ptr_array_add(r->owned, spans);
    h->highlights = spans;
    h->n_highlights = n;
    return ghs_window_hit(an, h, toks, r->owned, c->err);   /* the part shown (window.c) */
}

/* A doc: filter names a document the way `ghsearch show` takes it (an id,
 * the path of an indexed file, or its file name; ghs_document_resolve):
 * each value becomes the id it resolves to. A value naming no document is
 * kept as it is and matches nothing; one naming several documents is a
 * query error at the filter, never a silently empty result. */
static int resolve_doc_filters(ghs_index *ix, ghs_qnode *n, ghs_error *err)
{
    if (!n)
        return 0;
    for (size_t i = 0; i < n->n_kids; i++) {
        int rc = resolve_doc_filters(ix, n->kids[i], err);
        if (rc < 0)
            return rc;
    }
    if (n->kind != GHS_Q_FILTER || strcmp(n->field, "doc") != 0)
        return 0;
    char *id = NULL;
    ghs_error e = {0};
    int rc = ghs_document_resolve(ix, n->text, &id, &e);
    if (rc == 0) {
        free(n->text);   /* the tree's strings are malloc'ed, as id is */
        n->text = id;
        return 0;
    }
    if (rc == GHS_ENOTFOUND)
        return 0;
    if (rc != GHS_EINVAL) {   /* the database: ghs_search retries */
        if (err)
            *err = e;
        return rc;
    }
    const char *why = e.message;
    if (g_str_has_prefix(why, "[doc] "))   /* the place is the query here */
        why += strlen("[doc] ");
    rc = ghs_set_error(err, GHS_EQUERY, "query error at %d: %s", n->start, why);
    if (err)
        err->position = n->start;
    return rc;
}

/* What a search matches, to count: either tier's matches. The loose tier
 * holds the strict one's (it relaxes ANDs to ORs) unless loose_partial: a
 * keyword of single-character words (理庁: 理|庁) is loosely the bigram
 * 理庁, which a passage with the words 理 and 庁 apart lacks (同法 at 100k
 * passages: 1761 strict matches, 667 loose ones). loose_fast has the loose
 * tier's matches, found faster. A new query; NULL when out of memory. */
static xc_query *matches_query(const ghs_built_query *bq)
{
    const xc_query *loose = bq->loose_fast ? bq->loose_fast : bq->loose;
    if (!loose || !bq->loose_partial)
        return xc_query_copy(loose ? loose : bq->strict, NULL);
    xc_query *pair[2] = { bq->strict, (xc_query *)loose };
    return xc_query_combine(XC_OP_OR, pair, 2, 0, NULL);
}

/* One search. A hit whose passage has the same words as a better hit's
 * is dropped (dedupe.c); when such copies leave the page short while the
 * tiers may hold more documents, more documents are ranked and the page
 * filled on from where it stopped (a few rounds, each asking for more):
 * the documents ranked for more are those ranked for fewer followed by
 * others, so this gives the page a search ranking that many from the start
 * would give, without ranking or reading anything twice. */
static int search_once(ghs_index *ix, const char *query, const ghs_search_opts *opts,
                       ghs_results **out, ghs_error *err)
{
    *out = NULL;
    size_t limit = opts && opts->limit ? opts->limit : GHS_SEARCH_DEFAULT_LIMIT;
    size_t offset = opts ? opts->offset : 0;
    size_t per_doc = opts && opts->per_doc ? opts->per_doc : GHS_SEARCH_DEFAULT_PER_DOC;
    if (limit > GHS_MAX_LIMIT)
        limit = GHS_MAX_LIMIT;
    if (offset > GHS_MAX_LIMIT)
        offset = GHS_MAX_LIMIT;
    if (per_doc > 1000)
        per_doc = 1000;

    ghs_qnode *root = NULL;
    int rc = ghs_query_parse(query ? query : "", &root, err);
    if (rc < 0)
        return rc;
    if (!root) {
        return ghs_query_error(err, 1, "empty query");
    }
    rc = resolve_doc_filters(ix, root, err);
    if (rc < 0) {
        ghs_qnode_free(root);
        return rc;
    }
    ghs_built_query bq;
    ghs_expander *ex = NULL;   /* glossary expansion (expand.h); NULL: literal */
    if (!opts || !opts->literal)
        rc = ghs_expander_new(ix, opts ? opts->glossary : NULL, &ex, err);
    if (rc == 0)
        rc = ghs_query_build_expanded(ix->an, root, ex, &bq, err);
    if (rc < 0) {
        ghs_expander_free(ex);
        ghs_qnode_free(root);
        return rc;
    }

    /* Not > 0 (negative, NaN) means no limit, as 0 does. */
    search_ctx c = { .err = err,
                     .time_limit = opts && opts->time_limit > 0 ? opts->time_limit : 0 };
    c.db = ghs_index_reader(ix, err);
    if (!c.db) {
        ghs_expander_free(ex);
        ghs_built_query_clear(&bq);
        ghs_qnode_free(root);
        return GHS_EDB;
    }
    ghs_error ov_err = {0};
    c.ov = ghs_overlap_new(ix->an, c.db, root, &ov_err);
    if (ov_err.code < 0) {
        if (err)
            *err = ov_err;
        ghs_expander_free(ex);
        ghs_built_query_clear(&bq);
        ghs_qnode_free(root);
        return ov_err.code;
    }
    c.docs = g_ptr_array_new_with_free_func(ranked_doc_free);
    c.seen = g_hash_table_new(g_str_hash, g_str_equal);
    c.tier[0].q = bq.strict;
    c.tier[1].q = bq.loose;
    c.tier[1].fast = bq.loose_fast;

    ghs_results *r = g_new0(ghs_results, 1);
    r->owned = g_ptr_array_new_with_free_func(g_free);
    r->hits = g_new0(ghs_hit, limit);
    /* A passage with the same words as a better hit's is dropped and
     * listed as another location of that hit (dedupe.c). The offset counts
     * the hits left, so paging walks the same list. */
    ghs_dedupe *dd = ghs_dedupe_new(ix->an);
    size_t k = 0;        /* distinct hits seen, for offset */
    int docs_shown = 0;  /* documents with a distinct hit, for doc_rank */
    size_t spare = 0;    /* documents ranked beyond offset + limit */
    size_t copies = 0;   /* hits dropped as copies */
    guint d = 0;         /* the next document to take hits from */
    /* The matches the list is drawn from: those of both tiers. Counted
     * first: when the count lists them all, the rankings read only those
     * (run()). */
    xc_query *all = matches_query(&bq);
    rc = all ? count_matches(&c, &bq, all, &r->total, &r->total_exact)
             : ghs_set_error(err, GHS_ENOMEM, "[search] out of memory");
    int none = rc == 0 && r->total == 0 && r->total_exact;   /* nothing to rank */
    for (int round = 0; rc == 0 && !none; round++) {
        size_t want = offset + limit + spare;   /* each document gives at least one hit */
        rc = rank_docs(&c, want, per_doc);
        for (; rc == 0 && d < c.docs->len && r->n < limit; d++) {
            ranked_doc *doc = c.docs->pdata[d];
            int counted = 0;
            for (guint p = 0; rc == 0 && p < doc->passages->len && r->n < limit; p++) {
                ghs_hit before_offset, *h = k < offset ? &before_offset : &r->hits[r->n];
                memset(h, 0, sizeof *h);
                ghs_tokens toks;
                ghs_tokens_init(&toks);
                rc = fill_hit(r, &c, ix->an, &bq, g_array_index(doc->passages, xc_docid, p),
                              g_array_index(doc->weights, double, p), h, &toks);
                int dup = rc == 0 ? ghs_dedupe_add(dd, h, &toks,
                                                   h == &before_offset ? -1 : (long)r->n, err)
                                  : 0;
                ghs_tokens_free(&toks);
                if (dup < 0)
                    rc = dup;
                copies += dup > 0;
                if (rc != 0 || dup)
                    continue;
                k++;
                if (!counted++)
                    docs_shown++;
                if (h == &before_offset)
                    continue;
                /* Absolute: the page starts at hit offset + 1, and the
                 * documents before it were counted too. */
                h->rank = (int)k;
                h->doc_rank = docs_shown;
                h->tier = doc->tier;
                h->reranked = doc->reranked;
                h->rerank = doc->rerank;
                r->n++;
            }
        }
        /* Done when the page is full, every matching document was seen,
         * no copy was dropped, or after a few rounds. */
        if (r->n == limit || c.docs->len < want || copies == 0 || round == 4)
            break;
        spare = (spare + copies) * 2;
    }
    if (rc == 0)
        ghs_dedupe_finish(dd, r->hits, r->n, r->owned);
    ghs_dedupe_free(dd);
    if (rc == 0)   /* what opens each hit (open_url.c) */
        rc = ghs_hits_add_paths(c.db, r->hits, r->n, r->owned, err);
    /* Never less than a page shows: every hit is a match, so this only
     * lifts an estimate (over GHS_TOTAL_CHECK matches) that fell short of
     * a page beyond the first GHS_TOTAL_CHECK hits. An offset past the
     * last hit shows nothing. */
    if (rc == 0 && r->n > 0 && r->total < offset + r->n) {
        r->total = offset + r->n;
        r->total_exact = 0;
    }
    if (rc == 0 && opts && opts->facets)
        rc = ghs_facets_count(c.db, all, c.time_limit, r->owned, &r->facets, &r->n_facets,
                              err);
    if (rc == 0 && c.docs->len == 0) {
        rc = ghs_spelling_suggest(c.db, ix->an, query, root, &r->suggestion, err);
        if (r->suggestion)
            g_ptr_array_add(r->owned, r->suggestion);
    }
    r->explain = ghs_expand_explain(ex, root);
    if (r->explain)
        g_ptr_array_add(r->owned, r->explain);
    else if (rc == 0)
        rc = ghs_set_error(err, GHS_ENOMEM, "[search] out of memory");
    ghs_expander_free(ex);
    for (int ti = 0; ti < 2; ti++)
        if (c.tier[ti].order)
            g_ptr_array_free(c.tier[ti].order, TRUE);
    ghs_overlap_free(c.ov);
    xc_docset_free(c.matches);
    xc_query_free(all);
    g_hash_table_destroy(c.seen);
    g_ptr_array_free(c.docs, TRUE);
    ghs_built_query_clear(&bq);
    ghs_qnode_free(root);
    if (rc < 0) {
        ghs_results_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

/* A writer committing twice while a search runs discards the revision the
 * search reads (DatabaseModifiedError), and the passages found in one
 * revision may be gone from the next, so no step reopens by itself: a
 * search that fails on the database starts over, whole, on a freshly
 * reopened revision, up to GHS_READ_ATTEMPTS times (index_handle.h). */

/* The first layout of ghs_search_opts, what size 0 stands for. */
#define GHS_SEARCH_OPTS_V1_SIZE (offsetof(ghs_search_opts, glossary) + sizeof(const char *))

/* opts as this library's layout in *o: a caller's older (smaller) struct
 * leaves the newer fields zero, i.e. their defaults; a newer one's fields
 * this library does not know must be zero. */
static int read_opts(const ghs_search_opts *opts, ghs_search_opts *o, ghs_error *err)
{
    memset(o, 0, sizeof *o);
    if (!opts)
        return 0;
    size_t size = opts->size ? opts->size : GHS_SEARCH_OPTS_V1_SIZE;
    if (size < GHS_SEARCH_OPTS_V1_SIZE)
        return ghs_set_error(err, GHS_EINVAL,
                             "[search] options of %zu bytes: smaller than any layout of "
                             "ghs_search_opts (set size with GHS_SEARCH_OPTS_INIT)", size);
    for (size_t i = sizeof *o; i < size; i++)
        if (((const unsigned char *)opts)[i] != 0)
            return ghs_set_error(err, GHS_EINVAL,
                                 "[search] an option this version of libghsearch (%s) does "
                                 "not know is set (byte %zu of ghs_search_opts)",
                                 GHS_VERSION, i);
    memcpy(o, opts, size < sizeof *o ? size : sizeof *o);
    o->size = sizeof *o;
    return 0;
}

int ghs_search(ghs_index *ix, const char *query, const ghs_search_opts *caller_opts,
               ghs_results **out, ghs_error *err)
{
    *out = NULL;
    ghs_search_opts o;
    int rc = read_opts(caller_opts, &o, err);
    if (rc < 0)
        return rc;
    const ghs_search_opts *opts = &o;
    rc = search_once(ix, query, opts, out, err);
    for (int attempt = 1; rc == GHS_EDB && attempt < GHS_READ_ATTEMPTS; attempt++) {
        if (ghs_index_reopen(ix, NULL) < 0)
            break;
        rc = search_once(ix, query, opts, out, err);
    }
    return rc;
}
