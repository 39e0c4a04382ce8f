/*
 * train_cmd.c: slant train CORPUS -o MODEL [options], and slant cv.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char train_usage[] =
    "Usage: slant train CORPUS -o MODEL [--tune [--group COLUMN]] [OPTIONS]\n"
    "\n"
    "Trains one model on CORPUS ('-' for standard input) with one head per label\n"
    "column, and writes it to MODEL (replaced whole, or not at all).  MODEL is a\n"
    "regular file or a new name; a symbolic link is written through, to the file\n"
    "it leads to; anything else there (a device, a FIFO, a folder) is refused.\n"
    "\n"
    "--tune chooses the model and its main settings (punctuation tokens, case,\n"
    "class weights, c, complement naive Bayes, word n-grams) by an inner 5-fold\n"
    "(3 if sampled) cross-validation on CORPUS, grouped by COLUMN with --group (so\n"
    "that it is made for outlets the model has not seen), near-duplicates\n"
    "kept together; the options given are where it starts.  -v prints what it\n"
    "tried.  The model's provenance records the choice and its inner figure.\n"
    "The budget is planned from the corpus's size, not the clock: the same\n"
    "corpus and seed choose the same settings on any machine.\n"
    "\n"
    "  -o, --output MODEL     the model file to write (required)\n"
    "      --tune             choose the settings by inner cross-validation\n"
    "      --budget SECONDS   time planned for the search (60); a smaller budget\n"
    "                         reads a share of every group\n"
    "      --group COLUMN     a column that groups the documents (an outlet):\n"
    "                         never a head; --tune keeps each group in one fold\n"
    "      --keep-duplicates  let --tune split near-duplicates across folds\n"
    "      --stream           read CORPUS in batches, in passes, so that memory does\n"
    "                         not grow with it: nb, cnb (one pass without tf-idf)\n"
    "                         and lr (two passes; chunks of 32 MiB fitted and their\n"
    "                         weights averaged), on hashed features (--hash-bits,\n"
    "                         20 unless given); not calibrated, not tuned, not from\n"
    "                         standard input when it takes two passes\n"
    "      --chunk SIZE       with --stream, lr: the text of each chunk fitted, in\n"
    "                         bytes, K, M or G (32M); memory grows with it, and\n"
    "                         accuracy too (fewer chunks averaged)\n"
    "      --vocab MODEL      with --stream: the features of MODEL (its vocabulary\n"
    "                         or buckets, its idf and n-gram settings), fixed, so\n"
    "                         that models of shards can be merged exactly\n"
    "  -v, --verbose          log each step on standard error (calibration, tuning\n"
    "                         trials; --progress is the progress line)\n"
    "  -h, --help             this help\n";

/* --tune and --budget, for train and cv. */
static int tune_option(int c, const char *arg, int *tune, slant_tune_options *to)
{
    if (c == 1301) {
        *tune = 1;
        return 1;
    }
    if (c == 1302) {
        if (cli_parse_double("budget", arg, &to->budget))
            return -1;
        if (!(to->budget > 0 && to->budget <= 1e7)) {
            cli_error("--budget: give a number of seconds above 0");
            return -1;
        }
        return 1;
    }
    return 0;
}

/* Prints what a search chose, and with -v the table of what it tried. */
static void print_tune(const slant_tune_report *r)
{
    size_t b = slant_tune_best(r);
    printf("tuned: %s (inner macro-F1 %.4f; %zu settings tried on %zu documents)\n",
           slant_tune_trial_settings(r, b), slant_tune_trial_score(r, b), slant_tune_trials(r),
           slant_tune_documents(r));
}

/* Prints what training made, as every train does. */
static void print_trained(const slant_model *model, size_t docs, double seconds,
                          const char *output)
{
    printf("trained %s on %zu documents in %.2f s: %zu features, heads",
           slant_model_kind_name(slant_model_kind_of(model)), docs, seconds,
           slant_model_features(model));
    for (size_t h = 0; h < slant_model_heads(model); h++)
        printf(" %s (%zu classes)", slant_model_head_name(model, h), slant_model_classes(model, h));
    printf("; wrote %s\n", output);
}

