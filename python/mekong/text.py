"""Functions on single texts: ``word_tokenize``, ``tokenize``, ``normalize`` and ``decode``."""

from __future__ import annotations

from collections.abc import Iterable

from . import _core
from ._options import check_decode_error, check_encoding, document, make_analyzer


@document("tokenize")
def tokenize(
    text: str | bytes,
    *,
    lowercase: bool = True,
    tone_marks: str | None = "traditional",
    numbers: bool = True,
    urls: str = "drop",
    min_token_length: int = 1,
    stop_words: Iterable[str] | str | None = None,
    ngram_range: tuple[int, int] = (1, 1),
    encoding: str = "utf-8",
    words: bool = True,
) -> list[str]:
    """Split one text into normalized terms, exactly as the vectorizers see them.

    Parameters
    ----------
    text : str or bytes
        A ``str``, or ``bytes`` in ``encoding``. Invalid bytes become U+FFFD.
    {parameters}

    Returns
    -------
    list of str

    Examples
    --------
    >>> import mekong
    >>> mekong.tokenize("Tỉnh uỷ Kon Tum, Bờ Y: 747 tỷ đồng")
    ['tỉnh_ủy', 'kon_tum', 'bờ_y', '747', 'tỷ', 'đồng']
    >>> mekong.tokenize("Tỉnh uỷ Kon Tum, Bờ Y: 747 tỷ đồng", words=False)
    ['tỉnh', 'ủy', 'kon', 'tum', 'bờ', 'y', '747', 'tỷ', 'đồng']
    """
    if not isinstance(text, (str, bytes)):
        raise TypeError(f"text must be str or bytes; got {type(text).__name__}")
    analyzer = make_analyzer(
        lowercase=lowercase,
        tone_marks=tone_marks,
        numbers=numbers,
        urls=urls,
        min_token_length=min_token_length,
        stop_words=stop_words,
        ngram_range=ngram_range,
        encoding=encoding,
        words=words,
    )
    terms, _ = analyzer.terms(text)
    return terms


def word_tokenize(text, format: str | None = None, *, user_dictionary=None, model=None):
    """Split Vietnamese text into words, as written: underthesea's ``word_tokenize`` contract.

    Each word is returned as written (NFC), its syllables separated by one space ("hợp tác",
    "Lê Ngọc Tuấn") or by the hyphen written between them ("Xay-nhạ-phon"); each punctuation mark
    is its own token (a run of one mark, such as "...", is one token); a link (``scheme://...``,
    ``www....`` or an e-mail address) is one token, as written (underthesea's too; a bare domain
    such as "vnexpress.net" is read as words). Nothing is lower-cased or re-accented. Words are
    found by the segmenter in the C++ core: an averaged-perceptron model
    over syllable n-grams, shapes and a lexicon, decoded with Viterbi, trained on UD_Vietnamese-VTB
    (see the README). Numbers, codes, foreign-script and unknown lower-case syllables never join;
    a number with one mark inside ("10.000") and an abbreviation with a dot inside ("TP.HCM",
    "T.Ư") are one word.

    Parameters
    ----------
    text : str, or a list of str
        One text, or a corpus (then one list of words per text, computed in one call).
    format : None or "text"
        None returns a list of words; "text" returns one string in which the syllables of each
        word are joined by "_" and words are separated by spaces ("Hà_Nội là thủ_đô .").
    user_dictionary : list of str or path, optional
        Words that are always one word ("Cầu Rồng"); see :func:`mekong.phrases.read_user_dictionary`.
    model : path or WordModel, optional
        Another model file (as ``scripts/train_words.py`` writes); default: the shipped model.

    Examples
    --------
    >>> import mekong
    >>> mekong.word_tokenize("Chủ tịch nước tiếp Đại sứ Lào tại Hà Nội.")
    ['Chủ tịch', 'nước', 'tiếp', 'Đại sứ', 'Lào', 'tại', 'Hà Nội', '.']
    >>> mekong.word_tokenize("Hợp tác kinh tế", format="text")
    'Hợp_tác kinh_tế'
    """
    if format not in (None, "text"):
        raise ValueError(f"format must be None or 'text'; got {format!r}")
    # Links kept whole: dropped (the vectorizers' default), their characters would be left between
    # the words and come out as one-letter "punctuation" tokens.
    analyzer = make_analyzer(words=True if model is None else model, user_dictionary=user_dictionary, urls="keep")
    if isinstance(text, str):
        out = analyzer.written_words(text)
        return " ".join(w.replace(" ", "_") for w in out) if format == "text" else out
    if isinstance(text, (bytes, bytearray)):
        raise TypeError("word_tokenize takes str (decode bytes first with mekong.decode)")
    if isinstance(text, (list, tuple)):
        texts = text
    else:
        try:
            texts = list(text)
        except TypeError:
            raise TypeError(f"text must be str or a list of str; got {type(text).__name__}") from None
    outs = analyzer.written_words_corpus(texts)  # checks that every item is a str (TypeError naming it)
    if format == "text":
        return [" ".join(w.replace(" ", "_") for w in out) for out in outs]
    return outs


def normalize(text: str, *, lowercase: bool = True, tone_marks: str | None = "traditional") -> str:
    """Return ``text`` in the form the vectorizers count it: NFC, lower-cased, one tone placement.

    Spaces and punctuation are kept, so the result reads like the input. Time is linear in the
    text whatever it holds: a run of more than 30 combining marks (counting those a precomposed
    letter such as "ệ" is made of) gets U+034F COMBINING GRAPHEME JOINER before its 31st mark
    (Unicode's stream-safe format, UAX #15), which real text never needs; normalizing the result
    again changes nothing.

    Examples
    --------
    >>> import mekong
    >>> mekong.normalize("Hoà bình, TỈNH UỶ")
    'hòa bình, tỉnh ủy'
    >>> mekong.normalize("Hòa bình", tone_marks="modern")
    'hoà bình'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str; got {type(text).__name__}")
    analyzer = make_analyzer(lowercase=lowercase, tone_marks=tone_marks, words=False)
    return analyzer.normalize_text(text.encode("utf-8", "surrogatepass"))


def decode(data: bytes, encoding: str = "utf-8", decode_error: str = "replace") -> tuple[str, int]:
    """Decode bytes to ``str``, replacing invalid sequences with U+FFFD.

    Returns the text and the number of replacements, so nothing is lost silently. With
    ``decode_error="strict"`` an invalid sequence is a ValueError naming its byte offset instead.

    >>> import mekong
    >>> mekong.decode(b"H\\xc3\\xa0 N\\xe1\\xbb\\x99i \\xff")
    ('Hà Nội \\ufffd', 1)
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes; got {type(data).__name__}")
    check_encoding(encoding)
    strict = check_decode_error(decode_error)
    enc = "" if encoding.lower().replace("-", "").replace("_", "") == "utf8" else encoding
    try:
        return _core.decode(bytes(data), enc, strict)
    except ValueError:
        raise
    except RuntimeError as e:  # pragma: no cover - ICU failures other than a bad name
        raise ValueError(str(e)) from None


__all__ = ["word_tokenize", "tokenize", "normalize", "decode"]
