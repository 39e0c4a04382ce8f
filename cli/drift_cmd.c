/*
 * drift_cmd.c: slant drift -m MODEL CORPUS...: how a batch of articles
 * compares with the model's training corpus; and the summary that
 * label --summary prints too.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

#define DRIFT_STR_(x) #x
#define DRIFT_STR(x) DRIFT_STR_(x)

static const char drift_usage[] =
    "Usage: slant drift -m MODEL [OPTIONS] CORPUS...\n"
    "\n"
    "Labels the articles of each CORPUS (read as 'slant label' reads its inputs;\n"
    "'-' for standard input) and tells how far the batch is from what MODEL was\n"
    "trained on: the share of their n-grams and of their words that the model\n"
    "knows (mean, and the articles in five bins of the n-gram share), beside the\n"
    "training corpus's own (recorded at training); the articles below --min-known\n"
    "(unfamiliar); and for each head the predicted label mix beside the training\n"
    "mix, with their total variation distance.  A warning names each head whose\n"
    "mix moved further than --max-distance, and a batch whose known share is more\n"
    "than --max-known-drop below the training corpus's: signs that these articles\n"
    "are not like the ones the model learned from, and its labels less to be\n"
    "trusted.  Warnings go to standard output with the summary (exit status 0).\n"
    "\n"
    "  -m, --model MODEL        the model file (required)\n"
    "      --min-known S        an article below this known n-gram share is\n"
    "                           unfamiliar (" DRIFT_STR(SLANT_MIN_KNOWN) ")\n"
    "      --max-distance D     warn when a head's mix moves further (" DRIFT_STR(SLANT_DRIFT_DISTANCE) ")\n"
    "      --max-known-drop K   warn when the mean known n-gram share is more than K\n"
    "                           below the training corpus's (" DRIFT_STR(SLANT_DRIFT_KNOWN_DROP) ")\n"
    "      --lines              one article per line\n"
    "  -f, --input-format F     read every CORPUS as this format\n"
    "      --json               print one JSON object\n"
    "  -t, --threads N          threads; 0 for every core (0)\n"
    "  -h, --help               this help\n";

int cli_parse_share(const char *opt, const char *s, double *out)
{
    double v;
    if (cli_parse_double(opt, s, &v))
        return -1;
    if (!(v > 0 && v <= 1)) {
        cli_error("--%s: give a share above 0 and at most 1, not '%s'", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* A number, or JSON null for NaN. */
