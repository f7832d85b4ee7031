/*
 * test_pdf_text.c: the text of real reports' pages as a reader sees it.
 * PDFs drawn here with cairo and pango carry a running head and foot with
 * page numbers on every page, a table whose cells poppler strings
 * together, a heading set above its paragraph (English and Japanese); a
 * PDF written here by hand carries its words only in a FreeText
 * annotation and in form fields. The tests check the extracted pages and
 * what a search finds on which page; the real pdf.js files with notes and
 * fields in $GHS_SHARED_DATA/pdf are read too.
 */
#include <string.h>

#include <cairo-pdf.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>

#include "extract.h"
#include "ghsearch.h"
#include "pdf_furniture.h"
#include "test_util.h"

static char *tmp_dir;

/* Under LeakSanitizer: cairo's PDF surface and fontconfig leak a few
 * objects of their own while drawing fixtures (as in test_extract_pdf.c). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libcairo.so\nleak:libfontconfig.so\n";
}

/* ------------------------------------------------------------ helpers */

/* Sets text at (x, y) in size pt. */
static void put(cairo_t *cr, PangoLayout *layout, const char *text, double x, double y,
                double size)
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

typedef struct drawing {
    char *path;
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoLayout *layout;
} drawing;

static drawing draw_begin(const char *file)
{
    drawing d = { .path = g_build_filename(tmp_dir, file, NULL) };
    d.surface = cairo_pdf_surface_create(d.path, 595, 842);
    d.cr = cairo_create(d.surface);
    d.layout = pango_cairo_create_layout(d.cr);
    return d;
}

/* Finishes the PDF; returns its path (g_free). */
static char *draw_end(drawing *d)
{
    g_object_unref(d->layout);
    cairo_destroy(d->cr);
    cairo_surface_finish(d->surface);
    g_assert_cmpint(cairo_surface_status(d->surface), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(d->surface);
    return d->path;
}

static void extract(const char *path, ghs_extracted *e)
{
    ghs_error err = {0};
    if (ghs_extract_pdf(path, e, &err) != 0)
        g_error("extract %s: %s", path, err.message);
}

/* The pages (bit i-1 for page i) on which a search for q in the index at
 * db finds passages. */
static unsigned pages_found(const char *db, const char *q)
{
    ghs_search_opts o = { GHS_SEARCH_OPTS_INIT, .limit = 100, .per_doc = 100, .literal = 1 };
    ghs_results *r = ghs_test_search(db, q, &o);
    unsigned pages = 0;
    for (size_t i = 0; i < ghs_results_count(r); i++) {
        const ghs_hit *h = ghs_results_hit(r, i);
        g_assert_cmpint(h->page, >=, 1);
        g_assert_cmpint(h->page, <=, 32);
        pages |= 1u << (h->page - 1);
    }
    ghs_results_free(r);
    return pages;
}

/* A new index at *db holding the file at path. */
static void index_one(const char *tmpl, const char *path, char **db)
{
    ghs_index *ix = ghs_test_index_new(tmpl, db);
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_add_file(ix, path, NULL, NULL, &err), ==, 0);
    ghs_test_index_finish(ix);
}

/* ------------------------------------------------------------ running heads */

static const char HEAD[] = "TOOLKIT FOR ANALYSIS OF ROUTINE HEALTH FACILITY DATA";
static const char *const TOPICS[] = {
    "immunisation coverage", "malaria case reporting", "maternal deaths",
    "stock-outs of essential medicines", "outpatient visits", "tuberculosis notifications",
};

/* n pages: page 1 opens with HEAD as its title in large type, the others
 * carry it as a small running head; every page has a paragraph of its own
 * and a running foot "Version 2.3 - September 2016 ... Page i of n". */
