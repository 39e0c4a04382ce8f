/*
 * reader.c: reading a corpus, whole or a batch at a time (slant_reader):
 * the format's names, telling the format of an input, the read options,
 * and the dispatch of each line to its format's calls (read.h).  The
 * reader hands the documents out a corpus per batch, so that labeling a
 * stream holds a batch or two, not the stream.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* fileno, strcasecmp, opendir */
#endif
#include "read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "pipeline.h"

/* ------------------------------------------------------------------ */
/* Formats                                                             */
/* ------------------------------------------------------------------ */

/* Indexed by slant_format. */
static const char *const format_names[] = {"auto", "tsv", "jsonl", "fasttext",
                                           "dir", "lines", "text", "libsvm", "html", "warc"};
#define N_FORMATS (sizeof format_names / sizeof format_names[0])

int slant_format_parse(const char *name)
{
    if (!name)
        return -1;
    for (size_t f = 0; f < N_FORMATS; f++)
        if (!strcmp(name, format_names[f]))
            return (int)f;
    return -1;
}

const char *slant_format_name(slant_format format)
{
    if ((unsigned)format >= N_FORMATS)
        return "unknown";
    return format_names[format];
}

/* ------------------------------------------------------------------ */
/* Line formats, fed a line at a time                                  */
/* ------------------------------------------------------------------ */

int slant_read_is_ignored(const read_opts *ro, const char *name, size_t len, size_t *which)
{
    for (size_t k = 0; k < ro->n_ignore; k++)
        if (strlen(ro->ignore[k]) == len && !memcmp(ro->ignore[k], name, len)) {
            if (which)
                *which = k;
            return 1;
        }
    return 0;
}

/* Appends a document to p->c; one without an id gets its record's number
 * RECORD (a TSV row's number, another format's line number), or with
 * ids_with_path "NAME:RECORD", so that ids never shift whatever the reader
 * skips and whatever the batches. */
slant_status slant_parser_append(line_parser *p, const char *id, size_t record,
                                 const char *text, size_t len, const char *const *labels,
                                 slant_error *err)
{
    char number[24];
    if (!id) {
        snprintf(number, sizeof number, "%zu", record);
        id = number;
        if (p->id_buf) {
            sprintf(p->id_buf, "%s:%zu", p->name, record);
            id = p->id_buf;
        }
    }
    return slant_corpus_append(p->c, id, text, len, labels, err);
}

static void parser_free(line_parser *p)
{
    for (size_t i = 0; i < 2 * p->n_map; i++)
        free(p->map[i]);
    free(p->map);
    slant_corpus_free(p->c);
    free(p->head_col);
    free(p->fields);
    free(p->labels);
    free(p->first_keys);
    free(p->ignore_seen);
    free(p->id_buf);
    json_decref(p->index);
    memset(p, 0, sizeof *p);
}

/* Writes "a, b, c" (N names, quoted where they break the rule for names)
 * into buf, cut short with "..." if long. */
void slant_names_list(const char *const *names, size_t n, char *buf, size_t size)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < n; k++) {
        char q[64];
        slant_name_quote(names[k], strlen(names[k]), q, sizeof q);
        if (at + strlen(q) + 6 >= size) {
            snprintf(buf + at, size - at, "%s...", k ? ", " : "");
            return;
        }
        at += (size_t)snprintf(buf + at, size - at, "%s%s", k ? ", " : "", q);
    }
}

/* WHOLE: the whole input goes into one corpus (else batches, whose
 * fastText tags are checked and dropped). */
