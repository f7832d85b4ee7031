/*
 * analyze.c: the analyzer handle and ghs_analyze(), which strings the steps
 * together: normalize (normalize.c, with the kana variant folding of
 * kana_variants.c) -> words (segment.c; katakana compounds joined into one
 * word by kana_variants.c) -> per word a term,
 * an English stem for Latin words, a stopword flag (stopwords.c), a position
 * and the word's code point range in the input.
 *
 * The analyzer owns everything reused between calls (ICU iterators, the
 * stemmer, buffers), so analyzing a passage allocates only the strings of
 * its tokens.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text_internal.h"

ghs_analyzer *ghs_analyzer_new(ghs_error *err)
{
    UErrorCode st = U_ZERO_ERROR;
    xc_error xe;
    ghs_analyzer *a = calloc(1, sizeof *a);

    if (!a) {
        ghs_set_error(err, GHS_ENOMEM, "[analyze] out of memory");
        return NULL;
    }
    a->nfkc = unorm2_getNFKCCasefoldInstance(&st);
    if (U_FAILURE(st))
        goto icu_fail;
    a->words = ubrk_open(UBRK_WORD, "ja", NULL, 0, &st);
    if (U_FAILURE(st))
        goto icu_fail;
    a->sentences = ubrk_open(UBRK_SENTENCE, "ja", NULL, 0, &st);
    if (U_FAILURE(st))
        goto icu_fail;
    a->stemmer = xc_stemmer_new("english", &xe);
    a->stem_cache = calloc(GHS_STEM_CACHE_SLOTS, sizeof *a->stem_cache);
    if (!a->stem_cache) {
        ghs_set_error(err, GHS_ENOMEM, "[analyze] out of memory");
        ghs_analyzer_free(a);
        return NULL;
    }
    if (!a->stemmer) {
        ghs_set_error(err, GHS_EINTERNAL,
                       "[analyze] cannot create the English stemmer: %s",
                       xe.message);
        ghs_analyzer_free(a);
        return NULL;
    }
    ghs_stopset_init(&a->stop_en, "en");
    ghs_stopset_init(&a->stop_ja, "ja");
    return a;

icu_fail:
    ghs_set_error(err, GHS_EINTERNAL,
                   "[analyze] cannot load ICU data (normalizer or break "
                   "iterators): %s", u_errorName(st));
    ghs_analyzer_free(a);
    return NULL;
}

void ghs_analyzer_free(ghs_analyzer *a)
{
    if (!a)
        return;
    if (a->words)
        ubrk_close(a->words);
    if (a->sentences)
        ubrk_close(a->sentences);
    xc_stemmer_free(a->stemmer);
    free(a->stem_cache);
    ghs_normtext_free(&a->nt);
    free(a->spans.v);
    free(a->parts.v);
    free(a->tbuf);
    free(a);
}

/* The English stem of term (tlen bytes), malloc'ed; NULL with xe set
 * (XC_ERR_NOMEM when memory ran out).
 * Snowball costs about a microsecond a word, and a search analyzes the
 * passage of every hit again (highlights, windows, duplicates), so the
 * same common words were stemmed over and over: a direct-mapped cache
 * keyed by an FNV-1a hash of the word answers most of them. */
static char *stem_of(ghs_analyzer *a, const char *term, size_t tlen, xc_error *xe)
{
    if (tlen == 0 || tlen >= GHS_STEM_CACHE_WORD)
        return xc_stem_word(a->stemmer, term, tlen, xe);
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < tlen; i++) {
        h ^= (unsigned char)term[i];
        h *= 16777619u;
    }
    ghs_stem_slot *slot = &a->stem_cache[h % GHS_STEM_CACHE_SLOTS];
    if (memcmp(slot->term, term, tlen) == 0 && slot->term[tlen] == '\0') {
        char *copy = strdup(slot->stem);
        if (!copy) {
            xe->code = XC_ERR_NOMEM;
            snprintf(xe->message, sizeof xe->message, "out of memory");
        }
        return copy;
    }
    char *stem = xc_stem_word(a->stemmer, term, tlen, xe);
    size_t slen = stem ? strlen(stem) : GHS_STEM_CACHE_WORD;
    if (slen < GHS_STEM_CACHE_WORD) {
        memcpy(slot->term, term, tlen);
        slot->term[tlen] = '\0';
        memcpy(slot->stem, stem, slen + 1);
    }
    return stem;
}

