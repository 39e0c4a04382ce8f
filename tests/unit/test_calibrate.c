/*
 * test_calibrate.c: calibration maps and abstention thresholds.  Each
 * method recovers a known map from synthetic probabilities; temperature
 * never moves the argmax; thresholds match a hand-computed answer; the
 * CALIBRATION section round-trips, and every flipped byte or truncation
 * of a model holding one is refused; a model without it labels as
 * before; training with calibration keeps the weights of training
 * without, and gives the same bytes at any thread count; eval's
 * calibration and coverage figures match ones worked out by hand.
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
#include <xxhash.h>

#include "calibrate.h"
#include "model.h"
#include "rng.h"

static double draw_normal(void)
{
    double u = uniform01(), v = uniform01();
    return sqrt(-2 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

static uint32_t draw_class(const double *q, uint32_t k)
{
    double u = uniform01(), acc = 0;
    for (uint32_t c = 0; c < k; c++)
        if (u < (acc += q[c]))
            return c;
    return k - 1;
}

static void softmax(const double *z, double scale, uint32_t k, double *out)
{
    double top = -INFINITY, sum = 0;
    for (uint32_t c = 0; c < k; c++)
        top = fmax(top, scale * z[c]);
    for (uint32_t c = 0; c < k; c++)
        sum += out[c] = exp(scale * z[c] - top);
    for (uint32_t c = 0; c < k; c++)
        out[c] /= sum;
}

/* Probabilities twice as sharp as the truth: the fitted T is 2. */
static void test_temperature_recovers_t(void **state)
{
    (void)state;
    enum { N = 20000, K = 3 };
    double *p = malloc(N * K * sizeof *p), q[K], z[K];
    uint32_t *y = malloc(N * sizeof *y);
    rng_state = 7;
    for (size_t i = 0; i < N; i++) {
        for (int c = 0; c < K; c++)
            z[c] = 1.5 * draw_normal();
        softmax(z, 1, K, q);
        y[i] = draw_class(q, K);
        softmax(z, 2, K, p + i * K);
    }
    slant_calib_head h;
    assert_int_equal(slant_calib_fit(SLANT_CALIBRATION_TEMPERATURE, p, y, N, K, &h, NULL), 0);
    assert_int_equal(h.method, SLANT_CALIBRATION_TEMPERATURE);
    assert_true(fabs(h.temperature - 2) < 0.1);
    /* Fitted, the log loss falls; mapped, the probabilities are the truth's. */
    double before = slant_calib_log_loss(p, y, N, K);
    for (size_t i = 0; i < N; i++)
        slant_calib_apply(&h, p + i * K);
    assert_true(slant_calib_log_loss(p, y, N, K) < before);
    slant_calib_head_free(&h);
    free(p);
    free(y);
}

static void test_temperature_keeps_argmax(void **state)
{
    (void)state;
    rng_state = 11;
    const double temps[] = {0.001, 0.3, 1, 4, 1000};
    for (int t = 0; t < 5; t++) {
        slant_calib_head h = {.method = SLANT_CALIBRATION_TEMPERATURE, .n_classes = 4,
                              .temperature = temps[t]};
        for (int i = 0; i < 2000; i++) {
            double z[4], p[4];
            for (int c = 0; c < 4; c++)
                z[c] = 3 * draw_normal();
            softmax(z, 1, 4, p);
            int before = 0, after = 0;
            for (int c = 1; c < 4; c++)
                before = p[c] > p[before] ? c : before;
            slant_calib_apply(&h, p);
            double sum = 0;
            for (int c = 0; c < 4; c++) {
                after = p[c] > p[after] ? c : after;
                sum += p[c];
            }
            assert_int_equal(before, after);
            assert_true(fabs(sum - 1) < 1e-9);
        }
    }
}

