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
    uint32_t tfidf;     /* sublinear tf * idf, then L2 normalization */
    uint64_t seed;      /* seed of every n-gram hash */
} slant_fconfig;

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
    uint64_t *hash;     /* hash of token i's bytes */
    size_t n, cap;
    int32_t *cps;       /* scratch for normalization */
    size_t cps_cap;
} slant_tokens;

/* Returns 0, or -1 when memory runs out (tokens then holds a prefix). */
int slant_tokenize(const char *text, size_t len, uint64_t seed, slant_tokens *out);
void slant_tokens_free(slant_tokens *t); /* frees the buffers, not t */

/* ---- N-grams ---------------------------------------------------------
 * Appends the hash of every word n-gram (word_min..word_max) and character
 * n-gram (char_min..char_max, over each token padded as "<token>") of the
 * tokens to *out, a growable array of *n entries and capacity *cap.  When
 * origins is not NULL, (*origins)[k] records where hash k came from, for
 * slant_ngram_name.  Returns 0, or -1 when memory runs out.
 * Word n-gram hashes combine the tokens' xxHash hashes (see pipeline.c). */
int slant_ngram_hashes(const slant_tokens *t, const slant_fconfig *cfg, uint64_t **out,
                       uint64_t **origins, size_t *n, size_t *cap);
/* Writes the text of the n-gram at ORIGIN into buf: "a b" for a word
 * n-gram, "<ab" for a character n-gram. */
void slant_ngram_name(const slant_tokens *t, uint64_t origin, char *buf, size_t size);

/* ---- Mapping to features ----------------------------------------------
 * A fitted pipeline: the settings plus, in vocabulary mode, an open-
 * addressing table from n-gram hash to feature index, and the idf weights.
 * All arrays may point into a mapped model file. */
#define SLANT_VOCAB_EMPTY UINT32_MAX

/* One slot of the vocabulary table.  A lookup is one probe of one cache
 * line in the common case, and brings the idf along with the index. */
typedef struct slant_vocab_slot {
    uint64_t key; /* n-gram hash */
    uint32_t id;  /* feature index; SLANT_VOCAB_EMPTY marks a free slot */
    float idf;    /* the feature's idf; 1 when tf-idf is off */
} slant_vocab_slot;

typedef struct slant_pipeline {
    slant_fconfig cfg;
    uint32_t n_features;
    const float *idf;              /* hashed mode with tf-idf: n_features; else NULL */
    uint64_t vocab_cap;            /* power of two; 0 in hashed mode */
    const slant_vocab_slot *vocab; /* vocab_cap slots */
    const uint32_t *name_off;      /* n_features + 1, vocabulary mode; else NULL */
    const char *names;             /* n-gram texts, NUL-terminated, at name_off[i] */
} slant_pipeline;

/* Feature index of an n-gram hash, or SLANT_VOCAB_EMPTY if unknown; *idf
 * (output) receives its idf (1 when tf-idf is off). */
uint32_t slant_pipeline_lookup(const slant_pipeline *p, uint64_t hash, float *idf);

/* Scratch buffers for vectorizing one document at a time; one per thread. */
typedef struct slant_vec_scratch {
    slant_tokens tokens;
    uint64_t *hashes;
    size_t hashes_cap;
    float *idf;          /* idf of each distinct feature of the document */
    size_t idf_cap;
    uint32_t *seen_id;   /* a small open-addressing set of the document's features */
    uint32_t *seen_at;   /* where each sits in the output row */
    size_t seen_cap;     /* power of two; every slot free between documents */
} slant_vec_scratch;

void slant_vec_scratch_free(slant_vec_scratch *s);

/* Vectorizes TEXT through P into *out (growable, *cap entries): distinct
 * indices with tf-idf (or raw count) values, in the order the features
 * first occur in the text.  Returns the number of entries, or -1 when
 * memory runs out. */
long slant_pipeline_vectorize(const slant_pipeline *p, const char *text, size_t len,
                              slant_vec_scratch *s, slant_feature **out, size_t *cap);

/* ---- Fitting -----------------------------------------------------------
 * Fits a pipeline on documents and returns the training matrix.  The
 * result owns its arrays (fitted->own_* below) until slant_fitted_free. */
typedef struct slant_fitted {
    slant_pipeline pipe;
    float *idf;
    slant_vocab_slot *vocab;
    uint32_t *name_off;
    char *names;
    size_t names_len;
} slant_fitted;

struct slant_csr;

/* texts/lens: n_docs documents.  Fills *fitted and *x (rows = n_docs). */
slant_status slant_pipeline_fit(const slant_fconfig *cfg, const char *const *texts,
                                const size_t *lens, size_t n_docs, uint32_t threads,
                                slant_fitted *fitted, struct slant_csr *x, slant_error *err);
void slant_fitted_free(slant_fitted *f);

#endif /* SLANT_PIPELINE_H */
