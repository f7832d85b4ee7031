/*
 * test_glossary.c: the glossary mined from the corpus and the
 * cross-language search it gives: mining definitions in English and
 * Japanese (glossary_mine.c), storing them with their place of definition
 * (glossary_store.c), listing them (ghs_glossary_get), guarding against
 * noise (conflicting meanings, footnotes, the user's glossary file) and
 * expanding queries (expand.c): on generated texts, on the bundled sample
 * corpus (GHS_BUILD_ROOT/corpus) and on the real press release
 * (GHS_SHARED_DATA/releases).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "ghsearch.h"
#include "glossary_mine.h"
#include "test_util.h"

#define RELEASE "g7-global-health-taskforce-2023-04-28.txt"

/* ------------------------------------------------------------ helpers */

/* Lower-case NFKC with line breaks and runs of spaces as one space, so a
 * passage wrapped by the PDF still contains "universal health coverage". */
static char *norm(const char *s)
{
    char *n = g_utf8_normalize(s, -1, G_NORMALIZE_NFKC);
    char *f = g_utf8_casefold(n, -1);
    g_free(n);
    GString *g = g_string_new(NULL);
    for (const char *p = f; *p; p++) {
        char c = (*p == '\n' || *p == '\t') ? ' ' : *p;
        if (c == ' ' && g->len && g->str[g->len - 1] == ' ')
            continue;
        g_string_append_c(g, c);
    }
    g_free(f);
    return g_string_free(g, FALSE);
}

static int contains(const char *hay, const char *needle)
{
    char *h = norm(hay), *n = norm(needle);
    int r = strstr(h, n) != NULL;
    g_free(h);
    g_free(n);
    return r;
}

static ghs_gloss_found_list mine(const char *text, unsigned flags)
{
    ghs_gloss_found_list l;
    ghs_gloss_found_list_init(&l);
    ghs_gloss_mine(text, strlen(text), flags, &l);
    return l;
}

/* The pair term = equiv among l, or NULL. */
static const ghs_gloss_found *found(const ghs_gloss_found_list *l, const char *term,
                                    const char *equiv)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].term, term) && !strcmp(l->v[i].equivalent, equiv))
            return &l->v[i];
    return NULL;
}

static void assert_only_pair(const char *text, const char *term, const char *equiv,
                             const char *lang)
{
    ghs_gloss_found_list l = mine(text, 0);
    if (l.n != 1 || !found(&l, term, equiv))
        g_error("in «%s» expected only %s = %s, mined %zu pair(s), first %s = %s", text,
                term, equiv, l.n, l.n ? l.v[0].term : "-", l.n ? l.v[0].equivalent : "-");
    g_assert_cmpstr(l.v[0].lang, ==, lang);
    g_assert_cmpint(l.v[0].footnote, ==, 0);
    ghs_gloss_found_list_free(&l);
}

static void assert_nothing(const char *text)
{
    ghs_gloss_found_list l = mine(text, 0);
    if (l.n)
        g_error("in «%s» mined %s = %s, a pair that is no definition", text, l.v[0].term,
                l.v[0].equivalent);
    ghs_gloss_found_list_free(&l);
}

static void write_file(const char *path, const char *text)
{
    GError *ge = NULL;
    g_file_set_contents(path, text, -1, &ge);
    g_assert_no_error(ge);
}

/* A writable index in dir/db holding paths (NULL-terminated). */
static ghs_index *index_paths(const char *dir, const char *const *paths)
{
    char *db = g_build_filename(dir, "db", NULL);
    ghs_index *ix = NULL;
    ghs_error err = {0};
    if (ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err))
        g_error("open %s: %s", db, err.message);
    g_free(db);
    size_t n = 0;
    while (paths[n])
        n++;
    ghs_index_totals tot;
    if (ghs_index_add_paths(ix, paths, n, NULL, NULL, &tot, &err))
        g_error("index: %s", err.message);
    g_assert_cmpuint(tot.files_failed, ==, 0);
    return ix;
}

static void add_text(ghs_index *ix, const char *id, const char *lang, const char *text)
{
    ghs_meta m = { .id = id, .title = id, .lang = lang };
    ghs_error err = {0};
    if (ghs_index_add_text(ix, &m, text, strlen(text), NULL, &err))
        g_error("add %s: %s", id, err.message);
}

static void commit(ghs_index *ix)
{
    ghs_error err = {0};
    if (ghs_index_commit(ix, &err))
        g_error("commit: %s", err.message);
}

static ghs_results *search(ghs_index *ix, const char *q, int expand, const char *gfile)
{
    ghs_search_opts o = { .limit = 100, .per_doc = 100, .literal = !expand, .glossary = gfile };
    ghs_results *r = NULL;
    ghs_error err = {0};
    if (ghs_search(ix, q, &o, &r, &err))
        g_error("search %s: %s", q, err.message);
    return r;
}

/* Index of the first hit whose passage contains `with` but not `without`
 * (NULL: anything), in document doc (NULL: any); -1 when none. */
static long hit_with(const ghs_results *r, const char *doc, const char *with,
                     const char *without)
{
    for (size_t i = 0; i < ghs_results_count(r); i++) {
        const ghs_hit *h = ghs_results_hit(r, i);
        if ((!doc || !strcmp(h->doc, doc)) && contains(h->passage, with) &&
            !(without && contains(h->passage, without)))
            return (long)i;
    }
    return -1;
}

/* Is the text of some highlight of hit h equal to word (normalized)? */
static int highlighted(const ghs_hit *h, const char *word)
{
    for (size_t i = 0; i < h->n_highlights; i++) {
        const char *a = g_utf8_offset_to_pointer(h->passage, h->highlights[i].start);
        const char *b = g_utf8_offset_to_pointer(h->passage, h->highlights[i].end);
        char *span = g_strndup(a, (gsize)(b - a));
        int yes = contains(span, word);
        g_free(span);
        if (yes)
            return 1;
    }
    return 0;
}

