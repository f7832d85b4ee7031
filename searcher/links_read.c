/*
 * links_read.c: reading what the links pass recorded (ghs_links_get,
 * ghsearch.h "links"); writing the records is indexer/links.c's job.
 *
 * Also the one resolver of a document as a user names it (an id, the path
 * of an indexed file, or its file name), ghs_document_resolve, which
 * ghs_links_get, `show`, the doc: filter and the HTTP server share.
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "docdata.h"
#include "filestate.h"
#include "index_handle.h"
#include "links_records.h"
#include "schema.h"

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

/* ------------------------------------------------------------ documents by reference */

/* Xapian holds no key (term or metadata) longer than about 245 bytes, so
 * a longer one names nothing; looking it up would only raise an error. */
#define GHS_MAX_LOOKUP_KEY 240

/* rget of the key prefix + suffix; "" (malloc'ed) when no key that long
 * can exist. */
static char *rget_key(xc_db *db, const char *prefix, const char *suffix, size_t *len,
                      xc_error *xe)
{
    char *key = g_strconcat(prefix, suffix, NULL);
    char *v = NULL;
    if (strlen(key) <= GHS_MAX_LOOKUP_KEY) {
        v = rget(db, key, len, xe);
    } else {
        v = strdup("");
        *len = 0;
        if (!v) {
            xe->code = XC_ERR_NOMEM;
            g_strlcpy(xe->message, "out of memory", sizeof xe->message);
        }
    }
    g_free(key);
    return v;
}

/* Is id a document of the index (passages, or a document record; the
 * record alone is read from the first shard only)? */
static int doc_exists(xc_db *db, const char *id, xc_error *xe)
{
    char *term = g_strconcat(GHS_PREFIX_DOC, id, NULL);
    int has = strlen(term) <= GHS_MAX_LOOKUP_KEY ? xc_db_term_exists(db, term, xe) : 0;
    g_free(term);
    if (has != 0)
        return has > 0;
    size_t len = 0;
    free(rget_key(db, GHS_META_DOC, id, &len, xe));
    return len > 0;
}

/* Add to ids, in id order, every document whose source file (the path its
 * record keeps) has the file name want. Reads every document record: only
 * for the references neither an id nor a path answers. */
static void docs_by_file_name(xc_db *db, const char *want, GPtrArray *ids, xc_error *xe)
{
    xc_termlist *tl = xc_db_allterms(db, GHS_PREFIX_DOC, xe);
    const char *term;
    uint32_t tf;
    while (tl && xe->code == XC_OK && xc_termlist_next(tl, &term, &tf, xe) == 1) {
        const char *id = term + strlen(GHS_PREFIX_DOC);
        size_t len = 0;
        char *rec = rget_key(db, GHS_META_DOC, id, &len, xe);
        char *path = rec && len ? ghs_docdata_dup(rec, len, GHS_F_PATH) : NULL;
        const char *slash = path ? strrchr(path, '/') : NULL;
        if (path && *path && strcmp(slash ? slash + 1 : path, want) == 0)
            g_ptr_array_add(ids, g_strdup(id));
        g_free(path);
        free(rec);
    }
    xc_termlist_free(tl);
}

static gint by_string(gconstpointer a, gconstpointer b, gpointer unused)
{
    (void)unused;
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add to ids, in id order, the documents with passages from the file at
 * abs: every passage carries its file's term (ghs_file_term), so this
 * reads that term's postings, one document each, not every record. */
static void docs_with_file_term(xc_db *db, const char *abs, GPtrArray *ids, xc_error *xe)
{
    char *t = ghs_file_term(abs);
    xc_query *q = xc_query_term(t, 1, 0, xe);
    g_free(t);
    uint32_t n = q ? xc_db_doccount(db, xe) : 0;
    xc_enquire *enq = q && n ? xc_enquire_new(db, xe) : NULL;
    xc_mset *ms = NULL;
    if (enq) {
        xc_enquire_set_query(enq, q, xe);
        xc_enquire_set_collapse_key(enq, GHS_SLOT_DOC, 1, xe);
        if (xe->code == XC_OK)
            ms = xc_enquire_get_mset(enq, 0, n, 0, xe);
    }
    guint from = ids->len;
    for (uint32_t i = 0; ms && xe->code == XC_OK && i < xc_mset_size(ms); i++) {
        char *id = xc_mset_collapse_key(ms, i, NULL, xe);
        if (id && *id)
            g_ptr_array_add(ids, g_strdup(id));
        free(id);
    }
    if (ids->len > from + 1)
        g_qsort_with_data(ids->pdata + from, (gint)(ids->len - from), sizeof(char *),
                          by_string, NULL);
    xc_mset_free(ms);
    xc_enquire_free(enq);
    xc_query_free(q);
}

/* The documents of the indexed file at abs (canonical, as the indexer
 * keys its path records): the one its path record names, else, for a
 * JSON Lines file (whose record names the file, not a document), its
 * records. */
static void docs_of_file(xc_db *db, const char *abs, GPtrArray *ids, xc_error *xe)
{
    size_t len = 0;
    char *v = rget_key(db, GHS_META_PATH, abs, &len, xe);
    ghs_path_record pr;
    ghs_path_record_parse(v ? v : "", len, &pr);
    if (pr.doc_id && *pr.doc_id && doc_exists(db, pr.doc_id, xe))
        g_ptr_array_add(ids, g_strdup(pr.doc_id));
    else if (pr.doc_id && *pr.doc_id)
        docs_with_file_term(db, abs, ids, xe);
    ghs_path_record_clear(&pr);
    free(v);
}

/* Could ref be the name of a file the indexer reads? Only those can match
 * a document's file name, so any other reference skips reading every
 * document record. */
static int is_indexed_file_name(const char *ref)
{
    static const char *const exts[] = { ".pdf", ".html", ".htm", ".txt", ".jsonl" };
    const char *dot = strrchr(ref, '.');
    if (strchr(ref, '/') || !dot || dot == ref)
        return 0;
    for (size_t i = 0; i < G_N_ELEMENTS(exts); i++)
        if (!g_ascii_strcasecmp(dot, exts[i]))
            return 1;
    return 0;
}

/* "a, b, c" of the first few ids, "and N more" after them. g_free. */
static char *id_list(GPtrArray *ids)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < ids->len && i < 8; i++)
        g_string_append_printf(s, "%s%s", i ? ", " : "", (char *)ids->pdata[i]);
    if (ids->len > 8)
        g_string_append_printf(s, " and %u more", ids->len - 8);
    return g_string_free(s, FALSE);
}

