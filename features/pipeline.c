/*
 * pipeline.c: n-gram hashing, the vocabulary, tf-idf weighting and the
 * fitting of a pipeline on a training corpus (see pipeline.h).
 *
 * Fitting runs in passes so that no n-gram text is built for n-grams that
 * are dropped: (A) each document, in parallel, becomes a sorted list of
 * distinct n-gram hashes with counts; (B) the lists are counted into one
 * table, in document order; (C) n-grams seen at least min_count times are
 * kept and numbered in increasing hash order; (D) the kept n-grams' texts
 * are recovered by tokenizing again; (E) each document's list becomes a
 * weighted row of the training matrix, in parallel.  Every step is
 * independent of the thread count, so the model is too.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "linear.h"
#include "pipeline.h"

#define CHAR_SEED_SALT 0x9e3779b97f4a7c15ULL

/* Origins: bit 63 tells a character n-gram; then token index (32 bits),
 * first code point within the padded token (16 bits), length n (8 bits). */
static uint64_t word_origin(size_t i, uint32_t n)
{
    return ((uint64_t)(i & 0xffffffffu) << 24) | n;
}

static uint64_t char_origin(size_t i, size_t j, uint32_t n)
{
    return (1ULL << 63) | ((uint64_t)(i & 0xffffffffu) << 24) | ((uint64_t)(j & 0xffff) << 8) | n;
}

static int push_hash(uint64_t **out, uint64_t **origins, size_t *n, size_t *cap, uint64_t h,
                     uint64_t origin)
{
    if (*n + 1 > *cap) {
        size_t c1 = *cap, c2 = *cap;
        if (slant_grow((void **)out, &c1, *n + 1, sizeof **out))
            return -1;
        if (origins && slant_grow((void **)origins, &c2, *n + 1, sizeof **origins))
            return -1;
        *cap = c1;
    }
    (*out)[*n] = h;
    if (origins)
        (*origins)[*n] = origin;
    (*n)++;
    return 0;
}

/* Byte offsets of the code points of "<" token ">" (valid UTF-8), written
 * to pos[0..ncp]; returns ncp, at most max_cp. */
static size_t padded_positions(const char *tok, size_t len, size_t *pos, size_t max_cp)
{
    size_t ncp = 0, off = 1;
    pos[ncp++] = 0; /* '<' */
    while (off - 1 < len && ncp < max_cp - 1) {
        pos[ncp++] = off;
        unsigned char c = (unsigned char)tok[off - 1];
        size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        off += k;
    }
    pos[ncp] = off; /* '>' */
    pos[ncp + 1] = off + 1;
    return ncp + 1;
}

#define MAX_CHAR_CP 256 /* longer tokens get character n-grams of their first 254 code points */

/* A 64-bit mixer (the finalizer of MurmurHash3): every input bit flips
 * about half the output bits.  Word n-grams combine their tokens' xxHash
 * hashes with it, which is much cheaper than hashing bytes again. */
static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

int slant_ngram_hashes(const slant_tokens *t, const slant_fconfig *cfg, uint64_t **out,
                       uint64_t **origins, size_t *n, size_t *cap)
{
    if (cfg->word_min > 0) {
        size_t total = 0;
        for (uint32_t k = cfg->word_min; k <= cfg->word_max; k++)
            total += t->n >= k ? t->n - k + 1 : 0;
        size_t c1 = *cap, c2 = *cap;
        if (slant_grow((void **)out, &c1, *n + total, sizeof **out)
            || (origins && slant_grow((void **)origins, &c2, *n + total, sizeof **origins)))
            return -1;
        *cap = origins && c2 < c1 ? c2 : c1;
        uint64_t *h = *out + *n;
        for (uint32_t k = cfg->word_min; k <= cfg->word_max; k++) {
            for (size_t i = 0; i + k <= t->n; i++) {
                uint64_t v = cfg->seed + k;
                for (uint32_t m = 0; m < k; m++)
                    v = mix64(v ^ t->hash[i + m]);
                *h++ = v;
                if (origins)
                    (*origins)[*n] = word_origin(i, k);
                (*n)++;
            }
        }
    }
    if (cfg->char_min > 0) {
        char padded[4 * MAX_CHAR_CP + 2];
        size_t pos[MAX_CHAR_CP + 2];
        for (size_t i = 0; i < t->n; i++) {
            const char *tok = t->buf + t->start[i];
            size_t ncp = padded_positions(tok, t->len[i], pos, MAX_CHAR_CP);
            size_t body = pos[ncp - 1] - 1; /* bytes of the token kept */
            padded[0] = '<';
            memcpy(padded + 1, tok, body);
            padded[body + 1] = '>';
            for (uint32_t k = cfg->char_min; k <= cfg->char_max; k++) {
                for (size_t j = 0; j + k <= ncp; j++) {
                    uint64_t h = slant_hash64(padded + pos[j], pos[j + k] - pos[j],
                                              (cfg->seed ^ CHAR_SEED_SALT) + k);
                    if (push_hash(out, origins, n, cap, h, char_origin(i, j, k)))
                        return -1;
                }
            }
        }
    }
    return 0;
}

