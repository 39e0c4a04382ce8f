/*
 * calibrate.h: fitting calibration maps and abstention thresholds
 * (calibrate.c).  Private to the library; the unit tests use the fitting
 * functions on synthetic probabilities.
 */
#ifndef SLANT_CALIBRATE_H
#define SLANT_CALIBRATE_H

#include <stddef.h>
#include <stdint.h>

#include "calibration.h"
#include "slant.h"

/* Fits a map of METHOD (SIGMOID, TEMPERATURE or ISOTONIC; NONE gives an
 * empty map) to N documents of K classes: P (n, k) their probabilities, Y
 * (n) their classes.  *out (output) is freed with slant_calib_head_free. */
slant_status slant_calib_fit(slant_calibration method, const double *p, const uint32_t *y,
                             size_t n, uint32_t k, slant_calib_head *out, slant_error *err);

/* Per class c, into THR[c] (output, k entries): the lowest threshold t
 * such that the documents whose top class is c and top probability at
 * least t are labeled right at a rate of TARGET or more (the largest
 * coverage with that precision): 0 when all of them are; SLANT_CALIB_NEVER
 * when no t reaches it; TARGET itself for a class that is never the top
 * one.  P (n, k) are calibrated probabilities, Y (n) the classes. */
void slant_calib_thresholds(const double *p, const uint32_t *y, size_t n, uint32_t k,
                            double target, double *thr);

/* The mean log loss (p clamped to 1e-15) and the ECE over
 * SLANT_CALIBRATION_BINS bins of P (n, k) against Y. */
double slant_calib_log_loss(const double *p, const uint32_t *y, size_t n, uint32_t k);
double slant_calib_ece(const double *p, const uint32_t *y, size_t n, uint32_t k);

/* One head's out-of-fold set. */
typedef struct slant_oof {
    int needed;     /* 2: a map is fitted; 1: thresholds only; 0: neither */
    double target;  /* the head's target precision, 0 for none */
    uint32_t k;     /* classes */
    size_t n;       /* documents scored so far */
    double *p;      /* (n, k) raw out-of-fold probabilities, by the final model's classes */
    uint32_t *y;    /* (n) their classes */
    uint32_t *fold; /* (n) their inner folds */
} slant_oof;

/* What O asks of each of NH heads (NAMES, N_CLASSES and the training
 * COUNTS per class) into OO[h].needed and .target; *any (output) is 1 when
 * some head needs out-of-fold probabilities.  Logs the heads left
 * uncalibrated for want of documents. */
slant_status slant_calib_plan(const slant_options *o, size_t nh, const char *const *names,
                              const uint32_t *n_classes, const uint64_t *const *counts,
                              slant_oof *oo, int *any, slant_error *err);
/* The inner folds of DOCS[0..n) of C into fold_of (output, n entries, each
 * below *folds, output): grouped when C has groups (ungrouped, with a
 * warning, when there are too few), near-duplicates not looked for. */
slant_status slant_calib_split(const slant_corpus *c, const size_t *docs, size_t n_docs,
                               const slant_options *o, uint32_t *fold_of, uint32_t *folds,
                               slant_error *err);
/* Room for N_DOCS documents in each needed head of OO; freeing OO whole. */
slant_status slant_calib_oof_alloc(slant_oof *oo, size_t nh, size_t n_docs, slant_error *err);
void slant_calib_oof_free(slant_oof *oo, size_t nh);
/* Fits the maps and thresholds OO and O ask for and replaces *model by the
 * model that holds them, its provenance saying what was chosen.  On
 * failure *model is freed and NULL. */
slant_status slant_calibrate_finish(const slant_options *o, slant_oof *oo, uint32_t folds,
                                    slant_model **model, slant_error *err);

/* Calibrates *model, trained by slant_train_subset on DOCS[0..n) of C
 * with O: when O asks for a map or a target precision, fits them on an
 * inner cross-validation of those documents (each fold's model trained
 * from the texts: for models whose fits the feature matrix cannot serve,
 * the RBF svm) and replaces *model with the
 * model that holds them (the provenance saying what was chosen).  On
 * failure *model is freed and NULL. */
slant_status slant_calibrate_model(const slant_corpus *c, const size_t *docs, size_t n_docs,
                                   const slant_options *o, slant_model **model,
                                   slant_error *err);

#endif /* SLANT_CALIBRATE_H */
