/*
 * test_analysis_cases.c: the analysis users expect (issue 3), one test per
 * rule, each on real strings and, where it is about finding documents,
 * through the public API on a temporary index:
 *  - katakana spelling variants find each other (middle dots and spaces in
 *    compounds, a final ー, kana iteration marks), with highlights on the
 *    characters as written;
 *  - 々 stays in its word; numbers are searchable as written;
 *  - 厚生労働省 is found whole, by a part and in a phrase;
 *  - 京都 ranks its own passage above several about 東京都;
 *  - an overlong unbroken run never stops indexing.
 * Cases already covered elsewhere are not repeated: ＷＨＯ/WHO, ｳｲﾙｽ and ﬁ
 * folding (test_analyze.c, test_search.c full_width_query_finds_ascii_text),
 * two- and one-character queries (test_search.c).
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "ghsearch.h"
#include "test_util.h"

static ghs_analyzer *IX;   /* the indexer's analyzer */
static ghs_analyzer *QA;   /* the searcher's, a separate instance */
static char *db_dir;

/* ------------------------------------------------------------ helpers */

static ghs_tokens analyze_with(ghs_analyzer *a, const char *s)
{
    ghs_tokens t;
    ghs_error err = {0};
    ghs_tokens_init(&t);
    g_assert_cmpint(ghs_analyze(a, s, strlen(s), 0, &t, &err), ==, 0);
    return t;
}

/* The terms of s joined by '|'. */
static char *terms_of(ghs_analyzer *a, const char *s)
{
    ghs_tokens t = analyze_with(a, s);
    GString *g = g_string_new(NULL);
    for (size_t i = 0; i < t.n; i++)
        g_string_append_printf(g, "%s%s", i ? "|" : "", t.v[i].term);
    ghs_tokens_free(&t);
    return g_string_free(g, FALSE);
}

/* Every spelling of variants gives the same terms, on the index side and
 * on the query side, and those terms are expected. */
static void assert_same_terms(const char *const *variants, const char *expected)
{
    for (size_t i = 0; variants[i]; i++) {
        char *ix = terms_of(IX, variants[i]), *q = terms_of(QA, variants[i]);
        g_test_message("%s -> %s", variants[i], ix);
        g_assert_cmpstr(ix, ==, expected);
        g_assert_cmpstr(q, ==, expected);
        g_free(ix);
        g_free(q);
    }
}

/* The input characters a code point range covers. */
static char *cp_slice(const char *s, int start, int end)
{
    const char *a = g_utf8_offset_to_pointer(s, start);
    const char *b = g_utf8_offset_to_pointer(s, end);
    return g_strndup(a, (gsize)(b - a));
}

/* The input characters of the single token of s. */
static char *only_token_slice(const char *s)
{
    ghs_tokens t = analyze_with(IX, s);
    g_assert_cmpuint(t.n, ==, 1);
    char *sl = cp_slice(s, (int)t.v[0].start, (int)t.v[0].end);
    ghs_tokens_free(&t);
    return sl;
}

static void add(ghs_index *ix, const char *id, const char *text)
{
    ghs_meta m = { .id = id, .title = id, .lang = "ja", .date = "2023-01-01",
                   .publisher = "JCIE" };
    ghs_error err = {0};
    ghs_add_report rep;
    if (ghs_index_add_text(ix, &m, text, strlen(text), &rep, &err) != 0)
        g_error("add %s: %s", id, err.message);
    g_assert_cmpuint(rep.passages, >, 0);
}

static ghs_results *search(const char *q)
{
    ghs_search_opts o = { .limit = 20, .per_doc = 1 };
    return ghs_test_search(db_dir, q, &o);
}


/* The highlighted characters of h, joined by '|'. */
static char *marked(const ghs_hit *h)
{
    GString *g = g_string_new(NULL);
    for (size_t i = 0; i < h->n_highlights; i++) {
        char *s = cp_slice(h->passage, h->highlights[i].start, h->highlights[i].end);
        g_string_append_printf(g, "%s%s", i ? "|" : "", s);
        g_free(s);
    }
    return g_string_free(g, FALSE);
}

/* q finds doc, and the hit marks exactly `mark` in its passage (or, with
 * `within`, marks a stretch holding it). */
static void assert_finds_marked(const char *q, const char *doc, const char *mark,
                                gboolean within)
{
    ghs_results *r = search(q);
    const ghs_hit *h = ghs_test_hit_of(r, doc);
    if (!h)
        g_error("query %s does not find %s", q, doc);
    if (mark) {
        char *m = marked(h);
        if (within)
            g_assert_nonnull(strstr(m, mark));
        else
            g_assert_cmpstr(m, ==, mark);
        g_free(m);
    }
    ghs_results_free(r);
}