/* train --stream: the corpus read in passes by the library. */
static int train_streamed(const char *path, const char *output, slant_format fmt,
                          const cli_read_opts *ro, const cli_labels *labels, const char *vocab,
                          size_t chunk, const slant_options *o, double t0)
{
    slant_model *features = NULL, *model = NULL;
    if (vocab && cli_load_model(vocab, &features))
        return EXIT_BAD;
    slant_read_options rd = ro->opt;
    rd.format = fmt;
    slant_stream_options so;
    slant_stream_options_init(&so);
    so.read = &rd;
    so.heads = labels->n ? labels->names : NULL;
    so.n_heads = labels->n;
    so.features = features;
    so.chunk_bytes = chunk;
    slant_error err = {{0}};
    slant_status st = slant_train_stream(path, o, &so, &model, &err);
    if (!st)
        st = slant_model_save(model, output, &err);
    slant_model_free(features);
    if (st) {
        slant_model_free(model);
        return cli_fail(st, &err);
    }
    print_trained(model, cli_model_documents(model), now() - t0, output);
    slant_model_free(model);
    return EXIT_OK;
}

int cmd_train(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, 0, 'o'},
        {"tune", no_argument, 0, 1301},
        {"budget", required_argument, 0, 1302},
        {"keep-duplicates", no_argument, 0, 1201},
        {"stream", no_argument, 0, 1303},
        {"vocab", required_argument, 0, 1304},
        {"chunk", required_argument, 0, 1305},
        CLI_GROUP_LONGOPT,
        {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},
        CLI_TRAIN_LONGOPTS,
        CLI_CALIB_LONGOPTS,
        CLI_READ_LONGOPTS,
        {0, 0, 0, 0}};
    slant_options o;
    slant_options_init(&o);
    int stream = 0;
    const char *vocab = NULL;
    uint64_t chunk = 0;
    cli_labels labels = {0};
    cli_read_opts ro;
    cli_read_opts_init(&ro);
    slant_format fmt = SLANT_FORMAT_AUTO;
    const char *output = NULL;
    int verbose = 0, c, tune = 0, budget_given = 0, keep_dups = 0;
    slant_tune_options to;
    slant_tune_options_init(&to);
    cli_given given = {0};
    static const char shortopts[] = ":o:vhM:t:l:f:";
    if (cli_train_presets(argc, argv, shortopts, longopts, &o))
        return EXIT_BAD;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        int r = cli_train_option(c, optarg, &o);
        if (r > 0) { /* checked against the model kind once all are in */
            cli_note_given(&given, c);
            continue;
        }
        if (!r)
            r = cli_calib_option(c, optarg, &o);
        if (!r)
            r = cli_read_option(c, optarg, &ro);
        if (!r)
            r = cli_corpus_option(c, optarg, &labels, &fmt);
        if (!r && (r = tune_option(c, optarg, &tune, &to)) > 0)
            budget_given |= c == 1302;
        if (r < 0)
            return EXIT_BAD;
        if (r > 0)
            continue;
        switch (c) {
        case 'o': output = optarg; break;
        case 1201: keep_dups = 1; break;
        case 1303: stream = 1; break;
        case 1304: vocab = optarg; break;
        case 1305:
            if (cli_parse_size("chunk", optarg, (uint64_t)1 << 20, (uint64_t)1 << 36, &chunk))
                return EXIT_BAD;
            break;
        case 'v': verbose = 1; break;
        case 'h':
            fputs(train_usage, stdout);
            fputs(cli_train_options_help, stdout);
            fputs(cli_calib_options_help, stdout);
            fputs(cli_read_options_help, stdout);
            return EXIT_OK;
        default:
            return cli_getopt_error("train", c, argv, longopts);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("train", "give exactly one CORPUS");
    if (!output)
        return cli_usage_error("train", "give the model file to write with -o MODEL");
    if (!tune && (budget_given || keep_dups))
        return cli_usage_error("train", "--%s goes with --tune",
                               budget_given ? "budget" : "keep-duplicates");
    if ((vocab || chunk) && !stream)
        return cli_usage_error("train", "--%s goes with --stream", vocab ? "vocab" : "chunk");
    if (chunk && o.model != SLANT_MODEL_KIND_LR)
        return cli_usage_error("train", "--chunk: only lr is fitted a chunk at a time; nb and "
                               "cnb add every document as it comes");
    if (stream && tune)
        return cli_usage_error("train", "--tune needs the corpus in memory: leave out --stream");
    if (stream && ro.opt.group_column)
        return cli_usage_error("train", "--group goes with --tune, not with --stream");
    int hash_given = 0;
    for (size_t i = 0; i < given.n; i++)
        hash_given |= given.opts[i] == 1003;
    if (stream && !vocab && !hash_given)
        o.hash_bits = CLI_STREAM_HASH_BITS;
    cli_set_log(verbose);
    int rc = cli_check_train(&o, &given, longopts);
    if (rc)
        return rc;
    slant_error err = {{0}};
    slant_status st = slant_output_check(output, &err); /* a bad -o fails now, not after training */
    if (st)
        return cli_fail(st, &err);
    double t0 = now();
    if (stream)
        return train_streamed(argv[optind], output, fmt, &ro, &labels, vocab, (size_t)chunk, &o,
                              t0);
    slant_corpus *corpus = NULL;
    rc = cli_read_corpus_with(argv[optind], fmt, &ro, &labels, &corpus);
    if (rc)
        return rc;
    slant_model *model = NULL;
    slant_tune_report *report = NULL;
    to.by_group = ro.opt.group_column != NULL;
    to.keep_duplicates = keep_dups;
    /* Nothing reads the texts after training but the leak listing. */
    int texts_after = verbose && ro.opt.group_column;
    st = tune           ? slant_train_tuned(corpus, &o, &to, &model, &report, &err)
         : texts_after ? slant_train(corpus, &o, &model, &err)
                       : slant_train_consume(corpus, &o, &model, &err);
    size_t docs = slant_corpus_size(corpus);
    if (!st)
        st = slant_model_save(model, output, &err);
    if (st) {
        slant_corpus_free(corpus);
        slant_tune_report_free(report);
        slant_model_free(model);
        return cli_fail(st, &err);
    }
    if (report)
        print_tune(report);
    slant_tune_report_free(report);
    print_trained(model, docs, now() - t0, output);
    /* With -v and groups: which of the heaviest n-grams are an outlet's own. */
    if (verbose && ro.opt.group_column && !slant_model_takes_vectors(model)) {
        printf("\n");
        rc = cli_print_leaks(output, model, argv[optind], corpus, 10, o.threads);
    }
    slant_corpus_free(corpus);
    slant_model_free(model);
    return rc;
}

