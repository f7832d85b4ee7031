/*
 * extract_html.c: the HTML half of ghs_extract_release(), through libxml2's
 * forgiving HTML parser.
 *
 * Owns: choosing the input encoding (a declared Shift_JIS or EUC-JP is
 * honoured, anything else is read as UTF-8), turning the <body> into lines
 * of text (navigation, headers, footers, scripts and forms left out; block
 * elements end lines; white space collapsed), and the metadata a release
 * page carries in <head> (title, dates, author/site, canonical URL, lang)
 * plus its http(s) links with their anchor text.
 */
#include "extract_internal.h"

#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/encoding.h>
#include <libxml/tree.h>
#include <libxml/uri.h>

/* ------------------------------------------------------------ encoding */

/* The charset a page declares in its first 4 KiB (<meta charset=...> or
 * http-equiv content="...; charset=..."), as a name iconv knows, or NULL. */
static char *declared_charset(const char *data, size_t len)
{
    size_t n = len < 4096 ? len : 4096;
    char *head = g_ascii_strdown(data, (gssize)n);
    char *out = NULL;
    const char *p = strstr(head, "charset");
    while (p != NULL && out == NULL) {
        const char *q = p + 7;
        while (*q == ' ')
            q++;
        if (*q == '=') {
            q++;
            while (*q == ' ' || *q == '"' || *q == '\'')
                q++;
            size_t m = strspn(q, "abcdefghijklmnopqrstuvwxyz0123456789-_:.");
            if (m > 0)
                out = g_strndup(q, m);
        }
        p = strstr(p + 7, "charset");
    }
    g_free(head);
    if (out == NULL)
        return NULL;

    /* Windows-31J (CP932) is what Japanese sites mean by Shift_JIS: it is a
     * superset, with the circled numbers and NEC symbols they use. */
    static const char *const sjis[] = {"shift_jis", "shift-jis", "sjis", "x-sjis",
                                       "windows-31j", "cp932", "ms_kanji", "csshiftjis"};
    for (size_t i = 0; i < G_N_ELEMENTS(sjis); i++) {
        if (strcmp(out, sjis[i]) == 0) {
            g_free(out);
            return g_strdup("CP932");
        }
    }
    if (strcmp(out, "euc-jp") == 0 || strcmp(out, "x-euc-jp") == 0 ||
        strcmp(out, "eucjp") == 0) {
        g_free(out);
        return g_strdup("EUC-JP");
    }
    if (strcmp(out, "utf-8") == 0 || strcmp(out, "utf8") == 0) {
        g_free(out);
        return NULL;
    }
    return out;
}

/* ------------------------------------------------------------ the walk */

enum { SKIP, BLOCK, CELL, INLINE };

static int element_kind(const char *name)
{
    static const char *const skip[] = {
        "script", "style", "noscript", "nav", "header", "footer", "aside",
        "form", "template", "svg", "math", "iframe", "object", "select",
        "button", "textarea", "title"};
    static const char *const block[] = {
        "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3",
        "h4", "h5", "h6", "tr", "table", "thead", "tbody", "tfoot", "caption",
        "section", "article", "main", "blockquote", "pre", "figure",
        "figcaption", "hr", "address", "details", "summary", "fieldset",
        "legend", "center", "body", "html"};
    for (size_t i = 0; i < G_N_ELEMENTS(skip); i++)
        if (strcmp(name, skip[i]) == 0)
            return SKIP;
    for (size_t i = 0; i < G_N_ELEMENTS(block); i++)
        if (strcmp(name, block[i]) == 0)
            return BLOCK;
    if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)
        return CELL;
    return INLINE;
}

typedef struct walk {
    GString *text;
    bool line_start, pending_space;
    bool pending_break;     /* the pending white space held a newline */
    gunichar last;          /* last character written */
    int pre;                /* depth inside <pre> */
    int head;               /* depth inside <head>: no body text there */
    ghs_x_links links;
    char *base;             /* for relative hrefs: <base>, canonical, og:url */
    xmlNodePtr a;           /* the <a href> being read, its text start */
    size_t a_start;
    xmlNodePtr h1;
    size_t h1_start;
    char *h1_text;
    /* metadata candidates, best first */
    char *title, *og_title, *site_name, *author, *canonical, *og_url;
    char *published, *meta_date, *time_date, *html_lang, *og_locale;
} walk;

