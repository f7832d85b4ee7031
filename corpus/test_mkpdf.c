/*
 * test_mkpdf.c: tests of the corpus PDF generator and of the page promises
 * the bundled sample corpus makes (corpus/README.md lists them).
 *
 * mkpdf is run as a program (path in $GHS_MKPDF) on sources written to a
 * temporary directory; its PDFs are read back with poppler-glib, the same
 * library the indexer uses. The sample PDFs are read from $GHS_CORPUS_DIR.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <poppler.h>

#include <string.h>

typedef struct run {
    int status;      /* exit status of mkpdf */
    char *err;       /* its stderr */
    char *pdf;       /* path of the output */
} run;

static char *tmpdir;

static void run_clear(run *r)
{
    g_free(r->err);
    g_free(r->pdf);
}

/* Writes source text to a file in tmpdir and runs mkpdf on it. */
static run mkpdf(const char *name, const char *source)
{
    const char *exe = g_getenv("GHS_MKPDF");
    char *src = g_strdup_printf("%s/%s.pages", tmpdir, name);
    run r = { 0, NULL, g_strdup_printf("%s/%s.pdf", tmpdir, name) };
    char *argv[4];
    GError *err = NULL;
    int wait = 0;

    g_assert_nonnull(exe);
    g_assert_true(g_file_set_contents(src, source, -1, &err));
    argv[0] = (char *)exe;
    argv[1] = src;
    argv[2] = r.pdf;
    argv[3] = NULL;
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               NULL, &r.err, &wait, &err));
    g_assert_no_error(err);
    r.status = g_spawn_check_wait_status(wait, NULL) ? 0 : 1;
    g_free(src);
    return r;
}

static PopplerDocument *open_pdf(const char *path)
{
    GError *err = NULL;
    char *uri = g_filename_to_uri(path, NULL, &err);
    PopplerDocument *doc;

    g_assert_no_error(err);
    doc = poppler_document_new_from_file(uri, NULL, &err);
    g_assert_no_error(err);
    g_free(uri);
    return doc;
}

/* Text of page (1-based); caller frees. */
static char *page_text(PopplerDocument *doc, int page)
{
    PopplerPage *p = poppler_document_get_page(doc, page - 1);
    char *t;

    g_assert_nonnull(p);
    t = poppler_page_get_text(p);
    g_object_unref(p);
    return t;
}

/* Bit set of the pages (bit n-1 for page n) whose text holds phrase. */
static unsigned pages_with(PopplerDocument *doc, const char *phrase)
{
    unsigned set = 0;
    int i, n = poppler_document_get_n_pages(doc);

    for (i = 1; i <= n && i <= 32; i++) {
        char *t = page_text(doc, i);
        if (strstr(t, phrase))
            set |= 1u << (i - 1);
        g_free(t);
    }
    return set;
}

static void test_page_marker_starts_a_new_page(void)
{
    run r = mkpdf("marker",
                  "Title: Three pages\nDate: 2023-05-10\nLang: en\n\n"
                  "alpha paragraph\n---page---\nbravo paragraph\n---page---\ncharlie paragraph\n");
    PopplerDocument *doc;

    g_assert_cmpint(r.status, ==, 0);
    doc = open_pdf(r.pdf);
    g_assert_cmpint(poppler_document_get_n_pages(doc), ==, 3);
    g_assert_cmpuint(pages_with(doc, "alpha"), ==, 1u);
    g_assert_cmpuint(pages_with(doc, "bravo"), ==, 2u);
    g_assert_cmpuint(pages_with(doc, "charlie"), ==, 4u);
    g_object_unref(doc);
    run_clear(&r);
}

static void test_full_page_flows_onto_the_next_one(void)
{
    GString *src = g_string_new("Title: Long\nDate: 2023-05-10\nLang: ja\n\n");
    PopplerDocument *doc;
    char *last;
    run r;
    int i;

    for (i = 1; i <= 80; i++)
        g_string_append_printf(src, "段落%03d：保健財政と公平なアクセスについての文。\n", i);
    r = mkpdf("flow", src->str);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_nonnull(strstr(r.err, "source page 1 is longer than one page"));
    doc = open_pdf(r.pdf);
    g_assert_cmpint(poppler_document_get_n_pages(doc), >, 1);
    /* nothing lost at the break: the first and the last paragraph are there */
    g_assert_cmpuint(pages_with(doc, "段落001") & 1u, ==, 1u);
    last = page_text(doc, poppler_document_get_n_pages(doc));
    g_assert_nonnull(strstr(last, "段落080"));
    g_free(last);
    g_object_unref(doc);
    g_string_free(src, TRUE);
    run_clear(&r);
}

