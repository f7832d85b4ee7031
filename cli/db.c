/*
 * db.c: where the index lives (--db, $GHSEARCH_DB, ./ghsearch-db) and
 * opening an existing one for the reading subcommands, with the messages a
 * user needs when it is missing or unreadable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *
cli_default_db(void)
{
    const char *env = getenv("GHSEARCH_DB");

    return env && *env ? env : "./ghsearch-db";
}

char *
cli_message(const ghs_error *err, int drop_file)
{
    const char *debug = getenv("GHSEARCH_DEBUG");
    char file[512];

    if (debug && *debug)
        return g_strdup(err->message[0] ? err->message : ghs_strerror(err->code));
    /* "[pdf][report.pdf p.3] no text": the library tells the file from
     * the place and what happened */
    if (!drop_file && ghs_error_file(err, file, sizeof file))
        return g_strdup_printf("%s: %s", file, ghs_error_what(err));
    return g_strdup(ghs_error_what(err));
}

void
cli_report_error(const ghs_error *err)
{
    char *m = cli_message(err, 0);
    fprintf(stderr, "ghsearch: %s\n", m);
    g_free(m);
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
        if (err.reason == GHS_REASON_NO_INDEX)
            fprintf(stderr, "ghsearch: no index at %s: the folder holds no ghsearch index "
                    "(run 'ghsearch index --db %s PATH...' first)\n", db, db);
        else
            cli_report_error(&err);
        return CLI_EXIT_FAIL;
    }
    return 0;
}
