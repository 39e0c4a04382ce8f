/*
 * common.h: small pieces every part of libslant uses: error reporting,
 * overflow-checked allocation, logging and a parallel loop.  Private to
 * the library.
 */
#ifndef SLANT_COMMON_H
#define SLANT_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "slant.h"

#if defined(__GNUC__)
#define SLANT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SLANT_PRINTF(a, b)
#endif

/* Fills err (if not NULL) and returns status, so callers can write
 * `return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: ...", ...);` */
slant_status slant_fail(slant_error *err, slant_status status, const char *fmt, ...)
    SLANT_PRINTF(3, 4);

/* Sends one line to the log callback, if any. */
void slant_log(const char *fmt, ...) SLANT_PRINTF(1, 2);
/* The same for a warning: the line starts with "warning: ", which the
 * program shows even when it hides progress. */
void slant_warn(const char *fmt, ...) SLANT_PRINTF(1, 2);

/* Holds back (ON 1) or lets through again (ON -1) slant_log and
 * slant_warn lines: a search's inner cross-validations stay quiet.
 * Nested holds count. */
void slant_log_hold(int on);

/* One stage of a long call, reported to the progress callback
 * (slant_set_progress; progress.c):
 *
 *   slant_stage s;
 *   slant_stage_begin(&s, "cv", "folds", folds);   reports 0 of folds
 *   ... slant_stage_step(&s, f + 1); ...           thinned out by time
 *   slant_stage_end(&s, st == SLANT_STATUS_OK);    reports folds of folds
 *
 * Every begin has its end, on every path: the stages under way are
 * counted, and one begun inside another (a fold's training) reports
 * nothing.  Steps may come from any thread. */
typedef struct slant_stage {
    const char *name, *unit; /* static strings */
    uint64_t total;
    int outer;   /* the outermost stage, with a callback set: it reports */
    double last; /* when it last reported, in seconds */
} slant_stage;
void slant_stage_begin(slant_stage *s, const char *name, const char *unit, uint64_t total);
void slant_stage_step(slant_stage *s, uint64_t done);
/* COMPLETED: the stage got to its total (a failed one did not). */
void slant_stage_end(slant_stage *s, int completed);

/* The rule for names (labels, head names, ids, n-grams; see name.c): NULL
 * when the LEN bytes at S are valid UTF-8 without control characters, else
 * what is wrong ("is not valid UTF-8", ...). */
const char *slant_name_problem(const char *s, size_t len);
/* The first of the SIZE bytes at S that breaks the rule for names, where a
 * NUL is allowed (a block of NUL-terminated names, checked at once); SIZE
 * when none does. */
size_t slant_names_block_check(const char *s, size_t size);
/* The length of the first LEN bytes of S without a character cut short at
 * their end: a string truncated to fit a buffer stays valid UTF-8. */
size_t slant_utf8_cut(const char *s, size_t len);
/* S as it can be shown in a message, into BUF (output, SIZE bytes, at
 * least 8): bytes that are not UTF-8, control characters and backslashes
 * as \xHH, cut with "..." when long.  Returns BUF. */
const char *slant_name_quote(const char *s, size_t len, char *buf, size_t size);

/* n * size bytes, or NULL when the product overflows or memory runs out. */
void *slant_alloc_array(size_t n, size_t size);
void *slant_calloc_array(size_t n, size_t size);
/* Grows *p to hold at least need elements of size bytes; *cap is updated.
 * Returns 0 on success, -1 (leaving *p untouched) on overflow or no memory. */
int slant_grow(void **p, size_t *cap, size_t need, size_t size);
char *slant_strdup(const char *s);
char *slant_strndup(const char *s, size_t n);
/* Gives the heap's free pages back to the system (glibc's malloc_trim; a
 * no-op elsewhere).  glibc raises its threshold for mapping an allocation
 * of its own each time it frees a mapped one, so that the large buffers of
 * one training step come from the heap, and once freed there they stay
 * resident under the next step's: called between steps whose working
 * sets differ, it keeps the peak to the larger of the two. */
void slant_heap_trim(void);

/* Number of online CPUs (at least 1). */
uint32_t slant_cpu_count(void);
/* The most threads slant_parallel_for runs. */
#define SLANT_MAX_THREADS 256

/* Resolves a thread option: 0 means every core; never more than n_items
 * nor SLANT_MAX_THREADS. */
uint32_t slant_threads_for(uint32_t requested, size_t n_items);

/* Runs fn(ctx, begin, end, worker) over [0, n) split into `threads`
 * contiguous chunks, one per worker, and waits for all.  The split depends
 * only on n and threads.  threads <= 1 runs inline. */
typedef void (*slant_range_fn)(void *ctx, size_t begin, size_t end, uint32_t worker);
void slant_parallel_for(size_t n, uint32_t threads, slant_range_fn fn, void *ctx);

/* splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
 * generators", 2014): the next draw of a 64-bit counter passed through a
 * mixing function.  Seedable with any value; every random choice of
 * slant (folds, orders of documents) comes from it. */
uint64_t slant_splitmix64(uint64_t *state);

/* 64-bit hash of bytes (XXH3) with a seed. */
uint64_t slant_hash64(const void *data, size_t len, uint64_t seed);

#endif /* SLANT_COMMON_H */
