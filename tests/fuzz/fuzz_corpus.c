/*
 * fuzz_corpus.c: libFuzzer harness for the corpus readers.  The input is a
 * file, read in every format, whole and in batches; whatever the bytes, a
 * read either fails with a message or gives documents that keep the
 * corpus's invariants, and the batches hold what the whole read holds.
 * Read for its texts only (as label reads), a corpus that reads whole
 * reads too, with the same documents and no heads; read with a small
 * document cap, no document passes it.  Read with the group column
 * "outlet", the column is never a head, its values are good names, and
 * grouped folds never split a group; near-duplicate pairs found in what
 * was read are real pairs at or above the threshold.  A column or key
 * whose name starts with '#' is a note and never a head.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create, in memfile.h */
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memfile.h"
#include "slant.h"

static const slant_format formats[] = {SLANT_FORMAT_AUTO,  SLANT_FORMAT_TSV,   SLANT_FORMAT_JSONL,
                                       SLANT_FORMAT_FASTTEXT, SLANT_FORMAT_LINES,
                                       SLANT_FORMAT_TEXT, SLANT_FORMAT_LIBSVM};

static void check_corpus(const slant_corpus *c)
{
    size_t heads = slant_corpus_heads(c);
    for (size_t h = 0; h < heads; h++) {
        const char *name = slant_corpus_head_name(c, h);
        if (!name || name[0] == '#')
            abort(); /* a '#' column is a note (slant suggest's guesses), never a head */
    }
    for (size_t d = 0; d < slant_corpus_size(c); d++) {
        size_t len;
        const char *text = slant_corpus_text(c, d, &len);
        if (!text || text[len] != '\0' || !slant_corpus_id(c, d))
            abort();
        for (size_t h = 0; h < heads; h++) {
            const char *l = slant_corpus_label(c, d, h);
            if (l && !*l)
                abort(); /* an empty label is a missing one */
        }
    }
}

/* The read of the texts only must succeed where the whole read did, with
 * the same ids and texts. */
static void check_texts_only(const char *path, slant_format format, const slant_corpus *whole)
{
    slant_read_options opt;
    slant_read_options_init(&opt);
    opt.format = format;
    opt.texts_only = 1;
    slant_corpus *t = NULL;
    slant_error err = {{0}};
    if (slant_corpus_read_with(path, &opt, &t, &err) != SLANT_STATUS_OK)
        abort();
    check_corpus(t);
    size_t n = slant_corpus_size(t);
    if (slant_corpus_heads(t) != 0 || n != slant_corpus_size(whole))
        abort();
    for (size_t d = 0; d < n; d++) {
        size_t a, b;
        const char *ta = slant_corpus_text(t, d, &a), *tb = slant_corpus_text(whole, d, &b);
        if (a != b || memcmp(ta, tb, a) || strcmp(slant_corpus_id(t, d), slant_corpus_id(whole, d)))
            abort();
    }
    slant_corpus_free(t);
}

/* With a cap of CAP bytes, a read gives no longer document. */
static void check_cap(const char *path, slant_format format, size_t cap)
{
    slant_read_options opt;
    slant_read_options_init(&opt);
    opt.format = format;
    opt.max_doc_bytes = cap;
    opt.text_fallback = 1;
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    if (slant_corpus_read_with(path, &opt, &c, &err) != SLANT_STATUS_OK) {
        if (c || !err.message[0])
            abort();
        return;
    }
    check_corpus(c);
    for (size_t d = 0; d < slant_corpus_size(c); d++) {
        size_t len;
        slant_corpus_text(c, d, &len);
        if (len > cap)
            abort();
    }
    slant_corpus_free(c);
}

/* Read with the group column "outlet": see the top. */
static void check_grouped(const char *path, slant_format format)
{
    slant_read_options opt;
    slant_read_options_init(&opt);
    opt.format = format;
    opt.group_column = "outlet";
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    if (slant_corpus_read_with(path, &opt, &c, &err) != SLANT_STATUS_OK) {
        if (c || !err.message[0])
            abort();
        return;
    }
    check_corpus(c);
    const char *g = slant_corpus_group_name(c);
    if (!g || strcmp(g, "outlet"))
        abort();
    for (size_t h = 0; h < slant_corpus_heads(c); h++)
        if (!strcmp(slant_corpus_head_name(c, h), "outlet"))
            abort();
    size_t n = slant_corpus_size(c);
    for (size_t d = 0; d < n; d++) {
        const char *v = slant_corpus_group(c, d);
        if (v && (!*v || strpbrk(v, "\t\n\r")))
            abort();
    }
    if (slant_corpus_group_count(c) > n)
        abort();
    slant_cv_options cvo;
    slant_cv_options_init(&cvo);
    cvo.folds = 2;
    cvo.by_group = 1;
    uint32_t *fold = malloc((n ? n : 1) * sizeof *fold);
    if (fold && n >= 2 && slant_cv_split(c, &cvo, 1, 1, fold, NULL, &err) == SLANT_STATUS_OK) {
        for (size_t i = 0; i < n; i++) {
            if (fold[i] >= 2)
                abort();
            const char *gi = slant_corpus_group(c, i);
            for (size_t j = i + 1; gi && j < n && j < i + 64; j++) {
                const char *gj = slant_corpus_group(c, j);
                if (gj && !strcmp(gi, gj) && fold[i] != fold[j])
                    abort();
            }
        }
    }
    free(fold);
    if (!slant_corpus_holds_vectors(c)) {
        slant_dups_options dopt;
        slant_dups_options_init(&dopt);
        dopt.threads = 1;
        slant_dups *dups = NULL;
        if (slant_dups_find(c, NULL, &dopt, &dups, &err) == SLANT_STATUS_OK) {
            for (size_t i = 0; i < slant_dups_pairs(dups); i++) {
                size_t a, b;
                double jac;
                slant_dups_pair(dups, i, &a, &b, &jac);
                if (a >= b || b >= n || !(jac >= 0.8 - 1e-9 && jac <= 1 + 1e-9))
                    abort();
                if (slant_dups_cluster_of(dups, a) != slant_dups_cluster_of(dups, b))
                    abort();
            }
        }
        slant_dups_free(dups);
    }
    slant_corpus_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = memfile_open(data, size, path);
    if (fd < 0)
        return 0;
    for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
        check_cap(path, formats[f], 1 + size % 97);
        check_grouped(path, formats[f]);
        slant_corpus *c = NULL;
        slant_error err = {{0}};
        slant_status st = slant_corpus_read(path, formats[f], &c, &err);
        if (st != SLANT_STATUS_OK) {
            if (c || !err.message[0])
                abort(); /* a failure says why and leaves nothing */
            continue;
        }
        check_corpus(c);
        check_texts_only(path, formats[f], c);
        /* The same file in batches of three. */
        slant_reader *r = NULL;
        size_t seen = 0;
        if (slant_reader_open(path, formats[f], &r, &err) == SLANT_STATUS_OK) {
            for (;;) {
                slant_corpus *b = NULL;
                if (slant_reader_next(r, 3, 64, &b, &err) != SLANT_STATUS_OK || !b)
                    break;
                check_corpus(b);
                seen += slant_corpus_size(b);
                slant_corpus_free(b);
            }
            slant_reader_free(r);
            if (seen != slant_corpus_size(c))
                abort();
        }
        slant_corpus_free(c);
    }
    close(fd);
    return 0;
}
