"""scikit-learn's tokenizing parameters on the top-level vectorizers.

``strip_accents``, ``preprocessor``, ``tokenizer``, ``token_pattern`` and ``analyzer`` choose which
path turns a document into terms:

- "vietnamese": the core's analyzer (NFC, tone marks, syllables, the word segmenter, names,
  phrases). A ``preprocessor`` runs on each decoded document first, in Python; ``strip_accents``
  is applied to the terms the analyzer gives (after segmentation, so words are still found from
  the marked text).
- "core": ``token_pattern`` or ``analyzer="char"`` / ``"char_wb"`` with no callable: the core's
  scikit-learn analyzer (``_core.SkAnalyzer``, the one :mod:`mekong.sklearn` runs), counted by the
  core, over text composed to NFC with the ``tone_marks`` placement.
- "python": a callable ``analyzer``, ``preprocessor``, ``tokenizer`` or ``strip_accents`` with a
  tokenizer other than the segmenter: Python calls it document by document (the slow path); the
  parts without a callable still run in the core (patterns, char n-grams, accent stripping).

The word segmenter's own options are refused, with both options named, when something else
tokenizes.
"""

from __future__ import annotations

import re

import numpy as np

from . import _core
from ._options import OPTIONS, SKLEARN_TEXT, check_ngram_range, make_analyzer, stop_word_list

#: The segmenter's options and their neutral values: anything else needs the Vietnamese analyzer.
_SEGMENTER_OPTIONS = {
    "names": (False,),
    "aliases": (False,),
    "alias_table": (None,),
    "phrases": (None, False),
    "user_dictionary": (None,),
    "clean": (False, None),
    "numbers": (True,),
    "urls": ("drop",),
    "min_token_length": (1,),
}
_UNSUPPORTED = "unsupported in the core's regular expressions"
_MULTI_GROUP = "More than 1 capturing group in token pattern. Only a single group should be captured."


def _shown(name, value):
    return f"{name}=<callable>" if callable(value) else f"{name}={value!r}"


def sklearn_options(est):
    """The five options, validated (estimators pickled before they existed read as the defaults)."""
    return {n: OPTIONS[n].check(n, getattr(est, n, OPTIONS[n].default)) for n in SKLEARN_TEXT}


def tokenizing_path(est):
    """("vietnamese" | "core" | "python", options); raises ValueError for contradictory options."""
    p = sklearn_options(est)
    analyzer, pattern, tokenizer = p["analyzer"], p["token_pattern"], p["tokenizer"]
    if not callable(analyzer) and analyzer == "word" and pattern is None and tokenizer is None:
        return "vietnamese", p
    # Something other than the segmenter tokenizes: name it, and refuse what contradicts it.
    if callable(analyzer) or analyzer != "word":
        replacing = _shown("analyzer", analyzer)
    elif tokenizer is not None:
        replacing = _shown("tokenizer", tokenizer)
    else:
        replacing = _shown("token_pattern", pattern)
    if not callable(analyzer) and analyzer != "word":
        for other in ("tokenizer", "token_pattern"):
            if p[other] is not None:
                raise ValueError(
                    f"{_shown(other, p[other])} applies to words only; {replacing} makes character n-grams"
                )
        if getattr(est, "stop_words", None) is not None:
            raise ValueError(
                f"{_shown('stop_words', est.stop_words)} removes words; {replacing} makes character n-grams"
            )
    if tokenizer is not None and pattern is not None:
        raise ValueError(f"{_shown('token_pattern', pattern)} is unused: {_shown('tokenizer', tokenizer)} tokenizes")
    words = getattr(est, "words", True)
    if words is not True and words is not False:
        raise ValueError(f"words={words!r} chooses a word segmenter model, which {replacing} replaces")
    for name, neutral in _SEGMENTER_OPTIONS.items():
        value = getattr(est, name, neutral[0])
        if not any(value is v or (type(value) is type(v) and value == v) for v in neutral):
            raise ValueError(
                f"{_shown(name, value)} works inside the Vietnamese word analyzer, which {replacing} replaces; "
                f"leave {name} at {neutral[0]!r}"
                + (" (clean the texts first with mekong.clean or a fitted Cleaner)" if name == "clean" else "")
            )
    if callable(analyzer) or p["preprocessor"] is not None or tokenizer is not None or callable(p["strip_accents"]):
        return "python", p
    return "core", p


def check_pattern(pattern):
    """scikit-learn's checks of a token pattern: Python's re compiles it (its re.error as is) and it
    has at most one group."""
    if re.compile(pattern).groups > 1:
        raise ValueError(_MULTI_GROUP)


