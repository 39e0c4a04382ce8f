/*
 * source.c: the bytes and lines of an input, for every reader.  A whole
 * file is read with a cap (slant_read_path, slant_read_document); the line
 * formats are read a chunk at a time (line_source), each line cut in
 * place (tabs and line ends become NULs) before a format copies it into
 * its document; and names are checked with the message every reader
 * gives.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* fileno, strcasecmp, opendir */
#endif
#include "read.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "pipeline.h"

/* ------------------------------------------------------------------ */
/* Reading bytes                                                       */
/* ------------------------------------------------------------------ */

/* The message for a document past the cap; LINENO 0 for a whole file. */
slant_status slant_read_too_long(slant_error *err, const char *name, size_t lineno, size_t max_doc)
{
    char where[32] = "";
    if (lineno)
        snprintf(where, sizeof where, ":%zu", lineno);
    return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                      "%s%s: a document of more than %zu bytes (--max-doc-bytes %zu); raise "
                      "--max-doc-bytes to read it",
                      name, where, max_doc, max_doc);
}

/* Reads F to its end into *out (output, NUL-terminated, length *out_len),
 * but never more than LIMIT bytes: past them it stops with *over (output)
 * set, having read LIMIT + 1.  HINT is the expected size, 0 if unknown. */
static slant_status read_stream(FILE *f, const char *name, size_t hint, size_t limit,
                                char **out, size_t *out_len, int *over, slant_error *err)
{
    *out = NULL;
    *out_len = 0;
    *over = 0;
    if (hint > limit)
        hint = limit;
    /* Two spare bytes: the NUL, and room for the read that finds the end. */
    size_t cap = hint < SIZE_MAX - 2 ? hint + 2 : SIZE_MAX;
    if (cap < 4096)
        cap = 4096;
    char *buf = malloc(cap);
    if (!buf)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
    size_t len = 0;
    for (;;) {
        if (len > limit) {
            free(buf);
            *over = 1;
            return SLANT_STATUS_OK;
        }
        if (cap - len < 2) {
            void *p = buf;
            if (slant_grow(&p, &cap, cap + 1, 1)) {
                free(buf);
                return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
            }
            buf = p;
        }
        size_t want = cap - len - 1;
        if (limit < SIZE_MAX && want > limit + 1 - len)
            want = limit + 1 - len;
        errno = 0;
        size_t got = fread(buf + len, 1, want, f);
        len += got;
        if (got < want) {
            if (ferror(f)) {
                int e = errno ? errno : EIO;
                free(buf);
                return slant_fail(err, SLANT_STATUS_IO, "%s: %s", name, strerror(e));
            }
            if (feof(f))
                break;
        }
    }
    if (len > limit) {
        free(buf);
        *over = 1;
        return SLANT_STATUS_OK;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return SLANT_STATUS_OK;
}

/* Reads the file PATH ("-": standard input) whole, as read_stream does:
 * *over (output) says it holds more than LIMIT bytes, and then nothing is
 * read.  A regular file's size is looked at before any read. */
slant_status slant_read_path(const char *path, size_t limit, char **out, size_t *out_len,
                             int *over, slant_error *err)
{
    if (!strcmp(path, "-"))
        return read_stream(stdin, STDIN_NAME, 0, limit, out, out_len, over, err);
    *out = NULL;
    *out_len = 0;
    *over = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return slant_fail(err, SLANT_STATUS_IO, "%s: %s", path, strerror(errno));
    /* A folder opens fine on Linux and only fails at the first read. */
    struct stat st;
    size_t hint = 0;
    if (fstat(fileno(f), &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            fclose(f);
            return slant_fail(err, SLANT_STATUS_IO, "%s: %s", path, strerror(EISDIR));
        }
        if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > limit) {
            fclose(f);
            *over = 1;
            return SLANT_STATUS_OK;
        }
        if (S_ISREG(st.st_mode) && st.st_size > 0 && (uintmax_t)st.st_size < SIZE_MAX / 2)
            hint = (size_t)st.st_size;
    }
    slant_status status = read_stream(f, path, hint, limit, out, out_len, over, err);
    fclose(f);
    return status;
}

