/*
 * pdf_annots.h: the words of a PDF page that are not in its content
 * stream: annotations and form fields (part of the PDF extractor; internal
 * to indexer/, not installed).
 *
 * poppler_page_get_text() reads the page's content only. A note typed on
 * a page (a FreeText annotation), a sticky note (Text) or a filled-in form
 * field lives in the page's annotations, and a file whose words are all
 * there looked like a scan without text.
 */
#ifndef GHS_INDEXER_PDF_ANNOTS_H
#define GHS_INDEXER_PDF_ANNOTS_H

#include <poppler.h>

/* The text of page's annotations and form fields, as poppler gives it
 * (not cleaned: may hold '\r', control characters, invalid UTF-8), each
 * item separated from the next by a blank line; NULL when there is none.
 * Taken: the contents of FreeText and Text (sticky note) annotations, the
 * value of text fields (not password fields) and the chosen items of list
 * and combo boxes (and a combo box's typed text). Left out: annotations
 * and fields flagged hidden or not to be viewed, buttons (a check box or
 * radio button has a state, not words), other annotation kinds (links,
 * highlights and their comments), and an item whose words page_text (the
 * page's own text, may be NULL) already holds, as when a field's
 * appearance was drawn into the page. Returns a new string (g_free). */
char *ghs_pdf_annotation_text(PopplerPage *page, const char *page_text);

#endif /* GHS_INDEXER_PDF_ANNOTS_H */
