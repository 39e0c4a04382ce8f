/*
 * stream.c: training from a corpus file read a batch at a time (see
 * slant_train_stream in slant.h).  Memory holds one batch and its rows,
 * the bucket document frequencies, each class's feature sums (nb) or one
 * chunk's matrix and the averaged weights (lr): nothing grows with the
 * corpus but the counts of its classes.
 *
 * Each batch is vectorized on the threads, a contiguous run of documents
 * each, and its rows are then added in document order by one thread, so
 * that every sum is the same at any thread count.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "corpus.h"
#include "linear.h"
#include "model.h"
#include "pipeline.h"
#include "train.h"

#define STREAM_BATCH_DOCS 4096
#define STREAM_BATCH_BYTES ((size_t)16 << 20)
#define STREAM_CHUNK_BYTES ((size_t)32 << 20)

void slant_stream_options_init(slant_stream_options *so)
{
    memset(so, 0, sizeof *so);
}

/* The classes of one head, sorted by name as slant_train sorts them, with
 * (nb) each one's feature sums and (lr) the averaged weights. */
typedef struct stream_head {
    char **names;     /* n, sorted */
    uint64_t *counts; /* n: labeled documents */
    double **mass;    /* nb: n arrays of n_features sums */
    size_t n, cap;
    /* lr */
    double *acc;      /* (n_features + 1) x n: the chunks' weights, each times its
                       * labeled documents */
    double acc_docs;  /* the labeled documents of the chunks that counted */
    size_t chunks;    /* chunks that counted */
    size_t at_limit;  /* chunks whose fit stopped at the iteration limit */
} stream_head;

typedef struct stream {
    const char *path;
    const slant_options *o;
    const slant_stream_options *so;
    slant_read_options ropt;
    slant_pipeline pipe;   /* the pipeline of the pass under way */
    size_t nf;
    int classes_fixed;     /* 1: pass 1 found every class; later ones are not new */
    size_t n_heads;
    char **head_names;
    stream_head *heads;
    uint64_t n_docs, hash;
    uint32_t *df;          /* pass 1 with tf-idf: documents per bucket */
    /* one batch's rows */
    slant_csr rows;
    size_t rows_cap;
    slant_vec_scratch *scratch; /* one per thread */
    uint32_t threads;
    unsigned failed;
    /* lr: the chunk under way */
    slant_csr chunk;
    size_t chunk_cap, chunk_rows_cap, chunk_bytes;
    int32_t *chunk_y;      /* n_heads x rows, head-major by row: y of row i, head h at
                            * i * n_heads + h */
    size_t chunk_y_cap;
    float *w;              /* one chunk's fit, (nf + 1) x classes of the widest head */
    double *sw;
    int32_t *y;
    size_t y_cap;
} stream;

static void stream_free(stream *s)
{
    for (size_t h = 0; h < s->n_heads && s->heads; h++) {
        stream_head *sh = &s->heads[h];
        for (size_t k = 0; k < sh->n; k++) {
            free(sh->names[k]);
            if (sh->mass)
                free(sh->mass[k]);
        }
        free(sh->names);
        free(sh->counts);
        free(sh->mass);
        free(sh->acc);
    }
    free(s->heads);
    for (size_t h = 0; h < s->n_heads && s->head_names; h++)
        free(s->head_names[h]);
    free(s->head_names);
    free(s->df);
    slant_csr_free(&s->rows);
    slant_csr_free(&s->chunk);
    if (s->scratch)
        for (uint32_t t = 0; t < s->threads; t++)
            slant_vec_scratch_free(&s->scratch[t]);
    free(s->scratch);
    free(s->chunk_y);
    free(s->w);
    free(s->sw);
    free(s->y);
}

/* ---- A batch's rows ------------------------------------------------------ */

typedef struct rows_part {
    uint32_t *index;
    float *value;
    size_t n, cap;
    size_t *len; /* per document of the part */
    slant_feature *row;
    size_t row_cap;
} rows_part;

typedef struct rows_ctx {
    stream *s;
    const slant_corpus *batch;
    rows_part *part;
} rows_ctx;

