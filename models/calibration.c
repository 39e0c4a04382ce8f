/*
 * calibration.c: applying a head's calibration map and its abstention
 * thresholds, and the model file's CALIBRATION section (id 11) that holds
 * them.  Fitting them is train/calibrate.c's job.
 *
 * Section layout, little-endian, per head in the model's order:
 *   u32 method (0 none, 2 sigmoid, 3 temperature, 4 isotonic: the
 *       slant_calibration values; 1, auto, is never stored)
 *   u32 n_classes (the head's), u32 flags (1: thresholds follow), u32 0
 *   temperature: f64 T, in [1e-3, 1e3]
 *   sigmoid:     per curve f64 a, f64 b, each of magnitude at most 1e6
 *   isotonic:    per curve u32 n_points (1..65536), u32 0, then n_points
 *                pairs f64 x, f64 y: x strictly rising in [0, 1], y
 *                non-decreasing in [0, 1]
 *   thresholds:  f64 target precision in (0, 1], then f64 per class in
 *                [0, 1], or 2 for a class never given
 * A head has one curve when it has two classes, else one per class.  The
 * section covers the heads exactly: no stray bytes.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibration.h"
#include "common.h"
#include "model.h"

#define P_EPS 1e-15

static double clamp_p(double p)
{
    return p < P_EPS ? P_EPS : p > 1 - P_EPS ? 1 - P_EPS : p;
}

static double logit(double p)
{
    p = clamp_p(p);
    return log(p / (1 - p));
}

static double sigmoid(double z)
{
    return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
}

/* The isotonic curve of N points XY at X: constant outside its range,
 * linear between its points. */
