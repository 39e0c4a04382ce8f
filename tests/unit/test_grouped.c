/*
 * test_grouped.c: folds grouped by a column.  No group ever spans two
 * folds, whatever the seed and the number of folds; a document without a
 * group is a group of its own; too few groups is an error; the split is
 * the same for the same seed; a fold whose training side lacks a class is
 * warned of; and on a corpus where each outlet's own word gives its label
 * away, grouped folds score what the text says (chance) where plain folds
 * score the fingerprint.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rng.h"
#include "slant.h"

#define MAX_DOCS 400

static char text_buf[MAX_DOCS][160];
static char group_buf[MAX_DOCS][16];

/* N documents in groups: document i is in group GROUP[i] (-1: none), with
 * label LABEL[i] of head "a" and the text TEXT[i]. */
static slant_corpus *grouped_corpus(size_t n, const int *group, const char *const *label,
                                    const char *const *text)
{
    const char *groups[MAX_DOCS];
    const char *heads[1] = {"a"};
    assert_true(n <= MAX_DOCS);
    for (size_t i = 0; i < n; i++) {
        snprintf(group_buf[i], sizeof group_buf[i], "g%d", group[i]);
        groups[i] = group[i] < 0 ? NULL : group_buf[i];
    }
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_from_memory(n, text, 1, heads, label, &c, &err),
                     SLANT_STATUS_OK);
    assert_int_equal(slant_corpus_set_groups(c, "outlet", groups, &err), SLANT_STATUS_OK);
    return c;
}

/* Fails unless every group of C lies in one fold. */
static void assert_groups_whole(const slant_corpus *c, const uint32_t *fold_of)
{
    size_t n = slant_corpus_size(c);
    for (size_t i = 0; i < n; i++) {
        const char *gi = slant_corpus_group(c, i);
        if (!gi)
            continue;
        for (size_t j = i + 1; j < n; j++) {
            const char *gj = slant_corpus_group(c, j);
            if (gj && !strcmp(gi, gj) && fold_of[i] != fold_of[j])
                fail_msg("group %s in folds %u and %u", gi, fold_of[i], fold_of[j]);
        }
    }
}

/* 300 documents in 40 groups of unequal sizes (1 to 20), a few without a
 * group, two labels: for every seed and number of folds tried, no group
 * spans folds, every fold holds documents, and the split repeats. */
static void test_groups_never_span_folds(void **state)
{
    (void)state;
    enum { N = 300 };
    int group[N];
    const char *label[N], *text[N];
    rng_state = 7;
    for (size_t i = 0; i < N; i++) {
        double u = uniform01();
        group[i] = i % 37 == 5 ? -1 : (int)(u * u * 40); /* skewed sizes */
        label[i] = uniform01() < 0.3 ? "x" : "y";
        text[i] = "some words";
    }
    slant_corpus *c = grouped_corpus(N, group, label, text);
    size_t distinct = slant_corpus_group_count(c);
    assert_true(distinct > 20 && distinct <= 40 + N / 37 + 1);
    slant_cv_options cvo;
    slant_cv_options_init(&cvo);
    cvo.by_group = 1;
    cvo.keep_duplicates = 1;
    static const uint32_t ks[] = {2, 3, 5, 10};
    for (size_t t = 0; t < sizeof ks / sizeof ks[0]; t++)
        for (uint64_t seed = 1; seed <= 8; seed++) {
            uint32_t fold_of[N], again[N];
            slant_cv_info info;
            slant_error err = {{0}};
            cvo.folds = ks[t];
            assert_int_equal(slant_cv_split(c, &cvo, seed, 1, fold_of, &info, &err),
                             SLANT_STATUS_OK);
            assert_int_equal(info.groups, distinct);
            assert_int_equal(info.units, distinct);
            assert_groups_whole(c, fold_of);
            size_t per[10] = {0};
            for (size_t d = 0; d < N; d++) {
                assert_true(fold_of[d] < ks[t]);
                per[fold_of[d]]++;
            }
            for (uint32_t f = 0; f < ks[t]; f++)
                assert_true(per[f] > 0);
            assert_int_equal(slant_cv_split(c, &cvo, seed, 2, again, NULL, &err),
                             SLANT_STATUS_OK);
            assert_memory_equal(fold_of, again, sizeof fold_of);
        }
    slant_corpus_free(c);
}

/* Groups of one label each, as outlets often are: each fold still gets
 * both labels when the groups allow it, and sizes stay near N/K. */
