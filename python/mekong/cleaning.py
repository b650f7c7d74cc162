"""Cleaning scraped articles: page furniture out, the article in."""

from __future__ import annotations

from collections.abc import Iterable

from . import _core, _progress
from ._base import BaseEstimator, TransformerMixin, check_is_fitted
from ._options import OPTIONS, check_encoding, check_markers, check_n_jobs, document, set_field

#: Section markers after which a news page stops being the article (a line that is only the marker).
DEFAULT_END_MARKERS = tuple(_core.CleanConfig().end_markers)


def _configure_cleaning(
    cfg, *, markup=True, captions=True, headline_lists=True, end_markers=None, extra_end_markers=()
):
    """Cleaning on in a core AnalyzerConfig, with the options validated and set by the table."""
    cfg.clean = True
    for name, value in (("markup", markup), ("captions", captions), ("headline_lists", headline_lists)):
        set_field(cfg, OPTIONS[name].field, OPTIONS[name].check(name, value))
    markers = check_markers(DEFAULT_END_MARKERS if end_markers is None else end_markers, "end_markers")
    markers += check_markers(extra_end_markers, "extra_end_markers")
    set_field(cfg, OPTIONS["end_markers"].field, markers)
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
    cfg = _configure_cleaning(
        _core.AnalyzerConfig(),
        markup=markup,
        captions=captions,
        headline_lists=headline_lists,
        end_markers=end_markers,
        extra_end_markers=extra_end_markers,
    )
    return _core.Analyzer(cfg).cleaned(text)


@document("Cleaner")
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
    {parameters}

    Attributes
    ----------
    furniture_ : mekong._core.FurnitureLines
        The learned lines, held by the core (pickled through its versioned bytes) and shared with
        every analyzer that cleans with them.
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

    @property
    def repeated_lines_(self):
        check_is_fitted(self, "furniture_")
        return self.furniture_.lines()

    def _configure(self, cfg):
        """Cleaning as this Cleaner does it, in a core AnalyzerConfig; its lines when fitted."""
        _configure_cleaning(
            cfg,
            markup=self.markup,
            captions=self.captions,
            headline_lists=self.headline_lists,
            end_markers=self.end_markers,
            extra_end_markers=self.extra_end_markers,
        )
        cfg.repeated_lines = self.__dict__.get("furniture_")
        return cfg

    def _learning(self, config):
        """Asks a core TextModelsConfig for this Cleaner's lines."""
        config.furniture = True
        config.min_documents = OPTIONS["min_documents"].check("min_documents", self.min_documents)
        return config

    def fit(self, documents: Iterable, y=None, encoding="utf-8"):
        """Learn the lines that at least ``min_documents`` documents carry."""
        docs = _documents(documents)
        learning = self._learning(_core.TextModelsConfig())
        base = self._configure(_core.AnalyzerConfig())
        base.repeated_lines = None  # a refit learns afresh
        base.encoding = check_encoding(encoding)
        models = _progress.fit_text_models(docs, base, learning, check_n_jobs(self.n_jobs))
        self.furniture_ = models.repeated_lines
        self.__dict__.pop("_analyzer", None)
        return self

    def transform(self, documents: Iterable):
        """The cleaned texts, one str per document (an all-furniture document gives "")."""
        check_is_fitted(self, "furniture_")
        analyzer = self.__dict__.get("_analyzer")
        if analyzer is None or analyzer[1] != self._key():
            analyzer = (_core.Analyzer(self._configure(_core.AnalyzerConfig())), self._key())
            self._analyzer = analyzer  # built once per fit: the lines are not sent again
        return [analyzer[0].cleaned(d) for d in _documents(documents)]

    def _key(self):
        return repr([self.markup, self.captions, self.headline_lists, self.end_markers, self.extra_end_markers])

    def __getstate__(self):
        state = dict(super().__getstate__())
        state.pop("_analyzer", None)  # rebuilt on demand from furniture_
        return state


def _documents(documents):
    if isinstance(documents, (str, bytes)):
        raise ValueError("Iterable over raw text documents expected, string object received.")
    return list(documents)


__all__ = ["Cleaner", "DEFAULT_END_MARKERS", "clean"]
