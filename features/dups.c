/*
 * dups.c: near-duplicate documents (see slant.h): pairs whose sets of word
 * shingles have a Jaccard similarity at or above a threshold.
 *
 * 1. Each document, on the threads: its words (slant's tokenizer, without
 *    punctuation, case folded), shingles of k words hashed to 64 bits, the
 *    sorted distinct hashes (its set), a hash of the set, and unless exact,
 *    a MinHash signature cut into LSH bands, one 64-bit key per band.
 * 2. Documents with the same set (exact copies, or the same words in the
 *    same runs) become one group, found by sorting the set hashes and
 *    comparing the sets.  Only one member of each group, its first
 *    document, goes on: a thousand copies of one article cost what one does.
 * 3. The sketch, on the threads, a band at a time: the groups sorted by
 *    their key in the band; each pair of groups in a bucket whose first
 *    common band is this one is a candidate, compared exactly.  Exact mode
 *    compares every pair of groups instead.
 * 4. The pairs of groups, and the pairs inside each group (similarity 1),
 *    are spread over their documents, sorted, and joined into clusters.
 *
 * Memory: the sets (8 bytes a distinct shingle, kept in blocks of 8 MiB a
 * thread), the band keys (8 bytes a band a document), a band's sort (16
 * bytes a group, one a thread) and the pairs (16 bytes each).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "corpus.h"
#include "pipeline.h"

/* The default shingle, SLANT_DUPS_SHINGLE in slant.h, is 2 words, by
 * measurement (bench/dups_shingle.py, in bench/results/2026-12-01-dups.md).
 * Single words are a bag of words: they pair reorderings ("US sanctions
 * China" is "China sanctions US") and short templates, 6,658 pairs at 0.8
 * among state_media_headlines' 31,903 headlines against 424 with two words,
 * and they are the only size whose pairs are not all copies on sms_spam and
 * on the headlines.  Each word more costs the near-copies: a copy keeps
 * about q^k / (2 - q^k) of its similarity when a share q of its words stays,
 * and of imdb reviews with 5% of their words replaced, 67% are found at 0.8
 * with 2 words, 23% with 3, 10% with 4. */

#define NONE UINT32_MAX
#define BLOCK_WORDS ((size_t)1 << 20) /* 8 MiB of shingle hashes */

typedef struct kv {
    uint64_t key, val;
} kv;

struct slant_dups {
    size_t n_a, n_b;     /* n_b is 0 without B */
    int two;             /* 1 when B was given */
    kv *pairs;           /* key: doc_a << 32 | doc_b, both counted over A then B;
                          * val: the Jaccard similarity's bits */
    size_t n_pairs;
    uint32_t *cluster;   /* n_a + n_b: the cluster of each document, or NONE */
    uint32_t *cluster_size;
    size_t n_clusters;
    slant_dups_stats stats;
};

/* ---- Hashing ---------------------------------------------------------- */

/* splitmix64's finalizer: a bijection of 64-bit words that mixes every bit
 * into every other. */
static inline uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

#define SHINGLE_SEED 0x73686e676cULL /* "shngl" */
#define SET_SEED 0x736574ULL         /* "set" */
#define BAND_SEED 0x62616e64ULL      /* "band" */

/* The hash of the N words whose token hashes are T[0..N): a chain of
 * bijections, so that it does not depend on the byte order. */
static inline uint64_t shingle_hash(const uint64_t *t, uint32_t n)
{
    uint64_t h = SHINGLE_SEED ^ n;
    for (uint32_t j = 0; j < n; j++)
        h = mix64(h ^ t[j]);
    return h;
}

/* ---- Sorting ---------------------------------------------------------- */

static inline int u64_less(const uint64_t *x, const uint64_t *y)
{
    return *x < *y;
}

static inline int kv_less(const kv *x, const kv *y)
{
    return x->key < y->key || (x->key == y->key && x->val < y->val);
}

/* Introsorts of plain keys (qsort's call per comparison costs more than the
 * comparison): quicksort on the median of three (of three medians of three
 * past 128 elements), Hoare's partition, which splits runs of equal keys
 * evenly, and heapsort for a range that has split badly 2 log2(n) times,
 * so that no input (sorted pairs with a few small ones behind them, which
 * defeat the median of three, or a document made to) costs more than
 * n log n.  NAME(T *a, size_t n) sorts by LESS. */
