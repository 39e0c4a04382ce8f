/*
 * read_fasttext.c: fastText's format, "__label__X text" a line, plain or
 * keyed tags ("__label__head=X").  Fed a line at a time by reader.c.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* fileno, strcasecmp, opendir */
#endif
#include "read.h"

#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "pipeline.h"

/* ------------------------------------------------------------------ */
/* fastText, lines, whole text                                         */
/* ------------------------------------------------------------------ */

int slant_fasttext_is_tag(const char *p, size_t len)
{
    return len >= FT_PREFIX_LEN && !memcmp(p, FT_PREFIX, FT_PREFIX_LEN);
}

/* fastText lines.  Every token that starts with __label__ is a tag,
 * wherever it stands (as fastText reads them), and the text is the line
 * without its tags.  Tags __label__HEAD=VALUE give one head per HEAD;
 * plain tags __label__VALUE one head "label", or, once a line has
 * several, a multi-label set: one head per tag, its classes yes and no.
 * A file mixes the two kinds of tag at its peril: the first line that
 * does is an error.  While reading, a document's tags wait in the one
 * provisional head, joined by spaces (tags hold none); slant_fasttext_finish
 * sorts them into heads at the end. */
enum { FT_UNKNOWN, FT_PLAIN, FT_KEYED };

/* The next whitespace-separated token of [*t, end) into *tok and *len;
 * *gap (may be NULL) receives where the space before it began.  Returns 0
 * at the end. */
static int next_token(char **t, char *end, char **gap, char **tok, size_t *len)
{
    if (gap)
        *gap = *t;
    while (*t < end && slant_is_space(**t))
        (*t)++;
    *tok = *t;
    while (*t < end && !slant_is_space(**t))
        (*t)++;
    *len = (size_t)(*t - *tok);
    return *len > 0;
}

slant_status slant_fasttext_line(line_parser *p, char *line, size_t l, size_t lineno,
                                 slant_error *err)
{
    const char *name = p->name;
    char *end = line + l, *t, *tok, *gap;
    size_t tl, n_tags = 0;
    for (t = line; next_token(&t, end, NULL, &tok, &tl);) {
        if (!slant_fasttext_is_tag(tok, tl))
            continue;
        char *v = tok + FT_PREFIX_LEN, *ve = t, *eq = memchr(v, '=', (size_t)(ve - v));
        if (v == ve)
            return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: empty __label__ tag", name,
                              lineno);
        if (slant_name_problem(v, (size_t)(ve - v)))
            return slant_read_check_name_at(tok, tl, name, lineno, "the tag", err);
        if (eq && (eq == v || eq + 1 == ve || memchr(eq + 1, '=', (size_t)(ve - eq - 1)))) {
            char q[64];
            return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                              "%s:%zu: __label__%s: a keyed tag is __label__HEAD=VALUE, with one "
                              "'='",
                              name, lineno, slant_name_quote(v, (size_t)(ve - v), q, sizeof q));
        }
        int kind = eq ? FT_KEYED : FT_PLAIN;
        if (p->ft_kind != FT_UNKNOWN && p->ft_kind != kind)
            return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                              "%s:%zu: a %s tag in a file of %s tags; use one kind: "
                              "__label__HEAD=VALUE for several heads, __label__VALUE otherwise",
                              name, lineno, kind == FT_KEYED ? "keyed" : "plain",
                              kind == FT_KEYED ? "plain" : "keyed");
        p->ft_kind = kind;
        n_tags++;
    }
    if (n_tags == 0)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                          "%s:%zu: no __label__ tag on the line", name, lineno);
    if (n_tags > 1 && p->ft_kind == FT_PLAIN)
        p->ft_multi = 1;
    /* The tags without their prefix, joined by spaces, then the text: the
     * other tokens with the spacing between them as it was. */
    char *scratch = malloc(l + 2), *w = scratch;
    if (!scratch)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
    for (t = line; next_token(&t, end, NULL, &tok, &tl);)
        if (slant_fasttext_is_tag(tok, tl)) {
            if (w != scratch)
                *w++ = ' ';
            memcpy(w, tok + FT_PREFIX_LEN, tl - FT_PREFIX_LEN);
            w += tl - FT_PREFIX_LEN;
        }
    *w++ = '\0';
    char *text = w;
    for (t = line; next_token(&t, end, &gap, &tok, &tl);) {
        if (slant_fasttext_is_tag(tok, tl))
            continue;
        if (w != text) {
            memcpy(w, gap, (size_t)(tok - gap));
            w += tok - gap;
        }
        memcpy(w, tok, tl);
        w += tl;
    }
    size_t text_len = (size_t)(w - text);
    slant_status st = SLANT_STATUS_OK;
    /* Keyed tags: each head once a line. */
    for (char *a = scratch; p->ft_kind == FT_KEYED && *a && !st;) {
        char *ae = strchr(a, ' ');
        size_t hl = strcspn(a, "=");
        for (char *b = ae; b && !st; b = strchr(b + 1, ' '))
            if (strcspn(b + 1, "=") == hl && !memcmp(a, b + 1, hl))
                st = slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: two tags for head \"%.*s\"",
                                name, lineno, (int)hl, a);
        a = ae ? ae + 1 : a + strlen(a);
    }
    if (!st) {
        const char *labels[1] = {scratch};
        st = slant_parser_append(p, NULL, lineno, text, text_len, p->texts_only ? NULL : labels,
                                 err);
    }
    free(scratch);
    return st;
}

