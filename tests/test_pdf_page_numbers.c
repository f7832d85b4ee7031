/*
 * test_pdf_page_numbers.c: the page numbers a PDF prints, as page labels
 * (indexer/pdf_page_numbers.c), and every place that cites a page. PDFs
 * drawn here with cairo and pango print their numbers in running feet and
 * heads the way real reports do ("– 15 –", "Page 3 of 40", "－１５－",
 * roman front matter) without a /PageLabels tree, or with one that says
 * otherwise; others carry tables and lists of numbers at their feet. The
 * tests check the labels the extractor infers (and those it must not),
 * then the citation, `search --json` and its also_in, and `show`.
 */
#include <string.h>
#include <sys/wait.h>

#include <cairo-pdf.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <pango/pangocairo.h>

#include "extract.h"
#include "ghsearch.h"
#include "pdf_page_numbers.h"
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
    char *head;    /* running head, 9 pt at the top, or NULL */
    char *body;    /* 11 pt below it, or NULL */
    char *foot;    /* running foot, 9 pt at the bottom, or NULL */
    char *label;   /* the page label (/PageLabels), or NULL */
} fixture_page;

static void fixture_free(fixture_page *pages, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        g_free(pages[i].head);
        g_free(pages[i].body);
        g_free(pages[i].foot);
        g_free(pages[i].label);
    }
    g_free(pages);
}

static void show_text(cairo_t *cr, PangoLayout *layout, const char *text, double size,
                      double x, double y)
{
    PangoFontDescription *font = pango_font_description_from_string("Noto Sans CJK JP");
    pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
    pango_layout_set_font_description(layout, font);
    pango_layout_set_width(layout, -1);
    pango_layout_set_text(layout, text, -1);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, layout);
    pango_font_description_free(font);
}

/* Draws tmp_dir/file with metadata title and pages; returns its path. */
static char *draw_pdf(const char *file, const char *title, const fixture_page *pages,
                      size_t n)
{
    char *path = g_build_filename(tmp_dir, file, NULL);
    cairo_surface_t *surface = cairo_pdf_surface_create(path, 595, 842);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_t *cr = cairo_create(surface);
    PangoLayout *layout = pango_cairo_create_layout(cr);
    for (size_t i = 0; i < n; i++) {
        if (pages[i].label != NULL)
            cairo_pdf_surface_set_page_label(surface, pages[i].label);
        if (pages[i].head != NULL)
            show_text(cr, layout, pages[i].head, 9, 60, 30);
        if (pages[i].body != NULL)
            show_text(cr, layout, pages[i].body, 11, 60, 90);
        if (pages[i].foot != NULL)
            show_text(cr, layout, pages[i].foot, 9, 270, 800);
        cairo_show_page(cr);
    }
    g_object_unref(layout);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    g_assert_cmpint(cairo_surface_status(surface), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(surface);
    return path;
}

/* A body of a few lines naming page i (1-based), so that each page has
 * words of its own ("finding7"). */
static char *en_body(size_t i)
{
    return g_strdup_printf("Section %zu of the review looks at health financing.\n"
                           "Catastrophic spending rose in %zu regions (finding%zu).\n"
                           "Pooling arrangements protect households from ruin.\n"
                           "Countries reported their data in 2019 and 2021.",
                           i, i + 2, i);
}

static char *ja_body(size_t i)
{
    return g_strdup_printf("第%zu節では保健財政の課題を検討する。\n"
                           "低所得国の備えに資金を拠出し、公平な分配を進める。\n"
                           "ユニバーサル・ヘルス・カバレッジの達成に向けて。", i);
}

/* Full-width digits of v ("１５"). */
static char *full_width(int v)
{
    char *ascii = g_strdup_printf("%d", v);
    GString *s = g_string_new(NULL);
    for (const char *p = ascii; *p; p++)
        g_string_append_unichar(s, 0xFF10 + (gunichar)(*p - '0'));
    g_free(ascii);
    return g_string_free(s, FALSE);
}

/* The labels ghs_extract_pdf() gives the pages of path, "-" for none,
 * joined by spaces ("- 1 2 3"). */
static char *extracted_labels(const char *path)
{
    ghs_extracted e = {0};
    ghs_error err = {0};
    if (ghs_extract_pdf(path, &e, &err) != 0)
        g_error("extract %s: %s", path, err.message);
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < e.n_pages; i++)
        g_string_append_printf(s, "%s%s", i ? " " : "",
                               e.pages[i].label ? e.pages[i].label : "-");
    ghs_extracted_clear(&e);
    return g_string_free(s, FALSE);
}

