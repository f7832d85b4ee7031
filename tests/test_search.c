/*
 * test_search.c: indexing texts through the public API and searching them:
 * ranking, grouping by document, phrases, operators, filters, highlights,
 * facet counts, spelling suggestions.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "ghsearch.h"
#include "test_util.h"

static char *db_dir;

static void add_url(ghs_index *ix, const char *id, const char *title, const char *lang,
                    const char *date, const char *publisher, const char *url,
                    const char *text)
{
    ghs_meta m = { .id = id, .title = title, .lang = lang, .date = date,
                   .publisher = publisher, .url = url };
    ghs_error err = {0};
    ghs_add_report rep;
    int rc = ghs_index_add_text(ix, &m, text, strlen(text), &rep, &err);
    if (rc)
        g_error("add %s: %s", id, err.message);
    g_assert_cmpuint(rep.passages, >, 0);
}

static void add(ghs_index *ix, const char *id, const char *title, const char *lang,
                const char *date, const char *publisher, const char *text)
{
    add_url(ix, id, title, lang, date, publisher, NULL, text);
}

static void build_index(void)
{
    ghs_index *ix = ghs_test_index_new("ghs-search-XXXXXX", &db_dir);
    add(ix, "uhc-ja", "保健の提言", "ja", "2023-04-28", "日本国際交流センター",
        "ユニバーサル・ヘルス・カバレッジ(UHC)の達成には持続可能な保健財政が欠かせない。"
        "各国は国内資金の動員を進めるべきである。");
    add(ix, "phc-ja", "プライマリ・ヘルス・ケアの強化", "ja", "2022-01-10", "JCIE",
        "プライマリ・ヘルス・ケアは地域の保健医療の基盤であり、感染症への備えにも役立つ。");
    add(ix, "uhc-en", "Health financing brief", "en", "2023-05-01", "World Health Organization",
        "Universal health coverage needs sustainable health financing. Countries should "
        "mobilise domestic resources and protect people from catastrophic spending.");
    add_url(ix, "mission-en", "The 100 Days Mission", "en", "2021-06-12", "CEPI",
        "https://cepi.net/100-days",
        "The 100 Days Mission aims to make diagnostics, vaccines and therapeutics available "
        "within 100 days of a pandemic threat. Days of delay cost lives.");
    add(ix, "days-en", "Calendar notes", "en", "2020-01-01", "Nobody",
        "Mission days were many; the days of the mission were 100 in total.");
    add(ix, "kyoto-ja", "京都の保健", "ja", "2020-03-01", "JCIE",
        "京都の大学では地域の保健医療を学ぶ講座が開かれている。");
    add(ix, "tokyo-ja", "東京都の保健所", "ja", "2020-03-02", "JCIE",
        "東京都の保健所は感染症の相談に応じている。");
    /* A long document with several matching passages, to test grouping. */
    GString *g = g_string_new(NULL);
    for (int i = 0; i < 12; i++)
        g_string_append_printf(g, "Paragraph %d on vaccines: equitable access to vaccines "
                               "and medical countermeasures matters for every country in "
                               "every region of the world, as the evidence in section %d "
                               "shows clearly and repeatedly.\n\n", i, i);
    add(ix, "vaccines-en", "Vaccine access", "en", "2023-02-02", "Gavi", g->str);
    g_string_free(g, TRUE);
    ghs_test_index_finish(ix);
}

/* Literal: these tests are about how the query's own words match and rank;
 * glossary expansion (the default) has its tests in test_glossary.c. */
static ghs_results *search_opts(const char *q, size_t limit, size_t per_doc, int facets)
{
    ghs_search_opts o = { .limit = limit, .per_doc = per_doc, .facets = facets, .literal = 1 };
    return ghs_test_search(db_dir, q, &o);
}

static ghs_results *search(const char *q, size_t limit, size_t per_doc)
{
    return search_opts(q, limit, per_doc, 0);
}

static char *cp_slice(const char *s, int start, int end)
{
    const char *a = g_utf8_offset_to_pointer(s, start);
    const char *b = g_utf8_offset_to_pointer(s, end);
    return g_strndup(a, (gsize)(b - a));
}

static gboolean has_doc(const ghs_results *r, const char *doc)
{
    for (size_t i = 0; i < ghs_results_count(r); i++)
        if (!strcmp(ghs_results_hit(r, i)->doc, doc))
            return TRUE;
    return FALSE;
}

/* ghs_search_opts can grow: a caller built against an older, smaller
 * layout (or with size 0) gets the defaults for the fields it does not
 * have; one built against a newer header gets an error only when it sets a
 * field this library does not know. */
static void test_search_options_carry_their_size(void)
{
    ghs_index *ix = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_open(&ix, db_dir, GHS_OPEN_READ, &err), ==, 0);
    const char *q = "vaccines";
    ghs_results *r0 = NULL, *r1 = NULL, *r2 = NULL, *r3 = NULL;
    ghs_search_opts zero = { .limit = 3 };
    ghs_search_opts sized = { GHS_SEARCH_OPTS_INIT, .limit = 3 };
    g_assert_cmpint(ghs_search(ix, q, &zero, &r0, &err), ==, 0);
    g_assert_cmpint(ghs_search(ix, q, &sized, &r1, &err), ==, 0);
    g_assert_cmpuint(ghs_results_count(r0), ==, 3);
    g_assert_cmpuint(ghs_results_count(r1), ==, 3);
    g_assert_cmpstr(ghs_results_hit(r0, 0)->doc, ==, ghs_results_hit(r1, 0)->doc);

    /* A newer caller: its struct is longer; zero there is fine. */
    struct { ghs_search_opts o; unsigned char newer[16]; } big;
    memset(&big, 0, sizeof big);
    big.o.size = sizeof big;
    big.o.limit = 3;
    g_assert_cmpint(ghs_search(ix, q, &big.o, &r2, &err), ==, 0);
    g_assert_cmpuint(ghs_results_count(r2), ==, 3);
    big.newer[5] = 1;   /* an option this library cannot honour */
    g_assert_cmpint(ghs_search(ix, q, &big.o, &r3, &err), ==, GHS_EINVAL);
    g_assert_null(r3);
    g_assert_nonnull(strstr(err.message, "does not know"));

    /* Smaller than any layout: a caller's mistake, said as such. */
    ghs_search_opts tiny = { .size = 4 };
    g_assert_cmpint(ghs_search(ix, q, &tiny, &r3, &err), ==, GHS_EINVAL);
    g_assert_nonnull(strstr(err.message, "GHS_SEARCH_OPTS_INIT"));
    ghs_results_free(r0);
    ghs_results_free(r1);
    ghs_results_free(r2);
    ghs_index_close(ix);
}

