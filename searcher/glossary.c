/*
 * glossary.c: views of the corpus glossary (glossary.h) and the public
 * glossary API (ghs_glossary_get).
 *
 * A view reads the pair records of the documents that define the terms
 * asked about (found through their GHS_PREFIX_GLOSSARY terms), merges
 * them into one entry per (term, equivalent) with its sources, then
 * decides each entry's status: conflicts between meanings, footnote
 * against body, and the rules of the user's glossary file.
 */
#include <stdlib.h>
#include <string.h>

#include "docdata.h"
#include "glossary.h"
#include "glossary_store.h"
#include "index_handle.h"
#include "schema.h"
#include "search_internal.h"

/* Documents read per word: enough to see every meaning a corpus gives an
 * acronym; a word defined in more documents is judged on these. */
#define MAX_DOCS_PER_KEY 1000

static void src_free(gpointer p)
{
    ghs_gloss_src *s = p;
    g_free(s->doc);
    g_free(s->title);
    g_free(s->as_written);
    g_free(s->citation);
    g_free(s);
}

static void entry_free(gpointer p)
{
    ghs_gloss_entry *e = p;
    g_free(e->term);
    g_free(e->term_key);
    g_free(e->equiv);
    g_free(e->equiv_key);
    g_ptr_array_free(e->sources, TRUE);
    if (e->forms)
        g_hash_table_destroy(e->forms);
    if (e->src_index)
        g_hash_table_destroy(e->src_index);
    g_free(e);
}

void ghs_gloss_view_free(ghs_gloss_view *v)
{
    if (!v)
        return;
    g_ptr_array_free(v->entries, TRUE);
    g_free(v);
}

/* ------------------------------------------------------------ gathering */

typedef struct vbuild {
    xc_db *db;
    ghs_error *err;
    GHashTable *docs_read;   /* doc ids whose record is in rows */
    GPtrArray *rows;         /* ghs_gloss_row* */
} vbuild;

static int read_docs_for_key(vbuild *b, const char *key)
{
    GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
    int rc = ghs_gloss_docs_defining(b->db, key, MAX_DOCS_PER_KEY, ids, b->err);
    for (guint i = 0; rc == 0 && i < ids->len; i++) {
        const char *id = ids->pdata[i];
        if (g_hash_table_contains(b->docs_read, id))
            continue;
        g_hash_table_add(b->docs_read, g_strdup(id));
        rc = ghs_gloss_read_doc(b->db, id, b->rows, b->err);
    }
    g_ptr_array_free(ids, TRUE);
    return rc;
}

static ghs_gloss_entry *entry_new(const char *term, const char *term_key, const char *equiv,
                                  const char *equiv_key, const char *lang, int kind)
{
    ghs_gloss_entry *e = g_new0(ghs_gloss_entry, 1);
    e->term = g_strdup(term);
    e->term_key = g_strdup(term_key);
    e->equiv = g_strdup(equiv);
    e->equiv_key = g_strdup(equiv_key);
    g_strlcpy(e->lang, lang, sizeof e->lang);
    e->kind = kind;
    e->sources = g_ptr_array_new_with_free_func(src_free);
    e->forms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    e->src_index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return e;
}

static void entry_add_source(ghs_gloss_entry *e, const char *doc, int page, int footnote,
                             size_t count, const char *as_written)
{
    char *k = g_strdup_printf("%s\t%d\t%d", doc, page, footnote);
    ghs_gloss_src *s = g_hash_table_lookup(e->src_index, k);
    if (s) {
        s->count += count;
        g_free(k);
    } else {
        s = g_new0(ghs_gloss_src, 1);
        s->doc = g_strdup(doc);
        s->page = page;
        s->footnote = footnote;
        s->count = count;
        s->as_written = g_strdup(as_written ? as_written : "");
        g_ptr_array_add(e->sources, s);
        g_hash_table_insert(e->src_index, k, s);
    }
    if (footnote)
        e->foot += count;
    else
        e->body += count;
}

static void entry_add_form(ghs_gloss_entry *e, const char *term, const char *equiv, size_t n)
{
    char *k = g_strconcat(term, "\t", equiv, NULL);
    gpointer old = g_hash_table_lookup(e->forms, k);
    g_hash_table_insert(e->forms, k, GSIZE_TO_POINTER(GPOINTER_TO_SIZE(old) + n));
}

/* The spelling written most often; on a tie the one sorting last, which
 * prefers "primary health care" to the sentence-initial "Primary ...". */
