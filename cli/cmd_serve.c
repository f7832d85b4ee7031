/*
 * cmd_serve.c: `ghsearch serve`: parses its options, starts the HTTP server
 * (server/http.c) and waits for SIGINT or SIGTERM. Everything the server
 * answers is built in server/; this file only starts and stops it.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "http.h"

enum { OPT_DB = 1, OPT_LISTEN, OPT_THREADS, OPT_MAX_CONN, OPT_MAX_CLIENT_CONN, OPT_TIMEOUT,
       OPT_QUERY_TIMEOUT, OPT_CORS, OPT_QUIET };

static const cli_opt serve_opts[] = {
    { "db", "DIR", OPT_DB, 0, "the index (default: $GHSEARCH_DB, else ./ghsearch-db)", CLI_COMPLETE_DIR, NULL },
    { "listen", "HOST:PORT", OPT_LISTEN, 0, "address (default 127.0.0.1:8080; port 0 picks "
      "a free port); [ADDR]:PORT for IPv6; :PORT or PORT alone listen on 127.0.0.1",
      CLI_COMPLETE_NONE, NULL },
    { "threads", "N", OPT_THREADS, 0, "worker threads (default 4)", CLI_COMPLETE_NONE, NULL },
    { "max-connections", "N", OPT_MAX_CONN, 0, "requests in progress before answering 503 "
      "(default 256); idle connections do not count", CLI_COMPLETE_NONE, NULL },
    { "max-client-connections", "N", OPT_MAX_CLIENT_CONN, 0, "requests in progress from "
      "one client address before answering 429 (default: half of --max-connections)",
      CLI_COMPLETE_NONE, NULL },
    { "timeout", "S", OPT_TIMEOUT, 0, "seconds a connection has to send each whole "
      "request, from its opening or its previous answer; a slower one gets 408 and is "
      "closed, an idle one is closed (default 15)", CLI_COMPLETE_NONE, NULL },
    { "query-timeout", "S", OPT_QUERY_TIMEOUT, 0, "time budget of one search, in seconds "
      "(default 2; 0: none). Past it the answer is still 200 with the same hits, but "
      "facet counts cover only the matches seen in time", CLI_COMPLETE_NONE, NULL },
    { "cors", "ORIGIN", OPT_CORS, 0, "let pages from ORIGIN (e.g. http://localhost:8888, "
      "or *) call the API from a browser; off by default", CLI_COMPLETE_NONE, NULL },
    { "quiet", NULL, OPT_QUIET, 'q', "no access log (by default one line a request on "
      "stderr: time, method, path without the query string, status, bytes, milliseconds)",
      CLI_COMPLETE_NONE, NULL },
    { NULL, NULL, 0, 0, NULL, CLI_COMPLETE_NONE, NULL },
};

/* Seconds for --query-timeout: a decimal number in [0, 3600] ("0.5", "2");
 * 0 turns the budget off (ghs_http_config takes a negative value for that). */
static int
parse_seconds(const cli_command *cmd, const char *v, double *out)
{
    char *end = NULL;
    double s = g_ascii_strtod(v, &end);

    if (!*v || !end || *end || !(s >= 0 && s <= 3600))
        return cli_usage_error(cmd, "option '--query-timeout' needs seconds from 0 to 3600, "
                               "not '%s'", v);
    *out = s > 0 ? s : -1;
    return 0;
}

/* "HOST:PORT", "[V6ADDR]:PORT", ":PORT" or "PORT" (the default host,
 * 127.0.0.1) into *host (newly allocated) and *port. */
static int
parse_listen(const cli_command *cmd, const char *v, char **host, unsigned *port)
{
    const char *colon;
    size_t port_n;

    if (v[0] == '[') {
        const char *close = strchr(v, ']');

        if (!close || close[1] != ':')
            return cli_usage_error(cmd, "option '--listen' needs HOST:PORT or [ADDR]:PORT, not '%s'", v);
        *host = g_strndup(v + 1, (gsize)(close - v - 1));
        colon = close + 1;
    } else if (v[0] != '\0' && strspn(v, "0123456789") == strlen(v)) {
        *host = g_strdup("127.0.0.1");   /* just a port */
        colon = v - 1;
    } else {
        colon = strrchr(v, ':');
        if (!colon)
            return cli_usage_error(cmd, "option '--listen' needs HOST:PORT, :PORT or PORT, "
                                   "not '%s'", v);
        *host = colon == v ? g_strdup("127.0.0.1") : g_strndup(v, (gsize)(colon - v));
    }
    if (cli_parse_count(cmd, "listen", colon + 1, 0, 65535, &port_n) != 0) {
        g_free(*host);
        *host = NULL;
        return CLI_EXIT_USAGE;
    }
    *port = (unsigned)port_n;
    return 0;
}

