/*
 * test_query_parse.c: the query language parser (searcher/query_parse.c).
 *
 * Trees are compared through ghs_qnode_describe(); errors through the exact
 * message and its 1-based code point position (a Japanese character counts
 * as one). The robustness test feeds seeded random bytes and token soups.
 */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "query_parse.h"

/* Parse query and assert that it succeeds with the tree `want`. */
static void assert_tree(const char *query, const char *want)
{
    ghs_qnode *n = NULL;
    ghs_error err;
    char *got;
    int rc;

    memset(&err, 0, sizeof err);
    rc = ghs_query_parse(query, &n, &err);
    if (rc != 0)
        g_error("query «%s» failed: %s", query, err.message);
    got = ghs_qnode_describe(n);
    g_assert_nonnull(got);
    if (strcmp(got, want) != 0)
        g_error("query «%s»\n  got  %s\n  want %s", query, got, want);
    free(got);
    ghs_qnode_free(n);
}

/* Parse query and assert that it fails at code point pos with `what`. */
static void assert_error(const char *query, int pos, const char *what)
{
    ghs_qnode *n = (ghs_qnode *)&n;  /* must be reset to NULL */
    ghs_error err;
    char *want;
    int rc;

    memset(&err, 0, sizeof err);
    rc = ghs_query_parse(query, &n, &err);
    want = g_strdup_printf("query error at %d: %s", pos, what);
    if (rc != GHS_EQUERY || err.position != pos ||
        strcmp(err.message, want) != 0)
        g_error("query «%s»: rc %d, position %d, message «%s»; want «%s»",
                query, rc, err.position, err.message, want);
    g_assert_cmpint(err.code, ==, GHS_EQUERY);
    g_assert_null(n);
    g_free(want);
}

static ghs_qnode *parse_ok(const char *query)
{
    ghs_qnode *n = NULL;
    ghs_error err;

    memset(&err, 0, sizeof err);
    if (ghs_query_parse(query, &n, &err) != 0)
        g_error("query «%s» failed: %s", query, err.message);
    return n;
}

/* ------------------------------------------------------------ trees */

static void test_japanese_words_side_by_side_form_a_default_group(void)
{
    assert_tree("ユニバーサル・ヘルス・カバレッジ 財政",
                "(DEFAULT (WORD \"ユニバーサル・ヘルス・カバレッジ\") "
                "(WORD \"財政\"))");
    /* the ideographic space separates words like an ASCII space */
    assert_tree("保健\u3000財政", "(DEFAULT (WORD \"保健\") (WORD \"財政\"))");
    assert_tree("保健", "(WORD \"保健\")");
}

static void test_quoted_phrase_and_word_form_a_default_group(void)
{
    assert_tree("\"100 Days Mission\" diagnostics",
                "(DEFAULT (PHRASE \"100 Days Mission\") "
                "(WORD \"diagnostics\"))");
    /* spaces inside the quotes at either end do not belong to the phrase */
    assert_tree("\" health coverage \"", "(PHRASE \"health coverage\")");
}

static void test_japanese_quotes_make_phrases(void)
{
    assert_tree("「公平なアクセス」", "(PHRASE \"公平なアクセス\")");
    assert_tree("“ユニバーサル ヘルス”", "(PHRASE \"ユニバーサル ヘルス\")");
    assert_tree("＂保健＂", "(PHRASE \"保健\")");
    /* Japanese text often closes with the same right quote it opens with */
    assert_tree("”保健”", "(PHRASE \"保健\")");
    /* inside 「」 a double quote is just a character */
    assert_tree("「WHO \"Health\"」", "(PHRASE \"WHO \\\"Health\\\"\")");
}

static void test_filters_join_the_default_group(void)
{
    assert_tree("MCM 公平なアクセス lang:ja",
                "(DEFAULT (WORD \"MCM\") (WORD \"公平なアクセス\") "
                "(FILTER lang \"ja\"))");
    assert_tree("ユニバーサル \"health coverage\" lang:ja",
                "(DEFAULT (WORD \"ユニバーサル\") (PHRASE \"health coverage\") "
                "(FILTER lang \"ja\"))");
}

