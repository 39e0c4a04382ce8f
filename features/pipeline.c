/*
 * pipeline.c: n-gram hashing, the vocabulary, tf-idf weighting and the
 * fitting of a pipeline on a training corpus (see pipeline.h).
 *
 * Fitting reads the documents in passes and keeps nothing per document
 * but the final matrix, so its memory is the vocabulary's and the
 * matrix's, not the corpus's n-grams':
 *   1. candidates: every n-gram seen twice (within a document, or in a
 *      filter of one bit per hash that a first sighting sets) goes into a
 *      table.  The filter may let some n-grams seen once through, never
 *      hold one seen twice back.
 *   2. exact counts and document frequencies of the candidates;
 *   3. the vocabulary: candidates counted at least min_count times,
 *      numbered by falling count, ties by hash;
 *   4. the kept n-grams' texts, from the first documents holding them;
 *   5. each document's row: its length, then its values.
 * Hashed mode skips 1 to 4 but for the document frequencies.  Each pass
 * splits documents over threads; its result does not depend on how, so
 * the model does not depend on the thread count.
 */
#include <float.h>
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

static int push_hash(uint64_t **out, size_t *cap, uint64_t **origins, size_t *origins_cap,
                     size_t *n, uint64_t h, uint64_t origin)
{
    if (slant_grow((void **)out, cap, *n + 1, sizeof **out)
        || (origins && slant_grow((void **)origins, origins_cap, *n + 1, sizeof **origins)))
        return -1;
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
 * about half the output bits.  Word n-grams combine their tokens' hashes
 * with it, which is much cheaper than hashing bytes again. */
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
                       size_t *cap, uint64_t **origins, size_t *origins_cap, size_t *n)
{
    size_t total = 0;
    for (uint32_t k = cfg->word_min; k > 0 && k <= cfg->word_max; k++)
        total += t->n >= k ? t->n - k + 1 : 0;
    if (total > 0) { /* else nothing to add, and *out may still be NULL */
        if (slant_grow((void **)out, cap, *n + total, sizeof **out)
            || (origins && slant_grow((void **)origins, origins_cap, *n + total, sizeof **origins)))
            return -1;
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
        char padded[4 * MAX_CHAR_CP + 2 + SLANT_HASH_SLACK];
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
                    uint64_t h = slant_text_hash(padded + pos[j], pos[j + k] - pos[j],
                                                 (cfg->seed ^ CHAR_SEED_SALT) + k);
                    if (push_hash(out, cap, origins, origins_cap, n, h, char_origin(i, j, k)))
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
            if (r < 0 || (size_t)r >= size - w) { /* cut to fit: never inside a character */
                buf[slant_utf8_cut(buf, strlen(buf))] = '\0';
                return;
            }
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

/* ---- Lookup ------------------------------------------------------------ */

/* The slot of HASH in a table of CAP slots: its own, or the free one that
 * ends its probe. */
static inline const slant_vocab_slot *probe(const slant_vocab_slot *table, uint64_t cap,
                                            uint64_t hash)
{
    uint64_t mask = cap - 1;
    for (uint64_t s = hash & mask;; s = (s + 1) & mask) {
        const slant_vocab_slot *v = &table[s];
        if (v->id == SLANT_VOCAB_EMPTY || v->key == hash)
            return v;
    }
}

static inline uint32_t hashed_id(const slant_pipeline *p, uint64_t hash)
{
    return (uint32_t)(hash & (((uint64_t)1 << p->cfg.hash_bits) - 1));
}

uint32_t slant_pipeline_lookup(const slant_pipeline *p, uint64_t hash, float *idf)
{
    if (p->cfg.hash_bits) {
        uint32_t id = hashed_id(p, hash);
        *idf = p->idf ? p->idf[id] : 1.0f;
        return id;
    }
    *idf = 1.0f;
    if (!p->hot_cap)
        return SLANT_VOCAB_EMPTY;
    const slant_vocab_slot *v = probe(p->hot, p->hot_cap, hash);
    if (v->id == SLANT_VOCAB_EMPTY)
        v = probe(p->vocab, p->vocab_cap, hash);
    if (v->id != SLANT_VOCAB_EMPTY)
        *idf = v->idf;
    return v->id;
}

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif
#define PREFETCH_AHEAD 12

/* Feature indices and idf of s->dhash[0 .. n_distinct), into s->did and
 * s->didf.  The hot table is probed first, the main table only for what
 * it did not hold; each table's slots are prefetched a few n-grams ahead,
 * so several cache misses are in flight at once. */
static void lookup_distinct(const slant_pipeline *p, slant_vec_scratch *s)
{
    size_t d = s->n_distinct;
    const uint64_t *h = s->dhash;
    if (p->cfg.hash_bits) {
        for (size_t k = 0; k < d; k++) {
            s->did[k] = hashed_id(p, h[k]);
            s->didf[k] = p->idf ? p->idf[s->did[k]] : 1.0f;
        }
        return;
    }
    if (!p->hot_cap) {
        for (size_t k = 0; k < d; k++)
            s->did[k] = SLANT_VOCAB_EMPTY;
        return;
    }
    uint64_t hmask = p->hot_cap - 1, vmask = p->vocab_cap - 1;
    size_t n_pending = 0;
    for (size_t k = 0; k < d; k++) {
        if (k + PREFETCH_AHEAD < d)
            PREFETCH(&p->hot[h[k + PREFETCH_AHEAD] & hmask]);
        const slant_vocab_slot *v = probe(p->hot, p->hot_cap, h[k]);
        s->did[k] = v->id;
        s->didf[k] = v->idf;
        if (v->id == SLANT_VOCAB_EMPTY)
            s->pending[n_pending++] = (uint32_t)k;
    }
    for (size_t j = 0; j < n_pending && j < PREFETCH_AHEAD; j++)
        PREFETCH(&p->vocab[h[s->pending[j]] & vmask]);
    for (size_t j = 0; j < n_pending; j++) {
        if (j + PREFETCH_AHEAD < n_pending)
            PREFETCH(&p->vocab[h[s->pending[j + PREFETCH_AHEAD]] & vmask]);
        size_t k = s->pending[j];
        const slant_vocab_slot *v = probe(p->vocab, p->vocab_cap, h[k]);
        s->did[k] = v->id;
        s->didf[k] = v->idf;
    }
}

/* ---- One document ------------------------------------------------------ */

void slant_vec_scratch_free(slant_vec_scratch *s)
{
    if (!s)
        return;
    slant_tokens_free(&s->tokens);
    free(s->hashes);
    free(s->origins);
    free(s->dhash);
    free(s->dcount);
    free(s->dslot);
    free(s->dfirst);
    free(s->did);
    free(s->didf);
    free(s->pending);
    free(s->set_key);
    free(s->set_count);
    free(s->sort_buf);
    memset(s, 0, sizeof *s);
}

/* Makes the per-n-gram arrays hold N entries. */
static int distinct_reserve(slant_vec_scratch *s, size_t n)
{
    if (n <= s->d_cap)
        return 0;
    /* Each array grows from the same capacity to the same one; an array
     * grown before a later one failed is merely larger than d_cap. */
    size_t cap = 0;
#define GROW(a)                                                               \
    do {                                                                      \
        size_t c_ = s->d_cap;                                                 \
        if (slant_grow((void **)&s->a, &c_, n < 256 ? 256 : n, sizeof *s->a)) \
            return -1;                                                        \
        cap = c_;                                                             \
    } while (0)
    GROW(dhash);
    GROW(dcount);
    GROW(dslot);
    GROW(dfirst);
    GROW(did);
    GROW(didf);
    GROW(pending);
#undef GROW
    s->d_cap = cap;
    return 0;
}

/* A set of CAP free slots in place of the old one, which must be free. */
static int set_resize(slant_vec_scratch *s, size_t cap)
{
    uint64_t *key = slant_alloc_array(cap, sizeof *key);
    uint32_t *count = slant_calloc_array(cap, sizeof *count);
    if (!key || !count) {
        free(key);
        free(count);
        return -1;
    }
    free(s->set_key);
    free(s->set_count);
    s->set_key = key;
    s->set_count = count;
    s->set_cap = cap;
    return 0;
}

/* Moves the d distinct n-grams so far into a set twice the size. */
static int set_grow(slant_vec_scratch *s, size_t d)
{
    if (s->set_cap > SIZE_MAX / 2 || s->set_cap * 2 > UINT32_MAX)
        return -1;
    for (size_t i = 0; i < d; i++)
        s->dcount[i] = s->set_count[s->dslot[i]];
    if (set_resize(s, s->set_cap * 2))
        return -1;
    size_t mask = s->set_cap - 1;
    for (size_t i = 0; i < d; i++) {
        size_t slot = (size_t)(s->dhash[i] >> 20) & mask;
        while (s->set_count[slot])
            slot = (slot + 1) & mask;
        s->set_key[slot] = s->dhash[i];
        s->set_count[slot] = s->dcount[i];
        s->dslot[i] = (uint32_t)slot;
    }
    return 0;
}

int slant_distinct_grams(const slant_fconfig *cfg, const char *text, size_t len,
                         slant_vec_scratch *s, int want_origins)
{
    s->n_distinct = 0;
    if (slant_tokenize_with(text, len, cfg->seed, cfg->token_flags, &s->tokens))
        return -1;
    size_t n = 0;
    if (slant_ngram_hashes(&s->tokens, cfg, &s->hashes, &s->hashes_cap,
                           want_origins ? &s->origins : NULL, &s->origins_cap, &n))
        return -1;
    if (n > UINT32_MAX) /* positions are 32-bit: a text of billions of n-grams */
        n = UINT32_MAX;
    if (!s->set_cap && set_resize(s, 1024))
        return -1;
    /* The set's slot comes from bits the vocabulary tables do not use
     * first, so that a document's n-grams spread over it. */
    size_t mask = s->set_cap - 1, d = 0;
    int failed = 0;
    for (size_t k = 0; k < n && !failed; k++) {
        uint64_t h = s->hashes[k];
        size_t slot = (size_t)(h >> 20) & mask;
        for (;;) {
            uint32_t c = s->set_count[slot];
            if (c == 0) {
                if (d == s->d_cap && distinct_reserve(s, d + 1)) {
                    failed = 1;
                    break;
                }
                s->set_key[slot] = h;
                s->set_count[slot] = 1;
                s->dslot[d] = (uint32_t)slot;
                s->dfirst[d] = (uint32_t)k;
                s->dhash[d++] = h;
                if (2 * d > s->set_cap) {
                    if (set_grow(s, d)) {
                        failed = 1;
                        break;
                    }
                    mask = s->set_cap - 1;
                }
                break;
            }
            if (s->set_key[slot] == h) {
                s->set_count[slot] = c == UINT32_MAX ? c : c + 1;
                break;
            }
            slot = (slot + 1) & mask;
        }
    }
    /* Read the counts out, which leaves every slot free again. */
    for (size_t i = 0; i < d; i++) {
        s->dcount[i] = s->set_count[s->dslot[i]];
        s->set_count[s->dslot[i]] = 0;
    }
    s->n_distinct = failed ? 0 : d;
    return failed ? -1 : 0;
}

/* 1 + ln c for c = 1..64, the sublinear tf of the counts most n-grams
 * have; the same bits on every machine, and no call into libm. */
static const double sublinear_tf[64] = {
    1, 1.6931471805599454, 2.09861228866811, 2.3862943611198908, 2.6094379124341005,
    2.791759469228055, 2.9459101490553135, 3.0794415416798357, 3.1972245773362196,
    3.3025850929940459, 3.3978952727983707, 3.4849066497880004, 3.5649493574615367,
    3.6390573296152584, 3.7080502011022101, 3.7725887222397811, 3.8332133440562162,
    3.8903717578961645, 3.9444389791664403, 3.9957322735539909, 4.0445224377234226,
    4.0910424533583161, 4.1354942159291497, 4.1780538303479453, 4.218875824868201,
    4.2580965380214817, 4.2958368660043291, 4.3322045101752042, 4.3672958299864746,
    4.4011973816621559, 4.4339872044851463, 4.465735902799727, 4.4965075614664798,
    4.5263605246161616, 4.5553480614894131, 4.5835189384561099, 4.6109179126442239,
    4.6375861597263857, 4.6635616461296463, 4.6888794541139358, 4.713572066704308,
    4.737669618283368, 4.7612001156935619, 4.7841896339182615, 4.8066624897703196,
    4.8286413964890951, 4.8501476017100584, 4.8712010109078907, 4.8918202981106269,
    4.9120230054281464, 4.9318256327243262, 4.9512437185814271, 4.9702919135521224,
    4.9889840465642745, 5.0073331852324712, 5.0253516907351496, 5.0430512678345503,
    5.0604430105464191, 5.0775374439057197, 5.0943445622221004, 5.1108738641733114,
    5.1271343850450917, 5.1431347263915326, 5.1588830833596715,
};

/* Weighs one row of counts in place: tf-idf, value = (1 + ln tf) * idf
 * then L2 norm (idf[k] is entry k's idf); binary, every value 1; counts,
 * left as they are. */
static void weigh_row(const slant_pipeline *p, slant_feature *row, const float *idf, size_t n)
{
    if (p->cfg.weighting == SLANT_WEIGHTING_BINARY)
        for (size_t k = 0; k < n; k++)
            row[k].value = 1.0f;
    if (p->cfg.weighting != SLANT_WEIGHTING_TFIDF)
        return;
    double norm = 0;
    for (size_t k = 0; k < n; k++) {
        float c = row[k].value; /* a whole count >= 1 */
        double tf = c <= 64.0f ? sublinear_tf[(int)c - 1] : 1.0 + log(c);
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

/* A row entry before weighting, sorted by index. */
typedef struct entry {
    uint32_t index;
    float count, idf;
} entry;

/* Sorts E[0..n) by index, stably; tmp has room for n entries.  Radix sort
 * on 11-bit digits: three passes cover 32 bits, and a pass whose digit is
 * the same everywhere is skipped. */
static void sort_entries(entry *e, size_t n, entry *tmp)
{
    if (n < 32) {
        for (size_t i = 1; i < n; i++) {
            entry x = e[i];
            size_t j = i;
            for (; j > 0 && e[j - 1].index > x.index; j--)
                e[j] = e[j - 1];
            e[j] = x;
        }
        return;
    }
    entry *src = e, *dst = tmp;
    for (unsigned shift = 0; shift < 32; shift += 11) {
        size_t count[2048] = {0};
        for (size_t i = 0; i < n; i++)
            count[(src[i].index >> shift) & 2047]++;
        if (count[(src[0].index >> shift) & 2047] == n)
            continue;
        size_t at = 0;
        for (size_t b = 0; b < 2048; b++) {
            size_t c = count[b];
            count[b] = at;
            at += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i].index >> shift) & 2047]++] = src[i];
        entry *t = src;
        src = dst;
        dst = t;
    }
    if (src != e)
        memcpy(e, src, n * sizeof *e);
}

/* The row of the distinct n-grams in s (after lookup_distinct): known
 * features only, sorted by index with buckets merged, weighed.  *out
 * grows as needed.  Returns its length, or -1 when memory runs out. */
static long sorted_row(const slant_pipeline *p, slant_vec_scratch *s, slant_feature **out,
                       size_t *cap)
{
    size_t d = s->n_distinct;
    if (d == 0) /* no n-grams at all (the buffers may not exist yet) */
        return 0;
    if (slant_grow(&s->sort_buf, &s->sort_cap, 2 * d, sizeof(entry))
        || slant_grow((void **)out, cap, d, sizeof **out))
        return -1;
    entry *e = s->sort_buf;
    size_t m = 0;
    for (size_t k = 0; k < d; k++)
        if (s->did[k] != SLANT_VOCAB_EMPTY)
            e[m++] = (entry){s->did[k], (float)s->dcount[k], s->didf[k]};
    sort_entries(e, m, e + d);
    slant_feature *row = *out;
    size_t r = 0;
    for (size_t k = 0; k < m; k++) { /* hashed n-grams may share a bucket */
        if (r > 0 && row[r - 1].index == e[k].index) {
            row[r - 1].value += e[k].count;
        } else {
            row[r] = (slant_feature){e[k].index, e[k].count};
            s->didf[r++] = e[k].idf;
        }
    }
    weigh_row(p, row, s->didf, r);
    return (long)r;
}

/* By index, then value: a total order, so duplicates resolve the same
 * way whatever the sort. */
static int cmp_feature_index(const void *a, const void *b)
{
    const slant_feature *x = a, *y = b;
    if (x->index != y->index)
        return x->index < y->index ? -1 : 1;
    return (x->value > y->value) - (x->value < y->value);
}

void slant_features_sort(slant_feature *x, size_t n)
{
    if (n > 1)
        qsort(x, n, sizeof *x, cmp_feature_index);
}

/* The separators of LIBSVM pairs: the corpus reader's blanks too. */
static int is_vector_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f' || ch == '\n';
}

