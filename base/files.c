/*
 * files.c: opening a source file for reading without ever blocking on it,
 * shared by the extractors and the content hash of the store.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "error.h"
#include "files.h"

const char *ghs_file_type_name(mode_t mode)
{
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISDIR(mode))
        return "a directory";
    return "an unknown kind of file";
}

int ghs_open_regular(const char *path, const char *kind, ghs_error *err)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash != NULL && slash[1] != '\0' ? slash + 1 : path;
    struct stat st;

    /* stat first: open() itself blocks on a FIFO without a writer. */
    if (stat(path, &st) != 0)
        return ghs_set_error(err, GHS_EIO, "[%s][%s] cannot open: %s", kind, name,
                           g_strerror(errno));
    if (!S_ISREG(st.st_mode))
        return ghs_set_error(err, GHS_EIO, "[%s][%s] not a regular file (%s)", kind,
                           name, ghs_file_type_name(st.st_mode));
    int fd;
    do
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return ghs_set_error(err, GHS_EIO, "[%s][%s] cannot open: %s", kind, name,
                           g_strerror(errno));
    /* The path may have been replaced between stat() and open(). */
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return ghs_set_error(err, GHS_EIO, "[%s][%s] cannot open: %s", kind, name,
                           g_strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return ghs_set_error(err, GHS_EIO, "[%s][%s] not a regular file (%s)", kind,
                           name, ghs_file_type_name(st.st_mode));
    }
    return fd;
}
