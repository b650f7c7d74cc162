"""mekong on Dask: a global vocabulary and global document frequencies over a partitioned corpus.

``import mekong.dask`` needs ``dask`` (``pip install "mekong-text[dask]"``); ``import mekong`` never does.

The vectorizers take a ``dask.bag`` of ``str`` (or ``bytes``) or a dask DataFrame column (a dask
``Series``) and compute what a per-partition vectorizer cannot: one vocabulary and one set of
document frequencies over the whole corpus, so ``min_df``, ``max_df``, ``max_features`` and ``idf``
mean what they mean in memory. Two passes over the data:

1. each partition is counted by the C++ core (an in-memory :class:`mekong.CountVectorizer` with
   ``min_df=1``: its sorted vocabulary, column sums and per-column document counts), and these
   counters are merged in a tree (``split_every`` at a time); the thresholds are then applied once,
   with the rules of the in-memory vectorizer (same ``max_features`` tie-break, same sorted order);
2. the fitted in-memory vectorizer (vocabulary and idf) enters the graph once, as one task every
   partition depends on, and each partition becomes a ``scipy.sparse.csr_matrix`` block of a
   ``dask.array``.

The result equals the in-memory vectorizer's on the same documents, row for row and bit for bit.
Each partition runs the core with the GIL released, on ``n_jobs`` threads of its own.

Text models learned from the corpus (``clean=True``, ``names``, ``aliases``, ``phrases=True``) are
refused: each is learned from evidence spread over all documents (lines repeated across documents,
capitals seen elsewhere in the corpus, collocation counts), and a per-partition model would give each
partition its own analyzer. Fit a :class:`mekong.Cleaner` or :class:`mekong.Phrases` on a sample in
memory and pass the fitted object instead: it is used as it is, identically on every partition.
"""

from __future__ import annotations

import functools
import uuid

import dask
import dask.array as da
import dask.bag as db
import numpy as np
import scipy.sparse as sp

from . import _core
from ._options import check_df, check_int, check_n_jobs
from .feature_extraction import CountVectorizer as _LocalCountVectorizer
from .hashing import HashingVectorizer as _LocalHashingVectorizer
from .weighting import TfidfVectorizer as _LocalTfidfVectorizer

__all__ = ["CountVectorizer", "HashingVectorizer", "TfidfVectorizer", "story_candidates", "to_csr", "top_k_similar"]

_SPLIT_EVERY = 8


# -- collections ---------------------------------------------------------------------------------
def _partitions(documents):
    """One ``Delayed`` per partition of a dask bag or a dask Series."""
    if isinstance(documents, db.Bag):
        return list(documents.to_delayed())
    try:
        import dask.dataframe as dd
    except ImportError:  # pragma: no cover - dask without its dataframe extra
        dd = None
    if dd is not None and isinstance(documents, dd.DataFrame):
        raise TypeError("pass one column of the dask DataFrame (df['text']), not the whole frame")
    if dd is not None and isinstance(documents, dd.Series):
        return list(documents.to_delayed())
    raise TypeError(
        f"mekong.dask vectorizers take a dask.bag of str or a dask DataFrame column; got {type(documents).__name__}"
    )


def _as_list(part):
    """A partition's documents as a list (a bag partition is a list or an iterator; a Series has tolist)."""
    if hasattr(part, "tolist"):
        return part.tolist()
    return list(part)


def _tree(leaves, combine, split_every):
    """Reduce ``leaves`` (Delayed) with ``combine(list)`` in a tree of fan-in ``split_every``."""
    split_every = check_int("split_every", split_every, 2)
    level = list(leaves)
    while len(level) > 1:
        level = [
            dask.delayed(combine, pure=True)(level[i : i + split_every]) for i in range(0, len(level), split_every)
        ]
    return level[0]


