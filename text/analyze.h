/*
 * analyze.h: the text analysis shared by the indexer and the searcher.
 *
 * One function, ghs_analyze(), turns UTF-8 text into terms with word
 * positions and code point offsets into the original text. The indexer runs
 * it on passages, the searcher on query words and on passages to place
 * highlights; because both sides call the same code, a word is always
 * indexed the way it is queried.
 *
 * Pipeline: NFKC + case folding (ICU "nfkc_cf") with an offset map back to
 * the input -> Japanese spelling variants folded (kana_variants.c: ゝゞヽヾ
 * spelled out, プライマリ・ヘルス・ケア = プライマリヘルスケア, サーバー =
 * サーバ) -> ICU word segmentation (dictionary-based for Japanese/Chinese,
 * rule-based elsewhere; mixed-script lines handled; a katakana compound is
 * one word) -> per token: a term, an English Snowball stem for Latin-script
 * words, a stopword flag.
 */
#ifndef GHS_TEXT_ANALYZE_H
#define GHS_TEXT_ANALYZE_H

#include <stddef.h>
#include <stdint.h>

#include "ghsearch.h"
#include "unicode.h"
#include "utf8.h"

/* Script class of a token. */
enum {
    GHS_SCRIPT_OTHER = 0,
    GHS_SCRIPT_LATIN = 1,   /* letters of alphabetic scripts (English etc.) */
    GHS_SCRIPT_NUMBER = 2,  /* digits (possibly with . , inside: 2.5, 1,000) */
    GHS_SCRIPT_CJK = 3      /* Han, Hiragana, Katakana (and mixes of them) */
};

typedef struct ghs_token {
    char *term;       /* normalized form (NFKC + case fold), UTF-8, owned by the list */
    char *stem;       /* English stem (Latin tokens only) or NULL; owned by the list */
    uint32_t pos;     /* word position, 1-based, strictly increasing */
    uint32_t start;   /* code point offset of the token's first char in the input */
    uint32_t end;     /* code point offset just past the token in the input */
    uint8_t script;   /* GHS_SCRIPT_* */
    uint8_t is_stop;  /* 1 if the term is in the stopword list of its language */
} ghs_token;

/* parts: the pieces of katakana compounds that were segmented into one
 * word (ICU's words, or the pieces a ・ or space separated: プライマリ・
 * ヘルス・ケア gives プライマリヘルスケア in v and プライマリ, ヘルス, ケア
 * here), each with the position of its compound and its own offsets.
 * Pieces of one character are not kept. The indexer writes them so that a
 * part (ウイルス) still finds its compound (コロナウイルス) as a word; the
 * query side uses v only, so a query compound means the whole compound. */
typedef struct ghs_tokens {
    ghs_token *v;
    size_t n, cap;
    ghs_token *parts;
    size_t n_parts, cap_parts;
} ghs_tokens;

typedef struct ghs_analyzer ghs_analyzer;

/* Create an analyzer (ICU break iterators, normalizer, English stemmer,
 * stopword sets compiled into the library from stopwords/). On success
 * returns a handle to free with ghs_analyzer_free(); NULL on error with err
 * filled. Not thread-safe: one analyzer per thread. */
ghs_analyzer *ghs_analyzer_new(ghs_error *err);
void ghs_analyzer_free(ghs_analyzer *a);

/* Analyze len bytes of UTF-8 text (invalid UTF-8 is replaced by U+FFFD
 * and never fails). Tokens are appended to out (call ghs_tokens_init
 * first; the caller frees with ghs_tokens_free). Positions continue from
 * the last token already in out plus pos_gap (so a caller can analyze
 * several fields or pages into one list with gaps between them); offsets
 * are relative to this text. Punctuation and spaces produce no token.
 * Returns 0, or a negative GHS_E* code with err filled. */
int ghs_analyze(ghs_analyzer *a, const char *text, size_t len,
                uint32_t pos_gap, ghs_tokens *out, ghs_error *err);

/* ghs_analyze, also handing out the text's segmentation (its words and
 * the pieces of its katakana compounds, where ICU's dictionary and the
 * compound joining put them) in a compact encoding: *seg, malloc'ed (the
 * caller frees), *seg_len bytes, about two bytes a word. The indexer stores
 * it beside a passage so that the searcher, which analyzes the passage of
 * every hit again (highlights, window, duplicates), can skip the word
 * segmentation: about a third of a Japanese keyword query's instructions.
 * On error *seg is NULL and out as it was. */
int ghs_analyze_keep(ghs_analyzer *a, const char *text, size_t len, uint32_t pos_gap,
                     ghs_tokens *out, char **seg, size_t *seg_len, ghs_error *err);

/* ghs_analyze of text with the segmentation seg (seg_len bytes) that
 * ghs_analyze_keep gave for the same text: the same tokens, without
 * segmenting again. A seg that is empty, NULL, of another text (its counts
 * of code points and normalized units are checked) or malformed is not
 * used: the text is then segmented as ghs_analyze does. */
int ghs_analyze_stored(ghs_analyzer *a, const char *text, size_t len, const char *seg,
                       size_t seg_len, uint32_t pos_gap, ghs_tokens *out, ghs_error *err);

void ghs_tokens_init(ghs_tokens *t);
void ghs_tokens_free(ghs_tokens *t);   /* frees the strings too; t can be reused after init */

/* Normalize a string the way terms are normalized (NFKC + case fold), as a
 * malloc'ed UTF-8 string the caller frees. NULL on error. */
char *ghs_normalize(ghs_analyzer *a, const char *text, size_t len, ghs_error *err);

/* Guess the language of a text: "ja" when kana/kanji make up a meaningful
 * share of its letters, "zh" when those are 20 Han characters or more with
 * (next to) no kana, else "en". Static string. */
const char *ghs_detect_lang(const char *text, size_t len);

/* Sentence boundaries (ICU sentence break): fills *out with a malloc'ed
 * array of *n boundary offsets in code points, each the end of a sentence
 * (the last one equals the text's length in code points). Caller frees *out.
 * Returns 0 or a negative GHS_E* code. */
int ghs_sentence_ends(ghs_analyzer *a, const char *text, size_t len,
                      uint32_t **out, size_t *n, ghs_error *err);

/* Called with each gram (NUL-terminated, valid during the call). */
typedef void (*ghs_gram_fn)(const char *gram, void *user);
/* Character unigrams (n = 1) or bigrams (n = 2) of the runs of adjacent,
 * non-stopword CJK tokens in toks, from their normalized terms. The same
 * function serves the indexer and the query side. */
void ghs_cjk_grams(const ghs_tokens *toks, int n, ghs_gram_fn fn, void *user);

/* Over-stemming (stem_senses.c): when term (a normalized English word)
 * shares its Snowball stem with words of another meaning (universal,
 * university and universe are all "univers"), the forms of its own sense,
 * separated by single spaces ("universal universally universality"), a
 * static string; NULL for any other word, which its stem serves. */
const char *ghs_stem_sense(const char *term);

/* Is word (already normalized) a stopword for lang ("en"/"ja")? */
int ghs_is_stopword(const char *lang, const char *word);

#endif /* GHS_TEXT_ANALYZE_H */