int slant_vector_pair(const char *tok, size_t len, uint32_t n_features, slant_feature *out)
{
    /* FEATURE: 1..2^32-1 in decimal; VALUE: a number in a float's range */
    char buf[96];
    const char *colon = memchr(tok, ':', len);
    if (!colon || colon == tok || len >= sizeof buf || colon - tok > 10)
        return 0;
    uint64_t f = 0;
    for (const char *q = tok; q < colon; q++)
        if (*q < '0' || *q > '9' || (f = f * 10 + (uint64_t)(*q - '0')) > UINT32_MAX)
            return 0;
    size_t vl = len - (size_t)(colon + 1 - tok);
    memcpy(buf, colon + 1, vl);
    buf[vl] = '\0';
    char *e;
    double v = strtod(buf, &e);
    if (vl == 0 || *e != '\0' || !(fabs(v) <= FLT_MAX) || f < 1 || (n_features && f > n_features))
        return 0;
    *out = (slant_feature){(uint32_t)(f - 1), (float)v};
    return 1;
}

long slant_vector_parse(const char *text, size_t len, uint32_t n_features, slant_feature **out,
                        size_t *cap, size_t *bad)
{
    const char *p = text, *end = text + len;
    size_t n = 0, dropped = 0;
    int sorted = 1;
    while (p < end) {
        while (p < end && is_vector_space(*p))
            p++;
        if (p == end || *p == '#')
            break;
        const char *tok = p;
        while (p < end && !is_vector_space(*p))
            p++;
        slant_feature one;
        if (!slant_vector_pair(tok, (size_t)(p - tok), n_features, &one)) {
            dropped++;
            continue;
        }
        if (slant_grow((void **)out, cap, n + 1, sizeof **out))
            return -1;
        (*out)[n] = one;
        sorted &= n == 0 || (*out)[n - 1].index < (*out)[n].index;
        n++;
    }
    if (!sorted) {
        size_t m = 0;
        slant_features_sort(*out, n);
        for (size_t k = 0; k < n; k++)
            if (m == 0 || (*out)[m - 1].index != (*out)[k].index)
                (*out)[m++] = (*out)[k];
            else
                dropped++;
        n = m;
    }
    if (bad)
        *bad = dropped;
    return (long)n;
}

