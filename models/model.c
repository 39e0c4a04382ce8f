/*
 * model.c: options, model accessors and labeling.  Scoring a document is a
 * sparse row times each head's feature-major weight matrix, then a softmax
 * per head (for naive Bayes the softmax of the joint log-likelihoods is the
 * posterior).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibration.h"
#include "common.h"
#include "corpus.h"
#include "model.h"
#include "svm.h"

void slant_options_init(slant_options *o)
{
    memset(o, 0, sizeof *o);
    o->model = SLANT_MODEL_KIND_LR;
    o->word_min = 1;
    o->word_max = 2;
    o->char_min = 0;
    o->char_max = 0;
    o->hash_bits = 0;
    o->min_count = 2;
    o->weighting = SLANT_WEIGHTING_TFIDF;
    o->punct = 1;
    o->alpha = 0;
    o->beta = -1;
    o->solver = SLANT_SOLVER_DUAL;
    o->c = 0;
    o->max_iter = 0;
    o->tol = 0;
    o->class_weight = 1; /* balanced: never worse than none over the corpora measured
                          * (bench/results/2026-12-01-carry.md), better where classes
                          * are of unequal size */
    o->preset = SLANT_PRESET_NONE;
    o->threads = 0;
    o->seed = 1;
    o->calibrate = SLANT_CALIBRATION_AUTO;
    o->target_precision = NULL;
}

/* The options that mean something for some models only, as the program
 * names them.  One rule for all of them: given where they mean nothing,
 * they are refused, whatever their value. */
static const char *const model_options[] = {"c", "alpha", "beta", "solver", "iterations",
                                            "tol", "nb-scale", "kernel", "gamma", "force"};

/* The options that mean something for every model. */
static const char *const common_options[] = {
    "model", "preset", "word-ngrams", "char-ngrams", "hash-bits", "min-count", "weighting",
    "tfidf", "no-tfidf", "punct", "case", "class-weight", "threads", "seed"};

/* 1 when model option NAME differs in O from slant_options_init's value:
 * then it was given, and slant_options_check holds it to the rule. */
static int option_set(const slant_options *o, const char *name)
{
    if (!strcmp(name, "c"))
        return o->c != 0;
    if (!strcmp(name, "alpha"))
        return o->alpha != 0;
    if (!strcmp(name, "beta"))
        return o->beta >= 0;
    if (!strcmp(name, "solver"))
        return o->solver != SLANT_SOLVER_DUAL;
    if (!strcmp(name, "iterations"))
        return o->max_iter != 0;
    if (!strcmp(name, "tol"))
        return o->tol != 0;
    if (!strcmp(name, "nb-scale"))
        return o->nb_scale != 0;
    if (!strcmp(name, "kernel"))
        return o->kernel != SLANT_KERNEL_LINEAR;
    if (!strcmp(name, "gamma"))
        return o->gamma != 0;
    if (!strcmp(name, "force"))
        return o->force != 0;
    return 0;
}

/* NULL when model option NAME means something for the model O describes;
 * else the rest of the sentence that refuses "--NAME".  What each model
 * reads is in train.c: c is the L2 trade-off of lr and nbsvm and libsvm's
 * C; tol stops lr's and nbsvm's solvers and is libsvm's eps; iterations
 * bound lr's and nbsvm's solvers (libsvm has no such limit); alpha smooths
 * nb, cnb and nbsvm. */
static const char *option_misplaced(const slant_options *o, const char *name)
{
    slant_model_kind k = o->model;
    int lr = k == SLANT_MODEL_KIND_LR, nbsvm = k == SLANT_MODEL_KIND_NBSVM,
        svm = k == SLANT_MODEL_KIND_SVM, bayes = !lr && !nbsvm && !svm;
    if (!strcmp(name, "c"))
        return bayes ? "is for --model lr, nbsvm or svm (naive Bayes has no C)" : NULL;
    if (!strcmp(name, "alpha"))
        return lr || svm ? "is for --model nb, cnb or nbsvm (smoothing of counts)"
               : o->alpha < 0 && !nbsvm ? "auto is for --model nbsvm (nb and cnb take a "
                                          "number, 0.1 unless given)"
                                        : NULL;
    if (!strcmp(name, "beta"))
        return nbsvm ? NULL : "is for --model nbsvm";
    if (!strcmp(name, "solver"))
        return lr ? NULL : "is for --model lr";
    if (!strcmp(name, "iterations"))
        return lr || nbsvm ? NULL : "is for --model lr or nbsvm";
    if (!strcmp(name, "tol"))
        return bayes ? "is for --model lr, nbsvm or svm (naive Bayes is fitted in closed form)"
                     : NULL;
    if (!strcmp(name, "nb-scale"))
        return lr ? NULL : "is for --model lr (nbsvm scales by its own ratios)";
    if (!strcmp(name, "kernel"))
        return svm ? NULL : "is for --model svm";
    if (!strcmp(name, "gamma"))
        return svm && o->kernel == SLANT_KERNEL_RBF ? NULL : "is for --model svm --kernel rbf";
    if (!strcmp(name, "force"))
        return svm ? NULL : "is for --model svm";
    return NULL;
}

