/*
 * test_svm.c: C-SVC through libsvm (models/svm.c).  The folded linear
 * weights must give the probabilities libsvm itself gives for the same
 * problem, settings and seed; an RBF head read back from its section must
 * label as the libsvm model it came from; separable classes must come out
 * right; a corrupt section is refused.
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

#include <libsvm/svm.h>

#include "svm.h"

#include "rng.h"

typedef struct problem {
    slant_csr x;
    int32_t *y;
} problem;

/* ROWS documents over COLS features in NC classes; class k leans on
 * feature k, other features are noise; row 3 has no label (y = -1). */
static void problem_make(problem *p, size_t rows, size_t cols, uint32_t nc, double lean)
{
    p->x.rows = rows;
    p->x.cols = cols;
    p->x.rowptr = calloc(rows + 1, sizeof *p->x.rowptr);
    p->x.index = malloc(rows * cols * sizeof *p->x.index);
    p->x.value = malloc(rows * cols * sizeof *p->x.value);
    p->y = malloc(rows * sizeof *p->y);
    size_t nnz = 0;
    for (size_t i = 0; i < rows; i++) {
        uint32_t k = (uint32_t)(uniform01() * nc);
        p->y[i] = i == 3 ? -1 : (int32_t)k;
        for (size_t f = 0; f < cols; f++) {
            double v = f == k && uniform01() < lean ? 1.0 : uniform01() < 0.3 ? uniform01() : 0;
            if (v > 0) {
                p->x.index[nnz] = (uint32_t)f;
                p->x.value[nnz++] = (float)v;
            }
        }
        p->x.rowptr[i + 1] = nnz;
    }
}

static void problem_free(problem *p)
{
    slant_csr_free(&p->x);
    free(p->y);
}

/* Row i of x as libsvm nodes (terminated), into nodes (cols + 1). */
static void row_nodes(const slant_csr *x, size_t i, struct svm_node *nodes)
{
    size_t n = 0;
    for (size_t k = x->rowptr[i]; k < x->rowptr[i + 1]; k++)
        nodes[n++] = (struct svm_node){(int)x->index[k] + 1, x->value[k]};
    nodes[n] = (struct svm_node){-1, 0};
}

static void quiet(const char *s)
{
    (void)s;
}

/* libsvm trained directly, as svm.c is meant to: rows with y >= 0, labels
 * LABEL_OF(y), the same settings, rand() seeded the same way. */
static struct svm_model *libsvm_direct(const problem *p, const slant_svm_params *sp,
                                       int kernel, int positive, struct svm_problem *prob,
                                       struct svm_node **nodes)
{
    size_t l = 0;
    for (size_t i = 0; i < p->x.rows; i++)
        l += p->y[i] >= 0;
    prob->l = (int)l;
    prob->y = malloc(l * sizeof *prob->y);
    prob->x = malloc(l * sizeof *prob->x);
    *nodes = malloc((p->x.rowptr[p->x.rows] + p->x.rows) * sizeof **nodes);
    size_t r = 0, at = 0;
    for (size_t i = 0; i < p->x.rows; i++) {
        if (p->y[i] < 0)
            continue;
        prob->y[r] = positive < 0 ? p->y[i] : p->y[i] == positive ? 1 : -1;
        prob->x[r++] = *nodes + at;
        row_nodes(&p->x, i, *nodes + at);
        at += p->x.rowptr[i + 1] - p->x.rowptr[i] + 1;
    }
    struct svm_parameter pm;
    memset(&pm, 0, sizeof pm);
    pm.svm_type = C_SVC;
    pm.kernel_type = kernel;
    pm.gamma = sp->gamma;
    pm.cache_size = 200;
    pm.eps = sp->tol;
    pm.C = sp->c;
    pm.shrinking = 1;
    pm.probability = 1;
    int wl[2] = {1, -1};
    double wv[2] = {1, 1};
    if (positive >= 0) {
        pm.nr_weight = 2;
        pm.weight_label = wl;
        pm.weight = wv;
    }
    svm_set_print_string_function(quiet);
    srand((unsigned)(sp->seed ^ (sp->seed >> 32)));
    return svm_train(prob, &pm);
}

static void libsvm_free(struct svm_model *m, struct svm_problem *prob, struct svm_node *nodes)
{
    svm_free_and_destroy_model(&m);
    free(prob->y);
    free(prob->x);
    free(nodes);
}

