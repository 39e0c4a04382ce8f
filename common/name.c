/*
 * name.c: the rule for names.  Every string slant writes as a name (a
 * label, a head name, an id, an n-gram) reaches TSV cells, JSON strings,
 * fastText tags and provenance lines, so each must be valid UTF-8 without
 * control characters: a tab or a line break would split a TSV row or a
 * provenance line, and bytes that are not UTF-8 cannot be JSON at all.
 * Readers refuse a name that breaks the rule with its file and line, and
 * the model loader refuses a model that holds one.
 */
#include "common.h"

#include <stdio.h>
#include <string.h>

#include <utf8proc.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* C0 controls, DEL and C1 controls. */
static int is_control(utf8proc_int32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

const char *slant_name_problem(const char *s, size_t len)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    while (len) {
        if (*p >= 0x20 && *p < 0x7F) { /* printable ASCII, most of every name */
            p++;
            len--;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, (utf8proc_ssize_t)(len < 4 ? len : 4), &cp);
        if (n <= 0)
            return "is not valid UTF-8";
        if (is_control(cp))
            return "holds a control character (a tab, a line break, a NUL or another)";
        p += n;
        len -= (size_t)n;
    }
    return NULL;
}

const char *slant_name_quote(const char *s, size_t len, char *buf, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    size_t at = 0;
    if (!size)
        return buf;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    while (len && at + 5 < size) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, (utf8proc_ssize_t)(len < 4 ? len : 4), &cp);
        if (n > 0 && !is_control(cp) && cp != '\\') {
            if (at + (size_t)n >= size)
                break;
            memcpy(buf + at, p, (size_t)n);
            at += (size_t)n;
        } else {
            /* one byte at a time, so that what is not UTF-8 shows as it is */
            n = n > 0 && cp == '\\' ? 1 : n > 0 ? n : 1;
            for (utf8proc_ssize_t i = 0; i < n && at + 5 < size; i++) {
                buf[at++] = '\\';
                buf[at++] = 'x';
                buf[at++] = hex[p[i] >> 4];
                buf[at++] = hex[p[i] & 15];
            }
        }
        p += n;
        len -= (size_t)n;
    }
    if (len && at + 3 < size) {
        memcpy(buf + at, "...", 3);
        at += 3;
    }
    buf[at] = '\0';
    return buf;
}

const char *slant_heads_clash(const char *const *names, size_t n, char *buf, size_t size)
{
    char q1[128], q2[128];
    for (size_t h = 0; h < n; h++) {
        size_t len = strlen(names[h]);
        if (!strcmp(names[h], "id")) {
            snprintf(buf, size, "a head named \"id\": the labels slant writes start with an "
                     "\"id\" column; rename that label column");
            return buf;
        }
        if (len <= 5 || strcmp(names[h] + len - 5, "_prob"))
            continue;
        for (size_t k = 0; k < n; k++)
            if (k != h && strlen(names[k]) == len - 5 && !memcmp(names[k], names[h], len - 5)) {
                slant_name_quote(names[k], len - 5, q1, sizeof q1);
                slant_name_quote(names[h], len, q2, sizeof q2);
                snprintf(buf, size, "heads \"%s\" and \"%s\": the labels slant writes would "
                         "have two \"%s\" columns; leave one out (--ignore %s, or --label)",
                         q1, q2, q2, q2);
                return buf;
            }
    }
    return NULL;
}

size_t slant_utf8_cut(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t start = len;
    /* the last character's first byte: at most three continuation bytes back */
    while (start > 0 && len - start < 4 && (p[start - 1] & 0xC0) == 0x80)
        start--;
    if (start == 0 || len - start >= 4)
        return len; /* no lead byte in reach: not a cut this function can mend */
    unsigned char lead = p[start - 1];
    size_t need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    return len - (start - 1) < need ? start - 1 : len;
}

/* Whether the 16 bytes at P are all printable ASCII or NUL: the common
 * case of a block of names, passed over at once. */
static int plain16(const unsigned char *p)
{
#if defined(__SSE2__)
    __m128i v = _mm_loadu_si128((const __m128i *)p);
    __m128i ctrl = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_setzero_si128()),
                                 _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
    __m128i del = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F));
    /* movemask's own bits are the bytes of 0x80 and up (negative as int8) */
    return (_mm_movemask_epi8(v) | _mm_movemask_epi8(_mm_or_si128(ctrl, del))) == 0;
#else
    for (int i = 0; i < 16; i++)
        if (p[i] && (p[i] < 0x20 || p[i] >= 0x7F))
            return 0;
    return 1;
#endif
}

size_t slant_names_block_check(const char *s, size_t size)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < size) {
        if (size - i >= 16 && plain16(p + i)) {
            i += 16;
            continue;
        }
        if (p[i] == 0 || (p[i] >= 0x20 && p[i] < 0x7F)) {
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        size_t left = size - i;
        utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(left < 4 ? left : 4), &cp);
        if (n <= 0 || is_control(cp))
            return i;
        i += (size_t)n;
    }
    return size;
}
