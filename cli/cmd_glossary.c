/*
 * cmd_glossary.c: `ghsearch glossary [TERM]`: the glossary the indexer
 * mined from the corpus (acronyms and their long forms in English and
 * Japanese, English terms and their Japanese translations), each pair with
 * whether search expansion uses it and the places it is defined, cited as
 * search hits are. Mining, judging meanings and reading the glossary file
 * are the library's (ghs_glossary_get); this file prints.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

enum { OPT_DB = 1, OPT_JSON, OPT_GLOSSARY };

static const cli_opt glossary_opts[] = {
    { "db", "DIR", OPT_DB, 0, "the index (default: $GHSEARCH_DB, else ./ghsearch-db)", CLI_COMPLETE_DIR, NULL },
    { "glossary", "FILE", OPT_GLOSSARY, 0, "apply a glossary file, one rule a line (see "
      "below); give the same file to `search --glossary`", CLI_COMPLETE_FILE, NULL },
    { "json", NULL, OPT_JSON, 0, "one pair a line: {\"term\", \"equivalent\", \"lang\", "
      "\"kind\", \"status\", \"used\", \"weight\", \"user\", \"body\", \"footnotes\", "
      "\"sources\":[{\"doc\", \"title\", \"page\", \"place\", \"count\", \"as_written\", "
      "\"citation\"}]}", CLI_COMPLETE_NONE, NULL },
    { NULL, NULL, 0, 0, NULL, CLI_COMPLETE_NONE, NULL },
};

static const char *
status_text(const ghs_gloss_pair *p)
{
    switch (p->status) {
    case GHS_GLOSS_ACTIVE:
        return p->user ? "used (glossary file)" : "used";
    case GHS_GLOSS_CONFLICT:
        return "NOT used: another meaning in the corpus (choose one in a --glossary file)";
    case GHS_GLOSS_OUTWEIGHED:
        return "not used: another meaning is defined in a body or was chosen";
    case GHS_GLOSS_VETOED:
        return "not used: vetoed by the glossary file";
    }
    return "?";
}

static void
print_text(const ghs_glossary *g)
{
    GString *o = g_string_new(NULL);
    size_t i, j, n = ghs_glossary_count(g);

    for (i = 0; i < n; i++) {
        const ghs_gloss_pair *p = ghs_glossary_pair(g, i);

        g_string_append_printf(o, "%s = %s [%s]", p->term, p->equivalent, p->lang);
        if (p->status == GHS_GLOSS_ACTIVE)
            g_string_append_printf(o, " %s, weight %.2g", status_text(p), p->weight);
        else
            g_string_append_printf(o, " %s", status_text(p));
        g_string_append_printf(o, "\n    defined %zu time%s: %zu in a body, %zu in footnotes\n",
                               p->body + p->footnotes, p->body + p->footnotes == 1 ? "" : "s",
                               p->body, p->footnotes);
        for (j = 0; j < p->n_sources; j++) {
            const ghs_gloss_source *s = &p->sources[j];

            g_string_append_printf(o, "    - %s%s", s->citation,
                                   s->footnote ? " (footnote)" : "");
            if (s->count > 1)
                g_string_append_printf(o, " x%zu", s->count);
            g_string_append_printf(o, ": %s\n", s->as_written);
        }
    }
    fwrite(o->str, 1, o->len, stdout);
    g_string_free(o, TRUE);
}

/* One pair a line: {"term","equivalent","lang","kind","status","used",
 * "weight","user","body","footnotes","sources":[{"doc","title","page"
 * (null when 0),"place","count","as_written","citation"}]}. */
