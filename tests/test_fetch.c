/*
 * test_fetch.c: downloading linked documents into the fetch cache
 * (fetch/fetch.c) against a local HTTP server on 127.0.0.1 that the test
 * starts (tests/fetch_server.py) and that acts out what real servers do:
 * 404s, images, redirects and redirect loops, dropped connections, files
 * that change between two runs, slow answers.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fetch.h"
#include "fetch_cache.h"
#include "test_util.h"

static char *srv_root;      /* the files the server serves */
static int srv_port;
static GPid srv_pid;

static void write_bytes(const char *dir, const char *name, const char *data, gsize len)
{
    char *p = g_build_filename(dir, name, NULL);
    char *parent = g_path_get_dirname(p);
    g_mkdir_with_parents(parent, 0755);
    GError *gerr = NULL;
    g_file_set_contents(p, data, (gssize)len, &gerr);
    g_assert_no_error(gerr);
    g_free(parent);
    g_free(p);
}

/* A fake PDF of n bytes whose content depends on seed. */
static char *pdf_bytes(gsize n, int seed)
{
    char *b = g_malloc(n);
    memcpy(b, "%PDF-1.4\n", 9);
    for (gsize i = 9; i < n; i++)
        b[i] = (char)('a' + (i * 7 + (gsize)seed) % 26);
    return b;
}

static char *url_of(const char *path)
{
    return g_strdup_printf("http://127.0.0.1:%d/%s", srv_port, path);
}

static int requests_logged(void)
{
    char *p = g_build_filename(srv_root, ".requests.log", NULL);
    char *text = NULL;
    int n = 0;
    if (g_file_get_contents(p, &text, NULL, NULL))
        for (char *c = text; *c; c++)
            n += *c == '\n';
    g_free(text);
    g_free(p);
    return n;
}

static gboolean log_has(const char *needle)
{
    char *p = g_build_filename(srv_root, ".requests.log", NULL);
    char *text = NULL;
    gboolean has = g_file_get_contents(p, &text, NULL, NULL) && strstr(text, needle);
    g_free(text);
    g_free(p);
    return has;
}

/* What one fetch reported. */
typedef struct seen {
    ghs_fetch_status status;
    char path[1024];
    char message[512];
    int code;
    int resumed;
    long long bytes;
} seen;

static int on_event(const ghs_fetch_event *ev, void *user)
{
    seen *s = user;
    s->status = ev->status;
    g_strlcpy(s->path, ev->path, sizeof s->path);
    g_strlcpy(s->message, ev->error ? ev->error->message : "", sizeof s->message);
    s->code = ev->error ? ev->error->code : 0;
    s->resumed = ev->resumed;
    s->bytes = ev->bytes;
    return 0;
}

static char *new_cache(void)
{
    char *d = ghs_test_tmp_dir("ghs-fetch-cache-XXXXXX");
    ghs_test_note_for_removal(d);   /* removed when the tests are done */
    return d;
}

/* Fetch one URL with opts (cache_dir set by the caller). */
static seen fetch1(const char *url, ghs_fetch_opts *o)
{
    seen s;
    memset(&s, 0, sizeof s);
    ghs_error err = {0};
    const char *urls[] = { url };
    if (o->host_delay_ms == 0)
        o->host_delay_ms = -1;   /* the tests are the only client */
    g_assert_cmpint(ghs_fetch_urls(urls, 1, o, on_event, &s, NULL, &err), ==, 0);
    return s;
}

static char *file_text(const char *path, gsize *len)
{
    char *t = NULL;
    g_assert_true(g_file_get_contents(path, &t, len, NULL));
    return t;
}

/* ------------------------------------------------------------ tests */

