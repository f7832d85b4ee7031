/*
 * test_extract_cidfont.c: Japanese text set in a CID font that is NOT
 * embedded and has no /ToUnicode, as many Japanese government PDFs are.
 *
 * Such a PDF names only a standard CMap (/UniJIS-UCS2-H, /90ms-RKSJ-H) and
 * the Adobe-Japan1 character collection; poppler turns the bytes into
 * Unicode only through the CMap and cidToUnicode files of the package
 * poppler-data. Without it every page comes out empty (GHS_ENOTEXT) and
 * the document cannot be found. The fixture is written here byte by byte
 * (a minimal PDF with its xref table), so no binary file is committed and
 * nothing depends on fonts installed on the machine.
 */
#include <stdbool.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <poppler.h>

#include "extract.h"
#include "ghsearch.h"
#include "test_util.h"

static char *tmp_dir;

/* Page 1: UTF-16BE through /UniJIS-UCS2-H, CIDFontType0 (Ryumin-Light). */
static const char page1_text[] =
    "ユニバーサル・ヘルス・カバレッジ（UHC）とは、すべての人が適切な"
    "保健医療サービスを受けられる状態をいう。";
/* Page 2: Shift_JIS (CP932) through /90ms-RKSJ-H, CIDFontType2 (MS-Mincho).
 * A short heading line, then a sentence with half-width digits. */
static const char page2_heading[] = "新型コロナウイルス感染症";
static const char page2_body[] =
    "2023年5月8日から、感染症法上の位置づけが5類感染症に変更された。";

/* Where Debian's poppler looks for the files of poppler-data. */
#define POPPLER_DATA_DIR "/usr/share/poppler"
static const char *const poppler_data_files[] = {
    POPPLER_DATA_DIR "/cMap/Adobe-Japan1/UniJIS-UCS2-H",
    POPPLER_DATA_DIR "/cMap/Adobe-Japan1/90ms-RKSJ-H",
    POPPLER_DATA_DIR "/cidToUnicode/Adobe-Japan1",
};

/* ------------------------------------------------------------ fixture */

static void append_hex(GString *out, const char *bytes, size_t n)
{
    g_string_append_c(out, '<');
    for (size_t i = 0; i < n; i++)
        g_string_append_printf(out, "%02X", (unsigned char)bytes[i]);
    g_string_append_c(out, '>');
}

/* s (UTF-8) as a PDF hex string in the given encoding (iconv name). */
static void append_encoded(GString *out, const char *s, const char *charset)
{
    gsize n = 0;
    GError *gerr = NULL;
    char *enc = g_convert(s, -1, charset, "UTF-8", NULL, &n, &gerr);
    g_assert_no_error(gerr);
    append_hex(out, enc, n);
    g_free(enc);
}

/* A CID-keyed font of Adobe-Japan1, not embedded: a Type0 font with a
 * standard CMap as its /Encoding, its descendant and its descriptor, with
 * no /FontFile* and no /ToUnicode. */
static void cid_font_objects(char *objs[], int type0, int cmap_is_ucs2)
{
    const char *base = cmap_is_ucs2 ? "Ryumin-Light" : "MS-Mincho";
    const char *cmap = cmap_is_ucs2 ? "UniJIS-UCS2-H" : "90ms-RKSJ-H";
    /* CIDFontType0 (a CFF font) for Ryumin, CIDFontType2 (TrueType) for
     * MS-Mincho, as producers write them. Widths: 1000 (full width) by
     * default; the proportional (1-230) and half-width (231-632) Latin
     * glyphs half that. */
    objs[0] = g_strdup_printf(
        "<< /Type /Font /Subtype /Type0 /BaseFont /%s-%s /Encoding /%s "
        "/DescendantFonts [%d 0 R] >>",
        base, cmap, cmap, type0 + 1);
    objs[1] = g_strdup_printf(
        "<< /Type /Font /Subtype /%s /BaseFont /%s "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 2 >> "
        "/FontDescriptor %d 0 R /DW 1000 /W [1 230 500 231 632 500]%s >>",
        cmap_is_ucs2 ? "CIDFontType0" : "CIDFontType2", base, type0 + 2,
        cmap_is_ucs2 ? "" : " /CIDToGIDMap /Identity");
    objs[2] = g_strdup_printf(
        "<< /Type /FontDescriptor /FontName /%s /Flags 6 "
        "/FontBBox [-170 -331 1024 903] /ItalicAngle 0 /Ascent 859 "
        "/Descent -141 /CapHeight 709 /StemV 69 >>",
        base);
}

