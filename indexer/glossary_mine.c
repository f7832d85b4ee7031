/*
 * glossary_mine.c: definition pairs found in one page of text (see
 * glossary_mine.h for the patterns).
 *
 * The text is NFKC-normalized and decoded to code points once; every
 * bracket "(...)" is then looked at on its own: what it holds (an acronym,
 * "English: ACRO", an English phrase, a Japanese term) and what stands
 * right before it (the long form, or an acronym) decide the pair. English
 * long forms are checked against the acronym's letters, which delimits
 * them; Japanese long forms cannot be, so their start is found by walking
 * back over kanji and katakana and stopping at what cannot be inside a
 * term (punctuation, spaces, particles, a line start).
 */
#include <glib.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "glossary_mine.h"

#define MAX_BRACKET 120   /* code points between "(" and ")" */
#define MAX_JA_TERM 30    /* code points of a Japanese long form */
#define MAX_QUOTED 40     /* code points of a term quoted in 「」 */
#define MAX_EN_WORDS 12   /* words looked at before "(ACRO)" */
#define MAX_ACRO 10       /* letters of an acronym */
#define MAX_PHRASE_WORDS 8

typedef struct page {
    const gunichar *u;
    glong n;
    int wrapped;
    int *line_of;      /* line index of each code point ('\n' ends its line) */
    int *line_width;   /* display width per line (wide characters count 2) */
    uint8_t *line_foot;/* 1 when the line is part of a footnote */
    int n_lines;
    int full;          /* width from which a line counts as full (wrapped) */
} page;

/* ------------------------------------------------------------ characters */

static int is_han(gunichar c)
{
    return g_unichar_get_script(c) == G_UNICODE_SCRIPT_HAN;
}

static int is_kata(gunichar c)
{
    /* ー (U+30FC) is script Common but only ever written inside words. */
    return g_unichar_get_script(c) == G_UNICODE_SCRIPT_KATAKANA || c == 0x30FC;
}

static int is_hira(gunichar c)
{
    return g_unichar_get_script(c) == G_UNICODE_SCRIPT_HIRAGANA && c != 0x30FC;
}

static int ja_core(gunichar c)
{
    return is_han(c) || is_kata(c);
}

static int is_dot(gunichar c)
{
    return c == 0x30FB;   /* ・ katakana middle dot (NFKC folds the half-width one) */
}

static int is_ascii_alnum(gunichar c)
{
    return c < 0x80 && g_ascii_isalnum((char)c);
}

