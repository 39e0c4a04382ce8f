/*
 * bench_cmd.c: slant bench [CORPUS]: throughput of each labeling stage in
 * MB/s and documents/s, on one thread and on all cores.  Without a corpus
 * it generates one: news-length documents of words drawn from a Zipf
 * distribution, written to a temporary file so that reading is measured too.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static const char bench_usage[] =
    "Usage: slant bench [CORPUS] [OPTIONS]\n"
    "\n"
    "Measures each stage of labeling: reading the corpus, tokenizing, hashing\n"
    "n-grams, extracting features (vocabulary lookup, tf-idf) and labeling as a\n"
    "whole, in MB/s and documents/s, on one thread and on all cores.  Each figure\n"
    "is the fastest of several runs.  Without CORPUS, a corpus of news-length\n"
    "documents with Zipf-distributed words is generated (fixed seed).\n"
    "\n"
    "  -m, --model MODEL      label with this model (default: train one on the\n"
    "                         corpus with the default features and --model nb,\n"
    "                         which labels at the same cost as lr)\n"
    "  -f, --format F         corpus format\n"
    "  -t, --threads N        the many-thread figure's threads (0: all cores)\n"
    "  -n, --docs N           documents to generate (25000)\n"
    "  -r, --repeats N        runs per figure, the fastest kept (3)\n"
    "  -h, --help             this help\n";

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Writes N generated documents as a TSV corpus with a label column to FD.
 * Words are syllable strings ranked by a Zipf law (exponent 1); the label
 * leans on a few hundred words so that a model has something to learn. */
