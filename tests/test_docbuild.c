/*
 * test_docbuild.c: the Xapian documents a source document's pages become
 * (indexer/docbuild.c): one document per passage carrying the terms,
 * values and record that store/schema.h lays out, the same document-wide
 * terms on every passage, a passage repeated word for word built once, the
 * glossary keys on the first passage, English words in the spelling table.
 * Documents are written to a fresh database and read back through the
 * binding (xapian-c/xc.h).
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "docbuild.h"
#include "docdata.h"
#include "glossary_store.h"
#include "schema.h"
#include "test_util.h"
#include "xc.h"

static ghs_analyzer *an;

/* One passage read back from the database. */
typedef struct passage {
    GHashTable *terms;      /* every term of the document */
    char *doc, *page, *facets;   /* values */
    char *data;
    size_t data_len;
} passage;

static void passage_free(gpointer p)
{
    passage *ps = p;
    g_hash_table_destroy(ps->terms);
    free(ps->doc);
    free(ps->page);
    free(ps->facets);
    free(ps->data);
    g_free(ps);
}

/* What building a document gave. */
typedef struct built {
    char *dir, *db;
    GPtrArray *passages;    /* passage*, in the order written */
    size_t pages, text_bytes, n_passages, written;
} built;

static void built_free(built *b)
{
    g_ptr_array_free(b->passages, TRUE);
    ghs_test_rm_tree(b->dir);
    g_free(b->db);
    g_free(b->dir);
    g_free(b);
}

static GPtrArray *read_passages(const char *db_path)
{
    xc_error xe;
    xc_db *db = xc_db_open(db_path, &xe);
    if (!db)
        g_error("open %s: %s", db_path, xe.message);
    GPtrArray *out = g_ptr_array_new_with_free_func(passage_free);
    uint32_t n = xc_db_doccount(db, &xe);
    for (xc_docid did = 1; did <= n; did++) {
        passage *p = g_new0(passage, 1);
        p->terms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        xc_termlist *tl = xc_db_termlist(db, did, &xe);
        g_assert_nonnull(tl);
        const char *term;
        uint32_t tf;
        while (xc_termlist_next(tl, &term, &tf, &xe) == 1)
            g_hash_table_add(p->terms, g_strdup(term));
        xc_termlist_free(tl);
        xc_doc *doc = xc_db_get_document(db, did, &xe);
        g_assert_nonnull(doc);
        p->doc = xc_doc_get_value(doc, GHS_SLOT_DOC, NULL, &xe);
        p->page = xc_doc_get_value(doc, GHS_SLOT_PAGE, NULL, &xe);
        p->facets = xc_doc_get_value(doc, GHS_SLOT_FACETS, NULL, &xe);
        p->data = xc_doc_get_data(doc, &p->data_len, &xe);
        xc_doc_free(doc);
        g_ptr_array_add(out, p);
    }
    xc_db_close(db);
    return out;
}

/* Build document di of pages into a new database and read it back;
 * labels (may be NULL) are the pages' printed labels. */
static built *build_labelled(const ghs_doc_info *di, const char *const *texts,
                             const int *numbers, const char *const *labels, size_t n_pages)
{
    built *b = g_new0(built, 1);
    b->dir = ghs_test_tmp_dir("ghs-docbuild-XXXXXX");
    b->db = g_build_filename(b->dir, "db", NULL);
    ghs_page *pages = g_new0(ghs_page, n_pages ? n_pages : 1);
    for (size_t i = 0; i < n_pages; i++)
        pages[i] = (ghs_page){ .number = numbers ? numbers[i] : 0, .text = (char *)texts[i],
                               .len = strlen(texts[i]),
                               .label = labels ? (char *)labels[i] : NULL };
    xc_error xe;
    xc_wdb *wdb = xc_wdb_open(b->db, XC_DB_CREATE_OR_OPEN, &xe);
    if (!wdb)
        g_error("open %s: %s", b->db, xe.message);
    ghs_builder *bld = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_builder_new(&bld, an, di, pages, n_pages, &err), ==, 0);
    for (size_t i = 0; i < n_pages; i++)
        g_assert_cmpint(ghs_builder_add_page(bld, an, &pages[i], &err), ==, 0);
    g_assert_cmpint(ghs_builder_finish(bld, wdb, &b->written, &err), ==, 0);
    b->pages = ghs_builder_pages(bld);
    b->text_bytes = ghs_builder_text_bytes(bld);
    b->n_passages = ghs_builder_passages(bld);
    ghs_builder_free(bld);
    g_assert_cmpint(xc_wdb_commit(wdb, &xe), ==, 0);
    xc_wdb_close(wdb);
    g_free(pages);
    b->passages = read_passages(b->db);
    return b;
}

