/*
 * progress.c: the one progress line of a long command on standard error
 * (--progress, --quiet; see cli.h).  On a terminal the line is drawn in
 * place, at most 5 times a second and never wider than the terminal, and
 * erased when its stage ends; elsewhere (--progress into a log) it is a
 * plain line at most every 5 seconds, and one when the stage ends.  Either
 * way nothing shows before the command has run for a second
 * (SLANT_PROGRESS_DELAY seconds, for the tests), so quick commands print
 * nothing.  The stages are the library's (slant_set_progress) and the
 * batch reader's (cli_each_batch).  A small thread redraws the line while
 * a stage goes on between reports, so that a long fold still counts its
 * seconds.  Nothing here touches standard output or any result.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define TTY_SECONDS 0.2   /* between two redraws on a terminal */
#define PLAIN_SECONDS 5.0 /* between two plain lines */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int mode;         /* 1 --progress, -1 --quiet, 0 neither */
    int decided, on;  /* whether lines show at all, decided at the first report */
    int tty;          /* stderr is a terminal: the line is redrawn in place */
    double delay;     /* seconds of the command before the first line */
    double t_cmd;     /* the command's start */
    int active;       /* a stage is under way */
    char stage[32], unit[32];
    uint64_t done, total, bytes, bytes_total;
    double t_stage;   /* its first report */
    double t_moved;   /* its last report that moved DONE or BYTES on */
    int shown;        /* tty: the line is on the screen */
    int hidden;       /* tty: erased for other output; drawn again at the next chance */
    int printed;      /* plain: a line of this stage was written */
    double last;      /* the last line drawn or written */
    char drawn[512];  /* tty: what the line on the screen says */
    int ticking, stop;
    pthread_t ticker;
} P = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int cli_progress_mode(int mode)
{
    if (P.mode && mode != P.mode) {
        cli_error("--progress and --quiet go against each other; give one");
        return -1;
    }
    P.mode = mode;
    return 0;
}

int cli_quiet(void)
{
    return P.mode < 0;
}

/* "7s", "2m05s", "1h02m". */
static void span(char *buf, size_t size, double s)
{
    unsigned long t = s > 0 && s < 1e9 ? (unsigned long)(s + 0.5) : 0;
    if (t < 60)
        snprintf(buf, size, "%lus", t);
    else if (t < 3600)
        snprintf(buf, size, "%lum%02lus", t / 60, t % 60);
    else
        snprintf(buf, size, "%luh%02lum", t / 3600, t / 60 % 60);
}

/* "512 B", "3.4 kB", "12.0 MB", "1.2 GB" (powers of 1000). */
static void size_str(char *buf, size_t size, double v)
{
    if (v < 1e3)
        snprintf(buf, size, "%.0f B", v);
    else if (v < 1e6)
        snprintf(buf, size, "%.1f kB", v / 1e3);
    else if (v < 1e9)
        snprintf(buf, size, "%.1f MB", v / 1e6);
    else
        snprintf(buf, size, "%.1f GB", v / 1e9);
}

/* The line of the stage under way into BUF, without the program's name. */
static void describe(char *buf, size_t size, double t, int final)
{
    double el = t - P.t_stage;
    size_t n = 0;
#define ADD(...)                                                          \
    do {                                                                  \
        if (n < size)                                                     \
            n += (size_t)snprintf(buf + n, size - n, __VA_ARGS__);        \
    } while (0)
    ADD("%s: ", P.stage);
    if (P.total)
        ADD("%llu/%llu %s", (unsigned long long)P.done, (unsigned long long)P.total, P.unit);
    else
        ADD("%llu %s", (unsigned long long)P.done, P.unit);
    char a[32], b[32];
    if (P.bytes_total) {
        size_str(a, sizeof a, (double)P.bytes);
        size_str(b, sizeof b, (double)P.bytes_total);
        ADD(", %s of %s", a, b);
    } else if (P.bytes) {
        size_str(a, sizeof a, (double)P.bytes);
        ADD(", %s", a);
    }
    span(a, sizeof a, el);
    if (final) {
        ADD(" in %s", a);
        return;
    }
    /* Rates up to the last step, not to now: between two folds the
     * estimate counts down instead of drifting up. */
    double moved = P.t_moved - P.t_stage;
    if (moved >= 0.5 && P.bytes) {
        size_str(b, sizeof b, (double)P.bytes / moved);
        ADD(", %s/s", b);
    } else if (moved >= 0.5 && P.done) {
        ADD(", %.*f %s/s", P.done / moved < 10 ? 2 : 0, P.done / moved, P.unit);
    }
    ADD(", %s elapsed", a);
    double frac = P.bytes_total ? (double)P.bytes / (double)P.bytes_total
                  : P.total     ? (double)P.done / (double)P.total
                                : 0;
    if (frac > 0 && frac < 1 && moved > 0) {
        double left = moved * (1 - frac) / frac - (t - P.t_moved);
        span(b, sizeof b, left > 0 ? left : 0);
        ADD(", about %s left", b);
    }
#undef ADD
}

