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
 *    GHS_ELOCKED, in this process or another). Any number of read
 *    handles may search in parallel threads while the writer adds and
 *    commits; a read handle sees the revision it opened until
 *    ghs_index_reopen(). A search whose revision a second commit
 *    discarded reopens and starts over on its own, a few times; only a
 *    writer committing again and again faster than one search runs can
 *    still make it fail (GHS_EDB). Commit in batches.
 *    Results, documents and links hold copies of everything they point
 *    to, so they may outlive their handle and move between threads.
 *    tests/test_threads.c checks this.
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

/* Marks what the shared library exports: exactly the functions declared
 * here (it is built with hidden visibility). */
#if defined(__GNUC__)
#define GHS_API __attribute__((visibility("default")))
#else
#define GHS_API
#endif

/* The library's version string, e.g. "0.1.0". Static storage. */
GHS_API const char *ghs_version(void);

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
    GHS_ENOTFOUND = -13, /* no such document (or page) in the index */
    GHS_ESTOPPED = -14  /* the caller asked to stop (ghs_index_set_stop); what was
                           committed stays, and the next run goes on from there */
};

/* Finer reasons a file is unusable, carried beside the code so that
 * nobody has to read them out of the message. */
enum ghs_reason {
    GHS_REASON_NONE = 0,
    GHS_REASON_NOT_PDF = 1,    /* GHS_EFORMAT: not a PDF at all (no header) */
    GHS_REASON_TOO_LARGE = 2,  /* GHS_EFORMAT: over a limit (bytes, pages, text,
                                * or a decompression bomb refused) */
    GHS_REASON_CRASHED = 3,    /* GHS_EFORMAT: the extractor crashed, exited or
                                * ran out of memory on it */
    GHS_REASON_NO_INDEX = 4,   /* GHS_EDB from ghs_index_open: the folder holds no
                                * index at all (empty, or a mistyped path) */
    GHS_REASON_DISK_FULL = 5   /* GHS_EDB: the disk holding the index is full (or a
                                * quota or file size limit was reached); what
                                * was committed before is kept */
};

typedef struct ghs_error {
    int code;           /* GHS_OK or a GHS_E* code */
    int position;       /* for GHS_EQUERY: 1-based character position, else 0 */
    char message[512];  /* "[place] what went wrong: cause", NUL-terminated */
    int reason;         /* a GHS_REASON_* refining code, else GHS_REASON_NONE */
} ghs_error;

/* A short English name for an error code ("malformed query", ...). */
GHS_API const char *ghs_strerror(int code);

/* Why a file could not be indexed, as a short phrase for summaries:
 * "encrypted", "no text", "damaged", "not a PDF", "too large",
 * "timed out", "crashed", "unreadable", "unsupported", "out of memory",
 * "disk full" (the index's, GHS_REASON_DISK_FULL), or "failed" for anything else (and for NULL). Static storage. */
GHS_API const char *ghs_error_reason(const ghs_error *err);

/* err's message for a person: what happened, without the bracketed places
 * the message starts with ("[pdf][report.pdf p.3] no text layer" gives
 * "no text layer"), which are for logs and debugging. ghs_strerror(code)
 * when the message is empty; "no error" for NULL. Points into err or static
 * storage. The text after the places may still quote a cause from below
 * (a Xapian message naming the index's path, say): a program answering
 * other machines maps index failures to its own words. */
GHS_API const char *ghs_error_what(const ghs_error *err);

/* The file err's places name, with its line or page ("report.pdf p.3" from
 * "[pdf][report.pdf p.3] ...", "notes.jsonl:12" from "[jsonl][notes.jsonl:12]"),
 * for a message that should say which file: copied into buf (size bytes,
 * NUL-terminated, cut short if need be). Returns 1 when a place names a
 * file, else 0 with buf "" (the place is an operation: "[index]", "[doc]").
 * A place names a file when it holds '/', '.' or ':'. */
GHS_API int ghs_error_file(const ghs_error *err, char *buf, size_t size);

/* ------------------------------------------------------------------ index */

typedef struct ghs_index ghs_index;

enum { GHS_OPEN_READ = 0, GHS_OPEN_WRITE = 1 };

/* Open the index at path (a directory, or a Xapian stub file listing shards
 * when read-only). GHS_OPEN_WRITE creates it when missing and takes the
 * writer's lock; it also sets XAPIAN_FLUSH_THRESHOLD to 1000 documents in
 * the environment unless it is set already (Xapian reads it only from
 * there; its default, 10000, holds about 200 MB of passages in memory), so
 * open a writer before starting threads that read the environment. On
 * success *out is a new handle to free with ghs_index_close(). */
GHS_API int ghs_index_open(ghs_index **out, const char *path, int mode, ghs_error *err);

/* Commit pending changes (if writable) and free the handle. NULL is a no-op. */
GHS_API void ghs_index_close(ghs_index *ix);

/* Re-read the index to see what a writer committed since it was opened. */
GHS_API int ghs_index_reopen(ghs_index *ix, ghs_error *err);

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
    size_t pages;       /* pages read (of PDFs and releases) */
    size_t passages;    /* passages written */
    size_t text_bytes;  /* UTF-8 bytes of text analysed */
    size_t skipped;     /* records/lines skipped inside the file (reported via err) */
    size_t records;     /* JSON Lines records read (not counted as pages) */
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
GHS_API int ghs_index_add_file(ghs_index *ix, const char *path, const ghs_meta *meta,
                       ghs_add_report *report, ghs_error *err);

