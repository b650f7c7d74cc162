"""scikit-learn's text vectorizers with mekong's C++ core underneath: change one import.

``from mekong.sklearn import CountVectorizer, TfidfVectorizer, TfidfTransformer, HashingVectorizer``
gives classes with scikit-learn's exact signatures, defaults, attributes, methods, warnings and
error messages (they are subclasses of the installed scikit-learn's classes, so parameter
validation, ``get_params``/``set_params``, ``clone``, ``Pipeline`` and ``GridSearchCV`` behave as
scikit-learn's own). What changes is where the work runs: tokenizing, n-grams and counting (or
hashing) run in the core, in C++, with the GIL released, instead of a Python loop over every token.

Nothing Vietnamese-specific happens here: no NFC, no tone-mark folding, no word segmentation, the
default ``token_pattern`` ``r"(?u)\\b\\w\\w+\\b"`` drops one-letter syllables, exactly as in
scikit-learn. For Vietnamese text use the top-level :class:`mekong.CountVectorizer` family.

Which path runs:

- ``analyzer="word"`` with a ``token_pattern`` that takes runs of word characters (the default,
  ``r"\\b\\w+\\b"``, ``r"\\w{3,}"``, ...): the core's fast path, a table lookup per character with
  Python's meaning of ``\\w`` (letters and characters with a numeric value; combining marks are not
  word characters).
- any other ``token_pattern``: translated to ICU's syntax with Python's meaning of ``\\w``, ``\\d``,
  ``\\s``, ``\\b`` spelt out, and matched by ICU's regex engine in the core. A construct the
  translator does not know (conditional groups ``(?(1)...)``, verbose mode ``(?x)``, locale
  ``(?L)``) runs through Python's ``re``, as in scikit-learn.
- ``analyzer="char"`` and ``"char_wb"``: in the core, with scikit-learn's exact semantics (runs of
  two or more white-space characters become one space; ``char_wb`` pads each word with one space
  either side and counts a word shorter than n once).
- ``strip_accents="ascii"`` / ``"unicode"``: ICU's NFKD, then marks (or all non-ASCII) removed.
  On Vietnamese this erases tone marks and vowel marks: "hòa", "hoà" and "hoa" become one term,
  and so do "mà", "má", "ma". Leave it off for Vietnamese.
- a callable ``analyzer``, ``preprocessor``, ``tokenizer`` or ``strip_accents``: Python calls it,
  document by document, exactly as scikit-learn does (the slow path).

Documents are decoded in Python with the vectorizer's ``encoding`` and ``decode_error`` (so every
codec and error handler behaves as in scikit-learn); with ``decode_error="strict"`` invalid bytes
raise :class:`UnicodeDecodeError` naming the document and the byte offset.

The core's threads: :func:`set_n_jobs` (default 1). Results are identical for any value.
"""

from __future__ import annotations

import inspect
import numbers

try:
    from sklearn.feature_extraction import text as _sk
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "mekong.sklearn is a drop-in for scikit-learn's text vectorizers and needs scikit-learn: "
        "pip install scikit-learn (or use mekong.CountVectorizer, which does not)"
    ) from exc

import scipy.sparse as sp

from . import _core, _progress
from ._options import check_n_jobs

try:  # scikit-learn >= 1.9 returns sparse arrays or matrices as configured
    from sklearn.utils import _align_api_if_sparse
except ImportError:  # pragma: no cover - older scikit-learn

    def _align_api_if_sparse(X):
        return X


__all__ = [
    "CountVectorizer",
    "HashingVectorizer",
    "TfidfTransformer",
    "TfidfVectorizer",
    "get_n_jobs",
    "set_n_jobs",
]

_n_jobs = 1
_UNSUPPORTED = "unsupported in the core's regular expressions"
# Documents hashed per core call: bounds memory for any iterable (a generator over an archive).
_CHUNK_DOCS = 8192
_CHUNK_CHARS = 1 << 25
# Older scikit-learn's _limit_features returns (X, removed_terms) and fills stop_words_.
_LIMIT_RETURNS_PAIR = "removed_terms" in inspect.getsource(_sk.CountVectorizer._limit_features)


def set_n_jobs(n_jobs):
    """Set the threads the core uses for every mekong.sklearn vectorizer; returns the old value.

    1 (the default) is serial, -1 all cores. The signatures are scikit-learn's, which have no
    ``n_jobs``, so this is module-wide. Results are bit-identical for any value.
    """
    global _n_jobs
    old, _n_jobs = _n_jobs, check_n_jobs(n_jobs)
    return old


def get_n_jobs():
    """The threads the core uses (see :func:`set_n_jobs`)."""
    return _n_jobs


