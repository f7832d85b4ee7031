/*
 * pdf_sniff.h: is a file a PDF at all (indexer/pdf_sniff.c)?
 */
#ifndef GHS_INDEXER_PDF_SNIFF_H
#define GHS_INDEXER_PDF_SNIFF_H

#include "ghsearch.h"

/* Check that path starts like a PDF ("%PDF-" within its first 1024 bytes,
 * where readers look for it) before a child process is forked for it.
 * Returns 0, GHS_EFORMAT "[pdf][name] not a PDF: ..." (empty file, or no
 * header: an HTML page or a ZIP saved as .pdf), or GHS_EIO when the file
 * cannot be read or is not a regular file (ghs_open_regular()). */
int ghs_pdf_sniff(const char *path, ghs_error *err);

#endif /* GHS_INDEXER_PDF_SNIFF_H */
