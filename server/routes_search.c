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

static const char *const bool_values[] = { "1", "0", "true", "false", NULL };
static const char *const export_values[] = { "bibtex", "ris", "csl-json", NULL };
static const char *const type_values[] = { "pdf", "release", "record", NULL };

/* The arguments /search takes, how each is checked and what /openapi.json
 * says of it (openapi.c writes the parameters from this table, so the
 * description cannot promise what the checks refuse). The filters (lang,
 * type, year, publisher) are the entries with filter set, in the order
 * they are put before q. */
const http_param http_search_params[] = {
    { .name = "q", .kind = HTTP_PARAM_TEXT, .max = GHS_HTTP_MAX_QUERY, .example = "UHC financing",
      .description = "The query, in the query language of `ghsearch search`: words, "
      "\"exact phrase\" or 「フレーズ」, AND, OR, NOT, -word, +word, parentheses, "
      "a NEAR/5 b, and the filters lang:, type:, year:, publisher:, doc:, title: (any "
      "other name before a colon is an error; quote such a word to search it). "
      "Required unless a filter is given (the filter alone then browses). At most "
      G_STRINGIFY(GHS_HTTP_MAX_QUERY) " bytes (else 413)." },
    { .name = "limit", .kind = HTTP_PARAM_COUNT, .min = 1, .max = GHS_HTTP_MAX_LIMIT,
      .example = "10",
      .description = "Hits to return (default " G_STRINGIFY(GHS_SEARCH_DEFAULT_LIMIT) ")." },
    { .name = "offset", .kind = HTTP_PARAM_COUNT, .min = 0, .max = GHS_HTTP_MAX_OFFSET,
      .example = "0",
      .description = "Hits to skip, for paging; ranks go on across pages." },
    { .name = "per_doc", .kind = HTTP_PARAM_COUNT, .min = 1, .max = GHS_HTTP_MAX_PER_DOC,
      .example = "2",
      .description = "Passages per document (default " G_STRINGIFY(GHS_SEARCH_DEFAULT_PER_DOC)
      "; raise it to see every matching passage)." },
    { .name = "expand", .kind = HTTP_PARAM_ENUM, .values = bool_values, .example = "0",
      .description = "0 or false: literal search, a word does not also match its "
      "glossary equivalents (as `ghsearch search --no-expand`). Default 1." },
    { .name = "facets", .kind = HTTP_PARAM_ENUM, .values = bool_values, .example = "1",
      .description = "1 or true: also count the matching documents per language, year, "
      "type and publisher (\"facets\" in the answer). Default 0." },
    { .name = "export", .kind = HTTP_PARAM_ENUM, .values = export_values, .example = "bibtex",
      .description = "Instead of the JSON answer, the hits as a file for a reference "
      "manager: one entry per document, with the pages of its hits." },
    { .name = "lang", .kind = HTTP_PARAM_PATTERN, .pattern = "^[A-Za-z]{2,3}$", .repeat = 1,
      .expect = "a language code such as ja or en", .example = "ja",
      .description = "Only documents in this language: an ISO 639 code such as ja, en "
      "or zh (a two-letter code must be one of ISO 639-1). May repeat: either value." },
    { .name = "type", .kind = HTTP_PARAM_ENUM, .values = type_values, .repeat = 1,
      .example = "pdf",
      .description = "Only documents of this type (case does not matter). May repeat: "
      "either value." },
    { .name = "year", .kind = HTTP_PARAM_PATTERN, .pattern = "^[0-9]{4}([.][.][0-9]{4})?$",
      .repeat = 1, .expect = "YYYY or YYYY..YYYY", .example = "2023",
      .description = "Only documents of this year, YYYY, or of a range of years, "
      "YYYY..YYYY. May repeat: either value." },
    { .name = "publisher", .kind = HTTP_PARAM_TEXT, .max = 256, .repeat = 1,
      .example = "WHO",
      .description = "Only documents whose publisher has these words (quotes are "
      "ignored; at most 256 bytes). May repeat: either value." },
    { .name = NULL },
};

#define N_PARAMS (G_N_ELEMENTS(http_search_params) - 1)

typedef struct search_args {
    const char *q;              /* "" when absent */
    ghs_search_opts opts;
    GPtrArray *values[N_PARAMS]; /* char *, cleaned values of each filter (repeat) */
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

    for (i = 0; i < N_PARAMS; i++)
        if (a->values[i])
            g_ptr_array_free(a->values[i], TRUE);
}

