/*
 * atomic.h: a file that replaces PATH whole or not at all (see atomic.c).
 * Private to the library.
 *
 *   slant_atomic a;
 *   slant_atomic_open(&a, path, err);      write to a.fd ...
 *   slant_atomic_commit(&a, err);          flushed, then in place of PATH
 *   close(a.fd); slant_atomic_abort(&a);   always: frees, and on failure
 *                                          removes what was written
 */
#ifndef SLANT_ATOMIC_H
#define SLANT_ATOMIC_H

#include "common.h"

typedef struct slant_atomic {
    int fd;     /* write the contents here; the caller closes it */
    char *path; /* the target: the file replaced, a symbolic link's target */
    char *tmp;  /* the temporary name, once there is one */
} slant_atomic;

/* Refuses a PATH that is not a regular file (nor nothing yet) with
 * SLANT_STATUS_BAD_OPTION, and writes through a symbolic link: a.path is
 * then the regular file the link leads to. */
slant_status slant_atomic_open(slant_atomic *a, const char *path, slant_error *err);
/* The same with a named temporary file from the start, as where the file
 * system has no O_TMPFILE; the tests call it to reach that path. */
slant_status slant_atomic_open_named(slant_atomic *a, const char *path, slant_error *err);
/* Flushes the contents to disk and renames them over the target. */
slant_status slant_atomic_commit(slant_atomic *a, slant_error *err);
/* The first half of a commit: flushed to disk and named beside the
 * target, which is untouched; commit then only renames.  For files that
 * go together, all of them ready before any is renamed. */
slant_status slant_atomic_ready(slant_atomic *a, slant_error *err);
/* Frees A; before a commit, what was written disappears. */
void slant_atomic_abort(slant_atomic *a);

#endif /* SLANT_ATOMIC_H */
