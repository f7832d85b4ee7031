/*
 * manifest.c: reading corpus/manifest.tsv (format in manifest.h).
 */
#include "manifest.h"

#include "index_handle.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

struct ghs_manifest {
    GPtrArray *entries;     /* ghs_meta*, strings owned through `strings` */
    GPtrArray *strings;     /* every string the entries point to */
    GHashTable *by_file;    /* base name -> ghs_meta* */
    GHashTable *by_url;     /* url -> ghs_meta* */
};

enum { COL_ID, COL_FILE, COL_URL, COL_TITLE, COL_PUBLISHER, COL_DATE, COL_LANG,
       COL_TYPE, N_COLS };
static const char *const col_names[N_COLS] = {
    "id", "file", "url", "title", "publisher", "date", "lang", "type"
};

void ghs_manifest_free(ghs_manifest *m)
{
    if (!m)
        return;
    g_hash_table_destroy(m->by_file);
    g_hash_table_destroy(m->by_url);
    g_ptr_array_free(m->entries, TRUE);
    g_ptr_array_free(m->strings, TRUE);
    g_free(m);
}

static const char *keep(ghs_manifest *m, const char *s)
{
    if (!s)
        return NULL;
    char *t = g_strstrip(g_strdup(s));
    if (!*t) {
        g_free(t);
        return NULL;
    }
    g_ptr_array_add(m->strings, t);
    return t;
}

int ghs_manifest_load(const char *path, ghs_manifest **out, ghs_error *err)
{
    *out = NULL;
    gchar *contents = NULL;
    gsize len = 0;
    GError *gerr = NULL;
    if (!g_file_get_contents(path, &contents, &len, &gerr)) {
        ghs_set_error(err, GHS_EIO, "[manifest][%s] cannot read: %s", path, gerr->message);
        g_error_free(gerr);
        return GHS_EIO;
    }
    if (!g_utf8_validate(contents, (gssize)len, NULL)) {
        ghs_set_error(err, GHS_EFORMAT, "[manifest][%s] not UTF-8 text", path);
        g_free(contents);
        return GHS_EFORMAT;
    }
    ghs_manifest *m = g_new0(ghs_manifest, 1);
    m->entries = g_ptr_array_new_with_free_func(g_free);
    m->strings = g_ptr_array_new_with_free_func(g_free);
    m->by_file = g_hash_table_new(g_str_hash, g_str_equal);
    m->by_url = g_hash_table_new(g_str_hash, g_str_equal);

    int col_index[N_COLS];
    for (int i = 0; i < N_COLS; i++)
        col_index[i] = -1;
    gboolean have_header = FALSE;
    gchar **lines = g_strsplit(contents, "\n", -1);
    g_free(contents);
    int rc = 0;
    for (size_t ln = 0; lines[ln]; ln++) {
        char *line = lines[ln];
        size_t l = strlen(line);
        if (l && line[l - 1] == '\r')
            line[l - 1] = '\0';
        if (!*line || *line == '#')
            continue;
        gchar **cols = g_strsplit(line, "\t", -1);
        guint ncols = g_strv_length(cols);
        if (!have_header) {
            for (guint c = 0; c < ncols; c++)
                for (int k = 0; k < N_COLS; k++)
                    if (g_ascii_strcasecmp(g_strstrip(cols[c]), col_names[k]) == 0)
                        col_index[k] = (int)c;
            g_strfreev(cols);
            if (col_index[COL_ID] < 0 || (col_index[COL_FILE] < 0 && col_index[COL_URL] < 0)) {
                ghs_set_error(err, GHS_EFORMAT,
                        "[manifest][%s:%zu] header must name the columns id and file or url",
                        path, ln + 1);
                rc = GHS_EFORMAT;
                break;
            }
            have_header = TRUE;
            continue;
        }
        const char *v[N_COLS];
        for (int k = 0; k < N_COLS; k++)
            v[k] = (col_index[k] >= 0 && (guint)col_index[k] < ncols) ? cols[col_index[k]] : NULL;
        ghs_meta *e = g_new0(ghs_meta, 1);
        e->id = keep(m, v[COL_ID]);
        e->title = keep(m, v[COL_TITLE]);
        e->publisher = keep(m, v[COL_PUBLISHER]);
        e->date = keep(m, v[COL_DATE]);
        e->lang = keep(m, v[COL_LANG]);
        e->url = keep(m, v[COL_URL]);
        e->type = keep(m, v[COL_TYPE]);
        const char *file = keep(m, v[COL_FILE]);
        g_strfreev(cols);
        if (!e->id) {
            ghs_set_error(err, GHS_EFORMAT, "[manifest][%s:%zu] line has no id", path, ln + 1);
            g_free(e);
            rc = GHS_EFORMAT;
            break;
        }
        g_ptr_array_add(m->entries, e);
        if (file)
            g_hash_table_insert(m->by_file, (gpointer)file, e);
        if (e->url) {
            g_hash_table_insert(m->by_url, (gpointer)e->url, e);
            /* A local copy is usually named after the URL's last segment. */
            const char *slash = strrchr(e->url, '/');
            if (slash && slash[1]) {
                char *base = g_strdup(slash + 1);
                char *q = strpbrk(base, "?#");
                if (q)
                    *q = '\0';
                const char *kept = keep(m, base);
                g_free(base);
                if (kept && !g_hash_table_contains(m->by_file, kept))
                    g_hash_table_insert(m->by_file, (gpointer)kept, e);
            }
        }
    }
    g_strfreev(lines);
    if (rc == 0 && !have_header) {
        ghs_set_error(err, GHS_EFORMAT, "[manifest][%s] empty: no header line", path);
        rc = GHS_EFORMAT;
    }
    if (rc) {
        ghs_manifest_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

const ghs_meta *ghs_manifest_find_file(const ghs_manifest *m, const char *basename)
{
    return m && basename ? g_hash_table_lookup(m->by_file, basename) : NULL;
}

const ghs_meta *ghs_manifest_find_url(const ghs_manifest *m, const char *url)
{
    return m && url ? g_hash_table_lookup(m->by_url, url) : NULL;
}

size_t ghs_manifest_count(const ghs_manifest *m)
{
    return m ? m->entries->len : 0;
}

const ghs_meta *ghs_manifest_entry(const ghs_manifest *m, size_t i)
{
    return m && i < m->entries->len ? g_ptr_array_index(m->entries, i) : NULL;
}
