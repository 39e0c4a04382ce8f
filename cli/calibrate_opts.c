/*
 * calibrate_opts.c: the program's side of calibration: train's and cv's
 * --calibrate and --target-precision, and the calibration and coverage
 * figures that eval and cv print.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char cli_calib_options_help[] =
    "Calibration (train and cv; fitted on an inner 3-fold cross-validation):\n"
    "      --calibrate M      auto (default), none, sigmoid, temperature or isotonic:\n"
    "                         maps each head's probabilities so that they match how\n"
    "                         often it is right; auto keeps temperature (which never\n"
    "                         moves a label) where it lowers the out-of-fold log\n"
    "                         loss, else none, and leaves a head of fewer\n"
    "                         than 100 labeled documents (or a class of fewer than\n"
    "                         10) uncalibrated\n"
    "      --target-precision P  store per class the probability threshold that gave\n"
    "                         precision P (in (0, 1]) out of fold at the largest\n"
    "                         coverage, for 'label --abstain'; HEAD=P,HEAD=P per head\n";

int cli_calib_option(int opt, const char *arg, slant_options *o)
{
    if (opt == 1401) {
        int m = slant_calibration_parse(arg);
        if (m < 0) {
            cli_error("--calibrate: '%s' is not one of auto, none, sigmoid, temperature, "
                      "isotonic", arg);
            return -1;
        }
        o->calibrate = (slant_calibration)m;
        return 1;
    }
    if (opt == 1402) {
        double p;
        slant_error err = {{0}};
        if (slant_target_precision_of(arg, NULL, &p, &err)) {
            cli_error("%s", err.message);
            return -1;
        }
        o->target_precision = arg;
        return 1;
    }
    return 0;
}

int cli_parse_abstain_below(const char *arg, double *below)
{
    if (cli_parse_double("abstain-below", arg, below))
        return -1;
    if (!(*below >= 0 && *below <= 1)) {
        cli_error("--abstain-below: give a probability between 0 and 1");
        return -1;
    }
    return 0;
}

int cli_abstain_check(const slant_model *m, const char *path, int abstain, double below)
{
    if (!abstain || below >= 0)
        return EXIT_OK;
    for (size_t h = 0; h < slant_model_heads(m); h++)
        if (slant_model_target_precision(m, h) > 0)
            return EXIT_OK;
    cli_error("--abstain: %s has no stored thresholds (train it with --target-precision P), "
              "or give --abstain-below T", path);
    return EXIT_BAD;
}

void cli_print_calibration_text(const slant_eval *ev, size_t h)
{
    slant_calibration_report r;
    if (!slant_eval_calibration(ev, h, &r))
        return;
    printf("  calibration: log loss %.4f  Brier %.4f  ECE %.4f (%d bins of the top "
           "probability)\n", r.log_loss, r.brier, r.ece, SLANT_CALIBRATION_BINS);
    printf("    %-13s %9s %10s %9s\n", "bin", "documents", "confidence", "accuracy");
    for (int b = 0; b < SLANT_CALIBRATION_BINS; b++)
        if (r.bins[b].count)
            printf("    [%.3f,%.3f%c %9" PRIu64 " %10.4f %9.4f\n", r.bins[b].lo, r.bins[b].hi,
                   b == SLANT_CALIBRATION_BINS - 1 ? ']' : ')', r.bins[b].count,
                   r.bins[b].confidence, r.bins[b].accuracy);
    slant_coverage_report c;
    slant_eval_coverage(ev, h, &c);
    if (c.thresholds)
        printf("  stored thresholds: coverage %.4f (%" PRIu64 " of %" PRIu64 " documents), "
               "accuracy on them %.4f\n", c.coverage, c.covered, c.scored, c.accuracy);
    printf("  risk-coverage: coverage");
    for (int i = 0; i < SLANT_COVERAGE_POINTS; i++)
        printf(" %5.0f%%", 100 * c.curve_coverage[i]);
    printf("\n                 accuracy");
    for (int i = 0; i < SLANT_COVERAGE_POINTS; i++)
        printf(" %6.4f", c.curve_accuracy[i]);
    printf("\n");
}
