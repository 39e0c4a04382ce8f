/*
 * nbsvm.c: NBSVM (Wang and Manning 2012, "Baselines and bigrams"), an SVM
 * on features scaled by their naive-Bayes log-count ratios, interpolated
 * toward naive Bayes, with probabilities by Platt scaling.
 *
 * For one class against the rest, with p = alpha + the sum of the rows of
 * the class and q = alpha + the sum of the others,
 *     r = log(p / |p|_1) - log(q / |q|_1)                 (per feature)
 * and a squared-hinge SVM fits weights w and bias b on the rows x o r.
 * With m the mean of |w|, the interpolated model scores
 *     s(x) = sum_f x_f r_f ((1 - beta) m + beta w_f) + (1 - beta) m l + beta b,
 * with l = log((N+ + 1) / (N- + 1)), naive Bayes's prior smoothed,
 * so beta = 0 is naive Bayes (scaled by m, with its prior) and beta = 1
 * the SVM.  Interpolating the bias as well, rather than keeping the SVM's
 * after shrinking w, matters: the SVM's bias belongs to its own scale.
 *
 * alpha and beta, unless given, are chosen by an inner cross-validation on
 * the training documents (stratified folds drawn from the seed): for each
 * alpha the SVM is fitted once per fold, and every beta is scored on the
 * fold's held-out documents from two sums per document.  The held-out
 * scores of the choice then fit Platt's sigmoid P = 1 / (1 + exp(-(A s +
 * B))), so the probabilities are calibrated on documents the model did
 * not see.  Everything folds into one linear model over the raw features:
 * labeling costs what logistic regression's does.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "linear.h"

static const double alpha_grid[] = {0.5, 1.0};
static const double beta_grid[] = {0.0, 0.1, 0.25, 0.5, 0.75, 1.0};
#define N_ALPHA (sizeof alpha_grid / sizeof alpha_grid[0])
#define N_BETA (sizeof beta_grid / sizeof beta_grid[0])
#define MAX_FOLDS 20

/* One class-against-the-rest problem fitted on the rows with train[i]:
 * its ratios r (cols), SVM weights w (cols + 1, the last the bias), and
 * what interpolation needs. */
typedef struct fitted_problem {
    double *r, *w;
    double mean_abs, log_prior, bias;
} fitted_problem;

typedef struct nbsvm_ctx {
    const slant_csr *x;
    const int32_t *y;
    const double *sw;
    uint32_t n_classes, problems;
    const slant_nbsvm_params *p;
    float *scaled; /* nnz: the values of x times r of the problem being fitted */
    int32_t *yk;   /* rows: 1 in the class, 0 not, -1 left out */
    uint32_t at_limit; /* final fits that stopped at the pass limit */
} nbsvm_ctx;

static uint32_t positive_class(const nbsvm_ctx *c, uint32_t k)
{
    return c->n_classes == 2 ? 1 : k;
}

