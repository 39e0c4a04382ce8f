#!/usr/bin/python3
"""suggest_sim.py: does `slant suggest` pick better documents to label than chance?

A simulation of labeling: start from INIT documents of the pool drawn at
random (the seed draws them), then for ROUNDS rounds add STEP documents
chosen by `slant suggest` or, separately, at random (the same seed), train
a fresh model on what is labeled (slant's defaults), and score it on the
held-out side: macro-F1 of each head by `slant eval --json`.  The pool's
gold labels stand in for the person who fills in the suggestions.

    bench/suggest_sim.py CORPUS [--seeds 1,2,3] [--rounds 8] [--init 200]
                         [--step 100] [--json OUT] [--suggest-args "..."]

CORPUS is one of:
  article_bias   pool: the outlets outside fold 1 of
                 `slant cv --group outlet -k 5 --split-only` (seed 1); held out:
                 fold 1's outlets; head bias
  state_media    pool: state_media_headlines/train.tsv; held out: test.tsv;
                 heads source_type and outlet
  rt_polarity    a check corpus: 30 % of all.tsv held out (drawn with seed 99)

Reads the corpora from ../shared/data (or $SLANT_DATA); never copies them
into the project.  Prints a table per head; --json writes every figure.
"""
import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SLANT = os.environ.get("SLANT", os.path.join(HERE, "..", "bin", "slant"))
DATA = os.environ.get("SLANT_DATA", os.path.join(HERE, "..", "..", "shared", "data"))
csv.field_size_limit(1 << 30)


def read_tsv(path):
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(r)
        return header, [row for row in r]


