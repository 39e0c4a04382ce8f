/*
 * suggest.c: what to label next.  Ranks the unlabeled documents of a pool
 * by the margin between their two most probable classes (or by the
 * entropy of their probabilities), then picks
 * greedily down that ranking, keeping apart documents whose feature
 * vectors are close (cosine) or whose words are near-copies (MinHash
 * clusters of features/dups.c), optionally round-robin over the predicted
 * classes; and writes the picks as a corpus ready to be labeled.  See
 * "What to label next" in slant.h for the contract.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <utf8proc.h>

#include "atomic.h"
#include "common.h"
#include "corpus.h"

struct slant_suggestions {
    size_t n, n_heads;
    slant_suggest_pick *picks; /* n */
    size_t *guess;             /* n x n_heads: each head's most probable class */
    double *prob;              /* n x n_heads: its probability */
    slant_suggest_stats stats;
};

void slant_suggest_options_init(slant_suggest_options *opt)
{
    memset(opt, 0, sizeof *opt);
}

void slant_suggestions_free(slant_suggestions *s)
{
    if (!s)
        return;
    free(s->picks);
    free(s->guess);
    free(s->prob);
    free(s);
}

size_t slant_suggestions_count(const slant_suggestions *s)
{
    return s ? s->n : 0;
}

int slant_suggestions_get(const slant_suggestions *s, size_t i, slant_suggest_pick *out)
{
    if (!s || i >= s->n)
        return -1;
    *out = s->picks[i];
    return 0;
}

size_t slant_suggestions_guess(const slant_suggestions *s, size_t i, size_t head)
{
    if (!s || i >= s->n || head >= s->n_heads)
        return SIZE_MAX;
    return s->guess[i * s->n_heads + head];
}

double slant_suggestions_prob(const slant_suggestions *s, size_t i, size_t head)
{
    if (!s || i >= s->n || head >= s->n_heads)
        return NAN;
    return s->prob[i * s->n_heads + head];
}

void slant_suggestions_stats(const slant_suggestions *s, slant_suggest_stats *out)
{
    if (s)
        *out = s->stats;
    else
        memset(out, 0, sizeof *out);
}

/* A candidate in the ranking: its key (the margin, or over several heads
 * its best place in their rankings), then its document number, which
 * breaks ties so that the order is the same on every machine. */
typedef struct ranked {
    double key, margin;
    size_t doc;
    size_t head; /* the head the key comes from */
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->doc > y->doc) - (x->doc < y->doc);
}

/* A pick's feature vector, scaled to unit length (empty: no features, then
 * its cosine with anything is 0). */
typedef struct unit_vec {
    slant_feature *f;
    size_t n;
} unit_vec;

/* Sparse dot product of two index-sorted vectors. */
static double sparse_dot(const slant_feature *a, size_t na, const slant_feature *b, size_t nb)
{
    double s = 0;
    size_t i = 0, j = 0;
    while (i < na && j < nb) {
        if (a[i].index == b[j].index)
            s += (double)a[i++].value * b[j++].value;
        else if (a[i].index < b[j].index)
            i++;
        else
            j++;
    }
    return s;
}

/* TEXT's vector, unit length, into *v (output, its own allocation). */
static slant_status unit_vector(const slant_model *m, const char *text, size_t len, unit_vec *v,
                                slant_error *err)
{
    size_t cap = 256;
    v->f = NULL;
    v->n = 0;
    for (;;) {
        slant_feature *f = slant_alloc_array(cap, sizeof *f);
        if (!f)
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        size_t n = slant_model_vectorize(m, text, len, f, cap);
        if (n <= cap) {
            double norm = sqrt(sparse_dot(f, n, f, n));
            for (size_t i = 0; i < n && norm > 0; i++)
                f[i].value = (float)(f[i].value / norm);
            v->f = f;
            v->n = norm > 0 ? n : 0;
            return SLANT_STATUS_OK;
        }
        free(f);
        cap = n;
    }
}

/* The state of the greedy pass. */
typedef struct picker {
    const slant_model *m;
    const slant_corpus *pool;
    double cap;
    const size_t *cluster;   /* per document its near-duplicate cluster, SIZE_MAX none;
                              * NULL when not looked for */
    unsigned char *taken;    /* per cluster: a pick is in it */
    unit_vec *vecs;          /* the picks' vectors */
    size_t n;                /* picks so far */
    slant_suggest_stats *st;
} picker;

