/*
 * cv.c: stratified K-fold cross-validation.  The documents are dealt into
 * K folds so that each combination of the labels of every head (a missing
 * label is a value of its own) is spread evenly across them, and with it
 * each label of each head as far as the combinations allow; each fold is
 * then labeled by a model trained on the other K-1, and the held-out
 * predictions of all folds are pooled into one evaluation.
 *
 * A head whose labels have two classes in the corpus can still have one on
 * a fold's training side (a rare class, a head with few labels): that fold
 * is trained without the head and its documents are not scored on it,
 * with a warning, rather than stopping the cross-validation.
 *
 * The split depends only on the corpus's labels, K and the seed in the
 * options, never on the thread count or the platform's rand().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "common.h"
#include "corpus.h"
#include "eval.h"
#include "train.h"

/* A uniform integer in [0, n), n > 0, without modulo bias: draws below
 * 2^64 mod n are rejected. */
static uint64_t uniform_below(uint64_t *state, uint64_t n)
{
    uint64_t limit = (0 - n) % n;
    uint64_t r;
    do
        r = slant_splitmix64(state);
    while (r < limit);
    return r % n;
}

typedef struct labeled_doc {
    const char *const *labels; /* the document's row: one label per head, NULL when missing */
    size_t n_heads;
    size_t doc;
} labeled_doc;

/* Labels in order, a missing one after every other. */
static int cmp_label(const char *a, const char *b)
{
    if (a == b)
        return 0;
    if (!a)
        return 1;
    if (!b)
        return -1;
    return strcmp(a, b);
}

static int same_labels(const labeled_doc *a, const labeled_doc *b)
{
    for (size_t h = 0; h < a->n_heads; h++)
        if (cmp_label(a->labels[h], b->labels[h]))
            return 0;
    return 1;
}

/* By the labels of the first head, then of the next, ..., then by
 * document. */
static int cmp_labeled(const void *va, const void *vb)
{
    const labeled_doc *a = va, *b = vb;
    for (size_t h = 0; h < a->n_heads; h++) {
        int c = cmp_label(a->labels[h], b->labels[h]);
        if (c)
            return c;
    }
    return (a->doc > b->doc) - (a->doc < b->doc);
}

/* See train.h.  Documents are grouped by their labels of all heads, the
 * groups in sorted order (by the first head's label, then the second's,
 * ...; missing labels last); each group is shuffled, then all are dealt
 * round-robin with one running position.  Every fold gets its share of
 * each combination, fold sizes differ by at most one, and since the groups
 * of one first-head label are dealt one after another, that label's
 * documents are spread as evenly as with the first head alone (with one
 * head the folds are exactly those). */
slant_status slant_cv_folds(const slant_corpus *corpus, uint32_t folds, uint64_t seed,
                            uint32_t *fold_of, slant_error *err)
{
    size_t n = corpus->n_docs, nh = corpus->n_heads;
    labeled_doc *by_label = slant_alloc_array(n, sizeof *by_label);
    if (!by_label)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    for (size_t d = 0; d < n; d++)
        by_label[d] = (labeled_doc){(const char *const *)corpus->labels + d * nh, nh, d};
    qsort(by_label, n, sizeof *by_label, cmp_labeled);

    uint64_t state = seed;
    size_t next = 0;
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && same_labels(&by_label[b], &by_label[a]))
            b++;
        /* Fisher-Yates over the group [a, b). */
        for (size_t i = b - a; i > 1; i--) {
            size_t j = (size_t)uniform_below(&state, i);
            labeled_doc t = by_label[a + i - 1];
            by_label[a + i - 1] = by_label[a + j];
            by_label[a + j] = t;
        }
        for (size_t i = a; i < b; i++, next++)
            fold_of[by_label[i].doc] = (uint32_t)(next % folds);
        a = b;
    }
    free(by_label);
    return SLANT_STATUS_OK;
}

/* ------------------------------------------------------------------ */
/* Grouped folds                                                        */
/* ------------------------------------------------------------------ */

/* The near-duplicate clusters of CORPUS at THRESHOLD (slant_dups_find):
 * *dup_of (output, malloc'd, one entry per document: its cluster,
 * SIZE_MAX alone) and their count, into INFO too.  A corpus of vectors
 * has no words to compare: none are looked for. */
