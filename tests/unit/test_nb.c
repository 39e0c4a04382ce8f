/*
 * test_nb.c: naive Bayes weights and posteriors against values worked out
 * by hand.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "linear.h"

/* Three documents over two features:
 *   d0 (class 0): f0 = 2         d1 (class 0): f0 = 1, f1 = 1
 *   d2 (class 1): f1 = 3
 * Class 0 mass: f0 3, f1 1 (total 4); class 1: f0 0, f1 3 (total 3). */
static size_t rowptr[] = {0, 1, 3, 4};
static uint32_t index_[] = {0, 0, 1, 1};
static float value[] = {2, 1, 1, 3};
static const int32_t y[] = {0, 0, 1};

static slant_csr matrix(void)
{
    slant_csr x = {3, 2, rowptr, index_, value};
    return x;
}

static void test_multinomial(void **state)
{
    (void)state;
    slant_csr x = matrix();
    float w[4], b[2];
    assert_int_equal(slant_nb_fit(&x, y, NULL, 2, 1.0, 0, w, b, NULL), SLANT_STATUS_OK);
    /* alpha 1: P(f0|0) = 4/6, P(f1|0) = 2/6, P(f0|1) = 1/5, P(f1|1) = 4/5;
     * priors 2/3 and 1/3.  Layout is feature-major: w[f*2 + k]. */
    assert_float_equal(w[0], log(4.0 / 6), 1e-6);
    assert_float_equal(w[2], log(2.0 / 6), 1e-6);
    assert_float_equal(w[1], log(1.0 / 5), 1e-6);
    assert_float_equal(w[3], log(4.0 / 5), 1e-6);
    assert_float_equal(b[0], log(2.0 / 3), 1e-6);
    assert_float_equal(b[1], log(1.0 / 3), 1e-6);
    /* Posterior of class 0 for a document with f0 = f1 = 1:
     * (2/3 * 4/6 * 2/6) / (that + 1/3 * 1/5 * 4/5) = 75/102. */
    double j0 = b[0] + w[0] + w[2], j1 = b[1] + w[1] + w[3];
    double p0 = 1.0 / (1.0 + exp(j1 - j0));
    assert_float_equal(p0, 75.0 / 102.0, 1e-6);
}

static void test_complement(void **state)
{
    (void)state;
    slant_csr x = matrix();
    float w[4], b[2];
    assert_int_equal(slant_nb_fit(&x, y, NULL, 2, 1.0, 1, w, b, NULL), SLANT_STATUS_OK);
    /* Class 0's complement is class 1: P(f0|not 0) = 1/5, P(f1|not 0) = 4/5.
     * Class 1's complement is class 0: 4/6 and 2/6.  Weights are -log. */
    assert_float_equal(w[0], -log(1.0 / 5), 1e-6);
    assert_float_equal(w[2], -log(4.0 / 5), 1e-6);
    assert_float_equal(w[1], -log(4.0 / 6), 1e-6);
    assert_float_equal(w[3], -log(2.0 / 6), 1e-6);
    assert_float_equal(b[0], 0, 0);
    /* A document of f0 alone leans to class 0, of f1 alone to class 1. */
    assert_true(w[0] > w[1]);
    assert_true(w[3] > w[2]);
}

static void test_weights_and_missing(void **state)
{
    (void)state;
    slant_csr x = matrix();
    float w[4], b[2], w2[4], b2[2];
    /* Doubling d2's weight is the same as repeating it: class 1 mass f1 6. */
    double sw[] = {1, 1, 2};
    assert_int_equal(slant_nb_fit(&x, y, sw, 2, 1.0, 0, w, b, NULL), SLANT_STATUS_OK);
    assert_float_equal(w[3], log(7.0 / 8), 1e-6);
    assert_float_equal(b[1], log(2.0 / 4), 1e-6);
    /* A row with label -1 is left out. */
    const int32_t y2[] = {0, -1, 1};
    assert_int_equal(slant_nb_fit(&x, y2, NULL, 2, 1.0, 0, w2, b2, NULL), SLANT_STATUS_OK);
    assert_float_equal(w2[0], log(3.0 / 4), 1e-6); /* f0 mass 2, total 2 */
    assert_float_equal(b2[0], log(1.0 / 2), 1e-6);
}

static void test_scales(void **state)
{
    (void)state;
    slant_csr x = matrix();
    double scale[2];
    assert_int_equal(slant_nb_scales(&x, y, 2, 1.0, scale, NULL), SLANT_STATUS_OK);
    /* alpha 1, masses as above.  f0: in class 0 (1+3)/(2+4), elsewhere
     * (1+0)/(2+3): r = ln(10/3); class 1 mirrors it, so the scale is
     * ln(10/3).  f1: (1+1)/6 against (1+3)/5: |ln(5/12)|. */
    assert_float_equal(scale[0], log(10.0 / 3), 1e-9);
    assert_float_equal(scale[1], fabs(log(5.0 / 12)), 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multinomial),
        cmocka_unit_test(test_complement),
        cmocka_unit_test(test_weights_and_missing),
        cmocka_unit_test(test_scales),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
