/*
 * pipeline.h: the feature pipeline shared by training and labeling.
 *
 *   text --tokenize--> normalized tokens --n-grams--> 64-bit n-gram hashes
 *        --vocabulary or buckets--> feature indices --tf-idf, L2--> vector
 *
 * The settings (slant_fconfig) and the fitted parts (vocabulary, idf) are
 * stored in the model, so labeling always repeats training's pipeline.
 * Private to the library.
 */
#ifndef SLANT_PIPELINE_H
#define SLANT_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "slant.h"

/* Feature settings, recorded in the model file. */
typedef struct slant_fconfig {
    uint32_t word_min, word_max;
    uint32_t char_min, char_max;
    uint32_t hash_bits; /* 0: vocabulary */
    uint32_t min_count;
    uint32_t weighting; /* a slant_weighting */
    uint64_t seed;      /* seed of every n-gram hash */
    uint32_t token_flags; /* SLANT_TOK_* below */
} slant_fconfig;

/* Seed of every n-gram hash; part of the model's feature settings. */
#define SLANT_HASH_SEED 0x736c616e74ULL /* "slant" */

/* ---- Hashing ----------------------------------------------------------
 * The hash of every token and character n-gram (model format 2): the n
 * bytes, zero-padded to whole 16-byte blocks, each block read as two
 * little-endian 64-bit words a and b, go through
 *     h = seed ^ (n * K0);  for each block: h = mum(a ^ h ^ K1, b ^ K2);
 *     result = mum(h ^ K3, n ^ K4)
 * where mum(x, y) is the xor of the two halves of the 128-bit product x*y
 * (the constants K0..K4 are in tokenize.c).  No branch
 * depends on the bytes, and a token of up to 16 bytes costs two products.
 *
 * slant_text_hash may read up to 15 bytes past p + n, which must be
 * readable (their values do not matter); slant_text_hash_exact reads only
 * the n bytes and gives the same result. */
uint64_t slant_text_hash(const void *p, size_t n, uint64_t seed);
uint64_t slant_text_hash_exact(const void *p, size_t n, uint64_t seed);
/* Bytes a token buffer keeps readable past its last token. */
#define SLANT_HASH_SLACK 16

/* ---- Tokenizer -------------------------------------------------------
 * Splits UTF-8 text into lower-cased, NFKC-normalized tokens: runs of
 * Unicode letters, marks and digits (an apostrophe between letters stays
 * inside a word); each Han, Hiragana or Katakana character is a token of
 * its own.  Invalid UTF-8 acts as a separator (it is replaced by U+FFFD,
 * which is not a letter); NUL bytes too.  Never fails on any bytes. */
typedef struct slant_tokens {
    char *buf;          /* token bytes, each token followed by a NUL */
    size_t buf_len, buf_cap;
    uint32_t *start;    /* offset of token i in buf */
    uint32_t *len;      /* byte length of token i */
    uint64_t *hash;     /* slant_text_hash of token i's bytes */
    size_t n, cap;
    int32_t *cps;       /* scratch for normalization */
    size_t cps_cap;
} slant_tokens;

/* Returns 0, or -1 when memory runs out (tokens then holds a prefix). */
int slant_tokenize(const char *text, size_t len, uint64_t seed, slant_tokens *out);

/* The same with other rules: SLANT_TOK_PUNCT makes each punctuation mark
 * and symbol (Unicode P* and S*, ASCII's printable non-alphanumerics; an
 * apostrophe inside a word stays in it) a token of its own;
 * SLANT_TOK_KEEP_CASE keeps the case (NFKC without the case folding). */
#define SLANT_TOK_PUNCT 1u
#define SLANT_TOK_KEEP_CASE 2u
/* Not a tokenizer rule but a pipeline of its own: each text is already a
 * vector, "FEATURE:VALUE ..." with 1-based feature numbers (a LIBSVM
 * file's lines); the values are used as they are.  See slant_vector_parse. */
#define SLANT_TOK_VECTORS 4u
int slant_tokenize_with(const char *text, size_t len, uint64_t seed, unsigned flags,
                        slant_tokens *out);
void slant_tokens_free(slant_tokens *t); /* frees the buffers, not t */

/* The feature settings of training options. */
static inline slant_fconfig slant_fconfig_of(const slant_options *o)
{
    slant_fconfig c = {o->word_min, o->word_max, o->char_min, o->char_max,
                       o->hash_bits, o->min_count, (uint32_t)o->weighting, SLANT_HASH_SEED,
                       (o->punct ? SLANT_TOK_PUNCT : 0) | (o->keep_case ? SLANT_TOK_KEEP_CASE : 0)};
    return c;
}

/* ---- N-grams ---------------------------------------------------------
 * Appends the hash of every word n-gram (word_min..word_max) and character
 * n-gram (char_min..char_max, over each token padded as "<token>") of the
 * tokens to *out, a growable array of *n entries and capacity *cap.  When
 * origins is not NULL, (*origins)[k] (capacity *origins_cap) records where
 * hash k came from, for slant_ngram_name.  Returns 0, or -1 when memory
 * runs out.  Word n-gram hashes combine the tokens' hashes (see
 * pipeline.c). */
