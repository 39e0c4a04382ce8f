/*
 * curve_cmd.c: slant curve CORPUS: the learning curve, cross-validated
 * macro-F1 and accuracy per head as each fold trains on 10 %, 20 %, ...,
 * 100 % of its training side; and the --steps/--fractions options that
 * cv --curve shares.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

const char cli_curve_options_help[] =
    "      --steps N          shares 1/N, 2/N, ..., 1 of each fold's training side\n"
    "                         (10; at most 100)\n"
    "      --fractions F,...  the shares themselves, increasing, each above 0 and at\n"
    "                         most 1 (0.1,0.25,0.5,1)\n";

/* --fractions: comma-separated shares into FRACTIONS; 0 or -1 after a
 * usage message. */
static int parse_fractions(const char *arg, slant_curve_options *co, double *fractions)
{
    size_t n = 0;
    const char *p = arg;
    for (;;) {
        if (n == SLANT_CURVE_MAX_STEPS) {
            cli_usage_error(cli_command, "--fractions: at most %d shares",
                            SLANT_CURVE_MAX_STEPS);
            return -1;
        }
        char *end;
        errno = 0;
        double f = strtod(p, &end);
        if (end == p || errno || (*end && *end != ',') || !(f > 0 && f <= 1)) {
            cli_usage_error(cli_command, "--fractions: '%s' is not a list of shares above 0 "
                            "and at most 1, such as 0.1,0.25,0.5,1", arg);
            return -1;
        }
        if (n && !(f > fractions[n - 1])) {
            cli_usage_error(cli_command, "--fractions: the shares must increase (%g after %g)",
                            f, fractions[n - 1]);
            return -1;
        }
        fractions[n++] = f;
        if (!*end)
            break;
        p = end + 1;
    }
    co->fractions = fractions;
    co->n_fractions = n;
    return 0;
}

int cli_curve_option(int opt, const char *arg, slant_curve_options *co, double *fractions)
{
    if (opt == 1501) {
        uint32_t steps;
        if (cli_parse_u32("steps", arg, 1, SLANT_CURVE_MAX_STEPS, &steps))
            return -1;
        co->steps = steps;
        co->fractions = NULL; /* the last of the two given wins */
        co->n_fractions = 0;
        return 1;
    }
    if (opt == 1502)
        return parse_fractions(arg, co, fractions) ? -1 : 1;
    return 0;
}

static const char curve_usage[] =
    "Usage: slant curve CORPUS [-k K] [--group COLUMN] [--steps N | --fractions F,...]\n"
    "                   [--report FILE] [--json] [OPTIONS]\n"
    "\n"
    "The learning curve: cross-validation as 'slant cv' does it, on the same folds,\n"
    "with each fold's training side cut to 10 %, 20 %, ..., 100 % of itself.  The\n"
    "shares are nested (20 % holds the 10 %), drawn once per fold from --seed and\n"
    "stratified by the labels, so that every class is there from the first step\n"
    "when it can be; at 100 % the figures are those of 'slant cv'.  Prints per head\n"
    "and share the mean documents trained on, the pooled held-out macro-F1 and\n"
    "accuracy, and the spread of the folds' own macro-F1 (mean, sd, worst to best),\n"
    "then whether the curve still climbs: from the share nearest half the last to\n"
    "the last, the folds' mean gain g in macro-F1 against its standard error se is\n"
    "'climbing' (g >= 0.01 and g > 2 se: more labels would still help),\n"
    "'unclear' (g >= 0.01 but g <= 2 se: the folds disagree), 'flat' (g < 0.002,\n"
    "or g < 0.01 and g <= se) or 'flattening' (between).\n"
    "\n"
    "It costs K x steps trainings: 50 with the defaults.\n"
    "\n"
    "Output: text, or with --json one object: {\"folds\", \"grouped_by\", \"groups\",\n"
    "\"steps\": [shares], \"train_docs\": [...], \"heads\": {HEAD: {\"macro_f1\",\n"
    "\"accuracy\": [pooled, a value per step], \"fold_macro_f1\", \"fold_accuracy\":\n"
    "{\"mean\", \"sd\", \"min\", \"max\": [...]}, \"trend\", \"gain\", \"gain_se\",\n"
    "\"gain_from\"}}}; a value not measured is null.\n"
    "\n"
    "  -k, --folds K          number of folds (5)\n"
    "      --group COLUMN     keep each value of COLUMN inside one fold\n"
    "      --keep-duplicates  let near-duplicates fall in different folds\n"
    "      --dup-threshold J  Jaccard similarity of near-duplicates (0.8)\n";

static const char curve_usage_end[] =
    "      --report FILE      also write the cross-validation at the last share as one\n"
    "                         HTML page, as 'slant cv --report' does, with the\n"
    "                         learning curve\n"
    "      --json             print one JSON object\n"
    "  -v, --verbose          log each step on standard error (--progress is the\n"
    "                         progress line)\n"
    "  -h, --help             this help\n";

