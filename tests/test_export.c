/*
 * test_export.c: reference-manager exports of a page of results
 * (ghs_results_export) over the sample corpus (PDFs with a manifest, a
 * release, JSON Lines records): one entry per document with the pages of
 * its hits, distinct stable keys, no local path, and files that real
 * consumers read: pandoc (Debian's) reads the BibTeX and the CSL JSON back
 * into the same titles; the RIS records have TY first and ER last with
 * well-formed tag lines. Without pandoc the round trips are skipped, and
 * fail under CI=true.
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "ghsearch.h"
#include "test_util.h"

static char *db;

static void build_index(void)
{
    const char *build = g_getenv("GHS_BUILD_ROOT"), *src = g_getenv("GHS_SOURCE_ROOT");
    ghs_index *ix = ghs_test_index_new("ghs-export-XXXXXX", &db);
    ghs_error err = {0};
    char *manifest = g_build_filename(src ? src : ".", "corpus", "manifest.tsv", NULL);
    char *corpus = g_build_filename(build ? build : ".", "corpus", NULL);
    g_assert_cmpint(ghs_index_set_manifest(ix, manifest, &err), ==, 0);
    const char *paths[] = { corpus };
    ghs_index_totals t;
    g_assert_cmpint(ghs_index_add_paths(ix, paths, 1, NULL, NULL, &t, &err), ==, 0);
    ghs_test_index_finish(ix);
    g_free(manifest);
    g_free(corpus);
}

static ghs_results *results(const char *q)
{
    ghs_search_opts o = { GHS_SEARCH_OPTS_INIT, .limit = 10, .per_doc = 3 };
    return ghs_test_search(db, q, &o);
}

static char *export(const ghs_results *r, ghs_export_format f)
{
    char *out = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_results_export(r, f, &out, &err), ==, 0);
    g_assert_nonnull(out);
    g_assert_true(g_utf8_validate(out, -1, NULL));
    return out;
}

/* The distinct documents of r, in order. */
static GPtrArray *docs_of(const ghs_results *r)
{
    GPtrArray *ids = g_ptr_array_new();
    for (size_t i = 0; i < ghs_results_count(r); i++) {
        const char *d = ghs_results_hit(r, i)->doc;
        gboolean seen = FALSE;
        for (guint k = 0; k < ids->len; k++)
            seen |= !strcmp(ids->pdata[k], d);
        if (!seen)
            g_ptr_array_add(ids, (gpointer)d);
    }
    return ids;
}

/* pandoc's output for input in format from, as CSL JSON; NULL when pandoc
 * is missing (the test is then skipped, or failed under CI). */
static JsonArray *pandoc_csl(const char *input, const char *from, JsonParser **keep)
{
    char *pandoc = g_find_program_in_path("pandoc");
    if (!pandoc) {
        if (!g_strcmp0(g_getenv("CI"), "true"))
            g_test_fail_printf("pandoc is not installed (tools/setup.sh installs it)");
        else
            g_test_skip("pandoc is not installed: the round trip is not checked");
        return NULL;
    }
    char *argv[] = { pandoc, "-f", (char *)from, "-t", "csljson", NULL };
    GSubprocess *p = g_subprocess_newv((const char *const *)argv,
                                       G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                       G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                       G_SUBPROCESS_FLAGS_STDERR_PIPE, NULL);
    g_assert_nonnull(p);
    char *out = NULL, *errs = NULL;
    g_assert_true(g_subprocess_communicate_utf8(p, input, NULL, &out, &errs, NULL));
    if (!g_subprocess_get_successful(p))
        g_error("pandoc -f %s failed: %s\ninput:\n%s", from, errs, input);
    *keep = json_parser_new();
    g_assert_true(json_parser_load_from_data(*keep, out, -1, NULL));
    JsonNode *root = json_parser_get_root(*keep);
    g_assert_true(JSON_NODE_HOLDS_ARRAY(root));
    g_free(out);
    g_free(errs);
    g_object_unref(p);
    g_free(pandoc);
    return json_node_get_array(root);
}

static void assert_titles(JsonArray *items, const ghs_results *r, GPtrArray *ids)
{
    g_assert_cmpuint(json_array_get_length(items), ==, ids->len);
    for (guint i = 0; i < ids->len; i++) {
        const ghs_hit *h = ghs_test_hit_of(r, ids->pdata[i]);
        JsonObject *o = json_array_get_object_element(items, i);
        g_assert_cmpstr(json_object_get_string_member(o, "title"), ==, h->title);
    }
}

