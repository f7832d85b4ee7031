/*
 * cmd_links.c: `ghsearch links DOC`: the links of a release as the last
 * indexing run resolved them (anchor, state, the document a link led to,
 * why one is missing), and for a linked document the releases that link
 * to it. Readable text, or one JSON object with --json.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

enum { OPT_DB = 1, OPT_JSON };

static const cli_opt links_opts[] = {
    { "db", "DIR", OPT_DB, 0, "the index (default: $GHSEARCH_DB, else ./ghsearch-db)", CLI_COMPLETE_DIR, NULL },
    { "json", NULL, OPT_JSON, 0, "one JSON object: {\"doc\", \"title\", \"links\":[{\"url\", "
      "\"anchor\", \"state\", \"doc\", \"path\", \"reason\"}], \"linked_from\":[{\"doc\", "
      "\"title\", \"anchor\", \"url\"}]}", CLI_COMPLETE_NONE, NULL },
    { NULL, NULL, 0, 0, NULL, CLI_COMPLETE_NONE, NULL },
};

/* One line of text without control characters (an anchor may hold any). */
static void
put_line(const char *label, const char *value)
{
    char *valid = g_utf8_make_valid(value, -1);
    char *p;

    for (p = valid; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    printf("%s%s\n", label, valid);
    g_free(valid);
}

static void
print_text(const ghs_links *l)
{
    size_t i, n = ghs_links_count(l), nf = ghs_links_from_count(l);
    size_t counts[4] = {0};
    const char *title = ghs_links_title(l);

    for (i = 0; i < n; i++) {
        ghs_link_state s = ghs_links_item(l, i)->state;

        if ((int)s >= 0 && (int)s < 4)
            counts[s]++;
    }
    put_line("document: ", ghs_links_doc(l));
    if (*title)
        put_line("title:    ", title);
    if (n == 0) {
        printf("links:    none\n");
    } else {
        printf("links:    %zu (%zu indexed, %zu missing, %zu failed, %zu not a document)\n",
               n, counts[GHS_LINK_INDEXED], counts[GHS_LINK_MISSING],
               counts[GHS_LINK_FAILED], counts[GHS_LINK_NOT_DOCUMENT]);
    }
    for (i = 0; i < n; i++) {
        const ghs_doc_link *k = ghs_links_item(l, i);
        char *head = g_strdup_printf("  %-15s ", ghs_link_state_name(k->state));

        put_line(head, k->url);
        g_free(head);
        if (*k->anchor)
            put_line("                  anchor:   ", k->anchor);
        if (*k->doc)
            put_line("                  document: ", k->doc);
        if (*k->path)
            put_line("                  copy:     ", k->path);
        if (*k->reason)
            put_line("                  reason:   ", k->reason);
    }
    if (nf > 0)
        printf("linked from: %zu release%s\n", nf, nf == 1 ? "" : "s");
    for (i = 0; i < nf; i++) {
        const ghs_link_source *s = ghs_links_from(l, i);

        put_line("  ", s->doc);
        if (*s->title)
            put_line("                  title:    ", s->title);
        if (*s->anchor)
            put_line("                  anchor:   ", s->anchor);
    }
}

static void
print_json(const ghs_links *l)
{
    GString *o = g_string_new("{\"doc\":");
    size_t i;

    cli_append_json(o, NULL, ghs_json_string(ghs_links_doc(l)));
    cli_append_json(o, "title", ghs_json_string(ghs_links_title(l)));
    g_string_append(o, ",\"links\":[");
    for (i = 0; i < ghs_links_count(l); i++) {
        const ghs_doc_link *k = ghs_links_item(l, i);

        g_string_append(o, i ? ",{\"url\":" : "{\"url\":");
        cli_append_json(o, NULL, ghs_json_string(k->url));
        cli_append_json(o, "anchor", ghs_json_string(k->anchor));
        cli_append_json(o, "state", ghs_json_string(ghs_link_state_name(k->state)));
        cli_append_json(o, "doc", ghs_json_string(k->doc));
        cli_append_json(o, "path", ghs_json_string(k->path));
        cli_append_json(o, "reason", ghs_json_string(k->reason));
        g_string_append_c(o, '}');
    }
    g_string_append(o, "],\"linked_from\":[");
    for (i = 0; i < ghs_links_from_count(l); i++) {
        const ghs_link_source *s = ghs_links_from(l, i);

        g_string_append(o, i ? ",{\"doc\":" : "{\"doc\":");
        cli_append_json(o, NULL, ghs_json_string(s->doc));
        cli_append_json(o, "title", ghs_json_string(s->title));
        cli_append_json(o, "anchor", ghs_json_string(s->anchor));
        cli_append_json(o, "url", ghs_json_string(s->url));
        g_string_append_c(o, '}');
    }
    g_string_append(o, "]}\n");
    fwrite(o->str, 1, o->len, stdout);
    g_string_free(o, TRUE);
}

static int
run_links(const cli_command *cmd, int argc, char **argv)
{
    cli_parsed p = {0};
    const char *db = cli_default_db();
    char *doc = NULL;
    int json = 0, rc;
    guint i;
    ghs_index *ix = NULL;
    ghs_links *l = NULL;
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
    if (p.positional->len != 1)
        rc = p.positional->len == 0
            ? cli_usage_error(cmd, "missing DOC (a document id, the path of an indexed file "
                              "or its file name)")
            : cli_usage_error(cmd, "unexpected argument '%s'",
                              (const char *)g_ptr_array_index(p.positional, 1));
    else
        doc = g_strdup(g_ptr_array_index(p.positional, 0));
    cli_parsed_clear(&p);
    if (rc != 0)
        return rc;

    rc = cli_open_existing(db, &ix);
    /* DOC is resolved by the library, as `show` resolves it */
    if (rc == 0 && ghs_links_get(ix, doc, &l, &err) < 0) {
        cli_report_error(&err);
        rc = err.code == GHS_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    if (rc == 0 && json)
        print_json(l);
    else if (rc == 0)
        print_text(l);
    ghs_links_free(l);
    ghs_index_close(ix);
    g_free(doc);
    return rc;
}

const cli_command cli_cmd_links = {
    .name = "links",
    .operands = "DOC",
    .summary = "list a release's links and where a document is linked from",
    .help =
    "List the links of document DOC (its id, the path of an indexed file, or\n"
    "its file name when only one indexed file has it) as the last 'ghsearch\n"
    "index' resolved them, and the releases that link to DOC. Each link has a\n"
    "state:\n"
    "  indexed          a local copy is indexed (document: its id)\n"
    "  missing          no local copy next to the release, among the indexed\n"
    "                   files or in the fetch cache ('ghsearch fetch' gets it)\n"
    "  failed           a local copy was found but could not be indexed\n"
    "  not-a-document   an image, archive or other file that is not indexed\n",
    .opts = links_opts,
    .notes =
    "Exit 0, 1 when the index or the document does not exist, or 2 when DOC\n"
    "is a file name several indexed files have (the message lists their ids).\n",
    .run = run_links,
};
