/*
 * corpus.c: reads corpora (TSV, JSONL, fastText, a folder per label, one
 * document per line, one whole file, a folder of articles) into the
 * in-memory slant_corpus, and implements the corpus accessors, head
 * selection and the corpus hash.
 *
 * Memory: each document is one allocation holding its id, its text and its
 * labels, NUL-terminated one after the other.  ids[i] points at the start
 * of that block and owns it; texts[i] and labels[i * n_heads + h] point
 * inside it.  So a document costs one malloc, and slant_corpus_free frees
 * ids[i] only.  The line formats are read a chunk at a time, each line cut
 * in place (tabs and line ends become NULs), then copied into its block;
 * slant_reader hands the documents out a corpus per batch, so that
 * labeling a stream holds a batch or two, not the stream.
 *
 * Input is never trusted: every reader reports bad input as
 * "PATH:LINE: what is wrong" with SLANT_STATUS_BAD_INPUT, and texts may
 * hold any bytes, NUL and invalid UTF-8 included.  Ids, labels and head
 * names follow the rule for names (valid UTF-8, no control characters:
 * common/name.c), checked where they are read, since every output writes
 * them.  A document is at most max_doc bytes, and the readers refuse a
 * longer one without holding it whole.  A document without an id of its
 * own gets its record's number, every line counted, so that ids never
 * shift.  A UTF-8 byte order mark at the start of a file is dropped in
 * every format.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* fileno, strcasecmp, opendir */
#endif
#include "corpus.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "common.h"
#include "pipeline.h"

/* The name standard input goes by in messages and ids. */
#define STDIN_NAME "<stdin>"
/* The name of a corpus built with slant_corpus_from_memory. */
#define MEMORY_NAME "<memory>"
/* The single head of fastText and folder corpora. */
#define LABEL_HEAD "label"
#define FT_PREFIX "__label__"
#define FT_PREFIX_LEN (sizeof FT_PREFIX - 1)

/* ------------------------------------------------------------------ */
/* Formats                                                             */
/* ------------------------------------------------------------------ */

/* Indexed by slant_format. */
static const char *const format_names[] = {"auto", "tsv", "jsonl", "fasttext",
                                           "dir", "lines", "text", "libsvm"};
#define N_FORMATS (sizeof format_names / sizeof format_names[0])

int slant_format_parse(const char *name)
{
    if (!name)
        return -1;
    for (size_t f = 0; f < N_FORMATS; f++)
        if (!strcmp(name, format_names[f]))
            return (int)f;
    return -1;
}

const char *slant_format_name(slant_format format)
{
    if ((unsigned)format >= N_FORMATS)
        return "unknown";
    return format_names[format];
}

/* ------------------------------------------------------------------ */
/* The corpus object                                                   */
/* ------------------------------------------------------------------ */

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sets *dup to a name that occurs twice in NAMES (NULL when all differ).
 * Sorting a copy keeps this O(n log n) on a hostile header of many
 * columns.  Returns 0, or -1 when memory runs out. */
static int find_duplicate(const char *const *names, size_t n, const char **dup)
{
    *dup = NULL;
    if (n < 2)
        return 0;
    const char **s = slant_alloc_array(n, sizeof *s);
    if (!s)
        return -1;
    memcpy(s, names, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_strp);
    for (size_t i = 1; i < n && !*dup; i++)
        if (!strcmp(s[i - 1], s[i]))
            *dup = s[i];
    free(s);
    return 0;
}

slant_status slant_corpus_new(size_t n_heads, const char *const *head_names, const char *source,
                              slant_corpus **out, slant_error *err)
{
    *out = NULL;
    const char *src = source ? source : MEMORY_NAME;
    if (n_heads && !head_names)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%s: %zu heads but no head names", src,
                          n_heads);
    for (size_t h = 0; h < n_heads; h++)
        if (!head_names[h])
            return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%s: head %zu has no name", src,
                              h + 1);
    const char *dup;
    if (find_duplicate(head_names, n_heads, &dup))
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", src);
    if (dup)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: two heads are named \"%s\"", src,
                          dup);

    slant_corpus *c = calloc(1, sizeof *c);
    if (!c)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", src);
    c->source = slant_strdup(src);
    c->head_names = slant_calloc_array(n_heads, sizeof *c->head_names);
    if (!c->source || !c->head_names)
        goto no_memory;
    c->n_heads = n_heads;
    for (size_t h = 0; h < n_heads; h++)
        if (!(c->head_names[h] = slant_strdup(head_names[h])))
            goto no_memory;
    *out = c;
    return SLANT_STATUS_OK;

no_memory:
    slant_corpus_free(c);
    return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", src);
}

/* Makes room for NEED rows in every per-document array.  The arrays share
 * c->cap, and slant_grow computes the same new capacity from the same old
 * one, so they stay in step; one that grew before another failed is only
 * larger than needed.  Returns 0 or -1. */
static int reserve(slant_corpus *c, size_t need)
{
    if (need <= c->cap)
        return 0;
    size_t cap = c->cap;
    void *p = c->ids;
    int bad = slant_grow(&p, &cap, need, sizeof *c->ids);
    c->ids = p;
    if (bad)
        return -1;
    cap = c->cap;
    p = c->texts;
    bad = slant_grow(&p, &cap, need, sizeof *c->texts);
    c->texts = p;
    if (bad)
        return -1;
    cap = c->cap;
    p = c->lens;
    bad = slant_grow(&p, &cap, need, sizeof *c->lens);
    c->lens = p;
    if (bad)
        return -1;
    if (c->group_name) {
        cap = c->cap;
        p = c->groups;
        bad = slant_grow(&p, &cap, need, sizeof *c->groups);
        c->groups = p;
        if (bad)
            return -1;
    }
    if (c->n_heads) {
        if (c->n_heads > SIZE_MAX / sizeof *c->labels)
            return -1;
        cap = c->cap;
        p = c->labels;
        bad = slant_grow(&p, &cap, need, c->n_heads * sizeof *c->labels);
        c->labels = p;
        if (bad)
            return -1;
    }
    c->cap = cap;
    return 0;
}

slant_status slant_corpus_append(slant_corpus *c, const char *id, const char *text, size_t len,
                                 const char *const *labels, slant_error *err)
{
    char number[24];
    if (!id) {
        snprintf(number, sizeof number, "%zu", c->n_docs + 1);
        id = number;
    }
    if (!text && len)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%s: document %zu has no text",
                          c->source, c->n_docs + 1);

    /* The block: id NUL text NUL label NUL ...; sizes checked for overflow
     * since len comes from the input. */
    size_t id_len = strlen(id);
    size_t size = id_len + 1;
    if (len > SIZE_MAX - size - 1)
        goto no_memory;
    size += len + 1;
    for (size_t h = 0; h < c->n_heads; h++) {
        if (!labels || !labels[h])
            continue;
        size_t l = strlen(labels[h]);
        if (l > SIZE_MAX - size - 1)
            goto no_memory;
        size += l + 1;
    }
    if (reserve(c, c->n_docs + 1))
        goto no_memory;
    char *block = malloc(size);
    if (!block)
        goto no_memory;

    size_t d = c->n_docs;
    memcpy(block, id, id_len + 1);
    char *p = block + id_len + 1;
    if (len)
        memcpy(p, text, len);
    p[len] = '\0';
    c->ids[d] = block;
    c->texts[d] = p;
    c->lens[d] = len;
    p += len + 1;
    for (size_t h = 0; h < c->n_heads; h++) {
        char **slot = &c->labels[d * c->n_heads + h];
        if (!labels || !labels[h]) {
            *slot = NULL;
            continue;
        }
        size_t l = strlen(labels[h]);
        memcpy(p, labels[h], l + 1);
        *slot = p;
        p += l + 1;
    }
    if (c->group_name)
        c->groups[d] = NULL;
    c->n_docs++;
    return SLANT_STATUS_OK;

no_memory:
    return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory at document %zu",
                      c->source, c->n_docs + 1);
}

void slant_corpus_free(slant_corpus *corpus)
{
    if (!corpus)
        return;
    for (size_t d = 0; d < corpus->n_docs; d++)
        free(corpus->ids[d]); /* owns the document's text and labels too */
    free(corpus->ids);
    free(corpus->texts);
    free(corpus->lens);
    free(corpus->labels);
    if (corpus->groups)
        for (size_t d = 0; d < corpus->n_docs; d++)
            free(corpus->groups[d]);
    free(corpus->groups);
    free(corpus->group_name);
    if (corpus->head_names)
        for (size_t h = 0; h < corpus->n_heads; h++)
            free(corpus->head_names[h]);
    free(corpus->head_names);
    free(corpus->source);
    free(corpus);
}

static slant_status check_name(const char *s, size_t len, const char *where, const char *what,
                               slant_error *err);

slant_status slant_corpus_group_column(slant_corpus *c, const char *name, slant_error *err)
{
    if (c->n_docs || c->group_name)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%s: the group column is set before "
                          "any document, once", c->source);
    if (!(c->group_name = slant_strdup(name)))
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", c->source);
    if (c->cap && !(c->groups = slant_calloc_array(c->cap, sizeof *c->groups))) {
        free(c->group_name);
        c->group_name = NULL;
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", c->source);
    }
    return SLANT_STATUS_OK;
}

slant_status slant_corpus_set_last_group(slant_corpus *c, const char *value, size_t len,
                                         slant_error *err)
{
    if (!c->group_name || !c->n_docs)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%s: no group column", c->source);
    char **slot = &c->groups[c->n_docs - 1];
    free(*slot);
    *slot = NULL;
    if (len && !(*slot = slant_strndup(value, len)))
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", c->source);
    return SLANT_STATUS_OK;
}

const char *slant_corpus_group_name(const slant_corpus *corpus)
{
    return corpus ? corpus->group_name : NULL;
}

const char *slant_corpus_group(const slant_corpus *corpus, size_t doc)
{
    if (!corpus || !corpus->groups || doc >= corpus->n_docs)
        return NULL;
    return corpus->groups[doc];
}

