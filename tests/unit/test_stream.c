/*
 * test_stream.c: training read in batches, and models of shards merged.
 * A streamed naive Bayes is the in-memory one on the same hashed
 * features; two shards merged are the model of their union, within 1e-9
 * in every probability; settings that differ are refused by name.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rng.h"
#include "slant.h"

static char dir[] = "/tmp/slant-test-stream-XXXXXX";

#define N_DOCS 240

/* Documents of two topics and three tones drawn from word lists that
 * overlap; a few without a tone. */
static const char *topic_words[2][6] = {
    {"chip", "wafer", "foundry", "fab", "silicon", "node"},
    {"tariff", "port", "export", "quota", "customs", "duty"}};
static const char *tone_words[3][4] = {
    {"surge", "record", "boom", "strong"},
    {"slump", "cut", "loss", "weak"},
    {"steady", "flat", "usual", "same"}};
static const char *common_words[6] = {"the", "a", "market", "week", "report", "says"};

static char *texts[N_DOCS];
static const char *labels[N_DOCS * 2];
static const char *topics[2] = {"chips", "trade"}, *tones[3] = {"up", "down", "flat"};

static void make_corpus(void)
{
    rng_state = 7;
    for (int d = 0; d < N_DOCS; d++) {
        int t = (int)(uniform01() * 2), n = (int)(uniform01() * 3);
        char buf[512] = "";
        int words = 6 + (int)(uniform01() * 10);
        for (int i = 0; i < words; i++) {
            double r = uniform01();
            const char *w = r < 0.4   ? topic_words[uniform01() < 0.85 ? t : 1 - t][(int)(uniform01() * 6)]
                            : r < 0.7 ? tone_words[uniform01() < 0.8 ? n : (n + 1) % 3][(int)(uniform01() * 4)]
                                      : common_words[(int)(uniform01() * 6)];
            strcat(buf, w);
            strcat(buf, i + 1 < words ? " " : "");
        }
        texts[d] = strdup(buf);
        labels[2 * d] = topics[t];
        labels[2 * d + 1] = d % 17 == 5 ? NULL : tones[n];
    }
}

/* Documents [first, first + n) as a TSV file at PATH. */
static void write_tsv(const char *path, int first, int n)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "topic\ttone\ttext\n");
    for (int d = first; d < first + n; d++)
        fprintf(f, "%s\t%s\t%s\n", labels[2 * d], labels[2 * d + 1] ? labels[2 * d + 1] : "",
                texts[d]);
    fclose(f);
}

static slant_corpus *corpus_of(int first, int n)
{
    const char *heads[] = {"topic", "tone"};
    slant_corpus *c = NULL;
    assert_int_equal(slant_corpus_from_memory((size_t)n, (const char *const *)texts + first, 2,
                                              heads, labels + 2 * first, &c, NULL),
                     SLANT_STATUS_OK);
    return c;
}

static slant_options nb_options(slant_model_kind kind, slant_weighting weighting)
{
    slant_options o;
    slant_options_init(&o);
    o.model = kind;
    o.hash_bits = 10;
    o.weighting = weighting;
    o.calibrate = SLANT_CALIBRATION_NONE;
    o.threads = 2;
    return o;
}

static slant_model *train_memory(int first, int n, const slant_options *o)
{
    slant_corpus *c = corpus_of(first, n);
    slant_model *m = NULL;
    slant_error err;
    if (slant_train(c, o, &m, &err) != SLANT_STATUS_OK)
        fail_msg("%s", err.message);
    slant_corpus_free(c);
    return m;
}

static slant_model *train_file(const char *name, int first, int n, const slant_options *o,
                               const slant_model *features)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    write_tsv(path, first, n);
    slant_stream_options so;
    slant_stream_options_init(&so);
    so.batch_docs = 37; /* batches that do not divide the shards */
    so.features = features;
    slant_model *m = NULL;
    slant_error err;
    if (slant_train_stream(path, o, &so, &m, &err) != SLANT_STATUS_OK)
        fail_msg("%s", err.message);
    return m;
}