static slant_status slant_cv_duplicates(const slant_corpus *corpus, double threshold,
                                        uint32_t threads, uint64_t seed, size_t **dup_of,
                                        size_t *n_clusters, slant_cv_info *info,
                                        slant_error *err)
{
    *dup_of = NULL;
    *n_clusters = 0;
    if (corpus->vectors)
        return SLANT_STATUS_OK;
    slant_dups_options dopt;
    slant_dups_options_init(&dopt);
    dopt.threshold = threshold;
    dopt.threads = threads;
    dopt.seed = seed;
    slant_dups *d = NULL;
    slant_status st = slant_dups_find(corpus, NULL, &dopt, &d, err);
    if (st)
        return st;
    size_t n = corpus->n_docs, k = slant_dups_clusters(d);
    info->dups_checked = 1;
    info->dup_clusters = k;
    if (k) {
        if (!(*dup_of = slant_alloc_array(n ? n : 1, sizeof **dup_of))) {
            slant_dups_free(d);
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        }
        for (size_t i = 0; i < n; i++) {
            (*dup_of)[i] = slant_dups_cluster_of(d, i);
            info->dup_docs += (*dup_of)[i] != SIZE_MAX;
        }
    }
    *n_clusters = k;
    slant_dups_free(d);
    if (k)
        slant_log("near-duplicates: %zu clusters of %zu documents, each kept in one fold", k,
                  info->dup_docs);
    return SLANT_STATUS_OK;
}

/* Union-find over documents, with path halving; the smaller root wins, so
 * that the result does not depend on the order of the unions. */
static size_t uf_find(size_t *parent, size_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

static void uf_join(size_t *parent, size_t a, size_t b)
{
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a < b)
        parent[b] = a;
    else if (b < a)
        parent[a] = b;
}

typedef struct group_ref {
    const char *group;
    size_t doc;
} group_ref;

static int cmp_group_ref(const void *va, const void *vb)
{
    const group_ref *a = va, *b = vb;
    int c = strcmp(a->group, b->group);
    return c ? c : (a->doc > b->doc) - (a->doc < b->doc);
}

/* With groups, a near-duplicate cluster that touches two named groups (a
 * syndicated article in two outlets) is left to the groups: joining it
 * would merge whole outlets into one unit (on the news-leaning corpus 16
 * clusters of 32 articles chained outlets into a fold of 9,690 of 26,590
 * articles), for the sake of a few copies.  Its entries in DUP_OF become
 * SIZE_MAX; returns how many such clusters there were. */
static size_t split_across_groups(const slant_corpus *c, size_t *dup_of, size_t n_clusters)
{
    const char **seen = slant_calloc_array(n_clusters, sizeof *seen);
    unsigned char *across = slant_calloc_array(n_clusters, 1);
    size_t count = 0;
    if (!seen || !across) { /* out of memory: every cluster left to the groups */
        for (size_t d = 0; d < c->n_docs; d++)
            dup_of[d] = SIZE_MAX;
        free(seen);
        free(across);
        return n_clusters;
    }
    for (size_t d = 0; d < c->n_docs; d++) {
        size_t k = dup_of[d];
        const char *g = c->groups ? c->groups[d] : NULL;
        if (k >= n_clusters || !g)
            continue;
        if (!seen[k])
            seen[k] = g;
        else if (!across[k] && strcmp(seen[k], g)) {
            across[k] = 1;
            count++;
        }
    }
    for (size_t d = 0; d < c->n_docs; d++)
        if (dup_of[d] < n_clusters && across[dup_of[d]])
            dup_of[d] = SIZE_MAX;
    free(seen);
    free(across);
    return count;
}

/* Joins the documents of each group (BY_GROUP) and of each near-duplicate
 * cluster (DUP_OF[d]: its cluster, SIZE_MAX alone; DUP_OF may be NULL),
 * then numbers the units in the order of their first document into
 * unit_of (output, n entries).  Returns the units, or 0 out of memory. */
