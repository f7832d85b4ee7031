/*
 * test_cite.c: citations of a hit in the three styles, checked against
 * what each format requires: BibTeX entry types with their mandatory
 * fields and a usable key, CSL-JSON's required id/type and date-parts
 * shape, and the text form with missing parts left out cleanly.
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "ghsearch.h"

static const char *JA_TITLE =
    "危機に強い保健医療体制をつくる：２０２３年の国際保健に関する政策ブリーフ";

static ghs_hit ja_pdf_hit(void)
{
    ghs_hit h = {
        .doc = "uhc-brief-ja", .title = JA_TITLE, .source = "/data/uhc-brief-ja.pdf",
        .lang = "ja", .type = "pdf", .publisher = "日本国際交流センター (JCIE)",
        .date = "2023-05-10", .page = 3, .url = "https://www.jcie.or.jp/brief.pdf",
        .passage = "", .citation = "",
    };
    return h;
}

static char *cite(const ghs_hit *h, ghs_cite_style style)
{
    char *out = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_hit_cite(h, style, &out, &err), ==, 0);
    g_assert_nonnull(out);
    g_assert_true(g_utf8_validate(out, -1, NULL));
    return out;
}

/* ---- a small BibTeX reader: @type{key, name = {value} | name = macro, ... } */

typedef struct bib_entry {
    char *type, *key;
    GHashTable *fields;   /* lower-case name -> raw value (outer braces removed) */
} bib_entry;

static void bib_entry_clear(bib_entry *e)
{
    g_free(e->type);
    g_free(e->key);
    if (e->fields)
        g_hash_table_destroy(e->fields);
}

static const char *skip_ws(const char *p)
{
    while (g_ascii_isspace(*p))
        p++;
    return p;
}

/* Parse exactly one entry; fails the test when the syntax is wrong. */
static void bib_parse(const char *s, bib_entry *e)
{
    memset(e, 0, sizeof *e);
    e->fields = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    const char *p = skip_ws(s);
    g_assert_cmpint(*p, ==, '@');
    const char *t = ++p;
    while (g_ascii_isalpha(*p))
        p++;
    e->type = g_ascii_strdown(t, p - t);
    g_assert_cmpint(*p++, ==, '{');
    const char *k = p;
    /* BibTeX key characters: no space, comma, braces, quote, #, %, ', (, ), = or \ */
    while (*p && !strchr(" \t\n,{}\"#%'()=\\", *p))
        p++;
    e->key = g_strndup(k, p - k);
    for (;;) {
        p = skip_ws(p);
        if (*p == '}')
            break;
        g_assert_cmpint(*p++, ==, ',');
        p = skip_ws(p);
        if (*p == '}')
            break;
        const char *n = p;
        while (g_ascii_isalnum(*p) || *p == '-' || *p == '_')
            p++;
        g_assert_cmpint(p - n, >, 0);
        char *name = g_ascii_strdown(n, p - n);
        p = skip_ws(p);
        g_assert_cmpint(*p++, ==, '=');
        p = skip_ws(p);
        char *value;
        if (*p == '{') {
            int depth = 0;
            const char *v = p + 1;
            do {
                if (*p == '\\' && p[1]) {
                    p += 2;
                    continue;
                }
                if (*p == '{')
                    depth++;
                else if (*p == '}')
                    depth--;
                g_assert_cmpint(*p, !=, '\0');
                p++;
            } while (depth > 0);
            value = g_strndup(v, p - 1 - v);
        } else {
            const char *v = p;
            while (g_ascii_isalnum(*p))
                p++;
            g_assert_cmpint(p - v, >, 0);
            value = g_strndup(v, p - v);
        }
        g_assert_false(g_hash_table_contains(e->fields, name));
        g_hash_table_insert(e->fields, name, value);
    }
    g_assert_cmpstr(skip_ws(p + 1), ==, "");
}

static void assert_fields(const bib_entry *e, const char *const *names)
{
    for (; *names; names++) {
        const char *v = g_hash_table_lookup(e->fields, *names);
        if (!v || !*v)
            g_error("@%s entry lacks required field %s", e->type, *names);
    }
}

/* ---- tests */

static void test_text_citation_has_title_publisher_year_page_url(void)
{
    ghs_hit h = ja_pdf_hit();
    char *s = cite(&h, GHS_CITE_TEXT);
    char *want = g_strdup_printf("%s, 日本国際交流センター (JCIE), 2023, p. 3, "
                                 "https://www.jcie.or.jp/brief.pdf", JA_TITLE);
    g_assert_cmpstr(s, ==, want);
    g_free(want);
    ghs_free(s);
}

