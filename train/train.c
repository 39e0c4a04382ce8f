/*
 * train.c: from a labeled corpus to a model.  One feature pipeline is
 * fitted on the training documents; each label column (head) then gets its
 * own classifier over the same feature matrix.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calibrate.h"
#include "common.h"
#include "corpus.h"
#include "linear.h"
#include "model.h"
#include "pipeline.h"
#include "svm.h"
#include "train.h"

/* Folds of NBSVM's inner cross-validation. */
#define NBSVM_FOLDS 5


static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The classes of one head over the training documents, sorted by name. */
typedef struct head_classes {
    const char **names;
    uint64_t *counts;
    uint32_t n;
    int32_t *y; /* per training document, -1 when the label is missing */
} head_classes;

static void head_classes_free(head_classes *h)
{
    free(h->names);
    free(h->counts);
    free(h->y);
}

static slant_status collect_classes(const slant_corpus *c, const size_t *docs, size_t n_docs,
                                    size_t head, head_classes *out, slant_error *err)
{
    memset(out, 0, sizeof *out);
    const char **all = slant_alloc_array(n_docs, sizeof *all);
    out->y = slant_alloc_array(n_docs, sizeof *out->y);
    if (!all || !out->y) {
        free(all);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    }
    size_t n = 0;
    for (size_t i = 0; i < n_docs; i++) {
        const char *l = c->labels[docs[i] * c->n_heads + head];
        if (l)
            all[n++] = l;
    }
    qsort(all, n, sizeof *all, cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(all[i], all[u - 1]) != 0)
            all[u++] = all[i];
    const char *hname = c->head_names[head];
    if (u == 0) {
        free(all);
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: column \"%s\" has no labels",
                          c->source ? c->source : "corpus", hname);
    }
    if (u == 1) {
        slant_status st = slant_fail(err, SLANT_STATUS_BAD_INPUT,
                                     "%s: column \"%s\" has only one class (\"%s\"); a "
                                     "classifier needs at least two",
                                     c->source ? c->source : "corpus", hname, all[0]);
        free(all);
        return st;
    }
    if (u > SLANT_MAX_CLASSES) {
        free(all);
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: column \"%s\" has %zu classes, more "
                          "than %d", c->source ? c->source : "corpus", hname, u,
                          SLANT_MAX_CLASSES);
    }
    out->names = all;
    out->n = (uint32_t)u;
    out->counts = slant_calloc_array(u, sizeof *out->counts);
    if (!out->counts)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    for (size_t i = 0; i < n_docs; i++) {
        const char *l = c->labels[docs[i] * c->n_heads + head];
        if (!l) {
            out->y[i] = -1;
            continue;
        }
        const char **hit = bsearch(&l, all, u, sizeof *all, cmp_str);
        out->y[i] = (int32_t)(hit - all);
        out->counts[out->y[i]]++;
    }
    return SLANT_STATUS_OK;
}

/* Heads with more classes than this are worth a warning: training grows
 * with the classes, and a label set of news rarely has so many. */
#define MANY_CLASSES 100

void slant_warn_label_heads(const slant_corpus *c)
{
    if (!c || !c->n_docs)
        return;
    size_t *docs = slant_alloc_array(c->n_docs, sizeof *docs);
    if (!docs)
        return; /* training will say it is out of memory */
    for (size_t i = 0; i < c->n_docs; i++)
        docs[i] = i;
    const char *src = c->source ? c->source : "corpus";
    for (size_t h = 0; h < c->n_heads; h++) {
        head_classes hc;
        slant_error ignored;
        if (collect_classes(c, docs, c->n_docs, h, &hc, &ignored) == SLANT_STATUS_OK) {
            uint64_t labeled = 0;
            for (uint32_t k = 0; k < hc.n; k++)
                labeled += hc.counts[k];
            const char *name = c->head_names[h];
            /* A column of ids, urls or titles: nearly one class a document. */
            if (labeled >= 10 && 2 * (uint64_t)hc.n >= labeled)
                slant_warn("%s: column \"%s\" has %u classes for %llu labeled documents: it "
                           "looks like an identifier, not a label; leave it out with --ignore "
                           "%s, or choose heads with --label",
                           src, name, hc.n, (unsigned long long)labeled, name);
            else if (hc.n > MANY_CLASSES)
                slant_warn("%s: column \"%s\" has %u classes: training grows with the "
                           "classes; if it is not a label, --ignore %s",
                           src, name, hc.n, name);
        }
        head_classes_free(&hc);
    }
    free(docs);
}

/* Appends printf-formatted text to a growing string. */
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

/* 9999-12-31T23:59:59Z: the last second whose year has four digits. */
#define LAST_EPOCH 253402300799ULL

slant_status slant_training_date(char *buf, size_t size, slant_error *err)
{
    time_t t = time(NULL);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        uint64_t v = 0;
        const char *p = sde;
        while (*p >= '0' && *p <= '9' && v <= LAST_EPOCH)
            v = v * 10 + (uint64_t)(*p++ - '0');
        if (*p || v > LAST_EPOCH || (uint64_t)(time_t)v != v) {
            char quoted[64];
            return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                              "SOURCE_DATE_EPOCH=%s: not a whole number of seconds since "
                              "1970-01-01 (at most %llu, the end of 9999); set it to one, or "
                              "unset it", slant_name_quote(sde, strlen(sde), quoted,
                                                           sizeof quoted), LAST_EPOCH);
        }
        t = (time_t)v;
    }
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%d", &tm) == 0)
        return slant_fail(err, SLANT_STATUS_INTERNAL, "cannot write the date %lld",
                          (long long)t);
    return SLANT_STATUS_OK;
}

