/*
 * test_corpus.c: unit tests of the corpus readers (features/reader.c, read_*.c).
 * Each test writes a small corpus into a fresh folder under /tmp, reads it
 * back and checks documents, labels and error messages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "corpus.h"
#include "slant.h"

static char tmp_root[] = "/tmp/slant_corpus_XXXXXX";

/* PATHS holds the last few paths made by path_of, so a test can keep
 * several at once without freeing them. */
static char paths[8][512];
static unsigned next_path;

static const char *path_of(const char *name)
{
    char *p = paths[next_path++ % 8];
    snprintf(p, sizeof paths[0], "%s/%s", tmp_root, name);
    return p;
}

/* Writes LEN bytes to tmp_root/NAME, making parent folders; returns the path. */
static const char *put(const char *name, const char *data, size_t len)
{
    const char *path = path_of(name);
    char dir[512];
    snprintf(dir, sizeof dir, "%s", path);
    for (char *s = dir + strlen(tmp_root) + 1; (s = strchr(s, '/')); s++) {
        *s = '\0';
        mkdir(dir, 0700);
        *s = '/';
    }
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

/* For literals that may hold NUL bytes. */
#define PUT(name, literal) put((name), (literal), sizeof(literal) - 1)

static void remove_tree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb))
        return;
    if (S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d))) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                    continue;
                char sub[1024];
                snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
                remove_tree(sub);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int group_setup(void **state)
{
    (void)state;
    return mkdtemp(tmp_root) ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    remove_tree(tmp_root);
    return 0;
}

static slant_corpus *read_ok(const char *path, slant_format format)
{
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    slant_status st = slant_corpus_read(path, format, &c, &err);
    if (st != SLANT_STATUS_OK)
        fail_msg("reading %s: %s (%s)", path, err.message, slant_status_str(st));
    assert_non_null(c);
    return c;
}

/* Reading PATH must fail with status WANT and a message holding NEEDLE. */
static void read_fails(const char *path, slant_format format, slant_status want,
                       const char *needle)
{
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    slant_status st = slant_corpus_read(path, format, &c, &err);
    if (st != want)
        fail_msg("reading %s: status %d (%s), expected %d; message \"%s\"", path, (int)st,
                 slant_status_str(st), (int)want, err.message);
    assert_null(c);
    if (!strstr(err.message, needle))
        fail_msg("message \"%s\" lacks \"%s\"", err.message, needle);
}

static void assert_text(const slant_corpus *c, size_t doc, const char *want, size_t want_len)
{
    size_t len = 0;
    const char *text = slant_corpus_text(c, doc, &len);
    assert_non_null(text);
    assert_int_equal(len, want_len);
    assert_memory_equal(text, want, want_len);
    assert_int_equal(text[len], '\0');
}

#define ASSERT_TEXT(c, doc, literal) assert_text((c), (doc), (literal), sizeof(literal) - 1)

static void test_format_names(void **state)
{
    (void)state;
    const slant_format all[] = {SLANT_FORMAT_AUTO, SLANT_FORMAT_TSV, SLANT_FORMAT_JSONL,
                                SLANT_FORMAT_FASTTEXT, SLANT_FORMAT_DIR, SLANT_FORMAT_LINES,
                                SLANT_FORMAT_TEXT, SLANT_FORMAT_LIBSVM};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        assert_int_equal(slant_format_parse(slant_format_name(all[i])), (int)all[i]);
    assert_string_equal(slant_format_name(SLANT_FORMAT_FASTTEXT), "fasttext");
    assert_int_equal(slant_format_parse("csv"), -1);
    assert_int_equal(slant_format_parse(NULL), -1);
}

static void test_tsv_two_heads_with_id(void **state)
{
    (void)state;
    const char *p = PUT("two.tsv", "topic\tid\tstance\ttext\n"
                                   "sport\td1\tpro\tgreat match\n"
                                   "politics\td2\t\tvote today\n"
                                   "\tx\tcon\tno topic\n");
    slant_corpus *c = read_ok(p, SLANT_FORMAT_TSV);
    assert_int_equal(slant_corpus_size(c), 3);
    assert_int_equal(slant_corpus_heads(c), 2);
    assert_string_equal(slant_corpus_head_name(c, 0), "topic");
    assert_string_equal(slant_corpus_head_name(c, 1), "stance");
    assert_null(slant_corpus_head_name(c, 2));
    assert_string_equal(slant_corpus_id(c, 0), "d1");
    assert_string_equal(slant_corpus_id(c, 2), "x");
    ASSERT_TEXT(c, 1, "vote today");
    assert_string_equal(slant_corpus_label(c, 0, 0), "sport");
    assert_string_equal(slant_corpus_label(c, 0, 1), "pro");
    assert_null(slant_corpus_label(c, 1, 1)); /* empty cell: missing */
    assert_null(slant_corpus_label(c, 2, 0));
    assert_string_equal(slant_corpus_label(c, 2, 1), "con");
    assert_null(slant_corpus_text(c, 3, NULL)); /* out of range */
    slant_corpus_free(c);
}

static void test_tsv_bom_crlf_blank_lines(void **state)
{
    (void)state;
    /* No id column: ids are row numbers, the empty line counted (ids never
     * shift with what is skipped); the last line has no newline. */
    const char *p = PUT("bom.tsv", "\xEF\xBB\xBFlabel\ttext\r\n"
                                   "pos\tgood film\r\n"
                                   "\r\n"
                                   "neg\tbad film");
    slant_corpus *c = read_ok(p, SLANT_FORMAT_TSV);
    assert_int_equal(slant_corpus_size(c), 2);
    assert_int_equal(slant_corpus_heads(c), 1);
    assert_string_equal(slant_corpus_head_name(c, 0), "label");
    ASSERT_TEXT(c, 0, "good film");
    ASSERT_TEXT(c, 1, "bad film");
    assert_string_equal(slant_corpus_id(c, 0), "1");
    assert_string_equal(slant_corpus_id(c, 1), "3");
    assert_string_equal(slant_corpus_label(c, 1, 0), "neg");
    slant_corpus_free(c);

    /* A header alone is an empty corpus, not an error. */
    c = read_ok(PUT("header_only.tsv", "label\ttext\n"), SLANT_FORMAT_TSV);
    assert_int_equal(slant_corpus_size(c), 0);
    assert_int_equal(slant_corpus_heads(c), 1);
    slant_corpus_free(c);
}

static void test_tsv_errors(void **state)
{
    (void)state;
    read_fails(PUT("ragged.tsv", "label\ttext\npos\tfine\nneg\n"), SLANT_FORMAT_TSV,
               SLANT_STATUS_BAD_INPUT, "ragged.tsv:3: expected 2 fields, found 1");
    read_fails(PUT("wide.tsv", "label\ttext\na\tb\tc\n"), SLANT_FORMAT_TSV,
               SLANT_STATUS_BAD_INPUT, ":2: expected 2 fields, found 3");
    read_fails(PUT("notext.tsv", "label\tbody\npos\tfine\n"), SLANT_FORMAT_TSV,
               SLANT_STATUS_BAD_INPUT, "notext.tsv:1: the header has no \"text\" column");
    read_fails(PUT("dupcol.tsv", "a\ttext\ta\n"), SLANT_FORMAT_TSV, SLANT_STATUS_BAD_INPUT,
               "two columns are named \"a\"");
    read_fails(PUT("dupcol2.tsv", "text\tb\ttext\n"), SLANT_FORMAT_TSV, SLANT_STATUS_BAD_INPUT,
               "two columns are named \"text\"");
    read_fails(PUT("empty.tsv", ""), SLANT_FORMAT_TSV, SLANT_STATUS_BAD_INPUT, "empty.tsv");
    read_fails(PUT("nullabel.tsv", "label\ttext\np\0s\tx\n"), SLANT_FORMAT_TSV,
               SLANT_STATUS_BAD_INPUT, "nullabel.tsv:2:");
}

static void test_missing_file_and_folder_as_file(void **state)
{
    (void)state;
    read_fails(path_of("no_such.tsv"), SLANT_FORMAT_TSV, SLANT_STATUS_IO,
               "no_such.tsv: No such file or directory");
    mkdir(path_of("afolder"), 0700);
    read_fails(path_of("afolder"), SLANT_FORMAT_TSV, SLANT_STATUS_IO, "afolder: Is a directory");
    read_fails(path_of("afolder"), SLANT_FORMAT_TEXT, SLANT_STATUS_IO, "Is a directory");
    read_fails("-", SLANT_FORMAT_DIR, SLANT_STATUS_BAD_OPTION, "standard input");
    read_fails(PUT("plain.txt", "x"), SLANT_FORMAT_DIR, SLANT_STATUS_IO, "Not a directory");
    read_fails(PUT("x.tsv", "text\n"), (slant_format)99, SLANT_STATUS_BAD_OPTION, "format");
    slant_corpus_free(NULL);
}

static void test_jsonl_two_labels(void **state)
{
    (void)state;
    const char *p = PUT("two.jsonl",
                        "{\"id\": \"a\", \"text\": \"first\", \"topic\": \"t1\", \"stance\": \"s1\"}\n"
                        "\n"
                        "{\"stance\": \"s2\", \"text\": \"second\", \"id\": 7}\n"
                        "{\"text\": \"th\\u0000ird\", \"topic\": null, \"stance\": \"\"}\r\n");
    slant_corpus *c = read_ok(p, SLANT_FORMAT_JSONL);
    assert_int_equal(slant_corpus_size(c), 3);
    assert_int_equal(slant_corpus_heads(c), 2);
    assert_string_equal(slant_corpus_head_name(c, 0), "topic"); /* first object's order */
    assert_string_equal(slant_corpus_head_name(c, 1), "stance");
    assert_string_equal(slant_corpus_id(c, 0), "a");
    assert_string_equal(slant_corpus_id(c, 1), "7");
    assert_string_equal(slant_corpus_id(c, 2), "4"); /* its line, the empty one counted */
    assert_string_equal(slant_corpus_label(c, 0, 0), "t1");
    assert_null(slant_corpus_label(c, 1, 0));
    assert_string_equal(slant_corpus_label(c, 1, 1), "s2");
    assert_null(slant_corpus_label(c, 2, 0));
    assert_null(slant_corpus_label(c, 2, 1));
    ASSERT_TEXT(c, 2, "th\0ird");
    slant_corpus_free(c);
}

