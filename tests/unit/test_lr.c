/*
 * test_lr.c: softmax logistic regression.  The objective against a direct
 * computation, its gradient against central finite differences, the fit on
 * a separable problem, bit-identical results for any thread count, OpenBLAS
 * against the plain-C seam, and the checks on bad input.
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

#include "rng.h"

/* A random problem: each entry present with probability density, values
 * in (0, 1]; y uniform over the classes; row 3 (if any) left out. */
typedef struct problem {
    slant_csr x;
    int32_t *y;
    double *sw;
    uint32_t nc;
} problem;

static void problem_random(problem *p, size_t rows, size_t cols, uint32_t nc, double density,
                           int weighted)
{
    p->nc = nc;
    p->x.rows = rows;
    p->x.cols = cols;
    p->x.rowptr = calloc(rows + 1, sizeof *p->x.rowptr);
    size_t cap = (size_t)(rows * cols * density * 1.5) + 16, nnz = 0;
    p->x.index = malloc(cap * sizeof *p->x.index);
    p->x.value = malloc(cap * sizeof *p->x.value);
    p->y = malloc((rows ? rows : 1) * sizeof *p->y);
    p->sw = weighted ? malloc((rows ? rows : 1) * sizeof *p->sw) : NULL;
    assert_true(p->x.rowptr && p->x.index && p->x.value && p->y && (!weighted || p->sw));
    for (size_t i = 0; i < rows; i++) {
        for (size_t f = 0; f < cols; f++)
            if (uniform01() < density) {
                if (nnz == cap) {
                    cap *= 2;
                    p->x.index = realloc(p->x.index, cap * sizeof *p->x.index);
                    p->x.value = realloc(p->x.value, cap * sizeof *p->x.value);
                    assert_true(p->x.index && p->x.value);
                }
                p->x.index[nnz] = (uint32_t)f;
                p->x.value[nnz++] = (float)(1.0 - uniform01());
            }
        p->x.rowptr[i + 1] = nnz;
        p->y[i] = (int32_t)(uniform01() * nc);
        if (weighted)
            p->sw[i] = 0.25 + 2.0 * uniform01();
    }
    if (rows > 3)
        p->y[3] = -1;
}

static void problem_free(problem *p)
{
    slant_csr_free(&p->x);
    free(p->y);
    free(p->sw);
}

/* The objective straight from its definition, on dense scores. */
static double objective_direct(const problem *p, double c, const double *w)
{
    size_t nc = p->nc, cols = p->x.cols;
    double reg = 0, loss = 0, z[16];
    assert_true(nc <= 16);
    for (size_t i = 0; i < cols * nc; i++)
        reg += w[i] * w[i];
    for (size_t i = 0; i < p->x.rows; i++) {
        if (p->y[i] < 0)
            continue;
        for (size_t k = 0; k < nc; k++)
            z[k] = w[cols * nc + k];
        for (size_t j = p->x.rowptr[i]; j < p->x.rowptr[i + 1]; j++)
            for (size_t k = 0; k < nc; k++)
                z[k] += p->x.value[j] * w[p->x.index[j] * nc + k];
        double se = 0;
        for (size_t k = 0; k < nc; k++)
            se += exp(z[k]);
        loss += (p->sw ? p->sw[i] : 1.0) * (log(se) - z[p->y[i]]);
    }
    return 0.5 * reg + c * loss;
}

static double norm2(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i] * v[i];
    return sqrt(s);
}

static int setup(void **state)
{
    (void)state;
    rng_state = 2024;
    slant_blas_use_reference(0);
    slant_set_log(NULL, NULL);
    return 0;
}

/* (a) The objective against its definition and the gradient against
 * central differences: relative error < 1e-5 per component, measured
 * against max(|g|, 1e-3 |g|_inf). */
