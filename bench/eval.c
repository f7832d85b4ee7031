/*
 * eval.c: `ghs-eval`, the ghsearch side of the retrieval evaluation.
 *
 * Runs a query set with relevance judgments (JSON Lines, one
 * {"qid","query","rel":[ids]} a line; --judge KEY reads the relevant ids
 * from another member, e.g. a keyword query's "lead" paragraph) against an
 * index built by `ghsearch index`, through the public API only
 * (ghsearch.h), and prints MRR@10, Recall@10, Recall@100 and the latency
 * of ghs_search().
 *
 * The definitions are those of metrics.py, which the peers use; keep the
 * two in step:
 *  - the relevant unit is the record id (hit->doc); ranks count distinct
 *    documents in hit order, so --per-doc above 1 does not push them down;
 *  - MRR@10 is the mean of 1/rank of the first relevant id in the top 10;
 *    Recall@k the mean of |relevant in top k| / |relevant|; a query that
 *    fails (a malformed-query error or any other) scores 0 and is counted;
 *  - latency: mean, and p50/p99 by nearest rank (sorted[ceil(p*n) - 1]);
 *  - --split even|odd keeps the queries whose FNV-1a-32 hash of the first
 *    relevant id is even|odd, so the questions on one passage stay together.
 *
 * Output: a readable block and one `RESULT key=value ...` line on stdout
 * (eval.sh builds its table from it); --dump-misses N prints the N worst
 * queries to stderr; --ranks FILE writes "qid<TAB>rank" per query (0 when
 * not found, -1 on error) for comparing engines query by query (metrics.py
 * compare: paired bootstrap of the MRR@10 difference). --hits FILE writes
 * "qid<TAB>rank<TAB>doc<TAB>score" for every document returned.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ghsearch.h"

/* One query of the set and what the engine did with it. */
typedef struct eval_query {
    char *qid;
    char *query;
    char **rel;          /* NULL-terminated relevant ids */
    size_t n_rel;
    char **docs;         /* NULL-terminated ranked distinct doc ids */
    char **titles;       /* titles of docs, same length */
    double *scores;      /* score of each doc's first hit, same length */
    size_t n_docs;
    double ms;           /* latency of ghs_search() */
    int error;           /* GHS_E* code, 0 when the search ran */
    char *error_message;
    size_t line;         /* 1-based line in the query file */
} eval_query;

typedef struct eval_opts {
    const char *db;
    const char *queries;
    const char *split;   /* "all", "even", "odd" */
    const char *judge;   /* member of a query holding its relevant ids: "rel", "lead" */
    const char *name;    /* engine name printed */
    const char *ranks;   /* optional per-query rank file */
    const char *hits;    /* optional per-query ranked list file */
    size_t per_doc;
    size_t limit;
    size_t dump_misses;
    double index_seconds; /* < 0 when unknown */
} eval_opts;

static void
usage(FILE *fp)
{
    fprintf(fp,
            "usage: ghs-eval --db DIR --queries FILE.jsonl [--per-doc N] [--limit N]\n"
            "                [--split all|even|odd] [--dump-misses N] [--ranks FILE]\n"
            "                [--hits FILE] [--name NAME] [--index-seconds S] [--judge KEY]\n\n"
            "Runs each {\"qid\",\"query\",\"rel\":[ids]} of FILE against the ghsearch\n"
            "index DIR and prints MRR@10, Recall@10, Recall@100 and latency.\n"
            "--judge KEY takes the relevant ids from the member KEY (an id or an array\n"
            "of ids) instead of \"rel\": --judge lead scores a keyword query by the\n"
            "lead paragraph of its article alone.\n"
            "Defaults: --per-doc 1, --limit 100, --split all, --name ghsearch, --judge rel.\n");
}

static uint32_t
fnv1a32(const char *s)
{
    uint32_t h = 0x811C9DC5u;

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x01000193u;
    }
    return h;
}

