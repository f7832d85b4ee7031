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

/* Append a finite number (locale-independent, shortest of %.6g); NaN and
 * infinities, which JSON cannot express, become 0. */
void json_append_number(GString *out, double v);

/* Append one hit as a single-line JSON object, without a newline:
 * {"rank","score","doc","title","source","page"(null when 0),"lang",
 *  "passage","highlights":[[start,end],...],"citation","type","publisher",
 *  "date","url","doc_rank","full_passage","window":[start,end] (code points
 *  of full_passage that passage shows),"also_in":[{"doc","title","page"
 *  (null when 0)},...]}. */
void json_append_hit(GString *out, const ghs_hit *hit);

#endif /* GHS_CLI_JSON_OUT_H */