static double curve_at(const double *xy, uint32_t n, double x)
{
    if (x <= xy[0])
        return xy[1];
    if (x >= xy[2 * (n - 1)])
        return xy[2 * (n - 1) + 1];
    uint32_t lo = 0, hi = n - 1; /* xy[lo].x < x < xy[hi].x */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (xy[2 * mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    double x0 = xy[2 * lo], x1 = xy[2 * hi], y0 = xy[2 * lo + 1], y1 = xy[2 * hi + 1];
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
}

uint32_t slant_calib_curves(slant_calibration method, uint32_t n_classes)
{
    if (method == SLANT_CALIBRATION_TEMPERATURE)
        return 1;
    if (method == SLANT_CALIBRATION_SIGMOID || method == SLANT_CALIBRATION_ISOTONIC)
        return n_classes == 2 ? 1 : n_classes;
    return 0;
}

/* Divides P (k entries) by their sum; a sum that is not positive leaves
 * the probabilities ORIG had. */
static void normalize(double *p, const double *orig, uint32_t k)
{
    double sum = 0;
    for (uint32_t c = 0; c < k; c++)
        sum += p[c];
    if (!(sum > 0) || !isfinite(sum)) {
        memcpy(p, orig, k * sizeof *p);
        return;
    }
    for (uint32_t c = 0; c < k; c++)
        p[c] /= sum;
}

void slant_calib_apply(const slant_calib_head *h, double *p)
{
    uint32_t k = h->n_classes;
    if (h->method == SLANT_CALIBRATION_TEMPERATURE) {
        double top = -INFINITY;
        for (uint32_t c = 0; c < k; c++) {
            p[c] = log(p[c] > 1e-300 ? p[c] : 1e-300) / h->temperature;
            if (p[c] > top)
                top = p[c];
        }
        double sum = 0;
        for (uint32_t c = 0; c < k; c++)
            sum += p[c] = exp(p[c] - top);
        for (uint32_t c = 0; c < k; c++)
            p[c] /= sum;
        return;
    }
    if (h->method != SLANT_CALIBRATION_SIGMOID && h->method != SLANT_CALIBRATION_ISOTONIC)
        return;
    int iso = h->method == SLANT_CALIBRATION_ISOTONIC;
    if (k == 2) {
        double q = iso ? curve_at(h->xy[0], h->n_points[0], p[1])
                       : sigmoid(h->ab[0] * logit(p[1]) + h->ab[1]);
        p[1] = q;
        p[0] = 1 - q;
        return;
    }
    double orig[64], *saved = k <= 64 ? orig : malloc(k * sizeof *saved);
    if (saved)
        memcpy(saved, p, k * sizeof *p);
    for (uint32_t c = 0; c < k; c++)
        p[c] = iso ? curve_at(h->xy[c], h->n_points[c], p[c])
                   : sigmoid(h->ab[2 * c] * logit(p[c]) + h->ab[2 * c + 1]);
    if (saved)
        normalize(p, saved, k);
    else { /* no memory for the fallback: a zero sum keeps the map's zeros uniform */
        double sum = 0;
        for (uint32_t c = 0; c < k; c++)
            sum += p[c];
        for (uint32_t c = 0; c < k; c++)
            p[c] = sum > 0 ? p[c] / sum : 1.0 / k;
    }
    if (saved != orig)
        free(saved);
}

void slant_calib_head_free(slant_calib_head *h)
{
    if (!h)
        return;
    if (h->xy)
        for (uint32_t c = 0; c < slant_calib_curves(h->method, h->n_classes); c++)
            free(h->xy[c]);
    free(h->xy);
    free(h->n_points);
    free(h->ab);
    free(h->thresholds);
    memset(h, 0, sizeof *h);
}

void slant_calib_heads_free(slant_calib_head *h, size_t n)
{
    if (!h)
        return;
    for (size_t i = 0; i < n; i++)
        slant_calib_head_free(&h[i]);
    free(h);
}

/* ---- The section ------------------------------------------------------ */

static void put32(unsigned char **p, uint32_t v)
{
    memcpy(*p, &v, 4);
    *p += 4;
}

static void putf(unsigned char **p, double v)
{
    memcpy(*p, &v, 8);
    *p += 8;
}

size_t slant_calib_section_size(const slant_calib_head *h, size_t n)
{
    size_t s = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t curves = slant_calib_curves(h[i].method, h[i].n_classes);
        s += 16;
        if (h[i].method == SLANT_CALIBRATION_TEMPERATURE)
            s += 8;
        else if (h[i].method == SLANT_CALIBRATION_SIGMOID)
            s += 16 * (size_t)curves;
        else if (h[i].method == SLANT_CALIBRATION_ISOTONIC)
            for (uint32_t c = 0; c < curves; c++)
                s += 8 + 16 * (size_t)h[i].n_points[c];
        if (h[i].target > 0)
            s += 8 + 8 * (size_t)h[i].n_classes;
    }
    return s;
}

void slant_calib_section_write(unsigned char *dst, const slant_calib_head *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t curves = slant_calib_curves(h[i].method, h[i].n_classes);
        put32(&dst, (uint32_t)h[i].method);
        put32(&dst, h[i].n_classes);
        put32(&dst, h[i].target > 0);
        put32(&dst, 0);
        if (h[i].method == SLANT_CALIBRATION_TEMPERATURE)
            putf(&dst, h[i].temperature);
        else if (h[i].method == SLANT_CALIBRATION_SIGMOID)
            for (uint32_t c = 0; c < 2 * curves; c++)
                putf(&dst, h[i].ab[c]);
        else if (h[i].method == SLANT_CALIBRATION_ISOTONIC)
            for (uint32_t c = 0; c < curves; c++) {
                put32(&dst, h[i].n_points[c]);
                put32(&dst, 0);
                for (uint32_t j = 0; j < 2 * h[i].n_points[c]; j++)
                    putf(&dst, h[i].xy[c][j]);
            }
        if (h[i].target > 0) {
            putf(&dst, h[i].target);
            for (uint32_t c = 0; c < h[i].n_classes; c++)
                putf(&dst, h[i].thresholds[c]);
        }
    }
}

