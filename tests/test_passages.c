/*
 * test_passages.c: splitting page text into passages, and the stored
 * passage record format.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "docdata.h"
#include "manifest.h"
#include "passages.h"
#include "test_util.h"

static ghs_analyzer *an;

static char *slice(const char *text, ghs_span32 s)
{
    size_t len = strlen(text);
    size_t b0 = ghs_utf8_offset(text, len, s.start), b1 = ghs_utf8_offset(text, len, s.end);
    return g_strndup(text + b0, b1 - b0);
}

static void test_short_page_is_one_trimmed_passage(void)
{
    const char *text = "  ユニバーサル・ヘルス・カバレッジ(UHC)の達成を支援する。  \n";
    ghs_span32 *sp = NULL;
    size_t n = 0;
    ghs_error err = {0};
    g_assert_cmpint(ghs_split_passages(an, text, strlen(text), &sp, &n, &err), ==, 0);
    g_assert_cmpuint(n, ==, 1);
    char *s = slice(text, sp[0]);
    g_assert_cmpstr(s, ==, "ユニバーサル・ヘルス・カバレッジ(UHC)の達成を支援する。");
    g_free(s);
    free(sp);
}

static void test_long_page_splits_on_sentence_ends_without_losing_text(void)
{
    GString *g = g_string_new(NULL);
    for (int i = 0; i < 40; i++)
        g_string_append_printf(g, "第%d文では、保健財政とプライマリ・ヘルス・ケアの強化について述べる。", i);
    for (int i = 0; i < 30; i++)
        g_string_append_printf(g, "Sentence %d explains how health financing supports universal coverage. ", i);
    ghs_span32 *sp = NULL;
    size_t n = 0;
    ghs_error err = {0};
    g_assert_cmpint(ghs_split_passages(an, g->str, g->len, &sp, &n, &err), ==, 0);
    g_assert_cmpuint(n, >, 4);
    uint32_t total = (uint32_t)ghs_utf8_count(g->str, g->len);
    uint32_t covered = 0;
    for (size_t i = 0; i < n; i++) {
        g_assert_cmpuint(sp[i].end, >, sp[i].start);
        g_assert_cmpuint(sp[i].end - sp[i].start, <=, GHS_PASSAGE_MAX);
        if (i)
            g_assert_cmpuint(sp[i].start, >=, sp[i - 1].end);
        covered += sp[i].end - sp[i].start;
        char *s = slice(g->str, sp[i]);
        /* Every passage ends at a sentence end: "。" or "." */
        g_assert_true(g_str_has_suffix(s, "。") || g_str_has_suffix(s, "."));
        g_free(s);
    }
    /* Only white space between passages is dropped. */
    g_assert_cmpuint(covered, >=, total - (uint32_t)n - 1);
    free(sp);
    g_string_free(g, TRUE);
}

static void test_sentence_without_breaks_is_cut_below_max(void)
{
    GString *g = g_string_new(NULL);
    for (int i = 0; i < 600; i++)
        g_string_append(g, "保健");
    ghs_span32 *sp = NULL;
    size_t n = 0;
    ghs_error err = {0};
    g_assert_cmpint(ghs_split_passages(an, g->str, g->len, &sp, &n, &err), ==, 0);
    g_assert_cmpuint(n, >=, 2);
    for (size_t i = 0; i < n; i++)
        g_assert_cmpuint(sp[i].end - sp[i].start, <=, GHS_PASSAGE_MAX);
    free(sp);
    g_string_free(g, TRUE);
}

static void test_page_of_punctuation_only_gives_no_passage(void)
{
    const char *text = " ・・・ ---  \n\n ……";
    ghs_span32 *sp = NULL;
    size_t n = 7;
    ghs_error err = {0};
    g_assert_cmpint(ghs_split_passages(an, text, strlen(text), &sp, &n, &err), ==, 0);
    g_assert_cmpuint(n, ==, 0);
    g_assert_null(sp);
}

