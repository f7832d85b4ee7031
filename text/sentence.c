/*
 * sentence.c: sentence boundaries (ICU sentence break, "ja" rules, which
 * handle both 。！？ and English . ! ?).
 *
 * Why the text is edited first: text extracted from PDFs keeps the layout's
 * line wraps, and ICU ends a sentence at every line feed. The iterator
 * therefore runs on a copy where a lone line break (one '\n', or "\r\n") is a
 * space, so a sentence runs on across a wrapped line while a blank line (a
 * paragraph break) still ends it. The copy has the same length, so offsets
 * are unchanged. A piece that is only white space (the second '\n' of a blank
 * line) is merged into the sentence before it.
 */
#include <stdlib.h>

#include <unicode/uchar.h>
#include <unicode/utf16.h>

#include "text_internal.h"

static int is_hspace(UChar c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == 0x3000 || c == 0xA0;
}

/* Replace each lone line break of u[0..n) by spaces. A break is lone when
 * the nearest non-blank characters on both sides are not line feeds. */
static void join_wrapped_lines(UChar *u, int32_t n)
{
    int32_t i = 0;

    while (i < n) {
        int32_t j, feeds = 0;
        if (u[i] != '\n' && u[i] != '\r') {
            i++;
            continue;
        }
        /* A run of blanks containing line breaks: count the line feeds. */
        for (j = i; j < n && (u[j] == '\n' || is_hspace(u[j])); j++)
            feeds += u[j] == '\n';
        if (feeds <= 1) {
            for (int32_t k = i; k < j; k++)
                if (u[k] == '\n' || u[k] == '\r')
                    u[k] = ' ';
        }
        i = j;
    }
}

static int only_space(const UChar *u, int32_t s, int32_t e)
{
    while (s < e) {
        UChar32 c;
        U16_NEXT(u, s, e, c);
        if (!u_isUWhiteSpace(c))
            return 0;
    }
    return 1;
}

int ghs_sentence_ends(ghs_analyzer *a, const char *text, size_t len,
                      uint32_t **out, size_t *n, ghs_error *err)
{
    UErrorCode st = U_ZERO_ERROR;
    ghs_u16buf *b;
    uint32_t *v = NULL, cp = 0;
    size_t nv = 0, cap = 0;
    int32_t prev, q, walked = 0;
    int rc;

    if (!a || !out || !n || (!text && len))
        return ghs_set_error(err, GHS_EINVAL,
                              "[sentence] invalid argument: NULL %s",
                              !a ? "analyzer" : !out || !n ? "output" : "text");
    *out = NULL;
    *n = 0;
    b = &a->nt.src;
    if ((rc = ghs_utf8_to_u16(b, text, len, err)) < 0)
        return rc;
    if (b->len == 0)
        return 0;
    join_wrapped_lines(b->u, b->len);
    ubrk_setText(a->sentences, b->u, b->len, &st);
    if (U_FAILURE(st))
        return ghs_set_error(err, GHS_EINTERNAL,
                              "[sentence] ICU sentence break failed: %s",
                              u_errorName(st));
    prev = ubrk_first(a->sentences);
    while ((q = ubrk_next(a->sentences)) != UBRK_DONE) {
        /* Advance the code point count to q (boundaries only increase). */
        while (walked < q) {
            UChar32 c;
            U16_NEXT(b->u, walked, q, c);
            (void)c;
            cp++;
        }
        /* White space alone is no sentence: it joins the one before, or
         * at the start of the text the one after. The text's end is always
         * a boundary, so a blank text still gets one. */
        if (only_space(b->u, prev, q) && (nv > 0 || q < b->len)) {
            if (nv > 0)
                v[nv - 1] = cp;
        } else {
            if (nv == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                uint32_t *nvp = realloc(v, ncap * sizeof *nvp);
                if (!nvp) {
                    free(v);
                    return ghs_set_error(err, GHS_ENOMEM,
                                          "[sentence] out of memory");
                }
                v = nvp;
                cap = ncap;
            }
            v[nv++] = cp;
        }
        prev = q;
    }
    *out = v;
    *n = nv;
    return 0;
}
