/*
 * walk.c: recursive, sorted, loop-safe file walking (contract in walk.h).
 */
#include "walk.h"

#include <string.h>

static gint cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(const char *path, ghs_walk_filter want, GPtrArray *files, int depth)
{
    if (depth > 64)
        return;
    if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
        if (want(path))
            g_ptr_array_add(files, g_strdup(path));
        return;
    }
    GDir *dir = g_dir_open(path, 0, NULL);
    if (!dir)
        return;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(dir)))
        if (name[0] != '.')
            g_ptr_array_add(names, g_build_filename(path, name, NULL));
    g_dir_close(dir);
    g_ptr_array_sort(names, cmp_str);
    for (guint i = 0; i < names->len; i++) {
        const char *child = g_ptr_array_index(names, i);
        if (g_file_test(child, G_FILE_TEST_IS_SYMLINK) && g_file_test(child, G_FILE_TEST_IS_DIR))
            continue;
        walk(child, want, files, depth + 1);
    }
    g_ptr_array_free(names, TRUE);
}

void ghs_walk_files(const char *path, ghs_walk_filter want, GPtrArray *files)
{
    walk(path, want, files, 0);
}
