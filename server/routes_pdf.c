/*
 * routes_pdf.c: GET /doc/{id}/pdf: the PDF file a document was indexed
 * from, so that a hit can link to its page (…/pdf#page=N, which browsers'
 * PDF viewers open at that physical page).
 *
 * The file is the one the index recorded for the document
 * (ghs_document.path); nothing of the request names a file: {id} goes to
 * the library only, as for /doc/{id}. Served only for a document of type
 * pdf whose recorded file is still a regular file holding a PDF header
 * (ghs_document_pdf_open: the rule by which a hit's open_url links here);
 * anything else (a release, a record, a document of a remote shard, a file
 * gone or replaced by something else) is a 404 whose message names no
 * path. Read-only.
 *
 * HTTP caching and ranges, as a PDF viewer uses them: a strong ETag made
 * of the file's size and modification time, Last-Modified, 304 for
 * If-None-Match or (without it) an If-Modified-Since equal to
 * Last-Modified; one byte range (bytes=a-b, a- or -n) answered 206 with
 * Content-Range, If-Range honoured, an unsatisfiable range 416, and
 * several ranges answered with the whole file (which RFC 9110 allows).
 *
 * Does not own: turning the reply into a response (http.c streams the
 * file from the descriptor opened here).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "server_internal.h"

/* The opened file of the document id names, or -1 with r filled (404, or
 * the library's error). *st is the file's status, *name its file name
 * (g_free). */
static int
open_document_pdf(const http_request *rq, const char *id, struct stat *st, char **name,
                  http_reply *r)
{
    ghs_error err = {0};
    ghs_index *ix = reader_pool_acquire(rq->readers, &err);
    ghs_document *d = NULL;
    char *doc_id = NULL, *name_of = NULL;
    int rc, fd;

    if (!ix) {
        http_reply_library_error(r, &err);
        return -1;
    }
    rc = ghs_document_resolve(ix, id, &doc_id, &err);
    if (rc == 0)
        rc = ghs_document_get(ix, doc_id, &d, &err);
    reader_pool_release(rq->readers, ix);
    ghs_free(doc_id);
    if (rc < 0) {
        if (err.code == GHS_ENOTFOUND || err.code == GHS_EINVAL)
            http_reply_error(r, 404, "not_found", 0, "%s", err.message);
        else
            http_reply_library_error(r, &err);
        return -1;
    }
    if (strcmp(d->type, "pdf") != 0) {
        http_reply_error(r, 404, "not_found", 0, "document '%s' is not a PDF (a %s)", id,
                         *d->type ? d->type : "document");
        ghs_document_free(d);
        return -1;
    }
    /* the library's rule, as for the hits' open_url links to this route */
    fd = ghs_document_pdf_open(d);
    if (fd >= 0 && fstat(fd, st) < 0) {
        close(fd);
        fd = -1;
    }
    if (fd >= 0)
        name_of = g_path_get_basename(d->path);
    ghs_document_free(d);
    if (fd < 0) {
        /* never the path: HTTP clients do not learn the server's directories */
        http_reply_error(r, 404, "not_found", 0,
                         "the PDF of document '%s' is not on this server", id);
        return -1;
    }
    *name = name_of;
    return fd;
}

/* "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate, English whatever the locale). */
static char *
http_date(time_t t)
{
    static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    struct tm tm;

    gmtime_r(&t, &tm);
    return g_strdup_printf("%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday],
                           tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
                           tm.tm_min, tm.tm_sec);
}

/* Does If-None-Match value list etag (or say "*")? Weak comparison, as
 * RFC 9110 asks for this header. */
static int
etag_listed(const char *list, const char *etag)
{
    char **items = g_strsplit(list, ",", -1);
    int found = 0;

    for (char **it = items; *it && !found; it++) {
        char *e = g_strstrip(*it);

        if (g_str_has_prefix(e, "W/"))
            e += 2;
        found = strcmp(e, "*") == 0 || strcmp(e, etag) == 0;
    }
    g_strfreev(items);
    return found;
}

/* Parse a Range header against a file of size bytes: 1 with [*first,
 * *last] for one satisfiable range, 0 to send the whole file (no header,
 * not bytes, several ranges, a syntax error: all may be ignored), -1 when
 * unsatisfiable. */
