/*
 * test_analyze.c: unit tests of the text analysis (text/analyze.h) on real
 * Japanese and English strings: normalization and width folding, ICU
 * segmentation of mixed-script lines, offsets back into the input, stems,
 * stopwords, positions, sentence ends, language guess, and the promise that
 * index-side and query-side analysis agree.
 *
 * Offsets are checked by slicing the input with them: a highlight drawn from
 * a token must cover exactly the characters the user wrote.
 */
#include "analyze.h"
#include "test_util.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

static ghs_analyzer *A;   /* one analyzer for the whole run, as a thread would */

/* ------------------------------------------------------------ helpers */

static ghs_tokens analyze(const char *s)
{
    ghs_tokens t;
    ghs_error err = {0};

    ghs_tokens_init(&t);
    g_assert_cmpint(ghs_analyze(A, s, strlen(s), 0, &t, &err), ==, 0);
    g_assert_cmpint(err.code, ==, GHS_OK);
    return t;
}

/* The input characters [start, end) of token i, as a new string. */
static char *slice(const char *s, const ghs_token *tok)
{
    size_t len = strlen(s);
    size_t b = ghs_utf8_offset(s, len, tok->start);
    size_t e = ghs_utf8_offset(s, len, tok->end);
    return g_strndup(s + b, e - b);
}

/* Index of the first token with this term, or -1. */
static int find_term(const ghs_tokens *t, const char *term)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i].term, term) == 0)
            return (int)i;
    return -1;
}

/* All terms joined by '|', for readable assertions. */
static char *joined_terms(const ghs_tokens *t)
{
    GString *g = g_string_new(NULL);
    for (size_t i = 0; i < t->n; i++)
        g_string_append_printf(g, "%s%s", i ? "|" : "", t->v[i].term);
    return g_string_free(g, FALSE);
}

static void assert_terms(const char *text, const char *expected)
{
    ghs_tokens t = analyze(text);
    char *got = joined_terms(&t);
    g_assert_cmpstr(got, ==, expected);
    g_free(got);
    ghs_tokens_free(&t);
}

/* Every token's slice of the input, normalized, holds its term: it equals
 * the term unless one input character normalized into several that ICU then
 * split (℃ -> °c gives the word c, whose slice is the whole ℃). Terms with
 * an apostrophe (spelled ' whatever the input used) are left out. */
static size_t assert_slices_hold_terms(const char *text)
{
    ghs_tokens t = analyze(text);
    size_t exact = 0;
    for (size_t i = 0; i < t.n; i++) {
        char *sl = slice(text, &t.v[i]);
        char *norm = ghs_normalize(A, sl, strlen(sl), NULL);
        g_assert_nonnull(norm);
        g_assert_cmpuint(t.v[i].start, <, t.v[i].end);
        if (!strchr(t.v[i].term, '\'')) {
            if (!strstr(norm, t.v[i].term))
                g_error("token %s: input slice \"%s\" normalizes to \"%s\"",
                        t.v[i].term, sl, norm);
            exact += strcmp(norm, t.v[i].term) == 0;
        }
        free(norm);
        g_free(sl);
    }
    ghs_tokens_free(&t);
    return exact;
}

/* ------------------------------------------------------------ tests */

