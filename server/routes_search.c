/*
 * routes_search.c: GET /search: query-string arguments to one ghsearch
 * query, the search, and the JSON answer.
 *
 * The filter arguments (lang, type, year, publisher; each may repeat, same
 * field = either value) become field filters placed before the user's query,
 * which is wrapped in parentheses so that nothing in q can change what the
 * filters mean ("OR x" stays an error, it does not become "lang:ja OR x").
 * Positions of query errors are reported in q's own code points.
 */
#include <string.h>

#include "http.h"
#include "server_internal.h"

static const char *const filter_fields[] = { "lang", "type", "year", "publisher" };
#define N_FILTERS G_N_ELEMENTS(filter_fields)

typedef struct search_args {
    const char *q;              /* "" when absent */
    ghs_search_opts opts;
    GPtrArray *values[N_FILTERS]; /* char *, cleaned values of each filter */
    int export;                 /* export=: a ghs_export_format, -1 for the JSON answer */
} search_args;

/* A filter's span in the combined query, to name the argument at fault. */
typedef struct filter_span {
    const char *param;
    long start, end;            /* 1-based code points, end inclusive */
} filter_span;

static void
search_args_clear(search_args *a)
{
    size_t i;

    for (i = 0; i < N_FILTERS; i++)
        if (a->values[i])
            g_ptr_array_free(a->values[i], TRUE);
}

static int
all_ascii_alpha(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s), i;

    if (n < min || n > max)
        return 0;
    for (i = 0; i < n; i++)
        if (!g_ascii_isalpha(s[i]))
            return 0;
    return 1;
}

/* YYYY or YYYY..YYYY in ASCII digits. */
static int
is_year(const char *s)
{
    size_t n = strlen(s), i;

    if (n != 4 && n != 10)
        return 0;
    for (i = 0; i < n; i++) {
        if (n == 10 && (i == 4 || i == 5)) {
            if (s[i] != '.')
                return 0;
        } else if (!g_ascii_isdigit(s[i])) {
            return 0;
        }
    }
    return 1;
}

/* A publisher value safe inside a quoted phrase: every quote character of
 * the query language becomes a space (the value is matched word by word,
 * so nothing is lost). NULL when nothing but spaces is left. */
static char *
clean_phrase_value(const char *v)
{
    static const char *const quotes[] = { "\"", "\xef\xbc\x82", "\xe2\x80\x9c",
                                          "\xe2\x80\x9d", "\xe3\x80\x8c", "\xe3\x80\x8d" };
    GString *s = g_string_new(v);
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(quotes); i++)
        g_string_replace(s, quotes[i], " ", 0);
    g_strstrip(s->str);
    if (!s->str[0]) {
        g_string_free(s, TRUE);
        return NULL;
    }
    return g_string_free(s, FALSE);
}

static int
parse_count(const char *v, guint64 min, guint64 max, size_t *out)
{
    guint64 n;

    if (!v)
        return 0;
    if (!g_ascii_string_to_unsigned(v, 10, min, max, &n, NULL))
        return -1;
    *out = (size_t)n;
    return 0;
}