long slant_pipeline_vectorize(const slant_pipeline *p, const char *text, size_t len,
                              slant_vec_scratch *s, slant_feature **out, size_t *cap)
{
    if (p->cfg.token_flags & SLANT_TOK_VECTORS)
        return slant_vector_parse(text, len, p->n_features, out, cap, NULL);
    if (slant_distinct_grams(&p->cfg, text, len, s, 0))
        return -1;
    lookup_distinct(p, s);
    if (p->cfg.hash_bits)
        return sorted_row(p, s, out, cap);
    /* A vocabulary gives distinct n-grams distinct features: no sort. */
    size_t d = s->n_distinct;
    if (slant_grow((void **)out, cap, d, sizeof **out))
        return -1;
    slant_feature *row = *out;
    size_t r = 0;
    for (size_t k = 0; k < d; k++)
        if (s->did[k] != SLANT_VOCAB_EMPTY) {
            row[r] = (slant_feature){s->did[k], (float)s->dcount[k]};
            s->didf[r++] = s->didf[k];
        }
    weigh_row(p, row, s->didf, r);
    return (long)r;
}

void slant_pipeline_counts(const slant_pipeline *p, const slant_vec_scratch *s,
                           const slant_feature *row, size_t n, uint32_t *counts)
{
    if (p->cfg.token_flags & SLANT_TOK_VECTORS) {
        for (size_t r = 0; r < n; r++)
            counts[r] = 1;
        return;
    }
    if (!p->cfg.hash_bits) {
        /* The row holds the known distinct n-grams in their order. */
        size_t r = 0;
        for (size_t k = 0; k < s->n_distinct && r < n; k++)
            if (s->did[k] != SLANT_VOCAB_EMPTY)
                counts[r++] = s->dcount[k];
        for (; r < n; r++) /* cannot happen when S made ROW */
            counts[r] = 0;
        return;
    }
    /* Buckets: the row is sorted by index, each once; the n-grams that
     * share a bucket add up. */
    for (size_t r = 0; r < n; r++)
        counts[r] = 0;
    for (size_t k = 0; k < s->n_distinct; k++) {
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (row[mid].index < s->did[k])
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < n && row[lo].index == s->did[k])
            counts[lo] = counts[lo] > UINT32_MAX - s->dcount[k] ? UINT32_MAX
                                                                : counts[lo] + s->dcount[k];
    }
}

