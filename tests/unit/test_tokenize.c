/*
 * test_tokenize.c: the tokenizer on ASCII, accented, CJK and invalid input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <stdlib.h>
#include <utf8proc.h>

#include "pipeline.h"

/* Tokenizes TEXT (LEN bytes) and checks the tokens against the NULL-ended
 * list EXPECT. */
static void check_tokens(const char *text, size_t len, const char *const *expect)
{
    slant_tokens t = {0};
    assert_int_equal(slant_tokenize(text, len, 7, &t), 0);
    size_t n = 0;
    while (expect[n])
        n++;
    if (t.n != n) {
        for (size_t i = 0; i < t.n; i++)
            print_message("token %zu: '%s'\n", i, t.buf + t.start[i]);
    }
    assert_int_equal(t.n, n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(t.buf + t.start[i], expect[i]);
        assert_int_equal(t.len[i], strlen(expect[i]));
    }
    slant_tokens_free(&t);
}

#define CHECK(text, ...)                                                    \
    do {                                                                    \
        const char *const want_[] = {__VA_ARGS__, NULL};                    \
        check_tokens(text, strlen(text), want_);                            \
    } while (0)

static void test_ascii(void **state)
{
    (void)state;
    CHECK("Hello, World! It's 2025: AI-chips.", "hello", "world", "it's", "2025", "ai", "chips");
    CHECK("  trailing apostrophe' 'quoted'", "trailing", "apostrophe", "quoted");
    const char *const none[] = {NULL};
    check_tokens("", 0, none);
    check_tokens(" \t\n.,;!", 7, none);
}

static void test_accented(void **state)
{
    (void)state;
    /* Upper-case accented letters fold; composed and decomposed forms of é
     * become the same token (NFKC). */
    CHECK("CAFÉ Café café", "café", "café", "café");
    CHECK("cafe\xcc\x81", "café");
    CHECK("Straße ÆON Ǆ", "strasse", "æon", "dž");
    /* Compatibility forms: the ligature and full-width letters. */
    CHECK("\xef\xac\x81le ＡＢＣ", "file", "abc");
    /* The typographic apostrophe inside a word is the ASCII one. */
    CHECK("don\xe2\x80\x99t", "don't");
}

static void test_cjk(void **state)
{
    (void)state;
    /* Each Han character is a token; Latin words around them stay words. */
    CHECK("中国芯片AI模型", "中", "国", "芯", "片", "ai", "模", "型");
    CHECK("ひらがな", "ひ", "ら", "が", "な");
    /* Hangul is written with spaces: its words stay whole. */
    CHECK("한국 반도체", "한국", "반도체");
}

static void test_invalid(void **state)
{
    (void)state;
    /* Invalid bytes and NULs separate tokens and never crash. */
    const char bad[] = "ab\xff" "cd\xc3" "ef\0gh\xe2\x82";
    const char *const want[] = {"ab", "cd", "ef", "gh", NULL};
    check_tokens(bad, sizeof bad - 1, want);
    /* An overlong encoding of '/' and a lone surrogate are invalid too. */
    const char over[] = "x\xc0\xafy\xed\xa0\x80z";
    const char *const want2[] = {"x", "y", "z", NULL};
    check_tokens(over, sizeof over - 1, want2);
    /* Every byte value, in every position, tokenizes. */
    char all[512];
    for (int i = 0; i < 512; i++)
        all[i] = (char)(i * 7 + 3);
    slant_tokens t = {0};
    assert_int_equal(slant_tokenize(all, sizeof all, 1, &t), 0);
    slant_tokens_free(&t);
}

/* The ASCII path reads sixteen bytes at a time: the same words must give
 * the same tokens and hashes at every offset, whatever the block edges cut
 * (a long word, an apostrophe, an accented letter, the end of the text). */
