/*
 * calibrate.c: fitting each head's calibration map and its abstention
 * thresholds on out-of-fold probabilities.
 *
 * Training with calibration runs an inner cross-validation of
 * SLANT_CALIBRATION_FOLDS folds on the training documents, with models that
 * are neither calibrated nor thresholded, so that every document gets a
 * probability from a model that never saw it.  The maps are small problems
 * fitted by minimizing log loss on those: temperature by a safeguarded
 * Newton search on 1/T (the loss is convex in it), sigmoid by Newton on
 * (a, b) with Platt's smoothed targets, isotonic by pool-adjacent-violators.
 * auto scores each, and none, by a cross-fit (each inner fold by a map
 * fitted on the others) and keeps the lowest log loss; the thresholds are
 * chosen on the cross-fit probabilities of the map kept, so that neither
 * is judged on documents it was fitted to.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate.h"
#include "common.h"
#include "corpus.h"
#include "model.h"
#include "train.h"

#define P_EPS 1e-15
/* Isotonic outputs stay this far from 0 and 1: a step fitted to a few
 * documents says "never" too readily. */
#define ISO_EPS 1e-3
/* What moves a label, for the record of what auto tried: a fall of more
 * than this in out-of-fold accuracy or macro-F1. */
#define ARGMAX_SLACK 0.002
/* The share of out-of-fold log loss a map with more parameters must save
 * over a simpler one for auto to keep it: none, temperature (one number),
 * sigmoid (two a curve), isotonic (a curve of breakpoints).  A gain of a
 * few thousandths is within the noise of the inner folds, and the
 * simpler map travels better to new outlets and dates. */
#define SIMPLER_BY 0.005

static double clamp_p(double p)
{
    return p < P_EPS ? P_EPS : p > 1 - P_EPS ? 1 - P_EPS : p;
}

double slant_calib_log_loss(const double *p, const uint32_t *y, size_t n, uint32_t k)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum -= log(clamp_p(p[i * k + y[i]]));
    return n ? sum / (double)n : 0;
}

double slant_calib_ece(const double *p, const uint32_t *y, size_t n, uint32_t k)
{
    double conf[SLANT_CALIBRATION_BINS] = {0}, right[SLANT_CALIBRATION_BINS] = {0};
    size_t count[SLANT_CALIBRATION_BINS] = {0};
    for (size_t i = 0; i < n; i++) {
        uint32_t top = 0;
        for (uint32_t c = 1; c < k; c++)
            if (p[i * k + c] > p[i * k + top])
                top = c;
        double t = p[i * k + top];
        int b = (int)(t * SLANT_CALIBRATION_BINS);
        b = b < 0 ? 0 : b >= SLANT_CALIBRATION_BINS ? SLANT_CALIBRATION_BINS - 1 : b;
        count[b]++;
        conf[b] += t;
        right[b] += top == y[i];
    }
    double ece = 0;
    for (int b = 0; b < SLANT_CALIBRATION_BINS; b++)
        ece += fabs(right[b] - conf[b]);
    return n ? ece / (double)n : 0;
}

/* The accuracy and macro-F1 of the top classes of P (n, k) against Y,
 * into *acc and *f1 (outputs). */
static void argmax_scores(const double *p, const uint32_t *y, size_t n, uint32_t k, double *acc,
                          double *f1)
{
    uint64_t *tp = calloc(k, sizeof *tp), *pred = calloc(k, sizeof *pred),
             *gold = calloc(k, sizeof *gold);
    size_t right = 0;
    *acc = *f1 = 0;
    if (!tp || !pred || !gold || !n)
        goto out;
    for (size_t i = 0; i < n; i++) {
        uint32_t top = 0;
        for (uint32_t c = 1; c < k; c++)
            if (p[i * k + c] > p[i * k + top])
                top = c;
        pred[top]++;
        gold[y[i]]++;
        if (top == y[i]) {
            tp[top]++;
            right++;
        }
    }
    size_t used = 0;
    for (uint32_t c = 0; c < k; c++) {
        if (!pred[c] && !gold[c])
            continue;
        used++;
        if (tp[c])
            *f1 += 2.0 * (double)tp[c] / (double)(pred[c] + gold[c]);
    }
    *acc = (double)right / (double)n;
    *f1 = used ? *f1 / (double)used : 0;
out:
    free(tp);
    free(pred);
    free(gold);
}

/* ---- Temperature ------------------------------------------------------ */

/* Loss of s = 1/T on log-probabilities L (n, k), and its first two
 * derivatives into *g and *h (outputs). */