slant_status slant_corpus_set_groups(slant_corpus *corpus, const char *name,
                                     const char *const *values, slant_error *err)
{
    if (!corpus || !name || (!values && corpus->n_docs))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no corpus, group name or values");
    const char *src = corpus->source;
    if (!*name)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%s: the group column has no name", src);
    if (slant_name_problem(name, strlen(name)))
        return check_name(name, strlen(name), src, "the group column's name", err);
    for (size_t d = 0; d < corpus->n_docs; d++)
        if (values[d] && slant_name_problem(values[d], strlen(values[d]))) {
            char what[64];
            snprintf(what, sizeof what, "document %zu's group", d + 1);
            return check_name(values[d], strlen(values[d]), src, what, err);
        }
    char *gname = slant_strdup(name);
    char **groups = slant_calloc_array(corpus->cap ? corpus->cap : 1, sizeof *groups);
    slant_status st = SLANT_STATUS_OK;
    if (!gname || !groups)
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", src);
    for (size_t d = 0; d < corpus->n_docs && !st; d++)
        if (values[d] && *values[d] && !(groups[d] = slant_strdup(values[d])))
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", src);
    if (st) {
        if (groups)
            for (size_t d = 0; d < corpus->n_docs; d++)
                free(groups[d]);
        free(groups);
        free(gname);
        return st;
    }
    if (corpus->groups)
        for (size_t d = 0; d < corpus->n_docs; d++)
            free(corpus->groups[d]);
    free(corpus->groups);
    free(corpus->group_name);
    corpus->groups = groups;
    corpus->group_name = gname;
    return SLANT_STATUS_OK;
}

static int cmp_group_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t slant_corpus_group_count(const slant_corpus *corpus)
{
    if (!corpus || !corpus->groups)
        return 0;
    size_t n = corpus->n_docs, named = 0, count = 0;
    const char **v = slant_alloc_array(n ? n : 1, sizeof *v);
    if (!v)
        return 0;
    for (size_t d = 0; d < n; d++)
        if (corpus->groups[d])
            v[named++] = corpus->groups[d];
        else
            count++; /* a group of its own */
    qsort(v, named, sizeof *v, cmp_group_ptr);
    for (size_t i = 0; i < named; i++)
        count += i == 0 || strcmp(v[i - 1], v[i]) != 0;
    free(v);
    return count;
}

int slant_corpus_holds_vectors(const slant_corpus *corpus)
{
    return corpus ? corpus->vectors : 0;
}

size_t slant_corpus_size(const slant_corpus *corpus)
{
    return corpus ? corpus->n_docs : 0;
}

size_t slant_corpus_heads(const slant_corpus *corpus)
{
    return corpus ? corpus->n_heads : 0;
}

const char *slant_corpus_head_name(const slant_corpus *corpus, size_t head)
{
    if (!corpus || head >= corpus->n_heads)
        return NULL;
    return corpus->head_names[head];
}

const char *slant_corpus_id(const slant_corpus *corpus, size_t doc)
{
    if (!corpus || doc >= corpus->n_docs)
        return NULL;
    return corpus->ids[doc];
}

const char *slant_corpus_text(const slant_corpus *corpus, size_t doc, size_t *len)
{
    if (!corpus || doc >= corpus->n_docs) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = corpus->lens[doc];
    return corpus->texts[doc];
}

const char *slant_corpus_label(const slant_corpus *corpus, size_t doc, size_t head)
{
    if (!corpus || doc >= corpus->n_docs || head >= corpus->n_heads)
        return NULL;
    return corpus->labels[doc * corpus->n_heads + head];
}

static slant_status check_name(const char *s, size_t len, const char *where, const char *what,
                               slant_error *err);

slant_status slant_corpus_from_memory(size_t n_docs, const char *const *texts, size_t n_heads,
                                      const char *const *head_names, const char *const *labels,
                                      slant_corpus **out, slant_error *err)
{
    if (!out)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no place to put the corpus");
    *out = NULL;
    if (n_docs && !texts)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%zu documents but no texts", n_docs);
    slant_corpus *c;
    slant_status st = slant_corpus_new(n_heads, head_names, MEMORY_NAME, &c, err);
    if (st)
        return st;
    /* The rule for names holds here too: a model's names come from these. */
    for (size_t h = 0; h < n_heads && !st; h++)
        st = check_name(head_names[h], strlen(head_names[h]), MEMORY_NAME, "the head name", err);
    for (size_t i = 0; labels && i < n_docs * n_heads && !st; i++)
        if (labels[i]) {
            char where[48], what[300];
            snprintf(where, sizeof where, "%s: document %zu", MEMORY_NAME, i / n_heads + 1);
            snprintf(what, sizeof what, "the \"%s\" label", head_names[i % n_heads]);
            st = check_name(labels[i], strlen(labels[i]), where, what, err);
        }
    if (st) {
        slant_corpus_free(c);
        return st;
    }
    if (reserve(c, n_docs)) {
        slant_corpus_free(c);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory for %zu documents",
                          n_docs);
    }
    for (size_t d = 0; d < n_docs; d++) {
        if (!texts[d]) {
            slant_corpus_free(c);
            return slant_fail(err, SLANT_STATUS_BAD_OPTION, "the text of document %zu is NULL",
                              d + 1);
        }
        st = slant_corpus_append(c, NULL, texts[d], strlen(texts[d]),
                                 labels ? labels + d * n_heads : NULL, err);
        if (st) {
            slant_corpus_free(c);
            return st;
        }
    }
    *out = c;
    return SLANT_STATUS_OK;
}

/* Writes "a, b, c" (the corpus's head names) into buf, cut short if long. */
static void list_heads(const slant_corpus *c, char *buf, size_t size)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t h = 0; h < c->n_heads && at < size; h++) {
        int n = snprintf(buf + at, size - at, "%s%s", h ? ", " : "", c->head_names[h]);
        if (n < 0)
            break;
        at += (size_t)n;
    }
}

slant_status slant_corpus_select_heads(slant_corpus *corpus, const char *const *names,
                                       size_t n_names, slant_error *err)
{
    if (!corpus || (n_names && !names))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no corpus or no head names");
    slant_corpus *c = corpus;
    size_t *pick = slant_alloc_array(n_names, sizeof *pick);
    if (!pick)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    for (size_t k = 0; k < n_names; k++) {
        size_t h = 0;
        while (h < c->n_heads && !(names[k] && !strcmp(names[k], c->head_names[h])))
            h++;
        if (h == c->n_heads) {
            char avail[256];
            list_heads(c, avail, sizeof avail);
            free(pick);
            return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                              "%s: no head named \"%s\"; %s%s", c->source,
                              names[k] ? names[k] : "(null)",
                              c->n_heads ? "the heads are: " : "the corpus has no heads",
                              avail);
        }
        for (size_t j = 0; j < k; j++)
            if (pick[j] == h) {
                free(pick);
                return slant_fail(err, SLANT_STATUS_BAD_OPTION, "head \"%s\" is named twice",
                                  names[k]);
            }
        pick[k] = h;
    }

    char **new_names = slant_alloc_array(n_names, sizeof *new_names);
    char **new_labels = NULL;
    if (n_names && c->cap)
        new_labels = slant_alloc_array(c->cap, n_names * sizeof *new_labels);
    if (!new_names || (n_names && c->cap && !new_labels)) {
        free(pick);
        free(new_names);
        free(new_labels);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    }
    for (size_t k = 0; k < n_names; k++) {
        new_names[k] = c->head_names[pick[k]];
        for (size_t d = 0; d < c->n_docs; d++)
            new_labels[d * n_names + k] = c->labels[d * c->n_heads + pick[k]];
    }
    /* Labels live in their document's block; only dropped names are freed. */
    for (size_t h = 0; h < c->n_heads; h++) {
        size_t k = 0;
        while (k < n_names && pick[k] != h)
            k++;
        if (k == n_names)
            free(c->head_names[h]);
    }
    free(c->head_names);
    free(c->labels);
    c->head_names = new_names;
    c->labels = new_labels;
    c->n_heads = n_names;
    free(pick);
    return SLANT_STATUS_OK;
}

/* ------------------------------------------------------------------ */
/* The corpus hash                                                     */
/* ------------------------------------------------------------------ */

#define CORPUS_HASH_SEED UINT64_C(0x736c616e74637270) /* "slantcrp" */

/* Chains v into h as 8 little-endian bytes, the same on every machine. */
static uint64_t hash_u64(uint64_t h, uint64_t v)
{
    unsigned char le[8];
    for (int i = 0; i < 8; i++)
        le[i] = (unsigned char)(v >> (8 * i));
    return slant_hash64(le, sizeof le, h);
}

/* Chains one field into h: its length (all ones for a missing label, a
 * length no real field has), then its bytes.  The length prefix keeps
 * field boundaries from sliding. */
static uint64_t hash_field(uint64_t h, const char *p, size_t len)
{
    h = hash_u64(h, p ? (uint64_t)len : UINT64_MAX);
    return p ? slant_hash64(p, len, h) : h;
}

uint64_t slant_corpus_hash_begin(size_t n_heads)
{
    /* The number of heads first, so that a head-less corpus cannot hash
     * like a labeled one whose labels happen to equal its texts. */
    return hash_u64(CORPUS_HASH_SEED, (uint64_t)n_heads);
}

uint64_t slant_corpus_hash_doc(uint64_t h, const slant_corpus *c, size_t d, const size_t *cols,
                               size_t n_cols)
{
    if (d >= c->n_docs)
        return h; /* a caller's bug; ignored rather than read out of bounds */
    for (size_t k = 0; k < n_cols; k++) {
        size_t hd = cols ? cols[k] : k;
        const char *label = hd < c->n_heads ? c->labels[d * c->n_heads + hd] : NULL;
        h = hash_field(h, label, label ? strlen(label) : 0);
    }
    return hash_field(h, c->texts[d], c->lens[d]);
}

