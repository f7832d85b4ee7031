/*
 * test_glossary_user.c: the user's glossary file (searcher/glossary_user.c;
 * format in ghsearch.h, ghs_glossary_get): one rule a line, '#' starting a
 * comment, "TERM = EQUIVALENT" adding a pair or choosing a meaning,
 * "!TERM = EQUIVALENT" vetoing a pair, "!TERM" vetoing every pair of a
 * term; a line that is no rule is an error naming the file and line. Read
 * directly (ghs_gloss_rules_load) and through ghs_glossary_get and
 * ghs_search on a small index of Japanese and English texts.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ghsearch.h"
#include "glossary.h"
#include "test_util.h"

static ghs_analyzer *an;

static char *tmp_dir(void)
{
    char *d = ghs_test_tmp_dir("ghs-gloss-user-XXXXXX");
    ghs_test_note_for_removal(d);
    return d;
}

static char *write_file(const char *dir, const char *name, const char *text, gssize len)
{
    char *p = g_build_filename(dir, name, NULL);
    GError *gerr = NULL;
    g_file_set_contents(p, text, len, &gerr);
    g_assert_no_error(gerr);
    return p;
}

static ghs_gloss_rules *load(const char *path)
{
    ghs_gloss_rules *r = NULL;
    ghs_error err = {0};
    if (ghs_gloss_rules_load(an, path, &r, &err) != 0)
        g_error("load %s: %s", path, err.message);
    return r;
}

static const ghs_gloss_rule *rule(const ghs_gloss_rules *r, guint i)
{
    g_assert_cmpuint(i, <, r->v->len);
    return g_ptr_array_index(r->v, i);
}

/* ------------------------------------------------------------ reading the file */

static void test_file_rules_add_veto_a_pair_and_veto_a_term(void)
{
    char *dir = tmp_dir();
    char *path = write_file(dir, "glossary.txt",
        "\xEF\xBB\xBF# 利用者の用語集 (a byte order mark, then a comment)\n"
        "\n"
        "UHC = Universal Health Coverage     # choose this meaning\r\n"
        "  ワクチン =\tvaccines  \n"
        "!PPR = peste des petits ruminants\n"
        "!ACT\n"
        "C# = シーシャープ\n"
        "WHO = 世界保健機関 = WHO\n"
        "治療薬　=　therapeutics\n", -1);
    ghs_gloss_rules *r = load(path);
    g_assert_cmpstr(r->path, ==, path);
    g_assert_cmpuint(r->v->len, ==, 7);

    const ghs_gloss_rule *uhc = rule(r, 0);
    g_assert_false(uhc->veto);
    g_assert_cmpstr(uhc->term, ==, "UHC");
    g_assert_cmpstr(uhc->equiv, ==, "Universal Health Coverage");
    g_assert_cmpstr(uhc->term_key, ==, "uhc");
    g_assert_cmpstr(uhc->equiv_key, ==, "univers health coverag");
    g_assert_cmpstr(uhc->lang, ==, "en");
    g_assert_cmpint(uhc->line, ==, 3);   /* lines count from the first, comments too */

    const ghs_gloss_rule *vac = rule(r, 1);   /* spaces and tabs around trimmed */
    g_assert_cmpstr(vac->term, ==, "ワクチン");
    g_assert_cmpstr(vac->equiv, ==, "vaccines");
    g_assert_cmpint(vac->line, ==, 4);

    const ghs_gloss_rule *ppr = rule(r, 2);
    g_assert_true(ppr->veto);
    g_assert_cmpstr(ppr->term, ==, "PPR");
    g_assert_cmpstr(ppr->equiv, ==, "peste des petits ruminants");

    const ghs_gloss_rule *act = rule(r, 3);
    g_assert_true(act->veto);
    g_assert_cmpstr(act->term, ==, "ACT");
    g_assert_null(act->equiv);
    g_assert_null(act->equiv_key);

    /* '#' starts a comment only at a line's start or after white space */
    const ghs_gloss_rule *cs = rule(r, 4);
    g_assert_cmpstr(cs->term, ==, "C#");
    g_assert_cmpstr(cs->equiv, ==, "シーシャープ");
    g_assert_cmpstr(cs->lang, ==, "ja");

    /* the first '=' splits: the rest is the equivalent */
    g_assert_cmpstr(rule(r, 5)->equiv, ==, "世界保健機関 = WHO");

    /* ideographic spaces around '=' do not change what the rule matches */
    g_assert_cmpstr(rule(r, 6)->term_key, ==, "治療薬");
    g_assert_cmpstr(rule(r, 6)->equiv_key, ==, "therapeut");
    ghs_gloss_rules_free(r);
    g_free(path);
    g_free(dir);
}