/* Whether document DOC may join the picks; if so, it does (its vector
 * kept).  Returns 1 picked, 0 skipped, -1 on failure (err filled). */
static int try_pick(picker *p, size_t doc, slant_error *err)
{
    p->st->examined++;
    size_t c = p->cluster ? p->cluster[doc] : SIZE_MAX;
    if (c != SIZE_MAX && p->taken[c]) {
        p->st->skipped_dups++;
        return 0;
    }
    unit_vec v;
    if (unit_vector(p->m, p->pool->texts[doc], p->pool->lens[doc], &v, err))
        return -1;
    for (size_t k = 0; k < p->n && v.n; k++)
        /* the vectors are unit length in float: a copy's cosine comes out
         * a rounding error short of 1, so the cap allows for that */
        if (sparse_dot(v.f, v.n, p->vecs[k].f, p->vecs[k].n) >= p->cap - 1e-6) {
            p->st->skipped_similar++;
            free(v.f);
            return 0;
        }
    p->vecs[p->n++] = v;
    if (c != SIZE_MAX)
        p->taken[c] = 1;
    return 1;
}

/* The considered heads: OPT's head alone, or every head.  Into HEADS
 * (output, model heads) and *n. */
static slant_status resolve_head(const slant_model *m, const char *name, size_t *head,
                                 slant_error *err)
{
    size_t nh = slant_model_heads(m);
    for (size_t h = 0; h < nh; h++)
        if (!strcmp(slant_model_head_name(m, h), name)) {
            *head = h;
            return SLANT_STATUS_OK;
        }
    char list[256] = "";
    size_t at = 0;
    for (size_t h = 0; h < nh && at < sizeof list; h++)
        at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", h ? ", " : "",
                               slant_model_head_name(m, h));
    char q[64];
    return slant_fail(err, SLANT_STATUS_BAD_OPTION, "head \"%s\": the model has no such head; "
                      "its heads are: %s", slant_name_quote(name, strlen(name), q, sizeof q),
                      list);
}

/* The entropy of the K probabilities P over log K: 0 when one class is
 * sure, 1 when all are alike.  Unlike the margin, it weighs the doubt
 * over every class, not the first two alone. */
static double norm_entropy(const double *p, size_t k)
{
    if (k < 2)
        return 0;
    double h = 0;
    for (size_t c = 0; c < k; c++)
        if (p[c] > 0)
            h -= p[c] * log(p[c]);
    return h / log((double)k);
}

/* Documents labeled at a time, between progress reports. */
#define SUGGEST_SLICE 8192

