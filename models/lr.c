/*
 * lr.c: softmax (multinomial) logistic regression trained by L-BFGS (see
 * linear.h for the objective and the weight layout).
 *
 * One evaluation of the objective and its gradient is two parallel passes
 * in which every output has a single writer and a fixed order of sums, so
 * the result has the same bits for any number of threads:
 *   1. over documents (rows of X): scores z_i = W^T x_i + b, a stable
 *      log-sum-exp, the row's loss sw_i (lse(z_i) - z_{i,y_i}) and its
 *      residual r_i = c sw_i (softmax(z_i) - e_{y_i});
 *   2. over features (columns of X, read from a transposed copy built once
 *      per fit): the gradient row G_f = W_f + sum_i x_{if} r_i, summed in
 *      document order.
 * The losses and the bias gradient sum_i r_i are then added up on one
 * thread in document order.  Every dense vector operation of L-BFGS goes
 * through the BLAS seam, on the calling thread.
 *
 * Memory beyond X: its transpose (8 bytes per non-zero), C + 1 doubles per
 * document, and (5 + 2 * LBFGS_M) vectors of (cols + 1) * C doubles.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "common.h"
#include "linear.h"

#define LBFGS_M 10          /* correction pairs kept */
#define LS_MAX_TRIALS 40    /* function evaluations per line search, at most */
#define LS_C1 1e-4          /* sufficient decrease (Armijo) */
#define LS_C2 0.9           /* curvature (weak Wolfe) */
/* Rough fixed costs, in non-zeros, of a document (a softmax: C exps and a
 * log) and of a feature (its gradient row) when splitting work. */
#define ROW_COST 32
#define COL_COST 16

typedef struct lr_problem {
    const slant_csr *x;
    const int32_t *y;
    const double *sw; /* (rows) or NULL for all ones */
    size_t rows, cols, nc;
    double c;
    /* X^T restricted to labeled documents: column f holds rows
     * t_row[t_ptr[f] .. t_ptr[f+1]) (increasing) with values t_val[...]. */
    size_t *t_ptr;   /* (cols + 1), NULL when no gradient is wanted */
    uint32_t *t_row;
    float *t_val;
    double *resid;   /* (rows, nc): r_i, then the pass over features reads it */
    double *loss;    /* (rows): sw_i * (-log p(y_i | x_i)), 0 for left-out rows */
    /* Work split: part t covers [bounds[t], bounds[t+1]) with about equal
     * cost.  It balances load only; results do not depend on it. */
    uint32_t row_parts, col_parts;
    size_t *row_bounds; /* (row_parts + 1) */
    size_t *col_bounds; /* (col_parts + 1) */
    /* The evaluation in progress. */
    const double *w; /* ((cols + 1), nc) */
    double *grad;    /* ((cols + 1), nc), output */
} lr_problem;

static void lr_free(lr_problem *p)
{
    free(p->t_ptr);
    free(p->t_row);
    free(p->t_val);
    free(p->resid);
    free(p->loss);
    free(p->row_bounds);
    free(p->col_bounds);
}

/* Splits [0, n) into parts of about equal cost, where the cost of [0, i) is
 * ptr[i] + unit * i: the non-zeros plus a fixed cost per row or column in
 * units of one non-zero.  bounds: (parts + 1), output. */
static void split_by_cost(const size_t *ptr, size_t n, size_t unit, uint32_t parts,
                          size_t *bounds)
{
    double total = (double)ptr[n] + (double)unit * (double)n;
    bounds[0] = 0;
    for (uint32_t t = 1; t < parts; t++) {
        double target = total * t / parts;
        size_t lo = bounds[t - 1], hi = n; /* first i with cost(i) >= target */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if ((double)ptr[mid] + (double)unit * (double)mid < target)
                lo = mid + 1;
            else
                hi = mid;
        }
        bounds[t] = lo;
    }
    bounds[parts] = n;
}

