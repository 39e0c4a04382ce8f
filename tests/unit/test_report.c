/*
 * test_report.c: the HTML report.  The escaping of every byte a corpus can
 * hold (no raw markup character, no control character, no invalid UTF-8
 * gets through; valid characters do); anchors that are safe and never
 * coincide; the charts' element counts for given numbers (N x N cells of
 * a heat map, N x series bars, a point per bin or step, a band only when
 * asked for); the most confident mistakes ranked and capped; the class's
 * top n-grams best first; a whole report that holds every section, the
 * learning curve's made-up numbers in its table, the same bytes twice,
 * and nothing left behind when the input is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "html.h"
#include "slant.h"
#include "svg.h"

/* Occurrences of NEEDLE in HAYSTACK. */
static size_t occurrences(const char *haystack, const char *needle)
{
    size_t n = 0, len = strlen(needle);
    for (const char *p = strstr(haystack, needle); p; p = strstr(p + len, needle))
        n++;
    return n;
}

static char *escaped(const char *s, size_t n)
{
    slant_html h;
    slant_html_init(&h);
    slant_html_text(&h, s, n);
    assert_true(slant_html_ok(&h));
    char *out = strdup(h.data ? h.data : "");
    slant_html_free(&h);
    return out;
}

static void test_escape_markup(void **state)
{
    (void)state;
    const char *in = "<script>alert(1)</script> & \"q\" 'a'";
    char *out = escaped(in, strlen(in));
    assert_string_equal(out, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; "
                             "&#39;a&#39;");
    free(out);
}

/* Every single byte, alone: what comes out has no markup character but
 * in an entity, no control but tab and newline, and is valid UTF-8 (an
 * ASCII byte or U+FFFD). */
static void test_escape_every_byte(void **state)
{
    (void)state;
    for (int b = 0; b < 256; b++) {
        char in = (char)b;
        char *out = escaped(&in, 1);
        const char *want;
        switch (b) {
        case '&': want = "&amp;"; break;
        case '<': want = "&lt;"; break;
        case '>': want = "&gt;"; break;
        case '"': want = "&quot;"; break;
        case '\'': want = "&#39;"; break;
        case '\t': want = "\t"; break;
        case '\n': want = "\n"; break;
        default: want = b < 0x20 || b >= 0x7F ? "\xEF\xBF\xBD" : NULL;
        }
        if (want)
            assert_string_equal(out, want);
        else
            assert_true(strlen(out) == 1 && out[0] == (char)b);
        free(out);
    }
    /* a NUL inside a string is replaced, not an end */
    char *out = escaped("a\0b", 3);
    assert_string_equal(out, "a\xEF\xBF\xBD" "b");
    free(out);
}

static void test_escape_utf8(void **state)
{
    (void)state;
    /* valid: é, 中, an emoji */
    const char *ok = "\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80";
    char *out = escaped(ok, strlen(ok));
    assert_string_equal(out, ok);
    free(out);
    /* overlong '<', a surrogate, past U+10FFFF, a cut sequence, a C1 control */
    const char *bad[] = {"\xC0\xBC", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82", "\xC2\x80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        out = escaped(bad[i], strlen(bad[i]));
        assert_null(strchr(out, '<'));
        assert_true(strncmp(out, "\xEF\xBF\xBD", 3) == 0);
        for (const char *p = out; *p; p += 3)
            assert_memory_equal(p, "\xEF\xBF\xBD", 3);
        free(out);
    }
}

/* Random strings of every byte: what comes out is valid UTF-8 without a
 * control character but tab and newline, and every '&' opens one of the
 * five entities. */
static void test_escape_random(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252ULL;
    char in[64];
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)(round % 64);
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            /* half the bytes from the hostile few, half any byte */
            static const char few[] = "<>&\"'\0\x1b\x7f\xc2\x80\xe2\x82\xac\xed\xa0\xf0\x9f";
            in[i] = x & 1 ? few[(x >> 8) % (sizeof few - 1)] : (char)(x >> 16);
        }
        char *out = escaped(in, n);
        const unsigned char *p = (const unsigned char *)out;
        while (*p) {
            assert_true(*p >= 0x20 || *p == '\t' || *p == '\n');
            assert_true(*p != '<' && *p != '>' && *p != '"' && *p != '\'' && *p != 0x7F);
            if (*p == '&') {
                const char *ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
                size_t k = 0;
                while (k < 5 && strncmp((const char *)p, ents[k], strlen(ents[k])))
                    k++;
                assert_true(k < 5);
            }
            size_t len = *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;
            assert_true(*p < 0x80 || *p >= 0xC2);
            for (size_t j = 1; j < len; j++)
                assert_true((p[j] & 0xC0) == 0x80);
            p += len;
        }
        free(out);
    }
}

