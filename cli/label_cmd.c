/*
 * label_cmd.c: slant label (articles to labels) and slant eval (labels
 * against gold).
 */
#include <errno.h>
#include <signal.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cli.h"

static const char label_usage[] =
    "Usage: slant label -m MODEL [OPTIONS] [FILE...]\n"
    "\n"
    "Labels articles with every head of MODEL.  Each FILE is one article, except a\n"
    ".tsv or .jsonl corpus (one article per row; its label columns are ignored), a\n"
    "LIBSVM file (.svm: one vector per line, for a model trained on vectors), a\n"
    "folder (each file in it one article, in name order) and, with --lines, any\n"
    "file (one article per line).  With no FILE, or '-', reads standard input as\n"
    "one article (or one per line with --lines).\n"
    "\n"
    "Output: TSV with a header row: id, then for each head its label and that\n"
    "label's probability; or with --json one JSON object per article:\n"
    "  {\"id\": ID, \"heads\": {HEAD: {\"label\": L, \"probability\": P,\n"
    "                            \"probabilities\": {CLASS: P, ...}}}}\n"
    "or with --format fasttext a line per article as fastText's predict-prob\n"
    "writes it: __label__CLASS P (one head named label), else __label__HEAD=CLASS P\n"
    "for each head.\n"
    "\n"
    "  -m, --model MODEL      the model file (required)\n"
    "      --lines            one article per line\n"
    "      --format F         output: tsv (default), json or fasttext\n"
    "      --json             the same as --format json\n"
    "  -f, --input-format F   read every FILE as a corpus of this format (tsv, jsonl,\n"
    "                         fasttext, lines, text, libsvm)\n"
    "  -t, --threads N        threads; 0 for every core (0)\n"
    "  -h, --help             this help\n";

enum { OUT_TSV, OUT_JSON, OUT_FASTTEXT };

typedef struct label_out {
    const slant_model *model;
    int format; /* an OUT_* */
} label_out;

/* A JSON string of an id (a file name, a corpus cell) that may not be
 * valid UTF-8: bytes that break it become '?'. */
static json_t *json_id(const char *id)
{
    json_t *s = json_string(id);
    if (s)
        return s;
    char *copy = strdup(id);
    if (!copy)
        return NULL;
    for (char *p = copy; *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    s = json_string(copy);
    free(copy);
    return s;
}

/* Writes an id for a TSV cell: tabs and line breaks become spaces. */
static void put_tsv_field(const char *s)
{
    for (; *s; s++)
        putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static void print_header(const slant_model *m)
{
    fputs("id", stdout);
    for (size_t h = 0; h < slant_model_heads(m); h++) {
        const char *name = slant_model_head_name(m, h);
        printf("\t%s\t%s_prob", name, name);
    }
    putchar('\n');
}

static int print_row(const label_out *o, const char *id, const double *probs, const size_t *best)
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
            if (plain)
                printf("%s__label__%s %.6f", h ? " " : "", cls, probs[off + best[h]]);
            else
                printf("%s__label__%s=%s %.6f", h ? " " : "", slant_model_head_name(m, h), cls,
                       probs[off + best[h]]);
        }
        putchar('\n');
        return 0;
    }
    if (o->format == OUT_TSV) {
        put_tsv_field(id);
        for (size_t h = 0; h < nh; h++) {
            size_t off = slant_model_class_offset(m, h);
            printf("\t%s\t%.4f", slant_model_class_name(m, h, best[h]), probs[off + best[h]]);
        }
        putchar('\n');
        return 0;
    }
    json_t *root = json_object(), *heads = json_object();
    json_object_set_new(root, "id", json_id(id));
    for (size_t h = 0; h < nh; h++) {
        size_t off = slant_model_class_offset(m, h);
        json_t *hd = json_object(), *all = json_object();
        json_object_set_new(hd, "label", json_string(slant_model_class_name(m, h, best[h])));
        json_object_set_new(hd, "probability", json_real(probs[off + best[h]]));
        for (size_t c = 0; c < slant_model_classes(m, h); c++)
            json_object_set_new(all, slant_model_class_name(m, h, c), json_real(probs[off + c]));
        json_object_set_new(hd, "probabilities", all);
        json_object_set_new(heads, slant_model_head_name(m, h), hd);
    }
    json_object_set_new(root, "heads", heads);
    int rc = json_dumpf(root, stdout, JSON_COMPACT | JSON_REAL_PRECISION(6) | JSON_ENSURE_ASCII);
    json_decref(root);
    putchar('\n');
    return rc;
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
    int rc = EXIT_OK;
    if (!probs || !best) {
        cli_error("out of memory");
        rc = EXIT_FAILURE_;
    }
    for (size_t start = 0; start < n && rc == EXIT_OK; start += BATCH) {
        size_t m = n - start < BATCH ? n - start : BATCH;
        slant_error err = {{0}};
        slant_status st =
            slant_model_predict_corpus(o->model, corpus, start, m, threads, probs, best, &err);
        if (st) {
            rc = cli_fail(st, &err);
            break;
        }
        for (size_t r = 0; r < m && rc == EXIT_OK; r++)
            if (print_row(o, slant_corpus_id(corpus, start + r), probs + r * tc, best + r * nh))
                rc = EXIT_FAILURE_;
        if (fflush(stdout) != 0 || ferror(stdout)) {
            cli_error("error writing the labels: %s", strerror(errno));
            rc = EXIT_FAILURE_;
        }
    }
    free(probs);
    free(best);
    return rc;
}

