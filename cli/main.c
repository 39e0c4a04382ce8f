/*
 * main.c: the slant program: dispatches to a subcommand.
 */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "Usage: slant COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "A local text classifier for news: learns source type, stance or any other\n"
    "labels from a labeled sample and labels the rest, with probabilities.\n"
    "\n"
    "Commands:\n"
    "  train CORPUS -o MODEL     train a model (one head per label column)\n"
    "  label -m MODEL [FILE...]  label articles: one per FILE, or one per row/line\n"
    "  explain -m MODEL [FILE]   why each label: the n-grams that pushed it hardest\n"
    "  eval -m MODEL CORPUS      accuracy, F1 and confusion matrix on labeled data\n"
    "  cv CORPUS -k K            K-fold cross-validation, by outlet with --group\n"
    "  curve CORPUS              learning curve: cv figures at 10 %, 20 %, ... of the data\n"
    "  inspect MODEL             settings, heads, classes and top n-grams of a model\n"
    "  bench [CORPUS]            throughput of each labeling stage, 1 thread and all\n"
    "  features CORPUS -o FILE   the corpus as LIBSVM sparse vectors (for LIBLINEAR)\n"
    "  dups CORPUS [OTHER]       near-duplicate documents: pairs or clusters of copies\n"
    "  audit CORPUS              labels that look wrong, most suspect first\n"
    "  drift -m MODEL CORPUS     how far a batch of articles is from the training set\n"
    "  report -m MODEL CORPUS    one HTML page (-o FILE): figures, charts, mistakes\n"
    "  suggest -m MODEL POOL -n N  the N articles of POOL to label next\n"
    "  merge A B... -o MODEL     models of disjoint shards made one (nb, cnb; lr\n"
    "                            averaged with --average)\n"
    "\n"
    "Corpora: TSV with a header (label columns, optional id, a text column), JSON\n"
    "lines, fastText's __label__X lines, a folder DIR/<label>/<file>, or LIBSVM\n"
    "vectors (LABEL FEATURE:VALUE ...).\n"
    "\n"
    "Exit status: 0 success; 1 failure (I/O error, out of memory); 2 bad usage or\n"
    "bad input (malformed corpus, model file or option value).\n"
    "\n"
    "'slant COMMAND --help' describes each command; 'slant --version' prints the\n"
    "version (slant " SLANT_VERSION ").\n";

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "C");
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_BAD;
    }
    cli_set_log(0); /* warnings reach the user; -v adds progress */
    /* A reader that goes away (`| head`) is a write error that every
     * command reports with exit status 1, not a signal that ends slant
     * without a word. */
    signal(SIGPIPE, SIG_IGN);
    const char *cmd = argv[1];
    cli_command = cmd;
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return cli_finish_stdout(EXIT_OK);
    }
    if (strcmp(cmd, "--version") == 0) {
        puts("slant " SLANT_VERSION);
        return cli_finish_stdout(EXIT_OK);
    }
    int rc;
    if (strcmp(cmd, "train") == 0)
        rc = cmd_train(argc - 1, argv + 1);
    else if (strcmp(cmd, "label") == 0)
        rc = cmd_label(argc - 1, argv + 1);
    else if (strcmp(cmd, "eval") == 0)
        rc = cmd_eval(argc - 1, argv + 1);
    else if (strcmp(cmd, "cv") == 0)
        rc = cmd_cv(argc - 1, argv + 1);
    else if (strcmp(cmd, "curve") == 0)
        rc = cmd_curve(argc - 1, argv + 1);
    else if (strcmp(cmd, "inspect") == 0)
        rc = cmd_inspect(argc - 1, argv + 1);
    else if (strcmp(cmd, "bench") == 0)
        rc = cmd_bench(argc - 1, argv + 1);
    else if (strcmp(cmd, "features") == 0)
        rc = cmd_features(argc - 1, argv + 1);
    else if (strcmp(cmd, "dups") == 0)
        rc = cmd_dups(argc - 1, argv + 1);
    else if (strcmp(cmd, "audit") == 0)
        rc = cmd_audit(argc - 1, argv + 1);
    else if (strcmp(cmd, "drift") == 0)
        rc = cmd_drift(argc - 1, argv + 1);
    else if (strcmp(cmd, "explain") == 0)
        rc = cmd_explain(argc - 1, argv + 1);
    else if (strcmp(cmd, "report") == 0)
        rc = cmd_report(argc - 1, argv + 1);
    else if (strcmp(cmd, "suggest") == 0)
        rc = cmd_suggest(argc - 1, argv + 1);
    else if (strcmp(cmd, "merge") == 0)
        rc = cmd_merge(argc - 1, argv + 1);
    else {
        fprintf(stderr, "slant: unknown command '%s'\nTry 'slant --help'.\n", cmd);
        return EXIT_BAD;
    }
    return cli_finish_stdout(rc);
}
