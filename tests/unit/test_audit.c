/*
 * test_audit.c: slant_audit on a small synthetic corpus with labels
 * planted wrong: the planted documents come first, the estimate is near
 * their number, the result does not depend on the thread count, and bad
 * requests fail with their message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slant.h"

#define N_DOCS 240
#define N_PLANTED 8

static const char *const sport_words[] = {"match", "goal", "striker", "league", "coach",
                                          "penalty", "season", "keeper", "derby", "referee"};
static const char *const vote_words[] = {"ballot", "senate", "minister", "election", "vote",
                                         "campaign", "parliament", "policy", "coalition",
                                         "mayor"};
static const char *const common_words[] = {"the", "a", "today", "after", "report", "week"};

/* Document i: six words of its topic and two common ones, varied by a
 * small generator; topic "sport" for even i, "politics" for odd.  The
 * first N_PLANTED documents of PLANTED get the other topic's label. */
static slant_corpus *planted_corpus(const size_t *planted, size_t n_planted, int second_head)
{
    static char text[N_DOCS][160];
    const char *texts[N_DOCS], *labels[2 * N_DOCS];
    const char *heads[2] = {"topic", "tone"};
    uint64_t s = 7;
    for (size_t i = 0; i < N_DOCS; i++) {
        const char *const *w = i % 2 ? vote_words : sport_words;
        size_t at = 0;
        for (int k = 0; k < 8; k++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            const char *word = k < 6 ? w[(s >> 33) % 10] : common_words[(s >> 33) % 6];
            at += (size_t)snprintf(text[i] + at, sizeof text[i] - at, "%s%s", k ? " " : "", word);
        }
        texts[i] = text[i];
        int wrong = 0;
        for (size_t p = 0; p < n_planted; p++)
            wrong |= planted[p] == i;
        labels[2 * i] = (i % 2) ^ wrong ? "politics" : "sport";
        labels[2 * i + 1] = i % 3 ? "calm" : "angry"; /* a second head, unrelated to the text */
    }
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    if (second_head) {
        assert_int_equal(slant_corpus_from_memory(N_DOCS, texts, 2, heads, labels, &c, &err),
                         SLANT_STATUS_OK);
    } else {
        const char *one[N_DOCS];
        for (size_t i = 0; i < N_DOCS; i++)
            one[i] = labels[2 * i];
        assert_int_equal(slant_corpus_from_memory(N_DOCS, texts, 1, heads, one, &c, &err),
                         SLANT_STATUS_OK);
    }
    return c;
}

static const size_t planted[N_PLANTED] = {3, 20, 41, 77, 110, 150, 181, 233};

static void options(slant_options *o, slant_cv_options *cvo, uint32_t threads)
{
    slant_options_init(o);
    o->model = SLANT_MODEL_KIND_NB;
    o->min_count = 1;
    o->threads = threads;
    slant_cv_options_init(cvo);
    cvo->folds = 5;
    cvo->keep_duplicates = 1;
}

static int is_planted(size_t doc)
{
    for (size_t p = 0; p < N_PLANTED; p++)
        if (planted[p] == doc)
            return 1;
    return 0;
}

