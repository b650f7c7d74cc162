"""The options table: every user-facing option of the text stages declared once.

Each :class:`Option` gives an option's name, default, validator, one documentation entry and the
core config field it lands in (``"NormalizeConfig.tone_marks"``: the C++ struct and its field, bound
to Python under the same name). From the table:

- :func:`analyzer_config` builds the core's ``AnalyzerConfig`` (validating every value);
- :func:`document` writes the ``Parameters`` section of the estimators' and functions' docstrings;
- the tests check each explicit ``__init__`` / function signature against :data:`SIGNATURES` (names,
  defaults, order) and each ``field`` against the bound structs.

The signatures themselves stay written out: scikit-learn's ``get_params`` reads them.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import _core

TONE_STYLES = {
    "traditional": _core.ToneStyle.traditional,
    "modern": _core.ToneStyle.modern,
    None: _core.ToneStyle.keep,
}
LINK_POLICIES = {"drop": _core.LinkPolicy.drop, "keep": _core.LinkPolicy.keep, "split": _core.LinkPolicy.split}


# -- validators: check(name, value) returns the value the core takes ------------------------------


def _choice(name, value, allowed):
    try:
        if value in allowed:
            return allowed[value]
    except TypeError:  # an unhashable value is not one of them either
        pass
    shown = ", ".join(repr(a) for a in allowed)
    raise ValueError(f"{name} must be one of {shown}; got {value!r}")


def check_bool(name, value):
    """A bool (NumPy's included); anything else is refused rather than read for its truth."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name} must be a bool; got {type(value).__name__}")


def check_int(name, value, minimum=None, allow_none=False, maximum=2**62):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}")
    if value > maximum:
        raise ValueError(f"{name} must be <= {maximum}; got {value}")
    return int(value)


def check_str(name, value):
    """``value`` as a str the core can read: UTF-8 cannot hold a lone surrogate (what a bad decode
    or ``errors="surrogateescape"`` leaves in a str), so one is refused here, by the argument's name,
    rather than by pybind11's "incompatible function arguments"."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be str; got {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ValueError(
            f"{name} holds a lone surrogate {value[e.start]!r} at index {e.start}, which UTF-8 cannot write; "
            "decode its source with errors='replace'"
        ) from None
    return value


def check_encoding(encoding, name="encoding"):
    """An encoding name: a str without NUL (ICU reads the name as a C string and would stop there)."""
    if not isinstance(encoding, str):
        raise TypeError(f"{name} must be a str; got {type(encoding).__name__}")
    check_str(name, encoding)
    if "\0" in encoding:
        raise ValueError(f"encoding name {encoding!r} contains a NUL character")
    return encoding


def check_decode_error(decode_error):
    """decode_error as scikit-learn names it: "replace" (U+FFFD, counted) or "strict" (an error naming
    the document and the byte offset). Returns True for strict."""
    if decode_error not in ("replace", "strict"):
        raise ValueError(f"decode_error must be 'replace' or 'strict'; got {decode_error!r}")
    return decode_error == "strict"


def check_real(name, value, low=None, high=None):
    """A finite real number (NumPy scalars included) in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be in [{low}, {high}]; got {value!r}")
    return float(value)


def check_n_jobs(n_jobs, name="n_jobs"):
    """n_jobs as scikit-learn means it (None: 1); the one int every core call takes."""
    if n_jobs is None:
        return 1
    n = check_int(name, n_jobs, maximum=4096)
    if n == 0:
        raise ValueError("n_jobs == 0 has no meaning; use 1 for serial work or -1 for all cores")
    return n


def check_ngram_range(ngram_range, name="ngram_range"):
    try:
        lo, hi = ngram_range
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (min_n, max_n); got {ngram_range!r}") from None
    lo = check_int(f"{name}[0]", lo, 1)
    hi = check_int(f"{name}[1]", hi, 1)
    if lo > hi:
        raise ValueError(
            f"Invalid value for ngram_range={ngram_range!r}: lower boundary larger than the upper boundary."
        )
    return lo, hi


