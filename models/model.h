/*
 * model.h: the in-memory model behind slant_model, and the model file.
 * Private to the library.
 *
 * A model is always backed by one image of its file format: a trained model
 * is serialized into memory and parsed like a loaded one, so labeling right
 * after training and labeling after a reload run the very same code on the
 * very same bytes.  The weights, idf and vocabulary are used in place.
 */
#ifndef SLANT_MODEL_H
#define SLANT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "pipeline.h"
#include "slant.h"

#define SLANT_FORMAT_VERSION 2
#define SLANT_MAX_HEADS 256
#define SLANT_MAX_CLASSES 65536
#define SLANT_MAX_NGRAM 8

typedef struct slant_head {
    const char *name;
    uint32_t n_classes;
    const char **class_names; /* n_classes */
    uint64_t *class_counts;   /* training documents per class */
    const float *weights;     /* n_features x n_classes, feature-major */
    const float *bias;        /* n_classes */
    size_t class_offset;      /* first class's slot in a probability array */
    int one_vs_rest;          /* 1: each class's score is its own logistic model, and the
                               * probabilities are their outputs normalized; 0: softmax */
    struct slant_svm_head *svm; /* an RBF head's libsvm model (weights and bias NULL) */
    const double *nb_mass;    /* nb, cnb: n_features x n_classes class-feature sums (the
                               * NB_COUNTS section), NULL when the file has none */
} slant_head;

struct slant_model {
    slant_model_kind kind;
    slant_options opt;  /* the training options, as recorded */
    slant_pipeline pipe;
    uint32_t n_heads;
    slant_head *heads;
    size_t total_classes;
    char *provenance;
    struct slant_calib_head *calib; /* n_heads maps and thresholds (calibration.h); NULL
                                     * when the file has no CALIBRATION section */
    /* storage */
    unsigned char *image; /* the whole file */
    size_t image_size;
    int mapped;           /* 1: image is an mmap; 0: malloc'ed */
    char *strings;        /* NUL-terminated copies of head and class names */
    void *heads_aux;      /* the heads' class-name pointers and counts */
};

/* What training hands to the serializer. */
typedef struct slant_head_parts {
    const char *name;
    uint32_t n_classes;
    const char *const *class_names;
    const uint64_t *class_counts;
    const float *weights; /* n_features x n_classes, then n_classes biases; NULL for an
                           * RBF head, whose libsvm model is svm (svm_size bytes) */
    const unsigned char *svm;
    size_t svm_size;
    const double *nb_mass; /* nb, cnb (may be NULL): n_features x n_classes sums of the
                            * feature values of each class's documents, unweighted; every
                            * head has them or none does */
} slant_head_parts;

/* Serializes the parts into a model image and parses it into *out. */
slant_status slant_model_build(slant_model_kind kind, const slant_options *opt,
                               const slant_pipeline *pipe, uint32_t n_heads,
                               const slant_head_parts *heads, const char *provenance,
                               slant_model **out, slant_error *err);

/* Whether MODEL can label CORPUS: text with a text model, vectors (a
 * LIBSVM file) with a model trained on vectors. */
slant_status slant_model_check_input(const slant_model *m, const slant_corpus *c,
                                     slant_error *err);

/* Fills what the options leave to the model and the solver: c, alpha,
 * max_iter and tol when 0, for the models that read them (alpha is 0,
 * "chosen", for nbsvm unless given).  The result passes
 * slant_options_check when O did. */
void slant_options_resolve(slant_options *o);

/* Class probabilities of every head for one vectorized document: probs
 * (output) has total_classes entries, best (output, may be NULL) n_heads.
 * Returns 0, or -1 when memory runs out (RBF heads only). */
int slant_model_score(const slant_model *m, const slant_feature *x, size_t n, double *probs,
                      size_t *best);

#endif /* SLANT_MODEL_H */
