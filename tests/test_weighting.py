"""tf-idf equal to scikit-learn's for every option combination; BM25 against a reference."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfTransformer as SkTfidfTransformer
from sklearn.feature_extraction.text import TfidfVectorizer as SkTfidfVectorizer
from test_count_vectorizer import SK_PATTERN, ascii_corpus

import mekong

counts = (
    st.integers(1, 30)
    .flatmap(lambda n: st.lists(st.lists(st.integers(0, 5), min_size=6, max_size=6), min_size=n, max_size=n))
    .map(lambda rows: sp.csr_matrix(np.array(rows, dtype=np.int64)))
)


def close(a, b, rtol=1e-12):
    a, b = sp.csr_matrix(a).toarray(), sp.csr_matrix(b).toarray()
    np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-15)


@given(counts, st.sampled_from(["l1", "l2", None]), st.booleans(), st.booleans(), st.booleans())
def test_transformer_parity(X, norm, use_idf, smooth_idf, sublinear_tf):
    opts = dict(norm=norm, use_idf=use_idf, smooth_idf=smooth_idf, sublinear_tf=sublinear_tf)
    ours = mekong.TfidfTransformer(**opts).fit(X)
    with np.errstate(divide="ignore"):  # an unseen term without smoothing: idf = inf in both
        theirs = SkTfidfTransformer(**opts).fit(X)
    if use_idf:
        np.testing.assert_allclose(ours.idf_, theirs.idf_, rtol=1e-12)
    close(ours.transform(X), theirs.transform(X))


@given(
    ascii_corpus,
    st.sampled_from(["l1", "l2", None]),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.sampled_from([(1, 1), (1, 2)]),
)
def test_vectorizer_parity(docs, norm, use_idf, smooth_idf, sublinear_tf, ngram_range):
    opts = dict(norm=norm, use_idf=use_idf, smooth_idf=smooth_idf, sublinear_tf=sublinear_tf, ngram_range=ngram_range)
    sk = SkTfidfVectorizer(token_pattern=SK_PATTERN, **opts)
    mk = mekong.TfidfVectorizer(urls="split", words=False, **opts)  # syllables: scikit-learn's tokens
    try:
        expected = sk.fit_transform(docs)
    except ValueError:
        with pytest.raises(ValueError):
            mk.fit_transform(docs)
        return
    close(mk.fit_transform(docs), expected)
    assert list(mk.get_feature_names_out()) == list(sk.get_feature_names_out())
    close(mk.transform(docs[:2]), sk.transform(docs[:2]))


def test_float32_in_float32_out():
    X = sp.csr_matrix(np.array([[1, 2, 0], [0, 1, 3]], dtype=np.float32))
    Y = mekong.TfidfTransformer().fit_transform(X)
    assert Y.dtype == np.float32
    close(Y, SkTfidfTransformer().fit_transform(X), rtol=1e-6)
    tv = mekong.TfidfVectorizer(dtype=np.float32)
    assert tv.fit_transform(["a b", "b c"]).dtype == np.float32


def test_bm25_against_reference():
    X = sp.csr_matrix(np.array([[3, 0, 1, 0], [1, 1, 0, 0], [0, 0, 0, 0], [0, 4, 1, 2]], dtype=np.float64))
    k1, b = 1.2, 0.75
    W = mekong.BM25Transformer(k1=k1, b=b).fit_transform(X).toarray()
    dense = X.toarray()
    n = dense.shape[0]
    df = (dense > 0).sum(axis=0)
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
    lengths = dense.sum(axis=1)
    avg = lengths.mean()
    expected = np.zeros_like(dense)
    for i in range(n):
        for j in range(dense.shape[1]):
            tf = dense[i, j]
            if tf:
                expected[i, j] = idf[j] * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[i] / avg))
    np.testing.assert_allclose(W, expected, rtol=1e-12)
    with pytest.raises(ValueError):
        mekong.BM25Transformer(b=2).fit(X)


def test_pipeline_gridsearch_and_pickle():
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline

    sample = mekong.datasets.load_sample()
    y = np.array([t == "cooperation" for t in sample.topics])
    pipe = Pipeline([("tfidf", mekong.TfidfVectorizer()), ("clf", LogisticRegression(max_iter=200))])
    grid = GridSearchCV(pipe, {"tfidf__sublinear_tf": [False, True], "tfidf__min_df": [1, 2]}, cv=2)
    grid.fit(sample.texts, y)
    assert grid.best_score_ > 0.5
    tv = mekong.TfidfVectorizer().fit(sample.texts)
    again = pickle.loads(pickle.dumps(tv))
    close(again.transform(sample.texts[:3]), tv.transform(sample.texts[:3]))
    np.testing.assert_array_equal(again.idf_, tv.idf_)


def test_nan_is_rejected():
    X = sp.csr_matrix(np.array([[1.0, np.nan]]))
    with pytest.raises(ValueError, match="NaN"):
        mekong.TfidfTransformer().fit(X).transform(X)
