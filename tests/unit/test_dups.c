/*
 * test_dups.c: near-duplicate search (features/dups.c): similarities known
 * by construction, pairs between two corpora, clusters as connected
 * components, empty documents, refused options, and the sketch against
 * --exact and against a reference computed here on word ids.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "rng.h"
#include "slant.h"

static slant_corpus *corpus_of(size_t n, const char *const *texts)
{
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_from_memory(n, texts, 0, NULL, NULL, &c, &err),
                     SLANT_STATUS_OK);
    return c;
}

static slant_dups *find(const slant_corpus *a, const slant_corpus *b, double threshold,
                        uint32_t shingle, int exact, uint32_t threads)
{
    slant_dups_options o;
    slant_dups_options_init(&o);
    o.threshold = threshold;
    o.shingle = shingle;
    o.exact = exact;
    o.threads = threads;
    slant_dups *d = NULL;
    slant_error err = {{0}};
    slant_status st = slant_dups_find(a, b, &o, &d, &err);
    if (st)
        fail_msg("slant_dups_find: %s", err.message);
    return d;
}

/* N distinct words "PREFIXi" from FIRST, separated by spaces, into BUF. */
static char *words(char *buf, const char *prefix, int first, int n)
{
    buf[0] = '\0';
    for (int i = 0; i < n; i++)
        sprintf(buf + strlen(buf), "%s%s%d", i ? " " : "", prefix, first + i);
    return buf;
}

static void assert_pair(const slant_dups *d, size_t i, size_t a, size_t b, double j)
{
    size_t x, y;
    double s;
    slant_dups_pair(d, i, &x, &y, &s);
    assert_int_equal(x, a);
    assert_int_equal(y, b);
    if (fabs(s - j) > 1e-12)
        fail_msg("pair %zu: jaccard %.15g, expected %.15g", i, s, j);
}

/* ---- Known similarities -------------------------------------------------- */

static void test_identical(void **state)
{
    (void)state;
    const char *t[] = {"The quick brown fox jumps over the lazy dog",
                       "Markets fell sharply after the central bank raised rates",
                       "the QUICK brown fox, jumps over... the lazy dog!"};
    slant_corpus *c = corpus_of(3, t);
    slant_dups *d = find(c, NULL, 0, 0, 0, 1);
    assert_int_equal(slant_dups_pairs(d), 1);
    assert_pair(d, 0, 0, 2, 1.0); /* case folded, punctuation left out */
    assert_int_equal(slant_dups_clusters(d), 1);
    assert_int_equal(slant_dups_cluster_of(d, 0), 0);
    assert_int_equal(slant_dups_cluster_of(d, 2), 0);
    assert_true(slant_dups_cluster_of(d, 1) == SIZE_MAX);
    assert_true(slant_dups_cluster_of(d, 3) == SIZE_MAX); /* past the end */
    assert_int_equal(slant_dups_cluster_size(d, 0), 2);
    slant_dups_stats st;
    slant_dups_stats_of(d, &st);
    assert_int_equal(st.documents, 3);
    assert_int_equal(st.distinct, 2);
    assert_int_equal(st.in_clusters, 2);
    assert_int_equal(st.shingle, SLANT_DUPS_SHINGLE);
    assert_true(st.threshold == SLANT_DUPS_THRESHOLD);
    assert_true(st.recall_at_threshold >= 0.99);
    slant_dups_free(d);
    slant_corpus_free(c);
}

/* 100 distinct words, and a copy with R of them replaced, far apart and
 * away from the ends: each replacement takes K shingles out of each of
 * the 101 - K.  Jaccard (101 - K - RK) / (101 - K + RK). */
