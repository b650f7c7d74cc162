"""The binding layer (issue 8, items 3-5): input errors located by document and byte offset,
first_invalid_ reaching the user, checks made once (vocabulary duplicates in the core), the
layout rules (text/ and matrix/ share terms/ and include neither each other), the stubs' presence."""

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mekong
from conftest import ROOT
from mekong import _core


def python_first_invalid(data: bytes) -> int:
    """The reference: Python's own UTF-8 decoder says where the first invalid sequence starts."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        return e.start
    return -1


def test_strict_decode_names_the_byte_offset():
    assert mekong.decode(b"H\xc3\xa0 ok", decode_error="strict") == ("Hà ok", 0)
    with pytest.raises(ValueError, match=r"^byte offset 3: invalid byte sequence"):
        mekong.decode(b"abc\xffdef", decode_error="strict")
    assert mekong.decode(b"abc\xffdef") == ("abc\ufffddef", 1)  # replace: counted, as before
    with pytest.raises(ValueError, match="decode_error must be 'replace' or 'strict'"):
        mekong.decode(b"abc", decode_error="ignore")


def test_strict_vectorizer_names_the_document_and_byte_offset():
    docs = [b"Kon Tum h\xe1\xbb\xa3p t\xc3\xa1c", "Attapư", b"b\xc3\xa0i \xff x\xfe"]
    for cls in (mekong.CountVectorizer, mekong.TfidfVectorizer):
        with pytest.raises(ValueError, match=r"document 2, byte offset 5: invalid byte sequence"):
            cls(decode_error="strict").fit_transform(docs)
    # A lone surrogate in a str is invalid too: its offset in the str's UTF-8 (surrogatepass).
    with pytest.raises(ValueError, match=r"^document 1, byte offset 2: "):
        mekong.CountVectorizer(decode_error="strict").fit_transform(["ok", "ab\ud800c"])
    cv = mekong.CountVectorizer(decode_error="strict").fit(docs[:2])
    with pytest.raises(ValueError, match=r"document 0, byte offset 1: "):
        cv.transform([b"a\x80", b"ok"])
    # "ignore" (scikit-learn's third choice) drops the invalid bytes instead.
    X = mekong.CountVectorizer(decode_error="ignore", words=False).fit_transform([b"ab\xffcd"])
    assert X.toarray().tolist() == [[1]]


def test_replace_keeps_every_row_and_reports_first_invalid():
    docs = [b"ok", b"ab\xff\xfe", "x\udfffy", b""]
    cv = mekong.CountVectorizer()
    X = cv.fit_transform(docs)
    assert X.shape[0] == 4
    assert cv.first_invalid_.tolist() == [-1, 2, 1, -1]
    assert cv.n_replaced_.tolist() == [0, 2, 1, 0]
    cv.transform([b"\xc3", b"fine"])
    assert cv.first_invalid_.tolist() == [0, -1]


@given(st.lists(st.binary(max_size=40), min_size=1, max_size=6))
def test_first_invalid_equals_pythons_decoder(docs):
    cv = mekong.CountVectorizer(words=False)
    try:
        cv.fit(docs)
    except ValueError as e:  # nothing countable: the vocabulary is empty
        assert "empty vocabulary" in str(e)
        return
    assert cv.first_invalid_.tolist() == [python_first_invalid(d) for d in docs]
    bad = [i for i, d in enumerate(docs) if python_first_invalid(d) >= 0]
    if bad:
        i = bad[0]
        want = f"document {i}, byte offset {python_first_invalid(docs[i])}: "
        with pytest.raises(ValueError, match=re.escape(want)):
            mekong.CountVectorizer(words=False, decode_error="strict").fit(docs)


def test_vocabulary_duplicates_are_refused_by_the_core():
    with pytest.raises(ValueError, match="Duplicate term in vocabulary: 'kon_tum'"):
        _core.Vocabulary(["kon_tum", "attapư", "kon_tum"])
    assert len(_core.Vocabulary(["a", "b"])) == 2


def test_memory_budget_message_is_the_cores():
    X = mekong.TfidfVectorizer().fit_transform(["a b", "b c", "c d"])
    with pytest.raises(MemoryError, match=r"^a dense 3 x 3 similarity matrix needs 0 MiB, over the budget of 0 MiB; "):
        mekong.cosine_similarity(X, max_memory=8)
    with pytest.raises(MemoryError, match=r"^a dense 3 x 3 similarity matrix"):
        mekong.cosine_similarity(np.ones((3, 2)), max_memory=8)


def includes(folder):
    out = {}
    for f in sorted((ROOT / "cpp" / "include" / "mekong" / folder).glob("*.hpp")):
        out[f.name] = re.findall(r'#include "mekong/([a-z_]+)/', f.read_text(encoding="utf-8"))
    src = ROOT / "cpp" / "src" / folder
    for f in sorted(src.glob("*.cpp")) if src.is_dir() else []:
        out[f.name] = re.findall(r'#include "mekong/([a-z_]+)/', f.read_text(encoding="utf-8"))
    return out


def test_text_and_matrix_do_not_include_each_other():
    for name, folders in includes("text").items():
        assert "matrix" not in folders, f"text/{name} includes matrix/"
    for name, folders in includes("matrix").items():
        assert "text" not in folders, f"matrix/{name} includes text/"
    for name, folders in includes("terms").items():
        assert set(folders) <= {"terms", "util"}, f"terms/{name} reaches into {folders}"


def test_one_binding_file_per_stage_folder():
    stages = sorted(p.name for p in (ROOT / "cpp" / "src").iterdir() if p.is_dir())
    bindings = ROOT / "cpp" / "bindings"
    module = (bindings / "module.cpp").read_text(encoding="utf-8")
    for stage in stages:
        assert (bindings / f"{stage}.cpp").is_file(), f"no cpp/bindings/{stage}.cpp"
        assert f"bind_{stage}(m);" in module
    body = module[module.index("PYBIND11_MODULE") :]
    calls = [line.strip() for line in body.splitlines()[1:-1] if line.strip()]
    assert all(c.startswith(("bind_", "m.doc()")) for c in calls), calls


def test_typed_package():
    pkg = ROOT / "python" / "mekong"
    assert (pkg / "py.typed").is_file()
    stub = (pkg / "_core.pyi").read_text(encoding="utf-8")
    for name in ("class Analyzer", "def count(", "def top_k_similar(", "progress"):
        assert name in stub