static json_t *json_share(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

static void print_share(FILE *f, double v)
{
    if (isnan(v))
        fputs("n/a", f);
    else
        fprintf(f, "%.3f", v);
}

/* The warnings of D, each a sentence without "warning: ", into F (text)
 * or LIST (JSON). */
static void drift_warnings(const slant_model *m, const slant_drift *d,
                           const slant_drift_options *opt, FILE *f, json_t *list)
{
    char line[1024];
    double tk;
    slant_model_training_known(m, &tk, NULL);
    if (slant_drift_known_dropped(d)) {
        snprintf(line, sizeof line, "the model knows %.0f%% of these articles' n-grams, against "
                 "%.0f%% of its training corpus's: they are unlike what it was trained on, and "
                 "its labels are less to be trusted", 100 * slant_drift_known_ngrams(d),
                 100 * tk);
        if (f)
            fprintf(f, "warning: %s\n", line);
        else
            json_array_append_new(list, json_string(line));
    }
    for (size_t h = 0; h < slant_model_heads(m); h++) {
        if (!slant_drift_head_drifted(d, h))
            continue;
        /* the class that moved most, to say what changed */
        size_t top = 0, n = slant_model_classes(m, h);
        double top_move = -1, docs = (double)slant_drift_documents(d);
        uint64_t train_sum = 0;
        for (size_t c = 0; c < n; c++)
            train_sum += slant_model_class_count(m, h, c);
        for (size_t c = 0; c < n; c++) {
            double mv = fabs(slant_drift_predicted(d, h, c) / docs
                             - (double)slant_model_class_count(m, h, c) / (double)train_sum);
            if (mv > top_move) {
                top_move = mv;
                top = c;
            }
        }
        snprintf(line, sizeof line, "head %s: the predicted label mix is %.2f from the "
                 "training mix (total variation, above %.2f): %s is %.0f%% of these articles "
                 "and was %.0f%% of the training corpus", slant_model_head_name(m, h),
                 slant_drift_distance(d, h), opt->max_distance, slant_model_class_name(m, h, top),
                 100 * slant_drift_predicted(d, h, top) / docs,
                 100 * (double)slant_model_class_count(m, h, top) / (double)train_sum);
        if (f)
            fprintf(f, "warning: %s\n", line);
        else
            json_array_append_new(list, json_string(line));
    }
}

int cli_print_drift(FILE *f, const slant_model *m, const slant_drift *d,
                    const slant_drift_options *opt, int json)
{
    uint64_t n = slant_drift_documents(d);
    double tk, tw;
    slant_model_training_known(m, &tk, &tw);
    if (json) {
        json_t *root = json_object(), *known = json_object(), *ng = json_object(),
               *wd = json_object(), *bins = json_array(), *heads = json_object(),
               *warnings = json_array();
        json_object_set_new(root, "documents", json_integer((json_int_t)n));
        json_object_set_new(ng, "mean", json_share(slant_drift_known_ngrams(d)));
        json_object_set_new(ng, "training", json_share(tk));
        for (size_t b = 0; b < SLANT_DRIFT_BINS; b++)
            json_array_append_new(bins, json_integer((json_int_t)slant_drift_known_bin(d, b)));
        json_object_set_new(ng, "bins", bins);
        json_object_set_new(wd, "mean", json_share(slant_drift_known_words(d)));
        json_object_set_new(wd, "training", json_share(tw));
        json_object_set_new(known, "ngrams", ng);
        json_object_set_new(known, "words", wd);
        json_object_set_new(root, "known", known);
        json_object_set_new(root, "min_known", json_real(opt->min_known));
        json_object_set_new(root, "unfamiliar", json_integer((json_int_t)slant_drift_unfamiliar(d)));
        for (size_t h = 0; h < slant_model_heads(m); h++) {
            json_t *hd = json_object(), *pred = json_object(), *tr = json_object();
            uint64_t sum = 0;
            for (size_t c = 0; c < slant_model_classes(m, h); c++)
                sum += slant_model_class_count(m, h, c);
            for (size_t c = 0; c < slant_model_classes(m, h); c++) {
                const char *name = slant_model_class_name(m, h, c);
                json_object_set_new(pred, name, json_share(n ? (double)slant_drift_predicted(d, h, c) / (double)n : NAN));
                json_object_set_new(tr, name, json_share(sum ? (double)slant_model_class_count(m, h, c) / (double)sum : NAN));
            }
            json_object_set_new(hd, "predicted", pred);
            json_object_set_new(hd, "training", tr);
            json_object_set_new(hd, "distance", json_share(slant_drift_distance(d, h)));
            json_object_set_new(hd, "drifted", json_boolean(slant_drift_head_drifted(d, h)));
            json_object_set_new(heads, slant_model_head_name(m, h), hd);
        }
        json_object_set_new(root, "heads", heads);
        drift_warnings(m, d, opt, NULL, warnings);
        json_object_set_new(root, "warnings", warnings);
        int rc = json_dumpf(root, f, JSON_COMPACT | JSON_REAL_PRECISION(6) | JSON_ENSURE_ASCII);
        json_decref(root);
        fputc('\n', f);
        if (rc) {
            cli_error("cannot write the summary");
            return EXIT_FAILURE_;
        }
        return EXIT_OK;
    }
    fprintf(f, "documents: %llu\n", (unsigned long long)n);
    fputs("known n-grams: mean ", f);
    print_share(f, slant_drift_known_ngrams(d));
    fputs(" (training corpus ", f);
    print_share(f, tk);
    fputs("); known words: mean ", f);
    print_share(f, slant_drift_known_words(d));
    fputs(" (training corpus ", f);
    print_share(f, tw);
    fputs(")\n", f);
    if (!isnan(slant_drift_known_ngrams(d))) {
        fputs("known n-gram share, documents:", f);
        for (size_t b = 0; b < SLANT_DRIFT_BINS; b++)
            fprintf(f, "%s %g-%g: %llu", b ? "," : "", (double)b / SLANT_DRIFT_BINS,
                    (double)(b + 1) / SLANT_DRIFT_BINS,
                    (unsigned long long)slant_drift_known_bin(d, b));
        fprintf(f, "\nunfamiliar (known n-gram share below %.2f): %llu\n", opt->min_known,
                (unsigned long long)slant_drift_unfamiliar(d));
    }
    for (size_t h = 0; h < slant_model_heads(m); h++) {
        uint64_t sum = 0;
        for (size_t c = 0; c < slant_model_classes(m, h); c++)
            sum += slant_model_class_count(m, h, c);
        fprintf(f, "head %s: class, predicted share, training share\n",
                slant_model_head_name(m, h));
        for (size_t c = 0; c < slant_model_classes(m, h); c++) {
            fprintf(f, "  %s\t", slant_model_class_name(m, h, c));
            print_share(f, n ? (double)slant_drift_predicted(d, h, c) / (double)n : NAN);
            fputc('\t', f);
            print_share(f, sum ? (double)slant_model_class_count(m, h, c) / (double)sum : NAN);
            fputc('\n', f);
        }
        fputs("  total variation distance ", f);
        print_share(f, slant_drift_distance(d, h));
        fputc('\n', f);
    }
    drift_warnings(m, d, opt, f, NULL);
    return EXIT_OK;
}

typedef struct drift_run {
    const slant_model *model;
    slant_drift *d;
    uint32_t threads;
} drift_run;

static int drift_batch(void *vr, const slant_corpus *batch)
{
    drift_run *r = vr;
    slant_error err = {{0}};
    slant_status st = slant_drift_corpus(r->d, r->model, batch, r->threads, &err);
    return st ? cli_fail(st, &err) : EXIT_OK;
}

int cmd_drift(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"model", required_argument, 0, 'm'},
        {"lines", no_argument, 0, 'L'},
        {"input-format", required_argument, 0, 'f'},
        {"json", no_argument, 0, 'j'},
        {"threads", required_argument, 0, 't'},
        {"min-known", required_argument, 0, 1401},
        {"max-distance", required_argument, 0, 1403},
        {"max-known-drop", required_argument, 0, 1404},
        {"help", no_argument, 0, 'h'},
        CLI_READ_LONGOPTS,
        {0, 0, 0, 0}};
    const char *model_path = NULL;
    int lines = 0, json = 0, c;
    slant_format fmt = SLANT_FORMAT_AUTO;
    uint32_t threads = 0;
    slant_drift_options dopt;
    slant_drift_options_init(&dopt);
    cli_read_opts ro;
    cli_read_opts_init(&ro);
    optind = 1;
    while ((c = getopt_long(argc, argv, ":m:f:t:h", longopts, NULL)) != -1) {
        int r = cli_read_option(c, optarg, &ro);
        if (r < 0)
            return EXIT_BAD;
        if (r > 0)
            continue;
        switch (c) {
        case 'm': model_path = optarg; break;
        case 'L': lines = 1; break;
        case 'j': json = 1; break;
        case 'f':
            if (cli_parse_format(optarg, &fmt))
                return EXIT_BAD;
            break;
        case 't':
            if (cli_parse_u32("threads", optarg, 0, 1024, &threads))
                return EXIT_BAD;
            break;
        case 1401:
            if (cli_parse_share("min-known", optarg, &dopt.min_known))
                return EXIT_BAD;
            break;
        case 1403:
            if (cli_parse_share("max-distance", optarg, &dopt.max_distance))
                return EXIT_BAD;
            break;
        case 1404:
            if (cli_parse_share("max-known-drop", optarg, &dopt.max_known_drop))
                return EXIT_BAD;
            break;
        case 'h':
            fputs(drift_usage, stdout);
            fputs(cli_read_options_help, stdout);
            return EXIT_OK;
        default: return cli_getopt_error("drift", c, argv, longopts);
        }
    }
    if (!model_path)
        return cli_usage_error("drift", "give the model with -m MODEL");
    if (optind >= argc)
        return cli_usage_error("drift", "give at least one CORPUS ('-' for standard input)");
    if (lines && fmt != SLANT_FORMAT_AUTO)
        return cli_usage_error("drift", "--lines and --input-format exclude each other");
    slant_model *model = NULL;
    int rc = cli_load_model(model_path, &model);
    if (rc)
        return rc;
    slant_error err = {{0}};
    slant_drift *d = NULL;
    slant_status st = slant_drift_new(model, &dopt, &d, &err);
    /* Inputs are read as label reads them: the text and the id only. */
    slant_read_options opt = ro.opt;
    opt.format = lines ? SLANT_FORMAT_LINES : fmt;
    opt.texts_only = 1;
    opt.text_fallback = 1;
    drift_run run = {model, d, threads};
    rc = st ? cli_fail(st, &err) : EXIT_OK;
    for (int i = optind; i < argc && rc == EXIT_OK; i++)
        rc = cli_each_batch(argv[i], &opt, drift_batch, &run);
    if (rc == EXIT_OK && !slant_drift_documents(d))
        rc = (cli_error("drift: the input holds no article"), EXIT_BAD);
    if (rc == EXIT_OK)
        rc = cli_print_drift(stdout, model, d, &dopt, json);
    slant_drift_free(d);
    slant_model_free(model);
    return rc;
}
