/*
 * glossary_store.c: writing a document's mined pairs into the index and
 * reading them back (layout in glossary_store.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glossary_store.h"
#include "index_handle.h"
#include "schema.h"

#define GLOSS_MAGIC "ghs-gloss 1"
#define MAX_KEY_BYTES 200   /* Xapian terms end at 245 bytes; keep room for the prefix */


void ghs_gloss_row_free(gpointer p)
{
    ghs_gloss_row *r = p;
    if (!r)
        return;
    g_free(r->doc);
    g_free(r->term);
    g_free(r->term_key);
    g_free(r->equiv);
    g_free(r->equiv_key);
    g_free(r->as_written);
    g_free(r);
}

char *ghs_gloss_key_tokens(const ghs_token *t, size_t n)
{
    if (n == 0)
        return NULL;
    GString *k = g_string_new(NULL);
    int prev_latin = 0;
    for (size_t i = 0; i < n; i++) {
        int latin = t[i].script == GHS_SCRIPT_LATIN || t[i].script == GHS_SCRIPT_NUMBER;
        if (latin && prev_latin)
            g_string_append_c(k, ' ');
        g_string_append(k, t[i].stem ? t[i].stem : t[i].term);
        prev_latin = latin;
    }
    if (k->len > MAX_KEY_BYTES) {
        g_string_free(k, TRUE);
        return NULL;
    }
    return g_string_free(k, FALSE);
}

char *ghs_gloss_key(ghs_analyzer *a, const char *text, ghs_error *err)
{
    if (err)
        err->code = 0;
    if (!text || !*text)
        return NULL;
    ghs_tokens toks;
    ghs_tokens_init(&toks);
    char *k = ghs_analyze(a, text, strlen(text), 0, &toks, err) == 0
            ? ghs_gloss_key_tokens(toks.v, toks.n) : NULL;
    ghs_tokens_free(&toks);
    return k;
}

/* ------------------------------------------------------------ writing */

/* Tabs and line breaks cannot occur in a field of the record. */
static void put_field(GString *s, const char *v, int last)
{
    for (const char *p = v ? v : ""; *p; p++)
        g_string_append_c(s, (*p == '\t' || *p == '\n' || *p == '\r') ? ' ' : *p);
    g_string_append_c(s, last ? '\n' : '\t');
}

int ghs_gloss_rows_store(const GPtrArray *rows, xc_wdb *wdb, const char *doc_id,
                         ghs_error *err)
{
    GString *s = g_string_new(NULL);
    if (rows && rows->len) {
        g_string_append(s, GLOSS_MAGIC "\n");
        for (guint i = 0; i < rows->len; i++) {
            const ghs_gloss_row *r = rows->pdata[i];
            char num[3][16];
            snprintf(num[0], sizeof num[0], "%d", r->page);
            snprintf(num[1], sizeof num[1], "%u", r->count);
            put_field(s, r->term, 0);
            put_field(s, r->term_key, 0);
            put_field(s, r->equiv, 0);
            put_field(s, r->equiv_key, 0);
            put_field(s, r->lang, 0);
            put_field(s, r->kind == GHS_GLOSS_KIND_TRANSLATION ? "t" : "a", 0);
            put_field(s, num[0], 0);
            put_field(s, r->footnote ? "f" : "b", 0);
            put_field(s, num[1], 0);
            put_field(s, r->as_written, 1);
        }
    }
    char *key = g_strconcat(GHS_META_GLOSS_DOC, doc_id, NULL);
    xc_error xe;
    xc_error_clear(&xe);
    /* An empty value deletes the key: a document that no longer defines
     * anything loses its old record. */
    xc_wdb_set_metadata(wdb, key, s->str, s->len, &xe);
    g_free(key);
    g_string_free(s, TRUE);
    if (xe.code != XC_OK)
        return ghs_error_from_xc(err, &xe, "glossary");
    return 0;
}

/* ------------------------------------------------------------ reading */

/* Parse a record; lines that do not have the ten fields are skipped (a
 * newer writer may add fields at the end: extra ones are ignored). */