static void test_pdf_is_stored_by_content_hash_and_not_downloaded_twice(void)
{
    char *data = pdf_bytes(5000, 1);
    write_bytes(srv_root, "report-a.pdf", data, 5000);
    char *cache = new_cache();
    char *url = url_of("report-a.pdf");
    ghs_fetch_opts o;
    ghs_fetch_opts_init(&o);
    o.cache_dir = cache;
    seen s = fetch1(url, &o);
    g_assert_cmpint(s.status, ==, GHS_FETCH_DOWNLOADED);
    g_assert_cmpint(s.bytes, ==, 5000);
    char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, 5000);
    char *name = g_strconcat(sum, ".pdf", NULL);
    char *expect = g_build_filename(cache, "sha256", name, NULL);
    g_assert_cmpstr(s.path, ==, expect);
    gsize len = 0;
    char *got = file_text(s.path, &len);
    g_assert_cmpuint(len, ==, 5000);
    g_assert_true(memcmp(got, data, 5000) == 0);
    /* the indexer finds it by URL */
    ghs_cache *c = NULL;
    g_assert_cmpint(ghs_cache_open(cache, 0, &c, NULL), ==, 0);
    char *p = ghs_cache_lookup(c, url);
    g_assert_cmpstr(p, ==, expect);
    g_assert_cmpstr(ghs_cache_find(c, url)->content_type, ==, "application/pdf");
    g_free(p);
    ghs_cache_free(c);
    /* a second run asks the server nothing */
    int before = requests_logged();
    s = fetch1(url, &o);
    g_assert_cmpint(s.status, ==, GHS_FETCH_CACHED);
    g_assert_cmpint(requests_logged(), ==, before);
    g_free(got);
    g_free(expect);
    g_free(name);
    g_free(sum);
    g_free(url);
    g_free(cache);
    g_free(data);
}

static void test_missing_document_fails_with_the_http_status(void)
{
    char *cache = new_cache();
    char *url = url_of("gone.pdf");
    ghs_fetch_opts o;
    ghs_fetch_opts_init(&o);
    o.cache_dir = cache;
    seen s = fetch1(url, &o);
    g_assert_cmpint(s.status, ==, GHS_FETCH_FAILED);
    g_assert_nonnull(strstr(s.message, "HTTP 404 Not Found"));
    g_assert_cmpstr(s.path, ==, "");
    ghs_cache *c = NULL;
    g_assert_cmpint(ghs_cache_open(cache, 0, &c, NULL), ==, 0);
    const ghs_cache_entry *e = ghs_cache_find(c, url);
    g_assert_cmpstr(e->state, ==, "failed");
    g_assert_cmpstr(e->message, ==, "HTTP 404 Not Found");
    g_assert_null(ghs_cache_lookup(c, url));
    ghs_cache_free(c);
    g_free(url);
    g_free(cache);
}

static void test_image_and_fake_pdf_are_not_documents(void)
{
    write_bytes(srv_root, "photo.png", "\x89PNG\r\n\x1a\n....", 12);
    const char *html = "<!DOCTYPE html><html><body>ログインしてください</body></html>";
    write_bytes(srv_root, "login.pdf", html, strlen(html));   /* sent as application/pdf */
    char *cache = new_cache();
    ghs_fetch_opts o;
    ghs_fetch_opts_init(&o);
    o.cache_dir = cache;
    char *url = url_of("photo.png");
    seen s = fetch1(url, &o);
    g_assert_cmpint(s.status, ==, GHS_FETCH_NOT_DOCUMENT);
    g_assert_nonnull(strstr(s.message, "image/png"));
    g_free(url);
    url = url_of("login.pdf");
    s = fetch1(url, &o);
    g_assert_cmpint(s.status, ==, GHS_FETCH_NOT_DOCUMENT);
    g_assert_nonnull(strstr(s.message, "%PDF-"));
    char *store = g_build_filename(cache, "sha256", NULL);
    GDir *d = g_dir_open(store, 0, NULL);
    g_assert_null(g_dir_read_name(d));   /* nothing kept */
    g_dir_close(d);
    ghs_cache *c = NULL;
    g_assert_cmpint(ghs_cache_open(cache, 0, &c, NULL), ==, 0);
    g_assert_cmpstr(ghs_cache_find(c, url)->state, ==, "not-a-document");
    ghs_cache_free(c);
    g_free(store);
    g_free(url);
    g_free(cache);
}

static void test_generic_content_type_is_decided_by_the_first_bytes(void)
{
    char *data = pdf_bytes(3000, 2);
    write_bytes(srv_root, "download.bin", data, 3000);   /* application/octet-stream */
    char *cache = new_cache();
    ghs_fetch_opts o;
    ghs_fetch_opts_init(&o);
    o.cache_dir = cache;
    char *url = url_of("download.bin");
    seen s = fetch1(url, &o);
    g_assert_cmpint(s.status, ==, GHS_FETCH_DOWNLOADED);
    g_assert_true(g_str_has_suffix(s.path, ".pdf"));
    g_free(url);
    g_free(cache);
    g_free(data);
}