def _broadcast(obj, what):
    """``obj`` as one task of the graph: shipped to each worker once, not once per partition."""
    return dask.delayed(obj, name=f"mekong-{what}-{uuid.uuid4().hex}", traverse=False)


def _blocks_to_array(blocks, lengths, n_features, dtype):
    """A dask array of CSR blocks (rows chunked by partition; NaN chunk sizes when lengths are unknown)."""
    meta = sp.csr_matrix((0, n_features), dtype=dtype)
    arrays = [
        da.from_delayed(b, shape=(np.nan if n is None else n, n_features), dtype=dtype, meta=meta)
        for b, n in zip(blocks, lengths)
    ]
    return da.concatenate(arrays, axis=0)


def to_csr(X):
    """Compute a dask array of sparse row blocks (as the vectorizers return) into one ``csr_matrix``.

    Blocks are stacked with ``scipy.sparse.vstack``; a plain ``X.compute()`` works too, but its
    result type follows dask's concatenation of sparse blocks.
    """
    if not isinstance(X, da.Array):
        raise TypeError(f"to_csr takes a dask array of sparse blocks; got {type(X).__name__}")
    if X.ndim != 2:
        raise ValueError(f"to_csr takes a 2-d dask array; got {X.ndim} dimensions")
    if X.numblocks[1] != 1:
        X = X.rechunk({1: -1})
    blocks = dask.compute(*X.to_delayed()[:, 0])
    blocks = [sp.csr_matrix(b) for b in blocks]
    if not blocks:
        return sp.csr_matrix((0, X.shape[1]), dtype=X.dtype)
    out = sp.vstack(blocks, format="csr")
    if out.dtype != X.dtype:
        out = out.astype(X.dtype)
    return out


# -- pass 1: per-partition counters and their merge ------------------------------------------------
# A leaf is one partition's pass-1 result, kept where it was computed: (documents, sorted terms,
# document frequencies, total counts, count matrix over those terms). Only its summary (the first
# four) travels up the merge tree; fit_transform keeps the leaves (dask.persist) so that pass 2 only
# renumbers their columns instead of reading and tokenizing the text again.
def _empty_leaf(n_docs):
    return (
        n_docs,
        np.empty(0, dtype=object),
        np.empty(0, dtype=np.int64),
        np.empty(0, dtype=np.int64),
        sp.csr_matrix((n_docs, 0), dtype=np.int64),
    )


def _partition_counter(part, counter):
    """One partition counted by the core (an in-memory CountVectorizer with min_df=1)."""
    docs = _as_list(part)
    if not docs:
        return _empty_leaf(0)
    try:
        X = counter.fit_transform(docs)
    except ValueError as e:
        # Only stop words or empty documents here: the partition keeps its rows and has no terms.
        if str(e).startswith("empty vocabulary"):
            return _empty_leaf(len(docs))
        raise
    terms = counter.get_feature_names_out()
    df = np.bincount(X.indices, minlength=len(terms)).astype(np.int64)  # the core's CSR has no duplicates
    tf = np.asarray(X.sum(axis=0), dtype=np.int64).ravel()
    return (len(docs), terms, df, tf, X)


def _summary(leaf):
    return leaf[:4]


def _merge_counters(counters):
    """Counters summed term by term; terms stay sorted by code point (the core's order)."""
    n_docs = sum(c[0] for c in counters)
    parts = [c for c in counters if len(c[1])]
    if not parts:
        return _empty_leaf(n_docs)[:4]
    if len(parts) == 1:
        return (n_docs,) + tuple(parts[0][1:4])
    terms, inverse = np.unique(np.concatenate([c[1] for c in parts]), return_inverse=True)
    inverse = inverse.ravel()
    df = np.zeros(len(terms), dtype=np.int64)
    tf = np.zeros(len(terms), dtype=np.int64)
    np.add.at(df, inverse, np.concatenate([c[2] for c in parts]))
    np.add.at(tf, inverse, np.concatenate([c[3] for c in parts]))
    return (n_docs, terms, df, tf)


