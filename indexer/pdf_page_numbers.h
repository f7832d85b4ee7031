/*
 * pdf_page_numbers.h: the page numbers a PDF prints in its running heads
 * and feet, as page labels (part of the PDF extractor; internal to
 * indexer/, not installed).
 *
 * A report that has no /PageLabels tree still prints its page numbers:
 * "– 15 –" at the foot of PDF page 16, "Page 15 of 40", "iii" in the front
 * matter, "－15－" in a Japanese notice. A researcher cites the printed
 * number, so the extractor gives it as the page's label (extract.h) when
 * the pages agree on it.
 */
#ifndef GHS_INDEXER_PDF_PAGE_NUMBERS_H
#define GHS_INDEXER_PDF_PAGE_NUMBERS_H

#include <stdbool.h>
#include <stddef.h>

#include "pdf_furniture.h"

/* The kinds of printed page numbers. */
typedef enum ghs_number_kind {
    GHS_NUMBER_ARABIC = 0,      /* 15, １５ */
    GHS_NUMBER_ROMAN_LOWER = 1, /* iii, ⅲ */
    GHS_NUMBER_ROMAN_UPPER = 2  /* III, Ⅲ */
} ghs_number_kind;

/* Is s[0..n) a page number as a running head or foot prints it, and
 * nothing else: one number (1-9999, ASCII or full-width digits, or a
 * roman numeral up to c) dressed with dashes, brackets or white space
 * ("15", "- 15 -", "– 15 –", "－１５－", "(15)", "[iv]"), after "Page",
 * "p." or "P" ("Page 15", "p. 15", "P.15"), before a total ("15 / 40",
 * "Page 3 of 39") or 頁/ページ ("15頁")? On true, *value and *kind say
 * which number. A numbered list item ("15."), a year in a sentence, a
 * figure with a unit ("15%") are not. */
bool ghs_page_number_parse(const char *s, size_t n, int *value, ghs_number_kind *kind);

/* Infers the printed page label of each of pages[0..n) (in page order,
 * as ghs_pdf_drop_furniture() takes them, before any line is dropped)
 * from the numbers at the pages' edges, and stores it in labels[i] (a new
 * string, g_free; labels[0..n) must be NULL on entry and stay NULL where
 * nothing is inferred). Returns the number of pages labelled.
 *
 * The evidence: the outermost line among the top lines of a page, and the
 * outermost among its bottom lines, that is a page number alone
 * (ghs_page_number_parse), and a number at either end of a running head
 * or foot (a line whose other words stand at the same edge of at least 3
 * pages: "3 TOOLKIT", "Instructions for Form 1040NR -5-"). Lines in the
 * body of a page are never looked at. A section of numbering is a run of
 * at least 3 pages printing numbers of one kind at one constant offset
 * from the physical page (PDF page 16 printing 15, 17 printing 16...),
 * with at most 6 pages between two of them and numbers on at least half
 * the pages it spans; where runs overlap, the one with more pages wins.
 * A run's label goes to every page it spans (blank and figure pages
 * between numbered ones included) and to at most 3 unnumbered pages
 * before and after it that no other run claims (a chapter's opening page,
 * a blank verso), never to a number below 1. Sections may restart (roman
 * front matter, then 1, 2, 3...). Labels are written as the numbers are
 * read: "15" in ASCII digits, "iv"/"IV" as the run prints them. */
size_t ghs_pdf_printed_labels(const ghs_furniture_page *pages, size_t n, char **labels);

#endif /* GHS_INDEXER_PDF_PAGE_NUMBERS_H */