/* D as the shortest %g text that reads back as D, so that a recorded
 * option replays exactly (plain %g keeps six digits); "10", not "1e+01". */
static void shortest(char *buf, size_t size, double d)
{
    char best[32] = "", try[32];
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(try, sizeof try, "%.*g", digits, d);
        if (strtod(try, NULL) == d && (!*best || strlen(try) < strlen(best)))
            strcpy(best, try);
    }
    snprintf(buf, size, "%s", best);
}

/* An n-gram range as the options take it: "A-B", or "0" for none. */
static void range(char *buf, size_t size, uint32_t lo, uint32_t hi)
{
    if (hi == 0)
        snprintf(buf, size, "0");
    else
        snprintf(buf, size, "%u-%u", lo, hi);
}

/* The options= line: the preset if any, then every option that means
 * something for the model, with the values training used, so that
 * `slant train CORPUS -o M $(options)` gives the same model bytes.  O is
 * resolved. */
static int options_line(char **s, size_t *len, size_t *cap, const slant_options *o)
{
    char words[16], chars[16], c[32], tol[32], alpha[32], beta[32], gamma[32];
    range(words, sizeof words, o->word_min, o->word_max);
    range(chars, sizeof chars, o->char_min, o->char_max);
    shortest(c, sizeof c, o->c);
    shortest(tol, sizeof tol, o->tol);
    if (o->alpha > 0)
        shortest(alpha, sizeof alpha, o->alpha);
    else
        strcpy(alpha, "auto");
    if (o->beta >= 0)
        shortest(beta, sizeof beta, o->beta);
    else
        strcpy(beta, "auto");
    if (o->gamma > 0)
        shortest(gamma, sizeof gamma, o->gamma);
    else
        strcpy(gamma, "scale");
    /* The preset first: it is in the model (the preset= line), and the
     * options after it override all it sets. */
    int bad = o->preset != SLANT_PRESET_NONE
                  && appendf(s, len, cap, "options=--preset %s ", slant_preset_name(o->preset));
    bad |= appendf(s, len, cap, "%s--model %s --word-ngrams %s --char-ngrams %s "
                   "--hash-bits %u --min-count %u --weighting %s --punct %s --case %s",
                   o->preset != SLANT_PRESET_NONE ? "" : "options=",
                   slant_model_kind_name(o->model), words, chars, o->hash_bits, o->min_count,
                   slant_weighting_name(o->weighting), o->punct ? "on" : "off",
                   o->keep_case ? "keep" : "fold");
    switch (o->model) {
    case SLANT_MODEL_KIND_LR:
        bad |= appendf(s, len, cap, " --solver %s --c %s --iterations %u --tol %s --nb-scale %s",
                       slant_solver_name(o->solver), c, o->max_iter, tol,
                       o->nb_scale ? "on" : "off");
        break;
    case SLANT_MODEL_KIND_NB:
    case SLANT_MODEL_KIND_CNB:
        bad |= appendf(s, len, cap, " --alpha %s", alpha);
        break;
    case SLANT_MODEL_KIND_NBSVM:
        bad |= appendf(s, len, cap, " --alpha %s --beta %s --c %s --iterations %u --tol %s",
                       alpha, beta, c, o->max_iter, tol);
        break;
    case SLANT_MODEL_KIND_SVM:
        bad |= appendf(s, len, cap, " --kernel %s", slant_kernel_name(o->kernel));
        if (o->kernel == SLANT_KERNEL_RBF)
            bad |= appendf(s, len, cap, " --gamma %s", gamma);
        bad |= appendf(s, len, cap, " --c %s --tol %s%s", c, tol, o->force ? " --force" : "");
        break;
    }
    bad |= appendf(s, len, cap, " --class-weight %s --seed %llu",
                   o->class_weight ? "balanced" : "none", (unsigned long long)o->seed);
    /* auto, the default, is left out, so that the line of a model trained
     * before calibration reads as it did */
    if (o->calibrate != SLANT_CALIBRATION_AUTO)
        bad |= appendf(s, len, cap, " --calibrate %s", slant_calibration_name(o->calibrate));
    if (o->target_precision)
        bad |= appendf(s, len, cap, " --target-precision %s", o->target_precision);
    bad |= appendf(s, len, cap, "\n");
    return bad;
}

/* A head= line: the head's name and each class's training documents. */
static int head_line(char **s, size_t *len, size_t *cap, const char *name, uint32_t n,
                     const char *const *names, const uint64_t *counts)
{
    int bad = appendf(s, len, cap, "head=%s", name);
    for (uint32_t k = 0; k < n && !bad; k++)
        bad |= appendf(s, len, cap, " %s:%llu", names[k], (unsigned long long)counts[k]);
    return bad | appendf(s, len, cap, "\n");
}

/* S with NOTE appended, or NULL (S freed) when BAD or memory runs out. */
static char *with_note(char *s, size_t *len, size_t *cap, int bad, const char *note)
{
    if (note && !bad)
        bad |= appendf(&s, len, cap, "%s", note);
    if (bad) {
        free(s);
        return NULL;
    }
    return s;
}