#define BAD(...) slant_fail(err, SLANT_STATUS_BAD_MODEL, __VA_ARGS__)

/* A reader of the section that never passes its end. */
typedef struct cursor {
    const unsigned char *p;
    uint64_t left;
} cursor;

static int take32(cursor *c, uint32_t *v)
{
    if (c->left < 4)
        return -1;
    memcpy(v, c->p, 4);
    c->p += 4;
    c->left -= 4;
    return 0;
}

static int takef(cursor *c, double *v)
{
    if (c->left < 8)
        return -1;
    memcpy(v, c->p, 8);
    c->p += 8;
    c->left -= 8;
    return isfinite(*v) ? 0 : -2;
}

static slant_status parse_head(cursor *cur, slant_calib_head *h, uint32_t n_classes, size_t hi,
                               const char *name, slant_error *err)
{
    uint32_t method, k, flags, zero;
    if (take32(cur, &method) || take32(cur, &k) || take32(cur, &flags) || take32(cur, &zero))
        return BAD("%s: the calibration of head %zu is cut short", name, hi + 1);
    if ((method != SLANT_CALIBRATION_NONE && method != SLANT_CALIBRATION_SIGMOID
         && method != SLANT_CALIBRATION_TEMPERATURE && method != SLANT_CALIBRATION_ISOTONIC)
        || flags > 1 || zero)
        return BAD("%s: the calibration of head %zu has an unknown method or flags", name,
                   hi + 1);
    if (k != n_classes)
        return BAD("%s: the calibration of head %zu is for %u classes, the head has %u", name,
                   hi + 1, k, n_classes);
    h->method = (slant_calibration)method;
    h->n_classes = k;
    uint32_t curves = slant_calib_curves(h->method, k);
    double v = 0;
    int r;
    if (h->method == SLANT_CALIBRATION_TEMPERATURE) {
        if ((r = takef(cur, &v)))
            return r == -1 ? BAD("%s: the calibration of head %zu is cut short", name, hi + 1)
                           : BAD("%s: a calibration value of head %zu is not a finite number",
                                 name, hi + 1);
        if (!(v >= 1e-3 && v <= 1e3))
            return BAD("%s: head %zu has a temperature of %g, outside [0.001, 1000]", name,
                       hi + 1, v);
        h->temperature = v;
    } else if (h->method == SLANT_CALIBRATION_SIGMOID) {
        if (!(h->ab = slant_alloc_array(2 * (size_t)curves, sizeof *h->ab)))
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
        for (uint32_t c = 0; c < 2 * curves; c++) {
            if ((r = takef(cur, &h->ab[c])))
                return r == -1 ? BAD("%s: the calibration of head %zu is cut short", name, hi + 1)
                               : BAD("%s: a calibration value of head %zu is not a finite "
                                     "number", name, hi + 1);
            if (fabs(h->ab[c]) > 1e6)
                return BAD("%s: a sigmoid of head %zu has a coefficient of %g", name, hi + 1,
                           h->ab[c]);
        }
    } else if (h->method == SLANT_CALIBRATION_ISOTONIC) {
        h->n_points = slant_calloc_array(curves, sizeof *h->n_points);
        h->xy = slant_calloc_array(curves, sizeof *h->xy);
        if (!h->n_points || !h->xy)
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
        for (uint32_t c = 0; c < curves; c++) {
            uint32_t np;
            if (take32(cur, &np) || take32(cur, &zero))
                return BAD("%s: the calibration of head %zu is cut short", name, hi + 1);
            if (np < 1 || np > SLANT_CALIB_MAX_POINTS || zero)
                return BAD("%s: an isotonic curve of head %zu has %u points", name, hi + 1, np);
            if ((uint64_t)np * 16 > cur->left)
                return BAD("%s: the calibration of head %zu is cut short", name, hi + 1);
            if (!(h->xy[c] = slant_alloc_array(2 * (size_t)np, sizeof **h->xy)))
                return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
            h->n_points[c] = np;
            for (uint32_t j = 0; j < np; j++) {
                double x, y;
                if (takef(cur, &x) || takef(cur, &y) || !(x >= 0 && x <= 1) || !(y >= 0 && y <= 1)
                    || (j && !(x > h->xy[c][2 * j - 2])) || (j && !(y >= h->xy[c][2 * j - 1])))
                    return BAD("%s: isotonic curve %u of head %zu is not a rising map of [0, 1] "
                               "at point %u", name, c + 1, hi + 1, j + 1);
                h->xy[c][2 * j] = x;
                h->xy[c][2 * j + 1] = y;
            }
        }
    }
    if (flags & 1) {
        if ((r = takef(cur, &v)) || !(v > 0 && v <= 1))
            return r == -1 ? BAD("%s: the thresholds of head %zu are cut short", name, hi + 1)
                           : BAD("%s: head %zu has a target precision outside (0, 1]", name,
                                 hi + 1);
        h->target = v;
        if (!(h->thresholds = slant_alloc_array(k, sizeof *h->thresholds)))
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
        for (uint32_t c = 0; c < k; c++) {
            if ((r = takef(cur, &v)))
                return r == -1 ? BAD("%s: the thresholds of head %zu are cut short", name, hi + 1)
                               : BAD("%s: a threshold of head %zu is not a finite number", name,
                                     hi + 1);
            if (!((v >= 0 && v <= 1) || v == SLANT_CALIB_NEVER))
                return BAD("%s: threshold %u of head %zu is %g, neither in [0, 1] nor 2 "
                           "(never)", name, c + 1, hi + 1, v);
            h->thresholds[c] = v;
        }
    }
    return SLANT_STATUS_OK;
}

