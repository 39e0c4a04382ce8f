#!/usr/bin/env bash
# bench/stream.sh: training past memory and shards merged (issue 14, part 4).
#
#   bench/stream.sh accuracy   imdb test accuracy of the in-memory defaults
#                              (nb, lr), of train --stream (nb, lr), of nb
#                              shards merged (2 and 4) and of lr shards
#                              averaged (2 and 4), each against the one fit
#   bench/stream.sh memory     peak RSS and time (/usr/bin/time -v) of the
#                              in-memory default on 25k/50k/100k/200k
#                              documents, and of train --stream on the same
#                              and on a generated 2 GB corpus (SIZES="" skips
#                              the series, LR_BIG=0 the lr run on 2 GB)
#
# Every corpus it makes lies under $WORK (/tmp/slant-bench-stream) and is
# deleted at the end: shuffled repeats of ../shared/data's imdb (train and
# test) for the in-memory series, and of imdb train with article_bias for
# the 2 GB one (one head "label": pos, neg, left, center, right).  Results
# go to $WORK/*.tsv and standard output; bench/results/2026-12-02-stream.md
# has the figures of one run.
set -euo pipefail
SLANT=${SLANT:-$(pwd)/bin/slant}
DATA=${DATA:-$(cd "$(dirname "$0")/../.." && pwd)/shared/data}
WORK=${WORK:-/tmp/slant-bench-stream}
THREADS=${THREADS:-2}
GB=${GB:-2}
mkdir -p "$WORK"
trap 'rm -f "$WORK"/*.tsv.corpus "$WORK"/*.slant' EXIT

# shuffled N: the lines of the files after the first argument, header
# dropped, shuffled with seed N.
shuffled() {
  local seed=$1; shift
  for f in "$@"; do tail -n +2 "$f"; done | shuffle "$seed"
}

# shuffle N: standard input's lines in an order drawn from seed N (awk's
# rand, then sort: memory stays sort's, whatever the input).
shuffle() {
  awk -v seed="$1" 'BEGIN { srand(seed) } { printf "%.12f\t%s\n", rand(), $0 }' \
    | LC_ALL=C sort -S 256M -T "$WORK" -k1,1 | cut -f2-
}

# measure NAME CMD...: one line "NAME<TAB>peak MiB<TAB>seconds" to memory.tsv
measure() {
  local name=$1; shift
  /usr/bin/time -v "$@" > "$WORK/$name.out" 2> "$WORK/$name.time"
  local kb s
  kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/$name.time")
  s=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); v = 0;
        for (i = 1; i <= n; i++) v = v * 60 + t[i]; print v }' "$WORK/$name.time")
  printf '%s\t%.0f\t%.1f\n' "$name" "$((kb / 1024))" "$s" | tee -a "$WORK/memory.tsv"
}

# accuracy NAME MODEL: imdb test accuracy, to accuracy.tsv
accuracy() {
  local a
  a=$("$SLANT" eval -m "$2" "$DATA/imdb/test.tsv" --threads "$THREADS" \
      | awk '/accuracy/ { print $4; exit }')
  printf '%s\t%s\n' "$1" "$a" | tee -a "$WORK/accuracy.tsv"
}

# The largest difference of the probabilities two models give imdb test.
max_diff() {
  "$SLANT" label -m "$1" "$DATA/imdb/test.tsv" --threads "$THREADS" | cut -f3 > "$WORK/p1"
  "$SLANT" label -m "$2" "$DATA/imdb/test.tsv" --threads "$THREADS" | cut -f3 > "$WORK/p2"
  paste "$WORK/p1" "$WORK/p2" | awk 'NR > 1 { d = $1 - $2; if (d < 0) d = -d; if (d > m) m = d }
                                     END { printf "%.1e\n", m }'
}

# shards K SRC: SRC's rows dealt round-robin into K files shard1..K (with
# the header), disjoint, together SRC.
shards() {
  local k=$1 src=$2 i
  for i in $(seq 1 "$k"); do
    { head -n 1 "$src"; tail -n +2 "$src" | awk -v k="$k" -v i="$i" '(NR - 1) % k == i - 1'; } \
      > "$WORK/shard$i.tsv.corpus"
  done
}

