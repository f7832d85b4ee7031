/*
 * test_query_build.c: how a parsed query becomes the Xapian queries the
 * searcher runs (searcher/query_build.c): which terms each word searches
 * (stems, Japanese words, title terms, bigrams), what the user requires,
 * what filters and NOT do, and the two tiers (strict: every word; loose:
 * any word). Asserted on Xapian's description of the queries
 * (xc_query_describe), term prefixes as store/schema.h lays them out.
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "query_parse.h"
#include "schema.h"
#include "search_internal.h"
#include "test_util.h"

static ghs_analyzer *an;

/* A query built, its queries described. */
typedef struct built {
    ghs_built_query q;
    char *strict, *loose, *loose_fast;   /* descriptions; NULL for a NULL query */
} built;

static char *describe(const xc_query *q)
{
    if (!q)
        return NULL;
    char *d = xc_query_describe(q);
    g_assert_nonnull(d);
    char *copy = g_strdup(d);
    free(d);
    return copy;
}

static built *build(const char *query)
{
    built *b = g_new0(built, 1);
    ghs_qnode *root = ghs_test_parse(query);
    ghs_error err = {0};
    if (ghs_query_build(an, root, &b->q, &err) != 0)
        g_error("build %s: %s", query, err.message);
    ghs_qnode_free(root);
    b->strict = describe(b->q.strict);
    b->loose = describe(b->q.loose);
    b->loose_fast = describe(b->q.loose_fast);
    g_test_message("%s\n  strict: %s\n  loose: %s\n  loose_fast: %s", query, b->strict,
                   b->loose ? b->loose : "-", b->loose_fast ? b->loose_fast : "-");
    return b;
}

static void built_free(built *b)
{
    ghs_built_query_clear(&b->q);
    g_free(b->strict);
    g_free(b->loose);
    g_free(b->loose_fast);
    g_free(b);
}

/* The failure of building query: its code, *position and message. */
static int build_error(const char *query, ghs_error *err)
{
    ghs_qnode *root = ghs_test_parse(query);
    ghs_built_query q;
    memset(err, 0, sizeof *err);
    int rc = ghs_query_build(an, root, &q, err);
    ghs_qnode_free(root);
    if (rc == 0)
        ghs_built_query_clear(&q);
    else   /* cleared on failure: nothing to free, nothing left */
        g_assert_true(q.strict == NULL && q.loose == NULL && q.hl_terms == NULL);
    return rc;
}

static void assert_has(const char *desc, const char *part)
{
    if (!desc || !strstr(desc, part))
        g_error("expected «%s» in %s", part, desc ? desc : "(no query)");
}

static void assert_lacks(const char *desc, const char *part)
{
    if (desc && strstr(desc, part))
        g_error("expected no «%s» in %s", part, desc);
}

static size_t count_of(const char *desc, const char *part)
{
    size_t n = 0;
    for (const char *p = desc; p && (p = strstr(p, part)); p += strlen(part))
        n++;
    return n;
}

/* ------------------------------------------------------------ words */

/* A Japanese compound typed as one word searches its words (in the text or
 * the title) with a bonus where they stand together as written; the loose
 * tier also finds it by its character bigrams, however a passage was cut. */
static void test_japanese_compound_searches_its_words_and_their_phrase(void)
{
    built *b = build("保健財政");
    assert_has(b->strict, "(保健 SYNONYM " GHS_PREFIX_TITLE_TEXT "保健) AND (財政 SYNONYM "
               GHS_PREFIX_TITLE_TEXT "財政)");
    assert_has(b->strict, "AND_MAYBE (保健 PHRASE 2 財政)");
    /* loose: either word, or all bigrams of the compound (across the cut) */
    assert_has(b->loose, "(保健 SYNONYM K保健) OR (財政 SYNONYM K財政)");
    assert_has(b->loose, "(B保健 SYNONYM KB保健) AND (B健財 SYNONYM KB健財) AND "
               "(B財政 SYNONYM KB財政)");
    /* no position checks on every passage holding one of the words */
    assert_lacks(b->loose, "PHRASE");
    g_assert_true(g_hash_table_contains(b->q.hl_terms, "保健"));
    g_assert_true(g_hash_table_contains(b->q.hl_terms, "財政"));
    built_free(b);

    /* A katakana word the dictionary keeps whole: one term, bigrams loose. */
    b = build("ワクチン");
    g_assert_cmpstr(b->strict, ==, "Query((ワクチン SYNONYM Kワクチン))");
    assert_has(b->loose, "(Bワク SYNONYM KBワク) AND (Bクチ SYNONYM KBクチ) AND "
               "(Bチン SYNONYM KBチン)");
    built_free(b);
}