static void test_filter_values_are_checked_and_normalized(void)
{
    assert_tree("year:2021..2023", "(FILTER year \"2021..2023\")");
    assert_tree("year:2023", "(FILTER year \"2023\")");
    assert_tree("year:２０２１", "(FILTER year \"2021\")");
    assert_tree("year:2021〜2023", "(FILTER year \"2021..2023\")");
    assert_tree("year:２０２１～２０２３", "(FILTER year \"2021..2023\")");
    assert_tree("lang：ja 財政", "(DEFAULT (FILTER lang \"ja\") (WORD \"財政\"))");
    assert_tree("year:2021..2021", "(FILTER year \"2021..2021\")");
    assert_tree("lang:EN", "(FILTER lang \"en\")");
    assert_tree("lang:jpn", "(FILTER lang \"jpn\")");
    assert_tree("type:PDF type:release type:record",
                "(DEFAULT (FILTER type \"pdf\") (FILTER type \"release\") "
                "(FILTER type \"record\"))");
    assert_tree("doc:who-uhc-2023/report.pdf",
                "(FILTER doc \"who-uhc-2023/report.pdf\")");
    assert_tree("title:健康", "(FILTER title \"健康\")");
}

static void test_quoted_filter_value_keeps_its_spaces(void)
{
    assert_tree("publisher:\"World Health Organization\"",
                "(FILTER publisher \"World Health Organization\")");
    assert_tree("publisher:「厚生労働省 国際課」 UHC",
                "(DEFAULT (FILTER publisher \"厚生労働省 国際課\") "
                "(WORD \"UHC\"))");
    assert_tree("year:\"2021..2023\"", "(FILTER year \"2021..2023\")");
    /* the quoted value ends at its quote; what follows is another term */
    assert_tree("year:\"2023\"x", "(DEFAULT (FILTER year \"2023\") (WORD \"x\"))");
}

static void test_urls_times_and_capitals_with_a_colon_stay_plain_words(void)
{
    assert_tree("https://example.org/a:b",
                "(WORD \"https://example.org/a:b\")");
    assert_tree("10:30 COVID-19:", "(DEFAULT (WORD \"10:30\") (WORD \"COVID-19:\"))");
    /* a colon ending the word is punctuation; capitals are an acronym */
    assert_tree("Note: ISO:3166", "(DEFAULT (WORD \"Note:\") (WORD \"ISO:3166\"))");
    assert_tree("file:/x", "(WORD \"file:/x\")");
    /* quoted, an unknown field is text to search */
    assert_tree("\"foo:bar\"", "(PHRASE \"foo:bar\")");
}

/* "lan:ja UHC" must not search the word "lan:ja" and find nothing, or
 * "foo:bar" find "Foo Bar": the user meant a field. */
static void test_unknown_fields_are_errors_listing_the_fields(void)
{
    static const char fields[] = "(the fields are lang, type, year, publisher, doc and title; "
                                 "to search the word itself, put it in quotes: ";
    char *want = g_strdup_printf("unknown field 'lan' %s\"lan:ja\")", fields);
    assert_error("lan:ja UHC", 1, want);
    g_free(want);
    want = g_strdup_printf("unknown field 'foo' %s\"foo:bar\")", fields);
    assert_error("保健 foo:bar", 4, want);
    g_free(want);
    /* a known field in capitals, and the full-width colon of a Japanese IME */
    want = g_strdup_printf("unknown field 'Lang' %s\"Lang:ja\")", fields);
    assert_error("Lang:ja", 1, want);
    g_free(want);
    want = g_strdup_printf("unknown field 'yaer' %s\"yaer：2023\")", fields);
    assert_error("yaer：2023", 1, want);
    g_free(want);
    /* a long word is cut short in the message, between characters */
    ghs_qnode *n = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_query_parse("foo:保健保健保健保健保健保健保健保健保健保健保健保健保健保健保健保健保健保健",
                                    &n, &err), ==, GHS_EQUERY);
    g_assert_true(g_utf8_validate(err.message, -1, NULL));
    g_assert_nonnull(strstr(err.message, "unknown field 'foo'"));
}

