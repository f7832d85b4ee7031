/*
 * pdf_title.c: which title a PDF is cited by (pdf_title.h).
 *
 * Owns the judgement of the metadata /Title (placeholders, working labels,
 * file names, date codes, editorial markers, a script the text does not
 * use) and the fallback to the heading set in the largest type near the top
 * of the first page, read from poppler's text attributes (font sizes) and
 * text layout (one box per character of poppler_page_get_text()).
 * It does not decide between these and the corpus manifest (index.c).
 */
#include "pdf_title.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "extract_internal.h"
#include "unicode.h"

/* Longest heading taken as it is; a longer one is cut at a word. */
#define TITLE_MAX_CHARS 120
/* A "heading" longer than this, or of more lines, is body text set large. */
#define HEADING_MAX_CHARS 200
#define HEADING_MAX_LINES 4

/* ---------------------------------------------------------- scripts */

/* The script group of a letter: kana count as Han (Japanese writes both),
 * anything that is not a letter of a script is -1. */
static int script_group(gunichar c)
{
    if (!g_unichar_isalpha(c))
        return -1;
    GUnicodeScript s = g_unichar_get_script(c);
    if (s == G_UNICODE_SCRIPT_HIRAGANA || s == G_UNICODE_SCRIPT_KATAKANA)
        return G_UNICODE_SCRIPT_HAN;
    if (s == G_UNICODE_SCRIPT_COMMON || s == G_UNICODE_SCRIPT_INHERITED ||
        s == G_UNICODE_SCRIPT_UNKNOWN || s < 0 || s >= 256)
        return -1;
    return (int)s;
}

/* The script most letters of s[0..len) are written in, when at least 40
 * letters are and that script holds 60% of them; else -1 (too little text
 * or too mixed to tell). */
static int dominant_script(const char *s, size_t len)
{
    size_t counts[256] = {0}, letters = 0;
    const char *end = s + len;
    for (const char *p = s; p < end; p = g_utf8_next_char(p)) {
        int g = script_group(g_utf8_get_char(p));
        if (g >= 0) {
            counts[g]++;
            letters++;
        }
    }
    int best = -1;
    for (int i = 0; i < 256; i++)
        if (counts[i] > 0 && (best < 0 || counts[i] > counts[best]))
            best = i;
    if (best < 0 || letters < 40 || counts[best] * 10 < letters * 6)
        return -1;
    return best;
}

static bool has_script(const char *s, int group)
{
    for (const char *p = s; *p != '\0'; p = g_utf8_next_char(p))
        if (script_group(g_utf8_get_char(p)) == group)
            return true;
    return false;
}

/* ---------------------------------------------------------- judging */

static bool has_suffix_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && g_ascii_strcasecmp(s + n - m, suffix) == 0;
}

/* s without its digits, spaces and punctuation ("200319修正後" -> "修正後"). */
static char *letters_only(const char *s)
{
    GString *g = g_string_new(NULL);
    for (const char *p = s; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isalpha(c))
            g_string_append_unichar(g, c);
    }
    return g_string_free(g, FALSE);
}

/* Nothing but numbers and the words of a working copy or of a handout's
 * corner marker: "200319修正後", "資料1", "参考資料２", "別紙", "Rev. 3". */
static bool only_working_words(const char *t)
{
    static const char *const words[] = {
        "修正", "修正後", "修正版", "最新", "最新版", "最終", "最終版", "版", "案",
        "資料", "参考", "参考資料", "別紙", "別添", "別冊", "当日配布", "差替", "差替え",
        "rev", "ver", "v", "draft", "final", "copy", "confidential"};
    char *l = letters_only(t);
    bool bad = g_utf8_strlen(l, -1) < 2;
    for (size_t i = 0; !bad && i < G_N_ELEMENTS(words); i++)
        bad = g_ascii_strcasecmp(l, words[i]) == 0;
    g_free(l);
    return bad;
}

/* Only the words of a date ("平成 30 年 3 月 19 日", "金曜日"), even with its digits
 * mangled by a broken font): the dateline of a cover, not its title. */
static bool only_date_words(const char *t)
{
    static const char date_chars[] = "年月日度平成令和昭和元号第曜火水木金土";
    bool any = false;
    for (const char *p = t; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (!ghs_is_cjk_text(c))
            continue;
        any = true;
        char buf[8] = {0};
        g_unichar_to_utf8(c, buf);
        if (strstr(date_chars, buf) == NULL)
            return false;
    }
    return any;
}

