/*
 * mistakes.c: the most confident mistakes of a model or of the folds of a
 * cross-validation (slant_mistakes in slant.h), for the report.  Each head
 * keeps a short list sorted by the probability of the wrong label; a
 * document enters it when it beats the last, and is explained by the
 * model of the call that recorded it before that call returns, since in
 * cross-validation that model is gone with its fold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "corpus.h"

typedef struct rec {
    size_t doc;
    uint64_t seq;  /* order of recording: ties in probability go to the earlier */
    char *id, *gold, *pred, *excerpt;
    size_t excerpt_len, text_len, model_head;
    double p_pred, p_gold, margin;
    int explained, fresh; /* fresh: recorded in the current call, not yet explained */
    size_t n_toward;
    char **toward;
    double *contribution;
} rec;

typedef struct mhead {
    char *name;
    uint64_t scored, wrong;
    size_t n;
    rec *recs; /* per_head slots, the first n used, most confident first */
} mhead;

struct slant_mistakes {
    size_t per_head, n_heads;
    mhead *heads;
    uint64_t seq;
};

static void rec_free(rec *r)
{
    free(r->id);
    free(r->gold);
    free(r->pred);
    free(r->excerpt);
    for (size_t i = 0; i < r->n_toward; i++)
        free(r->toward[i]);
    free(r->toward);
    free(r->contribution);
    memset(r, 0, sizeof *r);
}

slant_status slant_mistakes_new(size_t per_head, slant_mistakes **out, slant_error *err)
{
    if (!out)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no place to put the result");
    *out = NULL;
    if (per_head > 100000)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%zu mistakes a head is too many (at "
                          "most 100000)", per_head);
    slant_mistakes *m = calloc(1, sizeof *m);
    if (!m)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    m->per_head = per_head ? per_head : SLANT_MISTAKES_PER_HEAD;
    *out = m;
    return SLANT_STATUS_OK;
}

void slant_mistakes_free(slant_mistakes *m)
{
    if (!m)
        return;
    for (size_t h = 0; h < m->n_heads; h++) {
        for (size_t i = 0; i < m->heads[h].n; i++)
            rec_free(&m->heads[h].recs[i]);
        free(m->heads[h].recs);
        free(m->heads[h].name);
    }
    free(m->heads);
    free(m);
}

/* The index of the collector's head named NAME, added when new; SIZE_MAX
 * without memory.  An index, not a pointer: adding a head moves them. */
static size_t head_of(slant_mistakes *m, const char *name)
{
    for (size_t h = 0; h < m->n_heads; h++)
        if (strcmp(m->heads[h].name, name) == 0)
            return h;
    mhead *grown = realloc(m->heads, (m->n_heads + 1) * sizeof *grown);
    if (!grown)
        return SIZE_MAX;
    m->heads = grown;
    mhead *hd = &m->heads[m->n_heads];
    memset(hd, 0, sizeof *hd);
    hd->name = slant_strdup(name);
    hd->recs = calloc(m->per_head, sizeof *hd->recs);
    if (!hd->name || !hd->recs) {
        free(hd->name);
        free(hd->recs);
        return SIZE_MAX;
    }
    return m->n_heads++;
}

/* Offers document D as a mistake of HD: kept when it beats the last kept
 * (or there is room).  -1 without memory, else 0. */
static int offer(slant_mistakes *m, mhead *hd, const slant_corpus *c, size_t d, size_t mh,
                 const char *gold, const char *pred, double p_pred, double p_gold)
{
    uint64_t seq = m->seq++;
    if (hd->n == m->per_head && !(p_pred > hd->recs[hd->n - 1].p_pred))
        return 0;
    rec r = {.doc = d, .seq = seq, .model_head = mh, .p_pred = p_pred, .p_gold = p_gold,
             .fresh = 1, .text_len = c->lens[d]};
    size_t cut = c->lens[d] < SLANT_MISTAKES_EXCERPT ? c->lens[d] : SLANT_MISTAKES_EXCERPT;
    r.excerpt_len = slant_utf8_cut(c->texts[d], cut);
    r.id = slant_strdup(c->ids[d]);
    r.gold = slant_strdup(gold);
    r.pred = slant_strdup(pred);
    r.excerpt = slant_strndup(c->texts[d], r.excerpt_len);
    if (!r.id || !r.gold || !r.pred || !r.excerpt) {
        rec_free(&r);
        return -1;
    }
    if (hd->n == m->per_head)
        rec_free(&hd->recs[--hd->n]);
    size_t at = hd->n;
    while (at > 0 && hd->recs[at - 1].p_pred < p_pred) {
        hd->recs[at] = hd->recs[at - 1];
        at--;
    }
    hd->recs[at] = r;
    hd->n++;
    return 0;
}

