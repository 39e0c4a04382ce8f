/*
 * slant.h: the public interface of libslant, a local text classifier.
 *
 * libslant turns UTF-8 text into sparse n-gram vectors, trains naive Bayes
 * and logistic-regression classifiers with one head per label set, saves
 * them to a checked binary model file, and labels new text with
 * probabilities.  The slant program is a thin layer over these calls.
 *
 * Conventions
 * - Every call that can fail returns an slant_status and, when it fails and
 *   the caller passed a non-NULL slant_error, fills err->message with a
 *   sentence naming the file and line (or byte offset) of the bad input.
 *   The library never prints and never exits; log lines go through the
 *   callback set with slant_set_log().
 * - Ownership: a function that returns an object through an out pointer
 *   (`**out`) hands it to the caller, who frees it with the matching
 *   slant_<thing>_free().  Every free function accepts NULL.  Strings
 *   returned by accessors belong to their object and live as long as it.
 *   No object keeps a pointer to memory the caller passed in: a model
 *   never borrows its training corpus.
 * - Thread safety: distinct objects may be used from distinct threads; a
 *   loaded model may be shared read-only by any number of threads.
 */
#ifndef SLANT_H
#define SLANT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define SLANT_API __attribute__((visibility("default")))
#else
#define SLANT_API
#endif

#define SLANT_VERSION "0.1.0"

/* Statuses; the program maps them to exit codes (see slant(1)). */
typedef enum slant_status {
    SLANT_STATUS_OK = 0,
    SLANT_STATUS_BAD_INPUT,   /* a corpus, text or value is malformed */
    SLANT_STATUS_BAD_MODEL,   /* a model file is corrupt, truncated or foreign */
    SLANT_STATUS_BAD_OPTION,  /* an option is out of range or inconsistent */
    SLANT_STATUS_IO,          /* the system refused a read or a write */
    SLANT_STATUS_NO_MEMORY,   /* an allocation failed */
    SLANT_STATUS_INTERNAL     /* a bug in slant */
} slant_status;

SLANT_API const char *slant_status_str(slant_status status);

typedef struct slant_error {
    char message[512];
} slant_error;

/* Log lines (progress, warnings) go here; the default drops them.  A
 * warning's line starts with "warning: " (something the caller should hear
 * of even when it hides progress: an option that changes nothing, a label
 * column that looks like an identifier). */
typedef void (*slant_log_fn)(const char *line, void *user);
SLANT_API void slant_set_log(slant_log_fn fn, void *user);

/* Progress of a long call: STAGE names it ("train", "cv", "tune",
 * "audit"), DONE of TOTAL units (UNIT: "steps", "folds", "trials"; TOTAL 0
 * when unknown).  A stage is reported first with DONE 0 and, when it
 * completes, last with DONE == TOTAL; one that fails stops without that
 * last report.  Only the outermost long call reports: cv's folds, not the
 * training inside each fold.  Calls come from the thread that made the
 * library call or from one of its workers, under a lock, never
 * concurrently; between its first and its last report a stage is
 * reported at most about 20 times a second.  The default (NULL) reports
 * nothing, at no cost; progress never changes a result. */
typedef void (*slant_progress_fn)(const char *stage, const char *unit, uint64_t done,
                                  uint64_t total, void *user);
SLANT_API void slant_set_progress(slant_progress_fn fn, void *user);

/* One non-zero entry of a sparse vector. */
typedef struct slant_feature {
    uint32_t index;
    float value;
} slant_feature;

/* ------------------------------------------------------------------ */
/* Corpora                                                             */
/* ------------------------------------------------------------------ */

typedef enum slant_format {
    SLANT_FORMAT_AUTO = 0,
    SLANT_FORMAT_TSV,      /* header row; label columns, an optional id, a text column */
    SLANT_FORMAT_JSONL,    /* one JSON object per line: "text", optional "id", labels */
    SLANT_FORMAT_FASTTEXT, /* __label__X text, one document per line; head "label" */
    SLANT_FORMAT_DIR,      /* DIR/<label>/<file>, one document per file; head "label" */
    SLANT_FORMAT_LINES,    /* one unlabeled document per line */
    SLANT_FORMAT_TEXT,     /* one unlabeled document: the whole file */
    SLANT_FORMAT_LIBSVM,   /* LIBSVM/svmlight vectors, "LABEL FEATURE:VALUE ...", one per
                            * line; head "label" (or FILE.map.tsv's), classes from
                            * FILE.map.tsv when it is there, 0 there meaning none */
    SLANT_FORMAT_HTML,     /* one unlabeled web page, its text as slant_page_text gives it;
                            * by name a .html or .htm file (in a folder corpus too) */
    SLANT_FORMAT_WARC      /* a web archive (WARC/1.0, 1.1), plain or gzip member by
                            * member: each HTTP response record with an HTML payload is a
                            * document, its id the WARC-Target-URI; bad records are
                            * skipped with a warning naming their byte offset */
} slant_format;

/* Parses "tsv", "jsonl", "fasttext", "dir", "lines", "text", "libsvm",
 * "html", "warc"; -1 if unknown. */
SLANT_API int slant_format_parse(const char *name);
SLANT_API const char *slant_format_name(slant_format format);

/* A labeled (or unlabeled) set of documents held in memory.  Each document
 * has an id, a text and one label per label column ("head"); a missing
 * label is NULL. */
typedef struct slant_corpus slant_corpus;

/* Reads PATH ("-" for standard input, except for SLANT_FORMAT_DIR).  With
 * SLANT_FORMAT_AUTO the format comes from the name, then the content.  The
 * same as slant_corpus_read_with with FORMAT and every other read option
 * at its default. */
SLANT_API slant_status slant_corpus_read(const char *path, slant_format format,
                                         slant_corpus **out, slant_error *err);

/* The most bytes a document may hold unless told otherwise: far more than
 * any article, and small enough that labeling one (about a dozen bytes of
 * memory per byte of text) stays within an ordinary machine. */
#define SLANT_MAX_DOC_BYTES ((size_t)16 << 20)

/* How a corpus is read.  Every reader applies one rule to names: each
 * label, head name and id must be valid UTF-8 without control characters
 * (they reach TSV cells, JSON strings and fastText tags), and one that is
 * not stops the reading with its file and line.  A document's id, where
 * the input gives none, is its record's number counting every line: a TSV
 * row's number after the header, the line number in the other line
 * formats (empty lines are skipped but counted).  A TSV column or JSONL
 * key whose name starts with '#' is a note (slant_suggestions_write puts the
 * model's guesses in such columns): read as neither the id nor a head, so
 * that a corpus of suggestions trains as an ordinary one, unless it is
 * named as the text or the group column. */
typedef struct slant_read_options {
    slant_format format;       /* SLANT_FORMAT_AUTO: from the name, then the content */
    const char *text_column;   /* TSV column or JSONL key of the text; NULL: "text" */
    const char *const *ignore; /* n_ignore TSV columns or JSONL keys that are neither the
                                * text, the id nor a head; naming one the corpus lacks,
                                * or its text, is an error (a format without columns
                                * only warns that it has none, as for text_column) */
    size_t n_ignore;
    int texts_only;            /* 1: the text and the id only: every other column or key,
                                * of any type, is ignored and the corpus has no heads */
    int text_fallback;         /* with SLANT_FORMAT_AUTO: a name that implies no format is
                                * one text document; a folder is a folder of articles,
                                * each regular file in it one text document (one that
                                * holds only folders is refused: it looks like a
                                * labeled DIR/<label>/<file> corpus); standard input is
                                * one text document when its content fits no corpus
                                * format, and an error when it is empty */
    int ids_with_path;         /* 1: a default id is "PATH:N", not "N", so that the
                                * records of several inputs stay apart */
    size_t max_doc_bytes;      /* 0: SLANT_MAX_DOC_BYTES.  A longer document (a line of a
                                * line format, a whole file of the text and folder
                                * formats) is refused, and never held whole: memory
                                * stays near this bound plus a read chunk */
    const char *group_column;  /* a TSV column or JSONL key whose values group the documents
                                * (an outlet, a domain, a story id): kept apart from the
                                * heads, read by slant_corpus_group; NULL: none.  A corpus
                                * that lacks it is an error, as a format without columns
                                * is; an empty cell (JSON null or "") is no group, and
                                * the document is then a group of its own */
    const char *labels_path;   /* a TSV of labels kept apart from the texts: a header naming
                                * an "id" (or "url") column and the heads, then a row per
                                * document, joined on the document's id (a WARC record's
                                * is its URI).  Its heads replace the corpus's own; a
                                * document without a row has no labels, and the end of
                                * the reading warns of how many had none.  NULL: none;
                                * ignored with texts_only */
} slant_read_options;

/* Fills the defaults: SLANT_FORMAT_AUTO, the text in "text", nothing
 * ignored, labels read, no text fallback, numbered ids, documents up to
 * SLANT_MAX_DOC_BYTES. */
SLANT_API void slant_read_options_init(slant_read_options *opt);
/* Reads PATH as OPT says (NULL: the defaults). */
SLANT_API slant_status slant_corpus_read_with(const char *path, const slant_read_options *opt,
                                              slant_corpus **out, slant_error *err);
/* Builds a corpus from memory; texts and labels are copied.
 * labels is n_docs x n_heads, row-major; entries may be NULL.  Head names
 * and labels follow the rule for names (see slant_read_options). */
SLANT_API slant_status slant_corpus_from_memory(size_t n_docs, const char *const *texts,
                                                size_t n_heads, const char *const *head_names,
                                                const char *const *labels,
                                                slant_corpus **out, slant_error *err);
SLANT_API void slant_corpus_free(slant_corpus *corpus);
SLANT_API size_t slant_corpus_size(const slant_corpus *corpus);
SLANT_API size_t slant_corpus_heads(const slant_corpus *corpus);
SLANT_API const char *slant_corpus_head_name(const slant_corpus *corpus, size_t head);
SLANT_API const char *slant_corpus_id(const slant_corpus *corpus, size_t doc);
SLANT_API const char *slant_corpus_text(const slant_corpus *corpus, size_t doc, size_t *len);
SLANT_API const char *slant_corpus_label(const slant_corpus *corpus, size_t doc, size_t head);
/* The group column the corpus was read with (slant_read_options'
 * group_column, or slant_corpus_set_groups), NULL when none. */
SLANT_API const char *slant_corpus_group_name(const slant_corpus *corpus);
/* Document DOC's group, NULL when it has none (or the corpus no groups). */
SLANT_API const char *slant_corpus_group(const slant_corpus *corpus, size_t doc);
/* Gives every document of CORPUS a group: VALUES has one entry per
 * document (NULL or "" for none), copied; NAME names the grouping.  Values
 * and the name follow the rule for names.  Replaces groups set before. */
SLANT_API slant_status slant_corpus_set_groups(slant_corpus *corpus, const char *name,
                                               const char *const *values, slant_error *err);
/* The number of distinct groups among the documents of CORPUS, a document
 * without one counting as a group of its own; 0 when it has no groups. */
SLANT_API size_t slant_corpus_group_count(const slant_corpus *corpus);
/* 1 when the corpus holds vectors (a LIBSVM file: each text is its
 * "FEATURE:VALUE ..." part), not text. */
SLANT_API int slant_corpus_holds_vectors(const slant_corpus *corpus);
/* Reading a corpus a batch at a time, so that memory holds a batch and not
 * the input: TSV, JSONL, fastText and lines files and streams ("-" for
 * standard input) are read as they come; the text and folder formats come
 * as one batch.  Formats as for slant_corpus_read. */
typedef struct slant_reader slant_reader;
SLANT_API slant_status slant_reader_open(const char *path, slant_format format,
                                         slant_reader **out, slant_error *err);
/* The same with read options (NULL: the defaults).  The reader keeps its
 * own copy of what OPT points to.  A folder of articles (text_fallback)
 * comes a batch of files at a time. */
SLANT_API slant_status slant_reader_open_with(const char *path, const slant_read_options *opt,
                                              slant_reader **out, slant_error *err);
/* The next batch into *batch (output), a corpus the caller frees: at most
 * MAX_DOCS documents, fewer once their texts pass MAX_BYTES, or once a
 * stream has no more ready (only a batch's first document is waited for).
 * NULL at the end of the input.  Ids without a column in the input are
 * record numbers in the whole input, not in the batch.  Bad input fails
 * with its line once every document before it has come in a batch, and
 * ends the reading.  A document past the max_doc_bytes of
 * slant_read_options fails the same way, having been read no further
 * than that.  fastText batches hold the
 * texts only: which heads a fastText file has depends on all its tags (read
 * it with slant_corpus_read for them). */