def stop_words(est):
    """The stop words as the text is normalized (NFC, tone marks, lower case when ``lowercase``),
    or None."""
    if est.stop_words is None:
        return None
    norm = make_analyzer(lowercase=bool(est.lowercase), tone_marks=est.tone_marks, words=False)
    return sorted({norm.normalize_text(w.encode("utf-8")) for w in stop_word_list(est.stop_words)})


def sk_analyzer(kind, lowercase, strip, pattern, stop, ngram_range):
    lo, hi = ngram_range
    return _core.SkAnalyzer(kind, lowercase, strip or "", pattern or "", stop, lo, hi)


def core_sk_analyzer(est, p):
    """The core's SkAnalyzer for the "core" path, or None when the pattern needs Python's re."""
    kind = p["analyzer"]
    pattern = p["token_pattern"] if kind == "word" else ""
    if pattern:
        check_pattern(pattern)
    stop = stop_words(est) if kind == "word" else None
    try:
        return sk_analyzer(
            kind, bool(est.lowercase), p["strip_accents"], pattern, stop, check_ngram_range(est.ngram_range)
        )
    except ValueError as exc:
        if _UNSUPPORTED in str(exc):
            return None
        raise


class Normalizer:
    """NFC and the tone-mark placement of ``tone_marks`` (and the core's lower case when asked):
    what the "core" and "python" paths read (the core's normalization, without its segmenter)."""

    def __init__(self, tone_marks, lowercase=False):
        self.tone_marks = tone_marks
        self.lowercase = lowercase
        self._core = None

    def __call__(self, text):
        if self._core is None:
            self._core = make_analyzer(lowercase=self.lowercase, tone_marks=self.tone_marks, words=False)
        return self._core.normalize_text(text.encode("utf-8", "surrogatepass"))

    def __getstate__(self):
        return {"tone_marks": self.tone_marks, "lowercase": self.lowercase, "_core": None}


class Preprocessor:
    """What build_preprocessor() returns without a ``preprocessor``: NFC and tone marks, lower case,
    then strip_accents (scikit-learn's order)."""

    def __init__(self, tone_marks, lowercase, strip_accents):
        self.normalize = Normalizer(tone_marks, lowercase)
        self.strip = Stripper(strip_accents) if isinstance(strip_accents, str) else strip_accents

    def __call__(self, text):
        text = self.normalize(text)
        return text if self.strip is None else self.strip(text)


def text_of(doc, encoding):
    """(text, replaced, first invalid byte offset or -1) of one streamed document (str or bytes):
    bytes decoded by the core with ``encoding``; a lone surrogate in a str becomes U+FFFD, as the
    core's own path counts it."""
    from .text import decode

    if isinstance(doc, str):
        try:
            doc.encode("utf-8")
            return doc, 0, -1
        except UnicodeEncodeError as exc:
            at = len(doc[: exc.start].encode("utf-8"))
            text, n = decode(doc.encode("utf-8", "surrogatepass"), "utf-8")
            return text, n, at
    data = bytes(doc)
    text, n = decode(data, encoding)
    at = -1
    if n:
        try:
            data.decode(encoding)
        except UnicodeDecodeError as exc:
            at = exc.start
        except LookupError:  # an ICU converter Python does not know
            pass
    return text, n, at


def read_texts(stream, encoding):
    texts, replaced, first = [], [], []
    for doc in stream:
        text, n, at = text_of(doc, encoding)
        texts.append(text)
        replaced.append(n)
        first.append(at)
    return texts, np.asarray(replaced, dtype=np.int64), np.asarray(first, dtype=np.int64)


def preprocessed(preprocessor, text):
    out = preprocessor(text)
    if not isinstance(out, str):
        raise TypeError(f"preprocessor must return str; got {type(out).__name__}")
    return out


def sk_count(texts, sk, config, n_jobs, progress=None):
    """Counting on the "core" path: the core's scikit-learn analyzer and count stage (min_df /
    max_df in the core), then max_features and binary. Returns (csr_matrix, terms)."""
    import scipy.sparse as sp

    n = len(texts)
    if n == 0:
        raise ValueError("empty corpus: fit needs at least one document")
    high = config.max_df if config.max_df_is_count else config.max_df * n
    low = config.min_df if config.min_df_is_count else config.min_df * n
    if high < low:
        raise ValueError("max_df corresponds to < documents than min_df")
    args = (config.min_df, config.min_df_is_count, config.max_df, config.max_df_is_count)
    parts, vocabulary = _core.sk_count(texts, sk, *args, n_jobs, progress=progress)
    terms = list(vocabulary)  # the core's dict is in column order: sorted
    if not terms:
        _, unpruned = _core.sk_count(texts, sk, 1.0, True, 1.0, False, n_jobs)
        if not unpruned:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
    data, indices, indptr, shape = parts
    X = sp.csr_matrix((data, indices, indptr), shape=shape)
    X.has_sorted_indices = True
    X, terms = limit_features(X, terms, config.max_features, config.binary)
    if config.binary:
        X.data[:] = 1
    return X, terms