static void test_redirects_are_followed_up_to_the_limit(void)
{
    char *data = pdf_bytes(2000, 3);
    write_bytes(srv_root, "moved.pdf", data, 2000);
    char *cache = new_cache();
    ghs_fetch_opts o;
    ghs_fetch_opts_init(&o);
    o.cache_dir = cache;
    o.max_redirects = 3;
    char *url = url_of("redirect/moved.pdf");
    seen s = fetch1(url, &o);
    g_assert_cmpint(s.status, ==, GHS_FETCH_DOWNLOADED);
    g_free(url);
    url = url_of("loop");
    s = fetch1(url, &o);
    g_assert_cmpint(s.status, ==, GHS_FETCH_FAILED);
    g_assert_nonnull(strstr(s.message, "redirect"));
    g_free(url);
    /* with redirects off, a redirect is a failure, not a document */
    o.max_redirects = -1;
    url = url_of("redirect/moved.pdf");
    o.refresh = 1;
    s = fetch1(url, &o);
    g_assert_cmpint(s.status, ==, GHS_FETCH_FAILED);
    g_assert_nonnull(strstr(s.message, "HTTP 302"));
    g_free(url);
    g_free(cache);
    g_free(data);
}

static void test_size_limit_refuses_large_documents(void)
{
    char *data = pdf_bytes(200000, 4);
    write_bytes(srv_root, "big.pdf", data, 200000);
    char *cache = new_cache();
    ghs_fetch_opts o;
    ghs_fetch_opts_init(&o);
    o.cache_dir = cache;
    o.max_bytes = 100000;
    char *url = url_of("big.pdf");
    seen s = fetch1(url, &o);
    g_assert_cmpint(s.status, ==, GHS_FETCH_FAILED);
    g_assert_nonnull(strstr(s.message, "larger than the limit of 100000 bytes"));
    ghs_cache *c = NULL;
    g_assert_cmpint(ghs_cache_open(cache, 0, &c, NULL), ==, 0);
    char *part = ghs_cache_partial_path(c, url);
    g_assert_false(g_file_test(part, G_FILE_TEST_EXISTS));
    g_free(part);
    ghs_cache_free(c);
    g_free(url);
    g_free(cache);
    g_free(data);
}

static void test_interrupted_download_is_resumed_with_a_range_request(void)
{
    const gsize n = 300000;
    char *data = pdf_bytes(n, 5);
    write_bytes(srv_root, "resume.pdf", data, n);
    write_bytes(srv_root, ".cut/resume.pdf", "100000 once", 11);
    char *cache = new_cache();
    ghs_fetch_opts o;
    ghs_fetch_opts_init(&o);
    o.cache_dir = cache;
    char *url = url_of("resume.pdf");
    seen s = fetch1(url, &o);
    g_assert_cmpint(s.status, ==, GHS_FETCH_FAILED);
    g_assert_nonnull(strstr(s.message, "the next run resumes"));
    ghs_cache *c = NULL;
    g_assert_cmpint(ghs_cache_open(cache, 0, &c, NULL), ==, 0);
    char *part = ghs_cache_partial_path(c, url);
    ghs_cache_free(c);
    GStatBuf st;
    g_assert_cmpint(g_stat(part, &st), ==, 0);
    g_assert_cmpint(st.st_size, ==, 100000);

    s = fetch1(url, &o);
    g_assert_cmpint(s.status, ==, GHS_FETCH_DOWNLOADED);
    g_assert_true(s.resumed);
    g_assert_true(log_has("GET /resume.pdf bytes=100000-"));
    gsize len = 0;
    char *got = file_text(s.path, &len);
    g_assert_cmpuint(len, ==, n);
    g_assert_true(memcmp(got, data, n) == 0);
    g_assert_false(g_file_test(part, G_FILE_TEST_EXISTS));
    g_free(got);
    g_free(part);
    g_free(url);
    g_free(cache);
    g_free(data);
}

static void test_file_changed_since_the_interruption_is_read_again_whole(void)
{
    const gsize n = 120000;
    char *old = pdf_bytes(n, 6);
    write_bytes(srv_root, "changing.pdf", old, n);
    write_bytes(srv_root, ".cut/changing.pdf", "50000 once", 10);
    char *cache = new_cache();
    ghs_fetch_opts o;
    ghs_fetch_opts_init(&o);
    o.cache_dir = cache;
    char *url = url_of("changing.pdf");
    seen s = fetch1(url, &o);
    g_assert_cmpint(s.status, ==, GHS_FETCH_FAILED);
    char *fresh = pdf_bytes(n + 10, 7);   /* a new version: new ETag */
    write_bytes(srv_root, "changing.pdf", fresh, n + 10);
    s = fetch1(url, &o);
    g_assert_cmpint(s.status, ==, GHS_FETCH_DOWNLOADED);
    g_assert_false(s.resumed);
    gsize len = 0;
    char *got = file_text(s.path, &len);
    g_assert_cmpuint(len, ==, n + 10);
    g_assert_true(memcmp(got, fresh, n + 10) == 0);   /* never half old, half new */
    g_free(got);
    g_free(fresh);
    g_free(url);
    g_free(cache);
    g_free(old);
}