def stop_word_list(stop_words, name="stop_words") -> list[str]:
    if stop_words is None:
        return []
    if isinstance(stop_words, str):
        if stop_words == "vietnamese":
            from .stopwords import VIETNAMESE_STOP_WORDS

            return sorted(VIETNAMESE_STOP_WORDS)
        raise ValueError(f"{name} must be None, 'vietnamese' or a list of words; got {stop_words!r}")
    try:
        words = list(stop_words)
    except TypeError:
        raise TypeError(
            f"{name} must be None, 'vietnamese' or a list of words; got {type(stop_words).__name__}"
        ) from None
    for i, w in enumerate(words):
        if not isinstance(w, str):
            raise TypeError(f"{name}[{i}] is {type(w).__name__}, expected str")
        check_str(f"{name}[{i}]", w)
    return words


WORD_MODEL_PATH = Path(__file__).resolve().parent / "models" / "words.bin"


def word_model(words, name="words"):
    """The core word model that ``words`` asks for: True -> the shipped model (loaded once per
    process and shared), False/None -> none (syllables), a path -> that model file, or a
    ``_core.WordModel`` as it is."""
    if words is None or words is False:
        return None
    if words is True:
        return _core.WordModel.load(str(WORD_MODEL_PATH))
    if isinstance(words, _core.WordModel):
        return words
    if isinstance(words, (str, Path)):
        return _core.WordModel.load(str(words))
    raise ValueError(f"{name} must be True, False, a model file path or a WordModel; got {words!r}")


def check_alias_table(alias_table, name="alias_table"):
    if alias_table is None:
        return []
    items = alias_table.items() if hasattr(alias_table, "items") else alias_table
    table = []
    for i, pair in enumerate(items):
        try:
            spelling, target = pair
        except (TypeError, ValueError):
            raise ValueError(f"{name} entry {i} must be a (spelling, name) pair; got {pair!r}") from None
        if not isinstance(spelling, str) or not isinstance(target, str) or not spelling.strip() or not target.strip():
            raise ValueError(f"{name} entry {i}: {pair!r} must map a non-empty str to a non-empty str")
        check_str(f"{name} entry {i} spelling", spelling)
        check_str(f"{name} entry {i} name", target)
        table.append((spelling, target))
    return table


def check_user_dictionary(user_dictionary, name="user_dictionary"):
    """The words of a user dictionary as lists of syllables (see read_user_dictionary), or []."""
    if user_dictionary is None:
        return []
    from .phrases import read_user_dictionary

    return read_user_dictionary(user_dictionary)


def check_markers(markers, name="end_markers"):
    out = []
    for i, m in enumerate(markers):
        if not isinstance(m, str):
            raise TypeError(f"{name}[{i}] is {type(m).__name__}, expected str")
        out.append(check_str(f"{name}[{i}]", m))
    return out


def check_df(name, value):
    """scikit-learn's min_df / max_df: an int is a document count, a float a proportion."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an int or a float; got bool")
    if isinstance(value, numbers.Integral):
        if value < 0:
            raise ValueError(f"{name} must be >= 0 when it is a document count; got {value}")
        return float(value), True
    if isinstance(value, numbers.Real):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be in [0.0, 1.0] when it is a proportion; got {value}")
        return float(value), False
    raise TypeError(f"{name} must be an int or a float; got {type(value).__name__}")


# -- the table -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One option: ``check(name, value)`` validates and returns what the core takes; ``field`` is
    ``"Struct.field"`` of the C++ config it lands in (bound under the same names), or None for an
    option that no core config struct holds (it is used in Python, or passed as an argument)."""

    name: str
    default: Any
    doc: str
    check: Callable[[str, Any], Any] | None = None
    field: str | None = None


def _option(name, default, doc, check=None, field=None):
    return Option(name, default, doc.strip("\n"), check, field)


