/*
 * unicode.h: script classes of code points (base/unicode.c).
 */
#ifndef GHS_BASE_UNICODE_H
#define GHS_BASE_UNICODE_H

#include <stdint.h>

/* Is c Hiragana or Katakana, counting the marks used inside Japanese words
 * (prolonged sound mark, iteration and voicing marks)? */
int ghs_is_kana(uint32_t c);

/* Is c a Han ideograph (with 々 〆 〇 〻)? */
int ghs_is_han(uint32_t c);

/* Is c Han, Hiragana or Katakana? */
int ghs_is_cjk(uint32_t c);

/* Is c a character of Japanese or Chinese running text: those above, CJK
 * punctuation and symbols (U+3000..U+30FF) or a full-width form? Lines of
 * such text join without a space. */
int ghs_is_cjk_text(uint32_t c);

#endif /* GHS_BASE_UNICODE_H */
