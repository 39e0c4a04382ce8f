/*
 * read_warc.c: the warc format, web archives (WARC/1.0 and 1.1, ISO
 * 28500), plain or gzip-compressed member by member as crawlers write
 * them.  Each "response" record whose HTTP payload is an HTML page (a 2xx
 * status, Content-Type text/html or application/xhtml+xml) is a document:
 * its id the WARC-Target-URI, its text the page's (slant_page_text), in
 * the charset its Content-Type names; chunked transfer and gzip or
 * deflate content encodings are undone.  Other records are passed over.
 *
 * The archive is streamed: the bytes come from a line_source a chunk at a
 * time, each gzip member is inflated as it comes (zlib, reset at each
 * member's end), and memory holds one record, never more than max_doc
 * bytes of payload plus its headers: a longer record is skipped unread.
 *
 * A bad record (no version line, a bad header, a Content-Length that is
 * not a number, an HTTP message that is not one, a corrupt gzip member,
 * the end of the file inside it) is skipped with a warning naming its
 * byte offset (in the uncompressed stream, and its gzip member's offset
 * in the file), the reading goes on at the next "WARC/1." line or gzip
 * member, and the end of the input warns of how many were skipped.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* strncasecmp */
#endif
#include "read.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "common.h"
#include "pipeline.h"

/* The longest header block of a record, and of its HTTP message. */
#define MAX_HEADERS ((size_t)64 << 10)
/* Bytes inflated at a time. */
#define INFLATE_CHUNK ((size_t)256 << 10)

typedef struct member {
    uint64_t dec, comp; /* where a gzip member starts: in the inflated stream, in the file */
} member;

struct warc_reader {
    line_source *src;     /* the file's bytes */
    const char *name;     /* for messages */
    size_t max_doc;
    int gz;               /* gzip members */
    int z_live;           /* inside a member */
    z_stream z;
    int z_ready;          /* z was initialized */
    member *members;      /* the members whose bytes may still be in buf, oldest first */
    size_t n_members, members_cap;
    char *buf;            /* the inflated (or plain) stream: buf[pos, len) unread */
    size_t cap, pos, len;
    uint64_t base;        /* the stream offset of buf[0] */
    uint64_t brk;         /* the stream offset after a corrupt member's bytes; 0: none */
    int eof;              /* no more bytes will come */
    int cut;              /* the file ended inside a gzip member */
    uint64_t skipped;     /* bad records */
    uint64_t records;     /* good ones, pages or not */
    int seen_version;     /* a record started with "WARC/1." */
    char why[160];        /* the reason a record is bad, when it has numbers */
    int ended;            /* the end was reached and told */
};

uint64_t slant_warc_skipped(const warc_reader *w)
{
    return w ? w->skipped : 0;
}

void slant_warc_free(warc_reader *w)
{
    if (!w)
        return;
    if (w->z_ready)
        inflateEnd(&w->z);
    free(w->members);
    free(w->buf);
    free(w);
}

/* Whether BUF, the start of an input, is a WARC file: "WARC/1." at its
 * start, or a gzip member whose first bytes inflate to that. */
int slant_looks_like_warc(const char *buf, size_t len)
{
    if (len >= 7 && !memcmp(buf, "WARC/1.", 7))
        return 1;
    if (len < 3 || memcmp(buf, "\x1f\x8b\x08", 3))
        return 0;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return 0;
    unsigned char out[16];
    z.next_in = (unsigned char *)buf;
    z.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
    z.next_out = out;
    z.avail_out = sizeof out;
    int r = inflate(&z, Z_NO_FLUSH);
    size_t got = sizeof out - z.avail_out;
    inflateEnd(&z);
    return (r == Z_OK || r == Z_STREAM_END) && got >= 7 && !memcmp(out, "WARC/1.", 7);
}

/* The file offset of what the source has handed out. */
static uint64_t file_offset(const warc_reader *w)
{
    return w->src->got - (w->src->len - w->src->pos);
}

