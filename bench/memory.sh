#!/usr/bin/env bash
# bench/memory.sh: training's peak memory and time.  The default pipeline
# (`slant train CORPUS -o M`, no options) and the same with --hash-bits 20
# on imdb's train split and on concatenations of imdb's train and test
# splits of 25,000 to 400,000 documents (the 50,000 reviews repeated, one
# header): wall time and peak resident memory (/usr/bin/time's %M), the
# features and non-zeros of the matrix; fastText's training on imdb for
# reference when it is installed.  Writes bench/results/DATE-memory.md (or
# $MEMORY_OUT).  About 8 minutes on two cores; twice that with a base.
#
#   bench/memory.sh [SLANT] [DATA]
#
#   MEMORY_BASE=OLD_SLANT  also run an older build, each of its runs just
#                          before the same run of SLANT (interleaved, so
#                          that a busy machine slows both alike), with the
#                          ratios and a check that both wrote the same model
#                          bytes (SOURCE_DATE_EPOCH is fixed)
#   MEMORY_SIZES="25000 50000"  the concatenations' sizes (empty or unset:
#                          25000 50000 100000 200000 400000)
#   MEMORY_REPS=N          runs of each (the fastest time and the largest
#                          peak are kept; 1)
#
# The corpora are read where they are; the concatenations are temporary
# files under /tmp, removed at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
slant=$(realpath "${1:-$root/bin/slant}")
data=$(realpath "${2:-$root/../shared/data}")
base=${MEMORY_BASE:+$(realpath "$MEMORY_BASE")}
sizes=${MEMORY_SIZES:-25000 50000 100000 200000 400000}
reps=${MEMORY_REPS:-1}
out=${MEMORY_OUT:-$root/bench/results/$(date +%F)-memory.md}
tmp=$(mktemp -d /tmp/slant-memory-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1764633600 # the model's date: the same bytes from both builds

[ "$(head -n 1 "$data/imdb/train.tsv")" = "$(head -n 1 "$data/imdb/test.tsv")" ]

# concat N: the first N reviews of imdb's train and test splits repeated,
# into $tmp/concat-N.tsv.
concat() {
  local n=$1 copies=$(( ($1 + 49999) / 50000 ))
  {
    head -n 1 "$data/imdb/train.tsv"
    for _ in $(seq "$copies"); do
      tail -n +2 "$data/imdb/train.tsv"
      tail -n +2 "$data/imdb/test.tsv"
    done | awk -v n="$n" 'NR <= n'
  } > "$tmp/concat-$n.tsv"
}

# train BIN TAG CORPUS ARGS...: one training; "seconds kilobytes" into
# $tmp/TAG.time (the fastest and largest of $reps runs), the log into
# $tmp/TAG.log, the model into $tmp/TAG.slant.
train() {
  local bin=$1 tag=$2 corpus=$3; shift 3
  /usr/bin/time -f '%e %M' -o "$tmp/$tag.run" \
    "$bin" train -v --quiet "$corpus" -o "$tmp/$tag.slant" "$@" > /dev/null 2> "$tmp/$tag.log"
  if [ -f "$tmp/$tag.time" ]; then
    paste -d ' ' "$tmp/$tag.time" "$tmp/$tag.run" \
      | awk '{ printf "%s %s\n", ($1 < $3 ? $1 : $3), ($2 > $4 ? $2 : $4) }' > "$tmp/$tag.best"
    mv "$tmp/$tag.best" "$tmp/$tag.time"
  else
    mv "$tmp/$tag.run" "$tmp/$tag.time"
  fi
}
secs() { awk '{ printf "%.2f", $1 }' "$tmp/$1.time"; }
mib() { awk '{ printf "%.0f", $2 / 1024 }' "$tmp/$1.time"; }
# shape TAG: "features | non-zeros" from the -v log.
shape() { sed -n 's/^slant: \([0-9]*\) features, \([0-9]*\) non-zeros$/\1 | \2/p' "$tmp/$1.log"; }

rows=()
# measure NAME CORPUS OPTIONS_TEXT ARGS...: one row of the table.
measure() {
  local name=$1 corpus=$2 shown=$3; shift 3
  local docs bytes
  docs=$(( $(wc -l < "$corpus") - 1 ))
  bytes=$(stat -c %s "$corpus")
  rm -f "$tmp"/new.time "$tmp"/old.time
  for _ in $(seq "$reps"); do
    [ -n "$base" ] && train "$base" old "$corpus" "$@"
    train "$slant" new "$corpus" "$@"
  done
  local row
  row="| $name | $docs | $(( bytes / 1048576 )) | $shown | $(shape new) | $(secs new) | $(mib new) |"
  if [ -n "$base" ]; then
    local same=no
    cmp -s "$tmp/old.slant" "$tmp/new.slant" && same=yes
    row="$row $(secs old) | $(mib old) | $(awk -v a="$(secs new)" -v b="$(secs old)" \
      'BEGIN { printf "%.2f", a / b }') | $(awk -v a="$(mib new)" -v b="$(mib old)" \
      'BEGIN { printf "%.2f", a / b }') | $same |"
  fi
  rows+=("$row")
  echo "$row" >&2
}

for opts in default hash20; do
  args=()
  [ "$opts" = hash20 ] && args=(--hash-bits 20)
  shown=${args[*]:-(defaults)}
  measure "imdb train" "$data/imdb/train.tsv" "$shown" "${args[@]}"
done
for n in $sizes; do
  concat "$n"
  for opts in default hash20; do
    args=()
    [ "$opts" = hash20 ] && args=(--hash-bits 20)
    shown=${args[*]:-(defaults)}
    measure "imdb x$(( (n + 49999) / 50000 )) (first $n)" "$tmp/concat-$n.tsv" "$shown" \
      "${args[@]}"
  done
  rm -f "$tmp/concat-$n.tsv"
done

# fastText on imdb's train split, for reference: its own format, the
# bigrams of its paper's runs, as many threads as cores.
fasttext_row=
if command -v fasttext > /dev/null; then
  awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "label") l = i; if ($i == "text") t = i }; next }
               { print "__label__" $l " " $t }' "$data/imdb/train.tsv" > "$tmp/imdb.ft"
  /usr/bin/time -f '%e %M' -o "$tmp/ft.time" fasttext supervised -input "$tmp/imdb.ft" \
    -output "$tmp/ft" -wordNgrams 2 -thread "$(nproc)" -verbose 0 > /dev/null 2>&1
  fasttext_row="fastText (\`fasttext supervised -wordNgrams 2 -thread $(nproc)\`, its defaults otherwise: 2M hash buckets of 100 dimensions) on imdb's train split: $(secs ft) s, $(mib ft) MiB."
  rm -f "$tmp/imdb.ft" "$tmp"/ft.bin "$tmp"/ft.vec
