/*
 * test_robust_extract.c: hostile input costs one file, never the run.
 * Extractors that hang, spin, crash or eat memory are stopped by the
 * child process's limits and reported with the reason a user reads in
 * the summary; files that are not PDFs are told from damaged ones; a PDF
 * that takes poppler too long is cut off at the deadline; and every PDF
 * of $GHS_SHARED_DATA/pdf (real and hostile) ends indexed or reported.
 */
#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <poppler.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract_internal.h"
#include "extract_isolated.h"
#include "ghsearch.h"
#include "pdf_sniff.h"
#include "test_util.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static char *tmp_dir(void)
{
    return ghs_test_tmp_dir("ghs-robust-XXXXXX");
}

static char *write_file(const char *dir, const char *name, const void *data, gsize len)
{
    char *path = g_build_filename(dir, name, NULL);
    GError *gerr = NULL;
    g_file_set_contents(path, data, (gssize)len, &gerr);
    g_assert_no_error(gerr);
    return path;
}

static double now_s(void)
{
    return (double)g_get_monotonic_time() / G_USEC_PER_SEC;
}

/* $GHS_SHARED_DATA/pdf[/name], or NULL after skipping (failing on CI). */
static char *shared_pdf(const char *name)
{
    return ghs_test_shared_data("pdf", name, NULL);
}

/* ------------------------------------------------------------ reasons */

/* The summary's reason comes from the error's code and reason, never from
 * the wording of its message. */
