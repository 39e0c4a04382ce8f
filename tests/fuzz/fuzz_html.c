/*
 * fuzz_html.c: libFuzzer harness for the text of web pages
 * (slant_page_text).  The first byte picks the charset the page is said
 * to be in (none, UTF-8, Latin-1, windows-1252, Shift_JIS or one nobody
 * knows); whatever the bytes, the call succeeds, and its text is valid
 * UTF-8 whose only control character is the line feed between blocks,
 * with no blank at the start or end of a line and no empty line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "slant.h"

static const char *const charsets[] = {NULL, "utf-8", "ISO-8859-1", "windows-1252",
                                       "shift_jis", "x-unknown"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *charset = charsets[data[0] % (sizeof charsets / sizeof charsets[0])];
    char *text = NULL;
    size_t len = 0;
    slant_error err = {{0}};
    if (slant_page_text((const char *)data + 1, size - 1, charset, &text, &len, &err))
        abort(); /* any bytes are a page */
    if (!text || strlen(text) != len)
        abort();
    for (size_t i = 0; i < len; i++) {
        int line_start = i == 0 || text[i - 1] == '\n';
        int line_end = i + 1 == len || text[i + 1] == '\n';
        if (text[i] == '\n') {
            if (line_start || line_end)
                abort(); /* an empty line */
            text[i] = ' ';
        } else if (text[i] == ' ' && (line_start || line_end)) {
            abort();
        }
    }
    if (slant_name_problem(text, len))
        abort(); /* not valid UTF-8, or a control character */
    slant_page_text_free(text);
    return 0;
}
