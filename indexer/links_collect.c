/*
 * links_collect.c: the URLs `ghsearch fetch` should download: every link
 * of the releases among the given paths and of the releases already
 * indexed (ghs_links_collect_urls).
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "docdata.h"
#include "extract.h"
#include "index_handle.h"
#include "links.h"
#include "manifest.h"
#include "schema.h"
#include "walk.h"

typedef struct url_list {
    GPtrArray *urls;
    GHashTable *seen;
} url_list;

static void add_url(url_list *u, const char *url)
{
    if (!ghs_link_is_http(url) || !ghs_link_maybe_document(url) ||
        g_hash_table_contains(u->seen, url))
        return;
    char *c = g_strdup(url);
    g_ptr_array_add(u->urls, c);
    g_hash_table_add(u->seen, c);
}

static int is_release(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot && !strchr(dot, '/') &&
           (!g_ascii_strcasecmp(dot, ".html") || !g_ascii_strcasecmp(dot, ".htm") ||
            !g_ascii_strcasecmp(dot, ".txt"));
}

/* Add the links of every release under path (found as ghs_index_add_paths
 * finds files). */
static void walk_releases(const char *path, url_list *u)
{
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    ghs_walk_files(path, is_release, files);
    for (guint i = 0; i < files->len; i++) {
        ghs_extracted ex = {0};
        if (ghs_extract_release(g_ptr_array_index(files, i), &ex, NULL) == 0)
            for (size_t k = 0; k < ex.n_links; k++)
                add_url(u, ex.links[k].url);
        ghs_extracted_clear(&ex);
    }
    g_ptr_array_free(files, TRUE);
}

/* Links recorded in the index as missing (no local copy yet). */
static int indexed_links(ghs_index *ix, url_list *u, ghs_error *err)
{
    xc_db *db = ghs_index_reader(ix, err);
    if (!db)
        return GHS_EDB;
    xc_error xe;
    xc_error_clear(&xe);
    xc_termlist *tl = xc_db_allterms(db, GHS_PREFIX_DOC, &xe);
    const char *term;
    uint32_t tf;
    GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
    while (tl && xc_termlist_next(tl, &term, &tf, &xe) == 1)
        g_ptr_array_add(ids, g_strdup(term + strlen(GHS_PREFIX_DOC)));
    xc_termlist_free(tl);
    for (guint i = 0; i < ids->len && xe.code == XC_OK; i++) {
        char *key = ghs_links_meta_key(GHS_META_LINKS, g_ptr_array_index(ids, i));
        size_t len = 0;
        char *v = xc_db_get_metadata(db, key, &len, &xe);
        if (!v)
            len = 0;
        g_free(key);
        size_t pos = 0;
        char k;
        const char *val;
        size_t vlen;
        char *url = NULL;
        /* the state field follows the URL it belongs to */
        while (v && ghs_docdata_next(v, len, &pos, &k, &val, &vlen) == 1) {
            if (k == GHS_L_URL) {
                g_free(url);
                url = g_strndup(val, vlen);
            } else if (k == GHS_L_STATE && url && vlen == 1 && val[0] == '0' + GHS_LINK_MISSING) {
                add_url(u, url);
            }
        }
        g_free(url);
        free(v);
    }
    g_ptr_array_free(ids, TRUE);
    if (xe.code != XC_OK)
        return ghs_error_from_xc(err, &xe, "links");
    return 0;
}

int ghs_links_collect_urls(ghs_index *ix, const char *manifest, const char *const *paths,
                           size_t n_paths, char ***urls, size_t *n, ghs_error *err)
{
    *urls = NULL;
    if (n)
        *n = 0;
    for (size_t i = 0; i < n_paths; i++)
        if (!g_file_test(paths[i], G_FILE_TEST_EXISTS))
            return ghs_set_error(err, GHS_EIO, "[fetch][%s] no such file or directory",
                                 paths[i]);
    url_list u = {
        .urls = g_ptr_array_new(),
        .seen = g_hash_table_new(g_str_hash, g_str_equal),
    };
    int rc = 0;
    if (manifest) {
        ghs_manifest *m = NULL;
        rc = ghs_manifest_load(manifest, &m, err);
        for (size_t i = 0; rc == 0 && i < ghs_manifest_count(m); i++) {
            const ghs_meta *e = ghs_manifest_entry(m, i);
            if (e->url)
                add_url(&u, e->url);
        }
        ghs_manifest_free(m);
    }
    for (size_t i = 0; rc == 0 && i < n_paths; i++)
        walk_releases(paths[i], &u);
    if (rc == 0 && ix)
        rc = indexed_links(ix, &u, err);
    g_hash_table_destroy(u.seen);
    if (rc < 0) {
        g_ptr_array_set_free_func(u.urls, g_free);
        g_ptr_array_free(u.urls, TRUE);
        return rc;
    }
    if (n)
        *n = u.urls->len;
    g_ptr_array_add(u.urls, NULL);
    *urls = (char **)g_ptr_array_free(u.urls, FALSE);
    return 0;
}