/* Checks the problem and allocates the scratch; with want_grad, builds the
 * transpose of the labeled rows. */
static slant_status lr_setup(lr_problem *p, const slant_csr *x, const int32_t *y,
                             const double *sw, uint32_t n_classes, double c, uint32_t threads,
                             int want_grad, slant_error *err)
{
    *p = (lr_problem){.x = x, .y = y, .sw = sw, .rows = x->rows, .cols = x->cols,
                      .nc = n_classes, .c = c};
    size_t rows = x->rows, cols = x->cols, nc = n_classes;
    if (nc == 0)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "logistic regression needs a class");
    if (rows > UINT32_MAX)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                          "%zu documents are more than logistic regression takes (%lu)", rows,
                          (unsigned long)UINT32_MAX);
    if (cols == SIZE_MAX || cols + 1 > SIZE_MAX / nc)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%zu features x %zu classes is too many",
                          cols, nc);
    if (!x->rowptr || x->rowptr[0] != 0)
        return slant_fail(err, SLANT_STATUS_INTERNAL, "malformed document matrix");
    for (size_t i = 0; i < rows; i++) {
        if (x->rowptr[i + 1] < x->rowptr[i])
            return slant_fail(err, SLANT_STATUS_INTERNAL,
                              "malformed document matrix at row %zu", i);
        if (y[i] >= 0 && (uint32_t)y[i] >= n_classes)
            return slant_fail(err, SLANT_STATUS_INTERNAL,
                              "document %zu has class %ld of %u", i, (long)y[i], n_classes);
        if (sw && !(sw[i] >= 0 && isfinite(sw[i])))
            return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                              "document %zu has sample weight %g; weights must be finite and "
                              ">= 0", i, sw[i]);
        for (size_t j = x->rowptr[i]; j < x->rowptr[i + 1]; j++)
            if (x->index[j] >= cols)
                return slant_fail(err, SLANT_STATUS_INTERNAL,
                                  "document %zu has feature %lu of %zu", i,
                                  (unsigned long)x->index[j], cols);
    }

    p->row_parts = slant_threads_for(threads, rows);
    p->col_parts = slant_threads_for(threads, cols);
    p->resid = slant_alloc_array(rows, nc * sizeof *p->resid);
    p->loss = slant_alloc_array(rows, sizeof *p->loss);
    p->row_bounds = slant_alloc_array((size_t)p->row_parts + 1, sizeof *p->row_bounds);
    p->col_bounds = slant_alloc_array((size_t)p->col_parts + 1, sizeof *p->col_bounds);
    if (!p->resid || !p->loss || !p->row_bounds || !p->col_bounds)
        goto no_memory;
    split_by_cost(x->rowptr, rows, ROW_COST, p->row_parts, p->row_bounds);
    if (!want_grad)
        return SLANT_STATUS_OK;

    /* The transpose by counting sort: t_ptr[f + 1] counts column f, the
     * prefix sum turns t_ptr[f] into column f's start, the fill advances
     * it to the column's end, and a shift restores the starts.  Rows go in
     * increasing order, which fixes the order of every gradient sum. */
    size_t nnz = 0;
    p->t_ptr = slant_calloc_array(cols + 1, sizeof *p->t_ptr);
    if (!p->t_ptr)
        goto no_memory;
    for (size_t i = 0; i < rows; i++) {
        if (y[i] < 0)
            continue;
        nnz += x->rowptr[i + 1] - x->rowptr[i];
        for (size_t j = x->rowptr[i]; j < x->rowptr[i + 1]; j++)
            p->t_ptr[(size_t)x->index[j] + 1]++;
    }
    p->t_row = slant_alloc_array(nnz, sizeof *p->t_row);
    p->t_val = slant_alloc_array(nnz, sizeof *p->t_val);
    if (!p->t_row || !p->t_val)
        goto no_memory;
    for (size_t f = 0; f < cols; f++)
        p->t_ptr[f + 1] += p->t_ptr[f];
    for (size_t i = 0; i < rows; i++) {
        if (y[i] < 0)
            continue;
        for (size_t j = x->rowptr[i]; j < x->rowptr[i + 1]; j++) {
            size_t at = p->t_ptr[x->index[j]]++;
            p->t_row[at] = (uint32_t)i;
            p->t_val[at] = x->value[j];
        }
    }
    for (size_t f = cols; f > 0; f--)
        p->t_ptr[f] = p->t_ptr[f - 1];
    p->t_ptr[0] = 0;
    split_by_cost(p->t_ptr, cols, COL_COST, p->col_parts, p->col_bounds);
    return SLANT_STATUS_OK;

