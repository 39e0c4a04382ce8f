/*
 * test_nbsvm.c: NBSVM against its definition.  At beta = 1 its weights are
 * the log-count ratios times the SVM fitted on the scaled rows; at beta =
 * 0 they are naive Bayes's ratios scaled by the SVM's mean |w|, with the
 * prior as the bias; the inner cross-validation picks from its grid, the
 * same way twice; Platt scaling leaves the ranking alone and makes the
 * mean probability on held-out data close to the rate of the class; bad
 * options are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linear.h"

#include "rng.h"

/* Binary presence rows: features 0..3 lean to class 1, 4..7 to class 0,
 * the rest are noise; about 30% of rows are class 1. */
static void make(slant_csr *x, int32_t *y, size_t rows, size_t cols)
{
    x->rows = rows;
    x->cols = cols;
    x->rowptr = calloc(rows + 1, sizeof *x->rowptr);
    x->index = malloc(rows * cols * sizeof *x->index);
    x->value = malloc(rows * cols * sizeof *x->value);
    size_t nnz = 0;
    for (size_t i = 0; i < rows; i++) {
        y[i] = uniform01() < 0.3;
        for (size_t f = 0; f < cols; f++) {
            double pr = f < 4 ? (y[i] ? 0.5 : 0.1) : f < 8 ? (y[i] ? 0.1 : 0.5) : 0.2;
            if (uniform01() < pr) {
                x->index[nnz] = (uint32_t)f;
                x->value[nnz++] = 1.0f;
            }
        }
        x->rowptr[i + 1] = nnz;
    }
}

/* The ratios of the definition: r_f = log(p_f/|p|) - log(q_f/|q|). */
static void ratios(const slant_csr *x, const int32_t *y, double alpha, double *r)
{
    size_t cols = x->cols;
    double *p = calloc(cols, sizeof *p), *q = calloc(cols, sizeof *q), sp = 0, sq = 0;
    for (size_t i = 0; i < x->rows; i++)
        for (size_t j = x->rowptr[i]; j < x->rowptr[i + 1]; j++)
            (y[i] ? p : q)[x->index[j]] += x->value[j];
    for (size_t f = 0; f < cols; f++) {
        sp += alpha + p[f];
        sq += alpha + q[f];
    }
    for (size_t f = 0; f < cols; f++)
        r[f] = log((alpha + p[f]) / sp) - log((alpha + q[f]) / sq);
    free(p);
    free(q);
}

static slant_nbsvm_params params(double alpha, double beta, int calibrate)
{
    slant_nbsvm_params p = {.c = 0.1, .alpha = alpha, .beta = beta, .folds = 5,
                            .calibrate = calibrate, .tol = 1e-6, .max_iter = 10000, .seed = 3};
    return p;
}

static void test_beta_one_is_the_scaled_svm(void **state)
{
    (void)state;
    rng_state = 1;
    enum { ROWS = 400, COLS = 20 };
    slant_csr x;
    int32_t y[ROWS];
    make(&x, y, ROWS, COLS);
    float w[COLS * 2], b[2];
    slant_nbsvm_params p = params(1.0, 1.0, 0);
    assert_int_equal(slant_nbsvm_fit(&x, y, NULL, 2, &p, w, b, NULL, NULL), SLANT_STATUS_OK);
    /* The same SVM by hand: scale, fit, multiply back. */
    double r[COLS], raw[COLS + 1];
    ratios(&x, y, 1.0, r);
    float *saved = malloc(x.rowptr[ROWS] * sizeof *saved);
    memcpy(saved, x.value, x.rowptr[ROWS] * sizeof *saved);
    for (size_t j = 0; j < x.rowptr[ROWS]; j++)
        x.value[j] = (float)(x.value[j] * r[x.index[j]]);
    slant_dual_params dp = {.c = 0.1, .bias = 1, .tol = 1e-6, .max_iter = 10000, .seed = 3,
                            .threads = 1, .loss = SLANT_LOSS_SQUARED_HINGE};
    assert_int_equal(slant_dual_fit(&x, y, NULL, 2, &dp, raw, NULL), SLANT_STATUS_OK);
    for (size_t f = 0; f < COLS; f++)
        assert_float_equal(w[2 * f + 1], 0.5 * r[f] * raw[f], 1e-5);
    assert_float_equal(b[1], 0.5 * raw[COLS], 1e-5);
    memcpy(x.value, saved, x.rowptr[ROWS] * sizeof *saved);
    free(saved);
    slant_csr_free(&x);
}

