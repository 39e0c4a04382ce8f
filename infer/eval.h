/*
 * eval.h: the parts of the evaluation accumulator (eval.c) that the rest of
 * the library and the tests use but a library user does not: building one
 * from explicit heads and classes, and recording labels by class name, which
 * is how cross-validation pools models whose class sets differ.  Private to
 * the library.
 */
#ifndef SLANT_EVAL_H
#define SLANT_EVAL_H

#include <stddef.h>

#include "slant.h"

/* Creates an accumulator with N_HEADS heads named HEAD_NAMES; head h has
 * N_CLASSES[h] classes named CLASS_NAMES[h][0..N_CLASSES[h]).  Names are
 * copied.  Head names must be distinct, and so must the class names of one
 * head (SLANT_STATUS_BAD_OPTION otherwise).  *OUT (output) is the new
 * accumulator, with every count zero. */
slant_status slant_eval_create(size_t n_heads, const char *const *head_names,
                               const size_t *n_classes, const char *const *const *class_names,
                               slant_eval **out, slant_error *err);

/* Index of the head named NAME, or (size_t)-1 when there is none. */
size_t slant_eval_head_index(const slant_eval *ev, const char *name);

/* Index of the class named NAME in head HEAD; a name the head does not have
 * yet is appended as a new class with zero counts.  *CLS (output). */
slant_status slant_eval_class_index(slant_eval *ev, size_t head, const char *name, size_t *cls,
                                    slant_error *err);

/* Records one document by class names: GOLD[h] and PRED[h] for each head h
 * (a NULL GOLD[h] skips head h; PRED[h] must then be set).  A name the head
 * does not have yet is appended as a new class.  Counts as one document. */
slant_status slant_eval_add_names(slant_eval *ev, const char *const *gold,
                                  const char *const *pred, slant_error *err);

/* slant_eval_corpus, except that heads of EV the model lacks are not
 * recorded (cross-validation, where a fold's model can lack a head whose
 * training side had one class). */
slant_status slant_eval_corpus_some(slant_eval *ev, const slant_model *model,
                                    const slant_corpus *corpus, const size_t *docs,
                                    size_t n_docs, uint32_t threads, slant_error *err);

#endif /* SLANT_EVAL_H */
