#!/usr/bin/python3
"""What carries across outlets: slant's settings (and three prototypes of
settings it does not have) measured on article_bias in folds grouped by
outlet, then checked on the other corpora, each against scikit-learn's
LinearSVC C=1 on the same folds.

    bench/carry.py [--stage STAGE[,STAGE]] [--out FILE]

Stages (all by default, in this order; every run is cached in
/tmp/slant-grouped-cache, so a later call redoes only what is new):
  options     slant's existing options on article_bias, grouped folds
  transforms  (a) typographic punctuation folded, (b) sentences repeated
              within an outlet or across outlets dropped (text rewritten in
              Python, per fold, from training-side statistics only)
  mingroups   (c) scikit-learn LinearSVC / LR keeping only n-grams seen in
              at least N training outlets
  combos      the best two together
  seed2       the top candidates on a second seed of the grouped folds
  checks      the candidates on hyperpartisan and state_media_headlines
              (test splits) and on 10-fold CV corpora

Writes bench/results/2026-12-01-carry.md (see --out).
"""
import argparse
import collections
import json
import os
import re
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grouped as G  # noqa: E402

# ---- prototypes (a) and (b): rewrite the text --------------------------------

PUNCT = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "\u0060": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ",
})


def fold_punct(train, test):
    """(a) One form of each typographic punctuation variant."""
    f = lambda rows: [r[:-1] + [r[-1].translate(PUNCT)] for r in rows]
    return f(train), f(test)


SENT = re.compile(r"(?<=[.!?])\s+")
STATS = {}


def sentences(text):
    return [s for s in SENT.split(text) if s.strip()]


def skey(s):
    return " ".join(s.lower().split())


def drop_repeated(group_col, per_group=5, min_groups=3):
    """(b) Drops every sentence that, on the training side, is in PER_GROUP
    or more documents of one group, or in documents of MIN_GROUPS or more
    groups (0: that rule off); from test documents too."""
    def t(train, test):
        per = collections.Counter()
        first, multi = {}, collections.Counter()
        for r in train:
            g = r[group_col]
            for k in set(skey(s) for s in sentences(r[-1])):
                per[(g, k)] += 1
                if per[(g, k)] == 1:
                    if k not in first:
                        first[k] = g
                    multi[k] += 1  # groups it is in
        drop = {k for (g, k), n in per.items() if n >= per_group}
        if min_groups:
            drop |= {k for k, n in multi.items() if n >= min_groups}
        st = STATS.setdefault("drop %d/%d" % (per_group, min_groups),
                              {"dropped sentences (kinds)": [], "train bytes kept": [],
                               "test bytes kept": []})
        st["dropped sentences (kinds)"].append(len(drop))

        def clean(rows, name):
            out, before, after = [], 0, 0
            for r in rows:
                kept = [s for s in sentences(r[-1]) if skey(s) not in drop]
                text = " ".join(kept) if kept else r[-1].split(".")[0]  # keep something
                before += len(r[-1])
                after += len(text)
                out.append(r[:-1] + [text])
            st[name + " bytes kept"].append(after / max(before, 1))
            return out
        return clean(train, "train"), clean(test, "test")
    return t


# ---- candidates ----------------------------------------------------------------

