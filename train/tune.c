/*
 * tune.c: settings chosen by an inner cross-validation (slant_tune), and
 * a model trained with them (slant_train_tuned).
 *
 * The search is a short, fixed walk: the options given, then each change
 * of CHANGES alone, then the two best changes together, then c one step
 * either way around the best.  Every trial is an inner K-fold
 * cross-validation, grouped and with near-duplicates kept together as
 * asked; its score is the mean over heads of the pooled macro-F1.  Ties go
 * to the trial tried first, and a change must gain MIN_GAIN over the
 * options given, so they win unless clearly beaten.
 *
 * The budget becomes a plan before any trial runs: an estimate of a
 * trial's seconds from the corpus's bytes and classes (the constants
 * below, measured on a 2-core laptop-class machine) gives the share of
 * the corpus the inner folds may read so that the planned trials fit.
 * Nothing depends on the clock, so a seed gives one choice everywhere.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "corpus.h"
#include "train.h"

/* One change to the options a search may try. */
typedef enum change {
    CH_PUNCT = 0,     /* punctuation tokens the other way (off by default) */
    CH_BALANCED,      /* class weights the other way (balanced by default) */
    CH_C1,            /* c 1 (lr's default is 10) */
    CH_CNB,           /* complement naive Bayes */
    CH_WORDS_ONLY,    /* word unigrams alone */
    CH_CASE,          /* case kept the other way (folded by default) */
    N_CHANGES
} change;

/* The planned trials: the options given, each change, two combinations. */
#define PLANNED_TRIALS (1 + N_CHANGES + 2)
#define MAX_TRIALS (PLANNED_TRIALS + 2)

/* Estimated seconds a model takes to train on one byte of text: feature
 * extraction, then the solver once per binary problem (a head of k > 2
 * classes is k of them).  Measured with lr on imdb (2 classes) and the
 * news-leaning corpus (3), rounded up. */
#define SECONDS_PER_BYTE_FEATURES 5e-8
#define SECONDS_PER_BYTE_PROBLEM 5e-8

/* What a change must gain over the options given, in inner macro-F1, to
 * be chosen: grouped folds of a few outlets each swing by several points,
 * and a choice made on that noise does worse than the options given (on
 * the news-leaning corpus, nested: 0.437 against 0.469 without it). */
#define MIN_GAIN 0.01

/* The fewest documents the inner folds read, however small the budget. */
#define MIN_TUNE_DOCS 400

struct slant_tune_report {
    size_t n;
    char settings[MAX_TRIALS][160];
    double score[MAX_TRIALS], seconds[MAX_TRIALS];
    size_t best, docs;
    uint32_t folds; /* inner folds used */
};

void slant_tune_options_init(slant_tune_options *to)
{
    if (!to)
        return;
    memset(to, 0, sizeof *to);
    to->budget = 60;
    to->folds = 0; /* 5 or 3, as the budget allows */
    to->dup_threshold = 0.8;
}

void slant_tune_report_free(slant_tune_report *r)
{
    free(r);
}

size_t slant_tune_trials(const slant_tune_report *r)
{
    return r ? r->n : 0;
}

const char *slant_tune_trial_settings(const slant_tune_report *r, size_t i)
{
    return r && i < r->n ? r->settings[i] : NULL;
}

double slant_tune_trial_score(const slant_tune_report *r, size_t i)
{
    return r && i < r->n ? r->score[i] : 0;
}

double slant_tune_trial_seconds(const slant_tune_report *r, size_t i)
{
    return r && i < r->n ? r->seconds[i] : 0;
}

size_t slant_tune_best(const slant_tune_report *r)
{
    return r ? r->best : 0;
}

size_t slant_tune_documents(const slant_tune_report *r)
{
    return r ? r->docs : 0;
}

/* Applies the changes in MASK to O. */
static void apply(slant_options *o, unsigned mask)
{
    if (mask & (1u << CH_PUNCT))
        o->punct = !o->punct;
    if (mask & (1u << CH_BALANCED))
        o->class_weight = !o->class_weight;
    if (mask & (1u << CH_CASE))
        o->keep_case = !o->keep_case;
    if (mask & (1u << CH_WORDS_ONLY))
        o->word_min = o->word_max = 1;
    if (mask & (1u << CH_CNB)) { /* the model's own options back at their defaults */
        slant_options d;
        slant_options_init(&d);
        o->model = SLANT_MODEL_KIND_CNB;
        o->c = d.c;
        o->tol = d.tol;
        o->max_iter = d.max_iter;
        o->solver = d.solver;
        o->nb_scale = d.nb_scale;
        o->alpha = d.alpha;
        o->beta = d.beta;
        o->kernel = d.kernel;
        o->gamma = d.gamma;
        o->force = d.force;
    } else if (mask & (1u << CH_C1)) {
        if (o->model == SLANT_MODEL_KIND_LR || o->model == SLANT_MODEL_KIND_NBSVM
            || o->model == SLANT_MODEL_KIND_SVM)
            o->c = 1;
    }
}