static slant_status parser_start(line_parser *p, slant_format format, const char *name,
                                 const read_opts *ro, int whole, slant_error *err)
{
    static const char *const ft_heads[] = {LABEL_HEAD};
    memset(p, 0, sizeof *p);
    p->format = format;
    p->name = name;
    p->ro = ro;
    p->texts_only = ro->texts_only || (!whole && format == SLANT_FORMAT_FASTTEXT);
    if (ro->ids_with_path && !(p->id_buf = malloc(strlen(name) + 24)))
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
    if (format == SLANT_FORMAT_JSONL && ro->n_ignore
        && !(p->ignore_seen = slant_calloc_array(ro->n_ignore, 1)))
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
    if (format == SLANT_FORMAT_FASTTEXT)
        return slant_corpus_new(p->texts_only ? 0 : 1, ft_heads, name, &p->c, err);
    if (format == SLANT_FORMAT_LIBSVM) {
        char *head = NULL;
        slant_status st = strcmp(name, STDIN_NAME) && !p->texts_only
                              ? slant_libsvm_sidecar(p, name, &head, err)
                              : SLANT_STATUS_OK;
        const char *heads[1] = {head ? head : LABEL_HEAD};
        if (!st)
            st = slant_corpus_new(p->texts_only ? 0 : 1, heads, name, &p->c, err);
        free(head);
        if (!st)
            p->c->vectors = 1;
        return st;
    }
    if (format == SLANT_FORMAT_LINES || format == SLANT_FORMAT_WARC)
        return slant_corpus_new(0, NULL, name, &p->c, err);
    return SLANT_STATUS_OK;
}

/* One line of input.  Empty lines are skipped in every format, and so are
 * blank ones (only spaces and tabs), except among a TSV's rows: there a
 * blank line is a row like any other (of one empty-looking field), so that
 * what a reader keeps never depends on what a cell holds. */
static slant_status parser_line(line_parser *p, char *line, size_t l, size_t lineno,
                                slant_error *err)
{
    if (l == 0 || (slant_is_blank(line, l) && !(p->format == SLANT_FORMAT_TSV && p->c)))
        return SLANT_STATUS_OK;
    switch (p->format) {
    case SLANT_FORMAT_TSV:
        return p->c ? slant_tsv_row(p, line, l, lineno, err)
                    : slant_tsv_header(p, line, l, lineno, err);
    case SLANT_FORMAT_JSONL: return slant_jsonl_line(p, line, l, lineno, err);
    case SLANT_FORMAT_FASTTEXT: return slant_fasttext_line(p, line, l, lineno, err);
    case SLANT_FORMAT_LIBSVM: return slant_libsvm_line(p, line, l, lineno, err);
    default: return slant_lines_line(p, line, l, lineno, err);
    }
}

/* The end of the input. */
static slant_status parser_end(line_parser *p, slant_error *err)
{
    if (p->c && p->format == SLANT_FORMAT_FASTTEXT)
        return slant_fasttext_finish(p, err);
    if (p->format == SLANT_FORMAT_JSONL) {
        slant_status st = slant_jsonl_end(p, err);
        if (st)
            return st;
    }
    if (p->c)
        return SLANT_STATUS_OK;
    if (p->format == SLANT_FORMAT_TSV)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                          "%s: empty; a TSV corpus starts with a header row naming a \"%s\" "
                          "column",
                          p->name, p->ro->text_column);
    /* JSONL: no documents, no heads (and the group column, if asked for) */
    slant_status st = slant_corpus_new(0, NULL, p->name, &p->c, err);
    if (!st && p->ro->group_column)
        st = slant_corpus_group_column(p->c, p->ro->group_column, err);
    return st;
}
/* ------------------------------------------------------------------ */
/* Telling the format                                                  */
/* ------------------------------------------------------------------ */

static int has_suffix(const char *path, const char *suffix)
{
    size_t a = strlen(path), b = strlen(suffix);
    return a > b && !strcasecmp(path + a - b, suffix);
}

/* The format a file name implies, or SLANT_FORMAT_AUTO. */
slant_format slant_format_of_name(const char *path)
{
    if (has_suffix(path, ".tsv"))
        return SLANT_FORMAT_TSV;
    if (has_suffix(path, ".jsonl") || has_suffix(path, ".json"))
        return SLANT_FORMAT_JSONL;
    if (has_suffix(path, ".ft") || has_suffix(path, ".fasttext"))
        return SLANT_FORMAT_FASTTEXT;
    if (has_suffix(path, ".svm") || has_suffix(path, ".libsvm") || has_suffix(path, ".svmlight"))
        return SLANT_FORMAT_LIBSVM;
    if (has_suffix(path, ".html") || has_suffix(path, ".htm"))
        return SLANT_FORMAT_HTML;
    if (has_suffix(path, ".warc") || has_suffix(path, ".warc.gz"))
        return SLANT_FORMAT_WARC;
    return SLANT_FORMAT_AUTO;
}