void slant_ngram_name(const slant_tokens *t, uint64_t origin, char *buf, size_t size)
{
    if (size == 0)
        return;
    buf[0] = '\0';
    size_t i = (size_t)((origin >> 24) & 0xffffffffu);
    uint32_t k = (uint32_t)(origin & 0xff);
    size_t w = 0;
    if (!(origin >> 63)) {
        for (uint32_t m = 0; m < k && i + m < t->n; m++) {
            int r = snprintf(buf + w, size - w, "%s%s", m ? " " : "", t->buf + t->start[i + m]);
            if (r < 0 || (size_t)r >= size - w)
                return;
            w += (size_t)r;
        }
        return;
    }
    size_t j = (size_t)((origin >> 8) & 0xffff);
    if (i >= t->n)
        return;
    const char *tok = t->buf + t->start[i];
    size_t pos[MAX_CHAR_CP + 2];
    size_t ncp = padded_positions(tok, t->len[i], pos, MAX_CHAR_CP);
    char padded[4 * MAX_CHAR_CP + 2];
    size_t body = pos[ncp - 1] - 1;
    padded[0] = '<';
    memcpy(padded + 1, tok, body);
    padded[body + 1] = '>';
    if (j + k > ncp)
        return;
    size_t len = pos[j + k] - pos[j];
    if (len >= size)
        len = size - 1;
    memcpy(buf, padded + pos[j], len);
    buf[len] = '\0';
}

uint32_t slant_pipeline_lookup(const slant_pipeline *p, uint64_t hash, float *idf)
{
    if (p->cfg.hash_bits) {
        uint32_t id = (uint32_t)(hash & (((uint64_t)1 << p->cfg.hash_bits) - 1));
        *idf = p->idf ? p->idf[id] : 1.0f;
        return id;
    }
    if (!p->vocab_cap)
        return SLANT_VOCAB_EMPTY;
    uint64_t mask = p->vocab_cap - 1;
    for (uint64_t s = hash & mask;; s = (s + 1) & mask) {
        const slant_vocab_slot *v = &p->vocab[s];
        if (v->id == SLANT_VOCAB_EMPTY || v->key == hash) {
            *idf = v->idf;
            return v->id;
        }
    }
}

/* Issues a prefetch of the slot HASH would probe first. */
static inline void prefetch_slot(const slant_pipeline *p, uint64_t hash)
{
#if defined(__GNUC__)
    if (p->vocab_cap)
        __builtin_prefetch(&p->vocab[hash & (p->vocab_cap - 1)]);
    else if (p->idf)
        __builtin_prefetch(&p->idf[hash & (((uint64_t)1 << p->cfg.hash_bits) - 1)]);
#else
    (void)p;
    (void)hash;
#endif
}

