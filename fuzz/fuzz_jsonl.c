/*
 * fuzz_jsonl.c: libFuzzer target for the JSON Lines reader.
 *
 * The input is written to an anonymous in-memory file (memfd) and read
 * through its /proc/self/fd path with ghs_jsonl_read(), so the block and
 * line splitting runs as on a real file. Besides crashes and sanitizer
 * reports it traps on a broken contract: a return value other than 0; a
 * record with a NULL or empty id or a NULL text, invalid UTF-8 in a
 * field, or line numbers that do not grow; a bad-line message without the
 * "[jsonl][name:line]" prefix; more records plus bad lines than lines.
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

typedef struct tally {
    size_t records, bad, last_line;
    char prefix[64];
} tally;

static void check_string(const char *s)
{
    if (s && !g_utf8_validate(s, -1, NULL))
        abort();
}

static int on_record(const ghs_record *r, void *user)
{
    tally *t = user;
    if (!r->id || !*r->id || !r->text || r->line <= t->last_line)
        abort();
    check_string(r->id);
    check_string(r->title);
    check_string(r->lang);
    check_string(r->url);
    check_string(r->date);
    check_string(r->publisher);
    if (!g_utf8_validate(r->text, (gssize)r->text_len, NULL))
        abort();
    t->last_line = r->line;
    t->records++;
    return 0;
}

static int on_error(size_t line, const char *message, void *user)
{
    tally *t = user;
    if (line <= t->last_line || strncmp(message, t->prefix, strlen(t->prefix)) != 0)
        abort();
    t->last_line = line;
    t->bad++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_input_file("fuzz.jsonl", data, size, path, sizeof path);
    if (fd < 0)
        return 0;
    tally t;
    memset(&t, 0, sizeof t);
    snprintf(t.prefix, sizeof t.prefix, "[jsonl][%d:", fd);
    ghs_error err;
    memset(&err, 0, sizeof err);
    int rc = ghs_jsonl_read(path, on_record, on_error, &t, &err);
    close(fd);
    if (rc != 0)
        abort();
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    if (t.records + t.bad > lines)
        abort();
    return 0;
}