/* A number, then at least one FEATURE:VALUE pair, and nothing else. */
static int looks_like_libsvm(const char *p, size_t len)
{
    const char *end = p + len, *tok = p;
    while (p < end && !slant_is_space(*p))
        p++;
    char buf[64];
    size_t tl = (size_t)(p - tok);
    if (tl == 0 || tl >= sizeof buf)
        return 0;
    memcpy(buf, tok, tl);
    buf[tl] = '\0';
    char *e;
    strtod(buf, &e);
    if (*e)
        return 0;
    size_t pairs = 0;
    while (p < end) {
        while (p < end && slant_is_space(*p))
            p++;
        if (p == end || *p == '#')
            break;
        const char *t = p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (p == t || p == end || *p != ':')
            return 0;
        while (p < end && !slant_is_space(*p))
            p++;
        pairs++;
    }
    return pairs > 0;
}

/* The format the first non-blank line suggests, or SLANT_FORMAT_AUTO: a
 * TSV header is a line with a field that names the text column TEXT (a
 * line of that name alone is the header of a one-column corpus).  Reads
 * without cutting the buffer. */
static slant_format format_of_content(const char *buf, size_t len, const char *text)
{
    size_t text_len = strlen(text);
    const char *p = buf, *end = buf + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        if (e > p && e[-1] == '\r')
            e--;
        if (!slant_is_blank(p, (size_t)(e - p))) {
            const char *q = p;
            while (q < e && slant_is_space(*q))
                q++;
            if (slant_fasttext_is_tag(q, (size_t)(e - q)))
                return SLANT_FORMAT_FASTTEXT;
            if (*q == '{')
                return SLANT_FORMAT_JSONL;
            if (looks_like_libsvm(q, (size_t)(e - q)))
                return SLANT_FORMAT_LIBSVM;
            for (const char *f = p; f <= e;) {
                const char *tab = memchr(f, '\t', (size_t)(e - f));
                const char *fe = tab ? tab : e;
                if ((size_t)(fe - f) == text_len && !memcmp(f, text, text_len))
                    return SLANT_FORMAT_TSV;
                if (!tab)
                    break;
                f = tab + 1;
            }
            return SLANT_FORMAT_AUTO;
        }
        p = nl ? nl + 1 : end;
    }
    return SLANT_FORMAT_AUTO;
}

/* Whether the first two non-blank lines of BUF hold the same number of
 * tab-separated fields, two or more: a table, though no field is named
 * for the text (a TSV whose text column is missing or misnamed, to be
 * reported as such rather than taken for an article). */
static int looks_like_table(const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    size_t fields[2], seen = 0;
    while (p < end && seen < 2) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        if (!nl && seen == 1)
            break; /* a second line cut short by the buffer proves nothing */
        if (!slant_is_blank(p, (size_t)(e - p)))
            fields[seen++] = slant_count_fields(p, (size_t)(e - p));
        p = nl ? nl + 1 : end;
    }
    return seen == 2 && fields[0] >= 2 && fields[0] == fields[1];
}

/* ------------------------------------------------------------------ */
/* Reading a corpus, whole or a batch at a time                        */
/* ------------------------------------------------------------------ */

struct slant_reader {
    char *name;          /* for messages */
    read_opts ro;        /* the options, copied */
    line_source src;
    line_parser parser;
    slant_corpus *whole; /* the text, html and folder formats: their one batch */
    warc_reader *warc;   /* a WARC file: its records, from src's bytes */
    label_table *labels; /* labels_path's table, joined on each batch */
    int labels_told;     /* the join's misses were warned of */
    char **files;        /* a folder of articles: n_files paths, read from next_file on */
    size_t n_files, next_file;
    int done;            /* the input has ended, or failed */
    slant_format format; /* as detected */
    slant_status failed; /* an error that waits for the batch it cut short to go out */
    slant_error failed_err;
};

/* Buffers the input up to its first non-blank line, whole, or to its end,
 * for format_of_content; never past a line of max_line bytes, which the
 * parser then refuses. */
