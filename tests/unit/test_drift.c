/*
 * test_drift.c: known shares (nothing of "zzzz qqqq", all of a training
 * document), the same in batch labeling and at training, and the batch
 * summary: no warning on the training corpus, a warning on a batch whose
 * labels shifted and on one the model does not know.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slant.h"

#define N_DOCS 120

static const char *const sport_words[] = {"match", "goal", "striker", "league", "coach",
                                          "penalty", "season", "keeper"};
static const char *const vote_words[] = {"ballot", "senate", "minister", "election", "vote",
                                         "campaign", "parliament", "policy"};

static char texts_buf[N_DOCS][128];
static const char *texts[N_DOCS], *labels[N_DOCS];

/* Documents of six topic words, "sport" for even i, "politics" for odd. */
static slant_corpus *corpus(void)
{
    uint64_t s = 11;
    for (size_t i = 0; i < N_DOCS; i++) {
        const char *const *w = i % 2 ? vote_words : sport_words;
        size_t at = 0;
        for (int k = 0; k < 6; k++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            at += (size_t)snprintf(texts_buf[i] + at, sizeof texts_buf[i] - at, "%s%s",
                                   k ? " " : "", w[(s >> 33) % 8]);
        }
        texts[i] = texts_buf[i];
        labels[i] = i % 2 ? "politics" : "sport";
    }
    const char *heads[] = {"topic"};
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_from_memory(N_DOCS, texts, 1, heads, labels, &c, &err),
                     SLANT_STATUS_OK);
    return c;
}

static slant_model *train(const slant_corpus *c, uint32_t hash_bits, slant_weighting wt,
                          uint32_t min_count)
{
    slant_options o;
    slant_options_init(&o);
    o.model = SLANT_MODEL_KIND_NB;
    o.hash_bits = hash_bits;
    o.weighting = wt;
    o.min_count = min_count;
    o.threads = 1;
    slant_model *m = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_train(c, &o, &m, &err), SLANT_STATUS_OK);
    return m;
}

static void test_known_share(void **state)
{
    (void)state;
    slant_corpus *c = corpus();
    slant_model *m = train(c, 0, SLANT_WEIGHTING_TFIDF, 1);
    double ng = -1, w = -1;
    slant_error err = {{0}};
    assert_int_equal(slant_model_known_share(m, "zzzz qqqq", 9, &ng, &w, &err), SLANT_STATUS_OK);
    assert_true(ng == 0 && w == 0);
    /* every n-gram of a training document is in a min-count-1 vocabulary */
    assert_int_equal(slant_model_known_share(m, texts[0], strlen(texts[0]), &ng, &w, &err),
                     SLANT_STATUS_OK);
    assert_true(ng == 1 && w == 1);
    /* known words, unknown pairs: "goal match" is a bigram no document has
     * unless by chance; "goal zzzz" has one known word of two */
    assert_int_equal(slant_model_known_share(m, "goal zzzz", 9, &ng, &w, &err), SLANT_STATUS_OK);
    assert_true(fabs(w - 0.5) < 1e-12);
    assert_true(fabs(ng - 1.0 / 3) < 1e-12); /* goal; zzzz and "goal zzzz" unknown */
    assert_int_equal(slant_model_known_share(m, "", 0, &ng, &w, &err), SLANT_STATUS_OK);
    assert_true(ng == 0 && w == 0);
    double tn, tw;
    slant_model_training_known(m, &tn, &tw);
    assert_true(tn == 1 && tw == 1);
    assert_non_null(strstr(slant_model_provenance(m), "\nknown_ngrams=1.0000\n"));
    assert_int_equal(slant_model_class_count(m, 0, 0) + slant_model_class_count(m, 0, 1),
                     N_DOCS);
    assert_int_equal(slant_model_class_count(m, 0, 2), 0);
    assert_int_equal(slant_model_class_count(m, 1, 0), 0);
    slant_model_free(m);

    /* min count 2: training's own share is the mean of the documents' */
    m = train(c, 0, SLANT_WEIGHTING_TFIDF, 2);
    slant_model_training_known(m, &tn, &tw);
    double sum = 0;
    for (size_t i = 0; i < N_DOCS; i++) {
        assert_int_equal(slant_model_known_share(m, texts[i], strlen(texts[i]), &ng, NULL, &err),
                         SLANT_STATUS_OK);
        sum += ng;
    }
    assert_true(tn < 1 && fabs(tn - sum / N_DOCS) < 1e-4);
    slant_model_free(m);

    /* hashed with tf-idf: a bucket no document filled is unknown */
    m = train(c, 18, SLANT_WEIGHTING_TFIDF, 1);
    assert_int_equal(slant_model_known_share(m, texts[3], strlen(texts[3]), &ng, &w, &err),
                     SLANT_STATUS_OK);
    assert_true(ng == 1 && w == 1);
    assert_int_equal(slant_model_known_share(m, "zzzz qqqq", 9, &ng, &w, &err), SLANT_STATUS_OK);
    assert_true(ng < 0.5);
    slant_model_free(m);
    /* hashed without tf-idf: nothing tells */
    m = train(c, 18, SLANT_WEIGHTING_COUNTS, 1);
    assert_int_equal(slant_model_known_share(m, texts[3], strlen(texts[3]), &ng, &w, &err),
                     SLANT_STATUS_OK);
    assert_true(isnan(ng) && isnan(w));
    slant_model_training_known(m, &tn, &tw);
    assert_true(isnan(tn) && isnan(tw));
    slant_model_free(m);
    slant_corpus_free(c);
}