static char *draw_report(const char *file, int n)
{
    drawing d = draw_begin(file);
    for (int i = 1; i <= n; i++) {
        double y = 90;
        if (i == 1) {
            put(d.cr, d.layout, HEAD, 50, 40, 13);
        } else {
            put(d.cr, d.layout, HEAD, 50, 30, 8);
        }
        char *body = g_strdup_printf(
            "Section %d reviews %s as the district health\n"
            "information system records %s. Each district office\n"
            "checks the monthly figures against the registers kept\n"
            "at the clinics before they are sent to the region.\n"
            "The review of %s found gaps.",
            i, TOPICS[(i - 1) % G_N_ELEMENTS(TOPICS)], TOPICS[(i - 1) % G_N_ELEMENTS(TOPICS)],
            TOPICS[(i - 1) % G_N_ELEMENTS(TOPICS)]);
        put(d.cr, d.layout, body, 50, y, 11);
        g_free(body);
        put(d.cr, d.layout, "Version 2.3 - September 2016", 50, 800, 8);
        char *foot = g_strdup_printf("Page %d of %d", i, n);
        put(d.cr, d.layout, foot, 480, 800, 8);
        g_free(foot);
        cairo_show_page(d.cr);
    }
    return draw_end(&d);
}

static void test_running_head_and_foot_stay_out_of_the_pages(void)
{
    char *path = draw_report("toolkit.pdf", 6);
    ghs_extracted e = {0};
    extract(path, &e);
    g_assert_cmpuint(e.n_pages, ==, 6);
    for (size_t i = 0; i < e.n_pages; i++) {
        const char *t = e.pages[i].text;
        g_test_message("page %zu: %s", i + 1, t);
        /* the page's own text is all there */
        g_assert_nonnull(strstr(t, TOPICS[i % G_N_ELEMENTS(TOPICS)]));
        char *last = g_strdup_printf("The review of %s found gaps.",
                                     TOPICS[i % G_N_ELEMENTS(TOPICS)]);
        g_assert_nonnull(strstr(t, last));
        g_free(last);
        g_assert_nonnull(strstr(t, "checks the monthly figures against the registers"));
        /* the running foot and its page number are not */
        g_assert_null(strstr(t, "Version 2.3"));
        g_assert_null(strstr(t, "September"));
        g_assert_null(strstr(t, " of 6"));
        if (i == 0)
            /* page 1's title is its heading, whatever the other pages repeat */
            g_assert_true(g_str_has_prefix(t, HEAD));
        else
            g_assert_null(strstr(t, "TOOLKIT"));
    }
    ghs_extracted_clear(&e);

    char *db = NULL;
    index_one("ghs-text-heads-XXXXXX", path, &db);
    /* The running head's words are on page 1 only, not on every page (a
     * phrase: single words also match the document's title, which is the
     * same words) */
    g_assert_cmpuint(pages_found(db, "\"routine health facility data\""), ==, 1u << 0);
    g_assert_cmpuint(pages_found(db, "september"), ==, 0);
    g_assert_cmpuint(pages_found(db, "tuberculosis"), ==, 1u << 5);
    ghs_test_rm_db(db);
    g_free(db);
    g_free(path);
}

static void test_two_page_document_keeps_its_repeated_lines(void)
{
    char *path = draw_report("leaflet.pdf", 2);
    ghs_extracted e = {0};
    extract(path, &e);
    g_assert_cmpuint(e.n_pages, ==, 2);
    for (size_t i = 0; i < e.n_pages; i++) {
        g_assert_nonnull(strstr(e.pages[i].text, "Version 2.3 - September 2016"));
        g_assert_nonnull(strstr(e.pages[i].text, "TOOLKIT FOR ANALYSIS"));
    }
    ghs_extracted_clear(&e);
    g_free(path);
}

/* Pages for ghs_pdf_drop_furniture() from texts, without layout (the
 * first and last lines in text order are the edges). */
static ghs_furniture_page *text_pages(const char *const *texts, size_t n)
{
    ghs_furniture_page *p = g_new0(ghs_furniture_page, n);
    for (size_t i = 0; i < n; i++)
        p[i].text = g_string_new(texts[i]);
    return p;
}

static void free_pages(ghs_furniture_page *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        g_string_free(p[i].text, TRUE);
        if (p[i].top != NULL)
            g_ptr_array_unref(p[i].top);
        if (p[i].bottom != NULL)
            g_ptr_array_unref(p[i].bottom);
    }
    g_free(p);
}