static const http_param *
find_param(const char *name)
{
    for (const http_param *p = http_search_params; p->name; p++)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
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

/* "1, 0, true or false" */
static char *
values_text(const char *const *values)
{
    GString *s = g_string_new(NULL);

    for (size_t i = 0; values[i]; i++)
        g_string_append_printf(s, "%s%s", i == 0 ? "" : values[i + 1] ? ", " : " or ",
                               values[i]);
    return g_string_free(s, FALSE);
}

/* Check v against p. 0, or -1 with r filled: 400 naming the argument. */
static int
check_value(const http_param *p, const char *v, http_reply *r)
{
    char *expected = NULL;
    guint64 n;

    switch (p->kind) {
    case HTTP_PARAM_COUNT:
        if (g_ascii_string_to_unsigned(v, 10, p->min, p->max, &n, NULL))
            return 0;
        http_reply_error(r, 400, "bad_parameter", 0, "%s must be a whole number from %zu "
                         "to %zu, not '%s'", p->name, p->min, p->max, v);
        return -1;
    case HTTP_PARAM_ENUM:
        for (size_t i = 0; p->values[i]; i++)
            if (g_ascii_strcasecmp(v, p->values[i]) == 0)
                return 0;
        expected = values_text(p->values);
        http_reply_error(r, 400, "bad_parameter", 0, "bad value for %s: '%s' (%s)",
                         p->name, v, expected);
        g_free(expected);
        return -1;
    case HTTP_PARAM_PATTERN:
        if (g_regex_match_simple(p->pattern, v, 0, 0))
            return 0;
        http_reply_error(r, 400, "bad_parameter", 0, "bad value for %s: '%s' (%s)",
                         p->name, v, p->expect);
        return -1;
    case HTTP_PARAM_TEXT:
        if (p->max == 0 || strlen(v) <= p->max)
            return 0;
        http_reply_error(r, strcmp(p->name, "q") == 0 ? 413 : 400,
                         strcmp(p->name, "q") == 0 ? "query_too_long" : "bad_parameter", 0,
                         "%s is %zu bytes; the limit is %zu", p->name, strlen(v), p->max);
        return -1;
    }
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
    a->export = -1;
    a->q = http_arg(rq, "q");
    if (!a->q)
        a->q = "";
    /* q's size first: a query over the limit is 413 whatever else is wrong */
    if (check_value(find_param("q"), a->q, r) < 0)
        return -1;
    /* An argument this endpoint does not know is refused by name: a typo
     * (limt=5) must not pass silently as if it were not there. */
    for (i = 0; i < rq->arg_keys->len; i++) {
        const char *key = g_ptr_array_index(rq->arg_keys, i);
        if (!find_param(key)) {
            GString *names = g_string_new(NULL);
            for (const http_param *p = http_search_params; p->name; p++)
                g_string_append_printf(names, "%s%s", p == http_search_params ? "" : ", ",
                                       p->name);
            http_reply_error(r, 400, "bad_parameter", 0, "unknown parameter '%s' (known: %s)",
                             key, names->str);
            g_string_free(names, TRUE);
            return -1;
        }
    }
    for (f = 0; f < N_PARAMS; f++)
        if (http_search_params[f].repeat)
            a->values[f] = g_ptr_array_new_with_free_func(g_free);
    /* Every value in order; a filter's empty value is as if it were absent
     * (a form's unset field). */
    for (i = 0; i < rq->arg_keys->len; i++) {
        const http_param *p = find_param(g_ptr_array_index(rq->arg_keys, i));
        char *clean;

        v = g_ptr_array_index(rq->arg_values, i);
        if (p->repeat && !*v)
            continue;
        if (check_value(p, v, r) < 0)
            goto bad;
        if (!p->repeat)
            continue;   /* read below: the last one counts */
        if (strcmp(p->name, "publisher") == 0) {
            if (!(clean = clean_phrase_value(v))) {
                http_reply_error(r, 400, "bad_parameter", 0,
                                 "bad value for publisher: '%s' (words, not only quotes)", v);
                goto bad;
            }
        } else {
            clean = g_ascii_strdown(v, -1);
        }
        g_ptr_array_add(a->values[p - http_search_params], clean);
    }
    size_t *counts[] = { &a->opts.limit, &a->opts.offset, &a->opts.per_doc };
    const char *count_names[] = { "limit", "offset", "per_doc" };
    for (f = 0; f < G_N_ELEMENTS(counts); f++)
        if ((v = http_arg(rq, count_names[f])) != NULL)
            *counts[f] = (size_t)g_ascii_strtoull(v, NULL, 10);
    /* Glossary expansion is the library's default; expand=0 turns it off. */
    v = http_arg(rq, "expand");
    a->opts.literal = v && (strcmp(v, "0") == 0 || g_ascii_strcasecmp(v, "false") == 0);
    v = http_arg(rq, "facets");
    a->opts.facets = v && (strcmp(v, "1") == 0 || g_ascii_strcasecmp(v, "true") == 0);
    v = http_arg(rq, "export");
    if (v) {
        ghs_export_format ef;
        char *lower = g_ascii_strdown(v, -1);
        int rc = ghs_export_format_parse(lower, &ef, NULL);
        g_free(lower);
        if (rc < 0) {   /* the table and the library disagree: say so */
            http_reply_error(r, 500, "internal", 0, "export format '%s' is not known", v);
            goto bad;
        }
        a->export = (int)ef;
    }
    /* Past the budget facet counts are partial; the answer is still 200. */
    a->opts.time_limit = rq->query_timeout;
    return 0;
bad:
    search_args_clear(a);
    return -1;
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
combined_query(const search_args *a, GArray *spans, long *q_offset, size_t *q_byte)
{
    GString *s = g_string_new(NULL);
    size_t f;
    guint i;

    for (f = 0; f < N_PARAMS; f++) {
        const char *name = http_search_params[f].name;

        for (i = 0; a->values[f] && i < a->values[f]->len; i++) {
            filter_span sp;
            const char *v = g_ptr_array_index(a->values[f], i);

            sp.param = name;
            sp.start = (long)g_utf8_strlen(s->str, -1) + 1;
            if (strcmp(name, "publisher") == 0)
                g_string_append_printf(s, "%s:\"%s\" ", name, v);
            else
                g_string_append_printf(s, "%s:%s ", name, v);
            sp.end = (long)g_utf8_strlen(s->str, -1) - 1;
            g_array_append_val(spans, sp);
        }
    }
    *q_offset = 0;
    *q_byte = 0;
    if (!is_blank(a->q)) {
        g_string_append_c(s, '(');
        *q_offset = (long)g_utf8_strlen(s->str, -1);
        *q_byte = s->len;
        g_string_append(s, a->q);
        g_string_append_c(s, ')');
    }
    return g_string_free(s, FALSE);
}

/* The library's "did you mean" is the whole query with words replaced
 * (filters and operators as they were): the client wrote only q, so it gets
 * q's part of it, text to show and to send back as q. */
static char *
suggestion_for_q(const char *suggestion, const char *query, size_t q_byte)
{
    size_t n = strlen(suggestion);

    if (q_byte > 0 && n > q_byte && strncmp(suggestion, query, q_byte) == 0 &&
        suggestion[n - 1] == ')')
        return g_strndup(suggestion + q_byte, n - q_byte - 1);
    return g_strdup(suggestion);
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
    size_t q_byte;
    ghs_index *ix;
    ghs_results *res = NULL;
    ghs_error err = {0};
    gint64 t0 = g_get_monotonic_time();
    size_t i, n;
    GString *o;

    if (parse_args(rq, &a, r) < 0)
        return;
    spans = g_array_new(FALSE, FALSE, sizeof(filter_span));
    query = combined_query(&a, spans, &q_offset, &q_byte);
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
    g_string_append_printf(o, ",\"total\":%zu,\"total_exact\":%s,\"offset\":%zu,\"limit\":%zu,"
                           "\"count\":%zu", ghs_results_total(res),
                           ghs_results_total_exact(res) ? "true" : "false", a.opts.offset,
                           a.opts.limit ? a.opts.limit : (size_t)GHS_SEARCH_DEFAULT_LIMIT, n);
    if (ghs_results_suggestion(res)) {
        char *sugg = suggestion_for_q(ghs_results_suggestion(res), query, q_byte);
        g_string_append(o, ",\"suggestion\":");
        http_append_json(o, ghs_json_string(sugg));
        g_free(sugg);
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
