/*
 * modelfile.c: the slant model file: writing, checked loading, saving.
 *
 * Format, version 2.  All integers and floats little-endian; floats IEEE
 * 754 binary32 unless said.  Every section starts on a 64-byte boundary so
 * its arrays can be used in place from an mmap.
 *
 *   offset 0   header, 64 bytes:
 *                0  magic "SLANTMDL"
 *                8  u32 format version (2)
 *               12  u32 header size (64)
 *               16  u64 file size, trailer included
 *               24  u32 number of sections
 *               28  u32 flags (0)
 *               32  u64 offset of the section table
 *               40  24 bytes of zeros
 *   table      one 24-byte entry per section: u32 id, u32 zero, u64 offset, u64 size
 *   sections   (ids below)
 *   trailer    u64 XXH3-64 of every byte before it
 *
 * Sections:
 *   1 PROVENANCE  UTF-8 text, "key=value" lines
 *   2 CONFIG      128 bytes: u32 model kind, word_min, word_max, char_min,
 *                 char_max, hash_bits, min_count, weighting (0 counts, 1 tf-idf,
 *                 2 binary); u64 hash seed;
 *                 u32 n_features, n_heads; u64 vocab_cap; f64 alpha, c, tol;
 *                 u32 max_iter, class_weight; u64 training seed;
 *                 u32 nb_scale, u32 solver; u64 hot_cap; u32 token flags
 *                 (1: punctuation tokens, 2: case kept, 4: LIBSVM vectors
 *                 given as text, no vocabulary); u32 kernel (svm: 0
 *                 linear, 1 rbf; 0 for other kinds); f64 beta (nbsvm; the
 *                 chosen values are in the provenance)
 *   3 HEADS       per head: u32 length + name; u32 n_classes; per class:
 *                 u32 length + name, u64 training count
 *   4 IDF         f32[n_features]  (hashed mode with tf-idf on)
 *   5 VOCAB       vocab_cap slots of 16 bytes: u64 n-gram hash, u32 feature
 *                 (0xffffffff: a free slot), f32 idf (1 with tf-idf off); an
 *                 open-addressing table probed linearly from hash mod vocab_cap
 *                 (vocabulary mode).  Features are numbered by falling
 *                 training count; this table holds all but the first
 *                 SLANT_HOT_FEATURES
 *   6 NAME_OFFS   u32[n_features + 1] (vocabulary mode)
 *   7 NAMES       NUL-terminated n-gram texts (vocabulary mode)
 *   8 WEIGHTS     per head: f32[n_features x n_classes] then f32[n_classes];
 *                 empty for an RBF svm, whose heads are in SVM
 *   9 HOT         hot_cap slots like VOCAB's: the first SLANT_HOT_FEATURES
 *                 features, looked up before VOCAB (vocabulary mode)
 *  10 SVM         an RBF svm: per head, its libsvm model (layout in svm.c)
 *  11 CALIBRATION optional: per head, its calibration map and abstention
 *                 thresholds (layout in calibration.c); a model without it
 *                 labels with the weights' own probabilities
 *  12 NB_COUNTS   optional, nb and cnb only: per head, in the order of HEADS,
 *                 f64[n_features x n_classes], feature-major: the sum over the
 *                 head's training documents of class k of feature f's value
 *                 (after weighting: counts, binary or tf-idf), before class
 *                 weights.  With the class counts of HEADS it is all the
 *                 weights are computed from, so that models of disjoint
 *                 shards add up to the model of their union
 *                 (slant_model_merge).  Written by nb and cnb training on
 *                 hashed features and by streamed training; a model without
 *                 it labels the same, and cannot be merged.  A reader that
 *                 predates it skips it, as every unknown section: no new
 *                 format version
 *
 * Token and n-gram hashes are slant_text_hash (pipeline.h); version 1
 * hashed tokens with XXH3 and is not read any more.
 *
 * The loader checks the whole file before anything is used: sizes against
 * the file, every count against overflow, the checksum, every index and
 * every float; a newer format version is refused by name.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "calibration.h"
#include "common.h"
#include "model.h"
#include "svm.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "slant's model file is used in place and needs a little-endian host"
#endif

#define MAGIC "SLANTMDL"
#define HEADER_SIZE 64
#define ENTRY_SIZE 24
#define CONFIG_SIZE 128
#define ALIGN 64

enum {
    SEC_PROVENANCE = 1,
    SEC_CONFIG,
    SEC_HEADS,
    SEC_IDF,
    SEC_VOCAB,
    SEC_NAME_OFFS,
    SEC_NAMES,
    SEC_WEIGHTS,
    SEC_HOT,
    SEC_SVM,
    SEC_CALIBRATION,
    SEC_NB_COUNTS,
    SEC_COUNT_ /* one past the last id */
};

static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static void putf64(unsigned char *p, double v) { memcpy(p, &v, 8); }
static uint32_t get32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static double getf64(const unsigned char *p) { double v; memcpy(&v, p, 8); return v; }

static size_t align_up(size_t n) { return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1); }

/* ---- Writing ---------------------------------------------------------- */

