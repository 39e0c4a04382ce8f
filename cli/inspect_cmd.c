/*
 * inspect_cmd.c: slant inspect MODEL: what a model file holds.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char inspect_usage[] =
    "Usage: slant inspect MODEL [--top N]\n"
    "\n"
    "Shows the model's format version, provenance (slant version, date, options,\n"
    "a hash of the training corpus, label counts), feature settings, heads and\n"
    "classes, sizes, and for each class the N n-grams that weigh most for it\n"
    "against the other classes (weight minus the classes' mean weight).\n"
    "\n"
    "  -n, --top N            n-grams per class (10; 0 for none)\n"
    "  -h, --help             this help\n";

typedef struct ranked {
    uint32_t index;
    double score;
} ranked;

static void print_top(const slant_model *m, size_t h, size_t c, uint32_t top)
{
    size_t nf = slant_model_features(m), nc = slant_model_classes(m, h);
    ranked *best = calloc(top, sizeof *best);
    if (!best)
        return;
    size_t n = 0;
    for (size_t f = 0; f < nf; f++) {
        double mean = 0;
        for (size_t k = 0; k < nc; k++)
            mean += slant_model_weight(m, h, k, (uint32_t)f);
        mean /= (double)nc;
        double s = slant_model_weight(m, h, c, (uint32_t)f) - mean;
        if (n == top && s <= best[n - 1].score)
            continue;
        size_t at = n < top ? n++ : n - 1;
        while (at > 0 && best[at - 1].score < s) {
            best[at] = best[at - 1];
            at--;
        }
        best[at] = (ranked){(uint32_t)f, s};
    }
    for (size_t i = 0; i < n; i++) {
        char name[256];
        slant_model_feature_name(m, best[i].index, name, sizeof name);
        printf("      %-32s %+.4f\n", name, best[i].score);
    }
    free(best);
}

int cmd_inspect(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"top", required_argument, 0, 'n'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    uint32_t top = 10;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":n:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (cli_parse_u32("top", optarg, 0, 100000, &top))
                return EXIT_BAD;
            break;
        case 'h': fputs(inspect_usage, stdout); return EXIT_OK;
        default: return cli_getopt_error("inspect", c, argv, longopts);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("inspect", "give exactly one MODEL");
    const char *path = argv[optind];
    slant_error err = {{0}};
    slant_model *m = NULL;
    slant_status st = slant_model_load(path, &m, &err);
    if (st)
        return cli_fail(st, &err);
    struct stat sb;
    slant_options o;
    slant_model_options(m, &o);
    printf("model: %s\n", path);
    if (stat(path, &sb) == 0)
        printf("size: %lld bytes\n", (long long)sb.st_size);
    printf("kind: %s\n", slant_model_kind_name(slant_model_kind_of(m)));
    if (slant_model_kind_of(m) == SLANT_MODEL_KIND_LR)
        printf("solver: %s\n", o.solver == SLANT_SOLVER_DUAL
                                   ? "dual (heads of more than two classes: each class against "
                                     "the rest)"
                                   : "lbfgs (one softmax per head)");
    if (slant_model_kind_of(m) == SLANT_MODEL_KIND_SVM)
        printf("kernel: %s\n", o.kernel == SLANT_KERNEL_RBF
                                    ? "rbf (libsvm's model kept whole: labeling evaluates the "
                                      "kernel on every support vector)"
                                    : "linear (folded at training into one weight vector per "
                                      "class: labeling costs what lr does)");
    printf("provenance:\n");
    const char *p = slant_model_provenance(m);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        printf("  %.*s\n", (int)len, p);
        p += len + (nl ? 1 : 0);
    }
    printf("features: %zu, ", slant_model_features(m));
    if (slant_model_takes_vectors(m)) {
        printf("LIBSVM vectors: labels vectors, not text (feature numbers and values as given)\n");
    } else {
        if (o.word_max)
            printf("word n-grams %u-%u, ", o.word_min, o.word_max);
        else
            printf("no word n-grams, ");
        if (o.char_max)
            printf("character n-grams %u-%u, ", o.char_min, o.char_max);
        if (o.punct)
            printf("punctuation tokens, ");
        if (o.keep_case)
            printf("case kept, ");
        if (o.hash_bits)
            printf("hashed into 2^%u buckets, ", o.hash_bits);
        else
            printf("vocabulary of n-grams seen %u+ times, ", o.min_count);
        printf("%s\n", o.weighting == SLANT_WEIGHTING_TFIDF
                           ? "tf-idf on (sublinear tf, L2-normalized)"
                       : o.weighting == SLANT_WEIGHTING_BINARY ? "binary (1 for each n-gram present)"
                                                               : "tf-idf off (raw counts)");
    }
    for (size_t h = 0; h < slant_model_heads(m); h++) {
        double gamma = 0;
        size_t n_sv = slant_model_support_vectors(m, h, &gamma);
        printf("head %s: %zu classes", slant_model_head_name(m, h), slant_model_classes(m, h));
        if (n_sv)
            printf(", %zu support vectors, gamma %g", n_sv, gamma);
        putchar('\n');
        for (size_t k = 0; k < slant_model_classes(m, h); k++) {
            printf("  %s\n", slant_model_class_name(m, h, k));
            if (top && !n_sv) /* a kernel head has no weights to rank */
                print_top(m, h, k, top);
        }
    }
    slant_model_free(m);
    return EXIT_OK;
}
