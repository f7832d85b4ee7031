/*
 * test_snippet.c: what a hit shows of its passage (searcher/window.c) and
 * passages repeated across documents shown once (searcher/dedupe.c).
 *
 * Window tests call ghs_window_pick on English and Japanese passages and
 * check what a reader sees: the sentences holding the matches, "…" exactly
 * where text was cut, no window edge inside a word (any word of the
 * analyzer, a compound joined by "・" or "-", a highlight), highlights that
 * slice the shown text to the matched words. Duplicate tests index texts
 * through the public API and search them.
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "ghsearch.h"
#include "window.h"
#include "test_util.h"

#define ELLIPSIS "\xE2\x80\xA6"

static ghs_analyzer *an;

/* ---------------------------------------------------------------- helpers */

static char *cp_slice(const char *s, long start, long end)
{
    const char *a = g_utf8_offset_to_pointer(s, start);
    const char *b = g_utf8_offset_to_pointer(s, end);
    return g_strndup(a, (gsize)(b - a));
}

static gint cmp_span(gconstpointer a, gconstpointer b)
{
    return ((const ghs_span *)a)->start - ((const ghs_span *)b)->start;
}

/* Every occurrence of each of words (NULL-terminated) in text, as code
 * point spans in order: the highlights a search for those words gives. */
static GArray *spans_of(const char *text, const char *const *words)
{
    GArray *v = g_array_new(FALSE, FALSE, sizeof(ghs_span));
    for (const char *const *w = words; *w; w++) {
        for (const char *p = strstr(text, *w); p; p = strstr(p + 1, *w)) {
            ghs_span s;
            s.start = (int)g_utf8_pointer_to_offset(text, p);
            s.end = s.start + (int)g_utf8_strlen(*w, -1);
            g_array_append_val(v, s);
        }
    }
    g_array_sort(v, cmp_span);
    return v;
}

static ghs_window pick(const char *text, GArray *hl, uint32_t max)
{
    ghs_window w;
    ghs_error err = {0};
    int rc = ghs_window_pick(an, text, strlen(text), (const ghs_span *)(void *)hl->data,
                             hl->len, max, &w, &err);
    if (rc)
        g_error("window: %s", err.message);
    return w;
}

/* What every window must be, whatever the passage: the shown text is the
 * passage's [start, end) with "…" exactly where non-blank text was left
 * out; no edge inside a word of the analyzer; no blank at the edges; each
 * highlight inside the window comes back whole, slicing the shown text to
 * the same word. Returns the shown text without its marks. */
static char *check_window(const char *text, GArray *hl, const ghs_window *w)
{
    long n = g_utf8_strlen(text, -1);
    g_assert_cmpuint(w->start, <, w->end);
    g_assert_cmpuint(w->end, <=, n);
    char *body = cp_slice(text, w->start, w->end);
    gboolean pre = w->start > 0, post = (long)w->end < n;
    char *want = g_strconcat(pre ? ELLIPSIS : "", body, post ? ELLIPSIS : "", NULL);
    g_assert_cmpstr(w->text, ==, want);
    g_free(want);
    g_assert_false(g_unichar_isspace(g_utf8_get_char(body)));
    g_assert_false(g_unichar_isspace(g_utf8_get_char(g_utf8_prev_char(body + strlen(body)))));

    ghs_tokens toks;
    ghs_tokens_init(&toks);
    g_assert_cmpint(ghs_analyze(an, text, strlen(text), 0, &toks, NULL), ==, 0);
    for (size_t i = 0; i < toks.n; i++) {
        const ghs_token *t = &toks.v[i];
        if ((t->start < w->start && w->start < t->end) || (t->start < w->end && w->end < t->end))
            g_error("window [%u,%u) cuts the word '%s' [%u,%u)", w->start, w->end, t->term,
                    t->start, t->end);
    }
    ghs_tokens_free(&toks);

    size_t inside = 0;
    for (guint i = 0; i < hl->len; i++) {
        ghs_span s = g_array_index(hl, ghs_span, i);
        if (s.end <= (int)w->start || s.start >= (int)w->end)
            continue;
        g_assert_cmpint(s.start, >=, (int)w->start);   /* never split */
        g_assert_cmpint(s.end, <=, (int)w->end);
        g_assert_cmpuint(inside, <, w->n_spans);
        char *a = cp_slice(text, s.start, s.end);
        char *b = cp_slice(w->text, w->spans[inside].start, w->spans[inside].end);
        g_assert_cmpstr(a, ==, b);
        g_free(a);
        g_free(b);
        inside++;
    }
    g_assert_cmpuint(inside, ==, w->n_spans);
    return body;
}

