/*
 * common.c: error reporting, checked allocation, logging and the parallel
 * loop shared by the library.
 */
#define _GNU_SOURCE
#include "common.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static slant_log_fn log_fn;
static void *log_user;
static _Atomic int log_held;

void slant_log_hold(int on)
{
    log_held += on;
}

void slant_set_log(slant_log_fn fn, void *user)
{
    log_fn = fn;
    log_user = user;
}

void slant_log(const char *fmt, ...)
{
    if (!log_fn || log_held > 0)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    log_fn(line, log_user);
}

void slant_warn(const char *fmt, ...)
{
    if (!log_fn || log_held > 0)
        return;
    char line[1024];
    memcpy(line, "warning: ", 9);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + 9, sizeof line - 9, fmt, ap);
    va_end(ap);
    log_fn(line, log_user);
}

slant_status slant_fail(slant_error *err, slant_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return status;
}

const char *slant_status_str(slant_status status)
{
    switch (status) {
    case SLANT_STATUS_OK: return "success";
    case SLANT_STATUS_BAD_INPUT: return "bad input";
    case SLANT_STATUS_BAD_MODEL: return "bad model file";
    case SLANT_STATUS_BAD_OPTION: return "bad option";
    case SLANT_STATUS_IO: return "input/output error";
    case SLANT_STATUS_NO_MEMORY: return "out of memory";
    case SLANT_STATUS_INTERNAL: return "internal error";
    }
    return "unknown status";
}

void *slant_alloc_array(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return malloc(n * size > 0 ? n * size : 1);
}

void *slant_calloc_array(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

void slant_heap_trim(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

int slant_grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return -1;
        ncap *= 2;
    }
    if (size && ncap > SIZE_MAX / size)
        return -1;
    void *np = realloc(*p, ncap * size);
    if (!np)
        return -1;
    *p = np;
    *cap = ncap;
    return 0;
}

char *slant_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *slant_strdup(const char *s)
{
    return slant_strndup(s, strlen(s));
}

uint32_t slant_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (n > 256 ? 256 : (uint32_t)n);
}

uint32_t slant_threads_for(uint32_t requested, size_t n_items)
{
    uint32_t t = requested ? requested : slant_cpu_count();
    if (t > SLANT_MAX_THREADS)
        t = SLANT_MAX_THREADS;
    if (n_items < t)
        t = n_items ? (uint32_t)n_items : 1;
    return t;
}

struct range_job {
    slant_range_fn fn;
    void *ctx;
    size_t begin, end;
    uint32_t worker;
};

static void *range_main(void *arg)
{
    struct range_job *j = arg;
    j->fn(j->ctx, j->begin, j->end, j->worker);
    return NULL;
}

void slant_parallel_for(size_t n, uint32_t threads, slant_range_fn fn, void *ctx)
{
    if (n == 0)
        return;
    if (threads > n)
        threads = (uint32_t)n;
    if (threads <= 1) {
        fn(ctx, 0, n, 0);
        return;
    }
    struct range_job jobs[SLANT_MAX_THREADS];
    pthread_t tid[SLANT_MAX_THREADS];
    int started[SLANT_MAX_THREADS];
    if (threads > SLANT_MAX_THREADS)
        threads = SLANT_MAX_THREADS;
    for (uint32_t t = 0; t < threads; t++) {
        jobs[t] = (struct range_job){fn, ctx, n * t / threads, n * (t + 1) / threads, t};
        /* Worker 0 runs on this thread; a failed spawn also runs inline. */
        started[t] = t > 0 && pthread_create(&tid[t], NULL, range_main, &jobs[t]) == 0;
    }
    for (uint32_t t = 0; t < threads; t++)
        if (!started[t])
            range_main(&jobs[t]);
    for (uint32_t t = 1; t < threads; t++)
        if (started[t])
            pthread_join(tid[t], NULL);
}

uint64_t slant_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t slant_hash64(const void *data, size_t len, uint64_t seed)
{
    return XXH3_64bits_withSeed(data, len, seed);
}