static void rows_range(void *vctx, size_t begin, size_t end, uint32_t worker)
{
    rows_ctx *c = vctx;
    rows_part *p = &c->part[worker];
    slant_vec_scratch *sc = &c->s->scratch[worker];
    p->len = slant_alloc_array(end - begin ? end - begin : 1, sizeof *p->len);
    if (!p->len)
        goto oom;
    for (size_t d = begin; d < end; d++) {
        long r = slant_pipeline_vectorize(&c->s->pipe, c->batch->texts[d], c->batch->lens[d], sc,
                                          &p->row, &p->row_cap);
        if (r < 0)
            goto oom;
        size_t c1 = p->cap, c2 = p->cap;
        if (slant_grow((void **)&p->index, &c1, p->n + (size_t)r, sizeof *p->index)
            || slant_grow((void **)&p->value, &c2, p->n + (size_t)r, sizeof *p->value))
            goto oom;
        p->cap = c1 < c2 ? c1 : c2;
        for (long k = 0; k < r; k++) {
            p->index[p->n] = p->row[k].index;
            p->value[p->n++] = p->row[k].value;
        }
        p->len[d - begin] = (size_t)r;
    }
    return;
oom:
    __atomic_fetch_or(&c->s->failed, 1u, __ATOMIC_RELAXED);
}

/* Vectorizes BATCH through s->pipe into s->rows (rows sorted by index
 * in hashed mode, as slant_pipeline_vectorize gives them). */
static slant_status batch_rows(stream *s, const slant_corpus *batch, slant_error *err)
{
    size_t n = batch->n_docs;
    uint32_t threads = slant_threads_for(s->threads, n);
    rows_part *part = slant_calloc_array(threads, sizeof *part);
    slant_status st = SLANT_STATUS_OK;
    if (!part)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory reading %s", s->path);
    rows_ctx c = {s, batch, part};
    s->failed = 0;
    slant_parallel_for(n, threads, rows_range, &c);
    size_t nnz = 0;
    for (uint32_t t = 0; t < threads; t++)
        nnz += part[t].n;
    slant_csr *x = &s->rows;
    size_t c1 = s->rows_cap, c2 = s->rows_cap;
    size_t *rowptr = s->failed ? NULL : realloc(x->rowptr, (n + 1) * sizeof *x->rowptr);
    if (rowptr)
        x->rowptr = rowptr;
    if (!rowptr || slant_grow((void **)&x->index, &c1, nnz ? nnz : 1, sizeof *x->index)
        || slant_grow((void **)&x->value, &c2, nnz ? nnz : 1, sizeof *x->value)) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory reading %s", s->path);
        goto out;
    }
    s->rows_cap = c1 < c2 ? c1 : c2;
    x->rows = n;
    x->cols = s->nf;
    x->rowptr[0] = 0;
    size_t d = 0, at = 0;
    for (uint32_t t = 0; t < threads; t++) {
        memcpy(x->index + at, part[t].index, part[t].n * sizeof *x->index);
        memcpy(x->value + at, part[t].value, part[t].n * sizeof *x->value);
        at += part[t].n;
        size_t begin = n * t / threads, end = n * (t + 1) / threads;
        for (size_t i = begin; i < end; i++, d++)
            x->rowptr[d + 1] = x->rowptr[d] + part[t].len[i - begin];
    }
out:
    for (uint32_t t = 0; t < threads; t++) {
        free(part[t].index);
        free(part[t].value);
        free(part[t].len);
        free(part[t].row);
    }
    free(part);
    return st;
}

/* ---- Heads and classes ---------------------------------------------------- */

/* The index of class LABEL in head SH, added (in sorted place) when new
 * unless the classes are fixed; -1 when memory runs out or the head has
 * too many classes (*why says which), -2 for a class pass 1 did not see
 * (the file changed between passes). */
