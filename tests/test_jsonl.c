/*
 * test_jsonl.c: ghs_jsonl_read() on JSON Lines files written here: good
 * records in Japanese and English, numeric ids, bad lines reported with
 * their line numbers, blank lines, a callback that stops, huge lines.
 */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "extract.h"
#include "test_util.h"

static char *tmp_dir;

static char *write_file(const char *name, const char *data, gssize len)
{
    char *path = g_build_filename(tmp_dir, name, NULL);
    g_assert_true(g_file_set_contents(path, data, len, NULL));
    return path;
}

/* What the callbacks saw. */
typedef struct seen {
    GPtrArray *records;  /* "line|id|title|lang|url|date|publisher|text" */
    GPtrArray *errors;   /* messages */
    GArray *error_lines;
    int stop_after;      /* on_record returns 7 at this record (1-based); 0 = never */
    int stop_on_error;   /* on_error returns this */
} seen;

static void seen_init(seen *s)
{
    memset(s, 0, sizeof *s);
    s->records = g_ptr_array_new_with_free_func(g_free);
    s->errors = g_ptr_array_new_with_free_func(g_free);
    s->error_lines = g_array_new(FALSE, FALSE, sizeof(size_t));
}

static void seen_clear(seen *s)
{
    g_ptr_array_unref(s->records);
    g_ptr_array_unref(s->errors);
    g_array_free(s->error_lines, TRUE);
}

#define OR_DASH(x) ((x) != NULL ? (x) : "-")

static int on_record(const ghs_record *rec, void *user)
{
    seen *s = user;
    g_assert_cmpuint(rec->text_len, ==, strlen(rec->text));
    g_ptr_array_add(s->records,
                    g_strdup_printf("%zu|%s|%s|%s|%s|%s|%s|%s", rec->line, rec->id,
                                    OR_DASH(rec->title), OR_DASH(rec->lang),
                                    OR_DASH(rec->url), OR_DASH(rec->date),
                                    OR_DASH(rec->publisher), rec->text));
    return (int)s->records->len == s->stop_after ? 7 : 0;
}

static int on_error(size_t line, const char *message, void *user)
{
    seen *s = user;
    g_ptr_array_add(s->errors, g_strdup(message));
    g_array_append_val(s->error_lines, line);
    return s->stop_on_error;
}

#define RECORD(s, i) ((const char *)g_ptr_array_index((s)->records, (i)))
#define ERROR(s, i) ((const char *)g_ptr_array_index((s)->errors, (i)))

static const char mixed[] =
    "{\"id\":\"uhc-1\",\"title\":\"UHCの達成\",\"text\":\"ユニバーサル・ヘルス・カバレッジ(UHC)を達成する\","
    "\"lang\":\"ja\",\"url\":\"https://example.org/uhc\",\"date\":\"2023-04-28\",\"publisher\":\"JCIE\"}\n"
    "{\"id\":42,\"text\":\"100 Days Mission diagnostics\"}\n"
    "\n"
    "{\"id\":\"no-text\",\"title\":\"missing\"}\n"
    "{\"id\":\"broken\", \"text\": \"unterminated\n"
    "   \t\r\n"
    "[\"an\",\"array\"]\n"
    "{\"text\":\"no id here\"}\n"
    "{\"id\":\"mcm\",\"text\":\"MCMへの公平なアクセス\\n二行目\",\"lang\":null,\"date\":2023}\r\n"
    "{\"id\":\"last\",\"text\":\"no newline at the end\"}";

static void test_good_records_come_with_their_fields_and_lines(void)
{
    char *path = write_file("mixed.jsonl", mixed, -1);
    seen s;
    seen_init(&s);
    ghs_error err = {0};
    g_assert_cmpint(ghs_jsonl_read(path, on_record, on_error, &s, &err), ==, 0);
    g_assert_cmpuint(s.records->len, ==, 4);
    g_assert_cmpstr(RECORD(&s, 0), ==,
                    "1|uhc-1|UHCの達成|ja|https://example.org/uhc|2023-04-28|JCIE|"
                    "ユニバーサル・ヘルス・カバレッジ(UHC)を達成する");
    g_assert_cmpstr(RECORD(&s, 1), ==, "2|42|-|-|-|-|-|100 Days Mission diagnostics");
    g_assert_cmpstr(RECORD(&s, 2), ==, "9|mcm|-|-|-|2023|-|MCMへの公平なアクセス\n二行目");
    g_assert_cmpstr(RECORD(&s, 3), ==, "10|last|-|-|-|-|-|no newline at the end");
    seen_clear(&s);
    g_free(path);
}