static void test_each_failure_reason_has_its_own_words(void)
{
    static const struct { int code, why; const char *reason; } cases[] = {
        { GHS_EENCRYPTED, GHS_REASON_NONE, "encrypted" },
        { GHS_ENOTEXT, GHS_REASON_NONE, "no text" },
        { GHS_ETIMEOUT, GHS_REASON_NONE, "timed out" },
        { GHS_EFORMAT, GHS_REASON_NOT_PDF, "not a PDF" },
        { GHS_EFORMAT, GHS_REASON_NONE, "damaged" },
        { GHS_EFORMAT, GHS_REASON_TOO_LARGE, "too large" },
        { GHS_EFORMAT, GHS_REASON_CRASHED, "crashed" },
        { GHS_EIO, GHS_REASON_NONE, "unreadable" },
        { GHS_EUNSUPPORTED, GHS_REASON_NONE, "unsupported" },
        { GHS_ENOMEM, GHS_REASON_NONE, "out of memory" },
        { GHS_EDB, GHS_REASON_NONE, "failed" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        /* A message that says something else on purpose. */
        ghs_error e = { .code = cases[i].code, .reason = cases[i].why };
        g_strlcpy(e.message, "[pdf][a.pdf] too large: not a PDF, the extractor crashed",
                  sizeof e.message);
        g_assert_cmpstr(ghs_error_reason(&e), ==, cases[i].reason);
    }
    g_assert_cmpstr(ghs_error_reason(NULL), ==, "failed");
}

/* Each refusal of the extractors carries its reason. */
static void test_extractors_give_their_reasons(void)
{
    char *dir = g_dir_make_tmp("ghs-reasons-XXXXXX", NULL);
    char *empty = g_build_filename(dir, "empty.pdf", NULL);
    char *text = g_build_filename(dir, "text.pdf", NULL);
    g_assert_true(g_file_set_contents(empty, "", 0, NULL));
    g_assert_true(g_file_set_contents(text, "just some words, no PDF header", -1, NULL));
    ghs_error e = {0};
    g_assert_cmpint(ghs_pdf_sniff(empty, &e), ==, GHS_EFORMAT);
    g_assert_cmpint(e.reason, ==, GHS_REASON_NOT_PDF);
    g_assert_cmpstr(ghs_error_reason(&e), ==, "not a PDF");
    memset(&e, 0, sizeof e);
    g_assert_cmpint(ghs_pdf_sniff(text, &e), ==, GHS_EFORMAT);
    g_assert_cmpstr(ghs_error_reason(&e), ==, "not a PDF");
    char *big = NULL;
    size_t len = 0;
    memset(&e, 0, sizeof e);
    g_assert_cmpint(ghs_x_read_file(text, "release", 4, &big, &len, &e), ==, GHS_EFORMAT);
    g_assert_cmpstr(ghs_error_reason(&e), ==, "too large");
    g_assert_null(big);
    g_remove(empty);
    g_remove(text);
    g_rmdir(dir);
    g_free(empty);
    g_free(text);
    g_free(dir);
}

/* ------------------------------------------------------------ isolation */

static int extract_sleeps(const char *path, ghs_extracted *e, ghs_error *err)
{
    (void)path; (void)e; (void)err;
    g_usleep(30 * G_USEC_PER_SEC);
    return 0;
}

static int extract_spins(const char *path, ghs_extracted *e, ghs_error *err)
{
    (void)path; (void)e; (void)err;
    volatile unsigned long x = 0;
    for (;;)
        x++;
    return 0;
}

static int extract_crashes(const char *path, ghs_extracted *e, ghs_error *err)
{
    (void)path; (void)e; (void)err;
    raise(SIGSEGV);
    return 0;
}

static int extract_refuses_as_too_large(const char *path, ghs_extracted *e, ghs_error *err)
{
    (void)path; (void)e;
    return ghs_fail(err, GHS_EFORMAT, GHS_REASON_TOO_LARGE, "[pdf][big.pdf] too large: 9 pages");
}

/* The reason an extractor gives in its child process reaches the parent. */
static void test_reason_crosses_the_process_boundary(void)
{
    ghs_isolation lim = { 10, 10, 0 };
    ghs_extracted e;
    ghs_error err = {0};
    int rc = ghs_extract_isolated(extract_refuses_as_too_large, "/x/big.pdf", "pdf", &lim, &e,
                                  &err);
    g_assert_cmpint(rc, ==, GHS_EFORMAT);
    g_assert_cmpint(err.reason, ==, GHS_REASON_TOO_LARGE);
    g_assert_cmpstr(ghs_error_reason(&err), ==, "too large");
}

/* Allocates until refused, then aborts as C++ does on std::bad_alloc. */
static int extract_eats_memory(const char *path, ghs_extracted *e, ghs_error *err)
{
    (void)path; (void)e; (void)err;
    for (int i = 0; i < 4096; i++) {
        char *p = malloc((size_t)64 << 20);
        if (!p)
            abort();
        memset(p, 1, (size_t)64 << 20);
    }
    return 0;
}

static int extract_one_page(const char *path, ghs_extracted *e, ghs_error *err)
{
    (void)path; (void)err;
    e->pages = g_new0(ghs_page, 1);
    e->n_pages = 1;
    e->pages[0].number = 1;
    e->pages[0].text = g_strdup("保健財政の持続可能性");
    e->pages[0].len = strlen(e->pages[0].text);
    return 0;
}

static void test_hanging_extractor_is_stopped_at_the_wall_deadline(void)
{
    ghs_isolation lim = { 1, 10, 0 };
    ghs_extracted e;
    ghs_error err = {0};
    double t0 = now_s();
    int rc = ghs_extract_isolated(extract_sleeps, "/x/hangs.pdf", "pdf", &lim, &e, &err);
    double took = now_s() - t0;
    g_test_message("stopped after %.2f s: %s", took, err.message);
    g_assert_cmpint(rc, ==, GHS_ETIMEOUT);
    g_assert_cmpstr(ghs_error_reason(&err), ==, "timed out");
    g_assert_nonnull(strstr(err.message, "hangs.pdf"));
    g_assert_cmpfloat(took, <, 3.0);
    g_assert_cmpuint(e.n_pages, ==, 0);
}

static void test_spinning_extractor_is_stopped_by_the_cpu_limit(void)
{
    ghs_isolation lim = { 20, 1, 0 };
    ghs_extracted e;
    ghs_error err = {0};
    double t0 = now_s();
    int rc = ghs_extract_isolated(extract_spins, "/x/spins.pdf", "pdf", &lim, &e, &err);
    double took = now_s() - t0;
    g_test_message("stopped after %.2f s: %s", took, err.message);
    g_assert_cmpint(rc, ==, GHS_ETIMEOUT);
    g_assert_cmpstr(ghs_error_reason(&err), ==, "timed out");
    g_assert_cmpfloat(took, <, 5.0);
}

static void test_crashing_extractor_costs_only_its_file(void)
{
    ghs_isolation lim = { 10, 10, 0 };
    ghs_extracted e;
    ghs_error err = {0};
    int rc = ghs_extract_isolated(extract_crashes, "/x/crashes.pdf", "pdf", &lim, &e, &err);
    g_test_message("%s", err.message);
    g_assert_cmpint(rc, ==, GHS_EFORMAT);
    g_assert_cmpstr(ghs_error_reason(&err), ==, "crashed");
    g_assert_nonnull(strstr(err.message, "crashes.pdf"));
    /* The next file goes through the same machinery as if nothing happened. */
    ghs_error err2 = {0};
    g_assert_cmpint(ghs_extract_isolated(extract_one_page, "/x/fine.pdf", "pdf", &lim, &e,
                                         &err2), ==, 0);
    g_assert_cmpuint(e.n_pages, ==, 1);
    g_assert_cmpstr(e.pages[0].text, ==, "保健財政の持続可能性");
    ghs_extracted_clear(&e);
}

static void test_memory_hungry_extractor_is_stopped_by_the_memory_limit(void)
{
#ifdef UNDER_ASAN
    g_test_skip("AddressSanitizer reserves address space: no memory limit under ASan");
    return;
#endif
    ghs_isolation lim = { 30, 30, 256 };
    ghs_extracted e;
    ghs_error err = {0};
    double t0 = now_s();
    int rc = ghs_extract_isolated(extract_eats_memory, "/x/eats.pdf", "pdf", &lim, &e, &err);
    g_test_message("stopped after %.2f s: %s", now_s() - t0, err.message);
    g_assert_cmpint(rc, ==, GHS_EFORMAT);
    g_assert_cmpstr(ghs_error_reason(&err), ==, "crashed");
    g_assert_nonnull(strstr(err.message, "256 MiB"));
}

/* ------------------------------------------------------------ PDFs */

/* A valid one-page PDF whose content stream holds `ops` no-op operators
 * (q ... Q), flate-compressed: small on disk, minutes of work for poppler
 * at millions of operators. Its only text is "Slow page text". */
static char *write_slow_pdf(const char *dir, const char *name, long ops)
{
    GByteArray *content = g_byte_array_new();
    const char *head = "BT /F1 12 Tf 72 720 Td (Slow page text) Tj ET\n";
    const char *op = "q 1 0 0 1 0 0 cm Q\n";
    g_byte_array_append(content, (const guint8 *)head, (guint)strlen(head));
    GString *block = g_string_new(NULL);
    for (int i = 0; i < 4096; i++)
        g_string_append(block, op);
    for (long i = 0; i < ops / 4096; i++)
        g_byte_array_append(content, (const guint8 *)block->str, (guint)block->len);
    g_string_free(block, TRUE);

    GZlibCompressor *z = g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 6);
    GByteArray *packed = g_byte_array_new();
    guint8 out[65536];
    gsize in_off = 0;
    for (;;) {
        gsize read = 0, written = 0;
        GError *gerr = NULL;
        GConverterResult r = g_converter_convert(
            G_CONVERTER(z), content->data + in_off, content->len - in_off, out, sizeof out,
            G_CONVERTER_INPUT_AT_END, &read, &written, &gerr);
        g_assert_no_error(gerr);
        in_off += read;
        g_byte_array_append(packed, out, (guint)written);
        if (r == G_CONVERTER_FINISHED)
            break;
    }
    g_object_unref(z);
    g_byte_array_free(content, TRUE);

    GString *pdf = g_string_new("%PDF-1.4\n");
    long offs[6];
    const char *objs[] = {
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        NULL,
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    };
    for (int i = 0; i < 5; i++) {
        offs[i] = (long)pdf->len;
        g_string_append_printf(pdf, "%d 0 obj\n", i + 1);
        if (objs[i]) {
            g_string_append(pdf, objs[i]);
        } else {
            g_string_append_printf(pdf, "<< /Length %u /Filter /FlateDecode >>\nstream\n",
                                   packed->len);
            g_string_append_len(pdf, (const char *)packed->data, packed->len);
            g_string_append(pdf, "\nendstream");
        }
        g_string_append(pdf, "\nendobj\n");
    }
    long xref = (long)pdf->len;
    g_string_append(pdf, "xref\n0 6\n0000000000 65535 f \n");
    for (int i = 0; i < 5; i++)
        g_string_append_printf(pdf, "%010ld 00000 n \n", offs[i]);
    g_string_append_printf(pdf, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n",
                           xref);
    char *path = write_file(dir, name, pdf->str, pdf->len);
    g_string_free(pdf, TRUE);
    g_byte_array_free(packed, TRUE);
    return path;
}