no_memory:
    lr_free(p);
    *p = (lr_problem){0};
    return slant_fail(err, SLANT_STATUS_NO_MEMORY,
                      "out of memory for logistic regression on %zu documents and %zu features",
                      rows, cols);
}

/* acc[k] += sum_j val[j] * m[idx[j] * nc + k] for k < nc, over j < len in
 * increasing order: m (., nc) row-major, acc (nc) input and output.  Both
 * passes are this: scores gather rows of W, the gradient gathers rows of
 * the residuals.  Up to four classes at a time stay in registers, so the
 * sums do not wait on a store and a reload per non-zero; each sum still
 * runs in the order of j alone. */
static void gather_rows(size_t len, const uint32_t *idx, const float *val, const double *m,
                        size_t nc, double *acc)
{
    for (size_t k0 = 0; k0 < nc; k0 += 4) {
        const double *mk = m + k0;
        double *a = acc + k0;
        switch (nc - k0 < 4 ? nc - k0 : 4) {
        case 1: {
            double a0 = a[0];
            for (size_t j = 0; j < len; j++)
                a0 += (double)val[j] * mk[(size_t)idx[j] * nc];
            a[0] = a0;
            break;
        }
        case 2: {
            double a0 = a[0], a1 = a[1];
            for (size_t j = 0; j < len; j++) {
                const double *r = mk + (size_t)idx[j] * nc;
                double v = val[j];
                a0 += v * r[0];
                a1 += v * r[1];
            }
            a[0] = a0;
            a[1] = a1;
            break;
        }
        case 3: {
            double a0 = a[0], a1 = a[1], a2 = a[2];
            for (size_t j = 0; j < len; j++) {
                const double *r = mk + (size_t)idx[j] * nc;
                double v = val[j];
                a0 += v * r[0];
                a1 += v * r[1];
                a2 += v * r[2];
            }
            a[0] = a0;
            a[1] = a1;
            a[2] = a2;
            break;
        }
        default: {
            double a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
            for (size_t j = 0; j < len; j++) {
                const double *r = mk + (size_t)idx[j] * nc;
                double v = val[j];
                a0 += v * r[0];
                a1 += v * r[1];
                a2 += v * r[2];
                a3 += v * r[3];
            }
            a[0] = a0;
            a[1] = a1;
            a[2] = a2;
            a[3] = a3;
            break;
        }
        }
    }
}

/* Row i's loss and residual (pass 1). */
static void row_term(lr_problem *p, size_t i)
{
    size_t nc = p->nc;
    double *z = p->resid + i * nc; /* (nc): scores, then residuals */
    if (p->y[i] < 0) {
        for (size_t k = 0; k < nc; k++)
            z[k] = 0.0;
        p->loss[i] = 0.0;
        return;
    }
    const slant_csr *x = p->x;
    const double *b = p->w + p->cols * nc;
    for (size_t k = 0; k < nc; k++)
        z[k] = b[k];
    size_t j0 = x->rowptr[i];
    gather_rows(x->rowptr[i + 1] - j0, x->index + j0, x->value + j0, p->w, nc, z);
    size_t yi = (size_t)p->y[i];
    double zmax = z[0];
    for (size_t k = 1; k < nc; k++)
        if (z[k] > zmax)
            zmax = z[k];
    double zy = z[yi], sum = 0.0;
    for (size_t k = 0; k < nc; k++) {
        z[k] = exp(z[k] - zmax); /* in (0, 1], and 1 at the maximum */
        sum += z[k];
    }
    double sw = p->sw ? p->sw[i] : 1.0;
    /* -log softmax(z)_y = log sum_k exp(z_k - zmax) + zmax - z_y, sum >= 1 */
    p->loss[i] = sw * (log(sum) + (zmax - zy));
    double scale = p->c * sw / sum;
    for (size_t k = 0; k < nc; k++)
        z[k] *= scale;
    z[yi] -= p->c * sw;
}

