# slant suggest (issue 13, part 2): what to label next.  The picks, their
# order and the diversity rules on a small pool; the output as a corpus to
# fill in; the whole flow (train, suggest, fill, train again); outputs
# written whole or not at all; bad requests refused.
mkdir -p suggest && cd suggest || return
run help-suggest 0 "$SLANT" suggest --help && has help-suggest out "Usage: slant suggest"
cp out help.txt

# A pool of ten articles: n1-n3 as in new.tsv, an exact copy of each
# (c1-c3), two near-copies (one word changed), and two plain ones.
{
  printf 'id\ttext\n'
  tail -n +2 "$data/new.tsv"
  tail -n +2 "$data/new.tsv" | sed 's/^n/c/'
  printf 'v1\tRecord wafer yields at the chip foundry delighted the engineers.\n'
  printf 'v2\tThe tariff dispute left ports idle and farmers without any buyers.\n'
  printf 'p1\tThe chip foundry opened a new wafer plant.\n'
  printf 'p2\tFarmers and shippers welcomed the tariff deal.\n'
} > pool.tsv

# Diversity off (no near-duplicate search, a cap no pair reaches but
# copies): the margins of the head come in order, smallest first.
run suggest-order 0 "$SLANT" suggest -m ../lr.slant pool.tsv -n 10 --keep-duplicates --head tone && {
  has suggest-header out "$(printf 'id\ttopic\ttone\ttext\t#guess:topic\t#p:topic\t#guess:tone\t#p:tone\t#margin')"
  awk -F'\t' 'NR > 1 && ($9 + 0 < last || NF != 9 || $2 != "" || $3 != "") { exit 1 } NR > 1 { last = $9 + 0 }' out \
    && ok suggest-margin-order || bad suggest-margin-order "$(cat out)"
  # the exact copies have cosine 1: never two of the same text
  cut -f4 out | sort | uniq -d > dup.txt
  [ ! -s dup.txt ] && ok suggest-cosine-apart || bad suggest-cosine-apart "$(cat out)"
}
# With the default rules the near-copies v1 and v2 are kept apart from
# their originals too, by shingles: 5 picks (n1/c1/v1 one, n2/c2/v2 one,
# n3/c3 one, p1, p2) at the most, fewer where the cosine says so.
run suggest-dups 0 "$SLANT" suggest -m ../lr.slant pool.tsv -n 10 -v && {
  [ "$(tail -n +2 out | wc -l)" -le 5 ] && ok suggest-dups-apart || bad suggest-dups-apart "$(cat out)"
  for g in 'n1 c1 v1' 'n2 c2 v2' 'n3 c3'; do
    k=0; for id in $g; do grep -q "^$id"$'\t' out && k=$((k + 1)); done
    [ "$k" -le 1 ] || { bad "suggest-dups-at-most-one-of ($g)" "$(cat out)"; continue; }
    ok "suggest-dups-at-most-one-of ($g)"
  done
  has suggest-verbose err "as near-duplicates"
  has suggest-fewer-warned err "warning: only"
}
# The cap: at 1 only identical vectors are too close; so low that every
# article shares an n-gram with a pick's, only the first comes.
run suggest-cap-low 0 "$SLANT" suggest -m ../lr.slant pool.tsv -n 10 --keep-duplicates --max-similarity 0.01 \
  && { [ "$(tail -n +2 out | wc -l)" -lt 4 ] && ok suggest-cap-low-fewer || bad suggest-cap-low-fewer "$(cat out)"; }
run suggest-n 0 "$SLANT" suggest -m ../lr.slant pool.tsv -n 2 \
  && { [ "$(tail -n +2 out | wc -l)" = 2 ] && ok suggest-n-rows || bad suggest-n-rows "$(cat out)"; }
