/*
 * fetch.c: downloading linked documents into the fetch cache with libcurl
 * (what a download does: fetch.h; the cache's layout: fetch_cache.h).
 *
 * One easy handle per URL, one URL at a time: the run is bounded by the
 * politeness delay, not by parallelism, and a sequential run is easy to
 * interrupt and resume. Range requests are sent with CURLOPT_RANGE rather
 * than CURLOPT_RESUME_FROM, because libcurl turns a server's 200 answer to
 * a resume into an error, while here it only means "start again".
 */
#include "fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "fetch_cache.h"
#include "error.h"

#define DEFAULT_CONNECT_MS 10000L
#define DEFAULT_TIMEOUT_MS 300000L
#define DEFAULT_STALL_S 30L
#define DEFAULT_MAX_BYTES (256LL * 1024 * 1024)
#define DEFAULT_REDIRECTS 5L
#define DEFAULT_DELAY_MS 1000L

const char *ghs_fetch_status_name(ghs_fetch_status s)
{
    switch (s) {
    case GHS_FETCH_DOWNLOADED: return "downloaded";
    case GHS_FETCH_CACHED: return "cached";
    case GHS_FETCH_FAILED: return "failed";
    case GHS_FETCH_NOT_DOCUMENT: return "not-a-document";
    }
    return "unknown";
}

void ghs_fetch_opts_init(ghs_fetch_opts *opts)
{
    memset(opts, 0, sizeof *opts);
}

/* What kind of document a response is. */
typedef enum { KIND_UNKNOWN, KIND_PDF, KIND_HTML, KIND_OTHER } doc_kind;

/* One transfer. */
typedef struct xfer {
    CURL *curl;
    const ghs_fetch_opts *o;
    long long max_bytes;
    const char *part_path, *meta_path;
    long long offset;        /* bytes already in the .part file when the request was sent */
    FILE *out;               /* opened at the first byte of the final response */
    long long received;      /* body bytes of this response */
    doc_kind kind;
    int started;             /* the first body byte was seen */
    int stop;                /* why the write callback refused: 0 or a STOP_* */
    long status;             /* HTTP status of the current response */
    char reason[128];        /* its reason phrase */
    char etag[256], last_modified[128], content_range[128];
    int accept_ranges;
    int resumed;
} xfer;

enum { STOP_NONE, STOP_HTTP, STOP_NOT_DOC, STOP_SIZE, STOP_IO, STOP_RANGE };

static void copy_value(char *dst, size_t cap, const char *v, size_t n)
{
    while (n && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
        n--;
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, v, n);
    dst[n] = '\0';
}

static int header_is(const char *line, size_t n, const char *name)
{
    size_t k = strlen(name);
    return n > k && g_ascii_strncasecmp(line, name, k) == 0 && line[k] == ':';
}

/* Headers of every response pass here, redirects included: a status line
 * starts a new response and forgets what the previous one said. */
static size_t on_header(char *line, size_t size, size_t nitems, void *user)
{
    xfer *x = user;
    size_t n = size * nitems;
    if (n > 5 && strncmp(line, "HTTP/", 5) == 0) {
        x->etag[0] = x->last_modified[0] = x->content_range[0] = x->reason[0] = '\0';
        x->accept_ranges = 0;
        x->status = 0;
        const char *sp = memchr(line, ' ', n);
        if (sp) {
            x->status = strtol(sp + 1, NULL, 10);
            const char *sp2 = memchr(sp + 1, ' ', n - (size_t)(sp + 1 - line));
            if (sp2)
                copy_value(x->reason, sizeof x->reason, sp2 + 1,
                           n - (size_t)(sp2 + 1 - line));
        }
    } else if (header_is(line, n, "ETag")) {
        copy_value(x->etag, sizeof x->etag, line + 5, n - 5);
    } else if (header_is(line, n, "Last-Modified")) {
        copy_value(x->last_modified, sizeof x->last_modified, line + 14, n - 14);
    } else if (header_is(line, n, "Content-Range")) {
        copy_value(x->content_range, sizeof x->content_range, line + 14, n - 14);
    } else if (header_is(line, n, "Accept-Ranges")) {
        char v[64];
        copy_value(v, sizeof v, line + 14, n - 14);
        x->accept_ranges = g_ascii_strcasecmp(v, "bytes") == 0;
    }
    return n;
}