class TermNormalizer:
    """A given vocabulary's terms normalized as the plan's text is (``normalize_term``)."""

    def __init__(self, est, path, p):
        self.est, self.path, self.p = est, path, p
        strip = p["strip_accents"]
        self.strip = Stripper(strip) if isinstance(strip, str) else strip

    def normalize_term(self, term):
        p = self.p
        if self.path == "vietnamese":
            term = self.est._core_analyzer().normalize_term(term)
            if self.strip is None:
                return term
            out = self.strip.terms([term]) if isinstance(self.strip, Stripper) else [self.strip(term)]
            return out[0] if out else term
        if callable(p["analyzer"]):
            return term  # the callable's terms are taken as they come
        term = Normalizer(self.est.tone_marks)(term)
        if p["preprocessor"] is None:
            if self.est.lowercase:
                term = term.lower()
            if self.strip is not None:
                term = self.strip(term)
        return term


class BuiltAnalyzer:
    """What build_analyzer() returns: a document (str, or bytes in ``encoding``) to the terms fit
    counts for it. Picklable: it holds the vectorizer (its parameters and fitted models)."""

    def __init__(self, est):
        self.est = est
        path, p = tokenizing_path(est)
        self.path, self.p = path, p
        if path == "core":
            core_sk_analyzer(est, p)  # a bad pattern fails here, not on the first document
        self._fn = None

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_fn"] = None
        return state

    def _build(self):
        est, path, p = self.est, self.path, self.p
        if path == "vietnamese" and p["preprocessor"] is None and p["strip_accents"] is None:
            analyzer = est._core_analyzer()
            return lambda text: analyzer.terms(text)[0]
        if path == "core":
            sk = core_sk_analyzer(est, p)
            if sk is not None:
                norm = Normalizer(est.tone_marks)
                return lambda text: sk.analyze(norm(text))
            path = "python"
        return TextTerms(est, path, p)

    def __call__(self, doc):
        if self._fn is None:
            self._fn = self._build()
        return self._fn(text_of(doc, self.est.encoding)[0])


class SegmenterTokens:
    """What build_tokenizer() returns on the Vietnamese path: the segmenter's syllables or words
    for the vectorizer's options and fitted models, without stop words or n-grams. Picklable."""

    def __init__(self, est):
        self.est = est
        self._analyzer = None

    def __getstate__(self):
        return {"est": self.est, "_analyzer": None}

    def __call__(self, text):
        if self._analyzer is None:
            from ._options import ANALYZER_OPTIONS

            est = self.est
            options = {n: getattr(est, n) for n in ANALYZER_OPTIONS}
            options.update(stop_words=None, ngram_range=(1, 1))
            cleaner = est.__dict__.get("cleaner_")
            self._analyzer = make_analyzer(
                cleaner=cleaner,
                name_evidence=est.__dict__.get("name_evidence_"),
                phrases=est.__dict__.get("phrases_"),
                **options,
            )
        return self._analyzer.terms(text)[0]


class Stripper:
    """strip_accents "ascii" / "unicode" as the core's ICU transforms, on a text or on a list of terms."""

    def __init__(self, how):
        self.how = how
        self._whole = self._lines = None

    def _build(self):
        # One token of the whole text; one token per line (terms never hold a line break).
        self._whole = sk_analyzer("word", False, self.how, r"(?s).+", None, (1, 1))
        self._lines = sk_analyzer("word", False, self.how, r"[^\n]+", None, (1, 1))

    def __call__(self, text):
        if self._whole is None:
            self._build()
        out = self._whole.analyze(text)
        return out[0] if out else ""

    def terms(self, terms):
        """Each term stripped; a term left empty (all marks, or non-ASCII under "ascii") is dropped."""
        if not terms:
            return []
        if self._lines is None:
            self._build()
        return self._lines.analyze("\n".join(terms))

    def __getstate__(self):
        return {"how": self.how, "_whole": None, "_lines": None}