static void rows_pass(void *ctx, size_t begin, size_t end, uint32_t worker)
{
    lr_problem *p = ctx;
    (void)worker;
    for (size_t part = begin; part < end; part++)
        for (size_t i = p->row_bounds[part]; i < p->row_bounds[part + 1]; i++)
            row_term(p, i);
}

/* Feature f's gradient row (pass 2). */
static void cols_pass(void *ctx, size_t begin, size_t end, uint32_t worker)
{
    lr_problem *p = ctx;
    size_t nc = p->nc;
    (void)worker;
    for (size_t part = begin; part < end; part++)
        for (size_t f = p->col_bounds[part]; f < p->col_bounds[part + 1]; f++) {
            double *g = p->grad + f * nc;
            const double *wf = p->w + f * nc;
            for (size_t k = 0; k < nc; k++)
                g[k] = 0.0;
            size_t j0 = p->t_ptr[f];
            gather_rows(p->t_ptr[f + 1] - j0, p->t_row + j0, p->t_val + j0, p->resid, nc, g);
            for (size_t k = 0; k < nc; k++)
                g[k] += wf[k];
        }
}

/* The objective at w; its gradient goes to grad (output) unless NULL. */
static double lr_eval(lr_problem *p, const double *w, double *grad)
{
    size_t nc = p->nc, nw = p->cols * nc;
    p->w = w;
    p->grad = grad;
    slant_parallel_for(p->row_parts, p->row_parts, rows_pass, p);
    double loss = 0.0;
    for (size_t i = 0; i < p->rows; i++)
        loss += p->loss[i];
    double f = 0.5 * slant_ddot(nw, w, w) + p->c * loss;
    if (grad) {
        slant_parallel_for(p->col_parts, p->col_parts, cols_pass, p);
        double *gb = grad + nw;
        for (size_t k = 0; k < nc; k++)
            gb[k] = 0.0;
        for (size_t i = 0; i < p->rows; i++)
            for (size_t k = 0; k < nc; k++)
                gb[k] += p->resid[i * nc + k];
    }
    return f;
}

double slant_lr_objective(const slant_csr *x, const int32_t *y, const double *sample_weight,
                          uint32_t n_classes, double c, const double *w, double *grad,
                          uint32_t threads)
{
    lr_problem p;
    if (lr_setup(&p, x, y, sample_weight, n_classes, c, threads, grad != NULL, NULL))
        return NAN;
    double f = lr_eval(&p, w, grad);
    lr_free(&p);
    return f;
}

/* Finds a step t > 0 along the descent direction d (n) from x (n), where
 * the objective is f0 and its slope dg0 = g.d < 0, that meets the weak
 * Wolfe conditions: sufficient decrease f(x + t d) <= f0 + c1 t dg0 and
 * curvature g(x + t d).d >= c2 dg0; the second makes s'y > 0.
 *
 * Near the optimum the decrease falls below the rounding of f itself and
 * the first test turns to noise.  There, as in Hager and Zhang's
 * approximate Wolfe conditions (2005), a step whose f is within rounding
 * of f0 passes on the slope instead: g(x + t d).d <= (1 - 2 c1) |dg0|,
 * which is sufficient decrease for a quadratic.
 *
 * Bracketing: quadratic interpolation (kept in [0.1, 0.5] of the bracket)
 * when the decrease fails, doubling or bisection when the curvature fails.
 * Returns 1 with the new point in x_new (output), its gradient in g_new
 * (output) and its value in *f_new; failing Wolfe, it returns the step
 * that met sufficient decrease with a strictly lower f, if any.  Returns 0
 * when no step was found. */
