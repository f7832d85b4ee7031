/*
 * xc.h: ghsearch's thin C binding over Xapian's C++ API.
 *
 * This header is the only way ghsearch code reaches Xapian. Every handle is
 * opaque; every call that can fail takes an xc_error out-parameter (which may
 * be NULL), returns NULL / a negative value / 0 on failure, and fills the
 * error with Xapian's own message and error class name. No C++ exception ever
 * crosses this header: the implementation (xc.cc) catches everything.
 * Every call taking an xc_error resets it to XC_OK on entry, so a 0 result
 * that is not an error (an absent term) is told apart by err->code.
 *
 * Ownership: a function named *_new / *_open / *_get_* that returns a pointer
 * hands ownership to the caller, who frees it with the matching *_free /
 * *_close (or free() for returned strings, as stated per function).
 * Queries are values: combining queries copies them, so the caller still owns
 * and must free every query handle it created.
 *
 * Thread safety: as Xapian's. A handle may be used by one thread at a time;
 * distinct handles on one database may be used in parallel.
 */
#ifndef XC_H
#define XC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes: 0 means no error. */
enum {
    XC_OK = 0,
    XC_ERR_DATABASE = 1,        /* any Xapian::DatabaseError not listed below */
    XC_ERR_OPENING = 2,         /* DatabaseOpeningError / DatabaseNotFoundError */
    XC_ERR_LOCKED = 3,          /* DatabaseLockError: another writer holds it */
    XC_ERR_MODIFIED = 4,        /* DatabaseModifiedError: reopen and retry */
    XC_ERR_CORRUPT = 5,         /* DatabaseCorruptError */
    XC_ERR_INVALID_ARGUMENT = 6,/* InvalidArgumentError, InvalidOperationError */
    XC_ERR_NETWORK = 7,         /* NetworkError (remote shards) */
    XC_ERR_RANGE = 8,           /* RangeError, DocNotFoundError */
    XC_ERR_OTHER = 9,           /* any other Xapian::Error */
    XC_ERR_NOMEM = 10,          /* std::bad_alloc */
    XC_ERR_UNKNOWN = 11         /* any other exception */
};

typedef struct xc_error {
    int code;            /* XC_OK or one of the codes above */
    char message[512];   /* "<ErrorClass>: <Xapian message>", NUL-terminated */
} xc_error;

typedef uint32_t xc_docid;   /* 0 = none */
typedef uint32_t xc_termpos;

typedef struct xc_db xc_db;           /* a database opened for reading (or a stub of shards) */
typedef struct xc_wdb xc_wdb;         /* a database opened for writing */
typedef struct xc_doc xc_doc;         /* a document being built or read */
typedef struct xc_query xc_query;     /* an immutable query */
typedef struct xc_enquire xc_enquire; /* a search session on one xc_db */
typedef struct xc_mset xc_mset;       /* a page of ranked results */
typedef struct xc_docset xc_docset;   /* document ids a match saw */
typedef struct xc_stemmer xc_stemmer; /* a Snowball stemmer */
typedef struct xc_termlist xc_termlist; /* an iterator over terms */

/* Clear an error (sets code to XC_OK and message to ""). err may be NULL. */
void xc_error_clear(xc_error *err);

/* For tests of error handling only: make the n-th binding call from now on
 * (counting every call that can fail, in any thread) fail as a
 * DatabaseError without doing anything; 0 turns it off. The library never
 * calls these. With XC_FAULT_TRAP set in the environment the fault also
 * traps, so a debugger shows who made the call. */
void xc_test_fail_after(long n);
/* What the injected fault is: XC_ERR_DATABASE (the default) or
 * XC_ERR_NOMEM, as when Xapian throws std::bad_alloc. */
void xc_test_fail_as(int code);
/* How many injected faults fired since the last xc_test_fail_after. */
long xc_test_faults_fired(void);
/* Calls left before the injected fault (xc_test_fail_after(huge) then this
 * counts the calls a run makes). */
long xc_test_calls_left(void);
/* The binding function the last injected fault hit ("xc_wdb_commit"). */
const char *xc_test_fault_site(void);

/* Xapian's version string ("1.4.22"). Static storage. */
const char *xc_xapian_version(void);

/* ---------------------------------------------------------------- reading */