static void test_text_citation_leaves_out_missing_parts(void)
{
    ghs_hit h = { .doc = "note-7", .title = "Vaccine access", .source = "/home/u/notes.jsonl",
                  .type = "record", .publisher = "", .date = "", .url = "", .page = 0 };
    char *s = cite(&h, GHS_CITE_TEXT);
    /* No empty ", ," parts, and a local path is not a citable URL. */
    g_assert_cmpstr(s, ==, "Vaccine access");
    ghs_free(s);
    /* A source on the web is cited when there is no separate URL. */
    h.source = "https://example.org/notes/7";
    h.date = "2021";
    s = cite(&h, GHS_CITE_TEXT);
    g_assert_cmpstr(s, ==, "Vaccine access, 2021, https://example.org/notes/7");
    ghs_free(s);
}

static void test_bibtex_pdf_is_techreport_with_its_required_fields(void)
{
    ghs_hit h = ja_pdf_hit();
    char *s = cite(&h, GHS_CITE_BIBTEX);
    bib_entry e;
    bib_parse(s, &e);
    g_assert_cmpstr(e.type, ==, "techreport");
    g_assert_cmpstr(e.key, ==, "uhc-brief-ja");
    static const char *const required[] = { "author", "title", "institution", "year", NULL };
    assert_fields(&e, required);
    /* The Japanese title is kept as UTF-8, braced to keep its case. */
    char *title = g_strdup_printf("{%s}", JA_TITLE);
    g_assert_cmpstr(g_hash_table_lookup(e.fields, "title"), ==, title);
    g_free(title);
    g_assert_cmpstr(g_hash_table_lookup(e.fields, "year"), ==, "2023");
    g_assert_cmpstr(g_hash_table_lookup(e.fields, "month"), ==, "may");
    g_assert_cmpstr(g_hash_table_lookup(e.fields, "note"), ==, "p.~3");
    g_assert_cmpstr(g_hash_table_lookup(e.fields, "url"), ==, "https://www.jcie.or.jp/brief.pdf");
    g_assert_cmpstr(g_hash_table_lookup(e.fields, "langid"), ==, "japanese");
    bib_entry_clear(&e);
    ghs_free(s);
}

static void test_bibtex_without_publisher_or_year_falls_back_to_misc(void)
{
    ghs_hit h = ja_pdf_hit();
    h.publisher = "";
    char *s = cite(&h, GHS_CITE_BIBTEX);
    bib_entry e;
    bib_parse(s, &e);
    g_assert_cmpstr(e.type, ==, "misc");
    g_assert_false(g_hash_table_contains(e.fields, "institution"));
    g_assert_false(g_hash_table_contains(e.fields, "author"));
    bib_entry_clear(&e);
    ghs_free(s);

    ghs_hit r = { .doc = "release-ja.html", .title = "プレスリリース", .type = "release",
                  .publisher = "JCIE", .date = "", .source = "https://www.jcie.or.jp/r",
                  .url = "" };
    s = cite(&r, GHS_CITE_BIBTEX);
    bib_parse(s, &e);
    g_assert_cmpstr(e.type, ==, "misc");
    g_assert_cmpstr(e.key, ==, "release-ja.html");
    g_assert_false(g_hash_table_contains(e.fields, "year"));
    g_assert_false(g_hash_table_contains(e.fields, "note"));
    g_assert_cmpstr(g_hash_table_lookup(e.fields, "url"), ==, "https://www.jcie.or.jp/r");
    bib_entry_clear(&e);
    ghs_free(s);
}

static void test_bibtex_escapes_special_characters(void)
{
    ghs_hit h = ja_pdf_hit();
    h.title = "R&D: 100% of {MCM} cost $5 #1_a ~^\\";
    h.publisher = "Smith & Sons";
    char *s = cite(&h, GHS_CITE_BIBTEX);
    bib_entry e;
    bib_parse(s, &e);
    g_assert_cmpstr(g_hash_table_lookup(e.fields, "title"), ==,
                    "{R\\&D: 100\\% of \\{MCM\\} cost \\$5 \\#1\\_a "
                    "\\textasciitilde{}\\textasciicircum{}\\textbackslash{}}");
    g_assert_cmpstr(g_hash_table_lookup(e.fields, "institution"), ==, "Smith \\& Sons");
    bib_entry_clear(&e);
    ghs_free(s);
}

