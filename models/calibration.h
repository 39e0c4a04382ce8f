/*
 * calibration.h: a head's calibration map and abstention thresholds, as
 * the model file's CALIBRATION section holds them (calibration.c), and the
 * pieces training uses to fit them (train/calibrate.c).  Private to the
 * library.
 */
#ifndef SLANT_CALIBRATION_H
#define SLANT_CALIBRATION_H

#include <stddef.h>
#include <stdint.h>

#include "slant.h"

/* The most breakpoints one isotonic curve may hold. */
#define SLANT_CALIB_MAX_POINTS 65536
/* A threshold above 1 means: the class is never given. */
#define SLANT_CALIB_NEVER 2.0

/* One head's map.  A two-class head has one curve (sigmoid and isotonic),
 * on its second class's probability, the first's being one minus it; a
 * head of more classes has a curve per class, the results normalized to
 * sum to 1.  Temperature has one T for the head. */
typedef struct slant_calib_head {
    slant_calibration method;  /* NONE, SIGMOID, TEMPERATURE or ISOTONIC */
    uint32_t n_classes;
    double temperature;        /* TEMPERATURE */
    double *ab;                /* SIGMOID: (curves, 2): a then b per curve */
    uint32_t *n_points;        /* ISOTONIC: (curves) */
    double **xy;               /* ISOTONIC: per curve (n_points, 2): x then y, x rising */
    double target;             /* > 0: thresholds below are set */
    double *thresholds;        /* (n_classes) */
} slant_calib_head;

/* Curves of a map of METHOD on a head of N_CLASSES classes. */
uint32_t slant_calib_curves(slant_calibration method, uint32_t n_classes);
void slant_calib_head_free(slant_calib_head *h);
void slant_calib_heads_free(slant_calib_head *h, size_t n);

/* Applies H to one head's probabilities P (n_classes; in and out). */
void slant_calib_apply(const slant_calib_head *h, double *p);

/* The CALIBRATION section of N heads: its size, and writing it to DST. */
size_t slant_calib_section_size(const slant_calib_head *h, size_t n);
void slant_calib_section_write(unsigned char *dst, const slant_calib_head *h, size_t n);
/* Parses and checks a section of SIZE bytes at P for N heads whose class
 * counts are N_CLASSES[0..n): *out (output) gets n heads, freed with
 * slant_calib_heads_free.  NAME names the file in messages. */
slant_status slant_calib_section_parse(const unsigned char *p, uint64_t size, size_t n,
                                       const uint32_t *n_classes, const char *name,
                                       slant_calib_head **out, slant_error *err);

/* The model with the heads' maps CAL (n_heads entries, copied) in its
 * CALIBRATION section and PROVENANCE in place of its own: a new model
 * built from M's sections into *out (output).  M is left as it is. */
slant_status slant_model_with_calibration(const slant_model *m, const slant_calib_head *cal,
                                          const char *provenance, slant_model **out,
                                          slant_error *err);

/* Class probabilities as the weights give them, before any map (the inner
 * cross-validation of calibration and the explanations read these):
 * as slant_model_score. */
int slant_model_score_raw(const slant_model *m, const slant_feature *x, size_t n, double *probs,
                          size_t *best);

#endif /* SLANT_CALIBRATION_H */
