/*
 * http.c: the libmicrohttpd daemon of `ghsearch serve`: listening socket,
 * thread pool, limits (URL and body size, open connections, idle timeout,
 * the per-query time budget handed to the routes), method and path
 * dispatch, and turning a route's http_reply into a response with the
 * right headers.
 *
 * The only file of server/ that knows libmicrohttpd. Routes never see a
 * file-system path: the request path is only compared with fixed names and
 * split into a document id and a page number.
 *
 * No client can hold the server. Each request must arrive whole within
 * the timeout (a watchdog thread cuts off connections that trickle their
 * headers or body). Only requests in progress count against the limits:
 * over max_connections of them the server answers 503, and one client
 * address may have max_client_connections of them (more get 429 as soon
 * as their request line is in). Idle connections cost no slot: answers
 * keep the connection open for the next request (a reply is queued only
 * once the whole request is in; one queued while MHD still reads it makes
 * MHD close the connection), and when the server holds more connections
 * than max_connections, those idle for a second or more are closed.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>
#include <zlib.h>

#include "http.h"
#include "server_internal.h"

struct ghs_http_server {
    struct MHD_Daemon *daemon;
    reader_pool *readers;
    char *host;
    unsigned port;
    unsigned max_connections;
    unsigned max_client_connections;
    unsigned request_timeout;  /* seconds for each whole request (and idle time) */
    double query_timeout;      /* ghs_search_opts.time_limit of every search; 0 = none */
    gint open_connections;     /* atomic; counted by notify_connection */
    unsigned busy;             /* connections with a request in progress
                                  (started and not cut); under conns_lock */
    FILE *log;
    FILE *access_log;          /* a line per request, or NULL */
    char *cors_origin;         /* or NULL */
    GMutex conns_lock;         /* guards conns, every conn_state and stopping */
    GHashTable *conns;         /* conn_state *: the open connections */
    GThread *watchdog;
    GCond watchdog_wake;
    int stopping;
    GMutex log_lock;           /* guards the three below */
    gint64 log_window;         /* µs: start of the minute log_mhd counts lines in */
    unsigned log_lines, log_dropped;
};

/* One open connection (MHD's socket context), from accept to close. The
 * flags say how far the request being read has come; the watchdog reads
 * them, so they change only under conns_lock. */
typedef struct conn_state {
    struct MHD_Connection *c;
    MHD_socket fd;
    pthread_t worker;          /* the pool thread that serves the connection */
    char addr[INET6_ADDRSTRLEN]; /* the client's address */
    gint64 since;              /* µs, monotonic: when the connection opened or
                                  its previous answer went out */
    int started;               /* the request line is in (URI log callback):
                                  a request in progress, counted in busy */
    int in_handler;            /* the headers are in: handle_request has it */
    int answering;             /* the whole request is in: answering it */
    int cut;                   /* closed by us: take no further part */
} conn_state;

/* Per-request state: what the URI log callback saw before MHD parsed it. */
typedef struct req_ctx {
    size_t uri_len;            /* bytes of the request target, query included */
    int path_has_nul;          /* the path holds %00, which MHD's decoding cuts at */
    int headers_seen;          /* the first call (headers complete) is past */
    guint64 body_len;          /* body bytes received (and dropped) so far */
    gint64 t0;                 /* monotonic µs when the request line came */
} req_ctx;

/* ------------------------------------------------------------ replies */

void
http_reply_json(http_reply *r, unsigned status, GString *json)
{
    r->status = status;
    r->content_type = "application/json; charset=utf-8";
    r->body = json;
    r->no_store = 1;
}

void
http_append_json(GString *body, char *json)
{
    g_string_append(body, json);
    ghs_free(json);
}

void
http_reply_error(http_reply *r, unsigned status, const char *code, int position,
                 const char *fmt, ...)
{
    GString *o = g_string_new("{\"error\":{\"code\":");
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    http_append_json(o, ghs_json_string(code));
    g_string_append(o, ",\"message\":");
    http_append_json(o, ghs_json_string(msg));
    if (position > 0)
        g_string_append_printf(o, ",\"position\":%d", position);
    g_string_append(o, "}}\n");
    g_free(msg);
    if (r->body)
        g_string_free(r->body, TRUE);
    g_free(r->log_detail);
    if (r->has_file)
        close(r->file_fd);
    if (r->headers)
        g_ptr_array_free(r->headers, TRUE);
    memset(r, 0, sizeof *r);
    http_reply_json(r, status, o);
}

const char *
http_error_text(const ghs_error *err)
{
    switch (err->code) {
    case GHS_EQUERY:
    case GHS_EINVAL:
    case GHS_ENOTFOUND:
        /* about what the client sent: its query, its document id */
        return ghs_error_what(err);
    case GHS_EDB:
        return err->reason == GHS_REASON_NO_INDEX
               ? "the server's index folder holds no ghsearch index"
               : "the index cannot be opened or read";
    case GHS_EIO:
        return "the index cannot be read";
    case GHS_ELOCKED:
        return "the index is locked";
    case GHS_ENOMEM:
        return "the server ran out of memory";
    default:
        return "internal error";
    }
}

