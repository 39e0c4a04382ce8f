/*
 * test_curve.c: the learning curve.  Its last step is cross-validation
 * itself; the shares are nested and keep every class from the first; the
 * result does not depend on the thread count; grouped folds stay
 * grouped; and the trend rule on made-up curves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "slant.h"
#include "train.h"

#define MAX_DOCS 300

static char text_buf[MAX_DOCS][160];
static char group_buf[MAX_DOCS][16];

/* N documents with heads "topic" (x, y, and z on every RARE-th document)
 * and "tone" (p, q), texts that mostly say their labels among noise
 * words; with GROUPS > 0, document i is in group i % GROUPS. */
static slant_corpus *make_corpus(size_t n, size_t rare, size_t groups)
{
    const char *texts[MAX_DOCS], *labels[2 * MAX_DOCS], *group_of[MAX_DOCS];
    const char *heads[2] = {"topic", "tone"};
    static const char *const noise[6] = {"alpha", "beta", "gamma", "delta", "omega", "sigma"};
    assert_true(n <= MAX_DOCS);
    rng_state = 11;
    for (size_t i = 0; i < n; i++) {
        const char *t = rare && i % rare == 0 ? "z" : uniform01() < 0.5 ? "x" : "y";
        const char *o = uniform01() < 0.5 ? "p" : "q";
        /* a label's word four times in five, so the curve has room to climb */
        const char *tw = uniform01() < 0.8 ? t : "y", *ow = uniform01() < 0.8 ? o : "p";
        snprintf(text_buf[i], sizeof text_buf[i], "word%s tone%s %s %s %s", tw, ow,
                 noise[(size_t)(uniform01() * 6)], noise[(size_t)(uniform01() * 6)],
                 noise[(size_t)(uniform01() * 6)]);
        texts[i] = text_buf[i];
        labels[2 * i] = t;
        labels[2 * i + 1] = o;
        snprintf(group_buf[i], sizeof group_buf[i], "g%zu", groups ? i % groups : 0);
        group_of[i] = group_buf[i];
    }
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_from_memory(n, texts, 2, heads, labels, &c, &err),
                     SLANT_STATUS_OK);
    if (groups)
        assert_int_equal(slant_corpus_set_groups(c, "outlet", group_of, &err),
                         SLANT_STATUS_OK);
    return c;
}

/* Naive Bayes on one thread, seed 5; FOLDS folds, near-duplicates split
 * (the made-up texts are near-copies of each other); STEPS steps. */
typedef struct setup {
    slant_options o;
    slant_cv_options cvo;
    slant_curve_options co;
} setup;

static void setup_init(setup *s, uint32_t folds, size_t steps)
{
    slant_options_init(&s->o);
    s->o.model = SLANT_MODEL_KIND_NB;
    s->o.threads = 1;
    s->o.seed = 5;
    slant_cv_options_init(&s->cvo);
    s->cvo.folds = folds;
    s->cvo.keep_duplicates = 1;
    slant_curve_options_init(&s->co);
    s->co.steps = steps;
}

/* The curve S describes, which must succeed. */
static slant_curve *curve_of(const slant_corpus *c, const setup *s, slant_cv_info *info)
{
    slant_error err = {{0}};
    slant_curve *lc = NULL;
    if (slant_learning_curve(c, &s->o, &s->cvo, &s->co, &lc, info, &err))
        fail_msg("%s", err.message);
    return lc;
}

/* At the last step, 100 %, every count of every head is cross-validation's
 * with the same options and seed, and so are its figures, to the bit. */