/* ---------------------------------------------------------------- windows */

static void test_short_passage_is_shown_whole(void)
{
    const char *text = "保健財政の持続可能性は、ユニバーサル・ヘルス・カバレッジを守るための前提である。";
    const char *words[] = { "保健財政", NULL };
    GArray *hl = spans_of(text, words);
    ghs_window w = pick(text, hl, GHS_WINDOW_MAX);
    g_assert_cmpstr(w.text, ==, text);
    g_assert_cmpuint(w.start, ==, 0);
    g_assert_cmpuint(w.end, ==, g_utf8_strlen(text, -1));
    g_assert_cmpuint(w.n_spans, ==, 1);
    g_assert_cmpint(w.spans[0].start, ==, 0);
    g_assert_cmpint(w.spans[0].end, ==, 4);
    ghs_window_clear(&w);
    g_array_free(hl, TRUE);
}

static const char *const en_sentences[] = {
    "The brief opens with the lessons that countries drew from the last five years of crisis response. ",
    "It then turns to the institutions that coordinate the response across borders and sectors. ",
    "Universal health coverage protects people from catastrophic spending when they fall ill. ",
    "Sustainable health financing lets countries keep services running when a crisis strikes. ",
    "The annex lists the meetings at which the recommendations were discussed and agreed. ",
    "A glossary at the end explains the abbreviations used throughout the document for readers. ",
};

static void test_english_window_is_the_sentences_with_the_matches_marked_where_cut(void)
{
    GString *g = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(en_sentences); i++)
        g_string_append(g, en_sentences[i]);
    g_strchomp(g->str);
    const char *words[] = { "health", "financing", "coverage", NULL };
    GArray *hl = spans_of(g->str, words);
    ghs_window w = pick(g->str, hl, GHS_WINDOW_MAX);
    char *body = check_window(g->str, hl, &w);
    /* Sentences 3 and 4 hold every match; sentences 1 and 6 are out. */
    g_assert_true(g_str_has_prefix(w.text, ELLIPSIS));
    g_assert_true(g_str_has_suffix(w.text, ELLIPSIS));
    g_assert_nonnull(strstr(body, "Universal health coverage protects"));
    g_assert_nonnull(strstr(body, "keep services running when a crisis strikes."));
    g_assert_null(strstr(body, "The brief opens"));
    g_assert_null(strstr(body, "glossary"));
    g_assert_cmpuint(w.end - w.start, <=, GHS_WINDOW_MAX);
    /* It starts and ends on sentence boundaries. */
    g_assert_true(g_str_has_suffix(body, "."));
    g_assert_true(g_ascii_isupper(body[0]));
    g_assert_cmpuint(w.n_spans, ==, hl->len);
    g_free(body);
    ghs_window_clear(&w);
    g_array_free(hl, TRUE);
    g_string_free(g, TRUE);
}

static void test_window_prefers_the_sentence_with_more_distinct_words(void)
{
    /* "health" three times early; "health" and "financing" once each late. */
    const char *text =
        "Health workers, health ministries and health partners met in Geneva for two days. "
        "They reviewed the lessons of the pandemic at length, one region after another. "
        "Reports from every region were read out and discussed by the delegates at length. "
        "Observers from civil society followed the debate and took notes for their members. "
        "The final statement calls for better health financing in every country.";
    const char *words[] = { "health", "Health", "financing", NULL };
    GArray *hl = spans_of(text, words);
    ghs_window w = pick(text, hl, 160);
    char *body = check_window(text, hl, &w);
    g_assert_nonnull(strstr(body, "better health financing"));
    g_assert_null(strstr(body, "Geneva"));
    g_assert_true(g_str_has_prefix(w.text, ELLIPSIS));
    g_assert_false(g_str_has_suffix(w.text, ELLIPSIS));   /* the passage's end */
    g_free(body);
    ghs_window_clear(&w);
    g_array_free(hl, TRUE);
}

