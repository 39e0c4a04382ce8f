/*
 * model.c: slant.Model, a Python object around one slant_model.  Labeling
 * reads the texts a batch at a time (texts.c), labels each batch and
 * builds its JSON rows with the GIL released: the rows are label --json's
 * own bytes (slant_label_json), so the module and the program cannot
 * disagree.  For dicts, the json module parses a batch's rows as one
 * array: the module knows no member of the JSON by name.
 */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "pyslant.h"

/* What a labeling call was asked for. */
typedef struct label_ask {
    uint32_t threads;
    size_t explain;       /* n-grams each way; 0: no explanations */
    int explain_only;     /* 1: explain --json's rows, not label's */
    int array;            /* 1: the rows as one JSON array, for json.loads */
    slant_label_json_options jo;
} label_ask;

/* One batch's rows, built without the GIL: the rows one after the other
 * in buf, each one's start and end in at (2 per row); with array, between
 * "[" and "]" and separated by commas. */
typedef struct rows {
    char *buf, *row;
    size_t len, cap, row_cap;
    size_t *at;
} rows;

static int append(rows *r, const char *s, size_t n)
{
    if (r->len + n + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 1 << 16;
        while (cap < r->len + n + 1)
            cap *= 2;
        char *p = PyMem_RawRealloc(r->buf, cap);
        if (!p)
            return -1;
        r->buf = p;
        r->cap = cap;
    }
    memcpy(r->buf + r->len, s, n);
    r->len += n;
    r->buf[r->len] = '\0';
    return 0;
}

static slant_status set_error(slant_error *err, slant_status st, const char *msg)
{
    snprintf(err->message, sizeof err->message, "%s", msg);
    return st;
}

static slant_status no_memory(slant_error *err)
{
    return set_error(err, SLANT_STATUS_NO_MEMORY, "out of memory");
}

/* Labels BATCH (ids ID) into R; called without the GIL. */
static slant_status label_batch(const slant_model *m, const label_ask *a,
                                const slant_corpus *batch, const char *const *id, rows *r,
                                slant_error *err)
{
    size_t n = slant_corpus_size(batch), tc = slant_model_total_classes(m),
           nh = slant_model_heads(m);
    double *probs = PyMem_RawMalloc((n * tc + 1) * sizeof *probs);
    size_t *best = PyMem_RawMalloc((n * nh + 1) * sizeof *best);
    double *known = PyMem_RawMalloc(2 * n * sizeof *known);
    slant_explanation **why = a->explain ? PyMem_RawCalloc(n * nh + 1, sizeof *why)
                                         : NULL;
    r->len = 0;
    slant_status st = SLANT_STATUS_OK;
    if (!probs || !best || !known || (a->explain && !why) || (a->array && append(r, "[", 1)))
        st = no_memory(err);
    if (!st && why)
        st = slant_model_explain_corpus(m, batch, 0, n, a->threads, a->explain, probs, best, why,
                                        err);
    /* explaining gives no shares: a labeling pass more for them, whose
     * probabilities are the very same (as the program does it) */
    if (!st && !a->explain_only)
        st = slant_model_predict_corpus_known(m, batch, 0, n, a->threads, probs, best, known,
                                              err);
    for (size_t d = 0; d < n && !st; d++) {
        size_t len = 0;
        if (a->explain_only)
            st = slant_explain_json(m, id[d], probs + d * tc, why + d * nh, NULL, &r->row,
                                    &r->row_cap, &len, err);
        else
            st = slant_label_json(m, id[d], probs + d * tc, best + d * nh,
                                  why ? why + d * nh : NULL, known + 2 * d, &a->jo, &r->row,
                                  &r->row_cap, &len, err);
        if (!st && ((a->array && d && append(r, ",", 1)) || append(r, r->row, len)))
            st = no_memory(err);
        if (!st) {
            r->at[2 * d] = r->len - len;
            r->at[2 * d + 1] = r->len;
        }
    }
    if (!st && a->array && append(r, "]", 1))
        st = no_memory(err);
    for (size_t i = 0; why && i < n * nh; i++)
        slant_explanation_free(why[i]);
    PyMem_RawFree(probs);
    PyMem_RawFree(best);
    PyMem_RawFree(known);
    PyMem_RawFree(why);
    return st;
}