static double temp_loss(const double *l, const uint32_t *y, size_t n, uint32_t k, double s,
                        double *g, double *h)
{
    double loss = 0;
    *g = *h = 0;
    for (size_t i = 0; i < n; i++) {
        const double *li = l + i * k;
        double top = -INFINITY;
        for (uint32_t c = 0; c < k; c++)
            if (s * li[c] > top)
                top = s * li[c];
        double z = 0, m1 = 0, m2 = 0;
        for (uint32_t c = 0; c < k; c++) {
            double e = exp(s * li[c] - top);
            z += e;
            m1 += e * li[c];
            m2 += e * li[c] * li[c];
        }
        m1 /= z;
        m2 /= z;
        loss += top + log(z) - s * li[y[i]];
        *g += m1 - li[y[i]];
        *h += m2 - m1 * m1;
    }
    return loss;
}

static slant_status fit_temperature(const double *p, const uint32_t *y, size_t n, uint32_t k,
                                    slant_calib_head *out, slant_error *err)
{
    double *l = slant_alloc_array(n ? n * k : 1, sizeof *l);
    if (!l)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory fitting a temperature");
    for (size_t i = 0; i < n * k; i++)
        l[i] = log(p[i] > 1e-300 ? p[i] : 1e-300);
    double lo = 1e-3, hi = 1e3, s = 1, g, h;
    for (int it = 0; it < 100; it++) {
        temp_loss(l, y, n, k, s, &g, &h);
        if (g > 0)
            hi = s;
        else
            lo = s;
        if (fabs(g) <= 1e-9 * (double)(n ? n : 1) || hi / lo < 1 + 1e-10)
            break;
        double next = h > 0 ? s - g / h : NAN;
        s = next > lo && next < hi ? next : sqrt(lo * hi);
    }
    free(l);
    out->method = SLANT_CALIBRATION_TEMPERATURE;
    out->n_classes = k;
    out->temperature = 1 / s;
    if (out->temperature < 1e-3)
        out->temperature = 1e-3;
    if (out->temperature > 1e3)
        out->temperature = 1e3;
    return SLANT_STATUS_OK;
}

/* ---- Sigmoid ---------------------------------------------------------- */

static double logit(double p)
{
    p = clamp_p(p);
    return log(p / (1 - p));
}

/* -log sigmoid(u) and -log(1 - sigmoid(u)), computed stably. */
static double nls(double u)
{
    return u >= 0 ? log1p(exp(-u)) : -u + log1p(exp(u));
}

/* Platt's fit of sigmoid(a z + b) to targets T (smoothed labels), Newton
 * with a backtracking line search, into ab[0], ab[1]. */
static void fit_platt(const double *z, const double *t, size_t n, double *ab)
{
    double a = 1, b = 0;
    for (int it = 0; it < 100; it++) {
        double ga = 0, gb = 0, haa = 1e-9, hab = 0, hbb = 1e-9, f = 0;
        for (size_t i = 0; i < n; i++) {
            double u = a * z[i] + b;
            double q = u >= 0 ? 1 / (1 + exp(-u)) : exp(u) / (1 + exp(u));
            double d = q - t[i], w = q * (1 - q);
            f += t[i] * nls(u) + (1 - t[i]) * nls(-u);
            ga += d * z[i];
            gb += d;
            haa += w * z[i] * z[i];
            hab += w * z[i];
            hbb += w;
        }
        double det = haa * hbb - hab * hab;
        if (!(det > 0))
            break;
        double da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
        double dec = ga * da + gb * db; /* the decrease a full step promises, doubled */
        if (!(dec > 1e-12 * (f + 1)))
            break;
        double step = 1;
        for (int ls = 0; ls < 30; ls++, step /= 2) {
            double na = a - step * da, nb = b - step * db, nf = 0;
            for (size_t i = 0; i < n; i++) {
                double u = na * z[i] + nb;
                nf += t[i] * nls(u) + (1 - t[i]) * nls(-u);
            }
            if (nf <= f - 1e-4 * step * dec) {
                a = na;
                b = nb;
                break;
            }
        }
        if (step < 1e-8)
            break;
    }
    ab[0] = isfinite(a) && fabs(a) <= 1e6 ? a : 1;
    ab[1] = isfinite(b) && fabs(b) <= 1e6 ? b : 0;
}

/* Platt's targets: (N+ + 1) / (N+ + 2) for a positive, 1 / (N- + 2) for a
 * negative, so that a separable set does not drive a to infinity. */
static void platt_targets(const uint32_t *y, size_t n, uint32_t cls, double *t)
{
    size_t pos = 0;
    for (size_t i = 0; i < n; i++)
        pos += y[i] == cls;
    double hi = (pos + 1.0) / (pos + 2.0), lo = 1.0 / (n - pos + 2.0);
    for (size_t i = 0; i < n; i++)
        t[i] = y[i] == cls ? hi : lo;
}

