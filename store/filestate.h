/*
 * filestate.h: what the index remembers about each source file, so that a
 * re-run skips what did not change. Not part of the public API (except
 * ghs_index_prune, declared in ghsearch.h and implemented in indexer/prune.c).
 *
 * The path record, metadata GHS_META_PATH + absolute path, is
 * "size:mtime TAB sha256 TAB doc id" (records written before the hash was
 * kept are "size:mtime TAB doc id" and still read). It is written in the
 * same transaction as the file's last passages, so it exists exactly when
 * the file's passages were committed. A JSON Lines file committed in
 * batches has, between its first batch and its end, the record
 * "TAB doc id" (no stamp, no hash): it matches no file, so a run cut off
 * there indexes the file again, and pruning still finds its passages.
 */
#ifndef GHS_INDEXER_FILESTATE_H
#define GHS_INDEXER_FILESTATE_H

#include <stddef.h>
#include <stdint.h>

#include "ghsearch.h"

typedef struct ghs_path_record {
    char *stamp;    /* "size:mtime", or NULL */
    char *sha256;   /* 64 lowercase hex digits, or NULL (old record) */
    char *doc_id;   /* or NULL */
} ghs_path_record;

/* Parse a stored path record (val need not be NUL-terminated). Fields the
 * record lacks stay NULL. Free with ghs_path_record_clear(). */
void ghs_path_record_parse(const char *val, size_t len, ghs_path_record *out);
void ghs_path_record_clear(ghs_path_record *r);

/* The stored form of a path record; g_free() it. sha256 may be NULL. */
char *ghs_path_record_format(const char *stamp, const char *sha256, const char *doc_id);

/* The progress record of a JSON Lines file being indexed (GHS_META_PROGRESS):
 * its content's SHA-256, the line of the last record committed and the
 * offset past it, as "SHA LINE OFFSET"; g_free() it. */
char *ghs_progress_record_format(const char *sha256, size_t line, uint64_t offset);

/* Parse a stored progress record (val need not be NUL-terminated): 1 with
 * sha256 (64 hex digits and a NUL), *line and *offset (both > 0); 0 when
 * there is none or it is damaged. */
int ghs_progress_record_parse(const char *val, size_t len, char sha256[65], size_t *line,
                              uint64_t *offset);

/* SHA-256 of the bytes of the file at path, as 64 lowercase hex digits
 * (g_free() it). NULL with GHS_EIO in err when the file cannot be read or
 * is not a regular file (ghs_open_regular(): a FIFO or a device is refused,
 * never waited on or read without end). */
char *ghs_file_sha256(const char *path, ghs_error *err);

/* The term every passage of the file at abs_path carries ("F" + SHA-1 of
 * the path, as paths can be longer than Xapian's term limit); g_free() it. */
char *ghs_file_term(const char *abs_path);

#endif /* GHS_INDEXER_FILESTATE_H */
