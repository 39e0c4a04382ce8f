/*
 * cv.c: stratified K-fold cross-validation.  The documents are dealt into
 * K folds so that each label of the first head is spread evenly across
 * them; each fold is then labeled by a model trained on the other K-1, and
 * the held-out predictions of all folds are pooled into one evaluation.
 *
 * The split depends only on the corpus's labels, K and the seed in the
 * options, never on the thread count or the platform's rand().
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "corpus.h"

/* A uniform integer in [0, n), n > 0, without modulo bias: draws below
 * 2^64 mod n are rejected. */
static uint64_t uniform_below(uint64_t *state, uint64_t n)
{
    uint64_t limit = (0 - n) % n;
    uint64_t r;
    do
        r = slant_splitmix64(state);
    while (r < limit);
    return r % n;
}

typedef struct labeled_doc {
    const char *label; /* of the first head; NULL when missing */
    size_t doc;
} labeled_doc;

/* By label (a missing label after every other), then by document. */
static int cmp_labeled(const void *va, const void *vb)
{
    const labeled_doc *a = va, *b = vb;
    if (a->label != b->label) {
        if (!a->label)
            return 1;
        if (!b->label)
            return -1;
        int c = strcmp(a->label, b->label);
        if (c)
            return c;
    }
    return (a->doc > b->doc) - (a->doc < b->doc);
}

/* Fills fold_of[d] (output, n entries) for every document.  Documents are
 * grouped by their first-head label in sorted order (the unlabeled ones
 * form a group of their own, last); each group is shuffled, then all are
 * dealt round-robin with one running position, so every fold gets its
 * share of each label and fold sizes differ by at most one. */
static slant_status assign_folds(const slant_corpus *corpus, uint32_t folds, uint64_t seed,
                                 uint32_t *fold_of, slant_error *err)
{
    size_t n = slant_corpus_size(corpus);
    labeled_doc *by_label = slant_alloc_array(n, sizeof *by_label);
    if (!by_label)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    for (size_t d = 0; d < n; d++) {
        by_label[d].label = slant_corpus_label(corpus, d, 0);
        by_label[d].doc = d;
    }
    qsort(by_label, n, sizeof *by_label, cmp_labeled);

    uint64_t state = seed;
    size_t next = 0;
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && (by_label[b].label == by_label[a].label ||
                         (by_label[b].label && by_label[a].label &&
                          strcmp(by_label[b].label, by_label[a].label) == 0)))
            b++;
        /* Fisher-Yates over the group [a, b). */
        for (size_t i = b - a; i > 1; i--) {
            size_t j = (size_t)uniform_below(&state, i);
            labeled_doc t = by_label[a + i - 1];
            by_label[a + i - 1] = by_label[a + j];
            by_label[a + j] = t;
        }
        for (size_t i = a; i < b; i++, next++)
            fold_of[by_label[i].doc] = (uint32_t)(next % folds);
        a = b;
    }
    free(by_label);
    return SLANT_STATUS_OK;
}

/* The documents of the first head counted so far and those right, to log
 * each fold's own accuracy as the difference of the pooled totals. */
static void head_totals(const slant_eval *ev, uint64_t *total, uint64_t *right)
{
    *total = *right = 0;
    size_t nc = slant_eval_classes(ev, 0);
    for (size_t g = 0; g < nc; g++) {
        for (size_t p = 0; p < nc; p++)
            *total += slant_eval_count(ev, 0, g, p);
        *right += slant_eval_count(ev, 0, g, g);
    }
}

slant_status slant_cross_validate(const slant_corpus *corpus, const slant_options *opt,
                                  uint32_t folds, slant_eval **out, slant_error *err)
{
    *out = NULL;
    if (!corpus || !opt)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no corpus or options");
    slant_status st = slant_options_check(opt, err);
    if (st)
        return st;
    size_t n = slant_corpus_size(corpus);
    if (slant_corpus_heads(corpus) == 0)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "the corpus has no label column to "
                          "cross-validate");
    if (folds < 2)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "cross-validation needs at least 2 "
                          "folds, not %u", folds);
    if (folds > n)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%u folds need at least %u documents; "
                          "the corpus has %zu", folds, folds, n);

    uint32_t *fold_of = slant_alloc_array(n, sizeof *fold_of);
    size_t *train = slant_alloc_array(n, sizeof *train);
    size_t *held = slant_alloc_array(n, sizeof *held);
    slant_eval *ev = NULL;
    slant_model *model = NULL;
    if (!fold_of || !train || !held) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    if ((st = assign_folds(corpus, folds, opt->seed, fold_of, err)))
        goto out;
    slant_warn_label_heads(corpus); /* once, not once a fold */

    for (uint32_t f = 0; f < folds; f++) {
        size_t n_train = 0, n_held = 0;
        for (size_t d = 0; d < n; d++) {
            if (fold_of[d] == f)
                held[n_held++] = d;
            else
                train[n_train++] = d;
        }
        slant_error ferr = {{0}};
        st = slant_train_subset(corpus, train, n_train, opt, &model, &ferr);
        /* The pooled classes are the first model's; later folds' models are
         * mapped into them by class name inside slant_eval_corpus, which
         * appends any class the pool lacks. */
        if (!st && !ev)
            st = slant_eval_new(model, &ev, &ferr);
        uint64_t total0 = 0, right0 = 0;
        if (!st) {
            head_totals(ev, &total0, &right0);
            st = slant_eval_corpus(ev, model, corpus, held, n_held, opt->threads, &ferr);
        }
        slant_model_free(model);
        model = NULL;
        if (st) {
            slant_fail(err, st, "fold %u of %u: %s", f + 1, folds, ferr.message);
            goto out;
        }
        uint64_t total1, right1;
        head_totals(ev, &total1, &right1);
        uint64_t counted = total1 - total0;
        slant_log("fold %u/%u: trained on %zu documents, labeled %zu; accuracy %.4f on head %s",
                  f + 1, folds, n_train, n_held,
                  counted ? (double)(right1 - right0) / (double)counted : 0.0,
                  slant_eval_head_name(ev, 0));
    }
    *out = ev;
    ev = NULL;

out:
    slant_eval_free(ev);
    free(held);
    free(train);
    free(fold_of);
    return st;
}