static built *build(const ghs_doc_info *di, const char *const *texts, const int *numbers,
                    size_t n_pages)
{
    return build_labelled(di, texts, numbers, NULL, n_pages);
}

static char *metadata(const char *db_path, const char *key)
{
    xc_error xe;
    xc_db *db = xc_db_open(db_path, &xe);
    g_assert_nonnull(db);
    char *v = xc_db_get_metadata(db, key, NULL, &xe);
    g_assert_nonnull(v);
    char *copy = g_strdup(v);
    free(v);
    xc_db_close(db);
    return copy;
}

static passage *nth(const built *b, guint i)
{
    g_assert_cmpuint(i, <, b->passages->len);
    return g_ptr_array_index(b->passages, i);
}

static void assert_term(const passage *p, const char *term)
{
    if (!g_hash_table_contains(p->terms, term))
        g_error("passage %s#%s lacks the term «%s»", p->doc, p->page, term);
}

static void assert_no_term(const passage *p, const char *term)
{
    if (g_hash_table_contains(p->terms, term))
        g_error("passage %s#%s has the term «%s»", p->doc, p->page, term);
}

static size_t terms_with_prefix(const passage *p, const char *prefix)
{
    size_t n = 0;
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, p->terms);
    while (g_hash_table_iter_next(&it, &k, NULL))
        n += g_str_has_prefix(k, prefix);
    return n;
}

static char *field(const passage *p, char key)
{
    return ghs_docdata_dup(p->data, p->data_len, key);
}

static void assert_field(const passage *p, char key, const char *want)
{
    char *v = field(p, key);
    g_assert_cmpstr(v, ==, want);
    free(v);
}

/* ------------------------------------------------------------ one passage */

static const char *BRIEF_TITLE = "危機に強い保健医療体制をつくる";
static const char *BRIEF_PAGE =
    "2023年のG7広島サミットでは、ユニバーサル・ヘルス・カバレッジ（UHC）の達成に向けた"
    "保健財政の強化が議論された。The summit called for sustainable health financing.";

static ghs_doc_info brief_info(void)
{
    return (ghs_doc_info){ .id = "brief-ja", .title = BRIEF_TITLE,
                           .source = "/corpus/uhc-brief-ja.pdf", .lang = "ja", .type = "pdf",
                           .publisher = "日本国際交流センター", .date = "2023-05-10",
                           .url = "https://example.org/uhc-brief-ja.pdf",
                           .file_term = GHS_PREFIX_FILE "0123456789abcdef" };
}

static void test_passage_carries_its_words_stems_and_grams(void)
{
    ghs_doc_info di = brief_info();
    const char *texts[] = { BRIEF_PAGE };
    const int numbers[] = { 3 };
    built *b = build(&di, texts, numbers, 1);
    g_assert_cmpuint(b->passages->len, ==, 1);
    g_assert_cmpuint(b->n_passages, ==, 1);
    g_assert_cmpuint(b->written, ==, 1);
    g_assert_cmpuint(b->pages, ==, 1);
    g_assert_cmpuint(b->text_bytes, ==, strlen(BRIEF_PAGE));
    passage *p = nth(b, 0);
    /* normalized words (positions are for phrases) */
    assert_term(p, "保健");
    assert_term(p, "財政");
    assert_term(p, "uhc");
    assert_term(p, "広島");
    assert_term(p, "financing");
    assert_term(p, "the");
    /* English stems of Latin words that are no stopwords */
    assert_term(p, GHS_PREFIX_STEM "financ");
    assert_term(p, GHS_PREFIX_STEM "uhc");
    assert_term(p, GHS_PREFIX_STEM "summit");
    assert_no_term(p, GHS_PREFIX_STEM "the");
    assert_no_term(p, GHS_PREFIX_STEM "保健");
    /* Japanese bigrams across adjacent words; no single characters (the
     * "U" terms of indexes written before issue 21) */
    assert_term(p, GHS_PREFIX_BIGRAM "保健");
    assert_term(p, GHS_PREFIX_BIGRAM "健財");
    assert_no_term(p, "U財");
    assert_no_term(p, GHS_PREFIX_BIGRAM "fi");
    built_free(b);
}

