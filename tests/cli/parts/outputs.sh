# Outputs (issue 10): closed pipes, names in every output, unambiguous columns,
# eval's streaming and warnings, inspect --json.

# ---- a closed pipe is an error with a message, for every command -------------
# The reading end is closed before slant writes, so the write fails for sure.
closed_pipe() {
  python3 - "$@" <<'PY'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE)
os.close(w)
sys.stderr.write(p.stderr.decode(errors="replace"))
sys.exit(p.returncode)
PY
}
for c in "inspect nb.slant" "eval -m nb.slant $data/tiny.tsv" "cv $data/tiny.tsv -k 3 --model nb" \
         "features $data/tiny.tsv -o pipe.svm" "label -m nb.slant $data/tiny.tsv" "--help"; do
  name="closed-pipe-${c%% *}"
  # shellcheck disable=SC2086
  run "$name" 1 closed_pipe "$SLANT" $c && has "$name" err "Broken pipe"
done

# ---- label's columns are unambiguous -------------------------------------------
printf 'stance\tstance_prob\ttext\nup\t0.5\tchip wafers\ndown\t0.7\tport tariffs\n' > clash.tsv
run clash-prob 2 "$SLANT" train clash.tsv -o clash.slant && has clash-prob err 'heads "stance" and "stance_prob"'
has clash-prob-says-ignore err "--ignore stance_prob"
printf '__label__id=1 __label__tone=up chip wafers\n__label__id=2 __label__tone=down port tariffs\n' > clash.ft
run clash-id 2 "$SLANT" train clash.ft -o clash.slant && has clash-id err 'a head named "id"'
[ ! -e clash.slant ] && ok clash-no-model || bad clash-no-model
# fastText tags cannot hold a blank: refused before any output
printf 'tone\ttext\nvery good\tchip wafers\nbad\tport tariffs\n' > blank.tsv
run blank-class-train 0 "$SLANT" train blank.tsv -o blank.slant --min-count 1
run blank-class-fasttext 2 "$SLANT" label -m blank.slant --format fasttext "$data/article.txt" \
  && has blank-class-fasttext err 'class "very good" of head "tone" holds a blank'
[ ! -s out ] && ok blank-class-no-output || bad blank-class-no-output "$(cat out)"
run blank-class-tsv 0 "$SLANT" label -m blank.slant "$data/article.txt"

# ---- eval: streamed, warned, by head ---------------------------------------------
run eval-training-corpus 0 "$SLANT" eval -m nb.slant "$data/tiny.tsv" \
  && has eval-training-corpus err "is the corpus nb.slant was trained on (the same 12 documents)"
run eval-held-out 0 "$SLANT" eval -m nb.slant unknown.tsv && {
  [ ! -s err ] && ok eval-held-out-no-warning || bad eval-held-out-no-warning "$(cat err)"
}
# the same documents in another order are not the training corpus
{ head -n 1 "$data/tiny.tsv"; tail -n +2 "$data/tiny.tsv" | sort -r; } > reordered.tsv
run eval-reordered 0 "$SLANT" eval -m nb.slant reordered.tsv && {
  grep -q "trained on" err && bad eval-reordered-no-warning "$(cat err)" || ok eval-reordered-no-warning
}
# a head without gold labels says so, in text and in JSON
awk -F'\t' 'BEGIN { OFS = "\t" } NR > 1 { $3 = "" } { print }' "$data/tiny.tsv" > notone.tsv
run eval-no-labels 0 "$SLANT" eval -m nb.slant notone.tsv && has eval-no-labels out "head tone: no labels (none of the 12 documents"
run eval-no-labels-json 0 "$SLANT" eval -m nb.slant --json notone.tsv \
  && has eval-no-labels-json out '"tone":{"labeled":0,"accuracy":null,"macro_f1":null'
# --label scores some heads only, and the corpus needs only their columns
cut -f1,2,4 "$data/tiny.tsv" > topic-only.tsv
run eval-missing-column 2 "$SLANT" eval -m nb.slant topic-only.tsv && has eval-missing-column err 'no label column "tone"'
run eval-label 0 "$SLANT" eval -m nb.slant --label topic topic-only.tsv && {
  has eval-label out "head topic: accuracy"
  grep -q "head tone" out && bad eval-label-only-topic "$(cat out)" || ok eval-label-only-topic
}
run eval-label-unknown 2 "$SLANT" eval -m nb.slant --label mood topic-only.tsv \
  && has eval-label-unknown err 'the model has no head "mood"; its heads are: topic, tone'
# streamed: standard input, and a corpus of many batches scores as a whole read
run eval-stdin 0 sh -c "cat '$data/tiny.tsv' | '$SLANT' eval -m nb.slant -" && has eval-stdin out "documents: 12"
{ head -n 1 "$data/tiny.tsv"; for i in $(seq 700); do tail -n +2 "$data/tiny.tsv"; done; } > big-eval.tsv
run eval-batches 0 "$SLANT" eval -m nb.slant --json big-eval.tsv && has eval-batches out '"documents":8400' \
  && has eval-batches-counts out '"matrix":[[4200,0],[0,4200]]'
{ cat big-eval.tsv; printf 'chips\tupbeat\n'; } > big-bad.tsv
run eval-bad-row-late 2 "$SLANT" eval -m nb.slant big-bad.tsv && has eval-bad-row-late err "big-bad.tsv:8402:"
[ ! -s out ] && ok eval-bad-row-no-report || bad eval-bad-row-no-report "$(head -c 300 out)"
# fastText is read whole (its heads depend on every line)
run eval-fasttext 0 "$SLANT" eval -m ftk.slant keyed.ft && has eval-fasttext out "head topic: accuracy 1.0000"

