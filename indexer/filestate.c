/*
 * filestate.c: what the index remembers about each source file (the path
 * record, see filestate.h), the content hash that tells a touched file
 * from a changed one, and pruning the documents of files that are gone.
 *
 * Pruning finds files through the document records (GHS_META_DOC + id,
 * field GHS_F_PATH), one per document, reached by enumerating the
 * GHS_PREFIX_DOC terms: the binding has no way to list metadata keys, and
 * every document that has passages has a record naming its file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "docdata.h"
#include "extract.h"
#include "filestate.h"
#include "index_internal.h"
#include "schema.h"

#define GHS_PREFIX_FILE "F"

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

/* ------------------------------------------------------------ pruning */

/* Is path root itself or inside the directory root? Both canonical. */
static int is_under(const char *path, const char *root)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/')
        return path[0] == '/';
    return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Remove the passages and records of one file that is gone. */
static int prune_file(ghs_index *ix, const char *abs_path, GPtrArray *doc_ids,
                      ghs_error *err)
{
    xc_error xe;
    xc_error_clear(&xe);
    if (xc_wdb_begin_transaction(ix->wdb, 0, &xe) < 0)
        return ghs_error_from_xc(err, &xe, "prune");
    char *term = ghs_file_term(abs_path);
    xc_wdb_delete_documents_term(ix->wdb, term, &xe);
    g_free(term);
    for (guint i = 0; i < doc_ids->len && xe.code == XC_OK; i++) {
        const char *id = g_ptr_array_index(doc_ids, i);
        /* A document id another file still holds keeps its record. */
        char *d = g_strconcat(GHS_PREFIX_DOC, id, NULL);
        int left = xc_wdb_term_exists(ix->wdb, d, &xe);
        g_free(d);
        if (left == 0) {
            char *key = g_strconcat(GHS_META_DOC, id, NULL);
            xc_wdb_set_metadata(ix->wdb, key, "", 0, &xe);
            g_free(key);
        }
    }
    char *path_key = g_strconcat(GHS_META_PATH, abs_path, NULL);
    if (xe.code == XC_OK)
        xc_wdb_set_metadata(ix->wdb, path_key, "", 0, &xe);
    g_free(path_key);
    if (xe.code != XC_OK) {
        int rc = ghs_error_from_xc(err, &xe, "prune");
        xc_error xe2;
        xc_error_clear(&xe2);
        xc_wdb_cancel_transaction(ix->wdb, &xe2);
        return rc;
    }
    if (xc_wdb_commit_transaction(ix->wdb, &xe) < 0)
        return ghs_error_from_xc(err, &xe, "prune");
    return 0;
}

int ghs_index_prune(ghs_index *ix, const char *const *paths, size_t n_paths,
                    size_t *removed, ghs_error *err)
{
    if (removed)
        *removed = 0;
    if (!ix->wdb)
        return ghs_set_error(err, GHS_EINVAL, "[index][%s] opened read-only", ix->path);
    char **roots = g_new0(char *, n_paths + 1);
    for (size_t i = 0; i < n_paths; i++)
        roots[i] = g_canonicalize_filename(paths[i], NULL);

    /* Collect first (gone path -> its doc ids), change afterwards: the term
     * list must not be walked while documents are deleted under it. */
    GHashTable *gone = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify)g_ptr_array_unref);
    GHashTable *present = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    xc_error xe;
    xc_error_clear(&xe);
    xc_termlist *tl = xc_wdb_allterms(ix->wdb, GHS_PREFIX_DOC, &xe);
    const char *term;
    uint32_t tf;
    while (tl && xc_termlist_next(tl, &term, &tf, &xe) == 1) {
        const char *id = term + strlen(GHS_PREFIX_DOC);
        char *key = g_strconcat(GHS_META_DOC, id, NULL);
        size_t len = 0;
        xc_error xe2;
        xc_error_clear(&xe2);
        char *rec = xc_wdb_get_metadata(ix->wdb, key, &len, &xe2);
        g_free(key);
        char *path = rec && len ? ghs_docdata_dup(rec, len, GHS_F_PATH) : g_strdup("");
        free(rec);
        int under = 0;
        for (size_t i = 0; *path && !under && i < n_paths; i++)
            under = is_under(path, roots[i]);
        if (!under || g_hash_table_contains(present, path)) {
            g_free(path);
            continue;
        }
        GPtrArray *ids = g_hash_table_lookup(gone, path);
        if (ids) {
            g_ptr_array_add(ids, g_strdup(id));
            g_free(path);
        } else if (g_file_test(path, G_FILE_TEST_EXISTS)) {
            g_hash_table_add(present, path);
        } else {
            ids = g_ptr_array_new_with_free_func(g_free);
            g_ptr_array_add(ids, g_strdup(id));
            g_hash_table_insert(gone, path, ids);
        }
    }
    xc_termlist_free(tl);
    int rc = 0;
    if (xe.code != XC_OK)
        rc = ghs_error_from_xc(err, &xe, "prune");

    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, gone);
    while (rc == 0 && g_hash_table_iter_next(&it, &k, &v)) {
        rc = prune_file(ix, k, v, err);
        if (rc == 0 && removed)
            (*removed)++;
    }
    g_hash_table_destroy(gone);
    g_hash_table_destroy(present);
    g_strfreev(roots);
    return rc;
}
