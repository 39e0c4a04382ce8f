# Options (issue 10, items 13 to 17 and 21): the recorded options replay to
# the same bytes; numbers are digits only; SOURCE_DATE_EPOCH is checked;
# one message for a bad option; an option that means nothing for the model
# is refused; the preset applies first; warnings for a featureless model
# and a solver stopped at its limit.
mkdir -p options && cd options || return

# ---- the options= line replays to the same model bytes -----------------------
# (SOURCE_DATE_EPOCH is set by tests/cli/run, so the date is the same.)
replays="nb|--model nb
lr|--model lr
lbfgs|--solver lbfgs --c 0.123456789
nbsvm|--preset nbsvm
svm-linear|--model svm --min-count 1 --c 0.123456789
svm-rbf|--model svm --kernel rbf --gamma 0.3 --c 0.123456789 --min-count 1"
[ -n "${SLANT_VALGRIND:-}" ] && replays="nb|--model nb
svm-rbf|--model svm --kernel rbf --gamma 0.3 --c 0.123456789 --min-count 1"
while IFS='|' read -r name opts; do
  # shellcheck disable=SC2086
  run "replay-$name-train" 0 "$SLANT" train "$data/tiny.tsv" -o "first-$name.slant" $opts || continue
  run "replay-$name-inspect" 0 "$SLANT" inspect "first-$name.slant" --top 0 || continue
  line=$(sed -n 's/^  options=//p' out)
  # shellcheck disable=SC2086
  run "replay-$name-again" 0 "$SLANT" train "$data/tiny.tsv" -o "again-$name.slant" $line \
    && { cmp -s "first-$name.slant" "again-$name.slant" && ok "replay-$name-same-bytes" \
           || bad "replay-$name-same-bytes" "options=$line"; }
done <<< "$replays"
run replay-numbers-inspect 0 "$SLANT" inspect first-svm-rbf.slant --top 0 \
  && has replay-numbers-kept out "--gamma 0.3 --c 0.123456789 --tol 0.001 "
run replay-nb-line 0 "$SLANT" inspect first-nb.slant --top 0 && {
  has replay-nb-line-vocabulary out "--hash-bits 0 "
  has replay-nb-line-no-chars out "--char-ngrams 0 "
  grep -q -- '--c \|--solver\|--tol\|--iterations\|--beta' out && bad replay-nb-line-only-nb "$(grep options= out)" \
    || ok replay-nb-line-only-nb
}
if [ -e first-nbsvm.slant ]; then
  run replay-preset-line 0 "$SLANT" inspect first-nbsvm.slant --top 0 && {
    has replay-preset-recorded out "  preset=nbsvm"
    has replay-preset-in-options out "  options=--preset nbsvm --model nbsvm "
  }
fi
run hash-bits-0 0 "$SLANT" train "$data/tiny.tsv" -o hb0.slant --hash-bits 0 --char-ngrams 0-0 --model nb
cmp -s hb0.slant ../nb.slant && ok hash-bits-0-is-vocabulary || bad hash-bits-0-is-vocabulary

# ---- numbers: digits, no blanks, no signs where none belongs ----------------------
run num-seed-blank-sign 2 "$SLANT" train "$data/tiny.tsv" -o x.slant --seed ' -5' \
  && has num-seed-blank-sign err "--seed: ' -5' is not a non-negative whole number"
run num-min-count-plus 2 "$SLANT" train "$data/tiny.tsv" -o x.slant --min-count ' +3' \
  && has num-min-count-plus err "--min-count: ' +3' is not a non-negative whole number"
run num-min-count-sign 2 "$SLANT" train "$data/tiny.tsv" -o x.slant --min-count +3 && has num-min-count-sign err "'+3'"
run num-threads-trailing 2 "$SLANT" train "$data/tiny.tsv" -o x.slant --threads '2 ' && has num-threads-trailing err "'2 '"
run num-c-leading-blank 2 "$SLANT" train "$data/tiny.tsv" -o x.slant --c ' 3' && has num-c-leading-blank err "--c: ' 3' is not a number"
run num-c-trailing-blank 2 "$SLANT" train "$data/tiny.tsv" -o x.slant --c '3 ' && has num-c-trailing-blank err "--c: '3 ' is not a number"
run num-c-hex 2 "$SLANT" train "$data/tiny.tsv" -o x.slant --c 0x10 && has num-c-hex err "--c: '0x10' is not a number"
run num-c-exponent 0 "$SLANT" train "$data/tiny.tsv" -o x.slant --c 1e1
run num-folds-blank 2 "$SLANT" cv "$data/tiny.tsv" -k ' 3' --model nb && has num-folds-blank err "--folds: ' 3'"
[ ! -e x.slant ] || rm -f x.slant