/* Every probability of A and B on every document, within TOL; the same
 * heads and classes. */
static void assert_same_probs(const slant_model *a, const slant_model *b, double tol)
{
    size_t k = slant_model_total_classes(a);
    assert_int_equal(slant_model_total_classes(b), k);
    for (size_t h = 0; h < slant_model_heads(a); h++)
        for (size_t c = 0; c < slant_model_classes(a, h); c++)
            assert_string_equal(slant_model_class_name(a, h, c), slant_model_class_name(b, h, c));
    double pa[8], pb[8];
    for (int d = 0; d < N_DOCS; d++) {
        assert_int_equal(slant_model_predict(a, texts[d], strlen(texts[d]), pa, NULL, NULL), 0);
        assert_int_equal(slant_model_predict(b, texts[d], strlen(texts[d]), pb, NULL, NULL), 0);
        for (size_t j = 0; j < k; j++)
            if (fabs(pa[j] - pb[j]) > tol)
                fail_msg("document %d, class %zu: %.17g against %.17g", d, j, pa[j], pb[j]);
    }
}

static void test_streamed_equals_memory(void **state)
{
    (void)state;
    slant_model_kind kinds[] = {SLANT_MODEL_KIND_NB, SLANT_MODEL_KIND_CNB};
    slant_weighting ws[] = {SLANT_WEIGHTING_TFIDF, SLANT_WEIGHTING_COUNTS};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            slant_options o = nb_options(kinds[i], ws[j]);
            slant_model *mem = train_memory(0, N_DOCS, &o);
            slant_model *str = train_file("all.tsv", 0, N_DOCS, &o, NULL);
            assert_same_probs(mem, str, 1e-12);
            for (size_t h = 0; h < 2; h++)
                for (size_t c = 0; c < slant_model_classes(mem, h); c++)
                    for (uint32_t f = 0; f < 1024; f += 7)
                        assert_true(slant_model_weight(mem, h, c, f)
                                    == slant_model_weight(str, h, c, f));
            slant_model_free(mem);
            slant_model_free(str);
        }
}

/* The same bytes at any thread count (the date fixed by the test run). */
static void test_streamed_threads(void **state)
{
    (void)state;
    slant_model_kind kinds[] = {SLANT_MODEL_KIND_NB, SLANT_MODEL_KIND_LR};
    for (int i = 0; i < 2; i++) {
        char a[128], b[128];
        slant_options o = nb_options(kinds[i], SLANT_WEIGHTING_TFIDF);
        o.threads = 1;
        slant_model *m1 = train_file("all.tsv", 0, N_DOCS, &o, NULL);
        o.threads = 4;
        slant_model *m4 = train_file("all.tsv", 0, N_DOCS, &o, NULL);
        snprintf(a, sizeof a, "%s/t1.slant", dir);
        snprintf(b, sizeof b, "%s/t4.slant", dir);
        assert_int_equal(slant_model_save(m1, a, NULL), 0);
        assert_int_equal(slant_model_save(m4, b, NULL), 0);
        FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
        int ca, cb;
        do {
            ca = fgetc(fa);
            cb = fgetc(fb);
            assert_int_equal(ca, cb);
        } while (ca != EOF);
        fclose(fa);
        fclose(fb);
        slant_model_free(m1);
        slant_model_free(m4);
    }
}

static slant_model *merged(const slant_model *a, const slant_model *b, int average)
{
    const slant_model *ms[] = {a, b};
    slant_model *m = NULL;
    slant_error err;
    if (slant_model_merge(ms, NULL, 2, average, &m, &err) != SLANT_STATUS_OK)
        fail_msg("%s", err.message);
    return m;
}

/* Shards trained in memory on hashed features, merged: the union's model.
 * The second shard is cut so that it lacks a tone. */
