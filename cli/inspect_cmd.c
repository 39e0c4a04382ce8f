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
    "       slant inspect MODEL --groups CORPUS --group COLUMN [--top N] [--json]\n"
    "\n"
    "Shows the model's format version, provenance (slant version, date, options,\n"
    "a hash of the training corpus, label counts), feature settings, heads and\n"
    "classes, sizes, and for each class the N n-grams that weigh most for it\n"
    "against the other classes (weight minus the classes' mean weight).\n"
    "\n"
    "With --groups, a leak report instead: for each class, its heaviest n-grams\n"
    "with, over the documents of CORPUS that contain each one, how many there are,\n"
    "in how many groups of COLUMN (an outlet, a domain: a TSV column or JSONL key;\n"
    "a document without one is a group of its own), and the share of them in the\n"
    "most common group, named.  An n-gram found mostly in one outlet (its name, its\n"
    "page furniture, its habits of type) identifies the outlet, and says nothing of\n"
    "an article from another: a model that leans on such n-grams has learned where\n"
    "its articles come from, and 'slant cv --group COLUMN' measures what is left.\n"
    "An n-gram in at least --leak-docs documents, at least --leak-share of them in\n"
    "one group and at least twice that group's share of the corpus (all of them,\n"
    "for a group of half the corpus or more), is concentrated, marked '!'; each\n"
    "head and class says how many of its top N, and of its top max(N, 50), are.\n"
    "CORPUS goes through the model's own features; its labels are not read.\n"
    "\n"
    "  -n, --top N            n-grams per class (10; 0 for none)\n"
    "      --json             print one JSON object: {\"model\", \"size\", \"kind\",\n"
    "                         \"solver\" or \"kernel\", \"provenance\": {KEY: VALUE, \"head\":\n"
    "                         [...], \"nbsvm\": [...]}, \"features\": {...}, \"heads\":\n"
    "                         {HEAD: {\"classes\": {CLASS: {\"top\": [{\"ngram\": G,\n"
    "                         \"score\": S}]}}}}}; with --groups, the report:\n"
    "                         {\"model\", \"corpus\", \"group\", \"documents\", \"groups\",\n"
    "                         \"leak_share\", \"leak_docs\", \"top\", \"candidates\",\n"
    "                         \"heads\": {HEAD: {\"concentrated\", \"concentrated_candidates\",\n"
    "                         \"classes\": {CLASS: {\"concentrated\",\n"
    "                         \"concentrated_candidates\", \"ngrams\": [{\"rank\", \"ngram\",\n"
    "                         \"feature\", \"score\", \"docs\", \"groups\", \"top_docs\",\n"
    "                         \"top_share\", \"top_group\", \"top_group_share\",\n"
    "                         \"concentrated\"}]}}}}}, the top max(N, 50) n-grams a class\n"
    "                         (top_group null for a document without a group)\n"
    "      --groups CORPUS    the leak report over the documents of CORPUS\n"
    "      --group COLUMN     the column of CORPUS that groups its documents\n"
    "      --leak-share X     an n-gram is concentrated when at least this share of\n"
    "                         its documents are in one group (0.5)\n"
    "      --leak-docs N      ... and it is in at least N documents (10)\n"
    "  -f, --format F         CORPUS's format: tsv or jsonl, the formats with columns\n"
    "                         (default: from the name, then the content)\n"
    "  -t, --threads N        threads reading CORPUS; 0 for every core (0)\n"
    "  -h, --help             this help\n";

/* A class's heaviest n-grams come from the library
 * (slant_model_top_features), as the report's do. */
