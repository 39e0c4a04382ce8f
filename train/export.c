/*
 * export.c: a corpus as LIBSVM/svmlight sparse vectors, for LIBLINEAR,
 * libsvm, scikit-learn's load_svmlight_file and the like.
 *
 * FILE: one line per document, "LABEL INDEX:VALUE ...", indices 1-based
 * and increasing, values as slant computes them for training (tf-idf rows
 * L2-normalized, by default).  LABEL is the class number of one head:
 * 1..k for its classes in sorted order (a model's own order with -m, then
 * gold labels the model never saw), 0 for a document without one.
 * FILE.map.tsv, the sidecar: a header "kind key value", "info" rows
 * (documents, features, head, source), "label" rows (number to class) and,
 * in vocabulary mode, "feature" rows (number to n-gram).
 *
 * Each file replaces its path whole or not at all (atomic.h): a failure
 * leaves what was there before.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* fopencookie */
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "common.h"
#include "corpus.h"
#include "linear.h"
#include "model.h"
#include "pipeline.h"

/* A file that replaces its path whole (atomic.h), written through stdio. */
typedef struct out_file {
    slant_atomic a;
    FILE *f;
} out_file;

/* stdio's buffer drains through write(2) itself (glibc's own file streams
 * call an internal alias), so that a failing write is the same failure
 * everywhere, tests' injected ones included. */
static ssize_t out_drain(void *cookie, const char *buf, size_t n)
{
    const out_file *o = cookie;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(o->a.fd, buf + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return done ? (ssize_t)done : -1;
        done += (size_t)w;
    }
    return (ssize_t)n;
}

static int out_close_fd(void *cookie)
{
    const out_file *o = cookie;
    return close(o->a.fd);
}

static slant_status out_open(out_file *o, const char *path, slant_error *err)
{
    o->f = NULL;
    slant_status st = slant_atomic_open(&o->a, path, err);
    if (st)
        return st;
    cookie_io_functions_t io = {NULL, out_drain, NULL, out_close_fd};
    if (!(o->f = fopencookie(o, "w", io))) {
        close(o->a.fd);
        slant_atomic_abort(&o->a);
        o->a.path = NULL;
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    }
    return SLANT_STATUS_OK;
}

/* Flushes the file to disk under a temporary name (atomic.h's ready). */
static slant_status out_ready(out_file *o, slant_error *err)
{
    if (fflush(o->f) != 0 || ferror(o->f))
        return slant_fail(err, SLANT_STATUS_IO, "cannot write %s: %s", o->a.path,
                          strerror(errno ? errno : EIO));
    return slant_atomic_ready(&o->a, err);
}

/* Puts the readied file in place and closes it. */
static slant_status out_commit(out_file *o, slant_error *err)
{
    slant_status st = slant_atomic_commit(&o->a, err);
    if (fclose(o->f) != 0 && !st)
        st = slant_fail(err, SLANT_STATUS_IO, "cannot close %s: %s", o->a.path, strerror(errno));
    o->f = NULL;
    return st;
}

