/*
 * test_explain.c: explanations against their definition.  For every
 * linear kind (nb, cnb, lr by either solver, nbsvm, svm with the linear
 * kernel), on a head of three classes and one of two: the chosen class and
 * the runner-up are the model's two best scores, computed here from the
 * weights on their own; the margin is their difference, and for a softmax
 * head the log of the ratio of slant_model_predict's probabilities; the
 * intercept plus every contribution is the margin within 1e-5; K lists are
 * the first K of the whole lists, and what they leave out is summed in
 * rest.  The counts are the text's occurrences, bucket names "#N", the
 * corpus call agrees with the one-text call at any thread count, an RBF
 * head is refused, and label's columns with explanations cannot clash.
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

#include "model.h"
#include "rng.h"
#include "slant.h"

enum { N = 150, HELD_OUT = 12 };

static char text_buf[N + HELD_OUT][400];
static const char *texts[N + HELD_OUT], *labels[N * 2];

static const char *const topics[3] = {"chips", "trade", "energy"};
static const char *const topic_words[3][4] = {{"wafer", "foundry", "chip", "yields"},
                                              {"tariff", "port", "ships", "exports"},
                                              {"oil", "grid", "solar", "pipeline"}};
static const char *const tone_words[2][3] = {{"gains", "record", "boom"},
                                             {"losses", "slump", "fears"}};

/* A document of topic T and tone U: words of both, and noise. */
static void make_text(char *p, size_t left, int t, int u)
{
    int n = 0;
    for (int k = 0; k < 12; k++) {
        double r = uniform01();
        const char *w;
        char noise[16];
        if (r < 0.35)
            w = topic_words[r < 0.25 ? t : (t + 1) % 3][(int)(uniform01() * 4)];
        else if (r < 0.55)
            w = tone_words[r < 0.5 ? u : 1 - u][(int)(uniform01() * 3)];
        else {
            snprintf(noise, sizeof noise, "w%d", (int)(uniform01() * 40));
            w = noise;
        }
        n += snprintf(p + n, left - (size_t)n, "%s%s", k ? " " : "", w);
    }
}

static slant_corpus *news_corpus(void)
{
    rng_state = 5;
    for (size_t i = 0; i < N + HELD_OUT; i++) {
        int t = (int)(i % 3), u = (int)((i / 3) % 2);
        make_text(text_buf[i], sizeof text_buf[i], t, u);
        texts[i] = text_buf[i];
        if (i < N) {
            labels[2 * i] = topics[t];
            labels[2 * i + 1] = u ? "gloomy" : "upbeat";
        }
    }
    const char *heads[2] = {"topic", "tone"};
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_from_memory(N, texts, 2, heads, labels, &c, &err),
                     SLANT_STATUS_OK);
    return c;
}

static slant_model *train_kind(const slant_corpus *c, slant_model_kind kind, slant_solver solver,
                               uint32_t hash_bits)
{
    slant_options opt;
    slant_options_init(&opt);
    opt.model = kind;
    if (kind == SLANT_MODEL_KIND_LR)
        opt.solver = solver;
    opt.min_count = 1;
    opt.hash_bits = hash_bits;
    opt.threads = 1;
    /* The raw scores' own probabilities, so that a softmax head's margin is
     * the log of labeling's odds (test_calibrated checks a mapped model). */
    opt.calibrate = SLANT_CALIBRATION_NONE;
    slant_model *m = NULL;
    slant_error err = {{0}};
    slant_status st = slant_train(c, &opt, &m, &err);
    if (st)
        fail_msg("training %s: %s", slant_model_kind_name(kind), err.message);
    return m;
}

static double listed_sum(const slant_explanation *e)
{
    double s = 0;
    for (size_t i = 0; i < e->n_toward; i++)
        s += e->toward[i].contribution;
    for (size_t i = 0; i < e->n_away; i++)
        s += e->away[i].contribution;
    return s;
}

/* The scores of head H for TEXT, from the weights, independently of
 * explain.c: z (output) has the head's classes. */
static void scores(const slant_model *m, size_t h, const char *text, double *z)
{
    slant_feature x[512];
    size_t n = slant_model_vectorize(m, text, strlen(text), x, 512);
    assert_true(n <= 512);
    const slant_head *hd = &m->heads[h];
    for (size_t c = 0; c < hd->n_classes; c++) {
        long double s = hd->bias[c];
        for (size_t j = 0; j < n; j++)
            s += (long double)x[j].value * hd->weights[(size_t)x[j].index * hd->n_classes + c];
        z[c] = (double)s;
    }
}

