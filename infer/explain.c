/*
 * explain.c: why a head of weights chose its label (see "Explanations" in
 * slant.h).  A linear score is a sum over the text's features, so the
 * margin between the chosen class and the runner-up splits exactly into
 * the difference of their biases and one term per feature; this file
 * computes those terms and keeps the K largest each way.
 *
 * The scores are summed here in the order slant_model_score sums them,
 * from the same vector, so the chosen class is the one labeling reports.
 */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "corpus.h"
#include "model.h"

void slant_explanation_free(slant_explanation *e)
{
    free(e);
}

slant_status slant_model_explainable(const slant_model *m, slant_error *err)
{
    for (uint32_t h = 0; h < m->n_heads; h++)
        if (m->heads[h].svm)
            return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                              "head \"%s\" is an svm with the rbf kernel: its score is a sum "
                              "over support vectors, not over n-grams, and has no n-gram "
                              "explanation (train --kernel linear, or another model, for one)",
                              m->heads[h].name);
    return SLANT_STATUS_OK;
}

/* Whether A pushes harder than B: the larger magnitude, ties to the
 * smaller feature, so the lists do not depend on the row's order. */
static int harder(const slant_contribution *a, const slant_contribution *b)
{
    double x = a->contribution < 0 ? -a->contribution : a->contribution;
    double y = b->contribution < 0 ? -b->contribution : b->contribution;
    return x != y ? x > y : a->feature < b->feature;
}

/* Keeps C among the K hardest of LIST (*n of them, hardest first).  Most
 * n-grams of a long text fall short of the K-th: that test comes first. */
static inline void keep_hardest(slant_contribution *list, size_t *n, size_t k,
                                slant_contribution c)
{
    if (*n == k && (k == 0 || !harder(&c, &list[*n - 1])))
        return;
    size_t at = *n < k ? (*n)++ : *n - 1;
    while (at > 0 && harder(&c, &list[at - 1])) {
        list[at] = list[at - 1];
        at--;
    }
    list[at] = c;
}

static int cmp_harder(const void *a, const void *b)
{
    return harder(a, b) ? -1 : harder(b, a) ? 1 : 0;
}

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif
#define EXPLAIN_AHEAD 8

/* Explains head HD for the vector X (N entries, COUNTS their raw counts)
 * into *out (output, malloc'ed): why LABELED, the class labeling reports,
 * was given over the class of the next highest score.  A calibration map
 * other than temperature may report a class whose raw score is not the
 * highest; its margin is then negative, as the scores have it.  Z is
 * scratch of n_classes doubles.  Returns 0, or -1 when memory runs out. */