static const ghs_gloss_pair *pair_of(const ghs_glossary *g, const char *term,
                                     const char *equiv)
{
    for (size_t i = 0; i < ghs_glossary_count(g); i++) {
        const ghs_gloss_pair *p = ghs_glossary_pair(g, i);
        char *a = norm(p->term), *b = norm(term), *c = norm(p->equivalent), *d = norm(equiv);
        int yes = !strcmp(a, b) && !strcmp(c, d);
        g_free(a);
        g_free(b);
        g_free(c);
        g_free(d);
        if (yes)
            return p;
    }
    return NULL;
}

static ghs_glossary *glossary(ghs_index *ix, const char *term, const char *gfile)
{
    ghs_glossary *g = NULL;
    ghs_error err = {0};
    if (ghs_glossary_get(ix, term, gfile, &g, &err))
        g_error("glossary %s: %s", term ? term : "(all)", err.message);
    return g;
}

/* GHS_SHARED_DATA/releases/RELEASE, or NULL after skipping (failing in CI). */
static char *release_path(void)
{
    return ghs_test_shared_data("releases", RELEASE, NULL);
}

static char *corpus_dir(void)
{
    const char *b = g_getenv("GHS_BUILD_ROOT");
    char *d = g_build_filename(b ? b : ".", "corpus", NULL);
    char *pdf = g_build_filename(d, "uhc-brief-ja.pdf", NULL);
    if (!g_file_test(pdf, G_FILE_TEST_EXISTS))
        g_error("sample corpus not built: %s (ninja -C BUILD corpus)", pdf);
    g_free(pdf);
    return d;
}

/* ------------------------------------------------------------ mining */

static void test_mine_english_long_form_spelled_by_the_acronym(void)
{
    assert_only_pair("Universal Health Coverage (UHC) means that all people obtain care.",
                     "UHC", "Universal Health Coverage", "en");
    assert_only_pair("The Japan Center for International Exchange (JCIE) said so.",
                     "JCIE", "Japan Center for International Exchange", "en");
    /* Words that spell nothing before the long form are not part of it. */
    assert_only_pair("Japan has made universal health coverage (UHC) a pillar.", "UHC",
                     "universal health coverage", "en");
}

static void test_mine_acronym_letters_may_come_from_inside_a_word(void)
{
    /* M-C-M: "medical", "Countermeasures"; the plural s is dropped. */
    assert_only_pair("getting new vaccines, the medical countermeasures (MCMs), to people",
                     "MCM", "medical countermeasures", "en");
    assert_only_pair("research on non-communicable diseases (NCDs) and", "NCD",
                     "non-communicable diseases", "en");
}

static void test_mine_long_form_is_the_span_with_the_most_initials(void)
{
    /* "preparedness and response" could spell PPR (P-P from inside
     * "preparedness"), but three initials beat two. */
    assert_only_pair("This brief treats pandemic prevention, preparedness and response (PPR) "
                     "as part of health systems.", "PPR",
                     "prevention, preparedness and response", "en");
    assert_only_pair("norms set by the World Health Organization (WHO) and", "WHO",
                     "World Health Organization", "en");
}

static void test_mine_acronym_followed_by_its_long_form(void)
{
    assert_only_pair("Japan made UHC (universal health coverage) a pillar.", "UHC",
                     "universal health coverage", "en");
    assert_only_pair("norms set by WHO (the World Health Organization) and", "WHO",
                     "World Health Organization", "en");
    assert_only_pair("WHO（世界保健機関）を中心とする規範づくり", "WHO", "世界保健機関", "ja");
}

static void test_mine_japanese_long_form_in_full_and_half_width_brackets(void)
{
    assert_only_pair("ユニバーサル・ヘルス・カバレッジ（UHC）とは、すべての人が",
                     "UHC", "ユニバーサル・ヘルス・カバレッジ", "ja");
    assert_only_pair("ユニバーサル・ヘルス・カバレッジ(UHC)を達成するための", "UHC",
                     "ユニバーサル・ヘルス・カバレッジ", "ja");
    /* Full-width letters and half-width katakana read as their NFKC forms. */
    assert_only_pair("感染症危機対応医薬品等（ＭＣＭ）の製造能力は", "MCM",
                     "感染症危機対応医薬品等", "ja");
    assert_only_pair("ﾌﾟﾗｲﾏﾘ･ﾍﾙｽ･ｹｱ(PHC)は", "PHC", "プライマリ・ヘルス・ケア", "ja");
}

static void test_mine_japanese_long_form_stops_at_particles_and_punctuation(void)
{
    /* "の" between two words belongs to the term, okurigana too (備え),
     * "踏まえた" does not. */
    assert_only_pair("新型コロナの経験を踏まえたパンデミックの予防・備え・対応(PPR)に関する"
                     "国際的な議論", "PPR", "パンデミックの予防・備え・対応", "ja");
    assert_only_pair("共有財としての感染症危機対応医薬品等(MCM)への迅速かつ公平なアクセス",
                     "MCM", "感染症危機対応医薬品等", "ja");
    assert_only_pair("その際、特に、プライマリ・ヘルス・ケア(PHC)(注3)やコミュニティの",
                     "PHC", "プライマリ・ヘルス・ケア", "ja");
    assert_only_pair("拡充すると共に、日本医療研究開発機構(AMED)等", "AMED",
                     "日本医療研究開発機構", "ja");
    /* A line start ends the term (a release's lines are paragraphs). */
    assert_only_pair("提言全文 要旨\nユニバーサル・ヘルス・カバレッジ(UHC)を達成する", "UHC",
                     "ユニバーサル・ヘルス・カバレッジ", "ja");
}

static void test_mine_english_term_and_acronym_in_one_japanese_bracket(void)
{
    ghs_gloss_found_list l = mine("新しい検査、ワクチン、治療といった感染症危機対応医薬品等"
                                  "（medical countermeasures: MCM）を速やかに届ける", 0);
    g_assert_cmpuint(l.n, ==, 2);
    const ghs_gloss_found *en = found(&l, "MCM", "medical countermeasures");
    const ghs_gloss_found *ja = found(&l, "MCM", "感染症危機対応医薬品等");
    g_assert_nonnull(en);
    g_assert_nonnull(ja);
    g_assert_cmpstr(en->lang, ==, "en");
    g_assert_cmpstr(ja->lang, ==, "ja");
    g_assert_cmpstr(ja->as_written, ==,
                    "感染症危機対応医薬品等(medical countermeasures: MCM)");
    ghs_gloss_found_list_free(&l);
    /* The long form must spell the acronym to be taken. */
    l = mine("感染症危機対応医薬品等（vaccines and drugs: MCM）", 0);
    g_assert_cmpuint(l.n, ==, 1);
    g_assert_nonnull(found(&l, "MCM", "感染症危機対応医薬品等"));
    ghs_gloss_found_list_free(&l);
}

