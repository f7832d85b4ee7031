/*
 * index_handle.c: the ghs_index handle both halves of the library share:
 * opening (creating a database, taking the writer's lock, reading an index
 * a writer is still creating as empty), the lazily opened reading handle,
 * reopening, committing, the manifest, and the statistics of `stats`.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_handle.h"
#include "lock.h"
#include "merge.h"
#include "schema.h"

/* Commit after this many passages so a long run keeps memory bounded and
 * an interrupted run loses at most one batch. */
#define GHS_COMMIT_EVERY 20000

/* Is msg, a Xapian error's text, about a full disk? Xapian puts the
 * system's words for errno in parentheses ("Error writing block 134 (No
 * space left on device)"); strerror gives them in the same locale. */
int ghs_disk_full_errno(const char *msg)
{
    static const int full[] = { ENOSPC, EDQUOT, EFBIG };
    for (size_t i = 0; i < G_N_ELEMENTS(full); i++) {
        char paren[160];
        g_snprintf(paren, sizeof paren, "(%s)", g_strerror(full[i]));
        if (strstr(msg, paren))
            return full[i];
    }
    return 0;
}

int ghs_error_from_xc(ghs_error *err, const xc_error *xe, const char *place)
{
    int code = GHS_EDB;
    switch (xe->code) {
    case XC_ERR_LOCKED: code = GHS_ELOCKED; break;
    case XC_ERR_NOMEM: code = GHS_ENOMEM; break;
    case XC_ERR_INVALID_ARGUMENT: code = GHS_EINVAL; break;
    default: break;
    }
    int full = code == GHS_EDB ? ghs_disk_full_errno(xe->message) : 0;
    if (full)
        return ghs_fail(err, GHS_EDB, GHS_REASON_DISK_FULL, "[%s] the disk is full (%s): %s",
                        place, g_strerror(full), xe->message);
    return ghs_set_error(err, code, "[%s] %s", place, xe->message);
}

/* ------------------------------------------------------------ open/close */

/* Is path a database directory whose writer has not committed its first
 * revision: Xapian's files or lock there, but no revision file? */
static int being_created(const char *path)
{
    char *rev = g_build_filename(path, "iamglass", NULL);
    char *lock = g_build_filename(path, "flintlock", NULL);
    char *post = g_build_filename(path, "postlist.glass", NULL);
    int r = g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(rev, G_FILE_TEST_EXISTS) &&
            (g_file_test(lock, G_FILE_TEST_EXISTS) || g_file_test(post, G_FILE_TEST_EXISTS));
    g_free(rev);
    g_free(lock);
    g_free(post);
    return r;
}

/* Passages per commit unless ghs_index_set_batch says: GHSEARCH_COMMIT_EVERY
 * when set (the crash tests use small batches to kill a run between
 * commits), else GHS_COMMIT_EVERY. */
size_t ghs_index_default_batch(void)
{
    const char *v = g_getenv("GHSEARCH_COMMIT_EVERY");
    long n = v ? atol(v) : 0;
    return n > 0 ? (size_t)n : GHS_COMMIT_EVERY;
}

