/*
 * doc_link.c: the link that opens a document at a page, for `ghsearch
 * open` and for the terminal hyperlinks of `ghsearch search`: the local
 * file it was indexed from as a file:// URL, with "#page=N" for a PDF's
 * physical page (what browsers' PDF viewers, and many others, open at),
 * else its web address. A JSON Lines record opens only at its own web
 * address.
 */
#include <string.h>

#include "cli.h"

/* url with every byte outside printable ASCII percent-encoded: a terminal
 * hyperlink takes no other bytes, and a launcher gets one argument. */
static char *
ascii_url(const char *url)
{
    GString *s = g_string_new(NULL);

    for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
        if (*p <= 0x20 || *p >= 0x7f)
            g_string_append_printf(s, "%%%02X", *p);
        else
            g_string_append_c(s, (char)*p);
    }
    return g_string_free(s, FALSE);
}

static gboolean
is_web_url(const char *s)
{
    return s && (g_ascii_strncasecmp(s, "http://", 7) == 0 ||
                 g_ascii_strncasecmp(s, "https://", 8) == 0);
}

char *
cli_document_link(const ghs_document *d, int page)
{
    gboolean pdf = strcmp(d->type, "pdf") == 0;
    char *base = NULL, *link;

    /* a record's file is the JSON Lines file of many: no use to open */
    if (strcmp(d->type, "record") != 0 && d->path && g_path_is_absolute(d->path) &&
        g_file_test(d->path, G_FILE_TEST_IS_REGULAR))
        base = g_filename_to_uri(d->path, NULL, NULL);
    else if (is_web_url(d->url))
        base = ascii_url(d->url);
    else if (is_web_url(d->source))
        base = ascii_url(d->source);
    if (!base)
        return NULL;
    if (pdf && page > 0 && !strchr(base, '#'))
        link = g_strdup_printf("%s#page=%d", base, page);
    else
        link = g_strdup(base);
    g_free(base);
    return link;
}

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
