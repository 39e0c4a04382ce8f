/*
 * tokenize.c: UTF-8 text to normalized word tokens (see pipeline.h for the
 * rules).  ASCII takes a fast path; everything else goes through utf8proc
 * for its character classes, case folding and NFKC normalization.
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "common.h"
#include "pipeline.h"

/* ---- The text hash (see pipeline.h) ---------------------------------- */

#define K0 0xe71b9592244ececbULL
#define K1 0x3bce14ab261db1d5ULL
#define K2 0x15d25341edc5fe85ULL
#define K3 0x23eb71643ac5c727ULL
#define K4 0x74406663d3e1ec75ULL

static inline uint64_t mum(uint64_t x, uint64_t y)
{
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 u128;
    u128 r = (u128)x * y;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
    uint64_t xl = (uint32_t)x, xh = x >> 32, yl = (uint32_t)y, yh = y >> 32;
    uint64_t ll = xl * yl, lh = xl * yh, hl = xh * yl, hh = xh * yh;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
    uint64_t lo = (mid << 32) | (uint32_t)ll;
    uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    return lo ^ hi;
#endif
}

static inline uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

uint64_t slant_text_hash(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *s = p;
    uint64_t h = seed ^ ((uint64_t)n * K0);
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        h = mum(load64(s + i) ^ h ^ K1, load64(s + i + 8) ^ K2);
    if (i < n) { /* the last block: r bytes, the rest masked to zero */
        unsigned r = (unsigned)(n - i);
        uint64_t lo = r >= 8 ? ~0ULL : ~0ULL >> (64 - 8 * r);
        uint64_t hi = r <= 8 ? 0 : ~0ULL >> (128 - 8 * r);
        h = mum((load64(s + i) & lo) ^ h ^ K1, (load64(s + i + 8) & hi) ^ K2);
    }
    return mum(h ^ K3, (uint64_t)n ^ K4);
}

uint64_t slant_text_hash_exact(const void *p, size_t n, uint64_t seed)
{
    unsigned char block[32] = {0};
    size_t whole = n & ~(size_t)15;
    memcpy(block, (const unsigned char *)p + whole, n - whole);
    uint64_t h = seed ^ ((uint64_t)n * K0);
    const unsigned char *s = p;
    for (size_t i = 0; i < whole; i += 16)
        h = mum(load64(s + i) ^ h ^ K1, load64(s + i + 8) ^ K2);
    if (whole < n)
        h = mum(load64(block) ^ h ^ K1, load64(block + 8) ^ K2);
    return mum(h ^ K3, (uint64_t)n ^ K4);
}

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

/* Punctuation marks and symbols: tokens of their own with SLANT_TOK_PUNCT. */
static int is_punct_char(int32_t cp)
{
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE: case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO: case UTF8PROC_CATEGORY_SM: case UTF8PROC_CATEGORY_SC:
    case UTF8PROC_CATEGORY_SK: case UTF8PROC_CATEGORY_SO:
        return 1;
    default:
        return 0;
    }
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

static int reserve_token(slant_tokens *t);

/* Records the N bytes already written at buf + buf_len as a new token. */
static int commit_token(slant_tokens *t, size_t n, uint64_t seed)
{
    if (n == 0)
        return 0;
    if (reserve_token(t))
        return -1;
    char *p = t->buf + t->buf_len;
    t->start[t->n] = (uint32_t)t->buf_len;
    t->len[t->n] = (uint32_t)n;
    t->hash[t->n] = slant_text_hash(p, n, seed);
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
    return slant_grow((void **)&t->buf, &t->buf_cap, t->buf_len + n + 1 + SLANT_HASH_SLACK, 1)
               ? -1 : 0;
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
 * to be valid UTF-8) and appends it.  Case folding (unless flags keep the
 * case) and compatibility decomposition first, then canonical
 * composition: NFKC_Casefold, or NFKC. */
