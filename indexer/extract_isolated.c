/*
 * extract_isolated.c: running an extractor in a child process.
 *
 * PDF files are the most hostile input the indexer sees: a damaged or
 * malicious file can make poppler crash, loop or allocate without bound. The
 * extractor therefore runs in a forked child with a CPU-time and an
 * address-space limit; the child sends the extracted pages back through a
 * pipe in the docdata encoding, and the parent enforces a wall-clock
 * deadline. A crash, hang or out-of-memory costs that one file, which is
 * reported with its name and the reason, and the indexing run goes on.
 */
#include "extract_isolated.h"

#include <errno.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "docdata.h"
#include "index_handle.h"

/* Address-space limits break AddressSanitizer, which reserves terabytes of
 * virtual memory up front; builds with it rely on the time limit alone. */
#if defined(__SANITIZE_ADDRESS__)
#define GHS_HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GHS_HAVE_ASAN 1
#endif
#endif

/* Keys of the child's message (docdata fields, read in order). */
enum {
    K_ERROR_CODE = 'E', K_ERROR_MSG = 'M', K_ERROR_REASON = 'R',
    K_TITLE = 't', K_DATE = 'a', K_LANG = 'l', K_PUBLISHER = 'u', K_URL = 'r',
    K_PAGE_NUMBER = 'g', K_PAGE_TEXT = 'p', K_PAGE_LABEL = 'b', K_LINK_URL = 'L', K_LINK_ANCHOR = 'A'
};

static void encode(const ghs_extracted *e, int rc, const ghs_error *err, ghs_docdata *d)
{
    if (rc < 0) {
        ghs_docdata_put_int(d, K_ERROR_CODE, rc);
        ghs_docdata_put_str(d, K_ERROR_MSG, err->message);
        ghs_docdata_put_int(d, K_ERROR_REASON, err->reason);
        return;
    }
    ghs_docdata_put_str(d, K_TITLE, e->title);
    ghs_docdata_put_str(d, K_DATE, e->date);
    ghs_docdata_put_str(d, K_LANG, e->lang);
    ghs_docdata_put_str(d, K_PUBLISHER, e->publisher);
    ghs_docdata_put_str(d, K_URL, e->url);
    for (size_t i = 0; i < e->n_pages; i++) {
        ghs_docdata_put_int(d, K_PAGE_NUMBER, e->pages[i].number);
        ghs_docdata_put(d, K_PAGE_TEXT, e->pages[i].text ? e->pages[i].text : "",
                        e->pages[i].text ? e->pages[i].len : 0);
        ghs_docdata_put_str(d, K_PAGE_LABEL, e->pages[i].label);
    }
    for (size_t i = 0; i < e->n_links; i++) {
        ghs_docdata_put_str(d, K_LINK_URL, e->links[i].url);
        ghs_docdata_put_str(d, K_LINK_ANCHOR, e->links[i].anchor ? e->links[i].anchor : "");
    }
}

