/*
 * test_eval.c: the evaluation accumulator's figures against values worked
 * out by hand, and cross-validation on a small corpus whose words give its
 * labels away.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "slant.h"

#define TOL 1e-12

/* Two heads: "topic" with classes a, b, c, x (x never occurs) and "tone"
 * with classes pos, neg. */
static slant_eval *two_heads(void)
{
    static const char *const heads[] = {"topic", "tone"};
    static const char *const topics[] = {"a", "b", "c", "x"};
    static const char *const tones[] = {"pos", "neg"};
    static const char *const *const classes[] = {topics, tones};
    static const size_t n_classes[] = {4, 2};
    slant_eval *ev = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_eval_create(2, heads, n_classes, classes, &ev, &err),
                     SLANT_STATUS_OK);
    assert_non_null(ev);
    return ev;
}

enum { A, B, C, X, D_ /* "d" is appended as index 4 */ };
enum { POS, NEG };

/* Eleven documents (gold -> predicted):
 *        topic     tone
 *   1    a -> a    pos -> pos
 *   2    a -> a    pos -> pos
 *   3    a -> a    neg -> pos
 *   4    a -> b    neg -> neg
 *   5    b -> b    (none)
 *   6    b -> b    pos -> neg
 *   7    b -> a    neg -> neg
 *   8    b -> c    pos -> pos
 *   9    c -> c    (none)
 *  10    d -> a    neg -> neg     d is not one of the classes: appended
 *  11    (none)    pos -> pos */
static void add_documents(slant_eval *ev)
{
    static const struct {
        const char *topic;
        size_t ptopic;
        const char *tone;
        size_t ptone;
    } docs[] = {
        {"a", A, "pos", POS}, {"a", A, "pos", POS}, {"a", A, "neg", POS},
        {"a", B, "neg", NEG}, {"b", B, NULL, POS},   {"b", B, "pos", NEG},
        {"b", A, "neg", NEG}, {"b", C, "pos", POS},  {"c", C, NULL, NEG},
        {"d", A, "neg", NEG}, {NULL, C, "pos", POS},
    };
    slant_error err = {{0}};
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        const char *gold[2] = {docs[i].topic, docs[i].tone};
        size_t pred[2] = {docs[i].ptopic, docs[i].ptone};
        assert_int_equal(slant_eval_add(ev, gold, pred, &err), SLANT_STATUS_OK);
    }
}

static void check_scores(const slant_eval *ev, size_t head, size_t cls, double p, double r,
                         double f1, uint64_t support)
{
    slant_class_scores s = slant_eval_class(ev, head, cls);
    assert_float_equal(s.precision, p, TOL);
    assert_float_equal(s.recall, r, TOL);
    assert_float_equal(s.f1, f1, TOL);
    assert_int_equal(s.support, support);
}