static void test_merge_equals_union(void **state)
{
    (void)state;
    slant_model_kind kinds[] = {SLANT_MODEL_KIND_NB, SLANT_MODEL_KIND_CNB};
    slant_weighting ws[] = {SLANT_WEIGHTING_COUNTS, SLANT_WEIGHTING_BINARY};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            slant_options o = nb_options(kinds[i], ws[j]);
            o.class_weight = j; /* balanced, and none */
            slant_model *a = train_memory(0, 150, &o);
            slant_model *b = train_memory(150, N_DOCS - 150, &o);
            slant_model *u = train_memory(0, N_DOCS, &o);
            slant_model *m = merged(a, b, 0);
            assert_same_probs(u, m, 1e-9);
            for (size_t c = 0; c < slant_model_classes(u, 1); c++)
                assert_int_equal(slant_model_class_count(u, 1, c), slant_model_class_count(m, 1, c));
            slant_model_free(a);
            slant_model_free(b);
            slant_model_free(u);
            slant_model_free(m);
        }
}

/* A shard with a class the other lacks: the classes are the union's. */
static void test_merge_class_union(void **state)
{
    (void)state;
    slant_options o = nb_options(SLANT_MODEL_KIND_NB, SLANT_WEIGHTING_COUNTS);
    const char *heads[] = {"tone"};
    const char *ta[] = {"surge boom", "slump cut", "boom record"}, *la[] = {"up", "down", "up"};
    const char *tb[] = {"flat steady", "cut loss", "same flat"}, *lb[] = {"flat", "down", "flat"};
    const char *tu[] = {"surge boom", "slump cut", "boom record", "flat steady", "cut loss",
                        "same flat"};
    const char *lu[] = {"up", "down", "up", "flat", "down", "flat"};
    slant_corpus *ca, *cb, *cu;
    assert_int_equal(slant_corpus_from_memory(3, ta, 1, heads, la, &ca, NULL), 0);
    assert_int_equal(slant_corpus_from_memory(3, tb, 1, heads, lb, &cb, NULL), 0);
    assert_int_equal(slant_corpus_from_memory(6, tu, 1, heads, lu, &cu, NULL), 0);
    slant_model *a, *b, *u;
    assert_int_equal(slant_train(ca, &o, &a, NULL), 0);
    assert_int_equal(slant_train(cb, &o, &b, NULL), 0);
    assert_int_equal(slant_train(cu, &o, &u, NULL), 0);
    slant_model *m = merged(a, b, 0);
    assert_int_equal(slant_model_classes(m, 0), 3);
    assert_same_probs(u, m, 1e-9);
    slant_model_free(a);
    slant_model_free(b);
    slant_model_free(u);
    slant_model_free(m);
    slant_corpus_free(ca);
    slant_corpus_free(cb);
    slant_corpus_free(cu);
}

/* Tf-idf shards on one model's features, streamed: the union's model. */
static void test_merge_fixed_features(void **state)
{
    (void)state;
    for (int vocab = 0; vocab < 2; vocab++) {
        slant_options o = nb_options(SLANT_MODEL_KIND_NB, SLANT_WEIGHTING_TFIDF);
        if (vocab) {
            o.hash_bits = 0;
            o.min_count = 1;
        }
        slant_model *f = train_memory(0, 100, &o);
        slant_model *a = train_file("a.tsv", 0, 150, &o, f);
        slant_model *b = train_file("b.tsv", 150, N_DOCS - 150, &o, f);
        slant_model *u = train_file("u.tsv", 0, N_DOCS, &o, f);
        slant_model *m = merged(a, b, 0);
        assert_same_probs(u, m, 1e-9);
        slant_model_free(f);
        slant_model_free(a);
        slant_model_free(b);
        slant_model_free(u);
        slant_model_free(m);
    }
}