/* CORPUS_HASH: slant_corpus_hash of the training documents, taken before
 * their texts may have been released. */
static char *provenance(const slant_corpus *c, size_t n_docs, uint64_t corpus_hash,
                        const slant_options *o, const char *date, const head_classes *hc,
                        size_t nf, const slant_nbsvm_choice *choice, const char *note,
                        const slant_fitted *fitted)
{
    char *s = NULL;
    size_t len = 0, cap = 0;
    int bad = appendf(&s, &len, &cap, "slant_version=%s\nformat_version=%d\ndate=%s\nmodel=%s\n",
                      SLANT_VERSION, SLANT_FORMAT_VERSION, date, slant_model_kind_name(o->model));
    bad |= options_line(&s, &len, &cap, o);
    if (o->preset != SLANT_PRESET_NONE) /* what it set is in the options above */
        bad |= appendf(&s, &len, &cap, "preset=%s\n", slant_preset_name(o->preset));
    bad |= appendf(&s, &len, &cap, "features=%zu\ncorpus_documents=%zu\ncorpus_hash=xxh3:%016llx\n",
                   nf, n_docs, (unsigned long long)corpus_hash);
    /* What labeling's known share is compared with (slant_drift). */
    if (!isnan(fitted->known_ngrams))
        bad |= appendf(&s, &len, &cap, "known_ngrams=%.4f\n", fitted->known_ngrams);
    if (!isnan(fitted->known_words))
        bad |= appendf(&s, &len, &cap, "known_words=%.4f\n", fitted->known_words);
    for (size_t h = 0; h < c->n_heads && !bad; h++)
        bad |= head_line(&s, &len, &cap, c->head_names[h], hc[h].n, hc[h].names, hc[h].counts);
    for (size_t h = 0; choice && h < c->n_heads && !bad; h++)
        bad |= choice[h].folds
                   ? appendf(&s, &len, &cap, "nbsvm=%s alpha=%g beta=%g inner_folds=%u "
                             "inner_accuracy=%.4f\n", c->head_names[h], choice[h].alpha,
                             choice[h].beta, choice[h].folds, choice[h].accuracy)
                   : appendf(&s, &len, &cap, "nbsvm=%s alpha=%g beta=%g\n", c->head_names[h],
                             choice[h].alpha, choice[h].beta);
    return with_note(s, &len, &cap, bad, note);
}

/* Logistic regression by the solver O names; w (output) holds the
 * weights, then the biases; *at_limit (output) counts the fits that
 * stopped at the iteration limit before they converged. */
static slant_status fit_lr(const slant_csr *x, const int32_t *y, const double *sw, uint32_t cn,
                           const slant_options *o, float *w, uint32_t *at_limit,
                           slant_error *err)
{
    size_t nf = x->cols;
    if (o->solver == SLANT_SOLVER_LBFGS) {
        slant_lr_params p = {o->c, o->max_iter, o->tol, o->threads, at_limit};
        return slant_lr_fit(x, y, sw, cn, &p, w, w + nf * cn, err);
    }
    slant_dual_params p = {o->c, 1.0, o->tol, o->max_iter, o->seed, o->threads,
                           SLANT_LOSS_LOGISTIC, at_limit};
    return slant_lr_dual_fit(x, y, sw, cn, &p, w, w + nf * cn, err);
}

/* Logistic regression on features scaled by their naive-Bayes log-count
 * ratios (see slant_nb_scales).  The scales are folded into the weights,
 * so the model scores unscaled features and labels at the usual cost.
 * x's values are scaled for the fit and restored after. */
static slant_status fit_nb_scaled(slant_csr *x, const int32_t *y, const double *sw, uint32_t cn,
                                  const slant_options *o, float *w, uint32_t *at_limit,
                                  slant_error *err)
{
    size_t nf = x->cols, nnz = x->rowptr[x->rows];
    double *scale = slant_alloc_array(nf, sizeof *scale);
    float *saved = slant_alloc_array(nnz, sizeof *saved);
    slant_status st = SLANT_STATUS_OK;
    if (!scale || !saved) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory for feature scales");
        goto out;
    }
    if ((st = slant_nb_scales(x, y, cn, 1.0, scale, err)))
        goto out;
    memcpy(saved, x->value, nnz * sizeof *saved);
    for (size_t j = 0; j < nnz; j++)
        x->value[j] = (float)(x->value[j] * scale[x->index[j]]);
    st = fit_lr(x, y, sw, cn, o, w, at_limit, err);
    memcpy(x->value, saved, nnz * sizeof *saved);
    if (!st)
        for (size_t f = 0; f < nf; f++)
            for (size_t k = 0; k < cn; k++)
                w[f * cn + k] = (float)(w[f * cn + k] * scale[f]);
out:
    free(scale);
    free(saved);
    return st;
}

static slant_status train_once(const slant_corpus *c, const size_t *docs, size_t n_docs,
                               const slant_options *o, const char *note, slant_corpus *consume,
                               slant_model **out, slant_error *err);

