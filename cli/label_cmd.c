/*
 * label_cmd.c: slant label (articles to labels) and slant eval (labels
 * against gold).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

#define LABEL_STR_(x) #x
#define LABEL_STR(x) LABEL_STR_(x)

static const char label_usage[] =
    "Usage: slant label -m MODEL [OPTIONS] [FILE...]\n"
    "\n"
    "Labels articles with every head of MODEL.  Each FILE is one article, except a\n"
    "corpus, told by its name (upper or lower case): .tsv, .jsonl or .json, .ft or\n"
    ".fasttext (one article per row or line; only the text and the id are read,\n"
    "every other column is ignored), a LIBSVM file (.svm, .libsvm, .svmlight: one\n"
    "vector per line, for a model trained on vectors), a folder (each file in it\n"
    "one article, in name order, even one named like a corpus, with a warning;\n"
    "sub-folders are skipped with a warning, and a folder of folders alone, a\n"
    "labeled corpus, is refused) and, with --lines, any file (one article per\n"
    "line).  With no FILE, or '-', reads standard input: a corpus when its\n"
    "content is one (as train tells), else one article (or one per line with\n"
    "--lines); an empty standard input is an error.  An article's id is its\n"
    "file's name; a row's is its id column, else its row number; with --lines,\n"
    "its line number (FILE:LINE when there are several files).\n"
    "\n"
    "Output: TSV with a header row: id, then for each head its label and that\n"
    "label's probability; or with --json one JSON object per article:\n"
    "  {\"id\": ID, \"heads\": {HEAD: {\"label\": L, \"probability\": P,\n"
    "                            \"probabilities\": {CLASS: P, ...}}},\n"
    "   \"known\": {\"ngrams\": S, \"words\": S}, \"unfamiliar\": B}\n"
    "(known: the shares of its n-grams and of its words that the model knows from\n"
    "training, null where it cannot tell; unfamiliar: true below --min-known)\n"
    "or with --format fasttext a line per article as fastText's predict-prob\n"
    "writes it: __label__CLASS P (one head named label), else __label__HEAD=CLASS P\n"
    "for each head.\n"
    "\n"
    "With --explain K, each head's K n-grams that pushed hardest toward its label\n"
    "and K toward the runner-up, with their contributions to the margin between\n"
    "the two scores (see 'slant explain --help'): in TSV a column HEAD_why after\n"
    "HEAD_prob, in fastText after the head's tag and probability, as NGRAM:+X\n"
    "tokens (toward the label first, then toward the runner-up with X below 0;\n"
    "an n-gram's words joined by '_', its own '_' and '\\' escaped by '\\'), and\n"
    "in JSON an \"explanation\" object per head as explain --json writes it.\n"
    "\n"
    "  -m, --model MODEL      the model file (required)\n"
    "      --lines            one article per line\n"
    "      --format F         output: tsv (default), json or fasttext\n"
    "      --json             the same as --format json\n"
    "      --no-header        TSV without its header row, for input cut into\n"
    "                         pieces (GNU parallel --pipe): see STREAMS below\n"
    "  -f, --input-format F   read every FILE as a corpus of this format (tsv, jsonl,\n"
    "                         fasttext, dir, lines, text, libsvm, html, warc; dir: a\n"
    "                         labeled DIR/<label>/<file> corpus, its files labeled;\n"
    "                         html: a web page, its text; warc: a web archive, its\n"
    "                         HTML responses, ids their URIs)\n"
    "  -t, --threads N        threads; 0 for every core (0)\n"
    "      --explain K        K n-grams each way for each head (1 to 1000000, or all)\n"
    "      --abstain          leave a head unlabeled where its top probability is under\n"
    "                         the threshold stored for that class (train\n"
    "                         --target-precision): TSV label '?', JSON \"label\": null and\n"
    "                         \"abstained\": true, fastText no tag; probabilities still given\n"
    "      --abstain-below T  the same, where the top probability is under T\n"
    "      --min-known S      an article whose known n-gram share is below S is\n"
    "                         unfamiliar (" LABEL_STR(SLANT_MIN_KNOWN) ")\n"
    "      --summary          after the labels, print on standard error what\n"
    "                         'slant drift' prints: known shares, the label mix\n"
    "                         beside the training mix, and warnings of drift\n"
    "  -h, --help             this help\n"
    "--text-column and --ignore below are as for train (label reads only the text\n"
    "and the id); --max-doc-bytes refuses a longer article, after the labels of\n"
    "those before it.\n"
    "\n"
    "STREAMS.  As a filter (GNU parallel --pipe, Hadoop Streaming, Spark's\n"
    "rdd.pipe), 'slant label -m MODEL --json -' reads JSON lines (or --lines,\n"
    "one article a line) from standard input a batch at a time and writes one\n"
    "line per article, in input order, flushing after each batch, so output\n"
    "flows while input does.  Give each article its id in the JSON: with --lines\n"
    "an id is the line number within the piece.  On bad input it writes the\n"
    "articles before the bad line, names the line (counted within the piece) on\n"
    "standard error and exits with status 2.\n";

enum { OUT_TSV, OUT_JSON, OUT_FASTTEXT };

typedef struct label_out {
    const slant_model *model;
    int format;     /* an OUT_* */
    int header_due; /* TSV: the header row is still to come */
    size_t explain; /* --explain's K; 0 without */
    int abstain;    /* --abstain or --abstain-below: a head may be left unlabeled */
    double below;   /* --abstain-below's T; < 0: the stored thresholds */
    double min_known;     /* below it an article is unfamiliar */
    slant_drift *summary; /* --summary: every article recorded; else NULL */
    struct row_buf *buf;  /* JSON: the row, reused from row to row */
} label_out;

