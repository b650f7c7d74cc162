"""mekong.HashingVectorizer: the Vietnamese analyzer's terms (mekong.CountVectorizer's), hashed into
scikit-learn's columns. The reference hashes CountVectorizer's analyzer output in Python with
scikit-learn's murmurhash3_32 (and, for binary / norm, scikit-learn's own HashingVectorizer over that
analyzer)."""

from __future__ import annotations

import pickle
import unicodedata

import numpy as np
import pytest
import scipy.sparse as sp

import mekong
from mekong import CountVectorizer, HashingVectorizer

sk_text = pytest.importorskip("sklearn.feature_extraction.text")
from sklearn.utils import murmurhash3_32  # noqa: E402

import mekong.sklearn  # noqa: E402

DOCS = [
    "Tỉnh uỷ Kon Tum họp với Sở Kế hoạch và Đầu tư về hợp tác kinh tế.",
    "Tỉnh ủy và Tỉnh uỷ: một tên, hai cách bỏ dấu; Bờ Y và cửa khẩu Attapư.",
    "",
    "Giá lúa tăng 5,2% tại An Giang; xem https://example.vn/tin-tuc?id=1 để biết thêm.",
    "Hoà bình, hòa bình, HOÀ BÌNH! 2026-12-01 lúc 1:15",
    "ພາສາລາວ ភាសាខ្មែរ ภาษาไทย Mekong mekong MEKONG",
    unicodedata.normalize("NFD", "Hợp tác với Attapư về thương mại biên giới"),
    "a b c d e f g h i j k l m n o p",
]


def reference_counts(docs, n_features, alternate_sign=True, **params):
    """Row i: CountVectorizer(**params)'s terms of doc i, each added at |murmurhash3_32| % n_features
    with the hash's sign (scikit-learn's rule, -2**31 included), summed; a dense array."""
    analyzer = CountVectorizer(**params).fit(docs).build_analyzer()
    out = np.zeros((len(docs), n_features))
    for i, doc in enumerate(docs):
        for term in analyzer(doc):
            h = murmurhash3_32(term, positive=False)
            col = (2**31 - 1 - (n_features - 1)) % n_features if h == -(2**31) else abs(h) % n_features
            out[i, col] += -1.0 if alternate_sign and h < 0 else 1.0
    return out


def sklearn_over_our_analyzer(docs, analyzer_params, **hashing):
    analyzer = CountVectorizer(**analyzer_params).fit(docs).build_analyzer()
    return sk_text.HashingVectorizer(analyzer=analyzer, **hashing).transform(docs)


ANALYZER_CASES = [
    {},
    {"words": False},
    {"ngram_range": (1, 2)},
    {"stop_words": ["và", "với", "về"], "words": False},
    {"tone_marks": "modern", "lowercase": False},
    {"numbers": False, "urls": "keep", "min_token_length": 2},
    {"user_dictionary": ["kinh tế", "cửa khẩu"], "words": False},
]


@pytest.mark.parametrize("params", ANALYZER_CASES, ids=repr)
@pytest.mark.parametrize("n_features", [2**20, 64, 7])
@pytest.mark.parametrize("alternate_sign", [True, False])
def test_columns_are_murmurhash_of_count_vectorizer_terms(params, n_features, alternate_sign):
    X = HashingVectorizer(n_features=n_features, alternate_sign=alternate_sign, norm=None, **params).transform(DOCS)
    assert isinstance(X, sp.csr_matrix) and X.shape == (len(DOCS), n_features) and X.dtype == np.float64
    np.testing.assert_array_equal(X.toarray(), reference_counts(DOCS, n_features, alternate_sign, **params))
    for i in range(X.shape[0]):  # each row's columns strictly increasing
        assert np.all(np.diff(X.indices[X.indptr[i] : X.indptr[i + 1]]) > 0)


@pytest.mark.parametrize("norm", ["l2", "l1", None])
@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("params", ANALYZER_CASES[:3], ids=repr)
def test_binary_and_norm_are_scikit_learns_over_the_same_terms(norm, binary, params):
    hashing = dict(n_features=2**10, norm=norm, binary=binary, alternate_sign=True)
    X = HashingVectorizer(**hashing, **params).transform(DOCS)
    want = sklearn_over_our_analyzer(DOCS, params, **hashing)
    assert X.shape == want.shape
    diff = abs(X - want)
    assert diff.nnz == 0 or diff.max() <= 1e-15
    np.testing.assert_array_equal(X.indptr, sp.csr_matrix(want).indptr)


def test_vietnamese_defaults_differ_from_scikit_learns():
    doc = ["Bờ Y và Tỉnh uỷ, Tỉnh ủy"]
    ours = HashingVectorizer(norm=None, alternate_sign=False).transform(doc)
    theirs = mekong.sklearn.HashingVectorizer(norm=None, alternate_sign=False).transform(doc)
    assert (ours != theirs).nnz > 0  # one-letter syllables, words and one tone placement
    terms = CountVectorizer().build_analyzer()(doc[0])
    assert "tỉnh_ủy" in terms
    col = abs(murmurhash3_32("tỉnh_ủy", positive=False)) % 2**20
    assert ours[0, col] == 2