static void test_groups_balance_labels(void **state)
{
    (void)state;
    enum { N = 200, K = 4 };
    int group[N];
    const char *label[N], *text[N];
    for (size_t i = 0; i < N; i++) {
        group[i] = (int)(i / 10);                 /* 20 groups of 10 */
        label[i] = group[i] % 4 == 0 ? "x" : "y"; /* 5 groups of x, 15 of y */
        text[i] = "words";
    }
    slant_corpus *c = grouped_corpus(N, group, label, text);
    slant_cv_options cvo;
    slant_cv_options_init(&cvo);
    cvo.by_group = 1;
    cvo.keep_duplicates = 1;
    cvo.folds = K;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        uint32_t fold_of[N];
        slant_error err = {{0}};
        assert_int_equal(slant_cv_split(c, &cvo, seed, 1, fold_of, NULL, &err),
                         SLANT_STATUS_OK);
        size_t x[K] = {0}, all[K] = {0};
        for (size_t d = 0; d < N; d++) {
            all[fold_of[d]]++;
            x[fold_of[d]] += !strcmp(label[d], "x");
        }
        for (size_t f = 0; f < K; f++) {
            assert_true(x[f] >= 10 && x[f] <= 20); /* 50 x over 4 folds: 1 or 2 groups */
            assert_true(all[f] == 50);
        }
    }
    slant_corpus_free(c);
}

static void test_too_few_groups(void **state)
{
    (void)state;
    int group[12];
    const char *label[12], *text[12];
    for (size_t i = 0; i < 12; i++) {
        group[i] = (int)(i % 3);
        label[i] = i % 2 ? "x" : "y";
        text[i] = "words";
    }
    slant_corpus *c = grouped_corpus(12, group, label, text);
    slant_cv_options cvo;
    slant_cv_options_init(&cvo);
    cvo.by_group = 1;
    cvo.keep_duplicates = 1; /* the texts are all one */
    cvo.folds = 5;
    uint32_t fold_of[12];
    slant_error err = {{0}};
    assert_int_equal(slant_cv_split(c, &cvo, 1, 1, fold_of, NULL, &err),
                     SLANT_STATUS_BAD_OPTION);
    assert_string_equal(err.message, "5 folds need at least 5 groups; grouped by \"outlet\", "
                                     "the corpus has 3");
    cvo.folds = 3;
    assert_int_equal(slant_cv_split(c, &cvo, 1, 1, fold_of, NULL, &err), SLANT_STATUS_OK);
    assert_groups_whole(c, fold_of);
    slant_corpus_free(c);

    /* No groups at all. */
    const char *heads[1] = {"a"};
    assert_int_equal(slant_corpus_from_memory(12, text, 1, heads, label, &c, &err),
                     SLANT_STATUS_OK);
    assert_int_equal(slant_cv_split(c, &cvo, 1, 1, fold_of, NULL, &err),
                     SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "grouped folds need a group column"));
    assert_null(slant_corpus_group_name(c));
    assert_null(slant_corpus_group(c, 0));
    assert_int_equal(slant_corpus_group_count(c), 0);
    slant_corpus_free(c);
}

static char warnings[8][512];
static int n_warnings;

static void catch_log(const char *line, void *user)
{
    (void)user;
    if (strncmp(line, "warning: ", 9) == 0 && n_warnings < 8)
        snprintf(warnings[n_warnings++], sizeof warnings[0], "%s", line);
}

/* Class z lives in one group only: the fold that holds that group out
 * trains without z, and cv says so. */
static void test_warns_of_a_missing_class(void **state)
{
    (void)state;
    enum { N = 60 };
    int group[N];
    const char *label[N], *text[N];
    for (size_t i = 0; i < N; i++) {
        group[i] = (int)(i / 6); /* 10 groups */
        label[i] = group[i] == 4 ? "z" : i % 2 ? "x" : "y";
        snprintf(text_buf[i], sizeof text_buf[i], "w%s common", label[i]);
        text[i] = text_buf[i];
    }
    slant_corpus *c = grouped_corpus(N, group, label, text);
    slant_options opt;
    slant_options_init(&opt);
    opt.model = SLANT_MODEL_KIND_NB;
    opt.min_count = 1;
    opt.threads = 1;
    slant_cv_options cvo;
    slant_cv_options_init(&cvo);
    cvo.by_group = 1;
    cvo.keep_duplicates = 1;
    cvo.folds = 5;
    uint32_t fold_of[N];
    slant_eval *ev = NULL;
    slant_error err = {{0}};
    n_warnings = 0;
    slant_set_log(catch_log, NULL);
    slant_status st = slant_cross_validate_with(c, &opt, &cvo, &ev, NULL, fold_of, &err);
    slant_set_log(NULL, NULL);
    assert_int_equal(st, SLANT_STATUS_OK);
    assert_groups_whole(c, fold_of);
    assert_int_equal(n_warnings, 1);
    char want[256];
    snprintf(want, sizeof want, "warning: fold %u of 5: head \"a\" lacks 1 of its 3 classes on "
             "the training side (\"z\"): that fold's model cannot predict it", fold_of[24] + 1);
    assert_string_equal(warnings[0], want);
    slant_eval_free(ev);
    slant_corpus_free(c);
}

