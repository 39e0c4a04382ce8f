/*
 * curve.c: the learning curve.  Cross-validation (cv.c) is run once per
 * step on one split, each fold's training side cut to the step's share
 * of a seeded, stratified order of itself, so that the shares are nested
 * and the last one, at 100 %, is cross-validation itself.  Each fold's
 * own figures are read off the pool as the difference of its counts
 * before and after the fold, so that the pool is built exactly as
 * cross-validation builds it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "corpus.h"
#include "train.h"

#define DEFAULT_STEPS 10
/* A share f takes ceil(f * n) documents; products within this of a whole
 * number are that number (0.3 * 10 is 3.0000000000000004). */
#define SHARE_SLACK 1e-9

/* The measures kept per head and step, each n_heads x steps. */
enum {
    M_POOLED_F1, M_POOLED_ACC,
    M_F1_MEAN, M_F1_SD, M_F1_MIN, M_F1_MAX,
    M_ACC_MEAN, M_ACC_SD, M_ACC_MIN, M_ACC_MAX,
    N_MEASURES
};

struct slant_curve {
    size_t steps, n_heads;
    uint32_t folds;
    double *fractions;    /* steps */
    double *train_docs;   /* steps: mean over the folds trained */
    double *m[N_MEASURES]; /* each n_heads x steps, at h * steps + s */
    double *fold_f1;      /* n_heads x steps x folds, NaN where not scored */
    double *fold_acc;     /* the same for accuracy */
    uint32_t *scored;     /* n_heads x steps: folds scored */
    double *block;        /* the one allocation the arrays above point into */
    slant_report_curve_head *report_heads; /* n_heads, for slant_curve_report */
    slant_eval *eval;     /* the last step's pool */
    uint32_t *split;      /* n_docs */
};

void slant_curve_options_init(slant_curve_options *co)
{
    if (co)
        memset(co, 0, sizeof *co);
}

slant_status slant_curve_options_check(const slant_curve_options *co, slant_error *err)
{
    if (!co)
        return SLANT_STATUS_OK;
    if (!co->fractions)
        return co->steps > SLANT_CURVE_MAX_STEPS
                   ? slant_fail(err, SLANT_STATUS_BAD_OPTION, "a learning curve takes at most "
                                "%d steps, not %zu", SLANT_CURVE_MAX_STEPS, co->steps)
                   : SLANT_STATUS_OK;
    if (co->n_fractions == 0 || co->n_fractions > SLANT_CURVE_MAX_STEPS)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "a learning curve takes 1 to %d shares, "
                          "not %zu", SLANT_CURVE_MAX_STEPS, co->n_fractions);
    for (size_t i = 0; i < co->n_fractions; i++) {
        double f = co->fractions[i];
        if (!(f > 0 && f <= 1))
            return slant_fail(err, SLANT_STATUS_BAD_OPTION, "share %zu of the learning curve "
                              "(%g) is not above 0 and at most 1", i + 1, f);
        if (i && !(f > co->fractions[i - 1]))
            return slant_fail(err, SLANT_STATUS_BAD_OPTION, "share %zu of the learning curve "
                              "(%g) is not above the one before (%g)", i + 1, f,
                              co->fractions[i - 1]);
    }
    return SLANT_STATUS_OK;
}

const char *slant_curve_trend_name(slant_curve_trend t)
{
    switch (t) {
    case SLANT_CURVE_CLIMBING: return "climbing";
    case SLANT_CURVE_FLATTENING: return "flattening";
    case SLANT_CURVE_FLAT: return "flat";
    case SLANT_CURVE_UNCLEAR: return "unclear";
    default: return "unknown";
    }
}

