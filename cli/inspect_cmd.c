/*
 * inspect_cmd.c: slant inspect MODEL: what a model file holds.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cli.h"

static const char inspect_usage[] =
    "Usage: slant inspect MODEL [--top N] [--json]\n"
    "\n"
    "Shows the model's format version, provenance (slant version, date, options,\n"
    "a hash of the training corpus, label counts), feature settings, heads and\n"
    "classes, sizes, and for each class the N n-grams that weigh most for it\n"
    "against the other classes (weight minus the classes' mean weight).\n"
    "\n"
    "  -n, --top N            n-grams per class (10; 0 for none)\n"
    "      --json             print one JSON object: {\"model\", \"size\", \"kind\",\n"
    "                         \"solver\" or \"kernel\", \"provenance\": {KEY: VALUE, \"head\":\n"
    "                         [...], \"nbsvm\": [...]}, \"features\": {...}, \"heads\":\n"
    "                         {HEAD: {\"classes\": {CLASS: {\"top\": [{\"ngram\": G,\n"
    "                         \"score\": S}]}}}}}\n"
    "  -h, --help             this help\n";

typedef struct ranked {
    uint32_t index;
    double score;
} ranked;

/* The TOP features that weigh most for class C of head H against the
 * head's other classes, best first, into BEST (output, TOP entries);
 * returns how many there are. */
static size_t top_features(const slant_model *m, size_t h, size_t c, uint32_t top, ranked *best)
{
    size_t nf = slant_model_features(m), nc = slant_model_classes(m, h);
    size_t n = 0;
    for (size_t f = 0; f < nf && top; f++) {
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
    return n;
}

static int inspect_text(const char *path, const slant_model *m, uint32_t top, ranked *best)
{
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
            if (n_sv) /* a kernel head has no weights to rank */
                continue;
            size_t n = top_features(m, h, k, top, best);
            for (size_t i = 0; i < n; i++) {
                char name[256];
                slant_model_feature_name(m, best[i].index, name, sizeof name);
                printf("      %-32s %+.4f\n", name, best[i].score);
            }
        }
    }
    return EXIT_OK;
}

/* The provenance lines as an object; "head" and "nbsvm", one line per
 * head, are arrays. */
static json_t *provenance_json(const char *p)
{
    json_t *o = json_object();
    while (*p) {
        const char *nl = strchr(p, '\n'), *eq;
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if ((eq = memchr(p, '=', len))) {
            char key[64];
            size_t kl = (size_t)(eq - p) < sizeof key - 1 ? (size_t)(eq - p) : sizeof key - 1;
            memcpy(key, p, kl);
            key[kl] = '\0';
            json_t *v = json_stringn(eq + 1, len - (size_t)(eq + 1 - p));
            if (!strcmp(key, "head") || !strcmp(key, "nbsvm")) {
                json_t *a = json_object_get(o, key);
                if (!a)
                    json_object_set_new(o, key, a = json_array());
                json_array_append_new(a, v);
            } else {
                json_object_set_new(o, key, v);
            }
        }
        p += len + (nl ? 1 : 0);
    }
    return o;
}

static json_t *range_json(uint32_t lo, uint32_t hi)
{
    if (!hi)
        return json_null();
    json_t *a = json_array();
    json_array_append_new(a, json_integer(lo));
    json_array_append_new(a, json_integer(hi));
    return a;
}

static int inspect_json(const char *path, const slant_model *m, uint32_t top, ranked *best)
{
    struct stat sb;
    slant_options o;
    slant_model_options(m, &o);
    slant_model_kind kind = slant_model_kind_of(m);
    json_t *root = json_object();
    json_object_set_new(root, "model", json_string(path));
    if (stat(path, &sb) == 0)
        json_object_set_new(root, "size", json_integer((json_int_t)sb.st_size));
    json_object_set_new(root, "kind", json_string(slant_model_kind_name(kind)));
    if (kind == SLANT_MODEL_KIND_LR)
        json_object_set_new(root, "solver", json_string(slant_solver_name(o.solver)));
    if (kind == SLANT_MODEL_KIND_SVM)
        json_object_set_new(root, "kernel", json_string(slant_kernel_name(o.kernel)));
    json_object_set_new(root, "provenance", provenance_json(slant_model_provenance(m)));
    json_t *f = json_object();
    json_object_set_new(f, "count", json_integer((json_int_t)slant_model_features(m)));
    json_object_set_new(f, "vectors", json_boolean(slant_model_takes_vectors(m)));
    if (!slant_model_takes_vectors(m)) {
        json_object_set_new(f, "word_ngrams", range_json(o.word_min, o.word_max));
        json_object_set_new(f, "char_ngrams", range_json(o.char_min, o.char_max));
        json_object_set_new(f, "punct", json_boolean(o.punct));
        json_object_set_new(f, "keep_case", json_boolean(o.keep_case));
        json_object_set_new(f, "hash_bits", json_integer(o.hash_bits));
        json_object_set_new(f, "min_count", json_integer(o.min_count));
        json_object_set_new(f, "weighting", json_string(slant_weighting_name(o.weighting)));
    }
    json_object_set_new(root, "features", f);
    json_t *heads = json_object();
    for (size_t h = 0; h < slant_model_heads(m); h++) {
        double gamma = 0;
        size_t n_sv = slant_model_support_vectors(m, h, &gamma);
        json_t *hd = json_object(), *classes = json_object();
        if (n_sv) {
            json_object_set_new(hd, "support_vectors", json_integer((json_int_t)n_sv));
            json_object_set_new(hd, "gamma", json_real(gamma));
        }
        for (size_t k = 0; k < slant_model_classes(m, h); k++) {
            json_t *cl = json_object(), *list = json_array();
            size_t n = n_sv ? 0 : top_features(m, h, k, top, best);
            for (size_t i = 0; i < n; i++) {
                char name[256];
                slant_model_feature_name(m, best[i].index, name, sizeof name);
                json_t *e = json_object();
                json_object_set_new(e, "ngram", json_string(name));
                json_object_set_new(e, "score", json_real(best[i].score));
                json_array_append_new(list, e);
            }
            json_object_set_new(cl, "top", list);
            json_object_set_new(classes, slant_model_class_name(m, h, k), cl);
        }
        json_object_set_new(hd, "classes", classes);
        json_object_set_new(heads, slant_model_head_name(m, h), hd);
    }
    json_object_set_new(root, "heads", heads);
    return cli_print_json(root);
}

int cmd_inspect(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"top", required_argument, 0, 'n'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    uint32_t top = 10;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":n:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (cli_parse_u32("top", optarg, 0, 100000, &top))
                return EXIT_BAD;
            break;
        case 'j': json = 1; break;
        case 'h': fputs(inspect_usage, stdout); return EXIT_OK;
        default: return cli_getopt_error("inspect", c, argv, longopts);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("inspect", "give exactly one MODEL");
    const char *path = argv[optind];
    slant_model *m = NULL;
    int rc = cli_load_model(path, &m);
    if (rc)
        return rc;
    ranked *best = calloc(top ? top : 1, sizeof *best);
    if (!best) {
        cli_error("out of memory");
        rc = EXIT_FAILURE_;
    } else {
        rc = json ? inspect_json(path, m, top, best) : inspect_text(path, m, top, best);
    }
    free(best);
    slant_model_free(m);
    return rc;
}