typedef struct outcome {
    GHashTable *reason;   /* base name -> reason, or "indexed" */
} outcome;

static int collect_outcome(const ghs_file_event *ev, void *user)
{
    outcome *o = user;
    const char *what = ev->report->status == GHS_ADD_FAILED ? ghs_error_reason(ev->error)
                     : "indexed";
    g_hash_table_insert(o->reason, g_path_get_basename(ev->path), (gpointer)what);
    return 0;
}

static void test_slow_pdf_is_cut_off_at_the_time_limit_and_the_run_goes_on(void)
{
    char *dir = tmp_dir();
    char *docs = g_build_filename(dir, "docs", NULL);
    g_mkdir(docs, 0755);
    char *slow = write_slow_pdf(docs, "a-slow.pdf", 20L * 1000 * 1000);
    const char *text = "Universal health coverage: a note that indexes in no time.\n";
    char *fine = write_file(docs, "b-fine.txt", text, strlen(text));
    char *db = g_build_filename(dir, "db", NULL);

    g_setenv("GHSEARCH_EXTRACT_TIMEOUT", "2", TRUE);
    ghs_index *ix = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err), ==, 0);
    outcome o = { g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL) };
    ghs_index_totals t;
    const char *paths[] = { docs };
    double t0 = now_s();
    g_assert_cmpint(ghs_index_add_paths(ix, paths, 1, collect_outcome, &o, &t, &err), ==, 0);
    double took = now_s() - t0;
    ghs_index_close(ix);
    g_unsetenv("GHSEARCH_EXTRACT_TIMEOUT");

    g_test_message("run took %.2f s", took);
    g_assert_cmpstr(g_hash_table_lookup(o.reason, "a-slow.pdf"), ==, "timed out");
    g_assert_cmpstr(g_hash_table_lookup(o.reason, "b-fine.txt"), ==, "indexed");
    g_assert_cmpuint(t.files_failed, ==, 1);
    g_assert_cmpuint(t.files_added, ==, 1);
    g_assert_cmpfloat(took, <, 8.0);
    g_hash_table_destroy(o.reason);
    g_free(slow); g_free(fine); g_free(db); g_free(docs); g_free(dir);
}