/* Fits problem k on the rows where use[i] (NULL: every labeled row). */
static slant_status fit_problem(nbsvm_ctx *c, uint32_t k, double alpha, const uint8_t *use,
                                fitted_problem *out, slant_error *err)
{
    const slant_csr *x = c->x;
    size_t cols = x->cols;
    uint32_t pos = positive_class(c, k);
    double *p = slant_calloc_array(cols, sizeof *p), *q = slant_calloc_array(cols, sizeof *q);
    if (!p || !q) {
        free(p);
        free(q);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory for NBSVM ratios");
    }
    double n_pos = 0, n_neg = 0;
    for (size_t i = 0; i < x->rows; i++) {
        if (c->y[i] < 0 || (use && !use[i])) {
            c->yk[i] = -1;
            continue;
        }
        int in = c->y[i] == (int32_t)pos;
        c->yk[i] = in;
        double *acc = in ? p : q;
        for (size_t j = x->rowptr[i]; j < x->rowptr[i + 1]; j++)
            acc[x->index[j]] += x->value[j];
        if (in)
            n_pos += 1;
        else
            n_neg += 1;
    }
    double sp = 0, sq = 0;
    for (size_t f = 0; f < cols; f++) {
        sp += alpha + p[f];
        sq += alpha + q[f];
    }
    for (size_t f = 0; f < cols; f++)
        out->r[f] = log((alpha + p[f]) / sp) - log((alpha + q[f]) / sq);
    free(p);
    free(q);
    for (size_t i = 0; i < x->rows; i++)
        for (size_t j = x->rowptr[i]; j < x->rowptr[i + 1]; j++)
            c->scaled[j] = (float)(x->value[j] * out->r[x->index[j]]);
    slant_csr xs = *x;
    xs.value = c->scaled;
    slant_dual_params dp = {c->p->c, 1.0, c->p->tol, c->p->max_iter, c->p->seed, 1,
                            SLANT_LOSS_SQUARED_HINGE, use ? NULL : &c->at_limit};
    slant_status st = slant_dual_fit(&xs, c->yk, c->sw, 2, &dp, out->w, err);
    if (st)
        return st;
    double s = 0;
    for (size_t f = 0; f < cols; f++)
        s += fabs(out->w[f]);
    out->mean_abs = cols ? s / (double)cols : 0;
    out->log_prior = log((n_pos + 1) / (n_neg + 1));
    out->bias = out->w[cols];
    return SLANT_STATUS_OK;
}

/* Held-out sums of row i under problem fp: s1 = sum x r, s2 = sum x r w. */
static void row_sums(const slant_csr *x, size_t i, const fitted_problem *fp, double *s1,
                     double *s2)
{
    double a = 0, b = 0;
    for (size_t j = x->rowptr[i]; j < x->rowptr[i + 1]; j++) {
        double v = x->value[j] * fp->r[x->index[j]];
        a += v;
        b += v * fp->w[x->index[j]];
    }
    *s1 = a;
    *s2 = b;
}

/* The interpolated score from a row's sums. */
static double score_of(const fitted_problem *fp, double beta, double s1, double s2)
{
    return (1 - beta) * fp->mean_abs * (s1 + fp->log_prior) + beta * (s2 + fp->bias);
}

/* Platt's sigmoid on (score s_i, in-class t_i, weight v_i): A and B that
 * minimize the weighted log loss of 1 / (1 + exp(-(A s + B))) against the
 * smoothed targets (N+ + 1) / (N+ + 2) and 1 / (N- + 2), by Newton's
 * method with a backtracking line search. */
static void platt(const double *s, const uint8_t *t, const double *v, size_t n, double *a_out,
                  double *b_out)
{
    double np = 0, nn = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i])
            np += v[i];
        else
            nn += v[i];
    }
    double hi = (np + 1) / (np + 2), lo = 1 / (nn + 2);
    double a = 0, b = log((np + 1) / (nn + 1));
#define PLATT_LOSS(A, B, OUT)                                                            \
    do {                                                                                 \
        double l_ = 0;                                                                   \
        for (size_t i_ = 0; i_ < n; i_++) {                                              \
            double z_ = (A) * s[i_] + (B), tt_ = t[i_] ? hi : lo;                        \
            /* -[t log sigma(z) + (1 - t) log sigma(-z)], stably */                      \
            double lp_ = z_ >= 0 ? -log1p(exp(-z_)) : z_ - log1p(exp(z_));               \
            double ln_ = z_ >= 0 ? -z_ - log1p(exp(-z_)) : -log1p(exp(z_));              \
            l_ -= v[i_] * (tt_ * lp_ + (1 - tt_) * ln_);                                 \
        }                                                                                \
        (OUT) = l_;                                                                      \
    } while (0)
    double f;
    PLATT_LOSS(a, b, f);
    for (int it = 0; it < 100; it++) {
        double ga = 0, gb = 0, haa = 1e-12, hab = 0, hbb = 1e-12;
        for (size_t i = 0; i < n; i++) {
            double z = a * s[i] + b, pr = 1 / (1 + exp(-z)), tt = t[i] ? hi : lo;
            double d = v[i] * (pr - tt), h = v[i] * pr * (1 - pr);
            ga += d * s[i];
            gb += d;
            haa += h * s[i] * s[i];
            hab += h * s[i];
            hbb += h;
        }
        if (fabs(ga) < 1e-9 && fabs(gb) < 1e-9)
            break;
        double det = haa * hbb - hab * hab;
        if (!(det > 0))
            break;
        double da = -(hbb * ga - hab * gb) / det, db = -(haa * gb - hab * ga) / det;
        double step = 1, fn = f;
        for (; step > 1e-10; step *= 0.5) {
            PLATT_LOSS(a + step * da, b + step * db, fn);
            if (fn < f + 1e-4 * step * (ga * da + gb * db))
                break;
        }
        if (step <= 1e-10)
            break;
        a += step * da;
        b += step * db;
        f = fn;
    }
