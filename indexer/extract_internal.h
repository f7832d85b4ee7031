/*
 * extract_internal.h: helpers shared by the extractors (extract_*.c) and
 * nothing else. Not installed, not part of any contract outside indexer/.
 *
 * Owns: error filling with the "[kind][file] ..." prefix, reading a whole
 * (bounded) file, date recognition in free text, the link list with URL
 * de-duplication, and small UTF-8 text cleaners. All strings are GLib
 * allocated (g_malloc/g_free), like every string in a ghs_extracted.
 */
#ifndef GHS_INDEXER_EXTRACT_INTERNAL_H
#define GHS_INDEXER_EXTRACT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

#include "error.h"
#include "extract.h"

/* Limits that keep one hostile file from exhausting memory. */
#define GHS_X_MAX_PAGES      20000
#define GHS_X_MAX_TEXT       ((size_t)64 << 20)  /* extracted text, all pages */
#define GHS_X_MAX_RELEASE    ((size_t)64 << 20)  /* release file size */
#define GHS_X_MAX_JSONL_LINE ((size_t)16 << 20)


/* The last component of path (a pointer into path, not a copy). */
const char *ghs_x_basename(const char *path);

/* Read the whole file at path into *out (NUL-terminated, g_free it) and its
 * size into *len. Files larger than max are refused with GHS_EFORMAT; a
 * missing or unreadable file, or one that is not a regular file (opened
 * through ghs_open_regular(), so never blocking), gives GHS_EIO. kind is
 * the message prefix ("release"). */
int ghs_x_read_file(const char *path, const char *kind, size_t max,
                    char **out, size_t *len, ghs_error *err);

/* Find the first date written in s[0..len): "2023-04-28", "2023/4/28",
 * "2023.04.28", "[23/04/28]", "2023年4月28日" (also with full-width digits
 * and the eras 令和/平成), "April 28, 2023", "28 April 2023", "Apr. 28 2023".
 * On success writes "YYYY-MM-DD" into out and the matched byte span into
 * *start and *end (either may be NULL) and returns true. Only real calendar
 * dates between 1900 and 2100 are accepted. */
bool ghs_x_find_date(const char *s, size_t len, char out[11],
                     size_t *start, size_t *end);

/* A list of links de-duplicated by URL (the first anchor text is kept). */
typedef struct ghs_x_links {
    GArray *items;       /* of ghs_link, strings owned */
    GHashTable *seen;    /* url -> NULL, keys owned by items */
} ghs_x_links;

void ghs_x_links_init(ghs_x_links *l);
/* Add url (copied) with anchor (copied, whitespace collapsed, NULL -> "")
 * unless url is already in the list. */
void ghs_x_links_add(ghs_x_links *l, const char *url, size_t url_len,
                     const char *anchor);
/* Move the links into e->links/e->n_links and reset l (no need to clear). */
void ghs_x_links_move(ghs_x_links *l, ghs_extracted *e);
void ghs_x_links_clear(ghs_x_links *l);

/* A copy of s[0..len) with every run of white space (ASCII, U+00A0,
 * U+3000, newlines) turned into one ASCII space and both ends trimmed.
 * s must be valid UTF-8. Never NULL. */
char *ghs_x_collapse_ws(const char *s, size_t len);

/* True when c (a code point) is white space for our purposes: ASCII white
 * space, U+00A0, U+3000 and the other Unicode spaces. */
bool ghs_x_is_space(gunichar c);

/* The two release readers behind ghs_extract_release() (extract_html.c and
 * extract_release.c). data[0..len) is the whole file without its BOM,
 * NUL-free in its first KiB; name is the file's base name for messages.
 * They fill e (one page numbered 0) or return a GHS_E* code. */
int ghs_x_extract_html(const char *name, const char *data, size_t len,
                       ghs_extracted *e, ghs_error *err);
int ghs_x_extract_text(const char *name, const char *data, size_t len,
                       ghs_extracted *e, ghs_error *err);

/* The first date in the first max_lines non-empty lines of text, written
 * into out as "YYYY-MM-DD"; false when there is none. */
bool ghs_x_date_near_top(const char *text, size_t len, int max_lines,
                         char out[11]);

#endif /* GHS_INDEXER_EXTRACT_INTERNAL_H */