static void entry_pick_form(ghs_gloss_entry *e)
{
    GHashTableIter it;
    gpointer k, v;
    size_t best = 0;
    const char *form = NULL;
    g_hash_table_iter_init(&it, e->forms);
    while (g_hash_table_iter_next(&it, &k, &v))
        if (GPOINTER_TO_SIZE(v) > best ||
            (GPOINTER_TO_SIZE(v) == best && form && strcmp(k, form) > 0)) {
            best = GPOINTER_TO_SIZE(v);
            form = k;
        }
    if (!form)
        return;
    const char *tab = strchr(form, '\t');
    g_free(e->term);
    g_free(e->equiv);
    e->term = g_strndup(form, (gsize)(tab - form));
    e->equiv = g_strdup(tab + 1);
}

/* Move every source of `from` into `to`. */
static void entry_merge(ghs_gloss_entry *to, ghs_gloss_entry *from)
{
    for (guint i = 0; i < from->sources->len; i++) {
        const ghs_gloss_src *s = from->sources->pdata[i];
        entry_add_source(to, s->doc, s->page, s->footnote, s->count, s->as_written);
    }
}

/* ------------------------------------------------------------ judging */

static int same_term(const ghs_gloss_entry *a, const ghs_gloss_entry *b)
{
    return !strcmp(a->term_key, b->term_key) && !strcmp(a->lang, b->lang);
}

/* Two long forms of one term are variants when one contains the other
 * (whole words in English): "prevention, preparedness and response" and
 * "pandemic prevention, preparedness and response". */
static int variants(const char *a, const char *b, const char *lang)
{
    if (!strcmp(a, b))
        return 1;
    if (strcmp(lang, "en") != 0)
        return strstr(a, b) != NULL || strstr(b, a) != NULL;
    char *wa = g_strconcat(" ", a, " ", NULL), *wb = g_strconcat(" ", b, " ", NULL);
    int v = strstr(wa, wb) != NULL || strstr(wb, wa) != NULL;
    g_free(wa);
    g_free(wb);
    return v;
}

/* A Japanese long form that ends with another long form of the same term
 * is the shorter one with something glued before it (a heading the PDF
 * text ran into its paragraph): merge it into the shorter one. */
static void merge_glued(GPtrArray *entries)
{
    for (guint i = 0; i < entries->len; i++) {
        ghs_gloss_entry *b = entries->pdata[i];
        if (strcmp(b->lang, "ja") != 0)
            continue;
        ghs_gloss_entry *best = NULL;
        size_t blen = strlen(b->equiv_key);
        for (guint j = 0; j < entries->len; j++) {
            ghs_gloss_entry *a = entries->pdata[j];
            size_t alen = strlen(a->equiv_key);
            if (a == b || !same_term(a, b) || alen >= blen ||
                g_utf8_strlen(a->equiv_key, -1) < 3 ||
                strcmp(b->equiv_key + blen - alen, a->equiv_key) != 0)
                continue;
            if (!best || alen > strlen(best->equiv_key))
                best = a;
        }
        if (best) {
            entry_merge(best, b);
            g_ptr_array_remove_index(entries, i);   /* frees b */
            i = (guint)-1;   /* merging may enable another: start over */
        }
    }
}

/* Meanings of one term in one language: variants form a group; two
 * groups standing (defined in a body, or in footnotes more than once)
 * conflict; a group seen once in a footnote gives way to one that stands. */
static void judge_conflicts(GPtrArray *entries)
{
    guint n = entries->len;
    int *group = g_new(int, n);
    for (guint i = 0; i < n; i++)
        group[i] = (int)i;
    for (guint i = 0; i < n; i++)
        for (guint j = i + 1; j < n; j++) {
            ghs_gloss_entry *a = entries->pdata[i], *b = entries->pdata[j];
            if (same_term(a, b) && variants(a->equiv_key, b->equiv_key, a->lang)) {
                int from = group[j], to = group[i];
                for (guint k = 0; k < n; k++)
                    if (group[k] == from)
                        group[k] = to;
            }
        }
    size_t *body = g_new0(size_t, n), *foot = g_new0(size_t, n);
    for (guint i = 0; i < n; i++) {
        ghs_gloss_entry *e = entries->pdata[i];
        body[group[i]] += e->body;
        foot[group[i]] += e->foot;
    }
    for (guint i = 0; i < n; i++) {
        ghs_gloss_entry *e = entries->pdata[i];
        int groups = 0, standing = 0, seen[64];
        int n_seen = 0;
        for (guint j = 0; j < n; j++) {
            if (!same_term(e, entries->pdata[j]))
                continue;
            int g = group[j], known = 0;
            for (int k = 0; k < n_seen; k++)
                known |= seen[k] == g;
            if (known)
                continue;
            if (n_seen < 64)
                seen[n_seen++] = g;
            groups++;
            standing += body[g] > 0 || foot[g] >= 2;
        }
        if (groups < 2)
            continue;
        int stands = body[group[i]] > 0 || foot[group[i]] >= 2;
        if (standing >= 2)
            e->status = stands ? GHS_GLOSS_CONFLICT : GHS_GLOSS_OUTWEIGHED;
        else if (standing == 1)
            e->status = stands ? GHS_GLOSS_ACTIVE : GHS_GLOSS_OUTWEIGHED;
        else
            e->status = GHS_GLOSS_CONFLICT;
    }
    g_free(group);
    g_free(body);
    g_free(foot);
}

