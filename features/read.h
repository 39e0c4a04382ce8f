/*
 * read.h: what the corpus readers share.  Private to features/: a line
 * format is a file (read_tsv.c, read_jsonl.c, read_fasttext.c,
 * read_lines.c, read_libsvm.c) of calls fed a line at a time; the folder
 * formats are read_dir.c; web pages are read_html.c (their text from
 * html.c) and web archives read_warc.c, a record at a time; source.c
 * reads bytes and lines and checks names;
 * reader.c tells the format, dispatches to the format's calls and hands
 * the documents out, whole or in batches (slant_reader).  So adding a
 * format is adding a file, its calls here, and its case in reader.c.
 *
 * The rules every reader keeps (see corpus.c): bad input is
 * "PATH:LINE: what is wrong" with SLANT_STATUS_BAD_INPUT; ids, labels and
 * head names follow the rule for names, checked where they are read; a
 * document is at most max_doc bytes, refused without being held whole.
 */
#ifndef SLANT_READ_H
#define SLANT_READ_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "corpus.h"

/* The name standard input goes by in messages and ids. */
#define STDIN_NAME "<stdin>"
/* The single head of fastText and folder corpora. */
#define LABEL_HEAD "label"
#define FT_PREFIX "__label__"
#define FT_PREFIX_LEN (sizeof FT_PREFIX - 1)

/* The lines of a file, read a chunk at a time: memory holds a chunk and
 * the longest line, not the file, and a line longer than max_line is
 * refused as soon as the buffer holds that much of it.  A line returned
 * stays valid, and may be cut in place, until the next call. */
typedef struct line_source {
    int fd;
    const char *name; /* for messages */
    size_t max_line;  /* the longest line, its line end not counted */
    char *buf;
    size_t cap;
    size_t pos, len; /* the unread bytes: buf[pos, len) */
    size_t scan;     /* buf[pos, scan) holds no '\n' */
    int eof;
    int started;     /* the byte order mark has been looked for */
    size_t lineno;   /* of the line last returned, 1-based */
    uint64_t got;    /* bytes read from fd in all, buffered ones too */
} line_source;

typedef struct span {
    char *p;
    size_t len;
} span;

/* The read options as a reader keeps them: its own copies. */
typedef struct read_opts {
    char *text_column;   /* "text" unless told otherwise */
    char *group_column;  /* NULL: none */
    char **ignore;       /* n_ignore names */
    size_t n_ignore;
    int texts_only, text_fallback, ids_with_path;
    size_t max_doc;
    char *labels_path;   /* NULL: the corpus's own labels */
} read_opts;

/* What a line format's reader keeps between lines.  Documents go to c,
 * which exists from the start for fastText and lines, and from the header
 * (TSV) or the first object (JSONL) for the others. */
typedef struct line_parser {
    slant_format format; /* TSV, JSONL, FASTTEXT or LINES */
    const char *name;    /* for messages */
    const read_opts *ro;
    slant_corpus *c;
    size_t ncols, text_col, id_col, group_col; /* TSV; group_col SIZE_MAX: none */
    size_t header_line;  /* TSV: the header's line number; rows count from the next */
    size_t *head_col;    /* TSV: the column of each head */
    span *fields;        /* TSV: ncols */
    json_t *index;       /* JSONL: head name to number */
    char *first_keys;    /* JSONL: the first object's keys, for messages */
    unsigned char *ignore_seen; /* JSONL: per --ignore name, whether an object had it */
    int group_seen;      /* JSONL: an object had the group key */
    const char **labels; /* one per head */
    char *id_buf;        /* "NAME:N" ids (ids_with_path) */
    char **map;          /* LIBSVM: pairs of class number and class name, from the sidecar */
    size_t n_map;        /* pairs in map; 0: labels are taken as written */
    int texts_only;      /* fastText in batches, or told so: the tags are checked, then dropped */
    int ft_kind, ft_multi; /* fastText: the kind of tags seen; a line had several plain ones */
} line_parser;

/* What slant_source_line found. */
enum { SOURCE_END, SOURCE_LINE, SOURCE_WOULD_WAIT };

/* The calls one file offers the others; each one's contract is stated
 * where it is defined. */

/* corpus.c */
int slant_cmp_strp(const void *a, const void *b);
int slant_names_duplicate(const char *const *names, size_t n, const char **dup);

/* source.c */
int slant_has_nul(const char *p, size_t len);
int slant_is_blank(const char *line, size_t len);
int slant_is_space(char ch);
int slant_source_past_cap(const line_source *s);
size_t slant_count_fields(const char *line, size_t len);
slant_status slant_read_check_name(const char *s, size_t len, const char *where, const char *what,
                                   slant_error *err);
slant_status slant_read_check_name_at(const char *s, size_t len, const char *name, size_t lineno,
                                      const char *what, slant_error *err);
