#!/usr/bin/python3
"""Accuracy on outlets the labeled sample does not have: slant and its peers
on article_bias in 5 folds grouped by outlet, beside plain stratified 5-fold
CV, and on the two corpora whose test split is of other sources or a later
time (hyperpartisan, state_media_headlines).

    bench/grouped.py [--corpora article_bias,hyperpartisan,state_media_headlines]
                     [--quick] [--reuse] [--plain TOOLS] [--out FILE] [--date YYYY-MM-DD]

The folds are slant's own (`slant cv --group outlet --save-folds`) when
bin/slant has --save-folds, so that every tool here sees the folds `slant cv
--group` uses; otherwise scikit-learn's StratifiedGroupKFold(n_splits=5,
shuffle=True, random_state=1) (and StratifiedKFold for the plain folds).  The
report says which.  Every tool gets the same folds; slant trains and labels
per-fold TSV files in a scratch folder, the scikit-learn peers share one
TF-IDF matrix per fold (see tfidf_fold: the same matrix TfidfVectorizer
fitted on the fold's training side gives, from counts made once).

--quick: article_bias cut to every 6th row (about 4,400 articles), no slant
variants; writes DATE-grouped-quick.md, for trying the script out.
--reuse: take slant's runs from the cache in /tmp/slant-grouped-cache when
the binary, options and folds are the same (bench/carry.py fills it too).

Writes bench/results/DATE-grouped.md and DATE-grouped.json (raw figures).
"""
import argparse
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peers import PY, ROOT, SLANT, machine, read_tsv, scores, write_tsv  # noqa: E402

DATA = os.path.join(ROOT, "..", "shared", "data")
CACHE = "/tmp/slant-grouped-cache"
K = 5
SEED = 1

# kind "grouped": cross-validation over train.tsv, grouped by GROUP and also
# plain; "test": train.tsv / test.tsv; "cv": plain K-fold over all.tsv.
CORPORA = {
    "article_bias": {"kind": "grouped", "file": "train.tsv", "heads": ["bias"], "group": "outlet"},
    "hyperpartisan": {"kind": "test", "heads": ["label"]},
    "state_media_headlines": {"kind": "test", "heads": ["outlet", "source_type"]},
    "movie_review_v2": {"kind": "cv", "file": "all.tsv", "heads": ["label"]},
    "rt_polarity": {"kind": "cv", "file": "all.tsv", "heads": ["label"]},
    "subjectivity": {"kind": "cv", "file": "all.tsv", "heads": ["label"]},
    "sms_spam": {"kind": "cv", "file": "all.tsv", "heads": ["label"]},
}
DEFAULT_CORPORA = ["article_bias", "hyperpartisan", "state_media_headlines"]

# slant's options beside its default, on article_bias (grouped and plain);
# bench/carry.py measures more and says why these.
VARIANTS = [
    ["--class-weight", "balanced"],
    ["--punct", "off"],
    ["--c", "1"],
    ["--model", "cnb"],
]

PEERS = ["sklearn LogisticRegression C=10", "sklearn LinearSVC C=1",
         "sklearn LinearSVC C=1 balanced", "sklearn ComplementNB"]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---- corpora and folds ---------------------------------------------------------

class Corpus:
    """A corpus as one list of rows; SPLITS maps a split's name to its list
    of (train indices, test indices)."""

    def __init__(self, name, quick=False, data=DATA):
        spec = CORPORA[name]
        self.name, self.kind, self.spec = name, spec["kind"], spec
        d = os.path.join(data, name)
        self.splits = {}
        self.fold_source = {}
        if self.kind == "test":
            self.train_file, self.test_file = os.path.join(d, "train.tsv"), os.path.join(d, "test.tsv")
            self.header, tr = read_tsv(self.train_file)
            h2, te = read_tsv(self.test_file)
            assert h2 == self.header
            self.rows = tr + te
            self.splits["train/test"] = [(np.arange(len(tr)), np.arange(len(tr), len(tr) + len(te)))]
            self.fold_source["train/test"] = "the corpus's own train.tsv / test.tsv"
            self.path = None
        else:
            self.path = os.path.join(d, spec["file"])
            self.header, self.rows = read_tsv(self.path)
            if quick:
                self.rows = self.rows[::6]
                self.path = None  # a subsample: written to a file when slant needs one
        self.heads = [self.header.index(h) for h in spec["heads"]]
        self.group = self.header.index(spec["group"]) if "group" in spec else None
        # columns slant must neither learn nor read as text
        self.ignore = [spec["group"]] if "group" in spec else []
        self.texts = [r[-1] for r in self.rows]

    def file(self, scratch):
        """A TSV file of the whole corpus (the original where it is one)."""
        if self.path is None:
            self.path = os.path.join(scratch, "%s-all.tsv" % self.name)
            write_tsv(self.path, self.header, self.rows)
        return self.path