static void test_topic(void **state)
{
    (void)state;
    slant_eval *ev = two_heads();
    add_documents(ev);
    assert_int_equal(slant_eval_documents(ev), 11);
    assert_int_equal(slant_eval_heads(ev), 2);
    assert_string_equal(slant_eval_head_name(ev, 0), "topic");
    assert_string_equal(slant_eval_head_name(ev, 1), "tone");

    /* The unseen gold label d is appended after the model's classes. */
    assert_int_equal(slant_eval_classes(ev, 0), 5);
    assert_string_equal(slant_eval_class_name(ev, 0, X), "x");
    assert_string_equal(slant_eval_class_name(ev, 0, D_), "d");

    /* Confusion (rows gold, columns predicted; a b c x d):
     *   a: 3 1 0 0 0
     *   b: 1 2 1 0 0
     *   c: 0 0 1 0 0
     *   x: 0 0 0 0 0
     *   d: 1 0 0 0 0 */
    static const uint64_t want[5][5] = {
        {3, 1, 0, 0, 0}, {1, 2, 1, 0, 0}, {0, 0, 1, 0, 0}, {0, 0, 0, 0, 0}, {1, 0, 0, 0, 0},
    };
    for (size_t g = 0; g < 5; g++)
        for (size_t p = 0; p < 5; p++)
            assert_int_equal(slant_eval_count(ev, 0, g, p), want[g][p]);

    /* 10 documents have a topic, 3 + 2 + 1 = 6 right. */
    assert_float_equal(slant_eval_accuracy(ev, 0), 0.6, TOL);
    /* Predicted counts (column sums): a 5, b 3, c 2, x 0, d 0.
     * a: P 3/5, R 3/4, F1 2(3/5)(3/4)/(3/5 + 3/4) = 0.9/1.35 = 2/3
     * b: P 2/3, R 2/4, F1 2(2/3)(1/2)/(2/3 + 1/2) = (2/3)/(7/6) = 4/7
     * c: P 1/2, R 1/1, F1 2(1/2)(1)/(3/2) = 2/3
     * x: nothing predicted, no support: all 0
     * d: nothing predicted (P 0), R 0/1, F1 0 */
    check_scores(ev, 0, A, 3.0 / 5, 3.0 / 4, 2.0 / 3, 4);
    check_scores(ev, 0, B, 2.0 / 3, 1.0 / 2, 4.0 / 7, 4);
    check_scores(ev, 0, C, 1.0 / 2, 1.0, 2.0 / 3, 1);
    check_scores(ev, 0, X, 0, 0, 0, 0);
    check_scores(ev, 0, D_, 0, 0, 0, 1);
    /* Macro-F1 over a, b, c, d (x occurs neither as gold nor as a
     * prediction and is left out): (2/3 + 4/7 + 2/3 + 0) / 4 = 10/21. */
    assert_float_equal(slant_eval_macro_f1(ev, 0), 10.0 / 21, TOL);
    slant_eval_free(ev);
}

static void test_tone(void **state)
{
    (void)state;
    slant_eval *ev = two_heads();
    add_documents(ev);
    /* Documents 5 and 9 have no tone: 9 counted.
     *   pos: 4 -> pos (1, 2, 8, 11), 1 -> neg (6)
     *   neg: 1 -> pos (3), 3 -> neg (4, 7, 10) */
    assert_int_equal(slant_eval_classes(ev, 1), 2);
    assert_int_equal(slant_eval_count(ev, 1, POS, POS), 4);
    assert_int_equal(slant_eval_count(ev, 1, POS, NEG), 1);
    assert_int_equal(slant_eval_count(ev, 1, NEG, POS), 1);
    assert_int_equal(slant_eval_count(ev, 1, NEG, NEG), 3);
    assert_float_equal(slant_eval_accuracy(ev, 1), 7.0 / 9, TOL);
    /* pos: P 4/5, R 4/5, F1 4/5; neg: P 3/4, R 3/4, F1 3/4.
     * Macro-F1 (4/5 + 3/4) / 2 = 31/40. */
    check_scores(ev, 1, POS, 4.0 / 5, 4.0 / 5, 4.0 / 5, 5);
    check_scores(ev, 1, NEG, 3.0 / 4, 3.0 / 4, 3.0 / 4, 4);
    assert_float_equal(slant_eval_macro_f1(ev, 1), 31.0 / 40, TOL);
    slant_eval_free(ev);
}