/* Two classes whose truth is sigmoid(1.5 s - 0.5) of the given log-odds s. */
static void test_sigmoid_recovers_ab(void **state)
{
    (void)state;
    enum { N = 40000 };
    double *p = malloc(N * 2 * sizeof *p);
    uint32_t *y = malloc(N * sizeof *y);
    rng_state = 3;
    for (size_t i = 0; i < N; i++) {
        double s = 2 * draw_normal(), q = 1 / (1 + exp(-(1.5 * s - 0.5)));
        y[i] = uniform01() < q;
        p[2 * i + 1] = 1 / (1 + exp(-s));
        p[2 * i] = 1 - p[2 * i + 1];
    }
    slant_calib_head h;
    assert_int_equal(slant_calib_fit(SLANT_CALIBRATION_SIGMOID, p, y, N, 2, &h, NULL), 0);
    assert_true(fabs(h.ab[0] - 1.5) < 0.08);
    assert_true(fabs(h.ab[1] + 0.5) < 0.08);
    slant_calib_head_free(&h);
    free(p);
    free(y);
}

/* The truth is p^2: the isotonic curve follows it. */
static void test_isotonic_recovers_curve(void **state)
{
    (void)state;
    enum { N = 50000 };
    double *p = malloc(N * 2 * sizeof *p);
    uint32_t *y = malloc(N * sizeof *y);
    rng_state = 5;
    for (size_t i = 0; i < N; i++) {
        double x = uniform01();
        y[i] = uniform01() < x * x;
        p[2 * i + 1] = x;
        p[2 * i] = 1 - x;
    }
    slant_calib_head h;
    assert_int_equal(slant_calib_fit(SLANT_CALIBRATION_ISOTONIC, p, y, N, 2, &h, NULL), 0);
    assert_true(h.n_points[0] >= 2);
    for (uint32_t j = 1; j < h.n_points[0]; j++) {
        assert_true(h.xy[0][2 * j] > h.xy[0][2 * j - 2]);
        assert_true(h.xy[0][2 * j + 1] >= h.xy[0][2 * j - 1]);
    }
    const double at[] = {0.2, 0.5, 0.8};
    for (int i = 0; i < 3; i++) {
        double q[2] = {1 - at[i], at[i]};
        slant_calib_apply(&h, q);
        assert_true(fabs(q[1] - at[i] * at[i]) < 0.05);
        assert_true(fabs(q[0] + q[1] - 1) < 1e-12);
    }
    slant_calib_head_free(&h);
    free(p);
    free(y);
}

/* Per class, the lowest threshold at which the documents it covers are
 * right at the target rate, worked out by hand. */
static void test_thresholds_known_answer(void **state)
{
    (void)state;
    /* Class 0 is the top one of five documents: 0.9 right, 0.8 right, 0.7
     * wrong, 0.6 right, 0.55 wrong; the cumulative precision falling from
     * the top is 1, 1, 2/3, 3/4, 3/5.  Class 1 is the top of two: 0.95
     * wrong, 0.6 right (0, 1/2).  Class 2 is never the top one. */
    const double p[] = {0.9, 0.1, 0,  0.8, 0.2, 0,   0.7, 0.3, 0, 0.6, 0.4, 0,
                        0.55, 0.45, 0, 0.05, 0.95, 0, 0.4, 0.6, 0};
    const uint32_t y[] = {0, 0, 1, 0, 2, 0, 1};
    double thr[3];
    slant_calib_thresholds(p, y, 7, 3, 0.75, thr);
    assert_float_equal(thr[0], 0.6, 0);
    assert_float_equal(thr[1], SLANT_CALIB_NEVER, 0); /* 1/2 at most */
    assert_float_equal(thr[2], 0.75, 0);              /* never the top: the target */
    slant_calib_thresholds(p, y, 7, 3, 1.0, thr);
    assert_float_equal(thr[0], 0.8, 0);
    slant_calib_thresholds(p, y, 7, 3, 0.5, thr);
    assert_float_equal(thr[0], 0, 0);   /* 3/5 over all: everything covered */
    assert_float_equal(thr[1], 0, 0);   /* 1/2 over both */
    /* A tie is taken whole: 0.7 right and 0.7 wrong after 0.9 right. */
    const double t[] = {0.9, 0.1, 0.7, 0.3, 0.7, 0.3};
    const uint32_t ty[] = {0, 0, 1};
    slant_calib_thresholds(t, ty, 3, 2, 0.75, thr);
    assert_float_equal(thr[0], 0.9, 0);
}