static void test_lines_repeated_in_the_body_are_text_not_furniture(void)
{
    /* Dummy text: the same wrapped paragraph on every page, its lines at
     * the edges and in the middle alike. */
    static const char para[] = "Lorem ipsum dolor sit amet\nconsectetur adipiscing elit\n"
                               "sed do eiusmod tempor\nincididunt ut labore\n";
    char *page = g_strconcat(para, para, para, NULL);
    const char *texts[] = { page, page, page, page };
    ghs_furniture_page *p = text_pages(texts, 4);
    g_assert_cmpuint(ghs_pdf_drop_furniture(p, 4), ==, 0);
    for (size_t i = 0; i < 4; i++)
        g_assert_cmpstr(p[i].text->str, ==, page);
    free_pages(p, 4);
    g_free(page);
}

static void test_running_head_read_mid_page_is_found_where_it_is_drawn(void)
{
    /* poppler reads a two-column page's running head at the top of its
     * second column: in the middle of the text, at the top of the page. */
    const char *texts[] = {
        "Title page\nof the report",
        "left column one\nleft column two\nleft column three\nleft column four\n"
        "Instructions for Form 1040NR\nright column one\nright column two\nright column three",
        "more left one\nmore left two\nmore left three\nmore left four\n"
        "Instructions for Form 1040NR\nmore right one\nmore right two\nmore right three",
        "last left one\nlast left two\nlast left three\nlast left four\n"
        "Instructions for Form 1040NR\nlast right one\nlast right two\nlast right three",
    };
    ghs_furniture_page *p = text_pages(texts, 4);
    for (size_t i = 1; i < 4; i++) {
        p[i].top = g_ptr_array_new_with_free_func(g_free);
        p[i].bottom = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(p[i].top, g_strdup("Instructions for Form 1040NR"));
        g_ptr_array_add(p[i].bottom, g_strdup(i == 1 ? "left column four" : "x"));
    }
    g_assert_cmpuint(ghs_pdf_drop_furniture(p, 4), ==, 3);
    for (size_t i = 1; i < 4; i++) {
        g_assert_null(strstr(p[i].text->str, "Instructions"));
        g_assert_nonnull(strstr(p[i].text->str, "right"));
    }
    g_assert_cmpstr(p[0].text->str, ==, texts[0]);
    free_pages(p, 4);
}

/* ------------------------------------------------------------ layout */

/* Page 1: an English heading in large type, a table of 4 rows and 3
 * columns (cells on one baseline, far apart) and two columns of text.
 * Page 2: a Japanese heading as long as the lines of its paragraph. */
static char *draw_table(void)
{
    drawing d = draw_begin("table.pdf");
    put(d.cr, d.layout, "Health spending in low-income countries", 50, 60, 16);
    static const char *const rows[][3] = {
        {"Indicator", "Value", "Trend"},
        {"Income", "Decline", "Reduction"},
        {"Providers", "2,989.2bn", "Timeliness"},
        {"Completeness", "Home", "News"},
    };
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 3; c++)
            put(d.cr, d.layout, rows[r][c], 50 + c * 90, 120 + r * 20, 11);
    put(d.cr, d.layout, "The first column covers household\nincome and its steady fall",
        50, 260, 11);
    put(d.cr, d.layout, "The second column covers\nout-of-pocket payments", 300, 260, 11);
    cairo_show_page(d.cr);

    put(d.cr, d.layout, "1. ユニバーサル・ヘルス・カバレッジ（UHC）と保健財政", 50, 60, 16);
    put(d.cr, d.layout,
        "ユニバーサル・ヘルス・カバレッジ（UHC）とは、すべての人が、健康\n"
        "増進、予防、治療、機能回復に関する適切なサービスを、支払い可能な\n"
        "費用で受けられる状態をいう。日本は長年にわたりUHCを国際保健外交\n"
        "の柱として掲げてきた。",
        50, 100, 12);
    cairo_show_page(d.cr);
    return draw_end(&d);
}

