/*
 * glossary_user.c: reading the user's glossary file, the rules that add,
 * choose and veto glossary pairs (format in ghsearch.h, ghs_glossary_get;
 * how the rules act in glossary.c).
 */
#include <string.h>

#include "glossary.h"
#include "glossary_store.h"
#include "index_handle.h"

#define MAX_GLOSSARY_FILE (4 * 1024 * 1024)

static void rule_free(gpointer p)
{
    ghs_gloss_rule *r = p;
    g_free(r->term);
    g_free(r->term_key);
    g_free(r->equiv);
    g_free(r->equiv_key);
    g_free(r);
}

void ghs_gloss_rules_free(ghs_gloss_rules *r)
{
    if (!r)
        return;
    g_ptr_array_free(r->v, TRUE);
    g_free(r->path);
    g_free(r);
}

/* The full-width forms of '=', '!' and '#' (U+FF1D, U+FF01, U+FF03) and
 * the ideographic space (U+3000), which a Japanese input method types
 * unless switched to half-width: they mean what the ASCII ones mean. */
#define FW_EQUALS "\xEF\xBC\x9D"
#define FW_BANG "\xEF\xBC\x81"
#define FW_HASH "\xEF\xBC\x83"
#define IDEO_SPACE "\xE3\x80\x80"

/* Does p (inside line) follow white space or start the line? */
static int after_space(const char *line, const char *p)
{
    return p == line || g_ascii_isspace(p[-1]) ||
           (p - line >= 3 && !memcmp(p - 3, IDEO_SPACE, 3));
}

/* Cut a comment off line: '#' (or '＃') at its start or after white space. */
static void strip_comment(char *line)
{
    for (char *p = line; *p; p++)
        if ((*p == '#' || !strncmp(p, FW_HASH, 3)) && after_space(line, p)) {
            *p = 0;
            return;
        }
}

/* The first '=' or '＝' of line, its length in *len; NULL when none. */
static char *find_equals(char *line, size_t *len)
{
    char *a = strchr(line, '='), *b = strstr(line, FW_EQUALS);
    if (b && (!a || b < a)) {
        *len = 3;
        return b;
    }
    *len = 1;
    return a;
}

static int bad_line(ghs_error *err, const char *path, int line, const char *what)
{
    return ghs_set_error(err, GHS_EINVAL,
                         "[glossary][%s:%d] %s (expected 'TERM = EQUIVALENT', "
                         "'!TERM = EQUIVALENT' or '!TERM')", path, line, what);
}

int ghs_gloss_rules_load(ghs_analyzer *a, const char *path, ghs_gloss_rules **out,
                         ghs_error *err)
{
    *out = NULL;
    char *text = NULL;
    gsize len = 0;
    GError *ge = NULL;
    if (!g_file_get_contents(path, &text, &len, &ge)) {
        int rc = ghs_set_error(err, GHS_EIO, "[glossary][%s] cannot read: %s", path,
                               ge->message);
        g_error_free(ge);
        return rc;
    }
    if (len > MAX_GLOSSARY_FILE || !g_utf8_validate(text, (gssize)len, NULL) ||
        memchr(text, 0, len)) {
        g_free(text);
        return ghs_set_error(err, GHS_EINVAL, "[glossary][%s] not a UTF-8 text file%s", path,
                             len > MAX_GLOSSARY_FILE ? " (over 4 MiB)" : "");
    }
    ghs_gloss_rules *rules = g_new0(ghs_gloss_rules, 1);
    rules->path = g_strdup(path);
    rules->v = g_ptr_array_new_with_free_func(rule_free);
    char **lines = g_strsplit(text, "\n", -1);
    g_free(text);
    int rc = 0;
    for (int i = 0; rc == 0 && lines[i]; i++) {
        char *line = lines[i];
        if (i == 0 && g_str_has_prefix(line, "\xEF\xBB\xBF"))
            line += 3;   /* a byte order mark */
        strip_comment(line);
        g_strstrip(line);
        if (!*line)
            continue;
        ghs_gloss_rule *r = g_new0(ghs_gloss_rule, 1);
        r->line = i + 1;
        if (*line == '!' || !strncmp(line, FW_BANG, 3)) {
            r->veto = 1;
            line += *line == '!' ? 1 : 3;
        }
        size_t eq_len = 0;
        char *eq = find_equals(line, &eq_len);
        if (eq)
            *eq = 0;
        r->term = g_strstrip(g_strdup(line));
        r->equiv = eq ? g_strstrip(g_strdup(eq + eq_len)) : NULL;
        if (!*r->term || (eq && !*r->equiv) || (!eq && !r->veto)) {
            rc = bad_line(err, path, r->line,
                          !*r->term ? "no term" : eq ? "no equivalent" : "no '='");
        } else if (!(r->term_key = ghs_gloss_key(a, r->term, err))) {
            rc = err && err->code < 0 ? err->code
                                      : bad_line(err, path, r->line, "the term has no word");
        } else if (eq && !(r->equiv_key = ghs_gloss_key(a, r->equiv, err))) {
            rc = err && err->code < 0 ? err->code
                                      : bad_line(err, path, r->line, "the equivalent has no word");
        } else if (eq && !strcmp(r->term_key, r->equiv_key)) {
            rc = bad_line(err, path, r->line, "term and equivalent are the same word");
        }
        if (rc < 0) {
            rule_free(r);
            break;
        }
        if (r->equiv)
            g_strlcpy(r->lang, ghs_detect_lang(r->equiv, strlen(r->equiv)), sizeof r->lang);
        g_ptr_array_add(rules->v, r);
    }
    g_strfreev(lines);
    if (rc < 0) {
        ghs_gloss_rules_free(rules);
        return rc;
    }
    *out = rules;
    return 0;
}