int slant_ngram_hashes(const slant_tokens *t, const slant_fconfig *cfg, uint64_t **out,
                       size_t *cap, uint64_t **origins, size_t *origins_cap, size_t *n);
/* Writes the text of the n-gram at ORIGIN into buf: "a b" for a word
 * n-gram, "<ab" for a character n-gram. */
void slant_ngram_name(const slant_tokens *t, uint64_t origin, char *buf, size_t size);

/* ---- Mapping to features ----------------------------------------------
 * A fitted pipeline: the settings plus, in vocabulary mode, open-
 * addressing tables from n-gram hash to feature index, and the idf
 * weights.  All arrays may point into a mapped model file.
 *
 * Vocabulary features are numbered by falling training count (ties by
 * hash), so the most frequent n-grams have the smallest indices and their
 * weights share a few cache lines.  The SLANT_HOT_FEATURES most frequent
 * ones sit in a small table of their own that stays in cache; the rest in
 * the main table.  Labeling looks in the small one first, and most of the
 * n-grams of a text are found there (about 70% on imdb). */
#define SLANT_VOCAB_EMPTY UINT32_MAX
#define SLANT_HOT_FEATURES 16384

/* One slot of a vocabulary table; a lookup reads one cache line in the
 * common case, and brings the idf along with the index.  Tables are
 * probed linearly from hash mod capacity, up to a free slot. */
typedef struct slant_vocab_slot {
    uint64_t key; /* n-gram hash */
    uint32_t id;  /* feature index; SLANT_VOCAB_EMPTY marks a free slot */
    float idf;    /* the feature's idf; 1 when tf-idf is off */
} slant_vocab_slot;

typedef struct slant_pipeline {
    slant_fconfig cfg;
    uint32_t n_features;
    const float *idf;              /* hashed mode with tf-idf: n_features; else NULL */
    uint64_t hot_cap;              /* vocabulary mode: power of two */
    const slant_vocab_slot *hot;   /* hot_cap slots: features 0 .. SLANT_HOT_FEATURES-1 */
    uint64_t vocab_cap;            /* vocabulary mode: power of two; 0 in hashed mode */
    const slant_vocab_slot *vocab; /* vocab_cap slots: the other features */
    const uint32_t *name_off;      /* n_features + 1, vocabulary mode; else NULL */
    const char *names;             /* n-gram texts, NUL-terminated, at name_off[i] */
} slant_pipeline;

/* Feature index of an n-gram hash, or SLANT_VOCAB_EMPTY if unknown; *idf
 * (output) receives its idf (1 when tf-idf is off). */
uint32_t slant_pipeline_lookup(const slant_pipeline *p, uint64_t hash, float *idf);

/* Scratch buffers for vectorizing one document at a time; one per thread. */
typedef struct slant_vec_scratch {
    slant_tokens tokens;
    uint64_t *hashes;    /* every n-gram hash of the document, in text order */
    size_t hashes_cap;
    uint64_t *origins;   /* where each came from, when asked for */
    size_t origins_cap;
    /* The document's distinct n-grams, in order of first occurrence. */
    uint64_t *dhash;
    uint32_t *dcount;
    uint32_t *dslot;     /* where each sits in the set below */
    uint32_t *dfirst;    /* index in hashes of its first occurrence */
    uint32_t *did;       /* feature index of each (SLANT_VOCAB_EMPTY: unknown) */
    float *didf;
    uint32_t *pending;   /* distinct n-grams not in the hot table */
    size_t n_distinct, d_cap;
    /* An open-addressing set of n-gram hashes with counts (0: free); every
     * slot is free between documents. */
    uint64_t *set_key;
    uint32_t *set_count;
    size_t set_cap;      /* power of two */
    /* Rows being sorted. */
    void *sort_buf;
    size_t sort_cap;
} slant_vec_scratch;

void slant_vec_scratch_free(slant_vec_scratch *s);

/* The distinct n-grams of TEXT with their counts, into s->dhash and
 * s->dcount (s->n_distinct of them, in order of first occurrence); with
 * want_origins, s->origins[s->dfirst[i]] tells where the i-th came from.
 * Returns 0, or -1 when memory runs out. */
int slant_distinct_grams(const slant_fconfig *cfg, const char *text, size_t len,
                         slant_vec_scratch *s, int want_origins);

/* Vectorizes TEXT through P into *out (growable, *cap entries): distinct
 * indices with tf-idf (or raw count) values, in an order that depends only
 * on the text and P (first occurrence in vocabulary mode, increasing index
 * in hashed mode).  Returns the number of entries, or -1 when memory runs
 * out. */
long slant_pipeline_vectorize(const slant_pipeline *p, const char *text, size_t len,
                              slant_vec_scratch *s, slant_feature **out, size_t *cap);

