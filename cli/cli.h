/*
 * cli.h: pieces shared by the slant program's subcommands.  The program
 * only parses options, calls libslant and prints.
 */
#ifndef SLANT_CLI_H
#define SLANT_CLI_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "slant.h"

/* Exit codes, documented in --help, the README and slant(1). */
enum {
    EXIT_OK = 0,
    EXIT_FAILURE_ = 1, /* the system failed us: I/O, memory */
    EXIT_BAD = 2       /* bad usage or bad input (corpus, model file, option value) */
};

extern const char *cli_prog; /* "slant" */
extern const char *cli_command; /* "label", ...: the command under way, for messages */

/* Prints "slant: MESSAGE" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the message of a failed call and returns its exit code. */
int cli_fail(slant_status st, const slant_error *err);
/* Prints a usage error with a pointer to --help and returns EXIT_BAD. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_exit_code(slant_status st);

/* label, eval, explain and drift read a batch of this many documents
 * (fewer once their texts pass CLI_BATCH_BYTES) at a time. */
#define CLI_BATCH_DOCS 4096
#define CLI_BATCH_BYTES ((size_t)64 << 20)
/* Reads PATH with OPT a batch at a time and calls FN(CTX, batch) on each,
 * so that a stream of any length is read in the memory of one batch.
 * Stops at the first exit code FN returns other than EXIT_OK, or at bad
 * input (its message printed); returns the exit code. */
int cli_each_batch(const char *path, const slant_read_options *opt,
                   int (*fn)(void *ctx, const slant_corpus *batch), void *ctx);

/* Number parsing for option values: whole string, range-checked.  On
 * failure prints which option is wrong and returns -1. */
int cli_parse_u32(const char *opt, const char *s, uint32_t min, uint32_t max, uint32_t *out);
int cli_parse_u64(const char *opt, const char *s, uint64_t *out);
int cli_parse_double(const char *opt, const char *s, double *out);
/* A size in bytes: digits, then K, M or G (binary units) or nothing, in
 * [min, max]. */
