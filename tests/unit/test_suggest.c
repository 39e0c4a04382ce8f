/*
 * test_suggest.c: slant_suggest on a model of two topics: the picks come
 * smallest margin first (the margin checked against slant_model_predict),
 * ties by document order; copies are kept apart by the near-duplicate
 * search and, without it, by the cosine cap; --balance takes turns; a
 * labeled pool document is no candidate; the thread count changes
 * nothing; bad options are refused; the written corpus reads back with
 * the model's heads and none of its notes; and on a head of three classes
 * the entropy ranks otherwise than the margin.
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
#include <unistd.h>

#include "slant.h"

#define N_TRAIN 80

static const char *const sport_words[] = {"match", "goal", "striker", "league", "coach",
                                          "penalty", "season", "keeper"};
static const char *const vote_words[] = {"ballot", "senate", "minister", "election", "vote",
                                         "campaign", "parliament", "policy"};

static const char *const rain_words[] = {"rain", "storm", "forecast", "sunshine", "wind",
                                         "frost", "cloud", "drought"};

static char train_buf[N_TRAIN][128];

/* A model of N_TOPICS topics (2: sport and politics; 3: and weather), documents
 * of six words drawn from the topic's list. */
static slant_model *model_of(size_t n_topics)
{
    static const char *texts[N_TRAIN], *labels[N_TRAIN];
    const char *const *words[] = {sport_words, vote_words, rain_words};
    const char *names[] = {"sport", "politics", "weather"};
    uint64_t s = 7;
    for (size_t i = 0; i < N_TRAIN; i++) {
        const char *const *w = words[i % n_topics];
        size_t at = 0;
        for (int k = 0; k < 6; k++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            at += (size_t)snprintf(train_buf[i] + at, sizeof train_buf[i] - at, "%s%s",
                                   k ? " " : "", w[(s >> 33) % 8]);
        }
        texts[i] = train_buf[i];
        labels[i] = names[i % n_topics];
    }
    const char *heads[] = {"topic"};
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_from_memory(N_TRAIN, texts, 1, heads, labels, &c, &err),
                     SLANT_STATUS_OK);
    slant_options o;
    slant_options_init(&o);
    o.model = SLANT_MODEL_KIND_NB;
    o.min_count = 1;
    o.threads = 1;
    o.calibrate = SLANT_CALIBRATION_NONE;
    slant_model *m = NULL;
    assert_int_equal(slant_train(c, &o, &m, &err), SLANT_STATUS_OK);
    slant_corpus_free(c);
    return m;
}

static slant_model *model(void)
{
    return model_of(2);
}

/* A pool: clear sport, clear politics, and mixed documents of both. */
static const char *const pool_texts[] = {
    "match goal striker league coach",           /* 0 clear sport */
    "ballot senate minister election vote",      /* 1 clear politics */
    "match ballot goal senate",                  /* 2 mixed */
    "striker election coach vote penalty",       /* 3 mixed, leaning sport */
    "match ballot goal senate",                  /* 4 a copy of 2 */
    "campaign policy parliament keeper",         /* 5 leaning politics */
    "season minister league campaign",           /* 6 mixed */
};
#define N_POOL (sizeof pool_texts / sizeof *pool_texts)

static slant_corpus *pool(const char *const *labels)
{
    const char *heads[] = {"topic"};
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_from_memory(N_POOL, pool_texts, labels ? 1 : 0, heads, labels,
                                              &c, &err),
                     SLANT_STATUS_OK);
    return c;
}

static double margin_of(const slant_model *m, const char *text)
{
    double p[2];
    assert_int_equal(slant_model_predict(m, text, strlen(text), p, NULL, NULL), SLANT_STATUS_OK);
    return fabs(p[0] - p[1]);
}