struct row_buf {
    char *p;
    size_t cap;
};

/* Whether head H is left unlabeled for a document of PROBS. */
static int abstains(const label_out *o, size_t h, const double *probs)
{
    return o->abstain && slant_model_abstains(o->model, h, probs, o->below);
}

static void print_header(const label_out *o)
{
    const slant_model *m = o->model;
    fputs("id", stdout);
    for (size_t h = 0; h < slant_model_heads(m); h++) {
        const char *name = slant_model_head_name(m, h);
        printf("\t%s\t%s_prob", name, name);
        if (o->explain)
            printf("\t%s_why", name);
    }
    putchar('\n');
}

/* WHY: the row's explanations, one per head, or NULL without --explain. */
static int print_row(const label_out *o, const char *id, const double *probs, const size_t *best,
                     slant_explanation *const *why, const double *known)
{
    const slant_model *m = o->model;
    size_t nh = slant_model_heads(m);
    if (o->format == OUT_FASTTEXT) {
        /* as fastText's predict-prob: a tag and its probability per head;
         * HEAD=CLASS tags unless the model's one head is "label" */
        int plain = nh == 1 && strcmp(slant_model_head_name(m, 0), "label") == 0;
        for (size_t h = 0; h < nh; h++) {
            size_t off = slant_model_class_offset(m, h);
            const char *cls = slant_model_class_name(m, h, best[h]);
            if (abstains(o, h, probs)) /* no tag: fastText's way of saying no label */
                continue;
            if (plain)
                printf("%s__label__%s %.6f", h ? " " : "", cls, probs[off + best[h]]);
            else
                printf("%s__label__%s=%s %.6f", h ? " " : "", slant_model_head_name(m, h), cls,
                       probs[off + best[h]]);
            if (why && (why[h]->n_toward || why[h]->n_away)) {
                putchar(' ');
                cli_print_why_tokens(stdout, m, why[h]);
            }
        }
        putchar('\n');
        return 0;
    }
    if (o->format == OUT_TSV) {
        fputs(id, stdout); /* names hold no tab or line break (see common/name.c) */
        for (size_t h = 0; h < nh; h++) {
            size_t off = slant_model_class_offset(m, h);
            printf("\t%s\t%.4f", abstains(o, h, probs) ? "?" : slant_model_class_name(m, h, best[h]),
                   probs[off + best[h]]);
            if (why) {
                putchar('\t');
                cli_print_why_tokens(stdout, m, why[h]);
            }
        }
        putchar('\n');
        return 0;
    }
    slant_label_json_options jo = {.abstain = o->abstain, .below = o->below,
                                   .min_known = o->min_known};
    struct row_buf *b = o->buf;
    size_t len = 0;
    slant_error err = {{0}};
    slant_status st = slant_label_json(m, id, probs, best, why, known, &jo, &b->p, &b->cap, &len,
                                       &err);
    if (st) {
        cli_fail(st, &err);
        return -1;
    }
    fwrite(b->p, 1, len, stdout);
    putchar('\n');
    return 0;
}

