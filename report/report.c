/*
 * report.c: slant_report_write, one self-contained HTML page that shows a
 * model's figures on a corpus (or a cross-validation's pooled ones): per
 * head the figures table, the confusion heat map, per-class bars, the
 * reliability diagram, the risk-coverage curve, a learning curve when one
 * is given, the top n-grams per class with the leaks when the corpus has
 * groups, and the most confident mistakes with their explanations.
 *
 * The page is a view of what `eval --json` prints: every number comes from
 * the same slant_eval accessors (slant_eval_accuracy, slant_eval_class,
 * slant_eval_calibration, slant_eval_coverage, ...), so the two cannot
 * disagree.  Every string from a corpus or a model goes through
 * slant_html_text; every picture has its numbers in a table beside it.  No
 * script, no external resource; the same input gives the same bytes.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "html.h"
#include "svg.h"
#include "train.h"

static const char css[] =
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;margin:0 auto;"
    "max-width:1100px;padding:1rem 1.5rem;color:#111;background:#fff;line-height:1.4}\n"
    "h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.3rem;border-bottom:2px solid #0072B2;"
    "padding-bottom:.2rem;margin-top:2rem}h3{font-size:1.05rem;margin:1.2rem 0 .4rem}\n"
    "table{border-collapse:collapse;margin:.4rem 0 1rem;font-size:.85rem}\n"
    "th,td{border:1px solid #ccc;padding:.15rem .45rem;text-align:left;vertical-align:top}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f2f2f2}\n"
    "caption{text-align:left;font-weight:600;padding:.2rem 0}\n"
    ".row{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}\n"
    "figure{margin:0}figcaption{font-size:.85rem;color:#333;max-width:32rem}\n"
    "svg{max-width:100%;height:auto}\n"
    "pre,blockquote{white-space:pre-wrap;word-break:break-word;background:#f7f7f7;"
    "padding:.5rem;margin:.3rem 0;font-size:.85rem}\n"
    "blockquote{border-left:3px solid #D55E00}\n"
    ".mistake{border-top:1px solid #ddd;padding-top:.4rem}\n"
    ".leak{font-weight:700;color:#D55E00}.muted{color:#555}\n"
    "nav ul{columns:3;font-size:.9rem}\n"
    "@media print{nav{display:none}body{max-width:none;padding:0}"
    "section.head{break-before:page}figure,table,.mistake{break-inside:avoid}"
    "a{color:inherit;text-decoration:none}}\n";

/* A number in a table cell: 4 decimals, a dash for none. */
static void num(slant_html *h, double v)
{
    if (isfinite(v))
        slant_html_printf(h, "<td class=\"n\">%.4f</td>", v);
    else
        slant_html_raw(h, "<td class=\"n\">\xE2\x80\x93</td>");
}

static void count(slant_html *h, uint64_t v)
{
    slant_html_printf(h, "<td class=\"n\">%llu</td>", (unsigned long long)v);
}

static void cell(slant_html *h, const char *s)
{
    slant_html_raw(h, "<td>");
    slant_html_str(h, s);
    slant_html_raw(h, "</td>");
}

/* A figures row: a name (trusted) and a value. */
static void figure_row(slant_html *h, const char *name, double v)
{
    slant_html_printf(h, "<tr><th scope=\"row\">%s</th>", name);
    num(h, v);
    slant_html_raw(h, "</tr>\n");
}

/* A chart title: TEXT (trusted) and the head's name (escaped by the chart). */
static const char *chart_title(char *buf, size_t size, const char *text, const char *head)
{
    snprintf(buf, size, "%s, head %s", text, head);
    return buf;
}

/* The provenance's "key=value" lines as a two-column table. */
static void provenance(slant_html *h, const char *p)
{
    slant_html_raw(h, "<table><caption>Provenance (recorded in the model file)</caption>\n"
                      "<tr><th scope=\"col\">key</th><th scope=\"col\">value</th></tr>\n");
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (len) {
            slant_html_raw(h, "<tr><td>");
            slant_html_text(h, p, eq ? (size_t)(eq - p) : len);
            slant_html_raw(h, "</td><td>");
            if (eq)
                slant_html_text(h, eq + 1, len - (size_t)(eq - p) - 1);
            slant_html_raw(h, "</td></tr>\n");
        }
        p += len + (nl ? 1 : 0);
    }
    slant_html_raw(h, "</table>\n");
}