def _partition_fixed(part, counter):
    """One partition counted against a fixed vocabulary: (documents, per-column document frequencies, counts)."""
    docs = _as_list(part)
    n_features = len(counter.vocabulary_)
    if not docs:
        return (0, np.zeros(n_features, dtype=np.int64), sp.csr_matrix((0, n_features), dtype=np.int64))
    X = counter.transform(docs)
    return (len(docs), np.bincount(X.indices, minlength=n_features).astype(np.int64), X)


def _summary_fixed(leaf):
    return leaf[:2]


def _merge_df(counters):
    return (sum(c[0] for c in counters), np.sum([c[1] for c in counters], axis=0))


def _select(n_docs, terms, df, tf, min_df, max_df, max_features, binary):
    """The kept columns, by the rules of the core's count_and_learn (cpp/src/matrix/count.cpp)."""
    if n_docs == 0:
        raise ValueError("empty corpus: fit needs at least one document")
    min_df, min_is_count = check_df("min_df", min_df)
    max_df, max_is_count = check_df("max_df", max_df)
    max_features = check_int("max_features", max_features, 1, allow_none=True)
    max_count = max_df if max_is_count else max_df * float(n_docs)
    min_count = min_df if min_is_count else min_df * float(n_docs)
    if max_count < min_count:
        raise ValueError("max_df corresponds to < documents than min_df")
    if len(terms) == 0:
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    d = df.astype(np.float64)
    keep = np.flatnonzero((d <= max_count) & (d >= min_count))
    if max_features is not None and len(keep) > max_features:
        total = df if binary else tf
        # Most frequent first; a stable sort over the sorted terms: at a tie the term that sorts first.
        best = np.argsort(-total[keep], kind="stable")[:max_features]
        keep = np.sort(keep[best])
    if len(keep) == 0:
        raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
    return keep


# -- pass 2 ---------------------------------------------------------------------------------------
def _weigh(counts, finish):
    """Counts to the vectorizer's output, as its in-memory transform does (binary, dtype, tf-idf)."""
    _, tfidf, dtype, binary = finish
    if binary and counts.nnz:
        counts = counts.copy()
        counts.data[:] = 1
    counts = counts.astype(dtype) if counts.dtype != dtype else counts
    if tfidf is not None:
        return tfidf.transform(counts, copy=False)
    return counts


def _renumber_block(leaf, finish):
    """A pass-1 leaf's count matrix with its columns renumbered to the global vocabulary (dropped
    columns removed). Both orders are sorted, so each row's columns stay ascending."""
    vocabulary = finish[0]
    _, terms, _, _, X = leaf
    n_features = len(vocabulary)
    column = np.fromiter((vocabulary.get(t, -1) for t in terms), dtype=np.int64, count=len(terms))
    cols = column[X.indices] if X.nnz else np.empty(0, dtype=np.int64)
    kept = cols >= 0
    rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows[kept], minlength=X.shape[0]))])
    index_type = np.int32 if n_features < 2**31 else np.int64
    out = sp.csr_matrix(
        (X.data[kept], cols[kept].astype(index_type), indptr.astype(index_type)), shape=(X.shape[0], n_features)
    )
    out.has_sorted_indices = True
    return _weigh(out, finish)


def _fixed_block(leaf, finish):
    return _weigh(leaf[2], finish)


def _transform_block(part, local, n_features, dtype):
    docs = _as_list(part)
    if not docs:
        return sp.csr_matrix((0, n_features), dtype=dtype)
    return local.transform(docs)


# -- the vectorizers ----------------------------------------------------------------------------
_COUNT_PARAMS = tuple(_LocalCountVectorizer().get_params(deep=False))