#define DEFINE_SORT(NAME, T, LESS)                                                   \
    static void NAME##_sift(T *a, size_t root, size_t n)                             \
    {                                                                                \
        T v = a[root];                                                               \
        for (size_t child; (child = 2 * root + 1) < n; root = child) {               \
            if (child + 1 < n && LESS(&a[child], &a[child + 1]))                     \
                child++;                                                             \
            if (!LESS(&v, &a[child]))                                                \
                break;                                                               \
            a[root] = a[child];                                                      \
        }                                                                            \
        a[root] = v;                                                                 \
    }                                                                                \
    static const T *NAME##_median(const T *x, const T *y, const T *z)                \
    {                                                                                \
        if (LESS(x, y))                                                              \
            return LESS(y, z) ? y : (LESS(x, z) ? z : x);                            \
        return LESS(x, z) ? x : (LESS(y, z) ? z : y);                                \
    }                                                                                \
    static void NAME##_intro(T *a, size_t n, unsigned depth)                         \
    {                                                                                \
        while (n > 16) {                                                             \
            if (depth-- == 0) { /* heapsort */                                       \
                for (size_t i = n / 2; i-- > 0;)                                     \
                    NAME##_sift(a, i, n);                                            \
                for (size_t i = n - 1; i > 0; i--) {                                 \
                    T t = a[0];                                                      \
                    a[0] = a[i];                                                     \
                    a[i] = t;                                                        \
                    NAME##_sift(a, 0, i);                                            \
                }                                                                    \
                return;                                                              \
            }                                                                        \
            T p;                                                                     \
            if (n > 128) {                                                           \
                size_t e = n / 8;                                                    \
                p = *NAME##_median(NAME##_median(&a[0], &a[e], &a[2 * e]),           \
                                   NAME##_median(&a[3 * e], &a[n / 2], &a[5 * e]),   \
                                   NAME##_median(&a[6 * e], &a[7 * e], &a[n - 1]));  \
            } else {                                                                 \
                p = *NAME##_median(&a[0], &a[n / 2], &a[n - 1]);                     \
            }                                                                        \
            size_t i = 0, j = n - 1;                                                 \
            for (;;) {                                                               \
                while (LESS(&a[i], &p))                                              \
                    i++;                                                             \
                while (LESS(&p, &a[j]))                                              \
                    j--;                                                             \
                if (i >= j)                                                          \
                    break;                                                           \
                T t = a[i];                                                          \
                a[i++] = a[j];                                                       \
                a[j--] = t;                                                          \
            }                                                                        \
            /* [0, j] and [j + 1, n): the smaller by recursion, the larger here */   \
            size_t left = j + 1;                                                     \
            if (left < n - left) {                                                   \
                NAME##_intro(a, left, depth);                                        \
                a += left;                                                           \
                n -= left;                                                           \
            } else {                                                                 \
                NAME##_intro(a + left, n - left, depth);                             \
                n = left;                                                            \
            }                                                                        \
        }                                                                            \
        for (size_t i = 1; i < n; i++) {                                             \
            T v = a[i];                                                              \
            size_t j = i;                                                            \
            for (; j > 0 && LESS(&v, &a[j - 1]); j--)                                \
                a[j] = a[j - 1];                                                     \
            a[j] = v;                                                                \
        }                                                                            \
    }                                                                                \
    static void NAME(T *a, size_t n)                                                 \
    {                                                                                \
        unsigned depth = 0;                                                          \
        for (size_t m = n; m > 1; m >>= 1)                                           \
            depth += 2;                                                              \
        NAME##_intro(a, n, depth);                                                   \
    }

DEFINE_SORT(sort_u64, uint64_t, u64_less)
DEFINE_SORT(sort_kv, kv, kv_less) /* by key, then val */

/* ---- The banding ------------------------------------------------------ */

/* The probability that a pair of similarity T shares all ROWS values of at
 * least one of BANDS bands. */
static double candidate_probability(double t, uint32_t bands, uint32_t rows)
{
    return 1 - pow(1 - pow(t, rows), bands);
}

/* Rows and bands for threshold T, out of SLANT_DUPS_HASHES values: the
 * most rows for which a pair at the threshold becomes a candidate with
 * probability 0.99 or more, with as many bands as then fit.  More rows
 * make the curve steeper, and so fewer candidates below the threshold to
 * compare for nothing.  At 0.8: 6 rows x 21 bands (0.998 at 0.8; 0.28 at
 * 0.5, 0.015 at 0.3); at 0.9: 10 x 12 (0.994); at 0.5: 3 x 42 (0.996).
 * Below 0.036 no choice reaches 0.99: 1 x 128 then, the best there is. */
static void choose_bands(double t, uint32_t *bands, uint32_t *rows)
{
    for (uint32_t r = SLANT_DUPS_HASHES; r >= 1; r--) {
        uint32_t b = SLANT_DUPS_HASHES / r;
        if (candidate_probability(t, b, r) >= 0.99 || r == 1) {
            *bands = b;
            *rows = r;
            return;
        }
    }
}

/* ---- Step 1: the sets and sketches of the documents ------------------- */

