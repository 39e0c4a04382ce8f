/*
 * failwrite.c: an LD_PRELOAD shim for the command-line tests.  Once
 * SLANT_TEST_WRITE_LIMIT bytes have been written, write(2) to any file
 * descriptor but standard error fails with ENOSPC, as on a full disk.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static size_t written;

ssize_t write(int fd, const void *buf, size_t n)
{
    static ssize_t (*real)(int, const void *, size_t);
    if (!real)
        real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    const char *limit = getenv("SLANT_TEST_WRITE_LIMIT");
    if (limit && fd != STDERR_FILENO) {
        size_t l = (size_t)strtoull(limit, NULL, 10);
        if (written + n > l) {
            errno = ENOSPC;
            return -1;
        }
        written += n;
    }
    return real(fd, buf, n);
}
