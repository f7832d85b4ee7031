/*
 * stopwords.c: stopword lookup. The lists live in stopwords/en.txt and
 * stopwords/ja.txt and are compiled into the library by embed_words.py as
 * sorted arrays (by UTF-8 bytes, which is strcmp order), so an embedding
 * program needs no data files.
 *
 * ghs_is_stopword() binary-searches those arrays. The analyzer, which asks
 * once per token, keeps a small open-addressing hash set per language
 * instead (ghs_stopset): most tokens are not stopwords and a miss then costs
 * one hash and usually no string comparison.
 *
 * A stopword is only flagged (ghs_token.is_stop); whether to index or query
 * it is the caller's decision.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "text_internal.h"

static int cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, *(const char *const *)elem);
}

static int list_for(const char *lang, const char *const **list, size_t *n)
{
    if (lang && strcmp(lang, "en") == 0) {
        *list = ghs_stopwords_en;
        *n = ghs_stopwords_en_count;
        return 1;
    }
    if (lang && strcmp(lang, "ja") == 0) {
        *list = ghs_stopwords_ja;
        *n = ghs_stopwords_ja_count;
        return 1;
    }
    *list = NULL;
    *n = 0;
    return 0;
}

int ghs_is_stopword(const char *lang, const char *word)
{
    const char *const *list;
    size_t n;

    if (!word || !list_for(lang, &list, &n))
        return 0;
    return bsearch(word, list, n, sizeof *list, cmp) != NULL;
}

/* FNV-1a over len bytes. */
static uint32_t hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

void ghs_stopset_init(ghs_stopset *set, const char *lang)
{
    size_t n;

    memset(set->slot, 0xFF, sizeof set->slot);   /* every slot -1: empty */
    list_for(lang, &set->words, &n);
    /* Keep the load factor at most 1/2; a longer list is binary-searched. */
    set->n = n;
    set->hashed = n <= GHS_STOPSET_SLOTS / 2;
    if (!set->hashed)
        return;
    for (size_t i = 0; i < n; i++) {
        const char *w = set->words[i];
        uint32_t h = hash(w, strlen(w)) & (GHS_STOPSET_SLOTS - 1);
        while (set->slot[h] >= 0)
            h = (h + 1) & (GHS_STOPSET_SLOTS - 1);
        set->slot[h] = (int16_t)i;
    }
}

int ghs_stopset_has(const ghs_stopset *set, const char *word, size_t len)
{
    uint32_t h;

    assert(word[len] == '\0');
    if (!set->words)
        return 0;
    if (!set->hashed)
        return bsearch(word, set->words, set->n, sizeof *set->words, cmp) != NULL;
    h = hash(word, len) & (GHS_STOPSET_SLOTS - 1);
    while (set->slot[h] >= 0) {
        const char *w = set->words[set->slot[h]];
        if (strncmp(w, word, len) == 0 && w[len] == '\0')
            return 1;
        h = (h + 1) & (GHS_STOPSET_SLOTS - 1);
    }
    return 0;
}
