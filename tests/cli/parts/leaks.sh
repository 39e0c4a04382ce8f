# The leak report (inspect --groups CORPUS --group COLUMN): a model's
# heaviest n-grams with the groups of the documents that hold them, so
# that outlet fingerprints show as what they are.
mkdir -p leaks-report && cd leaks-report || return
# Six outlets, three a label, each article carrying its outlet's own
# "told OUTLET"; "taxes" and "welfare" lean to a label in every outlet.
# A seventh outlet, "heldout", is left but quotes fox in half its articles:
# "told fox", which gives "right" away in fox, says the opposite there.
python3 - <<'PY'
import random
r = random.Random(7)
outlets = [("fox", "right"), ("cnn", "left"), ("wsj", "right"), ("npr", "left"),
           ("breitbart", "right"), ("guardian", "left"), ("heldout", "left")]
with open("c.tsv", "w") as t:
    t.write("bias\toutlet\ttext\n")
    for i in range(280):
        name, bias = outlets[i % 7]
        words = ["w%d" % r.randrange(40) for _ in range(10)]
        if r.random() < (0.6 if bias == "right" else 0.35): words.append("taxes")
        if r.random() < (0.35 if bias == "right" else 0.6): words.append("welfare")
        r.shuffle(words)
        mark = "told " + name
        if name == "heldout":
            mark = "byline heldout" + (" told fox" if (i // 7) % 2 else "")
        t.write("%s\t%s\t%s %s\n" % (bias, name, mark, " ".join(words)))
PY
run leaks-train 0 "$SLANT" train c.tsv --ignore outlet -o m.slant &&
run leaks-text 0 "$SLANT" inspect m.slant --groups c.tsv --group outlet && {
  has leaks-text-corpus out "280 documents in 7 groups of outlet"
  # The fingerprint, its outlet and the mark on one row: in 40 fox articles
  # and 20 heldout ones, 2 groups, two thirds in fox, which holds a seventh
  # of the corpus.
  grep -qE '^    ! told fox +\+[0-9.]+ +60 +2 +66\.7% +14\.3%  fox$' out && ok leaks-text-fox \
    || bad leaks-text-fox "$(cat out)"
  grep -qE '^    ! told cnn .*  cnn$' out && ok leaks-text-cnn || bad leaks-text-cnn "$(cat out)"
  # A content word spreads over the outlets of its label and more: no mark.
  grep -qE '^      taxes .* 7 ' out && ok leaks-text-spread || bad leaks-text-spread "$(cat out)"
  has leaks-text-summary out "head bias: "
}
run leaks-json 0 "$SLANT" inspect m.slant --groups c.tsv --group outlet --top 10 --json && {
  python3 - out <<'PY' && ok leaks-json-figures || bad leaks-json-figures "$(head -c 800 out)"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["group"] == "outlet" and r["documents"] == 280 and r["groups"] == 7, r
assert r["leak_share"] == 0.5 and r["leak_docs"] == 10 and r["top"] == 10, r
assert r["candidates"] == 50, r
h = r["heads"]["bias"]
right = h["classes"]["right"]["ngrams"]
assert len(right) == 50 and [e["rank"] for e in right[:3]] == [1, 2, 3]
fox = [e for e in right if e["ngram"] == "told fox"]
assert fox, [e["ngram"] for e in right]
fox = fox[0]
assert fox["docs"] == 60 and fox["groups"] == 2 and fox["top_docs"] == 40, fox
assert abs(fox["top_share"] - 2 / 3) < 1e-9 and fox["top_group"] == "fox", fox
assert abs(fox["top_group_share"] - 40 / 280) < 1e-9 and fox["concentrated"] is True, fox
assert isinstance(fox["feature"], int) and isinstance(fox["score"], float)
taxes = [e for e in right if e["ngram"] == "taxes"][0]
assert taxes["groups"] == 7 and taxes["concentrated"] is False, taxes
# every outlet's "told X" (and its name alone) is among its label's top 10,
# concentrated
for c, names in (("right", ["told fox", "told wsj", "told breitbart"]),
                 ("left", ["told cnn", "told npr", "told guardian"])):
    cl = h["classes"][c]
    top = {e["ngram"]: e for e in cl["ngrams"][:10]}
    assert all(n in top and top[n]["concentrated"] for n in names), (c, list(top))
    assert cl["concentrated"] >= 6 and cl["concentrated_candidates"] >= cl["concentrated"]
assert h["concentrated"] == sum(c["concentrated"] for c in h["classes"].values())
PY
}
# The held-out outlet: grouped folds test each outlet on a model that never
# saw it, and "told fox" misleads there; plain folds score fingerprints.
run leaks-cv-grouped 0 "$SLANT" cv c.tsv --group outlet -k 7 --json && cp out cv-grouped.json
run leaks-cv-plain 0 "$SLANT" cv c.tsv --ignore outlet -k 7 --json && cp out cv-plain.json
python3 - cv-grouped.json cv-plain.json <<'PY' && ok leaks-cv-lower || bad leaks-cv-lower "$(cat cv-grouped.json cv-plain.json)"
import json, sys
g = json.load(open(sys.argv[1]))["heads"]["bias"]["accuracy"]
p = json.load(open(sys.argv[2]))["heads"]["bias"]["accuracy"]
assert p > 0.95 and g < p - 0.15, (g, p)
PY
# Hashed features: the names are buckets, the figures the same.
run leaks-hashed-train 0 "$SLANT" train c.tsv --ignore outlet --hash-bits 18 -o h.slant &&
run leaks-hashed 0 "$SLANT" inspect h.slant --groups c.tsv --group outlet && {
  grep -qE '^    ! #[0-9]+ .* 60 +2 +66\.7% +14\.3%  fox$' out && ok leaks-hashed-fox || bad leaks-hashed-fox "$(cat out)"
}
# Errors: --groups without --group and the other way round, an unknown
# column (the reader's message), a reading option without --groups, a
# share out of range, a model of vectors.
run leaks-no-group 2 "$SLANT" inspect m.slant --groups c.tsv && has leaks-no-group err "--groups CORPUS needs --group COLUMN"
run leaks-no-groups 2 "$SLANT" inspect m.slant --group outlet && has leaks-no-groups err "--group COLUMN needs --groups CORPUS"
run leaks-unknown-column 2 "$SLANT" inspect m.slant --groups c.tsv --group domain && has leaks-unknown-column err 'c.tsv:1: --group "domain": no such column; the columns are: bias, outlet, text'
run leaks-ignore-alone 2 "$SLANT" inspect m.slant --ignore outlet && has leaks-ignore-alone err "--ignore is for the leak report's --groups CORPUS"
run leaks-bad-share 2 "$SLANT" inspect m.slant --groups c.tsv --group outlet --leak-share 1.5 && has leaks-bad-share err "--leak-share"
printf '1 1:1 2:1\n2 3:1\n1 1:1\n2 2:1 3:1\n' > v.svm
run leaks-vector-train 0 "$SLANT" train v.svm --model nb -o v.slant &&
run leaks-vector-model 2 "$SLANT" inspect v.slant --groups c.tsv --group outlet && has leaks-vector-model err "trained on LIBSVM vectors"
# Looser and stricter rules change the marks, not the figures.
run leaks-strict 0 "$SLANT" inspect m.slant --groups c.tsv --group outlet --leak-share 0.9 && {
  grep -qE '^      told fox .* 66\.7% +14\.3%  fox$' out && ok leaks-strict-unmarked || bad leaks-strict-unmarked "$(cat out)"
  grep -qE '^    ! told wsj ' out && ok leaks-strict-marked || bad leaks-strict-marked "$(cat out)"
}
run leaks-help 0 "$SLANT" inspect --help && {
  for o in "--groups CORPUS" "--group COLUMN" "--leak-share X" "--leak-docs N" "--ignore COLUMN" "--text-column NAME" "--max-doc-bytes N" "-f, --format F"; do
    has "leaks-help $o" out "$o"
  done
}
cd ..