static slant_status fit_sigmoid(const double *p, const uint32_t *y, size_t n, uint32_t k,
                                slant_calib_head *out, slant_error *err)
{
    uint32_t curves = slant_calib_curves(SLANT_CALIBRATION_SIGMOID, k);
    double *z = slant_alloc_array(n ? n : 1, sizeof *z), *t = slant_alloc_array(n ? n : 1, sizeof *t);
    out->ab = slant_alloc_array(2 * (size_t)curves, sizeof *out->ab);
    out->method = SLANT_CALIBRATION_SIGMOID;
    out->n_classes = k;
    if (!z || !t || !out->ab) {
        free(z);
        free(t);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory fitting a sigmoid");
    }
    for (uint32_t c = 0; c < curves; c++) {
        uint32_t cls = k == 2 ? 1 : c;
        for (size_t i = 0; i < n; i++)
            z[i] = logit(p[i * k + cls]);
        platt_targets(y, n, cls, t);
        fit_platt(z, t, n, out->ab + 2 * c);
    }
    free(z);
    free(t);
    return SLANT_STATUS_OK;
}

/* ---- Isotonic --------------------------------------------------------- */

typedef struct xt {
    double x, t;
} xt;

static int cmp_xt(const void *va, const void *vb)
{
    const xt *a = va, *b = vb;
    return a->x < b->x ? -1 : a->x > b->x ? 1 : (a->t > b->t) - (a->t < b->t);
}

typedef struct block {
    double w, sum, x_lo, x_hi;
} block;

/* Pool-adjacent-violators on (x, t) pairs PT (sorted in place): the curve
 * of the blocks' ends into *xy and *np (outputs). */
static slant_status pav(xt *pt, size_t n, double **xy, uint32_t *np, slant_error *err)
{
    qsort(pt, n, sizeof *pt, cmp_xt);
    block *b = slant_alloc_array(n ? n : 1, sizeof *b);
    if (!b)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory fitting isotonic maps");
    size_t nb = 0;
    for (size_t i = 0; i < n; i++) {
        if (nb && b[nb - 1].x_hi == pt[i].x) { /* equal x: one value */
            b[nb - 1].w += 1;
            b[nb - 1].sum += pt[i].t;
        } else {
            b[nb++] = (block){1, pt[i].t, pt[i].x, pt[i].x};
        }
        while (nb > 1 && b[nb - 2].sum / b[nb - 2].w >= b[nb - 1].sum / b[nb - 1].w) {
            b[nb - 2].w += b[nb - 1].w;
            b[nb - 2].sum += b[nb - 1].sum;
            b[nb - 2].x_hi = b[nb - 1].x_hi;
            nb--;
        }
    }
    size_t points = 0;
    for (size_t i = 0; i < nb; i++)
        points += b[i].x_lo < b[i].x_hi ? 2 : 1;
    /* Too many points: keep evenly spaced ones, the ends included (a subset
     * of a rising curve still rises). */
    size_t keep = points > SLANT_CALIB_MAX_POINTS ? SLANT_CALIB_MAX_POINTS : points;
    double *all = slant_alloc_array(points ? 2 * points : 2, sizeof *all);
    *xy = slant_alloc_array(keep ? 2 * keep : 2, sizeof **xy);
    if (!all || !*xy) {
        free(all);
        free(b);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory fitting isotonic maps");
    }
    size_t j = 0;
    for (size_t i = 0; i < nb; i++) {
        double v = b[i].sum / b[i].w;
        v = v < ISO_EPS ? ISO_EPS : v > 1 - ISO_EPS ? 1 - ISO_EPS : v;
        all[2 * j] = b[i].x_lo;
        all[2 * j++ + 1] = v;
        if (b[i].x_lo < b[i].x_hi) {
            all[2 * j] = b[i].x_hi;
            all[2 * j++ + 1] = v;
        }
    }
    if (points == 0) { /* no documents: the identity */
        all[0] = 0.5;
        all[1] = 0.5;
        points = keep = 1;
    }
    for (size_t i = 0; i < keep; i++) {
        size_t from = keep > 1 ? i * (points - 1) / (keep - 1) : 0;
        (*xy)[2 * i] = all[2 * from];
        (*xy)[2 * i + 1] = all[2 * from + 1];
    }
    *np = (uint32_t)keep;
    free(all);
    free(b);
    return SLANT_STATUS_OK;
}

static slant_status fit_isotonic(const double *p, const uint32_t *y, size_t n, uint32_t k,
                                 slant_calib_head *out, slant_error *err)
{
    uint32_t curves = slant_calib_curves(SLANT_CALIBRATION_ISOTONIC, k);
    out->method = SLANT_CALIBRATION_ISOTONIC;
    out->n_classes = k;
    out->n_points = slant_calloc_array(curves, sizeof *out->n_points);
    out->xy = slant_calloc_array(curves, sizeof *out->xy);
    xt *pt = slant_alloc_array(n ? n : 1, sizeof *pt);
    slant_status st = SLANT_STATUS_OK;
    if (!out->n_points || !out->xy || !pt)
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory fitting isotonic maps");
    for (uint32_t c = 0; c < curves && !st; c++) {
        uint32_t cls = k == 2 ? 1 : c;
        for (size_t i = 0; i < n; i++)
            pt[i] = (xt){p[i * k + cls], y[i] == cls};
        st = pav(pt, n, &out->xy[c], &out->n_points[c], err);
    }
    free(pt);
    return st;
}

