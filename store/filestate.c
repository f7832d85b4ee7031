/*
 * filestate.c: what the index remembers about each source file (the path
 * record, see filestate.h), the content hash that tells a touched file
 * from a changed one, and the term that marks a file's passages.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "docdata.h"
#include "files.h"
#include "filestate.h"
#include "index_handle.h"
#include "schema.h"


static int is_sha256_hex(const char *s, size_t n)
{
    if (n != 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isxdigit(s[i]) || g_ascii_isupper(s[i]))
            return 0;
    return 1;
}

void ghs_path_record_parse(const char *val, size_t len, ghs_path_record *out)
{
    memset(out, 0, sizeof *out);
    if (!val || len == 0)
        return;
    const char *end = val + len;
    const char *t1 = memchr(val, '\t', len);
    if (!t1) {
        out->stamp = g_strndup(val, len);
        return;
    }
    out->stamp = g_strndup(val, (gsize)(t1 - val));
    const char *f2 = t1 + 1;
    const char *t2 = memchr(f2, '\t', (size_t)(end - f2));
    if (t2 && is_sha256_hex(f2, (size_t)(t2 - f2))) {
        out->sha256 = g_strndup(f2, 64);
        out->doc_id = g_strndup(t2 + 1, (gsize)(end - t2 - 1));
    } else {
        out->doc_id = g_strndup(f2, (gsize)(end - f2));   /* record without a hash */
    }
}

void ghs_path_record_clear(ghs_path_record *r)
{
    g_free(r->stamp);
    g_free(r->sha256);
    g_free(r->doc_id);
    memset(r, 0, sizeof *r);
}

char *ghs_path_record_format(const char *stamp, const char *sha256, const char *doc_id)
{
    if (!sha256)
        return g_strconcat(stamp, "\t", doc_id ? doc_id : "", NULL);
    return g_strconcat(stamp, "\t", sha256, "\t", doc_id ? doc_id : "", NULL);
}

char *ghs_progress_record_format(const char *sha256, size_t line, uint64_t offset)
{
    return g_strdup_printf("%s %zu %" G_GUINT64_FORMAT, sha256, line, offset);
}

int ghs_progress_record_parse(const char *val, size_t len, char sha256[65], size_t *line,
                              uint64_t *offset)
{
    if (!val || len == 0)
        return 0;
    char *s = g_strndup(val, len);
    char **f = g_strsplit(s, " ", 3);
    int ok = 0;
    if (g_strv_length(f) == 3 && strlen(f[0]) == 64) {
        char *e1 = NULL, *e2 = NULL;
        guint64 l = g_ascii_strtoull(f[1], &e1, 10), o = g_ascii_strtoull(f[2], &e2, 10);
        if (*e1 == '\0' && *e2 == '\0' && l > 0 && o > 0) {
            memcpy(sha256, f[0], 65);
            *line = (size_t)l;
            *offset = o;
            ok = 1;
        }
    }
    g_strfreev(f);
    g_free(s);
    return ok;
}

char *ghs_file_sha256(const char *path, ghs_error *err)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash && slash[1] ? slash + 1 : path;
    /* Only a regular file, opened without blocking: a FIFO or /dev/zero
     * would hang the run here, in the parent, holding the write lock. */
    int fd = ghs_open_regular(path, "index", err);
    if (fd < 0)
        return NULL;
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    guchar buf[65536];
    ssize_t n;
    int bad = 0;
    for (;;) {
        n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            bad = errno;
        if (n <= 0)
            break;
        g_checksum_update(sum, buf, (gssize)n);
    }
    close(fd);
    char *hex = bad ? NULL : g_strdup(g_checksum_get_string(sum));
    g_checksum_free(sum);
    if (bad)
        ghs_set_error(err, GHS_EIO, "[index][%s] cannot read: %s", name, g_strerror(bad));
    return hex;
}

char *ghs_file_term(const char *abs_path)
{
    char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA1, abs_path, -1);
    char *t = g_strconcat(GHS_PREFIX_FILE, sum, NULL);
    g_free(sum);
    return t;
}
