/*
 * slantmodule.c: the module slant, libslant for Python: load, train and
 * cross-validate (slant.Model, in model.c, labels).  Training options are
 * the program's, spelled as Python keywords (word_ngrams=(1, 2), c=1.0,
 * model="nb"), checked by the library's own rules.
 */
#include <math.h>
#include <string.h>

#include "pyslant.h"

PyObject *pyslant_error;

PyObject *pyslant_raise(slant_status st, const slant_error *err)
{
    const char *msg = err && err->message[0] ? err->message : slant_status_str(st);
    /* a path in the message may be any bytes */
    PyObject *text = PyUnicode_DecodeUTF8(msg, (Py_ssize_t)strlen(msg), "backslashreplace");
    PyObject *status = PyUnicode_FromString(slant_status_str(st));
    PyObject *e = text && status ? PyObject_CallOneArg(pyslant_error, text) : NULL;
    if (e && PyObject_SetAttrString(e, "status", status) == 0)
        PyErr_SetObject(pyslant_error, e);
    Py_XDECREF(e);
    Py_XDECREF(status);
    Py_XDECREF(text);
    return NULL;
}

/* The library's warnings become Python's (UserWarning); its progress
 * lines are dropped.  It may call from a worker thread that holds no GIL:
 * PyGILState_Ensure takes it (the thread that made the call released it).
 * A filter that turns the warning into an error cannot stop the library
 * mid-call, so that error is cleared. */
static void log_line(const char *line, void *user)
{
    (void)user;
    if (strncmp(line, "warning: ", 9) != 0)
        return;
    PyGILState_STATE g = PyGILState_Ensure();
    if (PyErr_WarnEx(PyExc_UserWarning, line + 9, 1) < 0)
        PyErr_Clear();
    PyGILState_Release(g);
}

/* load(path) -> Model */
static PyObject *slant_py_load(PyObject *mod, PyObject *args)
{
    (void)mod;
    PyObject *path;
    if (!PyArg_ParseTuple(args, "O&", PyUnicode_FSConverter, &path))
        return NULL;
    slant_model *m = NULL;
    slant_error err = {{0}};
    slant_status st;
    Py_BEGIN_ALLOW_THREADS
    st = slant_model_load(PyBytes_AS_STRING(path), &m, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path);
    if (st)
        return pyslant_raise(st, &err);
    return pyslant_model_wrap(m);
}

/* A training option's value, checked for its type; the library checks
 * its range (slant_options_check). */
static int as_u32(PyObject *v, const char *key, uint32_t *out)
{
    unsigned long x = PyLong_Check(v) ? PyLong_AsUnsignedLong(v) : (unsigned long)-1;
    if (PyErr_Occurred() || !PyLong_Check(v) || x > UINT32_MAX) {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "%s: give a whole number from 0 to %u", key, UINT32_MAX);
        return -1;
    }
    *out = (uint32_t)x;
    return 0;
}

static int as_double(PyObject *v, const char *key, const char *word, double word_value,
                     double *out)
{
    if (word && PyUnicode_Check(v) && PyUnicode_CompareWithASCIIString(v, word) == 0) {
        *out = word_value;
        return 0;
    }
    if (!PyFloat_Check(v) && !PyLong_Check(v)) {
        PyErr_Format(PyExc_TypeError, "%s: give a number%s%s%s", key, word ? " or '" : "",
                     word ? word : "", word ? "'" : "");
        return -1;
    }
    *out = PyFloat_AsDouble(v);
    if (*out == -1 && PyErr_Occurred())
        return -1;
    if (!(*out > 0)) {
        PyErr_Format(PyExc_ValueError, "%s: %R is not positive", key, v);
        return -1;
    }
    return 0;
}

static int as_bool(PyObject *v, int *out)
{
    int b = PyObject_IsTrue(v);
    if (b < 0)
        return -1;
    *out = b;
    return 0;
}