/* The model's c as it trains (0 is the model's own default). */
static double c_of(const slant_options *o)
{
    if (o->c > 0)
        return o->c;
    return o->model == SLANT_MODEL_KIND_LR ? 10 : o->model == SLANT_MODEL_KIND_NBSVM ? 0.1 : 1;
}

static int has_c(const slant_options *o)
{
    return o->model == SLANT_MODEL_KIND_LR || o->model == SLANT_MODEL_KIND_NBSVM
           || o->model == SLANT_MODEL_KIND_SVM;
}

/* The settings a search varies, as the options that give them. */
static void describe(const slant_options *o, char *buf, size_t size)
{
    int at = snprintf(buf, size, "%s", slant_model_kind_name(o->model));
    if (has_c(o))
        at += snprintf(buf + at, size - (size_t)at, " --c %g", c_of(o));
    snprintf(buf + at, size - (size_t)at, " --words %u-%u --punct %s --case %s --class-weight %s",
             o->word_min, o->word_max, o->punct ? "on" : "off", o->keep_case ? "keep" : "fold",
             o->class_weight ? "balanced" : "none");
}

/* Whether A and B train the same model. */
static int same_settings(const slant_options *a, const slant_options *b)
{
    char da[160], db[160];
    describe(a, da, sizeof da);
    describe(b, db, sizeof db);
    return !strcmp(da, db) && a->char_min == b->char_min && a->char_max == b->char_max;
}

static void view_free(slant_corpus *view)
{
    free(view->ids);
    free(view->texts);
    free(view->lens);
    free(view->labels);
    free(view->groups);
    free(view->head_names);
    memset(view, 0, sizeof *view);
}

/* A corpus of DOCS[0..n) of C and its heads h with KEEP[h] (NULL: all),
 * sharing C's strings (freed by view_free). */
static slant_status view_of(const slant_corpus *c, const size_t *docs, size_t n,
                            const unsigned char *keep, slant_corpus *view, slant_error *err)
{
    size_t nh = 0;
    for (size_t h = 0; h < c->n_heads; h++)
        nh += !keep || keep[h];
    *view = *c;
    view->n_docs = view->cap = n;
    view->n_heads = nh;
    view->ids = slant_alloc_array(n ? n : 1, sizeof *view->ids);
    view->texts = slant_alloc_array(n ? n : 1, sizeof *view->texts);
    view->lens = slant_alloc_array(n ? n : 1, sizeof *view->lens);
    view->labels = slant_alloc_array(n ? n : 1, (nh ? nh : 1) * sizeof(char *));
    view->head_names = slant_alloc_array(nh ? nh : 1, sizeof *view->head_names);
    view->groups = c->groups ? slant_alloc_array(n ? n : 1, sizeof *view->groups) : NULL;
    if (!view->ids || !view->texts || !view->lens || !view->labels || !view->head_names
        || (c->groups && !view->groups)) {
        view_free(view);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    }
    for (size_t h = 0, v = 0; h < c->n_heads; h++)
        if (!keep || keep[h])
            view->head_names[v++] = c->head_names[h];
    for (size_t i = 0; i < n; i++) {
        size_t d = docs[i];
        view->ids[i] = c->ids[d];
        view->texts[i] = c->texts[d];
        view->lens[i] = c->lens[d];
        for (size_t h = 0, v = 0; h < c->n_heads; h++)
            if (!keep || keep[h])
                view->labels[i * nh + v++] = c->labels[d * c->n_heads + h];
        if (c->groups)
            view->groups[i] = c->groups[d];
    }
    return SLANT_STATUS_OK;
}

/* The estimated seconds of one trial on the whole of C with FOLDS inner
 * folds: each fold trains on (FOLDS-1)/FOLDS of the bytes. */