static void test_known_similarity(void **state)
{
    (void)state;
    static char a[2048], b[2048];
    const char *t[] = {a, b};
    words(a, "w", 0, 100);
    for (uint32_t k = 1; k <= 4; k++) {
        for (int r = 1; r <= 3; r++) {
            b[0] = '\0';
            for (int i = 0; i < 100; i++) {
                int replaced = i % 30 == 15 && i / 30 < r; /* words 15, 45, 75 */
                sprintf(b + strlen(b), "%s%s%d", i ? " " : "", replaced ? "x" : "w", i);
            }
            double n = 101.0 - k, j = (n - r * k) / (n + r * k);
            slant_corpus *c = corpus_of(2, t);
            for (int exact = 0; exact <= 1; exact++) {
                slant_dups *d = find(c, NULL, 0.5, k, exact, 1);
                assert_int_equal(slant_dups_pairs(d), 1);
                assert_pair(d, 0, 0, 1, j);
                slant_dups_free(d);
                /* at the similarity itself: found; just above it: not */
                d = find(c, NULL, j, k, exact, 1);
                assert_int_equal(slant_dups_pairs(d), 1);
                slant_dups_free(d);
                d = find(c, NULL, j + 1e-9, k, exact, 1);
                assert_int_equal(slant_dups_pairs(d), 0);
                assert_int_equal(slant_dups_clusters(d), 0);
                slant_dups_free(d);
            }
            slant_corpus_free(c);
        }
    }
    /* The brief's case: about 0.9 pairs at 0.8 and not at 0.95 (two
     * replacements of bigrams: 95 / 103 = 0.922). */
    b[0] = '\0';
    for (int i = 0; i < 100; i++)
        sprintf(b + strlen(b), "%s%s%d", i ? " " : "", i == 30 || i == 60 ? "x" : "w", i);
    slant_corpus *c = corpus_of(2, t);
    slant_dups *d = find(c, NULL, 0.8, 2, 0, 1);
    assert_int_equal(slant_dups_pairs(d), 1);
    assert_pair(d, 0, 0, 1, 95.0 / 103.0);
    slant_dups_free(d);
    d = find(c, NULL, 0.95, 2, 0, 1);
    assert_int_equal(slant_dups_pairs(d), 0);
    slant_dups_free(d);
    slant_corpus_free(c);
}

/* A document of fewer words than a shingle is one shingle of them all. */
static void test_short_documents(void **state)
{
    (void)state;
    const char *t[] = {"hello world", "Hello, world.", "hello world again", "hello"};
    slant_corpus *c = corpus_of(4, t);
    slant_dups *d = find(c, NULL, 0.3, 3, 1, 1);
    assert_int_equal(slant_dups_pairs(d), 1); /* {hello world} twice; no other overlap */
    assert_pair(d, 0, 0, 1, 1.0);
    slant_dups_free(d);
    /* words: (2, 3) is 1/3, below */
    d = find(c, NULL, 0.4, 1, 1, 1);
    assert_int_equal(slant_dups_pairs(d), 5);
    assert_pair(d, 0, 0, 1, 1.0);
    assert_pair(d, 1, 0, 2, 2.0 / 3);
    assert_pair(d, 2, 0, 3, 0.5);
    assert_pair(d, 3, 1, 2, 2.0 / 3);
    assert_pair(d, 4, 1, 3, 0.5);
    assert_int_equal(slant_dups_clusters(d), 1);
    slant_dups_free(d);
    slant_corpus_free(c);
}

static void test_unrelated(void **state)
{
    (void)state;
    /* 300 documents of 60 words drawn from 2,000: pairs share a few
     * words, never 80% of their bigrams */
    enum { N = 300 };
    static char text[N][60 * 8];
    const char *t[N];
    rng_state = 11;
    for (int i = 0; i < N; i++) {
        text[i][0] = '\0';
        for (int k = 0; k < 60; k++)
            sprintf(text[i] + strlen(text[i]), "%sv%d", k ? " " : "",
                    (int)(uniform01() * 2000));
        t[i] = text[i];
    }
    slant_corpus *c = corpus_of(N, t);
    for (int exact = 0; exact <= 1; exact++) {
        slant_dups *d = find(c, NULL, 0.8, 0, exact, 2);
        assert_int_equal(slant_dups_pairs(d), 0);
        assert_int_equal(slant_dups_clusters(d), 0);
        for (size_t i = 0; i < N; i++)
            assert_true(slant_dups_cluster_of(d, i) == SIZE_MAX);
        slant_dups_free(d);
    }
    slant_corpus_free(c);
}

/* ---- Two corpora, clusters, empty documents ----------------------------- */