static char dir[] = "/tmp/slant-test-calibrate-XXXXXX";

/* A small hashed model with a two-class and a three-class head. */
static slant_model *small_model(void)
{
    enum { BITS = 3, NF = 1 << BITS };
    static float idf[NF];
    static float w1[(NF + 1) * 2], w2[(NF + 1) * 3];
    for (int i = 0; i < NF; i++)
        idf[i] = 1.0f + (float)i / 8;
    for (int i = 0; i < (NF + 1) * 2; i++)
        w1[i] = (float)(i % 5) - 2.0f;
    for (int i = 0; i < (NF + 1) * 3; i++)
        w2[i] = (float)(i % 7) * 0.25f;
    slant_options o;
    slant_options_init(&o);
    o.hash_bits = BITS;
    slant_pipeline p = {.cfg = {.word_min = 1, .word_max = 2, .hash_bits = BITS, .min_count = 1,
                                .weighting = SLANT_WEIGHTING_TFIDF, .seed = 99},
                        .n_features = NF, .idf = idf};
    const char *c1[] = {"neg", "pos"}, *c2[] = {"a", "b", "c"};
    const uint64_t n1[] = {3, 4}, n2[] = {1, 2, 3};
    slant_head_parts heads[] = {{"label", 2, c1, n1, w1, NULL, 0, NULL}, {"topic", 3, c2, n2, w2, NULL, 0, NULL}};
    slant_model *m = NULL;
    assert_int_equal(slant_model_build(SLANT_MODEL_KIND_LR, &o, &p, 2, heads,
                                       "slant_version=test\n", &m, NULL),
                     SLANT_STATUS_OK);
    return m;
}

/* SMALL with an isotonic map and thresholds on its first head and a
 * sigmoid map on its second (or temperature, with TEMP). */
static slant_model *calibrated(slant_model *small, int temp)
{
    static double xy[] = {0.1, 0.2, 0.5, 0.4, 0.9, 0.95}, thr[] = {0.7, SLANT_CALIB_NEVER};
    static double ab[] = {0.5, 0.1, 2, -0.3, 1, 0.2};
    static uint32_t np[] = {3};
    static double *curves[] = {xy};
    slant_calib_head cal[2] = {
        {.method = SLANT_CALIBRATION_ISOTONIC, .n_classes = 2, .n_points = np, .xy = curves,
         .target = 0.9, .thresholds = thr},
        {.method = temp ? SLANT_CALIBRATION_TEMPERATURE : SLANT_CALIBRATION_SIGMOID,
         .n_classes = 3, .ab = ab, .temperature = 1.7}};
    slant_model *m = NULL;
    assert_int_equal(slant_model_with_calibration(small, cal, "slant_version=test\ncalib=1\n",
                                                  &m, NULL), SLANT_STATUS_OK);
    return m;
}

static unsigned char *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return buf;
}

