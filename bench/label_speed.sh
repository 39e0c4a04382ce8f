#!/usr/bin/env bash
# bench/label_speed.sh: labeling speed against `wc -w` and fastText (issue 15).
#
#   bench/label_speed.sh [OUT.md]
#
# On imdb's test split (25,000 reviews, the text column alone, one review
# a line), model load included, each run its own process:
#   - `wc -w` (LC_ALL=C, its fastest), the floor of reading the words;
#   - `slant label --lines` with the default model and with a hashed one
#     (--hash-bits 20), both trained on imdb's train split, at 1 and 2
#     threads;
#   - `fasttext predict` with the bigram model of bench/peers.py, on the
#     same reviews as fastText reads them (lower-cased, punctuation split).
# The runs are interleaved RUNS times (default 9) and the medians of wall
# and CPU time kept, so that the ratios compare runs made side by side on
# a shared machine.  Then `slant bench` gives each stage's MB/s on one
# thread, and a scaling series trains the default and the hashed pipeline
# on the first N documents of imdb's train and test splits repeated
# (SIZES, default 25000 50000 100000 200000 400000: from 100,000 on every
# review is there more than once, as in issue 15's 200,000-document
# concatenation) and labels the test split with each model at 1 and 2
# threads (SIZES="" skips it).  Everything it makes lies under $WORK and is
# deleted at the end; the table goes to OUT.md (default
# bench/results/DATE-label-speed.md).  About 15 minutes on two cores with
# the scaling series, 3 without.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SLANT=${SLANT:-$ROOT/bin/slant}
DATA=${DATA:-$ROOT/../shared/data}
WORK=${WORK:-/tmp/slant-bench-label}
RUNS=${RUNS:-9}
SIZES=${SIZES-25000 50000 100000 200000 400000}
OUT=${1:-$ROOT/bench/results/$(date +%F)-label-speed.md}
for tool in fasttext /usr/bin/time awk; do
  command -v "$tool" >/dev/null || { echo "bench/label_speed.sh: $tool is missing" >&2; exit 1; }
done
[ -x "$SLANT" ] || { echo "bench/label_speed.sh: $SLANT is missing: run make first" >&2; exit 1; }
[ -f "$DATA/imdb/test.tsv" ] || { echo "bench/label_speed.sh: $DATA/imdb is absent" >&2; exit 1; }
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT

train=$DATA/imdb/train.tsv test=$DATA/imdb/test.tsv
# The text column, wherever it stands, one review a line.
text_of() {
  awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "text") c = i; next } { print $c }' "$1"
}
# fastText's form of the same: lower case, punctuation split off, as
# bench/peers.py prepares it; with "__label__L " in front for training.
ft_of() {
  awk -F'\t' -v labeled="$2" '
    NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "text") c = i; if ($i == "label") l = i }; next }
    { t = tolower($c); gsub(/[.!?,'"'"'\/()"\-:;]/, " & ", t); gsub(/[ \t]+/, " ", t); sub(/^ /, "", t); sub(/ $/, "", t)
      print (labeled ? "__label__" $l " " : "") t }' "$1"
}
text_of "$test" > "$WORK/test.lines"
ft_of "$train" 1 > "$WORK/train.ft"
ft_of "$test" 0 > "$WORK/test.ft"
bytes=$(wc -c < "$WORK/test.lines")

echo "training the models" >&2
"$SLANT" train "$train" -o "$WORK/vocab.slant" 2>/dev/null
"$SLANT" train "$train" --hash-bits 20 -o "$WORK/hashed.slant" 2>/dev/null
fasttext supervised -input "$WORK/train.ft" -output "$WORK/ft" -wordNgrams 2 -dim 10 -epoch 10 \
  -lr 0.1 -bucket 2000000 -thread 2 -verbose 0

# The runs, by name: what each executes (its output thrown away).  The
# whole script runs in the C locale, `wc -w`'s fastest.
export LC_ALL=C
names=(wc vocab_1 vocab_2 hashed_1 hashed_2 fasttext)
command_of() {
  case $1 in
    wc) cmd=(wc -w "$WORK/test.lines") ;;
    vocab_1) cmd=("$SLANT" label -m "$WORK/vocab.slant" --threads 1 --lines "$WORK/test.lines") ;;
    vocab_2) cmd=("$SLANT" label -m "$WORK/vocab.slant" --threads 2 --lines "$WORK/test.lines") ;;
    hashed_1) cmd=("$SLANT" label -m "$WORK/hashed.slant" --threads 1 --lines "$WORK/test.lines") ;;
    hashed_2) cmd=("$SLANT" label -m "$WORK/hashed.slant" --threads 2 --lines "$WORK/test.lines") ;;
    fasttext) cmd=(fasttext predict "$WORK/ft.bin" "$WORK/test.ft") ;;
  esac
}
echo "timing $RUNS interleaved rounds" >&2
for ((r = 0; r < RUNS; r++)); do
  for n in "${names[@]}"; do
    command_of "$n"
    /usr/bin/time -f "%e %U %S" -a -o "$WORK/$n.time" "${cmd[@]}" >/dev/null
  done