static void test_hyphens_inside_or_alone_are_part_of_words(void)
{
    assert_tree("COVID-19", "(WORD \"COVID-19\")");
    assert_tree("a - b", "(DEFAULT (WORD \"a\") (WORD \"-\") (WORD \"b\"))");
    assert_tree("-", "(WORD \"-\")");
    assert_tree("--x", "(WORD \"--x\")");
    assert_tree("+", "(WORD \"+\")");
    assert_tree("x (-)", "(DEFAULT (WORD \"x\") (WORD \"-\"))");
}

static void test_minus_excludes_from_the_whole_group(void)
{
    assert_tree("a b -c",
                "(NOT (DEFAULT (WORD \"a\") (WORD \"b\")) (WORD \"c\"))");
    assert_tree("-a b", "(NOT (WORD \"b\") (WORD \"a\"))");
    assert_tree("財政 －保険 -\"民間保険\"",
                "(NOT (WORD \"財政\") (OR (WORD \"保険\") (PHRASE \"民間保険\")))");
    assert_tree("-lang:en UHC", "(NOT (WORD \"UHC\") (FILTER lang \"en\"))");
    assert_tree("a -(b OR c)",
                "(NOT (WORD \"a\") (OR (WORD \"b\") (WORD \"c\")))");
    /* after a prefix an upper-case keyword is a word */
    assert_tree("x -OR", "(NOT (WORD \"x\") (WORD \"OR\"))");
}

static void test_only_negative_query_has_no_positive_side(void)
{
    assert_tree("NOT x", "(NOT nil (WORD \"x\"))");
    assert_tree("-保険", "(NOT nil (WORD \"保険\"))");
    assert_tree("-a -b", "(NOT nil (OR (WORD \"a\") (WORD \"b\")))");
    assert_tree("NOT NOT x", "(WORD \"x\")");
    assert_tree("NOT -x", "(WORD \"x\")");
}

static void test_plus_marks_the_term_required(void)
{
    assert_tree("+UHC 財政", "(DEFAULT (WORD+ \"UHC\") (WORD \"財政\"))");
    assert_tree("＋\"health coverage\"", "(PHRASE+ \"health coverage\")");
    assert_tree("+lang:ja x", "(DEFAULT (FILTER+ lang \"ja\") (WORD \"x\"))");
    /* a required group is not merged into its parent */
    assert_tree("+(a b) c",
                "(DEFAULT (DEFAULT+ (WORD \"a\") (WORD \"b\")) (WORD \"c\"))");
}

static void test_boolean_operators_group_and_exclude(void)
{
    assert_tree("(UHC OR PHC) AND 財政 -保険",
                "(NOT (AND (OR (WORD \"UHC\") (WORD \"PHC\")) (WORD \"財政\")) "
                "(WORD \"保険\"))");
    assert_tree("a NOT b", "(NOT (WORD \"a\") (WORD \"b\"))");
    assert_tree("a AND NOT b", "(NOT (WORD \"a\") (WORD \"b\"))");
    assert_tree("a b NOT c d",
                "(NOT (DEFAULT (WORD \"a\") (WORD \"b\")) "
                "(DEFAULT (WORD \"c\") (WORD \"d\")))");
    assert_tree("a NOT b NOT c",
                "(NOT (WORD \"a\") (OR (WORD \"b\") (WORD \"c\")))");
}

static void test_juxtaposition_binds_tighter_than_and_and_or(void)
{
    assert_tree("a b AND c",
                "(AND (DEFAULT (WORD \"a\") (WORD \"b\")) (WORD \"c\"))");
    assert_tree("a OR b c",
                "(OR (WORD \"a\") (DEFAULT (WORD \"b\") (WORD \"c\")))");
    assert_tree("a OR b AND c",
                "(OR (WORD \"a\") (AND (WORD \"b\") (WORD \"c\")))");
}

static void test_lower_case_operators_are_words(void)
{
    assert_tree("and or not near",
                "(DEFAULT (WORD \"and\") (WORD \"or\") (WORD \"not\") "
                "(WORD \"near\"))");
    assert_tree("ANDROID ORCA", "(DEFAULT (WORD \"ANDROID\") (WORD \"ORCA\"))");
    assert_tree("\"AND\"", "(PHRASE \"AND\")");
}