/* Eight outlets, four of each label.  An article's words are drawn at
 * random from one pool, whatever its label; only its outlet's own word
 * ("byoutletK") tells the label.  Plain folds put every outlet on both
 * sides and score the fingerprint (near 1); grouped folds hold each
 * outlet out whole, its word unseen, and score what the text says: about
 * chance. */
static void test_grouped_scores_a_fingerprint_honestly(void **state)
{
    (void)state;
    enum { N = 320, OUTLETS = 8 };
    int group[N];
    const char *label[N], *text[N];
    rng_state = 11;
    for (size_t i = 0; i < N; i++) {
        group[i] = (int)(i % OUTLETS);
        label[i] = group[i] % 2 ? "left" : "right";
        int at = snprintf(text_buf[i], sizeof text_buf[i], "byoutlet%d", group[i]);
        for (int w = 0; w < 12; w++)
            at += snprintf(text_buf[i] + at, sizeof text_buf[i] - (size_t)at, " w%d",
                           (int)(uniform01() * 30));
        text[i] = text_buf[i];
    }
    slant_corpus *c = grouped_corpus(N, group, label, text);
    slant_options opt;
    slant_options_init(&opt);
    opt.threads = 1;
    slant_cv_options cvo;
    slant_cv_options_init(&cvo);
    cvo.keep_duplicates = 1;
    cvo.folds = 4;
    slant_eval *plain = NULL, *grouped = NULL;
    slant_error err = {{0}};
    slant_set_log(catch_log, NULL);
    assert_int_equal(slant_cross_validate_with(c, &opt, &cvo, &plain, NULL, NULL, &err),
                     SLANT_STATUS_OK);
    cvo.by_group = 1;
    slant_cv_info info;
    assert_int_equal(slant_cross_validate_with(c, &opt, &cvo, &grouped, &info, NULL, &err),
                     SLANT_STATUS_OK);
    slant_set_log(NULL, NULL);
    assert_int_equal(info.groups, OUTLETS);
    double a_plain = slant_eval_accuracy(plain, 0), a_grouped = slant_eval_accuracy(grouped, 0);
    assert_true(a_plain > 0.95);
    assert_true(a_grouped < 0.65);
    slant_eval_free(plain);
    slant_eval_free(grouped);
    slant_corpus_free(c);
}

/* Near-duplicates: without groups, each cluster of copies stays in one
 * fold; with groups, a cluster inside one group stays with it and one that
 * touches two groups is left to them (counted), so that a few copies
 * never merge whole outlets. */
