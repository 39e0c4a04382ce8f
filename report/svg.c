/*
 * svg.c: the report's charts as pure functions of numbers (see svg.h).
 * Coordinates are printed with one decimal, so that the output does not
 * depend on how a platform rounds the last bits of a double.
 */
#include <math.h>
#include <string.h>

#include "svg.h"

#define FONT "font-family=\"sans-serif\""

/* Chart labels are cut to this many characters (with an ellipsis): the
 * full name is in the table beside the chart. */
#define LABEL_CHARS 18

static void label(slant_html *h, const char *s)
{
    size_t n = strlen(s), chars = 0, i = 0;
    const unsigned char *u = (const unsigned char *)s;
    while (i < n && chars < LABEL_CHARS) {
        i++;
        while (i < n && (u[i] & 0xC0) == 0x80)
            i++;
        chars++;
    }
    slant_html_text(h, s, i);
    if (i < n)
        slant_html_raw(h, "\xE2\x80\xA6");
}

static void open_svg(slant_html *h, const char *title, double w, double hgt)
{
    slant_html_printf(h, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" "
                      "width=\"%.0f\" height=\"%.0f\" role=\"img\" aria-label=\"", w, hgt, w, hgt);
    slant_html_str(h, title);
    slant_html_raw(h, "\" " FONT " font-size=\"12\"><title>");
    slant_html_str(h, title);
    slant_html_raw(h, "</title>\n");
}

static int finite01(double v)
{
    return isfinite(v) && v >= 0 && v <= 1;
}

/* The sequential scale of the heat map: white-ish to dark blue. */
static void shade(double t, int *r, int *g, int *b)
{
    static const int lo[3] = {247, 251, 255}, hi[3] = {8, 48, 107};
    if (!(t >= 0))
        t = 0;
    if (t > 1)
        t = 1;
    *r = (int)lround(lo[0] + (hi[0] - lo[0]) * t);
    *g = (int)lround(lo[1] + (hi[1] - lo[1]) * t);
    *b = (int)lround(lo[2] + (hi[2] - lo[2]) * t);
}

/* 1 when black text reads better than white on the colour (R, G, B): the
 * larger of the two WCAG contrast ratios. */
static int black_on(int r, int g, int b)
{
    double c[3] = {r / 255.0, g / 255.0, b / 255.0};
    for (int i = 0; i < 3; i++)
        c[i] = c[i] <= 0.04045 ? c[i] / 12.92 : pow((c[i] + 0.055) / 1.055, 2.4);
    double lum = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    return (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05);
}

void slant_svg_heatmap(slant_html *h, const char *title, size_t n, const uint64_t *counts,
                       const char *const *labels)
{
    double cell = n <= 6 ? 56 : n <= 12 ? 40 : n <= 30 ? 24 : 16;
    double left = 140, top = 110, w = left + cell * (double)n + 20, hgt = top + cell * (double)n + 10;
    if (w < 320)
        w = 320;
    double fs = cell >= 40 ? 12 : cell >= 24 ? 9 : 7;
    open_svg(h, title, w, hgt);
    slant_html_printf(h, "<text x=\"%.1f\" y=\"14\" text-anchor=\"middle\">predicted</text>\n",
                      left + cell * (double)n / 2);
    slant_html_printf(h, "<text x=\"12\" y=\"%.1f\" text-anchor=\"middle\" "
                      "transform=\"rotate(-90 12 %.1f)\">true class</text>\n",
                      top + cell * (double)n / 2, top + cell * (double)n / 2);
    for (size_t i = 0; i < n; i++) {
        double c = left + cell * ((double)i + 0.5);
        slant_html_printf(h, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"start\" "
                          "transform=\"rotate(-45 %.1f %.1f)\">", c, top - 6, c, top - 6);
        label(h, labels[i]);
        slant_html_raw(h, "</text>\n");
        slant_html_printf(h, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                          "dominant-baseline=\"middle\">", left - 6, top + cell * ((double)i + 0.5));
        label(h, labels[i]);
        slant_html_raw(h, "</text>\n");
    }
    for (size_t g = 0; g < n; g++) {
        uint64_t row = 0;
        for (size_t p = 0; p < n; p++)
            row += counts[g * n + p];
        for (size_t p = 0; p < n; p++) {
            uint64_t v = counts[g * n + p];
            double t = row ? (double)v / (double)row : 0;
            int r, gg, b;
            shade(t, &r, &gg, &b);
            double x = left + cell * (double)p, y = top + cell * (double)g;
            slant_html_printf(h, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                              "fill=\"#%02X%02X%02X\" stroke=\"#FFFFFF\"><title>", x, y, cell, cell,
                              r, gg, b);
            label(h, labels[g]);
            slant_html_raw(h, " \xE2\x86\x92 ");
            label(h, labels[p]);
            slant_html_printf(h, ": %llu</title></rect>\n", (unsigned long long)v);
            slant_html_printf(h, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                              "dominant-baseline=\"middle\" font-size=\"%.0f\" fill=\"%s\">%llu"
                              "</text>\n", x + cell / 2, y + cell / 2, fs,
                              black_on(r, gg, b) ? "#000000" : "#FFFFFF",
                              (unsigned long long)v);
        }
    }
    slant_html_raw(h, "</svg>\n");
}