SLANT_API slant_status slant_reader_next(slant_reader *r, size_t max_docs, size_t max_bytes,
                                         slant_corpus **batch, slant_error *err);
SLANT_API void slant_reader_free(slant_reader *reader);
/* The format the reader reads (as detected, for SLANT_FORMAT_AUTO). */
SLANT_API slant_format slant_reader_format(const slant_reader *reader);
/* Bytes of the input the batches so far came from (a byte order mark
 * included), for a progress display against the input's size; 0 for the
 * text and folder formats, which have no position in one stream. */
SLANT_API uint64_t slant_reader_bytes(const slant_reader *reader);
/* The rest of the input as one corpus into *out (output; NULL when nothing
 * is left).  Called before any batch was taken, it reads what
 * slant_corpus_read_with would, fastText's heads included: this is how a
 * caller that opened a stream to learn its format reads it whole. */
SLANT_API slant_status slant_reader_rest(slant_reader *reader, slant_corpus **out,
                                         slant_error *err);
/* The text of a web page: the HTML[0, LEN) bytes, in CHARSET (an HTTP
 * Content-Type's charset; NULL: the one a <meta> in the page names, else
 * UTF-8), into *text (output, NUL-terminated, *text_len bytes when
 * TEXT_LEN is not NULL; free it with slant_page_text_free).  The text is the
 * page's <title>, then the text blocks of its body (of its <article>s, or
 * its <main>, when it has them; else of the element whose <p> children
 * hold half its text), a block a line, whitespace collapsed and
 * entities decoded; scripts, styles, navigation, headers, footers, asides,
 * forms and elements whose class or id says cookie banner, menu, sharing,
 * related stories or comments are dropped (features/html.c lists the
 * rules).  Always valid UTF-8 without control characters but '\n': bytes
 * that are not characters in the charset become U+FFFD.  Any bytes are a
 * page (libxml2's recovering HTML parser; nothing is fetched); one with no
 * text gives "".  Fails only on a page over INT_MAX bytes or no memory. */
SLANT_API slant_status slant_page_text(const char *html, size_t len, const char *charset,
                                       char **text, size_t *text_len, slant_error *err);
SLANT_API void slant_page_text_free(char *text);

/* Keeps only the named heads, in the given order.  Fails on an unknown name. */
SLANT_API slant_status slant_corpus_select_heads(slant_corpus *corpus, const char *const *names,
                                                 size_t n_names, slant_error *err);

/* ------------------------------------------------------------------ */
/* Training                                                            */
/* ------------------------------------------------------------------ */

typedef enum slant_model_kind {
    SLANT_MODEL_KIND_NB = 0, /* multinomial naive Bayes */
    SLANT_MODEL_KIND_CNB,    /* complement naive Bayes */
    SLANT_MODEL_KIND_LR,     /* logistic regression, L2 (see slant_solver) */
    SLANT_MODEL_KIND_NBSVM,  /* NBSVM: an SVM on naive-Bayes-scaled features, interpolated
                              * toward naive Bayes (Wang and Manning 2012), calibrated */
    SLANT_MODEL_KIND_SVM     /* C-SVC through libsvm, with libsvm's Platt probabilities */
} slant_model_kind;

SLANT_API int slant_model_kind_parse(const char *name); /* "nb", "cnb", "lr", "nbsvm", "svm"; -1 */
SLANT_API const char *slant_model_kind_name(slant_model_kind kind);

/* How lr is fitted. */
typedef enum slant_solver {
    SLANT_SOLVER_DUAL = 0, /* dual coordinate descent; each class against the rest when a
                            * head has more than two, the bias regularized too */
    SLANT_SOLVER_LBFGS     /* L-BFGS on the softmax (multinomial) objective, its dense
                            * vector math on OpenBLAS; the biases not regularized */
} slant_solver;

SLANT_API int slant_solver_parse(const char *name); /* "dual", "lbfgs"; -1 */
SLANT_API const char *slant_solver_name(slant_solver solver);

/* The kernel of --model svm. */
typedef enum slant_kernel {
    SLANT_KERNEL_LINEAR = 0, /* <u, v>: folded into one weight vector per class at training */
    SLANT_KERNEL_RBF         /* exp(-gamma |u - v|^2): the support vectors kept in the model */
} slant_kernel;

SLANT_API int slant_kernel_parse(const char *name); /* "linear", "rbf"; -1 */
SLANT_API const char *slant_kernel_name(slant_kernel kernel);

/* The most --hash-bits: 16M buckets, 64 MiB of weights for each class
 * (the solvers ask for several times that). */
#define SLANT_MAX_HASH_BITS 24

/* Documents above which --model svm refuses to train unless forced:
 * libsvm's time grows about as the square of the documents. */
#define SLANT_SVM_MAX_DOCS 20000

/* How an n-gram's value in a document is computed. */
typedef enum slant_weighting {
    SLANT_WEIGHTING_COUNTS = 0, /* raw counts */
    SLANT_WEIGHTING_TFIDF,      /* (1 + ln count) * idf, then the row L2-normalized */
    SLANT_WEIGHTING_BINARY      /* 1 for every n-gram present (as NBSVM wants) */
} slant_weighting;

SLANT_API int slant_weighting_parse(const char *name); /* "counts", "tfidf", "binary"; -1 */
SLANT_API const char *slant_weighting_name(slant_weighting weighting);

/* Settings for a kind of corpus, applied before the options given one by
 * one (see slant_options_preset). */
typedef enum slant_preset {
    SLANT_PRESET_NONE = 0,
    SLANT_PRESET_NBSVM,    /* model nbsvm, binary weighting, min_count 1, no class
                            * weights: sentiment, subjectivity, spam */
    SLANT_PRESET_HEADLINES /* keep_case, class_weight: short news texts, classes of
                            * unequal size */
} slant_preset;

SLANT_API int slant_preset_parse(const char *name); /* "nbsvm", "headlines"; -1 */
SLANT_API const char *slant_preset_name(slant_preset preset);

/* How train maps a head's probabilities to calibrated ones (see the
 * section "Calibration and abstention" below). */
typedef enum slant_calibration {
    SLANT_CALIBRATION_NONE = 0,    /* the model's own probabilities */
    SLANT_CALIBRATION_AUTO,        /* temperature or none, whichever has the lower
                                    * out-of-fold log loss: the labels never move */
    SLANT_CALIBRATION_SIGMOID,     /* Platt: sigmoid(a * logit + b), per class past two */
    SLANT_CALIBRATION_TEMPERATURE, /* softmax(log p / T): never moves the argmax */
    SLANT_CALIBRATION_ISOTONIC     /* a monotone step map per class, interpolated */
} slant_calibration;

typedef struct slant_options {
    slant_model_kind model;
    /* Features */
    uint32_t word_min, word_max; /* word n-grams word_min..word_max; 0..0 = none */
    uint32_t char_min, char_max; /* character n-grams within words; 0..0 = none */
    uint32_t hash_bits;          /* > 0: hash into 2^hash_bits buckets; 0: vocabulary */
    uint32_t min_count;          /* vocabulary: keep n-grams seen at least this often */
    slant_weighting weighting;
    int punct;                   /* 1: punctuation marks and symbols are tokens too */
    int keep_case;               /* 1: tokens keep their case (no case folding) */
    /* Naive Bayes (nb, cnb) and NBSVM */
    double alpha;                /* additive smoothing (nbsvm: of its log-count ratios);
                                  * 0: the model's default, 0.1, or for nbsvm chosen by
                                  * an inner cross-validation from 0.5 and 1; < 0:
                                  * chosen so ("auto"), nbsvm only */
    /* NBSVM */
    double beta;                 /* interpolation toward the SVM in [0, 1]; < 0: chosen by
                                  * the inner cross-validation */
    /* Logistic regression: minimize 0.5|W|^2 + c * sum_i loss_i (nbsvm: its SVM's c;
     * svm: libsvm's C) */
    slant_solver solver;         /* lr only */
    double c;                    /* lr, nbsvm, svm; 0: the model's default, 10 (lr), 0.1
                                  * (nbsvm) or 1 (svm) */
    uint32_t max_iter;           /* lr, nbsvm: passes (dual; nbsvm's solver is dual too)
                                  * or iterations (lbfgs); 0: 1000 or 200 */
    double tol;                  /* lr, nbsvm: stop when the solver's measure of
                                  * optimality, the largest dual derivative of a pass
                                  * (dual) or |grad| (lbfgs), is tol times its first;
                                  * 0: 0.01 or 1e-4; svm: libsvm's eps, 0: 0.001 */
    int class_weight;            /* 1 (the default): weight classes inversely to their
                                  * frequency (every model); 0: none */
    int nb_scale;                /* lr: 1 scales each feature by its naive-Bayes
                                  * log-count ratio before fitting (NBSVM-style) */
    /* SVM (libsvm's C-SVC; its C is c above, default 1, tol its eps, 0.001) */
    slant_kernel kernel;
    double gamma;                /* rbf: 0 for 1 / (features x variance of the values) */
    int force;                   /* 1: train svm past SLANT_SVM_MAX_DOCS documents */
    /* Running */
    uint32_t threads;            /* 0: all cores */
    uint64_t seed;
    /* Appended last, so that the fields above keep their places */
    slant_preset preset;         /* the preset the settings started from, recorded in
                                  * the provenance; NONE by default */
    /* Calibration (see "Calibration and abstention") */
    slant_calibration calibrate; /* AUTO by default */
    const char *target_precision; /* NULL: none; "P" for every head, or
                                   * "HEAD=P,HEAD=P" (P in (0, 1]): store per class the
                                   * threshold of precision P at the largest coverage;
                                   * borrowed while training, recorded in the model */
} slant_options;

/* Fills the defaults: lr by the dual solver, word 1-2-grams of tokens that
 * include punctuation, case folded, vocabulary with min_count 2, tf-idf
 * weighting, alpha, beta and c the model's own
 * (0, -1 and 0), the solver's own limits (max_iter and tol 0), balanced
 * class weights, all cores, seed 1, no preset. */
SLANT_API void slant_options_init(slant_options *opt);
/* Sets what PRESET sets and records it in opt->preset.  Apply it first:
 * options given one by one then override it. */
SLANT_API void slant_options_preset(slant_options *opt, slant_preset preset);
/* Checks ranges and consistency; fills err on failure.  An option that
 * means nothing for the chosen model (c for nb, alpha for lr, gamma
 * without the rbf kernel, ...) is refused when it differs from its
 * default. */
SLANT_API slant_status slant_options_check(const slant_options *opt, slant_error *err);
/* The same rule for one option that was given, whatever its value (a
 * value equal to the default cannot be told from none in OPT): NAME is the
 * option as the program spells it, without its dashes ("c", "solver",
 * "seed", ...).  Refuses it (SLANT_STATUS_BAD_OPTION, naming it) when it
 * means nothing for the model OPT describes, and a name that is no
 * training option. */
SLANT_API slant_status slant_options_check_option(const slant_options *opt, const char *name,
                                                  slant_error *err);

typedef struct slant_model slant_model;

/* Trains one model with one head per label column of CORPUS.  Documents
 * with a missing label are left out of that head only.  The provenance
 * (corpus hash, options, label counts) is recorded in the model. */
SLANT_API slant_status slant_train(const slant_corpus *corpus, const slant_options *opt,
                                   slant_model **out, slant_error *err);
/* The same model (the same bytes), with less memory: each document's text
 * is released as soon as training has read it for the last time, so that
 * the corpus's texts and the feature matrix built from them are never
 * held whole at once.  CORPUS is then left with its ids, labels and
 * groups, every text reading as "" (also when training fails: its texts
 * may then be partly released); free it as usual. */
SLANT_API slant_status slant_train_consume(slant_corpus *corpus, const slant_options *opt,
                                           slant_model **out, slant_error *err);
/* The same on the documents listed in DOCS (cross-validation folds). */
SLANT_API slant_status slant_train_subset(const slant_corpus *corpus, const size_t *docs,
                                          size_t n_docs, const slant_options *opt,
                                          slant_model **out, slant_error *err);