static void end_line(walk *w)
{
    if (!w->line_start)
        g_string_append_c(w->text, '\n');
    w->line_start = true;
    w->pending_space = false;
    w->pending_break = false;
}

/* Table cells sit side by side: a space between them, never dropped. */
static void cell_gap(walk *w)
{
    w->pending_space = !w->line_start;
    w->pending_break = false;
}

static void add_text(walk *w, const char *s)
{
    if (w->head > 0)
        return;
    for (const char *p = s; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (w->pre > 0 && c == '\n') {
            end_line(w);
            continue;
        }
        if (ghs_x_is_space(c)) {
            if (!w->pending_space)
                w->pending_break = false;
            w->pending_space = !w->line_start;
            w->pending_break = w->pending_break || c == '\n' || c == '\r';
            continue;
        }
        if (c < 0x20 || c == 0x7F || c == 0xFEFF)
            continue;
        /* A source line break between two Japanese characters is no word
         * space (CSS Text 3's segment break rule): "保健\n医療" is one word. */
        if (w->pending_space &&
            !(w->pending_break && g_unichar_iswide(w->last) && g_unichar_iswide(c)))
            g_string_append_c(w->text, ' ');
        w->pending_space = false;
        w->pending_break = false;
        w->line_start = false;
        w->last = c;
        g_string_append_len(w->text, p, g_utf8_next_char(p) - p);
    }
}

static char *attr(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    if (v == NULL)
        return NULL;
    char *out = ghs_x_collapse_ws((const char *)v, strlen((const char *)v));
    xmlFree(v);
    if (out[0] == '\0') {
        g_free(out);
        return NULL;
    }
    return out;
}

static void set_once(char **slot, char *value)
{
    if (*slot == NULL)
        *slot = value;
    else
        g_free(value);
}

static bool is_http(const char *url)
{
    return g_ascii_strncasecmp(url, "http://", 7) == 0 ||
           g_ascii_strncasecmp(url, "https://", 8) == 0;
}

static bool has_token(const char *list, const char *token)
{
    char **parts = g_strsplit(list, " ", -1);
    bool found = false;
    for (char **p = parts; *p != NULL && !found; p++)
        found = g_ascii_strcasecmp(*p, token) == 0;
    g_strfreev(parts);
    return found;
}

static void read_meta(walk *w, xmlNodePtr n)
{
    char *key = attr(n, "property");
    if (key == NULL)
        key = attr(n, "name");
    if (key == NULL)
        key = attr(n, "itemprop");
    char *content = attr(n, "content");
    if (key == NULL || content == NULL) {
        g_free(key);
        g_free(content);
        return;
    }
    char *k = g_ascii_strdown(key, -1);
    g_free(key);
    char **slot = NULL;
    if (strcmp(k, "og:title") == 0 || strcmp(k, "twitter:title") == 0)
        slot = &w->og_title;
    else if (strcmp(k, "og:site_name") == 0)
        slot = &w->site_name;
    else if (strcmp(k, "author") == 0 || strcmp(k, "dc.publisher") == 0 ||
             strcmp(k, "citation_publisher") == 0)
        slot = &w->author;
    else if (strcmp(k, "og:url") == 0)
        slot = &w->og_url;
    else if (strcmp(k, "og:locale") == 0)
        slot = &w->og_locale;
    else if (strcmp(k, "article:published_time") == 0 ||
             strcmp(k, "datepublished") == 0)
        slot = &w->published;
    else if (strcmp(k, "date") == 0 || strcmp(k, "pubdate") == 0 ||
             strcmp(k, "publishdate") == 0 || strcmp(k, "dc.date") == 0 ||
             strcmp(k, "dc.date.issued") == 0 ||
             strcmp(k, "citation_publication_date") == 0 ||
             strcmp(k, "citation_date") == 0)
        slot = &w->meta_date;
    g_free(k);
    if (slot != NULL)
        set_once(slot, content);
    else
        g_free(content);
}

