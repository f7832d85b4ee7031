/*
 * extract.h: turning source files into text with pages and metadata.
 *
 * Each extractor fills a ghs_extracted: the document's metadata as the file
 * states it (the corpus manifest may override it later), its text page by
 * page, and the links it contains. Extractors never print and never exit;
 * failures come back as a GHS_E* code with a message naming the file.
 */
#ifndef GHS_INDEXER_EXTRACT_H
#define GHS_INDEXER_EXTRACT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "files.h"
#include "ghsearch.h"

typedef struct ghs_page {
    int number;      /* 1-based page number for PDFs; 0 for sources without pages */
    char *text;      /* UTF-8, NUL-terminated, owned by the ghs_extracted */
    size_t len;      /* bytes */
    char *label;     /* the page number printed on the page ("iii", "15",
                        "A-2"): as the PDF labels it (/PageLabels) when those
                        labels differ from the physical numbers, else as its
                        running head or foot prints it (pdf_page_numbers.h)
                        when those numbers differ; else NULL. Owned. */
} ghs_page;

typedef struct ghs_link {
    char *url;       /* absolute URL or path as written in the source */
    char *anchor;    /* anchor text (HTML) or the text line before it (plain text); may be "" */
} ghs_link;

typedef struct ghs_extracted {
    char *title;     /* may be NULL when the file does not say */
    char *date;      /* ISO 8601 "YYYY-MM-DD" or "YYYY" when known, else NULL */
    char *lang;      /* "ja"/"en" when the file states it, else NULL (the indexer detects) */
    char *publisher; /* may be NULL */
    char *url;       /* source URL if the file states one, else NULL */
    ghs_page *pages;
    size_t n_pages;
    ghs_link *links;
    size_t n_links;
} ghs_extracted;

/* Frees everything inside e and zeroes it; e itself is not freed. */
void ghs_extracted_clear(ghs_extracted *e);

/* PDF through poppler-glib, page by page: pages numbered from 1, hyphenated
 * line ends joined ("recom-\nmendation" -> "recommendation"), ligatures
 * (U+FB00..FB06) folded, lines of a paragraph kept with '\n', a heading's
 * end and a paragraph set apart by space marked by a blank line, table
 * cells and columns on one line kept apart (pdf_layout.h), running heads
 * and feet recurring on most pages of a document of 3 pages or more left
 * out (pdf_furniture.h), and the words of FreeText and Text notes and
 * form field values after the page's own text (pdf_annots.h). A page
 * without text stays as an empty page (text "", len 0) so numbers match.
 * Each page carries its printed label (/PageLabels) when the PDF's labels
 * differ from the physical numbers somewhere; else, when the numbers its
 * running heads or feet print agree over runs of pages and differ from the
 * physical numbers somewhere ("– 15 –" on PDF page 16), those numbers
 * (pdf_page_numbers.h); a lone page number at a page's top or bottom is
 * left out of its text.
 * Title: the metadata title unless it is a placeholder or working label
 * ("untitled", "PowerPoint プレゼンテーション", "200319修正後"), else the
 * heading in the largest type at the top of page 1 (pdf_title.h); date
 * (CreationDate) and language (XMP dc:language, as poppler-glib does not
 * expose /Lang) come from the PDF when present.
 * Errors: GHS_EIO (cannot read), GHS_EFORMAT (not a PDF / damaged; also
 * "too large" past 20,000 pages or 64 MiB of text, and a content stream
 * encoded with an image filter, i.e. a decompression bomb),
 * GHS_EENCRYPTED (needs a password; an empty user password is tried),
 * GHS_ENOTEXT (no page has text, nor notes or form fields). On success e is filled (caller clears);
 * on failure e is left empty. Poppler itself is not time-limited here. */
int ghs_extract_pdf(const char *path, ghs_extracted *e, ghs_error *err);

/* A press release as HTML (.html/.htm) or plain text (.txt): one page
 * numbered 0 holding the body text (HTML: text of <body> without script,
 * style, nav, header, footer; block elements end lines), the title
 * (<title>/<h1>, or the first non-empty line of a text release), the date
 * when one is written near the top (e.g. "[23/04/28]", "2023年4月28日",
 * <meta> dates), the publisher when stated (e.g. "提供元:PRTIMES" or
 * <meta name="author">), and every http(s) link with its anchor text
 * (HTML: links of the kept body text, relative ones resolved against
 * <base>/canonical URL, or kept as written ("report.pdf") when the page
 * states no http(s) base; text: bare URLs, image URLs and "[画像N: ...]"
 * placeholder lines left out), de-duplicated by URL. A text release whose
 * body is printed twice (wire services) keeps one copy.
 * Errors: GHS_EIO, GHS_EFORMAT (binary / not UTF-8 decodable after
 * charset handling / over 64 MiB), GHS_ENOTEXT (empty body). */
int ghs_extract_release(const char *path, ghs_extracted *e, ghs_error *err);

/* One record of a JSON Lines file. Strings are owned by the reader and valid
 * only during the callback. id is never NULL nor "" (a numeric "id": 42
 * arrives as "42"); text is never NULL; the other fields are NULL when absent
 * or not strings (a numeric "date": 2023 arrives as "2023"). */
typedef struct ghs_record {
    const char *id, *title, *text, *lang, *url, *date, *publisher;
    size_t text_len;
    size_t line;     /* 1-based line number in the file */
    uint64_t end_offset; /* byte offset just past this line: where a run
                            resuming after it starts reading */
} ghs_record;

/* Called once per valid record; return 0 to go on, non-zero to stop (that
 * value is then returned by ghs_jsonl_read). */
typedef int (*ghs_record_fn)(const ghs_record *rec, void *user);
/* Called once per bad line (invalid JSON, missing "id" or "text", not an
 * object, invalid UTF-8, longer than 16 MiB); message names the file and
 * line ("[jsonl][file.jsonl:12] ..."). Return 0 to go on, non-zero to stop
 * (that value is then returned by ghs_jsonl_read). May be NULL. */
typedef int (*ghs_record_error_fn)(size_t line, const char *message, void *user);

/* Read a JSON Lines file {"id","title","text","lang"?,"url"?,"date"?,"publisher"?}
 * line by line (empty lines ignored), without loading the whole file.
 * Returns 0 when the file was read to the end (bad lines reported through
 * on_error), the callback's non-zero value if it stopped, or a negative
 * GHS_E* code (file unreadable) with err filled. */
int ghs_jsonl_read(const char *path, ghs_record_fn on_record,
                   ghs_record_error_fn on_error, void *user, ghs_error *err);

/* The same from byte offset (the end_offset of a record read before),
 * numbering lines from first_line: how an interrupted run resumes. Ids are
 * checked for repeats only among the lines read. */
int ghs_jsonl_read_from(const char *path, uint64_t offset, size_t first_line,
                        ghs_record_fn on_record, ghs_record_error_fn on_error, void *user,
                        ghs_error *err);

#endif /* GHS_INDEXER_EXTRACT_H */