static int line_search(lr_problem *p, size_t n, const double *x, double f0, const double *d,
                       double dg0, double t, double *x_new, double *g_new, double *f_new)
{
    const double f_noise = 1e-10 * fabs(f0);
    double lo = 0.0, hi = INFINITY, f_lo = f0, dg_lo = dg0;
    for (int trial = 0; trial < LS_MAX_TRIALS; trial++) {
        slant_dcopy(n, x, x_new);
        slant_daxpy(n, t, d, x_new);
        double ft = lr_eval(p, x_new, g_new);
        double dgt = isfinite(ft) ? slant_ddot(n, g_new, d) : NAN;
        int decrease = ft <= f0 + LS_C1 * t * dg0 ||
                       (ft <= f0 + f_noise && dgt <= (1 - 2 * LS_C1) * -dg0);
        if (!decrease) { /* also when ft is not finite */
            hi = t;
            double w = hi - lo, tq = lo + 0.1 * w;
            if (isfinite(ft)) { /* minimum of the quadratic through f_lo, dg_lo, ft */
                double den = 2.0 * (ft - f_lo - dg_lo * w);
                tq = den > 0 ? lo - dg_lo * w * w / den : lo + 0.5 * w;
            }
            double tmin = lo + 0.1 * w, tmax = lo + 0.5 * w;
            t = tq < tmin ? tmin : (tq > tmax ? tmax : tq);
        } else if (dgt < LS_C2 * dg0) {
            lo = t;
            f_lo = ft;
            dg_lo = dgt;
            t = isinf(hi) ? 2.0 * t : 0.5 * (lo + hi);
        } else {
            *f_new = ft;
            return 1;
        }
        if (!isinf(hi) && hi - lo <= 1e-12 * hi)
            break;
    }
    if (lo > 0.0 && f_lo < f0) {
        slant_dcopy(n, x, x_new);
        slant_daxpy(n, lo, d, x_new);
        *f_new = lr_eval(p, x_new, g_new);
        return 1;
    }
    return 0;
}

