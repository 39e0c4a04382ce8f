/*
 * kernels.c: what OpenBLAS buys over the plain-C reference loops, kernel
 * by kernel, at the vector lengths slant's solver uses (an imdb model's
 * L-BFGS vectors hold about 900,000 doubles).  Each figure is the fastest
 * of several timed runs; the ratio is reference time / OpenBLAS time, so
 * above 1 means OpenBLAS is faster.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "linear.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile double sink;

/* Seconds per call of kernel K on vectors of length n (matrices n/64 x 64
 * for gemv), reference or not. */
static double time_kernel(int k, size_t n, int ref, double *x, double *y, double *a)
{
    slant_blas_use_reference(ref);
    size_t reps = 1 + 200000000 / (n * 4 + 1000);
    double best = 1e30;
    for (int round = 0; round < 5; round++) {
        double t0 = now();
        for (size_t r = 0; r < reps; r++) {
            switch (k) {
            case 0: sink += slant_ddot(n, x, y); break;
            case 1: slant_daxpy(n, 1e-9, x, y); break;
            case 2: sink += slant_dnrm2(n, x); break;
            case 3: slant_dscal(n, 1.0000001, y); break;
            case 4: slant_dgemv(n / 64, 64, 1.0, a, x, 0.0, y); break;
            case 5: slant_dgemv_t(n / 64, 64, 1.0, a, x, 0.0, y); break;
            }
        }
        double t = (now() - t0) / (double)reps;
        if (t < best)
            best = t;
    }
    slant_blas_use_reference(0);
    return best;
}

int main(void)
{
    static const char *names[] = {"ddot", "daxpy", "dnrm2", "dscal", "dgemv", "dgemv_t"};
    static const size_t sizes[] = {1000, 100000, 1000000, 10000000};
    size_t max = sizes[sizeof sizes / sizeof sizes[0] - 1];
    double *x = malloc(max * sizeof *x), *y = malloc(max * sizeof *y), *a = malloc(max * sizeof *a);
    if (!x || !y || !a)
        return 1;
    for (size_t i = 0; i < max; i++) {
        x[i] = (double)(i % 97) / 97.0 - 0.5;
        y[i] = (double)(i % 89) / 89.0 - 0.5;
        a[i] = (double)(i % 83) / 83.0 - 0.5;
    }
    if (slant_blas_is_reference()) {
        printf("this build has no OpenBLAS (make BLAS=ref): nothing to compare\n");
        return 0;
    }
    printf("%-8s %10s %14s %14s %8s\n", "kernel", "length", "OpenBLAS GB/s", "plain C GB/s",
           "ratio");
    for (int k = 0; k < 6; k++) {
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            size_t n = sizes[s];
            /* Bytes each call streams: two vectors for ddot, dnrm2 one, and so on. */
            double bytes = 8.0 * (double)n * (k == 1 ? 3 : k == 2 || k == 3 ? (k == 2 ? 1 : 2) : 2);
            double t_blas = time_kernel(k, n, 0, x, y, a);
            double t_ref = time_kernel(k, n, 1, x, y, a);
            printf("%-8s %10zu %14.2f %14.2f %8.2f\n", names[k], n, bytes / t_blas / 1e9,
                   bytes / t_ref / 1e9, t_ref / t_blas);
        }
    }
    free(x);
    free(y);
    free(a);
    return 0;
}