static void test_gradient(void **state)
{
    (void)state;
    problem p;
    problem_random(&p, 30, 12, 3, 0.3, 1);
    p.sw[5] = 0.0; /* a zero weight is legal */
    size_t n = (12 + 1) * 3;
    double c = 1.7, w[39], g[39], g3[39];
    for (size_t i = 0; i < n; i++)
        w[i] = uniform01() - 0.5;
    double f = slant_lr_objective(&p.x, p.y, p.sw, p.nc, c, w, g, 1);
    double fd = objective_direct(&p, c, w);
    assert_true(fabs(f - fd) <= 1e-12 * fabs(fd));
    assert_true(slant_lr_objective(&p.x, p.y, p.sw, p.nc, c, w, NULL, 1) == f);
    double f3 = slant_lr_objective(&p.x, p.y, p.sw, p.nc, c, w, g3, 3);
    assert_memory_equal(&f, &f3, sizeof f);
    assert_memory_equal(g, g3, sizeof g);

    double ginf = 0;
    for (size_t i = 0; i < n; i++)
        ginf = fmax(ginf, fabs(g[i]));
    const double h = 1e-5;
    for (size_t i = 0; i < n; i++) {
        double keep = w[i];
        w[i] = keep + h;
        double fp = slant_lr_objective(&p.x, p.y, p.sw, p.nc, c, w, NULL, 1);
        w[i] = keep - h;
        double fm = slant_lr_objective(&p.x, p.y, p.sw, p.nc, c, w, NULL, 1);
        w[i] = keep;
        double num = (fp - fm) / (2 * h);
        double rel = fabs(num - g[i]) / fmax(fabs(g[i]), 1e-3 * ginf);
        if (!(rel < 1e-5)) {
            print_error("parameter %zu: analytic %.12g, numeric %.12g, rel %g\n", i, g[i], num,
                        rel);
            fail();
        }
    }
    /* The left-out row 3 counts for nothing, whatever its weight, and no
     * sample weights means all ones. */
    assert_int_equal(p.y[3], -1);
    p.sw[3] = 1e6;
    assert_true(slant_lr_objective(&p.x, p.y, p.sw, p.nc, c, w, NULL, 1) == f);
    double ones[30];
    for (size_t i = 0; i < 30; i++)
        ones[i] = 1.0;
    assert_true(slant_lr_objective(&p.x, p.y, NULL, p.nc, c, w, NULL, 1) ==
                slant_lr_objective(&p.x, p.y, ones, p.nc, c, w, NULL, 2));
    problem_free(&p);
}

/* Scores and probabilities of row i under float weights. */
static void predict(const problem *p, const float *wt, const float *b, size_t i, double *prob)
{
    size_t nc = p->nc;
    double z[16], zmax = -INFINITY, se = 0;
    for (size_t k = 0; k < nc; k++)
        z[k] = b[k];
    for (size_t j = p->x.rowptr[i]; j < p->x.rowptr[i + 1]; j++)
        for (size_t k = 0; k < nc; k++)
            z[k] += (double)p->x.value[j] * wt[p->x.index[j] * nc + k];
    for (size_t k = 0; k < nc; k++)
        zmax = fmax(zmax, z[k]);
    for (size_t k = 0; k < nc; k++)
        se += prob[k] = exp(z[k] - zmax);
    for (size_t k = 0; k < nc; k++)
        prob[k] /= se;
}

/* (b) Three classes, each with its own two marker features plus shared
 * noise features; the last row is empty and unlabeled. */
static void test_separable(void **state)
{
    (void)state;
    size_t rows = 31, cols = 10;
    problem p = {.nc = 3};
    p.x.rows = rows;
    p.x.cols = cols;
    p.x.rowptr = calloc(rows + 1, sizeof *p.x.rowptr);
    p.x.index = malloc(rows * 6 * sizeof *p.x.index);
    p.x.value = malloc(rows * 6 * sizeof *p.x.value);
    p.y = malloc(rows * sizeof *p.y);
    assert_true(p.x.rowptr && p.x.index && p.x.value && p.y);
    size_t nnz = 0;
    for (size_t i = 0; i < rows - 1; i++) {
        size_t k = i % 3;
        p.y[i] = (int32_t)k;
        for (size_t f = 0; f < cols; f++) {
            int marker = f == 2 * k || f == 2 * k + 1;
            int noise = f >= 6 && (i / 3 + f) % 3 == 0; /* the same per class */
            if (marker || noise) {
                p.x.index[nnz] = (uint32_t)f;
                p.x.value[nnz++] = marker ? 1.0f : 0.5f;
            }
        }
        p.x.rowptr[i + 1] = nnz;
    }
    p.y[rows - 1] = -1;
    p.x.rowptr[rows] = nnz;

    float wt[30], b[3];
    slant_lr_params par = {.c = 10, .max_iter = 200, .tol = 1e-6, .threads = 2};
    slant_error err = {{0}};
    assert_int_equal(slant_lr_fit(&p.x, p.y, NULL, 3, &par, wt, b, &err), SLANT_STATUS_OK);
    for (size_t i = 0; i < rows - 1; i++) {
        double prob[3];
        predict(&p, wt, b, i, prob);
        double sum = prob[0] + prob[1] + prob[2];
        assert_true(fabs(sum - 1) < 1e-12);
        for (size_t k = 0; k < 3; k++)
            if (k != (size_t)p.y[i])
                assert_true(prob[p.y[i]] > prob[k]);
        assert_true(prob[p.y[i]] > 0.9); /* confident on training rows */
    }
    /* The empty row sees only the biases; the classes are balanced and
     * symmetric, so it is near-uniform. */
    double prob[3];
    predict(&p, wt, b, rows - 1, prob);
    for (size_t k = 0; k < 3; k++)
        assert_true(fabs(prob[k] - 1.0 / 3) < 0.02);
    /* A class's own markers weigh for it, not for the others. */
    for (size_t k = 0; k < 3; k++)
        for (size_t o = 0; o < 3; o++)
            if (o != k)
                assert_true(wt[2 * k * 3 + k] > wt[2 * k * 3 + o]);
    problem_free(&p);
}