/* Read and check the arguments; on a bad one fill r and return -1. */
static int
parse_args(const http_request *rq, search_args *a, http_reply *r)
{
    guint i;
    size_t f;
    const char *v;

    memset(a, 0, sizeof *a);
    a->opts.size = sizeof a->opts;
    a->q = http_arg(rq, "q");
    if (!a->q)
        a->q = "";
    if (strlen(a->q) > GHS_HTTP_MAX_QUERY) {
        http_reply_error(r, 413, "query_too_long", 0,
                         "q is %zu bytes; the limit is %d", strlen(a->q),
                         GHS_HTTP_MAX_QUERY);
        return -1;
    }
    static const struct { const char *name; size_t min, max; } counts[] = {
        { "limit", 1, GHS_HTTP_MAX_LIMIT },
        { "offset", 0, GHS_HTTP_MAX_OFFSET },
        { "per_doc", 1, GHS_HTTP_MAX_PER_DOC },
    };
    size_t *count_out[] = { &a->opts.limit, &a->opts.offset, &a->opts.per_doc };
    for (i = 0; i < G_N_ELEMENTS(counts); i++) {
        v = http_arg(rq, counts[i].name);
        if (parse_count(v, counts[i].min, counts[i].max, count_out[i]) < 0) {
            http_reply_error(r, 400, "bad_parameter", 0, "%s must be a whole number from %zu "
                             "to %zu, not '%s'", counts[i].name, counts[i].min, counts[i].max, v);
            return -1;
        }
    }
    /* An argument this endpoint does not know is refused by name: a typo
     * (limt=5) must not pass silently as if it were not there. */
    static const char *const known[] = { "q", "limit", "offset", "per_doc", "expand",
                                         "facets", "export" };
    for (i = 0; i < rq->arg_keys->len; i++) {
        const char *key = g_ptr_array_index(rq->arg_keys, i);
        gboolean ok = FALSE;
        for (size_t k = 0; k < G_N_ELEMENTS(known) && !ok; k++)
            ok = strcmp(key, known[k]) == 0;
        for (size_t k = 0; k < N_FILTERS && !ok; k++)
            ok = strcmp(key, filter_fields[k]) == 0;
        if (!ok) {
            GString *names = g_string_new(NULL);
            for (size_t k = 0; k < G_N_ELEMENTS(known); k++)
                g_string_append_printf(names, "%s, ", known[k]);
            for (size_t k = 0; k < N_FILTERS; k++)
                g_string_append_printf(names, k + 1 < N_FILTERS ? "%s, " : "%s",
                                       filter_fields[k]);
            http_reply_error(r, 400, "bad_parameter", 0, "unknown parameter '%s' (known: %s)",
                             key, names->str);
            g_string_free(names, TRUE);
            return -1;
        }
    }
    /* Glossary expansion is the library's default; expand=0 turns it off. */
    v = http_arg(rq, "expand");
    if (v && strcmp(v, "0") != 0 && strcmp(v, "false") != 0 &&
        strcmp(v, "1") != 0 && strcmp(v, "true") != 0) {
        http_reply_error(r, 400, "bad_parameter", 0, "expand must be 1 or 0, not '%s'", v);
        return -1;
    }
    a->opts.literal = v && (strcmp(v, "0") == 0 || strcmp(v, "false") == 0);
    v = http_arg(rq, "facets");
    a->opts.facets = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
    a->export = -1;
    v = http_arg(rq, "export");
    if (v) {
        ghs_export_format f;
        if (ghs_export_format_parse(v, &f, NULL) < 0) {
            http_reply_error(r, 400, "bad_parameter", 0,
                             "export must be bibtex, ris or csl-json, not '%s'", v);
            return -1;
        }
        a->export = (int)f;
    }
    /* Past the budget facet counts are partial; the answer is still 200. */
    a->opts.time_limit = rq->query_timeout;

    for (f = 0; f < N_FILTERS; f++)
        a->values[f] = g_ptr_array_new_with_free_func(g_free);
    for (i = 0; i < rq->arg_keys->len; i++) {
        const char *key = g_ptr_array_index(rq->arg_keys, i);
        char *clean = NULL;
        int ok;

        v = g_ptr_array_index(rq->arg_values, i);
        for (f = 0; f < N_FILTERS; f++)
            if (strcmp(key, filter_fields[f]) == 0)
                break;
        if (f == N_FILTERS || !*v)
            continue;   /* not a filter (checked above), or an empty one */
        switch (f) {
        case 0: ok = all_ascii_alpha(v, 2, 3); clean = g_ascii_strdown(v, -1); break;
        case 1: ok = all_ascii_alpha(v, 1, 16); clean = g_ascii_strdown(v, -1); break;
        case 2: ok = is_year(v); clean = g_strdup(v); break;
        default:
            ok = strlen(v) <= 256 && (clean = clean_phrase_value(v)) != NULL;
        }
        if (!ok) {
            g_free(clean);
            http_reply_error(r, 400, "bad_parameter", 0, "bad value for %s: %s%s",
                             filter_fields[f], v,
                             f == 0 ? " (a language code such as ja or en)" :
                             f == 1 ? " (pdf, release or record)" :
                             f == 2 ? " (YYYY or YYYY..YYYY)" : "");
            search_args_clear(a);
            return -1;
        }
        g_ptr_array_add(a->values[f], clean);
    }
    return 0;
}

/* Only spaces (ASCII or ideographic)? */
static int
is_blank(const char *s)
{
    for (; *s; s = g_utf8_next_char(s)) {
        gunichar c = g_utf8_get_char(s);

        if (!g_unichar_isspace(c) && c != 0x3000)
            return 0;
    }
    return 1;
}

/* The combined query: the filters, then q in parentheses. spans receives
 * where each filter sits; *q_offset the code points before q (0 when q is
 * blank and left out). */
static char *
combined_query(const search_args *a, GArray *spans, long *q_offset)
{
    GString *s = g_string_new(NULL);
    size_t f;
    guint i;

    for (f = 0; f < N_FILTERS; f++) {
        for (i = 0; i < a->values[f]->len; i++) {
            filter_span sp;
            const char *v = g_ptr_array_index(a->values[f], i);

            sp.param = filter_fields[f];
            sp.start = (long)g_utf8_strlen(s->str, -1) + 1;
            if (f == 3)
                g_string_append_printf(s, "%s:\"%s\" ", filter_fields[f], v);
            else
                g_string_append_printf(s, "%s:%s ", filter_fields[f], v);
            sp.end = (long)g_utf8_strlen(s->str, -1) - 1;
            g_array_append_val(spans, sp);
        }
    }
    *q_offset = 0;
    if (!is_blank(a->q)) {
        g_string_append_c(s, '(');
        *q_offset = (long)g_utf8_strlen(s->str, -1);
        g_string_append(s, a->q);
        g_string_append_c(s, ')');
    }
    return g_string_free(s, FALSE);
}

/* The combined query failed to parse: say which argument is at fault, in
 * its own terms. */
