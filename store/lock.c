/*
 * lock.c: the writer's PID note beside Xapian's lock (see lock.h for why
 * the note never decides anything).
 */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

static char *note_path(const char *db_dir)
{
    return g_build_filename(db_dir, GHS_PID_FILE, NULL);
}

/* The PID written in the note, or 0. */
static long read_note(const char *path)
{
    char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    char *end = NULL;
    long pid = strtol(text, &end, 10);
    int ok = end != text && (*end == '\n' || *end == '\0') && pid > 0;
    g_free(text);
    return ok ? pid : 0;
}

void ghs_lock_note(const char *db_dir)
{
    char *path = note_path(db_dir);
    char *text = g_strdup_printf("%ld\n", (long)getpid());
    /* g_file_set_contents writes a temporary file and renames it. */
    g_file_set_contents(path, text, -1, NULL);
    g_free(text);
    g_free(path);
}

void ghs_lock_forget(const char *db_dir)
{
    char *path = note_path(db_dir);
    if (read_note(path) == (long)getpid())
        g_unlink(path);
    g_free(path);
}

long ghs_lock_holder(const char *db_dir)
{
    char *path = note_path(db_dir);
    long pid = read_note(path);
    g_free(path);
    if (pid <= 0 || pid == (long)getpid())
        return pid > 0 ? pid : 0;
    /* Signal 0 checks existence; EPERM means alive but someone else's. */
    if (kill((pid_t)pid, 0) == 0 || errno == EPERM)
        return pid;
    return 0;
}

int ghs_lock_take(const char *db_dir)
{
    char *path = g_build_filename(db_dir, GHS_LOCK_FILE, NULL);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    g_free(path);
    if (fd < 0)
        return -1;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(fd);
        errno = e == EAGAIN ? EWOULDBLOCK : e;
        return -1;
    }
    return fd;
}

void ghs_lock_release(int fd)
{
    if (fd >= 0)
        close(fd);   /* closing the descriptor releases the flock */
}
