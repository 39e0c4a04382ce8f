# Progress (cli/progress.c, common/progress.c): one line on standard error
# when it is a terminal, plain lines with --progress elsewhere, none with
# --quiet, and never a change to standard output or a model.  The terminal
# is a pseudo-terminal from script(1); SLANT_PROGRESS_DELAY=0 shows the line
# from the start, where it would wait a second.

# on_tty OUT TTY CMD...: CMD with stdout in OUT and stderr on a pseudo-
# terminal whose transcript goes to TTY; returns CMD's exit status.
on_tty() {
  local o=$1 t=$2; shift 2
  script -qec "$(printf '%q ' "$@") >$o" /dev/null </dev/null >"$t"
}

if ! command -v script >/dev/null 2>&1 || ! script -qec true /dev/null </dev/null >/dev/null 2>&1; then
  skip=$((skip + 1)); echo "skip progress-on-a-terminal: no script(1) that runs"
else
  # On a terminal: the line is drawn in place and erased at the end; stdout
  # is what it is without a terminal.
  "$SLANT" cv "$data/tiny.tsv" >cv.plain 2>cv.plain.err
  if SLANT_PROGRESS_DELAY=0 on_tty cv.tty.out cv.tty "$SLANT" cv "$data/tiny.tsv"; then
    has progress-tty-cv-line cv.tty "$(printf '\rslant: cv: 0/10 folds')"
    if [ "$(tail -c 4 cv.tty | od -An -c | tr -d ' ')" = '\r033[K' ]; then ok progress-tty-erased-at-end
    else bad progress-tty-erased-at-end "$(tail -c 40 cv.tty | od -c)"; fi
    if cmp -s cv.plain cv.tty.out; then ok progress-tty-same-stdout
    else bad progress-tty-same-stdout "$(diff cv.plain cv.tty.out | head)"; fi
  else
    bad progress-tty-cv "exit status $?: $(cat -v cv.tty | head -c 600)"
  fi
  # Quick commands show nothing: the line waits a second by default.
  on_tty q.out q.tty "$SLANT" cv "$data/tiny.tsv"
  if [ ! -s q.tty ]; then ok progress-tty-waits-a-second
  else bad progress-tty-waits-a-second "$(cat -v q.tty | head -c 600)"; fi
  # --quiet: no line, and no warnings, on a terminal too.
  SLANT_PROGRESS_DELAY=0 on_tty q.out q.tty "$SLANT" cv "$data/tiny.tsv" --min-count 1000 --quiet
  if [ $? -eq 0 ] && [ ! -s q.tty ]; then ok progress-tty-quiet
  else bad progress-tty-quiet "$(cat -v q.tty | head -c 600)"; fi
  # A warning erases the line first, and never lands on it.
  SLANT_PROGRESS_DELAY=0 on_tty w.out w.tty "$SLANT" cv "$data/tiny.tsv" --min-count 1000
  if cat -v w.tty | grep -q '\^M\^\[\[Kslant: warning: .*no n-gram occurs'; then ok progress-tty-warning-erases-line
  else bad progress-tty-warning-erases-line "$(cat -v w.tty | head -c 600)"; fi
  # Never wider than the terminal (COLUMNS where the terminal has no size).
  SLANT_PROGRESS_DELAY=0 COLUMNS=24 on_tty w.out w.tty "$SLANT" train "$data/tiny.tsv" -o w.slant
  long=$(tr '\r' '\n' <w.tty | sed 's/\x1b\[K//g' | awk 'length > 23' | head -n 3)
  if grep -q 'slant: train' w.tty && [ -z "$long" ]; then ok progress-tty-width
  else bad progress-tty-width "$(cat -v w.tty | head -c 600)"; fi
  # The model is the one trained without progress.
  "$SLANT" train "$data/tiny.tsv" -o w0.slant >/dev/null 2>&1
  if cmp -s w.slant w0.slant; then ok progress-tty-same-model; else bad progress-tty-same-model; fi
  # label's batches: documents and bytes of the file.
  SLANT_PROGRESS_DELAY=0 on_tty l.out l.tty "$SLANT" label -m nb.slant "$data/tiny.tsv"
  has progress-tty-label l.tty "slant: label: 0 documents, 0 B of $(wc -c <"$data/tiny.tsv") B"
fi

# Not a terminal: nothing, even with no delay.
SLANT_PROGRESS_DELAY=0 run progress-none-without-tty 0 "$SLANT" cv "$data/tiny.tsv" \
  && if [ ! -s err ]; then ok progress-none-without-tty; else bad progress-none-without-tty "$(cat err)"; fi

# --progress without a terminal: plain lines, the first and the last.
if SLANT_PROGRESS_DELAY=0 run progress-plain 0 "$SLANT" cv "$data/tiny.tsv" --progress; then
  if [ "$(head -n 1 err)" = "slant: cv: 0/10 folds, 0s elapsed" ] \
     && tail -n 1 err | grep -q '^slant: cv: 10/10 folds in [0-9]*s$' && ! grep -q "$(printf '\r')" err
  then ok progress-plain-lines; else bad progress-plain-lines "$(cat -v err)"; fi
  if cmp -s out cv.plain 2>/dev/null || { "$SLANT" cv "$data/tiny.tsv" >cv.plain 2>/dev/null && cmp -s out cv.plain; }
  then ok progress-plain-same-stdout; else bad progress-plain-same-stdout "$(diff out cv.plain | head)"; fi
fi
SLANT_PROGRESS_DELAY=0 run progress-plain-tune 0 "$SLANT" train "$data/tiny.tsv" -o t1.slant --tune --progress \
  && has progress-plain-tune err "slant: tune: 0/" && has progress-plain-tune-train err "slant: train: 0/"
"$SLANT" train "$data/tiny.tsv" -o t0.slant --tune >t0.out 2>/dev/null
if cmp -s t0.slant t1.slant; then ok progress-plain-same-tuned-model; else bad progress-plain-same-tuned-model; fi
SLANT_PROGRESS_DELAY=0 run progress-plain-audit 0 "$SLANT" audit "$data/tiny.tsv" --progress \
  && has progress-plain-audit err "slant: audit: 0/10 folds"
SLANT_PROGRESS_DELAY=0 run progress-plain-label 0 "$SLANT" label -m nb.slant --progress - <"$data/tiny.tsv" \
  && has progress-plain-label err "slant: label: 12 documents, $(wc -c <"$data/tiny.tsv") B of"
# Without the delay lowered, a quick command says nothing even so.
run progress-plain-waits 0 "$SLANT" cv "$data/tiny.tsv" --progress \
  && if [ ! -s err ]; then ok progress-plain-waits; else bad progress-plain-waits "$(cat err)"; fi

# --quiet drops warnings; the two options together are refused.
run progress-warns 0 "$SLANT" train "$data/tiny.tsv" -o q.slant --min-count 1000 \
  && has progress-warns err "slant: warning:"
run progress-quiet 0 "$SLANT" train "$data/tiny.tsv" -o q.slant --min-count 1000 --quiet \
  && if [ ! -s err ]; then ok progress-quiet-no-warning; else bad progress-quiet-no-warning "$(cat err)"; fi
run progress-and-quiet 2 "$SLANT" cv "$data/tiny.tsv" --progress --quiet \
  && has progress-and-quiet err "--progress and --quiet go against each other"
run progress-help 0 "$SLANT" label --help && has progress-help out "--progress"
