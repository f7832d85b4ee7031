/*
 * extract_release.c: ghs_extract_release(), press releases as HTML or plain
 * text. This file reads the file, decides its kind and handles plain text
 * releases; HTML is parsed in extract_html.c.
 *
 * A plain text release is what a reader copies from a wire service's page:
 * title on the first line, a date and a "提供元:" (distributor) line near
 * the top, image placeholders ("[画像1: https://... ]"), links written out
 * as bare URLs under the line that names them, and often the whole body
 * printed twice. The reader keeps the body once, without the placeholders
 * and the metadata lines, and returns the links with their anchor lines.
 */
#include "extract_internal.h"

#include <string.h>

/* ------------------------------------------------------------ lines */

typedef struct line {
    const char *s;   /* into the cleaned text, not NUL-terminated */
    size_t len;      /* trimmed */
    bool keep;       /* part of the body */
} line;

/* '\n' line ends, tabs as spaces, no other control characters. */
static GString *clean_text(const char *data, size_t len)
{
    GString *out = g_string_sized_new(len);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c == '\r') {
            if (i + 1 < len && data[i + 1] == '\n')
                continue;
            c = '\n';
        }
        if (c == '\t')
            c = ' ';
        if (c < 0x20 && c != '\n')
            continue;
        if (c == 0x7F)
            continue;
        /* U+FEFF inside the text (files glued together) carries nothing */
        if (c == 0xEF && i + 2 < len && (unsigned char)data[i + 1] == 0xBB &&
            (unsigned char)data[i + 2] == 0xBF) {
            i += 2;
            continue;
        }
        g_string_append_c(out, (char)c);
    }
    return out;
}

static bool is_space_at(const char *s, size_t len, size_t i, size_t *n)
{
    gunichar c = g_utf8_get_char_validated(s + i, (gssize)(len - i));
    if (c == (gunichar)-1 || c == (gunichar)-2 || !ghs_x_is_space(c))
        return false;
    *n = (size_t)(g_utf8_next_char(s + i) - (s + i));
    return true;
}

static void trim(const char **s, size_t *len)
{
    size_t n;
    while (*len > 0 && is_space_at(*s, *len, 0, &n)) {
        *s += n;
        *len -= n;
    }
    while (*len > 0) {
        const char *last = g_utf8_find_prev_char(*s, *s + *len);
        if (last == NULL)
            break;
        size_t at = (size_t)(last - *s);
        if (!is_space_at(*s, *len, at, &n))
            break;
        *len = at;
    }
}

static GArray *split_lines(const GString *text)
{
    GArray *lines = g_array_new(FALSE, TRUE, sizeof(line));
    size_t start = 0;
    while (start <= text->len) {
        const char *nl = memchr(text->str + start, '\n', text->len - start);
        size_t end = nl != NULL ? (size_t)(nl - text->str) : text->len;
        line l = {text->str + start, end - start, true};
        trim(&l.s, &l.len);
        g_array_append_val(lines, l);
        if (nl == NULL)
            break;
        start = end + 1;
    }
    return lines;
}

static bool starts_with(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return len >= n && memcmp(s, lit, n) == 0;
}

/* "[画像1: https://... ]", "［写真2：...］", "[image 3: ...]" */
static bool is_image_placeholder(const line *l)
{
    static const char *const words[] = {"画像", "写真", "図", "image", "Image",
                                        "IMAGE", "photo", "Photo"};
    const char *s = l->s;
    size_t len = l->len, at;
    if (starts_with(s, len, "["))
        at = 1;
    else if (starts_with(s, len, "［"))
        at = strlen("［");
    else
        return false;
    bool closed = (len > 0 && s[len - 1] == ']') ||
                  (len >= 3 && memcmp(s + len - 3, "］", 3) == 0);
    if (!closed)
        return false;
    for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
        if (!starts_with(s + at, len - at, words[i]))
            continue;
        size_t p = at + strlen(words[i]);
        while (p < len && (g_ascii_isdigit(s[p]) || s[p] == ' '))
            p++;
        return starts_with(s + p, len - p, ":") || starts_with(s + p, len - p, "：");
    }
    return false;
}

/* ------------------------------------------------------------ header */

/* Wire-service distributor lines: "提供元:PRTIMES", "配信元：..." */
static bool publisher_line(const line *l, char **publisher)
{
    static const char *const labels[] = {"提供元", "配信元", "発行元"};
    for (size_t i = 0; i < G_N_ELEMENTS(labels); i++) {
        size_t n = strlen(labels[i]);
        if (!starts_with(l->s, l->len, labels[i]))
            continue;
        const char *v = l->s + n;
        size_t vlen = l->len - n;
        trim(&v, &vlen);
        if (starts_with(v, vlen, ":"))
            n = 1;
        else if (starts_with(v, vlen, "："))
            n = strlen("：");
        else
            continue;
        v += n;
        vlen -= n;
        trim(&v, &vlen);
        if (*publisher == NULL && vlen > 0)
            *publisher = g_strndup(v, vlen);
        return true;
    }
    return false;
}

