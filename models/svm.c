/*
 * svm.c: C-SVC through libsvm, linear kernels folded into weights, RBF
 * models serialized into and read from the SVM section (see svm.h).
 *
 * A head's part of the SVM section, all little-endian, 8-byte aligned:
 *    0  u64 size of the part in bytes (a multiple of 8)
 *    8  u32 k, the number of classes; u32 l, the number of support vectors
 *   16  f64 gamma
 *   24  i32 label[k]: libsvm's class j is the head's class label[j]
 *       i32 nSV[k]: support vectors per libsvm class, in that order
 *       zeros to a multiple of 8
 *       f64 rho[P], probA[P], probB[P], P = k(k-1)/2, libsvm's pair order
 *       f64 sv_coef[(k-1) x l]
 *       u64 start[l + 1]: where each support vector's nodes begin
 *       nodes, 16 bytes each, libsvm's struct svm_node: i32 feature + 1
 *       (increasing; -1 ends a vector), u32 zero, f64 value
 * so that libsvm's own struct svm_model can point into the mapped file.
 *
 * libsvm draws its Platt folds from rand(), so each fit seeds it first, and
 * heads are fitted one after another: the same seed gives the same model.
 */
#include "svm.h"

#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <libsvm/svm.h>

#include "common.h"
#include "pipeline.h"

_Static_assert(sizeof(struct svm_node) == 16 && offsetof(struct svm_node, value) == 8,
               "the SVM section stores libsvm's nodes as they lie in memory");
_Static_assert(sizeof(int) == 4, "the SVM section stores libsvm's ints as 32 bits");

static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* libsvm prints its progress unless told otherwise; the library never prints. */
static void quiet(const char *s)
{
    (void)s;
}

/* The rows of X with y >= 0 as a libsvm problem (prob.y left to the caller). */
typedef struct svm_data {
    struct svm_problem prob;
    struct svm_node *nodes;
    int32_t *cls; /* each problem row's class */
} svm_data;

static void data_free(svm_data *d)
{
    free(d->prob.x);
    free(d->prob.y);
    free(d->nodes);
    free(d->cls);
    memset(d, 0, sizeof *d);
}

static slant_status data_init(svm_data *d, const slant_csr *x, const int32_t *y, slant_error *err)
{
    memset(d, 0, sizeof *d);
    size_t l = 0, nn = 0;
    for (size_t i = 0; i < x->rows; i++)
        if (y[i] >= 0) {
            l++;
            nn += x->rowptr[i + 1] - x->rowptr[i] + 1;
        }
    if (l > INT_MAX || x->cols >= INT_MAX)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                          "%zu documents or %zu features are more than libsvm takes", l, x->cols);
    d->prob.l = (int)l;
    d->prob.x = slant_alloc_array(l ? l : 1, sizeof *d->prob.x);
    d->prob.y = slant_alloc_array(l ? l : 1, sizeof *d->prob.y);
    d->nodes = slant_alloc_array(nn ? nn : 1, sizeof *d->nodes);
    d->cls = slant_alloc_array(l ? l : 1, sizeof *d->cls);
    if (!d->prob.x || !d->prob.y || !d->nodes || !d->cls) {
        data_free(d);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory for libsvm's problem");
    }
    size_t r = 0, at = 0;
    for (size_t i = 0; i < x->rows; i++) {
        if (y[i] < 0)
            continue;
        d->prob.x[r] = d->nodes + at;
        d->cls[r++] = y[i];
        for (size_t k = x->rowptr[i]; k < x->rowptr[i + 1]; k++)
            d->nodes[at++] = (struct svm_node){(int)x->index[k] + 1, x->value[k]};
        d->nodes[at++] = (struct svm_node){-1, 0.0};
    }
    return SLANT_STATUS_OK;
}

