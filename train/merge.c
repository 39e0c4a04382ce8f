/*
 * merge.c: models of disjoint shards of a corpus made one (see
 * slant_model_merge in slant.h).  Naive Bayes is a sum over documents, so
 * the shards' class-feature sums (NB_COUNTS) and class counts add up to
 * the union's, and the weights are computed from them as training does;
 * logistic regression has no such sum, and its shards' weights are
 * averaged instead (parameter mixing).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "linear.h"
#include "model.h"
#include "pipeline.h"
#include "train.h"

/* The name of model I in messages. */
static const char *name_of(const char *const *names, size_t i, char *buf, size_t size)
{
    if (names && names[i])
        return names[i];
    snprintf(buf, size, "model %zu", i + 1);
    return buf;
}

static int same_bytes(const void *a, const void *b, size_t n)
{
    return n == 0 || (a && b && memcmp(a, b, n) == 0);
}

/* The first setting in which B differs from A for a merge, or NULL. */
static const char *differs(const slant_model *a, const slant_model *b, int average)
{
    const slant_fconfig *x = &a->pipe.cfg, *y = &b->pipe.cfg;
    if (a->kind != b->kind)
        return "the model kind (--model)";
    if (x->word_min != y->word_min || x->word_max != y->word_max)
        return "the word n-grams (--word-ngrams)";
    if (x->char_min != y->char_min || x->char_max != y->char_max)
        return "the character n-grams (--char-ngrams)";
    if (x->hash_bits != y->hash_bits)
        return "the hash bits (--hash-bits)";
    if (x->weighting != y->weighting)
        return "the weighting (--weighting)";
    if ((x->token_flags & SLANT_TOK_PUNCT) != (y->token_flags & SLANT_TOK_PUNCT))
        return "the punctuation tokens (--punct)";
    if ((x->token_flags & SLANT_TOK_KEEP_CASE) != (y->token_flags & SLANT_TOK_KEEP_CASE))
        return "the case (--case)";
    if (x->token_flags != y->token_flags || x->seed != y->seed)
        return "the tokenizer";
    if (!x->hash_bits && x->min_count != y->min_count)
        return "the minimum count (--min-count)";
    if (a->pipe.n_features != b->pipe.n_features)
        return "the number of features (their vocabularies differ: give every shard the same "
               "one with train --stream --vocab MODEL)";
    size_t nf = a->pipe.n_features;
    if (!x->hash_bits) {
        const slant_pipeline *p = &a->pipe, *q = &b->pipe;
        if (p->hot_cap != q->hot_cap || p->vocab_cap != q->vocab_cap
            || !same_bytes(p->hot, q->hot, p->hot_cap * sizeof *p->hot)
            || !same_bytes(p->vocab, q->vocab, p->vocab_cap * sizeof *p->vocab)
            || !same_bytes(p->name_off, q->name_off, (nf + 1) * sizeof *p->name_off)
            || !same_bytes(p->names, q->names, p->name_off ? p->name_off[nf] : 0))
            return "the vocabulary (each was fitted on its own shard: give every shard the same "
                   "one with train --stream --vocab MODEL)";
    } else if (!average && x->weighting == SLANT_WEIGHTING_TFIDF
               && !same_bytes(a->pipe.idf, b->pipe.idf, nf * sizeof *a->pipe.idf)) {
        return "the idf (tf-idf divides each document by the norm of all its features' idf, "
               "so shards of different idf do not add up: train every shard with --stream "
               "--vocab MODEL, one model's features, or with --weighting counts or binary)";
    }
    if (a->opt.class_weight != b->opt.class_weight)
        return "the class weights (--class-weight)";
    if (a->n_heads != b->n_heads)
        return "the number of heads";
    for (uint32_t h = 0; h < a->n_heads; h++)
        if (strcmp(a->heads[h].name, b->heads[h].name) != 0)
            return "the heads (label columns) or their order";
    if (!average) {
        if (a->opt.alpha != b->opt.alpha)
            return "alpha (--alpha)";
        return NULL;
    }
    if (a->opt.solver != b->opt.solver)
        return "the solver (--solver)";
    if (a->opt.c != b->opt.c)
        return "c (--c)";
    if (a->opt.nb_scale != b->opt.nb_scale)
        return "the naive-Bayes scaling (--nb-scale)";
    for (uint32_t h = 0; h < a->n_heads; h++) {
        const slant_head *p = &a->heads[h], *q = &b->heads[h];
        int same = p->n_classes == q->n_classes;
        for (uint32_t k = 0; same && k < p->n_classes; k++)
            same = strcmp(p->class_names[k], q->class_names[k]) == 0;
        if (!same)
            return "the classes of a head (averaging needs the same classes in every shard)";
    }
    return NULL;
}