/* As a Japanese input method types them unless switched to half-width:
 * '＝', '！' and '＃' (and ideographic spaces) mean '=', '!' and '#'. */
static void test_full_width_signs_mean_what_the_ascii_ones_do(void)
{
    char *dir = tmp_dir();
    char *path = write_file(dir, "glossary.txt",
        "＃ 全角で書いた用語集\n"
        "感染症＝infectious disease\n"
        "ワクチン　＝　vaccines　＃ 全角の注釈\n"
        "！PPR＝peste des petits ruminants\n"
        "！ACT\n"
        "UHC = ユニバーサル・ヘルス・カバレッジ＝UHC\n", -1);
    ghs_gloss_rules *r = load(path);
    g_assert_cmpuint(r->v->len, ==, 5);
    g_assert_cmpstr(rule(r, 0)->term, ==, "感染症");
    g_assert_cmpstr(rule(r, 0)->equiv, ==, "infectious disease");
    g_assert_cmpint(rule(r, 0)->line, ==, 2);
    g_assert_cmpstr(rule(r, 1)->term_key, ==, "ワクチン");
    g_assert_cmpstr(rule(r, 1)->equiv_key, ==, "vaccin");   /* the comment is gone */
    g_assert_true(rule(r, 2)->veto);
    g_assert_cmpstr(rule(r, 2)->term, ==, "PPR");
    g_assert_cmpstr(rule(r, 2)->equiv, ==, "peste des petits ruminants");
    g_assert_true(rule(r, 3)->veto);
    g_assert_cmpstr(rule(r, 3)->term, ==, "ACT");
    g_assert_null(rule(r, 3)->equiv);
    /* the first sign of either width splits */
    g_assert_cmpstr(rule(r, 4)->equiv, ==, "ユニバーサル・ヘルス・カバレッジ＝UHC");
    ghs_gloss_rules_free(r);
    g_free(path);
    g_free(dir);
}

static void test_empty_or_comment_only_file_has_no_rules(void)
{
    char *dir = tmp_dir();
    char *empty = write_file(dir, "empty.txt", "", 0);
    char *comments = write_file(dir, "comments.txt", "# 何もない\n   # まだない\n\n\t\n", -1);
    ghs_gloss_rules *r = load(empty);
    g_assert_cmpuint(r->v->len, ==, 0);
    ghs_gloss_rules_free(r);
    r = load(comments);
    g_assert_cmpuint(r->v->len, ==, 0);
    ghs_gloss_rules_free(r);
    g_free(comments);
    g_free(empty);
    g_free(dir);
}

/* A line that is no rule: GHS_EINVAL naming "[glossary][FILE:LINE]" and
 * what is wrong, and no rules at all. */
static void assert_bad_line(const char *dir, const char *text, int line, const char *what)
{
    char *path = write_file(dir, "bad.txt", text, -1);
    ghs_gloss_rules *r = (ghs_gloss_rules *)0x1;
    ghs_error err = {0};
    g_assert_cmpint(ghs_gloss_rules_load(an, path, &r, &err), ==, GHS_EINVAL);
    g_assert_null(r);
    g_assert_cmpint(err.code, ==, GHS_EINVAL);
    char *want = g_strdup_printf("[glossary][%s:%d] %s (expected 'TERM = EQUIVALENT', "
                                 "'!TERM = EQUIVALENT' or '!TERM')", path, line, what);
    g_assert_cmpstr(err.message, ==, want);
    g_free(want);
    g_free(path);
}