static void assert_finds(const char *q, const char *doc, const char *mark)
{
    assert_finds_marked(q, doc, mark, FALSE);
}

static void build_index(void)
{
    ghs_index *ix = ghs_test_index_new("ghs-cases-XXXXXX", &db_dir);
    add(ix, "phc-dots", "プライマリ・ヘルス・ケアは地域医療の基盤である。");
    add(ix, "phc-solid", "プライマリヘルスケアの強化が求められている。");
    add(ix, "server-long", "病院のサーバーが停止した。");
    add(ix, "computer-short", "コンピュータで診療記録を管理する。");
    add(ix, "manager", "ヘルスケアマネージャーの育成を進める。");
    add(ix, "isuzu", "いすゞ自動車が救急車を寄贈した。");
    add(ix, "kokoro", "こゝろの健康を守る取り組み。");
    add(ix, "hitobito", "地域の人々の健康を守るため、様々な施策を各々の自治体が進める。");
    add(ix, "numbers", "二〇二三年のパンデミック対策と2023年の予算、２０２３年度の計画。");
    add(ix, "mhlw", "厚生労働省は新たな指針を公表した。");
    add(ix, "corona", "新型コロナウイルス感染症の流行が続いた。");
    add(ix, "kyoto", "京都の大学では地域の保健医療を学ぶ講座が開かれている。");
    add(ix, "tokyo-1", "東京都の保健所は感染症の相談に応じている。");
    add(ix, "tokyo-2", "東京都は新たな検査体制を整えた。");
    add(ix, "tokyo-3", "東京都内の病院では病床が不足している。");
    add(ix, "tokyo-4", "東京都と近隣の県が協力して医療を支える。");
    /* An unbroken katakana run (one word after joining) and a Latin word,
     * each far beyond Xapian's 245-byte term limit, then a normal text. */
    GString *g = g_string_new("長い語の例：");
    for (int i = 0; i < 400; i++)
        g_string_append(g, "ア");
    g_string_append(g, "。");
    for (int i = 0; i < 600; i++)
        g_string_append_c(g, 'x');
    g_string_append(g, " 末尾の文には予防接種という語がある。");
    add(ix, "overlong", g->str);
    g_string_free(g, TRUE);
    add(ix, "after-overlong", "予防接種の後に索引された文書。");
    ghs_test_index_finish(ix);
}

/* ------------------------------------------------------------ tests */

static void test_katakana_compound_is_the_same_word_with_dots_spaces_or_solid(void)
{
    static const char *const v[] = {
        "プライマリ・ヘルス・ケア", "プライマリヘルスケア", "プライマリ･ヘルス･ケア",
        "ﾌﾟﾗｲﾏﾘ･ﾍﾙｽ･ｹｱ", "プライマリ　ヘルス　ケア", "プライマリ ヘルス ケア", NULL };
    assert_same_terms(v, "プライマリヘルスケア");
    /* The word covers the input as written, dots included. */
    char *sl = only_token_slice("プライマリ・ヘルス・ケア");
    g_assert_cmpstr(sl, ==, "プライマリ・ヘルス・ケア");
    g_free(sl);
    /* A dot between katakana and Latin letters still separates words. */
    char *t = terms_of(IX, "ジョン・F・ケネディ");
    g_assert_cmpstr(t, ==, "ジョン|f|ケネディ");
    g_free(t);
}

static void test_dotted_and_solid_katakana_find_each_other_with_dots_highlighted(void)
{
    assert_finds("プライマリヘルスケア", "phc-dots", "プライマリ・ヘルス・ケア");
    assert_finds("プライマリ・ヘルス・ケア", "phc-solid", "プライマリヘルスケア");
    assert_finds("\"プライマリ　ヘルス　ケア\"", "phc-dots", "プライマリ・ヘルス・ケア");
}

static void test_final_long_vowel_mark_folds_in_katakana_words_of_four_or_more(void)
{
    static const char *const server[] = { "サーバー", "サーバ", "ｻｰﾊﾞｰ", NULL };
    static const char *const computer[] = { "コンピューター", "コンピュータ", NULL };
    static const char *const manager[] = { "ヘルスケアマネージャー", "ヘルスケア・マネージャ", NULL };
    static const char *const memory[] = { "メモリー", "メモリ", NULL };
    assert_same_terms(server, "サーバ");
    assert_same_terms(computer, "コンピュータ");
    assert_same_terms(manager, "ヘルスケアマネージャ");
    assert_same_terms(memory, "メモリ");
    /* Short words keep their mark: ケー, ツアー and コピー are not ケ, ツア, コピ. */
    static const char *const ke[] = { "ケー", NULL }, *const tour[] = { "ツアー", NULL },
                             *const copy[] = { "コピー", NULL };
    assert_same_terms(ke, "ケー");
    assert_same_terms(tour, "ツアー");
    assert_same_terms(copy, "コピー");
    /* The folded word still covers its ー in the input. */
    char *sl = only_token_slice("サーバー");
    g_assert_cmpstr(sl, ==, "サーバー");
    g_free(sl);
}