/* The corpus_documents= of a provenance, 0 when it has none. */
static uint64_t recorded_docs(const slant_model *m)
{
    const char *p = strstr(m->provenance, "\ncorpus_documents=");
    return p ? strtoull(p + 18, NULL, 10) : 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Head H of every model: the sorted union of its classes into *names and
 * *counts (outputs, *n of them), and each model's classes' places in it
 * into place (n_models x SLANT_MAX_CLASSES is too much: one array per
 * model, allocated here). */
typedef struct union_head {
    const char **names;
    uint64_t *counts;
    uint32_t n;
    uint32_t **place; /* n_models arrays, each of the model's classes */
} union_head;

static void union_free(union_head *u, size_t n_models)
{
    if (u->place)
        for (size_t i = 0; i < n_models; i++)
            free(u->place[i]);
    free(u->place);
    free(u->names);
    free(u->counts);
}

static int union_classes(const slant_model *const *models, size_t n_models, uint32_t h,
                         union_head *u)
{
    size_t all = 0;
    for (size_t i = 0; i < n_models; i++)
        all += models[i]->heads[h].n_classes;
    u->names = slant_alloc_array(all, sizeof *u->names);
    u->place = slant_calloc_array(n_models, sizeof *u->place);
    if (!u->names || !u->place)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < n_models; i++)
        for (uint32_t k = 0; k < models[i]->heads[h].n_classes; k++)
            u->names[n++] = models[i]->heads[h].class_names[k];
    qsort(u->names, n, sizeof *u->names, cmp_str);
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (m == 0 || strcmp(u->names[k], u->names[m - 1]) != 0)
            u->names[m++] = u->names[k];
    if (m > SLANT_MAX_CLASSES)
        return -2;
    u->n = (uint32_t)m;
    if (!(u->counts = slant_calloc_array(m, sizeof *u->counts)))
        return -1;
    for (size_t i = 0; i < n_models; i++) {
        const slant_head *hd = &models[i]->heads[h];
        if (!(u->place[i] = slant_alloc_array(hd->n_classes, sizeof *u->place[i])))
            return -1;
        for (uint32_t k = 0; k < hd->n_classes; k++) {
            const char **hit = bsearch(&hd->class_names[k], u->names, m, sizeof *u->names,
                                       cmp_str);
            u->place[i][k] = (uint32_t)(hit - u->names);
            u->counts[u->place[i][k]] += hd->class_counts[k];
        }
    }
    return 0;
}

