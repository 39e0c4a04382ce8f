/*
 * test_options.c: the one rule for options that mean nothing for the
 * chosen model (refused, whatever their value), presets, the defaults the
 * models fill in, and the SOURCE_DATE_EPOCH a model records.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "slant.h"
#include "train.h"

static slant_options with_model(slant_model_kind kind)
{
    slant_options o;
    slant_options_init(&o);
    o.model = kind;
    return o;
}

/* The message of slant_options_check on O, or "" when it passes. */
static const char *check(const slant_options *o)
{
    static slant_error err;
    memset(&err, 0, sizeof err);
    slant_status st = slant_options_check(o, &err);
    assert_true(st == SLANT_STATUS_OK || st == SLANT_STATUS_BAD_OPTION);
    return st ? err.message : "";
}

static const char *check_given(const slant_options *o, const char *name)
{
    static slant_error err;
    memset(&err, 0, sizeof err);
    slant_status st = slant_options_check_option(o, name, &err);
    assert_true(st == SLANT_STATUS_OK || st == SLANT_STATUS_BAD_OPTION);
    return st ? err.message : "";
}

static void test_refused_where_meaningless(void **state)
{
    (void)state;
    slant_options o = with_model(SLANT_MODEL_KIND_NB);
    assert_string_equal(check(&o), "");
    o.c = 3;
    assert_string_equal(check(&o), "--c is for --model lr, nbsvm or svm (naive Bayes has no C)");
    o = with_model(SLANT_MODEL_KIND_CNB);
    o.alpha = -1;
    assert_string_equal(check(&o), "--alpha auto is for --model nbsvm (nb and cnb take a "
                                   "number, 0.1 unless given)");
    o.alpha = 0.5;
    assert_string_equal(check(&o), "");
    o.max_iter = 5;
    assert_string_equal(check(&o), "--iterations is for --model lr or nbsvm");
    o = with_model(SLANT_MODEL_KIND_NB);
    o.tol = 0.1;
    assert_non_null(strstr(check(&o), "--tol is for --model lr, nbsvm or svm"));

    o = with_model(SLANT_MODEL_KIND_LR);
    o.alpha = 0.5;
    assert_non_null(strstr(check(&o), "--alpha is for --model nb, cnb or nbsvm"));
    o = with_model(SLANT_MODEL_KIND_SVM);
    o.alpha = -1;
    assert_non_null(strstr(check(&o), "--alpha is for --model nb, cnb or nbsvm"));
    o = with_model(SLANT_MODEL_KIND_SVM);
    o.max_iter = 10;
    assert_string_equal(check(&o), "--iterations is for --model lr or nbsvm");
    o = with_model(SLANT_MODEL_KIND_SVM);
    o.tol = 0.01;
    o.c = 2;
    assert_string_equal(check(&o), "");
    o.gamma = 0.5;
    assert_string_equal(check(&o), "--gamma is for --model svm --kernel rbf");
    o.kernel = SLANT_KERNEL_RBF;
    assert_string_equal(check(&o), "");

    o = with_model(SLANT_MODEL_KIND_LR);
    o.force = 1;
    assert_string_equal(check(&o), "--force is for --model svm");
    o = with_model(SLANT_MODEL_KIND_NBSVM);
    o.solver = SLANT_SOLVER_LBFGS;
    assert_string_equal(check(&o), "--solver is for --model lr");
    o = with_model(SLANT_MODEL_KIND_NBSVM);
    o.nb_scale = 1;
    assert_non_null(strstr(check(&o), "--nb-scale is for --model lr"));
    o = with_model(SLANT_MODEL_KIND_NBSVM);
    o.alpha = -1;
    o.beta = 0.5;
    o.c = 1;
    o.max_iter = 10;
    o.tol = 0.1;
    assert_string_equal(check(&o), "");
    o = with_model(SLANT_MODEL_KIND_LR);
    o.beta = 0.5;
    assert_string_equal(check(&o), "--beta is for --model nbsvm");
    o = with_model(SLANT_MODEL_KIND_LR);
    o.kernel = SLANT_KERNEL_RBF;
    assert_string_equal(check(&o), "--kernel is for --model svm");
}

/* An option given at its default value is held to the same rule. */
static void test_given_at_default(void **state)
{
    (void)state;
    slant_options nb = with_model(SLANT_MODEL_KIND_NB), lr = with_model(SLANT_MODEL_KIND_LR);
    slant_options svm = with_model(SLANT_MODEL_KIND_SVM);
    assert_string_equal(check_given(&nb, "solver"), "--solver is for --model lr");
    assert_string_equal(check_given(&lr, "kernel"), "--kernel is for --model svm");
    assert_string_equal(check_given(&svm, "gamma"), "--gamma is for --model svm --kernel rbf");
    assert_string_equal(check_given(&lr, "beta"), "--beta is for --model nbsvm");
    assert_string_equal(check_given(&nb, "nb-scale"),
                        "--nb-scale is for --model lr (nbsvm scales by its own ratios)");
    assert_non_null(strstr(check_given(&lr, "alpha"), "--alpha is for"));
    assert_string_equal(check_given(&lr, "solver"), "");
    assert_string_equal(check_given(&nb, "alpha"), "");
    assert_string_equal(check_given(&svm, "kernel"), "");
    assert_string_equal(check_given(&svm, "tol"), "");
    const char *common[] = {"model", "preset", "word-ngrams", "char-ngrams", "hash-bits",
                            "min-count", "weighting", "tfidf", "no-tfidf", "punct", "case",
                            "class-weight", "threads", "seed"};
    for (size_t i = 0; i < sizeof common / sizeof *common; i++)
        assert_string_equal(check_given(&nb, common[i]), "");
    assert_string_equal(check_given(&nb, "frob"), "no training option --frob");
}