static void check_model(const slant_model *m)
{
    size_t nh = slant_model_heads(m), tc = slant_model_total_classes(m);
    double probs[8];
    size_t best[2];
    assert_true(tc <= 8 && nh == 2);
    for (size_t d = N; d < N + HELD_OUT; d++) {
        slant_error err = {{0}};
        const char *t = texts[d];
        assert_int_equal(slant_model_predict(m, t, strlen(t), probs, best, &err), SLANT_STATUS_OK);
        for (size_t h = 0; h < nh; h++) {
            slant_explanation *e = NULL, *e3 = NULL;
            assert_int_equal(slant_model_explain(m, t, strlen(t), h, SLANT_EXPLAIN_ALL, &e, &err),
                             SLANT_STATUS_OK);
            assert_int_equal(e->head, h);
            assert_int_equal(e->chosen, best[h]);
            assert_true(e->runner_up != e->chosen && e->runner_up < slant_model_classes(m, h));
            /* The definition: the two best scores and their difference. */
            double z[3];
            scores(m, h, t, z);
            for (size_t c = 0; c < slant_model_classes(m, h); c++) {
                assert_true(z[c] <= z[e->chosen] + 1e-9);
                if (c != e->chosen)
                    assert_true(z[c] <= z[e->runner_up] + 1e-9);
            }
            double scale = 1 + fabs(z[e->chosen]);
            assert_true(fabs(e->margin - (z[e->chosen] - z[e->runner_up])) < 1e-9 * scale);
            assert_true(e->margin >= 0);
            /* The sum, with every n-gram listed. */
            assert_true(fabs(e->intercept + listed_sum(e) - e->margin) < 1e-5);
            assert_int_equal(e->more_toward, 0);
            assert_int_equal(e->more_away, 0);
            assert_true(e->rest_toward == 0 && e->rest_away == 0);
            for (size_t i = 0; i < e->n_toward; i++) {
                assert_true(e->toward[i].contribution > 0);
                assert_true(i == 0 || e->toward[i].contribution <= e->toward[i - 1].contribution);
            }
            for (size_t i = 0; i < e->n_away; i++) {
                assert_true(e->away[i].contribution < 0);
                assert_true(i == 0 || e->away[i].contribution >= e->away[i - 1].contribution);
            }
            assert_true(e->n_toward > 0);
            /* A softmax head: the margin is the log of the odds labeling
             * gives (one against the rest takes log-sigmoids first). */
            if (!m->heads[h].one_vs_rest) {
                size_t off = slant_model_class_offset(m, h);
                double pc = probs[off + e->chosen], pr = probs[off + e->runner_up];
                if (pr > 1e-250)
                    assert_true(fabs(log(pc / pr) - e->margin) < 1e-6 * (1 + e->margin));
            }
            /* Three each way: the first three of the whole lists, the rest summed. */
            assert_int_equal(slant_model_explain(m, t, strlen(t), h, 3, &e3, &err),
                             SLANT_STATUS_OK);
            assert_true(e3->n_toward <= 3 && e3->n_away <= 3);
            assert_int_equal(e3->n_toward + e3->more_toward, e->n_toward);
            assert_int_equal(e3->n_away + e3->more_away, e->n_away);
            for (size_t i = 0; i < e3->n_toward; i++)
                assert_memory_equal(&e3->toward[i], &e->toward[i], sizeof e->toward[i]);
            for (size_t i = 0; i < e3->n_away; i++)
                assert_memory_equal(&e3->away[i], &e->away[i], sizeof e->away[i]);
            assert_true(fabs(e3->intercept + listed_sum(e3) + e3->rest_toward + e3->rest_away
                             - e3->margin) < 1e-5);
            assert_true(e3->margin == e->margin && e3->intercept == e->intercept);
            /* None listed: the margin from the sums alone. */
            slant_explanation *e0 = NULL;
            assert_int_equal(slant_model_explain(m, t, strlen(t), h, 0, &e0, &err),
                             SLANT_STATUS_OK);
            assert_true(e0->n_toward == 0 && e0->n_away == 0);
            assert_int_equal(e0->more_toward, e->n_toward);
            assert_int_equal(e0->more_away, e->n_away);
            assert_true(fabs(e0->intercept + e0->rest_toward + e0->rest_away - e0->margin) < 1e-5);
            slant_explanation_free(e);
            slant_explanation_free(e3);
            slant_explanation_free(e0);
        }
    }
}

