/*
 * ghsearch.h: the one public header of libghsearch, the search engine behind
 * the `ghsearch` command, its HTTP API and any program that embeds it.
 *
 * Conventions
 *  - Every handle is opaque. Functions that can fail return 0 on success and a
 *    negative GHS_E* code on failure, and fill the ghs_error passed to them
 *    (which may be NULL) with the code and a sentence naming the file or the
 *    query position that caused it.
 *  - Whatever a function hands out through an `out` parameter belongs to the
 *    caller and is freed with the matching *_free or *_close function. Strings
 *    reachable from a result (`const char *` fields) belong to that result and
 *    live until it is freed.
 *  - No global state: two indexes opened in one process are independent.
 *  - Thread safety: a handle is used by one thread at a time. Open one
 *    ghs_index per searching thread (reads are cheap to open); only one
 *    writable handle may exist per database at a time (others get
 *    GHS_ELOCKED).
 */
#ifndef GHSEARCH_H
#define GHSEARCH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GHS_VERSION_MAJOR 0
#define GHS_VERSION_MINOR 1
#define GHS_VERSION_PATCH 0
#define GHS_VERSION "0.1.0"

/* The library's version string, e.g. "0.1.0". Static storage. */
const char *ghs_version(void);

/* ------------------------------------------------------------------ errors */

enum {
    GHS_OK = 0,
    GHS_EINVAL = -1,    /* bad argument or malformed query */
    GHS_EIO = -2,       /* a file could not be read or written */
    GHS_EFORMAT = -3,   /* a file is damaged or not of the expected kind */
    GHS_ENOTEXT = -4,   /* a file holds no extractable text (scan, empty) */
    GHS_EENCRYPTED = -5,/* a PDF needs a password */
    GHS_EDB = -6,       /* the index could not be opened, read or written */
    GHS_ELOCKED = -7,   /* another writer holds the index */
    GHS_ENOMEM = -8,
    GHS_EQUERY = -9,    /* malformed query; ghs_error.position says where */
    GHS_EUNSUPPORTED = -10, /* a file type the indexer does not read */
    GHS_ETIMEOUT = -11, /* extraction ran past its time limit */
    GHS_EINTERNAL = -12,
    GHS_ENOTFOUND = -13 /* no such document (or page) in the index */
};

typedef struct ghs_error {
    int code;           /* GHS_OK or a GHS_E* code */
    int position;       /* for GHS_EQUERY: 1-based character position, else 0 */
    char message[512];  /* "[place] what went wrong: cause", NUL-terminated */
} ghs_error;

/* A short English name for an error code ("malformed query", ...). */
const char *ghs_strerror(int code);

/* ------------------------------------------------------------------ index */

typedef struct ghs_index ghs_index;

enum { GHS_OPEN_READ = 0, GHS_OPEN_WRITE = 1 };

/* Open the index at path (a directory, or a Xapian stub file listing shards
 * when read-only). GHS_OPEN_WRITE creates it when missing and takes the
 * writer's lock. On success *out is a new handle to free with
 * ghs_index_close(). */
int ghs_index_open(ghs_index **out, const char *path, int mode, ghs_error *err);

/* Commit pending changes (if writable) and free the handle. NULL is a no-op. */
void ghs_index_close(ghs_index *ix);

/* Re-read the index to see what a writer committed since it was opened. */
int ghs_index_reopen(ghs_index *ix, ghs_error *err);

/* What happened to one input; filled by ghs_index_add_file. */
typedef enum {
    GHS_ADD_ADDED = 0,
    GHS_ADD_UPDATED = 1,
    GHS_ADD_UNCHANGED = 2,
    GHS_ADD_FAILED = 3
} ghs_add_status;

typedef struct ghs_add_report {
    ghs_add_status status;
    size_t documents;   /* documents written (JSON Lines files hold many) */
    size_t pages;       /* pages read */
    size_t passages;    /* passages written */
    size_t text_bytes;  /* UTF-8 bytes of text analysed */
    size_t skipped;     /* records/lines skipped inside the file (reported via err) */
} ghs_add_report;

/* Optional metadata that overrides what the file itself says (from the
 * corpus manifest). Any field may be NULL. */
typedef struct ghs_meta {
    const char *id, *title, *publisher, *date, *lang, *url, *type;
} ghs_meta;

/* Index one file: .pdf, a release (.html/.htm/.txt) or JSON Lines (.jsonl).
 * meta may be NULL. Re-adding a file replaces its passages. report may be
 * NULL. For JSON Lines, bad lines are skipped and counted in report->skipped
 * while the rest is indexed; err then describes the first bad line and the
 * call still returns 0. */
int ghs_index_add_file(ghs_index *ix, const char *path, const ghs_meta *meta,
                       ghs_add_report *report, ghs_error *err);

/* Index a text the caller already has, as one document of its own id
 * (meta->id is required; lang is detected when NULL). */
