/*
 * test_name.c: the rule for names (valid UTF-8, no control characters) and
 * how a name that breaks it is shown in a message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common.h"

static void test_good_names(void **state)
{
    (void)state;
    assert_null(slant_name_problem("", 0));
    assert_null(slant_name_problem("state_media", 11));
    assert_null(slant_name_problem("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80", 14));
    assert_null(slant_name_problem("a b/c\\d", 7));
}

static void test_bad_names(void **state)
{
    (void)state;
    assert_string_equal(slant_name_problem("\xff\xfe" "bad", 5), "is not valid UTF-8");
    assert_non_null(slant_name_problem("caf\xc3", 4));          /* cut short */
    assert_non_null(slant_name_problem("\xc0\xaf", 2));         /* overlong */
    assert_non_null(slant_name_problem("\xed\xa0\x80", 3));     /* a surrogate */
    assert_non_null(slant_name_problem("a\tb", 3));
    assert_non_null(slant_name_problem("a\nb", 3));
    assert_non_null(slant_name_problem("a\rb", 3));
    assert_non_null(slant_name_problem("a\0b", 3));
    assert_non_null(slant_name_problem("a\x7f", 2));
    assert_non_null(slant_name_problem("a\xc2\x85", 3));        /* NEL, a C1 control */
    /* the length is what counts, not a NUL */
    assert_null(slant_name_problem("ab\tc", 2));
}

static void test_quote(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(slant_name_quote("\xff\xfe" "bad", 5, buf, sizeof buf), "\\xff\\xfebad");
    assert_string_equal(slant_name_quote("a\tb\\c", 5, buf, sizeof buf), "a\\x09b\\x5cc");
    assert_string_equal(slant_name_quote("caf\xc3\xa9", 5, buf, sizeof buf), "caf\xc3\xa9");
    /* cut short with "..." and always NUL-terminated */
    char small[12];
    const char *q = slant_name_quote("abcdefghijklmnop", 16, small, sizeof small);
    assert_true(strlen(q) < sizeof small);
    assert_non_null(strstr(q, "..."));
}

static void test_heads_clash(void **state)
{
    (void)state;
    char buf[512];
    const char *fine[] = {"stance", "source_type", "prob", "_prob"};
    assert_null(slant_heads_clash(fine, 4, buf, sizeof buf));
    const char *pair[] = {"stance_prob", "tone", "stance"};
    const char *why = slant_heads_clash(pair, 3, buf, sizeof buf);
    assert_non_null(why);
    assert_non_null(strstr(why, "heads \"stance\" and \"stance_prob\""));
    const char *id[] = {"tone", "id"};
    why = slant_heads_clash(id, 2, buf, sizeof buf);
    assert_non_null(why);
    assert_non_null(strstr(why, "a head named \"id\""));
}

static void test_utf8_cut(void **state)
{
    (void)state;
    assert_int_equal(slant_utf8_cut("", 0), 0);
    assert_int_equal(slant_utf8_cut("abc", 3), 3);
    assert_int_equal(slant_utf8_cut("caf\xc3\xa9", 5), 5);             /* whole */
    assert_int_equal(slant_utf8_cut("caf\xc3\xa9", 4), 3);             /* cut in é */
    assert_int_equal(slant_utf8_cut("\xe4\xb8\xad", 2), 0);           /* cut in 中 */
    assert_int_equal(slant_utf8_cut("a\xf0\x9f\x98\x80", 4), 1);     /* cut in 😀 */
    assert_int_equal(slant_utf8_cut("a\xf0\x9f\x98\x80", 5), 5);
    /* every cut of a mixed string leaves valid UTF-8 */
    const char *mixed = "x\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80y";
    for (size_t n = 0; n <= strlen(mixed); n++)
        assert_null(slant_name_problem(mixed, slant_utf8_cut(mixed, n)));
}

/* The block check agrees with the per-name rule wherever the bad byte
 * stands: inside a 16-byte stretch of ASCII, at its edge, after a NUL. */
static void test_names_block(void **state)
{
    (void)state;
    char buf[80];
    memset(buf, 'a', sizeof buf);
    for (size_t i = 9; i < sizeof buf; i += 10)
        buf[i] = '\0';
    assert_int_equal(slant_names_block_check(buf, sizeof buf), sizeof buf);
    static const char *const bad[] = {"\t", "\x7f", "\xff", "\xc3", "\x01"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        for (size_t at = 0; at < sizeof buf; at++) {
            if (buf[at] == '\0')
                continue;
            char copy[sizeof buf];
            memcpy(copy, buf, sizeof buf);
            copy[at] = bad[k][0];
            assert_int_equal(slant_names_block_check(copy, sizeof copy), at);
        }
    /* multi-byte characters are fine, and pass like ASCII */
    const char *utf = "caf\xc3\xa9\0\xe4\xb8\xad\xe6\x96\x87\0abcdefghijklmnopqrstuvwxyz\0";
    size_t n = 5 + 1 + 6 + 1 + 26 + 1;
    assert_int_equal(slant_names_block_check(utf, n), n);
    /* a character cut by the NUL that ends its name */
    assert_int_equal(slant_names_block_check("ab\xc3\0cd", 6), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_names),
        cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_quote),
        cmocka_unit_test(test_heads_clash),
        cmocka_unit_test(test_utf8_cut),
        cmocka_unit_test(test_names_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
