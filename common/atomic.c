/*
 * atomic.c: files that replace PATH whole or not at all.
 *
 * The new contents go to an unnamed file in PATH's folder (O_TMPFILE), so
 * that a process killed while writing, even by SIGKILL, leaves nothing
 * behind; commit gives it a temporary name and renames that over PATH.
 * Where the file system has no O_TMPFILE, or the unnamed file cannot be
 * linked (no /proc), a named temporary file beside PATH takes its place,
 * removed on failure.  Either way PATH keeps its old contents until the
 * rename, which replaces it in one step.
 *
 * Only regular files are replaced: a device, a FIFO, a socket or a folder
 * at PATH is refused before anything is written, and a symbolic link is
 * written through (its regular target is replaced, the link stays).
 * Files are created with mode 0666 and the kernel applies the umask: the
 * process-wide umask is never read by setting it, which would race with
 * the other threads of a program that embeds the library.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_TMPFILE, linkat's AT_EMPTY_PATH */
#endif
#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Attempts at a temporary name before giving up: each name is a fresh
 * 64-bit draw, so a second attempt already means a stray file. */
#define NAME_ATTEMPTS 100

/* PATH's folder, malloc'ed ("." for a bare name). */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return slant_strdup(".");
    if (slash == path)
        return slant_strdup("/");
    return slant_strndup(path, (size_t)(slash - path));
}

/* What a file of mode MODE is, for messages. */
static const char *kind_of(mode_t mode)
{
    return S_ISCHR(mode)    ? "a character device"
           : S_ISBLK(mode)  ? "a block device"
           : S_ISFIFO(mode) ? "a FIFO"
           : S_ISSOCK(mode) ? "a socket"
           : S_ISDIR(mode)  ? "a folder"
                            : "not a plain file";
}

#define LEAVE_ALONE "slant writes only regular files, and leaves this one alone"

/* The file to replace for PATH, malloc'ed into *out (output): PATH itself
 * when it is a regular file or nothing yet, the regular file at the end
 * of it when it is a symbolic link.  Anything else is refused with
 * SLANT_STATUS_BAD_OPTION.  A PATH that cannot be looked at (a missing
 * folder, no permission) is passed on: creating the temporary file beside
 * it then fails with the reason. */
static slant_status target_of(const char *path, char **out, slant_error *err)
{
    *out = NULL;
    struct stat sb;
    if (lstat(path, &sb) != 0 || S_ISREG(sb.st_mode)) {
        if (!(*out = slant_strdup(path)))
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        return SLANT_STATUS_OK;
    }
    if (!S_ISLNK(sb.st_mode))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%s: not a regular file (%s); "
                          LEAVE_ALONE, path, kind_of(sb.st_mode));
    char *real = realpath(path, NULL);
    if (!real) {
        int e = errno;
        if (e == ENOENT)
            return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%s: a symbolic link to nothing; "
                              LEAVE_ALONE, path);
        if (e == ENOMEM)
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        return slant_fail(err, e == ELOOP ? SLANT_STATUS_BAD_OPTION : SLANT_STATUS_IO,
                          "%s: cannot follow the symbolic link: %s", path, strerror(e));
    }
    if (stat(real, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        slant_status st = slant_fail(err, SLANT_STATUS_BAD_OPTION, "%s: a symbolic link to "
                                     "%s, not a regular file (%s); " LEAVE_ALONE, path, real,
                                     kind_of(sb.st_mode));
        free(real);
        return st;
    }
    slant_log("%s: a symbolic link: writing through it to %s", path, real);
    *out = real;
    return SLANT_STATUS_OK;
}

/* TMP (output, SIZE bytes) gets PATH.tmp. and 16 hex digits from
 * splitmix64, seeded by the process, the time and a counter that the
 * threads share, so that no two writers draw the same name. */
static void draw_name(const char *path, char *tmp, size_t size)
{
    static uint64_t counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t n = __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
    uint64_t state = ((uint64_t)getpid() << 40) ^ ((uint64_t)ts.tv_sec << 20)
                     ^ (uint64_t)ts.tv_nsec ^ (n * 0x9e3779b97f4a7c15ULL);
    snprintf(tmp, size, "%s.tmp.%016llx", path, (unsigned long long)slant_splitmix64(&state));
}

/* Room for a temporary name beside A's target. */
static size_t name_size(const slant_atomic *a)
{
    return strlen(a->path) + sizeof ".tmp." + 16;
}

/* A named temporary file beside the target, a->tmp its name; the fd or -1
 * (errno set). */
static int open_named(slant_atomic *a)
{
    size_t size = name_size(a);
    if (!(a->tmp = malloc(size))) {
        errno = ENOMEM;
        return -1;
    }
    for (unsigned attempt = 0; attempt < NAME_ATTEMPTS; attempt++) {
        draw_name(a->path, a->tmp, size);
        int fd = open(a->tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0)
            return fd;
        if (errno != EEXIST)
            break;
    }
    int e = errno;
    free(a->tmp);
    a->tmp = NULL;
    errno = e;
    return -1;
}