typedef struct section {
    uint32_t id;
    const void *data; /* NULL: filled by a writer callback */
    size_t size;
} section;

static size_t heads_size(uint32_t n_heads, const slant_head_parts *h)
{
    size_t s = 0;
    for (uint32_t i = 0; i < n_heads; i++) {
        s += 4 + strlen(h[i].name) + 4;
        for (uint32_t k = 0; k < h[i].n_classes; k++)
            s += 4 + strlen(h[i].class_names[k]) + 8;
    }
    return s;
}

static void write_heads(unsigned char *p, uint32_t n_heads, const slant_head_parts *h)
{
    for (uint32_t i = 0; i < n_heads; i++) {
        size_t l = strlen(h[i].name);
        put32(p, (uint32_t)l);
        memcpy(p + 4, h[i].name, l);
        p += 4 + l;
        put32(p, h[i].n_classes);
        p += 4;
        for (uint32_t k = 0; k < h[i].n_classes; k++) {
            l = strlen(h[i].class_names[k]);
            put32(p, (uint32_t)l);
            memcpy(p + 4, h[i].class_names[k], l);
            p += 4 + l;
            put64(p, h[i].class_counts[k]);
            p += 8;
        }
    }
}

static void write_config(unsigned char *p, slant_model_kind kind, const slant_options *o,
                         const slant_pipeline *pipe, uint32_t n_heads)
{
    memset(p, 0, CONFIG_SIZE);
    const slant_fconfig *c = &pipe->cfg;
    uint32_t v[8] = {(uint32_t)kind, c->word_min, c->word_max, c->char_min,
                     c->char_max, c->hash_bits, c->min_count, c->weighting};
    for (int i = 0; i < 8; i++)
        put32(p + 4 * i, v[i]);
    put64(p + 32, c->seed);
    put32(p + 40, pipe->n_features);
    put32(p + 44, n_heads);
    put64(p + 48, pipe->vocab_cap);
    putf64(p + 56, o->alpha);
    putf64(p + 64, o->c);
    putf64(p + 72, o->tol);
    put32(p + 80, o->max_iter);
    put32(p + 84, (uint32_t)o->class_weight);
    put64(p + 88, o->seed);
    put32(p + 96, (uint32_t)o->nb_scale);
    put32(p + 100, (uint32_t)o->solver);
    put64(p + 104, pipe->hot_cap);
    put32(p + 112, c->token_flags);
    put32(p + 116, (uint32_t)o->kernel);
    putf64(p + 120, o->beta);
}

static slant_status parse_image(unsigned char *image, size_t size, int mapped, const char *name,
                                slant_model **out, slant_error *err);

slant_status slant_model_build(slant_model_kind kind, const slant_options *opt,
                               const slant_pipeline *pipe, uint32_t n_heads,
                               const slant_head_parts *heads, const char *provenance,
                               slant_model **out, slant_error *err)
{
    *out = NULL;
    size_t nf = pipe->n_features;
    size_t wcount = 0, svm_bytes = 0, mass_count = 0;
    for (uint32_t i = 0; i < n_heads; i++) {
        if (heads[i].nb_mass)
            mass_count += nf * heads[i].n_classes; /* below the weights' count, checked */
        size_t c = heads[i].n_classes;
        if (!heads[i].weights) {
            svm_bytes += heads[i].svm_size;
            continue;
        }
        if (nf + 1 > SIZE_MAX / c || (nf + 1) * c > SIZE_MAX / 4 - wcount)
            return slant_fail(err, SLANT_STATUS_BAD_OPTION, "the model would be too large");
        wcount += (nf + 1) * c;
    }
    section sec[SEC_COUNT_];
    size_t n = 0;
    sec[n++] = (section){SEC_PROVENANCE, provenance, strlen(provenance)};
    sec[n++] = (section){SEC_CONFIG, NULL, CONFIG_SIZE};
    sec[n++] = (section){SEC_HEADS, NULL, heads_size(n_heads, heads)};
    if (pipe->cfg.hash_bits && pipe->cfg.weighting == SLANT_WEIGHTING_TFIDF)
        sec[n++] = (section){SEC_IDF, pipe->idf, nf * 4};
    if (!pipe->cfg.hash_bits && !(pipe->cfg.token_flags & SLANT_TOK_VECTORS)) {
        sec[n++] = (section){SEC_HOT, pipe->hot, pipe->hot_cap * sizeof *pipe->hot};
        sec[n++] = (section){SEC_VOCAB, pipe->vocab, pipe->vocab_cap * sizeof *pipe->vocab};
        sec[n++] = (section){SEC_NAME_OFFS, pipe->name_off, (nf + 1) * 4};
        sec[n++] = (section){SEC_NAMES, pipe->names, pipe->name_off[nf]};
    }
    sec[n++] = (section){SEC_WEIGHTS, NULL, wcount * 4};
    if (svm_bytes)
        sec[n++] = (section){SEC_SVM, NULL, svm_bytes};
    if (n_heads && heads[0].nb_mass)
        sec[n++] = (section){SEC_NB_COUNTS, NULL, mass_count * 8};

    size_t table = HEADER_SIZE;
    size_t at = align_up(table + n * ENTRY_SIZE);
    size_t offs[SEC_COUNT_];
    for (size_t i = 0; i < n; i++) {
        offs[i] = at;
        at = align_up(at + sec[i].size);
    }
    size_t total = at + 8;
    unsigned char *img = aligned_alloc(ALIGN, align_up(total));
    if (!img)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory building the model");
    memset(img, 0, align_up(total));
    memcpy(img, MAGIC, 8);
    put32(img + 8, SLANT_FORMAT_VERSION);
    put32(img + 12, HEADER_SIZE);
    put64(img + 16, total);
    put32(img + 24, (uint32_t)n);
    put32(img + 28, 0);
    put64(img + 32, table);
    for (size_t i = 0; i < n; i++) {
        unsigned char *e = img + table + i * ENTRY_SIZE;
        put32(e, sec[i].id);
        put64(e + 8, offs[i]);
        put64(e + 16, sec[i].size);
        unsigned char *dst = img + offs[i];
        switch (sec[i].id) {
        case SEC_CONFIG:
            write_config(dst, kind, opt, pipe, n_heads);
            break;
        case SEC_HEADS:
            write_heads(dst, n_heads, heads);
            break;
        case SEC_WEIGHTS:
            for (uint32_t h = 0; h < n_heads; h++) {
                if (!heads[h].weights)
                    continue;
                size_t cnt = (nf + 1) * heads[h].n_classes;
                memcpy(dst, heads[h].weights, cnt * 4);
                dst += cnt * 4;
            }
            break;
        case SEC_SVM:
            for (uint32_t h = 0; h < n_heads; h++)
                if (!heads[h].weights) {
                    memcpy(dst, heads[h].svm, heads[h].svm_size);
                    dst += heads[h].svm_size;
                }
            break;
        case SEC_NB_COUNTS:
            for (uint32_t h = 0; h < n_heads; h++) {
                size_t cnt = nf * heads[h].n_classes;
                memcpy(dst, heads[h].nb_mass, cnt * 8);
                dst += cnt * 8;
            }
            break;
        default:
            if (sec[i].size)
                memcpy(dst, sec[i].data, sec[i].size);
        }
    }
    put64(img + total - 8, slant_hash64(img, total - 8, 0));
    return parse_image(img, total, 0, "(new model)", out, err);
}

