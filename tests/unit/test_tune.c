/*
 * test_tune.c: settings chosen by inner cross-validation.  The search
 * finds the change a corpus needs, scores by groups when told to, plans a
 * small budget as a share of every group, repeats itself bit for bit,
 * records its choice in the model, and runs inside each fold of a nested
 * cross-validation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rng.h"
#include "slant.h"

#define MAX_DOCS 1000

static char text_buf[MAX_DOCS][200];
static char group_buf[MAX_DOCS][16];

/* N documents, head "a": label i is LABEL[i], group GROUP[i] (-1: none
 * at all, no group column). */
static slant_corpus *make_corpus(size_t n, const char *const *label, const int *group)
{
    const char *texts[MAX_DOCS], *groups[MAX_DOCS], *heads[1] = {"a"};
    for (size_t i = 0; i < n; i++)
        texts[i] = text_buf[i];
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_from_memory(n, texts, 1, heads, label, &c, &err),
                     SLANT_STATUS_OK);
    if (group) {
        for (size_t i = 0; i < n; i++) {
            snprintf(group_buf[i], sizeof group_buf[i], "g%d", group[i]);
            groups[i] = group_buf[i];
        }
        assert_int_equal(slant_corpus_set_groups(c, "outlet", groups, &err), SLANT_STATUS_OK);
    }
    return c;
}

/* Only the punctuation tells the label: started with --punct off, the
 * search turns punctuation tokens back on. */
static void test_finds_what_the_corpus_needs(void **state)
{
    (void)state;
    enum { N = 240 };
    const char *label[N];
    rng_state = 3;
    for (size_t i = 0; i < N; i++) {
        label[i] = i % 2 ? "ask" : "tell";
        int at = 0;
        for (int w = 0; w < 8; w++)
            at += snprintf(text_buf[i] + at, sizeof text_buf[i] - (size_t)at, "w%d ",
                           (int)(uniform01() * 40));
        snprintf(text_buf[i] + at, sizeof text_buf[i] - (size_t)at, "%s", i % 2 ? "?" : "!");
    }
    slant_corpus *c = make_corpus(N, label, NULL);
    slant_options o, best;
    slant_options_init(&o);
    o.punct = 0;
    o.threads = 1;
    slant_tune_options to;
    slant_tune_options_init(&to);
    slant_tune_report *r = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_tune(c, &o, &to, &best, &r, &err), SLANT_STATUS_OK);
    assert_int_equal(best.punct, 1);
    size_t b = slant_tune_best(r);
    assert_true(b > 0); /* not the options given */
    assert_true(slant_tune_trials(r) >= 6);
    assert_true(slant_tune_trial_score(r, b) > 0.95);
    assert_true(slant_tune_trial_score(r, 0) < 0.7); /* punctuation off: chance */
    assert_non_null(strstr(slant_tune_trial_settings(r, b), "--punct on"));
    for (size_t t = 0; t < slant_tune_trials(r); t++)
        assert_true(slant_tune_trial_score(r, t) <= slant_tune_trial_score(r, b));
    assert_int_equal(slant_tune_documents(r), N);
    slant_tune_report_free(r);
    slant_corpus_free(c);
}

/* Each outlet's own word gives its label away.  Inner folds that share
 * outlets reward it; grouped ones score chance. */
