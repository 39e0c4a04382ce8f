/*
 * audit.c: suspect labels by confident learning (Northcutt, Jiang and
 * Chuang, "Confident Learning: Estimating Uncertainty in Dataset Labels",
 * JAIR 2021), from out-of-fold probabilities (oof.c).
 *
 * For one head: each class j gets a threshold t_j, the mean out-of-fold
 * probability of j over the documents labeled j (what the model gives a
 * typical member).  A document labeled i is off the diagonal of the
 * confident joint when some other class j is at or above its threshold,
 * p_j >= t_j; the number of such documents is the estimate of the label
 * errors, and the most probable such j is the class suggested for it.
 * The documents are ranked by a score over the whole head, and the
 * estimated number of them, from the top, are flagged: the paper's
 * ranking step with the confident joint's count (as its authors' library
 * offers it, by "low normalized margin").
 *
 * Two other ways were measured and dropped (bench/results/
 * 2026-12-02-audit.md, 5% of the labels flipped): flagging the
 * off-diagonal documents themselves and ranking them first put fewer
 * flipped ones among the top N on sms_spam (0.86 against 0.88, and 0.81
 * against 0.89 on another seed: a per-class threshold holds back the
 * documents of a class the model rates highly), and the paper's "pruning
 * by noise rate" (per off-diagonal cell rescaled to the class sizes, that
 * many documents of the class by the largest p_j - p_i) overestimated
 * their number (1,835 for 1,250 on imdb) and did worse still (0.81).
 *
 * Everything runs in document order with ties broken by document index,
 * so the result depends on the corpus, the options and the seed only.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "corpus.h"
#include "train.h"

typedef struct audit_head {
    char *name;
    size_t documents; /* labeled and labeled out of fold */
    size_t estimated; /* flagged by confident learning */
    size_t first, count; /* its entries in the result */
} audit_head;

typedef struct audit_row {
    size_t doc, given, suggested;
    double p_given, p_suggested, score;
    int flagged;
} audit_row;

struct slant_audit_result {
    size_t n_heads;
    audit_head *heads;
    size_t n_entries;
    slant_audit_entry *entries;
    char **strings; /* every string the entries point to, owned */
    size_t n_strings, strings_cap;
};

int slant_audit_rank_parse(const char *name)
{
    if (!name)
        return -1;
    if (!strcmp(name, "margin"))
        return SLANT_AUDIT_RANK_MARGIN;
    if (!strcmp(name, "confidence"))
        return SLANT_AUDIT_RANK_CONFIDENCE;
    return -1;
}

const char *slant_audit_rank_name(slant_audit_rank rank)
{
    return rank == SLANT_AUDIT_RANK_CONFIDENCE ? "confidence" : "margin";
}

void slant_audit_options_init(slant_audit_options *ao)
{
    if (ao)
        memset(ao, 0, sizeof *ao);
}

void slant_audit_result_free(slant_audit_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_strings; i++)
        free(r->strings[i]);
    free(r->strings);
    for (size_t h = 0; h < r->n_heads; h++)
        free(r->heads[h].name);
    free(r->heads);
    free(r->entries);
    free(r);
}

/* A copy of S owned by R, or NULL out of memory. */
static const char *keep_string(slant_audit_result *r, const char *s)
{
    if (slant_grow((void **)&r->strings, &r->strings_cap, r->n_strings + 1, sizeof *r->strings))
        return NULL;
    char *c = slant_strdup(s);
    if (c)
        r->strings[r->n_strings++] = c;
    return c;
}

/* By score (lowest first), then by document. */
static int cmp_row(const void *va, const void *vb)
{
    const audit_row *a = va, *b = vb;
    if (a->score != b->score)
        return a->score < b->score ? -1 : 1;
    return (a->doc > b->doc) - (a->doc < b->doc);
}

/* Confident learning on head H of OOF: ROWS (output, one per document
 * labeled and scored in it; *n_rows of them) ranked as cmp_row says, the
 * first *estimated (output: the off-diagonal count) flagged.  A row's
 * suggested class is the most probable other one at or above its
 * threshold, or when there is none the most probable other one. */