static double trial_estimate(const slant_corpus *c, uint32_t folds)
{
    size_t n = c->n_docs;
    double bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += (double)c->lens[i];
    double problems = 0;
    for (size_t h = 0; h < c->n_heads; h++) {
        size_t k = 0; /* classes, at most a few dozen counted */
        const char *seen[64];
        for (size_t i = 0; i < n && k < 64; i++) {
            const char *l = c->labels[i * c->n_heads + h];
            size_t j = 0;
            while (l && j < k && strcmp(seen[j], l))
                j++;
            if (l && j == k)
                seen[k++] = l;
        }
        problems += k > 2 ? (double)k : 1;
    }
    return bytes * (folds - 1) * (SECONDS_PER_BYTE_FEATURES + problems * SECONDS_PER_BYTE_PROBLEM);
}

typedef struct group_pick {
    const char *group; /* NULL: no group (ungrouped: one draw over all) */
    uint64_t key;      /* the document's draw */
    size_t doc;
} group_pick;

/* By group (none last), then by draw. */
static int cmp_pick(const void *va, const void *vb)
{
    const group_pick *a = va, *b = vb;
    if (a->group && b->group) {
        int c = strcmp(a->group, b->group);
        if (c)
            return c;
    } else if (a->group || b->group) {
        return a->group ? -1 : 1;
    }
    if (a->key != b->key)
        return (a->key > b->key) - (a->key < b->key);
    return (a->doc > b->doc) - (a->doc < b->doc);
}

/* The documents the inner folds read: all of them when the planned trials
 * fit the budget, else the same share of every group (each document a
 * group of its own without groups), drawn by SEED, so that every group
 * stays (outlets are of very unequal sizes: a few whole ones would leave
 * classes out) and stays whole inside the sample's folds.  *docs
 * (output) is malloc'd and sorted. */
static slant_status plan_documents(const slant_corpus *c, double budget, uint32_t folds,
                                   uint64_t seed, size_t **docs, size_t *n_docs,
                                   slant_error *err)
{
    size_t n = c->n_docs;
    size_t *all = slant_alloc_array(n ? n : 1, sizeof *all);
    if (!all)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    for (size_t d = 0; d < n; d++)
        all[d] = d;
    double full = trial_estimate(c, folds) * PLANNED_TRIALS;
    *docs = all;
    *n_docs = n;
    if (full <= budget || n <= MIN_TUNE_DOCS)
        return SLANT_STATUS_OK;
    double share = budget / full;
    if (share * (double)n < MIN_TUNE_DOCS)
        share = (double)MIN_TUNE_DOCS / (double)n;
    group_pick *picks = slant_alloc_array(n, sizeof *picks);
    if (!picks)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    /* Each document draws a key; a group keeps its lowest-keyed share,
     * and documents without a group (all of them, ungrouped) share one
     * draw. */
    uint64_t state = seed ^ 0x74756e65u; /* "tune": not the folds' own draws */
    unsigned char *take = slant_calloc_array(n, 1);
    if (!take) {
        free(picks);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    }
    for (size_t d = 0; d < n; d++)
        picks[d] = (group_pick){c->groups ? c->groups[d] : NULL, slant_splitmix64(&state), d};
    qsort(picks, n, sizeof *picks, cmp_pick);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && (picks[i].group ? picks[j].group && !strcmp(picks[i].group, picks[j].group)
                                        : !picks[j].group))
            j++;
        size_t want = (size_t)ceil(share * (double)(j - i));
        for (size_t k = i; k < j && k < i + want; k++)
            take[picks[k].doc] = 1;
        i = j;
    }
    size_t m = 0;
    for (size_t d = 0; d < n; d++)
        if (take[d])
            all[m++] = d;
    *n_docs = m;
    free(picks);
    free(take);
    return SLANT_STATUS_OK;
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One trial: the inner cross-validation of O on VIEW; its score into
 * *score.  The folds' progress and warnings stay out of the log. */
static slant_status run_trial(const slant_corpus *view, const slant_options *o,
                              const slant_cv_options *cvo, const uint32_t *split, double *score,
                              slant_error *err)
{
    slant_eval *ev = NULL;
    slant_options plain = *o; /* trials are not calibrated: only the final model is */
    plain.calibrate = SLANT_CALIBRATION_NONE;
    plain.target_precision = NULL;
    slant_log_hold(1);
    slant_status st = slant_cv_run(view, &plain, cvo, split, &ev, NULL, NULL, err);
    slant_log_hold(-1);
    if (st)
        return st;
    double sum = 0;
    size_t heads = 0;
    for (size_t h = 0; h < slant_eval_heads(ev); h++)
        if (slant_eval_labeled(ev, h)) {
            sum += slant_eval_macro_f1(ev, h);
            heads++;
        }
    *score = heads ? sum / (double)heads : 0;
    slant_eval_free(ev);
    return SLANT_STATUS_OK;
}