static slant_status check_curve(const slant_report_curve *c, slant_error *err)
{
    if (!c)
        return SLANT_STATUS_OK;
    if (c->steps == 0 || !c->fractions || (c->n_heads && !c->heads))
        return slant_fail(err, SLANT_STATUS_BAD_INPUT, "learning curve: no steps");
    for (size_t i = 0; i < c->steps; i++) {
        double f = c->fractions[i];
        if (!(f > 0 && f <= 1) || (i && !(f > c->fractions[i - 1])))
            return slant_fail(err, SLANT_STATUS_BAD_INPUT, "learning curve: fraction %zu (%g) "
                              "is not in (0, 1] and above the one before", i + 1, f);
        if (c->train_docs && !(c->train_docs[i] >= 0))
            return slant_fail(err, SLANT_STATUS_BAD_INPUT, "learning curve: step %zu has %g "
                              "training documents", i + 1, c->train_docs[i]);
    }
    for (size_t k = 0; k < c->n_heads; k++) {
        const slant_report_curve_head *hd = &c->heads[k];
        if (!hd->name || !hd->pooled || !hd->mean)
            return slant_fail(err, SLANT_STATUS_BAD_INPUT, "learning curve: head %zu lacks a "
                              "name, pooled or mean values", k + 1);
        const double *arr[5] = {hd->pooled, hd->mean, hd->sd, hd->min, hd->max};
        for (int a = 0; a < 5; a++)
            for (size_t i = 0; arr[a] && i < c->steps; i++)
                if (!isnan(arr[a][i]) && !(arr[a][i] >= 0 && arr[a][i] <= 1))
                    return slant_fail(err, SLANT_STATUS_BAD_INPUT, "learning curve: head %s, "
                                      "step %zu: %g is not in [0, 1]", hd->name, i + 1,
                                      arr[a][i]);
    }
    return SLANT_STATUS_OK;
}

static void figures(slant_html *h, const slant_eval *ev, size_t hd)
{
    slant_html_raw(h, "<h3>Figures</h3>\n<div class=\"row\">\n<table><caption>Overall</caption>\n");
    slant_html_printf(h, "<tr><th scope=\"row\">labeled documents</th><td class=\"n\">%llu</td>"
                      "</tr>\n", (unsigned long long)slant_eval_labeled(ev, hd));
    figure_row(h, "accuracy", slant_eval_accuracy(ev, hd));
    figure_row(h, "macro-F1", slant_eval_macro_f1(ev, hd));
    slant_calibration_report cal;
    if (slant_eval_calibration(ev, hd, &cal)) {
        figure_row(h, "log loss", cal.log_loss);
        figure_row(h, "Brier", cal.brier);
        figure_row(h, "ECE", cal.ece);
        slant_coverage_report cov;
        slant_eval_coverage(ev, hd, &cov);
        if (cov.thresholds) {
            figure_row(h, "coverage of the stored thresholds", cov.coverage);
            figure_row(h, "accuracy on them", cov.covered ? cov.accuracy : NAN);
        }
    }
    slant_html_raw(h, "</table>\n<table><caption>Per class</caption>\n<tr><th scope=\"col\">class"
                      "</th><th scope=\"col\">precision</th><th scope=\"col\">recall</th>"
                      "<th scope=\"col\">F1</th><th scope=\"col\">support</th></tr>\n");
    size_t nc = slant_eval_classes(ev, hd);
    for (size_t c = 0; c < nc; c++) {
        slant_class_scores s = slant_eval_class(ev, hd, c);
        slant_html_raw(h, "<tr>");
        cell(h, slant_eval_class_name(ev, hd, c));
        num(h, s.precision);
        num(h, s.recall);
        num(h, s.f1);
        count(h, s.support);
        slant_html_raw(h, "</tr>\n");
    }
    slant_html_raw(h, "</table>\n");
}

