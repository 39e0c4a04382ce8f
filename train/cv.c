/*
 * cv.c: stratified K-fold cross-validation.  The documents are dealt into
 * K folds so that each combination of the labels of every head (a missing
 * label is a value of its own) is spread evenly across them, and with it
 * each label of each head as far as the combinations allow; each fold is
 * then labeled by a model trained on the other K-1, and the held-out
 * predictions of all folds are pooled into one evaluation.
 *
 * A head whose labels have two classes in the corpus can still have one on
 * a fold's training side (a rare class, a head with few labels): that fold
 * is trained without the head and its documents are not scored on it,
 * with a warning, rather than stopping the cross-validation.
 *
 * The split depends only on the corpus's labels, K and the seed in the
 * options, never on the thread count or the platform's rand().
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "corpus.h"
#include "eval.h"
#include "train.h"

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
    const char *const *labels; /* the document's row: one label per head, NULL when missing */
    size_t n_heads;
    size_t doc;
} labeled_doc;

/* Labels in order, a missing one after every other. */
static int cmp_label(const char *a, const char *b)
{
    if (a == b)
        return 0;
    if (!a)
        return 1;
    if (!b)
        return -1;
    return strcmp(a, b);
}

static int same_labels(const labeled_doc *a, const labeled_doc *b)
{
    for (size_t h = 0; h < a->n_heads; h++)
        if (cmp_label(a->labels[h], b->labels[h]))
            return 0;
    return 1;
}

/* By the labels of the first head, then of the next, ..., then by
 * document. */
static int cmp_labeled(const void *va, const void *vb)
{
    const labeled_doc *a = va, *b = vb;
    for (size_t h = 0; h < a->n_heads; h++) {
        int c = cmp_label(a->labels[h], b->labels[h]);
        if (c)
            return c;
    }
    return (a->doc > b->doc) - (a->doc < b->doc);
}

/* See train.h.  Documents are grouped by their labels of all heads, the
 * groups in sorted order (by the first head's label, then the second's,
 * ...; missing labels last); each group is shuffled, then all are dealt
 * round-robin with one running position.  Every fold gets its share of
 * each combination, fold sizes differ by at most one, and since the groups
 * of one first-head label are dealt one after another, that label's
 * documents are spread as evenly as with the first head alone (with one
 * head the folds are exactly those). */
slant_status slant_cv_folds(const slant_corpus *corpus, uint32_t folds, uint64_t seed,
                            uint32_t *fold_of, slant_error *err)
{
    size_t n = corpus->n_docs, nh = corpus->n_heads;
    labeled_doc *by_label = slant_alloc_array(n, sizeof *by_label);
    if (!by_label)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    for (size_t d = 0; d < n; d++)
        by_label[d] = (labeled_doc){(const char *const *)corpus->labels + d * nh, nh, d};
    qsort(by_label, n, sizeof *by_label, cmp_labeled);

    uint64_t state = seed;
    size_t next = 0;
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && same_labels(&by_label[b], &by_label[a]))
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

/* The classes of head H among documents DOCS[0..n): 0, 1, or 2 for two
 * or more. */
static int classes_among(const slant_corpus *c, size_t h, const size_t *docs, size_t n)
{
    const char *first = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *l = c->labels[(docs ? docs[i] : i) * c->n_heads + h];
        if (!l)
            continue;
        if (!first)
            first = l;
        else if (strcmp(first, l) != 0)
            return 2;
    }
    return first ? 1 : 0;
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
    char date[32]; /* what every fold's training would refuse, refused once */
    if ((st = slant_training_date(date, sizeof date, err)))
        return st;
    size_t n = corpus->n_docs, nh = corpus->n_heads;
    if (nh == 0)
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
    unsigned char *keep = slant_alloc_array(nh, 1), *whole = slant_alloc_array(nh, 1);
    size_t *no_classes = slant_calloc_array(nh, sizeof *no_classes);
    const char ***no_names = slant_calloc_array(nh, sizeof *no_names);
    slant_eval *ev = NULL;
    slant_model *model = NULL;
    if (!fold_of || !train || !held || !keep || !whole || !no_classes || !no_names) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    /* The pool has every head, and the classes in the order the folds'
     * models bring them (the first fold's first): slant_eval_corpus_some
     * appends the classes a model or a gold label adds. */
    if ((st = slant_eval_create(nh, (const char *const *)corpus->head_names, no_classes,
                                (const char *const *const *)no_names, &ev, err)))
        goto out;
    slant_warn_label_heads(corpus); /* once, not once a fold */
    if ((st = slant_cv_folds(corpus, folds, opt->seed, fold_of, err)))
        goto out;
    /* A head of one class in the whole corpus is the training's error to
     * report; only a fold's shortage is worked around. */
    for (size_t h = 0; h < nh; h++)
        whole[h] = classes_among(corpus, h, NULL, n) == 2;

    for (uint32_t f = 0; f < folds; f++) {
        size_t n_train = 0, n_held = 0, kept = 0;
        for (size_t d = 0; d < n; d++) {
            if (fold_of[d] == f)
                held[n_held++] = d;
            else
                train[n_train++] = d;
        }
        for (size_t h = 0; h < nh; h++) {
            int k = classes_among(corpus, h, train, n_train);
            keep[h] = k == 2 || !whole[h];
            kept += keep[h];
            if (!keep[h])
                slant_warn("fold %u of %u: head \"%s\" has %s on its training side; its "
                           "documents in this fold are not scored", f + 1, folds,
                           corpus->head_names[h], k ? "one class" : "no labels");
        }
        if (kept == 0)
            continue;
        slant_error ferr = {{0}};
        st = slant_train_subset_heads(corpus, train, n_train, keep, opt, &model, &ferr);
        uint64_t total0 = 0, right0 = 0;
        if (!st) {
            head_totals(ev, &total0, &right0);
            st = slant_eval_corpus_some(ev, model, corpus, held, n_held, opt->threads, &ferr);
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
    free(no_names);
    free(no_classes);
    free(whole);
    free(keep);
    free(held);
    free(train);
    free(fold_of);
    return st;
}
