/*
 * test_document.c: a document by its id (what `ghsearch show DOC --page N`
 * prints): metadata, the text of one page rebuilt from its passages, and
 * the errors for unknown documents and pages out of range. Indexes the
 * bundled Japanese sample brief (4 pages; corpus/README.md says which page
 * holds what) and a text record into a temporary index.
 * Also the names a user types for a document (ghs_document_resolve): an
 * id, the path of an indexed file, its file name; and the doc: filter,
 * which takes the same names. Those tests use a second index of small
 * text releases made by the test.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "ghsearch.h"
#include "test_util.h"

static const char *JA_TITLE =
    "危機に強い保健医療体制をつくる：２０２３年の国際保健に関する政策ブリーフ";

static char *db_dir;
static gboolean have_pdf;

static void build_index(void)
{
    ghs_index *ix = ghs_test_index_new("ghs-document-XXXXXX", &db_dir);
    ghs_error err = {0};
    const char *root = g_getenv("GHS_BUILD_ROOT");
    char *pdf = root ? g_build_filename(root, "corpus", "uhc-brief-ja.pdf", NULL) : NULL;
    if (pdf && g_file_test(pdf, G_FILE_TEST_EXISTS)) {
        ghs_meta m = { .id = "uhc-brief-ja", .publisher = "JCIE",
                       .url = "https://example.org/uhc-brief-ja.pdf" };
        if (ghs_index_add_file(ix, pdf, &m, NULL, &err) != 0)
            g_error("index %s: %s", pdf, err.message);
        have_pdf = TRUE;
    }
    g_free(pdf);
    /* Paragraphs long enough to be passages of their own; the second is
     * printed twice, as some releases do. */
    GString *t = g_string_new(NULL);
    /* Each paragraph one sentence longer than a passage's target size, so
     * that passages and paragraphs coincide (indexer/passages.h). */
    const char *paras[] = {
        "First paragraph: universal health coverage means that all people have access to "
        "the full range of quality health services they need, when and where they need "
        "them, without financial hardship, and it covers the full continuum of essential "
        "health services from health promotion to prevention, treatment, rehabilitation "
        "and palliative care across the whole life course of every person in every country.",
        "Second paragraph: countries should mobilise domestic resources for health and "
        "protect people from catastrophic spending, because out of pocket payments push "
        "millions of households into poverty every year across every region of the world, "
        "and the evidence for this has been clear for a very long time to everybody who "
        "has looked at household surveys, national health accounts and the reports of WHO.",
        "Second paragraph: countries should mobilise domestic resources for health and "
        "protect people from catastrophic spending, because out of pocket payments push "
        "millions of households into poverty every year across every region of the world, "
        "and the evidence for this has been clear for a very long time to everybody who "
        "has looked at household surveys, national health accounts and the reports of WHO.",
        "Third paragraph: 日本語の段落も同じ文書に含まれており、保健財政の持続可能性は"
        "ユニバーサル・ヘルス・カバレッジの達成に欠かせない条件であって、各国は国内資金の動員を"
        "進めるとともに開発援助との役割分担を明確にし、保健人材の育成と定着、医薬品の調達と供給、"
        "地域の保健医療の基盤となるプライマリ・ヘルス・ケアの強化、感染症危機への備えと対応の"
        "仕組みづくりを、平時から一体として進めていく必要があるというのが本稿の立場であり、"
        "その考え方は多くの国際機関の報告書でも繰り返し示されてきたものであって、財政当局と"
        "保健当局が共通の目標に向けて協力する体制を整えることが、いま何より求められている。",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(paras); i++)
        g_string_append_printf(t, "%s\n\n", paras[i]);
    ghs_meta m = { .id = "note-uhc", .title = "UHC note", .lang = "en",
                   .date = "2024-02-03", .type = "record" };
    g_assert_cmpint(ghs_index_add_text(ix, &m, t->str, t->len, NULL, &err), ==, 0);
    g_string_free(t, TRUE);
    /* A press release (text): one page, which page 0 names too. */
    char *rel_dir = g_dir_make_tmp("ghs-document-release-XXXXXX", NULL);
    g_assert_nonnull(rel_dir);
    char *rel = g_build_filename(rel_dir, "release.txt", NULL);
    g_assert_true(g_file_set_contents(rel, "保健財政に関する提言を公表しました\n\n"
                                      "本日、ユニバーサル・ヘルス・カバレッジの達成に向けた保健財政の"
                                      "提言を公表しました。各国は国内資金の動員を進めるべきです。\n",
                                      -1, NULL));
    ghs_meta rm = { .id = "release-uhc" };
    if (ghs_index_add_file(ix, rel, &rm, NULL, &err) != 0)
        g_error("index %s: %s", rel, err.message);
    g_unlink(rel);
    g_rmdir(rel_dir);
    g_free(rel);
    g_free(rel_dir);
    ghs_test_index_finish(ix);
}

