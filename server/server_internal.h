/*
 * server_internal.h: what the files of server/ share: a parsed request, the
 * reply a route builds, and the routes themselves.
 *
 * http.c owns libmicrohttpd and turns an http_reply into a response; the
 * routes (routes_search.c, routes_doc.c, routes_info.c, assets.c) know
 * nothing of libmicrohttpd, only of http_request and http_reply.
 */
#ifndef GHS_SERVER_INTERNAL_H
#define GHS_SERVER_INTERNAL_H

#include <stddef.h>
#include <glib.h>

#include "ghsearch.h"
#include "reader_pool.h"

/* One GET request, as far as the routes need it. */
typedef struct http_request {
    const char *path;       /* decoded path, e.g. "/doc/abc/page/2" */
    GPtrArray *arg_keys;    /* const char *, query-string keys in order */
    GPtrArray *arg_values;  /* const char *, their decoded values ("" if none) */
    reader_pool *readers;   /* where to borrow an index handle */
    int wants_html;         /* Accept names text/html: a browser navigating */
    double query_timeout;   /* seconds per search (ghs_search_opts.time_limit); 0 = none */
    void *conn;             /* http.c's connection, for http_header() */
} http_request;

/* What a route answers. Exactly one of body / static_body is set. */
typedef struct http_reply {
    unsigned status;            /* HTTP status */
    const char *content_type;   /* static string */
    GString *body;              /* owned; freed by http.c */
    const void *static_body;    /* embedded asset, static storage */
    size_t static_len;
    int no_store;               /* 1: Cache-Control: no-store (API answers) */
    int gzipped;                /* set by http.c: body is gzip-compressed */
    int varies_by_encoding;     /* set by http.c: Vary: Accept-Encoding */
    char *log_detail;           /* owned, or NULL: for the server's log only, what
                                   the client was not told (a library message
                                   naming a path of this machine) */
    int has_file;               /* 1: the body is file_len bytes of file_fd from
                                   file_offset instead (a read-only file the route
                                   opened; http.c closes it) */
    int file_fd;
    guint64 file_offset, file_len;
    GPtrArray *headers;         /* more response headers, name and value by turns
                                   (char *, owned), or NULL */
} http_reply;

/* One query-string argument of an endpoint: how it is checked, and what
 * /openapi.json says of it (openapi.c writes the parameters from the same
 * tables the routes check against, so the two cannot disagree). */
typedef enum {
    HTTP_PARAM_TEXT,    /* any text, at most max bytes (0: no limit) */
    HTTP_PARAM_COUNT,   /* a whole number in min..max */
    HTTP_PARAM_ENUM,    /* one of values (case aside) */
    HTTP_PARAM_PATTERN  /* matching pattern (a regular expression) */
} http_param_kind;

typedef struct http_param {
    const char *name;
    http_param_kind kind;
    size_t min, max;            /* COUNT: the range; TEXT: max bytes */
    const char *const *values;  /* ENUM: NULL-terminated */
    const char *pattern;        /* PATTERN: anchored; GRegex and JSON Schema alike */
    int repeat;                 /* a filter: may repeat (either value), "" is absent */
    const char *expect;         /* PATTERN: what a good value looks like, for errors */
    const char *description;    /* for /openapi.json */
    const char *example;        /* for /openapi.json (a number for COUNT), or NULL */
} http_param;

/* The arguments of /search (routes_search.c); the entry after the last has
 * name NULL. */
extern const http_param http_search_params[];

/* A path the server answers: its OpenAPI path template, and the route.
 * args are the template's {fields}, in order. */
typedef struct http_route {
    const char *path;           /* "/doc/{id}/page/{n}" */
    void (*answer)(const http_request *rq, char **args, http_reply *r);
} http_route;

/* Every path the server answers besides the search page's own files
 * (assets.c), in the order they are tried (http.c); ends with path NULL.
 * /openapi.json describes each of them (tests/test_openapi.c checks it). */
extern const http_route http_routes[];

/* The OpenAPI 3.1 description of the API (openapi.c), as JSON text; g_free. */
char *http_openapi_json(void);
void route_openapi(const http_request *rq, http_reply *r);

/* What a client may read of a library error (no place tags, no path of this
 * machine): ghs_error_what() for the client's own mistakes (a malformed
 * query, an unknown document), a sentence of the server's for a failing
 * index, whose cause may name its path. Static or err's storage. */
const char *http_error_text(const ghs_error *err);

/* The last value of query-string argument key, or NULL when absent. */
const char *http_arg(const http_request *rq, const char *key);

/* The value of request header name (case-insensitive), or NULL. */
const char *http_header(const http_request *rq, const char *name);

/* Add a response header to r (copies both). */
void http_reply_header(http_reply *r, const char *name, const char *value);

/* Set r to a JSON error: {"error":{"code":code,"message":msg[,"position":pos]}}
 * (position written only when > 0). */
void http_reply_error(http_reply *r, unsigned status, const char *code,
                      int position, const char *fmt, ...) G_GNUC_PRINTF(5, 6);

/* Set r to a JSON body (takes json). */
void http_reply_json(http_reply *r, unsigned status, GString *json);

/* Append json, a JSON value the library wrote (ghs_json_string,
 * ghs_hit_json, ...), to body and free it. The library writes every JSON
 * value of an answer; the routes put them together. */
void http_append_json(GString *body, char *json);

/* Routes: each fills r completely. */
void route_search(const http_request *rq, http_reply *r);
void route_doc(const http_request *rq, const char *id, http_reply *r);
void route_doc_page(const http_request *rq, const char *id, const char *page,
                    http_reply *r);
/* GET /doc/{id}/pdf (routes_pdf.c): the document's indexed PDF file. */
void route_doc_pdf(const http_request *rq, const char *id, http_reply *r);
void route_health(const http_request *rq, http_reply *r);
void route_stats(const http_request *rq, http_reply *r);

/* The embedded file served at path ("/", "/app.js", ...); 0 when found
 * (r filled), -1 when there is none. */
int route_asset(const char *path, http_reply *r);

/* Map a library error to a reply: 400 with position for GHS_EQUERY, 503 for
 * an index that cannot be opened, 500 otherwise. */
void http_reply_library_error(http_reply *r, const ghs_error *err);

#endif /* GHS_SERVER_INTERNAL_H */
