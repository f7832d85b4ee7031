/*
 * pdf_sniff.c: the header check that tells a file which is not a PDF at
 * all (GHS_REASON_NOT_PDF) from a damaged one before poppler sees it. The
 * short reasons of the indexing summary come from the code and reason of
 * each error (ghs_error_reason, base/error.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "extract.h"
#include "pdf_sniff.h"
#include "index_handle.h"

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
        return ghs_fail(err, GHS_EFORMAT, GHS_REASON_NOT_PDF, "[pdf][%s] not a PDF: empty file",
                        name);
    if (n < 5 || !memmem(head, n, "%PDF-", 5))
        return ghs_fail(err, GHS_EFORMAT, GHS_REASON_NOT_PDF,
                        "[pdf][%s] not a PDF: no %%PDF- header in its first %zu bytes",
                             name, n);
    return 0;
}
