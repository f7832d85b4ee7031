/*
 * pdf_furniture.h: running heads and feet of a PDF's pages (part of the
 * PDF extractor; internal to indexer/, not installed).
 *
 * A report repeats its title, version or date at the top or bottom of
 * most pages ("TOOLKIT FOR ANALYSIS AND USE OF ROUTINE HEALTH FACILITY
 * DATA: GENERAL PRINCIPLES", "Version 2.3 - September 2016", "Page 3 of
 * 39"). Left in the text, every page matches those words and every
 * passage near a page's edge cites them. This module finds such lines
 * across the pages of one document and takes them out.
 */
#ifndef GHS_INDEXER_PDF_FURNITURE_H
#define GHS_INDEXER_PDF_FURNITURE_H

#include <stddef.h>

#include <glib.h>
#include <stdbool.h>

/* Lines looked at on each page: this many from the top and from the bottom
 * (blank lines not counted). */
#define GHS_FURNITURE_EDGE_LINES 3

/* One page of a document, for ghs_pdf_drop_furniture(). */
typedef struct ghs_furniture_page {
    GString *text;     /* the page's text, lines separated by '\n', blank
                          lines allowed; edited in place */
    GPtrArray *top;    /* the lines (char *, as they are written in text)
                          drawn highest on the page, at most
                          GHS_FURNITURE_EDGE_LINES (pdf_layout.h); NULL: the
                          first lines of text */
    GPtrArray *bottom; /* ... drawn lowest; NULL: the last lines of text */
} ghs_furniture_page;

/* The shape a line is compared by, as running heads are: s[0..n)
 * lowercased, without white space, each run of digits one '#' ("Page 3 of
 * 39" and "Page 4 of 39" are both "page#of#"). *letters says whether it
 * holds a letter. Malloc'ed (g_free). */
char *ghs_pdf_line_shape(const char *s, size_t n, bool *letters);

/* Takes the running heads and feet out of pages[0..n) (in page order),
 * leaving each edited text without blank lines at either end.
 *
 * A line is furniture when the same line, compared without case, white
 * space and the digits that change from page to page ("Page 3 of 39" is
 * "Page 4 of 39"; "– 15 –" is "– 16 –"; "TOOLKIT 3" is "4 TOOLKIT"),
 * stands among the top lines of at least half of the pages that have text,
 * and of at least 3 of them, or among their bottom lines. Top and bottom
 * are where the lines are drawn: a running head that poppler reads in the
 * middle of the page (at the top of its second column) is found too. Not
 * furniture: a line without letters (a lone number: page numbers are
 * extract_pdf.c's), a line that recurs as often in the pages' body as at
 * their edges (dummy text, boilerplate paragraphs). Such lines go from
 * every page, except from the top of page 1 (a report's title, repeated as
 * the running head, is page 1's heading) and from a page whose words are
 * all furniture. A document of fewer than 3 pages with text is left as it
 * is. Returns the number of lines taken out. */
size_t ghs_pdf_drop_furniture(ghs_furniture_page *pages, size_t n);

#endif /* GHS_INDEXER_PDF_FURNITURE_H */
