/*
 * doc_link.c: terminal hyperlinks, for the links of `ghsearch search` to
 * each hit's page. The link itself is the library's (ghs_hit_open_url,
 * ghs_document_open_url), as a hit's "open_url" in --json and the server
 * give it.
 */
#include "cli.h"

void
cli_append_hyperlink(GString *out, const char *url, const char *text)
{
    if (!url) {
        g_string_append(out, text);
        return;
    }
    /* OSC 8: ESC ] 8 ; params ; URI ST, the text, and the same with no URI */
    g_string_append_printf(out, "\033]8;;%s\033\\%s\033]8;;\033\\", url, text);
}