done
# median COLUMN FILE: the median of a column of numbers.
median() { awk -v c="$1" '{ print $c }' "$2" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A wall cpu
for n in "${names[@]}"; do
  wall[$n]=$(median 1 "$WORK/$n.time")
  cpu[$n]=$(awk '{ print $2 + $3 }' "$WORK/$n.time" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
done
mbs() { awk -v b="$bytes" -v t="$1" 'BEGIN { printf "%.0f", b / 1e6 / t }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "slant bench, one thread" >&2
"$SLANT" bench "$test" -m "$WORK/vocab.slant" -t 1 -r 5 > "$WORK/bench.vocab" 2>/dev/null
"$SLANT" bench "$test" -m "$WORK/hashed.slant" -t 1 -r 5 > "$WORK/bench.hashed" 2>/dev/null
stage() { awk -v s="$2" 'substr($0, 3, length(s) + 2) == s "  " { print $(NF-3) }' "$1"; }

{
  echo "# Labeling speed, $(date +%F)"
  echo
  echo "Machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)," \
       "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $($SLANT --version)," \
       "fastText $(dpkg-query -W -f '${Version}' fasttext 2>/dev/null || echo '?')."
  echo "imdb's test split, the text column alone (25,000 reviews, $bytes bytes), model load included;"
  echo "medians of $RUNS interleaved rounds (\`bench/label_speed.sh\`).  CPU is user + system time."
  echo
  echo "| run | wall s | CPU s | MB/s (wall) | / \`wc -w\` speed | fastText's time / this |"
  echo "|---|---|---|---|---|---|"
  for n in "${names[@]}"; do
    echo "| $n | ${wall[$n]} | ${cpu[$n]} | $(mbs "${wall[$n]}") | $(ratio "${wall[wc]}" "${wall[$n]}") | $(ratio "${wall[fasttext]}" "${wall[$n]}") |"
  done
  echo
  echo "\`slant bench\` on the same split, one thread, fastest of 5 (MB/s of text):"
  echo
  echo "| stage | default model | hashed model |"
  echo "|---|---|---|"
  for s in "tokenize" "tokenize + hash n-grams" "all features (lookup, tf-idf)" "label (features + scoring)"; do
    echo "| $s | $(stage "$WORK/bench.vocab" "$s") | $(stage "$WORK/bench.hashed" "$s") |"
  done
} > "$OUT.tmp"

if [ -n "$SIZES" ]; then
  echo "scaling series: $SIZES" >&2
  {
    echo
    echo "## Scaling: the first N documents of imdb train + test, repeated"
    echo
    echo "Training: wall time and peak RSS (\`/usr/bin/time\`), default options and \`--hash-bits 20\`."
    echo "Labeling: imdb's test split with that model, model load included, one run each (MB/s, wall)."
    echo
    echo "| documents | features | train s | train peak MB | label MB/s, 1 / 2 threads | hashed: train s | peak MB | label MB/s, 1 / 2 threads |"
    echo "|---|---|---|---|---|---|---|---|"
  } >> "$OUT.tmp"
  for n in $SIZES; do
    # (awk reads to the end: head would close the pipe, and pipefail stop the script)
    { head -1 "$train"; for ((k = 0; k * 50000 < n; k++)); do tail -n +2 "$train"; tail -n +2 "$test"; done \
        | awk -v n="$n" 'NR <= n'; } > "$WORK/scale.tsv"
    row="| $n"
    for opt in "" "--hash-bits 20"; do
      # shellcheck disable=SC2086 # opt is empty or two words
      /usr/bin/time -f "%e %M" -o "$WORK/train.time" "$SLANT" train "$WORK/scale.tsv" $opt -o "$WORK/scale.slant" 2>/dev/null
      read -r ts kb < "$WORK/train.time"
      feats=$("$SLANT" inspect "$WORK/scale.slant" | awk -F'=' '/^  features=/ { print $2; exit }')
      l1=$( { /usr/bin/time -f "%e" "$SLANT" label -m "$WORK/scale.slant" --threads 1 --lines "$WORK/test.lines" >/dev/null; } 2>&1 | tail -1)
      l2=$( { /usr/bin/time -f "%e" "$SLANT" label -m "$WORK/scale.slant" --threads 2 --lines "$WORK/test.lines" >/dev/null; } 2>&1 | tail -1)
      [ -z "$opt" ] && row="$row | $feats"
      row="$row | $ts | $((kb / 1024)) | $(mbs "$l1") / $(mbs "$l2")"
    done
    echo "$row |" >> "$OUT.tmp"
    rm -f "$WORK/scale.tsv" "$WORK/scale.slant"
  done
fi
mv "$OUT.tmp" "$OUT"
echo "wrote $OUT" >&2