slant_status slant_fit_lr_head(slant_csr *x, const int32_t *y, const double *sw, uint32_t cn,
                               const slant_options *o, float *w, uint32_t *at_limit,
                               slant_error *err)
{
    return o->nb_scale ? fit_nb_scaled(x, y, sw, cn, o, w, at_limit, err)
                       : fit_lr(x, y, sw, cn, o, w, at_limit, err);
}

char *slant_provenance_plain(const slant_options *o, const char *date, size_t n_features,
                             uint64_t n_docs, const char *corpus_hash, uint32_t n_heads,
                             const slant_head_parts *heads, const char *note)
{
    char *s = NULL;
    size_t len = 0, cap = 0;
    int bad = appendf(&s, &len, &cap, "slant_version=%s\nformat_version=%d\ndate=%s\nmodel=%s\n",
                      SLANT_VERSION, SLANT_FORMAT_VERSION, date, slant_model_kind_name(o->model));
    bad |= options_line(&s, &len, &cap, o);
    bad |= appendf(&s, &len, &cap, "features=%zu\ncorpus_documents=%llu\n", n_features,
                   (unsigned long long)n_docs);
    if (corpus_hash)
        bad |= appendf(&s, &len, &cap, "corpus_hash=%s\n", corpus_hash);
    for (uint32_t h = 0; h < n_heads && !bad; h++)
        bad |= head_line(&s, &len, &cap, heads[h].name, heads[h].n_classes, heads[h].class_names,
                         heads[h].class_counts);
    return with_note(s, &len, &cap, bad, note);
}

/* Training, calibrated when O asks for it (calibrate.c).  CONSUME: NULL,
 * or C itself, whose texts may then be released as train_once says. */
static slant_status train_calibrated(const slant_corpus *c, const size_t *docs, size_t n_docs,
                                     const slant_options *o, const char *note,
                                     slant_corpus *consume, slant_model **out, slant_error *err)
{
    return train_once(c, docs, n_docs, o, note, consume, out, err);
}

/* Fits head HNAME's classifier of CN classes on X with labels Y (-1:
 * left out) and sample weights SW (may be NULL): W (output) gets the
 * weights and biases, or *blob and *svm_size an RBF svm's model; *choice
 * (output) nbsvm's chosen alpha and beta, which, when FIXED, are taken as
 * given instead of searched for; *at_limit (output) as for fit_lr. */
static slant_status fit_head(slant_csr *x, const int32_t *y, const double *sw, uint32_t cn,
                             const slant_options *o, const char *hname, float *w,
                             unsigned char **blob, size_t *svm_size, slant_nbsvm_choice *choice,
                             uint32_t *at_limit, int fixed, slant_error *err)
{
    size_t nf = x->cols;
    int rbf = o->model == SLANT_MODEL_KIND_SVM && o->kernel == SLANT_KERNEL_RBF;
    slant_status st;
    *at_limit = 0;
    if (o->model == SLANT_MODEL_KIND_LR) {
        st = o->nb_scale ? fit_nb_scaled(x, y, sw, cn, o, w, at_limit, err)
                         : fit_lr(x, y, sw, cn, o, w, at_limit, err);
    } else if (o->model == SLANT_MODEL_KIND_NBSVM) {
        slant_nbsvm_params np = {o->c, fixed ? choice->alpha : o->alpha,
                                 fixed ? choice->beta : o->beta, NBSVM_FOLDS, 1, o->tol,
                                 o->max_iter, o->seed};
        st = slant_nbsvm_fit(x, y, sw, cn, &np, w, w + nf * cn, choice, err);
        *at_limit = st ? 0 : choice->at_limit;
        if (!st)
            slant_log("nbsvm: head \"%s\": alpha %g, beta %g (inner %u-fold accuracy %.4f)",
                      hname, choice->alpha, choice->beta, choice->folds, choice->accuracy);
    } else if (o->model == SLANT_MODEL_KIND_SVM) {
        slant_svm_params sp = {o->kernel, o->c, o->gamma, o->tol, o->class_weight, o->seed};
        if (rbf && sp.gamma == 0)
            sp.gamma = slant_svm_scale_gamma(x, y);
        size_t n_sv = 0;
        st = rbf ? slant_svm_fit_rbf(x, y, cn, &sp, blob, svm_size, &n_sv, err)
                 : slant_svm_fit_linear(x, y, cn, &sp, w, err);
        if (!st && rbf)
            slant_log("svm: head \"%s\": %zu support vectors, gamma %g", hname, n_sv, sp.gamma);
    } else {
        st = slant_nb_fit(x, y, sw, cn, o->alpha, o->model == SLANT_MODEL_KIND_CNB, w,
                          w + nf * cn, err);
    }
    return st;
}

/* Out-of-fold probabilities for calibration (calibrate.c), from fits of
 * each head on X, the training documents' feature matrix, with one inner
 * fold's rows left out at a time, scored by the very code that labels
 * (slant_model_score_raw).  The features are those fitted on all the
 * training documents: their vocabulary and idf know no label, and
 * vectorizing once instead of once a fold is most of the saving.  A
 * held-out row keeps only the n-grams its fold's training side has, its
 * tf-idf norm taken again, as a vocabulary fitted on that side would give
 * it: else its unknown n-grams would dilute the known ones, and the
 * out-of-fold probabilities would be less sure than the model's.  nbsvm's
 * fits take the alpha and beta the whole fit chose (CHOICE) rather than
 * search again.  *oof_out (output) is NULL when no head asks for them. */