static void test_last_step_is_cv(void **state)
{
    (void)state;
    slant_corpus *c = make_corpus(160, 9, 0);
    setup su;
    setup_init(&su, 4, 4);
    slant_curve *lc = curve_of(c, &su, NULL);
    slant_error err = {{0}};
    slant_eval *ev = NULL;
    assert_int_equal(slant_cross_validate_with(c, &su.o, &su.cvo, &ev, NULL, NULL, &err),
                     SLANT_STATUS_OK);
    const slant_eval *last = slant_curve_eval(lc);
    assert_int_equal(slant_curve_steps(lc), 4);
    assert_true(slant_curve_fraction(lc, 3) == 1.0);
    assert_int_equal(slant_eval_heads(last), slant_eval_heads(ev));
    for (size_t h = 0; h < slant_eval_heads(ev); h++) {
        size_t k = slant_eval_classes(ev, h);
        assert_int_equal(slant_eval_classes(last, h), k);
        for (size_t g = 0; g < k; g++) {
            assert_string_equal(slant_eval_class_name(last, h, g),
                                slant_eval_class_name(ev, h, g));
            for (size_t p = 0; p < k; p++)
                assert_true(slant_eval_count(last, h, g, p) == slant_eval_count(ev, h, g, p));
        }
        slant_curve_point pt;
        assert_int_equal(slant_curve_get(lc, 3, h, &pt), 0);
        assert_true(pt.macro_f1 == slant_eval_macro_f1(ev, h));
        assert_true(pt.accuracy == slant_eval_accuracy(ev, h));
        assert_int_equal(pt.folds_scored, 4);
        assert_true(pt.fold_f1.min <= pt.fold_f1.mean && pt.fold_f1.mean <= pt.fold_f1.max);
        /* the training documents grow with the share */
        for (size_t s = 1; s < 4; s++)
            assert_true(slant_curve_train_docs(lc, s) > slant_curve_train_docs(lc, s - 1));
    }
    /* 160 documents in 4 folds: each trains on 120 at 100 %. */
    assert_true(slant_curve_train_docs(lc, 3) == 120);
    assert_int_equal(slant_curve_get(lc, 4, 0, &(slant_curve_point){0}), -1);
    slant_eval_free(ev);
    slant_curve_free(lc);
    slant_corpus_free(c);
}

/* The shares of one fold's training side are nested, ceil(f * n) in
 * size, in corpus order, and the smallest holds every class of both
 * heads (there are fewer combinations of labels than documents in it). */
static void test_shares_nested_and_stratified(void **state)
{
    (void)state;
    size_t n = 200;
    slant_corpus *c = make_corpus(n, 25, 0); /* 8 documents of topic z */
    size_t *combo_of = malloc(n * sizeof *combo_of);
    size_t *train = malloc(n * sizeof *train), *prev = malloc(n * sizeof *prev);
    assert_non_null(combo_of);
    assert_non_null(train);
    assert_non_null(prev);
    assert_true(slant_cv_label_combos(c, combo_of) <= 16); /* fewer than the 16 at 10 % */
    size_t side = 0;
    for (size_t d = 0; d < n; d++)
        if (d % 5 != 2) /* fold 2 of 5 held out */
            train[side++] = d;
    size_t n_prev = 0;
    for (int step = 1; step <= 10; step++) {
        size_t t[MAX_DOCS];
        memcpy(t, train, side * sizeof *t);
        size_t m = slant_curve_subset(combo_of, n, 77, 2, step / 10.0, t, side);
        assert_int_equal(m, (size_t)ceil(step / 10.0 * side - 1e-9));
        for (size_t i = 1; i < m; i++)
            assert_true(t[i - 1] < t[i]); /* corpus order */
        for (size_t i = 0, j = 0; i < n_prev; i++) { /* the last share inside this one */
            while (j < m && t[j] < prev[i])
                j++;
            if (j == m || t[j] != prev[i])
                fail_msg("step %d lacks document %zu of the step before", step, prev[i]);
        }
        if (step == 1) {
            int seen[2][3] = {{0}};
            for (size_t i = 0; i < m; i++) {
                const char *tp = slant_corpus_label(c, t[i], 0), *tn = slant_corpus_label(c, t[i], 1);
                seen[0][tp[0] - 'x'] = 1;
                seen[1][tn[0] - 'p'] = 1;
            }
            assert_true(seen[0][0] && seen[0][1] && seen[0][2]);
            assert_true(seen[1][0] && seen[1][1]);
        }
        if (step == 10)
            assert_memory_equal(t, train, side * sizeof *t); /* all, untouched */
        memcpy(prev, t, m * sizeof *t);
        n_prev = m;
    }
    /* Another seed, another order (with 160 documents it differs). */
    size_t a[MAX_DOCS], b[MAX_DOCS];
    memcpy(a, train, side * sizeof *a);
    memcpy(b, train, side * sizeof *b);
    size_t ma = slant_curve_subset(combo_of, n, 77, 2, 0.5, a, side);
    size_t mb = slant_curve_subset(combo_of, n, 78, 2, 0.5, b, side);
    assert_int_equal(ma, mb);
    assert_true(memcmp(a, b, ma * sizeof *a) != 0);
    free(prev);
    free(train);
    free(combo_of);
    slant_corpus_free(c);
}

