/*
 * eval.c: measuring a model against gold labels.  For each head the
 * accumulator keeps a square confusion matrix of counts, gold class by
 * predicted class, over a list of class names: the model's classes in the
 * model's order, followed by gold labels the model never saw (a prediction
 * can never fall in those, so their columns stay zero unless a caller
 * records by name).  Accuracy, per-class precision, recall and F1, and
 * macro-F1 are all read off the matrix.
 *
 * Classes are found by name, never by position, so one accumulator can pool
 * the predictions of several models whose class lists differ (the folds of
 * a cross-validation, where a rare class can be missing from a fold's
 * training documents).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "corpus.h"
#include "model.h"
#include "eval.h"

/* What the calibration and coverage figures need of one scored document. */
typedef struct prob_rec {
    double confidence;          /* the top probability */
    unsigned char right;        /* the top class is the gold one */
    unsigned char covered;      /* the model's stored thresholds label it */
    unsigned char thresholds;   /* the model had thresholds for the head */
} prob_rec;

typedef struct eval_head {
    char *name;
    size_t n;          /* classes */
    size_t cap;        /* room for classes; also the row stride of counts */
    char **names;      /* n class names, in class order */
    size_t *order;     /* the n class indices sorted by name, for lookup */
    uint64_t *counts;  /* (cap, cap): counts[g * cap + p], gold g predicted as p */
    /* Probabilities, from slant_eval_corpus: sums and one record per document */
    double log_loss, brier;
    prob_rec *recs;
    size_t n_recs, cap_recs;
} eval_head;

struct slant_eval {
    size_t n_heads;
    eval_head *heads;
    size_t documents;  /* calls that recorded a document */
    /* Whether the documents recorded are the model's training corpus: the
     * count and hash its provenance records, and the same hash of what
     * was recorded so far (labels of the model's heads, in its order). */
    int trained_known;       /* the model recorded both */
    int trained_same;        /* every document so far came whole, in order, from one model's
                              * slant_eval_corpus calls: the hash below means something */
    uint64_t trained_hash, trained_docs, hash;
};

/* ------------------------------------------------------------------ */
/* Classes                                                             */
/* ------------------------------------------------------------------ */

/* Binary search of NAME in head H's sorted order.  Returns 1 and sets *pos
 * to its place in order[] when found; else returns 0 and sets *pos to where
 * it would be inserted. */