static const char cv_usage[] =
    "Usage: slant cv CORPUS [-k K] [--group COLUMN] [OPTIONS]\n"
    "\n"
    "Stratified K-fold cross-validation: the folds are stratified on every label\n"
    "column together (each combination of labels is spread evenly over the\n"
    "folds, and the first column's labels as evenly as on their own), fixed by\n"
    "--seed; each fold trains a fresh model on the others.  Prints the pooled\n"
    "held-out figures, like 'slant eval'.  A fold whose training side has one\n"
    "class in a column is trained without it, and its documents are not scored\n"
    "on it; with --group, one that lacks a class is warned of.\n"
    "\n"
    "With --group COLUMN (an outlet, a domain, a story id: a TSV column or JSONL\n"
    "key, never a label) no group is on both sides of a fold, so the figures are\n"
    "for groups the model never saw: measure so what labeling articles from\n"
    "other outlets will give.  Near-duplicates (Jaccard >= 0.8 over word\n"
    "shingles, as 'slant dups' finds them) are kept in one fold too.\n"
    "\n"
    "  -k, --folds K          number of folds (10)\n"
    "      --group COLUMN     keep each value of COLUMN inside one fold\n"
    "      --keep-duplicates  let near-duplicates fall in different folds\n"
    "      --dup-threshold J  Jaccard similarity of near-duplicates (0.8)\n"
    "      --save-folds FILE  write each document's fold as TSV (id, fold, group)\n"
    "      --split-only       with --save-folds: write the folds, train nothing\n"
    "      --report FILE      also write the pooled figures as one HTML page, as\n"
    "                         'slant report' does, the most confident held-out\n"
    "                         mistakes explained by their folds' models\n"
    "      --curve            with --report: add the learning curve on the same\n"
    "                         folds, as 'slant curve' draws it (folds x steps\n"
    "                         trainings)\n"
    "      --steps N, --fractions F,...  its shares, as 'slant curve' takes them\n"
    "      --tune             choose each fold's settings as 'train --tune' does, on\n"
    "                         its training side alone (nested cross-validation)\n"
    "      --budget SECONDS   each fold's search (60)\n"
    "      --json             print one JSON object (as eval --json, plus \"folds\",\n"
    "                         \"grouped_by\", \"groups\", \"near_duplicates\")\n"
    "  -v, --verbose          log each step on standard error (each fold's figure,\n"
    "                         tuning; --progress is the progress line)\n"
    "  -h, --help             this help\n";

