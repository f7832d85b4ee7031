/*
 * args.c: command-line parsing shared by the subcommands: long options in
 * any position, `--` to end them, --help, strict numbers, usage errors.
 *
 * Deliberately not getopt_long: GNU getopt permutes argv and treats a query
 * word such as "-draft" (NOT draft) as an option, while `ghsearch search`
 * wants it as a word.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

void
cli_print_help(const cli_command *cmd)
{
    printf("usage: ghsearch %s %s\n\n%s", cmd->name, cmd->synopsis, cmd->help);
}

int
cli_usage_error(const cli_command *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "ghsearch %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: ghsearch %s %s\n"
            "Try 'ghsearch %s --help' for more information.\n",
            cmd->name, cmd->synopsis, cmd->name);
    return CLI_EXIT_USAGE;
}

static const cli_opt *
find_opt(const cli_command *cmd, const char *name, size_t len)
{
    const cli_opt *o;

    for (o = cmd->opts; o && o->name; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

static void
add_opt(cli_parsed *out, int id, const char *value)
{
    g_array_append_val(out->ids, id);
    g_ptr_array_add(out->values, (gpointer)value);
}

int
cli_parse(const cli_command *cmd, int argc, char **argv, cli_parsed *out)
{
    int only_positional = 0;
    int i;

    out->ids = g_array_new(FALSE, FALSE, sizeof(int));
    out->values = g_ptr_array_new();
    out->positional = g_ptr_array_new();

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (only_positional || a[0] != '-' || a[1] == '\0') {
            g_ptr_array_add(out->positional, (gpointer)a);
        } else if (strcmp(a, "--") == 0) {
            only_positional = 1;
        } else if (a[1] == '-') {
            const char *name = a + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            const cli_opt *o = find_opt(cmd, name, len);

            if (!o && len == 4 && strncmp(name, "help", 4) == 0) {
                cli_print_help(cmd);
                cli_parsed_clear(out);
                return -1;
            }
            if (!o) {
                cli_parsed_clear(out);
                return cli_usage_error(cmd, "unknown option '--%.*s'", (int)len, name);
            }
            if (!o->has_arg) {
                if (eq) {
                    cli_parsed_clear(out);
                    return cli_usage_error(cmd, "option '--%s' takes no value", o->name);
                }
                add_opt(out, o->id, NULL);
            } else if (eq) {
                add_opt(out, o->id, eq + 1);
            } else if (i + 1 < argc && !(argv[i + 1][0] == '-' && argv[i + 1][1] == '-')) {
                /* "--db --json" is a forgotten value, not a directory named --json */
                add_opt(out, o->id, argv[++i]);
            } else {
                cli_parsed_clear(out);
                return cli_usage_error(cmd, "option '--%s' needs a value", o->name);
            }
        } else if (strcmp(a, "-h") == 0) {
            cli_print_help(cmd);
            cli_parsed_clear(out);
            return -1;
        } else if (cmd->dash_words) {
            g_ptr_array_add(out->positional, (gpointer)a);
        } else {
            cli_parsed_clear(out);
            return cli_usage_error(cmd, "unknown option '%s'", a);
        }
    }
    return 0;
}

void
cli_parsed_clear(cli_parsed *p)
{
    if (p->ids)
        g_array_free(p->ids, TRUE);
    if (p->values)
        g_ptr_array_free(p->values, TRUE);
    if (p->positional)
        g_ptr_array_free(p->positional, TRUE);
    p->ids = NULL;
    p->values = p->positional = NULL;
}

int
cli_parse_count(const cli_command *cmd, const char *opt, const char *value,
                size_t min, size_t max, size_t *out)
{
    guint64 n = 0;
    const char *p;

    /* Digits only: no sign, no spaces, no "10k"; g_ascii_string_to_unsigned
     * would accept a leading '+' we do not want to document. */
    for (p = value; *p; p++) {
        if (*p < '0' || *p > '9')
            goto bad;
        n = n * 10 + (guint64)(*p - '0');
        if (n > max)
            goto bad;
    }
    if (p == value || n < min)
        goto bad;
    *out = (size_t)n;
    return 0;
bad:
    return cli_usage_error(cmd, "option '--%s' needs a whole number from %zu to %zu, not '%s'",
                           opt, min, max, value);
}