/* Batch labeling gives what one text at a time gives, at any thread count. */
static void test_batch_known(void **state)
{
    (void)state;
    slant_corpus *c = corpus();
    slant_model *m = train(c, 0, SLANT_WEIGHTING_TFIDF, 2);
    double probs1[2 * N_DOCS], probs4[2 * N_DOCS], plain[2 * N_DOCS];
    double known1[2 * N_DOCS], known4[2 * N_DOCS];
    slant_error err = {{0}};
    assert_int_equal(slant_model_predict_corpus_known(m, c, 0, N_DOCS, 1, probs1, NULL, known1,
                                                      &err), SLANT_STATUS_OK);
    assert_int_equal(slant_model_predict_corpus_known(m, c, 0, N_DOCS, 4, probs4, NULL, known4,
                                                      &err), SLANT_STATUS_OK);
    assert_int_equal(slant_model_predict_corpus(m, c, 0, N_DOCS, 1, plain, NULL, &err),
                     SLANT_STATUS_OK);
    assert_memory_equal(probs1, plain, sizeof plain);
    assert_memory_equal(probs1, probs4, sizeof probs1);
    assert_memory_equal(known1, known4, sizeof known1);
    for (size_t i = 0; i < N_DOCS; i++) {
        double ng, w;
        slant_model_known_share(m, texts[i], strlen(texts[i]), &ng, &w, &err);
        assert_true(ng == known1[2 * i] && w == known1[2 * i + 1]);
    }
    slant_model_free(m);
    slant_corpus_free(c);
}

static void test_summary(void **state)
{
    (void)state;
    slant_corpus *c = corpus();
    slant_model *m = train(c, 0, SLANT_WEIGHTING_TFIDF, 1);
    slant_error err = {{0}};
    slant_drift *d = NULL;
    /* the training corpus: no drift */
    assert_int_equal(slant_drift_new(m, NULL, &d, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_drift_corpus(d, m, c, 2, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_drift_documents(d), N_DOCS);
    assert_true(slant_drift_known_ngrams(d) == 1);
    assert_int_equal(slant_drift_known_bin(d, SLANT_DRIFT_BINS - 1), N_DOCS);
    assert_int_equal(slant_drift_unfamiliar(d), 0);
    assert_false(slant_drift_known_dropped(d));
    assert_true(slant_drift_distance(d, 0) < 0.05);
    assert_false(slant_drift_head_drifted(d, 0));
    slant_drift_free(d);

    /* a batch of sport alone: the mix moved by one half */
    const char *sport[N_DOCS / 2];
    for (size_t i = 0; i < N_DOCS / 2; i++)
        sport[i] = texts[2 * i];
    slant_corpus *b = NULL;
    assert_int_equal(slant_corpus_from_memory(N_DOCS / 2, sport, 0, NULL, NULL, &b, &err),
                     SLANT_STATUS_OK);
    assert_int_equal(slant_drift_new(m, NULL, &d, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_drift_corpus(d, m, b, 1, &err), SLANT_STATUS_OK);
    assert_true(fabs(slant_drift_distance(d, 0) - 0.5) < 0.05);
    assert_true(slant_drift_head_drifted(d, 0));
    assert_false(slant_drift_known_dropped(d));
    size_t s = strcmp(slant_model_class_name(m, 0, 0), "sport") ? 1 : 0;
    assert_true(slant_drift_predicted(d, 0, s) >= N_DOCS / 2 - 2);
    slant_drift_free(d);
    slant_corpus_free(b);

    /* a batch the model does not know, as many of each predicted class as
     * in training would not save it */
    const char *odd[4] = {"zzzz qqqq", "goal xxxx yyyy wwww", "ballot kkkk jjjj", "vvvv"};
    assert_int_equal(slant_corpus_from_memory(4, odd, 0, NULL, NULL, &b, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_drift_new(m, NULL, &d, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_drift_corpus(d, m, b, 1, &err), SLANT_STATUS_OK);
    assert_true(slant_drift_known_dropped(d));
    assert_int_equal(slant_drift_unfamiliar(d), 4);
    assert_int_equal(slant_drift_known_bin(d, 0), 3); /* "ballot kkkk jjjj": 1 of 5, bin 1 */
    assert_int_equal(slant_drift_known_bin(d, 1), 1);
    slant_drift_free(d);
    /* thresholds of one's own */
    slant_drift_options o;
    slant_drift_options_init(&o);
    o.min_known = 0.1;
    assert_int_equal(slant_drift_new(m, &o, &d, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_drift_corpus(d, m, b, 1, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_drift_unfamiliar(d), 2); /* zzzz qqqq and vvvv know nothing */
    size_t bad[1] = {7};
    assert_int_equal(slant_drift_add(d, bad, 0.5, 0.5, &err), SLANT_STATUS_BAD_OPTION);
    assert_int_equal(slant_drift_documents(d), 4);
    slant_drift_free(d);
    o.max_distance = 1.5;
    assert_int_equal(slant_drift_new(m, &o, &d, &err), SLANT_STATUS_BAD_OPTION);
    assert_null(d);
    slant_drift_free(NULL);
    assert_true(isnan(slant_drift_distance(NULL, 0)));
    slant_corpus_free(b);
    slant_model_free(m);
    slant_corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_share),
        cmocka_unit_test(test_batch_known),
        cmocka_unit_test(test_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
