/*
 * merge_cmd.c: slant merge A.slant B.slant ... -o M.slant: models of
 * disjoint shards of a corpus made one.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char merge_usage[] =
    "Usage: slant merge MODEL MODEL... -o OUTPUT [--average]\n"
    "\n"
    "Merges models trained on disjoint shards of a corpus into one.  nb and cnb\n"
    "models are added: their class-feature sums and class counts (kept by\n"
    "training on hashed features, --hash-bits, or by train --stream) make the\n"
    "model that training on the union of the shards gives.  They need the same\n"
    "kind, feature settings, features and idf, alpha, class weights and heads;\n"
    "tf-idf shards have the same idf only when trained on one model's features\n"
    "(train --stream --vocab MODEL), else use --weighting counts or binary.\n"
    "Classes may differ between shards.  With --average, lr models of the same\n"
    "settings and classes have their weights (and idf) averaged, each weighed by\n"
    "its training documents (parameter mixing): less accurate than one fit on\n"
    "the union.  The merged model is not calibrated.  A setting that differs is\n"
    "named, with the two files.\n"
    "\n"
    "  -o, --output OUTPUT    the model file to write (required; replaced whole)\n"
    "      --average          average lr models instead of adding nb models\n"
    "  -v, --verbose          report progress on standard error\n"
    "  -h, --help             this help\n";

int cmd_merge(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, 0, 'o'},
        {"average", no_argument, 0, 1401},
        {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *output = NULL;
    int average = 0, verbose = 0, c;
    while ((c = getopt_long(argc, argv, ":o:vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 1401: average = 1; break;
        case 'v': verbose = 1; break;
        case 'h':
            fputs(merge_usage, stdout);
            return EXIT_OK;
        default:
            return cli_getopt_error("merge", c, argv, longopts);
        }
    }
    size_t n = (size_t)(argc - optind);
    if (n < 2)
        return cli_usage_error("merge", "give two models or more");
    if (!output)
        return cli_usage_error("merge", "give the model file to write with -o OUTPUT");
    cli_set_log(verbose);
    slant_error err = {{0}};
    slant_status st = slant_output_check(output, &err);
    if (st)
        return cli_fail(st, &err);
    slant_model **models = calloc(n, sizeof *models);
    if (!models) {
        cli_error("out of memory");
        return EXIT_FAILURE_;
    }
    int rc = EXIT_OK;
    for (size_t i = 0; i < n && !rc; i++)
        rc = cli_load_model(argv[optind + (int)i], &models[i]);
    slant_model *merged = NULL;
    if (!rc) {
        st = slant_model_merge((const slant_model *const *)models,
                               (const char *const *)argv + optind, n, average, &merged, &err);
        if (!st)
            st = slant_model_save(merged, output, &err);
        if (st)
            rc = cli_fail(st, &err);
    }
    if (!rc)
        printf("merged %zu %s models (%zu documents, %s) into %s\n", n,
               slant_model_kind_name(slant_model_kind_of(merged)), cli_model_documents(merged),
               average ? "weights averaged" : "sums added", output);
    slant_model_free(merged);
    for (size_t i = 0; i < n; i++)
        slant_model_free(models[i]);
    free(models);
    return rc;
}