int cli_parse_size(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* "A-B", or "A" for A-A, or "0" for off. */
int cli_parse_range(const char *opt, const char *s, uint32_t *lo, uint32_t *hi);

struct option;

/* Every command's optstring starts with ':', so that getopt_long prints
 * nothing; for its ':' (a value missing) and '?' (an unknown option, or a
 * value given to one that takes none) this prints the one message, naming
 * the option, and returns EXIT_BAD. */
int cli_getopt_error(const char *cmd, int c, char *const *argv, const struct option *longopts);

/* The first pass over the arguments of a command that takes the training
 * options: applies --preset, so that every option given overrides it
 * wherever it stands; resets getopt for the command's own pass.  Returns
 * 0, or -1 after printing a bad --preset. */
int cli_train_presets(int argc, char **argv, const char *shortopts,
                      const struct option *longopts, slant_options *o);
/* Training options shared by train and cv.  Returns 1 if OPT was one of
 * them (and was applied; --preset was, by cli_train_presets), 0 if not,
 * -1 on a bad value. */
int cli_train_option(int opt, const char *arg, slant_options *o);
/* The training options given, by getopt value, to be held to the rule
 * that refuses an option meaning nothing for the model whatever its
 * value. */
typedef struct cli_given {
    int opts[64];
    size_t n;
} cli_given;
void cli_note_given(cli_given *g, int opt);
/* slant_options_check, then slant_options_check_option for each option
 * in G (may be NULL); prints what is wrong.  Returns 0 or EXIT_BAD. */
int cli_check_train(const slant_options *o, const cli_given *g, const struct option *longopts);
/* getopt_long entries for the training options, and their help text. */
#define CLI_TRAIN_LONGOPTS                                       \
    {"model", required_argument, 0, 'M'},                        \
    {"word-ngrams", required_argument, 0, 1001},                 \
    {"char-ngrams", required_argument, 0, 1002},                 \
    {"hash-bits", required_argument, 0, 1003},                   \
    {"min-count", required_argument, 0, 1004},                   \
    {"tfidf", required_argument, 0, 1005},                       \
    {"no-tfidf", no_argument, 0, 1006},                          \
    {"alpha", required_argument, 0, 1007},                       \
    {"c", required_argument, 0, 1008},                           \
    {"iterations", required_argument, 0, 1009},                  \
    {"tol", required_argument, 0, 1010},                         \
    {"class-weight", required_argument, 0, 1011},                \
    {"threads", required_argument, 0, 't'},                      \
    {"seed", required_argument, 0, 1012},                        \
    {"nb-scale", required_argument, 0, 1013},                    \
    {"solver", required_argument, 0, 1014},                      \
    {"punct", required_argument, 0, 1015},                       \
    {"case", required_argument, 0, 1016},                        \
    {"weighting", required_argument, 0, 1017},                   \
    {"beta", required_argument, 0, 1018},                        \
    {"preset", required_argument, 0, 1019},                      \
    {"kernel", required_argument, 0, 1020},                      \
    {"gamma", required_argument, 0, 1021},                       \
    {"force", no_argument, 0, 1022},                             \
    {"label", required_argument, 0, 'l'},                        \
    {"format", required_argument, 0, 'f'}
extern const char cli_train_options_help[];

/* Collects --label NAMEs (repeatable). */
typedef struct cli_labels {
    const char *names[256];
    size_t n;
} cli_labels;
int cli_add_label(cli_labels *l, const char *name);

/* train --stream's --hash-bits unless given: a million buckets, 4 MiB of
 * idf and 8 MiB of sums a class. */
#define CLI_STREAM_HASH_BITS 20
/* The documents MODEL's provenance says it was trained on (0 if none). */
size_t cli_model_documents(const slant_model *model);

/* Reads a corpus, keeps the --label heads if any; prints errors. */
int cli_read_corpus(const char *path, slant_format fmt, const cli_labels *labels,
                    slant_corpus **out);

/* The reading options every command that reads a corpus takes:
 * --max-doc-bytes, --ignore (repeatable), --text-column and --labels.
 * opt.ignore points into names. */
typedef struct cli_read_opts {
    slant_read_options opt;
    const char *names[256];
} cli_read_opts;
void cli_read_opts_init(cli_read_opts *r);
/* Returns 1 if OPT was one of them (and was applied), 0 if not, -1 on a
 * bad value. */
int cli_read_option(int opt, const char *arg, cli_read_opts *r);
#define CLI_READ_LONGOPTS                                        \
    {"max-doc-bytes", required_argument, 0, 1101},               \
    {"ignore", required_argument, 0, 1102},                      \
    {"text-column", required_argument, 0, 1103},                 \
    {"labels", required_argument, 0, 1107},                      \
    CLI_PROGRESS_LONGOPTS
/* --progress and --quiet (read by cli_read_option, helped in
 * cli_read_options_help): every command that reads has them. */
#define CLI_PROGRESS_LONGOPTS                                    \
    {"progress", no_argument, 0, 1105},                          \
    {"quiet", no_argument, 0, 1106}
/* --group COLUMN (read by cli_read_option), for the commands that use it. */
#define CLI_GROUP_LONGOPT {"group", required_argument, 0, 1104}
extern const char cli_read_options_help[];
/* cli_read_corpus with reading options; FMT goes into them. */
int cli_read_corpus_with(const char *path, slant_format fmt, const cli_read_opts *r,
                         const cli_labels *labels, slant_corpus **out);
int cli_parse_format(const char *s, slant_format *out);
/* Loads the model file PATH into *OUT; on failure prints why (and, when
 * PATH is not a file but a model kind such as "nb", that -m/--model takes
 * a file here) and returns the exit code. */
int cli_load_model(const char *path, slant_model **out);

/* Prints an evaluation as text or as one JSON object; folds > 0 adds
 * "folds" (cross-validation).  Returns 0 or an exit code. */
/* Prints inspect --groups's leak report of M (its top TOP n-grams a class)
 * over C, a corpus with groups, on standard output. */
int cli_print_leaks(const char *model_path, const slant_model *m, const char *corpus_path,
                    const slant_corpus *c, uint32_t top, uint32_t threads);

/* What cv adds to eval's report: the split (as cv --json writes it:
 * slant_eval_json_cv), and what the page says of it. */
typedef struct cli_cv_report {
    slant_cv_info info;
    const char *grouped_by; /* the group column, NULL when not grouped */
    double dup_threshold;
    int tuned;              /* settings chosen inside each fold */
    double share;           /* 0 or 1; else the share of each fold's training side trained
                             * on (a learning curve's last step) */
} cli_cv_report;
/* Prints EV as eval does; CV (NULL for eval) adds the folds and the split. */
int cli_print_eval(const slant_eval *ev, int json, const cli_cv_report *cv);
/* cv --report and curve --report: the pooled held-out figures EV of the
 * corpus read from CORPUS_PATH as slant report draws a model's, with the
 * mistakes MK and the learning curve CURVE (each may be NULL), to PATH. */
slant_status cli_cv_report_write(const char *path, const char *corpus_path,
                                 const slant_corpus *corpus, const slant_eval *ev,
                                 const slant_mistakes *mk, const slant_report_curve *curve,
                                 const cli_cv_report *cv, uint32_t threads, slant_error *err);

/* -l/--label HEAD (repeatable) into LABELS and -f/--format into FMT, for
 * the commands that read a labeled corpus.  Returns 1 if OPT was one of
 * them (and was applied), 0 if not, -1 on a bad value (after saying so). */
int cli_corpus_option(int opt, const char *arg, cli_labels *labels, slant_format *fmt);

/* What the commands that train on a labeled corpus and split it (cv,
 * curve, audit) parse alike: the training options (the calibration ones
 * too with CALIB), the reading options, --label and --format, and the
 * split options. */
typedef struct cli_trainer {
    slant_options o;
    cli_given given;   /* the training options given, for cli_check_train */
    cli_read_opts ro;
    cli_labels labels;
    slant_format fmt;
    slant_cv_options cvo;
    int calib;
} cli_trainer;
void cli_trainer_init(cli_trainer *t, int calib);
/* Returns 1 if OPT was one of them (and was applied, or noted for
 * cli_check_train), 0 if not, -1 on a bad value (after saying so). */
int cli_trainer_option(cli_trainer *t, int opt, const char *arg);

/* The split options of cv, curve and audit: -k/--folds K,
 * --keep-duplicates and --dup-threshold J.  Returns 1 if OPT was one of
 * them (and was applied), 0 if not, -1 on a bad value (after saying so). */
#define CLI_CV_LONGOPTS                                          \
    {"folds", required_argument, 0, 'k'},                        \
    {"keep-duplicates", no_argument, 0, 1201},                   \
    {"dup-threshold", required_argument, 0, 1202}
int cli_cv_option(int opt, const char *arg, slant_cv_options *cvo);

/* The learning curve's shares (curve_cmd.c), for curve and cv --curve:
 * --steps N and --fractions F,F,...; FRACTIONS is the room for the latter
 * (SLANT_CURVE_MAX_STEPS values).  Returns 1 if OPT was one of them (and
 * was applied), 0 if not, -1 on a bad value (after a usage message). */
#define CLI_CURVE_LONGOPTS                                       \
    {"steps", required_argument, 0, 1501},                       \
    {"fractions", required_argument, 0, 1502}
int cli_curve_option(int opt, const char *arg, slant_curve_options *co, double *fractions);
extern const char cli_curve_options_help[];

/* Calibration (calibrate_opts.c): train's and cv's --calibrate and
 * --target-precision; label's --abstain and --abstain-below. */
#define CLI_CALIB_LONGOPTS                                       \
    {"calibrate", required_argument, 0, 1401},                   \
    {"target-precision", required_argument, 0, 1402}
extern const char cli_calib_options_help[];
/* Returns 1 if OPT was one of them (and was applied), 0 if not, -1 on a
 * bad value. */
int cli_calib_option(int opt, const char *arg, slant_options *o);
/* --abstain-below T: 0 or -1 after printing what is wrong. */
int cli_parse_abstain_below(const char *arg, double *below);
/* With --abstain and no --abstain-below (BELOW < 0), a model without any
 * stored thresholds is refused (EXIT_BAD, after saying so). */
int cli_abstain_check(const slant_model *m, const char *path, int abstain, double below);
/* Head H's calibration and coverage figures, as text lines. */
void cli_print_calibration_text(const slant_eval *ev, size_t h);

/* Sends the library's log to stderr as "slant: LINE": warnings unless
 * --quiet, the other lines only when VERBOSE; and the library's progress
 * to the progress line (progress.c). */
void cli_set_log(int verbose);

/* The progress line (progress.c): on standard error when it is a
 * terminal, or with --progress anywhere (plain lines then); never with
 * --quiet, which also drops the warnings.  MODE 1 for --progress, -1 for
 * --quiet: the two together are refused (-1, after saying so). */
int cli_progress_mode(int mode);
int cli_quiet(void);
/* Sends the library's stages (slant_set_progress) to the line. */
void cli_progress_install(void);
/* A stage of the program's own: DONE of TOTAL UNIT (TOTAL 0: unknown)
 * and BYTES of BYTES_TOTAL of the input (0: none, unknown); FINAL once
 * it has ended. */
void cli_progress_update(const char *stage, const char *unit, uint64_t done, uint64_t total,
                         uint64_t bytes, uint64_t bytes_total, int final);
/* Erases the line from the terminal until the next update, before output
 * of another kind goes to the same terminal (label's lines). */
void cli_progress_hide(void);
/* Around every other write to standard error: the line is erased first
 * and drawn again after, so that a message never lands on it. */
void cli_stderr_begin(void);
void cli_stderr_end(void);

/* Prints ROOT as one compact JSON line and frees it; returns an exit code. */
int cli_print_json(json_t *root);

/* Checks stdout for write errors and closes it; returns an exit code. */
int cli_finish_stdout(int code);

/* A share in [0, 1] for option OPT; prints what is wrong and returns -1. */
int cli_parse_share(const char *opt, const char *s, double *out);
/* Prints the summary D of a batch labeled by M (drift_cmd.c) to F, as
 * text or as one JSON line; OPT the thresholds it was made with.  Returns
 * 0 or an exit code. */
int cli_print_drift(FILE *f, const slant_model *m, const slant_drift *d,
                    const slant_drift_options *opt, int json);
/* Explanations (explain_cmd.c), for explain and label --explain.  Parses
 * K, the n-grams each way: 1 to 1000000, or "all" (SLANT_EXPLAIN_ALL);
 * prints what is wrong and returns -1. */
int cli_parse_explain(const char *opt, const char *s, size_t *k);
/* EXIT_OK when every head of M explains; else prints why not. */
int cli_check_explainable(const slant_model *m);
/* E's n-grams as tokens NGRAM:+X, separated by blanks, toward first: an
 * n-gram's words joined by '_', its own '_' and '' escaped by ''. */
void cli_print_why_tokens(FILE *f, const slant_model *m, const slant_explanation *e);

int cmd_train(int argc, char **argv);
int cmd_label(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_cv(int argc, char **argv);
int cmd_curve(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_features(int argc, char **argv);
int cmd_dups(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_drift(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_suggest(int argc, char **argv);
int cmd_merge(int argc, char **argv);

#endif /* SLANT_CLI_H */
