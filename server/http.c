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
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "http.h"
#include "json_out.h"
#include "server_internal.h"

struct ghs_http_server {
    struct MHD_Daemon *daemon;
    reader_pool *readers;
    char *host;
    unsigned port;
    unsigned max_connections;
    double query_timeout;      /* ghs_search_opts.time_limit of every search; 0 = none */
    gint open_connections;     /* atomic; counted by notify_connection */
    FILE *log;
};

/* Per-request state: what the URI log callback saw before MHD parsed it. */
typedef struct req_ctx {
    size_t uri_len;            /* bytes of the request target, query included */
    int path_has_nul;          /* the path holds %00, which MHD's decoding cuts at */
    int answered;              /* a reply is queued; later calls carry body bytes */
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
http_reply_error(http_reply *r, unsigned status, const char *code, int position,
                 const char *fmt, ...)
{
    GString *o = g_string_new("{\"error\":{\"code\":");
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    json_append_string(o, code);
    json_append_member(o, "message", msg);
    if (position > 0)
        g_string_append_printf(o, ",\"position\":%d", position);
    g_string_append(o, "}}\n");
    g_free(msg);
    if (r->body)
        g_string_free(r->body, TRUE);
    memset(r, 0, sizeof *r);
    http_reply_json(r, status, o);
}

void
http_reply_library_error(http_reply *r, const ghs_error *err)
{
    const char *msg = err->message[0] ? err->message : ghs_strerror(err->code);

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

/* ------------------------------------------------------------ dispatch */

static int
path_is(const char *path, const char *name)
{
    return strcmp(path, name) == 0;
}

/* "/doc/ID" or "/doc/ID/page/N" (ID may itself hold slashes: the page
 * suffix is matched from the end). */
static void
route_doc_path(const http_request *rq, const char *rest, http_reply *r)
{
    const char *suffix = g_strrstr(rest, "/page/");
    char *id;

    if (suffix && suffix > rest) {
        id = g_strndup(rest, (gsize)(suffix - rest));
        route_doc_page(rq, id, suffix + strlen("/page/"), r);
    } else {
        id = g_strdup(rest);
        route_doc(rq, id, r);
    }
    g_free(id);
}

static void
dispatch(const http_request *rq, http_reply *r)
{
    const char *p = rq->path;

    if (path_is(p, "/search"))
        route_search(rq, r);
    else if (path_is(p, "/health"))
        route_health(rq, r);
    else if (path_is(p, "/stats"))
        route_stats(rq, r);
    else if (g_str_has_prefix(p, "/doc/") && p[5] && rq->wants_html)
        route_asset("/", r);   /* the page renders the document from the JSON */
    else if (g_str_has_prefix(p, "/doc/") && p[5])
        route_doc_path(rq, p + 5, r);
    else if (route_asset(p, r) != 0)
        http_reply_error(r, 404, "not_found", 0, "no such endpoint: %s", p);
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

static enum MHD_Result
send_reply(struct MHD_Connection *c, http_reply *r, int close_after)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;

    if (r->body)
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
    MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept");   /* /doc/... */
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                            r->no_store ? "no-store" : "no-cache");
    if (g_str_has_prefix(r->content_type, "text/html"))
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'self'; base-uri 'none'; "
                                "form-action 'self'; frame-ancestors 'none'");
    if (r->status == 405)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
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

static enum MHD_Result
handle_request(void *cls, struct MHD_Connection *c, const char *url,
               const char *method, const char *version, const char *upload_data,
               size_t *upload_data_size, void **con_cls)
{
    ghs_http_server *s = cls;
    req_ctx *ctx = *con_cls;
    http_request rq = {0};
    http_reply r = {0};
    int overloaded, close_after = 0;
    enum MHD_Result ret;
    const char *accept;

    (void)version;
    (void)upload_data;
    /* A reply was queued on the first call; later calls only carry body
     * bytes, which are dropped (the connection closes after the reply). */
    if (ctx && ctx->answered) {
        *upload_data_size = 0;
        return MHD_YES;
    }

    overloaded = g_atomic_int_get(&s->open_connections) > (gint)s->max_connections;
    if (overloaded) {
        http_reply_error(&r, 503, "overloaded", 0,
                         "the server has more than %u open connections; retry shortly",
                         s->max_connections);
        close_after = 1;
    } else if (ctx && ctx->uri_len > GHS_HTTP_MAX_URL) {
        http_reply_error(&r, 414, "uri_too_long", 0,
                         "the request target is %zu bytes; the limit is %d",
                         ctx->uri_len, GHS_HTTP_MAX_URL);
        close_after = 1;
    } else if (*upload_data_size > GHS_HTTP_MAX_BODY ||
               request_body_length(c) > GHS_HTTP_MAX_BODY) {
        http_reply_error(&r, 413, "body_too_large", 0,
                         "the request body is over %d bytes", GHS_HTTP_MAX_BODY);
        close_after = 1;
    } else if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
               strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
        http_reply_error(&r, 405, "method_not_allowed", 0,
                         "method %s is not allowed; use GET", method);
        close_after = *upload_data_size > 0 || request_body_length(c) > 0;
    } else if (ctx && ctx->path_has_nul) {
        http_reply_error(&r, 400, "bad_path", 0,
                         "the path holds a NUL character (%%00), which no path may contain");
    } else if (!g_utf8_validate(url, -1, NULL)) {
        http_reply_error(&r, 400, "bad_encoding", 0, "the path is not valid UTF-8");
    } else {
        arg_collector ac = { &rq, NULL };

        rq.path = url;
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
    if (r.status >= 500 && r.status != 503 && s->log) {
        char *safe = g_strescape(url, NULL);   /* a decoded path may hold newlines */

        fprintf(s->log, "ghsearch serve: %s %s: %u %s", method, safe, r.status,
                r.body ? r.body->str : "\n");
        g_free(safe);
    }

    ret = send_reply(c, &r, close_after);
    if (r.body)
        g_string_free(r.body, TRUE);
    if (ctx)
        ctx->answered = 1;
    *upload_data_size = 0;
    return ret;
}

/* Called by MHD with the raw request target before it parses it: the only
 * place its full length (path and query string) is visible. */
static void *
log_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    req_ctx *ctx = g_new0(req_ctx, 1);

    (void)cls;
    (void)c;
    ctx->uri_len = strlen(uri);
    ctx->path_has_nul = raw_path_has_nul(uri);
    return ctx;
}

