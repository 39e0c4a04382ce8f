# Grouped cross-validation (issue 11): cv --group COLUMN keeps each value of
# COLUMN in one fold, reads it from TSV and JSONL but never as a head, and
# says so in its report; --save-folds writes the split for other tools.
mkdir -p grouped && cd grouped || return
# Eight outlets, four per label; an article's words are random, only its
# outlet's own word gives the label away.
python3 - <<'PY'
import json, random
r = random.Random(5)
with open("outlets.tsv", "w") as t, open("outlets.jsonl", "w") as j:
    t.write("bias\toutlet\ttext\n")
    for i in range(160):
        o = i % 8
        words = " ".join("w%d" % r.randrange(30) for _ in range(12))
        bias = "left" if o % 2 else "right"
        t.write("%s\toutlet%d\tbyoutlet%d %s\n" % (bias, o, o, words))
        j.write(json.dumps({"bias": bias, "outlet": "outlet%d" % o,
                            "text": "byoutlet%d %s" % (o, words)}) + "\n")
PY
run grouped-cv 0 "$SLANT" cv outlets.tsv --group outlet -k 4 --json --save-folds folds.tsv && {
  python3 - out folds.tsv outlets.tsv <<'PY' && ok grouped-cv-report || bad grouped-cv-report "$(cat out)"
import csv, json, sys
r = json.load(open(sys.argv[1]))
assert r["folds"] == 4 and r["grouped_by"] == "outlet" and r["groups"] == 8, r
assert list(r["heads"]) == ["bias"], r["heads"].keys()     # outlet is no head
assert r["heads"]["bias"]["accuracy"] < 0.7, r["heads"]["bias"]  # the fingerprint does not help
rows = list(csv.reader(open(sys.argv[2]), delimiter="\t"))
assert rows[0] == ["id", "fold", "outlet"], rows[0]
corpus = list(csv.reader(open(sys.argv[3]), delimiter="\t"))[1:]
assert len(rows) == 161 and all(a[2] == b[1] for a, b in zip(rows[1:], corpus))
folds = {}
for _, f, o in rows[1:]:
    folds.setdefault(o, set()).add(f)
assert all(len(v) == 1 for v in folds.values()), folds   # no outlet in two folds
assert {f for v in folds.values() for f in v} == {"1", "2", "3", "4"}
PY
}
# Plain folds score the fingerprint: every outlet on both sides.
run grouped-cv-plain 0 "$SLANT" cv outlets.tsv --ignore outlet -k 4 --json && {
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["grouped_by"] is None; assert r["heads"]["bias"]["accuracy"] > 0.9, r' out \
    && ok grouped-cv-plain-high || bad grouped-cv-plain-high "$(cat out)"
}
run grouped-cv-text 0 "$SLANT" cv outlets.tsv --group outlet -k 4 && has grouped-cv-text out "grouped by outlet: 8 groups"
# JSONL: the same split from the same values.
run grouped-cv-jsonl 0 "$SLANT" cv outlets.jsonl --group outlet -k 4 --save-folds folds-j.tsv \
  && { cmp -s folds.tsv folds-j.tsv && ok grouped-cv-jsonl-same || bad grouped-cv-jsonl-same "$(diff folds.tsv folds-j.tsv | head)"; }
# The same seed gives the same split; another seed may not.
run grouped-cv-again 0 "$SLANT" cv outlets.tsv --group outlet -k 4 --save-folds folds2.tsv \
  && { cmp -s folds.tsv folds2.tsv && ok grouped-cv-repeats || bad grouped-cv-repeats; }
# --split-only: the same folds, nothing trained.
run grouped-split-only 0 "$SLANT" cv outlets.tsv --group outlet -k 4 --save-folds fs.tsv --split-only \
  && has grouped-split-only-says out "160 documents in 4 folds, grouped by outlet (8 groups)" \
  && { cmp -s folds.tsv fs.tsv && ok grouped-split-only-same || bad grouped-split-only-same; }
run grouped-split-only-alone 2 "$SLANT" cv outlets.tsv --split-only && has grouped-split-only-alone err "--split-only goes with --save-folds"
# Errors: too few groups, no such column, a format without columns, the
# group also ignored.
run grouped-too-few 2 "$SLANT" cv outlets.tsv --group outlet -k 9 && has grouped-too-few err "9 folds need at least 9 groups; grouped by \"outlet\""
run grouped-no-column 2 "$SLANT" cv outlets.tsv --group domain -k 4 && has grouped-no-column err 'outlets.tsv:1: --group "domain": no such column; the columns are: bias, outlet, text'
run grouped-no-key 2 "$SLANT" cv outlets.jsonl --group domain -k 4 && has grouped-no-key err '--group "domain": no object has that key'
printf '__label__a one two\n__label__b three four\n' > plain.ft
run grouped-no-columns 2 "$SLANT" cv plain.ft --group outlet -k 2 && has grouped-no-columns err 'a fasttext corpus has none; give a TSV or JSONL corpus'
run grouped-ignored-too 2 "$SLANT" cv outlets.tsv --group outlet --ignore outlet && has grouped-ignored-too err 'is ignored too'
run grouped-text-column 2 "$SLANT" cv outlets.tsv --group text && has grouped-text-column err 'that is the text column'
printf 'bias\toutlet\ttext\nleft\tbad\001name\tsome words\n' > badgroup.tsv
run grouped-bad-value 2 "$SLANT" cv badgroup.tsv --group outlet -k 2 && has grouped-bad-value err 'badgroup.tsv:2: the group "bad\x01name"'
printf '{"bias": "left", "outlet": 3.5, "text": "a b"}\n' > badgroup.jsonl
run grouped-bad-json 2 "$SLANT" cv badgroup.jsonl --group outlet -k 2 && has grouped-bad-json err 'badgroup.jsonl:1: "outlet" (--group) must be a string, an integer or null, found a number'
# --save-folds to a path slant will not write: refused before the folds run.
run grouped-save-folder 2 "$SLANT" cv outlets.tsv --group outlet -k 4 --save-folds . && has grouped-save-folder err 'not a regular file'
run grouped-dup-threshold 2 "$SLANT" cv outlets.tsv --dup-threshold 1.5 && has grouped-dup-threshold err '--dup-threshold'
run grouped-help 0 "$SLANT" cv --help && has grouped-help out "--group COLUMN"
cd ..