typedef struct block {
    uint64_t *h;
    size_t used, cap;
    struct block *next;
} block;

typedef struct shared {
    const slant_corpus *a, *b;
    size_t n_a;
    uint32_t shingle, bands, rows;
    const uint64_t *mul, *add; /* bands x rows MinHash functions: mul * x + add */
    /* Per document (outputs): */
    const uint64_t **set;      /* its set, in a block of its worker */
    uint32_t *len;             /* its distinct shingles */
    uint64_t *set_hash;
    uint64_t *keys;            /* bands per document */
} shared;

typedef struct worker {
    shared *s;
    block *first, *last;
    slant_tokens tok;
    uint64_t *scratch;
    size_t scratch_cap;
    uint64_t *sig;
    int failed;                /* memory ran out */
    /* Step 3 */
    kv *entries;
    kv *found;                 /* group pairs: key g1 << 32 | g2, val the similarity's bits */
    size_t n_found, found_cap;
    uint64_t candidates;
} worker;

/* Room for N more hashes in the worker's last block; NULL when memory runs
 * out.  A set never straddles two blocks, and blocks never move. */
static uint64_t *block_room(worker *w, size_t n)
{
    if (w->last && w->last->cap - w->last->used >= n)
        return w->last->h + w->last->used;
    size_t cap = n > BLOCK_WORDS ? n : BLOCK_WORDS;
    block *b = calloc(1, sizeof *b);
    if (!b || !(b->h = slant_alloc_array(cap, sizeof *b->h))) {
        free(b);
        return NULL;
    }
    b->cap = cap;
    if (w->last)
        w->last->next = b;
    else
        w->first = b;
    w->last = b;
    return b->h;
}

static const char *doc_text(const shared *s, size_t doc, size_t *len)
{
    return doc < s->n_a ? slant_corpus_text(s->a, doc, len)
                        : slant_corpus_text(s->b, doc - s->n_a, len);
}

/* The set, set hash and band keys of document DOC. */
static int doc_sketch(worker *w, size_t doc)
{
    shared *s = w->s;
    size_t len;
    const char *text = doc_text(s, doc, &len);
    if (slant_tokenize_with(text, len, SLANT_HASH_SEED, 0, &w->tok))
        return -1;
    size_t n = w->tok.n;
    s->len[doc] = 0;
    if (n == 0)
        return 0;
    uint32_t k = n >= s->shingle ? s->shingle : (uint32_t)n;
    size_t m = n - k + 1;
    if (slant_grow((void **)&w->scratch, &w->scratch_cap, m, sizeof *w->scratch))
        return -1;
    for (size_t i = 0; i < m; i++)
        w->scratch[i] = shingle_hash(w->tok.hash + i, k);
    sort_u64(w->scratch, m);
    size_t d = 1;
    for (size_t i = 1; i < m; i++)
        if (w->scratch[i] != w->scratch[d - 1])
            w->scratch[d++] = w->scratch[i];
    uint64_t *dst = block_room(w, d);
    if (!dst)
        return -1;
    memcpy(dst, w->scratch, d * sizeof *dst);
    s->set[doc] = dst;
    w->last->used += d;
    s->len[doc] = (uint32_t)d;
    s->set_hash[doc] = slant_hash64(dst, d * sizeof *dst, SET_SEED);
    if (!s->bands)
        return 0;
    /* MinHash: for each function, the least value over the set.  The
     * shingle hashes are already uniform, so one multiply and add per
     * function (odd multipliers: bijections) orders them afresh. */
    size_t nh = (size_t)s->bands * s->rows;
    for (size_t f = 0; f < nh; f++) {
        /* one function at a time, its minimum in registers: four of them,
         * so that each comparison does not wait for the one before */
        uint64_t mul = s->mul[f], add = s->add[f];
        uint64_t m0 = UINT64_MAX, m1 = UINT64_MAX, m2 = UINT64_MAX, m3 = UINT64_MAX;
        size_t i = 0;
        for (; i + 4 <= d; i += 4) {
            uint64_t v0 = mul * dst[i] + add, v1 = mul * dst[i + 1] + add;
            uint64_t v2 = mul * dst[i + 2] + add, v3 = mul * dst[i + 3] + add;
            m0 = v0 < m0 ? v0 : m0;
            m1 = v1 < m1 ? v1 : m1;
            m2 = v2 < m2 ? v2 : m2;
            m3 = v3 < m3 ? v3 : m3;
        }
        for (; i < d; i++) {
            uint64_t v = mul * dst[i] + add;
            m0 = v < m0 ? v : m0;
        }
        m0 = m1 < m0 ? m1 : m0;
        m2 = m3 < m2 ? m3 : m2;
        w->sig[f] = m2 < m0 ? m2 : m0;
    }
    for (uint32_t band = 0; band < s->bands; band++) {
        uint64_t h = mix64(BAND_SEED ^ ((uint64_t)band << 32));
        for (uint32_t r = 0; r < s->rows; r++)
            h = mix64(h ^ w->sig[(size_t)band * s->rows + r]);
        s->keys[doc * s->bands + band] = h;
    }
    return 0;
}

