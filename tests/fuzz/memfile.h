/*
 * memfile.h: the fuzzers' input as a file.  The readers take a path, so
 * the bytes go into an anonymous memory file, read by its /proc name.
 */
#ifndef SLANT_FUZZ_MEMFILE_H
#define SLANT_FUZZ_MEMFILE_H

/* memfd_create needs _GNU_SOURCE, defined before the first system
 * header: the file including this one defines it at its top. */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* A memory file holding DATA, its name in PATH (64 bytes); -1 when none
 * could be made, and the input is then skipped.  Close it when done. */
static inline int memfile_open(const uint8_t *data, size_t size, char path[64])
{
    int fd = memfd_create("slant-fuzz", 0);
    if (fd < 0)
        return -1;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return -1;
    }
    snprintf(path, 64, "/proc/self/fd/%d", fd);
    return fd;
}

#endif
