/*
 * ghsearch.c: the `ghsearch` command: dispatches to a subcommand
 * (cmd_*.c), prints the general help and the version, and makes sure a
 * failed write to stdout is not reported as success; puts together the
 * JSON the library writes (cli_append_json).
 *
 * The command is a thin client of libghsearch (ghsearch.h); it parses
 * arguments and prints, and holds no search logic of its own.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const cli_command *const commands[] = {
    &cli_cmd_index,
    &cli_cmd_search,
    &cli_cmd_stats,
    &cli_cmd_show,
    &cli_cmd_open,
    &cli_cmd_glossary,
    &cli_cmd_links,
#ifdef GHS_WITH_FETCH
    &cli_cmd_fetch,
#endif
#ifdef GHS_WITH_SERVE
    &cli_cmd_serve,
#endif
};

const char cli_about[] =
    "Full-text search over global-health policy documents (English and\n"
    "Japanese PDFs, press releases, JSON Lines records), with cited passages.\n";

const cli_item cli_exit_statuses[] = {
    { "0", "success: passages found, the index updated (even if some files were skipped)" },
    { "1", "a failure (no index, a locked index, an I/O error, every download failed), "
      "or a search that matched nothing, as grep says it; the message on stderr tells "
      "which" },
    { "2", "a usage error or a malformed query" },
    { "130", "indexing or fetching stopped by Ctrl-C with work left undone (what was "
      "done is committed)" },
    { NULL, NULL },
};

const cli_item cli_environment[] = {
    { "GHSEARCH_DB", "the index when --db is not given (else ./ghsearch-db)" },
    { "GHSEARCH_CACHE", "the fetch cache when --cache is not given (else ./ghsearch-cache)" },
    { "GHSEARCH_COMMIT_EVERY", "passages between commits of 'index' when --batch is not "
      "given (default 20000)" },
    { "GHSEARCH_EXTRACT_TIMEOUT", "seconds one PDF may take to extract before it is "
      "skipped as timed out" },
    { "GHSEARCH_DEBUG", "when set, messages keep the library's internal places "
      "([pdf][file.pdf p.3] ...)" },
    { "XAPIAN_FLUSH_THRESHOLD", "documents Xapian holds in memory before writing them "
      "out (1000 unless set)" },
    { "NO_COLOR", "when set, matches on a terminal are marked **word** instead of in "
      "colour" },
    { "COLUMNS", "the width readable output wraps at, when stdout is not a terminal" },
    { NULL, NULL },
};

const cli_item cli_files[] = {
    { "./ghsearch-db", "the index (a Xapian database) unless --db or $GHSEARCH_DB says "
      "otherwise; a Xapian stub file (lines \"auto DIR\", \"remote HOST:PORT\") searches "
      "several as one" },
    { "./ghsearch-cache", "documents 'ghsearch fetch' downloaded, stored by content hash, "
      "which 'ghsearch index' finds there" },
    { NULL, NULL },
};

const cli_item cli_examples[] = {
    { "ghsearch index --manifest corpus/manifest.tsv reports/",
      "index a folder of PDFs, releases and records" },
    { "ghsearch search 'ユニバーサル・ヘルス・カバレッジ 財政'",
      "the best passages, cited with their pages" },
    { "ghsearch search -n 3 '\"100 Days Mission\" diagnostics lang:en'",
      "a phrase and a word, English documents only, three passages" },
    { "ghsearch search --json 'MCM year:2023' | jq -r .citation",
      "JSON Lines for scripts" },
    { "ghsearch search --export bibtex 'PPR financing' > refs.bib",
      "the documents of the hits for a reference manager" },
    { "ghsearch show --page 2 uhc-brief-ja.pdf", "the text of page 2 of a hit's document" },
    { "ghsearch serve --listen 8080", "the search page and the JSON API on "
      "http://127.0.0.1:8080" },
    { NULL, NULL },
};

const cli_command *const *
cli_commands(size_t *n)
{
    *n = G_N_ELEMENTS(commands);
    return commands;
}

static void
print_general_help(FILE *fp)
{
    size_t i;

    fprintf(fp, "usage: ghsearch <command> [options] [args]\n"
                "       ghsearch version | help [command] | <command> --help\n\n"
                "%s\nCommands:\n", cli_about);
    for (i = 0; i < G_N_ELEMENTS(commands); i++)
        fprintf(fp, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(fp, "\nThe index is --db DIR, else $GHSEARCH_DB, else ./ghsearch-db.\n"
                "\nExit status:\n");
    cli_print_items(fp, cli_exit_statuses);
    fprintf(fp, "\nEnvironment:\n");
    cli_print_items(fp, cli_environment);
    fprintf(fp, "\nExamples:\n");
    for (i = 0; cli_examples[i].term; i++)
        fprintf(fp, "  %s\n", cli_examples[i].term);
    fprintf(fp, "\nThe manual: man ghsearch.\n");
}

/* ------------------------------------------------------------ --dump-options */

static void
dump_string(GString *o, const char *key, const char *value)
{
    cli_append_json(o, key, ghs_json_string(value ? value : ""));
}

