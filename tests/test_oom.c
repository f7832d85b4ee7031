/*
 * test_oom.c: every allocation libghsearch's own code makes and checks
 * (malloc, calloc, realloc, strdup, strndup: analysis buffers and tokens,
 * the query parser, passages, links, strings from the Xapian binding) can
 * fail without harm, in the manner of SQLite's out-of-memory tests.
 *
 * oom_inject.c fails the n-th own allocation of one call site (a site is
 * one call instruction in libghsearch.so, found by its return address;
 * GLib's g_malloc aborts by design and is not counted, nor are allocations
 * inside ICU, poppler or libstdc++, whose std::bad_alloc test_faults.c
 * injects; the forked writers of a parallel run count too, and the forked
 * PDF extractor makes no allocation of its own). A run
 * without faults finds the sites a scenario reaches and how often; then
 * each site fails at its first calls and at calls spread up to its last,
 * each time in a fresh run, and the test checks:
 *   - an index run on top of a committed index (one writer), and a first
 *     run into an empty index (two writers in parallel, merged), either
 *     reports the failure (GHS_ENOMEM, with a message) or gives exactly
 *     the index of a run that never failed (counts, every term with its
 *     frequency, answers); the database opens, what was committed before
 *     is there, and a re-run without faults gives the same documents,
 *     passages and answers as the run that never failed;
 *   - a session of reads (searches of every kind, their JSON, citations
 *     and exports, documents, page text, links, glossary, stats) gives,
 *     at the step where the allocation failed, GHS_ENOMEM or the answer a
 *     session without faults gives, and at every other step that answer:
 *     a failure leaves nothing stuck behind it.
 * No crash, no sanitizer report, no leak (the ASan build's LeakSanitizer).
 *
 * GHS_FAULT_PER_SITE: calls failed per site (default 6: the first 3, then
 * spread to the last; 4 under AddressSanitizer); GHS_FAULT_STRIDE=s: instead, every s-th own
 * allocation of the whole run, whatever its site (1 = all of them);
 * GHS_FAULT_ONLY=N (the N-th own allocation) or +0xOFF:K (the K-th of the
 * site at that offset into libghsearch.so, as the messages print it), to
 * look at one; GHS_FAULT_TRAP=1 traps at the failing call;
 * GHS_FAULT_KEEP_GOING=1 tries every fault before failing (with --keep-going
 * for the other tests). Skipped, saying why, where the allocator cannot be
 * replaced (valgrind, libghsearch linked statically).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ghsearch.h"
#include "oom_inject.h"
#include "test_util.h"

static char *corpus_dir;   /* the sample corpus the build made */
static char *first_dir;    /* what is committed before each faulty run */
static int can_inject;
static const char *why_not;

static const char first_text[] =
    "Zeolite water filters for rural clinics\n"
    "Clinics in the northern districts report that zeolite filters keep water safe.\n"
    "ゼオライトの浄水フィルターは地方の診療所で安全な水を保つ。\n";

/* What the index runs are compared by, besides counts and terms. */
static const char *const index_queries[] = {
    "ユニバーサル・ヘルス・カバレッジ", "health financing", "zeolite", "\"medical countermeasures\"",
    "カバレッジ",
};

/* Queries of every kind the parser and the query builder know. */
static const char *const queries[] = {
    "ユニバーサル・ヘルス・カバレッジ", "health financing", "zeolite",
    "\"medical countermeasures\"", "(UHC OR ユニバーサル) AND -zeolite lang:ja",
    "MCM 公平なアクセス", "diagnostics NOT vaccine type:pdf", "\"100 Days Mission\" diagnostics",
    "healthy financed clinic's", "(unclosed \"phrase",
    /* Questions (ranked by their wording) and a long one. */
    "ユニバーサル・ヘルス・カバレッジとは何ですか？", "感染症危機対応医薬品等の公平なアクセスはなぜ重要か",
    "What is universal health coverage and how is it financed?",
    /* Nothing found: a spelling suggestion. */
    "diagnostcs vacine",
    /* A group merged into its parent group of the same kind. */
    "vaccines OR (diagnostics OR therapeutics)",
};