slant_status slant_calib_fit(slant_calibration method, const double *p, const uint32_t *y,
                             size_t n, uint32_t k, slant_calib_head *out, slant_error *err)
{
    memset(out, 0, sizeof *out);
    out->n_classes = k;
    slant_status st = SLANT_STATUS_OK;
    if (method == SLANT_CALIBRATION_TEMPERATURE)
        st = fit_temperature(p, y, n, k, out, err);
    else if (method == SLANT_CALIBRATION_SIGMOID)
        st = fit_sigmoid(p, y, n, k, out, err);
    else if (method == SLANT_CALIBRATION_ISOTONIC)
        st = fit_isotonic(p, y, n, k, out, err);
    if (st)
        slant_calib_head_free(out);
    return st;
}

/* ---- Thresholds ------------------------------------------------------- */

typedef struct scored {
    double p;
    int right;
} scored;

static int cmp_scored_desc(const void *va, const void *vb)
{
    const scored *a = va, *b = vb;
    return (a->p < b->p) - (a->p > b->p);
}

void slant_calib_thresholds(const double *p, const uint32_t *y, size_t n, uint32_t k,
                            double target, double *thr)
{
    scored *s = slant_alloc_array(n ? n : 1, sizeof *s);
    for (uint32_t c = 0; c < k; c++) {
        if (!s) {
            thr[c] = target; /* no memory: what a calibrated probability promises */
            continue;
        }
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            uint32_t top = 0;
            for (uint32_t j = 1; j < k; j++)
                if (p[i * k + j] > p[i * k + top])
                    top = j;
            if (top == c)
                s[m++] = (scored){p[i * k + c], y[i] == c};
        }
        if (m == 0) {
            thr[c] = target;
            continue;
        }
        qsort(s, m, sizeof *s, cmp_scored_desc);
        double best = SLANT_CALIB_NEVER;
        size_t right = 0;
        for (size_t i = 0; i < m; i++) {
            right += s[i].right;
            if (i + 1 < m && s[i + 1].p == s[i].p)
                continue; /* a threshold takes all of a tie or none */
            if ((double)right >= target * (double)(i + 1) - 1e-12)
                best = s[i].p;
        }
        thr[c] = best == s[m - 1].p ? 0 : best;
    }
    free(s);
}

/* ---- The inner cross-validation --------------------------------------- */

/* A view of C: documents DOCS[0..n) (NULL: all), every head, sharing C's
 * strings.  Freed by view_free. */
static slant_status view_of(const slant_corpus *c, const size_t *docs, size_t n,
                            slant_corpus *view, slant_error *err)
{
    size_t nh = c->n_heads;
    *view = *c;
    view->n_docs = view->cap = n;
    view->ids = slant_alloc_array(n ? n : 1, sizeof *view->ids);
    view->texts = slant_alloc_array(n ? n : 1, sizeof *view->texts);
    view->lens = slant_alloc_array(n ? n : 1, sizeof *view->lens);
    view->labels = slant_alloc_array(n ? n : 1, (nh ? nh : 1) * sizeof(char *));
    view->groups = c->groups ? slant_alloc_array(n ? n : 1, sizeof *view->groups) : NULL;
    if (!view->ids || !view->texts || !view->lens || !view->labels
        || (c->groups && !view->groups))
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    for (size_t i = 0; i < n; i++) {
        size_t d = docs ? docs[i] : i;
        view->ids[i] = c->ids[d];
        view->texts[i] = c->texts[d];
        view->lens[i] = c->lens[d];
        memcpy(view->labels + i * nh, c->labels + d * nh, nh * sizeof(char *));
        if (c->groups)
            view->groups[i] = c->groups[d];
    }
    return SLANT_STATUS_OK;
}

static void view_free(slant_corpus *view)
{
    free(view->ids);
    free(view->texts);
    free(view->lens);
    free(view->labels);
    free(view->groups);
    memset(view, 0, sizeof *view);
}

