/*
 * report_cmd.c: slant report -m MODEL CORPUS -o report.html: one HTML page
 * with everything eval measures, drawn, and what lies behind it (the top
 * n-grams, the leaks, the most confident mistakes).  The page is built by
 * slant_report_write; this only parses options and reads the inputs.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char report_usage[] =
    "Usage: slant report -m MODEL CORPUS -o FILE [OPTIONS]\n"
    "\n"
    "Labels a labeled CORPUS with MODEL and writes one self-contained HTML page to\n"
    "FILE (replaced whole, or not at all): for each head the figures 'slant eval\n"
    "--json' prints (accuracy, macro-F1, per-class precision, recall, F1 and\n"
    "support, log loss, Brier, ECE), a confusion-matrix heat map, per-class bars,\n"
    "the reliability diagram and the risk-coverage curve, each picture with its\n"
    "numbers in a table; the top n-grams of each class (with --group, which of\n"
    "them are concentrated in one group: leaks); the most confident mistakes,\n"
    "each with the n-grams that pushed toward the wrong label and an excerpt of\n"
    "its text; the model's provenance.  The page works offline (inline SVG, no\n"
    "script, nothing fetched) and prints; every string from the corpus or the\n"
    "model is escaped.  The date is SOURCE_DATE_EPOCH's when set, so the same\n"
    "inputs give the same bytes.  'slant cv --report FILE' writes the same page\n"
    "from cross-validation.\n"
    "\n"
    "  -m, --model MODEL      the model file (required)\n"
    "  -o, --output FILE      the HTML file to write (required)\n"
    "  -l, --label NAME       report this head only; repeatable (default: every head)\n"
    "      --group COLUMN     the corpus's group column (an outlet): adds the leaks\n"
    "  -n, --top N            n-grams a class (10; 0 to 10000)\n"
    "      --mistakes N       mistakes a head (10; 0 for none, at most 100000)\n"
    "      --title TEXT       the page's title (\"slant report\")\n"
    "  -f, --format F         corpus format: tsv, jsonl, fasttext, dir, libsvm, html,\n"
    "                         warc (default: from the name, then the content)\n"

    "  -t, --threads N        threads; 0 for every core (0)\n"
    "  -h, --help             this help\n";

int cmd_report(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"model", required_argument, 0, 'm'},
        {"output", required_argument, 0, 'o'},
        {"label", required_argument, 0, 'l'},
        {"top", required_argument, 0, 'n'},
        {"mistakes", required_argument, 0, 1501},
        {"title", required_argument, 0, 1502},
        {"format", required_argument, 0, 'f'},
        {"threads", required_argument, 0, 't'},
        {"help", no_argument, 0, 'h'},
        CLI_GROUP_LONGOPT,
        CLI_READ_LONGOPTS,
        {0, 0, 0, 0}};
    const char *model_path = NULL, *output = NULL, *title = NULL;
    uint32_t threads = 0, top = 10, per_head = SLANT_MISTAKES_PER_HEAD;
    slant_format fmt = SLANT_FORMAT_AUTO;
    cli_labels labels = {0};
    cli_read_opts ro;
    cli_read_opts_init(&ro);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":m:o:l:n:f:t:h", longopts, NULL)) != -1) {
        int r = cli_read_option(c, optarg, &ro);
        if (r < 0)
            return EXIT_BAD;
        if (r > 0)
            continue;
        switch (c) {
        case 'm': model_path = optarg; break;
        case 'o': output = optarg; break;
        case 'l':
            if (cli_add_label(&labels, optarg))
                return EXIT_BAD;
            break;
        case 'n':
            if (cli_parse_u32("top", optarg, 0, 10000, &top))
                return EXIT_BAD;
            break;
        case 1501:
            if (cli_parse_u32("mistakes", optarg, 0, 100000, &per_head))
                return EXIT_BAD;
            break;
        case 1502: title = optarg; break;
        case 'f':
            if (cli_parse_format(optarg, &fmt))
                return EXIT_BAD;
            break;
        case 't':
            if (cli_parse_u32("threads", optarg, 0, 1024, &threads))
                return EXIT_BAD;
            break;
        case 'h':
            fputs(report_usage, stdout);
            fputs(cli_read_options_help, stdout);
            return EXIT_OK;
        default: return cli_getopt_error("report", c, argv, longopts);
        }
    }
    if (!model_path)
        return cli_usage_error("report", "give the model with -m MODEL");
    if (!output)
        return cli_usage_error("report", "give the HTML file to write with -o FILE");
    if (optind != argc - 1)
        return cli_usage_error("report", "give exactly one CORPUS");
    const char *path = argv[optind];
    slant_error err = {{0}};
    slant_status st = slant_output_check(output, &err); /* before any long part */
    if (st)
        return cli_fail(st, &err);
    slant_model *model = NULL;
    slant_corpus *corpus = NULL;
    slant_eval *ev = NULL;
    slant_mistakes *mk = NULL;
    int rc = cli_load_model(model_path, &model);
    if (!rc)
        rc = cli_read_corpus_with(path, fmt, &ro, NULL, &corpus);
    if (rc)
        goto out;
    st = slant_eval_new_heads(model, labels.n ? labels.names : NULL, labels.n, &ev, &err);
    if (!st)
        st = slant_eval_corpus(ev, model, corpus, NULL, 0, threads, &err);
    if (!st && per_head)
        st = slant_mistakes_new(per_head, &mk, &err);
    if (!st && mk)
        st = slant_mistakes_corpus(mk, model, corpus, NULL, 0, threads, &err);
    if (st) {
        rc = cli_fail(st, &err);
        goto out;
    }
    if (slant_eval_on_training_corpus(ev))
        cli_error("warning: %s is the corpus %s was trained on (the same %zu documents): these "
                  "figures measure how it fits its training data, not how it labels new "
                  "articles; use a held-out corpus or 'slant cv --report'",
                  strcmp(path, "-") ? path : "standard input", model_path,
                  slant_eval_documents(ev));
    slant_report_options rep;
    slant_report_options_init(&rep);
    rep.title = title;
    rep.corpus_name = strcmp(path, "-") ? path : "standard input";
    rep.model_name = model_path;
    rep.eval = ev;
    rep.model = model;
    rep.corpus = corpus;
    rep.mistakes = mk;
    rep.method = "the model labeling the corpus";
    rep.top_ngrams = top;
    rep.threads = threads;
    if ((st = slant_report_write(&rep, output, &err))) {
        rc = cli_fail(st, &err);
        goto out;
    }
    printf("wrote %s: %zu documents, %zu head%s\n", output, slant_corpus_size(corpus),
           slant_eval_heads(ev), slant_eval_heads(ev) == 1 ? "" : "s");
out:
    slant_mistakes_free(mk);
    slant_eval_free(ev);
    slant_corpus_free(corpus);
    slant_model_free(model);
    return rc;
}