slant_status slant_tune(const slant_corpus *corpus, const slant_options *opt,
                        const slant_tune_options *to, slant_options *best,
                        slant_tune_report **report, slant_error *err)
{
    if (report)
        *report = NULL;
    if (!corpus || !opt || !best)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no corpus or options");
    slant_tune_options def;
    if (!to) {
        slant_tune_options_init(&def);
        to = &def;
    }
    slant_status st = slant_options_check(opt, err);
    if (st)
        return st;
    double budget = to->budget ? to->budget : 60;
    uint32_t folds = to->folds;
    if (!folds) { /* 5 inner folds when the whole corpus fits the budget with them: a less
                   * noisy score; 3 when it must be sampled, so that the sample is larger */
        folds = trial_estimate(corpus, 5) * PLANNED_TRIALS <= budget ? 5 : 3;
    }
    if (!(budget > 0) || !isfinite(budget))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "--budget must be a positive number of "
                          "seconds");
    if (folds < 2 || folds > 20)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "tuning needs 2 to 20 inner folds, not "
                          "%u", folds);
    if (opt->model == SLANT_MODEL_KIND_SVM)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "--tune searches from lr, cnb or nb "
                          "settings; --model svm is too slow to try in an inner "
                          "cross-validation");
    if (corpus->vectors)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%s: --tune varies text features, and "
                          "this corpus holds vectors", corpus->source);
    slant_tune_report *r = calloc(1, sizeof *r);
    if (!r)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    /* Progress in the walk's steps, of which some are skipped (a setting
     * tried before) and the last ones may not come (no c to step): the
     * total is the most there can be. */
    slant_stage stage;
    slant_stage_begin(&stage, "tune", "trials", MAX_TRIALS);
    size_t *docs = NULL, n_docs = 0;
    uint32_t *split = NULL;
    slant_corpus view;
    int have_view = 0;
    if ((st = plan_documents(corpus, budget, folds, opt->seed, &docs, &n_docs, err)))
        goto out;
    if ((st = view_of(corpus, docs, n_docs, NULL, &view, err)))
        goto out;
    have_view = 1;
    r->docs = n_docs;
    r->folds = folds;
    slant_cv_options cvo;
    slant_cv_options_init(&cvo);
    cvo.folds = folds;
    cvo.by_group = to->by_group;
    cvo.keep_duplicates = to->keep_duplicates;
    cvo.dup_threshold = to->dup_threshold;
    /* One split for every trial: near-duplicates are looked for once. */
    if (!(split = slant_alloc_array(n_docs ? n_docs : 1, sizeof *split))) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    slant_cv_info info;
    slant_error serr = {{0}};
    st = slant_cv_split(&view, &cvo, opt->seed, opt->threads, split, &info, &serr);
    if (st == SLANT_STATUS_BAD_OPTION && !to->folds && folds > 3) { /* too few groups for 5 */
        folds = r->folds = cvo.folds = 3;
        st = slant_cv_split(&view, &cvo, opt->seed, opt->threads, split, &info, &serr);
    }
    if (st) {
        slant_fail(err, st, "tune: %s", serr.message);
        goto out;
    }
    slant_log("tune: %zu of %zu documents, %u-fold inner cross-validation%s", n_docs,
              corpus->n_docs, folds, to->by_group ? ", grouped" : "");

    slant_options tried[MAX_TRIALS];
    unsigned masks[MAX_TRIALS];
    size_t around = 0; /* the best before c is stepped around it */
    /* The walk: the options given, each change alone, then combinations. */
    unsigned plan[1 + N_CHANGES];
    plan[0] = 0;
    for (unsigned k = 0; k < N_CHANGES; k++)
        plan[1 + k] = 1u << k;
    for (size_t step = 0; step < MAX_TRIALS; step++) {
        slant_stage_step(&stage, step);
        slant_options o = *opt;
        unsigned mask;
        if (step < 1 + N_CHANGES) {
            mask = plan[step];
            apply(&o, mask);
        } else if (step == 1 + N_CHANGES) { /* the two best changes that helped, together */
            size_t first = SIZE_MAX, second = SIZE_MAX;
            for (size_t t = 1; t < r->n; t++) {
                if (!(r->score[t] >= r->score[0] + MIN_GAIN))
                    continue;
                if (first == SIZE_MAX || r->score[t] > r->score[first]) {
                    second = first;
                    first = t;
                } else if (second == SIZE_MAX || r->score[t] > r->score[second]) {
                    second = t;
                }
            }
            if (second == SIZE_MAX)
                continue;
            mask = masks[first] | masks[second];
            if ((mask & (1u << CH_CNB)) && (mask & (1u << CH_C1)))
                continue; /* cnb has no c */
            apply(&o, mask);
        } else { /* c a step either way around the best, where it has one */
            if (step == 2 + N_CHANGES)
                around = r->best;
            slant_options b = tried[around];
            if (!has_c(&b))
                break;
            mask = masks[around];
            o = b;
            double c = c_of(&b);
            o.c = step == 2 + N_CHANGES ? c * 10 : c / 10;
        }
        int dup = 0;
        for (size_t t = 0; t < r->n && !dup; t++)
            dup = same_settings(&tried[t], &o);
        if (dup || slant_options_check(&o, NULL))
            continue;
        double t0 = seconds_now(), score = 0;
        slant_error terr = {{0}};
        if ((st = run_trial(&view, &o, &cvo, split, &score, &terr))) {
            slant_fail(err, st, "tune: %s", terr.message);
            goto out;
        }
        size_t i = r->n++;
        tried[i] = o;
        masks[i] = mask;
        describe(&o, r->settings[i], sizeof r->settings[i]);
        r->score[i] = score;
        r->seconds[i] = seconds_now() - t0;
        if (score > r->score[r->best] + 1e-12 && score >= r->score[0] + MIN_GAIN)
            r->best = i;
        slant_log("tune: %-70s macro-F1 %.4f  %.1f s", r->settings[i], score, r->seconds[i]);
    }
    *best = tried[r->best];
    slant_log("tune: chose %s (inner macro-F1 %.4f)", r->settings[r->best], r->score[r->best]);
    if (report) {
        *report = r;
        r = NULL;
    }