/* Extraction through poppler without extract_pdf.c's bomb guard. */
static int extract_unguarded(const char *path, ghs_extracted *e, ghs_error *err)
{
    (void)err;
    char *uri = g_filename_to_uri(path, NULL, NULL);
    PopplerDocument *doc = poppler_document_new_from_file(uri, NULL, NULL);
    g_free(uri);
    if (!doc)
        return GHS_EFORMAT;
    int n = poppler_document_get_n_pages(doc);
    e->pages = g_new0(ghs_page, (size_t)(n > 0 ? n : 1));
    for (int i = 0; i < n; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        char *t = page ? poppler_page_get_text(page) : NULL;
        e->pages[e->n_pages].number = i + 1;
        e->pages[e->n_pages].text = t ? t : g_strdup("");
        e->pages[e->n_pages].len = strlen(e->pages[e->n_pages].text);
        e->n_pages++;
        if (page)
            g_object_unref(page);
    }
    g_object_unref(doc);
    return 0;
}

static void test_decompression_bomb_is_stopped_even_without_the_guard(void)
{
    char *bomb = shared_pdf("pdfjs-bomb_giant.pdf");
    if (!bomb)
        return;
    ghs_isolation lim = { 3, 3, 2048 };
    ghs_extracted e;
    ghs_error err = {0};
    double t0 = now_s();
    int rc = ghs_extract_isolated(extract_unguarded, bomb, "pdf", &lim, &e, &err);
    double took = now_s() - t0;
    g_test_message("stopped after %.2f s as \"%s\": %s", took, ghs_error_reason(&err),
                   err.message);
    g_assert_cmpint(rc, <, 0);
    g_assert_true(rc == GHS_ETIMEOUT || !strcmp(ghs_error_reason(&err), "crashed"));
    g_assert_cmpfloat(took, <, 6.0);
    g_free(bomb);

    /* Through the indexer, the guard refuses it before poppler runs. */
    ghs_error err2 = {0};
    bomb = shared_pdf("pdfjs-bomb_giant.pdf");
    t0 = now_s();
    g_assert_cmpint(ghs_extract_pdf(bomb, &e, &err2), ==, GHS_EFORMAT);
    g_assert_cmpstr(ghs_error_reason(&err2), ==, "too large");
    g_assert_cmpfloat(now_s() - t0, <, 2.0);
    g_free(bomb);
}