/* Totals over the whole test, for the closing message. */
static struct {
    long tried, reported, harmless;
    GHashTable *sites;   /* offsets of the sites failed at least once */
} total;

/* A fault that was not handled: the test stops there, or with
 * GHS_FAULT_KEEP_GOING=1 fails at the end, after every fault was tried. */
static void problem(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void problem(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (!g_getenv("GHS_FAULT_KEEP_GOING"))
        g_error("%s", msg);
    g_test_message("NOT HANDLED: %s", msg);
    g_test_fail();
    g_free(msg);
}

/* Where got and want differ: the first line that does, in both. */
static char *difference(const char *got, const char *want)
{
    char **g = g_strsplit(got, "\n", -1), **w = g_strsplit(want, "\n", -1);
    guint i = 0;
    while (g[i] && w[i] && strcmp(g[i], w[i]) == 0)
        i++;
    char *d = g_strdup_printf("line %u is\n  %s\ninstead of\n  %s", i + 1,
                              g[i] ? g[i] : "(none)", w[i] ? w[i] : "(none)");
    g_strfreev(g);
    g_strfreev(w);
    return d;
}

/* ------------------------------------------------------------ planning */

typedef struct { uintptr_t site; long n; } fault;

/* Calls failed per site unless GHS_FAULT_PER_SITE says: the first 3 and 3
 * spread to the last; under AddressSanitizer, which runs each several
 * times slower, the first 3 and the last (its checks are about the error
 * paths taken, which the first calls already take). */
#if defined(__SANITIZE_ADDRESS__)
#define GHS_OOM_PER_SITE 4
#else
#define GHS_OOM_PER_SITE 6
#endif

static long env_long(const char *name, long dflt)
{
    const char *v = g_getenv(name);
    return v && atol(v) > 0 ? atol(v) : dflt;
}

static int cmp_site(const void *a, const void *b)
{
    const oom_site_count *x = a, *y = b;
    return x->site < y->site ? -1 : x->site > y->site;
}

/* The sites the reference run reached, sorted; logs them with their names. */
static GArray *reached_sites(const char *what)
{
    oom_site_count buf[512];
    size_t n = oom_sites(buf, G_N_ELEMENTS(buf));
    g_assert_cmpuint(n, <=, G_N_ELEMENTS(buf));
    qsort(buf, n, sizeof buf[0], cmp_site);
    GArray *a = g_array_new(FALSE, FALSE, sizeof(oom_site_count));
    g_array_append_vals(a, buf, (guint)n);
    g_test_message("%s: %ld own allocations at %zu sites", what, oom_calls(), n);
    for (size_t i = 0; i < n; i++) {
        char *name = oom_site_name(buf[i].site);
        g_test_message("  %6ld  %s", buf[i].calls, name);
        g_free(name);
    }
    return a;
}

/* The faults to try over a run that made `calls` own allocations at sites. */
static GArray *plan(GArray *sites, long calls)
{
    GArray *p = g_array_new(FALSE, FALSE, sizeof(fault));
    const char *only = g_getenv("GHS_FAULT_ONLY");
    if (only) {
        unsigned long long off = 0;
        long k = 0;
        fault f = { 0, 0 };
        if (sscanf(only, "+%llx:%ld", &off, &k) == 2)
            f = (fault){ oom_site_from_offset((uintptr_t)off), k };
        else
            f.n = atol(only);
        g_array_append_val(p, f);
        return p;
    }
    long stride = env_long("GHS_FAULT_STRIDE", 0);
    if (stride) {
        for (long n = 1; n <= calls; n += stride)
            g_array_append_val(p, ((fault){ 0, n }));
        return p;
    }
    long per_site = env_long("GHS_FAULT_PER_SITE", GHS_OOM_PER_SITE);
    for (guint i = 0; i < sites->len; i++) {
        const oom_site_count *s = &g_array_index(sites, oom_site_count, i);
        long first = per_site < 3 ? per_site : 3, spread = per_site - first;
        long last = 0;
        for (long k = 1; k <= first && k <= s->calls; k++)
            g_array_append_val(p, ((fault){ s->site, last = k }));
        /* The rest evenly over (first, calls], the last call included. */
        for (long j = 1; j <= spread && s->calls > first; j++) {
            long k = first + (s->calls - first) * j / spread;
            if (k > last) {
                g_array_append_val(p, ((fault){ s->site, k }));
                last = k;
            }
        }
    }
    return p;
}

/* The fault f, after the run it was tried in. */
static char *fault_name(const fault *f)
{
    if (!f->site && oom_fired()) {
        char *site = oom_site_name(oom_fired_site());
        char *s = g_strdup_printf("own allocation %ld (at %s)", f->n, site);
        g_free(site);
        return s;
    }
    if (!f->site)
        return g_strdup_printf("own allocation %ld", f->n);
    char *site = oom_site_name(f->site);
    char *s = g_strdup_printf("call %ld of %s", f->n, site);
    g_free(site);
    return s;
}

static void count_site(uintptr_t site)
{
    g_hash_table_add(total.sites, GSIZE_TO_POINTER(oom_site_offset(site)));
}

/* One loop's faults said and added to the whole test's. */
static void count_faults(const char *what, guint sites, long reported, long harmless)
{
    g_test_message("%s: %ld allocation failures injected at %u sites: %ld reported "
                   "(GHS_ENOMEM), %ld harmless", what, reported + harmless, sites, reported,
                   harmless);
    total.tried += reported + harmless;
    total.reported += reported;
    total.harmless += harmless;
}

/* ------------------------------------------------------------ index runs */

/* One index run over dir with `jobs` writers (they write in parallel
 * only into an empty index), the JSON Lines records in several batches. */
static int index_run_jobs(const char *db, const char *dir, unsigned jobs, ghs_error *err)
{
    return ghs_test_index_run(db, dir, jobs, 7, err);
}

static int index_run(const char *db, const char *dir, ghs_error *err)
{
    return index_run_jobs(db, dir, 1, err);
}

/* Every term of the index with its frequency, as a digest: a failure that
 * left a word or a piece of a compound unindexed shows here even when no
 * query asks for it. "-" without xapian-delve (xapian-tools). */
static char digest[65];

static const char *terms_digest(const char *db)
{
    char *delve = g_find_program_in_path("xapian-delve");
    if (!delve)
        delve = g_find_program_in_path("delve");
    if (!delve)
        return "-";
    char *argv[] = { delve, "-a", "-v", (char *)db, NULL };
    char *out = NULL;
    int status = 0;
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                               NULL, &status, NULL));
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, out, -1);
    g_strlcpy(digest, sum, sizeof digest);
    g_free(sum);
    g_free(out);
    g_free(delve);
    return digest;
}

