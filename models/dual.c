/*
 * dual.c: L2-regularized linear models by coordinate descent on their
 * duals: logistic regression (Yu, Huang and Lin 2011, "Dual coordinate
 * descent methods for logistic regression and maximum entropy models")
 * and the squared-hinge SVM (Hsieh et al. 2008, "A dual coordinate
 * descent method for large-scale linear SVM").
 *
 * For labels y_i in {-1, +1} and per-document costs C_i = c * sw_i, the
 * primal problems are
 *     min_w  0.5 |w|^2 + sum_i C_i log(1 + exp(-y_i w.x_i))       (logistic)
 *     min_w  0.5 |w|^2 + sum_i C_i max(0, 1 - y_i w.x_i)^2        (squared hinge)
 * with the bias as the weight of a constant feature of value B, so it is
 * regularized too.  Their duals, with Q_ij = y_i y_j x_i.x_j and
 * w = sum_i a_i y_i x_i, are
 *     min_a  0.5 a'Qa + sum_i [a_i log a_i + (C_i - a_i) log(C_i - a_i)],  0 < a_i < C_i
 *     min_a  0.5 a'(Q + D)a - sum_i a_i,  a_i >= 0,  D_ii = 1 / (2 C_i).
 * One step changes one a_i to the minimizer of the dual along it (for the
 * logistic loss by a safeguarded Newton method, for the squared hinge in
 * closed form) and updates w in place: a pass over the documents costs
 * two sparse sweeps (a dot product and an update of w per document), and
 * a few passes reach the accuracy that matters.  Memory is w and a,
 * nothing per non-zero.
 *
 * Documents are visited in an order drawn afresh each pass from the seed,
 * one problem on one thread, so the result does not depend on the number
 * of threads; several classes (one against the rest each) run in
 * parallel.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "linear.h"

#define NEWTON_STEPS 100 /* per coordinate, at most; 3 to 5 is usual */
#define NEWTON_TOL 1e-10 /* |derivative| at which a coordinate is solved */

/* A uniform draw from [0, n), without the bias of a plain modulo. */
static size_t draw(uint64_t *s, size_t n)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t r;
    do
        r = slant_splitmix64(s);
    while (r >= limit);
    return (size_t)(r % n);
}

/* The minimizer u in (0, C/2] of
 *     h(u) = a (u - u0) + q + log(u / (C - u)) = 0,
 * known to lie there (h(C/2) >= 0).  h is increasing and concave on the
 * interval, so Newton's method from any start approaches the root from
 * the left after one step; a step that would leave the interval is cut
 * to a tenth of the point instead. */
static double solve_coordinate(double a, double u0, double q, double c)
{
    double u = u0 < 0.5 * c ? u0 : 0.5 * c;
    for (int k = 0; k < NEWTON_STEPS; k++) {
        double h = a * (u - u0) + q + log(u / (c - u));
        if (fabs(h) <= NEWTON_TOL)
            break;
        double next = u - h / (a + c / (u * (c - u)));
        u = next > 0 ? (next < 0.5 * c ? next : 0.5 * c) : 0.1 * u;
    }
    return u;
}

typedef struct dual_job {
    const slant_csr *x;
    const int32_t *y;
    const double *sw;
    uint32_t n_classes;
    const slant_dual_params *p;
    double *w; /* (n_problems, cols + 1): each problem's weights, then its bias weight */
    uint32_t *passes;
    unsigned char *at_limit; /* per problem: 1 when it stopped at max_iter, not converged */
    int failed;
} dual_job;