/* Index a text the caller already has, as one document of its own id
 * (meta->id is required; lang is detected when NULL). */
GHS_API int ghs_index_add_text(ghs_index *ix, const ghs_meta *meta, const char *text,
                       size_t len, ghs_add_report *report, ghs_error *err);

/* Make everything added so far durable and visible to readers. */
GHS_API int ghs_index_commit(ghs_index *ix, ghs_error *err);

/* Load a corpus manifest (TSV with a header line: id, file, url, title,
 * publisher, date, lang, type; see corpus/README.md). Files added later
 * whose name matches a manifest `file` take its metadata, which wins over
 * what the file itself says. Returns 0, or a negative code naming the
 * manifest and line. */
GHS_API int ghs_index_set_manifest(ghs_index *ix, const char *manifest_path, ghs_error *err);

/* The shard (0 .. n-1) that document id belongs to among n: FNV-1a
 * (32-bit) of the id's UTF-8 bytes, modulo n. Stable across runs,
 * machines and versions. n == 0 gives 0. */
GHS_API unsigned ghs_shard_of(const char *doc_id, unsigned n);

/* Make ix (writable) keep only shard k of n (0 <= k < n): from then on a
 * file or text is written only when ghs_shard_of(its id, n) == k, where
 * the id is the manifest's or caller's id, else the file's base name (the
 * id before any disambiguation, so files of one name share a shard); in a
 * JSON Lines file each record is kept or left by its own id. A file left
 * out is not read and is reported as GHS_ADD_UNCHANGED with nothing
 * written. Running the same input through k = 0 .. n-1 gives n databases
 * that, listed in a Xapian stub file, search as the whole would.
 * n == 1 (k == 0) keeps everything. GHS_EINVAL when k >= n or ix is
 * read-only. */
GHS_API int ghs_index_set_shard(ghs_index *ix, unsigned k, unsigned n, ghs_error *err);

/* Make ix (writable) commit after every `passages` passages written (0:
 * the default, $GHSEARCH_COMMIT_EVERY or 20000), also inside a large JSON
 * Lines file: an interrupted run then loses at most one batch, and the
 * next run goes on after the last batch committed (the file's path record
 * is written only once it is whole). GHS_EINVAL when ix is read-only. */
GHS_API int ghs_index_set_batch(ghs_index *ix, size_t passages, ghs_error *err);

/* Ask should_stop(user), on the calling thread, while a file is worked
 * on: about every 50 ms while a PDF's text is extracted in its child
 * process, between the pages of a document and between the records of a
 * JSON Lines file (at most every 50 ms), and after each batch committed.
 * Keep it cheap (a flag a signal handler sets). Non-zero ends
 * ghs_index_add_paths with GHS_ESTOPPED within a fraction of a second,
 * with everything committed before that file kept:
 *  - during a PDF's extraction: its child is killed, nothing of the file
 *    is written;
 *  - between the pages of a document of much text (256 KB or more, which
 *    the files before it were committed ahead of): its transaction is
 *    cancelled, the index keeps the file's old version (a shorter document
 *    is finished: it takes well under a second);
 *  - inside a JSON Lines file: the records written so far are committed
 *    (unless the file would then hold fewer passages than before the run:
 *    then it is left as it was), and the next run goes on after them.
 * The file stopped is neither done nor failed (ghs_index_totals): the
 * next run does it again. Between files, the progress callback's return
 * value does the same. NULL turns it off. */
GHS_API void ghs_index_set_stop(ghs_index *ix, int (*should_stop)(void *user), void *user);

/* What is happening inside one file of ghs_index_add_paths, for a progress
 * display while a large file is read: a JSON Lines file of many records,
 * a PDF of many pages. */
typedef enum {
    GHS_WORK_EXTRACTING = 0,  /* a PDF's text being extracted (in its child
                                 process): nothing counted yet */
    GHS_WORK_WRITING = 1      /* pages or records analysed and written */
} ghs_work_phase;

typedef struct ghs_file_progress {
    const char *path;          /* the file, as found under the given paths */
    ghs_work_phase phase;
    size_t pages;              /* pages written so far (PDFs, releases) */
    size_t pages_total;        /* the document's pages, once extracted (else 0) */
    size_t records;            /* JSON Lines records written so far */
    size_t passages;           /* passages written so far */
    size_t text_bytes;         /* UTF-8 bytes of text analysed so far */
    unsigned long long bytes_read;  /* JSON Lines: bytes of the file read so far */
    unsigned long long bytes_total; /* the file's size */
    double seconds;            /* time spent in this phase of the file */
    double rate;               /* pages (or records) written a second in this
                                  phase; 0 while extracting */
    double text_rate;          /* bytes of text analysed a second */
    double eta;                /* seconds left for the file, estimated from the
                                  bytes read (JSON Lines) or the pages written
                                  (documents); < 0 when not known yet */
    size_t files_done;         /* files finished before this one */
    size_t files_total;        /* files found under the given paths */
} ghs_file_progress;

/* Called with ghs_file_progress while a file is worked on. */
typedef void (*ghs_file_progress_fn)(const ghs_file_progress *p, void *user);

/* Have ghs_index_add_paths call fn(p, user) on the calling thread while a
 * file takes long: first when it has taken 0.2 s, then at most five times
 * a second, until its ghs_file_event (a file done sooner gets none). With
 * several writers (ghs_index_set_jobs) the counts of a file are those of
 * every writer added up, and the file reported is the one that has been
 * worked on longest. Everything p points to is valid only during the
 * call. NULL turns it off. */
