/*
 * explain_cmd.c: slant explain (why each head chose its label, laid out
 * for reading), and the forms of an explanation that label --explain
 * prints in its TSV, JSON and fastText outputs.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

int cli_parse_explain(const char *opt, const char *s, size_t *k)
{
    if (!strcmp(s, "all")) {
        *k = SLANT_EXPLAIN_ALL;
        return 0;
    }
    uint32_t v;
    if (cli_parse_u32(opt, s, 1, 1000000, &v)) {
        cli_error("--%s takes the n-grams to show each way, 1 to 1000000, or 'all'", opt);
        return -1;
    }
    *k = v;
    return 0;
}

int cli_check_explainable(const slant_model *m)
{
    slant_error err = {{0}};
    slant_status st = slant_model_explainable(m, &err);
    return st ? cli_fail(st, &err) : EXIT_OK;
}

/* One n-gram as a token without blanks into BUF (room for twice NAME):
 * its words joined by '_', with '_' and '\' themselves escaped by a '\',
 * so that the token reads back whole (n-gram names hold no tab or line
 * break: see the rule for names). */
static size_t ngram_token(const char *name, char *buf)
{
    size_t at = 0;
    for (const char *p = name; *p; p++) {
        if (*p == ' ') {
            buf[at++] = '_';
            continue;
        }
        if (*p == '_' || *p == '\\')
            buf[at++] = '\\';
        buf[at++] = *p;
    }
    return at;
}

static void print_tokens(FILE *f, const slant_model *m, const slant_contribution *l, size_t n,
                         int *first)
{
    char name[1024], token[2 * sizeof name + 40];
    for (size_t i = 0; i < n; i++) {
        slant_model_feature_name(m, l[i].feature, name, sizeof name);
        size_t at = 0;
        if (!*first)
            token[at++] = ' ';
        *first = 0;
        at += ngram_token(name, token + at);
        at += (size_t)snprintf(token + at, sizeof token - at, ":%+.4g", l[i].contribution);
        fwrite(token, 1, at, f);
    }
}

void cli_print_why_tokens(FILE *f, const slant_model *m, const slant_explanation *e)
{
    int first = 1;
    print_tokens(f, m, e->toward, e->n_toward, &first);
    print_tokens(f, m, e->away, e->n_away, &first);
}

static const char explain_usage[] =
    "Usage: slant explain -m MODEL [OPTIONS] [FILE...]\n"
    "\n"
    "Says why MODEL labels each article as it does: for each head, the label and\n"
    "the runner-up (the class of the next highest score), the margin between their\n"
    "scores, and the n-grams that pushed hardest toward each, with their counts in\n"
    "the text.  Scores are the model's own, before any mapping to probabilities:\n"
    "the score of a class is its bias plus, over the article's n-grams, each one's\n"
    "value (after tf-idf) times its weight for the class.  So the margin is the\n"
    "intercept (the difference of the two biases) plus every n-gram's contribution\n"
    "(its value times the difference of its two weights); a contribution above 0\n"
    "pushed toward the label, one below 0 toward the runner-up.  Every linear\n"
    "model explains (nb, cnb, lr, nbsvm, svm with the linear kernel); an svm with\n"
    "the rbf kernel is refused.  A hashed model names its buckets #N.  FILE and\n"
    "standard input are read as label reads them.\n"
    "\n"
    "  -m, --model MODEL      the model file (required)\n"
    "  -n, --top K            n-grams each way (10); 'all' for every one\n"
    "  -l, --label HEAD       explain this head only; repeatable (default: all)\n"
    "      --json             one JSON object per article:\n"
    "    {\"id\": ID, \"heads\": {HEAD: {\"label\": L, \"probability\": P, \"explanation\":\n"
    "      {\"against\": RUNNER_UP, \"margin\": M, \"intercept\": B, \"toward\": [{\"ngram\":\n"
    "      G, \"count\": N, \"contribution\": X}, ...], \"away\": [...], \"more_toward\": N,\n"
    "      \"rest_toward\": X, \"more_away\": N, \"rest_away\": X}}}}\n"
    "                         (more_* and rest_*: the n-grams not listed and their\n"
    "                         sum; against null for a head of one class)\n"
    "      --lines            one article per line\n"
    "  -f, --input-format F   read every FILE as a corpus of this format (tsv, jsonl,\n"
    "                         fasttext, dir, lines, text, libsvm, html, warc)\n"
    "  -t, --threads N        threads; 0 for every core (0)\n"
    "  -h, --help             this help\n"
    "--text-column, --ignore and --max-doc-bytes below are as for label.\n";

