#!/usr/bin/env bash
# Web pages and archives (issue 14): how fast slant reads a WARC of news
# pages, and what the boilerplate costs a model trained on plain text.
#
#   bench/warc.sh [CORPUS_DIR] [LIMIT]
#
# CORPUS_DIR holds train.tsv and test.tsv (default ../shared/data/imdb);
# LIMIT caps the test pages (0: all).  The test split is wrapped in the
# boilerplate of bench/warc_gen.py (header, navigation, cookie banner,
# share buttons, related stories, comments of both leanings, newsletter,
# footer, scripts and styles) and written under /tmp/slant-warc, never in
# the repository.  Prints the figures of bench/results/*-warc.md.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
data=${1:-$root/../shared/data/imdb}
limit=${2:-0}
work=/tmp/slant-warc
mkdir -p "$work"
slant=$root/bin/slant
py=/usr/bin/python3
label=$(head -n1 "$data/train.tsv" | cut -f1)

echo "== model: slant train $data/train.tsv (defaults)"
[ -e "$work/model.slant" ] || "$slant" train "$data/train.tsv" -o "$work/model.slant" --quiet >/dev/null

echo "== pages: bench/warc_gen.py"
"$py" "$root/bench/warc_gen.py" "$data/test.tsv" "$work/pages" --limit "$limit"
gz=$(stat -c %s "$work/pages.warc.gz"); plain=$(stat -c %s "$work/pages.warc")
pages=$(($(wc -l < "$work/pages.jsonl")))
echo "pages: $pages; WARC $plain bytes, gzip $gz bytes"

# accuracy ID_LABEL_TSV: the share of the pages whose label is the gold one
accuracy() {
  "$py" - "$1" "$work/pages.plain.tsv" <<'EOF'
import csv, sys
csv.field_size_limit(sys.maxsize)
gold = {r[0]: r[1] for r in csv.reader(open(sys.argv[2], encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE)}
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
hit = sum(1 for r in rows if gold.get(r[0]) == r[1])
print("%.4f (%d of %d)" % (hit / len(rows), hit, len(rows)))
EOF
}

echo "== accuracy"
printf 'plain text, as in the corpus (test.tsv):      '
head -n $((limit ? limit + 1 : 1000000000)) "$data/test.tsv" > "$work/test.tsv"
"$slant" eval -m "$work/model.slant" "$work/test.tsv" | sed -n 's/^.*accuracy \([0-9.]*\).*/\1/p' | head -n1
printf 'plain text, the title and paragraphs:          '
"$slant" eval -m "$work/model.slant" "$work/pages.plain.tsv" | sed -n 's/^.*accuracy \([0-9.]*\).*/\1/p' | head -n1
printf 'the pages, JSONL "html" (slant eval):          '
"$slant" eval -m "$work/model.slant" "$work/pages.jsonl" | sed -n 's/^.*accuracy \([0-9.]*\).*/\1/p' | head -n1
printf 'the pages, WARC (slant label, joined by URI):  '
"$slant" label -m "$work/model.slant" "$work/pages.warc.gz" --quiet > "$work/warc-labels.tsv"
accuracy "$work/warc-labels.tsv"

echo "== what each page rule is worth (features/html.c, SLANT_PAGE_RULES)"
libs="$root/build/release/lib/libslant.a $(pkg-config --libs libxml-2.0 zlib) -lsvm -lutf8proc -lxxhash -ljansson -lopenblas -lm -pthread"
for rules in 0 1 3 7 15 31; do
  cc -O2 -std=c11 -D_DEFAULT_SOURCE -I"$root/include" -I"$root/common" $(pkg-config --cflags libxml-2.0) \
    -DSLANT_PAGE_RULES=$rules -o "$work/pagetext-$rules" "$root/bench/pagetext.c" "$root/features/html.c" $libs
  "$work/pagetext-$rules" "$label" < "$work/pages.jsonl" > "$work/text-$rules.tsv"
  acc=$("$slant" eval -m "$work/model.slant" "$work/text-$rules.tsv" | sed -n 's/^.*accuracy \([0-9.]*\).*/\1/p' | head -n1)
  pr=$("$py" - "$work/text-$rules.tsv" "$work/pages.plain.tsv" <<'EOF'
import collections, csv, re, sys
csv.field_size_limit(sys.maxsize)
def toks(s): return collections.Counter(re.findall(r"\w+", s.lower()))
gold = {r[0]: r[2] for r in csv.reader(open(sys.argv[2], encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE)}
got = inter = want = 0
for r in list(csv.reader(open(sys.argv[1], encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE))[1:]:
    a, b = toks(r[2]), toks(gold[r[0]])
    got += sum(a.values()); want += sum(b.values()); inter += sum((a & b).values())
print("precision %.4f recall %.4f" % (inter / got, inter / want))
EOF
)
  echo "rules $rules: accuracy $acc; words $pr"
done

echo "== speed (wall seconds, best of 3; 2-core machine shared with other work)"
best() { # best CMD...: the least wall time of three runs
  local b=
  for i in 1 2 3; do
    local s=$(date +%s.%N); "$@" > /dev/null 2>&1; local e=$(date +%s.%N)
    b=$(echo "$s $e ${b:-1e9}" | awk '{t=$2-$1; print (t<$3)?t:$3}')
  done
  echo "$b"
}
t=$(best "$slant" label -m "$work/model.slant" "$work/pages.warc.gz" --threads 1)
echo "label the WARC.gz, 1 thread:  $t s; $(echo "$gz $plain $t" | awk '{printf "%.1f MB/s of gzip, %.1f MB/s of WARC", $1/$3/1e6, $2/$3/1e6}')"
t=$(best "$slant" label -m "$work/model.slant" "$work/pages.warc" --threads 1)
echo "label the plain WARC, 1 thread: $t s; $(echo "$plain $t" | awk '{printf "%.1f MB/s", $1/$2/1e6}')"
t=$(best "$slant" label -m "$work/model.slant" "$work/pages.warc.gz")
echo "label the WARC.gz, all threads: $t s; $(echo "$plain $t" | awk '{printf "%.1f MB/s of WARC", $1/$2/1e6}')"
t=$(best sh -c "\"$work/pagetext-31\" $label < \"$work/pages.jsonl\"")
echo "page text alone (JSONL in):   $t s; $(echo "$(stat -c %s "$work/pages.jsonl") $t" | awk '{printf "%.1f MB/s", $1/$2/1e6}')"
t=$(best "$slant" label -m "$work/model.slant" "$work/pages.plain.tsv" --threads 1)
echo "label the plain text, 1 thread: $t s; $(echo "$(stat -c %s "$work/pages.plain.tsv") $t" | awk '{printf "%.1f MB/s of text", $1/$2/1e6}')"