_OPTIONS = [
    # text: how a document becomes terms (the analyzer)
    _option(
        "input",
        "content",
        """input : {"content", "filename", "file"}, default="content"
    What the documents are: texts (str, or bytes in ``encoding``), paths, or open files.
    ``raw_documents`` may be any iterable, a generator included; with "filename" it may also be
    one path, and each path may be a file, a folder (its ``*.txt`` files, recursively, sorted)
    or a glob pattern ("news/**/*.txt"). Documents are read lazily and counted in batches of
    about ``mekong._stream.BATCH_BYTES``, so memory holds the matrix and one batch, not the
    corpus (see the README's "Corpora larger than memory").""",
        lambda n, v: _choice(n, v, {"content": "content", "filename": "filename", "file": "file"}),
    ),
    _option(
        "encoding",
        "utf-8",
        """encoding : str, default="utf-8"
    Encoding of bytes input and files; any ICU converter name ("windows-1258", "utf-16", ...).
    Invalid bytes become U+FFFD and are counted.""",
        lambda n, v: check_encoding(v, n),
        "AnalyzerConfig.encoding",
    ),
    _option(
        "decode_error",
        "replace",
        """decode_error : {"replace", "strict", "ignore"}, default="replace"
    What invalid bytes do: become U+FFFD (counted in ``n_replaced_``), raise
    UnicodeDecodeError naming the document, file and byte offset, or vanish. "strict" and
    "ignore" decode with Python's codec of ``encoding``.""",
        lambda n, v: _choice(n, v, {"replace": "replace", "strict": "strict", "ignore": "ignore"}),
    ),
    _option(
        "on_error",
        "raise",
        """on_error : {"raise", "skip"}, default="raise"
    A file that is missing or cannot be read: raise an OSError naming it (nothing is returned),
    or skip it and list it in ``skipped_files_``. Skipped files have no row.""",
        lambda n, v: _choice(n, v, {"raise": "raise", "skip": "skip"}),
    ),
    _option(
        "strip_accents",
        None,
        """strip_accents : {"ascii", "unicode"} or callable, default=None
    scikit-learn's accent removal, as ICU transforms in the core: "unicode" is NFKD then every
    combining mark removed, "ascii" NFKD then every non-ASCII character removed; a callable is
    called on each document by Python. On Vietnamese this erases tone and vowel marks: "hòa",
    "hoa" and "hóa" become one term, "đ" stays (it is a letter, not a mark) under "unicode" and
    is dropped under "ascii". With the Vietnamese word analyzer the marks go after segmentation
    ("hòa_bình" -> "hoa_binh"), so words are still found from the marked text.""",
        lambda n, v: _check_strip_accents(n, v),
    ),
    _option(
        "lowercase",
        True,
        """lowercase : bool, default=True
    Lower-case every token (Unicode simple case mapping: "Đ" -> "đ").""",
        check_bool,
        "NormalizeConfig.lowercase",
    ),
    _option(
        "preprocessor",
        None,
        """preprocessor : callable, default=None
    Called by Python on each decoded document (str -> str) before it is tokenized (the slow
    path). With ``token_pattern``, a char analyzer or a ``tokenizer`` it replaces ``lowercase``
    and ``strip_accents``, as in scikit-learn; with the Vietnamese word analyzer it runs first and
    the core's normalization (NFC, tone marks, ``lowercase``) still follows.""",
        lambda n, v: _check_callable(n, v),
    ),
    _option(
        "tokenizer",
        None,
        """tokenizer : callable, default=None
    Called by Python on each preprocessed document (str -> list of str); replaces the word
    segmenter (and ``token_pattern``). Stop words and n-grams then apply to its tokens, in Python
    (the slow path). Only with ``analyzer="word"``.""",
        lambda n, v: _check_callable(n, v),
    ),
    _option(
        "tone_marks",
        "traditional",
        """tone_marks : {"traditional", "modern", None}, default="traditional"
    Where the tone mark of a Vietnamese syllable goes. "traditional" writes "hòa, khỏe, thủy"
    (the placement most news uses), "modern" writes "hoà, khoẻ, thuỷ" (the 2018 school rule);
    either way both spellings become one term. None leaves marks where they are.""",
        lambda n, v: _choice(n, v, TONE_STYLES),
        "NormalizeConfig.tone_marks",
    ),
    _option(
        "numbers",
        True,
        """numbers : bool, default=True
    Keep tokens made only of digits ("2025", "747").""",
        check_bool,
        "SegmentConfig.numbers",
    ),
    _option(
        "urls",
        "drop",
        """urls : {"drop", "keep", "split"}, default="drop"
    URLs and e-mail addresses: dropped, kept whole as one token, or split like ordinary text
    (scikit-learn's behaviour).""",
        lambda n, v: _choice(n, v, LINK_POLICIES),
        "SegmentConfig.urls",
    ),
    _option(
        "min_token_length",
        1,
        """min_token_length : int, default=1
    Shortest token kept, in characters. Vietnamese has meaningful one-letter syllables ("Bờ Y",
    "y tế"); scikit-learn's default pattern corresponds to 2.""",
        lambda n, v: check_int(n, v, 1),
        "SegmentConfig.min_token_length",
    ),
    _option(
        "stop_words",
        None,
        """stop_words : list of str, "vietnamese" or None, default=None
    Words removed before n-grams are formed, normalized like the text; "vietnamese" is the
    built-in list (:mod:`mekong.stopwords`).""",
        lambda n, v: stop_word_list(v, n),
        "AnalyzerConfig.stop_words",
    ),
    _option(
        "token_pattern",
        None,
        """token_pattern : str or None, default=None
    None: tokens are Vietnamese syllables and words from the core's segmenter. A regular
    expression (scikit-learn's syntax, e.g. ``r"(?u)\\b\\w\\w+\\b"``) replaces the segmenter:
    runs of word characters take the core's fast path, other patterns run through ICU's regular
    expressions in the core; a pattern with one group gives the group. Text is still composed to
    NFC with ``tone_marks`` placement first. The segmenter's own options (``words`` other than
    True/False, ``names``, ``aliases``, ``alias_table``, ``phrases``, ``user_dictionary``, ``clean``,
    ``numbers=False``, ``urls`` other than "drop", ``min_token_length`` > 1) are refused with it.""",
        lambda n, v: _check_token_pattern(n, v),
    ),
    _option(
        "ngram_range",
        (1, 1),
        """ngram_range : (int, int), default=(1, 1)
    Token n-grams from ``min_n`` to ``max_n`` tokens, joined by a space.""",
        lambda n, v: check_ngram_range(v, n),
        "AnalyzerConfig.ngram_range",
    ),
    _option(
        "clean",
        False,
        """clean : bool or Cleaner, default=False
    Drop page furniture before counting (:class:`mekong.Cleaner`): True learns the lines the
    fitted corpus repeats; an unfitted Cleaner is fitted on it; a fitted one is used as it is.
    Off by default, as in scikit-learn; recommended for scraped articles.""",
        None,
        "AnalyzerConfig.clean",
    ),
    _option(
        "names",
        False,
        """names : bool, default=False
    Each name ("Kon Tum", "Ắt-ta-pư") becomes one term ("kon_tum").""",
        check_bool,
        "AnalyzerConfig.names",
    ),
    _option(
        "aliases",
        False,
        """aliases : bool, default=False
    Each name becomes its accent- and hyphen-free key, so "Attapư", "Attapu" and "Ắt-ta-pư"
    share one column ("name:attapu"); the spellings seen are in ``aliases_``. Implies ``names``.""",
        check_bool,
        "AnalyzerConfig.aliases",
    ),
    _option(
        "alias_table",
        None,
        """alias_table : mapping of str to str, optional
    Spellings to count as another name: ``{"Attapeu": "Attapư"}``.""",
        lambda n, v: check_alias_table(v, n),
        "AnalyzerConfig.alias_table",
    ),
    _option(
        "phrases",
        None,
        """phrases : bool or Phrases, optional
    Multi-syllable words: True learns them from the fitted corpus (:class:`mekong.Phrases`
    defaults); an unfitted Phrases is fitted on it; a fitted one is used as it is.""",
        None,
        "AnalyzerConfig.phrases",
    ),
    _option(
        "user_dictionary",
        None,
        """user_dictionary : list of str or path, optional
    Words to join by longest match ("hợp tác", "Kon Tum"), one per line in a file. With
    ``words=True`` they are forced as words in the segmenter.""",
        lambda n, v: check_user_dictionary(v, n),
        "AnalyzerConfig.user_dictionary",
    ),
    _option(
        "words",
        True,
        """words : bool, default=True
    Terms are Vietnamese words, their syllables joined by "_" ("hợp_tác"), as the word segmenter
    in the core finds them (see :func:`mekong.word_tokenize`); False gives one term per syllable,
    which is what scikit-learn's token pattern sees.""",
        lambda n, v: word_model(v, n),
        "AnalyzerConfig.words",
    ),
    _option(
        "analyzer",
        "word",
        """analyzer : {"word", "char", "char_wb"} or callable, default="word"
    "word": terms are words (or ``token_pattern`` / ``tokenizer`` tokens) and their n-grams.
    "char" / "char_wb": character n-grams of ``ngram_range`` lengths, in the core, with
    scikit-learn's semantics ("char_wb" only inside words, padded with a space), over the
    NFC text with ``tone_marks`` placement; the word segmenter's options are refused with them. A
    callable gets each decoded document and returns its terms (the slow path): scikit-learn's other
    text options are then ignored, as in scikit-learn, and the segmenter's are refused.""",
        lambda n, v: _check_analyzer(n, v),
    ),
    # counting
    _option(
        "max_df",
        1.0,
        """max_df : float in [0.0, 1.0] or int, default=1.0
    Ignore terms in more than this proportion (float) or number (int) of documents.""",
        check_df,
        "CountConfig.max_df",
    ),
    _option(
        "min_df",
        1,
        """min_df : float in [0.0, 1.0] or int, default=1
    Ignore terms in fewer than this proportion (float) or number (int) of documents.""",
        check_df,
        "CountConfig.min_df",
    ),
    _option(
        "max_features",
        None,
        """max_features : int or None, default=None
    Keep only the ``max_features`` terms with the highest total count (ties: the term that sorts
    first).""",
        lambda n, v: check_int(n, v, 1, allow_none=True),
        "CountConfig.max_features",
    ),
    _option(
        "vocabulary",
        None,
        """vocabulary : Mapping or iterable of str, default=None
    A fixed vocabulary (term -> column, or a list giving the column order). Terms are normalized
    like the text.""",
    ),
    _option(
        "binary",
        False,
        """binary : bool, default=False
    Record 1 for every term present instead of its count.""",
        check_bool,
        "CountConfig.binary",
    ),
    _option(
        "dtype",
        np.int64,
        """dtype : dtype, default=np.int64
    Type of the returned matrix (TfidfVectorizer: float64 or float32).""",
    ),
    # weighting (TfidfVectorizer)
    _option(
        "norm",
        "l2",
        """norm : {"l2", "l1", None}, default="l2"
    Each row scaled to unit norm.""",
    ),
    # hashing (HashingVectorizer)
    _option(
        "n_features",
        2**20,
        """n_features : int, default=2**20
    Columns of the output: a term's column is its MurmurHash3 (as scikit-learn computes it) modulo
    ``n_features``. Fewer columns, more terms sharing one.""",
    ),
    _option(
        "alternate_sign",
        True,
        """alternate_sign : bool, default=True
    Add a term's count with the sign of its hash, so that terms colliding in a column tend to cancel
    rather than add up (scikit-learn's rule).""",
        check_bool,
    ),
    _option(
        "use_idf",
        True,
        """use_idf : bool, default=True
    Weight by inverse document frequency.""",
    ),
    _option(
        "smooth_idf",
        True,
        """smooth_idf : bool, default=True
    Add one to document frequencies, as if an extra document held every term once.""",
    ),
    _option(
        "sublinear_tf",
        False,
        """sublinear_tf : bool, default=False
    Replace tf with 1 + log(tf).""",
    ),
    # cleaning (Cleaner, clean)
    _option(
        "min_documents",
        2,
        """min_documents : int, default=2
    A line is furniture when this many documents carry it.""",
        lambda n, v: check_int(n, v, 2),
        "TextModelsConfig.min_documents",
    ),
    _option(
        "markup",
        True,
        """markup : bool, default=True
    Markdown images go, markdown links keep their text, HTML tags go and entities are decoded.""",
        check_bool,
        "CleanConfig.markup",
    ),
    _option(
        "captions",
        True,
        """captions : bool, default=True
    Caption lines (between ``|`` bars, "Ảnh: ...") go.""",
        check_bool,
        "CleanConfig.captions",
    ),
    _option(
        "headline_lists",
        True,
        """headline_lists : bool, default=True
    A trailing list of three or more short headline-like lines goes.""",
        check_bool,
        "CleanConfig.headline_lists",
    ),
    _option(
        "end_markers",
        None,
        """end_markers : list of str or None, default=None
    Section markers that end an article (a line that is only the marker); None means
    ``DEFAULT_END_MARKERS``.""",
        None,
        "CleanConfig.end_markers",
    ),
    _option(
        "extra_end_markers",
        (),
        """extra_end_markers : list of str, default=()
    Markers added to ``end_markers`` (for sites with their own).""",
        lambda n, v: check_markers(v, n),
    ),
    # phrases (Phrases)
    _option(
        "min_count",
        3,
        """min_count : int, default=3
    A pair of units becomes a phrase only when seen at least this many times.""",
        lambda n, v: check_int(n, v, 1),
        "PhraseConfig.min_count",
    ),
    _option(
        "threshold",
        0.4,
        """threshold : float in [-1, 1], default=0.4
    The lowest normalized PMI score of a pair that becomes a phrase.""",
        lambda n, v: check_real(n, v, -1.0, 1.0),
        "PhraseConfig.threshold",
    ),
    _option(
        "passes",
        1,
        """passes : int in [1, 4], default=1
    More passes make longer words ("ủy_ban_nhân_dân") and, on the gold set, more over-joins.""",
        lambda n, v: _check_passes(n, v),
        "PhraseConfig.passes",
    ),
    _option(
        "n_jobs",
        1,
        """n_jobs : int, default=1
    Threads for the core: 1 serial, -1 all cores. Results are identical for any value.""",
        check_n_jobs,
    ),
    _option(
        "progress",
        False,
        """progress : bool, default=False
    Show a progress bar (documents done) in ``fit`` and ``transform`` through tqdm when it is
    installed; without tqdm nothing is shown. The result is the same either way.""",
        check_bool,
    ),
]


