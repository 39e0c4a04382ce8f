/*
 * json.c: the JSON the program prints of labels, explanations and
 * evaluations (see "JSON, as the program prints it" in slant.h).  It lives
 * in the library so that the program and the Python module write the same
 * bytes from the same code: a binding that built its own would round a
 * probability or order a member differently.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common.h"

/* Dumps ROOT (consumed) into *buf as slant.h says; FLAGS are jansson's.
 * TAIL (may be NULL) is written in place of the object's closing brace
 * and must end with one: label's known shares go there by hand. */
static slant_status dump(json_t *root, size_t flags, const char *tail, char **buf, size_t *cap,
                         size_t *len, slant_error *err)
{
    if (!root)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory building JSON");
    /* into the buffer as it is, which fits most rows; once more when not */
    size_t extra = tail ? strlen(tail) : 0;
    size_t n = json_dumpb(root, *buf, *cap, flags);
    if (n > 0 && n + extra + 1 > *cap) {
        if (slant_grow((void **)buf, cap, n + extra + 1, 1))
            n = 0;
        else
            n = json_dumpb(root, *buf, *cap, flags);
    }
    json_decref(root);
    if (n == 0 || n + extra + 1 > *cap)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory building JSON");
    if (tail) {
        n--; /* all but the closing brace */
        memcpy(*buf + n, tail, extra);
        n += extra;
    }
    (*buf)[n] = '\0';
    *len = n;
    return SLANT_STATUS_OK;
}

/* A string member, or the NULL that makes the whole object fail in dump:
 * jansson refuses a string that is not UTF-8. */
static int set_string(json_t *o, const char *key, const char *s)
{
    json_t *v = json_string(s);
    return v ? json_object_set_new(o, key, v) : -1;
}

