/*
 * test_pdf_citations.c: what a PDF is cited by. PDFs drawn here with cairo
 * and pango carry the metadata titles real reports carry (working labels
 * such as "PowerPoint プレゼンテーション", "200319修正後", "【差替え】...",
 * a Japanese label on an English translation) above a large heading on
 * page 1; the tests check the title extracted.
 */
#include <string.h>

#include <cairo-pdf.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>

#include "extract.h"
#include "ghsearch.h"
#include "pdf_title.h"
#include "test_util.h"

static char *tmp_dir;

/* Under LeakSanitizer: cairo's PDF surface and fontconfig leak a few
 * objects of their own while drawing fixtures (as in test_extract_pdf.c). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libcairo.so\nleak:libfontconfig.so\n";
}

/* ------------------------------------------------------------ fixtures */

typedef struct fixture_page {
    const char *heading;  /* set in 26 pt at the top of the page, or NULL */
    const char *body;     /* set in 11 pt below it */
    const char *label;    /* the page label (/PageLabels), or NULL */
} fixture_page;

static void show_text(cairo_t *cr, PangoLayout *layout, const char *text, double size,
                      double y)
{
    PangoFontDescription *font = pango_font_description_from_string("Noto Sans CJK JP");
    pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
    pango_layout_set_font_description(layout, font);
    pango_layout_set_width(layout, -1);
    pango_layout_set_text(layout, text, -1);
    cairo_move_to(cr, 50, y);
    pango_cairo_show_layout(cr, layout);
    pango_font_description_free(font);
}

