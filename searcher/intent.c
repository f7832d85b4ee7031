/*
 * intent.c: a question or keywords? (see intent.h for the rules).
 *
 * The query's words are segmented by the analyzer (ICU's dictionary for
 * Japanese, as the index does), so markers are matched as whole words:
 * いつか (some day), いつも (always), 幾何 (geometry) and どこか hold no
 * question word, 何年 and どこ are one. A question word alone does not make
 * a question: it must be used in a sentence (next to a particle, last,
 * after a topic), which a title built around one (どうする家康: どう before
 * a verb; いくら丼: いくら before a noun) is not. Where the dictionary joins
 * a question word to its neighbours (はだれ, いつか, 何年か) the query's
 * last characters are read as text. Quoted phrases and names in 『』《》【】〈〉
 * count as one opaque word: 『そして誰もいなくなった』 is a name, whatever
 * it holds.
 */
#include "intent.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>

/* The word standing for a quoted phrase or a bracketed name. */
#define NAME_WORD "\x01"

typedef struct intent_words {
    ghs_analyzer *an;
    GPtrArray *w;      /* normalized words (g_free'd), NAME_WORD for names */
    int ends_in_mark;  /* the last piece of text ends in ? or ？ */
    char *tail;        /* the text after the last name, normalized, without
                        * the punctuation and spaces it ends in (g_free'd) */
    ghs_error err;     /* the first analysis that failed (code 0: none) */
} intent_words;

static int in_list(const char *w, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(w, *list) == 0)
            return 1;
    return 0;
}

/* Question words, as the analyzer segments and normalizes them; any word
 * of up to 4 characters starting with 何 (何年, 何人, 何という's 何) is one
 * too, unless indefinite or idiomatic (何か, 何も, 何とか, 何卒). */
static const char *const ja_question_words[] = {
    "なに", "なん", "なぜ", "なんで", "何故", "誰", "だれ", "どなた", "どこ", "何処",
    "いつ", "何時", "どれ", "どちら", "どっち", "どの", "どんな", "どう", "どうして",
    "どうやって", "いくつ", "幾つ", "いくら", "幾ら", "いかが", "如何", "どれほど",
    "どれだけ", "どのくらい", "どれくらい", "どのよう", "なんと", NULL
};
static const char *const ja_not_question_words[] = {
    "何しろ", "何より", "何卒", "何気", "何気ない", "何せ", NULL
};
/* A word after a question word that makes it indefinite or universal:
 * 誰も (nobody), 何か (something), どこでも (anywhere). */
static const char *const ja_indefinite_next[] = {
    "か", "も", "でも", "とか", "かも", "かしら", NULL
};
/* Words after a question word that show it used in a sentence. */
static const char *const ja_after_question[] = {
    "が", "を", "に", "で", "の", "へ", "と", "は", "から", "まで", "より", "という",
    "といい", "って", "だ", "です", "でしょう", "でしょ", "だろう", "だろ", "なの",
    "ぐらい", "くらい", "ほど", "頃", "ごろ", "よう", "ような", "ように", NULL
};
/* Words before a question word that show it used in a sentence. */
static const char *const ja_before_question[] = {
    "は", "が", "を", "に", "で", "の", "と", "へ", "も", "や", "から", "まで", "より",
    "って", "とは", "では", "には", "とも", "でも", NULL
};
/* The particle か a question ends in, and its softer forms. */
static const char *const ja_final_question[] = { "か", "かな", "かしら", NULL };
/* What か follows when it ends a question: a predicate (…た, …る, …い,
 * …です, …でしょう, …ない, …ませんか, …のか, か否か). After a question
 * word (…はいつか, …はどこか, …は誰か) see ja_final_question_words. Not
 * a name's last syllable (芝山みよか). */
static const char *const ja_before_final_ka[] = {
    "う", "く", "ぐ", "す", "つ", "ぬ", "ぶ", "む", "る", "た", "だ", "い", "ず", "の",
    "ん", "否", NULL
};
/* Particles that make the words before a question word or a final か a
 * sentence (its topic, subject or object): ラオスの割合はいくらか,
 * ウィキデータは無料か有料か, …場合どう呼ばれる. */
static const char *const ja_sentence_particles[] = {
    "は", "が", "を", "とは", "には", "って", NULL
};
/* Question words that ask whatever follows them (いつ武装闘争路線を放棄
 * した, 何年12月、…事件が発生): no particle needed. Others (どう, どの,
 * どれ, いくら, なに, なん) also modify a title's words: どうする家康. */