def _check_callable(name, value):
    if value is not None and not callable(value):
        raise TypeError(f"{name} must be None or a callable; got {type(value).__name__}")
    return value


def _check_strip_accents(name, value):
    if value is None or callable(value):
        return value
    return _choice(name, value, {"ascii": "ascii", "unicode": "unicode"})


def _check_token_pattern(name, value):
    if value is None:
        return None
    return check_str(name, value)


def _check_analyzer(name, value):
    if callable(value):
        return value
    return _choice(name, value, {"word": "word", "char": "char", "char_wb": "char_wb"})


def _check_passes(name, value):
    passes = check_int(name, value, 1)
    if passes > 4:
        raise ValueError(f"{name} must be in [1, 4]; got {passes}")
    return passes


OPTIONS: dict[str, Option] = {o.name: o for o in _OPTIONS}

_TEXT = ("lowercase", "tone_marks", "numbers", "urls", "min_token_length", "stop_words", "ngram_range")
#: scikit-learn's tokenizing parameters the vectorizers take besides the Vietnamese options.
SKLEARN_TEXT = ("strip_accents", "preprocessor", "tokenizer", "token_pattern", "analyzer")
#: The vectorizer parameters that decide a document's terms and need nothing learned from a corpus
#: (cleaning, names and learned phrases do): what the stateless HashingVectorizer takes.
HASHING_ANALYZER = (
    ("input", "encoding", "decode_error", "on_error") + _TEXT + ("user_dictionary", "words") + SKLEARN_TEXT
)
_VECTORIZER = (
    ("input", "encoding", "decode_error", "on_error")
    + _TEXT
    + ("clean", "names", "aliases", "alias_table", "phrases", "user_dictionary", "words")
    + SKLEARN_TEXT
    + ("max_df", "min_df", "max_features", "vocabulary", "binary", "dtype")
)