/* Training past memory.  slant_train_stream reads the corpus at PATH
 * with a slant_reader a batch at a time, in passes, so that its memory
 * holds a batch, the features' sums and the weights, never the corpus:
 * peak memory does not grow with the corpus.  The features are hashed
 * (opt->hash_bits, which must be set) or, with so->features, the fixed
 * pipeline of an existing model (its vocabulary or buckets and its idf,
 * and its feature settings in place of OPT's).
 * - nb, cnb: pass 1 counts the buckets' document frequencies for tf-idf
 *   (skipped without tf-idf or with fixed features: one pass then, which
 *   standard input allows); the last pass sums each class's feature
 *   values.  The model equals slant_train's on the same hashed features
 *   (uncalibrated), and carries the sums (the NB_COUNTS section) that
 *   slant_model_merge adds.
 * - lr: pass 1 counts the classes (and the document frequencies); pass
 *   2 fits one model on each chunk of so->chunk_bytes of text, in the
 *   chunk's memory, and averages their weights by labeled documents (one
 *   round of parameter mixing, McDonald, Hall and Mann 2010).  A chunk
 *   that lacks a class of a head does not count for that head.  Class
 *   weights are each chunk's, and each chunk's c is opt->c times the
 *   head's labeled documents over the chunk's, so that its objective
 *   estimates the whole corpus's (one chunk: the in-memory fit).  Its accuracy is below the in-memory fit's
 *   (bench/results/2026-12-02-stream.md).
 * Calibration needs out-of-fold probabilities, that is the corpus held
 * by folds: a streamed model is not calibrated (opt->calibrate AUTO is
 * taken as NONE; another method or a target precision is refused), nor
 * tuned.  Passes past one refuse standard input ("-"), which cannot be
 * read twice.  Formats as slant_reader_open_with's, but fastText (whose
 * batches carry no labels) and LIBSVM vectors.  The result depends on
 * the input, OPT and the seed, not on the thread count. */
typedef struct slant_stream_options {
    const slant_read_options *read; /* how PATH is read; NULL: the defaults */
    const char *const *heads;       /* the n_heads label columns to learn, in this order;
                                     * NULL: every one */
    size_t n_heads;
    const slant_model *features;    /* NULL: hashed features fitted on the corpus; else
                                     * this model's pipeline, fixed beforehand (borrowed for
                                     * the call) */
    size_t batch_docs;              /* documents a batch; 0: 4096 */
    size_t batch_bytes;             /* text bytes a batch; 0: 16 MiB */
    size_t chunk_bytes;             /* lr: text bytes of each chunk fitted (a chunk ends with
                                     * the batch that reaches them); 0: 32 MiB */
} slant_stream_options;

/* Fills the defaults: read defaults, every head, hashed, the sizes above. */
SLANT_API void slant_stream_options_init(slant_stream_options *so);
SLANT_API slant_status slant_train_stream(const char *path, const slant_options *opt,
                                          const slant_stream_options *so, slant_model **out,
                                          slant_error *err);

/* Merges models of disjoint shards of a corpus into *out (output).
 * Without AVERAGE: naive Bayes (nb, cnb) models that carry their sums
 * (the NB_COUNTS section: hashed or streamed training), with the same
 * kind, feature settings, features, idf (their pipelines must be the same
 * bytes), alpha, class weights and heads in the same order; classes may
 * differ (a shard may lack one).  The sums and class counts are added and
 * the weights computed again: the result is the model that training on
 * the union of the shards gives, to rounding (its probabilities agree
 * within 1e-9).  Tf-idf normalizes each document by all its features'
 * idf, so shards whose idf differ cannot be added exactly and are
 * refused: give them the same features (slant_stream_options'
 * features, `train --stream --vocab MODEL`), or use counts or binary
 * weighting.  With AVERAGE: lr models of the same settings, heads and
 * classes, their weights and biases (and idf) averaged, each weighed by
 * its training documents (parameter mixing); a model of vocabulary needs
 * the same vocabulary.  Calibration is not carried over (a merged model
 * is uncalibrated).  A mismatch is refused (SLANT_STATUS_BAD_OPTION),
 * naming the two models and the setting that differs.  NAMES (may be NULL) names the models in messages (their
 * files); else they are "model 1", "model 2", ...  Needs at least two. */
SLANT_API slant_status slant_model_merge(const slant_model *const *models,
                                         const char *const *names, size_t n_models, int average,
                                         slant_model **out, slant_error *err);

/* Writes CORPUS as LIBSVM/svmlight sparse vectors to PATH, one line per
 * document: the class number of head HEAD (NULL: the model's first head,
 * else the corpus's first; 1..k in sorted order, a model's own classes
 * first; 0 for no label), then FEATURE:VALUE pairs, 1-based and
 * increasing.  The features are MODEL's (may be NULL), or else fitted on
 * CORPUS with OPT's settings.  PATH.map.tsv maps the numbers back to
 * classes and n-grams.  Both files are replaced whole, or not at all. */
SLANT_API slant_status slant_corpus_write_libsvm(const slant_corpus *corpus,
                                                 const slant_options *opt,
                                                 const slant_model *model, const char *head,
                                                 const char *path, slant_error *err);

/* ------------------------------------------------------------------ */
/* Models                                                              */
/* ------------------------------------------------------------------ */

/* Writes MODEL to PATH through a temporary file in the same folder that is
 * flushed and renamed into place: PATH is replaced whole or not at all.
 * Files are created with mode 0666 less the umask.  Only a regular file is
 * replaced: a PATH that is a device, a FIFO, a socket or a folder is
 * refused (SLANT_STATUS_BAD_OPTION) and left alone; a symbolic link is
 * written through (the regular file it leads to is replaced and the link
 * stays), and one that leads to nothing or to anything else is refused.
 * The same holds for every file the library writes. */
SLANT_API slant_status slant_model_save(const slant_model *model, const char *path,
                                        slant_error *err);
/* Whether PATH could be written as slant_model_save writes it (the rules
 * above, the folder there and writable), checked without touching PATH:
 * a program calls it before a long training so that a bad -o fails fast. */
SLANT_API slant_status slant_output_check(const char *path, slant_error *err);
/* Maps PATH and checks it whole (magic, version, sizes, checksum) before use. */
SLANT_API slant_status slant_model_load(const char *path, slant_model **out, slant_error *err);
/* The same on bytes in memory, which are copied. */
SLANT_API slant_status slant_model_load_memory(const void *data, size_t size, const char *name,
                                               slant_model **out, slant_error *err);
SLANT_API void slant_model_free(slant_model *model);

SLANT_API size_t slant_model_heads(const slant_model *model);
SLANT_API const char *slant_model_head_name(const slant_model *model, size_t head);
SLANT_API size_t slant_model_classes(const slant_model *model, size_t head);
SLANT_API const char *slant_model_class_name(const slant_model *model, size_t head, size_t cls);
/* Position of head HEAD's first class in a probability array of
 * slant_model_total_classes() entries. */
SLANT_API size_t slant_model_class_offset(const slant_model *model, size_t head);
SLANT_API size_t slant_model_total_classes(const slant_model *model);
SLANT_API size_t slant_model_features(const slant_model *model);
SLANT_API slant_model_kind slant_model_kind_of(const slant_model *model);
/* Feature settings the model was trained with (the training fields of opt). */
SLANT_API void slant_model_options(const slant_model *model, slant_options *opt);
/* Provenance as "key=value" lines (version, date, options, corpus hash,
 * label counts), NUL-terminated. */
SLANT_API const char *slant_model_provenance(const slant_model *model);
/* Human-readable name of feature INDEX ("good movie", "#1234" if hashed). */
SLANT_API slant_status slant_model_feature_name(const slant_model *model, uint32_t index,
                                                char *buf, size_t size);
/* Whether head names NAMES[0..N) would make label's TSV output ambiguous:
 * a head "id" (the first column), or heads H and H_prob (H's probability
 * column).  NULL when not; else a sentence saying which and what to do,
 * written into BUF (SIZE bytes).  slant_train refuses such heads. */
SLANT_API const char *slant_heads_clash(const char *const *names, size_t n, char *buf,
                                        size_t size);
/* 1 when the model was trained on vectors (a LIBSVM file), and labels
 * vectors, not text. */
SLANT_API int slant_model_takes_vectors(const slant_model *model);
/* Support vectors an RBF head keeps, and its gamma into *gamma (output, may
 * be NULL); 0 for a head of weights. */
SLANT_API size_t slant_model_support_vectors(const slant_model *model, size_t head,
                                             double *gamma);
/* Weight of feature INDEX for class CLS of HEAD (log-probability for nb;
 * 0 for an RBF head, which has no weights). */
SLANT_API float slant_model_weight(const slant_model *model, size_t head, size_t cls,
                                   uint32_t index);

/* ------------------------------------------------------------------ */
/* Labeling                                                            */
/* ------------------------------------------------------------------ */

/* Turns TEXT into the model's feature vector.  Writes at most CAP entries to
 * OUT (sorted by index, no duplicates) and returns the number there would be;
 * call again with a larger buffer if it exceeds CAP. */
SLANT_API size_t slant_model_vectorize(const slant_model *model, const char *text, size_t len,
                                       slant_feature *out, size_t cap);
/* Labels TEXT.  PROBS (output) receives slant_model_total_classes() values:
 * each head's class probabilities, summing to 1 per head.  BEST (output,
 * may be NULL) receives each head's most probable class. */
SLANT_API slant_status slant_model_predict(const slant_model *model, const char *text,
                                           size_t len, double *probs, size_t *best,
                                           slant_error *err);

/* Labels documents [first, first + count) of CORPUS on THREADS threads (0:
 * every core).  PROBS (output): count x slant_model_total_classes();
 * BEST (output, may be NULL): count x slant_model_heads().  The result does
 * not depend on the thread count. */
SLANT_API slant_status slant_model_predict_corpus(const slant_model *model,
                                                  const slant_corpus *corpus, size_t first,
                                                  size_t count, uint32_t threads, double *probs,
                                                  size_t *best, slant_error *err);

/* Throughput of the labeling stages on documents [0, n) of a corpus.
 * Each stage runs `repeats` times over every document and keeps its fastest
 * time: tokenize (split and normalize), hash (tokenize, then n-gram hashes),
 * vectorize (all of feature extraction: lookup, tf-idf) and label (the
 * whole of slant_model_predict_corpus). */
typedef struct slant_bench_result {
    size_t documents;
    uint64_t bytes;     /* text bytes */
    uint32_t threads;
    double tokenize_s, hash_s, vectorize_s, label_s;
} slant_bench_result;

SLANT_API slant_status slant_model_benchmark(const slant_model *model, const slant_corpus *corpus,
                                             uint32_t threads, uint32_t repeats,
                                             slant_bench_result *out, slant_error *err);

/* ------------------------------------------------------------------ */
/* Explanations                                                        */
/* ------------------------------------------------------------------ */

/* Why a head of weights chose its label for one text, in the model's own
 * score units.  The score of class c is bias[c] + sum_j x_j w[j][c] over
 * the text's features x_j (their values after weighting: tf-idf and L2
 * normalization included), before any mapping to probabilities.  Against
 * the runner-up r (the other class of the highest score) of the chosen
 * class c, the label slant_model_predict reports:
 *   margin       = score(c) - score(r), >= 0 unless a calibration map
 *                  other than temperature moved the label off the top score
 *   intercept    = bias[c] - bias[r]
 *   contribution = x_j (w[j][c] - w[j][r]) for each feature j of the text
 * so that intercept + every contribution = margin, but for rounding.  A
 * contribution above 0 pushed toward c, one below 0 toward r; one of 0
 * (both classes weigh the feature alike) is in neither list.  Every
 * linear kind explains: nb, cnb, lr (either solver), nbsvm and svm with
 * the linear kernel; an RBF svm head has no weights to split its score
 * by, and is refused.  A head of one class (which training refuses but a
 * model file may hold) has no runner-up: its label is certain whatever
 * the text, and its explanation is all zero, with no n-grams. */
typedef struct slant_contribution {
    uint32_t feature;    /* the model's feature (slant_model_feature_name names it:
                          * "#N" for a bucket of a hashed model) */
    uint32_t count;      /* its occurrences in the text, before weighting (a bucket:
                          * of all the text's n-grams in it; a vector's feature: 1) */
    double contribution; /* x_j (w[j][chosen] - w[j][runner_up]) */
} slant_contribution;

/* One head's explanation for one text: plain data, one allocation, freed
 * with slant_explanation_free. */