/* True when nothing but brackets and spaces surround the date. */
static bool only_date(const line *l, size_t start, size_t end)
{
    for (size_t i = 0; i < l->len; i++) {
        if (i >= start && i < end)
            continue;
        if (strchr("[]()<> .,/-", l->s[i]) == NULL)
            return false;
    }
    return true;
}

/* Title, date and publisher from the top of the release; the lines that
 * only carried a date or the distributor leave the body. */
static void read_header(GArray *lines, ghs_extracted *e)
{
    int seen = 0;
    for (guint i = 0; i < lines->len && seen < 10; i++) {
        line *l = &g_array_index(lines, line, i);
        if (l->len == 0)
            continue;
        seen++;
        if (e->title == NULL) {
            /* A first line of a whole paragraph is cut to a readable size. */
            size_t n = l->len;
            if (n > 300)
                n = (size_t)(g_utf8_find_prev_char(l->s, l->s + 300) - l->s);
            e->title = ghs_x_collapse_ws(l->s, n);
            continue;
        }
        if (publisher_line(l, &e->publisher)) {
            l->keep = false;
            continue;
        }
        char date[11];
        size_t ds, de;
        if (e->date == NULL && ghs_x_find_date(l->s, l->len, date, &ds, &de)) {
            e->date = g_strdup(date);
            if (only_date(l, ds, de))
                l->keep = false;
        }
    }
}

/* ------------------------------------------------------------ duplicate body */

static bool same_line(const line *a, const line *b)
{
    return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

/* Wire services print the body twice. Finds the longest run of non-empty
 * lines that appears twice without overlapping and, when it holds at least
 * a third of the text (so the two copies are most of the release), drops
 * the second copy. Lines around the copies (headers that differ) stay. */
static void drop_repeated_body(GArray *lines)
{
    GArray *idx = g_array_new(FALSE, FALSE, sizeof(guint));
    size_t total = 0;
    for (guint i = 0; i < lines->len; i++) {
        const line *l = &g_array_index(lines, line, i);
        if (l->keep && l->len > 0) {
            g_array_append_val(idx, i);
            total += l->len;
        }
    }
    guint m = idx->len;
#define L(k) (&g_array_index(lines, line, g_array_index(idx, guint, (k))))
    /* Equal lines are found through a hash of their text; the budget keeps
     * a file of thousands of identical lines from costing m^2. */
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify)g_array_unref);
    guint best_j = 0, best_t = 0;
    size_t best_bytes = 0;
    long budget = 20000000;
    for (guint j = 0; j < m && budget > 0; j++) {
        char *key = g_strndup(L(j)->s, L(j)->len);
        GArray *list = g_hash_table_lookup(seen, key);
        if (list == NULL) {
            list = g_array_new(FALSE, FALSE, sizeof(guint));
            g_hash_table_insert(seen, key, list);
        } else {
            g_free(key);
        }
        for (guint o = 0; o < list->len && budget > 0; o++) {
            guint i = g_array_index(list, guint, o);
            budget--;
            /* only maximal runs: skip pairs whose predecessors match too */
            if (i > 0 && same_line(L(i - 1), L(j - 1)))
                continue;
            guint t = 0;
            size_t bytes = 0;
            while (i + t < j && j + t < m && same_line(L(i + t), L(j + t))) {
                bytes += L(i + t)->len;
                t++;
                budget--;
            }
            if (bytes > best_bytes) {
                best_bytes = bytes;
                best_j = j;
                best_t = t;
            }
        }
        g_array_append_val(list, j);
    }
    if (best_t >= 2 && best_bytes * 3 >= total) {
        /* The second copy goes, with the blank lines inside it. */
        guint from = g_array_index(idx, guint, best_j);
        guint to = g_array_index(idx, guint, best_j + best_t - 1);
        for (guint k = from; k <= to; k++)
            g_array_index(lines, line, k).keep = false;
    }
#undef L
    g_hash_table_destroy(seen);
    g_array_free(idx, TRUE);
}

/* ------------------------------------------------------------ links */

static bool url_char(unsigned char c)
{
    return c > 0x20 && c < 0x7F && strchr("\"<>\\^`{|}", c) == NULL;
}

/* The end of the URL starting at s[0] (after "http(s)://"), stopping at
 * white space, any non-ASCII character (「」（） and the Japanese text that
 * follows a URL without a space) and a ')' or ']' that closes nothing, so
 * ".../PIIS0140-6736(23)00690-6/fulltext" keeps its parentheses and
 * "(https://x/y.pdf)" loses the closing one. */
