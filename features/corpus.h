/*
 * corpus.h: the in-memory corpus behind slant_corpus.  Private to the
 * library; the readers that fill it are the read_*.c files and reader.c
 * (see read.h).
 */
#ifndef SLANT_CORPUS_H
#define SLANT_CORPUS_H

#include <stddef.h>
#include <stdint.h>

#include "slant.h"

struct slant_corpus {
    size_t n_docs, n_heads;
    char **head_names; /* n_heads */
    char **ids;        /* n_docs; never NULL ("3" for the third row when the input has none) */
    char **texts;      /* n_docs; NUL-terminated, may hold inner NULs up to lens[i] */
    size_t *lens;      /* n_docs */
    char **labels;     /* n_docs x n_heads, row-major; NULL = missing */
    size_t cap;        /* allocated rows */
    char *source;      /* path the corpus was read from, for messages */
    int vectors;       /* 1: a LIBSVM file; texts are "FEATURE:VALUE ..." */
    char *group_name;  /* the group column; NULL: no groups (and groups is NULL) */
    char **groups;     /* n_docs (cap rows), each its own allocation; NULL = none */
    /* The texts live apart from their blocks, packed in large mappings
     * ("slabs"), so that slant_corpus_release_text can give their memory
     * back to the system while the ids and labels stay. */
    char **slab;           /* n_slabs mappings; NULL once released */
    size_t *slab_size;     /* bytes of each mapping */
    uint32_t *slab_docs;   /* texts still held in each */
    size_t n_slabs, slabs_cap;
    size_t slab_used;      /* bytes taken in the last slab */
    uint32_t *slab_of;     /* n_docs (cap rows): the slab of each text; UINT32_MAX once
                            * released */
};

/* Releases document D's text: it reads as "" from then on, and the slab
 * that held it is unmapped once none of its texts is left.  Safe from
 * several threads at once for distinct documents; a document released
 * twice is released once.  Training calls it (slant_train_consume) once it
 * has read a text for the last time. */
void slant_corpus_release_text(slant_corpus *c, size_t d);

/* Gives C (with no documents yet) the group column NAME (copied): rows
 * appended after it have a group slot. */
slant_status slant_corpus_group_column(slant_corpus *c, const char *name, slant_error *err);
/* Sets the last appended document's group to VALUE[0..LEN) (copied); LEN
 * 0 is none. */
slant_status slant_corpus_set_last_group(slant_corpus *c, const char *value, size_t len,
                                         slant_error *err);

/* Appends one document; id may be NULL (then the 1-based row number is
 * used).  Copies everything.  labels has n_heads entries (may be NULL). */
slant_status slant_corpus_append(slant_corpus *c, const char *id, const char *text, size_t len,
                                 const char *const *labels, slant_error *err);
/* An empty corpus with the given heads. */
slant_status slant_corpus_new(size_t n_heads, const char *const *head_names, const char *source,
                              slant_corpus **out, slant_error *err);

/* Warns (slant_warn), once for each head, about a label column that looks
 * like an identifier (nearly one class a document) or has very many
 * classes.  In train.c; slant_train and slant_cross_validate call it once,
 * not once a fold. */
void slant_warn_label_heads(const slant_corpus *c);

/* A 64-bit hash of every document's labels and text, independent of the
 * format it was read from; recorded in models as provenance. */
uint64_t slant_corpus_hash(const slant_corpus *c, const size_t *docs, size_t n_docs);
/* The same hash built a document at a time, for a corpus read in batches:
 * start with slant_corpus_hash_begin(N_COLS), then chain each document D
 * with the labels of columns COLS[0..N_COLS) (NULL: the corpus's own heads
 * in order; a column past the corpus's heads counts as missing labels). */
uint64_t slant_corpus_hash_begin(size_t n_cols);
uint64_t slant_corpus_hash_doc(uint64_t h, const slant_corpus *c, size_t d, const size_t *cols,
                               size_t n_cols);

#endif /* SLANT_CORPUS_H */