static void test_order_and_margin(void **state)
{
    (void)state;
    slant_model *m = model();
    slant_corpus *c = pool(NULL);
    slant_suggest_options so;
    slant_suggest_options_init(&so);
    so.n = 100;
    so.max_similarity = 1;
    so.keep_duplicates = 1;
    slant_suggestions *s = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_suggest(m, c, &so, &s, &err), SLANT_STATUS_OK);
    /* the copy (4) has cosine 1 with 2: all but one come */
    assert_int_equal(slant_suggestions_count(s), N_POOL - 1);
    slant_suggest_pick prev = {0, -1, 0}, p;
    int seen[N_POOL] = {0};
    for (size_t i = 0; i < slant_suggestions_count(s); i++) {
        assert_int_equal(slant_suggestions_get(s, i, &p), 0);
        assert_true(p.doc < N_POOL);
        seen[p.doc] = 1;
        assert_true(fabs(p.margin - margin_of(m, pool_texts[p.doc])) < 1e-9);
        assert_true(p.margin > prev.margin || (p.margin == prev.margin && p.doc > prev.doc));
        assert_int_equal(p.margin_head, 0);
        size_t g = slant_suggestions_guess(s, i, 0);
        double pr = slant_suggestions_prob(s, i, 0);
        assert_true(g < 2);
        assert_true(fabs(pr - (1 + p.margin) / 2) < 1e-9);
        prev = p;
    }
    assert_true(seen[2] != seen[4]);
    assert_true(seen[0] && seen[1]);
    assert_int_equal(slant_suggestions_get(s, N_POOL, &p), -1);
    assert_int_equal(slant_suggestions_guess(s, N_POOL, 0), SIZE_MAX);
    assert_true(isnan(slant_suggestions_prob(s, 0, 1)));
    slant_suggest_stats st;
    slant_suggestions_stats(s, &st);
    assert_int_equal(st.pool, N_POOL);
    assert_int_equal(st.skipped_similar, 1);
    assert_int_equal(st.skipped_dups, 0);
    assert_int_equal(st.dups_checked, 0);
    assert_int_equal(st.examined, N_POOL);
    slant_suggestions_free(s);
    slant_suggestions_free(NULL);
    slant_corpus_free(c);
    slant_model_free(m);
}

static void test_ties_by_document_order(void **state)
{
    (void)state;
    slant_model *m = model();
    /* unknown words: no features, the same probabilities, the same margin */
    const char *texts[] = {"zzzz", "qqqq", "xxxx", "wwww"};
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_from_memory(4, texts, 0, NULL, NULL, &c, &err), SLANT_STATUS_OK);
    slant_suggest_options so;
    slant_suggest_options_init(&so);
    so.n = 4;
    slant_suggestions *s = NULL;
    assert_int_equal(slant_suggest(m, c, &so, &s, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_suggestions_count(s), 4);
    for (size_t i = 0; i < 4; i++) {
        slant_suggest_pick p;
        slant_suggestions_get(s, i, &p);
        assert_int_equal(p.doc, i);
    }
    slant_suggestions_free(s);
    slant_corpus_free(c);
    slant_model_free(m);
}

static void test_duplicates_and_cap(void **state)
{
    (void)state;
    slant_model *m = model();
    slant_corpus *c = pool(NULL);
    slant_suggest_options so;
    slant_suggest_options_init(&so);
    so.n = 100;
    so.max_similarity = 1;
    slant_suggestions *s = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_suggest(m, c, &so, &s, &err), SLANT_STATUS_OK);
    slant_suggest_stats st;
    slant_suggestions_stats(s, &st);
    assert_int_equal(st.dups_checked, 1);
    assert_int_equal(st.skipped_dups, 1); /* the copy, found by its shingles first */
    assert_int_equal(st.skipped_similar, 0);
    slant_suggestions_free(s);
    /* a cap so low that any shared word is too close: fewer picks, and no
     * two of them share a feature */
    so.max_similarity = 0.01;
    so.keep_duplicates = 1;
    assert_int_equal(slant_suggest(m, c, &so, &s, &err), SLANT_STATUS_OK);
    slant_suggestions_stats(s, &st);
    assert_true(slant_suggestions_count(s) < N_POOL - 1);
    assert_true(st.skipped_similar > 0);
    assert_int_equal(st.examined, slant_suggestions_count(s) + st.skipped_similar);
    slant_suggestions_free(s);
    slant_corpus_free(c);
    slant_model_free(m);
}

static void test_balance(void **state)
{
    (void)state;
    slant_model *m = model();
    slant_corpus *c = pool(NULL);
    slant_suggest_options so;
    slant_suggest_options_init(&so);
    so.n = 4;
    so.balance = 1;
    so.head = "topic";
    so.max_similarity = 1;
    slant_suggestions *s = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_suggest(m, c, &so, &s, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_suggestions_count(s), 4);
    for (size_t i = 1; i < 4; i++)
        assert_int_not_equal(slant_suggestions_guess(s, i, 0), slant_suggestions_guess(s, i - 1, 0));
    slant_suggestions_free(s);
    slant_corpus_free(c);
    slant_model_free(m);
}

