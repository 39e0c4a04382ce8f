/*
 * read_labels.c: labels kept apart from the texts (read option
 * labels_path, --labels FILE): a TSV whose "id" (or "url") column names
 * documents and whose other columns are heads, joined on each document's
 * id as the reader hands the documents out.  So a web archive, whose
 * records carry no labels, is trained and scored with a table keyed by
 * WARC-Target-URI; any other corpus may take its labels from one too,
 * the table's heads then replacing its own.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* strcasecmp */
#endif
#include "read.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "pipeline.h"

struct label_table {
    char *name;           /* the file, for messages */
    size_t n_heads;
    char **heads;         /* n_heads */
    size_t n_rows;
    char **cells;         /* n_rows x n_heads; NULL: no label */
    json_t *index;        /* id to row */
    unsigned char *used;  /* n_rows: a document had the row's id */
    uint64_t unmatched;   /* documents whose id has no row */
    uint64_t docs;        /* documents joined */
};

void slant_labels_free(label_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_heads; i++)
        free(t->heads[i]);
    free(t->heads);
    for (size_t i = 0; i < t->n_rows * t->n_heads; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t->used);
    json_decref(t->index);
    free(t->name);
    free(t);
}

/* The header: the key column into *key_col, the head columns into
 * col_head (a head's number for each column; SIZE_MAX for the key and
 * notes). */
static slant_status labels_header(label_table *t, span *f, size_t ncols, size_t lineno,
                                  size_t *key_col, size_t *col_head, slant_error *err)
{
    *key_col = SIZE_MAX;
    for (size_t k = 0; k < ncols; k++)
        if (f[k].len == 2 && !memcmp(f[k].p, "id", 2))
            *key_col = k;
    for (size_t k = 0; k < ncols && *key_col == SIZE_MAX; k++)
        if (f[k].len == 3 && !memcmp(f[k].p, "url", 3))
            *key_col = k;
    if (*key_col == SIZE_MAX)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                          "%s:%zu: no \"id\" or \"url\" column to join the labels on", t->name,
                          lineno);
    if (!(t->heads = slant_calloc_array(ncols, sizeof *t->heads)))
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", t->name);
    for (size_t k = 0; k < ncols; k++) {
        col_head[k] = SIZE_MAX;
        if (k == *key_col || (f[k].len && f[k].p[0] == '#'))
            continue;
        slant_status st = slant_read_check_name_at(f[k].p, f[k].len, t->name, lineno,
                                                   "the head name", err);
        if (st)
            return st;
        if (!f[k].len)
            return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: column %zu has no name",
                              t->name, lineno, k + 1);
        for (size_t h = 0; h < t->n_heads; h++)
            if (!strcmp(t->heads[h], f[k].p))
                return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: column \"%s\" twice",
                                  t->name, lineno, f[k].p);
        if (!(t->heads[t->n_heads] = slant_strndup(f[k].p, f[k].len)))
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", t->name);
        col_head[k] = t->n_heads++;
    }
    if (!t->n_heads)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: no label column beside \"%s\"",
                          t->name, lineno, f[*key_col].p);
    return SLANT_STATUS_OK;
}

/* One row. */
static slant_status labels_row(label_table *t, span *f, size_t lineno, size_t key_col,
                               const size_t *col_head, size_t ncols, size_t *cap,
                               slant_error *err)
{
    slant_status st = slant_read_check_name_at(f[key_col].p, f[key_col].len, t->name, lineno,
                                               "the id", err);
    if (st)
        return st;
    if (!f[key_col].len)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: the id is empty", t->name,
                          lineno);
    json_t *seen = json_object_getn(t->index, f[key_col].p, f[key_col].len);
    if (seen)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                          "%s:%zu: id \"%s\" again (first on row %" JSON_INTEGER_FORMAT ")",
                          t->name, lineno, f[key_col].p, json_integer_value(seen) + 1);
    void *p = t->cells;
    if (slant_grow(&p, cap, (t->n_rows + 1) * t->n_heads, sizeof *t->cells))
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", t->name);
    t->cells = p;
    char **row = t->cells + t->n_rows * t->n_heads;
    memset(row, 0, t->n_heads * sizeof *row);
    t->n_rows++; /* its cells are freed with the table from here on */
    for (size_t k = 0; k < ncols; k++) {
        size_t h = col_head[k];
        if (h == SIZE_MAX || !f[k].len)
            continue;
        char what[300];
        snprintf(what, sizeof what, "the \"%s\" label", t->heads[h]);
        if ((st = slant_read_check_name_at(f[k].p, f[k].len, t->name, lineno, what, err)))
            return st;
        if (!(row[h] = slant_strndup(f[k].p, f[k].len)))
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", t->name);
    }
    if (json_object_setn_new(t->index, f[key_col].p, f[key_col].len,
                             json_integer((json_int_t)(t->n_rows - 1))))
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", t->name);
    return SLANT_STATUS_OK;
}

