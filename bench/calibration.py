#!/usr/bin/python3
"""Calibration and abstention (issue 12, parts 2 and 3), measured in one run.

For imdb, hyperpartisan and state_media_headlines (both heads): slant trained
without calibration (--calibrate none) and with it (the default, auto),
each scored on the test split: expected calibration error over 15
equal-width bins of the top probability, log loss, accuracy and macro-F1;
fastText (`fasttext supervised`, `predict-prob -1`) and scikit-learn's
LogisticRegression (predict_proba on TF-IDF word 1-2-grams) on the same
splits, with the same ECE computed here from their probabilities.
--target-precision 0.9 on hyperpartisan and state_media `outlet`: the
precision and coverage of the covered part of the test split (eval's
"coverage" figures).  Training and labeling times of slant with and without
calibration, and fastText's training time, each as its own process, the
fastest of --repeats runs.

    bench/calibration.py [--data DIR] [--corpora a,b] [--repeats N] [--out FILE]
"""
import argparse
import csv
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SLANT = os.environ.get("SLANT", os.path.join(ROOT, "bin", "slant"))
BINS = 15
csv.field_size_limit(1 << 30)

CORPORA = {  # name: heads (column index, name), target precision spec
    "imdb": ([(0, "label")], None),
    "hyperpartisan": ([(0, "label")], "0.9"),
    "state_media_headlines": ([(0, "outlet"), (1, "source_type")], "outlet=0.9"),
}


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return rows[0], rows[1:]


def timed(cmd, repeats=1, stdout=subprocess.DEVNULL):
    best = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=stdout, stderr=subprocess.DEVNULL)
        t = time.perf_counter() - t0
        best = t if best is None else min(best, t)
    return best


def ece(top, right):
    n = len(top)
    conf, acc, cnt = [0.0] * BINS, [0.0] * BINS, [0] * BINS
    for p, r in zip(top, right):
        b = min(int(p * BINS), BINS - 1)
        cnt[b] += 1
        conf[b] += p
        acc[b] += r
    return sum(abs(acc[b] - conf[b]) for b in range(BINS)) / n if n else 0.0


def macro_f1(gold, pred):
    classes = sorted(set(gold) | set(pred))
    f = 0.0
    for c in classes:
        tp = sum(1 for g, p in zip(gold, pred) if g == c and p == c)
        np_, ng = pred.count(c), gold.count(c)
        f += 2 * tp / (np_ + ng) if np_ + ng else 0
    return f / len(classes)


FT_PUNCT = re.compile(r"([.!?,'/()\"\-:;])")


def fasttext_run(train, test, col, work, repeats):
    """fastText as bench/peers.py runs it; returns ECE, accuracy and train time."""
    def prep(src, dst):
        _, rows = read_tsv(src)
        with open(dst, "w", encoding="utf-8") as f:
            for r in rows:
                text = " ".join(FT_PUNCT.sub(r" \1 ", r[-1].lower()).split())
                f.write("__label__%s %s\n" % (r[col], text))
        return [r[col] for r in rows]
    tr, te = os.path.join(work, "ft-train.txt"), os.path.join(work, "ft-test.txt")
    prep(train, tr)
    gold = prep(test, te)
    model = os.path.join(work, "ft")
    t = timed(["fasttext", "supervised", "-input", tr, "-output", model, "-wordNgrams", "2",
               "-dim", "10", "-epoch", "10", "-lr", "0.1", "-bucket", "2000000", "-thread", "2",
               "-verbose", "0"], repeats)
    out = subprocess.run(["fasttext", "predict-prob", model + ".bin", te, "-1"], check=True,
                         capture_output=True, text=True).stdout.splitlines()
    top, right, pred = [], [], []
    for line, g in zip(out, gold):
        f = line.split()
        label, p = f[0].replace("__label__", ""), min(float(f[1]), 1.0)
        top.append(p)
        right.append(label == g)
        pred.append(label)
    for ext in (".bin", ".vec"):
        if os.path.exists(model + ext):
            os.unlink(model + ext)
    return {"ece": ece(top, right), "accuracy": sum(right) / len(right),
            "macro_f1": macro_f1(gold, pred), "train_s": t}


def sklearn_run(train, test, col):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    _, tr = read_tsv(train)
    _, te = read_tsv(test)
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    x = vec.fit_transform([r[-1] for r in tr])
    clf = LogisticRegression(C=10, solver="liblinear", max_iter=1000)
    clf.fit(x, [r[col] for r in tr])
    pr = clf.predict_proba(vec.transform([r[-1] for r in te]))
    gold = [r[col] for r in te]
    pred = [clf.classes_[row.argmax()] for row in pr]
    top = [float(row.max()) for row in pr]
    right = [p == g for p, g in zip(pred, gold)]
    return {"ece": ece(top, right), "accuracy": sum(right) / len(right),
            "macro_f1": macro_f1(gold, pred)}


def slant_eval(model, test):
    out = subprocess.run([SLANT, "eval", "-m", model, test, "--json"], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)["heads"]


