/*
 * progress.c: the progress callback (slant_set_progress) and the stages
 * that the long calls (training, cross-validation, tuning, audits) report
 * through it.  Only the outermost stage under way reports: a fold's
 * training inside cv is a stage too, but the one line a program shows
 * stays on the folds.  Reports are serialized by one lock and thinned out
 * by time; with no callback set a stage costs one load and no lock.
 */
#define _GNU_SOURCE
#include "common.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

/* The least time between two reports of a stage's steps (its first and
 * its last report always go out). */
#define STEP_SECONDS 0.05

static _Atomic(slant_progress_fn) progress_fn;
static void *progress_user;
static pthread_mutex_t progress_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int depth; /* stages under way, outer and nested */

void slant_set_progress(slant_progress_fn fn, void *user)
{
    pthread_mutex_lock(&progress_lock);
    progress_user = user;
    atomic_store(&progress_fn, fn);
    pthread_mutex_unlock(&progress_lock);
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Calls the callback under the lock; FORCE ignores the time since the
 * last report. */
static void report(slant_stage *s, uint64_t done, int force)
{
    pthread_mutex_lock(&progress_lock);
    slant_progress_fn fn = atomic_load(&progress_fn);
    double now = seconds();
    if (fn && (force || now - s->last >= STEP_SECONDS)) {
        s->last = now;
        fn(s->name, s->unit, done, s->total, progress_user);
    }
    pthread_mutex_unlock(&progress_lock);
}

void slant_stage_begin(slant_stage *s, const char *name, const char *unit, uint64_t total)
{
    s->name = name;
    s->unit = unit;
    s->total = total;
    s->last = 0;
    s->outer = atomic_fetch_add(&depth, 1) == 0 && atomic_load(&progress_fn) != NULL;
    if (s->outer)
        report(s, 0, 1);
}

void slant_stage_step(slant_stage *s, uint64_t done)
{
    /* DONE == total is for slant_stage_end to say, once. */
    if (s->outer && done < s->total && atomic_load(&progress_fn))
        report(s, done, 0);
}

void slant_stage_end(slant_stage *s, int completed)
{
    if (s->outer && completed)
        report(s, s->total, 1);
    s->outer = 0;
    atomic_fetch_sub(&depth, 1);
}
