/*
 * cite.c: citations of a hit.
 */
#include "search_internal.h"

char *ghs_cite_text(const char *title, int page)
{
    const char *t = title && *title ? title : "(untitled)";
    return page > 0 ? g_strdup_printf("%s, p. %d", t, page) : g_strdup(t);
}