int ghs_index_add_text(ghs_index *ix, const ghs_meta *meta, const char *text,
                       size_t len, ghs_add_report *report, ghs_error *err);

/* Make everything added so far durable and visible to readers. */
int ghs_index_commit(ghs_index *ix, ghs_error *err);

/* Load a corpus manifest (TSV with a header line: id, file, url, title,
 * publisher, date, lang, type; see corpus/README.md). Files added later
 * whose name matches a manifest `file` take its metadata, which wins over
 * what the file itself says. Returns 0, or a negative code naming the
 * manifest and line. */
int ghs_index_set_manifest(ghs_index *ix, const char *manifest_path, ghs_error *err);

/* One event of ghs_index_add_paths, passed to the progress callback after
 * each file. Everything it points to is valid only during the callback. */
typedef struct ghs_file_event {
    const char *path;
    const ghs_add_report *report;
    const ghs_error *error;   /* non-NULL when the file failed or had bad lines */
    size_t files_done;        /* files handled so far, this one included */
    size_t files_total;       /* files found under the given paths */
} ghs_file_event;

/* Return non-zero to stop the run after the current file (committed). */
typedef int (*ghs_progress_fn)(const ghs_file_event *ev, void *user);

typedef struct ghs_index_totals {
    size_t files_seen;     /* indexable files found (.pdf .html .htm .txt .jsonl) */
    size_t files_added, files_updated, files_unchanged, files_failed;
    size_t documents, pages, passages;
    size_t text_bytes;
} ghs_index_totals;

/* Index files and directories (walked recursively, in sorted order, hidden
 * entries skipped, files of other types ignored). One file that cannot be
 * read is reported through progress (and counted in files_failed) and the
 * run goes on; changes are committed in batches and at the end. totals and
 * progress may be NULL. Returns 0 when the index is consistent (even when
 * some files failed), a negative code when nothing could be done (e.g. a
 * path does not exist: the message names it). */
int ghs_index_add_paths(ghs_index *ix, const char *const *paths, size_t n_paths,
                        ghs_progress_fn progress, void *user,
                        ghs_index_totals *totals, ghs_error *err);

typedef struct ghs_stats {
    size_t documents;   /* distinct source documents */
    size_t passages;    /* indexed passages */
    size_t terms;       /* distinct terms */
    double avg_passage_length; /* in terms */
} ghs_stats;

int ghs_index_stats(ghs_index *ix, ghs_stats *out, ghs_error *err);

/* ------------------------------------------------------------------ search */

typedef struct ghs_search_opts {
    size_t limit;    /* hits to return (0 means 10) */
    size_t offset;   /* hits to skip, for paging */
    size_t per_doc;  /* passages per document (0 means 2) */
    int expand;      /* reserved for glossary expansion; 0 = literal */
    int facets;      /* non-zero: also count matching documents per language,
                        year, type and publisher (ghs_results_facets) */
} ghs_search_opts;

/* A highlight: code point offsets into the passage, end exclusive. */
typedef struct ghs_span { int start, end; } ghs_span;

typedef struct ghs_hit {
    int rank;             /* 1-based */
    double score;         /* BM25 weight */
    const char *doc;      /* stable document id */
    const char *title;
    const char *source;   /* path or URL */
    const char *lang;     /* "ja", "en", ... */
    const char *type;     /* "pdf", "release", "record" */
    const char *passage;  /* the passage text (UTF-8) */
    const char *citation; /* "Title, p. 3" */
    const char *publisher;/* may be "" */
    const char *date;     /* "YYYY-MM-DD", "YYYY" or "" */
    int page;             /* 1-based PDF page; 0 when the source has no pages */
    int doc_rank;         /* 1-based rank of the hit's document among documents */
    const ghs_span *highlights;
    size_t n_highlights;
    const char *url;      /* the document's URL (manifest, release or record); may be "" */
} ghs_hit;

typedef struct ghs_results ghs_results;

/* Search: parse query (see the README's query language), rank passages with
 * BM25, group them by document (best passages of the best documents first).
 * opts may be NULL for defaults. On success *out owns every hit and string;
 * free with ghs_results_free(). A malformed query fails with GHS_EQUERY and
 * err->position set. */
int ghs_search(ghs_index *ix, const char *query, const ghs_search_opts *opts,
               ghs_results **out, ghs_error *err);

size_t ghs_results_count(const ghs_results *r);
/* Estimated number of matching passages. */
size_t ghs_results_total(const ghs_results *r);
/* Hit i (0-based, < count); owned by r. */
const ghs_hit *ghs_results_hit(const ghs_results *r, size_t i);
void ghs_results_free(ghs_results *r);

/* One facet count (see ghs_search_opts.facets). */
typedef struct ghs_facet {
    const char *field;   /* "lang", "year", "type" or "publisher" */
    const char *value;   /* e.g. "ja", "2023", "pdf", "JCIE" (never "") */
    size_t documents;    /* matching documents with this value */
    size_t passages;     /* matching passages in those documents */
} ghs_facet;