/* Problem k: class k against the rest (two classes: class 1 against 0). */
static void solve_problem(dual_job *j, uint32_t k)
{
    const slant_csr *x = j->x;
    const slant_dual_params *p = j->p;
    size_t cols = x->cols;
    double *w = j->w + (size_t)k * (cols + 1), bias = p->bias;
    uint32_t positive = j->n_classes == 2 ? 1 : k;
    size_t n = 0;
    for (size_t i = 0; i < x->rows; i++)
        n += j->y[i] >= 0 && (!j->sw || j->sw[i] > 0);
    size_t *order = slant_alloc_array(n ? n : 1, sizeof *order);
    double *alpha = slant_alloc_array(n ? n : 1, 2 * sizeof *alpha); /* a_i, then C_i - a_i */
    double *qii = slant_alloc_array(n ? n : 1, sizeof *qii);
    if (!order || !alpha || !qii) {
        __atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
        goto out;
    }
    memset(w, 0, (cols + 1) * sizeof *w);
    int hinge = p->loss == SLANT_LOSS_SQUARED_HINGE;
    size_t m = 0;
    for (size_t i = 0; i < x->rows; i++) {
        if (j->y[i] < 0 || (j->sw && !(j->sw[i] > 0)))
            continue;
        double ci = p->c * (j->sw ? j->sw[i] : 1.0), yi = j->y[i] == (int32_t)positive ? 1 : -1;
        /* The logistic dual's a_i lies strictly inside (0, C_i): start
         * near 0.  The hinge's starts at 0, and its second slot holds
         * D_ii = 1 / (2 C_i). */
        double a = hinge ? 0 : ci * 1e-3 < 1e-8 ? ci * 1e-3 : 1e-8, sq = bias * bias;
        alpha[2 * m] = a;
        alpha[2 * m + 1] = hinge ? 0.5 / ci : ci - a;
        for (size_t t = x->rowptr[i]; t < x->rowptr[i + 1]; t++) {
            sq += (double)x->value[t] * x->value[t];
            w[x->index[t]] += yi * a * x->value[t];
        }
        w[cols] += yi * a * bias;
        qii[m] = hinge ? sq + alpha[2 * m + 1] : sq;
        order[m++] = i;
    }
    /* The documents in order of their slot: a permutation is drawn over
     * slots, and a document keeps its slot across passes. */
    size_t *slot_of = slant_alloc_array(n ? n : 1, sizeof *slot_of);
    if (!slot_of) {
        __atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
        goto out;
    }
    for (size_t s = 0; s < n; s++)
        slot_of[s] = s;
    uint64_t rng = p->seed ^ (0x5851f42d4c957f2dULL * (k + 1));
    double first = 0;
    uint32_t pass = 0;
    int converged = n == 0;
    while (pass < p->max_iter && n > 0) {
        pass++;
        for (size_t s = n - 1; s > 0; s--) { /* Fisher-Yates */
            size_t r = draw(&rng, s + 1), t = slot_of[s];
            slot_of[s] = slot_of[r];
            slot_of[r] = t;
        }
        double gmax = 0;
        for (size_t s = 0; s < n; s++) {
            size_t slot = slot_of[s], i = order[slot];
            double yi = j->y[i] == (int32_t)positive ? 1 : -1;
            size_t t0 = x->rowptr[i], t1 = x->rowptr[i + 1];
            double dot = w[cols] * bias;
            for (size_t t = t0; t < t1; t++)
                dot += w[x->index[t]] * x->value[t];
            double ywx = yi * dot, a = alpha[2 * slot], ra = alpha[2 * slot + 1];
            double na, nra;
            if (hinge) {
                /* The dual's derivative along a_i, projected onto a_i >= 0,
                 * and the exact minimizer along it. */
                double g = ywx - 1 + ra * a, pg = a == 0 && g > 0 ? 0 : g;
                if (fabs(pg) > gmax)
                    gmax = fabs(pg);
                na = a - g / qii[slot];
                if (na < 0)
                    na = 0;
                nra = ra;
            } else {
                double ci = a + ra, g = ywx + log(a / ra); /* the dual's derivative along a_i */
                if (fabs(g) > gmax)
                    gmax = fabs(g);
                /* The root is below C_i / 2 when the derivative there is >= 0;
                 * otherwise solve for C_i - a_i, which then is the small one. */
                if (qii[slot] * (0.5 * ci - a) + ywx >= 0) {
                    na = solve_coordinate(qii[slot], a, ywx, ci);
                    nra = ci - na;
                } else {
                    nra = solve_coordinate(qii[slot], ra, -ywx, ci);
                    na = ci - nra;
                }
            }
            double delta = (na - a) * yi;
            alpha[2 * slot] = na;
            alpha[2 * slot + 1] = nra;
            if (delta != 0) {
                for (size_t t = t0; t < t1; t++)
                    w[x->index[t]] += delta * x->value[t];
                w[cols] += delta * bias;
            }
        }
        if (pass == 1)
            first = gmax;
        if (gmax <= p->tol * first || gmax == 0) {
            converged = 1;
            break;
        }
    }
    j->passes[k] = pass;
    j->at_limit[k] = !converged;
    free(slot_of);
out:
    free(order);
    free(alpha);
    free(qii);
}

static void solve_range(void *vctx, size_t begin, size_t end, uint32_t worker)
{
    (void)worker;
    for (size_t k = begin; k < end; k++)
        solve_problem(vctx, (uint32_t)k);
}

