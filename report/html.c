/*
 * html.c: the buffer a report is built in and the escaping of hostile
 * strings (see html.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

void slant_html_init(slant_html *h)
{
    memset(h, 0, sizeof *h);
}

void slant_html_free(slant_html *h)
{
    if (!h)
        return;
    free(h->data);
    memset(h, 0, sizeof *h);
}

int slant_html_ok(const slant_html *h)
{
    return !h->failed;
}

static int reserve(slant_html *h, size_t more)
{
    if (h->failed)
        return 0;
    if (more > SIZE_MAX - h->len - 1 || slant_grow((void **)&h->data, &h->cap, h->len + more + 1, 1)) {
        h->failed = 1;
        return 0;
    }
    return 1;
}

void slant_html_rawn(slant_html *h, const char *s, size_t n)
{
    if (!reserve(h, n))
        return;
    memcpy(h->data + h->len, s, n);
    h->len += n;
    h->data[h->len] = 0;
}

void slant_html_raw(slant_html *h, const char *s)
{
    slant_html_rawn(h, s, strlen(s));
}

void slant_html_printf(slant_html *h, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        h->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        slant_html_rawn(h, small, (size_t)n);
        return;
    }
    if (!reserve(h, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(h->data + h->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    h->len += (size_t)n;
}

/* The length of the valid UTF-8 character at S[0..n) (overlong forms,
 * surrogates and code points past U+10FFFF are not), or 0. */
static size_t utf8_char(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, cp = c & 0x07;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    if (cp >= 0x80 && cp <= 0x9F) /* C1 controls */
        return 0;
    return len;
}

void slant_html_text(slant_html *h, const char *s, size_t n)
{
    static const char bad[] = "\xEF\xBF\xBD"; /* U+FFFD */
    const unsigned char *u = (const unsigned char *)s;
    size_t run = 0; /* bytes of u[i - run .. i) that go in as they are */
    for (size_t i = 0; i < n;) {
        const char *rep = NULL;
        size_t step = 1;
        switch (u[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case '\t': case '\n': break;
        default:
            if (u[i] < 0x20 || u[i] == 0x7F)
                rep = bad;
            else if (u[i] >= 0x80 && !(step = utf8_char(u + i, n - i)))
                rep = bad, step = 1;
        }
        if (rep) {
            slant_html_rawn(h, (const char *)u + i - run, run);
            slant_html_raw(h, rep);
            run = 0;
        } else
            run += step;
        i += step;
    }
    slant_html_rawn(h, (const char *)u + n - run, run);
}

void slant_html_str(slant_html *h, const char *s)
{
    if (s)
        slant_html_text(h, s, strlen(s));
}

void slant_html_anchor(slant_html *h, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_') {
            slant_html_rawn(h, (const char *)p, 1);
        } else {
            char e[3] = {'.', hex[*p >> 4], hex[*p & 15]};
            slant_html_rawn(h, e, 3);
        }
    }
}
