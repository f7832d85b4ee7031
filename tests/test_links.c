/*
 * test_links.c: following the links of releases (indexer/links*.c) and the
 * fetch cache they are resolved against (indexer/fetch_cache.c).
 *
 * Each test builds its own small web of documents in a temporary
 * directory: a Japanese release in HTML, PDFs typeset at test time with
 * the build's corpus/mkpdf, and a fetch cache filled through
 * ghs_cache_store (the downloading side has its own test, test_fetch.c).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "fetch_cache.h"
#include "ghsearch.h"
#include "links.h"
#include "manifest.h"
#include "test_util.h"

/* ------------------------------------------------------------ fixtures */

static char *tmp_dir(void)
{
    char *d = ghs_test_tmp_dir("ghs-links-XXXXXX");
    ghs_test_note_for_removal(d);   /* removed when the tests are done */
    return d;
}

static char *write_file(const char *dir, const char *name, const char *text)
{
    return ghs_test_write(dir, name, text);
}

/* A one-page PDF with title and body, typeset by corpus/mkpdf. NULL (and
 * the test skipped) when the build's mkpdf is not there. */
static char *make_pdf(const char *dir, const char *name, const char *title, const char *lang,
                      const char *body)
{
    const char *root = g_getenv("GHS_BUILD_ROOT");
    char *mkpdf = root ? g_build_filename(root, "corpus", "mkpdf", NULL) : NULL;
    if (!mkpdf || !g_file_test(mkpdf, G_FILE_TEST_IS_EXECUTABLE)) {
        g_free(mkpdf);
        g_test_skip("the build's corpus/mkpdf is missing (GHS_BUILD_ROOT)");
        return NULL;
    }
    char *src_text = g_strdup_printf("Title: %s\nDate: 2023-04-28\nLang: %s\n\n%s\n", title,
                                     lang, body);
    char *src_name = g_strconcat(name, ".pages", NULL);
    char *src_dir = g_build_filename(dir, ".src", NULL);
    char *src = write_file(src_dir, src_name, src_text);
    char *out = g_build_filename(dir, name, NULL);
    char *argv[] = { mkpdf, src, out, NULL };
    int status = 0;
    GError *gerr = NULL;
    g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &gerr);
    g_assert_no_error(gerr);
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    g_free(src);
    g_free(src_dir);
    g_free(src_name);
    g_free(src_text);
    g_free(mkpdf);
    return out;
}

static const char *RELEASE_TITLE = "保健財政に関する報告書を公開しました";

/* A Japanese release linking a local PDF (relative), a remote PDF, a
 * page that no longer exists, and a photo. */
static char *write_release(const char *dir, const char *name, int with_remote)
{
    char *html = g_strdup_printf(
        "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\">"
        "<title>%s</title></head><body>"
        "<nav><a href=\"index.html\">トップページ</a></nav><main>"
        "<h1>%s</h1><p>2023年4月28日　ユニバーサル・ヘルス・カバレッジ（UHC）の財政について、"
        "二つの報告書を公開しました。</p><ul>"
        "<li><a href=\"report-a.pdf\">報告書Ａ（ＰＤＦ）</a></li>"
        "%s"
        "<li><a href=\"https://example.org/docs/gone.pdf\">報告書Ｃ（削除済み）</a></li>"
        "<li><a href=\"https://example.org/img/photo.jpg\">写真</a></li>"
        "</ul></main></body></html>",
        RELEASE_TITLE, RELEASE_TITLE,
        with_remote ? "<li><a href=\"https://example.org/docs/report-b.pdf\">"
                      "Report B (English, PDF)</a></li>" : "");
    char *p = write_file(dir, name, html);
    g_free(html);
    return p;
}

/* Put a copy of src into the cache at cache_dir as url's download. */
static void cache_put(const char *cache_dir, const char *url, const char *src)
{
    ghs_cache *c = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_cache_open(cache_dir, 1, &c, &err), ==, 0);
    char *tmp = g_build_filename(cache_dir, "partial", "test.part", NULL);
    char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(src, &data, &len, NULL));
    g_assert_true(g_file_set_contents(tmp, data, (gssize)len, NULL));
    g_assert_cmpint(ghs_cache_store(c, url, tmp, "pdf", "application/pdf", &err), ==, 0);
    g_free(data);
    g_free(tmp);
    ghs_cache_free(c);
}