uint64_t slant_corpus_hash(const slant_corpus *c, const size_t *docs, size_t n_docs)
{
    uint64_t h = slant_corpus_hash_begin(c->n_heads);
    size_t n = docs ? n_docs : c->n_docs;
    for (size_t k = 0; k < n; k++)
        h = slant_corpus_hash_doc(h, c, docs ? docs[k] : k, NULL, c->n_heads);
    return h;
}

/* ------------------------------------------------------------------ */
/* Reading bytes                                                       */
/* ------------------------------------------------------------------ */

/* The message for a document past the cap; LINENO 0 for a whole file. */
static slant_status too_long(slant_error *err, const char *name, size_t lineno, size_t max_doc)
{
    char where[32] = "";
    if (lineno)
        snprintf(where, sizeof where, ":%zu", lineno);
    return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                      "%s%s: a document of more than %zu bytes (--max-doc-bytes %zu); raise "
                      "--max-doc-bytes to read it",
                      name, where, max_doc, max_doc);
}

/* Reads F to its end into *out (output, NUL-terminated, length *out_len),
 * but never more than LIMIT bytes: past them it stops with *over (output)
 * set, having read LIMIT + 1.  HINT is the expected size, 0 if unknown. */
static slant_status read_stream(FILE *f, const char *name, size_t hint, size_t limit,
                                char **out, size_t *out_len, int *over, slant_error *err)
{
    *out = NULL;
    *out_len = 0;
    *over = 0;
    if (hint > limit)
        hint = limit;
    /* Two spare bytes: the NUL, and room for the read that finds the end. */
    size_t cap = hint < SIZE_MAX - 2 ? hint + 2 : SIZE_MAX;
    if (cap < 4096)
        cap = 4096;
    char *buf = malloc(cap);
    if (!buf)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
    size_t len = 0;
    for (;;) {
        if (len > limit) {
            free(buf);
            *over = 1;
            return SLANT_STATUS_OK;
        }
        if (cap - len < 2) {
            void *p = buf;
            if (slant_grow(&p, &cap, cap + 1, 1)) {
                free(buf);
                return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
            }
            buf = p;
        }
        size_t want = cap - len - 1;
        if (limit < SIZE_MAX && want > limit + 1 - len)
            want = limit + 1 - len;
        errno = 0;
        size_t got = fread(buf + len, 1, want, f);
        len += got;
        if (got < want) {
            if (ferror(f)) {
                int e = errno ? errno : EIO;
                free(buf);
                return slant_fail(err, SLANT_STATUS_IO, "%s: %s", name, strerror(e));
            }
            if (feof(f))
                break;
        }
    }
    if (len > limit) {
        free(buf);
        *over = 1;
        return SLANT_STATUS_OK;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return SLANT_STATUS_OK;
}

/* Reads the file PATH ("-": standard input) whole, as read_stream does:
 * *over (output) says it holds more than LIMIT bytes, and then nothing is
 * read.  A regular file's size is looked at before any read. */
static slant_status read_path(const char *path, size_t limit, char **out, size_t *out_len,
                              int *over, slant_error *err)
{
    if (!strcmp(path, "-"))
        return read_stream(stdin, STDIN_NAME, 0, limit, out, out_len, over, err);
    *out = NULL;
    *out_len = 0;
    *over = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return slant_fail(err, SLANT_STATUS_IO, "%s: %s", path, strerror(errno));
    /* A folder opens fine on Linux and only fails at the first read. */
    struct stat st;
    size_t hint = 0;
    if (fstat(fileno(f), &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            fclose(f);
            return slant_fail(err, SLANT_STATUS_IO, "%s: %s", path, strerror(EISDIR));
        }
        if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > limit) {
            fclose(f);
            *over = 1;
            return SLANT_STATUS_OK;
        }
        if (S_ISREG(st.st_mode) && st.st_size > 0 && (uintmax_t)st.st_size < SIZE_MAX / 2)
            hint = (size_t)st.st_size;
    }
    slant_status status = read_stream(f, path, hint, limit, out, out_len, over, err);
    fclose(f);
    return status;
}

/* Length of a UTF-8 byte order mark at the start of buf, or 0. */
static size_t bom_length(const char *buf, size_t len)
{
    return len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0;
}

/* Reads the file PATH as one document of at most MAX_DOC bytes after its
 * byte order mark: *buf (output) is the allocation to free, *text and
 * *len (output) the document in it.  NAME is for messages. */
static slant_status read_document(const char *path, const char *name, size_t max_doc,
                                  char **buf, const char **text, size_t *len,
                                  slant_error *err)
{
    size_t raw;
    int over;
    slant_status st = read_path(path, max_doc < SIZE_MAX - 3 ? max_doc + 3 : SIZE_MAX, buf,
                                &raw, &over, err);
    if (st)
        return st;
    size_t bom = over ? 0 : bom_length(*buf, raw);
    if (over || raw - bom > max_doc) {
        free(*buf);
        *buf = NULL;
        return too_long(err, name, 0, max_doc);
    }
    *text = *buf + bom;
    *len = raw - bom;
    return SLANT_STATUS_OK;
}

/* The rule for names (common/name.c), with the message every reader
 * gives: WHERE is "FILE:LINE" or "FILE", WHAT says which name it is ("the
 * id", "the \"topic\" label", ...).  Returns OK when S[0, LEN) is a
 * good name. */
static slant_status check_name(const char *s, size_t len, const char *where, const char *what,
                               slant_error *err)
{
    const char *problem = slant_name_problem(s, len);
    if (!problem)
        return SLANT_STATUS_OK;
    char q[80], qw[256];
    /* WHERE may be the bad name itself (a file's path is its id). */
    if (slant_name_problem(where, strlen(where)))
        where = slant_name_quote(where, strlen(where), qw, sizeof qw);
    return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                      "%s: %s \"%s\" %s; every label, head name and id must be valid UTF-8 "
                      "without control characters",
                      where, what, slant_name_quote(s, len, q, sizeof q), problem);
}

/* check_name at FILE:LINE. */
static slant_status check_name_at(const char *s, size_t len, const char *name, size_t lineno,
                                  const char *what, slant_error *err)
{
    if (!slant_name_problem(s, len))
        return SLANT_STATUS_OK;
    char where[512];
    snprintf(where, sizeof where, "%s:%zu", name, lineno);
    return check_name(s, len, where, what, err);
}

/* ------------------------------------------------------------------ */
/* Lines                                                               */
/* ------------------------------------------------------------------ */

/* The lines of a file, read a chunk at a time: memory holds a chunk and
 * the longest line, not the file, and a line longer than max_line is
 * refused as soon as the buffer holds that much of it.  A line returned
 * stays valid, and may be cut in place, until the next call. */
typedef struct line_source {
    int fd;
    const char *name; /* for messages */
    size_t max_line;  /* the longest line, its line end not counted */
    char *buf;
    size_t cap;
    size_t pos, len; /* the unread bytes: buf[pos, len) */
    size_t scan;     /* buf[pos, scan) holds no '\n' */
    int eof;
    int started;     /* the byte order mark has been looked for */
    size_t lineno;   /* of the line last returned, 1-based */
    uint64_t got;    /* bytes read from fd in all, buffered ones too */
} line_source;

/* Bytes asked of each read. */
#define SOURCE_CHUNK ((size_t)1 << 20)

static void source_free(line_source *s)
{
    free(s->buf);
    s->buf = NULL;
}

/* Reads once more into the buffer, first moving the unread bytes to its
 * front, and growing it when less than a chunk is free.  One byte always
 * stays free, for the NUL after a last line that has no '\n'. */
static slant_status source_fill(line_source *s, slant_error *err)
{
    if (s->pos) {
        memmove(s->buf, s->buf + s->pos, s->len - s->pos);
        s->len -= s->pos;
        s->scan -= s->pos;
        s->pos = 0;
    }
    if (s->cap - s->len < SOURCE_CHUNK + 1) {
        void *p = s->buf;
        size_t cap = s->cap;
        if (s->len > SIZE_MAX - SOURCE_CHUNK - 1
            || slant_grow(&p, &cap, s->len + SOURCE_CHUNK + 1, 1))
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s:%zu: out of memory", s->name,
                              s->lineno + 1);
        s->buf = p;
        s->cap = cap;
    }
    for (;;) {
        ssize_t got = read(s->fd, s->buf + s->len, s->cap - s->len - 1);
        if (got > 0) {
            s->len += (size_t)got;
            s->got += (uint64_t)got;
            return SLANT_STATUS_OK;
        }
        if (got == 0) {
            s->eof = 1;
            return SLANT_STATUS_OK;
        }
        if (errno != EINTR)
            return slant_fail(err, SLANT_STATUS_IO, "%s: %s", s->name, strerror(errno));
    }
}

/* Drops a byte order mark at the start of the input. */
static slant_status source_start(line_source *s, slant_error *err)
{
    static const char bom[3] = "\xEF\xBB\xBF";
    s->started = 1;
    while (!s->eof && s->len < 3 && !memcmp(s->buf ? s->buf : bom, bom, s->len)) {
        slant_status st = source_fill(s, err);
        if (st)
            return st;
    }
    if (bom_length(s->buf, s->len))
        s->pos = s->scan = 3;
    return SLANT_STATUS_OK;
}

/* Whether the unread bytes are more than a line of max_line bytes and its
 * "\r" could be. */
static int source_past_cap(const line_source *s)
{
    size_t unread = s->len - s->pos;
    return unread > 1 && unread - 1 > s->max_line;
}

/* Whether input waits on FD, so that a read would not block. */
static int input_ready(int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    return poll(&p, 1, 0) != 0;
}

/* What source_line found. */
enum { SOURCE_END, SOURCE_LINE, SOURCE_WOULD_WAIT };

/* The next line into *line and *len (output), with its '\n' and one '\r'
 * before it cut and a NUL in their place; the line may hold NULs of its
 * own.  *got (output) says whether there was one.  With NOWAIT, gives
 * SOURCE_WOULD_WAIT rather than wait for input that is not there yet. */
