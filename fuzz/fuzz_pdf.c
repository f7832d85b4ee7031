/*
 * fuzz_pdf.c: libFuzzer target for the PDF extraction wrapper.
 *
 * The input is written to an anonymous in-memory file (memfd) and given to
 * ghs_extract_pdf() through its /proc/self/fd path, in this process (not
 * the isolated child the indexer uses), so that libFuzzer sees the
 * coverage of the wrapper: the decompression-bomb guard, page text
 * cleaning, title, date and language metadata. Poppler itself is not
 * instrumented. Seed it with ../shared/data/pdf. Besides crashes and
 * sanitizer reports it traps on a broken contract: an error code the
 * header does not list, or without the "[pdf][" prefix, or with e left
 * filled; a result without pages, with pages not numbered 1..n, with
 * text that is not valid UTF-8 or whose len is not its length, or with a
 * malformed date.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "extract.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static void quiet(const char *domain, GLogLevelFlags level, const char *message, void *user)
{
    (void)domain; (void)level; (void)message; (void)user;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    /* Poppler narrates every repair it makes to a broken file. */
    g_log_set_handler("Poppler", G_LOG_LEVEL_MASK & ~G_LOG_LEVEL_ERROR, quiet, NULL);
    return 0;
}

static void check_string(const char *s)
{
    if (s && !g_utf8_validate(s, -1, NULL))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_input_file("fuzz.pdf", data, size, path, sizeof path);
    if (fd < 0)
        return 0;
    ghs_extracted e;
    memset(&e, 0, sizeof e);
    ghs_error err;
    memset(&err, 0, sizeof err);
    int rc = ghs_extract_pdf(path, &e, &err);
    close(fd);
    if (rc < 0) {
        if (rc != GHS_EIO && rc != GHS_EFORMAT && rc != GHS_EENCRYPTED && rc != GHS_ENOTEXT)
            abort();
        if (err.code != rc || strncmp(err.message, "[pdf][", 6) != 0)
            abort();
        if (e.pages || e.n_pages || e.title || e.date)
            abort();
        return 0;
    }
    if (rc != 0 || e.n_pages == 0)
        abort();
    for (size_t i = 0; i < e.n_pages; i++) {
        const ghs_page *p = &e.pages[i];
        if (p->number != (int)i + 1 || !p->text || strlen(p->text) != p->len ||
            !g_utf8_validate(p->text, (gssize)p->len, NULL))
            abort();
    }
    check_string(e.title);
    check_string(e.publisher);
    check_string(e.lang);
    check_string(e.url);
    if (e.date && strlen(e.date) != 10 && strlen(e.date) != 4)
        abort();
    ghs_extracted_clear(&e);
    return 0;
}