/* Number ids beyond a 64-bit integer are written as decimals, not cut. */
static void test_huge_and_fractional_number_ids_are_read(void)
{
    char *path = write_file("numbers.jsonl",
                            "{\"id\":1e300,\"text\":\"huge\"}\n"
                            "{\"id\":-1e19,\"text\":\"below\"}\n"
                            "{\"id\":2.5,\"text\":\"half\"}\n"
                            "{\"id\":9007199254740993,\"text\":\"integer\"}\n",
                            -1);
    seen s;
    seen_init(&s);
    ghs_error err = {0};
    g_assert_cmpint(ghs_jsonl_read(path, on_record, on_error, &s, &err), ==, 0);
    g_assert_cmpuint(s.records->len, ==, 4);
    g_assert_cmpstr(RECORD(&s, 0), ==, "1|1.0000000000000001e+300|-|-|-|-|-|huge");
    g_assert_cmpstr(RECORD(&s, 1), ==, "2|-1e+19|-|-|-|-|-|below");
    g_assert_cmpstr(RECORD(&s, 2), ==, "3|2.5|-|-|-|-|-|half");
    g_assert_cmpstr(RECORD(&s, 3), ==, "4|9007199254740993|-|-|-|-|-|integer");
    seen_clear(&s);
    g_free(path);
}

/* Nothing is cut short or replaced without a word: a NUL (raw or escaped),
 * a control character in an id, a repeated id and a text with nothing to
 * search are each a bad line naming the line (and the first use of an id). */
static void test_nul_control_duplicate_and_empty_records_are_reported(void)
{
    static const char data[] =
        "{\"id\":\"k\\u0000a\",\"text\":\"保健財政 first\"}\n"              /* 1 */
        "{\"id\":\"k\\u0000b\",\"text\":\"保健財政 second\"}\n"             /* 2 */
        "{\"id\":\"t\",\"text\":\"before\\u0000after\"}\n"                  /* 3 */
        "{\"id\":\"ok\",\"text\":\"a backslash then u0000: \\\\u0000 stays\"}\n" /* 4 */
        "{\"id\":\"tab\\there\",\"text\":\"x\"}\n"                          /* 5 */
        "{\"id\":\"dup\",\"text\":\"ユニバーサル・ヘルス・カバレッジ\"}\n"    /* 6 */
        "{\"id\":\"dup\",\"text\":\"UHC again\"}\n"                           /* 7 */
        "{\"id\":\"dots\",\"text\":\"。、・…!?\"}\n"                          /* 8 */
        "{\"id\":\"raw\",\"text\":\"a\0b\"}\n";                              /* 9 */
    char *path = write_file("faults.jsonl", data, sizeof data - 1);
    seen s;
    seen_init(&s);
    ghs_error err = {0};
    g_assert_cmpint(ghs_jsonl_read(path, on_record, on_error, &s, &err), ==, 0);
    g_assert_cmpuint(s.records->len, ==, 2);
    g_assert_cmpstr(RECORD(&s, 0), ==, "4|ok|-|-|-|-|-|a backslash then u0000: \\u0000 stays");
    g_assert_cmpstr(RECORD(&s, 1), ==, "6|dup|-|-|-|-|-|ユニバーサル・ヘルス・カバレッジ");
    static const size_t lines[] = { 1, 2, 3, 5, 7, 8, 9 };
    g_assert_cmpuint(s.errors->len, ==, G_N_ELEMENTS(lines));
    for (size_t i = 0; i < G_N_ELEMENTS(lines); i++)
        g_assert_cmpuint(g_array_index(s.error_lines, size_t, i), ==, lines[i]);
    g_assert_nonnull(strstr(ERROR(&s, 0), "faults.jsonl:1] a NUL character"));
    g_assert_nonnull(strstr(ERROR(&s, 2), "not cut short"));
    g_assert_nonnull(strstr(ERROR(&s, 3), "control character (U+0009)"));
    g_assert_nonnull(strstr(ERROR(&s, 4), "id \"dup\" is already used on line 6"));
    g_assert_nonnull(strstr(ERROR(&s, 5), "no searchable text"));
    g_assert_nonnull(strstr(ERROR(&s, 6), "a NUL byte at byte"));
    seen_clear(&s);
    g_free(path);
}

