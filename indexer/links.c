/*
 * links.c: the links pass of an indexing run (links.h): each release among
 * the run's files is read again for its links, each link resolved to a
 * local copy (links_resolve.c), copies that are not inputs indexed as
 * documents of their own, and the outcome stored as "links:" and
 * "linkedfrom:" user metadata, which ghs_links_get (links_read.c) and the
 * searcher's "linked from" read.
 *
 * Releases are extracted a second time instead of keeping their links from
 * the first pass: a release is small, and an unchanged release (skipped by
 * the first pass) must still have its links looked at again, since a copy
 * may have been fetched since.
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "docdata.h"
#include "extract.h"
#include "filestate.h"
#include "index_handle.h"
#include "links.h"
#include "schema.h"

static int is_release_file(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot && !strchr(dot, '/') &&
           (!g_ascii_strcasecmp(dot, ".html") || !g_ascii_strcasecmp(dot, ".htm") ||
            !g_ascii_strcasecmp(dot, ".txt"));
}

/* The read helpers below take the pass's xc_error: a failed read sets it
 * (the first failure is kept, later calls never clear it) and the release
 * fails with it (follow_release), rather than go on as if the record were
 * absent: a "linkedfrom:" record rewritten from an empty read would lose
 * the other releases' links. */
static void keep_error(xc_error *xe, const xc_error *e)
{
    if (xe->code == XC_OK && e->code != XC_OK)
        *xe = *e;
}

/* Metadata of the writable index as a malloc'ed string ("" when absent);
 * NULL with *xe set when it cannot be read. */
static char *wget(ghs_index *ix, const char *key, size_t *len, xc_error *xe)
{
    xc_error e;
    xc_error_clear(&e);
    size_t l = 0;
    char *v = xc_wdb_get_metadata(ix->wdb, key, &l, &e);
    keep_error(xe, &e);
    if (len)
        *len = v ? l : 0;
    return v;
}

/* The doc id the index recorded for the file at abs_path, or NULL (also
 * when it cannot be read: *xe set). */
static char *doc_of_path(ghs_index *ix, const char *abs_path, xc_error *xe)
{
    char *key = g_strconcat(GHS_META_PATH, abs_path, NULL);
    size_t len = 0;
    char *v = wget(ix, key, &len, xe);
    g_free(key);
    if (!v)
        return NULL;
    ghs_path_record pr;
    ghs_path_record_parse(v, len, &pr);
    free(v);
    char *id = pr.doc_id && *pr.doc_id ? g_strdup(pr.doc_id) : NULL;
    ghs_path_record_clear(&pr);
    return id;
}

/* A field of the document record of id (GHS_META_DOC), malloc'ed ("" when
 * absent); NULL when the index has no record of id (or it cannot be read:
 * *xe set). */
static char *doc_field(ghs_index *ix, const char *id, char field, xc_error *xe)
{
    char *key = g_strconcat(GHS_META_DOC, id, NULL);
    size_t len = 0;
    char *v = wget(ix, key, &len, xe);
    g_free(key);
    char *out = len ? ghs_docdata_dup(v, len, field) : NULL;
    free(v);
    return out;
}

static void meta_set(ghs_index *ix, const char *key, const ghs_docdata *d, xc_error *xe)
{
    /* An empty value deletes the key. */
    xc_error e;
    xc_error_clear(&e);
    xc_wdb_set_metadata(ix->wdb, key, d->buf ? d->buf : "", d->buf ? d->len : 0, &e);
    keep_error(xe, &e);
}

/* Remove release rel's entries from the "linkedfrom:" record of doc. */
static void unlink_source(ghs_index *ix, const char *doc, const char *rel, xc_error *xe)
{
    char *key = ghs_links_meta_key(GHS_META_LINKED_FROM, doc);
    size_t len = 0;
    char *v = wget(ix, key, &len, xe);
    if (!v) {
        g_free(key);
        return;
    }
    ghs_docdata out = {0};
    size_t pos = 0;
    char k;
    const char *val;
    size_t vlen;
    int keep = 1;
    while (ghs_docdata_next(v, len, &pos, &k, &val, &vlen) == 1) {
        if (k == GHS_L_DOC)
            keep = !(vlen == strlen(rel) && memcmp(val, rel, vlen) == 0);
        if (keep)
            ghs_docdata_put(&out, k, val, vlen);
    }
    meta_set(ix, key, &out, xe);
    ghs_docdata_free(&out);
    free(v);
    g_free(key);
}

