/*
 * test_progress.c: the progress callback (slant_set_progress) and the
 * stages behind it (common/progress.c): each long call reports 0 first
 * and its total last, never going back; only the outermost stage reports
 * (cv's folds, not each fold's training); steps are thinned out by time;
 * a failed stage has no last report; and a callback changes no result.
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

#include "common.h"
#include "slant.h"

#define MAX_CALLS 4096

static struct call {
    char stage[16], unit[16];
    uint64_t done, total;
} calls[MAX_CALLS];
static size_t n_calls;

static void record(const char *stage, const char *unit, uint64_t done, uint64_t total,
                   void *user)
{
    assert_ptr_equal(user, &n_calls);
    if (n_calls < MAX_CALLS) {
        struct call *c = &calls[n_calls];
        snprintf(c->stage, sizeof c->stage, "%s", stage);
        snprintf(c->unit, sizeof c->unit, "%s", unit);
        c->done = done;
        c->total = total;
    }
    n_calls++;
}

static void start(void)
{
    n_calls = 0;
    slant_set_progress(record, &n_calls);
}

/* Every call of STAGE in UNIT, first 0, last TOTAL, never back. */
static void assert_stage(const char *stage, const char *unit, uint64_t total)
{
    assert_true(n_calls >= 2 && n_calls <= MAX_CALLS);
    for (size_t i = 0; i < n_calls; i++) {
        assert_string_equal(calls[i].stage, stage);
        assert_string_equal(calls[i].unit, unit);
        assert_int_equal(calls[i].total, total);
        assert_true(calls[i].done <= total);
        if (i)
            assert_true(calls[i].done >= calls[i - 1].done);
    }
    assert_int_equal(calls[0].done, 0);
    assert_int_equal(calls[n_calls - 1].done, total);
    assert_true(n_calls == 1 || calls[n_calls - 2].done < total); /* the end said once */
}

static slant_corpus *corpus(size_t n)
{
    static char text[64][64];
    const char *texts[64], *labels[64];
    const char *heads[1] = {"topic"};
    for (size_t i = 0; i < n; i++) {
        const char *l = i % 2 ? "sport" : "news";
        snprintf(text[i], sizeof text[i], "%s words%zu common %s", l, i % 5, i % 3 ? l : "");
        texts[i] = text[i];
        labels[i] = l;
    }
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_from_memory(n, texts, 1, heads, labels, &c, &err),
                     SLANT_STATUS_OK);
    return c;
}

static void test_cv_reports_its_folds(void **state)
{
    (void)state;
    slant_corpus *c = corpus(40);
    slant_options o;
    slant_options_init(&o);
    o.min_count = 1;
    slant_cv_options cvo;
    slant_cv_options_init(&cvo);
    cvo.folds = 4;
    slant_eval *ev = NULL;
    slant_error err = {{0}};
    start();
    assert_int_equal(slant_cross_validate_with(c, &o, &cvo, &ev, NULL, NULL, &err),
                     SLANT_STATUS_OK);
    slant_set_progress(NULL, NULL);
    assert_stage("cv", "folds", 4); /* no "train": a fold's training is nested */
    slant_eval_free(ev);
    slant_corpus_free(c);
}

static void test_train_reports_its_steps(void **state)
{
    (void)state;
    slant_corpus *c = corpus(30);
    slant_options o;
    slant_options_init(&o);
    o.min_count = 1;
    slant_model *m = NULL;
    slant_error err = {{0}};
    start();
    assert_int_equal(slant_train(c, &o, &m, &err), SLANT_STATUS_OK);
    slant_set_progress(NULL, NULL);
    assert_stage("train", "steps", 3); /* the features, the one head, calibration (auto) */
    slant_model_free(m);
    o.calibrate = SLANT_CALIBRATION_NONE;
    start();
    assert_int_equal(slant_train(c, &o, &m, &err), SLANT_STATUS_OK);
    slant_set_progress(NULL, NULL);
    assert_stage("train", "steps", 2);
    slant_model_free(m);
    slant_corpus_free(c);
}