/* Score of class k for row i under the folded weights. */
static double folded_score(const problem *p, const float *w, uint32_t nc, size_t i, uint32_t k)
{
    double z = w[p->x.cols * nc + k];
    for (size_t t = p->x.rowptr[i]; t < p->x.rowptr[i + 1]; t++)
        z += (double)p->x.value[t] * w[(size_t)p->x.index[t] * nc + k];
    return z;
}

/* libsvm's probability that row i has its model's label POSITIVE. */
static double libsvm_prob(const struct svm_model *m, const problem *p, size_t i, int positive)
{
    struct svm_node nodes[64];
    double est[8];
    row_nodes(&p->x, i, nodes);
    svm_predict_probability(m, nodes, est);
    for (int j = 0; j < m->nr_class; j++)
        if (m->label[j] == positive)
            return est[j];
    fail_msg("no class %d", positive);
    return 0;
}

static void test_linear_two_classes_match_libsvm(void **state)
{
    (void)state;
    rng_state = 11;
    problem p;
    problem_make(&p, 120, 12, 2, 0.6);
    slant_svm_params sp = {SLANT_KERNEL_LINEAR, 1.0, 0, 0.001, 0, 7};
    float *w = calloc((p.x.cols + 1) * 2, sizeof *w);
    assert_int_equal(slant_svm_fit_linear(&p.x, p.y, 2, &sp, w, NULL), SLANT_STATUS_OK);
    struct svm_problem prob;
    struct svm_node *nodes;
    struct svm_model *m = libsvm_direct(&p, &sp, LINEAR, 0, &prob, &nodes);
    size_t right = 0, labeled = 0;
    for (size_t i = 0; i < p.x.rows; i++) {
        double z0 = folded_score(&p, w, 2, i, 0), z1 = folded_score(&p, w, 2, i, 1);
        double p0 = 1 / (1 + exp(z1 - z0)); /* the softmax of the two */
        double want = libsvm_prob(m, &p, i, 1);
        if (fabs(p0 - want) > 1e-5)
            fail_msg("row %zu: folded %.8f, libsvm %.8f", i, p0, want);
        if (p.y[i] >= 0) {
            labeled++;
            right += (p0 > 0.5) == (p.y[i] == 0);
        }
    }
    assert_true(right >= labeled * 8 / 10); /* it learned the lean */
    libsvm_free(m, &prob, nodes);
    free(w);
    problem_free(&p);
}

static void test_linear_one_against_rest_match_libsvm(void **state)
{
    (void)state;
    rng_state = 12;
    problem p;
    problem_make(&p, 150, 10, 3, 0.7);
    slant_svm_params sp = {SLANT_KERNEL_LINEAR, 2.0, 0, 0.001, 0, 3};
    float *w = calloc((p.x.cols + 1) * 3, sizeof *w);
    assert_int_equal(slant_svm_fit_linear(&p.x, p.y, 3, &sp, w, NULL), SLANT_STATUS_OK);
    for (uint32_t k = 0; k < 3; k++) {
        struct svm_problem prob;
        struct svm_node *nodes;
        struct svm_model *m = libsvm_direct(&p, &sp, LINEAR, (int)k, &prob, &nodes);
        for (size_t i = 0; i < p.x.rows; i++) {
            double pk = 1 / (1 + exp(-folded_score(&p, w, 3, i, k)));
            double want = libsvm_prob(m, &p, i, 1);
            if (fabs(pk - want) > 1e-5)
                fail_msg("class %u row %zu: folded %.8f, libsvm %.8f", k, i, pk, want);
        }
        libsvm_free(m, &prob, nodes);
    }
    free(w);
    problem_free(&p);
}

