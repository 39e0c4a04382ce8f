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