static void test_passage_carries_its_document_terms_values_and_record(void)
{
    ghs_doc_info di = brief_info();
    const char *texts[] = { BRIEF_PAGE };
    const int numbers[] = { 3 };
    built *b = build(&di, texts, numbers, 1);
    passage *p = nth(b, 0);
    /* boolean terms of the document */
    assert_term(p, GHS_PREFIX_PASSAGE "brief-ja#3#0");
    assert_term(p, GHS_PREFIX_DOC "brief-ja");
    assert_term(p, GHS_PREFIX_FILE "0123456789abcdef");
    assert_term(p, GHS_PREFIX_LANG "ja");
    assert_term(p, GHS_PREFIX_TYPE "pdf");
    assert_term(p, GHS_PREFIX_YEAR "2023");
    assert_term(p, GHS_PREFIX_PUBLISHER "日本");
    assert_term(p, GHS_PREFIX_PUBLISHER "国際");
    assert_term(p, GHS_PREFIX_PUBLISHER "交流");
    assert_term(p, GHS_PREFIX_TITLE "危機");
    assert_term(p, GHS_PREFIX_TITLE "保健");
    /* title words, stems and grams under K, for the searcher's text-or-title */
    assert_term(p, GHS_PREFIX_TITLE_TEXT "危機");
    assert_term(p, GHS_PREFIX_TITLE_TEXT "保健");
    assert_term(p, GHS_PREFIX_TITLE_TEXT GHS_PREFIX_BIGRAM "医療");
    assert_no_term(p, GHS_PREFIX_TITLE_TEXT "U危");
    /* values: the collapse key, the page, the facets */
    g_assert_cmpstr(p->doc, ==, "brief-ja");
    g_assert_cmpstr(p->page, ==, "3");
    g_assert_cmpstr(p->facets, ==, "brief-ja\x1f" "ja\x1f" "2023\x1f" "pdf\x1f" "日本国際交流センター");
    /* the record: what a hit shows and cites without reading anything else */
    assert_field(p, GHS_F_PASSAGE, BRIEF_PAGE);
    assert_field(p, GHS_F_DOC, "brief-ja");
    assert_field(p, GHS_F_TITLE, BRIEF_TITLE);
    assert_field(p, GHS_F_SOURCE, "/corpus/uhc-brief-ja.pdf");
    assert_field(p, GHS_F_LANG, "ja");
    assert_field(p, GHS_F_TYPE, "pdf");
    assert_field(p, GHS_F_PUBLISHER, "日本国際交流センター");
    assert_field(p, GHS_F_DATE, "2023-05-10");
    assert_field(p, GHS_F_URL, "https://example.org/uhc-brief-ja.pdf");
    g_assert_cmpint(ghs_docdata_get_int(p->data, p->data_len, GHS_F_PAGE, -1), ==, 3);
    g_assert_cmpint(ghs_docdata_get_int(p->data, p->data_len, GHS_F_OFFSET, -1), ==, 0);
    built_free(b);
}

static char *long_page(const char *topic, int sentences);

/* A page printed with another number than its place in the PDF ("iii"
 * for the third sheet) keeps that label with each of its passages, for
 * citations; a page without a label stores none. */