static void class_bars(slant_html *h, const slant_eval *ev, size_t hd, const char **names,
                       double *vals)
{
    size_t nc = slant_eval_classes(ev, hd);
    for (size_t c = 0; c < nc; c++) {
        slant_class_scores s = slant_eval_class(ev, hd, c);
        names[c] = slant_eval_class_name(ev, hd, c);
        vals[3 * c] = s.precision;
        vals[3 * c + 1] = s.recall;
        vals[3 * c + 2] = s.f1;
    }
    static const char *const series[3] = {"precision", "recall", "F1"};
    static const char *const colours[3] = {SLANT_SVG_BLUE, SLANT_SVG_ORANGE, SLANT_SVG_GREEN};
    char t[512];
    slant_html_raw(h, "<figure>\n");
    slant_svg_bars(h, chart_title(t, sizeof t, "Precision, recall and F1 per class",
                                  slant_eval_head_name(ev, hd)),
                   nc, names, 3, vals, series, colours);
    slant_html_raw(h, "<figcaption>Per-class precision, recall and F1 (the table has the "
                      "figures).</figcaption>\n</figure>\n</div>\n");
}

static void confusion(slant_html *h, const slant_eval *ev, size_t hd, const char **names,
                      uint64_t *counts)
{
    size_t nc = slant_eval_classes(ev, hd);
    for (size_t g = 0; g < nc; g++) {
        names[g] = slant_eval_class_name(ev, hd, g);
        for (size_t p = 0; p < nc; p++)
            counts[g * nc + p] = slant_eval_count(ev, hd, g, p);
    }
    char t[512];
    slant_html_raw(h, "<h3>Confusion matrix</h3>\n<div class=\"row\">\n<figure>\n");
    slant_svg_heatmap(h, chart_title(t, sizeof t, "Confusion matrix", slant_eval_head_name(ev, hd)),
                      nc, counts, names);
    slant_html_raw(h, "<figcaption>Rows: the true class; columns: the predicted one. A cell's "
                      "shade is its share of the row, its number the documents.</figcaption>\n"
                      "</figure>\n<table><caption>Confusion counts (rows: true, columns: "
                      "predicted)</caption>\n<tr><th scope=\"col\">true \\ predicted</th>");
    for (size_t p = 0; p < nc; p++) {
        slant_html_raw(h, "<th scope=\"col\">");
        slant_html_str(h, names[p]);
        slant_html_raw(h, "</th>");
    }
    slant_html_raw(h, "</tr>\n");
    for (size_t g = 0; g < nc; g++) {
        slant_html_raw(h, "<tr><th scope=\"row\">");
        slant_html_str(h, names[g]);
        slant_html_raw(h, "</th>");
        for (size_t p = 0; p < nc; p++)
            count(h, counts[g * nc + p]);
        slant_html_raw(h, "</tr>\n");
    }
    slant_html_raw(h, "</table>\n</div>\n");
}

