/*
 * dups_cmd.c: slant dups CORPUS [OTHER]: near-duplicate documents (syndicated
 * copies, content-farm rewrites) as pairs or as clusters.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"

#define CLI_STR_(x) #x
#define CLI_STR(x) CLI_STR_(x)

static const char dups_usage[] =
    "Usage: slant dups CORPUS [OTHER] [OPTIONS]\n"
    "\n"
    "Finds near-duplicates: pairs of documents whose sets of word shingles (runs\n"
    "of N consecutive words, punctuation left out, case folded) have a Jaccard\n"
    "similarity of J or more.  A document with fewer than N words has one shingle\n"
    "of all its words; one without words pairs with none.  With OTHER, only pairs\n"
    "of one document of CORPUS and one of OTHER.  CORPUS may be '-' for standard\n"
    "input.\n"
    "\n"
    "Prints TSV with a header: id_a, id_b, jaccard (with OTHER: id, other_id,\n"
    "jaccard, the id of CORPUS's document first), sorted by the first document,\n"
    "then the second, in corpus order.  MinHash with LSH banding finds the\n"
    "candidates, and each is compared exactly: every pair printed is at or above\n"
    "J; the sketch finds a pair at J with probability 0.99 or more (-v says how\n"
    "much), above J more surely still.\n"
    "\n"
    "      --threshold J      the least Jaccard similarity, in (0, 1] (" CLI_STR(
        SLANT_DUPS_THRESHOLD) ")\n"
    "      --shingle N        words per shingle, 1 to " CLI_STR(SLANT_DUPS_MAX_SHINGLE) " (" CLI_STR(
        SLANT_DUPS_SHINGLE) ")\n"
    "      --clusters         print the clusters instead (connected components of\n"
    "                         the pairs): cluster, size, id (with OTHER: cluster,\n"
    "                         size, corpus, id; corpus 1 for CORPUS, 2 for OTHER),\n"
    "                         a row per document, clusters numbered from 0 in the\n"
    "                         order of their first document\n"
    "      --json             print one JSON object: {\"corpus\", \"other\", \"options\":\n"
    "                         {...}, \"counts\": {\"documents\", \"empty\", \"distinct\",\n"
    "                         \"shingles\", \"candidates\", \"pairs\", \"clusters\",\n"
    "                         \"in_clusters\"},\n"
    "                         \"pairs\": [{\"id_a\", \"id_b\", \"jaccard\"}] (with OTHER:\n"
    "                         \"id\", \"other_id\") or, with --clusters, \"clusters\":\n"
    "                         [{\"cluster\", \"size\", \"documents\": [{\"corpus\", \"id\"}]}]}\n"
    "      --exact            compare every pair exactly (quadratic in the documents:\n"
    "                         for checking the sketch on a sample)\n"
    "  -j, -t, --threads N    threads; 0 for every core (0); the result does not\n"
    "                         depend on them\n"
    "      --seed N           seed of the MinHash functions (1)\n"
    "  -f, --format F         corpus format: tsv, jsonl, fasttext, dir, lines, text\n"
    "                         (default: from the name, then the content)\n"
    "  -v, --verbose          report the sketch, and a summary line (documents, pairs,\n"
    "                         clusters, seconds), on standard error\n"
    "  -h, --help             this help\n";

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct both {
    const slant_corpus *a, *b;
    size_t n_a;
} both;

/* Document DOC counted over A, then B: its id. */
static const char *id_of(const both *c, size_t doc)
{
    return doc < c->n_a ? slant_corpus_id(c->a, doc) : slant_corpus_id(c->b, doc - c->n_a);
}

/* The documents of each cluster, in order: ORDER (output) lists them by
 * cluster, then document, and START (output, clusters + 1) where each
 * cluster's begin.  Both are the caller's to free; 0, or -1 when memory
 * runs out. */
static int cluster_lists(const slant_dups *d, size_t n_docs, size_t **order, size_t **start)
{
    size_t nc = slant_dups_clusters(d);
    *order = calloc(n_docs ? n_docs : 1, sizeof **order);
    *start = calloc(nc + 1, sizeof **start);
    size_t *next = calloc(nc ? nc : 1, sizeof *next);
    if (!*order || !*start || !next) {
        free(next);
        return -1;
    }
    for (size_t c = 0; c < nc; c++)
        (*start)[c + 1] = (*start)[c] + slant_dups_cluster_size(d, c);
    memcpy(next, *start, nc * sizeof *next);
    for (size_t doc = 0; doc < n_docs; doc++) {
        size_t c = slant_dups_cluster_of(d, doc);
        if (c != SIZE_MAX)
            (*order)[next[c]++] = doc;
    }
    free(next);
    return 0;
}

