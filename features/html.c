/*
 * html.c: the text of a web page (slant_page_text), for the html format,
 * a JSONL "html" key and the pages of a WARC file.  (report/html.c is the
 * other way round: the pages slant writes.)
 *
 * The parser is libxml2's HTML parser, not libgumbo.  Both are in Debian;
 * gumbo parses by the letter of HTML5, but Debian 12 ships Google's 2016
 * release, archived and unmaintained since, while libxml2 gets security
 * fixes on every Debian release and is what lxml, and so trafilatura,
 * stand on: a page yields here the tree it yields there.  Its recovering
 * parser builds a tree out of any bytes; it is run with no network, no
 * entity loading from outside and its own messages silenced.
 *
 * What is kept, after trafilatura's choices: the <title>, then the text
 * blocks of the body (of its <article> elements, or of its <main>, when it
 * has them; else of the element whose <p> children hold the most text,
 * when they hold half the page's, as readability finds the article), one
 * block a line, whitespace collapsed, entities decoded.
 * What is dropped, with everything inside it:
 * - elements that never hold the article's prose: script, style,
 *   noscript, template, svg, math, iframe, object, embed, canvas, form,
 *   button, select, textarea, nav, aside, footer, and header outside an
 *   <article> (inside one it holds the headline);
 * - ARIA landmarks with the same roles (navigation, banner, contentinfo,
 *   complementary, search), and elements marked hidden;
 * - elements whose class or id has a part (split at '-', '_' and blanks)
 *   that names boilerplate: cookie..., consent..., banner, menu, share,
 *   social, related, comment, newsletter, promo, breadcrumb, sidebar,
 *   subscribe, advert (a part, so that "commentary" or "shared" stays);
 *   never html, body, article or main, whose class often names the page's
 *   state ("has-cookie-banner");
 * - a block whose text is more than half link text (a list of links that
 *   no tag named: more stories, tags, pagination).
 * bench/results/2026-12-02-warc.md measures what each rule is worth.
 *
 * Hostile input: the page is first made valid UTF-8 (its charset
 * converted with iconv, bytes that are not characters replaced with
 * U+FFFD, control characters with spaces), so libxml2 never guesses an
 * encoding; the tree is walked without recursion, so depth costs no
 * stack; a page is at most INT_MAX bytes (the parser's limit; readers cap
 * far lower).
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* strcasecmp, strncasecmp */
#endif
#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "common.h"
#include "slant.h"

/* ------------------------------------------------------------------ */
/* A growing buffer                                                    */
/* ------------------------------------------------------------------ */

typedef struct strbuf {
    char *p;
    size_t len, cap;
    int failed; /* out of memory: everything after is dropped */
} strbuf;