def slant_has_save_folds():
    out = subprocess.run([SLANT, "cv", "--help"], capture_output=True, text=True)
    return "save-folds" in (out.stdout + out.stderr)


def slant_has_split_only():
    out = subprocess.run([SLANT, "cv", "--help"], capture_output=True, text=True)
    return "split-only" in out.stdout


def slant_folds(corpus, scratch, k, seed, grouped):
    """Fold (0-based) of every row, as `slant cv --save-folds` deals them."""
    out = os.path.join(scratch, "%s-%s-folds.tsv" % (corpus.name, "grouped" if grouped else "plain"))
    cmd = [SLANT, "cv", corpus.file(scratch), "-k", str(k), "--seed", str(seed), "--save-folds", out]
    if slant_has_split_only():
        cmd.append("--split-only")  # the folds alone, no training
    if grouped:
        cmd += ["--group", corpus.header[corpus.group]]
    else:
        for c in corpus.ignore:
            cmd += ["--ignore", c]
    for h in corpus.heads:
        cmd += ["--label", corpus.header[h]]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(cmd), r.stderr.strip()[-300:]))
    header, rows = read_tsv(out)
    if header[:2] != ["id", "fold"] or len(rows) != len(corpus.rows):
        raise RuntimeError("%s: expected header id/fold[/group] and %d rows" % (out, len(corpus.rows)))
    fold = np.array([int(r[1]) - 1 for r in rows])
    if fold.min() < 0 or fold.max() >= k:
        raise RuntimeError("%s: a fold outside 1..%d" % (out, k))
    return fold, "slant cv %s-k %d --seed %d --save-folds" % ("--group %s " % corpus.header[corpus.group]
                                                             if grouped else "", k, seed)


def sklearn_folds(corpus, k, seed, grouped):
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
    y = [r[corpus.heads[0]] for r in corpus.rows]
    fold = np.zeros(len(y), dtype=int)
    if grouped:
        # scikit-learn before 1.8 (here 1.2) has a bug in StratifiedGroupKFold's
        # shuffle=True (scikit-learn issue 32478, fixed by pull request 32540):
        # it shuffles the groups' class counts but not the map from rows to
        # groups, so the folds are of random groups, not stratified (on
        # article_bias: test folds of 572 to 9,009 articles, one with 2% center).
        # The fix's effect without it: shuffle=False on group ids permuted by
        # the seed, the shuffle only breaking ties of the sort as it should.
        names = sorted(set(r[corpus.group] for r in corpus.rows))
        code = dict(zip(names, np.random.RandomState(seed).permutation(len(names))))
        g = [code[r[corpus.group]] for r in corpus.rows]
        it = StratifiedGroupKFold(n_splits=k).split(y, y, g)
        src = ("scikit-learn StratifiedGroupKFold(n_splits=%d) on outlet ids shuffled by seed %d (what "
               "shuffle=True, random_state=%d does once scikit-learn's bug 32478 is fixed)" % (k, seed, seed))
    else:
        it = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(y, y)
        src = "scikit-learn StratifiedKFold(n_splits=%d, shuffle=True, random_state=%d)" % (k, seed)
    for f, (_, te) in enumerate(it):
        fold[te] = f
    return fold, src


def make_folds(corpus, scratch, k=K, seed=SEED, splits=("grouped", "plain")):
    """Adds the corpus's CV splits: 'grouped' (by its group column) and
    'plain' for a grouped corpus, 'plain' alone for the others."""
    use_slant = slant_has_save_folds()
    for name in splits:
        grouped = name == "grouped"
        if grouped and corpus.group is None:
            continue
        fold = src = None
        if use_slant:
            try:
                fold, src = slant_folds(corpus, scratch, k, seed, grouped)
            except RuntimeError as e:
                log("slant's folds failed, falling back to scikit-learn's: %s" % e)
        if fold is None:
            fold, src = sklearn_folds(corpus, k, seed, grouped)
        if grouped:  # no group on both sides of a fold
            g = np.array([r[corpus.group] for r in corpus.rows])
            for f in range(k):
                assert not set(g[fold == f]) & set(g[fold != f]), "a group on both sides of fold %d" % f
        key = "%s %d-fold" % (name, k) + ("" if seed == SEED else " seed %d" % seed)
        corpus.splits[key] = [(np.flatnonzero(fold != f), np.flatnonzero(fold == f)) for f in range(k)]
        corpus.fold_source[key] = src