slant_status slant_calib_section_parse(const unsigned char *p, uint64_t size, size_t n,
                                       const uint32_t *n_classes, const char *name,
                                       slant_calib_head **out, slant_error *err)
{
    *out = NULL;
    slant_calib_head *h = slant_calloc_array(n ? n : 1, sizeof *h);
    if (!h)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
    cursor cur = {p, size};
    slant_status st = SLANT_STATUS_OK;
    for (size_t i = 0; i < n && !st; i++)
        st = parse_head(&cur, &h[i], n_classes[i], i, name, err);
    if (!st && cur.left)
        st = BAD("%s: the calibration section has %llu stray bytes", name,
                 (unsigned long long)cur.left);
    if (st) {
        slant_calib_heads_free(h, n);
        return st;
    }
    *out = h;
    return SLANT_STATUS_OK;
}

/* ---- Names, specs and accessors --------------------------------------- */

int slant_calibration_parse(const char *name)
{
    static const char *const names[] = {"none", "auto", "sigmoid", "temperature", "isotonic"};
    for (int i = 0; name && i < 5; i++)
        if (!strcmp(name, names[i]))
            return i;
    return -1;
}

const char *slant_calibration_name(slant_calibration method)
{
    switch (method) {
    case SLANT_CALIBRATION_NONE: return "none";
    case SLANT_CALIBRATION_AUTO: return "auto";
    case SLANT_CALIBRATION_SIGMOID: return "sigmoid";
    case SLANT_CALIBRATION_TEMPERATURE: return "temperature";
    case SLANT_CALIBRATION_ISOTONIC: return "isotonic";
    }
    return "?";
}

/* One part "P" or "HEAD=P" of a spec, [s, end): its head (NULL for a
 * plain P, else [*head, *head + *head_len)) and P. */
