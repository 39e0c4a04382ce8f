/*
 * common.c: option parsing, error reporting and evaluation reports shared
 * by the subcommands.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

const char *cli_prog = "slant";
const char *cli_command;

void cli_error(const char *fmt, ...)
{
    va_list ap;
    cli_stderr_begin();
    fprintf(stderr, "%s: ", cli_prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    cli_stderr_end();
}

/* Whether LINE was warned of before in this run: cv trains one model per
 * fold, and a solver's or a vocabulary's warning would come once a fold. */
static int warned_before(const char *line)
{
    static uint64_t seen[256];
    static size_t n_seen;
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)line; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    for (size_t i = 0; i < n_seen; i++)
        if (seen[i] == h)
            return 1;
    if (n_seen < sizeof seen / sizeof seen[0])
        seen[n_seen++] = h;
    return 0;
}

static void log_line(const char *line, void *user)
{
    int warning = strncmp(line, "warning: ", 9) == 0;
    if (warning ? !cli_quiet() && !warned_before(line) : *(const int *)user) {
        cli_stderr_begin();
        fprintf(stderr, "%s: %s\n", cli_prog, line);
        cli_stderr_end();
    }
}

void cli_set_log(int verbose)
{
    static int show_progress;
    show_progress = verbose;
    slant_set_log(log_line, &show_progress);
    cli_progress_install();
}

int cli_exit_code(slant_status st)
{
    switch (st) {
    case SLANT_STATUS_OK: return EXIT_OK;
    case SLANT_STATUS_BAD_INPUT:
    case SLANT_STATUS_BAD_MODEL:
    case SLANT_STATUS_BAD_OPTION: return EXIT_BAD;
    default: return EXIT_FAILURE_;
    }
}

int cli_each_batch(const char *path, const slant_read_options *opt,
                   int (*fn)(void *ctx, const slant_corpus *batch), void *ctx)
{
    slant_error err = {{0}};
    slant_reader *r = NULL;
    slant_status st = slant_reader_open_with(path, opt, &r, &err);
    int rc = st ? cli_fail(st, &err) : EXIT_OK;
    /* Progress: documents, and bytes of the size of a regular file. */
    const char *stage = cli_command ? cli_command : "read";
    struct stat sb;
    int fd_stat = !path || strcmp(path, "-") == 0 ? fstat(0, &sb) : stat(path, &sb);
    uint64_t size = fd_stat == 0 && S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0, docs = 0;
    int to_tty = isatty(STDOUT_FILENO);
    int typed = (!path || strcmp(path, "-") == 0) && isatty(STDIN_FILENO); /* no line under it */
    if (rc == EXIT_OK && !typed)
        cli_progress_update(stage, "documents", 0, 0, 0, size, 0);
    while (rc == EXIT_OK) {
        slant_corpus *batch;
        if ((st = slant_reader_next(r, CLI_BATCH_DOCS, CLI_BATCH_BYTES, &batch, &err))) {
            rc = cli_fail(st, &err);
            break;
        }
        if (!batch) {
            uint64_t at = slant_reader_bytes(r);
            if (!typed)
                cli_progress_update(stage, "documents", docs, 0, at, at ? size : 0, 1);
            break;
        }
        docs += slant_corpus_size(batch);
        uint64_t at = slant_reader_bytes(r); /* 0: a format read whole, no position */
        if (!typed)
            cli_progress_update(stage, "documents", docs, 0, at, at ? size : 0, 0);
        if (to_tty) /* the batch's lines go to the terminal the line is on */
            cli_progress_hide();
        rc = fn(ctx, batch);
        slant_corpus_free(batch);
    }
    slant_reader_free(r);
    return rc;
}

int cli_fail(slant_status st, const slant_error *err)
{
    cli_error("%s", err->message[0] ? err->message : slant_status_str(st));
    return cli_exit_code(st);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s %s: ", cli_prog, cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s %s --help'.\n", cli_prog, cmd);
    return EXIT_BAD;
}