static void test_failed_refresh_keeps_the_good_copy(void)
{
    char *data = pdf_bytes(8000, 8);
    write_bytes(srv_root, "keep.pdf", data, 8000);
    char *cache = new_cache();
    ghs_fetch_opts o;
    ghs_fetch_opts_init(&o);
    o.cache_dir = cache;
    char *url = url_of("keep.pdf");
    seen s = fetch1(url, &o);
    g_assert_cmpint(s.status, ==, GHS_FETCH_DOWNLOADED);
    char *good = g_strdup(s.path);

    /* the connection drops, then the file disappears */
    write_bytes(srv_root, ".cut/keep.pdf", "10", 2);
    o.refresh = 1;
    s = fetch1(url, &o);
    g_assert_cmpint(s.status, ==, GHS_FETCH_FAILED);
    g_assert_cmpstr(s.path, ==, good);
    char *cut = g_build_filename(srv_root, ".cut", "keep.pdf", NULL);
    g_unlink(cut);
    char *served = g_build_filename(srv_root, "keep.pdf", NULL);
    g_unlink(served);
    s = fetch1(url, &o);
    g_assert_cmpint(s.status, ==, GHS_FETCH_FAILED);
    g_assert_nonnull(strstr(s.message, "404"));
    g_assert_cmpstr(s.path, ==, good);

    ghs_cache *c = NULL;
    g_assert_cmpint(ghs_cache_open(cache, 0, &c, NULL), ==, 0);
    char *p = ghs_cache_lookup(c, url);
    g_assert_cmpstr(p, ==, good);
    gsize len = 0;
    char *got = file_text(p, &len);
    g_assert_cmpuint(len, ==, 8000);
    g_assert_true(memcmp(got, data, 8000) == 0);
    g_assert_cmpstr(ghs_cache_find(c, url)->state, ==, "failed");
    ghs_cache_free(c);
    g_free(got);
    g_free(p);
    g_free(served);
    g_free(cut);
    g_free(good);
    g_free(url);
    g_free(cache);
    g_free(data);
}

static void test_requests_to_one_host_are_spaced(void)
{
    char *d1 = pdf_bytes(1000, 9), *d2 = pdf_bytes(1000, 10);
    write_bytes(srv_root, "polite-1.pdf", d1, 1000);
    write_bytes(srv_root, "polite-2.pdf", d2, 1000);
    char *cache = new_cache();
    ghs_fetch_opts o;
    ghs_fetch_opts_init(&o);
    o.cache_dir = cache;
    o.host_delay_ms = 400;
    char *u1 = url_of("polite-1.pdf"), *u2 = url_of("polite-2.pdf");
    const char *urls[] = { u1, u2 };
    ghs_fetch_totals t;
    ghs_error err = {0};
    gint64 t0 = g_get_monotonic_time();
    g_assert_cmpint(ghs_fetch_urls(urls, 2, &o, NULL, NULL, &t, &err), ==, 0);
    gint64 spent = g_get_monotonic_time() - t0;
    g_assert_cmpuint(t.downloaded, ==, 2);
    g_assert_cmpint(spent, >=, 400000);
    g_free(u1);
    g_free(u2);
    g_free(cache);
    g_free(d1);
    g_free(d2);
}

static void test_stalled_server_times_out(void)
{
    char *data = pdf_bytes(1000, 11);
    write_bytes(srv_root, "slow.pdf", data, 1000);
    write_bytes(srv_root, ".slow/slow.pdf", "4", 1);
    char *cache = new_cache();
    ghs_fetch_opts o;
    ghs_fetch_opts_init(&o);
    o.cache_dir = cache;
    o.timeout_ms = 1000;
    char *url = url_of("slow.pdf");
    gint64 t0 = g_get_monotonic_time();
    seen s = fetch1(url, &o);
    gint64 spent = g_get_monotonic_time() - t0;
    g_assert_cmpint(s.status, ==, GHS_FETCH_FAILED);
    g_assert_cmpint(s.code, ==, GHS_ETIMEOUT);
    g_assert_cmpint(spent, <, 3500000);
    g_free(url);
    g_free(cache);
    g_free(data);
}

