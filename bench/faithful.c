/*
 * faithful.c: how faithful slant's explanations are, by ERASER's
 * comprehensiveness (DeYoung et al. 2020): take from a document's vector
 * the K n-grams its explanation names as pushing hardest toward the chosen
 * class, and see how far that class's probability falls; against taking
 * K of its n-grams at random.  bench/explain.py runs it and sums up.
 *
 *   faithful MODEL CORPUS K DRAWS SEED
 *
 * One line per document of CORPUS (read as label reads it) on standard
 * output, tab-separated:
 *   id  n  removed  p  p_top  p_random  q_top  q_random  f_top  f_random  g_top  g_random
 * n: the entries of its vector; removed: how many each way were taken (K,
 * or fewer when fewer push toward the class); p: the chosen class's
 * probability (its first head); p_top and p_random: after taking the top
 * ones and, averaged over DRAWS draws, random ones, the other values left
 * as they were; q_top and q_random: the same with the rest of a tf-idf
 * vector scaled back to unit length, as the document without those
 * n-grams would be; f_* (as is) and g_* (scaled): 1 when the label then
 * changes (random: the share of draws).  A document of fewer than 2K
 * entries is skipped.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "slant.h"

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* The chosen class's probability for X less the entries marked in GONE,
 * the rest rescaled to unit length when RENORM; *flip (output) adds 1
 * when the first head's label is then another class. */
static double prob_without(const slant_model *m, const slant_feature *x, size_t n,
                           const unsigned char *gone, int renorm, size_t cls, slant_feature *y,
                           double *probs, double *flip)
{
    size_t r = 0;
    double kept = 0;
    for (size_t j = 0; j < n; j++)
        if (!gone[j]) {
            y[r++] = x[j];
            kept += (double)x[j].value * x[j].value;
        }
    if (renorm && kept > 0)
        for (size_t j = 0; j < r; j++)
            y[j].value = (float)(y[j].value / sqrt(kept));
    size_t best[SLANT_MAX_HEADS];
    slant_model_score(m, y, r, probs, best);
    *flip += best[0] != cls;
    return probs[cls];
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: faithful MODEL CORPUS K DRAWS SEED\n");
        return 2;
    }
    size_t k = strtoul(argv[3], NULL, 10), draws = strtoul(argv[4], NULL, 10);
    uint64_t seed = strtoull(argv[5], NULL, 10);
    slant_error err = {{0}};
    slant_model *m = NULL;
    slant_corpus *c = NULL;
    slant_read_options ro;
    slant_read_options_init(&ro);
    ro.texts_only = 1;
    if (slant_model_load(argv[1], &m, &err) || slant_corpus_read_with(argv[2], &ro, &c, &err)) {
        fprintf(stderr, "faithful: %s\n", err.message);
        return 2;
    }
    slant_options o;
    slant_model_options(m, &o);
    int tfidf = o.weighting == SLANT_WEIGHTING_TFIDF;
    size_t nf = slant_model_features(m) + 1, tc = slant_model_total_classes(m);
    slant_feature *x = malloc(nf * sizeof *x), *y = malloc(nf * sizeof *y);
    unsigned char *gone = calloc(nf, 1);
    size_t *pick = malloc(nf * sizeof *pick);
    double *probs = malloc(tc * sizeof *probs);
    if (!x || !y || !gone || !pick || !probs)
        return 1;
    for (size_t d = 0; d < slant_corpus_size(c); d++) {
        size_t len;
        const char *t = slant_corpus_text(c, d, &len);
        size_t n = slant_model_vectorize(m, t, len, x, nf);
        if (n < 2 * k)
            continue;
        slant_explanation *e = NULL;
        if (slant_model_explain(m, t, len, 0, k, &e, &err)) {
            fprintf(stderr, "faithful: %s\n", err.message);
            return 1;
        }
        size_t cls = e->chosen, removed = e->n_toward;
        memset(gone, 0, n);
        double unused = 0, f_top = 0, f_rand = 0, g_top = 0, g_rand = 0;
        double p = prob_without(m, x, n, gone, 0, cls, y, probs, &unused);
        for (size_t i = 0; i < removed; i++)
            for (size_t j = 0; j < n; j++) /* x is sorted by index: each feature once */
                if (x[j].index == e->toward[i].feature)
                    gone[j] = 1;
        double p_top = prob_without(m, x, n, gone, 0, cls, y, probs, &f_top);
        double q_top = tfidf ? prob_without(m, x, n, gone, 1, cls, y, probs, &g_top) : p_top;
        double p_rand = 0, q_rand = 0;
        uint64_t s = seed ^ (0x51ed27000ull * (d + 1));
        for (size_t r = 0; r < draws; r++) {
            memset(gone, 0, n);
            /* REMOVED distinct entries, by a partial Fisher-Yates shuffle */
            for (size_t j = 0; j < n; j++)
                pick[j] = j;
            for (size_t i = 0; i < removed; i++) {
                size_t j = i + (size_t)(splitmix(&s) % (n - i));
                size_t tmp = pick[i];
                pick[i] = pick[j];
                pick[j] = tmp;
                gone[pick[i]] = 1;
            }
            p_rand += prob_without(m, x, n, gone, 0, cls, y, probs, &f_rand);
            q_rand += tfidf ? prob_without(m, x, n, gone, 1, cls, y, probs, &g_rand) : 0;
        }
        p_rand /= (double)draws;
        f_rand /= (double)draws;
        q_rand = tfidf ? q_rand / (double)draws : p_rand;
        g_rand = tfidf ? g_rand / (double)draws : f_rand;
        if (!tfidf)
            g_top = f_top;
        printf("%s\t%zu\t%zu\t%.6f\t%.6f\t%.6f\t%.6f\t%.6f\t%g\t%g\t%g\t%g\n",
               slant_corpus_id(c, d), n, removed, p, p_top, p_rand, q_top, q_rand, f_top, f_rand,
               g_top, g_rand);
        slant_explanation_free(e);
    }
    free(x), free(y), free(gone), free(pick), free(probs);
    slant_corpus_free(c);
    slant_model_free(m);
    return ferror(stdout) ? 1 : 0;
}
