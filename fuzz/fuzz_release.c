/*
 * fuzz_release.c: libFuzzer target for the press release reader (HTML and
 * plain text).
 *
 * Drives the two in-memory readers ghs_extract_release() dispatches to,
 * with its preconditions (BOM stripped, no NUL byte in the first KiB):
 * the first input byte picks HTML (odd) or plain text (even), the rest is
 * the file. Besides crashes and sanitizer reports it traps on a broken
 * contract: an error other than GHS_EFORMAT/GHS_ENOTEXT, or without the
 * "[release][name]" prefix; a result that is not exactly one page
 * numbered 0 of valid UTF-8 whose len is its length; a link without a URL
 * or anchor; a date that is not YYYY-MM-DD or YYYY.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "extract_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int valid_date(const char *d)
{
    size_t n = strlen(d);
    if (n != 4 && n != 10)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((i == 4 || i == 7) ? d[i] != '-' : !g_ascii_isdigit(d[i]))
            return 0;
    return 1;
}

static void check_string(const char *s)
{
    if (s && !g_utf8_validate(s, -1, NULL))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int html = data[0] & 1;
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    /* ghs_extract_release's preconditions */
    if (memchr(body, '\0', len < 1024 ? len : 1024))
        return 0;
    if (len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0) {
        body += 3;
        len -= 3;
    }
    /* A copy of exactly len bytes, so reading past it is caught. */
    char *copy = malloc(len ? len : 1);
    if (!copy)
        return 0;
    memcpy(copy, body, len);

    const char *name = html ? "fuzz.html" : "fuzz.txt";
    ghs_extracted e;
    memset(&e, 0, sizeof e);
    ghs_error err;
    memset(&err, 0, sizeof err);
    int rc = html ? ghs_x_extract_html(name, copy, len, &e, &err)
                  : ghs_x_extract_text(name, copy, len, &e, &err);
    if (rc < 0) {
        if (rc != GHS_EFORMAT && rc != GHS_ENOTEXT)
            abort();
        if (err.code != rc || strncmp(err.message, "[release][", 10) != 0)
            abort();
        if (e.pages || e.n_pages || e.links || e.n_links || e.title)
            abort();
    } else {
        if (rc != 0 || e.n_pages != 1 || e.pages[0].number != 0 || !e.pages[0].text)
            abort();
        if (strlen(e.pages[0].text) != e.pages[0].len ||
            !g_utf8_validate(e.pages[0].text, (gssize)e.pages[0].len, NULL))
            abort();
        check_string(e.title);
        check_string(e.publisher);
        check_string(e.url);
        check_string(e.lang);
        if (e.date && !valid_date(e.date))
            abort();
        for (size_t i = 0; i < e.n_links; i++) {
            if (!e.links[i].url || !e.links[i].anchor)
                abort();
            check_string(e.links[i].url);
            check_string(e.links[i].anchor);
        }
    }
    ghs_extracted_clear(&e);
    free(copy);
    return 0;
}