/* The gzip member holding stream offset AT, dropping those before it. */
static const member *member_of(warc_reader *w, uint64_t at)
{
    size_t k = 0;
    while (k + 1 < w->n_members && w->members[k + 1].dec <= at)
        k++;
    if (k) {
        memmove(w->members, w->members + k, (w->n_members - k) * sizeof *w->members);
        w->n_members -= k;
    }
    return w->n_members ? &w->members[0] : NULL;
}

/* Warns of the record at stream offset AT, counted as skipped. */
static void bad_record(warc_reader *w, uint64_t at, const char *what)
{
    w->skipped++;
    const member *m = w->gz ? member_of(w, at) : NULL;
    if (m)
        slant_warn("%s: record at byte %" PRIu64 " (gzip member at byte %" PRIu64 "): %s; "
                   "skipped", w->name, at, m->comp, what);
    else
        slant_warn("%s: record at byte %" PRIu64 ": %s; skipped", w->name, at, what);
}

/* Room for INFLATE_CHUNK more bytes in buf, the read ones dropped. */
static slant_status make_room(warc_reader *w, slant_error *err)
{
    if (w->pos) {
        memmove(w->buf, w->buf + w->pos, w->len - w->pos);
        w->len -= w->pos;
        w->base += w->pos;
        w->pos = 0;
    }
    if (w->cap - w->len < INFLATE_CHUNK) {
        void *p = w->buf;
        if (w->len > SIZE_MAX - INFLATE_CHUNK
            || slant_grow(&p, &w->cap, w->len + INFLATE_CHUNK, 1))
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", w->name);
        w->buf = p;
    }
    return SLANT_STATUS_OK;
}

/* Raw bytes in the source, if any are left; 0 at its end. */
static slant_status source_bytes(warc_reader *w, int *any, slant_error *err)
{
    line_source *s = w->src;
    while (s->pos == s->len && !s->eof) {
        slant_status st = slant_source_fill(s, err);
        if (st)
            return st;
    }
    *any = s->pos < s->len;
    return SLANT_STATUS_OK;
}

/* Skips the source past a corrupt stretch to the next gzip magic; the
 * stream goes on there. */
static void gzip_resync(warc_reader *w)
{
    line_source *s = w->src;
    for (;;) {
        const char *p = s->buf + s->pos, *end = s->buf + s->len;
        const char *m = NULL;
        for (const char *q = p; q + 3 <= end && !m; q++) {
            q = memchr(q, 0x1f, (size_t)(end - q));
            if (!q)
                break;
            if (q + 3 <= end && !memcmp(q, "\x1f\x8b\x08", 3))
                m = q;
        }
        if (m) {
            s->pos = (size_t)(m - s->buf);
            return;
        }
        /* keep the last two bytes: a magic may straddle the reads */
        if (s->len - s->pos > 2)
            s->pos = s->len - 2;
        if (s->eof || slant_source_fill(s, NULL)) {
            s->pos = s->len;
            return;
        }
    }
}

/* More bytes of the stream into buf; sets w->eof when none will come. */
static slant_status fill(warc_reader *w, slant_error *err)
{
    slant_status st = make_room(w, err);
    if (st)
        return st;
    line_source *s = w->src;
    size_t before = w->len;
    while (w->len == before && !w->eof) {
        int any;
        if ((st = source_bytes(w, &any, err)))
            return st;
        if (!w->gz) {
            if (!any) {
                w->eof = 1;
                break;
            }
            size_t n = s->len - s->pos;
            if (n > w->cap - w->len)
                n = w->cap - w->len;
            memcpy(w->buf + w->len, s->buf + s->pos, n);
            w->len += n;
            s->pos += n;
            break;
        }
        if (!any) {
            w->eof = 1;
            w->cut = w->z_live;
            break;
        }
        if (!w->z_live) {
            void *p = w->members;
            if (slant_grow(&p, &w->members_cap, w->n_members + 1, sizeof *w->members))
                return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", w->name);
            w->members = p;
            w->members[w->n_members++] = (member){w->base + w->len, file_offset(w)};
            if (inflateReset(&w->z) != Z_OK)
                return slant_fail(err, SLANT_STATUS_INTERNAL, "%s: zlib: cannot reset", w->name);
            w->z_live = 1;
        }
        size_t in = s->len - s->pos;
        w->z.next_in = (unsigned char *)s->buf + s->pos;
        w->z.avail_in = in > UINT32_MAX ? UINT32_MAX : (uInt)in;
        w->z.next_out = (unsigned char *)w->buf + w->len;
        w->z.avail_out = (uInt)(w->cap - w->len > UINT32_MAX ? UINT32_MAX : w->cap - w->len);
        int r = inflate(&w->z, Z_NO_FLUSH);
        s->pos = (size_t)((char *)w->z.next_in - s->buf);
        w->len = (size_t)((char *)w->z.next_out - w->buf);
        if (r == Z_STREAM_END) {
            w->z_live = 0;
        } else if (r == Z_DATA_ERROR || r == Z_NEED_DICT) {
            uint64_t at = w->members[w->n_members - 1].comp;
            slant_warn("%s: gzip member at byte %" PRIu64 " is corrupt (%s); its record is "
                       "skipped", w->name, at, w->z.msg ? w->z.msg : "bad data");
            w->skipped++;
            w->z_live = 0;
            w->brk = w->base + w->len;
            if (s->pos < s->len)
                s->pos++;
            gzip_resync(w);
        } else if (r == Z_MEM_ERROR) {
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", w->name);
        }
    }
    return SLANT_STATUS_OK;
}

