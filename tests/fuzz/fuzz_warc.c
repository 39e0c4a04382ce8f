/*
 * fuzz_warc.c: libFuzzer harness for the WARC reader (read_warc.c).  The
 * input is a file, plain or gzip; whatever the bytes, a read either fails
 * with a message or gives documents whose ids are good names and whose
 * texts are page texts, and the batches hold what the whole read holds.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create, in memfile.h */
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "memfile.h"
#include "slant.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = memfile_open(data, size, path);
    if (fd < 0)
        return 0;
    slant_read_options opt;
    slant_read_options_init(&opt);
    opt.format = SLANT_FORMAT_WARC;
    opt.max_doc_bytes = 4096;
    slant_corpus *whole = NULL;
    slant_error err = {{0}};
    slant_status st = slant_corpus_read_with(path, &opt, &whole, &err);
    if (st && !err.message[0])
        abort(); /* a failure says why */
    for (size_t d = 0; whole && d < slant_corpus_size(whole); d++) {
        const char *id = slant_corpus_id(whole, d);
        size_t len;
        const char *text = slant_corpus_text(whole, d, &len);
        if (slant_name_problem(id, strlen(id)) || !text || strlen(text) != len || len > 4096 * 4)
            abort();
    }
    /* in batches of two: the same documents */
    slant_reader *r = NULL;
    size_t n = 0;
    slant_status bst = slant_reader_open_with(path, &opt, &r, &err);
    while (!bst) {
        slant_corpus *b = NULL;
        if ((bst = slant_reader_next(r, 2, SIZE_MAX, &b, &err)) || !b)
            break;
        for (size_t d = 0; d < slant_corpus_size(b); d++, n++) {
            size_t la, lb;
            const char *ta = slant_corpus_text(b, d, &la);
            if (!whole)
                continue; /* the whole read failed: the batches before its error */
            if (n >= slant_corpus_size(whole)
                || strcmp(slant_corpus_id(b, d), slant_corpus_id(whole, n)))
                abort();
            const char *tb = slant_corpus_text(whole, n, &lb);
            if (la != lb || memcmp(ta, tb, la))
                abort();
        }
        slant_corpus_free(b);
    }
    if (!st && !bst && whole && n != slant_corpus_size(whole))
        abort();
    if ((st == 0) != (bst == 0))
        abort(); /* the two reads fail alike */
    slant_reader_free(r);
    slant_corpus_free(whole);
    close(fd);
    return 0;
}
