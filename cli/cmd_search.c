/*
 * cmd_search.c: `ghsearch search`: joins the query words, runs ghs_search
 * and prints the hits readably or as JSON Lines. Ranking, grouping,
 * highlighting and citations all come from the library.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "cli.h"
#include "render_text.h"

enum { OPT_DB = 1, OPT_LIMIT, OPT_PER_DOC, OPT_OFFSET, OPT_JSON, OPT_COLOR, OPT_NO_EXPAND,
       OPT_CITE, OPT_FACETS, OPT_EXPLAIN, OPT_GLOSSARY, OPT_EXPORT, OPT_QUERIES };

static const cli_opt search_opts[] = {
    { "db", "DIR", OPT_DB, 0, "the index (default: $GHSEARCH_DB, else ./ghsearch-db)", CLI_COMPLETE_DIR, NULL },
    { "limit", "N", OPT_LIMIT, 'n', "return N passages (default 10)", CLI_COMPLETE_NONE, NULL },
    { "per-doc", "N", OPT_PER_DOC, 0, "passages per document (default 2; raise it to see "
      "all)", CLI_COMPLETE_NONE, NULL },
    { "offset", "N", OPT_OFFSET, 0, "skip the first N passages (paging)",
      CLI_COMPLETE_NONE, NULL },
    { "json", NULL, OPT_JSON, 'j', "JSON Lines, one hit per line, best first: {\"rank\", "
      "\"score\", \"doc\", \"title\", \"source\", \"page\" (null when the source has no pages), "
      "\"lang\", \"passage\", \"highlights\" ([start,end] code point offsets into passage, "
      "end exclusive), \"citation\", \"type\", \"publisher\", \"date\", \"url\", \"doc_rank\", "
      "\"full_passage\", \"window\", \"also_in\", \"tier\" (1: the passage has every query "
      "word, 2: some), \"rerank\" (only when the wording re-ranking placed it), "
      "\"open_url\" (what opens the hit at its page: file:///...#page=N, else its web "
      "address; only when there is one)}",
      CLI_COMPLETE_NONE, NULL },
    { "color", "WHEN", OPT_COLOR, 0, "how matches are marked: auto (default: colour on a "
      "terminal, **word** there when NO_COLOR is set, plain text in a pipe), always "
      "(colour), never (plain), marks (**word**)",
      CLI_COMPLETE_WORDS, "auto always never marks" },
    { "colour", "WHEN", OPT_COLOR, 0, NULL, CLI_COMPLETE_WORDS, "auto always never marks" },
    { "cite", "STYLE", OPT_CITE, 0, "citations in STYLE: text (Title, Publisher, Year, "
      "p. N, URL), bibtex or csl-json; with --json they come as one more field, \"cite\" "
      "(a string, or the CSL-JSON object)", CLI_COMPLETE_WORDS, "text bibtex csl-json" },
    { "queries", "FILE", OPT_QUERIES, 0, "one query a line (- : stdin; # comments), each "
      "hit a JSON line: {\"query\", \"line\", \"rank\",...}", CLI_COMPLETE_FILE, NULL },
    { "export", "FORMAT", OPT_EXPORT, 0, "instead of the hits, a file for a reference "
      "manager: bibtex, ris or csl-json, an entry per document with the pages of its hits",
      CLI_COMPLETE_WORDS, "bibtex ris csl-json" },
    { "facets", NULL, OPT_FACETS, 0, "after the hits, count the matching documents per "
      "language, year, type and publisher (\"lang: ja 3, en 2\" a field a line), those "
      "with every word and those with some, as the list; with --json one last line "
      "{\"facets\":{\"lang\":[{\"value\", \"documents\", \"passages\"}, ...],...}}",
      CLI_COMPLETE_NONE, NULL },
    { "no-expand", NULL, OPT_NO_EXPAND, 0, "literal search: a word does not also match its "
      "glossary equivalents (UHC -> Universal Health Coverage, "
      "ユニバーサル・ヘルス・カバレッジ; see `ghsearch glossary`)", CLI_COMPLETE_NONE, NULL },
    { "glossary", "FILE", OPT_GLOSSARY, 0, "add, choose or veto glossary pairs (see "
      "`ghsearch glossary --help`)", CLI_COMPLETE_FILE, NULL },
    { "explain", NULL, OPT_EXPLAIN, 0, "first print how the query was read and expanded, "
      "then per hit why it stands there: its rank, tier, BM25 score and wording "
      "re-ranking score", CLI_COMPLETE_NONE, NULL },
    { NULL, NULL, 0, 0, NULL, CLI_COMPLETE_NONE, NULL },
};

/* The query language, for `search --help` and the man page. */
static const cli_item query_language[] = {
    { "word word", "passages with the words; those with every word rank first" },
    { "\"exact phrase\"", "the words in this order; 「フレーズ」 too" },
    { "a OR b", "either; AND and NOT likewise (in capitals)" },
    { "-word, NOT word", "leave out passages with the word" },
    { "+word", "the word must be there" },
    { "( ... )", "group: (UHC OR PHC) 財政" },
    { "a NEAR/5 b", "a and b within 5 words (NEAR alone: 10)" },
    { "lang:ja", "filter by language (an ISO 639 code: ja, en, zh, ...)" },
    { "type:pdf", "filter by type: pdf, release or record" },
    { "year:2023", "filter by year, or a range: year:2021..2023" },
    { "publisher:WHO", "filter by publisher; quote several words: publisher:\"World "
      "Health Organization\"" },
    { "doc:ID, title:word", "one document; a word of the title" },
    { "\"foo:bar\"", "any other name before a colon is an error listing the fields: "
      "quote such a word to search it" },
    { NULL, NULL },
};

