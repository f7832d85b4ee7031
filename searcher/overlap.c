/*
 * overlap.c: re-ranks a Japanese question's best documents by how much of
 * the question's own wording their best passage repeats.
 *
 * A question is usually written from the text it asks about, so the passage
 * that answers it repeats the question's character sequences: whole
 * phrases, not only its words. BM25 over words and character grams sees a
 * bag of terms and often ranks a neighbouring paragraph of the same report
 * first, one that shares the words but not the wording. The features, for
 * a candidate's title and text (normalized like the index):
 *  - cov[n], n = 1..4: the share of the question's distinct character
 *    n-grams found in the candidate, each weighted by its rarity (IDF of
 *    the bigram term in the index; a character by the commonest term
 *    holding it, char_idf; an n-gram of 3 or 4 by its rarest bigram; see ov_idf_unseen for what the index lacks and
 *    ov_idf_hiragana for particles and inflections);
 *  - the longest stretch of the question found in the candidate, as a
 *    share of the question;
 *  - log of the candidate's length (a long passage holds more by chance);
 *  - 1/rank in the tier's BM25 ranking.
 * One pass of the longest-common-substring recurrence over candidate x
 * question gives them all: best[j], the longest common stretch ending at
 * question character j, says which n-grams ending there occur.
 * Documents are re-ordered only within a tier (search.c), so a passage
 * with every word still ranks above one with some.
 * Questions only (intent.c): on a keyword query (a name, a title) every
 * candidate holds the whole query, the coverage and stretch features tie
 * and the length term alone would decide, putting the shortest passage
 * first instead of the one that introduces the subject (article titles
 * as queries, lead paragraph relevant: MRR@10 0.45 with the re-ranking,
 * 0.80 without; bench/README.md).
 * The weights were fitted on each half of the JSQuAD questions and checked
 * on the other (bench/eval.sh --split odd|even), then rounded to values
 * that do well on both; see bench/README.md.
 */
#include "overlap.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "intent.h"
#include "schema.h"
#include "unicode.h"

/* Questions longer than this are read up to it. */
#define OV_MAX_CHARS 128
/* Queries with fewer characters outside phrases are keywords or phrases:
 * their words already say it all. */
#define OV_MIN_CHARS 6
#define OV_MAX_N 4

/* Score = ov_w_rank / rank + sum of ov_w_cov[n-1] * cov[n]
 *       + ov_w_lcs * longest stretch share + ov_w_len * log(length). */
static const double ov_w_rank = 1.0;
static const double ov_w_cov[OV_MAX_N] = { 5.0, 5.0, 2.0, 1.0 };
static const double ov_w_lcs = 2.0;
static const double ov_w_len = -1.0;
/* IDF of a character or bigram the index does not hold: a particle, a
 * pair across a word boundary (本で of 日本で), a Latin letter or a digit.
 * Weighing them as fairly rare (a term in about 3% of passages) counts the
 * question's own wording around its words; chosen on JSQuAD (0.69, as if
 * common, gave MRR@10 0.949; 2.5 to 4 give 0.951 to 0.952). */
static const double ov_idf_unseen = 3.5;
/* Highest IDF of a character or bigram of hiragana alone: a particle or an
 * inflection (の, は, した, のは, ですか). The index holds them only where
 * the dictionary made them (part of) a word, so its counts say they are
 * rare (のは: 1 passage in 14,427 of JaQuAD) while nearly every passage
 * has them; weighed as common (a term in about 60% of passages), a
 * chatty question's endings (…したのは何ですか) stop outweighing its
 * words. MRR@10 with it, JSQuAD 0.9523 -> 0.9536, JaQuAD questions
 * 0.9011 -> 0.905, both halves of each (bench/README.md); any value from
 * 0 to 1 does as well. */
static const double ov_idf_hiragana = 0.5;

struct ghs_overlap {
    ghs_analyzer *an;   /* borrowed */
    gunichar q[OV_MAX_CHARS];
    size_t m;
    /* w[n-1][j]: weight of the n-gram ending at question character j, 0
     * when it is a repeat of an earlier one (each distinct n-gram counts
     * once) or j < n - 1; total[n-1] their sum. */
    double w[OV_MAX_N][OV_MAX_CHARS];
    double total[OV_MAX_N];
};

