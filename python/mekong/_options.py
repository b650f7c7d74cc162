"""Validation of user-facing options and their translation into the core's configuration."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from pathlib import Path

from . import _core

TONE_STYLES = {
    "traditional": _core.ToneStyle.traditional,
    "modern": _core.ToneStyle.modern,
    None: _core.ToneStyle.keep,
}
LINK_POLICIES = {"drop": _core.LinkPolicy.drop, "keep": _core.LinkPolicy.keep, "split": _core.LinkPolicy.split}


def _choice(name, value, allowed):
    if value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {shown}; got {value!r}")
    return allowed[value]


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


def check_encoding(encoding):
    """An encoding name: a str without NUL (ICU reads the name as a C string and would stop there)."""
    if not isinstance(encoding, str):
        raise TypeError(f"encoding must be a str; got {type(encoding).__name__}")
    check_str("encoding", encoding)
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


def check_n_jobs(n_jobs):
    if n_jobs is None:
        return 1
    n = check_int("n_jobs", n_jobs, maximum=4096)
    if n == 0:
        raise ValueError("n_jobs == 0 has no meaning; use 1 for serial work or -1 for all cores")
    return n


def check_ngram_range(ngram_range):
    try:
        lo, hi = ngram_range
    except (TypeError, ValueError):
        raise ValueError(f"ngram_range must be a pair (min_n, max_n); got {ngram_range!r}") from None
    lo = check_int("ngram_range[0]", lo, 1)
    hi = check_int("ngram_range[1]", hi, 1)
    if lo > hi:
        raise ValueError(
            f"Invalid value for ngram_range={ngram_range!r}: lower boundary larger than the upper boundary."
        )
    return lo, hi


def stop_word_list(stop_words) -> list[str]:
    if stop_words is None:
        return []
    if isinstance(stop_words, str):
        if stop_words == "vietnamese":
            from .stopwords import VIETNAMESE_STOP_WORDS

            return sorted(VIETNAMESE_STOP_WORDS)
        raise ValueError(f"stop_words must be None, 'vietnamese' or a list of words; got {stop_words!r}")
    words = list(stop_words)
    for i, w in enumerate(words):
        if not isinstance(w, str):
            raise TypeError(f"stop_words[{i}] is {type(w).__name__}, expected str")
        check_str(f"stop_words[{i}]", w)
    return words


WORD_MODEL_PATH = Path(__file__).resolve().parent / "models" / "words.bin"


def word_model(words):
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
    raise ValueError(f"words must be True, False, a model file path or a WordModel; got {words!r}")


def make_analyzer(
    *,
    lowercase: bool = True,
    tone_marks: str | None = "traditional",
    numbers: bool = True,
    urls: str = "drop",
    min_token_length: int = 1,
    stop_words: Iterable[str] | str | None = None,
    ngram_range: tuple[int, int] = (1, 1),
    encoding: str = "utf-8",
    clean=None,
    names: bool = False,
    aliases: bool = False,
    alias_table=None,
    phrases=None,
    name_evidence=None,
    words=False,
    user_dictionary=None,
) -> _core.Analyzer:
    """Builds the core analyzer from validated options (the options every text function shares).

    ``clean`` is None or a fitted :class:`mekong.Cleaner`; ``phrases`` None, a fitted
    :class:`mekong.Phrases` or a core PhraseModel; ``alias_table`` a mapping of spellings to the
    name they stand for; ``name_evidence`` what a corpus says about names (learned by the
    vectorizers when ``names`` or ``aliases`` is on); ``words`` whether terms are Vietnamese
    words (see :func:`word_model`), with ``user_dictionary`` words (lists of syllables, as
    :func:`mekong.phrases.read_user_dictionary` returns them) forced as words.
    """
    cfg = _core.AnalyzerConfig()
    model = word_model(words)
    if model is not None:
        cfg.words = model
        if user_dictionary:
            cfg.word_dictionary = [list(w) for w in user_dictionary]
    if clean is not None:
        clean.apply_to(cfg)
    cfg.names = bool(names)
    cfg.aliases = bool(aliases)
    if name_evidence is not None:
        cfg.name_evidence = name_evidence
    if alias_table is not None:
        items = alias_table.items() if hasattr(alias_table, "items") else alias_table
        table = []
        for i, pair in enumerate(items):
            try:
                spelling, name = pair
            except (TypeError, ValueError):
                raise ValueError(f"alias_table entry {i} must be a (spelling, name) pair; got {pair!r}") from None
            if not isinstance(spelling, str) or not isinstance(name, str) or not spelling.strip() or not name.strip():
                raise ValueError(f"alias_table entry {i}: {pair!r} must map a non-empty str to a non-empty str")
            check_str(f"alias_table entry {i} spelling", spelling)
            check_str(f"alias_table entry {i} name", name)
            table.append((spelling, name))
        cfg.alias_table = table
    if phrases is not None:
        cfg.phrases = phrases.core_model() if hasattr(phrases, "core_model") else phrases
    cfg.lowercase = bool(lowercase)
    cfg.tones = _choice("tone_marks", tone_marks, TONE_STYLES)
    cfg.numbers = bool(numbers)
    cfg.links = _choice("urls", urls, LINK_POLICIES)
    cfg.min_length = check_int("min_token_length", min_token_length, 1)
    cfg.stop_words = stop_word_list(stop_words)
    cfg.ngram_min, cfg.ngram_max = check_ngram_range(ngram_range)
    cfg.encoding = check_encoding(encoding)
    return _core.Analyzer(cfg)


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