slant_status slant_labels_load(const char *path, label_table **out, slant_error *err)
{
    *out = NULL;
    label_table *t = calloc(1, sizeof *t);
    if (!t || !(t->name = slant_strdup(path)) || !(t->index = json_object())) {
        slant_labels_free(t);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", path);
    }
    line_source s;
    memset(&s, 0, sizeof s);
    s.name = t->name;
    s.max_line = SLANT_MAX_DOC_BYTES;
    s.fd = open(path, O_RDONLY | O_CLOEXEC);
    if (s.fd < 0) {
        slant_status st = slant_fail(err, SLANT_STATUS_IO, "%s: %s", path, strerror(errno));
        slant_labels_free(t);
        return st;
    }
    span *f = NULL;
    size_t ncols = 0, key_col = SIZE_MAX, cap = 0, *col_head = NULL;
    slant_status st = SLANT_STATUS_OK;
    for (;;) {
        char *line;
        size_t l;
        int got;
        if ((st = slant_source_line(&s, 0, &line, &l, &got, err)) || got != SOURCE_LINE)
            break;
        if (!l)
            continue;
        size_t n = slant_count_fields(line, l);
        if (!f) {
            ncols = n;
            f = slant_alloc_array(ncols, sizeof *f);
            col_head = slant_alloc_array(ncols, sizeof *col_head);
            if (!f || !col_head) {
                st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", path);
                break;
            }
            slant_split_fields(line, l, f);
            if ((st = labels_header(t, f, ncols, s.lineno, &key_col, col_head, err)))
                break;
            continue;
        }
        if (n != ncols) {
            st = slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: expected %zu fields, found %zu",
                            path, s.lineno, ncols, n);
            break;
        }
        slant_split_fields(line, l, f);
        if ((st = labels_row(t, f, s.lineno, key_col, col_head, ncols, &cap, err)))
            break;
    }
    if (!st && !f)
        st = slant_fail(err, SLANT_STATUS_BAD_INPUT,
                        "%s: empty; a labels file starts with a header naming an \"id\" or "
                        "\"url\" column and the label columns",
                        path);
    close(s.fd);
    slant_source_free(&s);
    free(f);
    free(col_head);
    if (!st && !(t->used = slant_calloc_array(t->n_rows ? t->n_rows : 1, 1)))
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", path);
    if (st) {
        slant_labels_free(t);
        return st;
    }
    *out = t;
    return SLANT_STATUS_OK;
}

slant_status slant_labels_join(label_table *t, slant_corpus **c, slant_error *err)
{
    slant_corpus *in = *c, *out;
    slant_status st = slant_corpus_new(t->n_heads, (const char *const *)t->heads, in->source,
                                       &out, err);
    if (st)
        return st;
    out->vectors = in->vectors;
    if (in->group_name)
        st = slant_corpus_group_column(out, in->group_name, err);
    for (size_t d = 0; d < in->n_docs && !st; d++) {
        json_t *row = json_object_get(t->index, in->ids[d]);
        const char *const *labels = NULL;
        if (row) {
            size_t r = (size_t)json_integer_value(row);
            t->used[r] = 1;
            labels = (const char *const *)t->cells + r * t->n_heads;
        } else {
            t->unmatched++;
        }
        t->docs++;
        st = slant_corpus_append(out, in->ids[d], in->texts[d], in->lens[d], labels, err);
        if (!st && in->group_name)
            st = slant_corpus_set_last_group(out, in->groups[d],
                                             in->groups[d] ? strlen(in->groups[d]) : 0, err);
    }
    if (st) {
        slant_corpus_free(out);
        return st;
    }
    slant_corpus_free(in);
    *c = out;
    return SLANT_STATUS_OK;
}

void slant_labels_tell(label_table *t, const char *corpus)
{
    size_t unused = 0;
    for (size_t r = 0; r < t->n_rows; r++)
        unused += !t->used[r];
    if (t->unmatched)
        slant_warn("%s: %" PRIu64 " of the %" PRIu64 " documents of %s have no row there: no "
                   "labels for them",
                   t->name, t->unmatched, t->docs, corpus);
    if (unused)
        slant_warn("%s: %zu of its %zu rows name no document of %s", t->name, unused, t->n_rows,
                   corpus);
}