/* Add release rel (title, anchor, url) to the "linkedfrom:" record of doc. */
static void link_source(ghs_index *ix, const char *doc, const char *rel, const char *title,
                        const char *anchor, const char *url, xc_error *xe)
{
    char *key = ghs_links_meta_key(GHS_META_LINKED_FROM, doc);
    size_t len = 0;
    char *v = wget(ix, key, &len, xe);
    if (!v) {
        g_free(key);
        return;
    }
    ghs_docdata out = {0};
    /* keep what is there, then append this source */
    size_t pos = 0;
    char k;
    const char *val;
    size_t vlen;
    while (ghs_docdata_next(v, len, &pos, &k, &val, &vlen) == 1)
        ghs_docdata_put(&out, k, val, vlen);
    ghs_docdata_put_str(&out, GHS_L_DOC, rel);
    ghs_docdata_put_str(&out, GHS_L_TITLE, title ? title : "");
    ghs_docdata_put_str(&out, GHS_L_ANCHOR, anchor ? anchor : "");
    ghs_docdata_put_str(&out, GHS_L_URL, url);
    meta_set(ix, key, &out, xe);
    ghs_docdata_free(&out);
    free(v);
    g_free(key);
}

/* The linked documents of the stored "links:" record of rel (none, with
 * *xe set, when it cannot be read). */
static GPtrArray *old_targets(ghs_index *ix, const char *rel, xc_error *xe)
{
    GPtrArray *docs = g_ptr_array_new_with_free_func(g_free);
    char *key = ghs_links_meta_key(GHS_META_LINKS, rel);
    size_t len = 0;
    char *v = wget(ix, key, &len, xe);
    size_t pos = 0;
    char k;
    const char *val;
    size_t vlen;
    while (ghs_docdata_next(v, len, &pos, &k, &val, &vlen) == 1)
        if (k == GHS_L_DOC && vlen)
            g_ptr_array_add(docs, g_strndup(val, vlen));
    free(v);
    g_free(key);
    return docs;
}

/* Is path inside the cache directory (a copy stored by `ghsearch fetch`)? */
static int in_cache(const char *cache_abs, const char *path)
{
    size_t n = cache_abs ? strlen(cache_abs) : 0;
    return n && strncmp(path, cache_abs, n) == 0 && path[n] == '/';
}

/* The id for a cached copy of url without a manifest entry: the URL's file
 * name (what a user would call it), unless another file holds that id
 * (NULL, with *xe set, when that cannot be read). */
static char *cached_doc_id(ghs_index *ix, const char *url, const char *path, xc_error *xe)
{
    char *base = ghs_link_basename(url);
    char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA1, url, -1);
    char *id;
    if (!base[0] || strlen(base) > 120) {
        id = g_strdup_printf("link-%.12s", sum);
    } else {
        xc_error e;
        xc_error_clear(&e);
        char *other = doc_field(ix, base, GHS_F_PATH, &e);
        keep_error(xe, &e);
        id = e.code != XC_OK ? NULL
             : (!other || !*other || !strcmp(other, path)) ? g_strdup(base)
             : g_strdup_printf("%s-%.8s", base, sum);
        g_free(other);
    }
    g_free(sum);
    g_free(base);
    return id;
}

/* Totals of a links pass, added to the run's totals at the end. */
typedef struct ghs_links_tally {
    size_t links, indexed, missing, failed, not_document;
    size_t files, added, updated, unchanged, files_failed;  /* linked copies indexed */
    size_t documents, pages, passages, text_bytes;
} ghs_links_tally;

typedef struct pass {
    ghs_index *ix;
    ghs_link_resolver *res;
    GHashTable *inputs;       /* absolute paths of the run's files */
    GHashTable *done;         /* absolute path of a linked copy -> doc id ("" = failed) */
    GHashTable *why;          /* absolute path of a linked copy -> reason it failed */
    char *cache_abs;
    ghs_progress_fn progress;
    void *user;
    size_t n_files;
    ghs_links_tally *tally;
    int stop;
} pass;

static void report(pass *p, const char *path, const ghs_add_report *rep, const ghs_error *e)
{
    if (!p->progress || p->stop)
        return;
    /* linked copies come after the run's files, which are all done */
    size_t done = p->n_files + p->tally->files;
    ghs_file_event ev = {
        .path = path, .report = rep, .error = e,
        .files_done = done, .files_total = done,
    };
    if (p->progress(&ev, p->user))
        p->stop = 1;
}

/* Index the local copy at abs (not an input) for link url; returns the doc
 * id (malloc'ed) or NULL with *why set. A database error stops the run
 * (*fatal, or *xe for a record that cannot be read). */