static void sketch_range(void *ctx, size_t begin, size_t end, uint32_t worker_id)
{
    worker *w = (worker *)ctx + worker_id;
    for (size_t doc = begin; doc < end; doc++)
        if (doc_sketch(w, doc)) {
            w->failed = 1;
            return;
        }
}

/* ---- Step 3: candidates and their exact similarity -------------------- */

typedef struct groups {
    size_t n;            /* groups */
    uint32_t *first;     /* n: the group's first document (its representative) */
    uint32_t *ofs;       /* n + 1: members[ofs[g] .. ofs[g + 1]) */
    uint32_t *members;   /* documents, by group then document */
    unsigned char *side; /* n: 1 when a member is in A, 2 when one is in B */
} groups;

typedef struct search {
    shared *s;
    groups *g;
    worker *w;
    int two;
    double t;
} search;

/* Shingles the sorted sets X and Y have in common. */
static uint32_t common_count(const uint64_t *x, uint32_t nx, const uint64_t *y, uint32_t ny)
{
    uint32_t i = 0, j = 0, c = 0;
    while (i < nx && j < ny) {
        if (x[i] < y[j])
            i++;
        else if (x[i] > y[j])
            j++;
        else {
            c++;
            i++;
            j++;
        }
    }
    return c;
}

/* Whether groups G1 and G2 hold a pair the search reports: with B, one
 * document of A and one of B. */
static int eligible(const search *q, uint32_t g1, uint32_t g2)
{
    if (!q->two)
        return 1;
    unsigned char s1 = q->g->side[g1], s2 = q->g->side[g2];
    return ((s1 & 1) && (s2 & 2)) || ((s1 & 2) && (s2 & 1));
}

/* Compares groups G1 < G2 exactly and records them when similar enough;
 * -1 when memory runs out. */
static int verify(const search *q, worker *w, uint32_t g1, uint32_t g2)
{
    const shared *s = q->s;
    uint32_t d1 = q->g->first[g1], d2 = q->g->first[g2];
    uint32_t n1 = s->len[d1], n2 = s->len[d2];
    /* |X & Y| / |X | Y| <= min / max: most pairs stop here in exact mode.
     * A quotient rounded as j's below is, so that no pair j would keep
     * stops here. */
    if ((double)(n1 < n2 ? n1 : n2) / (double)(n1 < n2 ? n2 : n1) < q->t)
        return 0;
    w->candidates++;
    uint32_t c = common_count(s->set[d1], n1, s->set[d2], n2);
    double j = (double)c / ((double)n1 + (double)n2 - (double)c);
    if (!(j >= q->t))
        return 0;
    if (slant_grow((void **)&w->found, &w->found_cap, w->n_found + 1, sizeof *w->found))
        return -1;
    kv *f = &w->found[w->n_found++];
    f->key = (uint64_t)g1 << 32 | g2;
    memcpy(&f->val, &j, sizeof j);
    return 0;
}

/* Bands [begin, end): each bucket's pairs, each counted by the first band
 * they share only.  A bucket of m groups costs m(m-1)/2 comparisons of keys
 * and, for the pairs first met here, an exact comparison each.  Exact
 * copies, which would fill buckets, are one group each already, and a pair
 * is compared once however many bands it shares; what a bucket can still
 * cost beyond the output is its pairs below the threshold, as many
 * distinct fillings of one short template would make. */
static void band_range(void *ctx, size_t begin, size_t end, uint32_t worker_id)
{
    search *q = ctx;
    worker *w = q->w + worker_id;
    const shared *s = q->s;
    size_t ng = q->g->n;
    for (size_t band = begin; band < end && !w->failed; band++) {
        for (size_t g = 0; g < ng; g++) {
            w->entries[g].key = s->keys[(size_t)q->g->first[g] * s->bands + band];
            w->entries[g].val = g;
        }
        sort_kv(w->entries, ng);
        for (size_t lo = 0, hi; lo < ng; lo = hi) {
            for (hi = lo + 1; hi < ng && w->entries[hi].key == w->entries[lo].key; hi++)
                ;
            for (size_t x = lo; x < hi; x++)
                for (size_t y = x + 1; y < hi; y++) {
                    uint32_t g1 = (uint32_t)w->entries[x].val, g2 = (uint32_t)w->entries[y].val;
                    if (!eligible(q, g1, g2))
                        continue;
                    const uint64_t *k1 = s->keys + (size_t)q->g->first[g1] * s->bands;
                    const uint64_t *k2 = s->keys + (size_t)q->g->first[g2] * s->bands;
                    size_t earlier = 0;
                    while (earlier < band && k1[earlier] != k2[earlier])
                        earlier++;
                    if (earlier < band)
                        continue; /* met in an earlier band */
                    if (verify(q, w, g1, g2)) {
                        w->failed = 1;
                        return;
                    }
                }
        }
    }
}