void ghs_tokens_init(ghs_tokens *t)
{
    t->v = NULL;
    t->n = 0;
    t->cap = 0;
    t->parts = NULL;
    t->n_parts = 0;
    t->cap_parts = 0;
}

/* Free the strings of tokens [from, t->n) and of parts [from_parts,
 * t->n_parts) and drop them from t. */
static void tokens_truncate(ghs_tokens *t, size_t from, size_t from_parts)
{
    for (size_t i = from; i < t->n; i++) {
        free(t->v[i].term);
        free(t->v[i].stem);
    }
    t->n = from;
    for (size_t i = from_parts; i < t->n_parts; i++)
        free(t->parts[i].term);
    t->n_parts = from_parts;
}

void ghs_tokens_free(ghs_tokens *t)
{
    if (!t)
        return;
    tokens_truncate(t, 0, 0);
    free(t->v);
    free(t->parts);
    ghs_tokens_init(t);
}

static int check_args(ghs_analyzer *a, const char *text, size_t len,
                      const char *place, ghs_error *err)
{
    if (!a)
        return ghs_set_error(err, GHS_EINVAL, "[%s] NULL analyzer", place);
    if (!text && len)
        return ghs_set_error(err, GHS_EINVAL, "[%s] NULL text", place);
    return 0;
}

static int reserve_tbuf(ghs_analyzer *a, size_t need, ghs_error *err)
{
    char *nb;

    if (need <= a->tcap)
        return 0;
    nb = realloc(a->tbuf, need);
    if (!nb)
        return ghs_set_error(err, GHS_ENOMEM, "[analyze] out of memory");
    a->tbuf = nb;
    a->tcap = need;
    return 0;
}

/* A trailing possessive: "who's" (or who’s) ends with an apostrophe and s
 * after at least one letter. */
static int possessive_len(const UChar *u, int32_t s, int32_t e)
{
    if (e - s >= 3 && u[e - 1] == 's' && (u[e - 2] == '\'' || u[e - 2] == 0x2019))
        return 2;
    return 0;
}

/* Make the term string for the normalized word u[s..e) of the given script
 * into a malloc'ed string. Latin words spell the apostrophe ' whichever
 * form the text used (PDFs use ’, people type '). */
static char *make_term(ghs_analyzer *a, const UChar *u, int32_t s, int32_t e,
                       uint8_t script, size_t *tlen)
{
    size_t n = ghs_utf16_to_utf8(u + s, e - s, a->tbuf);
    char *t;

    if (script == GHS_SCRIPT_LATIN) {
        /* ’ is E2 80 99 in UTF-8; rewrite it in place as a single byte. */
        size_t r = 0, w = 0;
        while (r < n) {
            if (r + 2 < n && (unsigned char)a->tbuf[r] == 0xE2 &&
                (unsigned char)a->tbuf[r + 1] == 0x80 &&
                (unsigned char)a->tbuf[r + 2] == 0x99) {
                a->tbuf[w++] = '\'';
                r += 3;
            } else {
                a->tbuf[w++] = a->tbuf[r++];
            }
        }
        n = w;
    }
    n = ghs_utf8_cut(a->tbuf, n, GHS_TERM_MAX);
    t = malloc(n + 1);
    if (!t)
        return NULL;
    memcpy(t, a->tbuf, n);
    t[n] = '\0';
    *tlen = n;
    return t;
}

/* Append tok to the array *v of *n tokens (capacity *cap). */
static int push_to(ghs_token **v, size_t *n, size_t *cap, const ghs_token *tok,
                   ghs_error *err)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        ghs_token *nv = realloc(*v, ncap * sizeof *nv);
        if (!nv)
            return ghs_set_error(err, GHS_ENOMEM, "[analyze] out of memory");
        *v = nv;
        *cap = ncap;
    }
    (*v)[(*n)++] = *tok;
    return 0;
}