static int find_class(const eval_head *h, const char *name, size_t *pos)
{
    size_t lo = 0, hi = h->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(h->names[h->order[mid]], name);
        if (c == 0) {
            *pos = mid;
            return 1;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *pos = lo;
    return 0;
}

/* Makes room for at least NEED classes: the names, the order and the count
 * matrix, whose rows are re-laid out at the new stride.  Capacity doubles,
 * so appending n classes one at a time costs O(n^2) in all. */
static int reserve_classes(eval_head *h, size_t need)
{
    if (need <= h->cap)
        return 0;
    size_t cap = h->cap < 4 ? 4 : h->cap;
    while (cap < need) {
        if (cap > SIZE_MAX / 2)
            return -1;
        cap *= 2;
    }
    if (cap > SIZE_MAX / cap)
        return -1;
    uint64_t *counts = slant_calloc_array(cap * cap, sizeof *counts);
    char **names = slant_alloc_array(cap, sizeof *names);
    size_t *order = slant_alloc_array(cap, sizeof *order);
    if (!counts || !names || !order) {
        free(counts);
        free(names);
        free(order);
        return -1;
    }
    for (size_t g = 0; g < h->n; g++)
        memcpy(counts + g * cap, h->counts + g * h->cap, h->n * sizeof *counts);
    if (h->n) {
        memcpy(names, h->names, h->n * sizeof *names);
        memcpy(order, h->order, h->n * sizeof *order);
    }
    free(h->counts);
    free(h->names);
    free(h->order);
    h->counts = counts;
    h->names = names;
    h->order = order;
    h->cap = cap;
    return 0;
}

/* Appends class NAME (not yet present; POS is its place in the sorted
 * order) with zero counts. */
static int append_class(eval_head *h, const char *name, size_t pos)
{
    if (h->n == SIZE_MAX || reserve_classes(h, h->n + 1))
        return -1;
    char *copy = slant_strdup(name);
    if (!copy)
        return -1;
    memmove(h->order + pos + 1, h->order + pos, (h->n - pos) * sizeof *h->order);
    h->order[pos] = h->n;
    h->names[h->n++] = copy;
    return 0;
}

/* Finds or appends class NAME of head H; -1 only when memory runs out. */
static int class_index(eval_head *h, const char *name, size_t *cls)
{
    size_t pos;
    if (!find_class(h, name, &pos) && append_class(h, name, pos))
        return -1;
    *cls = h->order[pos];
    return 0;
}

/* ------------------------------------------------------------------ */
/* Creating and freeing                                                */
/* ------------------------------------------------------------------ */

void slant_eval_free(slant_eval *ev)
{
    if (!ev)
        return;
    for (size_t i = 0; i < ev->n_heads; i++) {
        eval_head *h = &ev->heads[i];
        for (size_t c = 0; c < h->n; c++)
            free(h->names[c]);
        free(h->names);
        free(h->order);
        free(h->counts);
        free(h->recs);
        free(h->name);
    }
    free(ev->heads);
    free(ev);
}

static int cmp_name_ptr(const void *a, const void *b)
{
    return strcmp(**(char *const *const *)a, **(char *const *const *)b);
}

/* Fills head H's classes from NAMES[0..n); checks that they are distinct. */
static slant_status fill_classes(eval_head *h, size_t n, const char *const *names,
                                 slant_error *err)
{
    if (reserve_classes(h, n))
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory for %zu classes", n);
    for (size_t c = 0; c < n; c++) {
        if (!names[c])
            return slant_fail(err, SLANT_STATUS_BAD_OPTION, "head \"%s\": class %zu has no name",
                              h->name, c);
        if (!(h->names[c] = slant_strdup(names[c])))
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        h->n = c + 1;
    }
    /* Sort pointers to the names, then turn them back into indices. */
    char ***sorted = slant_alloc_array(n, sizeof *sorted);
    if (!sorted)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    for (size_t c = 0; c < n; c++)
        sorted[c] = &h->names[c];
    qsort(sorted, n, sizeof *sorted, cmp_name_ptr);
    slant_status st = SLANT_STATUS_OK;
    for (size_t i = 0; i < n; i++) {
        h->order[i] = (size_t)(sorted[i] - h->names);
        if (i > 0 && strcmp(*sorted[i], *sorted[i - 1]) == 0 && st == SLANT_STATUS_OK)
            st = slant_fail(err, SLANT_STATUS_BAD_OPTION, "head \"%s\": class \"%s\" is listed "
                            "twice", h->name, *sorted[i]);
    }
    free(sorted);
    return st;
}

slant_status slant_eval_create(size_t n_heads, const char *const *head_names,
                               const size_t *n_classes, const char *const *const *class_names,
                               slant_eval **out, slant_error *err)
{
    *out = NULL;
    if (n_heads && (!head_names || !n_classes || !class_names))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no head or class names given");
    slant_eval *ev = calloc(1, sizeof *ev);
    if (!ev || !(ev->heads = slant_calloc_array(n_heads, sizeof *ev->heads))) {
        free(ev);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    }
    ev->n_heads = n_heads;
    slant_status st = SLANT_STATUS_OK;
    for (size_t i = 0; i < n_heads && !st; i++) {
        if (!head_names[i]) {
            st = slant_fail(err, SLANT_STATUS_BAD_OPTION, "head %zu has no name", i);
            break;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(head_names[i], head_names[j]) == 0) {
                st = slant_fail(err, SLANT_STATUS_BAD_OPTION, "head \"%s\" is listed twice",
                                head_names[i]);
                break;
            }
        if (st)
            break;
        if (!(ev->heads[i].name = slant_strdup(head_names[i]))) {
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
            break;
        }
        if (n_classes[i] && !class_names[i])
            st = slant_fail(err, SLANT_STATUS_BAD_OPTION, "head \"%s\": no class names given",
                            head_names[i]);
        else
            st = fill_classes(&ev->heads[i], n_classes[i], class_names[i], err);
    }
    if (st) {
        slant_eval_free(ev);
        return st;
    }
    *out = ev;
    return SLANT_STATUS_OK;
}

/* Name tables that slant_eval_new and slant_eval_new_like fill from their
 * source before handing them to slant_eval_create.  The strings are
 * borrowed; only the arrays belong to the tables. */
typedef struct name_tables {
    const char **heads;
    size_t *n_classes;
    const char ***classes;
} name_tables;

static void tables_free(name_tables *t, size_t n_heads)
{
    if (t->classes)
        for (size_t h = 0; h < n_heads; h++)
            free(t->classes[h]);
    free(t->classes);
    free(t->n_classes);
    free(t->heads);
}

static int tables_alloc(name_tables *t, size_t n_heads)
{
    t->heads = slant_alloc_array(n_heads, sizeof *t->heads);
    t->n_classes = slant_calloc_array(n_heads, sizeof *t->n_classes);
    t->classes = slant_calloc_array(n_heads, sizeof *t->classes);
    if (t->heads && t->n_classes && t->classes)
        return 0;
    tables_free(t, 0);
    return -1;
}

/* Creates the accumulator from the tables and frees them. */
static slant_status tables_create(name_tables *t, size_t n_heads, slant_eval **out,
                                  slant_error *err)
{
    slant_status st = slant_eval_create(n_heads, t->heads, t->n_classes,
                                        (const char *const *const *)t->classes, out, err);
    tables_free(t, n_heads);
    return st;
}

/* The training corpus's document count and hash from PROV (see train.c's
 * provenance); 0 when either is missing. */
static int recorded_corpus(const char *prov, uint64_t *docs, uint64_t *hash)
{
    static const char dkey[] = "\ncorpus_documents=", hkey[] = "\ncorpus_hash=xxh3:";
    const char *d = prov ? strstr(prov, dkey) : NULL;
    const char *h = prov ? strstr(prov, hkey) : NULL;
    if (!d || !h)
        return 0;
    d += sizeof dkey - 1;
    h += sizeof hkey - 1;
    char *end;
    *docs = strtoull(d, &end, 10);
    if (end == d || *end != '\n')
        return 0;
    *hash = strtoull(h, &end, 16);
    return end == h + 16 && *end == '\n';
}

slant_status slant_eval_new_heads(const slant_model *model, const char *const *names,
                                  size_t n_names, slant_eval **out, slant_error *err)
{
    *out = NULL;
    if (!model)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no model to evaluate");
    size_t mh = slant_model_heads(model), nh = names ? n_names : mh;
    if (names && !n_names)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no head named to evaluate");
    for (size_t h = 0; names && h < n_names; h++)
        if (!names[h])
            return slant_fail(err, SLANT_STATUS_BAD_OPTION, "head name %zu is NULL", h + 1);
    name_tables t;
    if (tables_alloc(&t, nh))
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    for (size_t h = 0; h < nh; h++) {
        size_t m = h;
        if (names) {
            for (m = 0; m < mh && strcmp(slant_model_head_name(model, m), names[h]); m++)
                ;
            if (m == mh) {
                tables_free(&t, nh);
                char heads[256] = "";
                for (size_t k = 0, at = 0; k < mh && at < sizeof heads; k++) {
                    int w = snprintf(heads + at, sizeof heads - at, "%s%s", k ? ", " : "",
                                     slant_model_head_name(model, k));
                    at += w > 0 ? (size_t)w : 0;
                }
                return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                                  "the model has no head \"%s\"; its heads are: %s", names[h],
                                  heads);
            }
        }
        size_t nc = slant_model_classes(model, m);
        t.heads[h] = slant_model_head_name(model, m);
        t.n_classes[h] = nc;
        if (!(t.classes[h] = slant_alloc_array(nc, sizeof **t.classes))) {
            tables_free(&t, nh);
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        }
        for (size_t c = 0; c < nc; c++)
            t.classes[h][c] = slant_model_class_name(model, m, c);
    }
    slant_status st = tables_create(&t, nh, out, err);
    if (!st) {
        slant_eval *ev = *out;
        ev->trained_known = recorded_corpus(slant_model_provenance(model), &ev->trained_docs,
                                            &ev->trained_hash);
        ev->trained_same = ev->trained_known;
        ev->hash = slant_corpus_hash_begin(mh);
    }
    return st;
}