static void test_mixed_line_splits_into_words_with_exact_offsets(void)
{
    const char *s = "2023年のG7広島サミットでユニバーサル・ヘルス・カバレッジ(UHC)を議論";
    static const struct { const char *term, *input; int script; } want[] = {
        {"2023", "2023", GHS_SCRIPT_NUMBER}, {"年", "年", GHS_SCRIPT_CJK},
        {"の", "の", GHS_SCRIPT_CJK}, {"g7", "G7", GHS_SCRIPT_LATIN},
        {"広島", "広島", GHS_SCRIPT_CJK}, {"サミット", "サミット", GHS_SCRIPT_CJK},
        {"で", "で", GHS_SCRIPT_CJK},
        /* A katakana compound is one word, dots left out of its term. */
        {"ユニバーサルヘルスカバレッジ", "ユニバーサル・ヘルス・カバレッジ", GHS_SCRIPT_CJK},
        {"uhc", "UHC", GHS_SCRIPT_LATIN}, {"を", "を", GHS_SCRIPT_CJK},
        {"議論", "議論", GHS_SCRIPT_CJK},
    };
    ghs_tokens t = analyze(s);

    g_assert_cmpuint(t.n, ==, G_N_ELEMENTS(want));
    for (size_t i = 0; i < t.n; i++) {
        char *sl = slice(s, &t.v[i]);
        g_assert_cmpstr(t.v[i].term, ==, want[i].term);
        g_assert_cmpstr(sl, ==, want[i].input);
        g_assert_cmpint(t.v[i].script, ==, want[i].script);
        g_free(sl);
    }
    /* The compound starts after "2023年のG7広島サミットで" and covers its dots. */
    g_assert_cmpuint(t.v[7].start, ==, 15);
    g_assert_cmpuint(t.v[7].end, ==, 31);
    ghs_tokens_free(&t);
}

static void test_full_width_latin_gives_the_same_term_as_ascii(void)
{
    ghs_tokens fw = analyze("ＷＨＯの報告"), as = analyze("WHOの報告");

    g_assert_cmpstr(fw.v[0].term, ==, "who");
    g_assert_cmpstr(as.v[0].term, ==, "who");
    g_assert_cmpstr(fw.v[0].stem, ==, as.v[0].stem);
    g_assert_cmpuint(fw.v[0].start, ==, 0);
    g_assert_cmpuint(fw.v[0].end, ==, 3);
    ghs_tokens_free(&fw);
    ghs_tokens_free(&as);
}

static void test_half_width_katakana_folds_with_offsets_on_the_input(void)
{
    const char *s = "新型ｺﾛﾅｳｲﾙｽとｶﾞｰｾﾞ";
    ghs_tokens t = analyze(s);
    int v = find_term(&t, "コロナウイルス"), g = find_term(&t, "ガーゼ");
    char *sl;

    g_assert_cmpint(v, >=, 0);
    /* The seven half-width characters ｺﾛﾅｳｲﾙｽ (one katakana word), nothing more. */
    g_assert_cmpuint(t.v[v].end - t.v[v].start, ==, 7);
    sl = slice(s, &t.v[v]);
    g_assert_cmpstr(sl, ==, "ｺﾛﾅｳｲﾙｽ");
    g_free(sl);
    /* ｶﾞ is two input characters folded into one (ガ). */
    g_assert_cmpint(g, >=, 0);
    sl = slice(s, &t.v[g]);
    g_assert_cmpstr(sl, ==, "ｶﾞｰｾﾞ");
    g_free(sl);
    ghs_tokens_free(&t);
}

static void test_ligature_is_unfolded_and_stemmed_like_the_plain_word(void)
{
    ghs_tokens lig = analyze("ﬁnancing"), plain = analyze("financing");

    g_assert_cmpuint(lig.n, ==, 1);
    g_assert_cmpstr(lig.v[0].term, ==, "financing");
    g_assert_nonnull(lig.v[0].stem);
    g_assert_cmpstr(lig.v[0].stem, ==, plain.v[0].stem);
    g_assert_cmpstr(lig.v[0].stem, ==, "financ");
    /* One input character (ﬁ) became two (fi); the token still covers the
     * eight characters of the input. */
    g_assert_cmpuint(lig.v[0].end, ==, 8);
    ghs_tokens_free(&lig);
    ghs_tokens_free(&plain);
}

static void test_possessive_s_is_stripped_from_english_words(void)
{
    const char *s = "WHO's report and WHO’s plan";
    ghs_tokens t = analyze(s);
    char *sl;

    g_assert_cmpstr(t.v[0].term, ==, "who");
    g_assert_cmpstr(t.v[3].term, ==, "who");
    sl = slice(s, &t.v[3]);
    g_assert_cmpstr(sl, ==, "WHO");
    g_free(sl);
    /* WHO is the World Health Organization here, not a stopword. */
    g_assert_false(t.v[0].is_stop);
    ghs_tokens_free(&t);
    /* A curly apostrophe inside a word is spelled as typed on a keyboard. */
    assert_terms("Don’t", "don't");
}