void
http_reply_library_error(http_reply *r, const ghs_error *err)
{
    const char *msg = http_error_text(err);

    switch (err->code) {
    case GHS_EQUERY:
        http_reply_error(r, 400, "malformed_query", err->position > 0 ? err->position : 1,
                         "%s", msg);
        break;
    case GHS_EINVAL:
        http_reply_error(r, 400, "bad_request", 0, "%s", msg);
        break;
    case GHS_ENOTFOUND:
        http_reply_error(r, 404, "not_found", 0, "%s", msg);
        break;
    case GHS_EDB:
    case GHS_EIO:
    case GHS_ELOCKED:
        http_reply_error(r, 503, "index_unavailable", 0, "%s", msg);
        break;
    default:
        http_reply_error(r, 500, "internal", 0, "%s", msg);
    }
    if (r->status >= 500)   /* the whole story, for the operator */
        r->log_detail = g_strdup(err->message[0] ? err->message : ghs_strerror(err->code));
}

const char *
http_arg(const http_request *rq, const char *key)
{
    guint i;
    const char *v = NULL;

    for (i = 0; i < rq->arg_keys->len; i++)
        if (strcmp(g_ptr_array_index(rq->arg_keys, i), key) == 0)
            v = g_ptr_array_index(rq->arg_values, i);
    return v;
}

const char *
http_header(const http_request *rq, const char *name)
{
    return rq->conn ? MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name) : NULL;
}

void
http_reply_header(http_reply *r, const char *name, const char *value)
{
    if (!r->headers)
        r->headers = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(r->headers, g_strdup(name));
    g_ptr_array_add(r->headers, g_strdup(value));
}

/* ------------------------------------------------------------ dispatch */

/* Does path match template ("/doc/{id}/page/{n}")? Each {field} matches
 * one or more characters, slashes included (a document id may hold
 * them), the longest that lets the rest match, so "/doc/a/page/b/page/3"
 * is document "a/page/b", page 3. On a match args[n..] receive the fields
 * (g_free each); at most max of them. Linear in the path for templates
 * with a literal after each field but the last: a request cannot make the
 * server search long. */
static int
path_match(const char *tmpl, const char *path, char **args, int n, int max)
{
    const char *brace = strchr(tmpl, '{');
    const char *close, *lit, *next;
    size_t plain, len, lit_len, pos;

    if (!brace)
        return strcmp(tmpl, path) == 0;
    plain = (size_t)(brace - tmpl);
    close = strchr(brace, '}');
    assert(close && n < max);
    if (strncmp(tmpl, path, plain) != 0)
        return 0;
    path += plain;
    len = strlen(path);
    lit = close + 1;
    if (!*lit) {   /* the last field: the rest of the path */
        if (len == 0)
            return 0;
        args[n] = g_strdup(path);
        return 1;
    }
    next = strchr(lit, '{');
    lit_len = next ? (size_t)(next - lit) : strlen(lit);
    assert(lit_len > 0);   /* "{a}{b}" could not be told apart */
    for (pos = len; pos-- > 1;) {
        if (strncmp(path + pos, lit, lit_len) != 0)
            continue;
        if (path_match(lit, path + pos, args, n + 1, max)) {
            args[n] = g_strndup(path, pos);
            return 1;
        }
    }
    return 0;
}

static void
answer_search(const http_request *rq, char **args, http_reply *r)
{
    (void)args;
    route_search(rq, r);
}

static void
answer_doc(const http_request *rq, char **args, http_reply *r)
{
    if (rq->wants_html)
        route_asset("/", r);   /* the page renders the document from the JSON */
    else
        route_doc(rq, args[0], r);
}

static void
answer_doc_page(const http_request *rq, char **args, http_reply *r)
{
    if (rq->wants_html)
        route_asset("/", r);
    else
        route_doc_page(rq, args[0], args[1], r);
}

static void
answer_doc_pdf(const http_request *rq, char **args, http_reply *r)
{
    route_doc_pdf(rq, args[0], r);   /* a browser asks for it as a page: the PDF all the same */
}

static void
answer_health(const http_request *rq, char **args, http_reply *r)
{
    (void)args;
    route_health(rq, r);
}

static void
answer_stats(const http_request *rq, char **args, http_reply *r)
{
    (void)args;
    route_stats(rq, r);
}

static void
answer_openapi(const http_request *rq, char **args, http_reply *r)
{
    (void)args;
    route_openapi(rq, r);
}

static void
answer_page(const http_request *rq, char **args, http_reply *r)
{
    (void)rq;
    (void)args;
    route_asset("/", r);
}

/* A route added here needs its description in openapi.json:
 * tests/test_openapi.c fails until it has one. */
const http_route http_routes[] = {
    { "/", answer_page },
    { "/search", answer_search },
    { "/doc/{id}/page/{n}", answer_doc_page },
    { "/doc/{id}/pdf", answer_doc_pdf },
    { "/doc/{id}", answer_doc },
    { "/health", answer_health },
    { "/stats", answer_stats },
    { "/openapi.json", answer_openapi },
    { NULL, NULL },
};

