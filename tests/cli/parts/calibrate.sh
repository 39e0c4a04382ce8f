# Calibration and abstention (issue 12, parts 2 and 3): train's --calibrate
# and --target-precision, label's --abstain and --abstain-below, and the
# calibration and coverage figures of eval and cv.
mkdir -p calib && cd calib || return
# 300 articles whose words lean to a stance and a source type, drawn by a
# fixed linear congruential generator so that the corpus never changes.
awk 'BEGIN {
  s = 12345; srand(1)
  split("gain win calm lift bright rise", pos); split("loss fail storm drop dark fall", neg)
  split("the a city market report today council river", any)
  print "stance\tsource\ttext"
  for (i = 1; i <= 300; i++) {
    s = (s * 1103515245 + 12345) % 2147483648; st = (s % 100) < 40
    s = (s * 1103515245 + 12345) % 2147483648; so = (s % 100) < 50
    t = ""
    for (w = 0; w < 9; w++) {
      s = (s * 1103515245 + 12345) % 2147483648; u = s % 100
      s = (s * 1103515245 + 12345) % 2147483648; j = 1 + s % 6
      if (u < 28) t = t (st ? pos[j] : neg[j]) " "
      else if (u < 40) t = t (st ? neg[j] : pos[j]) " "
      else if (u < 50) t = t (so ? "agency" j : "wire" j) " "
      else t = t any[1 + s % 8] " "
    }
    printf "%s\t%s\t%s\n", (st ? "for" : "against"), (so ? "state" : "public"), t
  }
}' > lean.tsv
head -n 201 lean.tsv > lean-train.tsv
{ head -n 1 lean.tsv; tail -n 100 lean.tsv; } > lean-test.tsv

# Options and their errors: exit 2, a message naming the option, no model.
run calib-bogus 2 "$SLANT" train lean.tsv -o bogus.slant --calibrate bogus &&
  has calib-bogus err "--calibrate: 'bogus' is not one of auto, none, sigmoid, temperature, isotonic"
for p in 0 1.5 -0.2 abc; do
  run "calib-target-$p" 2 "$SLANT" train lean.tsv -o bogus.slant --target-precision "$p" &&
    has "calib-target-$p" err "--target-precision: '$p' is not a precision above 0 and at most 1"
done
run calib-target-unknown-head 2 "$SLANT" train lean.tsv -o bogus.slant --target-precision stance=0.9,sauce=0.8 &&
  has calib-target-unknown-head err 'no head "sauce" to label (the heads are stance, source)'
run calib-target-unknown-head-cv 2 "$SLANT" cv lean.tsv -k 3 --target-precision tone=0.9 &&
  has calib-target-unknown-head-cv err 'no head "tone"'
run calib-target-empty-head 2 "$SLANT" train lean.tsv -o bogus.slant --target-precision =0.9 &&
  has calib-target-empty-head err "names no head"
[ ! -e bogus.slant ] && ok calib-no-model-after-errors || bad calib-no-model-after-errors
run calib-help 0 "$SLANT" train --help && has calib-help out "--calibrate M"
run calib-help-label 0 "$SLANT" label --help && has calib-help-label out "--abstain-below T"

# The default (auto) fits a map on a head of 300 documents and says which in
# the provenance; none keeps the uncalibrated probabilities.
run calib-train-auto 0 "$SLANT" train lean.tsv -o auto.slant &&
  run calib-inspect-auto 0 "$SLANT" inspect auto.slant && {
  has calib-provenance-auto out "calibration=stance method="
  has calib-provenance-chosen out "chosen_by=auto inner_folds=3 documents=300"
}
run calib-train-none 0 "$SLANT" train lean.tsv -o none.slant --calibrate none &&
  run calib-inspect-none 0 "$SLANT" inspect none.slant && {
  grep -q "calibration=" out && bad calib-none-no-map "$(grep calibration= out)" || ok calib-none-no-map
  has calib-none-options out "--calibrate none"
}
for m in sigmoid temperature isotonic; do
  run "calib-train-$m" 0 "$SLANT" train lean.tsv -o "$m.slant" --calibrate "$m" &&
    run "calib-inspect-$m" 0 "$SLANT" inspect "$m.slant" &&
    has "calib-provenance-$m" out "calibration=stance method=$m chosen_by=option"
done
# temperature never moves a label; the probabilities do move.
"$SLANT" label -m none.slant lean-test.tsv > none.tsv
"$SLANT" label -m temperature.slant lean-test.tsv > temp.tsv
[ "$(cut -f2,4 none.tsv)" = "$(cut -f2,4 temp.tsv)" ] && ok calib-temperature-keeps-labels ||
  bad calib-temperature-keeps-labels "$(diff none.tsv temp.tsv | head)"
[ "$(cut -f3 none.tsv)" != "$(cut -f3 temp.tsv)" ] && ok calib-temperature-moves-probabilities ||
  bad calib-temperature-moves-probabilities
# The same model bytes on 1 thread and on 2.
run calib-train-t1 0 "$SLANT" train lean.tsv -o t1.slant -t 1 --target-precision 0.8 &&
  run calib-train-t2 0 "$SLANT" train lean.tsv -o t2.slant -t 2 --target-precision 0.8 &&
  { cmp -s t1.slant t2.slant && ok calib-threads-same-bytes || bad calib-threads-same-bytes; }
# A head too small for a map (tiny.tsv: 12 documents) is left as it was:
# the labels and probabilities of before.
run calib-small 0 "$SLANT" train "$data/tiny.tsv" -o small.slant --model nb -v &&
  has calib-small-says err 'calibration: head "topic" is left uncalibrated: 12 labeled documents'