static void test_planted_first(void **state)
{
    (void)state;
    slant_corpus *c = planted_corpus(planted, N_PLANTED, 0);
    slant_options o;
    slant_cv_options cvo;
    options(&o, &cvo, 1);
    slant_audit_result *r = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_audit(c, &o, &cvo, NULL, &r, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_audit_heads(r), 1);
    assert_string_equal(slant_audit_head_name(r, 0), "topic");
    assert_int_equal(slant_audit_head_documents(r, 0), N_DOCS);
    size_t est = slant_audit_head_estimated(r, 0);
    assert_true(est >= N_PLANTED && est <= 2 * N_PLANTED);
    assert_int_equal(slant_audit_count(r), est);
    /* the planted ones first, each with the right label suggested */
    for (size_t i = 0; i < N_PLANTED; i++) {
        slant_audit_entry e;
        assert_int_equal(slant_audit_get(r, i, &e), 0);
        assert_true(is_planted(e.doc));
        assert_true(e.flagged);
        assert_string_equal(e.suggested, e.doc % 2 ? "politics" : "sport");
        assert_string_not_equal(e.given, e.suggested);
        assert_true(e.p_given < e.p_suggested);
        assert_true(e.score < 0);
        char id[16];
        snprintf(id, sizeof id, "%zu", e.doc + 1);
        assert_string_equal(e.id, id);
        if (i) { /* ranked most suspect first */
            slant_audit_entry prev;
            slant_audit_get(r, i - 1, &prev);
            assert_true(prev.score <= e.score);
        }
    }
    slant_audit_entry e;
    assert_int_equal(slant_audit_get(r, slant_audit_count(r), &e), -1);
    slant_audit_result_free(r);
    slant_corpus_free(c);
}

