"""Term weighting: tf-idf (scikit-learn's formulas, computed in C++) and BM25."""

from __future__ import annotations

import numpy as np

from . import _core
from ._base import BaseEstimator, TransformerMixin, check_is_fitted
from ._options import check_n_jobs, check_real
from ._sparse import as_csr, core_args, with_data
from .feature_extraction import CountVectorizer


def _norm_arg(norm):
    if norm not in ("l1", "l2", None):
        raise ValueError(f"norm must be 'l1', 'l2' or None; got {norm!r}")
    return "none" if norm is None else norm


def _sequential_sum(start, values):
    """start + values[0] + values[1] + ... in float64, left to right, as the core's mean_row_sum
    adds (NumPy's sum adds pairwise, which can differ in the last bit)."""
    if len(values) == 0:
        return float(start)
    acc = np.cumsum(np.concatenate(([start], np.asarray(values, dtype=np.float64))))
    return float(acc[-1])


class TfidfTransformer(TransformerMixin, BaseEstimator):
    """Transform a count matrix to a tf-idf representation, exactly as scikit-learn does.

    ``idf(t) = log((1 + n) / (1 + df(t))) + 1`` with ``smooth_idf`` (else ``log(n / df(t)) + 1``),
    ``tf = 1 + log(tf)`` with ``sublinear_tf``, then each row divided by its l1 or l2 norm. The
    arithmetic follows scikit-learn's step by step: float64 results agree to ~1e-15.

    Parameters
    ----------
    norm : {"l2", "l1", None}, default="l2"
    use_idf : bool, default=True
    smooth_idf : bool, default=True
    sublinear_tf : bool, default=False
    n_jobs : int, default=1
        Threads for the core (-1: all cores).

    Attributes
    ----------
    idf_ : ndarray of shape (n_features,)
        Present when ``use_idf``.
    document_frequency_ : ndarray of int64, n_samples_seen_ : int
        The documents each term occurs in, and the documents seen, over ``fit`` or every
        ``partial_fit`` since (when ``use_idf``).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from mekong import TfidfTransformer
    >>> counts = sp.csr_matrix(np.array([[3, 0, 1], [2, 2, 0]]))
    >>> TfidfTransformer().fit_transform(counts).toarray().round(3)
    array([[0.906, 0.   , 0.424],
           [0.58 , 0.815, 0.   ]])
    """

    def __init__(self, *, norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=False, n_jobs=1):
        self.norm = norm
        self.use_idf = use_idf
        self.smooth_idf = smooth_idf
        self.sublinear_tf = sublinear_tf
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        """Learn the idf vector from a count matrix."""
        _norm_arg(self.norm)
        X = as_csr(X)
        self.n_features_in_ = X.shape[1]
        if self.use_idf:
            df = _core.document_frequency(core_args(X))
            self.idf_ = _core.tfidf_idf(df, X.shape[0], bool(self.smooth_idf), X.dtype == np.float32)
            self.document_frequency_, self.n_samples_seen_ = df, X.shape[0]
        else:
            for name in ("idf_", "document_frequency_", "n_samples_seen_"):
                self.__dict__.pop(name, None)
        return self

    def partial_fit(self, X, y=None):
        """Add a batch of rows to the document frequencies and update ``idf_``.

        Calls on the batches of a corpus give the ``idf_`` that ``fit`` on the whole gives (the same
        document counts, the same formula), so a corpus can be weighted without holding all of its
        counts at once. The first call fixes ``n_features_in_``; ``fit`` starts afresh.
        """
        _norm_arg(self.norm)
        X = as_csr(X)
        if not hasattr(self, "n_features_in_") or not hasattr(self, "n_samples_seen_"):
            return self.fit(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting {self.n_features_in_}"
            )
        self.document_frequency_ = self.document_frequency_ + _core.document_frequency(core_args(X))
        self.n_samples_seen_ += X.shape[0]
        self.idf_ = _core.tfidf_idf(
            self.document_frequency_, self.n_samples_seen_, bool(self.smooth_idf), X.dtype == np.float32
        )
        return self

    def transform(self, X, copy=True):
        """Weight and normalize a count matrix; returns a new csr_matrix (float32 stays float32)."""
        check_is_fitted(self, "n_features_in_")
        X = as_csr(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting {self.n_features_in_}"
            )
        idf = None
        if self.use_idf:
            idf = self.idf_.astype(X.dtype, copy=False)
        data = _core.tfidf_weight(
            core_args(X), idf, bool(self.sublinear_tf), _norm_arg(self.norm), check_n_jobs(self.n_jobs)
        )
        out = with_data(X, data)
        if copy:
            out.indices = out.indices.copy()
            out.indptr = out.indptr.copy()
        return out

    def __sklearn_is_fitted__(self):
        return hasattr(self, "n_features_in_")


