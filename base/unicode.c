/*
 * unicode.c: the script classes of code points that every layer asks about
 * (Japanese text, CJK runs), in one place.
 */
#include "unicode.h"

int ghs_is_kana(uint32_t c)
{
    return (c >= 0x3041 && c <= 0x309F)     /* Hiragana, ゝゞ, voicing marks */
        || (c >= 0x30A0 && c <= 0x30FF && c != 0x30FB) /* Katakana, ー, ヽヾ; not ・ */
        || (c >= 0x31F0 && c <= 0x31FF)     /* Katakana phonetic extensions */
        || (c >= 0x3031 && c <= 0x3035)     /* vertical kana repeat marks */
        || (c >= 0xFF66 && c <= 0xFF9F)     /* half-width katakana (pre-NFKC) */
        || (c >= 0x1B000 && c <= 0x1B16F);  /* kana supplement / extended */
}

int ghs_is_han(uint32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF)     /* CJK unified ideographs */
        || (c >= 0x3400 && c <= 0x4DBF)     /* extension A */
        || (c >= 0xF900 && c <= 0xFAFF)     /* compatibility ideographs */
        || (c >= 0x3005 && c <= 0x3007)     /* 々 〆 〇 */
        || c == 0x303B                      /* 〻 */
        || (c >= 0x20000 && c <= 0x3FFFF);  /* extensions B and later */
}

int ghs_is_cjk(uint32_t c)
{
    return c >= 0x3005 && (ghs_is_han(c) || ghs_is_kana(c));
}

int ghs_is_cjk_text(uint32_t c)
{
    return ghs_is_cjk(c) || (c >= 0x3000 && c <= 0x30FF) || (c >= 0xFF01 && c <= 0xFF9F);
}
