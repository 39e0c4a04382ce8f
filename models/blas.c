/*
 * blas.c: the BLAS seam of linear.h.  Each slant_d* call goes to OpenBLAS's
 * CBLAS interface, or to the plain-C slant_ref_* loops below when the
 * library is built with SLANT_BLAS_REF (make BLAS=ref; then OpenBLAS is
 * neither included nor linked) or slant_blas_use_reference(1) is on.
 *
 * The seam owns two differences between size_t and CBLAS's int sizes:
 * lengths above INT_MAX are done in chunks, and degenerate shapes (m or n
 * zero) are settled here with their mathematical meaning (y = beta y), so
 * both paths agree where reference BLAS would leave y untouched.
 */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "linear.h"

#ifndef SLANT_BLAS_REF
#include <cblas.h>
#endif

void slant_csr_free(slant_csr *m)
{
    if (!m)
        return;
    free(m->rowptr);
    free(m->index);
    free(m->value);
    m->rowptr = NULL;
    m->index = NULL;
    m->value = NULL;
    m->rows = m->cols = 0;
}

/* ---- Plain-C reference ---------------------------------------------- */

double slant_ref_ddot(size_t n, const double *x, const double *y)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += x[i] * y[i];
    return s;
}

void slant_ref_daxpy(size_t n, double a, const double *x, double *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] += a * x[i];
}

void slant_ref_dscal(size_t n, double a, double *x)
{
    for (size_t i = 0; i < n; i++)
        x[i] *= a;
}

/* Two passes: the largest magnitude first, then the sum of squares of the
 * scaled entries, so neither huge nor tiny entries over- or underflow. */
double slant_ref_dnrm2(size_t n, const double *x)
{
    double amax = 0.0;
    for (size_t i = 0; i < n; i++) {
        double a = fabs(x[i]);
        if (isnan(a))
            return a;
        if (a > amax)
            amax = a;
    }
    if (amax == 0.0 || isinf(amax))
        return amax;
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i] / amax;
        s += v * v;
    }
    return amax * sqrt(s);
}

void slant_ref_dcopy(size_t n, const double *x, double *y)
{
    if (n)
        memmove(y, x, n * sizeof *y);
}

/* Scales y (n) by beta; beta == 0 clears it, as BLAS does (old NaNs go). */
static void scale_y(size_t n, double beta, double *y)
{
    if (beta == 0.0) {
        for (size_t i = 0; i < n; i++)
            y[i] = 0.0;
    } else if (beta != 1.0) {
        for (size_t i = 0; i < n; i++)
            y[i] *= beta;
    }
}

void slant_ref_dgemv(size_t m, size_t n, double alpha, const double *a, const double *x,
                     double beta, double *y)
{
    scale_y(m, beta, y);
    if (alpha == 0.0)
        return;
    for (size_t i = 0; i < m; i++)
        y[i] += alpha * slant_ref_ddot(n, a + i * n, x);
}

void slant_ref_dgemv_t(size_t m, size_t n, double alpha, const double *a, const double *x,
                       double beta, double *y)
{
    scale_y(n, beta, y);
    if (alpha == 0.0)
        return;
    for (size_t i = 0; i < m; i++)
        slant_ref_daxpy(n, alpha * x[i], a + i * n, y);
}

/* ---- The switch ------------------------------------------------------ */

static atomic_int use_reference;

void slant_blas_use_reference(int on)
{
    atomic_store_explicit(&use_reference, on != 0, memory_order_relaxed);
}

#ifndef SLANT_BLAS_REF
/* OpenBLAS runs on one thread: slant's own workers are the parallelism,
 * OpenBLAS's spinning threads would compete with them, and a sum split over
 * as many threads as the machine has cores would make the model's bits
 * depend on the machine. */
static pthread_once_t blas_once = PTHREAD_ONCE_INIT;

static void blas_single_thread(void)
{
    openblas_set_num_threads(1);
}
#endif

int slant_blas_is_reference(void)
{
#ifdef SLANT_BLAS_REF
    return 1;
#else
    pthread_once(&blas_once, blas_single_thread);
    return atomic_load_explicit(&use_reference, memory_order_relaxed);
#endif
}

/* ---- The seam -------------------------------------------------------- */

#ifdef SLANT_BLAS_REF

double slant_ddot(size_t n, const double *x, const double *y)
{
    return slant_ref_ddot(n, x, y);
}

void slant_daxpy(size_t n, double a, const double *x, double *y)
{
    slant_ref_daxpy(n, a, x, y);
}

void slant_dscal(size_t n, double a, double *x)
{
    slant_ref_dscal(n, a, x);
}

double slant_dnrm2(size_t n, const double *x)
{
    return slant_ref_dnrm2(n, x);
}