static char *index_copy(pass *p, const char *abs, const char *url, char **why, int *fatal,
                        xc_error *xe, ghs_error *err)
{
    const ghs_meta *man = ghs_link_is_http(url) ? ghs_manifest_find_url(p->ix->manifest, url)
                                                : NULL;
    ghs_meta meta = {0};
    if (man)
        meta = *man;
    else if (ghs_link_is_http(url))
        meta.url = url;
    char *own_id = NULL;
    if (!meta.id && in_cache(p->cache_abs, abs)) {
        meta.id = own_id = cached_doc_id(p->ix, url, abs, xe);
        if (!own_id) {
            *why = g_strdup("the index cannot be read");
            return NULL;
        }
    }
    ghs_add_report rep;
    ghs_error ferr = {0};
    int rc = ghs_index_add_file(p->ix, abs, &meta, &rep, &ferr);
    g_free(own_id);
    p->tally->files++;
    if (rc == GHS_ESTOPPED) {
        /* The caller's stop inside the copy (ghs_index_set_stop): neither
         * done nor failed, and this run follows no more links. */
        *fatal = rc;
        if (err)
            *err = ferr;
        *why = g_strdup(ferr.message);
        return NULL;
    }
    switch (rep.status) {
    case GHS_ADD_ADDED: p->tally->added++; break;
    case GHS_ADD_UPDATED: p->tally->updated++; break;
    case GHS_ADD_UNCHANGED: p->tally->unchanged++; break;
    case GHS_ADD_FAILED: p->tally->files_failed++; break;
    }
    report(p, abs, &rep, rc < 0 ? &ferr : NULL);
    if (rc < 0) {
        if (rc == GHS_EDB || rc == GHS_ELOCKED || rc == GHS_ENOMEM) {
            *fatal = rc;
            if (err)
                *err = ferr;
        }
        *why = g_strdup(ferr.message[0] ? ferr.message : ghs_strerror(rc));
        return NULL;
    }
    {
        p->tally->documents += rep.documents;
        p->tally->pages += rep.pages;
        p->tally->passages += rep.passages;
        p->tally->text_bytes += rep.text_bytes;
    }
    char *id = doc_of_path(p->ix, abs, xe);
    if (!id)
        *why = g_strdup("indexed, but the index holds no record of it");
    return id;
}

/* Resolve and record the links of one release. Returns 0 or a fatal code. */
static int follow_release(pass *p, const char *file, ghs_error *err)
{
    ghs_index *ix = p->ix;
    char *abs = g_canonicalize_filename(file, NULL);
    xc_error xe;
    xc_error_clear(&xe);
    char *rel = doc_of_path(ix, abs, &xe);
    if (!rel) {            /* the release itself could not be indexed */
        g_free(abs);
        return xe.code != XC_OK ? ghs_error_from_xc(err, &xe, "links") : 0;
    }
    ghs_extracted ex = {0};
    if (ghs_extract_release(abs, &ex, NULL) < 0) {
        g_free(rel);
        g_free(abs);
        return 0;
    }
    char *title = doc_field(ix, rel, GHS_F_TITLE, &xe);
    char *own_url = doc_field(ix, rel, GHS_F_URL, &xe);
    char *dir = g_path_get_dirname(abs);
    int fatal = 0;

    GPtrArray *old = old_targets(ix, rel, &xe);
    for (guint i = 0; i < old->len && xe.code == XC_OK; i++)
        unlink_source(ix, g_ptr_array_index(old, i), rel, &xe);
    g_ptr_array_free(old, TRUE);

    ghs_docdata rec = {0};
    for (size_t i = 0; i < ex.n_links && !fatal && xe.code == XC_OK && !p->stop; i++) {
        const ghs_link *l = &ex.links[i];
        if (own_url && *own_url && !strcmp(l->url, own_url))
            continue;   /* a release linking to itself */
        char *path = NULL, *reason = NULL, *doc = NULL;
        ghs_resolve_kind kind = ghs_link_resolve(p->res, dir, l->url, &path, &reason);
        ghs_link_state state = kind == GHS_RESOLVE_NOT_DOCUMENT ? GHS_LINK_NOT_DOCUMENT
                              : GHS_LINK_MISSING;
        if (kind == GHS_RESOLVE_LOCAL && !strcmp(path, abs)) {
            g_free(path);
            continue;
        }
        if (kind == GHS_RESOLVE_LOCAL) {
            const char *seen = g_hash_table_lookup(p->done, path);
            if (seen) {
                doc = *seen ? g_strdup(seen) : NULL;
                if (!doc)
                    reason = g_strdup(g_hash_table_lookup(p->why, path));
            } else if (g_hash_table_contains(p->inputs, path)) {
                doc = doc_of_path(ix, path, &xe);
                if (!doc)
                    reason = g_strdup("could not be indexed (see the messages of this run)");
            } else {
                doc = index_copy(p, path, l->url, &reason, &fatal, &xe, err);
            }
            if (!seen) {
                g_hash_table_insert(p->done, g_strdup(path), g_strdup(doc ? doc : ""));
                if (reason)
                    g_hash_table_insert(p->why, g_strdup(path), g_strdup(reason));
            }
            state = doc ? GHS_LINK_INDEXED : GHS_LINK_FAILED;
        } else if (kind == GHS_RESOLVE_MISSING && ghs_link_is_http(l->url)) {
            /* Known to the index under its manifest id (indexed from
             * elsewhere in an earlier run)? */
            const ghs_meta *m = ghs_manifest_find_url(ix->manifest, l->url);
            char *src = m && m->id ? doc_field(ix, m->id, GHS_F_DOC, &xe) : NULL;
            if (src) {
                doc = g_strdup(m->id);
                state = GHS_LINK_INDEXED;
                g_free(reason);
                reason = NULL;
            }
            g_free(src);
        }
        p->tally->links++;
        switch (state) {
        case GHS_LINK_INDEXED: p->tally->indexed++; break;
        case GHS_LINK_MISSING: p->tally->missing++; break;
        case GHS_LINK_FAILED: p->tally->failed++; break;
        case GHS_LINK_NOT_DOCUMENT: p->tally->not_document++; break;
        }
        ghs_docdata_put_str(&rec, GHS_L_URL, l->url);
        ghs_docdata_put_str(&rec, GHS_L_ANCHOR, l->anchor ? l->anchor : "");
        ghs_docdata_put_int(&rec, GHS_L_STATE, (long)state);
        ghs_docdata_put_str(&rec, GHS_L_DOC, doc ? doc : "");
        ghs_docdata_put_str(&rec, GHS_L_PATH, path ? path : "");
        ghs_docdata_put_str(&rec, GHS_L_REASON, reason ? reason : "");
        if (doc && strcmp(doc, rel) != 0)
            link_source(ix, doc, rel, title, l->anchor, l->url, &xe);
        g_free(path);
        g_free(reason);
        g_free(doc);
    }
    char *key = ghs_links_meta_key(GHS_META_LINKS, rel);
    if (!fatal && xe.code == XC_OK)
        meta_set(ix, key, &rec, &xe);
    g_free(key);
    ghs_docdata_free(&rec);
    ghs_extracted_clear(&ex);
    g_free(dir);
    g_free(own_url);
    g_free(title);
    g_free(rel);
    g_free(abs);
    if (!fatal && xe.code != XC_OK)
        fatal = ghs_error_from_xc(err, &xe, "links");
    return fatal;
}