static void test_docdata_round_trips_and_rejects_truncation(void)
{
    ghs_docdata d = {0};
    ghs_docdata_put_str(&d, GHS_F_TITLE, "より強靭な保健医療体制");
    ghs_docdata_put_int(&d, GHS_F_PAGE, 12);
    ghs_docdata_put(&d, GHS_F_PASSAGE, "a\0b", 3);
    char *t = ghs_docdata_dup(d.buf, d.len, GHS_F_TITLE);
    g_assert_cmpstr(t, ==, "より強靭な保健医療体制");
    g_free(t);
    g_assert_cmpint(ghs_docdata_get_int(d.buf, d.len, GHS_F_PAGE, -1), ==, 12);
    size_t n = 0;
    const char *p = ghs_docdata_get(d.buf, d.len, GHS_F_PASSAGE, &n);
    g_assert_nonnull(p);
    g_assert_cmpuint(n, ==, 3);
    g_assert_null(ghs_docdata_get(d.buf, d.len, GHS_F_URL, NULL));
    /* A record cut short never reads past its end. */
    g_assert_null(ghs_docdata_get(d.buf, d.len - 1, GHS_F_PASSAGE, &n));
    ghs_docdata_free(&d);
}

static void test_manifest_maps_files_and_url_names(void)
{
    char *dir = ghs_test_tmp_dir("ghs-manifest-XXXXXX");
    char *path = g_build_filename(dir, "manifest.tsv", NULL);
    const char *tsv =
        "# the catalogue\n"
        "id\tfile\turl\ttitle\tpublisher\tdate\tlang\ttype\n"
        "brief-ja\tuhc-brief-ja.pdf\t\t保健の提言\tJCIE\t2023-04-28\tja\tpdf\n"
        "report-en\t\thttps://example.org/files/Report-2023.pdf?x=1\tThe Report\tWHO\t2023\ten\tpdf\n";
    g_assert_true(g_file_set_contents(path, tsv, -1, NULL));
    ghs_manifest *m = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_manifest_load(path, &m, &err), ==, 0);
    g_assert_cmpuint(ghs_manifest_count(m), ==, 2);
    const ghs_meta *e = ghs_manifest_find_file(m, "uhc-brief-ja.pdf");
    g_assert_nonnull(e);
    g_assert_cmpstr(e->title, ==, "保健の提言");
    g_assert_null(e->url);
    e = ghs_manifest_find_file(m, "Report-2023.pdf");
    g_assert_nonnull(e);
    g_assert_cmpstr(e->id, ==, "report-en");
    ghs_manifest_free(m);

    g_assert_true(g_file_set_contents(path, "title\tlang\nx\tja\n", -1, NULL));
    g_assert_cmpint(ghs_manifest_load(path, &m, &err), ==, GHS_EFORMAT);
    g_assert_nonnull(strstr(err.message, "manifest.tsv:1"));
    g_remove(path);
    g_rmdir(dir);
    g_free(path);
    g_free(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ghs_error err = {0};
    an = ghs_analyzer_new(&err);
    g_assert_nonnull(an);
    g_test_add_func("/passages/short_page_is_one_trimmed_passage",
                    test_short_page_is_one_trimmed_passage);
    g_test_add_func("/passages/long_page_splits_on_sentence_ends_without_losing_text",
                    test_long_page_splits_on_sentence_ends_without_losing_text);
    g_test_add_func("/passages/sentence_without_breaks_is_cut_below_max",
                    test_sentence_without_breaks_is_cut_below_max);
    g_test_add_func("/passages/page_of_punctuation_only_gives_no_passage",
                    test_page_of_punctuation_only_gives_no_passage);
    g_test_add_func("/docdata/round_trips_and_rejects_truncation",
                    test_docdata_round_trips_and_rejects_truncation);
    g_test_add_func("/manifest/maps_files_and_url_names",
                    test_manifest_maps_files_and_url_names);
    int rc = g_test_run();
    ghs_analyzer_free(an);
    return rc;
}
