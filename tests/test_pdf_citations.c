/*
 * test_pdf_citations.c: what a PDF is cited by. PDFs drawn here with cairo
 * and pango carry the metadata titles real reports carry (working labels
 * such as "PowerPoint プレゼンテーション", "200319修正後", "【差替え】...",
 * a Japanese label on an English translation) above a large heading on
 * page 1, printed page labels ("i", "15"), and Chinese text; the tests check
 * the extracted title and labels, the citation and `search --json` of an
 * indexed PDF, and the language a Chinese document is filed under.
 */
#include <string.h>

#include <cairo-pdf.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <pango/pangocairo.h>

#include "analyze.h"
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

/* ------------------------------------------------------------ page labels */

static const fixture_page LABELLED[] = {
    { "Health Financing Review", EN_BODY, "i" },
    { NULL, "Contents and foreword of the review.", "ii" },
    { NULL, "Catastrophic spending on health rose in every region.", "15" },
    { NULL, "Pooling arrangements protect households from ruin.", "16" },
};

static void test_printed_page_labels_come_with_their_pages(void)
{
    char *path = draw_pdf("labelled.pdf", NULL, LABELLED, G_N_ELEMENTS(LABELLED));
    ghs_extracted e = {0};
    g_assert_cmpint(ghs_extract_pdf(path, &e, NULL), ==, 0);
    g_assert_cmpuint(e.n_pages, ==, 4);
    for (size_t i = 0; i < e.n_pages; i++) {
        g_assert_cmpint(e.pages[i].number, ==, (int)i + 1);
        g_assert_cmpstr(e.pages[i].label, ==, LABELLED[i].label);
    }
    ghs_extracted_clear(&e);
    g_free(path);

    /* Without /PageLabels (or with labels 1, 2, 3...) there is nothing to add. */
    const fixture_page plain[] = { { NULL, EN_BODY, NULL }, { NULL, EN_BODY, NULL } };
    path = draw_pdf("unlabelled.pdf", NULL, plain, 2);
    g_assert_cmpint(ghs_extract_pdf(path, &e, NULL), ==, 0);
    g_assert_null(e.pages[0].label);
    g_assert_null(e.pages[1].label);
    ghs_extracted_clear(&e);
    g_free(path);
}

/* The output of `ghsearch ARGS...` (asserting exit 0); g_free it. */
static char *run_cli(const char *const *args)
{
    const char *root = g_getenv("GHS_BUILD_ROOT");
    g_assert_nonnull(root);
    char *exe = g_build_filename(root, "cli", "ghsearch", NULL);
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, exe);
    for (const char *const *a = args; *a; a++)
        g_ptr_array_add(argv, (char *)*a);
    g_ptr_array_add(argv, NULL);
    char *out = NULL, *errout = NULL;
    int status = 0;
    GError *gerr = NULL;
    if (!g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                      &out, &errout, &status, &gerr))
        g_error("run %s: %s", exe, gerr->message);
    if (!g_spawn_check_wait_status(status, NULL))
        g_error("%s failed: %s", exe, errout);
    g_ptr_array_free(argv, TRUE);
    g_free(exe);
    g_free(errout);
    return out;
}

static void test_citation_and_json_give_the_printed_page_and_the_pdf_page(void)
{
    char *db = NULL;
    ghs_index *ix = ghs_test_index_new("ghs-cite-labels-XXXXXX", &db);
    char *path = draw_pdf("labelled.pdf", "PowerPoint プレゼンテーション", LABELLED,
                          G_N_ELEMENTS(LABELLED));
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_add_file(ix, path, NULL, NULL, &err), ==, 0);
    ghs_test_index_finish(ix);

    ghs_results *r = ghs_test_search(db, "catastrophic", NULL);
    g_assert_cmpuint(ghs_results_count(r), ==, 1);
    const ghs_hit *h = ghs_results_hit(r, 0);
    g_assert_cmpint(h->page, ==, 3);
    g_assert_cmpstr(h->page_label, ==, "15");
    g_assert_cmpstr(h->title, ==, "Health Financing Review");
    g_assert_cmpstr(h->citation, ==, "Health Financing Review, p. 15 (PDF p. 3)");
    char *full = NULL;
    g_assert_cmpint(ghs_hit_cite(h, GHS_CITE_TEXT, &full, NULL), ==, 0);
    g_assert_nonnull(strstr(full, ", p. 15 (PDF p. 3)"));
    ghs_free(full);
    ghs_results_free(r);

    const char *const args[] = {"search", "--db", db, "--json", "catastrophic", NULL};
    char *out = run_cli(args);
    JsonParser *p = json_parser_new();
    g_assert_true(json_parser_load_from_data(p, out, -1, NULL));
    JsonObject *o = json_node_get_object(json_parser_get_root(p));
    g_assert_cmpint(json_object_get_int_member(o, "page"), ==, 3);
    g_assert_cmpstr(json_object_get_string_member(o, "page_label"), ==, "15");
    g_assert_cmpstr(json_object_get_string_member(o, "citation"), ==,
                    "Health Financing Review, p. 15 (PDF p. 3)");
    g_object_unref(p);
    g_free(out);

    g_free(path);
    ghs_test_rm_db(db);
    g_free(db);
}