static long class_of(stream *s, stream_head *sh, const char *label, int with_mass,
                     const char **why)
{
    size_t lo = 0, hi = sh->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(label, sh->names[mid]);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (s->classes_fixed)
        return -2;
    if (sh->n >= SLANT_MAX_CLASSES) {
        *why = "too many classes";
        return -1;
    }
    *why = "out of memory";
    if (sh->n == sh->cap) {
        size_t cap = sh->cap ? 2 * sh->cap : 8;
        char **nm = realloc(sh->names, cap * sizeof *nm);
        if (nm)
            sh->names = nm;
        uint64_t *ct = realloc(sh->counts, cap * sizeof *ct);
        if (ct)
            sh->counts = ct;
        double **ms = with_mass ? realloc(sh->mass, cap * sizeof *ms) : NULL;
        if (ms)
            sh->mass = ms;
        if (!nm || !ct || (with_mass && !ms))
            return -1;
        sh->cap = cap;
    }
    char *copy = slant_strdup(label);
    double *m = with_mass ? slant_calloc_array(s->nf ? s->nf : 1, sizeof *m) : NULL;
    if (!copy || (with_mass && !m)) {
        free(copy);
        free(m);
        return -1;
    }
    memmove(sh->names + lo + 1, sh->names + lo, (sh->n - lo) * sizeof *sh->names);
    memmove(sh->counts + lo + 1, sh->counts + lo, (sh->n - lo) * sizeof *sh->counts);
    if (with_mass)
        memmove(sh->mass + lo + 1, sh->mass + lo, (sh->n - lo) * sizeof *sh->mass);
    sh->names[lo] = copy;
    sh->counts[lo] = 0;
    if (with_mass)
        sh->mass[lo] = m;
    sh->n++;
    return (long)lo;
}

/* The heads of the first batch (after selection), later batches checked
 * against them. */
static slant_status take_heads(stream *s, slant_corpus *batch, slant_error *err)
{
    slant_status st;
    if (s->so->heads && (st = slant_corpus_select_heads(batch, s->so->heads, s->so->n_heads, err)))
        return st;
    if (s->head_names) {
        int same = batch->n_heads == s->n_heads;
        for (size_t h = 0; same && h < s->n_heads; h++)
            same = strcmp(batch->head_names[h], s->head_names[h]) == 0;
        return same ? SLANT_STATUS_OK
                    : slant_fail(err, SLANT_STATUS_BAD_INPUT,
                                 "%s: the label columns changed while it was read", s->path);
    }
    if (batch->n_heads == 0) {
        if (batch->vectors || s->ropt.format == SLANT_FORMAT_FASTTEXT)
            return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                              "%s: --stream reads TSV, JSON lines and lines files: its batches of "
                              "%s carry no labels; convert it to TSV", s->path,
                              batch->vectors ? "LIBSVM vectors" : "fastText");
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: no label column to learn", s->path);
    }
    if (batch->vectors)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "%s: --stream reads text, not LIBSVM vectors", s->path);
    if (batch->n_heads > SLANT_MAX_HEADS)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: %zu label columns, more than %d",
                          s->path, batch->n_heads, SLANT_MAX_HEADS);
    char clash[512];
    if (slant_heads_clash((const char *const *)batch->head_names, batch->n_heads, clash,
                          sizeof clash))
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: %s", s->path, clash);
    s->head_names = slant_calloc_array(batch->n_heads, sizeof *s->head_names);
    s->heads = slant_calloc_array(batch->n_heads, sizeof *s->heads);
    if (!s->head_names || !s->heads)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    s->n_heads = batch->n_heads;
    s->hash = slant_corpus_hash_begin(s->n_heads); /* as slant_corpus_hash begins */
    for (size_t h = 0; h < s->n_heads; h++)
        if (!(s->head_names[h] = slant_strdup(batch->head_names[h])))
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    return SLANT_STATUS_OK;
}

/* Counts document D's labels into the heads (the pass that counts). */
static slant_status count_labels(stream *s, const slant_corpus *b, size_t d, int with_mass,
                                 long *k_of, slant_error *err)
{
    for (size_t h = 0; h < s->n_heads; h++) {
        const char *l = b->labels[d * b->n_heads + h];
        k_of[h] = -1;
        if (!l)
            continue;
        const char *why = "";
        long k = class_of(s, &s->heads[h], l, with_mass, &why);
        if (k == -2)
            return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                              "%s: record %s: column \"%s\" has class \"%s\", which the first "
                              "pass did not see: the file changed while it was read", s->path,
                              b->ids[d], s->head_names[h], l);
        if (k < 0)
            return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: column \"%s\": %s", s->path,
                              s->head_names[h], why);
        k_of[h] = k;
    }
    return SLANT_STATUS_OK;
}

/* ---- Passes ----------------------------------------------------------------- */

enum { PASS_COUNT, PASS_NB, PASS_LR };

static slant_status fit_chunk(stream *s, slant_error *err);

/* One batch of the pass WHAT: pass 1 counts documents, classes and the
 * buckets' document frequencies; the nb pass sums the features of each
 * class (and counts, when it is the only pass); the lr pass gathers a
 * chunk and fits it when full. */