class BM25Transformer(TransformerMixin, BaseEstimator):
    """Okapi BM25 weights of a count matrix.

    ``w = idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(d) / avg_len))`` with
    ``idf(t) = log(1 + (n - df(t) + 0.5) / (df(t) + 0.5))`` (Lucene's, never negative), ``len(d)``
    the document's token count and ``avg_len`` the mean over the fitted corpus. A query's score
    against a document is the sum of the document's weights over the query's terms.

    Parameters
    ----------
    k1 : float, default=1.5
    b : float in [0, 1], default=0.75
    norm : {None, "l2", "l1"}, default=None
        Row normalization after weighting (None keeps BM25 scores additive).
    n_jobs : int, default=1

    Attributes
    ----------
    idf_ : ndarray of shape (n_features,)
    avg_len_ : float
    document_frequency_ : ndarray of int64, n_samples_seen_ : int
        Over ``fit`` or every ``partial_fit`` since.
    """

    def __init__(self, *, k1=1.5, b=0.75, norm=None, n_jobs=1):
        self.k1 = k1
        self.b = b
        self.norm = norm
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        _norm_arg(self.norm)
        check_real("k1", self.k1, 0.0)
        check_real("b", self.b, 0.0, 1.0)
        X = as_csr(X)
        self.n_features_in_ = X.shape[1]
        df = _core.document_frequency(core_args(X))
        self.idf_ = _core.bm25_idf(df, X.shape[0], X.dtype == np.float32)
        self.avg_len_ = _core.mean_row_sum(core_args(X))
        self.document_frequency_, self.n_samples_seen_ = df, X.shape[0]
        self._total_len = _sequential_sum(0.0, X.data)
        return self

    def partial_fit(self, X, y=None):
        """Add a batch of rows to the document frequencies and lengths; update ``idf_`` and
        ``avg_len_``. Calls on the batches of a corpus give what ``fit`` on the whole gives, bit for
        bit (lengths are summed in the same order as the core's one pass)."""
        _norm_arg(self.norm)
        check_real("k1", self.k1, 0.0)
        check_real("b", self.b, 0.0, 1.0)
        X = as_csr(X)
        if not hasattr(self, "n_features_in_") or not hasattr(self, "_total_len"):
            return self.fit(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting {self.n_features_in_}"
            )
        self.document_frequency_ = self.document_frequency_ + _core.document_frequency(core_args(X))
        self.n_samples_seen_ += X.shape[0]
        self._total_len = _sequential_sum(self._total_len, X.data)
        self.idf_ = _core.bm25_idf(self.document_frequency_, self.n_samples_seen_, X.dtype == np.float32)
        self.avg_len_ = self._total_len / self.n_samples_seen_ if self.n_samples_seen_ else 0.0
        return self

    def transform(self, X):
        check_is_fitted(self, "idf_")
        # Checked again here: parameters set after fit (set_params, a pickle) reach the core too.
        k1 = check_real("k1", self.k1, 0.0)
        b = check_real("b", self.b, 0.0, 1.0)
        avg_len = check_real("avg_len_", self.avg_len_, 0.0)
        X = as_csr(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting {self.n_features_in_}"
            )
        data = _core.bm25_weight(
            core_args(X),
            self.idf_.astype(X.dtype, copy=False),
            k1,
            b,
            avg_len,
            _norm_arg(self.norm),
            check_n_jobs(self.n_jobs),
        )
        return with_data(X, data)


