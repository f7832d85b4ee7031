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
    const char *m = err->message[0] ? err->message : ghs_strerror(err->code);
    const char *debug = getenv("GHSEARCH_DEBUG");
    char *file = NULL;

    if (debug && *debug)
        return g_strdup(m);
    /* "[pdf][report.pdf p.3] no text" -> tags "pdf", "report.pdf p.3" */
    while (*m == '[') {
        const char *close = strchr(m, ']');
        if (!close)
            break;
        char *tag = g_strndup(m + 1, (gsize)(close - m - 1));
        if (strpbrk(tag, "./:") != NULL) {   /* a file (with its line or page) */
            g_free(file);
            file = tag;
        } else {
            g_free(tag);   /* the library's place: "pdf", "index", "show" */
        }
        m = close + 1;
        while (*m == ' ')
            m++;
    }
    char *out = file && !drop_file ? g_strdup_printf("%s: %s", file, m) : g_strdup(m);
    g_free(file);
    return out;
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