static void
request_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                  enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    g_free(*con_cls);
    *con_cls = NULL;
}

static void
notify_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                  enum MHD_ConnectionNotificationCode code)
{
    ghs_http_server *s = cls;

    (void)c;
    (void)socket_context;
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
        g_atomic_int_inc(&s->open_connections);
    else if (code == MHD_CONNECTION_NOTIFY_CLOSED)
        g_atomic_int_add(&s->open_connections, -1);
}

static void
log_mhd(void *cls, const char *fmt, va_list ap)
{
    ghs_http_server *s = cls;

    if (s->log) {
        fputs("ghsearch serve: [http] ", s->log);
        vfprintf(s->log, fmt, ap);
    }
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
    s->log = cfg->log;

    fd = open_listener(s->host, cfg->port, &is_v6, errbuf, errlen);
    if (fd < 0) {
        g_free(s->host);
        g_free(s);
        return -1;
    }
    if (is_v6)
        flags |= MHD_USE_IPv6;
    s->readers = reader_pool_new(cfg->db);
    /* MHD's own hard limit sits above ours so that the connections between
     * the two get a JSON 503 instead of being dropped unanswered. */
    s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, handle_request, s,
        MHD_OPTION_EXTERNAL_LOGGER, log_mhd, s,   /* first, or MHD warns */
        MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, s->max_connections + 64 + threads,
        MHD_OPTION_CONNECTION_TIMEOUT, timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
        MHD_OPTION_URI_LOG_CALLBACK, log_uri, s,
        MHD_OPTION_NOTIFY_COMPLETED, request_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, notify_connection, s,
        MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(errbuf, errlen, "[http] cannot start the server on %s:%u", s->host,
                 cfg->port);
        close(fd);
        reader_pool_free(s->readers);
        g_free(s->host);
        g_free(s);
        return -1;
    }
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
    reader_pool_free(s->readers);
    g_free(s->host);
    g_free(s);
}
