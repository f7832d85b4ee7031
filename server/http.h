/*
 * http.h: the HTTP server behind `ghsearch serve`: a JSON API over one
 * index and the search page, on libmicrohttpd.
 *
 * Owns: the daemon's life (start, the port it got, stop) and its limits.
 * Does not own: argument parsing and printing (cli/cmd_serve.c), search
 * logic (libghsearch, reached only through ghsearch.h).
 *
 * Endpoints (all GET or HEAD; anything else is 405):
 *   /                       the search page (server/web/, embedded)
 *   /search?q=&limit=&offset=&per_doc=&lang=&type=&year=&publisher=
 *   /doc/{id}               a document's metadata, citation, page count
 *                           (and its text when it has no pages)
 *   /doc/{id}/page/{n}      the text of one page of a PDF
 *   /health, /stats
 *   /openapi.json           the OpenAPI 3.1 description of all of them
 * Answers of text over 1 KiB are gzip-compressed when the client accepts it.
 * Errors are JSON: {"error":{"code":"...","message":"...","position":N}}
 * (position only for a malformed query, 1-based code point in q).
 */
#ifndef GHS_SERVER_HTTP_H
#define GHS_SERVER_HTTP_H

#include <stdio.h>

typedef struct ghs_http_server ghs_http_server;

typedef struct ghs_http_config {
    const char *db;            /* index path (directory or stub file); required */
    const char *host;          /* address to bind; NULL means "127.0.0.1" */
    unsigned port;             /* 0 picks a free port (see ghs_http_port) */
    unsigned threads;          /* worker threads; 0 means 4 */
    unsigned max_connections;  /* requests in progress before 503 (idle
                                  connections do not count); 0 means 256 */
    unsigned max_client_connections; /* requests in progress from one client
                                  address before 429; 0 means half of
                                  max_connections */
    unsigned timeout_s;        /* seconds a connection has to send each whole
                                  request, from its opening or its previous
                                  answer (so also the idle timeout); 0 means 15 */
    double query_timeout_s;    /* per-query budget (ghs_search_opts.time_limit):
                                  0 means 2 s, negative means none */
    FILE *log;                 /* where internal errors are written; may be NULL */
    FILE *access_log;          /* one line per request (time, method, path without
                                  its query string, status, bytes, ms); NULL: none */
    const char *cors_origin;   /* Access-Control-Allow-Origin for the API (and an
                                  answer to preflight OPTIONS); NULL: no CORS */
} ghs_http_config;

/* Bounds of a request (also documented in the README). */
#define GHS_HTTP_MAX_URL 8192       /* bytes of the request target: else 414 */
#define GHS_HTTP_MAX_QUERY 1024     /* bytes of q: else 413 */
#define GHS_HTTP_MAX_BODY 8192      /* bytes of a request body: else 413 */
#define GHS_HTTP_MAX_LIMIT 100      /* largest limit= */
#define GHS_HTTP_MAX_OFFSET 10000   /* largest offset= */
#define GHS_HTTP_MAX_PER_DOC 1000   /* largest per_doc= */

/* Start serving cfg->db on cfg->host:cfg->port in background threads. The
 * index is opened lazily (one read handle per worker), so a missing index
 * is reported by /health (503), not here. On success *out is a running
 * server to stop with ghs_http_stop(). On failure returns -1 and writes a
 * sentence ("[http] cannot listen on 127.0.0.1:8080: ...") into errbuf. */
int ghs_http_start(ghs_http_server **out, const ghs_http_config *cfg,
                   char *errbuf, size_t errlen);

/* The port the server listens on (the one picked when cfg->port was 0). */
unsigned ghs_http_port(const ghs_http_server *s);

/* The host it was bound to, as given (static for the server's life). */
const char *ghs_http_host(const ghs_http_server *s);

/* Stop accepting, finish the requests in progress, close every index
 * handle and free s. NULL is a no-op. */
void ghs_http_stop(ghs_http_server *s);

#endif /* GHS_SERVER_HTTP_H */
