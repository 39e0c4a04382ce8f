/*
 * test_json.c: the JSON calls the program and the Python module share.  A
 * row of label --json carries the model's probabilities to six digits,
 * every class, the abstention when asked, the known shares written by
 * hand (null for NaN), and parses back as JSON; the buffer grows from
 * NULL and is reused; an id that is not UTF-8 is refused with its
 * message; explain's row lists only the heads shown; an evaluation's
 * object has cv's members only when given a split.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "slant.h"

static const char *const texts[] = {"cheap chips flood the market", "chips subsidies distort trade",
                                    "the port reopened on monday", "ships queue at the port",
                                    "chip makers cut prices again", "port workers end the strike"};
static const char *const labels[] = {"chips", "chips", "ports", "ports", "chips", "ports"};

static slant_model *tiny_model(void)
{
    const char *heads[] = {"topic"};
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_from_memory(6, texts, 1, heads, labels, &c, &err), 0);
    slant_options o;
    slant_options_init(&o);
    o.min_count = 1;
    o.calibrate = SLANT_CALIBRATION_NONE;
    o.threads = 1;
    slant_model *m = NULL;
    assert_int_equal(slant_train(c, &o, &m, &err), 0);
    slant_corpus_free(c);
    return m;
}

static void label_row(void **state)
{
    (void)state;
    slant_model *m = tiny_model();
    double probs[2];
    size_t best[1];
    slant_error err = {{0}};
    assert_int_equal(slant_model_predict(m, texts[0], strlen(texts[0]), probs, best, &err), 0);
    char *buf = NULL;
    size_t cap = 0, len = 0;
    double known[2] = {0.25, NAN};
    assert_int_equal(slant_label_json(m, "a1", probs, best, NULL, known, NULL, &buf, &cap, &len,
                                      &err), 0);
    assert_non_null(buf);
    assert_int_equal(strlen(buf), len);
    assert_non_null(strstr(buf, "{\"id\":\"a1\",\"heads\":{\"topic\":{\"label\":\"chips\""));
    assert_null(strstr(buf, "abstained"));
    assert_non_null(strstr(buf, ",\"known\":{\"ngrams\":0.2500,\"words\":null},\"unfamiliar\":true}"));
    json_error_t je;
    json_t *back = json_loads(buf, 0, &je);
    assert_non_null(back);
    json_t *p = json_object_get(json_object_get(json_object_get(json_object_get(back, "heads"),
                                                                "topic"), "probabilities"), "ports");
    assert_true(fabs(json_real_value(p) - probs[1]) < 1e-6);
    json_decref(back);

    /* abstaining on every head below 1.01; the same buffer again */
    slant_label_json_options jo;
    slant_label_json_options_init(&jo);
    jo.abstain = 1;
    jo.below = 1.01;
    known[0] = 0.9;
    char *before = buf;
    assert_int_equal(slant_label_json(m, "a2", probs, best, NULL, known, &jo, &buf, &cap, &len,
                                      &err), 0);
    assert_ptr_equal(buf, before);
    assert_non_null(strstr(buf, "\"label\":null"));
    assert_non_null(strstr(buf, "\"abstained\":true"));
    assert_non_null(strstr(buf, "\"unfamiliar\":false}"));

    assert_int_equal(slant_label_json(m, "bad\xff", probs, best, NULL, known, NULL, &buf, &cap,
                                      &len, &err), SLANT_STATUS_BAD_INPUT);
    assert_non_null(strstr(err.message, "not UTF-8"));
    free(buf);
    slant_model_free(m);
}

static void explain_row(void **state)
{
    (void)state;
    slant_model *m = tiny_model();
    double probs[2];
    slant_explanation *why = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_model_predict(m, texts[2], strlen(texts[2]), probs, NULL, &err), 0);
    assert_int_equal(slant_model_explain(m, texts[2], strlen(texts[2]), 0, 2, &why, &err), 0);
    char *buf = NULL;
    size_t cap = 0, len = 0;
    assert_int_equal(slant_explain_json(m, "x", probs, &why, NULL, &buf, &cap, &len, &err), 0);
    assert_non_null(strstr(buf, "\"explanation\":{\"against\":\"chips\",\"margin\":"));
    int shown[1] = {0};
    assert_int_equal(slant_explain_json(m, "x", probs, &why, shown, &buf, &cap, &len, &err), 0);
    assert_string_equal(buf, "{\"id\":\"x\",\"heads\":{}}");
    free(buf);
    slant_explanation_free(why);
    slant_model_free(m);
}

static void eval_object(void **state)
{
    (void)state;
    slant_model *m = tiny_model();
    slant_eval *ev = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_eval_new(m, &ev, &err), 0);
    const char *gold[] = {"ports"};
    size_t pred[] = {1};
    assert_int_equal(slant_eval_add(ev, gold, pred, &err), 0);
    char *buf = NULL;
    size_t cap = 0, len = 0;
    assert_int_equal(slant_eval_json(ev, NULL, &buf, &cap, &len, &err), 0);
    assert_non_null(strstr(buf, "{\"documents\":1,\"heads\":{\"topic\":{\"labeled\":1,"));
    assert_null(strstr(buf, "folds"));
    slant_eval_json_cv cv = {.info = {.folds = 3}, .grouped_by = "outlet", .tuned = 1};
    cv.info.groups = 2;
    assert_int_equal(slant_eval_json(ev, &cv, &buf, &cap, &len, &err), 0);
    assert_non_null(strstr(buf, "\"folds\":3,\"grouped_by\":\"outlet\",\"groups\":2,\"tuned\":true,"
                                "\"near_duplicates\":{\"checked\":false}"));
    free(buf);
    slant_eval_free(ev);
    slant_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(label_row),
        cmocka_unit_test(explain_row),
        cmocka_unit_test(eval_object),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