static int push_unicode_token(slant_tokens *t, const char *p, size_t n, uint64_t seed,
                              unsigned flags)
{
    int fold = flags & SLANT_TOK_KEEP_CASE ? 0 : UTF8PROC_CASEFOLD;
    size_t need = n * 4 + 8; /* decompositions are at most a few code points per byte */
    for (;;) {
        if (slant_grow((void **)&t->cps, &t->cps_cap, need, sizeof *t->cps))
            return -1;
        utf8proc_ssize_t m = utf8proc_decompose((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)n,
                                                t->cps, (utf8proc_ssize_t)t->cps_cap,
                                                UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT
                                                    | fold);
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

/* ASCII bytes that belong to words, mapped to their lower-case form; 0 for
 * every other byte (separators, and the lead and continuation bytes of
 * longer UTF-8 sequences, which take the general path). */
static const unsigned char ascii_word[256] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
    ['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
#define L(c) [c] = c, [c - 32] = c
    L('a'), L('b'), L('c'), L('d'), L('e'), L('f'), L('g'), L('h'), L('i'),
    L('j'), L('k'), L('l'), L('m'), L('n'), L('o'), L('p'), L('q'), L('r'),
    L('s'), L('t'), L('u'), L('v'), L('w'), L('x'), L('y'), L('z'),
#undef L
};

/* The same, keeping the case. */
static const unsigned char ascii_word_keep[256] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
    ['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
#define L(c) [c] = c, [c - 32] = c - 32
    L('a'), L('b'), L('c'), L('d'), L('e'), L('f'), L('g'), L('h'), L('i'),
    L('j'), L('k'), L('l'), L('m'), L('n'), L('o'), L('p'), L('q'), L('r'),
    L('s'), L('t'), L('u'), L('v'), L('w'), L('x'), L('y'), L('z'),
#undef L
};

/* Printable ASCII that is neither letter nor digit: punctuation and symbols. */
static int is_ascii_punct(unsigned char c)
{
    return c > 0x20 && c < 0x7f && !ascii_word[c];
}

static int is_ascii_letter(unsigned char c)
{
    return (unsigned char)((c | 32) - 'a') < 26;
}

/* The general path: from s[*pi], takes either one token (any mix of
 * ASCII and other characters, normalized whole), or with SLANT_TOK_PUNCT
 * one punctuation mark or symbol as a token, or one character that is
 * not part of a token, and advances *pi past it.  A token ends before the
 * first character that cannot continue it, which is left for the caller. */
static int general_token(slant_tokens *t, const unsigned char *s, size_t len, size_t *pi,
                         uint64_t seed, unsigned flags)
{
    size_t i = *pi, tok = i;
    int in_tok = 0, punct = flags & SLANT_TOK_PUNCT;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            int word = ascii_word[c] != 0
                    || (c == '\'' && in_tok && i + 1 < len && is_ascii_letter(s[i + 1]));
            if (!word) {
                if (!in_tok && punct && is_ascii_punct(c)) {
                    *pi = i + 1;
                    return push_token(t, (const char *)s + i, 1, seed);
                }
                break;
            }
            if (!in_tok) {
                in_tok = 1;
                tok = i;
            }
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0) { /* invalid UTF-8: one byte becomes U+FFFD, a separator */
            if (!in_tok)
                i++;
            break;
        }
        if (is_ideographic(cp)) {
            if (!in_tok) {
                *pi = i + (size_t)k;
                return push_unicode_token(t, (const char *)s + i, (size_t)k, seed, flags);
            }
            break;
        }
        int word = is_word_char(cp);
        if (!word && cp == 0x2019 && in_tok && i + (size_t)k < len) {
            utf8proc_int32_t next;
            utf8proc_ssize_t k2 =
                utf8proc_iterate(s + i + k, (utf8proc_ssize_t)(len - i - (size_t)k), &next);
            word = k2 > 0 && is_word_char(next) && !is_ideographic(next);
        }
        if (!word) {
            if (!in_tok) {
                i += (size_t)k;
                if (punct && is_punct_char(cp)) {
                    *pi = i;
                    return push_unicode_token(t, (const char *)s + i - k, (size_t)k, seed, flags);
                }
            }
            break;
        }
        if (!in_tok) {
            in_tok = 1;
            tok = i;
        }
        i += (size_t)k;
    }
    *pi = i;
    return in_tok ? push_unicode_token(t, (const char *)s + tok, i - tok, seed, flags) : 0;
}

/* Makes room for one more token; -1 when memory runs out. */
static int reserve_token(slant_tokens *t)
{
    if (t->n < t->cap)
        return 0;
    size_t c1 = t->cap, c2 = t->cap, c3 = t->cap;
    if (slant_grow((void **)&t->start, &c1, t->n + 1, sizeof *t->start)
        || slant_grow((void **)&t->len, &c2, t->n + 1, sizeof *t->len)
        || slant_grow((void **)&t->hash, &c3, t->n + 1, sizeof *t->hash))
        return -1;
    t->cap = c1 < c2 ? (c1 < c3 ? c1 : c3) : (c2 < c3 ? c2 : c3);
    return 0;
}

#if defined(__SSE2__)
#include <emmintrin.h>
#define SIMD_WIDTH 16

/* Bit j set where byte j of V is printable ASCII (0x21..0x7e). */
static inline unsigned printable_mask(__m128i v)
{
    return (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x20)),
                                                     _mm_cmplt_epi8(v, _mm_set1_epi8(0x7f))));
}