static const ghs_doc_link *find_link(const ghs_links *l, const char *url)
{
    for (size_t i = 0; i < ghs_links_count(l); i++)
        if (!strcmp(ghs_links_item(l, i)->url, url))
            return ghs_links_item(l, i);
    return NULL;
}

static ghs_index *open_write(const char *dir, const char *cache_dir)
{
    char *db = g_build_filename(dir, "db", NULL);
    ghs_index *ix = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err), ==, 0);
    if (cache_dir)
        g_assert_cmpint(ghs_index_set_cache(ix, cache_dir, &err), ==, 0);
    g_free(db);
    return ix;
}

static void index_paths(ghs_index *ix, const char *path, ghs_index_totals *t)
{
    ghs_error err = {0};
    const char *paths[] = { path };
    g_assert_cmpint(ghs_index_add_paths(ix, paths, 1, NULL, NULL, t, &err), ==, 0);
}

static size_t count_hits_of(ghs_index *ix, const char *query, const char *doc,
                            const char **linked_from)
{
    ghs_results *r = NULL;
    ghs_error err = {0};
    ghs_search_opts o = { .limit = 50, .per_doc = 50 };
    g_assert_cmpint(ghs_search(ix, query, &o, &r, &err), ==, 0);
    size_t n = 0;
    static char from[512];
    for (size_t i = 0; i < ghs_results_count(r); i++) {
        const ghs_hit *h = ghs_results_hit(r, i);
        if (!strcmp(h->doc, doc)) {
            n++;
            g_strlcpy(from, h->linked_from ? h->linked_from : "", sizeof from);
        }
    }
    if (linked_from)
        *linked_from = from;
    ghs_results_free(r);
    return n;
}

/* ------------------------------------------------------------ resolver */

static void test_relative_link_finds_the_file_next_to_the_release(void)
{
    char *dir = tmp_dir();
    char *pdf = write_file(dir, "docs/報告書 第1版.pdf", "%PDF-1.4 not really\n");
    ghs_link_resolver *r = ghs_link_resolver_new(NULL, 0, NULL, NULL);
    char *path = NULL, *reason = NULL;
    /* percent-encoded Japanese name and a space, a fragment to ignore */
    g_assert_cmpint(ghs_link_resolve(r, dir, "docs/%E5%A0%B1%E5%91%8A%E6%9B%B8%20%E7%AC%AC1"
                                     "%E7%89%88.pdf#page=2", &path, &reason),
                    ==, GHS_RESOLVE_LOCAL);
    char *canon = g_canonicalize_filename(pdf, NULL);
    g_assert_cmpstr(path, ==, canon);
    g_assert_null(reason);
    g_free(path);
    g_assert_cmpint(ghs_link_resolve(r, dir, "docs/missing.pdf", &path, &reason), ==,
                    GHS_RESOLVE_MISSING);
    g_assert_null(path);
    g_assert_nonnull(strstr(reason, "next to the release"));
    g_free(reason);
    ghs_link_resolver_free(r);
    g_free(canon);
    g_free(pdf);
    g_free(dir);
}

static void test_url_file_name_finds_a_copy_next_to_the_release_or_among_inputs(void)
{
    char *dir = tmp_dir();
    char *rel_dir = g_build_filename(dir, "releases", NULL);
    g_mkdir_with_parents(rel_dir, 0755);
    char *next = write_file(rel_dir, "HiroshimaG7GHTF_recommendations_summary_J.pdf", "%PDF-");
    char *other = write_file(dir, "pdfs/Promoting-Global-Solidarity.pdf", "%PDF-");
    const char *inputs[] = { other };
    ghs_link_resolver *r = ghs_link_resolver_new(inputs, 1, NULL, NULL);
    char *path = NULL, *reason = NULL;
    g_assert_cmpint(ghs_link_resolve(r, rel_dir, "https://www.jcie.or.jp/japan/wp/wp-content/"
                                     "uploads/2023/04/HiroshimaG7GHTF_recommendations_summary_J.pdf",
                                     &path, &reason), ==, GHS_RESOLVE_LOCAL);
    g_assert_true(g_str_has_suffix(path, "/releases/HiroshimaG7GHTF_recommendations_summary_J.pdf"));
    g_free(path);
    g_assert_cmpint(ghs_link_resolve(r, rel_dir, "https://example.org/a/Promoting-Global-"
                                     "Solidarity.pdf?download=1", &path, &reason),
                    ==, GHS_RESOLVE_LOCAL);
    g_assert_true(g_str_has_suffix(path, "/pdfs/Promoting-Global-Solidarity.pdf"));
    g_free(path);
    ghs_link_resolver_free(r);
    g_free(other);
    g_free(next);
    g_free(rel_dir);
    g_free(dir);
}