static size_t find_units(const slant_corpus *c, int by_group, const size_t *dup_of,
                         size_t n_clusters, size_t *unit_of)
{
    size_t n = c->n_docs, units = 0;
    size_t *parent = slant_alloc_array(n, sizeof *parent);
    size_t *first = slant_alloc_array(n_clusters ? n_clusters : 1, sizeof *first);
    group_ref *refs = by_group ? slant_alloc_array(n ? n : 1, sizeof *refs) : NULL;
    if (!parent || !first || (by_group && !refs))
        goto out;
    for (size_t d = 0; d < n; d++)
        parent[d] = d;
    if (by_group) {
        size_t m = 0;
        for (size_t d = 0; d < n; d++)
            if (c->groups && c->groups[d])
                refs[m++] = (group_ref){c->groups[d], d};
        qsort(refs, m, sizeof *refs, cmp_group_ref);
        for (size_t i = 1; i < m; i++)
            if (!strcmp(refs[i - 1].group, refs[i].group))
                uf_join(parent, refs[i - 1].doc, refs[i].doc);
    }
    if (dup_of) {
        for (size_t k = 0; k < n_clusters; k++)
            first[k] = SIZE_MAX;
        for (size_t d = 0; d < n; d++) {
            size_t k = dup_of[d];
            if (k == SIZE_MAX || k >= n_clusters)
                continue;
            if (first[k] == SIZE_MAX)
                first[k] = d;
            else
                uf_join(parent, first[k], d);
        }
    }
    /* A root is its unit's smallest document, so units come numbered in
     * the order of their first document. */
    for (size_t d = 0; d < n; d++) {
        size_t r = uf_find(parent, d);
        unit_of[d] = r == d ? units++ : unit_of[r];
    }
out:
    free(refs);
    free(first);
    free(parent);
    return units;
}

/* See train.h. */
size_t slant_cv_label_combos(const slant_corpus *corpus, size_t *combo_of)
{
    size_t n = corpus->n_docs, nh = corpus->n_heads, combos = 0;
    labeled_doc *by_label = slant_alloc_array(n ? n : 1, sizeof *by_label);
    if (!by_label)
        return 0;
    for (size_t d = 0; d < n; d++)
        by_label[d] = (labeled_doc){(const char *const *)corpus->labels + d * nh, nh, d};
    qsort(by_label, n, sizeof *by_label, cmp_labeled);
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || !same_labels(&by_label[i], &by_label[i - 1]))
            combos++;
        combo_of[by_label[i].doc] = combos - 1;
    }
    free(by_label);
    return combos ? combos : 1;
}

typedef struct unit_combo {
    size_t unit, combo;
} unit_combo;

static int cmp_unit_combo(const void *va, const void *vb)
{
    const unit_combo *a = va, *b = vb;
    if (a->unit != b->unit)
        return (a->unit > b->unit) - (a->unit < b->unit);
    return (a->combo > b->combo) - (a->combo < b->combo);
}

typedef struct unit_order {
    size_t unit, size, draw;
} unit_order;

/* Largest first; among equal sizes, in the order of the seeded shuffle. */
static int cmp_unit_order(const void *va, const void *vb)
{
    const unit_order *a = va, *b = vb;
    if (a->size != b->size)
        return (a->size < b->size) - (a->size > b->size);
    return (a->draw > b->draw) - (a->draw < b->draw);
}

/* The most fold-by-combination counters the dealing keeps before it
 * stratifies on fewer labels (a corpus of very many label combinations
 * split into very many folds). */
#define MAX_FOLD_CELLS ((size_t)1 << 26)

/* Deals N_UNITS units to FOLDS folds.  Each unit goes, largest first, to
 * the fold where adding it least increases the spread of the folds'
 * shares: for every label combination c it holds, of sum over folds of
 * (count_f,c / total_c - 1/K)^2, and the same for the fold sizes; ties go
 * to the smaller fold, then the lower one. */
