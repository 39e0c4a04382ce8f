"""Tests of the Python module against the program: the same model labels the
demo corpus to the same JSON bytes through both; probabilities, training,
saving, errors, the kinds of iterable and the thread count behave as the
README says."""
import csv
import gc
import json
import math
import os
import subprocess

import numpy as np
import pytest

import slant

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SLANT = os.environ.get("SLANT", os.path.join(ROOT, "bin", "slant"))
DEMO = os.path.join(ROOT, "data", "demo")


def read_tsv(path):
    """The demo TSV's rows as dicts (TSV has no quoting or escapes)."""
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def corpus():
    return read_tsv(os.path.join(DEMO, "corpus.tsv"))


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("model") / "demo.slant")
    subprocess.run([SLANT, "train", os.path.join(DEMO, "corpus.tsv"), "-o", path, "--quiet"],
                   check=True, stdout=subprocess.DEVNULL)
    return path


@pytest.fixture(scope="module")
def model(model_path):
    return slant.load(model_path)


def cli(*args):
    return subprocess.run([SLANT, *args], check=True, capture_output=True).stdout


def test_labels_equal_the_cli_byte_for_byte(model, model_path, corpus):
    for path in ("corpus.tsv", "heldout.tsv"):
        rows = read_tsv(os.path.join(DEMO, path))
        want = cli("label", "-m", model_path, "--json", os.path.join(DEMO, path))
        got = model.label_json([r["text"] for r in rows], ids=[r["id"] for r in rows])
        assert "".join(line + "\n" for line in got).encode() == want
        # the dicts are what the JSON parses to
        dicts = model.label([r["text"] for r in rows], ids=[r["id"] for r in rows])
        assert dicts == [json.loads(line) for line in want.decode().splitlines()]


def test_explanations_and_abstention_equal_the_cli(model, model_path):
    rows = read_tsv(os.path.join(DEMO, "heldout.tsv"))
    texts, ids = [r["text"] for r in rows], [r["id"] for r in rows]
    path = os.path.join(DEMO, "heldout.tsv")
    want = cli("label", "-m", model_path, "--json", "--explain", "3", "--abstain-below", "0.6",
               path)
    got = model.label_json(texts, ids=ids, explain=3, abstain_below=0.6)
    assert "".join(line + "\n" for line in got).encode() == want
    want = cli("explain", "-m", model_path, "--json", "-n", "4", path)
    assert model.explain(texts, 4, ids=ids) == [json.loads(x) for x in want.decode().splitlines()]


def test_ids_are_numbered_as_label_lines_does(model, model_path, tmp_path):
    texts = ["first article about chips", "second article about tariffs", "a third"]
    (tmp_path / "in.txt").write_text("\n".join(texts) + "\n")
    want = cli("label", "-m", model_path, "--json", "--lines", str(tmp_path / "in.txt"))
    assert "".join(x + "\n" for x in model.label_json(texts)).encode() == want


def test_probabilities_shape_and_sums(model, corpus):
    texts = [r["text"] for r in corpus]
    p = model.probabilities(texts, "stance")
    assert p.shape == (len(texts), len(model.classes["stance"]))
    assert p.dtype == np.float64
    assert np.allclose(p.sum(axis=1), 1)
    every = model.probabilities(texts)
    assert every.shape == (len(texts), sum(len(c) for c in model.classes.values()))
    assert np.array_equal(every[:, 3:6], model.probabilities(texts, 1))
    labels = model.label(texts)
    best = [model.classes["stance"][i] for i in p.argmax(axis=1)]
    assert best == [d["heads"]["stance"]["label"] for d in labels]
    assert model.probabilities([], "stance").shape == (0, 3)
    with pytest.raises(KeyError, match="no head 'tone'"):
        model.probabilities(texts, "tone")


def test_train_save_load_roundtrip(corpus, tmp_path):
    texts = [r["text"] for r in corpus]
    labels = {"stance": [r["stance"] for r in corpus],
              "source_type": [r["source_type"] for r in corpus]}
    m = slant.train(texts, labels=labels, model="nb", word_ngrams=(1, 2), threads=2)
    assert m.heads == ("stance", "source_type")
    assert m.kind == "nb"
    assert "model=nb" in m.provenance
    path = str(tmp_path / "m.slant")
    m.save(path)
    again = slant.load(path)
    assert again.label_json(texts) == m.label_json(texts)
    # the program's training on the same corpus gives the same labels
    tsv = tmp_path / "c.tsv"
    with open(tsv, "w", encoding="utf-8") as f:
        f.write("stance\tsource_type\ttext\n")
        for r in corpus:
            f.write(f"{r['stance']}\t{r['source_type']}\t{r['text']}\n")
    cli("train", str(tsv), "-o", str(tmp_path / "cli.slant"), "--model", "nb", "--quiet")
    assert slant.load(str(tmp_path / "cli.slant")).label_json(texts) == m.label_json(texts)


def test_cv_is_the_dict_of_cv_json(corpus, tmp_path):
    tsv = os.path.join(DEMO, "corpus.tsv")
    want = json.loads(cli("cv", "--json", "-k", "3", tsv, "--quiet"))
    got = slant.cv([r["text"] for r in corpus],
                   labels={"source_type": [r["source_type"] for r in corpus],
                           "stance": [r["stance"] for r in corpus]}, folds=3)
    assert got == want