static void test_table_cells_never_glue_into_one_word(void)
{
    char *path = draw_table();
    ghs_extracted e = {0};
    extract(path, &e);
    const char *t = e.pages[0].text;
    g_test_message("page 1: %s", t);
    g_assert_null(strstr(t, "DeclineReduction"));
    g_assert_null(strstr(t, "Providers2,989.2bn"));
    g_assert_null(strstr(t, "TimelinessCompleteness"));
    g_assert_null(strstr(t, "HomeNews"));
    g_assert_nonnull(strstr(t, "Reduction"));
    g_assert_nonnull(strstr(t, "2,989.2bn"));
    ghs_extracted_clear(&e);

    char *db = NULL;
    index_one("ghs-text-table-XXXXXX", path, &db);
    /* the second word of each glued pair finds the page */
    g_assert_cmpuint(pages_found(db, "reduction"), ==, 1u << 0);
    g_assert_cmpuint(pages_found(db, "news"), ==, 1u << 0);
    g_assert_cmpuint(pages_found(db, "completeness"), ==, 1u << 0);
    g_assert_cmpuint(pages_found(db, "\"income decline\""), ==, 1u << 0);
    ghs_test_rm_db(db);
    g_free(db);
    g_free(path);
}

static void test_heading_line_ends_its_sentence(void)
{
    char *path = draw_table();
    ghs_extracted e = {0};
    extract(path, &e);
    /* English: a blank line after the heading, so no sentence runs on */
    g_assert_true(g_str_has_prefix(e.pages[0].text,
                                   "Health spending in low-income countries\n\n"));
    /* Japanese: the heading is not joined to its paragraph's first line */
    const char *ja = e.pages[1].text;
    g_test_message("page 2: %s", ja);
    g_assert_null(strstr(ja, "保健財政ユニバーサル"));
    g_assert_true(g_str_has_prefix(ja, "1. ユニバーサル・ヘルス・カバレッジ（UHC）と保健財政\n\n"
                                       "ユニバーサル・ヘルス・カバレッジ（UHC）とは"));
    /* its wrapped lines are still joined as one text */
    g_assert_nonnull(strstr(ja, "健康増進"));
    ghs_extracted_clear(&e);
    g_free(path);
}

/* ------------------------------------------------------------ notes and fields */

/* A PDF of two pages, written by hand (cairo writes no annotations): page
 * 1 is empty, page 2 has no content stream, only a FreeText annotation
 * without an appearance, a filled-in text field, a combo box with one item
 * chosen and a hidden FreeText annotation. */
