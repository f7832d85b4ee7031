/*
 * test_overlap.c: the wording overlap that re-ranks a Japanese question's
 * best documents (searcher/overlap.c): which queries it applies to, and
 * that a passage repeating the question as written scores above one with
 * the same characters in another order.
 */
#include <glib.h>
#include <string.h>

#include "analyze.h"
#include "overlap.h"
#include "query_parse.h"
#include "xc.h"

static ghs_analyzer *an;
static xc_db *db;   /* empty: every character weighs the same */

static ghs_overlap *overlap_of(const char *query)
{
    ghs_qnode *root = NULL;
    ghs_error err = {0};
    if (ghs_query_parse(query, &root, &err) != 0)
        g_error("parse %s: %s", query, err.message);
    ghs_overlap *o = ghs_overlap_new(an, db, root);
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
    ghs_overlap *k = overlap_of("ｶﾝｾﾝｼｮｳの流行にＷＨＯが備える");
    double folded = ghs_overlap_score(k, NULL, "カンセンショウの流行にwhoが備える", 2);
    double other = ghs_overlap_score(k, NULL, "ショウカンセンの流行にohwが備える", 2);
    g_assert_cmpfloat(folded, >, other);
    ghs_overlap_free(k);
    /* The tier's own ranking still counts. */
    g_assert_cmpfloat(ghs_overlap_score(o, "提言", "感染症の流行に備える資金を積む。", 1), >,
                      as_written);
    ghs_overlap_free(o);
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
    int rc = g_test_run();
    xc_db_close(db);
    ghs_analyzer_free(an);
    return rc;
}