static void test_manifest_file_name_finds_the_input_of_a_url(void)
{
    char *dir = tmp_dir();
    char *man = write_file(dir, "manifest.tsv",
                           "id\tfile\turl\ttitle\tpublisher\tdate\tlang\ttype\n"
                           "ghtf-letter-en\tletter-en.pdf\thttps://bit.ly/3LgO7SR\t"
                           "書簡（英文）\tJCIE\t2023\ten\tpdf\n");
    char *pdf = write_file(dir, "letters/letter-en.pdf", "%PDF-");
    ghs_manifest *m = NULL;
    g_assert_cmpint(ghs_manifest_load(man, &m, NULL), ==, 0);
    const char *inputs[] = { pdf };
    ghs_link_resolver *r = ghs_link_resolver_new(inputs, 1, NULL, m);
    char *path = NULL, *reason = NULL;
    /* the short link's own name ("3LgO7SR") says nothing; the manifest does */
    g_assert_cmpint(ghs_link_resolve(r, dir, "https://bit.ly/3LgO7SR", &path, &reason), ==,
                    GHS_RESOLVE_LOCAL);
    g_assert_true(g_str_has_suffix(path, "/letters/letter-en.pdf"));
    g_free(path);
    ghs_link_resolver_free(r);
    ghs_manifest_free(m);
    g_free(pdf);
    g_free(man);
    g_free(dir);
}

static void test_cached_copy_of_the_exact_url_is_found_and_a_failed_fetch_explains(void)
{
    char *dir = tmp_dir();
    char *cache_dir = g_build_filename(dir, "cache", NULL);
    char *src = write_file(dir, "src.bin", "%PDF-1.4 cached bytes");
    cache_put(cache_dir, "https://example.org/docs/report-b.pdf", src);
    ghs_cache *c = NULL;
    g_assert_cmpint(ghs_cache_open(cache_dir, 0, &c, NULL), ==, 0);
    g_assert_cmpint(ghs_cache_record_failure(c, "https://example.org/docs/gone.pdf", "failed",
                                             "text/html", "HTTP 404 Not Found", NULL), ==, 0);
    ghs_link_resolver *r = ghs_link_resolver_new(NULL, 0, c, NULL);
    char *path = NULL, *reason = NULL;
    g_assert_cmpint(ghs_link_resolve(r, dir, "https://example.org/docs/report-b.pdf", &path,
                                     &reason), ==, GHS_RESOLVE_LOCAL);
    g_assert_nonnull(strstr(path, "/cache/sha256/"));
    g_assert_true(g_str_has_suffix(path, ".pdf"));
    char *bytes = NULL;
    g_assert_true(g_file_get_contents(path, &bytes, NULL, NULL));
    g_assert_cmpstr(bytes, ==, "%PDF-1.4 cached bytes");
    g_free(bytes);
    g_free(path);
    /* another URL with the same file name is not that copy */
    g_assert_cmpint(ghs_link_resolve(r, dir, "https://example.com/report-b.pdf", &path,
                                     &reason), ==, GHS_RESOLVE_MISSING);
    g_free(reason);
    g_assert_cmpint(ghs_link_resolve(r, dir, "https://example.org/docs/gone.pdf", &path,
                                     &reason), ==, GHS_RESOLVE_MISSING);
    g_assert_cmpstr(reason, ==, "fetch failed: HTTP 404 Not Found");
    g_free(reason);
    g_assert_cmpint(ghs_link_resolve(r, dir, "https://prtimes.jp/i/19334/20/resize/"
                                     "d19334-20-795920e6e4b2dc2ba2e9-3.jpg", &path, &reason),
                    ==, GHS_RESOLVE_NOT_DOCUMENT);
    g_assert_nonnull(strstr(reason, ".jpg"));
    g_free(reason);
    ghs_link_resolver_free(r);
    ghs_cache_free(c);
    g_free(src);
    g_free(cache_dir);
    g_free(dir);
}