static void test_long_vowel_variants_find_each_other_with_the_mark_highlighted(void)
{
    assert_finds("サーバ", "server-long", "サーバー");
    assert_finds("コンピューター", "computer-short", "コンピュータ");
    assert_finds("ヘルスケアマネージャ", "manager", "ヘルスケアマネージャー");
}

static void test_kana_iteration_marks_are_spelled_out(void)
{
    static const char *const isuzu[] = { "いすゞ", "いすず", NULL };
    static const char *const kokoro[] = { "こゝろ", "こころ", NULL };
    static const char *const hobo[] = { "ほゞ", "ほぼ", NULL };
    static const char *const kata[] = { "バナヽ", "バナナ", NULL };
    char *expect = terms_of(IX, "いすず");
    assert_same_terms(isuzu, expect);
    g_free(expect);
    assert_same_terms(kokoro, "こころ");
    assert_same_terms(hobo, "ほぼ");
    assert_same_terms(kata, "バナナ");
    /* A mark with no kana before it is left as written. */
    char *t = terms_of(IX, "漢ゝ");
    g_assert_nonnull(strstr(t, "ゝ"));
    g_free(t);
    assert_finds("いすず自動車", "isuzu", NULL);
    assert_finds("こころの健康", "kokoro", "こゝろ|健康");
}

static void test_kanji_iteration_mark_stays_part_of_its_word(void)
{
    char *t = terms_of(IX, "人々の健康、様々な施策、各々の自治体");
    g_assert_cmpstr(t, ==, "人々|の|健康|様々|な|施策|各々|の|自治体");
    g_free(t);
    assert_finds("人々", "hitobito", "人々");
    assert_finds("様々", "hitobito", "様々");
    /* A phrase marks every word it names (の elsewhere too). */
    assert_finds_marked("\"人々の健康\"", "hitobito", "人々の健康", TRUE);
    assert_finds("\"各々の自治体\"", "hitobito", NULL);
}

static void test_numbers_in_kanji_and_digits_are_searchable_as_written(void)
{
    char *t = terms_of(QA, "２０２３");
    g_assert_cmpstr(t, ==, "2023");
    g_free(t);
    assert_finds("二〇二三年", "numbers", NULL);
    assert_finds("\"二〇二三年のパンデミック\"", "numbers", NULL);
    assert_finds("2023年", "numbers", NULL);
    assert_finds("２０２３", "numbers", NULL);
    assert_finds("パンデミック", "numbers", "パンデミック");
}

static void test_ministry_is_found_whole_by_a_part_and_in_a_phrase(void)
{
    assert_finds("厚生労働省", "mhlw", "厚生労働省");
    assert_finds("労働省", "mhlw", NULL);
    assert_finds("\"厚生労働省は新たな指針\"", "mhlw", NULL);
    /* The phrase needs its words in order. */
    ghs_results *r = search("\"指針は厚生労働省\"");
    g_assert_null(ghs_test_hit_of(r, "mhlw"));
    ghs_results_free(r);
}

static void test_kyoto_passage_ranks_above_several_about_tokyo_to(void)
{
    ghs_results *r = search("京都");
    g_assert_cmpuint(ghs_results_count(r), >=, 1);
    const ghs_hit *top = ghs_results_hit(r, 0);
    g_assert_cmpstr(top->doc, ==, "kyoto");
    for (size_t i = 1; i < ghs_results_count(r); i++) {
        const ghs_hit *h = ghs_results_hit(r, i);
        if (g_str_has_prefix(h->doc, "tokyo-"))
            g_assert_cmpfloat(h->score, <, top->score);
    }
    ghs_results_free(r);
}