int cmd_cv(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_CV_LONGOPTS,
        {"json", no_argument, 0, 'j'},
        {"save-folds", required_argument, 0, 1203},
        {"split-only", no_argument, 0, 1204},
        {"report", required_argument, 0, 1205},
        {"curve", no_argument, 0, 1206},
        CLI_CURVE_LONGOPTS,
        {"tune", no_argument, 0, 1301},
        {"budget", required_argument, 0, 1302},
        CLI_GROUP_LONGOPT,
        {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},
        CLI_TRAIN_LONGOPTS,
        CLI_CALIB_LONGOPTS,
        CLI_READ_LONGOPTS,
        {0, 0, 0, 0}};
    cli_trainer t;
    cli_trainer_init(&t, 1);
    const char *save_folds = NULL, *report = NULL;
    int json = 0, verbose = 0, c, tune = 0, budget_given = 0, split_only = 0, curve = 0;
    int steps_given = 0;
    slant_curve_options co;
    slant_curve_options_init(&co);
    double fractions[SLANT_CURVE_MAX_STEPS];
    slant_tune_options to;
    slant_tune_options_init(&to);
    static const char shortopts[] = ":k:jvhM:t:l:f:";
    if (cli_train_presets(argc, argv, shortopts, longopts, &t.o))
        return EXIT_BAD;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        int r = cli_trainer_option(&t, c, optarg);
        if (!r && (r = tune_option(c, optarg, &tune, &to)) > 0)
            budget_given |= c == 1302;
        if (!r && (r = cli_curve_option(c, optarg, &co, fractions)) > 0)
            steps_given = 1;
        if (r < 0)
            return EXIT_BAD;
        if (r > 0)
            continue;
        switch (c) {
        case 'j': json = 1; break;
        case 1203: save_folds = optarg; break;
        case 1204: split_only = 1; break;
        case 1205: report = optarg; break;
        case 1206: curve = 1; break;
        case 'v': verbose = 1; break;
        case 'h':
            fputs(cv_usage, stdout);
            fputs(cli_train_options_help, stdout);
            fputs(cli_calib_options_help, stdout);
            fputs(cli_read_options_help, stdout);
            return EXIT_OK;
        default:
            return cli_getopt_error("cv", c, argv, longopts);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("cv", "give exactly one CORPUS");
    if (budget_given && !tune)
        return cli_usage_error("cv", "--budget goes with --tune");
    if (split_only && !save_folds)
        return cli_usage_error("cv", "--split-only goes with --save-folds FILE");
    if (split_only && tune)
        return cli_usage_error("cv", "--split-only trains nothing, and --tune would");
    if (split_only && report)
        return cli_usage_error("cv", "--split-only trains nothing to report on (--report)");
    if (curve && !report)
        return cli_usage_error("cv", "--curve goes with --report FILE (the page shows it)");
    if (steps_given && !curve)
        return cli_usage_error("cv", "--%s goes with --curve", co.fractions ? "fractions"
                                                                             : "steps");
    if (curve && co.fractions && co.fractions[co.n_fractions - 1] != 1)
        return cli_usage_error("cv", "--fractions: with --curve the last share is 1, the "
                                     "cross-validation reported");
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
    if ((save_folds && (st = slant_output_check(save_folds, &err))) || /* before the long part */
        (report && (st = slant_output_check(report, &err)))) {
        slant_corpus_free(corpus);
        return cli_fail(st, &err);
    }
    t.cvo.by_group = t.ro.opt.group_column != NULL;
    to.by_group = t.cvo.by_group;
    to.keep_duplicates = t.cvo.keep_duplicates;
    to.dup_threshold = t.cvo.dup_threshold;
    if (tune)
        t.cvo.tune = &to;
    slant_eval *ev = NULL;
    cli_cv_report rep = {.grouped_by = t.ro.opt.group_column, .dup_threshold = t.cvo.dup_threshold,
                         .tuned = tune};
    size_t n = slant_corpus_size(corpus);
    uint32_t *fold_of = save_folds ? malloc((n ? n : 1) * sizeof *fold_of) : NULL;
    if (save_folds && !fold_of) {
        slant_corpus_free(corpus);
        cli_error("out of memory");
        return EXIT_FAILURE_;
    }
    if (split_only) { /* the folds alone, for measuring other tools on them */
        st = slant_cv_split(corpus, &t.cvo, t.o.seed, t.o.threads, fold_of, &rep.info, &err);
        if (!st)
            st = slant_cv_save_folds(corpus, fold_of, save_folds, &err);
        if (!st) {
            printf("wrote %s: %zu documents in %u folds", save_folds, n, rep.info.folds);
            if (rep.grouped_by)
                printf(", grouped by %s (%zu groups)", rep.grouped_by, rep.info.groups);
            if (rep.info.dups_checked)
                printf(", %zu near-duplicate clusters (%zu documents), %zu kept together",
                       rep.info.dup_clusters, rep.info.dup_docs,
                       rep.info.dup_clusters - rep.info.dup_across);
            if (rep.info.dup_across)
                printf(" (%zu touch two groups and are left to them)", rep.info.dup_across);
            printf("\n");
        }
        free(fold_of);
        slant_corpus_free(corpus);
        return st ? cli_fail(st, &err) : EXIT_OK;
    }
    /* With --report, each fold's model records its held-out mistakes and
     * explains them before the fold ends. */
    slant_mistakes *mk = NULL;
    st = report ? slant_mistakes_new(SLANT_MISTAKES_PER_HEAD, &mk, &err) : SLANT_STATUS_OK;
    t.cvo.mistakes = mk;
    /* With --curve the curve's last step, at 100 %, is the cross-validation
     * itself: the same folds, models and figures. */
    slant_curve *lc = NULL;
    if (!st && curve)
        st = slant_learning_curve(corpus, &t.o, &t.cvo, &co, &lc, &rep.info, &err);
    else if (!st)
        st = slant_cross_validate_with(corpus, &t.o, &t.cvo, &ev, &rep.info, fold_of, &err);
    if (!st && lc && fold_of)
        memcpy(fold_of, slant_curve_split(lc), n * sizeof *fold_of);
    if (!st && save_folds)
        st = slant_cv_save_folds(corpus, fold_of, save_folds, &err);
    free(fold_of);
    const slant_eval *shown = lc ? slant_curve_eval(lc) : ev;
    slant_report_curve drawn;
    slant_curve_report(lc, &drawn);
    if (!st && report)
        st = cli_cv_report_write(report, argv[optind], corpus, shown, mk, lc ? &drawn : NULL,
                                 &rep, t.o.threads, &err);
    slant_mistakes_free(mk);
    slant_corpus_free(corpus);
    if (st) {
        slant_curve_free(lc);
        slant_eval_free(ev);
        return cli_fail(st, &err);
    }
    rc = cli_print_eval(shown, json, &rep);
    slant_curve_free(lc);
    slant_eval_free(ev);
    return rc;
}
