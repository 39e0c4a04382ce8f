/*
 * bench.c: throughput of each labeling stage, for `slant bench`.  Every
 * stage runs the real code of the pipeline over the whole corpus, split
 * over the threads the same way labeling splits it.
 */
#include <stdlib.h>
#include <time.h>

#include "common.h"
#include "corpus.h"
#include "model.h"

enum stage { STAGE_TOKENIZE, STAGE_HASH, STAGE_VECTORIZE };

typedef struct bench_job {
    const slant_model *model;
    const slant_corpus *corpus;
    enum stage stage;
    volatile uint64_t sink[256]; /* per worker, so no stage is optimized away */
    int failed;
} bench_job;

static void bench_range(void *vctx, size_t begin, size_t end, uint32_t worker)
{
    bench_job *j = vctx;
    const slant_pipeline *p = &j->model->pipe;
    slant_vec_scratch s = {0};
    slant_feature *row = NULL;
    size_t cap = 0;
    uint64_t sink = 0;
    for (size_t d = begin; d < end && !__atomic_load_n(&j->failed, __ATOMIC_RELAXED); d++) {
        const char *text = j->corpus->texts[d];
        size_t len = j->corpus->lens[d];
        if (j->stage == STAGE_VECTORIZE) {
            long n = slant_pipeline_vectorize(p, text, len, &s, &row, &cap);
            if (n < 0)
                __atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
            sink += (uint64_t)n;
            continue;
        }
        if (slant_tokenize_with(text, len, p->cfg.seed, p->cfg.token_flags, &s.tokens)) {
            __atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
            break;
        }
        sink += s.tokens.n;
        if (j->stage == STAGE_HASH) {
            size_t n = 0;
            if (slant_ngram_hashes(&s.tokens, &p->cfg, &s.hashes, &s.hashes_cap, NULL, NULL, &n))
                __atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
            sink += n ? s.hashes[n - 1] : 0;
        }
    }
    j->sink[worker & 255] += sink;
    free(row);
    slant_vec_scratch_free(&s);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

slant_status slant_model_benchmark(const slant_model *model, const slant_corpus *corpus,
                                   uint32_t threads, uint32_t repeats, slant_bench_result *out,
                                   slant_error *err)
{
    size_t n = corpus->n_docs;
    if (n == 0)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: no documents to measure",
                          corpus->source ? corpus->source : "corpus");
    if (repeats < 1)
        repeats = 1;
    threads = slant_threads_for(threads, n);
    out->documents = n;
    out->bytes = 0;
    for (size_t d = 0; d < n; d++)
        out->bytes += corpus->lens[d];
    out->threads = threads;
    double *times[] = {&out->tokenize_s, &out->hash_s, &out->vectorize_s, &out->label_s};
    double *probs = slant_alloc_array(n, model->total_classes * sizeof *probs);
    size_t *best = slant_alloc_array(n, model->n_heads * sizeof *best);
    if (!probs || !best) {
        free(probs);
        free(best);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    }
    slant_status st = SLANT_STATUS_OK;
    for (int stage = 0; stage < 4 && !st; stage++) {
        double fastest = 0;
        for (uint32_t r = 0; r < repeats && !st; r++) {
            double t0 = now();
            if (stage == 3) {
                st = slant_model_predict_corpus(model, corpus, 0, n, threads, probs, best, err);
            } else {
                bench_job j = {.model = model, .corpus = corpus, .stage = (enum stage)stage};
                slant_parallel_for(n, threads, bench_range, &j);
                if (j.failed)
                    st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
            }
            double t = now() - t0;
            if (r == 0 || t < fastest)
                fastest = t;
        }
        *times[stage] = fastest;
    }
    free(probs);
    free(best);
    return st;
}
