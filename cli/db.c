/*
 * db.c: where the index lives (--db, $GHSEARCH_DB, ./ghsearch-db) and
 * opening an existing one for the reading subcommands, with the messages a
 * user needs when it is missing or unreadable.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

const char *
cli_default_db(void)
{
    const char *env = getenv("GHSEARCH_DB");

    return env && *env ? env : "./ghsearch-db";
}

void
cli_report_error(const ghs_error *err)
{
    fprintf(stderr, "ghsearch: %s\n",
            err->message[0] ? err->message : ghs_strerror(err->code));
}

int
cli_open_existing(const char *db, ghs_index **out)
{
    ghs_error err = {0};

    /* Checked here rather than left to the library so that a reader never
     * sees a bare "cannot open database" for the commonest mistake. */
    if (!g_file_test(db, G_FILE_TEST_EXISTS)) {
        fprintf(stderr, "ghsearch: no index at %s (run 'ghsearch index' first)\n", db);
        return CLI_EXIT_FAIL;
    }
    if (ghs_index_open(out, db, GHS_OPEN_READ, &err) < 0) {
        cli_report_error(&err);
        return CLI_EXIT_FAIL;
    }
    return 0;
}