static slant_status source_line(line_source *s, int nowait, char **line, size_t *len, int *got,
                                slant_error *err)
{
    slant_status st;
    if (!s->started && (st = source_start(s, err)))
        return st;
    for (;;) {
        char *nl = s->len > s->scan ? memchr(s->buf + s->scan, '\n', s->len - s->scan) : NULL;
        if (nl || (s->eof && s->pos < s->len)) {
            char *p = s->buf + s->pos, *e = nl ? nl : s->buf + s->len;
            size_t l = (size_t)(e - p);
            if (l && p[l - 1] == '\r')
                l--;
            if (l > s->max_line)
                return too_long(err, s->name, s->lineno + 1, s->max_line);
            p[l] = '\0';
            s->pos = s->scan = nl ? (size_t)(nl - s->buf) + 1 : s->len;
            s->lineno++;
            *line = p;
            *len = l;
            *got = SOURCE_LINE;
            return SLANT_STATUS_OK;
        }
        s->scan = s->len;
        /* No line end yet: max_line + 2 bytes hold a longer line, even if
         * the next two are its "\r\n". */
        if (source_past_cap(s))
            return too_long(err, s->name, s->lineno + 1, s->max_line);
        if (s->eof) {
            *got = SOURCE_END;
            return SLANT_STATUS_OK;
        }
        if (nowait && !input_ready(s->fd)) {
            *got = SOURCE_WOULD_WAIT;
            return SLANT_STATUS_OK;
        }
        if ((st = source_fill(s, err)))
            return st;
    }
}

static int is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
}

/* Blank lines: only spaces and tabs (see parser_line). */
static int is_blank(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_space(line[i]))
            return 0;
    return 1;
}

static int has_nul(const char *p, size_t len)
{
    return memchr(p, '\0', len) != NULL;
}

/* ------------------------------------------------------------------ */
/* TSV                                                                 */
/* ------------------------------------------------------------------ */

typedef struct span {
    char *p;
    size_t len;
} span;

static size_t count_fields(const char *line, size_t len)
{
    size_t n = 1;
    for (const char *p = line, *end = line + len; (p = memchr(p, '\t', (size_t)(end - p)));
         p++)
        n++;
    return n;
}

/* Splits LINE at its tabs into fields (output, count_fields() entries),
 * NUL-terminating each in place. */
static void split_fields(char *line, size_t len, span *fields)
{
    char *p = line, *end = line + len;
    size_t k = 0;
    for (;;) {
        char *tab = memchr(p, '\t', (size_t)(end - p));
        char *e = tab ? tab : end;
        fields[k].p = p;
        fields[k].len = (size_t)(e - p);
        *e = '\0';
        k++;
        if (!tab)
            break;
        p = tab + 1;
    }
}

/* ------------------------------------------------------------------ */
/* Line formats, fed a line at a time                                  */
/* ------------------------------------------------------------------ */

/* The read options as a reader keeps them: its own copies. */
typedef struct read_opts {
    char *text_column;   /* "text" unless told otherwise */
    char *group_column;  /* NULL: none */
    char **ignore;       /* n_ignore names */
    size_t n_ignore;
    int texts_only, text_fallback, ids_with_path;
    size_t max_doc;
} read_opts;

static int is_ignored(const read_opts *ro, const char *name, size_t len, size_t *which)
{
    for (size_t k = 0; k < ro->n_ignore; k++)
        if (strlen(ro->ignore[k]) == len && !memcmp(ro->ignore[k], name, len)) {
            if (which)
                *which = k;
            return 1;
        }
    return 0;
}

/* What a line format's reader keeps between lines.  Documents go to c,
 * which exists from the start for fastText and lines, and from the header
 * (TSV) or the first object (JSONL) for the others. */
typedef struct line_parser {
    slant_format format; /* TSV, JSONL, FASTTEXT or LINES */
    const char *name;    /* for messages */
    const read_opts *ro;
    slant_corpus *c;
    size_t ncols, text_col, id_col, group_col; /* TSV; group_col SIZE_MAX: none */
    size_t header_line;  /* TSV: the header's line number; rows count from the next */
    size_t *head_col;    /* TSV: the column of each head */
    span *fields;        /* TSV: ncols */
    json_t *index;       /* JSONL: head name to number */
    char *first_keys;    /* JSONL: the first object's keys, for messages */
    unsigned char *ignore_seen; /* JSONL: per --ignore name, whether an object had it */
    int group_seen;      /* JSONL: an object had the group key */
    const char **labels; /* one per head */
    char *id_buf;        /* "NAME:N" ids (ids_with_path) */
    char **map;          /* LIBSVM: pairs of class number and class name, from the sidecar */
    size_t n_map;        /* pairs in map; 0: labels are taken as written */
    int texts_only;      /* fastText in batches, or told so: the tags are checked, then dropped */
    int ft_kind, ft_multi; /* fastText: the kind of tags seen; a line had several plain ones */
} line_parser;

/* Appends a document to p->c; one without an id gets its record's number
 * RECORD (a TSV row's number, another format's line number), or with
 * ids_with_path "NAME:RECORD", so that ids never shift whatever the reader
 * skips and whatever the batches. */
static slant_status parser_append(line_parser *p, const char *id, size_t record,
                                  const char *text, size_t len, const char *const *labels,
                                  slant_error *err)
{
    char number[24];
    if (!id) {
        snprintf(number, sizeof number, "%zu", record);
        id = number;
        if (p->id_buf) {
            sprintf(p->id_buf, "%s:%zu", p->name, record);
            id = p->id_buf;
        }
    }
    return slant_corpus_append(p->c, id, text, len, labels, err);
}

static void parser_free(line_parser *p)
{
    for (size_t i = 0; i < 2 * p->n_map; i++)
        free(p->map[i]);
    free(p->map);
    slant_corpus_free(p->c);
    free(p->head_col);
    free(p->fields);
    free(p->labels);
    free(p->first_keys);
    free(p->ignore_seen);
    free(p->id_buf);
    json_decref(p->index);
    memset(p, 0, sizeof *p);
}

/* Writes "a, b, c" (N names, quoted where they break the rule for names)
 * into buf, cut short with "..." if long. */
static void list_names(const char *const *names, size_t n, char *buf, size_t size)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < n; k++) {
        char q[64];
        slant_name_quote(names[k], strlen(names[k]), q, sizeof q);
        if (at + strlen(q) + 6 >= size) {
            snprintf(buf + at, size - at, "%s...", k ? ", " : "");
            return;
        }
        at += (size_t)snprintf(buf + at, size - at, "%s%s", k ? ", " : "", q);
    }
}