static void test_section_round_trip(void **state)
{
    (void)state;
    slant_model *raw = small_model();
    for (int temp = 0; temp < 2; temp++) {
        slant_model *m = calibrated(raw, temp);
        char a[128];
        snprintf(a, sizeof a, "%s/r.slant", dir);
        assert_int_equal(slant_model_save(m, a, NULL), SLANT_STATUS_OK);
        slant_model *r = NULL;
        slant_error err;
        assert_int_equal(slant_model_load(a, &r, &err), SLANT_STATUS_OK);
        assert_int_equal(slant_model_calibration(r, 0), SLANT_CALIBRATION_ISOTONIC);
        assert_int_equal(slant_model_calibration(r, 1),
                         temp ? SLANT_CALIBRATION_TEMPERATURE : SLANT_CALIBRATION_SIGMOID);
        assert_float_equal(slant_model_target_precision(r, 0), 0.9, 0);
        assert_float_equal(slant_model_target_precision(r, 1), 0, 0);
        assert_float_equal(slant_model_threshold(r, 0, 0), 0.7, 0);
        assert_true(slant_model_threshold(r, 0, 1) > 1);
        assert_string_equal(slant_model_provenance(r), "slant_version=test\ncalib=1\n");
        /* Probabilities: the raw ones mapped by hand. */
        const char *texts[] = {"one two three", "four", "five six seven eight"};
        for (int t = 0; t < 3; t++) {
            double pr[5], pc[5];
            size_t best[2];
            size_t len = strlen(texts[t]);
            assert_int_equal(slant_model_predict(raw, texts[t], len, pr, NULL, &err), 0);
            assert_int_equal(slant_model_predict(r, texts[t], len, pc, best, &err), 0);
            slant_calib_apply(&r->calib[0], pr);
            slant_calib_apply(&r->calib[1], pr + 2);
            for (int c = 0; c < 5; c++)
                assert_true(fabs(pr[c] - pc[c]) < 1e-12);
            assert_true(fabs(pc[0] + pc[1] - 1) < 1e-12);
            assert_true(fabs(pc[2] + pc[3] + pc[4] - 1) < 1e-12);
            assert_int_equal(best[0], pc[1] > pc[0]);
            /* Abstention: below the stored threshold of the top class. */
            int top = pc[1] > pc[0];
            assert_int_equal(slant_model_abstains(r, 0, pc, -1),
                             pc[top] < (top ? SLANT_CALIB_NEVER : 0.7));
            assert_int_equal(slant_model_abstains(r, 1, pc, -1), 0); /* no thresholds */
            assert_int_equal(slant_model_abstains(r, 1, pc, 1.0), 1);
            assert_int_equal(slant_model_abstains(r, 1, pc, 0.0), 0);
        }
        /* Written again from the loaded model, the same bytes. */
        slant_model *again = calibrated(raw, temp);
        assert_int_equal(again->image_size, r->image_size);
        assert_memory_equal(again->image, r->image, r->image_size);
        slant_model_free(again);
        slant_model_free(r);
        slant_model_free(m);
        unlink(a);
    }
    slant_model_free(raw);
}

static void every_byte_and_truncation(slant_model *m)
{
    char a[128];
    snprintf(a, sizeof a, "%s/c.slant", dir);
    assert_int_equal(slant_model_save(m, a, NULL), SLANT_STATUS_OK);
    size_t n;
    unsigned char *d = read_all(a, &n);
    slant_model *r = NULL;
    slant_error err;
    for (size_t i = 0; i < n; i++) {
        d[i] ^= 0x5a;
        err.message[0] = '\0';
        if (slant_model_load_memory(d, n, "c.slant", &r, &err) != SLANT_STATUS_BAD_MODEL)
            fail_msg("a change at byte %zu was accepted", i);
        assert_null(r);
        assert_non_null(strstr(err.message, "c.slant: "));
        d[i] ^= 0x5a;
    }
    for (size_t len = 0; len < n; len++)
        if (slant_model_load_memory(d, len, "c.slant", &r, &err) != SLANT_STATUS_BAD_MODEL)
            fail_msg("a model cut to %zu bytes was accepted", len);
    assert_int_equal(slant_model_load_memory(d, n, "c.slant", &r, &err), SLANT_STATUS_OK);
    slant_model_free(r);
    free(d);
    unlink(a);
}

static void test_every_byte_calibrated(void **state)
{
    (void)state;
    slant_model *raw = small_model();
    for (int temp = 0; temp < 2; temp++) {
        slant_model *m = calibrated(raw, temp);
        every_byte_and_truncation(m);
        slant_model_free(m);
    }
    slant_model_free(raw);
}

/* Offset and size of the CALIBRATION section (id 11) of image D; 0 when
 * there is none. */
static size_t calib_at(const unsigned char *d, uint64_t *size)
{
    uint32_t n;
    memcpy(&n, d + 24, 4);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t sid;
        uint64_t off;
        memcpy(&sid, d + 64 + i * 24, 4);
        memcpy(&off, d + 64 + i * 24 + 8, 8);
        if (sid == 11) {
            memcpy(size, d + 64 + i * 24 + 16, 8);
            return (size_t)off;
        }
    }
    return 0;
}