/* One of the names PARSE knows ("nb", "lr", ...) into *out. */
static int as_enum(PyObject *v, const char *key, int (*parse)(const char *), int *out)
{
    const char *s = PyUnicode_Check(v) ? PyUnicode_AsUTF8(v) : NULL;
    int x = s ? parse(s) : -1;
    if (x < 0) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_ValueError, "%s: %R is not one the library knows", key, v);
        return -1;
    }
    *out = x;
    return 0;
}

/* (lo, hi), or N for N..N (0: none). */
static int as_range(PyObject *v, const char *key, uint32_t *lo, uint32_t *hi)
{
    if (PyLong_Check(v))
        return as_u32(v, key, lo) || as_u32(v, key, hi);
    if (!PyTuple_Check(v) || PyTuple_GET_SIZE(v) != 2) {
        PyErr_Format(PyExc_TypeError, "%s: give (lo, hi) or one number", key);
        return -1;
    }
    return as_u32(PyTuple_GET_ITEM(v, 0), key, lo) || as_u32(PyTuple_GET_ITEM(v, 1), key, hi);
}

/* Training options in KW (may be NULL) into *o, from slant_options_init's
 * (the preset first); the target precision's text into TP.  Keys in SKIP
 * are left for the caller. */
static int options_of(PyObject *kw, const char *const *skip, slant_options *o, char *tp,
                      size_t tp_size)
{
    slant_options_init(o);
    if (!kw)
        return slant_options_check(o, NULL) ? -1 : 0;
    PyObject *preset = PyDict_GetItemString(kw, "preset");
    if (preset) {
        int p;
        if (as_enum(preset, "preset", slant_preset_parse, &p))
            return -1;
        slant_options_preset(o, (slant_preset)p);
    }
    const char *given[32];
    size_t n_given = 0;
    Py_ssize_t pos = 0;
    PyObject *key, *v;
    while (PyDict_Next(kw, &pos, &key, &v)) {
        const char *k = PyUnicode_AsUTF8(key);
        if (!k)
            return -1;
        int skipped = 0;
        for (size_t i = 0; skip && skip[i]; i++)
            skipped |= !strcmp(k, skip[i]);
        if (skipped || !strcmp(k, "preset"))
            continue;
        int x = 0, rc;
        const char *cli = NULL; /* the program's name, for slant_options_check_option */
        if (!strcmp(k, "model")) {
            rc = as_enum(v, k, slant_model_kind_parse, &x);
            o->model = (slant_model_kind)x;
        } else if (!strcmp(k, "word_ngrams")) {
            rc = as_range(v, k, &o->word_min, &o->word_max);
        } else if (!strcmp(k, "char_ngrams")) {
            rc = as_range(v, k, &o->char_min, &o->char_max);
        } else if (!strcmp(k, "hash_bits")) {
            rc = as_u32(v, k, &o->hash_bits);
        } else if (!strcmp(k, "min_count")) {
            rc = as_u32(v, k, &o->min_count);
        } else if (!strcmp(k, "weighting")) {
            rc = as_enum(v, k, slant_weighting_parse, &x);
            o->weighting = (slant_weighting)x;
        } else if (!strcmp(k, "punct")) {
            rc = as_bool(v, &o->punct);
        } else if (!strcmp(k, "keep_case")) {
            rc = as_bool(v, &o->keep_case);
        } else if (!strcmp(k, "class_weight")) {
            rc = as_bool(v, &o->class_weight);
        } else if (!strcmp(k, "alpha")) {
            rc = as_double(v, k, "auto", -1, &o->alpha);
            cli = "alpha";
        } else if (!strcmp(k, "beta")) { /* in [0, 1], or "auto" */
            if (PyUnicode_Check(v))
                rc = as_double(v, k, "auto", -1, &o->beta);
            else
                rc = (o->beta = PyFloat_AsDouble(v)) == -1 && PyErr_Occurred() ? -1 : 0;
            cli = "beta";
        } else if (!strcmp(k, "c")) {
            rc = as_double(v, k, NULL, 0, &o->c);
            cli = "c";
        } else if (!strcmp(k, "tol")) {
            rc = as_double(v, k, NULL, 0, &o->tol);
            cli = "tol";
        } else if (!strcmp(k, "gamma")) {
            rc = as_double(v, k, "scale", 0, &o->gamma);
            cli = "gamma";
        } else if (!strcmp(k, "iterations")) {
            rc = as_u32(v, k, &o->max_iter);
            cli = "iterations";
        } else if (!strcmp(k, "solver")) {
            rc = as_enum(v, k, slant_solver_parse, &x);
            o->solver = (slant_solver)x;
            cli = "solver";
        } else if (!strcmp(k, "kernel")) {
            rc = as_enum(v, k, slant_kernel_parse, &x);
            o->kernel = (slant_kernel)x;
            cli = "kernel";
        } else if (!strcmp(k, "nb_scale")) {
            rc = as_bool(v, &o->nb_scale);
            cli = "nb-scale";
        } else if (!strcmp(k, "force")) {
            rc = as_bool(v, &o->force);
            cli = "force";
        } else if (!strcmp(k, "threads")) {
            rc = as_u32(v, k, &o->threads);
        } else if (!strcmp(k, "seed")) {
            unsigned long long s = PyLong_Check(v) ? PyLong_AsUnsignedLongLong(v) : 0;
            rc = PyLong_Check(v) && !PyErr_Occurred() ? 0 : -1;
            if (rc) {
                PyErr_Clear();
                PyErr_SetString(PyExc_ValueError, "seed: give a whole number 0 or more");
            }
            o->seed = s;
        } else if (!strcmp(k, "calibrate")) {
            rc = as_enum(v, k, slant_calibration_parse, &x);
            o->calibrate = (slant_calibration)x;
        } else if (!strcmp(k, "target_precision")) {
            PyObject *s = PyObject_Str(v); /* 0.9, or "stance=0.9,source_type=0.8" */
            const char *t = s ? PyUnicode_AsUTF8(s) : NULL;
            rc = t ? 0 : -1;
            if (t)
                snprintf(tp, tp_size, "%s", t);
            Py_XDECREF(s);
            o->target_precision = tp;
        } else {
            PyErr_Format(PyExc_TypeError, "no training option '%s'", k);
            return -1;
        }
        if (rc)
            return -1;
        if (cli && n_given < sizeof given / sizeof *given)
            given[n_given++] = cli;
    }
    slant_error err = {{0}};
    slant_status st = slant_options_check(o, &err);
    for (size_t i = 0; !st && i < n_given; i++)
        st = slant_options_check_option(o, given[i], &err);
    if (st) {
        pyslant_raise(st, &err);
        return -1;
    }
    return 0;
}