static void test_page_label_is_stored_with_each_passage(void)
{
    ghs_doc_info di = brief_info();
    char *long_one = long_page("保健財政", 14);
    const char *texts[] = { "はじめに。本書は保健財政に関する提言をまとめたものである。", long_one,
                            BRIEF_PAGE };
    const int numbers[] = { 3, 16, 17 };
    const char *labels[] = { "iii", "15", NULL };
    built *b = build_labelled(&di, texts, numbers, labels, 3);
    g_assert_cmpuint(b->passages->len, >=, 4);
    for (guint i = 0; i < b->passages->len; i++) {
        passage *p = nth(b, i);
        const char *want = !strcmp(p->page, "3") ? "iii" : !strcmp(p->page, "16") ? "15" : NULL;
        size_t len = 0;
        const char *label = ghs_docdata_get(p->data, p->data_len, GHS_F_PAGE_LABEL, &len);
        if (want) {
            g_assert_nonnull(label);
            g_assert_cmpmem(label, len, want, strlen(want));
        } else {
            g_assert_null(label);
        }
        /* the physical number stays the page */
        g_assert_cmpint(ghs_docdata_get_int(p->data, p->data_len, GHS_F_PAGE, -1), ==,
                        atoi(p->page));
    }
    built_free(b);
    g_free(long_one);
}

/* An English title's stopwords are no title terms to search (K), though
 * the title filter (S) has every word. */
static void test_title_terms_leave_out_stopwords(void)
{
    ghs_doc_info di = { .id = "brief-en", .title = "The Financing of Health", .lang = "en",
                        .type = "record" };
    const char *texts[] = { "Countries should mobilise domestic resources." };
    built *b = build(&di, texts, NULL, 1);
    passage *p = nth(b, 0);
    assert_term(p, GHS_PREFIX_TITLE_TEXT GHS_PREFIX_STEM "financ");
    assert_term(p, GHS_PREFIX_TITLE_TEXT GHS_PREFIX_STEM "health");
    assert_no_term(p, GHS_PREFIX_TITLE_TEXT GHS_PREFIX_STEM "the");
    assert_no_term(p, GHS_PREFIX_TITLE_TEXT "the");
    assert_term(p, GHS_PREFIX_TITLE "the");
    assert_term(p, GHS_PREFIX_TITLE "financing");
    /* no file, no year, no publisher: no such terms, empty facet fields */
    g_assert_cmpuint(terms_with_prefix(p, GHS_PREFIX_FILE), ==, 0);
    g_assert_cmpuint(terms_with_prefix(p, GHS_PREFIX_YEAR), ==, 0);
    g_assert_cmpuint(terms_with_prefix(p, GHS_PREFIX_PUBLISHER), ==, 0);
    g_assert_cmpstr(p->facets, ==, "brief-en\x1f" "en\x1f" "\x1f" "record\x1f");
    g_assert_cmpstr(p->page, ==, "0");   /* a source without pages */
    built_free(b);
}

/* The year is the first run of exactly four digits of the date. */
static void test_year_term_and_facet_come_from_the_date(void)
{
    static const struct { const char *date, *year; } cases[] = {
        { "2023-04-28", "2023" },
        { "2023年4月28日", "2023" },
        { "28/04/2021", "2021" },
        { "令和5年", NULL },
        { "FY20231", NULL },
        { "", NULL },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        ghs_doc_info di = { .id = "d", .title = "t", .lang = "ja", .type = "record",
                            .date = cases[i].date,
                            /* control characters are no facet separators */
                            .publisher = "JCIE\x1f" "東京\t事務所" };
        const char *texts[] = { "保健財政の持続可能性。" };
        built *b = build(&di, texts, NULL, 1);
        passage *p = nth(b, 0);
        char *facets = g_strdup_printf("d\x1f" "ja\x1f" "%s\x1f" "record\x1f" "JCIE 東京 事務所",
                                       cases[i].year ? cases[i].year : "");
        g_assert_cmpstr(p->facets, ==, facets);
        if (cases[i].year) {
            char *y = g_strconcat(GHS_PREFIX_YEAR, cases[i].year, NULL);
            assert_term(p, y);
            g_free(y);
        }
        g_assert_cmpuint(terms_with_prefix(p, GHS_PREFIX_YEAR), ==, cases[i].year ? 1 : 0);
        g_free(facets);
        built_free(b);
    }
}

/* ------------------------------------------------------------ several passages */

static char *long_page(const char *topic, int sentences)
{
    GString *g = g_string_new(NULL);
    for (int i = 1; i <= sentences; i++)
        g_string_append_printf(g, "第%d項：各国は%sの持続可能性を高めるため、国内資金の動員と"
                               "効率的な支出を着実に進めるべきである。", i, topic);
    return g_string_free(g, FALSE);
}

