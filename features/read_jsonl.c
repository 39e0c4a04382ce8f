/*
 * read_jsonl.c: the JSONL format, one JSON object a line: a "text" key
 * (or an "html" key, a web page whose text is taken, when it has no
 * "text"), an optional "id" and group key, the heads as string keys.  Fed a line at
 * a time by reader.c; parsed with jansson.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* fileno, strcasecmp, opendir */
#endif
#include "read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "pipeline.h"

/* ------------------------------------------------------------------ */
/* JSONL                                                               */
/* ------------------------------------------------------------------ */

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    case JSON_NULL: return "null";
    }
    return "a JSON value";
}

/* The key of a web page, read when an object has no text key. */
#define HTML_KEY "html"

static int key_is(const char *key, size_t key_len, const char *word)
{
    size_t n = strlen(word);
    return key_len == n && !memcmp(key, word, n);
}

/* Creates the corpus from the first object: its keys other than the text,
 * "id" and the ignored ones, in order, are the heads (none with
 * texts_only).  p->index maps each head name to its number, so later
 * lines look keys up in constant time. */
static slant_status jsonl_heads(line_parser *p, json_t *obj, size_t lineno, slant_error *err)
{
    const char *name = p->name;
    const read_opts *ro = p->ro;
    p->index = json_object();
    size_t n = json_object_size(obj);
    const char **names = slant_alloc_array(n, sizeof *names);
    const char **keys = slant_alloc_array(n, sizeof *keys);
    if (!p->index || !names || !keys) {
        free(names);
        free(keys);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
    }
    size_t n_heads = 0, n_keys = 0;
    const char *key;
    size_t key_len;
    json_t *value;
    slant_status st = SLANT_STATUS_OK;
    json_object_keylen_foreach(obj, key, key_len, value) {
        (void)value;
        keys[n_keys++] = key;
        if (ro->texts_only || key_is(key, key_len, ro->text_column)
            || slant_read_is_ignored(ro, key, key_len, NULL) || key_is(key, key_len, "id")
            || key_is(key, key_len, HTML_KEY)
            || (ro->group_column && key_is(key, key_len, ro->group_column))
            || (key_len && key[0] == '#')) /* a note (slant suggest's guesses) */
            continue;
        if (key_len == 0) {
            st = slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: a label key is empty", name,
                            lineno);
            break;
        }
        if ((st = slant_read_check_name_at(key, key_len, name, lineno, "the label key", err)))
            break;
        if (json_object_setn_new(p->index, key, key_len, json_integer((json_int_t)n_heads))) {
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
            break;
        }
        names[n_heads++] = key;
    }
    char list[256];
    slant_names_list(keys, n_keys, list, sizeof list);
    if (!st && !(p->first_keys = slant_strdup(list)))
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
    if (!st)
        st = slant_corpus_new(n_heads, names, name, &p->c, err);
    if (!st && ro->group_column)
        st = slant_corpus_group_column(p->c, ro->group_column, err);
    free(names);
    free(keys);
    return st;
}