typedef struct explain_run {
    const slant_model *model;
    size_t k;
    int json;
    const int *shown; /* per head: 1 to print it */
    int first;        /* no article printed yet */
    uint32_t threads;
} explain_run;

static void print_side(const slant_model *m, const char *cls, const slant_contribution *l,
                       size_t n, size_t more, double rest)
{
    char name[1024];
    printf("    toward %s:%s\n", cls, n || more ? "" : " none");
    if (n)
        printf("      %12s  %7s  %s\n", "contribution", "count", "n-gram");
    for (size_t i = 0; i < n; i++) {
        slant_model_feature_name(m, l[i].feature, name, sizeof name);
        printf("      %+12.4f  %7u  %s\n", l[i].contribution, l[i].count, name);
    }
    if (more)
        printf("      %+12.4f  %7s  (%zu more n-gram%s)\n", rest, "", more, more == 1 ? "" : "s");
}

static void print_text(const explain_run *r, const char *id, const double *probs,
                       slant_explanation *const *why)
{
    const slant_model *m = r->model;
    if (!r->first)
        putchar('\n');
    printf("%s\n", id); /* names hold no control characters (see common/name.c) */
    for (size_t h = 0; h < slant_model_heads(m); h++) {
        if (!r->shown[h])
            continue;
        const slant_explanation *e = why[h];
        const char *label = slant_model_class_name(m, h, e->chosen);
        double p = probs[slant_model_class_offset(m, h) + e->chosen];
        if (e->runner_up == SIZE_MAX) {
            printf("  %s: %s (probability %.4f), the head's only class: nothing to explain\n",
                   slant_model_head_name(m, h), label, p);
            continue;
        }
        const char *rival = slant_model_class_name(m, h, e->runner_up);
        printf("  %s: %s (probability %.4f) against %s\n", slant_model_head_name(m, h), label, p,
               rival);
        double ngrams = e->margin - e->intercept;
        printf("    margin %+.4f = intercept %+.4f %s n-grams %+.4f\n", e->margin, e->intercept,
               ngrams < 0 ? "-" : "+", ngrams < 0 ? -ngrams : ngrams);
        print_side(m, label, e->toward, e->n_toward, e->more_toward, e->rest_toward);
        print_side(m, rival, e->away, e->n_away, e->more_away, e->rest_away);
    }
}

static int print_json(const explain_run *r, const char *id, const double *probs,
                      slant_explanation *const *why)
{
    const slant_model *m = r->model;
    char *buf = NULL;
    size_t cap = 0, len = 0;
    slant_error err = {{0}};
    slant_status st = slant_explain_json(m, id, probs, why, r->shown, &buf, &cap, &len, &err);
    if (st) {
        cli_fail(st, &err);
        free(buf);
        return -1;
    }
    int rc = fwrite(buf, 1, len, stdout) != len;
    free(buf);
    putchar('\n');
    return rc;
}

static int explain_batch(void *vr, const slant_corpus *batch)
{
    explain_run *r = vr;
    uint32_t threads = r->threads;
    enum { BATCH = 1024 };
    const slant_model *m = r->model;
    size_t n = slant_corpus_size(batch), tc = slant_model_total_classes(m),
           nh = slant_model_heads(m);
    double *probs = malloc(BATCH * tc * sizeof *probs);
    slant_explanation **why = malloc(BATCH * (nh ? nh : 1) * sizeof *why);
    int rc = EXIT_OK;
    if (!probs || !why) {
        cli_error("out of memory");
        rc = EXIT_FAILURE_;
    }
    for (size_t start = 0; start < n && rc == EXIT_OK; start += BATCH) {
        size_t cnt = n - start < BATCH ? n - start : BATCH;
        slant_error err = {{0}};
        slant_status st = slant_model_explain_corpus(m, batch, start, cnt, threads, r->k, probs,
                                                     NULL, why, &err);
        if (st) {
            rc = cli_fail(st, &err);
            break;
        }
        for (size_t d = 0; d < cnt; d++) {
            const char *id = slant_corpus_id(batch, start + d);
            if (rc == EXIT_OK) {
                if (r->json)
                    rc = print_json(r, id, probs + d * tc, why + d * nh) ? EXIT_FAILURE_ : EXIT_OK;
                else
                    print_text(r, id, probs + d * tc, why + d * nh);
                r->first = 0;
            }
            for (size_t h = 0; h < nh; h++)
                slant_explanation_free(why[d * nh + h]);
        }
        if (fflush(stdout) != 0 || ferror(stdout)) {
            cli_error("error writing the explanations: %s", strerror(errno));
            rc = EXIT_FAILURE_;
        }
    }
    free(probs);
    free(why);
    return rc;
}

