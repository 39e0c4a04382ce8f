/*
 * test_cv.c: cross-validation's folds, stratified on every head together,
 * and a fold whose training side has one class in a head: warned of, that
 * head left out of the fold's model and scoring, never an abort.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slant.h"
#include "train.h"

#define MAX_DOCS 200

/* A corpus of N documents with heads "a" and "b"; A[i] and B[i] are the
 * labels ("" for a missing one), the texts carry the label of "a". */
static slant_corpus *corpus_of(size_t n, const char *const *a, const char *const *b)
{
    static char text[MAX_DOCS][64];
    const char *texts[MAX_DOCS], *labels[2 * MAX_DOCS];
    const char *heads[2] = {"a", "b"};
    assert_true(n <= MAX_DOCS);
    for (size_t i = 0; i < n; i++) {
        snprintf(text[i], sizeof text[i], "word%s word%s common doc%zu", a[i], b[i], i);
        texts[i] = text[i];
        labels[2 * i] = *a[i] ? a[i] : NULL;
        labels[2 * i + 1] = *b[i] ? b[i] : NULL;
    }
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_from_memory(n, texts, 2, heads, labels, &c, &err),
                     SLANT_STATUS_OK);
    return c;
}

/* Counts per fold of the documents whose labels match (NULL: any). */
static void per_fold(const slant_corpus *c, const uint32_t *fold_of, uint32_t folds,
                     const char *a, const char *b, size_t *count)
{
    memset(count, 0, folds * sizeof *count);
    for (size_t d = 0; d < slant_corpus_size(c); d++) {
        const char *la = slant_corpus_label(c, d, 0), *lb = slant_corpus_label(c, d, 1);
        if (a && (!la || strcmp(la, a)))
            continue;
        if (b && (!lb || strcmp(lb, b)))
            continue;
        count[fold_of[d]]++;
    }
}

static void assert_even(const size_t *count, uint32_t folds)
{
    size_t lo = count[0], hi = count[0];
    for (uint32_t f = 1; f < folds; f++) {
        lo = count[f] < lo ? count[f] : lo;
        hi = count[f] > hi ? count[f] : hi;
    }
    assert_true(hi - lo <= 1);
}

/* Every combination of the two heads' labels, every label of the first
 * head and the fold sizes are spread within one document; the second
 * head's labels within one per combination of the first's. */
static void test_folds_stratified_jointly(void **state)
{
    (void)state;
    const char *a[MAX_DOCS], *b[MAX_DOCS];
    const char *as[3] = {"x", "y", "z"}, *bs[3] = {"p", "q", ""};
    size_t n = 157;
    uint64_t r = 7;
    for (size_t i = 0; i < n; i++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        a[i] = as[(r >> 33) % 3];
        b[i] = bs[(r >> 45) % 3 == 2 && i % 4 ? 0 : (r >> 45) % 3]; /* few missing */
    }
    slant_corpus *c = corpus_of(n, a, b);
    uint32_t folds = 5, fold_of[MAX_DOCS], again[MAX_DOCS], other[MAX_DOCS];
    size_t count[5];
    slant_error err = {{0}};
    assert_int_equal(slant_cv_folds(c, folds, 42, fold_of, &err), SLANT_STATUS_OK);
    per_fold(c, fold_of, folds, NULL, NULL, count);
    assert_even(count, folds);
    for (int i = 0; i < 3; i++) {
        per_fold(c, fold_of, folds, as[i], NULL, count);
        assert_even(count, folds);
        for (int j = 0; j < 2; j++) {
            per_fold(c, fold_of, folds, as[i], bs[j], count);
            assert_even(count, folds);
        }
    }
    /* The second head's labels on their own: within one per first-head
     * label, so within 3 here, and much better than chance on the whole. */
    for (int j = 0; j < 2; j++) {
        per_fold(c, fold_of, folds, NULL, bs[j], count);
        size_t lo = count[0], hi = count[0];
        for (uint32_t f = 1; f < folds; f++) {
            lo = count[f] < lo ? count[f] : lo;
            hi = count[f] > hi ? count[f] : hi;
        }
        assert_true(hi - lo <= 3);
    }
    /* The seed alone decides. */
    assert_int_equal(slant_cv_folds(c, folds, 42, again, &err), SLANT_STATUS_OK);
    assert_memory_equal(fold_of, again, n * sizeof *fold_of);
    assert_int_equal(slant_cv_folds(c, folds, 43, other, &err), SLANT_STATUS_OK);
    assert_memory_not_equal(fold_of, other, n * sizeof *fold_of);
    slant_corpus_free(c);
}

/* Stratifying on the second head alone would have put the rare class b=r
 * in one fold's training side only by luck: jointly, the two documents of
 * (x, r) land in different folds. */