slant_status slant_options_check_option(const slant_options *o, const char *name,
                                        slant_error *err)
{
    if (!o || !name)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no options or no option name");
    for (size_t i = 0; i < sizeof common_options / sizeof *common_options; i++)
        if (!strcmp(name, common_options[i]))
            return SLANT_STATUS_OK;
    for (size_t i = 0; i < sizeof model_options / sizeof *model_options; i++)
        if (!strcmp(name, model_options[i])) {
            const char *why = option_misplaced(o, name);
            return why ? slant_fail(err, SLANT_STATUS_BAD_OPTION, "--%s %s", name, why)
                       : SLANT_STATUS_OK;
        }
    return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no training option --%s", name);
}

slant_status slant_options_check(const slant_options *o, slant_error *err)
{
#define OPT_BAD(...) slant_fail(err, SLANT_STATUS_BAD_OPTION, __VA_ARGS__)
    if (o->model > SLANT_MODEL_KIND_SVM)
        return OPT_BAD("unknown model kind %d", (int)o->model);
    if (o->preset > SLANT_PRESET_HEADLINES)
        return OPT_BAD("unknown preset %d", (int)o->preset);
    if (o->kernel != SLANT_KERNEL_LINEAR && o->kernel != SLANT_KERNEL_RBF)
        return OPT_BAD("unknown kernel %d", (int)o->kernel);
    if (o->solver != SLANT_SOLVER_DUAL && o->solver != SLANT_SOLVER_LBFGS)
        return OPT_BAD("unknown solver %d", (int)o->solver);
    if (!(o->gamma >= 0) || !isfinite(o->gamma))
        return OPT_BAD("--gamma must be a positive number");
    if (o->force != 0 && o->force != 1)
        return OPT_BAD("forcing is on (1) or off (0)");
    if (!isfinite(o->alpha))
        return OPT_BAD("--alpha must be a positive number");
    if (!(o->c >= 0) || !isfinite(o->c))
        return OPT_BAD("--c must be a positive number");
    if (!(o->beta <= 1) || !isfinite(o->beta))
        return OPT_BAD("--beta must be between 0 and 1");
    if (o->max_iter > 1000000)
        return OPT_BAD("--iterations must be between 1 and 1000000");
    if (!(o->tol >= 0) || !isfinite(o->tol))
        return OPT_BAD("--tol must be a non-negative number");
    if ((o->class_weight != 0 && o->class_weight != 1) || (o->nb_scale != 0 && o->nb_scale != 1))
        return OPT_BAD("class weighting and naive-Bayes scaling are on (1) or off (0)");
    for (size_t i = 0; i < sizeof model_options / sizeof *model_options; i++) {
        const char *why = option_set(o, model_options[i])
                              ? option_misplaced(o, model_options[i]) : NULL;
        if (why)
            return OPT_BAD("--%s %s", model_options[i], why);
    }
    if ((o->word_min == 0) != (o->word_max == 0) || o->word_min > o->word_max)
        return OPT_BAD("word n-gram range %u-%u: give MIN-MAX with 1 <= MIN <= MAX, or 0 for none",
                       o->word_min, o->word_max);
    if ((o->char_min == 0) != (o->char_max == 0) || o->char_min > o->char_max)
        return OPT_BAD("character n-gram range %u-%u: give MIN-MAX with 1 <= MIN <= MAX, or 0 "
                       "for none", o->char_min, o->char_max);
    if (o->word_max > SLANT_MAX_NGRAM || o->char_max > SLANT_MAX_NGRAM)
        return OPT_BAD("n-grams longer than %d are not supported", SLANT_MAX_NGRAM);
    if (o->word_max == 0 && o->char_max == 0)
        return OPT_BAD("no features: word and character n-grams are both off");
    if (o->hash_bits > SLANT_MAX_HASH_BITS)
        return OPT_BAD("--hash-bits %u: at most %d (2^%d buckets)", o->hash_bits,
                       SLANT_MAX_HASH_BITS, SLANT_MAX_HASH_BITS);
    if (o->hash_bits == 0 && o->min_count < 1)
        return OPT_BAD("--min-count must be at least 1");
    if (o->weighting != SLANT_WEIGHTING_COUNTS && o->weighting != SLANT_WEIGHTING_TFIDF
        && o->weighting != SLANT_WEIGHTING_BINARY)
        return OPT_BAD("unknown weighting %d", (int)o->weighting);
    if ((o->punct != 0 && o->punct != 1) || (o->keep_case != 0 && o->keep_case != 1))
        return OPT_BAD("punctuation tokens and case keeping are on (1) or off (0)");
    if (o->threads > 1024)
        return OPT_BAD("--threads %u: at most 1024", o->threads);
    if (o->calibrate > SLANT_CALIBRATION_ISOTONIC)
        return OPT_BAD("unknown calibration %d", (int)o->calibrate);
    double p;
    slant_status st = slant_target_precision_of(o->target_precision, NULL, &p, err);
    if (st)
        return st;
    return SLANT_STATUS_OK;
#undef OPT_BAD
}