static void sb_put(strbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (n > SIZE_MAX - b->len - 1) {
        b->failed = 1;
        return;
    }
    if (b->cap - b->len < n + 1) {
        void *p = b->p;
        if (slant_grow(&p, &b->cap, b->len + n + 1, 1)) {
            b->failed = 1;
            return;
        }
        b->p = p;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_byte(strbuf *b, char c)
{
    if (!b->failed && b->cap - b->len >= 2) {
        b->p[b->len++] = c;
        b->p[b->len] = '\0';
        return;
    }
    sb_put(b, &c, 1);
}

/* ------------------------------------------------------------------ */
/* Bytes to valid UTF-8                                                */
/* ------------------------------------------------------------------ */

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* The length of the UTF-8 character at S (of LEN bytes), or 0 when the
 * bytes there are not one (overlong forms, surrogates and values past
 * U+10FFFF are not). */
static size_t utf8_char(const unsigned char *s, size_t len)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned min;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, min = 0x10000;
    else
        return 0;
    if (len < n)
        return 0;
    unsigned cp = c & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* Appends S[0, LEN) to b as valid UTF-8: a byte that starts no character
 * becomes U+FFFD, a control character other than tab, line feed and
 * carriage return a space. */
static void put_utf8(strbuf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        const unsigned char *run = p;
        size_t n;
        while (p < end && (n = utf8_char(p, (size_t)(end - p)))
               && !(n == 1 && *p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
               && *p != 0x7F)
            p += n;
        sb_put(b, (const char *)run, (size_t)(p - run));
        if (p == end)
            break;
        if (utf8_char(p, (size_t)(end - p)) == 1)
            sb_byte(b, ' ');
        else
            sb_put(b, replacement, 3);
        p++;
    }
}

/* Appends S[0, LEN) in charset FROM to b as UTF-8, through iconv CD;
 * an invalid byte becomes U+FFFD. */
static void put_converted(strbuf *b, iconv_t cd, const char *s, size_t len)
{
    char *in = (char *)s;
    size_t left = len;
    char chunk[4096];
    while (left && !b->failed) {
        char *out = chunk;
        size_t room = sizeof chunk;
        size_t r = iconv(cd, &in, &left, &out, &room);
        int e = errno;
        put_utf8(b, chunk, (size_t)(out - chunk));
        if (r == (size_t)-1 && e != E2BIG) {
            /* EILSEQ, or EINVAL for a character cut short by the end */
            sb_put(b, replacement, 3);
            in++;
            left--;
            iconv(cd, NULL, NULL, NULL, NULL);
        }
    }
}

/* ------------------------------------------------------------------ */
/* The charset                                                         */
/* ------------------------------------------------------------------ */

/* The charset named in a <meta> of the first 1024 bytes (charset=... in
 * either meta form), copied into NAME (SIZE bytes); 0 when none. */
static int meta_charset(const char *html, size_t len, char *name, size_t size)
{
    if (len > 1024)
        len = 1024;
    for (size_t i = 0; i + 8 < len; i++) {
        if (strncasecmp(html + i, "charset=", 8))
            continue;
        /* only inside a <meta ...> tag */
        size_t lt = i;
        while (lt > 0 && html[lt] != '<' && html[lt] != '>')
            lt--;
        if (html[lt] != '<' || lt + 5 > len || strncasecmp(html + lt, "<meta", 5))
            continue;
        size_t j = i + 8, k = 0;
        while (j < len && (html[j] == '"' || html[j] == '\'' || html[j] == ' '))
            j++;
        while (j < len && k + 1 < size
               && (html[j] == '-' || html[j] == '_' || html[j] == '.' || html[j] == ':'
                   || (html[j] >= '0' && html[j] <= '9') || (html[j] >= 'a' && html[j] <= 'z')
                   || (html[j] >= 'A' && html[j] <= 'Z')))
            name[k++] = html[j++];
        name[k] = '\0';
        if (k)
            return 1;
    }
    return 0;
}

static int is_utf8_name(const char *cs)
{
    return !strcasecmp(cs, "utf-8") || !strcasecmp(cs, "utf8") || !strcasecmp(cs, "us-ascii")
           || !strcasecmp(cs, "ascii") || !strcasecmp(cs, "unicode-1-1-utf-8");
}

/* The iconv name for CS: Latin-1 and its aliases are read as
 * windows-1252, as browsers do (its extra characters sit where Latin-1
 * has only controls). */
static const char *iconv_name(const char *cs)
{
    static const char *const latin1[] = {"iso-8859-1", "iso8859-1", "latin1", "latin-1",
                                         "l1", "iso_8859-1", "cp1252", "windows-1252",
                                         "x-cp1252", "cp819", "ibm819"};
    for (size_t i = 0; i < sizeof latin1 / sizeof latin1[0]; i++)
        if (!strcasecmp(cs, latin1[i]))
            return "WINDOWS-1252";
    return cs;
}

/* HTML[0, LEN) as valid UTF-8 into b: in charset HINT if given, else the
 * one its <meta> names, else UTF-8; a charset iconv does not know is
 * taken as UTF-8 too. */
static void page_to_utf8(strbuf *b, const char *html, size_t len, const char *hint)
{
    char meta[64];
    const char *cs = hint && *hint ? hint : meta_charset(html, len, meta, sizeof meta) ? meta
                                                                                       : NULL;
    if (len >= 3 && !memcmp(html, "\xEF\xBB\xBF", 3)) { /* a byte order mark says UTF-8 */
        html += 3;
        len -= 3;
        cs = NULL;
    }
    iconv_t cd = (iconv_t)-1;
    if (cs && !is_utf8_name(cs))
        cd = iconv_open("UTF-8", iconv_name(cs));
    if (cd == (iconv_t)-1) {
        put_utf8(b, html, len);
        return;
    }
    put_converted(b, cd, html, len);
    iconv_close(cd);
}

/* ------------------------------------------------------------------ */
/* Which elements count                                                */
/* ------------------------------------------------------------------ */

/* The rules, so that bench/warc.sh can measure what each is worth: bit 1
 * the elements that never hold prose (nav, aside, footer, header, forms
 * and the like; scripts and styles go whatever the bits), bit 2 the
 * class, id, role and hidden rules, bit 4 the link-density rule, bit 8
 * the preference for <article> and <main>, bit 16 the densest block's.
 * Every build has them all. */
#ifndef SLANT_PAGE_RULES
#define SLANT_PAGE_RULES 31
#endif

static int name_in(const xmlChar *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp((const char *)name, list[i]))
            return 1;
    return 0;
}
#define NAME_IN(name, list) name_in(name, list, sizeof list / sizeof list[0])

static const char *const never_text[] = {"script", "style", "noscript", "template", "head",
                                         "title"};

static const char *const dropped_tags[] = {"svg", "math", "iframe", "object", "embed",
                                           "canvas", "form", "button", "select", "textarea",
                                           "nav", "aside", "footer"};

static const char *const block_tags[] = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "blockquote", "pre", "td", "th", "tr", "table", "thead", "tbody", "tfoot", "caption",
    "section", "article", "main", "figure", "figcaption", "br", "hr", "address", "details",
    "summary", "center", "header", "body", "html"};