static void test_metadata_comes_from_the_headers(void)
{
    run r = mkpdf("meta",
                  "Title: 保健財政のブリーフ\nAuthor: 検索 太郎\nDate: 2023-05-10\nLang: ja\n\n本文。\n");
    PopplerDocument *doc;
    GDateTime *when;
    char *s;

    g_assert_cmpint(r.status, ==, 0);
    doc = open_pdf(r.pdf);
    s = poppler_document_get_title(doc);
    g_assert_cmpstr(s, ==, "保健財政のブリーフ");
    g_free(s);
    s = poppler_document_get_author(doc);
    g_assert_cmpstr(s, ==, "検索 太郎");
    g_free(s);
    when = poppler_document_get_creation_date_time(doc);
    g_assert_nonnull(when);
    s = g_date_time_format(when, "%Y-%m-%d");
    g_assert_cmpstr(s, ==, "2023-05-10");
    g_free(s);
    g_date_time_unref(when);
    g_object_unref(doc);
    run_clear(&r);
}

static void test_japanese_text_layer_reads_back_as_unicode(void)
{
    static const char *const phrases[] = {
        "ユニバーサル・ヘルス・カバレッジ", "ＷＨＯ", "ｳｲﾙｽ", "２０２３年", "2023年",
        "感染症危機対応医薬品等（MCM）", "Universal Health Coverage",
    };
    run r = mkpdf("ja",
                  "Title: 日本語\nDate: 2023-05-10\nLang: ja\n"
                  "Keep: ユニバーサル・ヘルス・カバレッジ\nKeep: 感染症危機対応医薬品等（MCM）\n\n"
                  "ユニバーサル・ヘルス・カバレッジ（Universal Health Coverage）は"
                  "ＷＨＯの中心的な目標である。\n"
                  "新型コロナｳｲﾙｽの流行から２０２３年（2023年）までに、"
                  "感染症危機対応医薬品等（MCM）への公平なアクセスが議論された。\n");
    PopplerDocument *doc;
    char *t;
    gsize i;

    g_assert_cmpint(r.status, ==, 0);
    doc = open_pdf(r.pdf);
    t = page_text(doc, 1);
    for (i = 0; i < G_N_ELEMENTS(phrases); i++) {
        if (!strstr(t, phrases[i]))
            g_error("\"%s\" not in the page text:\n%s", phrases[i], t);
    }
    g_free(t);
    g_object_unref(doc);
    run_clear(&r);
}

/* Counts occurrences of phrase in the text of page 1, and of its forms
 * split across two lines (English breaks at spaces, which the line break
 * replaces). */
static void count_phrase(const char *pdf, const char *phrase, int *whole, int *split)
{
    PopplerDocument *doc = open_pdf(pdf);
    char *t = page_text(doc, 1);
    char **lines = g_strsplit(t, "\n", -1);
    char *flat = g_strjoinv(" ", lines);
    const char *p;

    *whole = 0;
    for (p = t; (p = strstr(p, phrase)) != NULL; p++)
        (*whole)++;
    *split = -*whole;
    for (p = flat; (p = strstr(p, phrase)) != NULL; p++)
        (*split)++;
    g_strfreev(lines);
    g_free(flat);
    g_free(t);
    g_object_unref(doc);
}

static void test_keep_phrase_is_never_split_across_lines(void)
{
    GString *body = g_string_new("");
    char *with, *without;
    int whole, split, i;
    run a, b;

    /* shifting prefixes put the phrase at every position of a line */
    for (i = 0; i < 40; i++)
        g_string_append_printf(body, "%.*s 100 Days Mission ", i % 9 + 1, "abcdefghi");
    with = g_strdup_printf("Title: K\nDate: 2023-05-10\nLang: en\nKeep: 100 Days Mission\n\n%s\n", body->str);
    without = g_strdup_printf("Title: K\nDate: 2023-05-10\nLang: en\n\n%s\n", body->str);
    a = mkpdf("keep", with);
    b = mkpdf("nokeep", without);
    g_assert_cmpint(a.status, ==, 0);
    g_assert_cmpint(b.status, ==, 0);

    count_phrase(b.pdf, "100 Days Mission", &whole, &split);
    g_assert_cmpint(split, >, 0);   /* without Keep the layout does split it */
    count_phrase(a.pdf, "100 Days Mission", &whole, &split);
    g_assert_cmpint(split, ==, 0);
    g_assert_cmpint(whole, ==, 40);

    g_string_free(body, TRUE);
    g_free(with);
    g_free(without);
    run_clear(&a);
    run_clear(&b);
}

static void test_no_line_ends_with_an_in_word_hyphen(void)
{
    GString *src = g_string_new("Title: H\nDate: 2023-05-10\nLang: en\n\n");
    PopplerDocument *doc;
    char *t, **lines;
    int i, hyphens = 0;
    run r;

    for (i = 0; i < 60; i++)
        g_string_append_printf(src, "%.*s high-level low-income ", i % 7 + 1, "abcdefg");
    g_string_append_c(src, '\n');
    r = mkpdf("hyphen", src->str);
    g_assert_cmpint(r.status, ==, 0);
    doc = open_pdf(r.pdf);
    t = page_text(doc, 1);
    lines = g_strsplit(t, "\n", -1);
    for (i = 0; lines[i]; i++) {
        g_assert_false(g_str_has_suffix(g_strchomp(lines[i]), "-"));
        hyphens += strstr(lines[i], "high-level") != NULL;
    }
    g_assert_cmpint(hyphens, >, 10);
    g_strfreev(lines);
    g_free(t);
    g_object_unref(doc);
    g_string_free(src, TRUE);
    run_clear(&r);
}