int ghs_index_open(ghs_index **out, const char *path, int mode, ghs_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return ghs_set_error(err, GHS_EINVAL, "[index] no index path given");
    ghs_index *ix = g_new0(ghs_index, 1);
    ix->path = g_strdup(path);
    ix->writable = mode == GHS_OPEN_WRITE;
    ix->batch = ghs_index_default_batch();
    ix->lock_fd = -1;
    xc_error xe;
    xc_error_clear(&xe);
    if (ix->writable) {
        /* Xapian keeps the postings of up to this many documents in memory
         * before writing them to the tables, even inside a transaction: its
         * default, 10000, costs about 200 MB and more CPU (bigger in-memory
         * maps) than 1000 on passages of Japanese text. */
        if (!g_getenv("XAPIAN_FLUSH_THRESHOLD"))   /* set once, before any writer thread */
            g_setenv("XAPIAN_FLUSH_THRESHOLD", "1000", FALSE);
        if (g_mkdir_with_parents(path, 0755) != 0) {
            int e = errno;
            ghs_set_error(err, GHS_EIO, "[index][%s] cannot create: %s", path, g_strerror(e));
            ghs_index_close(ix);
            return GHS_EIO;
        }
        ix->lock_fd = ghs_lock_take(path);
        if (ix->lock_fd < 0) {
            int e = errno;
            long holder = e == EWOULDBLOCK ? ghs_lock_holder(path) : 0;
            int rc = e != EWOULDBLOCK
                ? ghs_set_error(err, GHS_EIO, "[index][%s] cannot write there: %s", path,
                                g_strerror(e))
                : holder > 0
                ? ghs_set_error(err, GHS_ELOCKED,
                                "[index][%s] locked by PID %ld: another ghsearch is writing to it",
                                path, holder)
                : ghs_set_error(err, GHS_ELOCKED,
                                "[index][%s] locked: another ghsearch is writing to it", path);
            ghs_index_close(ix);
            return rc;
        }
        /* A writer killed while moving a merged database into place left
         * it complete beside the tables: finish the move (merge.h). */
        if (ghs_merge_install(path, err) < 0) {
            int rc = err ? err->code : GHS_EIO;
            ghs_index_close(ix);
            return rc;
        }
        /* A writer killed while creating the database can leave its files
         * without the revision file that makes them a database; nothing was
         * committed there, so start afresh rather than refuse to open. */
        char *rev = g_build_filename(path, "iamglass", NULL);
        int fresh = !g_file_test(rev, G_FILE_TEST_EXISTS);
        g_free(rev);
        ix->wdb = xc_wdb_open(path, fresh ? XC_DB_CREATE_OR_OVERWRITE : XC_DB_CREATE_OR_OPEN,
                              &xe);
        if (ix->wdb && fresh)
            xc_wdb_commit(ix->wdb, &xe);   /* the revision file exists from now on */
        if (!ix->wdb) {
            long holder = xe.code == XC_ERR_LOCKED ? ghs_lock_holder(path) : 0;
            int rc = xe.code != XC_ERR_LOCKED ? ghs_error_from_xc(err, &xe, "index")
                : holder > 0
                ? ghs_set_error(err, GHS_ELOCKED,
                                "[index][%s] locked by PID %ld: another ghsearch is writing to it",
                                path, holder)
                : ghs_set_error(err, GHS_ELOCKED,
                                "[index][%s] locked: another ghsearch is writing to it (%s)",
                                path, xe.message);
            ghs_index_close(ix);
            return rc;
        }
        ghs_lock_note(path);
        xc_wdb_set_metadata(ix->wdb, GHS_META_SCHEMA, GHS_SCHEMA_VERSION,
                            strlen(GHS_SCHEMA_VERSION), &xe);
    } else {
        ix->db = xc_db_open(path, &xe);
        /* A writer is moving a merged database into place: a moment. */
        for (int i = 0; i < 500 && (!ix->db || being_created(path)) && ghs_merge_pending(path);
             i++) {
            g_usleep(10000);
            if (ix->db)
                xc_db_close(ix->db);
            xc_error_clear(&xe);
            ix->db = xc_db_open(path, &xe);
        }
        if (!ix->db) {
            /* The merge may have been installed between the open that
             * failed (no revision file for a moment) and the check above,
             * which then found none waiting: the index is whole again. */
            xc_error_clear(&xe);
            ix->db = xc_db_open(path, &xe);
        }
        if (!ix->db && being_created(path)) {
            /* A writer is creating it (or was killed while creating it):
             * nothing is committed yet, so it reads as an empty index. */
            xc_error_clear(&xe);
            ix->db = xc_db_open_empty(&xe);
            ix->placeholder = ix->db != NULL;
        }
        if (!ix->db) {
            /* A folder with no database at all (empty, or a mistyped
             * --db) says so in its reason, which callers can put in words. */
            char *rev = g_build_filename(path, "iamglass", NULL);
            int none = g_file_test(path, G_FILE_TEST_IS_DIR) &&
                       !g_file_test(rev, G_FILE_TEST_EXISTS);
            g_free(rev);
            int rc = none ? ghs_fail(err, GHS_EDB, GHS_REASON_NO_INDEX, "[index][%s] no index "
                                     "here: the folder holds no ghsearch index", path)
                          : ghs_set_error(err, GHS_EDB, "[index][%s] cannot open: %s", path,
                                          xe.message);
            ghs_index_close(ix);
            return rc;
        }
    }
    ix->an = ghs_analyzer_new(err);
    /* A writer's worker thread analyzes with its own (pipeline.h); made
     * here, so no failure can come after a file's transaction began. */
    if (ix->an && ix->writable)
        ix->build_an = ghs_analyzer_new(err);
    if (!ix->an || (ix->writable && !ix->build_an)) {
        ghs_index_close(ix);
        return err ? err->code : GHS_EINTERNAL;
    }
    *out = ix;
    return 0;
}

void ghs_index_close(ghs_index *ix)
{
    if (!ix)
        return;
    if (ix->db)
        xc_db_close(ix->db);
    if (ix->wdb) {
        xc_wdb_close(ix->wdb);   /* commits what is pending */
        ghs_lock_forget(ix->path);
    }
    ghs_lock_release(ix->lock_fd);
    ghs_analyzer_free(ix->an);
    ghs_analyzer_free(ix->build_an);
    ghs_manifest_free(ix->manifest);
    g_free(ix->cache_dir);
    g_free(ix->path);
    g_free(ix);
}

