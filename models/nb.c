/*
 * nb.c: multinomial and complement naive Bayes (see linear.h).  One pass
 * over the documents sums each class's feature mass; the rest is closed
 * form.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "linear.h"

void slant_nb_count(const slant_csr *x, const int32_t *y, uint32_t n_classes, double *mass,
                    double *docs)
{
    size_t c_n = n_classes;
    for (size_t i = 0; i < x->rows; i++) {
        if (y[i] < 0)
            continue;
        size_t k = (size_t)y[i];
        docs[k] += 1.0;
        for (size_t j = x->rowptr[i]; j < x->rowptr[i + 1]; j++)
            mass[(size_t)x->index[j] * c_n + k] += x->value[j];
    }
}

slant_status slant_nb_finish(const double *mass, const double *docs, const double *class_w,
                             size_t n_features, uint32_t n_classes, double alpha, int complement,
                             float *weights, float *bias, slant_error *err)
{
    size_t f_n = n_features, c_n = n_classes;
    double *total = slant_calloc_array(c_n, sizeof *total); /* (C) per-class mass */
    double *all = slant_calloc_array(f_n ? f_n : 1, sizeof *all); /* (F) mass over classes */
    if (!total || !all) {
        free(total);
        free(all);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory training naive Bayes");
    }
#define MASS(f, k) (class_w ? class_w[k] * mass[(f) * c_n + (k)] : mass[(f) * c_n + (k)])
    for (size_t f = 0; f < f_n; f++)
        for (size_t k = 0; k < c_n; k++) {
            total[k] += MASS(f, k);
            all[f] += MASS(f, k);
        }
    double all_total = 0, n_docs = 0;
    for (size_t k = 0; k < c_n; k++) {
        all_total += total[k];
        n_docs += class_w ? class_w[k] * docs[k] : docs[k];
    }
    for (size_t k = 0; k < c_n; k++) {
        if (complement) {
            /* P(f | not k) from the other classes' mass, smoothed. */
            double denom = all_total - total[k] + alpha * (double)f_n;
            for (size_t f = 0; f < f_n; f++) {
                double num = all[f] - MASS(f, k) + alpha;
                weights[f * c_n + k] = (float)-log(num / denom);
            }
            bias[k] = 0.0f;
        } else {
            double denom = total[k] + alpha * (double)f_n;
            for (size_t f = 0; f < f_n; f++)
                weights[f * c_n + k] = (float)log((MASS(f, k) + alpha) / denom);
            /* A class no document carries keeps a tiny prior, not log 0. */
            double dk = class_w ? class_w[k] * docs[k] : docs[k];
            bias[k] = (float)log((dk > 0 ? dk : 1e-12) / (n_docs > 0 ? n_docs : 1));
        }
    }
#undef MASS
    free(total);
    free(all);
    return SLANT_STATUS_OK;
}

slant_status slant_nb_from_sums(const double *mass, const uint64_t *counts, size_t n_features,
                                uint32_t n_classes, int balanced, double alpha, int complement,
                                float *weights, float *bias, slant_error *err)
{
    double *docs = slant_alloc_array(n_classes, sizeof *docs);
    double *cw = slant_alloc_array(n_classes, sizeof *cw);
    if (!docs || !cw) {
        free(docs);
        free(cw);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory training naive Bayes");
    }
    uint64_t labeled = 0;
    for (uint32_t k = 0; k < n_classes; k++)
        labeled += counts[k];
    for (uint32_t k = 0; k < n_classes; k++) { /* the weight training gives each document */
        docs[k] = (double)counts[k];
        cw[k] = balanced && counts[k] ? (double)labeled / ((double)n_classes * (double)counts[k])
                                      : 1.0;
    }
    slant_status st = slant_nb_finish(mass, docs, cw, n_features, n_classes, alpha, complement,
                                      weights, bias, err);
    free(docs);
    free(cw);
    return st;
}