static void test_unknown_header_is_rejected_with_its_line(void)
{
    run r = mkpdf("bad", "Title: x\nDate: 2023-05-10\nLang: en\nTitel: typo\n\nbody\n");

    g_assert_cmpint(r.status, !=, 0);
    g_assert_nonnull(strstr(r.err, "[mkpdf][bad.pages] line 4: unknown header \"Titel\""));
    g_assert_false(g_file_test(r.pdf, G_FILE_TEST_EXISTS));
    run_clear(&r);
}

static void test_invalid_date_and_language_are_rejected(void)
{
    run d = mkpdf("date", "Title: x\nDate: 2023-02-30\nLang: en\n\nbody\n");
    run l = mkpdf("lang", "Title: x\nDate: 2023-02-03\nLang: fr\n\nbody\n");

    g_assert_cmpint(d.status, !=, 0);
    g_assert_nonnull(strstr(d.err, "\"Date\" must be a valid YYYY-MM-DD date, got \"2023-02-30\""));
    g_assert_cmpint(l.status, !=, 0);
    g_assert_nonnull(strstr(l.err, "\"Lang\" must be ja or en"));
    run_clear(&d);
    run_clear(&l);
}

/* The promises corpus/README.md makes to the search tests. */
static void test_sample_briefs_hold_key_phrases_on_the_promised_pages(void)
{
    const char *dir = g_getenv("GHS_CORPUS_DIR");
    char *ja_path, *en_path;
    PopplerDocument *ja, *en;

    g_assert_nonnull(dir);
    ja_path = g_build_filename(dir, "uhc-brief-ja.pdf", NULL);
    en_path = g_build_filename(dir, "g7-health-brief-en.pdf", NULL);
    ja = open_pdf(ja_path);
    en = open_pdf(en_path);

    g_assert_cmpint(poppler_document_get_n_pages(ja), ==, 4);
    g_assert_cmpint(poppler_document_get_n_pages(en), ==, 4);
    /* bits: page 1 = 1, page 2 = 2, page 3 = 4, page 4 = 8 */
    g_assert_cmpuint(pages_with(ja, "ユニバーサル・ヘルス・カバレッジ"), ==, 2u | 8u);
    g_assert_cmpuint(pages_with(ja, "UHC"), ==, 2u);
    g_assert_cmpuint(pages_with(ja, "100日ミッション"), ==, 4u);
    g_assert_cmpuint(pages_with(ja, "ＷＨＯ"), ==, 1u);
    g_assert_cmpuint(pages_with(ja, "ｳｲﾙｽ"), ==, 1u);
    g_assert_cmpuint(pages_with(ja, "２０２３年"), ==, 1u | 8u);
    g_assert_cmpuint(pages_with(ja, "2023年"), ==, 2u);
    g_assert_cmpuint(pages_with(en, "100 Days Mission"), ==, 4u);
    g_assert_cmpuint(pages_with(en, "Universal Health Coverage"), ==, 2u | 8u);
    g_assert_cmpuint(pages_with(en, "medical countermeasures"), ==, 4u);

    g_object_unref(ja);
    g_object_unref(en);
    g_free(ja_path);
    g_free(en_path);
}

int main(int argc, char **argv)
{
    GError *err = NULL;
    int rc;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("ghs-mkpdf-XXXXXX", &err);
    g_assert_no_error(err);

    g_test_add_func("/mkpdf/page_marker_starts_a_new_page", test_page_marker_starts_a_new_page);
    g_test_add_func("/mkpdf/full_page_flows_onto_the_next_one", test_full_page_flows_onto_the_next_one);
    g_test_add_func("/mkpdf/metadata_comes_from_the_headers", test_metadata_comes_from_the_headers);
    g_test_add_func("/mkpdf/japanese_text_layer_reads_back_as_unicode",
                    test_japanese_text_layer_reads_back_as_unicode);
    g_test_add_func("/mkpdf/keep_phrase_is_never_split_across_lines",
                    test_keep_phrase_is_never_split_across_lines);
    g_test_add_func("/mkpdf/no_line_ends_with_an_in_word_hyphen",
                    test_no_line_ends_with_an_in_word_hyphen);
    g_test_add_func("/mkpdf/unknown_header_is_rejected_with_its_line",
                    test_unknown_header_is_rejected_with_its_line);
    g_test_add_func("/mkpdf/invalid_date_and_language_are_rejected",
                    test_invalid_date_and_language_are_rejected);
    g_test_add_func("/corpus/sample_briefs_hold_key_phrases_on_the_promised_pages",
                    test_sample_briefs_hold_key_phrases_on_the_promised_pages);
    rc = g_test_run();

    {   /* remove the fixtures */
        GDir *d = g_dir_open(tmpdir, 0, NULL);
        const char *name;
        while (d && (name = g_dir_read_name(d)) != NULL) {
            char *p = g_build_filename(tmpdir, name, NULL);
            g_unlink(p);
            g_free(p);
        }
        if (d)
            g_dir_close(d);
        g_rmdir(tmpdir);
        g_free(tmpdir);
    }
    return rc;
}