/* Length of a UTF-8 byte order mark at the start of buf, or 0. */
static size_t bom_length(const char *buf, size_t len)
{
    return len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0;
}

/* Reads the file PATH as one document of at most MAX_DOC bytes after its
 * byte order mark: *buf (output) is the allocation to free, *text and
 * *len (output) the document in it.  NAME is for messages. */
slant_status slant_read_document(const char *path, const char *name, size_t max_doc,
                                 char **buf, const char **text, size_t *len,
                                 slant_error *err)
{
    size_t raw;
    int over;
    slant_status st = slant_read_path(path, max_doc < SIZE_MAX - 3 ? max_doc + 3 : SIZE_MAX, buf,
                                      &raw, &over, err);
    if (st)
        return st;
    size_t bom = over ? 0 : bom_length(*buf, raw);
    if (over || raw - bom > max_doc) {
        free(*buf);
        *buf = NULL;
        return slant_read_too_long(err, name, 0, max_doc);
    }
    *text = *buf + bom;
    *len = raw - bom;
    return SLANT_STATUS_OK;
}

/* The rule for names (common/name.c), with the message every reader
 * gives: WHERE is "FILE:LINE" or "FILE", WHAT says which name it is ("the
 * id", "the \"topic\" label", ...).  Returns OK when S[0, LEN) is a
 * good name. */
slant_status slant_read_check_name(const char *s, size_t len, const char *where, const char *what,
                                   slant_error *err)
{
    const char *problem = slant_name_problem(s, len);
    if (!problem)
        return SLANT_STATUS_OK;
    char q[80], qw[256];
    /* WHERE may be the bad name itself (a file's path is its id). */
    if (slant_name_problem(where, strlen(where)))
        where = slant_name_quote(where, strlen(where), qw, sizeof qw);
    return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                      "%s: %s \"%s\" %s; every label, head name and id must be valid UTF-8 "
                      "without control characters",
                      where, what, slant_name_quote(s, len, q, sizeof q), problem);
}

/* slant_read_check_name at FILE:LINE. */
slant_status slant_read_check_name_at(const char *s, size_t len, const char *name, size_t lineno,
                                      const char *what, slant_error *err)
{
    if (!slant_name_problem(s, len))
        return SLANT_STATUS_OK;
    char where[512];
    snprintf(where, sizeof where, "%s:%zu", name, lineno);
    return slant_read_check_name(s, len, where, what, err);
}

/* ------------------------------------------------------------------ */
/* Lines                                                               */
/* ------------------------------------------------------------------ */

/* Bytes asked of each read. */
#define SOURCE_CHUNK ((size_t)1 << 20)

void slant_source_free(line_source *s)
{
    free(s->buf);
    s->buf = NULL;
}

/* Reads once more into the buffer, first moving the unread bytes to its
 * front, and growing it when less than a chunk is free.  One byte always
 * stays free, for the NUL after a last line that has no '\n'. */
slant_status slant_source_fill(line_source *s, slant_error *err)
{
    if (s->pos) {
        memmove(s->buf, s->buf + s->pos, s->len - s->pos);
        s->len -= s->pos;
        s->scan -= s->pos;
        s->pos = 0;
    }
    if (s->cap - s->len < SOURCE_CHUNK + 1) {
        void *p = s->buf;
        size_t cap = s->cap;
        if (s->len > SIZE_MAX - SOURCE_CHUNK - 1
            || slant_grow(&p, &cap, s->len + SOURCE_CHUNK + 1, 1))
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s:%zu: out of memory", s->name,
                              s->lineno + 1);
        s->buf = p;
        s->cap = cap;
    }
    for (;;) {
        ssize_t got = read(s->fd, s->buf + s->len, s->cap - s->len - 1);
        if (got > 0) {
            s->len += (size_t)got;
            s->got += (uint64_t)got;
            return SLANT_STATUS_OK;
        }
        if (got == 0) {
            s->eof = 1;
            return SLANT_STATUS_OK;
        }
        if (errno != EINTR)
            return slant_fail(err, SLANT_STATUS_IO, "%s: %s", s->name, strerror(errno));
    }
}

