"""The hashing trick with the Vietnamese analyzer: mekong.HashingVectorizer."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp

from . import _core, _progress
from . import _tokenizing as _tok
from ._base import BaseEstimator, TransformerMixin
from ._options import HASHING_ANALYZER, OPTIONS, check_n_jobs, document
from ._stream import batches
from .feature_extraction import CountVectorizer


def _check_n_features(n):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= 2**31 - 1:
        raise ValueError(f"n_features must be an int in [1, 2**31 - 1]; got {n!r}")
    return int(n)


@document("HashingVectorizer")
class HashingVectorizer(TransformerMixin, BaseEstimator):
    """Convert Vietnamese (or any) text documents to a matrix of hashed term counts.

    The terms are :class:`mekong.CountVectorizer`'s with the same parameters (NFC, one tone-mark
    placement, words, one-letter syllables kept, URLs dropped, stop words, n-grams), and each term
    goes to the column scikit-learn's ``HashingVectorizer`` would give it: MurmurHash3 (32-bit,
    seed 0) of the term's UTF-8 bytes, its absolute value modulo ``n_features``, the sign of the
    hash as the value's sign with ``alternate_sign``; then ``binary`` and ``norm`` as in
    scikit-learn. So ``hashing_of(CountVectorizer(**same).build_analyzer()(doc))`` is row ``doc``.

    Stateless: no vocabulary, nothing learned, so ``fit`` only checks the parameters and
    ``transform`` takes any iterable (a generator over an archive included) in batches of bounded
    size. Tokenizing, hashing and the norm run in the core, with the GIL released, on ``n_jobs``
    threads (same result for any value). A callable ``analyzer``, ``preprocessor`` or ``tokenizer``
    is called from Python, document by document (the slow path), and its terms are hashed the same
    way. For scikit-learn's own defaults (its token pattern, no NFC) use
    :class:`mekong.sklearn.HashingVectorizer`.

    Parameters
    ----------
    {parameters}

    Examples
    --------
    >>> from mekong import HashingVectorizer
    >>> X = HashingVectorizer(n_features=2**8, norm=None).transform(["Tỉnh uỷ và Tỉnh ủy"])
    >>> sorted(X.data.tolist())
    [-1.0, 2.0]
    """

    def __init__(
        self,
        *,
        input: str = "content",
        encoding: str = "utf-8",
        decode_error: str = "replace",
        on_error: str = "raise",
        lowercase: bool = True,
        tone_marks: str | None = "traditional",
        numbers: bool = True,
        urls: str = "drop",
        min_token_length: int = 1,
        stop_words: Iterable[str] | str | None = None,
        ngram_range: tuple[int, int] = (1, 1),
        user_dictionary=None,
        words: bool = True,
        strip_accents=None,
        preprocessor=None,
        tokenizer=None,
        token_pattern: str | None = None,
        analyzer="word",
        n_features: int = 2**20,
        binary: bool = False,
        norm: str | None = "l2",
        alternate_sign: bool = True,
        dtype=np.float64,
        n_jobs: int | None = 1,
        progress: bool = False,
    ):
        self.input = input
        self.encoding = encoding
        self.decode_error = decode_error
        self.on_error = on_error
        self.lowercase = lowercase
        self.tone_marks = tone_marks
        self.numbers = numbers
        self.urls = urls
        self.min_token_length = min_token_length
        self.stop_words = stop_words
        self.ngram_range = ngram_range
        self.user_dictionary = user_dictionary
        self.words = words
        self.strip_accents = strip_accents
        self.preprocessor = preprocessor
        self.tokenizer = tokenizer
        self.token_pattern = token_pattern
        self.analyzer = analyzer
        self.n_features = n_features
        self.binary = binary
        self.norm = norm
        self.alternate_sign = alternate_sign
        self.dtype = dtype
        self.n_jobs = n_jobs
        self.progress = progress

    # -- parameters ------------------------------------------------------------------------------
    def _hashing(self):
        """(n_features, alternate_sign, binary, norm as the core takes it), validated."""
        n = _check_n_features(self.n_features)
        alternate_sign = OPTIONS["alternate_sign"].check("alternate_sign", self.alternate_sign)
        binary = OPTIONS["binary"].check("binary", self.binary)
        if self.norm not in ("l1", "l2", None):
            raise ValueError(f"norm must be 'l1', 'l2' or None; got {self.norm!r}")
        return n, alternate_sign, binary, self.norm or "none"

    def _counter(self):
        """The CountVectorizer whose analyzer gives the terms, checked, with its core analyzer
        built (a user dictionary without words becomes its dictionary-only phrases, as in fit).
        Kept until a parameter changes: transform called batch by batch builds it (and loads the
        word model) once."""
        key = repr([getattr(self, name) for name in HASHING_ANALYZER + ("n_jobs",)])
        cached = self.__dict__.get("_counter_cache")
        if cached is not None and cached[0] == key:
            return cached[1]
        cv = CountVectorizer(**{name: getattr(self, name) for name in HASHING_ANALYZER}, n_jobs=self.n_jobs)
        cv._check_input()
        cv._base_config()  # bad options fail before any work
        plan = cv._tokenizing_plan()
        if plan is None:
            cv._fit_text_models([], check_n_jobs(self.n_jobs))  # learns nothing: no cleaning, names or phrases
        self._counter_cache = (key, (cv, plan))
        return cv, plan

    def build_analyzer(self):
        """The callable that turns one document into the list of terms that are hashed: the one
        :meth:`mekong.CountVectorizer.build_analyzer` gives for the same parameters."""
        return self._counter()[0].build_analyzer()

    # -- fit / transform -------------------------------------------------------------------------
    def fit(self, X=None, y=None):
        """Check the parameters; nothing is learned (the vectorizer is stateless)."""
        self._hashing()
        self._counter()
        return self

    def partial_fit(self, X=None, y=None):
        """Check the parameters; nothing is learned (the vectorizer is stateless)."""
        return self.fit(X, y)

    def fit_transform(self, X, y=None):
        """The same as :meth:`transform`."""
        return self.transform(X)

    def transform(self, X):
        """The documents x ``n_features`` matrix (``scipy.sparse.csr_matrix``) of hashed term counts."""
        with _progress.enabled(getattr(self, "progress", False)):
            return self._transform(X)

    def _transform(self, X):
        n_features, alternate_sign, binary, norm = self._hashing()
        cv, plan = self._counter()
        n_jobs = check_n_jobs(self.n_jobs)
        stream = cv._documents(X)
        strict = cv._input_errors()[0] == "strict"
        hashing = dict(binary=binary, norm=norm)
        pieces = []
        with _progress.bar(stream.size_hint(), "hash") as pb:
            for batch in batches(stream):
                if plan is None:  # the Vietnamese analyzer, in the core
                    parts, _ = _core.hash(
                        batch, cv._core_analyzer(), n_features, alternate_sign, n_jobs, strict, pb, **hashing
                    )
                elif plan[0] == "core":  # a token pattern or char n-grams: the core's scikit-learn analyzer
                    normalize = _tok.Normalizer(cv.tone_marks)
                    texts = [normalize(_tok.text_of(doc, cv.encoding)[0]) for doc in batch]
                    parts = _core.sk_hash(texts, plan[2], n_features, alternate_sign, n_jobs, pb, **hashing)
                else:  # a Python callable makes the terms
                    parts = _hash_in_python(batch, cv.build_analyzer(), n_features, alternate_sign, binary, norm)
                    if pb is not None:
                        pb.update(len(batch))
                pieces.append(_csr(parts))
        if not pieces:
            X = sp.csr_matrix((0, n_features), dtype=np.float64)
        else:
            X = pieces[0] if len(pieces) == 1 else sp.vstack(pieces, format="csr")
        if X.dtype != np.dtype(self.dtype):
            X = X.astype(self.dtype)
        return X

    def __getstate__(self):
        state = dict(super().__getstate__())
        state.pop("_counter_cache", None)  # core objects: rebuilt on first use
        return state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = False
        return tags


def _csr(parts):
    data, indices, indptr, shape = parts
    X = sp.csr_matrix((data, indices, indptr), shape=shape, copy=False)
    X.has_sorted_indices = True  # each row's columns are written in order
    return X


def _hash_in_python(docs, analyzer, n_features, alternate_sign, binary, norm):
    """The slow path's rows: ``analyzer``'s terms hashed as the core hashes them (the core's
    MurmurHash3 on each distinct term's UTF-8, once per call), then binary and the norm."""
    columns = {}
    indptr, indices, data = [0], [], []
    for doc in docs:
        row = {}
        for term in analyzer(doc):
            code = columns.get(term)
            if code is None:
                h = _core.murmurhash3_32(term.encode("utf-8"))
                # scikit-learn's column of a signed hash: abs() % n_features, -2**31 wrapping in int32
                col = (2**31 - 1 - (n_features - 1)) % n_features if h == -(2**31) else abs(h) % n_features
                code = columns[term] = (col, -1.0 if alternate_sign and h < 0 else 1.0)
            row[code[0]] = row.get(code[0], 0.0) + code[1]
        for col in sorted(row):
            indices.append(col)
            data.append(row[col])
        indptr.append(len(indices))
    index = np.int32 if len(indices) <= np.iinfo(np.int32).max else np.int64  # one dtype for both, as the core reads
    X = sp.csr_matrix(
        (np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=index), np.asarray(indptr, dtype=index)),
        shape=(len(docs), n_features),
    )
    if binary:
        X.data[:] = 1.0
    if norm != "none":  # the core's row norm, as the core path applies it
        from ._sparse import core_args

        X.data[:] = _core.tfidf_weight(core_args(X), None, False, norm, 1)
    return X.data, X.indices, X.indptr, X.shape


__all__ = ["HashingVectorizer"]
