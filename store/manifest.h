/*
 * manifest.h: the corpus manifest, a TSV catalogue of documents.
 *
 * Columns (header line required, any order): id, file, url, title,
 * publisher, date, lang, type. Lines starting with '#' and empty lines are
 * ignored. A file being indexed takes the entry whose `file` equals its
 * base name (or whose url ends with "/" + its base name).
 */
#ifndef GHS_INDEXER_MANIFEST_H
#define GHS_INDEXER_MANIFEST_H

#include "ghsearch.h"

typedef struct ghs_manifest ghs_manifest;

/* Load path. On success *out is a new manifest (free with
 * ghs_manifest_free). Errors name the file and line. */
int ghs_manifest_load(const char *path, ghs_manifest **out, ghs_error *err);
void ghs_manifest_free(ghs_manifest *m);

/* Metadata for a file by its base name, or NULL. The strings belong to the
 * manifest. Empty columns come back as NULL fields. */
const ghs_meta *ghs_manifest_find_file(const ghs_manifest *m, const char *basename);
/* Metadata for a URL, or NULL. */
const ghs_meta *ghs_manifest_find_url(const ghs_manifest *m, const char *url);
size_t ghs_manifest_count(const ghs_manifest *m);
/* Entry i (0-based, < count) in file order, or NULL. Owned by m. */
const ghs_meta *ghs_manifest_entry(const ghs_manifest *m, size_t i);

#endif /* GHS_INDEXER_MANIFEST_H */