/* Exact mode: item I compares group I, and group n - 1 - I, with every
 * later group, so that the items cost about the same. */
static void exact_range(void *ctx, size_t begin, size_t end, uint32_t worker_id)
{
    search *q = ctx;
    worker *w = q->w + worker_id;
    size_t ng = q->g->n;
    for (size_t i = begin; i < end && !w->failed; i++) {
        size_t rows[2] = {i, ng - 1 - i};
        for (int r = 0; r < (rows[0] == rows[1] ? 1 : 2); r++)
            for (size_t g2 = rows[r] + 1; g2 < ng; g2++)
                if (eligible(q, (uint32_t)rows[r], (uint32_t)g2)
                    && verify(q, w, (uint32_t)rows[r], (uint32_t)g2)) {
                    w->failed = 1;
                    return;
                }
    }
}

/* ---- Step 2: exact copies --------------------------------------------- */

/* Groups the documents with words by their sets: members of a group have
 * equal sets.  Groups are numbered in order of their first document. */
static slant_status find_groups(const shared *s, size_t n, groups *g, slant_error *err)
{
    size_t with_words = 0;
    for (size_t d = 0; d < n; d++)
        with_words += s->len[d] > 0;
    kv *by_hash = slant_alloc_array(with_words ? with_words : 1, sizeof *by_hash);
    uint32_t *rep = slant_alloc_array(n ? n : 1, sizeof *rep);
    uint32_t *gof = slant_alloc_array(n ? n : 1, sizeof *gof);
    if (!by_hash || !rep || !gof) {
        free(by_hash);
        free(rep);
        free(gof);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory grouping the documents");
    }
    size_t k = 0;
    for (size_t d = 0; d < n; d++) {
        rep[d] = NONE;
        if (s->len[d])
            by_hash[k++] = (kv){s->set_hash[d], d};
    }
    sort_kv(by_hash, k);
    /* In a run of equal hashes, each document joins the first earlier one
     * with an equal set (a run of distinct sets is a 64-bit collision). */
    for (size_t lo = 0, hi; lo < k; lo = hi) {
        for (hi = lo + 1; hi < k && by_hash[hi].key == by_hash[lo].key; hi++)
            ;
        for (size_t x = lo; x < hi; x++) {
            uint32_t d = (uint32_t)by_hash[x].val;
            rep[d] = d;
            for (size_t y = lo; y < x; y++) {
                uint32_t e = (uint32_t)by_hash[y].val;
                if (rep[e] == e && s->len[e] == s->len[d]
                    && !memcmp(s->set[e], s->set[d], s->len[d] * sizeof *s->set[d])) {
                    rep[d] = e;
                    break;
                }
            }
        }
    }
    free(by_hash);
    size_t ng = 0;
    for (size_t d = 0; d < n; d++)
        if (rep[d] == d)
            gof[d] = (uint32_t)ng++;
    g->n = ng;
    g->first = slant_alloc_array(ng ? ng : 1, sizeof *g->first);
    g->ofs = slant_calloc_array(ng + 1, sizeof *g->ofs);
    g->members = slant_alloc_array(with_words ? with_words : 1, sizeof *g->members);
    g->side = slant_calloc_array(ng ? ng : 1, sizeof *g->side);
    if (!g->first || !g->ofs || !g->members || !g->side) {
        free(rep);
        free(gof);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory grouping the documents");
    }
    for (size_t d = 0; d < n; d++)
        if (rep[d] != NONE) {
            uint32_t gi = gof[rep[d]];
            g->ofs[gi + 1]++;
            g->side[gi] |= d < s->n_a ? 1 : 2;
            if (rep[d] == d)
                g->first[gi] = (uint32_t)d;
        }
    for (size_t i = 0; i < ng; i++)
        g->ofs[i + 1] += g->ofs[i];
    /* Documents in increasing order land in increasing order per group. */
    uint32_t *next = slant_alloc_array(ng ? ng : 1, sizeof *next);
    if (!next) {
        free(rep);
        free(gof);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory grouping the documents");
    }
    memcpy(next, g->ofs, ng * sizeof *next);
    for (size_t d = 0; d < n; d++)
        if (rep[d] != NONE)
            g->members[next[gof[rep[d]]]++] = (uint32_t)d;
    free(next);
    free(rep);
    free(gof);
    return SLANT_STATUS_OK;
}