def split_files(corpus, split, scratch):
    """(train, test) TSV paths of each fold of SPLIT, written once."""
    if corpus.kind == "test":
        return [(corpus.train_file, corpus.test_file)]
    out = []
    for f, (tr, te) in enumerate(corpus.splits[split]):
        d = os.path.join(scratch, corpus.name, split.replace(" ", "_"), "fold%d" % f)
        paths = (os.path.join(d, "train.tsv"), os.path.join(d, "test.tsv"))
        if not os.path.exists(paths[1]):
            os.makedirs(d, exist_ok=True)
            write_tsv(paths[0], corpus.header, [corpus.rows[i] for i in tr])
            write_tsv(paths[1], corpus.header, [corpus.rows[i] for i in te])
        out.append(paths)
    return out


# ---- figures ------------------------------------------------------------------

def figures(corpus, split, head, preds_by_fold):
    """Pooled accuracy and macro-F1, and macro-F1 of each fold."""
    gold, pred, per = [], [], []
    for (tr, te), p in zip(corpus.splits[split], preds_by_fold):
        g = [corpus.rows[i][head] for i in te]
        gold += g
        pred += list(p)
        per.append(scores(g, list(p))[1])
    acc, f1 = scores(gold, pred)
    return {"accuracy": acc, "macro_f1": f1, "fold_f1": per,
            "fold_f1_std": float(np.std(per)) if len(per) > 1 else None}


# ---- slant ----------------------------------------------------------------------

def _slant_key(corpus, split, extra, transform_name):
    h = hashlib.sha1()
    st = os.stat(SLANT)
    h.update(repr((corpus.name, len(corpus.rows), split, extra, transform_name, st.st_size,
                   st.st_mtime)).encode())
    for tr, te in corpus.splits[split]:
        h.update(te.tobytes())
    return h.hexdigest()[:20]


def run_slant(corpus, split, extra, scratch, transform=None, transform_name=None, reuse=False):
    """Trains and labels slant with options EXTRA on every fold of SPLIT.
    TRANSFORM(train_rows, test_rows) -> (train_rows, test_rows) rewrites the
    texts first (bench/carry.py).  Returns {head name: [predictions per
    fold]}, wall seconds summed over folds (train + label)."""
    key = _slant_key(corpus, split, extra, transform_name)
    cache = os.path.join(CACHE, "runs", key + ".json")
    if reuse and os.path.exists(cache):
        with open(cache) as f:
            c = json.load(f)
        return c["preds"], c["secs"]
    preds = {corpus.header[h]: [] for h in corpus.heads}
    secs = 0.0
    files = split_files(corpus, split, scratch) if transform is None else None
    for f, (tr, te) in enumerate(corpus.splits[split]):
        work = tempfile.mkdtemp(dir=scratch)
        if transform is None:
            train, test = files[f]
        else:
            a, b = transform([corpus.rows[i] for i in tr], [corpus.rows[i] for i in te])
            train, test = os.path.join(work, "train.tsv"), os.path.join(work, "test.tsv")
            write_tsv(train, corpus.header, a)
            write_tsv(test, corpus.header, b)
        model, out = os.path.join(work, "m.slant"), os.path.join(work, "pred.tsv")
        cmd = [SLANT, "train", train, "-o", model]
        grouped_by = extra[extra.index("--group") + 1] if "--group" in extra else None
        for c in corpus.ignore:
            if c != grouped_by:  # --group reads it as a group, not a head
                cmd += ["--ignore", c]
        for h in corpus.heads:
            cmd += ["--label", corpus.header[h]]
        t0 = time.perf_counter()
        r = subprocess.run(cmd + extra, capture_output=True, text=True)
        if r.returncode:
            raise RuntimeError("%s: %s" % (" ".join(cmd + extra), r.stderr.strip()[-300:]))
        with open(out, "w") as o:
            r = subprocess.run([SLANT, "label", "-m", model, test], stdout=o, stderr=subprocess.PIPE,
                               text=True)
        secs += time.perf_counter() - t0
        if r.returncode:
            raise RuntimeError("slant label: %s" % r.stderr.strip()[-300:])
        header, rows = read_tsv(out)
        if len(rows) != len(te):
            raise RuntimeError("slant label gave %d rows for %d documents" % (len(rows), len(te)))
        for name in preds:
            col = header.index(name)
            preds[name].append([row[col] for row in rows])
        shutil.rmtree(work)
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    with open(cache, "w") as f:
        json.dump({"preds": preds, "secs": secs, "extra": extra, "corpus": corpus.name,
                   "split": split, "transform": transform_name}, f)
    return preds, secs


