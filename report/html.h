/*
 * html.h: the growing buffer a report is written into, and the escaping
 * of every string that reaches it.  Private to the library.
 *
 * A page is built whole in memory and written to its file in one go
 * (through common/atomic.h), so that a failure half-way leaves nothing.
 * Every append can fail only for memory; the buffer remembers the first
 * failure and ignores what follows, so that writers check once, at the
 * end (slant_html_ok), instead of after every line.
 */
#ifndef SLANT_HTML_H
#define SLANT_HTML_H

#include <stddef.h>

#include "common.h"

typedef struct slant_html {
    char *data;   /* NUL-terminated while ok */
    size_t len, cap;
    int failed;   /* 1 once an allocation failed: the contents are then incomplete */
} slant_html;

void slant_html_init(slant_html *h);
void slant_html_free(slant_html *h);
/* 1 when every append so far went in. */
int slant_html_ok(const slant_html *h);
/* Appends S (trusted markup: never a string from a corpus or a model). */
void slant_html_raw(slant_html *h, const char *s);
void slant_html_rawn(slant_html *h, const char *s, size_t n);
/* Appends trusted markup formatted as printf does ("C" locale numbers). */
void slant_html_printf(slant_html *h, const char *fmt, ...) SLANT_PRINTF(2, 3);
/* Appends S[0..N) as text safe in an element or a quoted attribute:
 * & < > " ' become entities; bytes that are not valid UTF-8, NUL and the
 * other control characters but tab and newline, DEL and the C1 controls
 * become U+FFFD, so that nothing a corpus holds can open markup, end an
 * attribute or make the page invalid. */
void slant_html_text(slant_html *h, const char *s, size_t n);
/* The same for a NUL-terminated S (NULL appends nothing). */
void slant_html_str(slant_html *h, const char *s);
/* Appends a fragment identifier made from S: ASCII letters, digits, '-'
 * and '_' are kept, every other byte becomes .XX (its hex value), so that
 * two different strings never give the same anchor and none needs
 * escaping. */
void slant_html_anchor(slant_html *h, const char *s);

#endif /* SLANT_HTML_H */