/* Appends the document of one line's object. */
static slant_status jsonl_doc(json_t *obj, line_parser *p, size_t lineno, slant_error *err)
{
    slant_corpus *c = p->c;
    const read_opts *ro = p->ro;
    json_t *index = p->index;
    const char **labels = p->labels, *name = p->name;
    for (size_t h = 0; h < c->n_heads; h++)
        labels[h] = NULL;
    const char *text = NULL, *id = NULL, *group = NULL, *html = NULL;
    size_t text_len = 0, group_len = 0, html_len = 0;
    int group_seen = 0;
    char id_buf[32], group_buf[32];
    const char *key;
    size_t key_len, which;
    json_t *value;
    slant_status st;
    json_object_keylen_foreach(obj, key, key_len, value) {
        if (slant_read_is_ignored(ro, key, key_len, &which)) {
            p->ignore_seen[which] = 1;
        } else if (ro->group_column && key_is(key, key_len, ro->group_column)) {
            group_seen = 1;
            if (json_is_string(value)) {
                group = json_string_value(value);
                group_len = json_string_length(value);
                if ((st = slant_read_check_name_at(group, group_len, name, lineno, "the group",
                                                   err)))
                    return st;
            } else if (json_is_integer(value)) {
                group_len = (size_t)snprintf(group_buf, sizeof group_buf,
                                             "%" JSON_INTEGER_FORMAT, json_integer_value(value));
                group = group_buf;
            } else if (!json_is_null(value)) {
                return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                                  "%s:%zu: \"%s\" (--group) must be a string, an integer or "
                                  "null, found %s",
                                  name, lineno, ro->group_column, json_kind(value));
            }
        } else if (key_is(key, key_len, ro->text_column)) {
            if (!json_is_string(value))
                return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                                  "%s:%zu: \"%s\" must be a string, found %s", name, lineno,
                                  ro->text_column, json_kind(value));
            text = json_string_value(value);
            text_len = json_string_length(value);
        } else if (key_is(key, key_len, HTML_KEY)) {
            if (!json_is_string(value))
                return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                                  "%s:%zu: \"%s\" must be a string, found %s", name, lineno,
                                  HTML_KEY, json_kind(value));
            html = json_string_value(value);
            html_len = json_string_length(value);
        } else if (key_is(key, key_len, "id")) {
            if (json_is_string(value)) {
                id = json_string_value(value);
                if ((st = slant_read_check_name_at(id, json_string_length(value), name, lineno,
                                                   "the id",
                                                   err)))
                    return st;
                if (!*id)
                    id = NULL;
            } else if (json_is_integer(value)) {
                snprintf(id_buf, sizeof id_buf, "%" JSON_INTEGER_FORMAT,
                         json_integer_value(value));
                id = id_buf;
            } else if (!json_is_null(value)) {
                return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                                  "%s:%zu: \"id\" must be a string or an integer, found %s",
                                  name, lineno, json_kind(value));
            }
        } else if (key_len && key[0] == '#') {
            /* a note, of any type: never a label */
        } else if (!ro->texts_only) {
            json_t *slot = json_object_getn(index, key, key_len);
            if (!slot) {
                char q[64];
                return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                                  "%s:%zu: key \"%s\" is not in the first object; every label "
                                  "key must appear there (or leave it out with --ignore)",
                                  name, lineno, slant_name_quote(key, key_len, q, sizeof q));
            }
            if (json_is_null(value))
                continue;
            if (!json_is_string(value))
                return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                                  "%s:%zu: label \"%s\" must be a string or null, found %s",
                                  name, lineno, key, json_kind(value));
            const char *label = json_string_value(value);
            size_t label_len = json_string_length(value);
            if (slant_name_problem(label, label_len)) {
                char what[300];
                snprintf(what, sizeof what, "the \"%s\" label", key);
                return slant_read_check_name_at(label, label_len, name, lineno, what, err);
            }
            /* "" is missing, as an empty TSV cell is. */
            labels[json_integer_value(slot)] = *label ? label : NULL;
        }
    }
    if (!text && !html)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: no \"%s\" key (nor \"%s\")",
                          name, lineno, ro->text_column, HTML_KEY);
    if (ro->group_column)
        p->group_seen |= group_seen;
    char *page = NULL;
    if (!text) {
        char where[512];
        snprintf(where, sizeof where, "%s:%zu", name, lineno);
        text = html;
        text_len = html_len;
        if ((st = slant_html_to_text(&page, &text, &text_len, where, err)))
            return st;
    }
    st = slant_parser_append(p, id, lineno, text, text_len, labels, err);
    free(page);
    if (st)
        return st;
    return ro->group_column ? slant_corpus_set_last_group(c, group, group_len, err)
                            : SLANT_STATUS_OK;
}

slant_status slant_jsonl_line(line_parser *p, char *line, size_t l, size_t lineno,
                              slant_error *err)
{
    json_error_t jerr;
    json_t *obj = json_loadb(line, l, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (!obj)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: %s", p->name, lineno, jerr.text);
    slant_status st = SLANT_STATUS_OK;
    if (!json_is_object(obj)) {
        st = slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: expected a JSON object, found %s",
                        p->name, lineno, json_kind(obj));
    } else if (!p->c) {
        st = jsonl_heads(p, obj, lineno, err);
        if (!st && !(p->labels = slant_alloc_array(p->c->n_heads, sizeof *p->labels)))
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", p->name);
    }
    if (!st)
        st = jsonl_doc(obj, p, lineno, err);
    json_decref(obj);
    return st;
}

/* The end of a JSONL input: an --ignore name no object had is a mistake
 * to report, as an unknown TSV column is. */
slant_status slant_jsonl_end(line_parser *p, slant_error *err)
{
    if (!p->c)
        return SLANT_STATUS_OK; /* no object: nothing to tell the names by */
    if (p->ro->group_column && !p->group_seen && p->c->n_docs) {
        char q[64];
        const char *g = p->ro->group_column;
        return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                          "%s: --group \"%s\": no object has that key; the first one's keys "
                          "are: %s",
                          p->name, slant_name_quote(g, strlen(g), q, sizeof q),
                          p->first_keys ? p->first_keys : "");
    }
    for (size_t k = 0; k < p->ro->n_ignore; k++)
        if (!p->ignore_seen[k]) {
            char q[64];
            const char *ig = p->ro->ignore[k];
            return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                              "%s: --ignore \"%s\": no object has that key; the first one's "
                              "keys are: %s",
                              p->name, slant_name_quote(ig, strlen(ig), q, sizeof q),
                              p->first_keys ? p->first_keys : "");
        }
    return SLANT_STATUS_OK;
}