static const char *const ja_strong_question_words[] = {
    "いつ", "なぜ", "何故", "どうして", "誰", "だれ", "どこ", "何処", "いくつ", "幾つ",
    NULL
};
/* What 何と / なんと asks for when a verb of naming follows: 何と呼ぶか,
 * なんと訳される, 何と言う語. */
static const char *const ja_naming_verbs[] = {
    "呼", "言", "い", "訳", "略", "読", "称", "名", NULL
};
/* Instructions a quiz question ends in. */
static const char *const ja_final_instruction[] = {
    "答えよ", "答えなさい", "答えて", "答えてください", "こたえよ", "こたえなさい",
    "こたえて", "挙げよ", "あげよ", "挙げなさい", "あげなさい", "述べよ", "述べなさい",
    "教えて", "教えてください", "示せ", "示しなさい", NULL
};
/* Question words a question may end in right after a particle (…のはだれ,
 * …と何), or before a final か (…はいつか: a dictionary reads いつか as one
 * word), matched on the text, since a dictionary may also join them to the
 * particle (はだれ). Without the particle they are indefinite or part of a
 * name: ここではないどこか, いつか. */
static const char *const ja_final_question_words[] = {
    "何", "なに", "誰", "だれ", "どこ", "いつ", "どれ", "どちら", "どっち", "いくつ",
    "いくら", "なぜ", "何故", "何処", NULL
};
static const char *const ja_particle_chars[] = {
    "は", "が", "を", "に", "で", "と", "も", "の", "へ", "ば", "、", ",", NULL
};
/* The topic particle a question left open ends in: 南スーダンの首都は,
 * 災害とは. (Not を, が, に: titles end in them, いつでも夢を.) */
static const char *const ja_final_topic[] = { "は", "とは", NULL };
static const char *const en_question_words[] = {
    "who", "whom", "whose", "what", "when", "where", "why", "how", "which", NULL
};
/* A question may start with one of these before its question word. */
static const char *const en_lead_words[] = {
    "in", "on", "at", "of", "for", "from", "to", "by", "with", "during", "under",
    "after", "before", "since", "about", "according", "into", "over", "between",
    "through", "among", "within", "against", "and", "but", "so", "then", NULL
};

static int is_ja_question_word(const char *w)
{
    if (in_list(w, ja_question_words))
        return 1;
    if (!g_str_has_prefix(w, "何") || g_utf8_strlen(w, -1) > 4 ||
        in_list(w, ja_not_question_words))
        return 0;
    /* 何か, 何人か (some), 何も, 何度も (many times): indefinite. */
    return !g_str_has_suffix(w, "か") && !g_str_has_suffix(w, "も");
}

/* Are the n characters at s all upper-case letters? */
static int all_upper(const char *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++, s = g_utf8_next_char(s))
        if (!g_unichar_isupper(g_utf8_get_char(s)))
            return 0;
    return 1;
}

static void add_words(intent_words *c, const char *s, size_t len)
{
    if (len == 0)
        return;
    ghs_tokens toks;
    ghs_tokens_init(&toks);
    ghs_error e = {0};
    if (ghs_analyze(c->an, s, len, 0, &toks, &e) != 0 && c->err.code == 0)
        c->err = e;
    for (size_t i = 0; i < toks.n; i++) {
        const ghs_token *t = &toks.v[i];
        /* WHO written in capitals is the organization, not a question
         * word: kept apart from "who". */
        if (t->script == GHS_SCRIPT_LATIN && in_list(t->term, en_question_words) &&
            t->end > t->start + 1 && all_upper(g_utf8_offset_to_pointer(s, t->start),
                                               t->end - t->start)) {
            g_ptr_array_add(c->w, g_strconcat("=", t->term, NULL));
            continue;
        }
        g_ptr_array_add(c->w, g_strdup(t->term));
    }
    ghs_tokens_free(&toks);
}

/* The closing bracket of a name opened by c, 0 when c opens none. */
static gunichar name_close(gunichar c)
{
    switch (c) {
    case 0x300E: return 0x300F;   /* 『』 */
    case 0x300A: return 0x300B;   /* 《》 */
    case 0x3010: return 0x3011;   /* 【】 */
    case 0x3008: return 0x3009;   /* 〈〉 */
    default: return 0;
    }
}

/* Does s end in ? or ？, before any spaces, full stops and exclamation
 * marks? */
