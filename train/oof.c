/*
 * oof.c: out-of-fold class probabilities, the raw material of
 * slant_audit.  Each document is labeled by a model that never saw it:
 * the folds are slant_cv_split's (stratified, grouped, near-duplicates
 * kept together), and each fold's model is trained on the others by the
 * same call as cross-validation's, so whatever training does to its
 * probabilities (a calibration map) the folds' models do too.
 *
 * Classes are the corpus's, not a fold model's: a head's distinct labels
 * in strcmp order, so that a class missing from one fold's training side
 * is still a column (its probability there is 0).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "corpus.h"
#include "train.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Index of NAME among the sorted NAMES[0..n), or SIZE_MAX. */
static size_t find_class(const char *const *names, size_t n, const char *name)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(names[mid], name);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

void slant_fold_probs_free(slant_fold_probs *o)
{
    if (!o)
        return;
    free(o->class_start);
    free(o->class_names);
    free(o->class_of);
    free(o->probs);
    memset(o, 0, sizeof *o);
}

/* The classes of every head: sorted distinct labels, and each document's. */
static slant_status oof_classes(const slant_corpus *c, slant_fold_probs *o, slant_error *err)
{
    size_t n = c->n_docs, nh = c->n_heads;
    const char **all = slant_alloc_array(n ? n : 1, sizeof *all);
    o->class_start = slant_calloc_array(nh + 1, sizeof *o->class_start);
    o->class_of = slant_alloc_array(n ? n : 1, (nh ? nh : 1) * sizeof *o->class_of);
    /* at most one class per labeled cell */
    o->class_names = slant_alloc_array(n && nh ? n * nh : 1, sizeof *o->class_names);
    if (!all || !o->class_start || !o->class_of || !o->class_names) {
        free(all);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    }
    size_t total = 0;
    for (size_t h = 0; h < nh; h++) {
        size_t m = 0;
        for (size_t d = 0; d < n; d++)
            if (c->labels[d * nh + h])
                all[m++] = c->labels[d * nh + h];
        qsort(all, m, sizeof *all, cmp_str);
        o->class_start[h] = total;
        for (size_t i = 0; i < m; i++)
            if (i == 0 || strcmp(all[i - 1], all[i]))
                o->class_names[total++] = all[i];
        size_t k = total - o->class_start[h];
        for (size_t d = 0; d < n; d++) {
            const char *l = c->labels[d * nh + h];
            o->class_of[d * nh + h] =
                l ? find_class(o->class_names + o->class_start[h], k, l) : SIZE_MAX;
        }
    }
    o->class_start[nh] = total;
    free(all);
    return SLANT_STATUS_OK;
}

/* Classes of head H among the documents DOCS[0..n): 0, 1, or 2 for more. */
static int classes_in(const slant_fold_probs *o, size_t h, const size_t *docs, size_t n)
{
    size_t first = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t k = o->class_of[docs[i] * o->n_heads + h];
        if (k == SIZE_MAX)
            continue;
        if (first == SIZE_MAX)
            first = k;
        else if (k != first)
            return 2;
    }
    return first == SIZE_MAX ? 0 : 1;
}

/* Labels HELD[0..n_held) of C with M (trained on heads KEEP) and writes
 * their rows of o->probs, in the corpus's classes. */
static slant_status label_held(const slant_corpus *c, const slant_model *m,
                               const unsigned char *keep, const size_t *held, size_t n_held,
                               uint32_t threads, slant_fold_probs *o, slant_error *err)
{
    size_t tc = slant_model_total_classes(m), nh = c->n_heads, total = o->class_start[nh];
    /* A view of the held documents: their texts, nothing else. */
    slant_corpus view = *c;
    view.n_docs = n_held;
    view.n_heads = 0;
    view.head_names = NULL;
    view.labels = NULL;
    view.groups = NULL;
    view.group_name = NULL;
    view.texts = slant_alloc_array(n_held, sizeof *view.texts);
    view.lens = slant_alloc_array(n_held, sizeof *view.lens);
    view.ids = slant_alloc_array(n_held, sizeof *view.ids);
    double *probs = slant_alloc_array(n_held, tc * sizeof *probs);
    size_t *map = slant_alloc_array(tc ? tc : 1, sizeof *map);
    slant_status st = SLANT_STATUS_OK;
    if (!view.texts || !view.lens || !view.ids || !probs || !map) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n_held; i++) {
        view.texts[i] = c->texts[held[i]];
        view.lens[i] = c->lens[held[i]];
        view.ids[i] = c->ids[held[i]];
    }
    /* map[model slot] = the corpus class's column in a row of o->probs */
    for (size_t h = 0, mh = 0; h < nh; h++) {
        if (!keep[h])
            continue;
        size_t off = slant_model_class_offset(m, mh), k = o->class_start[h + 1] - o->class_start[h];
        for (size_t j = 0; j < slant_model_classes(m, mh); j++) {
            size_t cls = find_class(o->class_names + o->class_start[h], k,
                                    slant_model_class_name(m, mh, j));
            map[off + j] = cls == SIZE_MAX ? SIZE_MAX : o->class_start[h] + cls;
        }
        mh++;
    }
    if ((st = slant_model_predict_corpus(m, &view, 0, n_held, threads, probs, NULL, err)))
        goto out;
    for (size_t i = 0; i < n_held; i++) {
        double *row = o->probs + held[i] * total;
        for (size_t h = 0; h < nh; h++)
            if (keep[h])
                for (size_t j = o->class_start[h]; j < o->class_start[h + 1]; j++)
                    row[j] = 0;
        for (size_t s = 0; s < tc; s++)
            if (map[s] != SIZE_MAX)
                row[map[s]] = probs[i * tc + s];
    }