static void test_bad_lines_are_reported_with_their_line_numbers(void)
{
    char *dir = tmp_dir();
    const char *good = "# 用語集\nUHC = Universal Health Coverage\n\n";
    char *t;
#define BAD(line_text, line, what) \
    t = g_strconcat(good, line_text, "\nPHC = primary health care\n", NULL); \
    assert_bad_line(dir, t, line, what); \
    g_free(t)
    BAD("PHC primary health care", 4, "no '='");
    BAD(" = ユニバーサル・ヘルス・カバレッジ", 4, "no term");
    BAD("!", 4, "no term");
    BAD("UHC =   # nothing after", 4, "no equivalent");
    BAD("・ = 点", 4, "the term has no word");
    BAD("UHC = ・・・", 4, "the equivalent has no word");
    BAD("UHC = uhc", 4, "term and equivalent are the same word");
    BAD("ＵＨＣ = UHC", 4, "term and equivalent are the same word");
    BAD("!MCM = mcm", 4, "term and equivalent are the same word");
#undef BAD
    /* Windows line ends count lines the same; the first bad line is named */
    assert_bad_line(dir, "UHC = Universal Health Coverage\r\n\r\nPHC\r\nAMR\r\n", 3, "no '='");
    g_free(dir);
}

static void test_unreadable_or_binary_file_is_an_error_naming_it(void)
{
    char *dir = tmp_dir();
    ghs_gloss_rules *r = NULL;
    ghs_error err = {0};
    char *missing = g_build_filename(dir, "用語集なし.txt", NULL);
    g_assert_cmpint(ghs_gloss_rules_load(an, missing, &r, &err), ==, GHS_EIO);
    g_assert_null(r);
    char *place = g_strdup_printf("[glossary][%s] cannot read: ", missing);
    g_assert_true(g_str_has_prefix(err.message, place));
    g_free(place);

    char *latin1 = write_file(dir, "latin1.txt", "caf\xe9 = coffee\n", -1);
    g_assert_cmpint(ghs_gloss_rules_load(an, latin1, &r, &err), ==, GHS_EINVAL);
    place = g_strdup_printf("[glossary][%s] not a UTF-8 text file", latin1);
    g_assert_cmpstr(err.message, ==, place);
    g_free(place);

    char *nul = write_file(dir, "nul.txt", "UHC = Universal\0Health Coverage\n", 32);
    g_assert_cmpint(ghs_gloss_rules_load(an, nul, &r, &err), ==, GHS_EINVAL);
    g_assert_nonnull(strstr(err.message, "not a UTF-8 text file"));

    GString *big = g_string_new(NULL);
    while (big->len <= 4 * 1024 * 1024)
        g_string_append(big, "# 長い用語集の注釈行です。ユニバーサル・ヘルス・カバレッジ\n");
    char *huge = write_file(dir, "huge.txt", big->str, (gssize)big->len);
    g_assert_cmpint(ghs_gloss_rules_load(an, huge, &r, &err), ==, GHS_EINVAL);
    g_assert_nonnull(strstr(err.message, "(over 4 MiB)"));
    g_assert_null(r);
    g_string_free(big, TRUE);
    g_free(huge);
    g_free(nul);
    g_free(latin1);
    g_free(missing);
    g_free(dir);
}

/* ------------------------------------------------------------ what the rules do */

static char *db_dir;

/* Texts defining UHC in English and Japanese, PPR with two meanings, and
 * one using ワクチン that defines nothing. */