/* Open a database for reading. path may be a database directory or a stub
 * file: one shard a line, "auto PATH" (or "glass PATH"; relative to the stub's
 * directory), "remote HOST:PORT" (xapian-tcpsrv) or "remote :PROGRAM ARGS"
 * (e.g. xapian-progsrv); '#' starts a comment.
 * Returns NULL on error. Free with xc_db_close(). */
xc_db *xc_db_open(const char *path, xc_error *err);

/* An empty in-memory database (searches match nothing; a database with no
 * shards at all would make Enquire fail), for a reader that finds a
 * database still being created. NULL on error. Free with xc_db_close(). */
xc_db *xc_db_open_empty(xc_error *err);

/* Re-read the latest committed revision. Returns 0 on success, -1 on error. */
int xc_db_reopen(xc_db *db, xc_error *err);

/* Close and free. NULL is a no-op. */
void xc_db_close(xc_db *db);

/* Number of documents; on error returns 0 and sets err. */
uint32_t xc_db_doccount(xc_db *db, xc_error *err);

/* Number of documents indexed by term; 0 on error (err set) or absent term. */
uint32_t xc_db_termfreq(xc_db *db, const char *term, xc_error *err);

/* Collection frequency (total wdf) of term. */
uint64_t xc_db_collection_freq(xc_db *db, const char *term, xc_error *err);

/* Average document length. */
double xc_db_avlength(xc_db *db, xc_error *err);

/* 1 if the term occurs in the database, 0 if not, -1 on error. */
int xc_db_term_exists(xc_db *db, const char *term, xc_error *err);

/* Fetch a stored document. Returns NULL on error (XC_ERR_RANGE when there is
 * no such docid). Free with xc_doc_free(). */
xc_doc *xc_db_get_document(xc_db *db, xc_docid did, xc_error *err);

/* User metadata stored with xc_wdb_set_metadata(). Returns a malloc'ed
 * NUL-terminated copy (caller frees with free()), "" (malloc'ed) when absent,
 * NULL on error. *len (if not NULL) gets the length. */
char *xc_db_get_metadata(xc_db *db, const char *key, size_t *len, xc_error *err);

/* Spelling suggestion for word (built from xc_wdb_add_spelling data), within
 * max_edit_distance. Returns a malloc'ed string, "" when none, NULL on error. */
char *xc_db_spelling_suggestion(xc_db *db, const char *word,
                                unsigned max_edit_distance, xc_error *err);

/* Iterate all terms starting with prefix ("" for all). Free with
 * xc_termlist_free(). NULL on error. */
xc_termlist *xc_db_allterms(xc_db *db, const char *prefix, xc_error *err);

/* Iterate the postings of a document's terms (the terms it is indexed by). */
xc_termlist *xc_db_termlist(xc_db *db, xc_docid did, xc_error *err);

/* Advance: returns 1 and sets *term (valid until the next call or free) and
 * *termfreq (documents indexed by it; 0 for xc_db_termlist), 0 at the end,
 * -1 on error. */
int xc_termlist_next(xc_termlist *tl, const char **term, uint32_t *termfreq,
                     xc_error *err);
void xc_termlist_free(xc_termlist *tl);

/* ---------------------------------------------------------------- writing */

enum {
    XC_DB_CREATE_OR_OPEN = 1,
    XC_DB_CREATE_OR_OVERWRITE = 2,
    XC_DB_OPEN = 3
};

/* Open a database for writing (Xapian's default backend, glass). Fails with
 * XC_ERR_LOCKED if another writer holds the lock. Free with xc_wdb_close(),
 * which commits pending changes unless a transaction is open (then they are
 * discarded). NULL on error. */
xc_wdb *xc_wdb_open(const char *path, int mode, xc_error *err);
void xc_wdb_close(xc_wdb *wdb);

/* Add a document; returns its new docid, 0 on error. */
xc_docid xc_wdb_add_document(xc_wdb *wdb, const xc_doc *doc, xc_error *err);

/* Replace the document(s) indexed by unique_term with doc (adds it when no
 * document has the term). Returns the docid, 0 on error. */
xc_docid xc_wdb_replace_document_term(xc_wdb *wdb, const char *unique_term,
                                      const xc_doc *doc, xc_error *err);

/* Delete every document indexed by term. Returns 0, -1 on error. */
int xc_wdb_delete_documents_term(xc_wdb *wdb, const char *term, xc_error *err);

/* Commit pending changes (outside a transaction). 0 or -1. */
int xc_wdb_commit(xc_wdb *wdb, xc_error *err);

