/*
 * test_html.c: the text of web pages (slant_page_text, features/html.c):
 * boilerplate dropped, the title and the article kept, entities decoded,
 * broken markup, charsets, invalid UTF-8 and deep nesting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common.h"
#include "slant.h"

/* The text of PAGE (LEN bytes, in CHARSET), which the test frees. */
static char *text_of(const char *page, size_t len, const char *charset)
{
    char *t = NULL;
    size_t tl = 0;
    slant_error err = {{0}};
    assert_int_equal(slant_page_text(page, len, charset, &t, &tl, &err), SLANT_STATUS_OK);
    assert_non_null(t);
    assert_int_equal(strlen(t), tl);
    return t;
}

/* Checks that TEXT is valid UTF-8 whose only control character is '\n'. */
static void assert_clean(const char *t)
{
    size_t n = strlen(t);
    char *copy = malloc(n + 1);
    assert_non_null(copy);
    for (size_t i = 0; i <= n; i++)
        copy[i] = t[i] == '\n' ? ' ' : t[i];
    assert_null(slant_name_problem(copy, n));
    free(copy);
}

#define PAGE(s) s, sizeof s - 1

/* Checks that the text of PAGE (LEN bytes, in CHARSET) is WANT. */
static void expect(const char *page, size_t len, const char *charset, const char *want)
{
    char *t = text_of(page, len, charset);
    assert_string_equal(t, want);
    slant_page_text_free(t);
}

static void test_boilerplate(void **state)
{
    (void)state;
    static const char page[] =
        "<!DOCTYPE html><html><head><title>Rates rise</title>"
        "<style>p{color:red}</style><script>var x = '<p>script text</p>';</script></head>"
        "<body><header><a href=\"/\">Home</a> <a href=\"/w\">World</a></header>"
        "<nav><ul><li>Politics</li><li>Sport</li></ul></nav>"
        "<div id=\"cookie-consent\">We use cookies. Accept?</div>"
        "<div class=\"site-menu\">Menu text</div>"
        "<p>The central bank raised rates.</p>"
        "<div class=\"share-bar\"><a>Share on X</a></div>"
        "<div class=\"related-stories\"><p>Another story</p></div>"
        "<section class=\"comments\"><p>First!</p></section>"
        "<aside>Most read</aside><form><p>Sign up</p></form>"
        "<noscript>Enable JavaScript</noscript><iframe>ad</iframe>"
        "<div class=\"commentary\">Analysts expect more.</div>"
        "<ul><li><a href=\"/a\">Link one</a></li><li><a href=\"/b\">Link two</a></li></ul>"
        "<footer>Copyright 2026</footer></body></html>";
    expect(PAGE(page), NULL, "Rates rise\nThe central bank raised rates.\nAnalysts expect more.");
}

static void test_article_preferred(void **state)
{
    (void)state;
    static const char page[] =
        "<html><head><title>T</title></head><body><div>Teaser outside</div>"
        "<article class=\"has-comments\"><header><h1>Headline</h1><p class=\"byline\">By A</p>"
        "</header><p>Body <b>one</b>.</p><footer>Tags: x</footer></article>"
        "<div>More outside</div></body></html>";
    /* the article's own class never drops it; its header keeps the headline */
    expect(PAGE(page), NULL, "T\nHeadline\nBy A\nBody one.");
    /* no article, no main: the element whose paragraphs hold most of the text */
    static const char dense_page[] =
        "<body><div><p>Sponsored: great deals</p></div><div class=\"post\">"
        "<p>First paragraph of the story, long enough to matter.</p>"
        "<p>Second paragraph, <b>also</b> long enough to matter here.</p></div></body>";
    expect(PAGE(dense_page), NULL,
           "First paragraph of the story, long enough to matter.\n"
           "Second paragraph, also long enough to matter here.");
    /* paragraphs spread over many holders: the whole body */
    static const char spread[] = "<body><div><p>one two</p></div><div><p>three four</p></div>"
                                 "<div><p>five six</p></div></body>";
    expect(PAGE(spread), NULL, "one two\nthree four\nfive six");
    static const char main_page[] =
        "<body><div>Outside</div><main><h2>Inside</h2><p>Text</p></main></body>";
    expect(PAGE(main_page), NULL, "Inside\nText");
}