#: Each public signature that takes table options: its parameters in order, with the defaults that
#: differ from the table's as (name, default) pairs.
SIGNATURES: dict[str, tuple] = {
    "tokenize": _TEXT + ("encoding", "words"),
    "normalize": ("lowercase", "tone_marks"),
    "CountVectorizer": _VECTORIZER + ("n_jobs", "progress"),
    "TfidfVectorizer": _VECTORIZER[:-1]
    + (("dtype", np.float64), "norm", "use_idf", "smooth_idf", "sublinear_tf", "n_jobs", "progress"),
    "HashingVectorizer": HASHING_ANALYZER
    + ("n_features", "binary", "norm", "alternate_sign", ("dtype", np.float64), "n_jobs", "progress"),
    "Cleaner": ("min_documents", "markup", "captions", "headline_lists", "end_markers", "extra_end_markers", "n_jobs"),
    "clean": ("markup", "captions", "headline_lists", "end_markers", "extra_end_markers"),
    "Phrases": ("min_count", "threshold", "passes", ("stop_words", "vietnamese"), "user_dictionary", "words", "n_jobs"),
    "extract_names": (("stop_words", "vietnamese"), "words"),
}


def signature(owner):
    """``[(name, default), ...]`` of ``owner``'s parameters, in order, as the table declares them."""
    out = []
    for entry in SIGNATURES[owner]:
        name, default = entry if isinstance(entry, tuple) else (entry, OPTIONS[entry].default)
        out.append((name, default))
    return out


