/*
 * linear.h: the numeric core shared by the classifiers: a sparse matrix of
 * documents, the BLAS seam, and the trainers of naive Bayes and logistic
 * regression.  Private to the library.
 *
 * Weight layout, used everywhere (trainers, model file, scoring): a head
 * with C classes over F features keeps W as F x C floats, feature-major
 * (W[f*C + k]), followed by C biases.  Feature-major rows make scoring a
 * sparse document touch one short contiguous row per non-zero.
 */
#ifndef SLANT_LINEAR_H
#define SLANT_LINEAR_H

#include <stddef.h>
#include <stdint.h>

#include "slant.h"

/* Documents as rows of a compressed sparse row matrix: row i holds
 * index[rowptr[i] .. rowptr[i+1]) with values value[...], indices strictly
 * increasing within a row and < cols. */
typedef struct slant_csr {
    size_t rows, cols;
    size_t *rowptr;  /* rows + 1 */
    uint32_t *index; /* rowptr[rows] */
    float *value;    /* rowptr[rows] */
} slant_csr;

void slant_csr_free(slant_csr *m); /* frees the arrays, not m */

/* ---- BLAS seam ------------------------------------------------------
 * Every dense vector operation of the solvers goes through these.  They
 * call OpenBLAS unless the library was built with SLANT_BLAS_REF (make
 * BLAS=ref) or slant_blas_use_reference(1) was called, in which case they
 * run the plain-C loops beside them in
 * blas.c.  OpenBLAS itself runs single-threaded (see blas.c).  Shapes are in the comments. */
void slant_blas_use_reference(int on); /* process-wide switch, for tests */
int slant_blas_is_reference(void);
double slant_ddot(size_t n, const double *x, const double *y);      /* x.y, x,y (n) */
void slant_daxpy(size_t n, double a, const double *x, double *y);   /* y += a x */
void slant_dscal(size_t n, double a, double *x);                    /* x *= a */
double slant_dnrm2(size_t n, const double *x);                      /* |x|_2 */
void slant_dcopy(size_t n, const double *x, double *y);             /* y = x */
/* y = alpha * A x + beta * y; A (m, n) row-major, x (n), y (m). */
void slant_dgemv(size_t m, size_t n, double alpha, const double *a, const double *x,
                 double beta, double *y);
/* y = alpha * A^T x + beta * y; A (m, n) row-major, x (m), y (n). */
void slant_dgemv_t(size_t m, size_t n, double alpha, const double *a, const double *x,
                   double beta, double *y);

/* Plain-C versions, always built, so tests can compare both. */
double slant_ref_ddot(size_t n, const double *x, const double *y);
void slant_ref_daxpy(size_t n, double a, const double *x, double *y);
void slant_ref_dscal(size_t n, double a, double *x);
double slant_ref_dnrm2(size_t n, const double *x);
void slant_ref_dcopy(size_t n, const double *x, double *y);
void slant_ref_dgemv(size_t m, size_t n, double alpha, const double *a, const double *x,
                     double beta, double *y);
void slant_ref_dgemv_t(size_t m, size_t n, double alpha, const double *a, const double *x,
                       double beta, double *y);

/* ---- Trainers --------------------------------------------------------
 * y[i] is row i's class in [0, n_classes) or -1 to leave the row out.
 * sample_weight (rows, may be NULL) scales each row's term.
 * weights (output) is cols x n_classes, bias (output) n_classes. */

/* Naive Bayes on non-negative feature values.  Multinomial: weights are
 * log P(f|k) with additive smoothing alpha, bias log P(k).  Complement
 * (complement != 0, Rennie et al. 2003): weights are -log P(f|not k), the
 * smoothed feature distribution of every other class, and bias 0. */
slant_status slant_nb_fit(const slant_csr *x, const int32_t *y, const double *sample_weight,
                          uint32_t n_classes, double alpha, int complement, float *weights,
                          float *bias, slant_error *err);

/* The same in two steps, so that shards' sums can be added before the
 * closed form (slant_model_merge, streamed training).  slant_nb_count adds
 * each labeled row's values into mass (in/out, cols x n_classes,
 * feature-major) and 1 into docs[y] (in/out, n_classes), unweighted.
 * slant_nb_finish turns them into weights and biases as slant_nb_fit
 * does, each class's sums scaled by class_w[k] (NULL: 1), the weight of
 * every one of its documents. */
void slant_nb_count(const slant_csr *x, const int32_t *y, uint32_t n_classes, double *mass,
                    double *docs);
slant_status slant_nb_finish(const double *mass, const double *docs, const double *class_w,
                             size_t n_features, uint32_t n_classes, double alpha, int complement,
                             float *weights, float *bias, slant_error *err);
/* slant_nb_finish on sums and COUNTS (n_classes labeled documents), each
 * class weighed as balanced class weights weigh its documents when
 * BALANCED, else 1: what training gives for the documents summed. */
slant_status slant_nb_from_sums(const double *mass, const uint64_t *counts, size_t n_features,
                                uint32_t n_classes, int balanced, double alpha, int complement,
                                float *weights, float *bias, slant_error *err);

/* Naive-Bayes feature scales (Wang & Manning 2012, "NBSVM"): for each
 * feature f and class k the log-count ratio
 *   r_fk = log((alpha + m_fk) / |alpha + m_.k|_1) - log((alpha + m_f,~k) / |alpha + m_.~k|_1)
 * where m_fk is the feature's mass in class k and m_f,~k in the other
 * classes; scale (output, cols) receives sqrt(mean_k r_fk^2), which is |r_f|
 * for two classes.  A linear model fitted on X scaled by these columns
 * and whose weights are then multiplied by them scores raw X. */