static int
terminal_width(void)
{
    struct winsize ws;
    const char *env = getenv("COLUMNS");

    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    if (env && atoi(env) > 0)
        return atoi(env);
    return 80;
}

/* --color WHEN: always (colour), never (plain), marks (** around
 * matches), auto: on a terminal colour, or marks when NO_COLOR is set; in a
 * pipe plain text, which scripts read as it is. */
static int
render_mode(const char *when)
{
    const char *no_colour = getenv("NO_COLOR");

    if (strcmp(when, "always") == 0)
        return RENDER_COLOUR;
    if (strcmp(when, "never") == 0)
        return RENDER_PLAIN;
    if (strcmp(when, "marks") == 0)
        return RENDER_MARKS;
    if (!isatty(STDOUT_FILENO))
        return RENDER_PLAIN;
    return no_colour && *no_colour ? RENDER_MARKS : RENDER_COLOUR;
}

/* Terminal hyperlinks from the readable output to each hit's page: on a
 * terminal whenever matches are marked (colour or **), and with
 * --color=always anywhere (less -R shows them); never in plain text. */
static int
want_links(const char *when, int mode)
{
    if (strcmp(when, "always") == 0)
        return 1;
    return mode != RENDER_PLAIN && isatty(STDOUT_FILENO);
}

/* The link that opens hit h at its page on this machine (the library's
 * rule, as its "open_url" in --json). */
static char *
hit_link(const ghs_hit *h, void *user)
{
    (void)user;
    return ghs_hit_open_url(h, 0);
}

/* --json --cite STYLE: the citation in that style as one more field,
 * "cite": a string for text and bibtex, the CSL-JSON item itself (an
 * object) for csl-json. The contract's "citation" field stays as it is. */
static int
append_cite(GString *line, const ghs_hit *h, int style)
{
    ghs_error err = {0};
    char *c = NULL;

    if (ghs_hit_cite(h, (ghs_cite_style)style, &c, &err) < 0) {
        cli_report_error(&err);
        return CLI_EXIT_FAIL;
    }
    g_string_truncate(line, line->len - 1);   /* reopen the object */
    g_string_append(line, ",\"cite\":");
    if (style == GHS_CITE_CSL_JSON)
        g_string_append(line, c);
    else
        cli_append_json(line, NULL, ghs_json_string(c));
    g_string_append_c(line, '}');
    ghs_free(c);
    return 0;
}

/* --facets: the library's counts of matching documents per field, as one
 * JSON line {"facets":{"lang":[{"value","documents","passages"},...],...}}
 * (fields in the library's order: lang, year, type, publisher), or readably
 * "lang: ja 3, en 2" a field a line. */
