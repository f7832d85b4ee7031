/*
 * test_util.c: the file-system helpers of test_util.h (temporary
 * directories, recursive removal, shared-data paths). GLib only, so any
 * unit test can link it.
 */
#include "test_util.h"

#include <glib/gstdio.h>
#include <stdarg.h>

static GPtrArray *noted;   /* paths to remove in ghs_test_rm_noted */

char *ghs_test_tmp_dir(const char *tmpl)
{
    GError *gerr = NULL;
    char *dir = g_dir_make_tmp(tmpl, &gerr);
    g_assert_no_error(gerr);
    g_assert_nonnull(dir);
    return dir;
}

char *ghs_test_tmp_db(const char *tmpl)
{
    char *dir = ghs_test_tmp_dir(tmpl);
    char *db = g_build_filename(dir, "db", NULL);
    g_free(dir);
    return db;
}

void ghs_test_rm_tree(const char *path)
{
    if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
        GDir *d = g_dir_open(path, 0, NULL);
        const char *name;
        while (d && (name = g_dir_read_name(d))) {
            char *child = g_build_filename(path, name, NULL);
            ghs_test_rm_tree(child);
            g_free(child);
        }
        if (d)
            g_dir_close(d);
        g_rmdir(path);
    } else {
        g_unlink(path);
    }
}

void ghs_test_rm_db(const char *db)
{
    char *parent = g_path_get_dirname(db);
    ghs_test_rm_tree(parent);
    g_free(parent);
}

void ghs_test_note_for_removal(const char *path)
{
    if (!noted)
        noted = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(noted, g_strdup(path));
}

void ghs_test_rm_noted(void)
{
    if (!noted)
        return;
    for (guint i = 0; i < noted->len; i++)
        ghs_test_rm_tree(g_ptr_array_index(noted, i));
    g_ptr_array_free(noted, TRUE);
    noted = NULL;
}

char *ghs_test_shared_data(const char *first, ...)
{
    const char *root = g_getenv("GHS_SHARED_DATA");
    GString *rel = g_string_new(NULL);
    va_list ap;
    va_start(ap, first);
    for (const char *part = first; part; part = va_arg(ap, const char *))
        g_string_append_printf(rel, "/%s", part);
    va_end(ap);
    char *path = root ? g_strconcat(root, rel->str, NULL) : NULL;
    if (path && g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_string_free(rel, TRUE);
        return path;
    }
    if (g_strcmp0(g_getenv("CI"), "true") == 0)
        g_test_fail_printf("GHS_SHARED_DATA%s is missing (GHS_SHARED_DATA=%s, CI=true)",
                           rel->str, root ? root : "unset");
    else
        g_test_skip_printf("GHS_SHARED_DATA%s not available; set GHS_SHARED_DATA to run",
                           rel->str);
    g_free(path);
    g_string_free(rel, TRUE);
    return NULL;
}

char *ghs_test_write(const char *dir, const char *name, const char *text)
{
    char *p = g_build_filename(dir, name, NULL);
    char *parent = g_path_get_dirname(p);
    g_mkdir_with_parents(parent, 0755);
    g_free(parent);
    GError *gerr = NULL;
    g_file_set_contents(p, text, -1, &gerr);
    g_assert_no_error(gerr);
    return p;
}

void ghs_test_copy_tree(const char *from, const char *to)
{
    char *argv[] = { "cp", "-a", (char *)from, (char *)to, NULL };
    int status = 0;
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                               &status, NULL));
    g_assert_true(g_spawn_check_wait_status(status, NULL));
}
