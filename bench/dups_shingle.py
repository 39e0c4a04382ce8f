#!/usr/bin/env python3
"""How many words a shingle of `slant dups` should hold: a measurement.

    bench/dups_shingle.py SLANT SMS_TSV UNION_TSV HEADLINES_TSV [--sample N] [--seed S]

For each shingle size k from 1 to 5, at the default threshold 0.8:

* real near-duplicates of sms_spam, of state_media_headlines' train.tsv
  (short texts, where k matters most) and of UNION_TSV (imdb's reviews):
  every pair that any k finds, and every pair a wide net finds (k = 1 at
  threshold 0.5), is judged by the similarity of its two word sequences
  (difflib's ratio, 2 * matched words / all words: a reordering or a shared
  vocabulary scores low, a copy with a few edits high); a pair of ratio
  >= 0.8 is a copy, >= 0.9 a close copy.  Precision and recall of each k
  against those.  sms_spam with --exact, so that the sketch plays no part;
  the headlines (32,000) and imdb (50,000) with the sketch.
* planted copies: N reviews of UNION_TSV (seeded), each copied with one kind
  of edit (words replaced at random at 2%, 5% and 10%; a byline and a
  footer added; the last 15% of the words cut), then found back with
  `slant dups ORIGINALS COPIES --exact`: the share of copies found.

Prints Markdown tables.  Reads the corpora where they are; writes only
temporary files, removed at the end.
"""
import argparse
import csv
import difflib
import json
import os
import random
import re
import subprocess
import sys
import tempfile

csv.field_size_limit(1 << 30)
WORD = re.compile(r"\w+(?:'\w+)*")
KS = [1, 2, 3, 4, 5]


def read_texts(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(rows)
        col = header.index("text")
        return [r[col] for r in rows]


def words(text):
    # close to slant's tokenizer: a typographic apostrophe is one too
    return WORD.findall(text.lower().replace("\u2019", "'"))


def dups(slant, args):
    out = subprocess.run([slant, "dups", "--json"] + args, check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out)


def pair_set(report):
    # ids are row numbers from 1: documents 0-based
    return {(int(p["id_a"]) - 1, int(p["id_b"]) - 1) for p in report["pairs"]}


def real(slant, name, path, exact):
    texts = read_texts(path)
    toks = [words(t) for t in texts]
    how = ["--exact"] if exact else []
    found = {k: pair_set(dups(slant, [path, "--shingle", str(k)] + how)) for k in KS}
    net = pair_set(dups(slant, [path, "--shingle", "1", "--threshold", "0.5"] + how))
    judged = {}
    for a, b in set().union(net, *found.values()):
        judged[(a, b)] = difflib.SequenceMatcher(None, toks[a], toks[b], autojunk=False).ratio()
    copies = {p for p, r in judged.items() if r >= 0.8}
    close = {p for p, r in judged.items() if r >= 0.9}
    print(f"{name}: {len(texts)} documents, {'--exact' if exact else 'the sketch'}; "
          f"{len(judged)} pairs judged: {len(copies)} copies (word-sequence ratio >= 0.8), "
          f"{len(close)} close copies (>= 0.9)\n")
    print("| shingle | pairs at 0.8 | of them copies | precision | recall of the copies "
          "| recall of the close copies |")
    print("|---|---|---|---|---|---|")
    for k in KS:
        hit = len(found[k] & copies)
        prec = hit / len(found[k]) if found[k] else 1.0
        print(f"| {k} | {len(found[k])} | {hit} | {prec:.3f} | {hit / len(copies):.3f} "
              f"| {len(found[k] & close) / len(close):.3f} |")
    print()


def edit(tokens, kind, rng, vocab):
    t = list(tokens)
    if kind.startswith("replace"):
        rate = float(kind.split()[1].rstrip("%")) / 100
        return [rng.choice(vocab) if rng.random() < rate else w for w in t]
    if kind == "byline and footer":
        return (["by", "staff", "writer", "published", "december", "1", "2026"] + t
                + ["copyright", "2026", "all", "rights", "reserved", "reprinted", "with",
                   "permission", "read", "more", "at", "our", "website"])
    if kind == "last 15% cut":
        return t[: max(1, int(len(t) * 0.85))]
    raise ValueError(kind)


def planted(slant, path, n, seed):
    texts = read_texts(path)
    rng = random.Random(seed)
    pick = rng.sample(range(len(texts)), n)
    originals = [" ".join(words(texts[i])) for i in pick]
    vocab = sorted({w for t in originals for w in t.split()})
    kinds = ["replace 2%", "replace 5%", "replace 10%", "byline and footer", "last 15% cut"]
    found = {}
    with tempfile.TemporaryDirectory(prefix="dups-shingle-") as tmp:
        a = os.path.join(tmp, "originals.tsv")
        with open(a, "w", encoding="utf-8") as f:
            f.write("text\n" + "".join(t + "\n" for t in originals))
        for kind in kinds:
            b = os.path.join(tmp, "copies.tsv")
            with open(b, "w", encoding="utf-8") as f:
                f.write("text\n")
                for t in originals:
                    f.write(" ".join(edit(t.split(), kind, rng, vocab)) + "\n")
            for k in KS:
                r = dups(slant, [a, b, "--shingle", str(k), "--exact"])
                same = sum(1 for p in r["pairs"] if p["id"] == p["other_id"])
                found[kind, k] = (same, len(r["pairs"]) - same)
    print(f"planted copies: {n} reviews of {os.path.basename(path)} (seed {seed}), one copy "
          "each; share found at 0.8 (pairs with another review's copy in brackets)\n")
    print("| edit | " + " | ".join(f"shingle {k}" for k in KS) + " |")
    print("|---|" + "---|" * len(KS))
    for kind in kinds:
        cells = []
        for k in KS:
            same, other = found[kind, k]
            cells.append(f"{same / n:.3f}" + (f" ({other})" if other else ""))
        print(f"| {kind} | " + " | ".join(cells) + " |")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("slant")
    ap.add_argument("sms")
    ap.add_argument("union")
    ap.add_argument("headlines", help="state_media_headlines' train.tsv")
    ap.add_argument("--sample", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    real(a.slant, "sms_spam", a.sms, True)
    real(a.slant, "state_media_headlines train", a.headlines, False)
    real(a.slant, "imdb train and test", a.union, False)
    planted(a.slant, a.union, a.sample, a.seed)


if __name__ == "__main__":
    sys.exit(main())
