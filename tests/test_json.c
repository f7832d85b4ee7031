/*
 * test_json.c: the library's JSON writers (ghs_json_string,
 * ghs_json_number, ghs_hit_json, ghs_document_json, ghs_facets_json), the
 * text `ghsearch search --json`, `show --json` and the HTTP API print:
 * exact bytes for known values, output that json-glib parses back to the
 * same values (Japanese, every control character, invalid UTF-8), the
 * remote view of "source" that never shows a directory, the "open_url"
 * that opens a hit at its page (never a path over HTTP), and numbers with
 * a decimal point whatever the locale.
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ghsearch.h"

/* Parse json (asserting it is one valid JSON value on one line) and return
 * its root (json_node_free). */
static JsonNode *
parse(const char *json)
{
    GError *error = NULL;
    JsonNode *root;

    g_assert_nonnull(json);
    g_assert_null(strchr(json, '\n'));
    root = json_from_string(json, &error);
    g_assert_no_error(error);
    g_assert_nonnull(root);
    return root;
}

/* ghs_json_string(s), asserting it is text, and that it parses back to
 * expected. Returns the JSON (ghs_free). */
static char *
json_string_roundtrip(const char *s, const char *expected)
{
    char *json = ghs_json_string(s);
    JsonNode *root = parse(json);

    g_assert_true(g_utf8_validate(json, -1, NULL));
    g_assert_cmpint(json_node_get_value_type(root), ==, G_TYPE_STRING);
    g_assert_cmpstr(json_node_get_string(root), ==, expected);
    json_node_free(root);
    return json;
}

static void
test_string_escapes_quotes_backslashes_and_controls(void)
{
    char *json = json_string_roundtrip("say \"hi\" \\ a\tb\nc\rd\be\ff\x1b[31m\x7f",
                                       "say \"hi\" \\ a\tb\nc\rd\be\ff\x1b[31m\x7f");
    char s[2] = { 0, 0 };

    g_assert_cmpstr(json, ==,
                    "\"say \\\"hi\\\" \\\\ a\\tb\\nc\\rd\\be\\ff\\u001b[31m\\u007f\"");
    ghs_free(json);

    /* every control character and DEL escaped (no raw byte below 0x20
     * reaches a terminal) and read back as itself */
    for (int c = 1; c < 0x80; c++) {
        if (c >= 0x20 && c != 0x7f)
            continue;
        s[0] = (char)c;
        json = json_string_roundtrip(s, s);
        for (const char *p = json; *p; p++)
            g_assert_cmpint((unsigned char)*p, >=, 0x20);
        g_assert_null(strchr(json, 0x7f));
        ghs_free(json);
    }
    /* "/" and plain ASCII stay as they are */
    json = json_string_roundtrip("a/b <c> & 'd'", "a/b <c> & 'd'");
    g_assert_cmpstr(json, ==, "\"a/b <c> & 'd'\"");
    ghs_free(json);
}

static void
test_string_keeps_japanese_and_repairs_invalid_utf8(void)
{
    char *json = json_string_roundtrip("保健財政「UHC」の推進　ｶﾀｶﾅ",
                                       "保健財政「UHC」の推進　ｶﾀｶﾅ");

    g_assert_cmpstr(json, ==, "\"保健財政「UHC」の推進　ｶﾀｶﾅ\"");   /* no \u escapes */
    ghs_free(json);

    /* a stray byte and each byte of a cut-off sequence become U+FFFD */
    json = json_string_roundtrip("a\xff b \xe4\xbf",
                                 "a\xef\xbf\xbd b \xef\xbf\xbd\xef\xbf\xbd");
    ghs_free(json);

    json = ghs_json_string(NULL);
    g_assert_cmpstr(json, ==, "\"\"");
    ghs_free(json);
    json = ghs_json_string("");
    g_assert_cmpstr(json, ==, "\"\"");
    ghs_free(json);
}

static void
check_number(double v, const char *expected)
{
    char *json = ghs_json_number(v);

    g_assert_cmpstr(json, ==, expected);
    ghs_free(json);
}

static void
test_number_is_shortest_g6_and_finite(void)
{
    check_number(2.2567891, "2.25679");
    check_number(42, "42");
    check_number(0, "0");
    check_number(-0.5, "-0.5");
    check_number(1e-7, "1e-07");
    check_number(123456789, "1.23457e+08");
    check_number(NAN, "0");
    check_number(INFINITY, "0");
    check_number(-INFINITY, "0");
}