static void test_bibtex_keys_of_japanese_ids_are_ascii_and_distinct(void)
{
    ghs_hit a = ja_pdf_hit(), b = ja_pdf_hit();
    a.doc = "提言 要旨.pdf";
    b.doc = "提言 全文.pdf";
    char *sa = cite(&a, GHS_CITE_BIBTEX), *sb = cite(&b, GHS_CITE_BIBTEX);
    bib_entry ea, eb;
    bib_parse(sa, &ea);
    bib_parse(sb, &eb);
    /* Keys every BibTeX tool accepts: a letter, then ASCII letters, digits, - _ : . */
    const char *keys[2] = { ea.key, eb.key };
    for (int i = 0; i < 2; i++) {
        g_assert_true(g_ascii_isalpha(keys[i][0]));
        for (const char *p = keys[i]; *p; p++)
            g_assert_true(g_ascii_isalnum(*p) || strchr("-_:.", *p));
    }
    g_assert_cmpstr(ea.key, !=, eb.key);
    g_assert_nonnull(strstr(ea.key, "pdf"));   /* what was ASCII in the id stays */
    bib_entry_clear(&ea);
    bib_entry_clear(&eb);
    ghs_free(sa);
    ghs_free(sb);
}

static JsonObject *parse_csl(const char *s, JsonParser **parser)
{
    GError *gerr = NULL;
    *parser = json_parser_new();
    g_assert_true(json_parser_load_from_data(*parser, s, -1, &gerr));
    g_assert_no_error(gerr);
    JsonNode *root = json_parser_get_root(*parser);
    g_assert_true(JSON_NODE_HOLDS_OBJECT(root));
    return json_node_get_object(root);
}

/* CSL 1.0 item types this library may produce. */
static gboolean csl_type_valid(const char *t)
{
    static const char *const types[] = { "report", "webpage", "article", "document", NULL };
    for (const char *const *p = types; *p; p++)
        if (!strcmp(*p, t))
            return TRUE;
    return FALSE;
}

static void test_csl_json_has_id_type_and_date_parts(void)
{
    ghs_hit h = ja_pdf_hit();
    char *s = cite(&h, GHS_CITE_CSL_JSON);
    g_assert_null(strchr(s, '\n'));   /* one line: fits JSON Lines output */
    g_assert_nonnull(strstr(s, JA_TITLE));   /* UTF-8 as is, not \u-escaped */
    JsonParser *p;
    JsonObject *o = parse_csl(s, &p);
    g_assert_cmpstr(json_object_get_string_member(o, "id"), ==, "uhc-brief-ja");
    g_assert_cmpstr(json_object_get_string_member(o, "type"), ==, "report");
    g_assert_true(csl_type_valid(json_object_get_string_member(o, "type")));
    g_assert_cmpstr(json_object_get_string_member(o, "title"), ==, JA_TITLE);
    g_assert_cmpstr(json_object_get_string_member(o, "publisher"), ==,
                    "日本国際交流センター (JCIE)");
    g_assert_cmpstr(json_object_get_string_member(o, "URL"), ==,
                    "https://www.jcie.or.jp/brief.pdf");
    g_assert_cmpstr(json_object_get_string_member(o, "page"), ==, "3");
    g_assert_cmpstr(json_object_get_string_member(o, "language"), ==, "ja");
    JsonObject *issued = json_object_get_object_member(o, "issued");
    g_assert_nonnull(issued);
    JsonArray *dp = json_object_get_array_member(issued, "date-parts");
    g_assert_cmpuint(json_array_get_length(dp), ==, 1);
    JsonArray *ymd = json_array_get_array_element(dp, 0);
    g_assert_cmpuint(json_array_get_length(ymd), ==, 3);
    g_assert_cmpint(json_array_get_int_element(ymd, 0), ==, 2023);
    g_assert_cmpint(json_array_get_int_element(ymd, 1), ==, 5);
    g_assert_cmpint(json_array_get_int_element(ymd, 2), ==, 10);
    g_object_unref(p);
    ghs_free(s);
}

static void test_csl_json_leaves_out_unknown_parts(void)
{
    ghs_hit h = { .doc = "note \"7\"", .title = "Quotes \"and\" \\ slashes", .type = "record",
                  .publisher = "", .date = "2021年6月", .source = "/tmp/x.jsonl", .url = "",
                  .lang = "en", .page = 0 };
    char *s = cite(&h, GHS_CITE_CSL_JSON);
    JsonParser *p;
    JsonObject *o = parse_csl(s, &p);
    g_assert_cmpstr(json_object_get_string_member(o, "id"), ==, "note \"7\"");
    g_assert_cmpstr(json_object_get_string_member(o, "type"), ==, "article");
    g_assert_cmpstr(json_object_get_string_member(o, "title"), ==, "Quotes \"and\" \\ slashes");
    g_assert_false(json_object_has_member(o, "publisher"));
    g_assert_false(json_object_has_member(o, "URL"));
    g_assert_false(json_object_has_member(o, "page"));
    JsonArray *ym = json_array_get_array_element(
        json_object_get_array_member(json_object_get_object_member(o, "issued"), "date-parts"), 0);
    g_assert_cmpuint(json_array_get_length(ym), ==, 2);   /* year and month only */
    g_assert_cmpint(json_array_get_int_element(ym, 1), ==, 6);
    g_object_unref(p);
    ghs_free(s);

    h.date = "undated";
    s = cite(&h, GHS_CITE_CSL_JSON);
    o = parse_csl(s, &p);
    g_assert_false(json_object_has_member(o, "issued"));
    g_object_unref(p);
    ghs_free(s);
}