def document(owner):
    """Decorator: fills the ``{parameters}`` line of a docstring with the table's entries for ``owner``."""

    def fill(obj):
        lines = []
        for name, default in signature(owner):
            doc = OPTIONS[name].doc
            if default is not OPTIONS[name].default:  # a default of this owner's own
                head, _, rest = doc.partition("\n")
                shown = f"np.{default.__name__}" if isinstance(default, type) else repr(default)
                head = head.rsplit("default=", 1)[0] + f"default={shown}"
                doc = head + ("\n" + rest if rest else "")
            lines.append(doc)
        # The docstring is indented by four spaces (a class) or not at all (its first line).
        block = "\n".join(lines)
        text = obj.__doc__
        indent = ""
        for line in text.splitlines():
            if line.strip() == "{parameters}":
                indent = line[: len(line) - len(line.lstrip())]
                break
        else:
            raise AssertionError(f"{owner}'s docstring has no {{parameters}} line")
        block = "\n".join(indent + line if line else line for line in block.splitlines())
        obj.__doc__ = text.replace(indent + "{parameters}", block, 1)
        return obj

    return fill


# -- the core config ---------------------------------------------------------------------------------

#: Where each config struct sits inside an AnalyzerConfig.
_NESTED = {
    "AnalyzerConfig": (),
    "NormalizeConfig": ("normalize",),
    "SegmentConfig": ("segment",),
    "CleanConfig": ("clean_config",),
}

