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

static void
print_general_help(FILE *fp)
{
    size_t i;

    fprintf(fp, "usage: ghsearch <command> [options] [args]\n"
                "       ghsearch version | help [command] | <command> --help\n\n"
                "Full-text search over global-health policy documents (English and\n"
                "Japanese PDFs, press releases, JSON Lines records), with cited passages.\n\n"
                "Commands:\n");
    for (i = 0; i < G_N_ELEMENTS(commands); i++)
        fprintf(fp, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(fp, "\nThe index is --db DIR, else $GHSEARCH_DB, else ./ghsearch-db.\n"
                "Exit status: 0 success; 1 failure, or a search that matched nothing\n"
                "(as grep says it; the message on stderr tells which); 2 usage error or\n"
                "malformed query; 130 indexing stopped by Ctrl-C with work left undone.\n");
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
