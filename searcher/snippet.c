/*
 * snippet.c: marking the matched words of a passage.
 *
 * The passage is analyzed with the same analyzer as the query, so a word
 * is highlighted exactly when it is one of the terms the query searched
 * for (or shares their English stem), whatever its width, case or form in
 * the passage. Offsets come from the analyzer and are code points.
 */
#include "search_internal.h"

static gint span_cmp(gconstpointer a, gconstpointer b)
{
    const ghs_span *x = a, *y = b;
    return x->start != y->start ? (x->start > y->start) - (x->start < y->start)
                                : (x->end > y->end) - (x->end < y->end);
}

int ghs_highlight(ghs_analyzer *a, const char *passage, size_t len,
                  GHashTable *terms, GHashTable *stems,
                  ghs_span **out, size_t *n, ghs_error *err)
{
    *out = NULL;
    *n = 0;
    ghs_tokens toks;
    ghs_tokens_init(&toks);
    int rc = ghs_analyze(a, passage, len, 0, &toks, err);
    if (rc == 0)
        ghs_highlight_tokens(&toks, terms, stems, out, n);
    ghs_tokens_free(&toks);
    return rc;
}

void ghs_highlight_tokens(const ghs_tokens *toks, GHashTable *terms, GHashTable *stems,
                          ghs_span **out, size_t *n)
{
    GArray *found = g_array_new(FALSE, FALSE, sizeof(ghs_span));
    for (size_t i = 0; i < toks->n + toks->n_parts; i++) {
        /* Words, then the pieces of katakana compounds (ウイルス inside
         * コロナウイルス), each marked where it is. */
        const ghs_token *t = i < toks->n ? &toks->v[i] : &toks->parts[i - toks->n];
        gboolean hit = g_hash_table_contains(terms, t->term) ||
                       (t->stem && !t->is_stop && g_hash_table_contains(stems, t->stem));
        if (hit) {
            ghs_span s = { (int)t->start, (int)t->end };
            g_array_append_val(found, s);
        }
    }
    g_array_sort(found, span_cmp);
    /* Adjacent or overlapping marks become one. */
    GArray *spans = g_array_new(FALSE, FALSE, sizeof(ghs_span));
    for (guint i = 0; i < found->len; i++) {
        ghs_span s = g_array_index(found, ghs_span, i);
        if (spans->len) {
            ghs_span *last = &g_array_index(spans, ghs_span, spans->len - 1);
            if (s.start <= last->end) {
                if (s.end > last->end)
                    last->end = s.end;
                continue;
            }
        }
        g_array_append_val(spans, s);
    }
    g_array_free(found, TRUE);
    *n = spans->len;
    *out = (ghs_span *)(void *)g_array_free(spans, FALSE);
}