/* ghs_document_resolve on db, its messages starting "[place] ". */
static int resolve_ref(xc_db *db, const char *ref, const char *place, char **id,
                       ghs_error *err)
{
    *id = NULL;
    if (!ref || !*ref)
        return ghs_set_error(err, GHS_EINVAL, "[%s] no document given", place);
    xc_error xe;
    xc_error_clear(&xe);
    GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
    const char *shared = "file";   /* what several candidates have in common */
    if (doc_exists(db, ref, &xe))
        g_ptr_array_add(ids, g_strdup(ref));
    if (xe.code == XC_OK && ids->len == 0) {
        /* Relative to the working directory, made absolute the way the
         * indexer keys its path records; the file need not exist anymore. */
        char *abs = g_canonicalize_filename(ref, NULL);
        docs_of_file(db, abs, ids, &xe);
        g_free(abs);
    }
    if (xe.code == XC_OK && ids->len == 0 && is_indexed_file_name(ref)) {
        docs_by_file_name(db, ref, ids, &xe);
        shared = "file name";
    }
    int rc = 0;
    if (xe.code != XC_OK) {
        rc = ghs_error_from_xc(err, &xe, place);
    } else if (ids->len == 1) {
        *id = strdup(ids->pdata[0]);   /* malloc'ed: the caller frees it with ghs_free */
        if (!*id)
            rc = ghs_set_error(err, GHS_ENOMEM, "[%s] out of memory", place);
    } else if (ids->len == 0) {
        rc = ghs_set_error(err, GHS_ENOTFOUND, "[%s] no document '%s'", place, ref);
    } else {
        char *list = id_list(ids);
        rc = ghs_set_error(err, GHS_EINVAL,
                           "[%s] '%s' is the %s of %u documents: %s; name one by its id",
                           place, ref, shared, ids->len, list);
        g_free(list);
    }
    g_ptr_array_free(ids, TRUE);
    return rc;
}

int ghs_document_resolve(ghs_index *ix, const char *ref, char **id, ghs_error *err)
{
    *id = NULL;
    xc_db *db = ghs_index_reader(ix, err);
    if (!db)
        return GHS_EDB;
    return resolve_ref(db, ref, "doc", id, err);
}

int ghs_links_get(ghs_index *ix, const char *doc, ghs_links **out, ghs_error *err)
{
    *out = NULL;
    if (!doc || !*doc)
        return ghs_set_error(err, GHS_EINVAL, "[links] no document given");
    xc_db *db = ghs_index_reader(ix, err);
    if (!db)
        return GHS_EDB;
    char *id = NULL;
    int rc = resolve_ref(db, doc, "links", &id, err);
    if (rc < 0)
        return rc;
    xc_error xe;
    xc_error_clear(&xe);
    size_t rlen = 0;
    char *rec = rget_key(db, GHS_META_DOC, id, &rlen, &xe);
    if (xe.code != XC_OK) {
        /* Each binding call clears xe: checked after every one. */
        free(id);
        return ghs_error_from_xc(err, &xe, "links");
    }
    ghs_links *l = g_new0(ghs_links, 1);
    l->doc = g_strdup(id);
    l->title = rec && rlen ? ghs_docdata_dup(rec, rlen, GHS_F_TITLE) : g_strdup("");
    free(rec);
    free(id);
    l->links = g_array_new(FALSE, FALSE, sizeof(ghs_doc_link));
    l->from = g_array_new(FALSE, FALSE, sizeof(ghs_link_source));
    l->owned = g_ptr_array_new_with_free_func(g_free);
    const char *prefixes[2] = { GHS_META_LINKS, GHS_META_LINKED_FROM };
    for (int i = 0; i < 2 && xe.code == XC_OK; i++) {
        char *key = ghs_links_meta_key(prefixes[i], l->doc);
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