static void test_japanese_compound_finds_its_document_with_highlights(void)
{
    ghs_results *r = search("ユニバーサル・ヘルス・カバレッジ", 10, 2);
    g_assert_cmpuint(ghs_results_count(r), >=, 1);
    const ghs_hit *h = ghs_results_hit(r, 0);
    g_assert_cmpstr(h->doc, ==, "uhc-ja");
    g_assert_cmpstr(h->lang, ==, "ja");
    g_assert_cmpint(h->page, ==, 0);
    g_assert_cmpint(h->rank, ==, 1);
    g_assert_cmpstr(h->citation, ==, "保健の提言");
    g_assert_cmpuint(h->n_highlights, >=, 1);
    GString *marked = g_string_new(NULL);
    for (size_t i = 0; i < h->n_highlights; i++) {
        char *s = cp_slice(h->passage, h->highlights[i].start, h->highlights[i].end);
        g_string_append(marked, s);
        g_free(s);
    }
    /* The compound is marked as written, its middle dots included. */
    g_assert_cmpstr(marked->str, ==, "ユニバーサル・ヘルス・カバレッジ");
    g_string_free(marked, TRUE);
    /* Partial matches (ヘルス in プライマリ・ヘルス・ケア) come after the full one. */
    for (size_t i = 1; i < ghs_results_count(r); i++)
        g_assert_cmpfloat(ghs_results_hit(r, i)->doc_rank, >, 1);
    ghs_results_free(r);
}

static void test_english_word_matches_other_forms_by_stem(void)
{
    ghs_results *r = search("financed", 10, 2);
    g_assert_cmpuint(ghs_results_count(r), ==, 1);
    const ghs_hit *h = ghs_results_hit(r, 0);
    g_assert_cmpstr(h->doc, ==, "uhc-en");
    g_assert_cmpuint(h->n_highlights, ==, 1);
    char *s = cp_slice(h->passage, h->highlights[0].start, h->highlights[0].end);
    g_assert_cmpstr(s, ==, "financing");
    g_free(s);
    ghs_results_free(r);
}

static void test_phrase_needs_words_in_order(void)
{
    ghs_results *r = search("\"100 Days Mission\"", 10, 2);
    g_assert_cmpuint(ghs_results_count(r), ==, 1);
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "mission-en");
    ghs_results_free(r);
    /* Without quotes the calendar note (same words, other order) matches too. */
    r = search("100 Days Mission", 10, 2);
    g_assert_true(has_doc(r, "days-en"));
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "mission-en");
    ghs_results_free(r);
}

static void test_all_words_rank_before_some_words(void)
{
    ghs_results *r = search("health financing vaccines", 10, 1);
    g_assert_cmpuint(ghs_results_count(r), >=, 2);
    /* No document has all three: the best partial matches still come back. */
    g_assert_true(has_doc(r, "uhc-en"));
    g_assert_true(has_doc(r, "vaccines-en"));
    ghs_results_free(r);
    r = search("sustainable financing", 10, 1);
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "uhc-en");
    ghs_results_free(r);
}

static void test_words_standing_together_as_in_the_query_rank_first(void)
{
    /* Same words, same length; only the order differs. The passage indexed
     * second (which loses a tie) has the query's words side by side. */
    char *db = NULL;
    ghs_index *ix = ghs_test_index_new("ghs-search-prox-XXXXXX", &db);
    add(ix, "apart-en", "Notes", "en", NULL, NULL,
        "Financing rules changed while coverage stayed universal for health workers.");
    add(ix, "together-en", "Notes", "en", NULL, NULL,
        "Universal health coverage stayed while financing rules changed for workers.");
    add(ix, "apart-ja", "メモ", "ja", NULL, NULL, "財源の確保と地域の保健の制度を見直した。");
    add(ix, "together-ja", "メモ", "ja", NULL, NULL, "地域の保健財源の確保と制度を見直した。");
    ghs_test_index_finish(ix);
    ghs_search_opts o = { .limit = 10, .per_doc = 1 };
    ghs_results *r = ghs_test_search(db, "universal health coverage", &o);
    g_assert_cmpuint(ghs_results_count(r), ==, 2);
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "together-en");
    ghs_results_free(r);
    r = ghs_test_search(db, "保健 財源", &o);
    g_assert_cmpuint(ghs_results_count(r), ==, 2);
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "together-ja");
    ghs_results_free(r);
    ghs_test_rm_db(db);
    g_free(db);
}

static void test_question_ranks_the_passage_repeating_its_wording_first(void)
{
    /* "wording" and "words" both lack 名称 and share the question's words;
     * BM25 prefers "words" (資金 and 各国 twice), but "wording" repeats the
     * question as written (overlap.c). "every-word" has every word: it
     * stays first, the re-ranking never crosses that line. */
    char *db = NULL;
    ghs_index *ix = ghs_test_index_new("ghs-search-wording-XXXXXX", &db);
    add(ix, "wording", "保健財政の提言", "ja", NULL, NULL,
        "感染症の流行に備えて各国が積み立てるべき資金はパンデミック基金と呼ばれ、"
        "世界銀行が管理する。");
    add(ix, "words", "保健財政の提言", "ja", NULL, NULL,
        "各国の資金は積み立てるだけでなく、感染症の予防にも使う。"
        "流行の兆しに備える資金も各国に要る。");
    add(ix, "every-word", "保健財政の提言", "ja", NULL, NULL,
        "資金の名称は各国で異なる。流行や感染症には備えて積み立てる。");
    add(ix, "other", "保健財政の提言", "ja", NULL, NULL,
        "予防接種の普及には地域の保健師の働きが欠かせない。");
    ghs_test_index_finish(ix);
    ghs_search_opts o = { .limit = 10, .per_doc = 1 };
    ghs_results *r = ghs_test_search(db, "感染症の流行に備えて各国が積み立てる資金の名称は", &o);
    g_assert_cmpuint(ghs_results_count(r), ==, 3);
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "every-word");
    g_assert_cmpstr(ghs_results_hit(r, 1)->doc, ==, "wording");
    g_assert_cmpstr(ghs_results_hit(r, 2)->doc, ==, "words");
    /* Each hit says why: every-word alone in tier 1, the others in tier 2
     * where the wording score, not BM25, put "wording" first. */
    const ghs_hit *every = ghs_results_hit(r, 0), *wording = ghs_results_hit(r, 1),
                  *words = ghs_results_hit(r, 2);
    g_assert_cmpint(every->tier, ==, 1);
    g_assert_cmpint(wording->tier, ==, 2);
    g_assert_cmpint(words->tier, ==, 2);
    g_assert_cmpfloat(words->score, >, wording->score);
    g_assert_cmpint(wording->reranked, ==, 1);
    g_assert_cmpint(words->reranked, ==, 1);
    g_assert_cmpfloat(wording->rerank, >, words->rerank);
    ghs_results_free(r);
    ghs_test_rm_db(db);
    g_free(db);
}