static void test_every_passage_of_a_page_carries_the_documents_terms(void)
{
    char *page = long_page("保健財政", 14);
    ghs_doc_info di = brief_info();
    const char *texts[] = { page };
    const int numbers[] = { 2 };
    built *b = build(&di, texts, numbers, 1);
    g_assert_cmpuint(b->passages->len, >=, 2);
    g_assert_cmpuint(b->n_passages, ==, b->passages->len);
    g_assert_cmpuint(b->written, ==, b->passages->len);
    long last_offset = -1;
    for (guint i = 0; i < b->passages->len; i++) {
        passage *p = nth(b, i);
        char *q = g_strdup_printf(GHS_PREFIX_PASSAGE "brief-ja#2#%u", i);
        assert_term(p, q);
        g_free(q);
        assert_term(p, GHS_PREFIX_DOC "brief-ja");
        assert_term(p, GHS_PREFIX_FILE "0123456789abcdef");
        assert_term(p, GHS_PREFIX_LANG "ja");
        assert_term(p, GHS_PREFIX_YEAR "2023");
        assert_term(p, GHS_PREFIX_TITLE_TEXT "危機");
        g_assert_cmpuint(terms_with_prefix(p, GHS_PREFIX_PASSAGE), ==, 1);
        g_assert_cmpstr(p->page, ==, "2");
        g_assert_cmpstr(p->facets, ==, nth(b, 0)->facets);
        /* the passage stands in its page at its offset (code points) */
        long off = ghs_docdata_get_int(p->data, p->data_len, GHS_F_OFFSET, -1);
        g_assert_cmpint(off, >, last_offset);
        last_offset = off;
        char *text = field(p, GHS_F_PASSAGE);
        g_assert_true(g_str_has_prefix(g_utf8_offset_to_pointer(page, off), text));
        g_assert_cmpuint(g_utf8_strlen(text, -1), <=, 800);
        free(text);
    }
    built_free(b);
    g_free(page);
}

/* A body printed twice (the same page text again) and a passage repeated
 * within a page are built once, where they first occur. */
static void test_passage_repeated_word_for_word_is_built_once(void)
{
    char *page = long_page("ワクチンの公平な分配", 12);
    ghs_doc_info di = brief_info();
    const char *once[] = { page };
    const int one[] = { 1 };
    built *b1 = build(&di, once, one, 1);
    size_t per_page = b1->passages->len;
    g_assert_cmpuint(per_page, >=, 2);

    const char *twice[] = { page, page };
    const int numbers[] = { 1, 2 };
    built *b2 = build(&di, twice, numbers, 2);
    g_assert_cmpuint(b2->pages, ==, 2);
    g_assert_cmpuint(b2->text_bytes, ==, 2 * strlen(page));
    g_assert_cmpuint(b2->passages->len, ==, per_page);
    g_assert_cmpuint(b2->n_passages, ==, per_page);
    for (guint i = 0; i < b2->passages->len; i++)
        g_assert_cmpstr(nth(b2, i)->page, ==, "1");
    built_free(b2);
    built_free(b1);

    /* within one page: a block that makes one passage, written twice */
    const char *block = "国内資金の動員は、ユニバーサル・ヘルス・カバレッジの達成に欠かせない"
        "財源である。各国政府は税収の確保と支出の効率化を同時に進め、保健医療への"
        "公的支出を段階的に引き上げる必要がある。特に低所得国では、外部資金への依存を"
        "減らしつつ、自国の財政余地を広げる制度改革が求められる。また、保健財政の"
        "透明性を高め、支出の成果を国民に説明する仕組みを整えることも重要である。"
        "こうした取り組みは、危機の際にも必要な保健サービスを途切れさせないための"
        "土台となり、パンデミックへの備えと平時の保健医療体制の強化を一体として"
        "進めることにつながる。以上の点を踏まえ、各国は中期的な財政計画の中に"
        "保健を明確に位置づけるべきである。保健への投資は、将来の危機に対する"
        "最も確実な備えである。";
    /* one passage: its last sentence reaches GHS_PASSAGE_TARGET (320) */
    g_assert_cmpuint(g_utf8_strlen(block, -1), >=, 320);
    char *doubled = g_strconcat(block, "\n\n", block, "\n", NULL);
    const char *texts[] = { doubled };
    built *b3 = build(&di, texts, one, 1);
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < b3->passages->len; i++) {
        char *text = field(nth(b3, i), GHS_F_PASSAGE);
        if (!g_hash_table_add(seen, g_strdup(text)))
            g_error("passage built twice: %s", text);
        free(text);
    }
    g_assert_cmpuint(b3->passages->len, ==, 1);
    g_assert_cmpuint(b3->n_passages, ==, 1);
    g_hash_table_destroy(seen);
    built_free(b3);
    g_free(doubled);
    g_free(page);
}

