/*
 * links_read.c: the public side of link following (ghsearch.h, "links"):
 * reading what the links pass recorded (ghs_links_get), naming the fetch
 * cache an index uses, and listing the URLs `ghsearch fetch` should
 * download. Writing the records is links.c's job.
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "docdata.h"
#include "extract.h"
#include "filestate.h"
#include "index_internal.h"
#include "links.h"
#include "schema.h"
#include "walk.h"

const char *ghs_link_state_name(ghs_link_state state)
{
    switch (state) {
    case GHS_LINK_INDEXED: return "indexed";
    case GHS_LINK_MISSING: return "missing";
    case GHS_LINK_FAILED: return "failed";
    case GHS_LINK_NOT_DOCUMENT: return "not-a-document";
    }
    return "unknown";
}

void ghs_strv_free(char **v)
{
    g_strfreev(v);
}

int ghs_index_set_cache(ghs_index *ix, const char *dir, ghs_error *err)
{
    if (!dir || !*dir)
        return ghs_set_error(err, GHS_EINVAL, "[links] no cache directory given");
    g_free(ix->cache_dir);
    ix->cache_dir = g_strdup(dir);
    return 0;
}

/* ------------------------------------------------------------ ghs_links */

struct ghs_links {
    char *doc, *title;
    GArray *links;      /* ghs_doc_link */
    GArray *from;       /* ghs_link_source */
    GPtrArray *owned;   /* every string the above point to */
};

const char *ghs_links_doc(const ghs_links *l) { return l->doc; }
const char *ghs_links_title(const ghs_links *l) { return l->title; }
size_t ghs_links_count(const ghs_links *l) { return l ? l->links->len : 0; }
size_t ghs_links_from_count(const ghs_links *l) { return l ? l->from->len : 0; }

const ghs_doc_link *ghs_links_item(const ghs_links *l, size_t i)
{
    return l && i < l->links->len ? &g_array_index(l->links, ghs_doc_link, i) : NULL;
}

const ghs_link_source *ghs_links_from(const ghs_links *l, size_t i)
{
    return l && i < l->from->len ? &g_array_index(l->from, ghs_link_source, i) : NULL;
}

void ghs_links_free(ghs_links *l)
{
    if (!l)
        return;
    g_array_free(l->links, TRUE);
    g_array_free(l->from, TRUE);
    g_ptr_array_free(l->owned, TRUE);
    g_free(l->doc);
    g_free(l->title);
    g_free(l);
}

static const char *own(ghs_links *l, const char *v, size_t n)
{
    char *s = g_strndup(v, n);
    g_ptr_array_add(l->owned, s);
    return s;
}

/* Metadata of the reading handle, malloc'ed ("" when absent, NULL on error). */
static char *rget(xc_db *db, const char *key, size_t *len, xc_error *xe)
{
    size_t l = 0;
    char *v = xc_db_get_metadata(db, key, &l, xe);
    if (len)
        *len = v ? l : 0;
    return v;
}

static void read_links(ghs_links *l, const char *v, size_t len)
{
    size_t pos = 0;
    char k;
    const char *val;
    size_t vlen;
    ghs_doc_link *cur = NULL;
    while (ghs_docdata_next(v, len, &pos, &k, &val, &vlen) == 1) {
        if (k == GHS_L_URL) {
            ghs_doc_link nl = { .url = own(l, val, vlen), .anchor = "", .doc = "",
                                .path = "", .reason = "", .state = GHS_LINK_MISSING };
            g_array_append_val(l->links, nl);
            cur = &g_array_index(l->links, ghs_doc_link, l->links->len - 1);
            continue;
        }
        if (!cur)
            continue;
        switch (k) {
        case GHS_L_ANCHOR: cur->anchor = own(l, val, vlen); break;
        case GHS_L_DOC: cur->doc = own(l, val, vlen); break;
        case GHS_L_PATH: cur->path = own(l, val, vlen); break;
        case GHS_L_REASON: cur->reason = own(l, val, vlen); break;
        case GHS_L_STATE: {
            char buf[8] = {0};
            memcpy(buf, val, vlen < 7 ? vlen : 7);
            int s = atoi(buf);
            cur->state = s >= GHS_LINK_INDEXED && s <= GHS_LINK_NOT_DOCUMENT
                ? (ghs_link_state)s : GHS_LINK_MISSING;
            break;
        }
        default: break;
        }
    }
}