static void test_jsonl_errors(void **state)
{
    (void)state;
    read_fails(PUT("bad.jsonl", "{\"text\": \"ok\", \"l\": \"a\"}\n{\"text\": \"oops\",\n"),
               SLANT_FORMAT_JSONL, SLANT_STATUS_BAD_INPUT, "bad.jsonl:2: ");
    read_fails(PUT("arr.jsonl", "[1, 2]\n"), SLANT_FORMAT_JSONL, SLANT_STATUS_BAD_INPUT,
               "arr.jsonl:1: expected a JSON object, found an array");
    read_fails(PUT("unknown.jsonl", "{\"text\": \"a\", \"l\": \"x\"}\n{\"text\": \"b\", \"m\": \"y\"}\n"),
               SLANT_FORMAT_JSONL, SLANT_STATUS_BAD_INPUT, "unknown.jsonl:2: key \"m\"");
    read_fails(PUT("notext.jsonl", "{\"l\": \"x\"}\n"), SLANT_FORMAT_JSONL,
               SLANT_STATUS_BAD_INPUT, "notext.jsonl:1: no \"text\"");
    read_fails(PUT("numtext.jsonl", "{\"text\": 5}\n"), SLANT_FORMAT_JSONL,
               SLANT_STATUS_BAD_INPUT, "\"text\" must be a string");
    read_fails(PUT("numlabel.jsonl", "{\"text\": \"a\", \"l\": 1}\n"), SLANT_FORMAT_JSONL,
               SLANT_STATUS_BAD_INPUT, ":1: label \"l\" must be a string or null");
    read_fails(PUT("dupkey.jsonl", "{\"text\": \"a\", \"text\": \"b\"}\n"), SLANT_FORMAT_JSONL,
               SLANT_STATUS_BAD_INPUT, "dupkey.jsonl:1:");
    read_fails(PUT("badid.jsonl", "{\"text\": \"a\", \"id\": 1.5}\n"), SLANT_FORMAT_JSONL,
               SLANT_STATUS_BAD_INPUT, "\"id\" must be a string or an integer");
}

static void test_fasttext(void **state)
{
    (void)state;
    const char *p = PUT("ok.ft", "__label__pos a fine film\n"
                                 "\n"
                                 "  __label__neg\tdull\r\n"
                                 "__label__neu");
    slant_corpus *c = read_ok(p, SLANT_FORMAT_FASTTEXT);
    assert_int_equal(slant_corpus_size(c), 3);
    assert_int_equal(slant_corpus_heads(c), 1);
    assert_string_equal(slant_corpus_head_name(c, 0), "label");
    assert_string_equal(slant_corpus_label(c, 0, 0), "pos");
    ASSERT_TEXT(c, 0, "a fine film");
    assert_string_equal(slant_corpus_label(c, 1, 0), "neg");
    ASSERT_TEXT(c, 1, "dull");
    assert_string_equal(slant_corpus_label(c, 2, 0), "neu");
    ASSERT_TEXT(c, 2, "");
    assert_string_equal(slant_corpus_id(c, 2), "4"); /* its line number */
    slant_corpus_free(c);

    /* Several plain tags on a line: a multi-label set, one yes/no head per
     * tag; tags anywhere in the line count, and leave the text. */
    c = read_ok(PUT("multi.ft", "__label__a x\n__label__a __label__b text\n"
                                "some  text __label__c here\n"),
                SLANT_FORMAT_FASTTEXT);
    assert_int_equal(slant_corpus_heads(c), 3);
    assert_string_equal(slant_corpus_head_name(c, 1), "b");
    assert_string_equal(slant_corpus_label(c, 0, 0), "yes");
    assert_string_equal(slant_corpus_label(c, 0, 1), "no");
    assert_string_equal(slant_corpus_label(c, 1, 1), "yes");
    assert_string_equal(slant_corpus_label(c, 2, 2), "yes");
    ASSERT_TEXT(c, 1, "text");
    ASSERT_TEXT(c, 2, "some  text here");
    assert_string_equal(slant_corpus_id(c, 2), "3");
    slant_corpus_free(c);
    /* Keyed tags: one head each, a line without one has no label for it. */
    c = read_ok(PUT("keyed.ft", "__label__stance=pro __label__source=state words here\n"
                                "__label__source=wire more words\n"),
                SLANT_FORMAT_AUTO);
    assert_int_equal(slant_corpus_heads(c), 2);
    assert_string_equal(slant_corpus_head_name(c, 0), "stance");
    assert_string_equal(slant_corpus_head_name(c, 1), "source");
    assert_string_equal(slant_corpus_label(c, 0, 0), "pro");
    assert_string_equal(slant_corpus_label(c, 0, 1), "state");
    assert_null(slant_corpus_label(c, 1, 0));
    assert_string_equal(slant_corpus_label(c, 1, 1), "wire");
    ASSERT_TEXT(c, 1, "more words");
    slant_corpus_free(c);
    read_fails(PUT("mixed.ft", "__label__a x\n__label__h=v y\n"), SLANT_FORMAT_FASTTEXT,
               SLANT_STATUS_BAD_INPUT, "mixed.ft:2: a keyed tag in a file of plain tags");
    read_fails(PUT("twice.ft", "__label__h=a __label__g=c __label__h=b t\n"),
               SLANT_FORMAT_FASTTEXT, SLANT_STATUS_BAD_INPUT,
               "twice.ft:1: two tags for head \"h\"");
    read_fails(PUT("nokey.ft", "__label__=x t\n"), SLANT_FORMAT_FASTTEXT, SLANT_STATUS_BAD_INPUT,
               "nokey.ft:1: __label__=x: a keyed tag is __label__HEAD=VALUE");
    read_fails(PUT("nolabel.ft", "__label__a x\n\njust text\n"), SLANT_FORMAT_FASTTEXT,
               SLANT_STATUS_BAD_INPUT, "nolabel.ft:3: no __label__ tag");
    read_fails(PUT("emptylabel.ft", "__label__ text\n"), SLANT_FORMAT_FASTTEXT,
               SLANT_STATUS_BAD_INPUT, "emptylabel.ft:1: empty __label__ tag");
}

static void test_dir(void **state)
{
    (void)state;
    /* Written out of order: the reader sorts by name. */
    PUT("folder/spam/b.txt", "win money");
    PUT("folder/ham/2.txt", "\xEF\xBB\xBFlunch?");
    PUT("folder/ham/1.txt", "meeting at 3");
    PUT("folder/ham/.hidden", "skip me");
    PUT("folder/.git/config", "skip me too");
    slant_corpus *c = read_ok(path_of("folder"), SLANT_FORMAT_DIR);
    assert_int_equal(slant_corpus_size(c), 3);
    assert_int_equal(slant_corpus_heads(c), 1);
    assert_string_equal(slant_corpus_head_name(c, 0), "label");
    assert_string_equal(slant_corpus_id(c, 0), "ham/1.txt");
    assert_string_equal(slant_corpus_id(c, 1), "ham/2.txt");
    assert_string_equal(slant_corpus_id(c, 2), "spam/b.txt");
    assert_string_equal(slant_corpus_label(c, 0, 0), "ham");
    assert_string_equal(slant_corpus_label(c, 2, 0), "spam");
    ASSERT_TEXT(c, 0, "meeting at 3");
    ASSERT_TEXT(c, 1, "lunch?"); /* BOM dropped */
    slant_corpus_free(c);

    PUT("loose/ham/1.txt", "ok");
    PUT("loose/stray.txt", "not in a label folder");
    read_fails(path_of("loose"), SLANT_FORMAT_DIR, SLANT_STATUS_BAD_INPUT,
               "stray.txt: not a label folder");
    PUT("nested/ham/sub/1.txt", "too deep");
    read_fails(path_of("nested"), SLANT_FORMAT_DIR, SLANT_STATUS_BAD_INPUT,
               "a folder inside a label folder");
    read_fails(path_of("no_folder"), SLANT_FORMAT_DIR, SLANT_STATUS_IO,
               "No such file or directory");
}

static void test_lines_and_text(void **state)
{
    (void)state;
    const char *p = PUT("some.lines", "one\n\ntwo\r\n   \nthree");
    slant_corpus *c = read_ok(p, SLANT_FORMAT_LINES);
    assert_int_equal(slant_corpus_size(c), 3);
    assert_int_equal(slant_corpus_heads(c), 0);
    assert_string_equal(slant_corpus_id(c, 0), "1");
    assert_string_equal(slant_corpus_id(c, 1), "3"); /* the line number */
    assert_string_equal(slant_corpus_id(c, 2), "5");
    ASSERT_TEXT(c, 1, "two");
    assert_null(slant_corpus_label(c, 0, 0));
    slant_corpus_free(c);

    c = read_ok(p, SLANT_FORMAT_TEXT);
    assert_int_equal(slant_corpus_size(c), 1);
    assert_string_equal(slant_corpus_id(c, 0), p);
    ASSERT_TEXT(c, 0, "one\n\ntwo\r\n   \nthree");
    slant_corpus_free(c);

    c = read_ok(PUT("empty.txt", ""), SLANT_FORMAT_LINES);
    assert_int_equal(slant_corpus_size(c), 0);
    slant_corpus_free(c);
}

/* Reads PATH with AUTO and checks the head count and first label that
 * show which reader ran. */
static void auto_reads(const char *path, size_t heads, const char *label0, const char *text0)
{
    slant_corpus *c = read_ok(path, SLANT_FORMAT_AUTO);
    assert_int_equal(slant_corpus_heads(c), heads);
    assert_true(slant_corpus_size(c) >= 1);
    if (label0)
        assert_string_equal(slant_corpus_label(c, 0, 0), label0);
    size_t len;
    assert_string_equal(slant_corpus_text(c, 0, &len), text0);
    slant_corpus_free(c);
}

