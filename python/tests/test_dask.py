"""The Dask recipe (python/examples/dask_label.py) on a LocalCluster of two
worker processes: a corpus cut into JSON-lines partitions comes back
labeled with the very bytes `slant label --json` gives the whole corpus,
and each worker loaded the model once; models trained on the partitions
where they lie merge into the model of the whole.  Skipped where Debian's
python3-distributed is not installed (CI installs it)."""
import csv
import json
import os
import subprocess
import sys

import pytest

distributed = pytest.importorskip("distributed", reason="no dask.distributed "
                                  "(apt-get install python3-distributed)")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SLANT = os.environ.get("SLANT", os.path.join(ROOT, "bin", "slant"))
EXAMPLES = os.path.join(ROOT, "python", "examples")
DEMO = os.path.join(ROOT, "data", "demo")


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    """The demo corpus and its held-out articles as 5 partitions of JSON
    lines, and the whole as one file."""
    d = tmp_path_factory.mktemp("dask")
    rows = []
    for name in ("corpus.tsv", "heldout.tsv"):
        with open(os.path.join(DEMO, name), encoding="utf-8", newline="") as f:
            rows += list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    lines = [json.dumps({"id": r["id"], "text": r["text"], "source_type": r["source_type"],
                         "stance": r["stance"]}, ensure_ascii=False) + "\n" for r in rows]
    whole = d / "whole.jsonl"
    whole.write_text("".join(lines), encoding="utf-8")
    paths = []
    for k in range(5):
        p = d / ("part-%d.jsonl" % k)
        p.write_text("".join(lines[k * len(lines) // 5:(k + 1) * len(lines) // 5]),
                     encoding="utf-8")
        paths.append(str(p))
    model = str(d / "demo.slant")
    subprocess.run([SLANT, "train", os.path.join(DEMO, "corpus.tsv"), "-o", model, "--quiet"],
                   check=True, stdout=subprocess.DEVNULL)
    return model, str(whole), paths


@pytest.fixture(scope="module")
def client():
    # The workers import the recipe by name: they start with its folder on
    # their path, and with the interpreter (and so the slant module) of
    # this one.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [EXAMPLES] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    sys.path.insert(0, EXAMPLES)
    from distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=":0")
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


def test_two_workers_label_as_the_program_does(client, parts):
    import dask_label
    model, whole, paths = parts
    lines = dask_label.label_bag(model, paths).compute()
    want = subprocess.run([SLANT, "label", "-m", model, "--json", whole], check=True,
                          capture_output=True).stdout.decode("utf-8")
    assert "".join(lines) == want
    # Both workers took part, and each loaded the model once.
    loads = client.run(lambda: __import__("dask_label").loads)
    assert len(loads) == 2
    assert all(n <= 1 for n in loads.values()), loads
    assert sum(loads.values()) >= 1


def test_the_script_writes_the_file(parts, tmp_path):
    model, whole, paths = parts
    out = tmp_path / "labels.jsonl"
    subprocess.run([sys.executable, os.path.join(EXAMPLES, "dask_label.py"), model, str(out),
                    *paths, "--workers", "2"], check=True, capture_output=True)
    want = subprocess.run([SLANT, "label", "-m", model, "--json", whole], check=True,
                          capture_output=True).stdout
    assert out.read_bytes() == want


def test_shards_trained_on_the_workers_merge_to_the_whole(client, parts, tmp_path):
    import dask_label
    import numpy as np
    import slant
    model, whole, paths = parts
    merged = dask_label.train_shards(paths, ["source_type", "stance"], str(tmp_path))
    assert len(list(tmp_path.glob("shard-*.slant"))) == len(paths)
    rows = [json.loads(line) for line in open(whole, encoding="utf-8")]
    union = slant.train([r["text"] for r in rows],
                        labels={h: [r[h] for r in rows] for h in ("source_type", "stance")},
                        **dask_label.SHARD_OPTIONS)
    texts = [r["text"] for r in rows]
    for head in ("source_type", "stance"):
        a = merged.probabilities(texts, head)
        b = union.probabilities(texts, head)
        assert np.max(np.abs(a - b)) < 1e-9, head
    assert merged.label_json(texts) == union.label_json(texts)