OPTIONS = [
    ("default", []),
    ("--punct off", ["--punct", "off"]),
    ("--class-weight balanced", ["--class-weight", "balanced"]),
    ("--model cnb", ["--model", "cnb"]),
    ("--c 1", ["--c", "1"]),
    ("--c 0.1", ["--c", "0.1"]),
    ("--word-ngrams 1-1", ["--word-ngrams", "1-1"]),
    ("--min-count 5", ["--min-count", "5"]),
    ("--weighting binary", ["--weighting", "binary"]),
]
TRANSFORMS = {
    "fold punctuation (a)": lambda c: fold_punct,
    "drop repeated sentences (b)": lambda c: drop_repeated(c.group) if c.group is not None else None,
    "drop sentences, 5 in one outlet only (b')": lambda c: drop_repeated(c.group, 5, 0)
    if c.group is not None else None,
}
# (name, options, transform): filled by the combos stage from the figures
COMBOS = [
    ("--class-weight balanced --weighting binary", ["--class-weight", "balanced", "--weighting", "binary"], None),
    ("--class-weight balanced --min-count 5", ["--class-weight", "balanced", "--min-count", "5"], None),
    ("--class-weight balanced --word-ngrams 1-1", ["--class-weight", "balanced", "--word-ngrams", "1-1"], None),
    ("--class-weight balanced + fold punctuation (a)", ["--class-weight", "balanced"], "fold punctuation (a)"),
    ("--class-weight balanced + drop sentences (b)", ["--class-weight", "balanced"],
     "drop repeated sentences (b)"),
]
MIN_GROUPS = [0, 2, 3, 5, 10]

CHECKS = ["hyperpartisan", "state_media_headlines", "rt_polarity", "subjectivity", "sms_spam",
          "movie_review_v2"]


def all_candidates():
    out = [(n, o, None) for n, o in OPTIONS]
    out += [(n, [], n) for n in TRANSFORMS]
    out += COMBOS
    return out


# ---- running -------------------------------------------------------------------

RESULTS = []


def slant(corpus, split, name, opts, tname, scratch):
    t = TRANSFORMS[tname](corpus) if tname else None
    if tname and t is None:  # no group column: the prototype does nothing there
        t, tname = None, None
    t0 = time.perf_counter()
    preds, secs = G.run_slant(corpus, split, opts, scratch, transform=t, transform_name=tname, reuse=True)
    for h in corpus.heads:
        r = {"corpus": corpus.name, "head": corpus.header[h], "split": split, "tool": "slant",
             "candidate": name, "seconds": secs}
        r.update(G.figures(corpus, split, h, preds[corpus.header[h]]))
        RESULTS.append(r)
        G.log("%-22s %-12s %-22s %-42s macro-F1 %.4f (std %s) acc %.4f  %.0fs%s" % (
            corpus.name, r["head"], split, name, r["macro_f1"], G.fmt(r["fold_f1_std"]), r["accuracy"],
            secs, "" if time.perf_counter() - t0 > 1 else " (cached)"))


def peers(corpus, split, names, min_groups=0):
    preds, secs, vsecs, vocab = G.run_peers(corpus, split, names, min_groups=min_groups, reuse=True)
    c = {"preds": preds, "secs": secs, "vocab": vocab}
    for n in names:
        for h in corpus.heads:
            r = {"corpus": corpus.name, "head": corpus.header[h], "split": split, "tool": n,
                 "candidate": n + (" min-groups %d" % min_groups if min_groups else ""),
                 "min_groups": min_groups, "vocabulary": c["vocab"], "seconds": c["secs"][n]}
            r.update(G.figures(corpus, split, h, c["preds"][n][corpus.header[h]]))
            RESULTS.append(r)
            G.log("%-22s %-12s %-22s %-42s macro-F1 %.4f (std %s) acc %.4f  vocab %.0f" % (
                corpus.name, r["head"], split, r["candidate"], r["macro_f1"], G.fmt(r["fold_f1_std"]),
                r["accuracy"], c["vocab"]))


