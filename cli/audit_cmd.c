/*
 * audit_cmd.c: slant audit CORPUS: the documents whose given label the
 * out-of-fold models find unlikely, most suspect first.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

static const char audit_usage[] =
    "Usage: slant audit CORPUS [-k K] [--group COLUMN] [--top N] [OPTIONS]\n"
    "\n"
    "Finds documents whose given label is unlikely: each document is labeled by a\n"
    "model trained on the other folds (as 'slant cv' splits them), and confident\n"
    "learning (Northcutt, Jiang and Chuang 2021) estimates how many labels are\n"
    "wrong: the documents for which another class is at least as probable as it\n"
    "is, on average, for the documents labeled with it.  Prints, per head, that\n"
    "many documents, most suspect first.  A document without a label in a head\n"
    "is not audited in it.  Read the suspects before relabeling: a suspect is a\n"
    "document the models disagree with, which may be their fault as well as the\n"
    "label's.\n"
    "\n"
    "By default the folds are then trained again without the documents flagged,\n"
    "and every document is ranked by those models (confident learning's prune\n"
    "and retrain): wrong labels no longer mislead the models that judge them.\n"
    "The number flagged stays the first pass's estimate.  It takes twice the\n"
    "time; --passes 1 ranks by the first models.\n"
    "\n"
    "Output: TSV with a header row, id head given suggested p_given p_suggested\n"
    "score (suggested: the most probable other class; p_: out-of-fold\n"
    "probabilities; score: what it is ranked by, lowest first); or with --json one\n"
    "object: {\"folds\": K, \"rank\": R, \"passes\": P, \"heads\": {HEAD:\n"
    "{\"documents\": N, \"estimated_errors\": E, \"suspects\": [{\"id\", \"given\",\n"
    "\"suggested\", \"p_given\", \"p_suggested\", \"score\", \"flagged\"}, ...]}}}.\n"
    "\n"
    "  -k, --folds K          number of folds (10)\n"
    "      --group COLUMN     keep each value of COLUMN inside one fold\n"
    "      --keep-duplicates  let near-duplicates fall in different folds\n"
    "      --dup-threshold J  Jaccard similarity of near-duplicates (0.8)\n"
    "      --top N            list N documents per head, or all (default: as many\n"
    "                         as the estimated errors; \"flagged\" marks those)\n"
    "      --rank R           margin: p_given minus the largest other probability\n"
    "                         (default); confidence: p_given\n"
    "      --passes N         2: train the folds again without the flagged\n"
    "                         documents and rank by those models (default); 1: once\n"
    "  -l, --label HEAD       audit this head only; repeatable (default: every head)\n"
    "      --json             print one JSON object\n"
    "  -v, --verbose          log each step on standard error (the folds, the second\n"
    "                         pass; --progress is the progress line)\n"
    "  -h, --help             this help\n";

static int print_tsv(const slant_audit_result *r)
{
    puts("id\thead\tgiven\tsuggested\tp_given\tp_suggested\tscore");
    for (size_t i = 0; i < slant_audit_count(r); i++) {
        slant_audit_entry e;
        slant_audit_get(r, i, &e);
        /* ids, heads and labels hold no tab or line break (see common/name.c) */
        printf("%s\t%s\t%s\t%s\t%.4f\t%.4f\t%.4f\n", e.id, e.head_name, e.given, e.suggested,
               e.p_given, e.p_suggested, e.score);
    }
    return EXIT_OK;
}