static void test_first_page_is_the_top_of_a_longer_page(void)
{
    /* 80 records of three sentences each: a question matches every word in
     * few, some words in most, so both tiers are re-ranked (proximity,
     * wording). The first 10 hits must be those a 100-hit page starts
     * with, however the ranking was fetched. */
    static const char *const fr[] = {
        "感染症の流行に備えて各国は資金を積み立てる", "保健財政の改革が地域の医療を支える",
        "予防接種の普及には保健師の働きが欠かせない", "世界銀行はパンデミック基金を管理する",
        "各国の保健省は検査体制を整えた", "流行の兆しを早く捉える監視が要る",
        "医療従事者の確保は各国の課題である", "資金の流れを透明にする仕組みが求められる",
        "地域の病院では病床が不足している", "ワクチンの公平な分配が議論された",
        "保健医療の人材育成に資金を充てる", "感染症対策の基本は早期の検知である",
    };
    for (unsigned seed = 1; seed <= 3; seed++) {
        char *db = NULL;
        ghs_index *ix = ghs_test_index_new("ghs-search-page-XXXXXX", &db);
        unsigned x = seed;
        for (int i = 0; i < 80; i++) {
            GString *t = g_string_new(NULL);
            for (int k = 0; k < 3; k++) {
                x = (x * 1103515245u + 12345u) & 0x7fffffffu;
                g_string_append_printf(t, "%s。", fr[(x >> 8) % G_N_ELEMENTS(fr)]);
            }
            char id[16];
            g_snprintf(id, sizeof id, "r%d", i);
            add(ix, id, "提言", "ja", NULL, NULL, t->str);
            g_string_free(t, TRUE);
        }
        ghs_test_index_finish(ix);
        const char *q = "感染症の流行に備えて各国が積み立てる資金の名称は";
        ghs_search_opts o10 = { .limit = 10, .per_doc = 1 }, o100 = { .limit = 100, .per_doc = 1 };
        ghs_results *a = ghs_test_search(db, q, &o10), *b = ghs_test_search(db, q, &o100);
        g_assert_cmpuint(ghs_results_count(a), ==, 10);
        for (size_t i = 0; i < 10; i++)
            g_assert_cmpstr(ghs_results_hit(a, i)->doc, ==, ghs_results_hit(b, i)->doc);
        ghs_results_free(a);
        ghs_results_free(b);
        ghs_test_rm_db(db);
        g_free(db);
    }
}

static void test_who_asks_in_a_question_while_WHO_names_the_organization(void)
{
    char *db = NULL;
    ghs_index *ix = ghs_test_index_new("ghs-search-who-XXXXXX", &db);
    add(ix, "org-en", "Notes", "en", NULL, NULL,
        "WHO published new guidelines on malaria and on tuberculosis.");
    add(ix, "person-en", "Notes", "en", NULL, NULL,
        "Ronald Ross discovered how mosquitoes carry malaria, in India.");
    ghs_test_index_finish(ix);
    ghs_search_opts o = { .limit = 10, .per_doc = 1 };
    /* The answer holds every word but "who". */
    ghs_results *r = ghs_test_search(db, "Who discovered malaria?", &o);
    g_assert_cmpuint(ghs_results_count(r), ==, 2);
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "person-en");
    ghs_results_free(r);
    r = ghs_test_search(db, "What did WHO publish on malaria?", &o);
    g_assert_cmpuint(ghs_results_count(r), ==, 2);
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "org-en");
    ghs_results_free(r);
    /* Not a question: who may be the organization, typed in lower case. */
    r = ghs_test_search(db, "who malaria", &o);
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "org-en");
    ghs_results_free(r);
    ghs_test_rm_db(db);
    g_free(db);
}

static void test_hits_of_a_document_stand_together_up_to_per_doc(void)
{
    ghs_results *r = search("vaccines", 20, 3);
    size_t from_vacc = 0;
    int last_rank = 0;
    for (size_t i = 0; i < ghs_results_count(r); i++) {
        const ghs_hit *h = ghs_results_hit(r, i);
        g_assert_cmpint(h->doc_rank, >=, last_rank);
        last_rank = h->doc_rank;
        from_vacc += !strcmp(h->doc, "vaccines-en");
    }
    g_assert_cmpuint(from_vacc, ==, 3);
    ghs_results_free(r);
    r = search("vaccines", 20, 10);
    from_vacc = 0;
    for (size_t i = 0; i < ghs_results_count(r); i++)
        from_vacc += !strcmp(ghs_results_hit(r, i)->doc, "vaccines-en");
    g_assert_cmpuint(from_vacc, >, 3);
    ghs_results_free(r);
}

static void test_operators_and_filters(void)
{
    ghs_results *r = search("保健 -財政", 10, 1);
    g_assert_false(has_doc(r, "uhc-ja"));
    g_assert_true(has_doc(r, "phc-ja"));
    ghs_results_free(r);

    r = search("health lang:ja", 10, 1);
    for (size_t i = 0; i < ghs_results_count(r); i++)
        g_assert_cmpstr(ghs_results_hit(r, i)->lang, ==, "ja");
    ghs_results_free(r);

    r = search("保健 year:2023", 10, 1);
    g_assert_true(has_doc(r, "uhc-ja"));
    g_assert_false(has_doc(r, "phc-ja"));
    ghs_results_free(r);

    r = search("health publisher:\"World Health Organization\"", 10, 1);
    g_assert_cmpuint(ghs_results_count(r), ==, 1);
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "uhc-en");
    ghs_results_free(r);

    r = search("(vaccines OR financing) year:2022..2023", 10, 1);
    g_assert_true(has_doc(r, "uhc-en"));
    g_assert_true(has_doc(r, "vaccines-en"));
    g_assert_false(has_doc(r, "mission-en"));
    ghs_results_free(r);
}

static void test_filters_do_not_change_scores(void)
{
    ghs_results *a = search("financing", 10, 1);
    ghs_results *b = search("financing lang:en", 10, 1);
    g_assert_cmpuint(ghs_results_count(a), ==, ghs_results_count(b));
    g_assert_cmpfloat_with_epsilon(ghs_results_hit(a, 0)->score,
                                   ghs_results_hit(b, 0)->score, 1e-9);
    ghs_results_free(a);
    ghs_results_free(b);
}

static void test_full_width_query_finds_ascii_text(void)
{
    ghs_results *r = search("ＵＨＣ", 10, 1);
    g_assert_true(has_doc(r, "uhc-ja"));
    ghs_results_free(r);
}

static void test_katakana_middle_dot_matches_joined_form(void)
{
    ghs_results *r = search("プライマリヘルスケア", 10, 1);
    g_assert_true(has_doc(r, "phc-ja"));
    ghs_results_free(r);
    r = search("プライマリ・ヘルス・ケア", 10, 1);
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "phc-ja");
    ghs_results_free(r);
}

static void test_kyoto_is_not_ranked_like_tokyo_to(void)
{
    /* 京都 is a word of 東京都 only as characters: the 京都 passage comes
     * first, and 東京都 (if shown at all) after it. */
    ghs_results *r = search("京都", 10, 1);
    g_assert_cmpuint(ghs_results_count(r), >=, 1);
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "kyoto-ja");
    for (size_t i = 1; i < ghs_results_count(r); i++)
        g_assert_cmpfloat(ghs_results_hit(r, i)->score, <=, ghs_results_hit(r, 0)->score);
    ghs_results_free(r);
    r = search("東京都", 10, 1);
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "tokyo-ja");
    g_assert_false(has_doc(r, "kyoto-ja"));
    ghs_results_free(r);
}

static void test_two_character_query_works_and_one_character_does_not_flood(void)
{
    ghs_results *r = search("保健", 20, 1);
    g_assert_cmpuint(ghs_results_count(r), >=, 4);
    ghs_results_free(r);
    /* 保 alone matches only where 保 is a word of its own: here nowhere. */
    r = search("保", 20, 1);
    g_assert_cmpuint(ghs_results_count(r), ==, 0);
    ghs_results_free(r);
}

