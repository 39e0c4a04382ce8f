# Known shares and drift (issue 12, part 5): label --json's "known" and
# "unfamiliar", --min-known, label --summary, slant drift and its warnings.
mkdir -p drift && cd drift || return
run drift-label-json 0 "$SLANT" label -m ../nb.slant --json "$data/new.tsv" && {
  python3 - out <<'PY' && ok drift-label-json-known || bad drift-label-json-known "$(cat out)"
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    k = r["known"]
    assert 0 <= k["ngrams"] <= 1 and 0 <= k["words"] <= 1, r
    assert r["unfamiliar"] == (k["ngrams"] < 0.5), r
PY
}
printf 'zzzz qqqq\n' > odd.txt
run drift-unknown-text 0 "$SLANT" label -m ../nb.slant --json odd.txt \
  && has drift-unknown-text out '"known":{"ngrams":0.0000,"words":0.0000},"unfamiliar":true}'
# a training document is all known to a model that keeps every n-gram; the
# provenance records the training corpus's own share
head -n 2 "$data/tiny.tsv" | cut -f4 | tail -n 1 > known.txt
"$SLANT" train "$data/tiny.tsv" -o all.slant --model nb --min-count 1 >/dev/null
run drift-train-doc 0 "$SLANT" label -m all.slant --json known.txt \
  && has drift-train-doc-known out '"known":{"ngrams":1.0000,"words":1.0000},"unfamiliar":false}'
run drift-provenance 0 "$SLANT" inspect all.slant && has drift-provenance out "known_ngrams=1.0000"
run drift-min-known 0 "$SLANT" label -m ../nb.slant --json --min-known 0.2 known.txt \
  && has drift-min-known out '"unfamiliar":false'
run drift-bad-min-known 2 "$SLANT" label -m ../nb.slant --min-known 1.5 known.txt && has drift-bad-min-known err "--min-known"
# TSV output is as before: no known columns
run drift-label-tsv 0 "$SLANT" label -m ../nb.slant "$data/new.tsv" \
  && { head -n 1 out | grep -q known && bad drift-label-tsv-plain "$(head -n 1 out)" || ok drift-label-tsv-plain; }
# the training corpus: no warning; the summary on stderr after the labels
run drift-training 0 "$SLANT" drift -m ../nb.slant "$data/tiny.tsv" && {
  has drift-training-documents out "documents: 12"
  has drift-training-known out "known n-grams: mean "
  has drift-training-mix out "head topic: class, predicted share, training share"
  grep -q warning out && bad drift-training-no-warning "$(cat out)" || ok drift-training-no-warning
}
run drift-summary 0 "$SLANT" label -m ../nb.slant --summary "$data/tiny.tsv" && {
  has drift-summary-stdout out "$(printf 'id\ttopic\ttopic_prob')"
  has drift-summary-stderr err "documents: 12"
}
# a shifted batch: chips articles only, and words the model never saw
grep -i chip "$data/tiny.tsv" | cut -f4 > chips.txt
run drift-shifted 0 "$SLANT" drift -m ../nb.slant --lines chips.txt && {
  has drift-shifted-warns out "warning: head topic: the predicted label mix is"
}
printf 'zzzz qqqq\nwwww vvvv\nkkkk\n' > gibberish.txt
run drift-unlike 0 "$SLANT" drift -m ../nb.slant --lines gibberish.txt --json && {
  python3 - out <<'PY' && ok drift-unlike-json || bad drift-unlike-json "$(cat out)"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["documents"] == 3 and r["unfamiliar"] == 3, r
assert r["known"]["ngrams"]["mean"] == 0 and r["known"]["ngrams"]["bins"][0] == 3, r
assert r["known"]["ngrams"]["training"] > 0, r
assert any("unlike what it was trained on" in w for w in r["warnings"]), r
assert set(r["heads"]) == {"topic", "tone"} and "distance" in r["heads"]["topic"], r
PY
}
run drift-no-model 2 "$SLANT" drift "$data/tiny.tsv" && has drift-no-model err "-m MODEL"
run drift-no-input 2 "$SLANT" drift -m ../nb.slant && has drift-no-input err "CORPUS"
: > empty.txt
run drift-empty 2 "$SLANT" drift -m ../nb.slant --lines empty.txt && has drift-empty err "no article"
run drift-bad-distance 2 "$SLANT" drift -m ../nb.slant --max-distance 0 "$data/tiny.tsv" && has drift-bad-distance err "--max-distance"
run drift-missing 1 "$SLANT" drift -m ../nb.slant nosuch.tsv && has drift-missing err "nosuch.tsv"
run drift-help 0 "$SLANT" drift --help && has drift-help out "Usage: slant drift"
cd ..