static slant_status oof_on_matrix(const slant_corpus *c, const size_t *docs, size_t n_docs,
                                  const slant_options *o, slant_csr *x, const head_classes *hc,
                                  const slant_nbsvm_choice *choice, slant_oof **oof_out,
                                  uint32_t *folds, slant_error *err)
{
    size_t nh = c->n_heads, nf = x->cols;
    *oof_out = NULL;
    slant_oof *oo = slant_calloc_array(nh, sizeof *oo);
    const char **names = slant_calloc_array(nh, sizeof *names);
    uint32_t *k = slant_calloc_array(nh, sizeof *k);
    const uint64_t **counts = slant_calloc_array(nh, sizeof *counts);
    uint32_t *fold_of = slant_alloc_array(n_docs, sizeof *fold_of);
    int32_t *y = slant_alloc_array(n_docs, sizeof *y);
    double *sw = o->class_weight ? slant_alloc_array(n_docs, sizeof *sw) : NULL;
    uint64_t *part = NULL;
    float *w = NULL;
    double *probs = NULL;
    slant_feature *row = NULL;
    unsigned char *seen = NULL;
    slant_status st = SLANT_STATUS_OK;
    int any = 0;
    int vocabulary = !c->vectors && o->hash_bits == 0;
    if (!oo || !names || !k || !counts || !fold_of || !y || (o->class_weight && !sw)) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    size_t widest = 0, most = 0;
    for (size_t h = 0; h < nh; h++) {
        names[h] = c->head_names[h];
        k[h] = hc[h].n;
        counts[h] = hc[h].counts;
        if (hc[h].n > widest)
            widest = hc[h].n;
    }
    for (size_t i = 0; i < n_docs; i++)
        if (x->rowptr[i + 1] - x->rowptr[i] > most)
            most = x->rowptr[i + 1] - x->rowptr[i];
    if ((st = slant_calib_plan(o, nh, names, k, counts, oo, &any, err)) || !any)
        goto out;
    if ((st = slant_calib_split(c, docs, n_docs, o, fold_of, folds, err))
        || (st = slant_calib_oof_alloc(oo, nh, n_docs, err)))
        goto out;
    part = slant_alloc_array(widest, sizeof *part);
    w = slant_alloc_array(nf + 1, widest * sizeof *w);
    probs = slant_alloc_array(widest, sizeof *probs);
    row = slant_alloc_array(most ? most : 1, sizeof *row);
    seen = vocabulary ? slant_alloc_array(nf ? nf : 1, 1) : NULL;
    if (!part || !w || !probs || !row || (vocabulary && !seen)) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    slant_log("calibration: %u inner folds on %zu documents", *folds, n_docs);
    for (size_t h = 0; h < nh && !st; h++) {
        uint32_t cn = hc[h].n;
        if (!oo[h].needed)
            continue;
        for (uint32_t f = 0; f < *folds && !st; f++) {
            size_t held = 0, labeled = 0;
            memset(part, 0, cn * sizeof *part);
            for (size_t i = 0; i < n_docs; i++) {
                int in = fold_of[i] != f && hc[h].y[i] >= 0;
                held += fold_of[i] == f && hc[h].y[i] >= 0;
                y[i] = in ? hc[h].y[i] : -1;
                if (in) {
                    part[y[i]]++;
                    labeled++;
                }
            }
            int all = 1; /* a fold whose training side lacks a class is not scored */
            for (uint32_t j = 0; j < cn; j++)
                all &= part[j] > 0;
            if (!all || !held)
                continue;
            for (size_t i = 0; sw && i < n_docs; i++)
                sw[i] = y[i] < 0 ? 0.0 : (double)labeled / ((double)cn * part[y[i]]);
            memset(w, 0, (nf + 1) * cn * sizeof *w);
            slant_nbsvm_choice ch = choice[h];
            unsigned char *no_blob = NULL;
            size_t no_size = 0;
            uint32_t at_limit;
            slant_log_hold(1);
            st = fit_head(x, y, sw, cn, o, names[h], w, &no_blob, &no_size, &ch, &at_limit, 1,
                          err);
            slant_log_hold(-1);
            free(no_blob);
            /* One head scored as the model file's parser would set it up. */
            slant_head hd = {0};
            hd.n_classes = cn;
            hd.weights = w;
            hd.bias = w + nf * cn;
            hd.one_vs_rest = ((o->model == SLANT_MODEL_KIND_LR && o->solver == SLANT_SOLVER_DUAL)
                              || o->model == SLANT_MODEL_KIND_NBSVM
                              || o->model == SLANT_MODEL_KIND_SVM) && cn > 2;
            slant_model fm = {0};
            fm.n_heads = 1;
            fm.heads = &hd;
            fm.total_classes = cn;
            if (vocabulary) { /* the n-grams of this fold's training side */
                memset(seen, 0, nf);
                for (size_t i = 0; i < n_docs; i++)
                    if (fold_of[i] != f)
                        for (size_t j = x->rowptr[i]; j < x->rowptr[i + 1]; j++)
                            seen[x->index[j]] = 1;
            }
            for (size_t i = 0; i < n_docs && !st; i++) {
                if (fold_of[i] != f || hc[h].y[i] < 0)
                    continue;
                size_t nnz = 0;
                double kept = 0, whole = 0;
                for (size_t j = x->rowptr[i]; j < x->rowptr[i + 1]; j++) {
                    double v = x->value[j];
                    whole += v * v;
                    if (vocabulary && !seen[x->index[j]])
                        continue;
                    kept += v * v;
                    row[nnz++] = (slant_feature){x->index[j], x->value[j]};
                }
                if (vocabulary && o->weighting == SLANT_WEIGHTING_TFIDF && kept > 0 && kept < whole)
                    for (size_t j = 0; j < nnz; j++)
                        row[j].value = (float)(row[j].value * sqrt(whole / kept));
                if (slant_model_score_raw(&fm, row, nnz, probs, NULL))
                    st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
                slant_oof *d = &oo[h];
                memcpy(d->p + d->n * cn, probs, cn * sizeof *probs);
                d->y[d->n] = (uint32_t)hc[h].y[i];
                d->fold[d->n++] = f;
            }
        }
    }
    if (!st) {
        *oof_out = oo;
        oo = NULL;
    }
out:
    slant_calib_oof_free(oo, nh);
    free(names);
    free(k);
    free(counts);
    free(fold_of);
    free(y);
    free(sw);
    free(part);
    free(w);
    free(probs);
    free(row);
    free(seen);
    return st;
}