/* ------------------------------------------------------------ language */

static const char ZH_BODY[] =
    "为了发展医疗卫生与健康事业，保障公民享有基本医疗卫生服务，\n"
    "提高公民健康水平，推进健康中国建设，根据宪法，制定本法。\n"
    "国家和社会尊重、保护公民的健康权。";
static const char JA_HEALTH[] =
    "健康は国民の基本的な権利であり、すべての人が健康に暮らせる社会をめざす。\n"
    "国と地方公共団体は、保健医療サービスを受けられる体制を整える。";

static void test_chinese_text_is_filed_as_zh_not_ja(void)
{
    g_assert_cmpstr(ghs_detect_lang(ZH_BODY, strlen(ZH_BODY)), ==, "zh");
    g_assert_cmpstr(ghs_detect_lang(JA_HEALTH, strlen(JA_HEALTH)), ==, "ja");
    /* Too short to tell Chinese from Japanese kanji: stays ja. */
    g_assert_cmpstr(ghs_detect_lang("保健医療体制", strlen("保健医療体制")), ==, "ja");

    char *db = NULL;
    ghs_index *ix = ghs_test_index_new("ghs-cite-zh-XXXXXX", &db);
    const fixture_page zh[] = { { "基本医疗卫生与健康促进法", ZH_BODY, NULL } };
    const fixture_page ja[] = { { "健康づくりの基本方針", JA_HEALTH, NULL } };
    char *zh_path = draw_pdf("zh-law.pdf", NULL, zh, 1);
    char *ja_path = draw_pdf("ja-policy.pdf", NULL, ja, 1);
    ghs_error err = {0};
    ghs_meta zh_meta = { .id = "zh-law" }, ja_meta = { .id = "ja-policy" };
    g_assert_cmpint(ghs_index_add_file(ix, zh_path, &zh_meta, NULL, &err), ==, 0);
    g_assert_cmpint(ghs_index_add_file(ix, ja_path, &ja_meta, NULL, &err), ==, 0);
    ghs_test_index_finish(ix);

    ghs_results *r = ghs_test_search(db, "健康", NULL);
    const ghs_hit *zh_hit = ghs_test_hit_of(r, "zh-law");
    const ghs_hit *ja_hit = ghs_test_hit_of(r, "ja-policy");
    g_assert_nonnull(zh_hit);
    g_assert_nonnull(ja_hit);
    g_assert_cmpstr(zh_hit->lang, ==, "zh");
    g_assert_cmpstr(ja_hit->lang, ==, "ja");
    ghs_results_free(r);

    r = ghs_test_search(db, "健康 lang:ja", NULL);
    g_assert_null(ghs_test_hit_of(r, "zh-law"));
    g_assert_nonnull(ghs_test_hit_of(r, "ja-policy"));
    ghs_results_free(r);
    r = ghs_test_search(db, "健康 lang:zh", NULL);
    g_assert_nonnull(ghs_test_hit_of(r, "zh-law"));
    g_assert_null(ghs_test_hit_of(r, "ja-policy"));
    ghs_results_free(r);

    g_free(zh_path);
    g_free(ja_path);
    ghs_test_rm_db(db);
    g_free(db);
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
    g_test_add_func("/pdf_citations/printed_page_labels_come_with_their_pages",
                    test_printed_page_labels_come_with_their_pages);
    g_test_add_func("/pdf_citations/citation_and_json_give_the_printed_page_and_the_pdf_page",
                    test_citation_and_json_give_the_printed_page_and_the_pdf_page);
    g_test_add_func("/pdf_citations/chinese_text_is_filed_as_zh_not_ja",
                    test_chinese_text_is_filed_as_zh_not_ja);
    int rc = g_test_run();
    ghs_test_rm_tree(tmp_dir);
    g_free(tmp_dir);
    return rc;
}
