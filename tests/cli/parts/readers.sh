# Corpus readers (issue 10): one rule for names, ids that never shift,
# what label reads from standard input and folders, a cap on a document's
# size, the text and id only for label, --ignore and --text-column, and the
# warning about label columns that look like identifiers.
# Sourced by tests/cli/run in its temporary folder, after nb.slant exists.

# ---- names: valid UTF-8 without control characters, or a refusal ------------
printf 'topic\ttext\n\377\376bad\tchip wafers\ntrade\tport tariffs\n' > badlabel.tsv
run names-tsv-label 2 "$SLANT" train badlabel.tsv -o badlabel.slant && \
  has names-tsv-label err 'badlabel.tsv:2: the "topic" label "\xff\xfebad" is not valid UTF-8; every label, head name and id must be valid UTF-8 without control characters'
[ ! -e badlabel.slant ] && ok names-no-model || bad names-no-model
printf '\377h\ttext\na\tchip\nb\tport\n' > badhead.tsv
run names-tsv-head 2 "$SLANT" train badhead.tsv -o x.slant && \
  has names-tsv-head err 'badhead.tsv:1: the name of column 1 "\xffh" is not valid UTF-8'
printf '{"text": "chip wafers", "lab": "a\\tb"}\n{"text": "ports", "lab": "c"}\n' > tab.jsonl
run names-jsonl-tab 2 "$SLANT" train tab.jsonl -o x.slant && \
  has names-jsonl-tab err 'tab.jsonl:1: the "lab" label "a\x09b" holds a control character'
printf '{"text": "chip wafers", "lab\\nx": "a"}\n' > key.jsonl
run names-jsonl-key 2 "$SLANT" train key.jsonl -o x.slant && has names-jsonl-key err 'the label key "lab\x0ax"'
printf 'id\ttext\nok\tchip wafers\nbad\001id\tport tariffs\n' > badid.tsv
run names-label-id 2 "$SLANT" label -m nb.slant badid.tsv && {
  has names-label-id err 'badid.tsv:3: the id "bad\x01id" holds a control character'
  [ "$(tail -n +2 out | cut -f1)" = ok ] && ok names-label-id-before || bad names-label-id-before "$(cat out)"
}
printf 'id\ttopic\ttone\ttext\nx\tchips\tup\377\tchip wafers\n' > badgold.tsv
run names-eval 2 "$SLANT" eval -m nb.slant badgold.tsv && has names-eval err 'badgold.tsv:2: the "tone" label'
printf '__label__a=b=c chip wafers\n' > twoeq.ft
run names-ft-two-eq 2 "$SLANT" train twoeq.ft -o x.slant && has names-ft-two-eq err "with one '='"

# ---- ids are record numbers, every line counted --------------------------------
printf 'text\nfirst\n   \nthird\n' > blanks.tsv
run ids-blank-row 0 "$SLANT" label -m nb.slant blanks.tsv && {
  [ "$(tail -n +2 out | cut -f1 | tr '\n' ' ')" = "1 2 3 " ] && ok ids-blank-row-kept || bad ids-blank-row-kept "$(cat out)"
}
run ids-blank-row-stdin 0 sh -c "'$SLANT' label -m nb.slant < blanks.tsv" && {
  [ "$(tail -n +2 out | cut -f1 | tr '\n' ' ')" = "1 2 3 " ] && ok ids-blank-row-stdin-kept || bad ids-blank-row-stdin-kept "$(cat out)"
}
printf 'topic\ttext\nchips\tfirst\n   \ntrade\tthird\n' > blanks2.tsv
run ids-blank-row-ragged 2 "$SLANT" train blanks2.tsv -o x.slant && has ids-blank-row-ragged err "blanks2.tsv:3: expected 2 fields, found 1"
printf 'text\none\n\n\nfour\n' > empties.tsv
run ids-empty-lines 0 "$SLANT" label -m nb.slant empties.tsv && {
  [ "$(tail -n +2 out | cut -f1 | tr '\n' ' ')" = "1 4 " ] && ok ids-empty-lines-counted || bad ids-empty-lines-counted "$(cat out)"
}
printf '{"text": "chip"}\n\n{"text": "port"}\n' > gaps.jsonl
run ids-jsonl-lines 0 "$SLANT" label -m nb.slant gaps.jsonl && {
  [ "$(tail -n +2 out | cut -f1 | tr '\n' ' ')" = "1 3 " ] && ok ids-jsonl-line-numbers || bad ids-jsonl-line-numbers "$(cat out)"
}
# Past label's batch of 4096 documents the numbers run on.
if [ -z "${SLANT_VALGRIND:-}" ]; then
  { printf 'text\n'; for i in $(seq 5000); do printf 'chip %d\n' "$i"; [ $((i % 1000)) = 0 ] && printf '\n'; done; } > gappy.tsv
  run ids-across-batches 0 "$SLANT" label -m nb.slant gappy.tsv && {
    [ "$(tail -n 1 out | cut -f1)" = 5004 ] && [ "$(sed -n 4099p out | cut -f1)" = 4102 ] \
      && ok ids-across-batches-run-on || bad ids-across-batches-run-on "$(tail -n 1 out)"
  }