/* Explains the fresh entries of every head with MODEL, on CORPUS's texts. */
static slant_status explain_fresh(slant_mistakes *m, const slant_model *model,
                                  const slant_corpus *c, slant_error *err)
{
    slant_error e2 = {{0}};
    int can = slant_model_explainable(model, &e2) == SLANT_STATUS_OK;
    for (size_t h = 0; h < m->n_heads; h++)
        for (size_t i = 0; i < m->heads[h].n; i++) {
            rec *r = &m->heads[h].recs[i];
            if (!r->fresh)
                continue;
            r->fresh = 0;
            if (!can)
                continue;
            slant_explanation *e = NULL;
            slant_status st = slant_model_explain(model, c->texts[r->doc], c->lens[r->doc],
                                                  r->model_head, SLANT_MISTAKES_NGRAMS, &e, err);
            if (st)
                return st;
            size_t k = e->n_toward;
            r->toward = calloc(k ? k : 1, sizeof *r->toward);
            r->contribution = calloc(k ? k : 1, sizeof *r->contribution);
            if (!r->toward || !r->contribution) {
                slant_explanation_free(e);
                return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
            }
            for (size_t j = 0; j < k; j++) {
                char name[256];
                if (slant_model_feature_name(model, e->toward[j].feature, name, sizeof name))
                    snprintf(name, sizeof name, "#%u", e->toward[j].feature);
                if (!(r->toward[j] = slant_strdup(name))) {
                    slant_explanation_free(e);
                    return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
                }
                r->contribution[j] = e->toward[j].contribution;
                r->n_toward = j + 1;
            }
            r->margin = e->margin;
            r->explained = 1;
            slant_explanation_free(e);
        }
    return SLANT_STATUS_OK;
}

#define CHUNK 2048 /* documents labeled at a time: memory for their probabilities */

