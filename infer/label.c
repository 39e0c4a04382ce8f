/*
 * label.c: labeling many documents at once, each worker with its own
 * scratch buffers, each document's result in its own row, so the output
 * does not depend on the thread count.
 */
#include <stdlib.h>

#include "common.h"
#include "corpus.h"
#include "model.h"

typedef struct label_job {
    const slant_model *model;
    const slant_corpus *corpus;
    size_t first;
    double *probs;
    size_t *best;
    int failed;
} label_job;

static void label_range(void *vctx, size_t begin, size_t end, uint32_t worker)
{
    (void)worker;
    label_job *j = vctx;
    const slant_model *m = j->model;
    slant_vec_scratch s = {0};
    slant_feature *row = NULL;
    size_t cap = 0;
    for (size_t r = begin; r < end; r++) {
        size_t d = j->first + r;
        long n = slant_pipeline_vectorize(&m->pipe, j->corpus->texts[d], j->corpus->lens[d], &s,
                                          &row, &cap);
        if (n < 0) {
            __atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
            break;
        }
        slant_model_score(m, row, (size_t)n, j->probs + r * m->total_classes,
                          j->best ? j->best + r * m->n_heads : NULL);
    }
    free(row);
    slant_vec_scratch_free(&s);
}

slant_status slant_model_predict_corpus(const slant_model *model, const slant_corpus *corpus,
                                        size_t first, size_t count, uint32_t threads,
                                        double *probs, size_t *best, slant_error *err)
{
    if (first > corpus->n_docs || count > corpus->n_docs - first)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "documents %zu..%zu are past the "
                          "corpus's %zu", first, first + count, corpus->n_docs);
    label_job j = {model, corpus, first, probs, best, 0};
    /* Small batches are not worth a thread each. */
    uint32_t t = slant_threads_for(threads, (count + 63) / 64);
    slant_parallel_for(count, t, label_range, &j);
    if (j.failed)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory labeling documents");
    return SLANT_STATUS_OK;
}
