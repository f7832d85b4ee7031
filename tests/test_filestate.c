/*
 * test_filestate.c: what the index remembers about a source file
 * (store/filestate.c): the path record a re-run reads to skip an
 * unchanged file, the SHA-256 that tells a touched file from a changed
 * one (the same as `sha256sum`'s, never blocking on a FIFO), and the term
 * that marks every passage of a file.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filestate.h"
#include "schema.h"
#include "test_util.h"

static char *tmp_dir(void)
{
    char *d = ghs_test_tmp_dir("ghs-filestate-XXXXXX");
    ghs_test_note_for_removal(d);
    return d;
}

static char *write_bytes(const char *dir, const char *name, const char *bytes, gssize len)
{
    char *p = g_build_filename(dir, name, NULL);
    GError *gerr = NULL;
    g_file_set_contents(p, bytes, len, &gerr);
    g_assert_no_error(gerr);
    return p;
}

/* ------------------------------------------------------------ path record */

static void assert_record(const char *val, size_t len, const char *stamp, const char *sha,
                          const char *doc_id)
{
    ghs_path_record r;
    ghs_path_record_parse(val, len, &r);
    g_assert_cmpstr(r.stamp, ==, stamp);
    g_assert_cmpstr(r.sha256, ==, sha);
    g_assert_cmpstr(r.doc_id, ==, doc_id);
    ghs_path_record_clear(&r);
    g_assert_null(r.stamp);
    g_assert_null(r.sha256);
    g_assert_null(r.doc_id);
}

static const char *SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

static void test_path_record_reads_back_what_was_written(void)
{
    const char *ids[] = { "uhc-brief-ja.pdf", "報告書 第1版.pdf", "rec\twith a tab", "" };
    for (size_t i = 0; i < G_N_ELEMENTS(ids); i++) {
        char *val = ghs_path_record_format("12345:1682640000", SHA, ids[i]);
        assert_record(val, strlen(val), "12345:1682640000", SHA, ids[i]);
        g_free(val);
        /* without a hash: the layout of records written before it was kept */
        val = ghs_path_record_format("12345:1682640000", NULL, ids[i]);
        assert_record(val, strlen(val), "12345:1682640000", NULL, ids[i]);
        g_free(val);
    }
    /* the stored forms are the ones filestate.h documents */
    char *val = ghs_path_record_format("9:1", SHA, "報告書.pdf");
    char *want = g_strconcat("9:1\t", SHA, "\t報告書.pdf", NULL);
    g_assert_cmpstr(val, ==, want);
    g_free(want);
    g_free(val);
}

static void test_path_record_of_a_file_in_progress_matches_no_file(void)
{
    /* a JSON Lines file between two of its batches: no stamp, no hash */
    char *val = ghs_path_record_format("", NULL, "records.jsonl");
    g_assert_cmpstr(val, ==, "\trecords.jsonl");
    assert_record(val, strlen(val), "", NULL, "records.jsonl");
    g_free(val);
}

static void test_path_record_fields_missing_stay_null(void)
{
    assert_record(NULL, 0, NULL, NULL, NULL);
    assert_record("", 0, NULL, NULL, NULL);
    assert_record("12:34", 5, "12:34", NULL, NULL);
    /* an old record whose doc id looks like a hash is still a doc id */
    char *old = g_strconcat("12:34\t", SHA, NULL);
    assert_record(old, strlen(old), "12:34", NULL, SHA);
    g_free(old);
    /* a hash must be 64 lower-case hex digits */
    char *upper = g_ascii_strup(SHA, -1);
    char *val = g_strconcat("12:34\t", upper, "\tdoc", NULL);
    ghs_path_record r;
    ghs_path_record_parse(val, strlen(val), &r);
    g_assert_null(r.sha256);
    ghs_path_record_clear(&r);
    g_free(val);
    g_free(upper);
    char *short_hash = g_strconcat("12:34\t", SHA + 1, "\tdoc", NULL);
    ghs_path_record_parse(short_hash, strlen(short_hash), &r);
    g_assert_null(r.sha256);
    ghs_path_record_clear(&r);
    g_free(short_hash);
}

