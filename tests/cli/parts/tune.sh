# Settings chosen by inner cross-validation (issue 11): train --tune tries a
# few settings, prints what won (and with -v the whole table), records the
# choice in the model; cv --tune does it inside each fold.
mkdir -p tune && cd tune || return
# Only the punctuation mark tells the label: started with --punct off,
# tuning turns punctuation tokens back on.
python3 - <<'PY'
import random
r = random.Random(3)
with open("marks.tsv", "w") as f:
    f.write("kind\toutlet\ttext\n")
    for i in range(160):
        words = " ".join("w%d" % r.randrange(40) for _ in range(8))
        f.write("%s\to%d\t%s %s\n" % ("ask" if i % 2 else "tell", i % 8, words, "?" if i % 2 else "!"))
PY
run tune-train 0 "$SLANT" train marks.tsv -o t.slant --tune --punct off --group outlet -v && {
  has tune-train-chose out "tuned: lr --c"
  has tune-train-punct out "--punct on"
  has tune-train-table err "tune: lr --c 10 --words 1-2 --punct off --case fold --class-weight balanced"
  has tune-train-grouped err "5-fold inner cross-validation, grouped"
  has tune-train-leaks out "of outlet"
  has tune-train-leaks-rule out "concentrated (!): in 10 documents or more"
}
run tune-inspect 0 "$SLANT" inspect t.slant && {
  has tune-inspect-choice out "tune_choice=lr --c"
  has tune-inspect-inner out "tune_inner=5-fold grouped by outlet, near-duplicates kept together, 160 of 160 documents"
}
run tune-inspect-heads 0 "$SLANT" inspect t.slant --json && {
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert list(r["heads"]) == ["kind"], r["heads"].keys(); assert "--punct on" in r["provenance"]["tune_choice"]' out \
    && ok tune-outlet-no-head || bad tune-outlet-no-head "$(head -c 400 out)"
}
# The same corpus and seed: the same model bytes.
run tune-again 0 env SOURCE_DATE_EPOCH=1700000000 "$SLANT" train marks.tsv -o a.slant --tune --ignore outlet
run tune-again2 0 env SOURCE_DATE_EPOCH=1700000000 "$SLANT" train marks.tsv -o b.slant --tune --ignore outlet --threads 1
cmp -s a.slant b.slant && ok tune-same-bytes || bad tune-same-bytes
run tune-cv 0 "$SLANT" cv marks.tsv --group outlet -k 4 --tune --json && {
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["tuned"] is True and r["grouped_by"] == "outlet"; assert r["heads"]["kind"]["accuracy"] > 0.9, r' out \
    && ok tune-cv-nested || bad tune-cv-nested "$(head -c 400 out)"
}
run tune-cv-text 0 "$SLANT" cv marks.tsv --ignore outlet -k 4 --tune && has tune-cv-text out "settings tuned inside each fold (nested)"
run tune-budget-alone 2 "$SLANT" train marks.tsv -o x.slant --budget 10 && has tune-budget-alone err "--budget goes with --tune"
run tune-cv-budget-alone 2 "$SLANT" cv marks.tsv --budget 10 && has tune-cv-budget-alone err "--budget goes with --tune"
run tune-keep-dups-alone 2 "$SLANT" train marks.tsv -o x.slant --keep-duplicates && has tune-keep-dups-alone err "--keep-duplicates goes with --tune"
run tune-group-empty 2 "$SLANT" train marks.tsv -o x.slant --tune --group '' && has tune-group-empty err "--group: '' cannot be the group column"
run tune-budget-bad 2 "$SLANT" train marks.tsv -o x.slant --tune --budget -3 && has tune-budget-bad err "--budget"
run tune-svm 2 "$SLANT" train marks.tsv -o x.slant --tune --model svm --ignore outlet && has tune-svm err "svm is too slow"
[ ! -e x.slant ] && ok tune-no-partial-model || bad tune-no-partial-model
run tune-help 0 "$SLANT" train --help && has tune-help out "--tune"
cd ..