static void read_link(walk *w, xmlNodePtr n)
{
    char *rel = attr(n, "rel");
    if (rel != NULL && has_token(rel, "canonical")) {
        char *href = attr(n, "href");
        if (href != NULL)
            set_once(&w->canonical, href);
    }
    g_free(rel);
}

/* A relative reference to another file ("report.pdf", "../docs/a.pdf"):
 * no scheme, not a fragment, query or network-path reference. */
static bool is_relative_path(const char *href)
{
    if (href[0] == '\0' || href[0] == '#' || href[0] == '?' ||
        (href[0] == '/' && href[1] == '/'))
        return false;
    size_t n = strcspn(href, ":/?#");
    return href[n] != ':';
}

/* href made absolute against the page's base when it is relative. Without
 * an http(s) base, a relative file reference is kept as written (the link
 * follower looks for it next to the release); anything else that is not
 * http(s) (mailto:, javascript:, a bare fragment) gives NULL. */
static char *resolve(walk *w, const char *href)
{
    if (is_http(href))
        return g_strdup(href);
    const char *base = w->base != NULL ? w->base
                     : w->canonical != NULL ? w->canonical
                     : w->og_url;
    if (base == NULL || !is_http(base))
        return is_relative_path(href) ? g_strdup(href) : NULL;
    if (href[0] == '#')
        return NULL;
    xmlChar *abs = xmlBuildURI(BAD_CAST href, BAD_CAST base);
    char *out = NULL;
    if (abs != NULL && is_http((const char *)abs))
        out = g_strdup((const char *)abs);
    xmlFree(abs);
    return out;
}

/* The text the reader sees for a link: what was written inside it, else
 * its title or the alt text of an image in it. */
static void finish_anchor(walk *w)
{
    char *href = attr(w->a, "href");
    char *url = href != NULL ? resolve(w, href) : NULL;
    if (url != NULL) {
        char *anchor = ghs_x_collapse_ws(w->text->str + w->a_start,
                                         w->text->len - w->a_start);
        if (anchor[0] == '\0') {
            g_free(anchor);
            anchor = attr(w->a, "title");
            for (xmlNodePtr c = w->a->children; anchor == NULL && c != NULL; c = c->next)
                if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, BAD_CAST "img") == 0)
                    anchor = attr(c, "alt");
        }
        ghs_x_links_add(&w->links, url, strlen(url), anchor);
        g_free(anchor);
    }
    g_free(url);
    g_free(href);
    w->a = NULL;
}

/* Reads what <head> holds; these elements never reach the body text. */
static void head_element(walk *w, xmlNodePtr n, const char *name)
{
    if (strcmp(name, "title") == 0) {
        xmlChar *t = xmlNodeGetContent(n);
        if (t != NULL)
            set_once(&w->title, ghs_x_collapse_ws((const char *)t, strlen((const char *)t)));
        xmlFree(t);
    } else if (strcmp(name, "meta") == 0) {
        read_meta(w, n);
    } else if (strcmp(name, "link") == 0) {
        read_link(w, n);
    } else if (strcmp(name, "base") == 0) {
        char *href = attr(n, "href");
        if (href != NULL)
            set_once(&w->base, href);
    } else if (strcmp(name, "html") == 0) {
        char *lang = attr(n, "lang");
        if (lang == NULL)
            lang = attr(n, "xml:lang");
        if (lang != NULL)
            set_once(&w->html_lang, lang);
    }
}

/* Hidden by the page itself: hidden attribute, aria-hidden, or a role
 * that marks navigation, banners and page footers. */