/* The corpus and options of train and cv: texts, labels and groups from
 * ARGS and KW, every other keyword not in SKIP a training option. */
static int training_input(PyObject *args, PyObject *kw, const char *const *skip,
                          slant_corpus **corpus, slant_options *o, char *tp, size_t tp_size)
{
    PyObject *texts = NULL, *labels = NULL, *groups = Py_None;
    if (!PyArg_ParseTuple(args, "O|O", &texts, &labels))
        return -1;
    if (kw) {
        PyObject *l = PyDict_GetItemString(kw, "labels");
        PyObject *g = PyDict_GetItemString(kw, "groups");
        if (l && labels) {
            PyErr_SetString(PyExc_TypeError, "labels given twice");
            return -1;
        }
        labels = l ? l : labels;
        groups = g ? g : groups;
    }
    if (!labels) {
        PyErr_SetString(PyExc_TypeError, "give labels={head: [label, ...], ...}");
        return -1;
    }
    if (options_of(kw, skip, o, tp, tp_size))
        return -1;
    return pyslant_texts_corpus(texts, labels, groups, corpus);
}

static const char *const train_keys[] = {"labels", "groups", NULL};

/* train(texts, labels={head: [...]}, groups=None, **options) -> Model */
static PyObject *slant_py_train(PyObject *mod, PyObject *args, PyObject *kw)
{
    (void)mod;
    slant_corpus *c = NULL;
    slant_options o;
    char tp[512];
    if (training_input(args, kw, train_keys, &c, &o, tp, sizeof tp))
        return NULL;
    slant_model *m = NULL;
    slant_error err = {{0}};
    slant_status st;
    Py_BEGIN_ALLOW_THREADS
    st = slant_train(c, &o, &m, &err);
    Py_END_ALLOW_THREADS
    slant_corpus_free(c);
    if (st)
        return pyslant_raise(st, &err);
    return pyslant_model_wrap(m);
}