/* Class index of NAME among head H's classes of M (sorted by name); -1. */
static long class_of(const slant_model *m, size_t h, const char *name)
{
    const slant_head *hd = &m->heads[h];
    size_t lo = 0, hi = hd->n_classes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = strcmp(hd->class_names[mid], name);
        if (!r)
            return (long)mid;
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* The cross-fit of METHOD into Q (output, (n, k)): each fold's rows of
 * O's probabilities mapped by METHOD fitted on the other folds' rows. */
static slant_status cross_fit(slant_calibration method, const slant_oof *o, uint32_t folds,
                              double *q, slant_error *err)
{
    size_t n = o->n;
    uint32_t k = o->k;
    memcpy(q, o->p, n * k * sizeof *q);
    if (method == SLANT_CALIBRATION_NONE)
        return SLANT_STATUS_OK;
    double *tp = slant_alloc_array(n ? n * k : 1, sizeof *tp);
    uint32_t *ty = slant_alloc_array(n ? n : 1, sizeof *ty);
    slant_status st = SLANT_STATUS_OK;
    if (!tp || !ty)
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    for (uint32_t f = 0; f < folds && !st; f++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (o->fold[i] != f) {
                memcpy(tp + m * k, o->p + i * k, k * sizeof *tp);
                ty[m++] = o->y[i];
            }
        if (m == n) /* nothing held out in this fold */
            continue;
        slant_calib_head h;
        if ((st = slant_calib_fit(method, tp, ty, m, k, &h, err)))
            break;
        for (size_t i = 0; i < n; i++)
            if (o->fold[i] == f)
                slant_calib_apply(&h, q + i * k);
        slant_calib_head_free(&h);
    }
    free(tp);
    free(ty);
    return st;
}

/* Appends printf-formatted text to *s (of length *len, room *cap). */
static int appendf(char **s, size_t *len, size_t *cap, const char *fmt, ...) SLANT_PRINTF(4, 5);
static int appendf(char **s, size_t *len, size_t *cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || slant_grow((void **)s, cap, *len + (size_t)n + 1, 1))
        return -1;
    va_start(ap, fmt);
    vsnprintf(*s + *len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    *len += (size_t)n;
    return 0;
}

/* The out-of-fold probabilities of the heads with oof[h].needed: an inner
 * cross-validation of VIEW with INNER options. */
static slant_status run_inner(const slant_corpus *view, const slant_model *m,
                              const slant_options *inner, slant_oof *oo, uint32_t folds,
                              const uint32_t *fold_of,
                              slant_error *err)
{
    size_t n = view->n_docs, nh = view->n_heads;
    size_t *train = slant_alloc_array(n ? n : 1, sizeof *train);
    size_t *held = slant_alloc_array(n ? n : 1, sizeof *held);
    unsigned char *keep = slant_alloc_array(nh ? nh : 1, 1);
    double *probs = NULL;
    slant_corpus hv = {0};
    slant_model *im = NULL;
    slant_status st = SLANT_STATUS_OK;
    if (!train || !held || !keep) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    for (uint32_t f = 0; f < folds; f++) {
        size_t n_train = 0, n_held = 0, kept = 0;
        for (size_t d = 0; d < n; d++) {
            if (fold_of[d] == f)
                held[n_held++] = d;
            else
                train[n_train++] = d;
        }
        for (size_t h = 0; h < nh; h++) {
            keep[h] = 0;
            if (!oo[h].needed)
                continue;
            const char *first = NULL;
            for (size_t i = 0; i < n_train && !keep[h]; i++) {
                const char *l = view->labels[train[i] * nh + h];
                if (l && !first)
                    first = l;
                else if (l && strcmp(l, first))
                    keep[h] = 1;
            }
            kept += keep[h];
        }
        if (!kept || !n_held)
            continue;
        slant_error ferr = {{0}};
        slant_log_hold(1);
        st = slant_train_subset_heads(view, train, n_train, keep, inner, &im, &ferr);
        slant_log_hold(-1);
        if (!st) {
            view_free(&hv);
            st = view_of(view, held, n_held, &hv, &ferr);
        }
        size_t tc = im ? slant_model_total_classes(im) : 0;
        free(probs);
        probs = NULL;
        if (!st && !(probs = slant_alloc_array(n_held, (tc ? tc : 1) * sizeof *probs)))
            st = slant_fail(&ferr, SLANT_STATUS_NO_MEMORY, "out of memory");
        if (!st)
            st = slant_model_predict_corpus(im, &hv, 0, n_held, inner->threads, probs, NULL,
                                            &ferr);
        if (st) {
            slant_fail(err, st, "calibration's inner fold %u of %u: %s", f + 1, folds,
                       ferr.message);
            goto out;
        }
        for (size_t ih = 0; ih < slant_model_heads(im); ih++) {
            const char *hname = slant_model_head_name(im, ih);
            size_t h = 0;
            while (h < nh && strcmp(view->head_names[h], hname))
                h++;
            if (h == nh)
                continue;
            size_t off = slant_model_class_offset(im, ih), ik = slant_model_classes(im, ih);
            for (size_t i = 0; i < n_held; i++) {
                const char *gold = view->labels[held[i] * nh + h];
                long g = gold ? class_of(m, h, gold) : -1;
                if (g < 0)
                    continue;
                slant_oof *o = &oo[h];
                double *row = o->p + o->n * o->k;
                for (uint32_t c = 0; c < o->k; c++)
                    row[c] = 0;
                for (size_t c = 0; c < ik; c++) {
                    long mc = class_of(m, h, slant_model_class_name(im, ih, c));
                    if (mc >= 0)
                        row[mc] = probs[i * tc + off + c];
                }
                o->y[o->n] = (uint32_t)g;
                o->fold[o->n] = f;
                o->n++;
            }
        }
        slant_model_free(im);
        im = NULL;
    }
out:
    slant_model_free(im);
    view_free(&hv);
    free(probs);
    free(keep);
    free(held);
    free(train);
    return st;
}

/* "cls:0.8123,cls2:never" for the provenance. */
static int thresholds_text(char **s, size_t *len, size_t *cap, const slant_model *m, size_t h,
                           const double *thr)
{
    int bad = 0;
    for (uint32_t c = 0; c < m->heads[h].n_classes && !bad; c++) {
        if (thr[c] > 1)
            bad |= appendf(s, len, cap, "%s%s:never", c ? "," : "", m->heads[h].class_names[c]);
        else
            bad |= appendf(s, len, cap, "%s%s:%.4f", c ? "," : "", m->heads[h].class_names[c],
                           thr[c]);
    }
    return bad;
}

/* The share of N documents of Q (n, k) that thresholds THR cover, and the
 * accuracy on them, into *cov and *prec (outputs). */
static void covered(const double *q, const uint32_t *y, size_t n, uint32_t k, const double *thr,
                    double *cov, double *prec)
{
    size_t in = 0, right = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t top = 0;
        for (uint32_t c = 1; c < k; c++)
            if (q[i * k + c] > q[i * k + top])
                top = c;
        if (q[i * k + top] >= thr[top]) {
            in++;
            right += top == y[i];
        }
    }
    *cov = n ? (double)in / (double)n : 0;
    *prec = in ? (double)right / (double)in : 0;
}

