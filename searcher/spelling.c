/*
 * spelling.c: "did you mean" for a query that found nothing.
 *
 * Each English word the user typed (outside filters and the negative side
 * of NOT) that the index does not hold, as a word or as a stem, is looked
 * up in Xapian's spelling table (filled by the indexer with the English
 * words of the passages) within an edit distance of 2. A suggestion is
 * kept only when the index holds it now (the spelling table keeps words of
 * re-indexed files). The words are replaced in the query as the user typed
 * it, so operators, phrases, filters and Japanese words stay as they were.
 *
 * Does not own: deciding when to suggest (search.c: only without hits).
 */
#include <stdlib.h>
#include <string.h>

#include "index_handle.h"
#include "schema.h"
#include "search_internal.h"

#define GHS_SPELL_MAX_EDIT 2

typedef struct fix {
    size_t start, end;   /* byte range in the query */
    char *word;
} fix;

typedef struct speller {
    xc_db *db;
    ghs_analyzer *a;
    const char *query;
    size_t qlen;
    GArray *fixes;       /* fix, in the order found */
    ghs_error oom;       /* the first allocation that failed (code 0: none) */
} speller;

static int is_english_word(const ghs_token *t)
{
    if (t->script != GHS_SCRIPT_LATIN || t->is_stop || strlen(t->term) < 3)
        return 0;
    for (const char *p = t->term; *p; p++)
        if (*p < 'a' || *p > 'z')
            return 0;
    return 1;
}

static int term_known(xc_db *db, const char *term, const char *stem)
{
    if (xc_db_term_exists(db, term, NULL) == 1)
        return 1;
    if (!stem)
        return 0;
    char *z = g_strconcat(GHS_PREFIX_STEM, stem, NULL);
    int r = xc_db_term_exists(db, z, NULL) == 1;
    g_free(z);
    return r;
}

/* Suggest for the words of node n, whose text starts at byte `at` of the
 * query. */
static void check_text(speller *s, const char *text, size_t at)
{
    ghs_tokens toks;
    ghs_tokens_init(&toks);
    size_t tlen = strlen(text);
    ghs_error e = {0};
    if (ghs_analyze(s->a, text, tlen, 0, &toks, &e) < 0) {
        if (e.code == GHS_ENOMEM && s->oom.code == 0)
            s->oom = e;
        ghs_tokens_free(&toks);
        return;
    }
    for (size_t i = 0; i < toks.n; i++) {
        const ghs_token *t = &toks.v[i];
        if (!is_english_word(t) || term_known(s->db, t->term, t->stem))
            continue;
        xc_error xe;
        xc_error_clear(&xe);
        char *sug = xc_db_spelling_suggestion(s->db, t->term, GHS_SPELL_MAX_EDIT, &xe);
        if (!sug && xe.code == XC_ERR_NOMEM && s->oom.code == 0)
            ghs_error_from_xc(&s->oom, &xe, "spelling");
        if (sug && *sug && strcmp(sug, t->term) != 0 && term_known(s->db, sug, NULL)) {
            fix f = {
                .start = at + ghs_utf8_offset(text, tlen, t->start),
                .end = at + ghs_utf8_offset(text, tlen, t->end),
                .word = g_strdup(sug),
            };
            /* Keep a capital the user typed ("Helth" -> "Health"). */
            if (g_ascii_isupper(s->query[f.start]))
                f.word[0] = g_ascii_toupper(f.word[0]);
            g_array_append_val(s->fixes, f);
        }
        free(sug);
    }
    ghs_tokens_free(&toks);
}

static void walk(speller *s, const ghs_qnode *n, int depth)
{
    if (!n || depth > 128)
        return;
    switch (n->kind) {
    case GHS_Q_WORD:
    case GHS_Q_PHRASE: {
        /* The node's text as typed: found from the node's position on
         * (a '+', '-' or a quote may come first). */
        size_t from = ghs_utf8_offset(s->query, s->qlen, n->start > 0 ? (size_t)n->start - 1 : 0);
        const char *hit = n->text && *n->text ? strstr(s->query + from, n->text) : NULL;
        if (hit)
            check_text(s, n->text, (size_t)(hit - s->query));
        break;
    }
    case GHS_Q_FILTER:
        break;
    case GHS_Q_NOT:
        walk(s, n->n_kids ? n->kids[0] : NULL, depth + 1);   /* not what is excluded */
        break;
    default:
        for (size_t i = 0; i < n->n_kids; i++)
            walk(s, n->kids[i], depth + 1);
    }
}

static gint cmp_fix(gconstpointer a, gconstpointer b)
{
    const fix *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

int ghs_spelling_suggest(xc_db *db, ghs_analyzer *a, const char *query, const ghs_qnode *root,
                         char **suggestion, ghs_error *err)
{
    speller s = { .db = db, .a = a, .query = query, .qlen = strlen(query),
                  .fixes = g_array_new(FALSE, FALSE, sizeof(fix)) };
    walk(&s, root, 0);
    char *out = NULL;
    if (s.fixes->len && s.oom.code == 0) {
        g_array_sort(s.fixes, cmp_fix);
        GString *q = g_string_new(NULL);
        size_t at = 0;
        for (guint i = 0; i < s.fixes->len; i++) {
            const fix *f = &g_array_index(s.fixes, fix, i);
            if (f->start < at)   /* overlapping (cannot happen): keep the first */
                continue;
            g_string_append_len(q, query + at, (gssize)(f->start - at));
            g_string_append(q, f->word);
            at = f->end;
        }
        g_string_append(q, query + at);
        out = g_string_free(q, FALSE);
    }
    for (guint i = 0; i < s.fixes->len; i++)
        g_free(g_array_index(s.fixes, fix, i).word);
    g_array_free(s.fixes, TRUE);
    *suggestion = out;
    if (s.oom.code < 0 && err)
        *err = s.oom;
    return s.oom.code;
}