static void test_files_that_are_not_pdfs_are_told_from_damaged_ones(void)
{
    char *dir = tmp_dir();
    char *db = g_build_filename(dir, "db", NULL);
    static const char html[] = "<!DOCTYPE html><html><body>404 Not Found</body></html>\n";
    static const char zip[] = "PK\003\004\024\000\000\000\010\000 not really a zip";
    static const char garbled[] = "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pa\x9f\x01\x02 trailer";
    char *files[] = {
        write_file(dir, "empty.pdf", "", 0),
        write_file(dir, "page.pdf", html, sizeof html - 1),
        write_file(dir, "archive.pdf", zip, sizeof zip - 1),
        write_file(dir, "garbled.pdf", garbled, sizeof garbled - 1),
    };
    const char *want[] = { "not a PDF", "not a PDF", "not a PDF", "damaged" };
    ghs_index *ix = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err), ==, 0);
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        ghs_add_report rep;
        ghs_error ferr = {0};
        int rc = ghs_index_add_file(ix, files[i], NULL, &rep, &ferr);
        g_test_message("%s: %s", files[i], ferr.message);
        g_assert_cmpint(rc, ==, GHS_EFORMAT);
        g_assert_cmpint(rep.status, ==, GHS_ADD_FAILED);
        g_assert_cmpstr(ghs_error_reason(&ferr), ==, want[i]);
        char *base = g_path_get_basename(files[i]);
        g_assert_nonnull(strstr(ferr.message, base));
        g_free(base);
        g_free(files[i]);
    }
    ghs_index_close(ix);
    g_free(db);
    g_free(dir);
}

/* ------------------------------------------------------------ JSON Lines */