static int
parse_range(const char *h, guint64 size, guint64 *first, guint64 *last)
{
    const char *spec, *dash;
    guint64 a = 0, b = 0;
    char *left;

    if (!h || !g_str_has_prefix(h, "bytes="))
        return 0;
    spec = h + strlen("bytes=");
    while (*spec == ' ')
        spec++;
    if (strchr(spec, ','))
        return 0;
    dash = strchr(spec, '-');
    if (!dash)
        return 0;
    left = g_strndup(spec, (gsize)(dash - spec));
    g_strstrip(left);
    if (!*left) {   /* -n: the last n bytes */
        g_free(left);
        if (!g_ascii_string_to_unsigned(dash + 1, 10, 0, G_MAXUINT64, &b, NULL))
            return 0;
        if (b == 0 || size == 0)
            return -1;
        *first = b >= size ? 0 : size - b;
        *last = size - 1;
        return 1;
    }
    if (!g_ascii_string_to_unsigned(left, 10, 0, G_MAXUINT64, &a, NULL)) {
        g_free(left);
        return 0;
    }
    g_free(left);
    if (dash[1] == '\0') {
        b = G_MAXUINT64;
    } else if (!g_ascii_string_to_unsigned(dash + 1, 10, 0, G_MAXUINT64, &b, NULL) || b < a) {
        return 0;
    }
    if (a >= size)
        return -1;
    *first = a;
    *last = MIN(b, size - 1);
    return 1;
}

/* filename="ascii" and filename*=UTF-8''percent-encoded (RFC 6266). */
static char *
content_disposition(const char *name)
{
    GString *ascii = g_string_new(NULL);
    char *enc = g_uri_escape_string(name, NULL, FALSE);
    char *out;

    for (const char *p = name; *p; p++)
        g_string_append_c(ascii, (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') ? *p : '_');
    out = g_strdup_printf("inline; filename=\"%s\"; filename*=UTF-8''%s", ascii->str, enc);
    g_string_free(ascii, TRUE);
    g_free(enc);
    return out;
}

void
route_doc_pdf(const http_request *rq, const char *id, http_reply *r)
{
    struct stat st;
    char *name = NULL, *etag, *modified, *disposition;
    const char *inm, *ims, *if_range, *range;
    guint64 size, first = 0, last = 0;
    int fd, ranged;

    fd = open_document_pdf(rq, id, &st, &name, r);
    if (fd < 0)
        return;
    size = (guint64)st.st_size;
    etag = g_strdup_printf("\"%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER "x-%lx\"",
                           (gint64)size, (gint64)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
    modified = http_date(st.st_mtim.tv_sec);
    disposition = content_disposition(name);
    r->content_type = "application/pdf";
    r->no_store = 0;   /* "no-cache": kept, and checked again with the ETag */
    http_reply_header(r, "ETag", etag);
    http_reply_header(r, "Last-Modified", modified);
    http_reply_header(r, "Accept-Ranges", "bytes");
    http_reply_header(r, "Content-Disposition", disposition);

    inm = http_header(rq, "If-None-Match");
    ims = http_header(rq, "If-Modified-Since");
    if ((inm && etag_listed(inm, etag)) || (!inm && ims && strcmp(ims, modified) == 0)) {
        close(fd);
        r->status = 304;
        r->body = g_string_new(NULL);
        goto out;
    }
    range = http_header(rq, "Range");
    if_range = http_header(rq, "If-Range");
    /* If-Range: the range only if the file is still the one the client has */
    ranged = if_range && strcmp(if_range, etag) != 0 && strcmp(if_range, modified) != 0
             ? 0 : parse_range(range, size, &first, &last);
    if (ranged < 0) {
        char *cr = g_strdup_printf("bytes */%" G_GUINT64_FORMAT, size);

        close(fd);
        http_reply_error(r, 416, "range_not_satisfiable", 0,
                         "the range %s is outside the file's %" G_GUINT64_FORMAT " bytes",
                         range, size);
        http_reply_header(r, "Content-Range", cr);
        g_free(cr);
        goto out;
    }
    r->has_file = 1;
    r->file_fd = fd;
    if (ranged) {
        char *cr = g_strdup_printf("bytes %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT "/%"
                                   G_GUINT64_FORMAT, first, last, size);

        r->status = 206;
        r->file_offset = first;
        r->file_len = last - first + 1;
        http_reply_header(r, "Content-Range", cr);
        g_free(cr);
    } else {
        r->status = 200;
        r->file_offset = 0;
        r->file_len = size;
    }
out:
    g_free(etag);
    g_free(modified);
    g_free(disposition);
    g_free(name);
}