static slant_status source_peek(line_source *s, slant_error *err)
{
    slant_status st;
    if (!s->started && (st = slant_source_start(s, err)))
        return st;
    for (;;) {
        const char *p = s->buf + s->pos, *end = s->buf + s->len, *nl;
        while (p < end && (nl = memchr(p, '\n', (size_t)(end - p)))) {
            if (!slant_is_blank(p, (size_t)(nl - p)))
                return SLANT_STATUS_OK;
            p = nl + 1;
        }
        if (s->eof || slant_source_past_cap(s))
            return SLANT_STATUS_OK;
        if ((st = slant_source_fill(s, err)))
            return st;
    }
}

/* Whether the unread input holds nothing but spaces and line ends. */
static int source_all_blank(const line_source *s)
{
    for (size_t i = s->pos; i < s->len; i++)
        if (!slant_is_space(s->buf[i]) && s->buf[i] != '\n')
            return 0;
    return 1;
}

/* The rest of the input, a peeked stream, as one text document (the text
 * of a web page with HTML). */
static slant_status source_text(line_source *s, const char *name, size_t max_doc, int html,
                                slant_corpus **out, slant_error *err)
{
    slant_status st;
    while (!s->eof) {
        if (s->len - s->pos > max_doc)
            return slant_read_too_long(err, name, 0, max_doc);
        if ((st = slant_source_fill(s, err)))
            return st;
    }
    if (s->len - s->pos > max_doc)
        return slant_read_too_long(err, name, 0, max_doc);
    if (!html)
        return slant_text_read(s->buf + s->pos, s->len - s->pos, name, out, err);
    char *buf = NULL;
    const char *text = s->buf + s->pos;
    size_t len = s->len - s->pos;
    if (!(st = slant_html_to_text(&buf, &text, &len, name, err)))
        st = slant_text_read(text, len, name, out, err);
    free(buf);
    return st;
}

static void read_opts_free(read_opts *ro)
{
    free(ro->text_column);
    free(ro->group_column);
    free(ro->labels_path);
    if (ro->ignore)
        for (size_t k = 0; k < ro->n_ignore; k++)
            free(ro->ignore[k]);
    free(ro->ignore);
    memset(ro, 0, sizeof *ro);
}

/* Checks OPT (NULL: the defaults) and copies it into *ro. */
static slant_status read_opts_copy(const slant_read_options *opt, read_opts *ro,
                                   slant_error *err)
{
    memset(ro, 0, sizeof *ro);
    slant_read_options def;
    if (!opt) {
        slant_read_options_init(&def);
        opt = &def;
    }
    const char *text = opt->text_column ? opt->text_column : "text";
    if (!*text || !strcmp(text, "id"))
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "the text column cannot be %s", *text ? "\"id\"" : "unnamed");
    if (opt->n_ignore && !opt->ignore)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%zu columns to ignore but no names",
                          opt->n_ignore);
    for (size_t k = 0; k < opt->n_ignore; k++) {
        const char *ig = opt->ignore[k];
        if (!ig || !*ig)
            return slant_fail(err, SLANT_STATUS_BAD_OPTION, "--ignore: a column has no name");
        if (!strcmp(ig, text))
            return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                              "--ignore \"%s\": that is the text column", ig);
        for (size_t j = 0; j < k; j++)
            if (!strcmp(opt->ignore[j], ig))
                return slant_fail(err, SLANT_STATUS_BAD_OPTION, "--ignore \"%s\" given twice",
                                  ig);
    }
    const char *group = opt->group_column;
    if (group) {
        if (!*group)
            return slant_fail(err, SLANT_STATUS_BAD_OPTION, "--group: the column has no name");
        if (!strcmp(group, text) || !strcmp(group, "id"))
            return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                              "--group \"%s\": that is the %s column", group,
                              strcmp(group, "id") ? "text" : "id");
        for (size_t k = 0; k < opt->n_ignore; k++)
            if (!strcmp(opt->ignore[k], group))
                return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                                  "--group \"%s\" is ignored too (--ignore)", group);
    }
    ro->texts_only = opt->texts_only != 0;
    ro->text_fallback = opt->text_fallback != 0;
    ro->ids_with_path = opt->ids_with_path != 0;
    ro->max_doc = opt->max_doc_bytes ? opt->max_doc_bytes : SLANT_MAX_DOC_BYTES;
    ro->n_ignore = opt->n_ignore;
    if (opt->labels_path && !*opt->labels_path)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "--labels: no file named");
    if (!(ro->text_column = slant_strdup(text))
        || (group && !(ro->group_column = slant_strdup(group)))
        || (opt->labels_path && !ro->texts_only
            && !(ro->labels_path = slant_strdup(opt->labels_path)))
        || !(ro->ignore = slant_calloc_array(opt->n_ignore ? opt->n_ignore : 1,
                                             sizeof *ro->ignore)))
        goto no_memory;
    for (size_t k = 0; k < opt->n_ignore; k++)
        if (!(ro->ignore[k] = slant_strdup(opt->ignore[k])))
            goto no_memory;
    return SLANT_STATUS_OK;
