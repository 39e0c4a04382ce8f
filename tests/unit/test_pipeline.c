/*
 * test_pipeline.c: n-gram hashing, vocabulary fitting and tf-idf weights
 * against values computed by hand.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "linear.h"
#include "pipeline.h"

static slant_fconfig config(uint32_t wmin, uint32_t wmax, uint32_t cmin, uint32_t cmax)
{
    slant_fconfig c = {.word_min = wmin, .word_max = wmax, .char_min = cmin, .char_max = cmax,
                       .min_count = 1, .weighting = SLANT_WEIGHTING_COUNTS, .seed = 42};
    return c;
}

/* N-gram hashes and the names of their origins. */
static void grams(const char *text, const slant_fconfig *cfg, slant_tokens *t, uint64_t **h,
                  uint64_t **origin, size_t *n)
{
    size_t cap = 0, ocap = 0;
    *n = 0;
    assert_int_equal(slant_tokenize(text, strlen(text), cfg->seed, t), 0);
    assert_int_equal(slant_ngram_hashes(t, cfg, h, &cap, origin, &ocap, n), 0);
}

static void test_word_ngrams(void **state)
{
    (void)state;
    slant_fconfig cfg = config(1, 2, 0, 0);
    slant_tokens t = {0};
    uint64_t *h = NULL, *o = NULL;
    size_t n;
    grams("a b c", &cfg, &t, &h, &o, &n);
    assert_int_equal(n, 5); /* a, b, c, "a b", "b c" */
    char name[64];
    slant_ngram_name(&t, o[3], name, sizeof name);
    assert_string_equal(name, "a b");
    slant_ngram_name(&t, o[1], name, sizeof name);
    assert_string_equal(name, "b");
    uint64_t ab = h[3], b = h[1];
    /* The same bigram elsewhere hashes the same; unigram and bigram differ. */
    grams("x A B", &cfg, &t, &h, &o, &n);
    assert_true(h[4] == ab);
    assert_true(h[2] == b);
    assert_true(ab != b);
    /* Order matters. */
    grams("b a", &cfg, &t, &h, &o, &n);
    assert_true(h[2] != ab);
    slant_tokens_free(&t);
    free(h);
    free(o);
}

static void test_char_ngrams(void **state)
{
    (void)state;
    slant_fconfig cfg = config(0, 0, 2, 3);
    slant_tokens t = {0};
    uint64_t *h = NULL, *o = NULL;
    size_t n;
    grams("ab é", &cfg, &t, &h, &o, &n);
    /* "<ab>": <a ab b> and <ab ab>; "<é>": <é é> and <é>. */
    assert_int_equal(n, 8);
    const char *want[] = {"<a", "ab", "b>", "<ab", "ab>", "<é", "é>", "<é>"};
    for (size_t i = 0; i < n; i++) {
        char name[64];
        slant_ngram_name(&t, o[i], name, sizeof name);
        assert_string_equal(name, want[i]);
    }
    slant_tokens_free(&t);
    free(h);
    free(o);
}

/* Index of the feature named NAME in a fitted vocabulary. */
static uint32_t feature_named(const slant_fitted *f, const char *name)
{
    for (uint32_t i = 0; i < f->pipe.n_features; i++)
        if (strcmp(f->names + f->name_off[i], name) == 0)
            return i;
    fail_msg("no feature named %s", name);
    return 0;
}

static double value_at(const slant_csr *x, size_t row, uint32_t col)
{
    for (size_t j = x->rowptr[row]; j < x->rowptr[row + 1]; j++)
        if (x->index[j] == col)
            return x->value[j];
    return 0;
}

