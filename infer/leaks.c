/*
 * leaks.c: where a model's n-grams come from (slant_model_group_spread).
 *
 * A model trained on the articles of a few outlets weighs the outlets'
 * fingerprints (their names, page furniture, typographic habits) as
 * heavily as what the articles say.  This counts, for the n-grams a caller
 * asks about, the documents of a grouped corpus that contain each one, per
 * group, so that an n-gram found almost only in one outlet shows as what it
 * is.  The texts go through the model's own pipeline: the n-grams counted
 * are the model's features, bucket for bucket.
 *
 * Memory: a table of counts, the distinct features asked about times the
 * corpus's named groups, plus a group number per document; never the
 * corpus's vocabulary.  Workers add into the one table atomically, so the
 * sums, and the result, do not depend on the thread count.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "corpus.h"
#include "model.h"

/* Documents a worker claims at a time (as label.c does). */
#define SPREAD_CHUNK 32
#define NO_GROUP UINT32_MAX

typedef struct spread_job {
    const slant_model *model;
    const slant_corpus *corpus;
    const uint32_t *feat;  /* the distinct features asked about, increasing: n_feat */
    size_t n_feat;
    const uint32_t *gid;   /* each document's group number, NO_GROUP for none */
    size_t n_groups;       /* named groups */
    uint64_t *count;       /* n_feat x n_groups: documents per feature and group */
    uint64_t *docs;        /* n_feat: documents per feature */
    uint64_t *loose;       /* n_feat: of them, documents without a group */
    size_t next;           /* the next document to claim, atomically */
    int failed;
} spread_job;

/* The position of F in the increasing FEAT[0..n), or n when absent. */
static size_t feature_slot(const uint32_t *feat, size_t n, uint32_t f)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (feat[mid] < f)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && feat[lo] == f ? lo : n;
}