static void check_kind(slant_model_kind kind, slant_solver solver)
{
    slant_corpus *c = news_corpus();
    slant_model *m = train_kind(c, kind, solver, 0);
    check_model(m);
    slant_model_free(m);
    slant_corpus_free(c);
}

static void test_nb(void **state) { (void)state; check_kind(SLANT_MODEL_KIND_NB, 0); }
static void test_cnb(void **state) { (void)state; check_kind(SLANT_MODEL_KIND_CNB, 0); }
static void test_lr_dual(void **state)
{
    (void)state;
    check_kind(SLANT_MODEL_KIND_LR, SLANT_SOLVER_DUAL);
}
static void test_lr_lbfgs(void **state)
{
    (void)state;
    check_kind(SLANT_MODEL_KIND_LR, SLANT_SOLVER_LBFGS);
}
static void test_nbsvm(void **state) { (void)state; check_kind(SLANT_MODEL_KIND_NBSVM, 0); }
static void test_svm_linear(void **state) { (void)state; check_kind(SLANT_MODEL_KIND_SVM, 0); }

static void test_hashed(void **state)
{
    (void)state;
    slant_corpus *c = news_corpus();
    slant_model *m = train_kind(c, SLANT_MODEL_KIND_LR, SLANT_SOLVER_DUAL, 10);
    check_model(m);
    slant_explanation *e = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_model_explain(m, texts[N], strlen(texts[N]), 0, 5, &e, &err),
                     SLANT_STATUS_OK);
    for (size_t i = 0; i < e->n_toward; i++) {
        char name[64], want[64];
        assert_int_equal(slant_model_feature_name(m, e->toward[i].feature, name, sizeof name),
                         SLANT_STATUS_OK);
        snprintf(want, sizeof want, "#%u", e->toward[i].feature);
        assert_string_equal(name, want);
    }
    slant_explanation_free(e);
    slant_model_free(m);
    slant_corpus_free(c);
}

/* The count of the listed n-gram NAME in E, or -1 when it is not listed. */
static long count_of(const slant_model *m, const slant_explanation *e, const char *name)
{
    for (int side = 0; side < 2; side++) {
        const slant_contribution *l = side ? e->away : e->toward;
        size_t n = side ? e->n_away : e->n_toward;
        for (size_t i = 0; i < n; i++) {
            char buf[128];
            slant_model_feature_name(m, l[i].feature, buf, sizeof buf);
            if (!strcmp(buf, name))
                return (long)l[i].count;
        }
    }
    return -1;
}