/* Grid lines and tick labels of an x axis on [0, 1] from X0 to X0 + W. */
static void x_grid(slant_html *h, double x0, double w, double y0, double y1)
{
    for (int t = 0; t <= 4; t++) {
        double x = x0 + w * t / 4.0;
        slant_html_printf(h, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                          "stroke=\"#DDDDDD\"/>\n", x, y0, x, y1);
        slant_html_printf(h, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.2f</text>\n",
                          x, y1 + 14, t / 4.0);
    }
}

void slant_svg_bars(slant_html *h, const char *title, size_t n, const char *const *labels,
                    size_t series, const double *values, const char *const *names,
                    const char *const *colours)
{
    double left = 150, bw = 340, bar = 11, gap = 10, top = 30;
    double group = bar * (double)series + gap;
    double w = left + bw + 60, hgt = top + group * (double)n + 30;
    open_svg(h, title, w, hgt);
    for (size_t s = 0; s < series; s++) { /* the legend */
        double x = left + 110 * (double)s;
        slant_html_printf(h, "<rect x=\"%.1f\" y=\"6\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                          "<text x=\"%.1f\" y=\"16\">", x, colours[s], x + 16);
        slant_html_str(h, names[s]);
        slant_html_raw(h, "</text>\n");
    }
    x_grid(h, left, bw, top - 4, top + group * (double)n);
    for (size_t i = 0; i < n; i++) {
        double y = top + group * (double)i;
        slant_html_printf(h, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                          "dominant-baseline=\"middle\">", left - 6, y + bar * (double)series / 2);
        label(h, labels[i]);
        slant_html_raw(h, "</text>\n");
        for (size_t s = 0; s < series; s++) {
            double v = values[i * series + s];
            double len = finite01(v) ? v * bw : 0;
            slant_html_printf(h, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                              "fill=\"%s\"><title>", left, y + bar * (double)s, len, bar - 1,
                              colours[s]);
            label(h, labels[i]);
            slant_html_raw(h, " ");
            slant_html_str(h, names[s]);
            if (isfinite(v))
                slant_html_printf(h, " %.4f</title></rect>\n", v);
            else
                slant_html_raw(h, " none</title></rect>\n");
        }
    }
    slant_html_raw(h, "</svg>\n");
}

/* The frame of a chart on [0, 1] x [0, 1]: the plot area's origin (X0, Y0
 * is its bottom left) and size. */
typedef struct frame {
    double x0, y0, w, hgt;
} frame;

static double fx(const frame *f, double x)
{
    return f->x0 + f->w * x;
}

static double fy(const frame *f, double y)
{
    return f->y0 - f->hgt * y;
}

static void axes(slant_html *h, const frame *f, const char *x_label, const char *y_label)
{
    for (int t = 0; t <= 4; t++) {
        double v = t / 4.0;
        slant_html_printf(h, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                          "stroke=\"#DDDDDD\"/>\n", fx(f, 0), fy(f, v), fx(f, 1), fy(f, v));
        slant_html_printf(h, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                          "stroke=\"#DDDDDD\"/>\n", fx(f, v), fy(f, 0), fx(f, v), fy(f, 1));
        slant_html_printf(h, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                          "dominant-baseline=\"middle\">%.2f</text>\n", fx(f, 0) - 4, fy(f, v), v);
        slant_html_printf(h, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.2f</text>\n",
                          fx(f, v), fy(f, 0) + 14, v);
    }
    slant_html_printf(h, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", fx(f, 0.5),
                      fy(f, 0) + 32);
    slant_html_str(h, x_label);
    slant_html_printf(h, "</text>\n<text x=\"12\" y=\"%.1f\" text-anchor=\"middle\" "
                      "transform=\"rotate(-90 12 %.1f)\">", fy(f, 0.5), fy(f, 0.5));
    slant_html_str(h, y_label);
    slant_html_raw(h, "</text>\n");
}