# --head: ranked by that head's margin alone (column 6 is #p:topic; the
# margin column then is topic's: 2 p - 1 for two classes)
run suggest-head 0 "$SLANT" suggest -m ../lr.slant pool.tsv -n 3 --head topic && {
  awk -F'\t' 'NR > 1 { d = (2 * $6 - 1) - $9; if (d > 0.0002 || d < -0.0002) exit 1 }' out \
    && ok suggest-head-margin || bad suggest-head-margin "$(cat out)"
}
# Every head: the heads take turns, so the first two picks are the most
# uncertain of topic and of tone.
"$SLANT" suggest -m ../lr.slant pool.tsv -n 1 --head topic | tail -n +2 | cut -f1 > turns.want
"$SLANT" suggest -m ../lr.slant pool.tsv -n 1 --head tone | tail -n +2 | cut -f1 >> turns.want
run suggest-turns 0 "$SLANT" suggest -m ../lr.slant pool.tsv -n 2 && {
  tail -n +2 out | cut -f1 | sort > turns.got
  sort turns.want | uniq > turns.sorted
  [ "$(wc -l < turns.sorted)" = 2 ] && cmp -s turns.got turns.sorted && ok suggest-turns-heads \
    || bad suggest-turns-heads "want $(cat turns.want | tr '\n' ' '), got $(cat turns.got | tr '\n' ' ')"
}
# --balance: the predicted classes of topic take turns
run suggest-balance 0 "$SLANT" suggest -m ../lr.slant pool.tsv -n 4 --head topic --balance --keep-duplicates --max-similarity 1 && {
  g=$(tail -n +2 out | cut -f5 | tr '\n' ' ')
  case "$g" in "chips trade chips trade "|"trade chips trade chips ") ok suggest-balance-turns ;;
    *) bad suggest-balance-turns "$g" ;; esac
}
# the same picks at any thread count, byte for byte
"$SLANT" suggest -m ../lr.slant pool.tsv -n 5 -t 1 > t1.tsv 2>/dev/null
"$SLANT" suggest -m ../lr.slant pool.tsv -n 5 -t 4 > t4.tsv 2>/dev/null
[ -s t1.tsv ] && cmp -s t1.tsv t4.tsv && ok suggest-threads-same || bad suggest-threads-same "$(diff t1.tsv t4.tsv)"
# a pool document labeled already (in every head) is no candidate
{ printf 'id\ttopic\ttone\ttext\n'; tail -n +2 "$data/tiny.tsv"; printf 'u1\t\t\tChip tariffs and farm deals.\n'; } > half.tsv
run suggest-labeled 0 "$SLANT" suggest -m ../lr.slant half.tsv -n 5 \
  && { [ "$(tail -n +2 out | cut -f1)" = u1 ] && ok suggest-labeled-skipped || bad suggest-labeled-skipped "$(cat out)"; }

# --uncertainty entropy on a head of three classes: the picks come by the
# entropy of their probabilities (as 'slant label --json' gives them),
# largest first: q2, spread over all three classes (0.21 0.21 0.59),
# comes before q1, torn between two (0.47 0.47 0.07), which the margin
# puts first.
{
  printf 'id\tsky\ttext\n'
  for i in 1 2 3 4; do
    printf 's%d\tsunny\tbright sunshine and clear warm skies all day %d\n' "$i" "$i"
    printf 'r%d\trainy\theavy rain showers and wet grey streets %d\n' "$i" "$i"
    printf 'w%d\tsnowy\tdeep snow drifts and frozen icy roads %d\n' "$i" "$i"
  done
} > sky.tsv
{
  printf 'id\ttext\n'
  printf 'q1\theavy rain deep snow bright\n'
  printf 'q2\tdeep rain day clear\n'
  printf 'q3\train streets day warm\n'
  printf 'q4\twet roads all day\n'
} > skypool.tsv
"$SLANT" train sky.tsv -o sky.slant --model nb --min-count 1 >/dev/null 2>&1
run suggest-entropy 0 "$SLANT" suggest -m sky.slant skypool.tsv -n 4 --uncertainty entropy --keep-duplicates --max-similarity 1 && {
  "$SLANT" label -m sky.slant skypool.tsv --json \
    | jq -r '[.id, ([.heads.sky.probabilities[] | select(. > 0) | -. * log] | add / (3 | log))] | @tsv' \
    | sort -t "$(printf '\t')" -k2,2gr | cut -f1 > entropy.want
  tail -n +2 out | cut -f1 > entropy.got
  cmp -s entropy.want entropy.got && ok suggest-entropy-order \
    || bad suggest-entropy-order "want $(tr '\n' ' ' < entropy.want), got $(tr '\n' ' ' < entropy.got)"
  "$SLANT" suggest -m sky.slant skypool.tsv -n 1 --keep-duplicates --max-similarity 1 > margin.tsv 2>/dev/null
  [ "$(sed -n 2p out | cut -f1)" = q2 ] && [ "$(sed -n 2p margin.tsv | cut -f1)" = q1 ] \
    && ok suggest-entropy-not-margin || bad suggest-entropy-not-margin "entropy: $(cut -f1,5,6 out | tr '\n' ' '); margin: $(cut -f1 margin.tsv | tr '\n' ' ')"
}
run suggest-entropy-two 0 "$SLANT" suggest -m ../lr.slant pool.tsv -n 6 --head tone --uncertainty entropy
cut -f1 out > two-entropy.txt
"$SLANT" suggest -m ../lr.slant pool.tsv -n 6 --head tone --uncertainty margin 2>/dev/null | cut -f1 > two-margin.txt
cmp -s two-entropy.txt two-margin.txt && ok suggest-entropy-two-same || bad suggest-entropy-two-same "$(paste two-entropy.txt two-margin.txt)"
has suggest-help-uncertainty help.txt "--uncertainty U"