static slant_status deal_units(const slant_corpus *corpus, const size_t *unit_of, size_t n_units,
                               uint32_t folds, uint64_t seed, uint32_t *fold_of,
                               slant_error *err)
{
    size_t n = corpus->n_docs;
    slant_status st = SLANT_STATUS_OK;
    size_t *combo_of = slant_alloc_array(n ? n : 1, sizeof *combo_of);
    unit_combo *pairs = slant_alloc_array(n ? n : 1, sizeof *pairs);
    unit_order *order = slant_alloc_array(n_units, sizeof *order);
    size_t *start = slant_alloc_array(n_units + 1, sizeof *start);
    uint32_t *unit_fold = slant_alloc_array(n_units, sizeof *unit_fold);
    double *fold_size = slant_calloc_array(folds, sizeof *fold_size);
    double *cell = NULL, *total = NULL;
    size_t combos = combo_of ? slant_cv_label_combos(corpus, combo_of) : 0;
    if (!combos || !pairs || !order || !start || !unit_fold || !fold_size)
        goto no_memory;
    if (combos > MAX_FOLD_CELLS / folds) { /* too many to count: the fold sizes alone */
        combos = 1;
        for (size_t d = 0; d < n; d++)
            combo_of[d] = 0;
    }
    cell = slant_calloc_array((size_t)folds * combos, sizeof *cell);
    total = slant_calloc_array(combos, sizeof *total);
    if (!cell || !total)
        goto no_memory;
    for (size_t d = 0; d < n; d++) {
        pairs[d] = (unit_combo){unit_of[d], combo_of[d]};
        total[combo_of[d]] += 1;
    }
    qsort(pairs, n, sizeof *pairs, cmp_unit_combo);
    for (size_t u = 0, i = 0; u <= n_units; u++) {
        while (i < n && pairs[i].unit < u)
            i++;
        start[u] = i;
    }
    uint64_t state = seed;
    for (size_t u = 0; u < n_units; u++)
        order[u] = (unit_order){u, start[u + 1] - start[u], u};
    for (size_t i = n_units; i > 1; i--) { /* Fisher-Yates over the draws */
        size_t j = (size_t)uniform_below(&state, i);
        size_t t = order[i - 1].draw;
        order[i - 1].draw = order[j].draw;
        order[j].draw = t;
    }
    qsort(order, n_units, sizeof *order, cmp_unit_order);

    double inv_k = 1.0 / folds, docs = (double)n;
    for (size_t i = 0; i < n_units; i++) {
        size_t u = order[i].unit, a = start[u], b = start[u + 1];
        double size = (double)(b - a);
        uint32_t best = 0;
        double best_cost = 0;
        for (uint32_t f = 0; f < folds; f++) {
            double s0 = fold_size[f] / docs, k = size / docs;
            double cost = k * (2 * s0 + k - 2 * inv_k);
            for (size_t j = a; j < b;) { /* runs of one combination */
                size_t c = pairs[j].combo, m = 0;
                while (j < b && pairs[j].combo == c) {
                    m++;
                    j++;
                }
                double t = total[c], f0 = cell[(size_t)f * combos + c] / t, kc = (double)m / t;
                cost += kc * (2 * f0 + kc - 2 * inv_k);
            }
            if (f == 0 || cost < best_cost - 1e-12
                || (cost <= best_cost + 1e-12 && fold_size[f] < fold_size[best])) {
                best = f;
                best_cost = cost;
            }
        }
        unit_fold[u] = best;
        fold_size[best] += size;
        for (size_t j = a; j < b; j++)
            cell[(size_t)best * combos + pairs[j].combo] += 1;
    }
    for (size_t d = 0; d < n; d++)
        fold_of[d] = unit_fold[unit_of[d]];
    goto out;
no_memory:
    st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
out:
    free(total);
    free(cell);
    free(fold_size);
    free(unit_fold);
    free(start);
    free(order);
    free(pairs);
    free(combo_of);
    return st;
}

void slant_cv_options_init(slant_cv_options *cvo)
{
    if (!cvo)
        return;
    memset(cvo, 0, sizeof *cvo);
    cvo->folds = 10;
    cvo->dup_threshold = 0.8;
}

