/*
 * cmd_fetch.c: `ghsearch fetch`: downloads the documents of the manifest
 * and the links of releases (under the given paths, and those the index
 * recorded as missing) into the fetch cache, where `ghsearch index` finds
 * them. One line per URL on stdout, a summary at the end.
 *
 * Ctrl-C stops after the current download; a second one ends at once and
 * leaves the partial file for the next run to resume.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fetch.h"

enum { OPT_DB = 1, OPT_MANIFEST, OPT_CACHE, OPT_DELAY, OPT_TIMEOUT, OPT_MAX_SIZE,
       OPT_REFRESH };

static const cli_opt fetch_opts[] = {
    { "manifest", "FILE", OPT_MANIFEST, 0, "fetch the URLs of this corpus manifest",
      CLI_COMPLETE_FILE, NULL },
    { "cache", "DIR", OPT_CACHE, 0, "the fetch cache (default: $GHSEARCH_CACHE, else "
      "./ghsearch-cache; 'ghsearch index' uses the same)", CLI_COMPLETE_DIR, NULL },
    { "db", "DIR", OPT_DB, 0, "also fetch the missing links of this index (default: "
      "$GHSEARCH_DB, else ./ghsearch-db, when it exists)", CLI_COMPLETE_DIR, NULL },
    { "delay", "MS", OPT_DELAY, 0, "wait between two requests to one host (default 1000)",
      CLI_COMPLETE_NONE, NULL },
    { "timeout", "S", OPT_TIMEOUT, 0, "give up on one download after S seconds "
      "(default 300)", CLI_COMPLETE_NONE, NULL },
    { "max-size", "MB", OPT_MAX_SIZE, 0, "refuse documents larger than this (default 256)",
      CLI_COMPLETE_NONE, NULL },
    { "refresh", NULL, OPT_REFRESH, 0, "download again URLs that are already cached",
      CLI_COMPLETE_NONE, NULL },
    { NULL, NULL, 0, 0, NULL, CLI_COMPLETE_NONE, NULL },
};

static int
on_url(const ghs_fetch_event *ev, void *user)
{
    (void)user;
    switch (ev->status) {
    case GHS_FETCH_DOWNLOADED:
        printf("downloaded      %s (%lld bytes%s)\n", ev->url, ev->bytes,
               ev->resumed ? ", resumed" : "");
        break;
    case GHS_FETCH_CACHED:
        printf("cached          %s\n", ev->url);
        break;
    default: {
        /* the reason without the "[fetch][URL]" the line already shows */
        char *why = ev->error ? cli_message(ev->error, 1) : g_strdup("failed");
        printf("%-15s %s: %s%s\n", ghs_fetch_status_name(ev->status), ev->url, why,
               *ev->path ? " (the copy fetched before is kept)" : "");
        g_free(why);
        break;
    }
    }
    fflush(stdout);
    return cli_interrupted();
}

static int
run_fetch(const cli_command *cmd, int argc, char **argv)
{
    cli_parsed p = {0};
    const char *db = NULL, *manifest = NULL;
    ghs_fetch_opts o;
    ghs_fetch_totals t = {0};
    ghs_index *ix = NULL;
    ghs_error err = {0};
    char **urls = NULL;
    size_t n = 0, v = 0;
    guint i;
    int rc;

    ghs_fetch_opts_init(&o);
    o.cache_dir = ghs_default_cache_dir();   /* the cache 'ghsearch index' reads */
    rc = cli_parse(cmd, argc, argv, &p);
    if (rc != 0)
        return rc < 0 ? CLI_EXIT_OK : rc;
    for (i = 0; i < p.ids->len && rc == 0; i++) {
        const char *val = g_ptr_array_index(p.values, i);

        switch (g_array_index(p.ids, int, i)) {
        case OPT_DB: db = val; break;
        case OPT_MANIFEST: manifest = val; break;
        case OPT_CACHE: o.cache_dir = val; break;
        case OPT_REFRESH: o.refresh = 1; break;
        case OPT_DELAY:
            rc = cli_parse_count(cmd, "delay", val, 0, 600000, &v);
            o.host_delay_ms = v == 0 ? -1 : (long)v;
            break;
        case OPT_TIMEOUT:
            rc = cli_parse_count(cmd, "timeout", val, 1, 86400, &v);
            o.timeout_ms = (long)v * 1000;
            break;
        case OPT_MAX_SIZE:
            rc = cli_parse_count(cmd, "max-size", val, 1, 1000000, &v);
            o.max_bytes = (long long)v * 1024 * 1024;
            break;
        }
    }
    if (rc != 0) {
        cli_parsed_clear(&p);
        return rc;
    }
    /* The index's missing links are fetched when it exists. */
    if (!db && g_file_test(cli_default_db(), G_FILE_TEST_IS_DIR))
        db = cli_default_db();
    if (db && (rc = cli_open_existing(db, &ix)) != 0) {
        cli_parsed_clear(&p);
        return rc;
    }
    if (ghs_links_collect_urls(ix, manifest, (const char *const *)p.positional->pdata,
                               p.positional->len, &urls, &n, &err) < 0) {
        cli_report_error(&err);
        ghs_index_close(ix);
        cli_parsed_clear(&p);
        return CLI_EXIT_FAIL;
    }
    ghs_index_close(ix);
    if (n == 0 && !manifest && p.positional->len == 0 && !db) {
        cli_parsed_clear(&p);
        ghs_strv_free(urls);
        return cli_usage_error(cmd, "nothing to fetch: give --manifest FILE, releases to "
                               "read links from, or an index (--db)");
    }
    cli_parsed_clear(&p);

    cli_sigint_catch();
    rc = ghs_fetch_urls((const char *const *)urls, n, &o, on_url, NULL, &t, &err);
    cli_sigint_release();
    ghs_strv_free(urls);
    if (rc < 0) {
        cli_report_error(&err);
        return CLI_EXIT_FAIL;
    }
    printf("fetched %zu URL%s into %s: %zu downloaded, %zu already cached, %zu failed, "
           "%zu not-a-document (%lld bytes)\n",
           t.urls, t.urls == 1 ? "" : "s", o.cache_dir, t.downloaded, t.cached, t.failed,
           t.not_document, t.bytes);
    if (cli_interrupted()) {
        fprintf(stderr, "ghsearch: interrupted; run 'ghsearch fetch' again to go on\n");
        return CLI_EXIT_INTERRUPTED;
    }
    if (t.failed > 0 && t.downloaded == 0 && t.cached == 0) {
        fprintf(stderr, "ghsearch: no download succeeded (%zu failed)\n", t.failed);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

const cli_command cli_cmd_fetch = {
    .name = "fetch",
    .operands = "[PATH...]",
    .summary = "download the documents releases link to",
    .help =
    "Download into the fetch cache the documents listed in the manifest, those\n"
    "the releases under PATH (files or directories) link to, and the links the\n"
    "index recorded as missing. 'ghsearch index' then finds them there and\n"
    "indexes them as the documents the releases link to. Only PDFs and HTML\n"
    "pages are kept; each is stored once, by content hash. A URL already in\n"
    "the cache is not downloaded again (see --refresh); a failed download never\n"
    "replaces a good copy; an interrupted one is resumed by the next run.\n",
    .opts = fetch_opts,
    .notes =
    "One line per URL on stdout (downloaded, cached, failed or not-a-document,\n"
    "with the reason), then a summary. Exit 0 when the run went through even\n"
    "if some URLs failed; 1 when nothing could be done or every download\n"
    "failed; 130 after Ctrl-C.\n",
    .operand_complete = CLI_COMPLETE_FILE,
    .run = run_fetch,
};