# Hostile text: tabs and line breaks from a JSON lines pool stay inside
# one TSV cell; bytes that are not UTF-8 leave --json valid.
printf '{"id": "h1", "text": "chip\\tfoundry\\nwafer\\r\\nline"}\n{"id": "h2", "text": "tariff deal"}\n' > hostile.jsonl
run suggest-hostile-tsv 0 "$SLANT" suggest -m ../lr.slant hostile.jsonl -n 2 && {
  awk -F'\t' 'NF != 9 { exit 1 }' out && [ "$(wc -l < out)" = 3 ] \
    && ok suggest-hostile-one-cell || bad suggest-hostile-one-cell "$(cat -A out)"
}
printf 'chip foundry \377\376 wafer\ntariff deal\n' > bytes.txt
run suggest-hostile-json 0 "$SLANT" suggest -m ../lr.slant -f lines bytes.txt -n 2 --json && {
  python3 -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]' out \
    && ok suggest-hostile-json-valid || bad suggest-hostile-json-valid "$(cat -A out)"
}
run suggest-json 0 "$SLANT" suggest -m ../lr.slant pool.tsv -n 3 --json --head tone && {
  python3 - out <<'PY' && ok suggest-json-fields || bad suggest-json-fields "$(cat out)"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 3, rows
for r in rows:
    assert list(r) == ["id", "topic", "tone", "text", "#guess:topic", "#p:topic", "#guess:tone",
                       "#p:tone", "#margin"], r
    assert r["topic"] is None and r["tone"] is None and 0 <= r["#margin"] <= 1, r
    assert r["#guess:topic"] in ("chips", "trade") and 0.5 <= r["#p:topic"] <= 1, r
assert [r["#margin"] for r in rows] == sorted(r["#margin"] for r in rows), rows
PY
}

# The flow: suggest, fill the label cells (here by a rule on the text, as
# a person would by reading), train on the old corpus and the filled rows.
run suggest-flow-suggest 0 "$SLANT" suggest -m ../lr.slant pool.tsv -n 4 -o next.tsv && {
  [ ! -s out ] && ok suggest-flow-quiet || bad suggest-flow-quiet "$(cat out)"
  awk -F'\t' -v OFS='\t' 'NR > 1 { $2 = ($4 ~ /[Cc]hip|wafer/) ? "chips" : "trade"; $3 = (NR % 2) ? "upbeat" : "gloomy" } { print }' \
    next.tsv > filled.tsv
  # the filled file trains as it is: its notes are no heads
  k=$(tail -n +2 filled.tsv | wc -l)
  run suggest-flow-alone 0 "$SLANT" train filled.tsv -o alone.slant --model nb --min-count 1 \
    && run suggest-flow-alone-heads 0 "$SLANT" inspect alone.slant && {
      has suggest-flow-alone-topic out "head=topic "
      grep -q "head=#\|#guess" out && bad suggest-flow-no-note-head "$(grep head= out)" || ok suggest-flow-no-note-head
    }
  # appended to the old corpus (same columns id topic tone text), less the notes
  { cat "$data/tiny.tsv"; tail -n +2 filled.tsv | cut -f1-4; } > more.tsv
  run suggest-flow-train 0 "$SLANT" train more.tsv -o more.slant --model lr \
    && run suggest-flow-inspect 0 "$SLANT" inspect more.slant && {
      has suggest-flow-seen out "corpus_documents=$((12 + k))"
      has suggest-flow-topic-counts out "head=topic chips:$((6 + $(grep -c $'^[^\t]*\tchips' filled.tsv))) "
    }
  # JSON lines append as they are, keys in any order
  "$SLANT" suggest -m ../lr.slant pool.tsv -n 4 --json -o next.jsonl 2>/dev/null
  python3 - next.jsonl <<'PY' > filled.jsonl
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    r["topic"] = "chips" if "hip" in r["text"] or "wafer" in r["text"] else "trade"
    r["tone"] = "gloomy"
    print(json.dumps(r))
PY
  # an old JSON lines corpus with the model's heads: tiny.tsv's rows
  python3 - "$data/tiny.tsv" <<'PY' > old.jsonl
import json, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
for r in rows[1:]:
    print(json.dumps(dict(zip(rows[0], r))))
PY
  cat old.jsonl filled.jsonl > more.jsonl
  run suggest-flow-jsonl 0 "$SLANT" train more.jsonl -o morej.slant --model nb --min-count 1 \
    && run suggest-flow-jsonl-inspect 0 "$SLANT" inspect morej.slant && {
      has suggest-flow-jsonl-seen out "corpus_documents=$((12 + $(wc -l < filled.jsonl)))"
      grep -q "head=#" out && bad suggest-flow-jsonl-no-note-head "$(grep head= out)" || ok suggest-flow-jsonl-no-note-head
    }
}

