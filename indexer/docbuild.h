/*
 * docbuild.h: the Xapian documents of a source document's passages, built
 * apart from writing them.
 *
 * A ghs_builder splits pages into passages (passages.h), analyzes each
 * (analyze.h) and builds its xc_doc as schema.h lays it out; it also
 * gathers the document's English words for the spelling table and mines
 * its glossary (glossary_store.h). Building needs only an analyzer, so it
 * can run on another thread than the writer's (pipeline.h); the
 * ghs_builder_write_* calls need the writable database and run on the
 * thread that owns it. A builder is used by one thread at a time; handing
 * it over through a queue guarded by a mutex is enough.
 */
#ifndef GHS_INDEXER_DOCBUILD_H
#define GHS_INDEXER_DOCBUILD_H

#include <stddef.h>
#include <stdint.h>

#include "analyze.h"
#include "docdata.h"
#include "extract.h"

#include <glib.h>
#include "xc.h"

/* Everything known about the source document being built. */
typedef struct ghs_doc_info {
    const char *id, *title, *source, *lang, *type, *publisher, *date, *url;
    const char *file_term;   /* "F..." term shared by every passage of the file */
    size_t line;             /* a JSON Lines record: its line, and the byte */
    uint64_t end_offset;     /* offset just past it (where a resumed run starts) */
} ghs_doc_info;

typedef struct ghs_builder ghs_builder;

/* *out = a builder for the document di (id and type must be set; its
 * strings are copied). The glossary is mined from pages[0..n_pages) now.
 * an is used by this call and ghs_builder_add_page only. Returns 0, or a
 * negative GHS_E* code with err filled and *out NULL. Free with
 * ghs_builder_free(). */
int ghs_builder_new(ghs_builder **out, ghs_analyzer *an, const ghs_doc_info *di,
                    const ghs_page *pages, size_t n_pages, ghs_error *err);

/* Build the passages of page pg and keep their documents until taken
 * (ghs_builder_take_docs) or written by ghs_builder_finish; a passage repeated word for word inside the
 * document (running headers, a body printed twice) is built once. Counts
 * the page, its bytes and its passages. 0 or a negative GHS_E* code. */
int ghs_builder_add_page(ghs_builder *b, ghs_analyzer *an, const ghs_page *pg,
                         ghs_error *err);

/* The documents built since the last call (xc_doc *), taken out of the
 * builder: write them with ghs_docs_write, free with ghs_docs_free. */
GPtrArray *ghs_builder_take_docs(ghs_builder *b);
/* Add docs to wdb (plain adds) and free them with the array; *written
 * (may be NULL) gets how many were added. 0, or GHS_EDB with err filled. */
int ghs_docs_write(GPtrArray *docs, xc_wdb *wdb, size_t *written, ghs_error *err);
void ghs_docs_free(GPtrArray *docs);

/* Write what is left (plain adds: the caller deleted the document's old
 * passages): the documents, the spelling words of every passage
 * built, the glossary record. 0, or GHS_EDB with err filled. */
int ghs_builder_finish(ghs_builder *b, xc_wdb *wdb, size_t *written, ghs_error *err);

/* Pages, bytes of page text and passages seen by ghs_builder_add_page. */
size_t ghs_builder_pages(const ghs_builder *b);
size_t ghs_builder_text_bytes(const ghs_builder *b);
size_t ghs_builder_passages(const ghs_builder *b);
/* The builder's copy of the document's metadata (valid until freed). */
const ghs_doc_info *ghs_builder_info(const ghs_builder *b);

/* Frees the builder and any document not written. NULL is a no-op. */
void ghs_builder_free(ghs_builder *b);

/* The document's metadata fields (docdata.h), as stored with each passage
 * and in its document record. */
void ghs_doc_fields_put(ghs_docdata *dd, const ghs_doc_info *di);

#endif /* GHS_INDEXER_DOCBUILD_H */