/* ---- Known share ------------------------------------------------------- */

static float idf_of(uint32_t df, size_t n_docs);

float slant_idf_unseen(size_t n_docs)
{
    return idf_of(0, n_docs);
}

float slant_idf_of(uint32_t df, size_t n_docs)
{
    return idf_of(df, n_docs);
}

void slant_known_shares(const slant_pipeline *p, const slant_vec_scratch *s, float unseen_idf,
                        double *ngram_share, double *word_share)
{
    *ngram_share = *word_share = NAN;
    int hashed = p->cfg.hash_bits != 0;
    if ((p->cfg.token_flags & SLANT_TOK_VECTORS) || (hashed && (!p->idf || !(unseen_idf > 0))))
        return;
    /* A seen bucket's idf is at least ln 2 below an unseen one's. */
    float below = unseen_idf - 0.25f;
    /* With unigrams, the first tokens.n n-gram hashes are the words, in
     * order: a distinct n-gram first met there is a word. */
    size_t words = p->cfg.word_min == 1 ? s->tokens.n : 0;
    uint64_t all = 0, known = 0, word_known = 0;
    for (size_t k = 0; k < s->n_distinct; k++) {
        uint32_t id = s->did[k];
        int in = hashed ? p->idf[id] < below : id != SLANT_VOCAB_EMPTY;
        all += s->dcount[k];
        if (!in)
            continue;
        known += s->dcount[k];
        if (s->dfirst[k] < words)
            word_known += s->dcount[k];
    }
    *ngram_share = all ? (double)known / (double)all : 0.0;
    if (p->cfg.word_min == 1)
        *word_share = words ? (double)word_known / (double)words : 0.0;
}

/* ---- Fitting ---------------------------------------------------------- */

/* The candidate table of passes 1 and 2: open addressing on the n-gram
 * hash, with each candidate's total count (saturating) and document
 * frequency; df is 0 in a free slot until pass 2, so a slot is used when
 * its key is set: keys are never 0 but with odds of 2^-64, and such an
 * n-gram is merely never a candidate. */
typedef struct cand_slot {
    uint64_t key;
    uint32_t count;
    uint32_t df;
} cand_slot;

typedef struct cand_table {
    cand_slot *slot;
    size_t cap, n;
} cand_table;

static void cand_free(cand_table *t)
{
    free(t->slot);
    memset(t, 0, sizeof *t);
}

static int cand_init(cand_table *t, size_t cap)
{
    t->slot = slant_calloc_array(cap, sizeof *t->slot);
    t->cap = t->slot ? cap : 0;
    t->n = 0;
    return t->slot ? 0 : -1;
}

/* KEY's slot, or the free one where it would go.  The slot comes from
 * bits that neither the vocabulary tables nor the document set use first. */
static inline cand_slot *cand_find(const cand_table *t, uint64_t key)
{
    size_t mask = t->cap - 1;
    size_t s = (size_t)(key >> 24) & mask;
    while (t->slot[s].key && t->slot[s].key != key)
        s = (s + 1) & mask;
    return &t->slot[s];
}

static int cand_add(cand_table *t, uint64_t key)
{
    if (key == 0)
        return 0;
    if ((t->n + 1) * 10 > t->cap * 7) { /* at most 70% full */
        cand_table bigger = {0};
        if (t->cap > SIZE_MAX / 2 || cand_init(&bigger, t->cap * 2))
            return -1;
        for (size_t s = 0; s < t->cap; s++)
            if (t->slot[s].key)
                *cand_find(&bigger, t->slot[s].key) = t->slot[s];
        bigger.n = t->n;
        cand_free(t);
        *t = bigger;
    }
    cand_slot *c = cand_find(t, key);
    if (!c->key) {
        *c = (cand_slot){key, 0, 0};
        t->n++;
    }
    return 0;
}

