/*
 * pyslant.h: the pieces the Python module's files share.  The module is a
 * thin skin over libslant, as the program is: it converts Python values to
 * the library's and back, releases the GIL around every call that can take
 * long, and raises slant.Error with the library's message.
 */
#ifndef PYSLANT_H
#define PYSLANT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "slant.h"

/* Texts are read from an iterable this many at a time, so that labeling a
 * stream holds one batch (as the program's CLI_BATCH_DOCS). */
#define PYSLANT_BATCH 4096

extern PyObject *pyslant_error; /* slant.Error */
extern PyTypeObject pyslant_model_type;

typedef struct pyslant_model {
    PyObject_HEAD
    slant_model *model;
} pyslant_model;

/* Raises slant.Error with ERR's message (or the status's name when it
 * has none); returns NULL. */
PyObject *pyslant_raise(slant_status st, const slant_error *err);
/* A new Model object owning M (freed here when that fails). */
PyObject *pyslant_model_wrap(slant_model *m);

/* Texts (texts.c): an iterable of str read a batch at a time, each batch
 * a corpus, with ids from an iterable beside it or numbered from 1. */
typedef struct pyslant_texts {
    PyObject *iter;     /* the texts' iterator */
    PyObject *ids;      /* the ids' iterator, or NULL: numbered */
    size_t done;        /* texts read before this batch */
    size_t n;           /* in this batch */
    const char **id;    /* this batch's n ids: id_buf[cur] */
    /* Two batches' ids, taken in turn, so that one batch's stay valid
     * while the next is read (model.c labels one while reading the next):
     * the str objects whose UTF-8 they point into, and numbered ids. */
    int cur;
    PyObject *keep[2];
    const char **id_buf[2];
    char (*numbers[2])[24];
} pyslant_texts;

/* Starts reading TEXTS (a lone str is one text) and IDS (None: numbered);
 * -1 with an exception set. */
int pyslant_texts_open(pyslant_texts *t, PyObject *texts, PyObject *ids);
/* The next batch into *out (output, NULL at the end); -1 with an exception
 * set.  Its ids (t->id) stay valid until the call after next. */
int pyslant_texts_next(pyslant_texts *t, slant_corpus **out);
void pyslant_texts_close(pyslant_texts *t);
/* Every text of TEXTS as one corpus with the labels and groups given
 * (LABELS a mapping of head to a sequence, GROUPS None or a sequence),
 * for training; -1 with an exception set. */
int pyslant_texts_corpus(PyObject *texts, PyObject *labels, PyObject *groups,
                         slant_corpus **out);

#endif /* PYSLANT_H */
