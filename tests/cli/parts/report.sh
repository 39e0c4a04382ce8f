# slant report and cv --report: one self-contained HTML page.  Its
# structure (every section, the pictures in their numbers, a heat map of
# classes x classes cells), its numbers against eval --json's, the escaping
# of hostile ids and texts, the same bytes twice, no file left by a failure,
# and a headless Chromium rendering that is not blank.
mkdir -p report-page && cd report-page || return
run help-report 0 "$SLANT" report --help && has help-report out "Usage: slant report"

# tiny.tsv's articles with an outlet column, and two hostile ones labeled
# against their words (so they are mistakes): markup and quotes in the ids,
# the texts and the outlets.
python3 - "$data/tiny.tsv" <<'PY'
import sys
rows = open(sys.argv[1]).read().splitlines()
out = ["id\ttopic\ttone\toutlet\ttext"]
for i, r in enumerate(rows[1:]):
    f = r.split("\t")
    out.append("\t".join([f[0], f[1], f[2], "o%d" % (i % 3), f[3]]))
out.append("\t".join(["<script>alert(1)</script>\"'a", "trade", "gloomy", "<script>o1",
    "The new chip plant <script>alert(1)</script> \"wafers\" & 'engineers' praised the chip design."]))
out.append("\t".join(["x\"y'<b>", "chips", "upbeat", "o2",
    "Tariff talks <img src=x onerror=alert(2)> farmers shippers tariff war ports."]))
open("hostile.tsv", "w").write("\n".join(out) + "\n")
PY

run report-usage-model 2 "$SLANT" report hostile.tsv -o r.html && has report-usage-model err "-m MODEL"
run report-usage-output 2 "$SLANT" report -m ../nb.slant hostile.tsv && has report-usage-output err "-o FILE"
run report-usage-top 2 "$SLANT" report -m ../nb.slant hostile.tsv -o r.html --top x && has report-usage-top err "--top"
run report-usage-mistakes 2 "$SLANT" report -m ../nb.slant hostile.tsv -o r.html --mistakes -1 && has report-usage-mistakes err "--mistakes"
run report-bad-corpus 2 "$SLANT" report -m ../nb.slant "$data/ragged.tsv" -o r.html
run report-no-labels 2 "$SLANT" report -m ../nb.slant "$data/notext.tsv" -o r.html
[ ! -e r.html ] && ok report-nothing-after-errors || bad report-nothing-after-errors "$(ls)"
SOURCE_DATE_EPOCH=soon run report-bad-date 2 "$SLANT" report -m ../nb.slant hostile.tsv -o r.html && has report-bad-date err "SOURCE_DATE_EPOCH"
[ ! -e r.html ] && ok report-nothing-after-bad-date || bad report-nothing-after-bad-date
mkdir -p adir
run report-output-folder 2 "$SLANT" report -m ../nb.slant hostile.tsv -o adir && has report-output-folder err "adir"
printf 'old\n' > keep.html
printf 'not a model' > broken.slant
run report-bad-model 2 "$SLANT" report -m broken.slant hostile.tsv -o keep.html
[ "$(cat keep.html)" = old ] && ok report-bad-model-keeps-file || bad report-bad-model-keeps-file "$(head -c 200 keep.html)"

