#!/usr/bin/env bash
# bench/dups.sh: slant dups on imdb's 50,000 reviews (train and test
# together) and on sms_spam: pairs, clusters, wall time and peak memory;
# the sketch's recall against --exact on 5,000-document samples; many
# exact copies; and the measurement behind the default shingle
# (bench/dups_shingle.py).  Writes bench/results/DATE-dups.md (or $DUPS_OUT).
# About 6 minutes on two cores.
#
#   bench/dups.sh [SLANT] [DATA]
#
# The corpora are read where they are; the union of imdb's splits, the
# samples and the planted copies are temporary files under /tmp, removed
# at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
slant=$(realpath "${1:-$root/bin/slant}")
data=$(realpath "${2:-$root/../shared/data}")
out=${DUPS_OUT:-$root/bench/results/$(date -u +%Y-%m-%d)-dups.md}
tmp=$(mktemp -d /tmp/slant-dups-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cores=$(nproc)

# imdb's two splits as one corpus, the header once.
[ "$(head -n 1 "$data/imdb/train.tsv")" = "$(head -n 1 "$data/imdb/test.tsv")" ]
{ cat "$data/imdb/train.tsv"; tail -n +2 "$data/imdb/test.tsv"; } > "$tmp/imdb.tsv"

# timed LABEL ARGS...: runs slant with ARGS, its JSON into $tmp/LABEL.json,
# wall seconds and peak kilobytes into $tmp/LABEL.time.
timed() {
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$tmp/$label.time" "$slant" "$@" > "$tmp/$label.json"
}
# count LABEL FIELD: one of the report's counts.
count() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counts"][sys.argv[2]])' "$tmp/$1.json" "$2"; }
secs() { awk '{ printf "%.2f s", $1 }' "$tmp/$1.time"; }
mem() { awk '{ printf "%.0f MB", $2 / 1024 }' "$tmp/$1.time"; }
# recall SKETCH EXACT: "recall false-positives" of the sketch's pairs.
recall() {
  python3 - "$tmp/$1.json" "$tmp/$2.json" <<'PY'
import json, sys
def pairs(path):
    r = json.load(open(path))
    return {(p.get("id_a", p.get("id")), p.get("id_b", p.get("other_id"))) for p in r["pairs"]}
s, e = pairs(sys.argv[1]), pairs(sys.argv[2])
print("%.4f %d" % (len(s & e) / len(e) if e else 1.0, len(s - e)))
PY
}

# 4,000 reviews and 1,000 near-copies of them (copies of copies too), each
# with 0 to 8% of its words replaced by other words of the sample: bigram
# similarities spread across 0.8.  Seeded.
python3 - "$tmp/imdb.tsv" "$tmp/planted.tsv" <<'PY'
import csv, random, re, sys
csv.field_size_limit(1 << 30)
rng = random.Random(2026)
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
    col = next(rows).index("text")
    texts = [r[col] for _, r in zip(range(4000), rows)]
docs = [t.split() for t in texts]
vocab = sorted({w for d in docs for w in d})
for _ in range(1000):
    src = docs[rng.randrange(len(docs))]
    p = rng.uniform(0, 0.08)
    docs.append([rng.choice(vocab) if rng.random() < p else w for w in src])
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write("text\n" + "".join(" ".join(d) + "\n" for d in docs))
PY
head -n 5001 "$tmp/imdb.tsv" > "$tmp/first.tsv"

# 2,000 copies of one review among 10,000 others: 2 million pairs.
python3 - "$tmp/imdb.tsv" "$tmp/copies.tsv" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
body = lines[1:10001] + [lines[1]] * 2000
open(sys.argv[2], "w", encoding="utf-8").write(lines[0] + "\n" + "\n".join(body) + "\n")
PY

{
  echo "# slant dups: near-duplicates (run on $(date -u +%Y-%m-%d), UTC)"
  echo
  echo "Machine: $cores cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
  echo "$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) of memory, $(uname -sr), shared with other work (load average"
  echo "$(cut -d' ' -f1-3 /proc/loadavg) when the run began: a second thread often finds no core free)."
  echo "$("$slant" --version); the defaults: threshold 0.8, shingles of 2 words, 128 MinHash values"
  echo "cut into 21 bands of 6 (a pair at 0.8 is a candidate with probability 0.998), seed 1."
  echo "Wall time and peak memory by \`/usr/bin/time -f '%e %M'\`; each figure is one run, reading"
  echo "the corpus included."
  echo
  echo "## imdb, train and test together (50,000 reviews, $(( $(wc -c < "$tmp/imdb.tsv") / 1048576 )) MB)"
  echo
  echo "| threads | pairs | clusters | documents in clusters | distinct sets | candidates compared | wall time | peak memory |"
  echo "|---|---|---|---|---|---|---|---|"
  for j in 1 "$cores"; do
    timed "imdb-$j" dups "$tmp/imdb.tsv" --json -j "$j"
    echo "| $j | $(count "imdb-$j" pairs) | $(count "imdb-$j" clusters) | $(count "imdb-$j" in_clusters) | $(count "imdb-$j" distinct) | $(count "imdb-$j" candidates) | $(secs "imdb-$j") | $(mem "imdb-$j") |"
  done
  cmp -s "$tmp/imdb-1.json" "$tmp/imdb-$cores.json" && same="the same" || same=DIFFERENT
  echo
  echo "The output at 1 and $cores threads: $same bytes.  $(count imdb-1 shingles) distinct shingles summed over the"
  echo "reviews: $(( $(count imdb-1 shingles) * 8 / 1048576 )) MB of sets, and $(( 50000 * 21 * 8 / 1048576 )) MB of band keys, beside the corpus"
  echo "itself in memory (its texts: $(( $(wc -c < "$tmp/imdb.tsv") / 1048576 )) MB)."
  echo
  echo "## The sketch against --exact, threshold 0.8, 5,000 documents"
  echo
  echo "| sample | --exact pairs | --exact time | seed | sketch pairs | recall | pairs not in --exact | sketch time |"
  echo "|---|---|---|---|---|---|---|---|"
  for sample in first planted; do
    timed "$sample-exact" dups "$tmp/$sample.tsv" --json --exact
    for seed in 1 2 3 4 5; do
      timed "$sample-$seed" dups "$tmp/$sample.tsv" --json --seed "$seed"
      read -r r fp < <(recall "$sample-$seed" "$sample-exact")
      name=$([ "$sample" = first ] && echo "imdb's first 5,000 rows" || echo "4,000 reviews + 1,000 planted near-copies")
      echo "| $name | $(count "$sample-exact" pairs) | $(secs "$sample-exact") | $seed | $(count "$sample-$seed" pairs) | $r | $fp | $(secs "$sample-$seed") |"
    done
  done
  echo
  echo "The planted sample at other thresholds (seed 1; bands x rows as slant chooses them):"
  echo
  echo "| threshold | bands x rows | --exact pairs | sketch pairs | recall | pairs not in --exact |"
  echo "|---|---|---|---|---|---|"
  for t in 0.5 0.7 0.9; do
    timed "planted-exact-$t" dups "$tmp/planted.tsv" --json --exact --threshold "$t"
    timed "planted-sketch-$t" dups "$tmp/planted.tsv" --json --threshold "$t"
    read -r r fp < <(recall "planted-sketch-$t" "planted-exact-$t")
    br=$(python3 -c 'import json,sys; o = json.load(open(sys.argv[1]))["options"]; print("%d x %d" % (o["bands"], o["rows"]))' "$tmp/planted-sketch-$t.json")
    echo "| $t | $br | $(count "planted-exact-$t" pairs) | $(count "planted-sketch-$t" pairs) | $r | $fp |"
  done
  echo
  echo "## sms_spam (5,574 messages) and many exact copies"
  echo
  echo "| corpus | mode | pairs | clusters | documents in clusters | candidates compared | wall time | peak memory |"
  echo "|---|---|---|---|---|---|---|---|"
  timed sms dups "$data/sms_spam/all.tsv" --json
  timed sms-exact dups "$data/sms_spam/all.tsv" --json --exact
  for m in sms sms-exact; do
    echo "| sms_spam | $([ $m = sms ] && echo sketch || echo --exact) | $(count $m pairs) | $(count $m clusters) | $(count $m in_clusters) | $(count $m candidates) | $(secs $m) | $(mem $m) |"
  done
  timed copies dups "$tmp/copies.tsv" --json --clusters
  echo "| 10,000 imdb reviews + 2,000 copies of the first | sketch, --clusters | $(count copies pairs) | $(count copies clusters) | $(count copies in_clusters) | $(count copies candidates) | $(secs copies) | $(mem copies) |"
  read -r r fp < <(recall sms sms-exact)
  echo
  echo "sms_spam: the sketch's recall of --exact's pairs $r, $fp pairs that --exact does not have."
  echo "The copies: 2,001 identical reviews are one set, compared once; the 2,001 x 2,000 / 2 pairs"
  echo "are the output itself."
  echo
  echo "## The shingle size: bench/dups_shingle.py"
  echo
  python3 "$root/bench/dups_shingle.py" "$slant" "$data/sms_spam/all.tsv" "$tmp/imdb.tsv" \
    "$data/state_media_headlines/train.tsv"
  echo "## Commands"
  echo
  echo '```'
  echo "bench/dups.sh $slant $data"
  echo "# which runs, on the union \$U of imdb's train.tsv and test.tsv (one header):"
  echo "slant dups \$U --json -j 1; slant dups \$U --json -j $cores"
  echo "slant dups SAMPLE --json --exact; slant dups SAMPLE --json --seed 1..5"
  echo "slant dups PLANTED --json [--exact] --threshold 0.5|0.7|0.9"
  echo "slant dups $data/sms_spam/all.tsv --json [--exact]"
  echo "slant dups COPIES --json --clusters"
  echo "bench/dups_shingle.py $slant $data/sms_spam/all.tsv \$U $data/state_media_headlines/train.tsv"
  echo '```'
} > "$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