static const char *const boiler_words[] = {
    "banner", "menu", "share", "social", "related", "comment", "newsletter", "promo",
    "breadcrumb", "breadcrumbs", "sidebar", "subscribe", "advert", "ad", "ads", "popup",
    "modal", "sharing", "comments", "menus", "widget"};

static const char *const boiler_prefixes[] = {"cookie", "consent", "gdpr"};

static const char *const dropped_roles[] = {"navigation", "banner", "contentinfo",
                                            "complementary", "search", "dialog", "alertdialog"};

/* Whether one part (of LEN bytes at P) of a class or id names boilerplate. */
static int boiler_part(const char *p, size_t len)
{
    for (size_t i = 0; i < sizeof boiler_words / sizeof boiler_words[0]; i++)
        if (strlen(boiler_words[i]) == len && !strncasecmp(p, boiler_words[i], len))
            return 1;
    for (size_t i = 0; i < sizeof boiler_prefixes / sizeof boiler_prefixes[0]; i++) {
        size_t n = strlen(boiler_prefixes[i]);
        if (len >= n && !strncasecmp(p, boiler_prefixes[i], n))
            return 1;
    }
    return 0;
}

static int boiler_value(const xmlChar *v)
{
    const char *s = (const char *)v;
    while (*s) {
        while (*s && strchr(" \t\n\r\f-_", *s))
            s++;
        const char *start = s;
        while (*s && !strchr(" \t\n\r\f-_", *s))
            s++;
        if (s > start && boiler_part(start, (size_t)(s - start)))
            return 1;
    }
    return 0;
}

static int inside(const xmlNode *n, const char *tag)
{
    for (n = n->parent; n; n = n->parent)
        if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, tag))
            return 1;
    return 0;
}

/* Whether element N and everything in it is boilerplate. */
static int is_dropped(const xmlNode *n)
{
    const xmlChar *name = n->name;
    if (NAME_IN(name, never_text))
        return 1;
    if ((SLANT_PAGE_RULES & 1) && NAME_IN(name, dropped_tags))
        return 1;
    if ((SLANT_PAGE_RULES & 1) && !strcmp((const char *)name, "header") && !inside(n, "article"))
        return 1;
    if (!(SLANT_PAGE_RULES & 2))
        return 0;
    if (!strcmp((const char *)name, "html") || !strcmp((const char *)name, "body")
        || !strcmp((const char *)name, "article") || !strcmp((const char *)name, "main"))
        return 0;
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        const char *an = (const char *)a->name;
        const xmlChar *v = a->children && a->children->type == XML_TEXT_NODE
                               ? a->children->content : NULL;
        if (!strcmp(an, "hidden"))
            return 1;
        if (!v)
            continue;
        if ((!strcmp(an, "class") || !strcmp(an, "id")) && boiler_value(v))
            return 1;
        if (!strcmp(an, "role") && NAME_IN(v, dropped_roles))
            return 1;
        if (!strcmp(an, "aria-hidden") && !strcmp((const char *)v, "true"))
            return 1;
    }
    return 0;
}

