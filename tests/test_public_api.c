/*
 * test_public_api.c: the public functions of ghsearch.h that no other test
 * exercises on its own: the version, the names of error codes and glossary
 * states, the corpus manifest (ghs_index_set_manifest) and sharding
 * (ghs_shard_of, ghs_index_set_shard).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ghsearch.h"
#include "test_util.h"

/* ------------------------------------------------------------ fixtures */

static char *tmp_dir(void)
{
    char *d = ghs_test_tmp_dir("ghs-api-XXXXXX");
    ghs_test_note_for_removal(d);   /* removed when the tests are done */
    return d;
}

static char *write_file(const char *dir, const char *name, const char *text)
{
    char *p = g_build_filename(dir, name, NULL);
    GError *gerr = NULL;
    g_file_set_contents(p, text, -1, &gerr);
    g_assert_no_error(gerr);
    return p;
}

static char *source_file(const char *first, ...) G_GNUC_NULL_TERMINATED;
static char *source_file(const char *first, ...)
{
    const char *root = g_getenv("GHS_SOURCE_ROOT");
    g_assert_nonnull(root);   /* meson sets it (tests/meson.build) */
    GString *p = g_string_new(root);
    va_list ap;
    va_start(ap, first);
    for (const char *part = first; part; part = va_arg(ap, const char *))
        g_string_append_printf(p, "/%s", part);
    va_end(ap);
    return g_string_free(p, FALSE);
}

static char *read_all(const char *path)
{
    char *text = NULL;
    GError *gerr = NULL;
    g_file_get_contents(path, &text, NULL, &gerr);
    g_assert_no_error(gerr);
    return text;
}

/* A press release whose <head> says its own title, publisher and date. */
static const char *OWN_TITLE = "保健財政の報告書を公開しました（自社版）";
static char *write_release(const char *dir, const char *name)
{
    char *html = g_strdup_printf(
        "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\">"
        "<title>%s</title>"
        "<meta name=\"author\" content=\"架空の広報室\">"
        "<meta name=\"date\" content=\"2019-01-15\">"
        "</head><body><main><h1>%s</h1>"
        "<p>ユニバーサル・ヘルス・カバレッジ（UHC）の達成には持続可能な保健財政が欠かせない。"
        "各国は国内資金の動員を進めるべきである。</p></main></body></html>",
        OWN_TITLE, OWN_TITLE);
    char *p = write_file(dir, name, html);
    g_free(html);
    return p;
}

static ghs_index *open_index(const char *dir, const char *name, int mode)
{
    char *db = g_build_filename(dir, name, NULL);
    ghs_index *ix = NULL;
    ghs_error err = {0};
    if (ghs_index_open(&ix, db, mode, &err) != 0)
        g_error("open %s: %s", db, err.message);
    g_free(db);
    return ix;
}

static void commit(ghs_index *ix)
{
    ghs_error err = {0};
    if (ghs_index_commit(ix, &err) != 0)
        g_error("commit: %s", err.message);
}

/* Does the index hold document id? */
static int has_doc(ghs_index *ix, const char *id)
{
    ghs_document *d = NULL;
    ghs_error err = {0};
    int rc = ghs_document_get(ix, id, &d, &err);
    if (rc != 0 && rc != GHS_ENOTFOUND)
        g_error("document %s: %s", id, err.message);
    ghs_document_free(d);
    return rc == 0;
}

/* ------------------------------------------------------------ version */

static void test_version_is_the_header_and_the_meson_project_version(void)
{
    g_assert_cmpstr(ghs_version(), ==, GHS_VERSION);
    char *parts = g_strdup_printf("%d.%d.%d", GHS_VERSION_MAJOR, GHS_VERSION_MINOR,
                                  GHS_VERSION_PATCH);
    g_assert_cmpstr(ghs_version(), ==, parts);
    g_free(parts);

    /* project('ghsearch', ..., version : 'X.Y.Z', ...) */
    char *path = source_file("meson.build", NULL);
    char *meson = read_all(path);
    GRegex *re = g_regex_new("project\\s*\\([^)]*?version\\s*:\\s*'([^']*)'",
                             G_REGEX_DOTALL, 0, NULL);
    GMatchInfo *mi = NULL;
    g_assert_true(g_regex_match(re, meson, 0, &mi));
    char *project_version = g_match_info_fetch(mi, 1);
    g_assert_cmpstr(ghs_version(), ==, project_version);
    g_free(project_version);
    g_match_info_free(mi);
    g_regex_unref(re);
    g_free(meson);
    g_free(path);
}