static int push_token(ghs_tokens *out, const ghs_token *tok, ghs_error *err)
{
    return push_to(&out->v, &out->n, &out->cap, tok, err);
}

static int push_part_token(ghs_tokens *out, const ghs_token *tok, ghs_error *err)
{
    return push_to(&out->parts, &out->n_parts, &out->cap_parts, tok, err);
}

/* The words of a->nt (normalized already) into a->spans and a->parts:
 * ICU's word segmentation, then the katakana compounds joined. */
static int segment(ghs_analyzer *a, ghs_error *err)
{
    int rc = ghs_segment_words(a->words, a->nt.u, a->nt.len, &a->spans, err);
    if (rc < 0)
        return rc;
    return ghs_kana_join_spans(&a->spans, &a->nt, &a->parts, err);
}

/* The tokens of a->spans and a->parts over a->nt, appended to out (see
 * ghs_analyze). */
static int make_tokens(ghs_analyzer *a, uint32_t pos_gap, ghs_tokens *out, ghs_error *err)
{
    const ghs_normtext *nt = &a->nt;
    size_t first = out->n, first_part = out->n_parts;
    uint32_t pos;
    int rc;

    pos = (out->n ? out->v[out->n - 1].pos : 0) + pos_gap;
    for (size_t i = 0; i < a->spans.n; i++) {
        const ghs_wspan *sp = &a->spans.v[i];
        int32_t s = sp->s, e = sp->e;
        ghs_token tok;
        size_t tlen;

        assert(s < e && e <= nt->len);
        if (sp->script == GHS_SCRIPT_LATIN)
            e -= possessive_len(nt->u, s, e);
        if ((rc = reserve_tbuf(a, 3 * (size_t)(e - s) + 1, err)) < 0)
            goto fail;
        memset(&tok, 0, sizeof tok);
        tok.script = sp->script;
        tok.pos = ++pos;
        /* The word's first unit starts at its chunk's start and its last
         * unit ends at its chunk's end: exact input characters. */
        tok.start = nt->ustart[s];
        tok.end = nt->uend[e - 1];
        tok.term = make_term(a, nt->u, s, e, sp->script, &tlen);
        if (!tok.term) {
            rc = ghs_set_error(err, GHS_ENOMEM, "[analyze] out of memory");
            goto fail;
        }
        if (sp->script == GHS_SCRIPT_LATIN) {
            xc_error xe;
            tok.stem = stem_of(a, tok.term, tlen, &xe);
            if (!tok.stem) {
                rc = ghs_set_error(err, xe.code == XC_ERR_NOMEM ? GHS_ENOMEM : GHS_EINTERNAL,
                                    "[analyze] stemming \"%.64s\" failed: %s",
                                    tok.term, xe.message);
                free(tok.term);
                goto fail;
            }
            tok.is_stop = (uint8_t)ghs_stopset_has(&a->stop_en, tok.term, tlen);
        } else if (sp->script == GHS_SCRIPT_CJK) {
            tok.is_stop = (uint8_t)ghs_stopset_has(&a->stop_ja, tok.term, tlen);
        }
        if ((rc = push_token(out, &tok, err)) < 0) {
            free(tok.term);
            free(tok.stem);
            goto fail;
        }
    }
    /* Pieces of katakana compounds, at their compound's position. */
    for (size_t i = 0; i < a->parts.n; i++) {
        const ghs_wspan *sp = &a->parts.v[i];
        const ghs_token *whole = &out->v[first + sp->owner];
        ghs_token tok;
        size_t tlen;

        if ((rc = reserve_tbuf(a, 3 * (size_t)(sp->e - sp->s) + 1, err)) < 0)
            goto fail;
        memset(&tok, 0, sizeof tok);
        tok.script = GHS_SCRIPT_CJK;
        tok.pos = whole->pos;
        tok.start = nt->ustart[sp->s];
        tok.end = sp->cut_end ? sp->cut_end : nt->uend[sp->e - 1];
        tok.term = make_term(a, nt->u, sp->s, sp->e, GHS_SCRIPT_CJK, &tlen);
        if (!tok.term) {
            rc = ghs_set_error(err, GHS_ENOMEM, "[analyze] out of memory");
            goto fail;
        }
        tok.is_stop = (uint8_t)ghs_stopset_has(&a->stop_ja, tok.term, tlen);
        if ((rc = push_part_token(out, &tok, err)) < 0) {
            free(tok.term);
            goto fail;
        }
    }
    return 0;

fail:
    tokens_truncate(out, first, first_part);
    return rc;
}

