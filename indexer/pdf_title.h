/*
 * pdf_title.h: the title a PDF is cited by (part of the PDF extractor;
 * internal to indexer/, not installed).
 *
 * The metadata /Title is judged first: producers and authors leave working
 * labels there ("PowerPoint プレゼンテーション", "200319修正後",
 * "【差替え】0514提言（セット版）", "Microsoft Word - x_final.docx"). When it
 * is not a title a reader would recognise, the largest text near the top of
 * the first page is taken instead. The corpus manifest still overrides
 * both (index.c), and releases keep their headline (extract_release.c).
 */
#ifndef GHS_INDEXER_PDF_TITLE_H
#define GHS_INDEXER_PDF_TITLE_H

#include <stdbool.h>
#include <stddef.h>

#include <poppler.h>

#include "extract.h"

/* How far a metadata title can be trusted. */
typedef enum ghs_title_grade {
    GHS_TITLE_BAD = 0,  /* a placeholder or working label: never cited */
    GHS_TITLE_WEAK,     /* a file name made readable ("Microsoft Word - Annual
                           report.docx" -> "Annual report"): cited only when
                           the first page shows no heading */
    GHS_TITLE_GOOD      /* cited as it is */
} ghs_title_grade;

/* The metadata title raw cleaned up (control characters and runs of white
 * space collapsed, an office suite's "Microsoft Word - " prefix and a file
 * extension removed) into *out (g_free it; NULL when nothing is left), and
 * its grade. text[0..len) is the document's text (its first pages), used to
 * reject a title written in another script than the text (a Japanese
 * working label on an English translation); NULL/0 skips that check.
 * Bad: empty, placeholders ("Untitled", "Document1", "PowerPoint
 * プレゼンテーション"), paths and URLs, file-name-like strings (underscores,
 * one word with digits, dots or dashes), date codes and numbers with next to
 * no words ("200319修正後"), editorial markers (【差替え】, ★, 修正後,
 * セット版...), a script the text does not use. */
ghs_title_grade ghs_pdf_title_judge(const char *raw, const char *text, size_t len,
                                    char **out);

/* The title shown by the layout of page: the lines set in the page's largest
 * font in its upper part (joined, without a space between Japanese lines),
 * when that font is clearly larger than the rest of the page's text and
 * the lines read as a title (not a page number, a date or a marker such as
 * "資料1"); at most about 120 characters, cut at a word. NULL when the page
 * shows no such heading. g_free the result. */
char *ghs_pdf_layout_title(PopplerPage *page);

/* The title of doc: its metadata title when good, else the first page's
 * heading, else a weak metadata title, else NULL (the caller falls back to
 * the file name). pages are the extracted pages (for the script check). */
char *ghs_pdf_title(PopplerDocument *doc, const ghs_page *pages, size_t n_pages);

#endif /* GHS_INDEXER_PDF_TITLE_H */