/* Xapian hands metadata out with a length, not always NUL-terminated. */
static void test_path_record_is_read_by_its_length(void)
{
    char *full = ghs_path_record_format("7:7", SHA, "doc-a");
    size_t len = strlen(full);
    char *buf = g_malloc(len + 8);
    memcpy(buf, full, len);
    memcpy(buf + len, "GARBAGE!", 8);   /* no NUL after the record */
    assert_record(buf, len, "7:7", SHA, "doc-a");
    g_free(buf);
    g_free(full);
}

/* ------------------------------------------------------------ content hash */

static char *sha256sum(const char *path)
{
    char *argv[] = { "sha256sum", "--", (char *)path, NULL };
    char *out = NULL;
    int status = 0;
    GError *gerr = NULL;
    if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                      NULL, &out, NULL, &status, &gerr))
        g_error("sha256sum: %s", gerr->message);
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    g_assert_cmpuint(strlen(out), >, 64);
    out[64] = '\0';
    return out;
}

/* Where a JSON Lines file's indexing goes on from: written and read back
 * by one pair (index.c writes it, index.c and parallel.c read it), a
 * damaged or partial record taken as none, so the file starts over. */
static void test_progress_record_reads_back_and_refuses_damage(void)
{
    const char *sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    char *v = ghs_progress_record_format(sha, 1234, 567890);
    char got[65];
    size_t line = 0;
    uint64_t offset = 0;
    g_assert_cmpint(ghs_progress_record_parse(v, strlen(v), got, &line, &offset), ==, 1);
    g_assert_cmpstr(got, ==, sha);
    g_assert_cmpuint(line, ==, 1234);
    g_assert_cmpuint(offset, ==, 567890);
    /* read by its length: what follows is not part of it */
    char *longer = g_strconcat(v, "99", NULL);
    g_assert_cmpint(ghs_progress_record_parse(longer, strlen(v), got, &line, &offset), ==, 1);
    g_assert_cmpuint(offset, ==, 567890);
    g_free(longer);
    static const char *const damaged[] = {
        "", "abc 1 2", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 1",
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 0 5",
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 3 x5",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(damaged); i++)
        g_assert_cmpint(ghs_progress_record_parse(damaged[i], strlen(damaged[i]), got, &line,
                                                  &offset), ==, 0);
    g_assert_cmpint(ghs_progress_record_parse(NULL, 0, got, &line, &offset), ==, 0);
    g_free(v);
}

static void test_sha256_of_a_file_is_sha256sums(void)
{
    char *dir = tmp_dir();
    /* empty; Japanese text; binary over the read buffer (64 KiB) and at it */
    GByteArray *big = g_byte_array_new();
    for (guint i = 0; i < 200000; i++) {
        guint8 c = (guint8)(i * 2654435761u >> 13);
        g_byte_array_append(big, &c, 1);
    }
    char *files[] = {
        write_bytes(dir, "empty.pdf", "", 0),
        write_bytes(dir, "報告書 第1版.txt", "ユニバーサル・ヘルス・カバレッジ（UHC）\n", -1),
        write_bytes(dir, "big.bin", (const char *)big->data, (gssize)big->len),
        write_bytes(dir, "exact.bin", (const char *)big->data, 65536),
        write_bytes(dir, "nul.bin", "%PDF\0\0\xff\xfe", 8),
    };
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        ghs_error err = {0};
        char *mine = ghs_file_sha256(files[i], &err);
        if (!mine)
            g_error("%s: %s", files[i], err.message);
        char *theirs = sha256sum(files[i]);
        g_assert_cmpstr(mine, ==, theirs);
        g_free(theirs);
        g_free(mine);
    }
    ghs_error err = {0};
    char *e = ghs_file_sha256(files[0], &err);
    g_assert_cmpstr(e, ==, SHA);   /* SHA-256 of nothing */
    g_free(e);
    /* a symbolic link to a regular file is read */
    char *link = g_build_filename(dir, "link.pdf", NULL);
    g_assert_cmpint(symlink(files[1], link), ==, 0);
    char *a = ghs_file_sha256(link, &err), *b = ghs_file_sha256(files[1], &err);
    g_assert_cmpstr(a, ==, b);
    g_free(a);
    g_free(b);
    g_free(link);
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++)
        g_free(files[i]);
    g_byte_array_free(big, TRUE);
    g_free(dir);
}

/* The message is message, or starts with it when it ends in ": " (the
 * system's words for the cause follow, in the user's language). */