static void test_katakana_compound_keeps_its_parts_at_its_position(void)
{
    /* The query side searches the compound as one term (v); its pieces
     * (the dotted ones, or ICU's) come with it for the indexer. */
    ghs_tokens t = analyze_with(IX, "新型コロナウイルス感染症");
    g_assert_cmpuint(t.n, ==, 4);
    g_assert_cmpstr(t.v[1].term, ==, "コロナウイルス");
    g_assert_cmpuint(t.n_parts, ==, 2);
    g_assert_cmpstr(t.parts[0].term, ==, "コロナ");
    g_assert_cmpstr(t.parts[1].term, ==, "ウイルス");
    g_assert_cmpuint(t.parts[1].pos, ==, t.v[1].pos);
    g_assert_cmpuint(t.parts[1].start, ==, 5);
    g_assert_cmpuint(t.parts[1].end, ==, 9);
    ghs_tokens_free(&t);
    t = analyze_with(IX, "ユニバーサル・ヘルス・カバレッジ");
    g_assert_cmpuint(t.n, ==, 1);
    g_assert_cmpuint(t.n_parts, ==, 3);
    g_assert_cmpstr(t.parts[1].term, ==, "ヘルス");
    ghs_tokens_free(&t);
}

static void test_a_part_of_a_katakana_compound_finds_it_as_a_word(void)
{
    /* ウイルス is marked inside コロナウイルス, and a phrase running from
     * the part into the next word matches. */
    assert_finds("ウイルス", "corona", "ウイルス");
    assert_finds("「ウイルス感染」", "corona", "ウイルス感染");
    assert_finds("ヘルス", "phc-dots", "ヘルス");
}

static void test_overlong_runs_never_stop_indexing(void)
{
    /* Both documents are in the index and searchable. */
    assert_finds("予防接種", "overlong", NULL);
    assert_finds("予防接種", "after-overlong", NULL);
    /* The overlong katakana word gives a term of at most 240 bytes. */
    GString *g = g_string_new(NULL);
    for (int i = 0; i < 400; i++)
        g_string_append(g, "ア");
    ghs_tokens t = analyze_with(IX, g->str);
    g_assert_cmpuint(t.n, ==, 1);
    g_assert_cmpuint(strlen(t.v[0].term), <=, 240);
    g_assert_true(g_utf8_validate(t.v[0].term, -1, NULL));
    g_assert_cmpuint(t.v[0].end, ==, 400);
    ghs_tokens_free(&t);
    g_string_free(g, TRUE);
}

int main(int argc, char **argv)
{
    ghs_error err = {0};
    g_test_init(&argc, &argv, NULL);
    IX = ghs_analyzer_new(&err);
    QA = ghs_analyzer_new(&err);
    if (!IX || !QA)
        g_error("cannot create the analyzer: %s", err.message);
    build_index();

    g_test_add_func("/analysis_cases/katakana_compound_is_the_same_word_with_dots_spaces_or_solid",
                    test_katakana_compound_is_the_same_word_with_dots_spaces_or_solid);
    g_test_add_func("/analysis_cases/dotted_and_solid_katakana_find_each_other_with_dots_highlighted",
                    test_dotted_and_solid_katakana_find_each_other_with_dots_highlighted);
    g_test_add_func("/analysis_cases/final_long_vowel_mark_folds_in_katakana_words_of_four_or_more",
                    test_final_long_vowel_mark_folds_in_katakana_words_of_four_or_more);
    g_test_add_func("/analysis_cases/long_vowel_variants_find_each_other_with_the_mark_highlighted",
                    test_long_vowel_variants_find_each_other_with_the_mark_highlighted);
    g_test_add_func("/analysis_cases/kana_iteration_marks_are_spelled_out",
                    test_kana_iteration_marks_are_spelled_out);
    g_test_add_func("/analysis_cases/kanji_iteration_mark_stays_part_of_its_word",
                    test_kanji_iteration_mark_stays_part_of_its_word);
    g_test_add_func("/analysis_cases/numbers_in_kanji_and_digits_are_searchable_as_written",
                    test_numbers_in_kanji_and_digits_are_searchable_as_written);
    g_test_add_func("/analysis_cases/ministry_is_found_whole_by_a_part_and_in_a_phrase",
                    test_ministry_is_found_whole_by_a_part_and_in_a_phrase);
    g_test_add_func("/analysis_cases/kyoto_passage_ranks_above_several_about_tokyo_to",
                    test_kyoto_passage_ranks_above_several_about_tokyo_to);
    g_test_add_func("/analysis_cases/katakana_compound_keeps_its_parts_at_its_position",
                    test_katakana_compound_keeps_its_parts_at_its_position);
    g_test_add_func("/analysis_cases/a_part_of_a_katakana_compound_finds_it_as_a_word",
                    test_a_part_of_a_katakana_compound_finds_it_as_a_word);
    g_test_add_func("/analysis_cases/overlong_runs_never_stop_indexing",
                    test_overlong_runs_never_stop_indexing);

    int rc = g_test_run();
    ghs_analyzer_free(IX);
    ghs_analyzer_free(QA);
    ghs_test_rm_db(db_dir);
    g_free(db_dir);
    return rc;
}