# ---- SOURCE_DATE_EPOCH ---------------------------------------------------------------
run sde-huge 2 env SOURCE_DATE_EPOCH=99999999999999999 "$SLANT" train "$data/tiny.tsv" -o sde.slant \
  && has sde-huge err "SOURCE_DATE_EPOCH=99999999999999999: not a whole number of seconds since 1970-01-01"
run sde-negative 2 env SOURCE_DATE_EPOCH=-1 "$SLANT" train "$data/tiny.tsv" -o sde.slant && has sde-negative err "SOURCE_DATE_EPOCH=-1"
run sde-past-9999 2 env SOURCE_DATE_EPOCH=253402300800 "$SLANT" train "$data/tiny.tsv" -o sde.slant && has sde-past-9999 err "SOURCE_DATE_EPOCH=253402300800"
run sde-cv 2 env SOURCE_DATE_EPOCH=soon "$SLANT" cv "$data/tiny.tsv" -k 3 --model nb && has sde-cv err "SOURCE_DATE_EPOCH=soon"
[ ! -e sde.slant ] && ok sde-no-model || bad sde-no-model
run sde-last-day 0 env SOURCE_DATE_EPOCH=253402300799 "$SLANT" train "$data/tiny.tsv" -o sde.slant --model nb \
  && run sde-last-day-inspect 0 "$SLANT" inspect sde.slant && has sde-last-day out "date=9999-12-31"

# ---- one message for a bad option, naming it -----------------------------------------
# one_message NAME WANT: err holds WANT and the line pointing to --help, nothing else
one_message() {
  if [ "$(wc -l < err)" = 2 ] && grep -qxF -- "$2" err && grep -q "^Try 'slant [a-z]* --help'.$" err; then ok "$1"
  else bad "$1" "$(cat err)"; fi
}
run getopt-missing-value 2 "$SLANT" train "$data/tiny.tsv" -o x.slant --c && one_message getopt-missing-value "slant train: --c needs a value"
run getopt-missing-short 2 "$SLANT" train "$data/tiny.tsv" -o && one_message getopt-missing-short "slant train: -o needs a value"
run getopt-missing-abbrev 2 "$SLANT" train "$data/tiny.tsv" --outp && one_message getopt-missing-abbrev "slant train: --output needs a value"
run getopt-unknown 2 "$SLANT" train "$data/tiny.tsv" -o x.slant --frob && one_message getopt-unknown "slant train: unknown option '--frob'"
run getopt-unknown-value 2 "$SLANT" train "$data/tiny.tsv" -o x.slant --frob=3 && one_message getopt-unknown-value "slant train: unknown option '--frob'"
run getopt-unknown-short 2 "$SLANT" train "$data/tiny.tsv" -o x.slant -x && one_message getopt-unknown-short "slant train: unknown option '-x'"
run getopt-no-value 2 "$SLANT" train "$data/tiny.tsv" -o x.slant --model svm --force=yes && one_message getopt-no-value "slant train: --force takes no value"
run getopt-ambiguous 2 "$SLANT" train "$data/tiny.tsv" -o x.slant --t 3 && one_message getopt-ambiguous "slant train: option '--t' is ambiguous: --tune, --tfidf, --tol, --threads, --target-precision, --text-column"
run getopt-eval-input-format 2 "$SLANT" eval -m ../nb.slant "$data/tiny.tsv" --input-format \
  && one_message getopt-eval-input-format "slant eval: --input-format needs a value"
run getopt-label-missing 2 "$SLANT" label -m && one_message getopt-label-missing "slant label: -m needs a value"
run getopt-cv-missing 2 "$SLANT" cv "$data/tiny.tsv" -k && one_message getopt-cv-missing "slant cv: -k needs a value"
run getopt-inspect-missing 2 "$SLANT" inspect ../nb.slant --top && one_message getopt-inspect-missing "slant inspect: --top needs a value"
run getopt-bench-unknown 2 "$SLANT" bench --frob && one_message getopt-bench-unknown "slant bench: unknown option '--frob'"
run getopt-features-missing 2 "$SLANT" features "$data/tiny.tsv" --output && one_message getopt-features-missing "slant features: --output needs a value"
# a value missing does not eat the corpus named before it
run getopt-operand-kept 2 "$SLANT" train "$data/tiny.tsv" -o x.slant --preset nbsvm --c \
  && one_message getopt-operand-kept "slant train: --c needs a value"

# ---- an option that means nothing for the model is refused -----------------------------
while IFS='|' read -r name opts want; do
  # shellcheck disable=SC2086
  run "meaningless-$name" 2 "$SLANT" train "$data/tiny.tsv" -o x.slant $opts && has "meaningless-$name" err "$want"