static void test_katakana_and_full_width_digits_are_searchable_as_written(void)
{
    ghs_tokens t = analyze("２０２３年パンデミック");

    g_assert_cmpstr(t.v[0].term, ==, "2023");
    g_assert_cmpint(t.v[0].script, ==, GHS_SCRIPT_NUMBER);
    g_assert_null(t.v[0].stem);
    g_assert_cmpint(find_term(&t, "パンデミック"), >=, 0);
    ghs_tokens_free(&t);
    /* Kanji numerals are kept as written. */
    assert_terms("第三回", "第三|回");
}

static void test_ministry_name_segments_into_searchable_parts(void)
{
    /* ICU 72's dictionary splits 厚生労働省 into 厚生|労働|省, so a query for
     * 労働 or 厚生労働省 (which splits the same way) finds it. */
    ghs_tokens t = analyze("厚生労働省");
    char *all = joined_terms(&t);

    g_assert_true(find_term(&t, "労働") >= 0 || find_term(&t, "労働省") >= 0);
    g_assert_cmpuint(t.v[0].start, ==, 0);
    g_assert_cmpuint(t.v[t.n - 1].end, ==, 5);
    g_test_message("厚生労働省 -> %s", all);
    g_free(all);
    ghs_tokens_free(&t);
}

static void test_stopwords_are_flagged_in_both_languages(void)
{
    ghs_tokens en = analyze("the report of the commission");
    ghs_tokens ja = analyze("日本の保健政策");
    int no = find_term(&ja, "の");

    g_assert_true(en.v[0].is_stop);
    g_assert_false(en.v[1].is_stop);
    g_assert_true(en.v[2].is_stop);
    g_assert_false(en.v[4].is_stop);
    g_assert_cmpint(no, >=, 0);
    g_assert_true(ja.v[no].is_stop);
    g_assert_false(ja.v[find_term(&ja, "日本")].is_stop);
    g_assert_true(ghs_is_stopword("en", "the"));
    g_assert_true(ghs_is_stopword("ja", "について"));
    g_assert_false(ghs_is_stopword("ja", "保健"));
    g_assert_false(ghs_is_stopword("fr", "the"));
    ghs_tokens_free(&en);
    ghs_tokens_free(&ja);
}

static void test_question_words_are_japanese_stopwords(void)
{
    /* The passage answering 何年 says 1955年: a question's interrogatives
     * must not be required or ranked, as ICU segments them. */
    ghs_tokens t = analyze("日本共産党が第6回全国協議会を開いたのは何年か。委員長は誰か。いつ");
    int nen = find_term(&t, "何年"), dare = find_term(&t, "誰か"), itsu = find_term(&t, "いつ");
    g_assert_cmpint(nen, >=, 0);
    g_assert_cmpint(dare, >=, 0);
    g_assert_cmpint(itsu, >=, 0);
    g_assert_true(t.v[nen].is_stop);
    g_assert_true(t.v[dare].is_stop);
    g_assert_true(t.v[itsu].is_stop);
    g_assert_false(t.v[find_term(&t, "委員長")].is_stop);
    g_assert_true(ghs_is_stopword("ja", "何"));
    ghs_tokens_free(&t);
}