static void expect_refused(const slant_model *a, const slant_model *b, int average,
                           const char *why)
{
    const slant_model *ms[] = {a, b};
    const char *names[] = {"A.slant", "B.slant"};
    slant_model *m = (slant_model *)1;
    slant_error err = {{0}};
    assert_int_equal(slant_model_merge(ms, names, 2, average, &m, &err), SLANT_STATUS_BAD_OPTION);
    assert_null(m);
    if (!strstr(err.message, why))
        fail_msg("\"%s\" does not say \"%s\"", err.message, why);
}

static void test_merge_refused(void **state)
{
    (void)state;
    slant_options o = nb_options(SLANT_MODEL_KIND_NB, SLANT_WEIGHTING_COUNTS);
    slant_model *a = train_memory(0, 120, &o);
    o.hash_bits = 11;
    slant_model *bits = train_memory(120, 120, &o);
    expect_refused(a, bits, 0, "A.slant and B.slant differ in the hash bits");
    o = nb_options(SLANT_MODEL_KIND_NB, SLANT_WEIGHTING_TFIDF);
    slant_model *t1 = train_memory(0, 120, &o), *t2 = train_memory(120, 120, &o);
    expect_refused(t1, t2, 0, "differ in the idf");
    o = nb_options(SLANT_MODEL_KIND_NB, SLANT_WEIGHTING_COUNTS);
    o.alpha = 0.5;
    slant_model *alpha = train_memory(120, 120, &o);
    expect_refused(a, alpha, 0, "differ in alpha");
    o = nb_options(SLANT_MODEL_KIND_CNB, SLANT_WEIGHTING_COUNTS);
    slant_model *cnb = train_memory(120, 120, &o);
    expect_refused(a, cnb, 0, "the model kind");
    o = nb_options(SLANT_MODEL_KIND_NB, SLANT_WEIGHTING_COUNTS);
    o.hash_bits = 0;
    o.min_count = 1;
    slant_model *vocab = train_memory(0, 120, &o); /* no sums kept: its vocabulary is its own */
    expect_refused(vocab, a, 0, "A.slant: the model has no class-feature sums");
    o = nb_options(SLANT_MODEL_KIND_LR, SLANT_WEIGHTING_COUNTS);
    slant_model *lr = train_memory(0, 120, &o);
    expect_refused(lr, lr, 0, "lr models are averaged with --average");
    expect_refused(a, a, 1, "--average averages lr models");
    const slant_model *one[] = {a};
    slant_model *m = NULL;
    assert_int_equal(slant_model_merge(one, NULL, 1, 0, &m, NULL), SLANT_STATUS_BAD_OPTION);
    slant_model *ms[] = {a, bits, t1, t2, alpha, cnb, vocab, lr};
    for (size_t i = 0; i < sizeof ms / sizeof *ms; i++)
        slant_model_free(ms[i]);
}

/* lr: chunks averaged, and shards averaged; both learn the topics. */
static void test_lr_streamed_and_averaged(void **state)
{
    (void)state;
    slant_options o = nb_options(SLANT_MODEL_KIND_LR, SLANT_WEIGHTING_TFIDF);
    char path[128];
    snprintf(path, sizeof path, "%s/lr.tsv", dir);
    write_tsv(path, 0, N_DOCS);
    slant_stream_options so;
    slant_stream_options_init(&so);
    so.chunk_bytes = 4000; /* several chunks */
    so.batch_docs = 16;
    slant_model *s = NULL;
    slant_error err;
    if (slant_train_stream(path, &o, &so, &s, &err))
        fail_msg("%s", err.message);
    const char *note = strstr(slant_model_provenance(s), "lr chunks averaged: ");
    assert_non_null(note);
    assert_true(atoi(note + 20) > 1);
    slant_model *a = train_memory(0, 120, &o), *b = train_memory(120, 120, &o);
    slant_model *m = merged(a, b, 1);
    slant_model *models[] = {s, m};
    for (int i = 0; i < 2; i++) {
        int right = 0;
        size_t best[2];
        double p[5];
        for (int d = 0; d < N_DOCS; d++) {
            assert_int_equal(slant_model_predict(models[i], texts[d], strlen(texts[d]), p, best,
                                                 NULL), 0);
            right += strcmp(slant_model_class_name(models[i], 0, best[0]), labels[2 * d]) == 0;
        }
        if (right < N_DOCS * 8 / 10)
            fail_msg("model %d: %d of %d topics right", i, right, N_DOCS);
    }
    slant_model_free(s);
    slant_model_free(a);
    slant_model_free(b);
    slant_model_free(m);
}

