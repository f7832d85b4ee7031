/*
 * fetch_cache.c: the download cache on disk (layout and guarantees in
 * fetch_cache.h): reading and rewriting the URL index, storing downloads
 * by content hash, remembering failures without losing good copies.
 */
#include "fetch_cache.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "filestate.h"
#include "index_handle.h"

#define URLS_FILE "urls.tsv"
#define URLS_HEADER "url\tstate\tsha256\text\tcontent_type\tbytes\tfetched\tmessage\n"

enum { F_URL, F_STATE, F_SHA, F_EXT, F_CTYPE, F_FETCHED, F_MESSAGE, N_STR };

/* An entry with the storage of its strings. */
typedef struct entry_box {
    ghs_cache_entry pub;
    char *s[N_STR];
} entry_box;

struct ghs_cache {
    char *dir;
    GPtrArray *entries;   /* entry_box*, in first-recorded order */
    GHashTable *by_url;   /* url (owned by the entry) -> entry_box* */
};

static void entry_sync(entry_box *b)
{
    for (int i = 0; i < N_STR; i++)
        if (!b->s[i])
            b->s[i] = g_strdup("");
    b->pub.url = b->s[F_URL];
    b->pub.state = b->s[F_STATE];
    b->pub.sha256 = b->s[F_SHA];
    b->pub.ext = b->s[F_EXT];
    b->pub.content_type = b->s[F_CTYPE];
    b->pub.fetched = b->s[F_FETCHED];
    b->pub.message = b->s[F_MESSAGE];
}

static void entry_set(entry_box *b, int field, const char *v)
{
    g_free(b->s[field]);
    b->s[field] = g_strdup(v ? v : "");
    entry_sync(b);
}

static void entry_free(gpointer p)
{
    entry_box *b = p;
    for (int i = 0; i < N_STR; i++)
        g_free(b->s[i]);
    g_free(b);
}

void ghs_cache_free(ghs_cache *c)
{
    if (!c)
        return;
    g_hash_table_destroy(c->by_url);
    g_ptr_array_free(c->entries, TRUE);
    g_free(c->dir);
    g_free(c);
}

const char *ghs_cache_dir(const ghs_cache *c)
{
    return c->dir;
}

/* A field as written to the TSV: tabs and line breaks become spaces. */
static void put_field(GString *out, const char *v, int last)
{
    for (const char *p = v ? v : ""; *p; p++)
        g_string_append_c(out, (*p == '\t' || *p == '\n' || *p == '\r') ? ' ' : *p);
    g_string_append_c(out, last ? '\n' : '\t');
}

static int save(ghs_cache *c, ghs_error *err)
{
    GString *out = g_string_new(URLS_HEADER);
    for (guint i = 0; i < c->entries->len; i++) {
        const ghs_cache_entry *e = &((entry_box *)g_ptr_array_index(c->entries, i))->pub;
        char bytes[32];
        snprintf(bytes, sizeof bytes, "%lld", e->bytes);
        put_field(out, e->url, 0);
        put_field(out, e->state, 0);
        put_field(out, e->sha256, 0);
        put_field(out, e->ext, 0);
        put_field(out, e->content_type, 0);
        put_field(out, bytes, 0);
        put_field(out, e->fetched, 0);
        put_field(out, e->message, 1);
    }
    char *path = g_build_filename(c->dir, URLS_FILE, NULL);
    GError *ge = NULL;
    /* g_file_set_contents writes a temporary file and renames it. */
    int rc = 0;
    if (!g_file_set_contents(path, out->str, (gssize)out->len, &ge)) {
        rc = ghs_set_error(err, GHS_EIO, "[cache][%s] cannot write: %s", path, ge->message);
        g_error_free(ge);
    }
    g_free(path);
    g_string_free(out, TRUE);
    return rc;
}

static entry_box *get_or_add(ghs_cache *c, const char *url)
{
    entry_box *b = g_hash_table_lookup(c->by_url, url);
    if (b)
        return b;
    b = g_new0(entry_box, 1);
    b->s[F_URL] = g_strdup(url);
    entry_sync(b);
    g_ptr_array_add(c->entries, b);
    g_hash_table_insert(c->by_url, b->s[F_URL], b);
    return b;
}

static int load(ghs_cache *c, ghs_error *err)
{
    char *path = g_build_filename(c->dir, URLS_FILE, NULL);
    char *text = NULL;
    gsize len = 0;
    GError *ge = NULL;
    if (!g_file_get_contents(path, &text, &len, &ge)) {
        int missing = g_error_matches(ge, G_FILE_ERROR, G_FILE_ERROR_NOENT);
        int rc = missing ? 0 : ghs_set_error(err, GHS_EIO, "[cache][%s] cannot read: %s",
                                             path, ge->message);
        g_error_free(ge);
        g_free(path);
        return rc;
    }
    g_free(path);
    char **lines = g_strsplit(text, "\n", -1);
    g_free(text);
    /* The first line is the header; a damaged line (wrong column count,
     * e.g. cut short by a full disk) is skipped rather than trusted. */
    for (size_t i = 1; lines[i]; i++) {
        char **f = g_strsplit(lines[i], "\t", -1);
        if (g_strv_length(f) == 8 && f[0][0]) {
            entry_box *b = get_or_add(c, f[0]);
            entry_set(b, F_STATE, f[1]);
            entry_set(b, F_SHA, f[2]);
            entry_set(b, F_EXT, f[3]);
            entry_set(b, F_CTYPE, f[4]);
            b->pub.bytes = g_ascii_strtoll(f[5], NULL, 10);
            entry_set(b, F_FETCHED, f[6]);
            entry_set(b, F_MESSAGE, f[7]);
        }
        g_strfreev(f);
    }
    g_strfreev(lines);
    return 0;
}