/* Drops a byte order mark at the start of the input. */
slant_status slant_source_start(line_source *s, slant_error *err)
{
    static const char bom[3] = "\xEF\xBB\xBF";
    s->started = 1;
    while (!s->eof && s->len < 3 && !memcmp(s->buf ? s->buf : bom, bom, s->len)) {
        slant_status st = slant_source_fill(s, err);
        if (st)
            return st;
    }
    if (bom_length(s->buf, s->len))
        s->pos = s->scan = 3;
    return SLANT_STATUS_OK;
}

/* Whether the unread bytes are more than a line of max_line bytes and its
 * "\r" could be. */
int slant_source_past_cap(const line_source *s)
{
    size_t unread = s->len - s->pos;
    return unread > 1 && unread - 1 > s->max_line;
}

/* Whether input waits on FD, so that a read would not block. */
static int input_ready(int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    return poll(&p, 1, 0) != 0;
}

/* The next line into *line and *len (output), with its '\n' and one '\r'
 * before it cut and a NUL in their place; the line may hold NULs of its
 * own.  *got (output) says whether there was one.  With NOWAIT, gives
 * SOURCE_WOULD_WAIT rather than wait for input that is not there yet. */
slant_status slant_source_line(line_source *s, int nowait, char **line, size_t *len, int *got,
                               slant_error *err)
{
    slant_status st;
    if (!s->started && (st = slant_source_start(s, err)))
        return st;
    for (;;) {
        char *nl = s->len > s->scan ? memchr(s->buf + s->scan, '\n', s->len - s->scan) : NULL;
        if (nl || (s->eof && s->pos < s->len)) {
            char *p = s->buf + s->pos, *e = nl ? nl : s->buf + s->len;
            size_t l = (size_t)(e - p);
            if (l && p[l - 1] == '\r')
                l--;
            if (l > s->max_line)
                return slant_read_too_long(err, s->name, s->lineno + 1, s->max_line);
            p[l] = '\0';
            s->pos = s->scan = nl ? (size_t)(nl - s->buf) + 1 : s->len;
            s->lineno++;
            *line = p;
            *len = l;
            *got = SOURCE_LINE;
            return SLANT_STATUS_OK;
        }
        s->scan = s->len;
        /* No line end yet: max_line + 2 bytes hold a longer line, even if
         * the next two are its "\r\n". */
        if (slant_source_past_cap(s))
            return slant_read_too_long(err, s->name, s->lineno + 1, s->max_line);
        if (s->eof) {
            *got = SOURCE_END;
            return SLANT_STATUS_OK;
        }
        if (nowait && !input_ready(s->fd)) {
            *got = SOURCE_WOULD_WAIT;
            return SLANT_STATUS_OK;
        }
        if ((st = slant_source_fill(s, err)))
            return st;
    }
}

int slant_is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
}

/* Blank lines: only spaces and tabs (see parser_line). */
int slant_is_blank(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!slant_is_space(line[i]))
            return 0;
    return 1;
}

int slant_has_nul(const char *p, size_t len)
{
    return memchr(p, '\0', len) != NULL;
}

/* ------------------------------------------------------------------ */
/* TSV                                                                 */
/* ------------------------------------------------------------------ */

size_t slant_count_fields(const char *line, size_t len)
{
    size_t n = 1;
    for (const char *p = line, *end = line + len; (p = memchr(p, '\t', (size_t)(end - p)));
         p++)
        n++;
    return n;
}

/* Splits LINE at its tabs into fields (output, slant_count_fields() entries),
 * NUL-terminating each in place. */
void slant_split_fields(char *line, size_t len, span *fields)
{
    char *p = line, *end = line + len;
    size_t k = 0;
    for (;;) {
        char *tab = memchr(p, '\t', (size_t)(end - p));
        char *e = tab ? tab : end;
        fields[k].p = p;
        fields[k].len = (size_t)(e - p);
        *e = '\0';
        k++;
        if (!tab)
            break;
        p = tab + 1;
    }
}