static int is_element(const xmlNode *n, const char *tag)
{
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, tag);
}

/* ------------------------------------------------------------------ */
/* Walking the tree                                                    */
/* ------------------------------------------------------------------ */

/* Calls ENTER on each node under ROOT (ROOT included) in document order,
 * going into a node's children when it returns 1, and LEAVE on each node
 * gone into once its children are done.  Without recursion: a page's
 * depth costs no stack. */
static void walk(xmlNode *root, int (*enter)(xmlNode *, void *), void (*leave)(xmlNode *, void *),
                 void *ctx)
{
    xmlNode *n = root;
    for (;;) {
        if (enter(n, ctx)) {
            if (n->children) {
                n = n->children;
                continue;
            }
            if (leave)
                leave(n, ctx);
        }
        for (;;) {
            if (n == root)
                return;
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
            if (leave)
                leave(n, ctx);
        }
    }
}

/* Pass one: the title, and the roots of the text. */
typedef struct finder {
    xmlNode *title;
    xmlNode *main;
    xmlNode **articles;
    size_t n_articles, cap;
    int failed;
    xmlNode *dense;     /* the element whose <p> children hold the most text */
    size_t dense_len;   /* that text's bytes (each element's count in its _private) */
    size_t text_len;    /* the bytes of all the text outside boilerplate */
} finder;

/* Counts a text node of the body: toward the page's text, and toward the
 * element whose <p> child holds it (a few levels of inline markup up). */
static void find_text(finder *f, xmlNode *n)
{
    size_t len = n->content ? strlen((const char *)n->content) : 0;
    f->text_len += len;
    xmlNode *p = n->parent;
    for (int up = 0; p && up < 6 && !is_element(p, "p"); up++)
        p = p->parent;
    if (!p || !is_element(p, "p") || !p->parent)
        return;
    xmlNode *holder = p->parent;
    size_t held = (size_t)(uintptr_t)holder->_private + len;
    holder->_private = (void *)(uintptr_t)held;
    if (held > f->dense_len) {
        f->dense = holder;
        f->dense_len = held;
    }
}

static int find_enter(xmlNode *n, void *ctx)
{
    finder *f = ctx;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        find_text(f, n);
        return 0;
    }
    if (n->type != XML_ELEMENT_NODE && n->type != XML_DOCUMENT_NODE
        && n->type != XML_HTML_DOCUMENT_NODE)
        return 0;
    if (n->type != XML_ELEMENT_NODE)
        return 1;
    if (is_element(n, "title")) {
        if (!f->title)
            f->title = n;
        return 0;
    }
    if (is_element(n, "head"))
        return 1; /* its title only */
    if (is_dropped(n))
        return 0;
    if (is_element(n, "article")) {
        void *p = f->articles;
        if (slant_grow(&p, &f->cap, f->n_articles + 1, sizeof *f->articles)) {
            f->failed = 1;
            return 0;
        }
        f->articles = p;
        f->articles[f->n_articles++] = n;
        return 0; /* the outermost ones */
    }
    if (is_element(n, "main") && !f->main)
        f->main = n;
    return 1;
}

/* Pass two: the text blocks. */
typedef struct extract {
    strbuf out;   /* the text so far: lines */
    strbuf block; /* the block being read, its whitespace collapsed */
    size_t chars, link_chars; /* non-blank bytes of the block, and those inside links */
    int links;    /* depth of <a> elements */
    int space;    /* a blank is due before the next character */
} extract;

/* The length of the blank at P (a NUL-terminated string), 0 when none:
 * ASCII blanks, control characters (an entity may make one) and the
 * no-break space all separate words, and only a single space is kept. */
static size_t blank_at(const unsigned char *p)
{
    if (*p <= 0x20 || *p == 0x7F)
        return *p ? 1 : 0;
    if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0xA0)
        return 2; /* C1 controls, U+00A0 */
    return 0;
}

static void block_text(extract *x, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t blank = blank_at(p);
        if (blank) {
            x->space = x->block.len > 0;
            p += blank;
            continue;
        }
        if (x->space) {
            sb_byte(&x->block, ' ');
            x->space = 0;
        }
        const unsigned char *run = p;
        while (*p && !blank_at(p))
            p++;
        size_t n = (size_t)(p - run);
        sb_put(&x->block, (const char *)run, n);
        x->chars += n;
        if (x->links)
            x->link_chars += n;
    }
}

