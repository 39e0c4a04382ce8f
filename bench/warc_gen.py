#!/usr/bin/env python3
"""Wraps the texts of a labeled TSV corpus in the boilerplate of a news
site's pages and writes them as a web archive, for bench/warc.sh.

    warc_gen.py CORPUS.tsv OUT [--limit N] [--seed S]

writes OUT.warc.gz (one gzip member per record, as crawlers write them),
OUT.warc (the same, plain), OUT.jsonl (one object per page: id, the label
column, "html") and OUT.plain.tsv (id, label, the article's own text: the
title and paragraphs a perfect extractor would give).  Each page has a
doctype, a head with styles, scripts and metadata, a header, a navigation
bar, a cookie banner, share buttons, a "related stories" list, a comment
section with comments of both leanings, a newsletter box, a footer, and,
named by no tag, class or id, a list of links and a sponsored teaser,
drawn from a few templates with a fixed seed, so that the archive is the
same bytes each time.  The files go wherever OUT says (/tmp, never the
repository): the texts are the corpus's, not ours to ship.
"""
import argparse
import csv
import gzip
import html
import json
import random
import re
import sys

csv.field_size_limit(sys.maxsize)

SECTIONS = ["World", "Politics", "Business", "Tech", "Science", "Culture", "Film", "Sport",
            "Opinion", "Travel"]
RELATED = ["Ten things we learned this week", "The best and worst of the season",
           "Why everyone is talking about the sequel", "A terrible week for the studio",
           "An excellent year for independent cinema", "What the critics got wrong",
           "Inside the making of a disaster", "The most wonderful surprises of the festival"]
COMMENTS = ["Great review, I loved it too!", "Awful take. Worst thing I have read all week.",
            "Totally agree, brilliant and moving.", "Boring and predictable, a waste of time.",
            "I laughed so hard, highly recommended.", "Terrible acting, terrible script.",
            "One of the best I have seen.", "Disappointing, I expected much more."]
TEASERS = ["Sponsored: the best deals of the week, unbeatable prices on great gadgets",
           "Sponsored: avoid these terrible mistakes that ruin your savings",
           "Promoted: readers love this wonderful little travel pillow",
           "Sponsored: the awful truth about cheap insurance"]
SCRIPT = ("window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
          "gtag('js',new Date());gtag('config','G-XXXX');var ads={slots:['top','side'],"
          "refresh:30000,load:function(){for(var i=0;i<this.slots.length;i++){"
          "document.write('<div class=\"ad-'+this.slots[i]+'\"></div>');}}};ads.load();")
STYLE = ("body{margin:0;font-family:Georgia,serif}.nav a{padding:4px 8px;color:#333}"
         ".cookie-banner{position:fixed;bottom:0;background:#222;color:#fff}"
         "article p{line-height:1.6;max-width:40em}.share-buttons a{margin-right:6px}"
         "footer{font-size:small;color:#777}@media(max-width:600px){.sidebar{display:none}}")


def paragraphs(text):
    """The article's paragraphs: the corpus's <br /> breaks, else sentences
    in groups of three."""
    parts = [p.strip() for p in re.split(r"(?:<br\s*/?>\s*)+", text) if p.strip()]
    if len(parts) > 1:
        return parts
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    return [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3) if sentences[i]]