/* Letters and digits of s (not spaces, not punctuation). */
static size_t count_chars(const char *s)
{
    size_t n = 0;
    for (; s && *s; s = g_utf8_next_char(s)) {
        gunichar c = g_utf8_get_char(s);
        n += !g_unichar_isspace(c) && !g_unichar_ispunct(c);
    }
    return n;
}

/* The text of root's words and phrases into s, skipping filters and what
 * NOT excludes; *word_chars counts the characters of the words alone. */
static void collect_text(const ghs_qnode *n, GString *s, size_t *word_chars)
{
    if (!n)
        return;
    switch (n->kind) {
    case GHS_Q_WORD:
        *word_chars += count_chars(n->text);
        /* fall through */
    case GHS_Q_PHRASE:
        if (n->text)
            g_string_append(s, n->text);
        g_string_append_c(s, ' ');
        return;
    case GHS_Q_FILTER:
        return;
    case GHS_Q_NOT:
        if (n->n_kids > 0)
            collect_text(n->kids[0], s, word_chars);
        return;
    default:
        for (size_t i = 0; i < n->n_kids; i++)
            collect_text(n->kids[i], s, word_chars);
        return;
    }
}

static int is_hiragana(gunichar c)
{
    return c >= 0x3041 && c <= 0x309F;
}

/* IDF of the index term prefix + the len characters q (a bigram B term,
 * or a word when prefix is ""); ov_idf_unseen for a term the index lacks,
 * and *seen says which. */
static double gram_idf(xc_db *db, double n_docs, const char *prefix, const gunichar *q,
                       size_t len, int *seen)
{
    char term[64];
    size_t at = strlen(prefix);
    memcpy(term, prefix, at);
    for (size_t i = 0; i < len; i++)
        at += (size_t)g_unichar_to_utf8(q[i], term + at);
    term[at] = '\0';
    uint32_t df = xc_db_termfreq(db, term, NULL);
    *seen = df > 0;
    if (df == 0)
        return ov_idf_unseen;
    return log((n_docs + 1.0) / ((double)df + 0.5));
}

/* IDF of question character j. The index has no character terms (their
 * postings were a third of a Japanese passage's, issue 21), but every
 * passage holding a term that contains the character holds the character:
 * its IDF is at most the least of those terms' IDFs. So a CJK character
 * weighs the least IDF of the question's bigrams around it and of itself
 * as a word, whichever the index holds (ov_idf_unseen when none; hiragana
 * capped by the caller). */
static double char_idf(xc_db *db, double n_docs, const gunichar *q, size_t m, size_t j,
                       const double *idf2, const int *seen2)
{
    if (!ghs_is_cjk(q[j]))
        return ov_idf_unseen;
    int seen;
    double w = gram_idf(db, n_docs, "", q + j, 1, &seen);
    int any = seen;
    if (j > 0 && seen2[j] && (!any || idf2[j] < w)) {
        w = idf2[j];
        any = 1;
    }
    if (j + 1 < m && seen2[j + 1] && (!any || idf2[j + 1] < w)) {
        w = idf2[j + 1];
        any = 1;
    }
    return any ? w : ov_idf_unseen;
}