def provenance(model):
    out = subprocess.run([SLANT, "inspect", model], check=True, capture_output=True,
                         text=True).stdout
    return [l.strip() for l in out.splitlines()
            if l.strip().startswith(("calibration=", "abstain="))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--corpora", default=",".join(CORPORA))
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results",
                                                  datetime.date.today().isoformat()
                                                  + "-calibration"))
    a = ap.parse_args()
    res = {}
    with tempfile.TemporaryDirectory() as work:
        for name in a.corpora.split(","):
            heads, target = CORPORA[name]
            train = os.path.join(a.data, name, "train.tsv")
            test = os.path.join(a.data, name, "test.tsv")
            r = res[name] = {"heads": {}}
            none_m, auto_m = os.path.join(work, "none.slant"), os.path.join(work, "auto.slant")
            print("== %s" % name, file=sys.stderr)
            r["train_none_s"] = timed([SLANT, "train", train, "-o", none_m, "--calibrate",
                                       "none", "-t", "2"], a.repeats)
            r["train_auto_s"] = timed([SLANT, "train", train, "-o", auto_m, "-t", "2"],
                                      a.repeats)
            r["label_none_s"] = timed([SLANT, "label", "-m", none_m, test, "-t", "2"],
                                      a.repeats + 1)
            r["label_auto_s"] = timed([SLANT, "label", "-m", auto_m, test, "-t", "2"],
                                      a.repeats + 1)
            r["provenance"] = provenance(auto_m)
            ev_none, ev_auto = slant_eval(none_m, test), slant_eval(auto_m, test)
            if target:
                tgt_m = os.path.join(work, "target.slant")
                subprocess.run([SLANT, "train", train, "-o", tgt_m, "-t", "2",
                                "--target-precision", target], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                ev_tgt = slant_eval(tgt_m, test)
                r["target_provenance"] = [l for l in provenance(tgt_m) if l.startswith("abstain=")]
            for col, head in heads:
                h = r["heads"][head] = {}
                for tag, ev in (("none", ev_none), ("auto", ev_auto)):
                    e = ev[head]
                    h[tag] = {"ece": e["calibration"]["ece"],
                              "log_loss": e["calibration"]["log_loss"],
                              "accuracy": e["accuracy"], "macro_f1": e["macro_f1"]}
                if target and (head + "=" in target or "=" not in target):
                    c = ev_tgt[head]["coverage"]
                    h["target"] = {"coverage": c["covered"], "precision": c["accuracy"]}
                print("   %s: fastText" % head, file=sys.stderr)
                h["fasttext"] = fasttext_run(train, test, col, work, 1)
                print("   %s: scikit-learn" % head, file=sys.stderr)
                h["sklearn"] = sklearn_run(train, test, col)
    with open(a.out + ".json", "w") as f:
        json.dump(res, f, indent=1)
    write_md(res, a.out + ".md")
    print(open(a.out + ".md").read())


def write_md(res, path):
    L = ["# Calibration and abstention (issue 12, parts 2-3), %s" % datetime.date.today(),
         "",
         "`bench/calibration.py` on ../shared/data; slant %s on 2 threads; one run, timings the"
         " fastest of the repeats. ECE: 15 equal-width bins of the top probability, on the"
         " test split." % subprocess.run([SLANT, "--version"], capture_output=True,
                                         text=True).stdout.split()[-1],
         "",
         "| corpus | head | ECE none | ECE auto | fastText ECE | sklearn LR ECE | log loss none -> auto"
         " | accuracy none -> auto | macro-F1 none -> auto |",
         "|---|---|---|---|---|---|---|---|---|"]
    for name, r in res.items():
        for head, h in r["heads"].items():
            n, c = h["none"], h["auto"]
            L.append("| %s | %s | %.4f | %.4f | %.4f | %.4f | %.4f -> %.4f | %.4f -> %.4f | "
                     "%.4f -> %.4f |" % (name, head, n["ece"], c["ece"], h["fasttext"]["ece"],
                                         h["sklearn"]["ece"], n["log_loss"], c["log_loss"],
                                         n["accuracy"], c["accuracy"], n["macro_f1"],
                                         c["macro_f1"]))
    L += ["", "| corpus | head | --target-precision 0.9: precision on covered | coverage |",
          "|---|---|---|---|"]
    for name, r in res.items():
        for head, h in r["heads"].items():
            if "target" in h:
                t = h["target"]
                L.append("| %s | %s | %s | %s |" % (
                    name, head, "%.4f" % t["precision"] if t["precision"] is not None else "-",
                    "%.4f" % t["coverage"] if t["coverage"] is not None else "-"))
    L += ["", "| corpus | train none (s) | train auto (s) | ratio | fastText train (s) | "
          "auto / fastText | label none (s) | label auto (s) | ratio |",
          "|---|---|---|---|---|---|---|---|---|"]
    for name, r in res.items():
        ft = min(h["fasttext"]["train_s"] for h in r["heads"].values())
        L.append("| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.3f |" % (
            name, r["train_none_s"], r["train_auto_s"], r["train_auto_s"] / r["train_none_s"],
            ft, r["train_auto_s"] / ft, r["label_none_s"], r["label_auto_s"],
            r["label_auto_s"] / r["label_none_s"]))
    L += ["", "What auto chose (the model's provenance):", ""]
    for name, r in res.items():
        for l in r["provenance"] + r.get("target_provenance", []):
            L.append("- %s: `%s`" % (name, l))
    with open(path, "w") as f:
        f.write("\n".join(L) + "\n")


if __name__ == "__main__":
    main()