/* Labels every document of CORPUS and prints them in order, a batch at a
 * time, flushing after each batch. */
static int label_corpus(const label_out *o, const slant_corpus *corpus, uint32_t threads)
{
    enum { BATCH = 4096 };
    size_t n = slant_corpus_size(corpus);
    size_t tc = slant_model_total_classes(o->model), nh = slant_model_heads(o->model);
    double *probs = malloc(BATCH * tc * sizeof *probs);
    size_t *best = malloc(BATCH * nh * sizeof *best);
    slant_explanation **why = o->explain ? malloc(BATCH * (nh ? nh : 1) * sizeof *why) : NULL;
    /* the known shares cost a little: only where they are shown */
    int want_known = o->format == OUT_JSON || o->summary;
    double *known = want_known ? malloc(BATCH * 2 * sizeof *known) : NULL;
    int rc = EXIT_OK;
    if (!probs || !best || (o->explain && !why) || (want_known && !known)) {
        cli_error("out of memory");
        rc = EXIT_FAILURE_;
    }
    for (size_t start = 0; start < n && rc == EXIT_OK; start += BATCH) {
        size_t m = n - start < BATCH ? n - start : BATCH;
        slant_error err = {{0}};
        slant_status st =
            why ? slant_model_explain_corpus(o->model, corpus, start, m, threads, o->explain, probs,
                                             best, why, &err)
                : slant_model_predict_corpus_known(o->model, corpus, start, m, threads, probs,
                                                   best, known, &err);
        /* explaining gives no shares: a labeling pass more for them, whose
         * probabilities are the very same */
        if (!st && why && known)
            st = slant_model_predict_corpus_known(o->model, corpus, start, m, threads, probs, best,
                                                  known, &err);
        for (size_t r = 0; r < m && !st && o->summary; r++)
            st = slant_drift_add(o->summary, best + r * nh, known[2 * r], known[2 * r + 1], &err);
        if (st) {
            rc = cli_fail(st, &err);
            break;
        }
        for (size_t r = 0; r < m && rc == EXIT_OK; r++)
            if (print_row(o, slant_corpus_id(corpus, start + r), probs + r * tc, best + r * nh,
                          why ? why + r * nh : NULL, known ? known + 2 * r : NULL))
                rc = EXIT_FAILURE_;
        for (size_t i = 0; why && i < m * nh; i++)
            slant_explanation_free(why[i]);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            cli_error("error writing the labels: %s", strerror(errno));
            rc = EXIT_FAILURE_;
        }
    }
    free(probs);
    free(best);
    free(why);
    free(known);
    return rc;
}

/* Labels PATH a batch at a time, so that a stream of any length is labeled
 * in the memory of one batch.  The TSV header comes with the first batch
 * (or at the end, when no input had a document), so that an input refused
 * before any row leaves standard output empty. */
typedef struct label_stream_ctx {
    label_out *o;
    uint32_t threads;
} label_stream_ctx;

static int label_batch(void *vctx, const slant_corpus *batch)
{
    label_stream_ctx *ctx = vctx;
    if (ctx->o->header_due) {
        print_header(ctx->o);
        ctx->o->header_due = 0;
    }
    return label_corpus(ctx->o, batch, ctx->threads);
}

static int label_stream(label_out *o, const char *path, const slant_read_options *opt,
                        uint32_t threads)
{
    label_stream_ctx ctx = {o, threads};
    return cli_each_batch(path, opt, label_batch, &ctx);
}

/* The TSV header names a column "id", then HEAD and HEAD_prob for each
 * head: a model whose heads would name one column twice (trained before
 * slant_train refused such heads) is refused before any output; --format
 * json serves it. */
static int check_tsv_columns(const slant_model *m, int explain)
{
    size_t nh = slant_model_heads(m);
    const char **names = malloc((nh ? nh : 1) * sizeof *names);
    if (!names) {
        cli_error("out of memory");
        return EXIT_FAILURE_;
    }
    for (size_t h = 0; h < nh; h++)
        names[h] = slant_model_head_name(m, h);
    char why[512];
    int clash = (explain ? slant_explain_columns_clash(names, nh, why, sizeof why)
                         : slant_heads_clash(names, nh, why, sizeof why)) != NULL;
    free(names);
    if (clash)
        cli_error("%s; or label with --format json", why);
    return clash ? EXIT_BAD : EXIT_OK;
}