static int is_upper(gunichar c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(gunichar c) { return c >= 'a' && c <= 'z'; }
static int is_digit(gunichar c) { return c >= '0' && c <= '9'; }

/* A letter of an English word: ASCII letters and digits, Latin letters. */
static int is_word_char(gunichar c)
{
    if (c < 0x80)
        return g_ascii_isalnum((char)c) || c == '\'';
    return c == 0x2019 ||
           (g_unichar_isalpha(c) && g_unichar_get_script(c) == G_UNICODE_SCRIPT_LATIN);
}

/* ------------------------------------------------------------ page layout */

static int line_full(const page *pg, int line)
{
    return pg->wrapped && line >= 0 && line < pg->n_lines && pg->full > 0 &&
           pg->line_width[line] >= pg->full;
}

/* u[q] is '\n': may a term continue across it? Only in wrapped text, and
 * only when the line it ends was filled to the width (a soft wrap). */
static int soft_break(const page *pg, glong q)
{
    return q > 0 && pg->u[q] == '\n' && line_full(pg, pg->line_of[q]);
}

/* Does the line starting at s open a footnote? */
static int footnote_start(const gunichar *u, glong n, glong s)
{
    while (s < n && (u[s] == ' ' || u[s] == '\t'))
        s++;
    if (s >= n)
        return 0;
    if (u[s] == 0x6CE8) {           /* 注 */
        glong k = s + 1;
        while (k < n && u[k] == ' ')
            k++;
        int digits = 0;
        while (k < n && is_digit(u[k]))
            k++, digits++;
        return k < n && (u[k] == ')' || u[k] == ':' || u[k] == '.' ||
                         (digits && u[k] == ' '));
    }
    if (u[s] == 0x203B)             /* ※ */
        return 1;
    if (u[s] == '*' && s + 1 < n && (is_digit(u[s + 1]) || u[s + 1] == ' '))
        return 1;
    if (u[s] == '(' && s + 2 < n && u[s + 1] == 0x6CE8 && is_digit(u[s + 2]))
        return 1;
    static const char *const notes[] = { "Note ", "Notes", "Note:", "NOTE", "Footnote" };
    for (size_t i = 0; i < G_N_ELEMENTS(notes); i++) {
        size_t l = strlen(notes[i]);
        if (s + (glong)l > n)
            continue;
        size_t k = 0;
        while (k < l && u[s + (glong)k] == (gunichar)notes[i][k])
            k++;
        if (k == l)
            return 1;
    }
    return 0;
}

static void page_layout(page *pg)
{
    const gunichar *u = pg->u;
    glong n = pg->n;
    int lines = 1;
    for (glong i = 0; i < n; i++)
        lines += u[i] == '\n';
    pg->n_lines = lines;
    pg->line_of = g_new(int, n + 1);
    pg->line_width = g_new0(int, lines);
    pg->line_foot = g_new0(uint8_t, lines);
    int line = 0, maxw = 0;
    for (glong i = 0; i < n; i++) {
        pg->line_of[i] = line;
        if (u[i] == '\n') {
            line++;
            continue;
        }
        pg->line_width[line] += g_unichar_iswide(u[i]) ? 2 : 1;
        if (pg->line_width[line] > maxw)
            maxw = pg->line_width[line];
    }
    pg->line_of[n] = line;
    /* Wrapped text: lines within two wide characters of the widest one
     * were filled by the typesetter. A page of short lines has none. */
    pg->full = pg->wrapped && maxw >= 24 ? maxw - 4 : 0;

    /* Footnotes: a release keeps a note and the lines that continue it
     * (a bracketed source, a URL); a PDF page keeps everything from the
     * first note to the page's end, where footnotes are printed. In a PDF
     * a note must start a paragraph (the line before is not full), so a
     * wrapped "(注1)" inside the body is not taken for one. */
    int in_note = 0;
    glong s = 0;
    for (line = 0; line < lines; line++) {
        glong e = s;
        while (e < n && u[e] != '\n')
            e++;
        int starts = footnote_start(u, n, s) &&
                     !(pg->wrapped && line > 0 && line_full(pg, line - 1));
        if (starts) {
            in_note = 1;
        } else if (in_note && !pg->wrapped) {
            glong k = s;
            while (k < e && u[k] == ' ')
                k++;
            in_note = k < e && (u[k] == '(' ||
                                (k + 4 <= e && u[k] == 'h' && u[k + 1] == 't' &&
                                 u[k + 2] == 't' && u[k + 3] == 'p'));
        }
        pg->line_foot[line] = (uint8_t)in_note;
        s = e + 1;
    }
}

/* ------------------------------------------------------------ strings */

/* UTF-8 of u[a..b) with line breaks removed between two non-ASCII
 * characters (a wrapped Japanese line) and turned into spaces elsewhere,
 * runs of spaces collapsed, trimmed. */
static char *text_of(const gunichar *u, glong a, glong b)
{
    GString *s = g_string_new(NULL);
    for (glong i = a; i < b; i++) {
        gunichar c = u[i];
        if (c == '\n' || c == '\t' || c == '\r') {
            if (i > a && i + 1 < b && u[i - 1] >= 0x80 && u[i + 1] >= 0x80)
                continue;
            c = ' ';
        }
        if (c == ' ' && (s->len == 0 || s->str[s->len - 1] == ' '))
            continue;
        g_string_append_unichar(s, c);
    }
    while (s->len && s->str[s->len - 1] == ' ')
        g_string_truncate(s, s->len - 1);
    return g_string_free(s, FALSE);
}

static void add_pair(ghs_gloss_found_list *out, const page *pg, glong def_start,
                     glong def_end, const char *term, const char *equiv,
                     const char *lang, int kind)
{
    if (!term || !*term || !equiv || !*equiv || !strcmp(term, equiv))
        return;
    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 8;
        out->v = g_renew(ghs_gloss_found, out->v, out->cap);
    }
    ghs_gloss_found *f = &out->v[out->n++];
    memset(f, 0, sizeof *f);
    f->term = g_strdup(term);
    f->equivalent = g_strdup(equiv);
    f->as_written = text_of(pg->u, def_start, def_end);
    g_strlcpy(f->lang, lang, sizeof f->lang);
    f->kind = (uint8_t)kind;
    f->footnote = pg->line_foot[pg->line_of[def_start]];
}

