/*
 * extract_common.c: what every extractor shares: ghs_extracted_clear(),
 * error messages, bounded file reading, date recognition in free text, the
 * de-duplicated link list and white-space collapsing.
 *
 * It knows nothing of PDF, HTML or JSON; those live in extract_pdf.c,
 * extract_release.c / extract_html.c and extract_jsonl.c.
 */
#include "extract_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ghs_extracted_clear(ghs_extracted *e)
{
    if (e == NULL)
        return;
    g_free(e->title);
    g_free(e->date);
    g_free(e->lang);
    g_free(e->publisher);
    g_free(e->url);
    for (size_t i = 0; i < e->n_pages; i++) {
        g_free(e->pages[i].text);
        g_free(e->pages[i].label);
    }
    g_free(e->pages);
    for (size_t i = 0; i < e->n_links; i++) {
        g_free(e->links[i].url);
        g_free(e->links[i].anchor);
    }
    g_free(e->links);
    memset(e, 0, sizeof *e);
}

const char *ghs_x_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

int ghs_x_read_file(const char *path, const char *kind, size_t max,
                    char **out, size_t *len, ghs_error *err)
{
    const char *name = ghs_x_basename(path);
    struct stat st;

    *out = NULL;
    *len = 0;
    int fd = ghs_open_regular(path, kind, err);
    if (fd < 0)
        return fd;
    /* Size first so a huge file is refused before it is read. */
    if (fstat(fd, &st) != 0) {
        int rc = ghs_set_error(err, GHS_EIO, "[%s][%s] cannot read: %s", kind, name,
                             g_strerror(errno));
        close(fd);
        return rc;
    }
    if ((unsigned long long)st.st_size > max) {
        close(fd);
        return ghs_fail(err, GHS_EFORMAT, GHS_REASON_TOO_LARGE,
                           "[%s][%s] too large: %lld bytes (limit %zu)", kind,
                           name, (long long)st.st_size, max);
    }

    /* Read to the end, but never past max + 1 bytes (the file may grow). */
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = g_malloc(cap + 1);
    for (;;) {
        if (n == cap) {
            if (cap > max)
                break;
            cap = MIN(cap * 2, max + 1);
            buf = g_realloc(buf, cap + 1);
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int rc = ghs_set_error(err, GHS_EIO, "[%s][%s] cannot read: %s", kind,
                                 name, g_strerror(errno));
            close(fd);
            g_free(buf);
            return rc;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    if (n > max) { /* grew between stat and read */
        g_free(buf);
        return ghs_fail(err, GHS_EFORMAT, GHS_REASON_TOO_LARGE, "[%s][%s] too large: over %zu bytes",
                           kind, name, max);
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

/* ------------------------------------------------------------- dates */

/* Reads 1..maxd decimal digits (ASCII or full-width U+FF10..FF19) at s[*i]. */
static int read_num(const char *s, size_t len, size_t *i, int maxd, int *value)
{
    size_t p = *i;
    int v = 0, nd = 0;
    while (nd < maxd) {
        if (p < len && s[p] >= '0' && s[p] <= '9') {
            v = v * 10 + (s[p] - '0');
            p += 1;
        } else if (p + 2 < len && (unsigned char)s[p] == 0xEF &&
                   (unsigned char)s[p + 1] == 0xBC &&
                   (unsigned char)s[p + 2] >= 0x90 &&
                   (unsigned char)s[p + 2] <= 0x99) {
            v = v * 10 + ((unsigned char)s[p + 2] - 0x90);
            p += 3;
        } else {
            break;
        }
        nd++;
    }
    /* A longer number is not a date part ("20231" is not a year). */
    if (nd == maxd && ((p < len && s[p] >= '0' && s[p] <= '9') ||
                       (p + 2 < len && (unsigned char)s[p] == 0xEF &&
                        (unsigned char)s[p + 1] == 0xBC &&
                        (unsigned char)s[p + 2] >= 0x90 &&
                        (unsigned char)s[p + 2] <= 0x99)))
        return 0;
    *i = p;
    *value = v;
    return nd;
}

static bool eat(const char *s, size_t len, size_t *i, const char *lit)
{
    size_t n = strlen(lit);
    if (*i + n > len || memcmp(s + *i, lit, n) != 0)
        return false;
    *i += n;
    return true;
}

static void skip_spaces(const char *s, size_t len, size_t *i)
{
    for (;;) {
        if (*i < len && (s[*i] == ' ' || s[*i] == '\t'))
            (*i)++;
        else if (!eat(s, len, i, "\xE3\x80\x80")) /* U+3000 */
            break;
    }
}

static bool valid_date(int y, int m, int d)
{
    return y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 &&
           d <= g_date_get_days_in_month((GDateMonth)m, (GDateYear)y);
}

static const char *const month_names[12] = {
    "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december"};

/* An English month name (full, or its first three letters with an optional
 * '.', "Sept" too) at s[*i], not followed by a letter. Returns 1..12 or 0. */
static int read_month(const char *s, size_t len, size_t *i)
{
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(month_names[m]);
        size_t n = 0;
        if (*i + full <= len && g_ascii_strncasecmp(s + *i, month_names[m], full) == 0)
            n = full;
        else if (m == 8 && *i + 4 <= len && g_ascii_strncasecmp(s + *i, "sept", 4) == 0)
            n = 4;
        else if (*i + 3 <= len && g_ascii_strncasecmp(s + *i, month_names[m], 3) == 0)
            n = 3;
        if (n == 0)
            continue;
        if (*i + n < len && g_ascii_isalpha(s[*i + n]))
            continue;
        *i += n;
        if (n < full && *i < len && s[*i] == '.')
            (*i)++;
        return m + 1;
    }
    return 0;
}

/* Tries every pattern at position i; on success sets *end and out. */
static bool date_at(const char *s, size_t len, size_t i, size_t *end,
                    char out[11])
{
    size_t p = i;
    int y = 0, m = 0, d = 0;
    bool prev_digit = i > 0 && g_ascii_isdigit(s[i - 1]);
    bool prev_alpha = i > 0 && g_ascii_isalpha(s[i - 1]);

    /* 2023-04-28, 2023/4/28, 2023.04.28, 2023年4月28日 */
    if (!prev_digit && read_num(s, len, &p, 4, &y) == 4) {
        size_t q = p;
        char sep = q < len ? s[q] : '\0';
        if ((sep == '-' || sep == '/' || sep == '.') && (q++, read_num(s, len, &q, 2, &m) > 0) &&
            q < len && s[q] == sep && (q++, read_num(s, len, &q, 2, &d) > 0) &&
            valid_date(y, m, d)) {
            *end = q;
            goto found;
        }
        q = p;
        skip_spaces(s, len, &q);
        if (eat(s, len, &q, "年")) {
            skip_spaces(s, len, &q);
            if (read_num(s, len, &q, 2, &m) > 0 && (skip_spaces(s, len, &q), eat(s, len, &q, "月")) &&
                (skip_spaces(s, len, &q), read_num(s, len, &q, 2, &d) > 0) &&
                (skip_spaces(s, len, &q), eat(s, len, &q, "日")) && valid_date(y, m, d)) {
                *end = q;
                goto found;
            }
        }
    }

    /* [23/04/28]: the wire services' two-digit year, bracketed only, since
     * a bare 23/04/28 could as well be day/month/year. */
    p = i;
    if (eat(s, len, &p, "[") && read_num(s, len, &p, 2, &y) == 2 &&
        eat(s, len, &p, "/") && read_num(s, len, &p, 2, &m) == 2 &&
        eat(s, len, &p, "/") && read_num(s, len, &p, 2, &d) == 2 &&
        eat(s, len, &p, "]") && valid_date(2000 + y, m, d)) {
        y += 2000;
        *end = p;
        goto found;
    }

    /* 令和5年4月28日, 平成31年, 令和元年 */
    p = i;
    {
        int base = 0;
        if (eat(s, len, &p, "令和"))
            base = 2018;
        else if (eat(s, len, &p, "平成"))
            base = 1988;
        if (base != 0) {
            int n = 0;
            skip_spaces(s, len, &p);
            if (eat(s, len, &p, "元"))
                n = 1;
            else if (read_num(s, len, &p, 2, &n) == 0)
                n = 0;
            skip_spaces(s, len, &p);
            if (n > 0 && eat(s, len, &p, "年") && (skip_spaces(s, len, &p), read_num(s, len, &p, 2, &m) > 0) &&
                (skip_spaces(s, len, &p), eat(s, len, &p, "月")) &&
                (skip_spaces(s, len, &p), read_num(s, len, &p, 2, &d) > 0) &&
                (skip_spaces(s, len, &p), eat(s, len, &p, "日")) && valid_date(base + n, m, d)) {
                y = base + n;
                *end = p;
                goto found;
            }
        }
    }

    /* April 28, 2023 / Apr. 28 2023 */
    p = i;
    if (!prev_alpha && (m = read_month(s, len, &p)) > 0) {
        skip_spaces(s, len, &p);
        if (read_num(s, len, &p, 2, &d) > 0) {
            if (p + 2 <= len && (g_ascii_strncasecmp(s + p, "st", 2) == 0 ||
                                 g_ascii_strncasecmp(s + p, "nd", 2) == 0 ||
                                 g_ascii_strncasecmp(s + p, "rd", 2) == 0 ||
                                 g_ascii_strncasecmp(s + p, "th", 2) == 0))
                p += 2;
            if (p < len && s[p] == ',')
                p++;
            skip_spaces(s, len, &p);
            if (read_num(s, len, &p, 4, &y) == 4 && valid_date(y, m, d)) {
                *end = p;
                goto found;
            }
        }
    }

    /* 28 April 2023 */
    p = i;
    if (!prev_digit && read_num(s, len, &p, 2, &d) > 0) {
        skip_spaces(s, len, &p);
        if ((m = read_month(s, len, &p)) > 0) {
            if (p < len && s[p] == ',')
                p++;
            skip_spaces(s, len, &p);
            if (read_num(s, len, &p, 4, &y) == 4 && valid_date(y, m, d)) {
                *end = p;
                goto found;
            }
        }
    }
    return false;

found:
    g_snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    return true;
}

bool ghs_x_find_date(const char *s, size_t len, char out[11], size_t *start,
                     size_t *end)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        /* Candidates start with a digit, '[', a letter or a lead byte. */
        if (!(g_ascii_isalnum(c) || c == '[' || c >= 0xC0))
            continue;
        size_t e = 0;
        if (date_at(s, len, i, &e, out)) {
            if (start != NULL)
                *start = i;
            if (end != NULL)
                *end = e;
            return true;
        }
    }
    return false;
}

bool ghs_x_date_near_top(const char *text, size_t len, int max_lines,
                         char out[11])
{
    size_t start = 0;
    int seen = 0;
    while (start < len && seen < max_lines) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;
        if (end > start) {
            if (ghs_x_find_date(text + start, end - start, out, NULL, NULL))
                return true;
            seen++;
        }
        start = end + 1;
    }
    return false;
}

