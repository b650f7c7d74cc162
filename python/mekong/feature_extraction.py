"""Vectorizers: documents to term-count matrices, with scikit-learn's conventions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import scipy.sparse as sp

from . import _core, _progress
from . import _tokenizing as _tok
from ._base import BaseEstimator, TransformerMixin, check_is_fitted
from ._options import ANALYZER_OPTIONS, OPTIONS, analyzer_config, check_n_jobs, check_str, document, set_field
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


def _count_terms(docs, analyzer, config):
    """Counts the terms a Python analyzer gives (an overridden build_analyzer), with the core's rules:
    vocabulary sorted by code point, min_df / max_df, then the max_features most frequent terms
    (ties: the term that sorts first; with binary, the most frequent in documents)."""
    rows = [analyzer(doc) for doc in docs]
    n = len(rows)
    df, total = {}, {}
    for terms in rows:
        for t in set(terms):
            df[t] = df.get(t, 0) + 1
        for t in terms:
            total[t] = total.get(t, 0) + 1
    high = config.max_df if config.max_df_is_count else config.max_df * n
    low = config.min_df if config.min_df_is_count else config.min_df * n
    if high < low:
        raise ValueError("max_df corresponds to < documents than min_df")
    kept = [t for t in sorted(df) if low <= df[t] <= high]
    if config.max_features >= 0 and len(kept) > config.max_features:
        weight = df if config.binary else total  # as scikit-learn: counts are made binary first
        best = sorted(kept, key=lambda t: (-weight[t], t))[: config.max_features]
        kept = sorted(best)
    if not kept:
        if not df:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
    vocabulary = {t: i for i, t in enumerate(kept)}
    matrix, replaced = _rows_to_csr(rows, vocabulary, config.binary)
    return matrix, kept, replaced, {}


def _count_terms_fixed(docs, analyzer, vocabulary, binary):
    return _rows_to_csr([analyzer(doc) for doc in docs], vocabulary, binary)


def _rows_to_csr(rows, vocabulary, binary):
    indptr, indices, data = [0], [], []
    for terms in rows:
        counts = {}
        for t in terms:
            j = vocabulary.get(t)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        for j in sorted(counts):
            indices.append(j)
            data.append(1 if binary else counts[j])
        indptr.append(len(indices))
    shape = (len(rows), len(vocabulary))
    parts = (np.asarray(data, dtype=np.int64), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int32))
    return parts + (shape,), np.zeros(len(rows), dtype=np.int64)


@document("CountVectorizer")
class CountVectorizer(TransformerMixin, BaseEstimator):
    """Convert a collection of Vietnamese (or any) text documents to a matrix of term counts.

    A drop-in for scikit-learn's ``CountVectorizer`` with a C++ core: the same parameters where
    they overlap, the same vocabulary order (terms sorted by code point) and the same counts on
    text both tokenize alike. What differs is what Vietnamese needs: text is composed to NFC
    (NFD input gives identical results), tone marks are placed one way ("hoà" and "hòa" are one
    term), one-letter syllables are kept ("Bờ Y"), and URLs are not split into words.

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    vocabulary_ : dict of str -> int
        Term to column index.
    fixed_vocabulary_ : bool
        True when the vocabulary was given.
    cleaner_, phrases_ : the fitted Cleaner / Phrases, when used
    name_evidence_ : mekong._core.NameEvidence
        With ``names`` or ``aliases``: what the fitted corpus says about names (its ``lower``,
        ``names`` and ``clipped`` lists), held by the core.
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
        strip_accents=None,
        preprocessor=None,
        tokenizer=None,
        token_pattern: str | None = None,
        analyzer="word",
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
        self.strip_accents = strip_accents
        self.preprocessor = preprocessor
        self.tokenizer = tokenizer
        self.token_pattern = token_pattern
        self.analyzer = analyzer
        self.max_df = max_df
        self.min_df = min_df
        self.max_features = max_features
        self.vocabulary = vocabulary
        self.binary = binary
        self.dtype = dtype
        self.n_jobs = n_jobs
        self.progress = progress

    # -- the analyzer ---------------------------------------------------------------------------
    # The learned models (cleaner_.furniture_, name_evidence_, phrases_.model_) are core objects,
    # fitted once in one fit_text_models call; the core analyzer built on them is kept and reused by
    # every transform until a parameter changes, so a transform learns nothing and sends nothing.

    def _analyzer_key(self):
        return repr([getattr(self, name) for name in ANALYZER_OPTIONS + ("clean", "phrases")])

    def _base_config(self):
        """The core AnalyzerConfig of this vectorizer's options, every one validated by the table."""
        return analyzer_config(**{name: getattr(self, name) for name in ANALYZER_OPTIONS})

    def _recipes(self):
        """The Cleaner and Phrases this vectorizer uses (fitted or to fit), or None each."""
        from .cleaning import Cleaner
        from .phrases import Phrases

        cleaner = self.clean
        if cleaner is True:
            cleaner = Cleaner(n_jobs=self.n_jobs)
        elif cleaner is False or cleaner is None:
            cleaner = None
        elif not isinstance(cleaner, Cleaner):
            raise ValueError(f"clean must be a bool or a mekong.Cleaner; got {self.clean!r}")
        phrases = self.phrases
        if phrases in (None, False) and self.user_dictionary is not None and not self.words:
            phrases = Phrases.dictionary_only(self.user_dictionary)
        elif phrases is True:
            phrases = Phrases(user_dictionary=self.user_dictionary, n_jobs=self.n_jobs)
        elif phrases in (None, False):
            phrases = None
        elif not isinstance(phrases, Phrases):
            raise ValueError(f"phrases must be a bool or a mekong.Phrases; got {self.phrases!r}")
        return cleaner, phrases

    def _fit_text_models(self, docs, n_jobs, keep_prepared=False):
        """Fits what the analyzer learns from the corpus (furniture lines, name evidence, phrases) in
        one core call, and keeps the analyzer built on them for the counting pass and transforms.

        Returns the documents' preparations the learning kept for the count (``keep_prepared``:
        a ``_core.PreparedCorpus``, so the count does not decode, clean and segment them again), or
        None."""
        for name in ("cleaner_", "phrases_", "name_evidence_", "aliases_", "_analyzer"):
            self.__dict__.pop(name, None)
        cleaner, phrases = self._recipes()
        cfg = self._base_config()
        learning = _core.TextModelsConfig()
        learning.keep_prepared = keep_prepared
        prepared = None
        # A Cleaner or Phrases given fitted is used as it is; an unfitted one is a recipe: a copy is
        # fitted here, so the parameter itself never changes (a refit learns afresh).
        learn_lines = cleaner is not None and "furniture_" not in cleaner.__dict__
        learn_phrases = phrases is not None and "model_" not in phrases.__dict__
        if cleaner is not None:
            cleaner._configure(cfg)
            if learn_lines:
                cleaner = _unfitted_copy(cleaner)
                cleaner._learning(learning)
        if self.names or self.aliases:  # which capitals are names: learned over the whole corpus
            learning.name_evidence = True
        if learn_phrases:
            phrases = _unfitted_copy(phrases)
            phrases._learning(learning)
        elif phrases is not None:
            cfg.phrases = phrases.model_
        if learn_lines or learning.name_evidence or learn_phrases:
            models = _progress.fit_text_models(docs, cfg, learning, n_jobs)
            lines, evidence, learned = models.repeated_lines, models.name_evidence, models.phrases
            prepared = models.prepared
        else:  # nothing to learn: the documents are not handed to the core for it
            lines, evidence, learned = cfg.repeated_lines, cfg.name_evidence, cfg.phrases
        if learn_lines:
            cleaner.furniture_ = lines
        if learn_phrases:
            phrases.model_ = learned
        if cleaner is not None:
            self.cleaner_ = cleaner
        if phrases is not None:
            self.phrases_ = phrases
        if learning.name_evidence:
            self.name_evidence_ = evidence
        cfg.repeated_lines = lines
        cfg.name_evidence = evidence
        cfg.phrases = learned
        self._analyzer = (_core.Analyzer(cfg), self._analyzer_key())
        return prepared

    def _core_analyzer(self):
        """The core analyzer of the fitted models and current options: the one fit built, or (after
        unpickling or set_params) one rebuilt around the same core models."""
        key = self._analyzer_key()
        cached = self.__dict__.get("_analyzer")
        if cached is not None and cached[1] == key:
            return cached[0]
        cfg = self._base_config()
        cleaner = self.__dict__.get("cleaner_")
        if cleaner is not None:
            cleaner._configure(cfg)
        cfg.name_evidence = self.__dict__.get("name_evidence_")
        phrases = self.__dict__.get("phrases_")
        if phrases is not None:
            cfg.phrases = phrases._fitted_model()
        analyzer = _core.Analyzer(cfg)
        self._analyzer = (analyzer, key)
        return analyzer

    def build_analyzer(self):
        """Return a callable that turns one document into its list of terms, the terms ``fit``
        counts (same tokenizing path, same fitted models). It takes a document's content, str or
        bytes (decoded with ``encoding``), and pickles.

        ``fit`` and ``transform`` use it when a subclass overrides it (as scikit-learn's do): the
        terms it returns are counted (in Python, so slower than the core's own path)."""
        return _tok.BuiltAnalyzer(self)

    def build_tokenizer(self):
        """Return a callable that splits a preprocessed text into tokens: ``tokenizer`` when given,
        ``token_pattern``'s matches (in the core) when given, else the Vietnamese segmenter's
        syllables or words (no stop words, no n-grams). Picklable."""
        p = _tok.sklearn_options(self)
        if p["tokenizer"] is not None:
            return p["tokenizer"]
        if p["token_pattern"] is not None:
            return _tok.PatternTokenizer(p["token_pattern"])
        return _tok.SegmenterTokens(self)

    def build_preprocessor(self):
        """Return a callable that turns a text into what the tokenizer reads: ``preprocessor`` when
        given, else NFC with the ``tone_marks`` placement, lower case (``lowercase``) and
        ``strip_accents``. Picklable."""
        p = _tok.sklearn_options(self)
        if p["preprocessor"] is not None:
            return p["preprocessor"]
        return _tok.Preprocessor(self.tone_marks, bool(self.lowercase), p["strip_accents"])

    def get_stop_words(self):
        """The stop words as they are compared with tokens (normalized like the text), as a
        frozenset, or None."""
        words = _tok.stop_words(self)
        return None if words is None else frozenset(words)

    def decode(self, doc):
        """One document's text, read as ``fit`` reads it (``input``, ``encoding``, ``decode_error``):
        a path's file, a file object's content, bytes decoded; invalid bytes become U+FFFD."""
        self._check_input()
        docs = list(DocumentStream([doc], self.input, self.encoding, self._input_errors()[0], "raise"))
        if len(docs) != 1:
            raise ValueError(f"decode takes one document; {doc!r} names {len(docs)}")
        return _tok.text_of(docs[0], self.encoding)[0]

    def _custom_analyzer(self):
        """The overriding build_analyzer()'s callable, or None when the core's analyzer is used."""
        if type(self).build_analyzer is CountVectorizer.build_analyzer:
            return None
        return self.build_analyzer()

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
        with _progress.enabled(getattr(self, "progress", False)):
            return self._fit_transform(raw_documents)

    def _fit_transform(self, raw_documents):
        self._check_input()
        self._base_config()  # bad options fail before any work
        plan = self._tokenizing_plan()
        if plan is not None:
            return self._fit_transform_plan(raw_documents, *plan)
        stream = self._documents(raw_documents)
        n_jobs = check_n_jobs(self.n_jobs)
        # The learning passes need every document at once: they read the stream into a list, and
        # counting then reads that list; without them the stream is read once, batch by batch.
        learned = Materialized(stream)
        # The learning keeps each document's preparation for the core's count below (not when an
        # overriding build_analyzer's terms are counted in Python).
        core_counts = type(self).build_analyzer is CountVectorizer.build_analyzer
        prepared = self._fit_text_models(learned, n_jobs, keep_prepared=core_counts)
        analyzer = self._core_analyzer()
        self._core_vocabulary_cache = None
        custom = self._custom_analyzer()
        if self.vocabulary is not None:
            self.vocabulary_ = self._fixed_vocabulary(analyzer)
            self.fixed_vocabulary_ = True
            docs = stream if learned.docs is None else learned.docs
            return self._transform(docs, analyzer, n_jobs, stream, custom, prepared)
        config = self._count_config()
        if custom is not None:  # a Python analyzer's terms are counted in Python, on all documents at once
            if len(learned) == 0:
                raise ValueError("empty corpus: fit needs at least one document")
            matrix, vocabulary, replaced, aliases = _count_terms(learned.docs, custom, config)
            first_invalid = np.full(len(learned.docs), -1, dtype=np.int64)
        else:
            with (
                _progress.bar(len(learned.docs) if learned.docs is not None else stream.size_hint(), "count") as pb,
                _stream_extras(_CountExtras(self._input_errors()[0] == "strict", pb, prepared)) as extras,
            ):
                matrix, vocabulary, replaced, aliases = _count_learn_stream(
                    stream if learned.docs is None else learned.docs, analyzer, config, n_jobs
                )
            first_invalid = extras.first_invalid()
        self.vocabulary_ = {term: i for i, term in enumerate(vocabulary)}
        self.fixed_vocabulary_ = False
        if self.aliases:
            self.aliases_ = {key: dict(forms) for key, forms in sorted(aliases.items()) if key in self.vocabulary_}
        self.n_replaced_ = replaced
        self.first_invalid_ = first_invalid
        self.skipped_files_ = list(stream.skipped)
        return _csr(matrix, self.dtype)

    def transform(self, raw_documents):
        """Count the terms of ``raw_documents`` against the fitted vocabulary."""
        self._check_input()
        if not hasattr(self, "vocabulary_") and self.vocabulary is not None:
            return self.fit_transform(raw_documents)
        check_is_fitted(self, "vocabulary_")
        plan = self._tokenizing_plan()
        if plan is not None:
            with _progress.enabled(getattr(self, "progress", False)):
                return self._transform_plan(raw_documents, *plan)
        analyzer = self._core_analyzer()
        stream = self._documents(raw_documents)
        with _progress.enabled(getattr(self, "progress", False)):
            return self._transform(stream, analyzer, check_n_jobs(self.n_jobs), stream, self._custom_analyzer())

    def _transform(self, docs, analyzer, n_jobs, stream=None, custom=None, prepared=None):
        if not self.vocabulary_:
            raise ValueError("Vocabulary is empty")
        if custom is not None:
            matrix, replaced = _count_terms_fixed(docs, custom, self.vocabulary_, bool(self.binary))
            first_invalid = np.full(len(replaced), -1, dtype=np.int64)
        else:
            total = len(docs) if hasattr(docs, "__len__") else docs.size_hint() if hasattr(docs, "size_hint") else 0
            with (
                _progress.bar(total, "count") as pb,
                _stream_extras(_CountExtras(self._input_errors()[0] == "strict", pb, prepared)) as extras,
            ):
                matrix, replaced, _ = _count_fixed_stream(
                    docs, analyzer, self._core_vocabulary(), bool(self.binary), n_jobs
                )
            first_invalid = extras.first_invalid()
        self.n_replaced_ = replaced
        self.first_invalid_ = first_invalid
        self.skipped_files_ = list(stream.skipped) if stream is not None else []
        return _csr(matrix, self.dtype)

    # -- scikit-learn's tokenizing parameters: the paths other than the core's default one ---------
    def _tokenizing_plan(self):
        """None when the core's own analyzer and counting run (the default); else (path, options)
        (see :mod:`mekong._tokenizing`). An overridden build_analyzer keeps its own path."""
        path, p = _tok.tokenizing_path(self)
        if type(self).build_analyzer is not CountVectorizer.build_analyzer:
            return None
        if path == "vietnamese" and p["preprocessor"] is None and p["strip_accents"] is None:
            return None
        if path == "core":
            sk = _tok.core_sk_analyzer(self, p)
            return ("core", p, sk) if sk is not None else ("python", p, None)
        return path, p, None

    def _set_given_vocabulary(self):
        """vocabulary_ from the given ``vocabulary``, normalized as the terms will be, without a fit."""
        path, p = _tok.tokenizing_path(self)
        if path == "vietnamese" and p["strip_accents"] is None:
            normalizer = self._core_analyzer()
        else:
            normalizer = _tok.TermNormalizer(self, path, p)
        self.vocabulary_ = self._fixed_vocabulary(normalizer)
        self.fixed_vocabulary_ = True

    def _count_config(self):
        config = _core.CountConfig()
        for name in ("min_df", "max_df"):
            value, is_count = OPTIONS[name].check(name, getattr(self, name))
            set_field(config, OPTIONS[name].field, value)
            setattr(config, name + "_is_count", is_count)
        max_features = OPTIONS["max_features"].check("max_features", self.max_features)
        config.max_features = -1 if max_features is None else max_features
        config.binary = OPTIONS["binary"].check("binary", self.binary)
        return config

    def _plan_texts(self, raw_documents, path, p):
        """The documents as the plan's tokenizer reads them, with the decoding record."""
        stream = self._documents(raw_documents)
        texts, replaced, first = _tok.read_texts(stream, self.encoding)
        if path == "vietnamese" and p["preprocessor"] is not None:
            texts = [_tok.preprocessed(p["preprocessor"], t) for t in texts]
        elif path == "core":
            norm = _tok.Normalizer(self.tone_marks)
            texts = [norm(t) for t in texts]
        self.n_replaced_ = replaced
        self.first_invalid_ = first
        self.skipped_files_ = list(stream.skipped)
        return texts

    def _plan_terms(self, path, p):
        """The Python callable over (prepared) texts for the paths counted in Python, or None."""
        if path == "vietnamese":
            return None if p["strip_accents"] is None else _tok.TextTerms(self, path, dict(p, preprocessor=None))
        if path == "python":
            return _tok.TextTerms(self, path, p)
        return None

    def _fit_transform_plan(self, raw_documents, path, p, sk):
        n_jobs = check_n_jobs(self.n_jobs)
        config = self._count_config()
        self._core_vocabulary_cache = None
        self.__dict__.pop("aliases_", None)
        texts = self._plan_texts(raw_documents, path, p)
        if path == "vietnamese":
            self._fit_text_models(texts, n_jobs)
        else:
            for name in ("cleaner_", "phrases_", "name_evidence_", "_analyzer"):
                self.__dict__.pop(name, None)
        if self.vocabulary is not None:
            self.vocabulary_ = self._fixed_vocabulary(_tok.TermNormalizer(self, path, p))
            self.fixed_vocabulary_ = True
            return self._transform_texts(texts, path, p, sk, n_jobs)
        terms_fn = self._plan_terms(path, p)
        aliases = {}
        if path == "core":
            with _progress.bar(len(texts), "count") as pb:
                X, vocabulary = _tok.sk_count(texts, sk, config, n_jobs, pb)
            X = X.astype(self.dtype) if X.dtype != np.dtype(self.dtype) else X
        elif terms_fn is None:  # the Vietnamese analyzer after a preprocessor: counted by the core
            matrix, vocabulary, _, aliases = _count_learn_stream(texts, self._core_analyzer(), config, n_jobs)
            X = _csr(matrix, self.dtype)
        else:
            if not texts:
                raise ValueError("empty corpus: fit needs at least one document")
            matrix, vocabulary, _, _ = _count_terms(texts, terms_fn, config)
            X = _csr(matrix, self.dtype)
        self.vocabulary_ = {term: i for i, term in enumerate(vocabulary)}
        self.fixed_vocabulary_ = False
        if self.aliases and path == "vietnamese" and p["strip_accents"] is None:
            self.aliases_ = {key: dict(forms) for key, forms in sorted(aliases.items()) if key in self.vocabulary_}
        return X

    def _transform_plan(self, raw_documents, path, p, sk):
        texts = self._plan_texts(raw_documents, path, p)
        return self._transform_texts(texts, path, p, sk, check_n_jobs(self.n_jobs))

    def _transform_texts(self, texts, path, p, sk, n_jobs):
        if not self.vocabulary_:
            raise ValueError("Vocabulary is empty")
        binary = bool(self.binary)
        terms_fn = self._plan_terms(path, p)
        if path == "core":
            terms = sorted(self.vocabulary_, key=self.vocabulary_.__getitem__)
            with _progress.bar(len(texts), "count") as pb:
                X = _csr(_core.sk_count_fixed(texts, sk, terms, n_jobs, progress=pb), None)
            if binary:
                X.data[:] = 1
            return X.astype(self.dtype) if X.dtype != np.dtype(self.dtype) else X
        if terms_fn is None:
            matrix, _, _ = _count_fixed_stream(texts, self._core_analyzer(), self._core_vocabulary(), binary, n_jobs)
        else:
            matrix, _ = _count_terms_fixed(texts, terms_fn, self.vocabulary_, binary)
        return _csr(matrix, self.dtype)

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

    # -- pickling: the learned models pickle through the core; the analyzer is rebuilt on demand --
    def __getstate__(self):
        state = dict(super().__getstate__())
        state.pop("_core_vocabulary_cache", None)
        state.pop("_analyzer", None)
        return state

    def __sklearn_is_fitted__(self):
        return hasattr(self, "vocabulary_")


__all__ = ["CountVectorizer"]
