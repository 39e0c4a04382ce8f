# label as a stream filter (issue 14): one line out per article, in order,
# flushed a batch at a time, the same labels whether the input comes whole
# or cut into pieces by GNU parallel --pipe (CI installs it).

# JSON lines with their own ids, as a filter would get them.
awk 'BEGIN { for (i = 1; i <= 40; i++) {
  t = (i % 3 == 0) ? "chip wafer fab output" : (i % 3 == 1) ? "tariff trade export deal" : "grain prices";
  printf "{\"id\": \"s%d\", \"text\": \"%s %d\"}\n", i, t, i } }' > stream.jsonl
run stream-whole 0 "$SLANT" label -m lr.slant --json stream.jsonl && cp out stream-whole.out
run stream-stdin 0 "$SLANT" label -m lr.slant --json - < stream.jsonl \
  && { cmp -s out stream-whole.out && ok stream-stdin-same || bad stream-stdin-same "$(diff out stream-whole.out | head)"; }
[ "$(wc -l < stream-whole.out)" -eq 40 ] && ok stream-one-line-each || bad stream-one-line-each "$(wc -l < stream-whole.out)"

# --no-header: the TSV rows alone, the same rows as with the header.
run stream-no-header 0 "$SLANT" label -m lr.slant --no-header stream.jsonl && {
  "$SLANT" label -m lr.slant stream.jsonl | tail -n +2 > with-header.rows
  cmp -s out with-header.rows && ok stream-no-header-rows || bad stream-no-header-rows "$(head -3 out)"
}
run stream-help 0 "$SLANT" label --help && has stream-help out "STREAMS."

# Output flows while input does: the writer holds the second article back
# until the first one's line is out (for at most 60 s, valgrind included).
: > flow.out
( printf '{"id": "a", "text": "chip wafer"}\n'
  for i in $(seq 600); do grep -q '"id":"a"' flow.out && break; sleep 0.1; done
  grep -q '"id":"a"' flow.out && echo seen > flow.seen
  printf '{"id": "b", "text": "grain"}\n' ) | "$SLANT" label -m lr.slant --json - > flow.out 2>flow.err
[ -e flow.seen ] && ok stream-flushes-early || bad stream-flushes-early "the first line came only at the end: $(cat flow.err)"
grep -q '"id":"b"' flow.out && ok stream-flushes-rest || bad stream-flushes-rest "$(cat flow.out)"

# A bad line: the articles before it out, the line named, status 2.
{ head -n 5 stream.jsonl; echo '{"id": "bad", "text": }'; tail -n 3 stream.jsonl; } > stream-bad.jsonl
run stream-bad-line 2 "$SLANT" label -m lr.slant --json - < stream-bad.jsonl \
  && has stream-bad-line err "<stdin>:6:" \
  && { [ "$(wc -l < out)" -eq 5 ] && ok stream-bad-line-before-out || bad stream-bad-line-before-out "$(wc -l < out) lines"; }

if command -v parallel >/dev/null 2>&1; then
  # Pieces of 7 lines on 2 jobs, kept in order (-k): the very bytes of one
  # run.  (timeout: a hung parallel fails the test rather than the suite.)
  timeout 120 parallel --will-cite --pipe -k -N 7 -j 2 "$SLANT" label -m lr.slant --json - < stream.jsonl > par.out 2>par.err \
    && cmp -s par.out stream-whole.out && ok stream-parallel-json || bad stream-parallel-json "$(cat par.err; diff par.out stream-whole.out | head)"
  timeout 120 parallel --will-cite --pipe -k -N 7 -j 2 "$SLANT" label -m lr.slant --no-header - < stream.jsonl > par.tsv 2>par.err \
    && cmp -s par.tsv with-header.rows && ok stream-parallel-tsv || bad stream-parallel-tsv "$(cat par.err; head -3 par.tsv)"
  # A bad piece: parallel's status counts the pieces that failed, and the
  # piece's message names its line.
  timeout 120 parallel --will-cite --pipe -k -N 4 -j 2 "$SLANT" label -m lr.slant --json - < stream-bad.jsonl > par-bad.out 2>par-bad.err
  rc=$?
  [ "$rc" -eq 1 ] && grep -q "<stdin>:2:" par-bad.err && ok stream-parallel-bad || bad stream-parallel-bad "status $rc: $(cat par-bad.err)"
else
  skip=$((skip + 1)); echo "skip stream-parallel: no GNU parallel on PATH"
fi