def perturbed_folds(corpus, seed, k=G.K, noise=0.5):
    """Grouped folds of another draw, for a second look at the noise: the
    seeds of StratifiedGroupKFold give the same folds here (it sorts the
    outlets by the spread of their class counts, so only outlets of one size
    tie), so this deals outlets greedily, each to the fold whose class counts
    it brings nearest the ideal (sum of squares), in order of size times
    exp(N(0, NOISE)) drawn from SEED."""
    rng = np.random.RandomState(seed)
    classes = sorted(set(r[corpus.heads[0]] for r in corpus.rows))
    cnt = collections.defaultdict(lambda: np.zeros(len(classes)))
    for r in corpus.rows:
        cnt[r[corpus.group]][classes.index(r[corpus.heads[0]])] += 1
    names = sorted(cnt)
    key = np.array([cnt[n].sum() for n in names]) * np.exp(rng.normal(0, noise, len(names)))
    target = sum(cnt.values()) / k
    fold_cnt = np.zeros((k, len(classes)))
    where = {}
    for i in np.argsort(-key, kind="stable"):
        gc = cnt[names[i]]
        cost = (2 * (fold_cnt - target) * gc + gc ** 2).sum(axis=1)
        f = int(np.argmin(cost))
        fold_cnt[f] += gc
        where[names[i]] = f
    fold = np.array([where[r[corpus.group]] for r in corpus.rows])
    key = "grouped 5-fold seed %d" % seed
    corpus.splits[key] = [(np.flatnonzero(fold != f), np.flatnonzero(fold == f)) for f in range(k)]
    corpus.fold_source[key] = "carry.py's perturbed greedy grouping, seed %d" % seed
    G.log("%s: test folds of %s articles" % (key, [int((fold == f).sum()) for f in range(k)]))
    return fold_cnt