static int decode(const char *buf, size_t len, const char *name, ghs_extracted *e,
                  ghs_error *err)
{
    GArray *pages = g_array_new(FALSE, TRUE, sizeof(ghs_page));
    GArray *links = g_array_new(FALSE, TRUE, sizeof(ghs_link));
    size_t pos = 0, vlen = 0;
    char key;
    const char *val;
    int r, rc = 0, code = 0, reason = 0;
    char *msg = NULL;
    while ((r = ghs_docdata_next(buf, len, &pos, &key, &val, &vlen)) == 1) {
        char *s = g_strndup(val, vlen);
        switch (key) {
        case K_ERROR_CODE: code = atoi(s); g_free(s); break;
        case K_ERROR_MSG: g_free(msg); msg = s; break;
        case K_ERROR_REASON: reason = atoi(s); g_free(s); break;
        case K_TITLE: g_free(e->title); e->title = s; break;
        case K_DATE: g_free(e->date); e->date = s; break;
        case K_LANG: g_free(e->lang); e->lang = s; break;
        case K_PUBLISHER: g_free(e->publisher); e->publisher = s; break;
        case K_URL: g_free(e->url); e->url = s; break;
        case K_PAGE_NUMBER: {
            ghs_page p = { .number = atoi(s) };
            g_array_append_val(pages, p);
            g_free(s);
            break;
        }
        case K_PAGE_TEXT:
            if (pages->len) {
                ghs_page *p = &g_array_index(pages, ghs_page, pages->len - 1);
                g_free(p->text);
                p->text = s;
                p->len = vlen;
            } else {
                g_free(s);
            }
            break;
        case K_PAGE_LABEL:
            if (pages->len) {
                ghs_page *p = &g_array_index(pages, ghs_page, pages->len - 1);
                g_free(p->label);
                p->label = s;
            } else {
                g_free(s);
            }
            break;
        case K_LINK_URL: {
            ghs_link l = { .url = s, .anchor = g_strdup("") };
            g_array_append_val(links, l);
            break;
        }
        case K_LINK_ANCHOR:
            if (links->len) {
                ghs_link *l = &g_array_index(links, ghs_link, links->len - 1);
                g_free(l->anchor);
                l->anchor = s;
            } else {
                g_free(s);
            }
            break;
        default:
            g_free(s);
        }
    }
    /* Pages whose text never arrived get an empty text. */
    for (guint i = 0; i < pages->len; i++) {
        ghs_page *p = &g_array_index(pages, ghs_page, i);
        if (!p->text)
            p->text = g_strdup("");
    }
    e->n_pages = pages->len;
    e->pages = (ghs_page *)(void *)g_array_free(pages, FALSE);
    e->n_links = links->len;
    e->links = (ghs_link *)(void *)g_array_free(links, FALSE);
    if (code < 0) {
        rc = ghs_fail(err, code, reason, "%s", msg ? msg : "extraction failed");
    } else if (r < 0) {
        rc = ghs_set_error(err, GHS_EINTERNAL, "[extract][%s] garbled reply from the extractor",
                           name);
    }
    g_free(msg);
    if (rc < 0)
        ghs_extracted_clear(e);
    return rc;
}