/* One batch being labeled on a thread of its own, while the thread that
 * holds the GIL reads the next batch and turns the last one's rows into
 * Python objects: parsing the JSON costs about a sixth of labeling, and
 * so is hidden rather than added. */
typedef struct label_job {
    const slant_model *model;
    const label_ask *ask;
    slant_corpus *batch;
    const char *const *id;
    rows *r;
    slant_error err;
    slant_status st;
    pthread_t thread;
    int running;  /* 1: thread started, to be joined */
} label_job;

static void *label_job_run(void *v)
{
    label_job *j = v;
    j->st = label_batch(j->model, j->ask, j->batch, j->id, j->r, &j->err);
    return NULL;
}

/* Starts labeling BATCH into R (on this thread when no other starts). */
static void job_start(label_job *j, slant_corpus *batch, const char *const *id, rows *r)
{
    j->batch = batch;
    j->id = id;
    j->r = r;
    memset(&j->err, 0, sizeof j->err);
    j->running = pthread_create(&j->thread, NULL, label_job_run, j) == 0;
    if (!j->running) {
        Py_BEGIN_ALLOW_THREADS
        label_job_run(j);
        Py_END_ALLOW_THREADS
    }
}

/* Waits for the job; its batch is freed.  Returns its status. */
static slant_status job_finish(label_job *j)
{
    if (j->running) {
        Py_BEGIN_ALLOW_THREADS
        pthread_join(j->thread, NULL);
        Py_END_ALLOW_THREADS
        j->running = 0;
    }
    slant_corpus_free(j->batch);
    j->batch = NULL;
    return j->st;
}

/* Appends R's N rows to OUT: as str (AS_STR), else parsed by LOADS. */
static int rows_to_python(const rows *r, size_t n, PyObject *loads, int as_str, PyObject *out)
{
    if (as_str) {
        for (size_t d = 0; d < n; d++) {
            PyObject *s = PyUnicode_FromStringAndSize(r->buf + r->at[2 * d],
                                                      (Py_ssize_t)(r->at[2 * d + 1] - r->at[2 * d]));
            int rc = s ? PyList_Append(out, s) : -1;
            Py_XDECREF(s);
            if (rc)
                return -1;
        }
        return 0;
    }
    PyObject *text = PyUnicode_FromStringAndSize(r->buf, (Py_ssize_t)r->len); /* ASCII */
    PyObject *list = text ? PyObject_CallOneArg(loads, text) : NULL;
    Py_XDECREF(text);
    int rc = list ? PyList_SetSlice(out, PY_SSIZE_T_MAX, PY_SSIZE_T_MAX, list) : -1;
    Py_XDECREF(list);
    return rc;
}

/* Labels every text of TEXTS; AS_STR: a list of the JSON rows as str,
 * else of the objects they parse to. */
