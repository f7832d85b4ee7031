/*
 * cmd_show.c: `ghsearch show DOC [--page N | --page-label L]`: what the
 * index knows about a document (metadata, citation) and its text, page by
 * page, as the library puts it back together from the indexed passages.
 * A page is named by its PDF page (as "page" in JSON and #page=N in a
 * link) or by the label printed on it (as a citation gives it).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

enum { OPT_DB = 1, OPT_PAGE, OPT_PAGE_LABEL, OPT_JSON, OPT_CITE };

static const cli_opt show_opts[] = {
    { "db", "DIR", OPT_DB, 0, "the index (default: $GHSEARCH_DB, else ./ghsearch-db)", CLI_COMPLETE_DIR, NULL },
    { "page", "N", OPT_PAGE, 0, "only PDF page N (PDFs; the page a viewer shows as N, and "
      "\"page\" in JSON), cited with the page", CLI_COMPLETE_NONE, NULL },
    { "page-label", "L", OPT_PAGE_LABEL, 0, "only the page printed L: a hit cited "
      "\"p. 15 (PDF p. 16)\" is --page-label 15 or --page 16", CLI_COMPLETE_NONE, NULL },
    { "json", NULL, OPT_JSON, 0, "one JSON object: {\"id\", \"title\", \"source\", \"lang\", "
      "\"type\", \"publisher\", \"date\", \"url\", \"pages\", \"passages\", \"cite\", "
      "\"text\":[{\"page\" (null without pages), \"page_label\" (when the page prints another "
      "number), \"text\"}, ...]}", CLI_COMPLETE_NONE, NULL },
    { "cite", "STYLE", OPT_CITE, 0, "text (default), bibtex or csl-json",
      CLI_COMPLETE_WORDS, "text bibtex csl-json" },
    { NULL, NULL, 0, 0, NULL, CLI_COMPLETE_NONE, NULL },
};

/* Text for a terminal or a pipe: control characters other than line
 * breaks and tabs (a PDF may hold ESC) become spaces. */