static void test_rbf_section_labels_as_libsvm(void **state)
{
    (void)state;
    rng_state = 13;
    problem p;
    problem_make(&p, 90, 8, 3, 0.9);
    slant_svm_params sp = {SLANT_KERNEL_RBF, 1.0, 0, 0.001, 0, 5};
    sp.gamma = slant_svm_scale_gamma(&p.x, p.y);
    assert_true(sp.gamma > 0);
    unsigned char *blob;
    size_t size, n_sv;
    assert_int_equal(slant_svm_fit_rbf(&p.x, p.y, 3, &sp, &blob, &size, &n_sv, NULL),
                     SLANT_STATUS_OK);
    assert_int_equal(size % 8, 0);
    /* The section is used in place: give it the alignment a mapped file has. */
    unsigned char *aligned = aligned_alloc(64, (size + 63) / 64 * 64);
    memcpy(aligned, blob, size);
    slant_svm_head *h;
    uint64_t used;
    assert_int_equal(slant_svm_head_parse(aligned, size, 3, (uint32_t)p.x.cols, "t", &h, &used,
                                          NULL),
                     SLANT_STATUS_OK);
    assert_int_equal(used, size);
    assert_int_equal(slant_svm_head_vectors(h), n_sv);
    assert_true(slant_svm_head_gamma(h) == sp.gamma);
    struct svm_problem prob;
    struct svm_node *nodes;
    struct svm_model *m = libsvm_direct(&p, &sp, RBF, -1, &prob, &nodes);
    assert_int_equal((size_t)m->l, n_sv);
    size_t right = 0, labeled = 0;
    for (size_t i = 0; i < p.x.rows; i++) {
        slant_feature x[16];
        size_t n = 0;
        /* in reverse order: scoring must not depend on it */
        for (size_t t = p.x.rowptr[i + 1]; t-- > p.x.rowptr[i];)
            x[n++] = (slant_feature){p.x.index[t], p.x.value[t]};
        double probs[3];
        assert_int_equal(slant_svm_head_score(h, x, n, probs), 0);
        double sum = 0;
        size_t best = 0;
        for (int k = 0; k < 3; k++) {
            double want = libsvm_prob(m, &p, i, k);
            if (fabs(probs[k] - want) > 1e-12)
                fail_msg("row %zu class %d: %.12f, libsvm %.12f", i, k, probs[k], want);
            sum += probs[k];
            if (probs[k] > probs[best])
                best = (size_t)k;
        }
        assert_true(fabs(sum - 1) < 1e-6);
        if (p.y[i] >= 0) {
            labeled++;
            right += (int32_t)best == p.y[i];
        }
    }
    assert_true(right >= labeled * 8 / 10);

    /* A corrupt part is refused: truncations and broken fields. */
    slant_error err;
    slant_svm_head *bad;
    for (size_t cut = 0; cut < size; cut += cut < 64 ? 1 : 61)
        assert_int_equal(slant_svm_head_parse(aligned, cut, 3, (uint32_t)p.x.cols, "t", &bad,
                                              &used, &err),
                         SLANT_STATUS_BAD_MODEL);
    assert_int_equal(slant_svm_head_parse(aligned, size, 4, (uint32_t)p.x.cols, "t", &bad, &used,
                                          &err),
                     SLANT_STATUS_BAD_MODEL);
    assert_int_equal(slant_svm_head_parse(aligned, size, 3, 2, "t", &bad, &used, &err),
                     SLANT_STATUS_BAD_MODEL);
    assert_non_null(strstr(err.message, "support vector"));
    /* size, classes, vectors, gamma's sign, labels, support counts */
    static const size_t fields[] = {0, 8, 12, 23, 24, 28, 36};
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        unsigned char *c = aligned_alloc(64, (size + 63) / 64 * 64);
        memcpy(c, aligned, size);
        c[fields[f]] ^= fields[f] == 23 ? 0x80 : 0x40;
        if (slant_svm_head_parse(c, size, 3, (uint32_t)p.x.cols, "t", &bad, &used, &err)
            == SLANT_STATUS_OK)
            fail_msg("a change at byte %zu was taken", fields[f]);
        free(c);
    }
    unsigned char *c = aligned_alloc(64, (size + 63) / 64 * 64);
    memcpy(c, aligned, size);
    double nan = NAN;
    memcpy(c + size - 8, &nan, 8); /* the last node's value */
    assert_int_equal(slant_svm_head_parse(c, size, 3, (uint32_t)p.x.cols, "t", &bad, &used,
                                          &err),
                     SLANT_STATUS_BAD_MODEL);
    free(c);

    libsvm_free(m, &prob, nodes);
    slant_svm_head_free(h);
    free(aligned);
    free(blob);
    problem_free(&p);
}

static void test_bad_settings(void **state)
{
    (void)state;
    rng_state = 14;
    problem p;
    problem_make(&p, 20, 4, 2, 0.8);
    slant_svm_params sp = {SLANT_KERNEL_LINEAR, -1.0, 0, 0.001, 0, 1};
    float *w = calloc((p.x.cols + 1) * 2, sizeof *w);
    slant_error err;
    assert_int_equal(slant_svm_fit_linear(&p.x, p.y, 2, &sp, w, &err), SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "libsvm"));
    free(w);
    problem_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linear_two_classes_match_libsvm),
        cmocka_unit_test(test_linear_one_against_rest_match_libsvm),
        cmocka_unit_test(test_rbf_section_labels_as_libsvm),
        cmocka_unit_test(test_bad_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