static void fit_random(problem *p, uint32_t threads, uint32_t max_iter, double tol, float *wt,
                       float *b)
{
    slant_lr_params par = {.c = 2.0, .max_iter = max_iter, .tol = tol, .threads = threads};
    slant_error err = {{0}};
    slant_status st = slant_lr_fit(&p->x, p->y, p->sw, p->nc, &par, wt, b, &err);
    if (st != SLANT_STATUS_OK) {
        print_error("slant_lr_fit: %s\n", err.message);
        fail();
    }
}

/* (c) The same bits for 1, 2, 3 and all-core threads. */
static void test_threads_identical(void **state)
{
    (void)state;
    problem p;
    problem_random(&p, 600, 1500, 3, 0.02, 1);
    size_t nw = 1500 * 3;
    float *w1 = malloc(nw * sizeof *w1), *wn = malloc(nw * sizeof *wn);
    float b1[3], bn[3];
    assert_true(w1 && wn);
    fit_random(&p, 1, 60, 1e-10, w1, b1);
    static const uint32_t counts[] = {2, 3, 0, 7};
    for (size_t t = 0; t < sizeof counts / sizeof counts[0]; t++) {
        fit_random(&p, counts[t], 60, 1e-10, wn, bn);
        assert_memory_equal(w1, wn, nw * sizeof *w1);
        assert_memory_equal(b1, bn, sizeof b1);
    }
    free(w1);
    free(wn);
    problem_free(&p);
}

/* (d) OpenBLAS against the plain-C seam.  Both runs converge (tol 1e-9)
 * to the one minimizer of a strictly convex objective, along paths that
 * differ only by rounding; the float weights must agree to within
 * max |w_ref - w_blas| <= 1e-5. */
static void test_reference_blas(void **state)
{
    (void)state;
    problem p;
    problem_random(&p, 300, 400, 3, 0.03, 0);
    size_t nw = 400 * 3;
    float *wr = malloc(nw * sizeof *wr), *wb = malloc(nw * sizeof *wb);
    float br[3], bb[3];
    assert_true(wr && wb);
    slant_blas_use_reference(1);
    fit_random(&p, 2, 1000, 1e-9, wr, br);
    slant_blas_use_reference(0);
    fit_random(&p, 2, 1000, 1e-9, wb, bb);
    double diff = 0, big = 0;
    for (size_t i = 0; i < nw; i++) {
        diff = fmax(diff, fabs((double)wr[i] - wb[i]));
        big = fmax(big, fabs(wr[i]));
    }
    for (size_t k = 0; k < 3; k++)
        diff = fmax(diff, fabs((double)br[k] - bb[k]));
    if (!(diff <= 1e-5)) {
        print_error("max |w_ref - w_blas| = %g (max |w| %g)\n", diff, big);
        fail();
    }
    assert_true(big > 0.1); /* the weights are not trivially zero */
    free(wr);
    free(wb);
    problem_free(&p);
}

static int log_bad_lines, log_lines;

static void log_capture(const char *line, void *user)
{
    (void)user;
    unsigned it;
    log_lines++;
    if (sscanf(line, "lr: iteration %u,", &it) == 1 && it % 10 != 0)
        log_bad_lines++;
}

/* (e) The fit lowers the objective from the start (all zeros) and leaves
 * a gradient below 1e-4 of the starting one, measured on the float
 * weights it returns (their rounding bounds how small it can get).  The
 * progress log speaks only every 10 iterations. */