static void test_anchor(void **state)
{
    (void)state;
    slant_html h;
    slant_html_init(&h);
    slant_html_anchor(&h, "a b<\"'_-Z9.");
    assert_string_equal(h.data, "a.20b.3C.22.27_-Z9.2E");
    slant_html_free(&h);
    /* ".20" as an id and " " as an id differ */
    slant_html_init(&h);
    slant_html_anchor(&h, ".20");
    assert_string_equal(h.data, ".2E20");
    slant_html_free(&h);
}

static void test_heatmap_cells(void **state)
{
    (void)state;
    const char *labels[3] = {"a<b", "c", "d"};
    uint64_t counts[9] = {5, 1, 0, 2, 7, 1, 0, 0, 9};
    slant_html h;
    slant_html_init(&h);
    slant_svg_heatmap(&h, "Confusion & more", 3, counts, labels);
    assert_true(slant_html_ok(&h));
    assert_int_equal(occurrences(h.data, "<svg"), 1);
    assert_int_equal(occurrences(h.data, "</svg>"), 1);
    assert_int_equal(occurrences(h.data, "<rect"), 9);
    assert_non_null(strstr(h.data, ">9</text>"));
    assert_non_null(strstr(h.data, "aria-label=\"Confusion &amp; more\""));
    assert_null(strstr(h.data, "a<b"));
    assert_non_null(strstr(h.data, "a&lt;b"));
    /* a full row's diagonal is the darkest shade */
    assert_non_null(strstr(h.data, "fill=\"#08306B\""));
    slant_html_free(&h);
}

static void test_bars_count(void **state)
{
    (void)state;
    const char *labels[4] = {"w", "x", "y", "z"};
    double v[12] = {0.5, 0.6, 0.55, 1, 1, 1, 0, 0, 0, NAN, 0.2, 2};
    const char *names[3] = {"precision", "recall", "F1"};
    const char *colours[3] = {SLANT_SVG_BLUE, SLANT_SVG_ORANGE, SLANT_SVG_GREEN};
    slant_html h;
    slant_html_init(&h);
    slant_svg_bars(&h, "bars", 4, labels, 3, v, names, colours);
    assert_int_equal(occurrences(h.data, "<svg"), 1);
    assert_int_equal(occurrences(h.data, "<rect"), 4 * 3 + 3); /* bars and the legend */
    assert_non_null(strstr(h.data, "z precision none")); /* NaN: no bar, said so */
    /* a full bar is the whole axis: 340 wide */
    assert_non_null(strstr(h.data, "width=\"340.0\""));
    slant_html_free(&h);
}

static void test_reliability_points(void **state)
{
    (void)state;
    double conf[5] = {0.1, 0.3, 0.5, 0.7, 0.9}, acc[5] = {0, 0.5, 0.5, 0.75, 1};
    uint64_t cnt[5] = {0, 2, 4, 0, 8};
    slant_html h;
    slant_html_init(&h);
    slant_svg_reliability(&h, "rel", 5, conf, acc, cnt);
    assert_int_equal(occurrences(h.data, "<svg"), 1);
    assert_int_equal(occurrences(h.data, "<circle"), 3);
    assert_int_equal(occurrences(h.data, "<polyline"), 1);
    slant_html_free(&h);
}

static void test_lines_band(void **state)
{
    (void)state;
    double x[4] = {0.25, 0.5, 0.75, 1}, y[4] = {0.5, 0.6, NAN, 0.7}, y2[4] = {0.4, 0.5, 0.6, 0.6};
    double lo[4] = {0.3, 0.4, 0.5, 0.55}, hi[4] = {0.6, 0.7, 0.7, 0.8};
    slant_svg_series s[2] = {{"pooled", SLANT_SVG_BLUE, y, 0}, {"mean", SLANT_SVG_ORANGE, y2, 1}};
    slant_html h;
    slant_html_init(&h);
    slant_svg_lines(&h, "curve", "share", "macro-F1", 4, x, 2, s, lo, hi, "band");
    assert_int_equal(occurrences(h.data, "<svg"), 1);
    assert_int_equal(occurrences(h.data, "<polygon"), 1);
    assert_int_equal(occurrences(h.data, "<polyline"), 2);
    assert_int_equal(occurrences(h.data, "<circle"), 3 + 4); /* NaN is no point */
    slant_html_free(&h);
    slant_html_init(&h);
    slant_svg_lines(&h, "curve", "share", "macro-F1", 4, x, 1, s, NULL, NULL, NULL);
    assert_int_equal(occurrences(h.data, "<polygon"), 0);
    slant_html_free(&h);
}