/* What the largest type on a first page often is without being the
 * document's title: a section heading ("Contents", "目次"), a figure or
 * table caption, a line of numbers (a form, a drawing). */
static bool is_not_a_title_heading(const char *t)
{
    static const char *const sections[] = {
        "contents", "table of contents", "table of content", "inhaltsverzeichnis",
        "introduction", "abstract", "preface", "foreword", "acknowledgements",
        "acknowledgments", "executive summary", "summary", "overview", "index",
        "appendix", "references", "header", "heading", "title", "目次", "はじめに",
        "序文", "要旨", "概要", "要約", "謝辞", "付録", "参考文献", "目 次"};
    for (size_t i = 0; i < G_N_ELEMENTS(sections); i++)
        if (g_ascii_strcasecmp(t, sections[i]) == 0)
            return true;
    static const char *const captions[] = {"figure", "fig.", "table", "図", "表"};
    for (size_t i = 0; i < G_N_ELEMENTS(captions); i++) {
        size_t n = strlen(captions[i]);
        if (g_ascii_strncasecmp(t, captions[i], n) == 0) {
            const char *p = t + n;
            while (*p == ' ')
                p++;
            if (g_unichar_isdigit(g_utf8_get_char(p)))
                return true;
        }
    }
    size_t letters = 0, digits = 0;
    for (const char *p = t; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        letters += g_unichar_isalpha(c) != 0;
        digits += g_unichar_isdigit(c) != 0;
    }
    return digits >= letters || only_date_words(t);
}

/* Marks of a working copy, never of a published title: 【差替え】, ★最新,
 * （セット版）, 修正後, 見え消し... */
static bool has_editorial_marker(const char *t)
{
    static const char *const marks[] = {
        "\xE3\x80\x90",  /* 【 */
        "\xE2\x98\x85",  /* ★ */
        "\xE2\x98\x86",  /* ☆ */
        "\xE2\x80\xBB",  /* ※ */
        "差替", "差し替え", "差換", "修正後", "修正版", "見え消し", "溶け込み",
        "記者会見用", "セット版", "英訳セット", "和訳セット", "最新版", "最終版",
        "事務局修正", "反映版", "未定稿", "机上配布", "取扱注意", "作業用", "確認用"};
    for (size_t i = 0; i < G_N_ELEMENTS(marks); i++)
        if (strstr(t, marks[i]) != NULL)
            return true;
    /* A title starting with a bullet or box (◆, ■, ●, ▲...) */
    gunichar c = g_utf8_get_char(t);
    return (c >= 0x25A0 && c <= 0x25FF) || (c >= 0x2600 && c <= 0x26FF);
}

/* A date code: six or more digits in a row ("200319", "20230322",
 * "241116"), or four or more digits glued to a following word that is not
 * 年/月/日/度 ("0514提言"). */
static bool has_date_code(const char *t)
{
    size_t run = 0;
    for (const char *p = t; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isdigit(c)) {
            if (++run >= 6)
                return true;
            continue;
        }
        if (run >= 4 && g_unichar_isalpha(c) && ghs_is_cjk_text(c) &&
            c != 0x5E74 /* 年 */ && c != 0x6708 /* 月 */ && c != 0x65E5 /* 日 */ &&
            c != 0x5EA6 /* 度 */)
            return true;
        run = 0;
    }
    return false;
}

/* A file name rather than a title: underscores, or one word of Latin
 * letters with digits, dots or dashes, or in lower case only
 * ("font-size-test", "Pattyp2", "imagemagick-lzw", "habibi"). */
static bool looks_like_file_name(const char *t)
{
    if (strchr(t, '_') != NULL)
        return true;
    if (strchr(t, ' ') != NULL)
        return false;
    bool other = false, mark = false, upper = false, lower = false;
    for (const char *p = t; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c < 0x80 && g_ascii_isupper((int)c))
            upper = true;
        else if (c < 0x80 && g_ascii_islower((int)c))
            lower = true;
        else if (c < 0x80 && (g_ascii_isdigit((int)c) || c == '-' || c == '.'))
            mark = true;
        else if (g_unichar_isalpha(c))
            other = true;
    }
    return !other && (mark || (lower && !upper));
}

