"""Vectorizers: documents to term-count matrices, with scikit-learn's conventions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import scipy.sparse as sp

from . import _core, _progress
from ._base import BaseEstimator, TransformerMixin, check_is_fitted
from ._options import check_df, check_int, check_n_jobs, check_str, make_analyzer
from ._sparse import as_csr
from ._stream import CountExtras as _CountExtras
from ._stream import DocumentStream, Materialized, check_input_options
from ._stream import count_fixed as _count_fixed_stream
from ._stream import count_learn as _count_learn_stream
from ._stream import extras as _stream_extras


def _unfitted_copy(estimator):
    """A fresh estimator with the same parameters (scikit-learn's clone, without needing it)."""
    return type(estimator)(**estimator.get_params(deep=False))


def _csr(parts, dtype):
    (data, indices, indptr, shape) = parts
    X = sp.csr_matrix((data, indices, indptr), shape=shape, copy=False)
    if dtype is not None and X.dtype != np.dtype(dtype):
        X = X.astype(dtype)
    X.has_sorted_indices = True
    return X


class CountVectorizer(TransformerMixin, BaseEstimator):
    """Convert a collection of Vietnamese (or any) text documents to a matrix of term counts.

    A drop-in for scikit-learn's ``CountVectorizer`` with a C++ core: the same parameters where
    they overlap, the same vocabulary order (terms sorted by code point) and the same counts on
    text both tokenize alike. What differs is what Vietnamese needs: text is composed to NFC
    (NFD input gives identical results), tone marks are placed one way ("hoà" and "hòa" are one
    term), one-letter syllables are kept ("Bờ Y"), and URLs are not split into words.

    Parameters
    ----------
    input : {"content", "filename", "file"}, default="content"
        What the documents are: texts (str, or bytes in ``encoding``), paths, or open files.
        ``raw_documents`` may be any iterable, a generator included; with "filename" it may also be
        one path, and each path may be a file, a folder (its ``*.txt`` files, recursively, sorted)
        or a glob pattern ("news/**/*.txt"). Documents are read lazily and counted in batches of
        about ``mekong._stream.BATCH_BYTES`` (32 MB), so memory holds the matrix and one batch,
        not the corpus (see the README's "Corpora larger than memory").
    encoding : str, default="utf-8"
        Encoding of bytes documents and files; any ICU converter name ("windows-1258",
        "utf-16", ...). Invalid bytes become U+FFFD and are counted in ``n_replaced_``.
    decode_error : {"replace", "strict", "ignore"}, default="replace"
        What invalid bytes do: become U+FFFD (counted in ``n_replaced_``), raise
        UnicodeDecodeError naming the document, file and byte offset, or vanish. "strict" and
        "ignore" decode with Python's codec of ``encoding``.
    on_error : {"raise", "skip"}, default="raise"
        A file that is missing or cannot be read: raise an OSError naming it (nothing is returned),
        or skip it and list it in ``skipped_files_``. Skipped files have no row.
    lowercase, tone_marks, numbers, urls, min_token_length, stop_words, ngram_range
        How text becomes terms; see :func:`mekong.tokenize`. ``stop_words="vietnamese"`` uses
        the built-in list (:mod:`mekong.stopwords`).
    clean : bool or Cleaner, default=False
        Drop page furniture before counting (:class:`mekong.Cleaner`): True learns the lines the
        fitted corpus repeats; an unfitted Cleaner is fitted on it. Off by default, as in
        scikit-learn; recommended for scraped articles.
    names : bool, default=False
        Each name ("Kon Tum", "Ắt-ta-pư") becomes one term ("kon_tum").
    aliases : bool, default=False
        Each name becomes its accent- and hyphen-free key, so "Attapư", "Attapu" and "Ắt-ta-pư"
        share one column ("name:attapu"); the spellings seen are in ``aliases_``. Implies ``names``.
    alias_table : mapping of str to str, optional
        Spellings to count as another name: ``{"Attapeu": "Attapư"}``.
    phrases : bool or Phrases, optional
        Multi-syllable words: True learns them from the fitted corpus (:class:`mekong.Phrases`
        defaults); an unfitted Phrases is fitted on it; a fitted one is used as it is.
    user_dictionary : list of str or path, optional
        Words to join by longest match ("hợp tác", "Kon Tum"), one per line in a file. With
        ``words=True`` they are forced as words in the segmenter.
    words : bool, default=True
        Terms are Vietnamese words ("hợp_tác", "kinh_tế"), found by the word segmenter in the core
        (see :func:`mekong.word_tokenize`); False counts syllables ("hợp", "tác"), which is what
        scikit-learn's token pattern sees.
    max_df : float in [0.0, 1.0] or int, default=1.0
        Ignore terms in more than this proportion (float) or number (int) of documents.
    min_df : float in [0.0, 1.0] or int, default=1
        Ignore terms in fewer than this proportion (float) or number (int) of documents.
    max_features : int or None, default=None
        Keep only the ``max_features`` terms with the highest total count (ties: the term that
        sorts first).
    vocabulary : Mapping or iterable of str, default=None
        A fixed vocabulary (term -> column, or a list giving the column order). Terms are
        normalized like the text.
    binary : bool, default=False
        Record 1 for every term present instead of its count.
    dtype : dtype, default=np.int64
        Type of the returned matrix.
    n_jobs : int, default=1
        Threads for the core: 1 serial, -1 all cores. Results are identical for any value.
    progress : bool, default=False
        Show a progress bar (documents done) in ``fit`` and ``transform`` through tqdm when it is installed; without tqdm
        nothing is shown. The result is the same either way.

    Attributes
    ----------
    vocabulary_ : dict of str -> int
        Term to column index.
    fixed_vocabulary_ : bool
        True when the vocabulary was given.
    cleaner_, phrases_ : the fitted Cleaner / Phrases, when used
    aliases_ : dict of str -> dict of str -> int
        With ``aliases``: each name column's key, the spellings seen in the fitted corpus and their
        counts.
    n_replaced_ : ndarray of shape (n_documents,)
        For the last ``fit``/``transform`` call: invalid byte sequences (or lone surrogates)
        replaced by U+FFFD in each document.
    skipped_files_ : list of (int, str, str)
        For the last ``fit``/``transform`` call with ``on_error="skip"``: each skipped source's
        position in the input, its name and the reason.
    first_invalid_ : ndarray of shape (n_documents,)
        For the last ``fit``/``transform`` call: the byte offset of each document's first invalid
        sequence (in the document as given: its UTF-8 for a str), -1 where there is none.

    Examples
    --------
    >>> from mekong import CountVectorizer
    >>> cv = CountVectorizer()
    >>> X = cv.fit_transform(["Hợp tác với Attapư", "Tỉnh uỷ và Tỉnh ủy"])
    >>> list(cv.get_feature_names_out())
    ['attapư', 'hợp_tác', 'tỉnh_ủy', 'và', 'với']
    >>> X.toarray()
    array([[1, 1, 0, 0, 1],
           [0, 0, 2, 1, 0]])
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
        clean=False,
        names: bool = False,
        aliases: bool = False,
        alias_table=None,
        phrases=None,
        user_dictionary=None,
        words: bool = True,
        max_df: float | int = 1.0,
        min_df: float | int = 1,
        max_features: int | None = None,
        vocabulary: Mapping[str, int] | Iterable[str] | None = None,
        binary: bool = False,
        dtype=np.int64,
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
        self.clean = clean
        self.names = names
        self.aliases = aliases
        self.alias_table = alias_table
        self.phrases = phrases
        self.user_dictionary = user_dictionary
        self.words = words
        self.max_df = max_df
        self.min_df = min_df
        self.max_features = max_features
        self.vocabulary = vocabulary
        self.binary = binary
        self.dtype = dtype
        self.n_jobs = n_jobs
        self.progress = progress

    # -- the analyzer ---------------------------------------------------------------------------
    def _analyzer_options(self, fitted=True):
        options = dict(
            lowercase=self.lowercase,
            tone_marks=self.tone_marks,
            numbers=self.numbers,
            urls=self.urls,
            min_token_length=self.min_token_length,
            stop_words=self.stop_words,
            ngram_range=self.ngram_range,
            encoding=self.encoding,
            names=self.names,
            aliases=self.aliases,
            alias_table=self.alias_table,
            words=self.words,
        )
        if self.words and self.user_dictionary is not None:
            from .phrases import read_user_dictionary

            options["user_dictionary"] = read_user_dictionary(self.user_dictionary)
        if fitted:
            options["clean"] = getattr(self, "cleaner_", None)
            options["phrases"] = getattr(self, "phrases_", None)
            options["name_evidence"] = getattr(self, "name_evidence_", None)
        return options

    def _fit_text_models(self, docs):
        """Fits what the analyzer learns from the corpus: furniture lines, then phrases."""
        from .cleaning import Cleaner
        from .phrases import Phrases

        for name in ("cleaner_", "phrases_", "name_evidence_", "aliases_"):
            self.__dict__.pop(name, None)
        # A Cleaner or Phrases given fitted is used as it is; an unfitted one is a recipe: a copy is
        # fitted here, so the parameter itself never changes (a refit learns afresh).
        if self.clean is True:
            self.cleaner_ = Cleaner(n_jobs=self.n_jobs).fit(docs, encoding=self.encoding)
        elif isinstance(self.clean, Cleaner):
            self.cleaner_ = (
                self.clean
                if hasattr(self.clean, "repeated_lines_")
                else _unfitted_copy(self.clean).fit(docs, encoding=self.encoding)
            )
        elif self.clean not in (False, None):
            raise ValueError(f"clean must be a bool or a mekong.Cleaner; got {self.clean!r}")
        if self.names or self.aliases:  # which capitals are names: learned over the whole corpus
            options = self._analyzer_options(fitted=False)
            options["clean"] = getattr(self, "cleaner_", None)
            with _progress.bar(len(docs), "names: evidence") as pb:
                evidence = _core.learn_name_evidence(
                    docs, make_analyzer(**options), check_n_jobs(self.n_jobs), progress=pb
                )
            self.name_evidence_ = tuple(list(part) for part in evidence)  # (lower, names, clipped)
        phrases = self.phrases
        if phrases in (None, False) and self.user_dictionary is not None and not self.words:
            phrases = Phrases.dictionary_only(self.user_dictionary)
        elif phrases is True:
            phrases = Phrases(user_dictionary=self.user_dictionary, n_jobs=self.n_jobs)
        if isinstance(phrases, Phrases):
            if not hasattr(phrases, "pairs_"):
                phrases = _unfitted_copy(phrases)
                options = self._analyzer_options(fitted=False)
                options["clean"] = getattr(self, "cleaner_", None)
                options["name_evidence"] = getattr(self, "name_evidence_", None)
                phrases.fit(docs, analyzer_options=options)
            self.phrases_ = phrases
        elif phrases not in (None, False):
            raise ValueError(f"phrases must be a bool or a mekong.Phrases; got {phrases!r}")

    def _core_analyzer(self):
        return make_analyzer(**self._analyzer_options())

    def build_analyzer(self):
        """Return a callable that turns one document into its list of terms."""
        analyzer = self._core_analyzer()
        return lambda doc: analyzer.terms(doc)[0]

    def _check_input(self):
        check_input_options(self.input, *self._input_errors())

    def _input_errors(self):  # estimators pickled before these parameters existed read as the defaults
        return getattr(self, "decode_error", "replace"), getattr(self, "on_error", "raise")

    def _documents(self, raw_documents):
        """The documents as a lazy stream (see :class:`mekong._stream.DocumentStream`)."""
        return DocumentStream(raw_documents, self.input, self.encoding, *self._input_errors())

    def _fixed_vocabulary(self, analyzer):
        """The given vocabulary, normalized like the text, as {term: column}."""
        vocabulary = self.vocabulary
        if isinstance(vocabulary, set):
            vocabulary = sorted(vocabulary)
        if isinstance(vocabulary, Mapping):
            items = list(vocabulary.items())
            indices = {int(i) for _, i in items}
            if len(indices) != len(items):
                raise ValueError("Vocabulary contains repeated indices.")
            for i in range(len(items)):
                if i not in indices:
                    raise ValueError(f"Vocabulary of size {len(items)} doesn't contain index {i}.")
        else:
            items = [(t, i) for i, t in enumerate(vocabulary)]
        if not items:
            raise ValueError("empty vocabulary passed to fit")
        out = {}
        for term, index in items:
            if not isinstance(term, str):
                raise TypeError(f"vocabulary terms must be str; got {type(term).__name__}")
            key = analyzer.normalize_term(check_str("vocabulary term", term))
            if key in out:
                raise ValueError(f"Duplicate term in vocabulary: {term!r} (normalized: {key!r})")
            out[key] = int(index)
        return out

    def _core_vocabulary(self):
        core = getattr(self, "_core_vocabulary_cache", None)
        if core is None or len(core) != len(self.vocabulary_):
            by_column = sorted(self.vocabulary_, key=self.vocabulary_.__getitem__)
            core = _core.Vocabulary(by_column)
            self._core_vocabulary_cache = core
        return core

    # -- fit / transform ------------------------------------------------------------------------
    def fit(self, raw_documents, y=None):
        """Learn the vocabulary of ``raw_documents``."""
        self.fit_transform(raw_documents)
        return self

    def fit_transform(self, raw_documents, y=None):
        """Learn the vocabulary and return the document-term matrix (``scipy.sparse.csr_matrix``)."""
        with _progress.enabled(self.progress):
            return self._fit_transform(raw_documents)

    def _fit_transform(self, raw_documents):
        self._check_input()
        make_analyzer(**self._analyzer_options(fitted=False))  # bad options fail before any work
        stream = self._documents(raw_documents)
        n_jobs = check_n_jobs(self.n_jobs)
        # The learning passes need every document at once: they read the stream into a list, and
        # counting then reads that list; without them the stream is read once, batch by batch.
        learned = Materialized(stream)
        if self.vocabulary is not None:
            self._fit_text_models(learned)
            analyzer = self._core_analyzer()
            self.vocabulary_ = self._fixed_vocabulary(analyzer)
            self.fixed_vocabulary_ = True
            self._core_vocabulary_cache = None
            return self._transform(stream if learned.docs is None else learned.docs, analyzer, n_jobs, stream)
        self._fit_text_models(learned)
        analyzer = self._core_analyzer()
        min_df, min_is_count = check_df("min_df", self.min_df)
        max_df, max_is_count = check_df("max_df", self.max_df)
        max_features = check_int("max_features", self.max_features, 1, allow_none=True)
        with (
            _progress.bar(len(learned.docs) if learned.docs is not None else 0, "count") as pb,
            _stream_extras(_CountExtras(self.decode_error == "strict", pb)) as extras,
        ):
            matrix, vocabulary, replaced, aliases = _count_learn_stream(
                stream if learned.docs is None else learned.docs,
                analyzer,
                min_df,
                min_is_count,
                max_df,
                max_is_count,
                -1 if max_features is None else max_features,
                bool(self.binary),
                n_jobs,
            )
        self.vocabulary_ = {term: i for i, term in enumerate(vocabulary)}
        self.fixed_vocabulary_ = False
        if self.aliases:
            self.aliases_ = {key: dict(forms) for key, forms in sorted(aliases.items()) if key in self.vocabulary_}
        self._core_vocabulary_cache = None
        self.n_replaced_ = replaced
        self.first_invalid_ = extras.first_invalid()
        self.skipped_files_ = list(stream.skipped)
        return _csr(matrix, self.dtype)

    def transform(self, raw_documents):
        """Count the terms of ``raw_documents`` against the fitted vocabulary."""
        self._check_input()
        if not hasattr(self, "vocabulary_") and self.vocabulary is not None:
            return self.fit_transform(raw_documents)
        check_is_fitted(self, "vocabulary_")
        analyzer = self._core_analyzer()
        stream = self._documents(raw_documents)
        with _progress.enabled(self.progress):
            return self._transform(stream, analyzer, check_n_jobs(self.n_jobs), stream)

    def _transform(self, docs, analyzer, n_jobs, stream=None):
        if not self.vocabulary_:
            raise ValueError("Vocabulary is empty")
        total = len(docs) if hasattr(docs, "__len__") else 0
        with (
            _progress.bar(total, "count") as pb,
            _stream_extras(_CountExtras(self.decode_error == "strict", pb)) as extras,
        ):
            matrix, replaced, _ = _count_fixed_stream(
                docs, analyzer, self._core_vocabulary(), bool(self.binary), n_jobs
            )
        self.n_replaced_ = replaced
        self.first_invalid_ = extras.first_invalid()
        self.skipped_files_ = list(stream.skipped) if stream is not None else []
        X = _csr(matrix, self.dtype)
        return X

    def get_feature_names_out(self, input_features=None):
        """The terms, in column order, as an object array (as scikit-learn returns them)."""
        check_is_fitted(self, "vocabulary_")
        names = sorted(self.vocabulary_, key=self.vocabulary_.__getitem__)
        return np.asarray(names, dtype=object)

    def readable_feature_names(self):
        """Column names for people: alias keys shown as their most frequent spelling ("Bờ Y", not
        "boy"); words with their syllables separated by spaces ("hợp tác", not "hợp_tác"); other
        columns as in ``get_feature_names_out``. Use these for frames, plots and reports."""
        names = self.get_feature_names_out()
        if getattr(self, "words", False) or getattr(self, "phrases_", None) is not None or self.names or self.aliases:
            names = np.asarray([n.replace("_", " ") for n in names], dtype=object)
        aliases = getattr(self, "aliases_", None)
        if aliases:
            names = names.copy()
            for key, forms in aliases.items():
                names[self.vocabulary_[key]] = max(sorted(forms), key=forms.get)
        return names

    def inverse_transform(self, X):
        """The terms present in each row of ``X``."""
        check_is_fitted(self, "vocabulary_")
        X = as_csr(X)  # duplicates summed, as everywhere in the package
        names = self.get_feature_names_out()
        return [names[X.indices[X.indptr[i] : X.indptr[i + 1]]] for i in range(X.shape[0])]

    # -- pickling: the core objects are rebuilt on demand --------------------------------------
    def __getstate__(self):
        state = dict(super().__getstate__())
        state.pop("_core_vocabulary_cache", None)
        return state

    def __sklearn_is_fitted__(self):
        return hasattr(self, "vocabulary_")


__all__ = ["CountVectorizer"]
