/*
 * extract_jsonl.c: ghs_jsonl_read(), records from a JSON Lines file, one
 * JSON object a line, through json-glib.
 *
 * The file is read in blocks and cut into lines here, so memory stays at
 * one line (at most 16 MiB) whatever the file's size; a longer line is
 * skipped and reported, never accumulated. Each bad line is reported to
 * the caller with its line number and reading goes on.
 */
#include "extract_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#define MAX_DEPTH 512  /* json-glib's parser recurses once per level */

typedef struct reader {
    const char *name;
    JsonParser *parser;
    ghs_record_fn on_record;
    ghs_record_error_fn on_error;
    void *user;
    GHashTable *ids;   /* id -> first line (GSIZE_TO_POINTER) of this file */
} reader;

/* Reports a bad line; returns the callback's stop value (0 = go on). */
static int bad_line(const reader *r, size_t line, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
static int bad_line(const reader *r, size_t line, const char *fmt, ...)
{
    if (r->on_error == NULL)
        return 0;
    va_list ap;
    va_start(ap, fmt);
    char *reason = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    char *msg = g_strdup_printf("[jsonl][%s:%zu] %s", r->name, line, reason);
    int rc = r->on_error(line, msg, r->user);
    g_free(msg);
    g_free(reason);
    return rc;
}

/* Deepest nesting of arrays and objects in s, not counting brackets inside
 * strings; stops counting past MAX_DEPTH. */
static int nesting(const char *s, size_t len)
{
    int depth = 0, max = 0;
    bool in_string = false;
    for (size_t i = 0; i < len && max <= MAX_DEPTH; i++) {
        char c = s[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max)
                max = depth;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return max;
}

/* An optional string member; NULL when absent, null or not a string. */
static const char *opt_string(JsonObject *o, const char *name)
{
    JsonNode *n = json_object_get_member(o, name);
    if (n == NULL || JSON_NODE_TYPE(n) != JSON_NODE_VALUE ||
        json_node_get_value_type(n) != G_TYPE_STRING)
        return NULL;
    return json_node_get_string(n);
}

/* A number member written as text ("id": 42 -> "42", 2023 -> "2023"). */
static bool number_text(JsonNode *n, char buf[G_ASCII_DTOSTR_BUF_SIZE])
{
    if (n == NULL || JSON_NODE_TYPE(n) != JSON_NODE_VALUE)
        return false;
    GType t = json_node_get_value_type(n);
    if (t == G_TYPE_INT64) {
        g_snprintf(buf, G_ASCII_DTOSTR_BUF_SIZE, "%" G_GINT64_FORMAT, json_node_get_int(n));
        return true;
    }
    if (t == G_TYPE_DOUBLE) {
        double d = json_node_get_double(n);
        /* Range first: casting a double beyond gint64 is undefined. */
        if (d > -9e15 && d < 9e15 && d == (double)(gint64)d)
            g_snprintf(buf, G_ASCII_DTOSTR_BUF_SIZE, "%" G_GINT64_FORMAT, (gint64)d);
        else
            g_ascii_dtostr(buf, G_ASCII_DTOSTR_BUF_SIZE, d);
        return true;
    }
    return false;
}

/* 1-based byte of the first \u0000 escape inside a JSON string of s, or
 * 0. json-glib ends a string there and drops the rest of it, so such a
 * value would be cut short without a word. */
static size_t nul_escape_at(const char *s, size_t len)
{
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!in_string) {
            in_string = c == '"';
        } else if (c == '"') {
            in_string = false;
        } else if (c == '\\' && i + 1 < len) {
            if (s[i + 1] == 'u' && i + 5 < len && memcmp(s + i + 2, "0000", 4) == 0)
                return i + 1;
            i++;   /* the escaped character, e.g. \\ or \" */
        }
    }
    return 0;
}

/* The first control character of an id (U+0000..U+001F, U+007F), or 0. */
static gunichar control_in(const char *id)
{
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        if (*p < 0x20 || *p == 0x7F)
            return *p;
    return 0;
}