# ---- scikit-learn ---------------------------------------------------------------

def counts(corpus):
    """Word 1-2-gram counts of every document, TfidfVectorizer's tokens and
    order (its vocabulary is sorted), all n-grams kept: made once, cached."""
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer
    h = hashlib.sha1()
    for t in corpus.texts:
        h.update(t.encode())
    path = os.path.join(CACHE, "counts-%s-%s.npz" % (corpus.name, h.hexdigest()[:16]))
    if os.path.exists(path):
        return sparse.load_npz(path).tocsr(), 0.0
    t0 = time.perf_counter()
    X = CountVectorizer(ngram_range=(1, 2), dtype=np.int32).fit_transform(corpus.texts)
    secs = time.perf_counter() - t0
    os.makedirs(CACHE, exist_ok=True)
    sparse.save_npz(path, X, compressed=False)
    return X.tocsr(), secs


def tfidf_fold(X, tr, te, min_df=2, groups=None, min_groups=0):
    """The matrices TfidfVectorizer(ngram_range=(1, 2), min_df=2,
    sublinear_tf=True) gives fitted on rows TR and applied to rows TE, from
    the counts X: document frequencies, the vocabulary and the idf from TR
    alone.  With MIN_GROUPS, an n-gram is kept only when it occurs in the
    training documents of at least that many distinct GROUPS (an array of
    group ids per row) too."""
    from scipy import sparse
    from sklearn.preprocessing import normalize
    Xtr, Xte = X[tr], X[te]
    df = np.bincount(Xtr.indices, minlength=X.shape[1])
    keep = df >= min_df
    if min_groups:
        gtr = groups[tr]
        ind = sparse.csr_matrix((np.ones(len(tr)), (gtr, np.arange(len(tr)))),
                                shape=(groups.max() + 1, len(tr)))
        B = Xtr.copy()
        B.data = np.ones_like(B.data)
        G = (ind @ B).tocsr()
        keep &= np.bincount(G.indices, minlength=X.shape[1]) >= min_groups
    cols = np.flatnonzero(keep)
    idf = np.log((1.0 + len(tr)) / (1.0 + df[cols])) + 1.0
    out = []
    for M in (Xtr, Xte):
        M = M[:, cols].astype(np.float64)
        M.data = np.log(M.data) + 1.0
        M.data *= idf[M.indices]
        out.append(normalize(M, copy=False))
    return out[0], out[1], len(cols)


def peer(name):
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB
    from sklearn.svm import LinearSVC
    # dual=True: the same L2-regularized logistic regression (LIBLINEAR -s 7, not -s 0)
    # and the same predictions, 2.5 times as fast with a million n-grams
    return {"sklearn LogisticRegression C=10": lambda: LogisticRegression(
                C=10, solver="liblinear", dual=True, max_iter=1000),
            "sklearn LogisticRegression C=1": lambda: LogisticRegression(
                C=1, solver="liblinear", dual=True, max_iter=1000),
            "sklearn LinearSVC C=1": lambda: LinearSVC(C=1),
            "sklearn LinearSVC C=1 balanced": lambda: LinearSVC(C=1, class_weight="balanced"),
            "sklearn ComplementNB": lambda: ComplementNB()}[name]()


def _peer_cache(corpus, split, name, min_groups):
    h = hashlib.sha1(repr((corpus.name, len(corpus.rows), split, name, min_groups)).encode())
    for tr, te in corpus.splits[split]:
        h.update(te.tobytes())
    return os.path.join(CACHE, "peers", h.hexdigest()[:20] + ".json")