/* ------------------------------------------------------------ error names */

/* Every GHS_E* code ghsearch.h declares (read from the header itself, so
 * a code added later without a name fails here) has a text of its own. */
static void test_strerror_names_every_code_apart(void)
{
    char *path = source_file("include", "ghsearch.h", NULL);
    char *header = read_all(path);
    GRegex *re = g_regex_new("\\b(GHS_E[A-Z]+)\\s*=\\s*(-[0-9]+)", 0, 0, NULL);
    GMatchInfo *mi = NULL;
    /* text -> name of its code */
    GHashTable *texts = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    const char *fallback = ghs_strerror(-1000);
    g_assert_nonnull(fallback);
    g_assert_cmpstr(fallback, !=, "");
    g_assert_cmpstr(ghs_strerror(GHS_OK), !=, "");
    g_hash_table_insert(texts, (gpointer)ghs_strerror(GHS_OK), g_strdup("GHS_OK"));
    int codes = 0;
    g_regex_match(re, header, 0, &mi);
    while (g_match_info_matches(mi)) {
        char *name = g_match_info_fetch(mi, 1);
        char *num = g_match_info_fetch(mi, 2);
        int code = atoi(num);
        const char *text = ghs_strerror(code);
        g_test_message("%s (%d): %s", name, code, text);
        g_assert_nonnull(text);
        g_assert_cmpstr(text, !=, "");
        if (!strcmp(text, fallback))
            g_error("%s (%d) has no text of its own: '%s'", name, code, text);
        const char *other = g_hash_table_lookup(texts, text);
        if (other)
            g_error("%s and %s share the text '%s'", name, other, text);
        g_hash_table_insert(texts, (gpointer)text, name);
        codes++;
        g_free(num);
        g_match_info_next(mi, NULL);
    }
    g_assert_cmpint(codes, >=, 13);   /* GHS_EINVAL .. GHS_ENOTFOUND at least */
    g_assert_cmpstr(ghs_strerror(GHS_EQUERY), ==, "malformed query");   /* the header's example */
    /* Codes that are none of them get one fallback text. */
    const int unknown[] = { 1, 42, -(codes + 1), -1000, INT_MIN, INT_MAX };
    for (size_t i = 0; i < G_N_ELEMENTS(unknown); i++)
        g_assert_cmpstr(ghs_strerror(unknown[i]), ==, fallback);
    g_hash_table_destroy(texts);
    g_match_info_free(mi);
    g_regex_unref(re);
    g_free(header);
    g_free(path);
}

/* What a person reads: the message without its places; the file the
 * places name, for the messages that say which file. */
static void test_error_what_leaves_out_the_places_and_file_names_the_file(void)
{
    static const struct { const char *message; int code; const char *what, *file; } cases[] = {
        { "[pdf][report.pdf p.3] no text layer", GHS_ENOTEXT, "no text layer", "report.pdf p.3" },
        { "[doc] no document 'x'", GHS_ENOTFOUND, "no document 'x'", "" },
        { "[index][/srv/db] cannot open: gone", GHS_EDB, "cannot open: gone", "/srv/db" },
        { "[jsonl][notes.jsonl:12] bad record", GHS_EFORMAT, "bad record", "notes.jsonl:12" },
        { "query error at 3: unclosed quote", GHS_EQUERY, "query error at 3: unclosed quote", "" },
        { "[show]", GHS_EINVAL, "invalid argument", "" },
        { "", GHS_EDB, "index error", "" },
        { "[unclosed tag", GHS_EINTERNAL, "[unclosed tag", "" },
    };
    char buf[64];

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        ghs_error e = { .code = cases[i].code };
        g_strlcpy(e.message, cases[i].message, sizeof e.message);
        g_assert_cmpstr(ghs_error_what(&e), ==, cases[i].what);
        g_assert_cmpint(ghs_error_file(&e, buf, sizeof buf), ==, cases[i].file[0] != '\0');
        g_assert_cmpstr(buf, ==, cases[i].file);
    }
    g_assert_cmpstr(ghs_error_what(NULL), ==, ghs_strerror(GHS_OK));
    g_assert_cmpint(ghs_error_file(NULL, buf, sizeof buf), ==, 0);
    g_assert_cmpstr(buf, ==, "");
    /* a short buffer gets as much of the file as fits, whole characters */
    ghs_error e = { .code = GHS_EFORMAT };
    g_strlcpy(e.message, "[pdf][報告書.pdf] damaged", sizeof e.message);
    char small[5];
    g_assert_cmpint(ghs_error_file(&e, small, sizeof small), ==, 1);
    g_assert_cmpstr(small, ==, "報");
}