static void
dispatch(const http_request *rq, http_reply *r)
{
    char *args[4] = { NULL };

    for (const http_route *rt = http_routes; rt->path; rt++) {
        if (path_match(rt->path, rq->path, args, 0, (int)G_N_ELEMENTS(args))) {
            rt->answer(rq, args, r);
            for (size_t i = 0; i < G_N_ELEMENTS(args); i++)
                g_free(args[i]);
            return;
        }
    }
    if (route_asset(rq->path, r) != 0)
        http_reply_error(r, 404, "not_found", 0, "no such endpoint: %s", rq->path);
}

/* The query-string arguments as collected, and the first one that holds a
 * NUL byte (%00): MHD hands them over as C strings, which a NUL would cut
 * short ("q=a%00b" would search "a"). */
typedef struct arg_collector {
    http_request *rq;
    char *nul_key;             /* the name of the first argument whose value holds
                                  a NUL, or "" when a name holds one; owned */
} arg_collector;

static enum MHD_Result
collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
            const char *value, size_t value_size)
{
    arg_collector *ac = cls;

    (void)kind;
    if (!ac->nul_key && memchr(key, '\0', key_size))
        ac->nul_key = g_strdup("");
    else if (!ac->nul_key && value && memchr(value, '\0', value_size))
        ac->nul_key = g_strdup(key);
    g_ptr_array_add(ac->rq->arg_keys, (gpointer)key);
    g_ptr_array_add(ac->rq->arg_values, (gpointer)(value ? value : ""));
    return MHD_YES;
}

/* Does the raw (still percent-encoded) path hold "%00"? Every '%' of a raw
 * target starts an escape, so "%2500" is a literal "%00", not a NUL. */
static int
raw_path_has_nul(const char *uri)
{
    const char *p;

    for (p = uri; *p && *p != '?'; p++)
        if (p[0] == '%' && p[1] == '0' && p[2] == '0')
            return 1;
    return 0;
}

static int
args_are_utf8(const http_request *rq)
{
    guint i;

    for (i = 0; i < rq->arg_keys->len; i++)
        if (!g_utf8_validate(g_ptr_array_index(rq->arg_keys, i), -1, NULL) ||
            !g_utf8_validate(g_ptr_array_index(rq->arg_values, i), -1, NULL))
            return 0;
    return 1;
}

/* One access-log line: when, method, path (never the query string, which
 * holds what the user searched for), status, bytes sent, milliseconds. */
static void
log_request(ghs_http_server *s, const char *method, const char *url, const http_reply *r,
            gint64 t0)
{
    if (!s->access_log)
        return;
    GDateTime *now = g_date_time_new_now_utc();
    char *when = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
    char *safe = g_strescape(url ? url : "", NULL);
    size_t bytes = r->body ? r->body->len : r->has_file ? (size_t)r->file_len : r->static_len;
    double ms = t0 ? (double)(g_get_monotonic_time() - t0) / 1000.0 : 0.0;
    g_mutex_lock(&s->log_lock);
    fprintf(s->access_log, "%s %s %s %u %zu %.1f ms\n", when, method, safe, r->status, bytes,
            ms);
    fflush(s->access_log);
    g_mutex_unlock(&s->log_lock);
    g_free(safe);
    g_free(when);
    g_date_time_unref(now);
}

/* Answers smaller than this go out as they are: gzip's header and trailer
 * (18 bytes) and the work would buy nothing. */
#define GHS_HTTP_GZIP_MIN 1024

/* Text a client may want compressed: JSON, HTML, CSS, JavaScript, SVG and
 * the exports; every such type of ours names its charset. */
static int
compressible(const char *type)
{
    return g_str_has_prefix(type, "text/") || g_str_has_prefix(type, "application/json") ||
           g_str_has_prefix(type, "image/svg+xml") || strstr(type, "charset=") != NULL;
}

/* How much the client wants gzip by its Accept-Encoding (RFC 9110
 * 12.5.3): its q-value ("gzip" or "x-gzip"; 1 without one), else that of
 * "*", else 0. "gzip;q=0" refuses it. */