slant_status slant_calib_split(const slant_corpus *c, const size_t *docs, size_t n_docs,
                               const slant_options *o, uint32_t *fold_of, uint32_t *folds,
                               slant_error *err)
{
    slant_corpus view;
    slant_status st = view_of(c, docs, n_docs, &view, err);
    if (st) {
        view_free(&view);
        return st;
    }
    slant_cv_options cvo;
    slant_cv_options_init(&cvo);
    cvo.folds = SLANT_CALIBRATION_FOLDS;
    cvo.keep_duplicates = 1; /* the search would cost more than the inner folds */
    cvo.by_group = view.groups != NULL;
    slant_error serr;
    st = slant_cv_split(&view, &cvo, o->seed, o->threads, fold_of, NULL, &serr);
    if (st && cvo.by_group) {
        slant_warn("calibration: %s; its inner folds are not grouped", serr.message);
        cvo.by_group = 0;
        st = slant_cv_split(&view, &cvo, o->seed, o->threads, fold_of, NULL, &serr);
    }
    view_free(&view);
    if (st)
        return slant_fail(err, st, "calibration's inner cross-validation: %s", serr.message);
    *folds = cvo.folds;
    return SLANT_STATUS_OK;
}

slant_status slant_calib_plan(const slant_options *o, size_t nh, const char *const *names,
                              const uint32_t *n_classes, const uint64_t *const *counts,
                              slant_oof *oo, int *any, slant_error *err)
{
    *any = 0;
    memset(oo, 0, nh * sizeof *oo);
    for (size_t h = 0; h < nh; h++) {
        oo[h].k = n_classes[h];
        if (o->calibrate == SLANT_CALIBRATION_NONE && !o->target_precision)
            continue;
        slant_status st = slant_target_precision_of(o->target_precision, names[h],
                                                    &oo[h].target, err);
        if (st)
            return st;
        uint64_t labeled = 0, least = UINT64_MAX;
        for (uint32_t k = 0; k < n_classes[h]; k++) {
            labeled += counts[h][k];
            if (counts[h][k] < least)
                least = counts[h][k];
        }
        int small = labeled < SLANT_CALIBRATION_MIN_DOCS || least < SLANT_CALIBRATION_MIN_CLASS;
        int map = o->calibrate != SLANT_CALIBRATION_NONE
                  && !(small && o->calibrate == SLANT_CALIBRATION_AUTO);
        if (small && o->calibrate == SLANT_CALIBRATION_AUTO)
            slant_log("calibration: head \"%s\" is left uncalibrated: %llu labeled documents, "
                      "the rarest class %llu (a map needs %d and %d)", names[h],
                      (unsigned long long)labeled, (unsigned long long)least,
                      SLANT_CALIBRATION_MIN_DOCS, SLANT_CALIBRATION_MIN_CLASS);
        else if (small && map)
            slant_warn("calibration: head \"%s\" has %llu labeled documents, the rarest class "
                       "%llu: its %s map rests on few documents", names[h],
                       (unsigned long long)labeled, (unsigned long long)least,
                       slant_calibration_name(o->calibrate));
        oo[h].needed = map ? 2 : oo[h].target > 0;
        *any |= oo[h].needed != 0;
    }
    return SLANT_STATUS_OK;
}