typedef struct slant_explanation {
    size_t head;
    size_t chosen;           /* the label: slant_model_predict's best */
    size_t runner_up;        /* SIZE_MAX for a head of one class */
    double margin, intercept;
    size_t n_toward;         /* toward[0 .. n_toward): contribution > 0, largest first */
    slant_contribution *toward;
    size_t n_away;           /* away[0 .. n_away): contribution < 0, most negative first */
    slant_contribution *away;
    /* The n-grams of each side not listed, and their contributions summed:
     * intercept + the listed + rest_toward + rest_away = margin. */
    size_t more_toward, more_away;
    double rest_toward, rest_away;
} slant_explanation;
/* Ties in either list go to the smaller feature index. */

/* K for every n-gram of each side. */
#define SLANT_EXPLAIN_ALL SIZE_MAX

SLANT_API void slant_explanation_free(slant_explanation *e); /* accepts NULL */
/* SLANT_STATUS_OK when every head of MODEL can be explained; else
 * SLANT_STATUS_BAD_OPTION with the head that cannot (an RBF svm's). */
SLANT_API slant_status slant_model_explainable(const slant_model *model, slant_error *err);
/* Explains head HEAD's label of TEXT into *out (output): the K n-grams
 * that pushed hardest each way (SLANT_EXPLAIN_ALL: every one; 0: none,
 * the margin alone). */
SLANT_API slant_status slant_model_explain(const slant_model *model, const char *text,
                                           size_t len, size_t head, size_t k,
                                           slant_explanation **out, slant_error *err);
/* slant_model_predict_corpus with explanations: documents [first, first +
 * count) of CORPUS on THREADS threads, each vectorized once.  PROBS
 * (output) and BEST (output, may be NULL) as slant_model_predict_corpus's;
 * OUT (output): count x slant_model_heads() explanations, document-major,
 * which the caller frees each (all NULL after a failure).  The result
 * does not depend on the thread count. */
SLANT_API slant_status slant_model_explain_corpus(const slant_model *model,
                                                  const slant_corpus *corpus, size_t first,
                                                  size_t count, uint32_t threads, size_t k,
                                                  double *probs, size_t *best,
                                                  slant_explanation **out, slant_error *err);
/* slant_heads_clash for label's TSV output with explanations, where each
 * head H adds a column H_why after H and H_prob: NULL when every column
 * name is distinct, else a sentence saying which two clash, in BUF. */
SLANT_API const char *slant_explain_columns_clash(const char *const *names, size_t n, char *buf,
                                                  size_t size);

/* ------------------------------------------------------------------ */
/* Measuring                                                           */
/* ------------------------------------------------------------------ */

/* Per-head confusion counts of predictions against gold labels.  Classes
 * are the model's, followed by gold labels the model never saw. */
typedef struct slant_eval slant_eval;

SLANT_API slant_status slant_eval_new(const slant_model *model, slant_eval **out,
                                      slant_error *err);
/* The same for the named heads of MODEL only (all of them when NAMES is
 * NULL): a corpus then needs label columns for those heads alone. */
SLANT_API slant_status slant_eval_new_heads(const slant_model *model, const char *const *names,
                                            size_t n_names, slant_eval **out, slant_error *err);
/* Creates an accumulator with explicit heads and classes (cross-validation
 * pools several models that share them). */
SLANT_API slant_status slant_eval_new_like(const slant_eval *proto, slant_eval **out,
                                           slant_error *err);
SLANT_API void slant_eval_free(slant_eval *ev);
/* Records one document: gold labels (NULL = missing) and predicted classes,
 * both indexed by head. */
SLANT_API slant_status slant_eval_add(slant_eval *ev, const char *const *gold, const size_t *pred,
                                      slant_error *err);
/* Labels documents docs[0..n_docs) of CORPUS (every document when docs is
 * NULL, whatever n_docs) with MODEL and records them.  The corpus must have
 * a label column for each of EV's heads (by name, any order); extra columns
 * are ignored.  A corpus read in batches is recorded a batch at a time. */
SLANT_API slant_status slant_eval_corpus(slant_eval *ev, const slant_model *model,
                                         const slant_corpus *corpus, const size_t *docs,
                                         size_t n_docs, uint32_t threads, slant_error *err);
SLANT_API size_t slant_eval_documents(const slant_eval *ev);
/* Documents with a gold label for HEAD (the others are not scored). */
SLANT_API uint64_t slant_eval_labeled(const slant_eval *ev, size_t head);
/* 1 when the documents recorded, whole corpora in order, are the very
 * corpus the model of slant_eval_new was trained on (its recorded count
 * and hash, over its heads' labels and the texts): the figures then
 * measure the fit to the training data, not labeling of new articles. */
SLANT_API int slant_eval_on_training_corpus(const slant_eval *ev);
SLANT_API size_t slant_eval_heads(const slant_eval *ev);
SLANT_API const char *slant_eval_head_name(const slant_eval *ev, size_t head);
SLANT_API size_t slant_eval_classes(const slant_eval *ev, size_t head);
SLANT_API const char *slant_eval_class_name(const slant_eval *ev, size_t head, size_t cls);
/* Count of documents of gold class G predicted as class P. */
SLANT_API uint64_t slant_eval_count(const slant_eval *ev, size_t head, size_t g, size_t p);

typedef struct slant_class_scores {
    double precision, recall, f1;
    uint64_t support;
} slant_class_scores;

SLANT_API double slant_eval_accuracy(const slant_eval *ev, size_t head);
SLANT_API double slant_eval_macro_f1(const slant_eval *ev, size_t head);
SLANT_API slant_class_scores slant_eval_class(const slant_eval *ev, size_t head, size_t cls);

/* ------------------------------------------------------------------ */
/* Calibration and abstention                                          */
/* ------------------------------------------------------------------ */

/* Training with opt->calibrate other than NONE, or with a target
 * precision, runs an inner cross-validation (SLANT_CALIBRATION_FOLDS
 * folds, grouped when the corpus has groups; near-duplicates are not
 * looked for) on the training documents with models that are not
 * calibrated, and fits each head's map on their out-of-fold
 * probabilities by minimizing log loss.  AUTO measures none, temperature,
 * sigmoid and isotonic by a cross-fit over the inner folds (each fold
 * scored by a map fitted on the others, the figures in the provenance) and
 * keeps temperature when it saves 0.5% of none's log loss, else none:
 * temperature never moves the argmax, and sigmoid and isotonic maps, which
 * can, moved labels on new outlets though they cost none out of fold
 * (they are fitted when named); it
 * leaves a head with fewer than SLANT_CALIBRATION_MIN_DOCS labeled
 * documents, or a class with fewer than SLANT_CALIBRATION_MIN_CLASS,
 * uncalibrated, with a log line (a method named explicitly is fitted
 * anyway, with a warning).  The map and the thresholds live in the model
 * file's CALIBRATION section; slant_model_predict, slant_model_predict_corpus
 * and the evaluation all give calibrated probabilities.  The choice and its
 * out-of-fold log loss and ECE before and after are in the provenance
 * ("calibration=HEAD ..." and "abstain=HEAD ..." lines).  The weights are
 * those of training without calibration. */
#define SLANT_CALIBRATION_FOLDS 3
#define SLANT_CALIBRATION_MIN_DOCS 100
#define SLANT_CALIBRATION_MIN_CLASS 10
#define SLANT_CALIBRATION_BINS 15  /* equal-width bins of the top probability */

/* "none", "auto", "sigmoid", "temperature", "isotonic"; -1 if unknown. */
SLANT_API int slant_calibration_parse(const char *name);
SLANT_API const char *slant_calibration_name(slant_calibration method);
/* The target precision SPEC (see slant_options) gives head HEAD: into
 * *p (output), 0 when it names other heads only.  Fails (BAD_OPTION, the
 * message naming the part) on a malformed spec or a P outside (0, 1]. */
SLANT_API slant_status slant_target_precision_of(const char *spec, const char *head, double *p,
                                                 slant_error *err);
/* Fails (BAD_OPTION) when SPEC names a head that CORPUS lacks. */
SLANT_API slant_status slant_target_precision_check(const char *spec, const slant_corpus *corpus,
                                                    slant_error *err);

/* The map head HEAD of MODEL applies (NONE when it has none). */
SLANT_API slant_calibration slant_model_calibration(const slant_model *model, size_t head);
/* The target precision HEAD's thresholds were chosen for; 0 when it has
 * none. */
SLANT_API double slant_model_target_precision(const slant_model *model, size_t head);
/* The threshold of class CLS of HEAD: labeling with the stored thresholds
 * gives the class when its (calibrated) probability is at least this; 0
 * when HEAD has no thresholds; above 1 when no threshold reached the
 * precision out of fold (the class is never given). */
SLANT_API double slant_model_threshold(const slant_model *model, size_t head, size_t cls);
/* Whether labeling abstains on HEAD for a document of probabilities PROBS
 * (slant_model_total_classes() entries, as slant_model_predict gives):
 * with BELOW >= 0, when the top probability is under BELOW; with BELOW < 0,
 * when it is under its class's stored threshold (never when the head has
 * none). */
SLANT_API int slant_model_abstains(const slant_model *model, size_t head, const double *probs,
                                   double below);

/* What an evaluation of probabilities says of one head (slant_eval_corpus
 * records them; slant_eval_add records none).  Log loss is the mean of
 * -ln p(gold), p clamped to 1e-15 (a gold label the model lacks has 0);
 * Brier the mean over documents of sum over classes of (p - [gold])^2;
 * ECE the expected calibration error over SLANT_CALIBRATION_BINS
 * equal-width bins of the top probability, the last closed: the sum over
 * bins of count/N x |accuracy - confidence|. */
typedef struct slant_calibration_bin {
    double lo, hi;      /* the bin's range of top probability */
    uint64_t count;     /* documents in it */
    double confidence;  /* their mean top probability (0 when none) */
    double accuracy;    /* the share of them labeled right (0 when none) */
} slant_calibration_bin;

typedef struct slant_calibration_report {
    uint64_t scored;    /* documents with a gold label and probabilities */
    double log_loss, brier, ece;
    slant_calibration_bin bins[SLANT_CALIBRATION_BINS];
} slant_calibration_report;

/* Coverage: the share of documents the stored thresholds label and the
 * accuracy on them, and the risk-coverage curve: the accuracy on the
 * share of documents of highest top probability (ties by corpus order). */
#define SLANT_COVERAGE_POINTS 6 /* 100, 90, 80, 70, 60 and 50 % */
typedef struct slant_coverage_report {
    uint64_t scored;
    int thresholds;     /* 1: the models had thresholds for the head; covered and
                         * accuracy below are theirs */
    uint64_t covered;   /* documents not abstained on */
    double coverage;    /* covered / scored */
    double accuracy;    /* on the covered ones (0 when none) */
    double curve_coverage[SLANT_COVERAGE_POINTS];
    double curve_accuracy[SLANT_COVERAGE_POINTS];
} slant_coverage_report;

/* Fill *out (output) for HEAD; return 0 when HEAD had no probabilities
 * recorded (out->scored is then 0). */
SLANT_API int slant_eval_calibration(const slant_eval *ev, size_t head,
                                     slant_calibration_report *out);
SLANT_API int slant_eval_coverage(const slant_eval *ev, size_t head, slant_coverage_report *out);

/* Leaks: where a model's n-grams come from.  A model trained on articles
 * of a few outlets learns the outlets as well as the classes: their names,
 * their page furniture, their typographic habits weigh heavily and say
 * nothing about an article from another outlet.  For each n-gram asked
 * about, slant_model_group_spread counts the documents of a grouped corpus
 * (slant_corpus_group: an outlet, a domain) that contain it, per group. */
typedef struct slant_ngram_spread {
    uint32_t feature;       /* the feature (n-gram) asked about */
    uint64_t docs;          /* documents of the corpus that contain it */
    size_t groups;          /* distinct groups among them, a document without a group
                             * counting as a group of its own */
    uint64_t top_docs;      /* how many of them are in its most common group */
    double top_share;       /* top_docs / docs (0 when docs is 0) */
    const char *top_group;  /* that group's name, NULL when the n-gram is in no
                             * document or its most common "group" is a document
                             * without one; belongs to the corpus.  Ties go to the
                             * name that sorts first (strcmp) */
    double top_group_share; /* that group's share of the corpus's documents: the
                             * top_share an n-gram spread like the corpus would have */
} slant_ngram_spread;