void slant_vec_scratch_free(slant_vec_scratch *s)
{
    if (!s)
        return;
    slant_tokens_free(&s->tokens);
    free(s->hashes);
    free(s->idf);
    free(s->seen_id);
    free(s->seen_at);
    memset(s, 0, sizeof *s);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* tf-idf of one row in place: value = (1 + ln tf) * idf, then L2 norm;
 * idf[k] is entry k's idf.  Rows of raw counts are left as they are. */
static void weigh_row(const slant_pipeline *p, slant_feature *row, const float *idf, size_t n)
{
    if (!p->cfg.tfidf)
        return;
    double norm = 0;
    for (size_t k = 0; k < n; k++) {
        /* Most n-grams occur once in a document, and 1 + ln 1 is 1. */
        double tf = row[k].value == 1.0f ? 1.0 : 1.0 + log(row[k].value);
        double v = tf * idf[k];
        row[k].value = (float)v;
        norm += v * v;
    }
    if (norm > 0) {
        double inv = 1.0 / sqrt(norm);
        for (size_t k = 0; k < n; k++)
            row[k].value = (float)(row[k].value * inv);
    }
}

/* Makes the scratch set hold at least 2n slots, all free. */
static int seen_reserve(slant_vec_scratch *s, size_t n)
{
    if (s->seen_cap >= 2 * n && s->seen_cap)
        return 0;
    size_t cap = 64;
    while (cap < 2 * n)
        cap *= 2;
    uint32_t *id = slant_alloc_array(cap, sizeof *id), *at = slant_alloc_array(cap, sizeof *at);
    if (!id || !at) {
        free(id);
        free(at);
        return -1;
    }
    memset(id, 0xff, cap * sizeof *id);
    free(s->seen_id);
    free(s->seen_at);
    s->seen_id = id;
    s->seen_at = at;
    s->seen_cap = cap;
    return 0;
}

#define PREFETCH_AHEAD 12

long slant_pipeline_vectorize(const slant_pipeline *p, const char *text, size_t len,
                              slant_vec_scratch *s, slant_feature **out, size_t *cap)
{
    if (slant_tokenize(text, len, p->cfg.seed, &s->tokens))
        return -1;
    size_t n = 0;
    if (slant_ngram_hashes(&s->tokens, &p->cfg, &s->hashes, NULL, &n, &s->hashes_cap))
        return -1;
    if (slant_grow((void **)out, cap, n, sizeof **out)
        || slant_grow((void **)&s->idf, &s->idf_cap, n, sizeof *s->idf) || seen_reserve(s, n))
        return -1;
    slant_feature *row = *out;
    size_t mask = s->seen_cap - 1, r = 0;
    for (size_t k = 0; k < n && k < PREFETCH_AHEAD; k++)
        prefetch_slot(p, s->hashes[k]);
    for (size_t k = 0; k < n; k++) {
        if (k + PREFETCH_AHEAD < n)
            prefetch_slot(p, s->hashes[k + PREFETCH_AHEAD]);
        float idf;
        uint32_t id = slant_pipeline_lookup(p, s->hashes[k], &idf);
        if (id == SLANT_VOCAB_EMPTY)
            continue;
        size_t h = (size_t)((id * 0x9e3779b1u) & mask);
        while (s->seen_id[h] != SLANT_VOCAB_EMPTY && s->seen_id[h] != id)
            h = (h + 1) & mask;
        if (s->seen_id[h] == id) {
            row[s->seen_at[h]].value += 1.0f;
        } else {
            s->seen_id[h] = id;
            s->seen_at[h] = (uint32_t)r;
            row[r] = (slant_feature){id, 1.0f};
            s->idf[r++] = idf;
        }
    }
    /* Free the set's slots for the next document: the ones this one used. */
    for (size_t k = 0; k < r; k++) {
        size_t h = (size_t)((row[k].index * 0x9e3779b1u) & mask);
        while (s->seen_id[h] != row[k].index)
            h = (h + 1) & mask;
        s->seen_id[h] = SLANT_VOCAB_EMPTY;
    }
    weigh_row(p, row, s->idf, r);
    return (long)r;
}

/* ---- Fitting ---------------------------------------------------------- */

/* A document's distinct n-grams: sorted hashes with their counts. */
typedef struct doc_grams {
    uint64_t *hash;
    uint32_t *count;
    size_t n;
} doc_grams;

typedef struct fit_ctx {
    const slant_fconfig *cfg;
    const char *const *texts;
    const size_t *lens;
    doc_grams *docs;
    int failed; /* set by a worker that ran out of memory */
    /* pass E */
    const slant_pipeline *pipe;
    size_t *row_len;
    slant_csr *x;
} fit_ctx;

static void pass_a(void *vctx, size_t begin, size_t end, uint32_t worker)
{
    fit_ctx *c = vctx;
    (void)worker;
    slant_tokens tok = {0};
    uint64_t *h = NULL;
    size_t cap = 0;
    for (size_t d = begin; d < end; d++) {
        size_t n = 0;
        if (slant_tokenize(c->texts[d], c->lens[d], c->cfg->seed, &tok)
            || slant_ngram_hashes(&tok, c->cfg, &h, NULL, &n, &cap)) {
            c->failed = 1;
            break;
        }
        qsort(h, n, sizeof *h, cmp_u64);
        size_t u = 0;
        for (size_t k = 0; k < n; k++)
            if (k == 0 || h[k] != h[k - 1])
                u++;
        doc_grams *g = &c->docs[d];
        g->hash = slant_alloc_array(u, sizeof *g->hash);
        g->count = slant_alloc_array(u, sizeof *g->count);
        if (!g->hash || !g->count) {
            c->failed = 1;
            break;
        }
        size_t r = 0;
        for (size_t k = 0; k < n; k++) {
            if (r > 0 && g->hash[r - 1] == h[k]) {
                g->count[r - 1]++;
            } else {
                g->hash[r] = h[k];
                g->count[r] = 1;
                r++;
            }
        }
        g->n = r;
    }
    slant_tokens_free(&tok);
    free(h);
}

/* The counting table of pass B: open addressing on the n-gram hash. */
typedef struct count_table {
    uint64_t *key;
    uint32_t *count; /* total occurrences, saturating */
    uint32_t *df;    /* documents containing it */
    uint8_t *used;
    size_t cap, n;
} count_table;

static void count_table_free(count_table *t)
{
    free(t->key);
    free(t->count);
    free(t->df);
    free(t->used);
}

static int count_table_init(count_table *t, size_t cap)
{
    t->cap = cap;
    t->n = 0;
    t->key = slant_alloc_array(cap, sizeof *t->key);
    t->count = slant_alloc_array(cap, sizeof *t->count);
    t->df = slant_alloc_array(cap, sizeof *t->df);
    t->used = slant_calloc_array(cap, 1);
    return t->key && t->count && t->df && t->used ? 0 : -1;
}

static size_t count_slot(const count_table *t, uint64_t key)
{
    size_t mask = t->cap - 1;
    size_t s = (size_t)(key ^ (key >> 29)) & mask;
    while (t->used[s] && t->key[s] != key)
        s = (s + 1) & mask;
    return s;
}

static int count_table_add(count_table *t, uint64_t key, uint32_t count)
{
    if ((t->n + 1) * 2 > t->cap) {
        count_table bigger = {0};
        if (t->cap > SIZE_MAX / 2 || count_table_init(&bigger, t->cap * 2)) {
            count_table_free(&bigger);
            return -1;
        }
        for (size_t s = 0; s < t->cap; s++) {
            if (!t->used[s])
                continue;
            size_t d = count_slot(&bigger, t->key[s]);
            bigger.used[d] = 1;
            bigger.key[d] = t->key[s];
            bigger.count[d] = t->count[s];
            bigger.df[d] = t->df[s];
        }
        bigger.n = t->n;
        count_table_free(t);
        *t = bigger;
    }
    size_t s = count_slot(t, key);
    if (!t->used[s]) {
        t->used[s] = 1;
        t->key[s] = key;
        t->count[s] = 0;
        t->df[s] = 0;
        t->n++;
    }
    t->count[s] = count > UINT32_MAX - t->count[s] ? UINT32_MAX : t->count[s] + count;
    t->df[s]++;
    return 0;
}

static void pass_e_count(void *vctx, size_t begin, size_t end, uint32_t worker)
{
    fit_ctx *c = vctx;
    (void)worker;
    for (size_t d = begin; d < end; d++) {
        size_t m = 0;
        if (c->pipe->cfg.hash_bits) {
            m = c->docs[d].n; /* an upper bound: buckets may merge */
        } else {
            for (size_t k = 0; k < c->docs[d].n; k++) {
                float idf;
                if (slant_pipeline_lookup(c->pipe, c->docs[d].hash[k], &idf) != SLANT_VOCAB_EMPTY)
                    m++;
            }
        }
        c->row_len[d] = m;
    }
}

/* A training matrix entry before weighting. */
typedef struct entry {
    uint32_t index;
    float count, idf;
} entry;

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    return (x->index > y->index) - (x->index < y->index);
}