static void test_auto(void **state)
{
    (void)state;
    /* By name. */
    auto_reads(PUT("a.tsv", "y\ttext\npos\thello\n"), 1, "pos", "hello");
    auto_reads(PUT("a.jsonl", "{\"text\": \"hello\", \"y\": \"pos\"}\n"), 1, "pos", "hello");
    auto_reads(PUT("a.json", "{\"text\": \"hello\", \"y\": \"pos\"}\n"), 1, "pos", "hello");
    auto_reads(PUT("a.ft", "__label__pos hello\n"), 1, "pos", "hello");
    auto_reads(PUT("A.FASTTEXT", "__label__pos hello\n"), 1, "pos", "hello");
    PUT("adir/pos/1", "hello");
    auto_reads(path_of("adir"), 1, "pos", "hello");
    /* By content; the name says nothing. */
    auto_reads(PUT("sniff1", "\n__label__pos hello\n"), 1, "pos", "hello");
    auto_reads(PUT("sniff2", "\xEF\xBB\xBF  {\"text\": \"hello\", \"y\": \"pos\"}\n"), 1, "pos",
               "hello");
    auto_reads(PUT("sniff3", "\r\ny\ttext\r\npos\thello\r\n"), 1, "pos", "hello");
    read_fails(PUT("sniff4.txt", "just some prose\n"), SLANT_FORMAT_AUTO, SLANT_STATUS_BAD_INPUT,
               "cannot tell the format of ");
    read_fails(PUT("sniff5", "y\ttexts\npos\thello\n"), SLANT_FORMAT_AUTO,
               SLANT_STATUS_BAD_INPUT, "sniff5; use --format");
    /* Standard input: content only. */
    const char *p = PUT("stdin.ft", "__label__pos hello\n");
    assert_non_null(freopen(p, "rb", stdin));
    auto_reads("-", 1, "pos", "hello");
    assert_non_null(freopen(p, "rb", stdin));
    slant_corpus *c = read_ok("-", SLANT_FORMAT_TEXT);
    assert_string_equal(slant_corpus_id(c, 0), "<stdin>");
    slant_corpus_free(c);
}

static void test_binary_text_preserved(void **state)
{
    (void)state;
    const char *p = PUT("bin.tsv", "label\ttext\nx\tbad \xff\xfe utf8 and a \0 nul\n");
    slant_corpus *c = read_ok(p, SLANT_FORMAT_TSV);
    assert_int_equal(slant_corpus_size(c), 1);
    ASSERT_TEXT(c, 0, "bad \xff\xfe utf8 and a \0 nul");
    slant_corpus_free(c);

    p = PUT("bin.txt", "\0\xc3\x28\0");
    c = read_ok(p, SLANT_FORMAT_TEXT);
    ASSERT_TEXT(c, 0, "\0\xc3\x28\0");
    slant_corpus_free(c);

    p = PUT("bin.ft", "__label__a \xff\0\xfe\n");
    c = read_ok(p, SLANT_FORMAT_FASTTEXT);
    ASSERT_TEXT(c, 0, "\xff\0\xfe");
    slant_corpus_free(c);
}

static void test_select_heads(void **state)
{
    (void)state;
    slant_corpus *c = read_ok(PUT("sel.tsv", "a\tb\tc\ttext\n1\t2\t3\tx\n4\t\t6\ty\n"),
                              SLANT_FORMAT_TSV);
    slant_error err = {{0}};
    const char *pick[] = {"c", "a"};
    assert_int_equal(slant_corpus_select_heads(c, pick, 2, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_corpus_heads(c), 2);
    assert_string_equal(slant_corpus_head_name(c, 0), "c");
    assert_string_equal(slant_corpus_head_name(c, 1), "a");
    assert_string_equal(slant_corpus_label(c, 0, 0), "3");
    assert_string_equal(slant_corpus_label(c, 0, 1), "1");
    assert_string_equal(slant_corpus_label(c, 1, 0), "6");
    assert_string_equal(slant_corpus_label(c, 1, 1), "4");

    /* Appending after a selection uses the new layout. */
    const char *more[] = {"9", NULL};
    assert_int_equal(slant_corpus_append(c, NULL, "z", 1, more, &err), SLANT_STATUS_OK);
    assert_string_equal(slant_corpus_label(c, 2, 0), "9");
    assert_null(slant_corpus_label(c, 2, 1));
    assert_string_equal(slant_corpus_label(c, 1, 1), "4");

    const char *bad[] = {"a", "b"};
    assert_int_equal(slant_corpus_select_heads(c, bad, 2, &err), SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "no head named \"b\""));
    assert_non_null(strstr(err.message, "c, a"));
    assert_int_equal(slant_corpus_heads(c), 2); /* unchanged on failure */
    const char *twice[] = {"a", "a"};
    assert_int_equal(slant_corpus_select_heads(c, twice, 2, &err), SLANT_STATUS_BAD_OPTION);
    assert_int_equal(slant_corpus_select_heads(c, NULL, 0, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_corpus_heads(c), 0);
    slant_corpus_free(c);
}

static void test_hash(void **state)
{
    (void)state;
    slant_corpus *t = read_ok(PUT("h.tsv", "id\ty\ttext\nq\tpos\tgood\nr\t\tbad\n"),
                              SLANT_FORMAT_TSV);
    slant_corpus *j = read_ok(PUT("h.jsonl", "{\"text\": \"good\", \"y\": \"pos\"}\n"
                                             "{\"text\": \"bad\", \"y\": null}\n"),
                              SLANT_FORMAT_JSONL);
    slant_corpus *changed = read_ok(PUT("h2.tsv", "y\ttext\npos\tgood\nneg\tbad\n"),
                                    SLANT_FORMAT_TSV);
    /* The same bytes cut differently between label and text. */
    const char *texts[] = {"ood"}, *heads[] = {"y"}, *labels[] = {"posg"};
    slant_corpus *moved = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_from_memory(1, texts, 1, heads, labels, &moved, &err),
                     SLANT_STATUS_OK);
    const size_t first[] = {0};
    assert_int_equal(slant_corpus_hash(t, NULL, 0), slant_corpus_hash(j, NULL, 0));
    assert_int_not_equal(slant_corpus_hash(t, NULL, 0), slant_corpus_hash(changed, NULL, 0));
    /* "pos"+"good" must not hash like "posg"+"ood". */
    assert_int_not_equal(slant_corpus_hash(t, first, 1), slant_corpus_hash(moved, NULL, 0));
    /* A subset hashes like the corpus of those documents alone. */
    assert_int_equal(slant_corpus_hash(t, first, 1), slant_corpus_hash(changed, first, 1));
    assert_int_not_equal(slant_corpus_hash(t, first, 1), slant_corpus_hash(t, NULL, 0));
    slant_corpus_free(t);
    slant_corpus_free(j);
    slant_corpus_free(changed);
    slant_corpus_free(moved);
}

static void test_from_memory(void **state)
{
    (void)state;
    char text0[] = "hello", label0[] = "pos", head[] = "y";
    const char *texts[] = {text0, "world"};
    const char *heads[] = {head};
    const char *labels[] = {label0, NULL};
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_from_memory(2, texts, 1, heads, labels, &c, &err),
                     SLANT_STATUS_OK);
    /* Everything was copied: changing the caller's buffers changes nothing. */
    text0[0] = 'j';
    label0[0] = 'n';
    head[0] = 'z';
    ASSERT_TEXT(c, 0, "hello");
    assert_string_equal(slant_corpus_label(c, 0, 0), "pos");
    assert_null(slant_corpus_label(c, 1, 0));
    assert_string_equal(slant_corpus_head_name(c, 0), "y");
    assert_string_equal(slant_corpus_id(c, 1), "2");
    slant_corpus_free(c);

    const char *dup_heads[] = {"y", "y"};
    assert_int_equal(slant_corpus_from_memory(0, NULL, 2, dup_heads, NULL, &c, &err),
                     SLANT_STATUS_BAD_INPUT);
    assert_null(c);
    assert_int_equal(slant_corpus_from_memory(0, NULL, 0, NULL, NULL, &c, &err),
                     SLANT_STATUS_OK);
    assert_int_equal(slant_corpus_size(c), 0);
    slant_corpus_free(c);

    /* The rule for names holds for a corpus from memory too. */
    const char *bad_labels[] = {"pos", "a\tb"};
    assert_int_equal(slant_corpus_from_memory(2, texts, 1, heads, bad_labels, &c, &err),
                     SLANT_STATUS_BAD_INPUT);
    assert_null(c);
    assert_non_null(strstr(err.message, "<memory>: document 2: the \"z\" label \"a\\x09b\" holds "
                                        "a control character"));
    const char *bad_head[] = {"\xc3"};
    assert_int_equal(slant_corpus_from_memory(0, NULL, 1, bad_head, NULL, &c, &err),
                     SLANT_STATUS_BAD_INPUT);
    assert_non_null(strstr(err.message, "the head name \"\\xc3\" is not valid UTF-8"));
}

/* Random bytes biased toward the characters the parsers care about: every
 * reader must either succeed with a well-formed corpus or fail cleanly. */
/* Reads PATH with a reader, MAX_DOCS and MAX_BYTES per batch, and checks
 * that the batches join into what slant_corpus_read gives; returns the
 * number of batches. */