static slant_status tsv_header(line_parser *p, char *line, size_t l, size_t lineno,
                               slant_error *err)
{
    const char *name = p->name;
    const read_opts *ro = p->ro;
    size_t ncols = count_fields(line, l);
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
    split_fields(line, l, p->fields);
    p->text_col = p->id_col = p->group_col = SIZE_MAX;
    for (size_t k = 0; k < ncols; k++) {
        const span *f = &p->fields[k];
        if (f->len == 0) {
            st = slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: column %zu has no name", name,
                            lineno, k + 1);
            goto done;
        }
        if (has_nul(f->p, f->len)) {
            st = slant_fail(err, SLANT_STATUS_BAD_INPUT,
                            "%s:%zu: the name of column %zu holds a NUL byte", name, lineno,
                            k + 1);
            goto done;
        }
        names[k] = f->p;
        if (is_ignored(ro, f->p, f->len, NULL))
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
    if (find_duplicate(names, ncols, &dup)) {
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
            list_names(names, ncols, avail, sizeof avail);
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
        list_names(names, ncols, avail, sizeof avail);
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
        if ((st = check_name_at(p->fields[k].p, p->fields[k].len, name, lineno, what, err)))
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

static slant_status tsv_row(line_parser *p, char *line, size_t l, size_t lineno,
                            slant_error *err)
{
    const char *name = p->name;
    size_t n = count_fields(line, l);
    if (n != p->ncols)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: expected %zu field%s, found %zu",
                          name, lineno, p->ncols, p->ncols == 1 ? "" : "s", n);
    span *fields = p->fields;
    split_fields(line, l, fields);
    const char *id = NULL;
    slant_status st;
    if (p->id_col != SIZE_MAX && fields[p->id_col].len) {
        const span *f = &fields[p->id_col];
        if ((st = check_name_at(f->p, f->len, name, lineno, "the id", err)))
            return st;
        id = f->p;
    }
    for (size_t h = 0; h < p->c->n_heads; h++) {
        const span *f = &fields[p->head_col[h]];
        p->labels[h] = f->len ? f->p : NULL; /* an empty cell is a missing label */
        if (f->len && slant_name_problem(f->p, f->len)) {
            char what[300];
            snprintf(what, sizeof what, "the \"%s\" label", p->c->head_names[h]);
            return check_name_at(f->p, f->len, name, lineno, what, err);
        }
    }
    const span *g = p->group_col != SIZE_MAX ? &fields[p->group_col] : NULL;
    if (g && g->len && (st = check_name_at(g->p, g->len, name, lineno, "the group", err)))
        return st;
    if ((st = parser_append(p, id, lineno - p->header_line, fields[p->text_col].p,
                            fields[p->text_col].len, p->labels, err)))
        return st;
    return g ? slant_corpus_set_last_group(p->c, g->p, g->len, err) : SLANT_STATUS_OK;
}

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
            || is_ignored(ro, key, key_len, NULL) || key_is(key, key_len, "id")
            || (ro->group_column && key_is(key, key_len, ro->group_column))
            || (key_len && key[0] == '#')) /* a note (slant suggest's guesses) */
            continue;
        if (key_len == 0) {
            st = slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: a label key is empty", name,
                            lineno);
            break;
        }
        if ((st = check_name_at(key, key_len, name, lineno, "the label key", err)))
            break;
        if (json_object_setn_new(p->index, key, key_len, json_integer((json_int_t)n_heads))) {
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
            break;
        }
        names[n_heads++] = key;
    }
    char list[256];
    list_names(keys, n_keys, list, sizeof list);
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
    const char *text = NULL, *id = NULL, *group = NULL;
    size_t text_len = 0, group_len = 0;
    int group_seen = 0;
    char id_buf[32], group_buf[32];
    const char *key;
    size_t key_len, which;
    json_t *value;
    slant_status st;
    json_object_keylen_foreach(obj, key, key_len, value) {
        if (is_ignored(ro, key, key_len, &which)) {
            p->ignore_seen[which] = 1;
        } else if (ro->group_column && key_is(key, key_len, ro->group_column)) {
            group_seen = 1;
            if (json_is_string(value)) {
                group = json_string_value(value);
                group_len = json_string_length(value);
                if ((st = check_name_at(group, group_len, name, lineno, "the group", err)))
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
        } else if (key_is(key, key_len, "id")) {
            if (json_is_string(value)) {
                id = json_string_value(value);
                if ((st = check_name_at(id, json_string_length(value), name, lineno, "the id",
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
                return check_name_at(label, label_len, name, lineno, what, err);
            }
            /* "" is missing, as an empty TSV cell is. */
            labels[json_integer_value(slot)] = *label ? label : NULL;
        }
    }
    if (!text)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: no \"%s\" key", name, lineno,
                          ro->text_column);
    if (ro->group_column)
        p->group_seen |= group_seen;
    if ((st = parser_append(p, id, lineno, text, text_len, labels, err)))
        return st;
    return ro->group_column ? slant_corpus_set_last_group(c, group, group_len, err)
                            : SLANT_STATUS_OK;
}

static slant_status jsonl_line(line_parser *p, char *line, size_t l, size_t lineno,
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
static slant_status jsonl_end(line_parser *p, slant_error *err)
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

/* ------------------------------------------------------------------ */
/* fastText, lines, whole text                                         */
/* ------------------------------------------------------------------ */

static int is_label_tag(const char *p, size_t len)
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
 * provisional head, joined by spaces (tags hold none); fasttext_finish
 * sorts them into heads at the end. */
enum { FT_UNKNOWN, FT_PLAIN, FT_KEYED };

/* The next whitespace-separated token of [*t, end) into *tok and *len;
 * *gap (may be NULL) receives where the space before it began.  Returns 0
 * at the end. */
static int next_token(char **t, char *end, char **gap, char **tok, size_t *len)
{
    if (gap)
        *gap = *t;
    while (*t < end && is_space(**t))
        (*t)++;
    *tok = *t;
    while (*t < end && !is_space(**t))
        (*t)++;
    *len = (size_t)(*t - *tok);
    return *len > 0;
}

static slant_status fasttext_line(line_parser *p, char *line, size_t l, size_t lineno,
                                  slant_error *err)
{
    const char *name = p->name;
    char *end = line + l, *t, *tok, *gap;
    size_t tl, n_tags = 0;
    for (t = line; next_token(&t, end, NULL, &tok, &tl);) {
        if (!is_label_tag(tok, tl))
            continue;
        char *v = tok + FT_PREFIX_LEN, *ve = t, *eq = memchr(v, '=', (size_t)(ve - v));
        if (v == ve)
            return slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: empty __label__ tag", name,
                              lineno);
        if (slant_name_problem(v, (size_t)(ve - v)))
            return check_name_at(tok, tl, name, lineno, "the tag", err);
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
        if (is_label_tag(tok, tl)) {
            if (w != scratch)
                *w++ = ' ';
            memcpy(w, tok + FT_PREFIX_LEN, tl - FT_PREFIX_LEN);
            w += tl - FT_PREFIX_LEN;
        }
    *w++ = '\0';
    char *text = w;
    for (t = line; next_token(&t, end, &gap, &tok, &tl);) {
        if (is_label_tag(tok, tl))
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
        st = parser_append(p, NULL, lineno, text, text_len, p->texts_only ? NULL : labels,
                           err);
    }
    free(scratch);
    return st;
}

/* Sorts the provisional tags of a whole fastText file into its heads
 * (see fasttext_line): p->c is replaced. */
static slant_status fasttext_finish(line_parser *p, slant_error *err)
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

static slant_status lines_line(line_parser *p, char *line, size_t l, size_t lineno,
                               slant_error *err)
{
    return parser_append(p, NULL, lineno, line, l, NULL, err);
}

/* ---- LIBSVM vectors ---- */

/* Reads the sidecar that slant features writes beside a LIBSVM file, if it
 * is there: its "label" rows into p->map, its "info head" row into *head
 * (output, malloc'ed; NULL when absent). */
static slant_status libsvm_sidecar(line_parser *p, const char *path, char **head,
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
    slant_status st = read_path(side, SIZE_MAX, &buf, &len, &over, err);
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
                if ((st = check_name_at(value, strlen(value), side, lineno, "the head name",
                                        err)))
                    break;
                if (!(*head = slant_strdup(value)))
                    st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
            } else if (!strcmp(kind, "label") && strcmp(key, "0")) {
                if (!*key || !*value)
                    st = slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s:%zu: an empty label",
                                    side, lineno);
                else if ((st = check_name_at(value, strlen(value), side, lineno, "the label",
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
static slant_status libsvm_line(line_parser *p, char *line, size_t l, size_t lineno,
                                slant_error *err)
{
    const char *name = p->name;
    char *q = line, *end = line + l;
    while (q < end && is_space(*q))
        q++;
    char *tok = q;
    while (q < end && !is_space(*q))
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
    while (q < end && is_space(*q))
        q++;
    char *text = q;
    long prev = 0;
    /* The whole line must parse (slant_vector_parse would skip what does not). */
    for (char *t = q; t < end;) {
        while (t < end && is_space(*t))
            t++;
        if (t == end || *t == '#')
            break;
        char *a = t;
        while (t < end && !is_space(*t))
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
    return parser_append(p, NULL, lineno, text, (size_t)(end - text),
                         p->texts_only ? NULL : labels, err);
}

/* WHOLE: the whole input goes into one corpus (else batches, whose
 * fastText tags are checked and dropped). */
static slant_status parser_start(line_parser *p, slant_format format, const char *name,
                                 const read_opts *ro, int whole, slant_error *err)
{
    static const char *const ft_heads[] = {LABEL_HEAD};
    memset(p, 0, sizeof *p);
    p->format = format;
    p->name = name;
    p->ro = ro;
    p->texts_only = ro->texts_only || (!whole && format == SLANT_FORMAT_FASTTEXT);
    if (ro->ids_with_path && !(p->id_buf = malloc(strlen(name) + 24)))
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
    if (format == SLANT_FORMAT_JSONL && ro->n_ignore
        && !(p->ignore_seen = slant_calloc_array(ro->n_ignore, 1)))
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
    if (format == SLANT_FORMAT_FASTTEXT)
        return slant_corpus_new(p->texts_only ? 0 : 1, ft_heads, name, &p->c, err);
    if (format == SLANT_FORMAT_LIBSVM) {
        char *head = NULL;
        slant_status st = strcmp(name, STDIN_NAME) && !p->texts_only
                              ? libsvm_sidecar(p, name, &head, err)
                              : SLANT_STATUS_OK;
        const char *heads[1] = {head ? head : LABEL_HEAD};
        if (!st)
            st = slant_corpus_new(p->texts_only ? 0 : 1, heads, name, &p->c, err);
        free(head);
        if (!st)
            p->c->vectors = 1;
        return st;
    }
    if (format == SLANT_FORMAT_LINES)
        return slant_corpus_new(0, NULL, name, &p->c, err);
    return SLANT_STATUS_OK;
}

/* One line of input.  Empty lines are skipped in every format, and so are
 * blank ones (only spaces and tabs), except among a TSV's rows: there a
 * blank line is a row like any other (of one empty-looking field), so that
 * what a reader keeps never depends on what a cell holds. */
static slant_status parser_line(line_parser *p, char *line, size_t l, size_t lineno,
                                slant_error *err)
{
    if (l == 0 || (is_blank(line, l) && !(p->format == SLANT_FORMAT_TSV && p->c)))
        return SLANT_STATUS_OK;
    switch (p->format) {
    case SLANT_FORMAT_TSV:
        return p->c ? tsv_row(p, line, l, lineno, err) : tsv_header(p, line, l, lineno, err);
    case SLANT_FORMAT_JSONL: return jsonl_line(p, line, l, lineno, err);
    case SLANT_FORMAT_FASTTEXT: return fasttext_line(p, line, l, lineno, err);
    case SLANT_FORMAT_LIBSVM: return libsvm_line(p, line, l, lineno, err);
    default: return lines_line(p, line, l, lineno, err);
    }
}

/* The end of the input. */
static slant_status parser_end(line_parser *p, slant_error *err)
{
    if (p->c && p->format == SLANT_FORMAT_FASTTEXT)
        return fasttext_finish(p, err);
    if (p->format == SLANT_FORMAT_JSONL) {
        slant_status st = jsonl_end(p, err);
        if (st)
            return st;
    }
    if (p->c)
        return SLANT_STATUS_OK;
    if (p->format == SLANT_FORMAT_TSV)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                          "%s: empty; a TSV corpus starts with a header row naming a \"%s\" "
                          "column",
                          p->name, p->ro->text_column);
    /* JSONL: no documents, no heads (and the group column, if asked for) */
    slant_status st = slant_corpus_new(0, NULL, p->name, &p->c, err);
    if (!st && p->ro->group_column)
        st = slant_corpus_group_column(p->c, p->ro->group_column, err);
    return st;
}

static slant_status read_text(const char *buf, size_t len, const char *name, slant_corpus **out,
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

/* ------------------------------------------------------------------ */
/* A folder per label                                                  */
/* ------------------------------------------------------------------ */

static char *join_path(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    int slash = a && dir[a - 1] != '/';
    if (b > SIZE_MAX - a - 2)
        return NULL;
    char *p = malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    if (slash)
        p[a] = '/';
    memcpy(p + a + slash, name, b + 1);
    return p;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Lists the entries of folder PATH that do not start with '.', sorted by
 * strcmp so that a corpus reads the same on every file system. */
static slant_status list_folder(const char *path, char ***out, size_t *n_out, slant_error *err)
{
    *out = NULL;
    *n_out = 0;
    DIR *d = opendir(path);
    if (!d)
        return slant_fail(err, SLANT_STATUS_IO, "%s: %s", path, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    for (;;) {
        errno = 0;
        if (!(e = readdir(d)))
            break;
        if (e->d_name[0] == '.')
            continue;
        void *p = names;
        int bad = slant_grow(&p, &cap, n + 1, sizeof *names);
        names = p;
        if (bad || !(names[n] = slant_strdup(e->d_name))) {
            closedir(d);
            free_names(names, n);
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", path);
        }
        n++;
    }
    int e_read = errno;
    closedir(d);
    if (e_read) {
        free_names(names, n);
        return slant_fail(err, SLANT_STATUS_IO, "%s: %s", path, strerror(e_read));
    }
    if (n)
        qsort(names, n, sizeof *names, cmp_strp);
    *out = names;
    *n_out = n;
    return SLANT_STATUS_OK;
}

/* Reads the documents of one label folder, DIR/LABEL, into c (with no
 * label when c has no head: texts_only). */
static slant_status read_label_folder(slant_corpus *c, const char *dir, const char *label,
                                      const char *folder, size_t max_doc, slant_error *err)
{
    slant_status st = check_name(label, strlen(label), folder, "the label", err);
    if (st)
        return st;
    char **files;
    size_t n;
    if ((st = list_folder(folder, &files, &n, err)))
        return st;
    for (size_t i = 0; i < n && !st; i++) {
        char *path = join_path(folder, files[i]);
        char *id = join_path(label, files[i]);
        char *buf = NULL;
        const char *text;
        size_t len = 0;
        struct stat sb;
        if (!path || !id)
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", folder);
        else if (stat(path, &sb))
            st = slant_fail(err, SLANT_STATUS_IO, "%s: %s", path, strerror(errno));
        else if (S_ISDIR(sb.st_mode))
            st = slant_fail(err, SLANT_STATUS_BAD_INPUT,
                            "%s: a folder inside a label folder; documents go in "
                            "%s/<label>/<file>",
                            path, dir);
        else if (!S_ISREG(sb.st_mode))
            st = slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: not a regular file", path);
        else if (!(st = check_name(id, strlen(id), path, "the id", err))
                 && !(st = read_document(path, path, max_doc, &buf, &text, &len, err))) {
            const char *labels[1] = {label};
            st = slant_corpus_append(c, id, text, len, labels, err);
        }
        free(buf);
        free(id);
        free(path);
    }
    free_names(files, n);
    return st;
}

static slant_status read_dir(const char *dir, const read_opts *ro, slant_corpus **out,
                             slant_error *err)
{
    static const char *const heads[] = {LABEL_HEAD};
    slant_corpus *c;
    slant_status st = slant_corpus_new(ro->texts_only ? 0 : 1, heads, dir, &c, err);
    if (st)
        return st;
    char **labels;
    size_t n;
    st = list_folder(dir, &labels, &n, err);
    for (size_t i = 0; i < n && !st; i++) {
        char *folder = join_path(dir, labels[i]);
        struct stat sb;
        if (!folder)
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", dir);
        else if (stat(folder, &sb))
            st = slant_fail(err, SLANT_STATUS_IO, "%s: %s", folder, strerror(errno));
        else if (!S_ISDIR(sb.st_mode))
            st = slant_fail(err, SLANT_STATUS_BAD_INPUT,
                            "%s: not a label folder; documents go in %s/<label>/<file>",
                            folder, dir);
        else
            st = read_label_folder(c, dir, labels[i], folder, ro->max_doc, err);
        free(folder);
    }
    free_names(labels, n);
    if (st) {
        slant_corpus_free(c);
        return st;
    }
    *out = c;
    return SLANT_STATUS_OK;
}

/* ---- A folder of articles (text_fallback) ---- */

/* The format a file name implies, or SLANT_FORMAT_AUTO. */
static slant_format format_of_name(const char *path);

/* The regular files of folder DIR, each to be one text document whose id
 * is its path: *files (output, *n_files paths, sorted) for
 * read_article_files.  Sub-folders and other entries are skipped with a
 * warning each, and so is nothing that could surprise: a file whose name
 * says it is a corpus is one article here, and the warning says so.  A
 * folder of folders alone is refused: it looks like a labeled corpus, and
 * labeling none of it in silence would hide that. */
static slant_status list_articles(const char *dir, char ***files, size_t *n_files,
                                  slant_error *err)
{
    *files = NULL;
    *n_files = 0;
    char **names;
    size_t n;
    slant_status st = list_folder(dir, &names, &n, err);
    if (st)
        return st;
    char **paths = slant_calloc_array(n ? n : 1, sizeof *paths);
    unsigned char *kind = slant_calloc_array(n ? n : 1, 1); /* 0 file, 1 folder, 2 other */
    size_t n_reg = 0, n_dirs = 0;
    if (!paths || !kind)
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", dir);
    for (size_t i = 0; i < n && !st; i++) {
        struct stat sb;
        if (!(paths[i] = join_path(dir, names[i])))
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", dir);
        else if (stat(paths[i], &sb))
            kind[i] = 2; /* a dangling link, or an entry gone since the listing */
        else if (S_ISREG(sb.st_mode))
            n_reg++;
        else if (S_ISDIR(sb.st_mode)) {
            kind[i] = 1;
            n_dirs++;
        } else {
            kind[i] = 2;
        }
    }
    if (!st && n_reg == 0)
        st = n_dirs ? slant_fail(err, SLANT_STATUS_BAD_INPUT,
                                 "%s: holds folders and no files: it looks like a labeled "
                                 "corpus (%s/<label>/<file>); use slant eval to measure a "
                                 "model on it, or name the folders inside to label their files",
                                 dir, dir)
                    : slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: no files to label", dir);
    for (size_t i = 0; i < n && !st; i++)
        if (!kind[i])
            st = check_name(paths[i], strlen(paths[i]), paths[i], "the id", err);
    size_t k = 0;
    for (size_t i = 0; i < n && !st; i++) {
        if (kind[i]) {
            slant_warn("skipping %s: %s", paths[i], kind[i] == 1 ? "a folder" :
                       "not a regular file");
            free(paths[i]); /* a later file's path takes its slot */
            paths[i] = NULL;
            continue;
        }
        slant_format f = format_of_name(paths[i]);
        if (f != SLANT_FORMAT_AUTO)
            slant_warn("%s: labeled as one article, though its name says %s; name the file "
                       "itself to label its records", paths[i], slant_format_name(f));
        char *keep = paths[i];
        paths[i] = NULL;
        paths[k++] = keep;
    }
    if (st) {
        free_names(paths, n);
        paths = NULL;
        k = 0;
    } else {
        for (size_t i = k; i < n; i++)
            free(paths[i]);
    }
    free(kind);
    free_names(names, n);
    *files = paths;
    *n_files = k;
    return st;
}

/* Reads files[*next...] into a new corpus *out (output) until it holds
 * MAX_DOCS of them or their texts pass MAX_BYTES; *next moves on.  On an
 * error *out still holds the files before the bad one, if any. */
static slant_status read_article_files(char *const *files, size_t n_files, size_t *next,
                                       const char *name, size_t max_docs, size_t max_bytes,
                                       size_t max_doc, slant_corpus **out, slant_error *err)
{
    *out = NULL;
    slant_corpus *c;
    slant_status st = slant_corpus_new(0, NULL, name, &c, err);
    size_t bytes = 0;
    while (!st && *next < n_files && c->n_docs < max_docs && !(c->n_docs && bytes >= max_bytes)) {
        const char *path = files[(*next)++];
        char *buf = NULL;
        const char *text;
        size_t len = 0;
        if (!(st = read_document(path, path, max_doc, &buf, &text, &len, err)))
            st = slant_corpus_append(c, path, text, len, NULL, err);
        bytes += len;
        free(buf);
    }
    if (st && c && !c->n_docs) {
        slant_corpus_free(c);
        c = NULL;
    }
    *out = c;
    return st;
}

/* ------------------------------------------------------------------ */
/* Telling the format                                                  */
/* ------------------------------------------------------------------ */

static int has_suffix(const char *path, const char *suffix)
{
    size_t a = strlen(path), b = strlen(suffix);
    return a > b && !strcasecmp(path + a - b, suffix);
}

/* The format a file name implies, or SLANT_FORMAT_AUTO. */
static slant_format format_of_name(const char *path)
{
    if (has_suffix(path, ".tsv"))
        return SLANT_FORMAT_TSV;
    if (has_suffix(path, ".jsonl") || has_suffix(path, ".json"))
        return SLANT_FORMAT_JSONL;
    if (has_suffix(path, ".ft") || has_suffix(path, ".fasttext"))
        return SLANT_FORMAT_FASTTEXT;
    if (has_suffix(path, ".svm") || has_suffix(path, ".libsvm") || has_suffix(path, ".svmlight"))
        return SLANT_FORMAT_LIBSVM;
    return SLANT_FORMAT_AUTO;
}

/* A number, then at least one FEATURE:VALUE pair, and nothing else. */
static int looks_like_libsvm(const char *p, size_t len)
{
    const char *end = p + len, *tok = p;
    while (p < end && !is_space(*p))
        p++;
    char buf[64];
    size_t tl = (size_t)(p - tok);
    if (tl == 0 || tl >= sizeof buf)
        return 0;
    memcpy(buf, tok, tl);
    buf[tl] = '\0';
    char *e;
    strtod(buf, &e);
    if (*e)
        return 0;
    size_t pairs = 0;
    while (p < end) {
        while (p < end && is_space(*p))
            p++;
        if (p == end || *p == '#')
            break;
        const char *t = p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (p == t || p == end || *p != ':')
            return 0;
        while (p < end && !is_space(*p))
            p++;
        pairs++;
    }
    return pairs > 0;
}

/* The format the first non-blank line suggests, or SLANT_FORMAT_AUTO: a
 * TSV header is a line with a field that names the text column TEXT (a
 * line of that name alone is the header of a one-column corpus).  Reads
 * without cutting the buffer. */
static slant_format format_of_content(const char *buf, size_t len, const char *text)
{
    size_t text_len = strlen(text);
    const char *p = buf, *end = buf + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        if (e > p && e[-1] == '\r')
            e--;
        if (!is_blank(p, (size_t)(e - p))) {
            const char *q = p;
            while (q < e && is_space(*q))
                q++;
            if (is_label_tag(q, (size_t)(e - q)))
                return SLANT_FORMAT_FASTTEXT;
            if (*q == '{')
                return SLANT_FORMAT_JSONL;
            if (looks_like_libsvm(q, (size_t)(e - q)))
                return SLANT_FORMAT_LIBSVM;
            for (const char *f = p; f <= e;) {
                const char *tab = memchr(f, '\t', (size_t)(e - f));
                const char *fe = tab ? tab : e;
                if ((size_t)(fe - f) == text_len && !memcmp(f, text, text_len))
                    return SLANT_FORMAT_TSV;
                if (!tab)
                    break;
                f = tab + 1;
            }
            return SLANT_FORMAT_AUTO;
        }
        p = nl ? nl + 1 : end;
    }
    return SLANT_FORMAT_AUTO;
}

/* Whether the first two non-blank lines of BUF hold the same number of
 * tab-separated fields, two or more: a table, though no field is named
 * for the text (a TSV whose text column is missing or misnamed, to be
 * reported as such rather than taken for an article). */
static int looks_like_table(const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    size_t fields[2], seen = 0;
    while (p < end && seen < 2) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        if (!nl && seen == 1)
            break; /* a second line cut short by the buffer proves nothing */
        if (!is_blank(p, (size_t)(e - p)))
            fields[seen++] = count_fields(p, (size_t)(e - p));
        p = nl ? nl + 1 : end;
    }
    return seen == 2 && fields[0] >= 2 && fields[0] == fields[1];
}

/* ------------------------------------------------------------------ */
/* Reading a corpus, whole or a batch at a time                        */
/* ------------------------------------------------------------------ */

struct slant_reader {
    char *name;          /* for messages */
    read_opts ro;        /* the options, copied */
    line_source src;
    line_parser parser;
    slant_corpus *whole; /* the text and folder formats: their one batch */
    char **files;        /* a folder of articles: n_files paths, read from next_file on */
    size_t n_files, next_file;
    int done;            /* the input has ended, or failed */
    slant_format format; /* as detected */
    slant_status failed; /* an error that waits for the batch it cut short to go out */
    slant_error failed_err;
};

/* Buffers the input up to its first non-blank line, whole, or to its end,
 * for format_of_content; never past a line of max_line bytes, which the
 * parser then refuses. */
static slant_status source_peek(line_source *s, slant_error *err)
{
    slant_status st;
    if (!s->started && (st = source_start(s, err)))
        return st;
    for (;;) {
        const char *p = s->buf + s->pos, *end = s->buf + s->len, *nl;
        while (p < end && (nl = memchr(p, '\n', (size_t)(end - p)))) {
            if (!is_blank(p, (size_t)(nl - p)))
                return SLANT_STATUS_OK;
            p = nl + 1;
        }
        if (s->eof || source_past_cap(s))
            return SLANT_STATUS_OK;
        if ((st = source_fill(s, err)))
            return st;
    }
}

/* Whether the unread input holds nothing but spaces and line ends. */
static int source_all_blank(const line_source *s)
{
    for (size_t i = s->pos; i < s->len; i++)
        if (!is_space(s->buf[i]) && s->buf[i] != '\n')
            return 0;
    return 1;
}

/* The rest of the input, a peeked stream, as one text document. */
static slant_status source_text(line_source *s, const char *name, size_t max_doc,
                                slant_corpus **out, slant_error *err)
{
    slant_status st;
    while (!s->eof) {
        if (s->len - s->pos > max_doc)
            return too_long(err, name, 0, max_doc);
        if ((st = source_fill(s, err)))
            return st;
    }
    if (s->len - s->pos > max_doc)
        return too_long(err, name, 0, max_doc);
    return read_text(s->buf + s->pos, s->len - s->pos, name, out, err);
}

static void read_opts_free(read_opts *ro)
{
    free(ro->text_column);
    free(ro->group_column);
    if (ro->ignore)
        for (size_t k = 0; k < ro->n_ignore; k++)
            free(ro->ignore[k]);
    free(ro->ignore);
    memset(ro, 0, sizeof *ro);
}

/* Checks OPT (NULL: the defaults) and copies it into *ro. */
static slant_status read_opts_copy(const slant_read_options *opt, read_opts *ro,
                                   slant_error *err)
{
    memset(ro, 0, sizeof *ro);
    slant_read_options def;
    if (!opt) {
        slant_read_options_init(&def);
        opt = &def;
    }
    const char *text = opt->text_column ? opt->text_column : "text";
    if (!*text || !strcmp(text, "id"))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "the text column cannot be %s", *text ? "\"id\"" : "unnamed");
    if (opt->n_ignore && !opt->ignore)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%zu columns to ignore but no names",
                          opt->n_ignore);
    for (size_t k = 0; k < opt->n_ignore; k++) {
        const char *ig = opt->ignore[k];
        if (!ig || !*ig)
            return slant_fail(err, SLANT_STATUS_BAD_OPTION, "--ignore: a column has no name");
        if (!strcmp(ig, text))
            return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                              "--ignore \"%s\": that is the text column", ig);
        for (size_t j = 0; j < k; j++)
            if (!strcmp(opt->ignore[j], ig))
                return slant_fail(err, SLANT_STATUS_BAD_OPTION, "--ignore \"%s\" given twice",
                                  ig);
    }
    const char *group = opt->group_column;
    if (group) {
        if (!*group)
            return slant_fail(err, SLANT_STATUS_BAD_OPTION, "--group: the column has no name");
        if (!strcmp(group, text) || !strcmp(group, "id"))
            return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                              "--group \"%s\": that is the %s column", group,
                              strcmp(group, "id") ? "text" : "id");
        for (size_t k = 0; k < opt->n_ignore; k++)
            if (!strcmp(opt->ignore[k], group))
                return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                                  "--group \"%s\" is ignored too (--ignore)", group);
    }
    ro->texts_only = opt->texts_only != 0;
    ro->text_fallback = opt->text_fallback != 0;
    ro->ids_with_path = opt->ids_with_path != 0;
    ro->max_doc = opt->max_doc_bytes ? opt->max_doc_bytes : SLANT_MAX_DOC_BYTES;
    ro->n_ignore = opt->n_ignore;
    if (!(ro->text_column = slant_strdup(text))
        || (group && !(ro->group_column = slant_strdup(group)))
        || !(ro->ignore = slant_calloc_array(opt->n_ignore ? opt->n_ignore : 1,
                                             sizeof *ro->ignore)))
        goto no_memory;
    for (size_t k = 0; k < opt->n_ignore; k++)
        if (!(ro->ignore[k] = slant_strdup(opt->ignore[k])))
            goto no_memory;
    return SLANT_STATUS_OK;
no_memory:
    read_opts_free(ro);
    return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
}

void slant_read_options_init(slant_read_options *opt)
{
    if (opt)
        memset(opt, 0, sizeof *opt); /* SLANT_FORMAT_AUTO is 0 */
}

void slant_reader_free(slant_reader *r)
{
    if (!r)
        return;
    if (r->src.fd > STDERR_FILENO)
        close(r->src.fd);
    source_free(&r->src);
    parser_free(&r->parser);
    slant_corpus_free(r->whole);
    free_names(r->files, r->n_files);
    read_opts_free(&r->ro);
    free(r->name);
    free(r);
}

/* --ignore and --text-column name columns, which only TSV and JSONL have:
 * said once the format is known, whatever it is read as. */
static void warn_no_columns(const read_opts *ro, const char *name, slant_format format)
{
    if ((ro->n_ignore || strcmp(ro->text_column, "text")) && format != SLANT_FORMAT_TSV
        && format != SLANT_FORMAT_JSONL)
        slant_warn("%s: --ignore and --text-column are for TSV and JSONL corpora; a %s corpus "
                   "has no columns", name, slant_format_name(format));
}

/* --group names a column, which only TSV and JSONL have: unlike
 * --ignore, an error, since the grouping it asks for cannot be had. */
static slant_status group_needs_columns(const read_opts *ro, const char *name,
                                        slant_format format, slant_error *err)
{
    if (!ro->group_column || format == SLANT_FORMAT_TSV || format == SLANT_FORMAT_JSONL)
        return SLANT_STATUS_OK;
    return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                      "%s: --group \"%s\" names a column, and a %s corpus has none; give a TSV "
                      "or JSONL corpus",
                      name, ro->group_column, slant_format_name(format));
}

static slant_status reader_open(const char *path, const slant_read_options *opt, int whole,
                                slant_reader **out, slant_error *err)
{
    if (!out)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no place to put the reader");
    *out = NULL;
    if (!path)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no corpus path");
    slant_format format = opt ? opt->format : SLANT_FORMAT_AUTO;
    if ((unsigned)format >= N_FORMATS)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%s: unknown corpus format %d", path,
                          (int)format);
    int from_stdin = !strcmp(path, "-");
    if (format == SLANT_FORMAT_DIR && from_stdin)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "standard input cannot be read as a folder corpus (format dir)");
    slant_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->name = slant_strdup(from_stdin ? STDIN_NAME : path))) {
        free(r);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", path);
    }
    r->src.fd = -1;
    r->src.name = r->name;
    slant_status st = read_opts_copy(opt, &r->ro, err);
    if (st)
        goto done;
    const read_opts *ro = &r->ro;
    r->src.max_line = ro->max_doc;
    int articles = 0; /* a folder of articles */
    if (format == SLANT_FORMAT_AUTO && !from_stdin) {
        struct stat sb;
        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            format = SLANT_FORMAT_DIR;
            articles = ro->text_fallback;
        } else if ((format = format_of_name(path)) == SLANT_FORMAT_AUTO && ro->text_fallback)
            format = SLANT_FORMAT_TEXT;
    }
    if (format != SLANT_FORMAT_AUTO) {
        warn_no_columns(ro, r->name, articles ? SLANT_FORMAT_TEXT : format);
        if ((st = group_needs_columns(ro, r->name, articles ? SLANT_FORMAT_TEXT : format, err)))
            goto done;
    }
    int content_told = format == SLANT_FORMAT_AUTO;
    /* Ids that name the input: the input's name must make a good one. */
    if ((format == SLANT_FORMAT_TEXT || ro->ids_with_path) && !articles
        && (st = check_name(r->name, strlen(r->name), r->name, "the id", err)))
        goto done;
    if (articles) {
        st = list_articles(path, &r->files, &r->n_files, err);
        goto done;
    }
    if (format == SLANT_FORMAT_DIR) {
        st = read_dir(path, ro, &r->whole, err);
        goto done;
    }
    if (format == SLANT_FORMAT_TEXT) {
        char *buf;
        const char *text;
        size_t len;
        if (!(st = read_document(path, r->name, ro->max_doc, &buf, &text, &len, err))) {
            st = read_text(text, len, r->name, &r->whole, err);
            free(buf);
        }
        goto done;
    }
    r->src.fd = from_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (r->src.fd < 0) {
        st = slant_fail(err, SLANT_STATUS_IO, "%s: %s", path, strerror(errno));
        goto done;
    }
    /* A folder opens fine and only fails at the first read. */
    struct stat sb;
    if (fstat(r->src.fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        st = slant_fail(err, SLANT_STATUS_IO, "%s: %s", path, strerror(EISDIR));
        goto done;
    }
    if (format == SLANT_FORMAT_AUTO) {
        if ((st = source_peek(&r->src, err)))
            goto done;
        format = format_of_content(r->src.buf + r->src.pos, r->src.len - r->src.pos,
                                   ro->text_column);
        if (format == SLANT_FORMAT_AUTO && ro->text_fallback
            && looks_like_table(r->src.buf + r->src.pos, r->src.len - r->src.pos))
            format = SLANT_FORMAT_TSV;
        if (format == SLANT_FORMAT_AUTO && ro->text_fallback) {
            /* standard input (a named file took the text format above) */
            if (r->src.eof && source_all_blank(&r->src))
                st = slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: empty input: nothing to label",
                                r->name);
            else
                st = source_text(&r->src, r->name, ro->max_doc, &r->whole, err);
            format = SLANT_FORMAT_TEXT;
            if (r->src.fd > STDERR_FILENO)
                close(r->src.fd);
            r->src.fd = -1;
            goto done;
        }
        if (format == SLANT_FORMAT_AUTO) {
            st = slant_fail(err, SLANT_STATUS_BAD_INPUT,
                            "cannot tell the format of %s; use --format", r->name);
            goto done;
        }
    }
    if (content_told) {
        warn_no_columns(ro, r->name, format);
        if ((st = group_needs_columns(ro, r->name, format, err)))
            goto done;
    }
    st = parser_start(&r->parser, format, r->name, ro, whole, err);