slant_status slant_nb_fit(const slant_csr *x, const int32_t *y, const double *sample_weight,
                          uint32_t n_classes, double alpha, int complement, float *weights,
                          float *bias, slant_error *err)
{
    size_t f_n = x->cols, c_n = n_classes;
    double *mass = slant_calloc_array(f_n * c_n > 0 ? f_n * c_n : 1, sizeof *mass); /* (F, C) */
    double *docs = slant_calloc_array(c_n, sizeof *docs);     /* (C) documents */
    double *cw = slant_alloc_array(c_n, sizeof *cw);          /* (C) each class's weight */
    unsigned char *set = slant_calloc_array(c_n, 1);
    slant_status st = SLANT_STATUS_OK;
    if (!mass || !docs || !cw || !set) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory training naive Bayes");
        goto out;
    }
    /* Weights that are one per class (balanced class weights, or none)
     * are applied to the class's sums, not to each document's, so that
     * summed shards (slant_model_merge) give the very numbers of one fit
     * on their union. */
    int per_class = 1;
    for (size_t i = 0; i < x->rows && per_class; i++) {
        if (y[i] < 0)
            continue;
        double sw = sample_weight ? sample_weight[i] : 1.0;
        size_t k = (size_t)y[i];
        if (!set[k]) {
            cw[k] = sw;
            set[k] = 1;
        }
        per_class = cw[k] == sw;
    }
    for (size_t k = 0; k < c_n; k++)
        if (!set[k])
            cw[k] = 1.0;
    if (per_class) {
        slant_nb_count(x, y, n_classes, mass, docs);
        st = slant_nb_finish(mass, docs, cw, f_n, n_classes, alpha, complement, weights, bias,
                             err);
        goto out;
    }
    for (size_t i = 0; i < x->rows; i++) {
        if (y[i] < 0)
            continue;
        double sw = sample_weight ? sample_weight[i] : 1.0;
        size_t k = (size_t)y[i];
        docs[k] += sw;
        for (size_t j = x->rowptr[i]; j < x->rowptr[i + 1]; j++)
            mass[(size_t)x->index[j] * c_n + k] += sw * x->value[j];
    }
    st = slant_nb_finish(mass, docs, NULL, f_n, n_classes, alpha, complement, weights, bias, err);
out:
    free(mass);
    free(docs);
    free(cw);
    free(set);
    return st;
}

slant_status slant_nb_scales(const slant_csr *x, const int32_t *y, uint32_t n_classes,
                             double alpha, double *scale, slant_error *err)
{
    size_t f_n = x->cols, c_n = n_classes;
    double *mass = slant_calloc_array(f_n * c_n, sizeof *mass); /* (F, C) */
    double *total = slant_calloc_array(c_n, sizeof *total);     /* (C) */
    if (!mass || !total) {
        free(mass);
        free(total);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory for feature scales");
    }
    for (size_t i = 0; i < x->rows; i++) {
        if (y[i] < 0)
            continue;
        for (size_t j = x->rowptr[i]; j < x->rowptr[i + 1]; j++)
            mass[(size_t)x->index[j] * c_n + (size_t)y[i]] += x->value[j];
    }
    double all_total = 0;
    for (size_t f = 0; f < f_n; f++)
        for (size_t k = 0; k < c_n; k++)
            total[k] += mass[f * c_n + k];
    for (size_t k = 0; k < c_n; k++)
        all_total += total[k];
    for (size_t f = 0; f < f_n; f++) {
        double all_f = 0, sq = 0;
        for (size_t k = 0; k < c_n; k++)
            all_f += mass[f * c_n + k];
        for (size_t k = 0; k < c_n; k++) {
            double in = (alpha + mass[f * c_n + k]) / (alpha * (double)f_n + total[k]);
            double out = (alpha + all_f - mass[f * c_n + k])
                         / (alpha * (double)f_n + all_total - total[k]);
            double r = log(in / out);
            sq += r * r;
        }
        scale[f] = sqrt(sq / (double)c_n);
    }
    free(mass);
    free(total);
    return SLANT_STATUS_OK;
}
