/*
 * test_leaks.c: slant_model_group_spread, the counts behind the leak
 * report.  On a corpus where each of six outlets has its own word that
 * gives its label away, and a few content words lean to a label in every
 * outlet, the outlets' words are found in one outlet each (share 1) and
 * weigh most for their class, while the content words spread over all six;
 * a document without a group is a group of its own; the result does not
 * depend on the thread count; hashed models work; a corpus without groups,
 * a model of vectors, a corpus of vectors and a feature past the model's
 * are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rng.h"
#include "slant.h"

enum { OUTLETS = 6, PER_OUTLET = 40, LOOSE = 4, N = OUTLETS * PER_OUTLET + LOOSE };

static char text_buf[N][200];
static char group_buf[N][16];
static const char *texts[N], *labels[N], *groups[N];

/* Outlets 0, 2, 4 are "right", 1, 3, 5 "left"; outlet K's articles all
 * carry "byoutletK".  "taxes" is in 60% of right articles and 30% of left
 * ones, "welfare" the other way round, in every outlet; w0..w29 are noise.
 * The last LOOSE documents have no outlet and carry "loneword" and
 * noise. */
static slant_corpus *outlet_corpus(int with_groups)
{
    rng_state = 11;
    for (size_t i = 0; i < N; i++) {
        int o = i < OUTLETS * PER_OUTLET ? (int)(i % OUTLETS) : -1;
        int right = o < 0 ? (int)(i % 2) : o % 2 == 0;
        char *p = text_buf[i];
        size_t left = sizeof text_buf[i];
        int n = o < 0 ? snprintf(p, left, "loneword") : snprintf(p, left, "byoutlet%d", o);
        if (uniform01() < (right ? 0.6 : 0.3) && o >= 0)
            n += snprintf(p + n, left - (size_t)n, " taxes");
        if (uniform01() < (right ? 0.3 : 0.6) && o >= 0)
            n += snprintf(p + n, left - (size_t)n, " welfare");
        for (int k = 0; k < 8; k++)
            n += snprintf(p + n, left - (size_t)n, " w%d", (int)(uniform01() * 30));
        texts[i] = p;
        labels[i] = right ? "right" : "left";
        snprintf(group_buf[i], sizeof group_buf[i], "outlet%d", o);
        groups[i] = o < 0 ? NULL : group_buf[i];
    }
    const char *heads[1] = {"bias"};
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_from_memory(N, texts, 1, heads, labels, &c, &err),
                     SLANT_STATUS_OK);
    if (with_groups)
        assert_int_equal(slant_corpus_set_groups(c, "outlet", groups, &err), SLANT_STATUS_OK);
    return c;
}

static slant_model *train(const slant_corpus *c, slant_model_kind kind, uint32_t hash_bits)
{
    slant_options opt;
    slant_options_init(&opt);
    opt.model = kind;
    opt.min_count = 1;
    opt.word_max = 1;
    opt.hash_bits = hash_bits;
    opt.threads = 1;
    slant_model *m = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_train(c, &opt, &m, &err), SLANT_STATUS_OK);
    return m;
}

/* The one feature WORD becomes in M. */
static uint32_t feature_of(const slant_model *m, const char *word)
{
    slant_feature f[4];
    assert_int_equal(slant_model_vectorize(m, word, strlen(word), f, 4), 1);
    return f[0].index;
}

/* Weight for class CLS against the head's other class (two classes). */
static double lean(const slant_model *m, size_t cls, uint32_t f)
{
    return slant_model_weight(m, 0, cls, f) - slant_model_weight(m, 0, 1 - cls, f);
}

