/*
 * files.h: opening source files safely (base/files.c).
 */
#ifndef GHS_BASE_FILES_H
#define GHS_BASE_FILES_H

#include <sys/types.h>

#include "ghsearch.h"

/* Open the file at path for reading without ever blocking on it: stat()
 * first, open(O_RDONLY | O_NONBLOCK | O_CLOEXEC), then fstat() the
 * descriptor (the path may have changed in between). Only a regular file
 * is accepted (a symbolic link to one is); anything else (a FIFO, which
 * would block open() or read(), a socket, a device such as /dev/zero that
 * never ends, a directory) is refused with GHS_EIO
 * "[kind][name] not a regular file (a FIFO)". Returns the descriptor
 * (close() it; reads of a regular file ignore O_NONBLOCK), or a negative
 * GHS_E* code with err (may be NULL) filled. name is path's last component. */
int ghs_open_regular(const char *path, const char *kind, ghs_error *err);

/* What a file that is not regular is, for messages: "a FIFO", "a socket",
 * "a character device", "a block device", "a directory" (static storage). */
const char *ghs_file_type_name(mode_t mode);

#endif /* GHS_BASE_FILES_H */