int ghs_cache_open(const char *dir, int create, ghs_cache **out, ghs_error *err)
{
    *out = NULL;
    if (!dir || !*dir)
        return ghs_set_error(err, GHS_EINVAL, "[cache] no cache directory given");
    if (create) {
        const char *subs[] = { "sha256", "partial" };
        for (size_t i = 0; i < G_N_ELEMENTS(subs); i++) {
            char *d = g_build_filename(dir, subs[i], NULL);
            int ok = g_mkdir_with_parents(d, 0755) == 0;
            int e = errno;
            g_free(d);
            if (!ok)
                return ghs_set_error(err, GHS_EIO, "[cache][%s] cannot create: %s", dir,
                                     g_strerror(e));
        }
    }
    ghs_cache *c = g_new0(ghs_cache, 1);
    c->dir = g_strdup(dir);
    c->entries = g_ptr_array_new_with_free_func(entry_free);
    c->by_url = g_hash_table_new(g_str_hash, g_str_equal);
    int rc = load(c, err);
    if (rc < 0) {
        ghs_cache_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

const ghs_cache_entry *ghs_cache_find(const ghs_cache *c, const char *url)
{
    entry_box *b = c && url ? g_hash_table_lookup(c->by_url, url) : NULL;
    return b ? &b->pub : NULL;
}

/* sha256/<hex>.<ext> under the cache, or NULL when the names look wrong
 * (a hand-edited index must not point outside the cache). */
static char *stored_path(const ghs_cache *c, const char *sha, const char *ext)
{
    if (strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64 ||
        (strcmp(ext, "pdf") != 0 && strcmp(ext, "html") != 0))
        return NULL;
    char *name = g_strconcat(sha, ".", ext, NULL);
    char *p = g_build_filename(c->dir, "sha256", name, NULL);
    g_free(name);
    return p;
}

char *ghs_cache_lookup(const ghs_cache *c, const char *url)
{
    const ghs_cache_entry *e = ghs_cache_find(c, url);
    if (!e || !e->sha256[0])
        return NULL;
    char *p = stored_path(c, e->sha256, e->ext);
    if (p && !g_file_test(p, G_FILE_TEST_IS_REGULAR)) {
        g_free(p);
        return NULL;
    }
    return p;
}

static char *now_iso(void)
{
    GDateTime *now = g_date_time_new_now_utc();
    char *s = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
    g_date_time_unref(now);
    return s;
}

int ghs_cache_store(ghs_cache *c, const char *url, const char *tmp_path, const char *ext,
                    const char *content_type, ghs_error *err)
{
    GStatBuf st;
    if (g_stat(tmp_path, &st) != 0)
        return ghs_set_error(err, GHS_EIO, "[cache][%s] cannot read: %s", tmp_path,
                             g_strerror(errno));
    char *sha = ghs_file_sha256(tmp_path, err);
    if (!sha)
        return GHS_EIO;
    char *dest = stored_path(c, sha, ext);
    if (!dest) {
        g_free(sha);
        return ghs_set_error(err, GHS_EINVAL, "[cache] unknown file kind '%s'", ext);
    }
    int rc = 0;
    char *sub = g_path_get_dirname(dest);
    g_mkdir_with_parents(sub, 0755);
    g_free(sub);
    if (g_file_test(dest, G_FILE_TEST_IS_REGULAR)) {
        g_unlink(tmp_path);           /* same content already stored */
    } else if (g_rename(tmp_path, dest) != 0) {
        rc = ghs_set_error(err, GHS_EIO, "[cache][%s] cannot store: %s", dest,
                           g_strerror(errno));
    }
    if (rc == 0) {
        entry_box *b = get_or_add(c, url);
        char *when = now_iso();
        entry_set(b, F_STATE, "ok");
        entry_set(b, F_SHA, sha);
        entry_set(b, F_EXT, ext);
        entry_set(b, F_CTYPE, content_type);
        entry_set(b, F_FETCHED, when);
        entry_set(b, F_MESSAGE, "");
        b->pub.bytes = (long long)st.st_size;
        g_free(when);
        rc = save(c, err);
    }
    g_free(dest);
    g_free(sha);
    return rc;
}

int ghs_cache_record_failure(ghs_cache *c, const char *url, const char *state,
                             const char *content_type, const char *message, ghs_error *err)
{
    entry_box *b = get_or_add(c, url);
    char *when = now_iso();
    entry_set(b, F_STATE, state);
    /* content type and size describe the good copy when there is one */
    if (!b->pub.sha256[0])
        entry_set(b, F_CTYPE, content_type);
    entry_set(b, F_FETCHED, when);
    entry_set(b, F_MESSAGE, message);
    g_free(when);
    return save(c, err);
}

static char *partial_base(const ghs_cache *c, const char *url)
{
    char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA1, url, -1);
    char *p = g_build_filename(c->dir, "partial", sum, NULL);
    g_free(sum);
    return p;
}

char *ghs_cache_partial_path(const ghs_cache *c, const char *url)
{
    char *b = partial_base(c, url);
    char *p = g_strconcat(b, ".part", NULL);
    g_free(b);
    return p;
}

char *ghs_cache_partial_meta_path(const ghs_cache *c, const char *url)
{
    char *b = partial_base(c, url);
    char *p = g_strconcat(b, ".meta", NULL);
    g_free(b);
    return p;
}

size_t ghs_cache_count(const ghs_cache *c)
{
    return c ? c->entries->len : 0;
}

const ghs_cache_entry *ghs_cache_entry_at(const ghs_cache *c, size_t i)
{
    return c && i < c->entries->len ? &((entry_box *)g_ptr_array_index(c->entries, i))->pub
                                    : NULL;
}