/* Labels PATH a batch at a time, so that a stream of any length is labeled
 * in the memory of one batch. */
static int label_stream(const label_out *o, const char *path, slant_format format,
                        uint32_t threads)
{
    enum { BATCH_DOCS = 4096 };
    const size_t batch_bytes = (size_t)64 << 20;
    slant_error err = {{0}};
    slant_reader *r = NULL;
    slant_status st = slant_reader_open(path, format, &r, &err);
    int rc = st ? cli_fail(st, &err) : EXIT_OK;
    while (rc == EXIT_OK) {
        slant_corpus *batch;
        if ((st = slant_reader_next(r, BATCH_DOCS, batch_bytes, &batch, &err))) {
            rc = cli_fail(st, &err);
            break;
        }
        if (!batch)
            break;
        rc = label_corpus(o, batch, threads);
        slant_corpus_free(batch);
    }
    slant_reader_free(r);
    return rc;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int not_hidden(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* Labels every regular file of folder PATH, one article each, in name
 * order; other entries (sub-folders, hidden files) are skipped. */
static int label_folder(const label_out *o, const char *path, uint32_t threads)
{
    struct dirent **names;
    int n = scandir(path, &names, not_hidden, alphasort);
    if (n < 0) {
        cli_error("%s: %s", path, strerror(errno));
        return EXIT_FAILURE_;
    }
    int rc = EXIT_OK;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(path) + strlen(names[i]->d_name) + 2;
        char *file = malloc(len);
        struct stat sb;
        if (!file) {
            cli_error("out of memory");
            rc = EXIT_FAILURE_;
        } else {
            snprintf(file, len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
                     names[i]->d_name);
            if (rc == EXIT_OK && stat(file, &sb) == 0 && S_ISREG(sb.st_mode)) {
                slant_corpus *corpus = NULL;
                rc = cli_read_corpus(file, SLANT_FORMAT_TEXT, NULL, &corpus);
                if (rc == EXIT_OK)
                    rc = label_corpus(o, corpus, threads);
                slant_corpus_free(corpus);
            }
        }
        free(file);
        free(names[i]);
    }
    free(names);
    return rc;
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
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *model_path = NULL;
    int lines = 0, out = OUT_TSV, c;
    slant_format fmt = SLANT_FORMAT_AUTO;
    uint32_t threads = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":m:f:t:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'm': model_path = optarg; break;
        case 'L': lines = 1; break;
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
        case 'f':
            if (cli_parse_format(optarg, &fmt))
                return EXIT_BAD;
            break;
        case 't':
            if (cli_parse_u32("threads", optarg, 0, 1024, &threads))
                return EXIT_BAD;
            break;
        case 'h': fputs(label_usage, stdout); return EXIT_OK;
        default: return cli_getopt_error("label", c, argv, longopts);
        }
    }
    if (!model_path)
        return cli_usage_error("label", "give the model with -m MODEL");
    /* A reader that goes away (a closed pipe) is a write error to report,
     * not a signal that ends slant without a word. */
    signal(SIGPIPE, SIG_IGN);
    if (lines && fmt != SLANT_FORMAT_AUTO)
        return cli_usage_error("label", "--lines and --input-format exclude each other");
    slant_error err = {{0}};
    slant_model *model = NULL;
    slant_status st = slant_model_load(model_path, &model, &err);
    if (st)
        return cli_fail(st, &err);
    label_out o = {.model = model, .format = out};
    if (out == OUT_TSV)
        print_header(model);
    char *stdin_only[] = {"-"};
    char **inputs = optind < argc ? argv + optind : stdin_only;
    int n_inputs = optind < argc ? argc - optind : 1;
    int rc = EXIT_OK;
    for (int i = 0; i < n_inputs && rc == EXIT_OK; i++) {
        const char *path = inputs[i];
        slant_format f = fmt;
        if (lines)
            f = SLANT_FORMAT_LINES;
        else if (f == SLANT_FORMAT_AUTO && is_dir(path)) {
            rc = label_folder(&o, path, threads);
            continue;
        } else if (f == SLANT_FORMAT_AUTO)
            f = has_suffix(path, ".tsv") || has_suffix(path, ".jsonl") || has_suffix(path, ".svm")
                        || has_suffix(path, ".libsvm") || has_suffix(path, ".svmlight")
                    ? SLANT_FORMAT_AUTO
                    : SLANT_FORMAT_TEXT;
        rc = label_stream(&o, path, f, threads);
    }
    slant_model_free(model);
    return rc;
}