"$SLANT" label -m small.slant "$data/new.tsv" > small.tsv
"$SLANT" label -m ../nb.slant "$data/new.tsv" > nb.tsv
cmp -s small.tsv nb.tsv && ok calib-small-unchanged || bad calib-small-unchanged "$(diff small.tsv nb.tsv)"

# Abstention: thresholds stored by --target-precision, or --abstain-below.
run calib-train-target 0 "$SLANT" train lean-train.tsv -o target.slant --target-precision stance=0.95,source=0.6 &&
  run calib-inspect-target 0 "$SLANT" inspect target.slant && {
  has calib-provenance-target out "abstain=stance target_precision=0.95 thresholds=against:"
  has calib-provenance-target-2 out "abstain=source target_precision=0.6"
}
run calib-abstain-tsv 0 "$SLANT" label -m target.slant --abstain lean-test.tsv && {
  awk -F'\t' 'NR > 1 && $2 == "?"' out | grep -q . && ok calib-abstain-question-mark ||
    bad calib-abstain-question-mark "$(head -5 out)"
  awk -F'\t' 'NR > 1 && $2 != "?"' out | grep -q . && ok calib-abstain-some-labeled ||
    bad calib-abstain-some-labeled "$(head -5 out)"
  awk -F'\t' 'NR > 1 && $3 !~ /^0\.[0-9]+$|^1\.0000$/' out | grep -q . &&
    bad calib-abstain-keeps-probability "$(head -5 out)" || ok calib-abstain-keeps-probability
}
run calib-abstain-json 0 "$SLANT" label -m target.slant --abstain --json lean-test.tsv && {
  has calib-abstain-json-true out '"abstained":true'
  has calib-abstain-json-false out '"abstained":false'
  python3 - out <<'PY' && ok calib-abstain-json-shape || bad calib-abstain-json-shape "$(head -3 out)"
import json, sys
for line in open(sys.argv[1]):
    h = json.loads(line)["heads"]["stance"]
    assert set(h["probabilities"]) == {"against", "for"}, h
    assert (h["label"] is None) == h["abstained"], h
PY
}
run calib-abstain-none 2 "$SLANT" label -m none.slant --abstain lean-test.tsv &&
  has calib-abstain-none err "none.slant has no stored thresholds"
run calib-abstain-below-1 0 "$SLANT" label -m none.slant --abstain-below 1 lean-test.tsv && {
  [ "$(awk -F'\t' 'NR > 1 && ($2 != "?" || $4 != "?")' out | wc -l)" = 0 ] &&
    ok calib-abstain-below-all || bad calib-abstain-below-all "$(head -3 out)"
}
run calib-abstain-below-0 0 "$SLANT" label -m none.slant --abstain-below 0 lean-test.tsv &&
  { grep -q '?' out && bad calib-abstain-below-none "$(head -3 out)" || ok calib-abstain-below-none; }
run calib-abstain-below-bad 2 "$SLANT" label -m none.slant --abstain-below 1.5 lean-test.tsv &&
  has calib-abstain-below-bad err "--abstain-below: give a probability between 0 and 1"
[ ! -s out ] && ok calib-abstain-below-bad-no-output || bad calib-abstain-below-bad-no-output

# eval and cv: per head log loss, Brier, ECE, 15 bins, coverage.
run calib-eval-json 0 "$SLANT" eval -m target.slant lean-test.tsv --json && {
  python3 - out <<'PY' && ok calib-eval-json-keys || bad calib-eval-json-keys "$(head -c 600 out)"
import json, sys
r = json.load(open(sys.argv[1]))
for name, h in r["heads"].items():
    c = h["calibration"]
    assert set(c) == {"log_loss", "brier", "ece", "bins"}, c
    assert len(c["bins"]) == 15 and set(c["bins"][0]) == {"lo", "hi", "count", "confidence", "accuracy"}
    assert sum(b["count"] for b in c["bins"]) == h["labeled"] == 100
    assert 0 <= c["ece"] <= 1 and c["log_loss"] > 0 and 0 <= c["brier"] <= 2
    v = h["coverage"]
    assert set(v) == {"covered", "accuracy", "curve"}, v
    assert 0 <= v["covered"] <= 1, v
    assert [p["coverage"] for p in v["curve"]] == [1.0, 0.9, 0.8, 0.7, 0.6, 0.5], v
    assert abs(v["curve"][0]["accuracy"] - h["accuracy"]) < 1e-9, v
PY
}
run calib-eval-json-no-thresholds 0 "$SLANT" eval -m none.slant lean-test.tsv --json &&
  has calib-eval-json-covered-null out '"covered":null'
run calib-eval-text 0 "$SLANT" eval -m target.slant lean-test.tsv && {
  has calib-eval-text-ece out "calibration: log loss "
  has calib-eval-text-thresholds out "stored thresholds: coverage "
  has calib-eval-text-curve out "risk-coverage: coverage   100%    90%"
}
run calib-cv-json 0 "$SLANT" cv lean.tsv -k 3 --json --target-precision 0.9 && {
  python3 - out <<'PY' && ok calib-cv-json-keys || bad calib-cv-json-keys "$(head -c 600 out)"
import json, sys
r = json.load(open(sys.argv[1]))
for h in r["heads"].values():
    assert len(h["calibration"]["bins"]) == 15 and h["calibration"]["ece"] >= 0
    assert sum(b["count"] for b in h["calibration"]["bins"]) == 300
    assert h["coverage"]["covered"] is not None and len(h["coverage"]["curve"]) == 6
PY
}
cd ..