static double
gzip_quality(const char *accept_encoding)
{
    double gzip = -1, star = -1;
    char **items = g_strsplit(accept_encoding, ",", -1);

    for (char **it = items; *it; it++) {
        char **parts = g_strsplit(*it, ";", -1);
        const char *coding = g_strstrip(parts[0]);
        double q = 1;

        for (char **p = parts + 1; *p; p++) {
            const char *param = g_strstrip(*p);
            if ((param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
                char *end = NULL;
                q = g_ascii_strtod(param + 2, &end);
                if (end == param + 2 || q < 0 || q > 1)
                    q = 0;   /* unreadable: not an acceptance */
            }
        }
        if (g_ascii_strcasecmp(coding, "gzip") == 0 || g_ascii_strcasecmp(coding, "x-gzip") == 0)
            gzip = MAX(gzip, q);
        else if (strcmp(coding, "*") == 0)
            star = MAX(star, q);
        g_strfreev(parts);
    }
    g_strfreev(items);
    return gzip >= 0 ? gzip : star >= 0 ? star : 0;
}

/* data gzip-compressed, or NULL when zlib fails (the answer then goes out
 * uncompressed). */
static GString *
gzip_bytes(const void *data, size_t len)
{
    z_stream z;
    GString *out;
    uLong bound;

    memset(&z, 0, sizeof z);
    if (len > G_MAXUINT32 ||
        deflateInit2(&z, 6, Z_DEFLATED, 15 + 16 /* a gzip wrapper */, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    bound = deflateBound(&z, (uLong)len);
    out = g_string_sized_new(bound);
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out->str;
    z.avail_out = (uInt)bound;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
        deflateEnd(&z);
        g_string_free(out, TRUE);
        return NULL;
    }
    g_string_set_size(out, z.total_out);
    deflateEnd(&z);
    return out;
}

/* Compress r's body when the client accepts gzip and the answer is text
 * over GHS_HTTP_GZIP_MIN bytes; such an answer varies by Accept-Encoding
 * whether or not this one is compressed. */
static void
maybe_gzip(struct MHD_Connection *c, http_reply *r)
{
    size_t len = r->body ? r->body->len : r->static_len;
    const char *ae;
    GString *z;

    if (r->has_file || r->status == 204 || len < GHS_HTTP_GZIP_MIN || !r->content_type ||
        !compressible(r->content_type))
        return;
    r->varies_by_encoding = 1;
    ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    if (!ae || gzip_quality(ae) <= 0)
        return;
    z = gzip_bytes(r->body ? r->body->str : r->static_body, len);
    if (!z)
        return;
    if (r->body)
        g_string_free(r->body, TRUE);
    r->body = z;
    r->static_body = NULL;
    r->static_len = 0;
    r->gzipped = 1;
}

static enum MHD_Result
send_reply(ghs_http_server *s, struct MHD_Connection *c, http_reply *r, int close_after)
{
    char vary[64];
    struct MHD_Response *resp;
    enum MHD_Result ret;

    if (r->has_file) {
        /* MHD owns the descriptor from here, and closes it */
        resp = MHD_create_response_from_fd_at_offset64(r->file_len, r->file_fd, r->file_offset);
        if (!resp)
            close(r->file_fd);
        r->has_file = 0;
    } else if (r->body)
        resp = MHD_create_response_from_buffer(r->body->len, r->body->str,
                                               MHD_RESPMEM_MUST_COPY);
    else
        resp = MHD_create_response_from_buffer(r->static_len, (void *)r->static_body,
                                               MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    /* Accept: /doc/... is the page or JSON; Origin: the CORS answer */
    g_snprintf(vary, sizeof vary, "Accept%s%s", r->varies_by_encoding ? ", Accept-Encoding" : "",
               s->cors_origin && strcmp(s->cors_origin, "*") != 0 ? ", Origin" : "");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, vary);
    if (r->gzipped)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                            r->no_store ? "no-store" : "no-cache");
    if (g_str_has_prefix(r->content_type, "text/html"))
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'self'; base-uri 'none'; "
                                "form-action 'self'; frame-ancestors 'none'");
    if (r->status == 405)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    for (guint i = 0; r->headers && i + 1 < r->headers->len; i += 2)
        MHD_add_response_header(resp, g_ptr_array_index(r->headers, i),
                                g_ptr_array_index(r->headers, i + 1));
    if (s->cors_origin) {
        MHD_add_response_header(resp, "Access-Control-Allow-Origin", s->cors_origin);
        if (r->status == 204) {   /* a preflight */
            MHD_add_response_header(resp, "Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
            MHD_add_response_header(resp, "Access-Control-Allow-Headers", "Accept");
            MHD_add_response_header(resp, "Access-Control-Max-Age", "600");
        }
    }
    if (r->status == 503)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
    if (close_after)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    ret = MHD_queue_response(c, r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* Content-Length of the request, or 0 when absent or unreadable. */
static guint64
request_body_length(struct MHD_Connection *c)
{
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_LENGTH);
    guint64 n = 0;

    if (cl && !g_ascii_string_to_unsigned(cl, 10, 0, G_MAXUINT64, &n, NULL))
        n = G_MAXUINT64;
    return n;
}

static int
request_has_body(struct MHD_Connection *c)
{
    return request_body_length(c) > 0 ||
           MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                       MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL;
}

static conn_state *
conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *i =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

    return i ? i->socket_context : NULL;
}

/* We close cs (under conns_lock): it takes no further part, and its
 * request no longer counts as one in progress. */
static void
conn_cut(ghs_http_server *s, conn_state *cs)
{
    if (cs->cut)
        return;
    if (cs->started)
        s->busy--;
    shutdown(cs->fd, SHUT_RDWR);
    cs->cut = 1;
}

/* The request has reached the handler (answering: whole, and about to be
 * answered), so the watchdog leaves it be. 0 when the watchdog has cut
 * the connection already: it must not be answered. */
static int
conn_advance(ghs_http_server *s, conn_state *cs, int answering)
{
    int ok = 1;

    if (!cs)
        return 1;
    g_mutex_lock(&s->conns_lock);
    if (cs->cut) {
        ok = 0;
    } else {
        cs->in_handler = 1;
        cs->answering |= answering;
    }
    g_mutex_unlock(&s->conns_lock);
    return ok;
}

/* Write a JSON error straight to a client's socket, for the connections
 * we close before MHD has written anything on them (the watchdog's,
 * log_uri's and answer_header_error's): conn_cut follows. Non-blocking: a
 * client that reads nothing just loses the answer. */
static void
send_raw_error(MHD_socket fd, unsigned status, const char *reason, const char *code,
               const char *message)
{
    http_reply r = {0};
    GString *out;

    http_reply_error(&r, status, code, 0, "%s", message);
    out = g_string_new(NULL);
    g_string_printf(out, "HTTP/1.1 %u %s\r\nConnection: close\r\n"
                    "Content-Type: %s\r\nX-Content-Type-Options: nosniff\r\n"
                    "Cache-Control: no-store\r\nContent-Length: %zu\r\n\r\n%s",
                    status, reason, r.content_type, r.body->len, r.body->str);
    (void)send(fd, out->str, out->len, MSG_NOSIGNAL | MSG_DONTWAIT);
    g_string_free(out, TRUE);
    g_string_free(r.body, TRUE);
}

/* Each whole request (headers and body) must arrive within
 * request_timeout seconds of the connection's opening or of its previous
 * answer: MHD's own timeout counts only idle time, so a client sending a
 * header line every few seconds would hold its connection for ever. Past
 * the deadline the connection is shut down (MHD then sees it closed and
 * frees it); a client that had begun its request is first told why. The
 * socket is still open here: MHD closes it only after notify_connection
 * has removed it from conns, under the same lock. */
static gpointer
watchdog_main(gpointer data)
{
    ghs_http_server *s = data;
    gint64 limit = (gint64)s->request_timeout * G_USEC_PER_SEC;
    char message[128];

    snprintf(message, sizeof message, "the request did not arrive in full within %u second%s",
             s->request_timeout, s->request_timeout == 1 ? "" : "s");
    g_mutex_lock(&s->conns_lock);
    while (!s->stopping) {
        gint64 now = g_get_monotonic_time();
        GHashTableIter it;
        gpointer key;

        g_hash_table_iter_init(&it, s->conns);
        while (g_hash_table_iter_next(&it, &key, NULL)) {
            conn_state *cs = key;

            if (cs->cut || cs->answering || now - cs->since < limit)
                continue;
            /* MHD writes nothing before the headers are in: the socket is ours */
            if (cs->started && !cs->in_handler)
                send_raw_error(cs->fd, 408, "Request Timeout", "request_timeout", message);
            conn_cut(s, cs);
        }
        g_cond_wait_until(&s->watchdog_wake, &s->conns_lock, now + G_USEC_PER_SEC / 4);
    }
    g_mutex_unlock(&s->conns_lock);
    return NULL;
}

/* libmicrohttpd 0.9.75 rejects a request whose Content-Length is not a
 * number (or too large) or whose cookies overflow its memory pool while it
 * parses the headers, but then goes on with the request as if nothing had
 * happened and builds its error's status line and headers a second time:
 * the client gets them twice, the second copy as the start of the body
 * (the header-parsing state is overwritten after the error; fixed in later
 * releases). Nothing of ours runs in between except its log call, made by
 * the pool thread that serves the connection, so that call answers for
 * it: the connection of this thread whose headers are in but that never
 * reached the handler gets a proper JSON error and is shut, and MHD's
 * garbled answer then fails to go out. */
static void
answer_header_error(ghs_http_server *s, unsigned status)
{
    pthread_t self = pthread_self();
    GHashTableIter it;
    gpointer key;

    g_mutex_lock(&s->conns_lock);
    g_hash_table_iter_init(&it, s->conns);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        conn_state *cs = key;

        /* only this thread's connections: MHD changes the others meanwhile */
        if (cs->cut || cs->in_handler || !pthread_equal(cs->worker, self) ||
            !MHD_get_connection_info(cs->c, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE))
            continue;
        if (status == 400)
            send_raw_error(cs->fd, 400, "Bad Request", "bad_request",
                           "the Content-Length header is not a number of bytes");
        else if (status == 413)
            send_raw_error(cs->fd, 413, "Content Too Large", "body_too_large",
                           "the Content-Length header is too large");
        else
            send_raw_error(cs->fd, 431, "Request Header Fields Too Large",
                           "headers_too_large", "the request headers are too large");
        conn_cut(s, cs);
    }
    g_mutex_unlock(&s->conns_lock);
}