static int generate(FILE *f, uint32_t n_docs)
{
    enum { VOCAB = 50000 };
    static const char *syl[] = {"ka", "lo", "mi", "ne", "su", "ra", "to", "vi", "de", "po",
                                "ba", "le", "ni", "go", "fa", "ri", "ze", "mu", "ta", "che"};
    char (*words)[16] = malloc(VOCAB * sizeof *words);
    double *cdf = malloc(VOCAB * sizeof *cdf);
    if (!words || !cdf) {
        free(words);
        free(cdf);
        return -1;
    }
    double total = 0;
    for (int i = 0; i < VOCAB; i++) {
        int v = i, len = 0;
        words[i][0] = '\0';
        do {
            size_t l = strlen(words[i]);
            snprintf(words[i] + l, sizeof words[i] - l, "%s", syl[v % 20]);
            v /= 20;
            len++;
        } while (v > 0 && len < 4);
        total += 1.0 / (i + 1);
        cdf[i] = total;
    }
    uint64_t s = 42;
    fputs("label\ttext\n", f);
    for (uint32_t d = 0; d < n_docs; d++) {
        int label = (int)(next(&s) & 1);
        fputs(label ? "pos\t" : "neg\t", f);
        uint32_t len = 180 + (uint32_t)(next(&s) % 100);
        for (uint32_t w = 0; w < len; w++) {
            int i;
            if (next(&s) % 20 == 0) { /* a word that leans to the label */
                i = 100 + 2 * (int)(next(&s) % 200) + label;
            } else {
                double u = (double)(next(&s) >> 11) / 9007199254740992.0 * total;
                int lo = 0, hi = VOCAB - 1;
                while (lo < hi) {
                    int mid = (lo + hi) / 2;
                    if (cdf[mid] < u)
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                i = lo;
            }
            fputs(words[i], f);
            fputs(w + 1 == len ? ".\n" : (next(&s) % 12 == 0 ? ", " : " "), f);
        }
    }
    free(words);
    free(cdf);
    return ferror(f) ? -1 : 0;
}

static void row(const char *stage, double s1, double sn, uint64_t bytes, size_t docs)
{
    printf("  %-30s %9.1f %11.0f %11.1f %11.0f\n", stage, bytes / 1e6 / s1, docs / s1,
           bytes / 1e6 / sn, docs / sn);
}

int cmd_bench(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"model", required_argument, 0, 'm'},
        {"format", required_argument, 0, 'f'},
        {"threads", required_argument, 0, 't'},
        {"docs", required_argument, 0, 'n'},
        {"repeats", required_argument, 0, 'r'},
        {"help", no_argument, 0, 'h'},
        CLI_READ_LONGOPTS,
        {0, 0, 0, 0}};
    const char *model_path = NULL;
    slant_format fmt = SLANT_FORMAT_AUTO;
    uint32_t threads = 0, n_docs = 25000, repeats = 3;
    cli_read_opts ro;
    cli_read_opts_init(&ro);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":m:f:t:n:r:h", longopts, NULL)) != -1) {
        int r = cli_read_option(c, optarg, &ro);
        if (r < 0)
            return EXIT_BAD;
        if (r > 0)
            continue;
        switch (c) {
        case 'm': model_path = optarg; break;
        case 'f':
            if (cli_parse_format(optarg, &fmt))
                return EXIT_BAD;
            break;
        case 't':
            if (cli_parse_u32("threads", optarg, 0, 1024, &threads))
                return EXIT_BAD;
            break;
        case 'n':
            if (cli_parse_u32("docs", optarg, 1, 10000000, &n_docs))
                return EXIT_BAD;
            break;
        case 'r':
            if (cli_parse_u32("repeats", optarg, 1, 100, &repeats))
                return EXIT_BAD;
            break;
        case 'h':
            fputs(bench_usage, stdout);
            fputs(cli_read_options_help, stdout);
            return EXIT_OK;
        default: return cli_getopt_error("bench", c, argv, longopts);
        }
    }
    if (optind < argc - 1)
        return cli_usage_error("bench", "give at most one CORPUS");
    char tmp[] = "/tmp/slant-bench-XXXXXX";
    const char *path = optind < argc ? argv[optind] : NULL;
    if (!path) {
        int fd = mkstemp(tmp);
        FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!f || generate(f, n_docs) || fclose(f)) {
            cli_error("cannot write the generated corpus to %s", tmp);
            unlink(tmp);
            return EXIT_FAILURE_;
        }
        path = tmp;
        fmt = SLANT_FORMAT_TSV;
    }
    slant_error err = {{0}};
    slant_corpus *corpus = NULL;
    double read_s = 0;
    int rc = EXIT_OK;
    for (uint32_t r = 0; r < repeats && rc == EXIT_OK; r++) {
        slant_corpus_free(corpus);
        corpus = NULL;
        double t0 = now();
        rc = cli_read_corpus_with(path, fmt, &ro, NULL, &corpus);
        double t = now() - t0;
        if (r == 0 || t < read_s)
            read_s = t;
    }
    if (path == tmp)
        unlink(tmp);
    if (rc)
        return rc;
    slant_model *model = NULL;
    slant_status st = SLANT_STATUS_OK;
    if (model_path) {
        if ((rc = cli_load_model(model_path, &model))) {
            slant_corpus_free(corpus);
            return rc;
        }
    } else {
        slant_options o;
        slant_options_init(&o);
        o.model = SLANT_MODEL_KIND_NB;
        st = slant_train(corpus, &o, &model, &err);
    }
    slant_bench_result one, many;
    if (!st)
        st = slant_model_benchmark(model, corpus, 1, repeats, &one, &err);
    if (!st)
        st = slant_model_benchmark(model, corpus, threads, repeats, &many, &err);
    if (st) {
        rc = cli_fail(st, &err);
    } else {
        printf("corpus: %s, %zu documents, %.1f MB of text\n",
               path == tmp ? "generated" : path, one.documents, one.bytes / 1e6);
        printf("model: %s, %zu features, %zu heads%s\n",
               slant_model_kind_name(slant_model_kind_of(model)), slant_model_features(model),
               slant_model_heads(model), model_path ? "" : " (trained here on the corpus)");
        char many_label[32];
        snprintf(many_label, sizeof many_label, "%u threads", many.threads);
        printf("  %-30s %21s %23s\n", "", "1 thread", many_label);
        printf("  %-30s %9s %11s %11s %11s\n", "stage", "MB/s", "docs/s", "MB/s", "docs/s");
        row("read the corpus (1 thread)", read_s, read_s, one.bytes, one.documents);
        row("tokenize", one.tokenize_s, many.tokenize_s, one.bytes, one.documents);
        row("tokenize + hash n-grams", one.hash_s, many.hash_s, one.bytes, one.documents);
        row("all features (lookup, tf-idf)", one.vectorize_s, many.vectorize_s, one.bytes,
            one.documents);
        row("label (features + scoring)", one.label_s, many.label_s, one.bytes, one.documents);
    }
    slant_model_free(model);
    slant_corpus_free(corpus);
    return rc;
}