static int print_json(const slant_audit_result *r, uint32_t folds,
                      const slant_audit_options *ao)
{
    json_t *root = json_object(), *heads = json_object();
    json_object_set_new(root, "folds", json_integer(folds));
    json_object_set_new(root, "rank", json_string(slant_audit_rank_name(ao->rank)));
    json_object_set_new(root, "passes", json_integer(ao->passes ? ao->passes
                                                                : SLANT_AUDIT_PASSES));
    size_t i = 0;
    for (size_t h = 0; h < slant_audit_heads(r); h++) {
        json_t *hd = json_object(), *list = json_array();
        json_object_set_new(hd, "documents", json_integer((json_int_t)slant_audit_head_documents(r, h)));
        json_object_set_new(hd, "estimated_errors",
                            json_integer((json_int_t)slant_audit_head_estimated(r, h)));
        slant_audit_entry e;
        for (; slant_audit_get(r, i, &e) == 0 && e.head == h; i++) {
            json_t *s = json_object();
            json_object_set_new(s, "id", json_string(e.id));
            json_object_set_new(s, "given", json_string(e.given));
            json_object_set_new(s, "suggested", json_string(e.suggested));
            json_object_set_new(s, "p_given", json_real(e.p_given));
            json_object_set_new(s, "p_suggested", json_real(e.p_suggested));
            json_object_set_new(s, "score", json_real(e.score));
            json_object_set_new(s, "flagged", json_boolean(e.flagged));
            json_array_append_new(list, s);
        }
        json_object_set_new(hd, "suspects", list);
        json_object_set_new(heads, slant_audit_head_name(r, h), hd);
    }
    json_object_set_new(root, "heads", heads);
    return cli_print_json(root);
}

int cmd_audit(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_CV_LONGOPTS,
        {"json", no_argument, 0, 'j'},
        {"top", required_argument, 0, 1401},
        {"rank", required_argument, 0, 1402},
        {"passes", required_argument, 0, 1403},
        CLI_GROUP_LONGOPT,
        {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},
        CLI_TRAIN_LONGOPTS,
        CLI_READ_LONGOPTS,
        {0, 0, 0, 0}};
    cli_trainer t;
    cli_trainer_init(&t, 0);
    slant_audit_options ao;
    slant_audit_options_init(&ao);
    int json = 0, verbose = 0, c;
    static const char shortopts[] = ":k:jvhM:t:l:f:";
    if (cli_train_presets(argc, argv, shortopts, longopts, &t.o))
        return EXIT_BAD;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        int r = cli_trainer_option(&t, c, optarg);
        if (r < 0)
            return EXIT_BAD;
        if (r > 0)
            continue;
        switch (c) {
        case 'j': json = 1; break;
        case 1401: {
            uint64_t top = 0;
            if (!strcmp(optarg, "all"))
                ao.top = SIZE_MAX;
            else if (cli_parse_u64("top", optarg, &top))
                return EXIT_BAD;
            else if (top == 0)
                return cli_usage_error("audit", "--top: give a number of documents above 0, "
                                                "or all");
            else
                ao.top = top > SIZE_MAX - 1 ? SIZE_MAX - 1 : (size_t)top;
            break;
        }
        case 1402: {
            int k = slant_audit_rank_parse(optarg);
            if (k < 0)
                return cli_usage_error("audit", "--rank is margin or confidence, not '%s'",
                                       optarg);
            ao.rank = (slant_audit_rank)k;
            break;
        }
        case 1403:
            if (cli_parse_u32("passes", optarg, 1, 2, &ao.passes))
                return EXIT_BAD;
            break;
        case 'v': verbose = 1; break;
        case 'h':
            fputs(audit_usage, stdout);
            fputs(cli_train_options_help, stdout);
            fputs(cli_read_options_help, stdout);
            return EXIT_OK;
        default:
            return cli_getopt_error("audit", c, argv, longopts);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("audit", "give exactly one CORPUS");
    cli_set_log(verbose);
    int rc = cli_check_train(&t.o, &t.given, longopts);
    if (rc)
        return rc;
    slant_corpus *corpus = NULL;
    rc = cli_read_corpus_with(argv[optind], t.fmt, &t.ro, &t.labels, &corpus);
    if (rc)
        return rc;
    t.cvo.by_group = t.ro.opt.group_column != NULL;
    slant_error err = {{0}};
    slant_audit_result *res = NULL;
    slant_status st = slant_audit(corpus, &t.o, &t.cvo, &ao, &res, &err);
    slant_corpus_free(corpus);
    if (st)
        return cli_fail(st, &err);
    if (verbose)
        for (size_t h = 0; h < slant_audit_heads(res); h++)
            cli_error("head %s: %zu of %zu documents flagged as likely label errors",
                      slant_audit_head_name(res, h), slant_audit_head_estimated(res, h),
                      slant_audit_head_documents(res, h));
    rc = json ? print_json(res, t.cvo.folds ? t.cvo.folds : 10, &ao) : print_tsv(res);
    slant_audit_result_free(res);
    return rc;
}
