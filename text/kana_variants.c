/*
 * kana_variants.c: folding of Japanese spelling variants that mean the same
 * word, so that either spelling finds the other. It runs inside the shared
 * analysis (after NFKC, before and after word segmentation), so the indexer
 * and the searcher fold alike.
 *
 * Rules, on normalized text (full-width katakana, ASCII spaces):
 *  1. Kana iteration marks are spelled out: ゝ repeats the hiragana before
 *     it, ゞ repeats it voiced (いすゞ = いすず, こゝろ = こころ); ヽ and ヾ
 *     do the same for katakana. A mark after anything else is kept. 々 is
 *     not touched: 人々, 様々, 各々 are words the dictionary knows and users
 *     type them with 々.
 *  2. A middle dot (・, and the Latin · some PDFs use) or a single space
 *     between two katakana letters is dropped: プライマリ・ヘルス・ケア =
 *     プライマリ ヘルス ケア = プライマリヘルスケア.
 *  3. The prolonged sound mark ー ending a run of katakana four or more
 *     characters long (the mark included) is dropped: サーバー = サーバ,
 *     コンピューター = コンピュータ, メモリー = メモリ. This is the rule of
 *     Lucene/Kuromoji's JapaneseKatakanaStemFilter; short words keep their
 *     mark (ケー, ツアー, コピー), where dropping it would make another word
 *     or none. Only the end of the run is folded: サーバーセキュリティ does
 *     not meet サーバセキュリティ.
 *  4. After segmentation, adjacent words made only of katakana are joined
 *     into one word (ghs_kana_join_spans). ICU's dictionary cuts an
 *     unbroken katakana run into pieces that depend on the spelling
 *     (プライマリヘルスケア -> プ|ライ|マリ|ヘルスケア, while the dotted form
 *     splits at its dots); the whole run as one term is the same for every
 *     spelling, and a part of a compound (ヘルス) still finds it through the
 *     character bigrams (ngram.c).
 *
 * Rules 1-3 edit the normalized text in place, before segmentation; a
 * dropped character's input range joins the character before it in the
 * offset map, so a word still covers every input character it spans
 * (highlighting サーバー marks the ー, プライマリ・ヘルス・ケア its dots).
 */
#include <stdlib.h>

#include <unicode/unorm2.h>

#include "text_internal.h"

#define PROLONGED 0x30FC   /* ー */

/* A katakana letter or the prolonged sound mark (not ・, not ヽヾ). */
static int is_kata(UChar c)
{
    return (c >= 0x30A1 && c <= 0x30FA) || c == PROLONGED
        || (c >= 0x31F0 && c <= 0x31FF);
}

static int is_hira(UChar c)
{
    return c >= 0x3041 && c <= 0x3096;
}

/* Separators dropped between katakana: ・ (NFKC of ･), · and a space (NFKC
 * of the full-width space). */
static int is_sep(UChar c)
{
    return c == 0x30FB || c == 0x00B7 || c == 0x0020;
}

/* The kana an iteration mark stands for, given the kana before it; 0 if the
 * mark does not follow a kana of its own script. */
static UChar expand_mark(UChar mark, UChar prev)
{
    int voiced = mark == 0x309E || mark == 0x30FE;
    int hira_mark = mark == 0x309D || mark == 0x309E;
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfc;
    UChar d[4];
    UChar base = prev;
    UChar32 v;

    if (hira_mark ? !is_hira(prev) : !(is_kata(prev) && prev != PROLONGED))
        return 0;
    nfc = unorm2_getNFCInstance(&st);
    if (U_FAILURE(st))
        return 0;
    /* が -> か + U+3099: the mark repeats the plain kana... */
    if (unorm2_getRawDecomposition(nfc, prev, d, 4, &st) == 2 && U_SUCCESS(st) &&
        (d[1] == 0x3099 || d[1] == 0x309A))
        base = d[0];
    if (!voiced)
        return base;
    /* ...and the voiced mark its voiced form, when it has one. */
    v = unorm2_composePair(nfc, base, 0x3099);
    return v > 0 && v <= 0xFFFF ? (UChar)v : base;
}

/* Remember that a separator was dropped before unit w, and where the unit
 * before it ended (for compound parts). Out of memory is an error: losing
 * the boundary would leave the compound's pieces unindexed (or unsearched)
 * without a word. */
static int note_sep(ghs_normtext *nt, int32_t w, ghs_error *err)
{
    if (nt->n_seps == nt->cap_seps) {
        size_t ncap = nt->cap_seps ? nt->cap_seps * 2 : 16;
        int32_t *v = realloc(nt->seps, ncap * sizeof *v);
        if (!v)
            return ghs_set_error(err, GHS_ENOMEM, "[normalize] out of memory");
        nt->seps = v;
        uint32_t *e = realloc(nt->sep_ends, ncap * sizeof *e);
        if (!e)
            return ghs_set_error(err, GHS_ENOMEM, "[normalize] out of memory");
        nt->sep_ends = e;
        nt->cap_seps = ncap;
    }
    nt->sep_ends[nt->n_seps] = nt->uend[w - 1];
    nt->seps[nt->n_seps++] = w;
    return 0;
}

