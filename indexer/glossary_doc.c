/*
 * glossary_doc.c: the pairs one document defines, mined page by page
 * (glossary_mine.h), keyed, counted, and stored with its passages
 * (glossary_store.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "glossary_doc.h"
#include "glossary_mine.h"

struct ghs_gloss_doc {
    GPtrArray *rows;      /* ghs_gloss_row*, distinct (keys, page, place) */
    GHashTable *index;    /* "term_key\tequiv_key\tpage\tplace" -> row */
    char **terms;         /* NULL-terminated boolean terms, or NULL */
};

int ghs_gloss_doc_mine(ghs_analyzer *a, const ghs_page *pages, size_t n_pages,
                       unsigned flags, ghs_gloss_doc **out, ghs_error *err)
{
    int rc = 0;
    ghs_gloss_doc *gd = g_new0(ghs_gloss_doc, 1);
    gd->rows = g_ptr_array_new_with_free_func(ghs_gloss_row_free);
    gd->index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    *out = gd;
    GHashTable *keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (size_t p = 0; p < n_pages; p++) {
        ghs_gloss_found_list found;
        ghs_gloss_found_list_init(&found);
        ghs_gloss_mine(pages[p].text, pages[p].len, flags, &found);
        for (size_t i = 0; i < found.n; i++) {
            const ghs_gloss_found *f = &found.v[i];
            ghs_error ke = {0}, ee = {0};
            char *tk = ghs_gloss_key(a, f->term, &ke), *ek = ghs_gloss_key(a, f->equivalent, &ee);
            if (ke.code < 0 || ee.code < 0) {
                /* The analysis itself failed (not a pair without words):
                 * the document cannot be indexed as it should be. */
                rc = ghs_set_error(err, ke.code < 0 ? ke.code : ee.code, "%s",
                                   ke.code < 0 ? ke.message : ee.message);
                g_free(tk);
                g_free(ek);
                break;
            }
            if (!tk || !ek || !strcmp(tk, ek)) {
                g_free(tk);
                g_free(ek);
                continue;
            }
            char *id = g_strdup_printf("%s\t%s\t%d\t%d", tk, ek, pages[p].number, f->footnote);
            ghs_gloss_row *r = g_hash_table_lookup(gd->index, id);
            if (r) {
                r->count++;
                g_free(id);
                g_free(tk);
                g_free(ek);
                continue;
            }
            r = g_new0(ghs_gloss_row, 1);
            r->term = g_strdup(f->term);
            r->term_key = tk;
            r->equiv = g_strdup(f->equivalent);
            r->equiv_key = ek;
            r->as_written = g_strdup(f->as_written);
            g_strlcpy(r->lang, f->lang, sizeof r->lang);
            r->kind = f->kind;
            r->page = pages[p].number;
            r->footnote = f->footnote;
            r->count = 1;
            g_ptr_array_add(gd->rows, r);
            g_hash_table_insert(gd->index, id, r);
            g_hash_table_add(keys, g_strconcat(GHS_PREFIX_GLOSSARY, tk, NULL));
            g_hash_table_add(keys, g_strconcat(GHS_PREFIX_GLOSSARY, ek, NULL));
        }
        ghs_gloss_found_list_free(&found);
        if (rc < 0)
            break;
    }
    if (g_hash_table_size(keys) > 0) {
        guint n = 0;
        gd->terms = (char **)g_hash_table_get_keys_as_array(keys, &n);
        g_hash_table_steal_all(keys);
    }
    g_hash_table_destroy(keys);
    return rc;
}

char **ghs_gloss_doc_terms(const ghs_gloss_doc *gd)
{
    return gd ? gd->terms : NULL;
}

size_t ghs_gloss_doc_count(const ghs_gloss_doc *gd)
{
    return gd ? gd->rows->len : 0;
}

int ghs_gloss_doc_store(const ghs_gloss_doc *gd, xc_wdb *wdb, const char *doc_id,
                        ghs_error *err)
{
    return ghs_gloss_rows_store(gd ? gd->rows : NULL, wdb, doc_id, err);
}

void ghs_gloss_doc_free(ghs_gloss_doc *gd)
{
    if (!gd)
        return;
    g_ptr_array_free(gd->rows, TRUE);
    g_hash_table_destroy(gd->index);
    g_strfreev(gd->terms);
    g_free(gd);
}

