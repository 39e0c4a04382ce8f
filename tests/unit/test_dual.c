/*
 * test_dual.c: logistic regression and the squared-hinge SVM by dual
 * coordinate descent.  The answer must be the primal optimum: the primal
 * gradient, computed here directly from its definition, vanishes at it
 * (with and without the bias feature, with sample weights, for two
 * classes and one against the rest);
 * the same seed gives the same bits on any thread count; bad input is
 * refused.
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

typedef struct problem {
    slant_csr x;
    int32_t *y;
    double *sw;
} problem;

/* ROWS documents over COLS features, each entry present with probability
 * DENSITY; the class leans on the first features so there is signal, and
 * row 2 is left out (y = -1). */
static void problem_random(problem *p, size_t rows, size_t cols, uint32_t nc, double density,
                           int weighted)
{
    p->x.rows = rows;
    p->x.cols = cols;
    p->x.rowptr = calloc(rows + 1, sizeof *p->x.rowptr);
    p->x.index = malloc(rows * cols * sizeof *p->x.index);
    p->x.value = malloc(rows * cols * sizeof *p->x.value);
    p->y = malloc(rows * sizeof *p->y);
    p->sw = weighted ? malloc(rows * sizeof *p->sw) : NULL;
    size_t nnz = 0;
    for (size_t i = 0; i < rows; i++) {
        uint32_t k = (uint32_t)(uniform01() * nc);
        p->y[i] = (int32_t)k;
        for (size_t f = 0; f < cols; f++) {
            int lean = f < nc && f == k && uniform01() < 0.6;
            if (lean || uniform01() < density) {
                p->x.index[nnz] = (uint32_t)f;
                p->x.value[nnz++] = (float)(0.1 + uniform01());
            }
        }
        p->x.rowptr[i + 1] = nnz;
        if (weighted)
            p->sw[i] = 0.5 + 1.5 * uniform01();
    }
    p->y[2] = -1;
}

static void problem_free(problem *p)
{
    slant_csr_free(&p->x);
    free(p->y);
    free(p->sw);
}

/* The norm of the primal gradient of problem k (class k against the
 * rest; k = 1 for two classes) at w (cols) and bias weight wb, relative
 * to the norm at w = 0.  With m_i = y_i (w.x_i + B wb):
 *   logistic:       g = w - c sum_i sw_i y_i sigma(-m_i) x_i
 *   squared hinge:  g = w - 2c sum_{m_i < 1} sw_i y_i (1 - m_i) x_i
 * (and B in place of x_i for wb). */
static double relative_gradient(const problem *p, size_t k, double c, double bias,
                                const double *w, double wb, slant_loss loss)
{
    size_t cols = p->x.cols;
    double *g = calloc(cols + 1, sizeof *g), *g0 = calloc(cols + 1, sizeof *g0);
    for (size_t f = 0; f < cols; f++)
        g[f] = w[f];
    g[cols] = wb;
    for (size_t i = 0; i < p->x.rows; i++) {
        if (p->y[i] < 0)
            continue;
        double yi = p->y[i] == (int32_t)k ? 1 : -1, dot = wb * bias;
        for (size_t t = p->x.rowptr[i]; t < p->x.rowptr[i + 1]; t++)
            dot += w[p->x.index[t]] * p->x.value[t];
        double ci = c * (p->sw ? p->sw[i] : 1.0), m = yi * dot, s, s0;
        if (loss == SLANT_LOSS_LOGISTIC) {
            s = ci * yi / (1 + exp(m));
            s0 = ci * yi * 0.5;
        } else {
            s = m < 1 ? 2 * ci * yi * (1 - m) : 0;
            s0 = 2 * ci * yi;
        }
        for (size_t t = p->x.rowptr[i]; t < p->x.rowptr[i + 1]; t++) {
            g[p->x.index[t]] -= s * p->x.value[t];
            g0[p->x.index[t]] -= s0 * p->x.value[t];
        }
        g[cols] -= s * bias;
        g0[cols] -= s0 * bias;
    }
    double n = 0, n0 = 0;
    for (size_t f = 0; f <= cols; f++) {
        n += g[f] * g[f];
        n0 += g0[f] * g0[f];
    }
    free(g);
    free(g0);
    return sqrt(n / n0);
}

