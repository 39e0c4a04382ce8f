/*
 * label.c: labeling many documents at once, each worker with its own
 * scratch buffers, each document's result in its own row, so the output
 * does not depend on the thread count.
 */
#include <stdlib.h>

#include "common.h"
#include "corpus.h"
#include "drift.h"
#include "model.h"

typedef struct label_job {
    const slant_model *model;
    const slant_corpus *corpus;
    size_t first, count;
    size_t next; /* the next document to claim, atomically */
    double *probs;
    size_t *best;
    double *known;    /* NULL, or 2 per document: its known shares */
    float unseen_idf; /* for them (see slant_known_shares) */
    int failed;
} label_job;

/* Documents a worker claims at a time: documents differ in length, so
 * workers take small runs as they go rather than fixed halves. */
#define LABEL_CHUNK 32

static void label_worker(void *vctx, size_t begin, size_t end, uint32_t worker)
{
    (void)begin, (void)end, (void)worker;
    label_job *j = vctx;
    const slant_model *m = j->model;
    slant_vec_scratch s = {0};
    slant_feature *row = NULL;
    size_t cap = 0;
    for (;;) {
        size_t from = __atomic_fetch_add(&j->next, LABEL_CHUNK, __ATOMIC_RELAXED);
        if (from >= j->count || __atomic_load_n(&j->failed, __ATOMIC_RELAXED))
            break;
        size_t to = j->count - from < LABEL_CHUNK ? j->count : from + LABEL_CHUNK;
        for (size_t r = from; r < to; r++) {
            size_t d = j->first + r;
            long n = slant_pipeline_vectorize(&m->pipe, j->corpus->texts[d], j->corpus->lens[d],
                                              &s, &row, &cap);
            if (n < 0) {
                __atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
                break;
            }
            if (j->known)
                slant_known_shares(&m->pipe, &s, j->unseen_idf, &j->known[2 * r],
                                   &j->known[2 * r + 1]);
            if (slant_model_score(m, row, (size_t)n, j->probs + r * m->total_classes,
                                  j->best ? j->best + r * m->n_heads : NULL)) {
                __atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
                break;
            }
        }
    }
    free(row);
    slant_vec_scratch_free(&s);
}

slant_status slant_model_predict_corpus(const slant_model *model, const slant_corpus *corpus,
                                        size_t first, size_t count, uint32_t threads,
                                        double *probs, size_t *best, slant_error *err)
{
    return slant_model_predict_corpus_known(model, corpus, first, count, threads, probs, best,
                                            NULL, err);
}

slant_status slant_model_predict_corpus_known(const slant_model *model,
                                              const slant_corpus *corpus, size_t first,
                                              size_t count, uint32_t threads, double *probs,
                                              size_t *best, double *known, slant_error *err)
{
    if (first > corpus->n_docs || count > corpus->n_docs - first)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "documents %zu..%zu are past the "
                          "corpus's %zu", first, first + count, corpus->n_docs);
    slant_status st = slant_model_check_input(model, corpus, err);
    if (st)
        return st;
    label_job j = {model, corpus, first, count, 0, probs, best, known,
                   known ? slant_model_unseen_idf(model) : 0.0f, 0};
    /* Small batches are not worth a thread each. */
    uint32_t t = slant_threads_for(threads, (count + 63) / 64);
    slant_parallel_for(t, t, label_worker, &j); /* one range per worker */
    if (j.failed)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory labeling documents");
    return SLANT_STATUS_OK;
}