static slant_status pass_batch(stream *s, int what, int counting, slant_corpus *b,
                               slant_error *err)
{
    slant_status st;
    if ((st = take_heads(s, b, err)))
        return st;
    int need_rows = what != PASS_COUNT || s->df;
    if (need_rows && (st = batch_rows(s, b, err)))
        return st;
    long k_of[SLANT_MAX_HEADS];
    const slant_csr *x = &s->rows;
    if (what == PASS_LR) { /* the batch's rows and labels onto the chunk */
        slant_csr *c = &s->chunk;
        size_t nnz = x->rowptr[b->n_docs], c1 = s->chunk_cap, c2 = s->chunk_cap;
        size_t base = c->rows ? c->rowptr[c->rows] : 0;
        if (slant_grow((void **)&c->index, &c1, base + nnz + 1, sizeof *c->index)
            || slant_grow((void **)&c->value, &c2, base + nnz + 1, sizeof *c->value)
            || slant_grow((void **)&c->rowptr, &s->chunk_rows_cap, c->rows + b->n_docs + 1,
                          sizeof *c->rowptr)
            || slant_grow((void **)&s->chunk_y, &s->chunk_y_cap,
                          (c->rows + b->n_docs) * s->n_heads, sizeof *s->chunk_y))
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory reading %s", s->path);
        s->chunk_cap = c1 < c2 ? c1 : c2;
        memcpy(c->index + base, x->index, nnz * sizeof *c->index);
        memcpy(c->value + base, x->value, nnz * sizeof *c->value);
        c->rowptr[0] = 0;
        for (size_t d = 0; d < b->n_docs; d++) {
            c->rowptr[c->rows + d + 1] = base + x->rowptr[d + 1];
            if ((st = count_labels(s, b, d, 0, k_of, err)))
                return st;
            for (size_t h = 0; h < s->n_heads; h++)
                s->chunk_y[(c->rows + d) * s->n_heads + h] = (int32_t)k_of[h];
            s->chunk_bytes += b->lens[d];
        }
        c->rows += b->n_docs;
        c->cols = s->nf;
        if (s->chunk_bytes >= (s->so->chunk_bytes ? s->so->chunk_bytes : STREAM_CHUNK_BYTES))
            return fit_chunk(s, err);
        return SLANT_STATUS_OK;
    }
    for (size_t d = 0; d < b->n_docs; d++) {
        if (counting) {
            if (s->n_docs >= UINT32_MAX - 1)
                return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                                  "%s: more documents than one model takes", s->path);
            s->n_docs++;
            s->hash = slant_corpus_hash_doc(s->hash, b, d, NULL, s->n_heads);
        }
        if (counting || what == PASS_NB) {
            if ((st = count_labels(s, b, d, what == PASS_NB, k_of, err)))
                return st;
            for (size_t h = 0; counting && h < s->n_heads; h++)
                if (k_of[h] >= 0)
                    s->heads[h].counts[k_of[h]]++;
        }
        if (what == PASS_COUNT && s->df) {
            for (size_t j = x->rowptr[d]; j < x->rowptr[d + 1]; j++)
                s->df[x->index[j]]++; /* each bucket once a row */
        } else if (what == PASS_NB) {
            for (size_t h = 0; h < s->n_heads; h++) {
                if (k_of[h] < 0)
                    continue;
                double *m = s->heads[h].mass[k_of[h]];
                for (size_t j = x->rowptr[d]; j < x->rowptr[d + 1]; j++)
                    m[x->index[j]] += x->value[j];
            }
        }
    }
    return SLANT_STATUS_OK;
}

static slant_status run_pass(stream *s, int what, int counting, slant_error *err)
{
    slant_reader *r = NULL;
    slant_status st = slant_reader_open_with(s->path, &s->ropt, &r, err);
    if (st)
        return st;
    size_t docs = s->so->batch_docs ? s->so->batch_docs : STREAM_BATCH_DOCS;
    size_t bytes = s->so->batch_bytes ? s->so->batch_bytes : STREAM_BATCH_BYTES;
    if (s->ropt.format == SLANT_FORMAT_AUTO)
        s->ropt.format = slant_reader_format(r); /* for the messages; the same each pass */
    for (;;) {
        slant_corpus *b = NULL;
        if ((st = slant_reader_next(r, docs, bytes, &b, err)) || !b)
            break;
        st = pass_batch(s, what, counting, b, err);
        slant_corpus_free(b);
        if (st)
            break;
    }
    if (!st && what == PASS_LR && s->chunk.rows)
        st = fit_chunk(s, err);
    slant_reader_free(r);
    return st;
}