GHS_API void ghs_index_set_file_progress(ghs_index *ix, ghs_file_progress_fn fn, void *user);

/* How many writers ghs_index_add_paths uses (0, the default: one per core,
 * at most 8). A run into an empty index splits its files, and the
 * records of JSON Lines files, among them, each writing a database of its
 * own, and merges those into the index with Xapian's compaction; a run
 * into an index that holds passages changes it with one writer. Either
 * way the index searches the same. n == 1 writes with one. */
GHS_API void ghs_index_set_jobs(ghs_index *ix, unsigned n);

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
    /* Links of the releases among the files (see ghs_links_get): how many,
     * and how many were indexed, had no local copy, had a copy that could
     * not be indexed, or are not documents. A local copy of a linked
     * document that is not among the paths is indexed and counted (and
     * reported through progress) like the files above. */
    size_t links, links_indexed, links_missing, links_failed, links_not_document;
    size_t records;        /* JSON Lines records read */
} ghs_index_totals;

/* Index files and directories (walked recursively, in sorted order, hidden
 * entries skipped, files of other types ignored). One file that cannot be
 * read is reported through progress (and counted in files_failed) and the
 * run goes on; changes are committed in batches and at the end. totals and
 * progress may be NULL. Returns 0 when the index is consistent (even when
 * some files failed), a negative code when nothing could be done (e.g. a
 * path does not exist: the message names it). */
GHS_API int ghs_index_add_paths(ghs_index *ix, const char *const *paths, size_t n_paths,
                        ghs_progress_fn progress, void *user,
                        ghs_index_totals *totals, ghs_error *err);

/* Remove from the index the documents of every file at or under one of
 * paths that no longer exists. Call it before ghs_index_add_paths on the
 * same paths (as `ghsearch index --prune` does): a file moved within them
 * then gets back its old document id. Documents of files elsewhere, and
 * texts added with ghs_index_add_text, are left alone. Each file goes in one
 * transaction, made durable by the next commit. *removed (may be NULL)
 * gets the number of files whose documents were removed. */
GHS_API int ghs_index_prune(ghs_index *ix, const char *const *paths, size_t n_paths,
                    size_t *removed, ghs_error *err);

typedef struct ghs_stats {
    size_t documents;   /* distinct source documents */
    size_t passages;    /* indexed passages */
    size_t terms;       /* distinct terms */
    double avg_passage_length; /* in terms */
} ghs_stats;

GHS_API int ghs_index_stats(ghs_index *ix, ghs_stats *out, ghs_error *err);

/* ------------------------------------------------------------------ search */

/* What a search returns and how. Zero means the library's default in every
 * field, and opts NULL is a zeroed struct: set only what you choose, e.g.
 * `ghs_search_opts o = { GHS_SEARCH_OPTS_INIT, .limit = 5 };`, and the
 * answer is the one the command line, the HTTP API and any other program
 * give to the same query with the same choices.
 *
 * The struct can grow: later versions add fields at its end. `size` says
 * which layout the caller was compiled with (GHS_SEARCH_OPTS_INIT sets it;
 * 0 means this first layout), so a program built against this header keeps
 * working with a newer library, and a newer program's fields that an older
 * library does not know are refused (GHS_EINVAL) unless they are zero. */
#define GHS_SEARCH_DEFAULT_LIMIT 10   /* hits, when limit is 0 */
#define GHS_SEARCH_DEFAULT_PER_DOC 2  /* passages a document, when per_doc is 0 */
typedef struct ghs_search_opts {
    size_t size;     /* sizeof(ghs_search_opts) as compiled, or 0 (see above) */
    size_t limit;    /* hits to return (0: GHS_SEARCH_DEFAULT_LIMIT) */
    size_t offset;   /* hits to skip, for paging */
    size_t per_doc;  /* passages per document (0: GHS_SEARCH_DEFAULT_PER_DOC) */
    int literal;     /* 0 (the default): a query word (or phrase) that is in
                        the corpus glossary (ghs_glossary_get) also matches
                        its equivalents, weighted below the word itself;
                        non-zero: the query's own words only
                        (`ghsearch search --no-expand`, `expand=0` over
                        HTTP). */
    int facets;      /* non-zero: also count matching documents per language,
                        year, type and publisher (ghs_results_facets) */
    double time_limit; /* seconds the facet count (the match visiting every
                        matching passage, the slow part on a big index)
                        may spend; 0 (or less) means no limit. Past it the
                        answer is approximate, never an error: hits and
                        total are unchanged, facet counts cover only the
                        passages seen in time. Ranking is not cut short
                        (it stops early by itself), so this bounds the
                        counting, not the whole call. With remote shards
                        each server applies the limit to its own. */
    const char *glossary; /* unless literal: a glossary file adding, choosing
                        and vetoing pairs (format: ghs_glossary_get), or NULL */
} ghs_search_opts;
#define GHS_SEARCH_OPTS_INIT .size = sizeof(ghs_search_opts)

/* A highlight: code point offsets into the passage, end exclusive. */
typedef struct ghs_span { int start, end; } ghs_span;

/* Another place a hit's passage stands word for word (see ghs_hit.also_in). */
typedef struct ghs_location {
    const char *doc;      /* stable document id */
    const char *title;
    int page;             /* 1-based PDF page; 0 when the source has no pages */
    const char *page_label; /* the page's printed label, as ghs_hit.page_label
                             ("" when none) */
} ghs_location;