/* The defaults of the rule below: at least half of an n-gram's documents
 * in one group, as much as in all the others together, where an n-gram
 * used alike across G outlets of equal size has 1/G; and at least ten
 * documents, since fewer reach one half by chance (an n-gram of 5
 * documents over 6 equal outlets, about one time in five; of 10, about one
 * in eleven). */
#define SLANT_LEAK_SHARE 0.5
#define SLANT_LEAK_MIN_DOCS 10
/* 1 when S is concentrated in one group: s->docs >= MIN_DOCS, s->top_share
 * >= MIN_SHARE, and s->top_share is at least twice s->top_group_share (1
 * for a group of half the corpus or more: when one outlet holds most of
 * the corpus, most n-grams are mostly its own and only one found nowhere
 * else is its fingerprint); else 0. */
SLANT_API int slant_ngram_spread_concentrated(const slant_ngram_spread *s, double min_share,
                                              uint64_t min_docs);
/* For each of FEATURES[0..N_FEATURES) (feature indices of MODEL, repeats
 * allowed), its spread over the groups of CORPUS into OUT[i] (output,
 * N_FEATURES entries).  The texts go through MODEL's own pipeline, so the
 * n-grams are exactly the model's (hashed buckets included); the corpus's
 * labels are not read.  One pass over the corpus on THREADS threads (0:
 * every core); the result does not depend on the thread count.  Memory
 * grows as the corpus's groups times the distinct features asked about.
 * Fails on a corpus without groups (read it with a group column: --group
 * COLUMN), on a model trained on vectors or a corpus of vectors (their
 * features are no n-grams of text), and on a feature past the model's. */
SLANT_API slant_status slant_model_group_spread(const slant_model *model,
                                                const slant_corpus *corpus,
                                                const uint32_t *features, size_t n_features,
                                                uint32_t threads, slant_ngram_spread *out,
                                                slant_error *err);
/* ------------------------------------------------------------------ */
/* Unfamiliar articles and drift                                       */
/* ------------------------------------------------------------------ */

/* A model gives any text a label, even one made of n-grams it never saw in
 * training; what it knows of a text says how far to trust that label.  A
 * document's known share: of its n-gram occurrences, the share that are
 * features of the model (in its vocabulary); of its word tokens, the share
 * whose word (unigram) is one.  In a hashed model every n-gram has a
 * bucket, and a bucket counts as known when a training document filled
 * it, which only tf-idf's idf records: a hashed model without tf-idf, and
 * a model of vectors, have no known share (NaN); nor has a model without
 * word unigrams a word share.  A text without any n-gram knows nothing:
 * 0.  The training corpus's own mean shares are recorded in the model's
 * provenance (known_ngrams=, known_words=). */

/* Below this share of known n-grams an article is "unfamiliar" unless told
 * otherwise (measured in bench/results/2026-12-02-audit.md). */
#define SLANT_MIN_KNOWN 0.5
/* A batch's label mix this far from the training mix (total variation
 * distance, in [0, 1]) is drift. */
#define SLANT_DRIFT_DISTANCE 0.2
/* A batch whose mean known n-gram share is this far below the training
 * corpus's is unlike it. */
#define SLANT_DRIFT_KNOWN_DROP 0.15

/* TEXT's known shares into *ngram_share and *word_share (outputs, either
 * may be NULL; NaN where there is none, as said above). */
SLANT_API slant_status slant_model_known_share(const slant_model *model, const char *text,
                                               size_t len, double *ngram_share,
                                               double *word_share, slant_error *err);
/* slant_model_predict_corpus, and KNOWN (output, may be NULL): count x 2,
 * each document's known n-gram share, then its known word share.  The
 * shares cost a pass over each document's distinct n-grams, not a second
 * vectorizing. */
SLANT_API slant_status slant_model_predict_corpus_known(const slant_model *model,
                                                        const slant_corpus *corpus,
                                                        size_t first, size_t count,
                                                        uint32_t threads, double *probs,
                                                        size_t *best, double *known,
                                                        slant_error *err);
/* The training documents of class CLS of HEAD (0 past the end). */
SLANT_API uint64_t slant_model_class_count(const slant_model *model, size_t head, size_t cls);
/* The training corpus's mean known shares, as recorded in the provenance,
 * into *ngrams and *words (outputs, may be NULL): NaN where none is
 * (a model trained before they were recorded, or without a known share). */
SLANT_API void slant_model_training_known(const slant_model *model, double *ngrams,
                                          double *words);

/* What a batch of articles is compared with, and how strictly. */
typedef struct slant_drift_options {
    double min_known;      /* an article below this known n-gram share is unfamiliar;
                            * 0: SLANT_MIN_KNOWN */
    double max_distance;   /* a head whose predicted mix is further than this from its
                            * training mix has drifted; 0: SLANT_DRIFT_DISTANCE */
    double max_known_drop; /* a batch whose mean known n-gram share is further than this
                            * below the training corpus's is unlike it; 0:
                            * SLANT_DRIFT_KNOWN_DROP */
} slant_drift_options;

/* Fills the defaults above. */
SLANT_API void slant_drift_options_init(slant_drift_options *opt);

/* A batch's summary: documents, known shares and their distribution, the
 * predicted label mix of every head beside the training mix. */
typedef struct slant_drift slant_drift;

/* Number of bins of slant_drift_known_bin: [0, 0.2), [0.2, 0.4), ...,
 * [0.8, 1]. */
#define SLANT_DRIFT_BINS 5

/* A summary for MODEL's heads and classes (OPT NULL: the defaults); it
 * copies what it needs and keeps no pointer to MODEL. */
SLANT_API slant_status slant_drift_new(const slant_model *model, const slant_drift_options *opt,
                                       slant_drift **out, slant_error *err);
SLANT_API void slant_drift_free(slant_drift *d);
/* Records one labeled document: BEST, its class in each head (as
 * slant_model_predict gives it), and its known shares.  Fails on a class
 * past the model's. */
SLANT_API slant_status slant_drift_add(slant_drift *d, const size_t *best, double ngram_share,
                                       double word_share, slant_error *err);
/* Labels every document of CORPUS with MODEL (the summary's) and records
 * it. */
SLANT_API slant_status slant_drift_corpus(slant_drift *d, const slant_model *model,
                                          const slant_corpus *corpus, uint32_t threads,
                                          slant_error *err);
SLANT_API uint64_t slant_drift_documents(const slant_drift *d);
/* Mean known n-gram and word shares of the documents recorded (NaN when
 * none, or when the model has none). */
SLANT_API double slant_drift_known_ngrams(const slant_drift *d);
SLANT_API double slant_drift_known_words(const slant_drift *d);
/* Documents whose known n-gram share is in bin BIN (see SLANT_DRIFT_BINS). */
SLANT_API uint64_t slant_drift_known_bin(const slant_drift *d, size_t bin);
/* Documents below min_known: unfamiliar. */
SLANT_API uint64_t slant_drift_unfamiliar(const slant_drift *d);
/* 1 when the mean known n-gram share is more than max_known_drop below
 * the training corpus's (0 when either is unknown). */
SLANT_API int slant_drift_known_dropped(const slant_drift *d);
/* Documents predicted as class CLS of HEAD. */
SLANT_API uint64_t slant_drift_predicted(const slant_drift *d, size_t head, size_t cls);
/* Total variation distance, half the sum of the absolute differences of
 * the shares, between HEAD's predicted mix and its training mix (NaN with
 * no documents). */
SLANT_API double slant_drift_distance(const slant_drift *d, size_t head);
/* 1 when that distance is above max_distance. */
SLANT_API int slant_drift_head_drifted(const slant_drift *d, size_t head);

/* ------------------------------------------------------------------ */
/* Choosing settings by cross-validation                               */
/* ------------------------------------------------------------------ */

/* How slant_tune searches.  Starting from the options given, it tries one
 * change at a time (punctuation tokens, case and class weights the other
 * way, c 1, complement naive Bayes, words alone), then the two best changes
 * together and c ten times either way around the best, each scored by an inner
 * cross-validation: the mean over heads of the pooled macro-F1.  The inner
 * folds are grouped when BY_GROUP is set and keep near-duplicates
 * together unless told not to, as slant_cross_validate_with's do.  The
 * budget is turned into a plan before anything runs, from the corpus's
 * size, not from the clock: the share of the corpus the inner folds read
 * (that share of every group, drawn by the seed) so that the trials are
 * estimated to fit it.  The same corpus, options and budget thus choose the same
 * settings on any machine; the time taken is near the budget, not held
 * to it. */
typedef struct slant_tune_options {
    double budget;          /* seconds the search is planned to take; 0: 60 */
    uint32_t folds;         /* inner folds; 0: 5 when the whole corpus fits the budget
                             * with them, else 3 */
    int by_group;           /* 1: inner folds grouped by the corpus's groups */
    int keep_duplicates;    /* 1: near-duplicates may be split */
    double dup_threshold;   /* 0: 0.8 */
} slant_tune_options;

/* Fills the defaults: 60 seconds, 5 or 3 inner folds, not grouped,
 * near-duplicates at Jaccard 0.8 kept together. */
SLANT_API void slant_tune_options_init(slant_tune_options *to);

/* What a search tried and what won. */
typedef struct slant_tune_report slant_tune_report;
SLANT_API void slant_tune_report_free(slant_tune_report *r);
SLANT_API size_t slant_tune_trials(const slant_tune_report *r);
/* Trial I's settings, as options ("lr --c 10 --punct off ...") */
SLANT_API const char *slant_tune_trial_settings(const slant_tune_report *r, size_t i);
/* Its inner-CV score (mean over heads of macro-F1) and seconds taken. */
SLANT_API double slant_tune_trial_score(const slant_tune_report *r, size_t i);
SLANT_API double slant_tune_trial_seconds(const slant_tune_report *r, size_t i);
/* The winner's trial number. */
SLANT_API size_t slant_tune_best(const slant_tune_report *r);
/* The documents the inner folds read, and the corpus's. */
SLANT_API size_t slant_tune_documents(const slant_tune_report *r);

/* Chooses settings for CORPUS starting from OPT, as slant_tune_options
 * says: the winner into *best (output), what was tried into *report
 * (output, may be NULL). */
SLANT_API slant_status slant_tune(const slant_corpus *corpus, const slant_options *opt,
                                  const slant_tune_options *to, slant_options *best,
                                  slant_tune_report **report, slant_error *err);
/* slant_tune, then slant_train with the winner; the model's provenance
 * records the choice and its inner-CV figure ("tune_*" lines). */
SLANT_API slant_status slant_train_tuned(const slant_corpus *corpus, const slant_options *opt,
                                         const slant_tune_options *to, slant_model **out,
                                         slant_tune_report **report, slant_error *err);

/* Stratified K-fold cross-validation with the seed in OPT: the folds are
 * stratified on the labels of every head together (each combination of
 * labels, a missing label one value more, is dealt evenly over the folds;
 * the first head's labels are spread as evenly as when stratifying on it
 * alone); each fold trains a fresh model on the rest.  A fold whose
 * training side has fewer than two classes in a head (that has two in the
 * corpus) is trained without that head, and its documents are not scored
 * on it, with a warning: the head's figures pool the other folds.  The
 * result pools the held-out predictions of every fold. */
SLANT_API slant_status slant_cross_validate(const slant_corpus *corpus, const slant_options *opt,
                                            uint32_t folds, slant_eval **out, slant_error *err);

/* How slant_cross_validate_with splits a corpus.  Grouped folds keep
 * every document of a group (an outlet, a domain: slant_corpus_group)
 * inside one fold, so that each fold's figure is for groups its model
 * never saw; near-duplicates (slant_dups_find) are kept together the same
 * way, since a copy on both sides of a fold measures memory, not reading;
 * with groups, a cluster that touches two groups is left to them, since
 * joining it would merge whole outlets for the sake of a few copies.
 * The units so formed (groups joined by the near-duplicates that link
 * them) are dealt to the folds largest first, each to the fold where it
 * best keeps every combination of labels, and the fold sizes, in
 * proportion; ties are broken by a shuffle drawn from the seed. */