/* A one-character piece of a compound is required in the first tier but
 * never matches alone in the second: 再 and 数 of 実効再生産数. */
static void test_character_of_a_compound_is_no_loose_match_of_its_own(void)
{
    built *b = build("実効再生産数");
    assert_has(b->strict, "(再 SYNONYM K再)");
    assert_has(b->strict, "(数 SYNONYM K数)");
    assert_has(b->loose, "(実効 SYNONYM K実効) OR (生産 SYNONYM K生産)");
    assert_lacks(b->loose, "(再 SYNONYM K再)");
    assert_lacks(b->loose, "(数 SYNONYM K数)");
    assert_has(b->loose, "B効再");   /* the compound by its bigrams instead */
    built_free(b);
}

/* An English word searches its stem, in the text or the title; the word
 * and the stem are highlighted. */
static void test_english_word_searches_its_stem(void)
{
    built *b = build("financing");
    g_assert_cmpstr(b->strict, ==, "Query((" GHS_PREFIX_STEM "financ SYNONYM "
                    GHS_PREFIX_TITLE_TEXT GHS_PREFIX_STEM "financ))");
    g_assert_null(b->loose);   /* one word: the loose tier would be the same */
    g_assert_true(g_hash_table_contains(b->q.hl_terms, "financing"));
    g_assert_true(g_hash_table_contains(b->q.hl_stems, "financ"));
    built_free(b);

    /* full width and case folded as the indexer does: ＵＨＣ = uhc */
    b = build("ＵＨＣ");
    g_assert_cmpstr(b->strict, ==, "Query((Zuhc SYNONYM KZuhc))");
    built_free(b);
}

/* "universal" and "university" share a stem: the word searches the forms
 * of its own sense instead, never the stem. */
static void test_overstemmed_word_searches_the_forms_of_its_sense(void)
{
    built *b = build("universal");
    assert_has(b->strict, "universal SYNONYM Kuniversal");
    assert_has(b->strict, "universality");
    assert_lacks(b->strict, GHS_PREFIX_STEM "univers");
    g_assert_false(g_hash_table_contains(b->q.hl_stems, "univers"));
    built_free(b);
}

static void test_stopword_is_dropped_unless_the_query_is_only_stopwords(void)
{
    built *b = build("the financing");
    g_assert_cmpstr(b->strict, ==, "Query((Zfinanc SYNONYM KZfinanc))");
    built_free(b);
    b = build("保健の財政");   /* の between two words */
    assert_lacks(b->strict, "(の SYNONYM");
    assert_has(b->strict, "(保健 SYNONYM K保健) AND (財政 SYNONYM K財政)");
    /* but the words standing together still means with the の */
    assert_has(b->strict, "(保健 PHRASE 3 の PHRASE 3 財政)");
    built_free(b);
    /* a query of stopwords only searches them */
    b = build("to be or not to be");
    assert_has(b->strict, "(to SYNONYM Kto) AND (be SYNONYM Kbe)");
    assert_has(b->strict, "(not SYNONYM Knot)");
    built_free(b);
    /* In a question, "who" written so asks, while WHO names the organization. */
    b = build("Who founded WHO?");
    g_assert_cmpuint(count_of(b->strict, "(Zwho SYNONYM KZwho)"), ==, 1);
    built_free(b);
    b = build("Who founded WHO");
    g_assert_cmpuint(count_of(b->strict, "(Zwho SYNONYM KZwho)"), ==, 2);
    built_free(b);
}

/* ------------------------------------------------------------ phrases, operators */

static void test_phrase_searches_the_unstemmed_words_in_order_with_stopwords(void)
{
    built *b = build("\"financing of health\"");
    g_assert_cmpstr(b->strict, ==, "Query((financing PHRASE 3 of PHRASE 3 health))");
    g_assert_null(b->loose);
    built_free(b);
    b = build("「国内資金の動員」");
    g_assert_cmpstr(b->strict, ==, "Query((国内 PHRASE 4 資金 PHRASE 4 の PHRASE 4 動員))");
    built_free(b);
}

