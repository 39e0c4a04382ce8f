#!/usr/bin/python3
"""scikit-learn steps of bench/peers.py, each run as its own process so its
time and peak memory are measured like every other tool's.

    sk_run.py train KIND TRAIN_TSV HEAD MODEL      KIND: mnb, cnb, lr, svc
    sk_run.py predict MODEL TEST_TSV OUT           one predicted label per line
    sk_run.py vectorize TRAIN_TSV TEST_TSV HEAD TRAIN_SVM TEST_SVM LABELS
"""
import csv
import pickle
import sys

from sklearn.datasets import dump_svmlight_file
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import ComplementNB, MultinomialNB
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

csv.field_size_limit(1 << 30)


def read(path, head=None):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    texts = [r[-1] for r in rows]
    return texts, ([r[head] for r in rows] if head is not None else None)


def vectorizer():
    return TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)


def main():
    cmd = sys.argv[1]
    if cmd == "train":
        kind, train, head, model = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
        clf = {"mnb": MultinomialNB(), "cnb": ComplementNB(),
               "lr": LogisticRegression(C=10, solver="liblinear", max_iter=1000),
               "svc": LinearSVC(C=1)}[kind]
        texts, labels = read(train, head)
        pipe = make_pipeline(vectorizer(), clf).fit(texts, labels)
        with open(model, "wb") as f:
            pickle.dump(pipe, f)
    elif cmd == "predict":
        with open(sys.argv[2], "rb") as f:
            pipe = pickle.load(f)
        texts, _ = read(sys.argv[3])
        with open(sys.argv[4], "w", encoding="utf-8") as f:
            for p in pipe.predict(texts):
                f.write("%s\n" % p)
    elif cmd == "vectorize":
        train, test, head = sys.argv[2], sys.argv[3], int(sys.argv[4])
        tr_texts, tr_labels = read(train, head)
        te_texts, te_labels = read(test, head)
        names = sorted(set(tr_labels) | set(te_labels))
        index = {n: i for i, n in enumerate(names)}
        vec = vectorizer()
        # LIBLINEAR numbers features from 1.
        dump_svmlight_file(vec.fit_transform(tr_texts), [index[l] for l in tr_labels], sys.argv[5],
                           zero_based=False)
        dump_svmlight_file(vec.transform(te_texts), [index[l] for l in te_labels], sys.argv[6],
                           zero_based=False)
        with open(sys.argv[7], "w", encoding="utf-8") as f:
            f.write("".join(n + "\n" for n in names))
    else:
        sys.exit("sk_run.py: unknown command %s" % cmd)


if __name__ == "__main__":
    main()