static void calibration(slant_html *h, const slant_eval *ev, size_t hd)
{
    slant_calibration_report cal;
    slant_html_raw(h, "<h3>Calibration and coverage</h3>\n");
    if (!slant_eval_calibration(ev, hd, &cal)) {
        slant_html_raw(h, "<p class=\"muted\">No probabilities were recorded for this head.</p>\n");
        return;
    }
    double conf[SLANT_CALIBRATION_BINS], acc[SLANT_CALIBRATION_BINS];
    uint64_t cnt[SLANT_CALIBRATION_BINS];
    for (int b = 0; b < SLANT_CALIBRATION_BINS; b++) {
        conf[b] = cal.bins[b].confidence;
        acc[b] = cal.bins[b].accuracy;
        cnt[b] = cal.bins[b].count;
    }
    char t[512];
    const char *head = slant_eval_head_name(ev, hd);
    slant_html_raw(h, "<div class=\"row\">\n<figure>\n");
    slant_svg_reliability(h, chart_title(t, sizeof t, "Reliability diagram", head),
                          SLANT_CALIBRATION_BINS, conf, acc, cnt);
    slant_html_printf(h, "<figcaption>Each point a bin of the top probability (%d equal-width "
                      "bins), its area its documents; on the dashed diagonal a model is as "
                      "sure as it is right.</figcaption>\n</figure>\n", SLANT_CALIBRATION_BINS);
    slant_html_raw(h, "<table><caption>Reliability bins</caption>\n<tr><th scope=\"col\">bin"
                      "</th><th scope=\"col\">documents</th><th scope=\"col\">confidence</th>"
                      "<th scope=\"col\">accuracy</th></tr>\n");
    for (int b = 0; b < SLANT_CALIBRATION_BINS; b++) {
        if (!cal.bins[b].count)
            continue;
        slant_html_printf(h, "<tr><td>[%.3f, %.3f%c</td>", cal.bins[b].lo, cal.bins[b].hi,
                          b == SLANT_CALIBRATION_BINS - 1 ? ']' : ')');
        count(h, cal.bins[b].count);
        num(h, cal.bins[b].confidence);
        num(h, cal.bins[b].accuracy);
        slant_html_raw(h, "</tr>\n");
    }
    slant_html_raw(h, "</table>\n</div>\n");

    slant_coverage_report cov;
    slant_eval_coverage(ev, hd, &cov);
    slant_svg_series s = {"accuracy", SLANT_SVG_VERMILLION, cov.curve_accuracy, 0};
    slant_html_raw(h, "<div class=\"row\">\n<figure>\n");
    slant_svg_lines(h, chart_title(t, sizeof t, "Risk-coverage curve", head),
                    "coverage (share of documents labeled, most confident first)", "accuracy",
                    SLANT_COVERAGE_POINTS, cov.curve_coverage, 1, &s, NULL, NULL, NULL);
    slant_html_raw(h, "<figcaption>The accuracy on the share of documents the model is surest "
                      "of: how much abstaining on the rest would buy.</figcaption>\n</figure>\n"
                      "<table><caption>Risk-coverage</caption>\n<tr><th scope=\"col\">coverage"
                      "</th><th scope=\"col\">accuracy</th></tr>\n");
    for (int i = 0; i < SLANT_COVERAGE_POINTS; i++) {
        slant_html_raw(h, "<tr>");
        num(h, cov.curve_coverage[i]);
        num(h, cov.curve_accuracy[i]);
        slant_html_raw(h, "</tr>\n");
    }
    slant_html_raw(h, "</table>\n</div>\n");
}

static void curve(slant_html *h, const slant_report_curve *c, const char *head)
{
    const slant_report_curve_head *ch = NULL;
    for (size_t k = 0; c && k < c->n_heads && !ch; k++)
        if (strcmp(c->heads[k].name, head) == 0)
            ch = &c->heads[k];
    if (!ch)
        return;
    size_t n = c->steps;
    const double *lo = NULL, *hi = NULL;
    double *own = NULL; /* mean - sd, then mean + sd: 2 x n */
    const char *band = NULL;
    if (ch->min && ch->max) {
        lo = ch->min, hi = ch->max;
        band = "range over folds (worst to best)";
    } else if (ch->sd && (own = malloc(2 * n * sizeof *own))) { /* without memory, no band */
        for (size_t i = 0; i < n; i++) {
            int none = isnan(ch->mean[i]) || isnan(ch->sd[i]); /* fmax would hide a NaN */
            own[i] = none ? NAN : fmax(0, ch->mean[i] - ch->sd[i]);
            own[n + i] = none ? NAN : fmin(1, ch->mean[i] + ch->sd[i]);
        }
        lo = own, hi = own + n;
        band = "mean \xC2\xB1 one standard deviation over folds";
    }
    slant_svg_series s[2] = {{"pooled macro-F1", SLANT_SVG_BLUE, ch->pooled, 0},
                             {"mean over folds", SLANT_SVG_ORANGE, ch->mean, 1}};
    char t[512];
    slant_html_raw(h, "<h3>Learning curve</h3>\n<div class=\"row\">\n<figure>\n");
    slant_svg_lines(h, chart_title(t, sizeof t, "Learning curve", head),
                    "share of each fold's training side", "macro-F1", n, c->fractions, 2, s, lo,
                    hi, band);
    slant_html_printf(h, "<figcaption>Held-out macro-F1 when each of the %u folds trains on a "
                      "share of its training side: still rising at the right means more "
                      "labeled articles would help.</figcaption>\n</figure>\n", c->folds);
    free(own);
    slant_html_raw(h, "<table><caption>Learning curve</caption>\n<tr><th scope=\"col\">share"
                      "</th><th scope=\"col\">training documents</th><th scope=\"col\">pooled"
                      "</th><th scope=\"col\">mean</th><th scope=\"col\">sd</th>"
                      "<th scope=\"col\">min</th><th scope=\"col\">max</th></tr>\n");
    for (size_t i = 0; i < n; i++) {
        slant_html_raw(h, "<tr>");
        num(h, c->fractions[i]);
        if (c->train_docs)
            slant_html_printf(h, "<td class=\"n\">%.0f</td>", c->train_docs[i]);
        else
            slant_html_raw(h, "<td class=\"n\">\xE2\x80\x93</td>");
        num(h, ch->pooled[i]);
        num(h, ch->mean[i]);
        num(h, ch->sd ? ch->sd[i] : NAN);
        num(h, ch->min ? ch->min[i] : NAN);
        num(h, ch->max ? ch->max[i] : NAN);
        slant_html_raw(h, "</tr>\n");
    }
    slant_html_raw(h, "</table>\n</div>\n");
}