class _DaskVectorizer:
    """fit / transform over dask collections for a subclass of an in-memory mekong vectorizer."""

    _local_class = None

    def _count_params(self):
        params = self.get_params(deep=False)
        return {k: v for k, v in params.items() if k in _COUNT_PARAMS}

    def _check_params(self):
        from .cleaning import Cleaner
        from .phrases import Phrases

        if self.input != "content":
            raise ValueError(
                f"mekong.dask reads documents from the collection: input must be 'content'; got {self.input!r}"
            )
        learned = {
            "clean": self.clean is True
            or (isinstance(self.clean, Cleaner) and "furniture_" not in self.clean.__dict__),
            "names": bool(self.names),
            "aliases": bool(self.aliases),
            "phrases": self.phrases is True
            or (isinstance(self.phrases, Phrases) and "model_" not in self.phrases.__dict__),
        }
        for option, refused in learned.items():
            if refused:
                fix = {
                    "clean": "pass a Cleaner fitted on a sample (mekong.Cleaner().fit(sample)) or clean=False",
                    "phrases": "pass a Phrases fitted on a sample (mekong.Phrases().fit(sample)) or phrases=None",
                }.get(option, f"use the in-memory vectorizer or {option}=False")
                raise ValueError(
                    f"mekong.dask does not learn text models from a partitioned corpus: "
                    f"{option}={getattr(self, option)!r} learns from evidence across all documents; {fix}"
                )
        self._base_config()  # bad options fail before any task runs
        check_n_jobs(self.n_jobs)

    def _new_local(self):
        """An in-memory vectorizer with this one's parameters and its text models (all given, none learned)."""
        local = self._local_class(**self.get_params(deep=False))
        local._fit_text_models([], check_n_jobs(self.n_jobs))  # every model given: the core learns nothing
        return local

    def _pass1(self, raw_documents, split_every, keep):
        """Pass 1: the global vocabulary and document frequencies; returns the leaves' pass-2 blocks
        when ``keep`` (fit_transform), else None."""
        self._check_params()
        parts = _partitions(raw_documents)
        if not parts:
            raise ValueError("empty corpus: fit needs at least one document")
        local = self._new_local()
        fixed = self.vocabulary is not None
        if fixed:
            local.fit([""])  # the given vocabulary, normalized exactly as in memory
            counter = _LocalCountVectorizer(**{**self._count_params(), "binary": False, "dtype": np.int64})
            counter.fit([""])
            summary, merge, block = _summary_fixed, _merge_df, _fixed_block
            task = _partition_fixed
        else:
            counter = _LocalCountVectorizer(**self._count_params())
            counter.set_params(min_df=1, max_df=1.0, max_features=None, binary=False, dtype=np.int64)
            summary, merge, block = _summary, _merge_counters, _renumber_block
            task = _partition_counter
        counter_job = _broadcast(counter, "counter")
        leaves = [dask.delayed(task, pure=True)(p, counter_job) for p in parts]
        if keep:
            leaves = list(dask.persist(*leaves))
        summaries = [dask.delayed(summary, pure=True)(leaf) for leaf in leaves]
        lengths = [dask.delayed(_first, pure=True)(s) for s in summaries]
        total, *lengths = dask.compute(_tree(summaries, merge, split_every), *lengths)
        if fixed:
            n_docs, df = total
        else:
            n_docs, terms, df, tf = total
            keep_columns = _select(n_docs, terms, df, tf, self.min_df, self.max_df, self.max_features, self.binary)
            local.vocabulary_ = dict(zip(terms[keep_columns].tolist(), range(len(keep_columns))))
            local.fixed_vocabulary_ = False
            df = df[keep_columns]
        if n_docs == 0:
            raise ValueError("empty corpus: fit needs at least one document")
        self._set_fitted(local, n_docs, df)
        self.n_documents_ = n_docs
        self.partition_lengths_ = list(lengths)
        if not keep:
            return None
        finish = _broadcast(self._finisher(), "finish")
        blocks = [dask.delayed(block, pure=True)(leaf, finish) for leaf in leaves]
        return _blocks_to_array(blocks, lengths, len(self.vocabulary_), self._out_dtype())

    def fit(self, raw_documents, y=None, *, split_every=_SPLIT_EVERY):
        """Learn the global vocabulary (and idf) of a dask bag of str or a dask Series.

        Computes pass 1 (see the module's docstring) on the current dask scheduler; ``split_every``
        is the fan-in of the tree that merges the partitions' counters.
        """
        self._pass1(raw_documents, split_every, keep=False)
        return self

    def fit_transform(self, raw_documents, y=None, *, split_every=_SPLIT_EVERY):
        """``fit`` (computed now), then the matrix of the same documents as a lazy dask array of
        ``csr_matrix`` blocks with known row counts. The partitions' pass-1 counts stay on the
        workers (``dask.persist``) and pass 2 renumbers their columns: the text is tokenized once.
        Worker memory between the passes: about the size of the result."""
        return self._pass1(raw_documents, split_every, keep=True)

    def _finisher(self):
        return (self.vocabulary_, getattr(self, "_tfidf", None), self._out_dtype(), bool(self.binary))

    def _set_fitted(self, local, n_docs, df):
        self.vocabulary_ = local.vocabulary_
        self.fixed_vocabulary_ = local.fixed_vocabulary_
        for name in ("cleaner_", "phrases_"):
            self.__dict__.pop(name, None)
            if hasattr(local, name):
                setattr(self, name, getattr(local, name))
        self._core_vocabulary_cache = None

    def to_local(self):
        """The fitted state as an in-memory mekong vectorizer (same vocabulary_, idf_), for small data."""
        from ._base import check_is_fitted

        check_is_fitted(self, "vocabulary_")
        local = self._local_class(**self.get_params(deep=False))
        for name, value in self.__dict__.items():
            if name.endswith("_") and not name.startswith("__") and name not in ("n_documents_", "partition_lengths_"):
                setattr(local, name, value)
        if "_tfidf" in self.__dict__:
            local._tfidf = self._tfidf
        return local

    def _out_dtype(self):
        return np.dtype(self.dtype)

    def transform(self, raw_documents, *, lengths=False):
        """The document-term matrix as a dask array of ``csr_matrix`` row blocks, one per partition.

        Row chunk sizes are NaN (known once computed) unless ``lengths=True`` (one cheap extra pass
        that only counts documents) or ``lengths`` lists them. :func:`to_csr` makes one
        ``csr_matrix`` of the result.
        """
        from ._base import check_is_fitted

        check_is_fitted(self, "vocabulary_")
        parts = _partitions(raw_documents)
        local = _broadcast(self.to_local(), "vectorizer")
        n_features = len(self.vocabulary_)
        dtype = self._out_dtype()
        blocks = [dask.delayed(_transform_block, pure=True)(p, local, n_features, dtype) for p in parts]
        if lengths is True:
            sizes = list(dask.compute(*[dask.delayed(_len, pure=True)(p) for p in parts]))
        elif lengths not in (False, None):
            sizes = list(lengths)
            if len(sizes) != len(parts):
                raise ValueError(f"lengths has {len(sizes)} entries for {len(parts)} partitions")
        else:
            sizes = [None] * len(parts)
        return _blocks_to_array(blocks, sizes, n_features, dtype)


