/*
 * fuzz_features.c: libFuzzer harness for the tokenizer and feature
 * extraction.  The first byte picks the tokenizer rules and n-gram
 * settings, the rest is the text.  Tokens must lie inside their buffer,
 * n-gram counts must add up, vectors given as text must come out sorted,
 * and a small model must label the text with probabilities that sum to 1.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"
#include "slant.h"

static slant_model *model;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    static const char *const texts[] = {"chip wafers and a new foundry", "tariffs and idle ports",
                                        "the foundry ships chip wafers", "ports idle after tariffs"};
    static const char *const heads[] = {"topic"};
    static const char *const labels[] = {"chips", "trade", "chips", "trade"};
    slant_corpus *c = NULL;
    slant_options o;
    slant_options_init(&o);
    o.min_count = 1;
    o.char_min = 2;
    o.char_max = 3;
    o.model = SLANT_MODEL_KIND_NB;
    if (slant_corpus_from_memory(4, texts, 1, heads, labels, &c, NULL)
        || slant_train(c, &o, &model, NULL))
        abort();
    slant_corpus_free(c);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned pick = data[0];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;

    slant_tokens t = {0};
    unsigned flags = pick & (SLANT_TOK_PUNCT | SLANT_TOK_KEEP_CASE);
    if (slant_tokenize_with(text, len, 7, flags, &t) == 0)
        for (size_t i = 0; i < t.n; i++)
            if (t.len[i] == 0 || t.start[i] + t.len[i] > t.buf_len || t.buf[t.start[i] + t.len[i]])
                abort();
    slant_tokens_free(&t);

    slant_fconfig cfg = {1 + (pick >> 2 & 1), 1 + (pick >> 2 & 3), (pick & 16) ? 2 : 0,
                         (pick & 16) ? 4 : 0, 0, 1, SLANT_WEIGHTING_TFIDF, 7, flags};
    slant_vec_scratch s = {0};
    if (slant_distinct_grams(&cfg, text, len, &s, 1) == 0) {
        for (size_t i = 0; i < s.n_distinct; i++)
            if (s.dcount[i] == 0)
                abort();
    }
    slant_vec_scratch_free(&s);

    slant_feature *v = NULL;
    size_t cap = 0;
    long n = slant_vector_parse(text, len, 0, &v, &cap, NULL);
    for (long k = 1; k < n; k++)
        if (v[k - 1].index >= v[k].index)
            abort();
    free(v);

    double probs[2];
    size_t best;
    if (slant_model_predict(model, text, len, probs, &best, NULL) == SLANT_STATUS_OK)
        if (!(fabs(probs[0] + probs[1] - 1) < 1e-9) || best > 1)
            abort();
    return 0;
}