slant_curve_trend slant_curve_trend_of(size_t steps, const double *fractions, uint32_t folds,
                                       const double *fold_f1, slant_curve_gain *out)
{
    slant_curve_gain local;
    if (!out)
        out = &local;
    *out = (slant_curve_gain){NAN, NAN, 0, 0, 0};
    if (steps < 2 || !fractions || !fold_f1 || folds == 0)
        return SLANT_CURVE_UNKNOWN;
    size_t last = steps - 1, a = 0;
    double half = fractions[last] / 2;
    for (size_t s = 1; s < last; s++) /* the nearest to half, the larger on a tie */
        if (fabs(fractions[s] - half) <= fabs(fractions[a] - half))
            a = s;
    out->from = a;
    out->to = last;
    double sum = 0, sq = 0;
    uint32_t n = 0;
    for (uint32_t k = 0; k < folds; k++) {
        double d = fold_f1[last * folds + k] - fold_f1[a * folds + k];
        if (isnan(d))
            continue;
        sum += d;
        n++;
    }
    out->folds = n;
    if (n == 0)
        return SLANT_CURVE_UNKNOWN;
    double g = sum / n;
    for (uint32_t k = 0; k < folds; k++) {
        double d = fold_f1[last * folds + k] - fold_f1[a * folds + k];
        if (!isnan(d))
            sq += (d - g) * (d - g);
    }
    double e = n > 1 ? sqrt(sq / (n - 1)) / sqrt((double)n) : 0;
    out->gain = g;
    out->se = e;
    if (g >= 0.01)
        return g > 2 * e ? SLANT_CURVE_CLIMBING : SLANT_CURVE_UNCLEAR;
    if (g < 0.002 || g <= e)
        return SLANT_CURVE_FLAT;
    return SLANT_CURVE_FLATTENING;
}

void slant_curve_free(slant_curve *c)
{
    if (!c)
        return;
    free(c->block);
    free(c->scored);
    free(c->report_heads);
    slant_eval_free(c->eval);
    free(c->split);
    free(c);
}

/* ------------------------------------------------------------------ */
/* The nested, stratified order of a fold's training side               */
/* ------------------------------------------------------------------ */

typedef struct ranked_doc {
    size_t doc, combo;
    size_t j, m;   /* the j-th (from 0) of the m documents of its combination */
    uint64_t draw; /* seeded: the shuffle within a combination, and ties */
} ranked_doc;

static int cmp_in_combo(const void *va, const void *vb)
{
    const ranked_doc *a = va, *b = vb;
    if (a->combo != b->combo)
        return (a->combo > b->combo) - (a->combo < b->combo);
    if (a->draw != b->draw)
        return (a->draw > b->draw) - (a->draw < b->draw);
    return (a->doc > b->doc) - (a->doc < b->doc);
}

/* By j / m, compared exactly as j_a * m_b against j_b * m_a, then by the
 * draw. */
static int cmp_spread(const void *va, const void *vb)
{
    const ranked_doc *a = va, *b = vb;
    uint64_t x = (uint64_t)a->j * b->m, y = (uint64_t)b->j * a->m;
    if (x != y)
        return (x > y) - (x < y);
    if (a->draw != b->draw)
        return (a->draw > b->draw) - (a->draw < b->draw);
    return (a->doc > b->doc) - (a->doc < b->doc);
}

/* The documents a share takes of N. */
static size_t share_of(double f, size_t n)
{
    if (n == 0)
        return 0;
    double want = ceil(f * (double)n - SHARE_SLACK);
    size_t m = want < 1 ? 1 : (size_t)want;
    return m > n ? n : m;
}

typedef struct curve_run {
    slant_curve *c;
    size_t step;
    uint64_t seed;
    const size_t *combo_of; /* per document */
    size_t c_docs;          /* documents in the corpus */
    uint64_t *before;       /* per head, the pool's counts after the previous fold */
    size_t *before_n;       /* per head, the classes they are over */
    size_t before_cap;      /* room in before for each head: before_cap x before_cap */
    double docs_sum;
    uint32_t docs_folds;
    slant_stage *stage;
    uint64_t done;          /* trainings so far */
    int failed;             /* out of memory in a hook */
} curve_run;