/* Transactions: flushed=1 means commit_transaction also commits to disk. */
int xc_wdb_begin_transaction(xc_wdb *wdb, int flushed, xc_error *err);
int xc_wdb_commit_transaction(xc_wdb *wdb, xc_error *err);
int xc_wdb_cancel_transaction(xc_wdb *wdb, xc_error *err);

/* Set user metadata (value "" deletes the key). 0 or -1. */
int xc_wdb_set_metadata(xc_wdb *wdb, const char *key, const char *value,
                        size_t len, xc_error *err);

/* Add word to the spelling dictionary with a frequency increment. 0 or -1. */
int xc_wdb_add_spelling(xc_wdb *wdb, const char *word, uint32_t freqinc,
                        xc_error *err);

/* Read-side operations on the database being written (sees uncommitted
 * changes of this handle). */
uint32_t xc_wdb_doccount(xc_wdb *wdb, xc_error *err);
int xc_wdb_term_exists(xc_wdb *wdb, const char *term, xc_error *err);
uint32_t xc_wdb_termfreq(xc_wdb *wdb, const char *term, xc_error *err);
char *xc_wdb_get_metadata(xc_wdb *wdb, const char *key, size_t *len, xc_error *err);
/* Document for the first posting of term (e.g. a unique id term), NULL when
 * the term has no posting (err->code stays XC_OK) or on error. */
xc_doc *xc_wdb_get_document_by_term(xc_wdb *wdb, const char *term, xc_error *err);
xc_termlist *xc_wdb_allterms(xc_wdb *wdb, const char *prefix, xc_error *err);

/* ------------------------------------------------------------- compaction */

/* Merge the databases at srcs[0..n-1] into one new, compacted database at
 * dest (a directory that must not hold a database yet), the way Xapian
 * builds a large database from parts written in parallel. Document ids are
 * renumbered: srcs[0]'s first, in their order, then srcs[1]'s, and so on.
 * A user metadata key found in several sources keeps the first source's
 * value. The sources are only read. 0 or -1. */
int xc_compact(const char *const *srcs, size_t n, const char *dest, xc_error *err);

/* ---------------------------------------------------------------- documents */

/* A new, empty document. NULL only on out-of-memory.
 *
 * The setters below (add_posting, add_term, add_boolean_term, set_value,
 * set_data) keep the first error: called with err already holding one,
 * they do nothing and leave it, so a document built with many calls is
 * checked once, at the end (err must start cleared: xc_error_clear). */
xc_doc *xc_doc_new(void);
void xc_doc_free(xc_doc *doc);

/* Index term at position pos, increasing its wdf by wdfinc. Terms longer than
 * Xapian's limit (245 bytes) are skipped silently (returns 0). 0 or -1. */
int xc_doc_add_posting(xc_doc *doc, const char *term, xc_termpos pos,
                       uint32_t wdfinc, xc_error *err);
/* Index term without position. */
int xc_doc_add_term(xc_doc *doc, const char *term, uint32_t wdfinc, xc_error *err);
/* Index a boolean (filter) term: no wdf, no effect on length. */
int xc_doc_add_boolean_term(xc_doc *doc, const char *term, xc_error *err);

int xc_doc_set_value(xc_doc *doc, unsigned slot, const char *value, size_t len,
                     xc_error *err);
int xc_doc_set_data(xc_doc *doc, const char *data, size_t len, xc_error *err);

/* Stored value / data: malloc'ed NUL-terminated copy ("" when unset; caller
 * frees), NULL on error; *len (if not NULL) gets the byte length. */
char *xc_doc_get_value(const xc_doc *doc, unsigned slot, size_t *len, xc_error *err);
char *xc_doc_get_data(const xc_doc *doc, size_t *len, xc_error *err);
xc_docid xc_doc_get_docid(const xc_doc *doc);

/* ---------------------------------------------------------------- queries */

enum {
    XC_OP_AND = 0,
    XC_OP_OR = 1,
    XC_OP_AND_NOT = 2,
    XC_OP_XOR = 3,
    XC_OP_AND_MAYBE = 4,
    XC_OP_FILTER = 5,
    XC_OP_NEAR = 6,      /* parameter = window */
    XC_OP_PHRASE = 7,    /* parameter = window (0: number of subqueries) */
    XC_OP_ELITE_SET = 10,
    XC_OP_SYNONYM = 13,
    XC_OP_MAX = 14
};

/* A term query. wqf: within-query frequency (1 usually); pos: query position
 * (0 if none). NULL on error. */
