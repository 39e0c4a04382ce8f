/*
 * read_html.c: the html format: a web page is one document, its text the
 * page's (slant_page_text, html.c).  A .html or .htm file named alone, in
 * a folder of articles or in a label folder is read so, and so is
 * standard input told --format html or starting like a page.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* strcasecmp */
#endif
#include "read.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"
#include "pipeline.h"

/* Replaces the page at *text (*len bytes, in the allocation *buf) with its
 * text, in a new *buf.  NAME is for messages. */
slant_status slant_html_to_text(char **buf, const char **text, size_t *len, const char *name,
                                slant_error *err)
{
    char *t;
    size_t tl;
    slant_error e;
    slant_status st = slant_page_text(*text, *len, NULL, &t, &tl, &e);
    if (st)
        return slant_fail(err, st, "%s: %s", name, e.message);
    free(*buf);
    *buf = t;
    *text = t;
    *len = tl;
    return SLANT_STATUS_OK;
}

/* slant_read_document, and a web page's text when PATH's name says it is
 * one. */
slant_status slant_read_article(const char *path, const char *name, size_t max_doc, char **buf,
                                const char **text, size_t *len, slant_error *err)
{
    slant_status st = slant_read_document(path, name, max_doc, buf, text, len, err);
    if (!st && slant_format_of_name(path) == SLANT_FORMAT_HTML
        && (st = slant_html_to_text(buf, text, len, name, err))) {
        free(*buf);
        *buf = NULL;
    }
    return st;
}

slant_status slant_html_read(const char *path, const char *name, size_t max_doc,
                             slant_corpus **out, slant_error *err)
{
    char *buf;
    const char *text;
    size_t len;
    slant_status st = slant_read_document(path, name, max_doc, &buf, &text, &len, err);
    if (st)
        return st;
    if (!(st = slant_html_to_text(&buf, &text, &len, name, err)))
        st = slant_text_read(text, len, name, out, err);
    free(buf);
    return st;
}

/* Whether BUF, a peeked input's first line on, starts like a web page:
 * "<!DOCTYPE html" or "<html", after blanks. */
int slant_looks_like_html(const char *buf, size_t len)
{
    size_t i = 0;
    while (i < len && (slant_is_space(buf[i]) || buf[i] == '\n'))
        i++;
    return (len - i >= 14 && !strncasecmp(buf + i, "<!doctype html", 14))
           || (len - i >= 5 && !strncasecmp(buf + i, "<html", 5));
}
