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
        /* A folder that holds no index (an empty one, a typo'd --db): say
         * so in words, not with Xapian's "Couldn't detect type of database". */
        char *rev = g_build_filename(db, "iamglass", NULL);
        int no_index = g_file_test(db, G_FILE_TEST_IS_DIR) && !g_file_test(rev, G_FILE_TEST_EXISTS);
        g_free(rev);
        if (no_index)
            fprintf(stderr, "ghsearch: no index at %s: the folder holds no ghsearch index "
                    "(run 'ghsearch index --db %s PATH...' first)\n", db, db);
        else
            cli_report_error(&err);
        return CLI_EXIT_FAIL;
    }
    return 0;
}