slant_status slant_nb_scales(const slant_csr *x, const int32_t *y, uint32_t n_classes,
                             double alpha, double *scale, slant_error *err);

typedef struct slant_lr_params {
    double c;          /* objective 0.5|W|^2 + c * sum_i sw_i * (-log p(y_i | x_i)) */
    uint32_t max_iter; /* L-BFGS iterations */
    double tol;        /* stop when |grad| <= tol * |grad_0| */
    uint32_t threads;  /* 0: all cores */
    uint32_t *at_limit; /* output, may be NULL: incremented when the fit stopped at
                         * max_iter iterations before it converged */
} slant_lr_params;

/* Softmax logistic regression by L-BFGS.  The biases are not regularized.
 * The result is identical for any thread count. */
slant_status slant_lr_fit(const slant_csr *x, const int32_t *y, const double *sample_weight,
                          uint32_t n_classes, const slant_lr_params *p, float *weights,
                          float *bias, slant_error *err);

typedef enum slant_loss {
    SLANT_LOSS_LOGISTIC = 0,  /* log(1 + exp(-m)) of the margin m = y (w.x + bias w_b) */
    SLANT_LOSS_SQUARED_HINGE  /* max(0, 1 - m)^2 */
} slant_loss;

typedef struct slant_dual_params {
    double c;          /* objective 0.5|w|^2 + c * sum_i sw_i loss_i */
    double bias;       /* value of the constant feature whose weight is the bias; 0: no bias */
    double tol;        /* stop when a pass's largest dual derivative is tol x the first pass's */
    uint32_t max_iter; /* passes over the documents, at most */
    uint64_t seed;     /* the order of the documents in each pass */
    uint32_t threads;  /* classes run in parallel; 0: all cores */
    slant_loss loss;   /* slant_dual_fit only; slant_lr_dual_fit is logistic */
    uint32_t *at_limit; /* output, may be NULL: incremented for each problem that
                         * stopped at max_iter passes before it converged */
} slant_dual_params;

/* The raw problems behind both: for two classes one problem (class 1
 * against class 0), else one per class against the rest; w (output) is
 * problems x (cols + 1) doubles, each problem's weights, then the weight
 * of the constant feature (the bias is that times p->bias).  Documents
 * with y < 0 or weight 0 are left out.  See dual.c. */
slant_status slant_dual_fit(const slant_csr *x, const int32_t *y, const double *sample_weight,
                            uint32_t n_classes, const slant_dual_params *p, double *w,
                            slant_error *err);
/* Raw problems' weights W (as slant_dual_fit writes them) in the model's
 * layout (see slant_lr_dual_fit); BIAS is the constant feature's value. */
void slant_dual_layout(const double *w, size_t cols, uint32_t n_classes, double bias,
                       float *weights, float *b);

/* L2-regularized logistic regression by dual coordinate descent (see
 * dual.c): one problem for two classes, else each class against the
 * rest.  weights (output) cols x n_classes and bias (output) n_classes, in
 * the usual layout: for two classes the columns hold -w/2 and w/2, so the
 * softmax of the scores is the logistic probability; for more, column k
 * holds class k's own w, whose logistic outputs are to be normalized.
 * The result is identical for any thread count. */
slant_status slant_lr_dual_fit(const slant_csr *x, const int32_t *y, const double *sample_weight,
                               uint32_t n_classes, const slant_dual_params *p, float *weights,
                               float *bias, slant_error *err);

/* NBSVM (see nbsvm.c): a squared-hinge SVM on features scaled by their
 * naive-Bayes log-count ratios, interpolated toward naive Bayes by beta,
 * one problem for two classes, else each class against the rest.  alpha
 * 0 and beta < 0 ask for the inner cross-validation to choose them (from
 * 0.5, 1 and 0, 0.1, 0.25, 0.5, 0.75, 1), which, with calibrate, also
 * fits Platt's sigmoid to held-out scores.  weights and bias (output) as
 * slant_lr_dual_fit's; choice (output, may be NULL) what was chosen. */
typedef struct slant_nbsvm_params {
    double c;          /* the SVM's: 0.5|w|^2 + c * sum_i sw_i max(0, 1 - m_i)^2 */
    double alpha;      /* smoothing of the log-count ratios; 0: chosen */
    double beta;       /* interpolation, in [0, 1]; < 0: chosen */
    uint32_t folds;    /* of the inner cross-validation (at most 20) */
    int calibrate;     /* 1: Platt scaling on the inner folds' held-out scores */
    double tol;        /* the SVM's, as slant_dual_params' */
    uint32_t max_iter;
    uint64_t seed;     /* the inner folds and the SVM's order of documents */
} slant_nbsvm_params;

typedef struct slant_nbsvm_choice {
    double alpha, beta;
    uint32_t folds;    /* 0 when there was no inner cross-validation */
    double accuracy;   /* of the choice on the inner folds (weighted by sw) */
    uint32_t at_limit; /* problems of the final fit that stopped at max_iter passes
                        * before they converged (the inner folds' are not counted) */
} slant_nbsvm_choice;

slant_status slant_nbsvm_fit(const slant_csr *x, const int32_t *y, const double *sample_weight,
                             uint32_t n_classes, const slant_nbsvm_params *p, float *weights,
                             float *bias, slant_nbsvm_choice *choice, slant_error *err);

/* The objective above at parameters w ((cols + 1) x n_classes: W then the
 * biases), with its gradient written to grad (same shape; may be NULL).
 * Exposed for the finite-difference test. */
double slant_lr_objective(const slant_csr *x, const int32_t *y, const double *sample_weight,
                          uint32_t n_classes, double c, const double *w, double *grad,
                          uint32_t threads);

#endif /* SLANT_LINEAR_H */