int slant_preset_parse(const char *name)
{
    if (!name)
        return -1;
    if (strcmp(name, "nbsvm") == 0)
        return SLANT_PRESET_NBSVM;
    if (strcmp(name, "headlines") == 0)
        return SLANT_PRESET_HEADLINES;
    return -1;
}

const char *slant_preset_name(slant_preset preset)
{
    return preset == SLANT_PRESET_NBSVM       ? "nbsvm"
           : preset == SLANT_PRESET_HEADLINES ? "headlines"
                                              : "none";
}

void slant_options_preset(slant_options *o, slant_preset preset)
{
    o->preset = preset;
    if (preset == SLANT_PRESET_NBSVM) {
        o->model = SLANT_MODEL_KIND_NBSVM;
        o->weighting = SLANT_WEIGHTING_BINARY;
        o->min_count = 1;
        o->class_weight = 0; /* as the preset was chosen */
    } else if (preset == SLANT_PRESET_HEADLINES) {
        o->keep_case = 1;
        o->class_weight = 1;
    }
}

int slant_weighting_parse(const char *name)
{
    if (!name)
        return -1;
    if (strcmp(name, "counts") == 0)
        return SLANT_WEIGHTING_COUNTS;
    if (strcmp(name, "tfidf") == 0)
        return SLANT_WEIGHTING_TFIDF;
    if (strcmp(name, "binary") == 0)
        return SLANT_WEIGHTING_BINARY;
    return -1;
}

const char *slant_weighting_name(slant_weighting w)
{
    return w == SLANT_WEIGHTING_COUNTS ? "counts" : w == SLANT_WEIGHTING_BINARY ? "binary" : "tfidf";
}

int slant_solver_parse(const char *name)
{
    if (!name)
        return -1;
    if (strcmp(name, "dual") == 0)
        return SLANT_SOLVER_DUAL;
    if (strcmp(name, "lbfgs") == 0)
        return SLANT_SOLVER_LBFGS;
    return -1;
}

const char *slant_solver_name(slant_solver solver)
{
    return solver == SLANT_SOLVER_LBFGS ? "lbfgs" : "dual";
}

void slant_options_resolve(slant_options *o)
{
    slant_model_kind k = o->model;
    int lr = k == SLANT_MODEL_KIND_LR, nbsvm = k == SLANT_MODEL_KIND_NBSVM,
        svm = k == SLANT_MODEL_KIND_SVM, lbfgs = lr && o->solver == SLANT_SOLVER_LBFGS;
    /* Only what the model reads, so that resolved options pass
     * slant_options_check as the given ones did. */
    if (o->c == 0 && (lr || nbsvm || svm))
        o->c = nbsvm ? 0.1 : svm ? 1.0 : 10.0;
    if (nbsvm && o->alpha < 0)
        o->alpha = 0; /* chosen, as the model file has always said it */
    else if (o->alpha == 0 && !lr && !nbsvm && !svm)
        o->alpha = 0.1;
    if (o->max_iter == 0 && (lr || nbsvm))
        o->max_iter = lbfgs ? 200 : 1000;
    if (o->tol == 0 && (lr || nbsvm || svm))
        o->tol = lbfgs ? 1e-4 : svm ? 0.001 : 0.01;
}

