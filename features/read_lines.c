/*
 * read_lines.c: the two plainest formats: one document a line, and one
 * whole file as one document.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* fileno, strcasecmp, opendir */
#endif
#include "read.h"


#include "common.h"
#include "pipeline.h"

slant_status slant_lines_line(line_parser *p, char *line, size_t l, size_t lineno,
                              slant_error *err)
{
    return slant_parser_append(p, NULL, lineno, line, l, NULL, err);
}

slant_status slant_text_read(const char *buf, size_t len, const char *name, slant_corpus **out,
                             slant_error *err)
{
    slant_corpus *c;
    slant_status st = slant_corpus_new(0, NULL, name, &c, err);
    if (st)
        return st;
    st = slant_corpus_append(c, name, buf, len, NULL, err);
    if (st) {
        slant_corpus_free(c);
        return st;
    }
    *out = c;
    return SLANT_STATUS_OK;
}

