"""SearchIndex(rerank="neighbours"): a query's results re-ranked with the documents' own neighbour
lists, against a slow dense reference (the corpus' cosine neighbours and the same re-ranking written
out over the whole corpus, without the renumbering the fast path does)."""

import pickle

import numpy as np
import pytest
from test_stories import ref_neighbours, ref_rerank

import mekong
from mekong.search import RERANK_NEIGHBOURS
from mekong.stories import rerank_results

QUERIES = ["hợp tác Lào", "giá lúa tăng", "bão đổ bộ Quảng Trị", "zzz qqq", "Kon Tum Attapư", "xuất khẩu gạo"]


@pytest.fixture(scope="module")
def texts():
    return mekong.datasets.load_sample().texts


def ref_search_rerank(index, queries, k):
    """Plain results, then every document's dense cosine neighbours and the reference re-ranking
    run on all documents plus the query rows, numbered as in the corpus."""
    plain = pickle.loads(pickle.dumps(index)).set_params(rerank=None)  # the same fitted index
    qi, qs = plain.rank(queries, k=k)
    n = index.matrix_.shape[0]
    di, ds = ref_neighbours(index.matrix_, RERANK_NEIGHBOURS)
    width = max(k, di.shape[1])
    all_i = np.full((n + len(queries), width), -1)
    all_s = np.full(all_i.shape, np.nan)
    all_i[:n, : di.shape[1]], all_s[:n, : di.shape[1]] = di, ds
    all_i[n:, :k] = np.where(qi >= 0, qi, -1)
    all_s[n:, :k] = qs
    ri, rs = ref_rerank(all_i, all_s)
    return ri[n:, :k], rs[n:, :k]


@pytest.mark.parametrize("method", ["cosine", "bm25"])
@pytest.mark.parametrize("k", [1, 4, 12])
def test_rerank_equals_the_dense_reference(texts, method, k):
    index = mekong.SearchIndex(method=method, rerank="neighbours").fit(texts)
    got_i, got_s = index.rank(QUERIES, k=k)
    want_i, want_s = ref_search_rerank(index, QUERIES, k)
    np.testing.assert_allclose(got_s, want_s, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(got_i, want_i)


def test_rerank_keeps_the_candidates_and_the_padding(texts):
    plain = mekong.SearchIndex().fit(texts)
    reranked = mekong.SearchIndex(rerank="neighbours").fit(texts)
    pi, _ = plain.rank(QUERIES, k=6)
    ri, rs = reranked.rank(QUERIES, k=6)
    for a, b in zip(pi, ri):
        assert sorted(a.tolist()) == sorted(b.tolist())  # the same documents, re-ordered
    assert (ri[3] == -1).all() and np.isnan(rs[3]).all()  # a query that matches nothing
    assert ri.dtype == pi.dtype


def test_rerank_index_pickles_without_its_derived_lists(texts):
    index = mekong.SearchIndex(rerank="neighbours").fit(texts)
    before = index.rank(QUERIES, k=5)
    assert "_neighbours" in index.__dict__
    again = pickle.loads(pickle.dumps(index))
    assert "_neighbours" not in again.__dict__
    after = again.rank(QUERIES, k=5)
    assert np.array_equal(before[0], after[0]) and np.array_equal(before[1], after[1], equal_nan=True)
    index.fit(texts[:10])  # refitting forgets the old corpus' lists
    assert "_neighbours" not in index.__dict__
    assert index.rank(QUERIES, k=3)[0].max() < 10


def test_rerank_on_one_document():
    index = mekong.SearchIndex(rerank="neighbours").fit(["giá lúa tăng ở An Giang"])
    idx, sc = index.rank(["giá lúa", "bão"], k=3)
    assert idx.tolist() == [[0], [-1]]  # k is clipped to the corpus
    assert sc[0, 0] > 0


def test_rerank_bad_input():
    with pytest.raises(ValueError, match="rerank must be None or 'neighbours'"):
        mekong.SearchIndex(rerank="expansion").fit(["a b", "b c"])
    with pytest.raises(ValueError, match="below 2"):
        rerank_results(np.array([[2]]), np.array([[0.5]]), np.array([[1], [0]]), np.array([[0.1], [0.1]]))
    with pytest.raises(ValueError, match="2-d"):
        rerank_results(np.array([1]), np.array([0.5]), np.array([[1], [0]]), np.array([[0.1], [0.1]]))