/* ---- lr: one chunk's fit, added to the average ---------------------------- */

static slant_status fit_chunk(stream *s, slant_error *err)
{
    slant_csr *x = &s->chunk;
    size_t nf = s->nf, n = x->rows;
    slant_status st = SLANT_STATUS_OK;
    size_t sw_cap = s->y_cap;
    if (slant_grow((void **)&s->y, &s->y_cap, n ? n : 1, sizeof *s->y)
        || slant_grow((void **)&s->sw, &sw_cap, s->y_cap, sizeof *s->sw))
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    for (size_t h = 0; h < s->n_heads && !st; h++) {
        stream_head *sh = &s->heads[h];
        uint32_t cn = (uint32_t)sh->n;
        uint64_t *ck = slant_calloc_array(cn, sizeof *ck);
        if (!ck)
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        size_t labeled = 0;
        for (size_t i = 0; i < n; i++) {
            s->y[i] = s->chunk_y[i * s->n_heads + h];
            if (s->y[i] >= 0) {
                ck[s->y[i]]++;
                labeled++;
            }
        }
        int all = 1;
        for (uint32_t k = 0; k < cn; k++)
            all &= ck[k] > 0;
        if (!all) {
            slant_log("head \"%s\": a chunk of %zu documents lacks a class; it does not count",
                      s->head_names[h], n);
            free(ck);
            continue;
        }
        for (size_t i = 0; i < n; i++) /* balanced within the chunk, as a fit of it alone */
            if (s->y[i] < 0)
                s->sw[i] = 0.0;
            else
                s->sw[i] = s->o->class_weight
                               ? (double)labeled / ((double)cn * (double)ck[s->y[i]])
                               : 1.0;
        free(ck);
        float *w = slant_calloc_array((nf + 1) * cn, sizeof *w);
        if (!sh->acc)
            sh->acc = slant_calloc_array((nf + 1) * cn, sizeof *sh->acc);
        if (!w || !sh->acc) {
            free(w);
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory for the weights of "
                              "head \"%s\"", s->head_names[h]);
        }
        /* Each chunk's objective made an estimate of the whole corpus's: its
         * loss scaled by the head's labeled documents over the chunk's, so
         * that the regularization weighs against the data as in one fit. */
        uint64_t all_labeled = 0;
        for (uint32_t k = 0; k < cn; k++)
            all_labeled += sh->counts[k];
        slant_options oc = *s->o;
        oc.c = s->o->c * (double)all_labeled / (double)labeled;
        uint32_t at_limit = 0;
        slant_log_hold(1);
        st = slant_fit_lr_head(x, s->y, s->sw, cn, &oc, w, &at_limit, err);
        slant_log_hold(-1);
        if (!st) {
            for (size_t j = 0; j < (nf + 1) * cn; j++)
                sh->acc[j] += (double)labeled * w[j];
            sh->acc_docs += (double)labeled;
            sh->chunks++;
            sh->at_limit += at_limit != 0;
        }
        free(w);
    }
    slant_log("fitted a chunk of %zu documents", n);
    x->rows = 0;
    s->chunk_bytes = 0;
    return st;
}

/* ---- The model ------------------------------------------------------------- */