typedef struct ghs_hit {
    int rank;             /* 1-based, across pages: with offset 10 the first
                             hit is rank 11 */
    double score;         /* BM25 weight of this passage (see tier for why a
                             hit may stand above a higher score) */
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
    int doc_rank;         /* 1-based rank of the hit's document among documents,
                             across pages as rank is */
    const ghs_span *highlights;
    size_t n_highlights;
    const char *url;      /* the document's URL (manifest, release or record); may be "" */
    const char *linked_from; /* title of a release that links to this document; may be "" */
    /* passage is the window of the indexed passage that best shows the
     * matches: whole sentences, at most about 240 code points, never cut
     * inside a word, with "…" (U+2026, one code point) before it when text
     * of full_passage before window_start was left out and after it when
     * text after window_end was. highlights index passage; a highlight at
     * offset o of passage stands at o - (1 if passage starts with that "…")
     * + window_start in full_passage. Equal to passage when nothing was cut. */
    const char *full_passage;
    int window_start, window_end; /* code points of full_passage shown */
    /* The other documents and pages whose passage has the same words
     * (case, width, spacing and punctuation aside): a footer on every
     * document, a release quoting its report. Those hits are left out of
     * the results, best first here; NULL/0 when there are none. */
    const ghs_location *also_in;
    size_t n_also_in;
    /* Why the hit stands where it does. Hits come in two tiers, in this
     * order whatever their scores: tier 1, passages matching the whole
     * query (every word, in the passage or in its document's title, as the
     * query's operators combine them); then tier 2, passages holding only
     * some of its words. Within a tier, documents stand by their best
     * passage's score, each document's passages together (doc_rank), except
     * that for a Japanese question the first documents of each tier are
     * re-ordered by how much of the question's wording their best passage
     * repeats: those (reranked 1) come first in their tier, by rerank
     * (highest first), the others (reranked 0, rerank 0) after them by
     * score. Every hit of one document has the same tier, reranked and
     * rerank. */
    int tier;             /* 1 or 2 */
    int reranked;         /* 1: placed by the wording re-ranking */
    double rerank;        /* its wording score (higher first; comparable only
                             within one search); 0 when not reranked */
    const char *page_label; /* the page number printed on the page ("15",
                             "iii"), when the PDF labels its pages otherwise
                             than 1, 2, 3...; else "". page stays the physical
                             page; citation says "p. 15 (PDF p. 16)" */
    /* The highlights of the whole of full_passage (code point offsets into
     * it, end exclusive, in order): the matches outside the window too,
     * for a reader showing the passage in full (the server's page view).
     * Equal to highlights when the passage is shown whole. */
    const ghs_span *full_highlights;
    size_t n_full_highlights;
    const char *path;     /* the local file the hit's document was indexed
                             from, as ghs_document.path ("" when unknown):
                             what ghs_hit_open_url opens on this machine.
                             Never part of ghs_hit_json, whatever the flags. */
} ghs_hit;

typedef struct ghs_results ghs_results;

/* Search: parse query (see the README's query language), rank passages with
 * BM25, group them by document (best passages of the best documents first).
 * opts may be NULL for defaults. On success *out owns every hit and string;
 * free with ghs_results_free(). A malformed query fails with GHS_EQUERY and
 * err->position set. */
GHS_API int ghs_search(ghs_index *ix, const char *query, const ghs_search_opts *opts,
               ghs_results **out, ghs_error *err);

GHS_API size_t ghs_results_count(const ghs_results *r);
/* Number of passages matching the query, both tiers (the passages the hits
 * are drawn from; per_doc and the copies left out keep some of them from
 * the list): exact when at most 1000 match, else Xapian's estimate (at
 * least 1000). Never less than offset + count, and the same for every
 * limit and offset of one query on one revision (past the first 1000 hits
 * it may be raised to offset + count when the estimate falls short). */
GHS_API size_t ghs_results_total(const ghs_results *r);
/* 1 when ghs_results_total is the number of matching passages (counted,
 * or a single word's frequency), 0 when it is an estimate; the same for
 * every limit and offset of one query on one revision. */
GHS_API int ghs_results_total_exact(const ghs_results *r);
/* Hit i (0-based, < count); owned by r. */
GHS_API const ghs_hit *ghs_results_hit(const ghs_results *r, size_t i);
GHS_API void ghs_results_free(ghs_results *r);

/* One facet count (see ghs_search_opts.facets). */
typedef struct ghs_facet {
    const char *field;   /* "lang", "year", "type" or "publisher" */
    const char *value;   /* e.g. "ja", "2023", "pdf", "JCIE" (never "") */
    size_t documents;    /* matching documents with this value */
    size_t passages;     /* matching passages in those documents */
} ghs_facet;

/* Facet counts of the query, when it was run with opts.facets set: every
 * document matching the query (not only the hits returned) counted once
 * per field, over the documents the hits are drawn from, both tiers
 * (documents with a passage matching every word or some of them, the set
 * ghs_results_total counts the passages of): a value of a hit is never
 * counted 0, unless opts.time_limit cut the counting short.
 * Documents without a year or publisher are not counted in that field.
 * Ordered by field (lang, year, type, publisher), then by documents
 * (most first), then by value. *out (owned by r) gets the array; returns
 * its length (0 without opts.facets or without matches). */