def test_nfd_input_hashes_as_nfc():
    nfc = [unicodedata.normalize("NFC", d) for d in DOCS]
    nfd = [unicodedata.normalize("NFD", d) for d in DOCS]
    hv = HashingVectorizer(n_features=2**12)
    assert (hv.transform(nfc) != hv.transform(nfd)).nnz == 0


def _same(a, b):
    assert a.shape == b.shape
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.data, b.data)


def test_threads_batches_and_generators_give_the_same_matrix(monkeypatch):
    docs = DOCS * 40
    one = HashingVectorizer(n_features=2**16, n_jobs=1).transform(docs)
    _same(HashingVectorizer(n_features=2**16, n_jobs=2).transform(docs), one)
    import mekong._stream as stream

    monkeypatch.setattr(stream, "BATCH_BYTES", 300)  # many batches, stacked
    _same(HashingVectorizer(n_features=2**16).transform(d for d in docs), one)


def test_bytes_and_files_are_decoded_as_count_vectorizer_decodes(tmp_path):
    raw = [d.encode("utf-8") for d in DOCS[:2]] + [b"gi\xe1 l\xfaa"]  # invalid UTF-8: U+FFFD, counted
    X = HashingVectorizer(norm=None).transform(raw)
    np.testing.assert_array_equal(X.toarray(), reference_counts(raw, 2**20))
    with pytest.raises(UnicodeDecodeError, match="document 2"):
        HashingVectorizer(decode_error="strict").transform(raw)
    path = tmp_path / "a.txt"
    path.write_text(DOCS[0], encoding="utf-8")
    _same(HashingVectorizer(input="filename").transform([str(path)]), HashingVectorizer().transform(DOCS[:1]))


@pytest.mark.parametrize(
    "params",
    [
        {"token_pattern": r"(?u)\b\w+\b"},
        {"analyzer": "char_wb", "ngram_range": (2, 3)},
        {"analyzer": lambda s: s.split()},
        {"preprocessor": str.upper, "lowercase": False},
        {"strip_accents": "unicode", "words": False},
    ],
    ids=["token_pattern", "char_wb", "callable-analyzer", "preprocessor", "strip_accents"],
)
def test_other_tokenizing_paths_hash_what_build_analyzer_gives(params):
    hashing = dict(n_features=2**12, norm="l2")
    X = HashingVectorizer(**hashing, **params).transform(DOCS)
    want = sklearn_over_our_analyzer(DOCS, params, **hashing)
    diff = abs(X - want)
    assert diff.nnz == 0 or diff.max() <= 1e-15
    assert HashingVectorizer(**params).build_analyzer()(DOCS[0]) == CountVectorizer(**params).build_analyzer()(DOCS[0])


def test_stateless_estimator_api():
    hv = HashingVectorizer(n_features=2**8)
    assert hv.fit(DOCS) is hv and hv.partial_fit(DOCS) is hv
    _same(hv.fit_transform(DOCS), hv.transform(DOCS))
    again = pickle.loads(pickle.dumps(hv))
    _same(again.transform(DOCS), hv.transform(DOCS))
    assert hv.get_params()["n_features"] == 2**8
    assert HashingVectorizer(dtype=np.float32).transform(DOCS).dtype == np.float32
    empty = HashingVectorizer(n_features=16).transform([])
    assert empty.shape == (0, 16)
    X = HashingVectorizer(n_features=16).transform(["", "", "a"])
    assert X.shape == (3, 16) and X.getnnz(axis=1).tolist() == [0, 0, 1]  # every document keeps its row
    from sklearn.base import clone
    from sklearn.pipeline import make_pipeline

    pipe = make_pipeline(clone(hv), mekong.TfidfTransformer())
    assert pipe.fit_transform(DOCS).shape == (len(DOCS), 2**8)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"n_features": 0}, ValueError, "n_features"),
        ({"n_features": 2.5}, ValueError, "n_features"),
        ({"n_features": True}, ValueError, "n_features"),
        ({"norm": "l3"}, ValueError, "norm"),
        ({"alternate_sign": "yes"}, (TypeError, ValueError), "alternate_sign"),
        ({"tone_marks": "sideways"}, ValueError, "tone_marks"),
        ({"analyzer": "char", "stop_words": ["và"]}, ValueError, "stop_words"),
    ],
)
def test_bad_parameters_raise_clearly(params, error, match):
    with pytest.raises(error, match=match):
        HashingVectorizer(**params).transform(DOCS)
    with pytest.raises(TypeError):
        HashingVectorizer(names=True)  # names need a corpus's evidence: not a stateless option
    with pytest.raises(ValueError, match="Iterable over raw text documents expected"):
        HashingVectorizer().transform("one string")