/* Fills row d of the matrix: sorted distinct indices, counts, then tf-idf.
 * Writes the row's true length to row_len[d]. */
static void pass_e_fill(void *vctx, size_t begin, size_t end, uint32_t worker)
{
    fit_ctx *c = vctx;
    (void)worker;
    entry *e = NULL;
    slant_feature *row = NULL;
    float *idf = NULL;
    size_t cap = 0, rcap = 0, icap = 0;
    for (size_t d = begin; d < end; d++) {
        const doc_grams *g = &c->docs[d];
        if (slant_grow((void **)&e, &cap, g->n, sizeof *e)
            || slant_grow((void **)&row, &rcap, g->n, sizeof *row)
            || slant_grow((void **)&idf, &icap, g->n, sizeof *idf)) {
            c->failed = 1;
            break;
        }
        size_t m = 0;
        for (size_t k = 0; k < g->n; k++) {
            float w;
            uint32_t id = slant_pipeline_lookup(c->pipe, g->hash[k], &w);
            if (id != SLANT_VOCAB_EMPTY)
                e[m++] = (entry){id, (float)g->count[k], w};
        }
        qsort(e, m, sizeof *e, cmp_entry);
        size_t r = 0;
        for (size_t k = 0; k < m; k++) { /* hashed n-grams may share a bucket */
            if (r > 0 && row[r - 1].index == e[k].index) {
                row[r - 1].value += e[k].count;
            } else {
                row[r] = (slant_feature){e[k].index, e[k].count};
                idf[r++] = e[k].idf;
            }
        }
        weigh_row(c->pipe, row, idf, r);
        size_t at = c->x->rowptr[d];
        for (size_t k = 0; k < r; k++) {
            c->x->index[at + k] = row[k].index;
            c->x->value[at + k] = row[k].value;
        }
        c->row_len[d] = r;
    }
    free(e);
    free(row);
    free(idf);
}