out:
    free(map);
    free(probs);
    free(view.ids);
    free(view.lens);
    free(view.texts);
    return st;
}

slant_status slant_cv_fold_probs(const slant_corpus *corpus, const unsigned char *want,
                          const unsigned char *skip, const slant_options *opt, const slant_cv_options *cvo,
                          slant_fold_probs *out, slant_cv_info *info, slant_error *err)
{
    memset(out, 0, sizeof *out);
    if (!corpus || !want || !opt || !cvo)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no corpus or options");
    slant_status st = slant_options_check(opt, err);
    if (st)
        return st;
    size_t n = corpus->n_docs, nh = corpus->n_heads;
    if (nh == 0)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: the corpus has no label column",
                          corpus->source ? corpus->source : "corpus");
    uint32_t folds = cvo->folds ? cvo->folds : 10;
    out->n_docs = n;
    out->n_heads = nh;
    uint32_t *fold_of = slant_alloc_array(n ? n : 1, sizeof *fold_of);
    size_t *train = slant_alloc_array(n ? n : 1, sizeof *train);
    size_t *held = slant_alloc_array(n ? n : 1, sizeof *held);
    unsigned char *keep = slant_alloc_array(nh, 1);
    slant_model *model = NULL;
    slant_stage stage;
    int begun = 0;
    if (!fold_of || !train || !held || !keep) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    if ((st = oof_classes(corpus, out, err)))
        goto out;
    size_t total = out->class_start[nh];
    if (!(out->probs = slant_alloc_array(n ? n : 1, (total ? total : 1) * sizeof *out->probs))) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n * total; i++)
        out->probs[i] = NAN; /* not scored until a fold's model labels it */
    for (size_t h = 0; h < nh; h++)
        if (want[h] && out->class_start[h + 1] - out->class_start[h] < 2) {
            st = slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: head \"%s\" has %s: there is "
                            "nothing to tell its labels apart by",
                            corpus->source ? corpus->source : "corpus", corpus->head_names[h],
                            out->class_start[h + 1] > out->class_start[h] ? "one class"
                                                                          : "no labels");
            goto out;
        }
    slant_warn_label_heads(corpus);
    if ((st = slant_cv_split(corpus, cvo, opt->seed, opt->threads, fold_of, info, err)))
        goto out;
    slant_stage_begin(&stage, skip ? "audit, second pass" : "audit", "folds", folds);
    begun = 1;
    for (uint32_t f = 0; f < folds; f++) {
        if (f)
            slant_stage_step(&stage, f);
        size_t n_train = 0, n_held = 0, kept = 0;
        for (size_t d = 0; d < n; d++) {
            if (fold_of[d] == f)
                held[n_held++] = d;
            else if (!skip || !skip[d])
                train[n_train++] = d;
        }
        for (size_t h = 0; h < nh; h++) {
            keep[h] = want[h] && classes_in(out, h, train, n_train) == 2;
            kept += keep[h];
            if (want[h] && !keep[h])
                slant_warn("fold %u of %u: head \"%s\" has one class on its training side; "
                           "its documents in this fold are not audited", f + 1, folds,
                           corpus->head_names[h]);
        }
        if (kept == 0 || n_held == 0)
            continue;
        slant_error ferr = {{0}};
        st = slant_train_subset_heads(corpus, train, n_train, keep, opt, &model, &ferr);
        if (!st)
            st = label_held(corpus, model, keep, held, n_held, opt->threads, out, &ferr);
        slant_model_free(model);
        model = NULL;
        if (st) {
            slant_fail(err, st, "fold %u of %u: %s", f + 1, folds, ferr.message);
            goto out;
        }
        slant_log("fold %u/%u: trained on %zu documents, labeled %zu", f + 1, folds, n_train,
                  n_held);
    }
out:
    if (begun)
        slant_stage_end(&stage, st == SLANT_STATUS_OK);
    if (st)
        slant_fold_probs_free(out);
    free(keep);
    free(held);
    free(train);
    free(fold_of);
    return st;
}