void slant_svg_reliability(slant_html *h, const char *title, size_t n, const double *confidence,
                           const double *accuracy, const uint64_t *count)
{
    frame f = {56, 290, 300, 260};
    open_svg(h, title, 380, 340);
    axes(h, &f, "confidence (mean top probability)", "accuracy");
    slant_html_printf(h, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555555\" "
                      "stroke-dasharray=\"4 3\"><title>perfect calibration</title></line>\n",
                      fx(&f, 0), fy(&f, 0), fx(&f, 1), fy(&f, 1));
    uint64_t most = 1;
    for (size_t i = 0; i < n; i++)
        if (count[i] > most)
            most = count[i];
    slant_html_printf(h, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
                      SLANT_SVG_BLUE);
    int first = 1;
    for (size_t i = 0; i < n; i++)
        if (count[i] && finite01(confidence[i]) && finite01(accuracy[i])) {
            slant_html_printf(h, "%s%.1f,%.1f", first ? "" : " ", fx(&f, confidence[i]),
                              fy(&f, accuracy[i]));
            first = 0;
        }
    slant_html_raw(h, "\"/>\n");
    for (size_t i = 0; i < n; i++)
        if (count[i] && finite01(confidence[i]) && finite01(accuracy[i]))
            slant_html_printf(h, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" "
                              "stroke=\"#FFFFFF\"><title>confidence %.4f, accuracy %.4f, %llu "
                              "documents</title></circle>\n", fx(&f, confidence[i]),
                              fy(&f, accuracy[i]), 3 + 6 * sqrt((double)count[i] / (double)most),
                              SLANT_SVG_BLUE, confidence[i], accuracy[i],
                              (unsigned long long)count[i]);
    slant_html_raw(h, "</svg>\n");
}

void slant_svg_lines(slant_html *h, const char *title, const char *x_label, const char *y_label,
                     size_t n, const double *x, size_t n_series, const slant_svg_series *series,
                     const double *lo, const double *hi, const char *band_name)
{
    frame f = {56, 290, 300, 260};
    double legend = 16 * (double)(n_series + (lo && hi ? 1 : 0));
    open_svg(h, title, 380, 340 + legend);
    axes(h, &f, x_label, y_label);
    if (lo && hi) { /* up along HI, back along LO */
        slant_html_printf(h, "<polygon fill=\"%s\" fill-opacity=\"0.25\" stroke=\"none\" "
                          "points=\"", SLANT_SVG_SKY);
        int first = 1;
        for (size_t i = 0; i < n; i++)
            if (finite01(x[i]) && finite01(lo[i]) && finite01(hi[i])) {
                slant_html_printf(h, "%s%.1f,%.1f", first ? "" : " ", fx(&f, x[i]), fy(&f, hi[i]));
                first = 0;
            }
        for (size_t i = n; i-- > 0;)
            if (finite01(x[i]) && finite01(lo[i]) && finite01(hi[i]))
                slant_html_printf(h, " %.1f,%.1f", fx(&f, x[i]), fy(&f, lo[i]));
        slant_html_raw(h, "\"><title>");
        slant_html_str(h, band_name);
        slant_html_raw(h, "</title></polygon>\n");
    }
    for (size_t s = 0; s < n_series; s++) {
        const slant_svg_series *sr = &series[s];
        slant_html_printf(h, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s "
                          "points=\"", sr->colour, sr->dashed ? " stroke-dasharray=\"5 3\"" : "");
        int first = 1;
        for (size_t i = 0; i < n; i++)
            if (finite01(x[i]) && finite01(sr->y[i])) {
                slant_html_printf(h, "%s%.1f,%.1f", first ? "" : " ", fx(&f, x[i]),
                                  fy(&f, sr->y[i]));
                first = 0;
            }
        slant_html_raw(h, "\"/>\n");
        for (size_t i = 0; i < n; i++)
            if (finite01(x[i]) && finite01(sr->y[i])) {
                slant_html_printf(h, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\">"
                                  "<title>", fx(&f, x[i]), fy(&f, sr->y[i]), sr->colour);
                slant_html_str(h, sr->name);
                slant_html_printf(h, ": %.4f at %.4f</title></circle>\n", sr->y[i], x[i]);
            }
    }
    double ly = 340;
    for (size_t s = 0; s < n_series; s++, ly += 16) {
        slant_html_printf(h, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                          "stroke-width=\"2\"%s/><text x=\"%.1f\" y=\"%.1f\">", fx(&f, 0), ly - 4,
                          fx(&f, 0) + 24, ly - 4, series[s].colour,
                          series[s].dashed ? " stroke-dasharray=\"5 3\"" : "", fx(&f, 0) + 30, ly);
        slant_html_str(h, series[s].name);
        slant_html_raw(h, "</text>\n");
    }
    if (lo && hi) {
        slant_html_printf(h, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                          "stroke-opacity=\"0.4\" stroke-width=\"8\"/><text x=\"%.1f\" y=\"%.1f\">",
                          fx(&f, 0), ly - 4, fx(&f, 0) + 24, ly - 4, SLANT_SVG_SKY, fx(&f, 0) + 30,
                          ly);
        slant_html_str(h, band_name);
        slant_html_raw(h, "</text>\n");
    }
    slant_html_raw(h, "</svg>\n");
}