static ghs_index *open_ro(void)
{
    ghs_index *ix = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_open(&ix, db_dir, GHS_OPEN_READ, &err), ==, 0);
    return ix;
}

static gboolean need_pdf(void)
{
    if (have_pdf)
        return TRUE;
    if (g_strcmp0(g_getenv("CI"), "true") == 0)
        g_error("corpus/uhc-brief-ja.pdf not found under GHS_BUILD_ROOT");
    g_test_skip("corpus/uhc-brief-ja.pdf not built (set GHS_BUILD_ROOT)");
    return FALSE;
}

static void test_pdf_metadata_comes_from_the_index(void)
{
    if (!need_pdf())
        return;
    ghs_index *ix = open_ro();
    ghs_document *d = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_document_get(ix, "uhc-brief-ja", &d, &err), ==, 0);
    g_assert_cmpstr(d->id, ==, "uhc-brief-ja");
    g_assert_cmpstr(d->title, ==, JA_TITLE);
    g_assert_cmpstr(d->type, ==, "pdf");
    g_assert_cmpstr(d->lang, ==, "ja");
    g_assert_cmpstr(d->publisher, ==, "JCIE");
    g_assert_true(g_str_has_prefix(d->date, "2023-05-10"));
    g_assert_cmpstr(d->url, ==, "https://example.org/uhc-brief-ja.pdf");
    g_assert_cmpint(d->pages, ==, 4);
    g_assert_cmpuint(d->passages, >, 4);
    char *c = NULL;
    g_assert_cmpint(ghs_document_cite(d, 2, GHS_CITE_TEXT, &c, &err), ==, 0);
    char *want = g_strdup_printf("%s, JCIE, 2023, p. 2, https://example.org/uhc-brief-ja.pdf",
                                 JA_TITLE);
    g_assert_cmpstr(c, ==, want);
    g_free(want);
    ghs_free(c);
    ghs_document_free(d);
    ghs_index_close(ix);
}

static char *page_text(ghs_index *ix, const char *id, int page)
{
    char *t = NULL;
    ghs_error err = {0};
    if (ghs_document_page_text(ix, id, page, &t, &err) != 0)
        g_error("page %d of %s: %s", page, id, err.message);
    g_assert_true(g_utf8_validate(t, -1, NULL));
    return t;
}

static void test_page_text_holds_that_page_only(void)
{
    if (!need_pdf())
        return;
    ghs_index *ix = open_ro();
    /* corpus/README.md: 100日ミッション and 薬剤耐性 only on page 3,
     * プライマリ・ヘルス・ケア only on page 2. */
    char *p2 = page_text(ix, "uhc-brief-ja", 2);
    char *p3 = page_text(ix, "uhc-brief-ja", 3);
    g_assert_nonnull(strstr(p2, "プライマリ・ヘルス・ケア"));
    g_assert_null(strstr(p2, "100日ミッション"));
    g_assert_nonnull(strstr(p3, "100日ミッション"));
    g_assert_nonnull(strstr(p3, "薬剤耐性"));
    g_assert_null(strstr(p3, "プライマリ・ヘルス・ケア"));
    ghs_free(p2);
    ghs_free(p3);
    /* Page 1 reads in order: the opening note before the summary's text. */
    char *p1 = page_text(ix, "uhc-brief-ja", 1);
    const char *a = strstr(p1, "本書は検索エンジン");
    const char *b = strstr(p1, "世界的な流行が宣言されてから");
    g_assert_nonnull(a);
    g_assert_nonnull(b);
    g_assert_true(a < b);
    ghs_free(p1);
    ghs_index_close(ix);
}

