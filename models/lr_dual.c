/*
 * lr_dual.c: L2-regularized logistic regression by coordinate descent on
 * its dual (Yu, Huang and Lin 2011, "Dual coordinate descent methods for
 * logistic regression and maximum entropy models").
 *
 * For labels y_i in {-1, +1} and per-document costs C_i = c * sw_i, the
 * primal problem is
 *     min_w  0.5 |w|^2 + sum_i C_i log(1 + exp(-y_i w.x_i)),
 * with the bias as the weight of a constant feature of value B, so it is
 * regularized too.  Its dual is
 *     min_a  0.5 a'Qa + sum_i [a_i log a_i + (C_i - a_i) log(C_i - a_i)],
 *     0 < a_i < C_i,  Q_ij = y_i y_j x_i.x_j,  w = sum_i a_i y_i x_i.
 * One step changes one a_i to the minimizer of the dual along it, found by
 * a safeguarded Newton method, and updates w in place: the cost of a pass
 * over the documents is two sparse sweeps (a dot product and an update of
 * w per document), and a few passes reach the accuracy that matters.
 * Memory is w and a, nothing per non-zero.
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

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A uniform draw from [0, n), without the bias of a plain modulo. */
static size_t draw(uint64_t *s, size_t n)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t r;
    do
        r = splitmix64(s);
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
        j->failed = 1;
        goto out;
    }
    memset(w, 0, (cols + 1) * sizeof *w);
    size_t m = 0;
    for (size_t i = 0; i < x->rows; i++) {
        if (j->y[i] < 0 || (j->sw && !(j->sw[i] > 0)))
            continue;
        double ci = p->c * (j->sw ? j->sw[i] : 1.0), yi = j->y[i] == (int32_t)positive ? 1 : -1;
        double a = ci * 1e-3 < 1e-8 ? ci * 1e-3 : 1e-8, sq = bias * bias;
        alpha[2 * m] = a;
        alpha[2 * m + 1] = ci - a;
        for (size_t t = x->rowptr[i]; t < x->rowptr[i + 1]; t++) {
            sq += (double)x->value[t] * x->value[t];
            w[x->index[t]] += yi * a * x->value[t];
        }
        w[cols] += yi * a * bias;
        qii[m] = sq;
        order[m++] = i;
    }
    /* The documents in order of their slot: a permutation is drawn over
     * slots, and a document keeps its slot across passes. */
    size_t *slot_of = slant_alloc_array(n ? n : 1, sizeof *slot_of);
    if (!slot_of) {
        j->failed = 1;
        goto out;
    }
    for (size_t s = 0; s < n; s++)
        slot_of[s] = s;
    uint64_t rng = p->seed ^ (0x5851f42d4c957f2dULL * (k + 1));
    double first = 0;
    uint32_t pass = 0;
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
            double ywx = yi * dot, a = alpha[2 * slot], ra = alpha[2 * slot + 1], ci = a + ra;
            double g = ywx + log(a / ra); /* the dual's derivative along a_i */
            if (fabs(g) > gmax)
                gmax = fabs(g);
            /* The root is below C_i / 2 when the derivative there is >= 0;
             * otherwise solve for C_i - a_i, which then is the small one. */
            double na, nra;
            if (qii[slot] * (0.5 * ci - a) + ywx >= 0) {
                na = solve_coordinate(qii[slot], a, ywx, ci);
                nra = ci - na;
            } else {
                nra = solve_coordinate(qii[slot], ra, -ywx, ci);
                na = ci - nra;
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
        if (gmax <= p->tol * first)
            break;
    }
    j->passes[k] = pass;
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

slant_status slant_lr_dual_fit(const slant_csr *x, const int32_t *y, const double *sw,
                               uint32_t n_classes, const slant_dual_params *p, float *weights,
                               float *bias, slant_error *err)
{
    if (!(p->c > 0 && isfinite(p->c)))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "logistic regression needs a finite c > 0, not %g", p->c);
    if (!(p->tol >= 0) || !(p->bias >= 0 && isfinite(p->bias)))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "logistic regression needs a tolerance and a bias value >= 0");
    if (n_classes < 2)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "logistic regression needs two classes");
    size_t cols = x->cols, nc = n_classes;
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
    dual_job j = {x, y, sw, n_classes, p, NULL, NULL, 0};
    j.w = slant_alloc_array(problems, (cols + 1) * sizeof *j.w);
    j.passes = slant_calloc_array(problems, sizeof *j.passes);
    if (!j.w || !j.passes) {
        free(j.w);
        free(j.passes);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY,
                          "out of memory for logistic regression on %zu features", cols);
    }
    slant_parallel_for(problems, slant_threads_for(p->threads, problems), solve_range, &j);
    slant_status st = SLANT_STATUS_OK;
    if (j.failed)
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY,
                        "out of memory for logistic regression on %zu documents", x->rows);
    for (uint32_t k = 0; k < problems && !st; k++) {
        slant_log("lr (dual): class %u: %u passes", problems == 1 ? 1 : k, j.passes[k]);
        for (size_t f = 0; f <= cols; f++)
            if (!isfinite(j.w[(size_t)k * (cols + 1) + f])) {
                st = slant_fail(err, SLANT_STATUS_INTERNAL,
                                "logistic regression diverged (non-finite weights)");
                break;
            }
    }
    if (!st) {
        if (problems == 1) { /* softmax of (-z/2, z/2) is the logistic of z */
            for (size_t f = 0; f < cols; f++) {
                weights[f * 2] = (float)(-0.5 * j.w[f]);
                weights[f * 2 + 1] = (float)(0.5 * j.w[f]);
            }
            bias[0] = (float)(-0.5 * j.w[cols] * p->bias);
            bias[1] = (float)(0.5 * j.w[cols] * p->bias);
        } else {
            for (size_t k = 0; k < nc; k++) {
                const double *wk = j.w + k * (cols + 1);
                for (size_t f = 0; f < cols; f++)
                    weights[f * nc + k] = (float)wk[f];
                bias[k] = (float)(wk[cols] * p->bias);
            }
        }
    }
    free(j.w);
    free(j.passes);
    return st;
}