def run(args, **kw):
    p = subprocess.run([SLANT] + args, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        sys.exit("slant %s failed (%d): %s" % (" ".join(args[:3]), p.returncode, p.stderr))
    return p.stdout


def load(name, tmp):
    """(heads, pool rows, held-out rows), each row {"id", head: label, "text"}."""
    if name == "article_bias":
        path = os.path.join(DATA, "article_bias", "train.tsv")
        header, rows = read_tsv(path)
        folds = os.path.join(tmp, "folds.tsv")
        run(["cv", path, "--group", "outlet", "-k", "5", "--save-folds", folds, "--split-only",
             "--seed", "1"])
        _, frows = read_tsv(folds)
        fold = [int(r[1]) for r in frows]
        docs = [{"id": "a%d" % i, "bias": r[0], "text": r[2]} for i, r in enumerate(rows)]
        pool = [d for d, f in zip(docs, fold) if f != 1]
        test = [d for d, f in zip(docs, fold) if f == 1]
        return ["bias"], pool, test
    if name == "state_media":
        base = os.path.join(DATA, "state_media_headlines")
        out = []
        for part in ("train", "test"):
            header, rows = read_tsv(os.path.join(base, part + ".tsv"))
            o, s, t = header.index("outlet"), header.index("source_type"), header.index("text")
            out.append([{"id": "%s%d" % (part[:2], i), "source_type": r[s], "outlet": r[o],
                         "text": r[t]} for i, r in enumerate(rows)])
        return ["source_type", "outlet"], out[0], out[1]
    if name == "rt_polarity":
        header, rows = read_tsv(os.path.join(DATA, "rt_polarity", "all.tsv"))
        l, t = header.index("label"), header.index("text")
        docs = [{"id": "r%d" % i, "label": r[l], "text": r[t]} for i, r in enumerate(rows)]
        idx = list(range(len(docs)))
        random.Random(99).shuffle(idx)
        cut = int(len(docs) * 0.3)
        return ["label"], [docs[i] for i in sorted(idx[cut:])], [docs[i] for i in sorted(idx[:cut])]
    sys.exit("unknown corpus %s" % name)


def write(path, docs, heads, labeled=True):
    with open(path, "w", encoding="utf-8") as f:
        f.write("\t".join(["id"] + heads + ["text"]) + "\n")
        for d in docs:
            cells = [d[h] if labeled else "" for h in heads]
            f.write("\t".join([d["id"]] + cells + [d["text"]]) + "\n")


def score(model, test_path, heads):
    ev = json.loads(run(["eval", "-m", model, test_path, "--json", "-t", "2"]))
    return {h: ev["heads"][h]["macro_f1"] for h in heads}


def simulate(heads, pool, test_path, seed, strategy, rounds, init, step, tmp, sargs):
    rng = random.Random(seed)
    order = list(range(len(pool)))
    rng.shuffle(order)
    labeled = set(order[:init])
    rest_rng = random.Random(seed * 1000 + 7)
    by_id = {d["id"]: i for i, d in enumerate(pool)}
    curve, secs = [], 0.0
    for r in range(rounds + 1):
        train = os.path.join(tmp, "train.tsv")
        write(train, [pool[i] for i in sorted(labeled)], heads)
        model = os.path.join(tmp, "m.slant")
        run(["train", train, "-o", model, "-t", "2", "--seed", str(seed)])
        curve.append(score(model, test_path, heads))
        if r == rounds:
            break
        left = [i for i in range(len(pool)) if i not in labeled]
        if strategy == "random":
            picks = rest_rng.sample(left, step)
        else:
            pf = os.path.join(tmp, "pool.tsv")
            write(pf, [pool[i] for i in left], heads, labeled=False)
            t0 = time.time()
            out = run(["suggest", "-m", model, pf, "-n", str(step), "-t", "2"] + sargs)
            secs += time.time() - t0
            lines = out.splitlines()[1:]
            picks = [by_id[line.split("\t", 1)[0]] for line in lines]
            if len(picks) < step:  # the candidates ran out: fill up at random
                more = [i for i in left if i not in set(picks)]
                picks += rest_rng.sample(more, step - len(picks))
        labeled.update(picks)
    return curve, secs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--init", type=int, default=200)
    ap.add_argument("--step", type=int, default=100)
    ap.add_argument("--json")
    ap.add_argument("--suggest-args", default="")
    ap.add_argument("--strategies", default="random,suggest")
    a = ap.parse_args()
    if not os.path.isdir(DATA):
        sys.exit("no corpora at %s (set SLANT_DATA)" % DATA)
    seeds = [int(s) for s in a.seeds.split(",")]
    sargs = a.suggest_args.split()
    with tempfile.TemporaryDirectory() as tmp:
        heads, pool, test = load(a.corpus, tmp)
        test_path = os.path.join(tmp, "test.tsv")
        write(test_path, test, heads)
        res = {"corpus": a.corpus, "heads": heads, "pool": len(pool), "held_out": len(test),
               "seeds": seeds, "rounds": a.rounds, "init": a.init, "step": a.step,
               "suggest_args": a.suggest_args, "runs": {}}
        t0 = time.time()
        for strat in a.strategies.split(","):
            res["runs"][strat] = []
            for s in seeds:
                curve, secs = simulate(heads, pool, test_path, s, strat, a.rounds, a.init,
                                       a.step, tmp, sargs)
                res["runs"][strat].append({"seed": s, "curve": curve, "suggest_s": secs})
                print("%s seed %d: %s" % (strat, s, " ".join(
                    "%.3f" % (sum(c.values()) / len(c)) for c in curve)), file=sys.stderr,
                    flush=True)
        res["seconds"] = time.time() - t0
    for h in heads:
        print("\n%s, head %s (pool %d, held out %d): macro-F1, mean (min-max) over seeds %s"
              % (a.corpus, h, len(pool), len(test), a.seeds))
        strats = list(res["runs"])
        print("| labeled | " + " | ".join(strats) + " | suggest - random | difference > random's spread (max - min) |")
        print("|---|" + "---|" * (len(strats) + 2))
        for r in range(a.rounds + 1):
            cells, means, spans = [], {}, {}
            for st in strats:
                v = [run_["curve"][r][h] for run_ in res["runs"][st]]
                means[st] = sum(v) / len(v)
                spans[st] = (min(v), max(v))
                cells.append("%.4f (%.4f-%.4f)" % (means[st], min(v), max(v)))
            if "random" in means and "suggest" in means:
                d = means["suggest"] - means["random"]
                spread = spans["random"][1] - spans["random"][0]
                tail = " | %+.4f | %s |" % (d, "yes" if d > spread else "no")
            else:
                tail = " | | |"
            print("| %d | %s%s" % (a.init + r * a.step, " | ".join(cells), tail))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
