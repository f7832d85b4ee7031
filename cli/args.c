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

/* Columns text takes on a terminal (East Asian wide characters two). */
static size_t
columns(const char *text, size_t bytes)
{
    size_t n = 0;
    for (const char *p = text; p < text + bytes && *p; p = g_utf8_next_char(p))
        n += g_unichar_iswide(g_utf8_get_char(p)) ? 2 : 1;
    return n;
}

/* Write text (one paragraph) to fp from column col, wrapped at 79 columns,
 * every further line indented to indent; ends the line. */
static void
print_wrapped(FILE *fp, const char *text, size_t col, size_t indent)
{
    const char *p = text;

    while (*p) {
        const char *end = strchr(p, ' ');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        size_t w = columns(p, len);

        if (col > indent && col + 1 + w > 79) {
            fprintf(fp, "\n%*s", (int)indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', fp);
            col++;
        }
        fwrite(p, 1, len, fp);
        col += w;
        p += len;
        while (*p == ' ')
            p++;
    }
    fputc('\n', fp);
}

/* "-n, --limit N" or "--color, --colour WHEN": o and its other names. */
static char *
opt_label(const cli_opt *o)
{
    GString *s = g_string_new(NULL);

    if (o->short_name)
        g_string_append_printf(s, "-%c, ", o->short_name);
    g_string_append_printf(s, "--%s", o->name);
    for (const cli_opt *a = o + 1; a->name && !a->help; a++)
        if (a->id == o->id)
            g_string_append_printf(s, ", --%s", a->name);
    if (o->arg)
        g_string_append_printf(s, " %s", o->arg);
    return g_string_free(s, FALSE);
}

/* Print "  label  text" lines: text from column 2 + widest label + 2 (at
 * most 26; a longer label has its text on the next line). */
static void
print_table(FILE *fp, size_t n, char **labels, const char *const *texts)
{
    size_t width = 0;

    for (size_t i = 0; i < n; i++)
        width = MAX(width, columns(labels[i], strlen(labels[i])));
    width = MIN(width, 22);
    for (size_t i = 0; i < n; i++) {
        size_t w = columns(labels[i], strlen(labels[i]));
        fprintf(fp, "  %s", labels[i]);
        if (w > width) {
            fprintf(fp, "\n%*s", (int)width + 4, "");
        } else {
            fprintf(fp, "%*s", (int)(width - w + 2), "");
        }
        print_wrapped(fp, texts[i], width + 4, width + 4);
    }
}

void
cli_print_items(FILE *fp, const cli_item *items)
{
    size_t n = 0;
    while (items[n].term)
        n++;
    char **labels = g_new0(char *, n + 1);
    const char **texts = g_new0(const char *, n + 1);
    for (size_t i = 0; i < n; i++) {
        labels[i] = g_strdup(items[i].term);
        texts[i] = items[i].text;
    }
    print_table(fp, n, labels, texts);
    g_strfreev(labels);
    g_free(texts);
}

char *
cli_synopsis(const cli_command *cmd)
{
    GString *s = g_string_new(NULL);

    for (const cli_opt *o = cmd->opts; o && o->name; o++) {
        if (!o->help)
            continue;   /* another name of the option before */
        g_string_append_printf(s, "[--%s%s%s] ", o->name, o->arg ? " " : "",
                               o->arg ? o->arg : "");
    }
    g_string_append(s, cmd->operands);
    if (s->len && s->str[s->len - 1] == ' ')
        g_string_truncate(s, s->len - 1);
    return g_string_free(s, FALSE);
}

/* "usage: ghsearch CMD [--db DIR] ...", wrapped under the command. */
static void
print_usage(FILE *fp, const cli_command *cmd)
{
    char *syn = cli_synopsis(cmd);
    size_t col = strlen("usage: ghsearch  ") + strlen(cmd->name);

    fprintf(fp, "usage: ghsearch %s ", cmd->name);
    /* break only between bracketed options, never inside one */
    GString *line = g_string_new(NULL);
    for (const char *p = syn; *p;) {
        const char *end = *p == '[' ? strchr(p, ']') : NULL;
        size_t len = end ? (size_t)(end - p + 1) : strcspn(p, " ");
        if (line->len && col + line->len + 1 + len > 79) {
            fprintf(fp, "%s\n%*s", line->str, (int)col, "");
            g_string_truncate(line, 0);
        }
        if (line->len)
            g_string_append_c(line, ' ');
        g_string_append_len(line, p, (gssize)len);
        p += len;
        while (*p == ' ')
            p++;
    }
    fprintf(fp, "%s\n", line->str);
    g_string_free(line, TRUE);
    g_free(syn);
}

void
cli_print_help(const cli_command *cmd)
{
    size_t n = 0;

    print_usage(stdout, cmd);
    printf("\n%s\nOptions:\n", cmd->help);
    for (const cli_opt *o = cmd->opts; o && o->name; o++)
        n++;
    char **labels = g_new0(char *, n + 2);
    const char **texts = g_new0(const char *, n + 2);
    size_t k = 0;
    for (const cli_opt *o = cmd->opts; o && o->name; o++) {
        if (!o->help)
            continue;
        labels[k] = opt_label(o);
        texts[k++] = o->help;
    }
    labels[k] = g_strdup("-h, --help");
    texts[k++] = "this help";
    print_table(stdout, k, labels, texts);
    g_strfreev(labels);
    g_free(texts);
    if (cmd->topic) {
        printf("\n%s:\n", cmd->topic);
        cli_print_items(stdout, cmd->topic_items);
    }
    if (cmd->notes)
        printf("\n%s", cmd->notes);
}

int
cli_usage_error(const cli_command *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "ghsearch %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    print_usage(stderr, cmd);
    fprintf(stderr, "Try 'ghsearch %s --help' for more information.\n", cmd->name);
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
            if (!(o->arg != NULL)) {
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
        } else if (find_short(cmd, a[1]) && (a[2] == '\0' || (find_short(cmd, a[1])->arg != NULL))) {
            const cli_opt *o = find_short(cmd, a[1]);
            if (!(o->arg != NULL)) {
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