static enum MHD_Result
handle_request(void *cls, struct MHD_Connection *c, const char *url,
               const char *method, const char *version, const char *upload_data,
               size_t *upload_data_size, void **con_cls)
{
    ghs_http_server *s = cls;
    req_ctx *ctx = *con_cls;
    conn_state *cs = conn_of(c);
    http_request rq = {0};
    http_reply r = {0};
    int close_after = 0;
    unsigned busy;
    enum MHD_Result ret;
    const char *accept;

    (void)version;
    (void)upload_data;
    if (!ctx) {   /* the URI log callback always runs first; just in case */
        ctx = g_new0(req_ctx, 1);
        *con_cls = ctx;
    }
    if (!ctx->headers_seen) {
        /* First call: the headers are in. What can be refused without the
         * body is refused now, and the connection closed (MHD would not
         * read the rest of the request); anything else is answered once
         * the whole request is in, so the connection stays open. */
        ctx->headers_seen = 1;
        g_mutex_lock(&s->conns_lock);
        busy = s->busy;
        g_mutex_unlock(&s->conns_lock);
        if (busy > s->max_connections) {
            http_reply_error(&r, 503, "overloaded", 0,
                             "the server has more than %u requests in progress; "
                             "retry shortly", s->max_connections);
        } else if (ctx->uri_len > GHS_HTTP_MAX_URL) {
            http_reply_error(&r, 414, "uri_too_long", 0,
                             "the request target is %zu bytes; the limit is %d",
                             ctx->uri_len, GHS_HTTP_MAX_URL);
        } else if (request_body_length(c) > GHS_HTTP_MAX_BODY) {
            http_reply_error(&r, 413, "body_too_large", 0,
                             "the request body is over %d bytes", GHS_HTTP_MAX_BODY);
        } else if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
                   strcmp(method, MHD_HTTP_METHOD_HEAD) != 0 && request_has_body(c)) {
            http_reply_error(&r, 405, "method_not_allowed", 0,
                             "method %s is not allowed; use GET", method);
        } else {
            return conn_advance(s, cs, 0) ? MHD_YES : MHD_NO;
        }
        close_after = 1;
    } else if (*upload_data_size > 0) {
        /* Body bytes of a GET or HEAD, dropped; a chunked body past the
         * limit (no Content-Length to refuse it by) ends the connection. */
        ctx->body_len += *upload_data_size;
        *upload_data_size = 0;
        return ctx->body_len > GHS_HTTP_MAX_BODY ? MHD_NO : MHD_YES;
    } else if (strcmp(method, MHD_HTTP_METHOD_OPTIONS) == 0 && s->cors_origin) {
        r.status = 204;   /* a CORS preflight: the headers say what is allowed */
        r.content_type = "text/plain; charset=utf-8";
        r.body = g_string_new(NULL);
        r.no_store = 1;
    } else if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
               strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
        http_reply_error(&r, 405, "method_not_allowed", 0,
                         "method %s is not allowed; use GET", method);
    } else if (ctx->path_has_nul) {
        http_reply_error(&r, 400, "bad_path", 0,
                         "the path holds a NUL character (%%00), which no path may contain");
    } else if (!g_utf8_validate(url, -1, NULL)) {
        http_reply_error(&r, 400, "bad_encoding", 0, "the path is not valid UTF-8");
    } else {
        arg_collector ac = { &rq, NULL };

        rq.path = url;
        rq.conn = c;
        rq.readers = s->readers;
        rq.query_timeout = s->query_timeout;
        accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
        rq.wants_html = accept && strstr(accept, "text/html") != NULL;
        rq.arg_keys = g_ptr_array_new();
        rq.arg_values = g_ptr_array_new();
        MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, collect_arg, &ac);
        if (ac.nul_key && *ac.nul_key)
            http_reply_error(&r, 400, "bad_parameter", 0,
                             "the argument %s holds a NUL character (%%00), which no "
                             "argument may contain", ac.nul_key);
        else if (ac.nul_key)
            http_reply_error(&r, 400, "bad_parameter", 0,
                             "an argument name holds a NUL character (%%00), "
                             "which no argument may contain");
        else if (!args_are_utf8(&rq))
            http_reply_error(&r, 400, "bad_encoding",
                             0, "a query-string argument is not valid UTF-8");
        else
            dispatch(&rq, &r);
        g_ptr_array_free(rq.arg_keys, TRUE);
        g_ptr_array_free(rq.arg_values, TRUE);
        g_free(ac.nul_key);
    }
    if (s->log && (r.log_detail || (r.status >= 500 && r.status != 503))) {
        char *safe = g_strescape(url, NULL);   /* a decoded path may hold newlines */

        if (r.log_detail)   /* what the client was not told */
            fprintf(s->log, "ghsearch serve: %s %s: %u %s\n", method, safe, r.status,
                    r.log_detail);
        else
            fprintf(s->log, "ghsearch serve: %s %s: %u %s", method, safe, r.status,
                    r.body ? r.body->str : "\n");
        g_free(safe);
    }

    maybe_gzip(c, &r);
    log_request(s, method, url, &r, ctx->t0);
    if (conn_advance(s, cs, 1))
        ret = send_reply(s, c, &r, close_after);
    else
        ret = MHD_NO;   /* the watchdog cut the connection meanwhile */
    if (r.body)
        g_string_free(r.body, TRUE);
    g_free(r.log_detail);
    if (r.has_file)
        close(r.file_fd);
    if (r.headers)
        g_ptr_array_free(r.headers, TRUE);
    *upload_data_size = 0;
    return ret;
}