static slant_status audit_head_rows(const slant_fold_probs *oof, size_t h, slant_audit_rank rank,
                                    audit_row **rows_out, size_t *n_rows, size_t *estimated,
                                    slant_error *err)
{
    size_t n = oof->n_docs, nh = oof->n_heads, total = oof->class_start[nh];
    size_t off = oof->class_start[h], k = oof->class_start[h + 1] - off;
    audit_row *rows = slant_alloc_array(n ? n : 1, sizeof *rows);
    double *thr = slant_calloc_array(k, sizeof *thr);
    size_t *members = slant_calloc_array(k, sizeof *members);
    slant_status st = SLANT_STATUS_OK;
    if (!rows || !thr || !members) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    size_t m = 0;
    *estimated = 0;
    for (size_t d = 0; d < n; d++) {
        size_t i = oof->class_of[d * nh + h];
        const double *p = oof->probs + d * total + off;
        if (i == SIZE_MAX || isnan(p[0]))
            continue;
        size_t best = i == 0 ? 1 : 0; /* the most probable other class */
        for (size_t j = 0; j < k; j++)
            if (j != i && p[j] > p[best])
                best = j;
        double margin = p[i] - p[best];
        rows[m++] = (audit_row){d, i, best, p[i], p[best],
                                rank == SLANT_AUDIT_RANK_CONFIDENCE ? p[i] : margin, 0};
        thr[i] += p[i];
        members[i]++;
    }
    for (size_t j = 0; j < k; j++)
        thr[j] = members[j] ? thr[j] / (double)members[j] : INFINITY;
    /* Off the diagonal of the confident joint: some other class is at
     * or above its threshold; the most probable such class is the one
     * suggested. */
    for (size_t r = 0; r < m; r++) {
        const double *p = oof->probs + rows[r].doc * total + off;
        size_t i = rows[r].given, at = SIZE_MAX;
        for (size_t j = 0; j < k; j++)
            if (j != i && p[j] >= thr[j] && (at == SIZE_MAX || p[j] > p[at]))
                at = j;
        if (at == SIZE_MAX)
            continue;
        ++*estimated;
        rows[r].suggested = at;
        rows[r].p_suggested = p[at];
    }
    qsort(rows, m, sizeof *rows, cmp_row);
    for (size_t r = 0; r < *estimated; r++)
        rows[r].flagged = 1;
    *rows_out = rows;
    *n_rows = m;
    rows = NULL;
out:
    free(rows);
    free(thr);
    free(members);
    return st;
}

/* The second pass: the folds trained again without the documents that
 * the first flagged in any audited head, and *OOF (input and output)
 * replaced by the probabilities of those models.  The flagged documents
 * are still labeled, by their own fold's model.  A document that the
 * second pass cannot label in a head (its fold's training side lost a
 * class to the pruning) keeps the first pass's probabilities.
 * ESTIMATED (output, one per head) receives the first pass's estimate of
 * the errors: the number flagged stays the first pass's, since models
 * trained without the suspects are surer of everything, and their
 * confident joint counts too many (1,826 for 1,250 flipped on imdb,
 * against 1,328 from the first pass). */
static slant_status prune_and_refit(const slant_corpus *corpus, const unsigned char *want,
                                    const slant_options *opt, const slant_cv_options *cvo,
                                    slant_audit_rank rank, slant_fold_probs *oof,
                                    size_t *estimated_out, slant_error *err)
{
    size_t n = oof->n_docs, nh = oof->n_heads, pruned = 0;
    unsigned char *skip = slant_calloc_array(n ? n : 1, 1);
    if (!skip)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    slant_status st = SLANT_STATUS_OK;
    for (size_t h = 0; h < nh && !st; h++) {
        if (!want[h])
            continue;
        audit_row *rows = NULL;
        size_t n_rows = 0, estimated = 0;
        if ((st = audit_head_rows(oof, h, rank, &rows, &n_rows, &estimated, err)))
            break;
        estimated_out[h] = estimated;
        for (size_t r = 0; r < estimated; r++)
            if (!skip[rows[r].doc]) {
                skip[rows[r].doc] = 1;
                pruned++;
            }
        free(rows);
    }
    if (st || pruned == 0) {
        free(skip);
        return st;
    }
    slant_log("audit: training the folds again without the %zu documents flagged", pruned);
    slant_fold_probs second;
    st = slant_cv_fold_probs(corpus, want, skip, opt, cvo, &second, NULL, err);
    free(skip);
    if (st)
        return st;
    size_t cells = n * oof->class_start[nh];
    for (size_t i = 0; i < cells; i++)
        if (isnan(second.probs[i]))
            second.probs[i] = oof->probs[i];
    slant_fold_probs_free(oof);
    *oof = second;
    return SLANT_STATUS_OK;
}

