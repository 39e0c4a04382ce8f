/*
 * test_warc.c: the warc format (features/read_warc.c): plain and gzip
 * files of several members, records that are no page passed over, bad
 * records skipped with their offsets, truncated files, and batches.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "slant.h"

static char tmp_root[] = "/tmp/slant_warc_XXXXXX";
static char path[600];

/* The warnings of the last read, one a line. */
static char log_text[8192];

static void on_log(const char *line, void *user)
{
    (void)user;
    size_t at = strlen(log_text);
    snprintf(log_text + at, sizeof log_text - at, "%s\n", line);
}

/* A growing byte string. */
typedef struct bytes {
    char p[1 << 18];
    size_t len;
} bytes;

static void add(bytes *b, const void *s, size_t n)
{
    assert_true(b->len + n <= sizeof b->p);
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

/* REC[0, LEN) appended to B; with GZ, as a gzip member of its own. */
static void record(bytes *b, const char *rec, size_t len, int gz)
{
    if (!gz) {
        add(b, rec, len);
        return;
    }
    static unsigned char out[1 << 16];
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
                     Z_OK);
    z.next_in = (unsigned char *)rec;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = sizeof out;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    add(b, out, sizeof out - z.avail_out);
    deflateEnd(&z);
}

/* A response record of URI holding an HTTP message with CTYPE and BODY,
 * appended to B; with GZ, as a gzip member of its own. */
static void response(bytes *b, const char *uri, const char *ctype, const char *body, int gz)
{
    static char http[80000], rec[90000];
    int hl = snprintf(http, sizeof http,
                      "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n%s",
                      ctype, strlen(body), body);
    int rl = snprintf(rec, sizeof rec,
                      "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: %s\r\n"
                      "Content-Type: application/http; msgtype=response\r\n"
                      "Content-Length: %d\r\n\r\n%s\r\n\r\n",
                      uri, hl, http);
    record(b, rec, (size_t)rl, gz);
}

static const char *put(const char *name, const bytes *b, size_t len)
{
    snprintf(path, sizeof path, "%s/%s", tmp_root, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b->p, 1, len, f), len);
    fclose(f);
    return path;
}

static slant_corpus *read_ok(const char *p)
{
    log_text[0] = '\0';
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    slant_status st = slant_corpus_read(p, SLANT_FORMAT_AUTO, &c, &err);
    if (st)
        print_message("%s\n", err.message);
    assert_int_equal(st, SLANT_STATUS_OK);
    return c;
}

/* Three pages, a warcinfo record and an image between them. */
static void three_pages(bytes *b, int gz)
{
    b->len = 0;
    static const char info[] = "WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 4\r\n\r\n"
                               "abcd\r\n\r\n";
    record(b, info, sizeof info - 1, gz);
    response(b, "http://a.example/1", "text/html; charset=utf-8",
             "<title>One</title><nav>Home</nav><p>chip wafers</p>", gz);
    response(b, "<http://a.example/img>", "image/png", "PNG", gz);
    response(b, "<http://a.example/2>", "text/html; charset=iso-8859-1", "<p>caf\xe9</p>", gz);
    response(b, "http://a.example/3", "application/xhtml+xml", "<p>three</p>", gz);
}

static void check_three(const slant_corpus *c)
{
    assert_int_equal(slant_corpus_size(c), 3);
    assert_int_equal(slant_corpus_heads(c), 0);
    assert_string_equal(slant_corpus_id(c, 0), "http://a.example/1");
    assert_string_equal(slant_corpus_text(c, 0, NULL), "One\nchip wafers");
    assert_string_equal(slant_corpus_id(c, 1), "http://a.example/2");
    assert_string_equal(slant_corpus_text(c, 1, NULL), "café");
    assert_string_equal(slant_corpus_text(c, 2, NULL), "three");
}

/* The three pages read under NAME, and under OTHER, a name that says
 * nothing: told by the content. */
static void check_both(const bytes *b, const char *name, const char *other)
{
    slant_corpus *c = read_ok(put(name, b, b->len));
    check_three(c);
    assert_string_equal(log_text, "");
    slant_corpus_free(c);
    c = read_ok(put(other, b, b->len));
    check_three(c);
    slant_corpus_free(c);
}

static void test_plain(void **state)
{
    (void)state;
    static bytes b;
    three_pages(&b, 0);
    check_both(&b, "plain.warc", "plain.data");
}