/* Makes buf[pos, pos + N) hold stream bytes, if the stream has them;
 * *have (output) says whether it does. */
static slant_status need(warc_reader *w, size_t n, int *have, slant_error *err)
{
    while (w->len - w->pos < n && !w->eof) {
        slant_status st = fill(w, err);
        if (st)
            return st;
    }
    *have = w->len - w->pos >= n;
    return SLANT_STATUS_OK;
}

/* Drops N bytes of the stream, read or not, without holding them; stops
 * early at the stream's end or at a corrupt member's end (after FROM). */
static slant_status skip(warc_reader *w, uint64_t n, uint64_t from, slant_error *err)
{
    while (n) {
        if (w->pos == w->len) {
            if (w->eof)
                return SLANT_STATUS_OK;
            slant_status st = fill(w, err);
            if (st)
                return st;
            if (w->brk > from)
                return SLANT_STATUS_OK;
            continue;
        }
        size_t k = w->len - w->pos;
        if (k > n)
            k = (size_t)n;
        w->pos += k;
        n -= k;
    }
    return SLANT_STATUS_OK;
}

/* Moves on to the next "WARC/1." at the start of a line, from buf[pos];
 * with HERE, buf[pos] may start it (a member's start, after a corrupt
 * one). */
static slant_status resync(warc_reader *w, int here, slant_error *err)
{
    for (;;) {
        if (here && w->len - w->pos >= 7 && !memcmp(w->buf + w->pos, "WARC/1.", 7))
            return SLANT_STATUS_OK;
        here = 0;
        const char *p = w->buf + w->pos, *end = w->buf + w->len;
        while ((p = memchr(p, '\n', (size_t)(end - p)))) {
            p++;
            if ((size_t)(end - p) < 7)
                break;
            if (!memcmp(p, "WARC/1.", 7)) {
                w->pos = (size_t)(p - w->buf);
                return SLANT_STATUS_OK;
            }
        }
        if (w->len - w->pos > 8)
            w->pos = w->len - 8; /* a line start may straddle the reads */
        if (w->eof) {
            w->pos = w->len;
            return SLANT_STATUS_OK;
        }
        slant_status st = fill(w, err);
        if (st)
            return st;
    }
}

/* Goes on after a corrupt gzip member, at the next member's record. */
static slant_status past_corrupt(warc_reader *w, slant_error *err)
{
    w->pos = (size_t)(w->brk - w->base);
    w->brk = 0;
    return resync(w, 1, err);
}

/* ---- Headers ---- */

/* The end of the header block at P[0, LEN): the offset past its blank
 * line ("\r\n\r\n" or "\n\n"), or 0 when it has none. */