static void test_near_duplicates_in_folds(void **state)
{
    (void)state;
    enum { N = 200 };
    int group[N];
    const char *label[N], *text[N];
    rng_state = 21;
    for (size_t i = 0; i < N; i++) {
        group[i] = (int)(i % 20);
        label[i] = i % 2 ? "x" : "y";
        int at = 0;
        for (int w = 0; w < 12; w++)
            at += snprintf(text_buf[i] + at, sizeof text_buf[i] - (size_t)at, "w%d ",
                           (int)(uniform01() * 100000));
        text[i] = text_buf[i];
    }
    /* Copies: 3 of document 0 at 40, 80, 120 (groups 0, 0, 0: one group);
     * document 1 at 61 (groups 1 and 1); document 2 at 63 (groups 2 and 3). */
    static const size_t copy_of[][2] = {{40, 0}, {80, 0}, {120, 0}, {61, 1}, {63, 2}};
    for (size_t k = 0; k < 5; k++)
        text[copy_of[k][0]] = text_buf[copy_of[k][1]];
    slant_corpus *c = grouped_corpus(N, group, label, text);
    slant_cv_options cvo;
    slant_cv_options_init(&cvo);
    cvo.folds = 5;
    uint32_t fold_of[N];
    slant_cv_info info;
    slant_error err = {{0}};
    for (uint64_t seed = 1; seed <= 6; seed++) {
        assert_int_equal(slant_cv_split(c, &cvo, seed, 1, fold_of, &info, &err), SLANT_STATUS_OK);
        assert_int_equal(info.dups_checked, 1);
        assert_int_equal(info.dup_clusters, 3);
        assert_int_equal(info.dup_docs, 8);
        for (size_t k = 0; k < 5; k++)
            assert_int_equal(fold_of[copy_of[k][0]], fold_of[copy_of[k][1]]);
    }
    cvo.keep_duplicates = 1; /* plain folds split some copies for some seed */
    int split = 0;
    for (uint64_t seed = 1; seed <= 6; seed++) {
        assert_int_equal(slant_cv_split(c, &cvo, seed, 1, fold_of, &info, &err), SLANT_STATUS_OK);
        assert_int_equal(info.dups_checked, 0);
        for (size_t k = 0; k < 5; k++)
            split |= fold_of[copy_of[k][0]] != fold_of[copy_of[k][1]];
    }
    assert_true(split);
    cvo.keep_duplicates = 0;
    cvo.by_group = 1;
    assert_int_equal(slant_cv_split(c, &cvo, 1, 1, fold_of, &info, &err), SLANT_STATUS_OK);
    assert_int_equal(info.dup_clusters, 3);
    assert_int_equal(info.dup_across, 1);  /* document 2's copy, in groups 2 and 3 */
    assert_int_equal(info.units, 20);      /* no two groups merged */
    assert_groups_whole(c, fold_of);
    slant_corpus_free(c);
}

/* The split goes to a file other tools can read: id, fold from 1, group. */
static void test_save_folds(void **state)
{
    (void)state;
    int group[6] = {0, 0, 1, 1, -1, 2};
    const char *label[6] = {"x", "y", "x", "y", "x", "y"};
    const char *text[6] = {"a", "b", "c", "d", "e", "f"};
    slant_corpus *c = grouped_corpus(6, group, label, text);
    uint32_t fold_of[6] = {0, 0, 1, 1, 2, 1};
    char dir[] = "/tmp/slant_grouped_XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/folds.tsv", dir);
    slant_error err = {{0}};
    assert_int_equal(slant_cv_save_folds(c, fold_of, path, &err), SLANT_STATUS_OK);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char got[256] = {0};
    size_t len = fread(got, 1, sizeof got - 1, f);
    fclose(f);
    got[len] = '\0';
    assert_string_equal(got, "id\tfold\toutlet\n1\t1\tg0\n2\t1\tg0\n3\t2\tg1\n4\t2\tg1\n"
                             "5\t3\t\n6\t2\tg2\n");
    unlink(path);
    rmdir(dir);
    slant_corpus_free(c);
}

/* Group values follow the rule for names. */
static void test_bad_group_names(void **state)
{
    (void)state;
    const char *text[2] = {"a", "b"}, *label[2] = {"x", "y"}, *heads[1] = {"a"};
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_from_memory(2, text, 1, heads, label, &c, &err),
                     SLANT_STATUS_OK);
    const char *bad[2] = {"ok", "tab\there"};
    assert_int_equal(slant_corpus_set_groups(c, "outlet", bad, &err), SLANT_STATUS_BAD_INPUT);
    assert_non_null(strstr(err.message, "document 2's group"));
    assert_null(slant_corpus_group_name(c));
    const char *good[2] = {"ok", ""};
    assert_int_equal(slant_corpus_set_groups(c, "", good, &err), SLANT_STATUS_BAD_OPTION);
    assert_int_equal(slant_corpus_set_groups(c, "outlet", good, &err), SLANT_STATUS_OK);
    assert_string_equal(slant_corpus_group(c, 0), "ok");
    assert_null(slant_corpus_group(c, 1)); /* "" is none */
    assert_int_equal(slant_corpus_group_count(c), 2);
    slant_corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups_never_span_folds),
        cmocka_unit_test(test_groups_balance_labels),
        cmocka_unit_test(test_too_few_groups),
        cmocka_unit_test(test_warns_of_a_missing_class),
        cmocka_unit_test(test_grouped_scores_a_fingerprint_honestly),
        cmocka_unit_test(test_near_duplicates_in_folds),
        cmocka_unit_test(test_save_folds),
        cmocka_unit_test(test_bad_group_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