ANALYZER_OPTIONS = (
    "encoding",
    "lowercase",
    "tone_marks",
    "numbers",
    "urls",
    "min_token_length",
    "stop_words",
    "ngram_range",
    "names",
    "aliases",
    "alias_table",
    "words",
    "user_dictionary",
)


def set_field(cfg, field, value):
    """Sets ``"Struct.field"`` in an AnalyzerConfig (or in the struct itself)."""
    struct, name = field.split(".")
    target = cfg
    if type(cfg).__name__ != struct:
        for step in _NESTED[struct]:
            target = getattr(target, step)
    setattr(target, name, value)


def analyzer_config(*, cleaner=None, name_evidence=None, phrases=None, **options) -> _core.AnalyzerConfig:
    """The core ``AnalyzerConfig`` for ``options`` (names from :data:`ANALYZER_OPTIONS`; the
    table's default for any not given), every value validated by the table.

    ``cleaner`` is None or a :class:`mekong.Cleaner` (fitted: its lines are the core object it
    holds); ``name_evidence`` None or a core ``NameEvidence``; ``phrases`` None, a fitted
    :class:`mekong.Phrases` or a core ``PhraseModel``. The learned models are shared with the config,
    never copied.
    """
    unknown = set(options) - set(ANALYZER_OPTIONS)
    if unknown:
        raise TypeError(f"unexpected analyzer option(s): {', '.join(sorted(unknown))}")
    cfg = _core.AnalyzerConfig()
    values = {name: OPTIONS[name].check(name, options.get(name, OPTIONS[name].default)) for name in ANALYZER_OPTIONS}
    if values["words"] is None:
        values["user_dictionary"] = []  # forced words need a segmenter; without one it is the phrases' dictionary
    for name, value in values.items():
        if name == "words" and value is None:
            continue
        set_field(cfg, OPTIONS[name].field, value)
    if cleaner is not None:
        cleaner._configure(cfg)  # cleaning on, its options, and its learned lines when fitted
    if name_evidence is not None:
        cfg.name_evidence = name_evidence
    if phrases is not None:
        cfg.phrases = phrases if isinstance(phrases, _core.PhraseModel) else phrases._fitted_model()
    return cfg


def make_analyzer(*, cleaner=None, name_evidence=None, phrases=None, **options) -> _core.Analyzer:
    """The core analyzer for ``options`` (see :func:`analyzer_config`)."""
    return _core.Analyzer(analyzer_config(cleaner=cleaner, name_evidence=name_evidence, phrases=phrases, **options))
