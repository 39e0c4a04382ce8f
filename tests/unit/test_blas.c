/*
 * test_blas.c: the BLAS seam against its plain-C reference, and the
 * switch between them.
 *
 * Tolerance: 1e-12 relative to the magnitude of the terms summed, i.e.
 * |seam - ref| <= 1e-12 * (sum of |terms|) per output, the scale of the
 * rounding error of any summation order.  (Relative to the result itself
 * would fail on honest cancellation.)  Copies and scalings must be exact.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linear.h"

#define TOL 1e-12

static const size_t sizes[] = {0, 1, 2, 3, 7, 64, 257, 1000, 3001, 4099};
#define N_SIZES (sizeof sizes / sizeof sizes[0])

static uint64_t rng_state;

static double uniform(void) /* [-1, 1), splitmix64 */
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-52 - 1.0;
}

static double *random_vec(size_t n)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++)
        v[i] = uniform();
    return v;
}

static void check_close(double got, double want, double scale, const char *what, size_t n)
{
    if (!(fabs(got - want) <= TOL * scale)) {
        print_error("%s (n %zu): got %.17g, want %.17g, scale %g\n", what, n, got, want, scale);
        fail();
    }
}

static int setup(void **state)
{
    (void)state;
    rng_state = 12345;
    slant_blas_use_reference(0);
    return 0;
}

static void test_vector_kernels(void **state)
{
    (void)state;
    for (size_t s = 0; s < N_SIZES; s++) {
        size_t n = sizes[s];
        double *x = random_vec(n), *y = random_vec(n);
        double *y1 = random_vec(n), *y2 = random_vec(n);

        double scale = 0;
        for (size_t i = 0; i < n; i++)
            scale += fabs(x[i] * y[i]);
        check_close(slant_ddot(n, x, y), slant_ref_ddot(n, x, y), scale, "ddot", n);

        double nrm = slant_ref_dnrm2(n, x);
        check_close(slant_dnrm2(n, x), nrm, nrm, "dnrm2", n);
        double direct = 0;
        for (size_t i = 0; i < n; i++)
            direct += x[i] * x[i];
        check_close(nrm, sqrt(direct), sqrt(direct), "ref dnrm2 vs sqrt(x.x)", n);

        memcpy(y1, y, n * sizeof *y);
        memcpy(y2, y, n * sizeof *y);
        slant_daxpy(n, -0.75, x, y1);
        slant_ref_daxpy(n, -0.75, x, y2);
        for (size_t i = 0; i < n; i++)
            check_close(y1[i], y2[i], fabs(y[i]) + 0.75 * fabs(x[i]), "daxpy", n);

        memcpy(y1, x, n * sizeof *y);
        memcpy(y2, x, n * sizeof *y);
        slant_dscal(n, 1.5, y1);
        slant_ref_dscal(n, 1.5, y2);
        if (n)
            assert_memory_equal(y1, y2, n * sizeof *y1);

        slant_dcopy(n, x, y1);
        slant_ref_dcopy(n, y, y2);
        assert_true(n == 0 || memcmp(y1, x, n * sizeof *x) == 0);
        assert_true(n == 0 || memcmp(y2, y, n * sizeof *y) == 0);
        free(x);
        free(y);
        free(y1);
        free(y2);
    }
}

/* The reference scales, so norms whose squares over- or underflow come
 * out right.  The seam is held to that only where the squares stay normal
 * doubles: how OpenBLAS gets there differs by kernel (this one sums in
 * x87 long double, which valgrind runs as plain double). */
static void test_dnrm2_range(void **state)
{
    (void)state;
    double big[3] = {3e300, 4e300, 0}, tiny[3] = {3e-300, -4e-300, 0};
    check_close(slant_ref_dnrm2(3, big), 5e300, 5e300, "ref dnrm2 big", 3);
    check_close(slant_ref_dnrm2(3, tiny), 5e-300, 5e-300, "ref dnrm2 tiny", 3);
    double large[3] = {3e150, 4e150, 0}, small[3] = {3e-150, -4e-150, 0};
    check_close(slant_dnrm2(3, large), 5e150, 5e150, "dnrm2 large", 3);
    check_close(slant_dnrm2(3, small), 5e-150, 5e-150, "dnrm2 small", 3);
    double zero[2] = {0, 0};
    assert_true(slant_dnrm2(2, zero) == 0.0);
    assert_true(slant_ref_dnrm2(2, zero) == 0.0);
    assert_true(slant_dnrm2(0, zero) == 0.0);
}