class TfidfVectorizer(CountVectorizer):
    """Documents to a tf-idf matrix: :class:`CountVectorizer` followed by :class:`TfidfTransformer`.

    Takes every parameter of :class:`CountVectorizer` plus ``norm``, ``use_idf``, ``smooth_idf``
    and ``sublinear_tf``; ``dtype`` is float64 (default) or float32.

    Examples
    --------
    >>> from mekong import TfidfVectorizer
    >>> tv = TfidfVectorizer()
    >>> X = tv.fit_transform(["Kon Tum hợp tác với Attapư", "Attapư và Sê-kông"])
    >>> X.shape, X.dtype
    ((2, 6), dtype('float64'))
    >>> float(round((X @ X.T).toarray()[0, 1], 3))
    0.171
    """

    def __init__(
        self,
        *,
        input="content",
        encoding="utf-8",
        decode_error="replace",
        on_error="raise",
        lowercase=True,
        tone_marks="traditional",
        numbers=True,
        urls="drop",
        min_token_length=1,
        stop_words=None,
        ngram_range=(1, 1),
        clean=False,
        names=False,
        aliases=False,
        alias_table=None,
        phrases=None,
        user_dictionary=None,
        words=True,
        strip_accents=None,
        preprocessor=None,
        tokenizer=None,
        token_pattern=None,
        analyzer="word",
        max_df=1.0,
        min_df=1,
        max_features=None,
        vocabulary=None,
        binary=False,
        dtype=np.float64,
        norm="l2",
        use_idf=True,
        smooth_idf=True,
        sublinear_tf=False,
        n_jobs=1,
        progress=False,
    ):
        super().__init__(
            input=input,
            encoding=encoding,
            decode_error=decode_error,
            on_error=on_error,
            lowercase=lowercase,
            tone_marks=tone_marks,
            numbers=numbers,
            urls=urls,
            min_token_length=min_token_length,
            stop_words=stop_words,
            ngram_range=ngram_range,
            clean=clean,
            names=names,
            aliases=aliases,
            alias_table=alias_table,
            phrases=phrases,
            user_dictionary=user_dictionary,
            words=words,
            strip_accents=strip_accents,
            preprocessor=preprocessor,
            tokenizer=tokenizer,
            token_pattern=token_pattern,
            analyzer=analyzer,
            max_df=max_df,
            min_df=min_df,
            max_features=max_features,
            vocabulary=vocabulary,
            binary=binary,
            dtype=dtype,
            n_jobs=n_jobs,
            progress=progress,
        )
        self.norm = norm
        self.use_idf = use_idf
        self.smooth_idf = smooth_idf
        self.sublinear_tf = sublinear_tf

    def _float_dtype(self):
        dtype = np.dtype(self.dtype)
        if dtype not in (np.float32, np.float64):
            raise ValueError(f"TfidfVectorizer's dtype must be float32 or float64; got {dtype}")
        return dtype

    def _transformer(self):
        return TfidfTransformer(
            norm=self.norm,
            use_idf=self.use_idf,
            smooth_idf=self.smooth_idf,
            sublinear_tf=self.sublinear_tf,
            n_jobs=self.n_jobs,
        )

    @property
    def idf_(self):
        """Inverse document frequency vector (when ``use_idf``); settable, as in scikit-learn, to
        reuse the weights of another fit (its length must be the vocabulary's)."""
        check_is_fitted(self, "_tfidf")
        return self._tfidf.idf_

    @idf_.setter
    def idf_(self, value):
        if not self.use_idf:
            raise ValueError("`idf_` cannot be set when `user_idf=False`.")  # scikit-learn's words
        idf = np.asarray(value, dtype=np.float64)
        if idf.ndim != 1:
            raise ValueError(f"idf_ must be one-dimensional; got shape {idf.shape}")
        if not hasattr(self, "vocabulary_") and self.vocabulary is not None:
            self._set_given_vocabulary()  # as scikit-learn's _validate_vocabulary: transform needs no fit
        size = len(self.vocabulary_) if hasattr(self, "vocabulary_") else None
        if size is not None and size != len(idf):
            raise ValueError(f"idf length = {len(idf)} must be equal to vocabulary size = {size}")
        tfidf = self.__dict__.get("_tfidf")
        if tfidf is None:
            tfidf = self._transformer()
        tfidf.idf_ = idf
        tfidf.n_features_in_ = len(idf)
        self._tfidf = tfidf

    def fit(self, raw_documents, y=None):
        self.fit_transform(raw_documents)
        return self

    def fit_transform(self, raw_documents, y=None):
        dtype = self._float_dtype()
        counts = super().fit_transform(raw_documents)
        counts = counts.astype(dtype) if counts.dtype != dtype else counts
        self._tfidf = self._transformer().fit(counts)
        return self._tfidf.transform(counts, copy=False)

    def transform(self, raw_documents):
        check_is_fitted(self, "_tfidf")
        dtype = self._float_dtype()
        counts = super().transform(raw_documents)
        counts = counts.astype(dtype) if counts.dtype != dtype else counts
        return self._tfidf.transform(counts, copy=False)


__all__ = ["BM25Transformer", "TfidfTransformer", "TfidfVectorizer"]
