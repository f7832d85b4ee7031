/*
 * test_links_resolve.c: finding the local copy of a document a release
 * links to (indexer/links_resolve.c, rules in indexer/links.h): the file
 * a relative link names next to the release, the URL's file name next to
 * it or among the inputs, the input the manifest names for the URL, the
 * fetch cache's copy; what is no document (an image, an archive) and why
 * a link has no copy. Pure file-system and table look-ups: each test lays
 * out its files in a temporary directory (the PDFs need not be real: the
 * resolver looks at names and kinds of files only). test_links.c follows
 * the same links through indexing.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "fetch_cache.h"
#include "links.h"
#include "manifest.h"
#include "test_util.h"

static char *tmp_dir(void)
{
    char *d = ghs_test_tmp_dir("ghs-resolve-XXXXXX");
    ghs_test_note_for_removal(d);
    return d;
}

/* dir/name with text, parent folders made; returns its canonical path. */
static char *put(const char *dir, const char *name, const char *text)
{
    char *p = ghs_test_write(dir, name, text);
    char *canon = g_canonicalize_filename(p, NULL);
    g_free(p);
    return canon;
}

static char *put_dir(const char *dir, const char *name)
{
    char *p = g_build_filename(dir, name, NULL);
    g_assert_cmpint(g_mkdir_with_parents(p, 0755), ==, 0);
    return p;
}

/* Resolve url; check the kind; return the path (LOCAL) or the reason. */
static char *resolve(const ghs_link_resolver *r, const char *release_dir, const char *url,
                     ghs_resolve_kind want)
{
    char *path = NULL, *reason = NULL;
    ghs_resolve_kind got = ghs_link_resolve(r, release_dir, url, &path, &reason);
    if (got != want)
        g_error("%s: resolved as %d (%s), expected %d", url, got,
                path ? path : reason ? reason : "-", want);
    if (want == GHS_RESOLVE_LOCAL) {
        g_assert_nonnull(path);
        g_assert_null(reason);
        g_assert_true(g_path_is_absolute(path));
        return path;
    }
    g_assert_null(path);
    g_assert_nonnull(reason);
    g_assert_cmpstr(reason, !=, "");
    return reason;
}

static void assert_local(const ghs_link_resolver *r, const char *release_dir, const char *url,
                         const char *want_path)
{
    char *path = resolve(r, release_dir, url, GHS_RESOLVE_LOCAL);
    g_assert_cmpstr(path, ==, want_path);
    g_free(path);
}

static void assert_missing(const ghs_link_resolver *r, const char *release_dir, const char *url,
                           const char *want_reason)
{
    char *reason = resolve(r, release_dir, url, GHS_RESOLVE_MISSING);
    if (want_reason)
        g_assert_cmpstr(reason, ==, want_reason);
    g_free(reason);
}

/* Put a copy of bytes into the cache at cache_dir as url's download. */
static void cache_put(const char *cache_dir, const char *url, const char *bytes)
{
    ghs_cache *c = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_cache_open(cache_dir, 1, &c, &err), ==, 0);
    char *tmp = g_build_filename(cache_dir, "partial", "test.part", NULL);
    g_assert_true(g_file_set_contents(tmp, bytes, -1, NULL));
    g_assert_cmpint(ghs_cache_store(c, url, tmp, "pdf", "application/pdf", &err), ==, 0);
    g_free(tmp);
    ghs_cache_free(c);
}

static ghs_cache *cache_open(const char *dir)
{
    ghs_cache *c = NULL;
    ghs_error err = {0};
    if (ghs_cache_open(dir, 1, &c, &err) != 0)
        g_error("cache %s: %s", dir, err.message);
    return c;
}

/* ------------------------------------------------------------ relative links */

