/*
 * fuzz_model.c: libFuzzer harness for the model loader.  Built with
 * FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, the loader skips only its
 * checksum comparison, so that mutated models reach every other check.
 * Whatever loads must answer every accessor and label a text (or a vector,
 * for a model trained on vectors) with probabilities that sum to 1 per head,
 * its calibration map (the CALIBRATION section) applied, and explain it
 * with contributions that add up to the margin.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "slant.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    slant_model *m = NULL;
    slant_error err = {{0}};
    if (slant_model_load_memory(data, size, "fuzz", &m, &err) != SLANT_STATUS_OK) {
        if (m || !err.message[0])
            abort();
        return 0;
    }
    size_t total = slant_model_total_classes(m), heads = slant_model_heads(m);
    (void)slant_model_provenance(m);
    for (size_t h = 0; h < heads; h++) {
        (void)slant_model_head_name(m, h);
        for (size_t c = 0; c < slant_model_classes(m, h); c++)
            (void)slant_model_class_name(m, h, c);
        (void)slant_model_support_vectors(m, h, NULL);
        (void)slant_model_calibration(m, h);
        (void)slant_model_target_precision(m, h);
        for (size_t c = 0; c < slant_model_classes(m, h); c++) {
            double t = slant_model_threshold(m, h, c);
            if (!(t >= 0 && (t <= 1 || t == 2)))
                abort();
        }
    }
    size_t nf = slant_model_features(m);
    char name[64];
    for (size_t f = 0; f < nf && f < 64; f++) {
        slant_model_feature_name(m, (uint32_t)f, name, sizeof name);
        (void)slant_model_weight(m, 0, 0, (uint32_t)f);
    }
    double *probs = malloc((total ? total : 1) * sizeof *probs);
    size_t *best = malloc((heads ? heads : 1) * sizeof *best);
    const char *text = slant_model_takes_vectors(m) ? "1:0.5 2:1 7:0.25" : "chip wafers, tariffs!";
    if (probs && best
        && slant_model_predict(m, text, strlen(text), probs, best, &err) == SLANT_STATUS_OK) {
        for (size_t h = 0; h < heads; h++) {
            size_t off = slant_model_class_offset(m, h), k = slant_model_classes(m, h);
            double sum = 0;
            for (size_t c = 0; c < k; c++)
                sum += probs[off + c];
            if (!(fabs(sum - 1) < 1e-6) || best[h] >= k)
                abort();
            for (size_t c = 0; c < k; c++) /* a calibration map keeps them probabilities */
                if (!(probs[off + c] >= 0 && probs[off + c] <= 1) || probs[off + c] > probs[off + best[h]])
                    abort();
            (void)slant_model_abstains(m, h, probs, -1);
            (void)slant_model_abstains(m, h, probs, 0.5);
        }
    }
    /* Whatever explains adds up to its margin, within the rounding of
     * the two scores (a mutated model's weights may be near FLT_MAX and
     * cancel: the bound is relative to every term of both sums). */
    size_t nx = slant_model_vectorize(m, text, strlen(text), NULL, 0);
    slant_feature *x = malloc((nx ? nx : 1) * sizeof *x);
    for (size_t h = 0; x && h < heads && slant_model_explainable(m, NULL) == SLANT_STATUS_OK;
         h++) {
        slant_explanation *e = NULL;
        if (slant_model_explain(m, text, strlen(text), h, SLANT_EXPLAIN_ALL, &e, &err))
            continue;
        if (e->runner_up != SIZE_MAX && e->runner_up >= slant_model_classes(m, h))
            abort();
        double sum = e->intercept, scale = 1 + fabs(e->margin);
        for (size_t i = 0; i < e->n_toward + e->n_away; i++)
            sum += i < e->n_toward ? e->toward[i].contribution
                                   : e->away[i - e->n_toward].contribution;
        if (e->runner_up != SIZE_MAX) {
            const slant_head *hd = &m->heads[h];
            scale += fabs(hd->bias[e->chosen]) + fabs(hd->bias[e->runner_up]);
            slant_model_vectorize(m, text, strlen(text), x, nx);
            for (size_t j = 0; j < nx; j++)
                scale += fabs(x[j].value) * (fabs(slant_model_weight(m, h, e->chosen, x[j].index))
                                             + fabs(slant_model_weight(m, h, e->runner_up,
                                                                       x[j].index)));
        }
        if (isfinite(scale) && isfinite(e->margin) && !(fabs(sum - e->margin) <= 1e-9 * scale))
            abort();
        slant_explanation_free(e);
    }
    free(x);
    /* A model merged with itself (its sums added, or its weights
     * averaged) is a model that loads; a refusal is a message. */
    const slant_model *pair[] = {m, m};
    slant_model *merged = NULL;
    int average = slant_model_kind_of(m) == SLANT_MODEL_KIND_LR;
    err.message[0] = '\0';
    if (slant_model_merge(pair, NULL, 2, average, &merged, &err) == SLANT_STATUS_OK) {
        if (!merged || slant_model_heads(merged) != heads)
            abort();
    } else if (merged || !err.message[0]) {
        abort();
    }
    slant_model_free(merged);
    free(probs);
    free(best);
    slant_model_free(m);
    return 0;
}