else
  skip=$((skip + 1)); echo "skip ids-across-batches: under valgrind"
fi

# ---- label: standard input detected as train does; an empty one refused ---------
run stdin-tsv-detected 0 sh -c "cat '$data/new.tsv' | '$SLANT' label -m nb.slant" && {
  "$SLANT" label -m nb.slant "$data/new.tsv" > named.tsv 2>/dev/null
  cmp -s out named.tsv && ok stdin-tsv-as-named || bad stdin-tsv-as-named "$(diff out named.tsv)"
}
run stdin-empty 2 sh -c ": | '$SLANT' label -m nb.slant" && {
  has stdin-empty err "<stdin>: empty input: nothing to label"
  [ ! -s out ] && ok stdin-empty-no-output || bad stdin-empty-no-output "$(cat out)"
}
run stdin-blank 2 sh -c "printf '\357\273\277\n  \n' | '$SLANT' label -m nb.slant -" && has stdin-blank err "empty input"
: > empty-article.txt
run named-empty-article 0 "$SLANT" label -m nb.slant empty-article.txt && {
  [ "$(tail -n +2 out | cut -f1)" = empty-article.txt ] && ok named-empty-is-an-article || bad named-empty-is-an-article "$(cat out)"
}

# ---- label: the input's kind from its name, as the readers tell it ----------------
cp "$data/tiny.jsonl" UPPER.JSONL
cp "$data/tiny.jsonl" plain.json
awk -F'\t' 'NR > 1 { print "__label__" $2 " " $4 }' "$data/tiny.tsv" > tiny.fasttext
for f in UPPER.JSONL plain.json tiny.fasttext; do
  run "detect-$f" 0 "$SLANT" label -m nb.slant "$f" && {
    [ "$(tail -n +2 out | wc -l)" = "$(wc -l < "$f")" ] && ok "detect-$f-rows" || bad "detect-$f-rows" "$(cat out)"
  }
done
run detect-bad-input-format 2 "$SLANT" label -m nb.slant -f xml plain.json && has detect-bad-input-format err "--input-format: 'xml'"

# ---- label reads the text and the id, whatever else an object holds ----------------
printf '{"id": "a", "text": "chip wafers", "topic": "chips"}\n{"id": "b", "text": "port tariffs", "url": "http://x", "views": 5}\n' > extra.jsonl
run label-jsonl-extra-keys 0 "$SLANT" label -m nb.slant extra.jsonl && {
  [ "$(tail -n +2 out | cut -f1,2 | tr '\n\t' '  ')" = "a chips b trade " ] && ok label-jsonl-extra-keys-ignored || bad label-jsonl-extra-keys-ignored "$(cat out)"
}
run train-jsonl-extra-key 2 "$SLANT" train extra.jsonl -o x.slant && has train-jsonl-extra-key err 'key "url" is not in the first object'