slant_status slant_suggest(const slant_model *m, const slant_corpus *pool,
                           const slant_suggest_options *opt, slant_suggestions **out,
                           slant_error *err)
{
    *out = NULL;
    if (!m || !pool || !opt)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no model, pool or options");
    if (opt->n == 0)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "the number of documents to suggest must be at least 1");
    double cap = opt->max_similarity ? opt->max_similarity : SLANT_SUGGEST_MAX_SIMILARITY;
    if (!(cap > 0 && cap <= 1))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "the similarity cap must be above 0 and at most 1, not %g", cap);
    double jac = opt->dup_threshold ? opt->dup_threshold : SLANT_DUPS_THRESHOLD;
    if (!(jac > 0 && jac <= 1))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "the near-duplicate threshold must be above 0 and at most 1, not %g",
                          jac);
    if (opt->uncertainty != SLANT_SUGGEST_MARGIN && opt->uncertainty != SLANT_SUGGEST_ENTROPY)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no such measure of uncertainty (%d)",
                          (int)opt->uncertainty);
    if (slant_model_takes_vectors(m) != slant_corpus_holds_vectors(pool))
        return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                          slant_model_takes_vectors(m)
                              ? "%s: the model labels LIBSVM vectors and the pool holds text"
                              : "%s: the pool holds LIBSVM vectors and the model labels text",
                          pool->source ? pool->source : "the pool");
    size_t nh = slant_model_heads(m), total = slant_model_total_classes(m);
    size_t only = SIZE_MAX;
    slant_status st;
    if (opt->head && (st = resolve_head(m, opt->head, &only, err)))
        return st;
    size_t bal_head = only != SIZE_MAX ? only : 0;

    size_t nd = pool->n_docs;
    slant_suggestions *s = calloc(1, sizeof *s);
    double *probs = slant_alloc_array(nd ? nd : 1, total * sizeof *probs);
    size_t *best = slant_alloc_array(nd ? nd : 1, nh * sizeof *best);
    size_t *pool_col = slant_alloc_array(nh, sizeof *pool_col);
    ranked *rank = slant_alloc_array(nd ? nd : 1, sizeof *rank);
    double *margins = NULL, *keys = NULL; /* per candidate and head */
    size_t want = opt->n < nd ? opt->n : nd;
    unit_vec *vecs = calloc(want ? want : 1, sizeof *vecs);
    slant_dups *dups = NULL;
    size_t *cluster = NULL, *queue_at = NULL, *queue_n = NULL;
    unsigned char *taken = NULL;
    ranked **queues = NULL;
    size_t n_cls = slant_model_classes(m, bal_head);
    if (!s || !probs || !best || !pool_col || !rank || !vecs) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto done;
    }
    s->n_heads = nh;
    s->stats.pool = nd;
    /* Labeling the pool is the long part: it goes a slice at a time, for
     * the progress line. */
    slant_stage stage;
    slant_stage_begin(&stage, "suggest", "documents", nd);
    for (size_t at = 0; at < nd; at += SUGGEST_SLICE) {
        size_t k = nd - at < SUGGEST_SLICE ? nd - at : SUGGEST_SLICE;
        st = slant_model_predict_corpus(m, pool, at, k, opt->threads, probs + at * total,
                                        best + at * nh, err);
        if (st)
            break;
        slant_stage_step(&stage, at + k);
    }
    slant_stage_end(&stage, st == SLANT_STATUS_OK);
    if (st)
        goto done;

    /* The pool's column for each model head, by name; SIZE_MAX: none. */
    for (size_t h = 0; h < nh; h++) {
        pool_col[h] = SIZE_MAX;
        for (size_t k = 0; k < pool->n_heads; k++)
            if (!strcmp(pool->head_names[k], slant_model_head_name(m, h)))
                pool_col[h] = k;
    }
    /* Each candidate's margin in each head considered (INFINITY in the
     * others), and its ranking key there: the margin, or minus the
     * normalized entropy; a document labeled in every head considered is
     * none. */
    size_t n_rank = 0, n_considered = only != SIZE_MAX ? 1 : nh;
    margins = slant_alloc_array(nd ? nd : 1, (nh ? nh : 1) * sizeof *margins);
    keys = slant_alloc_array(nd ? nd : 1, (nh ? nh : 1) * sizeof *keys);
    if (!margins || !keys) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto done;
    }
    for (size_t d = 0; d < nd; d++) {
        int labeled = 1;
        double *hm = margins + n_rank * nh, *he = keys + n_rank * nh;
        for (size_t h = 0; h < nh; h++) {
            hm[h] = he[h] = INFINITY;
            if (only != SIZE_MAX && h != only)
                continue;
            if (pool_col[h] == SIZE_MAX || !pool->labels[d * pool->n_heads + pool_col[h]])
                labeled = 0;
            const double *p = probs + d * total + slant_model_class_offset(m, h);
            double p1 = -1, p2 = 0;
            for (size_t c = 0; c < slant_model_classes(m, h); c++) {
                if (p[c] > p1) {
                    p2 = p1 < 0 ? 0 : p1;
                    p1 = p[c];
                } else if (p[c] > p2) {
                    p2 = p[c];
                }
            }
            hm[h] = p1 < 0 ? 1 : p1 - p2;
            if (opt->uncertainty == SLANT_SUGGEST_ENTROPY)
                he[h] = -norm_entropy(p, slant_model_classes(m, h));
            else
                he[h] = hm[h];
        }
        if (labeled) {
            s->stats.labeled++;
            continue;
        }
        rank[n_rank++] = (ranked){INFINITY, INFINITY, d, 0};
    }
    if (n_considered == 1) {
        size_t h = only != SIZE_MAX ? only : 0;
        for (size_t i = 0; i < n_rank; i++)
            rank[i] = (ranked){keys[i * nh + h], margins[i * nh + h], rank[i].doc, h};
    } else {
        /* Several heads: a head of many classes has smaller margins than
         * one of two throughout, so the smallest margin would let it
         * choose alone.  Each head ranks the candidates by its own margin
         * instead, and a candidate's key is its best place over the
         * heads: the heads take turns at their most uncertain documents. */
        ranked *by = slant_alloc_array(n_rank ? n_rank : 1, sizeof *by);
        if (!by) {
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
            goto done;
        }
        for (size_t h = 0; h < nh; h++) {
            for (size_t i = 0; i < n_rank; i++)
                by[i] = (ranked){keys[i * nh + h], margins[i * nh + h], rank[i].doc, i};
            qsort(by, n_rank, sizeof *by, cmp_ranked);
            for (size_t j = 0; j < n_rank; j++) {
                ranked *r = &rank[by[j].head];
                if ((double)j < r->key) {
                    r->key = (double)j;
                    r->margin = by[j].margin;
                    r->head = h;
                }
            }
        }
        free(by);
    }
    qsort(rank, n_rank, sizeof *rank, cmp_ranked);

    if (!opt->keep_duplicates && !slant_corpus_holds_vectors(pool) && n_rank > 1) {
        slant_dups_options dopt;
        slant_dups_options_init(&dopt);
        dopt.threshold = jac;
        dopt.threads = opt->threads;
        if ((st = slant_dups_find(pool, NULL, &dopt, &dups, err)))
            goto done;
        size_t nc = slant_dups_clusters(dups);
        cluster = slant_alloc_array(nd, sizeof *cluster);
        taken = calloc(nc ? nc : 1, 1);
        if (!cluster || !taken) {
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
            goto done;
        }
        for (size_t d = 0; d < nd; d++)
            cluster[d] = slant_dups_cluster_of(dups, d);
        s->stats.dups_checked = 1;
    }

    picker pk = {m, pool, cap, cluster, taken, vecs, 0, &s->stats};
    s->picks = slant_alloc_array(want ? want : 1, sizeof *s->picks);
    if (!s->picks) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto done;
    }
    if (!opt->balance || n_cls < 2) {
        for (size_t i = 0; i < n_rank && pk.n < want; i++) {
            int r = try_pick(&pk, rank[i].doc, err);
            if (r < 0) {
                st = SLANT_STATUS_NO_MEMORY;
                goto done;
            }
            if (r)
                s->picks[pk.n - 1] = (slant_suggest_pick){rank[i].doc, rank[i].margin,
                                                          rank[i].head};
        }
    } else {
        /* One queue per predicted class of the balance head, each in the
         * ranking's order; the classes take turns. */
        queues = calloc(n_cls, sizeof *queues);
        queue_n = calloc(n_cls, sizeof *queue_n);
        queue_at = calloc(n_cls, sizeof *queue_at);
        if (!queues || !queue_n || !queue_at) {
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < n_rank; i++)
            queue_n[best[rank[i].doc * nh + bal_head]]++;
        for (size_t c = 0; c < n_cls; c++)
            if (!(queues[c] = slant_alloc_array(queue_n[c] ? queue_n[c] : 1, sizeof **queues))) {
                st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
                goto done;
            }
        memset(queue_n, 0, n_cls * sizeof *queue_n);
        for (size_t i = 0; i < n_rank; i++) {
            size_t c = best[rank[i].doc * nh + bal_head];
            queues[c][queue_n[c]++] = rank[i];
        }
        for (int progress = 1; progress && pk.n < want;) {
            progress = 0;
            for (size_t c = 0; c < n_cls && pk.n < want; c++)
                while (queue_at[c] < queue_n[c]) {
                    ranked r = queues[c][queue_at[c]++];
                    int ok = try_pick(&pk, r.doc, err);
                    if (ok < 0) {
                        st = SLANT_STATUS_NO_MEMORY;
                        goto done;
                    }
                    if (ok) {
                        s->picks[pk.n - 1] = (slant_suggest_pick){r.doc, r.margin, r.head};
                        progress = 1;
                        break;
                    }
                }
        }
    }
    s->n = pk.n;
    s->guess = slant_alloc_array(s->n ? s->n : 1, nh * sizeof *s->guess);
    s->prob = slant_alloc_array(s->n ? s->n : 1, nh * sizeof *s->prob);
    if (!s->guess || !s->prob) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < s->n; i++)
        for (size_t h = 0; h < nh; h++) {
            size_t d = s->picks[i].doc, b = best[d * nh + h];
            s->guess[i * nh + h] = b;
            s->prob[i * nh + h] = probs[d * total + slant_model_class_offset(m, h) + b];
        }
    if (s->n < opt->n)
        slant_warn("only %zu of the %zu documents asked for could be suggested: the pool has "
                   "%zu unlabeled, %zu of them skipped as too similar to a pick",
                   s->n, opt->n, n_rank, s->stats.skipped_similar + s->stats.skipped_dups);
    st = SLANT_STATUS_OK;