static void test_window_at_the_start_has_no_leading_mark(void)
{
    GString *g = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(en_sentences); i++)
        g_string_append(g, en_sentences[i]);
    g_strchomp(g->str);
    const char *words[] = { "lessons", NULL };
    GArray *hl = spans_of(g->str, words);
    ghs_window w = pick(g->str, hl, GHS_WINDOW_MAX);
    char *body = check_window(g->str, hl, &w);
    g_assert_cmpuint(w.start, ==, 0);
    g_assert_true(g_str_has_prefix(w.text, "The brief opens"));
    g_assert_true(g_str_has_suffix(w.text, "." ELLIPSIS));
    g_free(body);
    ghs_window_clear(&w);
    g_array_free(hl, TRUE);
}

static const char *const ja_sentences[] = {
    "本ブリーフは、二〇二三年の国際保健をめぐる議論を整理し、各国が取るべき行動を示すものである。",
    "第一章では、過去の健康危機から得られた教訓を振り返り、その背景にある制度の課題を論じる。",
    "保健財政の強化は、ユニバーサル・ヘルス・カバレッジを持続させるための前提である。",
    "危機の際に追加の資金を素早く動かす仕組みも、平時の保健財政の強さに左右される。",
    "第三章では、感染症危機対応医薬品等への公平なアクセスを確保するための国際協力を扱う。",
    "付録には、提言の議論に参加した専門家と関係機関の一覧を掲載している。",
};

static void test_japanese_window_is_the_sentences_with_the_matches_marked_where_cut(void)
{
    GString *g = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(ja_sentences); i++)
        g_string_append(g, ja_sentences[i]);
    const char *words[] = { "保健財政", "ユニバーサル・ヘルス・カバレッジ", NULL };
    GArray *hl = spans_of(g->str, words);
    /* 50-code-point sentences: a window of 120 holds two. */
    ghs_window w = pick(g->str, hl, 120);
    char *body = check_window(g->str, hl, &w);
    g_assert_cmpstr(body, ==, "保健財政の強化は、ユニバーサル・ヘルス・カバレッジを持続させるための前提である。"
                              "危機の際に追加の資金を素早く動かす仕組みも、平時の保健財政の強さに左右される。");
    g_assert_true(g_str_has_prefix(w.text, ELLIPSIS "保健財政の強化"));
    g_assert_true(g_str_has_suffix(w.text, "左右される。" ELLIPSIS));
    /* Highlights count the leading "…" as one code point. */
    g_assert_cmpuint(w.n_spans, ==, 3);
    g_assert_cmpint(w.spans[0].start, ==, 1);
    g_assert_cmpint(w.spans[0].end, ==, 5);
    char *s = cp_slice(w.text, w.spans[1].start, w.spans[1].end);
    g_assert_cmpstr(s, ==, "ユニバーサル・ヘルス・カバレッジ");
    g_free(s);
    g_free(body);
    ghs_window_clear(&w);
    g_array_free(hl, TRUE);
    g_string_free(g, TRUE);
}

static void test_long_english_sentence_is_cut_between_words_not_inside_compounds(void)
{
    /* One sentence of ~700 code points: no sentence boundary to use. */
    GString *g = g_string_new("During the response to COVID-19 ");
    for (int i = 0; i < 9; i++)
        g_string_append(g, "the partners shared data on COVID-19 cases, tests and long-term care, ");
    g_string_append(g, "and diagnostics reached the districts ");
    for (int i = 0; i < 3; i++)
        g_string_append(g, "while COVID-19 vaccines and follow-up supplies moved in parallel, ");
    g_string_append(g, "which is the point.");
    const char *words[] = { "diagnostics", NULL };
    GArray *hl = spans_of(g->str, words);
    ghs_window w = pick(g->str, hl, GHS_WINDOW_MAX);
    char *body = check_window(g->str, hl, &w);
    g_assert_true(g_str_has_prefix(w.text, ELLIPSIS));
    g_assert_true(g_str_has_suffix(w.text, ELLIPSIS));
    g_assert_nonnull(strstr(body, "diagnostics"));
    g_assert_cmpuint(w.end - w.start, <=, GHS_WINDOW_MAX);
    g_assert_cmpuint(w.end - w.start, >=, GHS_WINDOW_MAX / 3);
    /* The edges sit next to a space or punctuation, never inside
     * "COVID-19" or "long-term" or "follow-up". */
    gunichar before = g_utf8_get_char(g_utf8_offset_to_pointer(g->str, w.start - 1));
    gunichar after = g_utf8_get_char(g_utf8_offset_to_pointer(g->str, w.end));
    g_assert_true(g_unichar_isspace(before) || g_unichar_ispunct(before));
    g_assert_true(g_unichar_isspace(after) || g_unichar_ispunct(after));
    g_assert_cmpint(before, !=, '-');
    g_assert_cmpint(after, !=, '-');
    g_assert_false(g_str_has_prefix(body, "19"));
    g_assert_false(g_str_has_suffix(body, "-"));
    g_free(body);
    ghs_window_clear(&w);
    g_array_free(hl, TRUE);
    g_string_free(g, TRUE);
}