no_memory:
    read_opts_free(ro);
    return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
}

void slant_read_options_init(slant_read_options *opt)
{
    if (opt)
        memset(opt, 0, sizeof *opt); /* SLANT_FORMAT_AUTO is 0 */
}

void slant_reader_free(slant_reader *r)
{
    if (!r)
        return;
    if (r->src.fd > STDERR_FILENO)
        close(r->src.fd);
    slant_warc_free(r->warc);
    slant_labels_free(r->labels);
    slant_source_free(&r->src);
    parser_free(&r->parser);
    slant_corpus_free(r->whole);
    slant_names_free(r->files, r->n_files);
    read_opts_free(&r->ro);
    free(r->name);
    free(r);
}

/* --ignore and --text-column name columns, which only TSV and JSONL have:
 * said once the format is known, whatever it is read as. */
static void warn_no_columns(const read_opts *ro, const char *name, slant_format format)
{
    if ((ro->n_ignore || strcmp(ro->text_column, "text")) && format != SLANT_FORMAT_TSV
        && format != SLANT_FORMAT_JSONL)
        slant_warn("%s: --ignore and --text-column are for TSV and JSONL corpora; a %s corpus "
                   "has no columns", name, slant_format_name(format));
}

/* --group names a column, which only TSV and JSONL have: unlike
 * --ignore, an error, since the grouping it asks for cannot be had. */
static slant_status group_needs_columns(const read_opts *ro, const char *name,
                                        slant_format format, slant_error *err)
{
    if (!ro->group_column || format == SLANT_FORMAT_TSV || format == SLANT_FORMAT_JSONL)
        return SLANT_STATUS_OK;
    return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                      "%s: --group \"%s\" names a column, and a %s corpus has none; give a TSV "
                      "or JSONL corpus",
                      name, ro->group_column, slant_format_name(format));
}