static void test_malformed_query_reports_position(void)
{
    ghs_index *ix = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_open(&ix, db_dir, GHS_OPEN_READ, &err), ==, 0);
    ghs_results *r = NULL;
    g_assert_cmpint(ghs_search(ix, "保健 \"財政", NULL, &r, &err), ==, GHS_EQUERY);
    g_assert_null(r);
    g_assert_cmpint(err.position, ==, 4);
    g_assert_nonnull(strstr(err.message, "query error at 4"));
    g_assert_cmpint(ghs_search(ix, "   ", NULL, &r, &err), ==, GHS_EQUERY);
    ghs_index_close(ix);
}

static void test_reindexing_a_text_replaces_its_passages(void)
{
    ghs_index *ix = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_open(&ix, db_dir, GHS_OPEN_WRITE, &err), ==, 0);
    add(ix, "phc-ja", "プライマリ・ヘルス・ケアの強化", "ja", "2022-01-10", "JCIE",
        "プライマリ・ヘルス・ケアは地域の保健医療の基盤であり、感染症への備えにも役立つ。");
    ghs_stats st;
    g_assert_cmpint(ghs_index_commit(ix, &err), ==, 0);
    g_assert_cmpint(ghs_index_stats(ix, &st, &err), ==, 0);
    g_assert_cmpuint(st.documents, ==, 8);
    ghs_index_close(ix);
    ghs_results *r = search("プライマリ", 10, 10);
    g_assert_cmpuint(ghs_results_count(r), ==, 1);
    ghs_results_free(r);
}

static void test_second_writer_is_refused_while_first_is_open(void)
{
    ghs_index *a = NULL, *b = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_open(&a, db_dir, GHS_OPEN_WRITE, &err), ==, 0);
    int rc = ghs_index_open(&b, db_dir, GHS_OPEN_WRITE, &err);
    g_assert_cmpint(rc, ==, GHS_ELOCKED);
    g_assert_null(b);
    g_assert_nonnull(strstr(err.message, "locked"));
    ghs_index_close(a);
}

static void test_database_still_being_created_reads_as_empty(void)
{
    /* A writer killed before its first commit leaves Xapian's lock file
     * and no revision: readers see an empty index, not an error, and the
     * real one once it is committed; an unrelated empty directory is
     * still refused. */
    char *dir = g_dir_make_tmp("ghs-creating-XXXXXX", NULL);
    char *lock = g_build_filename(dir, "flintlock", NULL);
    ghs_index *ix = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_open(&ix, dir, GHS_OPEN_READ, &err), ==, GHS_EDB);
    g_assert_null(ix);
    g_assert_nonnull(strstr(err.message, dir));
    g_assert_cmpint(err.reason, ==, GHS_REASON_NO_INDEX);   /* said in words by the CLI */
    g_assert_true(g_file_set_contents(lock, "", 0, NULL));
    g_assert_cmpint(ghs_index_open(&ix, dir, GHS_OPEN_READ, &err), ==, 0);
    ghs_results *r = NULL;
    g_assert_cmpint(ghs_search(ix, "保健", NULL, &r, &err), ==, 0);
    g_assert_cmpuint(ghs_results_count(r), ==, 0);
    ghs_results_free(r);
    /* The writer commits: the reader's next reopen finds its passages. */
    ghs_index *w = NULL;
    g_assert_cmpint(ghs_index_open(&w, dir, GHS_OPEN_WRITE, &err), ==, 0);
    add(w, "kyoto-ja", "京都の保健", "ja", NULL, NULL, "京都の大学では地域の保健医療を学ぶ。");
    g_assert_cmpint(ghs_index_commit(w, &err), ==, 0);
    g_assert_cmpint(ghs_index_reopen(ix, &err), ==, 0);
    g_assert_cmpint(ghs_search(ix, "保健", NULL, &r, &err), ==, 0);
    g_assert_cmpuint(ghs_results_count(r), ==, 1);
    ghs_results_free(r);
    ghs_index_close(w);
    ghs_index_close(ix);
    ghs_test_rm_tree(dir);
    g_free(lock);
    g_free(dir);
}

/* Documents counted for field=value, or -1 when the facet is absent. */
static long facet(const ghs_results *r, const char *field, const char *value,
                  size_t *passages)
{
    const ghs_facet *f = NULL;
    size_t n = ghs_results_facets(r, &f);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(f[i].field, field) && !strcmp(f[i].value, value)) {
            if (passages)
                *passages = f[i].passages;
            return (long)f[i].documents;
        }
    return -1;
}

static void test_facets_count_matching_documents_per_field(void)
{
    /* "health" matches uhc-en (WHO, 2023) and ヘルス/health-free Japanese
     * docs do not; "vaccines" has one document of many passages. */
    ghs_results *r = search_opts("vaccines", 1, 1, 1);
    size_t passages = 0;
    /* One document, however many of its passages match. */
    g_assert_cmpint(facet(r, "publisher", "Gavi", &passages), ==, 1);
    g_assert_cmpuint(passages, >, 3);
    g_assert_cmpint(facet(r, "lang", "en", NULL), ==, 2);   /* vaccines-en, mission-en */
    g_assert_cmpint(facet(r, "year", "2023", NULL), ==, 1);
    g_assert_cmpint(facet(r, "year", "2021", NULL), ==, 1);
    g_assert_cmpint(facet(r, "type", "record", NULL), ==, 2);
    g_assert_cmpint(facet(r, "lang", "ja", NULL), ==, -1);
    /* Counted over every match, not only the one hit returned. */
    g_assert_cmpuint(ghs_results_count(r), ==, 1);
    /* Fields come in a fixed order, most documents first within a field. */
    const ghs_facet *f = NULL;
    size_t n = ghs_results_facets(r, &f);
    static const char *const order[] = { "lang", "year", "type", "publisher" };
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        while (k < 4 && strcmp(f[i].field, order[k]))
            k++;
        g_assert_cmpuint(k, <, 4);
        if (i && !strcmp(f[i - 1].field, f[i].field))
            g_assert_cmpuint(f[i - 1].documents, >=, f[i].documents);
    }
    ghs_results_free(r);

    /* Japanese query with a filter: the filter narrows the counts. */
    r = search_opts("保健 year:2023", 10, 1, 1);
    g_assert_cmpint(facet(r, "lang", "ja", NULL), ==, 1);
    g_assert_cmpint(facet(r, "publisher", "日本国際交流センター", NULL), ==, 1);
    g_assert_cmpint(facet(r, "year", "2022", NULL), ==, -1);
    ghs_results_free(r);

    /* Without opts.facets there are none. */
    r = search("vaccines", 10, 1);
    g_assert_cmpuint(ghs_results_facets(r, &f), ==, 0);
    ghs_results_free(r);
}

/* An index where the passages holding every query word score below a
 * passage holding one of them many times: real Japanese and English text
 * of policy notes, unrelated notes around them so that every query word is
 * rare. *db gets its path. */