static void test_text_record_reads_back_in_order_with_repeats_once(void)
{
    ghs_index *ix = open_ro();
    ghs_document *d = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_document_get(ix, "note-uhc", &d, &err), ==, 0);
    g_assert_cmpint(d->pages, ==, 0);
    g_assert_cmpstr(d->type, ==, "record");
    g_assert_cmpstr(d->date, ==, "2024-02-03");
    ghs_document_free(d);
    char *t = page_text(ix, "note-uhc", 0);
    const char *first = strstr(t, "First paragraph:");
    const char *second = strstr(t, "Second paragraph:");
    const char *third = strstr(t, "Third paragraph: 日本語の段落");
    g_assert_nonnull(first);
    g_assert_nonnull(second);
    g_assert_nonnull(third);
    g_assert_true(first < second && second < third);
    /* The paragraph printed twice was indexed, and is shown, once. */
    g_assert_null(strstr(second + 1, "Second paragraph:"));
    g_assert_true(g_str_has_suffix(t, "いま何より求められている。"));
    ghs_free(t);
    ghs_index_close(ix);
}

/* The API says 0 for a release, which has no printed pages; its one
 * page (as the hits and `show` count it) is page 1 too. */
static void test_release_text_is_page_0_as_well_as_1(void)
{
    ghs_index *ix = open_ro();
    ghs_document *d = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_document_get(ix, "release-uhc", &d, &err), ==, 0);
    g_assert_cmpstr(d->type, ==, "release");
    ghs_document_free(d);
    char *p0 = page_text(ix, "release-uhc", 0);
    char *p1 = page_text(ix, "release-uhc", 1);
    g_assert_nonnull(strstr(p0, "国内資金の動員"));
    g_assert_cmpstr(p0, ==, p1);
    ghs_free(p0);
    ghs_free(p1);
    char *t = NULL;
    g_assert_cmpint(ghs_document_page_text(ix, "release-uhc", 2, &t, &err), ==, GHS_EINVAL);
    g_assert_null(t);
    ghs_index_close(ix);
}

static void test_unknown_document_and_page_out_of_range_are_errors(void)
{
    ghs_index *ix = open_ro();
    ghs_document *d = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_document_get(ix, "nope", &d, &err), ==, GHS_ENOTFOUND);
    g_assert_null(d);
    g_assert_cmpstr(err.message, ==, "[show] no document 'nope'");
    char *t = (char *)"x";
    g_assert_cmpint(ghs_document_page_text(ix, "nope", 1, &t, &err), ==, GHS_ENOTFOUND);
    g_assert_null(t);
    /* A record has no pages: only page 0. */
    g_assert_cmpint(ghs_document_page_text(ix, "note-uhc", 1, &t, &err), ==, GHS_EINVAL);
    g_assert_nonnull(strstr(err.message, "no pages"));
    g_assert_cmpint(ghs_document_get(ix, "", &d, &err), ==, GHS_EINVAL);
    if (have_pdf) {
        g_assert_cmpint(ghs_document_page_text(ix, "uhc-brief-ja", 5, &t, &err), ==,
                        GHS_EINVAL);
        g_assert_cmpstr(err.message, ==, "[show][uhc-brief-ja] page 5 out of range (1-4)");
        g_assert_cmpint(ghs_document_page_text(ix, "uhc-brief-ja", 0, &t, &err), ==,
                        GHS_EINVAL);
        g_assert_null(t);
    }
    ghs_index_close(ix);
}

/* ------------------------------------------------------------ names of a document */

/* A second index: releases whose ids (as a manifest gives them) are not
 * their file names, two files of one name, and a record whose id is the
 * file name of another document. */