/* Only text with a letter or digit makes a passage. */
static void test_page_without_words_makes_no_passage(void)
{
    ghs_doc_info di = brief_info();
    const char *texts[] = { "・・・　――　。。", "保健財政。" };
    const int numbers[] = { 1, 2 };
    built *b = build(&di, texts, numbers, 2);
    g_assert_cmpuint(b->pages, ==, 2);
    g_assert_cmpuint(b->passages->len, ==, 1);
    g_assert_cmpuint(b->n_passages, ==, 1);
    g_assert_cmpstr(nth(b, 0)->page, ==, "2");
    assert_term(nth(b, 0), GHS_PREFIX_PASSAGE "brief-ja#2#0");
    built_free(b);
}

/* ------------------------------------------------------------ glossary, spelling */

static void test_glossary_keys_go_on_the_first_passage_and_the_pairs_are_stored(void)
{
    char *rest = long_page("保健財政", 14);
    char *page = g_strconcat("ユニバーサル・ヘルス・カバレッジ（UHC）は、すべての人が適切な保健"
                             "医療サービスを支払い可能な費用で受けられる状態をいう。", rest, NULL);
    ghs_doc_info di = brief_info();
    const char *texts[] = { page };
    const int numbers[] = { 1 };
    built *b = build(&di, texts, numbers, 1);
    g_assert_cmpuint(b->passages->len, >=, 2);
    assert_term(nth(b, 0), GHS_PREFIX_GLOSSARY "uhc");
    assert_term(nth(b, 0), GHS_PREFIX_GLOSSARY "ユニバーサルヘルスカバレッジ");
    for (guint i = 1; i < b->passages->len; i++)
        g_assert_cmpuint(terms_with_prefix(nth(b, i), GHS_PREFIX_GLOSSARY), ==, 0);
    char *rec = metadata(b->db, GHS_META_GLOSS_DOC "brief-ja");
    g_assert_true(g_str_has_prefix(rec, "ghs-gloss 1\n"));
    g_assert_nonnull(strstr(rec, "UHC\tuhc\tユニバーサル・ヘルス・カバレッジ\t"));
    g_free(rec);
    built_free(b);
    g_free(page);
    g_free(rest);

    /* a document defining nothing has no glossary record */
    di.id = "plain";
    const char *plain[] = { "保健財政の持続可能性を高める。" };
    b = build(&di, plain, numbers, 1);
    g_assert_cmpuint(terms_with_prefix(nth(b, 0), GHS_PREFIX_GLOSSARY), ==, 0);
    char *none = metadata(b->db, GHS_META_GLOSS_DOC "plain");
    g_assert_cmpstr(none, ==, "");
    g_free(none);
    built_free(b);
}

static void test_english_words_go_to_the_spelling_table(void)
{
    ghs_doc_info di = { .id = "en", .title = "Financing", .lang = "en", .type = "record" };
    const char *texts[] = { "Sustainable financing of universal coverage after covid19." };
    built *b = build(&di, texts, NULL, 1);
    xc_error xe;
    xc_db *db = xc_db_open(b->db, &xe);
    char *s = xc_db_spelling_suggestion(db, "finacing", 2, &xe);
    g_assert_cmpstr(s, ==, "financing");
    free(s);
    s = xc_db_spelling_suggestion(db, "sustainabel", 2, &xe);
    g_assert_cmpstr(s, ==, "sustainable");
    free(s);
    s = xc_db_spelling_suggestion(db, "covid18", 2, &xe);   /* digits: no word */
    g_assert_cmpstr(s, ==, "");
    free(s);
    xc_db_close(db);
    built_free(b);
}

/* ------------------------------------------------------------ taking documents */