/* ------------------------------------------------------------ acronyms */

/* Is u[a..b) an acronym? On success returns it as UTF-8 (a plural "s"
 * dropped: "MCMs" -> "MCM"), else NULL. Needs a capital first, two
 * capitals (or one and a digit: G7), at most MAX_ACRO characters, and is
 * none of the words brackets hold that are no definitions. */
static char *acronym_of(const gunichar *u, glong a, glong b)
{
    static const char *const not_acronyms[] = {
        "PDF", "HTML", "HTM", "URL", "MB", "KB", "GB", "TB", "JPG", "JPEG", "PNG",
        "GIF", "DOC", "DOCX", "XLS", "XLSX", "PPT", "PPTX", "CSV", "TXT", "XML",
        "JSON", "EN", "JA", "JP", "AM", "PM", "OK", "NB", "ID", "NO", "TBD",
    };
    if (b - a >= 3 && u[b - 1] == 's' && is_upper(u[b - 2]))
        b--;
    glong len = b - a;
    if (len < 2 || len > MAX_ACRO || !is_upper(u[a]) || !is_ascii_alnum(u[b - 1]))
        return NULL;
    int upper = 0, lower = 0, digit = 0, roman = 1;
    for (glong i = a; i < b; i++) {
        gunichar c = u[i];
        if (is_upper(c))
            upper++;
        else if (is_lower(c))
            lower++;
        else if (is_digit(c))
            digit++;
        else if (c != '-' && c != '&')
            return NULL;
        if (c != 'I' && c != 'V' && c != 'X')
            roman = 0;
    }
    if (roman || lower > upper || !(upper >= 2 || (upper == 1 && digit >= 1)))
        return NULL;
    char buf[4 * MAX_ACRO + 1];
    glong k = 0;
    for (glong i = a; i < b; i++)
        buf[k++] = (char)u[i];
    buf[k] = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(not_acronyms); i++)
        if (!g_ascii_strcasecmp(buf, not_acronyms[i]))
            return NULL;
    return g_strdup(buf);
}

/* The letters of an acronym that long forms are matched against. */
static size_t acronym_letters(const char *acro, char *out, size_t cap)
{
    size_t m = 0;
    for (const char *p = acro; *p && m + 1 < cap; p++)
        if (g_ascii_isalnum(*p))
            out[m++] = g_ascii_tolower(*p);
    out[m] = 0;
    return m;
}

/* ------------------------------------------------------------ English */

typedef struct word {
    glong start, end;   /* code points in the page */
    char low[48];       /* lower-case ASCII form (truncated) */
} word;

static int skippable(const char *w)
{
    static const char *const small[] = {
        "of", "and", "for", "the", "to", "in", "on", "a", "an", "with", "by", "at",
        "from", "&",
    };
    if (is_digit((gunichar)(unsigned char)w[0]))
        return 1;
    for (size_t i = 0; i < G_N_ELEMENTS(small); i++)
        if (!strcmp(w, small[i]))
            return 1;
    return 0;
}

static void word_fill(word *w, const gunichar *u, glong a, glong b)
{
    w->start = a;
    w->end = b;
    size_t k = 0;
    for (glong i = a; i < b && k + 1 < sizeof w->low; i++)
        w->low[k++] = u[i] < 0x80 ? g_ascii_tolower((char)u[i]) : '?';
    w->low[k] = 0;
}

