/*
 * routes_info.c: GET /health (can the index be opened and read?) and
 * GET /stats (its size), both small JSON objects.
 */
#include "server_internal.h"

/* Borrow a handle and read the stats; 0, or a negative code with err set. */
static int
read_stats(const http_request *rq, ghs_stats *st, ghs_error *err)
{
    ghs_index *ix = reader_pool_acquire(rq->readers, err);
    int rc;

    if (!ix)
        return err->code ? err->code : GHS_EDB;
    rc = ghs_index_stats(ix, st, err);
    reader_pool_release(rq->readers, ix);
    return rc;
}

void
route_health(const http_request *rq, http_reply *r)
{
    ghs_stats st = {0};
    ghs_error err = {0};
    GString *o = g_string_new("{\"status\":");

    if (read_stats(rq, &st, &err) < 0) {
        /* A monitor reads one shape whatever happened: status first. */
        g_string_append(o, "\"unavailable\",\"version\":");
        http_append_json(o, ghs_json_string(ghs_version()));
        g_string_append(o, ",\"error\":{\"code\":\"index_unavailable\",\"message\":");
        http_append_json(o, ghs_json_string(http_error_text(&err)));
        g_string_append(o, "}}\n");
        http_reply_json(r, 503, o);
        /* the library's own words name the index's path: the log's only */
        r->log_detail = g_strdup(err.message[0] ? err.message : ghs_strerror(err.code));
        return;
    }
    g_string_append(o, "\"ok\",\"version\":");
    http_append_json(o, ghs_json_string(ghs_version()));
    g_string_append_printf(o, ",\"documents\":%zu}\n", st.documents);
    http_reply_json(r, 200, o);
}

void
route_stats(const http_request *rq, http_reply *r)
{
    ghs_stats st = {0};
    ghs_error err = {0};
    GString *o;

    if (read_stats(rq, &st, &err) < 0) {
        http_reply_library_error(r, &err);
        return;
    }
    o = g_string_new(NULL);
    g_string_append_printf(o, "{\"documents\":%zu,\"passages\":%zu,\"terms\":%zu,"
                           "\"avg_passage_length\":", st.documents, st.passages, st.terms);
    http_append_json(o, ghs_json_number(st.avg_passage_length));
    g_string_append(o, ",\"version\":");
    http_append_json(o, ghs_json_string(ghs_version()));
    g_string_append(o, "}\n");
    http_reply_json(r, 200, o);
}
