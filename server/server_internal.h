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
    int has_file;               /* 1: the body is file_len bytes of file_fd from
                                   file_offset instead (a read-only file the route
                                   opened; http.c closes it) */
    int file_fd;
    guint64 file_offset, file_len;
    GPtrArray *headers;         /* more response headers, name and value by turns
                                   (char *, owned), or NULL */
} http_reply;

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
