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
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_TMPFILE, linkat's AT_EMPTY_PATH */
#endif
#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static mode_t file_mode(void)
{
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

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

/* A named temporary file beside PATH: PATH.tmp.XXXXXX. */
static int open_named(slant_atomic *a)
{
    size_t n = strlen(a->path);
    a->tmp = malloc(n + 12);
    if (!a->tmp)
        return -1;
    memcpy(a->tmp, a->path, n);
    memcpy(a->tmp + n, ".tmp.XXXXXX", 12);
    int fd = mkstemp(a->tmp);
    if (fd < 0) {
        free(a->tmp);
        a->tmp = NULL;
        return -1;
    }
    fchmod(fd, file_mode()); /* mkstemp makes it 0600; the result is an ordinary file */
    return fd;
}

slant_status slant_atomic_open(slant_atomic *a, const char *path, slant_error *err)
{
    memset(a, 0, sizeof *a);
    a->fd = -1;
    if (!(a->path = slant_strdup(path)))
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
#ifdef O_TMPFILE
    char *dir = folder_of(path);
    if (!dir) {
        slant_atomic_abort(a);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    }
    a->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, file_mode()); /* read back by copy_to_named */
    free(dir);
#endif
    if (a->fd < 0 && (a->fd = open_named(a)) < 0) {
        int e = errno;
        slant_atomic_abort(a);
        return slant_fail(err, SLANT_STATUS_IO, "%s: cannot create a temporary file beside it: %s",
                          path, strerror(e));
    }
    return SLANT_STATUS_OK;
}

/* Links the unnamed file at a temporary name beside the target; 0 or -1. */
static int link_unnamed(slant_atomic *a)
{
    size_t n = strlen(a->path);
    char *tmp = malloc(n + 24);
    if (!tmp)
        return -1;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", a->fd);
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        snprintf(tmp, n + 24, "%s.tmp.%u.%u", a->path, (unsigned)getpid(), attempt);
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
