/*
 * links_resolve.c: finding the local copy of a document a release links
 * to (order and rules in links.h). Pure file-system and table look-ups: no
 * index, no network. The manifest is used to tell what a missing link is.
 */
#include <glib.h>
#include <string.h>

#include "links.h"

struct ghs_link_resolver {
    GHashTable *by_name;       /* base name -> absolute path of an input (first wins) */
    GHashTable *by_entry;      /* manifest entry (by file name) -> absolute path of an input */
    const ghs_cache *cache;
    const ghs_manifest *manifest;
};

int ghs_link_is_http(const char *url)
{
    return url && (g_ascii_strncasecmp(url, "http://", 7) == 0 ||
                   g_ascii_strncasecmp(url, "https://", 8) == 0);
}

/* A file that can be indexed as a linked document. */
static int is_document_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (!g_ascii_strcasecmp(dot, ".pdf") || !g_ascii_strcasecmp(dot, ".html") ||
                   !g_ascii_strcasecmp(dot, ".htm"));
}

/* File name extensions of things that are not documents to index. */
static const char *const not_document_exts[] = {
    ".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".bmp", ".tif", ".tiff", ".ico",
    ".mp4", ".mov", ".avi", ".mp3", ".wav", ".zip", ".gz", ".tgz", ".rar", ".7z",
    ".exe", ".dmg", ".css", ".js", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx",
    ".csv", ".json", ".xml",
};

static const char *non_document_ext(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(not_document_exts); i++)
        if (!g_ascii_strcasecmp(dot, not_document_exts[i]))
            return not_document_exts[i];
    return NULL;
}

ghs_link_resolver *ghs_link_resolver_new(const char *const *inputs, size_t n_inputs,
                                         const ghs_cache *cache, const ghs_manifest *manifest)
{
    ghs_link_resolver *r = g_new0(ghs_link_resolver, 1);
    r->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    r->by_entry = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    r->cache = cache;
    r->manifest = manifest;
    for (size_t i = 0; i < n_inputs; i++) {
        char *base = g_path_get_basename(inputs[i]);
        const ghs_meta *m = ghs_manifest_find_file(manifest, base);
        if (m && !g_hash_table_contains(r->by_entry, m))
            g_hash_table_insert(r->by_entry, (gpointer)m, g_canonicalize_filename(inputs[i], NULL));
        if (is_document_name(base) && !g_hash_table_contains(r->by_name, base))
            g_hash_table_insert(r->by_name, base, g_canonicalize_filename(inputs[i], NULL));
        else
            g_free(base);
    }
    return r;
}

void ghs_link_resolver_free(ghs_link_resolver *r)
{
    if (!r)
        return;
    g_hash_table_destroy(r->by_name);
    g_hash_table_destroy(r->by_entry);
    g_free(r);
}

/* The path part of url: after scheme and host for an http(s) URL, up to
 * the query or fragment. */
static char *path_part(const char *url)
{
    const char *p = url;
    if (ghs_link_is_http(url)) {
        p = strstr(url, "//") + 2;
        p += strcspn(p, "/?#");
    }
    return g_strndup(p, strcspn(p, "?#"));
}

char *ghs_link_basename(const char *url)
{
    char *path = path_part(url);
    const char *slash = strrchr(path, '/');
    const char *last = slash ? slash + 1 : path;
    char *dec = g_uri_unescape_string(last, "/");
    char *out = g_strdup(dec ? dec : last);
    g_free(dec);
    g_free(path);
    return out;
}

int ghs_link_maybe_document(const char *url)
{
    char *base = ghs_link_basename(url);
    int ok = !non_document_ext(base);
    g_free(base);
    return ok;
}

static int is_document_file(const char *path)
{
    return is_document_name(path) && g_file_test(path, G_FILE_TEST_IS_REGULAR);
}

ghs_resolve_kind ghs_link_resolve(const ghs_link_resolver *r, const char *release_dir,
                                  const char *url, char **path, char **reason)
{
    *path = NULL;
    *reason = NULL;
    int http = ghs_link_is_http(url);
    char *base = ghs_link_basename(url);

    /* 1. A relative link names a file next to the release. */
    if (!http) {
        char *rel = path_part(url);
        char *dec = g_uri_unescape_string(rel, NULL);
        if (dec && dec[0] && dec[0] != '/') {
            char *p = g_build_filename(release_dir, dec, NULL);
            char *canon = g_canonicalize_filename(p, NULL);
            g_free(p);
            if (is_document_file(canon)) {
                *path = canon;
            } else {
                g_free(canon);
            }
        }
        g_free(dec);
        g_free(rel);
        if (*path) {
            g_free(base);
            return GHS_RESOLVE_LOCAL;
        }
    }
    const char *bad_ext = base[0] ? non_document_ext(base) : NULL;
    if (bad_ext) {
        *reason = g_strdup_printf("not a PDF or HTML document (%s)", bad_ext);
        g_free(base);
        return GHS_RESOLVE_NOT_DOCUMENT;
    }
    if (base[0] && is_document_name(base) && !strchr(base, '/')) {
        /* 2. The URL's file name next to the release. */
        char *p = g_build_filename(release_dir, base, NULL);
        if (is_document_file(p)) {
            *path = g_canonicalize_filename(p, NULL);
            g_free(p);
            g_free(base);
            return GHS_RESOLVE_LOCAL;
        }
        g_free(p);
        /* 3. That file name among the inputs of the run. */
        const char *in = g_hash_table_lookup(r->by_name, base);
        if (in && g_file_test(in, G_FILE_TEST_IS_REGULAR)) {
            *path = g_strdup(in);
            g_free(base);
            return GHS_RESOLVE_LOCAL;
        }
    }
    g_free(base);
    /* 3b. The input the manifest names for this URL (its `file`). */
    const ghs_meta *m = http ? ghs_manifest_find_url(r->manifest, url) : NULL;
    const char *named = m ? g_hash_table_lookup(r->by_entry, m) : NULL;
    if (named && is_document_file(named)) {
        *path = g_strdup(named);
        return GHS_RESOLVE_LOCAL;
    }
    /* 4. What `ghsearch fetch` stored for this exact URL. */
    if (http && r->cache) {
        char *p = ghs_cache_lookup(r->cache, url);
        if (p) {
            /* canonical like the other steps' paths: the cache's directory
             * may be relative (the default ./ghsearch-cache), and the
             * index records the copy under its canonical path */
            *path = g_canonicalize_filename(p, NULL);
            g_free(p);
            return GHS_RESOLVE_LOCAL;
        }
        const ghs_cache_entry *e = ghs_cache_find(r->cache, url);
        if (e && !strcmp(e->state, "not-a-document")) {
            *reason = g_strdup(e->message[0] ? e->message : "not a PDF or HTML document");
            return GHS_RESOLVE_NOT_DOCUMENT;
        }
        if (e && e->message[0]) {
            *reason = g_strdup_printf("fetch failed: %s", e->message);
            return GHS_RESOLVE_MISSING;
        }
    }
    if (!http)
        *reason = g_strdup("no such file next to the release");
    else if (m && m->type && strcmp(m->type, "pdf") != 0 && strcmp(m->type, "release") != 0)
        *reason = g_strdup_printf("no local copy of this %s (manifest: %s); run 'ghsearch fetch'",
                                  m->type, m->id);
    else
        *reason = g_strdup("no local copy; run 'ghsearch fetch' to download it");
    return GHS_RESOLVE_MISSING;
}