static int print_tsv(const slant_dups *d, const both *c, int clusters)
{
    size_t n_docs = c->n_a + (c->b ? slant_corpus_size(c->b) : 0);
    if (!clusters) {
        fputs(c->b ? "id\tother_id\tjaccard\n" : "id_a\tid_b\tjaccard\n", stdout);
        for (size_t i = 0; i < slant_dups_pairs(d); i++) {
            size_t x, y;
            double j;
            slant_dups_pair(d, i, &x, &y, &j);
            printf("%s\t%s\t%.4f\n", slant_corpus_id(c->a, x),
                   c->b ? slant_corpus_id(c->b, y) : slant_corpus_id(c->a, y), j);
        }
        return EXIT_OK;
    }
    size_t *order, *start;
    if (cluster_lists(d, n_docs, &order, &start)) {
        free(order);
        free(start);
        cli_error("out of memory");
        return EXIT_FAILURE_;
    }
    fputs(c->b ? "cluster\tsize\tcorpus\tid\n" : "cluster\tsize\tid\n", stdout);
    for (size_t k = 0; k < slant_dups_clusters(d); k++)
        for (size_t i = start[k]; i < start[k + 1]; i++) {
            size_t doc = order[i];
            if (c->b)
                printf("%zu\t%zu\t%d\t%s\n", k, start[k + 1] - start[k], doc < c->n_a ? 1 : 2,
                       id_of(c, doc));
            else
                printf("%zu\t%zu\t%s\n", k, start[k + 1] - start[k], id_of(c, doc));
        }
    free(order);
    free(start);
    return EXIT_OK;
}

static int print_json(const slant_dups *d, const both *c, const char *path_a,
                      const char *path_b, int clusters, uint64_t seed)
{
    slant_dups_stats st;
    slant_dups_stats_of(d, &st);
    size_t n_docs = st.documents;
    json_t *root = json_object();
    json_object_set_new(root, "corpus", json_string(path_a));
    json_object_set_new(root, "other", path_b ? json_string(path_b) : json_null());
    json_t *o = json_object();
    json_object_set_new(o, "threshold", json_real(st.threshold));
    json_object_set_new(o, "shingle", json_integer(st.shingle));
    json_object_set_new(o, "exact", json_boolean(st.exact));
    json_object_set_new(o, "seed", json_integer((json_int_t)seed));
    json_object_set_new(o, "bands", json_integer(st.bands));
    json_object_set_new(o, "rows", json_integer(st.rows));
    json_object_set_new(o, "recall_at_threshold", json_real(st.recall_at_threshold));
    json_object_set_new(root, "options", o);
    json_t *n = json_object();
    json_object_set_new(n, "documents", json_integer((json_int_t)st.documents));
    json_object_set_new(n, "empty", json_integer((json_int_t)st.empty));
    json_object_set_new(n, "distinct", json_integer((json_int_t)st.distinct));
    json_object_set_new(n, "shingles", json_integer((json_int_t)st.shingles));
    json_object_set_new(n, "candidates", json_integer((json_int_t)st.candidates));
    json_object_set_new(n, "pairs", json_integer((json_int_t)slant_dups_pairs(d)));
    json_object_set_new(n, "clusters", json_integer((json_int_t)slant_dups_clusters(d)));
    json_object_set_new(n, "in_clusters", json_integer((json_int_t)st.in_clusters));
    json_object_set_new(root, "counts", n);
    if (!clusters) {
        json_t *list = json_array();
        for (size_t i = 0; i < slant_dups_pairs(d); i++) {
            size_t x, y;
            double j;
            slant_dups_pair(d, i, &x, &y, &j);
            json_t *p = json_object();
            json_object_set_new(p, c->b ? "id" : "id_a", json_string(slant_corpus_id(c->a, x)));
            json_object_set_new(p, c->b ? "other_id" : "id_b",
                                json_string(c->b ? slant_corpus_id(c->b, y)
                                                 : slant_corpus_id(c->a, y)));
            json_object_set_new(p, "jaccard", json_real(j));
            json_array_append_new(list, p);
        }
        json_object_set_new(root, "pairs", list);
        return cli_print_json(root);
    }
    size_t *order, *start;
    if (cluster_lists(d, n_docs, &order, &start)) {
        free(order);
        free(start);
        json_decref(root);
        cli_error("out of memory");
        return EXIT_FAILURE_;
    }
    json_t *list = json_array();
    for (size_t k = 0; k < slant_dups_clusters(d); k++) {
        json_t *cl = json_object(), *docs = json_array();
        json_object_set_new(cl, "cluster", json_integer((json_int_t)k));
        json_object_set_new(cl, "size", json_integer((json_int_t)(start[k + 1] - start[k])));
        for (size_t i = start[k]; i < start[k + 1]; i++) {
            json_t *e = json_object();
            json_object_set_new(e, "corpus", json_integer(order[i] < c->n_a ? 1 : 2));
            json_object_set_new(e, "id", json_string(id_of(c, order[i])));
            json_array_append_new(docs, e);
        }
        json_object_set_new(cl, "documents", docs);
        json_array_append_new(list, cl);
    }
    free(order);
    free(start);
    json_object_set_new(root, "clusters", list);
    return cli_print_json(root);
}