int cmd_explain(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"model", required_argument, 0, 'm'},
        {"top", required_argument, 0, 'n'},
        {"label", required_argument, 0, 'l'},
        {"json", no_argument, 0, 'j'},
        {"lines", no_argument, 0, 'L'},
        {"input-format", required_argument, 0, 'f'},
        {"threads", required_argument, 0, 't'},
        {"help", no_argument, 0, 'h'},
        CLI_READ_LONGOPTS,
        {0, 0, 0, 0}};
    const char *model_path = NULL;
    int lines = 0, json = 0, c;
    size_t k = 10;
    slant_format fmt = SLANT_FORMAT_AUTO;
    uint32_t threads = 0;
    cli_labels heads = {{0}, 0};
    cli_read_opts ro;
    cli_read_opts_init(&ro);
    optind = 1;
    while ((c = getopt_long(argc, argv, ":m:n:l:f:t:h", longopts, NULL)) != -1) {
        int r = cli_read_option(c, optarg, &ro);
        if (r < 0)
            return EXIT_BAD;
        if (r > 0)
            continue;
        switch (c) {
        case 'm': model_path = optarg; break;
        case 'n':
            if (cli_parse_explain("top", optarg, &k))
                return EXIT_BAD;
            break;
        case 'l':
            if (cli_add_label(&heads, optarg))
                return EXIT_BAD;
            break;
        case 'j': json = 1; break;
        case 'L': lines = 1; break;
        case 'f': {
            int f = slant_format_parse(optarg);
            if (f < 0) {
                cli_error("--input-format: '%s' is not one of tsv, jsonl, fasttext, dir, lines, "
                          "text, libsvm, html, warc", optarg);
                return EXIT_BAD;
            }
            fmt = (slant_format)f;
            break;
        }
        case 't':
            if (cli_parse_u32("threads", optarg, 0, 1024, &threads))
                return EXIT_BAD;
            break;
        case 'h':
            fputs(explain_usage, stdout);
            fputs(cli_read_options_help, stdout);
            return EXIT_OK;
        default: return cli_getopt_error("explain", c, argv, longopts);
        }
    }
    if (!model_path)
        return cli_usage_error("explain", "give the model with -m MODEL");
    if (lines && fmt != SLANT_FORMAT_AUTO)
        return cli_usage_error("explain", "--lines and --input-format exclude each other");
    slant_model *model = NULL;
    int rc = cli_load_model(model_path, &model);
    if (rc)
        return rc;
    size_t nh = slant_model_heads(model);
    int *shown = calloc(nh ? nh : 1, sizeof *shown);
    if (!shown) {
        slant_model_free(model);
        cli_error("out of memory");
        return EXIT_FAILURE_;
    }
    for (size_t h = 0; h < nh; h++)
        shown[h] = heads.n == 0;
    for (size_t i = 0; i < heads.n && rc == EXIT_OK; i++) {
        size_t h = 0;
        while (h < nh && strcmp(slant_model_head_name(model, h), heads.names[i]))
            h++;
        if (h == nh) {
            cli_error("--label: %s has no head \"%s\"", model_path, heads.names[i]);
            rc = EXIT_BAD;
        } else
            shown[h] = 1;
    }
    if (rc == EXIT_OK)
        rc = cli_check_explainable(model);
    explain_run r = {.model = model, .k = k, .json = json, .shown = shown, .first = 1,
                     .threads = threads};
    char *stdin_only[] = {"-"};
    char **inputs = optind < argc ? argv + optind : stdin_only;
    int n_inputs = optind < argc ? argc - optind : 1;
    slant_read_options opt = ro.opt;
    opt.format = lines ? SLANT_FORMAT_LINES : fmt;
    opt.texts_only = 1;
    opt.text_fallback = 1;
    opt.ids_with_path = lines && n_inputs > 1;
    for (int i = 0; i < n_inputs && rc == EXIT_OK; i++)
        rc = cli_each_batch(inputs[i], &opt, explain_batch, &r);
    free(shown);
    slant_model_free(model);
    return rc;
}