static int
in_split(const eval_query *q, const char *split)
{
    unsigned parity;

    if (strcmp(split, "all") == 0)
        return 1;
    parity = q->n_rel ? fnv1a32(q->rel[0]) % 2u : 0u;
    return parity == (strcmp(split, "even") == 0 ? 0u : 1u);
}

static void
eval_query_free(eval_query *q)
{
    g_free(q->qid);
    g_free(q->query);
    g_strfreev(q->rel);
    g_strfreev(q->docs);
    g_strfreev(q->titles);
    g_free(q->scores);
    g_free(q->error_message);
    g_free(q);
}

/* Parse one line of the query file; NULL (with *why set) when malformed. */
static eval_query *
parse_query_line(const char *line, size_t len, const char *judge, char **why)
{
    JsonParser *parser = json_parser_new();
    GError *gerr = NULL;
    eval_query *q = NULL;
    JsonObject *o;
    JsonNode *rel;
    guint i;

    if (!json_parser_load_from_data(parser, line, (gssize)len, &gerr)) {
        *why = g_strdup(gerr->message);
        g_error_free(gerr);
        goto out;
    }
    if (!JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
        *why = g_strdup("not a JSON object");
        goto out;
    }
    o = json_node_get_object(json_parser_get_root(parser));
    rel = json_object_has_member(o, judge) ? json_object_get_member(o, judge) : NULL;
    if (!json_object_has_member(o, "query") || !rel ||
        !JSON_NODE_HOLDS_VALUE(json_object_get_member(o, "query")) ||
        !(JSON_NODE_HOLDS_ARRAY(rel) ||
          (JSON_NODE_HOLDS_VALUE(rel) && json_node_get_value_type(rel) == G_TYPE_STRING))) {
        *why = g_strdup_printf("needs \"query\" (string) and \"%s\" (an id or an array of ids)",
                               judge);
        goto out;
    }
    q = g_new0(eval_query, 1);
    q->qid = g_strdup(json_object_has_member(o, "qid")
                          ? json_object_get_string_member(o, "qid") : "");
    q->query = g_strdup(json_object_get_string_member(o, "query"));
    if (JSON_NODE_HOLDS_ARRAY(rel)) {
        JsonArray *a = json_node_get_array(rel);
        q->rel = g_new0(char *, json_array_get_length(a) + 1);
        for (i = 0; i < json_array_get_length(a); i++)   /* ids are strings; others skipped */
            if (JSON_NODE_HOLDS_VALUE(json_array_get_element(a, i)) &&
                json_node_get_value_type(json_array_get_element(a, i)) == G_TYPE_STRING)
                q->rel[q->n_rel++] = g_strdup(json_array_get_string_element(a, i));
    } else {
        q->n_rel = 1;
        q->rel = g_new0(char *, 2);
        q->rel[0] = g_strdup(json_node_get_string(rel));
    }
    if (!q->query) {
        eval_query_free(q);
        q = NULL;
        *why = g_strdup("\"query\" is not a string");
    }
out:
    g_object_unref(parser);
    return q;
}

