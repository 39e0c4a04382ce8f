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

slant_status slant_nb_fit(const slant_csr *x, const int32_t *y, const double *sample_weight,
                          uint32_t n_classes, double alpha, int complement, float *weights,
                          float *bias, slant_error *err)
{
    size_t f_n = x->cols, c_n = n_classes;
    double *mass = slant_calloc_array(f_n * c_n, sizeof *mass); /* (F, C) */
    double *total = slant_calloc_array(c_n, sizeof *total);     /* (C) per-class mass */
    double *docs = slant_calloc_array(c_n, sizeof *docs);       /* (C) weighted documents */
    double *all = slant_calloc_array(f_n, sizeof *all);         /* (F) mass over classes */
    if (!mass || !total || !docs || !all) {
        free(mass);
        free(total);
        free(docs);
        free(all);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory training naive Bayes");
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
    for (size_t f = 0; f < f_n; f++)
        for (size_t k = 0; k < c_n; k++) {
            total[k] += mass[f * c_n + k];
            all[f] += mass[f * c_n + k];
        }
    double all_total = 0, n_docs = 0;
    for (size_t k = 0; k < c_n; k++) {
        all_total += total[k];
        n_docs += docs[k];
    }
    for (size_t k = 0; k < c_n; k++) {
        if (complement) {
            /* P(f | not k) from the other classes' mass, smoothed. */
            double denom = all_total - total[k] + alpha * (double)f_n;
            for (size_t f = 0; f < f_n; f++) {
                double num = all[f] - mass[f * c_n + k] + alpha;
                weights[f * c_n + k] = (float)-log(num / denom);
            }
            bias[k] = 0.0f;
        } else {
            double denom = total[k] + alpha * (double)f_n;
            for (size_t f = 0; f < f_n; f++)
                weights[f * c_n + k] = (float)log((mass[f * c_n + k] + alpha) / denom);
            /* A class no document carries keeps a tiny prior, not log 0. */
            bias[k] = (float)log((docs[k] > 0 ? docs[k] : 1e-12) / (n_docs > 0 ? n_docs : 1));
        }
    }
    free(mass);
    free(total);
    free(docs);
    free(all);
    return SLANT_STATUS_OK;
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