slant_status slant_dual_fit(const slant_csr *x, const int32_t *y, const double *sw,
                            uint32_t n_classes, const slant_dual_params *p, double *w,
                            slant_error *err)
{
    if (!(p->c > 0 && isfinite(p->c)))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "a linear model needs a finite c > 0, not %g", p->c);
    if (!(p->tol >= 0) || !(p->bias >= 0 && isfinite(p->bias)))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "a linear model needs a tolerance and a bias value >= 0");
    if (n_classes < 2)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "a linear model needs two classes");
    if (p->loss != SLANT_LOSS_LOGISTIC && p->loss != SLANT_LOSS_SQUARED_HINGE)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "unknown loss %d", (int)p->loss);
    size_t cols = x->cols;
    for (size_t i = 0; i < x->rows; i++) {
        if (y[i] >= 0 && (uint32_t)y[i] >= n_classes)
            return slant_fail(err, SLANT_STATUS_INTERNAL, "document %zu has class %ld of %u",
                              i, (long)y[i], n_classes);
        if (sw && !(sw[i] >= 0 && isfinite(sw[i])))
            return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                              "document %zu has sample weight %g; weights must be finite and "
                              ">= 0", i, sw[i]);
    }
    uint32_t problems = n_classes == 2 ? 1 : n_classes;
    dual_job j = {x, y, sw, n_classes, p, w, NULL, NULL, 0};
    j.passes = slant_calloc_array(problems, sizeof *j.passes);
    j.at_limit = slant_calloc_array(problems, sizeof *j.at_limit);
    if (!j.passes || !j.at_limit) {
        free(j.passes);
        free(j.at_limit);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    }
    slant_parallel_for(problems, slant_threads_for(p->threads, problems), solve_range, &j);
    slant_status st = SLANT_STATUS_OK;
    if (j.failed)
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY,
                        "out of memory for a linear model on %zu documents", x->rows);
    for (uint32_t k = 0; k < problems && !st; k++) {
        slant_log("%s (dual): class %u: %u passes%s",
                  p->loss == SLANT_LOSS_LOGISTIC ? "logistic" : "squared hinge",
                  problems == 1 ? 1 : k, j.passes[k],
                  j.at_limit[k] ? ", the limit, before it converged" : "");
        if (p->at_limit)
            *p->at_limit += j.at_limit[k];
        for (size_t f = 0; f <= cols; f++)
            if (!isfinite(w[(size_t)k * (cols + 1) + f])) {
                st = slant_fail(err, SLANT_STATUS_INTERNAL,
                                "the linear model diverged (non-finite weights)");
                break;
            }
    }
    free(j.passes);
    free(j.at_limit);
    return st;
}

void slant_dual_layout(const double *w, size_t cols, uint32_t n_classes, double bias,
                       float *weights, float *b)
{
    size_t nc = n_classes;
    if (n_classes == 2) { /* softmax of (-z/2, z/2) is the logistic of z */
        for (size_t f = 0; f < cols; f++) {
            weights[f * 2] = (float)(-0.5 * w[f]);
            weights[f * 2 + 1] = (float)(0.5 * w[f]);
        }
        b[0] = (float)(-0.5 * w[cols] * bias);
        b[1] = (float)(0.5 * w[cols] * bias);
        return;
    }
    for (size_t k = 0; k < nc; k++) {
        const double *wk = w + k * (cols + 1);
        for (size_t f = 0; f < cols; f++)
            weights[f * nc + k] = (float)wk[f];
        b[k] = (float)(wk[cols] * bias);
    }
}

slant_status slant_lr_dual_fit(const slant_csr *x, const int32_t *y, const double *sw,
                               uint32_t n_classes, const slant_dual_params *p, float *weights,
                               float *bias, slant_error *err)
{
    if (n_classes < 2)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "logistic regression needs two classes");
    uint32_t problems = n_classes == 2 ? 1 : n_classes;
    double *w = slant_alloc_array(problems, (x->cols + 1) * sizeof *w);
    if (!w)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY,
                          "out of memory for logistic regression on %zu features", x->cols);
    slant_dual_params q = *p;
    q.loss = SLANT_LOSS_LOGISTIC;
    slant_status st = slant_dual_fit(x, y, sw, n_classes, &q, w, err);
    if (!st)
        slant_dual_layout(w, x->cols, n_classes, p->bias, weights, bias);
    free(w);
    return st;
}
