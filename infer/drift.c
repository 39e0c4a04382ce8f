/*
 * drift.c: how much of an article a model knows, and how a batch of
 * articles compares with the training corpus: the known shares and the
 * predicted label mix beside the training mix (see slant.h, "Unfamiliar
 * articles and drift").  The shares themselves are counted where the
 * n-grams are (slant_known_shares in features/pipeline.c), so that
 * labeling gets them from the vectorizing it does anyway, and training
 * records its corpus's own with the same code.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "drift.h"
#include "model.h"

/* The number after "\nKEY=" in the provenance PROV, or NAN. */
static double provenance_number(const char *prov, const char *key)
{
    if (!prov)
        return NAN;
    size_t kl = strlen(key);
    for (const char *p = prov; (p = strstr(p, key)) != NULL; p += kl) {
        if ((p != prov && p[-1] != '\n') || p[kl] != '=')
            continue;
        char *end;
        double v = strtod(p + kl + 1, &end);
        if (end != p + kl + 1 && (*end == '\n' || *end == '\0') && isfinite(v))
            return v;
        return NAN;
    }
    return NAN;
}

float slant_model_unseen_idf(const slant_model *m)
{
    if (!m->pipe.cfg.hash_bits || !m->pipe.idf)
        return 0.0f;
    double n = provenance_number(m->provenance, "corpus_documents");
    if (!(n >= 1 && n < 1e15))
        return 0.0f;
    return slant_idf_unseen((size_t)n);
}

slant_status slant_model_known_share(const slant_model *model, const char *text, size_t len,
                                     double *ngram_share, double *word_share, slant_error *err)
{
    double ng = NAN, w = NAN;
    if (!model || (!text && len))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no model or text");
    slant_vec_scratch s = {0};
    slant_feature *row = NULL;
    size_t cap = 0;
    long n = slant_pipeline_vectorize(&model->pipe, text ? text : "", len, &s, &row, &cap);
    if (n >= 0)
        slant_known_shares(&model->pipe, &s, slant_model_unseen_idf(model), &ng, &w);
    free(row);
    slant_vec_scratch_free(&s);
    if (n < 0)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    if (ngram_share)
        *ngram_share = ng;
    if (word_share)
        *word_share = w;
    return SLANT_STATUS_OK;
}

uint64_t slant_model_class_count(const slant_model *m, size_t head, size_t cls)
{
    if (!m || head >= m->n_heads || cls >= m->heads[head].n_classes)
        return 0;
    return m->heads[head].class_counts[cls];
}

/* A share the provenance records; NaN when it records none, or a number
 * no share can be (a model file is outside input). */
static double provenance_share(const slant_model *m, const char *key)
{
    double v = m ? provenance_number(m->provenance, key) : NAN;
    return v >= 0 && v <= 1 ? v : NAN;
}

void slant_model_training_known(const slant_model *m, double *ngrams, double *words)
{
    if (ngrams)
        *ngrams = provenance_share(m, "known_ngrams");
    if (words)
        *words = provenance_share(m, "known_words");
}

/* ------------------------------------------------------------------ */
/* A batch's summary                                                   */
/* ------------------------------------------------------------------ */

struct slant_drift {
    slant_drift_options opt;
    size_t n_heads, total;   /* heads, and classes of all of them */
    size_t *class_start;     /* n_heads + 1 */
    double *training;        /* total: each class's share of its head's training docs */
    uint64_t *predicted;     /* total */
    uint64_t documents, unfamiliar;
    uint64_t bins[SLANT_DRIFT_BINS];
    double sum_ngrams, sum_words; /* summed in the order recorded */
    double training_ngrams;
};

void slant_drift_options_init(slant_drift_options *opt)
{
    if (!opt)
        return;
    opt->min_known = SLANT_MIN_KNOWN;
    opt->max_distance = SLANT_DRIFT_DISTANCE;
    opt->max_known_drop = SLANT_DRIFT_KNOWN_DROP;
}

slant_status slant_drift_new(const slant_model *model, const slant_drift_options *opt,
                             slant_drift **out, slant_error *err)
{
    if (!out)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no place to put the summary");
    *out = NULL;
    if (!model)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no model");
    slant_drift_options o;
    slant_drift_options_init(&o);
    if (opt) {
        if (opt->min_known)
            o.min_known = opt->min_known;
        if (opt->max_distance)
            o.max_distance = opt->max_distance;
        if (opt->max_known_drop)
            o.max_known_drop = opt->max_known_drop;
    }
    if (!(o.min_known > 0 && o.min_known <= 1) || !(o.max_distance > 0 && o.max_distance <= 1)
        || !(o.max_known_drop > 0 && o.max_known_drop <= 1))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "the drift thresholds are shares: "
                          "each above 0 and at most 1");
    slant_drift *d = calloc(1, sizeof *d);
    size_t nh = model->n_heads, total = model->total_classes;
    if (!d || !(d->class_start = slant_alloc_array(nh + 1, sizeof *d->class_start))
        || !(d->training = slant_alloc_array(total ? total : 1, sizeof *d->training))
        || !(d->predicted = slant_calloc_array(total ? total : 1, sizeof *d->predicted))) {
        slant_drift_free(d);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    }
    d->opt = o;
    d->n_heads = nh;
    d->total = total;
    for (size_t h = 0; h < nh; h++) {
        const slant_head *hd = &model->heads[h];
        size_t off = hd->class_offset;
        d->class_start[h] = off;
        uint64_t sum = 0;
        for (uint32_t c = 0; c < hd->n_classes; c++)
            sum += hd->class_counts[c];
        for (uint32_t c = 0; c < hd->n_classes; c++)
            d->training[off + c] = sum ? (double)hd->class_counts[c] / (double)sum : 0.0;
    }
    d->class_start[nh] = total;
    slant_model_training_known(model, &d->training_ngrams, NULL);
    *out = d;
    return SLANT_STATUS_OK;
}