static void assert_labels(const char *path, const char *want)
{
    char *got = extracted_labels(path);
    if (strcmp(got, want) != 0)
        g_error("%s: labels '%s', expected '%s'", path, got, want);
    g_free(got);
}

/* A report of n pages: a cover without a number, then pages printing
 * foot_fmt (a printf format of one int) with their physical number minus
 * 1. */
static fixture_page *offset_report(size_t n, const char *foot_fmt, bool japanese)
{
    fixture_page *pages = g_new0(fixture_page, n);
    pages[0].body = g_strdup(japanese ? "保健財政レビュー\n2023年版" : "Health Financing Review\n2023");
    for (size_t i = 1; i < n; i++) {
        pages[i].body = japanese ? ja_body(i + 1) : en_body(i + 1);
        if (japanese) {
            char *fw = full_width((int)i);
            pages[i].foot = g_strdup_printf("－%s－", fw);
            g_free(fw);
        } else {
            pages[i].foot = g_strdup_printf(foot_fmt, (int)i);
        }
    }
    return pages;
}

/* ------------------------------------------------------------ one line */

static void test_page_numbers_are_read_in_the_dress_reports_print_them_in(void)
{
    static const struct { const char *line; int value; ghs_number_kind kind; } yes[] = {
        { "15", 15, GHS_NUMBER_ARABIC },
        { "- 15 -", 15, GHS_NUMBER_ARABIC },
        { "– 15 –", 15, GHS_NUMBER_ARABIC },
        { "—15—", 15, GHS_NUMBER_ARABIC },
        { "(15)", 15, GHS_NUMBER_ARABIC },
        { "[15]", 15, GHS_NUMBER_ARABIC },
        { "Page 15", 15, GHS_NUMBER_ARABIC },
        { "PAGE 15", 15, GHS_NUMBER_ARABIC },
        { "p. 15", 15, GHS_NUMBER_ARABIC },
        { "P.15", 15, GHS_NUMBER_ARABIC },
        { "15 / 40", 15, GHS_NUMBER_ARABIC },
        { "Page 3 of 39", 3, GHS_NUMBER_ARABIC },
        { "－15－", 15, GHS_NUMBER_ARABIC },
        { "－１５－", 15, GHS_NUMBER_ARABIC },
        { "１５", 15, GHS_NUMBER_ARABIC },
        { "- １５ -", 15, GHS_NUMBER_ARABIC },
        { "15頁", 15, GHS_NUMBER_ARABIC },
        { "15ページ", 15, GHS_NUMBER_ARABIC },
        { "（１５）", 15, GHS_NUMBER_ARABIC },
        { "iv", 4, GHS_NUMBER_ROMAN_LOWER },
        { "- xii -", 12, GHS_NUMBER_ROMAN_LOWER },
        { "XIV", 14, GHS_NUMBER_ROMAN_UPPER },
        { "Page iii", 3, GHS_NUMBER_ROMAN_LOWER },
        { "ⅲ", 3, GHS_NUMBER_ROMAN_LOWER },
        { "－Ⅳ－", 4, GHS_NUMBER_ROMAN_UPPER },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(yes); i++) {
        int v = 0;
        ghs_number_kind k = GHS_NUMBER_ARABIC;
        if (!ghs_page_number_parse(yes[i].line, strlen(yes[i].line), &v, &k) ||
            v != yes[i].value || k != yes[i].kind)
            g_error("'%s': not read as %d (kind %d)", yes[i].line, yes[i].value,
                    (int)yes[i].kind);
    }
    static const char *const no[] = {
        "", "-", "15.", "15%", "1.5", "15th", "0", "007", "12345", "15 / 10", "iiii",
        "vx", "Figure 15", "Table 3", "15 and 16", "12 45", "2,989", "ivy", "pix",
        "US$ 15", "15 km", "(1) Scope", "第15条",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(no); i++) {
        int v = 0;
        ghs_number_kind k = GHS_NUMBER_ARABIC;
        if (ghs_page_number_parse(no[i], strlen(no[i]), &v, &k))
            g_error("'%s': read as page number %d", no[i], v);
    }
}