static slant_status spec_part(const char *s, const char *end, const char **head,
                              size_t *head_len, double *p, slant_error *err)
{
    const char *eq = memchr(s, '=', (size_t)(end - s));
    const char *num = eq ? eq + 1 : s;
    *head = eq ? s : NULL;
    *head_len = eq ? (size_t)(eq - s) : 0;
    char buf[64];
    size_t len = (size_t)(end - num);
    int part_len = (int)(end - s < 200 ? end - s : 200);
    if (eq && *head_len == 0)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "--target-precision: '%.*s' names no "
                          "head before '='", part_len, s);
    if (len == 0 || len >= sizeof buf)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "--target-precision: '%.*s' is not "
                          "P or HEAD=P", part_len, s);
    memcpy(buf, num, len);
    buf[len] = '\0';
    char *stop;
    errno = 0;
    double v = strtod(buf, &stop);
    if (*stop || errno || !(v > 0 && v <= 1))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "--target-precision: '%s' is not a "
                          "precision above 0 and at most 1", buf);
    *p = v;
    return SLANT_STATUS_OK;
}

slant_status slant_target_precision_of(const char *spec, const char *head, double *p,
                                       slant_error *err)
{
    *p = 0;
    if (!spec)
        return SLANT_STATUS_OK;
    if (!*spec)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "--target-precision: give P or "
                          "HEAD=P,...");
    double all = 0;
    for (const char *s = spec;;) {
        const char *end = strchr(s, ',');
        if (!end)
            end = s + strlen(s);
        const char *name;
        size_t name_len;
        double v = 0;
        slant_status st = spec_part(s, end, &name, &name_len, &v, err);
        if (st)
            return st;
        if (!name)
            all = v;
        else if (head && strlen(head) == name_len && !memcmp(head, name, name_len))
            *p = v;
        if (!*end)
            break;
        s = end + 1;
    }
    if (*p == 0)
        *p = all;
    return SLANT_STATUS_OK;
}

slant_status slant_target_precision_check(const char *spec, const slant_corpus *corpus,
                                          slant_error *err)
{
    double p = 0;
    slant_status st = slant_target_precision_of(spec, NULL, &p, err);
    if (st || !spec)
        return st;
    size_t nh = slant_corpus_heads(corpus);
    for (const char *s = spec;;) {
        const char *end = strchr(s, ',');
        if (!end)
            end = s + strlen(s);
        const char *eq = memchr(s, '=', (size_t)(end - s));
        if (eq) {
            size_t len = (size_t)(eq - s), h = 0;
            while (h < nh && !(strlen(slant_corpus_head_name(corpus, h)) == len
                               && !memcmp(slant_corpus_head_name(corpus, h), s, len)))
                h++;
            if (h == nh) {
                char heads[256] = "";
                for (size_t i = 0; i < nh && strlen(heads) < 200; i++)
                    snprintf(heads + strlen(heads), sizeof heads - strlen(heads), "%s%s",
                             i ? ", " : "", slant_corpus_head_name(corpus, i));
                return slant_fail(err, SLANT_STATUS_BAD_OPTION, "--target-precision: no head "
                                  "\"%.*s\" to label (the heads are %s)",
                                  (int)(len < 200 ? len : 200), s, heads);
            }
        }
        if (!*end)
            break;
        s = end + 1;
    }
    return SLANT_STATUS_OK;
}

slant_calibration slant_model_calibration(const slant_model *m, size_t head)
{
    return m->calib ? m->calib[head].method : SLANT_CALIBRATION_NONE;
}

double slant_model_target_precision(const slant_model *m, size_t head)
{
    return m->calib ? m->calib[head].target : 0;
}

double slant_model_threshold(const slant_model *m, size_t head, size_t cls)
{
    return m->calib && m->calib[head].thresholds ? m->calib[head].thresholds[cls] : 0;
}

int slant_model_abstains(const slant_model *m, size_t head, const double *probs, double below)
{
    const slant_head *hd = &m->heads[head];
    const double *p = probs + hd->class_offset;
    size_t top = 0;
    for (size_t c = 1; c < hd->n_classes; c++)
        if (p[c] > p[top])
            top = c;
    if (below >= 0)
        return p[top] < below;
    return m->calib && m->calib[head].thresholds && p[top] < m->calib[head].thresholds[top];
}