static void child_main(int fd, ghs_extract_fn fn, const char *path,
                       const ghs_isolation *lim, pid_t parent)
{
    /* The child shares the parent's open files, Xapian's lock among them
     * (an open-file-description lock): were the indexer killed, a child
     * still in poppler would keep the index locked. So it closes every
     * descriptor but its pipe and stdio, and dies with its parent. */
    if (fd > 3)
        close_range(3, (unsigned)fd - 1, 0);
    close_range((unsigned)fd + 1, ~0U, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)   /* the parent died before prctl */
        _exit(4);

    struct rlimit rl;
    if (lim->cpu_seconds) {
        rl.rlim_cur = lim->cpu_seconds;
        rl.rlim_max = lim->cpu_seconds + 1;
        setrlimit(RLIMIT_CPU, &rl);
    }
#ifndef GHS_HAVE_ASAN
    if (lim->memory_mb) {
        rl.rlim_cur = rl.rlim_max = (rlim_t)lim->memory_mb << 20;
        setrlimit(RLIMIT_AS, &rl);
    }
#endif
    rl.rlim_cur = rl.rlim_max = 0;   /* no core files from hostile input */
    setrlimit(RLIMIT_CORE, &rl);

    ghs_extracted e = {0};
    ghs_error err = {0};
    int rc = fn(path, &e, &err);
    ghs_docdata d = {0};
    encode(&e, rc, &err, &d);
    size_t off = 0;
    while (off < d.len) {
        ssize_t w = write(fd, d.buf + off, d.len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            _exit(3);
        off += (size_t)w;
    }
    close(fd);
    /* _exit: no atexit handlers or stdio flushing inherited from the parent. */
    _exit(0);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct ghs_extract_job {
    ghs_extract_fn fn;
    char *path, *kind;
    ghs_isolation lim;
    pid_t pid;      /* the child; 0: no child could be started, extract in-process */
    int fd;         /* read end of its pipe */
};

ghs_extract_job *ghs_extract_start(ghs_extract_fn fn, const char *path, const char *kind,
                                   const ghs_isolation *lim)
{
    ghs_extract_job *j = g_new0(ghs_extract_job, 1);
    j->fn = fn;
    j->path = g_strdup(path);
    j->kind = g_strdup(kind);
    j->lim = *lim;
    j->fd = -1;
    int fds[2];
    if (pipe(fds) != 0)
        return j;   /* no pipe: extract in-process rather than fail */
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return j;
    }
    if (pid == 0) {
        close(fds[0]);
        child_main(fds[1], fn, path, lim, parent);
    }
    close(fds[1]);
    j->pid = pid;
    j->fd = fds[0];
    return j;
}

static void job_free(ghs_extract_job *j)
{
    g_free(j->path);
    g_free(j->kind);
    g_free(j);
}

void ghs_extract_cancel(ghs_extract_job *j)
{
    if (!j)
        return;
    if (j->pid > 0) {
        close(j->fd);
        kill(j->pid, SIGKILL);
        int status = 0;
        while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
            ;
    }
    job_free(j);
}

int ghs_extract_finish(ghs_extract_job *j, ghs_extracted *e, ghs_error *err,
                       ghs_extract_wait_fn wait, void *wait_user)
{
    memset(e, 0, sizeof *e);
    if (j->pid <= 0) {
        int rc = j->fn(j->path, e, err);
        job_free(j);
        return rc;
    }
    const char *slash = strrchr(j->path, '/');
    const char *name = slash && slash[1] ? slash + 1 : j->path;
    const char *kind = j->kind;
    const ghs_isolation *lim = &j->lim;
    pid_t pid = j->pid;
    int fd = j->fd;

    GByteArray *buf = g_byte_array_new();
    /* The deadline runs from now: a child started ahead of time may have
     * waited for this call with its output done (its CPU limit held). */
    double deadline = now_s() + (lim->wall_seconds ? lim->wall_seconds : 60);
    int timed_out = 0, stopped = 0;
    guint8 chunk[65536];
    for (;;) {
        double left = deadline - now_s();
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        if (wait && wait(wait_user)) {
            stopped = 1;
            break;
        }
        /* Woken every 50 ms to ask wait, else only by the child. */
        int ms = (int)(left * 1000) + 1;
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int pr = poll(&pfd, 1, wait && ms > 50 ? 50 : ms);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr == 0)
            continue;   /* loop re-checks the deadline */
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        g_byte_array_append(buf, chunk, (guint)n);
    }
    close(fd);
    if (timed_out || stopped)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    int rc;
    if (stopped) {
        rc = ghs_set_error(err, GHS_ESTOPPED, "[%s][%s] stopped while its text was extracted",
                           kind, name);
    } else if (timed_out) {
        rc = ghs_set_error(err, GHS_ETIMEOUT, "[%s][%s] timed out after %u s", kind, name,
                           lim->wall_seconds ? lim->wall_seconds : 60);
    } else if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        rc = sig == SIGXCPU
            ? ghs_set_error(err, GHS_ETIMEOUT, "[%s][%s] used more than %u s of CPU", kind,
                            name, lim->cpu_seconds)
            : ghs_fail(err, GHS_EFORMAT, GHS_REASON_CRASHED,
                            "[%s][%s] damaged: the extractor crashed (%s) or ran out of memory (limit %u MiB)",
                            kind, name, strsignal(sig), lim->memory_mb);
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        rc = ghs_fail(err, GHS_EFORMAT, GHS_REASON_CRASHED, "[%s][%s] damaged: the extractor exited with status %d",
                           kind, name, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    } else {
        rc = decode((const char *)buf->data, buf->len, name, e, err);
    }
    g_byte_array_free(buf, TRUE);
    job_free(j);
    return rc;
}

int ghs_extract_isolated(ghs_extract_fn fn, const char *path, const char *kind,
                         const ghs_isolation *lim, ghs_extracted *e, ghs_error *err)
{
    return ghs_extract_finish(ghs_extract_start(fn, path, kind, lim), e, err, NULL, NULL);
}