static void test_gzip_members(void **state)
{
    (void)state;
    static bytes b;
    three_pages(&b, 1);
    check_both(&b, "multi.warc.gz", "multi.bin");
    /* in batches of one, the same */
    slant_reader *r;
    slant_error err = {{0}};
    assert_int_equal(slant_reader_open(put("multi.warc.gz", &b, b.len), SLANT_FORMAT_WARC, &r,
                                       &err),
                     SLANT_STATUS_OK);
    assert_int_equal(slant_reader_format(r), SLANT_FORMAT_WARC);
    size_t n = 0;
    for (;;) {
        slant_corpus *batch;
        assert_int_equal(slant_reader_next(r, 1, SIZE_MAX, &batch, &err), SLANT_STATUS_OK);
        if (!batch)
            break;
        assert_int_equal(slant_corpus_size(batch), 1);
        n++;
        slant_corpus_free(batch);
    }
    assert_int_equal(n, 3);
    assert_int_equal(slant_reader_bytes(r), b.len);
    slant_reader_free(r);
}

static void test_bad_records(void **state)
{
    (void)state;
    static bytes b;
    b.len = 0;
    response(&b, "http://a.example/1", "text/html", "<p>first</p>", 0);
    size_t garbage_at = b.len;
    static const char garbage[] = "not a record at all\r\n\r\n";
    add(&b, garbage, sizeof garbage - 1);
    size_t bad_at = b.len;
    static const char bad[] = "WARC/1.1\r\nWARC-Type: response\r\nContent-Length: x1\r\n\r\n"
                              "junk\r\n\r\n";
    add(&b, bad, sizeof bad - 1);
    size_t http_at = b.len;
    static const char nohttp[] = "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: http://x/\r\n"
                                 "Content-Type: application/http; msgtype=response\r\n"
                                 "Content-Length: 5\r\n\r\nhello\r\n\r\n";
    add(&b, nohttp, sizeof nohttp - 1);
    response(&b, "http://a.example/2", "text/html", "<p>second</p>", 0);
    slant_set_log(on_log, NULL);
    slant_corpus *c = read_ok(put("bad.warc", &b, b.len));
    slant_set_log(NULL, NULL);
    assert_int_equal(slant_corpus_size(c), 2);
    assert_string_equal(slant_corpus_text(c, 1, NULL), "second");
    char want[256];
    snprintf(want, sizeof want, "record at byte %zu: its Content-Length is not a number; skipped",
             bad_at);
    assert_non_null(strstr(log_text, want));
    snprintf(want, sizeof want, "record at byte %zu: no WARC/1.0 or WARC/1.1 version line",
             garbage_at);
    assert_non_null(strstr(log_text, want));
    snprintf(want, sizeof want, "record at byte %zu: its payload is not an HTTP response",
             http_at);
    if (!strstr(log_text, want))
        print_message("%s", log_text);
    assert_non_null(strstr(log_text, want));
    assert_non_null(strstr(log_text, "bad.warc: 3 bad records skipped"));
    slant_corpus_free(c);
}

static void test_gzip_corrupt_and_truncated(void **state)
{
    (void)state;
    static bytes b;
    b.len = 0;
    response(&b, "http://a.example/1", "text/html", "<p>first</p>", 1);
    size_t second = b.len;
    response(&b, "http://a.example/2", "text/html", "<p>second, to be broken</p>", 1);
    size_t third = b.len;
    response(&b, "http://a.example/3", "text/html", "<p>third</p>", 1);
    for (size_t i = second + 12; i < third - 10; i++)
        b.p[i] ^= 0x55; /* the second member's deflate data */
    slant_set_log(on_log, NULL);
    slant_corpus *c = read_ok(put("corrupt.warc.gz", &b, b.len));
    assert_int_equal(slant_corpus_size(c), 2);
    assert_string_equal(slant_corpus_text(c, 1, NULL), "third");
    char want[128];
    snprintf(want, sizeof want, "gzip member at byte %zu is corrupt", second);
    assert_non_null(strstr(log_text, want));
    assert_non_null(strstr(log_text, "1 bad record skipped"));
    slant_corpus_free(c);
    /* cut inside the last member: the pages before it, and a warning */
    c = read_ok(put("cut.warc.gz", &b, b.len - 20));
    assert_int_equal(slant_corpus_size(c), 1);
    snprintf(want, sizeof want, "(gzip member at byte %zu): the file ends inside its gzip member",
             third);
    assert_non_null(strstr(log_text, want));
    slant_corpus_free(c);
    /* a plain file cut inside a record's content, and inside its headers */
    three_pages(&b, 0);
    c = read_ok(put("cut.warc", &b, b.len - 10));
    assert_int_equal(slant_corpus_size(c), 2);
    assert_non_null(strstr(log_text, "the file ends inside its content; skipped"));
    slant_corpus_free(c);
    c = read_ok(put("cut2.warc", &b, 30));
    assert_int_equal(slant_corpus_size(c), 0);
    assert_non_null(strstr(log_text, "record at byte 0: the file ends inside its headers"));
    slant_corpus_free(c);
    slant_set_log(NULL, NULL);
}