static slant_status atomic_open(slant_atomic *a, const char *path, int unnamed,
                                slant_error *err)
{
    memset(a, 0, sizeof *a);
    a->fd = -1;
    slant_status st = target_of(path, &a->path, err);
    if (st)
        return st;
#ifdef O_TMPFILE
    if (unnamed) {
        char *dir = folder_of(a->path);
        if (!dir) {
            slant_atomic_abort(a);
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        }
        /* read back by copy_to_named */
        a->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0666);
        free(dir);
    }
#else
    (void)unnamed;
#endif
    if (a->fd < 0 && (a->fd = open_named(a)) < 0) {
        int e = errno;
        slant_atomic_abort(a);
        return slant_fail(err, e == ENOMEM ? SLANT_STATUS_NO_MEMORY : SLANT_STATUS_IO,
                          "%s: cannot create a temporary file beside it: %s", path,
                          strerror(e));
    }
    return SLANT_STATUS_OK;
}

slant_status slant_atomic_open(slant_atomic *a, const char *path, slant_error *err)
{
    return atomic_open(a, path, 1, err);
}

slant_status slant_atomic_open_named(slant_atomic *a, const char *path, slant_error *err)
{
    return atomic_open(a, path, 0, err);
}

slant_status slant_output_check(const char *path, slant_error *err)
{
    if (!path)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no path to write");
    slant_atomic a;
    slant_status st = slant_atomic_open(&a, path, err);
    if (st)
        return st;
    close(a.fd);
    slant_atomic_abort(&a);
    return SLANT_STATUS_OK;
}

/* Links the unnamed file at a temporary name beside the target; 0 or -1. */
static int link_unnamed(slant_atomic *a)
{
    size_t size = name_size(a);
    char *tmp = malloc(size);
    if (!tmp)
        return -1;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", a->fd);
    for (unsigned attempt = 0; attempt < NAME_ATTEMPTS; attempt++) {
        draw_name(a->path, tmp, size);
        if (linkat(a->fd, "", AT_FDCWD, tmp, AT_EMPTY_PATH) == 0
            || linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0) {
            a->tmp = tmp;
            return 0;
        }
        if (errno != EEXIST)
            break;
    }
    free(tmp);
    return -1;
}

/* Copies the unnamed file into a named one when it cannot be linked. */
static int copy_to_named(slant_atomic *a)
{
    int out = open_named(a);
    if (out < 0)
        return -1;
    char buf[1 << 16];
    off_t at = 0;
    for (;;) {
        ssize_t r = pread(a->fd, buf, sizeof buf, at);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r == 0 && fsync(out) == 0) {
                if (close(out) == 0)
                    return 0;
                out = -1; /* closed, if badly */
            }
            break;
        }
        for (ssize_t done = 0; done < r;) {
            ssize_t w = write(out, buf + done, (size_t)(r - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                goto fail;
            done += w;
        }
        at += r;
    }
fail:;
    int e = errno;
    if (out >= 0)
        close(out);
    unlink(a->tmp);
    free(a->tmp);
    a->tmp = NULL;
    errno = e ? e : EIO;
    return -1;
}

slant_status slant_atomic_ready(slant_atomic *a, slant_error *err)
{
    const char *what = "flush";
    if (fsync(a->fd) != 0)
        goto fail;
    what = "name";
    /* the unnamed file: a name first, or else a named copy */
    if (!a->tmp && link_unnamed(a) != 0 && copy_to_named(a) != 0)
        goto fail;
    return SLANT_STATUS_OK;
fail:;
    int e = errno ? errno : EIO;
    return slant_fail(err, SLANT_STATUS_IO, "cannot %s %s: %s", what, a->path, strerror(e));
}

slant_status slant_atomic_commit(slant_atomic *a, slant_error *err)
{
    slant_status st = a->tmp ? SLANT_STATUS_OK : slant_atomic_ready(a, err);
    if (st)
        return st;
    /* What was a regular file when it was opened may be something else
     * now; that is refused too rather than replaced. */
    struct stat sb;
    if (lstat(a->path, &sb) == 0 && !S_ISREG(sb.st_mode))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%s: not a regular file any more (%s); "
                          LEAVE_ALONE, a->path, kind_of(sb.st_mode));
    const char *what = "rename the temporary file to";
    if (rename(a->tmp, a->path) != 0)
        goto fail;
    free(a->tmp);
    a->tmp = NULL; /* it is the file now: nothing to remove */
    /* Make the rename itself durable. */
    char *dir = folder_of(a->path);
    if (dir) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    return SLANT_STATUS_OK;
fail:;
    int e = errno ? errno : EIO;
    return slant_fail(err, SLANT_STATUS_IO, "cannot %s %s: %s", what, a->path, strerror(e));
}

void slant_atomic_abort(slant_atomic *a)
{
    if (a->tmp)
        unlink(a->tmp);
    free(a->tmp);
    free(a->path);
    a->tmp = NULL;
    a->path = NULL;
}
