/*
 * features_cmd.c: slant features CORPUS -o FILE: a corpus as LIBSVM sparse
 * vectors, for LIBLINEAR, libsvm and other tools.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char features_usage[] =
    "Usage: slant features CORPUS -o FILE [-m MODEL] [OPTIONS]\n"
    "\n"
    "Writes CORPUS ('-' for standard input) as LIBSVM/svmlight sparse vectors,\n"
    "one line per document: the class number of one label column (1..k in\n"
    "sorted order; 0 for a document without one), then FEATURE:VALUE pairs,\n"
    "1-based and increasing.  FILE.map.tsv maps the numbers back to classes and\n"
    "n-grams.  liblinear-train and svm-train read FILE as it is.\n"
    "\n"
    "  -o, --output FILE      the file to write (required; replaced whole; a regular\n"
    "                         file or a new name, a symbolic link written through)\n"
    "  -m, --model MODEL      the features and class numbers of MODEL, so that a\n"
    "                         test split lines up with its training split\n"
    "  -l, --label NAME       the label column (default: the model's first head,\n"
    "                         else the corpus's first column)\n"
    "  -f, --format F         corpus format: tsv, jsonl, fasttext, dir, lines, text,\n"
    "                         libsvm, html, warc (default: from the name, then the\n"
    "                         content)\n"
    "  -h, --help             this help\n"
    "Without -m, the feature options of 'slant train' apply (--word-ngrams,\n"
    "--char-ngrams, --hash-bits, --min-count, --weighting, --punct, --case,\n"
    "--threads).\n";

/* The training options that shape features (and the threads, and a
 * preset, whose feature settings apply); the others shape a model, which
 * features does not fit. */
static int is_feature_option(int c)
{
    switch (c) {
    case 1001: case 1002: case 1003: case 1004: case 1005: case 1006: /* n-grams .. no-tfidf */
    case 1015: case 1016: case 1017: case 1019: case 't':             /* punct .. preset */
        return 1;
    }
    return 0;
}

int cmd_features(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        CLI_TRAIN_LONGOPTS,
        CLI_READ_LONGOPTS,
        {0, 0, 0, 0}};
    slant_options o;
    slant_options_init(&o);
    slant_format fmt = SLANT_FORMAT_AUTO;
    cli_read_opts ro;
    cli_read_opts_init(&ro);
    const char *output = NULL, *model_path = NULL, *label = NULL;
    int feature_opts = 0, c;
    static const char shortopts[] = ":o:m:hl:f:t:";
    if (cli_train_presets(argc, argv, shortopts, longopts, &o))
        return EXIT_BAD;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if (c == 'M') { /* --model: here the model file, as label's -m */
            model_path = optarg;
            continue;
        }
        int r = cli_read_option(c, optarg, &ro);
        if (r < 0)
            return EXIT_BAD;
        if (r > 0)
            continue;
        r = cli_train_option(c, optarg, &o);
        if (r < 0)
            return EXIT_BAD;
        if (r > 0 && !is_feature_option(c)) {
            const struct option *lo = longopts;
            while (lo->name && lo->val != c)
                lo++;
            return cli_usage_error("features", "--%s is an option of the model, not of its "
                                   "features: 'slant train' and 'slant cv' take it",
                                   lo->name ? lo->name : "?");
        }
        if (r > 0) {
            feature_opts += c != 't';
            continue;
        }
        switch (c) {
        case 'o': output = optarg; break;
        case 'm': model_path = optarg; break;
        case 'l':
            if (label)
                return cli_usage_error("features", "give one --label");
            label = optarg;
            break;
        case 'f':
            if (cli_parse_format(optarg, &fmt))
                return EXIT_BAD;
            break;
        case 'h':
            fputs(features_usage, stdout);
            fputs(cli_read_options_help, stdout);
            return EXIT_OK;
        default: return cli_getopt_error("features", c, argv, longopts);
        }
    }
    if (!output)
        return cli_usage_error("features", "give the file to write with -o FILE");
    if (optind != argc - 1)
        return cli_usage_error("features", "give exactly one CORPUS");
    if (model_path && feature_opts)
        return cli_usage_error("features", "with -m the features are the model's; drop the "
                                           "feature options");
    slant_error err = {{0}};
    slant_model *model = NULL;
    slant_status st;
    int rc = model_path ? cli_load_model(model_path, &model) : EXIT_OK;
    if (rc)
        return rc;
    slant_corpus *corpus = NULL;
    rc = cli_read_corpus_with(argv[optind], fmt, &ro, NULL, &corpus);
    if (rc == EXIT_OK) {
        st = slant_corpus_write_libsvm(corpus, &o, model, label, output, &err);
        rc = st ? cli_fail(st, &err) : EXIT_OK;
        if (!st)
            printf("wrote %zu documents to %s and %s.map.tsv\n", slant_corpus_size(corpus),
                   output, output);
    }
    slant_corpus_free(corpus);
    slant_model_free(model);
    return rc;
}