static void test_relative_link_resolves_to_the_file_next_to_the_release(void)
{
    char *dir = tmp_dir();
    char *rel = put_dir(dir, "releases");
    char *brief = put(rel, "pdf/政策ブリーフ.pdf", "%PDF-");
    char *upper = put(rel, "REPORT.PDF", "%PDF-");
    char *annex = put(dir, "shared/annex.html", "<html></html>");
    ghs_link_resolver *r = ghs_link_resolver_new(NULL, 0, NULL, NULL);

    assert_local(r, rel, "pdf/政策ブリーフ.pdf", brief);
    assert_local(r, rel, "./pdf/%E6%94%BF%E7%AD%96%E3%83%96%E3%83%AA%E3%83%BC%E3%83%95.pdf",
                 brief);
    assert_local(r, rel, "pdf/政策ブリーフ.pdf?version=2#page=3", brief);
    assert_local(r, rel, "REPORT.PDF", upper);   /* the extension in any case */
    assert_local(r, rel, "../shared/annex.html", annex);

    /* nothing there: said so */
    assert_missing(r, rel, "pdf/欠番.pdf", "no such file next to the release");
    ghs_link_resolver_free(r);
    g_free(annex);
    g_free(upper);
    g_free(brief);
    g_free(rel);
    g_free(dir);
}

/* Only a regular .pdf, .html or .htm file is a copy of a document. */
static void test_only_pdf_and_html_files_are_copies(void)
{
    char *dir = tmp_dir();
    char *notes = put(dir, "notes.txt", "ユニバーサル・ヘルス・カバレッジについてのメモ");
    char *folder = put_dir(dir, "folder.pdf");
    char *page = put(dir, "page.htm", "<html></html>");
    ghs_link_resolver *r = ghs_link_resolver_new(NULL, 0, NULL, NULL);
    assert_missing(r, dir, "notes.txt", NULL);
    assert_missing(r, dir, "folder.pdf", NULL);
    assert_local(r, dir, "page.htm", page);
    ghs_link_resolver_free(r);
    g_free(page);
    g_free(folder);
    g_free(notes);
    g_free(dir);
}

/* ------------------------------------------------------------ URLs */

/* The URL's file name: next to the release first, then among the inputs
 * (the first input of that name), then the cache's copy of the exact URL. */
static void test_url_resolves_next_to_the_release_then_among_inputs_then_in_the_cache(void)
{
    const char *url = "https://www.jcie.or.jp/japan/wp/wp-content/uploads/2023/04/"
                      "HiroshimaG7GHTF_recommendations_summary_J.pdf";
    const char *name = "HiroshimaG7GHTF_recommendations_summary_J.pdf";
    char *dir = tmp_dir();
    char *rel = put_dir(dir, "releases");
    char *next = put(rel, name, "%PDF- next to the release");
    char *in1_name = g_build_filename("inputs-1", name, NULL);
    char *in2_name = g_build_filename("inputs-2", name, NULL);
    char *in1 = put(dir, in1_name, "%PDF- first input");
    char *in2 = put(dir, in2_name, "%PDF- second input");
    char *cache_dir = g_build_filename(dir, "cache", NULL);
    cache_put(cache_dir, url, "%PDF- the download");
    ghs_cache *c = cache_open(cache_dir);
    const char *inputs[] = { in1, in2 };
    ghs_link_resolver *r = ghs_link_resolver_new(inputs, 2, c, NULL);

    assert_local(r, rel, url, next);
    g_assert_cmpint(g_unlink(next), ==, 0);
    assert_local(r, rel, url, in1);
    g_assert_cmpint(g_unlink(in1), ==, 0);   /* an input gone since is no copy */
    char *path = resolve(r, rel, url, GHS_RESOLVE_LOCAL);
    g_assert_cmpstr(path, !=, in1);
    g_assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR));
    g_free(path);
    ghs_link_resolver_free(r);

    /* with no input of the name, the cache's copy, by its canonical path */
    r = ghs_link_resolver_new(NULL, 0, c, NULL);
    path = resolve(r, rel, url, GHS_RESOLVE_LOCAL);
    g_assert_true(g_str_has_prefix(path, cache_dir));
    char *bytes = NULL;
    g_assert_true(g_file_get_contents(path, &bytes, NULL, NULL));
    g_assert_cmpstr(bytes, ==, "%PDF- the download");
    g_free(bytes);
    g_free(path);
    /* a URL of the same file name elsewhere is not that download */
    assert_missing(r, rel, "https://example.org/HiroshimaG7GHTF_recommendations_summary_J.pdf",
                   "no local copy; run 'ghsearch fetch' to download it");
    ghs_link_resolver_free(r);
    ghs_cache_free(c);
    g_free(cache_dir);
    g_free(in2);
    g_free(in1);
    g_free(in2_name);
    g_free(in1_name);
    g_free(next);
    g_free(rel);
    g_free(dir);
}

