#!/usr/bin/python3
"""Labeling throughput on Dask (python/examples/dask_label.py) with 1 and 2
worker processes, beside the program on the same file: `slant label --json`
on 1 and 2 threads, and the program under GNU parallel --pipe on 2 jobs.
The corpus is generated: imdb's reviews (train and test) as JSON lines,
repeated to about --mb MB, cut into 16 partitions, all under a temporary
folder (never in the project).  Builds the module into a throwaway venv as
`make python-test` does (run `make` first).  Each figure is the fastest of
--repeat runs, the runs interleaved; every output is checked against the
program's.  Writes bench/results/DATE-dask.md.

    /usr/bin/python3 bench/dask.py [--mb 500] [--repeat 2]
"""
import argparse
import csv
import datetime
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SLANT = os.path.join(ROOT, "bin", "slant")
DATA = os.environ.get("SLANT_DATA", os.path.join(ROOT, "..", "shared", "data"))
if not os.path.isdir(DATA):
    DATA = "/work/shared/data"
PARTS = 16
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from python import install_module  # noqa: E402  (bench/python.py)
csv.field_size_limit(1 << 30)

DASK_RUN = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
import dask_label
from dask.distributed import Client, LocalCluster
model, out, workers, parts = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:]
with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                  dashboard_address=":0") as cluster, Client(cluster):
    t0 = time.perf_counter()
    lines = dask_label.label_bag(model, parts).compute()
    t1 = time.perf_counter()
with open(out, "w", encoding="utf-8") as f:
    f.writelines(lines)
print(t1 - t0)
"""


def generate(tmp, mb):
    """PARTS files of JSON lines, about MB megabytes in all, and their
    concatenation."""
    rows = []
    for name in ("train.tsv", "test.tsv"):
        with open(os.path.join(DATA, "imdb", name), encoding="utf-8", newline="") as f:
            rows += [r["text"] for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    lines, size, k = [], 0, 0
    while size < mb * 1e6:
        line = json.dumps({"id": "d%d" % k, "text": rows[k % len(rows)]}, ensure_ascii=False) + "\n"
        lines.append(line)
        size += len(line.encode("utf-8"))
        k += 1
    whole = os.path.join(tmp, "whole.jsonl")
    with open(whole, "w", encoding="utf-8") as f:
        f.writelines(lines)
    parts = []
    for p in range(PARTS):
        path = os.path.join(tmp, "part-%02d.jsonl" % p)
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(lines[p * len(lines) // PARTS:(p + 1) * len(lines) // PARTS])
        parts.append(path)
    return whole, parts, len(lines), size


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def timed(cmd, out=None, stdin=None):
    t0 = time.perf_counter()
    with open(out, "wb") if out else open(os.devnull, "wb") as o, \
            open(stdin, "rb") if stdin else open(os.devnull, "rb") as i:
        subprocess.run(cmd, check=True, stdout=o, stdin=i)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=500)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        py = install_module(tmp)
        model = os.path.join(tmp, "imdb.slant")
        subprocess.run([SLANT, "train", os.path.join(DATA, "imdb", "train.tsv"), "-o", model,
                        "--quiet"], check=True, stdout=subprocess.DEVNULL)
        whole, parts, n_docs, size = generate(tmp, args.mb)
        want = os.path.join(tmp, "want.jsonl")
        got = os.path.join(tmp, "got.jsonl")
        runs = {
            "slant label --json, 1 thread": lambda: timed(
                [SLANT, "label", "-m", model, "--json", "-t", "1", whole], want),
            "slant label --json, 2 threads": lambda: timed(
                [SLANT, "label", "-m", model, "--json", "-t", "2", whole], got),
            "GNU parallel --pipe -j 2, slant label -t 1": lambda: timed(
                ["parallel", "--will-cite", "--pipe", "-k", "--block", "8M", "-j", "2",
                 SLANT, "label", "-m", model, "--json", "-t", "1", "-"], got, whole),
            "Dask, 1 worker process": lambda: float(subprocess.run(
                [py, "-c", DASK_RUN, os.path.join(ROOT, "python", "examples"), model, got, "1",
                 *parts], check=True, capture_output=True, text=True).stdout),
            "Dask, 2 worker processes": lambda: float(subprocess.run(
                [py, "-c", DASK_RUN, os.path.join(ROOT, "python", "examples"), model, got, "2",
                 *parts], check=True, capture_output=True, text=True).stdout),
        }
        if not shutil.which("parallel"):
            del runs["GNU parallel --pipe -j 2, slant label -t 1"]
        best = {}
        ref = None
        for _ in range(args.repeat):
            for name, fn in runs.items():
                t = fn()
                best[name] = min(best.get(name, t), t)
                if name.endswith("1 thread"):
                    ref = digest(want)
                elif digest(got) != ref:
                    sys.exit("%s: the output differs from slant label's" % name)
    load_end = os.getloadavg()[0]
    date = datetime.date.today().isoformat()
    lines = ["# Labeling on Dask, beside the program (%s)" % date, "",
             "`/usr/bin/python3 bench/dask.py --mb %g --repeat %d`; %s, %d cores, load average %.1f "
             "at the start and %.1f at the end (a shared machine: compare the rows of one run, "
             "as ratios)." % (args.mb, args.repeat, platform.machine(), os.cpu_count(), load_start,
                              load_end), "",
             "Corpus: %d imdb reviews as JSON lines (train and test repeated), %.0f MB, cut into %d "
             "partitions for Dask; the default model trained on imdb's train split.  Time: "
             "labeling alone for Dask (the cluster started, the result gathered to the client), "
             "model load and reading included for the program.  Every output was checked "
             "to be the bytes of `slant label --json` on one thread." % (n_docs, size / 1e6, PARTS),
             "", "| run | seconds | MB/s | against the program on 1 thread |", "|---|---|---|---|"]
    base = best["slant label --json, 1 thread"]
    for name, t in best.items():
        lines.append("| %s | %.2f | %.1f | %.2fx |" % (name, t, size / 1e6 / t, base / t))
    out = os.path.join(ROOT, "bench", "results", "%s-dask.md" % date)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