double slant_svm_scale_gamma(const slant_csr *x, const int32_t *y)
{
    double sum = 0, sq = 0, rows = 0;
    for (size_t i = 0; i < x->rows; i++) {
        if (y[i] < 0)
            continue;
        rows++;
        for (size_t k = x->rowptr[i]; k < x->rowptr[i + 1]; k++) {
            sum += x->value[k];
            sq += (double)x->value[k] * x->value[k];
        }
    }
    double cells = rows * (double)x->cols;
    if (cells == 0)
        return 1.0;
    double mean = sum / cells, var = sq / cells - mean * mean;
    return var > 0 ? 1.0 / ((double)x->cols * var) : 1.0;
}

/* Fits one libsvm model on d with labels d->prob.y; per-class weights
 * (n_w of them, for labels wl) scale C. */
static slant_status train_model(const svm_data *d, const slant_svm_params *p, int n_w, int *wl,
                                double *wv, struct svm_model **out, slant_error *err)
{
    struct svm_parameter pm;
    memset(&pm, 0, sizeof pm);
    pm.svm_type = C_SVC;
    pm.kernel_type = p->kernel == SLANT_KERNEL_RBF ? RBF : LINEAR;
    pm.gamma = p->gamma;
    pm.cache_size = 200;
    pm.eps = p->tol;
    pm.C = p->c;
    pm.nr_weight = n_w;
    pm.weight_label = wl;
    pm.weight = wv;
    pm.shrinking = 1;
    pm.probability = 1;
    const char *why = svm_check_parameter(&d->prob, &pm);
    if (why)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "libsvm refuses the settings: %s", why);
    svm_set_print_string_function(quiet);
    srand((unsigned)(p->seed ^ (p->seed >> 32)));
    *out = svm_train(&d->prob, &pm);
    if (!*out)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "libsvm could not fit the model");
    if (!svm_check_probability_model(*out)) {
        svm_free_and_destroy_model(out);
        return slant_fail(err, SLANT_STATUS_INTERNAL, "libsvm fitted no probability model");
    }
    return SLANT_STATUS_OK;
}

/* Fits the two-class problem on d->prob.y in {+1, -1} and writes the
 * log-odds of +1, u(x) = w.x + b, into w (nf, zeroed by the caller) and
 * *b.  libsvm's probability of its first class is 1 / (1 + exp(A f + B))
 * with f = sum_i a_i <sv_i, x> - rho. */
static slant_status fit_two(const svm_data *d, const slant_svm_params *p, size_t nf, double *w,
                            double *b, slant_error *err)
{
    int wl[2] = {1, -1};
    double wv[2] = {1, 1};
    if (p->balanced) {
        double pos = 0;
        for (int i = 0; i < d->prob.l; i++)
            pos += d->prob.y[i] > 0;
        double neg = d->prob.l - pos;
        wv[0] = pos > 0 ? d->prob.l / (2 * pos) : 1;
        wv[1] = neg > 0 ? d->prob.l / (2 * neg) : 1;
    }
    struct svm_model *m;
    slant_status st = train_model(d, p, 2, wl, wv, &m, err);
    if (st)
        return st;
    for (int i = 0; i < m->l; i++) {
        double a = m->sv_coef[0][i];
        for (const struct svm_node *n = m->SV[i]; n->index != -1; n++)
            w[n->index - 1] += a * n->value;
    }
    /* log-odds of libsvm's first class: -(A f + B) = -A w.x + A rho - B */
    double s = m->label[0] == 1 ? 1.0 : -1.0, A = m->probA[0], B = m->probB[0];
    for (size_t j = 0; j < nf; j++)
        w[j] *= -s * A;
    *b = s * (A * m->rho[0] - B);
    svm_free_and_destroy_model(&m);
    return SLANT_STATUS_OK;
}

