/*
 * corpus.c: the in-memory slant_corpus behind every reader: building it,
 * its accessors, groups, head selection and the corpus hash.  The readers
 * that fill it are the read_*.c files and reader.c (see read.h).
 *
 * Memory: each document is one allocation holding its id and its labels,
 * NUL-terminated one after the other.  ids[i] points at the start of that
 * block and owns it; labels[i * n_heads + h] point inside it.  Its text is
 * copied into the last of a list of slabs, mappings of 1 MiB each, so
 * that a document costs one malloc and a text none, and training can give
 * the texts back to the system once it has its feature matrix
 * (slant_corpus_release_text): freed small blocks would stay in the heap.
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
#include "read.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common.h"
#include "pipeline.h"

/* The name of a corpus built with slant_corpus_from_memory. */
#define MEMORY_NAME "<memory>"

/* ------------------------------------------------------------------ */
/* The corpus object                                                   */
/* ------------------------------------------------------------------ */

int slant_cmp_strp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sets *dup to a name that occurs twice in NAMES (NULL when all differ).
 * Sorting a copy keeps this O(n log n) on a hostile header of many
 * columns.  Returns 0, or -1 when memory runs out. */
int slant_names_duplicate(const char *const *names, size_t n, const char **dup)
{
    *dup = NULL;
    if (n < 2)
        return 0;
    const char **s = slant_alloc_array(n, sizeof *s);
    if (!s)
        return -1;
    memcpy(s, names, n * sizeof *s);
    qsort(s, n, sizeof *s, slant_cmp_strp);
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
    if (slant_names_duplicate(head_names, n_heads, &dup))
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
    cap = c->cap;
    p = c->slab_of;
    bad = slant_grow(&p, &cap, need, sizeof *c->slab_of);
    c->slab_of = p;
    if (bad)
        return -1;
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

/* Bytes of one slab of texts: large enough that its mapping costs
 * nothing next to the texts, small enough that the last one's empty tail
 * does not matter, nor the few that training's threads hold at once while
 * releasing texts.  A longer text gets a mapping of its own. */
#define SLAB_BYTES ((size_t)1 << 20)
/* Bytes left unused at a slab's end: a text may be read a little past its
 * NUL (slant_text_hash reads whole 16-byte blocks), and must not then
 * reach past the mapping. */
#define SLAB_SLACK 16

/* Room for a text of LEN bytes and its NUL in the last slab, a new one
 * when it does not fit; NULL when memory runs out.  The caller counts the
 * text into c->slab_docs[c->n_slabs - 1]. */
static char *slab_take(slant_corpus *c, size_t len)
{
    if (len > SIZE_MAX - 1 - SLAB_SLACK)
        return NULL;
    size_t need = len + 1;
    if (!c->n_slabs || !c->slab[c->n_slabs - 1]
        || need + SLAB_SLACK > c->slab_size[c->n_slabs - 1] - c->slab_used) {
        if (c->n_slabs >= UINT32_MAX - 1)
            return NULL;
        if (c->n_slabs == c->slabs_cap) {
            size_t cap = c->slabs_cap, c2 = cap, c3 = cap;
            void *p = c->slab, *q = c->slab_size, *r = c->slab_docs;
            int bad = slant_grow(&p, &cap, c->n_slabs + 1, sizeof *c->slab);
            c->slab = p;
            bad |= !bad && slant_grow(&q, &c2, c->n_slabs + 1, sizeof *c->slab_size);
            c->slab_size = q;
            bad |= !bad && slant_grow(&r, &c3, c->n_slabs + 1, sizeof *c->slab_docs);
            c->slab_docs = r;
            if (bad)
                return NULL;
            c->slabs_cap = cap;
        }
        size_t size = need + SLAB_SLACK > SLAB_BYTES ? need + SLAB_SLACK : SLAB_BYTES;
        void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            return NULL;
        c->slab[c->n_slabs] = m;
        c->slab_size[c->n_slabs] = size;
        c->slab_docs[c->n_slabs] = 0;
        c->n_slabs++;
        c->slab_used = 0;
    }
    char *t = c->slab[c->n_slabs - 1] + c->slab_used;
    c->slab_used += need;
    return t;
}

void slant_corpus_release_text(slant_corpus *c, size_t d)
{
    static char empty[1];
    uint32_t s = c->slab_of[d];
    if (s == UINT32_MAX)
        return;
    c->slab_of[d] = UINT32_MAX;
    c->texts[d] = empty;
    c->lens[d] = 0;
    if (__atomic_sub_fetch(&c->slab_docs[s], 1, __ATOMIC_ACQ_REL) == 0) {
        munmap(c->slab[s], c->slab_size[s]);
        c->slab[s] = NULL; /* the next text appended takes a new slab */
    }
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

    /* The block: id NUL label NUL ...; sizes checked for overflow since
     * len comes from the input. */
    size_t id_len = strlen(id);
    size_t size = id_len + 1;
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
    char *t = slab_take(c, len);
    if (!t)
        goto no_memory;
    char *block = malloc(size);
    if (!block) {
        c->slab_used -= len + 1; /* the text's room goes back to its slab */
        goto no_memory;
    }

    size_t d = c->n_docs;
    if (len)
        memcpy(t, text, len);
    t[len] = '\0';
    c->texts[d] = t;
    c->lens[d] = len;
    c->slab_of[d] = (uint32_t)(c->n_slabs - 1);
    c->slab_docs[c->n_slabs - 1]++;
    memcpy(block, id, id_len + 1);
    char *p = block + id_len + 1;
    c->ids[d] = block;
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
        free(corpus->ids[d]); /* owns the document's labels too */
    for (size_t s = 0; s < corpus->n_slabs; s++)
        if (corpus->slab[s])
            munmap(corpus->slab[s], corpus->slab_size[s]);
    free(corpus->slab);
    free(corpus->slab_size);
    free(corpus->slab_docs);
    free(corpus->slab_of);
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
        return slant_read_check_name(name, strlen(name), src, "the group column's name", err);
    for (size_t d = 0; d < corpus->n_docs; d++)
        if (values[d] && slant_name_problem(values[d], strlen(values[d]))) {
            char what[64];
            snprintf(what, sizeof what, "document %zu's group", d + 1);
            return slant_read_check_name(values[d], strlen(values[d]), src, what, err);
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
        st = slant_read_check_name(head_names[h], strlen(head_names[h]), MEMORY_NAME,
                                   "the head name", err);
    for (size_t i = 0; labels && i < n_docs * n_heads && !st; i++)
        if (labels[i]) {
            char where[48], what[300];
            snprintf(where, sizeof where, "%s: document %zu", MEMORY_NAME, i / n_heads + 1);
            snprintf(what, sizeof what, "the \"%s\" label", head_names[i % n_heads]);
            st = slant_read_check_name(labels[i], strlen(labels[i]), where, what, err);
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

