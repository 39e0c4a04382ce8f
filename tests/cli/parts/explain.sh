# Explanations (issue 12): label --explain K in TSV, JSON and fastText, and
# slant explain; every linear kind adds up to its margin; RBF, bad K and
# clashing columns are refused before any output.
mkdir -p explain-part && cd explain-part || return

run explain-help 0 "$SLANT" explain --help && has explain-help out "Usage: slant explain"
run explain-label-help 0 "$SLANT" label --help && has explain-label-help out "--explain K"
run explain-main-help 0 "$SLANT" --help && has explain-main-help out "explain -m MODEL"

# ---- TSV: a HEAD_why column after each head's probability ------------------------
run explain-tsv 0 "$SLANT" label -m ../lr.slant --explain 3 "$data/new.tsv" && {
  [ "$(head -n 1 out)" = "$(printf 'id\ttopic\ttopic_prob\ttopic_why\ttone\ttone_prob\ttone_why')" ] \
    && ok explain-tsv-header || bad explain-tsv-header "$(head -n 1 out)"
  # the labels are label's own, and each cell at most 3 tokens toward and 3
  # away, toward first, each NGRAM:+X without blanks
  "$SLANT" label -m ../lr.slant "$data/new.tsv" > plain.tsv
  [ "$(cut -f1,2,3,5,6 out)" = "$(cut -f1-5 plain.tsv)" ] && ok explain-tsv-same-labels \
    || bad explain-tsv-same-labels "$(diff <(cut -f1,2,3,5,6 out) plain.tsv)"
  tail -n +2 out | cut -f4,7 | tr '\t' '\n' | awk '
    { pos = 0; neg = 0; seen_neg = 0
      for (i = 1; i <= NF; i++) {
        if ($i !~ /^[^ ]+:[+-][0-9][0-9.e+-]*$/) exit 1
        if ($i ~ /:-/) { neg++; seen_neg = 1 } else { if (seen_neg) exit 1; pos++ }
      }
      if (pos > 3 || neg > 3 || pos == 0) exit 1 }' && ok explain-tsv-cells || bad explain-tsv-cells "$(cat out)"
}
# The header without rows, and the same column without rows.
run explain-tsv-empty 0 sh -c "printf 'text\n' | '$SLANT' label -m ../lr.slant --explain 2 --input-format tsv -" \
  && has explain-tsv-empty out "topic_why"

# ---- JSON: the explanation object, and its sum -------------------------------------
run explain-json 0 "$SLANT" label -m ../lr.slant --explain all --json "$data/new.tsv" && {
  python3 - out <<'PY' && ok explain-json-keys || bad explain-json-keys "$(head -c 800 out)"
import json, sys
n = 0
for line in open(sys.argv[1]):
    for name, h in json.loads(line)["heads"].items():
        e = h["explanation"]
        assert set(e) >= {"against", "margin", "intercept", "toward", "away"}, e
        assert e["against"] != h["label"] and e["against"] in h["probabilities"], e
        for x in e["toward"] + e["away"]:
            assert set(x) == {"ngram", "count", "contribution"}, x
            assert isinstance(x["count"], int) and x["count"] >= 1, x
        assert all(x["contribution"] > 0 for x in e["toward"]), e
        assert all(x["contribution"] < 0 for x in e["away"]), e
        # six digits a number in label's JSON: the sum holds within 1e-4 here
        s = e["intercept"] + sum(x["contribution"] for x in e["toward"] + e["away"])
        assert abs(s - e["margin"]) < 1e-4, (s, e["margin"])
        assert e["more_toward"] == 0 and e["more_away"] == 0
        n += 1
assert n == 6, n
PY
}

# ---- every linear kind adds up to its margin (explain --json, ten digits) -----------
demo="$here/../../data/demo/corpus.tsv"
check_sum() { # FILE LABELS: each head's sum within 1e-5, labels as label --json's
  python3 - "$1" "$2" <<'PY'
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
want = [json.loads(l) for l in open(sys.argv[2])]
assert len(got) == len(want) > 0
for g, w in zip(got, want):
    assert g["id"] == w["id"]
    for name, h in g["heads"].items():
        e = h["explanation"]
        s = e["intercept"] + sum(x["contribution"] for x in e["toward"] + e["away"])
        assert abs(s - e["margin"]) < 1e-5, (name, s, e["margin"])
        assert e["margin"] >= 0
        assert h["label"] == w["heads"][name]["label"], (h["label"], w["heads"][name]["label"])
PY
}
for kind in "nb" "cnb" "lr" "lr --solver lbfgs" "nbsvm" "svm --kernel linear"; do
  name="explain-sum-${kind// /}"
  # shellcheck disable=SC2086
  run "$name-train" 0 "$SLANT" train "$demo" -o k.slant --model $kind --threads 1 &&
  run "$name-label" 0 "$SLANT" label -m k.slant --json "$demo" && mv out labels.jsonl &&
  run "$name" 0 "$SLANT" explain -m k.slant --top all --json "$demo" && {
    check_sum out labels.jsonl && ok "$name" || bad "$name" "$(head -c 600 out)"
  }
done

# ---- fastText: tokens after each head's tag ------------------------------------------
run explain-ft 0 "$SLANT" label -m ../nb.slant --explain 2 --format fasttext "$data/new.tsv" && {
  grep -Evq '^__label__topic=[a-z]+ [01]\.[0-9]{6}( [^ _][^ ]*:[+-][0-9.e+-]+){1,4} __label__tone=[a-z]+ [01]\.[0-9]{6}( [^ ]+:[+-][0-9.e+-]+){1,4}$' out \
    && bad explain-ft "$(cat out)" || ok explain-ft
}

