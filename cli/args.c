/*
 * args.c: command-line parsing shared by the subcommands: long options in
 * any position, short ones for the common few, `--` to end them, --help,
 * strict numbers, usage errors with "did you mean".
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

static const cli_opt *
find_short(const cli_command *cmd, char c)
{
    for (const cli_opt *o = cmd->opts; o && o->name; o++)
        if (o->short_name && o->short_name == c)
            return o;
    return NULL;
}

/* Levenshtein distance of a and b, capped at 3. */
static size_t
edits(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40 || (la > lb ? la - lb : lb - la) > 2)
        return 3;
    size_t row[41];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb] < 3 ? row[lb] : 3;
}

const char *
cli_closest(const char *word, const char *const *candidates, size_t n)
{
    const char *best = NULL;
    size_t best_d = 3, wl = strlen(word);
    for (size_t i = 0; i < n; i++) {
        size_t d = wl >= 2 && strncmp(candidates[i], word, wl) == 0 ? 1
                 : edits(word, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}

/* " (did you mean '--limit'?)" for an unknown long option, or "". */
static const char *
option_hint(const cli_command *cmd, const char *name, size_t len, char *buf, size_t size)
{
    const char *names[64];
    size_t n = 0;
    for (const cli_opt *o = cmd->opts; o && o->name && n < G_N_ELEMENTS(names) - 1; o++)
        names[n++] = o->name;
    names[n++] = "help";
    char *word = g_strndup(name, len);
    const char *best = cli_closest(word, names, n);
    g_free(word);
    if (!best)
        return "";
    g_snprintf(buf, size, " (did you mean '--%s'?)", best);
    return buf;
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
                char hint[96];
                const char *h = option_hint(cmd, name, len, hint, sizeof hint);
                cli_parsed_clear(out);
                return cli_usage_error(cmd, "unknown option '--%.*s'%s", (int)len, name, h);
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
        } else if (find_short(cmd, a[1]) && (a[2] == '\0' || find_short(cmd, a[1])->has_arg)) {
            const cli_opt *o = find_short(cmd, a[1]);
            if (!o->has_arg) {
                add_opt(out, o->id, NULL);
            } else if (a[2] != '\0') {
                add_opt(out, o->id, a + 2);   /* -n3 */
            } else if (i + 1 < argc) {
                add_opt(out, o->id, argv[++i]);
            } else {
                cli_parsed_clear(out);
                return cli_usage_error(cmd, "option '-%c' (--%s) needs a value", a[1], o->name);
            }
        } else if (cmd->dash_words && g_utf8_strlen(a + 1, -1) > 1) {
            g_ptr_array_add(out->positional, (gpointer)a);   /* -word: leave out word */
        } else if (cmd->dash_words) {
            /* "-n 3" meant as an option must not become "NOT n" silently. */
            cli_parsed_clear(out);
            return cli_usage_error(cmd, "'%s' is not an option; to leave out a word write it "
                                   "after the dash (-draft), or put the query after --", a);
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