/* ------------------------------------------------------------ inference */

static void test_report_with_dashed_footers_offset_by_one_gets_labels(void)
{
    fixture_page *pages = offset_report(17, "– %d –", false);
    char *path = draw_pdf("en-dashes.pdf", "Health Financing Review", pages, 17);
    assert_labels(path, "- 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16");

    /* The numbers themselves stay out of the text. */
    ghs_extracted e = {0};
    g_assert_cmpint(ghs_extract_pdf(path, &e, NULL), ==, 0);
    g_assert_null(strstr(e.pages[15].text, "15"));
    g_assert_nonnull(strstr(e.pages[15].text, "finding16"));
    ghs_extracted_clear(&e);
    fixture_free(pages, 17);
    g_free(path);
}

static void test_japanese_report_with_full_width_footers_gets_labels(void)
{
    fixture_page *pages = offset_report(8, NULL, true);
    for (size_t i = 0; i < 8; i++)
        pages[i].head = g_strdup("新型コロナウイルス感染症対策に関する提言");
    char *path = draw_pdf("ja-fullwidth.pdf", "保健財政レビュー", pages, 8);
    assert_labels(path, "- 1 2 3 4 5 6 7");
    fixture_free(pages, 8);
    g_free(path);
}

static void test_every_footer_style_gives_labels(void)
{
    /* Cover, contents, then pages printing 1, 2, 3, 4. */
    static const char *const styles[] = {
        "%s", "- %s -", "– %s –", "(%s)", "Page %s", "p. %s", "P.%s", "%s / 40",
        "Page %s of 40", "%s頁", "－%s－", "Health Financing Review | %s",
        "%s   Health Financing Review", "Health Financing Review 2023     Page %s",
    };
    for (size_t s = 0; s < G_N_ELEMENTS(styles); s++) {
        for (int fw = 0; fw < 2; fw++) {
            fixture_page *pages = g_new0(fixture_page, 6);
            pages[0].body = g_strdup("Health Financing Review");
            pages[1].body = g_strdup("Contents\nForeword\nSummary");
            for (size_t i = 2; i < 6; i++) {
                char *num = fw ? full_width((int)i - 1) : g_strdup_printf("%d", (int)i - 1);
                pages[i].body = en_body(i + 1);
                pages[i].foot = g_strdup_printf(styles[s], num);
                g_free(num);
            }
            char *path = draw_pdf("style.pdf", "Health Financing Review", pages, 6);
            char *got = extracted_labels(path);
            if (strcmp(got, "- - 1 2 3 4") != 0)
                g_error("footer '%s'%s: labels '%s'", styles[s], fw ? " (full-width)" : "",
                        got);
            g_free(got);
            fixture_free(pages, 6);
            g_free(path);
        }
    }
}

