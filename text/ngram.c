/*
 * ngram.c: character n-grams of Japanese text, the fallback that lets a
 * query word match inside a word the dictionary segmented differently in
 * the document (梅雨 inside 梅雨明け, 労働省 inside 厚生労働省).
 *
 * Runs are made of adjacent CJK tokens that are not stopwords (a particle
 * ends a run, so の or は never pair with their neighbours); grams are taken
 * from the tokens' normalized terms, so width and kana folding apply.
 */
#include "analyze.h"

#include <string.h>

/* Byte length of the UTF-8 sequence starting with lead byte c. */
static size_t seq_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Is the first character of s (UTF-8) katakana (U+30A1..U+30FA, ー)? */
static int is_katakana_utf8(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] != 0xE3 || (u[1] != 0x82 && u[1] != 0x83))
        return 0;
    unsigned cp = 0x3000u | ((unsigned)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
    return (cp >= 0x30A1 && cp <= 0x30FA) || cp == 0x30FC;
}

void ghs_cjk_grams(const ghs_tokens *toks, int n, ghs_gram_fn fn, void *user)
{
    char prev[8] = "";    /* the last character of the run so far */
    size_t prev_len = 0;
    uint32_t run_end = 0;
    for (size_t i = 0; i < toks->n; i++) {
        const ghs_token *t = &toks->v[i];
        if (t->script != GHS_SCRIPT_CJK || t->is_stop) {
            prev_len = 0;
            continue;
        }
        /* Not adjacent in the text: a new run. A one-character gap between
         * katakana (the middle dot of プライマリ・ヘルス・ケア) keeps the run,
         * so the dotted and the solid spelling share their bigrams. */
        if (prev_len && t->start != run_end &&
            !(t->start == run_end + 1 && is_katakana_utf8(prev) &&
              is_katakana_utf8(t->term)))
            prev_len = 0;
        run_end = t->end;
        for (const char *p = t->term; *p;) {
            size_t l = seq_len((unsigned char)*p);
            if (strnlen(p, l) < l)
                break;
            char gram[16];
            if (n == 1) {
                memcpy(gram, p, l);
                gram[l] = '\0';
                fn(gram, user);
            } else if (prev_len) {
                memcpy(gram, prev, prev_len);
                memcpy(gram + prev_len, p, l);
                gram[prev_len + l] = '\0';
                fn(gram, user);
            }
            memcpy(prev, p, l);
            prev_len = l;
            p += l;
        }
    }
}