static int columns(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *c = getenv("COLUMNS");
    int n = c ? atoi(c) : 0;
    return n > 0 ? n : 80;
}

/* Erases the line on the terminal; under the lock. */
static void erase(void)
{
    if (P.shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        P.shown = 0;
    }
}

/* Draws or writes the line if it is time; under the lock.  FINAL: the
 * stage has ended. */
static void show(int final)
{
    double t = now();
    if (!P.on || t - P.t_cmd < P.delay)
        return;
    char line[512];
    if (P.tty) {
        if (final) {
            erase();
            return;
        }
        if (P.shown && !P.hidden && t - P.last < TTY_SECONDS)
            return;
        describe(line, sizeof line, t, 0);
        int w = columns() - 1 - (int)strlen(cli_prog) - 2; /* no wrap: one column spare */
        if (w < 0)
            w = 0;
        if ((size_t)w < strlen(line))
            line[w] = '\0';
        if (P.shown && strcmp(line, P.drawn) == 0)
            return; /* the same text: nothing to redraw */
        snprintf(P.drawn, sizeof P.drawn, "%s", line);
        fprintf(stderr, "\r%s: %s\033[K", cli_prog, line);
        fflush(stderr);
        P.shown = 1;
        P.hidden = 0;
    } else {
        if (!final && P.printed && t - P.last < PLAIN_SECONDS)
            return;
        describe(line, sizeof line, t, final);
        fprintf(stderr, "%s: %s\n", cli_prog, line);
        fflush(stderr);
        P.printed = 1;
    }
    P.last = t;
}

static void *tick(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&P.lock);
    while (!P.stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += (long)(TTY_SECONDS * 1e9);
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&P.wake, &P.lock, &ts);
        if (!P.stop && P.active && !P.hidden)
            show(0);
    }
    pthread_mutex_unlock(&P.lock);
    return NULL;
}

/* At exit: the ticker stopped, and the terminal left without the line. */
static void finish(void)
{
    pthread_mutex_lock(&P.lock);
    P.stop = 1;
    P.active = 0;
    erase();
    pthread_cond_signal(&P.wake);
    int joined = P.ticking;
    P.ticking = 0;
    pthread_mutex_unlock(&P.lock);
    if (joined)
        pthread_join(P.ticker, NULL);
}

/* Whether lines show at all, decided once; under the lock. */
static void decide(void)
{
    if (P.decided)
        return;
    P.decided = 1;
    P.tty = isatty(STDERR_FILENO);
    P.on = P.mode > 0 || (P.mode == 0 && P.tty);
    const char *d = getenv("SLANT_PROGRESS_DELAY");
    char *end;
    P.delay = d && *d ? strtod(d, &end) : 1.0;
    if (d && *d && (*end || !(P.delay >= 0)))
        P.delay = 1.0;
    if (P.on) {
        atexit(finish);
        P.ticking = pthread_create(&P.ticker, NULL, tick, NULL) == 0;
    }
}

void cli_progress_update(const char *stage, const char *unit, uint64_t done, uint64_t total,
                         uint64_t bytes, uint64_t bytes_total, int final)
{
    pthread_mutex_lock(&P.lock);
    decide();
    if (P.on) {
        int fresh = !P.active || strncmp(P.stage, stage, sizeof P.stage - 1) != 0
                    || done < P.done;
        if (fresh) {
            if (P.active && P.shown)
                erase();
            snprintf(P.stage, sizeof P.stage, "%s", stage);
            snprintf(P.unit, sizeof P.unit, "%s", unit);
            P.t_stage = P.t_moved = now();
            P.printed = 0;
            P.last = 0;
        } else if (done != P.done || bytes != P.bytes) {
            P.t_moved = now();
        }
        P.active = 1;
        P.done = done;
        P.total = total;
        P.bytes = bytes;
        P.bytes_total = bytes_total;
        show(final);
        if (final)
            P.active = 0;
    }
    pthread_mutex_unlock(&P.lock);
}

static void from_library(const char *stage, const char *unit, uint64_t done, uint64_t total,
                         void *user)
{
    (void)user;
    cli_progress_update(stage, unit, done, total, 0, 0, done == total);
}

void cli_progress_install(void)
{
    pthread_mutex_lock(&P.lock);
    if (!P.t_cmd) /* main's call: the command's start */
        P.t_cmd = now();
    pthread_mutex_unlock(&P.lock);
    slant_set_progress(from_library, NULL);
}

void cli_progress_hide(void)
{
    pthread_mutex_lock(&P.lock);
    if (P.shown) {
        erase();
        P.hidden = 1;
    }
    pthread_mutex_unlock(&P.lock);
}

void cli_stderr_begin(void)
{
    pthread_mutex_lock(&P.lock);
    if (P.shown) {
        erase();
        P.hidden = 1;
    }
}

void cli_stderr_end(void)
{
    if (P.hidden && P.active)
        show(0);
    pthread_mutex_unlock(&P.lock);
}