void slant_drift_free(slant_drift *d)
{
    if (!d)
        return;
    free(d->class_start);
    free(d->training);
    free(d->predicted);
    free(d);
}

slant_status slant_drift_add(slant_drift *d, const size_t *best, double ngram_share,
                             double word_share, slant_error *err)
{
    if (!d || (!best && d->n_heads))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no summary or classes");
    for (size_t h = 0; h < d->n_heads; h++)
        if (best[h] >= d->class_start[h + 1] - d->class_start[h])
            return slant_fail(err, SLANT_STATUS_BAD_OPTION, "class %zu is past head %zu's %zu",
                              best[h], h, d->class_start[h + 1] - d->class_start[h]);
    for (size_t h = 0; h < d->n_heads; h++)
        d->predicted[d->class_start[h] + best[h]]++;
    d->documents++;
    d->sum_ngrams += ngram_share;
    d->sum_words += word_share;
    if (!isnan(ngram_share)) {
        size_t b = ngram_share >= 1 ? SLANT_DRIFT_BINS - 1
                 : ngram_share <= 0 ? 0
                                    : (size_t)(ngram_share * SLANT_DRIFT_BINS);
        d->bins[b < SLANT_DRIFT_BINS ? b : SLANT_DRIFT_BINS - 1]++;
        d->unfamiliar += ngram_share < d->opt.min_known;
    }
    return SLANT_STATUS_OK;
}

slant_status slant_drift_corpus(slant_drift *d, const slant_model *model,
                                const slant_corpus *corpus, uint32_t threads, slant_error *err)
{
    if (!d || !model || !corpus)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no summary, model or corpus");
    if (model->n_heads != d->n_heads || model->total_classes != d->total)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "the summary is for another model");
    enum { BATCH = 4096 };
    size_t n = slant_corpus_size(corpus), nh = d->n_heads, tc = d->total;
    double *probs = slant_alloc_array(BATCH, (tc ? tc : 1) * sizeof *probs);
    size_t *best = slant_alloc_array(BATCH, (nh ? nh : 1) * sizeof *best);
    double *known = slant_alloc_array(BATCH, 2 * sizeof *known);
    slant_status st = SLANT_STATUS_OK;
    if (!probs || !best || !known)
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    for (size_t start = 0; start < n && !st; start += BATCH) {
        size_t m = n - start < BATCH ? n - start : BATCH;
        st = slant_model_predict_corpus_known(model, corpus, start, m, threads, probs, best,
                                              known, err);
        for (size_t r = 0; r < m && !st; r++)
            st = slant_drift_add(d, best + r * nh, known[2 * r], known[2 * r + 1], err);
    }
    free(probs);
    free(best);
    free(known);
    return st;
}

uint64_t slant_drift_documents(const slant_drift *d)
{
    return d ? d->documents : 0;
}

double slant_drift_known_ngrams(const slant_drift *d)
{
    return d && d->documents ? d->sum_ngrams / (double)d->documents : NAN;
}

double slant_drift_known_words(const slant_drift *d)
{
    return d && d->documents ? d->sum_words / (double)d->documents : NAN;
}

uint64_t slant_drift_known_bin(const slant_drift *d, size_t bin)
{
    return d && bin < SLANT_DRIFT_BINS ? d->bins[bin] : 0;
}

uint64_t slant_drift_unfamiliar(const slant_drift *d)
{
    return d ? d->unfamiliar : 0;
}

int slant_drift_known_dropped(const slant_drift *d)
{
    double mean = slant_drift_known_ngrams(d);
    return d && !isnan(mean) && !isnan(d->training_ngrams)
           && mean < d->training_ngrams - d->opt.max_known_drop;
}

uint64_t slant_drift_predicted(const slant_drift *d, size_t head, size_t cls)
{
    if (!d || head >= d->n_heads || cls >= d->class_start[head + 1] - d->class_start[head])
        return 0;
    return d->predicted[d->class_start[head] + cls];
}

double slant_drift_distance(const slant_drift *d, size_t head)
{
    if (!d || head >= d->n_heads || !d->documents)
        return NAN;
    double sum = 0;
    for (size_t j = d->class_start[head]; j < d->class_start[head + 1]; j++)
        sum += fabs((double)d->predicted[j] / (double)d->documents - d->training[j]);
    return sum / 2;
}

int slant_drift_head_drifted(const slant_drift *d, size_t head)
{
    double t = slant_drift_distance(d, head);
    return !isnan(t) && t > d->opt.max_distance;
}