static void test_positions_increase_and_continue_after_the_gap(void)
{
    ghs_tokens t;
    ghs_error err = {0};
    const char *p1 = "Universal health coverage", *p2 = "保健医療";

    ghs_tokens_init(&t);
    g_assert_cmpint(ghs_analyze(A, p1, strlen(p1), 0, &t, &err), ==, 0);
    g_assert_cmpuint(t.n, ==, 3);
    for (size_t i = 0; i < t.n; i++)
        g_assert_cmpuint(t.v[i].pos, ==, i + 1);
    g_assert_cmpint(ghs_analyze(A, p2, strlen(p2), 100, &t, &err), ==, 0);
    g_assert_cmpuint(t.n, ==, 5);
    g_assert_cmpuint(t.v[3].pos, ==, 3 + 100 + 1);
    g_assert_cmpuint(t.v[4].pos, ==, 3 + 100 + 2);
    /* Offsets of the second call are relative to its own text. */
    g_assert_cmpuint(t.v[3].start, ==, 0);
    ghs_tokens_free(&t);
}

static void test_invalid_utf8_is_replaced_and_never_fails(void)
{
    /* abc, two stray bytes, def, a truncated 3-byte sequence. */
    const char s[] = "abc\xff\xfe" "def\xe3\x81";
    ghs_tokens t;
    ghs_error err = {0};
    char *norm;

    ghs_tokens_init(&t);
    g_assert_cmpint(ghs_analyze(A, s, sizeof s - 1, 0, &t, &err), ==, 0);
    g_assert_cmpuint(t.n, ==, 2);
    g_assert_cmpstr(t.v[1].term, ==, "def");
    /* Each bad byte (and the truncated sequence) counts as one character. */
    g_assert_cmpuint(t.v[1].start, ==, 5);
    g_assert_cmpuint(t.v[1].end, ==, 8);
    g_assert_cmpuint(ghs_utf8_count(s, sizeof s - 1), ==, 9);
    g_assert_cmpuint(ghs_utf8_offset(s, sizeof s - 1, 5), ==, 5);
    ghs_tokens_free(&t);
    norm = ghs_normalize(A, s, sizeof s - 1, &err);
    g_assert_cmpstr(norm, ==, "abc\xef\xbf\xbd\xef\xbf\xbd" "def\xef\xbf\xbd");
    free(norm);
}

static void test_long_unbroken_run_gives_a_term_of_at_most_240_bytes(void)
{
    /* "x" then 2-byte é: 1001 bytes with no break; the cut must not split
     * an é, so the term is 239 bytes. */
    GString *g = g_string_new("x");
    ghs_tokens t;

    for (int i = 0; i < 500; i++)
        g_string_append(g, "é");
    t = analyze(g->str);
    g_assert_cmpuint(t.n, ==, 1);
    g_assert_cmpuint(strlen(t.v[0].term), ==, 239);
    g_assert_true(g_utf8_validate(t.v[0].term, -1, NULL));
    g_assert_cmpuint(t.v[0].end, ==, 501);
    ghs_tokens_free(&t);
    g_string_free(g, TRUE);

    g = g_string_new(NULL);
    for (int i = 0; i < 1000; i++)
        g_string_append_c(g, 'a');
    t = analyze(g->str);
    g_assert_cmpuint(t.n, ==, 1);
    g_assert_cmpuint(strlen(t.v[0].term), ==, 240);
    ghs_tokens_free(&t);
    g_string_free(g, TRUE);
}

static void test_japanese_sentences_end_after_the_full_stop(void)
{
    const char *s = "第一文です。第二文です。";
    uint32_t *ends = NULL;
    size_t n = 0;
    ghs_error err = {0};

    g_assert_cmpint(ghs_sentence_ends(A, s, strlen(s), &ends, &n, &err), ==, 0);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmpuint(ends[0], ==, 6);
    g_assert_cmpuint(ends[1], ==, 12);
    free(ends);
}