static slant_status reader_open(const char *path, const slant_read_options *opt, int whole,
                                slant_reader **out, slant_error *err)
{
    if (!out)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no place to put the reader");
    *out = NULL;
    if (!path)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no corpus path");
    slant_format format = opt ? opt->format : SLANT_FORMAT_AUTO;
    if ((unsigned)format >= N_FORMATS)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%s: unknown corpus format %d", path,
                          (int)format);
    int from_stdin = !strcmp(path, "-");
    if (format == SLANT_FORMAT_DIR && from_stdin)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION,
                          "standard input cannot be read as a folder corpus (format dir)");
    slant_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->name = slant_strdup(from_stdin ? STDIN_NAME : path))) {
        free(r);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", path);
    }
    r->src.fd = -1;
    r->src.name = r->name;
    slant_status st = read_opts_copy(opt, &r->ro, err);
    if (st)
        goto done;
    const read_opts *ro = &r->ro;
    r->src.max_line = ro->max_doc;
    if (ro->labels_path && (st = slant_labels_load(ro->labels_path, &r->labels, err)))
        goto done;
    int articles = 0; /* a folder of articles */
    if (format == SLANT_FORMAT_AUTO && !from_stdin) {
        struct stat sb;
        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            format = SLANT_FORMAT_DIR;
            articles = ro->text_fallback;
        } else if ((format = slant_format_of_name(path)) == SLANT_FORMAT_AUTO && ro->text_fallback)
            format = SLANT_FORMAT_TEXT;
    }
    if (format != SLANT_FORMAT_AUTO) {
        warn_no_columns(ro, r->name, articles ? SLANT_FORMAT_TEXT : format);
        if ((st = group_needs_columns(ro, r->name, articles ? SLANT_FORMAT_TEXT : format, err)))
            goto done;
    }
    /* Ids that name the input: the input's name must make a good one. */
    if ((format == SLANT_FORMAT_TEXT || format == SLANT_FORMAT_HTML || ro->ids_with_path)
        && !articles
        && (st = slant_read_check_name(r->name, strlen(r->name), r->name, "the id", err)))
        goto done;
    if (articles) {
        st = slant_dir_list_articles(path, &r->files, &r->n_files, err);
        goto done;
    }
    if (format == SLANT_FORMAT_DIR) {
        st = slant_dir_read(path, ro, &r->whole, err);
        goto done;
    }
    if (format == SLANT_FORMAT_HTML) {
        st = slant_html_read(path, r->name, ro->max_doc, &r->whole, err);
        goto done;
    }
    if (format == SLANT_FORMAT_TEXT) {
        char *buf;
        const char *text;
        size_t len;
        if (!(st = slant_read_document(path, r->name, ro->max_doc, &buf, &text, &len, err))) {
            st = slant_text_read(text, len, r->name, &r->whole, err);
            free(buf);
        }
        goto done;
    }
    r->src.fd = from_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (r->src.fd < 0) {
        st = slant_fail(err, SLANT_STATUS_IO, "%s: %s", path, strerror(errno));
        goto done;
    }
    /* A folder opens fine and only fails at the first read. */
    struct stat sb;
    if (fstat(r->src.fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        st = slant_fail(err, SLANT_STATUS_IO, "%s: %s", path, strerror(EISDIR));
        goto done;
    }
    if (format == SLANT_FORMAT_AUTO) {
        if ((st = source_peek(&r->src, err)))
            goto done;
        const char *head = r->src.buf + r->src.pos;
        size_t head_len = r->src.len - r->src.pos;
        format = slant_looks_like_warc(head, head_len)   ? SLANT_FORMAT_WARC
                 : slant_looks_like_html(head, head_len) ? SLANT_FORMAT_HTML
                                                         : format_of_content(head, head_len,
                                                                             ro->text_column);
        if (format == SLANT_FORMAT_AUTO && ro->text_fallback
            && looks_like_table(r->src.buf + r->src.pos, r->src.len - r->src.pos))
            format = SLANT_FORMAT_TSV;
        if (format == SLANT_FORMAT_AUTO && ro->text_fallback)
            format = SLANT_FORMAT_TEXT; /* standard input (a named file took it above) */
        if (format == SLANT_FORMAT_AUTO) {
            st = slant_fail(err, SLANT_STATUS_BAD_INPUT,
                            "cannot tell the format of %s; use --format", r->name);
            goto done;
        }
        warn_no_columns(ro, r->name, format);
        if ((st = group_needs_columns(ro, r->name, format, err)))
            goto done;
        if (format == SLANT_FORMAT_HTML || format == SLANT_FORMAT_TEXT) {
            /* a page, or an article, from standard input: whole */
            if (format == SLANT_FORMAT_TEXT && r->src.eof && source_all_blank(&r->src))
                st = slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: empty input: nothing to label",
                                r->name);
            else
                st = source_text(&r->src, r->name, ro->max_doc, format == SLANT_FORMAT_HTML,
                                 &r->whole, err);
            if (r->src.fd > STDERR_FILENO)
                close(r->src.fd);
            r->src.fd = -1;
            goto done;
        }
    }
    st = parser_start(&r->parser, format, r->name, ro, whole, err);
    if (!st && format == SLANT_FORMAT_WARC)
        st = slant_warc_open(&r->src, r->name, ro->max_doc, &r->warc, err);
done:
    r->format = format;
    if (st) {
        slant_reader_free(r);
        return st;
    }
    *out = r;
    return SLANT_STATUS_OK;
}

slant_format slant_reader_format(const slant_reader *r)
{
    return r ? r->format : SLANT_FORMAT_AUTO;
}

