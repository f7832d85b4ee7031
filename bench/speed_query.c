/*
 * speed_query.c: query latency of libghsearch, for bench/speed.sh.
 *
 * Usage: ghs-speed-query --db DB --queries FILE [--repeat N] [--limit N] [--dump]
 *
 * FILE holds "class<TAB>query" lines (bench/gen_corpus.py writes them).
 * Opens DB once, as an embedding program would, runs every query once to
 * warm the page cache, then N more times (default 3) through ghs_search()
 * with the default options and --limit hits (default 10), reading every
 * hit's fields. Prints one JSON object a line per class:
 *   {"engine":"ghsearch","class":"word","queries":100,"runs":300,
 *    "p50_ms":..,"p99_ms":..,"mean_ms":..,"cpu_p50_ms":..,"cpu_p99_ms":..,
 *    "avg_hits":..}
 * p50/p99 are wall-clock times; cpu_* the CPU time this process spent on
 * the query (CLOCK_PROCESS_CPUTIME_ID), which other load on the machine
 * does not inflate.
 * A query the parser rejects is counted in "errors" and left out of the
 * times. Uses the public header only.
 * --dump runs every query once, untimed, and prints everything the results
 * hold instead (total, suggestion, and per hit its rank, score, document,
 * page, window, highlights, other locations...), one line per field, so
 * two builds can be compared with diff.
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ghsearch.h"

typedef struct qclass {
    char *name;
    GArray *ms;        /* double, wall-clock ms, one per timed run */
    GArray *cpu;       /* double, CPU ms of this process, one per timed run */
    size_t queries, errors, hits;
} qclass;

static double clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) of sorted v by the nearest-rank method. */
static double quantile(const GArray *v, double q)
{
    if (v->len == 0)
        return 0;
    size_t rank = (size_t)(q * (double)v->len + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > v->len)
        rank = v->len;
    return g_array_index(v, double, rank - 1);
}

#define USAGE \
    "usage: ghs-speed-query --db DB --queries FILE [--repeat N] [--limit N] [--dump]\n"

/* What the hits' fields add up to, so reading them cannot be optimized out. */
static volatile size_t sink;

/* Run q once; returns the number of hits, or -1 on a rejected query. */
static long run_query(ghs_index *ix, const char *q, size_t limit)
{
    ghs_search_opts o = { GHS_SEARCH_OPTS_INIT, .limit = limit };
    ghs_results *r = NULL;
    ghs_error e = { 0 };
    if (ghs_search(ix, q, &o, &r, &e) < 0)
        return -1;
    size_t n = ghs_results_count(r);
    for (size_t i = 0; i < n; i++) {
        const ghs_hit *h = ghs_results_hit(r, i);
        sink += strlen(h->passage) + strlen(h->doc) + h->n_highlights;
    }
    ghs_results_free(r);
    return (long)n;
}

static void dump_str(const char *what, const char *s)
{
    printf("  %s=", what);
    for (; s && *s; s++)
        putchar(*s == '\n' ? ' ' : *s);
    putchar('\n');
}

/* Print what query q finds, for --dump. */
static void dump_query(ghs_index *ix, const char *cls, const char *q, size_t limit)
{
    ghs_search_opts o = { GHS_SEARCH_OPTS_INIT, .limit = limit };
    ghs_results *r = NULL;
    ghs_error e = { 0 };
    printf("%s\t%s\n", cls, q);
    if (ghs_search(ix, q, &o, &r, &e) < 0) {
        printf("  error=%d %s\n", e.code, e.message);
        return;
    }
    size_t n = ghs_results_count(r);
    printf("  hits=%zu total=%zu\n", n, ghs_results_total(r));
    dump_str("suggestion", ghs_results_suggestion(r));
    for (size_t i = 0; i < n; i++) {
        const ghs_hit *h = ghs_results_hit(r, i);
        printf(" #%d doc_rank=%d score=%.17g doc=%s page=%d window=%d-%d\n", h->rank,
               h->doc_rank, h->score, h->doc, h->page, h->window_start, h->window_end);
        dump_str("title", h->title);
        dump_str("source", h->source);
        dump_str("lang", h->lang);
        dump_str("type", h->type);
        dump_str("citation", h->citation);
        dump_str("publisher", h->publisher);
        dump_str("date", h->date);
        dump_str("url", h->url);
        dump_str("linked_from", h->linked_from);
        dump_str("passage", h->passage);
        dump_str("full_passage", h->full_passage);
        printf("  highlights=");
        for (size_t k = 0; k < h->n_highlights; k++)
            printf("%d-%d ", h->highlights[k].start, h->highlights[k].end);
        printf("\n  also_in=");
        for (size_t k = 0; k < h->n_also_in; k++)
            printf("%s:%d ", h->also_in[k].doc, h->also_in[k].page);
        putchar('\n');
    }
    ghs_results_free(r);
}