def _first(t):
    return t[0]


def _len(part):
    return len(_as_list(part))


class CountVectorizer(_DaskVectorizer, _LocalCountVectorizer):
    """:class:`mekong.CountVectorizer` over a dask bag of str or a dask DataFrame column.

    Same parameters and the same fitted attributes (``vocabulary_``, ``fixed_vocabulary_``) as the
    in-memory class, learned over the whole corpus in two passes; ``transform`` returns a dask array
    of ``csr_matrix`` blocks. Also sets ``n_documents_`` and ``partition_lengths_`` (documents per
    partition of the fitted collection). ``fit(..., split_every=8)`` sets the fan-in of the tree
    that merges the partitions' counters. Refused: ``clean=True``, ``names``, ``aliases``,
    ``phrases=True`` (learned text models; pass fitted ones).

    Examples
    --------
    >>> import dask.bag as db, mekong.dask
    >>> docs = db.from_sequence(["Hợp tác với Attapư", "Tỉnh uỷ và Tỉnh ủy", ""], npartitions=2)
    >>> cv = mekong.dask.CountVectorizer()
    >>> X = cv.fit_transform(docs)                      # dask array of csr_matrix blocks
    >>> X.shape, list(cv.get_feature_names_out())
    ((3, 5), ['attapư', 'hợp_tác', 'tỉnh_ủy', 'và', 'với'])
    >>> mekong.dask.to_csr(X).toarray()
    array([[1, 1, 0, 0, 1],
           [0, 0, 2, 1, 0],
           [0, 0, 0, 0, 0]])
    """

    _local_class = _LocalCountVectorizer


