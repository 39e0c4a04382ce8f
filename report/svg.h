/*
 * svg.h: the report's pictures, each one <svg> element drawn from numbers
 * alone: pure functions of their arguments into a slant_html buffer (no
 * I/O, no state), so that the same numbers give the same bytes and the
 * tests can count what a chart holds.  Private to the library.
 *
 * Every picture is self-contained inline SVG with presentation attributes
 * (no style sheet, no script, no external font or image), a <title> and an
 * aria-label for screen readers; its numbers are in a table beside it
 * (report.c).  Colours are the Okabe-Ito palette, which readers with the
 * common colour-vision deficiencies tell apart; the heat map is one hue,
 * light to dark, with the count printed in every cell.
 */
#ifndef SLANT_SVG_H
#define SLANT_SVG_H

#include <stddef.h>
#include <stdint.h>

#include "html.h"

/* Okabe-Ito colours, in the order charts use them. */
#define SLANT_SVG_BLUE "#0072B2"
#define SLANT_SVG_ORANGE "#E69F00"
#define SLANT_SVG_GREEN "#009E73"
#define SLANT_SVG_VERMILLION "#D55E00"
#define SLANT_SVG_SKY "#56B4E9"
#define SLANT_SVG_PURPLE "#CC79A7"

/* A confusion matrix of N classes: COUNTS is N x N, row-major, gold rows
 * and predicted columns; LABELS the N class names (escaped here).  Exactly
 * N * N <rect> elements, one a cell, shaded by the cell's share of its
 * row (the recall of the diagonal), each with its count in a <text>. */
void slant_svg_heatmap(slant_html *h, const char *title, size_t n, const uint64_t *counts,
                       const char *const *labels);

/* Horizontal grouped bars in [0, 1]: N groups (LABELS) of SERIES bars,
 * VALUES N x SERIES row-major (a value outside [0, 1] or NaN is drawn as
 * 0 wide), series named NAMES and coloured COLOURS.  Exactly N * SERIES
 * bar <rect> elements plus SERIES legend swatches (<rect> too). */
void slant_svg_bars(slant_html *h, const char *title, size_t n, const char *const *labels,
                    size_t series, const double *values, const char *const *names,
                    const char *const *colours);

/* A reliability diagram: N bins' mean confidence, accuracy and document
 * count.  The diagonal of perfect calibration (a dashed <line>), and one
 * <circle> per bin with documents, its area growing with its count, joined
 * by one <polyline>. */
void slant_svg_reliability(slant_html *h, const char *title, size_t n, const double *confidence,
                           const double *accuracy, const uint64_t *count);

/* One line of a line chart: Y has the chart's N values (NaN: no point). */
typedef struct slant_svg_series {
    const char *name;
    const char *colour;
    const double *y;
    int dashed;
} slant_svg_series;

/* A line chart on [0, 1] x [0, 1] (X the N abscissas, in [0, 1]): each
 * series one <polyline> and one <circle> per point; with LO and HI (N
 * values each, may be NULL), a shaded <polygon> band between them (the
 * spread over folds).  X_LABEL and Y_LABEL name the axes. */
void slant_svg_lines(slant_html *h, const char *title, const char *x_label, const char *y_label,
                     size_t n, const double *x, size_t n_series, const slant_svg_series *series,
                     const double *lo, const double *hi, const char *band_name);

#endif /* SLANT_SVG_H */