/* +word and AND: the word must stand in the passage itself (no title
 * term), and stays required in the loose tier. */
static void test_required_word_must_stand_in_the_passage(void)
{
    built *b = build("UHC 財政");
    assert_has(b->strict, "(Zuhc SYNONYM KZuhc) AND (財政 SYNONYM K財政)");
    assert_has(b->loose, "(Zuhc SYNONYM KZuhc) OR");
    built_free(b);

    b = build("+UHC 財政");
    assert_has(b->strict, "(Zuhc AND (財政 SYNONYM K財政))");
    assert_lacks(b->strict, "KZuhc");
    g_assert_true(g_str_has_prefix(b->loose, "Query((Zuhc AND_MAYBE "));
    built_free(b);

    b = build("+(UHC OR PHC) 財政");
    assert_has(b->strict, "((Zuhc OR Zphc) AND (財政 SYNONYM K財政))");
    g_assert_true(g_str_has_prefix(b->loose, "Query(((Zuhc OR Zphc) AND_MAYBE "));
    built_free(b);

    b = build("UHC AND 財政");
    assert_has(b->strict, "(Zuhc AND 財政)");
    g_assert_null(b->loose);   /* explicit AND: no tier with only some words */
    built_free(b);
}

static void test_or_and_not(void)
{
    built *b = build("UHC OR PHC");
    g_assert_cmpstr(b->strict, ==, "Query(((Zuhc SYNONYM KZuhc) OR (Zphc SYNONYM KZphc)))");
    built_free(b);

    /* NOT excludes what it names exactly, and is not highlighted */
    b = build("UHC -PHC");
    g_assert_cmpstr(b->strict, ==, "Query(((Zuhc SYNONYM KZuhc) AND_NOT Zphc))");
    g_assert_false(g_hash_table_contains(b->q.hl_terms, "phc"));
    g_assert_true(g_hash_table_contains(b->q.hl_terms, "uhc"));
    built_free(b);
    b = build("保健 NOT 財政");
    assert_has(b->strict, "AND_NOT 財政)");
    built_free(b);
    b = build("NOT UHC");
    g_assert_cmpstr(b->strict, ==, "Query((<alldocuments> AND_NOT Zuhc))");
    built_free(b);
}

/* NEAR takes the unstemmed words; an operand of several words joins word
 * by word, widens the window and must also match as a phrase. */
static void test_near_takes_words_and_widens_for_split_operands(void)
{
    built *b = build("financing NEAR/5 health");
    g_assert_cmpstr(b->strict, ==, "Query((financing NEAR 5 health))");
    built_free(b);
    b = build("治療薬 NEAR/3 開発");
    g_assert_cmpstr(b->strict, ==, "Query(((治療 NEAR 4 薬 NEAR 4 開発) AND (治療 PHRASE 2 薬)))");
    built_free(b);
    b = build("UHC NEAR 財政");   /* plain NEAR: 10 words */
    assert_has(b->strict, "(uhc NEAR 10 財政)");
    built_free(b);
}

/* Words standing together in the query rank higher where they stand
 * together in the passage (a bonus, never a condition). */
static void test_adjacent_words_get_a_proximity_bonus(void)
{
    built *b = build("financing of health");
    assert_has(b->strict, "AND_MAYBE");
    assert_has(b->strict, " * (financing PHRASE 3 health)");
    assert_has(b->loose, " * (financing PHRASE 3 health)");
    /* the same matches without the bonus, for ranking first */
    g_assert_cmpstr(b->loose_fast, ==,
                    "Query(((Zfinanc SYNONYM KZfinanc) OR (Zhealth SYNONYM KZhealth)))");
    built_free(b);
    /* an operator breaks the sequence */
    b = build("financing OR health");
    assert_lacks(b->strict, "PHRASE");
    built_free(b);
}

/* ------------------------------------------------------------ filters */

/* A field filter is a boolean filter scaled to 0: it selects, never
 * scores; values of one field are OR'ed, fields AND'ed. */