class TfidfVectorizer(_DaskVectorizer, _LocalTfidfVectorizer):
    """:class:`mekong.TfidfVectorizer` over a dask bag of str or a dask DataFrame column.

    The vocabulary and the document frequencies are global (two passes, as for
    :class:`CountVectorizer`); ``idf_`` uses the in-memory formula (``smooth_idf``), and each
    partition is weighted (``sublinear_tf``, ``norm``) by the in-memory transformer with the global
    ``idf_``, so every value equals the in-memory one.
    """

    _local_class = _LocalTfidfVectorizer

    def _needs_df(self):
        return bool(self.use_idf)

    def _out_dtype(self):
        return self._float_dtype()

    def _check_params(self):
        super()._check_params()
        self._float_dtype()
        self._transformer().fit(sp.csr_matrix((1, 1)))  # norm and the other tf-idf options, checked early

    def _set_fitted(self, local, n_docs, df):
        super()._set_fitted(local, n_docs, df)
        self.__dict__.pop("_tfidf", None)
        tfidf = self._transformer()
        tfidf.n_features_in_ = len(local.vocabulary_)
        if self.use_idf:
            # The in-memory TfidfTransformer.fit's formula, from the global document frequencies.
            tfidf.idf_ = _core.tfidf_idf(
                np.ascontiguousarray(df, dtype=np.int64),
                int(n_docs),
                bool(self.smooth_idf),
                self._float_dtype() == np.float32,
            )
        self._tfidf = tfidf


# -- hashing: stateless, one pass -------------------------------------------------------------------
class HashingVectorizer(_LocalHashingVectorizer):
    """:class:`mekong.HashingVectorizer` (the Vietnamese analyzer, scikit-learn's columns, hashing in
    the core) over a dask bag of str or a dask DataFrame column, with the in-memory class's
    parameters, as this module's ``CountVectorizer`` and ``TfidfVectorizer`` follow theirs.
    Stateless, so one pass: ``transform`` returns a dask array of ``csr_matrix`` blocks, one per
    partition, each equal to the in-memory ``transform`` of that partition's documents."""

    def fit(self, X=None, y=None):
        """Check the parameters; learns nothing."""
        super().fit()
        return self

    def transform(self, X, *, lengths=False):
        """A dask array of ``csr_matrix`` blocks, one per partition; ``lengths=True`` counts each
        partition's documents first, so that the row chunks are known."""
        parts = _partitions(X)
        local = _LocalHashingVectorizer(**self.get_params(deep=False))
        local.fit()  # bad parameters fail here, before the graph is built
        job = _broadcast(local, "hashing")
        dtype = np.dtype(self.dtype)
        n = int(self.n_features)
        blocks = [dask.delayed(_hash_block, pure=True)(p, job, n, dtype) for p in parts]
        if lengths is True:
            sizes = list(dask.compute(*[dask.delayed(_len, pure=True)(p) for p in parts]))
        else:
            sizes = [None] * len(parts)
        return _blocks_to_array(blocks, sizes, n, dtype)

    def fit_transform(self, X, y=None, **kwargs):
        return self.fit(X).transform(X, **kwargs)


