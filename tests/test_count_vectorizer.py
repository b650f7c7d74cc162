"""CountVectorizer: parity with scikit-learn where they overlap, and mekong's own contract."""

import pickle
import string

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer as SkCountVectorizer

import mekong
from conftest import to_cp1258

# Text both tokenize alike: ASCII words and punctuation. scikit-learn's pattern with one-letter
# tokens kept is r"(?u)\b\w+\b"; links are split into words as scikit-learn does (urls="split").
WORDS = ["kon", "tum", "attapu", "hop", "tac", "a", "b", "Lao", "VIET", "nam", "x_y", "2025", "13", "9"]
ascii_doc = st.lists(
    st.one_of(st.sampled_from(WORDS), st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=6)),
    max_size=30,
).flatmap(
    lambda ws: st.lists(
        st.sampled_from([" ", "  ", ", ", ". ", "-", "\n", "!", "/", "'"]), min_size=len(ws), max_size=len(ws)
    ).map(lambda seps: "".join(w + s for w, s in zip(ws, seps)))
)
ascii_corpus = st.lists(ascii_doc, min_size=1, max_size=12)
SK_PATTERN = r"(?u)\b\w+\b"


def assert_same(mk_X, mk_cv, sk_X, sk_cv):
    assert mk_cv.vocabulary_ == {k: int(v) for k, v in sk_cv.vocabulary_.items()}
    assert list(mk_cv.get_feature_names_out()) == list(sk_cv.get_feature_names_out())
    assert mk_X.shape == sk_X.shape
    assert (mk_X != sk_X).nnz == 0
    assert mk_X.has_sorted_indices and np.all(np.diff(mk_X.indptr) >= 0)


def fit_both(docs, **opts):
    sk_cv = SkCountVectorizer(token_pattern=SK_PATTERN, **opts)
    mk_cv = mekong.CountVectorizer(urls="split", words=False, **opts)  # syllables: scikit-learn's tokens
    try:
        sk_X = sk_cv.fit_transform(docs)
    except ValueError as e:
        with pytest.raises(ValueError):
            mk_cv.fit_transform(docs)
        return str(e), None
    return (mk_cv.fit_transform(docs), mk_cv), (sk_X, sk_cv)


@given(ascii_corpus)
def test_parity_default(docs):
    mk, sk = fit_both(docs)
    if sk is not None:
        assert_same(*mk, *sk)


@given(
    ascii_corpus,
    st.sampled_from([(1, 1), (1, 2), (2, 2), (1, 3)]),
    st.booleans(),
    st.booleans(),
    st.sampled_from([None, ["a", "kon", "the"]]),
    st.sampled_from([1, 2, 0.2]),
    st.sampled_from([1.0, 0.8, 5]),
)
def test_parity_options(docs, ngram_range, lowercase, binary, stop_words, min_df, max_df):
    mk, sk = fit_both(
        docs,
        ngram_range=ngram_range,
        lowercase=lowercase,
        binary=binary,
        stop_words=stop_words,
        min_df=min_df,
        max_df=max_df,
    )
    if sk is not None:
        assert_same(*mk, *sk)


@given(ascii_corpus)
def test_parity_two_letter_minimum_matches_sklearn_default_pattern(docs):
    sk_cv = SkCountVectorizer()
    mk_cv = mekong.CountVectorizer(min_token_length=2, urls="split", words=False)
    try:
        sk_X = sk_cv.fit_transform(docs)
    except ValueError:
        with pytest.raises(ValueError):
            mk_cv.fit_transform(docs)
        return
    assert_same(mk_cv.fit_transform(docs), mk_cv, sk_X, sk_cv)


@given(ascii_corpus, st.integers(1, 6))
def test_parity_max_features_without_ties(docs, k):
    sk_cv = SkCountVectorizer(token_pattern=SK_PATTERN)
    try:
        totals = np.asarray(sk_cv.fit_transform(docs).sum(axis=0)).ravel()
    except ValueError:
        return
    ordered = np.sort(totals)[::-1]
    if len(ordered) > k and ordered[k - 1] == ordered[k]:
        return  # a tie at the cut: scikit-learn's choice there is unspecified
    mk, sk = fit_both(docs, max_features=k)
    assert_same(*mk, *sk)