static void spread_worker(void *vctx, size_t begin, size_t end, uint32_t worker)
{
    (void)begin, (void)end, (void)worker;
    spread_job *j = vctx;
    const slant_corpus *c = j->corpus;
    slant_vec_scratch s = {0};
    slant_feature *row = NULL;
    size_t cap = 0;
    for (;;) {
        size_t from = __atomic_fetch_add(&j->next, SPREAD_CHUNK, __ATOMIC_RELAXED);
        if (from >= c->n_docs || __atomic_load_n(&j->failed, __ATOMIC_RELAXED))
            break;
        size_t to = c->n_docs - from < SPREAD_CHUNK ? c->n_docs : from + SPREAD_CHUNK;
        for (size_t d = from; d < to; d++) {
            /* The row's indices are distinct: each counts the document once. */
            long n = slant_pipeline_vectorize(&j->model->pipe, c->texts[d], c->lens[d], &s,
                                              &row, &cap);
            if (n < 0) {
                __atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
                break;
            }
            uint32_t g = j->gid[d];
            for (long k = 0; k < n; k++) {
                size_t at = feature_slot(j->feat, j->n_feat, row[k].index);
                if (at == j->n_feat)
                    continue;
                __atomic_fetch_add(&j->docs[at], 1, __ATOMIC_RELAXED);
                if (g == NO_GROUP)
                    __atomic_fetch_add(&j->loose[at], 1, __ATOMIC_RELAXED);
                else
                    __atomic_fetch_add(&j->count[at * j->n_groups + g], 1, __ATOMIC_RELAXED);
            }
        }
    }
    free(row);
    slant_vec_scratch_free(&s);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* A named document, sorted by group name, then by document. */
typedef struct named_doc {
    const char *group;
    size_t doc;
} named_doc;

static int cmp_named_doc(const void *a, const void *b)
{
    const named_doc *x = a, *y = b;
    int r = strcmp(x->group, y->group);
    return r ? r : (x->doc > y->doc) - (x->doc < y->doc);
}

/* Numbers the named groups of C in strcmp order into GID (output, one per
 * document; NO_GROUP for a document without one), each group's name into
 * *NAME (output, allocated; the strings are the corpus's) and its size
 * into *SIZE (output, allocated), and their count into *N.  Returns 0, or
 * -1 when memory runs out. */
static int number_groups(const slant_corpus *c, uint32_t *gid, const char ***name,
                         uint64_t **size, size_t *n)
{
    size_t named = 0;
    for (size_t d = 0; d < c->n_docs; d++)
        named += c->groups[d] != NULL;
    named_doc *order = slant_alloc_array(named ? named : 1, sizeof *order);
    *name = slant_alloc_array(named ? named : 1, sizeof **name);
    *size = slant_calloc_array(named ? named : 1, sizeof **size);
    if (!order || !*name || !*size) {
        free(order);
        return -1;
    }
    named = 0;
    for (size_t d = 0; d < c->n_docs; d++) {
        gid[d] = NO_GROUP;
        if (c->groups[d])
            order[named++] = (named_doc){c->groups[d], d};
    }
    qsort(order, named, sizeof *order, cmp_named_doc);
    size_t g = 0;
    for (size_t i = 0; i < named; i++) {
        if (i > 0 && strcmp(order[i - 1].group, order[i].group) != 0)
            g++;
        (*name)[g] = order[i].group;
        gid[order[i].doc] = (uint32_t)g;
        (*size)[g]++;
    }
    *n = named ? g + 1 : 0;
    free(order);
    return 0;
}

int slant_ngram_spread_concentrated(const slant_ngram_spread *s, double min_share,
                                    uint64_t min_docs)
{
    if (!s || !s->docs || s->docs < min_docs || s->top_share < min_share)
        return 0;
    double chance = 2 * s->top_group_share;
    return s->top_share >= (chance < 1 ? chance : 1);
}

slant_status slant_model_group_spread(const slant_model *model, const slant_corpus *corpus,
                                      const uint32_t *features, size_t n_features,
                                      uint32_t threads, slant_ngram_spread *out,
                                      slant_error *err)
{
    if (!model || !corpus || (n_features && (!features || !out)))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no model, corpus or features");
    const char *src = corpus->source ? corpus->source : "corpus";
    if (slant_model_takes_vectors(model))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "the model was trained on LIBSVM vectors: its features are numbers, "
                          "not n-grams of text, and where they come from cannot be told");
    if (corpus->vectors)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                          "%s: LIBSVM vectors, not text: the spread of a model's n-grams is "
                          "counted on the texts of articles", src);
    if (!corpus->group_name)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "%s: the spread of n-grams over groups needs a group column "
                          "(--group COLUMN), and the corpus was read without one", src);
    for (size_t i = 0; i < n_features; i++)
        if (features[i] >= model->pipe.n_features)
            return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                              "feature %u is past the model's %u", features[i],
                              model->pipe.n_features);
    if (corpus->n_docs >= NO_GROUP)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: more than %u documents", src,
                          NO_GROUP - 1);

    slant_status st = SLANT_STATUS_NO_MEMORY;
    size_t n_groups = 0, n_feat = 0;
    const char **gname = NULL;
    uint64_t *gsize = NULL, *count = NULL, *docs = NULL, *loose = NULL;
    uint32_t *feat = slant_alloc_array(n_features ? n_features : 1, sizeof *feat);
    uint32_t *gid = slant_alloc_array(corpus->n_docs ? corpus->n_docs : 1, sizeof *gid);
    if (!feat || !gid || number_groups(corpus, gid, &gname, &gsize, &n_groups))
        goto done;
    if (n_features)
        memcpy(feat, features, n_features * sizeof *feat);
    qsort(feat, n_features, sizeof *feat, cmp_u32);
    for (size_t i = 0; i < n_features; i++)
        if (i == 0 || feat[i] != feat[n_feat - 1])
            feat[n_feat++] = feat[i];
    size_t cells = 0;
    if (n_groups && n_feat > SIZE_MAX / n_groups)
        goto done;
    cells = n_feat * n_groups;
    count = slant_calloc_array(cells ? cells : 1, sizeof *count);
    docs = slant_calloc_array(n_feat ? n_feat : 1, sizeof *docs);
    loose = slant_calloc_array(n_feat ? n_feat : 1, sizeof *loose);
    if (!count || !docs || !loose)
        goto done;

    if (n_feat && corpus->n_docs) {
        spread_job j = {model, corpus, feat, n_feat, gid, n_groups, count, docs, loose, 0, 0};
        /* Small corpora are not worth a thread each. */
        uint32_t t = slant_threads_for(threads, (corpus->n_docs + 63) / 64);
        slant_parallel_for(t, t, spread_worker, &j); /* one range per worker */
        if (j.failed) {
            goto done;
        }
    }

    for (size_t i = 0; i < n_features; i++) {
        size_t at = feature_slot(feat, n_feat, features[i]);
        const uint64_t *row = count + at * n_groups;
        slant_ngram_spread *o = &out[i];
        memset(o, 0, sizeof *o);
        o->feature = features[i];
        o->docs = docs[at];
        o->groups = (size_t)loose[at];
        size_t best = n_groups;
        for (size_t g = 0; g < n_groups; g++) {
            if (!row[g])
                continue;
            o->groups++;
            if (best == n_groups || row[g] > row[best])
                best = g; /* strictly more: a tie keeps the name that sorts first */
        }
        if (best < n_groups) {
            o->top_docs = row[best];
            o->top_group = gname[best];
            o->top_group_share = (double)gsize[best] / (double)corpus->n_docs;
        } else if (loose[at]) { /* only documents without a group: each its own */
            o->top_docs = 1;
            o->top_group_share = 1.0 / (double)corpus->n_docs;
        }
        o->top_share = o->docs ? (double)o->top_docs / (double)o->docs : 0.0;
    }
    st = SLANT_STATUS_OK;
done:
    if (st)
        slant_fail(err, st, "out of memory counting n-grams over the groups of %s", src);
    free(feat);
    free(gid);
    free(gname);
    free(gsize);
    free(count);
    free(docs);
    free(loose);
    return st;
}