run report-nb 0 "$SLANT" report -m ../nb.slant hostile.tsv -o r.html && {
  has report-nb-says out "wrote r.html: 14 documents, 2 heads"
  # No raw markup from the corpus anywhere: the page has no script at all.
  n=$(grep -ci '<script' r.html); [ "$n" = 0 ] && ok report-no-script || bad report-no-script "$n raw <script"
  grep -qi '<img' r.html && bad report-no-img "$(grep -i '<img' r.html | head -3)" || ok report-no-img
  has report-text-escaped r.html 'The new chip plant &lt;script&gt;alert(1)&lt;/script&gt; &quot;wafers&quot; &amp; &#39;engineers&#39;'
  has report-id-escaped r.html '>&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;a</a>'
  has report-id-anchor r.html 'id="doc-.3Cscript.3Ealert.281.29.3C.2Fscript.3E.22.27a-h0-'
  has report-date r.html '<td>2026-01-01</td>'
  has report-provenance r.html '<section id="provenance">'
  python3 - r.html >check.txt 2>&1 <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
bad = []
# one section a head, each with every part
heads = re.findall(r'<section class="head" id="head-([A-Za-z0-9_.-]+)">', page)
if heads != ["topic", "tone"]: bad.append("heads %r" % heads)
for part in ("Figures", "Confusion matrix", "Calibration and coverage",
             "Top n-grams per class", "Most confident mistakes"):
    n = page.count("<h3>%s</h3>" % part)
    if n != 2: bad.append("%d x %s" % (n, part))
# four pictures a head: bars, heat map, reliability, risk-coverage
svgs = re.findall(r"<svg.*?</svg>", page, re.S)
if len(svgs) != 8 or page.count("<svg") != 8: bad.append("%d svg" % len(svgs))
heat = [s for s in svgs if 'aria-label="Confusion matrix' in s]
if len(heat) != 2 or any(s.count("<rect") != 4 for s in heat):
    bad.append("heat maps: %r" % [s.count("<rect") for s in heat])
bars = [s for s in svgs if 'aria-label="Precision, recall' in s]
if len(bars) != 2 or any(s.count("<rect") != 2 * 3 + 3 for s in bars):
    bad.append("bars: %r" % [s.count("<rect") for s in bars])
for s in svgs:
    if "<title>" not in s or 'role="img"' not in s or "style=" in s: bad.append("svg a11y/attrs")
# every link to a mistake has its anchor, and anchors are safe
links = re.findall(r'href="#(doc-[^"]*)"', page)
ids = re.findall(r'id="(doc-[^"]*)"', page)
if not links or sorted(links) != sorted(ids): bad.append("links %r ids %r" % (links, ids))
if any(not re.fullmatch(r"doc-[A-Za-z0-9_.-]+", i) for i in ids): bad.append("unsafe anchor")
if len(set(ids)) != len(ids): bad.append("repeated anchor")
# nothing fetched
if re.search(r'(src|href)="(https?:)?//', page) or "@import" in page or "url(" in page:
    bad.append("external resource")
print("\n".join(bad) if bad else "fine")
PY
  [ "$(cat check.txt)" = fine ] && ok report-structure || bad report-structure "$(cat check.txt)"
  # The numbers are eval --json's.
  "$SLANT" eval -m ../nb.slant --json hostile.tsv >eval.json 2>/dev/null
  python3 - r.html eval.json >check.txt 2>&1 <<'PY'
import json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
ev = json.load(open(sys.argv[2]))
bad = []
for head, hd in ev["heads"].items():
    sec = page.split('<section class="head" id="head-%s">' % head)[1].split("</section>")[0]
    want = {"accuracy": hd["accuracy"], "macro-F1": hd["macro_f1"],
            "log loss": hd["calibration"]["log_loss"], "Brier": hd["calibration"]["brier"],
            "ECE": hd["calibration"]["ece"]}
    for name, v in want.items():
        cell = '<th scope="row">%s</th><td class="n">%.4f</td>' % (name, v)
        if cell not in sec: bad.append("%s %s: no %s" % (head, name, cell))
    for cls, s in hd["classes"].items():
        row = '<tr><td>%s</td><td class="n">%.4f</td><td class="n">%.4f</td><td class="n">%.4f</td><td class="n">%d</td></tr>' % (
            cls, s["precision"], s["recall"], s["f1"], s["support"])
        if row not in sec: bad.append("%s %s: no %s" % (head, cls, row))
    for row in hd["confusion"]["matrix"]:
        for v in row:
            if '<td class="n">%d</td>' % v not in sec: bad.append("%s: no count %d" % (head, v))
print("\n".join(bad) if bad else "fine")
PY
  [ "$(cat check.txt)" = fine ] && ok report-numbers-are-evals || bad report-numbers-are-evals "$(cat check.txt)"
  # The same input, the same bytes.
  "$SLANT" report -m ../nb.slant hostile.tsv -o r2.html >/dev/null 2>&1
  cmp -s r.html r2.html && ok report-same-bytes || bad report-same-bytes "$(diff r.html r2.html | head)"
}

