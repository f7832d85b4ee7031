/*
 * prune.c: removing the documents of source files that are gone
 * (ghs_index_prune).
 *
 * Pruning finds files through the document records (GHS_META_DOC + id,
 * field GHS_F_PATH), one per document, reached by enumerating the
 * GHS_PREFIX_DOC terms: the binding has no way to list metadata keys, and
 * every document that has passages has a record naming its file.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "docdata.h"
#include "filestate.h"
#include "index_handle.h"
#include "schema.h"

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
    char *progress_key = g_strconcat(GHS_META_PROGRESS, abs_path, NULL);
    if (xe.code == XC_OK)   /* a JSON Lines file cut off while indexed */
        xc_wdb_set_metadata(ix->wdb, progress_key, "", 0, &xe);
    g_free(progress_key);
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