def _core_analyzer(est):
    """The core analyzer for ``est``'s parameters, or None when scikit-learn's Python path must run
    (a callable, or a token pattern the core cannot translate). Call after ``build_analyzer()``,
    which validates the parameters exactly as scikit-learn does."""
    kind = est.analyzer
    if callable(kind) or kind not in ("word", "char", "char_wb") or est.preprocessor is not None:
        return None
    strip = est.strip_accents
    if not strip:
        strip = ""
    elif strip not in ("ascii", "unicode"):
        return None  # a callable: Python runs it
    pattern, stop_words = "", None
    if kind == "word":
        if est.tokenizer is not None or not isinstance(est.token_pattern, str):
            return None
        pattern = est.token_pattern
        stop = est.get_stop_words()
        if stop is not None:
            stop_words = sorted(w for w in stop if isinstance(w, str))
    lo, hi = est.ngram_range
    try:
        return _core.SkAnalyzer(kind, bool(est.lowercase), strip, pattern, stop_words, int(lo), int(hi))
    except ValueError as exc:
        if _UNSUPPORTED in str(exc):
            return None
        raise


def _decode_all(est, raw_documents, first_index=0):
    """The documents as str, decoded as scikit-learn's ``decode`` does; None when one is not a str
    after decoding (the Python path then raises what scikit-learn raises)."""
    docs = list(raw_documents)
    if est.input == "content" and all(type(d) is str for d in docs):
        return docs, docs
    out = []
    decode = est.decode
    for i, doc in enumerate(docs):
        if type(doc) is not str or est.input != "content":
            try:
                doc = decode(doc)
            except UnicodeDecodeError as exc:
                raise UnicodeDecodeError(
                    exc.encoding,
                    exc.object,
                    exc.start,
                    exc.end,
                    f"{exc.reason} (document {first_index + i}, byte offset {exc.start})",
                ) from None
            if not isinstance(doc, str):
                return docs, None
        out.append(doc)
    return docs, out


def _csr(parts, dtype):
    data, indices, indptr, shape = parts
    X = sp.csr_array((data, indices, indptr), shape=shape, dtype=dtype)
    X.has_sorted_indices = True  # the core writes each row's columns in order
    return X


def _df_arguments(est):
    """min_df / max_df as the core takes them, or None when scikit-learn must raise about them."""
    min_df, max_df = est.min_df, est.max_df
    min_count = isinstance(min_df, numbers.Integral)
    max_count = isinstance(max_df, numbers.Integral)
    return float(min_df), min_count, float(max_df), max_count


class _CoreCounting:
    """Counting in the core behind scikit-learn's CountVectorizer / TfidfVectorizer."""

    def _count_vocab(self, raw_documents, fixed_vocab):
        self.__dict__.pop("_mekong_sorted", None)
        if isinstance(raw_documents, str):
            return super()._count_vocab(raw_documents, fixed_vocab)
        # scikit-learn's own validation and warnings (invalid or multi-group token_pattern,
        # inconsistent stop words, a bad strip_accents or analyzer) come first, unchanged.
        _sk._VectorizerMixin.build_analyzer(self)
        analyzer = _core_analyzer(self)
        if analyzer is None:
            return super()._count_vocab(raw_documents, fixed_vocab)
        raw, docs = _decode_all(self, raw_documents)
        if docs is None:
            return super()._count_vocab(raw, fixed_vocab)
        n_jobs = _n_jobs
        if fixed_vocab:
            vocabulary = self.vocabulary_
            if not all(type(t) is str for t in vocabulary):
                return super()._count_vocab(raw, fixed_vocab)
            terms = sorted(vocabulary, key=vocabulary.__getitem__)
            with _progress.bar(len(docs), "count") as pb:
                X = _csr(_core.sk_count_fixed(docs, analyzer, terms, n_jobs, progress=pb), self.dtype)
            return vocabulary, _align_api_if_sparse(X)
        if not docs:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        min_df, min_is_count, max_df, max_is_count = _df_arguments(self)
        max_doc = max_df if max_is_count else max_df * len(docs)
        min_doc = min_df if min_is_count else min_df * len(docs)
        if max_doc < min_doc:  # scikit-learn raises about it after counting: count everything
            min_df, min_is_count, max_df, max_is_count = 1.0, True, 1.0, False
        with _progress.bar(len(docs), "count") as pb:
            parts, vocabulary = _core.sk_count(
                docs, analyzer, min_df, min_is_count, max_df, max_is_count, n_jobs, progress=pb
            )
        # The core returns the vocabulary (term -> column) sorted, already pruned by document
        # frequency: the Python passes scikit-learn makes over it next have nothing left to do.
        self._mekong_sorted = vocabulary
        return vocabulary, _align_api_if_sparse(_csr(parts, self.dtype))

    def _sort_features(self, X, vocabulary):
        # scikit-learn sorts once per fit, after (or, with max_features, before) pruning: the
        # marker is spent here either way.
        if self.__dict__.pop("_mekong_sorted", None) is vocabulary:
            return X  # sorted by the core
        return super()._sort_features(X, vocabulary)

    def _limit_features(self, X, vocabulary, high=None, low=None, limit=None):
        if self.__dict__.get("_mekong_sorted") is vocabulary and (limit is None or limit >= len(vocabulary)):
            # The core applied high and low (the same document counts); nothing else to prune.
            if not vocabulary:
                raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
            return (X, set()) if _LIMIT_RETURNS_PAIR else X
        self.__dict__.pop("_mekong_sorted", None)
        return super()._limit_features(X, vocabulary, high, low, limit)

    def fit_transform(self, raw_documents, y=None):
        try:
            return super().fit_transform(raw_documents, y)
        finally:
            self.__dict__.pop("_mekong_sorted", None)

    def __getstate__(self):
        state = dict(super().__getstate__())
        state.pop("_mekong_sorted", None)
        return state