static size_t batches_match_whole(const char *path, slant_format format, size_t max_docs,
                                  size_t max_bytes)
{
    slant_corpus *whole = read_ok(path, format);
    slant_reader *r = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_reader_open(path, format, &r, &err), SLANT_STATUS_OK);
    size_t seen = 0, n_batches = 0;
    for (;;) {
        slant_corpus *b;
        slant_status st = slant_reader_next(r, max_docs, max_bytes, &b, &err);
        if (st)
            fail_msg("%s: %s", path, err.message);
        if (!b)
            break;
        n_batches++;
        size_t n = slant_corpus_size(b), bytes = 0;
        assert_true(n >= 1 && n <= max_docs);
        /* fastText batches hold texts only: the tags decide heads over the whole file */
        int labels = slant_corpus_heads(b) > 0 || slant_corpus_heads(whole) == 0;
        if (labels)
            assert_int_equal(slant_corpus_heads(b), slant_corpus_heads(whole));
        else
            assert_true(format == SLANT_FORMAT_FASTTEXT || format == SLANT_FORMAT_AUTO);
        for (size_t d = 0; d < n; d++, seen++) {
            size_t len, want_len;
            const char *text = slant_corpus_text(b, d, &len);
            const char *want = slant_corpus_text(whole, seen, &want_len);
            assert_non_null(want);
            assert_int_equal(len, want_len);
            assert_memory_equal(text, want, len);
            assert_string_equal(slant_corpus_id(b, d), slant_corpus_id(whole, seen));
            for (size_t h = 0; labels && h < slant_corpus_heads(b); h++) {
                const char *l = slant_corpus_label(b, d, h), *wl = slant_corpus_label(whole, seen, h);
                if (l || wl)
                    assert_string_equal(l, wl);
            }
            /* Only the last document may take a batch past max_bytes. */
            assert_true(bytes < max_bytes);
            bytes += len;
        }
        slant_corpus_free(b);
    }
    assert_int_equal(seen, slant_corpus_size(whole));
    slant_reader_free(r);
    slant_corpus_free(whole);
    return n_batches;
}

static void test_hostile_input(void **state)
{
    (void)state;
    static const char alphabet[] = "\t\n\r{}[]\":,\\u0 text id label __label__ \xff\xc3\xef\xbb\xbf 1:2 3:0.5 -1 #";
    uint64_t s = 42;
    char buf[256];
    size_t n_read = 0, n_failed = 0;
    const slant_format formats[] = {SLANT_FORMAT_AUTO, SLANT_FORMAT_TSV, SLANT_FORMAT_JSONL,
                                    SLANT_FORMAT_FASTTEXT, SLANT_FORMAT_LINES,
                                    SLANT_FORMAT_TEXT, SLANT_FORMAT_LIBSVM};
    for (int round = 0; round < 300; round++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        size_t len = (size_t)(s >> 33) % sizeof buf;
        for (size_t i = 0; i < len; i++) {
            s = s * 6364136223846793005u + 1442695040888963407u;
            size_t k = (size_t)(s >> 33);
            buf[i] = k % 8 == 0 ? (char)(k >> 8) : alphabet[(k >> 3) % (sizeof alphabet)];
        }
        if (round % 3 == 0 && len > 10)
            memcpy(buf, "y\ttext\n", 7);
        const char *p = put("hostile", buf, len);
        for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
            slant_corpus *c = NULL;
            slant_error err = {{0}};
            slant_status st = slant_corpus_read(p, formats[f], &c, &err);
            if (st != SLANT_STATUS_OK) {
                n_failed++;
                assert_null(c);
                assert_int_equal(st, SLANT_STATUS_BAD_INPUT);
                assert_true(err.message[0] != '\0');
                continue;
            }
            for (size_t d = 0; d < slant_corpus_size(c); d++) {
                size_t n;
                const char *text = slant_corpus_text(c, d, &n);
                assert_non_null(slant_corpus_id(c, d));
                assert_true(n <= len);
                assert_int_equal(text[n], '\0');
            }
            n_read++;
            slant_corpus_free(c);
            batches_match_whole(p, formats[f], 1 + (size_t)round % 3, 1 + (size_t)round % 50);
        }
    }
    /* Both outcomes must have been exercised for the test to mean much. */
    assert_true(n_read > 100);
    assert_true(n_failed > 100);
}