/* Draws tmp_dir/file with the metadata title (NULL: none) and pages. */
static char *draw_pdf(const char *file, const char *title, const fixture_page *pages,
                      size_t n)
{
    char *path = g_build_filename(tmp_dir, file, NULL);
    cairo_surface_t *surface = cairo_pdf_surface_create(path, 595, 842);
    if (title != NULL)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_t *cr = cairo_create(surface);
    PangoLayout *layout = pango_cairo_create_layout(cr);
    for (size_t i = 0; i < n; i++) {
        double y = 60;
        if (pages[i].label != NULL)
            cairo_pdf_surface_set_page_label(surface, pages[i].label);
        if (pages[i].heading != NULL) {
            show_text(cr, layout, pages[i].heading, 26, y);
            int w, h;
            pango_layout_get_pixel_size(layout, &w, &h);
            y += h + 30;
        }
        if (pages[i].body != NULL)
            show_text(cr, layout, pages[i].body, 11, y);
        cairo_show_page(cr);
    }
    g_object_unref(layout);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    g_assert_cmpint(cairo_surface_status(surface), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(surface);
    return path;
}

/* The title ghs_extract_pdf() finds in path (g_free; NULL when none). */
static char *extracted_title(const char *path)
{
    ghs_extracted e = {0};
    ghs_error err = {0};
    if (ghs_extract_pdf(path, &e, &err) != 0)
        g_error("extract %s: %s", path, err.message);
    char *title = g_strdup(e.title);
    ghs_extracted_clear(&e);
    return title;
}

static const char EN_BODY[] =
    "The task force recommends that G7 members strengthen primary health care,\n"
    "finance the preparedness of low-income countries and share medical\n"
    "countermeasures fairly during the next pandemic.";
static const char JA_BODY[] =
    "タスクフォースは、G7各国がプライマリ・ヘルスケアを強化し、\n"
    "低所得国の備えに資金を拠出し、次のパンデミックでは\n"
    "医薬品などの対抗措置を公平に分配することを提言する。";

/* Working labels found as /Title of real government reports. */
static const char *const WORKING_LABELS[] = {
    "PowerPoint プレゼンテーション",
    "200319修正後",
    "★最新R20501【記者会見用スライド】G7保健",
    "【差替え】0514提言（セット版）",
    "【英訳セット】G7への提言",
    "Microsoft Word - 200319_G7_teigen_final.docx",
    "Microsoft PowerPoint - 資料1_修正版.pptx",
    "Untitled",
};

/* ------------------------------------------------------------ titles */

static void test_working_label_gives_way_to_the_japanese_heading(void)
{
    /* The heading wraps over two lines: joined without a space. */
    const fixture_page pages[] = {
        { "新型コロナウイルス感染症\n対策に関する提言", JA_BODY, NULL },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(WORKING_LABELS); i++) {
        char *path = draw_pdf("ja-heading.pdf", WORKING_LABELS[i], pages, 1);
        char *title = extracted_title(path);
        if (g_strcmp0(title, "新型コロナウイルス感染症対策に関する提言") != 0)
            g_error("metadata title '%s': cited as '%s', not by the heading",
                    WORKING_LABELS[i], title ? title : "(none)");
        g_free(title);
        g_free(path);
    }
}

static void test_working_label_gives_way_to_the_english_heading(void)
{
    const fixture_page pages[] = {
        { "Building Resilient Health Systems\nafter COVID-19", EN_BODY, NULL },
        { NULL, EN_BODY, NULL },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(WORKING_LABELS); i++) {
        char *path = draw_pdf("en-heading.pdf", WORKING_LABELS[i], pages, 2);
        char *title = extracted_title(path);
        if (g_strcmp0(title, "Building Resilient Health Systems after COVID-19") != 0)
            g_error("metadata title '%s': cited as '%s', not by the heading",
                    WORKING_LABELS[i], title ? title : "(none)");
        g_free(title);
        g_free(path);
    }
}

static void test_japanese_title_on_an_english_text_gives_way_to_the_heading(void)
{
    /* No working marker: only its script tells it is not this file's title. */
    const fixture_page pages[] = {
        { "Recommendations to the G7", EN_BODY, NULL },
    };
    char *path = draw_pdf("translation.pdf", "G7への提言", pages, 1);
    char *title = extracted_title(path);
    g_assert_cmpstr(title, ==, "Recommendations to the G7");
    g_free(title);
    g_free(path);
}

static void test_good_metadata_title_is_kept_over_the_heading(void)
{
    const fixture_page en[] = { { "Executive Summary", EN_BODY, NULL } };
    char *path = draw_pdf("good-en.pdf",
                          "Promoting Global Solidarity to Advance Health System Resilience",
                          en, 1);
    char *title = extracted_title(path);
    g_assert_cmpstr(title, ==, "Promoting Global Solidarity to Advance Health System Resilience");
    g_free(title);
    g_free(path);

    const fixture_page ja[] = { { "はじめに", JA_BODY, NULL } };
    path = draw_pdf("good-ja.pdf", "より強靭な保健医療体制のためのグローバルな連帯の促進", ja, 1);
    title = extracted_title(path);
    g_assert_cmpstr(title, ==, "より強靭な保健医療体制のためのグローバルな連帯の促進");
    g_free(title);
    g_free(path);
}

static void test_working_label_without_a_heading_leaves_no_title(void)
{
    /* One type size on the page: no heading to take, and the label is
     * still not cited (the indexer falls back to the file name). */
    const fixture_page pages[] = { { NULL, EN_BODY, NULL } };
    for (size_t i = 0; i < G_N_ELEMENTS(WORKING_LABELS); i++) {
        char *path = draw_pdf("no-heading.pdf", WORKING_LABELS[i], pages, 1);
        char *title = extracted_title(path);
        if (title != NULL)
            g_error("metadata title '%s' kept as '%s'", WORKING_LABELS[i], title);
        g_free(path);
    }
}

static void test_office_file_name_title_is_kept_only_without_a_heading(void)
{
    const char *raw = "Microsoft Word - Annual report on health financing.docx";
    const fixture_page plain[] = { { NULL, EN_BODY, NULL } };
    char *path = draw_pdf("office-plain.pdf", raw, plain, 1);
    char *title = extracted_title(path);
    g_assert_cmpstr(title, ==, "Annual report on health financing");
    g_free(title);
    g_free(path);

    const fixture_page headed[] = { { "Financing Health for All", EN_BODY, NULL } };
    path = draw_pdf("office-headed.pdf", raw, headed, 1);
    title = extracted_title(path);
    g_assert_cmpstr(title, ==, "Financing Health for All");
    g_free(title);
    g_free(path);
}

static void test_title_judge_grades_real_metadata_titles(void)
{
    static const struct { const char *raw; ghs_title_grade grade; const char *out; } cases[] = {
        { "PowerPoint プレゼンテーション", GHS_TITLE_BAD, NULL },
        { "200319修正後", GHS_TITLE_BAD, NULL },
        { "★最新R20501【記者会見用スライド】新型コロナ", GHS_TITLE_BAD, NULL },
        { "【差替え】0514提言（セット版）", GHS_TITLE_BAD, NULL },
        { "資料１", GHS_TITLE_BAD, NULL },
        { "zen_of_python.txt", GHS_TITLE_BAD, NULL },
        { "Microsoft Word - font-size-test.docx", GHS_TITLE_BAD, NULL },
        { "Microsoft PowerPoint - ODL 3q16 update 241116.pptx", GHS_TITLE_BAD, NULL },
        { "IBM-PDFs.graffle", GHS_TITLE_BAD, NULL },
        { "Book1", GHS_TITLE_BAD, NULL },
        { "Enscript Output", GHS_TITLE_BAD, NULL },
        { "Microsoft Word - WHO guidelines on hand hygiene.doc", GHS_TITLE_WEAK,
          "WHO guidelines on hand hygiene" },
        { "2023年度 厚生労働白書", GHS_TITLE_GOOD, "2023年度 厚生労働白書" },
        { "The Digital Millennium Copyright Act of 1998", GHS_TITLE_GOOD,
          "The Digital Millennium Copyright Act of 1998" },
        { "- Benutzerhandbuch", GHS_TITLE_GOOD, "Benutzerhandbuch" },
        { "2007 Instruction 1040-NR", GHS_TITLE_GOOD, "2007 Instruction 1040-NR" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *out = NULL;
        ghs_title_grade g = ghs_pdf_title_judge(cases[i].raw, NULL, 0, &out);
        if (g != cases[i].grade || g_strcmp0(out, cases[i].out) != 0)
            g_error("'%s': grade %d '%s', expected %d '%s'", cases[i].raw, (int)g,
                    out ? out : "(null)", (int)cases[i].grade,
                    cases[i].out ? cases[i].out : "(null)");
        g_free(out);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmp_dir = ghs_test_tmp_dir("ghs-pdf-cite-XXXXXX");
    g_test_add_func("/pdf_citations/working_label_gives_way_to_the_japanese_heading",
                    test_working_label_gives_way_to_the_japanese_heading);
    g_test_add_func("/pdf_citations/working_label_gives_way_to_the_english_heading",
                    test_working_label_gives_way_to_the_english_heading);
    g_test_add_func("/pdf_citations/japanese_title_on_an_english_text_gives_way_to_the_heading",
                    test_japanese_title_on_an_english_text_gives_way_to_the_heading);
    g_test_add_func("/pdf_citations/good_metadata_title_is_kept_over_the_heading",
                    test_good_metadata_title_is_kept_over_the_heading);
    g_test_add_func("/pdf_citations/working_label_without_a_heading_leaves_no_title",
                    test_working_label_without_a_heading_leaves_no_title);
    g_test_add_func("/pdf_citations/office_file_name_title_is_kept_only_without_a_heading",
                    test_office_file_name_title_is_kept_only_without_a_heading);
    g_test_add_func("/pdf_citations/title_judge_grades_real_metadata_titles",
                    test_title_judge_grades_real_metadata_titles);
    int rc = g_test_run();
    ghs_test_rm_tree(tmp_dir);
    g_free(tmp_dir);
    return rc;
}
