/*
 * open_url.c: the link that opens a hit or a document at its page, the
 * one rule behind a hit's "open_url" (ghs_hit_json), `ghsearch open`, the
 * terminal hyperlinks of `ghsearch search` and the server's PDF route, so
 * that the command line, the server and a C program agree on it:
 *  - on this machine (flags 0): the local file the document was indexed
 *    from as a file:// URL, else its web address;
 *  - for a remote user (GHS_JSON_SOURCE_REMOTE): never a path, but the
 *    server's own "/doc/ID/pdf" when it can serve the PDF
 *    (ghs_document_pdf_open), else the web address;
 * with "#page=N" (the physical page) for a PDF, which browsers' PDF
 * viewers open at. A JSON Lines record's file holds many records: a
 * record opens only at its own web address.
 *
 * Also the paths of a page of hits (ghs_hits_add_paths), read from their
 * documents' records once per document.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "docdata.h"
#include "index_handle.h"
#include "schema.h"
#include "search_internal.h"

/* A PDF reader looks for the header within the first 1024 bytes. */
#define PDF_HEADER_WINDOW 1024

/* What a link is made from: a hit's or a document's fields. */
typedef struct link_src {
    const char *doc, *type, *path, *url, *source;
    int page;
} link_src;

static gboolean
is_web_url(const char *s)
{
    return s && (g_ascii_strncasecmp(s, "http://", 7) == 0 ||
                 g_ascii_strncasecmp(s, "https://", 8) == 0);
}

/* url with every byte outside printable ASCII percent-encoded: a terminal
 * hyperlink takes no other bytes, and a launcher gets one argument. */
static char *
ascii_url(const char *url)
{
    GString *s = g_string_new(NULL);

    for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
        if (*p <= 0x20 || *p >= 0x7f)
            g_string_append_printf(s, "%%%02X", *p);
        else
            g_string_append_c(s, (char)*p);
    }
    return g_string_free(s, FALSE);
}

/* The open file at path when it is a PDF the server may send: a regular
 * file (O_NONBLOCK: a FIFO put where the file was must not hold the
 * thread) with a PDF header; else -1. */
static int
pdf_open(const char *type, const char *path)
{
    char head[PDF_HEADER_WINDOW];
    struct stat st;
    ssize_t got;
    int fd;

    if (!type || strcmp(type, "pdf") != 0 || !path || !g_path_is_absolute(path))
        return -1;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    got = pread(fd, head, sizeof head, 0);
    if (got < 5 || !g_strstr_len(head, got, "%PDF-")) {
        close(fd);
        return -1;
    }
    return fd;
}

/* The link of s as flags say (see the file comment); NULL when none. */
static char *
open_url(const link_src *s, int flags)
{
    gboolean pdf = s->type && strcmp(s->type, "pdf") == 0;
    gboolean record = s->type && strcmp(s->type, "record") == 0;
    char *base = NULL, *link;

    if (flags & GHS_JSON_SOURCE_REMOTE) {
        int fd = s->doc && *s->doc ? pdf_open(s->type, s->path) : -1;

        if (fd >= 0) {
            char *id = g_uri_escape_string(s->doc, NULL, FALSE);

            close(fd);
            base = g_strconcat("/doc/", id, "/pdf", NULL);
            g_free(id);
        }
    } else if (!record && s->path && g_path_is_absolute(s->path) &&
               g_file_test(s->path, G_FILE_TEST_IS_REGULAR)) {
        base = g_filename_to_uri(s->path, NULL, NULL);
    }
    if (!base && is_web_url(s->url))
        base = ascii_url(s->url);
    else if (!base && !record && is_web_url(s->source))
        base = ascii_url(s->source);
    if (!base)
        return NULL;
    /* a web address that names a place of its own keeps it */
    if (pdf && s->page > 0 && !strchr(base, '#'))
        link = g_strdup_printf("%s#page=%d", base, s->page);
    else
        link = g_strdup(base);
    g_free(base);
    return link;
}

char *ghs_hit_open_url(const ghs_hit *h, int flags)
{
    if (!h)
        return NULL;
    link_src s = { .doc = h->doc, .type = h->type, .path = h->path, .url = h->url,
                   .source = h->source, .page = h->page };
    return open_url(&s, flags);
}

char *ghs_document_open_url(const ghs_document *d, int page, int flags)
{
    if (!d)
        return NULL;
    link_src s = { .doc = d->id, .type = d->type, .path = d->path, .url = d->url,
                   .source = d->source, .page = page };
    return open_url(&s, flags);
}

int ghs_document_pdf_open(const ghs_document *d)
{
    return d ? pdf_open(d->type, d->path) : -1;
}

int ghs_hits_add_paths(xc_db *db, ghs_hit *hits, size_t n, GPtrArray *owned, ghs_error *err)
{
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);   /* doc -> path */
    int rc = 0;

    for (size_t i = 0; i < n && rc == 0; i++) {
        char *path = g_hash_table_lookup(seen, hits[i].doc);

        if (!path) {
            xc_error xe;
            size_t len = 0;
            char *key = g_strconcat(GHS_META_DOC, hits[i].doc, NULL);
            char *rec;

            xc_error_clear(&xe);
            rec = xc_db_get_metadata(db, key, &len, &xe);
            g_free(key);
            if (xe.code != XC_OK) {
                free(rec);
                rc = ghs_error_from_xc(err, &xe, "search");
                break;
            }
            /* none in a shard's record other than the first's: "" */
            path = rec && len > 0 ? ghs_docdata_dup(rec, len, GHS_F_PATH) : NULL;
            free(rec);
            if (!path)
                path = g_strdup("");
            g_ptr_array_add(owned, path);
            g_hash_table_insert(seen, (char *)hits[i].doc, path);
        }
        hits[i].path = path;
    }
    g_hash_table_destroy(seen);
    return rc;
}