xc_db *ghs_index_reader(ghs_index *ix, ghs_error *err)
{
    if (!ix->db) {
        xc_error xe;
        xc_error_clear(&xe);
        ix->db = xc_db_open(ix->path, &xe);
        if (!ix->db)
            ghs_set_error(err, GHS_EDB, "[index][%s] cannot open: %s", ix->path, xe.message);
    }
    return ix->db;
}

int ghs_index_reopen(ghs_index *ix, ghs_error *err)
{
    if (!ix->db)
        return ghs_index_reader(ix, err) ? 0 : GHS_EDB;
    xc_error xe;
    xc_error_clear(&xe);
    if (ix->placeholder) {
        /* Opened while a writer was creating it: the real database once it
         * has a first commit; until then still the empty stand-in. */
        xc_db *db = xc_db_open(ix->path, &xe);
        if (db) {
            xc_db_close(ix->db);
            ix->db = db;
            ix->placeholder = 0;
        }
        return 0;
    }
    if (xc_db_reopen(ix->db, &xe) < 0)
        return ghs_error_from_xc(err, &xe, "index");
    return 0;
}

int ghs_index_commit(ghs_index *ix, ghs_error *err)
{
    if (!ix->wdb)
        return ghs_set_error(err, GHS_EINVAL, "[index][%s] opened read-only", ix->path);
    xc_error xe;
    xc_error_clear(&xe);
    if (xc_wdb_commit(ix->wdb, &xe) < 0)
        return ghs_error_from_xc(err, &xe, "commit");
    ix->uncommitted = 0;
    if (ix->db)
        xc_db_reopen(ix->db, &xe);
    return 0;
}

int ghs_index_set_manifest(ghs_index *ix, const char *manifest_path, ghs_error *err)
{
    ghs_manifest *m = NULL;
    int rc = ghs_manifest_load(manifest_path, &m, err);
    if (rc < 0)
        return rc;
    ghs_manifest_free(ix->manifest);
    ix->manifest = m;
    return 0;
}

int ghs_index_replace(ghs_index *ix, const char *const *srcs, size_t n, ghs_error *err)
{
    if (!ix->wdb)
        return ghs_set_error(err, GHS_EINVAL, "[index][%s] opened read-only", ix->path);
    int rc = ghs_index_commit(ix, err);
    if (rc == 0)
        rc = ghs_merge_stage(ix->path, srcs, n, err);
    if (rc < 0)
        return rc;
    /* Xapian's handles let go of the old tables; our lock (lock.h) keeps
     * other writers out until the merged database is open again. */
    if (ix->db) {
        xc_db_close(ix->db);
        ix->db = NULL;
    }
    xc_wdb_close(ix->wdb);
    ix->wdb = NULL;
    rc = ghs_merge_install(ix->path, err);
    xc_error xe;
    xc_error_clear(&xe);
    ix->wdb = xc_wdb_open(ix->path, XC_DB_CREATE_OR_OPEN, &xe);
    if (!ix->wdb)
        return rc < 0 ? rc : ghs_error_from_xc(err, &xe, "index");
    ghs_lock_note(ix->path);
    return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------ stats */

static int stats_once(ghs_index *ix, ghs_stats *out, ghs_error *err, int *modified)
{
    memset(out, 0, sizeof *out);
    xc_db *db = ghs_index_reader(ix, err);
    if (!db)
        return GHS_EDB;
    xc_error xe;
    xc_error_clear(&xe);
    out->passages = xc_db_doccount(db, &xe);
    out->avg_passage_length = xc_db_avlength(db, &xe);
    xc_termlist *tl = xc_db_allterms(db, GHS_PREFIX_DOC, &xe);
    const char *term;
    uint32_t tf;
    while (tl && xc_termlist_next(tl, &term, &tf, &xe) == 1)
        out->documents++;
    xc_termlist_free(tl);
    /* Distinct words: unprefixed terms (prefixes are upper-case ASCII). */
    tl = xc_db_allterms(db, "", &xe);
    while (tl && xc_termlist_next(tl, &term, &tf, &xe) == 1)
        if (!(term[0] >= 'A' && term[0] <= 'Z'))
            out->terms++;
    xc_termlist_free(tl);
    *modified = xe.code == XC_ERR_MODIFIED;
    if (xe.code != XC_OK)
        return ghs_error_from_xc(err, &xe, "stats");
    return 0;
}

int ghs_index_stats(ghs_index *ix, ghs_stats *out, ghs_error *err)
{
    /* Walking every term takes long enough for a writer to commit twice
     * and discard the revision being read: reopen and count again, as
     * often as a search would start over (it had 5 attempts, and a loaded
     * machine's readers test saw them all beaten). */
    int modified = 0;
    int rc = stats_once(ix, out, err, &modified);
    for (int attempt = 1; rc < 0 && modified && attempt < GHS_READ_ATTEMPTS; attempt++) {
        if (ghs_index_reopen(ix, NULL) < 0)
            break;
        rc = stats_once(ix, out, err, &modified);
    }
    return rc;
}
