/*
 * schema.h: how ghsearch lays out passages in a Xapian database.
 *
 * The indexer writes it and the searcher reads it; this header is the one
 * place both agree on term prefixes, value slots and the stored record.
 *
 * One Xapian document per passage.
 *  - free-text terms: every token's normalized term with its position
 *    (unprefixed; used by phrases, NEAR and non-Latin words), and for Latin
 *    words that are not stopwords the English stem under GHS_PREFIX_STEM
 *    (no positions; used by plain words so "financing" finds "finance").
 *  - boolean terms (filters, no effect on scores): see GHS_PREFIX_*.
 *  - values: GHS_SLOT_DOC (document id, the collapse key for grouping),
 *    GHS_SLOT_PAGE (page number as decimal text), GHS_SLOT_FACETS (what
 *    `--facets` counts, see below).
 *  - spelling: English words (Latin script, letters only, 3+ letters, not
 *    stopwords) go to Xapian's spelling table for "did you mean".
 *  - data: a docdata record (docdata.h) with the passage and what a
 *    citation needs, so showing a hit never reads another document.
 * Per source document, user metadata under GHS_META_DOC + id holds the
 * document record (title, source, type, pages, file size and mtime) used
 * by incremental indexing and `show`.
 */
#ifndef GHS_INDEXER_SCHEMA_H
#define GHS_INDEXER_SCHEMA_H

#define GHS_PREFIX_STEM "Z"      /* English stem of a Latin word */
#define GHS_PREFIX_PASSAGE "Q"   /* unique passage id: Q<doc>#<page>#<n> */
#define GHS_PREFIX_DOC "D"       /* document id (stable, from path/manifest/record) */
#define GHS_PREFIX_LANG "L"      /* language code: Lja, Len */
#define GHS_PREFIX_TYPE "T"      /* pdf, release, record */
#define GHS_PREFIX_YEAR "Y"      /* four-digit year */
#define GHS_PREFIX_PUBLISHER "P" /* each normalized word of the publisher */
#define GHS_PREFIX_TITLE "S"     /* each normalized word of the title */
#define GHS_PREFIX_BIGRAM "B"    /* CJK character bigram (analyze.h ghs_cjk_grams) */
/* "U" + a CJK character: indexed until issue 21 (indexes written before
 * still hold them; nothing searches them now). Reserved. */
#define GHS_PREFIX_TITLE_TEXT "K" /* + a word, stem (KZ..) or bigram (KB..) of the title */
#define GHS_PREFIX_FILE "F"      /* source file: F + SHA-1 of its absolute path, or Ftext:<id> */

#define GHS_SLOT_DOC 0
#define GHS_SLOT_PAGE 1
/* "doc id" US "lang" US "year" US "type" US "publisher" (US = 0x1F; fields
 * may be empty; control characters inside a field are written as spaces).
 * Every passage of a document has the same value, so a ValueCountMatchSpy
 * on this slot sees each matching document once with its passage count:
 * facets count documents, and work on remote shards (no custom spy). */
#define GHS_SLOT_FACETS 2
#define GHS_FACET_SEP '\x1f'

#define GHS_META_DOC "doc:"       /* + doc id -> document record */
#define GHS_META_PATH "path:"     /* + absolute path -> doc id */
#define GHS_META_PROGRESS "progress:" /* + absolute path of a JSON Lines file being
                                     * indexed -> "sha256 line offset" of the last
                                     * record committed (indexer/index.c) */
#define GHS_META_SCHEMA "ghsearch-schema"
#define GHS_SCHEMA_VERSION "1"

#endif /* GHS_INDEXER_SCHEMA_H */