static void gemv_case(size_t m, size_t n, double alpha, double beta, int trans)
{
    double *a = random_vec(m * n);
    size_t xn = trans ? m : n, yn = trans ? n : m;
    double *x = random_vec(xn), *y = random_vec(yn);
    double *y1 = random_vec(yn), *y2 = random_vec(yn);
    memcpy(y1, y, yn * sizeof *y);
    memcpy(y2, y, yn * sizeof *y);
    if (trans) {
        slant_dgemv_t(m, n, alpha, a, x, beta, y1);
        slant_ref_dgemv_t(m, n, alpha, a, x, beta, y2);
    } else {
        slant_dgemv(m, n, alpha, a, x, beta, y1);
        slant_ref_dgemv(m, n, alpha, a, x, beta, y2);
    }
    for (size_t i = 0; i < yn; i++) {
        double scale = fabs(beta * y[i]), direct = beta * y[i];
        for (size_t j = 0; j < xn; j++) {
            double aij = trans ? a[j * n + i] : a[i * n + j];
            scale += fabs(alpha * aij * x[j]);
            direct += alpha * aij * x[j];
        }
        char what[64];
        snprintf(what, sizeof what, "dgemv%s %zux%zu", trans ? "_t" : "", m, n);
        check_close(y1[i], y2[i], scale, what, i);
        check_close(y2[i], direct, scale, "ref vs direct", i);
    }
    free(a);
    free(x);
    free(y);
    free(y1);
    free(y2);
}

static void test_gemv(void **state)
{
    (void)state;
    static const size_t dims[] = {0, 1, 2, 5, 33, 300, 2001};
    for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++)
        for (size_t j = 0; j < sizeof dims / sizeof dims[0]; j++) {
            if (dims[i] * dims[j] > 700000)
                continue;
            for (int trans = 0; trans < 2; trans++) {
                gemv_case(dims[i], dims[j], 1.0, 0.0, trans);
                gemv_case(dims[i], dims[j], -0.5, 2.0, trans);
                gemv_case(dims[i], dims[j], 0.0, 0.25, trans);
            }
        }
}

/* The seam's meaning of empty shapes: y = beta y, and beta = 0 clears y
 * (NaNs included), on both paths. */
static void test_gemv_degenerate(void **state)
{
    (void)state;
    for (int ref = 0; ref < 2; ref++) {
        slant_blas_use_reference(ref);
        double a[1] = {1}, x[3] = {1, 2, 3};
        double y[3] = {1, 2, 3};
        slant_dgemv(3, 0, 1.0, a, x, 2.0, y);
        assert_true(y[0] == 2 && y[1] == 4 && y[2] == 6);
        slant_dgemv_t(0, 3, 1.0, a, x, 0.5, y);
        assert_true(y[0] == 1 && y[1] == 2 && y[2] == 3);
        y[1] = NAN;
        slant_dgemv(3, 0, 1.0, a, x, 0.0, y);
        assert_true(y[0] == 0 && y[1] == 0 && y[2] == 0);
        y[0] = 7;
        slant_dgemv(0, 3, 1.0, a, x, 0.0, y); /* y has no entries */
        slant_dgemv_t(3, 0, 1.0, a, x, 0.0, y);
        assert_true(y[0] == 7);
    }
    slant_blas_use_reference(0);
}

static void test_switch(void **state)
{
    (void)state;
    size_t n = 3001;
    double *x = random_vec(n), *y = random_vec(n);
#ifdef SLANT_BLAS_REF
    assert_int_equal(slant_blas_is_reference(), 1);
#else
    assert_int_equal(slant_blas_is_reference(), 0);
#endif
    slant_blas_use_reference(1);
    assert_int_equal(slant_blas_is_reference(), 1);
    /* On the reference path the seam is the reference, to the bit. */
    double a = slant_ddot(n, x, y), b = slant_ref_ddot(n, x, y);
    assert_memory_equal(&a, &b, sizeof a);
    a = slant_dnrm2(n, x);
    b = slant_ref_dnrm2(n, x);
    assert_memory_equal(&a, &b, sizeof a);
    slant_blas_use_reference(0);
#ifdef SLANT_BLAS_REF
    assert_int_equal(slant_blas_is_reference(), 1); /* built without OpenBLAS */
#else
    assert_int_equal(slant_blas_is_reference(), 0);
#endif
    double scale = 0;
    for (size_t i = 0; i < n; i++)
        scale += fabs(x[i] * y[i]);
    check_close(slant_ddot(n, x, y), slant_ref_ddot(n, x, y), scale, "ddot after switch", n);
    free(x);
    free(y);
}

static void test_csr_free(void **state)
{
    (void)state;
    slant_csr m = {0};
    m.rows = 2;
    m.cols = 3;
    m.rowptr = calloc(3, sizeof *m.rowptr);
    m.index = malloc(4);
    m.value = malloc(4);
    slant_csr_free(&m);
    assert_null(m.rowptr);
    assert_null(m.index);
    assert_null(m.value);
    slant_csr_free(&m); /* twice is harmless */
    slant_csr_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_vector_kernels, setup),
        cmocka_unit_test_setup(test_dnrm2_range, setup),
        cmocka_unit_test_setup(test_gemv, setup),
        cmocka_unit_test_setup(test_gemv_degenerate, setup),
        cmocka_unit_test_setup(test_switch, setup),
        cmocka_unit_test_setup(test_csr_free, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