/* *count += add, stopping at UINT32_MAX, by any number of threads. */
static void add_saturating(uint32_t *count, uint32_t add)
{
    uint32_t old = __atomic_load_n(count, __ATOMIC_RELAXED), sum;
    do
        sum = old > UINT32_MAX - add ? UINT32_MAX : old + add;
    while (!__atomic_compare_exchange_n(count, &old, sum, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
}

/* What one worker of a pass owns. */
typedef struct fit_worker {
    slant_vec_scratch s;
    uint64_t *found; /* pass 1: candidates this worker found in its documents */
    size_t n_found, found_cap;
    slant_feature *row;
    size_t row_cap;
    /* pass 2: names of candidates met in this worker's documents (see
     * keep_name) */
    char *names;
    size_t names_len, names_cap;
} fit_worker;

typedef struct fit_ctx {
    const slant_fconfig *cfg;
    const char *const *texts;
    const size_t *lens;
    size_t first; /* the parallel step covers documents first + [begin, end) */
    fit_worker *w;
    unsigned failed; /* FIT_* bits set by workers, atomically */
    /* pass 1 */
    uint64_t *seen;  /* one bit per value of a hash's top seen_bits bits */
    unsigned seen_bits;
    cand_table cand;
    /* passes 2 and 3: where the name of the candidate in each slot is (see
     * keep_name), apart from the table so that pass 1's growing of it
     * moves 16 bytes a slot, not 24 */
    uint64_t *cand_name;
    /* pass 2 (hashed mode): bucket document frequencies, summed atomically */
    uint32_t *df;
    /* passes 2 and 5 */
    size_t *row_len; /* an upper bound after 2, the length after 5 */
    const slant_pipeline *pipe;
    slant_csr *x;
    /* pass 5: each document's known shares (2 per document) */
    double *known;
    float unseen_idf;
    /* told of each text pass 5 is done with (NULL: nobody) */
    slant_text_done_fn done;
    void *done_ctx;
} fit_ctx;

/* Why a worker stopped; several may be set, by several workers. */
#define FIT_NO_MEMORY 1u
#define FIT_BAD_BOUND 2u      /* a row longer than its bound: a bug */
#define FIT_NAMES_TOO_LONG 4u /* the n-gram names pass 4 GiB */

static void fit_fail(fit_ctx *c, unsigned why)
{
    __atomic_fetch_or(&c->failed, why, __ATOMIC_RELAXED);
}

static int fit_failed(fit_ctx *c)
{
    return __atomic_load_n(&c->failed, __ATOMIC_RELAXED) != 0;
}

/* Keeps the name of a candidate, the n-gram at ORIGIN, in worker T's list
 * (W) unless it or a lower worker has one already.  *ref tells where the
 * name is: the worker's number plus one in the high 32 bits,
 * the offset in its names in the low.  The workers' ranges of documents
 * follow each other, so the lowest worker that meets an n-gram holds the
 * name from its first document, whatever the number of threads; a worker
 * names an n-gram only while no lower one has, which keeps the names near
 * one copy instead of one per worker.  Returns 0 or a FIT_* reason. */
static int keep_name(fit_worker *w, uint32_t t, uint64_t *ref, uint64_t origin)
{
    uint64_t cur = __atomic_load_n(ref, __ATOMIC_RELAXED);
    if (cur && cur >> 32 <= (uint64_t)t + 1)
        return 0;
    char buf[1024];
    slant_ngram_name(&w->s.tokens, origin, buf, sizeof buf);
    size_t l = strlen(buf) + 1;
    if (w->names_len + l > UINT32_MAX)
        return FIT_NAMES_TOO_LONG;
    if (slant_grow((void **)&w->names, &w->names_cap, w->names_len + l, 1))
        return FIT_NO_MEMORY;
    memcpy(w->names + w->names_len, buf, l);
    uint64_t mine = ((uint64_t)t + 1) << 32 | w->names_len;
    w->names_len += l;
    /* A higher worker's name gives way; a lower one's stays (and this
     * copy is left unused). */
    while ((!cur || cur >> 32 > (uint64_t)t + 1)
           && !__atomic_compare_exchange_n(ref, &cur, mine, 0, __ATOMIC_RELAXED,
                                           __ATOMIC_RELAXED))
        ;
    return 0;
}

/* The name that a reference keep_name set points to in workers W. */
static const char *kept_name(const fit_worker *w, uint64_t name)
{
    return name ? w[(name >> 32) - 1].names + (uint32_t)name : "";
}

static void pass_candidates(void *vctx, size_t begin, size_t end, uint32_t worker)
{
    fit_ctx *c = vctx;
    fit_worker *w = &c->w[worker];
    unsigned shift = 64 - c->seen_bits;
    for (size_t i = begin; i < end && !fit_failed(c); i++) {
        size_t d = c->first + i;
        if (slant_distinct_grams(c->cfg, c->texts[d], c->lens[d], &w->s, 0)) {
            fit_fail(c, FIT_NO_MEMORY);
            break;
        }
        for (size_t k = 0; k < w->s.n_distinct; k++) {
            uint64_t h = w->s.dhash[k];
            if (w->s.dcount[k] < 2 && c->seen) {
                uint64_t bit = h >> shift, m = 1ULL << (bit & 63);
                if (!(__atomic_fetch_or(&c->seen[bit >> 6], m, __ATOMIC_RELAXED) & m))
                    continue; /* the first sighting */
            }
            if (cand_find(&c->cand, h)->key)
                continue;
            if (w->n_found == w->found_cap
                && slant_grow((void **)&w->found, &w->found_cap, w->n_found + 1,
                              sizeof *w->found)) {
                fit_fail(c, FIT_NO_MEMORY);
                break;
            }
            w->found[w->n_found++] = h;
        }
    }
}

/* Pass 2: the candidates' counts and names (vocabulary) or the buckets'
 * document frequencies (hashed), and an upper bound of each row's length.
 * The names are taken here rather than with the rows of pass 5, so that
 * the workers' lists of them are gone before the matrix is built. */
static void pass_counts(void *vctx, size_t begin, size_t end, uint32_t worker)
{
    fit_ctx *c = vctx;
    fit_worker *w = &c->w[worker];
    slant_vec_scratch *s = &w->s;
    uint32_t mask = c->cfg->hash_bits ? (uint32_t)(((uint64_t)1 << c->cfg->hash_bits) - 1) : 0;
    int naming = !c->cfg->hash_bits; /* the vocabulary's names come from this pass */
    for (size_t d = begin; d < end && !fit_failed(c); d++) {
        if (slant_distinct_grams(c->cfg, c->texts[d], c->lens[d], s, naming)) {
            fit_fail(c, FIT_NO_MEMORY);
            break;
        }
        size_t m = 0;
        if (c->cfg->hash_bits) {
            m = s->n_distinct;
            if (!c->df || m == 0)
                goto next;
            /* A bucket's df counts documents, not n-grams. */
            if (slant_grow(&s->sort_buf, &s->sort_cap, 2 * s->n_distinct, sizeof(entry))) {
                fit_fail(c, FIT_NO_MEMORY);
                break;
            }
            entry *e = s->sort_buf;
            for (size_t k = 0; k < s->n_distinct; k++)
                e[k] = (entry){(uint32_t)s->dhash[k] & mask, 0, 0};
            sort_entries(e, s->n_distinct, e + s->n_distinct);
            for (size_t k = 0; k < s->n_distinct; k++)
                if (k == 0 || e[k].index != e[k - 1].index)
                    __atomic_fetch_add(&c->df[e[k].index], 1, __ATOMIC_RELAXED);
            goto next;
        }
        for (size_t k = 0; k < s->n_distinct; k++) {
            if (k + PREFETCH_AHEAD < s->n_distinct)
                PREFETCH(&c->cand.slot[(s->dhash[k + PREFETCH_AHEAD] >> 24) & (c->cand.cap - 1)]);
            cand_slot *cs = cand_find(&c->cand, s->dhash[k]);
            if (!cs->key)
                continue;
            add_saturating(&cs->count, s->dcount[k]);
            __atomic_fetch_add(&cs->df, 1, __ATOMIC_RELAXED);
            m++;
            unsigned why = (unsigned)keep_name(w, worker, &c->cand_name[cs - c->cand.slot],
                                               s->origins[s->dfirst[k]]);
            if (why) {
                fit_fail(c, why);
                break;
            }
        }
    next:
        c->row_len[d] = m;
    }
}

/* Pass 5: each row, written at its upper-bound offset. */
static void pass_rows(void *vctx, size_t begin, size_t end, uint32_t worker)
{
    fit_ctx *c = vctx;
    fit_worker *w = &c->w[worker];
    for (size_t d = begin; d < end && !fit_failed(c); d++) {
        if (slant_distinct_grams(c->cfg, c->texts[d], c->lens[d], &w->s, 0)) {
            fit_fail(c, FIT_NO_MEMORY);
            break;
        }
        lookup_distinct(c->pipe, &w->s);
        slant_known_shares(c->pipe, &w->s, c->unseen_idf, &c->known[2 * d], &c->known[2 * d + 1]);
        long r = sorted_row(c->pipe, &w->s, &w->row, &w->row_cap);
        if (r < 0) {
            fit_fail(c, FIT_NO_MEMORY);
            break;
        }
        if ((size_t)r > c->row_len[d]) { /* cannot happen: the bound counts every candidate */
            fit_fail(c, FIT_BAD_BOUND);
            break;
        }
        size_t at = c->x->rowptr[d];
        for (long k = 0; k < r; k++) {
            c->x->index[at + (size_t)k] = w->row[k].index;
            c->x->value[at + (size_t)k] = w->row[k].value;
        }
        c->row_len[d] = (size_t)r;
        if (c->done) /* pass 5 reads each text last: its row is all the fit needs now */
            c->done(c->done_ctx, d);
    }
}

void slant_fitted_free(slant_fitted *f)
{
    if (!f)
        return;
    free(f->idf);
    free(f->hot);
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

/* A kept n-gram on its way to a feature index. */
typedef struct kept_gram {
    uint64_t key, count;
    uint32_t df;
    uint64_t name; /* where its name is (see keep_name) */
} kept_gram;

static int cmp_kept(const void *a, const void *b)
{
    const kept_gram *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return (x->key > y->key) - (x->key < y->key);
}

static float idf_of(uint32_t df, size_t n_docs)
{
    return (float)(log((1.0 + (double)n_docs) / (1.0 + df)) + 1.0);
}

/* Allocates a table of CAP free slots. */
static slant_vocab_slot *new_table(size_t cap)
{
    slant_vocab_slot *t = slant_alloc_array(cap, sizeof *t);
    if (t)
        for (size_t i = 0; i < cap; i++)
            t[i] = (slant_vocab_slot){0, SLANT_VOCAB_EMPTY, 0.0f};
    return t;
}

static void table_put(slant_vocab_slot *t, size_t cap, uint64_t key, uint32_t id, float idf)
{
    uint64_t mask = cap - 1, s = key & mask;
    while (t[s].id != SLANT_VOCAB_EMPTY)
        s = (s + 1) & mask;
    t[s] = (slant_vocab_slot){key, id, idf};
}

void slant_fitted_pack(slant_fitted *f)
{
    if (!f->vocab || f->packed)
        return;
    /* The main table holds features SLANT_HOT_FEATURES .. n_features-1
     * (build_vocabulary): each entry goes to its feature's place among
     * them, by cycles of swaps, so that no sort needs memory of its own. */
    size_t m = 0, hot = SLANT_HOT_FEATURES;
    for (size_t s = 0; s < f->pipe.vocab_cap; s++) {
        uint32_t id = f->vocab[s].id;
        if (id == SLANT_VOCAB_EMPTY)
            continue;
        if (id < hot || id >= f->pipe.n_features)
            return; /* not a table build_vocabulary made: left as it is */
        m++;
    }
    size_t k = 0;
    for (size_t s = 0; s < f->pipe.vocab_cap; s++)
        if (f->vocab[s].id != SLANT_VOCAB_EMPTY)
            f->vocab[k++] = f->vocab[s];
    for (size_t i = 0; i < m; i++)
        while (f->vocab[i].id - hot != i) {
            size_t j = f->vocab[i].id - hot;
            if (j >= m || f->vocab[j].id == f->vocab[i].id)
                break; /* not a run of consecutive features (cannot happen) */
            slant_vocab_slot t = f->vocab[j];
            f->vocab[j] = f->vocab[i];
            f->vocab[i] = t;
        }
    slant_vocab_slot *v = realloc(f->vocab, (m ? m : 1) * sizeof *v); /* never larger */
    if (v)
        f->vocab = v;
    f->pipe.vocab = NULL;
    f->n_packed = m;
    f->packed = 1;
}

int slant_fitted_unpack(slant_fitted *f)
{
    if (!f->packed)
        return 0;
    slant_vocab_slot *t = new_table(f->pipe.vocab_cap);
    if (!t)
        return -1;
    /* build_vocabulary's puts, in its order (by feature index, as pack
     * left them): the same slots */
    for (size_t k = 0; k < f->n_packed; k++)
        table_put(t, f->pipe.vocab_cap, f->vocab[k].key, f->vocab[k].id, f->vocab[k].idf);
    free(f->vocab);
    f->vocab = t;
    f->pipe.vocab = t;
    f->packed = 0;
    f->n_packed = 0;
    return 0;
}

/* Pass 3: the vocabulary from the candidates' counts, and its names from
 * those pass 2 kept in workers W (CAND_NAME).  The candidates are freed
 * once their kept n-grams are copied out, before the tables are built. */
static slant_status build_vocabulary(const slant_fconfig *cfg, cand_table *cand,
                                     uint64_t **cand_name, size_t n_docs, const fit_worker *w,
                                     slant_fitted *f, slant_error *err)
{
    size_t kept = 0;
    for (size_t s = 0; s < cand->cap; s++)
        if (cand->slot[s].key && cand->slot[s].count >= cfg->min_count)
            kept++;
    if (kept >= SLANT_VOCAB_EMPTY)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                          "the vocabulary has %zu n-grams, more than 2^32-1; raise --min-count "
                          "or use --hash-bits", kept);
    kept_gram *g = slant_alloc_array(kept ? kept : 1, sizeof *g);
    if (!g)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory building the vocabulary");
    size_t k = 0;
    for (size_t s = 0; s < cand->cap; s++) {
        const cand_slot *cs = &cand->slot[s];
        if (cs->key && cs->count >= cfg->min_count)
            g[k++] = (kept_gram){cs->key, cs->count, cs->df, (*cand_name)[s]};
    }
    cand_free(cand);
    free(*cand_name);
    *cand_name = NULL;
    qsort(g, kept, sizeof *g, cmp_kept);
    size_t hot = kept < SLANT_HOT_FEATURES ? kept : SLANT_HOT_FEATURES;
    size_t hcap = pow2_at_least(2 * hot + 1), vcap = pow2_at_least(2 * (kept - hot) + 1);
    f->hot = new_table(hcap);
    f->vocab = new_table(vcap);
    if (!f->hot || !f->vocab) {
        free(g);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory building the vocabulary");
    }
    for (size_t i = 0; i < kept; i++) {
        float idf = cfg->weighting == SLANT_WEIGHTING_TFIDF ? idf_of(g[i].df, n_docs) : 1.0f;
        if (i < hot)
            table_put(f->hot, hcap, g[i].key, (uint32_t)i, idf);
        else
            table_put(f->vocab, vcap, g[i].key, (uint32_t)i, idf);
    }
    size_t total = 0;
    for (size_t i = 0; i < kept; i++)
        total += strlen(kept_name(w, g[i].name)) + 1;
    if (total > UINT32_MAX) {
        free(g);
        return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                          "the vocabulary's n-grams exceed 4 GiB of text; use --hash-bits");
    }
    f->name_off = slant_alloc_array(kept + 1, sizeof *f->name_off);
    f->names = malloc(total ? total : 1);
    if (!f->name_off || !f->names) {
        free(g);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory naming features");
    }
    size_t at = 0;
    for (size_t i = 0; i < kept; i++) {
        const char *name = kept_name(w, g[i].name);
        size_t l = strlen(name) + 1;
        f->name_off[i] = (uint32_t)at;
        memcpy(f->names + at, name, l);
        at += l;
    }
    f->name_off[kept] = (uint32_t)at;
    f->names_len = at;
    f->pipe.name_off = f->name_off;
    f->pipe.names = f->names;
    free(g);
    f->pipe.n_features = (uint32_t)kept;
    f->pipe.hot_cap = hcap;
    f->pipe.hot = f->hot;
    f->pipe.vocab_cap = vcap;
    f->pipe.vocab = f->vocab;
    return SLANT_STATUS_OK;
}

/* Documents per step of pass 1: the candidates of a step are merged into
 * the table before the next step looks them up. */
#define CANDIDATE_STEP 2048

/* Pass 1: every n-gram seen twice into c->cand. */
static int find_candidates(fit_ctx *c, size_t n_docs, uint32_t threads)
{
    /* About four bits per byte of text (at most 2^31, 256 MiB), so that
     * few n-grams seen once find their bit set by another. */
    uint64_t bytes = 0;
    for (size_t d = 0; d < n_docs; d++)
        bytes += c->lens[d];
    if (c->cfg->min_count >= 2) {
        c->seen_bits = 16;
        while (c->seen_bits < 31 && ((uint64_t)1 << c->seen_bits) < 4 * bytes)
            c->seen_bits++;
        c->seen = slant_calloc_array((size_t)1 << (c->seen_bits - 6), sizeof *c->seen);
        if (!c->seen)
            return -1;
    }
    if (cand_init(&c->cand, 1 << 16))
        return -1;
    for (size_t first = 0; first < n_docs; first += CANDIDATE_STEP) {
        size_t n = n_docs - first < CANDIDATE_STEP ? n_docs - first : CANDIDATE_STEP;
        c->first = first;
        slant_parallel_for(n, slant_threads_for(threads, n), pass_candidates, c);
        if (fit_failed(c))
            return -1;
        for (uint32_t t = 0; t < threads; t++) {
            for (size_t k = 0; k < c->w[t].n_found; k++)
                if (cand_add(&c->cand, c->w[t].found[k]))
                    return -1;
            c->w[t].n_found = 0;
        }
    }
    c->first = 0;
    free(c->seen);
    c->seen = NULL;
    for (uint32_t t = 0; t < threads; t++) {
        free(c->w[t].found);
        c->w[t].found = NULL;
        c->w[t].found_cap = 0;
    }
    return 0;
}

/* Vectors given as text: the rows are the vectors, the features as many
 * as the largest number seen. */
static slant_status fit_vectors(const char *const *texts, const size_t *lens, size_t n_docs,
                                slant_fitted *f, slant_csr *x, slant_error *err)
{
    slant_feature *row = NULL;
    size_t row_cap = 0, cap = 0, nnz = 0;
    uint64_t top = 0;
    x->rows = n_docs;
    x->rowptr = slant_alloc_array(n_docs + 1, sizeof *x->rowptr);
    if (!x->rowptr)
        goto oom;
    x->rowptr[0] = 0;
    for (size_t d = 0; d < n_docs; d++) {
        long r = slant_vector_parse(texts[d], lens[d], 0, &row, &row_cap, NULL);
        if (r < 0)
            goto oom;
        if (nnz + (size_t)r > cap) {
            size_t c1 = cap, c2 = cap;
            if (slant_grow((void **)&x->index, &c1, nnz + (size_t)r, sizeof *x->index)
                || slant_grow((void **)&x->value, &c2, nnz + (size_t)r, sizeof *x->value))
                goto oom;
            cap = c1 < c2 ? c1 : c2;
        }
        for (long k = 0; k < r; k++) {
            x->index[nnz] = row[k].index;
            x->value[nnz++] = row[k].value;
            if ((uint64_t)row[k].index + 1 > top)
                top = (uint64_t)row[k].index + 1;
        }
        x->rowptr[d + 1] = nnz;
    }
    free(row);
    if (top >= UINT32_MAX)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "feature numbers past 2^32-2");
    x->cols = (size_t)top;
    f->pipe.n_features = (uint32_t)top;
    return SLANT_STATUS_OK;
oom:
    free(row);
    return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory reading vectors");
}