/* Best number of initials with which words[j..n) spell letters[i..m)
 * (every word consumed; -1 when impossible), as a table best[i][j].
 * A word spells some letters starting with its initial and then letters
 * found later inside it, in order; small words and numbers may spell
 * nothing. */
static void initials_table(const char *letters, int m, const word *w, int n,
                           int best[MAX_ACRO + 1][MAX_EN_WORDS + 2])
{
    for (int i = 0; i <= m; i++)
        best[i][n] = i == m ? 0 : -1;
    for (int j = n - 1; j >= 0; j--) {
        for (int i = m; i >= 0; i--) {
            int v = skippable(w[j].low) ? best[i][j + 1] : -1;
            if (i < m && w[j].low[0] == letters[i]) {
                const char *p = w[j].low + 1;
                for (int k = 1; i + k <= m; k++) {
                    if (k > 1) {   /* letter i+k-1 must appear further inside */
                        while (*p && *p != letters[i + k - 1])
                            p++;
                        if (!*p)
                            break;
                        p++;
                    }
                    if (best[i + k][j + 1] >= 0 && 1 + best[i + k][j + 1] > v)
                        v = 1 + best[i + k][j + 1];
                }
            }
            best[i][j] = v;
        }
    }
}

/* Initials needed for a match to count: two at least, half the letters. */
static int initials_needed(int m)
{
    int h = (m + 1) / 2;
    return h > 2 ? h : 2;
}

/* Collect up to max English words ending at u[k] (walking back), in text
 * order, into w; returns how many. Words are separated by spaces, hyphens,
 * commas, slashes and "&" (a line break too in wrapped text). */
static int words_before(const page *pg, glong k, word *w, int max)
{
    word rev[MAX_EN_WORDS];
    int n = 0;
    glong pos = k;
    while (n < max && pos >= 0 && is_word_char(pg->u[pos])) {
        glong end = pos + 1;
        while (pos >= 0 && is_word_char(pg->u[pos]))
            pos--;
        word_fill(&rev[n++], pg->u, pos + 1, end);
        while (pos >= 0 && (pg->u[pos] == ' ' || pg->u[pos] == '-' || pg->u[pos] == ',' ||
                            pg->u[pos] == '/' || pg->u[pos] == '&' ||
                            (pg->u[pos] == '\n' && pg->wrapped)))
            pos--;
    }
    for (int i = 0; i < n; i++)
        w[i] = rev[n - 1 - i];
    return n;
}

/* Initials with which words[s..n) spell all the letters when word s must
 * give the first letter (the long form starts with a word that spells),
 * from a table of initials_table(); -1 when they cannot. */
static int spell_from(const char *letters, int m, const word *w, int s,
                      int best[MAX_ACRO + 1][MAX_EN_WORDS + 2])
{
    if (w[s].low[0] != letters[0])
        return -1;
    int v = -1;
    const char *p = w[s].low + 1;
    for (int k = 1; k <= m; k++) {
        if (k > 1) {   /* letter k-1 must appear further inside word s */
            while (*p && *p != letters[k - 1])
                p++;
            if (!*p)
                break;
            p++;
        }
        if (best[k][s + 1] >= 0 && 1 + best[k][s + 1] > v)
            v = 1 + best[k][s + 1];
    }
    return v;
}

/* The long form of acro among the n words just before a bracket: the span
 * ending at the bracket whose words spell the acronym with the most
 * initials (the shortest such span on a tie). Returns its first word's
 * index, or -1. */
static int long_form_before(const char *acro, const word *w, int n)
{
    char letters[MAX_ACRO + 2];
    int m = (int)acronym_letters(acro, letters, sizeof letters);
    if (m < 2 || m > MAX_ACRO || n == 0 || n > MAX_EN_WORDS)
        return -1;
    int best[MAX_ACRO + 1][MAX_EN_WORDS + 2];
    initials_table(letters, m, w, n, best);
    int best_s = -1, best_v = -1;
    for (int s = n - 1; s >= 0; s--) {
        int v = spell_from(letters, m, w, s, best);
        if (v >= initials_needed(m) && v > best_v) {
            best_v = v;
            best_s = s;
        }
    }
    return best_s;
}