int slant_model_kind_parse(const char *name)
{
    if (!name)
        return -1;
    if (strcmp(name, "nb") == 0)
        return SLANT_MODEL_KIND_NB;
    if (strcmp(name, "cnb") == 0)
        return SLANT_MODEL_KIND_CNB;
    if (strcmp(name, "lr") == 0)
        return SLANT_MODEL_KIND_LR;
    if (strcmp(name, "nbsvm") == 0)
        return SLANT_MODEL_KIND_NBSVM;
    if (strcmp(name, "svm") == 0)
        return SLANT_MODEL_KIND_SVM;
    return -1;
}

const char *slant_model_kind_name(slant_model_kind kind)
{
    switch (kind) {
    case SLANT_MODEL_KIND_NB: return "nb";
    case SLANT_MODEL_KIND_CNB: return "cnb";
    case SLANT_MODEL_KIND_LR: return "lr";
    case SLANT_MODEL_KIND_NBSVM: return "nbsvm";
    case SLANT_MODEL_KIND_SVM: return "svm";
    }
    return "?";
}

int slant_kernel_parse(const char *name)
{
    if (!name)
        return -1;
    if (strcmp(name, "linear") == 0)
        return SLANT_KERNEL_LINEAR;
    if (strcmp(name, "rbf") == 0)
        return SLANT_KERNEL_RBF;
    return -1;
}

const char *slant_kernel_name(slant_kernel kernel)
{
    return kernel == SLANT_KERNEL_RBF ? "rbf" : "linear";
}

size_t slant_model_support_vectors(const slant_model *m, size_t h, double *gamma)
{
    if (gamma)
        *gamma = slant_svm_head_gamma(m->heads[h].svm);
    return slant_svm_head_vectors(m->heads[h].svm);
}

int slant_model_takes_vectors(const slant_model *m)
{
    return (m->pipe.cfg.token_flags & SLANT_TOK_VECTORS) != 0;
}

slant_status slant_model_check_input(const slant_model *m, const slant_corpus *c,
                                     slant_error *err)
{
    const char *src = c->source ? c->source : "corpus";
    if (slant_model_takes_vectors(m) && !c->vectors)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                          "%s: text, but the model was trained on LIBSVM vectors and labels "
                          "vectors; give it a LIBSVM file (slant features -m MODEL writes one)",
                          src);
    if (!slant_model_takes_vectors(m) && c->vectors)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                          "%s: LIBSVM vectors, but the model labels text; train a model on the "
                          "vectors to label them",
                          src);
    return SLANT_STATUS_OK;
}

size_t slant_model_heads(const slant_model *m) { return m->n_heads; }
const char *slant_model_head_name(const slant_model *m, size_t h) { return m->heads[h].name; }
size_t slant_model_classes(const slant_model *m, size_t h) { return m->heads[h].n_classes; }
size_t slant_model_class_offset(const slant_model *m, size_t h) { return m->heads[h].class_offset; }
size_t slant_model_total_classes(const slant_model *m) { return m->total_classes; }
size_t slant_model_features(const slant_model *m) { return m->pipe.n_features; }
slant_model_kind slant_model_kind_of(const slant_model *m) { return m->kind; }
const char *slant_model_provenance(const slant_model *m) { return m->provenance; }

const char *slant_model_class_name(const slant_model *m, size_t h, size_t c)
{
    return m->heads[h].class_names[c];
}

void slant_model_options(const slant_model *m, slant_options *opt)
{
    *opt = m->opt;
}

slant_status slant_model_feature_name(const slant_model *m, uint32_t index, char *buf,
                                      size_t size)
{
    if (index >= m->pipe.n_features)
        return slant_fail(NULL, SLANT_STATUS_BAD_OPTION, "no such feature");
    if (m->pipe.names && size) {
        snprintf(buf, size, "%s", m->pipe.names + m->pipe.name_off[index]);
        buf[slant_utf8_cut(buf, strlen(buf))] = '\0'; /* a cut to fit ends at a character */
    }
    else if (m->pipe.cfg.token_flags & SLANT_TOK_VECTORS) /* the number in the LIBSVM file */
        snprintf(buf, size, "feature %llu", (unsigned long long)index + 1);
    else
        snprintf(buf, size, "#%u", index);
    return SLANT_STATUS_OK;
}

float slant_model_weight(const slant_model *m, size_t h, size_t c, uint32_t index)
{
    const slant_head *hd = &m->heads[h];
    return hd->weights ? hd->weights[(size_t)index * hd->n_classes + c] : 0.0f;
}