static void test_sentence_runs_across_a_wrapped_line_but_not_a_blank_line(void)
{
    /* A PDF line wrap inside the first sentence, a paragraph break after a
     * heading with no full stop. */
    const char *s = "The report covers universal health\n"
                    "coverage in Asia. It was published in 2023\n"
                    "\n"
                    "Financing is next.";
    uint32_t *ends = NULL;
    size_t n = 0;
    ghs_error err = {0};
    size_t wrap = g_utf8_strlen("The report covers universal health\n", -1);
    size_t first = g_utf8_strlen("The report covers universal health\n"
                                 "coverage in Asia. ", -1);
    size_t para = g_utf8_strlen("The report covers universal health\n"
                                "coverage in Asia. It was published in 2023\n\n", -1);

    g_assert_cmpint(ghs_sentence_ends(A, s, strlen(s), &ends, &n, &err), ==, 0);
    g_assert_cmpuint(n, ==, 3);
    g_assert_cmpuint(ends[0], ==, first);  /* not at the wrap */
    g_assert_cmpuint(ends[0], !=, wrap);
    g_assert_cmpuint(ends[1], ==, para);   /* the blank line ends it */
    g_assert_cmpuint(ends[2], ==, g_utf8_strlen(s, -1));
    free(ends);
}

static void test_language_guess_follows_the_script_of_the_letters(void)
{
    const char *ja = "厚生労働省は、ユニバーサル・ヘルス・カバレッジ（UHC）の達成に"
                     "向けて、WHOやGaviと協力して保健システムを強化する。";
    const char *ja_acronyms = "WHO、UNICEF、Gavi、CEPI、Global Fundの役割";
    const char *en = "The Commission recommends that G7 countries strengthen "
                     "primary health care and pandemic preparedness.";
    const char *en_name = "The summit in Hiroshima (広島) adopted a communiqué "
                          "on universal health coverage and financing.";

    g_assert_cmpstr(ghs_detect_lang(ja, strlen(ja)), ==, "ja");
    g_assert_cmpstr(ghs_detect_lang(ja_acronyms, strlen(ja_acronyms)), ==, "ja");
    g_assert_cmpstr(ghs_detect_lang(en, strlen(en)), ==, "en");
    g_assert_cmpstr(ghs_detect_lang(en_name, strlen(en_name)), ==, "en");
    g_assert_cmpstr(ghs_detect_lang("", 0), ==, "en");
}

static void test_index_and_query_analysis_give_identical_terms(void)
{
    /* The indexer analyzes the passage; the searcher analyzes the query
     * words, possibly in another width and case, with another analyzer. */
    const char *passage = "G7広島サミットでは、ユニバーサル・ヘルス・カバレッジ（UHC）の"
                          "財政について議論した。WHO's Financing report.";
    const char *query = "ﾕﾆﾊﾞｰｻﾙ・ﾍﾙｽ・ｶﾊﾞﾚｯｼﾞ 財政 ＷＨＯ financing";
    ghs_error err = {0};
    ghs_analyzer *b = ghs_analyzer_new(&err);
    ghs_tokens t1 = analyze(passage), t2, q;

    g_assert_nonnull(b);
    ghs_tokens_init(&t2);
    g_assert_cmpint(ghs_analyze(b, passage, strlen(passage), 0, &t2, &err), ==, 0);
    g_assert_cmpuint(t1.n, ==, t2.n);
    for (size_t i = 0; i < t1.n; i++) {
        g_assert_cmpstr(t1.v[i].term, ==, t2.v[i].term);
        g_assert_cmpstr(t1.v[i].stem, ==, t2.v[i].stem);
        g_assert_cmpuint(t1.v[i].start, ==, t2.v[i].start);
    }
    ghs_tokens_init(&q);
    g_assert_cmpint(ghs_analyze(b, query, strlen(query), 0, &q, &err), ==, 0);
    for (size_t i = 0; i < q.n; i++) {
        int j = find_term(&t1, q.v[i].term);
        g_test_message("query term %s", q.v[i].term);
        g_assert_cmpint(j, >=, 0);
        g_assert_cmpstr(q.v[i].stem, ==, t1.v[j].stem);
    }
    ghs_tokens_free(&t1);
    ghs_tokens_free(&t2);
    ghs_tokens_free(&q);
    ghs_analyzer_free(b);
}

static void test_normalize_folds_width_and_case(void)
{
    const char *s = "ＷＨＯ ｳｲﾙｽ ２０２３ ﬁnance 第三回";
    char *n = ghs_normalize(A, s, strlen(s), NULL);

    g_assert_cmpstr(n, ==, "who ウイルス 2023 finance 第三回");
    free(n);
}