/* Does the whole phrase w[0..n) spell acro (small words such as "the"
 * may come first)? Returns the index of the long form's first word, or -1. */
static int phrase_spells(const char *acro, const word *w, int n)
{
    char letters[MAX_ACRO + 2];
    int m = (int)acronym_letters(acro, letters, sizeof letters);
    if (m < 2 || m > MAX_ACRO || n == 0 || n > MAX_EN_WORDS)
        return -1;
    int best[MAX_ACRO + 1][MAX_EN_WORDS + 2];
    initials_table(letters, m, w, n, best);
    for (int s = 0; s < n; s++) {
        if (spell_from(letters, m, w, s, best) >= initials_needed(m))
            return s;
        if (!skippable(w[s].low))
            break;
    }
    return -1;
}

/* Split the bracket content c[a..b) into English words; 0 when it is not
 * a plain phrase (digits, punctuation other than hyphens, apostrophes and
 * spaces, or more than max words). */
static int phrase_words(const page *pg, glong a, glong b, word *w, int max)
{
    int n = 0;
    glong i = a;
    while (i < b) {
        gunichar c = pg->u[i];
        if (c == ' ' || c == '-' || c == '\n') {
            i++;
            continue;
        }
        if (!is_word_char(c) || is_digit(c))
            return 0;
        glong s = i;
        while (i < b && is_word_char(pg->u[i])) {
            if (is_digit(pg->u[i]))
                return 0;
            i++;
        }
        if (n == max)
            return 0;
        word_fill(&w[n++], pg->u, s, i);
    }
    return n;
}

/* ------------------------------------------------------------ Japanese */

static int particle_run(const gunichar *u, glong a, glong b)
{
    static const char *const particles[] = {
        "は", "が", "を", "に", "で", "と", "も", "へ", "や", "か", "の", "な", "た",
        "て", "し", "ね", "よ", "ば", "から", "まで", "より", "など", "して", "した",
        "する", "され", "ため", "への", "での", "との", "には", "では", "とは", "及び",
        "また", "および",
    };
    char buf[32];
    glong k = 0;
    for (glong i = a; i < b && k < 24; i++)
        k += g_unichar_to_utf8(u[i], buf + k);
    buf[k] = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(particles); i++)
        if (!strcmp(buf, particles[i]))
            return 1;
    return 0;
}

/* Walk back from u[k] (inclusive) over a Japanese term, not below lo.
 * Kanji, katakana, ・ and ASCII letters/digits joined to them belong to
 * it; a hiragana run belongs to it only as "の" between two words (twice
 * at most) or as okurigana of one or two characters after a kanji
 * ("備え・"); a soft line break is crossed in wrapped text. Returns the
 * first code point of the term, or -1 when there is none or it is longer
 * than MAX_JA_TERM. */
static glong ja_walk(const page *pg, glong k, glong lo)
{
    const gunichar *u = pg->u;
    if (k < lo || !ja_core(u[k]))
        return -1;
    glong pos = k;
    int n_no = 0;
    while (pos >= lo) {
        gunichar c = u[pos];
        if (ja_core(c) || is_dot(c) || is_ascii_alnum(c)) {
            pos--;
            continue;
        }
        if (c == '\n' && soft_break(pg, pos) && pos - 1 >= lo &&
            (ja_core(u[pos - 1]) || is_hira(u[pos - 1]) || is_dot(u[pos - 1]))) {
            pos--;
            continue;
        }
        if (is_hira(c)) {
            glong run_end = pos;
            while (pos >= lo && is_hira(u[pos]))
                pos--;
            glong run_start = pos + 1, run_len = run_end - run_start + 1;
            gunichar before = pos >= lo ? u[pos] : 0, after = u[run_end + 1];
            int no = run_len == 1 && u[run_start] == 0x306E;   /* の */
            int ok = no ? (n_no < 2 && ja_core(before) && ja_core(after))
                        : (run_len <= 2 && before && is_han(before) &&
                           (ja_core(after) || is_dot(after)) &&
                           !particle_run(u, run_start, run_end + 1));
            if (ok) {
                n_no += no;
                continue;
            }
            pos = run_end;
        }
        break;
    }
    glong start = pos + 1;
    /* A term starts with a word, not with a joiner, a digit or kana. */
    while (start <= k && (is_dot(u[start]) || u[start] == 0x30FC || is_hira(u[start]) ||
                          is_digit(u[start]) || u[start] == '\n'))
        start++;
    if (start > k || k + 1 - start < 2 || k + 1 - start > MAX_JA_TERM)
        return -1;
    if (pos >= lo && k + 1 - start >= MAX_JA_TERM)
        return -1;
    return start;
}