static void
print_json(const ghs_glossary *g)
{
    GString *o = g_string_new(NULL);
    size_t i, j, n = ghs_glossary_count(g);

    for (i = 0; i < n; i++) {
        const ghs_gloss_pair *p = ghs_glossary_pair(g, i);

        g_string_truncate(o, 0);
        g_string_append(o, "{\"term\":");
        cli_append_json(o, NULL, ghs_json_string(p->term));
        cli_append_json(o, "equivalent", ghs_json_string(p->equivalent));
        cli_append_json(o, "lang", ghs_json_string(p->lang));
        g_string_append_printf(o, ",\"kind\":\"%s\",\"status\":\"%s\",\"used\":%s,\"weight\":",
                               p->translation ? "translation" : "acronym",
                               ghs_gloss_status_name(p->status),
                               p->status == GHS_GLOSS_ACTIVE ? "true" : "false");
        cli_append_json(o, NULL, ghs_json_number(p->weight));
        g_string_append_printf(o, ",\"user\":%s,\"body\":%zu,\"footnotes\":%zu,\"sources\":[",
                               p->user ? "true" : "false", p->body, p->footnotes);
        for (j = 0; j < p->n_sources; j++) {
            const ghs_gloss_source *s = &p->sources[j];

            g_string_append(o, j ? ",{\"doc\":" : "{\"doc\":");
            cli_append_json(o, NULL, ghs_json_string(s->doc));
            cli_append_json(o, "title", ghs_json_string(s->title));
            if (s->page > 0)
                g_string_append_printf(o, ",\"page\":%d", s->page);
            else
                g_string_append(o, ",\"page\":null");
            g_string_append_printf(o, ",\"place\":\"%s\",\"count\":%zu,\"as_written\":",
                                   s->footnote ? "footnote" : "body", s->count);
            cli_append_json(o, NULL, ghs_json_string(s->as_written));
            cli_append_json(o, "citation", ghs_json_string(s->citation));
            g_string_append_c(o, '}');
        }
        g_string_append(o, "]}\n");
        fwrite(o->str, 1, o->len, stdout);
    }
    g_string_free(o, TRUE);
}

static int
run_glossary(const cli_command *cmd, int argc, char **argv)
{
    cli_parsed p = {0};
    const char *db = cli_default_db(), *file = NULL;
    int json = 0, rc;
    guint i;
    char *term = NULL;
    ghs_index *ix = NULL;
    ghs_glossary *g = NULL;
    ghs_error err = {0};

    rc = cli_parse(cmd, argc, argv, &p);
    if (rc != 0)
        return rc < 0 ? CLI_EXIT_OK : rc;
    for (i = 0; i < p.ids->len; i++) {
        const char *v = g_ptr_array_index(p.values, i);

        switch (g_array_index(p.ids, int, i)) {
        case OPT_DB: db = v; break;
        case OPT_JSON: json = 1; break;
        case OPT_GLOSSARY: file = v; break;
        }
    }
    if (p.positional->len > 0) {
        g_ptr_array_add(p.positional, NULL);
        term = g_strjoinv(" ", (char **)p.positional->pdata);
    }
    cli_parsed_clear(&p);

    rc = cli_open_existing(db, &ix);
    if (rc == 0 && ghs_glossary_get(ix, term, file, &g, &err) < 0) {
        cli_report_error(&err);
        rc = err.code == GHS_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    if (rc == 0 && ghs_glossary_count(g) == 0) {
        if (term)
            fprintf(stderr, "no glossary entry for: %s\n", term);
        else
            fprintf(stderr, "the glossary is empty: no definition was found in the index\n");
    } else if (rc == 0 && json) {
        print_json(g);
    } else if (rc == 0) {
        print_text(g);
    }
    ghs_glossary_free(g);
    ghs_index_close(ix);
    g_free(term);
    return rc;
}

const cli_command cli_cmd_glossary = {
    .name = "glossary",
    .operands = "[TERM]",
    .summary = "list the term pairs mined from the corpus, with where they are defined",
    .help =
    "List the glossary the indexer mined from the corpus: acronyms with their\n"
    "long forms in English and Japanese (\"Universal Health Coverage (UHC)\",\n"
    "\"ユニバーサル・ヘルス・カバレッジ（UHC）\", \"感染症危機対応医薬品等\n"
    "（medical countermeasures: MCM）\") and English terms with their Japanese\n"
    "translations. With TERM, the pairs of the terms TERM is or stands for\n"
    "(UHC, universal health coverage and ユニバーサル・ヘルス・カバレッジ list\n"
    "the same). Each pair says whether `ghsearch search` uses it to expand a\n"
    "query, with what weight, and where it is defined (cited like search hits;\n"
    "footnote definitions count less than definitions in a body). An acronym\n"
    "with two meanings in the corpus is expanded to neither until a glossary\n"
    "file chooses one.\n",
    .opts = glossary_opts,
    .notes =
    "A glossary file has one rule a line ('#' comments):\n"
    "  UHC = Universal Health Coverage     add or choose a pair\n"
    "  !PPR = peste des petits ruminants   veto a pair\n"
    "  !ACT                                veto every pair of ACT\n"
    "Full-width \"＝\", \"！\" and \"＃\" (as a Japanese input method types\n"
    "them) mean the same.\n"
    "\n"
    "Nothing found: a line on stderr, exit 0. A bad glossary file exits 2 with\n"
    "its line: \"ghsearch: FILE:LINE: ...\".\n",
    .run = run_glossary,
};
