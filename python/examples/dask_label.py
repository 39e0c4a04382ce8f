#!/usr/bin/python3
"""dask_label.py: label a corpus of JSON-lines partitions on a Dask cluster.

Each worker process loads the model once (the file is mapped, so workers
on one machine share its pages) and labels the partitions it is given; the
result is the JSON lines `slant label --json` writes, in partition order.

    python3 dask_label.py MODEL OUT.jsonl PART.jsonl... [--workers N]

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
import json
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


def main(argv):
    import argparse
    from dask.distributed import Client, LocalCluster
    ap = argparse.ArgumentParser(description="label JSON-lines partitions on a Dask cluster")
    ap.add_argument("model")
    ap.add_argument("out")
    ap.add_argument("parts", nargs="+")
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args(argv)
    with LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster):
        lines = label_bag(a.model, a.parts).compute()
    with open(a.out, "w", encoding="utf-8") as f:
        f.writelines(lines)


if __name__ == "__main__":
    main(sys.argv[1:])
