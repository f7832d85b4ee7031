/*
 * text_internal.h: what the files of text/ share with each other and with
 * nobody else: the analyzer's struct, the normalized-text buffer with its
 * offset map, word spans, the UTF-8 codec and the error helper.
 *
 * Offsets: ICU works in UTF-16; the public API speaks code points of the
 * caller's UTF-8. Every UTF-16 unit of normalized text carries the code point
 * range [start, end) of the input it came from, so any span of normalized
 * text maps back exactly to input characters (see normalize.c).
 */
#ifndef GHS_TEXT_INTERNAL_H
#define GHS_TEXT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/utypes.h>

#include "analyze.h"
#include "error.h"
#include "utf8.h"
#include "xc.h"

/* Longest term kept, in bytes; longer segments are cut at a character
 * boundary (Xapian's term limit is 245 bytes including any prefix). */
#define GHS_TERM_MAX 240

/* Longest input accepted, in bytes: ICU indexes UTF-16 with int32_t and
 * NFKC may expand text, so stay well below INT32_MAX. */
#define GHS_TEXT_MAX ((size_t)1 << 28)

/* ---- utf8.c ---- */

/* Encode n UTF-16 units as UTF-8 into out, which must hold 3*n bytes; lone
 * surrogates become U+FFFD. Returns the byte length (no NUL written). */
size_t ghs_utf16_to_utf8(const UChar *u, int32_t n, char *out);

/* A growable UTF-16 buffer. */
typedef struct ghs_u16buf {
    UChar *u;
    int32_t len, cap;
} ghs_u16buf;

/* Decode len bytes of UTF-8 into b (replacing its contents). Returns 0 or
 * GHS_ENOMEM / GHS_EINVAL (text longer than GHS_TEXT_MAX). */
int ghs_utf8_to_u16(ghs_u16buf *b, const char *s, size_t len, ghs_error *err);

/* Ensure room for cap units. Returns 0 or GHS_ENOMEM (err filled). */
int ghs_u16buf_reserve(ghs_u16buf *b, int32_t cap, ghs_error *err);

/* ---- normalize.c ---- */

/* Normalized text and its map back to the input. */
typedef struct ghs_normtext {
    ghs_u16buf src;      /* the input decoded to UTF-16 */
    UChar *u;            /* normalized text (NFKC + case fold) */
    uint32_t *ustart;    /* per unit of u: input code point where its chunk starts */
    uint32_t *uend;      /* per unit of u: input code point where its chunk ends */
    int32_t len, cap;    /* units used / allocated in u, ustart, uend */
    uint32_t ncp;        /* code points in the input */
    int32_t *seps;       /* units of u before which a ・ or space between
                          * katakana was dropped (kana_variants.c) */
    uint32_t *sep_ends;  /* per seps entry: the input end of the unit before
                          * it, without the dropped separator */
    size_t n_seps, cap_seps;
} ghs_normtext;

/* Decode and normalize text into nt (reusing its buffers): NFKC + case
 * folding, then the kana variant folding of kana_variants.c. Returns 0 or a
 * negative GHS_E* code with err filled. */
int ghs_normtext_run(ghs_normtext *nt, const UNormalizer2 *nfkc,
                     const char *text, size_t len, ghs_error *err);
void ghs_normtext_free(ghs_normtext *nt);

/* ---- segment.c ---- */

/* A word of normalized text: units [s, e) of ghs_normtext.u. */
typedef struct ghs_wspan {
    int32_t s, e;
    uint8_t script;      /* GHS_SCRIPT_* */
    size_t owner;        /* in a parts list: the index of its joined word */
    uint32_t cut_end;    /* in a parts list: input end when a dropped
                          * separator follows the piece, else 0 */
} ghs_wspan;

typedef struct ghs_wspans {
    ghs_wspan *v;
    size_t n, cap;
} ghs_wspans;

/* Append the span [s, e) of script to sp (owner and cut_end 0). Returns 0,
 * or GHS_ENOMEM with err filled. */
