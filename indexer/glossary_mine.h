/*
 * glossary_mine.h: finding the definitions a text gives of its own terms.
 *
 * Policy documents define their vocabulary where they first use it, in
 * both languages: "Universal Health Coverage (UHC)", "UHC (universal
 * health coverage)", "ユニバーサル・ヘルス・カバレッジ（UHC）",
 * "感染症危機対応医薬品等（medical countermeasures: MCM）", and, without an
 * acronym, "「パンデミックへの備えのための合意(Pact for Pandemic Readiness)」".
 * ghs_gloss_mine() reads one page of text and returns those pairs. It is a
 * pure function of the text (no analyzer, no index): glossary_store.c
 * normalizes and stores what it finds, searcher/expand.c uses it.
 *
 * What it does not do: decide between two meanings of one acronym (that
 * needs the whole corpus: searcher/glossary.c), or read definitions that
 * span a sentence ("UHC, which stands for ...").
 */
#ifndef GHS_INDEXER_GLOSSARY_MINE_H
#define GHS_INDEXER_GLOSSARY_MINE_H

#include <stddef.h>
#include <stdint.h>

#include "glossary_store.h"   /* GHS_GLOSS_KIND_* */

/* Flags of ghs_gloss_mine(). */
enum {
    /* The text's lines are wrapped to a width (PDF text layer): a line
     * break inside a term, or between a term and its bracket, is no
     * boundary when the line before it is full. Without it (releases,
     * records) every line break ends a term. */
    GHS_GLOSS_WRAPPED = 1
};

typedef struct ghs_gloss_found {
    char *term;        /* "UHC", or the English term of a translation pair (NFKC) */
    char *equivalent;  /* what it stands for: "Universal Health Coverage",
                          "ユニバーサル・ヘルス・カバレッジ" (NFKC, spaces collapsed) */
    char *as_written;  /* the definition as it reads (NFKC), e.g.
                          "プライマリ・ヘルス・ケア(PHC)" */
    char lang[3];      /* language of equivalent: "en" or "ja" */
    uint8_t kind;      /* GHS_GLOSS_KIND_* */
    uint8_t footnote;  /* 1: in a footnote (a line starting "注1)", "※", "*1",
                          "Note 1", and what follows it), 0: in the body */
} ghs_gloss_found;

typedef struct ghs_gloss_found_list {
    ghs_gloss_found *v;
    size_t n, cap;
} ghs_gloss_found_list;

/* Mine the definitions in len bytes of UTF-8 text (invalid bytes are
 * replaced, never an error) and append them to out, in text order; a pair
 * defined twice is appended twice. flags: GHS_GLOSS_WRAPPED or 0. Text is
 * read after NFKC, so full-width brackets, letters and colons count as
 * their ASCII forms. Returns the number of pairs appended.
 *
 * Patterns (brackets full- or half-width, with or without a space before):
 *   English long form (ACRO)   letters of ACRO match the initials of the
 *                              words before it (of/and/for/the... may be
 *                              skipped; further letters may come from inside
 *                              a word: "medical countermeasures (MCM)");
 *                              the span with the most initials wins
 *   ACRO (English long form)   same test
 *   日本語(ACRO)                the kanji/katakana run before the bracket,
 *                              stopping at punctuation, spaces, line starts
 *                              and particles (の only between two words,
 *                              okurigana kept: "予防・備え・対応");
 *                              inside 「...」 the quoted text
 *   日本語(English: ACRO)       both pairs (ACRO-English, ACRO-日本語);
 *                              also "ACRO: English", "English, ACRO"
 *   ACRO(日本語)
 *   日本語(English Term)        a translation pair, 2 to 8 English words
 * Noise guarded against: single letters, Roman numerals, years, notes
 * ("注2"), file types ("PDF"), brackets holding sentences, URLs, lists. */
size_t ghs_gloss_mine(const char *text, size_t len, unsigned flags,
                      ghs_gloss_found_list *out);

void ghs_gloss_found_list_init(ghs_gloss_found_list *l);
/* Free the strings and the array; l can be reused after init. */
void ghs_gloss_found_list_free(ghs_gloss_found_list *l);

#endif /* GHS_INDEXER_GLOSSARY_MINE_H */