GHS_API size_t ghs_results_facets(const ghs_results *r, const ghs_facet **out);

/* When the query found nothing, the query with its unknown English words
 * replaced by close words of the index ("helth financing" -> "health
 * financing"), else NULL. Owned by r. */
GHS_API const char *ghs_results_suggestion(const ghs_results *r);

/* How the query was understood, for --explain: the parsed query and, per
 * query word in the glossary, what it was expanded to (with weights) or
 * why it was not ("conflicting meanings", "vetoed"); one item a line.
 * Owned by r; never NULL. */
GHS_API const char *ghs_results_explain(const ghs_results *r);

/* ------------------------------------------------------------------ citations */

typedef enum ghs_cite_style {
    GHS_CITE_TEXT = 0,     /* Title, Publisher, Year, p. N, URL */
    GHS_CITE_BIBTEX = 1,   /* one BibTeX entry: @techreport or @misc */
    GHS_CITE_CSL_JSON = 2  /* one CSL-JSON item (an object, one line) */
} ghs_cite_style;

/* The style named "text", "bibtex" or "csl-json" (as --cite takes it).
 * Returns 0, or GHS_EINVAL naming the accepted styles. */
GHS_API int ghs_cite_style_parse(const char *name, ghs_cite_style *out, ghs_error *err);

/* A citation of hit h in style, as a malloc'ed UTF-8 string in *out that
 * the caller frees with ghs_free() (or free()). Missing parts (publisher,
 * date, page, URL) are left out, never printed empty; titles are used as
 * they are, Japanese included.
 *  - text:     "Title, Publisher, 2023, p. 3, https://..." (a page with a
 *              printed label of its own: "p. 15 (PDF p. 16)"; BibTeX's note
 *              likewise; CSL's page is the printed label)
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
GHS_API int ghs_hit_cite(const ghs_hit *h, ghs_cite_style style, char **out, ghs_error *err);

/* Free memory the library handed over as malloc'ed (citations, page
 * text, JSON). NULL is a no-op. */
GHS_API void ghs_free(void *p);

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
    const char *path;       /* the absolute path of the local file it was indexed
                               from, as recorded then (the file may have moved or
                               changed since; a fetched document's copy in the
                               fetch cache): what opens the document on this
                               machine, which source does not say when it is the
                               manifest's URL; for a JSON Lines record, the
                               JSON Lines file. "" when unknown: a document
                               of a shard other than the first of a sharded
                               index. Never part of ghs_document_json,
                               whatever the flags. */
} ghs_document;

/* The id of the document ref names, as a user types it (`ghsearch show`,
 * `links`, a doc: filter, the server's /doc/{ref}), tried in this order:
 *  1. a document id, exactly;
 *  2. the path of an indexed file, relative to the working directory or
 *     absolute, made absolute without touching the file system (as the
 *     indexer records paths: the file need not exist any more); a JSON
 *     Lines file names its records;
 *  3. a file name without a directory ("report.pdf", ending in a type the
 *     indexer reads), when it is the name of exactly one indexed file's
 *     document.
 * On success *id is the document's id, malloc'ed (free with ghs_free()).
 * GHS_ENOTFOUND with "[doc] no document 'ref'" when nothing matches;
 * GHS_EINVAL when ref is the file name (or the JSON Lines file) of several
 * documents, the message naming their ids ("[doc] 'ref' is the file name
 * of 2 documents: a, b; name one by its id"), or for NULL/""; GHS_EDB.
 * Step 3 reads every document record, so it is slower, and is taken only
 * when 1 and 2 find nothing. Steps 2 and 3 read user metadata, which a
 * sharded (stub) index reads from its first database only: there the
 * documents of the other shards are found by id alone. */
GHS_API int ghs_document_resolve(ghs_index *ix, const char *ref, char **id, ghs_error *err);

/* Look document id up (exactly: see ghs_document_resolve for the names a
 * user types). On success *out is a new record (its strings owned
 * by it) to free with ghs_document_free(). GHS_ENOTFOUND with
 * "[show] no document 'id'" when the index has no such document. Works on
 * a sharded index too (falls back to the stored passages when a shard's
 * document record cannot be read). */
GHS_API int ghs_document_get(ghs_index *ix, const char *id, ghs_document **out, ghs_error *err);
GHS_API void ghs_document_free(ghs_document *d);

/* A citation of document d (page > 0 cites that page), as ghs_hit_cite
 * does for a hit: a page with a printed label of its own is cited
 * "p. 15 (PDF p. 16)"; *out freed with ghs_free(). */
GHS_API int ghs_document_cite(const ghs_document *d, int page, ghs_cite_style style, char **out,
                      ghs_error *err);

/* The label printed on PDF page `page` of d ("15", "iii"), as a hit's
 * page_label gives it: the PDF's page labels (/PageLabels) when it has
 * them, else the page numbers its running heads or feet print, when they
 * differ from the physical page; else "" (also for a page out of range).
 * Owned by d. */
GHS_API const char *ghs_document_page_label(const ghs_document *d, int page);

/* The PDF page of d whose printed label is label ("15", "iii"; ASCII
 * case aside), or, when no page has that label, the page of that number
 * when it has no label of its own: how a user names the page a citation
 * "p. 15 (PDF p. 16)" gives as 15. On success *page is 1-based.
 * GHS_ENOTFOUND when no page is labelled so; GHS_EINVAL when several are
 * (a numbering that restarts in each part; the message lists their PDF
 * pages), or when d has no pages. */
