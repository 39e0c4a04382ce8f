/*
 * tokenize.c: UTF-8 text to normalized word tokens (see features.h for the
 * rules).  ASCII takes a fast path; everything else goes through utf8proc
 * for its character classes, case folding and NFKC normalization.
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "common.h"
#include "pipeline.h"

/* Characters of scripts written without spaces between words: each one is
 * a token by itself. */
static int is_ideographic(int32_t cp)
{
    return (cp >= 0x3040 && cp <= 0x30FF)     /* Hiragana, Katakana */
        || (cp >= 0x3400 && cp <= 0x4DBF)     /* CJK Extension A */
        || (cp >= 0x4E00 && cp <= 0x9FFF)     /* CJK Unified Ideographs */
        || (cp >= 0xF900 && cp <= 0xFAFF)     /* CJK Compatibility Ideographs */
        || (cp >= 0x20000 && cp <= 0x3134F);  /* CJK Extensions B-G */
}

static int is_word_char(int32_t cp)
{
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return 1;
    default:
        return 0;
    }
}

void slant_tokens_free(slant_tokens *t)
{
    if (!t)
        return;
    free(t->buf);
    free(t->start);
    free(t->len);
    free(t->hash);
    free(t->cps);
    memset(t, 0, sizeof *t);
}

/* Records the N bytes already written at buf + buf_len as a new token. */
static int commit_token(slant_tokens *t, size_t n, uint64_t seed)
{
    if (n == 0)
        return 0;
    if (t->n + 1 > t->cap) {
        size_t c1 = t->cap, c2 = t->cap, c3 = t->cap;
        if (slant_grow((void **)&t->start, &c1, t->n + 1, sizeof *t->start)
            || slant_grow((void **)&t->len, &c2, t->n + 1, sizeof *t->len)
            || slant_grow((void **)&t->hash, &c3, t->n + 1, sizeof *t->hash))
            return -1;
        t->cap = c1 < c2 ? (c1 < c3 ? c1 : c3) : (c2 < c3 ? c2 : c3);
    }
    char *p = t->buf + t->buf_len;
    t->start[t->n] = (uint32_t)t->buf_len;
    t->len[t->n] = (uint32_t)n;
    t->hash[t->n] = slant_hash64(p, n, seed);
    t->buf_len += n;
    t->buf[t->buf_len++] = '\0';
    t->n++;
    return 0;
}

/* Makes room for N more token bytes and a NUL; 1 if the token must be
 * dropped (token offsets are 32-bit), -1 when memory runs out. */
static int reserve(slant_tokens *t, size_t n)
{
    if (n > UINT32_MAX || t->buf_len + n + 1 > UINT32_MAX)
        return 1;
    return slant_grow((void **)&t->buf, &t->buf_cap, t->buf_len + n + 1, 1) ? -1 : 0;
}

/* Appends bytes [p, p+n) as a new token. */
static int push_token(slant_tokens *t, const char *p, size_t n, uint64_t seed)
{
    int r = reserve(t, n);
    if (r)
        return r < 0 ? -1 : 0;
    memcpy(t->buf + t->buf_len, p, n);
    return commit_token(t, n, seed);
}

/* Normalizes one token span holding non-ASCII characters (already checked
 * to be valid UTF-8) and appends it.  Case folding and compatibility
 * decomposition first, then canonical composition: NFKC_Casefold. */
static int push_unicode_token(slant_tokens *t, const char *p, size_t n, uint64_t seed)
{
    size_t need = n * 4 + 8; /* decompositions are at most a few code points per byte */
    for (;;) {
        if (slant_grow((void **)&t->cps, &t->cps_cap, need, sizeof *t->cps))
            return -1;
        utf8proc_ssize_t m = utf8proc_decompose((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)n,
                                                t->cps, (utf8proc_ssize_t)t->cps_cap,
                                                UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT
                                                    | UTF8PROC_CASEFOLD);
        if (m < 0)
            return push_token(t, p, n, seed); /* cannot happen on valid input; keep bytes */
        if ((size_t)m > t->cps_cap) {
            need = (size_t)m;
            continue;
        }
        for (utf8proc_ssize_t i = 0; i < m; i++)
            if (t->cps[i] == 0x2019)
                t->cps[i] = '\'';
        m = utf8proc_normalize_utf32(t->cps, m, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        if (m < 0)
            return push_token(t, p, n, seed);
        /* Encode straight into the token buffer. */
        int r = reserve(t, (size_t)m * 4);
        if (r)
            return r < 0 ? -1 : 0;
        char *dst = t->buf + t->buf_len;
        size_t w = 0;
        for (utf8proc_ssize_t i = 0; i < m; i++)
            w += (size_t)utf8proc_encode_char(t->cps[i], (utf8proc_uint8_t *)dst + w);
        return commit_token(t, w, seed);
    }
}

int slant_tokenize(const char *text, size_t len, uint64_t seed, slant_tokens *out)
{
    out->n = 0;
    out->buf_len = 0;
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    size_t tok = 0;      /* start of the current token span */
    int in_tok = 0, non_ascii = 0;
    char ascii[256];     /* lower-cased ASCII token being built */
    size_t alen = 0;

#define END_TOKEN()                                                                     \
    do {                                                                                \
        if (in_tok) {                                                                   \
            int rc_ = non_ascii ? push_unicode_token(out, text + tok, i - tok, seed)    \
                                : push_token(out, ascii, alen, seed);                   \
            if (rc_)                                                                    \
                return -1;                                                              \
        }                                                                               \
        in_tok = 0;                                                                     \
        non_ascii = 0;                                                                  \
        alen = 0;                                                                       \
    } while (0)

    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            int word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (c >= 'A' && c <= 'Z') {
                c = (unsigned char)(c + 32);
                word = 1;
            }
            if (!word && c == '\'' && in_tok && i + 1 < len) {
                unsigned char d = s[i + 1];
                word = (d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z');
            }
            if (!word) {
                END_TOKEN();
                i++;
                continue;
            }
            if (!in_tok) {
                in_tok = 1;
                tok = i;
            }
            if (!non_ascii) {
                if (alen == sizeof ascii) {
                    non_ascii = 1; /* long token: take the general path */
                } else {
                    ascii[alen++] = (char)c;
                }
            }
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0) { /* invalid UTF-8: one byte becomes U+FFFD, a separator */
            END_TOKEN();
            i++;
            continue;
        }
        if (is_ideographic(cp)) {
            END_TOKEN();
            if (push_unicode_token(out, text + i, (size_t)k, seed))
                return -1;
            i += (size_t)k;
            continue;
        }
        int word = is_word_char(cp);
        if (!word && cp == 0x2019 && in_tok && i + (size_t)k < len) {
            utf8proc_int32_t next;
            utf8proc_ssize_t k2 =
                utf8proc_iterate(s + i + k, (utf8proc_ssize_t)(len - i - (size_t)k), &next);
            word = k2 > 0 && is_word_char(next) && !is_ideographic(next);
        }
        if (!word) {
            END_TOKEN();
            i += (size_t)k;
            continue;
        }
        if (!in_tok) {
            in_tok = 1;
            tok = i;
        }
        non_ascii = 1;
        i += (size_t)k;
    }
    END_TOKEN();
#undef END_TOKEN
    return 0;
}