static void test_entities_whitespace(void **state)
{
    (void)state;
    static const char page[] = "<p>caf&eacute; &amp; th&#233;\n\t &#x263A;&nbsp;&lt;b&gt;  "
                               "&copy;</p><p>  a<i>b</i>c  </p>";
    expect(PAGE(page), NULL, "café & thé ☺ <b> ©\nabc");
}

static void test_broken_markup(void **state)
{
    (void)state;
    static const char page[] = "<html><body><p>one<p>two<div><b>three</i></div>"
                               "<table><tr><td>cell a<td>cell b</table><li>item"
                               "<script>never closed";
    expect(PAGE(page), NULL, "one\ntwo\nthree\ncell a\ncell b\nitem");
    /* not a page at all, and nothing */
    expect(PAGE("just some words"), NULL, "just some words");
    expect("", 0, NULL, "");
    expect(PAGE("<script>only</script><style>x</style>"), NULL, "");
}

static void test_charsets(void **state)
{
    (void)state;
    /* Latin-1 read as windows-1252, from the hint or from the <meta> */
    static const char latin[] = "<p>caf\xe9 \x80 na\xefve</p>";
    expect(PAGE(latin), "ISO-8859-1", "café € naïve");
    static const char meta[] = "<html><head><meta charset=\"windows-1252\"></head>"
                               "<body><p>caf\xe9</p></body></html>";
    expect(PAGE(meta), NULL, "café");
    static const char equiv[] = "<meta http-equiv=\"Content-Type\" content=\"text/html; "
                                "charset=iso-8859-1\"><p>\xe9t\xe9</p>";
    expect(PAGE(equiv), NULL, "été");
    /* the hint wins over the <meta>; UTF-8 stays UTF-8 */
    static const char utf8[] = "<meta charset=\"iso-8859-1\"><p>caf\xc3\xa9</p>";
    expect(PAGE(utf8), "utf-8", "café");
    /* a charset nobody knows: the bytes as UTF-8 */
    expect(PAGE(utf8), "x-no-such-charset", "café");
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    static const char page[] = "<p>a\xff" "b\xc3(c\xed\xa0\x80" "d\x01" "e\x00" "f</p>"
                               "<p>&#0;&#xD800;&#x110000;g</p>";
    char *t = text_of(PAGE(page), NULL);
    assert_clean(t);
    assert_non_null(strstr(t, "a\xEF\xBF\xBD" "b"));
    assert_non_null(strstr(t, "g"));
    slant_page_text_free(t);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    size_t depth = 200000;
    const char *open = "<div><span>", *close = "</span></div>";
    size_t n = depth * (strlen(open) + strlen(close)) + 32;
    char *page = malloc(n);
    assert_non_null(page);
    size_t at = 0;
    for (size_t i = 0; i < depth; i++) {
        memcpy(page + at, open, strlen(open));
        at += strlen(open);
    }
    at += (size_t)sprintf(page + at, "deep");
    for (size_t i = 0; i < depth; i++) {
        memcpy(page + at, close, strlen(close));
        at += strlen(close);
    }
    char *t = text_of(page, at, NULL);
    assert_clean(t);
    slant_page_text_free(t);
    /* never closed */
    t = text_of(page, at / 2, NULL);
    slant_page_text_free(t);
    free(page);
}

static void test_arguments(void **state)
{
    (void)state;
    slant_error err = {{0}};
    size_t tl;
    assert_int_equal(slant_page_text("x", 1, NULL, NULL, &tl, &err), SLANT_STATUS_BAD_OPTION);
    char *t = (char *)1;
    assert_int_equal(slant_page_text(NULL, 3, NULL, &t, &tl, &err), SLANT_STATUS_BAD_OPTION);
    assert_null(t);
    slant_page_text_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boilerplate),      cmocka_unit_test(test_article_preferred),
        cmocka_unit_test(test_entities_whitespace), cmocka_unit_test(test_broken_markup),
        cmocka_unit_test(test_charsets),         cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_deep_nesting),     cmocka_unit_test(test_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
