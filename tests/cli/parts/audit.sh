# slant audit (issue 12, part 4): labels planted wrong in a small corpus
# come first; --top, --rank, --label and --json; bad requests refused.
mkdir -p audit && cd audit || return
# 80 documents of two topics, each of five words drawn from its topic's
# ten; documents 7, 22, 41 and 66 carry the other topic's label.
python3 - <<'PY' > planted.tsv
import random
rng = random.Random(5)
sport = "match goal striker league coach penalty season keeper derby referee".split()
vote = "ballot senate minister election vote campaign parliament policy coalition mayor".split()
print("id\ttopic\ttone\ttext")
for i in range(80):
    words = vote if i % 2 else sport
    topic = ("politics" if i % 2 else "sport")
    if i in (7, 22, 41, 66):
        topic = "sport" if i % 2 else "politics"
    print(f"d{i}\t{topic}\t{'calm' if i % 3 else 'angry'}\t" + " ".join(rng.choice(words) for _ in range(5)))
PY
planted="d7 d22 d41 d66"
run audit-planted 0 "$SLANT" audit planted.tsv -l topic --model nb --min-count 1 -k 5 && {
  has audit-header out "$(printf 'id\thead\tgiven\tsuggested\tp_given\tp_suggested\tscore')"
  top=$(sed -n '2,5p' out | cut -f1 | sort | tr '\n' ' ')
  [ "$top" = "d22 d41 d66 d7 " ] && ok audit-planted-first || bad audit-planted-first "$(cat out)"
  awk -F'\t' 'NR > 1 && NR <= 5 && !($3 != $4 && $5 < $6 && $7 < 0) { exit 1 }' out \
    && ok audit-planted-columns || bad audit-planted-columns "$(cat out)"
  grep -q $'^d7\ttopic\tsport\tpolitics\t' out && ok audit-suggests || bad audit-suggests "$(cat out)"
}
# the same at another thread count, byte for byte
cp out planted.out
run audit-threads 0 "$SLANT" audit planted.tsv -l topic --model nb --min-count 1 -k 5 -t 1 \
  && { cmp -s out planted.out && ok audit-threads-same || bad audit-threads-same "$(diff out planted.out)"; }
run audit-top 0 "$SLANT" audit planted.tsv -l topic --model nb --min-count 1 -k 5 --top 10 \
  && { [ "$(wc -l < out)" = 11 ] && ok audit-top-rows || bad audit-top-rows "$(cat out)"; }
run audit-top-all 0 "$SLANT" audit planted.tsv --model nb --min-count 1 -k 5 --top all \
  && { [ "$(wc -l < out)" = 161 ] && ok audit-top-all-rows || bad audit-top-all-rows "$(wc -l < out)"; }
run audit-rank 0 "$SLANT" audit planted.tsv -l topic --model nb --min-count 1 -k 5 --rank confidence \
  && awk -F'\t' 'NR > 1 && $7 != $5 { exit 1 }' out && ok audit-rank-confidence || bad audit-rank-confidence "$(cat out)"
run audit-json 0 "$SLANT" audit planted.tsv -l topic --model nb --min-count 1 -k 5 --json && {
  python3 - out <<'PY' && ok audit-json-fields || bad audit-json-fields "$(cat out)"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["folds"] == 5 and r["rank"] == "margin" and r["passes"] == 2, r
h = r["heads"]["topic"]
assert h["documents"] == 80 and h["estimated_errors"] == len(h["suspects"]) >= 4, h
assert {s["id"] for s in h["suspects"][:4]} == {"d7", "d22", "d41", "d66"}, h
assert all(s["flagged"] for s in h["suspects"]), h
assert set(h["suspects"][0]) == {"id", "given", "suggested", "p_given", "p_suggested", "score", "flagged"}
PY
}
# one pass: the first models' probabilities, not the second pass's (which
# trained without the suspects, and so are surer they are wrong)
run audit-one-pass 0 "$SLANT" audit planted.tsv -l topic --model nb --min-count 1 -k 5 --passes 1 --json \
  && { cp out one.json; run audit-two-passes 0 "$SLANT" audit planted.tsv -l topic --model nb --min-count 1 -k 5 --json; } \
  && python3 - one.json out <<'PY' && ok audit-passes || bad audit-passes "$(cat one.json out)"
import json, sys
one, two = (json.load(open(f)) for f in sys.argv[1:3])
assert one["passes"] == 1 and two["passes"] == 2
p1 = {s["id"]: s["p_given"] for s in one["heads"]["topic"]["suspects"]}
p2 = {s["id"]: s["p_given"] for s in two["heads"]["topic"]["suspects"]}
planted = ["d7", "d22", "d41", "d66"]
assert all(i in p1 and i in p2 for i in planted), (p1, p2)
assert sum(p2[i] for i in planted) < sum(p1[i] for i in planted), (p1, p2)
# the count flagged is the first pass's
e1, e2 = (r["heads"]["topic"]["estimated_errors"] for r in (one, two))
assert e1 == e2 == sum(s["flagged"] for s in two["heads"]["topic"]["suspects"]), (e1, e2)
PY
run audit-bad-passes 2 "$SLANT" audit planted.tsv --passes 3 && has audit-bad-passes err "--passes"
run audit-verbose 0 "$SLANT" audit planted.tsv -l topic --model nb --min-count 1 -k 5 -v \
  && has audit-verbose-estimate err "head topic: " \
  && has audit-verbose-second-pass err "training the folds again without the"
# bad requests
run audit-unknown-head 2 "$SLANT" audit planted.tsv -l stance && has audit-unknown-head err '"stance"'
run audit-bad-top 2 "$SLANT" audit planted.tsv --top 0 && has audit-bad-top err "--top"
run audit-bad-top-word 2 "$SLANT" audit planted.tsv --top many && has audit-bad-top-word err "--top"
run audit-bad-rank 2 "$SLANT" audit planted.tsv --rank loud && has audit-bad-rank err "--rank is margin or confidence"
run audit-no-labels 2 "$SLANT" audit "$data/new.tsv" -k 2 && has audit-no-labels err "no label column to audit"
run audit-no-corpus 2 "$SLANT" audit && has audit-no-corpus err "give exactly one CORPUS"
run audit-bad-option 2 "$SLANT" audit planted.tsv --model nb --c 3 && has audit-bad-option err "--c"
run audit-group-missing 2 "$SLANT" audit planted.tsv --group outlet && has audit-group-missing err "outlet"
run audit-help 0 "$SLANT" audit --help && has audit-help out "Usage: slant audit"
cd ..