static PyObject *label_all(pyslant_model *self, PyObject *texts, PyObject *ids,
                           const label_ask *a, int as_str)
{
    PyObject *out = PyList_New(0), *loads = NULL;
    pyslant_texts t = {0};
    rows r[2] = {{0}};
    label_ask ask = *a;
    ask.array = !as_str;
    label_job job = {.model = self->model, .ask = &ask};
    int ok = out != NULL;
    for (int i = 0; i < 2 && ok; i++)
        if (!(r[i].at = PyMem_Malloc(2 * PYSLANT_BATCH * sizeof *r[i].at))) {
            PyErr_NoMemory();
            ok = 0;
        }
    ok = ok && pyslant_texts_open(&t, texts, ids) == 0;
    if (ok && !as_str) {
        PyObject *json = PyImport_ImportModule("json");
        loads = json ? PyObject_GetAttrString(json, "loads") : NULL;
        Py_XDECREF(json);
        ok = loads != NULL;
    }
    slant_corpus *batch = NULL;
    ok = ok && pyslant_texts_next(&t, &batch) == 0;
    if (ok && batch)
        job_start(&job, batch, t.id, &r[0]);
    for (int cur = 0; ok && job.batch; cur = 1 - cur) {
        slant_corpus *next = NULL;
        ok = pyslant_texts_next(&t, &next) == 0; /* while the job labels */
        size_t n = slant_corpus_size(job.batch);
        slant_status st = job_finish(&job);
        if (ok && st) {
            pyslant_raise(st, &job.err);
            ok = 0;
        }
        if (ok && next)
            job_start(&job, next, t.id, &r[1 - cur]);
        else
            slant_corpus_free(next);
        ok = ok && rows_to_python(&r[cur], n, loads, as_str, out) == 0;
    }
    job_finish(&job); /* after a failure, the job under way */
    pyslant_texts_close(&t);
    for (int i = 0; i < 2; i++) {
        PyMem_RawFree(r[i].buf);
        free(r[i].row); /* slant_label_json's, from malloc */
        PyMem_Free(r[i].at);
    }
    Py_XDECREF(loads);
    if (!ok)
        Py_CLEAR(out);
    return out;
}

static int threads_of(PyObject *v, uint32_t *out)
{
    long t = PyLong_AsLong(v);
    if (t == -1 && PyErr_Occurred())
        return -1;
    if (t < 0 || t > 1024) {
        PyErr_Format(PyExc_ValueError, "threads: %ld is not between 0 (every core) and 1024", t);
        return -1;
    }
    *out = (uint32_t)t;
    return 0;
}

/* label(texts, threads=0, ids=None, explain=0, abstain=False,
 * abstain_below=None, min_known=None), and label_json with the same. */
static PyObject *label_common(pyslant_model *self, PyObject *args, PyObject *kw, int as_str)
{
    static char *names[] = {"texts", "threads", "ids", "explain", "abstain", "abstain_below",
                            "min_known", NULL};
    PyObject *texts, *threads = NULL, *ids = Py_None, *below = Py_None, *min_known = Py_None;
    Py_ssize_t explain = 0;
    int abstain = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|$OOnpOO", names, &texts, &threads, &ids,
                                     &explain, &abstain, &below, &min_known))
        return NULL;
    label_ask a = {0};
    slant_label_json_options_init(&a.jo);
    if (threads && threads_of(threads, &a.threads))
        return NULL;
    if (explain < 0)
        return PyErr_Format(PyExc_ValueError, "explain: %zd n-grams each way is negative",
                            explain);
    a.explain = (size_t)explain;
    a.jo.abstain = abstain || below != Py_None;
    if (below != Py_None) {
        a.jo.below = PyFloat_AsDouble(below);
        if (a.jo.below == -1 && PyErr_Occurred())
            return NULL;
        if (!(a.jo.below >= 0 && a.jo.below <= 1))
            return PyErr_Format(PyExc_ValueError, "abstain_below: %g is not between 0 and 1",
                                a.jo.below);
    }
    if (min_known != Py_None) {
        a.jo.min_known = PyFloat_AsDouble(min_known);
        if (a.jo.min_known == -1 && PyErr_Occurred())
            return NULL;
        if (!(a.jo.min_known >= 0 && a.jo.min_known <= 1))
            return PyErr_Format(PyExc_ValueError, "min_known: %g is not between 0 and 1",
                                a.jo.min_known);
    }
    const slant_model *m = self->model;
    slant_error err = {{0}};
    if (a.explain) {
        slant_status st = slant_model_explainable(m, &err);
        if (st)
            return pyslant_raise(st, &err);
    }
    if (a.jo.abstain && a.jo.below < 0) {
        int any = 0;
        for (size_t h = 0; h < slant_model_heads(m); h++)
            any |= slant_model_target_precision(m, h) > 0;
        if (!any)
            return PyErr_Format(pyslant_error, "abstain: the model has no stored thresholds "
                                "(train it with target_precision=P), or give abstain_below=T");
    }
    return label_all(self, texts, ids, &a, as_str);
}