int ghs_kana_fold(ghs_normtext *nt, ghs_error *err)
{
    nt->n_seps = 0;
    UChar *u = nt->u;
    int32_t n = nt->len, w = 0, run = 0;   /* run: katakana units ending at w */

    for (int32_t r = 0; r < n; r++) {
        UChar c = u[r];
        if ((c == 0x309D || c == 0x309E || c == 0x30FD || c == 0x30FE) && w > 0) {
            UChar e = expand_mark(c, u[w - 1]);
            if (e)
                c = e;
        }
        if (w > 0 && run > 0 && is_sep(c) && r + 1 < n && is_kata(u[r + 1]) &&
            u[r + 1] != PROLONGED) {
            int rc = note_sep(nt, w, err);
            if (rc < 0)
                return rc;
            nt->uend[w - 1] = nt->uend[r];
            continue;
        }
        if (c == PROLONGED && run >= 3) {
            int more = r + 1 < n &&
                (is_kata(u[r + 1]) || (u[r + 1] >= 0x30FD && u[r + 1] <= 0x30FE) ||
                 (is_sep(u[r + 1]) && r + 2 < n && is_kata(u[r + 2]) &&
                  u[r + 2] != PROLONGED));
            if (!more) {
                nt->uend[w - 1] = nt->uend[r];
                run = 0;
                continue;
            }
        }
        run = is_kata(c) ? run + 1 : 0;
        u[w] = c;
        nt->ustart[w] = nt->ustart[r];
        nt->uend[w] = nt->uend[r];
        w++;
    }
    nt->len = w;
    return 0;
}

/* Is u[s..e) made of katakana only? */
static int all_kata(const UChar *u, int32_t s, int32_t e)
{
    for (int32_t i = s; i < e; i++)
        if (!is_kata(u[i]))
            return 0;
    return 1;
}

static int push_part(ghs_wspans *parts, int32_t s, int32_t e, size_t owner, ghs_error *err)
{
    if (e - s < 2)
        return 0;
    if (ghs_wspans_push(parts, s, e, GHS_SCRIPT_CJK, err) < 0)
        return GHS_ENOMEM;
    parts->v[parts->n - 1].owner = owner;
    return 0;
}

/* The pieces of word sp (index owner) cut at the dropped separators inside
 * it; 0 pieces when there is none. */
static int sep_parts(const ghs_normtext *nt, const ghs_wspan *sp, size_t owner,
                     ghs_wspans *parts, ghs_error *err, int *found)
{
    int32_t from = sp->s;
    *found = 0;
    for (size_t k = 0; k < nt->n_seps; k++) {
        int32_t at = nt->seps[k];
        if (at <= sp->s || at >= sp->e)
            continue;
        *found = 1;
        size_t before = parts->n;
        if (push_part(parts, from, at, owner, err) < 0)
            return GHS_ENOMEM;
        if (parts->n > before)
            parts->v[before].cut_end = nt->sep_ends[k];
        from = at;
    }
    if (*found && push_part(parts, from, sp->e, owner, err) < 0)
        return GHS_ENOMEM;
    return 0;
}

int ghs_kana_join_spans(ghs_wspans *spans, const ghs_normtext *nt, ghs_wspans *parts,
                        ghs_error *err)
{
    size_t w = 0;
    int prev_kata = 0;
    const UChar *u = nt->u;

    parts->n = 0;
    for (size_t r = 0; r < spans->n; r++) {
        ghs_wspan sp = spans->v[r];
        int kata = sp.script == GHS_SCRIPT_CJK && all_kata(u, sp.s, sp.e);
        if (w > 0 && kata && prev_kata && spans->v[w - 1].e == sp.s) {
            /* ICU's piece: kept below unless separators give better ones. */
            if (push_part(parts, sp.s, sp.e, w - 1, err) < 0)
                return GHS_ENOMEM;
            spans->v[w - 1].e = sp.e;
            continue;
        }
        if (kata && push_part(parts, sp.s, sp.e, w, err) < 0)
            return GHS_ENOMEM;
        spans->v[w++] = sp;
        prev_kata = kata;
    }
    spans->n = w;

    /* Per word: separator pieces if any, else ICU's pieces if more than one. */
    size_t in = 0, out = 0, n_icu = parts->n;
    ghs_wspans extra = { 0 };
    while (in < n_icu) {
        size_t owner = parts->v[in].owner, end = in;
        while (end < n_icu && parts->v[end].owner == owner)
            end++;
        int found = 0;
        if (sep_parts(nt, &spans->v[owner], owner, &extra, err, &found) < 0) {
            free(extra.v);
            return GHS_ENOMEM;
        }
        if (!found && end - in > 1)
            for (size_t k = in; k < end; k++)
                parts->v[out++] = parts->v[k];
        in = end;
    }
    parts->n = out;
    /* The separator pieces after them (parts are not ordered by owner). */
    for (size_t k = 0; k < extra.n; k++)
        if (push_part(parts, extra.v[k].s, extra.v[k].e, extra.v[k].owner, err) < 0) {
            free(extra.v);
            return GHS_ENOMEM;
        } else {
            parts->v[parts->n - 1].cut_end = extra.v[k].cut_end;
        }
    free(extra.v);
    return 0;
}