/* ---- the whole report ------------------------------------------------- */

enum { DOCS = 40 };
static char text_buf[DOCS][160], id_buf[DOCS][64];

/* Two topics told apart by their words, with four documents labeled the
 * other way round (the mistakes), and one hostile id and text. */
static slant_corpus *topic_corpus(void)
{
    const char *texts[DOCS], *labels[DOCS];
    for (int i = 0; i < DOCS; i++) {
        int chips = i % 2 == 0, flipped = i < 16 && i % 4 == 0;
        snprintf(text_buf[i], sizeof text_buf[i], "%s %s word%d",
                 chips ? "wafer foundry chip" : "harvest grain farm",
                 chips ? "fab" : "field", i % 5);
        labels[i] = chips != flipped ? "chips" : "farms";
        texts[i] = text_buf[i];
    }
    /* the hostile words lean to chips, so that document 0 is a mistake */
    for (int i = 0; i <= 10; i += 2)
        snprintf(text_buf[i], sizeof text_buf[i],
                 "wafer foundry chip fab <script>alert(1)</script> \"x\" 'y'");
    const char *heads[1] = {"topic"};
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_from_memory(DOCS, texts, 1, heads, labels, &c, &err),
                     SLANT_STATUS_OK);
    (void)id_buf;
    return c;
}

static slant_model *train_nb(const slant_corpus *c)
{
    slant_options opt;
    slant_options_init(&opt);
    opt.model = SLANT_MODEL_KIND_NB;
    opt.min_count = 1;
    opt.threads = 1;
    opt.calibrate = SLANT_CALIBRATION_NONE;
    slant_model *m = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_train(c, &opt, &m, &err), SLANT_STATUS_OK);
    return m;
}

static void test_top_features(void **state)
{
    (void)state;
    slant_corpus *c = topic_corpus();
    slant_model *m = train_nb(c);
    slant_ranked_feature best[5];
    size_t n = slant_model_top_features(m, 0, 0, 5, best);
    assert_int_equal(n, 5);
    for (size_t i = 1; i < n; i++)
        assert_true(best[i - 1].score >= best[i].score);
    /* the same ranking by hand: nothing outside scores above the last */
    for (uint32_t f = 0; f < slant_model_features(m); f++) {
        double mean = (slant_model_weight(m, 0, 0, f) + slant_model_weight(m, 0, 1, f)) / 2;
        double s = slant_model_weight(m, 0, 0, f) - mean;
        int listed = 0;
        for (size_t i = 0; i < n; i++)
            listed |= best[i].feature == f;
        if (!listed)
            assert_true(s <= best[n - 1].score);
    }
    assert_int_equal(slant_model_top_features(m, 1, 0, 5, best), 0); /* no such head */
    assert_int_equal(slant_model_top_features(m, 0, 9, 5, best), 0);
    slant_model_free(m);
    slant_corpus_free(c);
}