# ---- inspect --json: the text report's facts, as one object ------------------------
run inspect-json 0 "$SLANT" inspect nb.slant --json --top 2 && {
  python3 - out <<'PY' && ok inspect-json-fields || bad inspect-json-fields "$(head -c 400 out)"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["kind"] == "nb" and m["features"]["count"] > 0, m
assert m["provenance"]["corpus_documents"] == "12", m["provenance"]
assert m["provenance"]["head"] == ["topic chips:6 trade:6", "tone gloomy:6 upbeat:6"], m["provenance"]
assert m["features"]["word_ngrams"] == [1, 2] and m["features"]["char_ngrams"] is None
top = m["heads"]["topic"]["classes"]["chips"]["top"]
assert len(top) == 2 and top[0]["score"] >= top[1]["score"], top
PY
}
run inspect-json-rbf 0 "$SLANT" inspect svm-rbf.slant --json && {
  python3 -c 'import json,sys; h=json.load(open("out"))["heads"]["topic"]; assert h["support_vectors"] > 0 and h["classes"]["chips"]["top"] == []' \
    && ok inspect-json-rbf-fields || bad inspect-json-rbf-fields "$(head -c 400 out)"
}

# ---- -m/--model is a file outside train and cv, and a kind there: say so ------------
run features-model-kind 1 "$SLANT" features "$data/tiny.tsv" --model nb -o x.svm \
  && has features-model-kind err "'nb' is a kind of model, which only 'slant train' and 'slant cv' take"
run eval-model-kind 1 "$SLANT" eval -m lr "$data/tiny.tsv" && has eval-model-kind err "'lr' is a kind of model"

# ---- from a review of this work ------------------------------------------------------
# fastText on standard input is read whole, its heads from every line, the
# format told by the content (a redirect and a pipe alike)
run eval-fasttext-stdin 0 sh -c "'$SLANT' eval -m ftk.slant - < keyed.ft" && has eval-fasttext-stdin out "documents: 12"
run eval-fasttext-pipe 0 sh -c "cat keyed.ft | '$SLANT' eval -m ftk.slant -" && has eval-fasttext-pipe out "head tone: accuracy"
# tokens longer than an n-gram name's room: the name is cut at a character
python3 -c '
import sys
rows = ["topic\ttext"] + ["%s\txx%s common word %d" % ("ab"[i % 2], "\u00e9" * 700, i) for i in range(6)]
sys.stdout.write("\n".join(rows) + "\n")' > longtok.tsv
run long-token-train 0 "$SLANT" train longtok.tsv -o longtok.slant --min-count 1
run long-token-inspect 0 "$SLANT" inspect longtok.slant --json --top 50 && {
  python3 -c '
import json
m = json.load(open("out"))
for c in m["heads"]["topic"]["classes"].values():
    assert all("ngram" in e for e in c["top"]), c' && ok long-token-names || bad long-token-names "$(head -c 300 out)"
}
# a folder whose sub-folder sorts before its files (valgrind checks the paths are freed)
mkdir -p subfirst/a_sub && printf 'chip wafers\n' > subfirst/b.txt
run label-folder-sub-first 0 "$SLANT" label -m nb.slant subfirst && has label-folder-sub-first err "skipping subfirst/a_sub: a folder"
has label-folder-sub-first-row out "subfirst/b.txt	chips"
# standard input shaped like a table without a text column is a TSV to refuse, not an article
run stdin-table-no-text 2 sh -c "printf 'id\tbody\n1\tchip wafers\n' | '$SLANT' label -m nb.slant" \
  && has stdin-table-no-text err '<stdin>:1: the header has no "text" column'
[ ! -s out ] && ok stdin-table-no-output || bad stdin-table-no-output "$(cat out)"
run stdin-tab-article 0 sh -c "printf 'A title\twith a tab\nand a body\n' | '$SLANT' label -m nb.slant" \
  && has stdin-tab-article out "<stdin>	"
# features takes feature options only
run features-model-option 2 "$SLANT" features "$data/tiny.tsv" -o x.svm --c 5 \
  && has features-model-option err "--c is an option of the model, not of its features"
# --ignore on a corpus without columns says it changes nothing
run ignore-folder 0 "$SLANT" train "$data/dir" -o ig.slant --model nb --min-count 1 --ignore nosuch \
  && has ignore-folder err "--ignore and --text-column are for TSV and JSONL corpora; a dir corpus"
run label-model-kind 1 "$SLANT" label -m nb "$data/article.txt" && has label-model-kind err "'nb' is a kind of model"
# a warning comes once a run, not once a fold
run cv-warn-once 0 "$SLANT" cv "$data/tiny.tsv" -k 3 --min-count 100 --model nb && {
  [ "$(grep -c 'no n-gram occurs' err)" = 1 ] && ok cv-warn-once-only || bad cv-warn-once-only "$(cat err)"
}
# label --help lists every input format, dir among them, and -f dir reads a labeled folder
run label-help-dir 0 "$SLANT" label --help && has label-help-dir out "fasttext, dir, lines, text, libsvm"
run label-f-dir 0 "$SLANT" label -m nb.slant -f dir "$data/dir" && has label-f-dir out "chips/a.txt	chips"