/* What a user sees of an index: its counts and the answers to queries. */
static char *fingerprint(const char *db)
{
    ghs_index *ix = NULL;
    ghs_error err = {0};
    if (ghs_index_open(&ix, db, GHS_OPEN_READ, &err) < 0)
        return g_strdup_printf("cannot open: %s", err.message);
    GString *g = g_string_new(NULL);
    ghs_stats st;
    if (ghs_index_stats(ix, &st, &err) == 0)
        g_string_append_printf(g, "%zu documents, %zu passages, %zu terms, %.4f a passage\n",
                               st.documents, st.passages, st.terms, st.avg_passage_length);
    g_string_append_printf(g, "terms %s\n", terms_digest(db));
    for (size_t q = 0; q < G_N_ELEMENTS(index_queries); q++) {
        ghs_search_opts o = { GHS_SEARCH_OPTS_INIT, .limit = 20, .per_doc = 3 };
        ghs_results *r = NULL;
        if (ghs_search(ix, index_queries[q], &o, &r, &err) < 0) {
            g_string_append_printf(g, "%s: error %s\n", index_queries[q], err.message);
            continue;
        }
        g_string_append_printf(g, "%s: %zu of %zu\n", index_queries[q], ghs_results_count(r),
                               ghs_results_total(r));
        for (size_t i = 0; i < ghs_results_count(r); i++) {
            const ghs_hit *h = ghs_results_hit(r, i);
            g_string_append_printf(g, "  %s p%d %.4f %s\n", h->doc, h->page, h->score,
                                   h->passage);
        }
        ghs_results_free(r);
    }
    ghs_index_close(ix);
    return g_string_free(g, FALSE);
}