static size_t headers_end(const char *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (p[i] != '\n')
            continue;
        if (p[i + 1] == '\n')
            return i + 2;
        if (i + 2 < len && p[i + 1] == '\r' && p[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

typedef struct header_walk {
    const char *p, *end;
} header_walk;

/* The next "Name: value" line of a header block into NAME and VALUE
 * (spans, trimmed); 0 at the block's end; -1 for a line without a colon. */
static int next_header(header_walk *h, span *name, span *value)
{
    if (h->p >= h->end)
        return 0;
    const char *nl = memchr(h->p, '\n', (size_t)(h->end - h->p));
    const char *e = nl ? nl : h->end, *line = h->p;
    h->p = nl ? nl + 1 : h->end;
    if (e > line && e[-1] == '\r')
        e--;
    if (e == line)
        return 0;
    if (*line == ' ' || *line == '\t') { /* a folded line: part of the last value */
        name->len = 0;
        return 1;
    }
    const char *colon = memchr(line, ':', (size_t)(e - line));
    if (!colon)
        return -1;
    name->p = (char *)line;
    name->len = (size_t)(colon - line);
    const char *v = colon + 1;
    while (v < e && (*v == ' ' || *v == '\t'))
        v++;
    while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    value->p = (char *)v;
    value->len = (size_t)(e - v);
    return 1;
}

static int span_is(span s, const char *word)
{
    size_t n = strlen(word);
    return s.len == n && !strncasecmp(s.p, word, n);
}

static int span_starts(span s, const char *word)
{
    size_t n = strlen(word);
    return s.len >= n && !strncasecmp(s.p, word, n);
}

/* A decimal number of up to 18 digits from S; -1 when it is not one. */
static int64_t span_number(span s)
{
    if (s.len == 0 || s.len > 18)
        return -1;
    int64_t v = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return -1;
        v = v * 10 + (s.p[i] - '0');
    }
    return v;
}

/* The charset parameter of a Content-Type value, into OUT (SIZE bytes). */
static void charset_of(span type, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i + 8 <= type.len; i++) {
        if (strncasecmp(type.p + i, "charset=", 8))
            continue;
        size_t j = i + 8, k = 0;
        while (j < type.len && (type.p[j] == '"' || type.p[j] == '\''))
            j++;
        while (j < type.len && k + 1 < size && type.p[j] != '"' && type.p[j] != '\''
               && type.p[j] != ';' && type.p[j] != ' ')
            out[k++] = type.p[j++];
        out[k] = '\0';
        return;
    }
}

/* ---- The HTTP message ---- */

/* Undoes chunked transfer coding of P[0, LEN) in place; the new length
 * into *out_len, or -1 when the chunks are malformed. */
static int dechunk(char *p, size_t len, size_t *out_len)
{
    size_t in = 0, out = 0;
    for (;;) {
        size_t size = 0, digits = 0;
        while (in < len && digits < 16) {
            char c = p[in];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                        : c >= 'A' && c <= 'F'              ? c - 'A' + 10
                                                                            : -1;
            if (d < 0)
                break;
            size = size * 16 + (size_t)d;
            digits++;
            in++;
        }
        if (!digits)
            return -1;
        const char *nl = memchr(p + in, '\n', len - in); /* chunk extensions */
        if (!nl)
            return -1;
        in = (size_t)(nl - p) + 1;
        if (size == 0)
            break;
        if (size > len - in)
            return -1;
        memmove(p + out, p + in, size);
        out += size;
        in += size;
        if (in < len && p[in] == '\r')
            in++;
        if (in < len && p[in] == '\n')
            in++;
    }
    *out_len = out;
    return 0;
}

/* Inflates P[0, LEN) (gzip, zlib or raw deflate: GZIP says which to try
 * first) into *out (output, malloc'd, *out_len bytes, at most MAX);
 * returns a reason when it cannot.  A stream cut short keeps what came. */
static const char *inflate_payload(const char *p, size_t len, int gzip, size_t max, char **out,
                                   size_t *out_len)
{
    static const int bits[2][2] = {{MAX_WBITS, -MAX_WBITS}, {16 + MAX_WBITS, 16 + MAX_WBITS}};
    *out = NULL;
    for (int attempt = 0; attempt < 2; attempt++) {
        z_stream z;
        memset(&z, 0, sizeof z);
        if (inflateInit2(&z, bits[gzip][attempt]) != Z_OK)
            return "out of memory";
        size_t cap = (size_t)64 << 10, n = 0;
        char *buf = NULL;
        int r = Z_OK;
        z.next_in = (unsigned char *)p;
        z.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
        while (r == Z_OK) {
            if (!buf || n == cap) {
                if (buf && cap > max)
                    break;
                if (buf)
                    cap = cap > max / 2 ? max + 1 : cap * 2;
                void *q = realloc(buf, cap + 1);
                if (!q) {
                    free(buf);
                    inflateEnd(&z);
                    return "out of memory";
                }
                buf = q;
            }
            z.next_out = (unsigned char *)buf + n;
            z.avail_out = (uInt)(cap - n > UINT32_MAX ? UINT32_MAX : cap - n);
            r = inflate(&z, Z_NO_FLUSH);
            n = (size_t)((char *)z.next_out - buf);
            if (r == Z_BUF_ERROR && z.avail_in == 0)
                r = Z_STREAM_END;
        }
        inflateEnd(&z);
        if (n > max) {
            free(buf);
            return "its page inflates past --max-doc-bytes";
        }
        if (r == Z_STREAM_END) {
            *out = buf;
            *out_len = n;
            return NULL;
        }
        free(buf);
    }
    return "its Content-Encoding data is corrupt";
}

/* The page of the HTTP response P[0, LEN) (in place: chunks undone),
 * into *text (output) and *len; *text NULL when the record is no HTML
 * page and no error either.  A reason for a bad one. */
static const char *http_page(warc_reader *w, char *p, size_t len, char **text, size_t *text_len,
                             slant_status *st, slant_error *err)
{
    *text = NULL;
    if (len < 12 || strncmp(p, "HTTP/", 5))
        return "its payload is not an HTTP response";
    size_t hend = headers_end(p, len < MAX_HEADERS ? len : MAX_HEADERS);
    if (!hend)
        return len >= MAX_HEADERS ? "its HTTP headers pass 64 KiB" : "its HTTP headers have no end";
    header_walk h = {p, p + hend};
    span name, value;
    /* the status line */
    const char *nl = memchr(p, '\n', hend);
    const char *sp = memchr(p, ' ', (size_t)(nl - p));
    if (!sp || nl - sp < 4 || sp[1] < '1' || sp[1] > '5' || sp[2] < '0' || sp[2] > '9'
        || sp[3] < '0' || sp[3] > '9')
        return "its HTTP status line has no status";
    int status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
    h.p = nl + 1;
    span type = {NULL, 0};
    int chunked = 0, encoding = 0; /* 1 gzip, 2 deflate */
    int r;
    while ((r = next_header(&h, &name, &value)) == 1) {
        if (!name.len)
            continue;
        if (span_is(name, "Content-Type"))
            type = value;
        else if (span_is(name, "Transfer-Encoding") && span_starts(value, "chunked"))
            chunked = 1;
        else if (span_is(name, "Content-Encoding") && value.len && !span_is(value, "identity")) {
            if (span_is(value, "gzip") || span_is(value, "x-gzip"))
                encoding = 1;
            else if (span_is(value, "deflate"))
                encoding = 2;
            else
                encoding = -1;
        }
    }
    if (r < 0)
        return "an HTTP header line has no ':'";
    if (status < 200 || status > 299 || !type.len
        || !(span_starts(type, "text/html") || span_starts(type, "application/xhtml+xml")))
        return NULL; /* not a page: passed over */
    if (encoding < 0)
        return "its Content-Encoding is not gzip or deflate";
    char *body = p + hend;
    size_t body_len = len - hend;
    if (chunked && dechunk(body, body_len, &body_len))
        return "its chunked transfer coding is malformed";
    if (body_len > w->max_doc) {
        snprintf(w->why, sizeof w->why, "its page of %zu bytes passes --max-doc-bytes %zu",
                 body_len, w->max_doc);
        return w->why;
    }
    char *inflated = NULL;
    if (encoding) {
        const char *why = inflate_payload(body, body_len, encoding == 1, w->max_doc, &inflated,
                                          &body_len);
        if (why)
            return why;
        body = inflated;
    }
    char charset[64];
    charset_of(type, charset, sizeof charset);
    slant_error e;
    *st = slant_page_text(body, body_len, charset[0] ? charset : NULL, text, text_len, &e);
    free(inflated);
    if (*st)
        slant_fail(err, *st, "%s: %s", w->name, e.message);
    return NULL;
}

/* ---- Records ---- */

slant_status slant_warc_open(line_source *src, const char *name, size_t max_doc,
                             warc_reader **out, slant_error *err)
{
    *out = NULL;
    warc_reader *w = calloc(1, sizeof *w);
    if (!w)
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
    w->src = src;
    w->name = name;
    w->max_doc = max_doc;
    slant_status st = SLANT_STATUS_OK;
    if (!src->started)
        st = slant_source_start(src, err);
    int any = 0;
    if (!st)
        st = source_bytes(w, &any, err);
    if (!st && src->len - src->pos >= 2 && !memcmp(src->buf + src->pos, "\x1f\x8b", 2)) {
        w->gz = 1;
        if (inflateInit2(&w->z, 16 + MAX_WBITS) != Z_OK)
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", name);
        else
            w->z_ready = 1;
    }
    if (st) {
        slant_warc_free(w);
        return st;
    }
    *out = w;
    return SLANT_STATUS_OK;
}

/* The URI of a WARC-Target-URI value (WARC/1.0's examples wrap it in
 * angle brackets), into a new string. */
static char *target_uri(span v)
{
    if (v.len >= 2 && v.p[0] == '<' && v.p[v.len - 1] == '>') {
        v.p++;
        v.len -= 2;
    }
    return slant_strndup(v.p, v.len);
}

/* The end of the input: the count of bad records, told once; an input
 * of bad records only, none of them starting with a version line, is no
 * WARC file. */
static slant_status at_end(warc_reader *w, int *got, slant_error *err)
{
    *got = 0;
    int first = !w->ended;
    w->ended = 1;
    if (first && w->skipped && !w->records && !w->seen_version)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                          "%s: not a WARC file: none of its %" PRIu64 " records could be read",
                          w->name, w->skipped);
    if (first && w->skipped)
        slant_warn("%s: %" PRIu64 " bad record%s skipped", w->name, w->skipped,
                   w->skipped == 1 ? "" : "s");
    return SLANT_STATUS_OK;
}

