/*
 * test_overlap.c: the wording overlap that re-ranks a Japanese question's
 * best documents (searcher/overlap.c): which queries it applies to (a
 * question, never keywords: intent.c), that a passage repeating the
 * question as written scores above one with the same characters in another
 * order, and that a keyword query's documents keep their BM25 order.
 */
#include <glib.h>
#include <string.h>

#include "analyze.h"
#include "ghsearch.h"
#include "intent.h"
#include "overlap.h"
#include "query_parse.h"
#include "test_util.h"
#include "xc.h"

static ghs_analyzer *an;
static xc_db *db;   /* empty: every character weighs the same */

static ghs_overlap *overlap_of(const char *query)
{
    ghs_qnode *root = ghs_test_parse(query);
    ghs_error err = {0};
    ghs_overlap *o = ghs_overlap_new(an, db, root, &err);
    g_assert_cmpint(err.code, ==, 0);
    ghs_qnode_free(root);
    return o;
}

static void test_applies_to_japanese_questions_only(void)
{
    const char *none[] = {
        "universal health coverage financing for every country",   /* no Japanese */
        "保健 予防",                                                /* keywords */
        "「ユニバーサル・ヘルス・カバレッジ」 保健",                /* a phrase */
        "NOT 感染症の流行に備える資金",                             /* nothing wanted */
        "title:感染症の流行に備える資金 保健",                      /* a filter is no wording */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(none); i++) {
        ghs_overlap *o = overlap_of(none[i]);
        if (o)
            g_error("'%s' should not be re-ranked by its wording", none[i]);
    }
    ghs_overlap *o = overlap_of("感染症の流行に備える資金は何か");
    g_assert_nonnull(o);
    ghs_overlap_free(o);
    o = overlap_of("「赤旗」を発行するのはどこの党か");   /* a question quoting a name */
    g_assert_nonnull(o);
    ghs_overlap_free(o);
    o = overlap_of("ＷＨＯが定めたパンデミック条約の目的は？");   /* mixed scripts */
    g_assert_nonnull(o);
    ghs_overlap_free(o);
}

static void test_wording_as_written_scores_above_the_same_characters_reordered(void)
{
    ghs_overlap *o = overlap_of("感染症の流行に備える資金は何か");
    g_assert_nonnull(o);
    /* Same characters, same length; only the first keeps the order. */
    double as_written = ghs_overlap_score(o, "提言", "感染症の流行に備える資金を積む。", 2);
    double reordered = ghs_overlap_score(o, "提言", "流行の感染症に資金を備える積む。", 2);
    double unrelated = ghs_overlap_score(o, "提言", "予防接種の普及が欠かせない。", 2);
    g_assert_cmpfloat(as_written, >, reordered);
    g_assert_cmpfloat(reordered, >, unrelated);
    /* Full width, half width and case fold like the index: ｶﾝｾﾝ = カンセン. */
    ghs_overlap *k = overlap_of("ｶﾝｾﾝｼｮｳの流行にＷＨＯが備えるのはいつか");
    g_assert_nonnull(k);
    double folded = ghs_overlap_score(k, NULL, "カンセンショウの流行にwhoが備える", 2);
    double other = ghs_overlap_score(k, NULL, "ショウカンセンの流行にohwが備える", 2);
    g_assert_cmpfloat(folded, >, other);
    ghs_overlap_free(k);
    /* The tier's own ranking still counts. */
    g_assert_cmpfloat(ghs_overlap_score(o, "提言", "感染症の流行に備える資金を積む。", 1), >,
                      as_written);
    ghs_overlap_free(o);
}

static void test_particles_weigh_less_than_words(void)
{
    /* The first holds the question's words (流行, 備え, 資金, 積み立て),
     * the second its chatty ending (…たのはどこの…ですか) around one of
     * them. Every n-gram unknown to the (empty) index weighs the same,
     * except hiragana alone (particles, endings), which counts as common:
     * the words decide. */
    ghs_overlap *o = overlap_of("流行に備える資金を積み立てたのはどこの国ですか");
    g_assert_nonnull(o);
    double words = ghs_overlap_score(o, NULL, "各国は流行への備えとして資金を積み立てる。", 2);
    double particles = ghs_overlap_score(o, NULL, "それを積み立てたのはどこの人ですかと問うた。", 2);
    g_assert_cmpfloat(words, >, particles);
    ghs_overlap_free(o);
}

static ghs_intent intent_of(const char *query)
{
    ghs_qnode *root = ghs_test_parse(query);
    ghs_intent in = ghs_query_intent(an, root);
    ghs_qnode_free(root);
    return in;
}