/* The model's head named NAME, or SIZE_MAX. */
static size_t model_head(const slant_model *m, const char *name)
{
    for (size_t k = 0; m && k < slant_model_heads(m); k++)
        if (strcmp(slant_model_head_name(m, k), name) == 0)
            return k;
    return SIZE_MAX;
}

static slant_status ngrams(slant_html *h, const slant_report_options *o, const char *head,
                           slant_error *err)
{
    const slant_model *m = o->model;
    size_t mh = model_head(m, head);
    if (mh == SIZE_MAX)
        return SLANT_STATUS_OK;
    slant_html_raw(h, "<h3>Top n-grams per class</h3>\n");
    if (slant_model_support_vectors(m, mh, NULL)) {
        slant_html_raw(h, "<p class=\"muted\">A kernel head: it keeps support vectors, not a "
                          "weight per n-gram, so it has none to rank.</p>\n");
        return SLANT_STATUS_OK;
    }
    size_t k = o->top_ngrams, nc = slant_model_classes(m, mh);
    int groups = o->corpus && slant_corpus_group_name(o->corpus) && !slant_model_takes_vectors(m)
                 && !slant_corpus_holds_vectors(o->corpus);
    slant_ranked_feature *best = slant_alloc_array(nc, k * sizeof *best);
    size_t *nb = calloc(nc ? nc : 1, sizeof *nb);
    uint32_t *feat = slant_alloc_array(nc, k * sizeof *feat);
    slant_ngram_spread *sp = groups ? slant_alloc_array(nc, k * sizeof *sp) : NULL;
    slant_status st = SLANT_STATUS_OK;
    if (!best || !nb || !feat || (groups && !sp)) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    size_t nf = 0;
    for (size_t c = 0; c < nc; c++) {
        nb[c] = slant_model_top_features(m, mh, c, k, best + c * k);
        for (size_t i = 0; i < nb[c]; i++)
            feat[nf++] = best[c * k + i].feature;
    }
    size_t hits = 0;
    if (groups) {
        if ((st = slant_model_group_spread(m, o->corpus, feat, nf, o->threads, sp, err)))
            goto out;
        for (size_t i = 0; i < nf; i++)
            hits += (size_t)slant_ngram_spread_concentrated(&sp[i], SLANT_LEAK_SHARE,
                                                            SLANT_LEAK_MIN_DOCS);
        slant_html_raw(h, "<p id=\"leaks-");
        slant_html_anchor(h, head);
        slant_html_printf(h, "\"><strong>Leaks:</strong> %zu of these %zu n-grams are "
                          "concentrated in one ", hits, nf);
        slant_html_str(h, slant_corpus_group_name(o->corpus));
        slant_html_printf(h, " (at least %.0f%% of their documents, and twice that group's "
                          "share of the corpus, in %d documents or more): the model may be "
                          "learning the source, not the class.</p>\n", 100 * SLANT_LEAK_SHARE,
                          SLANT_LEAK_MIN_DOCS);
    }
    slant_html_raw(h, "<div class=\"row\">\n");
    for (size_t c = 0, at = 0; c < nc; c++) {
        slant_html_raw(h, "<table><caption>");
        slant_html_str(h, slant_model_class_name(m, mh, c));
        slant_html_raw(h, "</caption>\n<tr><th scope=\"col\">n-gram</th><th scope=\"col\">"
                          "weight</th>");
        if (groups)
            slant_html_raw(h, "<th scope=\"col\">docs</th><th scope=\"col\">top group</th>"
                              "<th scope=\"col\">its share</th><th scope=\"col\">leak</th>");
        slant_html_raw(h, "</tr>\n");
        for (size_t i = 0; i < nb[c]; i++, at++) {
            char name[256];
            const slant_ranked_feature *b = &best[c * k + i];
            if (slant_model_feature_name(m, b->feature, name, sizeof name))
                snprintf(name, sizeof name, "#%u", b->feature);
            slant_html_raw(h, "<tr><td><code>");
            slant_html_str(h, name);
            slant_html_raw(h, "</code></td>");
            slant_html_printf(h, "<td class=\"n\">%+.4f</td>", b->score);
            if (groups) {
                const slant_ngram_spread *s = &sp[at];
                int leak = slant_ngram_spread_concentrated(s, SLANT_LEAK_SHARE,
                                                          SLANT_LEAK_MIN_DOCS);
                count(h, s->docs);
                cell(h, s->top_group ? s->top_group : "(no group)");
                num(h, s->top_share);
                slant_html_raw(h, leak ? "<td class=\"leak\">leak</td>" : "<td></td>");
            }
            slant_html_raw(h, "</tr>\n");
        }
        slant_html_raw(h, "</table>\n");
    }
    slant_html_raw(h, "</div>\n");
out:
    free(sp);
    free(feat);
    free(nb);
    free(best);
    return st;
}