/* Fits and checks every problem's optimality. */
static void check_optimal(uint32_t nc, int weighted, double bias, slant_loss loss)
{
    rng_state = 42 + nc * 10 + (uint64_t)weighted;
    problem p;
    problem_random(&p, 300, 40, nc, 0.2, weighted);
    size_t cols = p.x.cols;
    float *w = malloc(cols * nc * sizeof *w), b[8];
    slant_dual_params par = {.c = 2.0, .bias = bias, .tol = 1e-9, .max_iter = 5000, .seed = 7,
                             .threads = 2, .loss = loss};
    slant_error err;
    uint32_t problems = nc == 2 ? 1 : nc;
    double *raw = malloc(problems * (cols + 1) * sizeof *raw);
    assert_int_equal(slant_dual_fit(&p.x, p.y, p.sw, nc, &par, raw, &err), SLANT_STATUS_OK);
    slant_dual_layout(raw, cols, nc, bias, w, b);
    free(raw);
    double *wk = malloc(cols * sizeof *wk);
    for (uint32_t k = nc == 2 ? 1 : 0; k < nc; k++) {
        /* Two classes: column 1 holds w/2 and column 0 -w/2. */
        double scale = nc == 2 ? 2.0 : 1.0;
        for (size_t f = 0; f < cols; f++)
            wk[f] = scale * w[f * nc + k];
        if (nc == 2)
            assert_float_equal(w[0], -w[1], 1e-7);
        double wb = bias > 0 ? scale * b[k] / bias : 0;
        double r = relative_gradient(&p, k, par.c, bias, wk, wb, loss);
        if (!(r < 1e-4))
            fail_msg("%s, classes %u, problem %u: relative primal gradient %g",
                     loss == SLANT_LOSS_LOGISTIC ? "logistic" : "squared hinge", nc, k, r);
    }
    if (bias == 0)
        for (uint32_t k = 0; k < nc; k++)
            assert_float_equal(b[k], 0, 0);
    free(wk);
    free(w);
    problem_free(&p);
}

static void test_two_classes(void **state)
{
    (void)state;
    for (int loss = SLANT_LOSS_LOGISTIC; loss <= SLANT_LOSS_SQUARED_HINGE; loss++) {
        check_optimal(2, 0, 1.0, (slant_loss)loss);
        check_optimal(2, 1, 1.0, (slant_loss)loss);
        check_optimal(2, 0, 0.0, (slant_loss)loss);
    }
}

static void test_one_against_rest(void **state)
{
    (void)state;
    for (int loss = SLANT_LOSS_LOGISTIC; loss <= SLANT_LOSS_SQUARED_HINGE; loss++) {
        check_optimal(4, 0, 1.0, (slant_loss)loss);
        check_optimal(4, 1, 0.5, (slant_loss)loss);
    }
}

/* The same bits on one thread and on four, and again on a second run. */
static void test_threads_identical(void **state)
{
    (void)state;
    rng_state = 5;
    problem p;
    problem_random(&p, 200, 30, 3, 0.3, 0);
    size_t n = p.x.cols * 3;
    float *w1 = malloc(n * sizeof *w1), *w4 = malloc(n * sizeof *w4), b1[3], b4[3];
    slant_dual_params par = {.c = 10, .bias = 1, .tol = 0.01, .max_iter = 1000, .seed = 3,
                             .threads = 1};
    assert_int_equal(slant_lr_dual_fit(&p.x, p.y, NULL, 3, &par, w1, b1, NULL), 0);
    par.threads = 4;
    assert_int_equal(slant_lr_dual_fit(&p.x, p.y, NULL, 3, &par, w4, b4, NULL), 0);
    assert_memory_equal(w1, w4, n * sizeof *w1);
    assert_memory_equal(b1, b4, sizeof b1);
    /* Another seed visits the documents in another order. */
    par.seed = 4;
    assert_int_equal(slant_lr_dual_fit(&p.x, p.y, NULL, 3, &par, w4, b4, NULL), 0);
    assert_true(memcmp(w1, w4, n * sizeof *w1) != 0);
    free(w1);
    free(w4);
    problem_free(&p);
}

static void test_bad_input(void **state)
{
    (void)state;
    rng_state = 9;
    problem p;
    problem_random(&p, 20, 5, 2, 0.5, 1);
    float w[10], b[2];
    slant_error err;
    slant_dual_params par = {.c = 1, .bias = 1, .tol = 0.01, .max_iter = 10, .seed = 1};
    par.c = -1;
    assert_int_equal(slant_lr_dual_fit(&p.x, p.y, NULL, 2, &par, w, b, &err),
                     SLANT_STATUS_BAD_OPTION);
    par.c = 1;
    assert_int_equal(slant_lr_dual_fit(&p.x, p.y, NULL, 1, &par, w, b, &err),
                     SLANT_STATUS_BAD_OPTION);
    p.sw[4] = NAN;
    assert_int_equal(slant_lr_dual_fit(&p.x, p.y, p.sw, 2, &par, w, b, &err),
                     SLANT_STATUS_BAD_INPUT);
    assert_non_null(strstr(err.message, "document 4"));
    p.y[5] = 2; /* a class past the head's */
    assert_int_equal(slant_lr_dual_fit(&p.x, p.y, NULL, 2, &par, w, b, &err),
                     SLANT_STATUS_INTERNAL);
    problem_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_classes),
        cmocka_unit_test(test_one_against_rest),
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