slant_status slant_warc_next(warc_reader *w, char **id, char **text, size_t *len, int *got,
                             slant_error *err)
{
    *id = *text = NULL;
    *len = 0;
    *got = 0;
    slant_status st;
    int have;
    for (;;) {
        /* the blank lines after the last record */
        for (;;) {
            if ((st = need(w, 1, &have, err)))
                return st;
            if (!have) {
                return at_end(w, got, err);
            }
            if (w->buf[w->pos] != '\r' && w->buf[w->pos] != '\n')
                break;
            w->pos++;
        }
        uint64_t at = w->base + w->pos;
        if ((st = need(w, 7, &have, err)))
            return st;
        if (w->len - w->pos >= 7 && !memcmp(w->buf + w->pos, "WARC/1.", 7))
            w->seen_version = 1;
        if (w->gz)
            member_of(w, at); /* the members before this record are done with */
        /* the header block, whole in buf */
        size_t hend;
        for (;;) {
            size_t avail = w->len - w->pos;
            if (avail > MAX_HEADERS)
                avail = MAX_HEADERS;
            hend = headers_end(w->buf + w->pos, avail);
            if (hend || avail == MAX_HEADERS || w->eof)
                break;
            if ((st = need(w, w->len - w->pos + 1, &have, err)))
                return st;
        }
        if (w->brk > at) { /* the record ran into a corrupt member: told already */
            if ((st = past_corrupt(w, err)))
                return st;
            continue;
        }
        if (!hend) {
            if (w->eof && w->len - w->pos < MAX_HEADERS) {
                bad_record(w, at, w->cut ? "the file ends inside its gzip member"
                                         : "the file ends inside its headers");
                w->pos = w->len;
                return at_end(w, got, err);
            }
            bad_record(w, at, "its headers pass 64 KiB");
            w->pos++;
            if ((st = resync(w, 0, err)))
                return st;
            continue;
        }
        const char *hp = w->buf + w->pos;
        const char *nl = memchr(hp, '\n', hend);
        size_t vlen = (size_t)(nl - hp);
        if (vlen && hp[vlen - 1] == '\r')
            vlen--;
        if (!(vlen == 8 && (!memcmp(hp, "WARC/1.0", 8) || !memcmp(hp, "WARC/1.1", 8)))) {
            bad_record(w, at, "no WARC/1.0 or WARC/1.1 version line");
            w->pos++;
            if ((st = resync(w, 0, err)))
                return st;
            continue;
        }
        header_walk h = {nl + 1, hp + hend};
        span name, value, type = {NULL, 0}, uri = {NULL, 0}, ctype = {NULL, 0};
        int64_t length = -1;
        int r, has_length = 0;
        while ((r = next_header(&h, &name, &value)) == 1) {
            if (span_is(name, "WARC-Type"))
                type = value;
            else if (span_is(name, "WARC-Target-URI"))
                uri = value;
            else if (span_is(name, "Content-Type"))
                ctype = value;
            else if (span_is(name, "Content-Length")) {
                has_length = 1;
                length = span_number(value);
            }
        }
        const char *why = r < 0 ? "a header line has no ':'"
                          : !has_length ? "no Content-Length"
                          : length < 0  ? "its Content-Length is not a number"
                                        : NULL;
        if (why) {
            bad_record(w, at, why);
            w->pos += hend;
            if ((st = resync(w, 0, err)))
                return st;
            continue;
        }
        int wanted = span_is(type, "response") && span_starts(ctype, "application/http");
        char *target = NULL;
        const char *problem = NULL;
        char q[80];
        if (wanted) {
            problem = uri.len ? slant_name_problem(uri.p, uri.len) : "is missing";
            if (problem)
                slant_name_quote(uri.p ? uri.p : "", uri.len, q, sizeof q);
            else if (!(target = target_uri(uri)))
                return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", w->name);
        }
        w->records++;
        w->pos += hend; /* the spans into buf go stale from here */
        uint64_t body_at = w->base + w->pos;
        if (wanted && (uint64_t)length > (uint64_t)w->max_doc + MAX_HEADERS) {
            char what[160];
            snprintf(what, sizeof what, "its %" PRId64 " bytes pass --max-doc-bytes %zu", length,
                     w->max_doc);
            bad_record(w, at, what);
            wanted = 0;
        }
        if (!wanted) {
            free(target);
            if ((st = skip(w, (uint64_t)length, at, err)))
                return st;
            if (w->brk > at) {
                if ((st = past_corrupt(w, err)))
                    return st;
            } else if (w->base + w->pos < body_at + (uint64_t)length) {
                bad_record(w, at, w->cut ? "the file ends inside its gzip member"
                                         : "the file ends inside its content");
            }
            continue;
        }
        if ((st = need(w, (size_t)length, &have, err))) {
            free(target);
            return st;
        }
        if (w->brk > at || !have)
            free(target);
        if (w->brk > at) {
            if ((st = past_corrupt(w, err)))
                return st;
            continue;
        }
        if (!have) {
            bad_record(w, at, w->cut ? "the file ends inside its gzip member"
                                     : "the file ends inside its content");
            w->pos = w->len;
            return at_end(w, got, err);
        }
        char *body = w->buf + w->pos;
        w->pos += (size_t)length;
        char *page = NULL;
        size_t page_len = 0;
        st = SLANT_STATUS_OK;
        why = http_page(w, body, (size_t)length, &page, &page_len, &st, err);
        if (st) {
            free(target);
            return st;
        }
        if (!why && page && problem) {
            char what[160];
            snprintf(what, sizeof what, "its WARC-Target-URI \"%s\" %s", q, problem);
            bad_record(w, at, what);
        } else if (why) {
            bad_record(w, at, why);
        }
        if (why || !page || problem) {
            slant_page_text_free(page);
            free(target);
            continue;
        }
        *id = target;
        *text = page;
        *len = page_len;
        *got = 1;
        return SLANT_STATUS_OK;
    }
}