/* A locale that writes 0.5 as "0,5", or NULL when none is installed. */
static const char *
comma_locale(void)
{
    static const char *const names[] = { "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                         "fr_FR.utf8", "nl_NL.UTF-8", "ru_RU.UTF-8" };
    char buf[16];

    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        if (!setlocale(LC_NUMERIC, names[i]))
            continue;
        snprintf(buf, sizeof buf, "%g", 0.5);
        if (strcmp(buf, "0,5") == 0)
            return names[i];
    }
    setlocale(LC_NUMERIC, "C");
    return NULL;
}

static void
test_numbers_ignore_the_locale(void)
{
    ghs_hit h = { .rank = 1, .score = 2.5, .doc = "d", .tier = 1, .reranked = 1,
                  .rerank = 0.25 };
    const char *name = comma_locale();
    char *json;

    if (!name) {
        g_test_skip("no locale with a decimal comma is installed (de_DE, fr_FR, ...)");
        return;
    }
    g_test_message("LC_NUMERIC=%s", name);
    check_number(0.5, "0.5");
    check_number(1234.5, "1234.5");
    json = ghs_hit_json(&h, 0);
    g_assert_nonnull(strstr(json, "\"score\":2.5,"));
    g_assert_nonnull(strstr(json, "\"rerank\":0.25"));
    json_node_free(parse(json));
    ghs_free(json);
    setlocale(LC_NUMERIC, "C");
}

static const ghs_span spans[] = { { 0, 4 }, { 10, 13 } };
static const ghs_location also[] = {
    { "release-ja", "プレスリリース", 0, "" },
    { "brief-en", "Brief", 7, "5" },
};

static ghs_hit
japanese_hit(void)
{
    ghs_hit h = {
        .rank = 3, .score = 12.3456789, .doc = "uhc-brief-ja",
        .title = "危機に強い保健医療体制\x1b",
        .source = "/home/alice/private/corpus/uhc-brief-ja.pdf",
        .lang = "ja", .type = "pdf", .passage = "…保健財政の強化が「必要」である。",
        .citation = "危機に強い保健医療体制, p. 3", .publisher = "JCIE",
        .date = "2023-05-10", .page = 3, .doc_rank = 2, .highlights = spans,
        .n_highlights = 2, .url = "", .linked_from = "",
        .full_passage = "前文。保健財政の強化が「必要」である。",
        .window_start = 3, .window_end = 20, .also_in = also, .n_also_in = 2,
        .tier = 1, .reranked = 1, .rerank = 0.5, .page_label = "iii",
    };
    return h;
}

static void
test_hit_has_every_field_in_order(void)
{
    ghs_hit h = japanese_hit();
    char *json = ghs_hit_json(&h, 0);
    JsonNode *root = parse(json);
    JsonObject *o = json_node_get_object(root);

    g_assert_cmpstr(json, ==,
        "{\"rank\":3,\"score\":12.3457,\"doc\":\"uhc-brief-ja\","
        "\"title\":\"危機に強い保健医療体制\\u001b\","
        "\"source\":\"/home/alice/private/corpus/uhc-brief-ja.pdf\",\"page\":3,"
        "\"lang\":\"ja\",\"passage\":\"…保健財政の強化が「必要」である。\","
        "\"highlights\":[[0,4],[10,13]],\"citation\":\"危機に強い保健医療体制, p. 3\","
        "\"type\":\"pdf\",\"publisher\":\"JCIE\",\"date\":\"2023-05-10\",\"url\":\"\","
        "\"doc_rank\":2,\"full_passage\":\"前文。保健財政の強化が「必要」である。\","
        "\"window\":[3,20],\"also_in\":[{\"doc\":\"release-ja\",\"title\":\"プレスリリース\","
        "\"page\":null},{\"doc\":\"brief-en\",\"title\":\"Brief\",\"page\":7,"
        "\"page_label\":\"5\"}],"
        "\"tier\":1,\"rerank\":0.5,\"page_label\":\"iii\"}");
    g_assert_cmpstr(json_object_get_string_member(o, "title"), ==, "危機に強い保健医療体制\x1b");
    json_node_free(root);
    ghs_free(json);

    /* optional members: linked_from when set; rerank and page_label only
     * when there is one; a hit without pages has "page":null; a missing
     * full_passage is the passage */
    h.linked_from = "Release";
    h.reranked = 0;
    h.page_label = "";
    h.page = 0;
    h.full_passage = NULL;
    h.n_also_in = 0;
    h.n_highlights = 0;
    json = ghs_hit_json(&h, 0);
    g_assert_nonnull(strstr(json, ",\"page\":null,\"lang\":"));
    g_assert_nonnull(strstr(json, "\"highlights\":[],"));
    g_assert_nonnull(strstr(json, "\"url\":\"\",\"linked_from\":\"Release\",\"doc_rank\":2,"));
    g_assert_nonnull(strstr(json, "\"full_passage\":\"…保健財政の強化が「必要」である。\""));
    g_assert_true(g_str_has_suffix(json, "\"also_in\":[],\"tier\":1}"));
    json_node_free(parse(json));
    ghs_free(json);

    g_assert_null(ghs_hit_json(NULL, 0));
}

