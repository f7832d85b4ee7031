/*
 * docdata.h: the record stored as a Xapian document's data.
 *
 * A flat list of fields, each a one-byte key, a 4-byte little-endian length
 * and the bytes. Readers look fields up by key and ignore keys they do not
 * know, so new fields can be added without re-indexing.
 */
#ifndef GHS_INDEXER_DOCDATA_H
#define GHS_INDEXER_DOCDATA_H

#include <stddef.h>

/* Field keys. */
#define GHS_F_PASSAGE   'p'
#define GHS_F_DOC       'd'
#define GHS_F_TITLE     't'
#define GHS_F_SOURCE    's'
#define GHS_F_LANG      'l'
#define GHS_F_TYPE      'y'
#define GHS_F_PUBLISHER 'u'
#define GHS_F_DATE      'a'
#define GHS_F_PAGE      'g'   /* decimal */
#define GHS_F_PAGE_LABEL 'G'  /* the page's printed label ("15", "iii"), only
                                 when the PDF's labels differ from its page numbers */
#define GHS_F_OFFSET    'o'   /* decimal code point offset of the passage in its page */
#define GHS_F_URL       'r'
#define GHS_F_SEGMENTS  'w'   /* passage: its segmentation (ghs_analyze_keep), so the
                                 searcher re-analyzes it without segmenting; absent
                                 in records written before this field */
#define GHS_F_PAGES     'n'   /* document record: number of pages */
#define GHS_F_FILESTAMP 'f'   /* document record: "size:mtime" of the source file */
#define GHS_F_PATH      'x'   /* document record: absolute path of the source file */
#define GHS_F_PAGE_LABELS 'L' /* document record of a PDF: the label of each page
                                 in page order, GHS_LABEL_SEP between them, "" for
                                 a page without; "" when no page has one (records
                                 written before this field have none at all) */
#define GHS_LABEL_SEP   '\x1f'  /* a page label holds no control character */

typedef struct ghs_docdata {
    char *buf;     /* owned; free with ghs_docdata_free */
    size_t len, cap;
} ghs_docdata;

/* Append a field. val may be NULL (then nothing is written). Aborts only
 * on out-of-memory (GLib's policy). */
void ghs_docdata_put(ghs_docdata *d, char key, const char *val, size_t len);
void ghs_docdata_put_str(ghs_docdata *d, char key, const char *s);
void ghs_docdata_put_int(ghs_docdata *d, char key, long v);
void ghs_docdata_free(ghs_docdata *d);

/* Find a field in an encoded record: returns a pointer into data (not
 * NUL-terminated) and its length in *vlen, or NULL when absent or when the
 * record is malformed. */
const char *ghs_docdata_get(const char *data, size_t len, char key, size_t *vlen);
/* The field as a malloc'ed NUL-terminated string ("" when absent); caller frees. */
char *ghs_docdata_dup(const char *data, size_t len, char key);
long ghs_docdata_get_int(const char *data, size_t len, char key, long dflt);

/* Walk the fields in order: start with *pos = 0; returns 1 and sets *key,
 * *val (pointer into data) and *vlen for the next field, 0 at the end, -1
 * when the record is malformed. */
int ghs_docdata_next(const char *data, size_t len, size_t *pos, char *key,
                     const char **val, size_t *vlen);

#endif /* GHS_INDEXER_DOCDATA_H */
