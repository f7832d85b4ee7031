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
        if (prev_len && t->start != run_end)
            prev_len = 0;   /* not adjacent in the text: a new run */
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