slant_status slant_calib_oof_alloc(slant_oof *oo, size_t nh, size_t n_docs, slant_error *err)
{
    for (size_t h = 0; h < nh; h++) {
        if (!oo[h].needed)
            continue;
        oo[h].n = 0;
        oo[h].p = slant_alloc_array(n_docs ? n_docs : 1, oo[h].k * sizeof *oo[h].p);
        oo[h].y = slant_alloc_array(n_docs ? n_docs : 1, sizeof *oo[h].y);
        oo[h].fold = slant_alloc_array(n_docs ? n_docs : 1, sizeof *oo[h].fold);
        if (!oo[h].p || !oo[h].y || !oo[h].fold)
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    }
    return SLANT_STATUS_OK;
}

void slant_calib_oof_free(slant_oof *oo, size_t nh)
{
    if (!oo)
        return;
    for (size_t h = 0; h < nh; h++) {
        free(oo[h].p);
        free(oo[h].y);
        free(oo[h].fold);
    }
    free(oo);
}

slant_status slant_calibrate_model(const slant_corpus *c, const size_t *docs, size_t n_docs,
                                   const slant_options *o, slant_model **model,
                                   slant_error *err)
{
    slant_model *m = *model;
    size_t nh = m->n_heads;
    if (o->calibrate == SLANT_CALIBRATION_NONE && !o->target_precision)
        return SLANT_STATUS_OK;
    slant_oof *oo = slant_calloc_array(nh, sizeof *oo);
    const char **names = slant_calloc_array(nh, sizeof *names);
    uint32_t *k = slant_calloc_array(nh, sizeof *k);
    const uint64_t **counts = slant_calloc_array(nh, sizeof *counts);
    uint32_t *fold_of = slant_alloc_array(n_docs ? n_docs : 1, sizeof *fold_of);
    slant_corpus view = {0};
    slant_status st = SLANT_STATUS_OK;
    int any = 0;
    uint32_t folds = 0;
    if (!oo || !names || !k || !counts || !fold_of) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    for (size_t h = 0; h < nh; h++) {
        names[h] = m->heads[h].name;
        k[h] = m->heads[h].n_classes;
        counts[h] = m->heads[h].class_counts;
    }
    if ((st = slant_calib_plan(o, nh, names, k, counts, oo, &any, err)) || !any)
        goto out;
    if ((st = slant_calib_split(c, docs, n_docs, o, fold_of, &folds, err))
        || (st = slant_calib_oof_alloc(oo, nh, n_docs, err))
        || (st = view_of(c, docs, n_docs, &view, err)))
        goto out;
    slant_options inner = *o;
    inner.calibrate = SLANT_CALIBRATION_NONE;
    inner.target_precision = NULL;
    slant_log("calibration: %u inner folds on %zu documents, each vectorized again", folds,
              n_docs);
    if ((st = run_inner(&view, m, &inner, oo, folds, fold_of, err)))
        goto out;
    st = slant_calibrate_finish(o, oo, folds, model, err);
    m = NULL;
out:
    if (st && m) {
        slant_model_free(m);
        *model = NULL;
    }
    slant_calib_oof_free(oo, nh);
    free(names);
    free(k);
    free(counts);
    free(fold_of);
    view_free(&view);
    return st;
}