/* Read the query file, keeping the queries of the split. */
static GPtrArray *
load_queries(const char *path, const char *split, const char *judge)
{
    GError *gerr = NULL;
    char *contents = NULL;
    gsize size = 0;
    GPtrArray *out;
    char *line, *next;
    size_t lineno = 0;

    if (!g_file_get_contents(path, &contents, &size, &gerr)) {
        fprintf(stderr, "ghs-eval: [queries][%s] cannot read: %s\n", path, gerr->message);
        g_error_free(gerr);
        return NULL;
    }
    out = g_ptr_array_new_with_free_func((GDestroyNotify)eval_query_free);
    for (line = contents; line && *line; line = next) {
        char *why = NULL;
        eval_query *q;
        size_t len;

        next = strchr(line, '\n');
        len = next ? (size_t)(next - line) : strlen(line);
        if (next)
            next++;
        lineno++;
        while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
            len--;
        if (len == 0)
            continue;
        q = parse_query_line(line, len, judge, &why);
        if (!q) {
            fprintf(stderr, "ghs-eval: [queries][%s:%zu] skipped: %s\n", path, lineno, why);
            g_free(why);
            continue;
        }
        q->line = lineno;
        if (in_split(q, split))
            g_ptr_array_add(out, q);
        else
            eval_query_free(q);
    }
    g_free(contents);
    return out;
}

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Run one query; fills q->docs (distinct ids, hit order), q->ms, q->error. */
static void
run_query(ghs_index *ix, eval_query *q, const eval_opts *o)
{
    ghs_search_opts so = { GHS_SEARCH_OPTS_INIT };
    ghs_results *res = NULL;
    ghs_error err = {0};
    GPtrArray *docs, *titles;
    GArray *scores;
    GHashTable *seen;
    double t0;
    size_t i, n;
    int rc;

    so.limit = o->limit;
    so.per_doc = o->per_doc;
    t0 = now_ms();
    rc = ghs_search(ix, q->query, &so, &res, &err);
    q->ms = now_ms() - t0;
    if (rc != 0) {
        q->error = rc;
        q->error_message = g_strdup(err.message);
        q->docs = g_new0(char *, 1);
        q->titles = g_new0(char *, 1);
        return;
    }
    docs = g_ptr_array_new();
    titles = g_ptr_array_new();
    scores = g_array_new(FALSE, FALSE, sizeof(double));
    seen = g_hash_table_new(g_str_hash, g_str_equal);
    n = ghs_results_count(res);
    for (i = 0; i < n; i++) {
        const ghs_hit *h = ghs_results_hit(res, i);
        char *id;

        if (!h || !h->doc || g_hash_table_contains(seen, h->doc))
            continue;
        id = g_strdup(h->doc);
        g_hash_table_add(seen, id);
        g_ptr_array_add(docs, id);
        g_ptr_array_add(titles, g_strdup(h->title ? h->title : ""));
        g_array_append_val(scores, h->score);
    }
    q->n_docs = docs->len;
    g_ptr_array_add(docs, NULL);
    g_ptr_array_add(titles, NULL);
    q->docs = (char **)g_ptr_array_free(docs, FALSE);
    q->titles = (char **)g_ptr_array_free(titles, FALSE);
    q->scores = (double *)g_array_free(scores, FALSE);
    g_hash_table_destroy(seen);
    ghs_results_free(res);
}

static int
is_relevant(const eval_query *q, const char *doc)
{
    size_t i;

    for (i = 0; i < q->n_rel; i++)
        if (strcmp(q->rel[i], doc) == 0)
            return 1;
    return 0;
}

/* 1-based rank of the first relevant doc, 0 when none was returned. */
static size_t
first_rank(const eval_query *q)
{
    size_t i;

    for (i = 0; i < q->n_docs; i++)
        if (is_relevant(q, q->docs[i]))
            return i + 1;
    return 0;
}