slant_status slant_reader_open(const char *path, slant_format format, slant_reader **out,
                               slant_error *err)
{
    slant_read_options opt;
    slant_read_options_init(&opt);
    opt.format = format;
    return reader_open(path, &opt, 0, out, err);
}

slant_status slant_reader_open_with(const char *path, const slant_read_options *opt,
                                    slant_reader **out, slant_error *err)
{
    return reader_open(path, opt, 0, out, err);
}

/* Reads documents into r->parser.c (empty or not yet made) until it holds
 * MAX_DOCS or its texts pass MAX_BYTES, or the input ends; with
 * STREAMING, also once it holds a document and the input has no more
 * ready, so that a slow stream is labeled as it comes, and an error after
 * some documents of the batch waits in r->failed while they go out: a
 * stream's records before a bad one are all delivered. */
static slant_status read_batch(slant_reader *r, size_t max_docs, size_t max_bytes,
                               int streaming, slant_error *err)
{
    line_parser *p = &r->parser;
    size_t bytes = 0;
    slant_status st = SLANT_STATUS_OK;
    while (!r->done) {
        size_t n = p->c ? p->c->n_docs : 0;
        if (n >= max_docs || (n && bytes >= max_bytes))
            break;
        if (r->warc) {
            char *id = NULL, *text = NULL;
            size_t l = 0;
            int got = 0;
            if (!(st = slant_warc_next(r->warc, &id, &text, &l, &got, err)) && got)
                st = slant_corpus_append(p->c, id, text, l, NULL, err);
            free(id);
            free(text);
            if (st)
                break;
            if (!got) {
                r->done = 1;
                break;
            }
            bytes += l;
            continue;
        }
        char *line = NULL;
        size_t l = 0;
        int got = SOURCE_END;
        if ((st = slant_source_line(&r->src, streaming && n, &line, &l, &got, err)))
            break;
        if (got == SOURCE_WOULD_WAIT)
            break;
        if (got == SOURCE_END) {
            st = parser_end(p, err);
            r->done = 1;
            break;
        }
        if ((st = parser_line(p, line, l, r->src.lineno, err)))
            break;
        if (p->c && p->c->n_docs > n)
            bytes += p->c->lens[n];
    }
    if (st && streaming && p->c && p->c->n_docs) {
        r->done = 1;
        r->failed = st;
        r->failed_err = err ? *err : (slant_error){{0}};
        return SLANT_STATUS_OK;
    }
    if (st) { /* nothing after an error, not even the batch it cut short */
        r->done = 1;
        slant_corpus_free(p->c);
        p->c = NULL;
    }
    return st;
}

uint64_t slant_reader_bytes(const slant_reader *r)
{
    if (!r || r->src.fd < 0)
        return 0;
    return r->src.got - (r->src.len - r->src.pos); /* what is still buffered is not yet read */
}

static slant_status reader_next(slant_reader *r, size_t max_docs, size_t max_bytes,
                                slant_corpus **batch, slant_error *err)
{
    if (!batch)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no place to put the batch");
    *batch = NULL;
    if (!r)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no reader");
    if (r->failed) { /* the error after the last batch; nothing after it */
        slant_status st = r->failed;
        r->failed = SLANT_STATUS_OK;
        if (err)
            *err = r->failed_err;
        return st;
    }
    if (r->files) { /* a folder of articles: a batch of files */
        if (r->done)
            return SLANT_STATUS_OK;
        slant_status st = slant_dir_read_articles(r->files, r->n_files, &r->next_file, r->name,
                                                  max_docs ? max_docs : 1, max_bytes, r->ro.max_doc,
                                                  batch, err);
        if (st || r->next_file == r->n_files)
            r->done = 1;
        if (st && *batch) { /* the files before the bad one go out first */
            r->failed = st;
            r->failed_err = err ? *err : (slant_error){{0}};
            return SLANT_STATUS_OK;
        }
        if (*batch && !(*batch)->n_docs) {
            slant_corpus_free(*batch);
            *batch = NULL;
        }
        return st;
    }
    if (r->src.fd < 0) { /* a whole-file format: one batch, once */
        if (r->whole && r->whole->n_docs)
            *batch = r->whole;
        else
            slant_corpus_free(r->whole);
        r->whole = NULL;
        return SLANT_STATUS_OK;
    }
    slant_status st = read_batch(r, max_docs ? max_docs : 1, max_bytes, 1, err);
    line_parser *p = &r->parser;
    if (st || !p->c || !p->c->n_docs)
        return st;
    /* The batch goes to the caller; the next one starts as a copy of its
     * heads. */
    slant_corpus *next;
    if ((st = slant_corpus_new(p->c->n_heads, (const char *const *)p->c->head_names, p->name,
                               &next, err)))
        return st;
    next->vectors = p->c->vectors;
    if (p->c->group_name && (st = slant_corpus_group_column(next, p->c->group_name, err))) {
        slant_corpus_free(next);
        return st;
    }
    *batch = p->c;
    p->c = next;
    return SLANT_STATUS_OK;
}