slant_status slant_svm_fit_linear(const slant_csr *x, const int32_t *y, uint32_t n_classes,
                                  const slant_svm_params *p, float *weights, slant_error *err)
{
    size_t nf = x->cols;
    svm_data d;
    slant_status st = data_init(&d, x, y, err);
    if (st)
        return st;
    double *w = slant_alloc_array(nf ? nf : 1, sizeof *w);
    if (!w) {
        data_free(&d);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory for the SVM's weights");
    }
    float *bias = weights + nf * n_classes;
    /* Two classes: one fit for class 0, its log-odds split as +-u/2 over
     * the softmax of the two.  More: one fit per class against the rest. */
    uint32_t fits = n_classes == 2 ? 1 : n_classes;
    for (uint32_t k = 0; k < fits && !st; k++) {
        for (int i = 0; i < d.prob.l; i++)
            d.prob.y[i] = d.cls[i] == (int32_t)k ? 1 : -1;
        memset(w, 0, nf * sizeof *w);
        double b;
        if ((st = fit_two(&d, p, nf, w, &b, err)))
            break;
        if (n_classes == 2) {
            for (size_t j = 0; j < nf; j++) {
                weights[j * 2] = (float)(w[j] / 2);
                weights[j * 2 + 1] = (float)(-w[j] / 2);
            }
            bias[0] = (float)(b / 2);
            bias[1] = (float)(-b / 2);
        } else {
            for (size_t j = 0; j < nf; j++)
                weights[j * n_classes + k] = (float)w[j];
            bias[k] = (float)b;
        }
    }
    free(w);
    data_free(&d);
    return st;
}

/* ---- The RBF head's part -------------------------------------------- */

static size_t pad8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* Byte offsets of a part's arrays for k classes, l vectors, nn nodes. */
typedef struct part_layout {
    size_t label, nsv, rho, proba, probb, coef, start, nodes, size;
} part_layout;

/* 0, or -1 when the sizes overflow. */
static int layout(uint64_t k, uint64_t l, uint64_t nn, part_layout *o)
{
    if (k > 65536 || l > INT_MAX || nn > ((uint64_t)1 << 40))
        return -1;
    uint64_t pairs = k * (k - 1) / 2;
    o->label = 24;
    o->nsv = o->label + 4 * k;
    o->rho = pad8(o->nsv + 4 * k);
    o->proba = o->rho + 8 * pairs;
    o->probb = o->proba + 8 * pairs;
    o->coef = o->probb + 8 * pairs;
    o->start = o->coef + 8 * (k - 1) * l;
    o->nodes = o->start + 8 * (l + 1);
    o->size = o->nodes + 16 * nn;
    return 0;
}

slant_status slant_svm_fit_rbf(const slant_csr *x, const int32_t *y, uint32_t n_classes,
                               const slant_svm_params *p, unsigned char **blob, size_t *size,
                               size_t *n_sv, slant_error *err)
{
    *blob = NULL;
    *size = 0;
    svm_data d;
    slant_status st = data_init(&d, x, y, err);
    if (st)
        return st;
    int *wl = slant_alloc_array(n_classes, sizeof *wl);
    double *wv = slant_alloc_array(n_classes, sizeof *wv);
    struct svm_model *m = NULL;
    if (!wl || !wv) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    for (uint32_t k = 0; k < n_classes; k++) {
        wl[k] = (int)k;
        wv[k] = 0;
    }
    for (int i = 0; i < d.prob.l; i++) {
        d.prob.y[i] = d.cls[i];
        wv[d.cls[i]]++;
    }
    for (uint32_t k = 0; k < n_classes; k++) /* balanced: l / (k n_k); else 1 */
        wv[k] = p->balanced && wv[k] > 0 ? d.prob.l / ((double)n_classes * wv[k]) : 1.0;
    if ((st = train_model(&d, p, (int)n_classes, wl, wv, &m, err)))
        goto out;
    if ((uint32_t)m->nr_class != n_classes) {
        st = slant_fail(err, SLANT_STATUS_INTERNAL, "libsvm saw %d classes of %u", m->nr_class,
                        n_classes);
        goto out;
    }
    size_t nn = 0;
    for (int i = 0; i < m->l; i++) {
        const struct svm_node *n = m->SV[i];
        while (n->index != -1)
            n++;
        nn += (size_t)(n - m->SV[i]) + 1;
    }
    part_layout lo;
    if (layout(n_classes, (uint64_t)m->l, nn, &lo)
        || !(*blob = calloc(1, lo.size))) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory for the SVM");
        goto out;
    }
    unsigned char *b = *blob;
    size_t k = n_classes, pairs = k * (k - 1) / 2;
    put64(b, lo.size);
    put32(b + 8, (uint32_t)k);
    put32(b + 12, (uint32_t)m->l);
    memcpy(b + 16, &p->gamma, 8);
    for (size_t j = 0; j < k; j++) {
        put32(b + lo.label + 4 * j, (uint32_t)m->label[j]);
        put32(b + lo.nsv + 4 * j, (uint32_t)m->nSV[j]);
    }
    memcpy(b + lo.rho, m->rho, 8 * pairs);
    memcpy(b + lo.proba, m->probA, 8 * pairs);
    memcpy(b + lo.probb, m->probB, 8 * pairs);
    for (size_t j = 0; j + 1 < k; j++)
        memcpy(b + lo.coef + 8 * j * (size_t)m->l, m->sv_coef[j], 8 * (size_t)m->l);
    size_t at = 0;
    for (int i = 0; i < m->l; i++) {
        put64(b + lo.start + 8 * (size_t)i, at);
        const struct svm_node *n = m->SV[i];
        do {
            unsigned char *q = b + lo.nodes + 16 * at++;
            put32(q, (uint32_t)n->index);
            memcpy(q + 8, &n->value, 8);
        } while ((n++)->index != -1);
    }
    put64(b + lo.start + 8 * (size_t)m->l, at);
    *size = lo.size;
    *n_sv = (size_t)m->l;