def run_peers(corpus, split, names=PEERS, X=None, min_groups=0, reuse=False):
    """Every peer in NAMES on every fold of SPLIT, on one TF-IDF matrix per
    fold.  Returns {peer: {head: [preds per fold]}}, {peer: seconds},
    seconds of vectorizing (per-fold weighting; the one-off counts are
    reported apart), mean vocabulary size.  Each peer's run is cached;
    with REUSE, a cached one is not run again."""
    got = {}
    for n in names:
        p = _peer_cache(corpus, split, n, min_groups)
        if reuse and os.path.exists(p):
            with open(p) as f:
                got[n] = json.load(f)
    if len(got) == len(names):
        return ({n: got[n]["preds"] for n in names}, {n: got[n]["secs"] for n in names},
                got[names[0]]["vsecs"], got[names[0]]["vocab"])
    names_run = [n for n in names if n not in got]
    preds, secs, vsecs, vocab = _run_peers(corpus, split, names_run, X, min_groups)
    for n in names_run:
        os.makedirs(os.path.join(CACHE, "peers"), exist_ok=True)
        with open(_peer_cache(corpus, split, n, min_groups), "w") as f:
            json.dump({"preds": preds[n], "secs": secs[n], "vsecs": vsecs, "vocab": vocab}, f)
    for n in got:
        preds[n], secs[n] = got[n]["preds"], got[n]["secs"]
    return preds, secs, vsecs, vocab


def _run_peers(corpus, split, names, X, min_groups):
    if X is None:
        X, _ = counts(corpus)
    groups = None
    if min_groups:
        _, groups = np.unique([r[corpus.group] for r in corpus.rows], return_inverse=True)
    preds = {n: {corpus.header[h]: [] for h in corpus.heads} for n in names}
    secs = {n: 0.0 for n in names}
    vsecs, vocab = 0.0, []
    for f, (tr, te) in enumerate(corpus.splits[split]):
        t0 = time.perf_counter()
        Xtr, Xte, v = tfidf_fold(X, tr, te, groups=groups, min_groups=min_groups)
        vsecs += time.perf_counter() - t0
        vocab.append(v)
        for h in corpus.heads:
            y = [corpus.rows[i][h] for i in tr]
            for n in names:
                t0 = time.perf_counter()
                p = peer(n).fit(Xtr, y).predict(Xte)
                secs[n] += time.perf_counter() - t0
                preds[n][corpus.header[h]].append(list(p))
        log("  %s %s fold %d: %d n-grams, %s" % (corpus.name, split, f + 1, v,
            ", ".join("%s %.0fs" % (n.replace("sklearn ", ""), secs[n]) for n in names)))
    return preds, secs, vsecs, float(np.mean(vocab))


# ---- the run ----------------------------------------------------------------------

def versions():
    v = subprocess.run([SLANT, "--version"], capture_output=True, text=True).stdout.strip()
    import sklearn
    import scipy
    return {"slant": v or "?", "scikit-learn": sklearn.__version__, "numpy": np.__version__,
            "scipy": scipy.__version__, "python": sys.version.split()[0],
            "slant_commit": subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                                           capture_output=True, text=True).stdout.strip()}


