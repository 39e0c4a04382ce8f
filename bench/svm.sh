#!/usr/bin/env bash
# bench/svm.sh: slant's svm (linear and RBF kernels, through libsvm) beside
# lr and nb on sms_spam (10-fold cross-validation) and hyperpartisan
# (train/test): accuracy, macro-F1 and wall time to train (folds summed).
# Writes bench/results/DATE-svm.md.  About 10 minutes on two cores.
#
#   bench/svm.sh [SLANT] [DATA]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
slant=$(realpath "${1:-$root/bin/slant}")
data=$(realpath "${2:-$root/../shared/data}")
out=$root/bench/results/$(date -u +%Y-%m-%d)-svm.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
field() {
  python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["heads"]["label"][sys.argv[2]])' "$@"
}
now() { date +%s.%N; }
models=("lr:" "nb:--model nb" "svm linear:--model svm" "svm rbf:--model svm --kernel rbf")
{
  echo "# svm through libsvm beside lr and nb, $(date -u +%Y-%m-%d)"
  echo
  echo "Machine: $(nproc) cores, $(uname -sr).  $("$slant" --version); libsvm $(dpkg-query -W -f '${Version}' libsvm3 2>/dev/null || echo '?')."
  echo "Default options otherwise (tf-idf word 1-2-grams; svm: C 1, gamma scale, Platt probabilities)."
  echo "Train time: wall seconds of \`slant cv -k 10\` (ten trainings from text, each with its fold's labeling) or of \`slant train\`."
  echo
  echo "| corpus | split | model | accuracy | macro-F1 | train time |"
  echo "|---|---|---|---|---|---|"
  for m in "${models[@]}"; do
    name=${m%%:*} opts=${m#*:}
    t0=$(now)
    # shellcheck disable=SC2086
    "$slant" cv "$data/sms_spam/all.tsv" -k 10 --json $opts > "$tmp/sms.json"
    t1=$(now)
    echo "| sms_spam | 10-fold CV | $name | $(field "$tmp/sms.json" accuracy) | $(field "$tmp/sms.json" macro_f1) | $(printf '%.1f s' "$(echo "$t1 - $t0" | bc)") |"
  done
  for m in "${models[@]}"; do
    name=${m%%:*} opts=${m#*:}
    t0=$(now)
    # shellcheck disable=SC2086
    "$slant" train "$data/hyperpartisan/train.tsv" -o "$tmp/h.slant" $opts > /dev/null
    t1=$(now)
    "$slant" eval -m "$tmp/h.slant" "$data/hyperpartisan/test.tsv" --json > "$tmp/h.json"
    echo "| hyperpartisan | train/test | $name | $(field "$tmp/h.json" accuracy) | $(field "$tmp/h.json" macro_f1) | $(printf '%.1f s' "$(echo "$t1 - $t0" | bc)") |"
  done
} > "$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