static int explain_head(const slant_head *hd, size_t head, const slant_feature *x,
                        const uint32_t *counts, size_t n, size_t k, size_t labeled, double *z,
                        slant_explanation **out)
{
    size_t c_n = hd->n_classes;
    size_t cap = k < n ? k : n; /* entries each list may hold */
    if (c_n < 2)
        cap = 0;
    slant_explanation *e = malloc(sizeof *e + 2 * (cap ? cap : 1) * sizeof(slant_contribution));
    *out = e;
    if (!e)
        return -1;
    memset(e, 0, sizeof *e);
    e->head = head;
    e->toward = (slant_contribution *)(e + 1);
    e->away = e->toward + (cap ? cap : 1);
    if (c_n < 2) {
        e->runner_up = SIZE_MAX;
        return 0;
    }
    /* The scores, summed as slant_model_score sums them; the rows of W
     * are far apart, so a few are asked for ahead of their use.  Two
     * classes, the common head, keep their sums in registers. */
    for (size_t j = 0; j < n && j < EXPLAIN_AHEAD; j++)
        PREFETCH(hd->weights + (size_t)x[j].index * c_n);
    if (c_n == 2) {
        double z0 = hd->bias[0], z1 = hd->bias[1];
        for (size_t j = 0; j < n; j++) {
            if (j + EXPLAIN_AHEAD < n)
                PREFETCH(hd->weights + (size_t)x[j + EXPLAIN_AHEAD].index * 2);
            const float *w = hd->weights + (size_t)x[j].index * 2;
            double v = x[j].value;
            z0 += v * w[0];
            z1 += v * w[1];
        }
        z[0] = z0;
        z[1] = z1;
    } else {
        for (size_t c = 0; c < c_n; c++)
            z[c] = hd->bias[c];
        for (size_t j = 0; j < n; j++) {
            if (j + EXPLAIN_AHEAD < n)
                PREFETCH(hd->weights + (size_t)x[j + EXPLAIN_AHEAD].index * c_n);
            const float *w = hd->weights + (size_t)x[j].index * c_n;
            double v = x[j].value;
            for (size_t c = 0; c < c_n; c++)
                z[c] += v * w[c];
        }
    }
    size_t best = labeled < c_n ? labeled : 0;
    size_t second = best == 0 ? 1 : 0;
    for (size_t c = 0; c < c_n; c++)
        if (c != best && z[c] > z[second])
            second = c;
    e->chosen = best;
    e->runner_up = second;
    e->margin = z[best] - z[second];
    e->intercept = (double)hd->bias[best] - (double)hd->bias[second];
    /* The sums and counts in locals: the lists' stores could alias them.
     * The sign of a contribution is a coin toss to the branch predictor,
     * so the sums take no branch, and the one branch taken is whether an
     * entry may enter a list: once the list is full, seldom. */
    int all = k >= n;
    double sum_toward = 0, sum_away = 0;
    size_t n_toward = 0, n_away = 0, all_toward = 0, all_away = 0;
    double enter_toward = DBL_TRUE_MIN, enter_away = -DBL_TRUE_MIN;
    const float *wb = hd->weights + best, *ws = hd->weights + second;
    for (size_t j = 0; j < n; j++) {
        size_t at = (size_t)x[j].index * c_n;
        double d = (double)x[j].value * ((double)wb[at] - (double)ws[at]);
        sum_toward += d > 0 ? d : 0.0;
        sum_away += d < 0 ? d : 0.0;
        all_toward += d > 0;
        all_away += d < 0;
        slant_contribution c = {x[j].index, counts[j], d};
        if (all) {
            if (d > 0)
                e->toward[n_toward++] = c;
            else if (d < 0)
                e->away[n_away++] = c;
        } else if (d >= enter_toward) {
            keep_hardest(e->toward, &n_toward, cap, c);
            if (cap && n_toward == cap)
                enter_toward = e->toward[cap - 1].contribution;
        } else if (d <= enter_away) {
            keep_hardest(e->away, &n_away, cap, c);
            if (cap && n_away == cap)
                enter_away = e->away[cap - 1].contribution;
        }
    }
    e->n_toward = n_toward;
    e->n_away = n_away;
    if (all) {
        qsort(e->toward, e->n_toward, sizeof *e->toward, cmp_harder);
        qsort(e->away, e->n_away, sizeof *e->away, cmp_harder);
    }
    e->more_toward = all_toward;
    e->more_away = all_away;
    e->rest_toward = sum_toward;
    e->rest_away = sum_away;
    /* What the lists leave out: the side's sum less the listed, and
     * exactly 0 for a side listed whole. */
    e->more_toward -= e->n_toward;
    e->more_away -= e->n_away;
    double listed = 0;
    for (size_t i = 0; i < e->n_toward; i++)
        listed += e->toward[i].contribution;
    e->rest_toward = e->more_toward ? e->rest_toward - listed : 0;
    listed = 0;
    for (size_t i = 0; i < e->n_away; i++)
        listed += e->away[i].contribution;
    e->rest_away = e->more_away ? e->rest_away - listed : 0;
    return 0;
}

/* One worker's buffers. */
typedef struct explain_scratch {
    slant_vec_scratch s;
    slant_feature *row;
    size_t row_cap;
    uint32_t *counts;
    size_t counts_cap;
    double *z;
    double *probs; /* labeling's, when the caller wants none */
    size_t *best;
} explain_scratch;

static void scratch_free(explain_scratch *w)
{
    slant_vec_scratch_free(&w->s);
    free(w->row);
    free(w->counts);
    free(w->z);
    free(w->probs);
    free(w->best);
}

/* Vectorizes one text and explains the heads in HEADS[0..n_heads) (every
 * head when HEADS is NULL) into OUT (one per head asked for); PROBS and
 * BEST (may be NULL) as slant_model_score's.  Returns 0 or -1 (memory). */
static int explain_text(const slant_model *m, explain_scratch *w, const char *text, size_t len,
                        const size_t *heads, size_t n_heads, size_t k, double *probs,
                        size_t *best, slant_explanation **out)
{
    size_t max_classes = 1;
    for (uint32_t h = 0; h < m->n_heads; h++)
        if (m->heads[h].n_classes > max_classes)
            max_classes = m->heads[h].n_classes;
    if (!w->z && !(w->z = slant_alloc_array(max_classes, sizeof *w->z)))
        return -1;
    long r = slant_pipeline_vectorize(&m->pipe, text, len, &w->s, &w->row, &w->row_cap);
    if (r < 0)
        return -1;
    size_t n = (size_t)r;
    if (slant_grow((void **)&w->counts, &w->counts_cap, n ? n : 1, sizeof *w->counts))
        return -1;
    slant_pipeline_counts(&m->pipe, &w->s, w->row, n, w->counts);
    /* Labeling first, for the class it reports (after any calibration
     * map); the explanations then find the weights in cache. */
    if (!probs && !w->probs && !(w->probs = slant_alloc_array(m->total_classes ? m->total_classes
                                                              : 1, sizeof *w->probs)))
        return -1;
    if (!best && !w->best && !(w->best = slant_alloc_array(m->n_heads ? m->n_heads : 1,
                                                           sizeof *w->best)))
        return -1;
    if (!probs)
        probs = w->probs;
    if (!best)
        best = w->best;
    if (slant_model_score(m, w->row, n, probs, best))
        return -1;
    for (size_t i = 0; i < n_heads; i++) {
        size_t h = heads ? heads[i] : i;
        if (explain_head(&m->heads[h], h, w->row, w->counts, n, k, best[h], w->z, &out[i]))
            return -1;
    }
    return 0;
}