static void test_tfidf_by_hand(void **state)
{
    (void)state;
    const char *texts[] = {"a a b", "b c", "c"};
    size_t lens[] = {5, 3, 1};
    slant_fconfig cfg = config(1, 1, 0, 0);
    cfg.weighting = SLANT_WEIGHTING_TFIDF;
    slant_fitted f;
    slant_csr x;
    assert_int_equal(slant_pipeline_fit(&cfg, texts, lens, 3, 1, &f, &x, NULL), SLANT_STATUS_OK);
    assert_int_equal(f.pipe.n_features, 3);
    uint32_t a = feature_named(&f, "a"), b = feature_named(&f, "b"), c = feature_named(&f, "c");
    /* idf = ln((1 + N) / (1 + df)) + 1 with N = 3. */
    double ia = log(4.0 / 2.0) + 1, ib = log(4.0 / 3.0) + 1, ic = ib;
    assert_null(f.pipe.idf); /* a vocabulary keeps each idf in its slot */
    for (uint64_t i = 0; i < f.pipe.vocab_cap; i++) {
        if (f.vocab[i].id == a)
            assert_float_equal(f.vocab[i].idf, ia, 1e-6);
        if (f.vocab[i].id == b)
            assert_float_equal(f.vocab[i].idf, ib, 1e-6);
    }
    /* Row 0: a has tf 2 -> (1 + ln 2) * ia; b has tf 1 -> ib; then L2. */
    double va = (1 + log(2.0)) * ia, vb = ib, norm = sqrt(va * va + vb * vb);
    assert_float_equal(value_at(&x, 0, a), va / norm, 1e-6);
    assert_float_equal(value_at(&x, 0, b), vb / norm, 1e-6);
    assert_float_equal(value_at(&x, 0, c), 0, 0);
    /* Row 2 is "c" alone: unit length. */
    assert_float_equal(value_at(&x, 2, c), 1.0, 1e-6);
    (void)ic;
    /* Vectorizing a new text through the fitted pipeline gives the same row. */
    slant_vec_scratch s = {0};
    slant_feature *row = NULL;
    size_t cap = 0;
    long n = slant_pipeline_vectorize(&f.pipe, "A a B zzz", 9, &s, &row, &cap);
    assert_int_equal(n, 2);
    assert_int_equal(row[0].index, a); /* in order of first occurrence */
    assert_int_equal(row[1].index, b);
    for (long k = 0; k < n; k++)
        assert_float_equal(row[k].value, value_at(&x, 0, row[k].index), 1e-6);
    free(row);
    slant_vec_scratch_free(&s);
    slant_fitted_free(&f);
    slant_csr_free(&x);
}

/* Binary weighting: every n-gram present is worth 1, however often it
 * occurs, with no idf and no normalization. */
static void test_binary(void **state)
{
    (void)state;
    const char *texts[] = {"a a a b", "b c"};
    size_t lens[] = {7, 3};
    slant_fconfig cfg = config(1, 1, 0, 0);
    cfg.weighting = SLANT_WEIGHTING_BINARY;
    slant_fitted f;
    slant_csr x;
    assert_int_equal(slant_pipeline_fit(&cfg, texts, lens, 2, 1, &f, &x, NULL), SLANT_STATUS_OK);
    assert_int_equal(x.rowptr[1], 2);
    assert_int_equal(x.rowptr[2], 4);
    for (size_t j = 0; j < x.rowptr[2]; j++)
        assert_float_equal(x.value[j], 1.0, 0);
    slant_vec_scratch s = {0};
    slant_feature *row = NULL;
    size_t cap = 0;
    long n = slant_pipeline_vectorize(&f.pipe, "c c c c a", 9, &s, &row, &cap);
    assert_int_equal(n, 2);
    assert_float_equal(row[0].value, 1.0, 0);
    assert_float_equal(row[1].value, 1.0, 0);
    free(row);
    slant_vec_scratch_free(&s);
    slant_fitted_free(&f);
    slant_csr_free(&x);
}

static void test_min_count_and_threads(void **state)
{
    (void)state;
    enum { N = 200 };
    char *texts[N];
    size_t lens[N];
    for (int i = 0; i < N; i++) {
        texts[i] = malloc(64);
        lens[i] = (size_t)snprintf(texts[i], 64, "w%d common word%d rare%d", i % 7, i % 13, i);
    }
    slant_fconfig cfg = config(1, 2, 0, 0);
    cfg.min_count = 2;
    cfg.weighting = SLANT_WEIGHTING_TFIDF;
    slant_fitted f1, f2;
    slant_csr x1, x2;
    assert_int_equal(slant_pipeline_fit(&cfg, (const char *const *)texts, lens, N, 1, &f1, &x1,
                                        NULL), SLANT_STATUS_OK);
    assert_int_equal(slant_pipeline_fit(&cfg, (const char *const *)texts, lens, N, 2, &f2, &x2,
                                        NULL), SLANT_STATUS_OK);
    /* rareI occurs once: dropped.  Kept: 7 w, common, 13 word, and bigrams
     * "wA common" (7), "common wordB" (13); "wordB rareI" once each. */
    assert_int_equal(f1.pipe.n_features, 7 + 1 + 13 + 7 + 13);
    assert_int_equal(f1.pipe.n_features, f2.pipe.n_features);
    assert_int_equal(x1.rowptr[N], x2.rowptr[N]);
    assert_memory_equal(x1.index, x2.index, x1.rowptr[N] * sizeof *x1.index);
    assert_memory_equal(x1.value, x2.value, x1.rowptr[N] * sizeof *x1.value);
    for (size_t r = 0; r < N; r++)
        for (size_t j = x1.rowptr[r] + 1; j < x1.rowptr[r + 1]; j++)
            assert_true(x1.index[j - 1] < x1.index[j]);
    for (int i = 0; i < N; i++)
        free(texts[i]);
    slant_fitted_free(&f1);
    slant_fitted_free(&f2);
    slant_csr_free(&x1);
    slant_csr_free(&x2);
}