static char *write_annotated_pdf(void)
{
    static const char *const objects[] = {
        "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R 7 0 R] >> >>",
        "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [5 0 R 6 0 R 7 0 R 8 0 R] >>",
        "<< /Type /Annot /Subtype /FreeText /Rect [72 600 500 700] /F 4 "
        "/DA (/Helv 12 Tf 0 g) /Contents (Cholera vaccination campaign in the lake districts) >>",
        "<< /Type /Annot /Subtype /Widget /FT /Tx /T (district) /F 4 /P 4 0 R "
        "/Rect [72 500 400 520] /DA (/Helv 10 Tf 0 g) /V (Mwanza surveillance office) >>",
        "<< /Type /Annot /Subtype /Widget /FT /Ch /Ff 131072 /T (disease) /F 4 /P 4 0 R "
        "/Rect [72 450 400 470] /DA (/Helv 10 Tf 0 g) /Opt [(Malaria) (Dengue)] /V (Dengue) >>",
        "<< /Type /Annot /Subtype /FreeText /Rect [72 300 500 350] /F 2 "
        "/DA (/Helv 12 Tf 0 g) /Contents (Confidential reviewer remark) >>",
    };
    GString *pdf = g_string_new("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
    size_t n = G_N_ELEMENTS(objects);
    size_t *offsets = g_new(size_t, n);
    for (size_t i = 0; i < n; i++) {
        offsets[i] = pdf->len;
        g_string_append_printf(pdf, "%zu 0 obj\n%s\nendobj\n", i + 1, objects[i]);
    }
    size_t xref = pdf->len;
    g_string_append_printf(pdf, "xref\n0 %zu\n0000000000 65535 f \n", n + 1);
    for (size_t i = 0; i < n; i++)
        g_string_append_printf(pdf, "%010zu 00000 n \n", offsets[i]);
    g_string_append_printf(pdf, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
                           n + 1, xref);
    char *path = g_build_filename(tmp_dir, "annotated.pdf", NULL);
    g_assert_true(g_file_set_contents(path, pdf->str, (gssize)pdf->len, NULL));
    g_string_free(pdf, TRUE);
    g_free(offsets);
    return path;
}

static void test_notes_and_form_fields_are_text_of_their_page(void)
{
    char *path = write_annotated_pdf();
    ghs_extracted e = {0};
    ghs_error err = {0};
    /* not "no text layer": the words are in the notes and fields */
    g_assert_cmpint(ghs_extract_pdf(path, &e, &err), ==, 0);
    g_assert_cmpuint(e.n_pages, ==, 2);
    g_assert_cmpstr(e.pages[0].text, ==, "");
    const char *t = e.pages[1].text;
    g_test_message("page 2: %s", t);
    g_assert_nonnull(strstr(t, "Cholera vaccination campaign in the lake districts"));
    g_assert_nonnull(strstr(t, "Mwanza surveillance office"));
    g_assert_nonnull(strstr(t, "Dengue"));
    /* an item not chosen, and a hidden note, are nothing a reader sees */
    g_assert_null(strstr(t, "Malaria"));
    g_assert_null(strstr(t, "Confidential"));
    ghs_extracted_clear(&e);

    char *db = NULL;
    index_one("ghs-text-notes-XXXXXX", path, &db);
    g_assert_cmpuint(pages_found(db, "cholera vaccination"), ==, 1u << 1);
    g_assert_cmpuint(pages_found(db, "mwanza"), ==, 1u << 1);
    g_assert_cmpuint(pages_found(db, "dengue"), ==, 1u << 1);
    g_assert_cmpuint(pages_found(db, "confidential"), ==, 0);
    ghs_test_rm_db(db);
    g_free(db);
    g_free(path);
}

/* pdf.js's regression files whose only words are in a FreeText note
 * without appearance, a text field, a sticky note. */
static void test_real_files_with_words_only_in_notes_and_fields_are_read(void)
{
    static const struct {
        const char *file, *words;
    } cases[] = {
        {"pdfjs-freetext_no_appearance.pdf", "الإنترنت العالمي المفتوح"},
        {"pdfjs-annotation-tx.pdf", "tx annotation"},
        {"pdfjs-annotation-text-without-popup.pdf", "Text content without Popup annotation"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *path = ghs_test_shared_data("pdf", cases[i].file, NULL);
        if (path == NULL)
            return;
        ghs_extracted e = {0};
        ghs_error err = {0};
        int rc = ghs_extract_pdf(path, &e, &err);
        if (rc != 0)
            g_error("%s: %s", cases[i].file, err.message);
        g_assert_cmpuint(e.n_pages, >=, 1);
        g_assert_nonnull(strstr(e.pages[0].text, cases[i].words));
        ghs_extracted_clear(&e);
        g_free(path);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmp_dir = ghs_test_tmp_dir("ghs-pdf-text-XXXXXX");
    g_test_add_func("/pdf_text/running_head_and_foot_stay_out_of_the_pages",
                    test_running_head_and_foot_stay_out_of_the_pages);
    g_test_add_func("/pdf_text/two_page_document_keeps_its_repeated_lines",
                    test_two_page_document_keeps_its_repeated_lines);
    g_test_add_func("/pdf_text/lines_repeated_in_the_body_are_text_not_furniture",
                    test_lines_repeated_in_the_body_are_text_not_furniture);
    g_test_add_func("/pdf_text/running_head_read_mid_page_is_found_where_it_is_drawn",
                    test_running_head_read_mid_page_is_found_where_it_is_drawn);
    g_test_add_func("/pdf_text/table_cells_never_glue_into_one_word",
                    test_table_cells_never_glue_into_one_word);
    g_test_add_func("/pdf_text/heading_line_ends_its_sentence",
                    test_heading_line_ends_its_sentence);
    g_test_add_func("/pdf_text/notes_and_form_fields_are_text_of_their_page",
                    test_notes_and_form_fields_are_text_of_their_page);
    g_test_add_func("/pdf_text/real_files_with_words_only_in_notes_and_fields_are_read",
                    test_real_files_with_words_only_in_notes_and_fields_are_read);
    int rc = g_test_run();
    ghs_test_rm_tree(tmp_dir);
    g_free(tmp_dir);
    return rc;
}