typedef struct slant_cv_options {
    uint32_t folds;         /* 0: 10 */
    int by_group;           /* 1: the corpus's groups never span folds (it needs some) */
    int keep_duplicates;    /* 1: near-duplicates may be split; 0 (the default): each
                             * cluster of them stays in one fold */
    double dup_threshold;   /* Jaccard similarity for near-duplicates; 0: 0.8 */
    const slant_tune_options *tune; /* not NULL: each fold's settings are chosen by
                                     * slant_tune on its training side alone (nested
                                     * cross-validation), so that the pooled figure is
                                     * that of tuning, honestly measured */
    struct slant_mistakes *mistakes; /* not NULL: each fold's model also records its
                                      * held-out documents here (slant_mistakes_corpus),
                                      * explained while the fold's model is there; NULL
                                      * (the default): not */
} slant_cv_options;

/* What a split did: filled by slant_cv_split and slant_cross_validate_with. */
typedef struct slant_cv_info {
    uint32_t folds;
    size_t groups;          /* distinct groups (a document without one is its own); 0
                             * when not grouped */
    size_t units;           /* what was dealt: groups and near-duplicate clusters joined;
                             * the documents when neither applies */
    size_t dup_clusters;    /* near-duplicate clusters kept together (0 when not looked for) */
    size_t dup_docs;        /* documents in them */
    int dups_checked;       /* 1: near-duplicates were looked for */
    size_t dup_across;      /* grouped: clusters that touch two groups, left to the groups
                             * (joining them would merge whole outlets into one unit) */
} slant_cv_info;

/* Fills the defaults: 10 folds, not grouped, near-duplicates at Jaccard 0.8
 * kept in one fold. */
SLANT_API void slant_cv_options_init(slant_cv_options *cvo);
/* The folds of slant_cross_validate_with, without training: fold_of[d]
 * (output, one entry per document) in [0, folds), from the labels, the
 * groups, the near-duplicates and SEED only (THREADS only speeds up the
 * search for near-duplicates).  Fails when there are fewer units than
 * folds.  INFO (output) may be NULL. */
SLANT_API slant_status slant_cv_split(const slant_corpus *corpus, const slant_cv_options *cvo,
                                      uint64_t seed, uint32_t threads, uint32_t *fold_of,
                                      slant_cv_info *info, slant_error *err);
/* Cross-validation as slant_cross_validate does it, on the folds of
 * slant_cv_split with the seed and threads of OPT.  With grouped folds, a
 * fold whose training side lacks a class that the corpus has is warned of
 * (its model cannot predict it).  INFO (output) may be NULL; FOLD_OF (output, may be NULL)
 * receives the split. */
/* Writes a split to PATH (replaced whole or not at all, as
 * slant_model_save writes): a TSV with a header "id<TAB>fold" and, when
 * the corpus has groups, its group column too; one row per document in
 * corpus order, folds counted from 1, a document without a group an
 * empty cell.  Other tools can then be measured on the very same folds. */
SLANT_API slant_status slant_cv_save_folds(const slant_corpus *corpus, const uint32_t *fold_of,
                                           const char *path, slant_error *err);
SLANT_API slant_status slant_cross_validate_with(const slant_corpus *corpus,
                                                 const slant_options *opt,
                                                 const slant_cv_options *cvo, slant_eval **out,
                                                 slant_cv_info *info, uint32_t *fold_of,
                                                 slant_error *err);

/* ------------------------------------------------------------------ */
/* Learning curve                                                      */
/* ------------------------------------------------------------------ */

/* slant_learning_curve cross-validates on the folds of slant_cv_split,
 * as slant_cross_validate_with does, again and again with each fold's
 * training side cut to a share of itself: 10 %, 20 %, ..., 100 % by
 * default.  The shares are nested: each fold's training side is put in
 * one order drawn from the seed and the fold, stratified by the
 * combination of labels (the j-th of the m documents of a combination
 * comes at j / m of the way, ties in a seeded shuffle, so that every
 * combination, and with it every class, comes once before any comes
 * twice), and the share f trains on the first ceil(f * n) of its n
 * documents (in corpus order), so that 20 % holds 10 %.  At 100 % the
 * figures are exactly those of slant_cross_validate_with with the same
 * options and seed.  The same corpus, options and seed give the same
 * curve at any thread count.  It costs folds x steps trainings. */
typedef struct slant_curve_options {
    size_t steps;            /* 0: 10; the shares 1/steps, 2/steps, ..., 1 */
    const double *fractions; /* NULL, or n_fractions shares, increasing, in (0, 1]
                              * (then steps is ignored) */
    size_t n_fractions;
} slant_curve_options;

/* The most steps a curve takes (each is a cross-validation). */
#define SLANT_CURVE_MAX_STEPS 100

/* Fills the defaults: 10 steps. */
SLANT_API void slant_curve_options_init(slant_curve_options *co);
/* SLANT_STATUS_BAD_OPTION, with a message, when CO asks for no step, more
 * than SLANT_CURVE_MAX_STEPS, or shares that are not increasing in (0, 1]. */
SLANT_API slant_status slant_curve_options_check(const slant_curve_options *co,
                                                 slant_error *err);

/* Whether a head's curve still climbs, judged on the paired gain of the
 * folds between the last step L and the earlier step A whose share is
 * nearest half of L's (the larger on a tie): with d_k each fold's own
 * macro-F1 at L minus at A (the folds scored at both), g their mean and
 * se their standard deviation (n - 1) over the square root of their
 * number (0 for one fold),
 *   climbing:   g >= 0.01 and g > 2 se (a point of macro-F1 or more per
 *               halving of the share, beyond the folds' noise: more labels
 *               would still help);
 *   unclear:    g >= 0.01 but g <= 2 se (a point or more on average, but
 *               the folds disagree: more folds or labels would tell);
 *   flat:       g < 0.002, or g < 0.01 and g <= se (no gain worth a
 *               label that the folds can tell apart);
 *   flattening: anything between (under a point, beyond the noise);
 *   unknown:    fewer than two steps, or no fold scored at both. */
typedef enum slant_curve_trend {
    SLANT_CURVE_UNKNOWN = 0,
    SLANT_CURVE_CLIMBING,
    SLANT_CURVE_FLATTENING,
    SLANT_CURVE_FLAT,
    SLANT_CURVE_UNCLEAR
} slant_curve_trend;

/* "unknown", "climbing", "flattening", "flat", "unclear". */
SLANT_API const char *slant_curve_trend_name(slant_curve_trend t);

/* What a trend was judged on. */
typedef struct slant_curve_gain {
    double gain;      /* g: the folds' mean gain in macro-F1 (NaN when unknown) */
    double se;        /* its standard error */
    size_t from, to;  /* the steps compared: A and L */
    uint32_t folds;   /* the folds scored at both */
} slant_curve_gain;

/* The rule above on made-up or measured figures: FRACTIONS (steps shares,
 * increasing) and FOLD_F1 (steps x folds: fold k's macro-F1 at step s at
 * s * folds + k, NaN where the fold was not scored).  *OUT (output, may be
 * NULL) receives what it was judged on. */
SLANT_API slant_curve_trend slant_curve_trend_of(size_t steps, const double *fractions,
                                                 uint32_t folds, const double *fold_f1,
                                                 slant_curve_gain *out);

typedef struct slant_curve slant_curve;

/* The learning curve of CORPUS with OPT's settings, seed and threads, on
 * the folds CVO describes (cvo->tune, when set, tunes each fold on its cut
 * training side; cvo->mistakes, when set, records the last step's
 * mistakes only) and the shares CO gives (NULL: the defaults), into *out
 * (output; free with slant_curve_free).  INFO (output, may be NULL) gets
 * the split.  Errors are those of slant_cross_validate_with (a corpus
 * too small for the folds, a bad option), and of a bad CO. */
SLANT_API slant_status slant_learning_curve(const slant_corpus *corpus,
                                            const slant_options *opt,
                                            const slant_cv_options *cvo,
                                            const slant_curve_options *co, slant_curve **out,
                                            slant_cv_info *info, slant_error *err);
SLANT_API void slant_curve_free(slant_curve *c);

SLANT_API size_t slant_curve_steps(const slant_curve *c);
SLANT_API uint32_t slant_curve_folds(const slant_curve *c);
SLANT_API size_t slant_curve_heads(const slant_curve *c);
SLANT_API const char *slant_curve_head_name(const slant_curve *c, size_t head);
/* Step STEP's share of each fold's training side, and the mean number of
 * documents the folds trained on there. */
SLANT_API double slant_curve_fraction(const slant_curve *c, size_t step);
SLANT_API double slant_curve_train_docs(const slant_curve *c, size_t step);

/* The spread of the folds' own figures: mean, standard deviation (n - 1;
 * 0 for one fold), worst and best; NaN when no fold was scored. */
typedef struct slant_curve_spread {
    double mean, sd, min, max;
} slant_curve_spread;

/* One step of one head. */
typedef struct slant_curve_point {
    double macro_f1, accuracy; /* of the held-out predictions of every fold pooled */
    slant_curve_spread fold_f1, fold_accuracy; /* over the folds scored on the head */
    uint32_t folds_scored;
} slant_curve_point;

/* Step STEP of head HEAD into *out (output); 0, or -1 out of range. */
SLANT_API int slant_curve_get(const slant_curve *c, size_t step, size_t head,
                              slant_curve_point *out);
/* Fold FOLD's own macro-F1 on HEAD at STEP; NaN when not scored there. */
SLANT_API double slant_curve_fold_f1(const slant_curve *c, size_t step, size_t head,
                                     uint32_t fold);
/* HEAD's trend (slant_curve_trend_of on its figures); *OUT (output, may
 * be NULL) as there. */
SLANT_API slant_curve_trend slant_curve_head_trend(const slant_curve *c, size_t head,
                                                   slant_curve_gain *out);
/* The pooled evaluation of the last step (at 100 %, cross-validation's),
 * owned by C. */
SLANT_API const slant_eval *slant_curve_eval(const slant_curve *c);
/* The split used: one fold per document of the corpus, owned by C. */
SLANT_API const uint32_t *slant_curve_split(const slant_curve *c);
/* Fills *out (output) for slant_report_write, borrowing C's memory: valid
 * while C is. */
struct slant_report_curve; /* below, with the report */
SLANT_API void slant_curve_report(const slant_curve *c, struct slant_report_curve *out);
/* ------------------------------------------------------------------ */
/* JSON, as the program prints it                                      */
/* ------------------------------------------------------------------ */

/* The program's JSON comes from these calls, so that a binding that calls
 * them (the Python module) gets the very same bytes.  Each writes one
 * compact JSON object, without a line break and NUL-terminated, into
 * *buf (in and out): a buffer of *cap bytes from malloc, grown with
 * realloc when it is too small (start with NULL and 0, reuse it from row
 * to row, and free it with free()); *len (output) is the object's length.
 * On failure *buf stays valid, or NULL, for free(). */

/* What label --json writes beside the labels. */
typedef struct slant_label_json_options {
    int abstain;      /* 1: every head has an "abstained" member, and a head that
                       * abstains (slant_model_abstains, with BELOW) the label null */
    double below;     /* as slant_model_abstains' BELOW: < 0 for the stored thresholds */
    double min_known; /* "unfamiliar" below this known n-gram share; 0: SLANT_MIN_KNOWN */
} slant_label_json_options;

/* Fills the defaults: no abstaining (below -1), SLANT_MIN_KNOWN. */
SLANT_API void slant_label_json_options_init(slant_label_json_options *opt);
/* One document as label --json writes it: {"id", "heads": {HEAD: {"label",
 * "probability", "abstained" (with abstain), "probabilities": {CLASS: p},
 * "explanation" (with WHY)}}, "known": {"ngrams", "words"}, "unfamiliar"},
 * probabilities to 6 significant digits, strings escaped to ASCII.
 * PROBS and BEST are one document's as slant_model_predict_corpus gives
 * them, KNOWN (2 values) its shares as slant_model_predict_corpus_known
 * gives them, WHY (may be NULL) its heads' explanations.  OPT NULL: the
 * defaults.  Fails on an ID that is not UTF-8 (SLANT_STATUS_BAD_INPUT). */
SLANT_API slant_status slant_label_json(const slant_model *model, const char *id,
                                        const double *probs, const size_t *best,
                                        slant_explanation *const *why, const double *known,
                                        const slant_label_json_options *opt, char **buf,
                                        size_t *cap, size_t *len, slant_error *err);