/* The faults of an index run over the corpus: on top of a committed index
 * (first == 0: one writer, the files added to what is there), or into an
 * empty one (first: two writers in parallel, merged by compaction). */
static void index_faults(int first)
{
    const char *what = first ? "a first index run (2 writers)" : "an index run";
    unsigned jobs = first ? 2 : 1;
    char *dir = ghs_test_tmp_dir("ghs-oom-XXXXXX");
    char *base = g_build_filename(dir, "base", NULL);
    ghs_error err = {0};
    char *before = NULL;
    if (!first) {
        g_assert_cmpint(index_run(base, first_dir, &err), ==, 0);
        before = fingerprint(base);
        g_assert_nonnull(strstr(before, "zeolite: 1 of 1"));
    }

    /* The index of a run that never failed, and the sites it reaches. */
    char *ref = g_build_filename(dir, "ref", NULL);
    if (!first)
        ghs_test_copy_tree(base, ref);
    oom_arm(0, 0);
    g_assert_cmpint(index_run_jobs(ref, corpus_dir, jobs, &err), ==, 0);
    oom_disarm();
    char *want = fingerprint(ref);
    GArray *sites = reached_sites(what);
    GArray *faults = plan(sites, oom_calls());
    g_assert_cmpuint(sites->len, >, 5);

    long reported = 0, harmless = 0;
    for (guint k = 0; k < faults->len; k++) {
        const fault *f = &g_array_index(faults, fault, k);
        char *db = g_strdup_printf("%s/run-%u", dir, k);
        if (!first)
            ghs_test_copy_tree(base, db);
        ghs_error e = {0};
        oom_arm(f->site, f->n);
        int rc = index_run_jobs(db, corpus_dir, jobs, &e);
        oom_disarm();
        char *name = fault_name(f);
        if (oom_fired() != 1) {
            /* A count of another thread's interleaving can fall short. */
            g_test_message("%s: not reached (%ld own allocations)", name, oom_calls());
            g_free(name);
            ghs_test_rm_tree(db);
            g_free(db);
            continue;
        }
        count_site(oom_fired_site());
        char *after = fingerprint(db);
        if (rc < 0) {
            reported++;
            if (rc != GHS_ENOMEM || e.message[0] == '\0')
                problem("%s: reported as %d (%s), not GHS_ENOMEM with a message", name, rc,
                        e.message);
            /* The database opens, and nothing committed before is lost. */
            if (g_str_has_prefix(after, "cannot open") ||
                (!first && !strstr(after, "zeolite: 1 of 1")))
                problem("%s: after the reported error the index gives\n%s", name, after);
        } else {
            harmless++;
            g_test_message("%s: not reported, and the index is the same", name);
            if (strcmp(after, want) != 0) {
                char *d = difference(after, want);
                problem("%s was swallowed and the index differs: %s", name, d);
                g_free(d);
            }
        }
        /* A re-run without faults finishes the job exactly. */
        ghs_error e2 = {0};
        if (index_run_jobs(db, corpus_dir, jobs, &e2) != 0)
            problem("after %s the re-run fails: %s", name, e2.message);
        char *fixed = fingerprint(db);
        if (strcmp(fixed, want) != 0) {
            char *d = difference(fixed, want);
            problem("after %s (%s) a re-run gives an index whose %s", name,
                    rc < 0 ? e.message : "not reported", d);
            g_free(d);
        }
        g_free(fixed);
        g_free(after);
        g_free(name);
        ghs_test_rm_tree(db);
        g_free(db);
    }
    count_faults(what, sites->len, reported, harmless);
    g_array_free(faults, TRUE);
    g_array_free(sites, TRUE);
    g_free(want);
    g_free(before);
    ghs_test_rm_tree(dir);
    g_free(ref);
    g_free(base);
    g_free(dir);
}