/* ------------------------------------------------------------ cache */

/* `ghsearch fetch` without --cache stores into ghs_default_cache_dir(); an
 * index given no cache must look in that very directory. */
static void test_default_cache_is_where_the_indexer_looks(void)
{
    char *saved = g_strdup(g_getenv("GHSEARCH_CACHE"));
    g_setenv("GHSEARCH_CACHE", "/elsewhere/cache", TRUE);
    g_assert_cmpstr(ghs_default_cache_dir(), ==, "/elsewhere/cache");
    g_setenv("GHSEARCH_CACHE", "", TRUE);
    g_assert_cmpstr(ghs_default_cache_dir(), ==, "./ghsearch-cache");
    g_unsetenv("GHSEARCH_CACHE");
    g_assert_cmpstr(ghs_default_cache_dir(), ==, "./ghsearch-cache");

    char *dir = tmp_dir();
    char *remote_dir = g_build_filename(dir, "remote", NULL);
    char *b = make_pdf(remote_dir, "report-b.pdf", "Report B on pandemic preparedness", "en",
                       "# Report B\nThe quokka clause of the 100 Days Mission.");
    char *cwd = g_get_current_dir();
    if (b) {
        g_assert_cmpint(g_chdir(dir), ==, 0);   /* the default is relative */
        cache_put(ghs_default_cache_dir(), "https://example.org/docs/report-b.pdf", b);
        char *corpus = g_build_filename(dir, "corpus", NULL);
        char *rel = write_release(corpus, "release.html", 1);
        ghs_index *ix = open_write(dir, NULL);   /* no cache given */
        ghs_index_totals t = {0};
        index_paths(ix, rel, &t);
        ghs_links *l = NULL;
        ghs_error err = {0};
        g_assert_cmpint(ghs_links_get(ix, "release.html", &l, &err), ==, 0);
        const ghs_doc_link *k = find_link(l, "https://example.org/docs/report-b.pdf");
        g_assert_cmpint(k->state, ==, GHS_LINK_INDEXED);
        g_assert_nonnull(strstr(k->path, "/ghsearch-cache/sha256/"));
        ghs_links_free(l);
        ghs_index_close(ix);
        g_assert_cmpint(g_chdir(cwd), ==, 0);
        g_free(rel);
        g_free(corpus);
    }
    if (saved)
        g_setenv("GHSEARCH_CACHE", saved, TRUE);
    g_free(cwd);
    g_free(b);
    g_free(remote_dir);
    g_free(dir);
    g_free(saved);
}


static void test_failed_download_never_replaces_a_good_copy(void)
{
    char *dir = tmp_dir();
    char *cache_dir = g_build_filename(dir, "cache", NULL);
    char *src = write_file(dir, "good.bin", "%PDF-1.7 the good copy");
    const char *url = "https://example.org/report.pdf";
    cache_put(cache_dir, url, src);
    ghs_cache *c = NULL;
    g_assert_cmpint(ghs_cache_open(cache_dir, 0, &c, NULL), ==, 0);
    char *before = ghs_cache_lookup(c, url);
    g_assert_nonnull(before);
    g_assert_cmpint(ghs_cache_record_failure(c, url, "failed", "", "Timeout was reached", NULL),
                    ==, 0);
    ghs_cache_free(c);
    /* read back from disk: the failure is recorded, the copy still named */
    g_assert_cmpint(ghs_cache_open(cache_dir, 0, &c, NULL), ==, 0);
    const ghs_cache_entry *e = ghs_cache_find(c, url);
    g_assert_cmpstr(e->state, ==, "failed");
    g_assert_cmpstr(e->message, ==, "Timeout was reached");
    char *after = ghs_cache_lookup(c, url);
    g_assert_cmpstr(after, ==, before);
    char *bytes = NULL;
    g_assert_true(g_file_get_contents(after, &bytes, NULL, NULL));
    g_assert_cmpstr(bytes, ==, "%PDF-1.7 the good copy");
    g_free(bytes);
    g_free(after);
    g_free(before);
    ghs_cache_free(c);
    g_free(src);
    g_free(cache_dir);
    g_free(dir);
}