static void test_two_corpora(void **state)
{
    (void)state;
    static char x[1024], y[1024], z[1024];
    words(x, "x", 0, 50);
    words(y, "y", 0, 50);
    words(z, "z", 0, 50);
    /* A: x, x, y; B: z, x, y */
    const char *ta[] = {x, x, y}, *tb[] = {z, x, y};
    slant_corpus *a = corpus_of(3, ta), *b = corpus_of(3, tb);
    for (int exact = 0; exact <= 1; exact++) {
        slant_dups *d = find(a, b, 0.8, 0, exact, 2);
        /* not A's own pair (0, 1); A's 0 and 1 with B's 1; A's 2 with B's 2 */
        assert_int_equal(slant_dups_pairs(d), 3);
        assert_pair(d, 0, 0, 1, 1.0);
        assert_pair(d, 1, 1, 1, 1.0);
        assert_pair(d, 2, 2, 2, 1.0);
        assert_int_equal(slant_dups_clusters(d), 2);
        assert_int_equal(slant_dups_cluster_of(d, 0), 0);
        assert_int_equal(slant_dups_cluster_of(d, 1), 0);
        assert_int_equal(slant_dups_cluster_of(d, 2), 1);
        assert_true(slant_dups_cluster_of(d, 3 + 0) == SIZE_MAX); /* B's z */
        assert_int_equal(slant_dups_cluster_of(d, 3 + 1), 0);
        assert_int_equal(slant_dups_cluster_of(d, 3 + 2), 1);
        assert_int_equal(slant_dups_cluster_size(d, 0), 3);
        assert_int_equal(slant_dups_cluster_size(d, 1), 2);
        slant_dups_stats st;
        slant_dups_stats_of(d, &st);
        assert_int_equal(st.documents, 6);
        assert_int_equal(st.in_clusters, 5);
        slant_dups_free(d);
    }
    /* Within A alone, (0, 1) is a pair */
    slant_dups *d = find(a, NULL, 0.8, 0, 0, 1);
    assert_int_equal(slant_dups_pairs(d), 1);
    assert_pair(d, 0, 0, 1, 1.0);
    slant_dups_free(d);
    slant_corpus_free(a);
    slant_corpus_free(b);
}

/* a-b and b-c are pairs, a-c is not: one cluster of three, by the chain. */
static void test_clusters_are_components(void **state)
{
    (void)state;
    static char a[512], b[512], c[512], dd[512], e[512], f[512];
    words(a, "w", 0, 20);                          /* w0..w19 */
    words(b, "w", 0, 18);
    strcat(b, " x1 x2");                           /* J(a, b) = 18 / 22 */
    words(c, "w", 0, 16);
    strcat(c, " x1 x2 y1 y2");                     /* J(b, c) = 18 / 22, J(a, c) = 16 / 24 */
    words(dd, "d", 0, 30);
    words(e, "d", 0, 30);
    strcat(e, " extra");                           /* J(d, e) = 30 / 31 */
    words(f, "f", 0, 30);
    const char *t[] = {dd, a, e, b, c, f};
    slant_corpus *corpus = corpus_of(6, t);
    for (int exact = 0; exact <= 1; exact++) {
        slant_dups *d = find(corpus, NULL, 0.8, 1, exact, 1);
        assert_int_equal(slant_dups_pairs(d), 3);
        assert_pair(d, 0, 0, 2, 30.0 / 31);
        assert_pair(d, 1, 1, 3, 18.0 / 22);
        assert_pair(d, 2, 3, 4, 18.0 / 22);
        assert_int_equal(slant_dups_clusters(d), 2);
        assert_int_equal(slant_dups_cluster_of(d, 0), 0); /* numbered by first document */
        assert_int_equal(slant_dups_cluster_of(d, 2), 0);
        assert_int_equal(slant_dups_cluster_of(d, 1), 1);
        assert_int_equal(slant_dups_cluster_of(d, 3), 1);
        assert_int_equal(slant_dups_cluster_of(d, 4), 1);
        assert_true(slant_dups_cluster_of(d, 5) == SIZE_MAX);
        assert_int_equal(slant_dups_cluster_size(d, 0), 2);
        assert_int_equal(slant_dups_cluster_size(d, 1), 3);
        assert_int_equal(slant_dups_cluster_size(d, 2), 0);
        slant_dups_free(d);
    }
    slant_corpus_free(corpus);
}

static void test_empty_documents(void **state)
{
    (void)state;
    const char *t[] = {"", "  \t ", "!!! ... ???", "one two three", "", "one two three", "-"};
    slant_corpus *c = corpus_of(7, t);
    for (int exact = 0; exact <= 1; exact++) {
        slant_dups *d = find(c, NULL, 0.01, 1, exact, 1);
        assert_int_equal(slant_dups_pairs(d), 1);
        assert_pair(d, 0, 3, 5, 1.0);
        slant_dups_stats st;
        slant_dups_stats_of(d, &st);
        assert_int_equal(st.empty, 5);
        assert_int_equal(st.distinct, 1);
        for (size_t i = 0; i < 7; i++)
            if (i != 3 && i != 5)
                assert_true(slant_dups_cluster_of(d, i) == SIZE_MAX);
        slant_dups_free(d);
    }
    /* a corpus of empty documents only, and two of them against each other */
    slant_corpus *e = corpus_of(3, t);
    slant_dups *d = find(e, e, 0.5, 0, 0, 2);
    assert_int_equal(slant_dups_pairs(d), 0);
    assert_int_equal(slant_dups_clusters(d), 0);
    slant_dups_free(d);
    slant_corpus_free(e);
    slant_corpus_free(c);
}