done:
    for (size_t k = 0; k < want && vecs; k++)
        free(vecs[k].f);
    free(vecs);
    for (size_t c = 0; queues && c < n_cls; c++)
        free(queues[c]);
    free(queues);
    free(queue_n);
    free(queue_at);
    free(taken);
    free(cluster);
    slant_dups_free(dups);
    free(rank);
    free(margins);
    free(keys);
    free(pool_col);
    free(best);
    free(probs);
    if (st) {
        slant_suggestions_free(s);
        return st;
    }
    *out = s;
    return SLANT_STATUS_OK;
}

/* ------------------------------------------------------------------ */
/* Writing the picks                                                    */
/* ------------------------------------------------------------------ */

/* A growing buffer; put() fails only for memory. */
typedef struct buf {
    char *p;
    size_t len, cap;
    int bad;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->bad)
        return;
    if (n > SIZE_MAX - b->len - 1) {
        b->bad = 1;
        return;
    }
    if (b->len + n + 1 > b->cap) {
        void *p = b->p;
        size_t c = b->cap;
        if (slant_grow(&p, &c, b->len + n + 1, 1)) {
            b->bad = 1;
            return;
        }
        b->p = p;
        b->cap = c;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void puts_(buf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* TEXT as one TSV cell: a tab, a line break or a NUL would end it. */
static void put_tsv_text(buf *b, const char *t, size_t len)
{
    size_t from = 0;
    for (size_t i = 0; i < len; i++)
        if (t[i] == '\t' || t[i] == '\n' || t[i] == '\r' || t[i] == 0) {
            put(b, t + from, i - from);
            put(b, " ", 1);
            from = i + 1;
        }
    put(b, t + from, len - from);
}

/* TEXT as valid UTF-8 (what jansson requires): a byte that starts no
 * valid sequence becomes U+FFFD. */
static json_t *json_text(const char *t, size_t len)
{
    json_t *j = json_stringn(t, len);
    if (j)
        return j;
    buf b = {0};
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)t + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0) {
            put(&b, "\xEF\xBF\xBD", 3);
            i++;
        } else {
            put(&b, t + i, (size_t)k);
            i += (size_t)k;
        }
    }
    j = b.bad ? NULL : json_stringn(b.p ? b.p : "", b.len);
    free(b.p);
    return j;
}