static void test_real_passages_map_every_token_back_to_its_input(void)
{
    char *path, *contents = NULL;
    char **lines;
    size_t checked = 0, exact = 0;

    path = ghs_test_shared_data("retrieval", "jsquad-valid", "corpus.jsonl", NULL);
    if (!path)
        return;
    if (!g_file_get_contents(path, &contents, NULL, NULL))
        g_error("cannot read %s", path);
    lines = g_strsplit(contents, "\n", 0);
    /* The JSON lines themselves are fine input: escapes and all. */
    for (size_t i = 0; lines[i] && i < 300; i++) {
        if (!*lines[i])
            continue;
        exact += assert_slices_hold_terms(lines[i]);
        checked++;
    }
    g_assert_cmpuint(checked, >, 100);
    g_assert_cmpuint(exact, >, 10000);   /* ~100 words a passage, nearly all exact */
    g_strfreev(lines);
    g_free(contents);
    g_free(path);
}

/* Is word one of the space-separated forms of line? */
static int line_has(const char *line, const char *word)
{
    char **forms = g_strsplit(line, " ", -1);
    int found = g_strv_contains((const char *const *)forms, word);
    g_strfreev(forms);
    return found;
}

/* Words Snowball merges though their meanings differ: each is searched by
 * the forms of its own sense (ghs_stem_sense), which hold its inflections
 * and none of the other words. */
static void test_overstemmed_words_keep_their_own_sense(void)
{
    static const char *const groups[][4] = {
        { "universal", "university", "universe", NULL },
        { "severe", "several", NULL },
        { "emergency", "emerging", NULL },
        { "international", "internal", NULL },
        { "informal", "information", NULL },
        { "public", "publication", NULL },
        { "experience", "experiment", NULL },
        { "organ", "organization", "organic", "organism" },
        { "author", "authority", NULL },
        { "response", "responsible", NULL },
        { "capital", "capitation", NULL },
        { "object", "objective", NULL },
        { "position", "positive", NULL },
        { "execute", "executive", NULL },
        { "ration", "rational", NULL },
        { "integrity", "integration", NULL },
        { "competent", "compete", NULL },
        { "physical", "physics", NULL },
        { "hospital", "hospitality", NULL },
        { "critical", "criticism", NULL },
        { "careful", "caring", NULL },
        { "aids", "aid", NULL },
        { "animal", "animation", NULL },
    };
    for (size_t g = 0; g < G_N_ELEMENTS(groups); g++) {
        ghs_tokens first = analyze(groups[g][0]);
        for (size_t i = 0; i < 4 && groups[g][i]; i++) {
            const char *w = groups[g][i];
            ghs_tokens t = analyze(w);
            /* The stemmer does merge them: that is why they are listed. */
            g_assert_cmpstr(t.v[0].stem, ==, first.v[0].stem);
            const char *sense = ghs_stem_sense(w);
            g_assert_nonnull(sense);
            g_assert_true(line_has(sense, w));
            /* Every form of the line leads back to the line. */
            char **forms = g_strsplit(sense, " ", -1);
            for (char **f = forms; *f; f++)
                g_assert_true(ghs_stem_sense(*f) == sense);
            g_strfreev(forms);
            for (size_t j = 0; j < 4 && groups[g][j]; j++)
                if (j != i)
                    g_assert_false(line_has(sense, groups[g][j]));
            ghs_tokens_free(&t);
        }
        ghs_tokens_free(&first);
    }
    g_assert_true(line_has(ghs_stem_sense("universal"), "universally"));
    g_assert_true(line_has(ghs_stem_sense("university"), "universities"));
    /* Other words keep their stem. */
    g_assert_null(ghs_stem_sense("health"));
    g_assert_null(ghs_stem_sense("financing"));
    g_assert_null(ghs_stem_sense("univers"));
    g_assert_null(ghs_stem_sense(""));
}

/* ---------------------------------------------- stored segmentation */