static void test_counts(void **state)
{
    (void)state;
    slant_corpus *c = news_corpus();
    slant_error err = {{0}};
    /* tf-idf and L2 change the values, not the counts. */
    slant_model *m = train_kind(c, SLANT_MODEL_KIND_LR, SLANT_SOLVER_DUAL, 0);
    const char *t = "wafer wafer foundry wafer tariff foundry wafer wafer";
    slant_explanation *e = NULL;
    assert_int_equal(slant_model_explain(m, t, strlen(t), 0, SLANT_EXPLAIN_ALL, &e, &err),
                     SLANT_STATUS_OK);
    assert_int_equal(count_of(m, e, "wafer"), 5);
    assert_int_equal(count_of(m, e, "foundry"), 2);
    assert_int_equal(count_of(m, e, "tariff"), 1);
    assert_int_equal(count_of(m, e, "wafer wafer"), 2);
    assert_int_equal(count_of(m, e, "wafer foundry"), 1);
    slant_explanation_free(e);
    slant_model_free(m);
    /* A hashed bucket counts every n-gram of the text in it: with raw
     * counts as values, each count is the vector's value. */
    slant_options opt;
    slant_options_init(&opt);
    opt.min_count = 1;
    opt.hash_bits = 3;
    opt.weighting = SLANT_WEIGHTING_COUNTS;
    opt.threads = 1;
    assert_int_equal(slant_train(c, &opt, &m, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_model_explain(m, t, strlen(t), 1, SLANT_EXPLAIN_ALL, &e, &err),
                     SLANT_STATUS_OK);
    slant_feature x[16];
    size_t n = slant_model_vectorize(m, t, strlen(t), x, 16);
    assert_true(n <= 8);
    size_t total = 0;
    for (size_t j = 0; j < n; j++) {
        int found = 0;
        for (size_t i = 0; i < e->n_toward + e->n_away; i++) {
            const slant_contribution *ct =
                i < e->n_toward ? &e->toward[i] : &e->away[i - e->n_toward];
            if (ct->feature == x[j].index) {
                assert_int_equal(ct->count, (uint32_t)x[j].value);
                found = 1;
            }
        }
        total += found ? (size_t)x[j].value : 0;
    }
    assert_true(total > 0);
    slant_explanation_free(e);
    slant_model_free(m);
    slant_corpus_free(c);
}

static void test_corpus_threads(void **state)
{
    (void)state;
    slant_corpus *c = news_corpus();
    slant_model *m = train_kind(c, SLANT_MODEL_KIND_LR, SLANT_SOLVER_LBFGS, 0);
    size_t n = slant_corpus_size(c), nh = slant_model_heads(m), tc = slant_model_total_classes(m);
    double *p1 = malloc(n * tc * sizeof *p1), *p2 = malloc(n * tc * sizeof *p2),
           *pl = malloc(n * tc * sizeof *pl);
    size_t *b1 = malloc(n * nh * sizeof *b1), *bl = malloc(n * nh * sizeof *bl);
    slant_explanation **e1 = malloc(n * nh * sizeof *e1), **e2 = malloc(n * nh * sizeof *e2);
    slant_error err = {{0}};
    assert_int_equal(slant_model_explain_corpus(m, c, 0, n, 1, 4, p1, b1, e1, &err),
                     SLANT_STATUS_OK);
    assert_int_equal(slant_model_explain_corpus(m, c, 0, n, 2, 4, p2, NULL, e2, &err),
                     SLANT_STATUS_OK);
    assert_int_equal(slant_model_predict_corpus(m, c, 0, n, 1, pl, bl, &err), SLANT_STATUS_OK);
    assert_memory_equal(p1, p2, n * tc * sizeof *p1);
    assert_memory_equal(p1, pl, n * tc * sizeof *p1);
    assert_memory_equal(b1, bl, n * nh * sizeof *b1);
    for (size_t d = 0; d < n; d++)
        for (size_t h = 0; h < nh; h++) {
            const slant_explanation *a = e1[d * nh + h], *b = e2[d * nh + h];
            slant_explanation *one = NULL;
            size_t len;
            const char *t = slant_corpus_text(c, d, &len);
            assert_int_equal(slant_model_explain(m, t, len, h, 4, &one, &err), SLANT_STATUS_OK);
            assert_int_equal(a->chosen, b1[d * nh + h]);
            assert_true(a->margin == b->margin && a->margin == one->margin);
            assert_int_equal(a->n_toward, b->n_toward);
            assert_int_equal(a->n_away, one->n_away);
            assert_memory_equal(a->toward, b->toward, a->n_toward * sizeof *a->toward);
            assert_memory_equal(a->away, one->away, a->n_away * sizeof *a->away);
            slant_explanation_free(one);
            slant_explanation_free(e1[d * nh + h]);
            slant_explanation_free(e2[d * nh + h]);
        }
    assert_int_equal(slant_model_explain(m, "x", 1, 2, 4, e1, &err), SLANT_STATUS_BAD_OPTION);
    assert_null(e1[0]);
    free(p1), free(p2), free(pl), free(b1), free(bl), free(e1), free(e2);
    slant_model_free(m);
    slant_corpus_free(c);
}

static void test_rbf_refused(void **state)
{
    (void)state;
    slant_corpus *c = news_corpus();
    slant_options opt;
    slant_options_init(&opt);
    opt.model = SLANT_MODEL_KIND_SVM;
    opt.kernel = SLANT_KERNEL_RBF;
    opt.min_count = 1;
    opt.threads = 1;
    slant_model *m = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_train(c, &opt, &m, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_model_explainable(m, &err), SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "head \"topic\" is an svm with the rbf kernel"));
    slant_explanation dummy, *e = &dummy; /* to see it set to NULL */
    memset(&err, 0, sizeof err);
    assert_int_equal(slant_model_explain(m, texts[0], strlen(texts[0]), 1, 3, &e, &err),
                     SLANT_STATUS_BAD_OPTION);
    assert_null(e);
    assert_non_null(strstr(err.message, "rbf kernel"));
    double probs[5];
    slant_explanation *out[2];
    assert_int_equal(slant_model_explain_corpus(m, c, 0, 1, 1, 3, probs, NULL, out, &err),
                     SLANT_STATUS_BAD_OPTION);
    assert_null(out[0]);
    slant_model_free(m);
    slant_corpus_free(c);
}