/* Damage behind a valid checksum, as a hostile file would carry it, is
 * refused by the section's own checks, with what is wrong. */
static void test_forged_section(void **state)
{
    (void)state;
    slant_model *raw = small_model();
    slant_model *m = calibrated(raw, 1);
    size_t n = m->image_size;
    uint64_t size;
    size_t at = calib_at(m->image, &size);
    assert_true(at > 0);
    /* head 1: a 16-byte header, the curve's u32 points and 0 (16..23), three
     * (x, y) pairs (24..71), the target (72) and two thresholds (80, 88);
     * head 2: a header (96..111) and T (112) */
    struct {
        size_t off;
        double value;
        const char *says;
    } cases[] = {
        {40, 0.05, "not a rising map"},          /* x2 below x1 */
        {64, NAN, "not a rising map"},           /* y3 */
        {48, 0.1, "not a rising map"},           /* y2 below y1 */
        {72, 1.5, "target precision"},
        {80, 1.2, "threshold 1 of head 1"},
        {112, 0, "temperature"},
        {112, INFINITY, "not a finite number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        unsigned char *d = malloc(n);
        memcpy(d, m->image, n);
        memcpy(d + at + cases[i].off, &cases[i].value, 8);
        uint64_t sum = XXH3_64bits_withSeed(d, n - 8, 0);
        memcpy(d + n - 8, &sum, 8);
        slant_model *r = NULL;
        slant_error err = {{0}};
        assert_int_equal(slant_model_load_memory(d, n, "f.slant", &r, &err),
                         SLANT_STATUS_BAD_MODEL);
        if (!strstr(err.message, cases[i].says))
            fail_msg("case %zu: \"%s\" does not say \"%s\"", i, err.message, cases[i].says);
        free(d);
    }
    /* A method that is unknown, and a class count that is not the head's. */
    uint32_t bad[][2] = {{0, 1}, {0, 9}, {4, 3}};
    for (size_t i = 0; i < 3; i++) {
        unsigned char *d = malloc(n);
        memcpy(d, m->image, n);
        memcpy(d + at + bad[i][0], &bad[i][1], 4);
        uint64_t sum = XXH3_64bits_withSeed(d, n - 8, 0);
        memcpy(d + n - 8, &sum, 8);
        slant_model *r = NULL;
        slant_error err = {{0}};
        assert_int_equal(slant_model_load_memory(d, n, "f.slant", &r, &err),
                         SLANT_STATUS_BAD_MODEL);
        free(d);
    }
    slant_model_free(m);
    slant_model_free(raw);
}

/* A synthetic corpus of N documents: words that lean to one class of two,
 * and some that say nothing. */
static slant_corpus *leaning_corpus(size_t n, uint64_t seed)
{
    static const char *pos[] = {"bright", "gain", "win", "calm", "lift"},
                      *neg[] = {"dark", "loss", "fail", "storm", "drop"},
                      *any[] = {"the", "a", "report", "today", "city", "market"};
    char **texts = malloc(n * sizeof *texts);
    const char **labels = malloc(n * sizeof *labels);
    rng_state = seed;
    for (size_t i = 0; i < n; i++) {
        int cls = uniform01() < 0.4;
        labels[i] = cls ? "pos" : "neg";
        texts[i] = calloc(1, 256);
        for (int w = 0; w < 8; w++) {
            double u = uniform01();
            const char *word = u < 0.3 ? (cls ? pos : neg)[(int)(uniform01() * 5)]
                               : u < 0.42 ? (cls ? neg : pos)[(int)(uniform01() * 5)]
                                          : any[(int)(uniform01() * 6)];
            strcat(texts[i], word);
            strcat(texts[i], " ");
        }
    }
    const char *heads[] = {"tone"};
    slant_corpus *c = NULL;
    assert_int_equal(slant_corpus_from_memory(n, (const char *const *)texts, 1, heads, labels,
                                              &c, NULL), 0);
    for (size_t i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    free(labels);
    return c;
}

/* none gives the uncalibrated model, and no section; auto on the same
 * corpus keeps its weights, adds the map and says so in the provenance;
 * the bytes do not depend on the thread count. */
static void test_training_keeps_weights(void **state)
{
    (void)state;
    slant_corpus *c = leaning_corpus(400, 21);
    slant_options o;
    slant_options_init(&o);
    o.calibrate = SLANT_CALIBRATION_NONE;
    o.threads = 1;
    slant_model *plain = NULL, *cal = NULL, *cal2 = NULL;
    assert_int_equal(slant_train(c, &o, &plain, NULL), 0);
    uint64_t size;
    assert_int_equal(calib_at(plain->image, &size), 0);
    assert_int_equal(slant_model_calibration(plain, 0), SLANT_CALIBRATION_NONE);
    o.calibrate = SLANT_CALIBRATION_AUTO;
    o.target_precision = "tone=0.9";
    slant_error err;
    assert_int_equal(slant_train(c, &o, &cal, &err), 0);
    o.threads = 2;
    assert_int_equal(slant_train(c, &o, &cal2, &err), 0);
    assert_int_equal(cal->image_size, cal2->image_size);
    assert_memory_equal(cal->image, cal2->image, cal->image_size);
    assert_true(calib_at(cal->image, &size) > 0);
    assert_float_equal(slant_model_target_precision(cal, 0), 0.9, 0);
    assert_non_null(strstr(slant_model_provenance(cal), "calibration=tone method="));
    assert_non_null(strstr(slant_model_provenance(cal), "abstain=tone target_precision=0.9"));
    assert_int_equal(slant_model_features(plain), slant_model_features(cal));
    for (uint32_t f = 0; f < slant_model_features(plain); f++)
        for (size_t k = 0; k < 2; k++)
            assert_true(slant_model_weight(plain, 0, k, f) == slant_model_weight(cal, 0, k, f));
    /* The raw probabilities of both are the same; the mapped ones are the
     * raw ones mapped. */
    double pp[2], pc[2];
    slant_feature x[64];
    size_t nx = slant_model_vectorize(cal, "bright gain the city", 20, x, 64);
    assert_int_equal(slant_model_score(plain, x, nx, pp, NULL), 0);
    assert_int_equal(slant_model_score_raw(cal, x, nx, pc, NULL), 0);
    assert_memory_equal(pp, pc, sizeof pp);
    slant_calib_apply(&cal->calib[0], pp);
    assert_int_equal(slant_model_score(cal, x, nx, pc, NULL), 0);
    assert_true(fabs(pp[0] - pc[0]) < 1e-12);
    /* auto keeps every label: its map is temperature or none. */
    slant_calibration chosen = slant_model_calibration(cal, 0);
    assert_true(chosen == SLANT_CALIBRATION_TEMPERATURE || chosen == SLANT_CALIBRATION_NONE);
    size_t n = slant_corpus_size(c);
    double *probs = malloc(n * 2 * sizeof *probs);
    size_t *bp = malloc(n * sizeof *bp), *bc = malloc(n * sizeof *bc);
    assert_int_equal(slant_model_predict_corpus(plain, c, 0, n, 1, probs, bp, &err), 0);
    assert_int_equal(slant_model_predict_corpus(cal, c, 0, n, 1, probs, bc, &err), 0);
    assert_memory_equal(bp, bc, n * sizeof *bp);
    free(probs);
    free(bp);
    free(bc);
    /* A head named in the target that the corpus lacks is refused. */
    o.target_precision = "stance=0.9";
    slant_model *none = NULL;
    assert_int_equal(slant_train(c, &o, &none, &err), SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "no head \"stance\""));
    o.target_precision = "1.5";
    assert_int_equal(slant_train(c, &o, &none, &err), SLANT_STATUS_BAD_OPTION);
    assert_null(none);
    slant_model_free(plain);
    slant_model_free(cal);
    slant_model_free(cal2);
    slant_corpus_free(c);
}

/* A head under SLANT_CALIBRATION_MIN_DOCS gets no map from auto: the model
 * is the uncalibrated one, byte for byte. */
static void test_small_head_left_alone(void **state)
{
    (void)state;
    slant_corpus *c = leaning_corpus(60, 4);
    slant_options o;
    slant_options_init(&o);
    slant_model *a = NULL, *b = NULL;
    assert_int_equal(slant_train(c, &o, &a, NULL), 0);
    o.calibrate = SLANT_CALIBRATION_NONE;
    assert_int_equal(slant_train(c, &o, &b, NULL), 0);
    /* the options line differs by " --calibrate none" alone */
    assert_int_equal(slant_model_calibration(a, 0), SLANT_CALIBRATION_NONE);
    uint64_t size;
    assert_int_equal(calib_at(a->image, &size), 0);
    double pa[2], pb[2];
    assert_int_equal(slant_model_predict(a, "gain the storm", 14, pa, NULL, NULL), 0);
    assert_int_equal(slant_model_predict(b, "gain the storm", 14, pb, NULL, NULL), 0);
    assert_memory_equal(pa, pb, sizeof pa);
    slant_model_free(a);
    slant_model_free(b);
    slant_corpus_free(c);
}

/* The target precision spec: a plain P for every head, HEAD=P for one. */
static void test_target_spec(void **state)
{
    (void)state;
    double p;
    slant_error err;
    assert_int_equal(slant_target_precision_of("0.9", "stance", &p, &err), 0);
    assert_float_equal(p, 0.9, 0);
    assert_int_equal(slant_target_precision_of("stance=0.9,source_type=0.8", "source_type", &p,
                                               &err), 0);
    assert_float_equal(p, 0.8, 0);
    assert_int_equal(slant_target_precision_of("stance=0.9", "other", &p, &err), 0);
    assert_float_equal(p, 0, 0);
    assert_int_equal(slant_target_precision_of("0.7,stance=0.9", "x", &p, &err), 0);
    assert_float_equal(p, 0.7, 0);
    const char *bad[] = {"", "0", "1.01", "-0.5", "=0.9", "stance=", "x=abc", "0.9,", "nan"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(slant_target_precision_of(bad[i], "x", &p, &err),
                         SLANT_STATUS_BAD_OPTION);
    assert_int_equal(slant_calibration_parse("isotonic"), SLANT_CALIBRATION_ISOTONIC);
    assert_int_equal(slant_calibration_parse("bogus"), -1);
}

/* eval's calibration and coverage figures against the same figures worked
 * out here from the model's own probabilities. */
static void test_eval_figures(void **state)
{
    (void)state;
    slant_model *raw = small_model();
    slant_model *m = calibrated(raw, 1);
    enum { N = 40 };
    static char buf[N][64];
    const char *texts[N], *labels[2 * N];
    rng_state = 9;
    for (int i = 0; i < N; i++) {
        snprintf(buf[i], sizeof buf[i], "w%d w%d w%d", (int)(uniform01() * 50),
                 (int)(uniform01() * 50), (int)(uniform01() * 50));
        texts[i] = buf[i];
        labels[2 * i] = uniform01() < 0.5 ? "neg" : "pos";
        labels[2 * i + 1] = i % 7 == 0 ? "d" : i % 3 == 0 ? "a" : "b"; /* "d": unknown */
    }
    const char *heads[] = {"label", "topic"};
    slant_corpus *c = NULL;
    assert_int_equal(slant_corpus_from_memory(N, texts, 2, heads, labels, &c, NULL), 0);
    slant_eval *ev = NULL;
    assert_int_equal(slant_eval_new(m, &ev, NULL), 0);
    assert_int_equal(slant_eval_corpus(ev, m, c, NULL, 0, 2, NULL), 0);
    for (size_t h = 0; h < 2; h++) {
        size_t off = slant_model_class_offset(m, h), k = slant_model_classes(m, h);
        double ll = 0, brier = 0, conf[15] = {0}, right[15] = {0}, top[N];
        int ok[N], covered = 0, covered_right = 0;
        for (int i = 0; i < N; i++) {
            double p[5];
            size_t best[2];
            assert_int_equal(slant_model_predict(m, texts[i], strlen(texts[i]), p, best, NULL), 0);
            const char *gold = labels[2 * i + h];
            double pg = 0;
            for (size_t cl = 0; cl < k; cl++) {
                int is = !strcmp(slant_model_class_name(m, h, cl), gold);
                pg = is ? p[off + cl] : pg;
                brier += (p[off + cl] - is) * (p[off + cl] - is);
            }
            if (pg == 0)
                brier += 1;
            ll -= log(pg < 1e-15 ? 1e-15 : pg);
            top[i] = p[off + best[h]];
            ok[i] = !strcmp(slant_model_class_name(m, h, best[h]), gold);
            int b = (int)(top[i] * 15);
            b = b > 14 ? 14 : b;
            conf[b] += top[i];
            right[b] += ok[i];
            if (!slant_model_abstains(m, h, p, -1)) {
                covered++;
                covered_right += ok[i];
            }
        }
        double ece = 0;
        for (int b = 0; b < 15; b++)
            ece += fabs(conf[b] - right[b]) / N;
        slant_calibration_report r;
        assert_int_equal(slant_eval_calibration(ev, h, &r), 1);
        assert_int_equal(r.scored, N);
        assert_true(fabs(r.log_loss - ll / N) < 1e-9);
        assert_true(fabs(r.brier - brier / N) < 1e-9);
        assert_true(fabs(r.ece - ece) < 1e-9);
        uint64_t counted = 0;
        for (int b = 0; b < 15; b++)
            counted += r.bins[b].count;
        assert_int_equal(counted, N);
        slant_coverage_report cv;
        assert_int_equal(slant_eval_coverage(ev, h, &cv), 1);
        assert_int_equal(cv.thresholds, h == 0);
        assert_int_equal(cv.covered, covered);
        assert_true(fabs(cv.accuracy - (covered ? (double)covered_right / covered : 0)) < 1e-12);
        /* the curve at 50%: the 20 most confident, ties by order */
        int used[N] = {0}, hits = 0;
        for (int taken = 0; taken < N / 2; taken++) {
            int best = -1;
            for (int i = 0; i < N; i++)
                if (!used[i] && (best < 0 || top[i] > top[best]))
                    best = i;
            used[best] = 1;
            hits += ok[best];
        }
        assert_true(fabs(cv.curve_coverage[5] - 0.5) < 1e-12);
        assert_true(fabs(cv.curve_accuracy[5] - hits / (N / 2.0)) < 1e-12);
        assert_true(fabs(cv.curve_accuracy[0] - slant_eval_accuracy(ev, h)) < 1e-12);
    }
    /* Recorded without probabilities, a head has no such figures. */
    slant_eval *bare = NULL;
    assert_int_equal(slant_eval_new(m, &bare, NULL), 0);
    const char *gold[] = {"pos", "a"};
    size_t pred[] = {1, 0};
    assert_int_equal(slant_eval_add(bare, gold, pred, NULL), 0);
    slant_calibration_report r;
    assert_int_equal(slant_eval_calibration(bare, 0, &r), 0);
    assert_int_equal(r.scored, 0);
    slant_eval_free(bare);
    slant_eval_free(ev);
    slant_corpus_free(c);
    slant_model_free(m);
    slant_model_free(raw);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_temperature_recovers_t),
        cmocka_unit_test(test_temperature_keeps_argmax),
        cmocka_unit_test(test_sigmoid_recovers_ab),
        cmocka_unit_test(test_isotonic_recovers_curve),
        cmocka_unit_test(test_thresholds_known_answer),
        cmocka_unit_test(test_section_round_trip),
        cmocka_unit_test(test_every_byte_calibrated),
        cmocka_unit_test(test_forged_section),
        cmocka_unit_test(test_training_keeps_weights),
        cmocka_unit_test(test_small_head_left_alone),
        cmocka_unit_test(test_target_spec),
        cmocka_unit_test(test_eval_figures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
