/*
 * pipeline.h: a JSON Lines file (or the pages of a PDF) read, analyzed and
 * built on a worker thread while the calling thread writes, so that
 * indexing keeps two cores busy.
 *
 * The worker reads the file (extract.h ghs_jsonl_read) and turns each
 * record into a ghs_builder (docbuild.h) with its own analyzer; builders
 * and bad lines go through a bounded queue (at most GHS_PIPE_DEPTH records
 * ahead of the writer, so memory does not grow with the file) to the
 * calling thread, which gets them in file order. Nothing in the queue
 * touches the database: every Xapian write stays on the calling thread.
 */
#ifndef GHS_INDEXER_PIPELINE_H
#define GHS_INDEXER_PIPELINE_H

#include "docbuild.h"
#include "extract.h"

#include <glib.h>

#define GHS_PIPE_DEPTH 64   /* records built ahead of the writer, at most */

/* On the worker thread: the builder of one record (with an, which only the
 * worker uses), or NULL to leave the record out (*rc stays 0) or on
 * failure (*rc negative, err filled). user is only read. */
typedef ghs_builder *(*ghs_pipe_build_fn)(const ghs_record *rec, ghs_analyzer *an,
                                          const void *user, int *rc, ghs_error *err);

/* On the calling thread, in file order: write b (ownership passes). Return
 * 0 to go on, non-zero to stop the file. */
typedef int (*ghs_pipe_write_fn)(ghs_builder *b, void *user);

/* Run the pipeline over the JSON Lines file at path, from byte offset with
 * lines numbered from first_line (0 and 1 for the whole file). on_bad (may be NULL)
 * gets each bad line on the calling thread, as ghs_jsonl_read would.
 * Returns 0 when the file was read and written to the end, write's or
 * on_bad's non-zero value when one stopped it, or a negative GHS_E* code
 * with err filled (file unreadable, analysis failed, thread not started).
 * Either way the worker has ended when this returns. */
int ghs_jsonl_pipeline(const char *path, uint64_t offset, size_t first_line, ghs_analyzer *an,
                       ghs_pipe_build_fn build, const void *build_user,
                       ghs_pipe_write_fn write, ghs_record_error_fn on_bad,
                       void *write_user, ghs_error *err);

/* On the calling thread, in page order: write the documents of one page
 * (xc_doc *; ownership of the array passes: ghs_docs_free). Return 0 to go
 * on, non-zero to stop. */
typedef int (*ghs_pipe_docs_fn)(GPtrArray *docs, void *user);

/* The pages of one document (a PDF) built on a worker thread with an, the
 * glossary mined there too, while the calling thread writes each page's
 * documents through write_docs. *out gets the builder for
 * ghs_builder_finish (NULL when it could not be made); the caller frees
 * it. Returns 0, write_docs' non-zero value, or a negative GHS_E* code
 * with err filled. pages and di must stay valid until it returns. */
int ghs_pages_pipeline(ghs_builder **out, ghs_analyzer *an, const ghs_doc_info *di,
                       const ghs_page *pages, size_t n_pages, ghs_pipe_docs_fn write_docs,
                       void *write_user, ghs_error *err);

#endif /* GHS_INDEXER_PIPELINE_H */
