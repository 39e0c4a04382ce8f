# slant curve (issue 13): the learning curve, cross-validated macro-F1 and
# accuracy at nested shares of each fold's training side; and cv --curve.
mkdir -p curve && cd curve || return
run help-curve 0 "$SLANT" curve --help && {
  has help-curve-usage out "Usage: slant curve"
  has help-curve-cost out "It costs K x steps trainings"
  has help-curve-fractions out "--fractions F,..."
  has help-curve-train-options out "--model"
}
run help-lists-curve 0 "$SLANT" --help && has help-lists-curve out "curve CORPUS"
run help-cv-curve 0 "$SLANT" cv --help && has help-cv-curve out "--curve"

# Text: a table a head, then its trend.
run curve-text 0 "$SLANT" curve "$data/tiny.tsv" -k 2 --steps 3 --model nb && {
  has curve-text-header out "learning curve: 2 folds (stratified; near-duplicates kept in one fold), 3 steps, 12 documents"
  has curve-text-head out "head tone"
  has curve-text-columns out "share   trained  macro-F1  accuracy"
  has curve-text-last out "   1.000       6.0"
  has curve-text-trend out "  trend: "
}

# JSON: one object, the arrays a value per step; at 100 % the figures are
# those of slant cv with the same options.
run curve-json 0 "$SLANT" curve "$data/tiny.tsv" -k 2 --fractions 0.25,0.5,1 --model nb --json &&
  run curve-json-cv 0 "$SLANT" cv "$data/tiny.tsv" -k 2 --model nb --json && cp out cv.json &&
  "$SLANT" curve "$data/tiny.tsv" -k 2 --fractions 0.25,0.5,1 --model nb --json > curve.json 2>/dev/null &&
  python3 - curve.json cv.json > check.txt 2>&1 <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); v = json.load(open(sys.argv[2]))
assert c["folds"] == 2 and c["grouped_by"] is None and c["documents"] == 12, c
assert c["steps"] == [0.25, 0.5, 1.0], c["steps"]
assert c["train_docs"] == [2.0, 3.0, 6.0], c["train_docs"]
assert sorted(c["heads"]) == ["tone", "topic"], c["heads"]
for name, h in c["heads"].items():
    for key in ("macro_f1", "accuracy"):
        assert len(h[key]) == 3, h
    for key in ("fold_macro_f1", "fold_accuracy"):
        assert sorted(h[key]) == ["max", "mean", "min", "sd"], h[key]
        assert all(len(a) == 3 for a in h[key].values()), h[key]
    assert h["trend"] in ("climbing", "unclear", "flattening", "flat", "unknown"), h["trend"]
    assert h["gain_from"] == 0.5 or h["trend"] == "unknown", h  # half of the last share
    assert h["macro_f1"][-1] == v["heads"][name]["macro_f1"], (name, h, v["heads"][name])
    assert h["accuracy"][-1] == v["heads"][name]["accuracy"], name
    m = h["fold_macro_f1"]
    assert m["min"][-1] <= m["mean"][-1] <= m["max"][-1], m
print("fine")
PY
[ "$(cat check.txt 2>/dev/null)" = fine ] && ok curve-json-structure || bad curve-json-structure "$(cat check.txt 2>/dev/null)"

# One progress stage counts the trainings, folds x steps; cv's own is quiet.
SLANT_PROGRESS_DELAY=0 run curve-progress 0 "$SLANT" curve "$data/tiny.tsv" -k 2 --steps 3 --progress && {
  has curve-progress-begins err "slant: curve: 0/6 trainings"
  has curve-progress-ends err "slant: curve: 6/6 trainings in "
  grep -q "slant: cv:" err && bad curve-progress-one-stage "$(cat err)" || ok curve-progress-one-stage
}

# The same bytes at any thread count.
"$SLANT" curve "$data/tiny.tsv" -k 3 --steps 4 --json -t 1 > t1.json 2>/dev/null
"$SLANT" curve "$data/tiny.tsv" -k 3 --steps 4 --json -t 2 > t2.json 2>/dev/null
[ -s t1.json ] && cmp -s t1.json t2.json && ok curve-threads-same || bad curve-threads-same "$(diff t1.json t2.json | head -5)"

# Grouped folds: the split of cv --group.
{ printf 'id\toutlet\tside\ttext\n'
  for i in $(seq 30); do
    printf 'd%02d\to%d\t%s\tword%s story%d common filler\n' "$i" "$((i % 6))" \
      "$([ $((i % 2)) = 0 ] && echo left || echo right)" "$((i % 2))" "$i"
  done; } > grouped.tsv
run curve-grouped 0 "$SLANT" curve grouped.tsv --group outlet -k 3 --steps 2 --json && {
  has curve-grouped-by out '"grouped_by":"outlet"'
  has curve-grouped-groups out '"groups":6'
}
run curve-grouped-text 0 "$SLANT" curve grouped.tsv --group outlet -k 3 --steps 2 &&
  has curve-grouped-says out "grouped by outlet: 6 groups"