static void
dump_items(GString *o, const char *key, const cli_item *items)
{
    g_string_append_printf(o, ",\"%s\":[", key);
    for (size_t i = 0; items && items[i].term; i++) {
        g_string_append(o, i ? ",{\"term\":" : "{\"term\":");
        cli_append_json(o, NULL, ghs_json_string(items[i].term));
        dump_string(o, "text", items[i].text);
        g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
}

static const char *const complete_names[] = { "none", "file", "dir", "words", "command" };

int
cli_dump_options(void)
{
    GString *o = g_string_new("{\"version\":");

    cli_append_json(o, NULL, ghs_json_string(GHS_VERSION));
    dump_string(o, "about", cli_about);
    dump_items(o, "exit_statuses", cli_exit_statuses);
    dump_items(o, "environment", cli_environment);
    dump_items(o, "files", cli_files);
    dump_items(o, "examples", cli_examples);
    g_string_append(o, ",\"commands\":[");
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
        const cli_command *c = commands[i];
        char *syn = cli_synopsis(c);

        g_string_append(o, i ? ",{\"name\":" : "{\"name\":");
        cli_append_json(o, NULL, ghs_json_string(c->name));
        dump_string(o, "synopsis", syn);
        dump_string(o, "summary", c->summary);
        dump_string(o, "help", c->help);
        dump_string(o, "notes", c->notes);
        dump_string(o, "topic", c->topic);
        dump_items(o, "topic_items", c->topic_items);
        dump_string(o, "operands", complete_names[c->operand_complete]);
        g_string_append(o, ",\"options\":[");
        for (const cli_opt *op = c->opts; op && op->name; op++) {
            g_string_append(o, op == c->opts ? "{\"name\":" : ",{\"name\":");
            cli_append_json(o, NULL, ghs_json_string(op->name));
            if (op->short_name)
                g_string_append_printf(o, ",\"short\":\"%c\"", op->short_name);
            if (op->arg)
                dump_string(o, "arg", op->arg);
            if (op->help) {
                dump_string(o, "help", op->help);
            } else {   /* another name of the option before with the same id */
                const cli_opt *main = op;
                while (main > c->opts && !(main->help && main->id == op->id))
                    main--;
                dump_string(o, "alias_of", main->name);
            }
            dump_string(o, "complete", complete_names[op->complete]);
            if (op->values)
                dump_string(o, "values", op->values);
            g_string_append_c(o, '}');
        }
        g_string_append(o, "]}");
        g_free(syn);
    }
    g_string_append(o, "]}\n");
    fwrite(o->str, 1, o->len, stdout);
    g_string_free(o, TRUE);
    return CLI_EXIT_OK;
}

void
cli_append_json(GString *o, const char *key, char *json)
{
    if (key)
        g_string_append_printf(o, ",\"%s\":", key);
    g_string_append(o, json);
    ghs_free(json);
}

static int
finish(int rc)
{
    /* "ghsearch search ... > /full/disk" must not exit 0 */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "ghsearch: cannot write to standard output: %s\n", g_strerror(errno));
        return rc == CLI_EXIT_OK ? CLI_EXIT_FAIL : rc;
    }
    return rc;
}

int
main(int argc, char **argv)
{
    const char *name;
    size_t i;

    if (argc < 2) {
        print_general_help(stderr);
        return CLI_EXIT_USAGE;
    }
    name = argv[1];
    /* Hidden: what the build turns into the man page and the completion. */
    if (strcmp(name, "--dump-options") == 0)
        return finish(cli_dump_options());
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0 ||
        strcmp(name, "version") == 0) {
        printf("ghsearch %s (libghsearch %s)\n", GHS_VERSION, ghs_version());
        return finish(CLI_EXIT_OK);
    }
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
        strcmp(name, "help") == 0) {
        /* "ghsearch help search" is "ghsearch search --help" */
        for (i = 0; argc > 2 && i < G_N_ELEMENTS(commands); i++) {
            if (strcmp(argv[2], commands[i]->name) == 0) {
                cli_print_help(commands[i]);
                return finish(CLI_EXIT_OK);
            }
        }
        print_general_help(stdout);
        return finish(CLI_EXIT_OK);
    }
    for (i = 0; i < G_N_ELEMENTS(commands); i++)
        if (strcmp(name, commands[i]->name) == 0)
            return finish(commands[i]->run(commands[i], argc - 1, argv + 1));

    const char *names[G_N_ELEMENTS(commands) + 2];
    for (i = 0; i < G_N_ELEMENTS(commands); i++)
        names[i] = commands[i]->name;
    names[i++] = "help";
    names[i++] = "version";
    const char *best = name[0] != '-' ? cli_closest(name, names, G_N_ELEMENTS(names)) : NULL;
    fprintf(stderr, "ghsearch: unknown %s '%s'", name[0] == '-' ? "option" : "command", name);
    if (best)
        fprintf(stderr, " (did you mean '%s'?)", best);
    fprintf(stderr, "\nTry 'ghsearch --help' for more information.\n");
    return CLI_EXIT_USAGE;
}