static void
put_text(const char *s)
{
    char *valid = g_utf8_make_valid(s, -1);
    char *p;

    for (p = valid; *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
            *p = ' ';
        else if (*p == 0x7f)
            *p = ' ';
    fputs(valid, stdout);
    if (*valid && valid[strlen(valid) - 1] != '\n')
        putchar('\n');
    g_free(valid);
}

/* A short string on the current line: put_text without the line end. */
static void
put_inline(const char *s)
{
    char *valid = g_utf8_make_valid(s, -1);
    char *p;

    for (p = valid; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    fputs(valid, stdout);
    g_free(valid);
}

static void
put_field(const char *name, const char *value)
{
    if (value && *value) {
        printf("  %-10s ", name);
        put_text(value);
    }
}

/* The document ref names (an id, the path of an indexed file or its file
 * name) into *id and *d. Exit 1 when there is none, 2 when ref is
 * ambiguous (the message names the candidates). */
static int
resolve_doc(ghs_index *ix, const char *ref, char **id, ghs_document **d)
{
    ghs_error err = {0};

    if (ghs_document_resolve(ix, ref, id, &err) < 0 ||
        ghs_document_get(ix, *id, d, &err) < 0) {
        cli_report_error(&err);
        return err.code == GHS_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    return 0;
}

static int
run_show(const cli_command *cmd, int argc, char **argv)
{
    cli_parsed p = {0};
    const char *db = cli_default_db(), *ref = NULL, *label = NULL;
    char *id = NULL;
    size_t page = 0;
    int json = 0, rc, first, last, pg, has_page = 0;
    ghs_cite_style style = GHS_CITE_TEXT;
    guint i;
    ghs_index *ix = NULL;
    ghs_document *d = NULL;
    ghs_error err = {0};
    char *cite = NULL;
    GString *o = NULL;

    rc = cli_parse(cmd, argc, argv, &p);
    if (rc != 0)
        return rc < 0 ? CLI_EXIT_OK : rc;
    for (i = 0; i < p.ids->len && rc == 0; i++) {
        const char *v = g_ptr_array_index(p.values, i);

        switch (g_array_index(p.ids, int, i)) {
        case OPT_DB: db = v; break;
        case OPT_JSON: json = 1; break;
        case OPT_PAGE:
            rc = cli_parse_count(cmd, "page", v, 1, 1000000, &page);
            has_page = 1;
            break;
        case OPT_PAGE_LABEL:
            label = v;
            break;
        case OPT_CITE:
            if (ghs_cite_style_parse(v, &style, &err) < 0)
                rc = cli_usage_error(cmd, "option '--cite' needs text, bibtex or csl-json, not '%s'", v);
            break;
        }
    }
    if (rc == 0 && has_page && label)
        rc = cli_usage_error(cmd, "give --page or --page-label, not both");
    if (rc == 0 && p.positional->len != 1)
        rc = cli_usage_error(cmd, p.positional->len ? "give one DOC" : "missing DOC");
    if (rc == 0)
        ref = g_ptr_array_index(p.positional, 0);
    if (rc == 0)
        rc = cli_open_existing(db, &ix);
    if (rc == 0)
        rc = resolve_doc(ix, ref, &id, &d);
    if (rc == 0 && (has_page || label) && d->pages == 0) {
        fprintf(stderr, "ghsearch: %s has no pages (a %s); leave out --%s\n", ref, d->type,
                label ? "page-label" : "page");
        rc = CLI_EXIT_USAGE;
    } else if (rc == 0 && label) {
        int at = 0;

        if (ghs_document_page_of_label(d, label, &at, &err) < 0) {
            cli_report_error(&err);
            rc = CLI_EXIT_USAGE;
        }
        page = (size_t)at;
        has_page = 1;
    } else if (rc == 0 && has_page && (int)page > d->pages) {
        fprintf(stderr, "ghsearch: %s has pages 1 to %d, not %zu\n", ref, d->pages, page);
        rc = CLI_EXIT_USAGE;
    }
    if (rc == 0 && ghs_document_cite(d, (int)page, style, &cite, &err) < 0) {
        cli_report_error(&err);
        rc = CLI_EXIT_FAIL;
    }
    if (rc != 0)
        goto done;

    /* pages to print: the one asked for, every page, or 0 (no pages) */
    first = has_page ? (int)page : (d->pages > 0 ? 1 : 0);
    last = has_page ? (int)page : d->pages;
    o = g_string_new(NULL);
    if (json) {
        cli_append_json(o, NULL, ghs_document_json(d, 0));
        g_string_truncate(o, o->len - 1);   /* reopen the object */
        g_string_append(o, ",\"cite\":");
        if (style == GHS_CITE_CSL_JSON)
            g_string_append(o, cite);
        else
            cli_append_json(o, NULL, ghs_json_string(cite));
        g_string_append(o, ",\"text\":[");
    } else {
        put_text(d->title && *d->title ? d->title : d->id);
        put_field("id:", d->id);
        printf("  %-10s %s", "type:", d->type);
        if (d->pages > 0)
            printf(", %d page%s", d->pages, d->pages == 1 ? "" : "s");
        printf(", %zu passage%s\n", d->passages, d->passages == 1 ? "" : "s");
        put_field("lang:", d->lang);
        put_field("publisher:", d->publisher);
        put_field("date:", d->date);
        put_field("source:", d->source);
        put_field("url:", d->url);
        put_field("cite:", cite);
    }
    for (pg = first; pg <= last && rc == 0; pg++) {
        char *text = NULL;

        if (ghs_document_page_text(ix, id, pg, &text, &err) < 0) {
            cli_report_error(&err);
            rc = CLI_EXIT_FAIL;
            break;
        }
        if (json) {
            g_string_append(o, pg > first ? ",{\"page\":" : "{\"page\":");
            if (pg > 0)
                g_string_append_printf(o, "%d", pg);
            else
                g_string_append(o, "null");
            if (*ghs_document_page_label(d, pg))
                cli_append_json(o, "page_label", ghs_json_string(ghs_document_page_label(d, pg)));
            cli_append_json(o, "text", ghs_json_string(text));
            g_string_append_c(o, '}');
        } else {
            if (pg > 0 && *ghs_document_page_label(d, pg)) {
                fputs("\n--- p. ", stdout);
                put_inline(ghs_document_page_label(d, pg));
                printf(" (PDF p. %d) ---\n", pg);
            } else if (pg > 0) {
                printf("\n--- p. %d ---\n", pg);
            } else {
                putchar('\n');
            }
            put_text(text);
        }
        ghs_free(text);
    }
    if (json && rc == 0) {
        g_string_append(o, "]}\n");
        fwrite(o->str, 1, o->len, stdout);
    }
done:
    if (o)
        g_string_free(o, TRUE);
    ghs_free(id);
    ghs_free(cite);
    ghs_document_free(d);
    ghs_index_close(ix);
    cli_parsed_clear(&p);
    return rc;
}

const cli_command cli_cmd_show = {
    .name = "show",
    .operands = "DOC",
    .summary = "show a document's metadata and text",
    .help =
    "Show what the index holds for document DOC (the \"doc\" of a search hit,\n"
    "the path of an indexed file, or its file name when only one indexed file\n"
    "has it): its metadata, its citation and its text, page by page for a\n"
    "PDF, put back together from the indexed passages.\n",
    .opts = show_opts,
    .notes =
    "A page whose printed number differs from its place in the PDF is headed\n"
    "and cited \"p. 15 (PDF p. 16)\".\n"
    "\n"
    "Exit 1 when there is no such document, 2 for a page out of range, a label\n"
    "no page prints or several do (the message lists their PDF pages), or a\n"
    "file name several indexed files have (the message lists their ids).\n",
    .run = run_show,
};
