/*
 * segment.c: words of normalized text and the script of each word; the
 * language guess built on the same script classes.
 *
 * Words come from ICU's word break iterator opened for "ja": ICU switches to
 * its CJK dictionary inside runs of Han/Hiragana/Katakana and uses the
 * UAX #29 rules elsewhere, so a mixed line such as
 * "2023年のG7広島サミットでUHCを議論" splits into 2023|年|の|G7|広島|サミット|
 * で|UHC|を|議論. Segments whose rule status is UBRK_WORD_NONE (spaces,
 * punctuation, symbols, emoji) are not words and are dropped. The rules keep
 * "who's", "2.5", "1,000" and "g7" as single words and split "covid-19" at
 * the hyphen. (A middle dot between katakana never reaches the iterator:
 * kana_variants.c drops it and joins katakana compounds into one word.)
 */
#include <stdlib.h>

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf16.h>

#include "text_internal.h"

/* Script class of the word u[s..e). Any Han or kana makes it CJK; else any
 * Latin letter makes it LATIN ("g7", "don't"); digits with their separators
 * alone make a NUMBER; other scripts (Greek, Hangul, ...) are OTHER. */
static uint8_t classify(const UChar *u, int32_t s, int32_t e)
{
    int latin = 0, digit = 0, other = 0;
    int32_t i = s;

    while (i < e) {
        UChar32 c;
        U16_NEXT(u, i, e, c);
        if (c < 0x80) {
            if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
                latin = 1;
            else if (c >= '0' && c <= '9')
                digit = 1;
            continue;
        }
        if (ghs_is_cjk((uint32_t)c))
            return GHS_SCRIPT_CJK;
        if (u_isalpha(c)) {
            UErrorCode st = U_ZERO_ERROR;
            if (uscript_getScript(c, &st) == USCRIPT_LATIN)
                latin = 1;
            else
                other = 1;
        } else if (u_isdigit(c)) {
            digit = 1;
        }
    }
    if (latin)
        return GHS_SCRIPT_LATIN;
    if (other)
        return GHS_SCRIPT_OTHER;
    return digit ? GHS_SCRIPT_NUMBER : GHS_SCRIPT_OTHER;
}

int ghs_wspans_push(ghs_wspans *sp, int32_t s, int32_t e, uint8_t script, ghs_error *err)
{
    if (sp->n == sp->cap) {
        size_t ncap = sp->cap ? sp->cap * 2 : 256;
        ghs_wspan *v = realloc(sp->v, ncap * sizeof *v);
        if (!v)
            return ghs_set_error(err, GHS_ENOMEM, "[segment] out of memory");
        sp->v = v;
        sp->cap = ncap;
    }
    sp->v[sp->n++] = (ghs_wspan){ .s = s, .e = e, .script = script };
    return 0;
}

int ghs_segment_words(UBreakIterator *bi, const UChar *u, int32_t n,
                      ghs_wspans *spans, ghs_error *err)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t p, q;
    int rc;

    spans->n = 0;
    if (n == 0)
        return 0;
    ubrk_setText(bi, u, n, &st);
    if (U_FAILURE(st))
        return ghs_set_error(err, GHS_EINTERNAL,
                              "[segment] ICU word break failed: %s",
                              u_errorName(st));
    p = ubrk_first(bi);
    while ((q = ubrk_next(bi)) != UBRK_DONE) {
        if (ubrk_getRuleStatus(bi) >= UBRK_WORD_NONE_LIMIT &&
            (rc = ghs_wspans_push(spans, p, q, classify(u, p, q), err)) < 0)
            return rc;
        p = q;
    }
    return 0;
}

const char *ghs_detect_lang(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, letters = 0, han = 0, kana = 0, cjk;

    if (!text)
        return "en";
    while (i < len) {
        uint32_t c;
        if (s[i] < 0x80) {
            c = s[i++];
            letters += ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
            continue;
        }
        c = ghs_utf8_next(s, len, &i);
        if (ghs_is_kana(c)) {
            kana++;
            letters++;
        } else if (ghs_is_han(c)) {
            han++;
            letters++;
        } else if (u_isalpha((UChar32)c)) {
            letters++;
        }
    }
    /* Japanese text quotes many Latin acronyms and names (WHO, UHC, MCM,
     * COVID-19), so a fifth of the letters is enough; kana together with Han
     * is a strong sign of Japanese even in Latin-heavy text (Chinese has no
     * kana), but a lone Japanese name in an English page is not. */
    cjk = han + kana;
    /* Han without kana is Chinese: Japanese text of any length writes kana
     * (particles, endings), so a text with 20 Han characters or more and
     * kana for less than 1% of them is not Japanese. A shorter one (a query,
     * a term, a name in kanji) cannot tell and stays Japanese. */
    if (han >= 20 && kana * 100 < han && han * 5 >= letters)
        return "zh";
    if (cjk > 0 && cjk * 5 >= letters)
        return "ja";
    if (kana > 0 && han > 0 && cjk * 20 >= letters)
        return "ja";
    return "en";
}
