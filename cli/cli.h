/*
 * cli.h: what the files of the `ghsearch` command share: the subcommand
 * table entry, option parsing, exit statuses, the --db default and opening
 * an existing index for reading.
 *
 * Internal to cli/. The command reaches the engine only through the public
 * header ghsearch.h; it owns argument parsing and printing, nothing else.
 */
#ifndef GHS_CLI_H
#define GHS_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <glib.h>

#include "ghsearch.h"

/* Exit statuses of the command (documented in `ghsearch --help`). */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FAIL = 1,         /* nothing could be done: no index, locked, I/O */
    CLI_EXIT_NO_MATCH = 1,     /* search found nothing (as grep and rg say it) */
    CLI_EXIT_USAGE = 2,        /* bad arguments or a malformed query */
    CLI_EXIT_INTERRUPTED = 130 /* index stopped by Ctrl-C (what was done is committed) */
};

/* What the shell completes for an option's value or a command's operands
 * (the bash completion the build writes from these tables). */
typedef enum cli_complete {
    CLI_COMPLETE_NONE = 0,   /* free text: a query, a number, an id */
    CLI_COMPLETE_FILE,       /* a file name */
    CLI_COMPLETE_DIR,        /* a directory */
    CLI_COMPLETE_WORDS,      /* one of cli_opt.values */
    CLI_COMPLETE_COMMAND     /* a subcommand's name (`ghsearch help CMD`) */
} cli_complete;

/* One option of a subcommand: `--name`, `--name VALUE` or `--name=VALUE`,
 * and, when it has a short name, `-n VALUE`, `-nVALUE` or `-j`. The same
 * entry gives `--help` its line, the man page its item and the shell
 * completion its word, so none of them can leave an option out. */
typedef struct cli_opt {
    const char *name;   /* without the leading dashes */
    const char *arg;    /* the value's name ("DIR", "N"), NULL: takes no value */
    int id;             /* what the subcommand switches on (non-zero) */
    char short_name;    /* 'n' for -n, or 0 */
    const char *help;   /* what it does, one paragraph, wrapped when printed;
                           NULL: another name of the option with the same id
                           before it (--colour), shown with it */
    cli_complete complete;  /* what completes the value */
    const char *values; /* CLI_COMPLETE_WORDS: "auto always never marks" */
} cli_opt;

/* A term and what it means: a line of the query language, an exit
 * status, an environment variable, a file, an example. Tables end with an
 * entry whose term is NULL. */
typedef struct cli_item {
    const char *term;
    const char *text;
} cli_item;

typedef struct cli_command cli_command;

struct cli_command {
    const char *name;       /* "search" */
    const char *operands;   /* after the options in the usage line: "QUERY..." */
    const char *summary;    /* one line for `ghsearch --help` */
    const char *help;       /* what the command does: paragraphs before the options */
    const cli_opt *opts;    /* terminated by an entry with name NULL */
    const char *notes;      /* after the options (output, exit statuses), or NULL */
    const char *topic;      /* a table of its own after the options, its title
                               ("Query language"), or NULL */
    const cli_item *topic_items;
    cli_complete operand_complete; /* what completes the operands */
    int dash_words;         /* 1: "-word" is a positional argument (query NOT) */
    int (*run)(const cli_command *cmd, int argc, char **argv);
};

/* The result of cli_parse(): options in command-line order and the
 * positional arguments. Values point into argv. */
typedef struct cli_parsed {
    GArray *ids;          /* int: cli_opt.id of each option given */
    GPtrArray *values;    /* const char *: its value, or NULL */
    GPtrArray *positional;/* const char *: the other arguments, in order */
} cli_parsed;

/* Parse argv[1..argc) of a subcommand (argv[0] is its name). Options may
 * come before or after positional arguments; `--` ends options; `--help`
 * and `-h` print the subcommand's help. Returns 0 with *out filled (free
 * with cli_parsed_clear), -1 when help was printed (the caller exits 0), or
 * CLI_EXIT_USAGE after printing the problem and a usage hint to stderr. */
int cli_parse(const cli_command *cmd, int argc, char **argv, cli_parsed *out);

void cli_parsed_clear(cli_parsed *p);

/* The candidate closest to word (at most 2 edits away, or word is the
 * start of it), for "did you mean"; NULL when none is close. */
