# slant dups: near-duplicate pairs and clusters, within one corpus and
# between two; bad options and bad input exit 2 with nothing on stdout.
mkdir -p dups-cli && cd dups-cli || return
run dups-help 0 "$SLANT" dups --help && has dups-help out "Usage: slant dups CORPUS [OTHER]"
has dups-help-reading out "--text-column NAME"
run dups-main-help 0 "$SLANT" --help && has dups-main-help out "dups CORPUS [OTHER]"

# 30 words; a3 is a1 with a full stop, a4 with one word changed (2 of 29
# bigrams each side: 27 / 31), a6 with eight changed (far below 0.8).
base="the city council approved the new budget for schools and roads on tuesday evening after a long debate that ran past midnight while residents waited outside in the cold rain"
{ printf 'id\ttopic\ttext\n'
  printf 'a1\tcity\t%s\n' "$base"
  printf 'a2\tweather\tstorm warnings were issued for the whole coast as winds reached ninety miles per hour overnight and thousands of homes lost power before dawn\n'
  printf 'a3\tcity\t%s.\n' "$(echo "$base" | sed 's/^the/The/')"
  printf 'a4\tcity\t%s\n' "$(echo "$base" | sed 's/ roads / parks /')"
  printf 'a5\tsport\tcompletely different words about football results from the weekend league games\n'
  printf 'a6\tcity\t%s\n' "$(echo "$base" | sed 's/ roads / parks /; s/ tuesday / monday /; s/ long / short /; s/ midnight / noon /; s/ cold / warm /; s/ rain / snow /; s/ residents / people /; s/ debate / vote /')"
  printf 'a7\tnone\t!!! ...\n'
} > dups-corpus.tsv
printf 'id_a\tid_b\tjaccard\na1\ta3\t1.0000\na1\ta4\t0.8710\na3\ta4\t0.8710\n' > dups-want.tsv
run dups-pairs 0 "$SLANT" dups dups-corpus.tsv && {
  cmp -s out dups-want.tsv && ok dups-pairs-tsv || bad dups-pairs-tsv "$(diff dups-want.tsv out)"
  [ ! -s err ] && ok dups-quiet-without-v || bad dups-quiet-without-v "$(cat err)"
}
run dups-exact 0 "$SLANT" dups dups-corpus.tsv --exact && {
  cmp -s out dups-want.tsv && ok dups-exact-same || bad dups-exact-same "$(diff dups-want.tsv out)"
}
run dups-threads 0 "$SLANT" dups dups-corpus.tsv -j 1 --threads 2 && {
  cmp -s out dups-want.tsv && ok dups-threads-same || bad dups-threads-same "$(diff dups-want.tsv out)"
}
run dups-threshold 0 "$SLANT" dups dups-corpus.tsv --threshold 0.9 && {
  [ "$(tail -n +2 out)" = "$(printf 'a1\ta3\t1.0000')" ] && ok dups-threshold-0.9 || bad dups-threshold-0.9 "$(cat out)"
}
run dups-shingle 0 "$SLANT" dups dups-corpus.tsv --shingle 1 && {
  # single words: one of 28 distinct changed, 27 / 29
  grep -qF "$(printf 'a1\ta4\t0.9310')" out && ok dups-shingle-1 || bad dups-shingle-1 "$(cat out)"
}
run dups-clusters 0 "$SLANT" dups dups-corpus.tsv --clusters && {
  [ "$(cat out)" = "$(printf 'cluster\tsize\tid\n0\t3\ta1\n0\t3\ta3\n0\t3\ta4')" ] \
    && ok dups-clusters-tsv || bad dups-clusters-tsv "$(cat out)"
}
run dups-json 0 "$SLANT" dups dups-corpus.tsv --json && {
  python3 - out <<'PY' && ok dups-json-report || bad dups-json-report "$(cat out)"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["corpus"] == "dups-corpus.tsv" and r["other"] is None, r
assert r["options"]["threshold"] == 0.8 and r["options"]["exact"] is False, r["options"]
assert r["options"]["bands"] * r["options"]["rows"] <= 128, r["options"]
assert r["options"]["recall_at_threshold"] >= 0.99, r["options"]
n = r["counts"]
assert (n["documents"], n["empty"], n["distinct"], n["pairs"], n["clusters"], n["in_clusters"]) \
    == (7, 1, 5, 3, 1, 3), n
assert [(p["id_a"], p["id_b"]) for p in r["pairs"]] == [("a1", "a3"), ("a1", "a4"), ("a3", "a4")]
assert abs(r["pairs"][1]["jaccard"] - 27 / 31) < 1e-9, r["pairs"]
PY
}
run dups-json-clusters 0 "$SLANT" dups dups-corpus.tsv --json --clusters && {
  python3 -c 'import json,sys; r = json.load(sys.stdin); c = r["clusters"]
assert len(c) == 1 and c[0]["size"] == 3 and [d["id"] for d in c[0]["documents"]] == ["a1", "a3", "a4"], c
assert "pairs" not in r' < out && ok dups-json-clusters || bad dups-json-clusters "$(cat out)"
}
run dups-verbose 0 "$SLANT" dups dups-corpus.tsv -v && {
  has dups-verbose err "dups: 7 documents, 3 pairs, 1 clusters, "
  has dups-verbose-bands err "bands x"
}
run dups-stdin 0 sh -c "cat dups-corpus.tsv | '$SLANT' dups -" && {
  cmp -s out dups-want.tsv && ok dups-stdin || bad dups-stdin "$(cat out)"
}
# the text in another column, and a line format
awk -F'\t' 'BEGIN { OFS = "\t" } { print $1, $3 }' dups-corpus.tsv | sed '1s/text/body/' > dups-body.tsv
run dups-text-column 0 "$SLANT" dups dups-body.tsv --text-column body && {
  cmp -s out dups-want.tsv && ok dups-text-column || bad dups-text-column "$(cat out)"
}
tail -n +2 dups-corpus.tsv | cut -f3 > dups-lines.txt
run dups-lines 0 "$SLANT" dups dups-lines.txt --format lines && {
  [ "$(tail -n +2 out | cut -f1,2 | tr '\n\t' '  ')" = "1 3 1 4 3 4 " ] && ok dups-lines || bad dups-lines "$(cat out)"
}

