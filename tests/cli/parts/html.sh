# Web pages and archives (issue 14): a .html file, a folder of them and a
# JSONL "html" key labeled by their text, boilerplate left out; a WARC
# file built here, plain and gzip member by member, its bad record skipped
# with its offset and counted; bad input refused with its name.
# Sourced by tests/cli/run in its temporary folder, after nb.slant exists.

page() { # page TITLE BODY: a page in the boilerplate a news site wraps it in
  printf '<!DOCTYPE html><html><head><title>%s</title><style>p{margin:0}</style>' "$1"
  printf '<script>var t="port tariffs shippers";</script></head><body>'
  printf '<header><a href="/">Home</a></header><nav><a>Trade</a> <a>Tariffs</a></nav>'
  printf '<div class="cookie-banner">We use cookies for tariff deals</div>'
  printf '<article><h1>%s</h1><p>%s</p></article>' "$1" "$2"
  printf '<aside>Shippers and farmers: the tariff war</aside><footer>Port tariffs</footer></body></html>'
}

# ---- one page, a folder of pages -------------------------------------------------
page 'Chip plant' 'The new chip plant opened early and the wafers look excellent.' > chips.html
run html-file 0 "$SLANT" label -m nb.slant chips.html && has html-file out 'chips.html	chips	'
run html-stdin 0 sh -c "'$SLANT' label -m nb.slant -f html - < chips.html" && has html-stdin out '<stdin>	chips	'
run html-stdin-told 0 sh -c "'$SLANT' label -m nb.slant < chips.html" && has html-stdin-told out '<stdin>	chips	'
# what the model sees: the title and the article, no boilerplate
run html-features 0 "$SLANT" features -m nb.slant chips.html -o chips.svm && {
  printf 'Chip plant\nChip plant\nThe new chip plant opened early and the wafers look excellent.' > plain.txt
  "$SLANT" features -m nb.slant -f text plain.txt -o plain.svm >/dev/null 2>&1
  cmp -s chips.svm plain.svm && ok html-features-text-only || bad html-features-text-only "$(cat chips.svm plain.svm)"
}
mkdir -p pages && page 'Tariff deal' 'Tariff talks ended with a welcome deal for farmers and shippers.' > pages/b.htm
cp chips.html pages/a.html
run html-folder 0 "$SLANT" label -m nb.slant pages && {
  [ "$(tail -n +2 out | cut -f1,2 | tr '\n\t' '  ')" = "pages/a.html chips pages/b.htm trade " ] \
    && ok html-folder-ids || bad html-folder-ids "$(cat out)"
  grep -q 'its name says html' err && bad html-folder-no-warning "$(cat err)" || ok html-folder-no-warning
}
mkdir -p labeled/chips labeled/trade && cp chips.html labeled/chips/a.html && cp pages/b.htm labeled/trade/b.html
run html-label-folders 0 "$SLANT" train -f dir labeled -o pages.slant --model nb --min-count 1 && \
  has html-label-folders out 'label (2 classes)'

# ---- JSONL: "html" instead of "text" ------------------------------------------
printf '{"id": "j1", "topic": "chips", "html": "<nav>tariff port</nav><p>Chip exports slumped and the foundry cut shifts.</p>"}\n' > pages.jsonl
printf '{"id": "j2", "topic": "trade", "html": "<p>The tariff war hurt shippers &amp; farmers.</p><footer>chip wafers</footer>"}\n' >> pages.jsonl
run html-jsonl 0 "$SLANT" label -m nb.slant pages.jsonl && {
  [ "$(tail -n +2 out | cut -f1,2 | tr '\n\t' '  ')" = "j1 chips j2 trade " ] && ok html-jsonl-labels || bad html-jsonl-labels "$(cat out)"
}
run html-jsonl-eval 0 "$SLANT" eval -m nb.slant -l topic pages.jsonl && has html-jsonl-eval out 'documents: 2'
printf '{"id": "j3", "html": 7}\n' > badhtml.jsonl
run html-jsonl-bad 2 "$SLANT" label -m nb.slant badhtml.jsonl && has html-jsonl-bad err 'badhtml.jsonl:1: "html" must be a string, found an integer'