static void parse_record(const char *doc_id, const char *data, GPtrArray *rows)
{
    char **lines = g_strsplit(data, "\n", -1);
    if (!lines[0] || strcmp(lines[0], GLOSS_MAGIC) != 0) {
        g_strfreev(lines);
        return;
    }
    for (size_t i = 1; lines[i]; i++) {
        char **f = g_strsplit(lines[i], "\t", -1);
        if (g_strv_length(f) >= 10 && *f[0] && *f[1] && *f[2] && *f[3]) {
            ghs_gloss_row *r = g_new0(ghs_gloss_row, 1);
            r->doc = g_strdup(doc_id);
            r->term = g_strdup(f[0]);
            r->term_key = g_strdup(f[1]);
            r->equiv = g_strdup(f[2]);
            r->equiv_key = g_strdup(f[3]);
            g_strlcpy(r->lang, f[4], sizeof r->lang);
            r->kind = !strcmp(f[5], "t") ? GHS_GLOSS_KIND_TRANSLATION : GHS_GLOSS_KIND_ACRONYM;
            r->page = atoi(f[6]);
            r->footnote = !strcmp(f[7], "f");
            r->count = (unsigned)strtoul(f[8], NULL, 10);
            if (r->count == 0)
                r->count = 1;
            r->as_written = g_strdup(f[9]);
            g_ptr_array_add(rows, r);
        }
        g_strfreev(f);
    }
    g_strfreev(lines);
}

int ghs_gloss_read_doc(xc_db *db, const char *doc_id, GPtrArray *rows, ghs_error *err)
{
    char *key = g_strconcat(GHS_META_GLOSS_DOC, doc_id, NULL);
    xc_error xe;
    xc_error_clear(&xe);
    size_t len = 0;
    char *v = xc_db_get_metadata(db, key, &len, &xe);
    g_free(key);
    if (!v)
        return ghs_error_from_xc(err, &xe, "glossary");
    if (len)
        parse_record(doc_id, v, rows);
    free(v);
    return 0;
}

int ghs_gloss_docs_defining(xc_db *db, const char *key, size_t max, GPtrArray *doc_ids,
                            ghs_error *err)
{
    char *t = g_strconcat(GHS_PREFIX_GLOSSARY, key, NULL);
    xc_error xe;
    xc_error_clear(&xe);
    xc_query *q = xc_query_term(t, 1, 0, &xe);
    g_free(t);
    xc_enquire *enq = q ? xc_enquire_new(db, &xe) : NULL;
    xc_mset *ms = NULL;
    if (enq) {
        xc_enquire_set_query(enq, q, &xe);
        xc_enquire_set_collapse_key(enq, GHS_SLOT_DOC, 1, &xe);
        if (xe.code == XC_OK)
            ms = xc_enquire_get_mset(enq, 0, (uint32_t)max, 0, &xe);
    }
    for (uint32_t i = 0; ms && i < xc_mset_size(ms) && xe.code == XC_OK; i++) {
        xc_doc *d = xc_mset_document(ms, i, &xe);
        char *id = d ? xc_doc_get_value(d, GHS_SLOT_DOC, NULL, &xe) : NULL;
        if (id && *id)
            g_ptr_array_add(doc_ids, g_strdup(id));
        free(id);
        xc_doc_free(d);
    }
    xc_mset_free(ms);
    xc_enquire_free(enq);
    xc_query_free(q);
    if (xe.code != XC_OK)
        return ghs_error_from_xc(err, &xe, "glossary");
    return 0;
}

int ghs_gloss_read_all(xc_db *db, GPtrArray *rows, ghs_error *err)
{
    xc_error xe;
    xc_error_clear(&xe);
    xc_termlist *tl = xc_db_allterms(db, GHS_PREFIX_DOC, &xe);
    if (!tl)
        return ghs_error_from_xc(err, &xe, "glossary");
    GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
    const char *term;
    uint32_t tf;
    while (xc_termlist_next(tl, &term, &tf, &xe) == 1)
        g_ptr_array_add(ids, g_strdup(term + strlen(GHS_PREFIX_DOC)));
    xc_termlist_free(tl);
    int rc = xe.code != XC_OK ? ghs_error_from_xc(err, &xe, "glossary") : 0;
    for (guint i = 0; rc == 0 && i < ids->len; i++)
        rc = ghs_gloss_read_doc(db, ids->pdata[i], rows, err);
    g_ptr_array_free(ids, TRUE);
    return rc;
}