static void test_every_glossary_status_has_a_name(void)
{
    g_assert_cmpstr(ghs_gloss_status_name(GHS_GLOSS_ACTIVE), ==, "active");
    g_assert_cmpstr(ghs_gloss_status_name(GHS_GLOSS_CONFLICT), ==, "conflict");
    g_assert_cmpstr(ghs_gloss_status_name(GHS_GLOSS_OUTWEIGHED), ==, "outweighed");
    g_assert_cmpstr(ghs_gloss_status_name(GHS_GLOSS_VETOED), ==, "vetoed");
    /* a value from a newer library still gets a printable name */
    const char *other = ghs_gloss_status_name((ghs_gloss_status)(GHS_GLOSS_VETOED + 1));
    g_assert_nonnull(other);
    g_assert_cmpstr(other, !=, "");
}

/* ------------------------------------------------------------ manifest */

static const char *MANIFEST_HEADER = "id\tfile\turl\ttitle\tpublisher\tdate\tlang\ttype\n";

static void test_manifest_title_date_and_publisher_win_over_the_file(void)
{
    char *dir = tmp_dir();
    char *rel = write_release(dir, "uhc-release.html");
    /* Columns in another order, a comment line, Windows line ends. */
    char *man = write_file(dir, "manifest.tsv",
                           "# 手書きの目録\r\n"
                           "file\tid\tdate\tpublisher\ttitle\tlang\ttype\turl\r\n"
                           "uhc-release.html\tuhc-release-2023\t2023-04-28\t日本国際交流センター\t"
                           "保健財政に関する提言（目録の題名）\tja\trelease\t"
                           "https://example.org/uhc-release.html\r\n");

    /* Without the manifest the file says what it is. */
    ghs_index *ix = open_index(dir, "plain", GHS_OPEN_WRITE);
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_add_file(ix, rel, NULL, NULL, &err), ==, 0);
    commit(ix);
    ghs_document *d = NULL;
    g_assert_cmpint(ghs_document_get(ix, "uhc-release.html", &d, &err), ==, 0);
    g_assert_cmpstr(d->title, ==, OWN_TITLE);
    g_assert_cmpstr(d->publisher, ==, "架空の広報室");
    g_assert_cmpstr(d->date, ==, "2019-01-15");
    ghs_document_free(d);
    ghs_index_close(ix);

    /* With it, the manifest's id, title, publisher, date and URL. */
    ix = open_index(dir, "with-manifest", GHS_OPEN_WRITE);
    g_assert_cmpint(ghs_index_set_manifest(ix, man, &err), ==, 0);
    g_assert_cmpint(ghs_index_add_file(ix, rel, NULL, NULL, &err), ==, 0);
    commit(ix);
    g_assert_false(has_doc(ix, "uhc-release.html"));
    g_assert_cmpint(ghs_document_get(ix, "uhc-release-2023", &d, &err), ==, 0);
    g_assert_cmpstr(d->title, ==, "保健財政に関する提言（目録の題名）");
    g_assert_cmpstr(d->publisher, ==, "日本国際交流センター");
    g_assert_cmpstr(d->date, ==, "2023-04-28");
    g_assert_cmpstr(d->url, ==, "https://example.org/uhc-release.html");
    g_assert_cmpstr(d->type, ==, "release");
    ghs_document_free(d);
    /* and searching goes by them: the year filter, the hit's citation */
    ghs_results *r = NULL;
    ghs_search_opts o = { GHS_SEARCH_OPTS_INIT, .literal = 1 };
    g_assert_cmpint(ghs_search(ix, "保健財政 year:2023", &o, &r, &err), ==, 0);
    g_assert_cmpuint(ghs_results_count(r), ==, 1);
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "uhc-release-2023");
    g_assert_cmpstr(ghs_results_hit(r, 0)->citation, ==, "保健財政に関する提言（目録の題名）");
    ghs_results_free(r);
    g_assert_cmpint(ghs_search(ix, "保健財政 year:2019", &o, &r, &err), ==, 0);
    g_assert_cmpuint(ghs_results_count(r), ==, 0);
    ghs_results_free(r);
    ghs_index_close(ix);
    g_free(man);
    g_free(rel);
    g_free(dir);
}