static void groups_free(groups *g)
{
    free(g->first);
    free(g->ofs);
    free(g->members);
    free(g->side);
}

/* ---- Step 4: the pairs of documents, and clusters ---------------------- */

static uint32_t uf_find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/* Appends the pairs of documents of groups G1 and G2 (or of G1 alone when
 * G1 == G2) with similarity J to D->pairs, or counts them when D->pairs is
 * NULL. */
static void spread(slant_dups *d, const groups *g, uint32_t g1, uint32_t g2, double j)
{
    kv pair;
    memcpy(&pair.val, &j, sizeof j);
    for (uint32_t x = g->ofs[g1]; x < g->ofs[g1 + 1]; x++)
        for (uint32_t y = g1 == g2 ? x + 1 : g->ofs[g2]; y < g->ofs[g2 + 1]; y++) {
            uint32_t m1 = g->members[x], m2 = g->members[y];
            if (d->two && (m1 < d->n_a) == (m2 < d->n_a))
                continue;
            uint32_t lo = m1 < m2 ? m1 : m2, hi = m1 < m2 ? m2 : m1;
            if (d->pairs) {
                pair.key = (uint64_t)lo << 32 | hi;
                d->pairs[d->n_pairs] = pair;
            }
            d->n_pairs++;
        }
}

static slant_status collect(slant_dups *d, const groups *g, const kv *found, size_t n_found,
                            slant_error *err)
{
    /* Counted first, then written: the pairs are the output, and nothing
     * is held twice. */
    for (int pass = 0; pass < 2; pass++) {
        if (pass) {
            d->pairs = slant_alloc_array(d->n_pairs ? d->n_pairs : 1, sizeof *d->pairs);
            if (!d->pairs)
                return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory: %zu pairs",
                                  d->n_pairs);
            d->n_pairs = 0;
        }
        for (size_t i = 0; i < g->n; i++)
            if (g->ofs[i + 1] - g->ofs[i] > 1)
                spread(d, g, (uint32_t)i, (uint32_t)i, 1.0);
        for (size_t i = 0; i < n_found; i++) {
            double j;
            memcpy(&j, &found[i].val, sizeof j);
            spread(d, g, (uint32_t)(found[i].key >> 32), (uint32_t)found[i].key, j);
        }
    }
    sort_kv(d->pairs, d->n_pairs);

    size_t n = d->n_a + d->n_b;
    uint32_t *parent = slant_alloc_array(n ? n : 1, sizeof *parent);
    d->cluster = slant_alloc_array(n ? n : 1, sizeof *d->cluster);
    if (!parent || !d->cluster) {
        free(parent);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory joining the clusters");
    }
    for (size_t i = 0; i < n; i++) {
        parent[i] = (uint32_t)i;
        d->cluster[i] = NONE;
    }
    for (size_t i = 0; i < d->n_pairs; i++) {
        uint32_t x = uf_find(parent, (uint32_t)(d->pairs[i].key >> 32));
        uint32_t y = uf_find(parent, (uint32_t)d->pairs[i].key);
        if (x != y)
            parent[x > y ? x : y] = x < y ? x : y; /* the root is the first document */
        d->cluster[d->pairs[i].key >> 32] = 0;  /* marks: in a pair */
        d->cluster[(uint32_t)d->pairs[i].key] = 0;
    }
    size_t nc = 0, in = 0;
    for (size_t i = 0; i < n; i++)
        if (d->cluster[i] == 0) {
            uint32_t r = uf_find(parent, (uint32_t)i);
            /* the root comes first, so its number is known by the time its
             * members come */
            d->cluster[i] = r == i ? (uint32_t)nc++ : d->cluster[r];
            in++;
        }
    free(parent);
    d->n_clusters = nc;
    d->cluster_size = slant_calloc_array(nc ? nc : 1, sizeof *d->cluster_size);
    if (!d->cluster_size)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory joining the clusters");
    for (size_t i = 0; i < n; i++)
        if (d->cluster[i] != NONE)
            d->cluster_size[d->cluster[i]]++;
    d->stats.in_clusters = in;
    return SLANT_STATUS_OK;
}

/* ---- The public calls --------------------------------------------------- */

void slant_dups_options_init(slant_dups_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->threshold = SLANT_DUPS_THRESHOLD;
    opt->shingle = SLANT_DUPS_SHINGLE;
    opt->seed = 1;
}

static const char *corpus_name(const slant_corpus *c)
{
    return c->source ? c->source : "<memory>";
}