slant_status slant_model_with_calibration(const slant_model *m, const slant_calib_head *cal,
                                          const char *provenance, slant_model **out,
                                          slant_error *err)
{
    *out = NULL;
    const unsigned char *p = m->image;
    uint32_t n = get32(p + 24);
    uint64_t table = get64(p + 32);
    int any = 0;
    for (uint32_t h = 0; h < m->n_heads; h++)
        any |= cal[h].method != SLANT_CALIBRATION_NONE || cal[h].target > 0;
    section sec[SEC_COUNT_];
    size_t ns = 0;
    for (uint32_t i = 0; i < n && ns < SEC_COUNT_; i++) {
        const unsigned char *e = p + table + (size_t)i * ENTRY_SIZE;
        uint32_t id = get32(e);
        if (id == SEC_PROVENANCE)
            sec[ns++] = (section){id, provenance, strlen(provenance)};
        else if (id != SEC_CALIBRATION && id > 0 && id < SEC_COUNT_)
            sec[ns++] = (section){id, p + get64(e + 8), get64(e + 16)};
    }
    if (any && ns < SEC_COUNT_)
        sec[ns++] = (section){SEC_CALIBRATION, NULL, slant_calib_section_size(cal, m->n_heads)};
    size_t at = align_up(HEADER_SIZE + ns * ENTRY_SIZE), offs[SEC_COUNT_];
    for (size_t i = 0; i < ns; i++) {
        offs[i] = at;
        at = align_up(at + sec[i].size);
    }
    size_t total = at + 8;
    unsigned char *img = aligned_alloc(ALIGN, align_up(total));
    if (!img)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory building the model");
    memset(img, 0, align_up(total));
    memcpy(img, p, HEADER_SIZE);
    put64(img + 16, total);
    put32(img + 24, (uint32_t)ns);
    put64(img + 32, HEADER_SIZE);
    for (size_t i = 0; i < ns; i++) {
        unsigned char *e = img + HEADER_SIZE + i * ENTRY_SIZE;
        put32(e, sec[i].id);
        put64(e + 8, offs[i]);
        put64(e + 16, sec[i].size);
        if (sec[i].id == SEC_CALIBRATION)
            slant_calib_section_write(img + offs[i], cal, m->n_heads);
        else if (sec[i].size)
            memcpy(img + offs[i], sec[i].data, sec[i].size);
    }
    put64(img + total - 8, slant_hash64(img, total - 8, 0));
    return parse_image(img, total, 0, "(new model)", out, err);
}

/* ---- Reading ---------------------------------------------------------- */