static void
print_facets(const ghs_results *res, int json)
{
    const ghs_facet *fs = NULL;
    size_t n = ghs_results_facets(res, &fs), i;
    const char *field = NULL;
    GString *o = g_string_new(NULL);

    if (json) {
        g_string_append(o, "{\"facets\":");
        cli_append_json(o, NULL, ghs_facets_json(fs, n));
        g_string_append(o, "}\n");
    } else {
        if (n > 0)
            g_string_append(o, "\nmatching documents by field:");
        for (i = 0; i < n; i++) {
            char *v = g_strdelimit(g_strdup(fs[i].value), "\t\n\r\033", ' ');
            if (!field || strcmp(field, fs[i].field) != 0)
                g_string_append_printf(o, "\n  %s: %s %zu", fs[i].field, v, fs[i].documents);
            else
                g_string_append_printf(o, ", %s %zu", v, fs[i].documents);
            g_free(v);
            field = fs[i].field;
        }
        if (n > 0)
            g_string_append_c(o, '\n');
    }
    fwrite(o->str, 1, o->len, stdout);
    g_string_free(o, TRUE);
}

/* The whole of path ("-": standard input) as text; NULL with a message. */
static char *
read_text(const char *path)
{
    char *text = NULL;
    GError *gerr = NULL;
    if (strcmp(path, "-") == 0) {
        GString *s = g_string_new(NULL);
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
            g_string_append_len(s, buf, (gssize)n);
        text = g_string_free(s, FALSE);
    } else if (!g_file_get_contents(path, &text, NULL, &gerr)) {
        fprintf(stderr, "ghsearch: cannot read %s: %s\n", path, gerr->message);
        g_error_free(gerr);
        return NULL;
    }
    if (!g_utf8_validate(text, -1, NULL)) {
        fprintf(stderr, "ghsearch: %s is not UTF-8 text\n", strcmp(path, "-") ? path : "standard input");
        g_free(text);
        return NULL;
    }
    return text;
}

/* --queries FILE: one query a line (blank lines and lines starting with #
 * skipped), each hit a JSON line with the query it answers first:
 * {"query":"...","line":N,"rank":...}. A malformed query is reported with
 * its line and the others still run. Exit 0 when some query matched, 1
 * when none did, 2 when a query was malformed. */
static int
run_queries(ghs_index *ix, const char *path, const ghs_search_opts *so)
{
    char *text = read_text(path);
    if (!text)
        return CLI_EXIT_FAIL;
    char **lines = g_strsplit(text, "\n", -1);
    g_free(text);
    int matched = 0, malformed = 0, failed = 0;
    GString *line = g_string_new(NULL);
    for (size_t k = 0; lines[k] && !failed; k++) {
        char *q = g_strstrip(lines[k]);
        if (!*q || *q == '#')
            continue;
        ghs_results *res = NULL;
        ghs_error err = {0};
        if (ghs_search(ix, q, so, &res, &err) < 0) {
            fprintf(stderr, "ghsearch: %s line %zu: %s\n",
                    strcmp(path, "-") ? path : "standard input", k + 1, err.message);
            malformed |= err.code == GHS_EQUERY || err.code == GHS_EINVAL;
            failed = !(err.code == GHS_EQUERY || err.code == GHS_EINVAL);
            continue;
        }
        size_t n = ghs_results_count(res);
        matched |= n > 0;
        for (size_t i = 0; i < n; i++) {
            char *hit = ghs_hit_json(ghs_results_hit(res, i), 0);
            char *qj = ghs_json_string(q);
            g_string_printf(line, "{\"query\":%s,\"line\":%zu,%s\n", qj, k + 1, hit + 1);
            fwrite(line->str, 1, line->len, stdout);
            ghs_free(qj);
            ghs_free(hit);
        }
        ghs_results_free(res);
    }
    g_string_free(line, TRUE);
    g_strfreev(lines);
    return failed ? CLI_EXIT_FAIL : malformed ? CLI_EXIT_USAGE
         : matched ? CLI_EXIT_OK : CLI_EXIT_NO_MATCH;
}