static void read_from(ghs_links *l, const char *v, size_t len)
{
    size_t pos = 0;
    char k;
    const char *val;
    size_t vlen;
    ghs_link_source *cur = NULL;
    while (ghs_docdata_next(v, len, &pos, &k, &val, &vlen) == 1) {
        if (k == GHS_L_DOC) {
            ghs_link_source ns = { .doc = own(l, val, vlen), .title = "", .anchor = "",
                                   .url = "" };
            g_array_append_val(l->from, ns);
            cur = &g_array_index(l->from, ghs_link_source, l->from->len - 1);
            continue;
        }
        if (!cur)
            continue;
        if (k == GHS_L_TITLE)
            cur->title = own(l, val, vlen);
        else if (k == GHS_L_ANCHOR)
            cur->anchor = own(l, val, vlen);
        else if (k == GHS_L_URL)
            cur->url = own(l, val, vlen);
    }
}

/* The id of doc: itself when the index has a record of it, else the id
 * of the indexed file at that path. NULL when neither. */
static char *find_doc(xc_db *db, const char *doc, char **title, xc_error *xe)
{
    char *key = g_strconcat(GHS_META_DOC, doc, NULL);
    size_t len = 0;
    char *v = rget(db, key, &len, xe);
    g_free(key);
    char *id = NULL;
    if (v && len) {
        id = g_strdup(doc);
        *title = ghs_docdata_dup(v, len, GHS_F_TITLE);
    } else if (g_file_test(doc, G_FILE_TEST_EXISTS)) {
        char *abs = g_canonicalize_filename(doc, NULL);
        char *pk = g_strconcat(GHS_META_PATH, abs, NULL);
        size_t plen = 0;
        char *pv = rget(db, pk, &plen, xe);
        ghs_path_record pr;
        ghs_path_record_parse(pv ? pv : "", plen, &pr);
        if (pr.doc_id && *pr.doc_id) {
            free(v);
            char *k2 = g_strconcat(GHS_META_DOC, pr.doc_id, NULL);
            v = rget(db, k2, &len, xe);
            g_free(k2);
            id = g_strdup(pr.doc_id);
            *title = v && len ? ghs_docdata_dup(v, len, GHS_F_TITLE) : g_strdup("");
        }
        ghs_path_record_clear(&pr);
        free(pv);
        g_free(pk);
        g_free(abs);
    }
    free(v);
    return id;
}

int ghs_links_get(ghs_index *ix, const char *doc, ghs_links **out, ghs_error *err)
{
    *out = NULL;
    if (!doc || !*doc)
        return ghs_set_error(err, GHS_EINVAL, "[links] no document given");
    xc_db *db = ghs_index_reader(ix, err);
    if (!db)
        return GHS_EDB;
    xc_error xe;
    xc_error_clear(&xe);
    char *title = NULL;
    char *id = find_doc(db, doc, &title, &xe);
    if (xe.code != XC_OK) {
        g_free(id);
        g_free(title);
        return ghs_error_from_xc(err, &xe, "links");
    }
    if (!id)
        return ghs_set_error(err, GHS_ENOTFOUND, "[links] no document '%s'", doc);
    ghs_links *l = g_new0(ghs_links, 1);
    l->doc = id;
    l->title = title ? title : g_strdup("");
    l->links = g_array_new(FALSE, FALSE, sizeof(ghs_doc_link));
    l->from = g_array_new(FALSE, FALSE, sizeof(ghs_link_source));
    l->owned = g_ptr_array_new_with_free_func(g_free);
    const char *prefixes[2] = { GHS_META_LINKS, GHS_META_LINKED_FROM };
    for (int i = 0; i < 2; i++) {
        char *key = ghs_links_meta_key(prefixes[i], id);
        size_t len = 0;
        char *v = rget(db, key, &len, &xe);
        g_free(key);
        if (v && len) {
            if (i == 0)
                read_links(l, v, len);
            else
                read_from(l, v, len);
        }
        free(v);
    }
    if (xe.code != XC_OK) {
        ghs_links_free(l);
        return ghs_error_from_xc(err, &xe, "links");
    }
    *out = l;
    return 0;
}

/* ------------------------------------------------------------ URLs to fetch */

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
        char *v = rget(db, key, &len, &xe);
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