/* ---- Known share ----------------------------------------------------------
 * How much of a document the pipeline knows, from the scratch of the
 * vectorizing just done (s->did, s->dcount, s->dfirst and s->tokens as
 * slant_pipeline_vectorize or the fit leave them): into *ngram_share the
 * share of its n-gram occurrences that are features, into *word_share the
 * share of its word tokens whose unigram is one (NaN without unigram
 * features).  In hashed mode every n-gram has a bucket, and a bucket is
 * known when a training document filled it, which only its idf tells:
 * below UNSEEN_IDF, the idf of a bucket no document had
 * (slant_idf_unseen; not above 0: unknown); without tf-idf both shares
 * are NaN.  A document
 * without n-grams knows nothing: 0.  NaN for a pipeline of vectors. */
void slant_known_shares(const slant_pipeline *p, const slant_vec_scratch *s, float unseen_idf,
                        double *ngram_share, double *word_share);
/* The idf tf-idf gives an n-gram of N_DOCS training documents that none
 * of them had. */
float slant_idf_unseen(size_t n_docs);
/* The idf of an n-gram (or bucket) that DF of N_DOCS training documents
 * hold, as fitting computes it: streamed training counts DF itself. */
float slant_idf_of(uint32_t df, size_t n_docs);
/* The raw counts of ROW's N entries, as slant_pipeline_vectorize just made
 * them through P with S (which must not have been used since): how many
 * times the text holds each feature's n-grams, before any weighting (a
 * hashed bucket: all of its n-grams together, saturating at UINT32_MAX).
 * An entry of a vector counts 1.  COUNTS (output) has N entries.  Read
 * back from S, so that labeling without explanations pays nothing. */
void slant_pipeline_counts(const slant_pipeline *p, const slant_vec_scratch *s,
                           const slant_feature *row, size_t n, uint32_t *counts);

/* ---- Vectors given as text ---------------------------------------------
 * Parses "FEATURE:VALUE ..." (separated by blanks, as the LIBSVM reader
 * splits them; a '#' starts a comment to the end) into *out (growable,
 * *cap entries) as 0-based indices, sorted, each index once (a feature
 * given twice keeps its smaller value).  Pairs that do not parse, features
 * past N_FEATURES (unless 0) and values that are not finite floats are
 * left out; *bad (output, may be NULL) counts them.
 * Returns the number of entries, or -1 when memory runs out. */
long slant_vector_parse(const char *text, size_t len, uint32_t n_features, slant_feature **out,
                        size_t *cap, size_t *bad);
/* One FEATURE:VALUE token of LEN bytes into *out; 0 when it is not one
 * (by the rules above). */
int slant_vector_pair(const char *tok, size_t len, uint32_t n_features, slant_feature *out);
/* Sorts by index, then value: the same order whatever qsort does. */
void slant_features_sort(slant_feature *x, size_t n);

/* ---- Fitting -----------------------------------------------------------
 * Fits a pipeline on documents and returns the training matrix.  The
 * result owns its arrays (fitted->own_* below) until slant_fitted_free. */
typedef struct slant_fitted {
    slant_pipeline pipe;
    float *idf;
    slant_vocab_slot *hot, *vocab;
    uint32_t *name_off;
    char *names;
    size_t names_len;
    /* The mean over the training documents of slant_known_shares (NaN
     * where it is NaN), recorded in the model's provenance. */
    double known_ngrams, known_words;
    /* Packed (slant_fitted_pack): vocab holds the main table's n_packed
     * entries only, by feature index, and pipe.vocab is NULL. */
    int packed;
    size_t n_packed;
} slant_fitted;

struct slant_csr;

/* texts/lens: n_docs documents.  Fills *fitted and *x (rows = n_docs). */
slant_status slant_pipeline_fit(const slant_fconfig *cfg, const char *const *texts,
                                const size_t *lens, size_t n_docs, uint32_t threads,
                                slant_fitted *fitted, struct slant_csr *x, slant_error *err);
void slant_fitted_free(slant_fitted *f);
/* The main vocabulary table is half empty, by design, and only
 * vectorizing needs it: slant_fitted_pack closes it up in place to its
 * entries alone, while the solvers run, and slant_fitted_unpack puts the
 * same table back, slot for slot, before the model is built.  f->pipe
 * cannot vectorize in between.  No-ops in hashed mode and on a pipeline
 * of vectors.  unpack returns 0, or -1 when memory runs out (f is then
 * still packed). */
void slant_fitted_pack(slant_fitted *f);
int slant_fitted_unpack(slant_fitted *f);
/* The same, telling DONE(DONE_CTX, d) of each document d (an index into
 * texts) once the fit has read its text for the last time, so that the
 * caller may free it then: holding the texts and the whole matrix at once
 * is most of training's peak memory.  Called from the worker threads,
 * once per document, or not at all for a document the fit never reached
 * because it failed (and not for a pipeline of vectors, whose texts are
 * read in one pass: the caller frees them after). */
typedef void (*slant_text_done_fn)(void *ctx, size_t d);
slant_status slant_pipeline_fit_telling(const slant_fconfig *cfg, const char *const *texts,
                                        const size_t *lens, size_t n_docs, uint32_t threads,
                                        slant_text_done_fn done, void *done_ctx,
                                        slant_fitted *f, struct slant_csr *x, slant_error *err);

#endif /* SLANT_PIPELINE_H */