static void test_hashed(void **state)
{
    (void)state;
    const char *texts[] = {"one two three four five six seven eight nine ten"};
    size_t lens[] = {strlen(texts[0])};
    slant_fconfig cfg = config(1, 2, 0, 0);
    cfg.hash_bits = 3; /* 8 buckets for 19 n-grams: collisions merge */
    slant_fitted f;
    slant_csr x;
    assert_int_equal(slant_pipeline_fit(&cfg, texts, lens, 1, 1, &f, &x, NULL), SLANT_STATUS_OK);
    assert_int_equal(f.pipe.n_features, 8);
    double sum = 0;
    for (size_t j = x.rowptr[0]; j < x.rowptr[1]; j++) {
        assert_true(x.index[j] < 8);
        if (j > x.rowptr[0])
            assert_true(x.index[j - 1] < x.index[j]);
        sum += x.value[j];
    }
    assert_float_equal(sum, 19.0, 1e-9); /* raw counts: every n-gram lands somewhere */
    slant_fitted_free(&f);
    slant_csr_free(&x);
}

/* More features than the hot table holds: indices follow falling counts,
 * and every kept n-gram is found, in either table. */
static void test_hot_and_main_tables(void **state)
{
    (void)state;
    enum { WORDS = SLANT_HOT_FEATURES + 5000 };
    /* Word i occurs 2 + (WORDS - i) / 1000 times: earlier words more often. */
    size_t n_docs = 0, cap = 4096;
    char **texts = malloc(cap * sizeof *texts);
    size_t *lens = malloc(cap * sizeof *lens);
    for (int i = 0; i < WORDS; i++) {
        int times = 2 + (WORDS - i) / 1000;
        for (int r = 0; r < times; r++) {
            if (n_docs == cap) {
                cap *= 2;
                texts = realloc(texts, cap * sizeof *texts);
                lens = realloc(lens, cap * sizeof *lens);
            }
            texts[n_docs] = malloc(16);
            lens[n_docs] = (size_t)snprintf(texts[n_docs], 16, "w%d", i);
            n_docs++;
        }
    }
    slant_fconfig cfg = config(1, 1, 0, 0);
    cfg.min_count = 2;
    slant_fitted f;
    slant_csr x;
    assert_int_equal(slant_pipeline_fit(&cfg, (const char *const *)texts, lens, n_docs, 2, &f,
                                        &x, NULL), SLANT_STATUS_OK);
    assert_int_equal(f.pipe.n_features, WORDS);
    enum { SAMPLES = WORDS / 97 + 1 };
    uint32_t ids[SAMPLES], counts[SAMPLES];
    size_t m = 0;
    slant_tokens t = {0};
    for (int i = 0; i < WORDS; i += 97) {
        char w[16];
        snprintf(w, sizeof w, "w%d", i);
        assert_int_equal(slant_tokenize(w, strlen(w), cfg.seed, &t), 0);
        uint64_t *h = NULL;
        size_t hcap = 0, n = 0;
        assert_int_equal(slant_ngram_hashes(&t, &cfg, &h, &hcap, NULL, NULL, &n), 0);
        float idf;
        uint32_t id = slant_pipeline_lookup(&f.pipe, h[0], &idf);
        assert_true(id != SLANT_VOCAB_EMPTY);
        assert_string_equal(f.names + f.name_off[id], w);
        ids[m] = id;
        counts[m++] = (uint32_t)(2 + (WORDS - i) / 1000);
        free(h);
    }
    /* A more frequent word has a smaller index. */
    for (size_t a = 0; a < m; a++)
        for (size_t b = 0; b < m; b++)
            if (counts[a] > counts[b])
                assert_true(ids[a] < ids[b]);
    assert_int_equal(slant_tokenize("unseen", 6, cfg.seed, &t), 0);
    float idf;
    uint64_t *h = NULL;
    size_t hcap = 0, n = 0;
    assert_int_equal(slant_ngram_hashes(&t, &cfg, &h, &hcap, NULL, NULL, &n), 0);
    assert_int_equal(slant_pipeline_lookup(&f.pipe, h[0], &idf), SLANT_VOCAB_EMPTY);
    free(h);
    slant_tokens_free(&t);
    for (size_t d = 0; d < n_docs; d++)
        free(texts[d]);
    free(texts);
    free(lens);
    slant_fitted_free(&f);
    slant_csr_free(&x);
}