static int seg_decode(ghs_analyzer *a, const char *seg, size_t seg_len, ghs_error *err);

/* ghs_analyze and ghs_analyze_stored: text normalized, then its words
 * from the stored segmentation seg when there is one that fits the
 * normalized text, else segmented anew, then the tokens. */
static int analyze(ghs_analyzer *a, const char *text, size_t len, const char *seg,
                   size_t seg_len, uint32_t pos_gap, ghs_tokens *out, ghs_error *err)
{
    int rc;

    if ((rc = check_args(a, text, len, "analyze", err)) < 0)
        return rc;
    if (!out)
        return ghs_set_error(err, GHS_EINVAL, "[analyze] NULL token list");
    if ((rc = ghs_normtext_run(&a->nt, a->nfkc, text, len, err)) < 0)
        return rc;
    rc = seg && seg_len > 0 ? seg_decode(a, seg, seg_len, err) : 0;
    if (rc < 0)
        return GHS_ENOMEM;
    if (rc == 0 && (rc = segment(a, err)) < 0)
        return rc;
    return make_tokens(a, pos_gap, out, err);
}

int ghs_analyze(ghs_analyzer *a, const char *text, size_t len,
                uint32_t pos_gap, ghs_tokens *out, ghs_error *err)
{
    return analyze(a, text, len, NULL, 0, pos_gap, out, err);
}

/* ---- A stored segmentation ----
 * Unsigned LEB128 numbers: the format version (1); the input's code points
 * and the normalized text's UTF-16 units (checked before use: a stored
 * segmentation of other text is never applied); the number of words, then
 * per word the units skipped since the previous word's end and its length
 * times 4 plus its script; the number of compound pieces, then per piece
 * its compound's index, start unit, length and cut_end (analyze.h). */
#define SEG_VERSION 1

typedef struct segbuf {
    unsigned char *v;
    size_t n, cap;
    int oom;
} segbuf;

static void seg_put(segbuf *b, uint64_t v)
{
    do {
        if (b->n == b->cap && !b->oom) {
            size_t ncap = b->cap ? b->cap * 2 : 256;
            unsigned char *nv = realloc(b->v, ncap);
            if (!nv) {
                b->oom = 1;
                return;
            }
            b->v = nv;
            b->cap = ncap;
        }
        if (b->oom)
            return;
        unsigned char c = (unsigned char)(v & 0x7F);
        v >>= 7;
        if (v)
            c |= 0x80;
        b->v[b->n++] = c;
    } while (v);
}

/* The next number of seg into *v: 0, or -1 past the end or on a number
 * longer than 64 bits. */
static int seg_get(const unsigned char *seg, size_t len, size_t *at, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; shift < 64 && *at < len; shift += 7) {
        unsigned char c = seg[(*at)++];
        *v |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80))
            return 0;
    }
    return -1;
}

/* a->spans and a->parts from seg when it is a well-formed segmentation of
 * a->nt: 1; 0 when it is not (nothing usable was stored). */