static void test_same_content_from_two_urls_is_stored_once(void)
{
    char *dir = tmp_dir();
    char *cache_dir = g_build_filename(dir, "cache", NULL);
    char *src = write_file(dir, "same.bin", "%PDF-1.5 identical");
    cache_put(cache_dir, "https://bit.ly/3LgO7SR", src);
    cache_put(cache_dir, "https://www.jcie.or.jp/letter.pdf", src);
    ghs_cache *c = NULL;
    g_assert_cmpint(ghs_cache_open(cache_dir, 0, &c, NULL), ==, 0);
    char *a = ghs_cache_lookup(c, "https://bit.ly/3LgO7SR");
    char *b = ghs_cache_lookup(c, "https://www.jcie.or.jp/letter.pdf");
    g_assert_cmpstr(a, ==, b);
    g_assert_cmpuint(ghs_cache_count(c), ==, 2);
    char *store = g_build_filename(cache_dir, "sha256", NULL);
    GDir *d = g_dir_open(store, 0, NULL);
    int files = 0;
    while (g_dir_read_name(d))
        files++;
    g_dir_close(d);
    g_assert_cmpint(files, ==, 1);
    g_free(store);
    g_free(a);
    g_free(b);
    ghs_cache_free(c);
    g_free(src);
    g_free(cache_dir);
    g_free(dir);
}

static void test_damaged_url_index_lines_are_ignored(void)
{
    char *dir = tmp_dir();
    char *cache_dir = g_build_filename(dir, "cache", NULL);
    char *src = write_file(dir, "x.bin", "%PDF-1.4 x");
    cache_put(cache_dir, "https://example.org/x.pdf", src);
    char *idx = g_build_filename(cache_dir, "urls.tsv", NULL);
    char *text = NULL;
    g_assert_true(g_file_get_contents(idx, &text, NULL, NULL));
    /* a line cut short (full disk) and one pointing outside the cache */
    char *bad = g_strconcat(text, "https://example.org/cut.pdf\tok\tabc\n",
                            "https://example.org/evil.pdf\tok\t../../../etc/passwd\tpdf\t"
                            "application/pdf\t1\t2023-01-01T00:00:00Z\t\n", NULL);
    g_assert_true(g_file_set_contents(idx, bad, -1, NULL));
    ghs_cache *c = NULL;
    g_assert_cmpint(ghs_cache_open(cache_dir, 0, &c, NULL), ==, 0);
    g_assert_null(ghs_cache_find(c, "https://example.org/cut.pdf"));
    g_assert_null(ghs_cache_lookup(c, "https://example.org/evil.pdf"));
    char *x = ghs_cache_lookup(c, "https://example.org/x.pdf");
    g_assert_nonnull(x);
    g_free(x);
    ghs_cache_free(c);
    g_free(bad);
    g_free(text);
    g_free(idx);
    g_free(src);
    g_free(cache_dir);
    g_free(dir);
}

/* ------------------------------------------------------------ indexing */