/* See train.h. */
size_t slant_curve_subset(const size_t *combo_of, size_t n_docs, uint64_t seed, uint32_t fold,
                          double share, size_t *train, size_t n_train)
{
    size_t keep = share_of(share, n_train);
    if (keep == n_train)
        return n_train; /* the whole side, as cross-validation trains it */
    ranked_doc *rd = slant_alloc_array(n_train, sizeof *rd);
    unsigned char *chosen = slant_calloc_array(n_docs, 1);
    if (!rd || !chosen) {
        free(rd);
        free(chosen);
        return SIZE_MAX;
    }
    /* The same order at every step: from the seed and the fold alone. */
    uint64_t state = seed ^ (0x9E3779B97F4A7C15ull * ((uint64_t)fold + 1));
    for (size_t i = 0; i < n_train; i++)
        rd[i] = (ranked_doc){train[i], combo_of[train[i]], 0, 0, slant_splitmix64(&state)};
    qsort(rd, n_train, sizeof *rd, cmp_in_combo);
    for (size_t a = 0; a < n_train;) {
        size_t b = a;
        while (b < n_train && rd[b].combo == rd[a].combo)
            b++;
        for (size_t i = a; i < b; i++) {
            rd[i].j = i - a;
            rd[i].m = b - a;
        }
        a = b;
    }
    qsort(rd, n_train, sizeof *rd, cmp_spread);
    for (size_t i = 0; i < keep; i++)
        chosen[rd[i].doc] = 1;
    size_t m = 0;
    for (size_t i = 0; i < n_train; i++)
        if (chosen[train[i]])
            train[m++] = train[i];
    free(chosen);
    free(rd);
    return m;
}

/* slant_cv_hooks.cut: the step's share of the fold's order. */
static size_t cut_fold(void *ctx, uint32_t fold, size_t *train, size_t n_train)
{
    curve_run *r = ctx;
    size_t m = slant_curve_subset(r->combo_of, r->c_docs, r->seed, fold,
                                  r->c->fractions[r->step], train, n_train);
    if (m == SIZE_MAX) { /* out of memory: the fold trains on all, and the curve fails */
        r->failed = 1;
        m = n_train;
    }
    r->docs_sum += (double)m;
    r->docs_folds++;
    return m;
}

/* Keeps POOL's counts of every head in r->before; -1 out of memory. */
static int keep_counts(curve_run *r, const slant_eval *pool)
{
    size_t nh = r->c->n_heads, most = 0;
    for (size_t h = 0; h < nh; h++)
        if (slant_eval_classes(pool, h) > most)
            most = slant_eval_classes(pool, h);
    if (most > r->before_cap) {
        uint64_t *p = slant_alloc_array(nh ? nh : 1, most * most * sizeof *p);
        if (!p)
            return -1;
        free(r->before);
        r->before = p;
        r->before_cap = most;
    }
    for (size_t h = 0; h < nh; h++) {
        size_t k = slant_eval_classes(pool, h);
        r->before_n[h] = k;
        if (!k)
            continue; /* nothing to keep, and r->before may not exist */
        uint64_t *b = r->before + h * r->before_cap * r->before_cap;
        for (size_t g = 0; g < k; g++)
            for (size_t p = 0; p < k; p++)
                b[g * k + p] = slant_eval_count(pool, h, g, p);
    }
    return 0;
}

/* The fold's own counts of head H (POOL's now less r->before's) into a
 * fresh accumulator FOLD with POOL's classes, a document at a time.
 * Returns the documents, or -1 on failure. */