static void assert_refused(const char *path, const char *message)
{
    ghs_error err = {0};
    g_assert_null(ghs_file_sha256(path, &err));
    g_assert_cmpint(err.code, ==, GHS_EIO);
    if (g_str_has_suffix(message, ": "))
        g_assert_true(g_str_has_prefix(err.message, message));
    else
        g_assert_cmpstr(err.message, ==, message);
}

/* Anything but a regular file is refused at once, by name: a FIFO would
 * block open() or read() (the alarm turns such a hang into a failure),
 * a device never ends. */
static void test_sha256_refuses_what_is_no_regular_file_without_blocking(void)
{
    char *dir = tmp_dir();
    char *fifo = g_build_filename(dir, "報告書.pdf", NULL);
    g_assert_cmpint(mkfifo(fifo, 0644), ==, 0);
    char *zero = g_build_filename(dir, "zero.pdf", NULL);
    g_assert_cmpint(symlink("/dev/zero", zero), ==, 0);
    char *sub = g_build_filename(dir, "folder.pdf", NULL);
    g_assert_cmpint(g_mkdir(sub, 0755), ==, 0);
    char *missing = g_build_filename(dir, "missing.pdf", NULL);
    alarm(20);
    assert_refused(fifo, "[index][報告書.pdf] not a regular file (a FIFO)");
    assert_refused(zero, "[index][zero.pdf] not a regular file (a character device)");
    assert_refused(sub, "[index][folder.pdf] not a regular file (a directory)");
    assert_refused(missing, "[index][missing.pdf] cannot open: ");
    alarm(0);
    g_free(missing);
    g_free(sub);
    g_free(zero);
    g_free(fifo);
    g_free(dir);
}

/* ------------------------------------------------------------ file term */

/* "F" + SHA-1 of the absolute path: the same for the same path in every
 * run (the passages of a file are found and replaced by it), short
 * enough for Xapian whatever the path. Values from python3's hashlib. */
static void test_file_term_is_stable_and_short(void)
{
    char *t = ghs_file_term("/corpus/報告書 第1版.pdf");
    g_assert_cmpstr(t, ==, GHS_PREFIX_FILE "4677595a89bd226b8d0f77db13acea091a564815");
    g_free(t);
    t = ghs_file_term("/home/user/ghsearch/corpus/uhc-brief-ja.pdf");
    g_assert_cmpstr(t, ==, GHS_PREFIX_FILE "aa08ebe0ed8e6bc93ecf3ff3400c9151418f813b");
    g_free(t);
    char *a = ghs_file_term("/corpus/a.pdf"), *b = ghs_file_term("/corpus/b.pdf");
    g_assert_cmpstr(a, !=, b);
    g_free(a);
    g_free(b);
    GString *deep = g_string_new(NULL);
    for (int i = 0; i < 300; i++)
        g_string_append(deep, "/保健財政の資料");
    g_string_append(deep, "/報告書.pdf");
    t = ghs_file_term(deep->str);
    g_assert_cmpuint(strlen(t), ==, 41);
    g_assert_true(g_str_has_prefix(t, GHS_PREFIX_FILE));
    g_free(t);
    g_string_free(deep, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/filestate/record/reads_back_what_was_written",
                    test_path_record_reads_back_what_was_written);
    g_test_add_func("/filestate/record/file_in_progress_matches_no_file",
                    test_path_record_of_a_file_in_progress_matches_no_file);
    g_test_add_func("/filestate/record/fields_missing_stay_null",
                    test_path_record_fields_missing_stay_null);
    g_test_add_func("/filestate/record/is_read_by_its_length",
                    test_path_record_is_read_by_its_length);
    g_test_add_func("/filestate/progress/reads_back_and_refuses_damage",
                    test_progress_record_reads_back_and_refuses_damage);
    g_test_add_func("/filestate/sha256/of_a_file_is_sha256sums",
                    test_sha256_of_a_file_is_sha256sums);
    g_test_add_func("/filestate/sha256/refuses_what_is_no_regular_file_without_blocking",
                    test_sha256_refuses_what_is_no_regular_file_without_blocking);
    g_test_add_func("/filestate/file_term/is_stable_and_short",
                    test_file_term_is_stable_and_short);
    int rc = g_test_run();
    ghs_test_rm_noted();
    return rc;
}