static int
run_serve(const cli_command *cmd, int argc, char **argv)
{
    cli_parsed p = {0};
    ghs_http_config cfg = {0};
    ghs_http_server *server = NULL;
    const char *db = cli_default_db();
    char *host = NULL, errbuf[512];
    size_t n;
    unsigned port = 8080;
    int rc, sig;
    guint i;
    sigset_t stop;
    ghs_index *ix = NULL;
    int quiet = 0;

    rc = cli_parse(cmd, argc, argv, &p);
    if (rc != 0)
        return rc < 0 ? CLI_EXIT_OK : rc;
    for (i = 0; i < p.ids->len && rc == 0; i++) {
        const char *v = g_ptr_array_index(p.values, i);

        switch (g_array_index(p.ids, int, i)) {
        case OPT_DB: db = v; break;
        case OPT_CORS: cfg.cors_origin = v; break;
        case OPT_QUIET: quiet = 1; break;
        case OPT_LISTEN:
            g_free(host);
            host = NULL;
            rc = parse_listen(cmd, v, &host, &port);
            break;
        case OPT_THREADS:
            rc = cli_parse_count(cmd, "threads", v, 1, 256, &n);
            cfg.threads = (unsigned)n;
            break;
        case OPT_MAX_CONN:
            rc = cli_parse_count(cmd, "max-connections", v, 1, 100000, &n);
            cfg.max_connections = (unsigned)n;
            break;
        case OPT_MAX_CLIENT_CONN:
            rc = cli_parse_count(cmd, "max-client-connections", v, 1, 100000, &n);
            cfg.max_client_connections = (unsigned)n;
            break;
        case OPT_TIMEOUT:
            rc = cli_parse_count(cmd, "timeout", v, 1, 3600, &n);
            cfg.timeout_s = (unsigned)n;
            break;
        case OPT_QUERY_TIMEOUT:
            rc = parse_seconds(cmd, v, &cfg.query_timeout_s);
            break;
        }
    }
    if (rc == 0 && p.positional->len > 0)
        rc = cli_usage_error(cmd, "unexpected argument '%s'",
                             (const char *)g_ptr_array_index(p.positional, 0));
    cli_parsed_clear(&p);
    /* Fail now, not on the first request, when there is no index. */
    if (rc == 0)
        rc = cli_open_existing(db, &ix);
    ghs_index_close(ix);
    if (rc != 0) {
        g_free(host);
        return rc;
    }

    /* Block the stop signals before the server's threads start, so they
     * inherit the mask and only sigwait() below receives them. */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);

    cfg.db = db;
    cfg.host = host ? host : "127.0.0.1";
    cfg.port = port;
    cfg.log = stderr;
    cfg.access_log = quiet ? NULL : stderr;
    if (ghs_http_start(&server, &cfg, errbuf, sizeof errbuf) < 0) {
        fprintf(stderr, "ghsearch: %s\n", errbuf);
        g_free(host);
        return CLI_EXIT_FAIL;
    }
    /* Tests and scripts read this line for the port actually chosen. */
    printf(strchr(ghs_http_host(server), ':') ? "listening on http://[%s]:%u\n"
                                                : "listening on http://%s:%u\n",
           ghs_http_host(server), ghs_http_port(server));
    fflush(stdout);

    sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "ghsearch serve: %s, stopping\n", strsignal(sig));
    ghs_http_stop(server);
    g_free(host);
    return CLI_EXIT_OK;
}

const cli_command cli_cmd_serve = {
    .name = "serve",
    .operands = "",
    .summary = "serve the JSON API and the search page over HTTP",
    .help =
    "Serve the index over HTTP until interrupted (Ctrl-C or SIGTERM): the\n"
    "search page at / and a JSON API, described at /openapi.json (OpenAPI\n"
    "3.1). Prints \"listening on http://HOST:PORT\" once ready.\n"
    "\n"
    "Endpoints (GET):\n"
    "  /search?q=QUERY[&limit=N][&offset=N][&per_doc=N][&lang=ja][&type=pdf]\n"
    "          [&year=2023][&publisher=WHO][&facets=1][&expand=0][&export=bibtex]\n"
    "      {\"query\",\"total\",\"count\",\"suggestion\",\"hits\":[...]} with the hit\n"
    "      fields of 'ghsearch search --json', but \"source\" is the document's\n"
    "      URL or file name, never a server path; filters may repeat (either\n"
    "      value); \"suggestion\" (when nothing matched) is q with close words\n"
    "      of the index in place, as text\n"
    "  /doc/ID              a document's metadata and page count (and text\n"
    "                       when it has no pages)\n"
    "  /doc/ID/page/N       the text of page N of a PDF\n"
    "  /health, /stats, /openapi.json\n"
    "Errors: {\"error\":{\"code\",\"message\",\"position\"}} with 400 (malformed\n"
    "query: position is its character in q; a bad or unknown parameter,\n"
    "named), 404, 405, 413 (q over 1 KiB), 414 (URL over 8 KiB), 408 (request\n"
    "not in within --timeout), 429 (one client over\n"
    "--max-client-connections), 503 (overloaded or no index). Answers over\n"
    "1 KiB are gzip-compressed for clients that accept it.\n",
    .opts = serve_opts,
    .notes =
    "The server reads the index only; run 'ghsearch index' beside it and new\n"
    "commits are seen by the next request.\n",
    .run = run_serve,
};