/* LIBSVM vectors given as text: 0-based, sorted, each feature once. */
static void test_vector_parse(void **state)
{
    (void)state;
    slant_feature *v = NULL;
    size_t cap = 0, bad = 0;
    static const char line[] = "3:0.5\t1:2  9:1e2 x:1 2: 4:inf 5:-1 3:0.25 0:1 # 6:1";
    long n = slant_vector_parse(line, sizeof line - 1, 0, &v, &cap, &bad);
    const slant_feature want[] = {{0, 2}, {2, 0.25f}, {4, -1}, {8, 100}};
    assert_int_equal(n, 4);
    assert_int_equal(bad, 5); /* x:1, 2:, 4:inf, 0:1, and the second 3 */
    for (int k = 0; k < 4; k++) {
        assert_int_equal(v[k].index, want[k].index);
        assert_true(v[k].value == want[k].value);
    }
    /* Features past the model's are left out, as unknown n-grams are. */
    n = slant_vector_parse(line, sizeof line - 1, 5, &v, &cap, &bad);
    assert_int_equal(n, 3);
    assert_int_equal(bad, 6);
    n = slant_vector_parse("", 0, 0, &v, &cap, NULL);
    assert_int_equal(n, 0);
    /* past a float's range: left out, not infinite; blanks the reader splits on */
    static const char big[] = "1:1e39 2:1\v3:2";
    n = slant_vector_parse(big, sizeof big - 1, 0, &v, &cap, &bad);
    assert_int_equal(n, 2);
    assert_int_equal(bad, 1);
    assert_int_equal(v[1].index, 2);
    free(v);
}

/* Documents without a single n-gram, in a hashed pipeline with tf-idf:
 * empty rows, in fitting and in labeling (fuzz_model found both adding an
 * offset to a NULL buffer; make ubsan, on clang, catches it). */
static void test_no_ngrams_hashed(void **state)
{
    (void)state;
    slant_fconfig cfg = config(2, 2, 0, 0); /* bigrams: a one-word text has none */
    cfg.hash_bits = 4;
    cfg.weighting = SLANT_WEIGHTING_TFIDF;
    const char *texts[] = {"", "alone", "two words"};
    size_t lens[] = {0, 5, 9};
    slant_fitted f;
    slant_csr x;
    assert_int_equal(slant_pipeline_fit(&cfg, texts, lens, 3, 1, &f, &x, NULL), SLANT_STATUS_OK);
    assert_int_equal(x.rowptr[1], 0);
    assert_int_equal(x.rowptr[2], 0);
    assert_int_equal(x.rowptr[3], 1);
    slant_vec_scratch s = {0};
    slant_feature *row = NULL;
    size_t cap = 0;
    assert_int_equal(slant_pipeline_vectorize(&f.pipe, "", 0, &s, &row, &cap), 0);
    assert_int_equal(slant_pipeline_vectorize(&f.pipe, "one", 3, &s, &row, &cap), 0);
    free(row);
    slant_vec_scratch_free(&s);
    slant_fitted_free(&f);
    slant_csr_free(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_word_ngrams),
        cmocka_unit_test(test_vector_parse),
        cmocka_unit_test(test_no_ngrams_hashed),
        cmocka_unit_test(test_char_ngrams),
        cmocka_unit_test(test_tfidf_by_hand),
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_min_count_and_threads),
        cmocka_unit_test(test_hashed),
        cmocka_unit_test(test_hot_and_main_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