static bool hidden(xmlNodePtr n)
{
    if (xmlHasProp(n, BAD_CAST "hidden") != NULL)
        return true;
    char *v = attr(n, "aria-hidden");
    bool h = v != NULL && g_ascii_strcasecmp(v, "true") == 0;
    g_free(v);
    if (h)
        return true;
    v = attr(n, "role");
    h = v != NULL && (g_ascii_strcasecmp(v, "navigation") == 0 ||
                      g_ascii_strcasecmp(v, "banner") == 0 ||
                      g_ascii_strcasecmp(v, "contentinfo") == 0);
    g_free(v);
    return h;
}

/* Entering an element; returns whether to descend into it. */
static bool enter(walk *w, xmlNodePtr n)
{
    const char *name = (const char *)n->name;
    head_element(w, n, name);
    int kind = element_kind(name);
    if (kind == SKIP || hidden(n))
        return false;
    if (kind == BLOCK)
        end_line(w);
    else if (kind == CELL)
        cell_gap(w);
    if (strcmp(name, "head") == 0)
        w->head++;
    else if (strcmp(name, "pre") == 0)
        w->pre++;
    else if (strcmp(name, "a") == 0 && w->a == NULL && xmlHasProp(n, BAD_CAST "href")) {
        w->a = n;
        w->a_start = w->text->len;
    } else if (strcmp(name, "h1") == 0 && w->h1 == NULL && w->h1_text == NULL) {
        w->h1 = n;
        w->h1_start = w->text->len;
    } else if (strcmp(name, "time") == 0 && w->time_date == NULL) {
        w->time_date = attr(n, "datetime");
    }
    return true;
}

static void leave(walk *w, xmlNodePtr n)
{
    const char *name = (const char *)n->name;
    int kind = element_kind(name);
    if (kind == BLOCK)
        end_line(w);
    else if (kind == CELL)
        cell_gap(w);
    if (strcmp(name, "pre") == 0 && w->pre > 0)
        w->pre--;
    else if (strcmp(name, "head") == 0 && w->head > 0)
        w->head--;
    if (n == w->a)
        finish_anchor(w);
    if (n == w->h1) {
        w->h1_text = ghs_x_collapse_ws(w->text->str + w->h1_start,
                                       w->text->len - w->h1_start);
        w->h1 = NULL;
    }
}

/* Depth-first without recursion: a hostile page nests thousands deep. */
static void walk_tree(walk *w, xmlNodePtr root)
{
    xmlNodePtr n = root;
    while (n != NULL) {
        bool descend = false;
        if (n->type == XML_ELEMENT_NODE)
            descend = enter(w, n);
        else if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
            add_text(w, (const char *)n->content);
        if (descend && n->children != NULL) {
            n = n->children;
            continue;
        }
        if (descend)
            leave(w, n);
        /* climb until a sibling is found, leaving each finished parent */
        while (n != root && n->next == NULL) {
            n = n->parent;
            leave(w, n);
        }
        if (n == root)
            break;
        n = n->next;
    }
}

/* ------------------------------------------------------------ metadata */

/* "Title | Site" -> "Title" when Site is the page's own site name. */
static char *strip_site(char *title, const char *site)
{
    if (title == NULL || site == NULL)
        return title;
    static const char *const seps[] = {" | ", " - ", " – ", " — ", "｜", " ｜ ", " :: "};
    for (size_t i = 0; i < G_N_ELEMENTS(seps); i++) {
        char *suffix = g_strconcat(seps[i], site, NULL);
        bool cut = g_str_has_suffix(title, suffix) && strlen(title) > strlen(suffix);
        if (cut)
            title[strlen(title) - strlen(suffix)] = '\0';
        g_free(suffix);
        if (cut)
            break;
    }
    return title;
}

static char *lang_code(const char *tag)
{
    if (tag == NULL)
        return NULL;
    size_t n = strcspn(tag, "-_");
    if (n == 2 && g_ascii_strncasecmp(tag, "ja", 2) == 0)
        return g_strdup("ja");
    if (n == 2 && g_ascii_strncasecmp(tag, "en", 2) == 0)
        return g_strdup("en");
    return NULL;
}