typedef struct jsonl_seen {
    int records, bad;
    char first_bad[512];
} jsonl_seen;

static int count_record(const ghs_record *rec, void *user)
{
    jsonl_seen *s = user;
    g_assert_true(g_utf8_validate(rec->text, (gssize)rec->text_len, NULL));
    s->records++;
    return 0;
}

static int count_bad(size_t line, const char *message, void *user)
{
    jsonl_seen *s = user;
    (void)line;
    if (s->bad++ == 0)
        g_strlcpy(s->first_bad, message, sizeof s->first_bad);
    return 0;
}

/* Found by fuzz/fuzz_jsonl.c: json-glib turned "\ud800" into bytes that
 * are not UTF-8, and they reached the indexer as a record's text. */
static void test_lone_surrogate_escape_is_a_bad_line_not_broken_text(void)
{
    char *dir = tmp_dir();
    static const char text[] =
        "{\"id\":\"s\",\"text\":\"保健\\ud800財政\"}\n"
        "{\"id\":\"ok\",\"text\":\"絵文字 \\ud83d\\ude00 は一文字\"}\n";
    char *path = write_file(dir, "surrogate.jsonl", text, sizeof text - 1);
    jsonl_seen s = {0};
    ghs_error err = {0};
    g_assert_cmpint(ghs_jsonl_read(path, count_record, count_bad, &s, &err), ==, 0);
    g_test_message("%s", s.first_bad);
    g_assert_cmpint(s.records, ==, 1);
    g_assert_cmpint(s.bad, ==, 1);
    g_assert_nonnull(strstr(s.first_bad, "surrogate.jsonl:1"));
    g_free(path);
    g_free(dir);
}

/* ------------------------------------------------------------ shared PDFs */

static void test_every_shared_pdf_is_indexed_or_reported_with_a_reason(void)
{
    char *pdfs = shared_pdf(NULL);
    if (!pdfs)
        return;
    size_t on_disk = 0;
    GDir *d = g_dir_open(pdfs, 0, NULL);
    g_assert_nonnull(d);
    const char *name;
    while ((name = g_dir_read_name(d)))
        if (g_str_has_suffix(name, ".pdf") && name[0] != '.')
            on_disk++;
    g_dir_close(d);

    char *dir = tmp_dir();
    char *db = g_build_filename(dir, "db", NULL);
    ghs_index *ix = NULL;
    ghs_error err = {0};
    g_assert_cmpint(ghs_index_open(&ix, db, GHS_OPEN_WRITE, &err), ==, 0);
    outcome o = { g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL) };
    ghs_index_totals t;
    const char *paths[] = { pdfs };
    double t0 = now_s();
    g_assert_cmpint(ghs_index_add_paths(ix, paths, 1, collect_outcome, &o, &t, &err), ==, 0);
    double took = now_s() - t0;
    ghs_index_close(ix);

    /* Tally, and check each reason is one a user is promised. */
    static const char *const allowed[] = { "indexed", "encrypted", "no text", "damaged",
                                           "not a PDF", "too large", "timed out", "crashed" };
    size_t count[G_N_ELEMENTS(allowed)] = {0};
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, o.reason);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        size_t i = 0;
        while (i < G_N_ELEMENTS(allowed) && strcmp(allowed[i], v))
            i++;
        if (i == G_N_ELEMENTS(allowed))
            g_test_fail_printf("%s: unexpected reason \"%s\"", (char *)k, (char *)v);
        else
            count[i]++;
    }
    GString *tally = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(allowed); i++)
        g_string_append_printf(tally, "%s%zu %s", i ? ", " : "", count[i], allowed[i]);
    g_test_message("%zu PDFs in %.1f s: %s", on_disk, took, tally->str);
    g_string_free(tally, TRUE);

    g_assert_cmpuint(t.files_seen, ==, on_disk);
    g_assert_cmpuint(g_hash_table_size(o.reason), ==, on_disk);
    g_assert_cmpuint(t.files_added + t.files_failed, ==, on_disk);
    g_assert_cmpuint(count[0], >=, 150);
    static const struct { const char *file, *reason; } known[] = {
        { "hostile-not-a-pdf.pdf", "not a PDF" },
        { "hostile-empty.pdf", "not a PDF" },
        { "pdfminer-encryption-base.pdf", "indexed" },     /* empty user password */
        { "pdfminer-encryption-rc4-40.pdf", "encrypted" },
        { "pdfminer-encryption-aes-256-r6.pdf", "encrypted" },
        { "pypdf-005-libreoffice-writer-password-libreoffice-writer-password.pdf",
          "encrypted" },
        { "pdfminer-nonfree-nlp2004slides.pdf", "indexed" }, /* Japanese slides */
        { "pdfminer-jo.pdf", "indexed" },                     /* vertical Japanese */
        { "pypdf-007-imagemagick-images-imagemagick-images.pdf", "no text" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(known); i++)
        g_assert_cmpstr(g_hash_table_lookup(o.reason, known[i].file), ==, known[i].reason);
    const char *bomb = g_hash_table_lookup(o.reason, "pdfjs-bomb_giant.pdf");
    g_assert_true(!g_strcmp0(bomb, "too large") || !g_strcmp0(bomb, "timed out"));
    g_assert_cmpfloat(took, <, 180.0);
    g_hash_table_destroy(o.reason);
    g_free(db);
    g_free(dir);
    g_free(pdfs);
}