/* Many copies of one text: every pair is reported, but the sets are
 * compared once, not once a pair.  The copies come after another pair, so
 * that the pairs arrive sorted but for a few small ones behind them, which
 * once made the sort quadratic. */
static void test_many_copies(void **state)
{
    (void)state;
    enum { N = 1000 };
    static char base[1024], other[1024];
    words(base, "w", 0, 80);
    words(other, "o", 0, 80);
    const char *t[N + 2];
    t[0] = base;
    t[1] = other;
    t[2] = other;
    for (int i = 3; i < N + 2; i++)
        t[i] = base;
    slant_corpus *c = corpus_of(N + 2, t);
    slant_dups *d = find(c, NULL, 0.8, 0, 0, 2);
    assert_int_equal(slant_dups_pairs(d), (size_t)N * (N - 1) / 2 + 1);
    assert_pair(d, 0, 0, 3, 1.0);
    assert_pair(d, N - 2, 0, N + 1, 1.0);
    assert_pair(d, N - 1, 1, 2, 1.0);
    assert_pair(d, N, 3, 4, 1.0);
    assert_pair(d, slant_dups_pairs(d) - 1, N, N + 1, 1.0);
    assert_int_equal(slant_dups_clusters(d), 2);
    assert_int_equal(slant_dups_cluster_size(d, 0), N);
    assert_int_equal(slant_dups_cluster_of(d, 1), 1);
    slant_dups_stats st;
    slant_dups_stats_of(d, &st);
    assert_int_equal(st.distinct, 2);
    assert_true(st.candidates <= 1); /* the two distinct sets, at most */
    slant_dups_free(d);
    slant_corpus_free(c);
}

/* ---- The sketch against exact and against a reference --------------------- */

enum { GEN_BASE = 150, GEN_DOCS = 450, GEN_VOCAB = 3000, GEN_MAX_WORDS = 160 };

typedef struct gen {
    int words[GEN_DOCS][GEN_MAX_WORDS];
    int n[GEN_DOCS];
    char text[GEN_DOCS][GEN_MAX_WORDS * 7];
    const char *t[GEN_DOCS];
} gen;

/* Base documents of 40 to 160 random words, then near-copies of earlier
 * documents (copies of copies too) with 0 to 12% of the words replaced,
 * some cut or lengthened: similarities spread across any threshold. */