@given(ascii_corpus, ascii_corpus)
def test_parity_transform_and_fixed_vocabulary(train, test):
    mk, sk = fit_both(train)
    if sk is None:
        return
    (_, mk_cv), (_, sk_cv) = mk, sk
    assert (mk_cv.transform(test) != sk_cv.transform(test)).nnz == 0
    vocab = sorted(sk_cv.vocabulary_)[::-1]  # an order of the user's choosing
    a = mekong.CountVectorizer(vocabulary=vocab, urls="split", words=False).fit_transform(test)
    b = SkCountVectorizer(vocabulary=vocab, token_pattern=SK_PATTERN).fit_transform(test)
    assert (a != b).nnz == 0


def test_vietnamese_counts_by_hand():
    cv = mekong.CountVectorizer(words=False)
    X = cv.fit_transform(["Tỉnh uỷ Kon Tum và Tỉnh ủy Attapư", "", "Bờ Y"])
    assert list(cv.get_feature_names_out()) == ["attapư", "bờ", "kon", "tum", "tỉnh", "và", "y", "ủy"]
    assert X.toarray().tolist() == [[1, 0, 1, 1, 2, 1, 0, 2], [0] * 8, [0, 1, 0, 0, 0, 0, 1, 0]]
    assert X.dtype == np.int64 and X.indices.dtype == np.int32


def test_nfd_corpus_gives_identical_matrix(sample):
    import unicodedata

    docs = sample.texts
    a = mekong.CountVectorizer().fit(docs)
    b = mekong.CountVectorizer().fit([unicodedata.normalize("NFD", d) for d in docs])
    assert a.vocabulary_ == b.vocabulary_
    assert (a.transform(docs) != b.transform([unicodedata.normalize("NFD", d) for d in docs])).nnz == 0


def test_arrays_are_handed_over_without_copy():
    X = mekong.CountVectorizer().fit_transform(["một hai ba", "ba bốn"])
    for arr in (X.data, X.indices, X.indptr):
        assert not arr.flags.owndata  # a view of the core's buffer, owned by a capsule
    assert isinstance(X, sp.csr_matrix)


def test_n_jobs_gives_identical_results():
    rng = np.random.default_rng(0)
    words = np.array(["hợp", "tác", "kinh", "tế", "Attapư", "Kon", "Tum", "biên", "giới", "y", "tế"])
    docs = [" ".join(rng.choice(words, size=rng.integers(0, 400))) for _ in range(6000)]  # > 1 MB: split
    a = mekong.CountVectorizer(n_jobs=1).fit_transform(docs)
    b = mekong.CountVectorizer(n_jobs=-1).fit_transform(docs)
    c = mekong.CountVectorizer(n_jobs=2, ngram_range=(1, 2)).fit_transform(docs)
    d = mekong.CountVectorizer(n_jobs=1, ngram_range=(1, 2)).fit_transform(docs)
    for x, y in ((a, b), (c, d)):
        assert (
            np.array_equal(x.data, y.data)
            and np.array_equal(x.indices, y.indices)
            and np.array_equal(x.indptr, y.indptr)
        )


def test_every_document_keeps_its_row():
    docs = ["", "   ", "!!!", "hợp tác", "\x00", "https://example.vn/a"]
    X = mekong.CountVectorizer().fit_transform(docs)
    assert X.shape[0] == len(docs)
    assert X.getnnz(axis=1).tolist() == [0, 0, 0, 1, 0, 0]  # "hợp_tác"


@given(st.lists(st.text(max_size=40), min_size=1, max_size=8))
def test_rows_for_any_documents(docs):
    cv = mekong.CountVectorizer()
    try:
        X = cv.fit_transform(docs)
    except ValueError as e:
        assert "empty vocabulary" in str(e)
        return
    assert X.shape == (len(docs), len(cv.vocabulary_))