static void test_folds_split_a_rare_pair(void **state)
{
    (void)state;
    const char *a[40], *b[40];
    for (size_t i = 0; i < 40; i++) {
        a[i] = i % 2 ? "x" : "y";
        b[i] = "p";
    }
    b[4] = b[10] = "r";
    slant_corpus *c = corpus_of(40, a, b);
    uint32_t fold_of[40];
    slant_error err = {{0}};
    for (uint64_t seed = 1; seed < 20; seed++) {
        assert_int_equal(slant_cv_folds(c, 4, seed, fold_of, &err), SLANT_STATUS_OK);
        assert_int_not_equal(fold_of[4], fold_of[10]);
    }
    slant_corpus_free(c);
}

static char warnings[8][512];
static int n_warnings;

static void catch_log(const char *line, void *user)
{
    (void)user;
    if (strncmp(line, "warning: ", 9) == 0 && n_warnings < 8)
        snprintf(warnings[n_warnings++], sizeof warnings[0], "%s", line);
}

/* Head b has one document of class r: the fold that holds it out trains
 * on one class of b.  cv warns, leaves b out of that fold (its documents
 * are not scored on b), and scores a on every document. */
static void test_one_class_on_a_training_side(void **state)
{
    (void)state;
    const char *a[20], *b[20];
    for (size_t i = 0; i < 20; i++) {
        a[i] = i % 2 ? "x" : "y";
        b[i] = i == 3 ? "r" : "p";
    }
    slant_corpus *c = corpus_of(20, a, b);
    uint32_t fold_of[20];
    slant_error err = {{0}};
    slant_options opt;
    slant_options_init(&opt);
    opt.model = SLANT_MODEL_KIND_NB;
    opt.min_count = 1;
    opt.threads = 1;
    assert_int_equal(slant_cv_folds(c, 5, opt.seed, fold_of, &err), SLANT_STATUS_OK);
    size_t held_with_r = 0;
    for (size_t d = 0; d < 20; d++)
        held_with_r += fold_of[d] == fold_of[3];

    n_warnings = 0;
    slant_set_log(catch_log, NULL);
    slant_eval *ev = NULL;
    slant_status st = slant_cross_validate(c, &opt, 5, &ev, &err);
    slant_set_log(NULL, NULL);
    assert_int_equal(st, SLANT_STATUS_OK);
    assert_int_equal(n_warnings, 1);
    char want[128];
    snprintf(want, sizeof want, "warning: fold %u of 5: head \"b\" has one class on its "
             "training side; its documents in this fold are not scored", fold_of[3] + 1);
    assert_string_equal(warnings[0], want);

    assert_int_equal(slant_eval_heads(ev), 2);
    assert_string_equal(slant_eval_head_name(ev, 1), "b");
    uint64_t total[2] = {0, 0};
    for (size_t h = 0; h < 2; h++)
        for (size_t g = 0; g < slant_eval_classes(ev, h); g++)
            for (size_t p = 0; p < slant_eval_classes(ev, h); p++)
                total[h] += slant_eval_count(ev, h, g, p);
    assert_int_equal(total[0], 20);
    assert_int_equal(total[1], 20 - held_with_r);
    assert_int_equal(slant_eval_documents(ev), 20);
    /* r was never scored: its row of the confusion matrix is empty. */
    for (size_t g = 0; g < slant_eval_classes(ev, 1); g++)
        if (strcmp(slant_eval_class_name(ev, 1, g), "r") == 0)
            assert_int_equal(slant_eval_class(ev, 1, g).support, 0);
    slant_eval_free(ev);
    slant_corpus_free(c);
}

/* A head with one class in the whole corpus is still the training's
 * error, as train reports it. */
static void test_one_class_in_the_corpus(void **state)
{
    (void)state;
    const char *a[10], *b[10];
    for (size_t i = 0; i < 10; i++) {
        a[i] = i % 2 ? "x" : "y";
        b[i] = "p";
    }
    slant_corpus *c = corpus_of(10, a, b);
    slant_options opt;
    slant_options_init(&opt);
    opt.model = SLANT_MODEL_KIND_NB;
    slant_eval *ev = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_cross_validate(c, &opt, 3, &ev, &err), SLANT_STATUS_BAD_INPUT);
    assert_null(ev);
    assert_non_null(strstr(err.message, "fold 1 of 3: "));
    assert_non_null(strstr(err.message, "column \"b\" has only one class (\"p\")"));
    slant_corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_folds_stratified_jointly),
        cmocka_unit_test(test_folds_split_a_rare_pair),
        cmocka_unit_test(test_one_class_on_a_training_side),
        cmocka_unit_test(test_one_class_in_the_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