static long long fold_counts(const curve_run *r, const slant_eval *pool, size_t h,
                             slant_eval *fold)
{
    size_t nh = r->c->n_heads, k = slant_eval_classes(pool, h), k0 = r->before_n[h];
    /* No counts kept yet (the first fold): k0 is 0, and b is never read. */
    const uint64_t *b = r->before ? r->before + h * r->before_cap * r->before_cap : NULL;
    const char *gold[256];
    size_t pred[256];
    const char **gp = nh <= 256 ? gold : slant_calloc_array(nh, sizeof *gp);
    size_t *pp = nh <= 256 ? pred : slant_calloc_array(nh, sizeof *pp);
    long long docs = 0;
    if (!gp || !pp)
        docs = -1;
    for (size_t i = 0; docs >= 0 && i < nh; i++) {
        gp[i] = NULL;
        pp[i] = 0;
    }
    for (size_t g = 0; docs >= 0 && g < k; g++)
        for (size_t p = 0; docs >= 0 && p < k; p++) {
            uint64_t now = slant_eval_count(pool, h, g, p);
            uint64_t then = g < k0 && p < k0 ? b[g * k0 + p] : 0;
            gp[h] = slant_eval_class_name(pool, h, g);
            pp[h] = p;
            for (uint64_t i = then; i < now && docs >= 0; i++, docs++)
                if (slant_eval_add(fold, gp, pp, NULL))
                    docs = -1;
        }
    if (gp != gold)
        free(gp);
    if (pp != pred)
        free(pp);
    return docs;
}

/* slant_cv_hooks.done: fold FOLD's own figures at this step. */
static void fold_done(void *ctx, uint32_t fold, const slant_eval *pool)
{
    curve_run *r = ctx;
    slant_curve *c = r->c;
    for (size_t h = 0; h < c->n_heads && !r->failed; h++) {
        slant_eval *fe = NULL;
        if (slant_eval_new_like(pool, &fe, NULL)) {
            r->failed = 1;
            break;
        }
        long long docs = fold_counts(r, pool, h, fe);
        size_t at = (h * c->steps + r->step) * c->folds + fold;
        if (docs < 0)
            r->failed = 1;
        else if (docs > 0) {
            c->fold_f1[at] = slant_eval_macro_f1(fe, h);
            c->fold_acc[at] = slant_eval_accuracy(fe, h);
        }
        slant_eval_free(fe);
    }
    if (!r->failed && keep_counts(r, pool))
        r->failed = 1;
    slant_stage_step(r->stage, ++r->done);
}