typedef slant_ranked_feature ranked;

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
            size_t n = slant_model_top_features(m, h, k, top, best);
            for (size_t i = 0; i < n; i++) {
                char name[256];
                slant_model_feature_name(m, best[i].feature, name, sizeof name);
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
            size_t n = n_sv ? 0 : slant_model_top_features(m, h, k, top, best);
            for (size_t i = 0; i < n; i++) {
                char name[256];
                slant_model_feature_name(m, best[i].feature, name, sizeof name);
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

/* ---- The leak report (--groups) -------------------------------------- */

/* Candidates a class looks at whatever --top: fingerprints often sit just
 * below the first ten, and the summary counts them too. */
#define LEAK_CANDIDATES 50

typedef struct leak_report {
    const char *model_path, *corpus_path;
    const slant_model *m;
    const slant_corpus *c;
    uint32_t top, k;        /* rows shown, and candidates ranked, a class */
    double share;           /* --leak-share */
    uint64_t min_docs;      /* --leak-docs */
    size_t *first;          /* where each head's classes start in the arrays below;
                             * (total classes + 1) entries */
    size_t *n;              /* candidates of each class (fewer than k when the model
                             * has fewer features); total classes */
    ranked *best;           /* k a class, in class order */
    slant_ngram_spread *sp; /* the same */
} leak_report;

static int leak_flag(const leak_report *r, const slant_ngram_spread *s)
{
    return slant_ngram_spread_concentrated(s, r->share, r->min_docs);
}

/* Concentrated n-grams among the first LIMIT candidates of class slot CK. */
static size_t leak_count(const leak_report *r, size_t ck, size_t limit)
{
    size_t n = r->n[ck] < limit ? r->n[ck] : limit, hits = 0;
    for (size_t i = 0; i < n; i++)
        hits += (size_t)leak_flag(r, &r->sp[ck * r->k + i]);
    return hits;
}

/* A head's sums: concentrated among its classes' top N and candidates,
 * and how many rows each sum is over. */
static void leak_head_counts(const leak_report *r, size_t h, size_t *top_hits, size_t *top_n,
                             size_t *cand_hits, size_t *cand_n)
{
    *top_hits = *top_n = *cand_hits = *cand_n = 0;
    for (size_t ck = r->first[h]; ck < r->first[h + 1]; ck++) {
        *top_hits += leak_count(r, ck, r->top);
        *top_n += r->n[ck] < r->top ? r->n[ck] : r->top;
        *cand_hits += leak_count(r, ck, r->k);
        *cand_n += r->n[ck];
    }
}

/* Prints S padded with spaces to WIDTH characters (UTF-8: a byte that
 * starts a character counts one), so that columns after n-grams such as
 * "” mr" stay in line. */
static void print_padded(const char *s, int width)
{
    int chars = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        chars += (*p & 0xC0) != 0x80;
    fputs(s, stdout);
    for (; chars < width; chars++)
        putchar(' ');
}

static int leak_text(const leak_report *r)
{
    const slant_model *m = r->m;
    printf("model: %s\n", r->model_path);
    printf("corpus: %s, %zu documents in %zu groups of %s\n", r->corpus_path,
           slant_corpus_size(r->c), slant_corpus_group_count(r->c),
           slant_corpus_group_name(r->c));
    printf("share: of an n-gram's documents, those in its most common group; corpus: that "
           "group's share of all documents\n");
    printf("concentrated (!): in %llu documents or more, a share of at least %g%% and twice "
           "the corpus's\n", (unsigned long long)r->min_docs, 100 * r->share);
    for (size_t h = 0; h < slant_model_heads(m); h++) {
        printf("head %s", slant_model_head_name(m, h));
        if (slant_model_support_vectors(m, h, NULL)) {
            printf(": a kernel head, with no weights to rank\n");
            continue;
        }
        size_t th, tn, ch, cn;
        leak_head_counts(r, h, &th, &tn, &ch, &cn);
        printf(": %zu of its %zu top n-grams (%u a class) concentrated in one group; %zu of "
               "the top %zu (%u a class)\n", th, tn, r->top, ch, cn, r->k);
        for (size_t k = 0; k < slant_model_classes(m, h); k++) {
            size_t ck = r->first[h] + k;
            size_t rows = r->n[ck] < r->top ? r->n[ck] : r->top;
            printf("  %s: %zu of the top %zu concentrated (%zu of the top %zu)\n",
                   slant_model_class_name(m, h, k),
                   leak_count(r, ck, r->top), rows, leak_count(r, ck, r->k), r->n[ck]);
            if (rows)
                printf("      %-28s %9s %7s %6s %6s %6s  %s\n", "n-gram", "weight", "docs",
                       "groups", "share", "corpus", "group");
            for (size_t i = 0; i < rows; i++) {
                const ranked *b = &r->best[ck * r->k + i];
                const slant_ngram_spread *s = &r->sp[ck * r->k + i];
                char name[256];
                slant_model_feature_name(m, b->feature, name, sizeof name);
                printf("    %c ", leak_flag(r, s) ? '!' : ' ');
                print_padded(name, 28);
                printf(" %+9.4f %7llu %6zu ", b->score, (unsigned long long)s->docs, s->groups);
                if (!s->docs)
                    printf("%6s %6s  -\n", "-", "-");
                else
                    printf("%5.1f%% %5.1f%%  %s\n", 100 * s->top_share,
                           100 * s->top_group_share, s->top_group ? s->top_group : "(no group)");
            }
        }
    }
    return EXIT_OK;
}

static int leak_json(const leak_report *r)
{
    const slant_model *m = r->m;
    json_t *root = json_object();
    json_object_set_new(root, "model", json_string(r->model_path));
    json_object_set_new(root, "corpus", json_string(r->corpus_path));
    json_object_set_new(root, "group", json_string(slant_corpus_group_name(r->c)));
    json_object_set_new(root, "documents", json_integer((json_int_t)slant_corpus_size(r->c)));
    json_object_set_new(root, "groups",
                        json_integer((json_int_t)slant_corpus_group_count(r->c)));
    json_object_set_new(root, "leak_share", json_real(r->share));
    json_object_set_new(root, "leak_docs", json_integer((json_int_t)r->min_docs));
    json_object_set_new(root, "top", json_integer(r->top));
    json_object_set_new(root, "candidates", json_integer(r->k));
    json_t *heads = json_object();
    for (size_t h = 0; h < slant_model_heads(m); h++) {
        json_t *hd = json_object(), *classes = json_object();
        size_t th, tn, ch, cn;
        leak_head_counts(r, h, &th, &tn, &ch, &cn);
        json_object_set_new(hd, "concentrated", json_integer((json_int_t)th));
        json_object_set_new(hd, "concentrated_candidates", json_integer((json_int_t)ch));
        if (slant_model_support_vectors(m, h, NULL))
            json_object_set_new(hd, "support_vectors",
                                json_integer((json_int_t)slant_model_support_vectors(m, h, NULL)));
        for (size_t k = 0; k < slant_model_classes(m, h); k++) {
            size_t ck = r->first[h] + k;
            json_t *cl = json_object(), *list = json_array();
            json_object_set_new(cl, "concentrated",
                                json_integer((json_int_t)leak_count(r, ck, r->top)));
            json_object_set_new(cl, "concentrated_candidates",
                                json_integer((json_int_t)leak_count(r, ck, r->k)));
            for (size_t i = 0; i < r->n[ck]; i++) {
                const ranked *b = &r->best[ck * r->k + i];
                const slant_ngram_spread *s = &r->sp[ck * r->k + i];
                char name[256];
                slant_model_feature_name(m, b->feature, name, sizeof name);
                json_t *e = json_object();
                json_object_set_new(e, "rank", json_integer((json_int_t)i + 1));
                json_object_set_new(e, "ngram", json_string(name));
                json_object_set_new(e, "feature", json_integer(b->feature));
                json_object_set_new(e, "score", json_real(b->score));
                json_object_set_new(e, "docs", json_integer((json_int_t)s->docs));
                json_object_set_new(e, "groups", json_integer((json_int_t)s->groups));
                json_object_set_new(e, "top_docs", json_integer((json_int_t)s->top_docs));
                json_object_set_new(e, "top_share", json_real(s->top_share));
                json_object_set_new(e, "top_group",
                                    s->top_group ? json_string(s->top_group) : json_null());
                json_object_set_new(e, "top_group_share", json_real(s->top_group_share));
                json_object_set_new(e, "concentrated", json_boolean(leak_flag(r, s)));
                json_array_append_new(list, e);
            }
            json_object_set_new(cl, "ngrams", list);
            json_object_set_new(classes, slant_model_class_name(m, h, k), cl);
        }
        json_object_set_new(hd, "classes", classes);
        json_object_set_new(heads, slant_model_head_name(m, h), hd);
    }
    json_object_set_new(root, "heads", heads);
    return cli_print_json(root);
}

/* Ranks every class's candidates, counts their spread over CORPUS in one
 * pass, and prints the report. */
static int leak_report_run(leak_report *r, int json, uint32_t threads)
{
    const slant_model *m = r->m;
    size_t heads = slant_model_heads(m), total = slant_model_total_classes(m);
    int rc = EXIT_FAILURE_;
    uint32_t *feat = NULL;
    r->first = calloc(heads + 1, sizeof *r->first);
    r->n = calloc(total ? total : 1, sizeof *r->n);
    r->best = calloc(total ? total * r->k : 1, sizeof *r->best);
    r->sp = calloc(total ? total * r->k : 1, sizeof *r->sp);
    feat = calloc(total ? total * r->k : 1, sizeof *feat);
    if (!r->first || !r->n || !r->best || !r->sp || !feat) {
        cli_error("out of memory");
        goto done;
    }
    /* The candidates of every class side by side, k slots each, so that
     * one call counts them all. */
    size_t n_feat = 0;
    for (size_t h = 0; h < heads; h++) {
        r->first[h + 1] = r->first[h] + slant_model_classes(m, h);
        if (slant_model_support_vectors(m, h, NULL))
            continue;
        for (size_t k = 0; k < slant_model_classes(m, h); k++) {
            size_t ck = r->first[h] + k;
            r->n[ck] = slant_model_top_features(m, h, k, r->k, r->best + ck * r->k);
        }
    }
    for (size_t ck = 0; ck < total; ck++)
        for (size_t i = 0; i < r->n[ck]; i++)
            feat[n_feat++] = r->best[ck * r->k + i].feature;
    slant_error err = {{0}};
    slant_status st = slant_model_group_spread(m, r->c, feat, n_feat, threads, r->sp, &err);
    if (st) {
        rc = cli_fail(st, &err);
        goto done;
    }
    /* From one after another to k slots a class, the last class first. */
    for (size_t ck = total; ck-- > 0;) {
        n_feat -= r->n[ck];
        memmove(r->sp + ck * r->k, r->sp + n_feat, r->n[ck] * sizeof *r->sp);
    }
    rc = json ? leak_json(r) : leak_text(r);
done:
    free(feat);
    free(r->first);
    free(r->n);
    free(r->best);
    free(r->sp);
    return rc;
}

int cli_print_leaks(const char *model_path, const slant_model *m, const char *corpus_path,
                    const slant_corpus *c, uint32_t top, uint32_t threads)
{
    leak_report r = {.model_path = model_path, .corpus_path = corpus_path, .m = m, .c = c,
                     .top = top, .k = top > LEAK_CANDIDATES ? top : LEAK_CANDIDATES,
                     .share = SLANT_LEAK_SHARE, .min_docs = SLANT_LEAK_MIN_DOCS};
    return leak_report_run(&r, 0, threads);
}

int cmd_inspect(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"top", required_argument, 0, 'n'},
        {"json", no_argument, 0, 'j'},
        {"groups", required_argument, 0, 1201},
        CLI_GROUP_LONGOPT,
        {"leak-share", required_argument, 0, 1202},
        {"leak-docs", required_argument, 0, 1203},
        {"format", required_argument, 0, 'f'},
        {"threads", required_argument, 0, 't'},
        {"help", no_argument, 0, 'h'},
        CLI_READ_LONGOPTS,
        {0, 0, 0, 0}};
    uint32_t top = 10, threads = 0, min_docs = SLANT_LEAK_MIN_DOCS;
    double share = SLANT_LEAK_SHARE;
    int json = 0, c;
    const char *groups = NULL, *only_with_groups = NULL;
    slant_format fmt = SLANT_FORMAT_AUTO;
    cli_read_opts ro;
    cli_read_opts_init(&ro);
    optind = 1;
    while ((c = getopt_long(argc, argv, ":n:f:t:h", longopts, NULL)) != -1) {
        int r = cli_read_option(c, optarg, &ro);
        if (r < 0)
            return EXIT_BAD;
        if (r > 0) {
            if (c != 1104) /* --group has a message of its own */
                only_with_groups = c == 1101   ? "--max-doc-bytes"
                                   : c == 1102 ? "--ignore"
                                   : c == 1107 ? "--labels"
                                               : "--text-column";
            continue;
        }
        switch (c) {
        case 'n':
            if (cli_parse_u32("top", optarg, 0, 100000, &top))
                return EXIT_BAD;
            break;
        case 'j': json = 1; break;
        case 1201: groups = optarg; break;
        case 1202:
            if (cli_parse_double("leak-share", optarg, &share))
                return EXIT_BAD;
            if (!(share > 0 && share <= 1)) {
                cli_error("--leak-share: '%s' is not a share in (0, 1]", optarg);
                return EXIT_BAD;
            }
            only_with_groups = "--leak-share";
            break;
        case 1203:
            if (cli_parse_u32("leak-docs", optarg, 1, UINT32_MAX, &min_docs))
                return EXIT_BAD;
            only_with_groups = "--leak-docs";
            break;
        case 'f':
            if (cli_parse_format(optarg, &fmt))
                return EXIT_BAD;
            only_with_groups = "--format";
            break;
        case 't':
            if (cli_parse_u32("threads", optarg, 0, 1024, &threads))
                return EXIT_BAD;
            break;
        case 'h':
            fputs(inspect_usage, stdout);
            fputs(cli_read_options_help, stdout);
            return EXIT_OK;
        default: return cli_getopt_error("inspect", c, argv, longopts);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("inspect", "give exactly one MODEL");
    if (groups && !ro.opt.group_column)
        return cli_usage_error("inspect", "--groups CORPUS needs --group COLUMN, the column "
                               "of CORPUS that names each document's outlet (or domain)");
    if (!groups && ro.opt.group_column)
        return cli_usage_error("inspect", "--group COLUMN needs --groups CORPUS, the corpus "
                               "whose documents it groups");
    if (!groups && only_with_groups)
        return cli_usage_error("inspect", "%s is for the leak report's --groups CORPUS, "
                               "which is not given", only_with_groups);
    const char *path = argv[optind];
    slant_model *m = NULL;
    int rc = cli_load_model(path, &m);
    if (rc)
        return rc;
    if (groups) {
        slant_corpus *corpus = NULL;
        ro.opt.texts_only = 1; /* the labels are not the report's */
        rc = cli_read_corpus_with(groups, fmt, &ro, NULL, &corpus);
        if (!rc) {
            leak_report r = {.model_path = path, .corpus_path = groups, .m = m, .c = corpus,
                             .top = top, .k = top > LEAK_CANDIDATES ? top : LEAK_CANDIDATES,
                             .share = share, .min_docs = min_docs};
            rc = leak_report_run(&r, json, threads);
        }
        slant_corpus_free(corpus);
        slant_model_free(m);
        return rc;
    }
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