static void build_tier_index(char **db)
{
    ghs_index *ix = ghs_test_index_new("ghs-search-tier-XXXXXX", db);
    /* Every word, once each, in long passages. */
    add(ix, "both-ja", "年次報告", "ja", "2023-04-28", "日本国際交流センター",
        "地域の病院と診療所を結ぶ連携の仕組みを見直し、人材の育成と配置を進めるとともに、"
        "保健の分野では予防接種と健診の受診率を高め、長い目で見た財政の裏付けを確保し、"
        "住民への情報提供と相談の窓口を充実させることが、この報告の主な提案である。");
    add(ix, "both-en", "Annual report", "en", "2023-05-01", "World Health Organization",
        "Linking hospitals and clinics in each district, training and placing staff where "
        "they are needed, raising the uptake of vaccination and check-ups, securing "
        "financing over the long term and opening advice desks for residents are the main "
        "proposals of this report on health systems.");
    /* One word only, many times, in short passages: a higher BM25. */
    add(ix, "one-ja", "財政の規律", "ja", "2022-01-10", "財務総合政策研究所",
        "財政の規律と財政の透明性が、財政の持続性を支える。");
    add(ix, "one-en", "Budget notes", "en", "2021-06-12", "Treasury Board",
        "Financing, financing and financing again: domestic financing decides.");
    /* Other notes, some with the commoner query word. */
    add(ix, "kyoto-ja", "京都の大学", "ja", "2020-03-01", "JCIE",
        "京都の大学では地域の保健医療を学ぶ講座が開かれている。");
    add(ix, "tokyo-ja", "東京都の相談窓口", "ja", "2020-03-02", "JCIE",
        "東京都の保健所は感染症の相談に応じている。");
    add(ix, "mission-en", "The 100 Days Mission", "en", "2021-06-12", "CEPI",
        "The 100 Days Mission aims to make diagnostics, vaccines and therapeutics "
        "available within 100 days of a threat to public health.");
    add(ix, "who-en", "World Health Assembly", "en", "2022-05-28", "WHO",
        "The World Health Assembly adopted resolutions on health emergencies.");
    add(ix, "days-en", "Calendar notes", "en", "2020-01-01", "Nobody",
        "Mission days were many; the days of the mission were 100 in total.");
    ghs_test_index_finish(ix);
}

static void test_tier_two_hit_above_tier_one_score_is_labelled(void)
{
    char *db = NULL;
    build_tier_index(&db);
    static const char *const cases[][3] = {
        { "保健 財政", "both-ja", "one-ja" },
        { "health financing", "both-en", "one-en" },
    };
    for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
        ghs_search_opts o = { .limit = 10, .per_doc = 1, .literal = 1 };
        ghs_results *r = ghs_test_search(db, cases[c][0], &o);
        const ghs_hit *all = ghs_test_hit_of(r, cases[c][1]);
        const ghs_hit *some = ghs_test_hit_of(r, cases[c][2]);
        g_assert_nonnull(all);
        g_assert_nonnull(some);
        g_test_message("%s: %s %g, %s %g", cases[c][0], all->doc, all->score, some->doc,
                       some->score);
        /* The order contradicts the scores, and the tier says why. */
        g_assert_cmpfloat(some->score, >, all->score);
        g_assert_cmpint(all->rank, <, some->rank);
        g_assert_cmpint(all->tier, ==, 1);
        g_assert_cmpint(some->tier, ==, 2);
        /* Keywords: no wording re-ranking. */
        g_assert_cmpint(some->reranked, ==, 0);
        g_assert_cmpfloat(some->rerank, ==, 0.0);
        /* Tier 1 first, then tier 2; within a tier by score. */
        for (size_t i = 1; i < ghs_results_count(r); i++) {
            const ghs_hit *a = ghs_results_hit(r, i - 1), *b = ghs_results_hit(r, i);
            g_assert_cmpint(a->tier, <=, b->tier);
            if (a->tier == b->tier)
                g_assert_cmpfloat(a->score, >=, b->score);
        }
        ghs_results_free(r);
    }
    ghs_test_rm_db(db);
    g_free(db);
}

static void test_facets_count_documents_only_matched_in_tier_two(void)
{
    char *db = NULL;
    build_tier_index(&db);
    /* One hit shown (tier 1); the documents holding only some of the words
     * are counted too: the list goes on with them. */
    ghs_search_opts o = { .limit = 1, .per_doc = 1, .literal = 1, .facets = 1 };
    ghs_results *r = ghs_test_search(db, "health financing", &o);
    g_assert_cmpuint(ghs_results_count(r), ==, 1);
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "both-en");
    g_assert_cmpint(facet(r, "publisher", "World Health Organization", NULL), ==, 1);
    g_assert_cmpint(facet(r, "publisher", "Treasury Board", NULL), ==, 1);
    g_assert_cmpint(facet(r, "publisher", "CEPI", NULL), ==, 1);
    g_assert_cmpint(facet(r, "year", "2021", NULL), ==, 2);   /* one-en, mission-en */
    g_assert_cmpint(facet(r, "lang", "en", NULL), ==, 4);
    g_assert_cmpint(facet(r, "lang", "ja", NULL), ==, -1);
    ghs_results_free(r);
    /* Every value of every hit listed is counted. */
    static const char *const queries[] = { "保健 財政", "health financing", "財政 窓口 医療" };
    for (size_t q = 0; q < G_N_ELEMENTS(queries); q++) {
        ghs_search_opts all = { .limit = 20, .per_doc = 1, .literal = 1, .facets = 1 };
        r = ghs_test_search(db, queries[q], &all);
        g_assert_cmpuint(ghs_results_count(r), >=, 2);
        for (size_t i = 0; i < ghs_results_count(r); i++) {
            const ghs_hit *h = ghs_results_hit(r, i);
            g_assert_cmpint(facet(r, "lang", h->lang, NULL), >=, 1);
            g_assert_cmpint(facet(r, "publisher", h->publisher, NULL), >=, 1);
        }
        ghs_results_free(r);
    }
    ghs_test_rm_db(db);
    g_free(db);
}

static void test_ranks_on_page_two_continue_from_page_one(void)
{
    static const char *const queries[] = { "保健 vaccines", "health financing vaccines",
                                           "感染症 保健 countries" };
    for (size_t q = 0; q < G_N_ELEMENTS(queries); q++) {
        ghs_search_opts whole = { .limit = 8, .per_doc = 3, .literal = 1 };
        ghs_search_opts page1 = { .limit = 3, .per_doc = 3, .literal = 1 };
        ghs_search_opts page2 = { .limit = 3, .offset = 3, .per_doc = 3, .literal = 1 };
        ghs_results *w = ghs_test_search(db_dir, queries[q], &whole);
        ghs_results *a = ghs_test_search(db_dir, queries[q], &page1);
        ghs_results *b = ghs_test_search(db_dir, queries[q], &page2);
        g_test_message("%s: %zu hits", queries[q], ghs_results_count(w));
        g_assert_cmpuint(ghs_results_count(w), >=, 5);
        g_assert_cmpuint(ghs_results_count(a), ==, 3);
        g_assert_cmpuint(ghs_results_count(b), >=, 2);
        for (size_t i = 0; i < ghs_results_count(a); i++)
            g_assert_cmpint(ghs_results_hit(a, i)->rank, ==, (int)i + 1);
        for (size_t i = 0; i < ghs_results_count(b); i++) {
            const ghs_hit *h = ghs_results_hit(b, i), *same = ghs_results_hit(w, 3 + i);
            g_assert_cmpint(h->rank, ==, (int)(3 + i + 1));
            g_assert_cmpstr(h->doc, ==, same->doc);
            g_assert_cmpint(h->rank, ==, same->rank);
            g_assert_cmpint(h->doc_rank, ==, same->doc_rank);
            g_assert_cmpint(h->tier, ==, same->tier);
        }
        /* Documents are numbered on: page 2 never restarts at 1. */
        g_assert_cmpint(ghs_results_hit(b, 0)->doc_rank, >=,
                        ghs_results_hit(a, ghs_results_count(a) - 1)->doc_rank);
        ghs_results_free(w);
        ghs_results_free(a);
        ghs_results_free(b);
    }
}

