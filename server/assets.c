/*
 * assets.c: serving the embedded search page: "/" is index.html, every
 * other embedded file is served at "/<its name>". A request path is only
 * compared with these names, never used to open anything.
 */
#include <string.h>

#include "assets.h"
#include "server_internal.h"

int
route_asset(const char *path, http_reply *r)
{
    const web_asset *a;

    if (strcmp(path, "/") == 0)
        path = "/index.html";
    for (a = ghs_web_assets; a->path; a++) {
        if (strcmp(a->path, path) == 0) {
            r->status = 200;
            r->content_type = a->content_type;
            r->static_body = a->data;
            r->static_len = a->len;
            return 0;
        }
    }
    return -1;
}