static void check_outlet_spread(slant_model_kind kind, uint32_t hash_bits)
{
    slant_corpus *c = outlet_corpus(1);
    slant_model *m = train(c, kind, hash_bits);
    enum { ASK = OUTLETS + 3 };
    uint32_t feat[ASK];
    char word[32];
    for (int o = 0; o < OUTLETS; o++) {
        snprintf(word, sizeof word, "byoutlet%d", o);
        feat[o] = feature_of(m, word);
    }
    feat[OUTLETS] = feature_of(m, "taxes");
    feat[OUTLETS + 1] = feature_of(m, "welfare");
    feat[OUTLETS + 2] = feature_of(m, "loneword");
    slant_ngram_spread s[ASK], again[ASK];
    slant_error err = {{0}};
    assert_int_equal(slant_model_group_spread(m, c, feat, ASK, 1, s, &err), SLANT_STATUS_OK);

    size_t right = strcmp(slant_model_class_name(m, 0, 0), "right") == 0 ? 0 : 1;
    for (int o = 0; o < OUTLETS; o++) {
        snprintf(word, sizeof word, "outlet%d", o);
        assert_int_equal(s[o].feature, feat[o]);
        assert_int_equal(s[o].docs, PER_OUTLET);
        assert_int_equal(s[o].groups, 1);
        assert_int_equal(s[o].top_docs, PER_OUTLET);
        assert_true(s[o].top_share == 1.0);
        assert_non_null(s[o].top_group);
        assert_string_equal(s[o].top_group, word);
        assert_true(s[o].top_group_share == (double)PER_OUTLET / N);
        assert_true(slant_ngram_spread_concentrated(&s[o], SLANT_LEAK_SHARE,
                                                    SLANT_LEAK_MIN_DOCS));
        /* The fingerprint weighs for its outlet's class, more than the
         * content words that lean the same way. */
        size_t cls = o % 2 == 0 ? right : 1 - right;
        assert_true(lean(m, cls, feat[o]) > 0);
        assert_true(lean(m, cls, feat[o]) > lean(m, cls, feat[o % 2 == 0 ? OUTLETS
                                                                      : OUTLETS + 1]));
    }
    for (int k = OUTLETS; k < OUTLETS + 2; k++) {
        assert_true(s[k].docs > 60);
        assert_int_equal(s[k].groups, OUTLETS);
        assert_true(s[k].top_share < 0.35);
        assert_non_null(s[k].top_group);
        assert_false(slant_ngram_spread_concentrated(&s[k], SLANT_LEAK_SHARE,
                                                     SLANT_LEAK_MIN_DOCS));
    }
    assert_true(lean(m, right, feat[OUTLETS]) > 0);      /* taxes leans right */
    assert_true(lean(m, 1 - right, feat[OUTLETS + 1]) > 0); /* welfare leans left */
    /* Documents without an outlet: each a group of its own. */
    slant_ngram_spread *lone = &s[OUTLETS + 2];
    assert_int_equal(lone->docs, LOOSE);
    assert_int_equal(lone->groups, LOOSE);
    assert_int_equal(lone->top_docs, 1);
    assert_null(lone->top_group);
    assert_true(lone->top_share == 1.0 / LOOSE);

    /* Any thread count, the same figures; repeats allowed. */
    assert_int_equal(slant_model_group_spread(m, c, feat, ASK, 4, again, &err),
                     SLANT_STATUS_OK);
    assert_memory_equal(s, again, sizeof s);
    uint32_t twice[2] = {feat[1], feat[1]};
    assert_int_equal(slant_model_group_spread(m, c, twice, 2, 3, again, &err),
                     SLANT_STATUS_OK);
    assert_memory_equal(&again[0], &s[1], sizeof s[1]);
    assert_memory_equal(&again[1], &s[1], sizeof s[1]);
    /* Nothing asked, nothing done. */
    assert_int_equal(slant_model_group_spread(m, c, NULL, 0, 1, NULL, &err), SLANT_STATUS_OK);
    /* A feature past the model's. */
    uint32_t past = (uint32_t)slant_model_features(m);
    assert_int_equal(slant_model_group_spread(m, c, &past, 1, 1, again, &err),
                     SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "past the model's"));
    slant_model_free(m);
    slant_corpus_free(c);
}

static void test_fingerprints_nb(void **state)
{
    (void)state;
    check_outlet_spread(SLANT_MODEL_KIND_NB, 0);
}

static void test_fingerprints_lr(void **state)
{
    (void)state;
    check_outlet_spread(SLANT_MODEL_KIND_LR, 0);
}

/* Buckets instead of a vocabulary: the names are hashes, the counts the
 * same (no other word of this corpus shares these buckets). */