static void test_grouped_inner_folds(void **state)
{
    (void)state;
    enum { N = 240, OUTLETS = 12 };
    const char *label[N];
    int group[N];
    rng_state = 9;
    for (size_t i = 0; i < N; i++) {
        group[i] = (int)(i % OUTLETS);
        label[i] = group[i] % 2 ? "left" : "right";
        int at = snprintf(text_buf[i], sizeof text_buf[i], "byoutlet%d", group[i]);
        for (int w = 0; w < 10; w++)
            at += snprintf(text_buf[i] + at, sizeof text_buf[i] - (size_t)at, " w%d",
                           (int)(uniform01() * 30));
    }
    slant_corpus *c = make_corpus(N, label, group);
    slant_options o, best;
    slant_options_init(&o);
    o.threads = 1;
    slant_tune_options to;
    slant_tune_options_init(&to);
    slant_tune_report *r = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_tune(c, &o, &to, &best, &r, &err), SLANT_STATUS_OK);
    assert_true(slant_tune_trial_score(r, slant_tune_best(r)) > 0.9);
    slant_tune_report_free(r);
    to.by_group = 1;
    assert_int_equal(slant_tune(c, &o, &to, &best, &r, &err), SLANT_STATUS_OK);
    assert_true(slant_tune_trial_score(r, slant_tune_best(r)) < 0.75);
    slant_tune_report_free(r);
    slant_corpus_free(c);
}

/* A budget far too small for the corpus: the inner folds read the same
 * share of every group, at least 400 documents, the same for the same
 * seed. */