static void assert_same_curve(const slant_curve *a, const slant_curve *b)
{
    assert_int_equal(slant_curve_steps(a), slant_curve_steps(b));
    assert_int_equal(slant_curve_heads(a), slant_curve_heads(b));
    for (size_t s = 0; s < slant_curve_steps(a); s++) {
        assert_true(slant_curve_train_docs(a, s) == slant_curve_train_docs(b, s));
        for (size_t h = 0; h < slant_curve_heads(a); h++) {
            slant_curve_point pa, pb;
            slant_curve_get(a, s, h, &pa);
            slant_curve_get(b, s, h, &pb);
            assert_memory_equal(&pa, &pb, sizeof pa); /* NaNs included, bit for bit */
            for (uint32_t k = 0; k < slant_curve_folds(a); k++) {
                double fa = slant_curve_fold_f1(a, s, h, k), fb = slant_curve_fold_f1(b, s, h, k);
                assert_memory_equal(&fa, &fb, sizeof fa);
            }
        }
    }
}

/* One thread or two, logistic regression: the same curve to the bit. */
static void test_same_at_any_thread_count(void **state)
{
    (void)state;
    slant_corpus *c = make_corpus(150, 0, 0);
    setup su;
    setup_init(&su, 3, 0);
    double fr[3] = {0.2, 0.5, 1};
    su.co.fractions = fr;
    su.co.n_fractions = 3;
    su.o.model = SLANT_MODEL_KIND_LR;
    slant_curve *lc[2];
    for (uint32_t t = 1; t <= 2; t++) {
        su.o.threads = t;
        lc[t - 1] = curve_of(c, &su, NULL);
    }
    assert_true(slant_curve_fraction(lc[0], 1) == 0.5);
    assert_same_curve(lc[0], lc[1]);
    slant_curve_free(lc[0]);
    slant_curve_free(lc[1]);
    slant_corpus_free(c);
}

/* Grouped: the curve's split is cross-validation's, each group in one
 * fold; too few groups for the folds is cross-validation's error. */
static void test_grouped_folds(void **state)
{
    (void)state;
    size_t n = 180;
    slant_corpus *c = make_corpus(n, 0, 12);
    setup su;
    setup_init(&su, 4, 2);
    su.cvo.by_group = 1;
    slant_cv_info info;
    slant_curve *lc = curve_of(c, &su, &info);
    assert_int_equal(info.groups, 12);
    const uint32_t *fold_of = slant_curve_split(lc);
    uint32_t want[MAX_DOCS];
    slant_error err = {{0}};
    assert_int_equal(slant_cv_split(c, &su.cvo, su.o.seed, 1, want, NULL, &err),
                     SLANT_STATUS_OK);
    assert_memory_equal(fold_of, want, n * sizeof *want);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (!strcmp(slant_corpus_group(c, i), slant_corpus_group(c, j)))
                assert_int_equal(fold_of[i], fold_of[j]);
    slant_curve_free(lc);

    su.cvo.folds = 13;
    lc = (slant_curve *)&err; /* cleared on failure */
    assert_int_equal(slant_learning_curve(c, &su.o, &su.cvo, &su.co, &lc, NULL, &err),
                     SLANT_STATUS_BAD_OPTION);
    assert_null(lc);
    assert_non_null(strstr(err.message, "13 folds need at least 13 groups"));
    slant_corpus_free(c);
}