def page(rng, title, paras, url):
    esc = html.escape
    nav = "".join('<li><a href="/%s">%s</a></li>' % (s.lower(), s) for s in rng.sample(SECTIONS, 7))
    related = "".join('<li><a href="/story/%d">%s</a></li>' % (rng.randrange(10**6), r)
                      for r in rng.sample(RELATED, 4))
    comments = "".join('<div class="comment"><span class="author">reader%d</span><p>%s</p></div>'
                       % (rng.randrange(1000), c) for c in rng.sample(COMMENTS, 3))
    body = "".join("<p>%s</p>\n" % esc(p) for p in paras)
    # boilerplate that no tag, class or id names: a list of links, and a
    # sponsored teaser beside the article
    more = "".join('<li><a href="/story/%d">%s</a></li>' % (rng.randrange(10**6), r)
                   for r in rng.sample(RELATED, 3))
    unnamed = ('<div><h4>More from us</h4><ul>%s</ul></div>\n<div><p>%s</p></div>\n'
               % (more, rng.choice(TEASERS)))
    kind = rng.randrange(3)
    if kind == 0:  # a modern page: article element, ARIA landmarks
        main = ('<main id="content"><article class="story">'
                '<header><h1>%s</h1><p class="byline">By Staff Writer</p></header>\n%s'
                '<div class="share-buttons"><a href="#">Share on Facebook</a> '
                '<a href="#">Share on X</a></div><footer class="tags"><a>%s</a></footer>'
                '</article></main>' % (esc(title), body, rng.choice(SECTIONS)))
    elif kind == 1:  # an older page: divs and classes only
        main = ('<div id="main"><div class="post"><h2 class="post-title">%s</h2>'
                '<div class="entry-content">\n%s</div>'
                '<div class="social-share"><a href="#">Tweet</a> <a href="#">Like</a></div>'
                '</div></div>' % (esc(title), body))
    else:  # a table layout
        main = ('<table width="100%%"><tr><td class="content"><h1>%s</h1>\n%s</td>'
                '<td class="sidebar"><p>Advertisement</p></td></tr></table>' % (esc(title), body))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<title>%s</title><meta name="description" content="%s">'
        '<link rel="stylesheet" href="/s.css"><style>%s</style><script>%s</script></head>\n'
        '<body><header class="site-header"><a class="logo" href="/">The Daily Example</a>'
        '<form class="search"><input name="q"><button>Search</button></form></header>\n'
        '<nav class="nav" role="navigation"><ul>%s</ul></nav>\n'
        '<div class="cookie-banner" id="cookie-consent"><p>We use cookies to improve your '
        'experience and to show you personalised ads. <button>Accept all</button> '
        '<button>Reject</button></p></div>\n%s%s\n'
        '<aside class="related"><h3>Related stories</h3><ul>%s</ul></aside>\n'
        '<section class="comments" id="comments"><h3>Comments</h3>%s</section>\n'
        '<div class="newsletter-signup"><p>Subscribe to our newsletter for the best stories '
        'every morning.</p></div>\n'
        '<footer class="site-footer"><p>&copy; 2026 The Daily Example. All rights reserved.</p>'
        '<ul><li><a href="/privacy">Privacy</a></li><li><a href="/terms">Terms</a></li></ul>'
        '</footer><script src="/app.js"></script><script>%s</script></body></html>\n'
        % (esc(title), esc(paras[0][:150]), STYLE, SCRIPT, nav, unnamed, main, related, comments,
           SCRIPT))


def record(url, body):
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Content-Length: %d\r\nServer: example\r\n\r\n" % len(body)) + body
    head = ("WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:%s>\r\n"
            "WARC-Date: 2026-12-02T00:00:00Z\r\nWARC-Target-URI: %s\r\n"
            "Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n"
            % (url.rsplit("/", 1)[1], url, len(http))).encode()
    return head + http + b"\r\n\r\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("out")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--label", default=None, help="the label column (default: the first)")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    with open(a.corpus, newline="", encoding="utf-8") as f, \
            open(a.out + ".warc.gz", "wb") as gz, open(a.out + ".warc", "wb") as plain, \
            open(a.out + ".jsonl", "w", encoding="utf-8") as jl, \
            open(a.out + ".plain.tsv", "w", encoding="utf-8") as pt:
        rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        label = a.label or rows.fieldnames[0]
        pt.write("id\t%s\ttext\n" % label)
        for i, row in enumerate(rows):
            if a.limit and i >= a.limit:
                break
            paras = paragraphs(row["text"])
            if not paras:
                continue
            words = paras[0].split()
            title = " ".join(words[:8]).rstrip(".,;:!?")
            url = "https://news.example/%s/%06d" % (rng.choice(SECTIONS).lower(), i + 1)
            body = page(rng, title, paras, url).encode("utf-8")
            rec = record(url, body)
            plain.write(rec)
            gz.write(gzip.compress(rec, compresslevel=6, mtime=0))
            jl.write(json.dumps({"id": url, label: row[label], "html": body.decode("utf-8")},
                                ensure_ascii=False) + "\n")
            pt.write("%s\t%s\t%s\n" % (url, row[label], " ".join([title] + paras)))


if __name__ == "__main__":
    main()