static slant_status check_input(const slant_corpus *a, const slant_corpus *b,
                                const slant_dups_options *opt, slant_dups **out,
                                slant_error *err)
{
    if (!out)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "dups: no place for the result");
    if (!a)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "dups: no corpus");
    double t = opt->threshold == 0 ? SLANT_DUPS_THRESHOLD : opt->threshold;
    if (!(t > 0 && t <= 1))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "threshold %g is not a Jaccard similarity in (0, 1]", opt->threshold);
    if (opt->shingle > SLANT_DUPS_MAX_SHINGLE)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "shingle %u is out of range (1 to %d words)", opt->shingle,
                          SLANT_DUPS_MAX_SHINGLE);
    if (opt->exact != 0 && opt->exact != 1)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "exact is %d, not 0 or 1", opt->exact);
    for (int i = 0; i < 2; i++) {
        const slant_corpus *c = i ? b : a;
        if (c && c->vectors)
            return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                              "%s: the corpus holds LIBSVM vectors, not text: near-duplicates "
                              "are found among texts", corpus_name(c));
    }
    size_t n = a->n_docs + (b ? b->n_docs : 0);
    if (n >= NONE)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                          "dups: %zu documents; at most %u are compared", n, NONE - 1);
    return SLANT_STATUS_OK;
}

static void blocks_free(worker *w)
{
    for (block *b = w->first, *next; b; b = next) {
        next = b->next;
        free(b->h);
        free(b);
    }
    w->first = w->last = NULL;
}

slant_status slant_dups_find(const slant_corpus *a, const slant_corpus *b,
                             const slant_dups_options *opt, slant_dups **out, slant_error *err)
{
    slant_dups_options defaults;
    if (!opt) {
        slant_dups_options_init(&defaults);
        opt = &defaults;
    }
    if (out)
        *out = NULL;
    slant_status st = check_input(a, b, opt, out, err);
    if (st)
        return st;

    slant_dups *d = calloc(1, sizeof *d);
    if (!d)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    d->n_a = a->n_docs;
    d->n_b = b ? b->n_docs : 0;
    d->two = b != NULL;
    size_t n = d->n_a + d->n_b;
    slant_dups_stats *stats = &d->stats;
    stats->documents = n;
    stats->threshold = opt->threshold == 0 ? SLANT_DUPS_THRESHOLD : opt->threshold;
    stats->shingle = opt->shingle ? opt->shingle : SLANT_DUPS_SHINGLE;
    stats->exact = opt->exact;
    stats->recall_at_threshold = 1;
    if (!opt->exact) {
        choose_bands(stats->threshold, &stats->bands, &stats->rows);
        stats->recall_at_threshold =
            candidate_probability(stats->threshold, stats->bands, stats->rows);
        if (stats->recall_at_threshold < 0.99)
            slant_warn("dups: at threshold %g the sketch finds a pair at the threshold with "
                       "probability %.3f only; --exact compares every pair",
                       stats->threshold, stats->recall_at_threshold);
    }

    shared s = {.a = a, .b = b, .n_a = d->n_a, .shingle = stats->shingle,
                .bands = stats->bands, .rows = stats->rows};
    size_t nh = (size_t)s.bands * s.rows;
    uint64_t *fns = slant_alloc_array(2 * (nh ? nh : 1), sizeof *fns);
    s.len = slant_alloc_array(n ? n : 1, sizeof *s.len);
    s.set_hash = slant_alloc_array(n ? n : 1, sizeof *s.set_hash);
    s.keys = slant_alloc_array(nh ? n * s.bands + 1 : 1, sizeof *s.keys);
    s.set = slant_calloc_array(n ? n : 1, sizeof *s.set);
    /* Each step takes as many of these as it has work for. */
    uint32_t threads = slant_threads_for(opt->threads, SIZE_MAX);
    worker *w = slant_calloc_array(threads, sizeof *w);
    groups g = {0};
    kv *found = NULL;
    size_t n_found = 0;
    if (!fns || !s.len || !s.set_hash || !s.keys || !s.set || !w) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory for %zu documents", n);
        goto done;
    }
    /* The MinHash functions, from the seed: odd multipliers. */
    uint64_t state = opt->seed ? opt->seed : 1;
    for (size_t f = 0; f < nh; f++) {
        fns[f] = slant_splitmix64(&state) | 1;
        fns[nh + f] = slant_splitmix64(&state);
    }
    s.mul = fns;
    s.add = fns + nh;
    for (uint32_t t = 0; t < threads; t++) {
        w[t].s = &s;
        if (nh && !(w[t].sig = slant_alloc_array(nh, sizeof *w[t].sig))) {
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
            goto done;
        }
    }
    slant_log("dups: %zu documents, shingles of %u words, %s", n, s.shingle,
              opt->exact ? "every pair compared" : "MinHash and LSH");
    if (!opt->exact)
        slant_log("dups: %u bands x %u rows: a pair at %g is a candidate with probability %.4f",
                  s.bands, s.rows, stats->threshold, stats->recall_at_threshold);
    slant_parallel_for(n, slant_threads_for(opt->threads, n), sketch_range, w);
    for (uint32_t t = 0; t < threads; t++) {
        if (w[t].failed) {
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory reading the shingles");
            goto done;
        }
        slant_tokens_free(&w[t].tok);
        free(w[t].scratch);
        w[t].scratch = NULL;
    }
    for (size_t doc = 0; doc < n; doc++) {
        stats->empty += s.len[doc] == 0;
        stats->shingles += s.len[doc];
    }

    if ((st = find_groups(&s, n, &g, err)))
        goto done;
    stats->distinct = g.n;

    search q = {.s = &s, .g = &g, .w = w, .two = d->two, .t = stats->threshold};
    if (opt->exact) {
        slant_parallel_for((g.n + 1) / 2, slant_threads_for(opt->threads, (g.n + 1) / 2),
                           exact_range, &q);
    } else if (g.n > 1) {
        uint32_t bt = slant_threads_for(opt->threads, s.bands);
        for (uint32_t t = 0; t < bt; t++)
            if (!(w[t].entries = slant_alloc_array(g.n, sizeof *w[t].entries))) {
                st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory for the bands");
                goto done;
            }
        slant_parallel_for(s.bands, bt, band_range, &q);
    }
    for (uint32_t t = 0; t < threads; t++) {
        if (w[t].failed) {
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory for the pairs");
            goto done;
        }
        stats->candidates += w[t].candidates;
        n_found += w[t].n_found;
        free(w[t].entries);
        w[t].entries = NULL;
    }
    found = slant_alloc_array(n_found ? n_found : 1, sizeof *found);
    if (!found) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory for the pairs");
        goto done;
    }
    n_found = 0;
    for (uint32_t t = 0; t < threads; t++) {
        if (w[t].n_found) /* memcpy from NULL is undefined, even of nothing */
            memcpy(found + n_found, w[t].found, w[t].n_found * sizeof *found);
        n_found += w[t].n_found;
        free(w[t].found);
        w[t].found = NULL;
    }
    /* The sets are no longer needed: their memory goes before the pairs'
     * comes. */
    for (uint32_t t = 0; t < threads; t++)
        blocks_free(&w[t]);
    st = collect(d, &g, found, n_found, err);
    if (!st)
        slant_log("dups: %zu empty, %zu distinct sets, %llu candidates compared, %zu pairs, "
                  "%zu clusters", stats->empty, stats->distinct,
                  (unsigned long long)stats->candidates, d->n_pairs, d->n_clusters);