/* Requests in progress from addr (under conns_lock). */
static unsigned
client_busy(ghs_http_server *s, const char *addr)
{
    GHashTableIter it;
    gpointer key;
    unsigned n = 0;

    g_hash_table_iter_init(&it, s->conns);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        conn_state *cs = key;

        n += cs->started && !cs->cut && strcmp(cs->addr, addr) == 0;
    }
    return n;
}

/* Called by MHD with the raw request target before it parses it: the only
 * place its full length (path and query string) is visible. Over its
 * address's limit the request is refused here, before its headers are
 * read: so a client cannot hold more connections mid-request than that. */
static void *
log_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    ghs_http_server *s = cls;
    req_ctx *ctx = g_new0(req_ctx, 1);
    conn_state *cs = conn_of(c);

    ctx->uri_len = strlen(uri);
    ctx->t0 = g_get_monotonic_time();
    ctx->path_has_nul = raw_path_has_nul(uri);
    if (cs) {
        g_mutex_lock(&s->conns_lock);
        if (!cs->cut && client_busy(s, cs->addr) >= s->max_client_connections) {
            /* MHD has written nothing yet: the socket is ours to answer on */
            char message[160];

            snprintf(message, sizeof message,
                     "this client already has %u requests in progress, the most "
                     "one address may have; retry when they are answered",
                     s->max_client_connections);
            send_raw_error(cs->fd, 429, "Too Many Requests", "too_many_requests", message);
            conn_cut(s, cs);
        } else if (!cs->cut && !cs->started) {
            cs->started = 1;
            s->busy++;
        }
        g_mutex_unlock(&s->conns_lock);
    }
    return ctx;
}