# Two corpora: pairs of one document of each only.
{ printf 'id\ttext\n'
  printf 'b1\tStorm warnings were issued for the whole coast as winds reached ninety miles per hour overnight and thousands of homes lost power before dawn!\n'
  printf 'b2\tnothing like the others at all\n'
  printf 'b3\t%s\n' "$base"
} > dups-other.tsv
run dups-two 0 "$SLANT" dups dups-corpus.tsv dups-other.tsv && {
  [ "$(cat out)" = "$(printf 'id\tother_id\tjaccard\na1\tb3\t1.0000\na2\tb1\t1.0000\na3\tb3\t1.0000\na4\tb3\t0.8710')" ] \
    && ok dups-two-cross-pairs || bad dups-two-cross-pairs "$(cat out)"
}
run dups-two-clusters 0 "$SLANT" dups dups-corpus.tsv dups-other.tsv --clusters && {
  [ "$(cat out)" = "$(printf 'cluster\tsize\tcorpus\tid\n0\t4\t1\ta1\n0\t4\t1\ta3\n0\t4\t1\ta4\n0\t4\t2\tb3\n1\t2\t1\ta2\n1\t2\t2\tb1')" ] \
    && ok dups-two-clusters || bad dups-two-clusters "$(cat out)"
}
run dups-two-json 0 "$SLANT" dups dups-corpus.tsv dups-other.tsv --json && {
  python3 -c 'import json,sys; r = json.load(sys.stdin)
assert r["other"] == "dups-other.tsv" and r["counts"]["documents"] == 10, r
assert [(p["id"], p["other_id"]) for p in r["pairs"]] == [("a1", "b3"), ("a2", "b1"), ("a3", "b3"), ("a4", "b3")], r' < out \
    && ok dups-two-json || bad dups-two-json "$(cat out)"
}

# Bad options and bad input: exit 2, a message, nothing on stdout.
for t in 0 1.5 -0.2 abc; do
  run "dups-bad-threshold-$t" 2 "$SLANT" dups dups-corpus.tsv --threshold "$t" && {
    has "dups-bad-threshold-$t" err "--threshold"
    [ ! -s out ] && ok "dups-bad-threshold-$t-no-output" || bad "dups-bad-threshold-$t-no-output" "$(cat out)"
  }
done
run dups-bad-shingle 2 "$SLANT" dups dups-corpus.tsv --shingle 17 && has dups-bad-shingle err "--shingle: 17 is out of range (1 to 16)"
run dups-bad-seed 2 "$SLANT" dups dups-corpus.tsv --seed -1 && has dups-bad-seed err "--seed"
run dups-no-corpus 2 "$SLANT" dups && has dups-no-corpus err "give one CORPUS"
run dups-three 2 "$SLANT" dups dups-corpus.tsv dups-other.tsv dups-body.tsv && has dups-three err "give one CORPUS"
run dups-unknown 2 "$SLANT" dups dups-corpus.tsv --fuzzy && has dups-unknown err "unknown option '--fuzzy'"
run dups-missing-value 2 "$SLANT" dups dups-corpus.tsv --threshold && has dups-missing-value err "--threshold needs a value"
{ cat dups-corpus.tsv; printf 'a8\tcity\tone\ttwo\n'; } > dups-ragged.tsv
run dups-bad-line 2 "$SLANT" dups dups-ragged.tsv && {
  has dups-bad-line err "dups-ragged.tsv:9:"
  [ ! -s out ] && ok dups-bad-line-no-output || bad dups-bad-line-no-output "$(cat out)"
}
run dups-bad-other 2 "$SLANT" dups dups-corpus.tsv dups-ragged.tsv && {
  has dups-bad-other err "dups-ragged.tsv:9:"
  [ ! -s out ] && ok dups-bad-other-no-output || bad dups-bad-other-no-output "$(cat out)"
}
run dups-missing-file 1 "$SLANT" dups dups-nonexistent.tsv && has dups-missing-file err "dups-nonexistent.tsv"
printf '1 1:1 2:1\n2 1:1 3:1\n' > dups-vectors.svm
run dups-vectors 2 "$SLANT" dups dups-vectors.svm && has dups-vectors err "dups-vectors.svm: the corpus holds LIBSVM vectors, not text"
cd ..