int main(int argc, char **argv)
{
    const char *db = NULL, *queries = NULL;
    int repeat = 3, dump = 0;
    size_t limit = 10;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc)
            db = argv[++i];
        else if (!strcmp(argv[i], "--queries") && i + 1 < argc)
            queries = argv[++i];
        else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--limit") && i + 1 < argc)
            limit = (size_t)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--dump"))
            dump = 1;
        else {
            fputs(USAGE, stderr);
            return 2;
        }
    }
    if (!db || !queries || repeat < 1) {
        fputs(USAGE, stderr);
        return 2;
    }
    char *text = NULL;
    GError *ge = NULL;
    if (!g_file_get_contents(queries, &text, NULL, &ge)) {
        fprintf(stderr, "ghs-speed-query: %s\n", ge->message);
        return 1;
    }
    ghs_index *ix = NULL;
    ghs_error err = { 0 };
    if (ghs_index_open(&ix, db, GHS_OPEN_READ, &err) < 0) {
        fprintf(stderr, "ghs-speed-query: %s\n", err.message);
        return 1;
    }
    GPtrArray *classes = g_ptr_array_new();
    GPtrArray *qs = g_ptr_array_new();   /* pairs: qclass*, query */
    char **lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        char *tab = strchr(*l, '\t');
        if (!tab)
            continue;
        *tab = 0;
        qclass *c = NULL;
        for (guint k = 0; k < classes->len && !c; k++)
            if (!strcmp(((qclass *)classes->pdata[k])->name, *l))
                c = classes->pdata[k];
        if (!c) {
            c = g_new0(qclass, 1);
            c->name = *l;
            c->ms = g_array_new(FALSE, FALSE, sizeof(double));
            c->cpu = g_array_new(FALSE, FALSE, sizeof(double));
            g_ptr_array_add(classes, c);
        }
        c->queries++;
        g_ptr_array_add(qs, c);
        g_ptr_array_add(qs, tab + 1);
    }
    if (dump) {
        for (guint i = 0; i < qs->len; i += 2)
            dump_query(ix, ((qclass *)qs->pdata[i])->name, qs->pdata[i + 1], limit);
        repeat = 0;
    } else {
        for (guint i = 0; i < qs->len; i += 2)   /* warm-up */
            run_query(ix, qs->pdata[i + 1], limit);
    }
    for (int r = 0; r < repeat; r++)
        for (guint i = 0; i < qs->len; i += 2) {
            qclass *c = qs->pdata[i];
            double t0 = clock_ms(CLOCK_MONOTONIC);
            double c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
            long n = run_query(ix, qs->pdata[i + 1], limit);
            double dc = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
            double dt = clock_ms(CLOCK_MONOTONIC) - t0;
            if (n < 0) {
                if (r == 0)
                    c->errors++;
                continue;
            }
            g_array_append_val(c->ms, dt);
            g_array_append_val(c->cpu, dc);
            c->hits += (size_t)n;
        }
    for (guint k = 0; k < classes->len; k++) {
        qclass *c = classes->pdata[k];
        double sum = 0;
        for (guint i = 0; i < c->ms->len; i++)
            sum += g_array_index(c->ms, double, i);
        qsort(c->ms->data, c->ms->len, sizeof(double), cmp_double);
        qsort(c->cpu->data, c->cpu->len, sizeof(double), cmp_double);
        if (!dump)
            printf("{\"engine\":\"ghsearch\",\"class\":\"%s\",\"queries\":%zu,\"runs\":%u,"
                   "\"errors\":%zu,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"mean_ms\":%.3f,"
                   "\"cpu_p50_ms\":%.3f,\"cpu_p99_ms\":%.3f,\"avg_hits\":%.2f}\n",
                   c->name, c->queries, c->ms->len, c->errors, quantile(c->ms, 0.50),
                   quantile(c->ms, 0.99), c->ms->len ? sum / c->ms->len : 0.0,
                   quantile(c->cpu, 0.50), quantile(c->cpu, 0.99),
                   c->ms->len ? (double)c->hits / c->ms->len : 0.0);
        g_array_free(c->ms, TRUE);
        g_array_free(c->cpu, TRUE);
        g_free(c);
    }
    g_ptr_array_free(classes, TRUE);
    g_ptr_array_free(qs, TRUE);
    g_strfreev(lines);
    g_free(text);
    ghs_index_close(ix);
    return 0;
}
