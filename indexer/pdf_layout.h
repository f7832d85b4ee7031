/*
 * pdf_layout.h: a PDF page's text with the breaks of its layout (part of
 * the PDF extractor; internal to indexer/, not installed).
 *
 * poppler_page_get_text() strings the words of one visual line together
 * even when they come from different blocks or table cells, with nothing
 * between them ("ContinentAsia", "providers2,989.2bn"), and gives every
 * line break as one '\n', a heading's as well as a wrapped line's. The
 * glyph boxes (poppler_page_get_text_layout(), one per character of that
 * text) and font sizes (poppler_page_get_text_attributes()) say where the
 * layout really breaks; this module writes those breaks back in.
 */
#ifndef GHS_INDEXER_PDF_LAYOUT_H
#define GHS_INDEXER_PDF_LAYOUT_H

#include <stddef.h>

#include <glib.h>
#include <poppler.h>

/* What ghs_pdf_page_text() tells besides the text. */
typedef struct ghs_pdf_page_layout {
    /* The lines of the text (as written in it, between two '\n') that
     * stand highest on the page, highest first, and lowest, lowest last:
     * edge_lines of each (fewer on a short page, and the same line in both
     * on a very short one), by where they are drawn, whatever their place
     * in the reading order. Strings appended (g_free); the caller makes
     * the arrays, or leaves them NULL when it needs no edges. */
    GPtrArray *top, *bottom;
    size_t edge_lines;
    /* Counts of what was put back, added to (for measurements). */
    unsigned spaces;    /* words of one block that touched: a space put in */
    unsigned breaks;    /* a cell or block boundary inside a line: '\n' */
    unsigned headings;  /* a heading's line end made a paragraph end: "\n\n" */
} ghs_pdf_page_layout;

/* The text of page as poppler_page_get_text() gives it, except:
 *  - two characters side by side with no white space between them but a
 *    gap as wide as a word space get a ' ' (never between two Japanese or
 *    Chinese characters, which take no spaces), and a line break when the
 *    gap is a column's or cell's (about a font size or more) or the second
 *    character stands on another line;
 *  - a line break after a heading becomes a blank line ("\n\n"): after a
 *    line set in another font size than the next one, or after a short
 *    line followed by a new paragraph (more space above the next line than
 *    between the lines of the page's paragraphs).
 * Vertical (top-to-bottom) lines are read the same way along their
 * direction. When poppler gives no layout, or one whose boxes do not match
 * the text, the text comes back as poppler gave it (and no edges). Returns
 * NULL when poppler gives no text; else a new string (g_free). layout may
 * be NULL. */
char *ghs_pdf_page_text(PopplerPage *page, ghs_pdf_page_layout *layout);

#endif /* GHS_INDEXER_PDF_LAYOUT_H */