/* fastText tags are split at blanks, and a keyed tag at its first '=':
 * a model whose names would not read back is refused before any output. */
static int check_fasttext_names(const slant_model *m)
{
    size_t nh = slant_model_heads(m);
    int plain = nh == 1 && strcmp(slant_model_head_name(m, 0), "label") == 0;
    for (size_t h = 0; h < nh; h++) {
        const char *head = slant_model_head_name(m, h);
        if (!plain && head[strcspn(head, " =")]) {
            cli_error("--format fasttext: head \"%s\" holds a blank or '=', which a "
                      "__label__HEAD=CLASS tag cannot; use --format tsv or json", head);
            return EXIT_BAD;
        }
        for (size_t c = 0; c < slant_model_classes(m, h); c++) {
            const char *cls = slant_model_class_name(m, h, c);
            if (cls[strcspn(cls, " ")]) {
                cli_error("--format fasttext: class \"%s\" of head \"%s\" holds a blank, "
                          "which a __label__ tag cannot; use --format tsv or json", cls, head);
                return EXIT_BAD;
            }
        }
    }
    return EXIT_OK;
}

int cmd_label(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"model", required_argument, 0, 'm'},
        {"lines", no_argument, 0, 'L'},
        {"input-format", required_argument, 0, 'f'},
        {"json", no_argument, 0, 'j'},
        {"format", required_argument, 0, 'O'},
        {"threads", required_argument, 0, 't'},
        {"explain", required_argument, 0, 'E'},
        {"abstain", no_argument, 0, 1411},
        {"abstain-below", required_argument, 0, 1412},
        {"min-known", required_argument, 0, 1401},
        {"summary", no_argument, 0, 1402},
        {"no-header", no_argument, 0, 1403},
        {"help", no_argument, 0, 'h'},
        CLI_READ_LONGOPTS,
        {0, 0, 0, 0}};
    const char *model_path = NULL;
    int lines = 0, out = OUT_TSV, c, abstain = 0, summary = 0, header = 1;
    slant_drift_options dopt;
    slant_drift_options_init(&dopt);
    size_t explain = 0;
    double below = -1;
    slant_format fmt = SLANT_FORMAT_AUTO;
    uint32_t threads = 0;
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
        case 1403: header = 0; break;
        case 1411: abstain = 1; break;
        case 1412:
            if (cli_parse_abstain_below(optarg, &below))
                return EXIT_BAD;
            abstain = 1;
            break;
        case 'j': out = OUT_JSON; break;
        case 'O':
            if (!strcmp(optarg, "tsv"))
                out = OUT_TSV;
            else if (!strcmp(optarg, "json"))
                out = OUT_JSON;
            else if (!strcmp(optarg, "fasttext"))
                out = OUT_FASTTEXT;
            else
                return cli_usage_error("label", "--format is tsv, json or fasttext (the input's is "
                                                "--input-format)");
            break;
        case 'f': {
            int f = slant_format_parse(optarg);
            if (f < 0) {
                cli_error("--input-format: '%s' is not one of tsv, jsonl, fasttext, dir, lines, "
                          "text, libsvm, html, warc (the output's is --format)", optarg);
                return EXIT_BAD;
            }
            fmt = (slant_format)f;
            break;
        }
        case 't':
            if (cli_parse_u32("threads", optarg, 0, 1024, &threads))
                return EXIT_BAD;
            break;
        case 'E':
            if (cli_parse_explain("explain", optarg, &explain))
                return EXIT_BAD;
            break;
        case 1401:
            if (cli_parse_share("min-known", optarg, &dopt.min_known))
                return EXIT_BAD;
            break;
        case 1402: summary = 1; break;
        case 'h':
            fputs(label_usage, stdout);
            fputs(cli_read_options_help, stdout);
            return EXIT_OK;
        default: return cli_getopt_error("label", c, argv, longopts);
        }
    }
    if (!model_path)
        return cli_usage_error("label", "give the model with -m MODEL");
    if (lines && fmt != SLANT_FORMAT_AUTO)
        return cli_usage_error("label", "--lines and --input-format exclude each other");
    slant_model *model = NULL;
    int rc = cli_load_model(model_path, &model);
    if (rc)
        return rc;
    if ((out == OUT_FASTTEXT && check_fasttext_names(model))
        || (out == OUT_TSV && check_tsv_columns(model, explain != 0))
        || (explain && cli_check_explainable(model))
        || cli_abstain_check(model, model_path, abstain, below)) {
        slant_model_free(model);
        return EXIT_BAD;
    }
    struct row_buf buf = {NULL, 0};
    label_out o = {.model = model, .format = out, .header_due = out == OUT_TSV && header,
                   .explain = explain, .abstain = abstain, .below = below,
                   .min_known = dopt.min_known, .buf = &buf};
    slant_error derr = {{0}};
    slant_status dst = summary ? slant_drift_new(model, &dopt, &o.summary, &derr) : SLANT_STATUS_OK;
    if (dst) {
        slant_model_free(model);
        return cli_fail(dst, &derr);
    }
    char *stdin_only[] = {"-"};
    char **inputs = optind < argc ? argv + optind : stdin_only;
    int n_inputs = optind < argc ? argc - optind : 1;
    /* Only the text and the id of a corpus; a name that says no format is
     * one article, and so is standard input that is no corpus.  Line
     * numbers repeat across files: with several, ids are FILE:LINE. */
    slant_read_options opt = ro.opt;
    opt.format = lines ? SLANT_FORMAT_LINES : fmt;
    opt.texts_only = 1;
    opt.text_fallback = 1;
    opt.ids_with_path = lines && n_inputs > 1;
    for (int i = 0; i < n_inputs && rc == EXIT_OK; i++)
        rc = label_stream(&o, inputs[i], &opt, threads);
    if (rc == EXIT_OK && o.header_due)
        print_header(&o);
    if (rc == EXIT_OK && o.summary)
        rc = cli_print_drift(stderr, model, o.summary, &dopt, 0);
    slant_drift_free(o.summary);
    free(buf.p);
    slant_model_free(model);
    return rc;
}