static int
run_search(const cli_command *cmd, int argc, char **argv)
{
    cli_parsed p = {0};
    ghs_search_opts so = { GHS_SEARCH_OPTS_INIT };
    const char *db = cli_default_db(), *colour = "auto";
    int json = 0, rc, cite = -1, explain = 0;   /* cite: a ghs_cite_style, -1 when not asked */
    int export = -1;                            /* a ghs_export_format, -1 when not asked */
    const char *queries = NULL;                 /* --queries FILE */
    guint i;
    char *query;
    ghs_index *ix = NULL;
    ghs_results *res = NULL;
    ghs_error err = {0};

    rc = cli_parse(cmd, argc, argv, &p);
    if (rc != 0)
        return rc < 0 ? CLI_EXIT_OK : rc;
    for (i = 0; i < p.ids->len && rc == 0; i++) {
        const char *v = g_ptr_array_index(p.values, i);

        switch (g_array_index(p.ids, int, i)) {
        case OPT_DB: db = v; break;
        case OPT_JSON: json = 1; break;
        case OPT_NO_EXPAND: so.literal = 1; break;
        case OPT_EXPLAIN: explain = 1; break;
        case OPT_GLOSSARY: so.glossary = v; break;
        case OPT_FACETS: so.facets = 1; break;
        case OPT_LIMIT: rc = cli_parse_count(cmd, "limit", v, 1, 100000, &so.limit); break;
        case OPT_PER_DOC: rc = cli_parse_count(cmd, "per-doc", v, 1, 100000, &so.per_doc); break;
        case OPT_OFFSET: rc = cli_parse_count(cmd, "offset", v, 0, 100000000, &so.offset); break;
        case OPT_COLOR:
            if (strcmp(v, "auto") && strcmp(v, "always") && strcmp(v, "never") &&
                strcmp(v, "marks"))
                rc = cli_usage_error(cmd, "option '--color' needs auto, always, never or marks, "
                                     "not '%s'", v);
            colour = v;
            break;
        case OPT_QUERIES: queries = v; break;
        case OPT_EXPORT: {
            ghs_export_format f;

            if (ghs_export_format_parse(v, &f, &err) < 0)
                rc = cli_usage_error(cmd, "option '--export' needs bibtex, ris or csl-json, not '%s'", v);
            export = (int)f;
            break;
        }
        case OPT_CITE: {
            ghs_cite_style style;

            if (ghs_cite_style_parse(v, &style, &err) < 0)
                rc = cli_usage_error(cmd, "option '--cite' needs text, bibtex or csl-json, not '%s'", v);
            cite = (int)style;
            break;
        }
        }
    }
    if (rc == 0 && queries && p.positional->len > 0)
        rc = cli_usage_error(cmd, "give QUERY or --queries FILE, not both");
    if (rc == 0 && !queries && p.positional->len == 0)
        rc = cli_usage_error(cmd, "missing QUERY (or - to read it from standard input)");
    if (rc != 0) {
        cli_parsed_clear(&p);
        return rc;
    }
    if (queries) {
        cli_parsed_clear(&p);
        rc = cli_open_existing(db, &ix);
        if (rc == 0)
            rc = run_queries(ix, queries, &so);
        ghs_index_close(ix);
        return rc;
    }
    if (p.positional->len == 1 && strcmp(g_ptr_array_index(p.positional, 0), "-") == 0) {
        /* ghsearch search - : the query from standard input, lines joined */
        char *text = read_text("-");
        cli_parsed_clear(&p);
        if (!text)
            return CLI_EXIT_FAIL;
        g_strdelimit(text, "\r\n\t", ' ');
        query = g_strdup(g_strstrip(text));
        g_free(text);
        if (!*query) {
            g_free(query);
            return cli_usage_error(cmd, "missing QUERY: standard input was empty");
        }
    } else {
        g_ptr_array_add(p.positional, NULL);
        query = g_strjoinv(" ", (char **)p.positional->pdata);
        cli_parsed_clear(&p);
    }

    rc = cli_open_existing(db, &ix);
    if (rc == 0 && ghs_search(ix, query, &so, &res, &err) < 0) {
        cli_report_error(&err);
        rc = err.code == GHS_EQUERY || err.code == GHS_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    if (rc == 0 && explain)   /* on stderr with --json, which stays JSON Lines */
        fprintf(json || export >= 0 ? stderr : stdout, "%s\n\n", ghs_results_explain(res));
    if (rc == 0 && export >= 0) {
        /* A file for a reference manager: one entry per document. */
        char *text = NULL;
        if (ghs_results_export(res, (ghs_export_format)export, &text, &err) < 0) {
            cli_report_error(&err);
            rc = CLI_EXIT_FAIL;
        } else {
            fputs(text, stdout);
            ghs_free(text);
        }
        if (rc == 0 && ghs_results_count(res) == 0) {
            fprintf(stderr, "no results for: %s\n", query);
            rc = CLI_EXIT_NO_MATCH;
        }
    } else if (rc == 0 && json) {
        GString *line = g_string_new(NULL);
        size_t k, n = ghs_results_count(res);

        for (k = 0; k < n && rc == 0; k++) {
            g_string_truncate(line, 0);
            cli_append_json(line, NULL, ghs_hit_json(ghs_results_hit(res, k), 0));
            if (cite >= 0)
                rc = append_cite(line, ghs_results_hit(res, k), cite);
            g_string_append_c(line, '\n');
            fwrite(line->str, 1, line->len, stdout);
        }
        g_string_free(line, TRUE);
        if (rc == 0 && so.facets)
            print_facets(res, 1);
        if (rc == 0 && n == 0)
            rc = CLI_EXIT_NO_MATCH;   /* nothing printed, as before; the status says it */
    } else if (rc == 0 && ghs_results_count(res) == 0) {
        const char *better = ghs_results_suggestion(res);

        fprintf(stderr, "no results for: %s\n", query);
        if (better && *better)
            fprintf(stderr, "did you mean: %s\n", better);
        rc = CLI_EXIT_NO_MATCH;
    } else if (rc == 0) {
        render_style st;
        size_t shown = ghs_results_count(res), total = ghs_results_total(res);
        int mode = render_mode(colour);

        render_style_init(&st, mode, MIN(terminal_width(), 100));
        st.cite = cite;
        st.explain = explain;
        if (want_links(colour, mode)) {
            st.link = hit_link;
        }
        render_results(stdout, res, &st);
        if (total > so.offset + shown)   /* on stderr: a pipe gets the passages alone */
            fprintf(stderr, "\n%zu passage%s shown of %s%zu (see --limit, --per-doc, "
                    "--offset)\n", shown, shown == 1 ? "" : "s",
                    ghs_results_total_exact(res) ? "" : "about ", total);
        if (so.facets)
            print_facets(res, 0);
    }
    ghs_results_free(res);
    ghs_index_close(ix);
    g_free(query);
    return rc;
}

const cli_command cli_cmd_search = {
    .name = "search",
    .operands = "QUERY... | -",
    .summary = "search the index and print cited passages",
    .help =
    "Search the index and print the best passages, grouped by document: the\n"
    "best passages of the best documents first. QUERY words are joined with\n"
    "spaces (quote the query for your shell); QUERY - reads the query from\n"
    "standard input. The query language is below.\n",
    .opts = search_opts,
    .topic = "Query language",
    .topic_items = query_language,
    .notes =
    "Readable output: per document \"N. Title — p. 3 [ja] (score 12.34)\" and its\n"
    "source; per passage the text, wrapped, \"also in: ...\" (other documents\n"
    "and pages with the same words, shown once), and \"cite: <citation>\".\n"
    "On a terminal, source and cite: link to the hit's page (see ghsearch open).\n"
    "Passages with every query word come first, whatever their scores; the\n"
    "line \"— passages with only some of the words —\" marks where the others\n"
    "begin. Within each part documents stand by their best passage's score,\n"
    "except that a Japanese question puts first the documents that repeat\n"
    "most of its wording (\"(score 3.10, wording 1.23)\"). Ranks and document\n"
    "numbers go on across pages (--offset).\n"
    "A passage shows the sentences around its matches (at most about 240\n"
    "characters), with … where text was left out. Matched\n"
    "words are shown in bold red on a terminal and between ** and ** otherwise.\n"
    "A word starting with '-' is a query word (NOT), not an option; use -- to\n"
    "pass a word starting with \"--\".\n"
    "\n"
    "No hits: \"no results for: QUERY\" on stderr, with \"did you mean: ...\" when\n"
    "close words of the index would match (nothing with --json), exit 1.\n"
    "A malformed query exits 2 with its position: \"query error at N: ...\".\n",
    .dash_words = 1,
    .run = run_search,
};