static void test_beta_zero_is_naive_bayes(void **state)
{
    (void)state;
    rng_state = 2;
    enum { ROWS = 300, COLS = 16 };
    slant_csr x;
    int32_t y[ROWS];
    make(&x, y, ROWS, COLS);
    float w[COLS * 2], b[2];
    slant_nbsvm_params p = params(0.5, 0.0, 0);
    assert_int_equal(slant_nbsvm_fit(&x, y, NULL, 2, &p, w, b, NULL, NULL), SLANT_STATUS_OK);
    double r[COLS];
    ratios(&x, y, 0.5, r);
    /* w_f = m r_f for one m > 0; the bias m log((N+ + 1)/(N- + 1)). */
    double m = 2 * w[1] / r[0];
    assert_true(m > 0);
    for (size_t f = 0; f < COLS; f++)
        assert_float_equal(2 * w[2 * f + 1], m * r[f], 1e-5 * m);
    double npos = 0;
    for (size_t i = 0; i < ROWS; i++)
        npos += y[i];
    assert_float_equal(2 * b[1], m * log((npos + 1) / (ROWS - npos + 1)), 1e-5);
    slant_csr_free(&x);
}

static void test_choice_and_calibration(void **state)
{
    (void)state;
    rng_state = 3;
    enum { ROWS = 600, COLS = 24, HELD = 2000 };
    slant_csr x, t;
    int32_t y[ROWS], yt[HELD];
    make(&x, y, ROWS, COLS);
    make(&t, yt, HELD, COLS);
    float w[COLS * 2], b[2], w2[COLS * 2], b2[2];
    slant_nbsvm_params p = params(0, -1, 1);
    slant_nbsvm_choice ch, ch2;
    assert_int_equal(slant_nbsvm_fit(&x, y, NULL, 2, &p, w, b, &ch, NULL), SLANT_STATUS_OK);
    assert_true(ch.alpha == 0.5 || ch.alpha == 1.0);
    const double betas[] = {0, 0.1, 0.25, 0.5, 0.75, 1};
    int in_grid = 0;
    for (size_t i = 0; i < 6; i++)
        in_grid |= ch.beta == betas[i];
    assert_true(in_grid);
    assert_int_equal(ch.folds, 5);
    assert_true(ch.accuracy > 0.7 && ch.accuracy <= 1);
    /* The same seed, the same bits. */
    assert_int_equal(slant_nbsvm_fit(&x, y, NULL, 2, &p, w2, b2, &ch2, NULL), SLANT_STATUS_OK);
    assert_memory_equal(w, w2, sizeof w);
    assert_memory_equal(b, b2, sizeof b);
    /* On fresh data: the mean probability is near the class's rate, and
     * calibration did not reorder anything (the uncalibrated fit with the
     * chosen alpha and beta scores in the same order). */
    slant_nbsvm_params q = params(ch.alpha, ch.beta, 0);
    assert_int_equal(slant_nbsvm_fit(&x, y, NULL, 2, &q, w2, b2, NULL, NULL), SLANT_STATUS_OK);
    double mean_p = 0, rate = 0, prev_z = 0, prev_u = 0;
    int first = 1, agree = 1;
    for (size_t i = 0; i < HELD; i++) {
        double z = b[1] - b[0], u = b2[1] - b2[0];
        for (size_t j = t.rowptr[i]; j < t.rowptr[i + 1]; j++) {
            z += t.value[j] * (w[2 * t.index[j] + 1] - w[2 * t.index[j]]);
            u += t.value[j] * (w2[2 * t.index[j] + 1] - w2[2 * t.index[j]]);
        }
        mean_p += 1 / (1 + exp(-z));
        rate += yt[i];
        if (!first && ((z - prev_z) * (u - prev_u) < -1e-9))
            agree = 0;
        prev_z = z;
        prev_u = u;
        first = 0;
    }
    assert_true(agree);
    mean_p /= HELD;
    rate /= HELD;
    if (fabs(mean_p - rate) > 0.03)
        fail_msg("mean probability %.3f against a rate of %.3f", mean_p, rate);
    slant_csr_free(&x);
    slant_csr_free(&t);
}

static void test_bad_options(void **state)
{
    (void)state;
    rng_state = 4;
    enum { ROWS = 50, COLS = 10 };
    slant_csr x;
    int32_t y[ROWS];
    make(&x, y, ROWS, COLS);
    float w[COLS * 2], b[2];
    slant_error err;
    slant_nbsvm_params p = params(1, 0.5, 0);
    p.c = 0;
    assert_int_equal(slant_nbsvm_fit(&x, y, NULL, 2, &p, w, b, NULL, &err),
                     SLANT_STATUS_BAD_OPTION);
    p = params(1, 1.5, 0);
    assert_int_equal(slant_nbsvm_fit(&x, y, NULL, 2, &p, w, b, NULL, &err),
                     SLANT_STATUS_BAD_OPTION);
    p = params(1, 0.5, 0);
    assert_int_equal(slant_nbsvm_fit(&x, y, NULL, 1, &p, w, b, NULL, &err),
                     SLANT_STATUS_BAD_OPTION);
    slant_csr_free(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_beta_one_is_the_scaled_svm),
        cmocka_unit_test(test_beta_zero_is_naive_bayes),
        cmocka_unit_test(test_choice_and_calibration),
        cmocka_unit_test(test_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