run_accuracy() {
  : > "$WORK/accuracy.tsv"
  local train=$DATA/imdb/train.tsv t="--threads $THREADS"
  "$SLANT" train "$train" -o "$WORK/lr.slant" $t >/dev/null
  accuracy "in-memory lr (default)" "$WORK/lr.slant"
  "$SLANT" train "$train" --model nb -o "$WORK/nb.slant" $t >/dev/null
  accuracy "in-memory nb" "$WORK/nb.slant"
  "$SLANT" train "$train" --model nb --hash-bits 20 --calibrate none -o "$WORK/nbh.slant" $t >/dev/null
  accuracy "in-memory nb, hashed 2^20" "$WORK/nbh.slant"
  "$SLANT" train "$train" --stream --model nb -o "$WORK/snb.slant" $t >/dev/null
  accuracy "--stream nb" "$WORK/snb.slant"
  echo "--stream nb against in-memory hashed nb: max |p - p'| $(max_diff "$WORK/snb.slant" "$WORK/nbh.slant")"
  "$SLANT" train "$train" --stream -o "$WORK/slr.slant" $t >/dev/null
  accuracy "--stream lr (32 MiB chunks)" "$WORK/slr.slant"
  for c in 16M 8M; do
    "$SLANT" train "$train" --stream --chunk "$c" -o "$WORK/slrc.slant" $t >/dev/null
    accuracy "--stream lr, --chunk $c" "$WORK/slrc.slant"
  done
  "$SLANT" train "$train" --hash-bits 20 --calibrate none -o "$WORK/lrh.slant" $t >/dev/null
  accuracy "in-memory lr, hashed 2^20" "$WORK/lrh.slant"
  for k in 2 4; do
    shards "$k" "$train"
    local nbs=() lrs=() i
    for i in $(seq 1 "$k"); do
      "$SLANT" train "$WORK/shard$i.tsv.corpus" -f tsv --model nb --weighting counts --hash-bits 20 \
        --calibrate none -o "$WORK/nb$i.slant" $t >/dev/null
      "$SLANT" train "$WORK/shard$i.tsv.corpus" -f tsv --stream --vocab "$WORK/nb.slant" --model nb \
        -o "$WORK/nbv$i.slant" $t >/dev/null
      "$SLANT" train "$WORK/shard$i.tsv.corpus" -f tsv --hash-bits 20 --calibrate none \
        -o "$WORK/lr$i.slant" $t >/dev/null
      nbs+=("$WORK/nb$i.slant"); lrs+=("$WORK/lr$i.slant")
    done
    "$SLANT" merge "${nbs[@]}" -o "$WORK/nbm.slant" >/dev/null
    accuracy "nb counts, $k shards merged" "$WORK/nbm.slant"
    accuracy "nb counts, shard 1 alone of $k" "$WORK/nb1.slant"
    if [ "$k" = 2 ]; then
      "$SLANT" train "$train" --model nb --weighting counts --hash-bits 20 --calibrate none \
        -o "$WORK/nbu.slant" $t >/dev/null
      accuracy "nb counts, one fit on the union" "$WORK/nbu.slant"
      echo "nb counts: 2 merged against the union: max |p - p'| $(max_diff "$WORK/nbm.slant" "$WORK/nbu.slant")"
    fi
    local vs=() ; for i in $(seq 1 "$k"); do vs+=("$WORK/nbv$i.slant"); done
    "$SLANT" merge "${vs[@]}" -o "$WORK/nbvm.slant" >/dev/null
    accuracy "nb tf-idf on in-memory nb's vocabulary, $k shards merged" "$WORK/nbvm.slant"
    "$SLANT" merge --average "${lrs[@]}" -o "$WORK/lrm.slant" >/dev/null
    accuracy "lr hashed, $k shards averaged" "$WORK/lrm.slant"
    accuracy "lr hashed, shard 1 alone of $k" "$WORK/lr1.slant"
  done
  "$SLANT" train "$train" --stream --vocab "$WORK/nb.slant" --model nb -o "$WORK/nbvu.slant" $t >/dev/null
  accuracy "nb tf-idf on in-memory nb's vocabulary, streamed on the union" "$WORK/nbvu.slant"
  echo "vocabulary nb: 4 merged against the union: max |p - p'| $(max_diff "$WORK/nbvm.slant" "$WORK/nbvu.slant")"
}

run_memory() {
  : > "$WORK/memory.tsv"
  local t="--threads $THREADS" n big=$WORK/big.tsv.corpus
  # imdb-sized documents, 25k to 200k of them
  { echo $'label\ttext'; for r in 1 2 3 4; do shuffled "$r" "$DATA/imdb/train.tsv" "$DATA/imdb/test.tsv"; done; } \
    > "$WORK/imdb200k.tsv.corpus"
  for n in ${SIZES-25000 50000 100000 200000}; do
    head -n $((n + 1)) "$WORK/imdb200k.tsv.corpus" > "$WORK/n.tsv.corpus"
    measure "in-memory default lr, $n docs" "$SLANT" train "$WORK/n.tsv.corpus" -f tsv -o "$WORK/m.slant" $t
    measure "--stream nb, $n docs" "$SLANT" train "$WORK/n.tsv.corpus" -f tsv --stream --model nb -o "$WORK/m.slant" $t
  done
  # GB gigabytes of shuffled repeats of imdb train and article_bias
  echo $'label\ttext' > "$big"
  local r=1
  while [ "$(stat -c %s "$big")" -lt $((GB * 1000000000)) ]; do
    { tail -n +2 "$DATA/imdb/train.tsv"; tail -n +2 "$DATA/article_bias/train.tsv" | cut -f1,3; } \
      | shuffle "$r" >> "$big"
    r=$((r + 1))
  done
  echo "big corpus: $(stat -c %s "$big") bytes, $(($(wc -l < "$big") - 1)) documents"
  measure "--stream nb, ${GB} GB" "$SLANT" train "$big" -f tsv --stream --model nb -o "$WORK/m.slant" $t
  measure "--stream cnb counts (one pass), ${GB} GB" "$SLANT" train "$big" -f tsv --stream --model cnb \
    --weighting counts -o "$WORK/m.slant" $t
  if [ "${LR_BIG:-1}" = 1 ]; then
    measure "--stream lr, ${GB} GB" "$SLANT" train "$big" -f tsv --stream -o "$WORK/m.slant" $t
  fi
  rm -f "$big" "$WORK/imdb200k.tsv.corpus" "$WORK/n.tsv.corpus"
}

case "${1:-}" in
accuracy) run_accuracy ;;
memory) run_memory ;;
*) echo "usage: bench/stream.sh accuracy|memory" >&2; exit 2 ;;
esac