static void test_bad_lines_are_reported_with_file_and_line(void)
{
    char *path = write_file("mixed-errors.jsonl", mixed, -1);
    seen s;
    seen_init(&s);
    g_assert_cmpint(ghs_jsonl_read(path, on_record, on_error, &s, NULL), ==, 0);
    g_assert_cmpuint(s.errors->len, ==, 4);
    const size_t lines[] = {4, 5, 7, 8};
    const char *const starts[] = {
        "[jsonl][mixed-errors.jsonl:4] missing \"text\"",
        "[jsonl][mixed-errors.jsonl:5] invalid JSON: ",
        "[jsonl][mixed-errors.jsonl:7] not a JSON object",
        "[jsonl][mixed-errors.jsonl:8] missing \"id\""};
    for (size_t i = 0; i < 4; i++) {
        g_assert_cmpuint(g_array_index(s.error_lines, size_t, i), ==, lines[i]);
        g_assert_true(g_str_has_prefix(ERROR(&s, i), starts[i]));
    }
    seen_clear(&s);
    g_free(path);
}

static void test_bad_lines_are_skipped_without_an_error_callback(void)
{
    char *path = write_file("no-callback.jsonl", mixed, -1);
    seen s;
    seen_init(&s);
    g_assert_cmpint(ghs_jsonl_read(path, on_record, NULL, &s, NULL), ==, 0);
    g_assert_cmpuint(s.records->len, ==, 4);
    seen_clear(&s);
    g_free(path);
}

static void test_record_callback_stops_the_reading(void)
{
    char *path = write_file("stop.jsonl", mixed, -1);
    seen s;
    seen_init(&s);
    s.stop_after = 2;
    g_assert_cmpint(ghs_jsonl_read(path, on_record, on_error, &s, NULL), ==, 7);
    g_assert_cmpuint(s.records->len, ==, 2);
    g_assert_cmpuint(s.errors->len, ==, 0); /* line 4 was never read */
    seen_clear(&s);
    g_free(path);
}

static void test_error_callback_stops_the_reading(void)
{
    char *path = write_file("stop-error.jsonl", mixed, -1);
    seen s;
    seen_init(&s);
    s.stop_on_error = 3;
    g_assert_cmpint(ghs_jsonl_read(path, on_record, on_error, &s, NULL), ==, 3);
    g_assert_cmpuint(s.records->len, ==, 2);
    g_assert_cmpuint(s.errors->len, ==, 1);
    seen_clear(&s);
    g_free(path);
}

static void test_bom_and_crlf_are_ignored(void)
{
    char *path = write_file("bom.jsonl",
                            "\xEF\xBB\xBF{\"id\":\"a\",\"text\":\"保健\"}\r\n"
                            "{\"id\":\"b\",\"text\":\"医療\"}\r\n", -1);
    seen s;
    seen_init(&s);
    g_assert_cmpint(ghs_jsonl_read(path, on_record, on_error, &s, NULL), ==, 0);
    g_assert_cmpuint(s.errors->len, ==, 0);
    g_assert_cmpstr(RECORD(&s, 0), ==, "1|a|-|-|-|-|-|保健");
    g_assert_cmpstr(RECORD(&s, 1), ==, "2|b|-|-|-|-|-|医療");
    seen_clear(&s);
    g_free(path);
}

static void test_invalid_utf8_and_deep_nesting_are_bad_lines(void)
{
    GString *g = g_string_new("{\"id\":\"sjis\",\"text\":\"\x95\xdb\x8c\x92\"}\n");
    g_string_append(g, "{\"id\":\"deep\",\"text\":\"x\",\"extra\":");
    for (int i = 0; i < 100000; i++)
        g_string_append_c(g, '[');
    g_string_append(g, "\n{\"id\":\"ok\",\"text\":\"fine\"}\n");
    char *path = write_file("hostile.jsonl", g->str, (gssize)g->len);
    seen s;
    seen_init(&s);
    g_assert_cmpint(ghs_jsonl_read(path, on_record, on_error, &s, NULL), ==, 0);
    g_assert_cmpuint(s.errors->len, ==, 2);
    g_assert_true(g_str_has_prefix(ERROR(&s, 0), "[jsonl][hostile.jsonl:1] invalid UTF-8"));
    g_assert_true(g_str_has_prefix(ERROR(&s, 1), "[jsonl][hostile.jsonl:2] invalid JSON"));
    g_assert_cmpuint(s.records->len, ==, 1);
    g_assert_cmpstr(RECORD(&s, 0), ==, "3|ok|-|-|-|-|-|fine");
    seen_clear(&s);
    g_string_free(g, TRUE);
    g_free(path);
}