# ---- label on folders -----------------------------------------------------------------
mkdir -p arts/sub && printf 'chip wafers\n' > arts/a.txt && printf 'port tariffs\n' > arts/README.md
printf 'text\nchip\n' > arts/labels.tsv && printf 'x\n' > arts/sub/deep.txt
run folder-mixed 0 "$SLANT" label -m nb.slant arts && {
  [ "$(tail -n +2 out | cut -f1 | tr '\n' ' ')" = "arts/README.md arts/a.txt arts/labels.tsv " ] \
    && ok folder-mixed-files || bad folder-mixed-files "$(cat out)"
  has folder-mixed-skips err "warning: skipping arts/sub: a folder"
  has folder-mixed-corpus-name err "warning: arts/labels.tsv: labeled as one article, though its name says tsv"
}
run folder-of-folders 2 "$SLANT" label -m nb.slant "$data/dir" && {
  has folder-of-folders err "holds folders and no files: it looks like a labeled corpus"
  has folder-of-folders-eval err "use slant eval"
}
mkdir -p nofiles
run folder-empty 2 "$SLANT" label -m nb.slant nofiles && has folder-empty err "nofiles: no files to label"
# --lines: line numbers, FILE:LINE once there are several files.
printf 'chip wafers\n\nport tariffs\n' > l1.txt && printf 'tariffs\n' > l2.txt
run lines-two-files 0 "$SLANT" label -m nb.slant --lines l1.txt l2.txt && {
  [ "$(tail -n +2 out | cut -f1 | tr '\n' ' ')" = "l1.txt:1 l1.txt:3 l2.txt:1 " ] && ok lines-two-files-ids || bad lines-two-files-ids "$(cat out)"
}
run lines-one-file 0 "$SLANT" label -m nb.slant --lines l1.txt && {
  [ "$(tail -n +2 out | cut -f1 | tr '\n' ' ')" = "1 3 " ] && ok lines-one-file-ids || bad lines-one-file-ids "$(cat out)"
}

# ---- --max-doc-bytes: a longer document is refused, never held whole ----------------
{ printf 'text\n'; printf 'chip wafers\nport tariffs\n'; head -c 150 /dev/zero | tr '\0' a; printf '\nnot reached\n'; } > long100.tsv
run cap-tsv 2 "$SLANT" label -m nb.slant --max-doc-bytes 100 long100.tsv && {
  has cap-tsv err "long100.tsv:4: a document of more than 100 bytes (--max-doc-bytes 100); raise --max-doc-bytes to read it"
  [ "$(tail -n +2 out | cut -f1 | tr '\n' ' ')" = "1 2 " ] && ok cap-tsv-labels-before || bad cap-tsv-labels-before "$(cat out)"
}
run cap-tsv-raised 0 "$SLANT" label -m nb.slant --max-doc-bytes 1K long100.tsv
head -c 200 /dev/zero | tr '\0' w > long.txt
run cap-text 2 "$SLANT" label -m nb.slant --max-doc-bytes 100 long.txt && has cap-text err "long.txt: a document of more than 100 bytes"
run cap-train 2 "$SLANT" train --max-doc-bytes 100 long100.tsv -o x.slant && has cap-train err "long100.tsv:4: a document"
run cap-bad-zero 2 "$SLANT" label -m nb.slant --max-doc-bytes 0 long.txt && has cap-bad-zero err "--max-doc-bytes: 0 is out of range"
run cap-bad-big 2 "$SLANT" train --max-doc-bytes 2000G long100.tsv -o x.slant && has cap-bad-big err "--max-doc-bytes: 2000G is out of range"
run cap-bad-word 2 "$SLANT" eval -m nb.slant --max-doc-bytes 1T "$data/tiny.tsv" && has cap-bad-word err "--max-doc-bytes: '1T' is not a size"
# A 1 GB line through a pipe: refused once 16 MiB of it are in, in bounded memory.
if [ -z "${SLANT_VALGRIND:-}" ]; then
  peak=$(python3 - "$SLANT" <<'PY'
import resource, subprocess, sys
slant = sys.argv[1]
p = subprocess.run(["sh", "-c", "head -c 1073741824 /dev/zero | tr '\\0' a | '%s' label -m nb.slant --lines -" % slant],
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
msg = p.stderr.decode(errors="replace")
ok = p.returncode == 2 and "<stdin>:1: a document of more than 16777216 bytes (--max-doc-bytes 16777216)" in msg
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024 if ok else "failed: %d %s" % (p.returncode, msg))
PY
)
  case "$peak" in
    failed*) bad cap-1gb-line "$peak" ;;
    *) [ "$peak" -lt 200 ] && ok "cap-1gb-line (peak $peak MB < 200 MB)" || bad cap-1gb-line "peak $peak MB" ;;
  esac
