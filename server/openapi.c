/*
 * openapi.c: GET /openapi.json, the OpenAPI 3.1 description of the API.
 *
 * The prose, the paths and the answers' shapes are server/openapi.json,
 * compiled in (server/meson.build); the parameters of /search are written
 * here from http_search_params, the table routes_search.c checks every
 * request against, so the description states the ranges and values the
 * server enforces. tests/test_openapi.c checks that every route of
 * http_routes is described; tests/web/openapi.test.mjs validates the
 * document with an OpenAPI validator and calls every path it describes.
 */
#include <string.h>

#include "http.h"
#include "server_internal.h"

extern const char ghs_openapi_template[];   /* openapi.json, generated C */

static void
append_string(GString *o, const char *s)
{
    http_append_json(o, ghs_json_string(s));
}

/* The JSON Schema of one value of p. */
static void
append_schema(GString *o, const http_param *p)
{
    switch (p->kind) {
    case HTTP_PARAM_COUNT:
        g_string_append_printf(o, "{\"type\":\"integer\",\"minimum\":%zu,\"maximum\":%zu}",
                               p->min, p->max);
        break;
    case HTTP_PARAM_ENUM:
        g_string_append(o, "{\"type\":\"string\",\"enum\":[");
        for (size_t i = 0; p->values[i]; i++) {
            if (i)
                g_string_append_c(o, ',');
            append_string(o, p->values[i]);
        }
        g_string_append(o, "]}");
        break;
    case HTTP_PARAM_PATTERN:
        g_string_append(o, "{\"type\":\"string\",\"pattern\":");
        append_string(o, p->pattern);
        g_string_append_c(o, '}');
        break;
    case HTTP_PARAM_TEXT:
        g_string_append(o, "{\"type\":\"string\"");
        if (p->max)
            g_string_append_printf(o, ",\"maxLength\":%zu", p->max);
        g_string_append_c(o, '}');
        break;
    }
}

/* The parameters array of /search. maxLength counts characters in JSON
 * Schema and bytes here: the server's limit is in bytes, said in the
 * description, and a character is at least one byte. */
static void
append_search_parameters(GString *o)
{
    g_string_append_c(o, '[');
    for (const http_param *p = http_search_params; p->name; p++) {
        if (p != http_search_params)
            g_string_append_c(o, ',');
        g_string_append(o, "{\"name\":");
        append_string(o, p->name);
        g_string_append(o, ",\"in\":\"query\",\"required\":false,\"description\":");
        append_string(o, p->description);
        g_string_append(o, ",\"schema\":");
        if (p->repeat) {
            g_string_append(o, "{\"type\":\"array\",\"items\":");
            append_schema(o, p);
            g_string_append(o, "},\"style\":\"form\",\"explode\":true");
        } else {
            append_schema(o, p);
        }
        if (p->example) {
            g_string_append(o, ",\"example\":");
            if (p->repeat)
                g_string_append_c(o, '[');
            if (p->kind == HTTP_PARAM_COUNT)
                g_string_append(o, p->example);
            else
                append_string(o, p->example);
            if (p->repeat)
                g_string_append_c(o, ']');
        }
        g_string_append_c(o, '}');
    }
    g_string_append_c(o, ']');
}

/* Replace the first occurrence of what in o by with (its length). */
static void
replace(GString *o, const char *what, const char *with)
{
    const char *at = strstr(o->str, what);

    g_assert(at);   /* the template and this file go together */
    gsize pos = (gsize)(at - o->str);
    g_string_erase(o, (gssize)pos, (gssize)strlen(what));
    g_string_insert(o, (gssize)pos, with);
}

char *
http_openapi_json(void)
{
    GString *o = g_string_new(ghs_openapi_template);
    GString *params = g_string_new(NULL);
    char *version = ghs_json_string(ghs_version());
    char num[32];

    append_search_parameters(params);
    replace(o, "\"@SEARCH_PARAMETERS@\"", params->str);
    /* the version as a JSON string's inside */
    version[strlen(version) - 1] = '\0';
    replace(o, "@VERSION@", version + 1);
    g_snprintf(num, sizeof num, "%d", GHS_HTTP_MAX_URL);
    replace(o, "@MAX_URL@", num);
    g_snprintf(num, sizeof num, "%d", GHS_HTTP_MAX_QUERY);
    replace(o, "@MAX_QUERY@", num);
    ghs_free(version);
    g_string_free(params, TRUE);
    return g_string_free(o, FALSE);
}

void
route_openapi(const http_request *rq, http_reply *r)
{
    char *doc = http_openapi_json();

    (void)rq;
    http_reply_json(r, 200, g_string_new(doc));
    g_free(doc);
    r->no_store = 0;   /* the same until the server is upgraded */
}