/* Assert that json (hit or document JSON, freed here) parses and that its
 * "source" is expected. */
static void
check_source(char *json, const char *expected)
{
    JsonNode *root = parse(json);

    g_assert_cmpstr(json_object_get_string_member(json_node_get_object(root), "source"), ==,
                    expected);
    json_node_free(root);
    ghs_free(json);
}

static void
test_remote_source_hides_directories(void)
{
    ghs_hit h = japanese_hit();
    ghs_document d = { .id = "x", .title = "t", .source = "/srv/data/secret/x.pdf",
                       .lang = "en", .type = "pdf", .publisher = "", .date = "", .url = "" };
    char *json;

    /* a local file: its name only, no directory anywhere in the object */
    json = ghs_hit_json(&h, GHS_JSON_SOURCE_REMOTE);
    g_assert_null(strstr(json, "/home"));
    g_assert_null(strstr(json, "private"));
    check_source(json, "uhc-brief-ja.pdf");
    /* the command line shows the path as indexed */
    check_source(ghs_hit_json(&h, 0), "/home/alice/private/corpus/uhc-brief-ja.pdf");
    /* the document's URL when it has one */
    h.url = "https://www.jcie.or.jp/brief.pdf";
    check_source(ghs_hit_json(&h, GHS_JSON_SOURCE_REMOTE), "https://www.jcie.or.jp/brief.pdf");
    /* a source that is a URL itself */
    h.url = "";
    h.source = "https://example.org/a/b.pdf";
    check_source(ghs_hit_json(&h, GHS_JSON_SOURCE_REMOTE), "https://example.org/a/b.pdf");
    /* a relative path and a bare name */
    h.source = "corpus/sub/records.jsonl#note-1";
    check_source(ghs_hit_json(&h, GHS_JSON_SOURCE_REMOTE), "records.jsonl#note-1");
    h.source = "報告書.pdf";
    check_source(ghs_hit_json(&h, GHS_JSON_SOURCE_REMOTE), "報告書.pdf");

    /* documents likewise */
    json = ghs_document_json(&d, GHS_JSON_SOURCE_REMOTE);
    g_assert_null(strstr(json, "/srv"));
    check_source(json, "x.pdf");
    check_source(ghs_document_json(&d, 0), "/srv/data/secret/x.pdf");
}

/* json (freed here) parsed: its "open_url", or NULL when it has none
 * (g_free). */
static char *
open_url_of(char *json)
{
    JsonNode *root = parse(json);
    JsonObject *o = json_node_get_object(root);
    char *url = json_object_has_member(o, "open_url")
                ? g_strdup(json_object_get_string_member(o, "open_url")) : NULL;

    json_node_free(root);
    ghs_free(json);
    return url;
}

#define assert_open_url(json, expected) \
    do { \
        char *u_ = open_url_of(json); \
        g_assert_cmpstr(u_, ==, (expected)); \
        g_free(u_); \
    } while (0)

/* A hit opens at its page: its local file on the command line, the
 * server's own PDF link over HTTP (never a path), else its web address;
 * a record only at a real web address. */