static int is_acronym_text(const char *s)
{
    int upper = 0;
    for (const char *p = s; *p; p++) {
        if (*p >= 'A' && *p <= 'Z')
            upper++;
        else if (!g_ascii_isalnum(*p) && *p != '-' && *p != '&')
            return 0;
    }
    return upper >= 1 && strlen(s) <= 12;
}

static int rule_matches(const ghs_gloss_rule *r, const ghs_gloss_entry *e)
{
    if (!r->equiv_key)
        return !strcmp(r->term_key, e->term_key) || !strcmp(r->term_key, e->equiv_key);
    return (!strcmp(r->term_key, e->term_key) && !strcmp(r->equiv_key, e->equiv_key)) ||
           (!strcmp(r->term_key, e->equiv_key) && !strcmp(r->equiv_key, e->term_key));
}

/* Additions and choices first, then vetoes: a veto always wins. Rules
 * about terms outside the view are ignored (hubs: the view's terms). */
static void apply_rules(GPtrArray *entries, const ghs_gloss_rules *rules, GHashTable *hubs)
{
    if (!rules)
        return;
    for (guint i = 0; i < rules->v->len; i++) {
        const ghs_gloss_rule *r = rules->v->pdata[i];
        if (r->veto || (hubs && !g_hash_table_contains(hubs, r->term_key)))
            continue;
        ghs_gloss_entry *hit = NULL;
        for (guint j = 0; j < entries->len && !hit; j++)
            if (rule_matches(r, entries->pdata[j]))
                hit = entries->pdata[j];
        if (!hit) {
            hit = entry_new(r->term, r->term_key, r->equiv, r->equiv_key, r->lang,
                            is_acronym_text(r->term) ? GHS_GLOSS_KIND_ACRONYM
                                                     : GHS_GLOSS_KIND_TRANSLATION);
            g_ptr_array_add(entries, hit);
        }
        hit->user = 1;
        hit->status = GHS_GLOSS_ACTIVE;
        /* The user chose this meaning: other meanings of the term in that
         * language step aside (variants of it stay). */
        for (guint j = 0; j < entries->len; j++) {
            ghs_gloss_entry *e = entries->pdata[j];
            if (e != hit && !e->user && same_term(e, hit) &&
                !variants(e->equiv_key, hit->equiv_key, e->lang))
                e->status = GHS_GLOSS_OUTWEIGHED;
            else if (e != hit && !e->user && same_term(e, hit) &&
                     e->status == GHS_GLOSS_CONFLICT)
                e->status = GHS_GLOSS_ACTIVE;
        }
    }
    for (guint i = 0; i < rules->v->len; i++) {
        const ghs_gloss_rule *r = rules->v->pdata[i];
        if (!r->veto)
            continue;
        for (guint j = 0; j < entries->len; j++)
            if (rule_matches(r, entries->pdata[j])) {
                ghs_gloss_entry *e = entries->pdata[j];
                e->status = GHS_GLOSS_VETOED;
            }
    }
}

static int entry_cmp(gconstpointer pa, gconstpointer pb)
{
    const ghs_gloss_entry *a = *(ghs_gloss_entry *const *)pa, *b = *(ghs_gloss_entry *const *)pb;
    int c = strcmp(a->term_key, b->term_key);
    if (!c)
        c = strcmp(a->lang, b->lang);
    if (!c)
        c = (int)a->status - (int)b->status;
    if (!c)
        c = (b->body + b->foot > a->body + a->foot) - (b->body + b->foot < a->body + a->foot);
    if (!c)
        c = strcmp(a->equiv, b->equiv);
    return c;
}

/* Title and citation of each source (document records, schema.h). 0, or
 * the error of a record that cannot be read (out of memory, a read error)
 * in err: a source shown without its title would be another answer. */
