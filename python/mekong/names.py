"""Names of people, places and organisations, and their spellings."""

from __future__ import annotations

from . import _core
from ._options import check_str, make_analyzer


def extract_names(text, *, stop_words="vietnamese", words=True):
    """The names in a text, in order, as written.

    With ``words=True`` (the default) a name is one word of the word segmenter whose syllables
    are all capitalised (after a hyphen a transliteration may go on in lower case: "Ắt-ta-pư"):
    "Kon Tum", "Lê Ngọc Tuấn". Two names written one after the other stay two ("Trung Quốc",
    "Tập Cận Bình"): the segmenter separates them, and a run-on word is split after a prefix the
    text writes as a name of its own. Titles and offices are words, not names ("Phó Chủ tịch",
    "Bí thư"); abbreviations in capitals ("UBND", "ASEAN") are terms, not names; a one-syllable
    word is a name only if the text does not also use it as a common word ("Mỹ" beside
    "mỹ phẩm" stays a name: "mỹ phẩm" is another word), and a lone one opening a sentence is not
    taken for a name.

    ``words=False`` gives the syllable rule: a run of capitalised syllables is one name.

    >>> import mekong
    >>> mekong.extract_names("Đoàn công tác tỉnh Kon Tum thăm tỉnh Ắt-ta-pư (Lào). Theo ông Lê Ngọc Tuấn, hai bên thống nhất.")
    ['Kon Tum', 'Ắt-ta-pư', 'Lào', 'Lê Ngọc Tuấn']
    """
    if not isinstance(text, (str, bytes)):
        raise TypeError(f"text must be str or bytes; got {type(text).__name__}")
    return make_analyzer(stop_words=stop_words, lowercase=True, words=words).names(text)


def alias_key(name):
    """The accent-, space- and hyphen-free key a name is counted under with ``aliases=True``.

    >>> from mekong.names import alias_key
    >>> alias_key("Attapư"), alias_key("Attapu"), alias_key("Ắt-ta-pư")
    ('attapu', 'attapu', 'attapu')
    """
    return _core.alias_key(check_str("name", name))


__all__ = ["alias_key", "extract_names"]