slant_status slant_mistakes_corpus(slant_mistakes *m, const slant_model *model,
                                   const slant_corpus *corpus, const size_t *docs,
                                   size_t n_docs, uint32_t threads, slant_error *err)
{
    if (!m || !model || !corpus)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no collector, model or corpus");
    if (!docs)
        n_docs = corpus->n_docs;
    for (size_t i = 0; docs && i < n_docs; i++)
        if (docs[i] >= corpus->n_docs)
            return slant_fail(err, SLANT_STATUS_BAD_OPTION, "document %zu is past the corpus's "
                              "%zu", docs[i], corpus->n_docs);
    size_t nmh = slant_model_heads(model), tc = slant_model_total_classes(model);
    /* ch[mh]: the corpus's column of model head mh, SIZE_MAX when none */
    size_t *ch = malloc((nmh ? nmh : 1) * sizeof *ch);
    size_t *hd = malloc((nmh ? nmh : 1) * sizeof *hd); /* the collector's head, SIZE_MAX: none */
    double *probs = malloc(CHUNK * (tc ? tc : 1) * sizeof *probs);
    size_t *best = malloc(CHUNK * (nmh ? nmh : 1) * sizeof *best);
    slant_corpus view = *corpus;
    view.n_heads = 0;
    view.head_names = NULL;
    view.labels = NULL;
    view.groups = NULL;
    view.group_name = NULL;
    view.texts = malloc(CHUNK * sizeof *view.texts);
    view.lens = malloc(CHUNK * sizeof *view.lens);
    view.ids = malloc(CHUNK * sizeof *view.ids);
    slant_status st = SLANT_STATUS_OK;
    if (!ch || !hd || !probs || !best || !view.texts || !view.lens || !view.ids) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    for (size_t mh = 0; mh < nmh; mh++) {
        ch[mh] = hd[mh] = SIZE_MAX;
        for (size_t k = 0; k < corpus->n_heads; k++)
            if (strcmp(corpus->head_names[k], slant_model_head_name(model, mh)) == 0)
                ch[mh] = k;
        if (ch[mh] != SIZE_MAX &&
            (hd[mh] = head_of(m, slant_model_head_name(model, mh))) == SIZE_MAX) {
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
            goto out;
        }
    }
    for (size_t first = 0; first < n_docs; first += CHUNK) {
        size_t n = n_docs - first < CHUNK ? n_docs - first : CHUNK;
        for (size_t i = 0; i < n; i++) {
            size_t d = docs ? docs[first + i] : first + i;
            view.texts[i] = corpus->texts[d];
            view.lens[i] = corpus->lens[d];
            view.ids[i] = corpus->ids[d];
        }
        view.n_docs = n;
        if ((st = slant_model_predict_corpus(model, &view, 0, n, threads, probs, best, err)))
            goto out;
        for (size_t i = 0; i < n; i++) {
            size_t d = docs ? docs[first + i] : first + i;
            for (size_t mh = 0; mh < nmh; mh++) {
                if (hd[mh] == SIZE_MAX)
                    continue;
                mhead *x = &m->heads[hd[mh]];
                const char *gold = corpus->labels[d * corpus->n_heads + ch[mh]];
                if (!gold)
                    continue;
                x->scored++;
                size_t b = best[i * nmh + mh], off = slant_model_class_offset(model, mh);
                const char *pred = slant_model_class_name(model, mh, b);
                if (strcmp(gold, pred) == 0)
                    continue;
                x->wrong++;
                double pg = 0;
                for (size_t k = 0; k < slant_model_classes(model, mh); k++)
                    if (strcmp(slant_model_class_name(model, mh, k), gold) == 0)
                        pg = probs[i * tc + off + k];
                if (offer(m, x, corpus, d, mh, gold, pred, probs[i * tc + off + b], pg)) {
                    st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
                    goto out;
                }
            }
        }
    }
    st = explain_fresh(m, model, corpus, err);
out:
    if (st) /* what this call added cannot be explained now: it goes */
        for (size_t h = 0; h < m->n_heads; h++) {
            mhead *x = &m->heads[h];
            size_t kept = 0;
            for (size_t i = 0; i < x->n; i++) {
                if (x->recs[i].fresh)
                    rec_free(&x->recs[i]);
                else
                    x->recs[kept++] = x->recs[i];
            }
            x->n = kept;
        }
    free(view.ids);
    free(view.lens);
    free(view.texts);
    free(best);
    free(probs);
    free(hd);
    free(ch);
    return st;
}

size_t slant_mistakes_heads(const slant_mistakes *m)
{
    return m ? m->n_heads : 0;
}

const char *slant_mistakes_head_name(const slant_mistakes *m, size_t h)
{
    return m && h < m->n_heads ? m->heads[h].name : NULL;
}

uint64_t slant_mistakes_scored(const slant_mistakes *m, size_t h)
{
    return m && h < m->n_heads ? m->heads[h].scored : 0;
}

uint64_t slant_mistakes_wrong(const slant_mistakes *m, size_t h)
{
    return m && h < m->n_heads ? m->heads[h].wrong : 0;
}

size_t slant_mistakes_count(const slant_mistakes *m, size_t h)
{
    return m && h < m->n_heads ? m->heads[h].n : 0;
}

int slant_mistakes_get(const slant_mistakes *m, size_t h, size_t i, slant_mistake *out)
{
    if (!m || h >= m->n_heads || i >= m->heads[h].n || !out)
        return -1;
    const rec *r = &m->heads[h].recs[i];
    *out = (slant_mistake){.doc = r->doc, .id = r->id, .gold = r->gold, .predicted = r->pred,
                           .p_predicted = r->p_pred, .p_gold = r->p_gold, .excerpt = r->excerpt,
                           .excerpt_len = r->excerpt_len, .text_len = r->text_len,
                           .explained = r->explained, .margin = r->margin,
                           .n_toward = r->n_toward, .toward = (const char *const *)r->toward,
                           .contribution = r->contribution};
    return 0;
}