# ---- WARC: response records of HTML pages ----------------------------------------
record() { # record URI CONTENT-TYPE BODY: one WARC/1.1 response record
  http=$(printf 'HTTP/1.1 200 OK\r\nContent-Type: %s\r\n\r\n%s' "$2" "$3")
  printf 'WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: %s\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n' \
    "$1" "${#http}" "$http"
}
record http://news.example/chips 'text/html; charset=utf-8' "$(cat chips.html)" > r1
printf 'WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 9\r\n\r\nsoftware\n\r\n\r\n' > r2
printf 'WARC/1.1\r\nWARC-Type: response\r\nContent-Length: many\r\n\r\n\r\n\r\n' > r3
record http://news.example/trade 'text/html' "$(cat pages/b.htm)" > r4
record http://news.example/logo.png 'image/png' 'PNG' > r5
cat r1 r2 r3 r4 r5 > site.warc
bad_at=$(cat r1 r2 | wc -c)
run warc-plain 0 "$SLANT" label -m nb.slant site.warc && {
  [ "$(tail -n +2 out | cut -f1,2 | tr '\n\t' '  ')" = "http://news.example/chips chips http://news.example/trade trade " ] \
    && ok warc-plain-pages || bad warc-plain-pages "$(cat out)"
  has warc-plain-offset err "site.warc: record at byte $bad_at: its Content-Length is not a number; skipped"
  has warc-plain-count err 'site.warc: 1 bad record skipped'
}
for f in r1 r2 r3 r4 r5; do gzip -nc "$f"; done > site.warc.gz
member_at=$( (gzip -nc r1; gzip -nc r2) | wc -c)
run warc-gz 0 "$SLANT" label -m nb.slant site.warc.gz && {
  [ "$(tail -n +2 out | cut -f1,2 | tr '\n\t' '  ')" = "http://news.example/chips chips http://news.example/trade trade " ] \
    && ok warc-gz-pages || bad warc-gz-pages "$(cat out)"
  has warc-gz-offset err "record at byte $bad_at (gzip member at byte $member_at): its Content-Length is not a number"
}
run warc-told 0 sh -c "'$SLANT' label -m nb.slant -f warc - < site.warc.gz" && has warc-told out 'http://news.example/trade	trade'
run warc-sniffed 0 sh -c "'$SLANT' label -m nb.slant < site.warc" && has warc-sniffed out 'http://news.example/chips	chips'
run warc-features 0 "$SLANT" features -m nb.slant -f warc site.warc.gz -o site.svm && {
  [ "$(wc -l < site.svm)" -eq 2 ] && ok warc-features-rows || bad warc-features-rows "$(cat site.svm)"
}
run warc-json 0 "$SLANT" label -m nb.slant --json site.warc && has warc-json out '"id":"http://news.example/chips"'
# cut short: the pages before the cut, a warning, no crash
head -c $(( $(wc -c < site.warc.gz) - 30 )) site.warc.gz > cut.warc.gz
run warc-cut 0 "$SLANT" label -m nb.slant cut.warc.gz && {
  has warc-cut-warning err 'the file ends inside its gzip member; skipped'
  has warc-cut-page out 'http://news.example/chips	chips'
}
run warc-not 2 "$SLANT" label -m nb.slant -f warc chips.html && has warc-not err 'chips.html: not a WARC file: none of its 1 records could be read'
[ "$(wc -l < out)" -le 1 ] && ok warc-not-no-rows || bad warc-not-no-rows "$(cat out)"
run warc-missing 1 "$SLANT" label -m nb.slant -f warc nothing.warc && has warc-missing err 'nothing.warc: No such file or directory'
run html-bad-format 2 "$SLANT" label -m nb.slant -f htm chips.html && has html-bad-format err "'htm' is not one of"

# ---- labels kept apart: --labels FILE, joined on the URI --------------------------
printf 'url\ttopic\nhttp://news.example/chips\tchips\nhttp://news.example/trade\ttrade\nhttp://news.example/gone\ttrade\n' > site.labels.tsv
run warc-eval 0 "$SLANT" eval -m nb.slant -l topic --labels site.labels.tsv site.warc.gz && {
  has warc-eval out 'head topic: accuracy 1.0000'
  has warc-eval-unused err 'site.labels.tsv: 1 of its 3 rows name no document of site.warc.gz'
}
run warc-train 0 "$SLANT" train site.warc --labels site.labels.tsv -o site.slant --model nb --min-count 1 && \
  has warc-train out 'heads topic (2 classes)'
run warc-label-labels 0 "$SLANT" label -m site.slant site.warc --labels site.labels.tsv && has warc-label-labels out 'http://news.example/chips	chips'
printf 'topic\ttone\nchips\tup\n' > nokey.tsv
run labels-no-key 2 "$SLANT" eval -m nb.slant --labels nokey.tsv site.warc && has labels-no-key err 'nokey.tsv:1: no "id" or "url" column to join the labels on'
printf 'id\ttopic\na\tchips\na\ttrade\n' > twice.tsv
run labels-twice 2 "$SLANT" train site.warc --labels twice.tsv -o x.slant && has labels-twice err 'twice.tsv:3: id "a" again (first on row 1)'
[ ! -e x.slant ] && ok labels-no-model || bad labels-no-model
run labels-missing 1 "$SLANT" train site.warc --labels none.tsv -o x.slant && has labels-missing err 'none.tsv: No such file or directory'

# A page told by its content (standard input) has no column to group by,
# as a page told by its name has none (fuzz_corpus found the difference).
printf '<!doctype html><title>t</title><p>chip wafers</p>\n' > page-stdin.txt
run html-stdin-group 2 "$SLANT" train - -o g.slant --group outlet < page-stdin.txt \
  && has html-stdin-group err '<stdin>: --group "outlet" names a column, and a html corpus has none'
[ ! -e g.slant ] && ok html-stdin-group-no-model || bad html-stdin-group-no-model