static void out_discard(out_file *o)
{
    if (o->f)
        fclose(o->f);
    o->f = NULL;
    if (o->a.path)
        slant_atomic_abort(&o->a);
    o->a.path = NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The class numbers: names[0..n) are classes 1..n. */
typedef struct class_list {
    const char **names;
    size_t n;
} class_list;

/* Classes of HEAD (a corpus head index, or SIZE_MAX for none): the model
 * head's classes first when MH is given, then the corpus's others, each
 * part in sorted order. */
static slant_status collect(const slant_corpus *c, size_t head, const slant_model *m, size_t mh,
                            class_list *out, slant_error *err)
{
    out->names = NULL;
    out->n = 0;
    size_t known = m ? m->heads[mh].n_classes : 0;
    const char **all = slant_alloc_array(known + c->n_docs + 1, sizeof *all);
    if (!all)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    for (size_t k = 0; k < known; k++)
        all[k] = m->heads[mh].class_names[k];
    size_t n = known;
    for (size_t d = 0; head != SIZE_MAX && d < c->n_docs; d++) {
        const char *l = c->labels[d * c->n_heads + head];
        if (l)
            all[n++] = l;
    }
    qsort(all + known, n - known, sizeof *all, cmp_str);
    size_t u = known;
    for (size_t i = known; i < n; i++) {
        if (u > known && !strcmp(all[i], all[u - 1]))
            continue;
        int seen = 0;
        for (size_t k = 0; k < known && !seen; k++)
            seen = !strcmp(all[i], all[k]);
        if (!seen)
            all[u++] = all[i];
    }
    out->names = all;
    out->n = u;
    return SLANT_STATUS_OK;
}

static size_t class_number(const class_list *cl, const char *label)
{
    if (!label)
        return 0;
    for (size_t k = 0; k < cl->n; k++)
        if (!strcmp(cl->names[k], label))
            return k + 1;
    return 0; /* cannot happen: every label was collected */
}

static void put_row(FILE *f, size_t label, const uint32_t *index, const float *value, size_t n)
{
    fprintf(f, "%zu", label);
    for (size_t k = 0; k < n; k++)
        fprintf(f, " %u:%.9g", index[k] + 1, value[k]);
    fputc('\n', f);
}

/* One sidecar row: KIND, then KEY or NUMBER, then VALUE or NUMBER. */
static void put_name(FILE *f, const char *kind, const char *key, const char *value, size_t number)
{
    if (key)
        fprintf(f, "%s\t%s\t", kind, key);
    else
        fprintf(f, "%s\t%zu\t", kind, number);
    if (!value) {
        fprintf(f, "%zu\n", number);
        return;
    }
    for (const char *p = value; *p; p++) /* a cell stays one cell */
        fputc(*p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p, f);
    fputc('\n', f);
}

slant_status slant_corpus_write_libsvm(const slant_corpus *c, const slant_options *opt,
                                       const slant_model *model, const char *head_name,
                                       const char *path, slant_error *err)
{
    if (!c || !path || (!opt && !model))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no corpus, options or path");
    const char *src = c->source ? c->source : "corpus";
    slant_status st;
    if (!model && (st = slant_options_check(opt, err)))
        return st;
    /* The head: the named one, else the model's first, else the corpus's. */
    size_t mh = 0;
    if (model && head_name) {
        while (mh < model->n_heads && strcmp(model->heads[mh].name, head_name))
            mh++;
        if (mh == model->n_heads)
            return slant_fail(err, SLANT_STATUS_BAD_OPTION, "the model has no head \"%s\"",
                              head_name);
    }
    const char *want = head_name ? head_name
                       : model  ? model->heads[0].name
                       : c->n_heads ? c->head_names[0] : NULL;
    size_t head = SIZE_MAX;
    for (size_t h = 0; want && h < c->n_heads; h++)
        if (!strcmp(c->head_names[h], want))
            head = h;
    if (head_name && head == SIZE_MAX && !model)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: no label column \"%s\"", src,
                          head_name);

    class_list cl = {0};
    slant_fitted fitted = {0};
    slant_csr x = {0};
    slant_vec_scratch s = {0};
    slant_feature *row = NULL;
    size_t row_cap = 0;
    out_file data = {0}, map = {0};
    char *map_path = NULL;
    const slant_pipeline *pipe;
    if ((st = collect(c, head, model, mh, &cl, err)))
        goto out;
    if (model && (st = slant_model_check_input(model, c, err)))
        goto out;
    if (model) {
        pipe = &model->pipe;
    } else {
        slant_fconfig cfg = slant_fconfig_of(opt);
        if (c->vectors) { /* a LIBSVM file: its vectors as they are, as training takes them */
            cfg.token_flags = SLANT_TOK_VECTORS;
            cfg.weighting = SLANT_WEIGHTING_COUNTS;
            cfg.hash_bits = 0;
        }
        const char **texts = slant_alloc_array(c->n_docs ? c->n_docs : 1, sizeof *texts);
        if (!texts) {
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
            goto out;
        }
        for (size_t d = 0; d < c->n_docs; d++)
            texts[d] = c->texts[d];
        st = slant_pipeline_fit(&cfg, texts, c->lens, c->n_docs, opt->threads, &fitted, &x, err);
        free(texts);
        if (st)
            goto out;
        pipe = &fitted.pipe;
    }
    size_t n = strlen(path);
    if (!(map_path = malloc(n + sizeof ".map.tsv"))) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    memcpy(map_path, path, n);
    memcpy(map_path + n, ".map.tsv", sizeof ".map.tsv");
    if ((st = out_open(&data, path, err)) || (st = out_open(&map, map_path, err)))
        goto out;

    for (size_t d = 0; d < c->n_docs; d++) {
        size_t label = class_number(&cl, head == SIZE_MAX ? NULL : c->labels[d * c->n_heads + head]);
        if (!model) {
            size_t a = x.rowptr[d], b = x.rowptr[d + 1];
            put_row(data.f, label, x.index + a, x.value + a, b - a);
            continue;
        }
        long r = slant_pipeline_vectorize(pipe, c->texts[d], c->lens[d], &s, &row, &row_cap);
        if (r < 0) {
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory vectorizing %s", src);
            goto out;
        }
        slant_features_sort(row, (size_t)r);
        fprintf(data.f, "%zu", label);
        for (long k = 0; k < r; k++)
            fprintf(data.f, " %u:%.9g", row[k].index + 1, row[k].value);
        fputc('\n', data.f);
    }
    fprintf(map.f, "kind\tkey\tvalue\n");
    put_name(map.f, "info", "documents", NULL, c->n_docs);
    put_name(map.f, "info", "features", NULL, pipe->n_features);
    put_name(map.f, "info", "head", head == SIZE_MAX ? "(none)" : want, 0);
    put_name(map.f, "info", "source", src, 0);
    put_name(map.f, "label", NULL, "(no label)", 0);
    for (size_t k = 0; k < cl.n; k++)
        put_name(map.f, "label", NULL, cl.names[k], k + 1);
    for (uint32_t f = 0; pipe->names && f < pipe->n_features; f++)
        put_name(map.f, "feature", NULL, pipe->names + pipe->name_off[f], (size_t)f + 1);
    /* Both files flushed and named before either replaces its path; the
     * sidecar goes first, so that new vectors never meet an old map. */
    if (!(st = out_ready(&data, err)) && !(st = out_ready(&map, err))
        && !(st = out_commit(&map, err)))
        st = out_commit(&data, err);
out:
    out_discard(&data);
    out_discard(&map);
    free(map_path);
    free(cl.names);
    free(row);
    slant_vec_scratch_free(&s);
    slant_fitted_free(&fitted);
    slant_csr_free(&x);
    return st;
}