fi

{
  echo "# Training memory"
  echo
  echo "$(date +%F), \`bench/memory.sh\` at $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "on $(nproc) cores ($(uname -m)); load average before the runs: $(cut -d ' ' -f 1-3 /proc/loadavg)."
  echo "\`slant train CORPUS -o M\` (the default pipeline: lr, word 1-2-grams, min count 2, tf-idf, the"
  echo "dual solver, balanced class weights, calibration's inner 3-fold temperature fit), and the same"
  echo "with \`--hash-bits 20\`, all threads.  Peak is the resident set's (\`/usr/bin/time\` %M) in MiB;"
  echo "time is wall seconds$( [ "$reps" -gt 1 ] && echo ", the fastest of $reps runs" )."
  echo "The concatenations repeat imdb's 50,000 train and test reviews (one header): from 100,000 on every"
  echo "n-gram occurs at least twice, so --min-count 2 keeps all of them (the vocabulary jumps, then stops"
  echo "growing while the matrix does)."
  if [ -n "$base" ]; then
    echo "\"before\" is $base, each of its runs just before the same run of $slant;"
    echo "\"same\" says whether both wrote the same model bytes."
  fi
  echo
  if [ -n "$base" ]; then
    echo "| corpus | documents | MiB of text | options | features | non-zeros | s | peak MiB | s before | peak MiB before | time ratio | peak ratio | same |"
    echo "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  else
    echo "| corpus | documents | MiB of text | options | features | non-zeros | s | peak MiB |"
    echo "|---|---:|---:|---|---:|---:|---:|---:|"
  fi
  printf '%s\n' "${rows[@]}"
  echo
  echo "The matrix holds 8 bytes a non-zero (a 32-bit index and a float value), which the solvers read"
  echo "as they are: the floor under the peak is that, the vocabulary (hash tables, names) and the"
  echo "weights."
  if [ -n "$fasttext_row" ]; then
    echo
    echo "$fasttext_row"
  fi
} > "$out"
echo "wrote $out" >&2