slant_status slant_cv_split(const slant_corpus *corpus, const slant_cv_options *cvo,
                            uint64_t seed, uint32_t threads, uint32_t *fold_of,
                            slant_cv_info *info, slant_error *err)
{
    slant_cv_info local;
    if (!info)
        info = &local;
    memset(info, 0, sizeof *info);
    if (!corpus || !cvo || !fold_of)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no corpus, options or folds");
    uint32_t folds = cvo->folds ? cvo->folds : 10;
    size_t n = corpus->n_docs;
    info->folds = folds;
    if (folds < 2)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "cross-validation needs at least 2 "
                          "folds, not %u", folds);
    if (folds > n)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%u folds need at least %u documents; "
                          "the corpus has %zu", folds, folds, n);
    if (cvo->by_group && !corpus->group_name)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%s: grouped folds need a group column "
                          "(--group COLUMN), and the corpus was read without one",
                          corpus->source);
    double threshold = cvo->dup_threshold ? cvo->dup_threshold : 0.8;
    if (!(threshold > 0 && threshold <= 1))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "the near-duplicate threshold must be "
                          "in (0, 1], not %g", cvo->dup_threshold);
    size_t *dup_of = NULL, n_clusters = 0;
    slant_status st = SLANT_STATUS_OK;
    if (!cvo->keep_duplicates && (st = slant_cv_duplicates(corpus, threshold, threads, seed,
                                                            &dup_of, &n_clusters, info, err)))
        return st;
    if (cvo->by_group)
        info->groups = slant_corpus_group_count(corpus);
    if (!cvo->by_group && !n_clusters) { /* every document a unit: the plain folds */
        free(dup_of);
        info->units = n;
        return slant_cv_folds(corpus, folds, seed, fold_of, err);
    }
    size_t *unit_of = slant_alloc_array(n, sizeof *unit_of);
    if (cvo->by_group && n_clusters && dup_of)
        info->dup_across = split_across_groups(corpus, dup_of, n_clusters);
    size_t units = unit_of ? find_units(corpus, cvo->by_group, dup_of, n_clusters, unit_of) : 0;
    free(dup_of);
    if (!units) {
        free(unit_of);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    }
    info->units = units;
    if (units < folds) {
        free(unit_of);
        if (cvo->by_group)
            return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                              "%u folds need at least %u groups; grouped by \"%s\"%s, the "
                              "corpus has %zu",
                              folds, folds, corpus->group_name,
                              n_clusters ? " with its near-duplicates joined" : "", units);
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "%u folds need at least %u documents once near-duplicates are joined; "
                          "the corpus has %zu (--keep-duplicates splits them)",
                          folds, folds, units);
    }
    st = deal_units(corpus, unit_of, units, folds, seed, fold_of, err);
    free(unit_of);
    return st;
}