static void assert_same_tokens(const ghs_tokens *x, const ghs_tokens *y)
{
    g_assert_cmpuint(x->n, ==, y->n);
    g_assert_cmpuint(x->n_parts, ==, y->n_parts);
    for (size_t i = 0; i < x->n + x->n_parts; i++) {
        const ghs_token *a = i < x->n ? &x->v[i] : &x->parts[i - x->n];
        const ghs_token *b = i < y->n ? &y->v[i] : &y->parts[i - y->n];
        g_assert_cmpstr(a->term, ==, b->term);
        g_assert_cmpstr(a->stem, ==, b->stem);
        g_assert_cmpuint(a->pos, ==, b->pos);
        g_assert_cmpuint(a->start, ==, b->start);
        g_assert_cmpuint(a->end, ==, b->end);
        g_assert_cmpuint(a->script, ==, b->script);
        g_assert_cmpuint(a->is_stop, ==, b->is_stop);
    }
}

static const char *const SEG_TEXTS[] = {
    "ユニバーサル・ヘルス・カバレッジ（UHC）の達成に向けた財政支援を行う。",
    "プライマリ・ヘルス・ケアとコロナウイルス対策、ｻｰﾊﾞｰの２０２３年度予算。",
    "The WHO's 100 Days Mission: diagnostics, vaccines and therapeutics.",
    "いすゞ自動車のゝゞヽヾ表記と COVID-19 ワクチンの公平なアクセス（MCM）。",
    "",
    "。、！",
};

/* What ghs_analyze_keep hands out, given back to ghs_analyze_stored, gives
 * the tokens ghs_analyze gives: the searcher's highlights, windows and
 * duplicates do not change when the indexer stored the segmentation. */
static void test_stored_segmentation_gives_the_same_tokens(void)
{
    for (size_t k = 0; k < G_N_ELEMENTS(SEG_TEXTS); k++) {
        const char *s = SEG_TEXTS[k];
        ghs_error err = {0};
        ghs_tokens kept, stored;
        char *seg = NULL;
        size_t seg_len = 0;
        ghs_tokens fresh = analyze(s);
        ghs_tokens_init(&kept);
        ghs_tokens_init(&stored);
        g_assert_cmpint(ghs_analyze_keep(A, s, strlen(s), 0, &kept, &seg, &seg_len, &err), ==,
                        0);
        g_assert_nonnull(seg);
        assert_same_tokens(&fresh, &kept);
        /* Another text analyzed in between: nothing is left over from it. */
        ghs_tokens other = analyze(SEG_TEXTS[(k + 1) % G_N_ELEMENTS(SEG_TEXTS)]);
        g_assert_cmpint(ghs_analyze_stored(A, s, strlen(s), seg, seg_len, 0, &stored, &err),
                        ==, 0);
        assert_same_tokens(&fresh, &stored);
        ghs_tokens_free(&other);
        ghs_tokens_free(&fresh);
        ghs_tokens_free(&kept);
        ghs_tokens_free(&stored);
        free(seg);
    }
}

/* A segmentation of another text, a cut one, garbage or none is never
 * applied: the text is segmented afresh. */
static void test_stored_segmentation_of_other_text_is_not_used(void)
{
    const char *s = SEG_TEXTS[0], *t = SEG_TEXTS[1];
    ghs_error err = {0};
    ghs_tokens kept;
    char *seg = NULL;
    size_t seg_len = 0;
    ghs_tokens_init(&kept);
    g_assert_cmpint(ghs_analyze_keep(A, t, strlen(t), 0, &kept, &seg, &seg_len, &err), ==, 0);
    ghs_tokens fresh = analyze(s);
    const char garbage[] = "\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f";
    struct { const char *seg; size_t len; } bad[] = {
        { seg, seg_len }, { seg, seg_len / 2 }, { garbage, sizeof garbage - 1 },
        { NULL, 0 }, { "", 0 }, { "\x02", 1 },
    };
    for (size_t k = 0; k < G_N_ELEMENTS(bad); k++) {
        ghs_tokens got;
        ghs_tokens_init(&got);
        g_assert_cmpint(ghs_analyze_stored(A, s, strlen(s), bad[k].seg, bad[k].len, 0, &got,
                                           &err), ==, 0);
        assert_same_tokens(&fresh, &got);
        ghs_tokens_free(&got);
    }
    ghs_tokens_free(&fresh);
    ghs_tokens_free(&kept);
    free(seg);
}