int ghs_links_follow(ghs_index *ix, const char *const *files, size_t n_files,
                     ghs_progress_fn progress, void *user, ghs_index_totals *tot,
                     ghs_error *err)
{
    ghs_links_tally t = {0};
    if (!ix->wdb)
        return ghs_set_error(err, GHS_EINVAL, "[links][%s] opened read-only", ix->path);
    size_t n_releases = 0;
    for (size_t i = 0; i < n_files; i++)
        n_releases += is_release_file(files[i]) != 0;
    if (n_releases == 0)
        return 0;

    const char *cache_dir = ghs_links_cache_dir(ix);
    ghs_cache *cache = NULL;
    ghs_cache_open(cache_dir, 0, &cache, NULL);   /* unreadable: resolve without it */
    pass p = {
        .ix = ix, .progress = progress, .user = user, .n_files = n_files,
        .tally = &t,
        .inputs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
        .done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
        .why = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
        .cache_abs = g_canonicalize_filename(cache_dir, NULL),
    };
    for (size_t i = 0; i < n_files; i++)
        g_hash_table_add(p.inputs, g_canonicalize_filename(files[i], NULL));
    p.res = ghs_link_resolver_new(files, n_files, cache, ix->manifest);
    int rc = 0;
    for (size_t i = 0; i < n_files && rc == 0 && !p.stop; i++)
        if (is_release_file(files[i]))
            rc = follow_release(&p, files[i], err);
    ghs_link_resolver_free(p.res);
    g_hash_table_destroy(p.inputs);
    g_hash_table_destroy(p.done);
    g_hash_table_destroy(p.why);
    g_free(p.cache_abs);
    ghs_cache_free(cache);
    if (tot) {
        tot->links += t.links;
        tot->links_indexed += t.indexed;
        tot->links_missing += t.missing;
        tot->links_failed += t.failed;
        tot->links_not_document += t.not_document;
        tot->files_seen += t.files;
        tot->files_added += t.added;
        tot->files_updated += t.updated;
        tot->files_unchanged += t.unchanged;
        tot->files_failed += t.files_failed;
        tot->documents += t.documents;
        tot->pages += t.pages;
        tot->passages += t.passages;
        tot->text_bytes += t.text_bytes;
    }
    return rc;
}

