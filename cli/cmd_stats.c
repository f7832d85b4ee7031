/*
 * cmd_stats.c: `ghsearch stats`: the size of an index (documents,
 * passages, terms, average passage length), readable or as one JSON object.
 */
#include <stdio.h>

#include "cli.h"

enum { OPT_DB = 1, OPT_JSON };

static const cli_opt stats_opts[] = {
    { "db", "DIR", OPT_DB, 0, "the index (default: $GHSEARCH_DB, else ./ghsearch-db)", CLI_COMPLETE_DIR, NULL },
    { "json", NULL, OPT_JSON, 0, "one JSON object: {\"db\", \"documents\", \"passages\", "
      "\"terms\", \"avg_passage_length\"}", CLI_COMPLETE_NONE, NULL },
    { NULL, NULL, 0, 0, NULL, CLI_COMPLETE_NONE, NULL },
};

static int
run_stats(const cli_command *cmd, int argc, char **argv)
{
    cli_parsed p = {0};
    const char *db = cli_default_db();
    int json = 0, rc;
    guint i;
    ghs_index *ix = NULL;
    ghs_stats s = {0};
    ghs_error err = {0};

    rc = cli_parse(cmd, argc, argv, &p);
    if (rc != 0)
        return rc < 0 ? CLI_EXIT_OK : rc;
    for (i = 0; i < p.ids->len; i++) {
        switch (g_array_index(p.ids, int, i)) {
        case OPT_DB: db = g_ptr_array_index(p.values, i); break;
        case OPT_JSON: json = 1; break;
        }
    }
    if (p.positional->len > 0)
        rc = cli_usage_error(cmd, "unexpected argument '%s'",
                             (const char *)g_ptr_array_index(p.positional, 0));
    cli_parsed_clear(&p);
    if (rc != 0)
        return rc;

    rc = cli_open_existing(db, &ix);
    if (rc == 0 && ghs_index_stats(ix, &s, &err) < 0) {
        cli_report_error(&err);
        rc = CLI_EXIT_FAIL;
    }
    if (rc == 0 && json) {
        GString *o = g_string_new("{\"db\":");

        cli_append_json(o, NULL, ghs_json_string(db));
        g_string_append_printf(o, ",\"documents\":%zu,\"passages\":%zu,\"terms\":%zu,"
                               "\"avg_passage_length\":", s.documents, s.passages, s.terms);
        cli_append_json(o, NULL, ghs_json_number(s.avg_passage_length));
        g_string_append(o, "}\n");
        fwrite(o->str, 1, o->len, stdout);
        g_string_free(o, TRUE);
    } else if (rc == 0) {
        printf("index:     %s\n"
               "documents: %zu\n"
               "passages:  %zu\n"
               "terms:     %zu\n"
               "average passage length: %.1f terms\n",
               db, s.documents, s.passages, s.terms, s.avg_passage_length);
    }
    ghs_index_close(ix);
    return rc;
}

const cli_command cli_cmd_stats = {
    .name = "stats",
    .operands = "",
    .summary = "show the size of the index",
    .help =
    "Show the number of documents, passages and distinct terms in the index\n"
    "and the average passage length (in terms).\n",
    .opts = stats_opts,
    .run = run_stats,
};
