/*
 * texts.c: Python texts into libslant corpora.  Labeling reads any
 * iterable (a list, a pandas Series, a generator) a batch at a time, so
 * that a stream of any length costs the memory of one batch; training
 * needs every text at once and takes them whole.
 */
#include <math.h>
#include <string.h>

#include "pyslant.h"

/* The UTF-8 of ITEM, a str, into *s and *len; WHAT and I name it in the
 * exception otherwise. */
static int utf8_of(PyObject *item, const char *what, size_t i, const char **s, Py_ssize_t *len)
{
    if (!PyUnicode_Check(item)) {
        PyErr_Format(PyExc_TypeError, "%s[%zu] is a %.80s, not a str", what, i,
                     Py_TYPE(item)->tp_name);
        return -1;
    }
    *s = PyUnicode_AsUTF8AndSize(item, len);
    if (!*s)
        return -1;
    if (strlen(*s) != (size_t)*len) {
        PyErr_Format(PyExc_ValueError, "%s[%zu] holds a NUL character", what, i);
        return -1;
    }
    return 0;
}

/* An iterator over V, or over V alone when it is one str (not its
 * characters). */
static PyObject *iter_of(PyObject *v)
{
    if (!PyUnicode_Check(v))
        return PyObject_GetIter(v);
    PyObject *one = PyTuple_Pack(1, v);
    PyObject *it = one ? PyObject_GetIter(one) : NULL;
    Py_XDECREF(one);
    return it;
}

int pyslant_texts_open(pyslant_texts *t, PyObject *texts, PyObject *ids)
{
    memset(t, 0, sizeof *t);
    if (!(t->iter = iter_of(texts)))
        return -1;
    if (ids && ids != Py_None && !(t->ids = iter_of(ids)))
        return -1;
    for (int b = 0; b < 2; b++) {
        t->id_buf[b] = PyMem_Malloc(PYSLANT_BATCH * sizeof *t->id_buf[b]);
        t->numbers[b] = PyMem_Malloc(PYSLANT_BATCH * sizeof *t->numbers[b]);
        if (!t->id_buf[b] || !t->numbers[b]) {
            PyErr_NoMemory();
            return -1;
        }
    }
    return 0;
}

void pyslant_texts_close(pyslant_texts *t)
{
    Py_CLEAR(t->iter);
    Py_CLEAR(t->ids);
    for (int b = 0; b < 2; b++) {
        Py_CLEAR(t->keep[b]);
        PyMem_Free(t->id_buf[b]);
        PyMem_Free(t->numbers[b]);
        t->id_buf[b] = NULL;
        t->numbers[b] = NULL;
    }
    t->id = NULL;
}

/* The id of text I of the batch into t->id[i]; its str kept in t->keep. */
static int next_id(pyslant_texts *t, size_t i)
{
    size_t at = t->done + i;
    if (!t->ids) {
        char *number = t->numbers[t->cur][i];
        snprintf(number, sizeof t->numbers[t->cur][i], "%zu", at + 1);
        t->id[i] = number;
        return 0;
    }
    PyObject *id = PyIter_Next(t->ids);
    if (!id) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_ValueError, "fewer ids than texts: no id for texts[%zu]", at);
        return -1;
    }
    Py_ssize_t len;
    int rc = utf8_of(id, "ids", at, &t->id[i], &len);
    if (!rc)
        rc = PyList_Append(t->keep[t->cur], id);
    Py_DECREF(id);
    return rc;
}

int pyslant_texts_next(pyslant_texts *t, slant_corpus **out)
{
    *out = NULL;
    t->done += t->n;
    t->n = 0;
    t->cur = 1 - t->cur; /* the batch before last's ids go */
    t->id = t->id_buf[t->cur];
    Py_CLEAR(t->keep[t->cur]);
    t->keep[t->cur] = PyList_New(0);
    if (!t->keep[t->cur])
        return -1;
    const char *texts[PYSLANT_BATCH];
    size_t n = 0;
    while (n < PYSLANT_BATCH) {
        PyObject *item = PyIter_Next(t->iter);
        if (!item) {
            if (PyErr_Occurred())
                return -1;
            break;
        }
        Py_ssize_t len;
        int rc = utf8_of(item, "texts", t->done + n, &texts[n], &len);
        if (!rc)
            rc = PyList_Append(t->keep[t->cur], item);
        Py_DECREF(item);
        if (rc || next_id(t, n))
            return -1;
        n++;
    }
    if (n == 0) {
        if (t->ids) { /* ids left over mean the two do not line up */
            PyObject *extra = PyIter_Next(t->ids);
            if (extra) {
                Py_DECREF(extra);
                PyErr_Format(PyExc_ValueError, "more ids than texts (%zu)", t->done);
                return -1;
            }
            if (PyErr_Occurred())
                return -1;
        }
        return 0;
    }
    slant_error err = {{0}};
    slant_status st = slant_corpus_from_memory(n, texts, 0, NULL, NULL, out, &err);
    if (st) {
        pyslant_raise(st, &err);
        return -1;
    }
    t->n = n;
    return 0;
}