done:
    if (w)
        for (uint32_t t = 0; t < threads; t++) {
            blocks_free(&w[t]);
            slant_tokens_free(&w[t].tok);
            free(w[t].scratch);
            free(w[t].sig);
            free(w[t].entries);
            free(w[t].found);
        }
    free(w);
    free(found);
    groups_free(&g);
    free(fns);
    free(s.len);
    free(s.set_hash);
    free(s.keys);
    free(s.set);
    if (st) {
        slant_dups_free(d);
        return st;
    }
    *out = d;
    return SLANT_STATUS_OK;
}

void slant_dups_free(slant_dups *d)
{
    if (!d)
        return;
    free(d->pairs);
    free(d->cluster);
    free(d->cluster_size);
    free(d);
}

size_t slant_dups_pairs(const slant_dups *d)
{
    return d ? d->n_pairs : 0;
}

void slant_dups_pair(const slant_dups *d, size_t i, size_t *doc_a, size_t *doc_b,
                     double *jaccard)
{
    const kv *p = &d->pairs[i];
    size_t x = (size_t)(p->key >> 32), y = (size_t)(uint32_t)p->key;
    if (doc_a)
        *doc_a = x;
    if (doc_b)
        *doc_b = d->two ? y - d->n_a : y;
    if (jaccard)
        memcpy(jaccard, &p->val, sizeof *jaccard);
}

size_t slant_dups_clusters(const slant_dups *d)
{
    return d ? d->n_clusters : 0;
}

size_t slant_dups_cluster_of(const slant_dups *d, size_t doc)
{
    if (!d || doc >= d->n_a + d->n_b || d->cluster[doc] == NONE)
        return SIZE_MAX;
    return d->cluster[doc];
}

size_t slant_dups_cluster_size(const slant_dups *d, size_t c)
{
    return d && c < d->n_clusters ? d->cluster_size[c] : 0;
}

void slant_dups_stats_of(const slant_dups *d, slant_dups_stats *out)
{
    if (d)
        *out = d->stats;
    else
        memset(out, 0, sizeof *out);
}