static char *ref_dir, *ref_db;

static char *write_release(const char *sub, const char *name, const char *title)
{
    char *dir = g_build_filename(ref_dir, sub, NULL);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    char *path = g_build_filename(dir, name, NULL);
    char *text = g_strdup_printf("%s\n\n2024年1月15日\n\nThe %s explains how countries "
                                 "finance universal health coverage.\n", title, title);
    GError *gerr = NULL;
    g_file_set_contents(path, text, -1, &gerr);
    g_assert_no_error(gerr);
    g_free(text);
    g_free(dir);
    return path;
}

static void add_file(ghs_index *ix, const char *path, const char *id)
{
    ghs_meta m = { .id = id };
    ghs_error err = {0};
    if (ghs_index_add_file(ix, path, &m, NULL, &err) != 0)
        g_error("index %s: %s", path, err.message);
}

static void build_ref_index(void)
{
    ref_dir = ghs_test_tmp_dir("ghs-docref-XXXXXX");
    ghs_index *ix = ghs_test_index_new("ghs-docref-db-XXXXXX", &ref_db);
    const struct { const char *sub, *name, *id; } files[] = {
        { "a", "brief.txt", "brief-id" },
        { "x", "dup.txt", "dup-x" },
        { "y", "dup.txt", "dup-y" },
        { "z", "other.txt", "other-id" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        char *p = write_release(files[i].sub, files[i].name, files[i].id);
        add_file(ix, p, files[i].id);
        g_free(p);
    }
    const char *text = "A record named like a file: universal health coverage financing.";
    ghs_meta m = { .id = "other.txt", .title = "Record", .lang = "en", .type = "record" };
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_add_text(ix, &m, text, strlen(text), NULL, &err), ==, 0);
    ghs_test_index_finish(ix);
}

static ghs_index *open_refs(void)
{
    ghs_index *ix = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_open(&ix, ref_db, GHS_OPEN_READ, &err), ==, 0);
    return ix;
}

/* The id ref resolves to (asserting that it does). */
static void assert_resolves(ghs_index *ix, const char *ref, const char *want)
{
    char *id = NULL;
    ghs_error err = {0};
    if (ghs_document_resolve(ix, ref, &id, &err) != 0)
        g_error("resolve '%s': %s", ref, err.message);
    g_assert_cmpstr(id, ==, want);
    ghs_free(id);
}

static void test_resolve_id_path_and_unique_file_name(void)
{
    ghs_index *ix = open_refs();
    assert_resolves(ix, "brief-id", "brief-id");
    /* absolute, and not canonical: made canonical as the indexer does */
    char *abs = g_build_filename(ref_dir, "a", "brief.txt", NULL);
    char *odd = g_build_filename(ref_dir, "x", "..", "a", ".", "brief.txt", NULL);
    assert_resolves(ix, abs, "brief-id");
    assert_resolves(ix, odd, "brief-id");
    /* relative to the working directory */
    char *cwd = g_get_current_dir();
    g_assert_cmpint(g_chdir(ref_dir), ==, 0);
    assert_resolves(ix, "a/brief.txt", "brief-id");
    assert_resolves(ix, "./x/dup.txt", "dup-x");   /* a path, so not ambiguous */
    g_assert_cmpint(g_chdir(cwd), ==, 0);
    /* the file name alone, from anywhere */
    assert_resolves(ix, "brief.txt", "brief-id");
    /* an id comes first: the record "other.txt", not z/other.txt */
    assert_resolves(ix, "other.txt", "other.txt");
    g_free(cwd);
    g_free(odd);
    g_free(abs);
    ghs_index_close(ix);
}