def word_ngrams(tokens, ngram_range):
    """scikit-learn's word n-grams (joined by a space), for tokens a Python tokenizer gave."""
    lo, hi = ngram_range
    if hi == 1:
        return list(tokens) if lo == 1 else []
    out = list(tokens) if lo == 1 else []
    n = len(tokens)
    for k in range(max(lo, 2), min(hi, n) + 1):
        out.extend(" ".join(tokens[i : i + k]) for i in range(n - k + 1))
    return out


class TextTerms:
    """A document's terms on the "vietnamese" path with a preprocessor or strip_accents, or on the
    "python" path: a picklable callable over decoded text (str)."""

    def __init__(self, est, path, p):
        self.path = path
        self.p = p
        self.ngram_range = check_ngram_range(est.ngram_range)
        self.lowercase = bool(est.lowercase)
        self.normalize = Normalizer(est.tone_marks)
        strip = p["strip_accents"]
        self.strip = Stripper(strip) if isinstance(strip, str) else strip
        self.est = est if path == "vietnamese" else None  # its fitted models make the core analyzer
        self.stop = None
        if path == "python" and not callable(p["analyzer"]) and p["analyzer"] == "word":
            stop = stop_words(est)
            self.stop = frozenset(stop) if stop is not None else None
            if p["token_pattern"] is not None:
                check_pattern(p["token_pattern"])
        self._tok = self._core = None

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_tok"] = state["_core"] = None
        return state

    def _tokenizer(self):
        if self._tok is None:
            p = self.p
            if p["analyzer"] in ("char", "char_wb"):
                self._tok = sk_analyzer(p["analyzer"], False, None, "", None, self.ngram_range).analyze
            elif p["tokenizer"] is not None:
                self._tok = p["tokenizer"]
            else:
                self._tok = pattern_tokenizer(p["token_pattern"])
        return self._tok

    def preprocess(self, text):
        """The text the tokenizer reads: NFC and tone marks, then the preprocessor, or else lower
        case and strip_accents (scikit-learn's order)."""
        text = self.normalize(text)
        if self.p["preprocessor"] is not None:
            return self.p["preprocessor"](text)
        if self.lowercase:
            text = text.lower()
        if self.strip is not None:
            text = self.strip(text)
        return text

    def __call__(self, text):
        p = self.p
        if self.path == "vietnamese":
            if p["preprocessor"] is not None:
                text = p["preprocessor"](text)
            if self._core is None:  # fetched once: the vectorizer's key check is not per document
                self._core = self.est._core_analyzer()
            terms = self._core.terms(text)[0]
            if isinstance(self.strip, Stripper):
                return self.strip.terms(terms)
            if self.strip is not None:
                return [s for s in map(self.strip, terms) if s]
            return terms
        if callable(p["analyzer"]):
            return p["analyzer"](text)
        tokens = self._tokenizer()(self.preprocess(text))
        if p["analyzer"] != "word":
            return tokens
        if self.stop is not None:
            tokens = [t for t in tokens if t not in self.stop]
        return word_ngrams(tokens, self.ngram_range)


class PatternTokenizer:
    """A token pattern as a picklable tokenizer: the core's (fast path or ICU), or Python's re
    for a construct the core does not translate (as :mod:`mekong.sklearn` does)."""

    def __init__(self, pattern):
        check_pattern(pattern)
        self.pattern = pattern
        self._fn = None

    def __getstate__(self):
        return {"pattern": self.pattern, "_fn": None}

    def __call__(self, text):
        if self._fn is None:
            try:
                self._fn = sk_analyzer("word", False, None, self.pattern, None, (1, 1)).analyze
            except ValueError as exc:
                if _UNSUPPORTED not in str(exc):
                    raise
                self._fn = re.compile(self.pattern).findall
        return self._fn(text)


def pattern_tokenizer(pattern):
    return PatternTokenizer(pattern)


def limit_features(X, terms, max_features, binary):
    """The ``max_features`` columns of highest total count (with ``binary``: document count),
    ties to the term that sorts first, as the core's count stage keeps them; ``terms`` are sorted."""
    n_terms = len(terms)
    if max_features is None or max_features < 0 or n_terms <= max_features:
        return X, terms
    X = X.tocsr()
    if binary:
        weight = np.bincount(X.indices, minlength=n_terms).astype(np.float64)
    else:
        weight = np.bincount(X.indices, weights=X.data.astype(np.float64), minlength=n_terms)
    keep = np.sort(np.lexsort((np.arange(n_terms), -weight))[:max_features])
    X = X[:, keep]
    X.sort_indices()
    return X, [terms[i] for i in keep]