/* A term quoted in 「」 or 『』 that the bracket at i closes: 「TERM(...)」.
 * Returns its first code point or -1. */
static glong quoted_start(const page *pg, glong i, glong j, glong k)
{
    const gunichar *u = pg->u;
    if (j + 1 >= pg->n || (u[j + 1] != 0x300D && u[j + 1] != 0x300F))
        return -1;
    for (glong q = k; q >= 0 && k - q < MAX_QUOTED; q--) {
        gunichar c = u[q];
        if (c == 0x300C || c == 0x300E)
            return q + 1 <= k && (c == 0x300C) == (u[j + 1] == 0x300D) ? q + 1 : -1;
        if (c == '\n' || c == 0x300D || c == 0x300F || c == 0x3002 || c == 0x3001)
            return -1;
    }
    (void)i;
    return -1;
}

/* ------------------------------------------------------------ brackets */

/* Trim spaces off u[*a..*b). */
static void trim(const gunichar *u, glong *a, glong *b)
{
    while (*a < *b && (u[*a] == ' ' || u[*a] == '\n'))
        (*a)++;
    while (*b > *a && (u[*b - 1] == ' ' || u[*b - 1] == '\n'))
        (*b)--;
}

/* The acronym token ending at u[k] (ASCII letters, digits, - and &),
 * which must not continue an English word. Returns its start or -1. */
static glong acronym_token_start(const gunichar *u, glong k)
{
    glong s = k;
    while (s >= 0 && (is_ascii_alnum(u[s]) || u[s] == '-' || u[s] == '&'))
        s--;
    if (s >= 0 && is_word_char(u[s]))
        return -1;
    return s + 1 <= k ? s + 1 : -1;
}

/* The Japanese long form ending at u[k]: quoted, else walked back. */
static char *ja_long_form(const page *pg, glong i, glong j, glong k, glong *start)
{
    glong q = quoted_start(pg, i, j, k);
    glong s = q >= 0 ? q : ja_walk(pg, k, 0);
    if (s < 0)
        return NULL;
    *start = s;
    return text_of(pg->u, s, k + 1);
}

/* The last code point before the bracket at i (spaces skipped, and a soft
 * line break in wrapped text), or -1. */
static glong before_bracket(const page *pg, glong i)
{
    glong k = i - 1;
    int spaces = 0;
    /* In wrapped text an English line break is a space (proportional
     * fonts make "full" lines hard to tell; the acronym's letters delimit
     * an English long form anyway). */
    while (k >= 0 && spaces < 2 &&
           (pg->u[k] == ' ' ||
            (pg->u[k] == '\n' && (soft_break(pg, k) ||
                                  (pg->wrapped && k > 0 && pg->u[k - 1] < 0x80)))))
        k--, spaces++;
    return k;
}