/* The trend rule on made-up curves of 4 folds at 10 %, ..., 100 %. */
static void test_trend_rule(void **state)
{
    (void)state;
    double fr[10], f1[10 * 4];
    for (int s = 0; s < 10; s++)
        fr[s] = (s + 1) / 10.0;
    slant_curve_gain g;
    /* Climbing: +0.05 from 50 % to 100 % in every fold, give or take 0.005. */
    for (int s = 0; s < 10; s++)
        for (int k = 0; k < 4; k++)
            f1[s * 4 + k] = 0.5 + 0.1 * fr[s] + 0.005 * (k % 2) * (s == 9);
    assert_int_equal(slant_curve_trend_of(10, fr, 4, f1, &g), SLANT_CURVE_CLIMBING);
    assert_true(fabs(g.gain - 0.0525) < 1e-12);
    assert_true(g.se > 0 && g.se < 0.005);
    assert_int_equal(g.from, 4); /* 50 %, half of the last share */
    assert_int_equal(g.to, 9);
    assert_int_equal(g.folds, 4);
    /* Flat: the same figure at every step, a little noise. */
    for (int s = 0; s < 10; s++)
        for (int k = 0; k < 4; k++)
            f1[s * 4 + k] = 0.7 + 0.001 * ((s + k) % 3);
    assert_int_equal(slant_curve_trend_of(10, fr, 4, f1, &g), SLANT_CURVE_FLAT);
    assert_true(fabs(g.gain) < 0.002);
    /* A gain of 0.05 on average, but the folds disagree wildly: not
     * beyond their noise, so unclear (neither climbing nor flat). */
    for (int s = 0; s < 10; s++)
        for (int k = 0; k < 4; k++)
            f1[s * 4 + k] = 0.6 + (s == 9 ? (k % 2 ? 0.25 : -0.15) : 0);
    assert_int_equal(slant_curve_trend_of(10, fr, 4, f1, &g), SLANT_CURVE_UNCLEAR);
    assert_true(fabs(g.gain - 0.05) < 1e-12 && g.se >= g.gain);
    /* Under a point and within the folds' noise: flat. */
    for (int s = 0; s < 10; s++)
        for (int k = 0; k < 4; k++)
            f1[s * 4 + k] = 0.6 + (s == 9 ? (k % 2 ? 0.03 : -0.02) : 0);
    assert_int_equal(slant_curve_trend_of(10, fr, 4, f1, &g), SLANT_CURVE_FLAT);
    assert_true(g.gain > 0.002 && g.gain < 0.01 && g.se >= g.gain);
    /* Flattening: +0.005, clearly beyond the noise but under a point. */
    for (int s = 0; s < 10; s++)
        for (int k = 0; k < 4; k++)
            f1[s * 4 + k] = 0.8 + (s == 9 ? 0.005 + 0.0001 * k : 0);
    assert_int_equal(slant_curve_trend_of(10, fr, 4, f1, NULL), SLANT_CURVE_FLATTENING);
    /* A fold not scored at both steps is left out; none at all: unknown. */
    f1[9 * 4 + 0] = NAN;
    assert_int_equal(slant_curve_trend_of(10, fr, 4, f1, NULL), SLANT_CURVE_FLATTENING);
    for (int k = 0; k < 4; k++)
        f1[4 * 4 + k] = NAN; /* 50 %, the step compared with */
    assert_int_equal(slant_curve_trend_of(10, fr, 4, f1, &g), SLANT_CURVE_UNKNOWN);
    assert_true(isnan(g.gain));
    assert_int_equal(g.folds, 0);
    assert_int_equal(slant_curve_trend_of(1, fr, 4, f1, NULL), SLANT_CURVE_UNKNOWN);
    assert_string_equal(slant_curve_trend_name(SLANT_CURVE_CLIMBING), "climbing");
    assert_string_equal(slant_curve_trend_name(SLANT_CURVE_UNKNOWN), "unknown");
    assert_string_equal(slant_curve_trend_name(SLANT_CURVE_UNCLEAR), "unclear");
}

