"""Multi-syllable words: learned collocations and a user dictionary."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path

from . import _core, _progress
from ._base import BaseEstimator, check_is_fitted
from ._options import OPTIONS, check_n_jobs, document, stop_word_list


def read_user_dictionary(source, analyzer=None):
    """Validate a user dictionary: an iterable of words, or a path to a UTF-8 file with one per line.

    A word is two or more syllables separated by spaces or "_" ("hợp tác", "Kon_Tum"). Blank lines
    and lines starting with "#" are skipped in files. Returns the words as lists of normalized
    syllables; raises ValueError naming the line of an invalid entry.
    """
    if isinstance(source, (str, Path)) and Path(source).exists():
        lines = Path(source).read_text(encoding="utf-8").splitlines()
        entries = [(i + 1, line) for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")]
        where = f"{source}, line"
    elif isinstance(source, (str, bytes)):
        raise ValueError(f"user_dictionary: no such file: {source!r} (give a path or a list of words)")
    else:
        entries = list(enumerate(source, start=1))
        where = "user_dictionary entry"
    analyzer = analyzer or _core.Analyzer(_core.AnalyzerConfig())
    words = []
    for line_no, entry in entries:
        if not isinstance(entry, str):
            raise ValueError(f"{where} {line_no}: expected str, got {type(entry).__name__}")
        bad = [c for c in entry if not (c.isalnum() or c in " _-\t" or unicodedata.category(c).startswith("M"))]
        if bad:
            raise ValueError(
                f"{where} {line_no}: {entry!r} holds {bad[0]!r}; a word is letters, digits, spaces, '_' or '-'"
            )
        syllables = analyzer.tokens(entry.replace("_", " "))
        if len(syllables) < 2:
            raise ValueError(f"{where} {line_no}: {entry!r} is not a word of two or more syllables")
        words.append(syllables)
    return words


@document("Phrases")
class Phrases(BaseEstimator):
    """Learn multi-syllable words from a corpus: "hợp tác" -> "hợp_tác".

    Adjacent syllables (within a stretch of text no punctuation breaks) are scored by normalized
    pointwise mutual information; pairs seen at least ``min_count`` times with a score of at least
    ``threshold`` become one term. Each of ``passes`` passes can join the units the previous made
    ("ủy_ban" + "nhân_dân"). Numbers and stop words never join by learning. A ``user_dictionary``
    is applied first, by longest match.

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    model_ : mekong._core.PhraseModel
        The fitted model, held by the core (pickled through its versioned bytes) and shared with
        every analyzer that joins with it.
    pairs_ : list of (pass, left, right, score)
    dictionary_ : list of str

    Examples
    --------
    >>> from mekong import Phrases
    >>> docs = ["hợp tác kinh tế với Lào", "tăng cường hợp tác kinh tế", "hợp tác giáo dục"] * 3
    >>> ph = Phrases(min_count=3, threshold=0.3, words=False).fit(docs)
    >>> ph.transform_text("Hai tỉnh hợp tác kinh tế")
    ['hai', 'tỉnh', 'hợp_tác', 'kinh_tế']
    """

    def __init__(
        self,
        *,
        min_count=3,
        threshold=0.4,
        passes=1,
        stop_words="vietnamese",
        user_dictionary=None,
        words=True,
        n_jobs=1,
    ):
        self.min_count = min_count
        self.threshold = threshold
        self.passes = passes
        self.stop_words = stop_words
        self.user_dictionary = user_dictionary
        self.words = words
        self.n_jobs = n_jobs

    def _dictionary_model(self):
        model = _core.PhraseModel()
        if self.user_dictionary is not None:
            for syllables in read_user_dictionary(self.user_dictionary):
                model.add_word(syllables)
        return model

    def _learning(self, config):
        """Asks a core TextModelsConfig for phrases learned as this Phrases learns them."""
        config.phrases = True
        pc = config.phrase_config  # a reference into config
        for name in ("min_count", "threshold", "passes"):
            setattr(pc, name, OPTIONS[name].check(name, getattr(self, name)))
        pc.stop_words = stop_word_list(self.stop_words)
        config.user_dictionary = self._dictionary_model()
        return config

    def fit(self, documents: Iterable, y=None):
        """Learn phrases from documents (text is segmented as the vectorizers do)."""
        from ._options import analyzer_config

        if isinstance(documents, (str, bytes)):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        try:
            documents = list(documents)
        except TypeError:
            raise TypeError(f"documents must be an iterable of str or bytes; got {type(documents).__name__}") from None
        learning = self._learning(_core.TextModelsConfig())
        base = analyzer_config(words=self.words)
        models = _progress.fit_text_models(documents, base, learning, check_n_jobs(self.n_jobs))
        self.model_ = models.phrases
        return self

    @property
    def pairs_(self):
        return [tuple(p) for p in self._fitted_model().pairs()]

    @property
    def dictionary_(self):
        return list(self._fitted_model().dictionary())

    @classmethod
    def dictionary_only(cls, user_dictionary):
        """A fitted Phrases that joins only the words of ``user_dictionary`` (nothing learned)."""
        ph = cls(user_dictionary=user_dictionary)
        ph.model_ = ph._dictionary_model()
        return ph

    def _fitted_model(self):
        check_is_fitted(self, "model_")
        return self.model_

    def transform_text(self, text, **analyzer_options):
        """The terms of one text with the learned phrases joined."""
        from ._options import make_analyzer

        analyzer_options.setdefault("words", self.words)
        analyzer = make_analyzer(phrases=self._fitted_model(), **analyzer_options)
        return analyzer.terms(text)[0]

    def phrases(self):
        """The learned multi-syllable words ("hợp_tác"), best-scored first."""
        return [f"{a}_{b}" for _, a, b, _ in sorted(self.pairs_, key=lambda p: (-p[3], p[1], p[2]))]


def _syllable_spans(segmented_line):
    """Word spans, in syllables, of a line whose words join their syllables with "_"."""
    from .text import tokenize

    spans, at = [], 0
    for word in segmented_line.split():
        n = len(tokenize(word.replace("_", " ").replace("-", " "), words=False))
        if n:
            spans.append((at, at + n))
            at += n
    return spans, at


def segmentation_scores(gold_lines, predicted_lines):
    """Precision, recall and F1 of word segmentation, as word spans over syllables.

    Both arguments are sequences of lines in which the syllables of a word are joined by "_"
    (VLSP style); punctuation is ignored. Returns a dict with ``precision``, ``recall`` and ``f1``
    over multi-syllable words (the ones a segmenter has to find), ``word_f1`` over all words, and
    ``skipped``: lines whose syllables do not line up with the gold line's.

    >>> from mekong.phrases import segmentation_scores
    >>> s = segmentation_scores(["hợp_tác kinh_tế với Lào"], ["hợp_tác kinh tế với Lào"])
    >>> s["precision"], s["recall"], round(s["f1"], 3)
    (1.0, 0.5, 0.667)
    """
    tp = fp = fn = wtp = wfp = wfn = skipped = 0
    for gold, pred in zip(gold_lines, predicted_lines):
        g, ng = _syllable_spans(gold)
        p, npred = _syllable_spans(pred)
        if ng != npred:
            skipped += 1
            continue
        gs, ps = set(g), set(p)
        gm = {x for x in gs if x[1] - x[0] > 1}
        pm = {x for x in ps if x[1] - x[0] > 1}
        tp, fp, fn = tp + len(gm & pm), fp + len(pm - gm), fn + len(gm - pm)
        wtp, wfp, wfn = wtp + len(gs & ps), wfp + len(ps - gs), wfn + len(gs - ps)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    wp = wtp / (wtp + wfp) if wtp + wfp else 0.0
    wr = wtp / (wtp + wfn) if wtp + wfn else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "word_f1": 2 * wp * wr / (wp + wr) if wp + wr else 0.0,
        "skipped": skipped,
    }


__all__ = ["Phrases", "read_user_dictionary", "segmentation_scores"]