slant_status slant_pipeline_fit(const slant_fconfig *cfg, const char *const *texts,
                                const size_t *lens, size_t n_docs, uint32_t threads,
                                slant_fitted *f, slant_csr *x, slant_error *err)
{
    return slant_pipeline_fit_telling(cfg, texts, lens, n_docs, threads, NULL, NULL, f, x, err);
}

slant_status slant_pipeline_fit_telling(const slant_fconfig *cfg, const char *const *texts,
                                        const size_t *lens, size_t n_docs, uint32_t threads,
                                        slant_text_done_fn done, void *done_ctx,
                                        slant_fitted *f, slant_csr *x, slant_error *err)
{
    memset(f, 0, sizeof *f);
    memset(x, 0, sizeof *x);
    f->pipe.cfg = *cfg;
    f->known_ngrams = f->known_words = NAN;
    if (cfg->token_flags & SLANT_TOK_VECTORS) {
        slant_status vs = fit_vectors(texts, lens, n_docs, f, x, err);
        if (vs) {
            slant_csr_free(x);
            memset(x, 0, sizeof *x);
        }
        return vs;
    }
    if (n_docs >= UINT32_MAX)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                          "%zu documents are more than one model takes", n_docs);
    slant_status st = SLANT_STATUS_OK;
    threads = slant_threads_for(threads, n_docs);
    fit_ctx c = {.cfg = cfg, .texts = texts, .lens = lens, .x = x, .done = done,
                 .done_ctx = done_ctx};
    c.w = slant_calloc_array(threads, sizeof *c.w);
    c.row_len = slant_calloc_array(n_docs, sizeof *c.row_len);
    if (!c.w || !c.row_len)
        goto oom;

    if (cfg->hash_bits) { /* 2: document frequencies of the buckets */
        size_t nf = (size_t)1 << cfg->hash_bits;
        f->pipe.n_features = (uint32_t)nf;
        int tfidf = cfg->weighting == SLANT_WEIGHTING_TFIDF;
        if (tfidf && (!(c.df = slant_calloc_array(nf, sizeof *c.df))
                           || !(f->idf = slant_alloc_array(nf, sizeof *f->idf))))
            goto oom;
        slant_parallel_for(n_docs, threads, pass_counts, &c);
        if (c.failed)
            goto oom;
        if (tfidf) {
            for (size_t i = 0; i < nf; i++)
                f->idf[i] = idf_of(c.df[i], n_docs);
            f->pipe.idf = f->idf;
        }
    } else {
        if (find_candidates(&c, n_docs, threads)) /* 1 */
            goto oom;
        if (!(c.cand_name = slant_calloc_array(c.cand.cap, sizeof *c.cand_name)))
            goto oom;
        slant_parallel_for(n_docs, threads, pass_counts, &c); /* 2 */
        if (c.failed & FIT_NAMES_TOO_LONG) {
            st = slant_fail(err, SLANT_STATUS_BAD_INPUT,
                            "the vocabulary's n-grams exceed 4 GiB of text; use --hash-bits");
            goto out;
        }
        if (c.failed)
            goto oom;
        if ((st = build_vocabulary(cfg, &c.cand, &c.cand_name, n_docs, c.w, f, err))) /* 3, 4 */
            goto out;
        for (uint32_t t = 0; t < threads; t++) { /* the names are the vocabulary's now */
            free(c.w[t].names);
            c.w[t].names = NULL;
            c.w[t].names_len = c.w[t].names_cap = 0;
        }
        slant_heap_trim(); /* the candidates' memory, before the matrix's */
    }

    /* 5: rows at upper-bound offsets, then closed up. */
    c.pipe = &f->pipe;
    x->rows = n_docs;
    x->cols = f->pipe.n_features;
    x->rowptr = slant_alloc_array(n_docs + 1, sizeof *x->rowptr);
    if (!x->rowptr)
        goto oom;
    x->rowptr[0] = 0;
    for (size_t d = 0; d < n_docs; d++)
        x->rowptr[d + 1] = x->rowptr[d] + c.row_len[d];
    size_t bound = x->rowptr[n_docs];
    x->index = slant_alloc_array(bound ? bound : 1, sizeof *x->index);
    x->value = slant_alloc_array(bound ? bound : 1, sizeof *x->value);
    c.known = slant_alloc_array(n_docs ? n_docs : 1, 2 * sizeof *c.known);
    c.unseen_idf = slant_idf_unseen(n_docs);
    if (!x->index || !x->value || !c.known)
        goto oom;
    slant_parallel_for(n_docs, threads, pass_rows, &c);
    if (c.failed & FIT_BAD_BOUND) {
        st = slant_fail(err, SLANT_STATUS_INTERNAL, "a document's row outgrew its bound");
        goto out;
    }
    if (c.failed)
        goto oom;
    size_t at = 0;
    for (size_t d = 0; d < n_docs; d++) {
        size_t from = x->rowptr[d];
        x->rowptr[d] = at;
        memmove(x->index + at, x->index + from, c.row_len[d] * sizeof *x->index);
        memmove(x->value + at, x->value + from, c.row_len[d] * sizeof *x->value);
        at += c.row_len[d];
    }
    x->rowptr[n_docs] = at;
    /* Summed in document order: the same means at any thread count. */
    f->known_ngrams = f->known_words = 0;
    for (size_t d = 0; d < n_docs; d++) {
        f->known_ngrams += c.known[2 * d];
        f->known_words += c.known[2 * d + 1];
    }
    f->known_ngrams = n_docs ? f->known_ngrams / (double)n_docs : NAN;
    f->known_words = n_docs ? f->known_words / (double)n_docs : NAN;
    if (at < bound && at > 0) { /* give back what the bound over-counted */
        uint32_t *xi = realloc(x->index, at * sizeof *xi);
        if (xi)
            x->index = xi;
        float *xv = realloc(x->value, at * sizeof *xv);
        if (xv)
            x->value = xv;
    }
    goto out;
oom:
    st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory extracting features");
out:
    if (c.w)
        for (uint32_t t = 0; t < threads; t++) {
            slant_vec_scratch_free(&c.w[t].s);
            free(c.w[t].found);
            free(c.w[t].row);
            free(c.w[t].names);
        }
    free(c.w);
    free(c.seen);
    cand_free(&c.cand);
    free(c.cand_name);
    free(c.df);
    free(c.row_len);
    free(c.known);
    if (st) {
        slant_fitted_free(f);
        slant_csr_free(x);
        memset(x, 0, sizeof *x);
    }
    return st;
}