static void test_block_edges(void **state)
{
    (void)state;
    const char *body = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdef it'S l'\xc3\xa9t\xc3\xa9 "
                       "fifteen-letters x\xc3\x89y Z";
    const char *const want[] = {"abcdefghijklmnopqrstuvwxyz0123456789abcdef", "it's", "l", "été",
                                "fifteen", "letters", "xéy", "z", NULL};
    slant_tokens ref = {0};
    for (size_t pad = 0; pad < 40; pad++) {
        char text[256];
        memset(text, pad % 2 ? ' ' : '.', pad);
        strcpy(text + pad, body);
        check_tokens(text, strlen(text), want);
        slant_tokens t = {0};
        assert_int_equal(slant_tokenize(text, strlen(text), 5, &t), 0);
        if (pad == 0) {
            ref = t;
            continue;
        }
        for (size_t i = 0; i < t.n; i++)
            assert_true(t.hash[i] == ref.hash[i]);
        slant_tokens_free(&t);
    }
    slant_tokens_free(&ref);
    /* A word that ends exactly at the end of the text, at every length. */
    char word[40];
    for (size_t n = 1; n < sizeof word; n++) {
        memset(word, 'Q', n);
        slant_tokens t = {0};
        assert_int_equal(slant_tokenize(word, n, 5, &t), 0);
        assert_int_equal(t.n, 1);
        assert_int_equal(t.len[0], n);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(t.buf[t.start[0] + i], 'q');
        slant_tokens_free(&t);
    }
}