def test_errors_raise_slant_error_with_the_message(model, tmp_path):
    bad = tmp_path / "bad.slant"
    bad.write_bytes(b"not a model at all")
    with pytest.raises(slant.Error, match="bad.slant: .*not a slant model") as e:
        slant.load(str(bad))
    assert e.value.status == "bad model file"
    with pytest.raises(slant.Error, match="No such file"):
        slant.load(str(tmp_path / "missing.slant"))
    with pytest.raises(slant.Error, match=r"caf\\xe9"):  # a path that is not UTF-8
        slant.load(os.fsdecode(bytes(tmp_path) + b"/caf\xe9.slant"))
    with pytest.raises(slant.Error, match="--c is for --model lr, nbsvm or svm"):
        slant.train(["a b", "c d"], labels={"x": ["p", "q"]}, model="nb", c=2.0)
    with pytest.raises(TypeError, match="no training option 'colour'"):
        slant.train(["a b"], labels={"x": ["p"]}, colour=1)
    with pytest.raises(ValueError, match="labels\\[\"x\"\\] has 1 entries for 2 texts"):
        slant.train(["a b", "c d"], labels={"x": ["p"]})
    with pytest.raises(slant.Error, match="the \"x\" label"):
        slant.train(["a b", "c d"], labels={"x": ["p\tq", "q"]})
    with pytest.raises(TypeError, match=r"texts\[1\] is a float, not a str"):
        model.label(["fine", float("nan")])
    with pytest.raises(ValueError, match=r"texts\[0\] holds a NUL"):
        model.label(["a\0b"])
    with pytest.raises(ValueError, match="fewer ids than texts"):
        model.label(["a", "b"], ids=["1"])
    with pytest.raises(slant.Error, match="no stored thresholds"):
        model.label(["a"], abstain=True)
    with pytest.raises(slant.Error):
        model.save(str(tmp_path / "no" / "such" / "folder" / "m.slant"))
    assert not os.path.exists(tmp_path / "no")


def test_the_librarys_warnings_are_python_warnings():
    with pytest.warns(UserWarning, match="no n-gram occurs 2 times or more"):
        slant.train(["a b", "c d"], labels={"x": ["p", "q"]}, threads=2)


def test_series_and_generators_label_alike(model, corpus):
    pd = pytest.importorskip("pandas")
    texts = [r["text"] for r in corpus] * 50  # more than one batch of 4096
    want = model.label_json(texts)
    assert model.label_json(pd.Series(texts)) == want
    assert model.label_json(t for t in texts) == want
    assert model.label_json(iter(texts)) == want
    assert np.array_equal(model.probabilities(t for t in texts), model.probabilities(texts))
    frame = pd.DataFrame({"text": texts[:10], "stance": [r["stance"] for r in corpus[:10]]})
    frame.loc[3, "stance"] = None  # a missing label, as pandas has it
    m = slant.train(frame["text"], labels={"stance": frame["stance"]}, min_count=1)
    assert "labeled=" in m.provenance or m.heads == ("stance",)
    assert len(m.label(frame["text"])) == 10


def test_threads_do_not_change_the_output(model, corpus):
    texts = [r["text"] for r in corpus] * 20
    one = model.label_json(texts, threads=1)
    assert model.label_json(texts, threads=2) == one
    assert model.label_json(texts, threads=0) == one
    assert np.array_equal(model.probabilities(texts, threads=1),
                          model.probabilities(texts, threads=2))
    labels = {"stance": [r["stance"] for r in corpus]}
    a = slant.train([r["text"] for r in corpus], labels=labels, threads=1)
    b = slant.train([r["text"] for r in corpus], labels=labels, threads=2)
    assert a.label_json(texts) == b.label_json(texts)
    with pytest.raises(ValueError, match="threads"):
        model.label(texts, threads=-1)


def test_the_model_file_is_mapped_not_read(model_path):
    m = slant.load(model_path)
    with open("/proc/self/maps") as f:
        assert any(line.rstrip().endswith(model_path) for line in f)
    del m


def test_a_lone_string_is_one_text(model):
    assert len(model.label("one article about chips")) == 1
    assert model.probabilities("one article").shape == (1, 6)


def test_load_label_free_keeps_memory_flat(model_path):
    def rss_kib():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    texts = ["an article about chips and tariffs"] * 20

    def cycle():
        m = slant.load(model_path)
        m.label(texts)
        m.probabilities(texts)
        del m

    for _ in range(100):  # warm up: allocator pools, the json module
        cycle()
    gc.collect()
    before = rss_kib()
    for _ in range(1000):
        cycle()
    gc.collect()
    grown = rss_kib() - before
    assert grown < 2048, f"RSS grew by {grown} KiB over 1000 cycles"


def test_merge_adds_hashed_naive_bayes_shards(corpus, model):
    half = len(corpus) // 2
    opts = {"model": "nb", "hash_bits": 16, "weighting": "counts"}
    def fit(rows):
        return slant.train([r["text"] for r in rows],
                           labels={"stance": [r["stance"] for r in rows]}, **opts)
    merged = slant.merge([fit(corpus[:half]), fit(corpus[half:])])
    union = fit(corpus)
    texts = [r["text"] for r in corpus]
    assert np.max(np.abs(merged.probabilities(texts, "stance")
                         - union.probabilities(texts, "stance"))) < 1e-9
    with pytest.raises(TypeError, match="item 1 is a str"):
        slant.merge([merged, "union"])
    # The demo model has a vocabulary of its own and no sums to add.
    with pytest.raises(slant.Error):
        slant.merge([model, merged])
