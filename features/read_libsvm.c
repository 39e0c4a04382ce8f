/*
 * read_libsvm.c: LIBSVM vectors ("LABEL FEATURE:VALUE ..."), as slant
 * features writes them, with the sidecar beside them that names the
 * classes and the head.  Fed a line at a time by reader.c.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* fileno, strcasecmp, opendir */
#endif
#include "read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "pipeline.h"

/* ---- LIBSVM vectors ---- */

/* Reads the sidecar that slant features writes beside a LIBSVM file, if it
 * is there: its "label" rows into p->map, its "info head" row into *head
 * (output, malloc'ed; NULL when absent). */
slant_status slant_libsvm_sidecar(line_parser *p, const char *path, char **head,
                                  slant_error *err)
{
    *head = NULL;
    size_t n = strlen(path);
    char *side = malloc(n + sizeof ".map.tsv");
    if (!side)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    memcpy(side, path, n);
    memcpy(side + n, ".map.tsv", sizeof ".map.tsv");
    struct stat sb;
    if (stat(side, &sb) != 0) { /* no sidecar: labels as written */
        free(side);
        return SLANT_STATUS_OK;
    }
    char *buf;
    size_t len;
    int over;
    slant_status st = slant_read_path(side, SIZE_MAX, &buf, &len, &over, err);
    if (st) {
        free(side);
        return st;
    }
    size_t lineno = 0, cap = 0;
    for (char *q = buf, *end = buf + len; q < end && !st;) {
        char *nl = memchr(q, '\n', (size_t)(end - q)), *e = nl ? nl : end;
        lineno++;
        if (e > q && e[-1] == '\r')
            e[-1] = '\0';
        *e = '\0';
        char *t1 = strchr(q, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t1 || !t2 || strchr(t2 + 1, '\t'))
            st = slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: expected 3 fields", side,
                            lineno);
        else {
            *t1 = *t2 = '\0';
            const char *kind = q, *key = t1 + 1, *value = t2 + 1;
            if (!strcmp(kind, "info") && !strcmp(key, "head") && strcmp(value, "(none)")) {
                free(*head);
                *head = NULL;
                if ((st = slant_read_check_name_at(value, strlen(value), side, lineno,
                                                   "the head name",
                                                   err)))
                    break;
                if (!(*head = slant_strdup(value)))
                    st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
            } else if (!strcmp(kind, "label") && strcmp(key, "0")) {
                if (!*key || !*value)
                    st = slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: an empty label",
                                    side, lineno);
                else if ((st = slant_read_check_name_at(value, strlen(value), side, lineno,
                                                        "the label",
                                                        err)))
                    break;
                else if (slant_grow((void **)&p->map, &cap, 2 * p->n_map + 2, sizeof *p->map)
                         || !(p->map[2 * p->n_map] = slant_strdup(key))
                         || !(p->map[2 * p->n_map + 1] = slant_strdup(value))) {
                    if (p->map && 2 * p->n_map < cap && p->map[2 * p->n_map]) {
                        free(p->map[2 * p->n_map]); /* the number without its name */
                        p->map[2 * p->n_map] = NULL;
                    }
                    st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
                } else
                    p->n_map++;
            }
        }
        q = nl ? nl + 1 : end;
    }
    free(buf);
    free(side);
    return st;
}

/* "LABEL FEATURE:VALUE ...": the label a number, the features 1-based and
 * increasing, the values finite; a '#' starts a comment. */
slant_status slant_libsvm_line(line_parser *p, char *line, size_t l, size_t lineno,
                               slant_error *err)
{
    const char *name = p->name;
    char *q = line, *end = line + l;
    while (q < end && slant_is_space(*q))
        q++;
    char *tok = q;
    while (q < end && !slant_is_space(*q))
        q++;
    char *label_end = q;
    char save = *label_end;
    *label_end = '\0';
    char *e;
    strtod(tok, &e);
    int number = e != tok && *e == '\0';
    *label_end = save;
    if (!number)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                          "%s:%zu: a LIBSVM line starts with its label, a number", name, lineno);
    while (q < end && slant_is_space(*q))
        q++;
    char *text = q;
    long prev = 0;
    /* The whole line must parse (slant_vector_parse would skip what does not). */
    for (char *t = q; t < end;) {
        while (t < end && slant_is_space(*t))
            t++;
        if (t == end || *t == '#')
            break;
        char *a = t;
        while (t < end && !slant_is_space(*t))
            t++;
        slant_feature one;
        if (!slant_vector_pair(a, (size_t)(t - a), 0, &one))
            return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                              "%s:%zu: '%.*s' is not FEATURE:VALUE (a feature number from 1, a "
                              "finite value)", name, lineno, (int)(t - a < 40 ? t - a : 40), a);
        if ((long)one.index + 1 <= prev)
            return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                              "%s:%zu: feature %u after %ld: the numbers must increase", name,
                              lineno, one.index + 1, prev);
        prev = (long)one.index + 1;
    }
    *label_end = '\0';
    const char *label = tok;
    if (p->n_map) { /* the sidecar's class names; 0 is no label */
        const char *found = NULL;
        for (size_t k = 0; k < p->n_map && !found; k++)
            if (!strcmp(p->map[2 * k], tok) || strtod(p->map[2 * k], NULL) == strtod(tok, NULL))
                found = p->map[2 * k + 1];
        if (!found && strtod(tok, NULL) != 0)
            return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                              "%s:%zu: label %s is not in the sidecar %s.map.tsv", name, lineno,
                              tok, name);
        label = found;
    }
    const char *labels[1] = {label};
    return slant_parser_append(p, NULL, lineno, text, (size_t)(end - text),
                               p->texts_only ? NULL : labels, err);
}