static void test_labeled_and_threads(void **state)
{
    (void)state;
    slant_model *m = model();
    const char *labels[N_POOL] = {"sport", "politics", NULL, "sport", NULL, "politics", NULL};
    slant_corpus *c = pool(labels);
    slant_suggest_options so;
    slant_suggest_options_init(&so);
    so.n = 10;
    slant_suggestions *a = NULL, *b = NULL;
    slant_error err = {{0}};
    so.threads = 1;
    assert_int_equal(slant_suggest(m, c, &so, &a, &err), SLANT_STATUS_OK);
    so.threads = 3;
    assert_int_equal(slant_suggest(m, c, &so, &b, &err), SLANT_STATUS_OK);
    slant_suggest_stats st;
    slant_suggestions_stats(a, &st);
    assert_int_equal(st.labeled, 4);
    assert_int_equal(slant_suggestions_count(a), slant_suggestions_count(b));
    for (size_t i = 0; i < slant_suggestions_count(a); i++) {
        slant_suggest_pick p, q;
        slant_suggestions_get(a, i, &p);
        slant_suggestions_get(b, i, &q);
        assert_int_equal(p.doc, q.doc);
        assert_true(p.margin == q.margin);
        assert_null(labels[p.doc]);
    }
    slant_suggestions_free(a);
    slant_suggestions_free(b);
    slant_corpus_free(c);
    slant_model_free(m);
}

static void test_bad_options(void **state)
{
    (void)state;
    slant_model *m = model();
    slant_corpus *c = pool(NULL);
    slant_suggest_options so;
    slant_suggest_options_init(&so);
    slant_suggestions *s = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_suggest(m, c, &so, &s, &err), SLANT_STATUS_BAD_OPTION); /* n 0 */
    assert_null(s);
    so.n = 2;
    so.head = "stance";
    assert_int_equal(slant_suggest(m, c, &so, &s, &err), SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "\"stance\""));
    assert_non_null(strstr(err.message, "topic"));
    so.head = NULL;
    so.max_similarity = 1.5;
    assert_int_equal(slant_suggest(m, c, &so, &s, &err), SLANT_STATUS_BAD_OPTION);
    so.max_similarity = -1;
    assert_int_equal(slant_suggest(m, c, &so, &s, &err), SLANT_STATUS_BAD_OPTION);
    so.max_similarity = NAN;
    assert_int_equal(slant_suggest(m, c, &so, &s, &err), SLANT_STATUS_BAD_OPTION);
    so.max_similarity = 0;
    so.dup_threshold = 2;
    assert_int_equal(slant_suggest(m, c, &so, &s, &err), SLANT_STATUS_BAD_OPTION);
    assert_null(s);
    slant_corpus_free(c);
    slant_model_free(m);
}

/* Entropy on a head of three classes: the picks come by the entropy of
 * their probabilities, largest first, which is not the margin's order (a
 * document torn between two classes has the smallest margin, one spread
 * over three the larger entropy); the margin shown stays the margin. */
static void test_entropy(void **state)
{
    (void)state;
    slant_model *m = model_of(3);
    const char *texts[] = {
        "match goal ballot senate",                  /* 0 sport or politics */
        "match ballot rain goal vote storm striker", /* 1 spread over three */
        "rain storm forecast wind",                  /* 2 weather */
        "striker election frost coach",              /* 3 mixed */
        "league campaign cloud sunshine minister",   /* 4 mixed */
    };
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_from_memory(5, texts, 0, NULL, NULL, &c, &err),
                     SLANT_STATUS_OK);
    slant_suggest_options so;
    slant_suggest_options_init(&so);
    assert_int_equal(so.uncertainty, SLANT_SUGGEST_MARGIN);
    so.n = 5;
    so.max_similarity = 1;
    so.keep_duplicates = 1;
    so.uncertainty = SLANT_SUGGEST_ENTROPY;
    slant_suggestions *s = NULL, *by_margin = NULL;
    assert_int_equal(slant_suggest(m, c, &so, &s, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_suggestions_count(s), 5);
    double last = INFINITY;
    for (size_t i = 0; i < 5; i++) {
        slant_suggest_pick p;
        slant_suggestions_get(s, i, &p);
        double pr[3], h = 0;
        const char *t = texts[p.doc];
        assert_int_equal(slant_model_predict(m, t, strlen(t), pr, NULL, NULL), SLANT_STATUS_OK);
        for (size_t k = 0; k < 3; k++)
            h -= pr[k] > 0 ? pr[k] * log(pr[k]) / log(3.0) : 0;
        assert_true(h <= last + 1e-12);
        last = h;
        double p1 = fmax(pr[0], fmax(pr[1], pr[2])), p3 = fmin(pr[0], fmin(pr[1], pr[2]));
        double p2 = pr[0] + pr[1] + pr[2] - p1 - p3;
        assert_true(fabs(p.margin - (p1 - p2)) < 1e-9);
    }
    so.uncertainty = SLANT_SUGGEST_MARGIN;
    assert_int_equal(slant_suggest(m, c, &so, &by_margin, &err), SLANT_STATUS_OK);
    slant_suggest_pick a, b;
    slant_suggestions_get(s, 0, &a);
    slant_suggestions_get(by_margin, 0, &b);
    assert_int_equal(a.doc, 1);
    assert_int_equal(b.doc, 0);
    slant_suggestions_free(by_margin);
    slant_suggestions_free(s);
    so.uncertainty = (slant_suggest_uncertainty)7;
    assert_int_equal(slant_suggest(m, c, &so, &s, &err), SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "uncertainty"));
    assert_null(s);
    slant_corpus_free(c);
    slant_model_free(m);
}