/* Mean, sd (n - 1), min and max of V[0..n) by stride 1, NaNs left out. */
static uint32_t spread(const double *v, uint32_t n, double *mean, double *sd, double *lo,
                       double *hi)
{
    double sum = 0, sq = 0;
    uint32_t k = 0;
    *lo = *hi = NAN;
    for (uint32_t i = 0; i < n; i++) {
        if (isnan(v[i]))
            continue;
        sum += v[i];
        if (!k || v[i] < *lo)
            *lo = v[i];
        if (!k || v[i] > *hi)
            *hi = v[i];
        k++;
    }
    *mean = k ? sum / k : NAN;
    for (uint32_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            sq += (v[i] - *mean) * (v[i] - *mean);
    *sd = k > 1 ? sqrt(sq / (k - 1)) : k ? 0 : NAN;
    return k;
}

/* The step's pooled figures and the folds' spread, from what the hooks
 * recorded. */
static void summarize_step(slant_curve *c, size_t s, const slant_eval *pool)
{
    for (size_t h = 0; h < c->n_heads; h++) {
        size_t at = h * c->steps + s;
        int labeled = slant_eval_labeled(pool, h) > 0;
        c->m[M_POOLED_F1][at] = labeled ? slant_eval_macro_f1(pool, h) : NAN;
        c->m[M_POOLED_ACC][at] = labeled ? slant_eval_accuracy(pool, h) : NAN;
        const double *f1 = c->fold_f1 + at * c->folds, *acc = c->fold_acc + at * c->folds;
        c->scored[at] = spread(f1, c->folds, &c->m[M_F1_MEAN][at], &c->m[M_F1_SD][at],
                               &c->m[M_F1_MIN][at], &c->m[M_F1_MAX][at]);
        spread(acc, c->folds, &c->m[M_ACC_MEAN][at], &c->m[M_ACC_SD][at],
               &c->m[M_ACC_MIN][at], &c->m[M_ACC_MAX][at]);
    }
}

static slant_curve *curve_alloc(size_t steps, size_t nh, uint32_t folds, size_t n_docs)
{
    slant_curve *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->steps = steps;
    c->n_heads = nh;
    c->folds = folds;
    size_t hs = nh * steps, per = 2 * steps + N_MEASURES * hs;
    /* folds <= n_docs and steps <= SLANT_CURVE_MAX_STEPS: no overflow below */
    size_t total = per + 2 * hs * folds;
    c->block = slant_alloc_array(total ? total : 1, sizeof *c->block);
    c->scored = slant_calloc_array(hs ? hs : 1, sizeof *c->scored);
    c->report_heads = slant_calloc_array(nh ? nh : 1, sizeof *c->report_heads);
    c->split = slant_alloc_array(n_docs ? n_docs : 1, sizeof *c->split);
    if (!c->block || !c->scored || !c->report_heads || !c->split) {
        slant_curve_free(c);
        return NULL;
    }
    for (size_t i = 0; i < total; i++)
        c->block[i] = NAN;
    c->fractions = c->block;
    c->train_docs = c->block + steps;
    for (int k = 0; k < N_MEASURES; k++)
        c->m[k] = c->block + 2 * steps + (size_t)k * hs;
    c->fold_f1 = c->block + per;
    c->fold_acc = c->fold_f1 + hs * folds;
    return c;
}

slant_status slant_learning_curve(const slant_corpus *corpus, const slant_options *opt,
                                  const slant_cv_options *cvo, const slant_curve_options *co,
                                  slant_curve **out, slant_cv_info *info, slant_error *err)
{
    if (!out)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no place to put the result");
    *out = NULL;
    if (!corpus || !opt || !cvo)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no corpus or options");
    slant_curve_options defaults;
    slant_curve_options_init(&defaults);
    if (!co)
        co = &defaults;
    slant_status st = slant_curve_options_check(co, err);
    if (!st)
        st = slant_options_check(opt, err);
    if (st)
        return st;
    size_t n = corpus->n_docs, nh = corpus->n_heads;
    if (nh == 0)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: the corpus has no label column to "
                          "draw a learning curve of", corpus->source ? corpus->source : "corpus");
    size_t steps = co->fractions ? co->n_fractions : co->steps ? co->steps : DEFAULT_STEPS;
    uint32_t folds = cvo->folds ? cvo->folds : 10;
    if (folds > n && n) /* slant_cv_split says so below; the arrays need folds <= n */
        folds = (uint32_t)n;
    slant_curve *c = curve_alloc(steps, nh, folds, n);
    size_t *combo_of = slant_alloc_array(n ? n : 1, sizeof *combo_of);
    curve_run r = {.c = c, .seed = opt->seed, .c_docs = n};
    r.before_n = slant_calloc_array(nh, sizeof *r.before_n);
    slant_cv_info split_info = {0};
    slant_stage stage;
    int begun = 0;
    if (!c || !combo_of || !r.before_n
        || !slant_cv_label_combos(corpus, combo_of)) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    r.combo_of = combo_of;
    for (size_t s = 0; s < steps; s++)
        c->fractions[s] = co->fractions ? co->fractions[s] : (double)(s + 1) / (double)steps;
    /* One split for every step, cross-validation's own. */
    if ((st = slant_cv_split(corpus, cvo, opt->seed, opt->threads, c->split, &split_info, err)))
        goto out;
    c->folds = folds = split_info.folds ? split_info.folds : folds;
    if (info)
        *info = split_info;
    slant_stage_begin(&stage, "curve", "trainings", (uint64_t)folds * steps);
    begun = 1;
    r.stage = &stage;
    slant_cv_options step_cvo = *cvo;
    slant_cv_hooks hooks = {cut_fold, fold_done, &r};
    for (size_t s = 0; s < steps; s++) {
        slant_eval *pool = NULL;
        r.step = s;
        r.docs_sum = 0;
        r.docs_folds = 0;
        for (size_t h = 0; h < nh; h++)
            r.before_n[h] = 0; /* the pool starts empty */
        step_cvo.mistakes = s + 1 == steps ? cvo->mistakes : NULL;
        slant_log("learning curve: step %zu of %zu, %.4g of each fold's training side", s + 1,
                  steps, c->fractions[s]);
        st = slant_cv_run_hooked(corpus, opt, &step_cvo, c->split, &hooks, &pool, NULL, NULL,
                                 err);
        if (!st && r.failed)
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        if (st) {
            slant_eval_free(pool);
            goto out;
        }
        c->train_docs[s] = r.docs_folds ? r.docs_sum / r.docs_folds : 0;
        summarize_step(c, s, pool);
        slant_eval_free(c->eval);
        c->eval = pool; /* the last step's stays */
    }
    for (size_t h = 0; h < nh; h++)
        c->report_heads[h] = (slant_report_curve_head){
            slant_eval_head_name(c->eval, h), c->m[M_POOLED_F1] + h * steps,
            c->m[M_F1_MEAN] + h * steps, c->m[M_F1_SD] + h * steps,
            c->m[M_F1_MIN] + h * steps, c->m[M_F1_MAX] + h * steps};
    *out = c;
    c = NULL;
out:
    if (begun)
        slant_stage_end(&stage, st == SLANT_STATUS_OK);
    slant_curve_free(c);
    free(r.before);
    free(r.before_n);
    free(combo_of);
    return st;
}