static const char eval_usage[] =
    "Usage: slant eval -m MODEL CORPUS [OPTIONS]\n"
    "\n"
    "Labels a labeled CORPUS with MODEL and reports, for each head, accuracy,\n"
    "macro-F1, per-class precision, recall, F1 and support, and the confusion\n"
    "matrix.  The corpus needs a column for every head of the model; gold labels\n"
    "the model never saw count as errors and appear as classes of their own.\n"
    "\n"
    "  -m, --model MODEL      the model file (required)\n"
    "  -f, --format F         corpus format: tsv, jsonl, fasttext, dir, libsvm\n"
    "      --json             print one JSON object:\n"
    "    {\"documents\": N, \"heads\": {HEAD: {\"accuracy\": A, \"macro_f1\": F,\n"
    "      \"classes\": {CLASS: {\"precision\": P, \"recall\": R, \"f1\": F, \"support\": N}},\n"
    "      \"confusion\": {\"labels\": [...], \"matrix\": [[...]]}}}}\n"
    "  -t, --threads N        threads; 0 for every core (0)\n"
    "  -h, --help             this help\n";

int cmd_eval(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"model", required_argument, 0, 'm'},
        {"format", required_argument, 0, 'f'},
        {"json", no_argument, 0, 'j'},
        {"threads", required_argument, 0, 't'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *model_path = NULL;
    int json = 0, c;
    slant_format fmt = SLANT_FORMAT_AUTO;
    uint32_t threads = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":m:f:t:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'm': model_path = optarg; break;
        case 'j': json = 1; break;
        case 'f':
            if (cli_parse_format(optarg, &fmt))
                return EXIT_BAD;
            break;
        case 't':
            if (cli_parse_u32("threads", optarg, 0, 1024, &threads))
                return EXIT_BAD;
            break;
        case 'h': fputs(eval_usage, stdout); return EXIT_OK;
        default: return cli_getopt_error("eval", c, argv, longopts);
        }
    }
    if (!model_path)
        return cli_usage_error("eval", "give the model with -m MODEL");
    if (optind != argc - 1)
        return cli_usage_error("eval", "give exactly one CORPUS");
    slant_error err = {{0}};
    slant_model *model = NULL;
    slant_status st = slant_model_load(model_path, &model, &err);
    if (st)
        return cli_fail(st, &err);
    slant_corpus *corpus = NULL;
    int rc = cli_read_corpus(argv[optind], fmt, NULL, &corpus);
    slant_eval *ev = NULL;
    if (rc == EXIT_OK) {
        st = slant_eval_new(model, &ev, &err);
        if (!st)
            st = slant_eval_corpus(ev, model, corpus, NULL, slant_corpus_size(corpus), threads,
                                   &err);
        rc = st ? cli_fail(st, &err) : cli_print_eval(ev, json, 0);
    }
    slant_eval_free(ev);
    slant_corpus_free(corpus);
    slant_model_free(model);
    return rc;
}