static const char *const cv_keys[] = {"labels", "groups", "folds", "keep_duplicates",
                                      "dup_threshold", NULL};

/* cv(texts, labels={...}, groups=None, folds=10, keep_duplicates=False,
 * dup_threshold=None, **options) -> the dict of cv --json */
static PyObject *slant_py_cv(PyObject *mod, PyObject *args, PyObject *kw)
{
    (void)mod;
    slant_cv_options cvo;
    slant_cv_options_init(&cvo);
    PyObject *v;
    if (kw && (v = PyDict_GetItemString(kw, "folds")) && as_u32(v, "folds", &cvo.folds))
        return NULL;
    if (kw && (v = PyDict_GetItemString(kw, "keep_duplicates")) && as_bool(v, &cvo.keep_duplicates))
        return NULL;
    if (kw && (v = PyDict_GetItemString(kw, "dup_threshold")) && v != Py_None) {
        if (as_double(v, "dup_threshold", NULL, 0, &cvo.dup_threshold))
            return NULL;
        if (cvo.dup_threshold > 1)
            return PyErr_Format(PyExc_ValueError, "dup_threshold: give a Jaccard similarity "
                                "above 0 and at most 1");
    }
    if (cvo.folds < 2 && kw && PyDict_GetItemString(kw, "folds"))
        return PyErr_Format(PyExc_ValueError, "folds: give 2 or more");
    slant_corpus *c = NULL;
    slant_options o;
    char tp[512];
    if (training_input(args, kw, cv_keys, &c, &o, tp, sizeof tp))
        return NULL;
    cvo.by_group = slant_corpus_group_name(c) != NULL;
    slant_eval_json_cv rep = {.grouped_by = slant_corpus_group_name(c),
                              .dup_threshold = cvo.dup_threshold};
    slant_eval *ev = NULL;
    slant_error err = {{0}};
    slant_status st;
    char *buf = NULL;
    size_t cap = 0, len = 0;
    Py_BEGIN_ALLOW_THREADS
    st = slant_cross_validate_with(c, &o, &cvo, &ev, &rep.info, NULL, &err);
    if (!st)
        st = slant_eval_json(ev, &rep, &buf, &cap, &len, &err);
    Py_END_ALLOW_THREADS
    slant_eval_free(ev);
    PyObject *out = NULL;
    if (st) {
        pyslant_raise(st, &err);
    } else {
        PyObject *json = PyImport_ImportModule("json");
        out = json ? PyObject_CallMethod(json, "loads", "s#", buf, (Py_ssize_t)len) : NULL;
        Py_XDECREF(json);
    }
    free(buf);
    slant_corpus_free(c); /* the group name above is the corpus's */
    return out;
}

/* merge(models, average=False) -> Model: slant_model_merge on the models'
 * handles, which the sequence keeps alive for the call. */