# ---- slant explain: the table ---------------------------------------------------------
run explain-text 0 "$SLANT" explain -m ../lr.slant -n 2 "$data/new.tsv" && {
  has explain-text-head out "  topic: chips (probability "
  has explain-text-against out ") against trade"
  has explain-text-margin out "    margin +"
  has explain-text-columns out "contribution    count  n-gram"
  grep -Eq '^ +\+[0-9.]+ +\([0-9]+ more n-grams?\)$' out && ok explain-text-more || bad explain-text-more "$(cat out)"
}
# naive Bayes is fitted in closed form: the whole table, exactly
run explain-nb 0 "$SLANT" explain -m ../nb.slant -n 3 "$data/new.tsv" && golden explain-nb.txt out
run explain-one-head 0 "$SLANT" explain -m ../lr.slant --label tone "$data/new.tsv" && {
  grep -q '^  topic:' out && bad explain-one-head "$(cat out)" || has explain-one-head out "  tone: "
}
# the same output at any thread count
run explain-t1 0 "$SLANT" explain -m ../lr.slant --threads 1 --json "$demo" && mv out t1.jsonl
run explain-t2 0 "$SLANT" explain -m ../lr.slant --threads 2 --json "$demo" && {
  cmp -s out t1.jsonl && ok explain-threads || bad explain-threads "differs by thread count"
}

# ---- counts, buckets and escapes -------------------------------------------------------
printf 'chip chip chip wafer' > counts.txt
run explain-counts 0 "$SLANT" explain -m ../lr.slant --json --top all counts.txt && {
  python3 - out <<'PY' && ok explain-counts || bad explain-counts "$(cat out)"
import json, sys
e = json.loads(open(sys.argv[1]).read())["heads"]["topic"]["explanation"]
c = {x["ngram"]: x["count"] for x in e["toward"] + e["away"]}
assert c["chip"] == 3 and c["wafer"] == 1 and c.get("chip chip", 2) == 2, c
PY
}
run explain-hashed-train 0 "$SLANT" train "$data/tiny.tsv" -o hashed.slant --hash-bits 8
run explain-hashed 0 "$SLANT" explain -m hashed.slant -n 3 "$data/new.tsv" && {
  grep -Eq '^ +[+-][0-9.]+ +[0-9]+  #[0-9]+$' out && ok explain-hashed || bad explain-hashed "$(cat out)"
}
printf 'topic\ttext\nx\tfoo_bar up\ny\tbaz up\nx\tfoo_bar down\ny\tbaz down\n' > under.tsv
run explain-escape-train 0 "$SLANT" train under.tsv -o under.slant --model nb --min-count 1
run explain-escape 0 "$SLANT" label -m under.slant --explain all <(printf 'foo_bar\n') && {
  # "foo _" is written foo_\_ and "_" alone \_
  has explain-escape out 'foo_\_:+'
  tr '\t' ' ' < out | grep -qF ' \_:+' && ok explain-escape-alone || bad explain-escape-alone "$(cat out)"
}

# ---- refusals: before any output ---------------------------------------------------------
for k in 0 -1 abc 1000001 ""; do
  run "explain-bad-k-$k" 2 "$SLANT" label -m ../lr.slant --explain "$k" "$data/new.tsv" && {
    has "explain-bad-k-$k" err "--explain takes the n-grams to show each way"
    [ ! -s out ] && ok "explain-bad-k-$k-no-output" || bad "explain-bad-k-$k-no-output" "$(cat out)"
  }
done
run explain-bad-top 2 "$SLANT" explain -m ../lr.slant --top 0 "$data/new.tsv" && has explain-bad-top err "--top takes"
run explain-no-model 2 "$SLANT" explain "$data/new.tsv" && has explain-no-model err "give the model with -m MODEL"
run explain-bad-head 2 "$SLANT" explain -m ../lr.slant --label stance "$data/new.tsv" \
  && has explain-bad-head err 'has no head "stance"'
run explain-missing 1 "$SLANT" explain -m ../lr.slant nonexistent.tsv && has explain-missing err "nonexistent.tsv"
run explain-rbf-train 0 "$SLANT" train "$data/tiny.tsv" -o rbf.slant --model svm --kernel rbf --min-count 1
for cmd in "label -m rbf.slant --explain 2" "label -m rbf.slant --explain 2 --json" "explain -m rbf.slant"; do
  name="explain-rbf-${cmd%% *}"
  # shellcheck disable=SC2086
  run "$name" 2 "$SLANT" $cmd "$data/new.tsv" && {
    has "$name" err 'head "topic" is an svm with the rbf kernel'
    [ ! -s out ] && ok "$name-no-output" || bad "$name-no-output" "$(cat out)"
  }
done
run explain-rbf-plain 0 "$SLANT" label -m rbf.slant "$data/new.tsv"
# A head "topic_why" beside "topic" would name two columns "topic_why".
printf 'topic\ttopic_why\ttext\nchips\ta\tchip wafers\ntrade\tb\tport tariffs\n' > why.tsv
run explain-clash-train 0 "$SLANT" train why.tsv -o why.slant --model nb --min-count 1
run explain-clash 2 "$SLANT" label -m why.slant --explain 1 "$data/new.tsv" && {
  has explain-clash err 'two "topic_why" columns'
  [ ! -s out ] && ok explain-clash-no-output || bad explain-clash-no-output "$(cat out)"
}
run explain-clash-json 0 "$SLANT" label -m why.slant --explain 1 --json "$data/new.tsv"
run explain-clash-plain 0 "$SLANT" label -m why.slant "$data/new.tsv"
run explain-write-error 1 sh -c "'$SLANT' explain -m ../lr.slant '$data/new.tsv' > /dev/full" \
  && has explain-write-error err "error writing the explanations"
cd ..
