/*
 * test_util_run.c: ghs_test_index_run of test_util.h, an index run as the
 * fault tests make it. Public API only, in a file of its own, so that a
 * test linked with the shared library alone (test_oom) can use it.
 */
#include "test_util.h"

/* The first file the run could not index (progress), into *user. */
static int note_file_error(const ghs_file_event *ev, void *user)
{
    ghs_error *first = user;
    if (ev->error && ev->report->status == GHS_ADD_FAILED && first->code == 0)
        *first = *ev->error;
    return 0;
}

int ghs_test_index_run(const char *db, const char *dir, unsigned jobs, size_t batch,
                       ghs_error *err)
{
    ghs_index *ix = NULL;
    int rc = ghs_index_open(&ix, db, GHS_OPEN_WRITE, err);
    if (rc < 0)
        return rc;
    ghs_index_set_jobs(ix, jobs);
    rc = ghs_index_set_batch(ix, batch, err);
    const char *paths[] = { dir };
    ghs_index_totals t;
    ghs_error file_err = {0};
    if (rc == 0)
        rc = ghs_index_add_paths(ix, paths, 1, note_file_error, &file_err, &t, err);
    ghs_index_close(ix);
    if (rc == 0 && file_err.code < 0) {
        if (err)
            *err = file_err;
        rc = file_err.code;
    }
    return rc;
}