# Leaks with --group; options that leave sections out; one head.
run report-group 0 "$SLANT" report -m ../lr.slant hostile.tsv --group outlet -o g.html && {
  has report-group-leaks g.html '<strong>Leaks:</strong>'
  has report-group-escaped g.html '&lt;script&gt;o1'
  grep -q '<script' g.html && bad report-group-no-script || ok report-group-no-script
}
run report-no-leaks 0 "$SLANT" report -m ../lr.slant hostile.tsv -o l.html && {
  grep -q 'Leaks:' l.html && bad report-no-leaks "leaks without --group" || ok report-no-leaks
}
run report-top0 0 "$SLANT" report -m ../nb.slant hostile.tsv -o t.html --top 0 --mistakes 0 --label topic --title 'A <title>' && {
  grep -q 'Top n-grams' t.html && bad report-top0 "n-grams with --top 0" || ok report-top0
  grep -q 'Most confident mistakes' t.html && bad report-mistakes0 "mistakes with --mistakes 0" || ok report-mistakes0
  [ "$(grep -c '<section class="head"' t.html)" = 1 ] && ok report-label || bad report-label
  has report-title t.html '<title>A &lt;title&gt;</title>'
}

# cv --report: the pooled held-out figures, mistakes explained by their folds.
run cv-report 0 "$SLANT" cv "$data/tiny.tsv" -k 3 --report cv.html && {
  has cv-report-stdout out "documents: 12"
  has cv-report-method cv.html "3-fold cross-validation"
  has cv-report-note cv.html "explained, by the model of the fold"
  [ "$(grep -c '<svg' cv.html)" = 8 ] && ok cv-report-svgs || bad cv-report-svgs "$(grep -c '<svg' cv.html)"
  grep -q 'id="provenance"' cv.html && bad cv-report-no-model || ok cv-report-no-model
}
run cv-report-json 0 "$SLANT" cv "$data/tiny.tsv" -k 3 --json --report cv2.html && {
  python3 -c 'import json,sys; json.load(sys.stdin)' <out && ok cv-report-json || bad cv-report-json "$(cat out)"
}
run cv-report-folder 2 "$SLANT" cv "$data/tiny.tsv" -k 3 --report adir && has cv-report-folder err "adir"
run cv-report-split-only 2 "$SLANT" cv "$data/tiny.tsv" --save-folds f.tsv --split-only --report x.html
[ ! -e x.html ] && ok cv-report-nothing || bad cv-report-nothing
run help-cv-report 0 "$SLANT" cv --help && has help-cv-report out "--report FILE"

# Headless Chromium renders it, and the screenshot is not blank.
chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$chrome" ]; then
  skip=$((skip + 1)); echo "skip report-chromium: no chromium, chromium-browser or google-chrome on PATH"
elif [ ! -e r.html ]; then
  bad report-chromium "no r.html to render"
else
  timeout 90 "$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$PWD/chrome-profile" --window-size=1000,1400 --screenshot="$PWD/shot.png" \
    "file://$PWD/r.html" >chrome.log 2>&1
  if [ -s shot.png ]; then
    read -r w h colours share < <(python3 "$here/pngstat.py" shot.png)
    # A blank page is one colour with nothing but white; the report has
    # text, tables and charts in several colours.
    if [ "${colours:-0}" -ge 20 ] && python3 -c "import sys; sys.exit(not float('${share:-0}') > 0.03)"; then
      ok report-chromium
    else
      bad report-chromium "screenshot ${w}x${h}: $colours colours, $share not white"
    fi
  else
    bad report-chromium "no screenshot: $(tail -n 5 chrome.log)"
  fi
fi
cd ..
