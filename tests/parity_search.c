/*
 * parity_search.c: a C program using libghsearch through its public header
 * alone, the way an embedding program would, for the parity test
 * (test_parity.py): the same query through the command line, the HTTP API
 * and this program must give the same hits, ranks, scores, tiers and total.
 *
 *   parity_search DB QUERY LIMIT OFFSET PER_DOC [literal]
 *
 * Only the options a caller chooses are set; everything else is the
 * library's default (a zeroed ghs_search_opts). Prints one hit a line:
 * rank, doc, page, score (%g, as the JSON writers print it), tier,
 * passage (its line breaks written \\n), after a first line with the total.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ghsearch.h>

int
main(int argc, char **argv)
{
    ghs_index *ix = NULL;
    ghs_results *res = NULL;
    ghs_search_opts opts = { 0 };
    ghs_error err = { 0 };
    size_t i;

    if (argc < 6) {
        fprintf(stderr, "usage: %s DB QUERY LIMIT OFFSET PER_DOC [literal]\n", argv[0]);
        return 2;
    }
    opts.limit = strtoul(argv[3], NULL, 10);
    opts.offset = strtoul(argv[4], NULL, 10);
    opts.per_doc = strtoul(argv[5], NULL, 10);
    opts.literal = argc > 6 && strcmp(argv[6], "literal") == 0;
    if (ghs_index_open(&ix, argv[1], GHS_OPEN_READ, &err) < 0) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    if (ghs_search(ix, argv[2], &opts, &res, &err) < 0) {
        fprintf(stderr, "%s\n", err.message);
        ghs_index_close(ix);
        return 1;
    }
    printf("total\t%zu\t%d\n", ghs_results_total(res), ghs_results_total_exact(res));
    for (i = 0; i < ghs_results_count(res); i++) {
        const ghs_hit *h = ghs_results_hit(res, i);
        const char *c;

        char *here = ghs_hit_open_url(h, 0), *remote = ghs_hit_open_url(h, GHS_JSON_SOURCE_REMOTE);

        /* what opens the hit, on this machine and for an HTTP client */
        printf("%d\t%s\t%d\t%g\t%d\t%s\t%s\t", h->rank, h->doc, h->page, h->score, h->tier,
               here ? here : "", remote ? remote : "");
        ghs_free(here);
        ghs_free(remote);
        for (c = h->passage; *c; c++)   /* one line a hit: line breaks as \n */
            if (*c == '\n')
                fputs("\\n", stdout);
            else
                putchar(*c);
        putchar('\n');
    }
    ghs_results_free(res);
    ghs_index_close(ix);
    return 0;
}