/* A label or group: a str, or None or NaN (pandas' missing value) for
 * none, into *s. */
static int name_of(PyObject *item, const char *what, size_t i, const char **s)
{
    if (item == Py_None || (PyFloat_Check(item) && isnan(PyFloat_AS_DOUBLE(item)))) {
        *s = NULL;
        return 0;
    }
    Py_ssize_t len;
    return utf8_of(item, what, i, s, &len);
}

/* SEQ as a list or tuple of N entries (a new reference), or NULL with an
 * exception naming WHAT. */
static PyObject *sequence_of(PyObject *seq, Py_ssize_t n, const char *what)
{
    if (PyUnicode_Check(seq)) {
        PyErr_Format(PyExc_TypeError, "%s: give a sequence of str, not one str", what);
        return NULL;
    }
    PyObject *fast = PySequence_Fast(seq, what);
    if (fast && n >= 0 && PySequence_Fast_GET_SIZE(fast) != n) {
        PyErr_Format(PyExc_ValueError, "%s has %zd entries for %zd texts", what,
                     PySequence_Fast_GET_SIZE(fast), n);
        Py_CLEAR(fast);
    }
    return fast;
}

int pyslant_texts_corpus(PyObject *texts, PyObject *labels, PyObject *groups,
                         slant_corpus **out)
{
    *out = NULL;
    if (labels && labels != Py_None && !PyDict_Check(labels)) {
        PyErr_SetString(PyExc_TypeError, "labels: give a dict of head name to labels");
        return -1;
    }
    size_t nh = labels && labels != Py_None ? (size_t)PyDict_Size(labels) : 0;
    PyObject *all = sequence_of(texts, -1, "texts");
    if (!all)
        return -1;
    size_t n = (size_t)PySequence_Fast_GET_SIZE(all);
    PyObject *cols = PyList_New(0); /* the label sequences, kept while their UTF-8 is read */
    const char **t = PyMem_Calloc(n ? n : 1, sizeof *t);
    const char **heads = PyMem_Calloc(nh ? nh : 1, sizeof *heads);
    const char **lab = PyMem_Calloc(n * nh + 1, sizeof *lab);
    const char **grp = NULL;
    int rc = -1;
    if (!cols || !t || !heads || !lab) {
        PyErr_NoMemory();
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        Py_ssize_t len;
        if (utf8_of(PySequence_Fast_GET_ITEM(all, i), "texts", i, &t[i], &len))
            goto done;
    }
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    for (size_t h = 0; nh && PyDict_Next(labels, &pos, &key, &value); h++) {
        Py_ssize_t len;
        if (utf8_of(key, "labels' keys", h, &heads[h], &len))
            goto done;
        char what[160];
        snprintf(what, sizeof what, "labels[\"%.100s\"]", heads[h]);
        PyObject *col = sequence_of(value, (Py_ssize_t)n, what);
        if (!col)
            goto done;
        int bad = PyList_Append(cols, col);
        Py_DECREF(col); /* cols holds it */
        for (size_t i = 0; !bad && i < n; i++)
            bad = name_of(PySequence_Fast_GET_ITEM(col, i), what, i, &lab[i * nh + h]);
        if (bad)
            goto done;
    }
    PyObject *gcol = NULL;
    if (groups && groups != Py_None) {
        gcol = sequence_of(groups, (Py_ssize_t)n, "groups");
        if (!gcol || PyList_Append(cols, gcol)) {
            Py_XDECREF(gcol);
            goto done;
        }
        Py_DECREF(gcol);
        grp = PyMem_Calloc(n ? n : 1, sizeof *grp);
        if (!grp) {
            PyErr_NoMemory();
            goto done;
        }
        for (size_t i = 0; i < n; i++)
            if (name_of(PySequence_Fast_GET_ITEM(gcol, i), "groups", i, &grp[i]))
                goto done;
    }
    slant_error err = {{0}};
    slant_status st;
    Py_BEGIN_ALLOW_THREADS
    st = slant_corpus_from_memory(n, t, nh, heads, lab, out, &err);
    if (!st && grp)
        st = slant_corpus_set_groups(*out, "group", grp, &err);
    Py_END_ALLOW_THREADS
    if (st) {
        slant_corpus_free(*out);
        *out = NULL;
        pyslant_raise(st, &err);
        goto done;
    }
    rc = 0;
done:
    PyMem_Free(t);
    PyMem_Free(heads);
    PyMem_Free(lab);
    PyMem_Free(grp);
    Py_XDECREF(cols);
    Py_DECREF(all);
    return rc;
}