xc_query *xc_query_term(const char *term, uint32_t wqf, xc_termpos pos, xc_error *err);
/* The query matching every document / no document. */
xc_query *xc_query_match_all(xc_error *err);
xc_query *xc_query_match_nothing(xc_error *err);
/* Combine n subqueries with op (copies them; caller still frees each).
 * parameter: window for NEAR/PHRASE, set size for ELITE_SET, else 0. */
xc_query *xc_query_combine(int op, xc_query *const *subs, size_t n,
                           unsigned parameter, xc_error *err);
/* Documents whose value in slot lies in [lo, hi] by byte comparison
 * (OP_VALUE_RANGE; lo == hi matches that exact value). NULL on error. */
xc_query *xc_query_value_range(unsigned slot, const char *lo, size_t lo_len,
                               const char *hi, size_t hi_len, xc_error *err);
/* Multiply weights by factor (OP_SCALE_WEIGHT); factor 0 makes it boolean. */
xc_query *xc_query_scale(const xc_query *q, double factor, xc_error *err);
/* A copy (cheap: reference counted). */
xc_query *xc_query_copy(const xc_query *q, xc_error *err);
int xc_query_empty(const xc_query *q);
/* Xapian's description, malloc'ed (caller frees). */
char *xc_query_describe(const xc_query *q);
void xc_query_free(xc_query *q);

/* ---------------------------------------------------------------- searching */

/* A search session on db. Keep db open while the enquire is used (the
 * enquire holds its own reference, so closing db first does not crash);
 * xc_db_reopen(db) is seen by the enquire. Free with xc_enquire_free().
 * Its setters (set_query, set_bm25, set_collapse_key,
 * set_docid_order_ascending, set_time_limit, add_value_count) keep the
 * first error, as a document's do: one check before get_mset suffices. */
xc_enquire *xc_enquire_new(xc_db *db, xc_error *err);
void xc_enquire_free(xc_enquire *enq);
int xc_enquire_set_query(xc_enquire *enq, const xc_query *q, xc_error *err);
/* BM25 with Xapian's parameter names; defaults k1=1.2 k2=0 k3=1 b=0.5 min_normlen=0.5. */
int xc_enquire_set_bm25(xc_enquire *enq, double k1, double k2, double k3,
                        double b, double min_normlen, xc_error *err);
/* Keep at most collapse_max documents per distinct value in slot. */
int xc_enquire_set_collapse_key(xc_enquire *enq, unsigned slot,
                                unsigned collapse_max, xc_error *err);
/* Sort by relevance, ties broken by docid ascending (Xapian's default). */
int xc_enquire_set_docid_order_ascending(xc_enquire *enq, xc_error *err);
/* Sort by relevance, ties broken by the value in slot (ascending bytes),
 * then by docid: the order then does not depend on how documents were
 * numbered (one database, merged parts, shards). */
int xc_enquire_set_ties_by_value(xc_enquire *enq, unsigned slot, xc_error *err);
/* Limit the time each get_mset may spend, for counting: once `seconds`
 * have passed the match ends, the spies (xc_enquire_add_value_count) keep
 * what they counted of the documents seen so far, and the MSet returned has
 * no hit and estimates of 0. Meant for get_mset(0, 0, n) with spies; the
 * clock is read every 16 documents, so a match always sees some. On a
 * database with remote shards, Xapian's own limit is set instead (sent
 * with the query to each server: it stops honouring check_at_least there;
 * its timer also runs here, with the race xc.cc describes).
 * 0 (the default) and anything from 1e9 (infinity included) mean no limit;
 * a negative value or NaN is XC_ERR_INVALID_ARGUMENT. 0 or -1. */
int xc_enquire_set_time_limit(xc_enquire *enq, double seconds, xc_error *err);
/* Run: results first..first+maxitems-1; check_at_least as in Xapian. NULL on
 * error (XC_ERR_MODIFIED asks the caller to reopen the db and retry). */
xc_mset *xc_enquire_get_mset(xc_enquire *enq, uint32_t first, uint32_t maxitems,
                             uint32_t check_at_least, xc_error *err);
/* Terms of the current query that document did matches, in query order
 * (by the pos given to xc_query_term; terms without one come in byte order)
 * with *termfreq from the database: free with xc_termlist_free(). */
xc_termlist *xc_enquire_matching_terms(xc_enquire *enq, xc_docid did, xc_error *err);