static void build_index(void)
{
    ghs_index *ix = ghs_test_index_new("ghs-gloss-user-db-XXXXXX", &db_dir);
    static const struct { const char *id, *lang, *text; } docs[] = {
        { "uhc-en", "en", "Universal Health Coverage (UHC) means that all people can use "
                          "the health services they need without financial hardship." },
        { "uhc-ja", "ja", "ユニバーサル・ヘルス・カバレッジ（UHC）とは、すべての人が適切な保健"
                          "医療サービスを支払い可能な費用で受けられる状態をいう。" },
        { "procurement", "en", "Public procurement rules (PPR) slow down vaccine purchases." },
        { "health", "en", "Pandemic preparedness and response (PPR) needs sustained "
                          "financing." },
        { "vaccine-ja", "ja", "途上国へのワクチンの公平な分配が課題である。" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(docs); i++) {
        /* titles that say nothing: the texts alone define and match */
        char *title = g_strdup_printf("資料%zu", i + 1);
        ghs_meta m = { .id = docs[i].id, .title = title, .lang = docs[i].lang };
        ghs_error err = {0};
        if (ghs_index_add_text(ix, &m, docs[i].text, strlen(docs[i].text), NULL, &err))
            g_error("add %s: %s", docs[i].id, err.message);
        g_free(title);
    }
    ghs_test_index_finish(ix);
}

static ghs_glossary *glossary(const char *term, const char *file)
{
    ghs_index *ix = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_open(&ix, db_dir, GHS_OPEN_READ, &err), ==, 0);
    ghs_glossary *g = NULL;
    if (ghs_glossary_get(ix, term, file, &g, &err) != 0)
        g_error("glossary %s: %s", term ? term : "(all)", err.message);
    ghs_index_close(ix);
    return g;
}

static const ghs_gloss_pair *pair(const ghs_glossary *g, const char *term, const char *equiv)
{
    for (size_t i = 0; i < ghs_glossary_count(g); i++) {
        const ghs_gloss_pair *p = ghs_glossary_pair(g, i);
        if (!g_ascii_strcasecmp(p->term, term) && !g_ascii_strcasecmp(p->equivalent, equiv))
            return p;
    }
    g_error("no pair %s = %s among %zu", term, equiv, ghs_glossary_count(g));
    return NULL;
}

static void test_without_a_file_the_mined_pairs_stand(void)
{
    ghs_glossary *g = glossary("UHC", NULL);
    g_assert_cmpint(pair(g, "UHC", "Universal Health Coverage")->status, ==, GHS_GLOSS_ACTIVE);
    g_assert_cmpint(pair(g, "UHC", "ユニバーサル・ヘルス・カバレッジ")->status, ==,
                    GHS_GLOSS_ACTIVE);
    ghs_glossary_free(g);
    g = glossary("PPR", NULL);
    g_assert_cmpuint(ghs_glossary_count(g), ==, 2);
    for (size_t i = 0; i < 2; i++)
        g_assert_cmpint(ghs_glossary_pair(g, i)->status, ==, GHS_GLOSS_CONFLICT);
    ghs_glossary_free(g);
}

static void test_rule_adds_a_pair_the_corpus_does_not_define(void)
{
    char *dir = tmp_dir();
    char *file = write_file(dir, "add.txt", "ワクチン = vaccines\n", -1);
    ghs_glossary *g = glossary("vaccines", file);
    g_assert_cmpuint(ghs_glossary_count(g), ==, 1);
    const ghs_gloss_pair *p = ghs_glossary_pair(g, 0);
    g_assert_cmpstr(p->term, ==, "ワクチン");
    g_assert_cmpstr(p->equivalent, ==, "vaccines");
    g_assert_cmpstr(p->lang, ==, "en");
    g_assert_true(p->user);
    g_assert_cmpint(p->status, ==, GHS_GLOSS_ACTIVE);
    g_assert_cmpfloat(p->weight, ==, 0.5);
    g_assert_cmpuint(p->n_sources, ==, 0);
    ghs_glossary_free(g);
    /* and searching for the English word finds the Japanese text */
    ghs_search_opts o = { GHS_SEARCH_OPTS_INIT, .glossary = file };
    ghs_results *r = ghs_test_search(db_dir, "vaccines", &o);
    g_assert_nonnull(ghs_test_hit_of(r, "vaccine-ja"));
    ghs_results_free(r);
    o.glossary = NULL;
    r = ghs_test_search(db_dir, "vaccines", &o);
    g_assert_null(ghs_test_hit_of(r, "vaccine-ja"));
    ghs_results_free(r);
    g_free(file);
    g_free(dir);
}