ghs_overlap *ghs_overlap_new(ghs_analyzer *an, xc_db *db, const ghs_qnode *root,
                             ghs_error *err)
{
    /* A keyword query names a subject: every candidate holds its words, the
     * wording features tie and would leave the length to decide (the
     * shortest passage first, not the one introducing the subject). */
    ghs_intent in;
    if (ghs_query_intent_of(an, root, &in, err) < 0 || in != GHS_INTENT_QUESTION)
        return NULL;
    GString *text = g_string_new(NULL);
    size_t word_chars = 0;
    collect_text(root, text, &word_chars);
    /* A phrase query names its wording already: every match holds it. */
    if (word_chars < OV_MIN_CHARS) {
        g_string_free(text, TRUE);
        return NULL;
    }
    char *norm = ghs_normalize(an, text->str, text->len, err);
    g_string_free(text, TRUE);
    if (!norm)
        return NULL;
    ghs_overlap *o = g_new0(ghs_overlap, 1);
    o->an = an;
    int japanese = 0;
    for (const char *p = norm; *p && o->m < OV_MAX_CHARS; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isspace(c) || g_unichar_ispunct(c))
            continue;
        japanese |= ghs_is_cjk(c);
        o->q[o->m++] = c;
    }
    free(norm);
    if (!japanese) {
        g_free(o);
        return NULL;
    }
    double n_docs = (double)xc_db_doccount(db, NULL);
    double idf2[OV_MAX_CHARS];   /* idf2[j]: the bigram ending at j */
    int seen2[OV_MAX_CHARS] = { 0 };   /* ...and whether the index holds it */
    for (size_t j = 0; j < o->m; j++) {
        idf2[j] = j > 0 ? gram_idf(db, n_docs, GHS_PREFIX_BIGRAM, o->q + j - 1, 2, &seen2[j]) : 0;
        if (j > 0 && is_hiragana(o->q[j - 1]) && is_hiragana(o->q[j]) &&
            idf2[j] > ov_idf_hiragana)
            idf2[j] = ov_idf_hiragana;
    }
    for (size_t j = 0; j < o->m; j++) {
        o->w[0][j] = char_idf(db, n_docs, o->q, o->m, j, idf2, seen2);
        if (is_hiragana(o->q[j]) && o->w[0][j] > ov_idf_hiragana)
            o->w[0][j] = ov_idf_hiragana;
    }
    for (size_t n = 2; n <= OV_MAX_N; n++)
        for (size_t j = n - 1; j < o->m; j++) {
            double w = 0;
            for (size_t k = j + 2 - n; k <= j; k++)   /* the bigrams inside */
                w = idf2[k] > w ? idf2[k] : w;
            o->w[n - 1][j] = w;
        }
    for (size_t n = 1; n <= OV_MAX_N; n++)
        for (size_t j = n - 1; j < o->m; j++) {
            for (size_t e = n - 1; e < j; e++)
                if (memcmp(o->q + e + 1 - n, o->q + j + 1 - n, n * sizeof(gunichar)) == 0) {
                    o->w[n - 1][j] = 0;   /* a repeat */
                    break;
                }
            o->total[n - 1] += o->w[n - 1][j];
        }
    return o;
}

void ghs_overlap_free(ghs_overlap *o)
{
    g_free(o);
}

double ghs_overlap_score(const ghs_overlap *o, const char *title, const char *text,
                         size_t rank)
{
    char *both = g_strconcat(title ? title : "", "\n", text ? text : "", NULL);
    char *norm = ghs_normalize(o->an, both, strlen(both), NULL);
    g_free(both);
    if (!norm)
        return NAN;   /* out of memory: the caller fails the search */
    glong len = 0;
    gunichar *t = norm ? g_utf8_to_ucs4_fast(norm, -1, &len) : NULL;
    free(norm);
    unsigned best[OV_MAX_CHARS] = {0}, prev[OV_MAX_CHARS] = {0}, cur[OV_MAX_CHARS];
    for (glong i = 0; t && i < len; i++) {
        for (size_t j = 0; j < o->m; j++) {
            cur[j] = t[i] == o->q[j] ? (j > 0 ? prev[j - 1] : 0) + 1 : 0;
            if (cur[j] > best[j])
                best[j] = cur[j];
        }
        memcpy(prev, cur, o->m * sizeof *cur);
    }
    g_free(t);
    double score = ov_w_rank / (double)(rank ? rank : 1);
    unsigned longest = 0;
    for (size_t j = 0; j < o->m; j++)
        longest = best[j] > longest ? best[j] : longest;
    for (size_t n = 1; n <= OV_MAX_N; n++) {
        double found = 0;
        for (size_t j = n - 1; j < o->m; j++)
            if (best[j] >= n)
                found += o->w[n - 1][j];
        if (o->total[n - 1] > 0)
            score += ov_w_cov[n - 1] * found / o->total[n - 1];
    }
    score += ov_w_lcs * (double)longest / (double)o->m;
    score += ov_w_len * log((double)(len > 1 ? len : 1));
    return score;
}