void slant_model_free(slant_model *m)
{
    if (!m)
        return;
    if (m->mapped)
        munmap(m->image, m->image_size);
    else
        free(m->image);
    if (m->heads)
        for (uint32_t h = 0; h < m->n_heads; h++)
            slant_svm_head_free(m->heads[h].svm);
    slant_calib_heads_free(m->calib, m->n_heads);
    free(m->heads);
    free(m->strings);
    free(m->provenance);
    free(m->heads_aux);
    free(m);
}

static int all_finite(const float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

#define BAD(...) slant_fail(err, SLANT_STATUS_BAD_MODEL, __VA_ARGS__)

/* Parses HEADS into m (names copied into m->strings). */
static slant_status parse_heads(slant_model *m, const unsigned char *p, size_t size,
                                const char *name, slant_error *err)
{
    /* First pass: bounds, counts and the room the strings need. */
    size_t at = 0, classes = 0, strbytes = 0;
    for (uint32_t h = 0; h < m->n_heads; h++) {
        for (int part = 0; part < 2; part++) {
            if (part == 1) {
                if (size - at < 4)
                    return BAD("%s: head %u is cut short", name, h + 1);
                uint32_t c = get32(p + at);
                at += 4;
                if (c < 1 || c > SLANT_MAX_CLASSES)
                    return BAD("%s: head %u has %u classes", name, h + 1, c);
                for (uint32_t k = 0; k < c; k++) {
                    if (size - at < 4)
                        return BAD("%s: head %u is cut short", name, h + 1);
                    uint32_t l = get32(p + at);
                    if (l == 0 || l > size - at - 4 || size - at - 4 - l < 8)
                        return BAD("%s: head %u has a bad class name", name, h + 1);
                    const char *why = slant_name_problem((const char *)p + at + 4, l);
                    if (why)
                        return BAD("%s: the name of class %u of head %u %s", name, k + 1,
                                   h + 1, why);
                    at += 4 + (size_t)l + 8;
                    strbytes += (size_t)l + 1;
                }
                classes += c;
            } else {
                if (size - at < 4)
                    return BAD("%s: the head table is cut short", name);
                uint32_t l = get32(p + at);
                if (l == 0 || l > size - at - 4)
                    return BAD("%s: head %u has a bad name", name, h + 1);
                const char *why = slant_name_problem((const char *)p + at + 4, l);
                if (why)
                    return BAD("%s: the name of head %u %s", name, h + 1, why);
                at += 4 + (size_t)l;
                strbytes += (size_t)l + 1;
            }
        }
    }
    if (at != size)
        return BAD("%s: the head table has %zu stray bytes", name, size - at);
    m->heads = calloc(m->n_heads, sizeof *m->heads);
    m->strings = malloc(strbytes ? strbytes : 1);
    m->heads_aux = calloc(classes, sizeof(char *) + sizeof(uint64_t));
    if (!m->heads || !m->strings || !m->heads_aux)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
    const char **names = m->heads_aux;
    uint64_t *counts = (uint64_t *)(names + classes);
    char *s = m->strings;
    at = 0;
    size_t offset = 0;
    for (uint32_t h = 0; h < m->n_heads; h++) {
        slant_head *hd = &m->heads[h];
        uint32_t l = get32(p + at);
        memcpy(s, p + at + 4, l);
        s[l] = '\0';
        hd->name = s;
        s += l + 1;
        at += 4 + (size_t)l;
        hd->n_classes = get32(p + at);
        at += 4;
        hd->class_names = names;
        hd->class_counts = counts;
        hd->class_offset = offset;
        hd->one_vs_rest = ((m->kind == SLANT_MODEL_KIND_LR && m->opt.solver == SLANT_SOLVER_DUAL)
                           || m->kind == SLANT_MODEL_KIND_NBSVM || m->kind == SLANT_MODEL_KIND_SVM)
                       && hd->n_classes > 2;
        offset += hd->n_classes;
        for (uint32_t k = 0; k < hd->n_classes; k++) {
            l = get32(p + at);
            memcpy(s, p + at + 4, l);
            s[l] = '\0';
            names[k] = s;
            s += l + 1;
            at += 4 + (size_t)l;
            counts[k] = get64(p + at);
            at += 8;
            for (uint32_t j = 0; j < k; j++)
                if (strcmp(names[j], names[k]) == 0)
                    return BAD("%s: head \"%s\" names class \"%s\" twice", name, hd->name,
                               names[k]);
        }
        for (uint32_t j = 0; j < h; j++)
            if (strcmp(m->heads[j].name, hd->name) == 0)
                return BAD("%s: two heads are named \"%s\"", name, hd->name);
        names += hd->n_classes;
        counts += hd->n_classes;
    }
    m->total_classes = offset;
    return SLANT_STATUS_OK;
}

static slant_status parse_config(slant_model *m, const unsigned char *p, const char *name,
                                 uint64_t *vocab_cap, uint64_t *hot_cap, slant_error *err)
{
    uint32_t kind = get32(p);
    slant_fconfig *c = &m->pipe.cfg;
    c->word_min = get32(p + 4);
    c->word_max = get32(p + 8);
    c->char_min = get32(p + 12);
    c->char_max = get32(p + 16);
    c->hash_bits = get32(p + 20);
    c->min_count = get32(p + 24);
    c->weighting = get32(p + 28);
    c->seed = get64(p + 32);
    c->token_flags = get32(p + 112);
    m->pipe.n_features = get32(p + 40);
    m->n_heads = get32(p + 44);
    *vocab_cap = get64(p + 48);
    *hot_cap = get64(p + 104);
    if (kind > SLANT_MODEL_KIND_SVM)
        return BAD("%s: unknown model kind %u", name, kind);
    m->kind = (slant_model_kind)kind;
    if (c->word_min > c->word_max || c->word_max > SLANT_MAX_NGRAM || (c->word_min == 0) != (c->word_max == 0)
        || c->char_min > c->char_max || c->char_max > SLANT_MAX_NGRAM
        || (c->char_min == 0) != (c->char_max == 0) || (c->word_max == 0 && c->char_max == 0))
        return BAD("%s: impossible n-gram ranges", name);
    if (c->hash_bits > SLANT_MAX_HASH_BITS || c->weighting > SLANT_WEIGHTING_BINARY
        || (c->token_flags & ~(SLANT_TOK_PUNCT | SLANT_TOK_KEEP_CASE | SLANT_TOK_VECTORS)))
        return BAD("%s: impossible feature settings", name);
    if ((c->token_flags & SLANT_TOK_VECTORS)
        && (c->hash_bits || *vocab_cap || *hot_cap || c->weighting != SLANT_WEIGHTING_COUNTS))
        return BAD("%s: a model of given vectors with text features", name);
    if (c->hash_bits && m->pipe.n_features != (uint32_t)1 << c->hash_bits)
        return BAD("%s: %u features do not match %u hash bits", name, m->pipe.n_features,
                   c->hash_bits);
    if (c->hash_bits && (*vocab_cap || *hot_cap))
        return BAD("%s: a hashed model with vocabulary tables", name);
    if (m->n_heads < 1 || m->n_heads > SLANT_MAX_HEADS)
        return BAD("%s: %u heads", name, m->n_heads);
    slant_options *o = &m->opt;
    slant_options_init(o);
    o->model = m->kind;
    o->word_min = c->word_min;
    o->word_max = c->word_max;
    o->char_min = c->char_min;
    o->char_max = c->char_max;
    o->hash_bits = c->hash_bits;
    o->min_count = c->min_count;
    o->weighting = (slant_weighting)c->weighting;
    o->punct = (c->token_flags & SLANT_TOK_PUNCT) != 0;
    o->keep_case = (c->token_flags & SLANT_TOK_KEEP_CASE) != 0;
    o->alpha = getf64(p + 56);
    o->c = getf64(p + 64);
    o->tol = getf64(p + 72);
    o->max_iter = get32(p + 80);
    o->class_weight = (int)get32(p + 84);
    o->seed = get64(p + 88);
    o->nb_scale = (int)get32(p + 96);
    o->beta = getf64(p + 120);
    uint32_t solver = get32(p + 100), kernel = get32(p + 116);
    if (o->class_weight > 1 || o->nb_scale > 1 || solver > SLANT_SOLVER_LBFGS
        || kernel > SLANT_KERNEL_RBF || (kernel && m->kind != SLANT_MODEL_KIND_SVM))
        return BAD("%s: impossible training settings", name);
    o->solver = (slant_solver)solver;
    o->kernel = (slant_kernel)kernel;
    return SLANT_STATUS_OK;
}

/* The longest run of occupied slots a table may have.  slant writes
 * tables at most half full, whose longest runs are a few dozen slots; a
 * lookup of an unknown n-gram walks one run, so the bound bounds it. */
#define MAX_PROBE_RUN 4096

/* Checks a vocabulary table of CAP slots at P (SIZE bytes) over NF
 * features: a power-of-two size that matches, at most half full, no run
 * of occupied slots past MAX_PROBE_RUN (so lookups end, and soon), each
 * index below NF and not seen before (SEEN: a bit per feature, shared by
 * the tables; *used counts them), positive idf. */
static slant_status check_table(const char *name, const char *what, const unsigned char *p,
                                uint64_t size, uint64_t cap, uint64_t nf, uint8_t *seen,
                                uint64_t *used, slant_error *err)
{
    if (!p || cap < 16 || (cap & (cap - 1)) || cap > ((uint64_t)1 << 40)
        || size != cap * sizeof(slant_vocab_slot))
        return BAD("%s: the %s table has impossible sizes", name, what);
    const slant_vocab_slot *t = (const slant_vocab_slot *)p;
    uint64_t full = 0, run = 0, first_run = 0, longest = 0;
    for (uint64_t i = 0; i < cap; i++) {
        uint32_t id = t[i].id;
        if (id == SLANT_VOCAB_EMPTY) {
            if (full == i)
                first_run = run; /* the run that wraps around from the end */
            run = 0;
            continue;
        }
        if (id >= nf)
            return BAD("%s: the %s table points past the %llu features", name, what,
                       (unsigned long long)nf);
        if (seen[id >> 3] & (1u << (id & 7)))
            return BAD("%s: feature %u is in the vocabulary twice", name, id);
        seen[id >> 3] |= (uint8_t)(1u << (id & 7));
        if (!(t[i].idf > 0) || !isfinite(t[i].idf))
            return BAD("%s: idf of feature %u is not a positive number", name, id);
        full++;
        if (++run > longest)
            longest = run;
    }
    if (run + first_run > longest)
        longest = run + first_run;
    if (2 * full > cap)
        return BAD("%s: the %s table is more than half full", name, what);
    if (longest > MAX_PROBE_RUN)
        return BAD("%s: the %s table has a run of %llu occupied slots", name, what,
                   (unsigned long long)longest);
    *used += full;
    return SLANT_STATUS_OK;
}

/* The NB_COUNTS section: one block of sums per head, each a finite
 * number of at least 0, in a model of naive Bayes. */
static slant_status parse_nb_counts(slant_model *m, const unsigned char *p, uint64_t size,
                                    const char *name, slant_error *err)
{
    if (m->kind != SLANT_MODEL_KIND_NB && m->kind != SLANT_MODEL_KIND_CNB)
        return BAD("%s: a stray NB_COUNTS section in a model of %s", name,
                   slant_model_kind_name(m->kind));
    uint64_t nf = m->pipe.n_features, need = 0;
    for (uint32_t h = 0; h < m->n_heads; h++)
        need += nf * m->heads[h].n_classes; /* bounded by the weights, checked before */
    if (size != need * 8)
        return BAD("%s: the NB_COUNTS section has %llu bytes, not the %llu of %llu features "
                   "and the heads' classes", name, (unsigned long long)size,
                   (unsigned long long)(need * 8), (unsigned long long)nf);
    const double *v = (const double *)p;
    for (uint64_t i = 0; i < need; i++)
        if (!(v[i] >= 0) || !isfinite(v[i]))
            return BAD("%s: NB_COUNTS number %llu is not a finite number at least 0", name,
                       (unsigned long long)i);
    for (uint32_t h = 0; h < m->n_heads; h++) {
        m->heads[h].nb_mass = v;
        v += nf * m->heads[h].n_classes;
    }
    return SLANT_STATUS_OK;
}

static slant_status parse_image(unsigned char *image, size_t size, int mapped, const char *name,
                                slant_model **out, slant_error *err)
{
    slant_status st;
    slant_model *m = calloc(1, sizeof *m);
    if (!m) {
        if (mapped)
            munmap(image, size);
        else
            free(image);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
    }
    m->image = image;
    m->image_size = size;
    m->mapped = mapped;
    const unsigned char *p = image;

    if (size < 8 || memcmp(p, MAGIC, 8) != 0) {
        st = BAD("%s: not a slant model (no SLANTMDL magic number)", name);
        goto fail;
    }
    if (size < HEADER_SIZE + 8) {
        st = BAD("%s: truncated: %zu bytes, shorter than a model header", name, size);
        goto fail;
    }
    uint32_t version = get32(p + 8);
    if (version > SLANT_FORMAT_VERSION) {
        st = BAD("%s: written in model format version %u by a newer slant; this slant %s reads "
                 "version %d", name, version, SLANT_VERSION, SLANT_FORMAT_VERSION);
        goto fail;
    }
    if (version >= 1 && version < SLANT_FORMAT_VERSION) {
        st = BAD("%s: written in model format version %u by an earlier slant, which this slant "
                 "%s no longer reads; train the model again", name, version, SLANT_VERSION);
        goto fail;
    }
    if (version < 1 || get32(p + 12) != HEADER_SIZE || get32(p + 28) != 0) {
        st = BAD("%s: corrupt header", name);
        goto fail;
    }
    uint64_t fsize = get64(p + 16);
    if (fsize != size) {
        st = BAD(fsize > size ? "%s: truncated: the header says %llu bytes but there are %zu"
                              : "%s: the header says %llu bytes but there are %zu",
                 name, (unsigned long long)fsize, size);
        goto fail;
    }
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION /* the fuzzer's build: mutations go deeper */
    if (get64(p + size - 8) != slant_hash64(p, size - 8, 0)) {
        st = BAD("%s: checksum mismatch: the file is corrupt", name);
        goto fail;
    }
#endif
    uint32_t n = get32(p + 24);
    uint64_t table = get64(p + 32);
    if (n > SEC_COUNT_ * 4 || table < HEADER_SIZE || table > size - 8
        || (uint64_t)n * ENTRY_SIZE > size - 8 - table) {
        st = BAD("%s: corrupt section table", name);
        goto fail;
    }
    const unsigned char *sec[SEC_COUNT_] = {0};
    uint64_t secsize[SEC_COUNT_] = {0};
    for (uint32_t i = 0; i < n; i++) {
        const unsigned char *e = p + table + (size_t)i * ENTRY_SIZE;
        uint32_t id = get32(e);
        uint64_t off = get64(e + 8), len = get64(e + 16);
        if (get32(e + 4) != 0 || off % ALIGN || off < table + (uint64_t)n * ENTRY_SIZE
            || off > size - 8 || len > size - 8 - off) {
            st = BAD("%s: section %u lies outside the file", name, i + 1);
            goto fail;
        }
        if (id == 0 || id >= SEC_COUNT_)
            continue; /* a section this version does not know: ignored */
        if (sec[id]) {
            st = BAD("%s: section %u appears twice", name, id);
            goto fail;
        }
        sec[id] = p + off;
        secsize[id] = len;
    }
    if (!sec[SEC_CONFIG] || secsize[SEC_CONFIG] != CONFIG_SIZE || !sec[SEC_HEADS]
        || !sec[SEC_WEIGHTS] || !sec[SEC_PROVENANCE]) {
        st = BAD("%s: a required section is missing", name);
        goto fail;
    }
    uint64_t vcap, hcap;
    if ((st = parse_config(m, sec[SEC_CONFIG], name, &vcap, &hcap, err)))
        goto fail;
    if ((st = parse_heads(m, sec[SEC_HEADS], secsize[SEC_HEADS], name, err)))
        goto fail;
    m->provenance = slant_strndup((const char *)sec[SEC_PROVENANCE], secsize[SEC_PROVENANCE]);
    if (!m->provenance) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
        goto fail;
    }

    uint64_t nf = m->pipe.n_features;
    slant_pipeline *pp = &m->pipe;
    if (pp->cfg.hash_bits && pp->cfg.weighting == SLANT_WEIGHTING_TFIDF) {
        if (!sec[SEC_IDF] || secsize[SEC_IDF] != nf * 4) {
            st = BAD("%s: the idf section does not match %llu features", name,
                     (unsigned long long)nf);
            goto fail;
        }
        pp->idf = (const float *)sec[SEC_IDF];
        for (uint64_t i = 0; i < nf; i++)
            if (!(pp->idf[i] > 0) || !isfinite(pp->idf[i])) {
                st = BAD("%s: idf of feature %llu is not a positive number", name,
                         (unsigned long long)i);
                goto fail;
            }
    }
    if (!pp->cfg.hash_bits && !(pp->cfg.token_flags & SLANT_TOK_VECTORS)) {
        /* Every feature in exactly one slot of one table. */
        uint8_t *seen = calloc(nf / 8 + 1, 1);
        uint64_t used = 0;
        if (!seen) {
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
            goto fail;
        }
        st = check_table(name, "vocabulary", sec[SEC_VOCAB], secsize[SEC_VOCAB], vcap, nf, seen,
                         &used, err);
        if (!st)
            st = check_table(name, "hot vocabulary", sec[SEC_HOT], secsize[SEC_HOT], hcap, nf,
                             seen, &used, err);
        free(seen);
        if (!st && used != nf)
            st = BAD("%s: %llu of the %llu features are in the vocabulary", name,
                     (unsigned long long)used, (unsigned long long)nf);
        if (st)
            goto fail;
        pp->vocab_cap = vcap;
        pp->vocab = (const slant_vocab_slot *)sec[SEC_VOCAB];
        pp->hot_cap = hcap;
        pp->hot = (const slant_vocab_slot *)sec[SEC_HOT];
        if (!sec[SEC_NAME_OFFS] || secsize[SEC_NAME_OFFS] != (nf + 1) * 4 || !sec[SEC_NAMES]) {
            st = BAD("%s: the n-gram names are missing or of the wrong size", name);
            goto fail;
        }
        pp->name_off = (const uint32_t *)sec[SEC_NAME_OFFS];
        pp->names = (const char *)sec[SEC_NAMES];
        if (pp->name_off[0] != 0 || pp->name_off[nf] != secsize[SEC_NAMES]) {
            st = BAD("%s: the n-gram names do not fill their section", name);
            goto fail;
        }
        for (uint64_t i = 0; i < nf; i++)
            if (pp->name_off[i + 1] <= pp->name_off[i] || pp->name_off[i + 1] > secsize[SEC_NAMES]
                || pp->names[pp->name_off[i + 1] - 1]) {
                st = BAD("%s: n-gram name %llu is malformed", name, (unsigned long long)i);
                goto fail;
            }
        /* The names, each NUL-terminated, checked as one block; the name
         * that holds a bad byte is found by its offset. */
        size_t bad = slant_names_block_check(pp->names, secsize[SEC_NAMES]);
        if (bad < secsize[SEC_NAMES]) {
            uint64_t lo = 0, hi = nf - 1; /* the name whose [start, end) holds byte BAD */
            while (lo < hi) {
                uint64_t mid = lo + (hi - lo + 1) / 2;
                if (pp->name_off[mid] <= bad)
                    lo = mid;
                else
                    hi = mid - 1;
            }
            const char *why = slant_name_problem(pp->names + pp->name_off[lo],
                                                 pp->name_off[lo + 1] - 1 - pp->name_off[lo]);
            st = BAD("%s: n-gram name %llu %s", name, (unsigned long long)lo,
                     why ? why : "is not valid UTF-8");
            goto fail;
        }
    }
    const float *w = (const float *)sec[SEC_WEIGHTS];
    uint64_t wleft = secsize[SEC_WEIGHTS] / 4;
    if (secsize[SEC_WEIGHTS] % 4) {
        st = BAD("%s: the weights section has a partial number", name);
        goto fail;
    }
    int rbf = m->opt.kernel == SLANT_KERNEL_RBF;
    if (rbf != (sec[SEC_SVM] != NULL)) {
        st = BAD(rbf ? "%s: an RBF svm without its SVM section" : "%s: a stray SVM section", name);
        goto fail;
    }
    const unsigned char *sv = sec[SEC_SVM];
    uint64_t svleft = secsize[SEC_SVM];
    for (uint32_t h = 0; h < m->n_heads && rbf; h++) {
        uint64_t used;
        if ((st = slant_svm_head_parse(sv, svleft, m->heads[h].n_classes, m->pipe.n_features,
                                       name, &m->heads[h].svm, &used, err)))
            goto fail;
        sv += used;
        svleft -= used;
    }
    if (svleft) {
        st = BAD("%s: the SVM section has %llu stray bytes", name, (unsigned long long)svleft);
        goto fail;
    }
    for (uint32_t h = 0; h < m->n_heads && !rbf; h++) {
        uint64_t c = m->heads[h].n_classes;
        if ((nf + 1) > wleft / c) {
            st = BAD("%s: the weights section is too short for head \"%s\"", name,
                     m->heads[h].name);
            goto fail;
        }
        m->heads[h].weights = w;
        m->heads[h].bias = w + nf * c;
        w += (nf + 1) * c;
        wleft -= (nf + 1) * c;
    }
    if (wleft != 0) {
        st = BAD("%s: the weights section has %llu stray numbers", name,
                 (unsigned long long)wleft);
        goto fail;
    }
    if (!all_finite((const float *)sec[SEC_WEIGHTS], secsize[SEC_WEIGHTS] / 4)) {
        st = BAD("%s: a weight is not a finite number", name);
        goto fail;
    }
    if (sec[SEC_NB_COUNTS]
        && (st = parse_nb_counts(m, sec[SEC_NB_COUNTS], secsize[SEC_NB_COUNTS], name, err)))
        goto fail;
    if (sec[SEC_CALIBRATION]) {
        uint32_t *k = slant_alloc_array(m->n_heads ? m->n_heads : 1, sizeof *k);
        if (!k) {
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
            goto fail;
        }
        for (uint32_t h = 0; h < m->n_heads; h++)
            k[h] = m->heads[h].n_classes;
        st = slant_calib_section_parse(sec[SEC_CALIBRATION], secsize[SEC_CALIBRATION],
                                       m->n_heads, k, name, &m->calib, err);
        free(k);
        if (st)
            goto fail;
    }
    *out = m;
    return SLANT_STATUS_OK;
fail:
    slant_model_free(m);
    *out = NULL;
    return st;
}