static void test_mine_quoted_japanese_term_and_its_english_translation(void)
{
    ghs_gloss_found_list l = mine("国際連携の強化が「パンデミックへの備えのための合意"
                                  "(Pact for Pandemic Readiness)」として打ち出されている。", 0);
    g_assert_cmpuint(l.n, ==, 1);
    g_assert_cmpstr(l.v[0].term, ==, "Pact for Pandemic Readiness");
    g_assert_cmpstr(l.v[0].equivalent, ==, "パンデミックへの備えのための合意");
    g_assert_cmpint(l.v[0].kind, ==, GHS_GLOSS_KIND_TRANSLATION);
    ghs_gloss_found_list_free(&l);
}

static void test_mine_footnote_definitions_are_marked_as_footnotes(void)
{
    ghs_gloss_found_list l = mine(
        "日本は2013年以来、UHC(注2)を推進してきた。\n"
        "注2)ユニバーサル・ヘルス・カバレッジ(UHC):全ての人が受けられる状態\n"
        "(WHO and UNICEF. 2018. Towards UHC.で定義された日本医療研究開発機構(AMED)の和訳)\n"
        "◆関連文書\n"
        "日本国際交流センター(JCIE)は公益法人。", 0);
    g_assert_cmpuint(l.n, ==, 3);
    const ghs_gloss_found *uhc = found(&l, "UHC", "ユニバーサル・ヘルス・カバレッジ");
    const ghs_gloss_found *amed = found(&l, "AMED", "日本医療研究開発機構");
    const ghs_gloss_found *jcie = found(&l, "JCIE", "日本国際交流センター");
    g_assert_nonnull(uhc);
    g_assert_nonnull(amed);
    g_assert_nonnull(jcie);
    g_assert_cmpint(uhc->footnote, ==, 1);
    g_assert_cmpint(amed->footnote, ==, 1);   /* the note's bracketed continuation */
    g_assert_cmpint(jcie->footnote, ==, 0);   /* the body again */
    ghs_gloss_found_list_free(&l);
}

static void test_mine_noise_is_not_taken_for_definitions(void)
{
    assert_nothing("as shown in (A) and (B), the first option (II) is cheaper");
    assert_nothing("The world health report (2010) and the 2023 (G7) meetings");
    assert_nothing("日本は2013年以来、UHC(注2)を国際保健外交の中心理念として推進してきた。");
    assert_nothing("政策ブリーフ 日本語版(PDF)を公開しました。");
    assert_nothing("The world health report (WHO, 2010) is cited.");
    assert_nothing("G7サミット(主要国首脳会議)および関係閣僚会議");
    assert_nothing("リスク・ファクター(不健康な食事、喫煙等)へのグローバルな取組み");
    assert_nothing("Japan has long made UHC (see page 2) a pillar of its diplomacy.");
    assert_nothing("core of Health (UHC) and");   /* one word cannot spell UHC */
    assert_nothing("PIIS0140-6736(23)00690-6/fulltext (https://example.org/a)");
    assert_nothing("新型コロナウイルス感染症(新型コロナ)のパンデミック");
}

static void test_mine_wrapped_pdf_line_before_a_bracket_is_no_boundary(void)
{
    const char *text = "This brief treats pandemic prevention, preparedness and response\n"
                       "(PPR) as part of everyday health systems rather than as a separate\n";
    ghs_gloss_found_list l = mine(text, GHS_GLOSS_WRAPPED);
    g_assert_nonnull(found(&l, "PPR", "prevention, preparedness and response"));
    ghs_gloss_found_list_free(&l);
    /* In a release a line break ends a paragraph. */
    l = mine(text, 0);
    g_assert_cmpuint(l.n, ==, 0);
    ghs_gloss_found_list_free(&l);
}

/* Every pair mined from the real release, judged by reading it: the
 * expected set below is the whole of what a reader finds defined there
 * with an acronym or an English equivalent (The Civil Society 7 (C7) is
 * missed: "Society" gives C7 no letter). Precision must stay 1. */
static void test_mine_shared_release_pairs_are_all_right(void)
{
    char *path = release_path();
    if (!path)
        return;
    static const char *const expected[][3] = {
        { "UHC", "ユニバーサル・ヘルス・カバレッジ", "ja" },
        { "PHC", "プライマリ・ヘルス・ケア", "ja" },
        { "PPR", "パンデミックの予防・備え・対応", "ja" },
        { "MCM", "感染症危機対応医薬品等", "ja" },
        { "MCM", "medical countermeasures", "en" },
        { "AMED", "日本医療研究開発機構", "ja" },
        { "SCARDA", "先進的研究開発戦略センター", "ja" },
        { "JCIE", "日本国際交流センター", "ja" },
        { "Pact for Pandemic Readiness", "パンデミックへの備えのための合意", "ja" },
    };
    ghs_extracted ex = {0};
    ghs_error err = {0};
    if (ghs_extract_release(path, &ex, &err))
        g_error("%s", err.message);
    ghs_gloss_found_list l;
    ghs_gloss_found_list_init(&l);
    for (size_t p = 0; p < ex.n_pages; p++)
        ghs_gloss_mine(ex.pages[p].text, ex.pages[p].len, 0, &l);
    GHashTable *distinct = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    size_t right = 0;
    for (size_t i = 0; i < l.n; i++) {
        char *k = g_strconcat(l.v[i].term, " = ", l.v[i].equivalent, NULL);
        if (g_hash_table_contains(distinct, k)) {
            g_free(k);
            continue;
        }
        int ok = 0;
        for (size_t e = 0; e < G_N_ELEMENTS(expected); e++)
            ok |= !strcmp(l.v[i].term, expected[e][0]) &&
                  !strcmp(l.v[i].equivalent, expected[e][1]) &&
                  !strcmp(l.v[i].lang, expected[e][2]);
        g_test_message("mined %s [%s]%s: %s", k, l.v[i].lang,
                       l.v[i].footnote ? " (footnote)" : "", ok ? "right" : "WRONG");
        right += (size_t)ok;
        g_hash_table_add(distinct, k);
    }
    size_t mined = g_hash_table_size(distinct);
    g_test_message("precision on the release: %zu right / %zu mined", right, mined);
    g_assert_cmpuint(right, ==, mined);
    g_assert_cmpuint(mined, ==, G_N_ELEMENTS(expected));
    g_hash_table_destroy(distinct);
    ghs_gloss_found_list_free(&l);
    ghs_extracted_clear(&ex);
    g_free(path);
}

