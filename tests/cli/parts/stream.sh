# train --stream and merge (issue 14, part 4): training that reads the
# corpus in batches, and models of disjoint shards made one.  A streamed
# model labels as the in-memory one on the same hashed features; two
# shards merged label as the union's model; standard input is refused
# when two passes are needed; bad merges are refused by name, and leave
# no output behind.
mkdir -p stream && cd stream || return
run help-stream 0 "$SLANT" train --help && has help-stream out "--stream"
run help-merge 0 "$SLANT" merge --help && has help-merge out "Usage: slant merge"

head -n 7 "$data/tiny.tsv" > a.tsv
{ head -n 1 "$data/tiny.tsv"; tail -n +8 "$data/tiny.tsv"; } > b.tsv

# Streamed nb is the in-memory nb on the same buckets (uncalibrated).
run stream-nb 0 "$SLANT" train "$data/tiny.tsv" --stream --model nb --hash-bits 12 -o s.slant && {
  has stream-nb-said out "trained nb on 12 documents"
  "$SLANT" train "$data/tiny.tsv" --model nb --hash-bits 12 --calibrate none -o m.slant >/dev/null
  "$SLANT" label -m s.slant "$data/new.tsv" > s.out
  "$SLANT" label -m m.slant "$data/new.tsv" > m.out
  cmp -s s.out m.out && ok stream-nb-labels-as-memory || bad stream-nb-labels-as-memory "$(diff s.out m.out)"
  run stream-provenance 0 "$SLANT" inspect s.slant && has stream-provenance out "stream=passes 2"
}
# --label: the heads asked for, batch after batch; one the corpus lacks is named.
run stream-label 0 "$SLANT" train "$data/tiny.tsv" --stream --model nb --label tone -o S1.slant \
  && has stream-label-heads out "heads tone (2 classes); wrote S1.slant"
run stream-label-unknown 2 "$SLANT" train "$data/tiny.tsv" --stream --model nb --label nothere -o X.slant \
  && has stream-label-unknown-said err 'no head named "nothere"'
# The same bytes at one thread and at four.
"$SLANT" train "$data/tiny.tsv" --stream --model cnb --hash-bits 10 --threads 1 -o t1.slant >/dev/null
"$SLANT" train "$data/tiny.tsv" --stream --model cnb --hash-bits 10 --threads 4 -o t4.slant >/dev/null
cmp -s t1.slant t4.slant && ok stream-threads-same-bytes || bad stream-threads-same-bytes
# Shards of counts merged: the union's labels and probabilities.
for kind in nb cnb; do
  "$SLANT" train a.tsv --stream --model $kind --weighting counts --hash-bits 12 -o A.slant >/dev/null
  "$SLANT" train b.tsv --stream --model $kind --weighting counts --hash-bits 12 -o B.slant >/dev/null
  "$SLANT" train "$data/tiny.tsv" --stream --model $kind --weighting counts --hash-bits 12 -o U.slant >/dev/null
  run merge-$kind 0 "$SLANT" merge A.slant B.slant -o M.slant && {
    has merge-$kind-said out "merged 2 $kind models (12 documents, sums added) into M.slant"
    "$SLANT" label -m M.slant "$data/new.tsv" > m.out
    "$SLANT" label -m U.slant "$data/new.tsv" > u.out
    cmp -s m.out u.out && ok merge-$kind-labels-as-union || bad merge-$kind-labels-as-union "$(diff m.out u.out)"
  }
done
# Tf-idf shards on one model's features (--vocab): merged, the union's.
"$SLANT" train "$data/tiny.tsv" --model nb --min-count 1 -o V.slant >/dev/null
"$SLANT" train a.tsv --stream --vocab V.slant --model nb -o A.slant >/dev/null
"$SLANT" train b.tsv --stream --vocab V.slant --model nb -o B.slant >/dev/null
cat "$data/tiny.tsv" | "$SLANT" train - --stream --vocab V.slant --model nb -o U.slant >/dev/null \
  && ok stream-one-pass-from-stdin || bad stream-one-pass-from-stdin