GHS_API int ghs_document_page_of_label(const ghs_document *d, const char *label, int *page,
                                       ghs_error *err);

/* Reference-manager files of a page of results: one entry per document
 * (in the order of its best hit), with the pages its hits stand on, the
 * same stable key as --cite bibtex, no local path and no URL that is not
 * one (a relative reference, a file). */
typedef enum ghs_export_format {
    GHS_EXPORT_BIBTEX = 0,   /* entries as --cite bibtex, pages in note = {pp.~3, 5} */
    GHS_EXPORT_RIS = 1,      /* RIS records: TY first, ER last, CRLF line ends; RPRT
                                for a PDF, ELEC for a release, GEN for a record */
    GHS_EXPORT_CSL_JSON = 2  /* a CSL-JSON array of items, pages in "note" */
} ghs_export_format;

/* The format named "bibtex", "ris" or "csl-json". 0, or GHS_EINVAL naming
 * the accepted ones. */
GHS_API int ghs_export_format_parse(const char *name, ghs_export_format *out, ghs_error *err);

/* The export of r's hits in fmt as one malloc'ed UTF-8 text in *out (free
 * with ghs_free), ending in a newline; empty when r has no hit. */
GHS_API int ghs_results_export(const ghs_results *r, ghs_export_format fmt, char **out,
                               ghs_error *err);

/* The text of page `page` of document id (1-based for PDFs; 0 for a
 * release or record, which have no pages: a release's text is also its
 * page 1, as its hits count it), put back together from its
 * indexed passages in page order, separated by blank lines. What the
 * indexer left out is missing: white space between passages, text without
 * a letter or digit, and a passage repeated word for word inside the
 * document (a running header, a body printed twice), which appears only
 * where it occurs first. A page in range that holds no text gives "".
 * *text is malloc'ed; free with ghs_free(). GHS_ENOTFOUND for an unknown
 * document, GHS_EINVAL for a page out of range (the message says the
 * valid range). */
GHS_API int ghs_document_page_text(ghs_index *ix, const char *id, int page, char **text,
                           ghs_error *err);

/* ------------------------------------------------------------------ JSON */

/* Hits, documents and facet counts as JSON, as `ghsearch search --json`,
 * `ghsearch show --json` and the HTTP API print them, and the string and
 * number forms of their members, for a program that writes objects of its
 * own around them. Each function returns a new malloc'ed UTF-8 string, on
 * one line and without a final newline, that the caller frees with
 * ghs_free(). Strings are written as ghs_json_string writes them, numbers
 * as ghs_json_number does; the keys come in the order given here, and a
 * later version may add keys after them. */

/* Flags of ghs_hit_json and ghs_document_json, or'ed; 0 for neither. */
enum {
    /* "source" as a remote user may see it (the HTTP API): the
     * document's URL when it has one, else the source itself when it is
     * an http(s) URL, else its file name without directories, never a
     * path of the machine that indexed it. Without it, the source as
     * indexed (the command line). */
    GHS_JSON_SOURCE_REMOTE = 1,
    /* ghs_document_json: the document's id under "doc", as hits and the
     * HTTP API name it, rather than "id" (`ghsearch show --json`). */
    GHS_JSON_ID_AS_DOC = 2
};

/* The link that opens hit h at its page, as its "open_url" in
 * ghs_hit_json (`ghsearch open`, the terminal hyperlinks of `ghsearch
 * search` and the server's links use the same rule):
 *  - flags 0 (this machine): the local file it was indexed from (h->path,
 *    when it is still a regular file) as a file:// URL; else the
 *    document's web address (h->url, else a source that is an http(s)
 *    URL);
 *  - GHS_JSON_SOURCE_REMOTE (a user of the HTTP API): never a path of this
 *    machine, but the server's own "/doc/ID/pdf" (relative to the server,
 *    the id percent-encoded) for a PDF that ghs_document_pdf_open would
 *    open; else the document's web address;
 * in both, "#page=N" added for a PDF hit on physical page N (unless the
 * web address has a fragment of its own). A JSON Lines record's file holds
 * many records: a record opens only at its url, when that is an http(s)
 * URL. Web addresses are given with bytes outside printable ASCII
 * percent-encoded. Looks at the file system (the file's type, and its
 * first bytes for the remote form). NULL when there is nothing to open
 * (and for a NULL hit); else malloc'ed, free with ghs_free(). */
GHS_API char *ghs_hit_open_url(const ghs_hit *h, int flags);

/* The same link for document d at physical page `page` (0: no page). */
GHS_API char *ghs_document_open_url(const ghs_document *d, int page, int flags);

/* The local PDF file of document d opened read-only, when the server may
 * send it: d is of type pdf, its path is absolute and names a regular
 * file with a PDF header ("%PDF-" in its first 1024 bytes); never blocks
 * on a FIFO put in the file's place. The file descriptor (close it when
 * done), or -1 otherwise (a release, a record, a document of a shard other
 * than the first, a file gone or replaced; errno is not meaningful). */
GHS_API int ghs_document_pdf_open(const ghs_document *d);

/* s as a JSON string: in double quotes, with " and \ escaped, \b \f \n
 * \r \t for those controls, \u00XX for the other control characters and
 * DEL, and any other UTF-8 (Japanese included) as it is. Each byte of s
 * that is not valid UTF-8 becomes U+FFFD, so the result always parses.
 * NULL gives "". */