done:
    r->format = format;
    if (st) {
        slant_reader_free(r);
        return st;
    }
    *out = r;
    return SLANT_STATUS_OK;
}

slant_format slant_reader_format(const slant_reader *r)
{
    return r ? r->format : SLANT_FORMAT_AUTO;
}

slant_status slant_reader_open(const char *path, slant_format format, slant_reader **out,
                               slant_error *err)
{
    slant_read_options opt;
    slant_read_options_init(&opt);
    opt.format = format;
    return reader_open(path, &opt, 0, out, err);
}

slant_status slant_reader_open_with(const char *path, const slant_read_options *opt,
                                    slant_reader **out, slant_error *err)
{
    return reader_open(path, opt, 0, out, err);
}

/* Reads documents into r->parser.c (empty or not yet made) until it holds
 * MAX_DOCS or its texts pass MAX_BYTES, or the input ends; with
 * STREAMING, also once it holds a document and the input has no more
 * ready, so that a slow stream is labeled as it comes, and an error after
 * some documents of the batch waits in r->failed while they go out: a
 * stream's records before a bad one are all delivered. */
static slant_status read_batch(slant_reader *r, size_t max_docs, size_t max_bytes,
                               int streaming, slant_error *err)
{
    line_parser *p = &r->parser;
    size_t bytes = 0;
    slant_status st = SLANT_STATUS_OK;
    while (!r->done) {
        size_t n = p->c ? p->c->n_docs : 0;
        if (n >= max_docs || (n && bytes >= max_bytes))
            break;
        char *line = NULL;
        size_t l = 0;
        int got = SOURCE_END;
        if ((st = source_line(&r->src, streaming && n, &line, &l, &got, err)))
            break;
        if (got == SOURCE_WOULD_WAIT)
            break;
        if (got == SOURCE_END) {
            st = parser_end(p, err);
            r->done = 1;
            break;
        }
        if ((st = parser_line(p, line, l, r->src.lineno, err)))
            break;
        if (p->c && p->c->n_docs > n)
            bytes += p->c->lens[n];
    }
    if (st && streaming && p->c && p->c->n_docs) {
        r->done = 1;
        r->failed = st;
        r->failed_err = err ? *err : (slant_error){{0}};
        return SLANT_STATUS_OK;
    }
    if (st) { /* nothing after an error, not even the batch it cut short */
        r->done = 1;
        slant_corpus_free(p->c);
        p->c = NULL;
    }
    return st;
}

