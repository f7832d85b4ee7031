/*
 * links_records.h: how the links of releases are stored (store/links_records.c).
 *
 * What came of every link of a release is Xapian user metadata:
 *   "links:" + release id        -> the release's links, in order, each
 *                                   with anchor, state, linked document
 *                                   id, local path and reason
 *   "linkedfrom:" + document id  -> the releases linking that document,
 *                                   with their title and the anchor
 * Both are docdata records (docdata.h) with repeated keys; a new link (or
 * source) starts at each GHS_L_URL (GHS_L_DOC) field. Ids too long for a
 * metadata key are replaced by "#" + their SHA-1. The indexer writes them
 * (indexer/links.c), the searcher reads them (searcher/links_read.c).
 */
#ifndef GHS_STORE_LINKS_RECORDS_H
#define GHS_STORE_LINKS_RECORDS_H

#include "ghsearch.h"
#include "xc.h"

#define GHS_META_LINKS "links:"
#define GHS_META_LINKED_FROM "linkedfrom:"

/* Field keys of a links record. */
#define GHS_L_URL    'U'   /* starts a link */
#define GHS_L_ANCHOR 'A'
#define GHS_L_STATE  'S'   /* decimal ghs_link_state */
#define GHS_L_DOC    'D'   /* linked document id (links) / linking release id (linkedfrom, starts a source) */
#define GHS_L_PATH   'X'   /* local copy */
#define GHS_L_REASON 'R'
#define GHS_L_TITLE  'T'   /* linkedfrom: the release's title */

/* The metadata key prefix + id (hashed when long). Malloc'ed. */
char *ghs_links_meta_key(const char *prefix, const char *id);

/* The fetch cache directory the index uses: set by ghs_index_set_cache,
 * else ghs_default_cache_dir() (ghsearch.h). Static, environment or ix
 * storage. */
const char *ghs_links_cache_dir(const ghs_index *ix);

/* The title of the first release recorded as linking document doc, or
 * NULL when none does, or NULL with xe set when the record cannot be read
 * (out of memory, a database error). Malloc'ed. */
char *ghs_links_from_title(xc_db *db, const char *doc, xc_error *xe);

#endif /* GHS_STORE_LINKS_RECORDS_H */