static void test_long_japanese_sentence_is_cut_between_words_keeping_katakana_compounds(void)
{
    /* One sentence of ~600 code points with 、 between clauses. */
    GString *g = g_string_new(NULL);
    for (int i = 0; i < 8; i++)
        g_string_append(g, "各国はユニバーサル・ヘルス・カバレッジの実現に向けて保健人材を育て、");
    g_string_append(g, "感染症危機対応医薬品等への公平なアクセスを確保し、");
    for (int i = 0; i < 8; i++)
        g_string_append(g, "地域のプライマリ・ヘルス・ケアを支える仕組みを整えながら、");
    g_string_append(g, "危機に備える。");
    const char *words[] = { "公平なアクセス", NULL };
    GArray *hl = spans_of(g->str, words);
    ghs_window w = pick(g->str, hl, GHS_WINDOW_MAX);
    char *body = check_window(g->str, hl, &w);
    g_assert_nonnull(strstr(body, "公平なアクセス"));
    g_assert_true(g_str_has_prefix(w.text, ELLIPSIS));
    g_assert_true(g_str_has_suffix(w.text, ELLIPSIS));
    g_assert_cmpuint(w.end - w.start, <=, GHS_WINDOW_MAX);
    /* Never starts or ends in a compound: not next to "・". */
    g_assert_false(g_str_has_prefix(body, "・"));
    g_assert_false(g_str_has_suffix(body, "・"));
    g_assert_cmpint(g_utf8_get_char(g_utf8_offset_to_pointer(g->str, w.start - 1)), !=, 0x30FB);
    g_assert_cmpint(g_utf8_get_char(g_utf8_offset_to_pointer(g->str, w.end)), !=, 0x30FB);
    /* Cut at the clause commas: after "、", before a new clause. */
    g_assert_true(g_str_has_suffix(body, "、"));
    g_free(body);
    ghs_window_clear(&w);
    g_array_free(hl, TRUE);
    g_string_free(g, TRUE);
}

static void test_a_highlight_is_never_split_by_a_cut(void)
{
    /* A highlight spanning two words across a space, where a narrow window
     * would like to cut: the window holds it whole. */
    GString *g = g_string_new(NULL);
    for (int i = 0; i < 20; i++)
        g_string_append(g, "many words without any sentence end go on and on ");
    g_string_append(g, "until health financing appears ");
    for (int i = 0; i < 20; i++)
        g_string_append(g, "and more words follow without any end at all ");
    g_strchomp(g->str);
    const char *words[] = { "health financing", NULL };
    GArray *hl = spans_of(g->str, words);
    g_assert_cmpuint(hl->len, ==, 1);
    for (uint32_t max = 20; max <= 60; max += 4) {
        ghs_window w = pick(g->str, hl, max);
        char *body = check_window(g->str, hl, &w);
        g_assert_cmpuint(w.n_spans, ==, 1);
        g_free(body);
        ghs_window_clear(&w);
    }
    g_array_free(hl, TRUE);
    g_string_free(g, TRUE);
}