/* raw with control characters as spaces, white space collapsed, an office
 * suite's prefix and a file extension removed (*stripped says whether one
 * was), dashes and colons trimmed at both ends. NULL for invalid UTF-8. */
static char *clean_raw(const char *raw, bool *stripped)
{
    static const char *const office[] = {
        "Microsoft Word - ", "Microsoft PowerPoint - ", "Microsoft Excel - "};
    static const char *const exts[] = {
        ".docx", ".doc", ".pptx", ".ppt", ".xlsx", ".xls", ".rtf", ".odt",
        ".odp", ".pdf", ".txt", ".tex", ".indd", ".dvi", ".ps", ".eps", ".html",
        ".htm", ".jtd", ".xdw", ".key", ".pages", ".ai", ".graffle"};

    *stripped = false;
    if (raw == NULL || !g_utf8_validate(raw, -1, NULL))
        return NULL;
    GString *g = g_string_new(NULL);
    for (const char *p = raw; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        g_string_append_unichar(g, (c < 0x20 || c == 0x7F) ? ' ' : c);
    }
    char *t = ghs_x_collapse_ws(g->str, g->len);
    g_string_free(g, TRUE);

    for (size_t i = 0; i < G_N_ELEMENTS(office); i++) {
        size_t n = strlen(office[i]);
        if (g_ascii_strncasecmp(t, office[i], n) == 0) {
            memmove(t, t + n, strlen(t + n) + 1);
            *stripped = true;
            break;
        }
    }
    for (size_t i = 0; i < G_N_ELEMENTS(exts); i++) {
        if (has_suffix_ci(t, exts[i])) {
            t[strlen(t) - strlen(exts[i])] = '\0';
            *stripped = true;
            break;
        }
    }
    /* "- Benutzerhandbuch", "Report:" */
    size_t skip = strspn(t, " -:|/");
    memmove(t, t + skip, strlen(t + skip) + 1);
    size_t n = strlen(t);
    while (n > 0 && strchr(" -:|/", t[n - 1]) != NULL)
        t[--n] = '\0';
    return t;
}

/* Placeholders office suites and converters leave in /Title. */
static bool is_placeholder(const char *t)
{
    static const char *const useless[] = {
        "untitled", "untitled document", "no title", "title", "document",
        "new document", "slide 1", "powerpoint presentation",
        "presentation", "pdf", "none", "null", "enscript output",
        "powerpoint プレゼンテーション", "プレゼンテーション", "スライド 1",
        "無題", "タイトルなし", "ドキュメント", "文書"};
    static const char *const numbered[] = {"document", "book", "sheet",
                                           "presentation", "slide", "文書"};
    for (size_t i = 0; i < G_N_ELEMENTS(useless); i++)
        if (g_ascii_strcasecmp(t, useless[i]) == 0)
            return true;
    for (size_t i = 0; i < G_N_ELEMENTS(numbered); i++) {
        /* "Document1", "Book 12": an office suite's default name */
        size_t n = strlen(numbered[i]);
        if (g_ascii_strncasecmp(t, numbered[i], n) != 0)
            continue;
        const char *p = t + n;
        while (*p == ' ')
            p++;
        if (*p != '\0' && strspn(p, "0123456789") == strlen(p))
            return true;
    }
    /* A path or URL where the title should be ("file:///C:/x.html") */
    return g_str_has_prefix(t, "file:") || g_str_has_prefix(t, "http://") ||
           g_str_has_prefix(t, "https://") || strchr(t, '\\') != NULL;
}

ghs_title_grade ghs_pdf_title_judge(const char *raw, const char *text, size_t len,
                                    char **out)
{
    bool stripped = false;
    char *t = clean_raw(raw, &stripped);
    *out = NULL;
    if (t == NULL)
        return GHS_TITLE_BAD;
    bool bad = t[0] == '\0' || is_placeholder(t) || has_editorial_marker(t) ||
               has_date_code(t) || only_working_words(t) || looks_like_file_name(t);
    if (!bad && text != NULL) {
        /* A Japanese or Chinese text's title has kanji or kana (beside
         * acronyms such as "G7"); any other text's title has none. */
        int script = dominant_script(text, len);
        if (script == G_UNICODE_SCRIPT_HAN)
            bad = !has_script(t, script);
        else if (script >= 0)
            bad = !has_script(t, script) || has_script(t, G_UNICODE_SCRIPT_HAN);
    }
    if (bad) {
        g_free(t);
        return GHS_TITLE_BAD;
    }
    *out = t;
    return stripped ? GHS_TITLE_WEAK : GHS_TITLE_GOOD;
}