static void test_rule_chooses_one_of_conflicting_meanings(void)
{
    char *dir = tmp_dir();
    char *file = write_file(dir, "choose.txt",
                            "# the health meaning\n"
                            "PPR = pandemic preparedness and response\n", -1);
    ghs_glossary *g = glossary("PPR", file);
    const ghs_gloss_pair *health = pair(g, "PPR", "pandemic preparedness and response");
    const ghs_gloss_pair *other = pair(g, "PPR", "public procurement rules");
    g_assert_cmpint(health->status, ==, GHS_GLOSS_ACTIVE);
    g_assert_true(health->user);
    g_assert_cmpuint(health->n_sources, ==, 1);   /* still cites where it is defined */
    g_assert_cmpint(other->status, ==, GHS_GLOSS_OUTWEIGHED);
    g_assert_false(other->user);
    g_assert_cmpfloat(other->weight, ==, 0.0);
    ghs_glossary_free(g);
    g_free(file);
    g_free(dir);
}

static void test_veto_sets_aside_one_pair_or_every_pair_of_a_term(void)
{
    char *dir = tmp_dir();
    char *one = write_file(dir, "one.txt", "!UHC = ユニバーサル・ヘルス・カバレッジ\n", -1);
    ghs_glossary *g = glossary("UHC", one);
    g_assert_cmpint(pair(g, "UHC", "ユニバーサル・ヘルス・カバレッジ")->status, ==,
                    GHS_GLOSS_VETOED);
    g_assert_cmpint(pair(g, "UHC", "Universal Health Coverage")->status, ==, GHS_GLOSS_ACTIVE);
    ghs_glossary_free(g);

    char *all = write_file(dir, "all.txt", "!UHC\n", -1);
    g = glossary("UHC", all);
    g_assert_cmpuint(ghs_glossary_count(g), ==, 2);
    for (size_t i = 0; i < ghs_glossary_count(g); i++) {
        g_assert_cmpint(ghs_glossary_pair(g, i)->status, ==, GHS_GLOSS_VETOED);
        g_assert_cmpfloat(ghs_glossary_pair(g, i)->weight, ==, 0.0);
    }
    ghs_glossary_free(g);
    /* the long form asked about gives the same pairs, vetoed too */
    g = glossary("ユニバーサル・ヘルス・カバレッジ", all);
    g_assert_cmpint(pair(g, "UHC", "ユニバーサル・ヘルス・カバレッジ")->status, ==,
                    GHS_GLOSS_VETOED);
    ghs_glossary_free(g);

    /* a search with the file expands UHC to nothing, and says why */
    ghs_search_opts o = { GHS_SEARCH_OPTS_INIT, .glossary = all };
    ghs_results *r = ghs_test_search(db_dir, "UHC", &o);
    g_assert_nonnull(strstr(ghs_results_explain(r), "UHC: not expanded: vetoed"));
    ghs_results_free(r);
    g_free(all);
    g_free(one);
    g_free(dir);
}

/* A veto wins over an addition or a choice, wherever it stands. */
static void test_veto_wins_over_an_addition_in_any_order(void)
{
    char *dir = tmp_dir();
    const char *orders[] = {
        "UHC = Universal Health Coverage\n!UHC = Universal Health Coverage\n",
        "!UHC = Universal Health Coverage\nUHC = Universal Health Coverage\n",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(orders); i++) {
        char *file = write_file(dir, "both.txt", orders[i], -1);
        ghs_glossary *g = glossary("UHC", file);
        g_assert_cmpint(pair(g, "UHC", "Universal Health Coverage")->status, ==,
                        GHS_GLOSS_VETOED);
        ghs_glossary_free(g);
        g_free(file);
    }
    g_free(dir);
}