static void test_total_does_not_depend_on_the_page(void)
{
    static const char *const queries[] = {
        "保健", "health financing vaccines", "ユニバーサル・ヘルス・カバレッジ 財政",
        "vaccines", "感染症への備え",
    };
    for (size_t q = 0; q < G_N_ELEMENTS(queries); q++) {
        size_t total = 0;
        static const size_t limits[] = { 1, 5, 100 };
        for (size_t l = 0; l < G_N_ELEMENTS(limits); l++) {
            for (size_t offset = 0; offset <= 2; offset += 2) {
                ghs_search_opts o = { .limit = limits[l], .offset = offset, .per_doc = 3,
                                      .literal = 1 };
                ghs_results *r = ghs_test_search(db_dir, queries[q], &o);
                size_t t = ghs_results_total(r);
                if (l == 0 && offset == 0)
                    total = t;
                g_assert_cmpuint(t, ==, total);
                /* Never below what is shown (an offset past the last hit
                 * shows nothing). */
                if (ghs_results_count(r) > 0)
                    g_assert_cmpuint(t, >=, offset + ghs_results_count(r));
                ghs_results_free(r);
            }
        }
        g_assert_cmpuint(total, >, 0);
    }
}

static void test_total_past_the_counted_matches_stays_and_covers_the_page(void)
{
    /* More matches than the library counts exactly (1000): the total is
     * Xapian's estimate, still the same for every page and never below the
     * hits a page shows, at the start and far down the list. */
    static const char *const ja[] = {
        "保健財政の改革が地域の医療を支える。", "各国の保健省は検査体制を整えた。",
        "保健医療の人材育成に資金を充てる。",
    };
    static const char *const en[] = {
        "Health financing reform supports care in every district.",
        "Ministries of health strengthened testing capacity.",
        "Countries invest in training the health workforce.",
    };
    char *db = NULL;
    ghs_index *ix = ghs_test_index_new("ghs-search-many-XXXXXX", &db);
    for (int i = 0; i < 1200; i++) {
        char id[16];
        g_snprintf(id, sizeof id, "n%d", i);
        /* Numbered: passages with the same words would be one hit. */
        char *text = g_strdup_printf("第%d号。%s %s Note %d.", i, ja[i % 3], en[(i / 3) % 3],
                                     i);
        add(ix, id, "年次報告", i % 2 ? "ja" : "en", NULL, NULL, text);
        g_free(text);
    }
    ghs_test_index_finish(ix);
    /* Every record; 1067 of the 1200 (two words of three in each
     * language, spread across each other). */
    static const char *const queries[] = { "保健 health", "財政 人材 testing workforce" };
    for (size_t q = 0; q < G_N_ELEMENTS(queries); q++) {
        size_t total = 0;
        static const size_t pages[][2] = { { 1, 0 }, { 5, 0 }, { 100, 0 }, { 10, 990 },
                                           { 50, 1000 } };
        for (size_t p = 0; p < G_N_ELEMENTS(pages); p++) {
            ghs_search_opts o = { .limit = pages[p][0], .offset = pages[p][1], .per_doc = 1,
                                  .literal = 1 };
            ghs_results *r = ghs_test_search(db, queries[q], &o);
            g_assert_cmpuint(ghs_results_count(r), ==, pages[p][0]);
            g_assert_cmpint(ghs_results_hit(r, 0)->rank, ==, (int)pages[p][1] + 1);
            if (p == 0)
                total = ghs_results_total(r);
            g_test_message("%s limit %zu offset %zu: total %zu", queries[q], pages[p][0],
                           pages[p][1], ghs_results_total(r));
            g_assert_cmpuint(ghs_results_total(r), >=, 1000);
            g_assert_cmpuint(ghs_results_total(r), ==, total);
            /* Every record holds 保健: lower and upper bound agree, the
             * count is known; the other is Xapian's estimate ("about"). */
            g_assert_cmpint(ghs_results_total_exact(r), ==, q == 0);
            if (q == 0)
                g_assert_cmpuint(ghs_results_total(r), ==, 1200);
            g_assert_cmpuint(ghs_results_total(r), >=, pages[p][1] + ghs_results_count(r));
            ghs_results_free(r);
        }
    }
    /* Fewer than 1000 matches of a phrase (a query with no looser tier):
     * the exact number on every page, at the start, in the middle, at the
     * last hit and past it. */
    static const size_t phrase_pages[][2] = { { 1, 0 }, { 10, 0 }, { 10, 195 }, { 50, 350 },
                                              { 1, 401 }, { 10, 402 } };
    for (size_t p = 0; p < G_N_ELEMENTS(phrase_pages); p++) {
        ghs_search_opts o = { .limit = phrase_pages[p][0], .offset = phrase_pages[p][1],
                              .per_doc = 1, .literal = 1 };
        ghs_results *r = ghs_test_search(db, "\"health financing reform\"", &o);
        g_assert_cmpuint(ghs_results_total(r), ==, 402);   /* i / 3 % 3 == 0 */
        g_assert_true(ghs_results_total_exact(r));
        size_t shown = phrase_pages[p][1] < 402 ? 402 - phrase_pages[p][1] : 0;
        g_assert_cmpuint(ghs_results_count(r), ==, MIN(phrase_pages[p][0], shown));
        ghs_results_free(r);
    }
    /* One word in every record: past 1000, yet its frequency is the count. */
    ghs_search_opts o = { .limit = 5, .per_doc = 1, .literal = 1 };
    ghs_results *r = ghs_test_search(db, "note", &o);
    g_assert_cmpuint(ghs_results_total(r), ==, 1200);
    g_assert_true(ghs_results_total_exact(r));
    ghs_results_free(r);
    ghs_test_rm_db(db);
    g_free(db);
}

/* The total and the facets count every passage either tier matches. A
 * keyword of single-character words (理庁: 理|庁) is strictly both words
 * anywhere in the passage and loosely the bigram 理庁 (as in 管理庁):
 * neither holds the other, and counting the loose tier alone said 1 here,
 * with four more passages listed above it. */