static void test_columns_clash(void **state)
{
    (void)state;
    char buf[512];
    const char *fine[] = {"topic", "tone", "topic_prob_x"};
    assert_null(slant_explain_columns_clash(fine, 3, buf, sizeof buf));
    const char *why[] = {"topic", "topic_why"};
    assert_non_null(slant_explain_columns_clash(why, 2, buf, sizeof buf));
    assert_non_null(strstr(buf, "two \"topic_why\" columns"));
    const char *prob[] = {"tone_prob", "tone"};
    assert_non_null(slant_explain_columns_clash(prob, 2, buf, sizeof buf));
    assert_non_null(strstr(buf, "two \"tone_prob\" columns"));
    const char *id[] = {"tone", "id"};
    assert_non_null(slant_explain_columns_clash(id, 2, buf, sizeof buf));
    assert_non_null(strstr(buf, "\"id\""));
    /* "a_why" and "a" clash; "a_whyx" and "a" do not. */
    const char *near[] = {"a_whyx", "a", "a_pro"};
    assert_null(slant_explain_columns_clash(near, 3, buf, sizeof buf));
    const char *empty[] = {"", "_why"};
    assert_non_null(slant_explain_columns_clash(empty, 2, buf, sizeof buf));
}

/* A map other than temperature may move the label off the top raw score:
 * the explanation is of the label reported, against the other class of the
 * highest score, and still adds up. */
static void test_calibrated(void **state)
{
    (void)state;
    slant_corpus *c = news_corpus();
    slant_options opt;
    slant_options_init(&opt);
    opt.min_count = 1;
    opt.threads = 1;
    opt.calibrate = SLANT_CALIBRATION_ISOTONIC;
    slant_model *m = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_train(c, &opt, &m, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_model_calibration(m, 0), SLANT_CALIBRATION_ISOTONIC);
    for (size_t d = 0; d < N + HELD_OUT; d++) {
        double probs[8];
        size_t best[2];
        const char *t = texts[d];
        assert_int_equal(slant_model_predict(m, t, strlen(t), probs, best, &err), SLANT_STATUS_OK);
        for (size_t h = 0; h < slant_model_heads(m); h++) {
            slant_explanation *e = NULL;
            assert_int_equal(slant_model_explain(m, t, strlen(t), h, SLANT_EXPLAIN_ALL, &e, &err),
                             SLANT_STATUS_OK);
            assert_int_equal(e->chosen, best[h]);
            double z[3];
            scores(m, h, t, z);
            for (size_t k = 0; k < slant_model_classes(m, h); k++)
                if (k != e->chosen)
                    assert_true(z[k] <= z[e->runner_up] + 1e-9);
            assert_true(fabs(e->margin - (z[e->chosen] - z[e->runner_up]))
                        < 1e-9 * (1 + fabs(z[e->chosen])));
            assert_true(fabs(e->intercept + listed_sum(e) - e->margin) < 1e-5);
            slant_explanation_free(e);
        }
    }
    slant_model_free(m);
    slant_corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nb),           cmocka_unit_test(test_cnb),
        cmocka_unit_test(test_lr_dual),      cmocka_unit_test(test_lr_lbfgs),
        cmocka_unit_test(test_nbsvm),        cmocka_unit_test(test_svm_linear),
        cmocka_unit_test(test_hashed),       cmocka_unit_test(test_counts),
        cmocka_unit_test(test_corpus_threads), cmocka_unit_test(test_rbf_refused),
        cmocka_unit_test(test_columns_clash), cmocka_unit_test(test_calibrated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
