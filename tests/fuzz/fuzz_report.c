/*
 * fuzz_report.c: libFuzzer harness for the HTML report.  The input is a
 * corpus (any format the readers take); when it reads and has labels, a
 * naive Bayes model is trained on it, scored on it with its mistakes and
 * their explanations, and the report of that is written.  Whatever the
 * bytes, the page must hold no markup that came from them: each element
 * and attribute in it is one the report writes, and each address leads
 * to an anchor of the page (see check_page).  Texts, ids, labels and n-grams all reach
 * the page, so every escape in report/ is exercised.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create, in memfile.h */
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memfile.h"
#include "slant.h"

static char dir[] = "/tmp/slant-fuzz-report-XXXXXX";
static char page[sizeof dir + 16];

static void cleanup(void)
{
    unlink(page);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!mkdtemp(dir))
        abort();
    snprintf(page, sizeof page, "%s/r.html", dir);
    atexit(cleanup);
    setenv("SOURCE_DATE_EPOCH", "1767225600", 1);
    slant_set_log(NULL, NULL);
    return 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        abort();
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    if (!s || fread(s, 1, (size_t)n, f) != (size_t)n)
        abort();
    s[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return s;
}

/* Every '<' in the page opens one of the report's own elements, since a
 * corpus's '<' is written as "&lt;": the page's markup is the report's
 * alone.  Each element is one the report writes, with attributes it
 * writes, an address only to an anchor of the page, and the one style
 * element is the page's own. */
static int one_of(const char *s, size_t n, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        if (strlen(names[i]) == n && !memcmp(s, names[i], n))
            return 1;
    return 0;
}

static void check_page(const char *s, size_t len)
{
    static const char *const tags[] = {
        "a", "blockquote", "body", "caption", "circle", "code", "div", "em", "figcaption",
        "figure", "footer", "h1", "h2", "h3", "head", "header", "html", "li", "line", "main",
        "meta", "nav", "p", "polygon", "polyline", "rect", "section", "strong", "style", "svg",
        "table", "td", "text", "th", "title", "tr", "ul", NULL};
    static const char *const attrs[] = {
        "aria-label", "charset", "class", "content", "cx", "cy", "fill-opacity", "fill",
        "font-size", "height", "href", "id", "lang", "name", "points", "r", "role", "scope",
        "stroke-dasharray", "stroke-width", "stroke", "text-anchor", "width", "x", "xmlns", "y",
        "x1", "x2", "y1", "y2", "viewBox", "dominant-baseline", "font-family", "transform", NULL};
    if (strlen(s) != len)
        abort(); /* no NUL byte in the page */
    size_t styles = 0;
    for (const char *p = strchr(s, '<'); p; p = strchr(p + 1, '<')) {
        const char *q = p + 1;
        if (!strncmp(q, "!DOCTYPE html>", 14) && p == s)
            continue;
        if (*q == '/')
            q++;
        size_t n = strspn(q, "abcdefghijklmnopqrstuvwxyz0123456789");
        if (!one_of(q, n, tags))
            abort();
        styles += q[-1] != '/' && n == 5 && !memcmp(q, "style", 5);
        const char *end = strchr(q, '>');
        if (!end)
            abort();
        /* Attributes: NAME="VALUE" with no quote inside the value. */
        for (q += n; q < end;) {
            q += strspn(q, " \n");
            if (q >= end || *q == '/')
                break;
            size_t a = strcspn(q, "=> \n");
            if (!one_of(q, a, attrs) || q[a] != '=' || q[a + 1] != '"')
                abort();
            const char *v = q + a + 2, *close = strchr(v, '"');
            if (!close || close > end)
                abort();
            if (a == 4 && !memcmp(q, "href", 4) && *v != '#')
                abort(); /* only the page's own anchors */
            q = close + 1;
        }
        p = end;
    }
    if (styles != 1)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = memfile_open(data, size, path);
    if (fd < 0)
        return 0;
    slant_corpus *c = NULL;
    slant_model *m = NULL;
    slant_eval *ev = NULL;
    slant_mistakes *mk = NULL;
    slant_error err = {{0}};
    if (slant_corpus_read(path, SLANT_FORMAT_AUTO, &c, &err) != SLANT_STATUS_OK ||
        !slant_corpus_heads(c) || slant_corpus_size(c) < 2)
        goto done;
    slant_options opt;
    slant_options_init(&opt);
    opt.model = SLANT_MODEL_KIND_NB;
    opt.min_count = 1;
    opt.threads = 1;
    if (slant_train(c, &opt, &m, &err) != SLANT_STATUS_OK)
        goto done;
    if (slant_eval_new(m, &ev, &err) || slant_eval_corpus(ev, m, c, NULL, 0, 1, &err) ||
        slant_mistakes_new(0, &mk, &err) || slant_mistakes_corpus(mk, m, c, NULL, 0, 1, &err))
        abort(); /* a model scores the corpus it was trained on */
    slant_report_options o;
    slant_report_options_init(&o);
    o.corpus_name = path;
    o.eval = ev;
    o.model = m;
    o.corpus = c;
    o.mistakes = mk;
    o.threads = 1;
    if (slant_report_write(&o, page, &err) != SLANT_STATUS_OK)
        abort();
    size_t len;
    char *s = slurp(page, &len);
    check_page(s, len);
    free(s);
done:
    slant_mistakes_free(mk);
    slant_eval_free(ev);
    slant_model_free(m);
    slant_corpus_free(c);
    close(fd);
    return 0;
}
