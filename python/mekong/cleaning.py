"""Cleaning scraped articles: page furniture out, the article in."""

from __future__ import annotations

from collections.abc import Iterable

from . import _core, _progress
from ._base import BaseEstimator, TransformerMixin, check_is_fitted
from ._options import check_encoding, check_int, check_n_jobs, check_str

#: Section markers after which a news page stops being the article (a line that is only the marker).
DEFAULT_END_MARKERS = tuple(_core.AnalyzerConfig().end_markers)


def _apply_clean_options(
    cfg, *, markup=True, captions=True, headline_lists=True, end_markers=None, extra_end_markers=(), repeated_lines=()
):
    cfg.clean = True
    cfg.clean_markup = bool(markup)
    cfg.clean_captions = bool(captions)
    cfg.clean_headline_lists = bool(headline_lists)
    markers = []
    for name, given in (
        ("end_markers", DEFAULT_END_MARKERS if end_markers is None else end_markers),
        ("extra_end_markers", extra_end_markers),
    ):
        for i, m in enumerate(given):
            if not isinstance(m, str):
                raise TypeError(f"{name}[{i}] is {type(m).__name__}, expected str")
            markers.append(check_str(f"{name}[{i}]", m))
    cfg.end_markers = markers
    cfg.repeated_lines = list(repeated_lines)
    return cfg


def clean(text, *, markup=True, captions=True, headline_lists=True, end_markers=None, extra_end_markers=()):
    """Return the article in a scraped page, without its furniture.

    Markdown images go; markdown links keep their text; HTML tags go and entities are decoded; bare
    URLs go; caption lines (between ``|`` bars, "Ảnh: ...") go; a line that is only a section
    marker ("Tin bài liên quan", "Đọc nhiều", ... see ``DEFAULT_END_MARKERS``) ends the article; a
    trailing list of three or more short headline-like lines goes. Lines repeated across a corpus
    are found by :class:`Cleaner`, which needs several documents.

    >>> import mekong
    >>> page = "Kon Tum ký kết hợp tác\\n![ảnh](https://x.example.vn/a.jpg)\\n| Lễ ký kết. Ảnh: TTXVN |\\n" \\
    ...        "Hai tỉnh ký biên bản [ghi nhớ](https://x.example.vn/b) về hợp tác.\\nTin bài liên quan\\nTin khác"
    >>> print(mekong.clean(page))
    Kon Tum ký kết hợp tác
    Hai tỉnh ký biên bản ghi nhớ về hợp tác.
    """
    if not isinstance(text, (str, bytes)):
        raise TypeError(f"text must be str or bytes; got {type(text).__name__}")
    cfg = _apply_clean_options(
        _core.AnalyzerConfig(),
        markup=markup,
        captions=captions,
        headline_lists=headline_lists,
        end_markers=end_markers,
        extra_end_markers=extra_end_markers,
    )
    return _core.Analyzer(cfg).cleaned(text)


class Cleaner(TransformerMixin, BaseEstimator):
    """Cleaning that learns from a corpus which lines are furniture.

    ``fit`` finds lines that occur in at least ``min_documents`` documents (navigation, footers,
    "related articles" lists a site repeats); ``transform`` removes them where they frame an
    article (its head and tail, never its middle), on top of everything :func:`clean` does. A
    document made only of repeated lines, with prose among them, is taken for a copy of an article
    and kept. Documents made of the same lines (a reprint, a file given twice) count once in
    ``fit``: a line repeated only because a whole document is repeated is not furniture, so the
    copies keep their text. Pass a Cleaner (or ``clean=True``) to the vectorizers to clean before counting.

    Parameters
    ----------
    min_documents : int, default=2
        A line is furniture when this many documents carry it.
    markup, captions, headline_lists : bool, default=True
    end_markers : list of str or None
        Section markers that end an article; None means ``DEFAULT_END_MARKERS``.
    extra_end_markers : list of str
        Markers added to those (for sites with their own).
    n_jobs : int, default=1

    Attributes
    ----------
    repeated_lines_ : list of str
        The learned lines, in the normalized form they are compared in.
    """

    def __init__(
        self,
        *,
        min_documents=2,
        markup=True,
        captions=True,
        headline_lists=True,
        end_markers=None,
        extra_end_markers=(),
        n_jobs=1,
    ):
        self.min_documents = min_documents
        self.markup = markup
        self.captions = captions
        self.headline_lists = headline_lists
        self.end_markers = end_markers
        self.extra_end_markers = extra_end_markers
        self.n_jobs = n_jobs

    def _config(self, repeated=()):
        return _apply_clean_options(
            _core.AnalyzerConfig(),
            markup=self.markup,
            captions=self.captions,
            headline_lists=self.headline_lists,
            end_markers=self.end_markers,
            extra_end_markers=self.extra_end_markers,
            repeated_lines=repeated,
        )

    def apply_to(self, cfg):
        """Set the cleaning options (and learned lines) of a core AnalyzerConfig."""
        check_is_fitted(self, "repeated_lines_")
        return _apply_clean_options(
            cfg,
            markup=self.markup,
            captions=self.captions,
            headline_lists=self.headline_lists,
            end_markers=self.end_markers,
            extra_end_markers=self.extra_end_markers,
            repeated_lines=self.repeated_lines_,
        )

    def fit(self, documents: Iterable, y=None, encoding="utf-8"):
        docs = _documents(documents)
        min_docs = check_int("min_documents", self.min_documents, 2)
        plain = _core.AnalyzerConfig()
        plain.encoding = check_encoding(encoding)
        with _progress.bar(len(docs), "clean: repeated lines") as pb:
            lines = _core.learn_repeated_lines(
                docs, _core.Analyzer(plain), min_docs, check_n_jobs(self.n_jobs), progress=pb
            )
        self.repeated_lines_ = list(lines)
        return self

    def transform(self, documents: Iterable):
        """The cleaned texts, one str per document (an all-furniture document gives "")."""
        check_is_fitted(self, "repeated_lines_")
        analyzer = _core.Analyzer(self._config(self.repeated_lines_))
        return [analyzer.cleaned(d) for d in _documents(documents)]


def _documents(documents):
    if isinstance(documents, (str, bytes)):
        raise ValueError("Iterable over raw text documents expected, string object received.")
    return list(documents)


__all__ = ["Cleaner", "DEFAULT_END_MARKERS", "clean"]