_NOTE = """
    mekong.sklearn: scikit-learn's class with its exact parameters and behaviour; tokenizing,
    n-grams and {work} run in mekong's C++ core (see :mod:`mekong.sklearn` for which
    parameters take the core's path and which call Python). scikit-learn's documentation follows.
"""


class CountVectorizer(_CoreCounting, _sk.CountVectorizer):
    __doc__ = (
        "Convert a collection of text documents to a matrix of token counts."
        + _NOTE.format(work="counting")
        + (_sk.CountVectorizer.__doc__ or "")
    )


class TfidfVectorizer(_CoreCounting, _sk.TfidfVectorizer):
    __doc__ = (
        "Convert a collection of raw documents to a matrix of TF-IDF features."
        + _NOTE.format(work="counting")
        + (_sk.TfidfVectorizer.__doc__ or "")
    )


class TfidfTransformer(_sk.TfidfTransformer, auto_wrap_output_keys=None):  # no set_output, as scikit-learn's
    __doc__ = (
        "Transform a count matrix to a normalized tf or tf-idf representation.\n\n"
        "    mekong.sklearn: scikit-learn's class unchanged (its work is sparse arithmetic, already\n"
        "    compiled); here so that all four classes come from one import.\n"
    ) + (_sk.TfidfTransformer.__doc__ or "")


def _chunks(iterable):
    """Lists of documents of bounded size from any iterable."""
    it = iter(iterable)
    while True:
        chunk, chars = [], 0
        for doc in it:
            chunk.append(doc)
            chars += len(doc) if isinstance(doc, (str, bytes)) else 0
            if len(chunk) >= _CHUNK_DOCS or chars >= _CHUNK_CHARS:
                break
        if not chunk:
            return
        yield chunk


class HashingVectorizer(_sk.HashingVectorizer, auto_wrap_output_keys=None):  # no set_output, as scikit-learn's
    __doc__ = (
        "Convert a collection of text documents to a matrix of token occurrences."
        + _NOTE.format(work="MurmurHash3 hashing")
        + (_sk.HashingVectorizer.__doc__ or "")
    )

    def transform(self, X):
        if isinstance(X, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        self._validate_ngram_range()
        _sk._VectorizerMixin.build_analyzer(self)  # scikit-learn's validation and warnings
        analyzer = _core_analyzer(self)
        if analyzer is None or not _valid_n_features(self.n_features) or self.norm not in (None, "l1", "l2"):
            return super().transform(X)  # a norm the core does not know: scikit-learn's normalize decides
        pieces, done = [], 0
        for chunk in _chunks(X):
            raw, docs = _decode_all(self, chunk, first_index=done)
            if docs is None:  # a document that is not text: scikit-learn's path raises its error
                return super().transform(raw)
            with _progress.bar(len(docs), "hash") as pb:
                # binary and norm are applied in the core, row by row as scikit-learn's normalize does.
                parts = _core.sk_hash(
                    docs,
                    analyzer,
                    int(self.n_features),
                    bool(self.alternate_sign),
                    _n_jobs,
                    progress=pb,
                    binary=bool(self.binary),
                    norm=self.norm or "none",
                )
            pieces.append(_csr(parts, self.dtype))
            done += len(docs)
        if not pieces:
            raise ValueError("Cannot vectorize empty sequence.")
        X = pieces[0] if len(pieces) == 1 else sp.vstack(pieces, format="csr")
        return _align_api_if_sparse(sp.csr_array(X))


def _valid_n_features(n):
    return isinstance(n, numbers.Integral) and not isinstance(n, bool) and 1 <= n <= 2**31 - 1