static void test_small_budget_samples_groups(void **state)
{
    (void)state;
    enum { N = 1000 };
    const char *label[N];
    int group[N];
    for (size_t i = 0; i < N; i++) {
        group[i] = (int)(i / 20); /* 50 groups of 20 */
        label[i] = i % 3 ? "x" : "y";
        snprintf(text_buf[i], sizeof text_buf[i], "w%zu common %s", i % 17, label[i]);
    }
    slant_corpus *c = make_corpus(N, label, group);
    slant_options o, best, again;
    slant_options_init(&o);
    o.threads = 1;
    slant_tune_options to;
    slant_tune_options_init(&to);
    to.budget = 1e-6;
    to.by_group = 1;
    to.keep_duplicates = 1; /* 17 distinct texts: near-duplicates would join every group */
    slant_tune_report *r = NULL, *r2 = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_tune(c, &o, &to, &best, &r, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_tune_documents(r), 400); /* 8 of each group's 20 */
    assert_int_equal(slant_tune(c, &o, &to, &again, &r2, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_tune_trials(r), slant_tune_trials(r2));
    for (size_t t = 0; t < slant_tune_trials(r); t++) {
        assert_string_equal(slant_tune_trial_settings(r, t), slant_tune_trial_settings(r2, t));
        assert_true(slant_tune_trial_score(r, t) == slant_tune_trial_score(r2, t));
    }
    slant_tune_report_free(r);
    slant_tune_report_free(r2);
    to.budget = 1e6; /* all of it */
    assert_int_equal(slant_tune(c, &o, &to, &best, &r, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_tune_documents(r), N);
    slant_tune_report_free(r);
    slant_corpus_free(c);
}

/* The tuned model records its choice, and is the same bytes at one and
 * at two threads. */
static void test_tuned_model(void **state)
{
    (void)state;
    enum { N = 200 };
    const char *label[N];
    rng_state = 5;
    for (size_t i = 0; i < N; i++) {
        label[i] = i % 4 ? "common" : "rare";
        snprintf(text_buf[i], sizeof text_buf[i], "w%d w%d %s", (int)(uniform01() * 20),
                 (int)(uniform01() * 20), i % 4 ? "alpha" : uniform01() < 0.7 ? "beta" : "alpha");
    }
    slant_corpus *c = make_corpus(N, label, NULL);
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    char dir[] = "/tmp/slant_tune_XXXXXX", p1[64], p2[64];
    assert_non_null(mkdtemp(dir));
    snprintf(p1, sizeof p1, "%s/one.slant", dir);
    snprintf(p2, sizeof p2, "%s/two.slant", dir);
    slant_options o;
    slant_options_init(&o);
    slant_tune_options to;
    slant_tune_options_init(&to);
    slant_error err = {{0}};
    for (uint32_t threads = 1; threads <= 2; threads++) {
        o.threads = threads;
        slant_model *m = NULL;
        slant_tune_report *r = NULL;
        assert_int_equal(slant_train_tuned(c, &o, &to, &m, &r, &err), SLANT_STATUS_OK);
        const char *prov = slant_model_provenance(m);
        char want[256];
        snprintf(want, sizeof want, "tune_choice=%s\n",
                 slant_tune_trial_settings(r, slant_tune_best(r)));
        assert_non_null(strstr(prov, want));
        assert_non_null(strstr(prov, "tune_inner_macro_f1="));
        assert_non_null(strstr(prov, "tune_inner=5-fold, near-duplicates kept together, 200 of "
                                     "200 documents"));
        assert_int_equal(slant_model_save(m, threads == 1 ? p1 : p2, &err), SLANT_STATUS_OK);
        slant_model_free(m);
        slant_tune_report_free(r);
    }
    FILE *a = fopen(p1, "rb"), *b = fopen(p2, "rb");
    assert_non_null(a);
    assert_non_null(b);
    int ca, cb;
    do {
        ca = fgetc(a);
        cb = fgetc(b);
        assert_int_equal(ca, cb);
    } while (ca != EOF);
    fclose(a);
    fclose(b);
    unlink(p1);
    unlink(p2);
    rmdir(dir);
    unsetenv("SOURCE_DATE_EPOCH");
    slant_corpus_free(c);
}

/* Nested: each fold tunes on its own training side; every document is
 * scored once. */
static void test_nested_cv(void **state)
{
    (void)state;
    enum { N = 120 };
    const char *label[N];
    int group[N];
    for (size_t i = 0; i < N; i++) {
        group[i] = (int)(i % 10);
        label[i] = i % 2 ? "ask" : "tell";
        snprintf(text_buf[i], sizeof text_buf[i], "w%zu w%zu %s", i % 7, i % 5,
                 i % 2 ? "?" : "!");
    }
    slant_corpus *c = make_corpus(N, label, group);
    slant_options o;
    slant_options_init(&o);
    o.threads = 1;
    slant_tune_options to;
    slant_tune_options_init(&to);
    to.by_group = 1;
    slant_cv_options cvo;
    slant_cv_options_init(&cvo);
    cvo.folds = 5;
    cvo.by_group = 1;
    cvo.tune = &to;
    slant_eval *ev = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_cross_validate_with(c, &o, &cvo, &ev, NULL, NULL, &err),
                     SLANT_STATUS_OK);
    assert_int_equal(slant_eval_documents(ev), N);
    assert_true(slant_eval_accuracy(ev, 0) > 0.95);
    slant_eval_free(ev);
    slant_corpus_free(c);
}

static void test_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < 20; i++)
        snprintf(text_buf[i], sizeof text_buf[i], "w%zu", i % 3);
    const char *label[20];
    for (size_t i = 0; i < 20; i++)
        label[i] = i % 2 ? "x" : "y";
    slant_corpus *c = make_corpus(20, label, NULL);
    slant_options o, best;
    slant_options_init(&o);
    slant_tune_options to;
    slant_tune_options_init(&to);
    slant_error err = {{0}};
    to.budget = -1;
    assert_int_equal(slant_tune(c, &o, &to, &best, NULL, &err), SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "--budget"));
    to.budget = 0;
    to.folds = 1;
    assert_int_equal(slant_tune(c, &o, &to, &best, NULL, &err), SLANT_STATUS_BAD_OPTION);
    to.folds = 0;
    o.model = SLANT_MODEL_KIND_SVM;
    assert_int_equal(slant_tune(c, &o, &to, &best, NULL, &err), SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "svm"));
    o.model = SLANT_MODEL_KIND_LR;
    to.by_group = 1; /* no groups */
    assert_int_equal(slant_tune(c, &o, &to, &best, NULL, &err), SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "group column"));
    slant_corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_finds_what_the_corpus_needs),
        cmocka_unit_test(test_grouped_inner_folds),
        cmocka_unit_test(test_small_budget_samples_groups),
        cmocka_unit_test(test_tuned_model),
        cmocka_unit_test(test_nested_cv),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