/* Documents can be taken page by page (the pipeline writes them on
 * another thread); finishing writes only what is left. */
static void test_documents_are_taken_page_by_page(void)
{
    char *dir = ghs_test_tmp_dir("ghs-docbuild-XXXXXX");
    char *db = g_build_filename(dir, "db", NULL);
    xc_error xe;
    xc_wdb *wdb = xc_wdb_open(db, XC_DB_CREATE_OR_OPEN, &xe);
    g_assert_nonnull(wdb);
    char *p1 = long_page("保健財政", 14);
    ghs_page pages[2] = {
        { .number = 1, .text = p1, .len = strlen(p1) },
        { .number = 2, .text = (char *)BRIEF_PAGE, .len = strlen(BRIEF_PAGE) },
    };
    ghs_doc_info di = brief_info();
    ghs_builder *bld = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_builder_new(&bld, an, &di, pages, 2, &err), ==, 0);
    /* the builder keeps its own copy of the metadata */
    g_assert_true(ghs_builder_info(bld)->id != di.id);
    g_assert_cmpstr(ghs_builder_info(bld)->title, ==, BRIEF_TITLE);
    g_assert_cmpint(ghs_builder_add_page(bld, an, &pages[0], &err), ==, 0);
    GPtrArray *docs = ghs_builder_take_docs(bld);
    size_t first = docs->len;
    g_assert_cmpuint(first, >=, 2);
    size_t written = 0;
    g_assert_cmpint(ghs_docs_write(docs, wdb, &written, &err), ==, 0);
    g_assert_cmpuint(written, ==, first);
    docs = ghs_builder_take_docs(bld);   /* taken: none left */
    g_assert_cmpuint(docs->len, ==, 0);
    ghs_docs_free(docs);
    g_assert_cmpint(ghs_builder_add_page(bld, an, &pages[1], &err), ==, 0);
    g_assert_cmpint(ghs_builder_finish(bld, wdb, &written, &err), ==, 0);
    g_assert_cmpuint(written, ==, 1);
    g_assert_cmpuint(ghs_builder_passages(bld), ==, first + 1);
    g_assert_cmpuint(xc_wdb_doccount(wdb, &xe), ==, first + 1);
    ghs_builder_free(bld);
    xc_wdb_close(wdb);
    ghs_test_rm_tree(dir);
    g_free(p1);
    g_free(db);
    g_free(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ghs_error err = {0};
    an = ghs_analyzer_new(&err);
    if (!an)
        g_error("analyzer: %s", err.message);
    g_test_add_func("/docbuild/passage/carries_its_words_stems_and_grams",
                    test_passage_carries_its_words_stems_and_grams);
    g_test_add_func("/docbuild/passage/carries_its_document_terms_values_and_record",
                    test_passage_carries_its_document_terms_values_and_record);
    g_test_add_func("/docbuild/passage/page_label_is_stored_with_each_passage",
                    test_page_label_is_stored_with_each_passage);
    g_test_add_func("/docbuild/passage/title_terms_leave_out_stopwords",
                    test_title_terms_leave_out_stopwords);
    g_test_add_func("/docbuild/passage/year_term_and_facet_come_from_the_date",
                    test_year_term_and_facet_come_from_the_date);
    g_test_add_func("/docbuild/page/every_passage_carries_the_documents_terms",
                    test_every_passage_of_a_page_carries_the_documents_terms);
    g_test_add_func("/docbuild/page/passage_repeated_word_for_word_is_built_once",
                    test_passage_repeated_word_for_word_is_built_once);
    g_test_add_func("/docbuild/page/page_without_words_makes_no_passage",
                    test_page_without_words_makes_no_passage);
    g_test_add_func("/docbuild/glossary/keys_on_the_first_passage_and_pairs_stored",
                    test_glossary_keys_go_on_the_first_passage_and_the_pairs_are_stored);
    g_test_add_func("/docbuild/spelling/english_words_go_to_the_spelling_table",
                    test_english_words_go_to_the_spelling_table);
    g_test_add_func("/docbuild/write/documents_are_taken_page_by_page",
                    test_documents_are_taken_page_by_page);
    int rc = g_test_run();
    ghs_analyzer_free(an);
    return rc;
}