#undef PLATT_LOSS
    *a_out = a;
    *b_out = b;
}

static void problem_free(fitted_problem *fp)
{
    free(fp->r);
    free(fp->w);
    fp->r = fp->w = NULL;
}

static int problem_alloc(fitted_problem *fp, size_t cols)
{
    fp->r = slant_alloc_array(cols ? cols : 1, sizeof *fp->r);
    fp->w = slant_alloc_array(cols + 1, sizeof *fp->w);
    return fp->r && fp->w ? 0 : -1;
}

/* Deals the labeled rows into stratified folds (fold, output): each
 * class's rows in an order drawn from the seed, round robin.  Returns the
 * number of folds, WANT or fewer when a class has fewer rows; -1 when
 * memory runs out. */
static int assign_folds(const int32_t *y, size_t rows, uint32_t n_classes, uint32_t want,
                        uint64_t seed, uint8_t *fold)
{
    uint64_t *per_class = slant_calloc_array(n_classes, sizeof *per_class);
    size_t *order = slant_alloc_array(rows ? rows : 1, sizeof *order);
    if (!per_class || !order) {
        free(per_class);
        free(order);
        return -1;
    }
    for (size_t i = 0; i < rows; i++)
        if (y[i] >= 0)
            per_class[y[i]]++;
    uint32_t folds = want;
    for (uint32_t k = 0; k < n_classes; k++)
        if (per_class[k] < folds)
            folds = (uint32_t)per_class[k];
    uint64_t rng = seed ^ 0x6e6273766dULL; /* "nbsvm" */
    for (size_t i = 0; i < rows; i++)
        order[i] = i;
    for (size_t i = rows; i > 1; i--) { /* Fisher-Yates */
        size_t j = (size_t)(slant_splitmix64(&rng) % i), t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    memset(per_class, 0, n_classes * sizeof *per_class); /* now: rows dealt per class */
    for (size_t n = 0; n < rows && folds > 0; n++) {
        size_t i = order[n];
        if (y[i] >= 0)
            fold[i] = (uint8_t)(per_class[y[i]]++ % folds);
    }
    free(per_class);
    free(order);
    return (int)folds;
}

/* What the inner cross-validation leaves: the choice, and for each problem
 * Platt's A and B. */
typedef struct tuning {
    double alpha, beta, accuracy;
    double *platt_a, *platt_b; /* (problems) */
} tuning;

/* The held-out predictions of every row for one alpha, at every beta of
 * the grid: s1 and s2 (rows x problems) and each fold model's terms. */
typedef struct held_out {
    double *s1, *s2;
    fitted_problem *terms; /* (folds x problems) */
} held_out;

/* The class predicted for row i from its held-out sums at BETA. */
static uint32_t held_prediction(const nbsvm_ctx *c, const held_out *h, const uint8_t *fold,
                                size_t i, double beta)
{
    uint32_t pred = 0, P = c->problems;
    double top = -INFINITY;
    for (uint32_t k = 0; k < P; k++) {
        const fitted_problem *t = &h->terms[(size_t)fold[i] * P + k];
        double sc = score_of(t, beta, h->s1[i * P + k], h->s2[i * P + k]);
        if (P == 1)
            return sc > 0;
        if (sc > top) {
            top = sc;
            pred = k;
        }
    }
    return pred;
}

/* The inner cross-validation over FOLDS folds: for each alpha (the one
 * given, or the grid's), one fit per fold and problem, then every beta
 * (the one given, or the grid's) scored by the weighted accuracy of the
 * held-out rows; ties go to the larger alpha, then the larger beta.  With
 * calibrate, Platt's sigmoid is fitted to the held-out scores of the
 * choice. */
static slant_status tune(nbsvm_ctx *c, const uint8_t *fold, uint32_t folds, fitted_problem *fp,
                         tuning *out, slant_error *err)
{
    const slant_csr *x = c->x;
    const slant_nbsvm_params *p = c->p;
    size_t rows = x->rows;
    uint32_t P = c->problems;
    size_t labeled = 0;
    for (size_t i = 0; i < rows; i++)
        labeled += c->y[i] >= 0;
    held_out h = {slant_alloc_array(rows ? rows : 1, P * sizeof(double)),
                  slant_alloc_array(rows ? rows : 1, P * sizeof(double)),
                  slant_calloc_array((size_t)folds * P, sizeof(fitted_problem))};
    uint8_t *use = slant_alloc_array(rows ? rows : 1, 1);
    double *scores = slant_alloc_array(labeled + 1, P * sizeof *scores);
    double *weight = slant_alloc_array(labeled + 1, sizeof *weight);
    uint8_t *target = slant_alloc_array(labeled + 1, P);
    slant_status st = SLANT_STATUS_OK;
    if (!h.s1 || !h.s2 || !h.terms || !use || !scores || !weight || !target) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory for NBSVM's folds");
        goto out;
    }
    out->accuracy = -1;
    size_t n_alpha = p->alpha > 0 ? 1 : N_ALPHA, n_beta = p->beta >= 0 ? 1 : N_BETA;
    for (size_t ai = 0; ai < n_alpha; ai++) {
        double alpha = p->alpha > 0 ? p->alpha : alpha_grid[ai];
        for (uint32_t f = 0; f < folds; f++) {
            for (size_t i = 0; i < rows; i++)
                use[i] = c->y[i] >= 0 && fold[i] != f;
            for (uint32_t k = 0; k < P; k++) {
                if ((st = fit_problem(c, k, alpha, use, fp, err)))
                    goto out;
                fitted_problem *t = &h.terms[(size_t)f * P + k];
                t->mean_abs = fp->mean_abs;
                t->log_prior = fp->log_prior;
                t->bias = fp->bias;
                for (size_t i = 0; i < rows; i++)
                    if (c->y[i] >= 0 && fold[i] == f)
                        row_sums(x, i, fp, &h.s1[i * P + k], &h.s2[i * P + k]);
            }
        }
        int improved = 0;
        for (size_t bi = 0; bi < n_beta; bi++) {
            double beta = p->beta >= 0 ? p->beta : beta_grid[bi], right = 0, total = 0;
            for (size_t i = 0; i < rows; i++) {
                if (c->y[i] < 0)
                    continue;
                double v = c->sw ? c->sw[i] : 1.0;
                total += v;
                if (held_prediction(c, &h, fold, i, beta) == (uint32_t)c->y[i])
                    right += v;
            }
            double acc = total > 0 ? right / total : 0;
            if (acc >= out->accuracy) {
                out->accuracy = acc;
                out->alpha = alpha;
                out->beta = beta;
                improved = 1;
            }
        }
        if (!improved)
            continue;
        /* The held-out scores of the best choice so far, for Platt: the
         * next alpha's fits overwrite h. */
        size_t n = 0;
        for (size_t i = 0; i < rows; i++) {
            if (c->y[i] < 0)
                continue;
            weight[n] = c->sw ? c->sw[i] : 1.0;
            for (uint32_t k = 0; k < P; k++) {
                const fitted_problem *t = &h.terms[(size_t)fold[i] * P + k];
                scores[k * labeled + n] = score_of(t, out->beta, h.s1[i * P + k], h.s2[i * P + k]);
                target[k * labeled + n] = c->y[i] == (int32_t)positive_class(c, k);
            }
            n++;
        }
    }
    for (uint32_t k = 0; k < P; k++) {
        out->platt_a[k] = 1;
        out->platt_b[k] = 0;
        if (p->calibrate)
            platt(scores + k * labeled, target + k * labeled, weight, labeled, &out->platt_a[k],
                  &out->platt_b[k]);
    }
out:
    free(h.s1);
    free(h.s2);
    free(h.terms);
    free(use);
    free(scores);
    free(weight);
    free(target);
    return st;
}