/* The first input of a name is the one taken, whatever follows. */
static void test_first_input_of_a_name_wins(void)
{
    char *dir = tmp_dir();
    char *a = put(dir, "a/report.pdf", "%PDF- a");
    char *b = put(dir, "b/report.pdf", "%PDF- b");
    char *rel = put_dir(dir, "releases");
    const char *ab[] = { a, b }, *ba[] = { b, a };
    ghs_link_resolver *r = ghs_link_resolver_new(ab, 2, NULL, NULL);
    assert_local(r, rel, "https://example.org/docs/report.pdf", a);
    ghs_link_resolver_free(r);
    r = ghs_link_resolver_new(ba, 2, NULL, NULL);
    assert_local(r, rel, "https://example.org/docs/report.pdf", b);
    ghs_link_resolver_free(r);
    g_free(rel);
    g_free(b);
    g_free(a);
    g_free(dir);
}

/* A cache given as a relative directory (the default ./ghsearch-cache)
 * still gives an absolute path, as the index records copies. */
static void test_cached_copy_path_is_absolute_for_a_relative_cache(void)
{
    char *dir = tmp_dir();
    char *cwd = g_get_current_dir();
    g_assert_cmpint(g_chdir(dir), ==, 0);
    const char *url = "https://example.org/docs/保健財政.pdf";
    cache_put("ghsearch-cache", url, "%PDF- relative");
    ghs_cache *c = cache_open("ghsearch-cache");
    ghs_link_resolver *r = ghs_link_resolver_new(NULL, 0, c, NULL);
    char *path = resolve(r, dir, url, GHS_RESOLVE_LOCAL);
    char *under = g_build_filename(dir, "ghsearch-cache", "sha256", NULL);
    char *canon_under = g_canonicalize_filename(under, NULL);
    g_assert_true(g_str_has_prefix(path, canon_under));
    g_assert_cmpint(g_chdir(cwd), ==, 0);
    g_assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR));
    g_free(canon_under);
    g_free(under);
    g_free(path);
    ghs_link_resolver_free(r);
    ghs_cache_free(c);
    g_free(cwd);
    g_free(dir);
}

/* What the cache knows of a URL it has no copy of explains the link. */
static void test_cache_says_why_a_url_has_no_copy(void)
{
    char *dir = tmp_dir();
    char *cache_dir = g_build_filename(dir, "cache", NULL);
    ghs_cache *c = cache_open(cache_dir);
    ghs_error err = {0};
    g_assert_cmpint(ghs_cache_record_failure(c, "https://example.org/docs/gone.pdf", "failed",
                                             "text/html", "HTTP 404 Not Found", &err), ==, 0);
    g_assert_cmpint(ghs_cache_record_failure(c, "https://example.org/login", "not-a-document",
                                             "text/html", "a web page, not a document (text/html)",
                                             &err), ==, 0);
    ghs_link_resolver *r = ghs_link_resolver_new(NULL, 0, c, NULL);
    assert_missing(r, dir, "https://example.org/docs/gone.pdf", "fetch failed: HTTP 404 Not Found");
    char *why = resolve(r, dir, "https://example.org/login", GHS_RESOLVE_NOT_DOCUMENT);
    g_assert_cmpstr(why, ==, "a web page, not a document (text/html)");
    g_free(why);
    /* never tried: run fetch */
    assert_missing(r, dir, "https://example.org/docs/new.pdf",
                   "no local copy; run 'ghsearch fetch' to download it");
    ghs_link_resolver_free(r);
    ghs_cache_free(c);
    g_free(cache_dir);
    g_free(dir);
}

/* ------------------------------------------------------------ the manifest */

/* The corpus manifest (corpus/manifest.tsv) names the input of a short
 * link, and says what a link without a copy is. */