slant_status slant_lr_fit(const slant_csr *x, const int32_t *y, const double *sample_weight,
                          uint32_t n_classes, const slant_lr_params *par, float *weights,
                          float *bias, slant_error *err)
{
    if (!(par->c > 0 && isfinite(par->c)))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "logistic regression needs a finite c > 0, not %g", par->c);
    if (!(par->tol >= 0))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "logistic regression needs a tolerance >= 0, not %g", par->tol);
    lr_problem p;
    slant_status st = lr_setup(&p, x, y, sample_weight, n_classes, par->c, par->threads, 1, err);
    if (st)
        return st;

    size_t nc = n_classes, n = (x->cols + 1) * nc; /* the product was checked */
    /* One block: x, g, d, x_new, g_new, then the pairs s_j and y_j. */
    double *block = slant_calloc_array(n, (5 + 2 * LBFGS_M) * sizeof(double));
    if (!block) {
        lr_free(&p);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY,
                          "out of memory for L-BFGS on %zu parameters", n);
    }
    double *xc = block, *g = block + n, *d = block + 2 * n, *x_new = block + 3 * n,
           *g_new = block + 4 * n;
    double *s_mem[LBFGS_M], *y_mem[LBFGS_M], rho[LBFGS_M], alpha[LBFGS_M];
    for (int j = 0; j < LBFGS_M; j++) {
        s_mem[j] = block + (5 + 2 * (size_t)j) * n;
        y_mem[j] = block + (6 + 2 * (size_t)j) * n;
    }
    int head = 0, count = 0; /* pairs (head + j) % M, j < count, oldest first */
    double gamma = 1.0;      /* s'y / y'y of the newest pair: H0 = gamma I */

    double f = lr_eval(&p, xc, g);
    double g0 = slant_dnrm2(n, g), gn = g0;
    uint32_t iter = 0;
    const char *why;
    int at_limit = 0;
    for (;;) {
        if (gn <= par->tol * g0) {
            why = "converged";
            break;
        }
        if (iter >= par->max_iter) {
            why = "reached the iteration limit";
            at_limit = 1;
            break;
        }
        /* d = -H g by the two-loop recursion (Nocedal & Wright, alg. 7.4). */
        slant_dcopy(n, g, d);
        for (int j = count - 1; j >= 0; j--) {
            int i = (head + j) % LBFGS_M;
            alpha[i] = rho[i] * slant_ddot(n, s_mem[i], d);
            slant_daxpy(n, -alpha[i], y_mem[i], d);
        }
        if (count)
            slant_dscal(n, gamma, d);
        for (int j = 0; j < count; j++) {
            int i = (head + j) % LBFGS_M;
            double beta = rho[i] * slant_ddot(n, y_mem[i], d);
            slant_daxpy(n, alpha[i] - beta, s_mem[i], d);
        }
        slant_dscal(n, -1.0, d);
        double dg = slant_ddot(n, d, g);
        if (!(dg < 0)) { /* rounding spoiled H: restart from steepest descent */
            count = 0;
            slant_dcopy(n, g, d);
            slant_dscal(n, -1.0, d);
            dg = -gn * gn;
        }
        /* Without curvature pairs, a first step of unit length. */
        double t0 = count ? 1.0 : 1.0 / gn;
        double f_new;
        if (!line_search(&p, n, xc, f, d, dg, t0, x_new, g_new, &f_new)) {
            if (count) { /* retry once from steepest descent */
                count = 0;
                continue;
            }
            why = "stopped: the line search made no progress";
            break;
        }
        iter++;

        /* The pair s = x_new - x, y = g_new - g, kept only with s'y > 0. */
        int slot = (head + count) % LBFGS_M;
        slant_dcopy(n, x_new, s_mem[slot]);
        slant_daxpy(n, -1.0, xc, s_mem[slot]);
        slant_dcopy(n, g_new, y_mem[slot]);
        slant_daxpy(n, -1.0, g, y_mem[slot]);
        double sy = slant_ddot(n, s_mem[slot], y_mem[slot]);
        double yy = slant_ddot(n, y_mem[slot], y_mem[slot]);
        if (count == LBFGS_M) { /* the slot was the oldest pair's */
            head = (head + 1) % LBFGS_M;
            count--;
        }
        if (sy > DBL_EPSILON * yy && sy > 0) {
            rho[slot] = 1.0 / sy;
            gamma = sy / yy;
            count++;
        }

        double *tmp = xc;
        xc = x_new;
        x_new = tmp;
        tmp = g;
        g = g_new;
        g_new = tmp;
        f = f_new;
        gn = slant_dnrm2(n, g);
        if (iter % 10 == 0)
            slant_log("lr: iteration %u, objective %.9g, |grad| %.3g", iter, f, gn);
    }
    slant_log("lr: %s after %u iterations, objective %.9g, |grad| %.3g (%.3g of the start)", why,
              iter, f, gn, g0 > 0 ? gn / g0 : 0.0);
    if (par->at_limit && at_limit)
        ++*par->at_limit;

    st = SLANT_STATUS_OK;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(xc[i])) {
            st = slant_fail(err, SLANT_STATUS_INTERNAL,
                            "logistic regression diverged (non-finite weights)");
            break;
        }
    if (!st) {
        size_t nw = x->cols * nc;
        for (size_t i = 0; i < nw; i++)
            weights[i] = (float)xc[i];
        for (size_t k = 0; k < nc; k++)
            bias[k] = (float)xc[nw + k];
    }
    free(block);
    lr_free(&p);
    return st;
}