/* ---------------------------------------------------------- layout */

typedef struct text_line {
    size_t start, end;   /* bytes of the page text, without the '\n' */
    double size;         /* mean font size of its visible characters */
    double top, bottom;  /* from the top of the page, in points */
    size_t chars;        /* visible characters */
} text_line;

/* The page's lines with their font size and vertical extent. sizes and
 * rects are indexed by character (rects may be shorter: n_rects). */
static GArray *page_lines(const char *text, const double *sizes, glong n_chars,
                          const PopplerRectangle *rects, guint n_rects)
{
    GArray *lines = g_array_new(FALSE, TRUE, sizeof(text_line));
    text_line cur = { .top = INFINITY, .bottom = -INFINITY };
    double sum = 0;
    glong ci = 0;
    const char *p = text;
    for (;; p = g_utf8_next_char(p), ci++) {
        gunichar c = g_utf8_get_char(p);
        if (c == '\n' || c == '\0') {
            cur.end = (size_t)(p - text);
            if (cur.chars > 0) {
                cur.size = sum / (double)cur.chars;
                g_array_append_val(lines, cur);
            }
            if (c == '\0')
                break;
            cur = (text_line){ .start = cur.end + 1, .top = INFINITY, .bottom = -INFINITY };
            sum = 0;
            continue;
        }
        if (ghs_x_is_space(c) || ci >= n_chars || ci >= (glong)n_rects || sizes[ci] <= 0)
            continue;
        cur.chars++;
        sum += sizes[ci];
        cur.top = MIN(cur.top, MIN(rects[ci].y1, rects[ci].y2));
        cur.bottom = MAX(cur.bottom, MAX(rects[ci].y1, rects[ci].y2));
    }
    return lines;
}

/* Whether a line can be (part of) a title: letters, not a page number, a
 * date or a corner marker such as "資料1". */
static bool heading_candidate(const char *s, size_t n)
{
    char *t = ghs_x_collapse_ws(s, n);
    size_t ds = 0, de = 0;
    char date[11];
    bool ok = !only_working_words(t) && !only_date_words(t);
    if (ok && ghs_x_find_date(t, strlen(t), date, &ds, &de)) {
        /* a line that is a date and little more */
        GString *g = g_string_new(NULL);
        g_string_append_len(g, t, (gssize)ds);
        g_string_append(g, t + de);
        ok = !only_working_words(g->str);
        g_string_free(g, TRUE);
    }
    g_free(t);
    return ok;
}

/* Cut t (valid UTF-8) to at most TITLE_MAX_CHARS code points, at a space
 * when a space comes late enough, with "…" after it. */
static char *cut_title(char *t)
{
    if (g_utf8_strlen(t, -1) <= TITLE_MAX_CHARS)
        return t;
    char *end = g_utf8_offset_to_pointer(t, TITLE_MAX_CHARS);
    char *space = g_strrstr_len(t, end - t, " ");
    if (space != NULL && g_utf8_strlen(t, space - t) >= TITLE_MAX_CHARS / 2)
        end = space;
    *end = '\0';
    char *cut = g_strconcat(g_strchomp(t), "\xE2\x80\xA6", NULL);
    g_free(t);
    return cut;
}

/* The lines lines[first..last] joined: no space between two Japanese
 * lines, one space otherwise. */
static char *join_lines(const char *text, const text_line *lines, guint first, guint last)
{
    GString *g = g_string_new(NULL);
    for (guint i = first; i <= last; i++) {
        char *s = ghs_x_collapse_ws(text + lines[i].start, lines[i].end - lines[i].start);
        if (g->len > 0 && *s != '\0') {
            const char *prev = g_utf8_find_prev_char(g->str, g->str + g->len);
            bool glue = prev != NULL && ghs_is_cjk_text(g_utf8_get_char(prev)) &&
                        ghs_is_cjk_text(g_utf8_get_char(s));
            if (!glue)
                g_string_append_c(g, ' ');
        }
        g_string_append(g, s);
        g_free(s);
    }
    return g_string_free(g, FALSE);
}