static void test_total_counts_the_strict_matches_the_loose_tier_lacks(void)
{
    char *db = NULL;
    ghs_index *ix = ghs_test_index_new("ghs-search-tiers-XXXXXX", &db);
    for (int i = 0; i < 4; i++) {
        char id[8];
        g_snprintf(id, sizeof id, "s%d", i);
        char *text = g_strdup_printf("第%d回。その方針は理にかなうと庁の職員は述べた。", i + 1);
        add(ix, id, "方針", "ja", NULL, NULL, text);
        g_free(text);
    }
    add(ix, "loose", "発表", "ja", NULL, NULL, "管理庁の発表によると、予算は増えた。");
    add(ix, "none", "会議", "ja", NULL, NULL, "会議では予算について議論した。");
    ghs_test_index_finish(ix);
    for (size_t limit = 1; limit <= 10; limit += 9) {
        ghs_search_opts o = { .limit = limit, .per_doc = 1, .literal = 1, .facets = 1 };
        ghs_results *r = ghs_test_search(db, "理庁", &o);
        g_assert_cmpuint(ghs_results_total(r), ==, 5);
        g_assert_true(ghs_results_total_exact(r));
        g_assert_cmpuint(ghs_results_count(r), ==, limit == 1 ? 1 : 5);
        g_assert_cmpstr(ghs_results_hit(r, 0)->doc, !=, "loose");
        /* The facets count the same documents: all five. */
        const ghs_facet *f = NULL;
        size_t nf = ghs_results_facets(r, &f);
        gboolean lang = FALSE;
        for (size_t i = 0; i < nf; i++)
            if (!strcmp(f[i].field, "lang")) {
                g_assert_cmpstr(f[i].value, ==, "ja");
                g_assert_cmpuint(f[i].documents, ==, 5);
                g_assert_cmpuint(f[i].passages, ==, 5);
                lang = TRUE;
            }
        g_assert_true(lang);
        ghs_results_free(r);
    }
    ghs_test_rm_db(db);
    g_free(db);
}

static void test_query_without_hits_suggests_close_english_words(void)
{
    ghs_results *r = search("Helth finacing lang:en", 10, 1);
    g_assert_cmpuint(ghs_results_count(r), ==, 0);
    g_assert_cmpstr(ghs_results_suggestion(r), ==, "Health financing lang:en");
    ghs_results_free(r);
    /* The suggestion finds what the user meant. */
    r = search("Health financing lang:en", 10, 1);
    g_assert_true(has_doc(r, "uhc-en"));
    ghs_results_free(r);

    /* Japanese words and phrases are kept; only the misspelt word changes. */
    r = search("\"vacines\" 結核", 10, 1);
    g_assert_cmpuint(ghs_results_count(r), ==, 0);
    g_assert_cmpstr(ghs_results_suggestion(r), ==, "\"vaccines\" 結核");
    ghs_results_free(r);

    /* A query with hits gets no suggestion; nor does a word nothing is close to. */
    r = search("financing", 10, 1);
    g_assert_null(ghs_results_suggestion(r));
    ghs_results_free(r);
    r = search("zzqxjw", 10, 1);
    g_assert_cmpuint(ghs_results_count(r), ==, 0);
    g_assert_null(ghs_results_suggestion(r));
    ghs_results_free(r);
}

static void test_hit_carries_the_document_url(void)
{
    ghs_results *r = search("\"100 Days Mission\"", 10, 1);
    g_assert_cmpuint(ghs_results_count(r), ==, 1);
    const ghs_hit *h = ghs_results_hit(r, 0);
    g_assert_cmpstr(h->url, ==, "https://cepi.net/100-days");
    char *c = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_hit_cite(h, GHS_CITE_TEXT, &c, &err), ==, 0);
    g_assert_cmpstr(c, ==, "The 100 Days Mission, CEPI, 2021, https://cepi.net/100-days");
    ghs_free(c);
    ghs_results_free(r);
    r = search("financing", 10, 1);
    g_assert_cmpstr(ghs_results_hit(r, 0)->url, ==, "");
    ghs_results_free(r);
}

/* The words of hit h's highlights, joined by "|". */
static char *marked_words(const ghs_hit *h)
{
    GString *m = g_string_new(NULL);
    for (size_t i = 0; i < h->n_highlights; i++) {
        char *w = cp_slice(h->passage, h->highlights[i].start, h->highlights[i].end);
        g_string_append_printf(m, "%s%s", i ? "|" : "", w);
        g_free(w);
    }
    return g_string_free(m, FALSE);
}

/* A Japanese compound typed as keywords finds the passage that holds it,
 * never a passage holding only some of its characters apart: ICU splits
 * 実効再生産数 into 実効|再|生産|数, and 再 (in 再開) and 数 alone are no
 * match of it. */
static void test_characters_of_a_japanese_compound_are_no_match_alone(void)
{
    char *db = NULL;
    ghs_index *ix = ghs_test_index_new("ghs-search-compound-XXXXXX", &db);
    add(ix, "whole", "感染状況の分析", "ja", "2021-05-01", "厚生労働省",
        "新型コロナウイルス感染症の実効再生産数は、4月以降1を下回って推移している。");
    add(ix, "apart", "営業再開の状況", "ja", "2021-06-01", "経済産業省",
        "緊急事態宣言の解除後、飲食店の営業再開に伴い来店する客の数が増えた。");
    add(ix, "apart2", "再発防止", "ja", "2021-07-01", "消費者庁",
        "再発防止策を講じた事業者の数を調べ、件数を再度確認する。");
    ghs_test_index_finish(ix);
    ghs_search_opts o = { .limit = 10, .per_doc = 1, .literal = 1 };
    ghs_results *r = ghs_test_search(db, "実効再生産数", &o);
    g_assert_cmpuint(ghs_results_count(r), ==, 1);
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "whole");
    char *m = marked_words(ghs_results_hit(r, 0));
    g_assert_cmpstr(m, ==, "実効再生産数");
    g_free(m);
    ghs_results_free(r);
    /* A part of the compound that is a word of its own still finds it. */
    r = ghs_test_search(db, "生産", &o);
    g_assert_cmpuint(ghs_results_count(r), ==, 1);
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "whole");
    ghs_results_free(r);
    ghs_test_rm_db(db);
    g_free(db);
}

/* Snowball stems universal and university alike ("univers"): the query
 * "universal health coverage" ranks the passage saying universal first and
 * neither matches nor marks University; university finds University only,
 * and universal still finds its own forms (universally). */
static void test_overstemmed_word_does_not_match_or_mark_its_namesake(void)
{
    char *db = NULL;
    ghs_index *ix = ghs_test_index_new("ghs-search-overstem-XXXXXX", &db);
    add(ix, "uhc", "Health financing brief", "en", "2023-05-01", "World Health Organization",
        "Countries committed to universal health coverage by 2030, so that everyone "
        "receives the care they need without financial hardship.");
    add(ix, "univ", "Campus news", "en", "2023-06-01", "Campus Office",
        "The University hospital improved health coverage for its students and staff.");
    ghs_test_index_finish(ix);
    ghs_search_opts o = { .limit = 10, .per_doc = 1, .literal = 1 };
    ghs_results *r = ghs_test_search(db, "universal health coverage", &o);
    g_assert_cmpuint(ghs_results_count(r), >=, 1);
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "uhc");
    char *m = marked_words(ghs_results_hit(r, 0));
    g_assert_cmpstr(m, ==, "universal|health|coverage");
    g_free(m);
    /* By health coverage alone, below the passage with every word. */
    const ghs_hit *u = ghs_test_hit_of(r, "univ");
    g_assert_nonnull(u);
    g_assert_cmpint(u->rank, >, 1);
    g_assert_cmpfloat(u->score, <, ghs_results_hit(r, 0)->score);
    m = marked_words(u);
    g_assert_cmpstr(m, ==, "health|coverage");
    g_free(m);
    ghs_results_free(r);
    r = ghs_test_search(db, "university", &o);
    g_assert_cmpuint(ghs_results_count(r), ==, 1);
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "univ");
    m = marked_words(ghs_results_hit(r, 0));
    g_assert_cmpstr(m, ==, "University");
    g_free(m);
    ghs_results_free(r);
    r = ghs_test_search(db, "universally", &o);
    g_assert_cmpuint(ghs_results_count(r), ==, 1);
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "uhc");
    ghs_results_free(r);
    ghs_test_rm_db(db);
    g_free(db);
}