static void fill_metadata(walk *w, ghs_extracted *e)
{
    char *title = w->title != NULL && w->title[0] != '\0' ? w->title
                : w->og_title != NULL ? w->og_title : w->h1_text;
    if (title != NULL && title[0] != '\0')
        e->title = strip_site(g_strdup(title), w->site_name);

    const char *dates[] = {w->published, w->meta_date, w->time_date};
    char d[11];
    for (size_t i = 0; i < G_N_ELEMENTS(dates) && e->date == NULL; i++)
        if (dates[i] != NULL && ghs_x_find_date(dates[i], strlen(dates[i]), d, NULL, NULL))
            e->date = g_strdup(d);
    if (e->date == NULL && ghs_x_date_near_top(w->text->str, w->text->len, 10, d))
        e->date = g_strdup(d);

    const char *publisher = w->author != NULL ? w->author : w->site_name;
    e->publisher = g_strdup(publisher);
    const char *url = w->canonical != NULL && is_http(w->canonical) ? w->canonical
                    : w->og_url != NULL && is_http(w->og_url) ? w->og_url : NULL;
    e->url = g_strdup(url);
    e->lang = lang_code(w->html_lang);
    if (e->lang == NULL)
        e->lang = lang_code(w->og_locale);
}

static void walk_clear(walk *w)
{
    g_string_free(w->text, TRUE);
    ghs_x_links_clear(&w->links);
    char **strs[] = {&w->base, &w->h1_text, &w->title, &w->og_title,
                     &w->site_name, &w->author, &w->canonical, &w->og_url,
                     &w->published, &w->meta_date, &w->time_date,
                     &w->html_lang, &w->og_locale};
    for (size_t i = 0; i < G_N_ELEMENTS(strs); i++)
        g_clear_pointer(strs[i], g_free);
}

/* ------------------------------------------------------------ entry */

int ghs_x_extract_html(const char *name, const char *data, size_t len,
                       ghs_extracted *e, ghs_error *err)
{
    char *charset = declared_charset(data, len);
    char *valid = NULL;
    if (charset != NULL) {
        xmlCharEncodingHandlerPtr h = xmlFindCharEncodingHandler(charset);
        if (h != NULL)
            xmlCharEncCloseFunc(h);
        else /* an unknown label is ignored, as browsers do */
            g_clear_pointer(&charset, g_free);
    }
    if (charset == NULL && !g_utf8_validate(data, (gssize)len, NULL)) {
        /* UTF-8: a stray invalid byte becomes U+FFFD instead of making
         * libxml2 fall back to Latin-1 for the whole page. */
        valid = g_utf8_make_valid(data, (gssize)len);
        data = valid;
        len = strlen(valid);
    }

    htmlDocPtr doc = htmlReadMemory(data, (int)len, NULL,
                                    charset != NULL ? charset : "UTF-8",
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                    HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                    HTML_PARSE_NOBLANKS | HTML_PARSE_IGNORE_ENC);
    g_free(valid);
    if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
        int rc = ghs_set_error(err, GHS_EFORMAT, "[release][%s] cannot parse HTML%s%s",
                             name, charset != NULL ? " in " : "",
                             charset != NULL ? charset : "");
        g_free(charset);
        if (doc != NULL)
            xmlFreeDoc(doc);
        return rc;
    }
    g_free(charset);

    walk w;
    memset(&w, 0, sizeof w);
    w.text = g_string_new(NULL);
    w.line_start = true;
    ghs_x_links_init(&w.links);
    walk_tree(&w, xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);

    while (w.text->len > 0 && w.text->str[w.text->len - 1] == '\n')
        g_string_truncate(w.text, w.text->len - 1);
    if (w.text->len == 0) {
        walk_clear(&w);
        return ghs_set_error(err, GHS_ENOTEXT, "[release][%s] no text: empty body", name);
    }
    fill_metadata(&w, e);
    ghs_x_links_move(&w.links, e);
    e->pages = g_new0(ghs_page, 1);
    e->n_pages = 1;
    e->pages[0].number = 0;
    e->pages[0].len = w.text->len;
    e->pages[0].text = g_string_free(w.text, FALSE);
    w.text = g_string_new(NULL);
    walk_clear(&w);
    return 0;
}