slant_status slant_model_explain(const slant_model *m, const char *text, size_t len, size_t head,
                                 size_t k, slant_explanation **out, slant_error *err)
{
    *out = NULL;
    if (head >= m->n_heads)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no head %zu: the model has %u", head,
                          m->n_heads);
    if (m->heads[head].svm)
        return slant_model_explainable(m, err);
    explain_scratch w = {0};
    int bad = explain_text(m, &w, text, len, &head, 1, k, NULL, NULL, out);
    scratch_free(&w);
    if (bad) {
        slant_explanation_free(*out);
        *out = NULL;
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory explaining a document");
    }
    return SLANT_STATUS_OK;
}

typedef struct explain_job {
    const slant_model *model;
    const slant_corpus *corpus;
    size_t first, count, k;
    size_t next; /* the next document to claim, atomically */
    double *probs;
    size_t *best;
    slant_explanation **out;
    int failed;
} explain_job;

#define EXPLAIN_CHUNK 32

static void explain_worker(void *vctx, size_t begin, size_t end, uint32_t worker)
{
    (void)begin, (void)end, (void)worker;
    explain_job *j = vctx;
    const slant_model *m = j->model;
    explain_scratch w = {0};
    for (;;) {
        size_t from = __atomic_fetch_add(&j->next, EXPLAIN_CHUNK, __ATOMIC_RELAXED);
        if (from >= j->count || __atomic_load_n(&j->failed, __ATOMIC_RELAXED))
            break;
        size_t to = j->count - from < EXPLAIN_CHUNK ? j->count : from + EXPLAIN_CHUNK;
        for (size_t r = from; r < to; r++) {
            size_t d = j->first + r;
            if (explain_text(m, &w, j->corpus->texts[d], j->corpus->lens[d], NULL, m->n_heads,
                             j->k, j->probs + r * m->total_classes,
                             j->best ? j->best + r * m->n_heads : NULL,
                             j->out + r * m->n_heads)) {
                __atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
                break;
            }
        }
    }
    scratch_free(&w);
}

slant_status slant_model_explain_corpus(const slant_model *m, const slant_corpus *corpus,
                                        size_t first, size_t count, uint32_t threads, size_t k,
                                        double *probs, size_t *best, slant_explanation **out,
                                        slant_error *err)
{
    if (first > corpus->n_docs || count > corpus->n_docs - first)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "documents %zu..%zu are past the "
                          "corpus's %zu", first, first + count, corpus->n_docs);
    for (size_t i = 0; i < count * m->n_heads; i++)
        out[i] = NULL;
    slant_status st = slant_model_check_input(m, corpus, err);
    if (st || (st = slant_model_explainable(m, err)))
        return st;
    explain_job j = {m, corpus, first, count, k, 0, probs, best, out, 0};
    uint32_t t = slant_threads_for(threads, (count + 63) / 64);
    slant_parallel_for(t, t, explain_worker, &j); /* one range per worker */
    if (j.failed) {
        for (size_t i = 0; i < count * m->n_heads; i++) {
            slant_explanation_free(out[i]);
            out[i] = NULL;
        }
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory explaining documents");
    }
    return SLANT_STATUS_OK;
}

/* Whether the column names HA SA and HB SB (a head and a suffix each) are
 * one string. */
static int same_column(const char *ha, const char *sa, const char *hb, const char *sb)
{
    const char *a = ha, *b = hb;
    int a_in_head = 1, b_in_head = 1;
    for (;;) {
        if (!*a && a_in_head) {
            a = sa;
            a_in_head = 0;
        }
        if (!*b && b_in_head) {
            b = sb;
            b_in_head = 0;
        }
        if (*a != *b)
            return 0;
        if (!*a)
            return 1;
        a++;
        b++;
    }
}

const char *slant_explain_columns_clash(const char *const *names, size_t n, char *buf,
                                        size_t size)
{
    /* The columns: "id", then HEAD, HEAD_prob and HEAD_why for each head. */
    static const char *const suffix[3] = {"", "_prob", "_why"};
    for (size_t h = 0; h < n; h++)
        if (!strcmp(names[h], "id")) {
            snprintf(buf, size, "a head named \"id\": the labels slant writes start with an "
                     "\"id\" column; rename that label column");
            return buf;
        }
    for (size_t a = 0; a < 3 * n; a++)
        for (size_t b = a + 1; b < 3 * n; b++) {
            const char *ha = names[a / 3], *hb = names[b / 3];
            if (!same_column(ha, suffix[a % 3], hb, suffix[b % 3]))
                continue;
            char q1[128], q2[128];
            slant_name_quote(ha, strlen(ha), q1, sizeof q1);
            slant_name_quote(hb, strlen(hb), q2, sizeof q2);
            snprintf(buf, size, "heads \"%s\" and \"%s\": the labels slant writes with "
                     "explanations would have two \"%s%s\" columns; leave one out (--ignore, "
                     "or --label)", q1, q2, q1, suffix[a % 3]);
            return buf;
        }
    return NULL;
}
