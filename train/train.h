/*
 * train.h: what cross-validation (cv.c) takes from training (train.c)
 * beyond the public calls.  Private to the library.
 */
#ifndef SLANT_TRAIN_H
#define SLANT_TRAIN_H

#include <stddef.h>

#include "model.h"
#include "slant.h"

struct slant_csr;

/* Logistic regression of one head as training fits it (the solver of O,
 * nb_scale included) on X with labels Y (-1: left out) and sample weights
 * SW (may be NULL): W (output) gets (cols + 1) x CN numbers, the weights
 * then the biases; *at_limit (output) counts the fits that stopped at the
 * iteration limit.  X's values are restored before it returns. */
slant_status slant_fit_lr_head(struct slant_csr *x, const int32_t *y, const double *sw,
                               uint32_t cn, const slant_options *o, float *w,
                               uint32_t *at_limit, slant_error *err);

/* A provenance as training writes it, for a model made without a corpus
 * in memory (streamed, merged): the version lines, O's options line
 * (O resolved), the features, the documents, CORPUS_HASH ("xxh3:..."; NULL:
 * none), each head's class counts, then NOTE ("key=value\n" lines, may be
 * NULL).  NULL when memory runs out; the caller frees it. */
char *slant_provenance_plain(const slant_options *o, const char *date, size_t n_features,
                             uint64_t n_docs, const char *corpus_hash, uint32_t n_heads,
                             const slant_head_parts *heads, const char *note);

/* The date a model records, "YYYY-MM-DD" into BUF (output, SIZE >= 11):
 * SOURCE_DATE_EPOCH when set and not empty (reproducible builds), else
 * today, in UTC.  A SOURCE_DATE_EPOCH that is not a plain whole number of
 * seconds from 1970 to the end of 9999 is refused
 * (SLANT_STATUS_BAD_OPTION), as the reproducible-builds specification asks
 * of a malformed value. */
slant_status slant_training_date(char *buf, size_t size, slant_error *err);

/* slant_train_subset on the heads h of CORPUS with KEEP[h] != 0 only (at
 * least one); the model has those heads, in the corpus's order. */
slant_status slant_train_subset_heads(const slant_corpus *corpus, const size_t *docs,
                                      size_t n_docs, const unsigned char *keep,
                                      const slant_options *opt, slant_model **out,
                                      slant_error *err);

/* slant_train_subset with NOTE ("key=value\n" lines, may be NULL)
 * appended to the model's provenance: how its settings were chosen. */
slant_status slant_train_subset_noted(const slant_corpus *c, const size_t *docs, size_t n_docs,
                                      const slant_options *o, const char *note,
                                      slant_model **out, slant_error *err);

/* slant_tune on documents DOCS[0..n) of CORPUS and its heads h with
 * KEEP[h] (NULL: all): a fold's training side, for nested
 * cross-validation. */
slant_status slant_tune_docs(const slant_corpus *corpus, const size_t *docs, size_t n_docs,
                             const unsigned char *keep, const slant_options *opt,
                             const slant_tune_options *to, slant_options *best,
                             slant_error *err);

/* slant_cross_validate_with on the folds SPLIT (n_docs entries, each in
 * [0, cvo->folds); NULL: slant_cv_split's), so that trials of a search
 * share one split. */
slant_status slant_cv_run(const slant_corpus *corpus, const slant_options *opt,
                          const slant_cv_options *cvo, const uint32_t *split, slant_eval **out,
                          slant_cv_info *info, uint32_t *fold_out, slant_error *err);

/* What slant_cv_run_hooked lets its caller do in each fold (curve.c).
 * CUT (may be NULL) shrinks fold FOLD's training side TRAIN[0..n_train),
 * in corpus order, in place to a subset still in corpus order, and
 * returns its size; the heads and classes kept are then judged on that
 * subset.  DONE (may be NULL) is called once the fold's held-out
 * documents are in POOL (or the fold was skipped, when no head could be
 * trained), before the next fold begins, so that the difference of
 * POOL's counts from the last call is that fold's. */
typedef struct slant_cv_hooks {
    size_t (*cut)(void *ctx, uint32_t fold, size_t *train, size_t n_train);
    void (*done)(void *ctx, uint32_t fold, const slant_eval *pool);
    void *ctx;
} slant_cv_hooks;

/* slant_cv_run with HOOKS (may be NULL: slant_cv_run itself). */
slant_status slant_cv_run_hooked(const slant_corpus *corpus, const slant_options *opt,
                                 const slant_cv_options *cvo, const uint32_t *split,
                                 const slant_cv_hooks *hooks, slant_eval **out,
                                 slant_cv_info *info, uint32_t *fold_out, slant_error *err);

/* Each document's combination of labels over every head (a missing label
 * a value of its own), numbered in the sorted order of slant_cv_folds,
 * into combo_of (output, one entry per document); returns the number of
 * combinations, at least 1 (0 out of memory). */
size_t slant_cv_label_combos(const slant_corpus *corpus, size_t *combo_of);

/* The learning curve's cut of fold FOLD's training side TRAIN[0..n_train)
 * (corpus order) to SHARE: the first ceil(SHARE * n_train) of its order
 * stratified by COMBO_OF (slant_cv_label_combos; N_DOCS entries) and
 * drawn from SEED and FOLD (see slant_learning_curve), left in TRAIN in
 * corpus order.  Returns their number, or SIZE_MAX out of memory. */
size_t slant_curve_subset(const size_t *combo_of, size_t n_docs, uint64_t seed, uint32_t fold,
                          double share, size_t *train, size_t n_train);

/* The folds of slant_cross_validate: fold_of[d] (output, one entry per
 * document of CORPUS) in [0, FOLDS), from the labels and SEED only. */
slant_status slant_cv_folds(const slant_corpus *corpus, uint32_t folds, uint64_t seed,
                            uint32_t *fold_of, slant_error *err);

/* Out-of-fold class probabilities (oof.c), for slant_audit.  Classes are
 * each head's distinct labels in the corpus, in strcmp order: head h's
 * are class_names[class_start[h] .. class_start[h + 1]). */
typedef struct slant_fold_probs {
    size_t n_docs, n_heads;
    size_t *class_start;      /* n_heads + 1 */
    const char **class_names; /* point into the corpus's labels */
    size_t *class_of;         /* n_docs x n_heads: the given label's class within its
                               * head, SIZE_MAX when missing */
    double *probs;            /* n_docs x class_start[n_heads]: document d's
                               * probability of class j at d * total + j, from the model
                               * of the fold that held d out; NaN where not labeled (a
                               * head not asked for, or one class on a fold's training
                               * side) */
} slant_fold_probs;

/* Labels every document of CORPUS, for the heads h with WANT[h], by a
 * model trained on the other folds of slant_cv_split (CVO, OPT's seed and
 * threads) into *out (output; free with slant_fold_probs_free).  SKIP (may
 * be NULL): documents d with SKIP[d] are on no fold's training side, but
 * are labeled by their own fold's model all the same.  A wanted head
 * of fewer than two classes is an error; a fold whose training side has
 * one class of it is skipped for it, with a warning.  INFO (output) may
 * be NULL. */
slant_status slant_cv_fold_probs(const slant_corpus *corpus, const unsigned char *want,
                          const unsigned char *skip, const slant_options *opt, const slant_cv_options *cvo,
                          slant_fold_probs *out, slant_cv_info *info, slant_error *err);
void slant_fold_probs_free(slant_fold_probs *o);

#endif /* SLANT_TRAIN_H */