static size_t url_length(const char *s, size_t len, size_t scheme_len)
{
    int paren = 0, bracket = 0;
    size_t i = scheme_len;
    for (; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!url_char(c))
            break;
        if (c == '(')
            paren++;
        else if (c == ')' && paren-- == 0)
            break;
        else if (c == '[')
            bracket++;
        else if (c == ']' && bracket-- == 0)
            break;
    }
    while (i > scheme_len && strchr(".,;:!?'*", s[i - 1]) != NULL)
        i--;
    return i;
}

static bool is_image_url(const char *url, size_t len)
{
    static const char *const exts[] = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg"};
    size_t path_len = 0;
    while (path_len < len && url[path_len] != '?' && url[path_len] != '#')
        path_len++;
    for (size_t i = 0; i < G_N_ELEMENTS(exts); i++) {
        size_t n = strlen(exts[i]);
        if (path_len > n && g_ascii_strncasecmp(url + path_len - n, exts[i], n) == 0)
            return true;
    }
    return false;
}

/* "http://" or "https://" at s[i] (not inside a word); its length or 0. */
static size_t scheme_at(const char *s, size_t len, size_t i)
{
    if (i > 0 && g_ascii_isalnum(s[i - 1]))
        return 0;
    if (len - i > 8 && g_ascii_strncasecmp(s + i, "https://", 8) == 0)
        return 8;
    if (len - i > 7 && g_ascii_strncasecmp(s + i, "http://", 7) == 0)
        return 7;
    return 0;
}

/* The words that name a link written inside a line: what stands between
 * the previous URL (or the line start) and this one, or the 「title」 just
 * before it; at most ~200 bytes, taken from the end. */
static char *inline_anchor(const char *s, size_t len)
{
    trim(&s, &len);
    while (len > 0 && strchr("(:-=>", s[len - 1]) != NULL) {
        len--;
        trim(&s, &len);
    }
    static const char *const tails[] = {"（", "：", "→", "⇒", "▼"};
    for (size_t i = 0; i < G_N_ELEMENTS(tails); i++) {
        size_t n = strlen(tails[i]);
        if (len >= n && memcmp(s + len - n, tails[i], n) == 0) {
            len -= n;
            trim(&s, &len);
        }
    }
    if (len >= 3 && memcmp(s + len - 3, "」", 3) == 0) {
        const char *stop = s + len - 3;
        const char *open = g_strrstr_len(s, (gssize)len, "「");
        if (open != NULL && open + 3 < stop) {
            s = open + 3;
            len = (size_t)(stop - s);
        }
    }
    if (len > 200) {
        const char *from = g_utf8_find_next_char(s + len - 200, s + len);
        if (from == NULL)
            from = s + len;
        /* Start at a word, not inside one ("ラットフォーム..."): at the
         * first 「 of the window, else after its first clause break, as
         * long as that keeps half of the window. */
        const char *end = s + len, *half = from + 100;
        const char *open = strstr(from, "「");
        if (open != NULL && open < half) {
            from = open;
        } else {
            static const char *const breaks[] = {"、", "。", "，", ", ", " "};
            const char *best = NULL;
            for (size_t i = 0; i < G_N_ELEMENTS(breaks); i++) {
                const char *b = g_strstr_len(from, end - from, breaks[i]);
                if (b != NULL && b < half && (best == NULL || b < best))
                    best = b + strlen(breaks[i]);
            }
            if (best != NULL)
                from = best;
        }
        len -= (size_t)(from - s);
        s = from;
    }
    return g_strndup(s, len);
}

/* A line that is nothing but one URL. */
static bool url_only(const line *l)
{
    size_t n = scheme_at(l->s, l->len, 0);
    return n > 0 && url_length(l->s, l->len, n) == l->len;
}

/* Every http(s) URL in the body lines, anchored by the words before it on
 * its line or else by the nearest non-empty line above that is not itself
 * a URL. Image URLs are not links to follow. */
static void scan_links(const GArray *lines, ghs_x_links *links)
{
    const line *prev_text = NULL;
    for (guint k = 0; k < lines->len; k++) {
        const line *l = &g_array_index(lines, line, k);
        if (!l->keep || l->len == 0)
            continue;
        size_t seg = 0; /* where the words naming the next URL start */
        for (size_t i = 0; i < l->len; i++) {
            size_t scheme = scheme_at(l->s, l->len, i);
            if (scheme == 0)
                continue;
            size_t n = url_length(l->s + i, l->len - i, scheme);
            if (n > scheme && !is_image_url(l->s + i, n)) {
                char *anchor = inline_anchor(l->s + seg, i - seg);
                if (anchor[0] == '\0' && prev_text != NULL) {
                    /* the line above names it; a long paragraph is cut */
                    size_t n = prev_text->len;
                    if (n > 300)
                        n = (size_t)(g_utf8_find_prev_char(prev_text->s,
                                                           prev_text->s + 300) -
                                     prev_text->s);
                    g_free(anchor);
                    anchor = g_strndup(prev_text->s, n);
                }
                ghs_x_links_add(links, l->s + i, n, anchor);
                g_free(anchor);
            }
            i += n - 1;
            seg = i + 1;
        }
        if (!url_only(l))
            prev_text = l;
    }
}