int ghs_wspans_push(ghs_wspans *sp, int32_t s, int32_t e, uint8_t script, ghs_error *err);

/* Split u[0..n) into words with the word break iterator bi (reset to the
 * text here), keeping segments that are words (letters, numbers, kana,
 * ideographs) and dropping spaces and punctuation. Fills spans (replacing its
 * contents). Returns 0 or a negative GHS_E* code with err filled. */
int ghs_segment_words(UBreakIterator *bi, const UChar *u, int32_t n,
                      ghs_wspans *spans, ghs_error *err);

/* ---- kana_variants.c ---- */

/* Fold Japanese spelling variants in normalized text, in place: kana
 * iteration marks spelled out, ・ / · / a space between katakana dropped, a
 * final ー of a katakana run of 4+ characters dropped. A dropped unit's input
 * range joins the unit before it. Called by ghs_normtext_run. Returns 0, or
 * GHS_ENOMEM with err filled (nt is then only good for another run). */
int ghs_kana_fold(ghs_normtext *nt, ghs_error *err);

/* Join adjacent spans made only of katakana (nt->u is the text the spans
 * index) into one span, so a katakana compound is one word however ICU cut
 * it. parts is replaced by the pieces of each compound (owner: the index of
 * its word in spans): the pieces a dropped ・ or space separated when there
 * were any, else ICU's pieces; pieces of one unit are left out, and a word
 * of one piece has none. Returns 0, or GHS_ENOMEM with err filled. */
int ghs_kana_join_spans(ghs_wspans *spans, const ghs_normtext *nt, ghs_wspans *parts,
                        ghs_error *err);

/* ---- stopwords.c ---- */

#define GHS_STOPSET_SLOTS 1024   /* power of two */

/* A hash set over one compiled stopword list. */
typedef struct ghs_stopset {
    int16_t slot[GHS_STOPSET_SLOTS];   /* index into words, -1 = empty */
    const char *const *words;          /* the sorted list, NULL for no list */
    size_t n;
    int hashed;                        /* 0: list too long, binary search */
} ghs_stopset;

/* Build the set for lang ("en", "ja"; anything else gives an empty set). */
void ghs_stopset_init(ghs_stopset *set, const char *lang);
/* Is word (len bytes, NUL-terminated) in the set? */
int ghs_stopset_has(const ghs_stopset *set, const char *word, size_t len);

/* ---- analyze.c ---- */

/* English stems already computed (see stem_of in analyze.c): a direct-
 * mapped cache of GHS_STEM_CACHE_SLOTS slots; words (and stems) shorter
 * than GHS_STEM_CACHE_WORD bytes only. */
#define GHS_STEM_CACHE_SLOTS 4096
#define GHS_STEM_CACHE_WORD 24
typedef struct ghs_stem_slot {
    char term[GHS_STEM_CACHE_WORD];   /* "" when empty */
    char stem[GHS_STEM_CACHE_WORD];
} ghs_stem_slot;

struct ghs_analyzer {
    const UNormalizer2 *nfkc;    /* ICU's nfkc_cf singleton, not owned */
    UBreakIterator *words;       /* word break, "ja" rules + CJK dictionary */
    UBreakIterator *sentences;   /* sentence break, "ja" */
    xc_stemmer *stemmer;         /* Snowball english */
    ghs_stem_slot *stem_cache;   /* GHS_STEM_CACHE_SLOTS slots */
    ghs_stopset stop_en, stop_ja;
    ghs_normtext nt;             /* reused per call */
    ghs_wspans spans;             /* reused per call */
    ghs_wspans parts;             /* pieces of katakana compounds, reused per call */
    char *tbuf;                  /* term scratch, 3 bytes per UTF-16 unit */
    size_t tcap;
};


/* ---- generated from stopwords/ by embed_words.py ---- */
extern const char *const ghs_stopwords_en[];
extern const size_t ghs_stopwords_en_count;
extern const char *const ghs_stopwords_ja[];
extern const size_t ghs_stopwords_ja_count;

#endif /* GHS_TEXT_INTERNAL_H */