void slant_fitted_free(slant_fitted *f)
{
    if (!f)
        return;
    free(f->idf);
    free(f->vocab);
    free(f->name_off);
    free(f->names);
    memset(f, 0, sizeof *f);
}

static size_t pow2_at_least(size_t n)
{
    size_t c = 16;
    while (c < n)
        c *= 2;
    return c;
}

/* Pass D: the texts of the kept n-grams, by tokenizing the documents again
 * until every kept n-gram has been met. */
static slant_status name_features(const slant_fconfig *cfg, const char *const *texts,
                                  const size_t *lens, size_t n_docs, slant_fitted *f,
                                  slant_error *err)
{
    uint32_t nf = f->pipe.n_features;
    char **name = slant_calloc_array(nf, sizeof *name);
    if (!name)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory naming features");
    slant_tokens tok = {0};
    uint64_t *h = NULL, *origin = NULL;
    size_t cap = 0, missing = nf;
    slant_status st = SLANT_STATUS_OK;
    char buf[1024];
    for (size_t d = 0; d < n_docs && missing > 0; d++) {
        size_t n = 0;
        if (slant_tokenize(texts[d], lens[d], cfg->seed, &tok)
            || slant_ngram_hashes(&tok, cfg, &h, &origin, &n, &cap)) {
            st = SLANT_STATUS_NO_MEMORY;
            break;
        }
        for (size_t k = 0; k < n; k++) {
            float idf;
            uint32_t id = slant_pipeline_lookup(&f->pipe, h[k], &idf);
            if (id == SLANT_VOCAB_EMPTY || name[id])
                continue;
            slant_ngram_name(&tok, origin[k], buf, sizeof buf);
            if (!(name[id] = slant_strdup(buf))) {
                st = SLANT_STATUS_NO_MEMORY;
                break;
            }
            missing--;
        }
        if (st)
            break;
    }
    size_t total = 0;
    for (uint32_t i = 0; i < nf && !st; i++)
        total += (name[i] ? strlen(name[i]) : 0) + 1;
    if (!st && total > UINT32_MAX)
        st = slant_fail(err, SLANT_STATUS_BAD_INPUT,
                        "the vocabulary's n-grams exceed 4 GiB of text; use --hash-bits");
    if (!st) {
        f->name_off = slant_alloc_array((size_t)nf + 1, sizeof *f->name_off);
        f->names = malloc(total ? total : 1);
        if (!f->name_off || !f->names)
            st = SLANT_STATUS_NO_MEMORY;
    }
    if (!st) {
        size_t at = 0;
        for (uint32_t i = 0; i < nf; i++) {
            f->name_off[i] = (uint32_t)at;
            size_t l = name[i] ? strlen(name[i]) : 0;
            memcpy(f->names + at, name[i] ? name[i] : "", l + 1);
            at += l + 1;
        }
        f->name_off[nf] = (uint32_t)at;
        f->names_len = at;
        f->pipe.name_off = f->name_off;
        f->pipe.names = f->names;
    }
    for (uint32_t i = 0; i < nf; i++)
        free(name[i]);
    free(name);
    slant_tokens_free(&tok);
    free(h);
    free(origin);
    if (st == SLANT_STATUS_NO_MEMORY)
        return slant_fail(err, st, "out of memory naming features");
    return st;
}