/* Bit j set where byte j of V is an ASCII letter or digit. */
static inline unsigned word_mask(__m128i v)
{
    __m128i l = _mm_or_si128(v, _mm_set1_epi8(0x20)); /* A-Z to a-z; bytes >= 0x80 stay < 0 */
    __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(l, _mm_set1_epi8('a' - 1)),
                                   _mm_cmplt_epi8(l, _mm_set1_epi8('z' + 1)));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                  _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(letter, digit));
}

/* V with A-Z lower-cased unless KEEP, stored to DST (16 bytes). */
static inline void store_lower(unsigned char *dst, __m128i v, int keep)
{
    if (keep) {
        _mm_storeu_si128((__m128i *)dst, v);
        return;
    }
    __m128i l = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(l, _mm_set1_epi8('a' - 1)),
                                   _mm_cmplt_epi8(l, _mm_set1_epi8('z' + 1)));
    _mm_storeu_si128((__m128i *)dst, _mm_or_si128(v, _mm_and_si128(letter, _mm_set1_epi8(0x20))));
}
#else
#define SIMD_WIDTH 0
#endif

/* The fast path takes runs of ASCII word bytes, lower-casing them straight
 * into the token buffer (sixteen bytes at a time where SSE2 is there); a
 * token that meets any byte >= 0x80 is taken again from its start by the
 * general path, so the two agree on every input. */
int slant_tokenize_with(const char *text, size_t len, uint64_t seed, unsigned flags,
                        slant_tokens *out)
{
    out->n = 0;
    out->buf_len = 0;
    const unsigned char *s = (const unsigned char *)text;
    const unsigned char *word_byte = flags & SLANT_TOK_KEEP_CASE ? ascii_word_keep : ascii_word;
    int keep = (flags & SLANT_TOK_KEEP_CASE) != 0, punct = (flags & SLANT_TOK_PUNCT) != 0;
    size_t i = 0;
    while (i < len) {
#if SIMD_WIDTH
        if (i + SIMD_WIDTH <= len) { /* skip separators a block at a time */
            __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
            unsigned m = (punct ? printable_mask(v) : word_mask(v)) | (unsigned)_mm_movemask_epi8(v);
            if (!m) {
                i += SIMD_WIDTH;
                continue;
            }
            i += (size_t)__builtin_ctz(m);
        }
#endif
        unsigned char c = s[i];
        if (c >= 0x80) {
            if (general_token(out, s, len, &i, seed, flags))
                return -1;
            continue;
        }
        if (!word_byte[c]) {
            if (punct && is_ascii_punct(c) && push_token(out, (const char *)s + i, 1, seed))
                return -1;
            i++;
            continue;
        }
        /* An ASCII token takes at most the rest of the text, plus a NUL
         * and the slack of one block store and of the hash. */
        size_t start = i, need = out->buf_len + (len - start) + 1 + SLANT_HASH_SLACK;
        if (need > UINT32_MAX || (need > out->buf_cap
                                  && slant_grow((void **)&out->buf, &out->buf_cap, need, 1))) {
            if (need <= UINT32_MAX)
                return -1;
            if (general_token(out, s, len, &i, seed, flags)) /* drops what passes 4 GiB */
                return -1;
            continue;
        }
        unsigned char *dst = (unsigned char *)out->buf + out->buf_len;
        size_t w = 0;
        for (;;) {
#if SIMD_WIDTH
            while (i + SIMD_WIDTH <= len) {
                __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
                unsigned m = word_mask(v);
                store_lower(dst + w, v, keep);
                if (m != 0xffff) {
                    unsigned k = (unsigned)__builtin_ctz(~m);
                    w += k;
                    i += k;
                    goto ended;
                }
                w += SIMD_WIDTH;
                i += SIMD_WIDTH;
            }
#endif
            {
                unsigned char l;
                while (i < len && (l = word_byte[s[i]]) != 0) {
                    dst[w++] = l;
                    i++;
                }
            }
#if SIMD_WIDTH
        ended:
#endif
            if (i + 1 < len && s[i] == '\'' && is_ascii_letter(s[i + 1])) {
                dst[w++] = '\'';
                i++;
                continue;
            }
            break;
        }
        if (i < len && s[i] >= 0x80) {
            i = start;
            if (general_token(out, s, len, &i, seed, flags))
                return -1;
            continue;
        }
        if (reserve_token(out))
            return -1;
        out->start[out->n] = (uint32_t)out->buf_len;
        out->len[out->n] = (uint32_t)w;
        out->hash[out->n] = slant_text_hash(dst, w, seed);
        out->n++;
        dst[w] = '\0';
        out->buf_len += w + 1;
    }
    return 0;
}

int slant_tokenize(const char *text, size_t len, uint64_t seed, slant_tokens *out)
{
    return slant_tokenize_with(text, len, seed, 0, out);
}