static void mine_bracket(const page *pg, glong i, glong j, ghs_gloss_found_list *out)
{
    const gunichar *u = pg->u;
    glong a = i + 1, b = j;
    trim(u, &a, &b);
    if (a >= b)
        return;
    glong k = before_bracket(pg, i);
    if (k < 0)
        return;
    gunichar prev = u[k];

    /* "(ACRO)" after its long form */
    char *acro = acronym_of(u, a, b);
    if (acro) {
        glong s;
        if (ja_core(prev)) {
            char *ja = ja_long_form(pg, i, j, k, &s);
            if (ja)
                add_pair(out, pg, s, j + 1, acro, ja, "ja", GHS_GLOSS_KIND_ACRONYM);
            g_free(ja);
        } else if (is_word_char(prev)) {
            word w[MAX_EN_WORDS];
            int n = words_before(pg, k, w, MAX_EN_WORDS);
            int f = long_form_before(acro, w, n);
            if (f >= 0) {
                char *en = text_of(u, w[f].start, w[n - 1].end);
                add_pair(out, pg, w[f].start, j + 1, acro, en, "en", GHS_GLOSS_KIND_ACRONYM);
                g_free(en);
            }
        }
        g_free(acro);
        return;
    }

    /* "(English: ACRO)", "(ACRO: English)", "(English, ACRO)" */
    glong sep = -1;
    int n_sep = 0;
    for (glong x = a; x < b; x++)
        if (u[x] == ':' || u[x] == ';' || u[x] == ',') {
            sep = x;
            n_sep++;
        }
    if (n_sep == 1) {
        glong la = a, lb = sep, ra = sep + 1, rb = b;
        trim(u, &la, &lb);
        trim(u, &ra, &rb);
        char *ac = acronym_of(u, ra, rb);
        glong pa = la, pb = lb;
        if (!ac) {
            ac = acronym_of(u, la, lb);
            pa = ra;
            pb = rb;
        }
        if (ac) {
            word w[MAX_EN_WORDS];
            int n = phrase_words(pg, pa, pb, w, MAX_PHRASE_WORDS);
            int f = n ? phrase_spells(ac, w, n) : -1;
            glong s = k;
            char *ja = ja_core(prev) ? ja_long_form(pg, i, j, k, &s) : NULL;
            glong def = ja ? s : i;
            if (f >= 0) {
                char *en = text_of(u, w[f].start, w[n - 1].end);
                add_pair(out, pg, def, j + 1, ac, en, "en", GHS_GLOSS_KIND_ACRONYM);
                g_free(en);
            }
            if (ja)
                add_pair(out, pg, def, j + 1, ac, ja, "ja", GHS_GLOSS_KIND_ACRONYM);
            g_free(ja);
            g_free(ac);
            return;
        }
    }

    /* "ACRO (English long form)" and "日本語(English Term)" */
    word w[MAX_PHRASE_WORDS];
    int n = phrase_words(pg, a, b, w, MAX_PHRASE_WORDS);
    if (n > 0) {
        if (is_ascii_alnum(prev)) {
            glong t = acronym_token_start(u, k);
            char *ac = t >= 0 ? acronym_of(u, t, k + 1) : NULL;
            int f = ac ? phrase_spells(ac, w, n) : -1;
            if (f >= 0) {
                char *en = text_of(u, w[f].start, w[n - 1].end);
                add_pair(out, pg, t, j + 1, ac, en, "en", GHS_GLOSS_KIND_ACRONYM);
                g_free(en);
            }
            g_free(ac);
        } else if (ja_core(prev) && n >= 2 && !skippable(w[0].low) &&
                   strcmp(w[0].low, "see") && strcmp(w[0].low, "e") &&
                   strcmp(w[0].low, "i")) {
            glong s;
            char *ja = ja_long_form(pg, i, j, k, &s);
            char *en = text_of(u, w[0].start, w[n - 1].end);
            if (ja)
                add_pair(out, pg, s, j + 1, en, ja, "ja", GHS_GLOSS_KIND_TRANSLATION);
            g_free(ja);
            g_free(en);
        }
        return;
    }

    /* "ACRO(日本語)" */
    if (is_ascii_alnum(prev) && ja_walk(pg, b - 1, a) == a) {
        glong t = acronym_token_start(u, k);
        char *ac = t >= 0 ? acronym_of(u, t, k + 1) : NULL;
        if (ac) {
            char *ja = text_of(u, a, b);
            add_pair(out, pg, t, j + 1, ac, ja, "ja", GHS_GLOSS_KIND_ACRONYM);
            g_free(ja);
        }
        g_free(ac);
    }
}