slant_status slant_model_load_memory(const void *data, size_t size, const char *name,
                                     slant_model **out, slant_error *err)
{
    *out = NULL;
    unsigned char *copy = aligned_alloc(ALIGN, align_up(size ? size : 1));
    if (!copy)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
    if (size)
        memcpy(copy, data, size);
    return parse_image(copy, size, 0, name, out, err);
}

slant_status slant_model_load(const char *path, slant_model **out, slant_error *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return slant_fail(err, SLANT_STATUS_IO, "%s: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return slant_fail(err, SLANT_STATUS_IO, "%s: %s", path, strerror(e));
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return slant_fail(err, SLANT_STATUS_BAD_MODEL, "%s: not a regular file", path);
    }
    size_t size = (size_t)sb.st_size;
    if (size < HEADER_SIZE + 8) { /* too small to map usefully: read and report */
        unsigned char buf[HEADER_SIZE + 8];
        ssize_t r = read(fd, buf, sizeof buf);
        close(fd);
        if (r < 0)
            return slant_fail(err, SLANT_STATUS_IO, "%s: %s", path, strerror(errno));
        return slant_model_load_memory(buf, (size_t)r, path, out, err);
    }
    void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    int e = errno;
    close(fd);
    if (map == MAP_FAILED)
        return slant_fail(err, SLANT_STATUS_IO, "%s: cannot map: %s", path, strerror(e));
    return parse_image(map, size, 1, path, out, err);
}

slant_status slant_model_save(const slant_model *m, const char *path, slant_error *err)
{
    slant_atomic a;
    slant_status st = slant_atomic_open(&a, path, err);
    if (st)
        return st;
    size_t done = 0;
    while (done < m->image_size) {
        ssize_t w = write(a.fd, m->image + done, m->image_size - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            st = slant_fail(err, SLANT_STATUS_IO, "cannot write %s: %s", path,
                            strerror(w == 0 ? EIO : errno));
            break;
        }
        done += (size_t)w;
    }
    if (!st)
        st = slant_atomic_commit(&a, err);
    if (close(a.fd) != 0 && !st)
        st = slant_fail(err, SLANT_STATUS_IO, "cannot close %s: %s", path, strerror(errno));
    slant_atomic_abort(&a);
    return st;
}