static void test_release_links_are_indexed_and_recorded(void)
{
    char *dir = tmp_dir();
    char *corpus = g_build_filename(dir, "corpus", NULL);
    char *cache_dir = g_build_filename(dir, "cache", NULL);
    g_mkdir_with_parents(corpus, 0755);
    char *a = make_pdf(corpus, "report-a.pdf", "保健財政に関する報告書Ａ", "ja",
                       "# 報告書Ａ\n国内資金の動員によるユニバーサル・ヘルス・カバレッジの財政を論じる。");
    if (!a)
        goto out;
    char *remote_dir = g_build_filename(dir, "remote", NULL);
    char *b = make_pdf(remote_dir, "report-b.pdf", "Report B on pandemic preparedness", "en",
                       "# Report B\nThe quokka clause of the 100 Days Mission.");
    cache_put(cache_dir, "https://example.org/docs/report-b.pdf", b);
    char *rel = write_release(corpus, "release.html", 1);

    ghs_index *ix = open_write(dir, cache_dir);
    ghs_index_totals t = {0};
    index_paths(ix, rel, &t);   /* the release alone: its links bring the PDFs */
    g_assert_cmpuint(t.links, ==, 4);
    g_assert_cmpuint(t.links_indexed, ==, 2);
    g_assert_cmpuint(t.links_missing, ==, 1);
    g_assert_cmpuint(t.links_not_document, ==, 1);
    g_assert_cmpuint(t.files_seen, ==, 3);
    g_assert_cmpuint(t.files_added, ==, 3);

    ghs_links *l = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_links_get(ix, "release.html", &l, &err), ==, 0);
    g_assert_cmpstr(ghs_links_title(l), ==, RELEASE_TITLE);
    g_assert_cmpuint(ghs_links_count(l), ==, 4);
    const ghs_doc_link *k = ghs_links_item(l, 0);
    g_assert_cmpstr(k->url, ==, "report-a.pdf");
    g_assert_cmpstr(k->anchor, ==, "報告書Ａ（ＰＤＦ）");
    g_assert_cmpint(k->state, ==, GHS_LINK_INDEXED);
    g_assert_cmpstr(k->doc, ==, "report-a.pdf");
    k = find_link(l, "https://example.org/docs/report-b.pdf");
    g_assert_cmpint(k->state, ==, GHS_LINK_INDEXED);
    g_assert_cmpstr(k->doc, ==, "report-b.pdf");   /* named after the URL, not the hash */
    g_assert_nonnull(strstr(k->path, "/cache/sha256/"));
    k = find_link(l, "https://example.org/docs/gone.pdf");
    g_assert_cmpint(k->state, ==, GHS_LINK_MISSING);
    g_assert_cmpstr(ghs_link_state_name(k->state), ==, "missing");
    g_assert_cmpstr(k->doc, ==, "");
    k = find_link(l, "https://example.org/img/photo.jpg");
    g_assert_cmpstr(ghs_link_state_name(k->state), ==, "not-a-document");
    g_assert_cmpuint(ghs_links_from_count(l), ==, 0);
    ghs_links_free(l);

    /* the linked document knows where it is linked from */
    g_assert_cmpint(ghs_links_get(ix, "report-b.pdf", &l, &err), ==, 0);
    g_assert_cmpuint(ghs_links_count(l), ==, 0);
    g_assert_cmpuint(ghs_links_from_count(l), ==, 1);
    g_assert_cmpstr(ghs_links_from(l, 0)->doc, ==, "release.html");
    g_assert_cmpstr(ghs_links_from(l, 0)->title, ==, RELEASE_TITLE);
    g_assert_cmpstr(ghs_links_from(l, 0)->anchor, ==, "Report B (English, PDF)");
    ghs_links_free(l);

    /* and a search hit in it says so; the cached copy cites its URL */
    g_assert_cmpint(ghs_index_commit(ix, &err), ==, 0);
    const char *from = NULL;
    g_assert_cmpuint(count_hits_of(ix, "quokka", "report-b.pdf", &from), ==, 1);
    g_assert_cmpstr(from, ==, RELEASE_TITLE);
    g_assert_cmpuint(count_hits_of(ix, "国内資金", "report-a.pdf", &from), >=, 1);
    g_assert_cmpstr(from, ==, RELEASE_TITLE);
    g_assert_cmpuint(count_hits_of(ix, "ユニバーサル・ヘルス・カバレッジ", "release.html", &from),
                     ==, 1);
    g_assert_cmpstr(from, ==, "");
    ghs_document *d = NULL;
    g_assert_cmpint(ghs_document_get(ix, "report-b.pdf", &d, &err), ==, 0);
    g_assert_cmpstr(d->url, ==, "https://example.org/docs/report-b.pdf");
    ghs_document_free(d);
    ghs_index_close(ix);
    g_free(rel);
    g_free(b);
    g_free(remote_dir);