/* The manifest shipped in corpus/ names the bundled sample release. */
static void test_corpus_manifest_gives_the_sample_release_its_id(void)
{
    const char *build = g_getenv("GHS_BUILD_ROOT");
    g_assert_nonnull(build);
    char *rel = g_build_filename(build, "corpus", "release-ja.html", NULL);
    if (!g_file_test(rel, G_FILE_TEST_EXISTS))
        g_error("sample corpus not built: %s (ninja -C BUILD corpus)", rel);
    char *man = source_file("corpus", "manifest.tsv", NULL);
    char *dir = tmp_dir();
    ghs_index *ix = open_index(dir, "db", GHS_OPEN_WRITE);
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_set_manifest(ix, man, &err), ==, 0);
    ghs_add_report rep;
    g_assert_cmpint(ghs_index_add_file(ix, rel, NULL, &rep, &err), ==, 0);
    g_assert_cmpint(rep.status, ==, GHS_ADD_ADDED);
    commit(ix);
    ghs_document *d = NULL;
    g_assert_cmpint(ghs_document_get(ix, "sample-release-ja", &d, &err), ==, 0);
    g_assert_cmpstr(d->title, ==, "国際保健に関する政策ブリーフ（日本語版・英語版）を公開しました");
    g_assert_cmpstr(d->publisher, ==, "ghsearch sample corpus");
    g_assert_cmpstr(d->date, ==, "2023-05-12");
    g_assert_cmpstr(d->lang, ==, "ja");
    ghs_document_free(d);
    ghs_index_close(ix);
    g_free(dir);
    g_free(man);
    g_free(rel);
}

static void assert_manifest_refused(ghs_index *ix, const char *path, int code,
                                    const char *place)
{
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_set_manifest(ix, path, &err), ==, code);
    g_assert_cmpint(err.code, ==, code);
    g_test_message("%s", err.message);
    if (!strstr(err.message, place))
        g_error("error '%s' does not name '%s'", err.message, place);
}

static void test_missing_or_malformed_manifest_is_an_error_naming_the_file(void)
{
    char *dir = tmp_dir();
    ghs_index *ix = open_index(dir, "db", GHS_OPEN_WRITE);
    char *missing = g_build_filename(dir, "目録なし.tsv", NULL);
    char *missing_place = g_strdup_printf("[manifest][%s]", missing);
    assert_manifest_refused(ix, missing, GHS_EIO, missing_place);

    char *empty = write_file(dir, "empty.tsv", "# 目録だがヘッダーがない\n\n");
    char *empty_place = g_strdup_printf("[manifest][%s] empty", empty);
    assert_manifest_refused(ix, empty, GHS_EFORMAT, empty_place);

    char *no_id = write_file(dir, "no-id-column.tsv", "file\ttitle\nreport.pdf\t報告書\n");
    char *no_id_place = g_strdup_printf("[manifest][%s:1]", no_id);
    assert_manifest_refused(ix, no_id, GHS_EFORMAT, no_id_place);

    char *text = g_strconcat(MANIFEST_HEADER,
                             "uhc\tuhc.pdf\t\tUHCの報告書\tJCIE\t2023\tja\tpdf\n"
                             "\tphc.pdf\t\tPHCの報告書\tJCIE\t2023\tja\tpdf\n", NULL);
    char *line_without_id = write_file(dir, "line-without-id.tsv", text);
    char *line_place = g_strdup_printf("[manifest][%s:3] line has no id", line_without_id);
    assert_manifest_refused(ix, line_without_id, GHS_EFORMAT, line_place);

    char *latin1 = write_file(dir, "latin1.tsv", "id\tfile\ntr\xe8s\tx.pdf\n");
    char *latin1_place = g_strdup_printf("[manifest][%s] not UTF-8", latin1);
    assert_manifest_refused(ix, latin1, GHS_EFORMAT, latin1_place);

    ghs_index_close(ix);
    g_free(latin1_place);
    g_free(latin1);
    g_free(line_place);
    g_free(line_without_id);
    g_free(text);
    g_free(no_id_place);
    g_free(no_id);
    g_free(empty_place);
    g_free(empty);
    g_free(missing_place);
    g_free(missing);
    g_free(dir);
}

