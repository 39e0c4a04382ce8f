#!/usr/bin/python3
"""dask_label.py: label a corpus of JSON-lines partitions on a Dask cluster,
and train one model from shards.

Each worker process loads the model once (the file is mapped, so workers
on one machine share its pages) and labels the partitions it is given; the
result is the JSON lines `slant label --json` writes, in partition order.
train_shards trains naive Bayes on each labeled partition where it lies
and merges the shards' models into the one that training on the union
gives (slant.merge: naive Bayes on hashed features adds up exactly).

    python3 dask_label.py MODEL OUT.jsonl PART.jsonl... [--workers N]
    python3 dask_label.py --train HEAD[,HEAD...] MODEL PART.jsonl... [--workers N]

Each input line is an object with "id" and "text", as slant's JSONL corpora
have.  From a notebook:

    from dask.distributed import Client, LocalCluster
    import dask_label
    with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster):
        lines = dask_label.label_bag("m.slant", ["part-0.jsonl", "part-1.jsonl"]).compute()

On a real cluster, the same with Client("scheduler:8786"): the model path
must then be readable by every worker (a shared file system), and the
slant module installed on each.
"""
import hashlib
import json
import os
import sys

_models = {}  # per worker process: model path -> slant.Model
loads = 0     # models loaded by this process, for the test


def model(path):
    """The model at PATH, loaded once per worker process."""
    global loads
    m = _models.get(path)
    if m is None:
        import slant
        m = _models[path] = slant.load(path)
        loads += 1
    return m


def label_lines(lines, model_path):
    """The label --json lines of one partition's JSON lines."""
    docs = [json.loads(line) for line in lines if line.strip()]
    if not docs:
        return []
    rows = model(model_path).label_json([d["text"] for d in docs],
                                        ids=[str(d["id"]) for d in docs], threads=1)
    return [row + "\n" for row in rows]


def label_bag(model_path, paths):
    """A dask bag of the label lines of PATHS, a partition a file."""
    import dask.bag as db
    return db.read_text(paths, files_per_partition=1).map_partitions(label_lines, model_path)


# Shards add up to the union's model with naive Bayes on hashed features
# and without document frequencies of their own (tf-idf would give each
# shard its own idf): counts, or binary.  A merged model is uncalibrated,
# so the shards are trained so.
SHARD_OPTIONS = {"model": "nb", "hash_bits": 20, "weighting": "counts", "calibrate": "none"}


def train_lines(lines, heads, out_dir, options):
    """Trains a model on one partition's labeled JSON lines (each object
    with "text" and a label per head, missing or null where there is
    none), saves it in OUT_DIR under a name drawn from its content, and
    returns its path."""
    import slant
    lines = list(lines)  # a partition may come as an iterator: read twice below
    docs = [json.loads(line) for line in lines if line.strip()]
    if not docs:
        return []
    m = slant.train([d["text"] for d in docs],
                    labels={h: [d.get(h) for d in docs] for h in heads}, **options)
    name = hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()[:16]
    path = os.path.join(out_dir, "shard-%s.slant" % name)
    m.save(path)
    return [path]


def train_shards(paths, heads, out_dir, options=None):
    """A model trained on the labeled partitions PATHS, each on a worker:
    the shards' models, saved in OUT_DIR (a folder every worker and the
    client can read), merged in partition order."""
    import dask.bag as db
    import slant
    opts = dict(SHARD_OPTIONS, **(options or {}))
    shards = db.read_text(paths, files_per_partition=1).map_partitions(
        train_lines, list(heads), out_dir, opts).compute()
    models = [slant.load(p) for p in shards]
    return models[0] if len(models) == 1 else slant.merge(models)


def main(argv):
    import argparse
    from dask.distributed import Client, LocalCluster
    ap = argparse.ArgumentParser(description="label JSON-lines partitions on a Dask cluster, "
                                 "or (--train) train a model from them as shards")
    ap.add_argument("--train", metavar="HEADS", help="train on the partitions' labels of "
                    "these heads (comma-separated), one shard a partition, and write MODEL")
    ap.add_argument("model")
    ap.add_argument("paths", nargs="+", help="OUT.jsonl then the partitions; with --train, "
                    "the partitions")
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args(argv)
    if not a.train and len(a.paths) < 2:
        ap.error("give OUT.jsonl and at least one partition")
    with LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster):
        if a.train:
            import tempfile
            with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(a.model))) as d:
                train_shards(a.paths, a.train.split(","), d).save(a.model)
            return
        lines = label_bag(a.model, a.paths[1:]).compute()
    with open(a.paths[0], "w", encoding="utf-8") as f:
        f.writelines(lines)


if __name__ == "__main__":
    main(sys.argv[1:])