static void test_nested_groups_of_one_kind_are_flattened(void)
{
    assert_tree("(a AND b) AND (c AND d)",
                "(AND (WORD \"a\") (WORD \"b\") (WORD \"c\") (WORD \"d\"))");
    assert_tree("a OR (b OR (c OR d))",
                "(OR (WORD \"a\") (WORD \"b\") (WORD \"c\") (WORD \"d\"))");
    assert_tree("(a b) c", "(DEFAULT (WORD \"a\") (WORD \"b\") (WORD \"c\"))");
    assert_tree("(a OR b) c",
                "(DEFAULT (OR (WORD \"a\") (WORD \"b\")) (WORD \"c\"))");
    assert_tree("((((a))))", "(WORD \"a\")");
    assert_tree("（UHC OR PHC）", "(OR (WORD \"UHC\") (WORD \"PHC\"))");
}

static void test_near_takes_words_and_phrases_within_a_window(void)
{
    assert_tree("a NEAR/5 b", "(NEAR/5 (WORD \"a\") (WORD \"b\"))");
    assert_tree("財政 NEAR \"health coverage\"",
                "(NEAR/10 (WORD \"財政\") (PHRASE \"health coverage\"))");
    assert_tree("a NEAR/3 b NEAR/7 c",
                "(NEAR/7 (WORD \"a\") (WORD \"b\") (WORD \"c\"))");
    assert_tree("x a NEAR/2 b y",
                "(DEFAULT (WORD \"x\") (NEAR/2 (WORD \"a\") (WORD \"b\")) "
                "(WORD \"y\"))");
    assert_tree("-a NEAR b", "(NOT nil (NEAR/10 (WORD \"a\") (WORD \"b\")))");
}

static void test_empty_or_blank_query_gives_no_tree(void)
{
    ghs_qnode *n = (ghs_qnode *)&n;
    ghs_error err;

    memset(&err, 0, sizeof err);
    g_assert_cmpint(ghs_query_parse("", &n, &err), ==, 0);
    g_assert_null(n);
    n = (ghs_qnode *)&n;
    g_assert_cmpint(ghs_query_parse(" \t\u3000\u3000 \n", &n, NULL), ==, 0);
    g_assert_null(n);
    /* --explain of an empty query */
    assert_tree("", "nil");
}

static void test_spans_count_code_points(void)
{
    /* 保健=1-2, space, 「財政」=4-7, space, ＋UHC=9-12, space, lang:ja=14-20 */
    ghs_qnode *n = parse_ok("保健 「財政」 ＋UHC lang:ja");

    g_assert_cmpint(n->kind, ==, GHS_Q_DEFAULT);
    g_assert_cmpuint(n->n_kids, ==, 4);
    g_assert_cmpint(n->start, ==, 1);
    g_assert_cmpint(n->end, ==, 20);
    g_assert_cmpint(n->kids[0]->start, ==, 1);
    g_assert_cmpint(n->kids[0]->end, ==, 2);
    g_assert_cmpint(n->kids[1]->start, ==, 4);
    g_assert_cmpint(n->kids[1]->end, ==, 7);
    g_assert_cmpint(n->kids[2]->start, ==, 9);
    g_assert_cmpint(n->kids[2]->end, ==, 12);
    g_assert_true(n->kids[2]->required);
    g_assert_cmpint(n->kids[3]->start, ==, 14);
    g_assert_cmpint(n->kids[3]->end, ==, 20);
    g_assert_cmpstr(n->kids[3]->field, ==, "lang");
    ghs_qnode_free(n);

    n = parse_ok("(a OR b) 財政");
    g_assert_cmpint(n->kids[0]->start, ==, 1);
    g_assert_cmpint(n->kids[0]->end, ==, 8);
    g_assert_cmpint(n->kids[1]->start, ==, 10);
    ghs_qnode_free(n);
}

static void test_describe_escapes_quotes_and_control_characters(void)
{
    assert_tree("a\\b「x\"y」", "(DEFAULT (WORD \"a\\\\b\") (PHRASE \"x\\\"y\"))");
    assert_tree("a\x01z", "(WORD \"a\\x01z\")");
}

/* ----------------------------------------------------------- errors */