# Usage errors: exit 2, a message naming the option.
run curve-usage-order 2 "$SLANT" curve "$data/tiny.tsv" --fractions 0.5,0.2 && has curve-usage-order err "the shares must increase (0.2 after 0.5)"
run curve-usage-zero 2 "$SLANT" curve "$data/tiny.tsv" --fractions 0,1 && has curve-usage-zero err "--fractions: '0,1' is not a list of shares"
run curve-usage-over 2 "$SLANT" curve "$data/tiny.tsv" --fractions 0.5,1.5 && has curve-usage-over err "--fractions"
run curve-usage-word 2 "$SLANT" curve "$data/tiny.tsv" --fractions half && has curve-usage-word err "--fractions: 'half'"
run curve-usage-comma 2 "$SLANT" curve "$data/tiny.tsv" --fractions 0.5, && has curve-usage-comma err "--fractions"
run curve-usage-steps 2 "$SLANT" curve "$data/tiny.tsv" --steps 0 && has curve-usage-steps err "--steps"
run curve-usage-steps-many 2 "$SLANT" curve "$data/tiny.tsv" --steps 101 && has curve-usage-steps-many err "--steps: 101 is out of range"
run curve-usage-folds 2 "$SLANT" curve "$data/tiny.tsv" -k 1 && has curve-usage-folds err "--folds"
run curve-usage-corpus 2 "$SLANT" curve && has curve-usage-corpus err "give exactly one CORPUS"
run curve-usage-unknown 2 "$SLANT" curve "$data/tiny.tsv" --bogus && has curve-usage-unknown err "--bogus"
run curve-too-few 2 "$SLANT" curve "$data/tiny.tsv" -k 20 && has curve-too-few err "20 folds need at least 20 documents; the corpus has 12"
run curve-bad-corpus 2 "$SLANT" curve "$data/ragged.tsv" -k 2 && has curve-bad-corpus err "ragged.tsv:3: expected 4 fields"
run curve-no-text 2 "$SLANT" curve "$data/notext.tsv" -k 2 && has curve-no-text err 'notext.tsv:1: the header has no "text" column'
printf 'text\nhello there\nworld peace\nmore text\n' > nolabel.tsv
run curve-no-labels 2 "$SLANT" curve nolabel.tsv -k 2 && has curve-no-labels err "nolabel.tsv: the corpus has no label column"
# None of them leaves a report behind.
run curve-report-bad-fractions 2 "$SLANT" curve "$data/tiny.tsv" -k 2 --fractions 1,0.5 --report bad.html
run curve-report-too-few 2 "$SLANT" curve "$data/tiny.tsv" -k 20 --report bad.html
run curve-report-folder 2 "$SLANT" curve "$data/tiny.tsv" -k 2 --report . && has curve-report-folder err ".: not a regular file"
[ ! -e bad.html ] && ok curve-no-partial-report || bad curve-no-partial-report "$(ls)"
ls -a | grep -q '^\.bad\|tmp' && bad curve-no-temp-left "$(ls -a)" || ok curve-no-temp-left

# --report: cv's page at the last share, with the learning curve.
run curve-report 0 "$SLANT" curve "$data/tiny.tsv" -k 2 --steps 3 --model nb --report r.html && {
  has curve-report-wrote err "wrote r.html"
  has curve-report-title r.html "slant cross-validation report"
  has curve-report-section r.html "<h3>Learning curve</h3>"
  has curve-report-svg r.html 'aria-label="Learning curve, head topic"'
  has curve-report-table r.html '<table><caption>Learning curve</caption>'
  has curve-report-row r.html '<tr><td class="n">1.0000</td><td class="n">6</td>'
  n=$(grep -c '<tr><td class="n">0.3333</td><td class="n">2</td>' r.html)
  [ "$n" = 2 ] && ok curve-report-row-per-head || bad curve-report-row-per-head "$n rows at 1/3"
}
run curve-report-share 0 "$SLANT" curve "$data/tiny.tsv" -k 2 --fractions 0.5,0.75 --report half.html &&
  has curve-report-share-says half.html "each fold trained on 0.75 of its training side"
grep -q "trained on 1 of" r.html && bad curve-report-whole-says-nothing || ok curve-report-whole-says-nothing
# cv --report --curve: the same page from cv, and cv's own figures.
run cv-curve 0 "$SLANT" cv "$data/tiny.tsv" -k 2 --model nb --json --report c.html --curve --steps 3 && {
  cmp -s out cv.json && ok cv-curve-same-figures || bad cv-curve-same-figures "$(diff out cv.json | head -5)"
  has cv-curve-section c.html "<h3>Learning curve</h3>"
  has cv-curve-svg c.html 'aria-label="Learning curve, head tone"'
  grep -F '<tr><td class="n">' c.html | grep -F '0.3333' > c.rows
  grep -F '<tr><td class="n">' r.html | grep -F '0.3333' > r.rows
  [ -s c.rows ] && cmp -s c.rows r.rows && ok cv-curve-same-table || bad cv-curve-same-table "$(diff c.rows r.rows | head -4)"
}
run cv-report-no-curve 0 "$SLANT" cv "$data/tiny.tsv" -k 2 --model nb --report plain.html &&
  { grep -q "Learning curve" plain.html && bad cv-report-no-curve-section || ok cv-report-no-curve-section; }
run cv-curve-needs-report 2 "$SLANT" cv "$data/tiny.tsv" -k 2 --curve && has cv-curve-needs-report err "--curve goes with --report FILE"
run cv-steps-need-curve 2 "$SLANT" cv "$data/tiny.tsv" -k 2 --steps 3 && has cv-steps-need-curve err "--steps goes with --curve"
run cv-curve-ends-at-one 2 "$SLANT" cv "$data/tiny.tsv" -k 2 --report x.html --curve --fractions 0.2,0.5 && has cv-curve-ends-at-one err "the last share is 1"
[ ! -e x.html ] && ok cv-curve-no-partial || bad cv-curve-no-partial "$(ls)"
cd ..