run merge-vocab 0 "$SLANT" merge A.slant B.slant -o M.slant && {
  "$SLANT" label -m M.slant "$data/new.tsv" > m.out
  "$SLANT" label -m U.slant "$data/new.tsv" > u.out
  cmp -s m.out u.out && ok merge-vocab-labels-as-union || bad merge-vocab-labels-as-union "$(diff m.out u.out)"
}
# lr: streamed, and shards averaged.
run stream-lr 0 "$SLANT" train "$data/tiny.tsv" --stream -o L.slant && has stream-lr-said out "trained lr"
run stream-chunk 0 "$SLANT" train "$data/tiny.tsv" --stream --chunk 1M -o L.slant \
  && run stream-chunk-inspect 0 "$SLANT" inspect L.slant \
  && has stream-chunk-recorded out "lr chunks averaged: 1 (of 1048576 bytes"
run stream-chunk-alone 2 "$SLANT" train "$data/tiny.tsv" --chunk 1M -o X.slant \
  && has stream-chunk-alone-said err "--chunk goes with --stream"
run stream-chunk-nb 2 "$SLANT" train "$data/tiny.tsv" --stream --model nb --chunk 1M -o X.slant
run stream-chunk-small 2 "$SLANT" train "$data/tiny.tsv" --stream --chunk 1K -o X.slant \
  && has stream-chunk-small-said err "--chunk: 1K is out of range"
"$SLANT" train a.tsv --hash-bits 12 -o LA.slant >/dev/null
"$SLANT" train b.tsv --hash-bits 12 -o LB.slant >/dev/null
run merge-average 0 "$SLANT" merge --average LA.slant LB.slant -o LM.slant \
  && run merge-average-labels 0 "$SLANT" label -m LM.slant "$data/new.tsv"

# Standard input, when two passes are needed.
run stream-stdin-refused 2 sh -c "cat '$data/tiny.tsv' | '$SLANT' train - --stream --model nb -o X.slant" && {
  has stream-stdin-said err "standard input cannot be read again"
  [ ! -e X.slant ] && ok stream-stdin-no-output || bad stream-stdin-no-output
}
run stream-vocab-alone 2 "$SLANT" train "$data/tiny.tsv" --vocab V.slant -o X.slant \
  && has stream-vocab-alone-said err "--vocab goes with --stream"
run stream-tune 2 "$SLANT" train "$data/tiny.tsv" --stream --tune -o X.slant
run stream-calibrate 2 "$SLANT" train "$data/tiny.tsv" --stream --calibrate sigmoid -o X.slant \
  && has stream-calibrate-said err "calibration and a target precision need out-of-fold"
run stream-svm 2 "$SLANT" train "$data/tiny.tsv" --stream --model svm -o X.slant
run stream-fasttext 2 "$SLANT" train "$data/tiny.ft" --stream --model nb --weighting counts -o X.slant \
  && has stream-fasttext-said err "convert it to TSV"
run stream-bad-corpus 2 "$SLANT" train "$data/ragged.tsv" --stream --model nb -o X.slant \
  && has stream-bad-corpus-line err "ragged.tsv:"
[ ! -e X.slant ] && ok stream-refusals-no-output || bad stream-refusals-no-output

# Bad merges: named settings, named files, nothing written.
"$SLANT" train a.tsv --stream --model nb -o T1.slant >/dev/null
"$SLANT" train b.tsv --stream --model nb -o T2.slant >/dev/null
run merge-idf 2 "$SLANT" merge T1.slant T2.slant -o X.slant \
  && has merge-idf-said err "T1.slant and T2.slant differ in the idf"
"$SLANT" train b.tsv --stream --model nb --weighting counts --hash-bits 11 -o H.slant >/dev/null
"$SLANT" train a.tsv --stream --model nb --weighting counts --hash-bits 12 -o A.slant >/dev/null
run merge-bits 2 "$SLANT" merge A.slant H.slant -o X.slant \
  && has merge-bits-said err "A.slant and H.slant differ in the hash bits (--hash-bits)"
run merge-no-sums 2 "$SLANT" merge ../nb.slant A.slant -o X.slant \
  && has merge-no-sums-said err "no class-feature sums"
run merge-lr-plain 2 "$SLANT" merge LA.slant LB.slant -o X.slant && has merge-lr-plain-said err "--average"
run merge-one 2 "$SLANT" merge A.slant -o X.slant
run merge-no-output 2 "$SLANT" merge A.slant B.slant
printf 'not a model' > junk.slant
run merge-junk 2 "$SLANT" merge A.slant junk.slant -o X.slant && has merge-junk-said err "junk.slant"
run merge-missing 1 "$SLANT" merge A.slant nothere.slant -o X.slant && has merge-missing-said err "nothere.slant"
[ ! -e X.slant ] && ok merge-refusals-no-output || bad merge-refusals-no-output
cd ..