slant_status slant_pipeline_fit(const slant_fconfig *cfg, const char *const *texts,
                                const size_t *lens, size_t n_docs, uint32_t threads,
                                slant_fitted *f, slant_csr *x, slant_error *err)
{
    memset(f, 0, sizeof *f);
    memset(x, 0, sizeof *x);
    f->pipe.cfg = *cfg;
    slant_status st = SLANT_STATUS_OK;
    fit_ctx c = {.cfg = cfg, .texts = texts, .lens = lens, .x = x};
    c.docs = slant_calloc_array(n_docs, sizeof *c.docs);
    c.row_len = slant_calloc_array(n_docs, sizeof *c.row_len);
    count_table table = {0};
    if (!c.docs || !c.row_len)
        goto oom;
    threads = slant_threads_for(threads, n_docs);

    /* A */
    slant_parallel_for(n_docs, threads, pass_a, &c);
    if (c.failed)
        goto oom;

    /* B and C: document frequencies, and the vocabulary or the buckets. */
    if (cfg->hash_bits) {
        size_t nf = (size_t)1 << cfg->hash_bits;
        f->pipe.n_features = (uint32_t)nf;
        if (cfg->tfidf) {
            uint32_t *df = slant_calloc_array(nf, sizeof *df);
            f->idf = slant_alloc_array(nf, sizeof *f->idf);
            if (!df || !f->idf) {
                free(df);
                goto oom;
            }
            /* A bucket's document frequency counts documents, not n-grams. */
            uint32_t mask = (uint32_t)(nf - 1);
            uint32_t *seen = slant_alloc_array(nf, sizeof *seen);
            if (!seen) {
                free(df);
                goto oom;
            }
            memset(seen, 0xff, nf * sizeof *seen);
            for (size_t d = 0; d < n_docs; d++)
                for (size_t k = 0; k < c.docs[d].n; k++) {
                    uint32_t b = (uint32_t)c.docs[d].hash[k] & mask;
                    if (seen[b] != (uint32_t)d) {
                        seen[b] = (uint32_t)d;
                        df[b]++;
                    }
                }
            free(seen);
            for (size_t i = 0; i < nf; i++)
                f->idf[i] = (float)(log((1.0 + (double)n_docs) / (1.0 + df[i])) + 1.0);
            free(df);
        }
    } else {
        if (count_table_init(&table, 1 << 16))
            goto oom;
        for (size_t d = 0; d < n_docs; d++)
            for (size_t k = 0; k < c.docs[d].n; k++)
                if (count_table_add(&table, c.docs[d].hash[k], c.docs[d].count[k]))
                    goto oom;
        size_t kept = 0;
        for (size_t s = 0; s < table.cap; s++)
            if (table.used[s] && table.count[s] >= cfg->min_count)
                kept++;
        if (kept >= SLANT_VOCAB_EMPTY) {
            st = slant_fail(err, SLANT_STATUS_BAD_INPUT,
                            "the vocabulary has %zu n-grams, more than 2^32-1; raise --min-count "
                            "or use --hash-bits", kept);
            goto out;
        }
        uint64_t *keys = slant_alloc_array(kept, sizeof *keys);
        if (!keys)
            goto oom;
        size_t k = 0;
        for (size_t s = 0; s < table.cap; s++)
            if (table.used[s] && table.count[s] >= cfg->min_count)
                keys[k++] = table.key[s];
        qsort(keys, kept, sizeof *keys, cmp_u64);
        size_t vcap = pow2_at_least(kept * 2 + 1);
        f->vocab = slant_alloc_array(vcap, sizeof *f->vocab);
        if (!f->vocab) {
            free(keys);
            goto oom;
        }
        for (size_t i = 0; i < vcap; i++)
            f->vocab[i] = (slant_vocab_slot){0, SLANT_VOCAB_EMPTY, 0.0f};
        for (size_t i = 0; i < kept; i++) {
            uint64_t mask = vcap - 1;
            uint64_t slot = keys[i] & mask;
            while (f->vocab[slot].id != SLANT_VOCAB_EMPTY)
                slot = (slot + 1) & mask;
            float idf = 1.0f;
            if (cfg->tfidf) {
                uint32_t df = table.df[count_slot(&table, keys[i])];
                idf = (float)(log((1.0 + (double)n_docs) / (1.0 + df)) + 1.0);
            }
            f->vocab[slot] = (slant_vocab_slot){keys[i], (uint32_t)i, idf};
        }
        free(keys);
        count_table_free(&table);
        memset(&table, 0, sizeof table);
        f->pipe.n_features = (uint32_t)kept;
        f->pipe.vocab_cap = vcap;
        f->pipe.vocab = f->vocab;
    }
    f->pipe.idf = f->idf;

    /* D */
    if (!cfg->hash_bits && (st = name_features(cfg, texts, lens, n_docs, f, err)))
        goto out;

    /* E: row sizes, then rows, then compaction where buckets merged. */
    c.pipe = &f->pipe;
    slant_parallel_for(n_docs, threads, pass_e_count, &c);
    x->rows = n_docs;
    x->cols = f->pipe.n_features;
    x->rowptr = slant_alloc_array(n_docs + 1, sizeof *x->rowptr);
    if (!x->rowptr)
        goto oom;
    x->rowptr[0] = 0;
    for (size_t d = 0; d < n_docs; d++)
        x->rowptr[d + 1] = x->rowptr[d] + c.row_len[d];
    size_t nnz = x->rowptr[n_docs];
    x->index = slant_alloc_array(nnz, sizeof *x->index);
    x->value = slant_alloc_array(nnz, sizeof *x->value);
    if (!x->index || !x->value)
        goto oom;
    slant_parallel_for(n_docs, threads, pass_e_fill, &c);
    if (c.failed)
        goto oom;
    if (cfg->hash_bits) { /* rows shrank where n-grams shared a bucket: close the gaps */
        size_t w = 0;
        for (size_t d = 0; d < n_docs; d++) {
            size_t from = x->rowptr[d];
            x->rowptr[d] = w;
            memmove(x->index + w, x->index + from, c.row_len[d] * sizeof *x->index);
            memmove(x->value + w, x->value + from, c.row_len[d] * sizeof *x->value);
            w += c.row_len[d];
        }
        x->rowptr[n_docs] = w;
    }
    goto out;
oom:
    st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory extracting features");
out:
    if (c.docs)
        for (size_t d = 0; d < n_docs; d++) {
            free(c.docs[d].hash);
            free(c.docs[d].count);
        }
    free(c.docs);
    free(c.row_len);
    count_table_free(&table);
    if (st) {
        slant_fitted_free(f);
        slant_csr_free(x);
        memset(x, 0, sizeof *x);
    }
    return st;
}