/* What the models fill in passes the check, model by model: a model's
 * recorded options are options it would take. */
static void test_resolved_pass(void **state)
{
    (void)state;
    for (int k = SLANT_MODEL_KIND_NB; k <= SLANT_MODEL_KIND_SVM; k++)
        for (int lbfgs = 0; lbfgs < 2; lbfgs++) {
            if (lbfgs && k != SLANT_MODEL_KIND_LR)
                continue;
            slant_options o = with_model((slant_model_kind)k);
            o.solver = lbfgs ? SLANT_SOLVER_LBFGS : SLANT_SOLVER_DUAL;
            if (k == SLANT_MODEL_KIND_NBSVM)
                o.alpha = -1;
            slant_options_resolve(&o);
            assert_string_equal(check(&o), "");
        }
    slant_options o = with_model(SLANT_MODEL_KIND_NB);
    slant_options_resolve(&o);
    assert_true(o.alpha == 0.1 && o.c == 0 && o.max_iter == 0 && o.tol == 0);
    o = with_model(SLANT_MODEL_KIND_NBSVM);
    o.alpha = -1;
    slant_options_resolve(&o);
    assert_true(o.alpha == 0 && o.c == 0.1 && o.max_iter == 1000 && o.tol == 0.01);
    o = with_model(SLANT_MODEL_KIND_SVM);
    slant_options_resolve(&o);
    assert_true(o.alpha == 0 && o.c == 1 && o.max_iter == 0 && o.tol == 0.001);
    o = with_model(SLANT_MODEL_KIND_LR);
    o.solver = SLANT_SOLVER_LBFGS;
    slant_options_resolve(&o);
    assert_true(o.c == 10 && o.max_iter == 200 && o.tol == 1e-4);
}

static void test_presets(void **state)
{
    (void)state;
    assert_int_equal(slant_preset_parse("nbsvm"), SLANT_PRESET_NBSVM);
    assert_int_equal(slant_preset_parse("headlines"), SLANT_PRESET_HEADLINES);
    assert_int_equal(slant_preset_parse("fast"), -1);
    assert_string_equal(slant_preset_name(SLANT_PRESET_HEADLINES), "headlines");
    slant_options o;
    slant_options_init(&o);
    assert_int_equal(o.preset, SLANT_PRESET_NONE);
    slant_options_preset(&o, SLANT_PRESET_NBSVM);
    assert_int_equal(o.model, SLANT_MODEL_KIND_NBSVM);
    assert_int_equal(o.weighting, SLANT_WEIGHTING_BINARY);
    assert_int_equal(o.min_count, 1);
    assert_int_equal(o.preset, SLANT_PRESET_NBSVM);
    assert_string_equal(check(&o), "");
    slant_options_init(&o);
    slant_options_preset(&o, SLANT_PRESET_HEADLINES);
    assert_true(o.keep_case == 1 && o.class_weight == 1 && o.model == SLANT_MODEL_KIND_LR);
    o.preset = (slant_preset)7;
    assert_string_equal(check(&o), "unknown preset 7");
}

/* SOURCE_DATE_EPOCH: a plain whole number of seconds up to the end of
 * 9999, else refused naming the variable; unset or empty, today. */
static void test_source_date_epoch(void **state)
{
    (void)state;
    char date[32];
    slant_error err = {{0}};
    setenv("SOURCE_DATE_EPOCH", "1767225600", 1);
    assert_int_equal(slant_training_date(date, sizeof date, &err), SLANT_STATUS_OK);
    assert_string_equal(date, "2026-01-01");
    setenv("SOURCE_DATE_EPOCH", "0", 1);
    assert_int_equal(slant_training_date(date, sizeof date, &err), SLANT_STATUS_OK);
    assert_string_equal(date, "1970-01-01");
    setenv("SOURCE_DATE_EPOCH", "253402300799", 1);
    assert_int_equal(slant_training_date(date, sizeof date, &err), SLANT_STATUS_OK);
    assert_string_equal(date, "9999-12-31");
    const char *bad[] = {"253402300800", "99999999999999999", "99999999999999999999999999",
                         "-1", " 5", "5 ", "+5", "5x", "1e9", "0x10"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        setenv("SOURCE_DATE_EPOCH", bad[i], 1);
        memset(&err, 0, sizeof err);
        assert_int_equal(slant_training_date(date, sizeof date, &err), SLANT_STATUS_BAD_OPTION);
        assert_non_null(strstr(err.message, "SOURCE_DATE_EPOCH="));
        assert_non_null(strstr(err.message, bad[i]));
    }
    setenv("SOURCE_DATE_EPOCH", "", 1);
    assert_int_equal(slant_training_date(date, sizeof date, &err), SLANT_STATUS_OK);
    assert_int_equal(strlen(date), 10);
    unsetenv("SOURCE_DATE_EPOCH");
    assert_int_equal(slant_training_date(date, sizeof date, &err), SLANT_STATUS_OK);
    assert_true(strlen(date) == 10 && date[4] == '-' && date[7] == '-');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refused_where_meaningless),
        cmocka_unit_test(test_given_at_default),
        cmocka_unit_test(test_resolved_pass),
        cmocka_unit_test(test_presets),
        cmocka_unit_test(test_source_date_epoch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