static void test_invalid_utf8_is_shown_whole(void)
{
    GString *g = g_string_new(NULL);
    for (int i = 0; i < 40; i++)
        g_string_append(g, "Health financing matters. ");
    g_string_append(g, "\xff\xfe end.");
    ghs_span s = { 0, 6 };
    ghs_window w;
    g_assert_cmpint(ghs_window_pick(an, g->str, g->len, &s, 1, GHS_WINDOW_MAX, &w, NULL), ==, 0);
    g_assert_cmpuint(w.start, ==, 0);
    g_assert_cmpmem(w.text, strlen(w.text), g->str, g->len);
    g_assert_cmpuint(w.n_spans, ==, 1);
    ghs_window_clear(&w);
    g_string_free(g, TRUE);
}

/* ---------------------------------------------------------------- searching */

static char *db_dir;

static void add(ghs_index *ix, const char *id, const char *title, const char *lang,
                const char *text)
{
    ghs_meta m = { .id = id, .title = title, .lang = lang, .date = "2023-05-01",
                   .publisher = "JCIE" };
    ghs_error err = {0};
    if (ghs_index_add_text(ix, &m, text, strlen(text), NULL, &err))
        g_error("add %s: %s", id, err.message);
}

/* Bodies longer than a passage's target size (320), so the footer after
 * them is a passage of its own. */
#define BODY_EN(topic) \
    "This note reviews " topic " in detail for readers in ministries and agencies. " \
    "It summarises the evidence gathered during the last three years of work. " \
    "It also lists the open questions that the partners want to study next year. " \
    "Each section ends with a short list of actions for national governments. " \
    "The annex gives the sources of every figure quoted in the main text.\n\n"
#define FOOTER_EN "Questions about this series go to the press office at the secretariat."
#define BODY_JA(topic) \
    "本資料は" topic "について、各国の省庁や関係機関の読者に向けて詳しく整理したものである。" \
    "過去三年間の取り組みで集められた根拠を要約し、今後の検討課題を示す。" \
    "各節の最後には、各国政府が取るべき行動を短く挙げている。" \
    "本文で引用した数字の出典は、すべて付録に掲載した。" \
    "読者からの意見は次の改訂に反映する予定である。" \
    "用語の定義は巻末の用語集にまとめ、略語は初出の箇所で正式な名称を示した。" \
    "図表の数値は四捨五入しているため、合計が一致しない場合がある。" \
    "地域ごとの事例は、現地の保健当局と協力して集めたものである。" \
    "本資料の内容は作成時点の情報に基づいている。" \
    "本資料は" topic "に関する連続資料の一つであり、ほかの資料と合わせて読まれることを想定している。\n\n"

static void build_index(void)
{
    ghs_index *ix = ghs_test_index_new("ghs-snippet-XXXXXX", &db_dir);
    add(ix, "note-a", "Note A", "en", BODY_EN("vaccine supply") FOOTER_EN);
    /* The same footer with other spacing and case. */
    add(ix, "note-b", "Note B", "en",
        BODY_EN("health workforce") "QUESTIONS about this series go to the press office\n"
        "at  the   secretariat.");
    add(ix, "note-c", "Note C", "en", BODY_EN("laboratory networks") FOOTER_EN);
    /* One word different: not the same passage. */
    add(ix, "note-d", "Note D", "en",
        BODY_EN("border health") "Questions about this series go to the press desk at the secretariat.");
    add(ix, "note-e", "Note E", "en", "The press office answers questions on weekdays.");
    /* Japanese: the same footer, once with full-width digits and letters. */
    add(ix, "memo-ja-1", "資料一", "ja",
        BODY_JA("保健財政") "お問い合わせは広報担当（電話03-1234-5678、WHO連絡室）までお寄せください。");
    add(ix, "memo-ja-2", "資料二", "ja",
        BODY_JA("保健人材") "お問い合わせは広報担当（電話０３－１２３４－５６７８、ＷＨＯ連絡室）までお寄せください。");
    ghs_test_index_finish(ix);
}

static ghs_results *search(const char *q, size_t limit, size_t offset, size_t per_doc)
{
    ghs_search_opts o = { .limit = limit, .offset = offset, .per_doc = per_doc };
    return ghs_test_search(db_dir, q, &o);
}