static void generate(gen *g)
{
    rng_state = 2026;
    for (int i = 0; i < GEN_DOCS; i++) {
        if (i < GEN_BASE) {
            g->n[i] = 40 + (int)(uniform01() * 121);
            for (int k = 0; k < g->n[i]; k++)
                g->words[i][k] = (int)(uniform01() * GEN_VOCAB);
        } else {
            int src = (int)(uniform01() * i);
            double p = uniform01() * 0.12;
            int n = g->n[src];
            if (uniform01() < 0.2)
                n -= (int)(uniform01() * n * 0.1); /* cut */
            for (int k = 0; k < n; k++)
                g->words[i][k] =
                    uniform01() < p ? (int)(uniform01() * GEN_VOCAB) : g->words[src][k];
            if (uniform01() < 0.2)
                while (n < GEN_MAX_WORDS && uniform01() < 0.9) /* lengthened */
                    g->words[i][n++] = (int)(uniform01() * GEN_VOCAB);
            g->n[i] = n;
        }
        g->text[i][0] = '\0';
        for (int k = 0; k < g->n[i]; k++)
            sprintf(g->text[i] + strlen(g->text[i]), "%sv%d", k ? " " : "", g->words[i][k]);
        g->t[i] = g->text[i];
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The reference: the bigrams of word ids, as numbers, sorted and distinct. */
static size_t bigrams(const gen *g, int doc, uint64_t *out)
{
    size_t m = 0;
    for (int k = 0; k + 1 < g->n[doc]; k++)
        out[m++] = (uint64_t)g->words[doc][k] * GEN_VOCAB + (uint64_t)g->words[doc][k + 1];
    qsort(out, m, sizeof *out, cmp_u64);
    size_t d = 0;
    for (size_t i = 0; i < m; i++)
        if (!d || out[i] != out[d - 1])
            out[d++] = out[i];
    return d;
}

static double reference_jaccard(const uint64_t *x, size_t nx, const uint64_t *y, size_t ny)
{
    size_t i = 0, j = 0, c = 0;
    while (i < nx && j < ny) {
        if (x[i] < y[j])
            i++;
        else if (x[i] > y[j])
            j++;
        else {
            c++;
            i++;
            j++;
        }
    }
    return (double)c / (double)(nx + ny - c);
}

static void test_sketch_against_exact(void **state)
{
    (void)state;
    gen *g = calloc(1, sizeof *g);
    assert_non_null(g);
    generate(g);
    slant_corpus *c = corpus_of(GEN_DOCS, g->t);
    static uint64_t set[GEN_DOCS][GEN_MAX_WORDS];
    static size_t n_set[GEN_DOCS];
    for (int i = 0; i < GEN_DOCS; i++)
        n_set[i] = bigrams(g, i, set[i]);
    const double thresholds[] = {0.8, 0.6, 0.9};
    for (size_t ti = 0; ti < 3; ti++) {
        double t = thresholds[ti];
        /* exact finds exactly the reference's pairs, with its similarities */
        slant_dups *ex = find(c, NULL, t, 2, 1, 2);
        size_t want = 0, k = 0;
        for (int a = 0; a < GEN_DOCS; a++)
            for (int b = a + 1; b < GEN_DOCS; b++) {
                double j = reference_jaccard(set[a], n_set[a], set[b], n_set[b]);
                if (j < t)
                    continue;
                want++;
                assert_true(k < slant_dups_pairs(ex));
                assert_pair(ex, k++, (size_t)a, (size_t)b, j);
            }
        assert_int_equal(slant_dups_pairs(ex), want);
        assert_true(want >= 50); /* the test means something (0.9: 78, 0.8: 187, 0.6: 500) */
        /* the sketch: no pair exact does not have, nearly all it has */
        for (uint64_t seed = 1; seed <= 3; seed++) {
            slant_dups_options o;
            slant_dups_options_init(&o);
            o.threshold = t;
            o.seed = seed;
            slant_dups *sk = NULL;
            slant_error err = {{0}};
            assert_int_equal(slant_dups_find(c, NULL, &o, &sk, &err), SLANT_STATUS_OK);
            size_t hit = 0, e = 0;
            for (size_t i = 0; i < slant_dups_pairs(sk); i++) {
                size_t x, y, ex_x = 0, ex_y = 0;
                double j, ex_j = 0;
                slant_dups_pair(sk, i, &x, &y, &j);
                while (e < want) {
                    slant_dups_pair(ex, e, &ex_x, &ex_y, &ex_j);
                    if (ex_x > x || (ex_x == x && ex_y >= y))
                        break;
                    e++;
                }
                if (e == want || ex_x != x || ex_y != y)
                    fail_msg("threshold %g seed %llu: the sketch's pair (%zu, %zu) is not "
                             "exact's", t, (unsigned long long)seed, x, y);
                assert_true(j == ex_j);
                hit++;
            }
            double recall = (double)hit / (double)want;
            if (recall < 0.95)
                fail_msg("threshold %g seed %llu: recall %.3f of %zu pairs", t,
                         (unsigned long long)seed, recall, want);
            slant_dups_free(sk);
        }
        slant_dups_free(ex);
    }
    slant_corpus_free(c);
    free(g);
}

static void test_threads_same_result(void **state)
{
    (void)state;
    gen *g = calloc(1, sizeof *g);
    assert_non_null(g);
    generate(g);
    slant_corpus *a = corpus_of(300, g->t), *b = corpus_of(GEN_DOCS - 300, g->t + 300);
    for (int two = 0; two <= 1; two++)
        for (int exact = 0; exact <= 1; exact++) {
            slant_dups *d1 = find(a, two ? b : NULL, 0.7, 0, exact, 1);
            assert_true(slant_dups_pairs(d1) > 20);
            for (uint32_t threads = 2; threads <= 3; threads++) {
                slant_dups *d2 = find(a, two ? b : NULL, 0.7, 0, exact, threads);
                assert_int_equal(slant_dups_pairs(d1), slant_dups_pairs(d2));
                for (size_t i = 0; i < slant_dups_pairs(d1); i++) {
                    size_t x1, y1, x2, y2;
                    double j1, j2;
                    slant_dups_pair(d1, i, &x1, &y1, &j1);
                    slant_dups_pair(d2, i, &x2, &y2, &j2);
                    assert_int_equal(x1, x2);
                    assert_int_equal(y1, y2);
                    assert_true(j1 == j2);
                }
                assert_int_equal(slant_dups_clusters(d1), slant_dups_clusters(d2));
                for (size_t i = 0; i < GEN_DOCS; i++)
                    assert_true(slant_dups_cluster_of(d1, i) == slant_dups_cluster_of(d2, i));
                slant_dups_stats s1, s2;
                slant_dups_stats_of(d1, &s1);
                slant_dups_stats_of(d2, &s2);
                assert_true(s1.candidates == s2.candidates);
                slant_dups_free(d2);
            }
            if (two) /* only cross pairs */
                for (size_t i = 0; i < slant_dups_pairs(d1); i++) {
                    size_t x, y;
                    slant_dups_pair(d1, i, &x, &y, NULL);
                    assert_true(x < 300 && y < GEN_DOCS - 300);
                }
            slant_dups_free(d1);
        }
    slant_corpus_free(a);
    slant_corpus_free(b);
    free(g);
}

/* ---- Refusals ------------------------------------------------------------ */

static void assert_refused(const slant_corpus *c, const slant_dups_options *o,
                           slant_status want, const char *message)
{
    slant_dups *d = (slant_dups *)1;
    slant_error err = {{0}};
    assert_int_equal(slant_dups_find(c, NULL, o, &d, &err), want);
    assert_null(d);
    if (!strstr(err.message, message))
        fail_msg("message \"%s\" lacks \"%s\"", err.message, message);
}

static void test_options_refused(void **state)
{
    (void)state;
    const char *t[] = {"one two three", "one two three"};
    slant_corpus *c = corpus_of(2, t);
    slant_dups_options o;
    const double bad[] = {-0.1, 1.5, NAN, INFINITY};
    for (size_t i = 0; i < 4; i++) {
        slant_dups_options_init(&o);
        o.threshold = bad[i];
        assert_refused(c, &o, SLANT_STATUS_BAD_OPTION, "threshold");
    }
    slant_dups_options_init(&o);
    o.shingle = SLANT_DUPS_MAX_SHINGLE + 1;
    assert_refused(c, &o, SLANT_STATUS_BAD_OPTION, "shingle 17 is out of range");
    slant_dups_options_init(&o);
    o.exact = 2;
    assert_refused(c, &o, SLANT_STATUS_BAD_OPTION, "exact");
    assert_refused(NULL, NULL, SLANT_STATUS_BAD_OPTION, "no corpus");
    /* threshold 1 and the largest shingle are fine; 0 means the defaults */
    slant_dups_options_init(&o);
    o.threshold = 1;
    o.shingle = SLANT_DUPS_MAX_SHINGLE;
    slant_dups *d = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_dups_find(c, NULL, &o, &d, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_dups_pairs(d), 1);
    slant_dups_free(d);
    memset(&o, 0, sizeof o);
    assert_int_equal(slant_dups_find(c, NULL, &o, &d, &err), SLANT_STATUS_OK);
    slant_dups_stats st;
    slant_dups_stats_of(d, &st);
    assert_true(st.threshold == SLANT_DUPS_THRESHOLD);
    assert_int_equal(st.shingle, SLANT_DUPS_SHINGLE);
    slant_dups_free(d);
    /* a corpus of vectors, as either corpus */
    const char *v[] = {"1:1 2:1", "1:1 2:1"};
    slant_corpus *vec = corpus_of(2, v);
    vec->vectors = 1;
    assert_refused(vec, NULL, SLANT_STATUS_BAD_INPUT, "LIBSVM vectors, not text");
    assert_int_equal(slant_dups_find(c, vec, NULL, &d, &err), SLANT_STATUS_BAD_INPUT);
    assert_null(d);
    slant_corpus_free(vec);
    slant_dups_free(NULL);
    slant_corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identical),
        cmocka_unit_test(test_known_similarity),
        cmocka_unit_test(test_short_documents),
        cmocka_unit_test(test_unrelated),
        cmocka_unit_test(test_two_corpora),
        cmocka_unit_test(test_clusters_are_components),
        cmocka_unit_test(test_empty_documents),
        cmocka_unit_test(test_many_copies),
        cmocka_unit_test(test_sketch_against_exact),
        cmocka_unit_test(test_threads_same_result),
        cmocka_unit_test(test_options_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