static doc_kind kind_of_type(const char *ctype)
{
    if (!ctype || !*ctype)
        return KIND_UNKNOWN;
    char *t = g_ascii_strdown(ctype, -1);
    char *semi = strchr(t, ';');
    if (semi)
        *semi = '\0';
    g_strstrip(t);
    doc_kind k = !strcmp(t, "application/pdf") || !strcmp(t, "application/x-pdf") ? KIND_PDF
               : !strcmp(t, "text/html") || !strcmp(t, "application/xhtml+xml") ? KIND_HTML
               : !strcmp(t, "application/octet-stream") || !strcmp(t, "binary/octet-stream") ||
                 !strcmp(t, "application/download") ? KIND_UNKNOWN
               : KIND_OTHER;
    g_free(t);
    return k;
}

/* Decide a generic response by its first bytes. */
static doc_kind sniff(const char *p, size_t n)
{
    if (n >= 5 && memcmp(p, "%PDF-", 5) == 0)
        return KIND_PDF;
    char head[64];
    size_t k = n < sizeof head - 1 ? n : sizeof head - 1;
    for (size_t i = 0; i < k; i++)
        head[i] = g_ascii_tolower(p[i]);
    head[k] = '\0';
    const char *h = head;
    while (*h == ' ' || *h == '\n' || *h == '\r' || *h == '\t')
        h++;
    if (g_str_has_prefix(h, "<!doctype html") || g_str_has_prefix(h, "<html"))
        return KIND_HTML;
    return KIND_OTHER;
}

/* Save what lets a later run resume this response safely. */
static void save_validator(xfer *x, const char *url)
{
    const char *v = x->etag[0] ? x->etag : x->last_modified;
    if (!v[0])
        return;   /* without a validator a resume could splice two versions */
    char *text = g_strdup_printf("%s\n%s\n", v, url);
    g_file_set_contents(x->meta_path, text, -1, NULL);
    g_free(text);
}

static char *read_validator(const char *meta_path)
{
    char *text = NULL;
    if (!g_file_get_contents(meta_path, &text, NULL, NULL))
        return NULL;
    char *nl = strchr(text, '\n');
    if (nl)
        *nl = '\0';
    if (!text[0]) {
        g_free(text);
        return NULL;
    }
    return text;
}

/* The first byte position of a Content-Range ("bytes 100-199/200"). */
static long long range_start(const char *cr)
{
    const char *p = cr;
    if (g_ascii_strncasecmp(p, "bytes", 5) == 0)
        p += 5;
    while (*p == ' ')
        p++;
    return g_ascii_isdigit(*p) ? g_ascii_strtoll(p, NULL, 10) : -1;
}

static int start_body(xfer *x, const char *data, size_t n)
{
    const char *url = NULL;
    curl_easy_getinfo(x->curl, CURLINFO_EFFECTIVE_URL, &url);
    if (x->status < 200 || x->status >= 300) {
        x->stop = STOP_HTTP;
        return -1;
    }
    char *ctype = NULL;
    curl_easy_getinfo(x->curl, CURLINFO_CONTENT_TYPE, &ctype);
    int partial = x->status == 206;
    if (partial && (x->offset == 0 || range_start(x->content_range) != x->offset)) {
        x->stop = STOP_RANGE;   /* not the bytes asked for */
        return -1;
    }
    x->kind = kind_of_type(ctype);
    if (x->kind == KIND_UNKNOWN && !partial)
        x->kind = sniff(data, n);
    if (x->kind == KIND_OTHER) {
        x->stop = STOP_NOT_DOC;
        return -1;
    }
    x->out = fopen(x->part_path, partial ? "ab" : "wb");
    if (!x->out) {
        x->stop = STOP_IO;
        return -1;
    }
    x->resumed = partial;
    if (!partial) {
        x->offset = 0;
        g_unlink(x->meta_path);
    }
    if (x->accept_ranges || partial)
        save_validator(x, url ? url : "");
    x->started = 1;
    return 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
    xfer *x = user;
    size_t n = size * nmemb;
    if (!x->started && start_body(x, data, n) < 0)
        return 0;   /* makes libcurl stop with CURLE_WRITE_ERROR */
    if (x->offset + x->received + (long long)n > x->max_bytes) {
        x->stop = STOP_SIZE;
        return 0;
    }
    if (fwrite(data, 1, n, x->out) != n) {
        x->stop = STOP_IO;
        return 0;
    }
    x->received += (long long)n;
    return n;
}

