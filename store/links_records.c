/*
 * links_records.c: the keys of the links records (links_records.h), the
 * fetch cache an index reads linked copies from, and the title of the
 * release that links a document, which citations show.
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "docdata.h"
#include "index_handle.h"
#include "links_records.h"

/* Xapian refuses metadata keys longer than about 245 bytes. */
#define GHS_MAX_META_KEY 200

char *ghs_links_meta_key(const char *prefix, const char *id)
{
    if (strlen(prefix) + strlen(id) <= GHS_MAX_META_KEY)
        return g_strconcat(prefix, id, NULL);
    char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA1, id, -1);
    char *k = g_strconcat(prefix, "#", sum, NULL);
    g_free(sum);
    return k;
}

const char *ghs_default_cache_dir(void)
{
    const char *env = g_getenv("GHSEARCH_CACHE");
    return env && *env ? env : "./ghsearch-cache";
}

const char *ghs_links_cache_dir(const ghs_index *ix)
{
    if (ix && ix->cache_dir)
        return ix->cache_dir;
    return ghs_default_cache_dir();
}

int ghs_index_set_cache(ghs_index *ix, const char *dir, ghs_error *err)
{
    if (!dir || !*dir)
        return ghs_set_error(err, GHS_EINVAL, "[links] no cache directory given");
    g_free(ix->cache_dir);
    ix->cache_dir = g_strdup(dir);
    return 0;
}

char *ghs_links_from_title(xc_db *db, const char *doc, xc_error *xe)
{
    xc_error_clear(xe);
    if (!db || !doc || !*doc)
        return NULL;
    char *key = ghs_links_meta_key(GHS_META_LINKED_FROM, doc);
    size_t len = 0;
    char *v = xc_db_get_metadata(db, key, &len, xe);
    g_free(key);
    char *title = NULL;
    if (v && len) {
        char *t = ghs_docdata_dup(v, len, GHS_L_TITLE);
        char *d = ghs_docdata_dup(v, len, GHS_L_DOC);
        title = *t ? t : (g_free(t), *d ? g_strdup(d) : NULL);
        g_free(d);
    }
    free(v);
    return title;
}