static int seg_decode(ghs_analyzer *a, const char *seg, size_t seg_len, ghs_error *err)
{
    const unsigned char *p = (const unsigned char *)seg;
    const ghs_normtext *nt = &a->nt;
    size_t at = 0;
    uint64_t ver, ncp, units, n, gap, lenscript, prev_e = 0;

    if (!seg || seg_get(p, seg_len, &at, &ver) < 0 || ver != SEG_VERSION ||
        seg_get(p, seg_len, &at, &ncp) < 0 || ncp != nt->ncp ||
        seg_get(p, seg_len, &at, &units) < 0 || units != (uint64_t)nt->len ||
        seg_get(p, seg_len, &at, &n) < 0 || n > units)
        return 0;
    a->spans.n = 0;
    a->parts.n = 0;
    for (uint64_t i = 0; i < n; i++) {
        if (seg_get(p, seg_len, &at, &gap) < 0 || seg_get(p, seg_len, &at, &lenscript) < 0)
            return 0;
        uint64_t s = prev_e + gap, e = s + (lenscript >> 2);
        if (gap > units || e <= s || e > units)
            return 0;
        if (ghs_wspans_push(&a->spans, (int32_t)s, (int32_t)e, (uint8_t)(lenscript & 3),
                            err) < 0)
            return -1;
        prev_e = e;
    }
    if (seg_get(p, seg_len, &at, &n) < 0 || n > units)
        return 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t owner, s, plen, cut_end;
        if (seg_get(p, seg_len, &at, &owner) < 0 || seg_get(p, seg_len, &at, &s) < 0 ||
            seg_get(p, seg_len, &at, &plen) < 0 || seg_get(p, seg_len, &at, &cut_end) < 0)
            return 0;
        if (owner >= a->spans.n || plen == 0 || s >= units || plen > units - s ||
            cut_end > nt->ncp)
            return 0;
        if (ghs_wspans_push(&a->parts, (int32_t)s, (int32_t)(s + plen), GHS_SCRIPT_CJK,
                            err) < 0)
            return -1;
        a->parts.v[a->parts.n - 1].owner = (size_t)owner;
        a->parts.v[a->parts.n - 1].cut_end = (uint32_t)cut_end;
    }
    return at == seg_len;
}

int ghs_analyze_keep(ghs_analyzer *a, const char *text, size_t len, uint32_t pos_gap,
                     ghs_tokens *out, char **seg, size_t *seg_len, ghs_error *err)
{
    *seg = NULL;
    *seg_len = 0;
    size_t first = out ? out->n : 0, first_part = out ? out->n_parts : 0;
    int rc = ghs_analyze(a, text, len, pos_gap, out, err);
    if (rc < 0)
        return rc;
    segbuf b = { 0 };
    seg_put(&b, SEG_VERSION);
    seg_put(&b, a->nt.ncp);
    seg_put(&b, (uint64_t)a->nt.len);
    seg_put(&b, a->spans.n);
    int32_t prev_e = 0;
    for (size_t i = 0; i < a->spans.n; i++) {
        const ghs_wspan *sp = &a->spans.v[i];
        assert(sp->s >= prev_e && sp->e > sp->s && sp->script <= 3);
        seg_put(&b, (uint64_t)(sp->s - prev_e));
        seg_put(&b, (uint64_t)(sp->e - sp->s) << 2 | sp->script);
        prev_e = sp->e;
    }
    seg_put(&b, a->parts.n);
    for (size_t i = 0; i < a->parts.n; i++) {
        const ghs_wspan *sp = &a->parts.v[i];
        seg_put(&b, sp->owner);
        seg_put(&b, (uint64_t)sp->s);
        seg_put(&b, (uint64_t)(sp->e - sp->s));
        seg_put(&b, sp->cut_end);
    }
    if (b.oom) {
        free(b.v);
        tokens_truncate(out, first, first_part);
        return ghs_set_error(err, GHS_ENOMEM, "[analyze] out of memory");
    }
    *seg = (char *)b.v;
    *seg_len = b.n;
    return 0;
}

int ghs_analyze_stored(ghs_analyzer *a, const char *text, size_t len, const char *seg,
                       size_t seg_len, uint32_t pos_gap, ghs_tokens *out, ghs_error *err)
{
    return analyze(a, text, len, seg, seg_len, pos_gap, out, err);
}

char *ghs_normalize(ghs_analyzer *a, const char *text, size_t len,
                    ghs_error *err)
{
    char *s;
    size_t n;

    if (check_args(a, text, len, "normalize", err) < 0)
        return NULL;
    if (ghs_normtext_run(&a->nt, a->nfkc, text, len, err) < 0)
        return NULL;
    s = malloc(3 * (size_t)a->nt.len + 1);
    if (!s) {
        ghs_set_error(err, GHS_ENOMEM, "[normalize] out of memory");
        return NULL;
    }
    n = ghs_utf16_to_utf8(a->nt.u, a->nt.len, s);
    s[n] = '\0';
    return s;
}