/* One document as explain --json writes it: {"id", "heads": {HEAD: {"label",
 * "probability", "explanation": {"against", "margin", "intercept",
 * "toward", "away", "more_toward", "rest_toward", "more_away",
 * "rest_away"}}}}, numbers to 10 significant digits so that the sum of the
 * contributions can be checked.  WHY: the document's explanation of every
 * head; SHOWN (may be NULL: every head) says which heads to write. */
SLANT_API slant_status slant_explain_json(const slant_model *model, const char *id,
                                          const double *probs, slant_explanation *const *why,
                                          const int *shown, char **buf, size_t *cap, size_t *len,
                                          slant_error *err);

/* What cv --json adds to eval --json's object: the split. */
typedef struct slant_eval_json_cv {
    slant_cv_info info;     /* as slant_cross_validate_with filled it */
    const char *grouped_by; /* the group column, NULL when not grouped */
    double dup_threshold;   /* as the slant_cv_options said it */
    int tuned;              /* 1: settings tuned inside each fold */
} slant_eval_json_cv;

/* EV as eval --json writes it (CV NULL), or as cv --json does (CV its
 * split): "documents", the split's members, and per head "labeled",
 * "accuracy", "macro_f1", "classes", "confusion", "calibration" and
 * "coverage"; numbers to 10 significant digits. */
SLANT_API slant_status slant_eval_json(const slant_eval *ev, const slant_eval_json_cv *cv,
                                       char **buf, size_t *cap, size_t *len, slant_error *err);

/* ------------------------------------------------------------------ */
/* Suspect labels                                                      */
/* ------------------------------------------------------------------ */

/* slant_audit looks for documents whose given label is unlikely, by
 * confident learning (Northcutt, Jiang and Chuang 2021) on out-of-fold
 * probabilities: every document is labeled by a model trained on the
 * other folds of slant_cv_split (stratified; grouped and near-duplicates
 * kept together as slant_cv_options says), with OPT's settings, seed and
 * threads.  Per head and class j, the threshold t_j is the mean
 * out-of-fold probability of j over the documents labeled j; a document
 * labeled i is off the diagonal of the "confident joint" when some other
 * class j has p_j >= t_j (the most probable such j is suggested), and the
 * number of such documents estimates the number of label errors.  The
 * documents are ranked by a score, most suspect first, and that many of
 * them, from the top, are flagged.
 * The result is the same for the same corpus, options and seed at any
 * thread count. */
typedef enum slant_audit_rank {
    SLANT_AUDIT_RANK_MARGIN = 0, /* p(given) - the largest other p, lowest first (the
                                  * normalized margin) */
    SLANT_AUDIT_RANK_CONFIDENCE  /* p(given), lowest first (self-confidence) */
} slant_audit_rank;

SLANT_API int slant_audit_rank_parse(const char *name); /* "margin", "confidence"; -1 */
SLANT_API const char *slant_audit_rank_name(slant_audit_rank rank);

typedef struct slant_audit_options {
    const char *const *heads; /* the n_heads heads to audit, by name; NULL: every head */
    size_t n_heads;
    size_t top;               /* documents listed per head, from the top of the
                               * ranking; 0: as many as flagged (SIZE_MAX: every
                               * labeled document) */
    slant_audit_rank rank;
    uint32_t passes;          /* 1: rank by the out-of-fold probabilities; 2: then train
                               * the folds again without the documents flagged, and rank
                               * every document by those models (confident learning's
                               * "prune and retrain": label noise no longer misleads the
                               * models that judge it); 0: SLANT_AUDIT_PASSES */
} slant_audit_options;
#define SLANT_AUDIT_PASSES 2

/* Fills the defaults: every head, the flagged documents, by margin, two
 * passes. */
SLANT_API void slant_audit_options_init(slant_audit_options *ao);

typedef struct slant_audit_result slant_audit_result;

/* One suspect.  The strings belong to the result. */
typedef struct slant_audit_entry {
    size_t doc;              /* the document's index in the corpus */
    size_t head;             /* the head's index in the result */
    const char *id, *head_name;
    const char *given;       /* its label */
    const char *suggested;   /* the most probable other class at or above its
                              * threshold; when none is, the most probable other class */
    double p_given, p_suggested; /* out-of-fold probabilities */
    double score;            /* what it is ranked by (lowest first) */
    int flagged;             /* 1: within the estimated number of label errors; 0:
                              * listed past them (top) */
} slant_audit_entry;

/* Audits CORPUS (OPT and CVO as for slant_cross_validate_with; AO NULL:
 * the defaults) into *out (output).  A document without a label in a head
 * is not audited in it, nor one whose fold's training side had one class
 * of it (warned of).  Fails on a corpus without labels, on a head named in
 * AO that the corpus lacks and on a head of one class. */
SLANT_API slant_status slant_audit(const slant_corpus *corpus, const slant_options *opt,
                                   const slant_cv_options *cvo, const slant_audit_options *ao,
                                   slant_audit_result **out, slant_error *err);
SLANT_API void slant_audit_result_free(slant_audit_result *r);
/* The heads audited, in the corpus's order. */
SLANT_API size_t slant_audit_heads(const slant_audit_result *r);
SLANT_API const char *slant_audit_head_name(const slant_audit_result *r, size_t head);
/* Documents audited in HEAD (labeled, and labeled out of fold). */
SLANT_API size_t slant_audit_head_documents(const slant_audit_result *r, size_t head);
/* The estimated number of label errors in HEAD: the documents flagged. */
SLANT_API size_t slant_audit_head_estimated(const slant_audit_result *r, size_t head);
/* Entries of every head, head by head, each head's most suspect first. */
SLANT_API size_t slant_audit_count(const slant_audit_result *r);
/* Entry I into *out (output); 0, or -1 when I is past the end. */
SLANT_API int slant_audit_get(const slant_audit_result *r, size_t i, slant_audit_entry *out);
/* ------------------------------------------------------------------ */
/* Near-duplicates                                                     */
/* ------------------------------------------------------------------ */

/* Two documents are near-duplicates when the Jaccard similarity of their
 * sets of word shingles (runs of `shingle` consecutive words, as the
 * tokenizer gives them without punctuation, case folded) is at or above a
 * threshold.  A document with fewer words than that has one shingle of all
 * its words; a document without words is never anyone's duplicate.
 *
 * The pairs are found by MinHash and LSH banding, and every candidate is
 * then compared exactly: a pair reported is always at or above the
 * threshold (no false positives); the sketch may miss one (a pair at the
 * threshold is found with probability 0.99 or more, see slant_dups_stats).
 * Documents with the same set of shingles are found exactly, whatever
 * their number.  The result depends on the input, the options and the
 * seed only, not on the thread count. */
#define SLANT_DUPS_THRESHOLD 0.8
#define SLANT_DUPS_SHINGLE 2     /* words per shingle by default (see features/dups.c) */
#define SLANT_DUPS_MAX_SHINGLE 16
#define SLANT_DUPS_HASHES 128    /* MinHash values per document */

typedef struct slant_dups_options {
    double threshold;  /* Jaccard similarity of the word-shingle sets at or above which two
                        * documents are near-duplicates, in (0, 1]; 0: SLANT_DUPS_THRESHOLD */
    uint32_t shingle;  /* words per shingle, 1..SLANT_DUPS_MAX_SHINGLE; 0: SLANT_DUPS_SHINGLE */
    int exact;         /* 1: compare every pair exactly (quadratic: for checking the sketch) */
    uint32_t threads;  /* 0: all cores */
    uint64_t seed;     /* for the MinHash functions; 0 -> 1 */
} slant_dups_options;

/* Fills the defaults: SLANT_DUPS_THRESHOLD, SLANT_DUPS_SHINGLE, the sketch,
 * all cores, seed 1. */
SLANT_API void slant_dups_options_init(slant_dups_options *opt);

typedef struct slant_dups slant_dups;

/* Near-duplicate pairs within A (B NULL), or between A and B (pairs of one
 * document of A and one of B only).  OPT NULL: the defaults.  Refuses an
 * option out of range (SLANT_STATUS_BAD_OPTION), a corpus of vectors and
 * more than 2^32 - 2 documents (SLANT_STATUS_BAD_INPUT).  Neither corpus
 * is kept.  Memory: 8 bytes a distinct shingle of each document, 8 a band
 * of each, and 16 a pair found. */
SLANT_API slant_status slant_dups_find(const slant_corpus *a, const slant_corpus *b,
                                       const slant_dups_options *opt, slant_dups **out,
                                       slant_error *err);
SLANT_API void slant_dups_free(slant_dups *d); /* accepts NULL */
SLANT_API size_t slant_dups_pairs(const slant_dups *d);
/* Pair I < slant_dups_pairs(D), the pairs sorted by doc_a then doc_b,
 * into the three outputs (each may be NULL): doc_a indexes A; doc_b
 * indexes B when B was given, else A (doc_a < doc_b); its exact Jaccard
 * similarity. */
SLANT_API void slant_dups_pair(const slant_dups *d, size_t i, size_t *doc_a, size_t *doc_b,
                               double *jaccard);
/* Clusters: connected components of the pairs, of two or more documents. */
SLANT_API size_t slant_dups_clusters(const slant_dups *d);
/* DOC counts A's documents first, then B's (doc - n_a for B): its cluster
 * number in [0, clusters) (numbered in order of their first document), or
 * SIZE_MAX when it has no near-duplicate. */
SLANT_API size_t slant_dups_cluster_of(const slant_dups *d, size_t doc);
/* Documents in cluster C. */
SLANT_API size_t slant_dups_cluster_size(const slant_dups *d, size_t c);

/* What a search did, with the options as it applied them. */
typedef struct slant_dups_stats {
    size_t documents;   /* of A and B together */
    size_t empty;       /* without words: never paired */
    size_t distinct;    /* distinct shingle sets among the others (exact copies counted once) */
    uint64_t shingles;  /* distinct shingles, summed over the documents: 8 bytes of memory each */
    size_t in_clusters; /* documents with a near-duplicate */
    double threshold;
    uint32_t shingle;
    int exact;
    uint32_t bands, rows;  /* the sketch: bands x rows MinHash values (0 and 0 with exact) */
    double recall_at_threshold; /* 1 - (1 - t^rows)^bands: the probability that a pair at
                                 * the threshold becomes a candidate (1 with exact) */
    uint64_t candidates;   /* pairs of distinct sets compared exactly */
} slant_dups_stats;
SLANT_API void slant_dups_stats_of(const slant_dups *d, slant_dups_stats *out);

/* ------------------------------------------------------------------ */
/* Reports                                                             */
/* ------------------------------------------------------------------ */

/* One n-gram of a class's heaviest: its feature and its weight for the
 * class minus the mean of the head's classes' weights for it. */
typedef struct slant_ranked_feature {
    uint32_t feature;
    double score;
} slant_ranked_feature;

/* The K features that weigh most for class CLS of HEAD against the head's
 * other classes (as `slant inspect` lists them), best first, ties to the
 * smaller index, into OUT (output, K entries); returns how many there are
 * (fewer than K when the model has fewer features; 0 for an RBF head,
 * which has no weights, and for a head or class past the model's). */
SLANT_API size_t slant_model_top_features(const slant_model *model, size_t head, size_t cls,
                                          size_t k, slant_ranked_feature *out);

/* The most confident mistakes of a model, or of the folds of a
 * cross-validation: documents whose gold label differs from the predicted
 * one, by the probability of the predicted class, highest first, a given
 * number per head, each with an excerpt of its text and, when the model
 * explains (slant_model_explainable), the n-grams that pushed toward the
 * wrong label.  It copies what it keeps: no pointer to a model or a
 * corpus outlives the call that passed it. */
typedef struct slant_mistakes slant_mistakes;

#define SLANT_MISTAKES_PER_HEAD 10
#define SLANT_MISTAKES_NGRAMS 8    /* n-grams listed toward the wrong label */
#define SLANT_MISTAKES_EXCERPT 280 /* bytes of text kept (cut on a character) */

/* A collector of the PER_HEAD (0: SLANT_MISTAKES_PER_HEAD) most confident
 * mistakes of each head into *out (output). */
SLANT_API slant_status slant_mistakes_new(size_t per_head, slant_mistakes **out,
                                          slant_error *err);
SLANT_API void slant_mistakes_free(slant_mistakes *m);
/* Labels documents DOCS[0..n_docs) of CORPUS (every one when DOCS is NULL)
 * with MODEL and records the mistakes of every head of MODEL that CORPUS
 * has a label column for (by name; a head seen first here is added).  Ties
 * in probability go to the document recorded first.  The ones kept are
 * explained with MODEL before the call returns. */