static void test_resolve_ambiguous_and_unknown_names(void)
{
    ghs_index *ix = open_refs();
    char *id = (char *)"x";
    ghs_error err = {0};
    g_assert_cmpint(ghs_document_resolve(ix, "dup.txt", &id, &err), ==, GHS_EINVAL);
    g_assert_null(id);
    g_assert_cmpstr(err.message, ==,
                    "[doc] 'dup.txt' is the file name of 2 documents: dup-x, dup-y; "
                    "name one by its id");
    g_assert_cmpint(ghs_document_resolve(ix, "nope.txt", &id, &err), ==, GHS_ENOTFOUND);
    g_assert_cmpstr(err.message, ==, "[doc] no document 'nope.txt'");
    g_assert_cmpint(ghs_document_resolve(ix, "/no/such/dir/brief.txt", &id, &err), ==,
                    GHS_ENOTFOUND);   /* a path is not reduced to its file name */
    g_assert_cmpint(ghs_document_resolve(ix, "no-such-id", &id, &err), ==, GHS_ENOTFOUND);
    g_assert_cmpint(ghs_document_resolve(ix, "", &id, &err), ==, GHS_EINVAL);
    g_assert_null(id);
    /* links take the same names */
    ghs_links *l = NULL;
    g_assert_cmpint(ghs_links_get(ix, "brief.txt", &l, &err), ==, 0);
    g_assert_cmpstr(ghs_links_doc(l), ==, "brief-id");
    ghs_links_free(l);
    g_assert_cmpint(ghs_links_get(ix, "dup.txt", &l, &err), ==, GHS_EINVAL);
    g_assert_nonnull(strstr(err.message, "dup-x, dup-y"));
    ghs_index_close(ix);
}

/* The documents of the hits of q (sorted, each once), as "a,b". */
static char *docs_of(const char *q)
{
    ghs_results *r = ghs_test_search(ref_db, q, NULL);
    GPtrArray *docs = g_ptr_array_new();
    for (size_t i = 0; i < ghs_results_count(r); i++) {
        const char *d = ghs_results_hit(r, i)->doc;
        if (!g_ptr_array_find_with_equal_func(docs, d, g_str_equal, NULL))
            g_ptr_array_add(docs, (char *)d);
    }
    g_ptr_array_add(docs, NULL);
    char *s = g_strjoinv(",", (char **)docs->pdata);
    g_ptr_array_free(docs, TRUE);
    ghs_results_free(r);
    return s;
}

static void test_doc_filter_takes_the_same_names(void)
{
    char *all = docs_of("financing");
    g_assert_cmpuint(strlen(all), >, strlen("brief-id"));   /* several documents match */
    char *by_id = docs_of("doc:brief-id financing");
    char *by_name = docs_of("doc:brief.txt financing");
    char *abs = g_build_filename(ref_dir, "a", "brief.txt", NULL);
    char *q = g_strdup_printf("doc:\"%s\" financing", abs);
    char *by_path = docs_of(q);
    g_assert_cmpstr(by_id, ==, "brief-id");
    g_assert_cmpstr(by_name, ==, "brief-id");
    g_assert_cmpstr(by_path, ==, "brief-id");
    /* unknown: matches nothing, no error */
    char *none = docs_of("doc:nope.txt financing");
    g_assert_cmpstr(none, ==, "");
    /* ambiguous: an error at the filter, not a silently empty result */
    ghs_index *ix = open_refs();
    ghs_results *r = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_search(ix, "financing doc:dup.txt", NULL, &r, &err), ==, GHS_EQUERY);
    g_assert_null(r);
    g_assert_cmpint(err.position, ==, 11);
    g_assert_nonnull(strstr(err.message, "dup-x, dup-y"));
    ghs_index_close(ix);
    g_free(none);
    g_free(by_path);
    g_free(q);
    g_free(abs);
    g_free(by_name);
    g_free(by_id);
    g_free(all);
}

/* The file a document was indexed from is known even when its source is
 * the manifest's URL: it is what opens the PDF on this machine. */
static void test_a_pdf_cited_by_its_url_still_knows_its_local_file(void)
{
    if (!need_pdf())
        return;
    ghs_index *ix = open_ro();
    ghs_document *d = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_document_get(ix, "uhc-brief-ja", &d, &err), ==, 0);
    g_assert_cmpstr(d->source, ==, "https://example.org/uhc-brief-ja.pdf");
    g_assert_true(g_path_is_absolute(d->path));
    g_assert_true(g_str_has_suffix(d->path, "/corpus/uhc-brief-ja.pdf"));
    g_assert_true(g_file_test(d->path, G_FILE_TEST_IS_REGULAR));
    char *json = ghs_document_json(d, 0);
    g_assert_null(strstr(json, "\"path\""));   /* never written out */
    ghs_free(json);
    ghs_document_free(d);
    ghs_index_close(ix);
}

