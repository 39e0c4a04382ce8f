/*
 * top.c: a class's heaviest n-grams, as `slant inspect` lists them and the
 * report shows them: the features whose weight for the class most exceeds
 * the head's mean weight for them.  Against the mean rather than the raw
 * weight, since naive Bayes's log-probabilities are all negative and the
 * n-grams common to every class weigh most in each.
 */
#include "slant.h"

size_t slant_model_top_features(const slant_model *m, size_t h, size_t c, size_t top,
                                slant_ranked_feature *best)
{
    if (!m || h >= slant_model_heads(m) || c >= slant_model_classes(m, h) || !best ||
        slant_model_support_vectors(m, h, NULL))
        return 0;
    size_t nf = slant_model_features(m), nc = slant_model_classes(m, h);
    size_t n = 0;
    for (size_t f = 0; f < nf && top; f++) {
        double mean = 0;
        for (size_t k = 0; k < nc; k++)
            mean += slant_model_weight(m, h, k, (uint32_t)f);
        mean /= (double)nc;
        double s = slant_model_weight(m, h, c, (uint32_t)f) - mean;
        if (n == top && s <= best[n - 1].score)
            continue;
        size_t at = n < top ? n++ : n - 1;
        while (at > 0 && best[at - 1].score < s) { /* strictly: ties keep the smaller index */
            best[at] = best[at - 1];
            at--;
        }
        best[at] = (slant_ranked_feature){(uint32_t)f, s};
    }
    return n;
}
