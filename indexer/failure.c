/*
 * failure.c: why a file could not be indexed.
 *
 * Owns the short reasons the indexing summary counts ("84 failed: 66 no
 * text, 9 encrypted, ...") and the header check that tells a file which is
 * not a PDF at all from a damaged one before poppler sees it.
 *
 * The error codes say most of it (GHS_EENCRYPTED, GHS_ENOTEXT,
 * GHS_ETIMEOUT, GHS_EIO); GHS_EFORMAT covers every file that is present
 * but unusable, so its reason is read from the message, whose wording the
 * library's own extractors fix: "not a PDF", "too large", "refused: ...
 * a decompression bomb", "damaged: the extractor crashed / exited".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "extract.h"
#include "failure.h"
#include "index_internal.h"

int ghs_pdf_sniff(const char *path, ghs_error *err)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash && slash[1] ? slash + 1 : path;
    int fd = ghs_open_regular(path, "pdf", err);   /* never blocks on a FIFO */
    if (fd < 0)
        return fd;
    char head[1024];
    size_t n = 0;
    int bad = 0;
    while (n < sizeof head) {
        ssize_t got = read(fd, head + n, sizeof head - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            bad = errno;
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    if (bad)
        return ghs_set_error(err, GHS_EIO, "[pdf][%s] cannot read: %s", name,
                             g_strerror(bad));
    if (n == 0)
        return ghs_set_error(err, GHS_EFORMAT, "[pdf][%s] not a PDF: empty file", name);
    if (n < 5 || !memmem(head, n, "%PDF-", 5))
        return ghs_set_error(err, GHS_EFORMAT,
                             "[pdf][%s] not a PDF: no %%PDF- header in its first %zu bytes",
                             name, n);
    return 0;
}

/* The message without its "[place][file]" prefixes. */
static const char *message_body(const char *m)
{
    while (*m == '[') {
        const char *close = strchr(m, ']');
        if (!close)
            break;
        m = close + 1;
    }
    while (*m == ' ')
        m++;
    return m;
}

const char *ghs_error_reason(const ghs_error *err)
{
    if (!err)
        return "failed";
    switch (err->code) {
    case GHS_EENCRYPTED: return "encrypted";
    case GHS_ENOTEXT: return "no text";
    case GHS_ETIMEOUT: return "timed out";
    case GHS_EIO: return "unreadable";
    case GHS_EUNSUPPORTED: return "unsupported";
    case GHS_ENOMEM: return "out of memory";
    case GHS_EFORMAT: break;
    default: return "failed";
    }
    const char *m = message_body(err->message);
    if (g_str_has_prefix(m, "not a PDF"))
        return "not a PDF";
    if (strstr(m, "too large") || strstr(m, "decompression bomb"))
        return "too large";
    if (strstr(m, "extractor crashed") || strstr(m, "extractor exited") ||
        strstr(m, "ran out of memory"))
        return "crashed";
    return "damaged";
}