static PyObject *model_label(pyslant_model *self, PyObject *args, PyObject *kw)
{
    return label_common(self, args, kw, 0);
}

static PyObject *model_label_json(pyslant_model *self, PyObject *args, PyObject *kw)
{
    return label_common(self, args, kw, 1);
}

/* explain(texts, k=10, threads=0, ids=None): explain --json's rows. */
static PyObject *model_explain(pyslant_model *self, PyObject *args, PyObject *kw)
{
    static char *names[] = {"texts", "k", "threads", "ids", NULL};
    PyObject *texts, *threads = NULL, *ids = Py_None;
    Py_ssize_t k = 10;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|n$OO", names, &texts, &k, &threads, &ids))
        return NULL;
    label_ask a = {0};
    slant_label_json_options_init(&a.jo);
    if (threads && threads_of(threads, &a.threads))
        return NULL;
    if (k < 1)
        return PyErr_Format(PyExc_ValueError, "k: %zd n-grams each way; give 1 or more", k);
    a.explain = (size_t)k;
    a.explain_only = 1;
    slant_error err = {{0}};
    slant_status st = slant_model_explainable(self->model, &err);
    if (st)
        return pyslant_raise(st, &err);
    return label_all(self, texts, ids, &a, 0);
}

/* The head HEAD names (a str or an int) into *h; SIZE_MAX for None. */
static int head_of(const slant_model *m, PyObject *head, size_t *h)
{
    size_t nh = slant_model_heads(m);
    if (head == Py_None) {
        *h = SIZE_MAX;
        return 0;
    }
    if (PyLong_Check(head)) {
        Py_ssize_t i = PyLong_AsSsize_t(head);
        if (i == -1 && PyErr_Occurred())
            return -1;
        if (i < 0 || (size_t)i >= nh) {
            PyErr_Format(PyExc_IndexError, "head %zd: the model has %zu heads", i, nh);
            return -1;
        }
        *h = (size_t)i;
        return 0;
    }
    const char *name = PyUnicode_Check(head) ? PyUnicode_AsUTF8(head) : NULL;
    if (!name) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "head: give its name, its number or None");
        return -1;
    }
    for (size_t i = 0; i < nh; i++)
        if (!strcmp(slant_model_head_name(m, i), name)) {
            *h = i;
            return 0;
        }
    PyErr_Format(PyExc_KeyError, "the model has no head '%s'", name);
    return -1;
}

/* probabilities(texts, head=None, threads=0): a float64 array, a row per
 * text, a column per class of HEAD (every head's, in the model's order,
 * for None). */
