"""The main job, the docstring examples, the README's Python and the notebooks."""

import doctest
import importlib
import os
import re
import subprocess
import sys

import pytest
import scipy.sparse as sp

import mekong
from conftest import ROOT


def test_main_job_on_the_sample(tmp_path):
    out = tmp_path / "out"
    res = subprocess.run([sys.executable, "-m", "mekong", "-o", str(out)], capture_output=True, text=True, check=True)
    assert "46 articles" in res.stdout or "articles from" in res.stdout
    assert "Stories told by more than one article" in res.stdout
    assert "Nearest neighbour of each article" in res.stdout
    X = sp.load_npz(out / "counts.npz")
    vocab = (out / "vocabulary.txt").read_text(encoding="utf-8").splitlines()
    assert X.shape == (len(mekong.datasets.load_sample()), len(vocab))
    assert (out / "documents.csv").exists() and (out / "tfidf.npz").exists()


def test_main_job_on_a_folder(tmp_path):
    src = tmp_path / "articles"
    src.mkdir()
    (src / "a.txt").write_text("Kon Tum hợp tác với Attapư", encoding="utf-8")
    (src / "b.txt").write_text("Kon Tum và Attapư hợp tác", encoding="utf-8")
    (src / "c.txt").write_bytes(b"")  # empty: still a row
    (src / "d.txt").write_bytes(b"\xff\xfe bad bytes")
    out = tmp_path / "out"
    res = subprocess.run(
        [sys.executable, "-m", "mekong", str(src), "-o", str(out)], capture_output=True, text=True, check=True
    )
    assert "4 articles" in res.stdout and "invalid byte sequences replaced: 2" in res.stdout
    assert sp.load_npz(out / "counts.npz").shape[0] == 4
    bad = subprocess.run([sys.executable, "-m", "mekong", str(tmp_path / "missing")], capture_output=True, text=True)
    assert bad.returncode != 0 and "no such file" in bad.stderr


MODULES = [
    "mekong",
    "mekong.text",
    "mekong.feature_extraction",
    "mekong.hashing",
    "mekong.weighting",
    "mekong.similarity",
    "mekong.stories",
    "mekong.search",
    "mekong.datasets",
    "mekong.phrases",
    "mekong.names",
    "mekong.cleaning",
    "mekong.frames",
    "mekong.dates",
    "mekong.corpus",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert failures == 0


def test_readme_python_blocks(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "the README has Python examples"
    monkeypatch.chdir(tmp_path)
    namespace = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)


@pytest.mark.notebook
@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_runs(path, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(path, as_version=4)
    env_cwd = str(tmp_path)
    os.environ.setdefault("MPLBACKEND", "Agg")
    from conftest import SHARED_CORPUS

    os.environ["MEKONG_SHARED_CORPUS"] = str(SHARED_CORPUS)
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": env_cwd}}).execute()
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert not errors