static int add_titles(xc_db *db, GPtrArray *entries, ghs_error *err)
{
    int rc = 0;
    GHashTable *titles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    for (guint i = 0; rc == 0 && i < entries->len; i++) {
        ghs_gloss_entry *e = entries->pdata[i];
        for (guint j = 0; rc == 0 && j < e->sources->len; j++) {
            ghs_gloss_src *s = e->sources->pdata[j];
            char *title = g_hash_table_lookup(titles, s->doc);
            if (!title) {
                char *key = g_strconcat(GHS_META_DOC, s->doc, NULL);
                size_t len = 0;
                xc_error xe;
                xc_error_clear(&xe);
                char *rec = xc_db_get_metadata(db, key, &len, &xe);
                if (!rec) {
                    rc = ghs_error_from_xc(err, &xe, "glossary");
                    g_free(key);
                    break;
                }
                title = len ? ghs_docdata_dup(rec, len, GHS_F_TITLE) : g_strdup("");
                free(rec);
                g_free(key);
                g_hash_table_insert(titles, g_strdup(s->doc), title);
            }
            s->title = g_strdup(title);
            s->citation = ghs_cite_text(*title ? title : s->doc, s->page);
        }
    }
    g_hash_table_destroy(titles);
    return rc;
}

int ghs_gloss_view_build(xc_db *db, ghs_analyzer *a, const char *key,
                         const ghs_gloss_rules *rules, int titles,
                         ghs_gloss_view **out, ghs_error *err)
{
    (void)a;
    *out = NULL;
    vbuild b = {
        .db = db, .err = err,
        .docs_read = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
        .rows = g_ptr_array_new_with_free_func(ghs_gloss_row_free),
    };
    GHashTable *hubs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    int rc = 0;
    if (!key) {
        rc = ghs_gloss_read_all(db, b.rows, err);
        for (guint i = 0; i < b.rows->len; i++)
            g_hash_table_add(hubs, g_strdup(((ghs_gloss_row *)b.rows->pdata[i])->term_key));
        for (guint i = 0; rules && i < rules->v->len; i++) {
            const ghs_gloss_rule *r = rules->v->pdata[i];
            if (!r->veto)
                g_hash_table_add(hubs, g_strdup(r->term_key));
        }
    } else {
        /* The terms key is or stands for, then everything said of them. */
        rc = read_docs_for_key(&b, key);
        for (guint i = 0; i < b.rows->len; i++) {
            const ghs_gloss_row *r = b.rows->pdata[i];
            if (!strcmp(r->term_key, key) || !strcmp(r->equiv_key, key))
                g_hash_table_add(hubs, g_strdup(r->term_key));
        }
        for (guint i = 0; rules && i < rules->v->len; i++) {
            const ghs_gloss_rule *r = rules->v->pdata[i];
            if (r->veto)
                continue;
            if (!strcmp(r->term_key, key))
                g_hash_table_add(hubs, g_strdup(r->term_key));
            else if (!strcmp(r->equiv_key, key))
                g_hash_table_add(hubs, g_strdup(r->term_key));
        }
        GHashTableIter it;
        gpointer h;
        GPtrArray *more = g_ptr_array_new();
        g_hash_table_iter_init(&it, hubs);
        while (g_hash_table_iter_next(&it, &h, NULL))
            if (strcmp(h, key) != 0)
                g_ptr_array_add(more, h);
        for (guint i = 0; rc == 0 && i < more->len; i++)
            rc = read_docs_for_key(&b, more->pdata[i]);
        g_ptr_array_free(more, TRUE);
    }

    ghs_gloss_view *v = g_new0(ghs_gloss_view, 1);
    v->entries = g_ptr_array_new_with_free_func(entry_free);
    GHashTable *by_pair = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; rc == 0 && i < b.rows->len; i++) {
        const ghs_gloss_row *r = b.rows->pdata[i];
        if (!g_hash_table_contains(hubs, r->term_key))
            continue;
        char *pk = g_strconcat(r->term_key, "\t", r->equiv_key, NULL);
        ghs_gloss_entry *e = g_hash_table_lookup(by_pair, pk);
        if (!e) {
            e = entry_new(r->term, r->term_key, r->equiv, r->equiv_key, r->lang, r->kind);
            g_ptr_array_add(v->entries, e);
            g_hash_table_insert(by_pair, pk, e);
        } else {
            g_free(pk);
        }
        entry_add_source(e, r->doc, r->page, r->footnote, r->count, r->as_written);
        entry_add_form(e, r->term, r->equiv, r->count);
    }
    g_hash_table_destroy(by_pair);
    if (rc == 0) {
        for (guint i = 0; i < v->entries->len; i++)
            entry_pick_form(v->entries->pdata[i]);
        merge_glued(v->entries);
        judge_conflicts(v->entries);
        apply_rules(v->entries, rules, key ? hubs : NULL);
        for (guint i = 0; i < v->entries->len; i++) {
            ghs_gloss_entry *e = v->entries->pdata[i];
            e->weight = e->status != GHS_GLOSS_ACTIVE ? 0.0
                      : (e->user || e->body > 0) ? GHS_GLOSS_WEIGHT_BODY
                      : GHS_GLOSS_WEIGHT_FOOTNOTE;
        }
        if (titles && rc == 0)
            rc = add_titles(db, v->entries, err);
        g_ptr_array_sort(v->entries, entry_cmp);
    }
    g_hash_table_destroy(hubs);
    g_hash_table_destroy(b.docs_read);
    g_ptr_array_free(b.rows, TRUE);
    if (rc < 0) {
        ghs_gloss_view_free(v);
        return rc;
    }
    *out = v;
    return 0;
}