# -o: replaced whole, or not at all
echo keep > kept.tsv
run suggest-o-bad-model 1 "$SLANT" suggest -m nosuch.slant pool.tsv -n 2 -o kept.tsv \
  && { [ "$(cat kept.tsv)" = keep ] && ok suggest-o-untouched || bad suggest-o-untouched "$(cat kept.tsv)"; }
mkdir -p adir
run suggest-o-folder 2 "$SLANT" suggest -m ../lr.slant pool.tsv -n 2 -o adir && has suggest-o-folder err "adir"
run suggest-o-nofolder 1 "$SLANT" suggest -m ../lr.slant pool.tsv -n 2 -o nosuch/x.tsv
[ ! -e nosuch ] && ok suggest-o-nofolder-nothing || bad suggest-o-nofolder-nothing "$(ls -la)"

# bad requests
run suggest-no-model 2 "$SLANT" suggest pool.tsv -n 2 && has suggest-no-model err "-m MODEL"
run suggest-no-n 2 "$SLANT" suggest -m ../lr.slant pool.tsv && has suggest-no-n err "-n N"
run suggest-n-zero 2 "$SLANT" suggest -m ../lr.slant pool.tsv -n 0 && has suggest-n-zero err "-n"
run suggest-n-word 2 "$SLANT" suggest -m ../lr.slant pool.tsv -n many && has suggest-n-word err "count"
run suggest-n-negative 2 "$SLANT" suggest -m ../lr.slant pool.tsv -n -3
run suggest-bad-head 2 "$SLANT" suggest -m ../lr.slant pool.tsv -n 2 --head stance \
  && has suggest-bad-head err '"stance"' && has suggest-bad-head-list err "topic, tone"
run suggest-bad-cap 2 "$SLANT" suggest -m ../lr.slant pool.tsv -n 2 --max-similarity 0 && has suggest-bad-cap err "max-similarity"
run suggest-bad-cap-big 2 "$SLANT" suggest -m ../lr.slant pool.tsv -n 2 --max-similarity 1.5
run suggest-bad-cap-word 2 "$SLANT" suggest -m ../lr.slant pool.tsv -n 2 --max-similarity high
run suggest-bad-uncertainty 2 "$SLANT" suggest -m ../lr.slant pool.tsv -n 2 --uncertainty doubt \
  && has suggest-bad-uncertainty err "'doubt'" && has suggest-bad-uncertainty-choices err "margin or entropy"
run suggest-bad-jaccard 2 "$SLANT" suggest -m ../lr.slant pool.tsv -n 2 --dup-threshold 2 && has suggest-bad-jaccard err "dup-threshold"
run suggest-two-pools 2 "$SLANT" suggest -m ../lr.slant pool.tsv pool.tsv -n 2 && has suggest-two-pools err "exactly one POOL"
run suggest-no-pool 1 "$SLANT" suggest -m ../lr.slant nosuch.tsv -n 2 && has suggest-no-pool err "nosuch.tsv"
printf 'not a model' > junk.slant
run suggest-junk-model 2 "$SLANT" suggest -m junk.slant pool.tsv -n 2
run suggest-unknown-option 2 "$SLANT" suggest -m ../lr.slant pool.tsv -n 2 --loud && has suggest-unknown-option err "--loud"

# The progress line counts the pool's documents as they are labeled.
SLANT_PROGRESS_DELAY=0 run suggest-progress 0 "$SLANT" suggest -m ../lr.slant pool.tsv -n 2 --progress && {
  has suggest-progress-begins err "slant: suggest: 0/10 documents"
  has suggest-progress-ends err "slant: suggest: 10/10 documents in "
}
cd ..