int cli_parse_u64(const char *opt, const char *s, uint64_t *out)
{
    char *end;
    /* Digits only: strtoull would take leading blanks and a sign, and
     * read ' -5' as 2^64 - 5. */
    if (!isdigit((unsigned char)*s)) {
        cli_error("--%s: '%s' is not a non-negative whole number", opt, s);
        return -1;
    }
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end) {
        cli_error("--%s: '%s' is not a non-negative whole number%s", opt, s,
                  errno == ERANGE ? " in range" : "");
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_u32(const char *opt, const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
    uint64_t v;
    if (cli_parse_u64(opt, s, &v))
        return -1;
    if (v < min || v > max) {
        cli_error("--%s: %s is out of range (%" PRIu32 " to %" PRIu32 ")", opt, s, min, max);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

int cli_parse_double(const char *opt, const char *s, double *out)
{
    /* A decimal number and nothing else: strtod would also take leading
     * blanks, hexadecimal, "inf" and "nan". */
    int ok = *s != '\0';
    for (const char *p = s; *p && ok; p++)
        ok = isdigit((unsigned char)*p) || strchr("+-.eE", *p);
    char *end = NULL;
    errno = 0;
    double v = ok ? strtod(s, &end) : 0;
    if (!ok || errno || *end || !isfinite(v)) {
        cli_error("--%s: '%s' is not a number", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_range(const char *opt, const char *s, uint32_t *lo, uint32_t *hi)
{
    char buf[64];
    if (strlen(s) >= sizeof buf) {
        cli_error("--%s: '%s' is not a range like 1-2", opt, s);
        return -1;
    }
    strcpy(buf, s);
    char *dash = strchr(buf, '-');
    if (dash)
        *dash = '\0';
    if (cli_parse_u32(opt, buf, 0, 8, lo))
        return -1;
    if (dash) {
        if (cli_parse_u32(opt, dash + 1, 0, 8, hi))
            return -1;
    } else {
        *hi = *lo;
    }
    if ((*lo == 0) != (*hi == 0) || *lo > *hi) {
        cli_error("--%s: '%s': give MIN-MAX with 1 <= MIN <= MAX <= 8, or 0 for none", opt, s);
        return -1;
    }
    return 0;
}

#define CLI_STR_(x) #x
#define CLI_STR(x) CLI_STR_(x)

const char cli_train_options_help[] =
    "Presets (the options given override the preset's, wherever they stand):\n"
    "      --preset nbsvm     --model nbsvm --weighting binary --min-count 1\n"
    "                         --class-weight none: for sentiment, subjectivity, spam\n"
    "      --preset headlines --case keep --class-weight balanced: for short news\n"
    "                         texts whose classes differ in size\n"
    "Model:\n"
    "  -M, --model KIND       lr (logistic regression, default), nb (multinomial naive\n"
    "                         Bayes), cnb (complement naive Bayes), nbsvm (an SVM on\n"
    "                         naive-Bayes-scaled features, Wang and Manning 2012) or\n"
    "                         svm (libsvm's C-SVC with its Platt probabilities)\n"
    "      --kernel K         svm: linear (folded into one weight vector per class;\n"
    "                         default) or rbf (the support vectors kept)\n"
    "      --gamma G          svm rbf: exp(-G |u-v|^2), or scale: 1 / (features x\n"
    "                         variance of the values) (scale)\n"
    "      --force            svm: train past " CLI_STR(SLANT_SVM_MAX_DOCS) " documents, where libsvm\n"
    "                         gets slow\n"
    "      --solver S         lr: dual (coordinate descent on the dual, each class\n"
    "                         against the rest; default) or lbfgs (softmax, L-BFGS)\n"
    "      --c C              lr, nbsvm, svm: inverse L2 strength; minimizes\n"
    "                         0.5|W|^2 + C*loss (lr 10, nbsvm 0.1, svm 1)\n"
    "      --iterations N     lr, nbsvm: passes (dual, 1000) or iterations (lbfgs,\n"
    "                         200) at most\n"
    "      --tol T            lr, nbsvm: stop when the solver's measure of optimality\n"
    "                         shrank by this factor (dual 0.01, lbfgs 1e-4); svm:\n"
    "                         libsvm's stopping tolerance (0.001)\n"
    "      --alpha A          nb, cnb: additive smoothing (0.1); nbsvm: of its ratios,\n"
    "                         or auto: chosen from 0.5 and 1 by 5-fold CV (auto)\n"
    "      --beta B           nbsvm: interpolation from naive Bayes (0) to the SVM\n"
    "                         (1), or auto: chosen from 0..1 by 5-fold CV (auto)\n"
    "      --class-weight W   balanced (default): weigh classes inversely to their\n"
    "                         size; none: every document alike\n"
    "      --nb-scale on|off  lr: scale each n-gram by its naive-Bayes log-count ratio\n"
    "                         before fitting, as NBSVM does (off)\n"
    "Features:\n"
    "      --word-ngrams A-B  word n-grams of lengths A..B, 0 for none (1-2)\n"
    "      --char-ngrams A-B  character n-grams within words, 0 for none (0)\n"
    "      --hash-bits B      hash n-grams into 2^B buckets (B <= 24) instead of a\n"
    "                         vocabulary; 0: the vocabulary (0)\n"
    "      --min-count N      vocabulary: keep n-grams seen N times or more (2)\n"
    "      --weighting W      an n-gram's value: tfidf (sublinear tf-idf, rows\n"
    "                         L2-normalized; default), counts or binary (present: 1)\n"
    "      --tfidf on|off     the same as --weighting tfidf or counts\n"
    "      --punct on|off     punctuation marks and symbols are tokens too (on)\n"
    "      --case fold|keep   fold tokens to lower case, or keep their case (fold)\n"
    "      --no-tfidf         the same as --tfidf off: raw counts\n"
    "An option that means nothing for the model (--c with nb, --alpha with lr) is\n"
    "refused.\n"
    "Running:\n"
    "  -t, --threads N        threads; 0 for every core (0)\n"
    "      --seed N           seed of every random choice (1)\n"
    "  -l, --label NAME       learn this label column; repeatable (default: every\n"
    "                         column but id, the text and the --ignore ones)\n"
    "  -f, --format F         corpus format: tsv, jsonl, fasttext, dir, libsvm, html,\n"
    "                         warc (default: from the name, then the content)\n"
;

int cli_train_presets(int argc, char **argv, const char *shortopts,
                      const struct option *longopts, slant_options *o)
{
    /* On a copy: getopt_long moves the operands behind the options as it
     * goes, which after an option missing its value would hand that
     * option an operand in the second pass. */
    char **copy = calloc((size_t)argc + 1, sizeof *copy);
    if (!copy) {
        cli_error("out of memory");
        return -1;
    }
    memcpy(copy, argv, (size_t)argc * sizeof *copy);
    int c, given = 0, rc = 0;
    optind = 0;
    while (!rc && (c = getopt_long(argc, copy, shortopts, longopts, NULL)) != -1) {
        if (c != 1019)
            continue; /* the other options, and their errors, are the second pass's */
        int p = slant_preset_parse(optarg);
        if (p < 0) {
            cli_error("--preset: '%s' is not one of nbsvm, headlines", optarg);
            rc = -1;
        } else if (given++) {
            cli_error("--preset: give one preset (and any option it sets on its own)");
            rc = -1;
        } else {
            slant_options_preset(o, (slant_preset)p);
        }
    }
    free(copy);
    optind = 0; /* the second pass starts afresh */
    return rc;
}

/* The long option of LONGOPTS whose value is VAL, or NULL. */
static const struct option *long_option(const struct option *longopts, int val)
{
    for (const struct option *lo = longopts; lo && lo->name; lo++)
        if (lo->val == val)
            return lo;
    return NULL;
}

void cli_note_given(cli_given *g, int opt)
{
    for (size_t i = 0; i < g->n; i++)
        if (g->opts[i] == opt)
            return;
    if (g->n < sizeof g->opts / sizeof g->opts[0])
        g->opts[g->n++] = opt;
}

int cli_check_train(const slant_options *o, const cli_given *g, const struct option *longopts)
{
    slant_error err = {{0}};
    slant_status st = slant_options_check(o, &err);
    for (size_t i = 0; !st && g && i < g->n; i++) {
        const struct option *lo = long_option(longopts, g->opts[i]);
        if (lo)
            st = slant_options_check_option(o, lo->name, &err);
    }
    return st ? cli_fail(st, &err) : EXIT_OK;
}

int cli_getopt_error(const char *cmd, int c, char *const *argv, const struct option *longopts)
{
    /* getopt_long has moved past a long option it complains of (and past
     * a short one that ended its word): the word names it. */
    const char *word = optind > 0 ? argv[optind - 1] : "";
    size_t n = strncmp(word, "--", 2) == 0 ? strcspn(word + 2, "=") : 0;
    /* The long option the word names (several may share a value, as
     * --format and --input-format do), else the first with that value. */
    const struct option *lo = NULL;
    for (const struct option *p = longopts; n && optopt && p && p->name; p++)
        if (p->val == optopt && strncmp(p->name, word + 2, n) == 0 && (!lo || !p->name[n]))
            lo = p;
    if (!lo && optopt)
        lo = long_option(longopts, optopt);
    int named = n && lo && strncmp(lo->name, word + 2, n) == 0;
    if (c == ':') {
        if (named || (lo && !(optopt > 0 && optopt < 256)))
            return cli_usage_error(cmd, "--%s needs a value", lo->name);
        return cli_usage_error(cmd, "-%c needs a value", optopt);
    }
    if (named)
        return cli_usage_error(cmd, "--%s takes no value", lo->name);
    if (optopt > 0 && optopt < 256)
        return cli_usage_error(cmd, "unknown option '-%c'", optopt);
    /* A long option not in the table, or the start of several names. */
    char which[256] = "";
    int matches = 0;
    for (const struct option *p = longopts; n && p && p->name; p++) {
        size_t used = strlen(which);
        if (strncmp(p->name, word + 2, n) == 0 && used + strlen(p->name) + 5 < sizeof which)
            snprintf(which + used, sizeof which - used, "%s--%s", matches++ ? ", " : "",
                     p->name);
    }
    if (matches > 1)
        return cli_usage_error(cmd, "option '%.*s' is ambiguous: %s", (int)(n + 2), word, which);
    return cli_usage_error(cmd, "unknown option '%.*s'", n ? (int)(n + 2) : (int)strlen(word),
                           word);
}

int cli_train_option(int opt, const char *arg, slant_options *o)
{
    switch (opt) {
    case 1019: return 1; /* applied first, by cli_train_presets */
    case 1020: {
        int k = slant_kernel_parse(arg);
        if (k < 0) {
            cli_error("--kernel: '%s' is not linear or rbf", arg);
            return -1;
        }
        o->kernel = (slant_kernel)k;
        return 1;
    }
    case 1021:
        if (strcmp(arg, "scale") == 0) {
            o->gamma = 0;
            return 1;
        }
        if (cli_parse_double("gamma", arg, &o->gamma))
            return -1;
        if (!(o->gamma > 0)) {
            cli_error("--gamma: %s is not positive", arg);
            return -1;
        }
        return 1;
    case 1022: o->force = 1; return 1;
    case 'M': {
        int k = slant_model_kind_parse(arg);
        if (k < 0) {
            cli_error("--model: '%s' is not one of lr, nb, cnb, nbsvm, svm", arg);
            return -1;
        }
        o->model = (slant_model_kind)k;
        return 1;
    }
    case 1001: return cli_parse_range("word-ngrams", arg, &o->word_min, &o->word_max) ? -1 : 1;
    case 1002: return cli_parse_range("char-ngrams", arg, &o->char_min, &o->char_max) ? -1 : 1;
    case 1003: return cli_parse_u32("hash-bits", arg, 0, SLANT_MAX_HASH_BITS, &o->hash_bits) ? -1 : 1;
    case 1004: return cli_parse_u32("min-count", arg, 1, UINT32_MAX, &o->min_count) ? -1 : 1;
    case 1005:
        if (strcmp(arg, "on") == 0)
            o->weighting = SLANT_WEIGHTING_TFIDF;
        else if (strcmp(arg, "off") == 0)
            o->weighting = SLANT_WEIGHTING_COUNTS;
        else {
            cli_error("--tfidf: '%s' is not on or off", arg);
            return -1;
        }
        return 1;
    case 1006: o->weighting = SLANT_WEIGHTING_COUNTS; return 1;
    case 1017: {
        int w = slant_weighting_parse(arg);
        if (w < 0) {
            cli_error("--weighting: '%s' is not one of tfidf, counts, binary", arg);
            return -1;
        }
        o->weighting = (slant_weighting)w;
        return 1;
    }
    case 1007:
        if (strcmp(arg, "auto") == 0) {
            o->alpha = -1; /* not 0, the model's default: nb and cnb refuse auto */
            return 1;
        }
        if (cli_parse_double("alpha", arg, &o->alpha))
            return -1;
        if (!(o->alpha > 0)) {
            cli_error("--alpha: %s is not positive", arg);
            return -1;
        }
        return 1;
    case 1008:
        if (cli_parse_double("c", arg, &o->c))
            return -1;
        if (!(o->c > 0)) {
            cli_error("--c: %s is not positive", arg);
            return -1;
        }
        return 1;
    case 1009: return cli_parse_u32("iterations", arg, 1, 1000000, &o->max_iter) ? -1 : 1;
    case 1010:
        if (cli_parse_double("tol", arg, &o->tol))
            return -1;
        if (!(o->tol > 0)) {
            cli_error("--tol: %s is not positive", arg);
            return -1;
        }
        return 1;
    case 1014: {
        int s = slant_solver_parse(arg);
        if (s < 0) {
            cli_error("--solver: '%s' is not one of dual, lbfgs", arg);
            return -1;
        }
        o->solver = (slant_solver)s;
        return 1;
    }
    case 1011:
        if (strcmp(arg, "balanced") == 0)
            o->class_weight = 1;
        else if (strcmp(arg, "none") == 0)
            o->class_weight = 0;
        else {
            cli_error("--class-weight: '%s' is not none or balanced", arg);
            return -1;
        }
        return 1;
    case 1013:
        if (strcmp(arg, "on") == 0)
            o->nb_scale = 1;
        else if (strcmp(arg, "off") == 0)
            o->nb_scale = 0;
        else {
            cli_error("--nb-scale: '%s' is not on or off", arg);
            return -1;
        }
        return 1;
    case 1018:
        if (strcmp(arg, "auto") == 0) {
            o->beta = -1;
            return 1;
        }
        if (cli_parse_double("beta", arg, &o->beta))
            return -1;
        if (!(o->beta >= 0 && o->beta <= 1)) {
            cli_error("--beta: %s is not between 0 and 1", arg);
            return -1;
        }
        return 1;
    case 1015:
        if (strcmp(arg, "on") == 0)
            o->punct = 1;
        else if (strcmp(arg, "off") == 0)
            o->punct = 0;
        else {
            cli_error("--punct: '%s' is not on or off", arg);
            return -1;
        }
        return 1;
    case 1016:
        if (strcmp(arg, "keep") == 0)
            o->keep_case = 1;
        else if (strcmp(arg, "fold") == 0)
            o->keep_case = 0;
        else {
            cli_error("--case: '%s' is not fold or keep", arg);
            return -1;
        }
        return 1;
    case 't': return cli_parse_u32("threads", arg, 0, 1024, &o->threads) ? -1 : 1;
    case 1012: return cli_parse_u64("seed", arg, &o->seed) ? -1 : 1;
    }
    return 0;
}

int cli_add_label(cli_labels *l, const char *name)
{
    if (l->n == sizeof l->names / sizeof l->names[0]) {
        cli_error("--label: too many label columns");
        return -1;
    }
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->names[i], name) == 0) {
            cli_error("--label: '%s' given twice", name);
            return -1;
        }
    l->names[l->n++] = name;
    return 0;
}

size_t cli_model_documents(const slant_model *model)
{
    const char *p = strstr(slant_model_provenance(model), "\ncorpus_documents=");
    return p ? (size_t)strtoull(p + 18, NULL, 10) : 0;
}

int cli_load_model(const char *path, slant_model **out)
{
    slant_error err = {{0}};
    slant_status st = slant_model_load(path, out, &err);
    if (!st)
        return EXIT_OK;
    int rc = cli_fail(st, &err);
    struct stat sb;
    if (slant_model_kind_parse(path) >= 0 && stat(path, &sb) != 0)
        fprintf(stderr, "%s: here -m/--model names a model file; '%s' is a kind of model, "
                "which only 'slant train' and 'slant cv' take (--model %s)\n", cli_prog, path,
                path);
    return rc;
}

int cli_parse_format(const char *s, slant_format *out)
{
    int f = slant_format_parse(s);
    if (f < 0) {
        cli_error("--format: '%s' is not one of tsv, jsonl, fasttext, dir, lines, text, libsvm, "
                  "html, warc", s);
        return -1;
    }
    *out = (slant_format)f;
    return 0;
}

const char cli_read_options_help[] =
    "Reading:\n"
    "      --text-column NAME the TSV column or JSONL key of the text (text)\n"
    "      --ignore COLUMN    a TSV column or JSONL key that is neither text, id nor\n"
    "                         a label (a url, a title); repeatable\n"
    "      --max-doc-bytes N  refuse a document (a line of a line format, a whole\n"
    "                         file, a WARC record's page) of more than N bytes; K, M,\n"
    "                         G: binary units (16M)\n"
    "      --labels FILE      the labels from FILE, a TSV keyed by an \"id\" or \"url\"\n"
    "                         column, joined on each document's id (a WARC page's is\n"
    "                         its URI); its heads replace the corpus's own\n"
    "Web pages and archives: a .html or .htm file (alone or in a folder) is a page,\n"
    "its text its title and article, boilerplate left out; a JSONL object may hold\n"
    "an \"html\" key instead of \"text\"; a .warc or .warc.gz file (-f warc) is a web\n"
    "archive, each HTML response a document whose id is its URI, bad records\n"
    "skipped with a warning naming their byte offset.\n"
    "Progress:\n"
    "      --progress         a progress line on standard error even when it is not\n"
    "                         a terminal (then a plain line every 5 seconds); on a\n"
    "                         terminal a long command shows one by itself\n"
    "      --quiet            no progress line, and no warnings (errors still)\n";

void cli_read_opts_init(cli_read_opts *r)
{
    memset(r, 0, sizeof *r);
    slant_read_options_init(&r->opt);
    r->opt.ignore = r->names;
}

int cli_parse_size(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = *s >= '0' && *s <= '9' ? strtoull(s, &end, 10) : 0;
    int shift = -1;
    if (*s >= '0' && *s <= '9' && !errno) {
        if (!*end)
            shift = 0;
        else if (!end[1] && (*end == 'K' || *end == 'k'))
            shift = 10;
        else if (!end[1] && (*end == 'M' || *end == 'm'))
            shift = 20;
        else if (!end[1] && (*end == 'G' || *end == 'g'))
            shift = 30;
    }
    if (shift < 0) {
        cli_error("--%s: '%s' is not a size (a whole number of bytes, or of K, M or G)", opt, s);
        return -1;
    }
    if (v > (max >> shift) || (v << shift) < min) {
        cli_error("--%s: %s is out of range (%" PRIu64 " to %" PRIu64 " bytes)", opt, s, min,
                  max);
        return -1;
    }
    *out = (uint64_t)v << shift;
    return 0;
}

int cli_read_option(int opt, const char *arg, cli_read_opts *r)
{
    switch (opt) {
    case 1101: {
        uint64_t v;
        if (cli_parse_size("max-doc-bytes", arg, 1, (uint64_t)1 << 40, &v))
            return -1;
        if (v > SIZE_MAX)
            v = SIZE_MAX;
        r->opt.max_doc_bytes = (size_t)v;
        return 1;
    }
    case 1102: {
        size_t n = r->opt.n_ignore;
        if (!*arg) {
            cli_error("--ignore: give a column name");
            return -1;
        }
        if (n == sizeof r->names / sizeof r->names[0]) {
            cli_error("--ignore: too many columns");
            return -1;
        }
        for (size_t k = 0; k < n; k++)
            if (strcmp(r->names[k], arg) == 0) {
                cli_error("--ignore: '%s' given twice", arg);
                return -1;
            }
        r->names[n] = arg;
        r->opt.n_ignore = n + 1;
        return 1;
    }
    case 1104:
        if (!*arg || strcmp(arg, "id") == 0) {
            cli_error("--group: '%s' cannot be the group column", arg);
            return -1;
        }
        r->opt.group_column = arg;
        return 1;
    case 1103:
        if (!*arg || strcmp(arg, "id") == 0) {
            cli_error("--text-column: '%s' cannot be the text column", arg);
            return -1;
        }
        r->opt.text_column = arg;
        return 1;
    case 1107:
        if (!*arg) {
            cli_error("--labels: give a file");
            return -1;
        }
        r->opt.labels_path = arg;
        return 1;
    case 1105: return cli_progress_mode(1) ? -1 : 1;
    case 1106: return cli_progress_mode(-1) ? -1 : 1;
    }
    return 0;
}

int cli_read_corpus(const char *path, slant_format fmt, const cli_labels *labels,
                    slant_corpus **out)
{
    return cli_read_corpus_with(path, fmt, NULL, labels, out);
}

int cli_read_corpus_with(const char *path, slant_format fmt, const cli_read_opts *r,
                         const cli_labels *labels, slant_corpus **out)
{
    slant_error err = {{0}};
    slant_read_options opt;
    if (r)
        opt = r->opt;
    else
        slant_read_options_init(&opt);
    opt.format = fmt;
    slant_status st = slant_corpus_read_with(path, &opt, out, &err);
    if (st)
        return cli_fail(st, &err);
    if (labels && labels->n) {
        st = slant_corpus_select_heads(*out, labels->names, labels->n, &err);
        if (st) {
            slant_corpus_free(*out);
            *out = NULL;
            return cli_fail(st, &err);
        }
    }
    return EXIT_OK;
}

static int print_eval_text(const slant_eval *ev, const cli_cv_report *cv)
{
    printf("documents: %zu\n", slant_eval_documents(ev));
    if (cv) {
        const slant_cv_info *in = &cv->info;
        printf("folds: %u (stratified, pooled", in->folds);
        if (cv->grouped_by)
            printf("; grouped by %s: %zu groups", cv->grouped_by, in->groups);
        printf(")%s\n", cv->tuned ? ", settings tuned inside each fold (nested)" : "");
        if (in->dups_checked && in->dup_across)
            printf("near-duplicates (Jaccard >= %.2f): %zu clusters of %zu documents; %zu kept in "
                   "one fold, %zu that touch two groups left to the groups (joining them would "
                   "merge whole groups)\n", cv->dup_threshold, in->dup_clusters, in->dup_docs,
                   in->dup_clusters - in->dup_across, in->dup_across);
        else if (in->dups_checked)
            printf("near-duplicates (Jaccard >= %.2f): %zu clusters of %zu documents, each kept "
                   "in one fold\n", cv->dup_threshold, in->dup_clusters, in->dup_docs);
        else
            printf("near-duplicates: not looked for (--keep-duplicates)\n");
    }
    for (size_t h = 0; h < slant_eval_heads(ev); h++) {
        size_t nc = slant_eval_classes(ev, h);
        int width = 12;
        for (size_t c = 0; c < nc; c++) {
            int l = (int)strlen(slant_eval_class_name(ev, h, c));
            if (l > width)
                width = l;
        }
        if (slant_eval_labeled(ev, h) == 0) {
            printf("\nhead %s: no labels (none of the %zu documents has a gold label for it)\n",
                   slant_eval_head_name(ev, h), slant_eval_documents(ev));
            continue;
        }
        printf("\nhead %s: accuracy %.4f  macro-F1 %.4f\n", slant_eval_head_name(ev, h),
               slant_eval_accuracy(ev, h), slant_eval_macro_f1(ev, h));
        printf("  %-*s %9s %9s %9s %9s\n", width, "class", "precision", "recall", "f1",
               "support");
        for (size_t c = 0; c < nc; c++) {
            slant_class_scores s = slant_eval_class(ev, h, c);
            printf("  %-*s %9.4f %9.4f %9.4f %9" PRIu64 "\n", width,
                   slant_eval_class_name(ev, h, c), s.precision, s.recall, s.f1, s.support);
        }
        printf("  confusion (rows: true class, columns: predicted)\n");
        printf("  %-*s", width, "");
        for (size_t c = 0; c < nc; c++)
            printf(" %*s", width, slant_eval_class_name(ev, h, c));
        printf("\n");
        for (size_t g = 0; g < nc; g++) {
            printf("  %-*s", width, slant_eval_class_name(ev, h, g));
            for (size_t p = 0; p < nc; p++)
                printf(" %*" PRIu64, width, slant_eval_count(ev, h, g, p));
            printf("\n");
        }
        cli_print_calibration_text(ev, h);
    }
    return EXIT_OK;
}

int cli_print_json(json_t *root)
{
    int rc = root ? json_dumpf(root, stdout, JSON_COMPACT | JSON_REAL_PRECISION(10)) : -1;
    json_decref(root);
    putchar('\n');
    if (rc) {
        cli_error("cannot write the report");
        return EXIT_FAILURE_;
    }
    return EXIT_OK;
}

static int print_eval_json(const slant_eval *ev, const cli_cv_report *cv)
{
    char *buf = NULL;
    size_t cap = 0, len = 0;
    slant_error err = {{0}};
    slant_eval_json_cv split;
    if (cv)
        split = (slant_eval_json_cv){cv->info, cv->grouped_by, cv->dup_threshold, cv->tuned};
    slant_status st = slant_eval_json(ev, cv ? &split : NULL, &buf, &cap, &len, &err);
    if (st) {
        free(buf);
        return cli_fail(st, &err);
    }
    fwrite(buf, 1, len, stdout);
    free(buf);
    putchar('\n');
    return EXIT_OK;
}

int cli_print_eval(const slant_eval *ev, int json, const cli_cv_report *cv)
{
    return json ? print_eval_json(ev, cv) : print_eval_text(ev, cv);
}

int cli_finish_stdout(int code)
{
    /* Whatever is still buffered goes out now, so that its failure (a
     * closed pipe, a full disk) has an errno to name. */
    errno = 0;
    int bad = fflush(stdout) != 0;
    int e = errno;
    bad |= ferror(stdout);
    errno = 0;
    if (fclose(stdout) != 0) {
        bad = 1;
        e = e ? e : errno;
    }
    if (bad && code == EXIT_OK) {
        cli_error("error writing to standard output: %s", e ? strerror(e) : "a write failed");
        return EXIT_FAILURE_;
    }
    return code;
}

int cli_corpus_option(int opt, const char *arg, cli_labels *labels, slant_format *fmt)
{
    if (opt == 'l')
        return cli_add_label(labels, arg) ? -1 : 1;
    if (opt == 'f')
        return cli_parse_format(arg, fmt) ? -1 : 1;
    return 0;
}

int cli_cv_option(int opt, const char *arg, slant_cv_options *cvo)
{
    switch (opt) {
    case 'k':
        return cli_parse_u32("folds", arg, 2, 1000000, &cvo->folds) ? -1 : 1;
    case 1201:
        cvo->keep_duplicates = 1;
        return 1;
    case 1202:
        if (cli_parse_double("dup-threshold", arg, &cvo->dup_threshold))
            return -1;
        if (!(cvo->dup_threshold > 0 && cvo->dup_threshold <= 1)) {
            cli_usage_error(cli_command, "--dup-threshold: give a Jaccard similarity above 0 "
                            "and at most 1");
            return -1;
        }
        return 1;
    default:
        return 0;
    }
}

void cli_trainer_init(cli_trainer *t, int calib)
{
    memset(t, 0, sizeof *t);
    slant_options_init(&t->o);
    cli_read_opts_init(&t->ro);
    t->fmt = SLANT_FORMAT_AUTO;
    slant_cv_options_init(&t->cvo);
    t->calib = calib;
}

int cli_trainer_option(cli_trainer *t, int opt, const char *arg)
{
    int r = cli_train_option(opt, arg, &t->o);
    if (r > 0) { /* checked against the model kind once all are in */
        cli_note_given(&t->given, opt);
        return 1;
    }
    if (!r && t->calib)
        r = cli_calib_option(opt, arg, &t->o);
    if (!r)
        r = cli_read_option(opt, arg, &t->ro);
    if (!r)
        r = cli_corpus_option(opt, arg, &t->labels, &t->fmt);
    if (!r)
        r = cli_cv_option(opt, arg, &t->cvo);
    return r;
}

/* See cli.h.  There is no one model to show the n-grams or provenance
 * of; each mistake is explained by the model of the fold that held it
 * out. */
slant_status cli_cv_report_write(const char *path, const char *corpus_path,
                              const slant_corpus *corpus, const slant_eval *ev,
                              const slant_mistakes *mk, const slant_report_curve *curve,
                              const cli_cv_report *cv, uint32_t threads, slant_error *err)
{
    char method[512];
    int n = snprintf(method, sizeof method, "%u-fold cross-validation: the held-out "
                     "predictions of every fold pooled (stratified", cv->info.folds);
    if (cv->grouped_by && n > 0 && (size_t)n < sizeof method)
        n += snprintf(method + n, sizeof method - (size_t)n, "; grouped by %s, %zu groups",
                      cv->grouped_by, cv->info.groups);
    if (n > 0 && (size_t)n < sizeof method)
        n += snprintf(method + n, sizeof method - (size_t)n, "%s%s)",
                      cv->info.dups_checked ? "; near-duplicates kept in one fold" : "",
                      cv->tuned ? "; settings tuned inside each fold" : "");
    if (cv->share > 0 && cv->share < 1 && n > 0 && (size_t)n < sizeof method)
        snprintf(method + n, sizeof method - (size_t)n, ", each fold trained on %.3g of its "
                 "training side", cv->share);
    slant_report_options ro;
    slant_report_options_init(&ro);
    ro.title = "slant cross-validation report";
    ro.corpus_name = strcmp(corpus_path, "-") ? corpus_path : "standard input";
    ro.eval = ev;
    ro.corpus = corpus;
    ro.mistakes = mk;
    ro.method = method;
    ro.note = "Each mistake was made, and is explained, by the model of the fold that held "
              "it out.";
    ro.threads = threads;
    ro.curve = curve; /* NULL: no learning curve section */
    slant_status st = slant_report_write(&ro, path, err);
    if (!st)
        fprintf(stderr, "slant: wrote %s\n", path);
    return st;
}