/* Facets: count the values of slot over every document the next
 * xc_enquire_get_mset() sees (Xapian's ValueCountMatchSpy). The matcher
 * feeds a spy at least check_at_least documents, so pass the database's
 * document count there to count every match; documents are counted before
 * collapsing. Counts add up over successive get_mset calls. The enquire owns
 * the spy. Returns the spy's number (0, 1, ...) or -1 on error. Works on
 * remote shards (the spy is one xapian-tcpsrv knows). */
int xc_enquire_add_value_count(xc_enquire *enq, unsigned slot, xc_error *err);
/* The values counted by spy number spy, in ascending byte order: each
 * xc_termlist_next gives the value as *term and its count as *termfreq.
 * Free with xc_termlist_free(). NULL on error (unknown spy: XC_ERR_RANGE). */
xc_termlist *xc_enquire_value_counts(xc_enquire *enq, int spy, xc_error *err);
/* Documents tallied by spy number spy; 0 on error. */
uint32_t xc_enquire_value_count_total(xc_enquire *enq, int spy, xc_error *err);

/* Record the ids of the documents the next xc_enquire_get_mset() sees, up
 * to max of them (the matcher sees every match when check_at_least is at
 * least their number). Only on a database of one local shard, where a
 * match's document ids are the database's own: 1 when recording, 0 when
 * the database is a stub of several shards or has a remote one (nothing
 * is recorded), -1 on error. */
int xc_enquire_collect_docids(xc_enquire *enq, uint32_t max, xc_error *err);
/* The ids recorded by that get_mset, ascending; NULL, with no error, when
 * it saw more than max or nothing was recorded. Free with xc_docset_free. */
xc_docset *xc_enquire_take_docids(xc_enquire *enq, xc_error *err);
uint32_t xc_docset_size(const xc_docset *s);
void xc_docset_free(xc_docset *s);
/* q restricted to the documents of s (OP_FILTER of a posting source that
 * yields exactly them): the same weights and order as q, and when s holds
 * every match of a query that matches all q does, the same hits, found
 * without weighing or checking the positions of documents outside s. Only
 * for the database (and revision) s was recorded from. NULL on error. */
xc_query *xc_query_filter_docset(const xc_query *q, const xc_docset *s, xc_error *err);

uint32_t xc_mset_size(const xc_mset *ms);
uint32_t xc_mset_matches_estimated(const xc_mset *ms);
uint32_t xc_mset_matches_lower_bound(const xc_mset *ms);
uint32_t xc_mset_matches_upper_bound(const xc_mset *ms);
xc_docid xc_mset_docid(const xc_mset *ms, uint32_t i);
double xc_mset_weight(const xc_mset *ms, uint32_t i);
/* Documents collapsed into hit i (0 without a collapse key). */
uint32_t xc_mset_collapse_count(const xc_mset *ms, uint32_t i);
/* The collapse key of hit i (the value of the enquire's collapse slot),
 * without loading the document: malloc'ed NUL-terminated copy ("" without
 * a collapse key; caller frees), NULL on error; *len (if not NULL) gets
 * the byte length. */
char *xc_mset_collapse_key(const xc_mset *ms, uint32_t i, size_t *len, xc_error *err);
/* Stored document of hit i; free with xc_doc_free(). NULL on error. */
xc_doc *xc_mset_document(const xc_mset *ms, uint32_t i, xc_error *err);
/* Term frequency / weight of a term across the match (for explain). */
uint32_t xc_mset_termfreq(const xc_mset *ms, const char *term, xc_error *err);
double xc_mset_termweight(const xc_mset *ms, const char *term, xc_error *err);
void xc_mset_free(xc_mset *ms);

/* ---------------------------------------------------------------- stemming */

/* A Snowball stemmer for language ("english", "en", ...). NULL on error
 * (unknown language). Free with xc_stemmer_free(). */
xc_stemmer *xc_stemmer_new(const char *language, xc_error *err);
/* Stem a word (UTF-8, len bytes). Returns a malloc'ed NUL-terminated string
 * (caller frees), NULL on error. */
char *xc_stem_word(const xc_stemmer *st, const char *word, size_t len, xc_error *err);
void xc_stemmer_free(xc_stemmer *st);

/* ---------------------------------------------------------------- values */

/* Xapian's sortable serialisation of a double (for value ranges). Writes at
 * most 18 bytes to buf; returns the length. */
size_t xc_sortable_serialise(double value, char *buf);
double xc_sortable_unserialise(const char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* XC_H */