slant_status slant_train_subset(const slant_corpus *c, const size_t *docs, size_t n_docs,
                                const slant_options *o, slant_model **out, slant_error *err)
{
    return slant_train_subset_noted(c, docs, n_docs, o, NULL, out, err);
}

slant_status slant_train_subset_noted(const slant_corpus *c, const size_t *docs, size_t n_docs,
                                      const slant_options *o, const char *note,
                                      slant_model **out, slant_error *err)
{
    *out = NULL;
    slant_status st = slant_target_precision_check(o->target_precision, c, err);
    return st ? st : train_calibrated(c, docs, n_docs, o, note, NULL, out, err);
}

/* Tells the corpus that the fit is done with one training document's text. */
typedef struct release_ctx {
    slant_corpus *c;
    const size_t *docs;
} release_ctx;

static void release_text(void *vctx, size_t i)
{
    release_ctx *r = vctx;
    slant_corpus_release_text(r->c, r->docs[i]);
}

/* With CONSUME (C itself), each training document's text is released once
 * the feature fit has read it for the last time: the matrix then grows as
 * the texts go, instead of on top of them.  Nothing after the fit reads a
 * text but the RBF svm's calibration, which refits from them. */
static slant_status train_once(const slant_corpus *c, const size_t *docs, size_t n_docs,
                               const slant_options *o, const char *note, slant_corpus *consume,
                               slant_model **out, slant_error *err)
{
    *out = NULL;
    slant_status st = slant_options_check(o, err);
    if (st)
        return st;
    slant_options resolved = *o; /* the limits the solver uses, as recorded in the model */
    slant_options_resolve(&resolved);
    o = &resolved;
    char date[32];
    if ((st = slant_training_date(date, sizeof date, err)))
        return st;
    const char *src = c->source ? c->source : "corpus";
    if (n_docs == 0)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: no documents to train on", src);
    if (c->n_heads == 0)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: no label column to learn", src);
    if (c->n_heads > SLANT_MAX_HEADS)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: %zu label columns, more than %d",
                          src, c->n_heads, SLANT_MAX_HEADS);
    char clash[512];
    if (slant_heads_clash((const char *const *)c->head_names, c->n_heads, clash, sizeof clash))
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: %s", src, clash);

    /* Progress in steps: the features, each head, the calibration. */
    int calibrating = o->calibrate != SLANT_CALIBRATION_NONE || o->target_precision;
    slant_stage stage;
    slant_stage_begin(&stage, "train", "steps", 1 + c->n_heads + (calibrating ? 1 : 0));
    const char **texts = slant_alloc_array(n_docs, sizeof *texts);
    size_t *lens = slant_alloc_array(n_docs, sizeof *lens);
    head_classes *hc = slant_calloc_array(c->n_heads, sizeof *hc);
    slant_head_parts *parts = slant_calloc_array(c->n_heads, sizeof *parts);
    float **w = slant_calloc_array(c->n_heads, sizeof *w);
    unsigned char **blob = slant_calloc_array(c->n_heads, sizeof *blob);
    double **mass = slant_calloc_array(c->n_heads, sizeof *mass);
    slant_nbsvm_choice *choice = slant_calloc_array(c->n_heads, sizeof *choice);
    double *sw = NULL;
    char *prov = NULL;
    slant_fitted fitted = {0};
    slant_csr x = {0};
    slant_oof *oof = NULL;
    uint32_t folds = 0;
    if (!texts || !lens || !hc || !parts || !w || !blob || !mass || !choice) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n_docs; i++) {
        texts[i] = c->texts[docs[i]];
        lens[i] = c->lens[docs[i]];
    }
    for (size_t h = 0; h < c->n_heads; h++)
        if ((st = collect_classes(c, docs, n_docs, h, &hc[h], err)))
            goto out;
    if (o->model == SLANT_MODEL_KIND_SVM && n_docs > SLANT_SVM_MAX_DOCS && !o->force) {
        st = slant_fail(err, SLANT_STATUS_BAD_OPTION,
                        "%s: %zu documents: libsvm's training time grows about as the square "
                        "of the documents, and past %d it takes long; use --model lr, which "
                        "fits a linear model as accurate in a fraction of the time, or --force",
                        src, n_docs, SLANT_SVM_MAX_DOCS);
        goto out;
    }

    slant_fconfig cfg = slant_fconfig_of(o);
    if (c->vectors) { /* a LIBSVM file: its vectors as they are */
        cfg.token_flags = SLANT_TOK_VECTORS;
        cfg.weighting = SLANT_WEIGHTING_COUNTS;
        cfg.hash_bits = 0;
        resolved.weighting = SLANT_WEIGHTING_COUNTS;
        resolved.hash_bits = 0;
    }
    int rbf_calibrated = o->model == SLANT_MODEL_KIND_SVM && o->kernel == SLANT_KERNEL_RBF
                         && calibrating;
    if (rbf_calibrated)
        consume = NULL;
    uint64_t corpus_hash = slant_corpus_hash(c, docs, n_docs);
    release_ctx rel = {consume, docs};
    slant_log("extracting features from %zu documents", n_docs);
    if ((st = slant_pipeline_fit_telling(&cfg, texts, lens, n_docs, o->threads,
                                         consume ? release_text : NULL, &rel, &fitted, &x, err)))
        goto out;
    for (size_t i = 0; consume && i < n_docs; i++) /* vectors: read in one pass */
        slant_corpus_release_text(consume, docs[i]);
    slant_fitted_pack(&fitted); /* the solvers need the matrix, not the lookups */
    slant_heap_trim(); /* the fit's scratch, before the solvers' */
    size_t nf = fitted.pipe.n_features;
    slant_stage_step(&stage, 1);
    slant_log("%zu features, %zu non-zeros", nf, x.rowptr[n_docs]);
    if (nf == 0 && c->vectors)
        slant_warn("%s: the vectors have no features: the model labels by its biases alone", src);
    else if (nf == 0)
        slant_warn("%s: no n-gram occurs %u times or more in the %zu training documents, so the "
                   "model has no features and labels by its biases alone; lower --min-count",
                   src, o->min_count, n_docs);
    /* A model past 2 GiB of weights is refused before the solvers ask for
     * several times that: it is a setting's mistake, not a model. */
    size_t classes = 0;
    for (size_t h = 0; h < c->n_heads; h++)
        classes += hc[h].n;
    if ((double)(nf + 1) * (double)classes * 4.0 > 2147483648.0) {
        st = slant_fail(err, SLANT_STATUS_BAD_OPTION,
                        "%s: %zu features x %zu classes would take %.1f GiB of weights, past "
                        "the 2 GiB a model may hold; use fewer --hash-bits or a higher "
                        "--min-count", src, nf, classes,
                        (double)(nf + 1) * (double)classes * 4.0 / 1073741824.0);
        goto out;
    }
    if (o->class_weight && !(sw = slant_alloc_array(n_docs, sizeof *sw))) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    for (size_t h = 0; h < c->n_heads; h++) {
        uint32_t cn = hc[h].n;
        int rbf = o->model == SLANT_MODEL_KIND_SVM && o->kernel == SLANT_KERNEL_RBF;
        w[h] = rbf ? NULL : slant_calloc_array((nf + 1) * cn, sizeof *w[h]);
        if (!rbf && !w[h]) {
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory for the weights of "
                            "head \"%s\"", c->head_names[h]);
            goto out;
        }
        if (sw) { /* "balanced": each class weighs as much as any other in total */
            size_t labeled = 0;
            for (uint32_t k = 0; k < cn; k++)
                labeled += hc[h].counts[k];
            for (size_t i = 0; i < n_docs; i++)
                sw[i] = hc[h].y[i] < 0 ? 0.0
                                       : (double)labeled / ((double)cn * hc[h].counts[hc[h].y[i]]);
        }
        slant_log("training head \"%s\" (%u classes) with %s", c->head_names[h], cn,
                  slant_model_kind_name(o->model));
        uint32_t at_limit = 0;
        st = fit_head(&x, hc[h].y, sw, cn, o, c->head_names[h], w[h], &blob[h],
                      &parts[h].svm_size, &choice[h], &at_limit, 0, err);
        if (st)
            goto out;
        if (at_limit && o->model == SLANT_MODEL_KIND_LR && o->solver == SLANT_SOLVER_LBFGS)
            slant_warn("head \"%s\": L-BFGS stopped at its limit of %u iterations before it "
                       "converged; raise --iterations", c->head_names[h], o->max_iter);
        else if (at_limit && cn == 2)
            slant_warn("head \"%s\": the dual solver stopped at its limit of %u passes before "
                       "it converged; raise --iterations", c->head_names[h], o->max_iter);
        else if (at_limit)
            slant_warn("head \"%s\": the dual solver stopped at its limit of %u passes before "
                       "it converged (%u of the %u classes against the rest); raise "
                       "--iterations", c->head_names[h], o->max_iter, at_limit, cn);
        size_t svm_size = parts[h].svm_size;
        /* Naive Bayes on buckets keeps its sums, so that models of shards
         * can be merged (a vocabulary is the corpus's own: no two shards
         * share one). */
        if ((o->model == SLANT_MODEL_KIND_NB || o->model == SLANT_MODEL_KIND_CNB)
            && cfg.hash_bits && !c->vectors) {
            double *docs_k = slant_calloc_array(cn, sizeof *docs_k);
            mass[h] = slant_calloc_array(nf * cn > 0 ? nf * cn : 1, sizeof *mass[h]);
            if (!docs_k || !mass[h]) {
                free(docs_k);
                st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
                goto out;
            }
            slant_nb_count(&x, hc[h].y, cn, mass[h], docs_k);
            free(docs_k);
        }
        parts[h] = (slant_head_parts){c->head_names[h], cn, hc[h].names, hc[h].counts, w[h],
                                      blob[h], svm_size, mass[h]};
        slant_stage_step(&stage, 2 + h);
    }
    int rbf = o->model == SLANT_MODEL_KIND_SVM && o->kernel == SLANT_KERNEL_RBF;
    int calibrate = o->calibrate != SLANT_CALIBRATION_NONE || o->target_precision;
    if (calibrate && !rbf
        && (st = oof_on_matrix(c, docs, n_docs, o, &x, hc, choice, &oof, &folds, err)))
        goto out;
    slant_csr_free(&x); /* before the model image is built: the two are the peak */
    memset(&x, 0, sizeof x);
    if (slant_fitted_unpack(&fitted)) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    prov = provenance(c, n_docs, corpus_hash, o, date, hc, nf,
                      o->model == SLANT_MODEL_KIND_NBSVM ? choice : NULL, note, &fitted);
    if (!prov) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    st = slant_model_build(o->model, o, &fitted.pipe, (uint32_t)c->n_heads, parts, prov, out,
                           err);
    if (!st && oof)
        st = slant_calibrate_finish(o, oof, folds, out, err);
    else if (!st && calibrate && rbf) /* no weights to refit: the inner models from text */
        st = slant_calibrate_model(c, docs, n_docs, o, out, err);