/* Appends S[0..N) to the buffer *buf (length *len, capacity *cap). */
static int buf_put(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (n > SIZE_MAX - *len - 1)
        return -1;
    if (*len + n + 1 > *cap) {
        void *p = *buf;
        size_t c = *cap;
        if (slant_grow(&p, &c, *len + n + 1, 1))
            return -1;
        *buf = p;
        *cap = c;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    return 0;
}

slant_status slant_cv_save_folds(const slant_corpus *corpus, const uint32_t *fold_of,
                                 const char *path, slant_error *err)
{
    if (!corpus || !fold_of || !path)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no corpus, folds or path");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int bad = buf_put(&buf, &len, &cap, "id\tfold", 7);
    const char *g = corpus->group_name;
    if (g && !bad)
        bad = buf_put(&buf, &len, &cap, "\t", 1) || buf_put(&buf, &len, &cap, g, strlen(g));
    bad = bad || buf_put(&buf, &len, &cap, "\n", 1);
    for (size_t d = 0; d < corpus->n_docs && !bad; d++) {
        char num[16];
        int m = snprintf(num, sizeof num, "\t%u", fold_of[d] + 1);
        const char *id = corpus->ids[d], *gv = corpus->groups ? corpus->groups[d] : NULL;
        bad = buf_put(&buf, &len, &cap, id, strlen(id)) || buf_put(&buf, &len, &cap, num, (size_t)m)
              || (g && (buf_put(&buf, &len, &cap, "\t", 1)
                        || (gv && buf_put(&buf, &len, &cap, gv, strlen(gv)))))
              || buf_put(&buf, &len, &cap, "\n", 1);
    }
    if (bad) {
        free(buf);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    }
    slant_atomic a;
    slant_status st = slant_atomic_open(&a, path, err);
    int opened = !st;
    for (size_t done = 0; !st && done < len;) {
        ssize_t w = write(a.fd, buf + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            st = slant_fail(err, SLANT_STATUS_IO, "cannot write %s: %s", a.path,
                            strerror(w < 0 ? errno : EIO));
        else
            done += (size_t)w;
    }
    if (opened) {
        if (!st)
            st = slant_atomic_commit(&a, err);
        if (close(a.fd) != 0 && !st)
            st = slant_fail(err, SLANT_STATUS_IO, "cannot close %s: %s", a.path, strerror(errno));
        slant_atomic_abort(&a);
    }
    free(buf);
    return st;
}

/* The classes of head H among documents DOCS[0..n): 0, 1, or 2 for two
 * or more. */
static int classes_among(const slant_corpus *c, size_t h, const size_t *docs, size_t n)
{
    const char *first = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *l = c->labels[(docs ? docs[i] : i) * c->n_heads + h];
        if (!l)
            continue;
        if (!first)
            first = l;
        else if (strcmp(first, l) != 0)
            return 2;
    }
    return first ? 1 : 0;
}

/* The documents of the first head counted so far and those right, to log
 * each fold's own accuracy as the difference of the pooled totals. */
static void head_totals(const slant_eval *ev, uint64_t *total, uint64_t *right)
{
    *total = *right = 0;
    size_t nc = slant_eval_classes(ev, 0);
    for (size_t g = 0; g < nc; g++) {
        for (size_t p = 0; p < nc; p++)
            *total += slant_eval_count(ev, 0, g, p);
        *right += slant_eval_count(ev, 0, g, g);
    }
}

/* Per head, each document's class (its label's rank among the head's
 * distinct labels; SIZE_MAX when missing) into class_of (n x nh), and the
 * head's number of classes into n_classes. */
static slant_status head_classes(const slant_corpus *c, size_t *class_of, size_t *n_classes,
                                 slant_error *err)
{
    size_t n = c->n_docs, nh = c->n_heads;
    group_ref *refs = slant_alloc_array(n ? n : 1, sizeof *refs);
    if (!refs)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    for (size_t h = 0; h < nh; h++) {
        size_t m = 0, k = 0;
        for (size_t d = 0; d < n; d++) {
            const char *l = c->labels[d * nh + h];
            class_of[d * nh + h] = SIZE_MAX;
            if (l)
                refs[m++] = (group_ref){l, d};
        }
        qsort(refs, m, sizeof *refs, cmp_group_ref);
        for (size_t i = 0; i < m; i++) {
            if (i && strcmp(refs[i - 1].group, refs[i].group))
                k++;
            class_of[refs[i].doc * nh + h] = k;
        }
        n_classes[h] = m ? k + 1 : 0;
    }
    free(refs);
    return SLANT_STATUS_OK;
}

/* Warns of each class of a kept head that fold F's training side TRAIN
 * lacks: its model cannot predict it for the held-out documents. */
static void warn_missing_classes(const slant_corpus *c, const size_t *class_of,
                                 const size_t *n_classes, const unsigned char *keep,
                                 const size_t *train, size_t n_train, uint32_t f,
                                 uint32_t folds, unsigned char *seen)
{
    size_t nh = c->n_heads;
    for (size_t h = 0; h < nh; h++) {
        if (!keep[h] || n_classes[h] < 2)
            continue;
        memset(seen, 0, n_classes[h]);
        for (size_t i = 0; i < n_train; i++) {
            size_t k = class_of[train[i] * nh + h];
            if (k != SIZE_MAX)
                seen[k] = 1;
        }
        size_t missing = 0;
        const char *example = NULL;
        for (size_t d = 0; d < c->n_docs && missing < n_classes[h]; d++) {
            size_t k = class_of[d * nh + h];
            if (k != SIZE_MAX && !seen[k]) {
                seen[k] = 1; /* counted once */
                if (!missing++)
                    example = c->labels[d * nh + h];
            }
        }
        if (missing)
            slant_warn("fold %u of %u: head \"%s\" lacks %zu of its %zu classes on the "
                       "training side (\"%s\"%s): that fold's model cannot predict %s",
                       f + 1, folds, c->head_names[h], missing, n_classes[h], example,
                       missing > 1 ? " and others" : "", missing > 1 ? "them" : "it");
    }
}

slant_status slant_cross_validate(const slant_corpus *corpus, const slant_options *opt,
                                  uint32_t folds, slant_eval **out, slant_error *err)
{
    slant_cv_options cvo;
    slant_cv_options_init(&cvo);
    cvo.folds = folds;
    cvo.keep_duplicates = 1; /* plain stratified folds, as before near-duplicates were sought */
    if (out)
        *out = NULL;
    if (folds < 2)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "cross-validation needs at least 2 "
                          "folds, not %u", folds);
    return slant_cross_validate_with(corpus, opt, &cvo, out, NULL, NULL, err);
}