/* ------------------------------------------------------------ the bundled corpus */

static char *corpus_tmp;
static ghs_index *corpus_ix;

/* The bundled sample corpus, plus two records that differ only in saying
 * "UHC" or its long form, indexed once for the tests below. */
static ghs_index *corpus_index(void)
{
    if (corpus_ix)
        return corpus_ix;
    corpus_tmp = ghs_test_tmp_dir("ghs-glossary-XXXXXX");
    char *corpus = corpus_dir();
    char *extra = g_build_filename(corpus_tmp, "extra.jsonl", NULL);
    write_file(extra,
               "{\"id\":\"fx-literal\",\"title\":\"fx\",\"lang\":\"en\",\"text\":\"UHC needs "
               "sustained public money in every country.\"}\n"
               "{\"id\":\"fx-long\",\"title\":\"fx\",\"lang\":\"en\",\"text\":\"Universal "
               "health coverage needs sustained public money in every country.\"}\n");
    const char *paths[] = { corpus, extra, NULL };
    corpus_ix = index_paths(corpus_tmp, paths);
    g_free(corpus);
    g_free(extra);
    return corpus_ix;
}

static void test_corpus_pairs_cite_the_place_of_definition(void)
{
    ghs_index *ix = corpus_index();
    ghs_glossary *g = glossary(ix, "UHC", NULL);
    const ghs_gloss_pair *en = pair_of(g, "UHC", "Universal Health Coverage");
    const ghs_gloss_pair *ja = pair_of(g, "UHC", "ユニバーサル・ヘルス・カバレッジ");
    g_assert_nonnull(en);
    g_assert_nonnull(ja);
    g_assert_cmpint(en->status, ==, GHS_GLOSS_ACTIVE);
    g_assert_cmpfloat(en->weight, ==, 0.5);
    int en_p2 = 0, ja_p2 = 0;
    for (size_t i = 0; i < en->n_sources; i++)
        if (!strcmp(en->sources[i].doc, "g7-health-brief-en.pdf") && en->sources[i].page == 2 &&
            !en->sources[i].footnote) {
            en_p2 = 1;
            g_assert_true(g_str_has_prefix(en->sources[i].citation, "Building Health Systems"));
            g_assert_true(g_str_has_suffix(en->sources[i].citation, ", p. 2"));
            g_assert_cmpstr(en->sources[i].as_written, ==, "Universal Health Coverage (UHC)");
        }
    for (size_t i = 0; i < ja->n_sources; i++)
        if (!strcmp(ja->sources[i].doc, "uhc-brief-ja.pdf") && ja->sources[i].page == 2)
            ja_p2 = 1;
    g_assert_true(en_p2);
    g_assert_true(ja_p2);
    /* The long form in either language lists the same pairs. */
    ghs_glossary *g2 = glossary(ix, "ユニバーサル・ヘルス・カバレッジ", NULL);
    ghs_glossary *g3 = glossary(ix, "universal health coverage", NULL);
    g_assert_cmpuint(ghs_glossary_count(g2), ==, ghs_glossary_count(g));
    g_assert_cmpuint(ghs_glossary_count(g3), ==, ghs_glossary_count(g));
    /* A heading the PDF text glued to its paragraph ("...と保健財政ユニバー
     * サル・ヘルス・カバレッジ（UHC）とは") does not make a second meaning. */
    for (size_t i = 0; i < ghs_glossary_count(g); i++)
        g_assert_false(g_str_has_prefix(ghs_glossary_pair(g, i)->equivalent, "保健財政"));
    ghs_glossary_free(g);
    ghs_glossary_free(g2);
    ghs_glossary_free(g3);

    /* Every pair of the four acronyms, in both languages, from the corpus. */
    static const char *const pairs[][3] = {
        { "PHC", "primary health care", "プライマリ・ヘルス・ケア" },
        { "MCM", "medical countermeasures", "感染症危機対応医薬品等" },
        { "PPR", "prevention, preparedness and response", "パンデミックの予防・備え・対応" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(pairs); i++) {
        g = glossary(ix, pairs[i][0], NULL);
        g_assert_nonnull(pair_of(g, pairs[i][0], pairs[i][1]));
        g_assert_nonnull(pair_of(g, pairs[i][0], pairs[i][2]));
        ghs_glossary_free(g);
    }
}

static void test_corpus_acronyms_find_english_and_japanese_long_forms(void)
{
    ghs_index *ix = corpus_index();
    static const char *const cases[][4] = {
        /* acronym, English long form, Japanese long form, a word the hit must not have */
        { "UHC", "universal health coverage", "ユニバーサル・ヘルス・カバレッジ", "UHC" },
        { "PHC", "primary health care", "プライマリ・ヘルス・ケア", "PHC" },
        { "MCM", "medical countermeasures", "感染症危機対応医薬品等", "MCM" },
        { "PPR", "preparedness and response", "パンデミックの予防・備え・対応", "PPR" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        ghs_results *lit = search(ix, cases[i][0], 0, NULL);
        ghs_results *exp = search(ix, cases[i][0], 1, NULL);
        /* Literal search only finds the acronym... */
        g_assert_cmpint(hit_with(lit, NULL, "", cases[i][3]), ==, -1);
        /* ...expansion also finds both long forms, with them highlighted. */
        long en = hit_with(exp, NULL, cases[i][1], NULL);
        long ja = hit_with(exp, NULL, cases[i][2], NULL);
        if (en < 0 || ja < 0)
            g_error("%s did not find %s (%ld) and %s (%ld)", cases[i][0], cases[i][1], en,
                    cases[i][2], ja);
        const ghs_hit *he = ghs_results_hit(exp, (size_t)en);
        g_assert_true(highlighted(he, "preparedness") || highlighted(he, "health") ||
                      highlighted(he, "countermeasures"));
        g_assert_cmpuint(ghs_results_count(exp), >=, ghs_results_count(lit));
        ghs_results_free(lit);
        ghs_results_free(exp);
    }
    /* A passage that only says the long form is found through the acronym. */
    ghs_results *r = search(ix, "UHC", 1, NULL);
    long i = hit_with(r, "fx-long", "universal health coverage", "UHC");
    g_assert_cmpint(i, >=, 0);
    g_assert_true(highlighted(ghs_results_hit(r, (size_t)i), "universal"));
    g_assert_true(highlighted(ghs_results_hit(r, (size_t)i), "coverage"));
    ghs_results_free(r);
    r = search(ix, "UHC", 0, NULL);
    g_assert_cmpint(hit_with(r, "fx-long", "", NULL), ==, -1);
    ghs_results_free(r);
}

static void test_corpus_long_forms_find_the_acronym_and_the_other_language(void)
{
    ghs_index *ix = corpus_index();
    /* Japanese long form -> English documents. */
    ghs_results *r = search(ix, "ユニバーサル・ヘルス・カバレッジ", 1, NULL);
    g_assert_cmpint(hit_with(r, "g7-health-brief-en.pdf", "universal health coverage", NULL),
                    >=, 0);
    g_assert_cmpint(hit_with(r, "fx-literal", "UHC", NULL), >=, 0);
    ghs_results_free(r);
    r = search(ix, "ユニバーサル・ヘルス・カバレッジ", 0, NULL);
    g_assert_cmpint(hit_with(r, "g7-health-brief-en.pdf", "", NULL), ==, -1);
    ghs_results_free(r);
    /* English long form (a phrase) -> Japanese documents. */
    static const char *const cases[][3] = {
        { "\"primary health care\"", "uhc-brief-ja.pdf", "プライマリ・ヘルス・ケア" },
        { "\"medical countermeasures\"", "note-mcm-ja", "感染症危機対応医薬品等" },
        { "\"pandemic prevention, preparedness and response\"", "note-governance-ja",
          "パンデミックの予防・備え・対応" },
        { "感染症危機対応医薬品等", "note-amr-en", "medical countermeasures" },
        { "プライマリ・ヘルス・ケア", "g7-health-brief-en.pdf", "primary health care" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        r = search(ix, cases[i][0], 1, NULL);
        if (hit_with(r, cases[i][1], cases[i][2], NULL) < 0)
            g_error("%s did not find %s in %s", cases[i][0], cases[i][2], cases[i][1]);
        ghs_results_free(r);
        r = search(ix, cases[i][0], 0, NULL);
        g_assert_cmpint(hit_with(r, cases[i][1], "", NULL), ==, -1);
        ghs_results_free(r);
    }
}

static void test_corpus_no_expand_restores_literal_search(void)
{
    ghs_index *ix = corpus_index();
    const char *queries[] = { "UHC", "MCM 公平なアクセス", "\"primary health care\"",
                              "PPR lang:ja" };
    for (size_t q = 0; q < G_N_ELEMENTS(queries); q++) {
        ghs_results *off = search(ix, queries[q], 0, NULL);
        ghs_results *lit = NULL;
        ghs_error err = {0};
        ghs_search_opts o = { .limit = 100, .per_doc = 100, .literal = 1 };
        g_assert_cmpint(ghs_search(ix, queries[q], &o, &lit, &err), ==, 0);
        g_assert_cmpuint(ghs_results_count(off), ==, ghs_results_count(lit));
        for (size_t i = 0; i < ghs_results_count(off); i++) {
            const ghs_hit *a = ghs_results_hit(off, i), *b = ghs_results_hit(lit, i);
            g_assert_cmpstr(a->doc, ==, b->doc);
            g_assert_cmpint(a->page, ==, b->page);
            g_assert_cmpfloat_with_epsilon(a->score, b->score, 1e-9);
        }
        g_assert_nonnull(strstr(ghs_results_explain(off), "glossary expansion: off"));
        ghs_results_free(off);
        ghs_results_free(lit);
    }
    /* Expanded, "MCM 公平なアクセス" finds English passages on medical
     * countermeasures; literal search does not. */
    ghs_results *on = search(ix, "MCM 公平なアクセス", 1, NULL);
    g_assert_cmpint(hit_with(on, "g7-health-brief-en.pdf", "medical countermeasures", NULL),
                    >=, 0);
    ghs_results_free(on);
}

static void test_corpus_explain_shows_the_expansion(void)
{
    ghs_index *ix = corpus_index();
    ghs_results *r = search(ix, "MCM 公平なアクセス", 1, NULL);
    const char *ex = ghs_results_explain(r);
    g_test_message("%s", ex);
    g_assert_nonnull(strstr(ex, "query: (DEFAULT (WORD \"MCM\") (WORD \"公平なアクセス\"))"));
    g_assert_nonnull(strstr(ex, "glossary expansion: on"));
    g_assert_nonnull(strstr(ex, "MCM -> "));
    g_assert_nonnull(strstr(ex, "\"medical countermeasures\" (en, x"));
    g_assert_nonnull(strstr(ex, "\"感染症危機対応医薬品等\" (ja, x"));
    g_assert_null(strstr(ex, "公平なアクセス ->"));   /* not in the glossary */
    ghs_results_free(r);
    r = search(ix, "vaccines", 1, NULL);
    g_assert_nonnull(strstr(ghs_results_explain(r), "no query word is in the glossary"));
    ghs_results_free(r);
}

static void test_corpus_literal_word_ranks_above_its_equivalents(void)
{
    ghs_index *ix = corpus_index();
    ghs_results *r = search(ix, "UHC \"public money\"", 1, NULL);
    long lit = hit_with(r, "fx-literal", "", NULL), eq = hit_with(r, "fx-long", "", NULL);
    g_assert_cmpint(lit, >=, 0);
    g_assert_cmpint(eq, >=, 0);
    g_assert_cmpint(lit, <, eq);
    g_assert_cmpfloat(ghs_results_hit(r, (size_t)lit)->score, >,
                      ghs_results_hit(r, (size_t)eq)->score);
    ghs_results_free(r);
}

/* ------------------------------------------------------------ noise and the user */

static void test_noise_conflicting_meanings_expand_to_neither(void)
{
    char *dir = ghs_test_tmp_dir("ghs-glossary-XXXXXX");
    const char *none[] = { NULL };
    ghs_index *ix = index_paths(dir, none);
    add_text(ix, "vet", "en", "Public procurement rules (PPR) slow down vaccine purchases.");
    add_text(ix, "health", "en", "Pandemic preparedness and response (PPR) needs money.");
    add_text(ix, "news", "en", "PPR was discussed again this year.");
    commit(ix);
    ghs_glossary *g = glossary(ix, "PPR", NULL);
    g_assert_cmpuint(ghs_glossary_count(g), ==, 2);
    for (size_t i = 0; i < 2; i++)
        g_assert_cmpint(ghs_glossary_pair(g, i)->status, ==, GHS_GLOSS_CONFLICT);
    ghs_glossary_free(g);
    ghs_results *r = search(ix, "PPR", 1, NULL);
    g_assert_nonnull(strstr(ghs_results_explain(r), "PPR: not expanded: meanings in conflict"));
    ghs_results_free(r);
    r = search(ix, "\"procurement rules\"", 1, NULL);
    g_assert_cmpint(hit_with(r, "news", "", NULL), ==, -1);
    ghs_results_free(r);

    /* The user chooses a meaning in a glossary file. */
    char *gf = g_build_filename(dir, "glossary.txt", NULL);
    write_file(gf, "# choose the health meaning\nPPR = pandemic preparedness and response\n");
    g = glossary(ix, "PPR", gf);
    const ghs_gloss_pair *health = pair_of(g, "PPR", "pandemic preparedness and response");
    const ghs_gloss_pair *vet = pair_of(g, "PPR", "public procurement rules");
    g_assert_nonnull(health);
    g_assert_nonnull(vet);
    g_assert_cmpint(health->status, ==, GHS_GLOSS_ACTIVE);
    g_assert_true(health->user);
    g_assert_cmpint(vet->status, ==, GHS_GLOSS_OUTWEIGHED);
    ghs_glossary_free(g);
    r = search(ix, "\"pandemic preparedness and response\"", 1, gf);
    g_assert_cmpint(hit_with(r, "news", "PPR", NULL), >=, 0);
    ghs_results_free(r);
    r = search(ix, "\"procurement rules\"", 1, gf);
    g_assert_cmpint(hit_with(r, "news", "", NULL), ==, -1);
    ghs_results_free(r);
    ghs_index_close(ix);
    ghs_test_rm_tree(dir);
    g_free(gf);
    g_free(dir);
}

static void test_noise_footnote_meaning_gives_way_to_a_body_definition(void)
{
    char *dir = ghs_test_tmp_dir("ghs-glossary-XXXXXX");
    const char *none[] = { NULL };
    ghs_index *ix = index_paths(dir, none);
    add_text(ix, "body", "ja", "ユニバーサル・ヘルス・カバレッジ(UHC)を達成する。");
    add_text(ix, "note", "ja", "本文はここまで。\n注1)ユニバーサル・ホスピタル・ケア(UHC):"
                               "別の意味で使われる。");
    commit(ix);
    ghs_glossary *g = glossary(ix, "UHC", NULL);
    const ghs_gloss_pair *b = pair_of(g, "UHC", "ユニバーサル・ヘルス・カバレッジ");
    const ghs_gloss_pair *f = pair_of(g, "UHC", "ユニバーサル・ホスピタル・ケア");
    g_assert_nonnull(b);
    g_assert_nonnull(f);
    g_assert_cmpint(b->status, ==, GHS_GLOSS_ACTIVE);
    g_assert_cmpuint(b->body, ==, 1);
    g_assert_cmpint(f->status, ==, GHS_GLOSS_OUTWEIGHED);
    g_assert_cmpuint(f->footnotes, ==, 1);
    g_assert_true(f->sources[0].footnote);
    ghs_glossary_free(g);
    ghs_index_close(ix);
    ghs_test_rm_tree(dir);
    g_free(dir);
}

static void test_noise_footnote_only_pairs_weigh_less(void)
{
    char *dir = ghs_test_tmp_dir("ghs-glossary-XXXXXX");
    const char *none[] = { NULL };
    ghs_index *ix = index_paths(dir, none);
    add_text(ix, "note", "ja", "本文。\n注1)プライマリ・ヘルス・ケア(PHC):地域の保健。");
    commit(ix);
    ghs_glossary *g = glossary(ix, "PHC", NULL);
    g_assert_cmpuint(ghs_glossary_count(g), ==, 1);
    g_assert_cmpint(ghs_glossary_pair(g, 0)->status, ==, GHS_GLOSS_ACTIVE);
    g_assert_cmpfloat(ghs_glossary_pair(g, 0)->weight, ==, 0.25);
    ghs_glossary_free(g);
    ghs_index_close(ix);
    ghs_test_rm_tree(dir);
    g_free(dir);
}

static void test_user_glossary_file_adds_and_vetoes_pairs(void)
{
    ghs_index *ix = corpus_index();
    char *gf = g_build_filename(corpus_tmp, "user.txt", NULL);
    write_file(gf, "\xEF\xBB\xBF# a user's glossary\n"
                   "!MCM            # never expand MCM\n"
                   "ワクチン = vaccines\n"
                   "!UHC = ユニバーサル・ヘルス・カバレッジ\n");
    ghs_results *r = search(ix, "MCM", 1, gf);
    g_assert_nonnull(strstr(ghs_results_explain(r), "MCM: not expanded: vetoed"));
    g_assert_cmpint(hit_with(r, NULL, "medical countermeasures", "MCM"), ==, -1);
    ghs_results_free(r);
    r = search(ix, "vaccines lang:ja", 1, gf);
    g_assert_cmpint(hit_with(r, "uhc-brief-ja.pdf", "ワクチン", NULL), >=, 0);
    ghs_results_free(r);
    r = search(ix, "UHC", 1, gf);
    g_assert_cmpint(hit_with(r, "note-uhc-mixed-ja", "", "UHC"), ==, -1);
    g_assert_cmpint(hit_with(r, "fx-long", "universal health coverage", NULL), >=, 0);
    ghs_results_free(r);
    ghs_glossary *g = glossary(ix, "UHC", gf);
    g_assert_cmpint(pair_of(g, "UHC", "ユニバーサル・ヘルス・カバレッジ")->status, ==,
                    GHS_GLOSS_VETOED);
    ghs_glossary_free(g);
    g = glossary(ix, "vaccines", gf);
    g_assert_cmpuint(ghs_glossary_count(g), ==, 1);
    g_assert_true(ghs_glossary_pair(g, 0)->user);
    g_assert_cmpuint(ghs_glossary_pair(g, 0)->n_sources, ==, 0);
    ghs_glossary_free(g);
    g_free(gf);
}

static void test_user_bad_glossary_file_is_an_error_naming_the_line(void)
{
    ghs_index *ix = corpus_index();
    char *gf = g_build_filename(corpus_tmp, "bad.txt", NULL);
    write_file(gf, "UHC = Universal Health Coverage\nPHC primary health care\n");
    ghs_error err = {0};
    ghs_results *r = NULL;
    ghs_search_opts o = { .glossary = gf };
    g_assert_cmpint(ghs_search(ix, "UHC", &o, &r, &err), ==, GHS_EINVAL);
    g_assert_null(r);
    g_assert_nonnull(strstr(err.message, "[glossary]["));
    g_assert_nonnull(strstr(err.message, "bad.txt:2]"));
    ghs_glossary *g = NULL;
    g_assert_cmpint(ghs_glossary_get(ix, NULL, gf, &g, &err), ==, GHS_EINVAL);
    g_assert_null(g);
    char *missing = g_build_filename(corpus_tmp, "missing.txt", NULL);
    g_assert_cmpint(ghs_glossary_get(ix, "UHC", missing, &g, &err), ==, GHS_EIO);
    g_assert_nonnull(strstr(err.message, "missing.txt"));
    /* Without the file search is unaffected, and asking about nothing is an error. */
    g_assert_cmpint(ghs_glossary_get(ix, "・", NULL, &g, &err), ==, GHS_EINVAL);
    g_free(missing);
    g_free(gf);
}

static void test_index_reindexing_replaces_a_documents_pairs(void)
{
    char *dir = ghs_test_tmp_dir("ghs-glossary-XXXXXX");
    const char *none[] = { NULL };
    ghs_index *ix = index_paths(dir, none);
    add_text(ix, "t1", "en", "Antimicrobial resistance (AMR) is a silent pandemic.");
    commit(ix);
    ghs_glossary *g = glossary(ix, "AMR", NULL);
    g_assert_cmpuint(ghs_glossary_count(g), ==, 1);
    ghs_glossary_free(g);
    add_text(ix, "t1", "en", "AMR is a silent pandemic.");
    commit(ix);
    g = glossary(ix, "AMR", NULL);
    g_assert_cmpuint(ghs_glossary_count(g), ==, 0);
    ghs_glossary_free(g);
    g = glossary(ix, NULL, NULL);
    g_assert_cmpuint(ghs_glossary_count(g), ==, 0);
    ghs_glossary_free(g);
    ghs_index_close(ix);
    ghs_test_rm_tree(dir);
    g_free(dir);
}

/* ------------------------------------------------------------ the real release */

static void test_release_acronyms_and_long_forms_find_each_other(void)
{
    char *path = release_path();
    if (!path)
        return;
    char *dir = ghs_test_tmp_dir("ghs-glossary-XXXXXX");
    const char *paths[] = { path, NULL };
    ghs_index *ix = index_paths(dir, paths);
    /* Pairs cite the release, in its body and in its footnotes. */
    ghs_glossary *g = glossary(ix, "UHC", NULL);
    const ghs_gloss_pair *p = pair_of(g, "UHC", "ユニバーサル・ヘルス・カバレッジ");
    g_assert_nonnull(p);
    g_assert_cmpuint(p->body, >=, 1);
    g_assert_cmpuint(p->footnotes, >=, 1);
    g_assert_cmpstr(p->sources[0].doc, ==, RELEASE);
    g_assert_true(g_str_has_prefix(p->sources[0].citation, "G7サミット"));
    ghs_glossary_free(g);

    static const char *const cases[][3] = {
        /* query, a passage found only through the glossary has this, and not this */
        { "ユニバーサル・ヘルス・カバレッジ", "持続可能なUHC", "ユニバーサル" },
        { "\"medical countermeasures\"", "MCMの研究開発", "medical" },
        { "感染症危機対応医薬品等", "MCMの研究開発", "感染症危機" },
        { "パンデミックの予防・備え・対応", "PPRについては", "予防・備え" },
        { "UHC", "ユニバーサル・ヘルス・カバレッジ", NULL },
        { "PHC", "プライマリ・ヘルス・ケア", NULL },
        { "MCM", "medical countermeasures", NULL },
        { "PPR", "パンデミックの予防・備え・対応", NULL },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        ghs_results *r = search(ix, cases[i][0], 1, NULL);
        long h = hit_with(r, RELEASE, cases[i][1], cases[i][2]);
        if (h < 0)
            g_error("%s: no passage with %s%s%s", cases[i][0], cases[i][1],
                    cases[i][2] ? " without " : "", cases[i][2] ? cases[i][2] : "");
        ghs_results_free(r);
        if (cases[i][2]) {
            r = search(ix, cases[i][0], 0, NULL);
            g_assert_cmpint(hit_with(r, RELEASE, cases[i][1], cases[i][2]), ==, -1);
            ghs_results_free(r);
        }
    }
    /* PHC and its long form always stand together in the release: the
     * expansion shows in the explanation and the highlights. */
    ghs_results *r = search(ix, "プライマリ・ヘルス・ケア", 1, NULL);
    g_assert_nonnull(strstr(ghs_results_explain(r), "-> \"PHC\""));
    long h = hit_with(r, RELEASE, "PHC", NULL);
    g_assert_cmpint(h, >=, 0);
    g_assert_true(highlighted(ghs_results_hit(r, (size_t)h), "PHC"));
    ghs_results_free(r);
    ghs_index_close(ix);
    ghs_test_rm_tree(dir);
    g_free(dir);
    g_free(path);
}

static void test_release_english_queries_find_the_japanese_release(void)
{
    char *path = release_path();
    if (!path)
        return;
    char *dir = ghs_test_tmp_dir("ghs-glossary-XXXXXX");
    char *corpus = corpus_dir();
    const char *paths[] = { corpus, path, NULL };
    ghs_index *ix = index_paths(dir, paths);
    static const char *const cases[][3] = {
        /* query, a release passage it must find has this and not that */
        { "\"universal health coverage\"", "ユニバーサル・ヘルス・カバレッジ", "universal" },
        { "\"primary health care\"", "プライマリ・ヘルス・ケア", "primary health care" },
        { "\"medical countermeasures\"", "MCMの研究開発", "medical" },
        { "\"pandemic prevention, preparedness and response\"", "PPR", "preparedness" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        ghs_results *r = search(ix, cases[i][0], 1, NULL);
        if (hit_with(r, RELEASE, cases[i][1], cases[i][2]) < 0)
            g_error("%s did not find the Japanese release passage with %s", cases[i][0],
                    cases[i][1]);
        ghs_results_free(r);
        r = search(ix, cases[i][0], 0, NULL);
        g_assert_cmpint(hit_with(r, RELEASE, cases[i][1], cases[i][2]), ==, -1);
        ghs_results_free(r);
    }
    ghs_index_close(ix);
    ghs_test_rm_tree(dir);
    g_free(dir);
    g_free(corpus);
    g_free(path);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/glossary/mine/english_long_form_spelled_by_the_acronym",
                    test_mine_english_long_form_spelled_by_the_acronym);
    g_test_add_func("/glossary/mine/acronym_letters_may_come_from_inside_a_word",
                    test_mine_acronym_letters_may_come_from_inside_a_word);
    g_test_add_func("/glossary/mine/long_form_is_the_span_with_the_most_initials",
                    test_mine_long_form_is_the_span_with_the_most_initials);
    g_test_add_func("/glossary/mine/acronym_followed_by_its_long_form",
                    test_mine_acronym_followed_by_its_long_form);
    g_test_add_func("/glossary/mine/japanese_long_form_in_full_and_half_width_brackets",
                    test_mine_japanese_long_form_in_full_and_half_width_brackets);
    g_test_add_func("/glossary/mine/japanese_long_form_stops_at_particles_and_punctuation",
                    test_mine_japanese_long_form_stops_at_particles_and_punctuation);
    g_test_add_func("/glossary/mine/english_term_and_acronym_in_one_japanese_bracket",
                    test_mine_english_term_and_acronym_in_one_japanese_bracket);
    g_test_add_func("/glossary/mine/quoted_japanese_term_and_its_english_translation",
                    test_mine_quoted_japanese_term_and_its_english_translation);
    g_test_add_func("/glossary/mine/footnote_definitions_are_marked_as_footnotes",
                    test_mine_footnote_definitions_are_marked_as_footnotes);
    g_test_add_func("/glossary/mine/noise_is_not_taken_for_definitions",
                    test_mine_noise_is_not_taken_for_definitions);
    g_test_add_func("/glossary/mine/wrapped_pdf_line_before_a_bracket_is_no_boundary",
                    test_mine_wrapped_pdf_line_before_a_bracket_is_no_boundary);
    g_test_add_func("/glossary/mine/shared_release_pairs_are_all_right",
                    test_mine_shared_release_pairs_are_all_right);
    g_test_add_func("/glossary/corpus/pairs_cite_the_place_of_definition",
                    test_corpus_pairs_cite_the_place_of_definition);
    g_test_add_func("/glossary/corpus/acronyms_find_english_and_japanese_long_forms",
                    test_corpus_acronyms_find_english_and_japanese_long_forms);
    g_test_add_func("/glossary/corpus/long_forms_find_the_acronym_and_the_other_language",
                    test_corpus_long_forms_find_the_acronym_and_the_other_language);
    g_test_add_func("/glossary/corpus/no_expand_restores_literal_search",
                    test_corpus_no_expand_restores_literal_search);
    g_test_add_func("/glossary/corpus/explain_shows_the_expansion",
                    test_corpus_explain_shows_the_expansion);
    g_test_add_func("/glossary/corpus/literal_word_ranks_above_its_equivalents",
                    test_corpus_literal_word_ranks_above_its_equivalents);
    g_test_add_func("/glossary/noise/conflicting_meanings_expand_to_neither",
                    test_noise_conflicting_meanings_expand_to_neither);
    g_test_add_func("/glossary/noise/footnote_meaning_gives_way_to_a_body_definition",
                    test_noise_footnote_meaning_gives_way_to_a_body_definition);
    g_test_add_func("/glossary/noise/footnote_only_pairs_weigh_less",
                    test_noise_footnote_only_pairs_weigh_less);
    g_test_add_func("/glossary/user/glossary_file_adds_and_vetoes_pairs",
                    test_user_glossary_file_adds_and_vetoes_pairs);
    g_test_add_func("/glossary/user/bad_glossary_file_is_an_error_naming_the_line",
                    test_user_bad_glossary_file_is_an_error_naming_the_line);
    g_test_add_func("/glossary/index/reindexing_replaces_a_documents_pairs",
                    test_index_reindexing_replaces_a_documents_pairs);
    g_test_add_func("/glossary/release/acronyms_and_long_forms_find_each_other",
                    test_release_acronyms_and_long_forms_find_each_other);
    g_test_add_func("/glossary/release/english_queries_find_the_japanese_release",
                    test_release_english_queries_find_the_japanese_release);
    int rc = g_test_run();
    if (corpus_ix)
        ghs_index_close(corpus_ix);
    if (corpus_tmp)
        ghs_test_rm_tree(corpus_tmp);
    g_free(corpus_tmp);
    return rc;
}