/* The anchor of mistake I of head H: "doc-" and the id made safe, then
 * "-hH-I" so that a repeated id or the same document in two heads stays
 * apart; the suffix has a fixed form, so two anchors never coincide. */
static void doc_anchor(slant_html *h, const char *id, size_t hd, size_t i)
{
    slant_html_raw(h, "doc-");
    slant_html_anchor(h, id);
    slant_html_printf(h, "-h%zu-%zu", hd, i + 1);
}

static void mistakes(slant_html *h, const slant_report_options *o, const char *head, size_t hd)
{
    const slant_mistakes *m = o->mistakes;
    size_t mh = SIZE_MAX;
    for (size_t k = 0; m && k < slant_mistakes_heads(m); k++)
        if (strcmp(slant_mistakes_head_name(m, k), head) == 0)
            mh = k;
    if (mh == SIZE_MAX)
        return;
    size_t n = slant_mistakes_count(m, mh);
    slant_html_raw(h, "<h3>Most confident mistakes</h3>\n");
    slant_html_printf(h, "<p>%llu of %llu labeled documents are wrong; the %zu the model was "
                      "surest of, by the probability of the wrong label:</p>\n",
                      (unsigned long long)slant_mistakes_wrong(m, mh),
                      (unsigned long long)slant_mistakes_scored(m, mh), n);
    if (o->note) {
        slant_html_raw(h, "<p class=\"muted\">");
        slant_html_str(h, o->note);
        slant_html_raw(h, "</p>\n");
    }
    if (!n)
        return;
    slant_html_raw(h, "<table><caption>Mistakes</caption>\n<tr><th scope=\"col\">#</th>"
                      "<th scope=\"col\">id</th><th scope=\"col\">true</th><th scope=\"col\">"
                      "predicted</th><th scope=\"col\">p(predicted)</th><th scope=\"col\">"
                      "p(true)</th></tr>\n");
    slant_mistake x;
    for (size_t i = 0; i < n && !slant_mistakes_get(m, mh, i, &x); i++) {
        slant_html_printf(h, "<tr><td class=\"n\">%zu</td><td><a href=\"#", i + 1);
        doc_anchor(h, x.id, hd, i);
        slant_html_raw(h, "\">");
        slant_html_str(h, x.id);
        slant_html_raw(h, "</a></td>");
        cell(h, x.gold);
        cell(h, x.predicted);
        num(h, x.p_predicted);
        num(h, x.p_gold);
        slant_html_raw(h, "</tr>\n");
    }
    slant_html_raw(h, "</table>\n");
    for (size_t i = 0; i < n && !slant_mistakes_get(m, mh, i, &x); i++) {
        slant_html_raw(h, "<div class=\"mistake\" id=\"");
        doc_anchor(h, x.id, hd, i);
        slant_html_printf(h, "\">\n<p><strong>%zu. ", i + 1);
        slant_html_str(h, x.id);
        slant_html_raw(h, "</strong>: true <em>");
        slant_html_str(h, x.gold);
        slant_html_raw(h, "</em>, predicted <em>");
        slant_html_str(h, x.predicted);
        slant_html_printf(h, "</em> (p %.4f; the true label had %.4f)</p>\n", x.p_predicted,
                          x.p_gold);
        if (x.explained && x.n_toward) {
            slant_html_printf(h, "<p>The n-grams that pushed hardest toward <em>");
            slant_html_str(h, x.predicted);
            slant_html_printf(h, "</em> (score margin %.4f over the runner-up):</p>\n<table>"
                              "<tr><th scope=\"col\">n-gram</th><th scope=\"col\">contribution"
                              "</th></tr>\n", x.margin);
            for (size_t j = 0; j < x.n_toward; j++) {
                slant_html_raw(h, "<tr><td><code>");
                slant_html_str(h, x.toward[j]);
                slant_html_printf(h, "</code></td><td class=\"n\">%+.4f</td></tr>\n",
                                  x.contribution[j]);
            }
            slant_html_raw(h, "</table>\n");
        } else if (x.explained)
            slant_html_raw(h, "<p class=\"muted\">No n-gram of the text pushed toward it: the "
                              "intercept chose it.</p>\n");
        else
            slant_html_raw(h, "<p class=\"muted\">Not explained: the model has no weights to "
                              "split its score by.</p>\n");
        slant_html_raw(h, "<blockquote>");
        slant_html_text(h, x.excerpt, x.excerpt_len);
        if (x.excerpt_len < x.text_len)
            slant_html_raw(h, " \xE2\x80\xA6");
        slant_html_raw(h, "</blockquote>\n</div>\n");
    }
}