static char *stream_object(const GString *content)
{
    return g_strdup_printf("<< /Length %zu >>\nstream\n%s\nendstream",
                           content->len, content->str);
}

/* Writes the two-page fixture to tmp_dir/file and returns its path. */
static char *make_cid_pdf(const char *file)
{
    enum { N_OBJS = 12 };
    char *objs[N_OBJS + 1] = {0}; /* objs[i]: the body of object i */
    objs[1] = g_strdup("<< /Type /Catalog /Pages 2 0 R >>");
    objs[2] = g_strdup("<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>");
    objs[3] = g_strdup("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       "/Resources << /Font << /F1 7 0 R >> >> /Contents 5 0 R >>");
    objs[4] = g_strdup("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       "/Resources << /Font << /F2 10 0 R >> >> /Contents 6 0 R >>");

    GString *c = g_string_new("BT\n/F1 9 Tf\n50 780 Td\n");
    append_encoded(c, page1_text, "UTF-16BE");
    g_string_append(c, " Tj\nET");
    objs[5] = stream_object(c);
    g_string_assign(c, "BT\n/F2 10.5 Tf\n50 780 Td\n");
    append_encoded(c, page2_heading, "CP932");
    g_string_append(c, " Tj\n0 -24 Td\n");
    append_encoded(c, page2_body, "CP932");
    g_string_append(c, " Tj\nET");
    objs[6] = stream_object(c);
    g_string_free(c, TRUE);

    cid_font_objects(objs + 7, 7, 1);   /* objects 7, 8, 9 */
    cid_font_objects(objs + 10, 10, 0); /* objects 10, 11, 12 */

    GString *pdf = g_string_new("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
    size_t offsets[N_OBJS + 1] = {0};
    for (int i = 1; i <= N_OBJS; i++) {
        g_assert_nonnull(objs[i]);
        offsets[i] = pdf->len;
        g_string_append_printf(pdf, "%d 0 obj\n%s\nendobj\n", i, objs[i]);
        g_free(objs[i]);
    }
    size_t xref = pdf->len;
    /* Each xref entry is exactly 20 bytes: "nnnnnnnnnn ggggg n \n". */
    g_string_append_printf(pdf, "xref\n0 %d\n0000000000 65535 f \n", N_OBJS + 1);
    for (int i = 1; i <= N_OBJS; i++)
        g_string_append_printf(pdf, "%010zu 00000 n \n", offsets[i]);
    g_string_append_printf(pdf, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
                           N_OBJS + 1, xref);

    char *path = g_build_filename(tmp_dir, file, NULL);
    GError *gerr = NULL;
    g_file_set_contents(path, pdf->str, (gssize)pdf->len, &gerr);
    g_assert_no_error(gerr);
    g_string_free(pdf, TRUE);
    return path;
}

/* ------------------------------------------------------------ poppler-data */

/* Fails the current test, saying that poppler-data is the likely cause and
 * which of its files are missing. */
static void fail_for_poppler_data(const char *what)
{
    GString *missing = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(poppler_data_files); i++)
        if (!g_file_test(poppler_data_files[i], G_FILE_TEST_EXISTS))
            g_string_append_printf(missing, " %s", poppler_data_files[i]);
    g_test_fail_printf(
        "%s. Japanese text in a non-embedded CID font without /ToUnicode "
        "is decoded only with the CMaps and cidToUnicode tables of the "
        "package poppler-data: install it (sudo apt-get install poppler-data; "
        "tools/setup.sh does). %s%s",
        what, missing->len > 0 ? "Missing here:" : "Its files are present in "
        POPPLER_DATA_DIR ", so the cause lies elsewhere.",
        missing->str);
    g_string_free(missing, TRUE);
}

/* Extracts path into e; true when Japanese text came out of both pages,
 * otherwise fails the test naming poppler-data and returns false. */
static bool extract_japanese(const char *path, ghs_extracted *e)
{
    ghs_error err = {0};
    int rc = ghs_extract_pdf(path, e, &err);
    if (rc != 0) {
        char *what = g_strdup_printf("ghs_extract_pdf gave %d (%s) on a Japanese PDF "
                                     "whose CID fonts are not embedded",
                                     rc, err.message);
        fail_for_poppler_data(what);
        g_free(what);
        return false;
    }
    g_assert_cmpuint(e->n_pages, ==, 2);
    if (strstr(e->pages[0].text, "保健医療") == NULL ||
        strstr(e->pages[1].text, "感染症") == NULL) {
        char *what = g_strdup_printf(
            "no Japanese text from the non-embedded CID fonts (page 1: \"%s\", "
            "page 2: \"%s\")", e->pages[0].text, e->pages[1].text);
        fail_for_poppler_data(what);
        g_free(what);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------ tests */

/* The fixture is what it claims: two Type 0 fonts of the Adobe-Japan1
 * collection, CIDFontType0 and CIDFontType2, neither embedded (pdffonts
 * would say emb=no), and nothing in the file maps codes to Unicode. */
static void test_fixture_fonts_are_cid_and_not_embedded(void)
{
    char *path = make_cid_pdf("cid-fonts.pdf");
    char *bytes = NULL;
    gsize n = 0;
    g_assert_true(g_file_get_contents(path, &bytes, &n, NULL));
    g_assert_null(g_strstr_len(bytes, (gssize)n, "/FontFile"));
    g_assert_null(g_strstr_len(bytes, (gssize)n, "/ToUnicode"));
    g_assert_nonnull(g_strstr_len(bytes, (gssize)n, "/Encoding /UniJIS-UCS2-H"));
    g_assert_nonnull(g_strstr_len(bytes, (gssize)n, "/Encoding /90ms-RKSJ-H"));
    g_free(bytes);

    char *uri = g_filename_to_uri(path, NULL, NULL);
    GError *gerr = NULL;
    PopplerDocument *doc = poppler_document_new_from_file(uri, NULL, &gerr);
    g_assert_no_error(gerr);
    g_assert_cmpint(poppler_document_get_n_pages(doc), ==, 2);
    PopplerFontInfo *info = poppler_font_info_new(doc);
    PopplerFontsIter *it = NULL;
    int fonts = 0, type0 = 0, type2 = 0;
    while (poppler_font_info_scan(info, 1, &it)) {
        if (it == NULL)
            continue;
        do {
            fonts++;
            g_test_message("font %s: type %d, embedded %d",
                           poppler_fonts_iter_get_name(it),
                           poppler_fonts_iter_get_font_type(it),
                           poppler_fonts_iter_is_embedded(it));
            g_assert_false(poppler_fonts_iter_is_embedded(it));
            PopplerFontType t = poppler_fonts_iter_get_font_type(it);
            type0 += t == POPPLER_FONT_TYPE_CID_TYPE0;
            type2 += t == POPPLER_FONT_TYPE_CID_TYPE2;
        } while (poppler_fonts_iter_next(it));
        poppler_fonts_iter_free(it);
        it = NULL;
    }
    g_object_unref(info);
    g_object_unref(doc);
    if (fonts != 2) {
        /* poppler drops a font whose CMap it cannot load */
        char *what = g_strdup_printf("poppler sees %d of the fixture's 2 fonts", fonts);
        fail_for_poppler_data(what);
        g_free(what);
    } else {
        g_assert_cmpint(type0, ==, 1);
        g_assert_cmpint(type2, ==, 1);
    }
    g_free(uri);
    g_free(path);
}

static void test_japanese_text_comes_out_of_non_embedded_cid_fonts(void)
{
    char *path = make_cid_pdf("cid-text.pdf");
    ghs_extracted e = {0};
    if (extract_japanese(path, &e)) {
        g_assert_cmpuint(e.n_pages, ==, 2);
        g_assert_cmpint(e.pages[0].number, ==, 1);
        g_assert_cmpint(e.pages[1].number, ==, 2);
        /* UniJIS-UCS2-H: every character back as written, full-width
         * parentheses and the middle dot included. */
        g_assert_cmpstr(e.pages[0].text, ==, page1_text);
        g_assert_cmpuint(e.pages[0].len, ==, strlen(page1_text));
        /* 90ms-RKSJ-H: Shift_JIS kanji and kana, half-width digits; the
         * short heading, set apart above the body, ends a paragraph. */
        char *want = g_strconcat(page2_heading, "\n\n", page2_body, NULL);
        g_assert_cmpstr(e.pages[1].text, ==, want);
        g_free(want);
    }
    ghs_extracted_clear(&e);
    g_free(path);
}

/* Indexed, the document is found by its Japanese words, on the right page. */
static void test_pdf_with_non_embedded_cid_fonts_is_searchable(void)
{
    char *path = make_cid_pdf("uhc-cid.pdf");
    char *db = NULL;
    ghs_index *ix = ghs_test_index_new("ghs-test-cid-XXXXXX", &db);
    ghs_add_report rep = {0};
    ghs_error err = {0};
    int rc = ghs_index_add_file(ix, path, NULL, &rep, &err);
    ghs_test_index_finish(ix);
    if (rc != 0) {
        char *what = g_strdup_printf("indexing a Japanese PDF whose CID fonts are "
                                     "not embedded failed: %d (%s)", rc, err.message);
        fail_for_poppler_data(what);
        g_free(what);
    } else {
        g_assert_cmpuint(rep.pages, ==, 2);
        struct { const char *q; int page; } cases[] = {
            {"保健医療", 1},
            {"ユニバーサル・ヘルス・カバレッジ", 1},
            {"\"新型コロナウイルス感染症\"", 2},
            {"5類感染症", 2},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
            ghs_search_opts o = {.limit = 1};
            ghs_results *r = ghs_test_search(db, cases[i].q, &o);
            size_t hits = ghs_results_count(r);
            int page = hits > 0 ? ghs_results_hit(r, 0)->page : 0;
            ghs_results_free(r);
            if (hits == 0) {
                char *what = g_strdup_printf("no hit for %s", cases[i].q);
                fail_for_poppler_data(what);
                g_free(what);
                break;
            }
            g_assert_cmpint(page, ==, cases[i].page);
        }
    }
    ghs_test_rm_db(db);
    g_free(db);
    g_free(path);
}

/* ------------------------------------------------------------ main */

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmp_dir = ghs_test_tmp_dir("ghs-test-cidfont-XXXXXX");

    g_test_add_func("/extract_cidfont/fixture_fonts_are_cid_and_not_embedded",
                    test_fixture_fonts_are_cid_and_not_embedded);
    g_test_add_func("/extract_cidfont/japanese_text_comes_out_of_non_embedded_cid_fonts",
                    test_japanese_text_comes_out_of_non_embedded_cid_fonts);
    g_test_add_func("/extract_cidfont/pdf_with_non_embedded_cid_fonts_is_searchable",
                    test_pdf_with_non_embedded_cid_fonts_is_searchable);

    int rc = g_test_run();
    ghs_test_rm_tree(tmp_dir);
    g_free(tmp_dir);
    return rc;
}
