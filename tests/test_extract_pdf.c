/*
 * test_extract_pdf.c: ghs_extract_pdf() on PDFs drawn here with cairo and
 * pango (Japanese and English pages, hyphenated line ends, a ligature,
 * metadata), and on the real and hostile PDFs in $GHS_SHARED_DATA/pdf.
 */
#include <string.h>

#include <cairo-pdf.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>
#include <poppler.h>

#include "extract.h"
#include "test_util.h"

static char *tmp_dir;

/* Under LeakSanitizer: cairo 1.16's PDF surface and fontconfig's config
 * parser (both used only to draw fixtures) leak a few objects of their
 * own; those are not ours to report. Without a sanitizer this is unused. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libcairo.so\nleak:libfontconfig.so\n";
}

/* ------------------------------------------------------------ fixtures */

/* Draws a PDF with one page per entry of pages (NULL: a page holding only a
 * grey box, no text). title and date (ISO 8601) may be NULL. */
static char *make_pdf(const char *file, const char *title, const char *date,
                      const char *const *pages, size_t n_pages)
{
    char *path = g_build_filename(tmp_dir, file, NULL);
    cairo_surface_t *surface = cairo_pdf_surface_create(path, 595, 842);
    if (title != NULL)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
    if (date != NULL)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_t *cr = cairo_create(surface);
    PangoLayout *layout = pango_cairo_create_layout(cr);
    PangoFontDescription *font = pango_font_description_from_string("Noto Sans CJK JP 12");
    pango_layout_set_font_description(layout, font);
    for (size_t i = 0; i < n_pages; i++) {
        if (pages[i] != NULL) {
            pango_layout_set_text(layout, pages[i], -1);
            cairo_move_to(cr, 50, 60);
            pango_cairo_show_layout(cr, layout);
        } else {
            cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
            cairo_rectangle(cr, 100, 100, 300, 200);
            cairo_fill(cr);
            cairo_set_source_rgb(cr, 0, 0, 0);
        }
        cairo_show_page(cr);
    }
    pango_font_description_free(font);
    g_object_unref(layout);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    g_assert_cmpint(cairo_surface_status(surface), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(surface);
    return path;
}

static const char *const report_pages[] = {
    "Hiroshima G7 Global Health Task Force\nPromoting Global Solidarity",
    "ユニバーサル・ヘルス・カバレッジ(UHC)を達成するための\n各国主導の努力を後押しする。\n次の段落",
    ("The task force made one recom-\nmendation on health \xEF\xAC\x81nancing.\n"
     "Cases of COVID-\n19 and Low-\nIncome countries"),
};

static char *make_report(void)
{
    return make_pdf("report.pdf", "G7 Global Health Recommendations",
                    "2023-04-28T10:00:00", report_pages, 3);
}

/* What poppler itself gives for a page, to show that the clean-up had
 * something to do. */
static char *raw_page_text(const char *path, int index)
{
    char *uri = g_filename_to_uri(path, NULL, NULL);
    PopplerDocument *doc = poppler_document_new_from_file(uri, NULL, NULL);
    g_assert_nonnull(doc);
    PopplerPage *page = poppler_document_get_page(doc, index);
    char *text = poppler_page_get_text(page);
    g_object_unref(page);
    g_object_unref(doc);
    g_free(uri);
    return text;
}

/* $GHS_SHARED_DATA/pdf/<name>, or NULL after skipping (or failing on CI). */
static char *shared_pdf(const char *name)
{
    return ghs_test_shared_data("pdf", name, NULL);
}

/* ------------------------------------------------------------ generated */

static void test_pages_are_numbered_from_one_with_their_own_text(void)
{
    char *path = make_report();
    ghs_extracted e = {0};
    ghs_error err = {0};
    g_assert_cmpint(ghs_extract_pdf(path, &e, &err), ==, 0);
    g_assert_cmpuint(e.n_pages, ==, 3);
    for (size_t i = 0; i < 3; i++) {
        g_assert_cmpint(e.pages[i].number, ==, (int)i + 1);
        g_assert_cmpuint(e.pages[i].len, ==, strlen(e.pages[i].text));
        g_assert_true(g_utf8_validate(e.pages[i].text, -1, NULL));
    }
    g_assert_nonnull(strstr(e.pages[0].text, "Hiroshima G7 Global Health Task Force"));
    g_assert_null(strstr(e.pages[0].text, "ユニバーサル"));
    g_assert_null(strstr(e.pages[1].text, "Hiroshima"));
    g_assert_nonnull(strstr(e.pages[2].text, "health"));
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_japanese_page_text_comes_out_intact(void)
{
    char *path = make_report();
    ghs_extracted e = {0};
    g_assert_cmpint(ghs_extract_pdf(path, &e, NULL), ==, 0);
    const char *p2 = e.pages[1].text;
    g_assert_nonnull(strstr(p2, "ユニバーサル・ヘルス・カバレッジ(UHC)"));
    g_assert_nonnull(strstr(p2, "各国主導の努力を後押しする"));
    /* Poppler reports the line break inside the sentence; it is removed, so
     * no Japanese word is cut in two, while a break after 。 stays. */
    char *raw = raw_page_text(path, 1);
    g_assert_nonnull(strstr(raw, "ための\n各国"));
    g_free(raw);
    g_assert_nonnull(strstr(p2, "ための各国主導"));
    g_assert_nonnull(strstr(p2, "後押しする。\n次の段落"));
    ghs_extracted_clear(&e);
    g_free(path);

    /* A short heading line stays apart from the paragraph under it. */
    static const char *const heading[] = {
        "保健財政\nユニバーサル・ヘルス・カバレッジの達成には持続可能な財政が\n欠かせない。",
    };
    path = make_pdf("heading.pdf", NULL, NULL, heading, 1);
    g_assert_cmpint(ghs_extract_pdf(path, &e, NULL), ==, 0);
    g_assert_nonnull(strstr(e.pages[0].text, "保健財政\nユニバーサル"));
    g_assert_nonnull(strstr(e.pages[0].text, "財政が欠かせない。"));
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_hyphenated_line_end_is_joined_between_lowercase_letters(void)
{
    char *path = make_report();
    char *raw = raw_page_text(path, 2);
    g_assert_nonnull(strstr(raw, "recom-\nmendation"));
    g_free(raw);

    ghs_extracted e = {0};
    g_assert_cmpint(ghs_extract_pdf(path, &e, NULL), ==, 0);
    const char *p3 = e.pages[2].text;
    g_assert_nonnull(strstr(p3, "one recommendation on health"));
    /* A digit or a capital after the break keeps hyphen and line. */
    g_assert_nonnull(strstr(p3, "COVID-\n19"));
    g_assert_nonnull(strstr(p3, "Low-\nIncome"));
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_page_number_lines_are_dropped(void)
{
    static const char *const pages[] = {
        "Health financing\nCountries should mobilise domestic resources.\n\n\n- 1 -",
        "2\nUniversal health coverage protects people.\nIn 2023 the G7 met.\n\n\n２",
    };
    char *path = make_pdf("numbers.pdf", NULL, NULL, pages, 2);
    ghs_extracted e = {0};
    g_assert_cmpint(ghs_extract_pdf(path, &e, NULL), ==, 0);
    g_assert_cmpuint(e.n_pages, ==, 2);
    g_assert_true(g_str_has_suffix(e.pages[0].text, "domestic resources."));
    g_assert_true(g_str_has_prefix(e.pages[1].text, "Universal health"));
    /* a number inside the text stays */
    g_assert_true(g_str_has_suffix(e.pages[1].text, "In 2023 the G7 met."));
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_ligature_is_folded_to_plain_letters(void)
{
    char *path = make_report();
    char *raw = raw_page_text(path, 2);
    g_assert_nonnull(strstr(raw, "\xEF\xAC\x81nancing")); /* U+FB01 */
    g_free(raw);

    ghs_extracted e = {0};
    g_assert_cmpint(ghs_extract_pdf(path, &e, NULL), ==, 0);
    g_assert_nonnull(strstr(e.pages[2].text, "health financing."));
    g_assert_null(strstr(e.pages[2].text, "\xEF\xAC"));
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_title_and_creation_date_come_from_the_metadata(void)
{
    char *path = make_report();
    ghs_extracted e = {0};
    g_assert_cmpint(ghs_extract_pdf(path, &e, NULL), ==, 0);
    g_assert_cmpstr(e.title, ==, "G7 Global Health Recommendations");
    g_assert_cmpstr(e.date, ==, "2023-04-28");
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_japanese_title_is_kept(void)
{
    const char *const pages[] = {"本文"};
    char *path = make_pdf("ja-title.pdf", "グローバルヘルス提言 要旨", NULL, pages, 1);
    ghs_extracted e = {0};
    g_assert_cmpint(ghs_extract_pdf(path, &e, NULL), ==, 0);
    g_assert_cmpstr(e.title, ==, "グローバルヘルス提言 要旨");
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_office_title_loses_prefix_and_extension(void)
{
    const char *const pages[] = {"Body text"};
    /* (A file name such as "UHC_brief_final" is not kept at all:
     * test_pdf_citations.c.) */
    char *path = make_pdf("office.pdf", "Microsoft Word - UHC brief final.docx", NULL,
                          pages, 1);
    ghs_extracted e = {0};
    g_assert_cmpint(ghs_extract_pdf(path, &e, NULL), ==, 0);
    g_assert_cmpstr(e.title, ==, "UHC brief final");
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_placeholder_titles_are_dropped(void)
{
    const char *const pages[] = {"Body text"};
    const char *const junk[] = {"untitled", "Document1", "  ", "file:///tmp/x.html"};
    for (size_t i = 0; i < G_N_ELEMENTS(junk); i++) {
        char *path = make_pdf("junk-title.pdf", junk[i], NULL, pages, 1);
        ghs_extracted e = {0};
        g_assert_cmpint(ghs_extract_pdf(path, &e, NULL), ==, 0);
        g_assert_null(e.title);
        ghs_extracted_clear(&e);
        g_free(path);
    }
}

static void test_page_without_text_keeps_its_number(void)
{
    const char *const pages[] = {"First page", NULL, "Third page"};
    char *path = make_pdf("gap.pdf", NULL, NULL, pages, 3);
    ghs_extracted e = {0};
    g_assert_cmpint(ghs_extract_pdf(path, &e, NULL), ==, 0);
    g_assert_cmpuint(e.n_pages, ==, 3);
    g_assert_cmpstr(e.pages[1].text, ==, "");
    g_assert_cmpuint(e.pages[1].len, ==, 0);
    g_assert_cmpint(e.pages[2].number, ==, 3);
    g_assert_cmpstr(e.pages[2].text, ==, "Third page");
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_pdf_with_only_images_has_no_text(void)
{
    const char *const pages[] = {NULL, NULL};
    char *path = make_pdf("scan.pdf", "Scanned", NULL, pages, 2);
    ghs_extracted e = {0};
    ghs_error err = {0};
    g_assert_cmpint(ghs_extract_pdf(path, &e, &err), ==, GHS_ENOTEXT);
    g_assert_cmpint(err.code, ==, GHS_ENOTEXT);
    g_assert_cmpstr(err.message, ==,
                    "[pdf][scan.pdf] no text layer (scanned or image-only)");
    g_assert_cmpuint(e.n_pages, ==, 0);
    g_assert_null(e.pages);
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_missing_file_is_an_io_error_naming_it(void)
{
    char *path = g_build_filename(tmp_dir, "no-such-report.pdf", NULL);
    ghs_extracted e = {0};
    ghs_error err = {0};
    g_assert_cmpint(ghs_extract_pdf(path, &e, &err), ==, GHS_EIO);
    g_assert_true(g_str_has_prefix(err.message, "[pdf][no-such-report.pdf] cannot open: "));
    g_free(path);
}

static void test_text_file_renamed_to_pdf_is_a_format_error(void)
{
    char *path = g_build_filename(tmp_dir, "notes.pdf", NULL);
    g_assert_true(g_file_set_contents(path, "これはPDFではありません。\nplain text\n", -1, NULL));
    ghs_extracted e = {0};
    ghs_error err = {0};
    g_assert_cmpint(ghs_extract_pdf(path, &e, &err), ==, GHS_EFORMAT);
    g_assert_true(g_str_has_prefix(err.message, "[pdf][notes.pdf] "));
    g_free(path);
}

/* ------------------------------------------------------------ real files */

static void test_vertical_japanese_poem_yields_japanese_text(void)
{
    char *path = shared_pdf("pdfminer-jo.pdf");
    if (path == NULL)
        return;
    ghs_extracted e = {0};
    ghs_error err = {0};
    g_assert_cmpint(ghs_extract_pdf(path, &e, &err), ==, 0);
    g_assert_cmpuint(e.n_pages, ==, 1);
    g_assert_nonnull(strstr(e.pages[0].text, "わたくしといふ現象は"));
    g_assert_nonnull(strstr(e.pages[0].text, "ひとつの青い照明です"));
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_japanese_slides_keep_one_page_per_slide(void)
{
    char *path = shared_pdf("pdfminer-nonfree-nlp2004slides.pdf");
    if (path == NULL)
        return;
    ghs_extracted e = {0};
    g_assert_cmpint(ghs_extract_pdf(path, &e, NULL), ==, 0);
    g_assert_cmpuint(e.n_pages, ==, 31);
    g_assert_nonnull(strstr(e.pages[0].text, "固有表現の発見"));
    g_assert_nonnull(strstr(e.pages[1].text, "研究の背景"));
    g_assert_cmpint(e.pages[30].number, ==, 31);
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_pdf_with_a_user_password_is_reported_encrypted(void)
{
    const char *const files[] = {
        "pdfminer-encryption-aes-128.pdf",
        "pypdf-005-libreoffice-writer-password-libreoffice-writer-password.pdf"};
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        char *path = shared_pdf(files[i]);
        if (path == NULL)
            return;
        ghs_extracted e = {0};
        ghs_error err = {0};
        g_assert_cmpint(ghs_extract_pdf(path, &e, &err), ==, GHS_EENCRYPTED);
        char *want = g_strdup_printf("[pdf][%s] encrypted: needs a password", files[i]);
        g_assert_cmpstr(err.message, ==, want);
        g_free(want);
        g_free(path);
    }
}

static void test_encrypted_pdf_with_empty_password_opens(void)
{
    char *path = shared_pdf("pdfminer-encryption-base.pdf");
    if (path == NULL)
        return;
    ghs_extracted e = {0};
    g_assert_cmpint(ghs_extract_pdf(path, &e, NULL), ==, 0);
    g_assert_cmpuint(e.n_pages, ==, 1);
    g_assert_cmpuint(e.pages[0].len, >, 0);
    ghs_extracted_clear(&e);
    g_free(path);
}

static void test_not_a_pdf_and_empty_file_are_format_errors(void)
{
    const char *const files[] = {"hostile-not-a-pdf.pdf", "hostile-empty.pdf",
                                 "hostile-truncated-ja-slides.pdf",
                                 "hostile-deep-nesting-cyclic-pages.pdf"};
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        char *path = shared_pdf(files[i]);
        if (path == NULL)
            return;
        ghs_extracted e = {0};
        ghs_error err = {0};
        g_assert_cmpint(ghs_extract_pdf(path, &e, &err), ==, GHS_EFORMAT);
        char *prefix = g_strdup_printf("[pdf][%s] ", files[i]);
        g_assert_true(g_str_has_prefix(err.message, prefix));
        g_assert_cmpuint(strlen(err.message), >, strlen(prefix));
        g_assert_cmpuint(e.n_pages, ==, 0);
        g_free(prefix);
        g_free(path);
    }
}

static void test_decompression_bomb_is_refused_quickly(void)
{
    char *path = shared_pdf("pdfjs-bomb_giant.pdf");
    if (path == NULL)
        return;
    ghs_extracted e = {0};
    ghs_error err = {0};
    gint64 t0 = g_get_monotonic_time();
    g_assert_cmpint(ghs_extract_pdf(path, &e, &err), ==, GHS_EFORMAT);
    /* Without the guard poppler spends minutes and gigabytes here. */
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 5 * G_USEC_PER_SEC);
    g_assert_nonnull(strstr(err.message, "[pdf][pdfjs-bomb_giant.pdf] "));
    g_free(path);
}

/* Every shared PDF, hostile ones included: a result or a reason, never a
 * crash. Prints the time taken and the outcome counts. */
static void test_every_shared_pdf_gives_pages_or_a_reason(void)
{
    char *dir = shared_pdf(NULL);
    if (dir == NULL)
        return;
    GDir *d = g_dir_open(dir, 0, NULL);
    g_assert_nonnull(d);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL)
        if (g_str_has_suffix(name, ".pdf"))
            g_ptr_array_add(names, g_strdup(name));
    g_dir_close(d);
    g_assert_cmpuint(names->len, >, 0);

    int counts[16] = {0};
    size_t pages = 0;
    double slowest = 0;
    const char *slowest_name = "";
    gint64 start = g_get_monotonic_time();
    for (guint i = 0; i < names->len; i++) {
        const char *n = g_ptr_array_index(names, i);
        char *path = g_build_filename(dir, n, NULL);
        ghs_extracted e = {0};
        ghs_error err = {0};
        gint64 t0 = g_get_monotonic_time();
        int rc = ghs_extract_pdf(path, &e, &err);
        double secs = (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
        if (secs > slowest) {
            slowest = secs;
            slowest_name = n;
        }
        if (secs > 20)
            g_test_message("slow: %s took %.1f s", n, secs);
        if (rc == 0) {
            g_assert_cmpuint(e.n_pages, >=, 1);
            for (size_t p = 0; p < e.n_pages; p++) {
                g_assert_cmpint(e.pages[p].number, ==, (int)p + 1);
                g_assert_true(g_utf8_validate(e.pages[p].text, (gssize)e.pages[p].len, NULL));
            }
            pages += e.n_pages;
        } else {
            g_assert_cmpint(rc, <, 0);
            g_assert_cmpint(err.code, ==, rc);
            g_assert_cmpuint(strlen(err.message), >, 0);
            g_assert_nonnull(strstr(err.message, n));
            g_assert_cmpuint(e.n_pages, ==, 0);
        }
        counts[rc <= 0 && rc > -16 ? -rc : 15]++;
        ghs_extracted_clear(&e);
        g_free(path);
    }
    double total = (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
    g_test_message("%u PDFs in %.2f s (slowest %s, %.2f s): %d ok (%zu pages), "
                   "%d EFORMAT, %d ENOTEXT, %d EENCRYPTED, %d EIO, %d other",
                   names->len, total, slowest_name, slowest, counts[0], pages,
                   counts[-GHS_EFORMAT], counts[-GHS_ENOTEXT],
                   counts[-GHS_EENCRYPTED], counts[-GHS_EIO],
                   (int)names->len - counts[0] - counts[-GHS_EFORMAT] -
                       counts[-GHS_ENOTEXT] - counts[-GHS_EENCRYPTED] -
                       counts[-GHS_EIO]);
    g_assert_cmpint(counts[0], >, 0);
    g_ptr_array_unref(names);
    g_free(dir);
}

/* ------------------------------------------------------------ main */

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmp_dir = ghs_test_tmp_dir("ghs-test-pdf-XXXXXX");

    g_test_add_func("/extract_pdf/pages_are_numbered_from_one_with_their_own_text",
                    test_pages_are_numbered_from_one_with_their_own_text);
    g_test_add_func("/extract_pdf/japanese_line_wrap_is_joined_without_a_space",
                    test_japanese_page_text_comes_out_intact);
    g_test_add_func("/extract_pdf/hyphenated_line_end_is_joined_between_lowercase_letters",
                    test_hyphenated_line_end_is_joined_between_lowercase_letters);
    g_test_add_func("/extract_pdf/page_number_lines_are_dropped",
                    test_page_number_lines_are_dropped);
    g_test_add_func("/extract_pdf/ligature_is_folded_to_plain_letters",
                    test_ligature_is_folded_to_plain_letters);
    g_test_add_func("/extract_pdf/title_and_creation_date_come_from_the_metadata",
                    test_title_and_creation_date_come_from_the_metadata);
    g_test_add_func("/extract_pdf/japanese_title_is_kept", test_japanese_title_is_kept);
    g_test_add_func("/extract_pdf/office_title_loses_prefix_and_extension",
                    test_office_title_loses_prefix_and_extension);
    g_test_add_func("/extract_pdf/placeholder_titles_are_dropped",
                    test_placeholder_titles_are_dropped);
    g_test_add_func("/extract_pdf/page_without_text_keeps_its_number",
                    test_page_without_text_keeps_its_number);
    g_test_add_func("/extract_pdf/pdf_with_only_images_has_no_text",
                    test_pdf_with_only_images_has_no_text);
    g_test_add_func("/extract_pdf/missing_file_is_an_io_error_naming_it",
                    test_missing_file_is_an_io_error_naming_it);
    g_test_add_func("/extract_pdf/text_file_renamed_to_pdf_is_a_format_error",
                    test_text_file_renamed_to_pdf_is_a_format_error);
    g_test_add_func("/extract_pdf/vertical_japanese_poem_yields_japanese_text",
                    test_vertical_japanese_poem_yields_japanese_text);
    g_test_add_func("/extract_pdf/japanese_slides_keep_one_page_per_slide",
                    test_japanese_slides_keep_one_page_per_slide);
    g_test_add_func("/extract_pdf/pdf_with_a_user_password_is_reported_encrypted",
                    test_pdf_with_a_user_password_is_reported_encrypted);
    g_test_add_func("/extract_pdf/encrypted_pdf_with_empty_password_opens",
                    test_encrypted_pdf_with_empty_password_opens);
    g_test_add_func("/extract_pdf/not_a_pdf_and_empty_file_are_format_errors",
                    test_not_a_pdf_and_empty_file_are_format_errors);
    g_test_add_func("/extract_pdf/decompression_bomb_is_refused_quickly",
                    test_decompression_bomb_is_refused_quickly);
    g_test_add_func("/extract_pdf/every_shared_pdf_gives_pages_or_a_reason",
                    test_every_shared_pdf_gives_pages_or_a_reason);

    int rc = g_test_run();
    /* Let leak checkers see only our own allocations: drop the font and
     * cairo caches the fixtures filled. */
    pango_cairo_font_map_set_default(NULL);
    cairo_debug_reset_static_data();
    ghs_test_rm_tree(tmp_dir);
    g_free(tmp_dir);
    return rc;
}