GHS_API char *ghs_json_string(const char *s);

/* v as a JSON number: the shortest of printf's %.6g ("2.25679", "1e-07",
 * "42"), with a decimal point whatever the locale. NaN and the
 * infinities, which JSON cannot express, give "0". */
GHS_API char *ghs_json_number(double v);

/* Hit h as one JSON object:
 * {"rank","score","doc","title","source","page" (null when 0),"lang",
 *  "passage","highlights":[[start,end],...],"citation","type","publisher",
 *  "date","url","linked_from" (only when not ""),"doc_rank","full_passage",
 *  "window":[start,end],"also_in":[{"doc","title","page","page_label" (only
 *  when not "")},...] (other places of the same words),"tier",
 *  "rerank" (only when reranked),"page_label" (only when not ""),
 *  "open_url" (ghs_hit_open_url with the same flags; only when there is
 *  one)}
 * (the fields of ghs_hit, path excepted; "source" as flags say). The
 * object ends with its closing brace, so a caller may drop that to add
 * members of its own.
 * NULL for a NULL hit. */
GHS_API char *ghs_hit_json(const ghs_hit *h, int flags);

/* Document d's metadata as one JSON object:
 * {"id" (or "doc" with GHS_JSON_ID_AS_DOC),"title","source","url","lang",
 *  "type","publisher","date","pages","passages"} ("source" as flags say).
 * Like a hit's, it ends with its closing brace: a caller adds its citation
 * or text by dropping it. NULL for a NULL document. */
GHS_API char *ghs_document_json(const ghs_document *d, int flags);

/* The facet counts fs[0..n) (ghs_results_facets) as one JSON object, the
 * fields in the order of fs:
 * {"lang":[{"value","documents","passages"},...],"year":[...],...};
 * "{}" when n is 0. */
GHS_API char *ghs_facets_json(const ghs_facet *fs, size_t n);

/* ------------------------------------------------------------------ links */

/* Releases link to the documents they announce. ghs_index_add_paths
 * follows the links of every release among its files: each link is
 * resolved to a local copy (the file it names next to the release, a file
 * of that name among the inputs or the manifest's file for its URL, or the
 * copy `ghsearch fetch` stored in the fetch cache), the copy is indexed as
 * a document of its own when it is not an input already, and the outcome
 * is recorded for ghs_links_get. */
typedef enum ghs_link_state {
    GHS_LINK_INDEXED = 0,      /* a local copy is indexed (doc names it) */
    GHS_LINK_MISSING = 1,      /* no local copy found (reason says what is known) */
    GHS_LINK_FAILED = 2,       /* a local copy was found but could not be indexed */
    GHS_LINK_NOT_DOCUMENT = 3  /* not a PDF or HTML document (image, archive, ...) */
} ghs_link_state;

/* "indexed", "missing", "failed" or "not-a-document". Static storage. */
GHS_API const char *ghs_link_state_name(ghs_link_state state);

/* One link of a release. */
typedef struct ghs_doc_link {
    const char *url;      /* as the release gives it: absolute URL or relative path */
    const char *anchor;   /* the link's text; may be "" */
    ghs_link_state state;
    const char *doc;      /* id of the linked document when indexed, else "" */
    const char *path;     /* the local copy found, else "" */
    const char *reason;   /* why it is missing, failed or not a document, else "" */
} ghs_doc_link;

/* A release that links to a document. */
typedef struct ghs_link_source {
    const char *doc;      /* the release's id */
    const char *title;    /* its title */
    const char *anchor;   /* the text of its link; may be "" */
    const char *url;      /* the link as the release gives it */
} ghs_link_source;

typedef struct ghs_links ghs_links;

/* The links of document doc (an id, the path of an indexed file or its
 * file name, resolved as ghs_document_resolve does) and the releases
 * linking to it, as the last indexing run recorded them.
 * A document without links gives empty lists. On success *out is freed
 * with ghs_links_free(); its strings belong to it. GHS_ENOTFOUND with
 * "[links] no document 'doc'" when the index has no such document,
 * GHS_EINVAL naming the candidates when doc is ambiguous. */
GHS_API int ghs_links_get(ghs_index *ix, const char *doc, ghs_links **out, ghs_error *err);
GHS_API const char *ghs_links_doc(const ghs_links *l);    /* the document's id */
GHS_API const char *ghs_links_title(const ghs_links *l);  /* its title ("" when unknown) */
GHS_API size_t ghs_links_count(const ghs_links *l);
GHS_API const ghs_doc_link *ghs_links_item(const ghs_links *l, size_t i);   /* owned by l */
GHS_API size_t ghs_links_from_count(const ghs_links *l);
GHS_API const ghs_link_source *ghs_links_from(const ghs_links *l, size_t i); /* owned by l */
GHS_API void ghs_links_free(ghs_links *l);

/* The fetch cache (the directory `ghsearch fetch --cache` fills) where
 * ghs_index_add_paths looks for copies of linked documents. Without this
 * call: ghs_default_cache_dir(). A directory that does not exist simply
 * holds nothing. Returns 0 or GHS_EINVAL for NULL/"". */
GHS_API int ghs_index_set_cache(ghs_index *ix, const char *dir, ghs_error *err);

/* The fetch cache used when none is given: $GHSEARCH_CACHE when set and
 * not empty, else "./ghsearch-cache" (relative to the working directory).
 * The one definition both the indexer and a fetcher (`ghsearch fetch`)
 * use, so that what one stores the other finds. The environment is read
 * at each call; the string is environment or static storage. */