slant_status slant_eval_new(const slant_model *model, slant_eval **out, slant_error *err)
{
    return slant_eval_new_heads(model, NULL, 0, out, err);
}

int slant_eval_on_training_corpus(const slant_eval *ev)
{
    return ev && ev->trained_known && ev->trained_same && ev->documents == ev->trained_docs
           && ev->hash == ev->trained_hash;
}

slant_status slant_eval_new_like(const slant_eval *proto, slant_eval **out, slant_error *err)
{
    *out = NULL;
    if (!proto)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no evaluation to copy");
    size_t nh = proto->n_heads;
    name_tables t;
    if (tables_alloc(&t, nh))
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    for (size_t h = 0; h < nh; h++) {
        const eval_head *p = &proto->heads[h];
        t.heads[h] = p->name;
        t.n_classes[h] = p->n;
        if (!(t.classes[h] = slant_alloc_array(p->n, sizeof **t.classes))) {
            tables_free(&t, nh);
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        }
        for (size_t c = 0; c < p->n; c++)
            t.classes[h][c] = p->names[c];
    }
    return tables_create(&t, nh, out, err);
}

/* ------------------------------------------------------------------ */
/* Recording                                                           */
/* ------------------------------------------------------------------ */

size_t slant_eval_head_index(const slant_eval *ev, const char *name)
{
    if (ev && name)
        for (size_t h = 0; h < ev->n_heads; h++)
            if (strcmp(ev->heads[h].name, name) == 0)
                return h;
    return (size_t)-1;
}