static slant_status render(const slant_report_options *o, slant_html *h, slant_error *err)
{
    const slant_eval *ev = o->eval;
    char date[32];
    slant_status st = slant_training_date(date, sizeof date, err);
    if (st)
        return st;
    const char *title = o->title ? o->title : "slant report";
    slant_html_raw(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<meta name=\"generator\" content=\"slant " SLANT_VERSION "\">\n<title>");
    slant_html_str(h, title);
    slant_html_raw(h, "</title>\n<style>\n");
    slant_html_raw(h, css);
    slant_html_raw(h, "</style>\n</head>\n<body>\n<header>\n<h1>");
    slant_html_str(h, title);
    slant_html_raw(h, "</h1>\n<table><caption>What was measured</caption>\n");
    if (o->corpus_name) {
        slant_html_raw(h, "<tr><th scope=\"row\">corpus</th>");
        cell(h, o->corpus_name);
        slant_html_raw(h, "</tr>\n");
    }
    if (o->model_name) {
        slant_html_raw(h, "<tr><th scope=\"row\">model</th>");
        cell(h, o->model_name);
        slant_html_raw(h, "</tr>\n");
    }
    if (o->model)
        slant_html_printf(h, "<tr><th scope=\"row\">model kind</th><td>%s</td></tr>\n",
                          slant_model_kind_name(slant_model_kind_of(o->model)));
    slant_html_printf(h, "<tr><th scope=\"row\">documents</th><td class=\"n\">%zu</td></tr>\n",
                      o->corpus ? slant_corpus_size(o->corpus) : slant_eval_documents(ev));
    if (o->method) {
        slant_html_raw(h, "<tr><th scope=\"row\">measured by</th>");
        cell(h, o->method);
        slant_html_raw(h, "</tr>\n");
    }
    slant_html_printf(h, "<tr><th scope=\"row\">date</th><td>%s</td></tr>\n"
                      "<tr><th scope=\"row\">made by</th><td>slant %s</td></tr>\n</table>\n",
                      date, SLANT_VERSION);
    if (slant_eval_on_training_corpus(ev))
        slant_html_raw(h, "<p class=\"leak\">This is the corpus the model was trained on: the "
                          "figures measure how it fits its training data, not how it labels new "
                          "articles.</p>\n");
    slant_html_raw(h, "</header>\n<nav aria-label=\"Contents\">\n<ul>\n");
    for (size_t hd = 0; hd < slant_eval_heads(ev); hd++) {
        slant_html_raw(h, "<li><a href=\"#head-");
        slant_html_anchor(h, slant_eval_head_name(ev, hd));
        slant_html_raw(h, "\">head ");
        slant_html_str(h, slant_eval_head_name(ev, hd));
        slant_html_raw(h, "</a></li>\n");
    }
    if (o->model)
        slant_html_raw(h, "<li><a href=\"#provenance\">provenance</a></li>\n");
    slant_html_raw(h, "</ul>\n</nav>\n<main>\n");

    size_t most = 1;
    for (size_t hd = 0; hd < slant_eval_heads(ev); hd++)
        if (slant_eval_classes(ev, hd) > most)
            most = slant_eval_classes(ev, hd);
    const char **names = slant_alloc_array(most, sizeof *names);
    double *vals = slant_alloc_array(most, 3 * sizeof *vals);
    uint64_t *counts = slant_alloc_array(most, most * sizeof *counts);
    if (!names || !vals || !counts) {
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory");
        goto out;
    }
    for (size_t hd = 0; hd < slant_eval_heads(ev); hd++) {
        const char *head = slant_eval_head_name(ev, hd);
        slant_html_raw(h, "<section class=\"head\" id=\"head-");
        slant_html_anchor(h, head);
        slant_html_raw(h, "\">\n<h2>Head ");
        slant_html_str(h, head);
        slant_html_raw(h, "</h2>\n");
        if (slant_eval_labeled(ev, hd) == 0) {
            slant_html_raw(h, "<p class=\"muted\">No document has a label for this head.</p>\n");
        } else {
            figures(h, ev, hd);
            class_bars(h, ev, hd, names, vals);
            confusion(h, ev, hd, names, counts);
            calibration(h, ev, hd);
            curve(h, o->curve, head);
            if (o->model && o->top_ngrams && (st = ngrams(h, o, head, err)))
                goto out;
            mistakes(h, o, head, hd);
        }
        slant_html_raw(h, "</section>\n");
    }
    if (o->model) {
        slant_html_raw(h, "<section id=\"provenance\">\n<h2>Provenance</h2>\n");
        provenance(h, slant_model_provenance(o->model));
        slant_html_raw(h, "</section>\n");
    }
    slant_html_raw(h, "</main>\n<footer><p class=\"muted\">Made by slant " SLANT_VERSION
                      ": one file, no script, nothing fetched.</p></footer>\n</body>\n</html>\n");
out:
    free(counts);
    free(vals);
    free(names);
    return st;
}