/* ------------------------------------------------------------ sharding */

/* FNV-1a (32-bit) of the id's bytes modulo n, worked out independently of
 * the library (python3, see the commit): a change that would move
 * documents between the shards of an existing split fails here. */
static void test_shard_of_an_id_is_pinned(void)
{
    static const struct { const char *id; unsigned n, shard; } pins[] = {
        { "a", 2, 0 },                     /* 0xe40c292c, the FNV-1a test vector */
        { "a", 7, 5 },
        { "", 2, 1 },                      /* 0x811c9dc5, the offset basis */
        { "", 7, 2 },
        { "uhc-brief-ja.pdf", 2, 0 },      /* 0x2f7a9936 */
        { "uhc-brief-ja.pdf", 4, 2 },
        { "g7-health-brief-en.pdf", 2, 1 },/* 0x91f1e15b */
        { "g7-health-brief-en.pdf", 3, 0 },
        { "release-ja.html", 4, 3 },       /* 0x2802d96f */
        { "ghtf2023-summary-ja", 7, 5 },   /* 0x8750abca */
        { "ユニバーサル・ヘルス・カバレッジ", 3, 1 }, /* 0x1d7c282a, UTF-8 bytes */
        { "ユニバーサル・ヘルス・カバレッジ", 7, 3 },
        { "note-uhc-mixed-ja", 7, 2 },     /* 0xe8cf0062 */
        { "note-uhc-mixed-ja", 0xffffffffu, 0xe8cf0062u },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(pins); i++) {
        unsigned got = ghs_shard_of(pins[i].id, pins[i].n);
        if (got != pins[i].shard)
            g_error("ghs_shard_of(\"%s\", %u) = %u, pinned to %u", pins[i].id, pins[i].n, got,
                    pins[i].shard);
    }
}

static void test_one_shard_or_none_holds_every_id(void)
{
    const char *ids[] = { "", "a", "uhc-brief-ja.pdf", "保健財政", "ghtf2023-summary-ja" };
    for (size_t i = 0; i < G_N_ELEMENTS(ids); i++) {
        g_assert_cmpuint(ghs_shard_of(ids[i], 0), ==, 0);
        g_assert_cmpuint(ghs_shard_of(ids[i], 1), ==, 0);
    }
    g_assert_cmpuint(ghs_shard_of(NULL, 4), ==, 0);
}

/* Many ids spread over n shards about evenly (within 10% of n's share),
 * for ids that differ in their last characters as real ones do. */
static void test_many_ids_spread_evenly_over_the_shards(void)
{
    const unsigned ns[] = { 2, 3, 5, 7, 8, 10 };
    const char *patterns[] = { "doc-%05u", "報告書-%u.pdf" };
    const unsigned count = 10000;
    for (size_t p = 0; p < G_N_ELEMENTS(patterns); p++)
        for (size_t k = 0; k < G_N_ELEMENTS(ns); k++) {
            unsigned n = ns[k], per[10] = {0};
            for (unsigned i = 0; i < count; i++) {
                char id[64];
                g_snprintf(id, sizeof id, patterns[p], i);
                unsigned s = ghs_shard_of(id, n);
                g_assert_cmpuint(s, <, n);
                per[s]++;
            }
            double share = (double)count / n;
            for (unsigned s = 0; s < n; s++)
                if (per[s] < share * 0.9 || per[s] > share * 1.1)
                    g_error("ids '%s' over %u shards: shard %u holds %u, expected about %.0f",
                            patterns[p], n, s, per[s], share);
        }
}