/* ------------------------------------------------------------------ */
/* Reading a curve                                                      */
/* ------------------------------------------------------------------ */

size_t slant_curve_steps(const slant_curve *c) { return c ? c->steps : 0; }
uint32_t slant_curve_folds(const slant_curve *c) { return c ? c->folds : 0; }
size_t slant_curve_heads(const slant_curve *c) { return c ? c->n_heads : 0; }

const char *slant_curve_head_name(const slant_curve *c, size_t head)
{
    return c && head < c->n_heads ? slant_eval_head_name(c->eval, head) : NULL;
}

double slant_curve_fraction(const slant_curve *c, size_t step)
{
    return c && step < c->steps ? c->fractions[step] : NAN;
}

double slant_curve_train_docs(const slant_curve *c, size_t step)
{
    return c && step < c->steps ? c->train_docs[step] : NAN;
}

int slant_curve_get(const slant_curve *c, size_t step, size_t head, slant_curve_point *out)
{
    if (!c || !out || step >= c->steps || head >= c->n_heads)
        return -1;
    size_t at = head * c->steps + step;
    *out = (slant_curve_point){
        c->m[M_POOLED_F1][at], c->m[M_POOLED_ACC][at],
        {c->m[M_F1_MEAN][at], c->m[M_F1_SD][at], c->m[M_F1_MIN][at], c->m[M_F1_MAX][at]},
        {c->m[M_ACC_MEAN][at], c->m[M_ACC_SD][at], c->m[M_ACC_MIN][at], c->m[M_ACC_MAX][at]},
        c->scored[at]};
    return 0;
}

double slant_curve_fold_f1(const slant_curve *c, size_t step, size_t head, uint32_t fold)
{
    if (!c || step >= c->steps || head >= c->n_heads || fold >= c->folds)
        return NAN;
    return c->fold_f1[(head * c->steps + step) * c->folds + fold];
}

slant_curve_trend slant_curve_head_trend(const slant_curve *c, size_t head,
                                         slant_curve_gain *out)
{
    if (!c || head >= c->n_heads)
        return slant_curve_trend_of(0, NULL, 0, NULL, out);
    return slant_curve_trend_of(c->steps, c->fractions, c->folds,
                                c->fold_f1 + head * c->steps * c->folds, out);
}

const slant_eval *slant_curve_eval(const slant_curve *c) { return c ? c->eval : NULL; }
const uint32_t *slant_curve_split(const slant_curve *c) { return c ? c->split : NULL; }

void slant_curve_report(const slant_curve *c, slant_report_curve *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (!c)
        return;
    out->steps = c->steps;
    out->fractions = c->fractions;
    out->train_docs = c->train_docs;
    out->folds = c->folds;
    out->n_heads = c->n_heads;
    out->heads = c->report_heads;
}
