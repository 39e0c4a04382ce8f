/*
 * read_tsv.c: the TSV format.  A header row names the columns: the text
 * column, an optional id and group column, the heads; every other row is
 * a document.  Fed a line at a time by reader.c.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* fileno, strcasecmp, opendir */
#endif
#include "read.h"

#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "pipeline.h"

slant_status slant_tsv_header(line_parser *p, char *line, size_t l, size_t lineno,
                              slant_error *err)
{
    const char *name = p->name;
    const read_opts *ro = p->ro;
    size_t ncols = slant_count_fields(line, l);
    p->ncols = ncols;
    p->header_line = lineno;
    p->fields = slant_alloc_array(ncols, sizeof *p->fields);
    p->head_col = slant_alloc_array(ncols, sizeof *p->head_col);
    p->labels = slant_alloc_array(ncols, sizeof *p->labels);
    const char **names = slant_alloc_array(ncols, sizeof *names);
    unsigned char *ignored = slant_calloc_array(ncols, 1);
    slant_status st = SLANT_STATUS_OK;
    if (!p->fields || !p->head_col || !p->labels || !names || !ignored) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
        goto done;
    }
    slant_split_fields(line, l, p->fields);
    p->text_col = p->id_col = p->group_col = SIZE_MAX;
    for (size_t k = 0; k < ncols; k++) {
        const span *f = &p->fields[k];
        if (f->len == 0) {
            st = slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: column %zu has no name", name,
                            lineno, k + 1);
            goto done;
        }
        if (slant_has_nul(f->p, f->len)) {
            st = slant_fail(err, SLANT_STATUS_BAD_INPUT,
                            "%s:%zu: the name of column %zu holds a NUL byte", name, lineno,
                            k + 1);
            goto done;
        }
        names[k] = f->p;
        if (slant_read_is_ignored(ro, f->p, f->len, NULL))
            ignored[k] = 1;
        else if (ro->group_column && !strcmp(f->p, ro->group_column))
            p->group_col = k;
        else if (!strcmp(f->p, ro->text_column))
            p->text_col = k;
        else if (!strcmp(f->p, "id"))
            p->id_col = k;
        else if (f->p[0] == '#') /* a note, such as slant suggest's guesses: never a head */
            ignored[k] = 1;
    }
    const char *dup;
    if (slant_names_duplicate(names, ncols, &dup)) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
        goto done;
    }
    if (dup) {
        st = slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: two columns are named \"%s\"",
                        name, lineno, dup);
        goto done;
    }
    for (size_t k = 0; k < ro->n_ignore; k++) {
        size_t col = 0;
        while (col < ncols && strcmp(names[col], ro->ignore[k]))
            col++;
        if (col == ncols) {
            char avail[256], q[64];
            slant_names_list(names, ncols, avail, sizeof avail);
            st = slant_fail(err, SLANT_STATUS_BAD_INPUT,
                            "%s:%zu: --ignore \"%s\": no such column; the columns are: %s", name,
                            lineno, slant_name_quote(ro->ignore[k], strlen(ro->ignore[k]), q,
                                                     sizeof q),
                            avail);
            goto done;
        }
    }
    if (ro->group_column && p->group_col == SIZE_MAX) {
        char avail[256], q[64];
        slant_names_list(names, ncols, avail, sizeof avail);
        st = slant_fail(err, SLANT_STATUS_BAD_INPUT,
                        "%s:%zu: --group \"%s\": no such column; the columns are: %s", name,
                        lineno, slant_name_quote(ro->group_column, strlen(ro->group_column), q,
                                                 sizeof q),
                        avail);
        goto done;
    }
    if (p->text_col == SIZE_MAX) {
        char q[64];
        st = slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: the header has no \"%s\" column%s",
                        name, lineno,
                        slant_name_quote(ro->text_column, strlen(ro->text_column), q, sizeof q),
                        strcmp(ro->text_column, "text") ? " (--text-column)" : "");
        goto done;
    }
    size_t n_heads = 0;
    for (size_t k = 0; k < ncols && !ro->texts_only; k++) {
        if (k == p->text_col || k == p->id_col || k == p->group_col || ignored[k])
            continue;
        char what[48];
        snprintf(what, sizeof what, "the name of column %zu", k + 1);
        if ((st = slant_read_check_name_at(p->fields[k].p, p->fields[k].len, name, lineno, what,
                                           err)))
            goto done;
        names[n_heads] = p->fields[k].p;
        p->head_col[n_heads++] = k;
    }
    st = slant_corpus_new(n_heads, names, name, &p->c, err);
    if (!st && ro->group_column)
        st = slant_corpus_group_column(p->c, ro->group_column, err);
done:
    free(names);
    free(ignored);
    return st;
}

slant_status slant_tsv_row(line_parser *p, char *line, size_t l, size_t lineno,
                           slant_error *err)
{
    const char *name = p->name;
    size_t n = slant_count_fields(line, l);
    if (n != p->ncols)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: expected %zu field%s, found %zu",
                          name, lineno, p->ncols, p->ncols == 1 ? "" : "s", n);
    span *fields = p->fields;
    slant_split_fields(line, l, fields);
    const char *id = NULL;
    slant_status st;
    if (p->id_col != SIZE_MAX && fields[p->id_col].len) {
        const span *f = &fields[p->id_col];
        if ((st = slant_read_check_name_at(f->p, f->len, name, lineno, "the id", err)))
            return st;
        id = f->p;
    }
    for (size_t h = 0; h < p->c->n_heads; h++) {
        const span *f = &fields[p->head_col[h]];
        p->labels[h] = f->len ? f->p : NULL; /* an empty cell is a missing label */
        if (f->len && slant_name_problem(f->p, f->len)) {
            char what[300];
            snprintf(what, sizeof what, "the \"%s\" label", p->c->head_names[h]);
            return slant_read_check_name_at(f->p, f->len, name, lineno, what, err);
        }
    }
    const span *g = p->group_col != SIZE_MAX ? &fields[p->group_col] : NULL;
    if (g && g->len && (st = slant_read_check_name_at(g->p, g->len, name, lineno, "the group",
                                                      err)))
        return st;
    if ((st = slant_parser_append(p, id, lineno - p->header_line, fields[p->text_col].p,
                                  fields[p->text_col].len, p->labels, err)))
        return st;
    return g ? slant_corpus_set_last_group(p->c, g->p, g->len, err) : SLANT_STATUS_OK;
}

