"""Query ranking: fit on a corpus, then rank new texts against it."""

from __future__ import annotations

import numpy as np

from ._base import BaseEstimator, check_is_fitted
from .feature_extraction import CountVectorizer
from .similarity import top_k_similar
from .weighting import BM25Transformer, TfidfVectorizer


class SearchIndex(BaseEstimator):
    """Rank the documents of a corpus against query texts, by tf-idf cosine or BM25.

    Parameters
    ----------
    method : {"cosine", "bm25"}, default="cosine"
        "cosine": tf-idf vectors of queries and documents, cosine similarity.
        "bm25": each document's BM25 weights summed over the (distinct) query terms.
    k1, b : float
        BM25 parameters (``method="bm25"``).
    n_jobs : int, default=1
    vectorizer_options : dict, optional
        Passed to the vectorizer (``{"stop_words": "vietnamese", "clean": True}``, ...).

    Examples
    --------
    >>> from mekong import SearchIndex
    >>> docs = ["Kon Tum ký kết hợp tác với Attapư", "Giá lúa tăng ở An Giang", "Bão số 4 đổ bộ"]
    >>> index = SearchIndex().fit(docs)
    >>> idx, scores = index.rank(["hợp tác Attapư"], k=2)
    >>> int(idx[0, 0])
    0
    """

    def __init__(self, *, method="cosine", k1=1.5, b=0.75, n_jobs=1, vectorizer_options=None):
        self.method = method
        self.k1 = k1
        self.b = b
        self.n_jobs = n_jobs
        self.vectorizer_options = vectorizer_options

    def fit(self, documents, y=None):
        options = dict(self.vectorizer_options or {})
        if self.method == "cosine":
            self.vectorizer_ = TfidfVectorizer(n_jobs=self.n_jobs, **options)
            self.matrix_ = self.vectorizer_.fit_transform(documents)
        elif self.method == "bm25":
            self.vectorizer_ = CountVectorizer(n_jobs=self.n_jobs, dtype=np.float64, **options)
            counts = self.vectorizer_.fit_transform(documents)
            self.bm25_ = BM25Transformer(k1=self.k1, b=self.b, n_jobs=self.n_jobs).fit(counts)
            self.matrix_ = self.bm25_.transform(counts)
        else:
            raise ValueError(f"method must be 'cosine' or 'bm25'; got {self.method!r}")
        return self

    def rank(self, queries, k=10):
        """The ``k`` best documents for each query: (indices, scores), best first (-1 / NaN pad)."""
        check_is_fitted(self, "matrix_")
        if isinstance(queries, str):
            queries = [queries]
        if self.method == "cosine":
            Q = self.vectorizer_.transform(queries)
            return top_k_similar(Q, self.matrix_, k=k, threshold=0.0, metric="cosine", n_jobs=self.n_jobs)
        Q = self.vectorizer_.transform(queries)
        Q.data[:] = 1.0  # distinct query terms
        return top_k_similar(Q, self.matrix_, k=k, threshold=0.0, metric="dot", n_jobs=self.n_jobs)


__all__ = ["SearchIndex"]