static const char eval_usage[] =
    "Usage: slant eval -m MODEL CORPUS [OPTIONS]\n"
    "\n"
    "Labels a labeled CORPUS ('-' for standard input) with MODEL and reports, for\n"
    "each head, accuracy, macro-F1, per-class precision, recall, F1 and support,\n"
    "and the confusion matrix; with probabilities: log loss, Brier score, expected\n"
    "calibration error and the reliability table, and the risk-coverage table\n"
    "(accuracy on the 100, 90, ..., 50 % most confident documents; with stored\n"
    "thresholds, coverage and accuracy on the covered part).  The corpus needs a\n"
    "label column for every head scored; gold labels the model never saw count as\n"
    "errors and appear as classes of their own; a document without a gold label for\n"
    "a head is not scored for it.  TSV, JSON lines and LIBSVM corpora are read a\n"
    "batch at a time, so memory grows with the corpus by 16 bytes a document and\n"
    "head only (the confidences the risk-coverage table sorts).  A corpus that is\n"
    "the model's own training corpus (by the hash the model records) gets a\n"
    "warning: those figures measure the fit, not labeling of new articles.\n"
    "\n"
    "  -m, --model MODEL      the model file (required)\n"
    "  -l, --label NAME       score this head only; repeatable (default: every head)\n"
    "  -f, --format F         corpus format: tsv, jsonl, fasttext, dir, libsvm, html,\n"
    "      --input-format F   warc (default: from the name, then the content)\n"
    "      --json             print one JSON object:\n"
    "    {\"documents\": N, \"heads\": {HEAD: {\"labeled\": N, \"accuracy\": A,\n"
    "      \"macro_f1\": F, \"classes\": {CLASS: {\"precision\": P, \"recall\": R,\n"
    "      \"f1\": F, \"support\": N}}, \"confusion\": {\"labels\": [...],\n"
    "      \"matrix\": [[...]]}}}}  (accuracy and macro_f1 null for a head with no\n"
    "      gold labels); each head also has \"calibration\": {\"log_loss\", \"brier\",\n"
    "      \"ece\", \"bins\": [{\"lo\", \"hi\", \"count\", \"confidence\", \"accuracy\"}]}\n"
    "      (15 equal-width bins of the top probability) and \"coverage\":\n"
    "      {\"covered\", \"accuracy\" (the share the model's stored thresholds label and\n"
    "      the accuracy on it; null without thresholds), \"curve\": [{\"coverage\",\n"
    "      \"accuracy\"}] at 100, 90, ..., 50 % of the documents, most confident first}\n"
    "  -t, --threads N        threads; 0 for every core (0)\n"
    "  -h, --help             this help\n";