done <<'LIST'
c-nb|--model nb --c 3|--c is for --model lr, nbsvm or svm
c-cnb|--model cnb --c 10|--c is for --model lr, nbsvm or svm
alpha-lr|--alpha 0.5|--alpha is for --model nb, cnb or nbsvm
alpha-svm|--model svm --alpha 1|--alpha is for --model nb, cnb or nbsvm
alpha-auto-nb|--model nb --alpha auto|--alpha auto is for --model nbsvm
alpha-auto-lr|--alpha auto|--alpha is for --model nb, cnb or nbsvm
iterations-nb|--model nb --iterations 5|--iterations is for --model lr or nbsvm
iterations-svm|--model svm --iterations 5|--iterations is for --model lr or nbsvm
tol-nb|--model nb --tol 0.1|--tol is for --model lr, nbsvm or svm
solver-nb|--model nb --solver dual|--solver is for --model lr
solver-svm|--model svm --solver lbfgs|--solver is for --model lr
kernel-lr|--kernel linear|--kernel is for --model svm
gamma-lr|--gamma 0.5|--gamma is for --model svm --kernel rbf
gamma-scale-linear|--model svm --gamma scale|--gamma is for --model svm --kernel rbf
force-lr|--force|--force is for --model svm
nb-scale-nbsvm|--model nbsvm --nb-scale off|--nb-scale is for --model lr
beta-lr|--beta auto|--beta is for --model nbsvm
beta-nb|--model nb --beta 0.5|--beta is for --model nbsvm
LIST
run meaningless-cv 2 "$SLANT" cv "$data/tiny.tsv" -k 3 --model nb --c 3 && has meaningless-cv err "--c is for --model lr, nbsvm or svm"
[ ! -e x.slant ] && ok meaningless-no-model || bad meaningless-no-model
# Where they mean something, they are taken.
run meaningful-nbsvm 0 "$SLANT" train "$data/tiny.tsv" -o ok1.slant --model nbsvm --alpha auto --beta auto --c 0.5 --iterations 50 --tol 0.02
run meaningful-svm 0 "$SLANT" train "$data/tiny.tsv" -o ok2.slant --model svm --kernel rbf --gamma scale --c 2 --tol 0.01 --min-count 1
run meaningful-nb 0 "$SLANT" train "$data/tiny.tsv" -o ok3.slant --model nb --alpha 0.5 --class-weight balanced

# ---- the preset applies first; every option given overrides it --------------------------
run preset-after-model 0 "$SLANT" train "$data/tiny.tsv" -o lr-nbsvm.slant --model lr --preset nbsvm \
  && has preset-after-model out "trained lr on 12 documents"
run preset-after-model-inspect 0 "$SLANT" inspect lr-nbsvm.slant --top 0 && {
  has preset-after-model-kind out "kind: lr"
  has preset-after-model-weighting out "--weighting binary"
  has preset-after-model-min-count out "--min-count 1 "
  has preset-after-model-recorded out "preset=nbsvm"
}
run preset-before-model 0 "$SLANT" train "$data/tiny.tsv" -o nbsvm-lr.slant --preset nbsvm --model lr
cmp -s lr-nbsvm.slant nbsvm-lr.slant && ok preset-wherever-it-stands || bad preset-wherever-it-stands
run preset-min-count-first 0 "$SLANT" train "$data/tiny.tsv" -o mc.slant --min-count 3 --preset nbsvm
run preset-min-count-inspect 0 "$SLANT" inspect mc.slant --top 0 && has preset-min-count-wins out "--min-count 3 "
run preset-twice 2 "$SLANT" train "$data/tiny.tsv" -o x.slant --preset nbsvm --preset headlines && has preset-twice err "give one preset"

# ---- warnings the user always sees ---------------------------------------------------------
run warn-no-features 0 "$SLANT" train "$data/tiny.tsv" -o nofeat.slant --min-count 1000 \
  && has warn-no-features err "warning: " && has warn-no-features-says err "no features" \
  && has warn-no-features-advice err "lower --min-count"
run warn-lbfgs-limit 0 "$SLANT" train "$data/tiny.tsv" -o lim.slant --solver lbfgs --iterations 1 \
  && has warn-lbfgs-limit err 'warning: head "topic": L-BFGS stopped at its limit of 1 iterations before it converged; raise --iterations'
run warn-dual-limit 0 "$SLANT" train "$data/tiny.tsv" -o lim.slant --iterations 1 \
  && has warn-dual-limit err 'warning: head "tone": the dual solver stopped at its limit of 1 passes before it converged; raise --iterations'
run warn-nbsvm-limit 0 "$SLANT" train "$data/tiny.tsv" -o lim.slant --preset nbsvm --alpha 1 --beta 1 --iterations 1 \
  && [ "$(grep -c 'the dual solver stopped at its limit' err)" = 2 ] && ok warn-nbsvm-limit-once-per-head \
  || bad warn-nbsvm-limit-once-per-head "$(cat err)"
run warn-quiet-default 0 "$SLANT" train "$data/tiny.tsv" -o quiet.slant
[ ! -s err ] && ok warn-none-by-default || bad warn-none-by-default "$(cat err)"
cd ..