/* Does the file start with "%PDF-"? */
static int looks_like_pdf(const char *path)
{
    char head[5] = {0};
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(head, 1, sizeof head, f) : 0;
    if (f)
        fclose(f);
    return n == 5 && memcmp(head, "%PDF-", 5) == 0;
}

/* ------------------------------------------------------------ politeness */

static char *host_of(const char *url)
{
    CURLU *u = curl_url();
    char *host = NULL, *out = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        out = g_ascii_strdown(host, -1);
        curl_free(host);
    }
    curl_url_cleanup(u);
    return out ? out : g_strdup("");
}

/* Sleep until delay_ms has passed since the last request to host. */
static void wait_for_host(GHashTable *last, const char *host, long delay_ms)
{
    gint64 *t = g_hash_table_lookup(last, host);
    if (t && delay_ms > 0) {
        gint64 ready = *t + (gint64)delay_ms * 1000;
        gint64 now = g_get_monotonic_time();
        if (ready > now)
            g_usleep((gulong)(ready - now));
    }
    if (!t) {
        t = g_new(gint64, 1);
        g_hash_table_insert(last, g_strdup(host), t);
    }
    *t = g_get_monotonic_time();
}

/* ------------------------------------------------------------ one URL */

typedef struct outcome {
    ghs_fetch_status status;
    long http_status;
    long long bytes;
    int resumed;
    char content_type[128];
    ghs_error err;
} outcome;

/* One attempt. Returns 1 when it should be tried once more from the
 * start (the server refused the resume), else 0 with o filled. */