def load(name, scratch, seeds=(1,)):
    c = G.Corpus(name)
    if c.kind == "grouped":
        G.make_folds(c, scratch, splits=("grouped",))
        for s in seeds:
            if s != 1:
                perturbed_folds(c, s)
    elif c.kind == "cv":
        G.make_folds(c, scratch, k=10, splits=("plain",))
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stage", default="options,transforms,mingroups,combos,seed2,checks")
    ap.add_argument("--top", default="", help="seed2, combos: the candidates (names, comma-separated; "
                    "combos: all when empty)")
    ap.add_argument("--checks", default=",".join(CHECKS))
    ap.add_argument("--min-groups", default=",".join(str(n) for n in MIN_GROUPS if n),
                    help="mingroups: the values of N")
    ap.add_argument("--lr", type=int, default=0,
                    help="mingroups: LogisticRegression C=10 too, without and with this N")
    ap.add_argument("--out", default=os.path.join(G.ROOT, "bench", "results", "2026-12-01-carry.md"))
    args = ap.parse_args()
    stages = args.stage.split(",")
    import tempfile
    import shutil
    scratch = tempfile.mkdtemp(prefix="slant-carry-")
    started = time.perf_counter()
    try:
        ab = load("article_bias", scratch, seeds=(1, 2) if "seed2" in stages else (1,))
        g1 = "grouped 5-fold"
        if "options" in stages:
            peers(ab, g1, ["sklearn LinearSVC C=1"])
            for n, o in OPTIONS:
                slant(ab, g1, n, o, None, scratch)
        if "transforms" in stages:
            for n in TRANSFORMS:
                slant(ab, g1, n, [], n, scratch)
        if "mingroups" in stages:
            for mg in [0] + [int(x) for x in args.min_groups.split(",")]:
                peers(ab, g1, ["sklearn LinearSVC C=1"], min_groups=mg)
            if args.lr:
                peers(ab, g1, ["sklearn LogisticRegression C=10"], min_groups=0)
                peers(ab, g1, ["sklearn LogisticRegression C=10"], min_groups=args.lr)
        if "combos" in stages:
            for n, o, t in COMBOS:
                if not args.top or n in args.top.split(","):
                    slant(ab, g1, n, o, t, scratch)
        if "seed2" in stages:
            g2 = "grouped 5-fold seed 2"
            peers(ab, g2, ["sklearn LinearSVC C=1"])
            top = ["default"] + [t for t in args.top.split(",") if t]
            for n, o, t in all_candidates():
                if n in top:
                    slant(ab, g2, n, o, t, scratch)
        if "checks" in stages:
            for name in args.checks.split(","):
                c = load(name, scratch)
                for split in c.splits:
                    peers(c, split, ["sklearn LinearSVC C=1"])
                    for n, o, t in all_candidates():
                        # (b) needs a group column: elsewhere it is the options alone
                        # (the cache makes that the same run)
                        slant(c, split, n, o, t, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    G.log("%.0f s" % (time.perf_counter() - started))
    base = os.path.splitext(args.out)[0]
    with open(base + ".json", "w") as f:
        json.dump({"results": RESULTS, "transform_stats": STATS, "stages": stages}, f, indent=1)
    with open(base + "-tables.md", "w") as f:
        f.write(tables(RESULTS))
    G.log("wrote %s.json and -tables.md" % base)


def tables(results):
    """The figures as Markdown tables (bench/results/2026-12-01-carry.md quotes them)."""
    f4 = G.fmt
    pts = lambda a, b: "%+.2f" % (100 * (a - b))
    L = []
    get = lambda c, s, cand, h=None: next((r for r in results if r["corpus"] == c and r["split"] == s and
                                          r["candidate"] == cand and (h is None or r["head"] == h)), None)
    for split in ("grouped 5-fold", "grouped 5-fold seed 2"):
        rows = [r for r in results if r["corpus"] == "article_bias" and r["split"] == split]
        if not rows:
            continue
        d = get("article_bias", split, "default")
        svc = get("article_bias", split, "sklearn LinearSVC C=1")
        L += ["### article_bias, %s" % split, "",
              "| candidate | macro-F1 | fold std | accuracy | vs slant default | folds better / std of the fold differences | vs LinearSVC C=1 | s |",
              "|---|---|---|---|---|---|---|---|"]
        seen = set()
        for r in rows:
            if r["candidate"] in seen:
                continue
            seen.add(r["candidate"])
            fd = np.array(r["fold_f1"]) - np.array(d["fold_f1"]) if d else None
            L.append("| %s | %s | %s | %s | %s | %s | %s | %.0f |" % (
                r["candidate"], f4(r["macro_f1"]), f4(r["fold_f1_std"]), f4(r["accuracy"]),
                pts(r["macro_f1"], d["macro_f1"]) if d else "",
                "%d of %d / %.2f" % ((fd > 0).sum(), len(fd), 100 * fd.std()) if d else "",
                pts(r["macro_f1"], svc["macro_f1"]) if svc else "", r["seconds"]))
        L.append("")
    # every corpus: candidate minus LinearSVC C=1, worst case
    keys = []
    for r in results:
        k = (r["corpus"], r["head"], r["split"])
        if k not in keys and not r["split"].endswith("seed 2"):
            keys.append(k)
    cands = []
    for r in results:
        if r["tool"] == "slant" and r["candidate"] not in cands:
            cands.append(r["candidate"])
    cols = [k for k in keys if get(k[0], k[2], "sklearn LinearSVC C=1", k[1])]
    if len(cols) > 1:
        name = lambda k: "%s%s" % (k[0], "" if k[1] in ("label", "bias") else " " + k[1])
        L += ["### Candidate minus LinearSVC C=1, macro-F1 points, every corpus measured", "",
              "| candidate | " + " | ".join(name(k) for k in cols) + " | worst | mean | worst vs slant default |",
              "|---|" + "---|" * (len(cols) + 3)]
        for c in cands:
            ds, dd = [], []
            cells = []
            for k in cols:
                r, s = get(k[0], k[2], c, k[1]), get(k[0], k[2], "sklearn LinearSVC C=1", k[1])
                d = get(k[0], k[2], "default", k[1])
                if r is None:
                    cells.append("")
                    continue
                ds.append(r["macro_f1"] - s["macro_f1"])
                dd.append(r["macro_f1"] - d["macro_f1"])
                cells.append("%+.2f" % (100 * ds[-1]))
            if len(ds) < len(cols):
                continue  # not measured everywhere: no worst case
            L.append("| %s | %s | **%+.2f** | %+.2f | %+.2f |" % (
                c, " | ".join(cells), 100 * min(ds), 100 * np.mean(ds), 100 * min(dd)))
        L += ["", "LinearSVC C=1's own macro-F1: " + ", ".join(
            "%s %s" % (name(k), f4(get(k[0], k[2], "sklearn LinearSVC C=1", k[1])["macro_f1"])) for k in cols) + ".", ""]
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    main()