slant_status slant_eval_class_index(slant_eval *ev, size_t head, const char *name, size_t *cls,
                                    slant_error *err)
{
    if (!ev || head >= ev->n_heads || !name)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no head %zu or no class name", head);
    if (class_index(&ev->heads[head], name, cls))
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    return SLANT_STATUS_OK;
}

/* Both add functions check everything first and append the gold classes
 * they need before counting anything, so a failed call records nothing (at
 * worst it leaves new classes with zero counts, which change no figure). */

slant_status slant_eval_add(slant_eval *ev, const char *const *gold, const size_t *pred,
                            slant_error *err)
{
    if (!ev)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no evaluation to add to");
    if (ev->n_heads && (!gold || !pred))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no gold labels or predictions given");
    for (size_t h = 0; h < ev->n_heads; h++)
        if (gold[h] && pred[h] >= ev->heads[h].n)
            return slant_fail(err, SLANT_STATUS_BAD_OPTION, "head \"%s\": predicted class %zu "
                              "is out of range (%zu classes)", ev->heads[h].name, pred[h],
                              ev->heads[h].n);
    size_t g;
    for (size_t h = 0; h < ev->n_heads; h++)
        if (gold[h] && class_index(&ev->heads[h], gold[h], &g))
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    for (size_t h = 0; h < ev->n_heads; h++) {
        eval_head *eh = &ev->heads[h];
        if (gold[h] && class_index(eh, gold[h], &g) == 0)
            eh->counts[g * eh->cap + pred[h]]++;
    }
    ev->documents++;
    ev->trained_same = 0;
    return SLANT_STATUS_OK;
}

slant_status slant_eval_add_names(slant_eval *ev, const char *const *gold,
                                  const char *const *pred, slant_error *err)
{
    if (!ev)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no evaluation to add to");
    if (ev->n_heads && (!gold || !pred))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no gold labels or predictions given");
    for (size_t h = 0; h < ev->n_heads; h++)
        if (gold[h] && !pred[h])
            return slant_fail(err, SLANT_STATUS_BAD_OPTION, "head \"%s\": gold label \"%s\" "
                              "has no prediction", ev->heads[h].name, gold[h]);
    size_t g, p;
    for (size_t h = 0; h < ev->n_heads; h++)
        if (gold[h] && (class_index(&ev->heads[h], gold[h], &g) ||
                        class_index(&ev->heads[h], pred[h], &p)))
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    for (size_t h = 0; h < ev->n_heads; h++) {
        eval_head *eh = &ev->heads[h];
        if (gold[h] && class_index(eh, gold[h], &g) == 0 && class_index(eh, pred[h], &p) == 0)
            eh->counts[g * eh->cap + p]++;
    }
    ev->documents++;
    ev->trained_same = 0;
    return SLANT_STATUS_OK;
}

/* ------------------------------------------------------------------ */
/* Labeling a corpus                                                   */
/* ------------------------------------------------------------------ */

/* The first failure of one worker; at == SIZE_MAX when it had none. */
typedef struct predict_fail {
    size_t at;
    slant_status status;
    slant_error err;
} predict_fail;

typedef struct predict_job {
    const slant_model *model;
    const slant_corpus *corpus;
    const size_t *docs;    /* NULL: document r is row r */
    size_t n_heads;        /* the model's */
    size_t *best;          /* (n, n_heads): each row's best class per model head */
    double *probs;         /* (n, total classes): each row's probabilities */
    predict_fail *fails;   /* one per worker */
} predict_job;

