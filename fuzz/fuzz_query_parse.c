/*
 * fuzz_query_parse.c: libFuzzer target for the query language parser.
 *
 * Feeds arbitrary bytes to ghs_query_parse() (as a NUL-terminated copy, so
 * an embedded NUL ends the query as it would for a C caller), dumps the
 * tree with ghs_qnode_describe() and frees everything. Besides crashes and
 * sanitizer reports it traps on a broken contract: an error code other than
 * GHS_EQUERY, a position outside 1..length+1, or a tree with an error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "query_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *q = malloc(size + 1);
    ghs_qnode *n = NULL;
    ghs_error err;
    char *d;
    int rc;

    if (!q)
        return 0;
    memcpy(q, data, size);
    q[size] = '\0';
    memset(&err, 0, sizeof err);
    rc = ghs_query_parse(q, &n, &err);
    if (rc == 0) {
        d = ghs_qnode_describe(n);
        if (!d)
            abort();
        free(d);
        ghs_qnode_free(n);
    } else if (rc != GHS_EQUERY || n != NULL || err.position < 1 ||
               (size_t)err.position > strlen(q) + 1) {
        abort();
    }
    free(q);
    return 0;
}