static void test_big_record_skipped(void **state)
{
    (void)state;
    static bytes b;
    b.len = 0;
    static char big[70000];
    memset(big, 'x', sizeof big - 1);
    memcpy(big, "<p>", 3);
    response(&b, "http://a.example/big", "text/html", big, 0);
    response(&b, "http://a.example/small", "text/html", "<p>small</p>", 0);
    slant_read_options opt;
    slant_read_options_init(&opt);
    opt.max_doc_bytes = 60000;
    slant_set_log(on_log, NULL);
    log_text[0] = '\0';
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_read_with(put("big.warc", &b, b.len), &opt, &c, &err),
                     SLANT_STATUS_OK);
    slant_set_log(NULL, NULL);
    assert_int_equal(slant_corpus_size(c), 1);
    assert_string_equal(slant_corpus_id(c, 0), "http://a.example/small");
    assert_non_null(strstr(log_text, "record at byte 0: its page of 69999 bytes passes "
                                     "--max-doc-bytes 60000; skipped"));
    slant_corpus_free(c);
    /* a record past the cap and 64 KiB of headers is skipped unread */
    opt.max_doc_bytes = 12;
    log_text[0] = '\0';
    slant_set_log(on_log, NULL);
    response(&b, "http://a.example/big2", "text/html", big, 0);
    response(&b, "http://a.example/big3", "text/html", big, 0);
    assert_int_equal(slant_corpus_read_with(put("big.warc", &b, b.len), &opt, &c, &err),
                     SLANT_STATUS_OK);
    slant_set_log(NULL, NULL);
    assert_int_equal(slant_corpus_size(c), 1);
    assert_non_null(strstr(log_text, "3 bad records skipped"));
    slant_corpus_free(c);
}

static void test_labels_joined(void **state)
{
    (void)state;
    static bytes b, lab;
    three_pages(&b, 1);
    const char *warc = put("labeled.warc.gz", &b, b.len);
    char warc_path[600];
    snprintf(warc_path, sizeof warc_path, "%s", warc);
    lab.len = 0;
    static const char rows[] = "id\ttopic\t#note\ttone\nhttp://a.example/2\ttrade\tx\t\n"
                               "http://a.example/1\tchips\t\tup\nhttp://a.example/9\ttrade\t\tup\n";
    add(&lab, rows, sizeof rows - 1);
    const char *labels = put("labels.tsv", &lab, lab.len);
    slant_read_options opt;
    slant_read_options_init(&opt);
    opt.labels_path = labels;
    slant_set_log(on_log, NULL);
    log_text[0] = '\0';
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_read_with(warc_path, &opt, &c, &err), SLANT_STATUS_OK);
    slant_set_log(NULL, NULL);
    assert_int_equal(slant_corpus_size(c), 3);
    assert_string_equal(slant_corpus_id(c, 1), "http://a.example/2");
    assert_string_equal(slant_corpus_text(c, 1, NULL), "café");
    assert_int_equal(slant_corpus_heads(c), 2);
    assert_string_equal(slant_corpus_head_name(c, 0), "topic");
    assert_string_equal(slant_corpus_head_name(c, 1), "tone");
    assert_string_equal(slant_corpus_label(c, 0, 0), "chips");
    assert_string_equal(slant_corpus_label(c, 0, 1), "up");
    assert_string_equal(slant_corpus_label(c, 1, 0), "trade");
    assert_null(slant_corpus_label(c, 1, 1));
    assert_null(slant_corpus_label(c, 2, 0)); /* no row */
    assert_non_null(strstr(log_text, "1 of the 3 documents of"));
    assert_non_null(strstr(log_text, "1 of its 3 rows name no document"));
    slant_corpus_free(c);
    /* a bad table stops the reading before any document */
    static const char ragged[] = "id\ttopic\nhttp://a.example/1\n";
    lab.len = 0;
    add(&lab, ragged, sizeof ragged - 1);
    labels = put("labels.tsv", &lab, lab.len);
    assert_int_equal(slant_corpus_read_with(warc_path, &opt, &c, &err), SLANT_STATUS_BAD_INPUT);
    assert_non_null(strstr(err.message, "labels.tsv:2: expected 2 fields, found 1"));
    assert_null(c);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmp_root) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_root);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_gzip_members),
        cmocka_unit_test(test_bad_records),
        cmocka_unit_test(test_gzip_corrupt_and_truncated),
        cmocka_unit_test(test_big_record_skipped),
        cmocka_unit_test(test_labels_joined),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