def record(results, corpus, split, tool, options, preds, secs, extra=None):
    for h in corpus.heads:
        name = corpus.header[h]
        r = {"corpus": corpus.name, "head": name, "split": split, "tool": tool, "options": options,
             "seconds": secs}
        r.update(figures(corpus, split, h, preds[name]))
        if extra:
            r.update(extra)
        results.append(r)
        log("%-22s %-12s %-16s %-34s macro-F1 %.4f (fold std %s)  acc %.4f  %.1fs" % (
            corpus.name, name, split, tool, r["macro_f1"],
            "%.4f" % r["fold_f1_std"] if r["fold_f1_std"] is not None else "-", r["accuracy"], secs))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpora", default=",".join(DEFAULT_CORPORA))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--reuse", action="store_true")
    ap.add_argument("--plain", default="all",
                    help="the tools also run on plain folds, by name, comma-separated (all); "
                    "slant's default always is")
    ap.add_argument("--out", default="")
    ap.add_argument("--variants", default="tune,variants",
                    help="slant beside its default: 'tune' (train --tune in each fold), "
                         "'variants' (the options of VARIANTS), comma-separated")
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--date", default=datetime.date.today().isoformat(),
                    help="the date that names the report (today)")
    args = ap.parse_args()
    started = time.perf_counter()
    scratch = tempfile.mkdtemp(prefix="slant-grouped-")
    results, notes = [], {}
    try:
        for name in args.corpora.split(","):
            corpus = Corpus(name, quick=args.quick, data=args.data)
            if corpus.kind != "test":
                make_folds(corpus, scratch)
            notes[name] = {"documents": len(corpus.rows), "fold_source": corpus.fold_source}
            if corpus.group is not None:
                notes[name]["groups"] = len(set(r[corpus.group] for r in corpus.rows))
            X, csecs = counts(corpus)
            notes[name]["count_seconds"] = csecs
            for split in corpus.splits:
                preds, secs = run_slant(corpus, split, [], scratch, reuse=args.reuse)
                record(results, corpus, split, "slant (default)", [], preds, secs)
                plain = split.startswith("plain") and corpus.kind == "grouped" and args.plain != "all"
                # --tune: train --tune on each fold's training side is the nested
                # cross-validation of `slant cv --tune`, on these very folds.
                if not plain and "tune" in args.variants.split(","):
                    v = ["--tune"] + (["--group", corpus.header[corpus.group]]
                                      if corpus.group is not None else [])
                    preds, secs = run_slant(corpus, split, v, scratch, reuse=args.reuse)
                    record(results, corpus, split, "slant " + " ".join(v), v, preds, secs)
                if corpus.kind == "grouped" and not args.quick:
                    for v in VARIANTS:
                        if "variants" not in args.variants.split(","):
                            break
                        if plain and "slant " + " ".join(v) not in args.plain.split(","):
                            continue
                        preds, secs = run_slant(corpus, split, v, scratch, reuse=args.reuse)
                        record(results, corpus, split, "slant " + " ".join(v), v, preds, secs)
                names = [n for n in PEERS if not plain or n in args.plain.split(",")]
                pp, ps, vsecs, vocab = run_peers(corpus, split, names, X=X, reuse=args.reuse)
                for n in names:
                    record(results, corpus, split, n, [], pp[n], ps[n],
                           {"vectorize_seconds": vsecs, "vocabulary": vocab})
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    elapsed = time.perf_counter() - started
    write_report(results, notes, args, elapsed)


def fmt(v, d=4):
    return "n/a" if v is None else "%.*f" % (d, v)