static void
test_open_url_opens_the_page_and_never_shows_a_path_remotely(void)
{
    char *dir = g_dir_make_tmp("ghs-openurl-XXXXXX", NULL);
    char *pdf = g_build_filename(dir, "保健 報告.pdf", NULL);
    char *jsonl = g_build_filename(dir, "records.jsonl", NULL);
    char *uri, *want, *json, *link;
    ghs_hit h = japanese_hit();
    int fd;

    g_assert_nonnull(dir);
    g_assert_true(g_file_set_contents(pdf, "%PDF-1.4\n%%EOF\n", -1, NULL));
    g_assert_true(g_file_set_contents(jsonl, "{}\n", -1, NULL));
    uri = g_filename_to_uri(pdf, NULL, NULL);
    h.path = pdf;

    /* the command line: the file, at the physical page, percent-encoded */
    want = g_strconcat(uri, "#page=3", NULL);
    g_assert_true(g_str_has_prefix(want, "file:///"));
    g_assert_nonnull(strstr(want, "%E4%BF%9D%E5%81%A5%20"));
    assert_open_url(ghs_hit_json(&h, 0), want);
    link = ghs_hit_open_url(&h, 0);
    g_assert_cmpstr(link, ==, want);
    ghs_free(link);
    g_free(want);

    /* over HTTP: the server's PDF route, relative, the id percent-encoded;
     * no directory of this machine anywhere in the object */
    json = ghs_hit_json(&h, GHS_JSON_SOURCE_REMOTE);
    g_assert_null(strstr(json, dir));
    g_assert_null(strstr(json, "file:"));
    g_assert_null(strstr(json, "/home"));
    assert_open_url(json, "/doc/uhc-brief-ja/pdf#page=3");
    h.doc = "a b/c?";
    assert_open_url(ghs_hit_json(&h, GHS_JSON_SOURCE_REMOTE), "/doc/a%20b%2Fc%3F/pdf#page=3");
    h.doc = "uhc-brief-ja";

    /* a file that is no PDF any more is not served: the web address */
    g_assert_true(g_file_set_contents(pdf, "<html>moved</html>", -1, NULL));
    assert_open_url(ghs_hit_json(&h, GHS_JSON_SOURCE_REMOTE), NULL);
    h.url = "https://www.jcie.or.jp/brief.pdf";
    assert_open_url(ghs_hit_json(&h, GHS_JSON_SOURCE_REMOTE),
                    "https://www.jcie.or.jp/brief.pdf#page=3");

    /* the file gone: the web address on the command line too, else none */
    g_assert_cmpint(g_unlink(pdf), ==, 0);
    assert_open_url(ghs_hit_json(&h, 0), "https://www.jcie.or.jp/brief.pdf#page=3");
    h.url = "https://example.org/r.pdf#section-2";   /* a place of its own is kept */
    assert_open_url(ghs_hit_json(&h, 0), "https://example.org/r.pdf#section-2");
    h.url = "";
    assert_open_url(ghs_hit_json(&h, 0), NULL);
    assert_open_url(ghs_hit_json(&h, GHS_JSON_SOURCE_REMOTE), NULL);
    /* an unknown path (a document of another shard) likewise */
    h.path = "";
    assert_open_url(ghs_hit_json(&h, 0), NULL);
    h.path = NULL;
    assert_open_url(ghs_hit_json(&h, 0), NULL);

    /* a record: its url when it is a real web address, never its file
     * (the JSON Lines file of many records) nor a fake "file#id" url */
    h.type = "record";
    h.page = 0;
    h.path = jsonl;
    h.source = "records.jsonl#note-1";
    h.url = "records.jsonl#note-1";
    assert_open_url(ghs_hit_json(&h, 0), NULL);
    assert_open_url(ghs_hit_json(&h, GHS_JSON_SOURCE_REMOTE), NULL);
    h.url = "https://example.org/notes/1";
    assert_open_url(ghs_hit_json(&h, 0), "https://example.org/notes/1");
    assert_open_url(ghs_hit_json(&h, GHS_JSON_SOURCE_REMOTE), "https://example.org/notes/1");

    /* a release: its file, without a page */
    h.type = "release";
    h.url = "";
    g_free(uri);
    uri = g_filename_to_uri(jsonl, NULL, NULL);
    assert_open_url(ghs_hit_json(&h, 0), uri);
    assert_open_url(ghs_hit_json(&h, GHS_JSON_SOURCE_REMOTE), NULL);

    /* a document by the same rule; the server opens only a PDF */
    {
        ghs_document d = { .id = "x", .title = "t", .source = jsonl, .lang = "en",
                           .type = "pdf", .publisher = "", .date = "", .url = "",
                           .path = pdf };

        g_assert_true(g_file_set_contents(pdf, "%PDF-1.7\n", -1, NULL));
        fd = ghs_document_pdf_open(&d);
        g_assert_cmpint(fd, >=, 0);
        close(fd);
        link = ghs_document_open_url(&d, 2, GHS_JSON_SOURCE_REMOTE);
        g_assert_cmpstr(link, ==, "/doc/x/pdf#page=2");
        ghs_free(link);
        d.path = jsonl;   /* no PDF header */
        g_assert_cmpint(ghs_document_pdf_open(&d), ==, -1);
        d.type = "release";
        d.path = pdf;
        g_assert_cmpint(ghs_document_pdf_open(&d), ==, -1);
        g_assert_null(ghs_document_open_url(NULL, 0, 0));
        g_assert_null(ghs_hit_open_url(NULL, 0));
    }

    g_unlink(pdf);
    g_unlink(jsonl);
    g_rmdir(dir);
    g_free(uri);
    g_free(pdf);
    g_free(jsonl);
    g_free(dir);
}