static void test_skips_and_errors(void **state)
{
    (void)state;
    slant_eval *ev = two_heads();
    slant_error err = {{0}};

    /* No gold label at all: the document counts, no head does. */
    const char *none[2] = {NULL, NULL};
    size_t pred[2] = {99, 99}; /* not looked at for skipped heads */
    assert_int_equal(slant_eval_add(ev, none, pred, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_eval_documents(ev), 1);
    assert_float_equal(slant_eval_accuracy(ev, 0), 0, TOL);
    assert_float_equal(slant_eval_macro_f1(ev, 1), 0, TOL);
    check_scores(ev, 0, A, 0, 0, 0, 0);

    /* A predicted class out of range is refused and records nothing, not
     * even the unseen gold label of the other head. */
    const char *gold[2] = {"new", "pos"};
    size_t bad[2] = {A, 2};
    assert_int_equal(slant_eval_add(ev, gold, bad, &err), SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "tone"));
    assert_int_equal(slant_eval_documents(ev), 1);
    assert_int_equal(slant_eval_classes(ev, 0), 4);
    assert_int_equal(slant_eval_count(ev, 1, POS, POS), 0);

    /* Out-of-range reads give nothing. */
    assert_null(slant_eval_head_name(ev, 2));
    assert_null(slant_eval_class_name(ev, 0, 4));
    assert_int_equal(slant_eval_classes(ev, 2), 0);
    assert_int_equal(slant_eval_count(ev, 0, 0, 9), 0);
    assert_float_equal(slant_eval_accuracy(ev, 5), 0, TOL);
    slant_eval_free(ev);
    slant_eval_free(NULL);

    /* Duplicate names are refused. */
    static const char *const heads[] = {"h", "h"};
    static const char *const cls[] = {"u", "v", "u"};
    static const char *const *const classes[] = {cls, cls};
    size_t nc1[] = {2, 2}, nc3[] = {3};
    slant_eval *bad_ev = NULL;
    assert_int_equal(slant_eval_create(2, heads, nc1, classes, &bad_ev, &err),
                     SLANT_STATUS_BAD_OPTION);
    assert_null(bad_ev);
    assert_int_equal(slant_eval_create(1, heads, nc3, classes, &bad_ev, &err),
                     SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "\"u\""));
    assert_null(bad_ev);
}

