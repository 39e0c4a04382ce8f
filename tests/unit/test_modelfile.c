/*
 * test_modelfile.c: the model file: write, read, write again gives the same
 * bytes; every corrupted byte, every truncation, a newer or older version
 * and a foreign file are refused with a message.
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

#include "model.h"

static char dir[] = "/tmp/slant-test-modelfile-XXXXXX";

/* A small hashed model with two heads, built without training. */
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

/* A trained vocabulary model with two heads: vocabulary slots, n-gram
 * names and idf all in the file. */
static slant_model *trained_model_of(slant_model_kind kind, slant_kernel kernel);

static slant_model *trained_model(void)
{
    return trained_model_of(SLANT_MODEL_KIND_NB, SLANT_KERNEL_LINEAR);
}

static slant_model *trained_model_of(slant_model_kind kind, slant_kernel kernel)
{
    const char *texts[] = {"chip wafers and a new foundry", "tariffs and idle ports",
                           "the foundry ships chip wafers", "ports idle after new tariffs",
                           "a chip foundry opens", "tariffs hurt the ports"};
    const char *heads[] = {"topic", "tone"};
    const char *labels[] = {"chips", "up", "trade", "down", "chips", "up",
                            "trade", "down", "chips", "up", "trade", "down"};
    slant_corpus *c = NULL;
    slant_model *m = NULL;
    slant_options o;
    slant_options_init(&o);
    o.min_count = 1;
    o.model = kind;
    o.kernel = kernel;
    assert_int_equal(slant_corpus_from_memory(6, texts, 2, heads, labels, &c, NULL), 0);
    assert_int_equal(slant_train(c, &o, &m, NULL), SLANT_STATUS_OK);
    slant_corpus_free(c);
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

static void test_round_trip(void **state)
{
    (void)state;
    char a[128], b[128];
    snprintf(a, sizeof a, "%s/a.slant", dir);
    snprintf(b, sizeof b, "%s/b.slant", dir);
    slant_model *m = small_model();
    slant_error err;
    assert_int_equal(slant_model_save(m, a, &err), SLANT_STATUS_OK);
    slant_model *r = NULL;
    assert_int_equal(slant_model_load(a, &r, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_model_heads(r), 2);
    assert_string_equal(slant_model_head_name(r, 1), "topic");
    assert_string_equal(slant_model_class_name(r, 1, 2), "c");
    assert_int_equal(slant_model_class_offset(r, 1), 2);
    assert_int_equal(slant_model_total_classes(r), 5);
    assert_int_equal(slant_model_features(r), 8);
    assert_float_equal(slant_model_weight(r, 0, 1, 3), slant_model_weight(m, 0, 1, 3), 0);
    assert_string_equal(slant_model_provenance(r), "slant_version=test\n");
    assert_int_equal(slant_model_save(r, b, &err), SLANT_STATUS_OK);
    size_t na, nb;
    unsigned char *da = read_all(a, &na), *db = read_all(b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(da, db, na);
    /* The same text gets the same probabilities from both. */
    double p1[5], p2[5];
    assert_int_equal(slant_model_predict(m, "one two three", 13, p1, NULL, &err), 0);
    assert_int_equal(slant_model_predict(r, "one two three", 13, p2, NULL, &err), 0);
    assert_memory_equal(p1, p2, sizeof p1);
    free(da);
    free(db);
    slant_model_free(m);
    slant_model_free(r);
    unlink(a);
    unlink(b);
}

static void every_byte_and_truncation(slant_model *m)
{
    char a[128];
    snprintf(a, sizeof a, "%s/c.slant", dir);
    assert_int_equal(slant_model_save(m, a, NULL), SLANT_STATUS_OK);
    slant_model_free(m);
    size_t n;
    unsigned char *d = read_all(a, &n);
    slant_model *r = NULL;
    slant_error err;
    for (size_t i = 0; i < n; i++) {
        d[i] ^= 0x5a;
        err.message[0] = '\0';
        slant_status st = slant_model_load_memory(d, n, "c.slant", &r, &err);
        if (st != SLANT_STATUS_BAD_MODEL)
            fail_msg("a change at byte %zu was accepted", i);
        assert_null(r);
        assert_non_null(strstr(err.message, "c.slant: "));
        d[i] ^= 0x5a;
    }
    for (size_t len = 0; len < n; len++) {
        slant_status st = slant_model_load_memory(d, len, "c.slant", &r, &err);
        if (st != SLANT_STATUS_BAD_MODEL)
            fail_msg("a model cut to %zu bytes was accepted", len);
    }
    assert_int_equal(slant_model_load_memory(d, n, "c.slant", &r, &err), SLANT_STATUS_OK);
    slant_model_free(r);
    free(d);
    unlink(a);
}

static void test_every_byte_and_truncation(void **state)
{
    (void)state;
    every_byte_and_truncation(small_model());
}

static void test_every_byte_vocabulary_model(void **state)
{
    (void)state;
    slant_model *m = trained_model();
    assert_true(slant_model_features(m) > 10);
    every_byte_and_truncation(m);
}

/* Naive Bayes on buckets keeps its class-feature sums (NB_COUNTS) for
 * merging: checked like the rest. */
static slant_model *hashed_nb_model(void)
{
    const char *texts[] = {"chip wafers and a new foundry", "tariffs and idle ports",
                           "the foundry ships chip wafers", "ports idle after new tariffs"};
    const char *heads[] = {"topic"};
    const char *labels[] = {"chips", "trade", "chips", "trade"};
    slant_corpus *c = NULL;
    slant_model *m = NULL;
    slant_options o;
    slant_options_init(&o);
    o.model = SLANT_MODEL_KIND_NB;
    o.hash_bits = 4;
    o.calibrate = SLANT_CALIBRATION_NONE;
    assert_int_equal(slant_corpus_from_memory(4, texts, 1, heads, labels, &c, NULL), 0);
    assert_int_equal(slant_train(c, &o, &m, NULL), SLANT_STATUS_OK);
    slant_corpus_free(c);
    assert_non_null(m->heads[0].nb_mass);
    return m;
}

static void test_every_byte_nb_counts(void **state)
{
    (void)state;
    every_byte_and_truncation(hashed_nb_model());
}

/* An RBF svm keeps libsvm's model in its own section; a linear one is
 * folded into weights.  Both are checked like the rest. */
static void test_every_byte_svm_models(void **state)
{
    (void)state;
    slant_model *m = trained_model_of(SLANT_MODEL_KIND_SVM, SLANT_KERNEL_RBF);
    double gamma = 0;
    assert_true(slant_model_support_vectors(m, 0, &gamma) > 0);
    assert_true(gamma > 0);
    every_byte_and_truncation(m);
    m = trained_model_of(SLANT_MODEL_KIND_SVM, SLANT_KERNEL_LINEAR);
    assert_int_equal(slant_model_support_vectors(m, 0, NULL), 0);
    every_byte_and_truncation(m);
}

/* Recomputes the trailing checksum, as a hostile file would. */
static void reseal(unsigned char *d, size_t n)
{
    uint64_t sum = XXH3_64bits_withSeed(d, n - 8, 0);
    memcpy(d + n - 8, &sum, 8);
}

/* Offset of section ID in image D (see the format in modelfile.c). */
static size_t section_at(const unsigned char *d, uint32_t id, uint64_t *size)
{
    uint32_t n;
    memcpy(&n, d + 24, 4);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t sid;
        uint64_t off;
        memcpy(&sid, d + 64 + i * 24, 4);
        memcpy(&off, d + 64 + i * 24 + 8, 8);
        if (sid == id) {
            memcpy(size, d + 64 + i * 24 + 16, 8);
            return (size_t)off;
        }
    }
    fail_msg("no section %u", id);
    return 0;
}

/* NB_COUNTS behind a valid checksum: a sum below 0, a NaN, a size that
 * does not match, and the section in a model that is no naive Bayes. */
static void test_forged_nb_counts(void **state)
{
    (void)state;
    slant_model *m = hashed_nb_model();
    size_t n = m->image_size;
    unsigned char *d = malloc(n);
    memcpy(d, m->image, n);
    slant_model_free(m);
    uint64_t size;
    size_t at = section_at(d, 12, &size);
    assert_int_equal(size, 16 * 2 * 8);
    const double bad[] = {-1.0, NAN, INFINITY};
    slant_model *r = NULL;
    slant_error err;
    for (int i = 0; i < 3; i++) {
        unsigned char keep[8];
        memcpy(keep, d + at + 40, 8);
        memcpy(d + at + 40, &bad[i], 8);
        reseal(d, n);
        assert_int_equal(slant_model_load_memory(d, n, "f.slant", &r, &err),
                         SLANT_STATUS_BAD_MODEL);
        assert_non_null(strstr(err.message, "f.slant: NB_COUNTS number 5 is not"));
        memcpy(d + at + 40, keep, 8);
    }
    /* One number short: the table's size entry says so. */
    uint32_t ns;
    memcpy(&ns, d + 24, 4);
    for (uint32_t i = 0; i < ns; i++) {
        uint32_t sid;
        memcpy(&sid, d + 64 + i * 24, 4);
        if (sid == 12) {
            uint64_t less = size - 8;
            memcpy(d + 64 + i * 24 + 16, &less, 8);
        }
    }
    reseal(d, n);
    assert_int_equal(slant_model_load_memory(d, n, "f.slant", &r, &err), SLANT_STATUS_BAD_MODEL);
    assert_non_null(strstr(err.message, "the NB_COUNTS section has 248 bytes"));
    /* The kind set to lr: the sums are stray. */
    for (uint32_t i = 0; i < ns; i++) {
        uint32_t sid;
        memcpy(&sid, d + 64 + i * 24, 4);
        if (sid == 12)
            memcpy(d + 64 + i * 24 + 16, &size, 8);
    }
    uint64_t csize;
    size_t cfg = section_at(d, 2, &csize);
    uint32_t lr = SLANT_MODEL_KIND_LR;
    memcpy(d + cfg, &lr, 4);
    reseal(d, n);
    assert_int_equal(slant_model_load_memory(d, n, "f.slant", &r, &err), SLANT_STATUS_BAD_MODEL);
    assert_non_null(strstr(err.message, "a stray NB_COUNTS section in a model of lr"));
    free(d);
}

/* Structural damage behind a valid checksum is still refused, by name. */
static void test_forged_checksum(void **state)
{
    (void)state;
    slant_model *m = small_model();
    char a[128];
    snprintf(a, sizeof a, "%s/f.slant", dir);
    assert_int_equal(slant_model_save(m, a, NULL), SLANT_STATUS_OK);
    slant_model_free(m);
    size_t n;
    unsigned char *orig = read_all(a, &n), *d = malloc(n);
    uint64_t size;
    size_t config = section_at(orig, 2, &size), idf = section_at(orig, 4, &size);
    size_t weights = section_at(orig, 8, &size);
    struct {
        size_t at;
        uint32_t value;
        const char *says;
    } cases[] = {
        {24, 1000000, "section table"},       /* absurd section count */
        {64 + 8, 0x7ffffff0, "outside"},      /* first section's offset past the end */
        {64 + 16, 0xfffffff0, "outside"},     /* first section's size past the end */
        {config + 44, 0, "heads"},            /* no heads */
        {config + 4, 7, "n-gram ranges"},     /* word_min above word_max */
        {config + 40, 9, "features"},         /* features disagree with the hash bits */
        {idf + 8, 0xbf800000, "idf"},         /* idf -1 */
        {weights + 4, 0x7fc00000, "finite"},  /* a NaN weight */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(d, orig, n);
        memcpy(d + cases[i].at, &cases[i].value, 4);
        reseal(d, n);
        slant_model *r = NULL;
        slant_error err = {{0}};
        assert_int_equal(slant_model_load_memory(d, n, "f.slant", &r, &err),
                         SLANT_STATUS_BAD_MODEL);
        if (!strstr(err.message, cases[i].says))
            fail_msg("case %zu: '%s' does not mention '%s'", i, err.message, cases[i].says);
    }
    free(orig);
    free(d);
    unlink(a);
}

/* Vocabulary tables behind a valid checksum: a feature in two slots, a
 * feature in no slot; each refused by name. */
static void test_forged_vocabulary(void **state)
{
    (void)state;
    slant_model *m = trained_model();
    char a[128];
    snprintf(a, sizeof a, "%s/v.slant", dir);
    assert_int_equal(slant_model_save(m, a, NULL), SLANT_STATUS_OK);
    slant_model_free(m);
    size_t n;
    unsigned char *orig = read_all(a, &n), *d = malloc(n);
    uint64_t size;
    size_t hot = section_at(orig, 9, &size);
    size_t cap = (size_t)(size / sizeof(slant_vocab_slot));
    const char *says[] = {"twice", "of the"};
    for (int c = 0; c < 2; c++) {
        memcpy(d, orig, n);
        slant_vocab_slot *t = (slant_vocab_slot *)(d + hot);
        size_t used[2], k = 0;
        for (size_t i = 0; i < cap && k < 2; i++)
            if (t[i].id != SLANT_VOCAB_EMPTY)
                used[k++] = i;
        assert_int_equal(k, 2);
        t[used[1]].id = c == 0 ? t[used[0]].id : SLANT_VOCAB_EMPTY;
        reseal(d, n);
        slant_model *r = NULL;
        slant_error err = {{0}};
        assert_int_equal(slant_model_load_memory(d, n, "v.slant", &r, &err),
                         SLANT_STATUS_BAD_MODEL);
        if (!strstr(err.message, says[c]))
            fail_msg("case %d: '%s' does not mention '%s'", c, err.message, says[c]);
    }
    free(orig);
    free(d);
    unlink(a);
}

/* An n-gram name offset past its section, behind a valid checksum (found
 * by fuzz_model: the loader read through it before it saw the offsets
 * out of order). */
static void test_forged_name_offset(void **state)
{
    (void)state;
    slant_model *m = trained_model();
    char a[128];
    snprintf(a, sizeof a, "%s/o.slant", dir);
    assert_int_equal(slant_model_save(m, a, NULL), SLANT_STATUS_OK);
    slant_model_free(m);
    size_t n;
    unsigned char *d = read_all(a, &n);
    uint64_t size;
    size_t offs = section_at(d, 6, &size);
    uint32_t far = 0x7ffffff0;
    memcpy(d + offs + 4, &far, 4);
    reseal(d, n);
    slant_model *r = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_model_load_memory(d, n, "o.slant", &r, &err), SLANT_STATUS_BAD_MODEL);
    assert_non_null(strstr(err.message, "n-gram name 0 is malformed"));
    free(d);
    unlink(a);
}

/* Names that would break an output (not UTF-8, a tab) behind a valid
 * checksum: a head name, a class name, an n-gram name; each refused. */
static void test_forged_names(void **state)
{
    (void)state;
    slant_model *m = trained_model();
    char a[128];
    snprintf(a, sizeof a, "%s/n.slant", dir);
    assert_int_equal(slant_model_save(m, a, NULL), SLANT_STATUS_OK);
    slant_model_free(m);
    size_t n;
    unsigned char *orig = read_all(a, &n), *d = malloc(n);
    uint64_t size;
    /* HEADS: u32 length, then the first head's name ("topic"), u32
     * classes, u32 length, then its first class's name ("chips") */
    size_t heads = section_at(orig, 3, &size), names = section_at(orig, 7, &size);
    struct {
        size_t at;
        unsigned char byte;
        const char *says;
    } cases[] = {
        {heads + 4, 0xff, "name of head 1 is not valid UTF-8"},
        {heads + 4 + 5 + 4 + 4 + 1, '\t', "name of class 1 of head 1 holds a control"},
        {names, 0xc3, "n-gram name 0 is not valid UTF-8"},
        {names, '\n', "n-gram name 0 holds a control"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(d, orig, n);
        d[cases[i].at] = cases[i].byte;
        reseal(d, n);
        slant_model *r = NULL;
        slant_error err = {{0}};
        assert_int_equal(slant_model_load_memory(d, n, "n.slant", &r, &err),
                         SLANT_STATUS_BAD_MODEL);
        if (!strstr(err.message, cases[i].says))
            fail_msg("case %zu: '%s' does not mention '%s'", i, err.message, cases[i].says);
    }
    free(orig);
    free(d);
    unlink(a);
}

/* Damage to the SVM section behind a valid checksum is refused by name. */
static void test_forged_svm(void **state)
{
    (void)state;
    char a[128];
    snprintf(a, sizeof a, "%s/s.slant", dir);
    slant_model *m = trained_model_of(SLANT_MODEL_KIND_SVM, SLANT_KERNEL_RBF);
    uint32_t nf = (uint32_t)slant_model_features(m);
    assert_int_equal(slant_model_save(m, a, NULL), SLANT_STATUS_OK);
    slant_model_free(m);
    size_t n;
    unsigned char *orig = read_all(a, &n), *d = malloc(n);
    uint64_t size, csize;
    size_t svm = section_at(orig, 10, &size), config = section_at(orig, 2, &csize);
    uint32_t k, l;
    memcpy(&k, orig + svm + 8, 4);
    memcpy(&l, orig + svm + 12, 4);
    /* the first node: after the header, labels, counts, pairs, coefficients, starts */
    size_t pairs = (size_t)k * (k - 1) / 2;
    size_t node = svm + ((24 + 8 * (size_t)k + 7) & ~(size_t)7) + 24 * pairs
                  + 8 * (size_t)(k - 1) * l + 8 * ((size_t)l + 1);
    struct { size_t at; uint32_t value; const char *says; } cases[] = {
        {node, nf + 1, "support vector 1 is corrupt"},
        {svm + 8, k + 1, "classes"},
        {svm + 24, k, "class table"},
        {config + 116, 0, "stray SVM section"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        memcpy(d, orig, n);
        memcpy(d + cases[c].at, &cases[c].value, 4);
        reseal(d, n);
        slant_model *r = NULL;
        slant_error err = {{0}};
        assert_int_equal(slant_model_load_memory(d, n, "s.slant", &r, &err),
                         SLANT_STATUS_BAD_MODEL);
        if (!strstr(err.message, cases[c].says))
            fail_msg("case %zu: '%s' does not mention '%s'", c, err.message, cases[c].says);
    }
    free(orig);
    free(d);
    unlink(a);
}

/* One class against the rest, with every score far below zero: the
 * logistic outputs all round to 0, yet their normalized values must be
 * finite and proportional to e^z (the softmax of the scores, here). */
static void test_one_vs_rest_far_below_zero(void **state)
{
    (void)state;
    enum { BITS = 2, NF = 1 << BITS };
    static float idf[NF] = {1, 1, 1, 1}, w[(NF + 1) * 3];
    memset(w, 0, sizeof w);
    w[NF * 3] = -1000.0f;
    w[NF * 3 + 1] = -1001.0f;
    w[NF * 3 + 2] = -1002.0f;
    slant_options o;
    slant_options_init(&o);
    o.hash_bits = BITS;
    o.solver = SLANT_SOLVER_DUAL;
    slant_pipeline p = {.cfg = {.word_min = 1, .word_max = 1, .hash_bits = BITS, .min_count = 1,
                                .weighting = SLANT_WEIGHTING_TFIDF, .seed = 5},
                        .n_features = NF, .idf = idf};
    const char *names[] = {"a", "b", "c"};
    const uint64_t counts[] = {1, 1, 1};
    slant_head_parts head = {"h", 3, names, counts, w, NULL, 0, NULL};
    slant_model *m = NULL;
    assert_int_equal(slant_model_build(SLANT_MODEL_KIND_LR, &o, &p, 1, &head, "x=y\n", &m, NULL),
                     SLANT_STATUS_OK);
    double probs[3];
    size_t best;
    assert_int_equal(slant_model_predict(m, "words", 5, probs, &best, NULL), SLANT_STATUS_OK);
    double e1 = exp(-1.0), e2 = exp(-2.0), sum = 1 + e1 + e2;
    assert_float_equal(probs[0], 1 / sum, 1e-9);
    assert_float_equal(probs[1], e1 / sum, 1e-9);
    assert_float_equal(probs[2], e2 / sum, 1e-9);
    assert_int_equal(best, 0);
    slant_model_free(m);
}

static void test_newer_and_foreign(void **state)
{
    (void)state;
    slant_model *m = small_model();
    char a[128];
    snprintf(a, sizeof a, "%s/d.slant", dir);
    assert_int_equal(slant_model_save(m, a, NULL), SLANT_STATUS_OK);
    slant_model_free(m);
    size_t n;
    unsigned char *d = read_all(a, &n);
    /* A newer version with a valid checksum: refused by name, not as
     * corrupt; so is an older one, whose hashes this slant does not make. */
    uint32_t v = SLANT_FORMAT_VERSION + 1;
    memcpy(d + 8, &v, 4);
    reseal(d, n);
    slant_model *r = NULL;
    slant_error err;
    assert_int_equal(slant_model_load_memory(d, n, "d.slant", &r, &err), SLANT_STATUS_BAD_MODEL);
    assert_non_null(strstr(err.message, "newer"));
    v = SLANT_FORMAT_VERSION - 1;
    memcpy(d + 8, &v, 4);
    reseal(d, n);
    assert_int_equal(slant_model_load_memory(d, n, "d.slant", &r, &err), SLANT_STATUS_BAD_MODEL);
    assert_non_null(strstr(err.message, "earlier slant"));
    assert_non_null(strstr(err.message, "train the model again"));
    /* A text file is not a model. */
    const char text[] = "label\ttext\npos\tgood film\n";
    assert_int_equal(slant_model_load_memory(text, sizeof text - 1, "corpus.tsv", &r, &err),
                     SLANT_STATUS_BAD_MODEL);
    assert_non_null(strstr(err.message, "not a slant model"));
    /* A missing file is an I/O error naming it. */
    assert_int_equal(slant_model_load("/nonexistent/m.slant", &r, &err), SLANT_STATUS_IO);
    assert_non_null(strstr(err.message, "/nonexistent/m.slant"));
    free(d);
    unlink(a);
}

static void test_save_failure_keeps_old(void **state)
{
    (void)state;
    slant_model *m = small_model();
    slant_error err;
    /* A folder that does not exist: nothing is created, the error names it. */
    assert_int_equal(slant_model_save(m, "/nonexistent-dir/m.slant", &err), SLANT_STATUS_IO);
    assert_non_null(strstr(err.message, "/nonexistent-dir/m.slant"));
    /* Saving over an existing file replaces it and leaves no temporary. */
    char a[128];
    snprintf(a, sizeof a, "%s/e.slant", dir);
    FILE *f = fopen(a, "w");
    fputs("old", f);
    fclose(f);
    assert_int_equal(slant_model_save(m, a, &err), SLANT_STATUS_OK);
    slant_model *r = NULL;
    assert_int_equal(slant_model_load(a, &r, &err), SLANT_STATUS_OK);
    slant_model_free(r);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c tmp", dir);
    FILE *p = popen(cmd, "r");
    int count = -1;
    assert_int_equal(fscanf(p, "%d", &count), 1);
    pclose(p);
    assert_int_equal(count, 0);
    unlink(a);
    slant_model_free(m);
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
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_every_byte_and_truncation),
        cmocka_unit_test(test_every_byte_vocabulary_model),
        cmocka_unit_test(test_every_byte_svm_models),
        cmocka_unit_test(test_every_byte_nb_counts),
        cmocka_unit_test(test_forged_nb_counts),
        cmocka_unit_test(test_forged_checksum),
        cmocka_unit_test(test_forged_vocabulary),
        cmocka_unit_test(test_forged_svm),
        cmocka_unit_test(test_forged_name_offset),
        cmocka_unit_test(test_forged_names),
        cmocka_unit_test(test_one_vs_rest_far_below_zero),
        cmocka_unit_test(test_newer_and_foreign),
        cmocka_unit_test(test_save_failure_keeps_old),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