out:
    slant_stage_end(&stage, st == SLANT_STATUS_OK);
    if (have_view)
        view_free(&view);
    free(split);
    free(docs);
    free(r);
    return st;
}

slant_status slant_tune_docs(const slant_corpus *corpus, const size_t *docs, size_t n_docs,
                             const unsigned char *keep, const slant_options *opt,
                             const slant_tune_options *to, slant_options *best,
                             slant_error *err)
{
    slant_corpus view;
    slant_status st = view_of(corpus, docs, n_docs, keep, &view, err);
    if (st)
        return st;
    st = slant_tune(&view, opt, to, best, NULL, err);
    view_free(&view);
    return st;
}

/* The provenance lines of a search. */
static char *tune_note(const slant_tune_report *r, const slant_tune_options *to,
                       const slant_corpus *c)
{
    size_t size = 1024;
    char *s = malloc(size);
    if (!s)
        return NULL;
    size_t b = r->best;
    snprintf(s, size,
             "tune_choice=%s\ntune_inner_macro_f1=%.4f\ntune_trials=%zu\n"
             "tune_inner=%u-fold%s%s%s, %zu of %zu documents, budget %g s\n",
             r->settings[b], r->score[b], r->n, r->folds,
             to->by_group ? " grouped by " : "", to->by_group && c->group_name ? c->group_name : "",
             to->keep_duplicates ? "" : ", near-duplicates kept together", r->docs, c->n_docs,
             to->budget ? to->budget : 60);
    return s;
}

slant_status slant_train_tuned(const slant_corpus *corpus, const slant_options *opt,
                               const slant_tune_options *to, slant_model **out,
                               slant_tune_report **report, slant_error *err)
{
    if (!out)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no place to put the model");
    *out = NULL;
    if (report)
        *report = NULL;
    slant_tune_options def;
    if (!to) {
        slant_tune_options_init(&def);
        to = &def;
    }
    slant_options best;
    slant_tune_report *r = NULL;
    slant_status st = slant_target_precision_check(opt->target_precision, corpus, err);
    if (st) /* now, not after the search */
        return st;
    slant_warn_label_heads(corpus);
    st = slant_tune(corpus, opt, to, &best, &r, err);
    if (st)
        return st;
    char *note = tune_note(r, to, corpus);
    size_t *docs = slant_alloc_array(corpus->n_docs ? corpus->n_docs : 1, sizeof *docs);
    if (!note || !docs) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    } else {
        for (size_t d = 0; d < corpus->n_docs; d++)
            docs[d] = d;
        st = slant_train_subset_noted(corpus, docs, corpus->n_docs, &best, note, out, err);
    }
    free(docs);
    free(note);
    if (!st && report)
        *report = r;
    else
        slant_tune_report_free(r);
    return st;
}
