#!/usr/bin/python3
"""Two more prototypes of features that carry across outlets, measured like
bench/carry.py's (scikit-learn LinearSVC C=1 balanced on TF-IDF 1-2-grams,
article_bias, 5 folds grouped by outlet, the folds of bench/grouped.py's
sklearn_folds):

  gwA       each training article weighted by 1 / (articles of its outlet)^A,
            so that a large outlet does not set the weights alone
  shareT    n-grams seen in at least 10 training articles dropped when more
            than a share T of those articles come from one outlet (the leak
            report's rule, applied at training time)

    bench/carry_share.py base,gw0.5,gw1,share0.5,share0.8

Prints each fold's macro-F1 and the pooled accuracy and macro-F1.
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grouped as G
from scipy import sparse
from sklearn.svm import LinearSVC
from sklearn.preprocessing import normalize
c = G.Corpus("article_bias")
fold, src = G.sklearn_folds(c, 5, G.SEED, True)
X, _ = G.counts(c)
_, groups = np.unique([r[c.group] for r in c.rows], return_inverse=True)
y = np.array([r[c.heads[0]] for r in c.rows])
variants = sys.argv[1].split(",")
res = {v: ([], []) for v in variants}
for f in range(5):
    tr, te = np.flatnonzero(fold != f), np.flatnonzero(fold == f)
    Xtr, Xte, nv = G.tfidf_fold(X, tr, te)
    # group share per kept column: recompute on binary counts
    for v in variants:
        sw = None; A, B = Xtr, Xte
        if v.startswith("gw"):
            a = float(v[2:])
            n = np.bincount(groups[tr])
            sw = 1.0 / n[groups[tr]] ** a
            sw *= len(tr) / sw.sum()
        if v.startswith("share"):
            thr = float(v[5:])
            Bm = Xtr.copy(); Bm.data = np.ones_like(Bm.data)
            gtr = groups[tr]
            ind = sparse.csr_matrix((np.ones(len(tr)), (gtr, np.arange(len(tr)))), shape=(groups.max()+1, len(tr)))
            Gm = (ind @ Bm).tocsc()
            df = np.asarray(Bm.sum(0)).ravel()
            mx = np.asarray(Gm.max(0).todense()).ravel()
            drop = (df >= 10) & (mx / np.maximum(df, 1) > thr)
            keep = np.flatnonzero(~drop)
            A = normalize(Xtr[:, keep]); B = normalize(Xte[:, keep])
        t0 = time.time()
        m = LinearSVC(C=1, class_weight="balanced").fit(A, y[tr], sample_weight=sw)
        p = m.predict(B)
        res[v][0].extend(y[te]); res[v][1].extend(p)
        f1 = G.scores(list(y[te]), list(p))[1]
        print(f, v, "%.4f" % f1, "%.0fs" % (time.time()-t0), flush=True)
for v in variants:
    print("POOLED", v, "%.4f %.4f" % G.scores(res[v][0], res[v][1]), flush=True)