/* A request is over (answered, or abandoned): the next one on the same
 * connection gets the whole timeout from now. */
static void
request_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                  enum MHD_RequestTerminationCode toe)
{
    ghs_http_server *s = cls;
    conn_state *cs = conn_of(c);

    (void)toe;
    g_free(*con_cls);
    *con_cls = NULL;
    if (cs) {
        g_mutex_lock(&s->conns_lock);
        if (cs->started && !cs->cut)
            s->busy--;
        cs->started = cs->in_handler = cs->answering = 0;
        cs->since = g_get_monotonic_time();
        g_mutex_unlock(&s->conns_lock);
    }
}

/* The client's address as text ("" for another family). */
static void
address_text(const struct sockaddr *sa, char *out, size_t len)
{
    out[0] = '\0';
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, len);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, len);
}

/* More connections are open than max_connections: close up to n that wait
 * for a request and have waited a second or more (kept alive after an
 * answer, or opened and left unused), so that idle connections never keep
 * a new one out. Under conns_lock. */
static void
close_idle(ghs_http_server *s, int n, gint64 now)
{
    GHashTableIter it;
    gpointer key;

    g_hash_table_iter_init(&it, s->conns);
    while (n > 0 && g_hash_table_iter_next(&it, &key, NULL)) {
        conn_state *cs = key;

        if (cs->cut || cs->started || cs->in_handler || cs->answering ||
            now - cs->since < G_USEC_PER_SEC)
            continue;
        conn_cut(s, cs);
        n--;
    }
}

static void
notify_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                  enum MHD_ConnectionNotificationCode code)
{
    ghs_http_server *s = cls;
    conn_state *cs;

    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *fd =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);

        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        int open;

        cs = g_new0(conn_state, 1);
        cs->c = c;
        cs->fd = fd ? fd->connect_fd : MHD_INVALID_SOCKET;
        cs->worker = pthread_self();
        cs->since = g_get_monotonic_time();
        cs->cut = cs->fd == MHD_INVALID_SOCKET;
        if (ci && ci->client_addr)
            address_text(ci->client_addr, cs->addr, sizeof cs->addr);
        open = g_atomic_int_add(&s->open_connections, 1) + 1;
        g_mutex_lock(&s->conns_lock);
        if (open > (int)s->max_connections)
            close_idle(s, open - (int)s->max_connections, cs->since);
        g_hash_table_add(s->conns, cs);
        g_mutex_unlock(&s->conns_lock);
        *socket_context = cs;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && (cs = *socket_context) != NULL) {
        /* before MHD closes the socket: the watchdog cannot touch it after */
        g_mutex_lock(&s->conns_lock);
        if (cs->started && !cs->cut)
            s->busy--;
        g_hash_table_remove(s->conns, cs);
        g_mutex_unlock(&s->conns_lock);
        g_free(cs);
        *socket_context = NULL;
        g_atomic_int_add(&s->open_connections, -1);
    }
}

/* MHD messages written in one minute at most. */
#define GHS_HTTP_LOG_LINES 20

static void
log_mhd(void *cls, const char *fmt, va_list ap)
{
    ghs_http_server *s = cls;
    gint64 now;
    int show;

    if (g_str_has_prefix(fmt, "Failed to parse `Content-Length' header"))
        answer_header_error(s, 400);
    else if (g_str_has_prefix(fmt, "Too large value of 'Content-Length' header"))
        answer_header_error(s, 413);
    else if (g_str_has_prefix(fmt, "Not enough memory in pool to parse cookies"))
        answer_header_error(s, 431);
    if (!s->log)
        return;
    /* Most of MHD's lines are about one client's connection (closed early,
     * malformed, refused): a client could fill the log with them. */
    now = g_get_monotonic_time();
    g_mutex_lock(&s->log_lock);
    if (now - s->log_window >= 60 * G_USEC_PER_SEC) {
        if (s->log_dropped)
            fprintf(s->log, "ghsearch serve: [http] %u more messages in the last minute "
                    "were not shown\n", s->log_dropped);
        s->log_window = now;
        s->log_lines = s->log_dropped = 0;
    }
    show = s->log_lines < GHS_HTTP_LOG_LINES;
    if (show)
        s->log_lines++;
    else
        s->log_dropped++;
    g_mutex_unlock(&s->log_lock);
    if (!show)
        return;
    fputs("ghsearch serve: [http] ", s->log);
    vfprintf(s->log, fmt, ap);
}