static PyObject *slant_py_merge(PyObject *mod, PyObject *args, PyObject *kw)
{
    (void)mod;
    static char *names[] = {"models", "average", NULL};
    PyObject *seq;
    int average = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|$p", names, &seq, &average))
        return NULL;
    PyObject *fast = PySequence_Fast(seq, "merge: models must be a sequence of slant.Model");
    if (!fast)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    const slant_model **ms = PyMem_Calloc(n ? (size_t)n : 1, sizeof *ms);
    if (!ms) {
        Py_DECREF(fast);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *o = PySequence_Fast_GET_ITEM(fast, i);
        if (!PyObject_TypeCheck(o, &pyslant_model_type)) {
            PyErr_Format(PyExc_TypeError, "merge: item %zd is a %s, not a slant.Model", i,
                         Py_TYPE(o)->tp_name);
            PyMem_Free(ms);
            Py_DECREF(fast);
            return NULL;
        }
        ms[i] = ((pyslant_model *)o)->model;
    }
    slant_model *out = NULL;
    slant_error err = {{0}};
    slant_status st;
    Py_BEGIN_ALLOW_THREADS
    st = slant_model_merge(ms, NULL, (size_t)n, average, &out, &err);
    Py_END_ALLOW_THREADS
    PyMem_Free(ms);
    Py_DECREF(fast);
    if (st)
        return pyslant_raise(st, &err);
    return pyslant_model_wrap(out);
}

static PyMethodDef slant_methods[] = {
    {"load", slant_py_load, METH_VARARGS,
     "load(path) -> Model\n\nMaps the model file and checks it whole before use."},
    {"train", (PyCFunction)(void (*)(void))slant_py_train, METH_VARARGS | METH_KEYWORDS,
     "train(texts, labels={head: [label, ...]}, groups=None, **options) -> Model\n\n"
     "Trains one model with a head per entry of labels (None or NaN: no label).\n"
     "Options are the program's, as keywords: model='nb', word_ngrams=(1, 2),\n"
     "char_ngrams=(2, 4), hash_bits, min_count, weighting, punct, keep_case,\n"
     "class_weight, alpha, beta, c, tol, iterations, solver, kernel, gamma,\n"
     "nb_scale, force, threads, seed, preset, calibrate, target_precision."},
    {"cv", (PyCFunction)(void (*)(void))slant_py_cv, METH_VARARGS | METH_KEYWORDS,
     "cv(texts, labels={...}, groups=None, folds=10, keep_duplicates=False,\n"
     "   dup_threshold=None, **options) -> dict\n\n"
     "Cross-validates as `slant cv --json` does and returns its object; with\n"
     "groups, no group spans two folds."},
    {"merge", (PyCFunction)(void (*)(void))slant_py_merge, METH_VARARGS | METH_KEYWORDS,
     "merge(models, average=False) -> Model\n\n"
     "One model of the models of disjoint shards, as `slant merge` makes it:\n"
     "naive Bayes on hashed (or the same fixed) features adds the shards' sums,\n"
     "equal to training on their union; average=True averages lr models'\n"
     "weights (parameter mixing)."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef slant_module = {
    PyModuleDef_HEAD_INIT, "slant",
    "slant: a local text classifier (libslant for Python).\n\n"
    "    m = slant.load('stance.slant')\n"
    "    m.label(['text one', 'text two'])   # dicts as `slant label --json`\n",
    -1, slant_methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit_slant(void)
{
    if (PyType_Ready(&pyslant_model_type) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&slant_module);
    if (!m)
        return NULL;
    pyslant_error = PyErr_NewExceptionWithDoc(
        "slant.Error", "A failure of libslant, with its message (and its status in .status).",
        NULL, NULL);
    if (!pyslant_error || PyModule_AddObjectRef(m, "Error", pyslant_error) < 0
        || PyModule_AddObjectRef(m, "Model", (PyObject *)&pyslant_model_type) < 0
        || PyModule_AddStringConstant(m, "__version__", SLANT_VERSION) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    slant_set_log(log_line, NULL); /* this module's own copy of libslant */
    return m;
}