static void test_unclosed_quote_is_reported_at_the_quote(void)
{
    assert_error("保健 \"財政", 4, "unclosed quote");
    assert_error("ユニバーサル “ヘルス", 8, "unclosed quote");
    assert_error("publisher:\"World Health", 11, "unclosed quote");
    /* 」 does not close a " phrase, nor " a 「 phrase */
    assert_error("\"保健」", 1, "unclosed quote");
    /* an unmatched 「 is punctuation, so the " after it is what is unclosed */
    assert_error("「保健\"", 4, "unclosed quote");
}

/* Japanese questions use 「」 loosely: unbalanced or nested corner brackets
 * are read as punctuation and the question is searched, not refused. */
static void test_unbalanced_or_nested_corner_brackets_are_punctuation(void)
{
    assert_tree("「公平なアクセス", "(WORD \"公平なアクセス\")");
    assert_tree("保健 」", "(WORD \"保健\")");
    assert_tree("五月雨」の語", "(DEFAULT (WORD \"五月雨\") (WORD \"の語\"))");
    /* the inner pair quotes; the outer, unmatched, 「 is punctuation */
    assert_tree("「論文「赤旗」で", "(DEFAULT (WORD \"論文\") (PHRASE \"赤旗\") (WORD \"で\"))");
    /* the same for full-width parentheses; ASCII ones stay strict */
    assert_tree("保健 （財政", "(DEFAULT (WORD \"保健\") (WORD \"財政\"))");
    assert_tree("財政）", "(WORD \"財政\")");
    assert_tree("（保健 OR 財政）", "(OR (WORD \"保健\") (WORD \"財政\"))");
    /* a pair typed half in full width, half in ASCII, groups */
    assert_tree("連合（UPADS)と", "(DEFAULT (WORD \"連合\") (WORD \"UPADS\") (WORD \"と\"))");
    assert_tree("事(分留）の", "(DEFAULT (WORD \"事\") (WORD \"分留\") (WORD \"の\"))");
    assert_error("保健 財政)", 6, "unexpected ')'");
    /* 「-」 quotes a sign, not a phrase to search */
    assert_tree("番号を「-」でつなぐ",
                "(DEFAULT (WORD \"番号を\") (WORD \"-\") (WORD \"でつなぐ\"))");
    assert_tree("「○」をつける", "(DEFAULT (WORD \"○\") (WORD \"をつける\"))");
    assert_tree("「①」の項目", "(DEFAULT (PHRASE \"①\") (WORD \"の項目\"))");
}

static void test_empty_phrases_and_stray_closing_bracket_are_errors(void)
{
    assert_error("\"\"", 1, "empty phrase");
    assert_error("財政 「\u3000」", 4, "empty phrase");
}

static void test_binary_operators_need_terms_on_both_sides(void)
{
    assert_error("OR x", 1, "'OR' needs a term on both sides");
    assert_error("x AND", 3, "'AND' needs a term on both sides");
    assert_error("財政 AND OR 保険", 4, "'AND' needs a term on both sides");
    assert_error("(OR 保険)", 2, "'OR' needs a term on both sides");
    assert_error("(保険 OR)", 5, "'OR' needs a term on both sides");
    assert_error("a NOT", 3, "'NOT' needs a term after it");
    assert_error("NOT", 1, "'NOT' needs a term after it");
    assert_error("x NOT NOT", 7, "'NOT' needs a term after it");
}

static void test_near_needs_words_or_phrases(void)
{
    assert_error("NEAR 保健", 1, "'NEAR' needs a word or phrase on both sides");
    assert_error("保健 NEAR/3", 4, "'NEAR/3' needs a word or phrase on both sides");
    assert_error("a NEAR (b)", 3, "'NEAR' needs a word or phrase on both sides");
    assert_error("lang:ja NEAR b", 9, "'NEAR' needs a word or phrase on both sides");
    assert_error("a NEAR -b", 3, "'NEAR' needs a word or phrase on both sides");
    assert_error("(a b) NEAR c", 7, "'NEAR' needs a word or phrase on both sides");
    assert_error("a NEAR/0 b", 3, "NEAR window must be between 1 and 1000");
    assert_error("a NEAR/1001 b", 3, "NEAR window must be between 1 and 1000");
    assert_error("a NEAR/99999999999999999999 b", 3,
                 "NEAR window must be between 1 and 1000");
    assert_error("a NEAR/x b", 3, "NEAR/ needs a number, like NEAR/5");
}