/* A clean corpus: few or no suspects, and --top lists more, unflagged. */
static void test_clean_and_top(void **state)
{
    (void)state;
    slant_corpus *c = planted_corpus(NULL, 0, 0);
    slant_options o;
    slant_cv_options cvo;
    options(&o, &cvo, 1);
    slant_audit_result *r = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_audit(c, &o, &cvo, NULL, &r, &err), SLANT_STATUS_OK);
    assert_true(slant_audit_head_estimated(r, 0) <= 2);
    slant_audit_result_free(r);
    slant_audit_options ao;
    slant_audit_options_init(&ao);
    ao.top = 30;
    ao.rank = SLANT_AUDIT_RANK_CONFIDENCE;
    assert_int_equal(slant_audit(c, &o, &cvo, &ao, &r, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_audit_count(r), 30);
    for (size_t i = 0; i < 30; i++) {
        slant_audit_entry e;
        slant_audit_get(r, i, &e);
        assert_true(e.score == e.p_given);
        if (i && !e.flagged) {
            slant_audit_entry prev;
            slant_audit_get(r, i - 1, &prev);
            assert_true(prev.flagged || prev.score <= e.score);
        }
    }
    slant_audit_result_free(r);
    ao.top = SIZE_MAX;
    assert_int_equal(slant_audit(c, &o, &cvo, &ao, &r, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_audit_count(r), N_DOCS);
    slant_audit_result_free(r);
    slant_corpus_free(c);
}

/* The same entries on 1 thread and on 4, with near-duplicates sought. */
static void test_threads(void **state)
{
    (void)state;
    slant_corpus *c = planted_corpus(planted, N_PLANTED, 1);
    slant_options o1, o4;
    slant_cv_options cvo;
    options(&o1, &cvo, 1);
    options(&o4, &cvo, 4);
    o1.model = o4.model = SLANT_MODEL_KIND_LR;
    cvo.keep_duplicates = 0;
    slant_audit_options ao;
    slant_audit_options_init(&ao);
    ao.top = SIZE_MAX;
    slant_audit_result *a = NULL, *b = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_audit(c, &o1, &cvo, &ao, &a, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_audit(c, &o4, &cvo, &ao, &b, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_audit_heads(a), 2);
    assert_int_equal(slant_audit_count(a), slant_audit_count(b));
    assert_int_equal(slant_audit_count(a), 2 * N_DOCS);
    for (size_t i = 0; i < slant_audit_count(a); i++) {
        slant_audit_entry x, y;
        slant_audit_get(a, i, &x);
        slant_audit_get(b, i, &y);
        assert_int_equal(x.doc, y.doc);
        assert_int_equal(x.head, y.head);
        assert_true(x.p_given == y.p_given && x.score == y.score);
        assert_string_equal(x.suggested, y.suggested);
    }
    slant_audit_result_free(a);
    slant_audit_result_free(b);
    slant_corpus_free(c);
}

/* The second pass trains without what the first flagged: with many labels
 * planted wrong, those models are surer that the planted labels are wrong
 * (a lower mean p_given for them) than the first pass's, which learned
 * from them.  One pass gives the first models' figures. */
static double planted_mean_p_given(const slant_corpus *c, uint32_t passes, size_t n_planted,
                                   const size_t *which)
{
    slant_options o;
    slant_cv_options cvo;
    options(&o, &cvo, 1);
    slant_audit_options ao;
    slant_audit_options_init(&ao);
    ao.top = SIZE_MAX;
    ao.passes = passes;
    slant_audit_result *r = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_audit(c, &o, &cvo, &ao, &r, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_audit_count(r), N_DOCS);
    double sum = 0;
    size_t seen = 0;
    for (size_t i = 0; i < slant_audit_count(r); i++) {
        slant_audit_entry e;
        slant_audit_get(r, i, &e);
        for (size_t p = 0; p < n_planted; p++)
            if (which[p] == e.doc) {
                sum += e.p_given;
                seen++;
            }
    }
    assert_int_equal(seen, n_planted);
    slant_audit_result_free(r);
    return sum / (double)n_planted;
}

static void test_second_pass(void **state)
{
    (void)state;
    size_t many[30];
    for (size_t p = 0; p < 30; p++)
        many[p] = 8 * p + 3;
    slant_corpus *c = planted_corpus(many, 30, 0);
    double one = planted_mean_p_given(c, 1, 30, many);
    double two = planted_mean_p_given(c, 2, 30, many);
    assert_true(two < one);
    assert_true(planted_mean_p_given(c, 0, 30, many) == two); /* the default: two passes */

    slant_options o;
    slant_cv_options cvo;
    options(&o, &cvo, 1);
    slant_audit_options ao;
    slant_audit_options_init(&ao);
    ao.passes = 3;
    slant_audit_result *r = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_audit(c, &o, &cvo, &ao, &r, &err), SLANT_STATUS_BAD_OPTION);
    assert_null(r);
    assert_non_null(strstr(err.message, "passes"));
    slant_corpus_free(c);
}

static void test_errors(void **state)
{
    (void)state;
    slant_corpus *c = planted_corpus(planted, N_PLANTED, 1);
    slant_options o;
    slant_cv_options cvo;
    options(&o, &cvo, 1);
    slant_audit_options ao;
    slant_audit_options_init(&ao);
    const char *names[] = {"stance"};
    ao.heads = names;
    ao.n_heads = 1;
    slant_audit_result *r = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_audit(c, &o, &cvo, &ao, &r, &err), SLANT_STATUS_BAD_OPTION);
    assert_null(r);
    assert_non_null(strstr(err.message, "\"stance\""));
    /* one head asked for: only it */
    names[0] = "tone";
    assert_int_equal(slant_audit(c, &o, &cvo, &ao, &r, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_audit_heads(r), 1);
    assert_string_equal(slant_audit_head_name(r, 0), "tone");
    slant_audit_result_free(r);
    slant_corpus_free(c);

    /* no labels at all */
    const char *texts[] = {"one text", "another text", "a third"};
    assert_int_equal(slant_corpus_from_memory(3, texts, 0, NULL, NULL, &c, &err),
                     SLANT_STATUS_OK);
    assert_int_equal(slant_audit(c, &o, &cvo, NULL, &r, &err), SLANT_STATUS_BAD_INPUT);
    assert_non_null(strstr(err.message, "no label column"));
    slant_corpus_free(c);
    /* a head of one class */
    const char *heads[] = {"topic"}, *labels[] = {"x", "x", "x"};
    assert_int_equal(slant_corpus_from_memory(3, texts, 1, heads, labels, &c, &err),
                     SLANT_STATUS_OK);
    cvo.folds = 3;
    assert_int_equal(slant_audit(c, &o, &cvo, NULL, &r, &err), SLANT_STATUS_BAD_INPUT);
    assert_non_null(strstr(err.message, "one class"));
    slant_corpus_free(c);
    assert_int_equal(slant_audit_count(NULL), 0);
    slant_audit_result_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_planted_first),
        cmocka_unit_test(test_clean_and_top),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_second_pass),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