static void test_a_footer_on_several_documents_is_shown_once_with_its_other_places(void)
{
    ghs_results *r = search("\"press office\"", 10, 0, 1);
    /* note-a, note-b, note-c carry the footer; note-e says "press office"
     * in its own words. */
    const ghs_hit *kept = NULL;
    size_t footers = 0;
    for (size_t i = 0; i < ghs_results_count(r); i++) {
        const ghs_hit *h = ghs_results_hit(r, i);
        g_assert_cmpint(h->rank, ==, (int)i + 1);
        if (strstr(h->full_passage, "series go to the press office") ||
            strstr(h->full_passage, "series go to the press office\nat")) {
            footers++;
            kept = h;
        }
    }
    g_assert_cmpuint(footers, ==, 1);
    g_assert_nonnull(kept);
    g_assert_nonnull(ghs_test_hit_of(r, "note-e"));
    g_assert_cmpuint(kept->n_also_in, ==, 2);
    GPtrArray *docs = g_ptr_array_new();
    g_ptr_array_add(docs, (gpointer)kept->doc);
    for (size_t i = 0; i < kept->n_also_in; i++) {
        g_assert_cmpint(kept->also_in[i].page, ==, 0);
        g_assert_true(g_str_has_prefix(kept->also_in[i].title, "Note "));
        g_ptr_array_add(docs, (gpointer)kept->also_in[i].doc);
    }
    /* The three places, each once. */
    for (const char *const *d = (const char *const[]){ "note-a", "note-b", "note-c", NULL }; *d; d++) {
        guint at;
        g_assert_true(g_ptr_array_find_with_equal_func(docs, *d, g_str_equal, &at));
    }
    /* A footer one word different stays a hit of its own. */
    const ghs_hit *d = NULL;
    ghs_results_free(r);
    r = search("secretariat", 10, 0, 1);
    d = ghs_test_hit_of(r, "note-d");
    g_assert_nonnull(d);
    g_assert_cmpuint(d->n_also_in, ==, 0);
    g_assert_cmpuint(ghs_results_count(r), ==, 2);
    g_ptr_array_free(docs, TRUE);
    ghs_results_free(r);
}

static void test_doc_rank_and_paging_count_the_hits_left(void)
{
    ghs_results *all = search("secretariat", 10, 0, 1);
    g_assert_cmpuint(ghs_results_count(all), ==, 2);
    g_assert_cmpint(ghs_results_hit(all, 0)->doc_rank, ==, 1);
    g_assert_cmpint(ghs_results_hit(all, 1)->doc_rank, ==, 2);
    /* The second page starts at the second distinct hit, not at a copy,
     * and numbers on from the first: rank 2. */
    ghs_results *second = search("secretariat", 1, 1, 1);
    g_assert_cmpuint(ghs_results_count(second), ==, 1);
    g_assert_cmpstr(ghs_results_hit(second, 0)->doc, ==, ghs_results_hit(all, 1)->doc);
    g_assert_cmpint(ghs_results_hit(second, 0)->rank, ==, 2);
    g_assert_cmpint(ghs_results_hit(second, 0)->doc_rank, ==, 2);
    ghs_results_free(second);
    ghs_results *third = search("secretariat", 1, 2, 1);
    g_assert_cmpuint(ghs_results_count(third), ==, 0);
    ghs_results_free(third);
    ghs_results_free(all);
}

static void test_a_japanese_footer_in_other_widths_is_shown_once(void)
{
    ghs_results *r = search("広報担当", 10, 0, 1);
    g_assert_cmpuint(ghs_results_count(r), ==, 1);
    const ghs_hit *h = ghs_results_hit(r, 0);
    g_assert_cmpuint(h->n_also_in, ==, 1);
    g_assert_cmpstr(h->also_in[0].doc, ==,
                    strcmp(h->doc, "memo-ja-1") == 0 ? "memo-ja-2" : "memo-ja-1");
    g_assert_cmpstr(h->also_in[0].title, ==,
                    strcmp(h->doc, "memo-ja-1") == 0 ? "資料二" : "資料一");
    ghs_results_free(r);
    /* Their bodies differ: both documents come back. */
    r = search("本資料 各国", 10, 0, 1);
    g_assert_nonnull(ghs_test_hit_of(r, "memo-ja-1"));
    g_assert_nonnull(ghs_test_hit_of(r, "memo-ja-2"));
    ghs_results_free(r);
}