else
  skip=$((skip + 1)); echo "skip cap-1gb-line: under valgrind"
fi

# ---- --ignore, --text-column, and label columns that look like identifiers ------------
awk 'BEGIN { print "url\ttopic\ttext"; for (i = 0; i < 20; i++)
  print "http://news/" i "\t" (i % 2 ? "chips" : "trade") "\t" (i % 2 ? "chip wafers foundry" : "port tariffs ships") " " i }' > urls.tsv
run warn-identifier 0 "$SLANT" train urls.tsv -o urls.slant --model nb && \
  has warn-identifier err 'warning: urls.tsv: column "url" has 20 classes for 20 labeled documents: it looks like an identifier, not a label; leave it out with --ignore url, or choose heads with --label'
run ignore-url 0 "$SLANT" train urls.tsv -o urls.slant --model nb --ignore url && {
  has ignore-url out "heads topic (2 classes);"
  [ ! -s err ] && ok ignore-url-no-warning || bad ignore-url-no-warning "$(cat err)"
}
run warn-cv-once 0 "$SLANT" cv urls.tsv -k 4 --model nb && {
  [ "$(grep -c 'looks like an identifier' err)" = 1 ] && ok warn-cv-once-not-per-fold || bad warn-cv-once-not-per-fold "$(cat err)"
}
run ignore-unknown 2 "$SLANT" train urls.tsv -o x.slant --ignore link && \
  has ignore-unknown err 'urls.tsv:1: --ignore "link": no such column; the columns are: url, topic, text'
run ignore-text 2 "$SLANT" train urls.tsv -o x.slant --ignore text && has ignore-text err '--ignore "text": that is the text column'
run ignore-twice 2 "$SLANT" train urls.tsv -o x.slant --ignore url --ignore url && has ignore-twice err "--ignore: 'url' given twice"
run ignore-eval 0 "$SLANT" eval -m urls.slant urls.tsv --ignore url && has ignore-eval out "accuracy 1.0000"
run ignore-features 0 "$SLANT" features urls.tsv -o urls.svm --ignore url --min-count 1 && has ignore-features out "wrote 20 documents"
printf '{"text": "chip wafers", "topic": "chips"}\n{"text": "port tariffs", "topic": "trade", "url": "http://x", "views": 5}\n' > later.jsonl
run ignore-jsonl 0 "$SLANT" train later.jsonl -o later.slant --model nb --min-count 1 --ignore url --ignore views \
  && has ignore-jsonl out "heads topic (2 classes);"
run ignore-jsonl-unknown 2 "$SLANT" train later.jsonl -o x.slant --ignore url --ignore views --ignore link \
  && has ignore-jsonl-unknown err 'later.jsonl: --ignore "link": no object has that key; the first one'"'"'s keys are: text, topic'
sed 's/^url\ttopic\ttext$/url\ttopic\tbody/' urls.tsv > body.tsv
run text-column 0 "$SLANT" train body.tsv -o body.slant --model nb --text-column body --ignore url && has text-column out "heads topic (2 classes);"
run text-column-label 0 "$SLANT" label -m body.slant --text-column body body.tsv && {
  [ "$(tail -n +2 out | wc -l)" = 20 ] && ok text-column-label-rows || bad text-column-label-rows "$(cat out)"
}
run text-column-missing 2 "$SLANT" train urls.tsv -o x.slant --text-column body && has text-column-missing err 'the header has no "body" column (--text-column)'
# The help of every command that reads a corpus lists the reading options
# (text only: not worth memcheck's time).
if [ -z "${SLANT_VALGRIND:-}" ]; then
  for c in train cv eval features label bench; do
    run "help-read-options-$c" 0 "$SLANT" "$c" --help && has "help-read-options-$c" out "--max-doc-bytes N"
  done
fi