static void test_running_heads_with_numbers_on_facing_pages_give_labels(void)
{
    /* "4 TOOLKIT" on the left, "TOOLKIT 5" on the right, offset by 2: two
     * pages of each side, one head. */
    static const char *const sep[] = { "    ", " | " };
    for (size_t s = 0; s < G_N_ELEMENTS(sep); s++) {
        fixture_page *pages = g_new0(fixture_page, 6);
        pages[0].body = g_strdup("Toolkit for analysis and use of routine health facility data");
        pages[1].body = g_strdup("Acknowledgements and contributors to this toolkit");
        for (size_t i = 2; i < 6; i++) {
            int v = (int)i - 1;
            pages[i].head = v % 2 == 0
                ? g_strdup_printf("%d%sTOOLKIT: GENERAL PRINCIPLES", v, sep[s])
                : g_strdup_printf("TOOLKIT: GENERAL PRINCIPLES%s%d", sep[s], v);
            pages[i].body = en_body(i + 1);
        }
        char *path = draw_pdf("heads.pdf", "Toolkit", pages, 6);
        assert_labels(path, "- - 1 2 3 4");
        fixture_free(pages, 6);
        g_free(path);
    }
}

static void test_roman_front_matter_then_arabic_pages(void)
{
    /* Cover (i, unprinted), ii-iv, a blank verso (v), a chapter opening
     * without its number (1), then 2-5. */
    fixture_page *pages = g_new0(fixture_page, 10);
    pages[0].body = g_strdup("Health Financing Review");
    static const char *const roman[] = { NULL, "ii", "iii", "iv" };
    for (size_t i = 1; i < 4; i++) {
        pages[i].body = en_body(i + 1);
        pages[i].foot = g_strdup_printf("- %s -", roman[i]);
    }
    pages[5].body = g_strdup("Chapter 1\nIntroduction to the review of health financing.");
    for (size_t i = 6; i < 10; i++) {
        pages[i].body = en_body(i + 1);
        pages[i].foot = g_strdup_printf("- %d -", (int)i - 4);
    }
    char *path = draw_pdf("roman.pdf", "Health Financing Review", pages, 10);
    assert_labels(path, "i ii iii iv v 1 2 3 4 5");
    fixture_free(pages, 10);

    /* Upper case and Japanese full-width numerals: Ⅱ, Ⅲ, Ⅳ then －１－... */
    pages = g_new0(fixture_page, 8);
    pages[0].body = g_strdup("保健財政レビュー");
    static const char *const upper[] = { NULL, "－Ⅱ－", "－Ⅲ－", "－Ⅳ－" };
    for (size_t i = 1; i < 4; i++) {
        pages[i].body = ja_body(i + 1);
        pages[i].foot = g_strdup(upper[i]);
    }
    for (size_t i = 4; i < 8; i++) {
        char *fw = full_width((int)i - 3);
        pages[i].body = ja_body(i + 1);
        pages[i].foot = g_strdup_printf("－%s－", fw);
        g_free(fw);
    }
    g_free(path);
    path = draw_pdf("roman-ja.pdf", "保健財政レビュー", pages, 8);
    assert_labels(path, "I II III IV 1 2 3 4");
    fixture_free(pages, 8);
    g_free(path);
}

static void test_numbers_at_the_foot_that_are_no_page_numbers_give_no_labels(void)
{
    /* A table of counts, a numbered list restarting on each page, a year,
     * and figures that rise but not one a page: no labels. */
    static const int last_cell[] = { 10, 12, 13, 15, 7, 2019, 40, 41 };
    fixture_page *pages = g_new0(fixture_page, 8);
    for (size_t i = 0; i < 8; i++) {
        pages[i].body = g_strdup_printf(
            "Region    Cases    Deaths\n"
            "Africa    1,204    35\n"
            "Americas    %d    %d\n"
            "1. Strengthen primary health care.\n"
            "2. Finance preparedness.\n"
            "3. Share countermeasures fairly.\n"
            "Total    %d",
            (int)(i * 37 % 50), (int)(i * 11 % 9), 100 + (int)i * 3);
        pages[i].foot = g_strdup_printf("%d", last_cell[i]);
    }
    char *path = draw_pdf("table.pdf", "Health Financing Review", pages, 8);
    assert_labels(path, "- - - - - - - -");
    fixture_free(pages, 8);

    /* Table captions numbered one a page ("Table 3" on page 5, ...), and
     * one page number in the body of one page. */
    pages = g_new0(fixture_page, 6);
    for (size_t i = 0; i < 6; i++) {
        char *body = en_body(i + 1);
        pages[i].body = g_strdup_printf("%s\nSee page 15 for the method.\n"
                                        "Figures are in US$ millions.", body);
        g_free(body);
        pages[i].foot = g_strdup_printf("Table %d", (int)i + 3);
    }
    g_free(path);
    path = draw_pdf("captions.pdf", "Health Financing Review", pages, 6);
    assert_labels(path, "- - - - - -");
    fixture_free(pages, 6);
    g_free(path);

    /* Two numbered pages are no run. */
    pages = g_new0(fixture_page, 6);
    for (size_t i = 0; i < 6; i++)
        pages[i].body = en_body(i + 1);
    pages[3].foot = g_strdup("- 3 -");
    pages[4].foot = g_strdup("- 4 -");
    path = draw_pdf("stray.pdf", "Health Financing Review", pages, 6);
    assert_labels(path, "- - - - - -");
    fixture_free(pages, 6);
    g_free(path);
}