/* The bad file is an error of the call that reads it, naming its line. */
static void test_bad_file_fails_the_glossary_and_the_search(void)
{
    char *dir = tmp_dir();
    char *file = write_file(dir, "bad.txt", "UHC = Universal Health Coverage\nPHC\n", -1);
    ghs_index *ix = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_open(&ix, db_dir, GHS_OPEN_READ, &err), ==, 0);
    ghs_glossary *g = NULL;
    g_assert_cmpint(ghs_glossary_get(ix, "UHC", file, &g, &err), ==, GHS_EINVAL);
    g_assert_null(g);
    char *place = g_strdup_printf("[glossary][%s:2] no '='", file);
    g_assert_true(g_str_has_prefix(err.message, place));
    ghs_results *r = NULL;
    ghs_search_opts o = { GHS_SEARCH_OPTS_INIT, .glossary = file };
    memset(&err, 0, sizeof err);
    g_assert_cmpint(ghs_search(ix, "UHC", &o, &r, &err), ==, GHS_EINVAL);
    g_assert_null(r);
    g_assert_true(g_str_has_prefix(err.message, place));
    /* a literal search reads no glossary file */
    o.literal = 1;
    g_assert_cmpint(ghs_search(ix, "UHC", &o, &r, &err), ==, 0);
    ghs_results_free(r);
    ghs_index_close(ix);
    g_free(place);
    g_free(file);
    g_free(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ghs_error err = {0};
    an = ghs_analyzer_new(&err);
    if (!an)
        g_error("analyzer: %s", err.message);
    build_index();
    g_test_add_func("/glossary_user/file/rules_add_veto_a_pair_and_veto_a_term",
                    test_file_rules_add_veto_a_pair_and_veto_a_term);
    g_test_add_func("/glossary_user/file/full_width_signs_mean_what_the_ascii_ones_do",
                    test_full_width_signs_mean_what_the_ascii_ones_do);
    g_test_add_func("/glossary_user/file/empty_or_comment_only_file_has_no_rules",
                    test_empty_or_comment_only_file_has_no_rules);
    g_test_add_func("/glossary_user/file/bad_lines_are_reported_with_their_line_numbers",
                    test_bad_lines_are_reported_with_their_line_numbers);
    g_test_add_func("/glossary_user/file/unreadable_or_binary_file_is_an_error_naming_it",
                    test_unreadable_or_binary_file_is_an_error_naming_it);
    g_test_add_func("/glossary_user/rules/without_a_file_the_mined_pairs_stand",
                    test_without_a_file_the_mined_pairs_stand);
    g_test_add_func("/glossary_user/rules/rule_adds_a_pair_the_corpus_does_not_define",
                    test_rule_adds_a_pair_the_corpus_does_not_define);
    g_test_add_func("/glossary_user/rules/rule_chooses_one_of_conflicting_meanings",
                    test_rule_chooses_one_of_conflicting_meanings);
    g_test_add_func("/glossary_user/rules/veto_sets_aside_one_pair_or_every_pair_of_a_term",
                    test_veto_sets_aside_one_pair_or_every_pair_of_a_term);
    g_test_add_func("/glossary_user/rules/veto_wins_over_an_addition_in_any_order",
                    test_veto_wins_over_an_addition_in_any_order);
    g_test_add_func("/glossary_user/rules/bad_file_fails_the_glossary_and_the_search",
                    test_bad_file_fails_the_glossary_and_the_search);
    int rc = g_test_run();
    ghs_test_rm_db(db_dir);
    g_free(db_dir);
    ghs_analyzer_free(an);
    ghs_test_rm_noted();
    return rc;
}