out:
    g_free(a);
    g_free(cache_dir);
    g_free(corpus);
    g_free(dir);
}

static void test_reindexing_keeps_one_release_and_updates_linked_from(void)
{
    char *dir = tmp_dir();
    char *corpus = g_build_filename(dir, "corpus", NULL);
    char *cache_dir = g_build_filename(dir, "cache", NULL);
    g_mkdir_with_parents(corpus, 0755);
    char *a = make_pdf(corpus, "report-a.pdf", "保健財政に関する報告書Ａ", "ja",
                       "# 報告書Ａ\n国内資金の動員を論じる。");
    if (!a)
        goto out;
    char *rel = write_release(corpus, "release.html", 0);
    ghs_index *ix = open_write(dir, cache_dir);
    ghs_index_totals t = {0};
    /* the folder holds the PDF too: it is an input, not indexed twice */
    index_paths(ix, corpus, &t);
    g_assert_cmpuint(t.files_seen, ==, 2);
    g_assert_cmpuint(t.links_indexed, ==, 1);
    index_paths(ix, corpus, &t);
    g_assert_cmpuint(t.files_unchanged, ==, 2);
    g_assert_cmpuint(t.links_indexed, ==, 1);
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_commit(ix, &err), ==, 0);
    ghs_stats st;
    g_assert_cmpint(ghs_index_stats(ix, &st, &err), ==, 0);
    g_assert_cmpuint(st.documents, ==, 2);
    g_assert_cmpuint(count_hits_of(ix, "ユニバーサル・ヘルス・カバレッジ", "release.html", NULL),
                     ==, 1);
    ghs_links *l = NULL;
    g_assert_cmpint(ghs_links_get(ix, "report-a.pdf", &l, &err), ==, 0);
    g_assert_cmpuint(ghs_links_from_count(l), ==, 1);   /* once, though indexed twice */
    ghs_links_free(l);

    /* The release no longer links the PDF: it is no longer "linked from". */
    char *html = NULL;
    g_assert_true(g_file_get_contents(rel, &html, NULL, NULL));
    char *cut = strstr(html, "<li><a href=\"report-a.pdf\">");
    memmove(cut, strstr(cut, "</li>") + 5, strlen(strstr(cut, "</li>") + 5) + 1);
    g_assert_true(g_file_set_contents(rel, html, -1, NULL));
    g_free(html);
    index_paths(ix, corpus, &t);
    g_assert_cmpuint(t.files_updated, ==, 1);
    g_assert_cmpint(ghs_links_get(ix, "report-a.pdf", &l, &err), ==, 0);
    g_assert_cmpuint(ghs_links_from_count(l), ==, 0);
    ghs_links_free(l);
    g_assert_cmpint(ghs_links_get(ix, rel, &l, &err), ==, 0);   /* by path, too */
    g_assert_cmpstr(ghs_links_doc(l), ==, "release.html");
    g_assert_null(find_link(l, "report-a.pdf"));
    ghs_links_free(l);
    ghs_index_close(ix);
    g_free(rel);
out:
    g_free(a);
    g_free(cache_dir);
    g_free(corpus);
    g_free(dir);
}

static void test_broken_local_copy_is_a_failed_link(void)
{
    char *dir = tmp_dir();
    char *corpus = g_build_filename(dir, "corpus", NULL);
    char *cache_dir = g_build_filename(dir, "cache", NULL);
    char *bad = write_file(corpus, "report-a.pdf", "this is not a PDF at all");
    char *rel = write_release(corpus, "release.html", 0);
    ghs_index *ix = open_write(dir, cache_dir);
    ghs_index_totals t = {0};
    index_paths(ix, rel, &t);
    g_assert_cmpuint(t.links_failed, ==, 1);
    g_assert_cmpuint(t.files_failed, ==, 1);
    ghs_links *l = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_links_get(ix, "release.html", &l, &err), ==, 0);
    const ghs_doc_link *k = find_link(l, "report-a.pdf");
    g_assert_cmpstr(ghs_link_state_name(k->state), ==, "failed");
    g_assert_cmpstr(k->reason, !=, "");
    ghs_links_free(l);
    ghs_index_close(ix);
    g_free(rel);
    g_free(bad);
    g_free(cache_dir);
    g_free(corpus);
    g_free(dir);
}