static void predict_range(void *vctx, size_t begin, size_t end, uint32_t worker)
{
    predict_job *j = vctx;
    predict_fail *f = &j->fails[worker];
    size_t tc = slant_model_total_classes(j->model);
    for (size_t r = begin; r < end; r++) {
        size_t len;
        const char *text = slant_corpus_text(j->corpus, j->docs ? j->docs[r] : r, &len);
        slant_status st = slant_model_predict(j->model, text, len, j->probs + r * tc,
                                              j->best + r * j->n_heads, &f->err);
        if (st) {
            f->at = r;
            f->status = st;
            break;
        }
    }
}

/* Labels the N rows with MODEL in parallel into BEST (output, (n, model
 * heads)).  Each row has its own slot, so the result does not depend on the
 * thread count; on failure the error of the lowest failing row is reported. */
static slant_status predict_rows(const slant_model *model, const slant_corpus *corpus,
                                 const size_t *docs, size_t n, uint32_t threads, size_t *best,
                                 double *probs, slant_error *err)
{
    /* A thread is worth it only for a few dozen documents. */
    uint32_t t = slant_threads_for(threads, (n + 31) / 32);
    predict_fail *fails = slant_alloc_array(t, sizeof *fails);
    if (!fails)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    for (uint32_t w = 0; w < t; w++) {
        fails[w].at = SIZE_MAX;
        fails[w].status = SLANT_STATUS_OK;
        fails[w].err.message[0] = '\0';
    }
    predict_job j = {model, corpus, docs, slant_model_heads(model), best, probs, fails};
    slant_parallel_for(n, t, predict_range, &j);
    /* Workers cover increasing ranges, so the first failing worker holds
     * the lowest failing row. */
    slant_status st = SLANT_STATUS_OK;
    for (uint32_t w = 0; w < t && !st; w++) {
        if (fails[w].at == SIZE_MAX)
            continue;
        size_t d = docs ? docs[fails[w].at] : fails[w].at;
        const char *id = slant_corpus_id(corpus, d);
        st = slant_fail(err, fails[w].status, "document %zu%s%s%s: %s", d + 1,
                        id ? " (id " : "", id ? id : "", id ? ")" : "", fails[w].err.message);
    }
    free(fails);
    return st;
}

/* Index of the corpus head named NAME, or (size_t)-1. */
static size_t corpus_head(const slant_corpus *corpus, const char *name)
{
    for (size_t h = 0; h < slant_corpus_heads(corpus); h++)
        if (strcmp(slant_corpus_head_name(corpus, h), name) == 0)
            return h;
    return (size_t)-1;
}

/* DOCS == NULL means every document of the corpus (N_DOCS is then not
 * used).  Heads are matched by name throughout: each of EV's heads must be
 * one of the model's; each of the model's heads must be a label column of
 * the corpus; model heads that EV lacks are predicted but not recorded, and
 * extra corpus columns are ignored.  The model's classes are mapped into
 * EV's by name, appending those EV lacks. */
