"""Multi-syllable words: learned collocations and a user dictionary."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path

from . import _core, _progress
from ._base import BaseEstimator, check_is_fitted
from ._options import check_int, check_n_jobs, check_real


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


class Phrases(BaseEstimator):
    """Learn multi-syllable words from a corpus: "hợp tác" -> "hợp_tác".

    Adjacent syllables (within a stretch of text no punctuation breaks) are scored by normalized
    pointwise mutual information; pairs seen at least ``min_count`` times with a score of at least
    ``threshold`` become one term. Each of ``passes`` passes can join the units the previous made
    ("ủy_ban" + "nhân_dân"). Numbers and stop words never join by learning. A ``user_dictionary``
    is applied first, by longest match.

    Parameters
    ----------
    min_count : int, default=3
    threshold : float in [-1, 1], default=0.4
    passes : int in [1, 4], default=1
        More passes make longer words ("ủy_ban_nhân_dân") and, on the gold set, more over-joins.
    stop_words : list of str, "vietnamese" or None, default="vietnamese"
        Syllables that never join by learning.
    user_dictionary : list of str or path, optional
    words : bool, default=True
        Learn over the word segmenter's words ("ủy_ban" + "nhân_dân" -> "ủy_ban_nhân_dân"), as the
        vectorizers count them; False learns over syllables (unsupervised segmentation).
    n_jobs : int, default=1

    Attributes
    ----------
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

    def fit(self, documents: Iterable, y=None, analyzer_options=None):
        """Learn phrases from documents (text is segmented as the vectorizers do)."""
        from ._options import make_analyzer

        if isinstance(documents, (str, bytes)):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        min_count = check_int("min_count", self.min_count, 1)
        passes = check_int("passes", self.passes, 1)
        if passes > 4:
            raise ValueError(f"passes must be in [1, 4]; got {passes}")
        threshold = check_real("threshold", self.threshold, -1.0, 1.0)  # NumPy scalars too
        options = dict(analyzer_options or {"words": self.words})
        options["stop_words"] = self.stop_words
        options.pop("phrases", None)
        analyzer = make_analyzer(**options)
        docs = list(documents)
        with _progress.bar(len(docs), "phrases") as pb:  # one reading pass; the scoring passes are in memory
            model = _core.learn_phrases(
                docs,
                analyzer,
                min_count,
                threshold,
                passes,
                self._dictionary_model(),
                check_n_jobs(self.n_jobs),
                progress=pb,
            )
        self.pairs_ = [tuple(p) for p in model.pairs()]
        self.dictionary_ = list(model.dictionary())
        self._model = model
        return self

    @classmethod
    def dictionary_only(cls, user_dictionary):
        """A fitted Phrases that joins only the words of ``user_dictionary`` (nothing learned)."""
        ph = cls(user_dictionary=user_dictionary)
        ph._model = ph._dictionary_model()
        ph.pairs_ = []
        ph.dictionary_ = list(ph._model.dictionary())
        return ph

    def core_model(self):
        """The fitted model as the core uses it (rebuilt after unpickling)."""
        check_is_fitted(self, "pairs_")
        model = getattr(self, "_model", None)
        if model is None:
            model = _core.PhraseModel()
            for word in self.dictionary_:
                model.add_word(word.split(" "))
            for p in self.pairs_:
                model.add_pair(*p)
            self._model = model
        return model

    def transform_text(self, text, **analyzer_options):
        """The terms of one text with the learned phrases joined."""
        from ._options import make_analyzer

        analyzer_options.setdefault("words", self.words)
        analyzer = make_analyzer(phrases=self, **analyzer_options)
        return analyzer.terms(text)[0]

    def phrases(self):
        """The learned multi-syllable words ("hợp_tác"), best-scored first."""
        check_is_fitted(self, "pairs_")
        return [f"{a}_{b}" for _, a, b, _ in sorted(self.pairs_, key=lambda p: (-p[3], p[1], p[2]))]

    def __getstate__(self):
        state = dict(super().__getstate__())
        state.pop("_model", None)
        return state


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