/* Bad shares are refused before anything is trained. */
static void test_bad_options(void **state)
{
    (void)state;
    slant_error err = {{0}};
    slant_curve_options co;
    slant_curve_options_init(&co);
    assert_int_equal(slant_curve_options_check(&co, &err), SLANT_STATUS_OK);
    double up_down[3] = {0.2, 0.6, 0.4}, zero[2] = {0, 1}, over[1] = {1.5}, nan_[1] = {NAN};
    const double *bad[4] = {up_down, zero, over, nan_};
    size_t len[4] = {3, 2, 1, 1};
    for (int i = 0; i < 4; i++) {
        co.fractions = bad[i];
        co.n_fractions = len[i];
        assert_int_equal(slant_curve_options_check(&co, &err), SLANT_STATUS_BAD_OPTION);
    }
    assert_non_null(strstr(err.message, "share 1"));
    co.fractions = NULL;
    co.steps = SLANT_CURVE_MAX_STEPS + 1;
    assert_int_equal(slant_curve_options_check(&co, &err), SLANT_STATUS_BAD_OPTION);

    slant_corpus *c = make_corpus(20, 0, 0);
    setup su;
    setup_init(&su, 30, 0);
    slant_curve *lc = NULL;
    assert_int_equal(slant_learning_curve(c, &su.o, &su.cvo, NULL, &lc, NULL, &err),
                     SLANT_STATUS_BAD_OPTION);
    assert_null(lc);
    assert_non_null(strstr(err.message, "30 folds need at least 30 documents"));
    su.co.fractions = up_down;
    su.co.n_fractions = 3;
    su.cvo.folds = 2;
    assert_int_equal(slant_learning_curve(c, &su.o, &su.cvo, &su.co, &lc, NULL, &err),
                     SLANT_STATUS_BAD_OPTION);
    slant_corpus_free(c);
    slant_curve_free(NULL);
}

/* The report view borrows the curve's figures: pooled, mean and spread. */
static void test_report_view(void **state)
{
    (void)state;
    slant_corpus *c = make_corpus(90, 0, 0);
    setup su;
    setup_init(&su, 3, 3);
    slant_curve *lc = curve_of(c, &su, NULL);
    slant_report_curve rc;
    slant_curve_report(lc, &rc);
    assert_int_equal(rc.steps, 3);
    assert_int_equal(rc.folds, 3);
    assert_int_equal(rc.n_heads, 2);
    assert_string_equal(rc.heads[1].name, "tone");
    for (size_t s = 0; s < 3; s++) {
        slant_curve_point p;
        slant_curve_get(lc, s, 1, &p);
        assert_true(rc.fractions[s] == slant_curve_fraction(lc, s));
        assert_true(rc.train_docs[s] == slant_curve_train_docs(lc, s));
        assert_true(rc.heads[1].pooled[s] == p.macro_f1);
        assert_true(rc.heads[1].mean[s] == p.fold_f1.mean);
        assert_true(rc.heads[1].sd[s] == p.fold_f1.sd);
        assert_true(rc.heads[1].min[s] == p.fold_f1.min);
        assert_true(rc.heads[1].max[s] == p.fold_f1.max);
    }
    slant_curve_report(NULL, &rc);
    assert_int_equal(rc.steps, 0);
    slant_curve_free(lc);
    slant_corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_last_step_is_cv),
        cmocka_unit_test(test_shares_nested_and_stratified),
        cmocka_unit_test(test_same_at_any_thread_count),
        cmocka_unit_test(test_grouped_folds),
        cmocka_unit_test(test_trend_rule),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_report_view),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