static int attempt(ghs_cache *cache, const char *url, const ghs_fetch_opts *op, outcome *o)
{
    char *part = ghs_cache_partial_path(cache, url);
    char *meta = ghs_cache_partial_meta_path(cache, url);
    xfer x = {
        .o = op, .part_path = part, .meta_path = meta,
        .max_bytes = op->max_bytes > 0 ? op->max_bytes : DEFAULT_MAX_BYTES,
    };
    GStatBuf st;
    char *validator = read_validator(meta);
    if (validator && g_stat(part, &st) == 0 && st.st_size > 0)
        x.offset = (long long)st.st_size;
    else {
        g_unlink(part);
        g_unlink(meta);
    }
    struct curl_slist *hdrs = NULL;
    char range[48];
    x.curl = curl_easy_init();
    CURL *c = x.curl;
    long redirects = op->max_redirects == 0 ? DEFAULT_REDIRECTS : op->max_redirects;
    char *ua = op->user_agent ? g_strdup(op->user_agent)
                              : g_strdup_printf("ghsearch/%s", GHS_VERSION);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, redirects > 0 ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, redirects > 0 ? redirects : 0L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     op->connect_timeout_ms > 0 ? op->connect_timeout_ms : DEFAULT_CONNECT_MS);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                     op->timeout_ms > 0 ? op->timeout_ms : DEFAULT_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME,
                     op->stall_seconds > 0 ? op->stall_seconds : DEFAULT_STALL_S);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x.max_bytes);
    curl_easy_setopt(c, CURLOPT_USERAGENT, ua);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
    if (x.offset > 0) {
        snprintf(range, sizeof range, "%lld-", x.offset);
        curl_easy_setopt(c, CURLOPT_RANGE, range);
        char *ifr = g_strconcat("If-Range: ", validator, NULL);
        hdrs = curl_slist_append(hdrs, ifr);
        g_free(ifr);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    }
    CURLcode res = curl_easy_perform(c);
    if (x.out && fclose(x.out) != 0 && x.stop == STOP_NONE && res == CURLE_OK)
        x.stop = STOP_IO;
    x.out = NULL;
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    char *ctype = NULL;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ctype);
    o->http_status = code;
    o->resumed = x.resumed;
    g_strlcpy(o->content_type, ctype ? ctype : "", sizeof o->content_type);
    int again = 0;

    if (res == CURLE_OK && x.stop == STOP_NONE && !x.started) {
        /* a 2xx answer without a body, or an error status without one */
        if (code < 200 || code >= 300) {
            x.stop = STOP_HTTP;
        } else if (code == 206 || x.offset > 0) {
            x.stop = STOP_RANGE;
        } else {
            x.stop = STOP_NOT_DOC;
        }
    }
    if (res == CURLE_OK && x.stop == STOP_NONE) {
        const char *ext = x.kind == KIND_PDF ? "pdf" : "html";
        if (x.kind == KIND_PDF && !looks_like_pdf(part)) {
            o->status = GHS_FETCH_NOT_DOCUMENT;
            ghs_set_error(&o->err, GHS_EFORMAT,
                          "[fetch][%s] sent as a PDF but does not start with %%PDF-", url);
            g_unlink(part);
            g_unlink(meta);
        } else if (ghs_cache_store(cache, url, part, ext, o->content_type, &o->err) < 0) {
            o->status = GHS_FETCH_FAILED;
        } else {
            o->status = GHS_FETCH_DOWNLOADED;
            GStatBuf s2;
            char *p = ghs_cache_lookup(cache, url);
            o->bytes = p && g_stat(p, &s2) == 0 ? (long long)s2.st_size : x.offset + x.received;
            g_free(p);
            g_unlink(meta);
        }
    } else {
        o->status = GHS_FETCH_FAILED;
        int keep_part = 0;
        switch (x.stop) {
        case STOP_HTTP:
            if (code == 416 && x.offset > 0) {
                again = 1;   /* the partial file no longer fits: start over */
            }
            ghs_set_error(&o->err, GHS_EIO, "[fetch][%s] HTTP %ld%s%s", url, code,
                          x.reason[0] ? " " : "", x.reason);
            break;
        case STOP_NOT_DOC:
            o->status = GHS_FETCH_NOT_DOCUMENT;
            ghs_set_error(&o->err, GHS_EFORMAT,
                          "[fetch][%s] not a PDF or HTML document (Content-Type: %s)", url,
                          o->content_type[0] ? o->content_type : "none");
            break;
        case STOP_SIZE:
            ghs_set_error(&o->err, GHS_EFORMAT, "[fetch][%s] larger than the limit of %lld bytes",
                          url, x.max_bytes);
            break;
        case STOP_IO:
            ghs_set_error(&o->err, GHS_EIO, "[fetch][%s] cannot write %s: %s", url, part,
                          g_strerror(errno));
            break;
        case STOP_RANGE:
            again = x.offset > 0;
            ghs_set_error(&o->err, GHS_EIO, "[fetch][%s] the server did not send the bytes "
                          "asked for", url);
            break;
        default:
            if (res == CURLE_FILESIZE_EXCEEDED) {
                ghs_set_error(&o->err, GHS_EFORMAT,
                              "[fetch][%s] larger than the limit of %lld bytes", url,
                              x.max_bytes);
            } else {
                /* Interrupted: keep what arrived when it can be resumed. */
                keep_part = x.started && g_file_test(meta, G_FILE_TEST_EXISTS);
                ghs_set_error(&o->err, res == CURLE_OPERATION_TIMEDOUT ? GHS_ETIMEOUT : GHS_EIO,
                              "[fetch][%s] %s after %lld bytes%s", url, curl_easy_strerror(res),
                              x.offset + x.received,
                              keep_part ? "; the next run resumes" : "");
            }
            break;
        }
        if (!keep_part) {
            g_unlink(part);
            g_unlink(meta);
        }
    }
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    g_free(ua);
    g_free(validator);
    g_free(part);
    g_free(meta);
    return again;
}

