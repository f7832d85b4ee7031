/*
 * cmd_open.c: `ghsearch open DOC [--page N]`: opens a document (a hit's
 * "doc", as `show` takes it) at a page with the reader's browser or the
 * desktop's default application, or prints the link with --print.
 *
 * The link is the library's (ghs_document_open_url, a hit's "open_url"):
 * the indexed local file with "#page=N", else the document's web address. The launcher is $BROWSER when set (browsers'
 * PDF viewers open a file:// link at its #page), else xdg-open.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

enum { OPT_DB = 1, OPT_PAGE, OPT_PRINT };

static const cli_opt open_opts[] = {
    { "db", "DIR", OPT_DB, 0, "the index (default: $GHSEARCH_DB, else ./ghsearch-db)",
      CLI_COMPLETE_DIR, NULL },
    { "page", "N", OPT_PAGE, 'p', "open at page N (PDFs)", CLI_COMPLETE_NONE, NULL },
    { "print", NULL, OPT_PRINT, 0, "print the link instead of opening it", CLI_COMPLETE_NONE,
      NULL },
    { NULL, NULL, 0, 0, NULL, CLI_COMPLETE_NONE, NULL },
};

/* The command that opens link: $BROWSER (a command with its arguments, %s
 * standing for the link, else the link added at the end), else xdg-open.
 * NULL with a message when $BROWSER does not parse. g_strfreev. */
static char **
launcher(const char *link)
{
    const char *browser = g_getenv("BROWSER");
    GPtrArray *argv = g_ptr_array_new();
    char **words = NULL;
    GError *gerr = NULL;
    gboolean placed = FALSE;

    if (browser && *browser && !g_shell_parse_argv(browser, NULL, &words, &gerr)) {
        fprintf(stderr, "ghsearch: cannot read $BROWSER (%s): %s\n", browser, gerr->message);
        g_error_free(gerr);
        g_ptr_array_free(argv, TRUE);
        return NULL;
    }
    if (!words) {
        g_ptr_array_add(argv, g_strdup("xdg-open"));
    } else {
        for (char **w = words; *w; w++) {
            if (strstr(*w, "%s")) {
                GString *s = g_string_new(*w);

                g_string_replace(s, "%s", link, 0);
                g_ptr_array_add(argv, g_string_free(s, FALSE));
                placed = TRUE;
            } else {
                g_ptr_array_add(argv, g_strdup(*w));
            }
        }
        g_strfreev(words);
    }
    if (!placed)
        g_ptr_array_add(argv, g_strdup(link));
    g_ptr_array_add(argv, NULL);
    return (char **)g_ptr_array_free(argv, FALSE);
}

/* Run the launcher on link and wait for it (xdg-open and most browsers
 * hand the link over and return). */
static int
open_link(const char *link)
{
    char **argv = launcher(link);
    GError *gerr = NULL;
    int status = 0;

    if (!argv)
        return CLI_EXIT_USAGE;
    if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN,
                      NULL, NULL, NULL, NULL, &status, &gerr)) {
        fprintf(stderr, "ghsearch: cannot open %s: %s (set $BROWSER to a browser, or install "
                "xdg-utils; --print prints the link)\n", link, gerr->message);
        g_error_free(gerr);
        g_strfreev(argv);
        return CLI_EXIT_FAIL;
    }
    if (!g_spawn_check_wait_status(status, &gerr)) {
        fprintf(stderr, "ghsearch: %s could not open %s: %s\n", argv[0], link, gerr->message);
        g_error_free(gerr);
        g_strfreev(argv);
        return CLI_EXIT_FAIL;
    }
    g_strfreev(argv);
    return CLI_EXIT_OK;
}

static int
run_open(const cli_command *cmd, int argc, char **argv)
{
    cli_parsed p = {0};
    const char *db = cli_default_db(), *ref;
    size_t page = 0;
    int rc, print = 0;
    guint i;
    ghs_index *ix = NULL;
    ghs_document *d = NULL;
    ghs_error err = {0};
    char *id = NULL, *link = NULL;

    rc = cli_parse(cmd, argc, argv, &p);
    if (rc != 0)
        return rc < 0 ? CLI_EXIT_OK : rc;
    for (i = 0; i < p.ids->len && rc == 0; i++) {
        const char *v = g_ptr_array_index(p.values, i);

        switch (g_array_index(p.ids, int, i)) {
        case OPT_DB: db = v; break;
        case OPT_PRINT: print = 1; break;
        case OPT_PAGE: rc = cli_parse_count(cmd, "page", v, 1, 1000000, &page); break;
        }
    }
    if (rc == 0 && p.positional->len != 1)
        rc = cli_usage_error(cmd, p.positional->len ? "give one DOC" : "missing DOC");
    if (rc != 0)
        goto done;
    ref = g_ptr_array_index(p.positional, 0);
    rc = cli_open_existing(db, &ix);
    if (rc == 0 && (ghs_document_resolve(ix, ref, &id, &err) < 0 ||
                    ghs_document_get(ix, id, &d, &err) < 0)) {
        cli_report_error(&err);
        rc = err.code == GHS_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    if (rc == 0 && page > 0 && d->pages == 0) {
        fprintf(stderr, "ghsearch: %s has no pages (a %s); leave out --page\n", ref, d->type);
        rc = CLI_EXIT_USAGE;
    } else if (rc == 0 && page > 0 && (int)page > d->pages) {
        fprintf(stderr, "ghsearch: %s has pages 1 to %d, not %zu\n", ref, d->pages, page);
        rc = CLI_EXIT_USAGE;
    }
    if (rc == 0 && !(link = ghs_document_open_url(d, (int)page, 0))) {
        fprintf(stderr, "ghsearch: %s has no file on this machine and no web address to open\n",
                ref);
        rc = CLI_EXIT_FAIL;
    }
    if (rc == 0 && print)
        printf("%s\n", link);
    else if (rc == 0)
        rc = open_link(link);
done:
    ghs_free(link);
    ghs_free(id);
    ghs_document_free(d);
    ghs_index_close(ix);
    cli_parsed_clear(&p);
    return rc;
}

const cli_command cli_cmd_open = {
    .name = "open",
    .operands = "DOC",
    .summary = "open a document at a page (its PDF, file or web address)",
    .help =
    "Open document DOC (the \"doc\" of a search hit, the path of an indexed\n"
    "file, or its file name) at page N: the file it was indexed from, as\n"
    "file:///path/to/report.pdf#page=N, else its web address. N is the\n"
    "physical page, as search hits give it.\n"
    "\n"
    "The link goes to $BROWSER when set (a command; %s in it stands for the\n"
    "link, else the link is added at the end): browsers open a PDF at its\n"
    "#page. Otherwise to xdg-open, the desktop's default application, which\n"
    "may open the file at its first page.\n",
    .opts = open_opts,
    .notes =
    "On a terminal `ghsearch search` makes each hit's source and citation\n"
    "such a link already (a terminal hyperlink: Ctrl-click or similar).\n"
    "Exit 1 when there is no such document, nothing to open or the opener\n"
    "failed, 2 for a page out of range or a file name several indexed files\n"
    "have.\n",
    .run = run_open,
};