static void test_unknown_document_has_no_links(void)
{
    char *dir = tmp_dir();
    ghs_index *ix = open_write(dir, NULL);
    ghs_links *l = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_links_get(ix, "no-such-doc", &l, &err), ==, GHS_ENOTFOUND);
    g_assert_null(l);
    g_assert_cmpstr(err.message, ==, "[links] no document 'no-such-doc'");
    ghs_index_close(ix);
    g_free(dir);
}

static void test_urls_to_fetch_come_from_manifest_and_releases(void)
{
    char *dir = tmp_dir();
    char *man = write_file(dir, "manifest.tsv",
                           "id\tfile\turl\ttitle\tpublisher\tdate\tlang\ttype\n"
                           "a\ta.pdf\thttps://example.org/docs/report-b.pdf\tA\t\t2023\ten\tpdf\n"
                           "local\tlocal.pdf\t\tLocal\t\t2023\tja\tpdf\n");
    char *rel = write_release(dir, "release.html", 1);
    char **urls = NULL;
    size_t n = 0;
    const char *paths[] = { dir };
    ghs_error err = {0};
    g_assert_cmpint(ghs_links_collect_urls(NULL, man, paths, 1, &urls, &n, &err), ==, 0);
    /* once each, manifest first; no relative link, no photo */
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmpstr(urls[0], ==, "https://example.org/docs/report-b.pdf");
    g_assert_cmpstr(urls[1], ==, "https://example.org/docs/gone.pdf");
    g_assert_null(urls[2]);
    ghs_strv_free(urls);
    const char *missing[] = { "/no/such/dir" };
    g_assert_cmpint(ghs_links_collect_urls(NULL, NULL, missing, 1, &urls, &n, &err), ==,
                    GHS_EIO);
    g_assert_nonnull(strstr(err.message, "/no/such/dir"));
    g_free(rel);
    g_free(man);
    g_free(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/links/resolver/relative_link_finds_the_file_next_to_the_release",
                    test_relative_link_finds_the_file_next_to_the_release);
    g_test_add_func("/links/resolver/url_file_name_finds_a_copy_next_to_the_release_or_among_inputs",
                    test_url_file_name_finds_a_copy_next_to_the_release_or_among_inputs);
    g_test_add_func("/links/resolver/manifest_file_name_finds_the_input_of_a_url",
                    test_manifest_file_name_finds_the_input_of_a_url);
    g_test_add_func("/links/resolver/cached_copy_of_the_exact_url_is_found_and_a_failed_fetch_explains",
                    test_cached_copy_of_the_exact_url_is_found_and_a_failed_fetch_explains);
    g_test_add_func("/links/cache/default_cache_is_where_the_indexer_looks",
                    test_default_cache_is_where_the_indexer_looks);
    g_test_add_func("/links/cache/failed_download_never_replaces_a_good_copy",
                    test_failed_download_never_replaces_a_good_copy);
    g_test_add_func("/links/cache/same_content_from_two_urls_is_stored_once",
                    test_same_content_from_two_urls_is_stored_once);
    g_test_add_func("/links/cache/damaged_url_index_lines_are_ignored",
                    test_damaged_url_index_lines_are_ignored);
    g_test_add_func("/links/index/release_links_are_indexed_and_recorded",
                    test_release_links_are_indexed_and_recorded);
    g_test_add_func("/links/index/reindexing_keeps_one_release_and_updates_linked_from",
                    test_reindexing_keeps_one_release_and_updates_linked_from);
    g_test_add_func("/links/index/broken_local_copy_is_a_failed_link",
                    test_broken_local_copy_is_a_failed_link);
    g_test_add_func("/links/get/unknown_document_has_no_links",
                    test_unknown_document_has_no_links);
    g_test_add_func("/links/fetch_list/urls_to_fetch_come_from_manifest_and_releases",
                    test_urls_to_fetch_come_from_manifest_and_releases);
    int rc = g_test_run();
    ghs_test_rm_noted();
    return rc;
}