/* ------------------------------------------------------------ public API */

struct ghs_glossary {
    ghs_gloss_view *view;    /* owns the strings the pairs point to */
    ghs_gloss_pair *pairs;
    size_t n;
    GPtrArray *owned;        /* source arrays */
};

const char *ghs_gloss_status_name(ghs_gloss_status s)
{
    switch (s) {
    case GHS_GLOSS_ACTIVE: return "active";
    case GHS_GLOSS_CONFLICT: return "conflict";
    case GHS_GLOSS_OUTWEIGHED: return "outweighed";
    case GHS_GLOSS_VETOED: return "vetoed";
    }
    return "unknown";
}

int ghs_glossary_get(ghs_index *ix, const char *term, const char *glossary_file,
                     ghs_glossary **out, ghs_error *err)
{
    *out = NULL;
    char *key = NULL;
    if (term) {
        ghs_error ke = {0};
        key = ghs_gloss_key(ix->an, term, &ke);
        if (ke.code < 0) {
            if (err)
                *err = ke;
            return ke.code;
        }
        if (!key)
            return ghs_set_error(err, GHS_EINVAL, "[glossary] '%s' has no word to look up",
                                 term);
    }
    ghs_gloss_rules *rules = NULL;
    int rc = glossary_file ? ghs_gloss_rules_load(ix->an, glossary_file, &rules, err) : 0;
    xc_db *db = rc == 0 ? ghs_index_reader(ix, err) : NULL;
    if (rc == 0 && !db)
        rc = GHS_EDB;
    ghs_gloss_view *v = NULL;
    if (rc == 0)
        rc = ghs_gloss_view_build(db, ix->an, key, rules, 1, &v, err);
    g_free(key);
    ghs_gloss_rules_free(rules);
    if (rc < 0)
        return rc;
    ghs_glossary *g = g_new0(ghs_glossary, 1);
    g->view = v;
    g->n = v->entries->len;
    g->pairs = g_new0(ghs_gloss_pair, g->n ? g->n : 1);
    g->owned = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; i < g->n; i++) {
        const ghs_gloss_entry *e = v->entries->pdata[i];
        ghs_gloss_pair *p = &g->pairs[i];
        p->term = e->term;
        p->equivalent = e->equiv;
        p->lang = e->lang;
        p->translation = e->kind == GHS_GLOSS_KIND_TRANSLATION;
        p->status = e->status;
        p->user = e->user;
        p->weight = e->weight;
        p->body = e->body;
        p->footnotes = e->foot;
        p->n_sources = e->sources->len;
        ghs_gloss_source *src = g_new0(ghs_gloss_source, p->n_sources ? p->n_sources : 1);
        g_ptr_array_add(g->owned, src);
        for (size_t j = 0; j < p->n_sources; j++) {
            const ghs_gloss_src *s = e->sources->pdata[j];
            src[j] = (ghs_gloss_source){
                .doc = s->doc, .title = s->title ? s->title : "", .page = s->page,
                .footnote = s->footnote, .count = s->count, .as_written = s->as_written,
                .citation = s->citation ? s->citation : s->doc,
            };
        }
        p->sources = src;
    }
    *out = g;
    return 0;
}

size_t ghs_glossary_count(const ghs_glossary *g)
{
    return g ? g->n : 0;
}

const ghs_gloss_pair *ghs_glossary_pair(const ghs_glossary *g, size_t i)
{
    return g && i < g->n ? &g->pairs[i] : NULL;
}

void ghs_glossary_free(ghs_glossary *g)
{
    if (!g)
        return;
    ghs_gloss_view_free(g->view);
    g_ptr_array_free(g->owned, TRUE);
    g_free(g->pairs);
    g_free(g);
}