static int ends_in_question_mark(const char *s)
{
    const char *end = s + strlen(s);
    while (end > s) {
        const char *p = g_utf8_find_prev_char(s, end);
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isspace(c) || c == '.' || c == '!' || c == 0x3002 /* 。 */ ||
            c == 0xFF0E /* ． */ || c == 0xFF61 /* ｡ */ || c == 0xFF01 /* ！ */) {
            end = p;
            continue;
        }
        return c == '?' || c == 0xFF1F /* ？ */;
    }
    return 0;
}

/* A word of the query: its text, with each bracketed name one word. */
static void add_text(intent_words *c, const char *s)
{
    const char *seg = s;
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar close = name_close(g_utf8_get_char(p));
        if (!close)
            continue;
        const char *q = g_utf8_next_char(p);
        while (*q && g_utf8_get_char(q) != close)
            q = g_utf8_next_char(q);
        if (!*q)
            break;   /* never closed: plain text */
        add_words(c, seg, (size_t)(p - seg));
        g_ptr_array_add(c->w, g_strdup(NAME_WORD));
        seg = g_utf8_next_char(q);
        p = q;
    }
    add_words(c, seg, strlen(seg));
    /* A name last (『…？』) asks nothing. */
    c->ends_in_mark = *seg && ends_in_question_mark(seg);
    g_free(c->tail);
    c->tail = NULL;
    ghs_error e = {0};
    char *norm = ghs_normalize(c->an, seg, strlen(seg), &e);
    if (!norm) {
        if (c->err.code == 0)
            c->err = e;
        return;
    }
    char *end = norm + strlen(norm);
    while (end > norm) {
        char *p = g_utf8_find_prev_char(norm, end);
        gunichar ch = g_utf8_get_char(p);
        if (!g_unichar_isspace(ch) && !g_unichar_ispunct(ch))
            break;
        end = p;
    }
    c->tail = g_strndup(norm, (gsize)(end - norm));
    free(norm);
}

static void collect(intent_words *c, const ghs_qnode *n)
{
    if (!n)
        return;
    switch (n->kind) {
    case GHS_Q_WORD:
        if (n->text)
            add_text(c, n->text);
        return;
    case GHS_Q_PHRASE:
        g_ptr_array_add(c->w, g_strdup(NAME_WORD));
        c->ends_in_mark = 0;
        g_free(c->tail);
        c->tail = NULL;
        return;
    case GHS_Q_FILTER:
        return;
    case GHS_Q_NOT:
        if (n->n_kids > 0)
            collect(c, n->kids[0]);
        return;
    default:
        for (size_t i = 0; i < n->n_kids; i++)
            collect(c, n->kids[i]);
        return;
    }
}

/* Does tail end in one of list? The match's start into *at. */
static int ends_with_one_of(const char *tail, const char *const *list, const char **at)
{
    size_t tl = strlen(tail);
    for (; *list; list++) {
        size_t l = strlen(*list);
        if (l <= tl && memcmp(tail + tl - l, *list, l) == 0) {
            if (at)
                *at = tail + tl - l;
            return 1;
        }
    }
    return 0;
}

/* Is the character before at (in tail) one of list? */
static int char_before_in(const char *tail, const char *at, const char *const *list)
{
    if (at <= tail)
        return 0;
    const char *p = g_utf8_find_prev_char(tail, at);
    char ch[8];
    size_t l = (size_t)(at - p);
    if (!p || l >= sizeof ch)
        return 0;
    memcpy(ch, p, l);
    ch[l] = '\0';
    return in_list(ch, list);
}

/* Is one of w[0..end) in list? */
static int any_in(char *const *w, size_t end, const char *const *list)
{
    for (size_t i = 0; i < end; i++)
        if (in_list(w[i], list))
            return 1;
    return 0;
}

/* Is w[i] a question word that asks: not 誰も, 何か, 何でも, いつまでも,
 * どこにも? */
static int asks_at(char *const *w, size_t n, size_t i)
{
    if (!is_ja_question_word(w[i]))
        return 0;
    if (strcmp(w[i], "何") == 0 && i + 1 < n && g_utf8_strlen(w[i + 1], -1) == 1 &&
        !ghs_is_kana(g_utf8_get_char(w[i + 1])) && ghs_is_cjk(g_utf8_get_char(w[i + 1])))
        i++;   /* 何|度: a counter split off; what follows it decides */
    const char *next = i + 1 < n ? w[i + 1] : NULL;
    if (next && in_list(next, ja_indefinite_next))
        return 0;
    if (next && i + 2 < n && strcmp(w[i + 2], "も") == 0 &&
        in_list(next, ja_after_question))
        return 0;   /* 何でも, どこにも, いつまでも */
    return 1;
}