slant_status slant_read_document(const char *path, const char *name, size_t max_doc,
                                 char **buf, const char **text, size_t *len,
                                 slant_error *err);
slant_status slant_read_path(const char *path, size_t limit, char **out, size_t *out_len,
                             int *over, slant_error *err);
slant_status slant_read_too_long(slant_error *err, const char *name, size_t lineno, size_t max_doc);
slant_status slant_source_fill(line_source *s, slant_error *err);
slant_status slant_source_line(line_source *s, int nowait, char **line, size_t *len, int *got,
                               slant_error *err);
slant_status slant_source_start(line_source *s, slant_error *err);
void slant_source_free(line_source *s);
void slant_split_fields(char *line, size_t len, span *fields);

/* reader.c */
int slant_read_is_ignored(const read_opts *ro, const char *name, size_t len, size_t *which);
slant_format slant_format_of_name(const char *path);
slant_status slant_parser_append(line_parser *p, const char *id, size_t record,
                                 const char *text, size_t len, const char *const *labels,
                                 slant_error *err);
void slant_names_list(const char *const *names, size_t n, char *buf, size_t size);

/* read_tsv.c */
slant_status slant_tsv_header(line_parser *p, char *line, size_t l, size_t lineno,
                              slant_error *err);
slant_status slant_tsv_row(line_parser *p, char *line, size_t l, size_t lineno,
                           slant_error *err);

/* read_jsonl.c */
slant_status slant_jsonl_end(line_parser *p, slant_error *err);
slant_status slant_jsonl_line(line_parser *p, char *line, size_t l, size_t lineno,
                              slant_error *err);

/* read_fasttext.c */
int slant_fasttext_is_tag(const char *p, size_t len);
slant_status slant_fasttext_finish(line_parser *p, slant_error *err);
slant_status slant_fasttext_line(line_parser *p, char *line, size_t l, size_t lineno,
                                 slant_error *err);

/* read_lines.c */
slant_status slant_lines_line(line_parser *p, char *line, size_t l, size_t lineno,
                              slant_error *err);
slant_status slant_text_read(const char *buf, size_t len, const char *name, slant_corpus **out,
                             slant_error *err);

/* read_libsvm.c */
slant_status slant_libsvm_line(line_parser *p, char *line, size_t l, size_t lineno,
                               slant_error *err);
slant_status slant_libsvm_sidecar(line_parser *p, const char *path, char **head,
                                  slant_error *err);

/* read_dir.c */
slant_status slant_dir_list_articles(const char *dir, char ***files, size_t *n_files,
                                     slant_error *err);
slant_status slant_dir_read(const char *dir, const read_opts *ro, slant_corpus **out,
                            slant_error *err);
slant_status slant_dir_read_articles(char *const *files, size_t n_files, size_t *next,
                                     const char *name, size_t max_docs, size_t max_bytes,
                                     size_t max_doc, slant_corpus **out, slant_error *err);
void slant_names_free(char **names, size_t n);

/* read_html.c */
slant_status slant_html_read(const char *path, const char *name, size_t max_doc,
                             slant_corpus **out, slant_error *err);
slant_status slant_html_to_text(char **buf, const char **text, size_t *len, const char *name,
                                slant_error *err);
int slant_looks_like_html(const char *buf, size_t len);
slant_status slant_read_article(const char *path, const char *name, size_t max_doc, char **buf,
                                const char **text, size_t *len, slant_error *err);

/* read_labels.c: a labels file joined on the documents' ids. */
typedef struct label_table label_table;
slant_status slant_labels_load(const char *path, label_table **out, slant_error *err);
/* Replaces *c with a copy whose heads are the table's, each document's
 * labels those of the row of its id (none without one). */
slant_status slant_labels_join(label_table *t, slant_corpus **c, slant_error *err);
/* Warns of the documents without a row and the rows without a document. */
void slant_labels_tell(label_table *t, const char *corpus);
void slant_labels_free(label_table *t);

/* read_warc.c: the records of a WARC file, read from a line_source's
 * bytes (which it consumes, gzip members inflated as they come). */
typedef struct warc_reader warc_reader;
int slant_looks_like_warc(const char *buf, size_t len);
slant_status slant_warc_open(line_source *src, const char *name, size_t max_doc,
                             warc_reader **out, slant_error *err);
/* The next page into *id and *text (output, *len bytes; both the
 * caller's to free), *got 0 at the end, where the count of bad records
 * skipped is warned of. */
slant_status slant_warc_next(warc_reader *w, char **id, char **text, size_t *len, int *got,
                             slant_error *err);
uint64_t slant_warc_skipped(const warc_reader *w);
void slant_warc_free(warc_reader *w);

#endif /* SLANT_READ_H */