static slant_status reader_rest(slant_reader *r, slant_corpus **out, slant_error *err)
{
    if (!out)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no place to put the corpus");
    *out = NULL;
    if (!r)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no reader");
    if (r->failed) {
        slant_status st = r->failed;
        r->failed = SLANT_STATUS_OK;
        if (err)
            *err = r->failed_err;
        return st;
    }
    slant_status st = SLANT_STATUS_OK;
    if (r->files) {
        if (!r->done)
            st = slant_dir_read_articles(r->files, r->n_files, &r->next_file, r->name, SIZE_MAX,
                                         SIZE_MAX, r->ro.max_doc, &r->whole, err);
        r->done = 1;
        if (st) {
            slant_corpus_free(r->whole);
            r->whole = NULL;
        }
    } else if (r->src.fd >= 0) {
        line_parser *p = &r->parser;
        /* fastText in batches drops its tags; read whole before anything
         * went out, its heads come from every line, as a whole read's do */
        if (p->format == SLANT_FORMAT_FASTTEXT && p->texts_only && !r->ro.texts_only
            && r->src.lineno == 0 && p->c && !p->c->n_docs) {
            static const char *const ft_heads[] = {LABEL_HEAD};
            slant_corpus *c;
            if ((st = slant_corpus_new(1, ft_heads, p->name, &c, err)))
                return st;
            slant_corpus_free(p->c);
            p->c = c;
            p->texts_only = 0;
        }
        if (!(st = read_batch(r, SIZE_MAX, SIZE_MAX, 0, err))) {
            r->whole = p->c;
            p->c = NULL;
        }
    }
    if (!st) {
        *out = r->whole;
        r->whole = NULL;
    }
    return st;
}

/* The labels file joined on what went out; its misses told at the end of
 * the input (END). */
static slant_status with_labels(slant_reader *r, slant_status st, slant_corpus **c, int end,
                                slant_error *err)
{
    if (!r || !r->labels || st)
        return st;
    if (*c && (st = slant_labels_join(r->labels, c, err))) {
        slant_corpus_free(*c);
        *c = NULL;
        return st;
    }
    if (end && !r->labels_told) {
        r->labels_told = 1;
        slant_labels_tell(r->labels, r->name);
    }
    return SLANT_STATUS_OK;
}

slant_status slant_reader_next(slant_reader *r, size_t max_docs, size_t max_bytes,
                               slant_corpus **batch, slant_error *err)
{
    slant_status st = reader_next(r, max_docs, max_bytes, batch, err);
    return with_labels(r, st, batch, batch && !*batch, err);
}

slant_status slant_reader_rest(slant_reader *r, slant_corpus **out, slant_error *err)
{
    slant_status st = reader_rest(r, out, err);
    return with_labels(r, st, out, 1, err);
}

slant_status slant_corpus_read_with(const char *path, const slant_read_options *opt,
                                    slant_corpus **out, slant_error *err)
{
    if (!out)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no place to put the corpus");
    *out = NULL;
    slant_reader *r;
    slant_status st = reader_open(path, opt, 1, &r, err);
    if (!st)
        st = slant_reader_rest(r, out, err);
    slant_reader_free(r);
    return st;
}

slant_status slant_corpus_read(const char *path, slant_format format, slant_corpus **out,
                               slant_error *err)
{
    slant_read_options opt;
    slant_read_options_init(&opt);
    opt.format = format;
    return slant_corpus_read_with(path, &opt, out, err);
}