/* The NFKC form of text (invalid UTF-8 as U+FFFD, up to a NUL) as code
 * points, *n of them; NULL when ICU fails. ICU's quick check copies the
 * already normalized part of a page (nearly all of it) instead of
 * decomposing and recomposing every character as g_utf8_normalize does:
 * that was most of the glossary's cost, run on every page indexed. */
static gunichar *nfkc_ucs4(const char *text, size_t len, glong *n)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&st);
    size_t n8 = strnlen(text, len);
    int32_t n16 = 0;
    if (U_FAILURE(st) || n8 > INT32_MAX / 4)
        return NULL;
    u_strFromUTF8WithSub(NULL, 0, &n16, text, (int32_t)n8, 0xFFFD, NULL, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        return NULL;
    st = U_ZERO_ERROR;
    UChar *src = g_new(UChar, (gsize)n16 + 1);
    u_strFromUTF8WithSub(src, n16 + 1, NULL, text, (int32_t)n8, 0xFFFD, NULL, &st);
    int32_t span = U_SUCCESS(st) ? unorm2_spanQuickCheckYes(nfkc, src, n16, &st) : 0;
    UChar *dst = src;
    int32_t nd = n16;
    if (U_SUCCESS(st) && span < n16) {
        /* Normalize the rest after the normalized prefix; NFKC rarely
         * grows text, and the exact size is asked for when it does. */
        int32_t cap = span + 2 * (n16 - span) + 16;
        for (int tries = 0; tries < 2; tries++) {
            g_free(dst == src ? NULL : dst);
            dst = g_new(UChar, (gsize)cap);
            memcpy(dst, src, (size_t)span * sizeof *src);
            st = U_ZERO_ERROR;
            nd = unorm2_normalizeSecondAndAppend(nfkc, dst, span, cap, src + span,
                                                 n16 - span, &st);
            if (st != U_BUFFER_OVERFLOW_ERROR)
                break;
            cap = nd + 1;
        }
        g_free(src);
        src = dst;
    }
    if (U_FAILURE(st)) {
        g_free(dst);
        return NULL;
    }
    gunichar *u = g_new(gunichar, (gsize)nd + 1);
    glong k = 0;
    for (int32_t i = 0; i < nd;) {
        UChar32 c;
        U16_NEXT(dst, i, nd, c);
        u[k++] = (gunichar)c;
    }
    u[k] = 0;
    g_free(dst);
    *n = k;
    return u;
}

size_t ghs_gloss_mine(const char *text, size_t len, unsigned flags,
                      ghs_gloss_found_list *out)
{
    if (!text || len == 0)
        return 0;
    glong n = 0;
    gunichar *u = nfkc_ucs4(text, len, &n);
    if (!u)
        return 0;
    page pg = { .u = u, .n = n, .wrapped = (flags & GHS_GLOSS_WRAPPED) != 0 };
    page_layout(&pg);
    size_t before = out->n;
    for (glong i = 0; i < n; i++) {
        if (u[i] != '(')
            continue;
        glong j = -1;
        for (glong x = i + 1; x < n && x - i <= MAX_BRACKET; x++) {
            if (u[x] == ')') {
                j = x;
                break;
            }
            if (u[x] == '(' || (u[x] == '\n' && !pg.wrapped))
                break;
        }
        if (j > i)
            mine_bracket(&pg, i, j, out);
    }
    g_free(pg.line_of);
    g_free(pg.line_width);
    g_free(pg.line_foot);
    g_free(u);
    return out->n - before;
}

void ghs_gloss_found_list_init(ghs_gloss_found_list *l)
{
    memset(l, 0, sizeof *l);
}

void ghs_gloss_found_list_free(ghs_gloss_found_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        g_free(l->v[i].term);
        g_free(l->v[i].equivalent);
        g_free(l->v[i].as_written);
    }
    g_free(l->v);
    memset(l, 0, sizeof *l);
}