static void test_new_like(void **state)
{
    (void)state;
    slant_eval *ev = two_heads(), *like = NULL;
    slant_error err = {{0}};
    add_documents(ev);
    assert_int_equal(slant_eval_new_like(ev, &like, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_eval_documents(like), 0);
    assert_int_equal(slant_eval_heads(like), 2);
    for (size_t h = 0; h < 2; h++) {
        assert_string_equal(slant_eval_head_name(like, h), slant_eval_head_name(ev, h));
        size_t nc = slant_eval_classes(ev, h);
        /* The appended class d comes along, in place. */
        assert_int_equal(slant_eval_classes(like, h), nc);
        for (size_t g = 0; g < nc; g++) {
            assert_string_equal(slant_eval_class_name(like, h, g),
                                slant_eval_class_name(ev, h, g));
            for (size_t p = 0; p < nc; p++)
                assert_int_equal(slant_eval_count(like, h, g, p), 0);
        }
        assert_float_equal(slant_eval_accuracy(like, h), 0, TOL);
    }
    /* The copy is independent: recording in it leaves the original alone. */
    const char *gold[2] = {"d", NULL};
    size_t pred[2] = {D_, 0};
    assert_int_equal(slant_eval_add(like, gold, pred, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_eval_count(like, 0, D_, D_), 1);
    assert_int_equal(slant_eval_count(ev, 0, D_, D_), 0);
    slant_eval_free(like);
    slant_eval_free(ev);
}

static void test_add_names(void **state)
{
    (void)state;
    slant_eval *ev = two_heads();
    slant_error err = {{0}};
    /* Predictions by name land on the same class whatever its index, and an
     * unknown predicted name is appended like an unknown gold one. */
    const char *gold1[2] = {"b", "neg"}, *pred1[2] = {"b", "pos"};
    const char *gold2[2] = {"c", NULL}, *pred2[2] = {"zeta", NULL};
    assert_int_equal(slant_eval_add_names(ev, gold1, pred1, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_eval_add_names(ev, gold2, pred2, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_eval_documents(ev), 2);
    assert_int_equal(slant_eval_count(ev, 0, B, B), 1);
    assert_int_equal(slant_eval_count(ev, 1, NEG, POS), 1);
    assert_int_equal(slant_eval_classes(ev, 0), 5);
    assert_string_equal(slant_eval_class_name(ev, 0, 4), "zeta");
    assert_int_equal(slant_eval_count(ev, 0, C, 4), 1);
    size_t cls = 0;
    assert_int_equal(slant_eval_class_index(ev, 0, "zeta", &cls, &err), SLANT_STATUS_OK);
    assert_int_equal(cls, 4);
    assert_int_equal(slant_eval_head_index(ev, "tone"), 1);
    assert_int_equal(slant_eval_head_index(ev, "colour"), (size_t)-1);
    /* A gold label without a prediction is refused. */
    const char *pred3[2] = {NULL, NULL};
    assert_int_equal(slant_eval_add_names(ev, gold1, pred3, &err), SLANT_STATUS_BAD_OPTION);
    assert_int_equal(slant_eval_documents(ev), 2);
    slant_eval_free(ev);
}

/* Many classes appended one by one: the matrix keeps every count when it
 * grows. */
static void test_growth(void **state)
{
    (void)state;
    static const char *const heads[] = {"h"};
    static const char *const cls[] = {"c0"};
    static const char *const *const classes[] = {cls};
    size_t nc[] = {1};
    slant_eval *ev = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_eval_create(1, heads, nc, classes, &ev, &err), SLANT_STATUS_OK);
    char name[16];
    for (int i = 1; i <= 100; i++) {
        snprintf(name, sizeof name, "g%03d", 100 - i); /* arriving out of sorted order */
        const char *gold[1] = {name};
        size_t pred[1] = {0};
        assert_int_equal(slant_eval_add(ev, gold, pred, &err), SLANT_STATUS_OK);
        assert_int_equal(slant_eval_add(ev, gold, pred, &err), SLANT_STATUS_OK);
    }
    assert_int_equal(slant_eval_classes(ev, 0), 101);
    for (size_t g = 1; g <= 100; g++) {
        snprintf(name, sizeof name, "g%03zu", 100 - g);
        assert_string_equal(slant_eval_class_name(ev, 0, g), name);
        assert_int_equal(slant_eval_count(ev, 0, g, 0), 2);
        assert_int_equal(slant_eval_count(ev, 0, g, g), 0);
    }
    /* Precision of c0: 0 of 200; every gold class has F1 0, c0 too. */
    assert_float_equal(slant_eval_macro_f1(ev, 0), 0, TOL);
    slant_eval_free(ev);
}

/* ------------------------------------------------------------------ */
/* Cross-validation                                                    */
/* ------------------------------------------------------------------ */

static const char *const sport_words[] = {"goal", "match", "team", "score",
                                          "referee", "league", "striker", "keeper"};
static const char *const food_words[] = {"oven", "recipe", "flour", "bake",
                                         "sauce", "pepper", "onion", "garlic"};

/* N documents, alternately sport and food, each five words of its topic and
 * two shared ones; RARE adds one last document of a class "art" (sorted
 * before the others) so that one fold's model never sees it. */
static slant_corpus *topic_corpus(size_t n, int rare)
{
    size_t total = n + (rare ? 1 : 0);
    char **texts = calloc(total, sizeof *texts);
    const char **labels = calloc(total, sizeof *labels);
    assert_non_null(texts);
    assert_non_null(labels);
    for (size_t i = 0; i < n; i++) {
        const char *const *w = i % 2 ? sport_words : food_words;
        texts[i] = malloc(128);
        assert_non_null(texts[i]);
        snprintf(texts[i], 128, "the %s %s and %s with %s %s", w[i % 8], w[(i * 3 + 1) % 8],
                 w[(i * 5 + 2) % 8], w[(i + 3) % 8], w[(i * 7 + 4) % 8]);
        labels[i] = i % 2 ? "sport" : "food";
    }
    if (rare) {
        texts[n] = malloc(128);
        assert_non_null(texts[n]);
        snprintf(texts[n], 128, "the painting with a brush");
        labels[n] = "art";
    }
    static const char *const heads[] = {"topic"};
    slant_corpus *corpus = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_from_memory(total, (const char *const *)texts, 1, heads, labels,
                                              &corpus, &err),
                     SLANT_STATUS_OK);
    for (size_t i = 0; i < total; i++)
        free(texts[i]);
    free(texts);
    free(labels);
    return corpus;
}

static void test_cross_validate(void **state)
{
    (void)state;
    slant_corpus *corpus = topic_corpus(40, 0);
    slant_options opt;
    slant_options_init(&opt);
    slant_eval *ev = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_cross_validate(corpus, &opt, 4, &ev, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_eval_documents(ev), 40);
    assert_true(slant_eval_accuracy(ev, 0) >= 0.9);
    /* Every document is held out exactly once. */
    uint64_t total = 0;
    for (size_t g = 0; g < slant_eval_classes(ev, 0); g++)
        total += slant_eval_class(ev, 0, g).support;
    assert_int_equal(total, 40);
    slant_eval_free(ev);
    slant_corpus_free(corpus);
}

/* A class with one document is missing from the training folds of the fold
 * that holds it, so that fold's model has classes {food, sport} where the
 * others have {art, food, sport}: predictions must be pooled by name. */
static void test_cross_validate_rare_class(void **state)
{
    (void)state;
    slant_corpus *corpus = topic_corpus(40, 1);
    slant_options opt;
    slant_options_init(&opt);
    slant_eval *ev = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_cross_validate(corpus, &opt, 4, &ev, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_eval_documents(ev), 41);
    size_t nc = slant_eval_classes(ev, 0), art = nc, food = nc, sport = nc;
    assert_int_equal(nc, 3);
    for (size_t c = 0; c < nc; c++) {
        const char *name = slant_eval_class_name(ev, 0, c);
        if (strcmp(name, "art") == 0)
            art = c;
        else if (strcmp(name, "food") == 0)
            food = c;
        else if (strcmp(name, "sport") == 0)
            sport = c;
    }
    assert_true(art < nc && food < nc && sport < nc);
    assert_int_equal(slant_eval_class(ev, 0, art).support, 1);
    assert_int_equal(slant_eval_class(ev, 0, food).support, 20);
    assert_int_equal(slant_eval_class(ev, 0, sport).support, 20);
    /* Mapping by index would send a whole fold's food and sport to the
     * wrong classes. */
    assert_true(slant_eval_count(ev, 0, food, food) >= 18);
    assert_true(slant_eval_count(ev, 0, sport, sport) >= 18);
    slant_eval_free(ev);
    slant_corpus_free(corpus);
}

/* The same seed gives the same folds and figures whatever the thread count;
 * bad fold counts are refused. */
static void test_cross_validate_deterministic(void **state)
{
    (void)state;
    slant_corpus *corpus = topic_corpus(30, 1);
    slant_options opt;
    slant_options_init(&opt);
    opt.seed = 7;
    slant_eval *e1 = NULL, *e2 = NULL;
    slant_error err = {{0}};
    opt.threads = 1;
    assert_int_equal(slant_cross_validate(corpus, &opt, 3, &e1, &err), SLANT_STATUS_OK);
    opt.threads = 4;
    assert_int_equal(slant_cross_validate(corpus, &opt, 3, &e2, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_eval_classes(e1, 0), slant_eval_classes(e2, 0));
    for (size_t g = 0; g < slant_eval_classes(e1, 0); g++) {
        assert_string_equal(slant_eval_class_name(e1, 0, g), slant_eval_class_name(e2, 0, g));
        for (size_t p = 0; p < slant_eval_classes(e1, 0); p++)
            assert_int_equal(slant_eval_count(e1, 0, g, p), slant_eval_count(e2, 0, g, p));
    }
    slant_eval_free(e1);
    slant_eval_free(e2);

    slant_eval *bad = NULL;
    assert_int_equal(slant_cross_validate(corpus, &opt, 1, &bad, &err), SLANT_STATUS_BAD_OPTION);
    assert_null(bad);
    assert_int_equal(slant_cross_validate(corpus, &opt, 32, &bad, &err),
                     SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "31"));
    assert_null(bad);
    slant_corpus_free(corpus);
}

/* slant_eval_corpus matches heads by name: a corpus without the model's
 * head is refused with the head's name. */
static void test_eval_corpus_heads(void **state)
{
    (void)state;
    slant_corpus *corpus = topic_corpus(20, 0);
    slant_options opt;
    slant_options_init(&opt);
    slant_model *model = NULL;
    slant_eval *ev = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_train(corpus, &opt, &model, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_eval_new(model, &ev, &err), SLANT_STATUS_OK);

    /* The same texts under two columns, the model's "topic" second. */
    size_t n = slant_corpus_size(corpus);
    const char **texts = calloc(n, sizeof *texts), **labels = calloc(2 * n, sizeof *labels);
    assert_non_null(texts);
    assert_non_null(labels);
    for (size_t d = 0; d < n; d++) {
        texts[d] = slant_corpus_text(corpus, d, NULL);
        labels[2 * d] = "extra";
        labels[2 * d + 1] = slant_corpus_label(corpus, d, 0);
    }
    static const char *const swapped[] = {"other", "topic"};
    static const char *const wrong[] = {"other", "subject"};
    slant_corpus *c2 = NULL, *c3 = NULL;
    assert_int_equal(slant_corpus_from_memory(n, texts, 2, swapped, labels, &c2, &err),
                     SLANT_STATUS_OK);
    assert_int_equal(slant_corpus_from_memory(n, texts, 2, wrong, labels, &c3, &err),
                     SLANT_STATUS_OK);
    assert_int_equal(slant_eval_corpus(ev, model, c2, NULL, n, 2, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_eval_documents(ev), n);
    assert_int_equal(slant_eval_classes(ev, 0), 2);
    assert_true(slant_eval_accuracy(ev, 0) >= 0.9);

    assert_int_equal(slant_eval_corpus(ev, model, c3, NULL, n, 2, &err), SLANT_STATUS_BAD_INPUT);
    assert_non_null(strstr(err.message, "\"topic\""));
    assert_int_equal(slant_eval_documents(ev), n);

    /* A subset: documents 0 and 3 only. */
    slant_eval *sub = NULL;
    size_t docs[] = {0, 3};
    assert_int_equal(slant_eval_new_like(ev, &sub, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_eval_corpus(sub, model, corpus, docs, 2, 1, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_eval_documents(sub), 2);
    size_t past[] = {n};
    assert_int_equal(slant_eval_corpus(sub, model, corpus, past, 1, 1, &err),
                     SLANT_STATUS_BAD_OPTION);
    assert_int_equal(slant_eval_documents(sub), 2);

    free(texts);
    free(labels);
    slant_eval_free(sub);
    slant_eval_free(ev);
    slant_model_free(model);
    slant_corpus_free(c3);
    slant_corpus_free(c2);
    slant_corpus_free(corpus);
}

/* eval knows its model's own training corpus by the recorded hash, read
 * whole or in batches, whatever other columns it has; not a part of it,
 * another order or the corpus twice. */
static void test_training_corpus(void **state)
{
    (void)state;
    slant_corpus *corpus = topic_corpus(20, 0);
    size_t n = slant_corpus_size(corpus);
    slant_options opt;
    slant_options_init(&opt);
    slant_model *model = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_train(corpus, &opt, &model, &err), SLANT_STATUS_OK);

    slant_eval *ev = NULL;
    assert_int_equal(slant_eval_new(model, &ev, &err), SLANT_STATUS_OK);
    assert_false(slant_eval_on_training_corpus(ev));
    assert_int_equal(slant_eval_corpus(ev, model, corpus, NULL, 0, 1, &err), SLANT_STATUS_OK);
    assert_true(slant_eval_on_training_corpus(ev));
    assert_int_equal(slant_eval_corpus(ev, model, corpus, NULL, 0, 1, &err), SLANT_STATUS_OK);
    assert_false(slant_eval_on_training_corpus(ev)); /* twice is not the corpus */
    slant_eval_free(ev);

    /* two batches, each with an extra column before the model's head */
    const char **texts = calloc(n, sizeof *texts), **labels = calloc(2 * n, sizeof *labels);
    assert_non_null(texts);
    assert_non_null(labels);
    for (size_t d = 0; d < n; d++) {
        texts[d] = slant_corpus_text(corpus, d, NULL);
        labels[2 * d] = "extra";
        labels[2 * d + 1] = slant_corpus_label(corpus, d, 0);
    }
    static const char *const heads[] = {"other", "topic"};
    slant_corpus *a = NULL, *b = NULL;
    size_t half = n / 2;
    assert_int_equal(slant_corpus_from_memory(half, texts, 2, heads, labels, &a, &err), 0);
    assert_int_equal(slant_corpus_from_memory(n - half, texts + half, 2, heads, labels + 2 * half,
                                              &b, &err), 0);
    assert_int_equal(slant_eval_new(model, &ev, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_eval_corpus(ev, model, a, NULL, 0, 2, &err), SLANT_STATUS_OK);
    assert_false(slant_eval_on_training_corpus(ev));
    assert_int_equal(slant_eval_corpus(ev, model, b, NULL, 0, 2, &err), SLANT_STATUS_OK);
    assert_true(slant_eval_on_training_corpus(ev));
    slant_eval_free(ev);
    /* the batches the other way round */
    assert_int_equal(slant_eval_new(model, &ev, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_eval_corpus(ev, model, b, NULL, 0, 2, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_eval_corpus(ev, model, a, NULL, 0, 2, &err), SLANT_STATUS_OK);
    assert_false(slant_eval_on_training_corpus(ev));
    slant_eval_free(ev);
    /* every document, listed: a subset's call never counts */
    size_t *all = calloc(n, sizeof *all);
    assert_non_null(all);
    for (size_t d = 0; d < n; d++)
        all[d] = d;
    assert_int_equal(slant_eval_new(model, &ev, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_eval_corpus(ev, model, corpus, all, n, 1, &err), SLANT_STATUS_OK);
    assert_false(slant_eval_on_training_corpus(ev));
    slant_eval_free(ev);

    /* heads by name: an unknown one is refused, a known one kept alone */
    static const char *const topic[] = {"topic"}, *const mood[] = {"mood"};
    assert_int_equal(slant_eval_new_heads(model, mood, 1, &ev, &err), SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "no head \"mood\""));
    assert_int_equal(slant_eval_new_heads(model, topic, 1, &ev, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_eval_heads(ev), 1);
    assert_int_equal(slant_eval_labeled(ev, 0), 0);
    assert_int_equal(slant_eval_corpus(ev, model, corpus, NULL, 0, 1, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_eval_labeled(ev, 0), n);
    slant_eval_free(ev);

    free(all);
    free(texts);
    free(labels);
    slant_corpus_free(a);
    slant_corpus_free(b);
    slant_model_free(model);
    slant_corpus_free(corpus);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_topic),
        cmocka_unit_test(test_tone),
        cmocka_unit_test(test_skips_and_errors),
        cmocka_unit_test(test_new_like),
        cmocka_unit_test(test_add_names),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_cross_validate),
        cmocka_unit_test(test_cross_validate_rare_class),
        cmocka_unit_test(test_cross_validate_deterministic),
        cmocka_unit_test(test_eval_corpus_heads),
        cmocka_unit_test(test_training_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