size_t slant_model_vectorize(const slant_model *m, const char *text, size_t len,
                             slant_feature *out, size_t cap)
{
    slant_vec_scratch s = {0};
    slant_feature *row = NULL;
    size_t rcap = 0;
    long n = slant_pipeline_vectorize(&m->pipe, text, len, &s, &row, &rcap);
    size_t r = n < 0 ? 0 : (size_t)n;
    slant_features_sort(row, r);
    if (r && out && cap) /* a size query passes no buffer; an empty row, none */
        memcpy(out, row, (r < cap ? r : cap) * sizeof *out);
    free(row);
    slant_vec_scratch_free(&s);
    return r;
}

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif
#define SCORE_AHEAD 8

/* Probabilities of every head for one vectorized document, each head's
 * calibration map applied, and its most probable class after it. */
int slant_model_score(const slant_model *m, const slant_feature *x, size_t n, double *probs,
                      size_t *best)
{
    if (slant_model_score_raw(m, x, n, probs, best))
        return -1;
    for (uint32_t h = 0; m->calib && h < m->n_heads; h++) {
        const slant_head *hd = &m->heads[h];
        if (m->calib[h].method == SLANT_CALIBRATION_NONE)
            continue;
        double *z = probs + hd->class_offset;
        slant_calib_apply(&m->calib[h], z);
        if (best) { /* temperature keeps the argmax; the others may move it */
            size_t arg = 0;
            for (size_t k = 1; k < hd->n_classes; k++)
                if (z[k] > z[arg])
                    arg = k;
            best[h] = arg;
        }
    }
    return 0;
}

/* Probabilities of every head for one vectorized document.  probs has
 * total_classes entries. */
int slant_model_score_raw(const slant_model *m, const slant_feature *x, size_t n, double *probs,
                          size_t *best)
{
    for (uint32_t h = 0; h < m->n_heads; h++) {
        const slant_head *hd = &m->heads[h];
        size_t c_n = hd->n_classes;
        double *z = probs + hd->class_offset;
        if (hd->svm) { /* a kernel head: libsvm's own probabilities */
            if (slant_svm_head_score(hd->svm, x, n, z))
                return -1;
            size_t arg = 0;
            for (size_t k = 1; k < c_n; k++)
                if (z[k] > z[arg])
                    arg = k;
            if (best)
                best[h] = arg;
            continue;
        }
        for (size_t k = 0; k < c_n; k++)
            z[k] = hd->bias[k];
        /* Rows of W are far apart: ask for a few ahead of their use. */
        for (size_t j = 0; j < n && j < SCORE_AHEAD; j++)
            PREFETCH(hd->weights + (size_t)x[j].index * c_n);
        for (size_t j = 0; j < n; j++) {
            if (j + SCORE_AHEAD < n)
                PREFETCH(hd->weights + (size_t)x[j + SCORE_AHEAD].index * c_n);
            const float *w = hd->weights + (size_t)x[j].index * c_n;
            double v = x[j].value;
            for (size_t k = 0; k < c_n; k++)
                z[k] += v * w[k];
        }
        double top = z[0];
        size_t arg = 0;
        for (size_t k = 1; k < c_n; k++)
            if (z[k] > top) {
                top = z[k];
                arg = k;
            }
        if (hd->one_vs_rest) {
            /* Each class's logistic output, normalized: in logs, shifted by
             * the top class's, so that scores far below zero do not all
             * round to 0 (log sigma(z) = -log(1 + e^-z), computed stably). */
            for (size_t k = 0; k < c_n; k++)
                z[k] = z[k] >= 0 ? -log1p(exp(-z[k])) : z[k] - log1p(exp(z[k]));
            top = z[arg];
        }
        double sum = 0;
        for (size_t k = 0; k < c_n; k++) {
            z[k] = exp(z[k] - top);
            sum += z[k];
        }
        for (size_t k = 0; k < c_n; k++)
            z[k] /= sum;
        if (best)
            best[h] = arg;
    }
    return 0;
}

slant_status slant_model_predict(const slant_model *m, const char *text, size_t len,
                                 double *probs, size_t *best, slant_error *err)
{
    slant_vec_scratch s = {0};
    slant_feature *row = NULL;
    size_t cap = 0;
    long n = slant_pipeline_vectorize(&m->pipe, text, len, &s, &row, &cap);
    slant_vec_scratch_free(&s);
    if (n < 0) {
        free(row);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory labeling a document");
    }
    int bad = slant_model_score(m, row, (size_t)n, probs, best);
    free(row);
    if (bad)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory labeling a document");
    return SLANT_STATUS_OK;
}