static void test_line_over_16_mib_is_reported_and_skipped(void)
{
    size_t big = ((size_t)16 << 20) + 100;
    GString *g = g_string_sized_new(big + 200);
    g_string_append(g, "{\"id\":\"a\",\"text\":\"before\"}\n{\"id\":\"huge\",\"text\":\"");
    for (size_t i = 0; i < big; i++)
        g_string_append_c(g, 'x');
    g_string_append(g, "\"}\n{\"id\":\"b\",\"text\":\"after\"}\n");
    char *path = write_file("huge.jsonl", g->str, (gssize)g->len);
    g_string_free(g, TRUE);
    seen s;
    seen_init(&s);
    g_assert_cmpint(ghs_jsonl_read(path, on_record, on_error, &s, NULL), ==, 0);
    g_assert_cmpuint(s.errors->len, ==, 1);
    g_assert_cmpstr(ERROR(&s, 0), ==, "[jsonl][huge.jsonl:2] line too long: over 16 MiB");
    g_assert_cmpuint(s.records->len, ==, 2);
    g_assert_cmpstr(RECORD(&s, 1), ==, "3|b|-|-|-|-|-|after");
    seen_clear(&s);
    g_free(path);
}

static void test_long_line_under_the_limit_is_read_whole(void)
{
    /* ~1 MiB of Japanese text crosses many read blocks */
    GString *g = g_string_new("{\"id\":\"long\",\"text\":\"");
    for (int i = 0; i < 40000; i++)
        g_string_append(g, "保健医療体制の強化。");
    g_string_append(g, "\"}\n");
    char *path = write_file("long.jsonl", g->str, (gssize)g->len);
    seen s;
    seen_init(&s);
    g_assert_cmpint(ghs_jsonl_read(path, on_record, on_error, &s, NULL), ==, 0);
    g_assert_cmpuint(s.records->len, ==, 1);
    g_assert_cmpuint(strlen(RECORD(&s, 0)), ==, strlen("1|long|-|-|-|-|-|") + 40000 * 30);
    seen_clear(&s);
    g_string_free(g, TRUE);
    g_free(path);
}

static void test_missing_file_is_an_io_error(void)
{
    char *path = g_build_filename(tmp_dir, "absent.jsonl", NULL);
    seen s;
    seen_init(&s);
    ghs_error err = {0};
    g_assert_cmpint(ghs_jsonl_read(path, on_record, on_error, &s, &err), ==, GHS_EIO);
    g_assert_cmpint(err.code, ==, GHS_EIO);
    g_assert_true(g_str_has_prefix(err.message, "[jsonl][absent.jsonl] cannot open: "));
    seen_clear(&s);
    g_free(path);
}

static void test_directory_is_an_io_error(void)
{
    seen s;
    seen_init(&s);
    ghs_error err = {0};
    g_assert_cmpint(ghs_jsonl_read(tmp_dir, on_record, on_error, &s, &err), ==, GHS_EIO);
    g_assert_cmpuint(strlen(err.message), >, 0);
    g_assert_cmpuint(s.records->len, ==, 0);
    seen_clear(&s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmp_dir = ghs_test_tmp_dir("ghs-test-jsonl-XXXXXX");

    g_test_add_func("/jsonl/good_records_come_with_their_fields_and_lines",
                    test_good_records_come_with_their_fields_and_lines);
    g_test_add_func("/jsonl/huge_and_fractional_number_ids_are_read",
                    test_huge_and_fractional_number_ids_are_read);
    g_test_add_func("/jsonl/nul_control_duplicate_and_empty_records_are_reported",
                    test_nul_control_duplicate_and_empty_records_are_reported);
    g_test_add_func("/jsonl/bad_lines_are_reported_with_file_and_line",
                    test_bad_lines_are_reported_with_file_and_line);
    g_test_add_func("/jsonl/bad_lines_are_skipped_without_an_error_callback",
                    test_bad_lines_are_skipped_without_an_error_callback);
    g_test_add_func("/jsonl/record_callback_stops_the_reading",
                    test_record_callback_stops_the_reading);
    g_test_add_func("/jsonl/error_callback_stops_the_reading",
                    test_error_callback_stops_the_reading);
    g_test_add_func("/jsonl/bom_and_crlf_are_ignored", test_bom_and_crlf_are_ignored);
    g_test_add_func("/jsonl/invalid_utf8_and_deep_nesting_are_bad_lines",
                    test_invalid_utf8_and_deep_nesting_are_bad_lines);
    g_test_add_func("/jsonl/line_over_16_mib_is_reported_and_skipped",
                    test_line_over_16_mib_is_reported_and_skipped);
    g_test_add_func("/jsonl/long_line_under_the_limit_is_read_whole",
                    test_long_line_under_the_limit_is_read_whole);
    g_test_add_func("/jsonl/missing_file_is_an_io_error", test_missing_file_is_an_io_error);
    g_test_add_func("/jsonl/directory_is_an_io_error", test_directory_is_an_io_error);

    int rc = g_test_run();
    ghs_test_rm_tree(tmp_dir);
    g_free(tmp_dir);
    return rc;
}