static void test_mistakes_ranked(void **state)
{
    (void)state;
    slant_corpus *c = topic_corpus();
    slant_model *m = train_nb(c);
    slant_mistakes *mk = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_mistakes_new(2, &mk, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_mistakes_corpus(mk, m, c, NULL, 0, 1, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_mistakes_heads(mk), 1);
    assert_string_equal(slant_mistakes_head_name(mk, 0), "topic");
    assert_int_equal(slant_mistakes_scored(mk, 0), DOCS);
    assert_true(slant_mistakes_wrong(mk, 0) >= 2);
    assert_int_equal(slant_mistakes_count(mk, 0), 2); /* capped */
    slant_mistake a, b;
    assert_int_equal(slant_mistakes_get(mk, 0, 0, &a), 0);
    assert_int_equal(slant_mistakes_get(mk, 0, 1, &b), 0);
    assert_int_equal(slant_mistakes_get(mk, 0, 2, &b), -1);
    assert_int_equal(slant_mistakes_get(mk, 0, 1, &b), 0);
    assert_true(a.p_predicted >= b.p_predicted);
    assert_string_not_equal(a.gold, a.predicted);
    assert_true(a.explained && a.n_toward > 0);
    assert_true(a.contribution[0] > 0);
    assert_true(a.p_gold + a.p_predicted <= 1.0 + 1e-9);
    /* recording a subset counts that subset only */
    slant_mistakes *sub = NULL;
    size_t docs[3] = {1, 3, 5};
    assert_int_equal(slant_mistakes_new(0, &sub, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_mistakes_corpus(sub, m, c, docs, 3, 1, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_mistakes_scored(sub, 0), 3);
    size_t past = DOCS;
    assert_int_equal(slant_mistakes_corpus(sub, m, c, &past, 1, 1, &err),
                     SLANT_STATUS_BAD_OPTION);
    slant_mistakes_free(sub);
    slant_mistakes_free(mk);
    slant_mistakes_free(NULL);
    slant_model_free(m);
    slant_corpus_free(c);
}

/* Two heads: the collector's second head must not move the first's
 * entries from under it (a bug it had). */
static void test_mistakes_two_heads(void **state)
{
    (void)state;
    enum { M = 12 };
    const char *texts[M], *labels[2 * M];
    for (int i = 0; i < M; i++) {
        texts[i] = i % 2 ? "harvest grain farm field up" : "wafer chip fab foundry down";
        labels[2 * i] = i % 2 ? "farms" : "chips";
        labels[2 * i + 1] = (i % 2) != (i == 3 || i == 4) ? "up" : "down";
    }
    const char *heads[2] = {"topic", "tone"};
    slant_corpus *c = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_corpus_from_memory(M, texts, 2, heads, labels, &c, &err),
                     SLANT_STATUS_OK);
    slant_model *m = train_nb(c);
    slant_mistakes *mk = NULL;
    assert_int_equal(slant_mistakes_new(0, &mk, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_mistakes_corpus(mk, m, c, NULL, 0, 1, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_mistakes_corpus(mk, m, c, NULL, 0, 1, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_mistakes_heads(mk), 2);
    assert_string_equal(slant_mistakes_head_name(mk, 1), "tone");
    assert_int_equal(slant_mistakes_scored(mk, 0), 2 * M);
    assert_int_equal(slant_mistakes_scored(mk, 1), 2 * M);
    assert_int_equal(slant_mistakes_wrong(mk, 1), 4); /* documents 3 and 4, twice */
    slant_mistake x;
    assert_int_equal(slant_mistakes_get(mk, 1, 0, &x), 0);
    assert_true(strcmp(x.id, "4") == 0 || strcmp(x.id, "5") == 0);
    slant_mistakes_free(mk);
    slant_model_free(m);
    slant_corpus_free(c);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = 0;
    fclose(f);
    return s;
}

static const double fractions[4] = {0.25, 0.5, 0.75, 1};
static const double docs_at[4] = {9, 18, 27, 36};
static const double pooled[4] = {0.61, 0.7234, 0.8, 0.85};
static const double mean[4] = {0.6, 0.7, 0.79, 0.84};
static const double sd[4] = {0.05, 0.04, 0.03, 0.02};
static const double lo[4] = {0.5, 0.62, 0.75, 0.8};
static const double hi[4] = {0.7, 0.78, 0.83, 0.9};

static void test_report_whole(void **state)
{
    (void)state;
    setenv("SOURCE_DATE_EPOCH", "1767225600", 1);
    slant_corpus *c = topic_corpus();
    slant_model *m = train_nb(c);
    slant_eval *ev = NULL;
    slant_mistakes *mk = NULL;
    slant_error err = {{0}};
    assert_int_equal(slant_eval_new(m, &ev, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_eval_corpus(ev, m, c, NULL, 0, 1, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_mistakes_new(0, &mk, &err), SLANT_STATUS_OK);
    assert_int_equal(slant_mistakes_corpus(mk, m, c, NULL, 0, 1, &err), SLANT_STATUS_OK);
    slant_report_curve_head ch = {"topic", pooled, mean, sd, lo, hi};
    slant_report_curve curve = {4, fractions, docs_at, 5, 1, &ch};
    slant_report_options o;
    slant_report_options_init(&o);
    o.corpus_name = "corpus <b>&</b>";
    o.model_name = "m.slant";
    o.eval = ev;
    o.model = m;
    o.corpus = c;
    o.mistakes = mk;
    o.curve = &curve;
    char path[] = "/tmp/test_report_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(slant_report_write(&o, path, &err), SLANT_STATUS_OK);
    char *a = slurp(path);
    assert_int_equal(slant_report_write(&o, path, &err), SLANT_STATUS_OK);
    char *b = slurp(path);
    assert_string_equal(a, b); /* the same bytes */
    assert_int_equal(occurrences(a, "<script"), 0);
    assert_non_null(strstr(a, "&lt;script&gt;alert(1)&lt;/script&gt; &quot;x&quot; &#39;y&#39;"));
    assert_non_null(strstr(a, "corpus &lt;b&gt;&amp;&lt;/b&gt;"));
    assert_non_null(strstr(a, "<td>2026-01-01</td>"));
    const char *sections[] = {"<h3>Figures</h3>", "<h3>Confusion matrix</h3>",
                              "<h3>Calibration and coverage</h3>", "<h3>Learning curve</h3>",
                              "<h3>Top n-grams per class</h3>", "<h3>Most confident mistakes</h3>",
                              "id=\"provenance\"", "id=\"head-topic\""};
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        assert_non_null(strstr(a, sections[i]));
    /* bars, heat map, reliability, risk-coverage, learning curve */
    assert_int_equal(occurrences(a, "<svg"), 5);
    assert_int_equal(occurrences(a, "<polygon"), 1); /* the curve's band */
    /* the curve's made-up numbers, in its table */
    assert_non_null(strstr(a, "<td class=\"n\">0.7234</td>"));
    assert_non_null(strstr(a, "<td class=\"n\">27</td>"));
    /* the figures are the accessors' */
    char want[64];
    snprintf(want, sizeof want, "accuracy</th><td class=\"n\">%.4f</td>",
             slant_eval_accuracy(ev, 0));
    assert_non_null(strstr(a, want));
    /* every mistake listed links to its anchor */
    size_t n = slant_mistakes_count(mk, 0);
    assert_true(n > 0);
    assert_int_equal(occurrences(a, "class=\"mistake\" id=\"doc-"), n);
    assert_int_equal(occurrences(a, "href=\"#doc-"), n);
    free(a);
    free(b);

    /* without min and max, the band is mean +- sd */
    ch.min = ch.max = NULL;
    assert_int_equal(slant_report_write(&o, path, &err), SLANT_STATUS_OK);
    a = slurp(path);
    assert_int_equal(occurrences(a, "<polygon"), 1);
    assert_non_null(strstr(a, "one standard deviation"));
    free(a);
    ch.min = lo;
    ch.max = hi;

    /* refused input leaves the file as it was */
    double bad_fr[4] = {0.5, 0.25, 0.75, 1};
    curve.fractions = bad_fr;
    FILE *f = fopen(path, "w");
    fputs("old", f);
    fclose(f);
    assert_int_equal(slant_report_write(&o, path, &err), SLANT_STATUS_BAD_INPUT);
    assert_non_null(strstr(err.message, "learning curve"));
    double bad_v[4] = {0.5, 1.5, 0.7, 0.8};
    curve.fractions = fractions;
    ch.pooled = bad_v;
    assert_int_equal(slant_report_write(&o, path, &err), SLANT_STATUS_BAD_INPUT);
    a = slurp(path);
    assert_string_equal(a, "old");
    free(a);
    o.eval = NULL;
    assert_int_equal(slant_report_write(&o, path, &err), SLANT_STATUS_BAD_OPTION);
    unlink(path);

    /* without a model, mistakes nor curve: the figures alone */
    ch.pooled = pooled;
    slant_report_options_init(&o);
    o.eval = ev;
    assert_int_equal(slant_report_write(&o, path, &err), SLANT_STATUS_OK);
    a = slurp(path);
    assert_int_equal(occurrences(a, "<svg"), 4);
    assert_null(strstr(a, "Most confident mistakes"));
    assert_null(strstr(a, "id=\"provenance\""));
    free(a);
    unlink(path);
    slant_mistakes_free(mk);
    slant_eval_free(ev);
    slant_model_free(m);
    slant_corpus_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_markup),
        cmocka_unit_test(test_escape_every_byte),
        cmocka_unit_test(test_escape_utf8),
        cmocka_unit_test(test_escape_random),
        cmocka_unit_test(test_anchor),
        cmocka_unit_test(test_heatmap_cells),
        cmocka_unit_test(test_bars_count),
        cmocka_unit_test(test_reliability_points),
        cmocka_unit_test(test_lines_band),
        cmocka_unit_test(test_top_features),
        cmocka_unit_test(test_mistakes_ranked),
        cmocka_unit_test(test_mistakes_two_heads),
        cmocka_unit_test(test_report_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
