/*
 * suggest_cmd.c: slant suggest -m MODEL POOL -n N: the documents of POOL
 * to label next (slant_suggest), written as a corpus ready to fill in.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define SUGGEST_STR_(x) #x
#define SUGGEST_STR(x) SUGGEST_STR_(x)

static const char suggest_usage[] =
    "Usage: slant suggest -m MODEL POOL -n N [--head HEAD] [--balance] [-o FILE]\n"
    "                     [OPTIONS]\n"
    "\n"
    "Picks the N unlabeled documents of POOL whose labels would teach MODEL most:\n"
    "those with the smallest margin between their two most probable classes (the\n"
    "probabilities 'slant label' prints, calibration included) in HEAD.  Without\n"
    "--head, each head ranks the documents by its own margin and a document's place\n"
    "is its best in any of them: the heads take turns.  Going down that ranking, a\n"
    "document is skipped when its feature vector's cosine similarity to one picked\n"
    "already is at or above --max-similarity, or when it is a near-duplicate of\n"
    "one (word shingles, as 'slant dups' finds them), so that no two picks teach\n"
    "the same thing.  Ties go to the earlier document.  A document of POOL that\n"
    "has a label already in every head considered is not a candidate.\n"
    "\n"
    "Output: a corpus to fill in, one row per pick, most useful first.  TSV: a\n"
    "header \"id\", one empty column per head of the model, \"text\", then the notes\n"
    "\"#guess:HEAD\" and \"#p:HEAD\" (the model's class and its probability) for each\n"
    "head and \"#margin\".  Every reader takes a column whose name starts with '#'\n"
    "for a note, never a head: fill the label cells and train on the file, or\n"
    "append its rows, less the notes (cut -f1-K, K = heads + 2), to a training\n"
    "corpus with the columns id HEAD... text.  With --json, JSON lines with the same\n"
    "keys (labels null), which append to any JSON lines corpus as they are.  A\n"
    "text's tabs and line breaks become spaces in TSV.\n"
    "\n"
    "  -m, --model MODEL        the model file (required)\n"
    "  -n, --count N            documents to suggest (required)\n"
    "      --head HEAD          rank by this head's margin alone (default: every\n"
    "                           head, taking turns)\n"
    "      --balance            deal the picks round-robin over the classes HEAD\n"
    "                           (or the first head) predicts\n"
    "      --uncertainty U      how each head ranks: margin, smallest first (the\n"
    "                           default), or entropy over log(classes), largest\n"
    "                           first; the same order for a head of two classes\n"
    "      --max-similarity C   cosine at or above which a document is too close to a\n"
    "                           pick, above 0 and at most 1 (" SUGGEST_STR(SLANT_SUGGEST_MAX_SIMILARITY) ")\n"
    "      --dup-threshold J    Jaccard similarity of near-duplicates (0.8)\n"
    "      --keep-duplicates    do not look for near-duplicates\n"
    "  -o, --output FILE        write here (replaced whole, or not at all); default\n"
    "                           standard output\n"
    "      --json               JSON lines instead of TSV\n"
    "  -f, --format F           the format of POOL\n"
    "  -t, --threads N          threads; 0 for every core (0); the picks are the same\n"
    "  -v, --verbose            report what was skipped on standard error\n"
    "  -h, --help               this help\n";

int cmd_suggest(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"model", required_argument, 0, 'm'},
        {"count", required_argument, 0, 'n'},
        {"head", required_argument, 0, 1501},
        {"balance", no_argument, 0, 1502},
        {"max-similarity", required_argument, 0, 1503},
        {"dup-threshold", required_argument, 0, 1504},
        {"keep-duplicates", no_argument, 0, 1505},
        {"uncertainty", required_argument, 0, 1506},
        {"output", required_argument, 0, 'o'},
        {"json", no_argument, 0, 'j'},
        {"format", required_argument, 0, 'f'},
        {"threads", required_argument, 0, 't'},
        {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},
        CLI_READ_LONGOPTS,
        {0, 0, 0, 0}};
    slant_suggest_options so;
    slant_suggest_options_init(&so);
    cli_read_opts ro;
    cli_read_opts_init(&ro);
    slant_format fmt = SLANT_FORMAT_AUTO;
    const char *model_path = NULL, *output = NULL;
    int json = 0, verbose = 0, have_n = 0, c;
    while ((c = getopt_long(argc, argv, ":m:n:o:jf:t:vh", longopts, NULL)) != -1) {
        int r = cli_read_option(c, optarg, &ro);
        if (r < 0)
            return EXIT_BAD;
        if (r > 0)
            continue;
        switch (c) {
        case 'm': model_path = optarg; break;
        case 'n': {
            uint64_t n;
            if (cli_parse_u64("count", optarg, &n))
                return EXIT_BAD;
            if (n == 0)
                return cli_usage_error("suggest", "-n: give a number of documents above 0");
            so.n = n > SIZE_MAX ? SIZE_MAX : (size_t)n;
            have_n = 1;
            break;
        }
        case 1501: so.head = optarg; break;
        case 1502: so.balance = 1; break;
        case 1503:
            if (cli_parse_share("max-similarity", optarg, &so.max_similarity))
                return EXIT_BAD;
            break;
        case 1504:
            if (cli_parse_share("dup-threshold", optarg, &so.dup_threshold))
                return EXIT_BAD;
            break;
        case 1505: so.keep_duplicates = 1; break;
        case 1506:
            if (!strcmp(optarg, "margin"))
                so.uncertainty = SLANT_SUGGEST_MARGIN;
            else if (!strcmp(optarg, "entropy"))
                so.uncertainty = SLANT_SUGGEST_ENTROPY;
            else
                return cli_usage_error("suggest", "--uncertainty: give margin or entropy, not '%s'",
                                       optarg);
            break;
        case 'o': output = optarg; break;
        case 'j': json = 1; break;
        case 'f':
            if (cli_parse_format(optarg, &fmt))
                return EXIT_BAD;
            break;
        case 't':
            if (cli_parse_u32("threads", optarg, 0, 1024, &so.threads))
                return EXIT_BAD;
            break;
        case 'v': verbose = 1; break;
        case 'h':
            fputs(suggest_usage, stdout);
            fputs(cli_read_options_help, stdout);
            return EXIT_OK;
        default:
            return cli_getopt_error("suggest", c, argv, longopts);
        }
    }
    if (!model_path)
        return cli_usage_error("suggest", "give the model with -m MODEL");
    if (!have_n)
        return cli_usage_error("suggest", "give the number of documents to suggest with -n N");
    if (optind != argc - 1)
        return cli_usage_error("suggest", "give exactly one POOL ('-' for standard input)");
    cli_set_log(verbose);
    slant_error err = {{0}};
    slant_status st;
    if (output && (st = slant_output_check(output, &err))) /* fail before the long part */
        return cli_fail(st, &err);
    slant_model *model = NULL;
    int rc = cli_load_model(model_path, &model);
    if (rc)
        return rc;
    slant_corpus *pool = NULL;
    rc = cli_read_corpus_with(argv[optind], fmt, &ro, NULL, &pool);
    if (rc) {
        slant_model_free(model);
        return rc;
    }
    slant_suggestions *res = NULL;
    st = slant_suggest(model, pool, &so, &res, &err);
    if (!st && verbose) {
        slant_suggest_stats s;
        slant_suggestions_stats(res, &s);
        cli_error("%zu picked of %zu documents (%zu labeled already); %zu examined, %zu "
                  "skipped as too similar (cosine), %zu as near-duplicates%s",
                  slant_suggestions_count(res), s.pool, s.labeled, s.examined,
                  s.skipped_similar, s.skipped_dups,
                  s.dups_checked ? "" : " (not looked for)");
    }
    slant_format out_fmt = json ? SLANT_FORMAT_JSONL : SLANT_FORMAT_TSV;
    if (!st)
        st = output ? slant_suggestions_save(res, model, pool, out_fmt, output, &err)
                    : slant_suggestions_write(res, model, pool, out_fmt, stdout, &err);
    rc = st ? cli_fail(st, &err) : EXIT_OK;
    slant_suggestions_free(res);
    slant_corpus_free(pool);
    slant_model_free(model);
    return rc;
}