uint64_t slant_reader_bytes(const slant_reader *r)
{
    if (!r || r->src.fd < 0)
        return 0;
    return r->src.got - (r->src.len - r->src.pos); /* what is still buffered is not yet read */
}

slant_status slant_reader_next(slant_reader *r, size_t max_docs, size_t max_bytes,
                               slant_corpus **batch, slant_error *err)
{
    if (!batch)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no place to put the batch");
    *batch = NULL;
    if (!r)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no reader");
    if (r->failed) { /* the error after the last batch; nothing after it */
        slant_status st = r->failed;
        r->failed = SLANT_STATUS_OK;
        if (err)
            *err = r->failed_err;
        return st;
    }
    if (r->files) { /* a folder of articles: a batch of files */
        if (r->done)
            return SLANT_STATUS_OK;
        slant_status st = read_article_files(r->files, r->n_files, &r->next_file, r->name,
                                             max_docs ? max_docs : 1, max_bytes, r->ro.max_doc,
                                             batch, err);
        if (st || r->next_file == r->n_files)
            r->done = 1;
        if (st && *batch) { /* the files before the bad one go out first */
            r->failed = st;
            r->failed_err = err ? *err : (slant_error){{0}};
            return SLANT_STATUS_OK;
        }
        if (*batch && !(*batch)->n_docs) {
            slant_corpus_free(*batch);
            *batch = NULL;
        }
        return st;
    }
    if (r->src.fd < 0) { /* a whole-file format: one batch, once */
        if (r->whole && r->whole->n_docs)
            *batch = r->whole;
        else
            slant_corpus_free(r->whole);
        r->whole = NULL;
        return SLANT_STATUS_OK;
    }
    slant_status st = read_batch(r, max_docs ? max_docs : 1, max_bytes, 1, err);
    line_parser *p = &r->parser;
    if (st || !p->c || !p->c->n_docs)
        return st;
    /* The batch goes to the caller; the next one starts as a copy of its
     * heads. */
    slant_corpus *next;
    if ((st = slant_corpus_new(p->c->n_heads, (const char *const *)p->c->head_names, p->name,
                               &next, err)))
        return st;
    next->vectors = p->c->vectors;
    if (p->c->group_name && (st = slant_corpus_group_column(next, p->c->group_name, err))) {
        slant_corpus_free(next);
        return st;
    }
    *batch = p->c;
    p->c = next;
    return SLANT_STATUS_OK;
}