out:
    slant_stage_end(&stage, st == SLANT_STATUS_OK);
    slant_calib_oof_free(oof, c->n_heads);
    if (hc)
        for (size_t h = 0; h < c->n_heads; h++)
            head_classes_free(&hc[h]);
    if (w)
        for (size_t h = 0; h < c->n_heads; h++)
            free(w[h]);
    free(w);
    if (blob)
        for (size_t h = 0; h < c->n_heads; h++)
            free(blob[h]);
    free(blob);
    if (mass)
        for (size_t h = 0; h < c->n_heads; h++)
            free(mass[h]);
    free(mass);
    free(hc);
    free(parts);
    free(choice);
    free(texts);
    free(lens);
    free(sw);
    free(prov);
    slant_fitted_free(&fitted);
    slant_csr_free(&x);
    return st;
}

slant_status slant_train(const slant_corpus *c, const slant_options *o, slant_model **out,
                         slant_error *err)
{
    slant_warn_label_heads(c);
    size_t *docs = slant_alloc_array(c->n_docs, sizeof *docs);
    if (!docs)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    for (size_t i = 0; i < c->n_docs; i++)
        docs[i] = i;
    slant_status st = slant_train_subset(c, docs, c->n_docs, o, out, err);
    free(docs);
    return st;
}