void slant_dcopy(size_t n, const double *x, double *y)
{
    slant_ref_dcopy(n, x, y);
}

void slant_dgemv(size_t m, size_t n, double alpha, const double *a, const double *x,
                 double beta, double *y)
{
    slant_ref_dgemv(m, n, alpha, a, x, beta, y);
}

void slant_dgemv_t(size_t m, size_t n, double alpha, const double *a, const double *x,
                   double beta, double *y)
{
    slant_ref_dgemv_t(m, n, alpha, a, x, beta, y);
}

#else /* OpenBLAS */

/* The longest run one CBLAS call takes: CBLAS sizes are blasint (int). */
#define CHUNK ((size_t)INT_MAX)

double slant_ddot(size_t n, const double *x, const double *y)
{
    if (slant_blas_is_reference())
        return slant_ref_ddot(n, x, y);
    double s = 0.0;
    for (size_t i = 0; i < n; i += CHUNK) {
        size_t len = n - i < CHUNK ? n - i : CHUNK;
        s += cblas_ddot((blasint)len, x + i, 1, y + i, 1);
    }
    return s;
}

void slant_daxpy(size_t n, double a, const double *x, double *y)
{
    if (slant_blas_is_reference()) {
        slant_ref_daxpy(n, a, x, y);
        return;
    }
    for (size_t i = 0; i < n; i += CHUNK) {
        size_t len = n - i < CHUNK ? n - i : CHUNK;
        cblas_daxpy((blasint)len, a, x + i, 1, y + i, 1);
    }
}

void slant_dscal(size_t n, double a, double *x)
{
    if (slant_blas_is_reference()) {
        slant_ref_dscal(n, a, x);
        return;
    }
    for (size_t i = 0; i < n; i += CHUNK) {
        size_t len = n - i < CHUNK ? n - i : CHUNK;
        cblas_dscal((blasint)len, a, x + i, 1);
    }
}

double slant_dnrm2(size_t n, const double *x)
{
    if (slant_blas_is_reference())
        return slant_ref_dnrm2(n, x);
    /* Chunks' norms combine through hypot, which neither over- nor
     * underflows. */
    double r = 0.0;
    for (size_t i = 0; i < n; i += CHUNK) {
        size_t len = n - i < CHUNK ? n - i : CHUNK;
        double c = cblas_dnrm2((blasint)len, x + i, 1);
        r = i == 0 ? c : hypot(r, c);
    }
    return r;
}

void slant_dcopy(size_t n, const double *x, double *y)
{
    if (slant_blas_is_reference()) {
        slant_ref_dcopy(n, x, y);
        return;
    }
    for (size_t i = 0; i < n; i += CHUNK) {
        size_t len = n - i < CHUNK ? n - i : CHUNK;
        cblas_dcopy((blasint)len, x + i, 1, y + i, 1);
    }
}

void slant_dgemv(size_t m, size_t n, double alpha, const double *a, const double *x,
                 double beta, double *y)
{
    if (slant_blas_is_reference()) {
        slant_ref_dgemv(m, n, alpha, a, x, beta, y);
        return;
    }
    if (m == 0)
        return;
    if (n == 0 || alpha == 0.0) {
        scale_y(m, beta, y);
        return;
    }
    if (n > CHUNK) {
        /* A row is longer than CBLAS's leading dimension can say: one
         * chunked dot product per row. */
        scale_y(m, beta, y);
        for (size_t i = 0; i < m; i++)
            y[i] += alpha * slant_ddot(n, a + i * n, x);
        return;
    }
    for (size_t i = 0; i < m; i += CHUNK) {
        size_t rows = m - i < CHUNK ? m - i : CHUNK;
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (blasint)rows, (blasint)n, alpha, a + i * n,
                    (blasint)n, x, 1, beta, y + i, 1);
    }
}

void slant_dgemv_t(size_t m, size_t n, double alpha, const double *a, const double *x,
                   double beta, double *y)
{
    if (slant_blas_is_reference()) {
        slant_ref_dgemv_t(m, n, alpha, a, x, beta, y);
        return;
    }
    if (n == 0)
        return;
    if (m == 0 || alpha == 0.0) {
        scale_y(n, beta, y);
        return;
    }
    if (n > CHUNK) {
        scale_y(n, beta, y);
        for (size_t i = 0; i < m; i++)
            slant_daxpy(n, alpha * x[i], a + i * n, y);
        return;
    }
    /* Row blocks each add their part; only the first applies beta. */
    for (size_t i = 0; i < m; i += CHUNK) {
        size_t rows = m - i < CHUNK ? m - i : CHUNK;
        cblas_dgemv(CblasRowMajor, CblasTrans, (blasint)rows, (blasint)n, alpha, a + i * n,
                    (blasint)n, x + i, 1, i == 0 ? beta : 1.0, y, 1);
    }
}

#endif