def write_report(results, notes, args, elapsed):
    today = args.date
    base = args.out or os.path.join(ROOT, "bench", "results", "%s-grouped%s" % (
        today, "-quick" if args.quick else ""))
    base = base[:-3] if base.endswith(".md") else base
    os.makedirs(os.path.dirname(base), exist_ok=True)
    ver = versions()
    cmd = "/usr/bin/python3 bench/grouped.py" + (" --corpora " + args.corpora
                                                 if args.corpora != ",".join(DEFAULT_CORPORA) else "") \
        + (" --quick" if args.quick else "") + (" --reuse" if args.reuse else "") \
        + (" --plain '%s'" % args.plain if args.plain != "all" else "")
    L = ["# Accuracy on unseen outlets: grouped folds, %s" % today, "",
         "Machine: %s.  `%s` took %.1f minutes." % (machine(), cmd, elapsed / 60),
         "%s (commit %s); scikit-learn %s, numpy %s, scipy %s, Python %s." % (
             ver["slant"], ver["slant_commit"], ver["scikit-learn"], ver["numpy"], ver["scipy"],
             ver["python"]), ""]
    for c, n in notes.items():
        L.append("- %s: %d documents%s; folds: %s." % (
            c, n["documents"], ", %d outlets" % n["groups"] if "groups" in n else "",
            "; ".join("%s from %s" % (k, v) for k, v in n["fold_source"].items())))
    L += ["",
          "slant: `bin/slant train TRAIN -o M [--ignore outlet] [OPTIONS]`, then `bin/slant label -m M TEST`, on "
          "per-fold TSV files; its time is wall seconds of both, summed over folds (one model has both heads of "
          "state_media_headlines, so its time is shown on each).  Peers: scikit-learn on "
          "TfidfVectorizer(ngram_range=(1,2), min_df=2, sublinear_tf=True) fitted on each fold's training side, "
          "LogisticRegression(C=10, solver='liblinear', dual=True), LinearSVC(C=1) plain and class_weight='balanced', "
          "ComplementNB(); their time is fit + predict summed over folds, the vectorizing apart (one count matrix "
          "of the whole corpus, then per fold the vocabulary, idf and weights from the training rows alone: the "
          "very matrix TfidfVectorizer fitted per fold gives).  Figures pooled over folds; the fold std is of "
          "each fold's macro-F1.", ""]
    by = lambda c, h, s, t: next((r for r in results if (r["corpus"], r["head"], r["split"], r["tool"]) ==
                                  (c, h, s, t)), None)
    for c, n in notes.items():
        heads = []
        for r in results:
            if r["corpus"] == c and r["head"] not in heads:
                heads.append(r["head"])
        splits = []
        for r in results:
            if r["corpus"] == c and r["split"] not in splits:
                splits.append(r["split"])
        tools = []
        for r in results:
            if r["corpus"] == c and r["tool"] not in tools:
                tools.append(r["tool"])
        L += ["## %s" % c, ""]
        grouped = [s for s in splits if s.startswith("grouped")]
        plain = [s for s in splits if s.startswith("plain")]
        if grouped and plain:
            g, p = grouped[0], plain[0]
            for h in heads:
                L += ["Head `%s`.  Grouped: no outlet in both the training and the test side of a fold; plain: "
                      "stratified folds that ignore the outlet.  Gap: plain minus grouped macro-F1, in points." % h, "",
                      "| tool | grouped macro-F1 (fold std) | grouped acc | plain macro-F1 (fold std) | plain acc "
                      "| gap | grouped s | plain s |", "|---|---|---|---|---|---|---|---|"]
                for t in tools:
                    a, b = by(c, h, g, t), by(c, h, p, t)
                    if not a:
                        continue
                    L.append("| %s | %s (%s) | %s | %s | %s | %s | %.0f | %s |" % (
                        t, fmt(a["macro_f1"]), fmt(a["fold_f1_std"]), fmt(a["accuracy"]),
                        "%s (%s)" % (fmt(b["macro_f1"]), fmt(b["fold_f1_std"])) if b else "n/a",
                        fmt(b and b["accuracy"]),
                        "%+.2f" % (100 * (b["macro_f1"] - a["macro_f1"])) if b else "",
                        a["seconds"], "%.0f" % b["seconds"] if b else ""))
                d = by(c, h, g, "slant (default)")
                s = by(c, h, g, "sklearn LinearSVC C=1")
                if d and s:
                    L += ["", "slant's default minus LinearSVC C=1, grouped: %+.2f points of macro-F1." % (
                        100 * (d["macro_f1"] - s["macro_f1"]))]
                v = next((r for r in results if r["corpus"] == c and "vectorize_seconds" in r), None)
                if v:
                    L += ["", "Vectorizing for the peers: %.0f s counting the corpus once (0 when cached), then "
                          "%.0f s per split for the folds' TF-IDF (mean vocabulary %.0f n-grams, grouped)." % (
                              n["count_seconds"], v["vectorize_seconds"], v["vocabulary"])]
                L.append("")
        else:
            for s in splits:
                L += ["Split: %s.  Accuracy / macro-F1 per head." % s, "",
                      "| tool | " + " | ".join("%s acc | %s macro-F1" % (h, h) for h in heads) + " | s |",
                      "|---|" + "---|---|" * len(heads) + "---|"]
                for t in tools:
                    rs = [by(c, h, s, t) for h in heads]
                    if not all(rs):
                        continue
                    L.append("| %s | %s | %.1f |" % (t, " | ".join("%s | %s" % (fmt(r["accuracy"]), fmt(r["macro_f1"]))
                                                                     for r in rs), rs[0]["seconds"]))
                L.append("")
    L += ["Raw figures (predictions left out): `%s.json`." % os.path.basename(base), ""]
    with open(base + ".md", "w", encoding="utf-8") as f:
        f.write("\n".join(L))
    with open(base + ".json", "w", encoding="utf-8") as f:
        json.dump({"date": today, "machine": machine(), "versions": ver, "command": cmd,
                   "elapsed_seconds": elapsed, "corpora": notes, "results": results}, f, indent=1)
    print("\n".join(L))
    log("wrote %s.md and .json" % base)


if __name__ == "__main__":
    main()