static void test_every_own_allocation_failure_in_an_index_run_is_reported_or_harmless(void)
{
    if (!can_inject) {
        g_test_skip(why_not);
        return;
    }
    index_faults(0);
}

static void test_every_own_allocation_failure_in_a_first_parallel_run_is_reported_or_harmless(void)
{
    if (!can_inject) {
        g_test_skip(why_not);
        return;
    }
    index_faults(1);
}

/* ------------------------------------------------------------ reads */

/* A read session: its steps in order, each "KEY\tOUTCOME" where KEY names
 * the step ("q3 cite 1") and OUTCOME is "ok ..." with what it gave or
 * "error CODE: message". A step that needs what an earlier one of its
 * query failed to give (the hits of a failed search) is left out. */
typedef struct {
    GPtrArray *steps;    /* char * */
    int faulted_step;    /* the step during which the allocation failed, or -1 */
} session;

static void step_done(session *s, char *key, char *outcome)
{
    if (s->faulted_step < 0 && oom_fired())
        s->faulted_step = (int)s->steps->len;
    g_ptr_array_add(s->steps, g_strconcat(key, "\t", outcome, NULL));
    g_free(key);
    g_free(outcome);
}

/* The outcome of step "KEY\tOUTCOME", and the length of its key. */
static const char *outcome_of(const char *step, size_t *key_len)
{
    const char *tab = strchr(step, '\t');
    g_assert_nonnull(tab);
    if (key_len)
        *key_len = (size_t)(tab - step);
    return tab + 1;
}

/* The step of session s with the key of step (of another session), or NULL. */
static const char *step_like(const session *s, const char *step)
{
    size_t n = 0;
    outcome_of(step, &n);
    for (guint i = 0; i < s->steps->len; i++) {
        const char *t = s->steps->pdata[i];
        if (strncmp(t, step, n + 1) == 0)
            return t;
    }
    return NULL;
}

static char *step_error(int rc, const ghs_error *e)
{
    return g_strdup_printf("error %d: %s", rc, e->message);
}

/* A malloc'ed string from the library, or NULL for "failed". */
static char *step_string(const char *what, char *s)
{
    char *out = s ? g_strdup_printf("ok %s: %s", what, s) : g_strdup_printf("error: %s NULL", what);
    ghs_free(s);
    return out;
}

static char *step_alloc(int rc, const ghs_error *e, const char *what, char *s)
{
    if (rc < 0) {
        g_assert_null(s);
        return step_error(rc, e);
    }
    return step_string(what, s);
}