def _hash_block(part, local, n_features, dtype):
    docs = _as_list(part)
    if not docs:
        return sp.csr_matrix((0, n_features), dtype=dtype)
    return local.transform(docs)


# -- top-k neighbours by block pairs ------------------------------------------------------------
def _row_blocks(X, name):
    """Delayed row blocks of a dask array (one column chunk) or of a list of sparse matrices."""
    if isinstance(X, da.Array):
        if X.ndim != 2:
            raise ValueError(f"{name} must be 2-d; got {X.ndim} dimensions")
        if X.numblocks[1] != 1:
            X = X.rechunk({1: -1})
        return list(X.to_delayed()[:, 0]), X.shape[1]
    if isinstance(X, (list, tuple)) and X and all(sp.issparse(b) or isinstance(b, np.ndarray) for b in X):
        cols = {b.shape[1] for b in X}
        if len(cols) != 1:
            raise ValueError(f"the blocks of {name} have different numbers of columns: {sorted(cols)}")
        return [dask.delayed(b) for b in X], cols.pop()
    raise TypeError(
        f"{name} must be a dask array of sparse row blocks or a list of sparse matrices; got {type(X).__name__}"
    )


def _starts(sizes):
    return np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)


def _n_rows(block):
    return int(block.shape[0])


def _pair_top_k(Xi, Yj, start, same, k, threshold, metric, n_jobs):
    """Block i against block j: each row's k best in j, with global indices (ties: lower index)."""
    from .similarity import top_k_similar as local_top_k

    n = Xi.shape[0]
    m = Yj.shape[0] - (1 if same else 0)
    if n == 0 or m <= 0:
        return np.full((n, 0), -1, dtype=np.int64), None
    idx, sc = local_top_k(Xi, None if same else Yj, k=k, threshold=threshold, metric=metric, n_jobs=n_jobs)
    idx = np.where(idx >= 0, idx + start, -1)
    return idx, sc


def _merge_top_k(results, k):
    """Row-wise union of candidate lists, the k best kept: score descending, then lower index."""
    parts = [r for r in results if r[1] is not None]
    if not parts:
        return results[0]
    idx = np.concatenate([p[0] for p in parts], axis=1)
    sc = np.concatenate([p[1] for p in parts], axis=1)
    pad = idx < 0
    key_score = np.where(pad, -np.inf, sc)
    key_index = np.where(pad, np.iinfo(np.int64).max, idx)
    order = np.lexsort((key_index, -key_score), axis=-1)[:, :k]
    idx = np.take_along_axis(idx, order, axis=1)
    sc = np.take_along_axis(sc, order, axis=1)
    return idx, sc


