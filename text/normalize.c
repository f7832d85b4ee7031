/*
 * normalize.c: NFKC + case folding (ICU's "nfkc_cf") with a map from every
 * unit of the normalized text back to code points of the input.
 *
 * NFKC does the folding Japanese search needs: full-width Latin and digits
 * to ASCII (ＷＨＯ -> who, ２０２３ -> 2023), half-width katakana to full
 * width (ｳｲﾙｽ -> ウイルス, ｶﾞ -> ガ), ligatures (ﬁ -> fi), circled and
 * compatibility characters. Kanji numerals are left alone (NFKC does not
 * touch them).
 *
 * The offset map. Normalization may merge, split or drop characters, so the
 * text is normalized chunk by chunk, a chunk being a run of the input that
 * starts at a normalization boundary (unorm2_hasBoundaryBefore) and ends at
 * the next one; ICU guarantees that normalizing chunk by chunk gives the same
 * result as normalizing the whole text. Every output unit records the input
 * code point range of its chunk, so normalized units [s, e) map back to input
 * code points [ustart[s], uend[e-1]) exactly. Runs that are already
 * normalized (unorm2_spanQuickCheckYes, which ends on a boundary) are copied
 * as they are, one code point at a time, which is both the fast path for
 * Japanese and an exact map.
 *
 * Last, ghs_kana_fold (kana_variants.c) folds Japanese spelling variants in
 * the normalized text (iteration marks, dots inside katakana compounds, a
 * final ー), keeping the map exact.
 */
#include <stdlib.h>
#include <string.h>

#include <unicode/utf16.h>

#include "text_internal.h"

static int reserve(ghs_normtext *nt, int32_t need, ghs_error *err)
{
    int32_t ncap;
    UChar *u;
    uint32_t *s, *e;

    if (need <= nt->cap)
        return 0;
    ncap = nt->cap ? nt->cap : 256;
    while (ncap < need)
        ncap = ncap > INT32_MAX / 2 ? INT32_MAX : ncap * 2;
    /* realloc each array separately; on failure the old ones stay valid. */
    u = realloc(nt->u, (size_t)ncap * sizeof *u);
    if (!u)
        goto oom;
    nt->u = u;
    s = realloc(nt->ustart, (size_t)ncap * sizeof *s);
    if (!s)
        goto oom;
    nt->ustart = s;
    e = realloc(nt->uend, (size_t)ncap * sizeof *e);
    if (!e)
        goto oom;
    nt->uend = e;
    nt->cap = ncap;
    return 0;
oom:
    return ghs_set_error(err, GHS_ENOMEM, "[normalize] out of memory");
}

/* Copy src[i..end) unchanged, each code point mapped to itself. */
static int copy_identity(ghs_normtext *nt, const UChar *src, int32_t i,
                         int32_t end, uint32_t *cp, ghs_error *err)
{
    int rc;
    int32_t o;

    if ((rc = reserve(nt, nt->len + (end - i), err)) < 0)
        return rc;
    o = nt->len;
    while (i < end) {
        uint32_t c = *cp;
        if (U16_IS_LEAD(src[i]) && i + 1 < end && U16_IS_TRAIL(src[i + 1])) {
            nt->u[o] = src[i];
            nt->ustart[o] = c;
            nt->uend[o++] = c + 1;
            i++;
        }
        nt->u[o] = src[i++];
        nt->ustart[o] = c;
        nt->uend[o++] = c + 1;
        *cp = c + 1;
    }
    nt->len = o;
    return 0;
}

/* Normalize the chunk src[i..j), which holds ncp code points starting at
 * input code point cp, and append it with every unit mapped to the chunk. */
static int append_chunk(ghs_normtext *nt, const UNormalizer2 *nfkc,
                        const UChar *src, int32_t i, int32_t j,
                        uint32_t cp, uint32_t ncp, ghs_error *err)
{
    int32_t n, k;
    int rc;

    /* NFKC expands a code point to at most 18 units (U+FDFA); start with
     * room for a small expansion and grow on overflow. */
    if ((rc = reserve(nt, nt->len + 4 * (j - i) + 8, err)) < 0)
        return rc;
    for (;;) {
        UErrorCode st = U_ZERO_ERROR;
        n = unorm2_normalize(nfkc, src + i, j - i, nt->u + nt->len,
                             nt->cap - nt->len, &st);
        if (st == U_BUFFER_OVERFLOW_ERROR) {
            if ((rc = reserve(nt, nt->len + n + 1, err)) < 0)
                return rc;
            continue;
        }
        if (U_FAILURE(st))
            return ghs_set_error(err, GHS_EINTERNAL,
                                  "[normalize] ICU normalization failed: %s",
                                  u_errorName(st));
        break;
    }
    for (k = nt->len; k < nt->len + n; k++) {
        nt->ustart[k] = cp;
        nt->uend[k] = cp + ncp;
    }
    nt->len += n;
    return 0;
}

int ghs_normtext_run(ghs_normtext *nt, const UNormalizer2 *nfkc,
                     const char *text, size_t len, ghs_error *err)
{
    const UChar *src;
    int32_t n, i = 0;
    uint32_t cp = 0;
    int rc;

    nt->len = 0;
    nt->ncp = 0;
    if ((rc = ghs_utf8_to_u16(&nt->src, text, len, err)) < 0)
        return rc;
    src = nt->src.u;
    n = nt->src.len;
    /* Most text grows little; reserve once for the common case. */
    if ((rc = reserve(nt, n + n / 8 + 16, err)) < 0)
        return rc;

    while (i < n) {
        UErrorCode st = U_ZERO_ERROR;
        int32_t span, j;
        uint32_t ncp;
        UChar32 c;

        span = unorm2_spanQuickCheckYes(nfkc, src + i, n - i, &st);
        if (U_FAILURE(st))
            return ghs_set_error(err, GHS_EINTERNAL,
                                  "[normalize] ICU quick check failed: %s",
                                  u_errorName(st));
        if (span > 0) {
            if ((rc = copy_identity(nt, src, i, i + span, &cp, err)) < 0)
                return rc;
            i += span;
            if (i >= n)
                break;
        }
        /* src[i] starts a chunk that needs normalizing; it runs to the next
         * code point with a boundary before it. */
        j = i;
        U16_NEXT(src, j, n, c);
        ncp = 1;
        while (j < n) {
            int32_t k = j;
            U16_NEXT(src, k, n, c);
            if (unorm2_hasBoundaryBefore(nfkc, c))
                break;
            j = k;
            ncp++;
        }
        if ((rc = append_chunk(nt, nfkc, src, i, j, cp, ncp, err)) < 0)
            return rc;
        cp += ncp;
        i = j;
    }
    nt->ncp = cp;
    return ghs_kana_fold(nt, err);
}

void ghs_normtext_free(ghs_normtext *nt)
{
    free(nt->src.u);
    free(nt->u);
    free(nt->ustart);
    free(nt->uend);
    free(nt->seps);
    free(nt->sep_ends);
    memset(nt, 0, sizeof *nt);
}
