/*
 * test_extract_release.c: ghs_extract_release() on HTML and plain text
 * press releases written here (Japanese, UTF-8 / Shift_JIS / EUC-JP,
 * navigation to drop, links with anchors, a body printed twice), and on the
 * real wire-service release in $GHS_SHARED_DATA/releases.
 */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "extract.h"
#include "test_util.h"

static char *tmp_dir;

static char *write_file(const char *name, const char *data, gssize len)
{
    char *path = g_build_filename(tmp_dir, name, NULL);
    g_assert_true(g_file_set_contents(path, data, len, NULL));
    return path;
}

static const ghs_link *find_link(const ghs_extracted *e, const char *url)
{
    for (size_t i = 0; i < e->n_links; i++)
        if (strcmp(e->links[i].url, url) == 0)
            return &e->links[i];
    return NULL;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* ------------------------------------------------------------ HTML */

static const char release_html[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"ja\">\n<head>\n"
    "<meta charset=\"%s\">\n"
    "<title>保健医療提言を発表 | 日本国際交流センター</title>\n"
    "<meta property=\"og:site_name\" content=\"日本国際交流センター\">\n"
    "<meta property=\"article:published_time\" content=\"2023-04-28T10:00:00+09:00\">\n"
    "<meta name=\"author\" content=\"JCIE\">\n"
    "<link rel=\"canonical\" href=\"https://www.jcie.or.jp/japan/report/activity-report-15993/\">\n"
    "<script>var s = \"スクリプトの文字\";</script>\n"
    "<style>body { color: red }</style>\n"
    "</head>\n<body>\n"
    "<header><a href=\"https://www.jcie.or.jp/\">ホーム</a> サイトヘッダー</header>\n"
    "<nav><ul><li><a href=\"https://www.jcie.or.jp/about/\">団体概要</a></li></ul></nav>\n"
    "<article>\n"
    "<h1>ユニバーサル・ヘルス・カバレッジ(UHC)に関する提言</h1>\n"
    "<p>グローバルヘルス・タスクフォースは、<b>より強靭な</b>保健\n"
    "   医療体制に向けた提言を   発表しました。①</p>\n"
    "<p>提言全文は<a href=\"https://www.jcie.or.jp/japan/wp/report.pdf\">こちら（英文PDF）</a>、\n"
    "要旨は<a href=\"/japan/wp/summary_J.pdf\">日本語要旨</a>をご覧ください。</p>\n"
    "<ul><li>UHCの達成</li><li>MCMへの公平なアクセス</li></ul>\n"
    "<p>再掲 <a href=\"https://www.jcie.or.jp/japan/wp/report.pdf\">提言全文</a>"
    " <a href=\"mailto:info@jcie.or.jp\">メール</a></p>\n"
    "<table><tr><td>発表日</td><td>2023年4月28日</td></tr></table>\n"
    "<noscript>JavaScriptを有効にしてください</noscript>\n"
    "<form><input name=q><button>検索ボタン</button></form>\n"
    "</article>\n"
    "<aside>関連記事</aside>\n"
    "<footer>Copyright JCIE <a href=\"https://www.jcie.or.jp/privacy/\">プライバシー</a></footer>\n"
    "<script>document.write(\"書き込み\")</script>\n"
    "</body></html>\n";

/* The release above in the given charset (converted with iconv's name). */
static char *write_html(const char *file, const char *charset, const char *iconv_name)
{
    char *utf8 = g_strdup_printf(release_html, charset);
    char *path;
    if (iconv_name == NULL) {
        path = write_file(file, utf8, -1);
    } else {
        gsize n = 0;
        GError *gerr = NULL;
        char *bytes = g_convert(utf8, -1, iconv_name, "UTF-8", NULL, &n, &gerr);
        g_assert_no_error(gerr);
        path = write_file(file, bytes, (gssize)n);
        g_free(bytes);
    }
    g_free(utf8);
    return path;
}

static void check_release_html(const ghs_extracted *e)
{
    g_assert_cmpuint(e->n_pages, ==, 1);
    g_assert_cmpint(e->pages[0].number, ==, 0);
    const char *body = e->pages[0].text;
    g_assert_cmpuint(e->pages[0].len, ==, strlen(body));
    /* inline markup and source line breaks join; spaces collapse */
    g_assert_nonnull(strstr(body, "グローバルヘルス・タスクフォースは、より強靭な保健医療体制に"
                                  "向けた提言を 発表しました。①\n"));
    g_assert_nonnull(strstr(body, "ユニバーサル・ヘルス・カバレッジ(UHC)に関する提言\n"));
    /* block elements end lines, table cells are separated by a space */
    g_assert_nonnull(strstr(body, "\nUHCの達成\nMCMへの公平なアクセス\n"));
    g_assert_nonnull(strstr(body, "\n発表日 2023年4月28日"));
    const char *dropped[] = {"スクリプト", "color", "ホーム", "サイトヘッダー", "団体概要",
                             "JavaScript", "検索ボタン", "関連記事", "プライバシー",
                             "書き込み", "保健医療提言を発表"};
    for (size_t i = 0; i < G_N_ELEMENTS(dropped); i++)
        g_assert_null(strstr(body, dropped[i]));
}

static void test_html_body_keeps_article_text_without_navigation(void)
{
    char *path = write_html("release.html", "utf-8", NULL);
    ghs_extracted e = {0};
    ghs_error err = {0};
    g_assert_cmpint(ghs_extract_release(path, &e, &err), ==, 0);
    check_release_html(&e);
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_html_metadata_comes_from_head(void)
{
    char *path = write_html("release-meta.html", "utf-8", NULL);
    ghs_extracted e = {0};
    g_assert_cmpint(ghs_extract_release(path, &e, NULL), ==, 0);
    g_assert_cmpstr(e.title, ==, "保健医療提言を発表");
    g_assert_cmpstr(e.date, ==, "2023-04-28");
    g_assert_cmpstr(e.publisher, ==, "JCIE");
    g_assert_cmpstr(e.url, ==, "https://www.jcie.or.jp/japan/report/activity-report-15993/");
    g_assert_cmpstr(e.lang, ==, "ja");
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_html_links_keep_first_anchor_and_resolve_relative_hrefs(void)
{
    char *path = write_html("release-links.htm", "utf-8", NULL);
    ghs_extracted e = {0};
    g_assert_cmpint(ghs_extract_release(path, &e, NULL), ==, 0);
    g_assert_cmpuint(e.n_links, ==, 2);
    g_assert_cmpstr(e.links[0].url, ==, "https://www.jcie.or.jp/japan/wp/report.pdf");
    g_assert_cmpstr(e.links[0].anchor, ==, "こちら（英文PDF）");
    g_assert_cmpstr(e.links[1].url, ==, "https://www.jcie.or.jp/japan/wp/summary_J.pdf");
    g_assert_cmpstr(e.links[1].anchor, ==, "日本語要旨");
    /* navigation, footer and mailto: links are not the release's links */
    g_assert_null(find_link(&e, "https://www.jcie.or.jp/about/"));
    g_assert_null(find_link(&e, "https://www.jcie.or.jp/privacy/"));
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_html_in_shift_jis_is_decoded(void)
{
    char *path = write_html("release-sjis.html", "Shift_JIS", "CP932");
    ghs_extracted e = {0};
    ghs_error err = {0};
    g_assert_cmpint(ghs_extract_release(path, &e, &err), ==, 0);
    check_release_html(&e); /* ① is a Windows-31J character */
    g_assert_cmpstr(e.title, ==, "保健医療提言を発表");
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_html_in_euc_jp_is_decoded(void)
{
    const char html[] =
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=EUC-JP\">"
        "<title>感染症危機対応医薬品</title></head>"
        "<body><p>公平なアクセスを促進する</p></body></html>";
    gsize n = 0;
    char *bytes = g_convert(html, -1, "EUC-JP", "UTF-8", NULL, &n, NULL);
    g_assert_nonnull(bytes);
    char *path = write_file("release-euc.html", bytes, (gssize)n);
    ghs_extracted e = {0};
    g_assert_cmpint(ghs_extract_release(path, &e, NULL), ==, 0);
    g_assert_cmpstr(e.title, ==, "感染症危機対応医薬品");
    g_assert_cmpstr(e.pages[0].text, ==, "公平なアクセスを促進する");
    ghs_extracted_clear(&e);
    g_free(bytes);
    g_free(path);
}

static void test_html_falls_back_to_h1_and_date_in_text(void)
{
    const char html[] =
        "<html><body><h1>100 Days Mission: diagnostics</h1>\n"
        "<p class=date>April 28, 2023</p><p>Text of the release.</p>"
        "<p><a href=\"https://example.org/a.pdf\"><img src=x.png alt=\"Full report\"></a></p>"
        "</body></html>";
    char *path = write_file("en.html", html, -1);
    ghs_extracted e = {0};
    g_assert_cmpint(ghs_extract_release(path, &e, NULL), ==, 0);
    g_assert_cmpstr(e.title, ==, "100 Days Mission: diagnostics");
    g_assert_cmpstr(e.date, ==, "2023-04-28");
    g_assert_null(e.publisher);
    g_assert_null(e.lang);
    g_assert_cmpstr(e.pages[0].text, ==,
                    "100 Days Mission: diagnostics\nApril 28, 2023\nText of the release.");
    g_assert_cmpuint(e.n_links, ==, 1);
    g_assert_cmpstr(e.links[0].anchor, ==, "Full report");
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_html_with_empty_body_has_no_text(void)
{
    char *path = write_file("empty.html",
                            "<html><head><title>Empty</title><script>x()</script></head>"
                            "<body>  <nav>menu</nav> </body></html>", -1);
    ghs_extracted e = {0};
    ghs_error err = {0};
    g_assert_cmpint(ghs_extract_release(path, &e, &err), ==, GHS_ENOTEXT);
    g_assert_true(g_str_has_prefix(err.message, "[release][empty.html] "));
    g_assert_cmpuint(e.n_pages, ==, 0);
    g_assert_null(e.title);
    g_free(path);
}

/* ------------------------------------------------------------ plain text */

static const char release_txt[] =
    "\xEF\xBB\xBF保健医療提言の発表について\r\n"
    "[23/04/28]\r\n"
    "提供元：JCIE\r\n"
    "[画像1: https://example.jp/img/photo-1.png ]\r\n"
    "本日、グローバルヘルス・タスクフォースは提言を発表しました。\r\n"
    "\r\n"
    "提言全文（英文）\r\n"
    "https://www.jcie.or.jp/report.pdf\r\n"
    "論文は「ランセット掲載論文」(https://www.thelancet.com/journals/lancet/article/"
    "PIIS0140-6736(23)00690-6/fulltext)を参照。\r\n"
    "英文 https://bit.ly/aaa 和文 https://bit.ly/bbb\r\n"
    "写真 https://example.jp/img/photo-2.JPG?w=300\r\n";

static void test_text_release_metadata_from_the_top_lines(void)
{
    char *path = write_file("release.txt", release_txt, -1);
    ghs_extracted e = {0};
    ghs_error err = {0};
    g_assert_cmpint(ghs_extract_release(path, &e, &err), ==, 0);
    g_assert_cmpstr(e.title, ==, "保健医療提言の発表について");
    g_assert_cmpstr(e.date, ==, "2023-04-28");
    g_assert_cmpstr(e.publisher, ==, "JCIE");
    g_assert_null(e.url);
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_text_release_body_drops_image_and_metadata_lines(void)
{
    char *path = write_file("release-body.txt", release_txt, -1);
    ghs_extracted e = {0};
    g_assert_cmpint(ghs_extract_release(path, &e, NULL), ==, 0);
    g_assert_cmpuint(e.n_pages, ==, 1);
    g_assert_cmpint(e.pages[0].number, ==, 0);
    const char *body = e.pages[0].text;
    g_assert_true(g_str_has_prefix(body, "保健医療提言の発表について\n本日、"));
    g_assert_nonnull(strstr(body, "発表しました。\n\n提言全文（英文）\n"));
    g_assert_null(strstr(body, "画像"));
    g_assert_null(strstr(body, "[23/04/28]"));
    g_assert_null(strstr(body, "提供元"));
    g_assert_null(strchr(body, '\r'));
    g_assert_null(strstr(body, "\xEF\xBB\xBF"));
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_text_release_links_have_anchor_lines(void)
{
    char *path = write_file("release-links.txt", release_txt, -1);
    ghs_extracted e = {0};
    g_assert_cmpint(ghs_extract_release(path, &e, NULL), ==, 0);
    g_assert_cmpuint(e.n_links, ==, 4);
    g_assert_cmpstr(e.links[0].url, ==, "https://www.jcie.or.jp/report.pdf");
    g_assert_cmpstr(e.links[0].anchor, ==, "提言全文（英文）");
    /* balanced parentheses stay in the URL, the unbalanced one ends it */
    g_assert_cmpstr(e.links[1].url, ==,
                    "https://www.thelancet.com/journals/lancet/article/"
                    "PIIS0140-6736(23)00690-6/fulltext");
    g_assert_cmpstr(e.links[1].anchor, ==, "ランセット掲載論文");
    g_assert_cmpstr(e.links[2].url, ==, "https://bit.ly/aaa");
    g_assert_cmpstr(e.links[2].anchor, ==, "英文");
    g_assert_cmpstr(e.links[3].url, ==, "https://bit.ly/bbb");
    g_assert_cmpstr(e.links[3].anchor, ==, "和文");
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_text_release_printed_twice_keeps_one_copy(void)
{
    const char *body =
        "グローバルヘルス・タスクフォースは提言を発表した。\n"
        "提言全文\n"
        "https://www.jcie.or.jp/report.pdf\n"
        "ユニバーサル・ヘルス・カバレッジ(UHC)を達成する\n"
        "● 低・中所得国支援において対応能力を強化する。\n";
    char *txt = g_strconcat("提言の発表\n[23/04/28]\n提供元:PRTIMES\n提供元:PRTIMES\n",
                            body, "\n", body, NULL);
    char *path = write_file("twice.txt", txt, -1);
    ghs_extracted e = {0};
    g_assert_cmpint(ghs_extract_release(path, &e, NULL), ==, 0);
    const char *text = e.pages[0].text;
    g_assert_cmpuint(count(text, "提言を発表した。"), ==, 1);
    g_assert_cmpuint(count(text, "低・中所得国支援"), ==, 1);
    g_assert_cmpstr(text, ==,
                    "提言の発表\n"
                    "グローバルヘルス・タスクフォースは提言を発表した。\n"
                    "提言全文\n"
                    "https://www.jcie.or.jp/report.pdf\n"
                    "ユニバーサル・ヘルス・カバレッジ(UHC)を達成する\n"
                    "● 低・中所得国支援において対応能力を強化する。");
    g_assert_cmpuint(e.n_links, ==, 1);
    g_assert_cmpstr(e.links[0].anchor, ==, "提言全文");
    ghs_extracted_clear(&e);
    g_free(txt);
    g_free(path);
}

static void test_text_release_with_a_repeated_short_line_keeps_both(void)
{
    const char txt[] =
        "Notes\n"
        "Section A\nsee below\n"
        "The first section explains universal health coverage at length, with\n"
        "enough text that a repeated short line is a small part of the whole.\n"
        "Section B\nsee below\n"
        "The second section is about medical countermeasures and their fair\n"
        "distribution across low- and middle-income countries.\n";
    char *path = write_file("short-repeat.txt", txt, -1);
    ghs_extracted e = {0};
    g_assert_cmpint(ghs_extract_release(path, &e, NULL), ==, 0);
    g_assert_cmpuint(count(e.pages[0].text, "see below"), ==, 2);
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_text_release_dates_in_every_written_form(void)
{
    const char *const forms[][2] = {
        {"2023年4月28日", "2023-04-28"},
        {"発表日：２０２３年４月２８日（金）", "2023-04-28"},
        {"令和5年4月28日", "2023-04-28"},
        {"2023-04-28", "2023-04-28"},
        {"2023/4/28 10:00", "2023-04-28"},
        {"April 28, 2023", "2023-04-28"},
        {"28 April 2023", "2023-04-28"},
        {"Tokyo, Sept. 1st, 2022 --", "2022-09-01"},
        {"2023年2月30日", NULL},
        {"Call 03-1234-5678", NULL},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(forms); i++) {
        char *txt = g_strdup_printf("タイトル\n%s\n本文です。\n", forms[i][0]);
        char *path = write_file("dated.txt", txt, -1);
        ghs_extracted e = {0};
        g_assert_cmpint(ghs_extract_release(path, &e, NULL), ==, 0);
        g_assert_cmpstr(e.date, ==, forms[i][1]);
        ghs_extracted_clear(&e);
        g_free(path);
        g_free(txt);
    }
}

/* ------------------------------------------------------------ errors */

static void test_binary_file_is_a_format_error_naming_it(void)
{
    const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
    char *path = write_file("photo.txt", png, sizeof png - 1);
    ghs_extracted e = {0};
    ghs_error err = {0};
    g_assert_cmpint(ghs_extract_release(path, &e, &err), ==, GHS_EFORMAT);
    g_assert_true(g_str_has_prefix(err.message, "[release][photo.txt] "));
    g_free(path);
}

static void test_text_not_in_utf8_is_a_format_error(void)
{
    gsize n = 0;
    char *sjis = g_convert("保健医療の提言\n本文\n", -1, "SHIFT_JIS", "UTF-8", NULL, &n, NULL);
    g_assert_nonnull(sjis);
    char *path = write_file("sjis.txt", sjis, (gssize)n);
    ghs_extracted e = {0};
    ghs_error err = {0};
    g_assert_cmpint(ghs_extract_release(path, &e, &err), ==, GHS_EFORMAT);
    g_assert_true(g_str_has_prefix(err.message, "[release][sjis.txt] not UTF-8"));
    g_assert_cmpuint(e.n_pages, ==, 0);
    g_free(sjis);
    g_free(path);
}

static void test_empty_text_release_has_no_text(void)
{
    char *path = write_file("blank.txt", "\xEF\xBB\xBF \r\n\r\n\t\n", -1);
    ghs_extracted e = {0};
    ghs_error err = {0};
    g_assert_cmpint(ghs_extract_release(path, &e, &err), ==, GHS_ENOTEXT);
    g_assert_true(g_str_has_prefix(err.message, "[release][blank.txt] "));
    g_free(path);
}

static void test_missing_release_is_an_io_error(void)
{
    char *path = g_build_filename(tmp_dir, "gone.html", NULL);
    ghs_extracted e = {0};
    ghs_error err = {0};
    g_assert_cmpint(ghs_extract_release(path, &e, &err), ==, GHS_EIO);
    g_assert_true(g_str_has_prefix(err.message, "[release][gone.html] cannot open"));
    g_free(path);
}

/* ------------------------------------------------------------ the real one */

static void test_real_wire_release_comes_out_once_with_its_links(void)
{
    char *path =
        ghs_test_shared_data("releases", "g7-global-health-taskforce-2023-04-28.txt", NULL);
    if (path == NULL)
        return;
    ghs_extracted e = {0};
    ghs_error err = {0};
    g_assert_cmpint(ghs_extract_release(path, &e, &err), ==, 0);
    g_assert_cmpstr(e.title, ==, "G7サミットおよびG7財務大臣会合、G7保健大臣会合に向けた提言");
    g_assert_cmpstr(e.date, ==, "2023-04-28");
    g_assert_cmpstr(e.publisher, ==, "PRTIMES");

    const char *body = e.pages[0].text;
    g_assert_cmpuint(e.n_pages, ==, 1);
    g_assert_null(strstr(body, "画像"));
    g_assert_null(strstr(body, "prtimes.jp/i/"));
    g_assert_cmpuint(count(body, "4月28日、日本国際交流センターが事務局を務める"), ==, 1);
    g_assert_cmpuint(count(body, "日本国際交流センター(JCIE)は、民間レベルでの"), ==, 1);
    g_assert_cmpuint(count(body, "ユニバーサル・ヘルス・カバレッジ(UHC)を達成するため"), ==, 1);

    const ghs_link *l;
    l = find_link(&e, "https://www.jcie.or.jp/japan/wp/wp-content/uploads/2023/04/"
                      "Promoting-Global-Solidarity-to-Advance-Health-System-Resilience-"
                      "Recommendations-for-the-G7-Meetings-in-Japan.pdf");
    g_assert_nonnull(l);
    g_assert_cmpstr(l->anchor, ==, "Promoting Global Solidarity to Advance Health System "
                                   "Resilience: Recommendations for the G7 Meetings in Japan");
    l = find_link(&e, "https://www.jcie.or.jp/japan/wp/wp-content/uploads/2023/04/"
                      "HiroshimaG7GHTF_recommendations_summary_J.pdf");
    g_assert_nonnull(l);
    g_assert_true(g_str_has_prefix(l->anchor, "日本語要旨"));
    l = find_link(&e, "https://www.thelancet.com/journals/lancet/article/"
                      "PIIS0140-6736(23)00690-6/fulltext");
    g_assert_nonnull(l);
    g_assert_nonnull(strstr(l->anchor, "ランセット"));
    g_assert_nonnull(find_link(&e, "https://apps.who.int/iris/bitstream/handle/10665/44371/"
                                   "9789241564021_eng.pdf?sequence=1&isAllowed=y"));
    g_assert_nonnull(find_link(&e, "https://apps.who.int/iris/bitstream/handle/10665/328065/"
                                   "WHO-HIS-SDS-2018.15-eng.pdf?sequence=1&isAllowed=y"));
    g_assert_nonnull(find_link(&e, "https://www.jcie.or.jp/japan/wp/wp-content/uploads/2023/04/"
                                   "f34d6f3f2b82930ede3b3744af03d9e5.pdf"));
    l = find_link(&e, "https://ifi.u-tokyo.ac.jp/wp/wp-content/uploads/2023/03/"
                      "policy_recommendation_tg_20230322.pdf");
    g_assert_nonnull(l);
    g_assert_true(g_str_has_prefix(l->anchor, "2023年G7保健関連会合における"));
    /* a long sentence before an inline URL is cut at a word, not inside one */
    l = find_link(&e, "https://www.jcie.or.jp/japan/report/activity-report-3276/");
    g_assert_nonnull(l);
    g_assert_true(g_str_has_prefix(l->anchor, "「グローバルヘルスと人間の安全保障」運営委員会"));
    l = find_link(&e, "https://bit.ly/3LgO7SR");
    g_assert_nonnull(l);
    g_assert_cmpstr(l->anchor, ==, "英文");
    for (size_t i = 0; i < e.n_links; i++) {
        g_assert_null(strstr(e.links[i].url, "prtimes.jp/i/"));
        g_assert_null(strchr(e.links[i].url, ' '));
    }
    g_test_message("real release: %zu bytes of body, %zu links", e.pages[0].len, e.n_links);
    ghs_extracted_clear(&e);
    g_free(path);
}

/* ------------------------------------------------------------ main */

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmp_dir = ghs_test_tmp_dir("ghs-test-release-XXXXXX");

    g_test_add_func("/extract_release/html_body_keeps_article_text_without_navigation",
                    test_html_body_keeps_article_text_without_navigation);
    g_test_add_func("/extract_release/html_metadata_comes_from_head",
                    test_html_metadata_comes_from_head);
    g_test_add_func("/extract_release/html_links_keep_first_anchor_and_resolve_relative_hrefs",
                    test_html_links_keep_first_anchor_and_resolve_relative_hrefs);
    g_test_add_func("/extract_release/html_in_shift_jis_is_decoded",
                    test_html_in_shift_jis_is_decoded);
    g_test_add_func("/extract_release/html_in_euc_jp_is_decoded",
                    test_html_in_euc_jp_is_decoded);
    g_test_add_func("/extract_release/html_falls_back_to_h1_and_date_in_text",
                    test_html_falls_back_to_h1_and_date_in_text);
    g_test_add_func("/extract_release/html_with_empty_body_has_no_text",
                    test_html_with_empty_body_has_no_text);
    g_test_add_func("/extract_release/text_release_metadata_from_the_top_lines",
                    test_text_release_metadata_from_the_top_lines);
    g_test_add_func("/extract_release/text_release_body_drops_image_and_metadata_lines",
                    test_text_release_body_drops_image_and_metadata_lines);
    g_test_add_func("/extract_release/text_release_links_have_anchor_lines",
                    test_text_release_links_have_anchor_lines);
    g_test_add_func("/extract_release/text_release_printed_twice_keeps_one_copy",
                    test_text_release_printed_twice_keeps_one_copy);
    g_test_add_func("/extract_release/text_release_with_a_repeated_short_line_keeps_both",
                    test_text_release_with_a_repeated_short_line_keeps_both);
    g_test_add_func("/extract_release/text_release_dates_in_every_written_form",
                    test_text_release_dates_in_every_written_form);
    g_test_add_func("/extract_release/binary_file_is_a_format_error_naming_it",
                    test_binary_file_is_a_format_error_naming_it);
    g_test_add_func("/extract_release/text_not_in_utf8_is_a_format_error",
                    test_text_not_in_utf8_is_a_format_error);
    g_test_add_func("/extract_release/empty_text_release_has_no_text",
                    test_empty_text_release_has_no_text);
    g_test_add_func("/extract_release/missing_release_is_an_io_error",
                    test_missing_release_is_an_io_error);
    g_test_add_func("/extract_release/real_wire_release_comes_out_once_with_its_links",
                    test_real_wire_release_comes_out_once_with_its_links);

    int rc = g_test_run();
    ghs_test_rm_tree(tmp_dir);
    g_free(tmp_dir);
    return rc;
}