/* ------------------------------------------------------------ assembly */

int ghs_x_extract_text(const char *name, const char *data, size_t len,
                       ghs_extracted *e, ghs_error *err)
{
    const char *bad = NULL;
    if (!g_utf8_validate(data, (gssize)len, &bad))
        return ghs_set_error(err, GHS_EFORMAT,
                           "[release][%s] not UTF-8 text: invalid byte at offset %zu",
                           name, (size_t)(bad - data));

    GString *text = clean_text(data, len);
    GArray *lines = split_lines(text);
    for (guint i = 0; i < lines->len; i++) {
        line *l = &g_array_index(lines, line, i);
        if (is_image_placeholder(l))
            l->keep = false;
    }
    read_header(lines, e);
    drop_repeated_body(lines);

    ghs_x_links links;
    ghs_x_links_init(&links);
    scan_links(lines, &links);

    /* Body: kept lines, at most one blank line in a row, none at the ends. */
    GString *body = g_string_sized_new(text->len);
    bool blank = false;
    for (guint i = 0; i < lines->len; i++) {
        const line *l = &g_array_index(lines, line, i);
        if (!l->keep)
            continue;
        if (l->len == 0) {
            blank = body->len > 0;
            continue;
        }
        if (body->len > 0)
            g_string_append(body, blank ? "\n\n" : "\n");
        blank = false;
        g_string_append_len(body, l->s, l->len);
    }
    g_array_free(lines, TRUE);
    g_string_free(text, TRUE);

    if (body->len == 0) {
        g_string_free(body, TRUE);
        ghs_x_links_clear(&links);
        return ghs_set_error(err, GHS_ENOTEXT, "[release][%s] no text: empty body", name);
    }
    ghs_x_links_move(&links, e);
    e->pages = g_new0(ghs_page, 1);
    e->n_pages = 1;
    e->pages[0].number = 0;
    e->pages[0].len = body->len;
    e->pages[0].text = g_string_free(body, FALSE);
    return 0;
}

static bool looks_like_html(const char *data, size_t len)
{
    size_t i = 0;
    while (i < len && g_ascii_isspace(data[i]))
        i++;
    size_t n = len - i < 512 ? len - i : 512;
    char *head = g_ascii_strdown(data + i, (gssize)n);
    bool html = g_str_has_prefix(head, "<!doctype html") ||
                g_str_has_prefix(head, "<html") || strstr(head, "<html") != NULL;
    g_free(head);
    return html;
}

int ghs_extract_release(const char *path, ghs_extracted *e, ghs_error *err)
{
    if (path == NULL || e == NULL)
        return ghs_set_error(err, GHS_EINVAL, "[release] no path or no result to fill");
    const char *name = ghs_x_basename(path);
    memset(e, 0, sizeof *e);

    char *data = NULL;
    size_t len = 0;
    int rc = ghs_x_read_file(path, "release", GHS_X_MAX_RELEASE, &data, &len, err);
    if (rc != 0)
        return rc;

    /* NUL bytes early on: an image, an archive, UTF-16 text... */
    if (memchr(data, '\0', len < 1024 ? len : 1024) != NULL) {
        g_free(data);
        return ghs_set_error(err, GHS_EFORMAT,
                           "[release][%s] binary file, not a release (NUL bytes)", name);
    }
    const char *body = data;
    size_t body_len = len;
    bool bom = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0;
    if (bom) {
        body += 3;
        body_len -= 3;
    }

    const char *dot = strrchr(name, '.');
    bool html;
    if (dot != NULL && (g_ascii_strcasecmp(dot, ".html") == 0 ||
                        g_ascii_strcasecmp(dot, ".htm") == 0 ||
                        g_ascii_strcasecmp(dot, ".xhtml") == 0))
        html = true;
    else if (dot != NULL && g_ascii_strcasecmp(dot, ".txt") == 0)
        html = false;
    else
        html = looks_like_html(body, body_len);

    rc = html ? ghs_x_extract_html(name, body, body_len, e, err)
              : ghs_x_extract_text(name, body, body_len, e, err);
    g_free(data);
    if (rc != 0)
        ghs_extracted_clear(e);
    return rc;
}