static void test_page_labels_of_the_pdf_win_over_printed_numbers(void)
{
    fixture_page *pages = offset_report(6, "– %d –", false);
    for (size_t i = 0; i < 6; i++)
        pages[i].label = g_strdup_printf("A-%zu", i + 1);
    char *path = draw_pdf("own-labels.pdf", "Health Financing Review", pages, 6);
    assert_labels(path, "A-1 A-2 A-3 A-4 A-5 A-6");
    fixture_free(pages, 6);
    g_free(path);
}

/* ------------------------------------------------------------ citing */

/* Runs `ghsearch ARGS...`; returns its standard output (g_free) and its
 * exit status in *status. */
static char *run_cli(const char *const *args, int *status)
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
    int wait = 0;
    GError *gerr = NULL;
    if (!g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                      &errout, &wait, &gerr))
        g_error("run %s: %s", exe, gerr->message);
    *status = WIFEXITED(wait) ? WEXITSTATUS(wait) : -1;
    if (*status != 0)
        g_test_message("%s: %s", args[0], errout);
    g_ptr_array_free(argv, TRUE);
    g_free(exe);
    g_free(errout);
    return out;
}

static char *run_ok(const char *const *args)
{
    int status = 0;
    char *out = run_cli(args, &status);
    g_assert_cmpint(status, ==, 0);
    return out;
}

static void assert_contains(const char *out, const char *want)
{
    if (strstr(out, want) == NULL)
        g_error("expected '%s' in:\n%s", want, out);
}

static char *db_path;

/* Two reports printing "– n –" on PDF page n + 1, with one passage in
 * common on PDF page 16 (printed 15): one index for the tests below. */
static const char *cited_db(void)
{
    if (db_path != NULL)
        return db_path;
    ghs_index *ix = ghs_test_index_new("ghs-printed-XXXXXX", &db_path);
    const char *const titles[] = { "Health Financing Review", "Financing Annex" };
    const char *const ids[] = { "review", "annex" };
    for (int d = 0; d < 2; d++) {
        fixture_page *pages = offset_report(17, "– %d –", false);
        g_free(pages[15].body);
        pages[15].body = g_strdup("Out-of-pocket payments pushed households into poverty.\n"
                                  "Solidarity funds offset those zanzibarine losses.");
        char *file = g_strdup_printf("%s.pdf", ids[d]);
        char *path = draw_pdf(file, titles[d], pages, 17);
        ghs_meta meta = { .id = ids[d] };
        ghs_error err = {0};
        if (ghs_index_add_file(ix, path, &meta, NULL, &err) != 0)
            g_error("index %s: %s", path, err.message);
        fixture_free(pages, 17);
        g_free(file);
        g_free(path);
    }
    ghs_test_index_finish(ix);
    return db_path;
}

