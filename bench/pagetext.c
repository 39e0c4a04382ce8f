/*
 * pagetext.c: the text slant_page_text gives each page of a JSONL file of
 * pages ({"id": ..., LABEL: ..., "html": ...}, as bench/warc_gen.py
 * writes), as a TSV corpus (id, LABEL, text; line breaks and tabs made
 * spaces), for bench/warc.sh, which builds it once per set of page rules
 * (SLANT_PAGE_RULES, features/html.c) to measure what each rule is worth.
 *
 *   pagetext LABEL < pages.jsonl > pages.tsv
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "slant.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: pagetext LABEL < pages.jsonl > pages.tsv\n");
        return 2;
    }
    printf("id\t%s\ttext\n", argv[1]);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        json_error_t jerr;
        json_t *o = json_loadb(line, (size_t)n, 0, &jerr);
        json_t *html = o ? json_object_get(o, "html") : NULL;
        if (!json_is_string(html)) {
            fprintf(stderr, "pagetext: a line without an \"html\" string\n");
            return 1;
        }
        char *text;
        size_t len;
        slant_error err;
        if (slant_page_text(json_string_value(html), json_string_length(html), NULL, &text, &len,
                            &err)) {
            fprintf(stderr, "pagetext: %s\n", err.message);
            return 1;
        }
        for (size_t i = 0; i < len; i++)
            if (text[i] == '\n' || text[i] == '\t')
                text[i] = ' ';
        printf("%s\t%s\t%s\n", json_string_value(json_object_get(o, "id")),
               json_string_value(json_object_get(o, argv[1])), text);
        slant_page_text_free(text);
        json_decref(o);
    }
    free(line);
    return ferror(stdout) || fclose(stdout) ? 1 : 0;
}