/* Ends the block: kept as a line unless empty or mostly links. */
static void block_end(extract *x)
{
    if (x->block.len && (!(SLANT_PAGE_RULES & 4) || x->link_chars * 2 <= x->chars)) {
        if (x->out.len)
            sb_byte(&x->out, '\n');
        sb_put(&x->out, x->block.p, x->block.len);
    }
    if (x->block.failed)
        x->out.failed = 1;
    x->block.len = 0;
    x->chars = x->link_chars = 0;
    x->space = 0;
}

static int text_enter(xmlNode *n, void *ctx)
{
    extract *x = ctx;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content)
            block_text(x, (const char *)n->content);
        return 0;
    }
    if (n->type != XML_ELEMENT_NODE || is_dropped(n))
        return 0;
    if (NAME_IN(n->name, block_tags))
        block_end(x);
    else if (is_element(n, "a"))
        x->links++;
    return 1;
}

static void text_leave(xmlNode *n, void *ctx)
{
    extract *x = ctx;
    if (n->type != XML_ELEMENT_NODE)
        return;
    if (NAME_IN(n->name, block_tags))
        block_end(x);
    else if (is_element(n, "a"))
        x->links--;
}

/* ------------------------------------------------------------------ */
/* The call                                                            */
/* ------------------------------------------------------------------ */

static pthread_once_t parser_once = PTHREAD_ONCE_INIT;

static void parser_init(void)
{
    xmlInitParser();
}

void slant_page_text_free(char *text)
{
    free(text);
}

slant_status slant_page_text(const char *html, size_t len, const char *charset, char **text,
                             size_t *text_len, slant_error *err)
{
    if (!text)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no place to put the text");
    *text = NULL;
    if (text_len)
        *text_len = 0;
    if (!html && len)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "no page");
    if (len > INT_MAX)
        return slant_fail(err, SLANT_STATUS_BAD_INPUT,
                          "a page of %zu bytes; pages of up to %d bytes are read", len, INT_MAX);
    pthread_once(&parser_once, parser_init);
    strbuf page = {0};
    page_to_utf8(&page, html ? html : "", len, charset);
    if (page.failed) {
        free(page.p);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    }
    extract x;
    memset(&x, 0, sizeof x);
    finder f = {0};
    xmlDoc *doc = NULL;
    if (page.len && page.len <= INT_MAX)
        doc = htmlReadMemory(page.p, (int)page.len, NULL, "UTF-8",
                             HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING
                                 | HTML_PARSE_NONET | HTML_PARSE_NOBLANKS | HTML_PARSE_COMPACT
                                 | HTML_PARSE_IGNORE_ENC);
    free(page.p);
    if (doc) {
        walk((xmlNode *)doc, find_enter, NULL, &f);
        if (f.title) {
            for (xmlNode *c = f.title->children; c; c = c->next)
                walk(c, text_enter, text_leave, &x);
            block_end(&x);
        }
        xmlNode *body = NULL;
        for (xmlNode *r = xmlDocGetRootElement(doc); r && !body; r = r->next)
            if (is_element(r, "html"))
                for (xmlNode *c = r->children; c && !body; c = c->next)
                    if (is_element(c, "body"))
                        body = c;
        if (!(SLANT_PAGE_RULES & 8))
            f.n_articles = 0, f.main = NULL;
        if (f.n_articles)
            for (size_t i = 0; i < f.n_articles; i++)
                walk(f.articles[i], text_enter, text_leave, &x);
        else if (f.main)
            walk(f.main, text_enter, text_leave, &x);
        else if ((SLANT_PAGE_RULES & 16) && f.dense && f.dense_len * 2 >= f.text_len)
            walk(f.dense, text_enter, text_leave, &x);
        else if (body)
            walk(body, text_enter, text_leave, &x);
        else
            for (xmlNode *r = xmlDocGetRootElement(doc); r; r = r->next)
                walk(r, text_enter, text_leave, &x);
        block_end(&x);
        xmlFreeDoc(doc);
    }
    free(f.articles);
    free(x.block.p);
    if (f.failed || x.out.failed) {
        free(x.out.p);
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    }
    if (!x.out.p && !(x.out.p = calloc(1, 1)))
        return slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
    *text = x.out.p;
    if (text_len)
        *text_len = x.out.len;
    return SLANT_STATUS_OK;
}