const char *cli_closest(const char *word, const char *const *candidates, size_t n);

/* Print "ghsearch CMD: <message>", the usage line and a hint to stderr;
 * returns CLI_EXIT_USAGE. */
int cli_usage_error(const cli_command *cmd, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Print the full help of cmd to stdout: usage line, help, the options from
 * its table, its topic table and its notes. */
void cli_print_help(const cli_command *cmd);

/* The usage line's arguments, from the option table: "[--db DIR] [--limit
 * N] ... QUERY...". g_free. */
char *cli_synopsis(const cli_command *cmd);

/* Print items as "  term  text" lines, wrapped, to fp. */
void cli_print_items(FILE *fp, const cli_item *items);

/* Parse a whole decimal number in [min, max] given to option `--opt`.
 * Returns 0, or reports a usage error and returns CLI_EXIT_USAGE. */
int cli_parse_count(const cli_command *cmd, const char *opt, const char *value,
                    size_t min, size_t max, size_t *out);

/* The index directory when --db is not given: $GHSEARCH_DB when set and
 * non-empty, else "./ghsearch-db". Static or environment storage. */
const char *cli_default_db(void);

/* Open the existing index at db for reading. When db does not exist, print
 * "ghsearch: no index at DB (run 'ghsearch index' first)"; on any other
 * failure print "ghsearch: <library message>". Returns 0 with *out set, or
 * CLI_EXIT_FAIL. */
int cli_open_existing(const char *db, ghs_index **out);

/* Print "ghsearch: <message of err>" to stderr (the code's name when the
 * message is empty). */
void cli_report_error(const ghs_error *err);

/* err's message for a person: the library's "[place][file] what" becomes
 * "file: what", or just "what" when the place names no file or when
 * drop_file (the line names the file already). With GHSEARCH_DEBUG set it
 * is the message as the library wrote it. g_free the result. */
char *cli_message(const ghs_error *err, int drop_file);

/* Append to o the member name ,"key": (when key is not NULL) and then
 * json, JSON text the library wrote (ghs_json_string, ghs_hit_json, ...),
 * which this frees: the library writes every JSON value the command
 * prints, the command only puts them together. */
void cli_append_json(GString *o, const char *key, char *json);

/* Append text to out as a terminal hyperlink to url (OSC 8, which
 * terminals that do not know it show as the text alone); the text alone
 * when url is NULL. */
void cli_append_hyperlink(GString *out, const char *url, const char *text);

/* Ctrl-C (interrupt.c): between cli_sigint_catch() and
 * cli_sigint_release() the first Ctrl-C only sets the flag that
 * cli_interrupted() returns (the command stops at the next file or URL;
 * index within a second, inside a file too); a second one exits.
 * cli_sigint_say(message) has the first Ctrl-C write message (static
 * storage) to stderr at once; NULL (the default) writes nothing. */
void cli_sigint_catch(void);
void cli_sigint_say(const char *message);
void cli_sigint_release(void);
int cli_interrupted(void);

/* What the general help and the man page say besides the commands
 * (ghsearch.c). */
extern const char cli_about[];              /* what ghsearch is, a paragraph */
extern const cli_item cli_exit_statuses[];
extern const cli_item cli_environment[];
extern const cli_item cli_files[];
extern const cli_item cli_examples[];

/* Every subcommand, in the order of the general help; n of them. */
const cli_command *const *cli_commands(size_t *n);

/* `ghsearch --dump-options` (hidden; the build runs it): every command,
 * option and table above as one JSON object on stdout, which
 * cli/mkdocs.py turns into the man page and the bash completion. */
int cli_dump_options(void);

extern const cli_command cli_cmd_index;
extern const cli_command cli_cmd_search;
extern const cli_command cli_cmd_stats;
extern const cli_command cli_cmd_show;
extern const cli_command cli_cmd_open;    /* cmd_open.c */
extern const cli_command cli_cmd_glossary;   /* cmd_glossary.c */
extern const cli_command cli_cmd_serve;   /* cmd_serve.c, with server/ */
extern const cli_command cli_cmd_links;
extern const cli_command cli_cmd_fetch;   /* cmd_fetch.c, with fetch/ (libcurl) */

#endif /* GHS_CLI_H */