static void test_keywords_are_not_reranked_questions_are(void)
{
    /* Long enough, Japanese: only their intent keeps them out. */
    const char *keywords[] = {
        "ユニバーサル・ヘルス・カバレッジ",
        "新型コロナウイルス感染症",
        "感染症危機対応医薬品等",
        "どうする家康 第一回",
        "いつかのメリークリスマス",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(keywords); i++) {
        g_assert_cmpint(intent_of(keywords[i]), ==, GHS_INTENT_KEYWORDS);
        ghs_overlap *o = overlap_of(keywords[i]);
        if (o)
            g_error("keyword query '%s' should not be re-ranked by its wording", keywords[i]);
    }
    const char *questions[] = {
        "ユニバーサル・ヘルス・カバレッジとは何か。",
        "新型コロナウイルス感染症の流行が宣言されたのはいつ？",
        "感染症危機対応医薬品等を公平に届ける仕組みは何か",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(questions); i++) {
        g_assert_cmpint(intent_of(questions[i]), ==, GHS_INTENT_QUESTION);
        ghs_overlap *o = overlap_of(questions[i]);
        if (!o)
            g_error("question '%s' should be re-ranked by its wording", questions[i]);
        ghs_overlap_free(o);
    }
    /* An English question is a question, but the character features are
     * for Japanese (they lowered SQuAD's MRR@10): left to BM25. */
    g_assert_cmpint(intent_of("What is universal health coverage?"), ==, GHS_INTENT_QUESTION);
    g_assert_null(overlap_of("What is universal health coverage?"));
}

/* Passages of the sample policy brief (corpus/src/uhc-brief-ja.pages), one
 * document each, under the subject's name as Wikipedia's paragraphs are. */
static const char *const uhc_passages[][2] = {
    { "definition",
      "ユニバーサル・ヘルス・カバレッジ（UHC）とは、すべての人が、健康増進、予防、治療、"
      "機能回復に関する適切なサービスを、支払い可能な費用で受けられる状態をいう。日本は長年に"
      "わたりユニバーサル・ヘルス・カバレッジを国際保健外交の柱として掲げてきた。" },
    { "financing",
      "保健財政の改善は、ユニバーサル・ヘルス・カバレッジを持続させるための前提であり、"
      "危機の際に追加の資金を素早く動かす力にもつながる。" },
    { "conclusion",
      "健康危機への備えは、危機が起きてから始めるのでは間に合わない。平時にユニバーサル・"
      "ヘルス・カバレッジを実現し、保健財政を強くしておくことが、危機の際に命を守る最大の"
      "備えとなる。" },
    { "heading", "ユニバーサル・ヘルス・カバレッジと保健財政" },
};

static void test_keyword_query_keeps_the_bm25_order(void)
{
    char *db = NULL;
    ghs_index *ix = ghs_test_index_new("ghs-overlap-keyword-XXXXXX", &db);
    for (size_t i = 0; i < G_N_ELEMENTS(uhc_passages); i++) {
        ghs_meta m = { .id = uhc_passages[i][0], .title = "ユニバーサル・ヘルス・カバレッジ",
                       .lang = "ja" };
        ghs_error err = {0};
        ghs_add_report rep;
        const char *text = uhc_passages[i][1];
        if (ghs_index_add_text(ix, &m, text, strlen(text), &rep, &err) != 0)
            g_error("add %s: %s", m.id, err.message);
    }
    ghs_test_index_finish(ix);
    ghs_search_opts o = { .limit = 10, .per_doc = 1 };
    ghs_results *r = ghs_test_search(db, "ユニバーサル・ヘルス・カバレッジ", &o);
    g_assert_cmpuint(ghs_results_count(r), ==, G_N_ELEMENTS(uhc_passages));
    /* BM25's order: the passage defining the subject (naming it twice)
     * first, not the shortest one (the heading), which the wording
     * features, all tied on a keyword, used to put first by its length. */
    for (size_t i = 1; i < ghs_results_count(r); i++)
        g_assert_cmpfloat(ghs_results_hit(r, i - 1)->score, >=, ghs_results_hit(r, i)->score);
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "definition");
    ghs_results_free(r);
    /* Asked as a question, the wording re-ranking runs (and may reorder). */
    r = ghs_test_search(db, "ユニバーサル・ヘルス・カバレッジを持続させるための前提は何か", &o);
    g_assert_cmpstr(ghs_results_hit(r, 0)->doc, ==, "financing");
    ghs_results_free(r);
    ghs_test_rm_db(db);
    g_free(db);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ghs_error err = {0};
    an = ghs_analyzer_new(&err);
    db = xc_db_open_empty(NULL);
    g_assert_nonnull(an);
    g_assert_nonnull(db);
    g_test_add_func("/overlap/applies_to_japanese_questions_only",
                    test_applies_to_japanese_questions_only);
    g_test_add_func("/overlap/wording_as_written_scores_above_the_same_characters_reordered",
                    test_wording_as_written_scores_above_the_same_characters_reordered);
    g_test_add_func("/overlap/particles_weigh_less_than_words",
                    test_particles_weigh_less_than_words);
    g_test_add_func("/overlap/keywords_are_not_reranked_questions_are",
                    test_keywords_are_not_reranked_questions_are);
    g_test_add_func("/overlap/keyword_query_keeps_the_bm25_order",
                    test_keyword_query_keeps_the_bm25_order);
    int rc = g_test_run();
    xc_db_close(db);
    ghs_analyzer_free(an);
    return rc;
}