SLANT_API slant_status slant_mistakes_corpus(slant_mistakes *m, const slant_model *model,
                                             const slant_corpus *corpus, const size_t *docs,
                                             size_t n_docs, uint32_t threads, slant_error *err);
SLANT_API size_t slant_mistakes_heads(const slant_mistakes *m);
SLANT_API const char *slant_mistakes_head_name(const slant_mistakes *m, size_t head);
/* Documents labeled in HEAD, and how many of them were wrong. */
SLANT_API uint64_t slant_mistakes_scored(const slant_mistakes *m, size_t head);
SLANT_API uint64_t slant_mistakes_wrong(const slant_mistakes *m, size_t head);
/* Mistakes kept for HEAD (at most the collector's PER_HEAD). */
SLANT_API size_t slant_mistakes_count(const slant_mistakes *m, size_t head);

/* One mistake; the strings and arrays belong to the collector. */
typedef struct slant_mistake {
    size_t doc;                 /* its index in the corpus it was recorded from */
    const char *id, *gold, *predicted;
    double p_predicted, p_gold; /* the model's probabilities (p_gold 0 for a class the
                                 * model lacks) */
    const char *excerpt;        /* the text's first SLANT_MISTAKES_EXCERPT bytes at most */
    size_t excerpt_len, text_len;
    int explained;              /* 0: the model had no weights to explain by */
    double margin;              /* score of predicted minus the runner-up's */
    size_t n_toward;            /* toward[0 .. n_toward): the n-grams that pushed
                                 * hardest toward the predicted label, largest first */
    const char *const *toward;
    const double *contribution;
} slant_mistake;

/* Mistake I of HEAD (0 is the most confident) into *out (output); 0, or
 * -1 past the end. */
SLANT_API int slant_mistakes_get(const slant_mistakes *m, size_t head, size_t i,
                                 slant_mistake *out);

/* A learning curve as plain data, for the report: the pooled held-out
 * macro-F1 of each head when each fold's training side is cut to a share
 * of itself, with the spread of the folds' own figures.  Everything is
 * borrowed for the call that is passed it.  NaN marks a value not
 * measured (drawn as no point, shown as a dash). */
typedef struct slant_report_curve_head {
    const char *name;      /* the head */
    const double *pooled;  /* steps values: macro-F1 of the held-out predictions of every
                            * fold pooled */
    const double *mean;    /* steps values: mean over folds of each fold's macro-F1 */
    const double *sd;      /* steps values (may be NULL): their standard deviation */
    const double *min;     /* steps values (may be NULL): the worst fold's */
    const double *max;     /* steps values (may be NULL): the best fold's */
} slant_report_curve_head;

typedef struct slant_report_curve {
    size_t steps;
    const double *fractions; /* steps shares of the training side, increasing, in (0, 1] */
    const double *train_docs; /* steps values (may be NULL): mean documents trained on */
    uint32_t folds;
    size_t n_heads;
    const slant_report_curve_head *heads;
} slant_report_curve;

/* What a report shows.  The figures come from EVAL, by the accessors that
 * `eval --json` prints, so that the page and the JSON cannot disagree. */
typedef struct slant_report_options {
    const char *title;          /* NULL: "slant report" */
    const char *corpus_name;    /* the corpus's name or path, shown in the header */
    const char *model_name;     /* the model file's name; NULL: none */
    const slant_eval *eval;     /* required: the figures of every head */
    const slant_model *model;   /* may be NULL (cv): the provenance, the top n-grams
                                 * and the leaks need it */
    const slant_corpus *corpus; /* may be NULL: its size, and its groups for the leaks */
    const slant_mistakes *mistakes; /* may be NULL: no section of mistakes */
    const slant_report_curve *curve; /* may be NULL: no learning curve */
    const char *method;         /* NULL; else a line on how the figures were measured
                                 * ("5-fold cross-validation, grouped by outlet") */
    const char *note;           /* NULL; else a line shown above the mistakes (why
                                 * they have no explanations, say) */
    size_t top_ngrams;          /* n-grams a class (and leaks); 0: no such section */
    uint32_t threads;           /* for the leaks' pass over the corpus; 0: every core */
} slant_report_options;

/* Fills the defaults: everything NULL, 10 n-grams a class, every core. */
SLANT_API void slant_report_options_init(slant_report_options *opt);
/* Writes the report OPT describes to PATH as one self-contained HTML page
 * (inline SVG, a little CSS, no script, nothing fetched), replaced whole
 * or not at all as slant_model_save writes.  Every string from a corpus or
 * a model is escaped; the same input gives the same bytes (the date is
 * SOURCE_DATE_EPOCH's when set).  Fails on an EVAL missing, a curve
 * whose fractions are not increasing in (0, 1] or whose values are
 * outside [0, 1], and on what PATH refuses. */
SLANT_API slant_status slant_report_write(const slant_report_options *opt, const char *path,
                                          slant_error *err);
/* What to label next                                                  */
/* ------------------------------------------------------------------ */

/* slant_suggest picks the documents of an unlabeled pool whose labels
 * would teach a model most (uncertainty sampling with a diversity rule):
 * - uncertainty: a document's margin is the difference between its two
 *   highest probabilities (as slant_model_predict gives them, calibration
 *   included) in a head.  With one head considered, candidates go in order
 *   of margin, smallest first, ties by document order.  Over several
 *   heads, each head ranks the candidates by its own margin and a
 *   candidate's place is its best place in any of them (ties by document
 *   order): a document is worth labeling when any of its heads is in
 *   doubt, and the heads take turns, since the plain smallest margin would
 *   leave the choice to the head of most classes, whose margins are
 *   smaller throughout.  With SLANT_SUGGEST_ENTROPY a head ranks by the
 *   entropy of its probabilities over log(classes), largest first, which
 *   weighs every class's share of the doubt (it picked better on a head of
 *   three classes, worse on one of five: see
 *   bench/results/2026-12-02-suggest.md); the margin shown stays the
 *   margin;
 * - diversity, greedily in that order: a candidate is skipped when the
 *   cosine similarity of its feature vector (slant_model_vectorize) to a
 *   document already picked is at or above max_similarity, or when it is
 *   a near-duplicate (slant_dups_find, word shingles) of one, that is in
 *   the same cluster of near-duplicates.  Only the picks are compared
 *   with, so the cost is the labeling of the pool, one search for
 *   near-duplicates, and about N x (candidates examined) sparse dot
 *   products; each candidate is vectorized once;
 * - balance (optional): the picks are dealt round-robin over the classes
 *   the balance head predicts (in the model's class order), each class
 *   taking its most uncertain acceptable candidate in turn; a class
 *   without candidates left drops out.
 * A pool document labeled already in every head considered (the pool has
 * columns of those names, filled) is not a candidate.  The result depends
 * on the model, the pool and the options only, not on the thread count. */
#define SLANT_SUGGEST_MAX_SIMILARITY 0.7 /* cosine; see bench/results/2026-12-02-suggest.md */

/* How a head measures a candidate's doubt. */
typedef enum slant_suggest_uncertainty {
    SLANT_SUGGEST_MARGIN = 0, /* the margin, smallest first (the default) */
    SLANT_SUGGEST_ENTROPY     /* the entropy of the head's probabilities over
                               * log(classes), largest first; for two classes the
                               * margin's order */
} slant_suggest_uncertainty;

typedef struct slant_suggest_options {
    size_t n;              /* documents wanted, at least 1 */
    const char *head;      /* the head whose margin counts; NULL: every head, the
                            * smallest margin */
    double max_similarity; /* cosine at or above which a candidate is too close to a
                            * pick, in (0, 1]; 0: SLANT_SUGGEST_MAX_SIMILARITY */
    double dup_threshold;  /* Jaccard similarity of near-duplicates, in (0, 1]; 0:
                            * SLANT_DUPS_THRESHOLD */
    int keep_duplicates;   /* 1: do not look for near-duplicates (the cosine still
                            * applies); a pool of vectors has no words to look at */
    int balance;           /* 1: round-robin over the predicted classes of the head
                            * (HEAD, or the model's first head when HEAD is NULL) */
    uint32_t threads;      /* 0: all cores */
    slant_suggest_uncertainty uncertainty; /* how each head ranks the candidates */
} slant_suggest_options;

/* Fills the defaults: n 0 (the caller must set it), every head, the default
 * cap and near-duplicate threshold, near-duplicates kept apart, no
 * balance, all cores, the margin. */
SLANT_API void slant_suggest_options_init(slant_suggest_options *opt);

typedef struct slant_suggestions slant_suggestions;

/* One pick.  doc indexes the pool; margin is the margin it was ranked by,
 * in margin_head, the model head it came from (its best place). */
typedef struct slant_suggest_pick {
    size_t doc;
    double margin;
    size_t margin_head;
} slant_suggest_pick;

/* What a search did. */
typedef struct slant_suggest_stats {
    size_t pool;            /* documents in the pool */
    size_t labeled;         /* of them labeled already, not candidates */
    size_t examined;        /* candidates looked at, picks included */
    size_t skipped_similar; /* skipped for a cosine at or above the cap */
    size_t skipped_dups;    /* skipped as a near-duplicate of a pick */
    int dups_checked;       /* 1: near-duplicates were looked for */
} slant_suggest_stats;

/* Picks up to OPT->n documents of POOL for MODEL into *out (output).
 * Fewer come when the candidates run out (warned of).  Refuses n 0, a
 * head the model lacks, a cap or threshold out of range, an unknown
 * uncertainty
 * (SLANT_STATUS_BAD_OPTION), and a pool of vectors for a model of text or
 * the reverse (SLANT_STATUS_BAD_INPUT).  Keeps no pointer to MODEL or
 * POOL. */
SLANT_API slant_status slant_suggest(const slant_model *model, const slant_corpus *pool,
                                         const slant_suggest_options *opt, slant_suggestions **out,
                                         slant_error *err);
SLANT_API void slant_suggestions_free(slant_suggestions *s); /* accepts NULL */
/* The picks, in the order they were picked. */
SLANT_API size_t slant_suggestions_count(const slant_suggestions *s);
/* Pick I into *out (output); 0, or -1 when I is past the end. */
SLANT_API int slant_suggestions_get(const slant_suggestions *s, size_t i, slant_suggest_pick *out);
/* Pick I's most probable class in model head HEAD (every head of the
 * model, not only those considered) and its probability; SIZE_MAX and NaN
 * past the end. */
SLANT_API size_t slant_suggestions_guess(const slant_suggestions *s, size_t i, size_t head);
SLANT_API double slant_suggestions_prob(const slant_suggestions *s, size_t i, size_t head);
SLANT_API void slant_suggestions_stats(const slant_suggestions *s, slant_suggest_stats *out);

/* The picks as a corpus ready to fill in, in FORMAT (SLANT_FORMAT_TSV or
 * SLANT_FORMAT_JSONL), one record per pick in pick order:
 * - TSV: a header "id", one column per model head (empty: to fill),
 *   "text", then the notes "#guess:HEAD" and "#p:HEAD" for every head and
 *   "#margin".  A text's tabs, line breaks and NUL bytes become spaces (TSV
 *   has no escapes; the tokenizer reads them alike).
 * - JSONL: {"id", one key per head (null: to fill), "text", the same
 *   notes}; strings escaped by jansson, bytes that are not UTF-8 replaced
 *   by U+FFFD.
 * The readers read '#' columns and keys as notes, never as heads (see
 * slant_read_options), so the file, once its label cells are filled,
 * trains as it is, or appended to a training corpus of the same columns
 * (TSV without its notes, or JSON lines in any order of keys).  MODEL and
 * POOL must be those of the run.  slant_suggestions_write writes to F, a
 * stream the caller opened (an I/O error is SLANT_STATUS_IO);
 * slant_suggestions_save replaces PATH whole or not at all, as
 * slant_model_save writes. */
SLANT_API slant_status slant_suggestions_write(const slant_suggestions *s, const slant_model *model,
                                           const slant_corpus *pool, slant_format format,
                                           FILE *f, slant_error *err);
SLANT_API slant_status slant_suggestions_save(const slant_suggestions *s, const slant_model *model,
                                          const slant_corpus *pool, slant_format format,
                                          const char *path, slant_error *err);

#ifdef __cplusplus
}
#endif

#endif /* SLANT_H */