static PyObject *model_probabilities(pyslant_model *self, PyObject *args, PyObject *kw)
{
    static char *names[] = {"texts", "head", "threads", NULL};
    PyObject *texts, *head = Py_None, *threads_o = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|O$O", names, &texts, &head, &threads_o))
        return NULL;
    const slant_model *m = self->model;
    uint32_t threads = 0;
    size_t h;
    if ((threads_o && threads_of(threads_o, &threads)) || head_of(m, head, &h))
        return NULL;
    size_t tc = slant_model_total_classes(m);
    size_t off = h == SIZE_MAX ? 0 : slant_model_class_offset(m, h);
    size_t k = h == SIZE_MAX ? tc : slant_model_classes(m, h);
    PyObject *numpy = PyImport_ImportModule("numpy");
    if (!numpy)
        return NULL;
    pyslant_texts t = {0};
    double *probs = PyMem_Malloc(PYSLANT_BATCH * (tc ? tc : 1) * sizeof *probs);
    double *all = NULL; /* n x k, grown a batch at a time */
    size_t n = 0;
    int ok = probs && pyslant_texts_open(&t, texts, Py_None) == 0;
    if (!probs)
        PyErr_NoMemory();
    slant_corpus *batch = NULL;
    while (ok && (ok = pyslant_texts_next(&t, &batch) == 0) && batch) {
        size_t b = slant_corpus_size(batch);
        double *grown = PyMem_Realloc(all, ((n + b) * k + 1) * sizeof *all);
        if (!grown) {
            slant_corpus_free(batch);
            PyErr_NoMemory();
            ok = 0;
            break;
        }
        all = grown;
        slant_error err = {{0}};
        slant_status st;
        Py_BEGIN_ALLOW_THREADS
        st = slant_model_predict_corpus(m, batch, 0, b, threads, probs, NULL, &err);
        for (size_t d = 0; !st && d < b; d++)
            memcpy(all + (n + d) * k, probs + d * tc + off, k * sizeof *all);
        Py_END_ALLOW_THREADS
        slant_corpus_free(batch);
        if (st) {
            pyslant_raise(st, &err);
            ok = 0;
            break;
        }
        n += b;
    }
    pyslant_texts_close(&t);
    PyMem_Free(probs);
    PyObject *arr = NULL;
    if (ok) {
        arr = PyObject_CallMethod(numpy, "empty", "((nn)s)", (Py_ssize_t)n, (Py_ssize_t)k,
                                  "float64");
        Py_buffer view;
        if (arr && PyObject_GetBuffer(arr, &view, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) == 0) {
            if (n * k)
                memcpy(view.buf, all, n * k * sizeof *all);
            PyBuffer_Release(&view);
        } else {
            Py_CLEAR(arr);
        }
    }
    PyMem_Free(all);
    Py_DECREF(numpy);
    return arr;
}

/* save(path): replaced whole or not at all, as slant_model_save writes. */
static PyObject *model_save(pyslant_model *self, PyObject *args)
{
    PyObject *path;
    if (!PyArg_ParseTuple(args, "O&", PyUnicode_FSConverter, &path))
        return NULL;
    slant_error err = {{0}};
    slant_status st;
    Py_BEGIN_ALLOW_THREADS
    st = slant_model_save(self->model, PyBytes_AS_STRING(path), &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path);
    if (st)
        return pyslant_raise(st, &err);
    Py_RETURN_NONE;
}

static PyObject *model_heads(pyslant_model *self, void *closure)
{
    (void)closure;
    size_t nh = slant_model_heads(self->model);
    PyObject *t = PyTuple_New((Py_ssize_t)nh);
    for (size_t h = 0; t && h < nh; h++) {
        PyObject *s = PyUnicode_FromString(slant_model_head_name(self->model, h));
        if (!s) {
            Py_CLEAR(t);
            break;
        }
        PyTuple_SET_ITEM(t, (Py_ssize_t)h, s);
    }
    return t;
}

/* {head: (class, ...)}, in the model's order. */
static PyObject *model_classes(pyslant_model *self, void *closure)
{
    (void)closure;
    const slant_model *m = self->model;
    PyObject *d = PyDict_New();
    for (size_t h = 0; d && h < slant_model_heads(m); h++) {
        size_t nc = slant_model_classes(m, h);
        PyObject *t = PyTuple_New((Py_ssize_t)nc);
        for (size_t c = 0; t && c < nc; c++) {
            PyObject *s = PyUnicode_FromString(slant_model_class_name(m, h, c));
            if (!s)
                Py_CLEAR(t);
            else
                PyTuple_SET_ITEM(t, (Py_ssize_t)c, s);
        }
        if (!t || PyDict_SetItemString(d, slant_model_head_name(m, h), t))
            Py_CLEAR(d);
        Py_XDECREF(t);
    }
    return d;
}

static PyObject *model_provenance(pyslant_model *self, void *closure)
{
    (void)closure;
    return PyUnicode_FromString(slant_model_provenance(self->model));
}

static PyObject *model_kind(pyslant_model *self, void *closure)
{
    (void)closure;
    return PyUnicode_FromString(slant_model_kind_name(slant_model_kind_of(self->model)));
}