static void
reply_query_error(ghs_index *ix, const search_args *a, const GArray *spans,
                  long q_offset, const ghs_error *err, http_reply *r)
{
    ghs_search_opts one = { GHS_SEARCH_OPTS_INIT, .limit = 1, .per_doc = 1 };
    ghs_results *res = NULL;
    ghs_error qerr = {0};
    guint i;

    if (q_offset > 0 && err->position > q_offset) {
        /* Parse q alone for its own position and message; the search only
         * runs in the unlikely case that q alone is fine. */
        if (ghs_search(ix, a->q, &one, &res, &qerr) < 0 && qerr.code == GHS_EQUERY) {
            http_reply_library_error(r, &qerr);
        } else {
            long pos = err->position - q_offset;
            long len = (long)g_utf8_strlen(a->q, -1);

            http_reply_error(r, 400, "malformed_query", (int)CLAMP(pos, 1, len + 1),
                             "the query does not combine with its filters: %s",
                             err->message);
        }
        ghs_results_free(res);
        return;
    }
    for (i = 0; i < spans->len; i++) {
        const filter_span *sp = &g_array_index(spans, filter_span, i);

        if (err->position >= sp->start && err->position <= sp->end) {
            /* the position is in the combined query, which the client never
             * wrote: keep only the reason */
            const char *why = strstr(err->message, ": ");

            http_reply_error(r, 400, "bad_parameter", 0, "bad value for %s: %s",
                             sp->param, why ? why + 2 : err->message);
            return;
        }
    }
    http_reply_library_error(r, err);
}

/* "facets":{"lang":[{"value","documents","passages"},...],"year":[...],...}:
 * the library's counts over every matching document, fields in its order. */
static void
append_facets(GString *o, const ghs_results *res)
{
    const ghs_facet *fs = NULL;
    size_t n = ghs_results_facets(res, &fs);

    g_string_append(o, ",\"facets\":");
    http_append_json(o, ghs_facets_json(fs, n));
}

void
route_search(const http_request *rq, http_reply *r)
{
    search_args a;
    GArray *spans;
    char *query;
    long q_offset;
    ghs_index *ix;
    ghs_results *res = NULL;
    ghs_error err = {0};
    gint64 t0 = g_get_monotonic_time();
    size_t i, n;
    GString *o;

    if (parse_args(rq, &a, r) < 0)
        return;
    spans = g_array_new(FALSE, FALSE, sizeof(filter_span));
    query = combined_query(&a, spans, &q_offset);
    if (!*query) {
        http_reply_error(r, 400, "missing_query", 0,
                         "give a query as q=... (or at least one filter)");
        goto out;
    }
    ix = reader_pool_acquire(rq->readers, &err);
    if (!ix) {
        http_reply_library_error(r, &err);
        goto out;
    }
    if (ghs_search(ix, query, &a.opts, &res, &err) < 0) {
        if (err.code == GHS_EQUERY)
            reply_query_error(ix, &a, spans, q_offset, &err, r);
        else
            http_reply_library_error(r, &err);
        reader_pool_release(rq->readers, ix);
        goto out;
    }

    if (a.export >= 0) {
        /* A file for a reference manager instead of the JSON answer. */
        static const char *const types[] = {
            "application/x-bibtex; charset=utf-8",
            "application/x-research-info-systems; charset=utf-8",
            "application/vnd.citationstyles.csl+json; charset=utf-8",
        };
        char *text = NULL;
        int erc = ghs_results_export(res, (ghs_export_format)a.export, &text, &err);
        reader_pool_release(rq->readers, ix);
        if (erc < 0) {
            http_reply_library_error(r, &err);
        } else {
            r->status = 200;
            r->content_type = types[a.export];
            r->body = g_string_new(text);
            r->no_store = 1;
            ghs_free(text);
        }
        goto out;
    }
    o = g_string_new("{\"query\":");
    http_append_json(o, ghs_json_string(a.q));
    g_string_append(o, ",\"effective_query\":");
    http_append_json(o, ghs_json_string(query));
    n = ghs_results_count(res);
    g_string_append_printf(o, ",\"total\":%zu,\"offset\":%zu,\"limit\":%zu,\"count\":%zu",
                           ghs_results_total(res), a.opts.offset,
                           a.opts.limit ? a.opts.limit : (size_t)GHS_SEARCH_DEFAULT_LIMIT, n);
    if (ghs_results_suggestion(res)) {
        g_string_append(o, ",\"suggestion\":");
        http_append_json(o, ghs_json_string(ghs_results_suggestion(res)));
    }
    if (a.opts.facets)
        append_facets(o, res);
    reader_pool_release(rq->readers, ix);
    g_string_append(o, ",\"hits\":[");
    for (i = 0; i < n; i++) {
        if (i)
            g_string_append_c(o, ',');
        http_append_json(o, ghs_hit_json(ghs_results_hit(res, i), GHS_JSON_SOURCE_REMOTE));
    }
    g_string_append(o, "],\"took_ms\":");
    http_append_json(o, ghs_json_number((double)(g_get_monotonic_time() - t0) / 1000.0));
    g_string_append(o, "}\n");
    http_reply_json(r, 200, o);
out:
    ghs_results_free(res);
    g_free(query);
    g_array_free(spans, TRUE);
    search_args_clear(&a);
}