static void quiet(const char *domain, GLogLevelFlags level, const char *message, void *user)
{
    (void)domain; (void)level; (void)message; (void)user;
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* Poppler narrates every repair it makes to a hostile file. */
    g_log_set_handler("Poppler", G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG, quiet, NULL);
    g_test_add_func("/robust/reasons/reason_crosses_the_process_boundary",
                    test_reason_crosses_the_process_boundary);
    g_test_add_func("/robust/reasons/extractors_give_their_reasons",
                    test_extractors_give_their_reasons);
    g_test_add_func("/robust/reasons/each_failure_reason_has_its_own_words",
                    test_each_failure_reason_has_its_own_words);
    g_test_add_func("/robust/isolated/hanging_extractor_is_stopped_at_the_wall_deadline",
                    test_hanging_extractor_is_stopped_at_the_wall_deadline);
    g_test_add_func("/robust/isolated/spinning_extractor_is_stopped_by_the_cpu_limit",
                    test_spinning_extractor_is_stopped_by_the_cpu_limit);
    g_test_add_func("/robust/isolated/crashing_extractor_costs_only_its_file",
                    test_crashing_extractor_costs_only_its_file);
    g_test_add_func("/robust/isolated/memory_hungry_extractor_is_stopped_by_the_memory_limit",
                    test_memory_hungry_extractor_is_stopped_by_the_memory_limit);
    g_test_add_func("/robust/pdf/slow_pdf_is_cut_off_at_the_time_limit_and_the_run_goes_on",
                    test_slow_pdf_is_cut_off_at_the_time_limit_and_the_run_goes_on);
    g_test_add_func("/robust/pdf/decompression_bomb_is_stopped_even_without_the_guard",
                    test_decompression_bomb_is_stopped_even_without_the_guard);
    g_test_add_func("/robust/pdf/files_that_are_not_pdfs_are_told_from_damaged_ones",
                    test_files_that_are_not_pdfs_are_told_from_damaged_ones);
    g_test_add_func("/robust/jsonl/lone_surrogate_escape_is_a_bad_line_not_broken_text",
                    test_lone_surrogate_escape_is_a_bad_line_not_broken_text);
    g_test_add_func("/robust/shared/every_shared_pdf_is_indexed_or_reported_with_a_reason",
                    test_every_shared_pdf_is_indexed_or_reported_with_a_reason);
    return g_test_run();
}