/* Record I (or the header, I == SIZE_MAX) into B. */
static void format_record(buf *b, const slant_suggestions *s, const slant_model *m,
                          const slant_corpus *pool, slant_format fmt, size_t i)
{
    size_t nh = slant_model_heads(m);
    char num[64];
    if (fmt == SLANT_FORMAT_TSV) {
        if (i == SIZE_MAX) {
            puts_(b, "id");
            for (size_t h = 0; h < nh; h++) {
                puts_(b, "\t");
                puts_(b, slant_model_head_name(m, h));
            }
            puts_(b, "\ttext");
            for (size_t h = 0; h < nh; h++) {
                puts_(b, "\t#guess:");
                puts_(b, slant_model_head_name(m, h));
                puts_(b, "\t#p:");
                puts_(b, slant_model_head_name(m, h));
            }
            puts_(b, "\t#margin\n");
            return;
        }
        size_t d = s->picks[i].doc;
        puts_(b, pool->ids[d]); /* ids hold no tab or line break (the rule for names) */
        for (size_t h = 0; h < nh; h++)
            puts_(b, "\t");
        puts_(b, "\t");
        put_tsv_text(b, pool->texts[d], pool->lens[d]);
        for (size_t h = 0; h < nh; h++) {
            puts_(b, "\t");
            puts_(b, slant_model_class_name(m, h, s->guess[i * nh + h]));
            snprintf(num, sizeof num, "\t%.4f", s->prob[i * nh + h]);
            puts_(b, num);
        }
        snprintf(num, sizeof num, "\t%.4f\n", s->picks[i].margin);
        puts_(b, num);
        return;
    }
    /* JSON lines: keys in the TSV's order. */
    size_t d = s->picks[i].doc;
    json_t *o = json_object();
    char key[300];
    int bad = !o || json_object_set_new(o, "id", json_string(pool->ids[d]));
    for (size_t h = 0; h < nh && !bad; h++)
        bad = json_object_set_new(o, slant_model_head_name(m, h), json_null());
    bad = bad || json_object_set_new(o, "text", json_text(pool->texts[d], pool->lens[d]));
    for (size_t h = 0; h < nh && !bad; h++) {
        snprintf(key, sizeof key, "#guess:%s", slant_model_head_name(m, h));
        bad = json_object_set_new(o, key,
                                  json_string(slant_model_class_name(m, h, s->guess[i * nh + h])));
        snprintf(key, sizeof key, "#p:%s", slant_model_head_name(m, h));
        bad = bad || json_object_set_new(o, key, json_real(s->prob[i * nh + h]));
    }
    bad = bad || json_object_set_new(o, "#margin", json_real(s->picks[i].margin));
    char *line = bad ? NULL : json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!line) {
        b->bad = 1;
        return;
    }
    puts_(b, line);
    puts_(b, "\n");
    free(line);
}

