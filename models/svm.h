/*
 * svm.h: C-SVC through libsvm (Debian's libsvm-dev, linked), and the
 * SVM section of the model file.  Private to the library.
 *
 * Linear kernel: libsvm fits each head, one two-class C-SVC for two
 * classes, one per class against the rest for more, each with libsvm's
 * Platt scaling; every decision function f(x) = sum_i a_i <sv_i, x> - rho
 * is then folded into one weight vector per class, so that a linear model
 * scores like logistic regression and gives libsvm's probability
 * P = 1 / (1 + exp(A f(x) + B)).
 *
 * RBF kernel: one libsvm model per head (libsvm's one against one, with
 * its pairwise coupling of probabilities), kept whole in the model file;
 * labeling evaluates the kernel on every support vector.
 */
#ifndef SLANT_SVM_H
#define SLANT_SVM_H

#include <stddef.h>
#include <stdint.h>

#include "linear.h"
#include "slant.h"

typedef struct slant_svm_params {
    slant_kernel kernel;
    double c;        /* C of the C-SVC */
    double gamma;    /* rbf: exp(-gamma |u - v|^2); 0: 1 / (features x variance of X) */
    double tol;      /* libsvm's stopping tolerance */
    int balanced;    /* weigh each class's C inversely to its size */
    uint64_t seed;   /* seeds libsvm's shuffles for the Platt folds */
} slant_svm_params;

/* The gamma that 0 stands for: 1 / (cols x variance of X's entries), the
 * rows with y >= 0 counted; 1 for an all-zero X. */
double slant_svm_scale_gamma(const slant_csr *x, const int32_t *y);

/* Linear kernel: fits the classes y (as in linear.h) and writes W
 * (cols x n_classes, then n_classes biases, as logistic regression's)
 * whose scores give libsvm's Platt probabilities: a softmax over the two
 * classes of a two-class head, each class's logistic output normalized
 * for more (as the dual solver's one against the rest). */
slant_status slant_svm_fit_linear(const slant_csr *x, const int32_t *y, uint32_t n_classes,
                                  const slant_svm_params *p, float *weights,
                                  slant_error *err);

/* RBF kernel: fits one libsvm model and serializes it as a head's part of
 * the SVM section into *blob (output, malloc'ed, *size bytes, a multiple
 * of 8).  *n_sv (output) is its number of support vectors. */
slant_status slant_svm_fit_rbf(const slant_csr *x, const int32_t *y, uint32_t n_classes,
                               const slant_svm_params *p, unsigned char **blob, size_t *size,
                               size_t *n_sv, slant_error *err);

/* A kernel head read from the SVM section, used in place. */
typedef struct slant_svm_head slant_svm_head;

/* Checks the head part at P (at most SIZE bytes, 8-byte aligned) against
 * the head's N_CLASSES and the model's N_FEATURES; *used (output) is its
 * size.  Fills *out or returns a message through err (NAME: the file). */
slant_status slant_svm_head_parse(const unsigned char *p, uint64_t size, uint32_t n_classes,
                                  uint32_t n_features, const char *name, slant_svm_head **out,
                                  uint64_t *used, slant_error *err);
void slant_svm_head_free(slant_svm_head *h);
size_t slant_svm_head_vectors(const slant_svm_head *h);
double slant_svm_head_gamma(const slant_svm_head *h);

/* Class probabilities (output, n_classes) of the document X (n features,
 * any order).  Returns 0, or -1 when memory runs out. */
int slant_svm_head_score(const slant_svm_head *h, const slant_feature *x, size_t n,
                         double *probs);

#endif /* SLANT_SVM_H */