static void test_parentheses_must_balance(void)
{
    assert_error("(保健 財政", 1, "unclosed parenthesis");
    assert_error("((a) b", 1, "unclosed parenthesis");
    assert_error("a)", 2, "unexpected ')'");
    assert_error(")", 1, "unexpected ')'");
    assert_error("a ()", 3, "empty parentheses");
}

static void test_field_values_are_validated(void)
{
    assert_error("lang:", 1, "empty value for field 'lang'");
    assert_error("MCM lang: ja", 5, "empty value for field 'lang'");
    assert_error("title:\"\"", 1, "empty value for field 'title'");
    assert_error("publisher:(WHO)", 1, "empty value for field 'publisher'");
    assert_error("lang:japanese", 6, "lang must be 2 or 3 letters, like lang:ja");
    assert_error("lang:日本", 6, "lang must be 2 or 3 letters, like lang:ja");
    assert_error("lang:j", 6, "lang must be 2 or 3 letters, like lang:ja");
    assert_error("lang:xx", 6, "unknown language 'xx': lang takes an ISO 639 code such as "
                 "ja, en or zh");
    assert_error("lang:QQ", 6, "unknown language 'qq': lang takes an ISO 639 code such as "
                 "ja, en or zh");
    assert_error("type:doc", 6, "type must be pdf, release or record");
    assert_error("type:pdfx", 6, "type must be pdf, release or record");
    assert_error("year:21", 6, "year must be YYYY or YYYY..YYYY");
    assert_error("year:2021-2023", 6, "year must be YYYY or YYYY..YYYY");
    assert_error("year:2021..", 6, "year must be YYYY or YYYY..YYYY");
    assert_error("year:2021〜", 6, "year must be YYYY or YYYY..YYYY");
    assert_error("year：2023〜2021", 6, "year range ends before it starts");
    assert_error("year:令和5", 6, "year must be YYYY or YYYY..YYYY");
    assert_error("財政 year:2023..2021", 9, "year range ends before it starts");
}

static void test_invalid_utf8_is_reported_at_its_code_point(void)
{
    assert_error("\xff", 1, "invalid UTF-8");
    assert_error("保健 \xe8\xb2", 4, "invalid UTF-8");      /* truncated 財 */
    assert_error("ab\xc0\xaf", 3, "invalid UTF-8");         /* overlong '/' */
    assert_error("x\xed\xa0\x80", 2, "invalid UTF-8");      /* surrogate */
    assert_error("x\xf4\x90\x80\x80", 2, "invalid UTF-8");  /* > U+10FFFF */
    assert_error("財政\x80", 3, "invalid UTF-8");
}

static void test_deep_nesting_and_long_queries_are_refused(void)
{
    GString *q = g_string_new(NULL);
    int i;
    ghs_qnode *n;

    for (i = 0; i < 64; i++)
        g_string_append_c(q, '(');
    g_string_append(q, "保健");
    for (i = 0; i < 64; i++)
        g_string_append_c(q, ')');
    n = parse_ok(q->str);
    g_assert_cmpstr(n->text, ==, "保健");
    ghs_qnode_free(n);
    g_string_prepend_c(q, '(');
    g_string_append_c(q, ')');
    assert_error(q->str, 65, "nesting deeper than 64");

    /* a long chain of NOTs is not nesting: they cancel pairwise */
    g_string_truncate(q, 0);
    for (i = 0; i < 1000; i++)
        g_string_append(q, "NOT ");
    g_string_append(q, "x");
    assert_tree(q->str, "(WORD \"x\")");

    /* 4096 bytes pass, 4097 do not, whatever the characters */
    g_string_truncate(q, 0);
    while (q->len < 4095)
        g_string_append(q, "a ");
    g_string_truncate(q, 4096);
    n = parse_ok(q->str);
    g_assert_cmpuint(n->n_kids, ==, 2048);
    ghs_qnode_free(n);
    g_string_append_c(q, 'b');
    assert_error(q->str, 1, "query longer than 4096 bytes");
    g_string_truncate(q, 0);
    for (i = 0; i < 1366; i++)
        g_string_append(q, "財");  /* 4098 bytes, 1366 characters */
    assert_error(q->str, 1, "query longer than 4096 bytes");
    g_string_free(q, TRUE);
}

