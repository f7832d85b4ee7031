/*
 * assets.h: the search page's files, compiled into the binary by
 * web/embed_assets.py (see server/meson.build).
 */
#ifndef GHS_SERVER_ASSETS_H
#define GHS_SERVER_ASSETS_H

#include <stddef.h>

typedef struct web_asset {
    const char *path;           /* "/index.html" */
    const char *content_type;   /* "text/html; charset=utf-8" */
    const unsigned char *data;  /* the file's bytes (NUL-terminated copy) */
    size_t len;                 /* without the NUL */
} web_asset;

/* Every embedded file; the entry after the last has path NULL. */
extern const web_asset ghs_web_assets[];

#endif /* GHS_SERVER_ASSETS_H */