static json_t *num_or_null(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

/* The text table of head H. */
static void print_head_text(const slant_curve *lc, size_t h)
{
    printf("\nhead %s\n", slant_curve_head_name(lc, h));
    printf("  %6s %9s %9s %9s   %-18s %s\n", "share", "trained", "macro-F1", "accuracy",
           "folds: mean +- sd", "min-max");
    for (size_t s = 0; s < slant_curve_steps(lc); s++) {
        slant_curve_point p;
        slant_curve_get(lc, s, h, &p);
        printf("  %6.3f %9.1f", slant_curve_fraction(lc, s), slant_curve_train_docs(lc, s));
        if (isnan(p.macro_f1)) {
            printf(" %9s %9s   %-18s %s\n", "-", "-", "-", "-");
            continue;
        }
        printf(" %9.4f %9.4f", p.macro_f1, p.accuracy);
        if (isnan(p.fold_f1.mean))
            printf("   %-18s %s\n", "-", "-");
        else
            printf("   %.4f +- %.4f   %.4f-%.4f\n", p.fold_f1.mean, p.fold_f1.sd,
                   p.fold_f1.min, p.fold_f1.max);
    }
    slant_curve_gain g;
    slant_curve_trend t = slant_curve_head_trend(lc, h, &g);
    if (t == SLANT_CURVE_UNKNOWN)
        printf("  trend: unknown (it takes two steps and a fold scored at both)\n");
    else
        printf("  trend: %s%s: from share %.3g to %.3g the folds' macro-F1 changes by %+.4f "
               "on average (standard error %.4f, %u folds)\n", t == SLANT_CURVE_CLIMBING ? "still " : "",
               slant_curve_trend_name(t), slant_curve_fraction(lc, g.from),
               slant_curve_fraction(lc, g.to), g.gain, g.se, g.folds);
}

static int print_text(const slant_curve *lc, const cli_cv_report *rep)
{
    const slant_cv_info *in = &rep->info;
    printf("learning curve: %u folds (stratified", in->folds);
    if (rep->grouped_by)
        printf("; grouped by %s: %zu groups", rep->grouped_by, in->groups);
    printf("%s), %zu steps, %zu documents\n",
           in->dups_checked ? "; near-duplicates kept in one fold" : "", slant_curve_steps(lc),
           slant_eval_documents(slant_curve_eval(lc)));
    for (size_t h = 0; h < slant_curve_heads(lc); h++)
        print_head_text(lc, h);
    return EXIT_OK;
}

/* {"mean": [...], "sd": [...], "min": [...], "max": [...]} of the folds'
 * macro-F1 (ACC 0) or accuracy (1) of head H. */
static json_t *spread_json(const slant_curve *lc, size_t h, int acc)
{
    json_t *o = json_object(), *a[4];
    static const char *const names[4] = {"mean", "sd", "min", "max"};
    for (int k = 0; k < 4; k++)
        a[k] = json_array();
    for (size_t s = 0; s < slant_curve_steps(lc); s++) {
        slant_curve_point p;
        slant_curve_get(lc, s, h, &p);
        const slant_curve_spread *sp = acc ? &p.fold_accuracy : &p.fold_f1;
        double v[4] = {sp->mean, sp->sd, sp->min, sp->max};
        for (int k = 0; k < 4; k++)
            json_array_append_new(a[k], num_or_null(v[k]));
    }
    for (int k = 0; k < 4; k++)
        json_object_set_new(o, names[k], a[k]);
    return o;
}

static int print_json(const slant_curve *lc, const cli_cv_report *rep)
{
    json_t *root = json_object(), *heads = json_object(), *steps = json_array(),
           *docs = json_array();
    json_object_set_new(root, "folds", json_integer(rep->info.folds));
    json_object_set_new(root, "grouped_by",
                        rep->grouped_by ? json_string(rep->grouped_by) : json_null());
    if (rep->grouped_by)
        json_object_set_new(root, "groups", json_integer((json_int_t)rep->info.groups));
    json_object_set_new(root, "documents",
                        json_integer((json_int_t)slant_eval_documents(slant_curve_eval(lc))));
    for (size_t s = 0; s < slant_curve_steps(lc); s++) {
        json_array_append_new(steps, json_real(slant_curve_fraction(lc, s)));
        json_array_append_new(docs, json_real(slant_curve_train_docs(lc, s)));
    }
    json_object_set_new(root, "steps", steps);
    json_object_set_new(root, "train_docs", docs);
    for (size_t h = 0; h < slant_curve_heads(lc); h++) {
        json_t *hd = json_object(), *f1 = json_array(), *acc = json_array();
        for (size_t s = 0; s < slant_curve_steps(lc); s++) {
            slant_curve_point p;
            slant_curve_get(lc, s, h, &p);
            json_array_append_new(f1, num_or_null(p.macro_f1));
            json_array_append_new(acc, num_or_null(p.accuracy));
        }
        json_object_set_new(hd, "macro_f1", f1);
        json_object_set_new(hd, "accuracy", acc);
        json_object_set_new(hd, "fold_macro_f1", spread_json(lc, h, 0));
        json_object_set_new(hd, "fold_accuracy", spread_json(lc, h, 1));
        slant_curve_gain g;
        slant_curve_trend t = slant_curve_head_trend(lc, h, &g);
        json_object_set_new(hd, "trend", json_string(slant_curve_trend_name(t)));
        json_object_set_new(hd, "gain", num_or_null(g.gain));
        json_object_set_new(hd, "gain_se", num_or_null(g.se));
        json_object_set_new(hd, "gain_from", t == SLANT_CURVE_UNKNOWN ? json_null()
                                              : json_real(slant_curve_fraction(lc, g.from)));
        json_object_set_new(heads, slant_curve_head_name(lc, h), hd);
    }
    json_object_set_new(root, "heads", heads);
    return cli_print_json(root);
}

int cmd_curve(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_CV_LONGOPTS,
        {"json", no_argument, 0, 'j'},
        {"report", required_argument, 0, 1205},
        CLI_CURVE_LONGOPTS,
        CLI_GROUP_LONGOPT,
        {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},
        CLI_TRAIN_LONGOPTS,
        CLI_CALIB_LONGOPTS,
        CLI_READ_LONGOPTS,
        {0, 0, 0, 0}};
    cli_trainer t;
    cli_trainer_init(&t, 1);
    t.cvo.folds = 5; /* a curve costs folds x steps trainings */
    slant_curve_options co;
    slant_curve_options_init(&co);
    double fractions[SLANT_CURVE_MAX_STEPS];
    const char *report = NULL;
    int json = 0, verbose = 0, c;
    static const char shortopts[] = ":k:jvhM:t:l:f:";
    if (cli_train_presets(argc, argv, shortopts, longopts, &t.o))
        return EXIT_BAD;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        int r = cli_trainer_option(&t, c, optarg);
        if (!r)
            r = cli_curve_option(c, optarg, &co, fractions);
        if (r < 0)
            return EXIT_BAD;
        if (r > 0)
            continue;
        switch (c) {
        case 'j': json = 1; break;
        case 1205: report = optarg; break;
        case 'v': verbose = 1; break;
        case 'h':
            fputs(curve_usage, stdout);
            fputs(cli_curve_options_help, stdout);
            fputs(curve_usage_end, stdout);
            fputs(cli_train_options_help, stdout);
            fputs(cli_calib_options_help, stdout);
            fputs(cli_read_options_help, stdout);
            return EXIT_OK;
        default:
            return cli_getopt_error("curve", c, argv, longopts);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("curve", "give exactly one CORPUS");
    cli_set_log(verbose);
    int rc = cli_check_train(&t.o, &t.given, longopts);
    if (rc)
        return rc;
    slant_error err = {{0}};
    slant_status st;
    slant_corpus *corpus = NULL;
    rc = cli_read_corpus_with(argv[optind], t.fmt, &t.ro, &t.labels, &corpus);
    if (rc)
        return rc;
    if (report && (st = slant_output_check(report, &err))) { /* before the long part */
        slant_corpus_free(corpus);
        return cli_fail(st, &err);
    }
    t.cvo.by_group = t.ro.opt.group_column != NULL;
    cli_cv_report rep = {.grouped_by = t.ro.opt.group_column, .dup_threshold = t.cvo.dup_threshold};
    /* With --report, the last step's folds record their held-out mistakes. */
    slant_mistakes *mk = NULL;
    st = report ? slant_mistakes_new(SLANT_MISTAKES_PER_HEAD, &mk, &err) : SLANT_STATUS_OK;
    t.cvo.mistakes = mk;
    slant_curve *lc = NULL;
    if (!st)
        st = slant_learning_curve(corpus, &t.o, &t.cvo, &co, &lc, &rep.info, &err);
    if (!st && report) {
        slant_report_curve drawn;
        slant_curve_report(lc, &drawn);
        rep.share = slant_curve_fraction(lc, slant_curve_steps(lc) - 1);
        st = cli_cv_report_write(report, argv[optind], corpus, slant_curve_eval(lc), mk, &drawn,
                                 &rep, t.o.threads, &err);
    }
    slant_mistakes_free(mk);
    slant_corpus_free(corpus);
    if (st) {
        slant_curve_free(lc);
        return cli_fail(st, &err);
    }
    rc = json ? print_json(lc, &rep) : print_text(lc, &rep);
    slant_curve_free(lc);
    return rc;
}