slant_status slant_train_consume(slant_corpus *c, const slant_options *o, slant_model **out,
                                 slant_error *err)
{
    *out = NULL;
    slant_warn_label_heads(c);
    slant_status st = slant_target_precision_check(o->target_precision, c, err);
    if (st)
        return st;
    size_t *docs = slant_alloc_array(c->n_docs ? c->n_docs : 1, sizeof *docs);
    if (!docs)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    for (size_t i = 0; i < c->n_docs; i++)
        docs[i] = i;
    st = train_calibrated(c, docs, c->n_docs, o, NULL, c, out, err);
    free(docs);
    return st;
}

slant_status slant_train_subset_heads(const slant_corpus *c, const size_t *docs, size_t n_docs,
                                      const unsigned char *keep, const slant_options *o,
                                      slant_model **out, slant_error *err)
{
    *out = NULL;
    /* A view of C with the kept heads only: its own head names and
     * labels, the documents shared. */
    size_t nh = 0;
    for (size_t h = 0; h < c->n_heads; h++)
        nh += keep[h] != 0;
    if (nh == c->n_heads) /* a target precision naming a head left out is no error here */
        return train_calibrated(c, docs, n_docs, o, NULL, NULL, out, err);
    if (nh == 0)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: no label column to learn",
                          c->source ? c->source : "corpus");
    slant_corpus view = *c;
    view.n_heads = nh;
    view.head_names = slant_alloc_array(nh, sizeof *view.head_names);
    view.labels = slant_alloc_array(c->n_docs, nh * sizeof *view.labels);
    slant_status st;
    if (!view.head_names || !view.labels) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    } else {
        for (size_t h = 0, v = 0; h < c->n_heads; h++)
            if (keep[h])
                view.head_names[v++] = c->head_names[h];
        for (size_t d = 0; d < c->n_docs; d++)
            for (size_t h = 0, v = 0; h < c->n_heads; h++)
                if (keep[h])
                    view.labels[d * nh + v++] = c->labels[d * c->n_heads + h];
        st = train_calibrated(&view, docs, n_docs, o, NULL, NULL, out, err);
    }
    free(view.head_names);
    free(view.labels);
    return st;
}
