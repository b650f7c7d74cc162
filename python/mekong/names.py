"""Names of people, places and organisations, and their spellings."""

from __future__ import annotations

from . import _core
from ._options import make_analyzer


def extract_names(text, *, stop_words="vietnamese"):
    """The names in a text, in order, as written.

    A name is a run of capitalised syllables joined by spaces or by single hyphens, as
    transliterated names are written ("Kon Tum", "Lê Ngọc Tuấn", "Ắt-ta-pư"). A lone capitalised
    syllable opening a sentence is not taken for a name, and a run that opens a sentence loses its
    first syllable when the text also writes it in lower case or it is a stop word.

    >>> import mekong
    >>> mekong.extract_names("Đoàn công tác tỉnh Kon Tum thăm tỉnh Ắt-ta-pư (Lào). Theo ông Lê Ngọc Tuấn, hai bên thống nhất.")
    ['Kon Tum', 'Ắt-ta-pư', 'Lào', 'Lê Ngọc Tuấn']
    """
    if not isinstance(text, (str, bytes)):
        raise TypeError(f"text must be str or bytes; got {type(text).__name__}")
    return make_analyzer(stop_words=stop_words, lowercase=True).names(text)


def alias_key(name):
    """The accent-, space- and hyphen-free key a name is counted under with ``aliases=True``.

    >>> from mekong.names import alias_key
    >>> alias_key("Attapư"), alias_key("Attapu"), alias_key("Ắt-ta-pư")
    ('attapu', 'attapu', 'attapu')
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be str; got {type(name).__name__}")
    return _core.alias_key(name)


__all__ = ["alias_key", "extract_names"]