void slant_report_options_init(slant_report_options *opt)
{
    if (!opt)
        return;
    memset(opt, 0, sizeof *opt);
    opt->top_ngrams = 10;
}

slant_status slant_report_write(const slant_report_options *o, const char *path,
                                slant_error *err)
{
    if (!o || !o->eval || !path)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "a report needs an evaluation and a "
                          "file to write");
    if (o->top_ngrams > 10000)
        return slant_fail(err, SLANT_STATUS_BAD_OPTION, "%zu n-grams a class is too many (at "
                          "most 10000)", o->top_ngrams);
    slant_status st = check_curve(o->curve, err);
    if (st)
        return st;
    slant_html h;
    slant_html_init(&h);
    st = render(o, &h, err);
    if (!st && !slant_html_ok(&h))
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "out of memory building the report");
    if (st) {
        slant_html_free(&h);
        return st;
    }
    slant_atomic a;
    if ((st = slant_atomic_open(&a, path, err))) {
        slant_html_free(&h);
        return st;
    }
    size_t done = 0;
    while (done < h.len) {
        ssize_t w = write(a.fd, h.data + done, h.len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            st = slant_fail(err, SLANT_STATUS_IO, "cannot write %s: %s", path,
                            strerror(w == 0 ? EIO : errno));
            break;
        }
        done += (size_t)w;
    }
    if (!st)
        st = slant_atomic_commit(&a, err);
    if (close(a.fd) != 0 && !st)
        st = slant_fail(err, SLANT_STATUS_IO, "cannot close %s: %s", path, strerror(errno));
    slant_atomic_abort(&a);
    slant_html_free(&h);
    return st;
}
