# Cross-validation (issue 10, item 11): folds stratified on every head;
# a fold whose training side has one class in a head other than the first
# warns and leaves that head unscored in that fold, and never aborts.
mkdir -p cv && cd cv || return
# Head "b" has one document of class "rare": the fold that holds it out
# has one class of b on its training side.
{ printf 'a\tb\ttext\n'
  for i in $(seq 20); do
    printf '%s\t%s\tword%s common %d\n' "$([ $((i % 2)) = 0 ] && echo x || echo y)" \
      "$([ "$i" = 3 ] && echo rare || echo usual)" "$((i % 2))" "$i"
  done; } > heads.tsv
run cv-one-class-fold 0 "$SLANT" cv heads.tsv -k 5 --model nb --min-count 1 --json && {
  has cv-one-class-fold-warns err 'warning: fold '
  has cv-one-class-fold-says err 'head "b" has one class on its training side; its documents in this fold are not scored'
  [ "$(grep -c warning err)" = 1 ] && ok cv-one-class-fold-warns-once || bad cv-one-class-fold-warns-once "$(cat err)"
  python3 - out <<'PY' && ok cv-one-class-fold-scores || bad cv-one-class-fold-scores "$(cat out)"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["documents"] == 20 and r["folds"] == 5, r
a = sum(map(sum, r["heads"]["a"]["confusion"]["matrix"]))
b = sum(map(sum, r["heads"]["b"]["confusion"]["matrix"]))
assert a == 20, a          # every document scored on a
assert b == 16, b          # the rare document's fold of 4 not scored on b
assert r["heads"]["b"]["classes"]["rare"]["support"] == 0, r["heads"]["b"]
PY
}
# train accepts the corpus, and so does cv; a head of one class in the
# whole corpus is still refused by both.
run cv-train-accepts 0 "$SLANT" train heads.tsv -o heads.slant --model nb --min-count 1
awk -F'\t' 'BEGIN { OFS = "\t" } NR > 1 { $2 = "usual" } { print }' heads.tsv > flat.tsv
run cv-one-class-corpus 2 "$SLANT" cv flat.tsv -k 5 --model nb && has cv-one-class-corpus err 'column "b" has only one class ("usual")'
run cv-help-stratifies 0 "$SLANT" cv --help && has cv-help-stratifies out "stratified on every label"
cd ..