out:
    if (m)
        svm_free_and_destroy_model(&m);
    free(wl);
    free(wv);
    data_free(&d);
    if (st) {
        free(*blob);
        *blob = NULL;
    }
    return st;
}

struct slant_svm_head {
    struct svm_model model; /* its arrays point into the section, or into sv and coef below */
    struct svm_node **sv;   /* l */
    double **coef;          /* k - 1 */
    uint32_t n_classes;
};

void slant_svm_head_free(slant_svm_head *h)
{
    if (!h)
        return;
    free(h->sv);
    free(h->coef);
    free(h);
}

size_t slant_svm_head_vectors(const slant_svm_head *h)
{
    return h ? (size_t)h->model.l : 0;
}

double slant_svm_head_gamma(const slant_svm_head *h)
{
    return h ? h->model.param.gamma : 0;
}

#define BAD(...) slant_fail(err, SLANT_STATUS_BAD_MODEL, __VA_ARGS__)

static int all_finite(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v;
        memcpy(&v, p + 8 * i, 8);
        if (!isfinite(v))
            return 0;
    }
    return 1;
}

slant_status slant_svm_head_parse(const unsigned char *p, uint64_t size, uint32_t n_classes,
                                  uint32_t n_features, const char *name, slant_svm_head **out,
                                  uint64_t *used, slant_error *err)
{
    *out = NULL;
    if (size < 24)
        return BAD("%s: the SVM section is cut short", name);
    uint64_t part = get64(p), k = get32(p + 8), l = get32(p + 12);
    double gamma;
    memcpy(&gamma, p + 16, 8);
    if (k != n_classes || k < 2)
        return BAD("%s: the SVM section's head has %llu classes, not %u", name,
                   (unsigned long long)k, n_classes);
    part_layout lo;
    /* Every node takes 16 bytes: the part's size bounds their count. */
    if (part > size || part % 8 || l == 0 || layout(k, l, 0, &lo) || lo.size > part
        || (part - lo.size) % 16)
        return BAD("%s: the SVM section has impossible sizes", name);
    uint64_t nn = (part - lo.size) / 16;
    layout(k, l, nn, &lo);
    if (!(gamma > 0) || !isfinite(gamma))
        return BAD("%s: the SVM's gamma is not a positive number", name);
    uint8_t *seen = calloc(k, 1);
    if (!seen)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
    uint64_t total = 0;
    for (uint64_t j = 0; j < k; j++) {
        uint32_t lab = get32(p + lo.label + 4 * j), nsv = get32(p + lo.nsv + 4 * j);
        if (lab >= k || seen[lab] || nsv > l) {
            free(seen);
            return BAD("%s: the SVM's class table is corrupt", name);
        }
        seen[lab] = 1;
        total += nsv;
    }
    free(seen);
    if (total != l)
        return BAD("%s: the SVM's support vector counts do not add up", name);
    for (size_t q = lo.nsv + 4 * k; q < lo.rho; q++)
        if (p[q])
            return BAD("%s: the SVM section's padding is not zero", name);
    if (!all_finite(p + lo.rho, (lo.start - lo.rho) / 8))
        return BAD("%s: an SVM coefficient is not a finite number", name);
    /* Each vector: increasing features in range, finite values, then -1. */
    if (get64(p + lo.start) != 0 || get64(p + lo.start + 8 * l) != nn)
        return BAD("%s: the SVM's support vectors do not fill their section", name);
    for (uint64_t i = 0; i < l; i++) {
        uint64_t a = get64(p + lo.start + 8 * i), b = get64(p + lo.start + 8 * i + 8);
        if (b <= a || b > nn)
            return BAD("%s: support vector %llu has impossible bounds", name,
                       (unsigned long long)i + 1);
        int64_t prev = 0;
        for (uint64_t t = a; t < b; t++) {
            const unsigned char *node = p + lo.nodes + 16 * t;
            int32_t idx = (int32_t)get32(node);
            double v;
            memcpy(&v, node + 8, 8);
            int last = t + 1 == b;
            if (get32(node + 4) != 0 || (last ? idx != -1 : (idx <= prev || idx > (int64_t)n_features))
                || !isfinite(v))
                return BAD("%s: support vector %llu is corrupt", name, (unsigned long long)i + 1);
            prev = idx;
        }
    }
    slant_svm_head *h = calloc(1, sizeof *h);
    if (!h || !(h->sv = slant_alloc_array(l, sizeof *h->sv))
        || !(h->coef = slant_alloc_array(k - 1, sizeof *h->coef))) {
        slant_svm_head_free(h);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
    }
    /* The section is 8-byte aligned and never written: libsvm reads it in place. */
    for (uint64_t i = 0; i < l; i++)
        h->sv[i] = (struct svm_node *)(uintptr_t)(p + lo.nodes + 16 * get64(p + lo.start + 8 * i));
    for (uint64_t j = 0; j + 1 < k; j++)
        h->coef[j] = (double *)(uintptr_t)(p + lo.coef + 8 * j * l);
    struct svm_model *m = &h->model;
    m->param.svm_type = C_SVC;
    m->param.kernel_type = RBF;
    m->param.gamma = gamma;
    m->nr_class = (int)k;
    m->l = (int)l;
    m->SV = h->sv;
    m->sv_coef = h->coef;
    m->rho = (double *)(uintptr_t)(p + lo.rho);
    m->probA = (double *)(uintptr_t)(p + lo.proba);
    m->probB = (double *)(uintptr_t)(p + lo.probb);
    m->label = (int *)(uintptr_t)(p + lo.label);
    m->nSV = (int *)(uintptr_t)(p + lo.nsv);
    m->free_sv = 0;
    h->n_classes = (uint32_t)k;
    *out = h;
    *used = part;
    return SLANT_STATUS_OK;
}

int slant_svm_head_score(const slant_svm_head *h, const slant_feature *x, size_t n,
                         double *probs)
{
    uint32_t k = h->n_classes;
    slant_feature *sorted = slant_alloc_array(n ? n : 1, sizeof *sorted);
    struct svm_node *nodes = slant_alloc_array(n + 1, sizeof *nodes);
    double *est = slant_alloc_array(k, sizeof *est);
    int rc = -1;
    if (sorted && nodes && est) {
        memcpy(sorted, x, n * sizeof *x);
        slant_features_sort(sorted, n);
        for (size_t j = 0; j < n; j++)
            nodes[j] = (struct svm_node){(int)sorted[j].index + 1, sorted[j].value};
        nodes[n] = (struct svm_node){-1, 0.0};
        svm_predict_probability(&h->model, nodes, est);
        for (uint32_t j = 0; j < k; j++)
            probs[h->model.label[j]] = est[j];
        rc = 0;
    }
    free(sorted);
    free(nodes);
    free(est);
    return rc;
}