/* Written, then read back as a training corpus would be. */
static void test_write_reads_back(void **state)
{
    (void)state;
    slant_model *m = model();
    slant_corpus *c = pool(NULL);
    slant_suggest_options so;
    slant_suggest_options_init(&so);
    so.n = 3;
    slant_suggestions *s = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_suggest(m, c, &so, &s, &err), SLANT_STATUS_OK);
    char dir[] = "/tmp/test_suggest.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    slant_format fmts[] = {SLANT_FORMAT_TSV, SLANT_FORMAT_JSONL};
    const char *ext[] = {"tsv", "jsonl"};
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/next.%s", dir, ext[k]);
        assert_int_equal(slant_suggestions_save(s, m, c, fmts[k], path, &err), SLANT_STATUS_OK);
        slant_corpus *back = NULL;
        assert_int_equal(slant_corpus_read(path, SLANT_FORMAT_AUTO, &back, &err), SLANT_STATUS_OK);
        assert_int_equal(slant_corpus_size(back), 3);
        assert_int_equal(slant_corpus_heads(back), 1); /* topic; the notes are no heads */
        assert_string_equal(slant_corpus_head_name(back, 0), "topic");
        for (size_t i = 0; i < 3; i++) {
            slant_suggest_pick p;
            slant_suggestions_get(s, i, &p);
            assert_null(slant_corpus_label(back, i, 0));
            assert_string_equal(slant_corpus_text(back, i, NULL), pool_texts[p.doc]);
            assert_string_equal(slant_corpus_id(back, i), slant_corpus_id(c, p.doc));
        }
        slant_corpus_free(back);
        unlink(path);
    }
    /* a stream: the same bytes as the file */
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(slant_suggestions_write(s, m, c, SLANT_FORMAT_TSV, f, &err), SLANT_STATUS_OK);
    rewind(f);
    char line[512];
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "id\ttopic\ttext\t#guess:topic\t#p:topic\t#margin\n");
    fclose(f);
    /* only TSV and JSON lines; a folder that is not there writes nothing */
    snprintf(path, sizeof path, "%s/next.txt", dir);
    assert_int_equal(slant_suggestions_save(s, m, c, SLANT_FORMAT_LINES, path, &err),
                     SLANT_STATUS_BAD_OPTION);
    assert_int_equal(access(path, F_OK), -1);
    snprintf(path, sizeof path, "%s/no/next.tsv", dir);
    assert_int_not_equal(slant_suggestions_save(s, m, c, SLANT_FORMAT_TSV, path, &err),
                         SLANT_STATUS_OK);
    rmdir(dir);
    slant_suggestions_free(s);
    slant_corpus_free(c);
    slant_model_free(m);
}

/* The readers' rule for notes, on its own. */
static void test_note_columns(void **state)
{
    (void)state;
    char path[] = "/tmp/test_suggest_notes.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char tsv[] = "id\ttopic\t#guess\ttext\na\tsport\tpolitics\tmatch goal\n";
    assert_int_equal(write(fd, tsv, sizeof tsv - 1), (ssize_t)(sizeof tsv - 1));
    close(fd);
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_read(path, SLANT_FORMAT_TSV, &c, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_corpus_heads(c), 1);
    assert_string_equal(slant_corpus_label(c, 0, 0), "sport");
    slant_corpus_free(c);
    FILE *f = fopen(path, "w");
    fputs("{\"id\": \"a\", \"#guess\": {\"topic\": 1}, \"topic\": \"sport\", \"text\": \"goal\"}\n"
          "{\"id\": \"b\", \"topic\": \"vote\", \"#later\": 3, \"text\": \"ballot\"}\n", f);
    fclose(f);
    assert_int_equal(slant_corpus_read(path, SLANT_FORMAT_JSONL, &c, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_corpus_heads(c), 1);
    assert_int_equal(slant_corpus_size(c), 2);
    slant_corpus_free(c);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_margin),   cmocka_unit_test(test_ties_by_document_order),
        cmocka_unit_test(test_duplicates_and_cap), cmocka_unit_test(test_balance),
        cmocka_unit_test(test_labeled_and_threads), cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_write_reads_back),   cmocka_unit_test(test_note_columns),
        cmocka_unit_test(test_entropy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