/* A hit shows a window of its passage; full_highlights mark the matches of
 * the whole passage, those outside the window too, at the places the
 * window's own highlights stand. */
static void test_full_highlights_cover_the_whole_passage(void)
{
    ghs_index *ix = open_ro();
    ghs_search_opts o = { GHS_SEARCH_OPTS_INIT, .limit = 10, .per_doc = 10 };
    ghs_results *r = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_search(ix, "doc:note-uhc health", &o, &r, &err), ==, 0);
    size_t cut = 0;
    for (size_t i = 0; i < ghs_results_count(r); i++) {
        const ghs_hit *h = ghs_results_hit(r, i);
        glong full_len = g_utf8_strlen(h->full_passage, -1);
        gboolean lead = g_str_has_prefix(h->passage, "\xe2\x80\xa6");   /* "…" */
        g_assert_cmpuint(h->n_full_highlights, >=, h->n_highlights);
        for (size_t k = 0; k < h->n_full_highlights; k++) {
            const ghs_span *s = &h->full_highlights[k];
            g_assert_true(0 <= s->start && s->start < s->end && s->end <= full_len);
            char *word = g_utf8_substring(h->full_passage, s->start, s->end);
            char *lower = g_utf8_strdown(word, -1);
            g_assert_cmpstr(lower, ==, "health");
            g_free(lower);
            g_free(word);
        }
        for (size_t k = 0; k < h->n_highlights; k++) {
            int at = h->highlights[k].start - (lead ? 1 : 0) + h->window_start;
            gboolean found = FALSE;
            for (size_t j = 0; j < h->n_full_highlights; j++)
                found |= h->full_highlights[j].start == at;
            g_assert_true(found);
        }
        cut += h->n_full_highlights > h->n_highlights;
    }
    g_assert_cmpuint(cut, >, 0);   /* some match stands outside a window */
    ghs_results_free(r);
    ghs_index_close(ix);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    build_index();
    build_ref_index();
    g_test_add_func("/document/release_text_is_page_0_as_well_as_1",
                    test_release_text_is_page_0_as_well_as_1);
    g_test_add_func("/document/pdf_metadata_comes_from_the_index",
                    test_pdf_metadata_comes_from_the_index);
    g_test_add_func("/document/a_pdf_cited_by_its_url_still_knows_its_local_file",
                    test_a_pdf_cited_by_its_url_still_knows_its_local_file);
    g_test_add_func("/document/full_highlights_cover_the_whole_passage",
                    test_full_highlights_cover_the_whole_passage);
    g_test_add_func("/document/page_text_holds_that_page_only",
                    test_page_text_holds_that_page_only);
    g_test_add_func("/document/text_record_reads_back_in_order_with_repeats_once",
                    test_text_record_reads_back_in_order_with_repeats_once);
    g_test_add_func("/document/unknown_document_and_page_out_of_range_are_errors",
                    test_unknown_document_and_page_out_of_range_are_errors);
    g_test_add_func("/document/resolve/id_path_and_unique_file_name",
                    test_resolve_id_path_and_unique_file_name);
    g_test_add_func("/document/resolve/ambiguous_and_unknown_names",
                    test_resolve_ambiguous_and_unknown_names);
    g_test_add_func("/document/resolve/doc_filter_takes_the_same_names",
                    test_doc_filter_takes_the_same_names);
    int rc = g_test_run();
    ghs_test_rm_db(db_dir);   /* the temporary indexes and files */
    g_free(db_dir);
    ghs_test_rm_db(ref_db);
    g_free(ref_db);
    ghs_test_rm_tree(ref_dir);
    g_free(ref_dir);
    return rc;
}