static void test_corpus_manifest_names_inputs_and_kinds_of_links(void)
{
    const char *root = g_getenv("GHS_SOURCE_ROOT");
    g_assert_nonnull(root);
    char *man_path = g_build_filename(root, "corpus", "manifest.tsv", NULL);
    ghs_manifest *m = NULL;
    ghs_error err = {0};
    if (ghs_manifest_load(man_path, &m, &err) != 0)
        g_error("%s", err.message);
    char *dir = tmp_dir();
    char *rel = put_dir(dir, "releases");
    /* the letter's short link names nothing by itself; the manifest's
     * `file` column (3LgO7SR) does, and the input of that name is it */
    char *letter = put(dir, "inputs/3LgO7SR", "%PDF-");
    const char *inputs[] = { letter };
    ghs_link_resolver *r = ghs_link_resolver_new(inputs, 1, NULL, m);
    /* an input without a document extension is no copy */
    assert_missing(r, rel, "https://bit.ly/3LgO7SR", NULL);
    ghs_link_resolver_free(r);
    g_free(letter);

    char *summary = put(dir, "inputs/HiroshimaG7GHTF_recommendations_summary_J.pdf", "%PDF-");
    const char *inputs2[] = { summary };
    r = ghs_link_resolver_new(inputs2, 1, NULL, m);
    assert_local(r, rel, "https://www.jcie.or.jp/japan/wp/wp-content/uploads/2023/04/"
                 "HiroshimaG7GHTF_recommendations_summary_J.pdf", summary);
    /* a commentary page the manifest lists as an article */
    assert_missing(r, rel, "https://www.thelancet.com/journals/lancet/article/"
                   "PIIS0140-6736(23)00690-6/fulltext",
                   "no local copy of this article (manifest: ghtf2023-lancet); "
                   "run 'ghsearch fetch'");
    /* a PDF it lists: just fetch it */
    assert_missing(r, rel, "https://apps.who.int/iris/bitstream/handle/10665/44371/"
                   "9789241564021_eng.pdf?sequence=1&isAllowed=y",
                   "no local copy; run 'ghsearch fetch' to download it");
    ghs_link_resolver_free(r);
    g_free(summary);
    g_free(rel);
    g_free(dir);
    ghs_manifest_free(m);
    g_free(man_path);
}

/* The input named by the manifest for a URL whose own name says nothing. */
static void test_manifest_file_of_a_url_is_found_among_inputs(void)
{
    char *dir = tmp_dir();
    char *man = put(dir, "manifest.tsv",
                    "id\tfile\turl\ttitle\tpublisher\tdate\tlang\ttype\n"
                    "ghtf-letter-ja\tletter-ja.pdf\thttps://bit.ly/41N8gae\t"
                    "書簡（日本語）\tJCIE\t2023\tja\tpdf\n");
    ghs_manifest *m = NULL;
    g_assert_cmpint(ghs_manifest_load(man, &m, NULL), ==, 0);
    char *letter = put(dir, "letters/letter-ja.pdf", "%PDF-");
    char *rel = put_dir(dir, "releases");
    const char *inputs[] = { letter };
    ghs_link_resolver *r = ghs_link_resolver_new(inputs, 1, NULL, m);
    assert_local(r, rel, "https://bit.ly/41N8gae", letter);
    ghs_link_resolver_free(r);
    /* not among the inputs: missing */
    r = ghs_link_resolver_new(NULL, 0, NULL, m);
    assert_missing(r, rel, "https://bit.ly/41N8gae",
                   "no local copy; run 'ghsearch fetch' to download it");
    ghs_link_resolver_free(r);
    ghs_manifest_free(m);
    g_free(rel);
    g_free(letter);
    g_free(man);
    g_free(dir);
}

/* ------------------------------------------------------------ not documents */