static const char *const SHARD_IDS[] = {
    "uhc-ja", "phc-ja", "mcm-en", "amr-en", "財政-01", "財政-02", "財政-03", "ppr-ja",
    "note-1", "note-2", "note-3", "note-4",
};

/* Every id added as a text to ix; reports whether each was written. */
static void add_shard_texts(ghs_index *ix, int *written)
{
    for (size_t i = 0; i < G_N_ELEMENTS(SHARD_IDS); i++) {
        char *text = g_strdup_printf("%s: ユニバーサル・ヘルス・カバレッジの保健財政について。",
                                     SHARD_IDS[i]);
        ghs_meta m = { .id = SHARD_IDS[i], .title = SHARD_IDS[i], .lang = "ja" };
        ghs_add_report rep;
        ghs_error err = {0};
        g_assert_cmpint(ghs_index_add_text(ix, &m, text, strlen(text), &rep, &err), ==, 0);
        g_assert_true(rep.status == GHS_ADD_ADDED || rep.status == GHS_ADD_UNCHANGED);
        written[i] = rep.status == GHS_ADD_ADDED;
        if (!written[i])
            g_assert_cmpuint(rep.passages, ==, 0);
        g_free(text);
    }
}

static void test_shard_keeps_only_the_ids_of_its_shard(void)
{
    char *dir = tmp_dir();
    /* A JSON Lines file: each record by its own id. */
    GString *jl = g_string_new(NULL);
    for (int i = 0; i < 10; i++)
        g_string_append_printf(jl, "{\"id\":\"rec-%d\",\"title\":\"記録%d\",\"lang\":\"ja\","
                               "\"text\":\"国内資金の動員について、記録%dの覚え書き。\"}\n", i, i, i);
    char *jsonl = write_file(dir, "records.jsonl", jl->str);
    g_string_free(jl, TRUE);
    /* A release: by its file name. */
    char *rel = write_release(dir, "uhc-release.html");

    const unsigned n = 3;
    GHashTable *holder = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (unsigned k = 0; k < n; k++) {
        char *name = g_strdup_printf("shard%u", k);
        ghs_index *ix = open_index(dir, name, GHS_OPEN_WRITE);
        ghs_error err = {0};
        g_assert_cmpint(ghs_index_set_shard(ix, k, n, &err), ==, 0);
        int written[G_N_ELEMENTS(SHARD_IDS)];
        add_shard_texts(ix, written);
        ghs_add_report rep;
        g_assert_cmpint(ghs_index_add_file(ix, jsonl, NULL, &rep, &err), ==, 0);
        g_assert_cmpint(ghs_index_add_file(ix, rel, NULL, &rep, &err), ==, 0);
        int rel_in = ghs_shard_of("uhc-release.html", n) == k;
        g_assert_cmpint(rep.status, ==, rel_in ? GHS_ADD_ADDED : GHS_ADD_UNCHANGED);
        if (!rel_in)
            g_assert_cmpuint(rep.passages, ==, 0);
        commit(ix);
        for (size_t i = 0; i < G_N_ELEMENTS(SHARD_IDS); i++) {
            int mine = ghs_shard_of(SHARD_IDS[i], n) == k;
            g_assert_cmpint(written[i], ==, mine);
            g_assert_cmpint(has_doc(ix, SHARD_IDS[i]), ==, mine);
            if (mine)
                g_hash_table_insert(holder, g_strdup(SHARD_IDS[i]), GUINT_TO_POINTER(k + 1));
        }
        for (int i = 0; i < 10; i++) {
            char id[16];
            g_snprintf(id, sizeof id, "rec-%d", i);
            int mine = ghs_shard_of(id, n) == k;
            g_assert_cmpint(has_doc(ix, id), ==, mine);
            if (mine)
                g_hash_table_insert(holder, g_strdup(id), GUINT_TO_POINTER(k + 1));
        }
        g_assert_cmpint(has_doc(ix, "uhc-release.html"), ==, rel_in);
        if (rel_in)
            g_hash_table_insert(holder, g_strdup("uhc-release.html"), GUINT_TO_POINTER(k + 1));
        ghs_index_close(ix);
        g_free(name);
    }
    /* together the shards hold everything, each id once */
    g_assert_cmpuint(g_hash_table_size(holder), ==, G_N_ELEMENTS(SHARD_IDS) + 10 + 1);
    g_hash_table_destroy(holder);
    g_free(rel);
    g_free(jsonl);
    g_free(dir);
}