static double
recall_at(const eval_query *q, size_t k)
{
    size_t i, found = 0;

    if (q->n_rel == 0)
        return 0.0;
    for (i = 0; i < q->n_docs && i < k; i++)
        found += (size_t)is_relevant(q, q->docs[i]);
    return (double)found / (double)q->n_rel;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double
percentile(const double *sorted, size_t n, double p)
{
    size_t k;

    if (n == 0)
        return 0.0;
    k = (size_t)ceil(p * (double)n);
    if (k < 1)
        k = 1;
    if (k > n)
        k = n;
    return sorted[k - 1];
}

/* Worst first: errors and not-found before found, then by rank, descending;
 * file order breaks ties. */
static int
cmp_badness(const void *a, const void *b)
{
    const eval_query *x = *(eval_query *const *)a, *y = *(eval_query *const *)b;
    size_t rx = x->error ? 0 : first_rank(x), ry = y->error ? 0 : first_rank(y);
    int fx = rx != 0, fy = ry != 0;

    if (fx != fy)
        return fx - fy;
    if (rx != ry)
        return rx > ry ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

static void
dump_misses(GPtrArray *qs, size_t n)
{
    eval_query **v = g_memdup2(qs->pdata, qs->len * sizeof *v);
    size_t i, j;

    qsort(v, qs->len, sizeof *v, cmp_badness);
    for (i = 0; i < n && i < qs->len; i++) {
        eval_query *q = v[i];
        size_t rk = q->error ? 0 : first_rank(q);
        GString *top = g_string_new(NULL);

        for (j = 0; j < 3 && j < q->n_docs; j++)
            g_string_append_printf(top, "%s%s (%s)", j ? ", " : "", q->docs[j], q->titles[j]);
        if (q->error)
            fprintf(stderr, "miss\t%s\terror: %s\t%s\trel=%s\ttop3=\n", q->qid,
                    q->error_message, q->query, q->n_rel ? q->rel[0] : "");
        else if (rk == 0)
            fprintf(stderr, "miss\t%s\tnot found\t%s\trel=%s\ttop3=%s\n", q->qid, q->query,
                    q->n_rel ? q->rel[0] : "", top->str);
        else
            fprintf(stderr, "miss\t%s\trank %zu\t%s\trel=%s\ttop3=%s\n", q->qid, rk,
                    q->query, q->n_rel ? q->rel[0] : "", top->str);
        g_string_free(top, TRUE);
    }
    g_free(v);
}

/* "qid<TAB>rank" (0 when not found, -1 on error). */
static void
rank_line(FILE *fp, const eval_query *q)
{
    fprintf(fp, "%s\t%ld\n", q->qid, q->error ? -1L : (long)first_rank(q));
}

/* "qid<TAB>rank<TAB>doc<TAB>score" for every document returned, in order. */
static void
hit_lines(FILE *fp, const eval_query *q)
{
    size_t j;

    for (j = 0; j < q->n_docs; j++)
        fprintf(fp, "%s\t%zu\t%s\t%.6f\n", q->qid, j + 1, q->docs[j], q->scores[j]);
}

/* Write what line() prints for each query to path; what names the file in
 * messages. 0 or -1 (reported). */
static int
write_per_query(GPtrArray *qs, const char *path, const char *what,
                void (*line)(FILE *, const eval_query *))
{
    FILE *fp = fopen(path, "w");
    guint i;

    if (!fp) {
        fprintf(stderr, "ghs-eval: [%s][%s] cannot write: %s\n", what, path, g_strerror(errno));
        return -1;
    }
    for (i = 0; i < qs->len; i++)
        line(fp, g_ptr_array_index(qs, i));
    if (fclose(fp) != 0) {
        fprintf(stderr, "ghs-eval: [%s][%s] cannot write: %s\n", what, path, g_strerror(errno));
        return -1;
    }
    return 0;
}

static void
report(GPtrArray *qs, const eval_opts *o)
{
    double mrr = 0, r10 = 0, r100 = 0, sum_ms = 0, *lat;
    size_t i, errors = 0, n = qs->len, d = n ? n : 1;
    char index_s[32];

    lat = g_new0(double, n ? n : 1);
    for (i = 0; i < n; i++) {
        const eval_query *q = g_ptr_array_index(qs, i);
        size_t rk;

        lat[i] = q->ms;
        sum_ms += q->ms;
        if (q->error) {
            errors++;
            continue;
        }
        rk = first_rank(q);
        if (rk != 0 && rk <= 10)
            mrr += 1.0 / (double)rk;
        r10 += recall_at(q, 10);
        r100 += recall_at(q, 100);
    }
    qsort(lat, n, sizeof *lat, cmp_double);
    if (o->index_seconds >= 0)
        snprintf(index_s, sizeof index_s, "%.3f", o->index_seconds);
    else
        snprintf(index_s, sizeof index_s, "-");

    printf("engine: %s\n", o->name);
    printf("queries: %zu (malformed-query errors, counted as misses: %zu)\n", n, errors);
    printf("MRR@10: %.4f  Recall@10: %.4f  Recall@100: %.4f\n", mrr / (double)d,
           r10 / (double)d, r100 / (double)d);
    printf("latency ms: mean %.2f  p50 %.2f  p99 %.2f\n", n ? sum_ms / (double)n : 0.0,
           percentile(lat, n, 0.50), percentile(lat, n, 0.99));
    if (o->index_seconds >= 0)
        printf("index s: %.2f\n", o->index_seconds);
    printf("RESULT engine=%s judge=%s queries=%zu errors=%zu mrr10=%.6f r10=%.6f r100=%.6f "
           "mean_ms=%.3f p50_ms=%.3f p99_ms=%.3f index_s=%s\n",
           o->name, o->judge, n, errors, mrr / (double)d, r10 / (double)d, r100 / (double)d,
           n ? sum_ms / (double)n : 0.0, percentile(lat, n, 0.50), percentile(lat, n, 0.99),
           index_s);
    fflush(stdout);
    g_free(lat);
}

static int
parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return -1;
    *out = (size_t)v;
    return 0;
}

/* Fill o from argv; 0 on success, 2 (usage error) otherwise. */
static int
parse_args(int argc, char **argv, eval_opts *o)
{
    int i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0;

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        }
        if (!v) {
            fprintf(stderr, "ghs-eval: %s needs a value\n", a);
            return 2;
        }
        if (strcmp(a, "--db") == 0)
            o->db = v;
        else if (strcmp(a, "--queries") == 0)
            o->queries = v;
        else if (strcmp(a, "--split") == 0)
            o->split = v, bad = strcmp(v, "all") && strcmp(v, "even") && strcmp(v, "odd");
        else if (strcmp(a, "--judge") == 0)
            o->judge = v, bad = !*v;
        else if (strcmp(a, "--name") == 0)
            o->name = v;
        else if (strcmp(a, "--ranks") == 0)
            o->ranks = v;
        else if (strcmp(a, "--hits") == 0)
            o->hits = v;
        else if (strcmp(a, "--per-doc") == 0)
            bad = parse_size(v, &o->per_doc) != 0 || o->per_doc == 0;
        else if (strcmp(a, "--limit") == 0)
            bad = parse_size(v, &o->limit) != 0 || o->limit == 0;
        else if (strcmp(a, "--dump-misses") == 0)
            bad = parse_size(v, &o->dump_misses) != 0;
        else if (strcmp(a, "--index-seconds") == 0) {
            char *end;
            o->index_seconds = strtod(v, &end);
            bad = end == v || *end;
        } else {
            fprintf(stderr, "ghs-eval: unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        }
        if (bad) {
            fprintf(stderr, "ghs-eval: bad value for %s: '%s'\n", a, v);
            return 2;
        }
        i++;
    }
    if (!o->db || !o->queries) {
        usage(stderr);
        return 2;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    eval_opts o = { .split = "all", .judge = "rel", .name = "ghsearch", .per_doc = 1, .limit = 100,
                    .index_seconds = -1.0 };
    ghs_index *ix = NULL;
    ghs_error err = {0};
    GPtrArray *qs;
    guint i;
    int rc;

    rc = parse_args(argc, argv, &o);
    if (rc != 0)
        return rc;
    qs = load_queries(o.queries, o.split, o.judge);
    if (!qs)
        return 1;
    if (ghs_index_open(&ix, o.db, GHS_OPEN_READ, &err) != 0) {
        fprintf(stderr, "ghs-eval: %s\n", err.message);
        g_ptr_array_free(qs, TRUE);
        return 1;
    }
    for (i = 0; i < qs->len; i++)
        run_query(ix, g_ptr_array_index(qs, i), &o);
    ghs_index_close(ix);

    report(qs, &o);
    if (o.dump_misses > 0)
        dump_misses(qs, o.dump_misses);
    rc = o.ranks && write_per_query(qs, o.ranks, "ranks", rank_line) != 0 ? 1 : 0;
    if (o.hits && write_per_query(qs, o.hits, "hits", hit_lines) != 0)
        rc = 1;
    g_ptr_array_free(qs, TRUE);
    return rc;
}