slant_status slant_nbsvm_fit(const slant_csr *x, const int32_t *y, const double *sw,
                             uint32_t n_classes, const slant_nbsvm_params *p, float *weights,
                             float *bias, slant_nbsvm_choice *choice, slant_error *err)
{
    if (n_classes < 2)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "NBSVM needs two classes");
    if (!(p->c > 0 && isfinite(p->c)))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "NBSVM needs a finite c > 0, not %g",
                          p->c);
    if (!(p->alpha >= 0 && isfinite(p->alpha)) || !(p->beta <= 1) || p->folds > MAX_FOLDS)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "NBSVM needs alpha >= 0 (0: chosen), beta <= 1 (< 0: chosen) and at "
                          "most %d folds", MAX_FOLDS);
    size_t rows = x->rows, cols = x->cols, nnz = x->rowptr[rows];
    uint32_t P = n_classes == 2 ? 1 : n_classes;
    nbsvm_ctx c = {x, y, sw, n_classes, P, p, NULL, NULL, 0};
    c.scaled = slant_alloc_array(nnz ? nnz : 1, sizeof *c.scaled);
    c.yk = slant_alloc_array(rows ? rows : 1, sizeof *c.yk);
    uint8_t *fold = slant_alloc_array(rows ? rows : 1, 1);
    double *wf = slant_alloc_array(P, (cols + 1) * sizeof *wf);
    tuning t = {p->alpha > 0 ? p->alpha : 1.0, p->beta >= 0 ? p->beta : 0.25, NAN,
                slant_alloc_array(P, sizeof(double)), slant_alloc_array(P, sizeof(double))};
    fitted_problem fp = {0};
    slant_status st = SLANT_STATUS_OK;
    int folds = 0;
    if (!c.scaled || !c.yk || !fold || !wf || !t.platt_a || !t.platt_b
        || problem_alloc(&fp, cols) || (folds = assign_folds(y, rows, n_classes, p->folds,
                                                             p->seed, fold)) < 0) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory for NBSVM on %zu documents",
                        rows);
        goto out;
    }
    for (uint32_t k = 0; k < P; k++) {
        t.platt_a[k] = 1;
        t.platt_b[k] = 0;
    }
    /* Too few documents of a class to hold any out: the given values or
     * Wang and Manning's, uncalibrated. */
    int tuned = folds >= 2 && (p->alpha == 0 || p->beta < 0 || p->calibrate);
    if (tuned && (st = tune(&c, fold, (uint32_t)folds, &fp, &t, err)))
        goto out;
    /* The final fit on every labeled document, folded into one linear
     * model: weight_f = A r_f ((1 - beta) m + beta w_f), and the bias. */
    for (uint32_t k = 0; k < P; k++) {
        if ((st = fit_problem(&c, k, t.alpha, NULL, &fp, err)))
            goto out;
        double *o = wf + (size_t)k * (cols + 1), m = fp.mean_abs, a = t.platt_a[k];
        for (size_t f = 0; f < cols; f++)
            o[f] = a * fp.r[f] * ((1 - t.beta) * m + t.beta * fp.w[f]);
        o[cols] = a * ((1 - t.beta) * m * fp.log_prior + t.beta * fp.bias) + t.platt_b[k];
    }
    slant_dual_layout(wf, cols, n_classes, 1.0, weights, bias);
    if (choice)
        *choice = (slant_nbsvm_choice){t.alpha, t.beta, tuned ? (uint32_t)folds : 0,
                                       tuned ? t.accuracy : NAN, c.at_limit};
out:
    problem_free(&fp);
    free(c.scaled);
    free(c.yk);
    free(fold);
    free(wf);
    free(t.platt_a);
    free(t.platt_b);
    return st;
}