/* Records PATH in EV a batch at a time (TSV, JSON lines, LIBSVM), or whole
 * (fastText, whose heads depend on every line; folders). */
static int eval_stream(slant_eval *ev, const slant_model *model, const char *path,
                       const slant_read_options *opt, uint32_t threads)
{
    slant_error err = {{0}};
    slant_reader *r = NULL;
    slant_status st = slant_reader_open_with(path, opt, &r, &err);
    if (!st && slant_reader_format(r) == SLANT_FORMAT_FASTTEXT) {
        slant_corpus *whole = NULL;
        if (!(st = slant_reader_rest(r, &whole, &err)) && whole)
            st = slant_eval_corpus(ev, model, whole, NULL, 0, threads, &err);
        slant_corpus_free(whole);
        slant_reader_free(r);
        return st ? cli_fail(st, &err) : EXIT_OK;
    }
    while (!st) {
        slant_corpus *batch = NULL;
        if ((st = slant_reader_next(r, CLI_BATCH_DOCS, CLI_BATCH_BYTES, &batch, &err)) || !batch)
            break;
        st = slant_eval_corpus(ev, model, batch, NULL, 0, threads, &err);
        slant_corpus_free(batch);
    }
    slant_reader_free(r);
    return st ? cli_fail(st, &err) : EXIT_OK;
}

int cmd_eval(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"model", required_argument, 0, 'm'},
        {"format", required_argument, 0, 'f'},
        {"input-format", required_argument, 0, 'f'},
        {"label", required_argument, 0, 'l'},
        {"json", no_argument, 0, 'j'},
        {"threads", required_argument, 0, 't'},
        {"help", no_argument, 0, 'h'},
        CLI_READ_LONGOPTS,
        {0, 0, 0, 0}};
    const char *model_path = NULL;
    int json = 0, c;
    slant_format fmt = SLANT_FORMAT_AUTO;
    cli_labels labels = {0};
    uint32_t threads = 0;
    cli_read_opts ro;
    cli_read_opts_init(&ro);
    optind = 1;
    while ((c = getopt_long(argc, argv, ":m:f:l:t:h", longopts, NULL)) != -1) {
        int r = cli_read_option(c, optarg, &ro);
        if (r < 0)
            return EXIT_BAD;
        if (r > 0)
            continue;
        switch (c) {
        case 'm': model_path = optarg; break;
        case 'j': json = 1; break;
        case 'f':
            if (cli_parse_format(optarg, &fmt))
                return EXIT_BAD;
            break;
        case 'l':
            if (cli_add_label(&labels, optarg))
                return EXIT_BAD;
            break;
        case 't':
            if (cli_parse_u32("threads", optarg, 0, 1024, &threads))
                return EXIT_BAD;
            break;
        case 'h':
            fputs(eval_usage, stdout);
            fputs(cli_read_options_help, stdout);
            return EXIT_OK;
        default: return cli_getopt_error("eval", c, argv, longopts);
        }
    }
    if (!model_path)
        return cli_usage_error("eval", "give the model with -m MODEL");
    if (optind != argc - 1)
        return cli_usage_error("eval", "give exactly one CORPUS");
    const char *path = argv[optind];
    slant_error err = {{0}};
    slant_model *model = NULL;
    int rc = cli_load_model(model_path, &model);
    if (rc)
        return rc;
    slant_eval *ev = NULL;
    slant_status st =
        slant_eval_new_heads(model, labels.n ? labels.names : NULL, labels.n, &ev, &err);
    ro.opt.format = fmt;
    rc = st ? cli_fail(st, &err) : eval_stream(ev, model, path, &ro.opt, threads);
    if (rc == EXIT_OK) {
        if (slant_eval_on_training_corpus(ev))
            cli_error("warning: %s is the corpus %s was trained on (the same %zu documents): "
                      "these figures measure how it fits its training data, not how it labels "
                      "new articles; use a held-out corpus or 'slant cv'",
                      strcmp(path, "-") ? path : "standard input", model_path,
                      slant_eval_documents(ev));
        rc = cli_print_eval(ev, json, NULL);
    }
    slant_eval_free(ev);
    slant_model_free(model);
    return rc;
}
