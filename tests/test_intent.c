/*
 * test_intent.c: a query is a question or keywords (searcher/intent.c),
 * decided on the parsed query's words: question marks, the particle か,
 * question words used in a sentence, in Japanese and English; titles and
 * terms that merely hold a question word stay keywords.
 */
#include <glib.h>

#include "analyze.h"
#include "intent.h"
#include "query_parse.h"
#include "test_util.h"

static ghs_analyzer *an;

static ghs_intent intent_of(const char *query)
{
    ghs_qnode *root = ghs_test_parse(query);
    ghs_intent in = ghs_query_intent(an, root);
    ghs_qnode_free(root);
    return in;
}

static void expect(const char *const *queries, size_t n, ghs_intent want)
{
    for (size_t i = 0; i < n; i++)
        if (intent_of(queries[i]) != want)
            g_error("'%s' should be %s", queries[i],
                    want == GHS_INTENT_QUESTION ? "a question" : "keywords");
}

static void test_japanese_questions(void)
{
    const char *q[] = {
        "感染症の流行に備える資金は何か。",            /* か after 何 */
        "ユニバーサル・ヘルス・カバレッジはいつ？",     /* ？ */
        "UHCは何?",                                    /* ASCII ? */
        "日本がUHCを外交の柱に掲げたのはいつか",       /* いつか: one word to ICU */
        "パンデミック基金を管理するのはどこか。",
        "100日ミッションを打ち出したのは誰か",
        "ワクチン格差が生まれたのはなぜですか",        /* …ですか */
        "UHC財政ナレッジ・ハブは設置されたか",         /* a predicate before か */
        "ウィキデータは無料か有料か",                  /* a choice after the topic */
        "労働基本権は憲法何条か。",                    /* 何条か */
        "日本の首都はどこ",                            /* a question word last */
        "『平和への課題』を発表したのはだれ",           /* はだれ: one word to ICU */
        "どこの国が最初にパンデミック条約を批准した",  /* どこ + の */
        "いつ武装闘争路線を放棄した",                  /* いつ asks whatever follows */
        "オランダではファーストネームが複雑な場合どう呼ばれる", /* どう after a subject */
        "リズムはなんと訳される",                      /* なんと + a naming verb */
        "南スーダンの首都は",                          /* a topic left open */
        "ユニバーサル・ヘルス・カバレッジとは",        /* とは: what is */
        "「赤旗」を発行するのはどこの党か",            /* a phrase, then a question */
        "UNTSOを日本語で答えよ",                       /* an instruction */
        "ＷＨＯが定めたパンデミック条約の目的は？",
    };
    expect(q, G_N_ELEMENTS(q), GHS_INTENT_QUESTION);
}

static void test_japanese_keywords(void)
{
    const char *k[] = {
        "ユニバーサル・ヘルス・カバレッジ",
        "新型コロナウイルス感染症",
        "保健 予防",
        "いつか",                 /* some day: one word, not いつ + か */
        "どうする家康",           /* どう before a verb, in a title */
        "いくら丼",               /* salmon roe */
        "どうぶつの森",           /* どう|ぶつ to ICU: not どう asking */
        "幾何学",
        "そして誰もいなくなった", /* 誰も: nobody */
        "何でも鑑定団",           /* 何でも: anything */
        "いつまでも",
        "ここではないどこか",     /* どこか: somewhere */
        "何か",
        "誰か",
        "何年",
        "芝山みよか",             /* a name ending in か */
        "いつでも夢を",           /* a title ending in a particle */
        "『バッハの旋律を夜に聴いたせいです。』",   /* a name in 『』 */
        "「どこへ行くのか」",     /* a quoted phrase is a name */
        "2009年バラク・オバマ大統領就任式",
        "title:感染症の流行に備える資金は何か 保健",   /* a filter asks nothing */
        "保健 NOT 何か",
    };
    expect(k, G_N_ELEMENTS(k), GHS_INTENT_KEYWORDS);
}

static void test_english(void)
{
    const char *q[] = {
        "What is universal health coverage?",
        "what is universal health coverage",
        "In what country is Normandy located",
        "Who manages the pandemic fund",
        "Is the pandemic fund managed by the World Bank?",
    };
    expect(q, G_N_ELEMENTS(q), GHS_INTENT_QUESTION);
    const char *k[] = {
        "universal health coverage",
        "The Man Who Knew Too Much",   /* who inside a title */
        "WHO pandemic agreement",      /* WHO, the organization */
        "who",
        "health financing OR coverage",
    };
    expect(k, G_N_ELEMENTS(k), GHS_INTENT_KEYWORDS);
}

static void test_no_query_is_keywords(void)
{
    g_assert_cmpint(ghs_query_intent(an, NULL), ==, GHS_INTENT_KEYWORDS);
    ghs_qnode *root = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_query_parse("何か", &root, &err), ==, 0);
    g_assert_cmpint(ghs_query_intent(NULL, root), ==, GHS_INTENT_KEYWORDS);
    ghs_qnode_free(root);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ghs_error err = {0};
    an = ghs_analyzer_new(&err);
    g_assert_nonnull(an);
    g_test_add_func("/intent/japanese_questions", test_japanese_questions);
    g_test_add_func("/intent/japanese_keywords", test_japanese_keywords);
    g_test_add_func("/intent/english", test_english);
    g_test_add_func("/intent/no_query_is_keywords", test_no_query_is_keywords);
    int rc = g_test_run();
    ghs_analyzer_free(an);
    return rc;
}