slant_status slant_model_merge(const slant_model *const *models, const char *const *names,
                               size_t n_models, int average, slant_model **out, slant_error *err)
{
    *out = NULL;
    char b1[32], b2[32];
    if (n_models < 2)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "merge: give at least two models");
    const slant_model *m0 = models[0];
    for (size_t i = 0; i < n_models; i++) {
        const slant_model *m = models[i];
        const char *nm = name_of(names, i, b1, sizeof b1);
        if (average && m->kind != SLANT_MODEL_KIND_LR)
            return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                              "%s: a model of %s: --average averages lr models; merge nb and "
                              "cnb models without it", nm, slant_model_kind_name(m->kind));
        if (!average && m->kind != SLANT_MODEL_KIND_NB && m->kind != SLANT_MODEL_KIND_CNB)
            return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                              "%s: a model of %s: merging adds naive Bayes (nb, cnb) models; "
                              "lr models are averaged with --average",
                              nm, slant_model_kind_name(m->kind));
        if (m->pipe.cfg.token_flags & SLANT_TOK_VECTORS)
            return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                              "%s: a model of LIBSVM vectors cannot be merged", nm);
        if (!average && !m->heads[0].nb_mass)
            return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                              "%s: the model has no class-feature sums (NB_COUNTS) to add: train "
                              "it with --hash-bits or --stream", nm);
        const char *why = i ? differs(m0, m, average) : NULL;
        if (why)
            return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%s and %s differ in %s",
                              name_of(names, 0, b2, sizeof b2), nm, why);
    }
    char date[32];
    slant_status st = slant_training_date(date, sizeof date, err);
    if (st)
        return st;
    size_t nf = m0->pipe.n_features;
    uint32_t nh = m0->n_heads;
    union_head *u = slant_calloc_array(nh, sizeof *u);
    slant_head_parts *parts = slant_calloc_array(nh, sizeof *parts);
    float **w = slant_calloc_array(nh, sizeof *w);
    double **mass = slant_calloc_array(nh, sizeof *mass);
    float *idf = NULL;
    char *prov = NULL;
    uint64_t docs = 0;
    double *share = slant_alloc_array(n_models, sizeof *share);
    if (!u || !parts || !w || !mass || !share)
        goto oom;
    /* lr: each model weighs as its training documents (all alike when a
     * provenance does not say). */
    int known = 1;
    for (size_t i = 0; i < n_models; i++) {
        docs += recorded_docs(models[i]);
        known &= recorded_docs(models[i]) > 0;
    }
    for (size_t i = 0; i < n_models; i++)
        share[i] = known ? (double)recorded_docs(models[i]) / (double)docs : 1.0 / (double)n_models;
    for (uint32_t h = 0; h < nh; h++) {
        int r = union_classes(models, n_models, h, &u[h]);
        if (r == -2) {
            st = slant_fail(err, SLANT_STATUS_BAD_OPTION, "merge: head \"%s\" would have more "
                            "than %d classes", m0->heads[h].name, SLANT_MAX_CLASSES);
            goto out;
        }
        if (r)
            goto oom;
        uint32_t cn = u[h].n;
        if (!(w[h] = slant_calloc_array((nf + 1) * cn, sizeof *w[h])))
            goto oom;
        if (average) { /* the same classes everywhere (checked) */
            for (size_t j = 0; j < (nf + 1) * cn; j++) {
                double sum = 0;
                for (size_t i = 0; i < n_models; i++)
                    sum += share[i] * models[i]->heads[h].weights[j];
                w[h][j] = (float)sum;
            }
        } else {
            if (!(mass[h] = slant_calloc_array(nf * cn > 0 ? nf * cn : 1, sizeof *mass[h])))
                goto oom;
            for (size_t i = 0; i < n_models; i++) {
                const slant_head *hd = &models[i]->heads[h];
                for (size_t f = 0; f < nf; f++)
                    for (uint32_t k = 0; k < hd->n_classes; k++)
                        mass[h][f * cn + u[h].place[i][k]] += hd->nb_mass[f * hd->n_classes + k];
            }
            st = slant_nb_from_sums(mass[h], u[h].counts, nf, cn, m0->opt.class_weight,
                                    m0->opt.alpha, m0->kind == SLANT_MODEL_KIND_CNB, w[h],
                                    w[h] + nf * cn, err);
            if (st)
                goto out;
        }
        parts[h] = (slant_head_parts){m0->heads[h].name, cn, u[h].names, u[h].counts, w[h],
                                      NULL, 0, mass[h]};
    }
    slant_pipeline pipe = m0->pipe;
    if (average && pipe.idf) { /* the idf too, weighed alike */
        if (!(idf = slant_alloc_array(nf, sizeof *idf)))
            goto oom;
        for (size_t f = 0; f < nf; f++) {
            double sum = 0;
            for (size_t i = 0; i < n_models; i++)
                sum += share[i] * models[i]->pipe.idf[f];
            idf[f] = (float)sum;
        }
        pipe.idf = idf;
    }
    slant_options o = m0->opt;
    o.calibrate = SLANT_CALIBRATION_NONE;
    o.target_precision = NULL;
    char note[96];
    snprintf(note, sizeof note, "merged=%zu models%s\n", n_models,
             average ? ", weights averaged" : ", sums added");
    if (!(prov = slant_provenance_plain(&o, date, nf, docs, NULL, nh, parts, note)))
        goto oom;
    st = slant_model_build(m0->kind, &o, &pipe, nh, parts, prov, out, err);
    goto out;
oom:
    st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory merging models");
out:
    for (uint32_t h = 0; h < nh; h++) {
        if (u)
            union_free(&u[h], n_models);
        if (w)
            free(w[h]);
        if (mass)
            free(mass[h]);
    }
    free(u);
    free(parts);
    free(w);
    free(mass);
    free(share);
    free(idf);
    free(prov);
    return st;
}