slant_status slant_train_stream(const char *path, const slant_options *opt,
                                const slant_stream_options *so, slant_model **out,
                                slant_error *err)
{
    *out = NULL;
    slant_stream_options defaults;
    if (!so) {
        slant_stream_options_init(&defaults);
        so = &defaults;
    }
    slant_options o = *opt;
    if (o.calibrate == SLANT_CALIBRATION_AUTO)
        o.calibrate = SLANT_CALIBRATION_NONE;
    if (o.calibrate != SLANT_CALIBRATION_NONE || o.target_precision)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "--stream: calibration and a target precision need out-of-fold "
                          "probabilities, that is the corpus in memory; leave out --%s",
                          o.target_precision ? "target-precision" : "calibrate");
    if (o.model != SLANT_MODEL_KIND_NB && o.model != SLANT_MODEL_KIND_CNB
        && o.model != SLANT_MODEL_KIND_LR)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "--stream trains nb, cnb and lr, not %s", slant_model_kind_name(o.model));
    const slant_model *fm = so->features;
    if (fm) { /* the fixed pipeline's settings replace the options' */
        if (fm->pipe.cfg.token_flags & SLANT_TOK_VECTORS)
            return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                              "--vocab: the model was trained on vectors, not text");
        const slant_fconfig *fc = &fm->pipe.cfg;
        o.word_min = fc->word_min;
        o.word_max = fc->word_max;
        o.char_min = fc->char_min;
        o.char_max = fc->char_max;
        o.hash_bits = fc->hash_bits;
        o.min_count = fc->min_count;
        o.weighting = (slant_weighting)fc->weighting;
        o.punct = (fc->token_flags & SLANT_TOK_PUNCT) != 0;
        o.keep_case = (fc->token_flags & SLANT_TOK_KEEP_CASE) != 0;
    } else if (!o.hash_bits) {
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "--stream needs hashed features (--hash-bits N) or the features of a "
                          "model (--vocab MODEL): a vocabulary is fitted on the corpus in "
                          "memory");
    }
    slant_status st = slant_options_check(&o, err);
    if (st)
        return st;
    slant_options_resolve(&o);
    int tfidf = o.weighting == SLANT_WEIGHTING_TFIDF && !fm;
    int lr = o.model == SLANT_MODEL_KIND_LR;
    int passes = lr || tfidf ? 2 : 1;
    if (passes > 1 && strcmp(path, "-") == 0)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "--stream reads the corpus twice (%s), and standard input cannot be "
                          "read again: give a file%s", lr ? "lr: its classes, then the chunks"
                                                         : "tf-idf: the document frequencies, then "
                                                           "the sums",
                          lr ? "" : ", or --weighting counts or binary, or --vocab MODEL");
    char date[32];
    if ((st = slant_training_date(date, sizeof date, err)))
        return st;

    stream s = {0};
    s.path = path;
    s.o = &o;
    s.so = so;
    if (so->read)
        s.ropt = *so->read;
    else
        slant_read_options_init(&s.ropt);
    s.threads = slant_threads_for(o.threads, SLANT_MAX_THREADS);
    float *idf = NULL;
    float *w_all = NULL;
    slant_head_parts *parts = NULL;
    double **mass = NULL;
    char *prov = NULL;
    s.scratch = slant_calloc_array(s.threads, sizeof *s.scratch);
    if (!s.scratch) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    if (fm) {
        s.pipe = fm->pipe;
    } else {
        s.pipe.cfg = slant_fconfig_of(&o);
        s.pipe.n_features = (uint32_t)((size_t)1 << o.hash_bits);
    }
    s.nf = s.pipe.n_features;

    if (passes == 2) { /* 1: documents, classes and (tf-idf) document frequencies */
        slant_log("--stream: pass 1 of 2 over %s", path);
        slant_pipeline counting = s.pipe;
        counting.cfg.weighting = SLANT_WEIGHTING_COUNTS;
        counting.idf = NULL;
        s.pipe = counting;
        if (tfidf && !(s.df = slant_calloc_array(s.nf, sizeof *s.df))) {
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
            goto out;
        }
        if ((st = run_pass(&s, PASS_COUNT, 1, err)))
            goto out;
        s.classes_fixed = 1;
        if (tfidf) {
            if (!(idf = slant_alloc_array(s.nf, sizeof *idf))) {
                st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
                goto out;
            }
            for (size_t f = 0; f < s.nf; f++)
                idf[f] = slant_idf_of(s.df[f], (size_t)s.n_docs);
            free(s.df);
            s.df = NULL;
        }
        s.pipe.cfg.weighting = (uint32_t)o.weighting;
        s.pipe.idf = fm ? fm->pipe.idf : idf;
        for (size_t h = 0; !lr && h < s.n_heads; h++) { /* nb: the sums of each class */
            stream_head *sh = &s.heads[h];
            if (!(sh->mass = slant_calloc_array(sh->cap ? sh->cap : 1, sizeof *sh->mass))) {
                st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
                goto out;
            }
            for (size_t k = 0; k < sh->n; k++)
                if (!(sh->mass[k] = slant_calloc_array(s.nf ? s.nf : 1, sizeof *sh->mass[k]))) {
                    st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
                    goto out;
                }
        }
    }
    slant_log("--stream: pass %d of %d over %s", passes, passes, path);
    if ((st = run_pass(&s, lr ? PASS_LR : PASS_NB, passes == 1, err)))
        goto out;
    if (s.n_docs == 0 || !s.head_names) {
        st = slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: no documents to train on", path);
        goto out;
    }
    for (size_t h = 0; h < s.n_heads; h++) {
        stream_head *sh = &s.heads[h];
        if (sh->n < 2) {
            st = sh->n == 0 ? slant_fail(err, SLANT_STATUS_BAD_INPUT,
                                         "%s: column \"%s\" has no labels", path, s.head_names[h])
                            : slant_fail(err, SLANT_STATUS_BAD_INPUT,
                                         "%s: column \"%s\" has only one class (\"%s\"); a "
                                         "classifier needs at least two", path, s.head_names[h],
                                         sh->names[0]);
            goto out;
        }
        if (lr && sh->at_limit)
            slant_warn("head \"%s\": %zu of the %zu chunk fits stopped at their limit of %u "
                       "iterations before they converged; raise --iterations", s.head_names[h],
                       sh->at_limit, sh->chunks, o.max_iter);
        if (lr && !sh->chunks) {
            st = slant_fail(err, SLANT_STATUS_BAD_INPUT,
                            "%s: column \"%s\": no chunk of the corpus holds every class; "
                            "shuffle the corpus, or give a larger chunk", path, s.head_names[h]);
            goto out;
        }
    }
    size_t nf = s.nf, wtotal = 0;
    for (size_t h = 0; h < s.n_heads; h++)
        wtotal += (nf + 1) * s.heads[h].n;
    parts = slant_calloc_array(s.n_heads, sizeof *parts);
    mass = slant_calloc_array(s.n_heads, sizeof *mass);
    w_all = slant_alloc_array(wtotal, sizeof *w_all);
    if (!parts || !mass || !w_all) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory for the weights");
        goto out;
    }
    float *w = w_all;
    for (size_t h = 0; h < s.n_heads; h++) {
        stream_head *sh = &s.heads[h];
        uint32_t cn = (uint32_t)sh->n;
        if (lr) {
            for (size_t j = 0; j < (nf + 1) * cn; j++)
                w[j] = (float)(sh->acc[j] / sh->acc_docs);
        } else {
            mass[h] = slant_alloc_array(nf * cn > 0 ? nf * cn : 1, sizeof *mass[h]);
            if (!mass[h]) {
                st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory for the weights");
                goto out;
            }
            for (uint32_t k = 0; k < cn; k++) { /* feature-major, as the model keeps them */
                for (size_t f = 0; f < nf; f++)
                    mass[h][f * cn + k] = sh->mass[k][f];
                free(sh->mass[k]);
                sh->mass[k] = NULL;
            }
            st = slant_nb_from_sums(mass[h], sh->counts, nf, cn, o.class_weight, o.alpha,
                                    o.model == SLANT_MODEL_KIND_CNB, w, w + nf * cn, err);
            if (st)
                goto out;
        }
        parts[h] = (slant_head_parts){s.head_names[h], cn, (const char *const *)sh->names,
                                      sh->counts, w, NULL, 0, mass[h]};
        w += (nf + 1) * cn;
    }
    char note[160], hashtext[64];
    if (lr) {
        size_t chunks = s.heads[0].chunks;
        snprintf(note, sizeof note, "stream=passes %d, lr chunks averaged: %zu (of %zu bytes of "
                 "text each, to a batch)\n", passes, chunks,
                 so->chunk_bytes ? so->chunk_bytes : STREAM_CHUNK_BYTES);
    } else {
        snprintf(note, sizeof note, "stream=passes %d\n", passes);
    }
    snprintf(hashtext, sizeof hashtext, "xxh3:%016llx", (unsigned long long)s.hash);
    prov = slant_provenance_plain(&o, date, nf, s.n_docs, hashtext,
                                  (uint32_t)s.n_heads, parts, note);
    if (!prov) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    slant_pipeline pipe = s.pipe;
    st = slant_model_build(o.model, &o, &pipe, (uint32_t)s.n_heads, parts, prov, out, err);
out:
    if (mass)
        for (size_t h = 0; h < s.n_heads; h++)
            free(mass[h]);
    free(mass);
    free(parts);
    free(w_all);
    free(prov);
    free(idf);
    stream_free(&s);
    return st;
}