static slant_status eval_corpus(slant_eval *ev, const slant_model *model,
                                const slant_corpus *corpus, const size_t *docs, size_t n_docs,
                                uint32_t threads, int partial, slant_error *err)
{
    if (!ev || !model || !corpus)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no evaluation, model or corpus");
    slant_status vs = slant_model_check_input(model, corpus, err);
    if (vs)
        return vs;
    size_t size = slant_corpus_size(corpus);
    size_t n = docs ? n_docs : size;
    if (docs)
        for (size_t i = 0; i < n; i++)
            if (docs[i] >= size)
                return slant_fail(err, SLANT_STATUS_BAD_OPTION, "document %zu is past the "
                                  "corpus's %zu", docs[i] + 1, size);

    size_t mh = slant_model_heads(model), eh = ev->n_heads;
    for (size_t e = 0; e < eh; e++)
        if (corpus_head(corpus, ev->heads[e].name) == (size_t)-1)
            return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: no label column \"%s\", "
                              "which the model predicts", corpus->source ? corpus->source
                              : "the corpus", ev->heads[e].name);
    size_t *model_of = slant_alloc_array(eh, sizeof *model_of);  /* ev head -> model head */
    size_t *corpus_of = slant_alloc_array(eh, sizeof *corpus_of); /* ev head -> corpus head */
    size_t *class_map = slant_alloc_array(slant_model_total_classes(model), sizeof *class_map);
    size_t *best = NULL, *gold = NULL, tc = slant_model_total_classes(model);
    double *probs = NULL;
    slant_status st = SLANT_STATUS_OK;
    if (!model_of || !corpus_of || !class_map) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    for (size_t e = 0; e < eh; e++) {
        const char *name = ev->heads[e].name;
        size_t m = 0;
        while (m < mh && strcmp(slant_model_head_name(model, m), name) != 0)
            m++;
        if (m == mh && partial) { /* not recorded */
            model_of[e] = SIZE_MAX;
            continue;
        }
        if (m == mh) {
            st = slant_fail(err, SLANT_STATUS_BAD_OPTION, "the model has no head \"%s\" to "
                            "evaluate", name);
            goto out;
        }
        model_of[e] = m;
        corpus_of[e] = corpus_head(corpus, name);
        /* class_map[offset(m) + c]: EV's class for the model's class c. */
        size_t off = slant_model_class_offset(model, m);
        for (size_t c = 0; c < slant_model_classes(model, m); c++)
            if (class_index(&ev->heads[e], slant_model_class_name(model, m, c),
                            &class_map[off + c])) {
                st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
                goto out;
            }
    }

    if ((mh && n > SIZE_MAX / mh) || (eh && n > SIZE_MAX / eh) ||
        !(best = slant_alloc_array(n * mh, sizeof *best)) ||
        !(gold = slant_alloc_array(n * eh, sizeof *gold)) ||
        !(probs = slant_alloc_array(n ? n : 1, (tc ? tc : 1) * sizeof *probs))) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory for %zu documents", n);
        goto out;
    }
    if ((st = predict_rows(model, corpus, docs, n, threads, best, probs, err)))
        goto out;
    /* Room for the probability records, so that counting cannot fail. */
    for (size_t e = 0; e < eh; e++) {
        eval_head *h = &ev->heads[e];
        if (model_of[e] != SIZE_MAX && h->n_recs + n > h->cap_recs
            && slant_grow((void **)&h->recs, &h->cap_recs, h->n_recs + n, sizeof *h->recs)) {
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
            goto out;
        }
    }

    /* Gold classes first (appending unseen labels), then the counts, in
     * document order: nothing is counted unless everything succeeded. */
    for (size_t i = 0; i < n; i++) {
        size_t d = docs ? docs[i] : i;
        for (size_t m = 0; m < mh; m++)
            if (best[i * mh + m] >= slant_model_classes(model, m)) {
                st = slant_fail(err, SLANT_STATUS_INTERNAL, "head \"%s\": the model predicted "
                                "class %zu of %zu", slant_model_head_name(model, m),
                                best[i * mh + m], slant_model_classes(model, m));
                goto out;
            }
        for (size_t e = 0; e < eh; e++) {
            gold[i * eh + e] = SIZE_MAX;
            if (model_of[e] == SIZE_MAX)
                continue;
            const char *label = slant_corpus_label(corpus, d, corpus_of[e]);
            if (label && class_index(&ev->heads[e], label, &gold[i * eh + e])) {
                st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
                goto out;
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        for (size_t e = 0; e < eh; e++) {
            size_t g = gold[i * eh + e];
            if (g == SIZE_MAX)
                continue;
            size_t m = model_of[e];
            size_t off = slant_model_class_offset(model, m), k = slant_model_classes(model, m);
            size_t p = class_map[off + best[i * mh + m]];
            eval_head *h = &ev->heads[e];
            h->counts[g * h->cap + p]++;
            const double *row = probs + i * tc;
            double pg = 0, brier = 1; /* a gold class the model lacks: 0, and 1 to Brier */
            for (size_t c = 0; c < k; c++) {
                double v = row[off + c];
                if (class_map[off + c] == g) {
                    pg = v;
                    brier -= 1;
                    v -= 1;
                }
                brier += v * v;
            }
            h->log_loss -= log(pg < 1e-15 ? 1e-15 : pg);
            h->brier += brier;
            h->recs[h->n_recs++] = (prob_rec){row[off + best[i * mh + m]], p == g,
                                              !slant_model_abstains(model, m, row, -1),
                                              slant_model_target_precision(model, m) > 0};
        }
    /* The training-corpus hash chains whole corpora only, in order, from
     * the model whose training corpus it is. */
    uint64_t docs_m, hash_m;
    if (ev->trained_same && !docs && recorded_corpus(slant_model_provenance(model), &docs_m, &hash_m)
        && docs_m == ev->trained_docs && hash_m == ev->trained_hash) {
        size_t *cols = slant_alloc_array(mh, sizeof *cols);
        if (cols) {
            for (size_t m = 0; m < mh; m++) {
                cols[m] = corpus_head(corpus, slant_model_head_name(model, m));
                if (cols[m] == (size_t)-1)
                    cols[m] = SIZE_MAX;
            }
            for (size_t i = 0; i < n; i++)
                ev->hash = slant_corpus_hash_doc(ev->hash, corpus, i, cols, mh);
        }
        ev->trained_same = cols != NULL;
        free(cols);
    } else {
        ev->trained_same = 0;
    }
    ev->documents += n;

out:
    free(probs);
    free(gold);
    free(best);
    free(class_map);
    free(corpus_of);
    free(model_of);
    return st;
}

slant_status slant_eval_corpus(slant_eval *ev, const slant_model *model,
                               const slant_corpus *corpus, const size_t *docs, size_t n_docs,
                               uint32_t threads, slant_error *err)
{
    return eval_corpus(ev, model, corpus, docs, n_docs, threads, 0, err);
}

slant_status slant_eval_corpus_some(slant_eval *ev, const slant_model *model,
                                    const slant_corpus *corpus, const size_t *docs,
                                    size_t n_docs, uint32_t threads, slant_error *err)
{
    return eval_corpus(ev, model, corpus, docs, n_docs, threads, 1, err);
}

/* ------------------------------------------------------------------ */
/* Reading the figures                                                 */
/* ------------------------------------------------------------------ */

size_t slant_eval_documents(const slant_eval *ev)
{
    return ev ? ev->documents : 0;
}

size_t slant_eval_heads(const slant_eval *ev)
{
    return ev ? ev->n_heads : 0;
}

const char *slant_eval_head_name(const slant_eval *ev, size_t head)
{
    return ev && head < ev->n_heads ? ev->heads[head].name : NULL;
}

size_t slant_eval_classes(const slant_eval *ev, size_t head)
{
    return ev && head < ev->n_heads ? ev->heads[head].n : 0;
}

const char *slant_eval_class_name(const slant_eval *ev, size_t head, size_t cls)
{
    if (!ev || head >= ev->n_heads || cls >= ev->heads[head].n)
        return NULL;
    return ev->heads[head].names[cls];
}

uint64_t slant_eval_count(const slant_eval *ev, size_t head, size_t g, size_t p)
{
    if (!ev || head >= ev->n_heads || g >= ev->heads[head].n || p >= ev->heads[head].n)
        return 0;
    const eval_head *h = &ev->heads[head];
    return h->counts[g * h->cap + p];
}

uint64_t slant_eval_labeled(const slant_eval *ev, size_t head)
{
    if (!ev || head >= ev->n_heads)
        return 0;
    const eval_head *h = &ev->heads[head];
    uint64_t total = 0;
    for (size_t g = 0; g < h->n; g++)
        for (size_t p = 0; p < h->n; p++)
            total += h->counts[g * h->cap + p];
    return total;
}

/* Accuracy over the documents that had a gold label for HEAD; 0 if none. */
double slant_eval_accuracy(const slant_eval *ev, size_t head)
{
    if (!ev || head >= ev->n_heads)
        return 0;
    const eval_head *h = &ev->heads[head];
    uint64_t total = 0, right = 0;
    for (size_t g = 0; g < h->n; g++) {
        for (size_t p = 0; p < h->n; p++)
            total += h->counts[g * h->cap + p];
        right += h->counts[g * h->cap + g];
    }
    return total ? (double)right / (double)total : 0;
}

/* Precision, recall and F1 of one class, with 0 for every 0/0. */
static slant_class_scores class_scores(const eval_head *h, size_t cls, uint64_t *predicted)
{
    slant_class_scores s = {0, 0, 0, 0};
    uint64_t tp = h->counts[cls * h->cap + cls], pred = 0;
    for (size_t k = 0; k < h->n; k++) {
        s.support += h->counts[cls * h->cap + k];
        pred += h->counts[k * h->cap + cls];
    }
    s.precision = pred ? (double)tp / (double)pred : 0;
    s.recall = s.support ? (double)tp / (double)s.support : 0;
    double sum = s.precision + s.recall;
    s.f1 = sum > 0 ? 2 * s.precision * s.recall / sum : 0;
    if (predicted)
        *predicted = pred;
    return s;
}

slant_class_scores slant_eval_class(const slant_eval *ev, size_t head, size_t cls)
{
    if (!ev || head >= ev->n_heads || cls >= ev->heads[head].n) {
        slant_class_scores none = {0, 0, 0, 0};
        return none;
    }
    return class_scores(&ev->heads[head], cls, NULL);
}

/* The mean F1 over the classes that occur as a gold label or as a
 * prediction.  Classes absent from both (a model class nobody used) are
 * left out, as scikit-learn does with the labels present in either y_true
 * or y_pred; a class with gold support that is never predicted counts with
 * F1 0, and so does a class predicted but never gold.  0 if no class
 * occurs. */
double slant_eval_macro_f1(const slant_eval *ev, size_t head)
{
    if (!ev || head >= ev->n_heads)
        return 0;
    const eval_head *h = &ev->heads[head];
    double sum = 0;
    size_t used = 0;
    for (size_t c = 0; c < h->n; c++) {
        uint64_t pred;
        slant_class_scores s = class_scores(h, c, &pred);
        if (s.support == 0 && pred == 0)
            continue;
        sum += s.f1;
        used++;
    }
    return used ? sum / (double)used : 0;
}

/* ------------------------------------------------------------------ */
/* Probabilities: calibration and coverage                             */
/* ------------------------------------------------------------------ */

int slant_eval_calibration(const slant_eval *ev, size_t head, slant_calibration_report *out)
{
    memset(out, 0, sizeof *out);
    for (int b = 0; b < SLANT_CALIBRATION_BINS; b++) {
        out->bins[b].lo = (double)b / SLANT_CALIBRATION_BINS;
        out->bins[b].hi = (double)(b + 1) / SLANT_CALIBRATION_BINS;
    }
    if (!ev || head >= ev->n_heads || !ev->heads[head].n_recs)
        return 0;
    const eval_head *h = &ev->heads[head];
    size_t n = h->n_recs;
    out->scored = n;
    out->log_loss = h->log_loss / (double)n;
    out->brier = h->brier / (double)n;
    for (size_t i = 0; i < n; i++) {
        int b = (int)(h->recs[i].confidence * SLANT_CALIBRATION_BINS);
        b = b < 0 ? 0 : b >= SLANT_CALIBRATION_BINS ? SLANT_CALIBRATION_BINS - 1 : b;
        out->bins[b].count++;
        out->bins[b].confidence += h->recs[i].confidence;
        out->bins[b].accuracy += h->recs[i].right;
    }
    for (int b = 0; b < SLANT_CALIBRATION_BINS; b++) {
        slant_calibration_bin *bin = &out->bins[b];
        out->ece += fabs(bin->accuracy - bin->confidence) / (double)n;
        if (bin->count) {
            bin->confidence /= (double)bin->count;
            bin->accuracy /= (double)bin->count;
        }
    }
    return 1;
}

/* A record's place in the risk-coverage order. */
typedef struct ranked_rec {
    double confidence;
    size_t at;      /* the order it was recorded in: ties go by it */
    int right;
} ranked_rec;

static int cmp_ranked_desc(const void *va, const void *vb)
{
    const ranked_rec *a = va, *b = vb;
    if (a->confidence != b->confidence)
        return a->confidence > b->confidence ? -1 : 1;
    return (a->at > b->at) - (a->at < b->at);
}

int slant_eval_coverage(const slant_eval *ev, size_t head, slant_coverage_report *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < SLANT_COVERAGE_POINTS; i++)
        out->curve_coverage[i] = 1.0 - 0.1 * i;
    if (!ev || head >= ev->n_heads || !ev->heads[head].n_recs)
        return 0;
    const eval_head *h = &ev->heads[head];
    size_t n = h->n_recs, right = 0;
    out->scored = n;
    for (size_t i = 0; i < n; i++) {
        out->thresholds |= h->recs[i].thresholds;
        if (h->recs[i].covered) {
            out->covered++;
            right += h->recs[i].right;
        }
    }
    out->coverage = (double)out->covered / (double)n;
    out->accuracy = out->covered ? (double)right / (double)out->covered : 0;
    ranked_rec *r = slant_alloc_array(n, sizeof *r);
    if (!r)
        return 1; /* no memory to sort: the curve stays 0 */
    for (size_t i = 0; i < n; i++)
        r[i] = (ranked_rec){.confidence = h->recs[i].confidence, .at = i, .right = h->recs[i].right};
    qsort(r, n, sizeof *r, cmp_ranked_desc);
    size_t done = 0;
    right = 0;
    for (int i = SLANT_COVERAGE_POINTS - 1; i >= 0; i--) { /* the smallest share first */
        size_t want = (size_t)ceil(out->curve_coverage[i] * (double)n - 1e-9);
        while (done < want)
            right += r[done++].right;
        out->curve_accuracy[i] = want ? (double)right / (double)want : 0;
    }
    free(r);
    return 1;
}