static void test_reader_batches(void **state)
{
    (void)state;
    /* No id column: the row numbers run on across batches. */
    char doc[4096];
    size_t len = (size_t)snprintf(doc, sizeof doc, "label\ttext\n");
    for (int i = 0; i < 10; i++)
        len += (size_t)snprintf(doc + len, sizeof doc - len, "%s\tdoc%d\n", i % 2 ? "a" : "b", i);
    const char *p = put("ten.tsv", doc, len);
    assert_int_equal(batches_match_whole(p, SLANT_FORMAT_TSV, 3, SIZE_MAX), 4);
    assert_int_equal(batches_match_whole(p, SLANT_FORMAT_AUTO, 100, SIZE_MAX), 1);
    assert_int_equal(batches_match_whole(p, SLANT_FORMAT_TSV, 100, 8), 5); /* 4+4 bytes a batch */
    assert_int_equal(batches_match_whole(p, SLANT_FORMAT_TSV, 100, 1), 10);

    slant_reader *r = NULL;
    slant_error err = {{0}};
    slant_corpus *b;
    assert_int_equal(slant_reader_open(p, SLANT_FORMAT_TSV, &r, &err), SLANT_STATUS_OK);
    /* Each batch is the caller's, and outlives the reader. */
    slant_corpus *b2;
    assert_int_equal(slant_reader_next(r, 4, SIZE_MAX, &b, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_reader_next(r, 4, SIZE_MAX, &b2, &err), SLANT_STATUS_OK);
    slant_reader_free(r);
    ASSERT_TEXT(b, 0, "doc0");
    assert_string_equal(slant_corpus_label(b, 1, 0), "a");
    assert_string_equal(slant_corpus_id(b2, 0), "5");
    ASSERT_TEXT(b2, 3, "doc7");
    assert_string_equal(slant_corpus_head_name(b2, 0), "label");
    slant_corpus_free(b);
    slant_corpus_free(b2);

    /* The other line formats; a header alone gives no batch at all. */
    p = PUT("five.jsonl", "{\"text\": \"a\", \"l\": \"x\"}\n{\"text\": \"b\"}\n\n"
                          "{\"text\": \"c\", \"l\": null}\n{\"id\": 7, \"text\": \"d\"}\n");
    assert_int_equal(batches_match_whole(p, SLANT_FORMAT_JSONL, 2, SIZE_MAX), 2);
    p = PUT("three.ft", "__label__x one\n__label__y two\n__label__x three");
    assert_int_equal(batches_match_whole(p, SLANT_FORMAT_FASTTEXT, 2, SIZE_MAX), 2);
    p = PUT("lines.txt", "one\n\ntwo\nthree\n");
    assert_int_equal(batches_match_whole(p, SLANT_FORMAT_LINES, 1, SIZE_MAX), 3);
    assert_int_equal(batches_match_whole(PUT("h.tsv", "label\ttext\n"), SLANT_FORMAT_TSV, 5,
                                         SIZE_MAX), 0);
    /* Whole-file formats: one batch, whatever the limits. */
    assert_int_equal(batches_match_whole(p, SLANT_FORMAT_TEXT, 1, 1), 1);
}

static void test_reader_long_lines(void **state)
{
    (void)state;
    /* Lines longer than a read chunk, and a BOM and CRLF around them. */
    size_t big = (size_t)3 << 20, len = 0;
    char *doc = malloc(2 * big + 100);
    assert_non_null(doc);
    len += (size_t)sprintf(doc, "\xEF\xBB\xBFid\ttext\tlabel\r\n");
    for (int k = 0; k < 2; k++) {
        len += (size_t)sprintf(doc + len, "big%d\t", k);
        for (size_t i = 0; i < big; i++)
            doc[len++] = (char)('a' + (i * 7 + (size_t)k) % 26);
        len += (size_t)sprintf(doc + len, "\tpos\r\nsmall%d\tx\tneg\n", k);
    }
    const char *p = put("long.tsv", doc, len);
    free(doc);
    assert_int_equal(batches_match_whole(p, SLANT_FORMAT_AUTO, 1, SIZE_MAX), 4);
    slant_corpus *c = read_ok(p, SLANT_FORMAT_AUTO);
    assert_string_equal(slant_corpus_head_name(c, 0), "label");
    size_t n;
    const char *t = slant_corpus_text(c, 2, &n);
    assert_int_equal(n, big);
    assert_int_equal(t[big - 1], (char)('a' + ((big - 1) * 7 + 1) % 26));
    assert_string_equal(slant_corpus_label(c, 2, 0), "pos");
    assert_string_equal(slant_corpus_id(c, 3), "small1");
    slant_corpus_free(c);
}

static void test_reader_error_after_batches(void **state)
{
    (void)state;
    const char *p = PUT("bad7.tsv", "label\ttext\na\t1\nb\t2\na\t3\nb\t4\na\t5\nb\t6\n"
                                    "a\t7\nragged\nb\t9\n");
    slant_reader *r = NULL;
    slant_error err = {{0}};
    slant_corpus *b;
    assert_int_equal(slant_reader_open(p, SLANT_FORMAT_TSV, &r, &err), SLANT_STATUS_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(slant_reader_next(r, 3, SIZE_MAX, &b, &err), SLANT_STATUS_OK);
        assert_int_equal(slant_corpus_size(b), 3);
        slant_corpus_free(b);
    }
    /* Every row before the bad one comes out, then the error. */
    assert_int_equal(slant_reader_next(r, 3, SIZE_MAX, &b, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_corpus_size(b), 1);
    ASSERT_TEXT(b, 0, "7");
    slant_corpus_free(b);
    assert_int_equal(slant_reader_next(r, 3, SIZE_MAX, &b, &err), SLANT_STATUS_BAD_INPUT);
    assert_null(b);
    assert_non_null(strstr(err.message, "bad7.tsv:9: expected 2 fields, found 1"));
    /* Nothing after an error. */
    assert_int_equal(slant_reader_next(r, 3, SIZE_MAX, &b, &err), SLANT_STATUS_OK);
    assert_null(b);
    slant_reader_free(r);

    assert_int_equal(slant_reader_open(PUT("empty.tsv", "\n \n"), SLANT_FORMAT_TSV, &r, &err),
                     SLANT_STATUS_OK);
    assert_int_equal(slant_reader_next(r, 3, SIZE_MAX, &b, &err), SLANT_STATUS_BAD_INPUT);
    assert_non_null(strstr(err.message, "empty.tsv: empty"));
    slant_reader_free(r);
    assert_int_equal(slant_reader_open(path_of("nowhere.tsv"), SLANT_FORMAT_TSV, &r, &err),
                     SLANT_STATUS_IO);
    assert_null(r);
    assert_int_equal(slant_reader_open(PUT("what", "plain words\n"), SLANT_FORMAT_AUTO, &r,
                                       &err), SLANT_STATUS_BAD_INPUT);
    assert_non_null(strstr(err.message, "cannot tell the format"));
    slant_reader_free(NULL);
}

/* A stream is labeled as it comes: a batch ends where the input waits. */
static void test_reader_stream(void **state)
{
    (void)state;
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", fd[0]);
    static const char first[] = "label\ttext\nx\tone\ny\ttw";
    assert_int_equal(write(fd[1], first, sizeof first - 1), (ssize_t)(sizeof first - 1));
    slant_reader *r = NULL;
    slant_error err = {{0}};
    slant_corpus *b;
    assert_int_equal(slant_reader_open(path, SLANT_FORMAT_TSV, &r, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_reader_next(r, 100, SIZE_MAX, &b, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_corpus_size(b), 1);
    ASSERT_TEXT(b, 0, "one");
    slant_corpus_free(b);
    static const char rest[] = "o\nx\tthree\n";
    assert_int_equal(write(fd[1], rest, sizeof rest - 1), (ssize_t)(sizeof rest - 1));
    close(fd[1]);
    assert_int_equal(slant_reader_next(r, 100, SIZE_MAX, &b, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_corpus_size(b), 2);
    ASSERT_TEXT(b, 0, "two");
    assert_string_equal(slant_corpus_id(b, 1), "3");
    slant_corpus_free(b);
    assert_int_equal(slant_reader_next(r, 100, SIZE_MAX, &b, &err), SLANT_STATUS_OK);
    assert_null(b);
    slant_reader_free(r);
    close(fd[0]);
}

static void test_libsvm(void **state)
{
    (void)state;
    /* No sidecar: labels as written; the text is the vector part. */
    const char *p = PUT("v.svm", "+1 1:0.5 3:2 # a comment\n-1 2:1\n\n3 7:1e-3\n");
    slant_corpus *c = read_ok(p, SLANT_FORMAT_AUTO);
    assert_true(slant_corpus_holds_vectors(c));
    assert_int_equal(slant_corpus_size(c), 3);
    assert_int_equal(slant_corpus_heads(c), 1);
    assert_string_equal(slant_corpus_head_name(c, 0), "label");
    assert_string_equal(slant_corpus_label(c, 0, 0), "+1");
    assert_string_equal(slant_corpus_label(c, 2, 0), "3");
    ASSERT_TEXT(c, 1, "2:1");
    slant_corpus_free(c);
    /* Detected from the content too, and a stream's batches keep the kind. */
    p = PUT("v.txt", "1 4:1 9:0.25\n2 1:3\n");
    c = read_ok(p, SLANT_FORMAT_AUTO);
    assert_true(slant_corpus_holds_vectors(c));
    slant_corpus_free(c);
    slant_reader *r = NULL;
    slant_corpus *b = NULL;
    assert_int_equal(slant_reader_open(p, SLANT_FORMAT_AUTO, &r, NULL), SLANT_STATUS_OK);
    assert_int_equal(slant_reader_next(r, 1, SIZE_MAX, &b, NULL), SLANT_STATUS_OK);
    slant_corpus_free(b);
    assert_int_equal(slant_reader_next(r, 1, SIZE_MAX, &b, NULL), SLANT_STATUS_OK);
    assert_true(slant_corpus_holds_vectors(b));
    slant_corpus_free(b);
    slant_reader_free(r);
    c = read_ok(PUT("t.tsv", "label\ttext\na\tb\n"), SLANT_FORMAT_TSV);
    assert_false(slant_corpus_holds_vectors(c));
    slant_corpus_free(c);

    /* The sidecar names the head and the classes; 0 is no label. */
    p = PUT("n.svm", "1 1:1\n2 2:1\n0 1:1 2:1\n");
    PUT("n.svm.map.tsv", "kind\tkey\tvalue\ninfo\thead\tstance\nlabel\t0\t(no label)\n"
                         "label\t1\tcritical\nlabel\t2\tfavorable\nfeature\t1\tthe\n");
    c = read_ok(p, SLANT_FORMAT_LIBSVM);
    assert_string_equal(slant_corpus_head_name(c, 0), "stance");
    assert_string_equal(slant_corpus_label(c, 0, 0), "critical");
    assert_string_equal(slant_corpus_label(c, 1, 0), "favorable");
    assert_null(slant_corpus_label(c, 2, 0));
    slant_corpus_free(c);

    read_fails(PUT("e1.svm", "1 1:1\n1 3:1 2:1\n"), SLANT_FORMAT_LIBSVM, SLANT_STATUS_BAD_INPUT,
               "e1.svm:2: feature 2 after 3: the numbers must increase");
    read_fails(PUT("e2.svm", "1 1:x\n"), SLANT_FORMAT_LIBSVM, SLANT_STATUS_BAD_INPUT,
               "e2.svm:1: '1:x' is not FEATURE:VALUE");
    read_fails(PUT("e3.svm", "1 0:1\n"), SLANT_FORMAT_LIBSVM, SLANT_STATUS_BAD_INPUT,
               "e3.svm:1: '0:1' is not");
    read_fails(PUT("e4.svm", "pos 1:1\n"), SLANT_FORMAT_LIBSVM, SLANT_STATUS_BAD_INPUT,
               "e4.svm:1: a LIBSVM line starts with its label, a number");
    read_fails(PUT("e5.svm", "1 1:nan\n"), SLANT_FORMAT_LIBSVM, SLANT_STATUS_BAD_INPUT,
               "e5.svm:1:");
    read_fails(PUT("e8.svm", "1 1:1e39\n"), SLANT_FORMAT_LIBSVM, SLANT_STATUS_BAD_INPUT,
               "e8.svm:1: '1:1e39' is not FEATURE:VALUE");
    PUT("e6.svm", "7 1:1\n");
    PUT("e6.svm.map.tsv", "kind\tkey\tvalue\nlabel\t1\ta\n");
    read_fails(path_of("e6.svm"), SLANT_FORMAT_LIBSVM, SLANT_STATUS_BAD_INPUT,
               "label 7 is not in the sidecar");
    PUT("e7.svm", "1 1:1\n");
    PUT("e7.svm.map.tsv", "kind\tkey\tvalue\nlabel 1 a\n");
    read_fails(path_of("e7.svm"), SLANT_FORMAT_LIBSVM, SLANT_STATUS_BAD_INPUT,
               "e7.svm.map.tsv:2: expected 3 fields");
}

/* ---- read options, the rule for names, ids, the document cap ---- */

static slant_corpus *read_with_ok(const char *path, const slant_read_options *opt)
{
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    slant_status st = slant_corpus_read_with(path, opt, &c, &err);
    if (st != SLANT_STATUS_OK)
        fail_msg("reading %s: %s (%s)", path, err.message, slant_status_str(st));
    assert_non_null(c);
    return c;
}

static void read_with_fails(const char *path, const slant_read_options *opt, slant_status want,
                            const char *needle)
{
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    slant_status st = slant_corpus_read_with(path, opt, &c, &err);
    if (st != want)
        fail_msg("reading %s: status %d (%s), expected %d; message \"%s\"", path, (int)st,
                 slant_status_str(st), (int)want, err.message);
    assert_null(c);
    if (!strstr(err.message, needle))
        fail_msg("message \"%s\" lacks \"%s\"", err.message, needle);
}

#define NAME_RULE "; every label, head name and id must be valid UTF-8 without control characters"

static void test_names_refused(void **state)
{
    (void)state;
    /* Labels, head names and ids, in every format: not UTF-8, or a control
     * character; texts may hold anything. */
    read_fails(PUT("n1.tsv", "topic\ttext\n\xff\xfe" "bad\tchip\n"), SLANT_FORMAT_TSV,
               SLANT_STATUS_BAD_INPUT,
               "n1.tsv:2: the \"topic\" label \"\\xff\\xfebad\" is not valid UTF-8" NAME_RULE);
    read_fails(PUT("n2.tsv", "\xffh\ttext\na\tb\n"), SLANT_FORMAT_TSV, SLANT_STATUS_BAD_INPUT,
               "n2.tsv:1: the name of column 1 \"\\xffh\" is not valid UTF-8");
    read_fails(PUT("n3.tsv", "id\ttext\nx\x01y\tb\n"), SLANT_FORMAT_TSV, SLANT_STATUS_BAD_INPUT,
               "n3.tsv:2: the id \"x\\x01y\" holds a control character");
    read_fails(PUT("n4.tsv", "y\ttext\na\rb\tc\n"), SLANT_FORMAT_TSV, SLANT_STATUS_BAD_INPUT,
               "n4.tsv:2: the \"y\" label \"a\\x0db\" holds a control character");
    read_fails(PUT("n1.jsonl", "{\"text\": \"chip\", \"lab\": \"a\\tb\"}\n"), SLANT_FORMAT_JSONL,
               SLANT_STATUS_BAD_INPUT, "n1.jsonl:1: the \"lab\" label \"a\\x09b\" holds a control");
    read_fails(PUT("n2.jsonl", "{\"text\": \"chip\", \"l\\nab\": \"a\"}\n"), SLANT_FORMAT_JSONL,
               SLANT_STATUS_BAD_INPUT, "n2.jsonl:1: the label key \"l\\x0aab\"");
    read_fails(PUT("n3.jsonl", "{\"text\": \"x\", \"l\": \"a\"}\n{\"text\": \"y\", \"id\": \"\\u0000\"}\n"),
               SLANT_FORMAT_JSONL, SLANT_STATUS_BAD_INPUT, "n3.jsonl:2: the id \"\\x00\"");
    read_fails(PUT("n4.jsonl", "{\"text\": \"chip\", \"\xffh\": \"a\"}\n"), SLANT_FORMAT_JSONL,
               SLANT_STATUS_BAD_INPUT, "n4.jsonl:1: ");
    read_fails(PUT("n1.ft", "__label__ok a\n__label__b\xc3 text\n"), SLANT_FORMAT_FASTTEXT,
               SLANT_STATUS_BAD_INPUT, "n1.ft:2: the tag \"__label__b\\xc3\" is not valid UTF-8");
    read_fails(PUT("n2.ft", "__label__h=a=b text\n"), SLANT_FORMAT_FASTTEXT,
               SLANT_STATUS_BAD_INPUT, "n2.ft:1: __label__h=a=b: a keyed tag is __label__HEAD=VALUE, with one '='");
    /* In batches too, where the tags are dropped. */
    slant_reader *r = NULL;
    slant_corpus *b = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_reader_open(path_of("n1.ft"), SLANT_FORMAT_FASTTEXT, &r, &err),
                     SLANT_STATUS_OK);
    assert_int_equal(slant_reader_next(r, 10, SIZE_MAX, &b, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_corpus_size(b), 1); /* the line before it */
    slant_corpus_free(b);
    assert_int_equal(slant_reader_next(r, 10, SIZE_MAX, &b, &err), SLANT_STATUS_BAD_INPUT);
    assert_null(b);
    assert_non_null(strstr(err.message, "n1.ft:2: the tag"));
    slant_reader_free(r);
    /* Folders: a label folder's name, a file's name. */
    PUT("nd1/ok/1.txt", "fine");
    PUT("nd1/b\xe9/1.txt", "latin-1 label");
    read_fails(path_of("nd1"), SLANT_FORMAT_DIR, SLANT_STATUS_BAD_INPUT,
               "nd1/b\\xe9: the label \"b\\xe9\" is not valid UTF-8");
    PUT("nd2/ok/f\x7f.txt", "a DEL in the name");
    read_fails(path_of("nd2"), SLANT_FORMAT_DIR, SLANT_STATUS_BAD_INPUT,
               "the id \"ok/f\\x7f.txt\" holds a control character");
    /* The path of a text document is its id. */
    read_fails(PUT("odd\xff.txt", "words"), SLANT_FORMAT_TEXT, SLANT_STATUS_BAD_INPUT,
               "odd\\xff.txt: the id ");
    /* The sidecar's head and class names. */
    PUT("ns.svm", "1 1:1\n2 2:1\n");
    PUT("ns.svm.map.tsv", "kind\tkey\tvalue\ninfo\thead\tst\x1b" "ance\nlabel\t1\ta\nlabel\t2\tb\n");
    read_fails(path_of("ns.svm"), SLANT_FORMAT_LIBSVM, SLANT_STATUS_BAD_INPUT,
               "ns.svm.map.tsv:2: the head name \"st\\x1bance\" holds a control character");
    PUT("ns.svm.map.tsv", "kind\tkey\tvalue\nlabel\t1\ta\nlabel\t2\t\xff\n");
    read_fails(path_of("ns.svm"), SLANT_FORMAT_LIBSVM, SLANT_STATUS_BAD_INPUT,
               "ns.svm.map.tsv:3: the label \"\\xff\" is not valid UTF-8");
    /* Good UTF-8 of every width passes, and texts keep any bytes. */
    slant_corpus *c = read_ok(PUT("n5.tsv", "id\tt\xc3\xa9ma\ttext\n\xe2\x82\xac" "1\t\xf0\x9f\x93\xb0\tx\x01\xff\n"),
                              SLANT_FORMAT_TSV);
    assert_string_equal(slant_corpus_head_name(c, 0), "t\xc3\xa9ma");
    assert_string_equal(slant_corpus_id(c, 0), "\xe2\x82\xac" "1");
    assert_string_equal(slant_corpus_label(c, 0, 0), "\xf0\x9f\x93\xb0");
    ASSERT_TEXT(c, 0, "x\x01\xff");
    slant_corpus_free(c);
}

/* Reads PATH with OPT a batch of BATCH documents at a time and checks the
 * ids, joined by spaces, are WANT. */
static void ids_in_batches(const char *path, const slant_read_options *opt, size_t batch,
                           const char *want)
{
    slant_reader *r = NULL;
    slant_error err = {{0}};
    if (slant_reader_open_with(path, opt, &r, &err))
        fail_msg("%s: %s", path, err.message);
    char got[512] = "";
    for (;;) {
        slant_corpus *b = NULL;
        if (slant_reader_next(r, batch, SIZE_MAX, &b, &err))
            fail_msg("%s: %s", path, err.message);
        if (!b)
            break;
        for (size_t d = 0; d < slant_corpus_size(b); d++)
            snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", *got ? " " : "",
                     slant_corpus_id(b, d));
        slant_corpus_free(b);
    }
    slant_reader_free(r);
    assert_string_equal(got, want);
}

static void test_ids_never_shift(void **state)
{
    (void)state;
    /* The issue's case: a row of blanks is a row (an empty document, kept
     * with its id); later ids do not shift. */
    const char *p = PUT("blank.tsv", "text\nfirst\n   \nthird\n");
    slant_corpus *c = read_ok(p, SLANT_FORMAT_AUTO);
    assert_int_equal(slant_corpus_size(c), 3);
    assert_string_equal(slant_corpus_id(c, 1), "2");
    ASSERT_TEXT(c, 1, "   ");
    assert_string_equal(slant_corpus_id(c, 2), "3");
    slant_corpus_free(c);
    /* With more columns a blank row is ragged, as any row of one field. */
    read_fails(PUT("blank2.tsv", "y\ttext\na\tfirst\n  \nb\tthird\n"), SLANT_FORMAT_TSV,
               SLANT_STATUS_BAD_INPUT, "blank2.tsv:3: expected 2 fields, found 1");
    /* Empty lines are skipped but counted, before the header too; the ids
     * run on across batches of one, and are the same read whole. */
    p = PUT("gaps.tsv", "\n\ny\ttext\n\na\tone\r\n\r\nb\ttwo\n\t\nc\tfour\n");
    ids_in_batches(p, NULL, 1, "2 4 5 6");
    c = read_ok(p, SLANT_FORMAT_TSV);
    assert_string_equal(slant_corpus_id(c, 2), "5");
    assert_null(slant_corpus_label(c, 2, 0)); /* "\t": an empty row of two empty cells */
    ASSERT_TEXT(c, 2, "");
    slant_corpus_free(c);
    /* The other line formats: the line number, blank lines counted. */
    ids_in_batches(PUT("gaps.jsonl", "{\"text\": \"a\"}\n  \n\n{\"text\": \"b\", \"id\": \"\"}\n"
                                     "{\"text\": \"c\", \"id\": \"own\"}\n"),
                   NULL, 1, "1 4 own");
    ids_in_batches(PUT("gaps.ft", "\n__label__a x\n \n__label__b y\n"), NULL, 1, "2 4");
    ids_in_batches(PUT("gaps2.svm", "1 1:1\n\n\n2 2:1\n"), NULL, 1, "1 4");
    ids_in_batches(PUT("gaps.txt", "one\n\n  \nfour\n"),
                   &(slant_read_options){.format = SLANT_FORMAT_LINES}, 1, "1 4");
    /* ids_with_path: PATH:N, for several inputs whose numbers repeat. */
    p = PUT("withpath.txt", "one\n\nthree\n");
    char want[600];
    snprintf(want, sizeof want, "%s:1 %s:3", p, p);
    ids_in_batches(p, &(slant_read_options){.format = SLANT_FORMAT_LINES, .ids_with_path = 1}, 1,
                   want);
    snprintf(want, sizeof want, "own %s:2", path_of("withpath.jsonl"));
    ids_in_batches(PUT("withpath.jsonl", "{\"text\": \"a\", \"id\": \"own\"}\n{\"text\": \"b\"}\n"),
                   &(slant_read_options){.ids_with_path = 1}, 5, want);
    read_with_fails(PUT("bad\xffpath.txt", "one\n"),
                    &(slant_read_options){.format = SLANT_FORMAT_LINES, .ids_with_path = 1},
                    SLANT_STATUS_BAD_INPUT, "the id \"");
}

/* A child process that writes 'a' without end into FD until the reader
 * goes away, then reports on RESULT how many bytes it wrote. */
static pid_t endless_writer(int fd, int result, int other)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    close(other);
    signal(SIGPIPE, SIG_IGN);
    static char block[65536];
    memset(block, 'a', sizeof block);
    unsigned long long total = 0;
    for (;;) {
        ssize_t n = write(fd, block, sizeof block);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        total += (unsigned long long)n;
    }
    if (write(result, &total, sizeof total) != (ssize_t)sizeof total)
        _exit(1);
    _exit(0);
}

static void test_max_doc_bytes(void **state)
{
    (void)state;
    /* Lines: exactly the cap passes (its line end not counted), one byte
     * more does not, in every line format; and a CRLF line of the cap. */
    slant_read_options opt = {.max_doc_bytes = 8};
    slant_corpus *c = read_with_ok(PUT("cap.tsv", "text\n12345678\r\n1234567\n"), &opt);
    assert_int_equal(slant_corpus_size(c), 2);
    slant_corpus_free(c);
    read_with_fails(PUT("cap2.tsv", "text\nshort\n123456789\nnot read\n"), &opt,
                    SLANT_STATUS_BAD_INPUT,
                    "cap2.tsv:3: a document of more than 8 bytes (--max-doc-bytes 8); raise "
                    "--max-doc-bytes to read it");
    read_with_fails(PUT("cap3.tsv", "text\n123456789"), &opt, SLANT_STATUS_BAD_INPUT,
                    "cap3.tsv:2: a document of more than 8 bytes");
    read_with_fails(PUT("cap.jsonl", "{\"text\": \"a\"}\n"), &opt, SLANT_STATUS_BAD_INPUT,
                    "cap.jsonl:1: a document of more than 8 bytes");
    opt.format = SLANT_FORMAT_LINES;
    read_with_fails(PUT("cap.lines", "ok\n\n1234567890\n"), &opt, SLANT_STATUS_BAD_INPUT,
                    "cap.lines:3: a document of more than 8 bytes");
    /* Whole files: the byte order mark is not counted; a file, and a
     * stream, of one byte more is refused. */
    opt.format = SLANT_FORMAT_TEXT;
    c = read_with_ok(PUT("cap8.txt", "\xEF\xBB\xBF" "12345678"), &opt);
    ASSERT_TEXT(c, 0, "12345678");
    slant_corpus_free(c);
    read_with_fails(PUT("cap9.txt", "123456789"), &opt, SLANT_STATUS_BAD_INPUT,
                    "cap9.txt: a document of more than 8 bytes (--max-doc-bytes 8)");
    assert_non_null(freopen(path_of("cap9.txt"), "rb", stdin));
    read_with_fails("-", &opt, SLANT_STATUS_BAD_INPUT, "<stdin>: a document of more than 8");
    PUT("capdir/a/1.txt", "short");
    PUT("capdir/a/2.txt", "far too long");
    opt.format = SLANT_FORMAT_DIR;
    read_with_fails(path_of("capdir"), &opt, SLANT_STATUS_BAD_INPUT,
                    "capdir/a/2.txt: a document of more than 8 bytes");
    /* The default is SLANT_MAX_DOC_BYTES. */
    opt = (slant_read_options){.format = SLANT_FORMAT_LINES};
    size_t big = SLANT_MAX_DOC_BYTES + 1;
    char *doc = malloc(big + 1);
    assert_non_null(doc);
    memset(doc, 'w', big);
    doc[big] = '\n';
    read_with_fails(put("default.lines", doc, big + 1), &opt, SLANT_STATUS_BAD_INPUT,
                    "a document of more than 16777216 bytes");
    doc[big - 1] = '\n';
    c = read_with_ok(put("default2.lines", doc, big), &opt);
    assert_int_equal(slant_corpus_size(c), 1);
    slant_corpus_free(c);
    free(doc);

    /* A line with no end through a pipe: refused once the cap is in, so
     * the writer wrote about the cap, a read chunk and the pipe's buffer,
     * not the line (it has none). */
    int data[2], result[2];
    assert_int_equal(pipe(data), 0);
    assert_int_equal(pipe(result), 0);
    pid_t pid = endless_writer(data[1], result[1], data[0]);
    assert_true(pid > 0);
    close(data[1]);
    close(result[1]);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", data[0]);
    const size_t cap = (size_t)1 << 20;
    opt = (slant_read_options){.format = SLANT_FORMAT_LINES, .max_doc_bytes = cap};
    slant_reader *r = NULL;
    slant_corpus *b = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_reader_open_with(path, &opt, &r, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_reader_next(r, 10, SIZE_MAX, &b, &err), SLANT_STATUS_BAD_INPUT);
    assert_null(b);
    assert_non_null(strstr(err.message, ":1: a document of more than 1048576 bytes"));
    slant_reader_free(r);
    close(data[0]);
    unsigned long long wrote = 0;
    assert_int_equal(read(result[0], &wrote, sizeof wrote), (ssize_t)sizeof wrote);
    close(result[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(wrote > cap);
    assert_true(wrote < 4 * cap);
}

static void test_read_options(void **state)
{
    (void)state;
    /* --text-column and --ignore, in TSV and JSONL. */
    const char *ign[] = {"url"};
    slant_read_options opt = {.text_column = "body", .ignore = ign, .n_ignore = 1};
    char p[512]; /* kept past path_of's few slots */
    snprintf(p, sizeof p, "%s",
             PUT("opt.tsv", "id\turl\ttopic\ttext\tbody\nd1\thttp://a\tx\ttitle\tthe body\n"));
    slant_corpus *c = read_with_ok(p, &opt);
    assert_int_equal(slant_corpus_heads(c), 2); /* topic, and text (not the text here) */
    assert_string_equal(slant_corpus_head_name(c, 0), "topic");
    assert_string_equal(slant_corpus_head_name(c, 1), "text");
    ASSERT_TEXT(c, 0, "the body");
    assert_string_equal(slant_corpus_id(c, 0), "d1");
    slant_corpus_free(c);
    c = read_with_ok(PUT("opt.jsonl", "{\"body\": \"b1\", \"url\": 5, \"topic\": \"x\"}\n"
                                      "{\"body\": \"b2\", \"topic\": \"y\"}\n"
                                      "{\"body\": \"b3\", \"url\": [1]}\n"),
                     &opt);
    assert_int_equal(slant_corpus_heads(c), 1);
    assert_int_equal(slant_corpus_size(c), 3);
    ASSERT_TEXT(c, 2, "b3");
    slant_corpus_free(c);
    /* An ignored key may first appear later; one no object has is named. */
    const char *ign2[] = {"url", "extra"};
    c = read_with_ok(PUT("late.jsonl", "{\"text\": \"a\", \"y\": \"p\"}\n{\"text\": \"b\", \"url\": 1}\n"),
                     &(slant_read_options){.ignore = ign, .n_ignore = 1});
    assert_int_equal(slant_corpus_heads(c), 1);
    slant_corpus_free(c);
    read_with_fails(path_of("late.jsonl"), &(slant_read_options){.ignore = ign2, .n_ignore = 2},
                    SLANT_STATUS_BAD_INPUT,
                    "late.jsonl: --ignore \"extra\": no object has that key; the first one's keys "
                    "are: text, y");
    read_with_fails(p, &(slant_read_options){.ignore = ign2, .n_ignore = 2}, SLANT_STATUS_BAD_INPUT,
                    "opt.tsv:1: --ignore \"extra\": no such column; the columns are: id, url, "
                    "topic, text, body");
    read_with_fails(p, &(slant_read_options){.text_column = "words"}, SLANT_STATUS_BAD_INPUT,
                    "opt.tsv:1: the header has no \"words\" column (--text-column)");
    const char *ign_text[] = {"text"};
    read_with_fails(p, &(slant_read_options){.ignore = ign_text, .n_ignore = 1},
                    SLANT_STATUS_BAD_OPTION, "--ignore \"text\": that is the text column");
    read_with_fails(p, &(slant_read_options){.text_column = "id"}, SLANT_STATUS_BAD_OPTION,
                    "the text column cannot be \"id\"");
    const char *twice[] = {"url", "url"};
    read_with_fails(p, &(slant_read_options){.ignore = twice, .n_ignore = 2},
                    SLANT_STATUS_BAD_OPTION, "given twice");
    /* Ignoring "id" numbers the rows. */
    const char *ign_id[] = {"id"};
    c = read_with_ok(p, &(slant_read_options){.ignore = ign_id, .n_ignore = 1});
    assert_string_equal(slant_corpus_id(c, 0), "1");
    assert_int_equal(slant_corpus_heads(c), 3);
    slant_corpus_free(c);

    /* texts_only: text and id, whatever else a line holds (label). */
    slant_read_options texts = {.texts_only = 1};
    c = read_with_ok(PUT("extra.jsonl", "{\"id\": 1, \"text\": \"a\", \"topic\": \"x\"}\n"
                                        "{\"id\": 2, \"text\": \"b\", \"url\": \"u\", \"n\": 5}\n"
                                        "{\"text\": \"c\", \"topic\": {\"o\": 1}, \"x\": null}\n"),
                     &texts);
    assert_int_equal(slant_corpus_heads(c), 0);
    assert_int_equal(slant_corpus_size(c), 3);
    assert_string_equal(slant_corpus_id(c, 1), "2");
    ASSERT_TEXT(c, 2, "c");
    slant_corpus_free(c);
    c = read_with_ok(PUT("extra.tsv", "topic\ttext\tid\n\xff\tx\tq\n"), &texts);
    assert_int_equal(slant_corpus_heads(c), 0);
    assert_string_equal(slant_corpus_id(c, 0), "q");
    slant_corpus_free(c);
    c = read_with_ok(PUT("t.svm", "1 1:1\n2 2:1\n"), &texts);
    assert_int_equal(slant_corpus_heads(c), 0);
    assert_true(slant_corpus_holds_vectors(c));
    slant_corpus_free(c);
    c = read_with_ok(PUT("t.ft", "__label__a x\n__label__b __label__c y\n"), &texts);
    assert_int_equal(slant_corpus_heads(c), 0);
    ASSERT_TEXT(c, 1, "y");
    slant_corpus_free(c);
    read_with_fails(PUT("ragged-extra.tsv", "topic\ttext\na\tb\tc\n"), &texts,
                    SLANT_STATUS_BAD_INPUT, "ragged-extra.tsv:2: expected 2 fields, found 3");

    /* The reader keeps its own copies of what the options point to. */
    char col[] = "body", name0[] = "url";
    const char *ign3[] = {name0};
    slant_read_options mine = {.text_column = col, .ignore = ign3, .n_ignore = 1};
    slant_reader *r = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_reader_open_with(p, &mine, &r, &err), SLANT_STATUS_OK);
    col[0] = 'x';
    name0[0] = 'x';
    ign3[0] = NULL;
    slant_corpus *b = NULL;
    if (slant_reader_next(r, 10, SIZE_MAX, &b, &err))
        fail_msg("%s", err.message);
    ASSERT_TEXT(b, 0, "the body");
    slant_corpus_free(b);
    slant_reader_free(r);
    slant_read_options init;
    memset(&init, 0xff, sizeof init);
    slant_read_options_init(&init);
    assert_int_equal(init.format, SLANT_FORMAT_AUTO);
    assert_null(init.text_column);
    assert_int_equal(init.max_doc_bytes, 0);
    assert_int_equal(init.texts_only, 0);
}

static void test_text_fallback(void **state)
{
    (void)state;
    slant_read_options opt = {.text_fallback = 1, .texts_only = 1};
    /* A name that says no format is one article; one that does is read as
     * it says, upper case too. */
    const char *p = PUT("note.txt", "y\ttext\nnot a corpus\n");
    slant_corpus *c = read_with_ok(p, &opt);
    assert_int_equal(slant_corpus_size(c), 1);
    assert_string_equal(slant_corpus_id(c, 0), p);
    slant_corpus_free(c);
    c = read_with_ok(PUT("UP.TSV", "y\ttext\na\tone\nb\ttwo\n"), &opt);
    assert_int_equal(slant_corpus_size(c), 2);
    slant_corpus_free(c);
    c = read_with_ok(PUT("x.json", "{\"text\": \"one\"}\n{\"text\": \"two\"}\n"), &opt);
    assert_int_equal(slant_corpus_size(c), 2);
    slant_corpus_free(c);
    /* Standard input: a corpus when the content says so, else one article;
     * empty (a byte order mark and blank lines are nothing) is an error. */
    assert_non_null(freopen(path_of("UP.TSV"), "rb", stdin));
    c = read_with_ok("-", &opt);
    assert_int_equal(slant_corpus_size(c), 2);
    slant_corpus_free(c);
    assert_non_null(freopen(PUT("prose", "\n\nJust some prose\n\twith a tab.\n"), "rb", stdin));
    c = read_with_ok("-", &opt);
    assert_int_equal(slant_corpus_size(c), 1);
    assert_string_equal(slant_corpus_id(c, 0), "<stdin>");
    ASSERT_TEXT(c, 0, "\n\nJust some prose\n\twith a tab.\n");
    slant_corpus_free(c);
    assert_non_null(freopen(PUT("blankin", "\xEF\xBB\xBF\n  \r\n\t\n"), "rb", stdin));
    read_with_fails("-", &opt, SLANT_STATUS_BAD_INPUT, "<stdin>: empty input: nothing to label");
    assert_non_null(freopen(PUT("nothing", ""), "rb", stdin));
    read_with_fails("-", &opt, SLANT_STATUS_BAD_INPUT, "<stdin>: empty input: nothing to label");
    /* Told the text format, an empty input is an empty article. */
    assert_non_null(freopen(path_of("nothing"), "rb", stdin));
    c = read_with_ok("-", &(slant_read_options){.format = SLANT_FORMAT_TEXT});
    ASSERT_TEXT(c, 0, "");
    slant_corpus_free(c);
    /* Without the fallback, prose on standard input is a question. */
    assert_non_null(freopen(path_of("prose"), "rb", stdin));
    read_with_fails("-", NULL, SLANT_STATUS_BAD_INPUT, "cannot tell the format of <stdin>");

    /* A folder of articles: each regular file one, in name order, in
     * batches; sub-folders skipped; a folder of folders refused. */
    PUT("arts/b.txt", "second");
    PUT("arts/a.txt", "first");
    PUT("arts/labels.tsv", "y\ttext\n");
    PUT("arts/.hidden", "not read");
    PUT("arts/sub/c.txt", "not read either");
    char want[1024];
    snprintf(want, sizeof want, "%s/a.txt %s/b.txt %s/labels.tsv", path_of("arts"),
             path_of("arts"), path_of("arts"));
    ids_in_batches(path_of("arts"), &opt, 2, want);
    c = read_with_ok(path_of("arts"), &opt);
    assert_int_equal(slant_corpus_size(c), 3);
    ASSERT_TEXT(c, 0, "first");
    ASSERT_TEXT(c, 2, "y\ttext\n");
    slant_corpus_free(c);
    PUT("labeled/pos/1.txt", "good");
    PUT("labeled/neg/1.txt", "bad");
    read_with_fails(path_of("labeled"), &opt, SLANT_STATUS_BAD_INPUT,
                    "holds folders and no files: it looks like a labeled corpus");
    mkdir(path_of("emptydir"), 0700);
    read_with_fails(path_of("emptydir"), &opt, SLANT_STATUS_BAD_INPUT, "emptydir: no files to label");
    PUT("oddarts/ok.txt", "fine");
    PUT("oddarts/n\xff.txt", "bad name");
    read_with_fails(path_of("oddarts"), &opt, SLANT_STATUS_BAD_INPUT,
                    "oddarts/n\\xff.txt: the id ");
    PUT("bigarts/a.txt", "fine");
    PUT("bigarts/b.txt", "far too long for the cap");
    slant_read_options small = {.text_fallback = 1, .max_doc_bytes = 8};
    read_with_fails(path_of("bigarts"), &small, SLANT_STATUS_BAD_INPUT,
                    "bigarts/b.txt: a document of more than 8 bytes");
    /* In batches, the files before the bad one come out first. */
    slant_reader *r = NULL;
    slant_corpus *b = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_reader_open_with(path_of("bigarts"), &small, &r, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_reader_next(r, 10, SIZE_MAX, &b, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_corpus_size(b), 1);
    ASSERT_TEXT(b, 0, "fine");
    slant_corpus_free(b);
    assert_int_equal(slant_reader_next(r, 10, SIZE_MAX, &b, &err), SLANT_STATUS_BAD_INPUT);
    assert_non_null(strstr(err.message, "bigarts/b.txt: a document of more than 8 bytes"));
    assert_int_equal(slant_reader_next(r, 10, SIZE_MAX, &b, &err), SLANT_STATUS_OK);
    assert_null(b);
    slant_reader_free(r);
    /* Without the fallback the same folder is a labeled corpus. */
    c = read_with_ok(path_of("labeled"), NULL);
    assert_int_equal(slant_corpus_heads(c), 1);
    slant_corpus_free(c);
}

/* Log lines seen, for the warnings of slant_train and slant_cross_validate. */
static char logged[4096];
static int warnings;

static void keep_log(const char *line, void *user)
{
    (void)user;
    if (!strncmp(line, "warning: ", 9)) {
        warnings++;
        snprintf(logged + strlen(logged), sizeof logged - strlen(logged), "%s\n", line);
    }
}

static void test_identifier_column_warning(void **state)
{
    (void)state;
    /* A url column: one class a document.  A topic column: two. */
    char doc[4096];
    size_t len = (size_t)snprintf(doc, sizeof doc, "url\ttopic\ttext\n");
    for (int i = 0; i < 12; i++)
        len += (size_t)snprintf(doc + len, sizeof doc - len, "http://x/%d\t%s\t%s %d\n", i,
                                i % 2 ? "chips" : "trade", i % 2 ? "wafer chip" : "port tariff", i);
    slant_corpus *c = read_ok(put("ids.tsv", doc, len), SLANT_FORMAT_TSV);
    slant_options o;
    slant_options_init(&o);
    o.model = SLANT_MODEL_KIND_NB;
    o.min_count = 1;
    slant_set_log(keep_log, NULL);
    slant_model *m = NULL;
    slant_error err = {{0}};
    logged[0] = '\0';
    warnings = 0;
    assert_int_equal(slant_train(c, &o, &m, &err), SLANT_STATUS_OK);
    slant_model_free(m);
    assert_int_equal(warnings, 1);
    assert_non_null(strstr(logged, "ids.tsv: column \"url\" has 12 classes for 12 labeled "
                                   "documents: it looks like an identifier, not a label; leave "
                                   "it out with --ignore url, or choose heads with --label"));
    /* Cross-validation warns once, not once a fold. */
    logged[0] = '\0';
    warnings = 0;
    slant_eval *ev = NULL;
    assert_int_equal(slant_cross_validate(c, &o, 3, &ev, &err), SLANT_STATUS_OK);
    slant_eval_free(ev);
    assert_int_equal(warnings, 1);
    /* A fold's training alone says nothing; neither do fewer than ten
     * labeled documents, nor a head of few classes. */
    warnings = 0;
    const size_t docs[] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    assert_int_equal(slant_train_subset(c, docs, 9, &o, &m, &err), SLANT_STATUS_OK);
    slant_model_free(m);
    assert_int_equal(warnings, 0);
    const char *topic[] = {"topic"};
    assert_int_equal(slant_corpus_select_heads(c, topic, 1, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_train(c, &o, &m, &err), SLANT_STATUS_OK);
    slant_model_free(m);
    assert_int_equal(warnings, 0);
    slant_corpus_free(c);
    /* More than 100 classes, each seen three times: many, but fewer than
     * half the documents. */
    char *big = malloc(1 << 16);
    assert_non_null(big);
    len = (size_t)snprintf(big, 1 << 16, "outlet\ttext\n");
    for (int i = 0; i < 303; i++)
        len += (size_t)snprintf(big + len, (1 << 16) - len, "o%d\tword%d\n", i / 3, i / 3);
    c = read_ok(put("many.tsv", big, len), SLANT_FORMAT_TSV);
    free(big);
    logged[0] = '\0';
    warnings = 0;
    assert_int_equal(slant_train(c, &o, &m, &err), SLANT_STATUS_OK);
    slant_model_free(m);
    assert_int_equal(warnings, 1);
    assert_non_null(strstr(logged, "many.tsv: column \"outlet\" has 101 classes: training grows "
                                   "with the classes; if it is not a label, --ignore outlet"));
    slant_corpus_free(c);
    slant_set_log(NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_names),
        cmocka_unit_test(test_tsv_two_heads_with_id),
        cmocka_unit_test(test_tsv_bom_crlf_blank_lines),
        cmocka_unit_test(test_tsv_errors),
        cmocka_unit_test(test_missing_file_and_folder_as_file),
        cmocka_unit_test(test_jsonl_two_labels),
        cmocka_unit_test(test_jsonl_errors),
        cmocka_unit_test(test_fasttext),
        cmocka_unit_test(test_dir),
        cmocka_unit_test(test_lines_and_text),
        cmocka_unit_test(test_auto),
        cmocka_unit_test(test_binary_text_preserved),
        cmocka_unit_test(test_select_heads),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_from_memory),
        cmocka_unit_test(test_hostile_input),
        cmocka_unit_test(test_reader_batches),
        cmocka_unit_test(test_reader_long_lines),
        cmocka_unit_test(test_reader_error_after_batches),
        cmocka_unit_test(test_reader_stream),
        cmocka_unit_test(test_libsvm),
        cmocka_unit_test(test_names_refused),
        cmocka_unit_test(test_ids_never_shift),
        cmocka_unit_test(test_max_doc_bytes),
        cmocka_unit_test(test_read_options),
        cmocka_unit_test(test_text_fallback),
        cmocka_unit_test(test_identifier_column_warning),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
