/*
 * search.c: the smallest useful program embedding libghsearch: open an
 * index, search it, print each hit with its citation and the matched words
 * marked [like this].
 *
 *   cc search.c $(pkg-config --cflags --libs ghsearch) -o search
 *   ./search ./ghsearch-db 'ユニバーサル・ヘルス・カバレッジ 財政'
 *
 * Only the public header is used; every string printed belongs to the
 * results and is valid until ghs_results_free().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ghsearch.h>

/* Byte offset of code point cp in UTF-8 text s (len bytes). */
static size_t
byte_offset(const char *s, size_t len, int cp)
{
    size_t i = 0;

    while (i < len && cp > 0) {
        i++;
        while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;   /* skip continuation bytes */
        cp--;
    }
    return i;
}

/* The passage with every highlight (code point offsets, end exclusive)
 * between [ and ]. */
static void
print_marked(const ghs_hit *h)
{
    size_t len = strlen(h->passage), at = 0, i;

    for (i = 0; i < h->n_highlights; i++) {
        size_t b = byte_offset(h->passage, len, h->highlights[i].start);
        size_t e = byte_offset(h->passage, len, h->highlights[i].end);

        if (b < at)
            continue;   /* overlapping span: already marked */
        printf("%.*s[%.*s]", (int)(b - at), h->passage + at, (int)(e - b), h->passage + b);
        at = e;
    }
    printf("%s\n", h->passage + at);
}

int
main(int argc, char **argv)
{
    ghs_index *ix = NULL;
    ghs_results *res = NULL;
    ghs_search_opts opts = { GHS_SEARCH_OPTS_INIT, .limit = 5, .per_doc = 1 };
    ghs_error err = { 0 };
    char query[1024] = "";
    size_t i, n;
    int a;

    if (argc < 3) {
        fprintf(stderr, "usage: %s INDEX QUERY...\n(libghsearch %s)\n", argv[0], ghs_version());
        return 2;
    }
    for (a = 2; a < argc; a++) {   /* the query words, joined by spaces */
        if (strlen(query) + strlen(argv[a]) + 2 > sizeof query) {
            fprintf(stderr, "query too long\n");
            return 2;
        }
        if (a > 2)
            strcat(query, " ");
        strcat(query, argv[a]);
    }

    if (ghs_index_open(&ix, argv[1], GHS_OPEN_READ, &err) < 0) {
        fprintf(stderr, "cannot open %s: %s\n", argv[1], err.message);
        return 1;
    }
    if (ghs_search(ix, query, &opts, &res, &err) < 0) {
        /* for GHS_EQUERY, err.position is the character (code point) at fault */
        fprintf(stderr, "search failed: %s\n", err.message);
        ghs_index_close(ix);
        return err.code == GHS_EQUERY ? 2 : 1;
    }

    n = ghs_results_count(res);
    printf("%zu of %s%zu passages for: %s\n", n, ghs_results_total_exact(res) ? "" : "about ",
           ghs_results_total(res), query);
    for (i = 0; i < n; i++) {
        const ghs_hit *h = ghs_results_hit(res, i);

        printf("\n%d. %s [%s]\n   ", h->rank, h->title, h->lang);
        print_marked(h);
        printf("   cite: %s\n", h->citation);
    }
    ghs_results_free(res);
    ghs_index_close(ix);
    return 0;
}