GHS_API const char *ghs_default_cache_dir(void);

/* The http(s) URLs worth fetching, each once, in this order: the
 * manifest's URLs (manifest may be NULL), the links of the releases under
 * paths (files or directories, walked as ghs_index_add_paths does), and
 * the links recorded in ix (may be NULL) that are not indexed yet. Links
 * to things that are not documents (images, archives, ...) are left out.
 * *urls is a NULL-terminated array freed with ghs_strv_free(); *n (may be
 * NULL) gets its length. Errors: the manifest cannot be read, a path does
 * not exist (the message names it). A release that cannot be read is
 * skipped. */
GHS_API int ghs_links_collect_urls(ghs_index *ix, const char *manifest, const char *const *paths,
                           size_t n_paths, char ***urls, size_t *n, ghs_error *err);

/* Free a NULL-terminated string array the library handed over. NULL is a
 * no-op. */
GHS_API void ghs_strv_free(char **v);

/* ------------------------------------------------------------------ glossary */

/* Whether a glossary pair is used for query expansion, and why not. */
typedef enum ghs_gloss_status {
    GHS_GLOSS_ACTIVE = 0,     /* used */
    GHS_GLOSS_CONFLICT = 1,   /* not used: the term has another meaning of equal
                                 standing in the corpus (a glossary file can
                                 choose one) */
    GHS_GLOSS_OUTWEIGHED = 2, /* not used: seen once in a footnote while another
                                 meaning is defined in a body, or the glossary
                                 file chose another meaning */
    GHS_GLOSS_VETOED = 3      /* not used: vetoed by the glossary file */
} ghs_gloss_status;

/* One place a pair is defined. */
typedef struct ghs_gloss_source {
    const char *doc;        /* document id */
    const char *title;      /* document title ("" when unknown) */
    int page;               /* 1-based PDF page; 0 when the source has no pages */
    int footnote;           /* 1: in a footnote ("注1) ..."), 0: in the body */
    size_t count;           /* definitions there */
    const char *as_written; /* the definition as it reads (NFKC), e.g.
                               "プライマリ・ヘルス・ケア(PHC)" */
    const char *citation;   /* "Title, p. 3", as search hits are cited */
} ghs_gloss_source;

/* A pair of the glossary mined from the corpus (or added by a glossary
 * file): an acronym and one of its long forms, or an English term and its
 * Japanese translation. */
typedef struct ghs_gloss_pair {
    const char *term;       /* "UHC"; for a translation, the English term */
    const char *equivalent; /* "Universal Health Coverage", "ユニバーサル・ヘルス・カバレッジ" */
    const char *lang;       /* language of equivalent: "en" or "ja" */
    int translation;        /* 1: a translation pair; 0: acronym and long form */
    ghs_gloss_status status;
    int user;               /* 1: added or chosen by the glossary file */
    double weight;          /* weight of a match through this pair relative to
                               the literal word: 0.5, 0.25 when it was only
                               seen in footnotes; 0 when not used */
    size_t body;            /* definitions found in document bodies */
    size_t footnotes;       /* definitions found in footnotes */
    const ghs_gloss_source *sources;  /* where, in document order */
    size_t n_sources;
} ghs_gloss_pair;

typedef struct ghs_glossary ghs_glossary;

/* The glossary the indexer mined from the corpus (definitions such as
 * "Universal Health Coverage (UHC)", "ユニバーサル・ヘルス・カバレッジ（UHC）",
 * "感染症危機対応医薬品等（medical countermeasures: MCM）"), each pair with
 * the places it is defined. term NULL: every pair; else the pairs of the
 * terms term is or stands for ("UHC", "universal health coverage" and
 * "ユニバーサル・ヘルス・カバレッジ" give the same list), compared after
 * normalization (width, case, English stems). Sorted by term, then
 * language, then equivalent.
 *
 * glossary_file (may be NULL) is a UTF-8 text file of rules, one a line,
 * '#' starting a comment:
 *     UHC = Universal Health Coverage     add a pair; when UHC has several
 *                                         meanings, choose this one
 *     !PPR = peste des petits ruminants   veto a pair
 *     !ACT                                veto every pair of ACT
 * The same file given to ghs_search (opts.glossary) changes expansion the
 * same way. On success *out is a new list to free with
 * ghs_glossary_free(). Errors: GHS_EINVAL when term has no word, or for a
 * line of the file that is no rule ("[glossary][FILE:LINE] ..."), GHS_EIO
 * when the file cannot be read, GHS_EDB. Reads metadata of the first
 * database of a sharded index only (as ghs_document_get). */
GHS_API int ghs_glossary_get(ghs_index *ix, const char *term, const char *glossary_file,
                     ghs_glossary **out, ghs_error *err);
GHS_API size_t ghs_glossary_count(const ghs_glossary *g);
/* Pair i (0-based, < count); owned by g. */
GHS_API const ghs_gloss_pair *ghs_glossary_pair(const ghs_glossary *g, size_t i);
/* A short English name of a status: "active", "conflict", "outweighed",
 * "vetoed". Static storage. */
GHS_API const char *ghs_gloss_status_name(ghs_gloss_status s);
GHS_API void ghs_glossary_free(ghs_glossary *g);

#ifdef __cplusplus
}
#endif

#endif /* GHSEARCH_H */