/* Down a long list, the score shown never rises from one document to the
 * next within a tier (the wording re-ranking aside): the loose tier ranks
 * past its first 50 documents without the proximity bonus, and the
 * passages of those documents are scored the same way. */
static void test_scores_never_rise_down_a_tier(void)
{
    char *db = NULL;
    ghs_index *ix = ghs_test_index_new("ghs-search-deep-XXXXXX", &db);
    for (int i = 0; i < 160; i++) {
        char id[16];
        g_snprintf(id, sizeof id, "d%d", i);
        /* Every one lacks "resilience": all of them are tier 2. Half hold
         * "supply chain" side by side (the proximity bonus), half apart. */
        char *text = i % 2
            ? g_strdup_printf("Report %d. The supply of vaccines and the cold chain were "
                              "reviewed in %d districts.", i, i % 7 + 1)
            : g_strdup_printf("Report %d. The vaccine supply chain was reviewed in %d "
                              "districts with partners and ministries of health.", i, i % 5 + 1);
        add(ix, id, "Annual report", "en", NULL, NULL, text);
        g_free(text);
    }
    add(ix, "all", "Resilience", "en", NULL, NULL,
        "Supply chain resilience means vaccines keep arriving in a crisis.");
    ghs_test_index_finish(ix);
    ghs_search_opts o = { .limit = 150, .per_doc = 1, .literal = 1 };
    ghs_results *r = ghs_test_search(db, "supply chain resilience", &o);
    g_assert_cmpuint(ghs_results_count(r), >, 100);
    g_assert_cmpint(ghs_results_hit(r, 0)->tier, ==, 1);
    for (size_t i = 2; i < ghs_results_count(r); i++) {
        const ghs_hit *a = ghs_results_hit(r, i - 1), *b = ghs_results_hit(r, i);
        g_assert_cmpint(b->tier, ==, 2);
        if (a->tier == 2 && !a->reranked && !b->reranked && b->score > a->score + 1e-9)
            g_error("rank %d (%s, score %g) stands below rank %d (%s, score %g)", b->rank,
                    b->doc, b->score, a->rank, a->doc, a->score);
    }
    ghs_results_free(r);
    ghs_test_rm_db(db);
    g_free(db);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    build_index();
    g_test_add_func("/search/japanese_compound_finds_its_document_with_highlights",
                    test_japanese_compound_finds_its_document_with_highlights);
    g_test_add_func("/search/english_word_matches_other_forms_by_stem",
                    test_english_word_matches_other_forms_by_stem);
    g_test_add_func("/search/phrase_needs_words_in_order", test_phrase_needs_words_in_order);
    g_test_add_func("/search/all_words_rank_before_some_words",
                    test_all_words_rank_before_some_words);
    g_test_add_func("/search/question_ranks_the_passage_repeating_its_wording_first",
                    test_question_ranks_the_passage_repeating_its_wording_first);
    g_test_add_func("/search/first_page_is_the_top_of_a_longer_page",
                    test_first_page_is_the_top_of_a_longer_page);
    g_test_add_func("/search/words_standing_together_as_in_the_query_rank_first",
                    test_words_standing_together_as_in_the_query_rank_first);
    g_test_add_func("/search/who_asks_in_a_question_while_WHO_names_the_organization",
                    test_who_asks_in_a_question_while_WHO_names_the_organization);
    g_test_add_func("/search/hits_of_a_document_stand_together_up_to_per_doc",
                    test_hits_of_a_document_stand_together_up_to_per_doc);
    g_test_add_func("/search/operators_and_filters", test_operators_and_filters);
    g_test_add_func("/search/filters_do_not_change_scores", test_filters_do_not_change_scores);
    g_test_add_func("/search/full_width_query_finds_ascii_text",
                    test_full_width_query_finds_ascii_text);
    g_test_add_func("/search/katakana_middle_dot_matches_joined_form",
                    test_katakana_middle_dot_matches_joined_form);
    g_test_add_func("/search/kyoto_is_not_ranked_like_tokyo_to",
                    test_kyoto_is_not_ranked_like_tokyo_to);
    g_test_add_func("/search/two_character_query_works_and_one_character_does_not_flood",
                    test_two_character_query_works_and_one_character_does_not_flood);
    g_test_add_func("/search/malformed_query_reports_position",
                    test_malformed_query_reports_position);
    g_test_add_func("/search/reindexing_a_text_replaces_its_passages",
                    test_reindexing_a_text_replaces_its_passages);
    g_test_add_func("/search/facets_count_matching_documents_per_field",
                    test_facets_count_matching_documents_per_field);
    g_test_add_func("/search/query_without_hits_suggests_close_english_words",
                    test_query_without_hits_suggests_close_english_words);
    g_test_add_func("/search/hit_carries_the_document_url", test_hit_carries_the_document_url);
    g_test_add_func("/search/tier_two_hit_above_tier_one_score_is_labelled",
                    test_tier_two_hit_above_tier_one_score_is_labelled);
    g_test_add_func("/search/facets_count_documents_only_matched_in_tier_two",
                    test_facets_count_documents_only_matched_in_tier_two);
    g_test_add_func("/search/ranks_on_page_two_continue_from_page_one",
                    test_ranks_on_page_two_continue_from_page_one);
    g_test_add_func("/search/total_does_not_depend_on_the_page",
                    test_total_does_not_depend_on_the_page);
    g_test_add_func("/search/total_counts_the_strict_matches_the_loose_tier_lacks",
                    test_total_counts_the_strict_matches_the_loose_tier_lacks);
    g_test_add_func("/search/total_past_the_counted_matches_stays_and_covers_the_page",
                    test_total_past_the_counted_matches_stays_and_covers_the_page);
    g_test_add_func("/search/second_writer_is_refused_while_first_is_open",
                    test_second_writer_is_refused_while_first_is_open);
    g_test_add_func("/search/database_still_being_created_reads_as_empty",
                    test_database_still_being_created_reads_as_empty);
    g_test_add_func("/search/characters_of_a_japanese_compound_are_no_match_alone",
                    test_characters_of_a_japanese_compound_are_no_match_alone);
    g_test_add_func("/search/overstemmed_word_does_not_match_or_mark_its_namesake",
                    test_overstemmed_word_does_not_match_or_mark_its_namesake);
    g_test_add_func("/search/scores_never_rise_down_a_tier", test_scores_never_rise_down_a_tier);
    g_test_add_func("/search/search_options_carry_their_size",
                    test_search_options_carry_their_size);
    int rc = g_test_run();
    ghs_test_rm_db(db_dir);   /* the temporary index */
    g_free(db_dir);
    return rc;
}
