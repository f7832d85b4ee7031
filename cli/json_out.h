/*
 * json_out.h: JSON text the CLI prints (search hits as JSON Lines, stats).
 * Only writing; the CLI never parses JSON.
 */
#ifndef GHS_CLI_JSON_OUT_H
#define GHS_CLI_JSON_OUT_H

#include <glib.h>

#include "ghsearch.h"

/* Append s as a JSON string: quotes, backslashes and control characters
 * escaped (\n \t ... or \u00XX), other UTF-8 kept as is; invalid UTF-8 is
 * replaced by U+FFFD so the output always parses. NULL becomes "". */
void json_append_string(GString *out, const char *s);

/* Append the member "key":"value" (value escaped as json_append_string
 * does), preceded by a comma unless out ends an opening { or [ or a comma. */
void json_append_member(GString *out, const char *key, const char *value);

/* Append a finite number (locale-independent, shortest of %.6g); NaN and
 * infinities, which JSON cannot express, become 0. */
void json_append_number(GString *out, double v);

/* Whose "source" a hit or document shows: JSON_SOURCE_PATH the path as
 * indexed (the command line, on the machine that holds the files);
 * JSON_SOURCE_REMOTE what a remote user may see (the HTTP API): the
 * document's URL when it has one, else the source itself when it is an
 * http(s) URL, else its file name without directories. */
typedef enum json_source_view { JSON_SOURCE_PATH, JSON_SOURCE_REMOTE } json_source_view;

/* Append one hit as a single-line JSON object, without a newline:
 * {"rank","score","doc","title","source","page"(null when 0),"lang",
 *  "passage","highlights":[[start,end],...],"citation","type","publisher",
 *  "date","url","doc_rank","full_passage","window":[start,end] (code points
 *  of full_passage that passage shows),"also_in":[{"doc","title","page"
 *  (null when 0)},...]}. */
void json_append_hit(GString *out, const ghs_hit *hit, json_source_view view);

/* Append facet counts as one object, fields in the library's order:
 * {"lang":[{"value","documents","passages"},...],"year":[...],...}. */
void json_append_facets(GString *out, const ghs_facet *fs, size_t n);

/* Append a document's metadata as object members without braces:
 * "<id_key>","title","source","url","lang","type","publisher","date",
 * "pages","passages" (id_key is "id" for `show`, "doc" for the HTTP API). */
void json_append_document_fields(GString *out, const ghs_document *d, const char *id_key,
                                 json_source_view view);

#endif /* GHS_CLI_JSON_OUT_H */