/* Does text hold a letter or a digit, something a search can find? */
static bool has_searchable_text(const char *text)
{
    for (const char *p = text; *p; p = g_utf8_next_char(p))
        if (g_unichar_isalnum(g_utf8_get_char(p)))
            return true;
    return false;
}

/* One non-empty line; returns 0 to go on or a callback's stop value. */
static int one_line(reader *r, size_t line_no, uint64_t end_offset, const char *s, size_t len)
{
    const char *bad = NULL;
    const char *nul = memchr(s, '\0', len);
    if (nul != NULL)
        return bad_line(r, line_no, "a NUL byte at byte %zu: a JSON Lines file is text",
                        (size_t)(nul - s) + 1);
    size_t esc = nul_escape_at(s, len);
    if (esc != 0)
        return bad_line(r, line_no, "a NUL character (\\u0000) at byte %zu: ids and text "
                        "cannot hold one (the record is skipped, not cut short)", esc);
    if (!g_utf8_validate(s, (gssize)len, &bad))
        return bad_line(r, line_no, "invalid UTF-8 at byte %zu", (size_t)(bad - s) + 1);
    if (nesting(s, len) > MAX_DEPTH)
        return bad_line(r, line_no, "invalid JSON: nested deeper than %d levels", MAX_DEPTH);

    GError *gerr = NULL;
    if (!json_parser_load_from_data(r->parser, s, (gssize)len, &gerr)) {
        int rc = bad_line(r, line_no, "invalid JSON: %s", gerr->message);
        g_error_free(gerr);
        return rc;
    }
    JsonNode *root = json_parser_get_root(r->parser);
    if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
        return bad_line(r, line_no, "not a JSON object");
    JsonObject *o = json_node_get_object(root);

    char id_buf[G_ASCII_DTOSTR_BUF_SIZE];
    const char *id = opt_string(o, "id");
    if (id == NULL && number_text(json_object_get_member(o, "id"), id_buf))
        id = id_buf;
    if (id == NULL || id[0] == '\0')
        return bad_line(r, line_no, "missing \"id\" (a string or a number)");
    gunichar ctl = control_in(id);
    if (ctl != 0)
        return bad_line(r, line_no, "\"id\" holds a control character (U+%04X)", ctl);
    const char *text = opt_string(o, "text");
    if (text == NULL)
        return bad_line(r, line_no, "missing \"text\" (a string)");
    if (!has_searchable_text(text))
        return bad_line(r, line_no, "record \"%s\" has no searchable text (no letter or digit)",
                        id);
    gpointer first = g_hash_table_lookup(r->ids, id);
    if (first != NULL)
        return bad_line(r, line_no, "id \"%s\" is already used on line %zu; this record is "
                        "skipped", id, GPOINTER_TO_SIZE(first));
    g_hash_table_insert(r->ids, g_strdup(id), GSIZE_TO_POINTER(line_no));

    ghs_record rec;
    memset(&rec, 0, sizeof rec);
    rec.id = id;
    rec.text = text;
    rec.text_len = strlen(text);
    rec.title = opt_string(o, "title");
    rec.lang = opt_string(o, "lang");
    rec.url = opt_string(o, "url");
    rec.publisher = opt_string(o, "publisher");
    char date_buf[G_ASCII_DTOSTR_BUF_SIZE];
    rec.date = opt_string(o, "date");
    if (rec.date == NULL && number_text(json_object_get_member(o, "date"), date_buf))
        rec.date = date_buf; /* "date": 2023 */
    rec.line = line_no;
    rec.end_offset = end_offset;
    /* json-glib turns a lone surrogate escape ("\ud800") into bytes that
     * are not UTF-8 (and drops what follows): such a record is a bad line. */
    const char *fields[] = { rec.id, rec.text, rec.title, rec.lang, rec.url,
                             rec.publisher, rec.date };
    static const char *const names[] = { "id", "text", "title", "lang", "url",
                                         "publisher", "date" };
    for (size_t i = 0; i < G_N_ELEMENTS(fields); i++)
        if (fields[i] != NULL && !g_utf8_validate(fields[i], -1, NULL))
            return bad_line(r, line_no, "invalid \"%s\": a lone surrogate escape "
                            "(\\ud800-\\udfff) is not a character", names[i]);
    return r->on_record(&rec, r->user);
}