/* Where records go: a stream, or a file descriptor. */
typedef struct sink {
    FILE *f;
    int fd;
    const char *name;
} sink;

static slant_status emit(const sink *k, const buf *b, slant_error *err)
{
    if (b->bad)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    if (k->f) {
        if (b->len && fwrite(b->p, 1, b->len, k->f) != b->len)
            return slant_fail(err, SLANT_STATUS_IO, "cannot write %s: %s", k->name,
                              strerror(errno ? errno : EIO));
        return SLANT_STATUS_OK;
    }
    for (size_t done = 0; done < b->len;) {
        ssize_t w = write(k->fd, b->p + done, b->len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return slant_fail(err, SLANT_STATUS_IO, "cannot write %s: %s", k->name,
                              strerror(w < 0 ? errno : EIO));
        done += (size_t)w;
    }
    return SLANT_STATUS_OK;
}

static slant_status write_all(const slant_suggestions *s, const slant_model *m,
                              const slant_corpus *pool, slant_format fmt, const sink *k,
                              slant_error *err)
{
    if (!s || !m || !pool)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no suggestions, model or pool");
    if (fmt != SLANT_FORMAT_TSV && fmt != SLANT_FORMAT_JSONL)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "suggestions are written as TSV or JSON lines, not %s",
                          slant_format_name(fmt));
    if (s->n_heads != slant_model_heads(m))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "the suggestions are not this model's");
    for (size_t i = 0; i < s->n; i++)
        if (s->picks[i].doc >= pool->n_docs)
            return slant_fail(err, SLANT_STATUS_BAD_OPTION, "the suggestions are not this pool's");
    buf b = {0};
    slant_status st = SLANT_STATUS_OK;
    if (fmt == SLANT_FORMAT_TSV) {
        format_record(&b, s, m, pool, fmt, SIZE_MAX);
        st = emit(k, &b, err);
    }
    for (size_t i = 0; i < s->n && !st; i++) {
        b.len = 0;
        format_record(&b, s, m, pool, fmt, i);
        st = emit(k, &b, err);
    }
    free(b.p);
    return st;
}

slant_status slant_suggestions_write(const slant_suggestions *s, const slant_model *m,
                                     const slant_corpus *pool, slant_format fmt, FILE *f,
                                     slant_error *err)
{
    if (!f)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no stream to write to");
    sink k = {f, -1, "the output"};
    slant_status st = write_all(s, m, pool, fmt, &k, err);
    if (!st && (fflush(f) != 0 || ferror(f)))
        st = slant_fail(err, SLANT_STATUS_IO, "cannot write the output: %s",
                        strerror(errno ? errno : EIO));
    return st;
}

slant_status slant_suggestions_save(const slant_suggestions *s, const slant_model *m,
                                    const slant_corpus *pool, slant_format fmt, const char *path,
                                    slant_error *err)
{
    if (!path)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no path to write to");
    slant_atomic a;
    slant_status st = slant_atomic_open(&a, path, err);
    if (st)
        return st;
    sink k = {NULL, a.fd, a.path};
    st = write_all(s, m, pool, fmt, &k, err);
    if (!st)
        st = slant_atomic_commit(&a, err);
    if (close(a.fd) != 0 && !st)
        st = slant_fail(err, SLANT_STATUS_IO, "cannot close %s: %s", a.path, strerror(errno));
    slant_atomic_abort(&a);
    return st;
}