/* Facet counts of the query, when it was run with opts.facets set: every
 * document matching the query (not only the hits returned) counted once
 * per field, over the same tier the hits come from first (documents
 * matching every word; documents matching some word when none does).
 * Documents without a year or publisher are not counted in that field.
 * Ordered by field (lang, year, type, publisher), then by documents
 * (most first), then by value. *out (owned by r) gets the array; returns
 * its length (0 without opts.facets or without matches). */
size_t ghs_results_facets(const ghs_results *r, const ghs_facet **out);

/* When the query found nothing, the query with its unknown English words
 * replaced by close words of the index ("helth financing" -> "health
 * financing"), else NULL. Owned by r. */
const char *ghs_results_suggestion(const ghs_results *r);

/* ------------------------------------------------------------------ citations */

typedef enum ghs_cite_style {
    GHS_CITE_TEXT = 0,     /* Title, Publisher, Year, p. N, URL */
    GHS_CITE_BIBTEX = 1,   /* one BibTeX entry: @techreport or @misc */
    GHS_CITE_CSL_JSON = 2  /* one CSL-JSON item (an object, one line) */
} ghs_cite_style;

/* The style named "text", "bibtex" or "csl-json" (as --cite takes it).
 * Returns 0, or GHS_EINVAL naming the accepted styles. */
int ghs_cite_style_parse(const char *name, ghs_cite_style *out, ghs_error *err);

/* A citation of hit h in style, as a malloc'ed UTF-8 string in *out that
 * the caller frees with ghs_free() (or free()). Missing parts (publisher,
 * date, page, URL) are left out, never printed empty; titles are used as
 * they are, Japanese included.
 *  - text:     "Title, Publisher, 2023, p. 3, https://..."
 *  - bibtex:   @techreport for a PDF with a publisher and a year (all of
 *              the entry type's required fields: author, title,
 *              institution, year), else @misc; key = the document id when
 *              it is ASCII letters, digits and - _ : . starting with a
 *              letter, else those characters plus a hash of the id (keys
 *              stay distinct); { } % & $ # _ ~ ^ \ escaped in text fields,
 *              UTF-8 kept; the page goes to note = {p.~3}; no final newline.
 *  - csl-json: {"id","type":"report"|"webpage"|"article","title",
 *              "publisher","issued":{"date-parts":[[Y,M,D]]},"URL",
 *              "page","language"}, compact on one line.
 * The URL is h->url, else h->source when it is an http(s) URL (a local
 * path is never cited). Returns 0, or GHS_EINVAL for a NULL hit or an
 * unknown style. */
int ghs_hit_cite(const ghs_hit *h, ghs_cite_style style, char **out, ghs_error *err);

/* Free memory the library handed over as malloc'ed (citations, page
 * text). NULL is a no-op. */
void ghs_free(void *p);

/* ------------------------------------------------------------------ documents */

/* What the index knows about one source document. */
typedef struct ghs_document {
    const char *id;         /* the stable document id */
    const char *title;
    const char *source;     /* path or URL */
    const char *lang;
    const char *type;       /* "pdf", "release", "record" */
    const char *publisher;  /* may be "" */
    const char *date;       /* may be "" */
    const char *url;        /* may be "" */
    int pages;              /* PDF pages; 0 when the source has no pages */
    size_t passages;        /* passages indexed for it */
} ghs_document;

/* Look document id up. On success *out is a new record (its strings owned
 * by it) to free with ghs_document_free(). GHS_ENOTFOUND with
 * "[show] no document 'id'" when the index has no such document. Works on
 * a sharded index too (falls back to the stored passages when a shard's
 * document record cannot be read). */
int ghs_document_get(ghs_index *ix, const char *id, ghs_document **out, ghs_error *err);
void ghs_document_free(ghs_document *d);

/* A citation of document d (page > 0 cites that page), as ghs_hit_cite
 * does for a hit; *out freed with ghs_free(). */
int ghs_document_cite(const ghs_document *d, int page, ghs_cite_style style, char **out,
                      ghs_error *err);

/* The text of page `page` of document id (1-based for PDFs; 0 for a
 * release or record, which have no pages), put back together from its
 * indexed passages in page order, separated by blank lines. What the
 * indexer left out is missing: white space between passages, text without
 * a letter or digit, and a passage repeated word for word inside the
 * document (a running header, a body printed twice), which appears only
 * where it occurs first. A page in range that holds no text gives "".
 * *text is malloc'ed; free with ghs_free(). GHS_ENOTFOUND for an unknown
 * document, GHS_EINVAL for a page out of range (the message says the
 * valid range). */
int ghs_document_page_text(ghs_index *ix, const char *id, int page, char **text,
                           ghs_error *err);

#ifdef __cplusplus
}
#endif

#endif /* GHSEARCH_H */