slant_status slant_calibrate_finish(const slant_options *o, slant_oof *oo, uint32_t folds,
                                    slant_model **model, slant_error *err)
{
    slant_model *m = *model;
    size_t nh = m->n_heads;
    slant_calib_head *cal = slant_calloc_array(nh, sizeof *cal);
    char *prov = NULL;
    size_t plen = 0, pcap = 0;
    double *q = NULL, *best_q = NULL;
    slant_model *out = NULL;
    slant_status st = SLANT_STATUS_OK;
    if (!cal || !(prov = slant_strdup(m->provenance))) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    plen = pcap = strlen(prov);
    for (size_t h = 0; h < nh; h++) {
        slant_oof *d = &oo[h];
        cal[h].n_classes = m->heads[h].n_classes;
        if (!d->needed)
            continue;
        const char *hname = m->heads[h].name;
        free(q);
        free(best_q);
        q = slant_alloc_array(d->n ? d->n : 1, d->k * sizeof *q);
        best_q = slant_alloc_array(d->n ? d->n : 1, d->k * sizeof *best_q);
        if (!q || !best_q) {
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
            goto out;
        }
        slant_calibration chosen = SLANT_CALIBRATION_NONE;
        double raw_ll = slant_calib_log_loss(d->p, d->y, d->n, d->k);
        double raw_ece = slant_calib_ece(d->p, d->y, d->n, d->k), best_ll = raw_ll;
        memcpy(best_q, d->p, d->n * d->k * sizeof *q);
        char tried[256] = "";
        if (d->needed == 2 && d->n) {
            static const slant_calibration methods[] = {
                SLANT_CALIBRATION_TEMPERATURE, SLANT_CALIBRATION_SIGMOID,
                SLANT_CALIBRATION_ISOTONIC};
            int autom = o->calibrate == SLANT_CALIBRATION_AUTO;
            double raw_acc, raw_f1;
            argmax_scores(d->p, d->y, d->n, d->k, &raw_acc, &raw_f1);
            if (autom)
                snprintf(tried, sizeof tried, " none:%.4f", raw_ll);
            for (size_t i = 0; i < 3; i++) {
                if (!autom && methods[i] != o->calibrate)
                    continue;
                if ((st = cross_fit(methods[i], d, folds, q, err)))
                    goto out;
                double ll = slant_calib_log_loss(q, d->y, d->n, d->k), acc, f1;
                /* auto keeps the labels: it chooses between none and temperature,
                 * which never moves the argmax.  Sigmoid and isotonic maps can, and
                 * one that cost nothing out of fold still moved them on new outlets
                 * (grouped article_bias: a fold's accuracy from 0.664 to 0.513);
                 * they are measured for the record, marked where they cost labels
                 * out of fold, and fitted only when named. */
                argmax_scores(q, d->y, d->n, d->k, &acc, &f1);
                int moves = acc < raw_acc - ARGMAX_SLACK || f1 < raw_f1 - ARGMAX_SLACK;
                if (autom)
                    snprintf(tried + strlen(tried), sizeof tried - strlen(tried), " %s:%.4f%s",
                             slant_calibration_name(methods[i]), ll, moves ? "(labels)" : "");
                /* in the order of their parameters' number, each must beat the
                 * simpler ones by SIMPLER_BY to be kept */
                if (!autom || (methods[i] == SLANT_CALIBRATION_TEMPERATURE
                               && ll < best_ll * (1 - SIMPLER_BY))) {
                    best_ll = ll;
                    chosen = methods[i];
                    memcpy(best_q, q, d->n * d->k * sizeof *q);
                }
            }
            if ((st = slant_calib_fit(chosen, d->p, d->y, d->n, d->k, &cal[h], err)))
                goto out;
            double ece = slant_calib_ece(best_q, d->y, d->n, d->k);
            slant_log("calibration: head \"%s\": %s (out-of-fold log loss %.4f -> %.4f, "
                      "ECE %.4f -> %.4f)", hname, slant_calibration_name(chosen), raw_ll,
                      best_ll, raw_ece, ece);
            if (appendf(&prov, &plen, &pcap, "calibration=%s method=%s chosen_by=%s "
                        "inner_folds=%u documents=%zu log_loss=%.4f->%.4f ece=%.4f->%.4f%s%s\n",
                        hname, slant_calibration_name(chosen), autom ? "auto" : "option",
                        folds, d->n, raw_ll, best_ll, raw_ece, ece, *tried ? " tried=" : "",
                        *tried ? tried + 1 : "")) {
                st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
                goto out;
            }
        } else if (o->calibrate != SLANT_CALIBRATION_NONE) {
            if (appendf(&prov, &plen, &pcap, "calibration=%s method=none reason=too_few_"
                        "documents documents=%zu\n", hname, d->n)) {
                st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
                goto out;
            }
        }
        if (d->target > 0) {
            double target = d->target;
            cal[h].target = target;
            if (!(cal[h].thresholds = slant_alloc_array(d->k, sizeof *cal[h].thresholds))) {
                st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
                goto out;
            }
            slant_calib_thresholds(best_q, d->y, d->n, d->k, target, cal[h].thresholds);
            double cov, prec;
            covered(best_q, d->y, d->n, d->k, cal[h].thresholds, &cov, &prec);
            slant_log("calibration: head \"%s\": thresholds for precision %g cover %.4f of the "
                      "out-of-fold documents, at precision %.4f", hname, target, cov, prec);
            int bad = appendf(&prov, &plen, &pcap, "abstain=%s target_precision=%g thresholds=",
                              hname, target);
            bad |= thresholds_text(&prov, &plen, &pcap, m, h, cal[h].thresholds);
            bad |= appendf(&prov, &plen, &pcap, " oof_coverage=%.4f oof_precision=%.4f\n", cov,
                           prec);
            if (bad) {
                st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
                goto out;
            }
        }
    }
    if ((st = slant_model_with_calibration(m, cal, prov, &out, err)))
        goto out;
    slant_model_free(m);
    *model = out;
out:
    if (st) {
        slant_model_free(*model);
        *model = NULL;
    }
    slant_calib_heads_free(cal, nh);
    free(prov);
    free(q);
    free(best_q);
    return st;
}