static int fetch_one(ghs_cache *cache, const char *url, const ghs_fetch_opts *op, outcome *o)
{
    memset(o, 0, sizeof *o);
    if (attempt(cache, url, op, o)) {
        memset(o, 0, sizeof *o);
        attempt(cache, url, op, o);
    }
    if (o->status == GHS_FETCH_DOWNLOADED)
        return 0;
    ghs_error werr = {0};
    /* the message without its "[fetch][url] " prefix: the index line names the URL */
    const char *msg = o->err.message;
    const char *close = strstr(msg, "] ");
    if (g_str_has_prefix(msg, "[fetch][") && close)
        msg = close + 2;
    if (ghs_cache_record_failure(cache, url,
                                 o->status == GHS_FETCH_NOT_DOCUMENT ? "not-a-document" : "failed",
                                 o->content_type, msg, &werr) < 0) {
        o->err = werr;
        return werr.code;
    }
    return 0;
}

int ghs_fetch_urls(const char *const *urls, size_t n, const ghs_fetch_opts *opts,
                   ghs_fetch_fn progress, void *user, ghs_fetch_totals *totals,
                   ghs_error *err)
{
    ghs_fetch_totals local;
    ghs_fetch_totals *t = totals ? totals : &local;
    memset(t, 0, sizeof *t);
    if (!opts || !opts->cache_dir || !*opts->cache_dir)
        return ghs_set_error(err, GHS_EINVAL, "[fetch] no cache directory given");
    ghs_cache *cache = NULL;
    int rc = ghs_cache_open(opts->cache_dir, 1, &cache, err);
    if (rc < 0)
        return rc;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        ghs_cache_free(cache);
        return ghs_set_error(err, GHS_EINTERNAL, "[fetch] libcurl cannot start");
    }
    long delay = opts->host_delay_ms == 0 ? DEFAULT_DELAY_MS : opts->host_delay_ms;
    GHashTable *last = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    t->urls = n;
    for (size_t i = 0; i < n; i++) {
        const char *url = urls[i];
        outcome o;
        memset(&o, 0, sizeof o);
        char *have = ghs_cache_lookup(cache, url);
        if (!g_str_has_prefix(url, "http://") && !g_str_has_prefix(url, "https://")) {
            o.status = GHS_FETCH_FAILED;
            ghs_set_error(&o.err, GHS_EINVAL, "[fetch][%s] not an http(s) URL", url);
        } else if (have && !opts->refresh) {
            o.status = GHS_FETCH_CACHED;
        } else {
            char *host = host_of(url);
            wait_for_host(last, host, delay);
            g_free(host);
            rc = fetch_one(cache, url, opts, &o);
            if (rc < 0) {
                if (err)
                    *err = o.err;
                g_free(have);
                break;
            }
            g_free(have);
            have = ghs_cache_lookup(cache, url);
        }
        switch (o.status) {
        case GHS_FETCH_DOWNLOADED: t->downloaded++; t->bytes += o.bytes; break;
        case GHS_FETCH_CACHED: t->cached++; break;
        case GHS_FETCH_FAILED: t->failed++; break;
        case GHS_FETCH_NOT_DOCUMENT: t->not_document++; break;
        }
        int stop = 0;
        if (progress) {
            ghs_fetch_event ev = {
                .url = url, .status = o.status, .path = have ? have : "",
                .content_type = o.content_type, .http_status = o.http_status,
                .bytes = o.bytes, .resumed = o.resumed,
                .error = (o.status == GHS_FETCH_FAILED || o.status == GHS_FETCH_NOT_DOCUMENT)
                         ? &o.err : NULL,
                .done = i + 1, .total = n,
            };
            stop = progress(&ev, user);
        }
        g_free(have);
        if (stop)
            break;
    }
    g_hash_table_destroy(last);
    curl_global_cleanup();
    ghs_cache_free(cache);
    return rc < 0 ? rc : 0;
}