/* Does tail end in 何 and up to 3 more characters, then か (…は何年か,
 * …第何条か, …何%か)? */
static int ends_in_nani_ka(const char *tail)
{
    const char *end = tail + strlen(tail), *p = end;
    for (int k = 0; k < 5 && p > tail; k++) {
        p = g_utf8_find_prev_char(tail, p);
        if (k == 0 && strncmp(p, "か", strlen("か")) != 0)
            return 0;
        if (k > 0 && strncmp(p, "何", strlen("何")) == 0)
            return 1;
    }
    return 0;
}

/* w: the n words; tail: the text after the last name (NULL: none). */
static int is_japanese_question(char *const *w, size_t n, const char *tail)
{
    if (n < 2)
        return 0;   /* one word (いつか, 何年, はるか) is a keyword */
    const char *at;
    if (tail && *tail) {
        /* …を答えよ */
        if (ends_with_one_of(tail, ja_final_instruction, NULL))
            return 1;
        /* …ですか, …は有料か無料か, …は何年か; not a name (芝山みよか). */
        if (ends_with_one_of(tail, ja_final_question, &at)) {
            char *before = g_strndup(tail, (gsize)(at - tail));
            const char *qw;
            int q = ends_with_one_of(before, ja_final_question_words, &qw)
                        /* …はいつか, …は何か, …と北陸地方どちらか; not
                         * ここではないどこか, 何か */
                        ? char_before_in(before, qw, ja_particle_chars) ||
                              any_in(w, n - 1, ja_sentence_particles)
                        : char_before_in(tail, at, ja_before_final_ka) ||
                              ends_in_nani_ka(tail) ||
                              any_in(w, n - 1, ja_sentence_particles);
            g_free(before);
            if (q)
                return 1;
        }
        /* …のはだれ, …と何 */
        if (ends_with_one_of(tail, ja_final_question_words, &at) &&
            char_before_in(tail, at, ja_particle_chars))
            return 1;
    }
    /* …首都は, …災害とは: the particle follows a word (or a name). */
    const char *last = w[n - 1], *prev = w[n - 2];
    if (strcmp(last, "は") == 0 && strcmp(prev, "と") == 0 && n >= 3)
        return 1;   /* と|は: とは */
    if (in_list(last, ja_final_topic) && !in_list(prev, ja_final_topic))
        return 1;
    for (size_t i = 0; i < n; i++) {
        if (!asks_at(w, n, i))
            continue;
        const char *next = i + 1 < n ? w[i + 1] : NULL;
        /* Used in a sentence: last, next to a particle, after the
         * sentence's topic or subject; or a word that always asks. */
        if (!next || in_list(next, ja_after_question) ||
            (i > 0 && in_list(w[i - 1], ja_before_question)) ||
            any_in(w, i, ja_sentence_particles) ||
            (n >= 3 && (in_list(w[i], ja_strong_question_words) ||
                        g_str_has_prefix(w[i], "何"))))
            return 1;
        /* 何と呼ぶ, なんと訳される */
        if ((strcmp(w[i], "何と") == 0 || strcmp(w[i], "なんと") == 0) && next) {
            for (const char *const *v = ja_naming_verbs; *v; v++)
                if (g_str_has_prefix(next, *v))
                    return 1;
        }
    }
    return 0;
}

static int is_english_question(char *const *w, size_t n)
{
    size_t f = n > 1 && in_list(w[0], en_lead_words) ? 1 : 0;
    return n >= 3 && in_list(w[f], en_question_words);
}

int ghs_query_intent_of(ghs_analyzer *an, const ghs_qnode *root, ghs_intent *out,
                        ghs_error *err)
{
    *out = GHS_INTENT_KEYWORDS;
    if (!an || !root)
        return 0;
    intent_words c = { .an = an, .w = g_ptr_array_new_with_free_func(g_free) };
    collect(&c, root);
    char *const *w = (char *const *)c.w->pdata;
    size_t n = c.w->len;
    if (c.err.code == 0 && (c.ends_in_mark || is_japanese_question(w, n, c.tail) ||
                            is_english_question(w, n)))
        *out = GHS_INTENT_QUESTION;
    g_ptr_array_free(c.w, TRUE);
    g_free(c.tail);
    if (c.err.code < 0 && err)
        *err = c.err;
    return c.err.code;
}

ghs_intent ghs_query_intent(ghs_analyzer *an, const ghs_qnode *root)
{
    ghs_intent in;
    ghs_query_intent_of(an, root, &in, NULL);
    return in;
}