static void test_image_or_archive_is_not_a_document_with_a_reason(void)
{
    char *dir = tmp_dir();
    char *logo = put(dir, "images/logo.png", "\x89PNG");
    ghs_link_resolver *r = ghs_link_resolver_new(NULL, 0, NULL, NULL);
    static const struct { const char *url, *ext; } cases[] = {
        { "https://prtimes.jp/i/19334/20/resize/d19334-20-795920e6e4b2dc2ba2e9-3.jpg", ".jpg" },
        { "https://example.org/img/写真.JPEG", ".jpeg" },
        { "https://example.org/data/annex.zip?dl=1", ".zip" },
        { "https://example.org/docs/budget.xlsx", ".xlsx" },
        { "images/logo.png", ".png" },   /* there, but an image */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *why = resolve(r, dir, cases[i].url, GHS_RESOLVE_NOT_DOCUMENT);
        char *want = g_strdup_printf("not a PDF or HTML document (%s)", cases[i].ext);
        g_assert_cmpstr(why, ==, want);
        g_free(want);
        g_free(why);
        g_assert_false(ghs_link_maybe_document(cases[i].url));
    }
    /* a name that says nothing may be a document */
    const char *maybe[] = { "https://example.org/", "https://example.org/activity-report-15993",
                            "https://example.org/download?file=annex.zip", "report.pdf",
                            "https://example.org/report.PDF", "release.html" };
    for (size_t i = 0; i < G_N_ELEMENTS(maybe); i++)
        g_assert_true(ghs_link_maybe_document(maybe[i]));
    char *why = resolve(r, dir, "https://example.org/activity-report-15993", GHS_RESOLVE_MISSING);
    g_free(why);
    ghs_link_resolver_free(r);
    g_free(logo);
    g_free(dir);
}

/* ------------------------------------------------------------ URL helpers */

static void test_link_file_name_and_scheme(void)
{
    static const struct { const char *url, *base; } cases[] = {
        { "https://example.org/docs/%E5%A0%B1%E5%91%8A%E6%9B%B8.pdf?x=1#page=2", "報告書.pdf" },
        { "https://example.org/docs/", "" },
        { "https://example.org", "" },
        { "https://example.org?q=a/b.pdf", "" },
        { "report%20final.pdf", "report final.pdf" },
        { "docs/報告書.pdf#top", "報告書.pdf" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *b = ghs_link_basename(cases[i].url);
        g_assert_cmpstr(b, ==, cases[i].base);
        g_free(b);
    }
    /* an escaped slash never makes a file name with a folder in it */
    char *b = ghs_link_basename("https://example.org/a%2Fb.pdf");
    g_assert_null(strchr(b, '/'));
    g_free(b);

    g_assert_true(ghs_link_is_http("https://example.org/a.pdf"));
    g_assert_true(ghs_link_is_http("HTTP://EXAMPLE.ORG/"));
    g_assert_false(ghs_link_is_http("ftp://example.org/a.pdf"));
    g_assert_false(ghs_link_is_http("mailto:info@example.org"));
    g_assert_false(ghs_link_is_http("httpx://example.org"));
    g_assert_false(ghs_link_is_http("docs/a.pdf"));
    g_assert_false(ghs_link_is_http(NULL));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/links_resolve/relative/resolves_to_the_file_next_to_the_release",
                    test_relative_link_resolves_to_the_file_next_to_the_release);
    g_test_add_func("/links_resolve/relative/only_pdf_and_html_files_are_copies",
                    test_only_pdf_and_html_files_are_copies);
    g_test_add_func("/links_resolve/url/next_to_the_release_then_inputs_then_cache",
                    test_url_resolves_next_to_the_release_then_among_inputs_then_in_the_cache);
    g_test_add_func("/links_resolve/url/first_input_of_a_name_wins",
                    test_first_input_of_a_name_wins);
    g_test_add_func("/links_resolve/cache/copy_path_is_absolute_for_a_relative_cache",
                    test_cached_copy_path_is_absolute_for_a_relative_cache);
    g_test_add_func("/links_resolve/cache/says_why_a_url_has_no_copy",
                    test_cache_says_why_a_url_has_no_copy);
    g_test_add_func("/links_resolve/manifest/corpus_manifest_names_inputs_and_kinds_of_links",
                    test_corpus_manifest_names_inputs_and_kinds_of_links);
    g_test_add_func("/links_resolve/manifest/file_of_a_url_is_found_among_inputs",
                    test_manifest_file_of_a_url_is_found_among_inputs);
    g_test_add_func("/links_resolve/not_document/image_or_archive_with_a_reason",
                    test_image_or_archive_is_not_a_document_with_a_reason);
    g_test_add_func("/links_resolve/helpers/link_file_name_and_scheme",
                    test_link_file_name_and_scheme);
    int rc = g_test_run();
    ghs_test_rm_noted();
    return rc;
}
