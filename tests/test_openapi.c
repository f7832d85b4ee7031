/*
 * test_openapi.c: /openapi.json describes exactly the paths the server
 * answers: every route of the server's table (server/http.c) is a path of
 * the description, every path of the description is a route, and the
 * parameters of /search are those the server checks. A route added without
 * its description fails here. (tests/web/openapi.test.mjs validates the
 * document and calls each path of a running server.)
 */
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "server_internal.h"

static JsonObject *
document(JsonParser **parser)
{
    char *text = http_openapi_json();
    GError *err = NULL;

    *parser = json_parser_new();
    if (!json_parser_load_from_data(*parser, text, -1, &err))
        g_error("/openapi.json is not JSON: %s", err->message);
    g_free(text);
    return json_node_get_object(json_parser_get_root(*parser));
}

static void
test_every_route_is_described_and_every_described_path_is_a_route(void)
{
    JsonParser *parser;
    JsonObject *doc = document(&parser);
    JsonObject *paths = json_object_get_object_member(doc, "paths");
    GList *names = json_object_get_members(paths);
    size_t routes = 0;

    g_assert_cmpstr(json_object_get_string_member(doc, "openapi"), ==, "3.1.0");
    for (const http_route *r = http_routes; r->path; r++, routes++) {
        if (!json_object_has_member(paths, r->path))
            g_error("the server answers %s, which /openapi.json does not describe "
                    "(server/openapi.json)", r->path);
        JsonObject *item = json_object_get_object_member(paths, r->path);
        g_assert_true(json_object_has_member(item, "get"));
    }
    for (GList *l = names; l; l = l->next) {
        const http_route *r = http_routes;
        while (r->path && strcmp(r->path, l->data) != 0)
            r++;
        if (!r->path)
            g_error("/openapi.json describes %s, which the server does not answer",
                    (const char *)l->data);
    }
    g_assert_cmpuint(g_list_length(names), ==, routes);
    g_assert_cmpuint(routes, >=, 7);
    g_list_free(names);
    g_object_unref(parser);
}

static void
test_search_parameters_are_the_table_the_server_checks(void)
{
    JsonParser *parser;
    JsonObject *doc = document(&parser);
    JsonObject *get = json_object_get_object_member(
        json_object_get_object_member(json_object_get_object_member(doc, "paths"), "/search"),
        "get");
    JsonArray *params = json_object_get_array_member(get, "parameters");
    guint n = json_array_get_length(params), i = 0;

    for (const http_param *p = http_search_params; p->name; p++, i++) {
        g_assert_cmpuint(i, <, n);
        JsonObject *o = json_array_get_object_element(params, i);
        JsonObject *schema = json_object_get_object_member(o, "schema");
        g_assert_cmpstr(json_object_get_string_member(o, "name"), ==, p->name);
        g_assert_cmpstr(json_object_get_string_member(o, "in"), ==, "query");
        if (p->repeat)   /* filters repeat: an array of values */
            schema = json_object_get_object_member(schema, "items");
        if (p->kind == HTTP_PARAM_COUNT) {
            g_assert_cmpint(json_object_get_int_member(schema, "minimum"), ==, (gint64)p->min);
            g_assert_cmpint(json_object_get_int_member(schema, "maximum"), ==, (gint64)p->max);
        } else if (p->kind == HTTP_PARAM_ENUM) {
            JsonArray *values = json_object_get_array_member(schema, "enum");
            for (guint k = 0; p->values[k]; k++)
                g_assert_cmpstr(json_array_get_string_element(values, k), ==, p->values[k]);
        } else if (p->kind == HTTP_PARAM_PATTERN) {
            g_assert_cmpstr(json_object_get_string_member(schema, "pattern"), ==, p->pattern);
        }
    }
    g_assert_cmpuint(i, ==, n);
    g_object_unref(parser);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/openapi/every_route_is_described_and_every_described_path_is_a_route",
                    test_every_route_is_described_and_every_described_path_is_a_route);
    g_test_add_func("/openapi/search_parameters_are_the_table_the_server_checks",
                    test_search_parameters_are_the_table_the_server_checks);
    return g_test_run();
}