char *ghs_pdf_layout_title(PopplerPage *page)
{
    char *text = poppler_page_get_text(page);
    if (text == NULL || *text == '\0' || !g_utf8_validate(text, -1, NULL)) {
        g_free(text);
        return NULL;
    }
    PopplerRectangle *rects = NULL;
    guint n_rects = 0;
    if (!poppler_page_get_text_layout(page, &rects, &n_rects) || n_rects == 0) {
        g_free(rects);
        g_free(text);
        return NULL;
    }
    glong n_chars = g_utf8_strlen(text, -1);
    double *sizes = g_new0(double, (gsize)n_chars + 1);
    GList *attrs = poppler_page_get_text_attributes(page);
    /* Runs are in text order; a run's end is taken as inclusive, and the
     * next run overwrites that character if it was not. */
    for (GList *l = attrs; l != NULL; l = l->next) {
        const PopplerTextAttributes *a = l->data;
        for (glong i = MAX(a->start_index, 0); i <= a->end_index && i < n_chars; i++)
            sizes[i] = isfinite(a->font_size) ? a->font_size : 0;
    }
    poppler_page_free_text_attributes(attrs);

    double page_w = 0, page_h = 0;
    poppler_page_get_size(page, &page_w, &page_h);
    GArray *lines = page_lines(text, sizes, n_chars, rects, n_rects);
    const text_line *L = (const text_line *)(void *)lines->data;

    /* The largest type among the lines in the upper 60% of the page that
     * could be a title. */
    double big = 0;
    guint first = G_MAXUINT;
    for (guint i = 0; i < lines->len; i++) {
        if (L[i].top > page_h * 0.6 || L[i].size <= big * 1.02 ||
            !heading_candidate(text + L[i].start, L[i].end - L[i].start))
            continue;
        big = L[i].size;
    }
    /* Text clearly smaller than it somewhere on the page: otherwise the
     * page is set in one size and has no heading. */
    bool smaller = false;
    for (glong i = 0; big > 0 && i < n_chars && !smaller; i++)
        smaller = sizes[i] > 0 && sizes[i] * 1.2 <= big;
    char *title = NULL;
    for (guint i = 0; smaller && i < lines->len && first == G_MAXUINT; i++)
        if (L[i].top <= page_h * 0.6 && L[i].size >= big * 0.92 &&
            heading_candidate(text + L[i].start, L[i].end - L[i].start))
            first = i;
    if (first != G_MAXUINT) {
        /* The heading goes on over the next lines of the same size that
         * follow it closely below. */
        guint last = first;
        size_t chars = L[first].chars;
        while (last + 1 < lines->len) {
            const text_line *a = &L[last], *b = &L[last + 1];
            bool same = b->size >= big * 0.92 && b->size <= big * 1.08 &&
                        b->top >= a->top && b->top - a->bottom <= big * 1.0;
            if (!same)
                break;
            last++;
            chars += b->chars;
        }
        if (last - first + 1 <= HEADING_MAX_LINES && chars <= HEADING_MAX_CHARS) {
            char *joined = join_lines(text, L, first, last);
            char *judged = NULL;
            if (ghs_pdf_title_judge(joined, NULL, 0, &judged) == GHS_TITLE_GOOD &&
                !is_not_a_title_heading(judged))
                title = cut_title(judged);
            else
                g_free(judged);
            g_free(joined);
        }
    }
    g_array_free(lines, TRUE);
    g_free(sizes);
    g_free(rects);
    g_free(text);
    return title;
}

/* ---------------------------------------------------------- choosing */

char *ghs_pdf_title(PopplerDocument *doc, const ghs_page *pages, size_t n_pages)
{
    GString *sample = g_string_new(NULL);
    for (size_t i = 0; i < n_pages && sample->len < 20000; i++)
        g_string_append_len(sample, pages[i].text, (gssize)pages[i].len);
    char *raw = poppler_document_get_title(doc);
    char *meta = NULL;
    ghs_title_grade grade = ghs_pdf_title_judge(raw, sample->str, sample->len, &meta);
    g_free(raw);
    g_string_free(sample, TRUE);
    if (grade == GHS_TITLE_GOOD)
        return meta;

    char *heading = NULL;
    PopplerPage *first = poppler_document_get_page(doc, 0);
    if (first != NULL) {
        heading = ghs_pdf_layout_title(first);
        g_object_unref(first);
    }
    if (heading != NULL) {
        g_free(meta);
        return heading;
    }
    return meta;   /* weak, or NULL */
}
