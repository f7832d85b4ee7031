/*
 * fuzz_input.h: the fuzz targets whose code under test reads a file (the
 * JSON Lines reader, the PDF wrapper) get the input as a memory-backed
 * file instead of a file on disk.
 */
#ifndef GHS_FUZZ_INPUT_H
#define GHS_FUZZ_INPUT_H

#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

/* Write data to a new memfd named name and put its /proc path in path
 * (pathlen bytes). Returns the descriptor (the caller closes it), or -1
 * when it cannot be made (the input is then skipped). */
static inline int fuzz_input_file(const char *name, const uint8_t *data, size_t size,
                                  char *path, size_t pathlen)
{
    int fd = memfd_create(name, 0);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0) {
            close(fd);
            return -1;
        }
        off += (size_t)w;
    }
    snprintf(path, pathlen, "/proc/self/fd/%d", fd);
    return fd;
}

#endif