static void test_one_shard_of_one_keeps_everything(void)
{
    char *dir = tmp_dir();
    ghs_index *ix = open_index(dir, "db", GHS_OPEN_WRITE);
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_set_shard(ix, 0, 1, &err), ==, 0);
    int written[G_N_ELEMENTS(SHARD_IDS)];
    add_shard_texts(ix, written);
    commit(ix);
    for (size_t i = 0; i < G_N_ELEMENTS(SHARD_IDS); i++) {
        g_assert_true(written[i]);
        g_assert_true(has_doc(ix, SHARD_IDS[i]));
    }
    ghs_index_close(ix);
    g_free(dir);
}

static void test_shard_out_of_range_or_read_only_is_refused(void)
{
    char *dir = tmp_dir();
    ghs_index *ix = open_index(dir, "db", GHS_OPEN_WRITE);
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_set_shard(ix, 2, 2, &err), ==, GHS_EINVAL);
    g_assert_nonnull(strstr(err.message, "2/2"));
    g_assert_cmpint(ghs_index_set_shard(ix, 5, 2, &err), ==, GHS_EINVAL);
    g_assert_cmpint(ghs_index_set_shard(ix, 0, 0, &err), ==, GHS_EINVAL);
    /* refused calls changed nothing: every id is still written */
    int written[G_N_ELEMENTS(SHARD_IDS)];
    add_shard_texts(ix, written);
    for (size_t i = 0; i < G_N_ELEMENTS(SHARD_IDS); i++)
        g_assert_true(written[i]);
    commit(ix);
    ghs_index_close(ix);

    ix = open_index(dir, "db", GHS_OPEN_READ);
    memset(&err, 0, sizeof err);
    g_assert_cmpint(ghs_index_set_shard(ix, 0, 2, &err), ==, GHS_EINVAL);
    g_assert_cmpint(err.code, ==, GHS_EINVAL);
    g_assert_nonnull(strstr(err.message, "read-only"));
    ghs_index_close(ix);
    g_free(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/public_api/version/is_the_header_and_the_meson_project_version",
                    test_version_is_the_header_and_the_meson_project_version);
    g_test_add_func("/public_api/strerror/names_every_code_apart",
                    test_strerror_names_every_code_apart);
    g_test_add_func("/public_api/glossary/every_status_has_a_name",
                    test_every_glossary_status_has_a_name);
    g_test_add_func("/public_api/manifest/title_date_and_publisher_win_over_the_file",
                    test_manifest_title_date_and_publisher_win_over_the_file);
    g_test_add_func("/public_api/manifest/corpus_manifest_gives_the_sample_release_its_id",
                    test_corpus_manifest_gives_the_sample_release_its_id);
    g_test_add_func("/public_api/manifest/missing_or_malformed_is_an_error_naming_the_file",
                    test_missing_or_malformed_manifest_is_an_error_naming_the_file);
    g_test_add_func("/public_api/shard_of/an_id_is_pinned_to_its_shard",
                    test_shard_of_an_id_is_pinned);
    g_test_add_func("/public_api/error/what_leaves_out_the_places_and_file_names_the_file",
                    test_error_what_leaves_out_the_places_and_file_names_the_file);
    g_test_add_func("/public_api/shard_of/one_shard_or_none_holds_every_id",
                    test_one_shard_or_none_holds_every_id);
    g_test_add_func("/public_api/shard_of/many_ids_spread_evenly_over_the_shards",
                    test_many_ids_spread_evenly_over_the_shards);
    g_test_add_func("/public_api/set_shard/keeps_only_the_ids_of_its_shard",
                    test_shard_keeps_only_the_ids_of_its_shard);
    g_test_add_func("/public_api/set_shard/one_shard_of_one_keeps_everything",
                    test_one_shard_of_one_keeps_everything);
    g_test_add_func("/public_api/set_shard/out_of_range_or_read_only_is_refused",
                    test_shard_out_of_range_or_read_only_is_refused);
    int rc = g_test_run();
    ghs_test_rm_noted();
    return rc;
}