static void test_bibtex_has_one_entry_a_document_and_pandoc_reads_it(void)
{
    ghs_results *r = results("ユニバーサル・ヘルス・カバレッジ");
    GPtrArray *ids = docs_of(r);
    g_assert_cmpuint(ids->len, >=, 3);
    g_assert_cmpuint(ghs_results_count(r), >, ids->len);   /* several passages a document */
    char *bib = export(r, GHS_EXPORT_BIBTEX);
    /* One entry a document, keys distinct, pages of every hit, no path. */
    char **entries = g_strsplit(bib, "\n@", -1);
    g_assert_cmpuint(g_strv_length(entries), ==, ids->len);
    GHashTable *keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (char **e = entries; *e; e++) {
        const char *brace = strchr(*e, '{');
        char *key = g_strndup(brace + 1, strcspn(brace + 1, ","));
        g_assert_false(g_hash_table_contains(keys, key));
        g_hash_table_add(keys, key);
    }
    g_assert_null(strstr(bib, g_getenv("GHS_BUILD_ROOT") ? g_getenv("GHS_BUILD_ROOT") : "/"));
    g_assert_null(strstr(bib, ".jsonl#"));
    g_assert_nonnull(strstr(bib, "note = {pp.~"));   /* the PDF's hits on several pages */
    JsonParser *jp = NULL;
    JsonArray *items = pandoc_csl(bib, "bibtex", &jp);
    if (items)
        assert_titles(items, r, ids);
    if (jp)
        g_object_unref(jp);
    g_hash_table_destroy(keys);
    g_strfreev(entries);
    g_free(bib);
    g_ptr_array_free(ids, TRUE);
    ghs_results_free(r);
}

static void test_csl_json_is_an_array_pandoc_reads(void)
{
    ghs_results *r = results("health financing");
    GPtrArray *ids = docs_of(r);
    g_assert_cmpuint(ids->len, >=, 2);
    char *csl = export(r, GHS_EXPORT_CSL_JSON);
    JsonParser *own = json_parser_new();
    g_assert_true(json_parser_load_from_data(own, csl, -1, NULL));
    assert_titles(json_node_get_array(json_parser_get_root(own)), r, ids);
    g_object_unref(own);
    JsonParser *jp = NULL;
    JsonArray *items = pandoc_csl(csl, "csljson", &jp);
    if (items)
        assert_titles(items, r, ids);
    if (jp)
        g_object_unref(jp);
    g_free(csl);
    g_ptr_array_free(ids, TRUE);
    ghs_results_free(r);
}

/* RIS (the RIS format specification): each record a block of lines
 * "XX  - value" (two upper-case letters or a letter and a digit, two
 * spaces, a hyphen, a space), TY its first line, ER its last. */
static void test_ris_records_have_ty_first_and_er_last(void)
{
    ghs_results *r = results("UHC");
    GPtrArray *ids = docs_of(r);
    char *ris = export(r, GHS_EXPORT_RIS);
    GRegex *line = g_regex_new("^[A-Z][A-Z0-9]  - .*$", 0, 0, NULL);
    char **lines = g_strsplit(ris, "\r\n", -1);
    guint records = 0;
    gboolean in_record = FALSE;
    for (char **l = lines; *l; l++) {
        if (**l == '\0')
            continue;
        g_assert_true(g_regex_match(line, *l, 0, NULL));
        if (!in_record) {
            g_assert_true(g_str_has_prefix(*l, "TY  - "));
            in_record = TRUE;
        }
        if (!strcmp(*l, "ER  - ")) {
            records++;
            in_record = FALSE;
        }
    }
    g_assert_false(in_record);
    g_assert_cmpuint(records, ==, ids->len);
    g_assert_nonnull(strstr(ris, "TY  - RPRT\r\n"));   /* a PDF report */
    g_assert_nonnull(strstr(ris, "PY  - 2023\r\n"));
    g_assert_null(strstr(ris, ".jsonl#"));
    g_regex_unref(line);
    g_strfreev(lines);
    g_free(ris);
    g_ptr_array_free(ids, TRUE);
    ghs_results_free(r);
}

static void test_format_names_parse_and_unknown_ones_are_refused(void)
{
    ghs_export_format f;
    ghs_error err = {0};
    g_assert_cmpint(ghs_export_format_parse("ris", &f, &err), ==, 0);
    g_assert_cmpint(f, ==, GHS_EXPORT_RIS);
    g_assert_cmpint(ghs_export_format_parse("CSL-JSON", &f, &err), ==, 0);
    g_assert_cmpint(f, ==, GHS_EXPORT_CSL_JSON);
    g_assert_cmpint(ghs_export_format_parse("endnote", &f, &err), ==, GHS_EINVAL);
    g_assert_nonnull(strstr(err.message, "bibtex, ris or csl-json"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    build_index();
    g_test_add_func("/export/bibtex_has_one_entry_a_document_and_pandoc_reads_it",
                    test_bibtex_has_one_entry_a_document_and_pandoc_reads_it);
    g_test_add_func("/export/csl_json_is_an_array_pandoc_reads",
                    test_csl_json_is_an_array_pandoc_reads);
    g_test_add_func("/export/ris_records_have_ty_first_and_er_last",
                    test_ris_records_have_ty_first_and_er_last);
    g_test_add_func("/export/format_names_parse_and_unknown_ones_are_refused",
                    test_format_names_parse_and_unknown_ones_are_refused);
    int rc = g_test_run();
    ghs_test_rm_db(db);
    g_free(db);
    return rc;
}