int cmd_dups(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"threshold", required_argument, 0, 1201},
        {"shingle", required_argument, 0, 1202},
        {"clusters", no_argument, 0, 1203},
        {"json", no_argument, 0, 1204},
        {"exact", no_argument, 0, 1205},
        {"threads", required_argument, 0, 'j'},
        {"seed", required_argument, 0, 1206},
        {"format", required_argument, 0, 'f'},
        {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},
        CLI_READ_LONGOPTS,
        {0, 0, 0, 0}};
    slant_dups_options o;
    slant_dups_options_init(&o);
    cli_read_opts ro;
    cli_read_opts_init(&ro);
    slant_format fmt = SLANT_FORMAT_AUTO;
    int clusters = 0, json = 0, verbose = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":j:t:f:vh", longopts, NULL)) != -1) {
        int r = cli_read_option(c, optarg, &ro);
        if (r < 0)
            return EXIT_BAD;
        if (r > 0)
            continue;
        switch (c) {
        case 1201:
            if (cli_parse_double("threshold", optarg, &o.threshold))
                return EXIT_BAD;
            if (!(o.threshold > 0 && o.threshold <= 1)) {
                cli_error("--threshold: %s is not a Jaccard similarity in (0, 1]", optarg);
                return EXIT_BAD;
            }
            break;
        case 1202:
            if (cli_parse_u32("shingle", optarg, 1, SLANT_DUPS_MAX_SHINGLE, &o.shingle))
                return EXIT_BAD;
            break;
        case 1203: clusters = 1; break;
        case 1204: json = 1; break;
        case 1205: o.exact = 1; break;
        case 'j':
        case 't':
            if (cli_parse_u32("threads", optarg, 0, 1024, &o.threads))
                return EXIT_BAD;
            break;
        case 1206:
            if (cli_parse_u64("seed", optarg, &o.seed))
                return EXIT_BAD;
            break;
        case 'f':
            if (cli_parse_format(optarg, &fmt))
                return EXIT_BAD;
            break;
        case 'v': verbose = 1; break;
        case 'h':
            fputs(dups_usage, stdout);
            fputs(cli_read_options_help, stdout);
            return EXIT_OK;
        default: return cli_getopt_error("dups", c, argv, longopts);
        }
    }
    if (optind == argc || argc - optind > 2)
        return cli_usage_error("dups", "give one CORPUS, or a CORPUS and an OTHER to compare it "
                                       "with");
    const char *path_a = argv[optind], *path_b = argc - optind == 2 ? argv[optind + 1] : NULL;
    if (path_b && !strcmp(path_a, "-") && !strcmp(path_b, "-"))
        return cli_usage_error("dups", "standard input can be one of the two corpora, not both");
    cli_set_log(verbose);
    double t0 = now();
    slant_corpus *a = NULL, *b = NULL;
    int rc = cli_read_corpus_with(path_a, fmt, &ro, NULL, &a);
    if (!rc && path_b)
        rc = cli_read_corpus_with(path_b, fmt, &ro, NULL, &b);
    slant_dups *d = NULL;
    if (!rc) {
        slant_error err = {{0}};
        slant_status st = slant_dups_find(a, b, &o, &d, &err);
        if (st)
            rc = cli_fail(st, &err);
    }
    if (!rc) {
        both cs = {a, b, slant_corpus_size(a)};
        rc = json ? print_json(d, &cs, path_a, path_b, clusters, o.seed ? o.seed : 1)
                  : print_tsv(d, &cs, clusters);
        if (verbose)
            fprintf(stderr, "%s: dups: %zu documents, %zu pairs, %zu clusters, %.2f s\n", cli_prog,
                    slant_corpus_size(a) + (b ? slant_corpus_size(b) : 0), slant_dups_pairs(d),
                    slant_dups_clusters(d), now() - t0);
    }
    slant_dups_free(d);
    slant_corpus_free(a);
    slant_corpus_free(b);
    return rc;
}