static void test_a_hit_shows_its_window_and_keeps_the_full_passage(void)
{
    ghs_results *r = search("evidence gathered", 10, 0, 1);
    const ghs_hit *h = ghs_test_hit_of(r, "note-a");
    g_assert_nonnull(h);
    long full = g_utf8_strlen(h->full_passage, -1);
    g_assert_cmpint(full, >, GHS_WINDOW_MAX);
    g_assert_cmpint(h->window_end - h->window_start, <=, GHS_WINDOW_MAX);
    g_assert_true(g_str_has_suffix(h->passage, ELLIPSIS));
    char *body = cp_slice(h->full_passage, h->window_start, h->window_end);
    g_assert_nonnull(strstr(h->passage, body));
    g_assert_nonnull(strstr(body, "evidence gathered"));
    g_free(body);
    /* The highlights index the shown text and map into the full passage. */
    g_assert_cmpuint(h->n_highlights, ==, 2);
    int lead = g_str_has_prefix(h->passage, ELLIPSIS) ? 1 : 0;
    for (size_t i = 0; i < h->n_highlights; i++) {
        char *a = cp_slice(h->passage, h->highlights[i].start, h->highlights[i].end);
        char *b = cp_slice(h->full_passage, h->highlights[i].start - lead + h->window_start,
                           h->highlights[i].end - lead + h->window_start);
        g_assert_cmpstr(a, ==, i == 0 ? "evidence" : "gathered");
        g_assert_cmpstr(a, ==, b);
        g_free(a);
        g_free(b);
    }
    ghs_results_free(r);
    /* A short passage is shown whole: the same text, nothing cut. */
    r = search("weekdays", 10, 0, 1);
    h = ghs_results_hit(r, 0);
    g_assert_cmpstr(h->passage, ==, h->full_passage);
    g_assert_cmpint(h->window_start, ==, 0);
    g_assert_cmpint(h->window_end, ==, g_utf8_strlen(h->full_passage, -1));
    ghs_results_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ghs_error err = {0};
    an = ghs_analyzer_new(&err);
    if (!an)
        g_error("analyzer: %s", err.message);
    build_index();
    g_test_add_func("/snippet/short_passage_is_shown_whole", test_short_passage_is_shown_whole);
    g_test_add_func("/snippet/english_window_is_the_sentences_with_the_matches_marked_where_cut",
                    test_english_window_is_the_sentences_with_the_matches_marked_where_cut);
    g_test_add_func("/snippet/window_prefers_the_sentence_with_more_distinct_words",
                    test_window_prefers_the_sentence_with_more_distinct_words);
    g_test_add_func("/snippet/window_at_the_start_has_no_leading_mark",
                    test_window_at_the_start_has_no_leading_mark);
    g_test_add_func("/snippet/japanese_window_is_the_sentences_with_the_matches_marked_where_cut",
                    test_japanese_window_is_the_sentences_with_the_matches_marked_where_cut);
    g_test_add_func("/snippet/long_english_sentence_is_cut_between_words_not_inside_compounds",
                    test_long_english_sentence_is_cut_between_words_not_inside_compounds);
    g_test_add_func("/snippet/long_japanese_sentence_is_cut_between_words_keeping_katakana_compounds",
                    test_long_japanese_sentence_is_cut_between_words_keeping_katakana_compounds);
    g_test_add_func("/snippet/a_highlight_is_never_split_by_a_cut",
                    test_a_highlight_is_never_split_by_a_cut);
    g_test_add_func("/snippet/invalid_utf8_is_shown_whole", test_invalid_utf8_is_shown_whole);
    g_test_add_func("/snippet/a_hit_shows_its_window_and_keeps_the_full_passage",
                    test_a_hit_shows_its_window_and_keeps_the_full_passage);
    g_test_add_func("/dedupe/a_footer_on_several_documents_is_shown_once_with_its_other_places",
                    test_a_footer_on_several_documents_is_shown_once_with_its_other_places);
    g_test_add_func("/dedupe/doc_rank_and_paging_count_the_hits_left",
                    test_doc_rank_and_paging_count_the_hits_left);
    g_test_add_func("/dedupe/a_japanese_footer_in_other_widths_is_shown_once",
                    test_a_japanese_footer_in_other_widths_is_shown_once);
    int rc = g_test_run();
    ghs_analyzer_free(an);
    ghs_test_rm_db(db_dir);   /* the temporary index */
    g_free(db_dir);
    return rc;
}