/* A record's url that is a relative reference or a local file is no URL a
 * reference manager can follow: no citation style prints it. */
static void test_relative_or_local_urls_are_never_cited(void)
{
    static const char *const not_urls[] = { "records.jsonl#note-amr-en", "/data/notes.jsonl",
                                             "file:///data/x.pdf", "notes/1", ":x" };
    for (size_t i = 0; i < G_N_ELEMENTS(not_urls); i++) {
        ghs_hit h = {
            .doc = "note-amr-en", .title = "薬剤耐性（AMR）", .source = "/data/records.jsonl",
            .lang = "ja", .type = "record", .publisher = "JCIE", .date = "2023-05-10",
            .url = not_urls[i], .passage = "", .citation = "",
        };
        for (ghs_cite_style st = GHS_CITE_TEXT; st <= GHS_CITE_CSL_JSON; st++) {
            char *c = cite(&h, st);
            if (strstr(c, not_urls[i]) || strstr(c, "/data/"))
                g_error("style %d cites '%s':\n%s", (int)st, not_urls[i], c);
            g_free(c);
        }
    }
    /* A real one is kept, with any scheme a reader can follow. */
    ghs_hit h = ja_pdf_hit();
    h.url = "doi:10.1234/abcd";
    char *c = cite(&h, GHS_CITE_BIBTEX);
    g_assert_nonnull(strstr(c, "doi:10.1234/abcd"));
    g_free(c);
}

static void test_style_names_parse_and_unknown_ones_are_refused(void)
{
    ghs_cite_style st;
    ghs_error err = {0};
    g_assert_cmpint(ghs_cite_style_parse("text", &st, &err), ==, 0);
    g_assert_cmpint(st, ==, GHS_CITE_TEXT);
    g_assert_cmpint(ghs_cite_style_parse("bibtex", &st, &err), ==, 0);
    g_assert_cmpint(st, ==, GHS_CITE_BIBTEX);
    g_assert_cmpint(ghs_cite_style_parse("csl-json", &st, &err), ==, 0);
    g_assert_cmpint(st, ==, GHS_CITE_CSL_JSON);
    g_assert_cmpint(ghs_cite_style_parse("apa", &st, &err), ==, GHS_EINVAL);
    g_assert_nonnull(strstr(err.message, "'apa'"));
    g_assert_nonnull(strstr(err.message, "csl-json"));
    char *out = (char *)"x";
    g_assert_cmpint(ghs_hit_cite(NULL, GHS_CITE_TEXT, &out, &err), ==, GHS_EINVAL);
    g_assert_null(out);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cite/text_citation_has_title_publisher_year_page_url",
                    test_text_citation_has_title_publisher_year_page_url);
    g_test_add_func("/cite/text_citation_leaves_out_missing_parts",
                    test_text_citation_leaves_out_missing_parts);
    g_test_add_func("/cite/bibtex_pdf_is_techreport_with_its_required_fields",
                    test_bibtex_pdf_is_techreport_with_its_required_fields);
    g_test_add_func("/cite/bibtex_without_publisher_or_year_falls_back_to_misc",
                    test_bibtex_without_publisher_or_year_falls_back_to_misc);
    g_test_add_func("/cite/bibtex_escapes_special_characters",
                    test_bibtex_escapes_special_characters);
    g_test_add_func("/cite/bibtex_keys_of_japanese_ids_are_ascii_and_distinct",
                    test_bibtex_keys_of_japanese_ids_are_ascii_and_distinct);
    g_test_add_func("/cite/csl_json_has_id_type_and_date_parts",
                    test_csl_json_has_id_type_and_date_parts);
    g_test_add_func("/cite/csl_json_leaves_out_unknown_parts",
                    test_csl_json_leaves_out_unknown_parts);
    g_test_add_func("/cite/relative_or_local_urls_are_never_cited",
                    test_relative_or_local_urls_are_never_cited);
    g_test_add_func("/cite/style_names_parse_and_unknown_ones_are_refused",
                    test_style_names_parse_and_unknown_ones_are_refused);
    return g_test_run();
}