def top_k_similar(
    X, Y=None, k=10, threshold=0.0, *, metric="cosine", rerank=None, n_jobs=1, split_every=_SPLIT_EVERY, compute=True
):
    """Each row's ``k`` most similar rows, computed block pair by block pair; never an N x N matrix.

    ``X`` (and ``Y``) are dask arrays of sparse row blocks (as the vectorizers return) or lists of
    sparse matrices. Every row block of X meets every row block of Y (of X itself when ``Y`` is
    None, each row's own index left out) in one task running :func:`mekong.top_k_similar`; the
    per-pair lists are merged per row in a tree, keeping the k best with ties to the lower index:
    the definition of the in-memory function, whose parameters (``k``, ``threshold``, ``metric``,
    ``rerank``) mean the same here. Memory per task: two blocks and their rows' k-lists.

    Returns ``(indices, scores)`` NumPy arrays of shape (n_rows, min(k, candidates)), -1 / NaN
    padded, as :func:`mekong.top_k_similar` does; with ``compute=False`` a ``Delayed`` of that
    pair. ``rerank="neighbours"`` re-orders the gathered lists (N x k, not
    N x N) with :func:`mekong.stories.rerank_neighbours`, as the in-memory function does.

    Scores equal the in-memory ones to rounding (a block sees other dense columns than the whole
    matrix, so the last bits of a sum can differ), and so does the order of rows whose scores tie
    to within that rounding.
    """
    k = check_int("k", k)
    if k <= 0:
        raise ValueError(f"k must be a positive integer; got {k}")
    if metric not in ("cosine", "dot", "jaccard"):
        raise ValueError(f"metric must be 'cosine', 'dot' or 'jaccard'; got {metric!r}")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.number)) or not np.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number; got {threshold!r}")
    if metric != "dot" and not -1.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [-1, 1]; got {threshold!r}")
    if rerank not in (None, "neighbours"):
        raise ValueError(f"rerank must be None or 'neighbours'; got {rerank!r}")
    if rerank is not None and Y is not None:
        raise ValueError("rerank='neighbours' needs Y=None (the neighbours' own lists come from X itself)")
    check_n_jobs(n_jobs)
    xb, xcols = _row_blocks(X, "X")
    if Y is None:
        yb, ycols, same = xb, xcols, True
    else:
        yb, ycols = _row_blocks(Y, "Y")
        same = False
    if xcols != ycols:
        raise ValueError(f"X has {xcols} columns and Y has {ycols}")
    starts = dask.delayed(_starts, pure=True)([dask.delayed(_n_rows, pure=True)(b) for b in yb])
    rows = []
    for i, Xi in enumerate(xb):
        pairs = [
            dask.delayed(_pair_top_k, pure=True)(
                Xi, Yj, starts[j], same and i == j, k, float(threshold), metric, n_jobs
            )
            for j, Yj in enumerate(yb)
        ]
        rows.append(_tree(pairs, functools.partial(_merge_top_k, k=k), split_every))
    lazy = dask.delayed(_gather_rows, pure=True)(rows)
    if rerank is not None:
        lazy = dask.delayed(_rerank, pure=True)(lazy, n_jobs)
    if not compute:
        return lazy
    return tuple(dask.compute(lazy)[0])


def _rerank(result, n_jobs):
    """The in-memory top_k_similar's rerank layer, on the gathered N x k lists."""
    from .stories import rerank_neighbours

    indices, scores = result
    indices, reranked = rerank_neighbours(indices, scores, n_jobs=n_jobs)
    return indices, reranked.astype(scores.dtype)


def _gather_rows(rows):
    """The row blocks' (indices, scores) stacked, padded to one width (the widest: min(k, candidates))."""
    width = max(r[0].shape[1] for r in rows)
    dtype = next((r[1].dtype for r in rows if r[1] is not None), np.dtype(np.float64))
    idx_out, sc_out = [], []
    for idx, sc in rows:
        n, w = idx.shape
        full_idx = np.full((n, width), -1, dtype=np.int64)
        full_sc = np.full((n, width), np.nan, dtype=dtype)
        full_idx[:, :w] = idx
        if sc is not None:
            full_sc[:, :w] = sc
        idx_out.append(full_idx)
        sc_out.append(full_sc)
    return np.concatenate(idx_out), np.concatenate(sc_out)


def story_candidates(X, k=10, *, n_jobs=1, split_every=_SPLIT_EVERY):
    """The candidate graph :func:`mekong.stories` links: each row's ``k`` nearest neighbours by cosine,
    re-ranked with the neighbours' evidence; equal to ``mekong.top_k_similar(X, k=k,
    rerank="neighbours")`` in memory, computed by block pairs (:func:`top_k_similar`)."""
    return top_k_similar(X, k=k, rerank="neighbours", n_jobs=n_jobs, split_every=split_every)