def test_bad_input():
    cv = mekong.CountVectorizer()
    with pytest.raises(TypeError, match="document 1 is int"):
        cv.fit_transform(["a", 3])
    with pytest.raises(TypeError, match="document 0 is float"):
        cv.fit_transform([float("nan")])
    with pytest.raises(ValueError, match="string object received"):
        cv.fit_transform("một văn bản")
    with pytest.raises(ValueError, match="empty corpus"):
        cv.fit_transform([])
    with pytest.raises(ValueError, match="empty vocabulary"):
        mekong.CountVectorizer(stop_words=["và"]).fit_transform(["và", "Và"])
    with pytest.raises(ValueError, match="no terms remain"):
        mekong.CountVectorizer(min_df=2).fit_transform(["a", "b"])
    with pytest.raises(ValueError, match="max_df corresponds to < documents than min_df"):
        mekong.CountVectorizer(min_df=3, max_df=2).fit_transform(["a", "b"])
    with pytest.raises(ValueError, match="min_df"):
        mekong.CountVectorizer(min_df=1.5).fit_transform(["a"])
    with pytest.raises(ValueError, match="n_jobs"):
        mekong.CountVectorizer(n_jobs=0).fit_transform(["a"])
    with pytest.raises(ValueError, match="Duplicate term"):
        mekong.CountVectorizer(vocabulary=["hoà", "hòa"]).fit_transform(["a"])
    with pytest.raises(mekong._base.NotFittedError):
        mekong.CountVectorizer().transform(["a"])


def test_invalid_bytes_and_surrogates_are_counted():
    cv = mekong.CountVectorizer()
    X = cv.fit_transform([b"H\xc3\xa0 N\xe1\xbb\x99i \xff\xfe", "ok \ud83d", "sạch"])
    assert cv.n_replaced_.tolist() == [2, 1, 0]
    assert X.shape[0] == 3 and "hà_nội" in cv.vocabulary_


def test_files_and_encodings(tmp_path):
    (tmp_path / "a.txt").write_bytes(to_cp1258("Hợp tác Việt – Lào"))
    (tmp_path / "b.txt").write_bytes("Hợp tác".encode("utf-16"))
    a = mekong.CountVectorizer(input="filename", encoding="windows-1258").fit([str(tmp_path / "a.txt")])
    assert sorted(a.vocabulary_) == ["hợp_tác", "lào", "việt"]
    b = mekong.CountVectorizer(input="filename", encoding="utf-16", words=False)
    assert sorted(b.fit([str(tmp_path / "b.txt")]).vocabulary_) == ["hợp", "tác"]
    with open(tmp_path / "a.txt", "rb") as fh:
        c = mekong.CountVectorizer(input="file", encoding="windows-1258").fit([fh])
    assert c.vocabulary_ == a.vocabulary_


def test_pickle_and_sklearn_pipeline():
    from sklearn.base import clone
    from sklearn.decomposition import TruncatedSVD
    from sklearn.pipeline import make_pipeline

    docs = ["Kon Tum hợp tác Attapư", "Attapư và Sê-kông", "giá lúa tăng", "lúa gạo xuất khẩu"]
    cv = mekong.CountVectorizer(ngram_range=(1, 2)).fit(docs)
    again = pickle.loads(pickle.dumps(cv))
    assert again.vocabulary_ == cv.vocabulary_
    assert (again.transform(docs) != cv.transform(docs)).nnz == 0
    assert clone(cv).get_params() == cv.get_params()
    Z = make_pipeline(mekong.CountVectorizer(), TruncatedSVD(n_components=2, random_state=0)).fit_transform(docs)
    assert Z.shape == (4, 2)


def test_dtype_and_inverse_transform():
    cv = mekong.CountVectorizer(dtype=np.float32, words=False)
    X = cv.fit_transform(["ba ba hai"])
    assert X.dtype == np.float32
    assert sorted(cv.inverse_transform(X)[0]) == ["ba", "hai"]