/* --average weighs each shard by its training documents. */
static void test_average_weighs_documents(void **state)
{
    (void)state;
    slant_options o = nb_options(SLANT_MODEL_KIND_LR, SLANT_WEIGHTING_COUNTS);
    slant_model *a = train_memory(0, 160, &o), *b = train_memory(160, 80, &o);
    slant_model *m = merged(a, b, 1);
    for (size_t h = 0; h < 2; h++)
        for (size_t c = 0; c < slant_model_classes(m, h); c++)
            for (uint32_t f = 0; f < 1024; f += 3) {
                double want = (160.0 * slant_model_weight(a, h, c, f)
                               + 80.0 * slant_model_weight(b, h, c, f)) / 240.0;
                assert_float_equal(slant_model_weight(m, h, c, f), want, 1e-6);
            }
    assert_non_null(strstr(slant_model_provenance(m), "corpus_documents=240\n"));
    slant_model_free(a);
    slant_model_free(b);
    slant_model_free(m);
}

static void test_stream_refusals(void **state)
{
    (void)state;
    slant_model *m = NULL;
    slant_error err;
    slant_options o = nb_options(SLANT_MODEL_KIND_NB, SLANT_WEIGHTING_TFIDF);
    assert_int_equal(slant_train_stream("-", &o, NULL, &m, &err), SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "standard input cannot be read again"));
    o.hash_bits = 0;
    assert_int_equal(slant_train_stream("x.tsv", &o, NULL, &m, &err), SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "--hash-bits"));
    o = nb_options(SLANT_MODEL_KIND_NB, SLANT_WEIGHTING_TFIDF);
    o.calibrate = SLANT_CALIBRATION_SIGMOID;
    assert_int_equal(slant_train_stream("x.tsv", &o, NULL, &m, &err), SLANT_STATUS_BAD_OPTION);
    o = nb_options(SLANT_MODEL_KIND_NBSVM, SLANT_WEIGHTING_BINARY);
    assert_int_equal(slant_train_stream("x.tsv", &o, NULL, &m, &err), SLANT_STATUS_BAD_OPTION);
    assert_null(m);
    /* A head of one class, by its name. */
    char path[128];
    snprintf(path, sizeof path, "%s/one.tsv", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "tone\ttext\nup\tboom\nup\tsurge\n");
    fclose(f);
    o = nb_options(SLANT_MODEL_KIND_NB, SLANT_WEIGHTING_COUNTS);
    assert_int_equal(slant_train_stream(path, &o, NULL, &m, &err), SLANT_STATUS_BAD_INPUT);
    assert_non_null(strstr(err.message, "column \"tone\" has only one class"));
}

static int setup(void **state)
{
    (void)state;
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    make_corpus();
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    const char *names[] = {"all.tsv", "a.tsv", "b.tsv", "u.tsv", "lr.tsv", "one.tsv", "t1.slant",
                           "t4.slant"};
    char path[128];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    for (int d = 0; d < N_DOCS; d++)
        free(texts[d]);
    return rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_streamed_equals_memory),
        cmocka_unit_test(test_streamed_threads),
        cmocka_unit_test(test_merge_equals_union),
        cmocka_unit_test(test_merge_class_union),
        cmocka_unit_test(test_merge_fixed_features),
        cmocka_unit_test(test_merge_refused),
        cmocka_unit_test(test_lr_streamed_and_averaged),
        cmocka_unit_test(test_average_weighs_documents),
        cmocka_unit_test(test_stream_refusals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
