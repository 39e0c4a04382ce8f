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