int main(int argc, char **argv)
{
    ghs_error err = {0};
    int rc;

    g_test_init(&argc, &argv, NULL);
    A = ghs_analyzer_new(&err);
    if (!A)
        g_error("cannot create the analyzer: %s", err.message);

    g_test_add_func("/analyze/mixed_line_splits_into_words_with_exact_offsets",
                    test_mixed_line_splits_into_words_with_exact_offsets);
    g_test_add_func("/analyze/full_width_latin_gives_the_same_term_as_ascii",
                    test_full_width_latin_gives_the_same_term_as_ascii);
    g_test_add_func("/analyze/half_width_katakana_folds_with_offsets_on_the_input",
                    test_half_width_katakana_folds_with_offsets_on_the_input);
    g_test_add_func("/analyze/ligature_is_unfolded_and_stemmed_like_the_plain_word",
                    test_ligature_is_unfolded_and_stemmed_like_the_plain_word);
    g_test_add_func("/analyze/possessive_s_is_stripped_from_english_words",
                    test_possessive_s_is_stripped_from_english_words);
    g_test_add_func("/analyze/katakana_and_full_width_digits_are_searchable_as_written",
                    test_katakana_and_full_width_digits_are_searchable_as_written);
    g_test_add_func("/analyze/ministry_name_segments_into_searchable_parts",
                    test_ministry_name_segments_into_searchable_parts);
    g_test_add_func("/analyze/stopwords_are_flagged_in_both_languages",
                    test_stopwords_are_flagged_in_both_languages);
    g_test_add_func("/analyze/question_words_are_japanese_stopwords",
                    test_question_words_are_japanese_stopwords);
    g_test_add_func("/analyze/positions_increase_and_continue_after_the_gap",
                    test_positions_increase_and_continue_after_the_gap);
    g_test_add_func("/analyze/invalid_utf8_is_replaced_and_never_fails",
                    test_invalid_utf8_is_replaced_and_never_fails);
    g_test_add_func("/analyze/long_unbroken_run_gives_a_term_of_at_most_240_bytes",
                    test_long_unbroken_run_gives_a_term_of_at_most_240_bytes);
    g_test_add_func("/analyze/japanese_sentences_end_after_the_full_stop",
                    test_japanese_sentences_end_after_the_full_stop);
    g_test_add_func("/analyze/sentence_runs_across_a_wrapped_line_but_not_a_blank_line",
                    test_sentence_runs_across_a_wrapped_line_but_not_a_blank_line);
    g_test_add_func("/analyze/language_guess_follows_the_script_of_the_letters",
                    test_language_guess_follows_the_script_of_the_letters);
    g_test_add_func("/analyze/index_and_query_analysis_give_identical_terms",
                    test_index_and_query_analysis_give_identical_terms);
    g_test_add_func("/analyze/normalize_folds_width_and_case",
                    test_normalize_folds_width_and_case);
    g_test_add_func("/analyze/real_passages_map_every_token_back_to_its_input",
                    test_real_passages_map_every_token_back_to_its_input);
    g_test_add_func("/analyze/overstemmed_words_keep_their_own_sense",
                    test_overstemmed_words_keep_their_own_sense);

    g_test_add_func("/analyze/stored_segmentation_gives_the_same_tokens",
                    test_stored_segmentation_gives_the_same_tokens);
    g_test_add_func("/analyze/stored_segmentation_of_other_text_is_not_used",
                    test_stored_segmentation_of_other_text_is_not_used);

    rc = g_test_run();
    ghs_analyzer_free(A);
    return rc;
}