static PyObject *model_features(pyslant_model *self, void *closure)
{
    (void)closure;
    return PyLong_FromSize_t(slant_model_features(self->model));
}

static PyObject *model_repr(pyslant_model *self)
{
    PyObject *heads = model_heads(self, NULL);
    if (!heads)
        return NULL;
    PyObject *r = PyUnicode_FromFormat("<slant.Model %s, %zu features, heads %R>",
                                       slant_model_kind_name(slant_model_kind_of(self->model)),
                                       slant_model_features(self->model), heads);
    Py_DECREF(heads);
    return r;
}

static void model_dealloc(pyslant_model *self)
{
    slant_model_free(self->model);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *model_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    (void)type, (void)args, (void)kw;
    PyErr_SetString(PyExc_TypeError, "make a Model with slant.load or slant.train");
    return NULL;
}

PyObject *pyslant_model_wrap(slant_model *m)
{
    pyslant_model *self = PyObject_New(pyslant_model, &pyslant_model_type);
    if (!self) {
        slant_model_free(m);
        return NULL;
    }
    self->model = m;
    return (PyObject *)self;
}

static PyMethodDef model_methods[] = {
    {"label", (PyCFunction)(void (*)(void))model_label, METH_VARARGS | METH_KEYWORDS,
     "label(texts, *, threads=0, ids=None, explain=0, abstain=False, abstain_below=None,\n"
     "      min_known=None) -> list of dict\n\n"
     "Labels each text (a str, or an iterable of str read a batch at a time) as\n"
     "`slant label --json` does: one dict per text, ids numbered from 1 unless given."},
    {"label_json", (PyCFunction)(void (*)(void))model_label_json, METH_VARARGS | METH_KEYWORDS,
     "label_json(texts, ...) -> list of str\n\n"
     "label's rows as the JSON text `slant label --json` prints, byte for byte."},
    {"explain", (PyCFunction)(void (*)(void))model_explain, METH_VARARGS | METH_KEYWORDS,
     "explain(texts, k=10, *, threads=0, ids=None) -> list of dict\n\n"
     "Why each text gets its labels, as `slant explain --json` says: the k n-grams\n"
     "that pushed hardest toward the label and toward the runner-up, per head."},
    {"probabilities", (PyCFunction)(void (*)(void))model_probabilities,
     METH_VARARGS | METH_KEYWORDS,
     "probabilities(texts, head=None, *, threads=0) -> numpy.ndarray\n\n"
     "A float64 array, a row per text, a column per class of head (a name or a\n"
     "number; None: every head's classes, in the model's order)."},
    {"save", (PyCFunction)model_save, METH_VARARGS,
     "save(path)\n\nWrites the model file, replacing path whole or not at all."},
    {NULL, NULL, 0, NULL}};

static PyGetSetDef model_getset[] = {
    {"heads", (getter)model_heads, NULL, "The heads' names, in the model's order.", NULL},
    {"classes", (getter)model_classes, NULL, "{head: (class, ...)}, in the model's order.",
     NULL},
    {"provenance", (getter)model_provenance, NULL,
     "How the model was made: key=value lines (version, options, corpus hash, counts).", NULL},
    {"kind", (getter)model_kind, NULL, "The model kind: nb, cnb, lr, nbsvm or svm.", NULL},
    {"features", (getter)model_features, NULL, "The number of features.", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

PyTypeObject pyslant_model_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "slant.Model",
    .tp_basicsize = sizeof(pyslant_model),
    .tp_dealloc = (destructor)model_dealloc,
    .tp_repr = (reprfunc)model_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A slant model, loaded (slant.load) or trained (slant.train).  The file is\n"
              "mapped, not read: processes that load the same file share its pages.\n"
              "Labeling releases the GIL; a model may be used by many threads at once.",
    .tp_methods = model_methods,
    .tp_getset = model_getset,
    .tp_new = model_new,
};