/* Sorts the provisional tags of a whole fastText file into its heads
 * (see slant_fasttext_line): p->c is replaced. */
slant_status slant_fasttext_finish(line_parser *p, slant_error *err)
{
    slant_corpus *c = p->c;
    if (p->texts_only || p->ft_kind == FT_UNKNOWN || (p->ft_kind == FT_PLAIN && !p->ft_multi))
        return SLANT_STATUS_OK; /* one plain tag a line: the head "label" holds it already */
    /* The heads, in order of first appearance: HEAD of keyed tags, the tag
     * itself of a multi-label set. */
    json_t *index = json_object();
    const char **names = NULL;
    size_t n = 0, cap = 0;
    slant_status st = SLANT_STATUS_OK;
    if (!index)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", p->name);
    for (size_t d = 0; d < c->n_docs && !st; d++) {
        for (const char *a = c->labels[d]; *a && !st;) {
            const char *ae = strchr(a, ' '), *stop = ae ? ae : a + strlen(a);
            const char *eq = p->ft_kind == FT_KEYED ? memchr(a, '=', (size_t)(stop - a)) : NULL;
            size_t hl = (size_t)((eq ? eq : stop) - a);
            if (!json_object_getn(index, a, hl)) {
                if (slant_grow((void **)&names, &cap, n + 1, sizeof *names)
                    || json_object_setn_new(index, a, hl, json_integer((json_int_t)n)))
                    st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", p->name);
                else
                    names[n++] = a;
            }
            a = ae ? ae + 1 : stop;
        }
    }
    /* names[] point into the labels, which end at a space or '=': copy */
    char **heads = st ? NULL : slant_calloc_array(n ? n : 1, sizeof *heads);
    const char **vals = st ? NULL : slant_calloc_array(n ? n : 1, sizeof *vals);
    char **own = st ? NULL : slant_calloc_array(n ? n : 1, sizeof *own);
    slant_corpus *out = NULL;
    if (!st && (!heads || !vals || !own))
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", p->name);
    for (size_t h = 0; h < n && !st; h++) {
        const char *a = names[h];
        size_t hl = strcspn(a, p->ft_kind == FT_KEYED ? "= " : " ");
        if (!(heads[h] = slant_strndup(a, hl)))
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", p->name);
    }
    if (!st)
        st = slant_corpus_new(n, (const char *const *)heads, p->name, &out, err);
    for (size_t d = 0; d < c->n_docs && !st; d++) {
        for (size_t h = 0; h < n; h++) {
            vals[h] = p->ft_kind == FT_KEYED ? NULL : "no";
            own[h] = NULL;
        }
        for (const char *a = c->labels[d]; *a && !st;) {
            const char *ae = strchr(a, ' '), *stop = ae ? ae : a + strlen(a);
            const char *eq = p->ft_kind == FT_KEYED ? memchr(a, '=', (size_t)(stop - a)) : NULL;
            size_t hl = (size_t)((eq ? eq : stop) - a);
            size_t h = (size_t)json_integer_value(json_object_getn(index, a, hl));
            if (eq) {
                if (!(own[h] = slant_strndup(eq + 1, (size_t)(stop - eq - 1))))
                    st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", p->name);
                vals[h] = own[h];
            } else {
                vals[h] = "yes";
            }
            a = ae ? ae + 1 : stop;
        }
        if (!st)
            st = slant_corpus_append(out, c->ids[d], c->texts[d], c->lens[d], vals, err);
        for (size_t h = 0; h < n; h++)
            free(own[h]);
    }
    for (size_t h = 0; heads && h < n; h++)
        free(heads[h]);
    free(heads);
    free(vals);
    free(own);
    free(names);
    json_decref(index);
    if (st) {
        slant_corpus_free(out);
        return st;
    }
    slant_corpus_free(p->c);
    p->c = out;
    return SLANT_STATUS_OK;
}