static void test_audit_reports_its_folds(void **state)
{
    (void)state;
    slant_corpus *c = corpus(40);
    slant_options o;
    slant_options_init(&o);
    o.min_count = 1;
    slant_cv_options cvo;
    slant_cv_options_init(&cvo);
    cvo.folds = 5;
    slant_audit_result *r = NULL;
    slant_error err = {{0}};
    start();
    assert_int_equal(slant_audit(c, &o, &cvo, NULL, &r, &err), SLANT_STATUS_OK);
    slant_set_progress(NULL, NULL);
    assert_stage("audit", "folds", 5);
    slant_audit_result_free(r);
    slant_corpus_free(c);
}

/* Saves M to a temporary file and returns its bytes (*size: how many). */
static unsigned char *model_bytes(const slant_model *m, size_t *size)
{
    char path[] = "/tmp/test_progress_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    slant_error err = {{0}};
    assert_int_equal(slant_model_save(m, path, &err), SLANT_STATUS_OK);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *size = fread(buf, 1, 1 << 20, f);
    fclose(f);
    unlink(path);
    return buf;
}

/* The same model bytes with and without a callback, tuned or not. */
static void test_progress_changes_nothing(void **state)
{
    (void)state;
    slant_corpus *c = corpus(40);
    slant_options o;
    slant_options_init(&o);
    o.min_count = 1;
    slant_tune_options to;
    slant_tune_options_init(&to);
    unsigned char *b[2];
    size_t size[2];
    for (int with = 0; with < 2; with++) {
        slant_model *m = NULL;
        slant_error err = {{0}};
        if (with)
            start();
        assert_int_equal(slant_train_tuned(c, &o, &to, &m, NULL, &err), SLANT_STATUS_OK);
        slant_set_progress(NULL, NULL);
        b[with] = model_bytes(m, &size[with]);
        slant_model_free(m);
    }
    assert_int_equal(size[0], size[1]);
    assert_memory_equal(b[0], b[1], size[0]);
    /* The search's trials, then the training of the winner. */
    size_t tune = 0, train = 0;
    for (size_t i = 0; i < n_calls; i++) {
        tune += strcmp(calls[i].stage, "tune") == 0;
        train += strcmp(calls[i].stage, "train") == 0;
        assert_true(tune + train == i + 1);
        assert_true(strcmp(calls[i].stage, "tune") != 0 || train == 0);
    }
    assert_true(tune >= 2 && train >= 2);
    free(b[0]);
    free(b[1]);
    slant_corpus_free(c);
}

/* A million steps in a tight loop make a few calls; a stage inside
 * another says nothing; a failed one has no last report. */
static void test_stages_thinned_nested_failed(void **state)
{
    (void)state;
    slant_stage outer, inner;
    start();
    slant_stage_begin(&outer, "outer", "items", 1000000);
    slant_stage_begin(&inner, "inner", "items", 3);
    slant_stage_step(&inner, 1);
    slant_stage_end(&inner, 1);
    for (uint64_t i = 1; i < 1000000; i++)
        slant_stage_step(&outer, i);
    slant_stage_end(&outer, 1);
    assert_true(n_calls < 200);
    assert_stage("outer", "items", 1000000);

    start();
    slant_stage_begin(&outer, "failing", "items", 10);
    slant_stage_step(&outer, 1);
    slant_stage_end(&outer, 0);
    assert_true(n_calls >= 1);
    for (size_t i = 0; i < n_calls; i++)
        assert_true(calls[i].done < 10);

    /* Without a callback nothing is called, and the nesting still counts:
     * a stage begun next is outermost again. */
    slant_set_progress(NULL, NULL);
    n_calls = 0;
    slant_stage_begin(&outer, "quiet", "items", 2);
    slant_stage_step(&outer, 1);
    slant_stage_end(&outer, 1);
    assert_int_equal(n_calls, 0);
    start();
    slant_stage_begin(&outer, "again", "items", 2);
    slant_stage_end(&outer, 1);
    slant_set_progress(NULL, NULL);
    assert_stage("again", "items", 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cv_reports_its_folds),
        cmocka_unit_test(test_train_reports_its_steps),
        cmocka_unit_test(test_audit_reports_its_folds),
        cmocka_unit_test(test_progress_changes_nothing),
        cmocka_unit_test(test_stages_thinned_nested_failed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