static void test_hits_and_also_in_cite_the_printed_page(void)
{
    const char *db = cited_db();
    ghs_results *r = ghs_test_search(db, "zanzibarine", NULL);
    g_assert_cmpuint(ghs_results_count(r), ==, 1);
    const ghs_hit *h = ghs_results_hit(r, 0);
    g_assert_cmpint(h->page, ==, 16);
    g_assert_cmpstr(h->page_label, ==, "15");
    g_assert_nonnull(strstr(h->citation, ", p. 15 (PDF p. 16)"));
    g_assert_cmpuint(h->n_also_in, ==, 1);
    g_assert_cmpint(h->also_in[0].page, ==, 16);
    g_assert_cmpstr(h->also_in[0].page_label, ==, "15");
    ghs_results_free(r);

    const char *const json_args[] = { "search", "--db", db, "--json", "zanzibarine", NULL };
    char *out = run_ok(json_args);
    JsonParser *p = json_parser_new();
    g_assert_true(json_parser_load_from_data(p, out, -1, NULL));
    JsonObject *o = json_node_get_object(json_parser_get_root(p));
    g_assert_cmpint(json_object_get_int_member(o, "page"), ==, 16);
    g_assert_cmpstr(json_object_get_string_member(o, "page_label"), ==, "15");
    JsonArray *also = json_object_get_array_member(o, "also_in");
    g_assert_cmpuint(json_array_get_length(also), ==, 1);
    JsonObject *loc = json_array_get_object_element(also, 0);
    g_assert_cmpint(json_object_get_int_member(loc, "page"), ==, 16);
    g_assert_cmpstr(json_object_get_string_member(loc, "page_label"), ==, "15");
    g_object_unref(p);
    g_free(out);

    const char *const text_args[] = { "search", "--db", db, "--color=never", "zanzibarine",
                                      NULL };
    out = run_ok(text_args);
    assert_contains(out, "— p. 15 (PDF p. 16)");
    assert_contains(out, "also in: ");
    assert_contains(out, ", p. 15 (PDF p. 16)\n");
    g_assert_null(strstr(out, ", p. 16"));
    g_free(out);
}

