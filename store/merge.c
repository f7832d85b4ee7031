/*
 * merge.c: staging a compacted merge beside an index and moving it into
 * place (see merge.h for the order of the steps and why it is safe).
 */
#include "merge.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "error.h"
#include "index_handle.h"
#include "xc.h"

#define REVISION_FILE "iamglass"

int ghs_remove_tree(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    if (!d)
        return g_file_test(dir, G_FILE_TEST_EXISTS) ? -1 : 0;
    const char *name;
    int rc = 0;
    while ((name = g_dir_read_name(d))) {
        char *p = g_build_filename(dir, name, NULL);
        if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
            rc |= ghs_remove_tree(p);
        else if (g_unlink(p) != 0 && errno != ENOENT)
            rc = -1;
        g_free(p);
    }
    g_dir_close(d);
    if (g_rmdir(dir) != 0 && errno != ENOENT)
        rc = -1;
    return rc;
}

/* fsync a file or directory by path; errors other than "cannot open" are
 * reported. */
static int sync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static char *staged(const char *db_dir, const char *name)
{
    return g_build_filename(db_dir, GHS_MERGE_DIR, name, NULL);
}

int ghs_merge_pending(const char *db_dir)
{
    char *done = staged(db_dir, GHS_MERGE_DONE);
    int r = g_file_test(done, G_FILE_TEST_EXISTS);
    g_free(done);
    return r;
}

static int io_error(ghs_error *err, const char *db_dir, const char *what, const char *path)
{
    int e = errno;
    return ghs_set_error(err, GHS_EIO, "[index][%s] %s %s: %s", db_dir, what, path,
                         g_strerror(e));
}

int ghs_merge_stage(const char *db_dir, const char *const *srcs, size_t n, ghs_error *err)
{
    char *dir = g_build_filename(db_dir, GHS_MERGE_DIR, NULL);
    char *done = staged(db_dir, GHS_MERGE_DONE);
    int rc = 0;
    if (ghs_remove_tree(dir) != 0) {
        rc = io_error(err, db_dir, "cannot remove", dir);
        goto out;
    }
    xc_error xe;
    xc_error_clear(&xe);
    if (xc_compact(srcs, n, dir, &xe) < 0) {
        rc = ghs_error_from_xc(err, &xe, "index");
        ghs_remove_tree(dir);
        goto out;
    }
    /* Everything staged reaches the disk before the mark that says so. */
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d))) {
        char *p = g_build_filename(dir, name, NULL);
        if (sync_path(p) != 0)
            rc = io_error(err, db_dir, "cannot write", p);
        g_free(p);
    }
    if (d)
        g_dir_close(d);
    if (rc == 0 && !g_file_set_contents(done, "", 0, NULL))
        rc = io_error(err, db_dir, "cannot write", done);
    if (rc == 0 && (sync_path(done) != 0 || sync_path(dir) != 0))
        rc = io_error(err, db_dir, "cannot write", dir);
    if (rc < 0)
        ghs_remove_tree(dir);
out:
    g_free(dir);
    g_free(done);
    return rc;
}

/* Is name one of Xapian's table files (what a merge replaces)? */
static int is_table(const char *name)
{
    return g_str_has_suffix(name, ".glass");
}

int ghs_merge_install(const char *db_dir, ghs_error *err)
{
    char *dir = g_build_filename(db_dir, GHS_MERGE_DIR, NULL);
    int rc = 0;
    if (!ghs_merge_pending(db_dir)) {
        /* Nothing complete: whatever a killed compaction left goes. */
        if (ghs_remove_tree(dir) != 0)
            rc = io_error(err, db_dir, "cannot remove", dir);
        g_free(dir);
        return rc;
    }
    char *new_rev = staged(db_dir, REVISION_FILE);
    char *live_rev = g_build_filename(db_dir, REVISION_FILE, NULL);
    /* The staged revision file still there means the move has not ended:
     * the live one goes first, so that from here on db_dir never pairs an
     * old revision with new tables. */
    if (g_file_test(new_rev, G_FILE_TEST_EXISTS)) {
        if (g_unlink(live_rev) != 0 && errno != ENOENT)
            rc = io_error(err, db_dir, "cannot replace", live_rev);
        else
            sync_path(db_dir);
        /* Tables the merge does not have (a table Xapian made empty is
         * not written) would otherwise outlive it. */
        GDir *d = rc == 0 ? g_dir_open(db_dir, 0, NULL) : NULL;
        const char *name;
        while (d && (name = g_dir_read_name(d))) {
            if (!is_table(name))
                continue;
            char *s = staged(db_dir, name);
            if (!g_file_test(s, G_FILE_TEST_EXISTS)) {
                char *p = g_build_filename(db_dir, name, NULL);
                g_unlink(p);
                g_free(p);
            }
            g_free(s);
        }
        if (d)
            g_dir_close(d);
        d = rc == 0 ? g_dir_open(dir, 0, NULL) : NULL;
        while (d && rc == 0 && (name = g_dir_read_name(d))) {
            if (!is_table(name))
                continue;
            char *s = staged(db_dir, name);
            char *p = g_build_filename(db_dir, name, NULL);
            if (g_rename(s, p) != 0)
                rc = io_error(err, db_dir, "cannot move", s);
            g_free(s);
            g_free(p);
        }
        if (d)
            g_dir_close(d);
        if (rc == 0 && g_rename(new_rev, live_rev) != 0)
            rc = io_error(err, db_dir, "cannot move", new_rev);
        if (rc == 0 && sync_path(db_dir) != 0)
            rc = io_error(err, db_dir, "cannot write", db_dir);
    }
    /* Installed: what is left of the staging (the mark, Xapian's lock
     * file) goes, the mark first. */
    if (rc == 0) {
        char *done = staged(db_dir, GHS_MERGE_DONE);
        g_unlink(done);
        g_free(done);
        ghs_remove_tree(dir);
        rc = 1;
    }
    g_free(new_rev);
    g_free(live_rev);
    g_free(dir);
    return rc;
}