slant_status slant_audit(const slant_corpus *corpus, const slant_options *opt,
                         const slant_cv_options *cvo, const slant_audit_options *ao,
                         slant_audit_result **out, slant_error *err)
{
    if (!out)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no place to put the result");
    *out = NULL;
    if (!corpus || !opt || !cvo)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no corpus or options");
    slant_audit_options defaults;
    slant_audit_options_init(&defaults);
    if (!ao)
        ao = &defaults;
    if (ao->rank != SLANT_AUDIT_RANK_MARGIN && ao->rank != SLANT_AUDIT_RANK_CONFIDENCE)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "unknown audit ranking %d",
                          (int)ao->rank);
    size_t nh = corpus->n_heads;
    const char *src = corpus->source ? corpus->source : "corpus";
    if (nh == 0)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: no label column to audit", src);
    unsigned char *want = slant_calloc_array(nh, 1);
    if (!want)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    for (size_t i = 0; ao->heads && i < ao->n_heads; i++) {
        size_t h = 0;
        while (h < nh && strcmp(corpus->head_names[h], ao->heads[i]))
            h++;
        if (h == nh) {
            free(want);
            return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%s: no label column \"%s\" to "
                              "audit", src, ao->heads[i]);
        }
        want[h] = 1;
    }
    if (!ao->heads)
        memset(want, 1, nh);
    uint32_t passes = ao->passes ? ao->passes : SLANT_AUDIT_PASSES;
    if (passes > 2) {
        free(want);
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "audit passes are 1 or 2, not %u",
                          passes);
    }
    size_t *first_estimate = slant_calloc_array(nh, sizeof *first_estimate);
    if (!first_estimate) {
        free(want);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    }
    slant_fold_probs oof;
    slant_status st = slant_cv_fold_probs(corpus, want, NULL, opt, cvo, &oof, NULL, err);
    if (!st && passes == 2)
        st = prune_and_refit(corpus, want, opt, cvo, ao->rank, &oof, first_estimate, err);
    if (st) {
        free(first_estimate);
        free(want);
        return st;
    }
    slant_audit_result *r = calloc(1, sizeof *r);
    size_t n_want = 0;
    for (size_t h = 0; h < nh; h++)
        n_want += want[h];
    audit_row *rows = NULL;
    if (!r || !(r->heads = slant_calloc_array(n_want, sizeof *r->heads))) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    size_t cap = 0;
    for (size_t h = 0; h < nh && !st; h++) {
        if (!want[h])
            continue;
        size_t n_rows = 0, estimated = 0;
        if ((st = audit_head_rows(&oof, h, ao->rank, &rows, &n_rows, &estimated, err)))
            break;
        if (passes == 2) { /* the first pass's count, the second's ranking */
            estimated = first_estimate[h] < n_rows ? first_estimate[h] : n_rows;
            for (size_t q = 0; q < n_rows; q++)
                rows[q].flagged = q < estimated;
        }
        audit_head *ah = &r->heads[r->n_heads++];
        ah->name = slant_strdup(corpus->head_names[h]);
        ah->documents = n_rows;
        ah->estimated = estimated;
        ah->first = r->n_entries;
        size_t top = ao->top ? ao->top : estimated;
        if (top > n_rows)
            top = n_rows;
        ah->count = top;
        const char *const *names = oof.class_names + oof.class_start[h];
        if (!ah->name
            || slant_grow((void **)&r->entries, &cap, r->n_entries + top, sizeof *r->entries)) {
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
            break;
        }
        for (size_t q = 0; q < top; q++) {
            const audit_row *w = &rows[q];
            slant_audit_entry e = {w->doc, r->n_heads - 1, keep_string(r, corpus->ids[w->doc]),
                                   ah->name, keep_string(r, names[w->given]),
                                   keep_string(r, names[w->suggested]), w->p_given,
                                   w->p_suggested, w->score, w->flagged};
            if (!e.id || !e.given || !e.suggested) {
                st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
                break;
            }
            r->entries[r->n_entries++] = e;
        }
        free(rows);
        rows = NULL;
    }
out:
    free(rows);
    free(want);
    free(first_estimate);
    slant_fold_probs_free(&oof);
    if (st) {
        slant_audit_result_free(r);
        return st;
    }
    *out = r;
    return SLANT_STATUS_OK;
}

size_t slant_audit_heads(const slant_audit_result *r)
{
    return r ? r->n_heads : 0;
}

const char *slant_audit_head_name(const slant_audit_result *r, size_t head)
{
    return r && head < r->n_heads ? r->heads[head].name : NULL;
}

size_t slant_audit_head_documents(const slant_audit_result *r, size_t head)
{
    return r && head < r->n_heads ? r->heads[head].documents : 0;
}

size_t slant_audit_head_estimated(const slant_audit_result *r, size_t head)
{
    return r && head < r->n_heads ? r->heads[head].estimated : 0;
}

size_t slant_audit_count(const slant_audit_result *r)
{
    return r ? r->n_entries : 0;
}

int slant_audit_get(const slant_audit_result *r, size_t i, slant_audit_entry *out)
{
    if (!r || i >= r->n_entries || !out)
        return -1;
    *out = r->entries[i];
    return 0;
}