static void test_null_arguments_are_rejected(void)
{
    ghs_qnode *n = NULL;
    ghs_error err;

    memset(&err, 0, sizeof err);
    g_assert_cmpint(ghs_query_parse(NULL, &n, &err), ==, GHS_EINVAL);
    g_assert_cmpint(err.code, ==, GHS_EINVAL);
    g_assert_cmpint(ghs_query_parse("x", NULL, NULL), ==, GHS_EINVAL);
    g_assert_cmpint(ghs_query_parse("x AND", &n, NULL), ==, GHS_EQUERY);
    g_assert_null(n);
}

/* ------------------------------------------------------- robustness */

static uint64_t rng_state;

static uint32_t rnd(uint32_t bound)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % bound);
}

/* Check the shape contract of every node; returns the node count. */
static size_t check_tree(const ghs_qnode *n, int n_chars)
{
    size_t i, count = 1;

    g_assert_nonnull(n);
    g_assert_cmpint(n->start, >=, 1);
    g_assert_cmpint(n->start, <=, n->end);
    g_assert_cmpint(n->end, <=, n_chars);
    switch (n->kind) {
    case GHS_Q_WORD:
    case GHS_Q_PHRASE:
        g_assert_nonnull(n->text);
        g_assert_cmpuint(strlen(n->text), >, 0);
        g_assert_null(n->field);
        g_assert_cmpuint(n->n_kids, ==, 0);
        return 1;
    case GHS_Q_FILTER:
        g_assert_nonnull(n->text);
        g_assert_nonnull(n->field);
        g_assert_cmpuint(n->n_kids, ==, 0);
        return 1;
    case GHS_Q_NOT:
        g_assert_cmpuint(n->n_kids, ==, 2);
        g_assert_nonnull(n->kids[1]);
        if (n->kids[0])
            count += check_tree(n->kids[0], n_chars);
        return count + check_tree(n->kids[1], n_chars);
    case GHS_Q_NEAR:
        g_assert_cmpuint(n->n_kids, >=, 2);
        g_assert_cmpuint(n->window, >=, 1);
        g_assert_cmpuint(n->window, <=, 1000);
        for (i = 0; i < n->n_kids; i++)
            g_assert_true(n->kids[i]->kind == GHS_Q_WORD ||
                          n->kids[i]->kind == GHS_Q_PHRASE);
        break;
    case GHS_Q_AND:
    case GHS_Q_OR:
    case GHS_Q_DEFAULT:
        g_assert_cmpuint(n->n_kids, >=, 2);
        for (i = 0; i < n->n_kids; i++)  /* flattened */
            g_assert_true(n->kids[i]->kind != n->kind ||
                          n->kids[i]->required);
        break;
    default:
        g_assert_not_reached();
    }
    for (i = 0; i < n->n_kids; i++)
        count += check_tree(n->kids[i], n_chars);
    return count;
}

static void check_any(const char *q, size_t *ok, size_t *bad)
{
    ghs_qnode *n = NULL;
    ghs_error err;
    int rc, n_chars;
    char prefix[40];

    memset(&err, 0, sizeof err);
    rc = ghs_query_parse(q, &n, &err);
    n_chars = g_utf8_validate(q, -1, NULL) ? (int)g_utf8_strlen(q, -1)
                                           : (int)strlen(q);
    if (rc == 0) {
        char *d = ghs_qnode_describe(n);
        g_assert_nonnull(d);
        if (n)
            check_tree(n, n_chars);
        free(d);
        ghs_qnode_free(n);
        (*ok)++;
        return;
    }
    if (rc != GHS_EQUERY)
        g_error("query «%s»: rc %d", q, rc);
    g_assert_null(n);
    g_assert_cmpint(err.code, ==, GHS_EQUERY);
    g_assert_cmpint(err.position, >=, 1);
    g_assert_cmpint(err.position, <=, n_chars + 1);
    g_snprintf(prefix, sizeof prefix, "query error at %d: ", err.position);
    g_assert_true(g_str_has_prefix(err.message, prefix));
    (*bad)++;
}