/* ------------------------------------------------------------- links */

void ghs_x_links_init(ghs_x_links *l)
{
    l->items = g_array_new(FALSE, TRUE, sizeof(ghs_link));
    l->seen = g_hash_table_new(g_str_hash, g_str_equal);
}

void ghs_x_links_add(ghs_x_links *l, const char *url, size_t url_len,
                     const char *anchor)
{
    char *u = g_strndup(url, url_len);
    if (g_hash_table_contains(l->seen, u)) {
        g_free(u);
        return;
    }
    ghs_link link;
    link.url = u;
    link.anchor = anchor != NULL ? ghs_x_collapse_ws(anchor, strlen(anchor))
                                 : g_strdup("");
    g_array_append_val(l->items, link);
    g_hash_table_add(l->seen, u);
}

void ghs_x_links_move(ghs_x_links *l, ghs_extracted *e)
{
    g_hash_table_destroy(l->seen);
    e->n_links = l->items->len;
    e->links = (ghs_link *)(void *)g_array_free(l->items, e->n_links == 0);
    l->items = NULL;
    l->seen = NULL;
}

void ghs_x_links_clear(ghs_x_links *l)
{
    if (l->items != NULL) {
        for (guint i = 0; i < l->items->len; i++) {
            ghs_link *k = &g_array_index(l->items, ghs_link, i);
            g_free(k->url);
            g_free(k->anchor);
        }
        g_array_free(l->items, TRUE);
    }
    if (l->seen != NULL)
        g_hash_table_destroy(l->seen);
    l->items = NULL;
    l->seen = NULL;
}

/* ------------------------------------------------------------- text */

bool ghs_x_is_space(gunichar c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v' || c == 0x00A0 || c == 0x3000 || g_unichar_isspace(c);
}

char *ghs_x_collapse_ws(const char *s, size_t len)
{
    GString *out = g_string_sized_new(len);
    const char *p = s, *end = s + len;
    bool pending = false;
    while (p < end) {
        gunichar c = g_utf8_get_char(p);
        const char *next = g_utf8_next_char(p);
        if (next > end)
            break;
        if (ghs_x_is_space(c)) {
            pending = out->len > 0;
        } else {
            if (pending)
                g_string_append_c(out, ' ');
            pending = false;
            g_string_append_len(out, p, next - p);
        }
        p = next;
    }
    return g_string_free(out, FALSE);
}