static void
test_document_object(void)
{
    ghs_document d = {
        .id = "uhc-brief-ja", .title = "危機に強い\"保健\"医療体制",
        .source = "/data/uhc-brief-ja.pdf",
        .lang = "ja", .type = "pdf", .publisher = "日本国際交流センター", .date = "2023",
        .url = "https://example.org/brief.pdf", .pages = 12, .passages = 345,
    };
    char *json = ghs_document_json(&d, 0);
    JsonNode *root;

    g_assert_cmpstr(json, ==,
        "{\"id\":\"uhc-brief-ja\",\"title\":\"危機に強い\\\"保健\\\"医療体制\","
        "\"source\":\"/data/uhc-brief-ja.pdf\",\"url\":\"https://example.org/brief.pdf\","
        "\"lang\":\"ja\",\"type\":\"pdf\",\"publisher\":\"日本国際交流センター\","
        "\"date\":\"2023\",\"pages\":12,\"passages\":345}");
    json_node_free(parse(json));
    ghs_free(json);

    /* the HTTP API's form: "doc", and the URL as source */
    json = ghs_document_json(&d, GHS_JSON_SOURCE_REMOTE | GHS_JSON_ID_AS_DOC);
    g_assert_true(g_str_has_prefix(json, "{\"doc\":\"uhc-brief-ja\",\"title\":"));
    g_assert_nonnull(strstr(json, "\"source\":\"https://example.org/brief.pdf\",\"url\":"));
    root = parse(json);
    g_assert_false(json_object_has_member(json_node_get_object(root), "id"));
    json_node_free(root);
    ghs_free(json);

    g_assert_null(ghs_document_json(NULL, 0));
}

static void
test_facets_object(void)
{
    static const ghs_facet fs[] = {
        { "lang", "ja", 3, 10 },
        { "lang", "en", 2, 4 },
        { "year", "2023", 5, 14 },
        { "publisher", "日本国際交流センター \"JCIE\"", 1, 1 },
    };
    char *json = ghs_facets_json(fs, G_N_ELEMENTS(fs));

    g_assert_cmpstr(json, ==,
        "{\"lang\":[{\"value\":\"ja\",\"documents\":3,\"passages\":10},"
        "{\"value\":\"en\",\"documents\":2,\"passages\":4}],"
        "\"year\":[{\"value\":\"2023\",\"documents\":5,\"passages\":14}],"
        "\"publisher\":[{\"value\":\"日本国際交流センター \\\"JCIE\\\"\",\"documents\":1,"
        "\"passages\":1}]}");
    json_node_free(parse(json));
    ghs_free(json);

    json = ghs_facets_json(NULL, 0);
    g_assert_cmpstr(json, ==, "{}");
    ghs_free(json);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json/string_escapes_quotes_backslashes_and_controls",
                    test_string_escapes_quotes_backslashes_and_controls);
    g_test_add_func("/json/string_keeps_japanese_and_repairs_invalid_utf8",
                    test_string_keeps_japanese_and_repairs_invalid_utf8);
    g_test_add_func("/json/number_is_shortest_g6_and_finite",
                    test_number_is_shortest_g6_and_finite);
    g_test_add_func("/json/numbers_ignore_the_locale", test_numbers_ignore_the_locale);
    g_test_add_func("/json/hit_has_every_field_in_order", test_hit_has_every_field_in_order);
    g_test_add_func("/json/remote_source_hides_directories", test_remote_source_hides_directories);
    g_test_add_func("/json/open_url_opens_the_page_and_never_shows_a_path_remotely",
                    test_open_url_opens_the_page_and_never_shows_a_path_remotely);
    g_test_add_func("/json/document_object", test_document_object);
    g_test_add_func("/json/facets_object", test_facets_object);
    return g_test_run();
}
