/*
 * links.h: following the links of releases to the documents they announce.
 *
 * After the files of a run are indexed, each release among them is read
 * again for its links (extract.h), and each link is resolved to a local
 * copy (links_resolve.c): the file the link names next to the release, a
 * file of that name among the inputs, or the copy `ghsearch fetch` left in
 * the fetch cache (fetch_cache.h). A local copy that is not among the
 * inputs is indexed as a document of its own. What came of every link is
 * stored as records laid out in store/links_records.h; the searcher reads
 * them (ghs_links_get, searcher/links_read.c).
 */
#ifndef GHS_INDEXER_LINKS_H
#define GHS_INDEXER_LINKS_H

#include <stddef.h>

#include "fetch_cache.h"
#include "ghsearch.h"
#include "links_records.h"
#include "manifest.h"
#include "xc.h"


/* ------------------------------------------------------------ resolving */

typedef enum ghs_resolve_kind {
    GHS_RESOLVE_LOCAL = 0,        /* *path is a local copy */
    GHS_RESOLVE_MISSING = 1,      /* no local copy; *reason says what is known */
    GHS_RESOLVE_NOT_DOCUMENT = 2  /* not a PDF or HTML document; *reason says why */
} ghs_resolve_kind;

typedef struct ghs_link_resolver ghs_link_resolver;

/* A resolver over the inputs of a run (paths as given; may be empty),
 * the fetch cache (may be NULL) and the manifest (may be NULL); cache and
 * manifest are borrowed and must outlive it. */
ghs_link_resolver *ghs_link_resolver_new(const char *const *inputs, size_t n_inputs,
                                         const ghs_cache *cache, const ghs_manifest *manifest);
void ghs_link_resolver_free(ghs_link_resolver *r);

/* Resolve url (absolute http(s) URL or a path relative to the release) of
 * the release in release_dir, in this order: the relative path itself;
 * the URL's file name next to the release; that file name among the
 * inputs; the input the manifest names for the URL (its `file` column);
 * the cache's copy of the exact URL. Only .pdf, .html and .htm
 * files count as copies. *path (LOCAL) or *reason (otherwise) is set to a
 * malloc'ed string the caller frees; the other is NULL. */
ghs_resolve_kind ghs_link_resolve(const ghs_link_resolver *r, const char *release_dir,
                                  const char *url, char **path, char **reason);

/* The last path segment of url, percent-decoded, without query and
 * fragment ("" when the path ends with '/'). Malloc'ed. */
char *ghs_link_basename(const char *url);

/* Non-zero when url is an absolute http(s) URL. */
int ghs_link_is_http(const char *url);

/* Zero when url's file name says it is no document to index (an image,
 * an archive, an office file, ...); non-zero otherwise, unknown included. */
int ghs_link_maybe_document(const char *url);

/* ------------------------------------------------------------ indexing */

/* The links pass of ghs_index_add_paths over files (the run's inputs):
 * for every release among them that is in the index, resolve its links,
 * index local copies that are not inputs, record "links:" and
 * "linkedfrom:" metadata. Each local copy indexed is reported through
 * progress like a file of the run (files_done and files_total then both
 * count the run's files plus the copies so far), and a non-zero return
 * from progress stops the pass. The links are added to tot's links_*
 * counters, the copies to its files_* and documents, pages, passages and
 * text_bytes (tot may be NULL). Uncommitted: the caller commits. Returns 0, or a negative code for a database error (err set). */
int ghs_links_follow(ghs_index *ix, const char *const *files, size_t n_files,
                     ghs_progress_fn progress, void *user, ghs_index_totals *tot,
                     ghs_error *err);

#endif /* GHS_INDEXER_LINKS_H */