static void test_decrease(void **state)
{
    (void)state;
    problem p;
    problem_random(&p, 200, 300, 4, 0.05, 1);
    size_t nw = 300 * 4, n = nw + 4;
    double *w = calloc(n, sizeof *w), *g = malloc(n * sizeof *g);
    float *wt = malloc(nw * sizeof *wt), b[4];
    assert_true(w && g && wt);
    double c = 0.5;
    double f0 = slant_lr_objective(&p.x, p.y, p.sw, p.nc, c, w, g, 1);
    double g0 = norm2(g, n);
    slant_lr_params par = {.c = c, .max_iter = 300, .tol = 1e-7, .threads = 2};
    slant_error err = {{0}};
    log_lines = log_bad_lines = 0;
    slant_set_log(log_capture, NULL);
    assert_int_equal(slant_lr_fit(&p.x, p.y, p.sw, p.nc, &par, wt, b, &err), SLANT_STATUS_OK);
    slant_set_log(NULL, NULL);
    assert_true(log_lines >= 1);
    assert_int_equal(log_bad_lines, 0);
    for (size_t i = 0; i < nw; i++)
        w[i] = wt[i];
    for (size_t k = 0; k < 4; k++)
        w[nw + k] = b[k];
    double f1 = slant_lr_objective(&p.x, p.y, p.sw, p.nc, c, w, g, 1);
    double g1 = norm2(g, n);
    assert_true(f1 < 0.9 * f0);
    if (!(g1 <= 1e-4 * g0)) {
        print_error("|g| went from %g to %g only\n", g0, g1);
        fail();
    }
    /* Stopping on the iteration limit is no error, and leaves a worse point. */
    float wt2[1200], b2[4];
    par.max_iter = 3;
    assert_int_equal(slant_lr_fit(&p.x, p.y, p.sw, p.nc, &par, wt2, b2, &err), SLANT_STATUS_OK);
    for (size_t i = 0; i < nw; i++)
        w[i] = wt2[i];
    for (size_t k = 0; k < 4; k++)
        w[nw + k] = b2[k];
    double f3 = slant_lr_objective(&p.x, p.y, p.sw, p.nc, c, w, NULL, 1);
    assert_true(f3 < f0 && f3 > f1);
    /* No iterations: all zeros. */
    par.max_iter = 0;
    assert_int_equal(slant_lr_fit(&p.x, p.y, p.sw, p.nc, &par, wt2, b2, &err), SLANT_STATUS_OK);
    for (size_t i = 0; i < nw; i++)
        assert_true(wt2[i] == 0.0f);
    free(w);
    free(g);
    free(wt);
    problem_free(&p);
}

/* Bad options and input fail with a status and a message. */
static void test_bad_input(void **state)
{
    (void)state;
    problem p;
    problem_random(&p, 20, 5, 2, 0.5, 1);
    float wt[10], b[2];
    slant_error err = {{0}};
    slant_lr_params par = {.c = 0, .max_iter = 10, .tol = 1e-4, .threads = 1};
    assert_int_equal(slant_lr_fit(&p.x, p.y, p.sw, 2, &par, wt, b, &err),
                     SLANT_STATUS_BAD_OPTION);
    assert_true(err.message[0] != '\0');
    par.c = NAN;
    assert_int_equal(slant_lr_fit(&p.x, p.y, p.sw, 2, &par, wt, b, &err),
                     SLANT_STATUS_BAD_OPTION);
    par.c = 1;
    par.tol = -1;
    assert_int_equal(slant_lr_fit(&p.x, p.y, p.sw, 2, &par, wt, b, &err),
                     SLANT_STATUS_BAD_OPTION);
    par.tol = 1e-4;
    p.sw[7] = -1;
    err.message[0] = '\0';
    assert_int_equal(slant_lr_fit(&p.x, p.y, p.sw, 2, &par, wt, b, &err),
                     SLANT_STATUS_BAD_INPUT);
    assert_non_null(strstr(err.message, "document 7"));
    p.sw[7] = 1;
    p.y[4] = 2; /* a class beyond n_classes */
    assert_int_equal(slant_lr_fit(&p.x, p.y, p.sw, 2, &par, wt, b, &err),
                     SLANT_STATUS_INTERNAL);
    assert_true(isnan(slant_lr_objective(&p.x, p.y, p.sw, 2, 1.0, (double[12]){0}, NULL, 1)));
    p.y[4] = 0;
    p.x.index[0] = 5; /* a feature beyond cols */
    assert_int_equal(slant_lr_fit(&p.x, p.y, p.sw, 2, &par, wt, b, &err),
                     SLANT_STATUS_INTERNAL);
    problem_free(&p);

    /* No labeled rows at all: a zero model, not a failure. */
    problem_random(&p, 4, 5, 2, 0.5, 0);
    for (size_t i = 0; i < 4; i++)
        p.y[i] = -1;
    assert_int_equal(slant_lr_fit(&p.x, p.y, NULL, 2, &par, wt, b, &err), SLANT_STATUS_OK);
    for (size_t i = 0; i < 10; i++)
        assert_true(wt[i] == 0.0f);
    problem_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_gradient, setup),
        cmocka_unit_test_setup(test_separable, setup),
        cmocka_unit_test_setup(test_threads_identical, setup),
        cmocka_unit_test_setup(test_reference_blas, setup),
        cmocka_unit_test_setup(test_decrease, setup),
        cmocka_unit_test_setup(test_bad_input, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