static void test_fingerprints_hashed(void **state)
{
    (void)state;
    check_outlet_spread(SLANT_MODEL_KIND_NB, 18);
}

/* The rule: enough documents, half of them or more in one group, and
 * that group's share of them well above its share of the corpus. */
static void test_concentrated_rule(void **state)
{
    (void)state;
    slant_ngram_spread s = {.docs = 5, .groups = 2, .top_docs = 3, .top_share = 0.6,
                            .top_group_share = 0.1};
    assert_true(slant_ngram_spread_concentrated(&s, 0.5, 5));
    assert_false(slant_ngram_spread_concentrated(&s, 0.7, 5));
    assert_false(slant_ngram_spread_concentrated(&s, 0.5, 6));
    assert_false(slant_ngram_spread_concentrated(&s, 0.5, SLANT_LEAK_MIN_DOCS));
    s.top_share = 0.5;
    assert_true(slant_ngram_spread_concentrated(&s, 0.5, 5)); /* at the threshold */
    /* Twice the group's share of the corpus, all of it for a large group. */
    s.top_group_share = 0.3;
    assert_false(slant_ngram_spread_concentrated(&s, 0.5, 5));
    s.top_share = 0.6;
    assert_true(slant_ngram_spread_concentrated(&s, 0.5, 5));
    s.top_group_share = 0.7;
    assert_false(slant_ngram_spread_concentrated(&s, 0.5, 5));
    s.top_share = 1.0;
    assert_true(slant_ngram_spread_concentrated(&s, 0.5, 5));
    s = (slant_ngram_spread){0};
    assert_false(slant_ngram_spread_concentrated(&s, 0, 0)); /* in no document */
    assert_false(slant_ngram_spread_concentrated(NULL, 0, 0));
}

static void test_no_groups_refused(void **state)
{
    (void)state;
    slant_corpus *c = outlet_corpus(0);
    slant_model *m = train(c, SLANT_MODEL_KIND_NB, 0);
    uint32_t f = feature_of(m, "taxes");
    slant_ngram_spread s;
    slant_error err = {{0}};
    assert_int_equal(slant_model_group_spread(m, c, &f, 1, 1, &s, &err),
                     SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "--group COLUMN"));
    slant_model_free(m);
    slant_corpus_free(c);
}

/* A model trained on LIBSVM vectors has no n-grams; a text model is
 * refused a corpus of vectors. */
static void test_vectors_refused(void **state)
{
    (void)state;
    char dir[] = "/tmp/slant_leaks_XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/v.svm", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < 20; i++)
        fprintf(f, "%d %d:1 3:0.5\n", 1 + i % 2, 1 + i % 2);
    assert_int_equal(fclose(f), 0);
    slant_corpus *v = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_read(path, SLANT_FORMAT_LIBSVM, &v, &err), SLANT_STATUS_OK);
    const char *vg[20];
    for (int i = 0; i < 20; i++)
        vg[i] = i < 10 ? "a" : "b";
    assert_int_equal(slant_corpus_set_groups(v, "outlet", vg, &err), SLANT_STATUS_OK);
    slant_model *vm = train(v, SLANT_MODEL_KIND_NB, 0);
    assert_true(slant_model_takes_vectors(vm));
    uint32_t feat = 0;
    slant_ngram_spread s;
    assert_int_equal(slant_model_group_spread(vm, v, &feat, 1, 1, &s, &err),
                     SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "LIBSVM vectors"));

    slant_corpus *c = outlet_corpus(1);
    slant_model *m = train(c, SLANT_MODEL_KIND_NB, 0);
    assert_int_equal(slant_model_group_spread(m, v, &feat, 1, 1, &s, &err),
                     SLANT_STATUS_BAD_INPUT);
    assert_non_null(strstr(err.message, "LIBSVM vectors, not text"));
    slant_model_free(m);
    slant_corpus_free(c);
    slant_model_free(vm);
    slant_corpus_free(v);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fingerprints_nb),
        cmocka_unit_test(test_fingerprints_lr),
        cmocka_unit_test(test_fingerprints_hashed),
        cmocka_unit_test(test_concentrated_rule),
        cmocka_unit_test(test_no_groups_refused),
        cmocka_unit_test(test_vectors_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