static bool blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!g_ascii_isspace(s[i]))
            return false;
    return true;
}

int ghs_jsonl_read(const char *path, ghs_record_fn on_record,
                   ghs_record_error_fn on_error, void *user, ghs_error *err)
{
    return ghs_jsonl_read_from(path, 0, 1, on_record, on_error, user, err);
}

int ghs_jsonl_read_from(const char *path, uint64_t offset, size_t first_line,
                        ghs_record_fn on_record, ghs_record_error_fn on_error, void *user,
                        ghs_error *err)
{
    if (path == NULL || on_record == NULL)
        return ghs_set_error(err, GHS_EINVAL, "[jsonl] no path or no record callback");
    reader r = {ghs_x_basename(path), NULL, on_record, on_error, user, NULL};

    int fd = ghs_open_regular(path, "jsonl", err);   /* never blocks on a FIFO */
    if (fd < 0)
        return fd;
    FILE *f = fdopen(fd, "rb");
    if (f == NULL) {
        int e = errno;
        close(fd);
        return ghs_set_error(err, GHS_EIO, "[jsonl][%s] cannot open: %s", r.name,
                           g_strerror(e));
    }
    if (offset > 0 && fseeko(f, (off_t)offset, SEEK_SET) != 0) {
        int e = errno;
        fclose(f);
        return ghs_set_error(err, GHS_EIO, "[jsonl][%s] cannot seek to byte %llu: %s", r.name,
                             (unsigned long long)offset, g_strerror(e));
    }
    r.parser = json_parser_new_immutable();
    r.ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    enum { BLOCK = 1 << 16 };
    char *block = g_malloc(BLOCK);
    GString *line = g_string_new(NULL);
    bool too_long = false;
    size_t line_no = first_line > 0 ? first_line - 1 : 0;
    uint64_t block_at = offset;   /* file offset of block[0] */
    int rc = 0;
    for (;;) {
        size_t n = fread(block, 1, BLOCK, f);
        if (n == 0 && ferror(f)) {
            rc = ghs_set_error(err, GHS_EIO, "[jsonl][%s:%zu] cannot read: %s", r.name,
                             line_no + 1, g_strerror(errno));
            break;
        }
        bool eof = n == 0;
        size_t start = 0;
        while (rc == 0 && (start < n || (eof && (line->len > 0 || too_long)))) {
            const char *nl = eof ? NULL : memchr(block + start, '\n', n - start);
            size_t end = nl != NULL ? (size_t)(nl - block) : n;
            /* Append what belongs to the current line, unless it is
             * already past the limit. */
            if (!too_long) {
                if (line->len + (end - start) > GHS_X_MAX_JSONL_LINE) {
                    too_long = true;
                    g_string_truncate(line, 0);
                } else {
                    g_string_append_len(line, block + start, end - start);
                }
            }
            start = end + (nl != NULL ? 1 : 0);
            if (nl == NULL && !eof)
                break; /* the line goes on in the next block */

            line_no++;
            const char *s = line->str;
            size_t len = line->len;
            if (len > 0 && s[len - 1] == '\r')
                len--;
            uint64_t line_end = block_at + start;
            if (offset == 0 && line_no == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
                s += 3;
                len -= 3;
            }
            if (too_long)
                rc = bad_line(&r, line_no, "line too long: over %zu MiB",
                              GHS_X_MAX_JSONL_LINE >> 20);
            else if (!blank(s, len))
                rc = one_line(&r, line_no, line_end, s, len);
            g_string_truncate(line, 0);
            too_long = false;
            if (eof)
                break;
        }
        if (rc != 0 || eof)
            break;
        block_at += n;
    }

    g_string_free(line, TRUE);
    g_free(block);
    g_object_unref(r.parser);
    g_hash_table_destroy(r.ids);
    fclose(f);
    return rc;
}