static json_t *contributions_json(const slant_model *m, const slant_contribution *l, size_t n)
{
    json_t *a = json_array();
    char name[1024];
    for (size_t i = 0; a && i < n; i++) {
        slant_model_feature_name(m, l[i].feature, name, sizeof name);
        json_t *o = json_object();
        if (json_array_append_new(a, o) || set_string(o, "ngram", name)
            || json_object_set_new(o, "count", json_integer((json_int_t)l[i].count))
            || json_object_set_new(o, "contribution", json_real(l[i].contribution))) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *explanation_json(const slant_model *m, const slant_explanation *e)
{
    json_t *o = json_object();
    json_t *against = e->runner_up == SIZE_MAX
                          ? json_null()
                          : json_string(slant_model_class_name(m, e->head, e->runner_up));
    if (json_object_set_new(o, "against", against)
        || json_object_set_new(o, "margin", json_real(e->margin))
        || json_object_set_new(o, "intercept", json_real(e->intercept))
        || json_object_set_new(o, "toward", contributions_json(m, e->toward, e->n_toward))
        || json_object_set_new(o, "away", contributions_json(m, e->away, e->n_away))
        /* what the lists leave out, so that the sum can be checked at any K */
        || json_object_set_new(o, "more_toward", json_integer((json_int_t)e->more_toward))
        || json_object_set_new(o, "rest_toward", json_real(e->rest_toward))
        || json_object_set_new(o, "more_away", json_integer((json_int_t)e->more_away))
        || json_object_set_new(o, "rest_away", json_real(e->rest_away))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

void slant_label_json_options_init(slant_label_json_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->below = -1;
    opt->min_known = SLANT_MIN_KNOWN;
}

static void share(char *s, size_t size, double v)
{
    if (isnan(v))
        snprintf(s, size, "null");
    else
        snprintf(s, size, "%.4f", v);
}

/* A new object member KEY of O (NULL when memory ran out): members are
 * attached as they are made, so that freeing the root frees everything. */
static json_t *member(json_t *o, const char *key)
{
    json_t *v = json_object();
    return v && json_object_set_new(o, key, v) == 0 ? v : NULL;
}

/* The root of a document's object, {"id": ID, "heads": {}}, into *heads
 * (output); NULL after filling ERR. */
static json_t *document(const char *id, json_t **heads, slant_error *err)
{
    json_t *root = json_object();
    if (!root || set_string(root, "id", id) || !(*heads = member(root, "heads"))) {
        json_decref(root);
        slant_fail(err, SLANT_STATUS_BAD_INPUT,
                   "document %s: its id is not UTF-8, or memory ran out", id);
        return NULL;
    }
    return root;
}

static slant_status bad_names(json_t *root, const char *id, slant_error *err)
{
    json_decref(root);
    return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                      "document %s: a name of the model is not UTF-8, or memory ran out", id);
}

slant_status slant_label_json(const slant_model *m, const char *id, const double *probs,
                              const size_t *best, slant_explanation *const *why,
                              const double *known, const slant_label_json_options *opt,
                              char **buf, size_t *cap, size_t *len, slant_error *err)
{
    slant_label_json_options defaults;
    if (!opt) {
        slant_label_json_options_init(&defaults);
        opt = &defaults;
    }
    double min_known = opt->min_known > 0 ? opt->min_known : SLANT_MIN_KNOWN;
    json_t *heads, *root = document(id, &heads, err);
    if (!root)
        return SLANT_STATUS_BAD_INPUT;
    for (size_t h = 0; h < slant_model_heads(m); h++) {
        size_t off = slant_model_class_offset(m, h);
        json_t *hd = member(heads, slant_model_head_name(m, h)), *all;
        int no = opt->abstain && slant_model_abstains(m, h, probs, opt->below);
        int bad = !hd
                  || json_object_set_new(hd, "label",
                                         no ? json_null()
                                            : json_string(slant_model_class_name(m, h, best[h])))
                  || json_object_set_new(hd, "probability", json_real(probs[off + best[h]]))
                  || (opt->abstain && json_object_set_new(hd, "abstained", json_boolean(no)))
                  || !(all = member(hd, "probabilities"));
        for (size_t c = 0; !bad && c < slant_model_classes(m, h); c++)
            bad = json_object_set_new(all, slant_model_class_name(m, h, c),
                                      json_real(probs[off + c]));
        if (bad || (why && json_object_set_new(hd, "explanation", explanation_json(m, why[h]))))
            return bad_names(root, id, err);
    }
    /* The known shares are written after the object's other members, by
     * hand: one nested object more through jansson cost about 5% of
     * labeling's time, for two numbers. */
    char ng[32], w[32], tail[128];
    share(ng, sizeof ng, known[0]);
    share(w, sizeof w, known[1]);
    snprintf(tail, sizeof tail, ",\"known\":{\"ngrams\":%s,\"words\":%s},\"unfamiliar\":%s}", ng,
             w, known[0] < min_known ? "true" : "false");
    return dump(root, JSON_COMPACT | JSON_REAL_PRECISION(6) | JSON_ENSURE_ASCII, tail, buf, cap,
                len, err);
}

slant_status slant_explain_json(const slant_model *m, const char *id, const double *probs,
                                slant_explanation *const *why, const int *shown, char **buf,
                                size_t *cap, size_t *len, slant_error *err)
{
    json_t *heads, *root = document(id, &heads, err);
    if (!root)
        return SLANT_STATUS_BAD_INPUT;
    for (size_t h = 0; h < slant_model_heads(m); h++) {
        if (shown && !shown[h])
            continue;
        const slant_explanation *e = why[h];
        json_t *hd = member(heads, slant_model_head_name(m, h));
        if (!hd
            || json_object_set_new(hd, "label",
                                   json_string(slant_model_class_name(m, h, e->chosen)))
            || json_object_set_new(hd, "probability",
                                   json_real(probs[slant_model_class_offset(m, h) + e->chosen]))
            || json_object_set_new(hd, "explanation", explanation_json(m, e)))
            return bad_names(root, id, err);
    }
    /* ten digits, so that the sum of the contributions can be checked */
    return dump(root, JSON_COMPACT | JSON_REAL_PRECISION(10) | JSON_ENSURE_ASCII, NULL, buf, cap,
                len, err);
}

/* Head H's calibration and coverage figures as the "calibration" and
 * "coverage" members of HD. */
static void calibration_json(const slant_eval *ev, size_t h, json_t *hd)
{
    slant_calibration_report r;
    if (!slant_eval_calibration(ev, h, &r)) {
        json_object_set_new(hd, "calibration", json_null());
        json_object_set_new(hd, "coverage", json_null());
        return;
    }
    json_t *cal = json_object(), *bins = json_array();
    json_object_set_new(cal, "log_loss", json_real(r.log_loss));
    json_object_set_new(cal, "brier", json_real(r.brier));
    json_object_set_new(cal, "ece", json_real(r.ece));
    for (int b = 0; b < SLANT_CALIBRATION_BINS; b++) {
        json_t *bin = json_object();
        json_object_set_new(bin, "lo", json_real(r.bins[b].lo));
        json_object_set_new(bin, "hi", json_real(r.bins[b].hi));
        json_object_set_new(bin, "count", json_integer((json_int_t)r.bins[b].count));
        json_object_set_new(bin, "confidence", json_real(r.bins[b].confidence));
        json_object_set_new(bin, "accuracy", json_real(r.bins[b].accuracy));
        json_array_append_new(bins, bin);
    }
    json_object_set_new(cal, "bins", bins);
    json_object_set_new(hd, "calibration", cal);
    slant_coverage_report c;
    slant_eval_coverage(ev, h, &c);
    json_t *cov = json_object(), *curve = json_array();
    json_object_set_new(cov, "covered", c.thresholds ? json_real(c.coverage) : json_null());
    json_object_set_new(cov, "accuracy", c.thresholds && c.covered ? json_real(c.accuracy)
                                                                    : json_null());
    for (int i = 0; i < SLANT_COVERAGE_POINTS; i++) {
        json_t *pt = json_object();
        json_object_set_new(pt, "coverage", json_real(c.curve_coverage[i]));
        json_object_set_new(pt, "accuracy", json_real(c.curve_accuracy[i]));
        json_array_append_new(curve, pt);
    }
    json_object_set_new(cov, "curve", curve);
    json_object_set_new(hd, "coverage", cov);
}

static void cv_json(const slant_eval_json_cv *cv, json_t *root)
{
    const slant_cv_info *in = &cv->info;
    json_object_set_new(root, "folds", json_integer(in->folds));
    json_object_set_new(root, "grouped_by",
                        cv->grouped_by ? json_string(cv->grouped_by) : json_null());
    if (cv->grouped_by)
        json_object_set_new(root, "groups", json_integer((json_int_t)in->groups));
    json_object_set_new(root, "tuned", json_boolean(cv->tuned));
    json_t *dups = json_object();
    json_object_set_new(dups, "checked", json_boolean(in->dups_checked));
    if (in->dups_checked) {
        json_object_set_new(dups, "threshold", json_real(cv->dup_threshold));
        json_object_set_new(dups, "clusters", json_integer((json_int_t)in->dup_clusters));
        json_object_set_new(dups, "documents", json_integer((json_int_t)in->dup_docs));
        json_object_set_new(dups, "across_groups", json_integer((json_int_t)in->dup_across));
    }
    json_object_set_new(root, "near_duplicates", dups);
}

/* Head H of EV: its counts, scores, confusion and calibration. */
static json_t *eval_head_json(const slant_eval *ev, size_t h)
{
    size_t nc = slant_eval_classes(ev, h);
    json_t *hd = json_object(), *classes = json_object(), *labels = json_array(),
           *matrix = json_array();
    uint64_t labeled = slant_eval_labeled(ev, h);
    json_object_set_new(hd, "labeled", json_integer((json_int_t)labeled));
    json_object_set_new(hd, "accuracy", labeled ? json_real(slant_eval_accuracy(ev, h)) : json_null());
    json_object_set_new(hd, "macro_f1", labeled ? json_real(slant_eval_macro_f1(ev, h)) : json_null());
    for (size_t c = 0; c < nc; c++) {
        slant_class_scores s = slant_eval_class(ev, h, c);
        json_t *cl = json_object();
        json_object_set_new(cl, "precision", json_real(s.precision));
        json_object_set_new(cl, "recall", json_real(s.recall));
        json_object_set_new(cl, "f1", json_real(s.f1));
        json_object_set_new(cl, "support", json_integer((json_int_t)s.support));
        json_object_set_new(classes, slant_eval_class_name(ev, h, c), cl);
        json_array_append_new(labels, json_string(slant_eval_class_name(ev, h, c)));
        json_t *row = json_array();
        for (size_t p = 0; p < nc; p++)
            json_array_append_new(row, json_integer((json_int_t)slant_eval_count(ev, h, c, p)));
        json_array_append_new(matrix, row);
    }
    json_object_set_new(hd, "classes", classes);
    json_t *conf = json_object();
    json_object_set_new(conf, "labels", labels);
    json_object_set_new(conf, "matrix", matrix);
    json_object_set_new(hd, "confusion", conf);
    calibration_json(ev, h, hd);
    return hd;
}

slant_status slant_eval_json(const slant_eval *ev, const slant_eval_json_cv *cv, char **buf,
                             size_t *cap, size_t *len, slant_error *err)
{
    json_t *root = json_object();
    json_t *heads = json_object();
    json_object_set_new(root, "documents", json_integer((json_int_t)slant_eval_documents(ev)));
    if (cv)
        cv_json(cv, root);
    for (size_t h = 0; h < slant_eval_heads(ev); h++)
        json_object_set_new(heads, slant_eval_head_name(ev, h), eval_head_json(ev, h));
    json_object_set_new(root, "heads", heads);
    return dump(root, JSON_COMPACT | JSON_REAL_PRECISION(10), NULL, buf, cap, len, err);
}