slant_status slant_reader_rest(slant_reader *r, slant_corpus **out, slant_error *err)
{
    if (!out)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no place to put the corpus");
    *out = NULL;
    if (!r)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no reader");
    if (r->failed) {
        slant_status st = r->failed;
        r->failed = SLANT_STATUS_OK;
        if (err)
            *err = r->failed_err;
        return st;
    }
    slant_status st = SLANT_STATUS_OK;
    if (r->files) {
        if (!r->done)
            st = read_article_files(r->files, r->n_files, &r->next_file, r->name, SIZE_MAX,
                                    SIZE_MAX, r->ro.max_doc, &r->whole, err);
        r->done = 1;
        if (st) {
            slant_corpus_free(r->whole);
            r->whole = NULL;
        }
    } else if (r->src.fd >= 0) {
        line_parser *p = &r->parser;
        /* fastText in batches drops its tags; read whole before anything
         * went out, its heads come from every line, as a whole read's do */
        if (p->format == SLANT_FORMAT_FASTTEXT && p->texts_only && !r->ro.texts_only
            && r->src.lineno == 0 && p->c && !p->c->n_docs) {
            static const char *const ft_heads[] = {LABEL_HEAD};
            slant_corpus *c;
            if ((st = slant_corpus_new(1, ft_heads, p->name, &c, err)))
                return st;
            slant_corpus_free(p->c);
            p->c = c;
            p->texts_only = 0;
        }
        if (!(st = read_batch(r, SIZE_MAX, SIZE_MAX, 0, err))) {
            r->whole = p->c;
            p->c = NULL;
        }
    }
    if (!st) {
        *out = r->whole;
        r->whole = NULL;
    }
    return st;
}

slant_status slant_corpus_read_with(const char *path, const slant_read_options *opt,
                                    slant_corpus **out, slant_error *err)
{
    if (!out)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no place to put the corpus");
    *out = NULL;
    slant_reader *r;
    slant_status st = reader_open(path, opt, 1, &r, err);
    if (!st)
        st = slant_reader_rest(r, out, err);
    slant_reader_free(r);
    return st;
}

slant_status slant_corpus_read(const char *path, slant_format format, slant_corpus **out,
                               slant_error *err)
{
    slant_read_options opt;
    slant_read_options_init(&opt);
    opt.format = format;
    return slant_corpus_read_with(path, &opt, out, err);
}