static void test_only_http_urls_are_fetched(void)
{
    char *cache = new_cache();
    ghs_fetch_opts o;
    ghs_fetch_opts_init(&o);
    o.cache_dir = cache;
    seen s = fetch1("file:///etc/passwd", &o);
    g_assert_cmpint(s.status, ==, GHS_FETCH_FAILED);
    g_assert_nonnull(strstr(s.message, "not an http(s) URL"));
    ghs_fetch_opts none;
    ghs_fetch_opts_init(&none);
    ghs_error err = {0};
    g_assert_cmpint(ghs_fetch_urls(NULL, 0, &none, NULL, NULL, NULL, &err), ==, GHS_EINVAL);
    g_free(cache);
}

/* ------------------------------------------------------------ server */

static gboolean start_server(void)
{
    const char *src = g_getenv("GHS_SOURCE_ROOT");
    char *py = g_find_program_in_path("python3");
    if (!src || !py) {
        g_free(py);
        return FALSE;
    }
    char *script = g_build_filename(src, "tests", "fetch_server.py", NULL);
    GError *gerr = NULL;
    srv_root = g_dir_make_tmp("ghs-fetch-srv-XXXXXX", &gerr);
    g_assert_no_error(gerr);
    char *argv[] = { py, script, srv_root, "240", NULL };
    int out_fd = -1;
    g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &srv_pid,
                             NULL, &out_fd, NULL, &gerr);
    g_assert_no_error(gerr);
    char buf[32] = {0};
    gsize got = 0;
    while (got < sizeof buf - 1) {
        ssize_t r = read(out_fd, buf + got, 1);
        if (r <= 0 || buf[got] == '\n')
            break;
        got++;
    }
    close(out_fd);
    srv_port = atoi(buf);
    g_free(script);
    g_free(py);
    return srv_port > 0;
}

static void stop_server(void)
{
    if (srv_pid > 0) {
        kill(srv_pid, SIGTERM);
        waitpid(srv_pid, NULL, 0);
        g_spawn_close_pid(srv_pid);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* the server is on this machine: never go through a proxy */
    g_setenv("no_proxy", "127.0.0.1,localhost", TRUE);
    g_setenv("NO_PROXY", "127.0.0.1,localhost", TRUE);
    if (!start_server()) {
        printf("1..0 # SKIP cannot start tests/fetch_server.py (python3, GHS_SOURCE_ROOT)\n");
        return g_getenv("CI") ? 1 : 77;
    }
    g_test_add_func("/fetch/pdf_is_stored_by_content_hash_and_not_downloaded_twice",
                    test_pdf_is_stored_by_content_hash_and_not_downloaded_twice);
    g_test_add_func("/fetch/missing_document_fails_with_the_http_status",
                    test_missing_document_fails_with_the_http_status);
    g_test_add_func("/fetch/image_and_fake_pdf_are_not_documents",
                    test_image_and_fake_pdf_are_not_documents);
    g_test_add_func("/fetch/generic_content_type_is_decided_by_the_first_bytes",
                    test_generic_content_type_is_decided_by_the_first_bytes);
    g_test_add_func("/fetch/redirects_are_followed_up_to_the_limit",
                    test_redirects_are_followed_up_to_the_limit);
    g_test_add_func("/fetch/size_limit_refuses_large_documents",
                    test_size_limit_refuses_large_documents);
    g_test_add_func("/fetch/interrupted_download_is_resumed_with_a_range_request",
                    test_interrupted_download_is_resumed_with_a_range_request);
    g_test_add_func("/fetch/file_changed_since_the_interruption_is_read_again_whole",
                    test_file_changed_since_the_interruption_is_read_again_whole);
    g_test_add_func("/fetch/failed_refresh_keeps_the_good_copy",
                    test_failed_refresh_keeps_the_good_copy);
    g_test_add_func("/fetch/requests_to_one_host_are_spaced",
                    test_requests_to_one_host_are_spaced);
    g_test_add_func("/fetch/stalled_server_times_out", test_stalled_server_times_out);
    g_test_add_func("/fetch/only_http_urls_are_fetched", test_only_http_urls_are_fetched);
    int rc = g_test_run();
    stop_server();
    ghs_test_note_for_removal(srv_root);
    g_free(srv_root);
    ghs_test_rm_noted();
    return rc;
}