/* ------------------------------------------------------------ life */

/* Bind and listen ourselves rather than let MHD do it, so that a failure
 * says why (address in use, not an address of this machine, ...). */
static int
open_listener(const char *host, unsigned port, int *is_v6, char *errbuf, size_t errlen)
{
    struct addrinfo hints = {0}, *ai = NULL;
    char service[16];
    int fd, one = 1, rc;

    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    snprintf(service, sizeof service, "%u", port);
    rc = getaddrinfo(host, service, &hints, &ai);
    if (rc != 0) {
        snprintf(errbuf, errlen, "[http] cannot listen on %s:%u: %s", host, port,
                 gai_strerror(rc));
        return -1;
    }
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
        listen(fd, 128) < 0) {
        snprintf(errbuf, errlen, "[http] cannot listen on %s:%u: %s", host, port,
                 g_strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    *is_v6 = ai->ai_family == AF_INET6;
    freeaddrinfo(ai);
    return fd;
}

/* What ghs_http_start set up besides the daemon and the watchdog. */
static void
server_free(ghs_http_server *s)
{
    if (s->readers)
        reader_pool_free(s->readers);
    g_hash_table_destroy(s->conns);
    g_cond_clear(&s->watchdog_wake);
    g_mutex_clear(&s->conns_lock);
    g_mutex_clear(&s->log_lock);
    g_free(s->host);
    g_free(s->cors_origin);
    g_free(s);
}

int
ghs_http_start(ghs_http_server **out, const ghs_http_config *cfg, char *errbuf,
               size_t errlen)
{
    ghs_http_server *s;
    unsigned threads = cfg->threads ? cfg->threads : 4;
    unsigned timeout = cfg->timeout_s ? cfg->timeout_s : 15;
    /* ITC lets ghs_http_stop quiesce a thread pool and take its socket back. */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG |
                     MHD_USE_ITC;
    int fd, is_v6 = 0;
    const union MHD_DaemonInfo *info;

    assert(out && cfg && cfg->db);
    *out = NULL;
    s = g_new0(ghs_http_server, 1);
    s->host = g_strdup(cfg->host ? cfg->host : "127.0.0.1");
    s->max_connections = cfg->max_connections ? cfg->max_connections : 256;
    s->query_timeout = cfg->query_timeout_s > 0 ? cfg->query_timeout_s
                       : cfg->query_timeout_s < 0 ? 0 : 2.0;
    s->request_timeout = timeout;
    s->max_client_connections = cfg->max_client_connections ? cfg->max_client_connections
                                : MAX(1, s->max_connections / 2);
    s->log = cfg->log;
    s->access_log = cfg->access_log;
    s->cors_origin = g_strdup(cfg->cors_origin);
    g_mutex_init(&s->conns_lock);
    g_mutex_init(&s->log_lock);
    g_cond_init(&s->watchdog_wake);
    s->conns = g_hash_table_new(NULL, NULL);

    fd = open_listener(s->host, cfg->port, &is_v6, errbuf, errlen);
    if (fd < 0) {
        server_free(s);
        return -1;
    }
    if (is_v6)
        flags |= MHD_USE_IPv6;
    s->readers = reader_pool_new(cfg->db);
    /* MHD's own hard limit sits above ours so that the connections between
     * the two get a JSON 503 instead of being dropped unanswered (and idle
     * ones are closed first: close_idle). Clients are told apart in
     * log_uri, not by MHD's per-address limit: that one counts a connection
     * until MHD has noticed its close, so a client that opens a new
     * connection for each request would be refused at random. The watchdog
     * ends a request that takes longer than timeout; MHD's idle timeout,
     * a second later, is left for answers a client does not read. */
    s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, handle_request, s,
        MHD_OPTION_EXTERNAL_LOGGER, log_mhd, s,   /* first, or MHD warns */
        MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, s->max_connections + 64 + threads,
        MHD_OPTION_CONNECTION_TIMEOUT, timeout + 1,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
        MHD_OPTION_URI_LOG_CALLBACK, log_uri, s,
        MHD_OPTION_NOTIFY_COMPLETED, request_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, notify_connection, s,
        MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(errbuf, errlen, "[http] cannot start the server on %s:%u", s->host,
                 cfg->port);
        close(fd);
        server_free(s);
        return -1;
    }
    s->watchdog = g_thread_new("ghs-http-watchdog", watchdog_main, s);
    info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info && info->port ? info->port : cfg->port;
    *out = s;
    return 0;
}

unsigned
ghs_http_port(const ghs_http_server *s)
{
    return s->port;
}

const char *
ghs_http_host(const ghs_http_server *s)
{
    return s->host;
}

void
ghs_http_stop(ghs_http_server *s)
{
    MHD_socket fd;

    if (!s)
        return;
    /* MHD_stop_daemon does not close a socket it was given. */
    fd = MHD_quiesce_daemon(s->daemon);
    MHD_stop_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    /* every connection is closed and out of conns: the watchdog can go */
    g_mutex_lock(&s->conns_lock);
    s->stopping = 1;
    g_cond_signal(&s->watchdog_wake);
    g_mutex_unlock(&s->conns_lock);
    g_thread_join(s->watchdog);
    server_free(s);
}