static void test_field_filter_is_a_boolean_filter(void)
{
    built *b = build("lang:ja 保健");
    g_assert_cmpstr(b->strict, ==, "Query(((保健 SYNONYM K保健) FILTER 0 * Lja))");
    assert_has(b->loose, "FILTER 0 * Lja");
    built_free(b);

    b = build("lang:ja lang:en type:PDF 保健");
    assert_has(b->strict, "FILTER ((0 * Lja OR 0 * Len) AND 0 * Tpdf)");
    built_free(b);

    b = build("year:2021..2023");
    g_assert_cmpstr(b->strict, ==, "Query(0 * (Y2021 OR Y2022 OR Y2023))");
    built_free(b);
    b = build("year:1000..3000");   /* a range is capped at 501 years */
    assert_has(b->strict, "Y1500)");
    assert_lacks(b->strict, "Y1501");
    built_free(b);

    b = build("doc:Report-A");   /* ids keep their case */
    g_assert_cmpstr(b->strict, ==, "Query(0 * DReport-A)");
    built_free(b);

    /* publisher and title: every word of the value */
    b = build("publisher:\"日本国際交流センター\" UHC");
    assert_has(b->strict, "FILTER 0 * (P日本 AND P国際 AND P交流 AND P");
    built_free(b);
    b = build("title:保健財政");
    g_assert_cmpstr(b->strict, ==, "Query(0 * (S保健 AND S財政))");
    built_free(b);
}

/* ------------------------------------------------------------ errors */

static void test_part_without_a_searchable_word_is_an_error_with_its_position(void)
{
    ghs_error err;
    g_assert_cmpint(build_error("・", &err), ==, GHS_EQUERY);
    g_assert_cmpstr(err.message, ==, "query error at 1: the query has no searchable word");
    g_assert_cmpint(err.position, ==, 1);

    g_assert_cmpint(build_error("保健 \"・\"", &err), ==, GHS_EQUERY);
    g_assert_cmpstr(err.message, ==, "query error at 4: phrase has no searchable word");
    g_assert_cmpint(err.position, ==, 4);

    g_assert_cmpint(build_error("保健 title:・", &err), ==, GHS_EQUERY);
    g_assert_cmpstr(err.message, ==, "query error at 4: filter value has no searchable word");

    g_assert_cmpint(build_error("UHC NEAR ・", &err), ==, GHS_EQUERY);
    g_assert_nonnull(strstr(err.message, "NEAR has no searchable word"));

    /* a word of punctuation beside real words is just ignored */
    g_assert_cmpint(build_error("保健 ・ 財政", &err), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ghs_error err = {0};
    an = ghs_analyzer_new(&err);
    if (!an)
        g_error("analyzer: %s", err.message);
    g_test_add_func("/query_build/words/japanese_compound_searches_its_words_and_their_phrase",
                    test_japanese_compound_searches_its_words_and_their_phrase);
    g_test_add_func("/query_build/words/character_of_a_compound_is_no_loose_match_of_its_own",
                    test_character_of_a_compound_is_no_loose_match_of_its_own);
    g_test_add_func("/query_build/words/english_word_searches_its_stem",
                    test_english_word_searches_its_stem);
    g_test_add_func("/query_build/words/overstemmed_word_searches_the_forms_of_its_sense",
                    test_overstemmed_word_searches_the_forms_of_its_sense);
    g_test_add_func("/query_build/words/stopword_is_dropped_unless_the_query_is_only_stopwords",
                    test_stopword_is_dropped_unless_the_query_is_only_stopwords);
    g_test_add_func("/query_build/operators/phrase_searches_the_unstemmed_words_in_order",
                    test_phrase_searches_the_unstemmed_words_in_order_with_stopwords);
    g_test_add_func("/query_build/operators/required_word_must_stand_in_the_passage",
                    test_required_word_must_stand_in_the_passage);
    g_test_add_func("/query_build/operators/or_and_not", test_or_and_not);
    g_test_add_func("/query_build/operators/near_takes_words_and_widens_for_split_operands",
                    test_near_takes_words_and_widens_for_split_operands);
    g_test_add_func("/query_build/ranking/adjacent_words_get_a_proximity_bonus",
                    test_adjacent_words_get_a_proximity_bonus);
    g_test_add_func("/query_build/filters/field_filter_is_a_boolean_filter",
                    test_field_filter_is_a_boolean_filter);
    g_test_add_func("/query_build/errors/part_without_a_searchable_word_is_an_error",
                    test_part_without_a_searchable_word_is_an_error_with_its_position);
    int rc = g_test_run();
    ghs_analyzer_free(an);
    return rc;
}