slant_status slant_cross_validate_with(const slant_corpus *corpus, const slant_options *opt,
                                       const slant_cv_options *cvo, slant_eval **out,
                                       slant_cv_info *info, uint32_t *fold_out,
                                       slant_error *err)
{
    return slant_cv_run(corpus, opt, cvo, NULL, out, info, fold_out, err);
}

slant_status slant_cv_run(const slant_corpus *corpus, const slant_options *opt,
                          const slant_cv_options *cvo, const uint32_t *split, slant_eval **out,
                          slant_cv_info *info, uint32_t *fold_out, slant_error *err)
{
    return slant_cv_run_hooked(corpus, opt, cvo, split, NULL, out, info, fold_out, err);
}

slant_status slant_cv_run_hooked(const slant_corpus *corpus, const slant_options *opt,
                                 const slant_cv_options *cvo, const uint32_t *split,
                                 const slant_cv_hooks *hooks, slant_eval **out,
                                 slant_cv_info *info, uint32_t *fold_out, slant_error *err)
{
    if (!out)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no place to put the result");
    *out = NULL;
    if (!corpus || !opt || !cvo)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no corpus or options");
    slant_status st = slant_options_check(opt, err);
    if (!st)
        st = slant_target_precision_check(opt->target_precision, corpus, err);
    if (st)
        return st;
    char date[32]; /* what every fold's training would refuse, refused once */
    if ((st = slant_training_date(date, sizeof date, err)))
        return st;
    size_t n = corpus->n_docs, nh = corpus->n_heads;
    if (nh == 0)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "the corpus has no label column to "
                          "cross-validate");
    uint32_t folds = cvo->folds ? cvo->folds : 10;

    slant_stage stage; /* a tuning trial's inner folds are nested: they report nothing */
    slant_stage_begin(&stage, "cv", "folds", folds);
    uint32_t *fold_of = slant_alloc_array(n ? n : 1, sizeof *fold_of);
    size_t *train = slant_alloc_array(n ? n : 1, sizeof *train);
    size_t *held = slant_alloc_array(n ? n : 1, sizeof *held);
    size_t *class_of = slant_alloc_array(n ? n : 1, nh * sizeof *class_of);
    size_t *n_classes = slant_calloc_array(nh, sizeof *n_classes);
    unsigned char *seen = slant_alloc_array(n ? n : 1, 1);
    unsigned char *keep = slant_alloc_array(nh, 1), *whole = slant_alloc_array(nh, 1);
    size_t *no_classes = slant_calloc_array(nh, sizeof *no_classes);
    const char ***no_names = slant_calloc_array(nh, sizeof *no_names);
    slant_eval *ev = NULL;
    slant_model *model = NULL;
    if (!fold_of || !train || !held || !class_of || !n_classes || !seen || !keep || !whole
        || !no_classes || !no_names) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    /* The pool has every head, and the classes in the order the folds'
     * models bring them (the first fold's first): slant_eval_corpus_some
     * appends the classes a model or a gold label adds. */
    if ((st = slant_eval_create(nh, (const char *const *)corpus->head_names, no_classes,
                                (const char *const *const *)no_names, &ev, err)))
        goto out;
    slant_warn_label_heads(corpus); /* once, not once a fold */
    if (split) /* the caller's: each in [0, folds) */
        memcpy(fold_of, split, n * sizeof *fold_of);
    else if ((st = slant_cv_split(corpus, cvo, opt->seed, opt->threads, fold_of, info, err)))
        goto out;
    if (fold_out)
        memcpy(fold_out, fold_of, n * sizeof *fold_of);
    if ((st = head_classes(corpus, class_of, n_classes, err)))
        goto out;
    /* A head of one class in the whole corpus is the training's error to
     * report; only a fold's shortage is worked around. */
    for (size_t h = 0; h < nh; h++)
        whole[h] = n_classes[h] >= 2;

    for (uint32_t f = 0; f < folds; f++) {
        size_t n_train = 0, n_held = 0, kept = 0;
        for (size_t d = 0; d < n; d++) {
            if (fold_of[d] == f)
                held[n_held++] = d;
            else
                train[n_train++] = d;
        }
        if (hooks && hooks->cut)
            n_train = hooks->cut(hooks->ctx, f, train, n_train);
        for (size_t h = 0; h < nh; h++) {
            int k = classes_among(corpus, h, train, n_train);
            keep[h] = k == 2 || !whole[h];
            kept += keep[h];
            if (!keep[h])
                slant_warn("fold %u of %u: head \"%s\" has %s on its training side; its "
                           "documents in this fold are not scored", f + 1, folds,
                           corpus->head_names[h], k ? "one class" : "no labels");
        }
        if (kept == 0) {
            if (hooks && hooks->done)
                hooks->done(hooks->ctx, f, ev);
            slant_stage_step(&stage, f + 1);
            continue;
        }
        if (cvo->by_group) /* plain folds lack only classes rarer than the folds */
            warn_missing_classes(corpus, class_of, n_classes, keep, train, n_train, f, folds,
                                 seen);
        slant_error ferr = {{0}};
        slant_options fold_opt = *opt;
        st = SLANT_STATUS_OK;
        if (cvo->tune) { /* chosen on this fold's training side alone */
            slant_log("fold %u/%u: tuning on its %zu training documents", f + 1, folds, n_train);
            st = slant_tune_docs(corpus, train, n_train, keep, opt, cvo->tune, &fold_opt, &ferr);
        }
        /* Calibration's inner folds are grouped when the corpus has groups:
         * only when these folds are. */
        slant_corpus fold_view = *corpus;
        if (!cvo->by_group) {
            fold_view.groups = NULL;
            fold_view.group_name = NULL;
        }
        if (!st)
            st = slant_train_subset_heads(&fold_view, train, n_train, keep, &fold_opt, &model,
                                          &ferr);
        uint64_t total0 = 0, right0 = 0;
        if (!st) {
            head_totals(ev, &total0, &right0);
            st = slant_eval_corpus_some(ev, model, corpus, held, n_held, opt->threads, &ferr);
        }
        /* The fold's mistakes are explained by its own model, which is
         * gone after this fold: here is the one place to do it. */
        if (!st && cvo->mistakes)
            st = slant_mistakes_corpus(cvo->mistakes, model, corpus, held, n_held, opt->threads,
                                       &ferr);
        slant_model_free(model);
        model = NULL;
        if (st) {
            slant_fail(err, st, "fold %u of %u: %s", f + 1, folds, ferr.message);
            goto out;
        }
        uint64_t total1, right1;
        head_totals(ev, &total1, &right1);
        uint64_t counted = total1 - total0;
        slant_log("fold %u/%u: trained on %zu documents, labeled %zu; accuracy %.4f on head %s",
                  f + 1, folds, n_train, n_held,
                  counted ? (double)(right1 - right0) / (double)counted : 0.0,
                  slant_eval_head_name(ev, 0));
        if (hooks && hooks->done)
            hooks->done(hooks->ctx, f, ev);
        slant_stage_step(&stage, f + 1);
    }
    *out = ev;
    ev = NULL;

out:
    slant_stage_end(&stage, st == SLANT_STATUS_OK);
    slant_eval_free(ev);
    free(seen);
    free(n_classes);
    free(class_of);
    free(no_names);
    free(no_classes);
    free(whole);
    free(keep);
    free(held);
    free(train);
    free(fold_of);
    return st;
}