static void test_random_input_never_crashes(void)
{
    static const char *const soup[] = {
        "AND", "OR", "NOT", "NEAR", "NEAR/3", "NEAR/0", "NEAR/", "(", ")",
        "\"", "「", "」", "“", "”", "＂", "（", "）", "-", "+", "－", "＋",
        ":", "lang:", "lang:ja", "lang:x", "type:pdf", "type:", "year:2021",
        "year:2021..2023", "year:3000..2000", "publisher:", "title:\"",
        "doc:a", "http://x.org/a:b", "COVID-19", "財政", "ユニバーサル",
        "保健", "a", "b", " ", "\u3000", "\t", "\xff", "\xe3\x81", "\\",
        "and", "--", "\"a b\"", "「公平」",
    };
    char buf[600];
    size_t ok = 0, bad = 0, i, k, len;

    rng_state = 0x9E3779B97F4A7C15ull;
    for (i = 0; i < 50000; i++) {
        len = rnd(i % 100 == 0 ? (uint32_t)sizeof buf : 40);
        for (k = 0; k < len; k++) {
            /* mostly ASCII and UTF-8 lead/continuation bytes */
            uint32_t r = rnd(4);
            buf[k] = (char)(r == 0 ? 1 + rnd(255)
                          : r == 1 ? (uint32_t)(unsigned char)"()\"-+ :ANDORT"[rnd(13)]
                          : r == 2 ? 0x80 + rnd(0x40)
                                   : 0xE0 + rnd(0x10));
        }
        buf[len] = '\0';
        check_any(buf, &ok, &bad);
    }
    for (i = 0; i < 50000; i++) {
        GString *q = g_string_new(NULL);
        size_t n_tokens = rnd(i % 100 == 0 ? 1500 : 16);
        for (k = 0; k < n_tokens; k++) {
            g_string_append(q, soup[rnd(G_N_ELEMENTS(soup))]);
            if (rnd(3))
                g_string_append_c(q, ' ');
        }
        check_any(q->str, &ok, &bad);
        g_string_free(q, TRUE);
    }
    g_test_message("%zu queries parsed, %zu refused", ok, bad);
    /* the soups must exercise both outcomes, not only errors */
    g_assert_cmpuint(ok, >, 5000);
    g_assert_cmpuint(bad, >, 5000);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define T(name) g_test_add_func("/query_parse/" #name, test_##name)
    T(japanese_words_side_by_side_form_a_default_group);
    T(quoted_phrase_and_word_form_a_default_group);
    T(japanese_quotes_make_phrases);
    T(filters_join_the_default_group);
    T(filter_values_are_checked_and_normalized);
    T(quoted_filter_value_keeps_its_spaces);
    T(urls_times_and_capitals_with_a_colon_stay_plain_words);
    T(unknown_fields_are_errors_listing_the_fields);
    T(hyphens_inside_or_alone_are_part_of_words);
    T(minus_excludes_from_the_whole_group);
    T(only_negative_query_has_no_positive_side);
    T(plus_marks_the_term_required);
    T(boolean_operators_group_and_exclude);
    T(juxtaposition_binds_tighter_than_and_and_or);
    T(lower_case_operators_are_words);
    T(nested_groups_of_one_kind_are_flattened);
    T(near_takes_words_and_phrases_within_a_window);
    T(empty_or_blank_query_gives_no_tree);
    T(spans_count_code_points);
    T(describe_escapes_quotes_and_control_characters);
    T(unclosed_quote_is_reported_at_the_quote);
    T(unbalanced_or_nested_corner_brackets_are_punctuation);
    T(empty_phrases_and_stray_closing_bracket_are_errors);
    T(binary_operators_need_terms_on_both_sides);
    T(near_needs_words_or_phrases);
    T(parentheses_must_balance);
    T(field_values_are_validated);
    T(invalid_utf8_is_reported_at_its_code_point);
    T(deep_nesting_and_long_queries_are_refused);
    T(null_arguments_are_rejected);
    T(random_input_never_crashes);
#undef T
    return g_test_run();
}