/* Tokenizes with FLAGS and checks against EXPECT (NULL-ended). */
static void check_with(const char *text, unsigned flags, const char *const *expect)
{
    slant_tokens t = {0};
    assert_int_equal(slant_tokenize_with(text, strlen(text), 7, flags, &t), 0);
    size_t n = 0;
    while (expect[n])
        n++;
    if (t.n != n)
        for (size_t i = 0; i < t.n; i++)
            print_message("token %zu: '%s'\n", i, t.buf + t.start[i]);
    assert_int_equal(t.n, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(t.buf + t.start[i], expect[i]);
    slant_tokens_free(&t);
}

static void test_punct_and_case(void **state)
{
    (void)state;
    const char *text = "Hello, World! It's \"AI\"\xe2\x80\x94" "chips\xe2\x80\xa6 caf\xc3\x89!! \xf0\x9f\x98\x80 'x";
    const char *const punct[] = {"hello", ",", "world", "!", "it's", "\"", "ai", "\"",
                                 "\xe2\x80\x94", "chips", "...", "caf\xc3\xa9", "!", "!",
                                 "\xf0\x9f\x98\x80", "'", "x", NULL};
    check_with(text, SLANT_TOK_PUNCT, punct);
    const char *const kept[] = {"Hello", "World", "It's", "AI", "chips", "caf\xc3\x89", "x", NULL};
    check_with(text, SLANT_TOK_KEEP_CASE, kept);
    const char *const both[] = {"Hello", ",", "World", "!", "It's", "\"", "AI", "\"",
                                "\xe2\x80\x94", "chips", "...", "caf\xc3\x89", "!", "!",
                                "\xf0\x9f\x98\x80", "'", "x", NULL};
    check_with(text, SLANT_TOK_PUNCT | SLANT_TOK_KEEP_CASE, both);
    /* Invalid bytes stay separators, not symbols. */
    const char *const bad[] = {"a", "-", "b", NULL};
    check_with("a\xff-\xc3" "b", SLANT_TOK_PUNCT, bad);
}

/* On random mixes of letters, marks, punctuation and broken bytes: the
 * punctuation rules only add tokens of punctuation, and keeping the case
 * changes only the case (case folding a kept token gives the default
 * one), so each agrees with the default tokenizer. */
static void test_rules_agree(void **state)
{
    (void)state;
    const char *pieces[] = {"a", "Z", "'", " ", "\xe2\x80\x99", "\xc3\xa9", "\xe4\xb8\xad", "\xff",
                            "!", "...", "9", "-", "\xe2\x80\x94", "\xcc\x81", "Q", "\xf0\x9f\x98\x80",
                            "\xc3\x89", ","};
    enum { N = sizeof pieces / sizeof pieces[0] };
    uint64_t r = 12345;
    slant_tokens a = {0}, b = {0};
    for (int it = 0; it < 20000; it++) {
        char text[600];
        size_t w = 0;
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t k = (size_t)(r >> 58);
        for (size_t j = 0; j < k; j++) {
            r = r * 6364136223846793005ULL + 1442695040888963407ULL;
            const char *p = pieces[(r >> 40) % N];
            memcpy(text + w, p, strlen(p));
            w += strlen(p);
        }
        assert_int_equal(slant_tokenize_with(text, w, 1, 0, &a), 0);
        assert_int_equal(slant_tokenize_with(text, w, 1, SLANT_TOK_PUNCT, &b), 0);
        size_t m = 0;
        for (size_t i = 0; i < b.n; i++) {
            const char *tok = b.buf + b.start[i];
            int is_punct = strchr("!.,'-", tok[0]) || (unsigned char)tok[0] == 0xe2
                        || (unsigned char)tok[0] == 0xf0;
            if (is_punct && (b.len[i] == 1 || (unsigned char)tok[0] >= 0x80))
                continue;
            assert_true(m < a.n);
            assert_string_equal(tok, a.buf + a.start[m]);
            m++;
        }
        assert_int_equal(m, a.n);
        assert_int_equal(slant_tokenize_with(text, w, 1, SLANT_TOK_KEEP_CASE, &b), 0);
        assert_int_equal(b.n, a.n);
        for (size_t i = 0; i < a.n; i++) {
            utf8proc_uint8_t *low = NULL;
            assert_true(utf8proc_map((const utf8proc_uint8_t *)b.buf + b.start[i], b.len[i], &low,
                                     UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT
                                         | UTF8PROC_CASEFOLD) >= 0);
            assert_string_equal((const char *)low, a.buf + a.start[i]);
            free(low);
        }
    }
    slant_tokens_free(&a);
    slant_tokens_free(&b);
}

/* The fast hash, which reads whole blocks past the end, agrees with the
 * exact one at every length and whatever bytes follow. */
static void test_text_hash(void **state)
{
    (void)state;
    unsigned char a[96], b[96];
    for (size_t i = 0; i < sizeof a; i++) {
        a[i] = (unsigned char)(i * 37 + 11);
        b[i] = a[i];
    }
    for (size_t n = 0; n <= 64; n++) {
        for (size_t i = n; i < sizeof b; i++)
            b[i] = (unsigned char)~a[i];
        uint64_t h = slant_text_hash_exact(a, n, 9);
        assert_true(slant_text_hash(a, n, 9) == h);
        assert_true(slant_text_hash(b, n, 9) == h);
        assert_true(slant_text_hash_exact(a, n, 10) != h);
        if (n > 0)
            assert_true(slant_text_hash_exact(a, n - 1, 9) != h);
        memcpy(b, a, sizeof b);
    }
    /* A zero byte is part of the text: "a" and "a\0" differ. */
    assert_true(slant_text_hash_exact("a\0", 1, 0) != slant_text_hash_exact("a\0", 2, 0));
}

static void test_hash_stable(void **state)
{
    (void)state;
    /* Equal tokens hash equally, whatever their spelling in the source. */
    slant_tokens a = {0}, b = {0};
    assert_int_equal(slant_tokenize("CAFÉ", 5, 3, &a), 0);
    assert_int_equal(slant_tokenize("cafe\xcc\x81", 6, 3, &b), 0);
    assert_int_equal(a.n, 1);
    assert_int_equal(b.n, 1);
    assert_true(a.hash[0] == b.hash[0]);
    /* The seed changes the hash. */
    assert_int_equal(slant_tokenize("CAFÉ", 5, 4, &b), 0);
    assert_true(a.hash[0] != b.hash[0]);
    slant_tokens_free(&a);
    slant_tokens_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii),
        cmocka_unit_test(test_accented),
        cmocka_unit_test(test_cjk),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_block_edges),
        cmocka_unit_test(test_text_hash),
        cmocka_unit_test(test_punct_and_case),
        cmocka_unit_test(test_rules_agree),
        cmocka_unit_test(test_hash_stable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