/* The key of a step of query q: "q3 " and what fmt says. */
static char *qkey(size_t q, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static char *qkey(size_t q, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    char *key = g_strdup_printf("q%zu %s", q, what);
    g_free(what);
    return key;
}
#define K(...) qkey(q, __VA_ARGS__)

static void read_session(ghs_index *ix, session *s)
{
    ghs_error e = {0};
    int rc;
    for (size_t q = 0; q < G_N_ELEMENTS(queries); q++) {
        ghs_search_opts o = { GHS_SEARCH_OPTS_INIT, .limit = 6, .per_doc = 2,
                              .facets = q % 2 == 0, .literal = q == 3 };
        ghs_results *r = NULL;
        rc = ghs_search(ix, queries[q], &o, &r, &e);
        if (rc < 0) {
            g_assert_null(r);
            step_done(s, K("search"),
                      g_strdup_printf("error %d: %s (position %d)", rc, e.message, e.position));
            continue;
        }
        GString *g = g_string_new("ok ");
        g_string_append_printf(g, "%zu of %zu, suggestion %s\n", ghs_results_count(r),
                               ghs_results_total(r),
                               ghs_results_suggestion(r) ? ghs_results_suggestion(r) : "-");
        for (size_t i = 0; i < ghs_results_count(r); i++) {
            char *j = ghs_hit_json(ghs_results_hit(r, i), q % 2 ? GHS_JSON_SOURCE_REMOTE : 0);
            g_string_append_printf(g, "%s\n", j ? j : "(no JSON)");
            ghs_free(j);
        }
        const ghs_facet *fs = NULL;
        size_t nf = ghs_results_facets(r, &fs);
        char *fj = ghs_facets_json(fs, nf);
        g_string_append_printf(g, "facets %s\nexplain %s\n", fj ? fj : "(no JSON)",
                               ghs_results_explain(r));
        ghs_free(fj);
        step_done(s, K("search"), g_string_free(g, FALSE));

        for (int st = GHS_EXPORT_BIBTEX; st <= GHS_EXPORT_CSL_JSON; st++) {
            char *out = NULL;
            rc = ghs_results_export(r, (ghs_export_format)st, &out, &e);
            step_done(s, K("export %d", st), step_alloc(rc, &e, "export", out));
        }
        if (ghs_results_count(r) == 0) {
            ghs_results_free(r);
            continue;
        }
        const ghs_hit *h = ghs_results_hit(r, 0);
        for (int st = GHS_CITE_TEXT; st <= GHS_CITE_CSL_JSON; st++) {
            char *out = NULL;
            rc = ghs_hit_cite(h, (ghs_cite_style)st, &out, &e);
            step_done(s, K("cite %d", st), step_alloc(rc, &e, "cite", out));
        }
        char *id = NULL;
        rc = ghs_document_resolve(ix, strcmp(h->type, "record") ? h->source : h->doc, &id, &e);
        step_done(s, K("resolve"),
                  step_alloc(rc, &e, "resolve", rc < 0 ? NULL : g_strdup(id ? id : "")));
        ghs_document *d = NULL;
        rc = ghs_document_get(ix, h->doc, &d, &e);
        if (rc < 0) {
            g_assert_null(d);
            step_done(s, K("document"), step_error(rc, &e));
        } else {
            step_done(s, K("document"),
                      step_string("document", ghs_document_json(d, GHS_JSON_ID_AS_DOC)));
            char *out = NULL;
            rc = ghs_document_cite(d, h->page, GHS_CITE_BIBTEX, &out, &e);
            step_done(s, K("document cite"), step_alloc(rc, &e, "document cite", out));
            ghs_document_free(d);
        }
        char *text = NULL;
        rc = ghs_document_page_text(ix, h->doc, h->page, &text, &e);
        step_done(s, K("page text"), step_alloc(rc, &e, "page text", text));
        ghs_free(id);
        ghs_results_free(r);
    }
    /* The release's links, the glossary, the counts. */
    ghs_links *l = NULL;
    rc = ghs_links_get(ix, "release-ja.html", &l, &e);
    if (rc < 0) {
        g_assert_null(l);
        step_done(s, g_strdup("links"), step_error(rc, &e));
    } else {
        GString *g = g_string_new("ok links ");
        g_string_append_printf(g, "%s %s:", ghs_links_doc(l), ghs_links_title(l));
        for (size_t i = 0; i < ghs_links_count(l); i++) {
            const ghs_doc_link *dl = ghs_links_item(l, i);
            g_string_append_printf(g, " %s=%s", dl->url, ghs_link_state_name(dl->state));
        }
        ghs_links_free(l);
        step_done(s, g_strdup("links"), g_string_free(g, FALSE));
    }
    for (int t = 0; t < 2; t++) {
        ghs_glossary *gl = NULL;
        rc = ghs_glossary_get(ix, t ? "UHC" : NULL, NULL, &gl, &e);
        if (rc < 0) {
            g_assert_null(gl);
            step_done(s, g_strdup_printf("glossary %d", t), step_error(rc, &e));
            continue;
        }
        GString *g = g_string_new("ok glossary");
        for (size_t i = 0; i < ghs_glossary_count(gl); i++) {
            const ghs_gloss_pair *p = ghs_glossary_pair(gl, i);
            g_string_append_printf(g, " %s=%s(%s)", p->term, p->equivalent,
                                   ghs_gloss_status_name(p->status));
        }
        ghs_glossary_free(gl);
        step_done(s, g_strdup_printf("glossary %d", t), g_string_free(g, FALSE));
    }
    ghs_stats st;
    rc = ghs_index_stats(ix, &st, &e);
    step_done(s, g_strdup("stats"), rc < 0 ? step_error(rc, &e)
                        : g_strdup_printf("ok %zu documents, %zu passages", st.documents,
                                          st.passages));
}

static session *session_run(ghs_index *ix)
{
    session *s = g_new0(session, 1);
    s->steps = g_ptr_array_new_with_free_func(g_free);
    s->faulted_step = -1;
    read_session(ix, s);
    return s;
}

static void session_free(session *s)
{
    g_ptr_array_free(s->steps, TRUE);
    g_free(s);
}

static void test_every_own_allocation_failure_in_reads_is_reported_or_harmless(void)
{
    if (!can_inject) {
        g_test_skip(why_not);
        return;
    }
    char *dir = ghs_test_tmp_dir("ghs-oom-XXXXXX");
    char *db = g_build_filename(dir, "db", NULL);
    ghs_error err = {0};
    g_assert_cmpint(index_run(db, first_dir, &err), ==, 0);
    g_assert_cmpint(index_run(db, corpus_dir, &err), ==, 0);
    ghs_index *ix = NULL;
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_READ, &err), ==, 0);

    session *ref0 = session_run(ix);   /* warms what is cached on first use */
    oom_arm(0, 0);
    session *ref = session_run(ix);
    oom_disarm();
    g_assert_cmpuint(ref->steps->len, ==, ref0->steps->len);
    for (guint i = 0; i < ref->steps->len; i++)
        g_assert_cmpstr(ref->steps->pdata[i], ==, ref0->steps->pdata[i]);
    session_free(ref0);
    /* The malformed query is an error without faults, and said so. */
    char *malformed = g_strdup_printf("error %d: query error", GHS_EQUERY);
    gboolean said = FALSE;
    for (guint i = 0; i < ref->steps->len; i++) {
        const char *out = outcome_of(ref->steps->pdata[i], NULL);
        if (g_str_has_prefix(out, "error"))
            g_test_message("without faults: %s", (char *)ref->steps->pdata[i]);
        said |= g_str_has_prefix(out, malformed);
    }
    g_assert_true(said);
    g_free(malformed);
    GArray *sites = reached_sites("a read session");
    GArray *faults = plan(sites, oom_calls());
    g_assert_cmpuint(sites->len, >, 5);

    long reported = 0, harmless = 0;
    for (guint k = 0; k < faults->len; k++) {
        const fault *f = &g_array_index(faults, fault, k);
        /* First a session without faults: the failure before left nothing
         * stuck, and the caches of the index handle (stems, glossary) are
         * as they were for the reference, so the calls are counted alike. */
        session *again = session_run(ix);
        for (guint i = 0; i < ref->steps->len; i++)
            if (i >= again->steps->len ||
                strcmp(again->steps->pdata[i], ref->steps->pdata[i]) != 0) {
                char *d = difference(i < again->steps->len ? again->steps->pdata[i] : "",
                                     ref->steps->pdata[i]);
                problem("after the failure before, step %u differs: %s", i, d);
                g_free(d);
            }
        session_free(again);
        oom_arm(f->site, f->n);
        session *s = session_run(ix);
        oom_disarm();
        char *name = fault_name(f);
        if (oom_fired() != 1) {
            problem("%s: not reached (%ld own allocations)", name, oom_calls());
            g_free(name);
            session_free(s);
            continue;
        }
        count_site(oom_fired_site());
        g_assert_cmpint(s->faulted_step, >=, 0);
        const char *faulted = s->steps->pdata[s->faulted_step];
        size_t fkey = 0;
        const char *fout = outcome_of(faulted, &fkey);
        const char *fwant = step_like(ref, faulted);
        g_assert_nonnull(fwant);
        if (strcmp(faulted, fwant) == 0) {
            harmless++;
            g_test_message("%s: not reported, and step %.*s gives the same", name, (int)fkey,
                           faulted);
        } else {
            char *enomem = g_strdup_printf("error %d: ", GHS_ENOMEM);
            if (!g_str_has_prefix(fout, enomem) || strlen(fout) == strlen(enomem)) {
                char *d = difference(fout, outcome_of(fwant, NULL));
                problem("%s: step %.*s, neither GHS_ENOMEM with a message nor the same: %s",
                        name, (int)fkey, faulted, d);
                g_free(d);
            }
            g_free(enomem);
            reported++;
        }
        /* Every other step as without faults; the steps left out are
         * those that needed what the failed step of their query gave. */
        for (guint i = 0; i < ref->steps->len; i++) {
            const char *want = ref->steps->pdata[i], *got = step_like(s, want);
            size_t key = 0;
            outcome_of(want, &key);
            if (got == faulted)
                continue;
            if (!got) {
                int dependent = strncmp(want, faulted, strcspn(faulted, " ") + 1) == 0 &&
                                g_str_has_prefix(fout, "error") &&
                                (strstr(faulted, " search\t") || strstr(faulted, " document\t"));
                if (!dependent)
                    problem("%s (in step %.*s): step %.*s is missing", name, (int)fkey,
                            faulted, (int)key, want);
                continue;
            }
            if (strcmp(got, want) != 0) {
                char *d = difference(outcome_of(got, NULL), outcome_of(want, NULL));
                problem("%s (in step %.*s): step %.*s then differs: %s", name, (int)fkey,
                        faulted, (int)key, want, d);
                g_free(d);
            }
        }
        g_assert_cmpuint(s->steps->len, <=, ref->steps->len);
        g_free(name);
        session_free(s);
    }
    count_faults("reads", sites->len, reported, harmless);
    g_array_free(faults, TRUE);
    g_array_free(sites, TRUE);
    session_free(ref);
    ghs_index_close(ix);
    ghs_test_rm_tree(dir);
    g_free(db);
    g_free(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    can_inject = oom_init((void (*)(void))ghs_index_close, &why_not);
    const char *build = g_getenv("GHS_BUILD_ROOT");
    corpus_dir = g_build_filename(build ? build : ".", "corpus", NULL);
    char *tmp = ghs_test_tmp_dir("ghs-oom-first-XXXXXX");
    first_dir = g_build_filename(tmp, "first", NULL);
    g_assert_cmpint(g_mkdir(first_dir, 0755), ==, 0);
    char *note = g_build_filename(first_dir, "zeolite.txt", NULL);
    g_assert_true(g_file_set_contents(note, first_text, -1, NULL));
    g_free(note);
    total.sites = g_hash_table_new(NULL, NULL);
    g_test_add_func("/oom/every_own_allocation_failure_in_an_index_run_is_reported_or_harmless",
                    test_every_own_allocation_failure_in_an_index_run_is_reported_or_harmless);
    g_test_add_func("/oom/every_own_allocation_failure_in_a_first_parallel_run_is_reported_or_harmless",
                    test_every_own_allocation_failure_in_a_first_parallel_run_is_reported_or_harmless);
    g_test_add_func("/oom/every_own_allocation_failure_in_reads_is_reported_or_harmless",
                    test_every_own_allocation_failure_in_reads_is_reported_or_harmless);
    int rc = g_test_run();
    if (can_inject)
        g_test_message("in all: %ld allocation failures injected at %u sites: %ld reported, "
                       "%ld harmless", total.tried, g_hash_table_size(total.sites),
                       total.reported, total.harmless);
    g_hash_table_destroy(total.sites);
    ghs_test_rm_tree(tmp);
    g_free(tmp);
    g_free(first_dir);
    g_free(corpus_dir);
    return rc;
}