static void test_show_cites_the_printed_page_and_takes_either_number(void)
{
    const char *db = cited_db();
    const char *const by_pdf[] = { "show", "--db", db, "review", "--page", "16", NULL };
    char *out = run_ok(by_pdf);
    assert_contains(out, "--- p. 15 (PDF p. 16) ---");
    assert_contains(out, ", p. 15 (PDF p. 16)\n");
    assert_contains(out, "zanzibarine");
    g_assert_null(strstr(out, "--- p. 16 ---"));

    /* The same page by the number it prints. */
    const char *const by_label[] = { "show", "--db", db, "review", "--page-label", "15", NULL };
    char *again = run_ok(by_label);
    g_assert_cmpstr(again, ==, out);
    g_free(again);
    g_free(out);

    /* The cover prints nothing: its PDF page is all there is to cite. */
    const char *const cover[] = { "show", "--db", db, "review", "--page", "1", NULL };
    out = run_ok(cover);
    assert_contains(out, "--- p. 1 ---");
    assert_contains(out, ", p. 1\n");
    g_free(out);

    /* JSON: "page" stays the PDF page, "page_label" beside it. */
    const char *const json[] = { "show", "--db", db, "review", "--page", "16", "--json", NULL };
    out = run_ok(json);
    JsonParser *p = json_parser_new();
    g_assert_true(json_parser_load_from_data(p, out, -1, NULL));
    JsonObject *o = json_node_get_object(json_parser_get_root(p));
    g_assert_nonnull(strstr(json_object_get_string_member(o, "cite"), "p. 15 (PDF p. 16)"));
    JsonObject *page = json_array_get_object_element(json_object_get_array_member(o, "text"), 0);
    g_assert_cmpint(json_object_get_int_member(page, "page"), ==, 16);
    g_assert_cmpstr(json_object_get_string_member(page, "page_label"), ==, "15");
    g_object_unref(p);
    g_free(out);

    /* Every page: the printed number in each heading. */
    const char *const all[] = { "show", "--db", db, "annex", NULL };
    out = run_ok(all);
    assert_contains(out, "--- p. 1 ---");
    assert_contains(out, "--- p. 1 (PDF p. 2) ---");
    assert_contains(out, "--- p. 16 (PDF p. 17) ---");
    g_free(out);

    /* A label no page prints is a usage error. */
    int status = 0;
    const char *const missing[] = { "show", "--db", db, "review", "--page-label", "40", NULL };
    out = run_cli(missing, &status);
    g_assert_cmpint(status, ==, 2);
    g_free(out);

    /* The library: both ways between a PDF page and its label. */
    ghs_index *ix = NULL;
    ghs_document *d = NULL;
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_READ, NULL), ==, 0);
    g_assert_cmpint(ghs_document_get(ix, "review", &d, NULL), ==, 0);
    g_assert_cmpstr(ghs_document_page_label(d, 16), ==, "15");
    g_assert_cmpstr(ghs_document_page_label(d, 1), ==, "");
    g_assert_cmpstr(ghs_document_page_label(d, 99), ==, "");
    int at = 0;
    g_assert_cmpint(ghs_document_page_of_label(d, "15", &at, NULL), ==, 0);
    g_assert_cmpint(at, ==, 16);
    g_assert_cmpint(ghs_document_page_of_label(d, " ", &at, NULL), ==, GHS_EINVAL);
    g_assert_cmpint(ghs_document_page_of_label(d, "99", &at, NULL), ==, GHS_ENOTFOUND);
    /* "1" is the page printed 1 (PDF page 2), not the unnumbered cover. */
    g_assert_cmpint(ghs_document_page_of_label(d, "1", &at, NULL), ==, 0);
    g_assert_cmpint(at, ==, 2);
    char *cite = NULL;
    g_assert_cmpint(ghs_document_cite(d, 16, GHS_CITE_BIBTEX, &cite, NULL), ==, 0);
    assert_contains(cite, "p.~15 (PDF p.~16)");
    ghs_free(cite);
    ghs_document_free(d);
    ghs_index_close(ix);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmp_dir = ghs_test_tmp_dir("ghs-pdf-numbers-XXXXXX");
    g_test_add_func("/pdf_page_numbers/page_numbers_are_read_in_the_dress_reports_print_them_in",
                    test_page_numbers_are_read_in_the_dress_reports_print_them_in);
    g_test_add_func("/pdf_page_numbers/report_with_dashed_footers_offset_by_one_gets_labels",
                    test_report_with_dashed_footers_offset_by_one_gets_labels);
    g_test_add_func("/pdf_page_numbers/japanese_report_with_full_width_footers_gets_labels",
                    test_japanese_report_with_full_width_footers_gets_labels);
    g_test_add_func("/pdf_page_numbers/every_footer_style_gives_labels",
                    test_every_footer_style_gives_labels);
    g_test_add_func("/pdf_page_numbers/running_heads_with_numbers_on_facing_pages_give_labels",
                    test_running_heads_with_numbers_on_facing_pages_give_labels);
    g_test_add_func("/pdf_page_numbers/roman_front_matter_then_arabic_pages",
                    test_roman_front_matter_then_arabic_pages);
    g_test_add_func("/pdf_page_numbers/numbers_at_the_foot_that_are_no_page_numbers_give_no_labels",
                    test_numbers_at_the_foot_that_are_no_page_numbers_give_no_labels);
    g_test_add_func("/pdf_page_numbers/page_labels_of_the_pdf_win_over_printed_numbers",
                    test_page_labels_of_the_pdf_win_over_printed_numbers);
    g_test_add_func("/pdf_page_numbers/hits_and_also_in_cite_the_printed_page",
                    test_hits_and_also_in_cite_the_printed_page);
    g_test_add_func("/pdf_page_numbers/show_cites_the_printed_page_and_takes_either_number",
                    test_show_cites_the_printed_page_and_takes_either_number);
    int rc = g_test_run();
    if (db_path != NULL) {
        ghs_test_rm_db(db_path);
        g_free(db_path);
    }
    ghs_test_rm_tree(tmp_dir);
    g_free(tmp_dir);
    return rc;
}
