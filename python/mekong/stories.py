"""Story groups: which documents report the same event.

The work runs in the core's stories stage (``cpp/src/stories/``) over the k-nearest-neighbour lists
that :func:`mekong.top_k_similar` computes; no n x n matrix is ever formed.
"""

from __future__ import annotations

import datetime as _dt
import numbers
from dataclasses import dataclass, field

import numpy as np

from . import _core, _progress
from ._base import BaseEstimator, check_is_fitted
from ._options import check_int, check_n_jobs
from ._sparse import as_csr

#: ``threshold="auto"`` never cuts the (re-ranked) similarity below this: in a corpus where no two
#: articles tell one story, the positive scores are noise and Otsu's cut would split the noise. A floor, not the working value (see :func:`stories`).
AUTO_THRESHOLD_FLOOR = 0.05

RERANK_METHODS = (None, "neighbours")
SEARCH_METHODS = ("auto", "exact", "pruned")

#: ``window="auto"`` with dates: a story is told within days; two articles a week or more apart are
#: two events on one topic (two storms, two seasons' rice prices), not one story. Less than a week,
#: not a week: much news recurs weekly to the day (Vietnam's fuel prices are set every Thursday,
#: weekly case counts, a league's rounds), and two such reports seven days apart share every
#: word of the topic. With 7 days, a fuel-price cut and the next week's rise joined
#: (``benchmarks/events-holdout``, ARI 0.941 -> 1.000 with 6; ``benchmarks/STORIES.md``).
AUTO_WINDOW_DAYS = 6.0

#: ``expand="auto"``: each document's vector gains its this many nearest neighbours before the
#: neighbours are searched again (query expansion). A story is told by a handful of outlets, so the
#: nearest three are, for most articles, other versions of the same event; averaging them in gives
#: every version the facts the others chose (names, numbers, places), which is what lifts the
#: same-event pairs above the same-topic ones.
EXPAND_NEIGHBOURS = 3

#: With ``entities`` (the name columns of ``aliases=True``): a listed pair that the date window cannot
#: vouch for (no dates, or an unknown date on either side) whose two documents each name someone or
#: somewhere, but no name in common, keeps this share of its score. Two reports of one event name its
#: place, its people, its company; two events on one topic (dengue in Hà Nội and in Cần Thơ, a crash
#: in Bảo Lộc and one in Laos) name their own. A half, as the neighbour re-ranking's "no agreement":
#: evidence against, not a veto (a follow-up may name other people).
NAME_CONFLICT_SHARE = 0.5
#: The prefix of the name columns (alias keys) of ``aliases=True``.
NAME_PREFIX = "name:"

#: ``bridge``: a document whose alphabetic terms (name columns aside) are at least this share plain
#: ASCII is of the "plain" writing (an English edition), the others of the accented one (Vietnamese,
#: where most syllables carry a mark: 0.05-0.47 of a Vietnamese article's terms are plain ASCII on the
#: labelled sets, loanwords and codes included; an English article's are all).
PLAIN_WRITING_SHARE = 0.8
#: ``bridge``: a document of the collection's other writing joins a story (or a lone document) of the
#: main writing when the cosine of their name columns, averaged over the story's members, reaches
#: this. An English edition and a Vietnamese version of one event share almost no word but their
#: names (cosine 0.005-0.08 over all terms); the same names' columns reach 0.3-0.5. The low end of
#: the same-event cosines of real multi-outlet news (0.25-0.45, issue 11), asked here of the names
#: alone, since they are all the evidence the pair has.
BRIDGE_NAME_COSINE = 0.25
#: ``bridge``: candidates per bridged document, its nearest documents of the main writing by the
#: name columns, before the window and the stories are read.
BRIDGE_CANDIDATES = 50
#: ``bridge``: name columns a bridged pair must share. Name rows are unit vectors, so two documents
#: whose only name is the same one ("Việt Nam" / "Vietnam") score 1.0 however common that name is;
#: the versions of one event share the event's places and people, not one name.
BRIDGE_MIN_SHARED_NAMES = 2

#: ``search="auto"`` finds neighbours exactly up to this many documents, by pruned rows above it.
EXACT_SEARCH_LIMIT = 20_000
#: Entries each row keeps for the pruned candidate search (its heaviest terms).
PRUNED_TERMS = 32


@dataclass
class Story:
    """One group of documents that report the same story."""

    label: int
    members: np.ndarray  # document indices, ascending
    representative: int  # the member most similar on average to the others
    top_terms: list = field(default_factory=list)  # (term, weight), heaviest first

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass
class Stories:
    """Result of :func:`stories`: a label per document and the groups.

    Indexable and iterable over the groups (``stories[0]`` is the :class:`Story` labelled 0; a
    negative label raises IndexError, since -1 is not a story);
    ``labels`` holds one label per document, -1 for a document in no story. ``threshold`` is the
    cut that was used (the calibrated one under ``threshold="auto"``). ``ids``, ``dates`` and
    ``sources`` (one per document, when given) label :meth:`to_frame`'s rows.
    """

    labels: np.ndarray  # group label per document; -1 for a document in no group
    groups: list  # list of Story, by label
    threshold: float = float("nan")
    basis: str = "similarity"  # what threshold cuts: the (re-ranked) similarity
    ids: list = None
    dates: list = None
    sources: list = None

    def __len__(self) -> int:
        return len(self.groups)

    def __iter__(self):
        return iter(self.groups)

    def __getitem__(self, label):
        if isinstance(label, (bool, np.bool_)) or not isinstance(label, (numbers.Integral, slice)):
            raise TypeError(f"stories are indexed by label (int) or slice; got {label!r}")
        if isinstance(label, slice):
            return self.groups[label]
        # By label, never from the end: -1 is the label of a document in no story, and reading it
        # as "the last story" would hand that document a story it is not in.
        if label < 0:
            raise IndexError(
                f"story label {int(label)}: -1 marks a document in no story; labels run 0..{len(self) - 1}"
            )
        if label >= len(self.groups):
            raise IndexError(f"no story labelled {int(label)}: there are {len(self)} (labels 0..{len(self) - 1})")
        return self.groups[label]

    def to_frame(self):
        """One row per story (needs pandas).

        Columns: ``story`` (label), ``size``, ``members`` (ids, or row numbers without ids),
        ``representative``, ``top_terms`` (terms, heaviest first), ``first_date``, ``last_date``
        (None without dates) and ``sources`` (distinct, sorted; empty without sources). Documents
        in no story have no row here; ``labels`` has them as -1.
        """
        import pandas as pd

        ids = self.ids if self.ids is not None else list(range(len(self.labels)))
        rows = []
        for g in self.groups:
            dates = (
                [] if self.dates is None else [d for d in (_as_day(self.dates[m]) for m in g.members) if d is not None]
            )
            srcs = (
                []
                if self.sources is None
                else sorted({str(self.sources[m]) for m in g.members if self.sources[m] is not None})
            )
            rows.append(
                {
                    "story": g.label,
                    "size": g.size,
                    "members": [ids[m] for m in g.members],
                    "representative": ids[g.representative],
                    "top_terms": [t for t, _ in g.top_terms],
                    "first_date": min(dates) if dates else None,
                    "last_date": max(dates) if dates else None,
                    "sources": srcs,
                }
            )
        columns = ["story", "size", "members", "representative", "top_terms", "first_date", "last_date", "sources"]
        return pd.DataFrame(rows, columns=columns)


def _as_day(value):
    """A date-like value as a datetime.date, or None when unknown."""
    days = _days([value])[0]
    return None if np.isnan(days) else _dt.date(1970, 1, 1) + _dt.timedelta(days=int(days))


def _days(dates):
    """Dates (ISO strings, date/datetime, numpy datetime64, pandas Timestamps; None/NaT/"" unknown)
    as float days since 1970-01-01, NaN where unknown."""
    out = np.full(len(dates), np.nan)
    for i, d in enumerate(dates):
        if d is None or (isinstance(d, float) and np.isnan(d)) or (isinstance(d, str) and not d.strip()):
            continue
        if hasattr(d, "to_datetime64"):  # pandas Timestamp / NaT
            d = d.to_datetime64()
        try:
            v = np.datetime64(d.strip() if isinstance(d, str) else d, "D")
        except (ValueError, TypeError) as e:
            raise ValueError(f"date {i} is not a date: {d!r}") from e
        if not np.isnat(v):
            out[i] = float(v.astype(np.int64))
    return out


def _window_days(window, has_dates=False):
    if isinstance(window, str):
        if window != "auto":
            raise ValueError(f"window must be 'auto', None, a positive number of days or a timedelta; got {window!r}")
        return AUTO_WINDOW_DAYS if has_dates else None
    if window is None:
        return None
    if isinstance(window, _dt.timedelta):
        window = window.total_seconds() / 86400.0
    elif isinstance(window, np.timedelta64):
        window = window / np.timedelta64(1, "D")
    if isinstance(window, bool) or not isinstance(window, numbers.Real) or not np.isfinite(window) or window <= 0:
        raise ValueError(f"window must be a positive number of days or a timedelta; got {window!r}")
    return float(window)


def rerank_neighbours(indices, scores, *, n_jobs=1):
    """Re-rank neighbour lists with the neighbours' own evidence (query expansion on the graph).

    Each document's profile is its listed neighbours with their scores. For a listed pair (i, j)
    the agreement c is the cosine of the two profiles over *third* documents (i and j left out):
    1 when the two are close to the same other documents in the same proportions (the other
    outlets' reports of one event), 0 when their other neighbours differ (two storms, each with
    its own reports); 1 when neither has a third neighbour (no evidence either way). The new
    score is ``s * (1 + c) / 2``: the plain score when the neighbourhoods agree, half of it when
    they share nothing. Each row is re-sorted (ties: lower
    index). Works on the lists only: O(n k^2), no matrix; the same for any ``n_jobs``.

    Parameters
    ----------
    indices, scores : arrays of shape (n, k)
        :func:`mekong.top_k_similar` of a matrix with itself (``Y=None``); -1 / NaN pads.

    Returns
    -------
    indices, scores : ndarrays of the same shape, the same candidates re-ordered.
    """
    index = np.asarray(indices)
    score = np.asarray(scores, dtype=np.float64)
    if isinstance(index, np.ma.MaskedArray) or np.ma.isMaskedArray(indices):
        index = np.ma.filled(indices, -1)
        score = np.ma.filled(np.ma.asarray(scores, dtype=np.float64), np.nan)
    with _progress.bar(index.shape[0], "re-rank", unit="row") as pb:
        return _core.rerank_neighbours(index.astype(np.int64), score, check_n_jobs(n_jobs), progress=pb)


def rerank_results(indices, scores, neighbour_indices, neighbour_scores, *, n_jobs=1):
    """:func:`rerank_neighbours` for queries from outside the corpus (search results).

    A query's profile is its result list; a document's is its own neighbour list in the corpus
    (``neighbour_indices``, e.g. :func:`neighbour_lists` of the indexed matrix). Each result's
    score is scaled by the agreement of the two profiles over third documents, exactly as
    :func:`rerank_neighbours` does for the corpus' own lists: both are the same core routine,
    run here on the query rows plus the rows of the documents they reach (renumbered to those
    documents only, so a query costs its candidates' lists, not the corpus).

    Parameters
    ----------
    indices, scores : arrays (n_queries, k)
        Each query's results, best first, -1 / NaN pads (:meth:`mekong.SearchIndex.rank`).
    neighbour_indices, neighbour_scores : arrays (n_documents, m)
        Each document's neighbours among the documents (-1 / NaN pads).

    Returns
    -------
    indices, scores : ndarrays (n_queries, k), the same candidates re-ordered, float64 scores.
    """
    qi = np.asarray(np.ma.filled(indices, -1) if np.ma.isMaskedArray(indices) else indices, dtype=np.int64)
    qs = np.asarray(np.ma.filled(scores, np.nan) if np.ma.isMaskedArray(scores) else scores, dtype=np.float64)
    di = np.asarray(neighbour_indices, dtype=np.int64)
    ds = np.asarray(neighbour_scores, dtype=np.float64)
    if qi.shape != qs.shape or qi.ndim != 2 or di.shape != ds.shape or di.ndim != 2:
        raise ValueError("indices and scores must be 2-d arrays of one shape, and so must the neighbour lists")
    n_docs = di.shape[0]
    if ((qi < -1) | (qi >= n_docs)).any() or ((di < -1) | (di >= n_docs)).any():
        raise ValueError(f"indices must be -1 or a document index below {n_docs}")
    if qi.size == 0:
        return qi.copy(), qs.copy()
    cand = np.unique(qi[qi >= 0])
    reached = di[cand]
    ids = np.unique(np.concatenate([cand, reached[reached >= 0]]))  # every document a profile names
    local = lambda a: np.where(a >= 0, np.searchsorted(ids, np.maximum(a, 0)), -1)  # noqa: E731
    n_q, k = qi.shape
    width = max(k, di.shape[1])
    index = np.full((len(ids) + n_q, width), -1, dtype=np.int64)
    score = np.full(index.shape, np.nan)
    rows = np.searchsorted(ids, cand)
    index[rows, : di.shape[1]], score[rows, : di.shape[1]] = local(reached), ds[cand]
    index[len(ids) :, :k], score[len(ids) :, :k] = local(qi), qs
    out_i, out_s = rerank_neighbours(index, score, n_jobs=n_jobs)
    out_i, out_s = out_i[len(ids) :, :k], out_s[len(ids) :, :k]
    return np.where(out_i >= 0, ids[np.maximum(out_i, 0)], -1), out_s


def expand_rows(
    X, indices, scores, m=EXPAND_NEIGHBOURS, *, dates=None, window=None, min_score=0.0, undated_min_score=0.0
):
    """Query expansion: each row's unit vector plus its ``m`` nearest neighbours' unit vectors,
    each weighted by its cosine to the row (average query expansion, alpha = 1).

    Two reports of one event share some facts and each adds its own; two articles on one topic
    share the topic's words. After expansion a row also carries the facts its nearest neighbours
    report, so that the versions of one event come to share most of their heavy terms, while a
    same-topic article from another week gains words of its own event. A neighbour from another
    event would drag the row toward that event (topic drift), so only likely partners take part:
    listed neighbours scoring above ``min_score``, and with ``dates`` and ``window`` (days), within
    the window (unknown dates are not constrained). Rows with no term stay empty. Linear: ``m``
    scaled copies of each row, one sparse product.

    Parameters
    ----------
    X : sparse matrix (n, d)
    indices, scores : arrays (n, k), e.g. :func:`neighbour_lists` of X (-1 / NaN pads)
    m : int >= 0
        Neighbours added (the first ``m`` of each list); 0 returns the unit rows.
    dates : sequence of date-like, optional; window : float days, optional
    min_score : float, default=0.0
        Neighbours scoring this or less are left out.
    undated_min_score : float, default=0.0
        With ``dates`` and ``window``: a pair whose date is unknown on either side (the window
        cannot vouch for it) must also score above this (:func:`stories` passes the cut it uses
        without dates).

    Returns
    -------
    scipy.sparse.csr_matrix (n, d), float64; not normalised (cosine normalises).
    """
    import scipy.sparse as sp

    m = check_int("m", m)
    if m < 0:
        raise ValueError(f"m must be >= 0; got {m}")
    X = as_csr(X)
    n = X.shape[0]
    X = sp.csr_matrix(X, dtype=np.float64)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    unit = sp.csr_matrix(sp.diags(np.divide(1.0, norms, out=np.zeros(n), where=norms > 0)) @ X)
    index = np.asarray(np.ma.filled(indices, -1) if np.ma.isMaskedArray(indices) else indices, dtype=np.int64)
    score = np.asarray(np.ma.filled(scores, np.nan) if np.ma.isMaskedArray(scores) else scores, dtype=np.float64)
    if index.shape != score.shape or index.ndim != 2 or index.shape[0] != n:
        raise ValueError(f"indices and scores must both have shape ({n}, k)")
    index, score = index[:, :m], np.nan_to_num(score[:, :m], nan=0.0)
    rows = np.repeat(np.arange(n), index.shape[1]).reshape(index.shape)
    keep = (index >= 0) & (score > max(float(min_score), 0.0))
    if dates is not None and window is not None:
        day = _days(list(dates))
        other = day[np.where(index >= 0, index, 0)]
        both = np.isfinite(day)[:, None] & np.isfinite(other)
        keep &= ~(both & (np.abs(day[:, None] - other) > window))
        keep &= both | (score > float(undated_min_score))
    W = sp.csr_matrix((score[keep], (rows[keep], index[keep])), shape=(n, n)) + sp.identity(n, format="csr")
    return sp.csr_matrix(W @ unit)


def entity_columns(feature_names):
    """A boolean mask of the name columns among ``feature_names``: the alias keys of
    ``aliases=True`` (``"name:attapu"``), one column per person, place or organisation whatever its
    spelling. ``get_feature_names_out()``, not ``readable_feature_names()``, which drops the prefix."""
    return np.fromiter((str(t).startswith(NAME_PREFIX) for t in feature_names), dtype=bool, count=len(feature_names))


def _entity_mask(entities, feature_names, n_columns, option="entities"):
    """``entities`` (or ``bridge``) of stories() as a boolean mask over the columns, or None when the
    rule is off."""
    if entities is None or entities is False:
        return None
    if isinstance(entities, str):
        if entities != "auto":
            raise ValueError(f"{option} must be 'auto', None, a boolean mask or column indices; got {entities!r}")
        if feature_names is None:
            return None
        mask = entity_columns(feature_names)
        return mask if mask.any() else None
    arr = np.asarray(entities)
    if arr.dtype == bool:
        if arr.shape != (n_columns,):
            raise ValueError(f"{option} has {arr.size} flags for {n_columns} columns")
        return arr
    if arr.ndim != 1 or (arr.size and not np.issubdtype(arr.dtype, np.integer)):
        raise ValueError(f"{option} must be 'auto', None, a boolean mask or column indices")
    if arr.size and (arr.min() < 0 or arr.max() >= n_columns):
        raise ValueError(f"{option} holds a column index outside 0..{n_columns - 1}")
    mask = np.zeros(n_columns, dtype=bool)
    mask[arr] = True
    return mask


def name_conflicts(X, indices, scores, entities, *, dates=None, window=None, share=NAME_CONFLICT_SHARE):
    """Scale the listed pairs whose documents name no one in common: evidence against one event.

    A pair (i, j) of the lists is in conflict when both rows have a non-zero entry in at least one
    ``entities`` column that two or more rows of ``X`` have (a name only one document writes can never
    be shared, so it is no evidence), and they share none. Its score is multiplied by ``share``; each row is then
    re-sorted (ties: list order). With ``dates`` and ``window`` (days) only pairs the window cannot
    vouch for are judged: those with an unknown date on either side (pairs of known dates are the
    window's to separate, and it does). Work: the pairs' name entries, in chunks (no n x n matrix).

    Parameters
    ----------
    X : sparse matrix (n, d)
    indices, scores : arrays (n, k), -1 / NaN pads
    entities : boolean mask of the d columns (see :func:`entity_columns`)
    dates : sequence of date-like, optional; window : float days, optional
    share : float in [0, 1]

    Returns
    -------
    indices, scores : ndarrays (n, k), float64 scores.
    """
    import scipy.sparse as sp

    index = np.asarray(np.ma.filled(indices, -1) if np.ma.isMaskedArray(indices) else indices, dtype=np.int64)
    score = np.array(np.ma.filled(scores, np.nan) if np.ma.isMaskedArray(scores) else scores, dtype=np.float64)
    X = as_csr(X)
    n = X.shape[0]
    if index.shape != score.shape or index.ndim != 2 or index.shape[0] != n:
        raise ValueError(f"indices and scores must both have shape ({n}, k)")
    mask = np.asarray(entities, dtype=bool)
    if mask.shape != (X.shape[1],):
        raise ValueError(f"entities has {mask.size} flags for {X.shape[1]} columns")
    if index.size == 0 or not mask.any():
        return index, score
    # Each row's name columns as a 0/1 matrix; a pair shares a name iff the product of its rows is > 0.
    E = sp.csr_matrix(X, dtype=np.float64, copy=True)
    E.data = np.where((E.data != 0) & mask[E.indices], 1.0, 0.0)
    E.eliminate_zeros()
    # Only names at least two documents write: one no other document writes can never be shared, so
    # it is no evidence either way (and is often the name finder's noise: a capitalised sentence
    # start, a product). Without this, an article naming only such a name conflicted with its partners.
    written = np.bincount(E.indices, minlength=E.shape[1]) >= 2
    E.data = np.where(written[E.indices], 1.0, 0.0)
    E.eliminate_zeros()
    has = np.diff(E.indptr) > 0
    target = np.where(index >= 0, index, 0)
    judged = (index >= 0) & has[:, None] & has[target]
    if dates is not None and window is not None:
        day = _days(list(dates))
        judged &= ~(np.isfinite(day)[:, None] & np.isfinite(day[target]))
    rows, cols = np.nonzero(judged)
    shared = np.zeros(len(rows), dtype=bool)
    chunk = 1 << 16
    for a in range(0, len(rows), chunk):
        r, c = rows[a : a + chunk], index[rows[a : a + chunk], cols[a : a + chunk]]
        shared[a : a + chunk] = np.asarray(E[r].multiply(E[c]).sum(axis=1)).ravel() > 0
    conflict = np.zeros(index.shape, dtype=bool)
    conflict[rows[~shared], cols[~shared]] = True
    if not conflict.any():
        return index, score
    score = np.where(conflict, score * float(share), score)
    order = np.argsort(np.where(index >= 0, -np.nan_to_num(score, nan=-np.inf), np.inf), axis=1, kind="stable")
    return np.take_along_axis(index, order, 1), np.take_along_axis(score, order, 1)


def plain_writing(X, feature_names, names=None):
    """Which documents are written in plain (unaccented ASCII) words: True where at least
    ``PLAIN_WRITING_SHARE`` of a row's distinct alphabetic terms are plain ASCII, the name columns
    (``names``, a boolean mask) left out. In a Vietnamese collection these are its English
    editions; a row with no alphabetic term is not plain. Linear in the non-zeros."""
    import scipy.sparse as sp

    X = as_csr(X)
    terms = [str(t) for t in feature_names]
    if len(terms) != X.shape[1]:
        raise ValueError(f"feature_names has {len(terms)} names for {X.shape[1]} columns")
    alpha = np.fromiter((any(c.isalpha() for c in t) for t in terms), dtype=bool, count=len(terms))
    plain = alpha & np.fromiter((t.isascii() for t in terms), dtype=bool, count=len(terms))
    if names is not None:
        alpha &= ~np.asarray(names, dtype=bool)
        plain &= alpha
    B = sp.csr_matrix(X, copy=True)
    B.data = (B.data != 0).astype(np.float64)
    n_alpha = B @ alpha.astype(np.float64)
    n_plain = B @ plain.astype(np.float64)
    return (n_alpha > 0) & (n_plain >= PLAIN_WRITING_SHARE * n_alpha)


#: ``bridge``: the candidate search reads each row's this many heaviest name columns (then the
#: candidates' cosines are exact): the names every article writes ("Việt Nam") weigh least and would
#: otherwise make the search quadratic in their document frequency.
BRIDGE_PRUNED_NAMES = 8


def _name_candidates(N, asked, main, k, day=None, window=None):
    """Each asked row's ``k`` nearest ``main`` rows of the unit name rows ``N``, found over rows cut
    to their ``BRIDGE_PRUNED_NAMES`` heaviest entries and scored exactly: (positions in ``main``,
    cosines), -1 / NaN pads, best first. With ``day`` (float days, NaN unknown) and ``window``, only
    the dated ``main`` rows within ``window`` days of the asked row's day are candidates: in a
    collection of many months the names of a recurring subject would otherwise fill the ``k``
    places with other weeks' articles (asked rows of one day share one search)."""
    if day is None or window is None:
        return _name_candidates_among(N, asked, main, k)
    k = min(k, len(main))
    cand = np.full((len(asked), k), -1, dtype=np.int64)
    sim = np.full((len(asked), k), np.nan)
    main_day = day[main]
    order = np.flatnonzero(np.isfinite(main_day))
    order = order[np.argsort(main_day[order], kind="stable")]
    sorted_day = main_day[order]
    asked_day = day[asked]
    for t in np.unique(asked_day[np.isfinite(asked_day)]):
        rows = np.flatnonzero(asked_day == t)
        sub = order[np.searchsorted(sorted_day, t - window, "left") : np.searchsorted(sorted_day, t + window, "right")]
        if len(sub) == 0:
            continue
        c, v = _name_candidates_among(N, asked[rows], main[sub], k)
        cand[rows, : c.shape[1]] = np.where(c >= 0, sub[np.maximum(c, 0)], -1)
        sim[rows, : c.shape[1]] = v
    return cand, sim


def _name_candidates_among(N, asked, main, k):
    """:func:`_name_candidates` over all of ``main``."""
    import scipy.sparse as sp

    from .similarity import top_k_similar

    A, M = N[asked], N[main]
    k = min(k, len(main))

    def pruned(R):
        R = sp.csr_matrix(R)
        if np.diff(R.indptr).max(initial=0) <= BRIDGE_PRUNED_NAMES:
            return R
        d, i, p = _core.prune_rows(
            R.indptr.astype(np.int64), R.indices.astype(np.int64), R.data, R.shape[0], R.shape[1], BRIDGE_PRUNED_NAMES
        )
        return sp.csr_matrix((d, i, p), shape=R.shape)

    cand, _ = top_k_similar(pruned(A), pruned(M), k=k)
    cand = np.asarray(np.ma.filled(cand, -1) if np.ma.isMaskedArray(cand) else cand, dtype=np.int64)
    rows = np.repeat(np.arange(len(asked)), cand.shape[1])
    flat = cand.ravel()
    sim = np.full(flat.shape, np.nan)
    ok = flat >= 0
    sim[ok] = np.asarray(A[rows[ok]].multiply(M[flat[ok]]).sum(axis=1)).ravel()
    sim = sim.reshape(cand.shape)
    order = np.argsort(np.where(cand >= 0, -np.nan_to_num(sim, nan=-np.inf), np.inf), axis=1, kind="stable")
    return np.take_along_axis(cand, order, 1), np.take_along_axis(sim, order, 1)


def bridge_writings(
    X,
    labels,
    names,
    plain,
    *,
    dates,
    window,
    min_cosine=BRIDGE_NAME_COSINE,
    candidates=BRIDGE_CANDIDATES,
    min_shared_names=BRIDGE_MIN_SHARED_NAMES,
):
    """Join documents of the collection's other writing to the story their names tell.

    An English edition of a Vietnamese event shares almost no term with the Vietnamese versions,
    so no cosine links it; its names (alias keys: "Quang Tri" and "Quảng Trị" are one column) are
    the only evidence. A document of the minority writing (``plain`` or not, whichever fewer
    documents are) that is in no story (label -1) and has a known date joins the group of the
    majority writing whose members' name cosines to it average highest, when that average reaches
    ``min_cosine``, it shares at least ``min_shared_names`` name columns with the group (one
    shared name alone scores 1.0 between two rows that write only it), and the group has a known
    date and all its known dates and the document's lie within ``window`` days: strong shared
    names *and* the days of one event. A group is a story or
    a lone document (the two then form a new story). Documents of the minority writing only ever
    join groups of the majority one, never each other (two English articles share the language's
    words, not an event). Ties: the group with the lower first member.

    Work: each minority document's ``candidates`` nearest dated majority documents within
    ``window`` days by the name columns, found from each row's ``BRIDGE_PRUNED_NAMES`` heaviest
    names (:func:`mekong.top_k_similar`, one search per distinct day, no n x n matrix), then the
    exact name cosines to every member of their groups, in vectorised chunks. 100,000 articles of
    which 10,000 in the other writing, dates over a year: 1.9 s of CPU (``benchmarks/STORIES.md``).

    Parameters
    ----------
    X : sparse matrix (n, d)
    labels : array of n ints, -1 for a document in no story
    names : boolean mask of the d columns (the name columns, :func:`entity_columns`)
    plain : boolean array of n (:func:`plain_writing`)
    dates : sequence of n date-like (None where unknown); window : float days

    Returns
    -------
    ndarray of int64: the labels with the bridged documents joined, renumbered so that stories are
    numbered by their lowest member, as :func:`stories` numbers them.
    """
    import scipy.sparse as sp

    labels = np.asarray(labels, dtype=np.int64).copy()
    X = as_csr(X)
    n = X.shape[0]
    plain = np.asarray(plain, dtype=bool)
    names = np.asarray(names, dtype=bool)
    if labels.shape != (n,) or plain.shape != (n,):
        raise ValueError(f"labels and plain must hold one value per document ({n})")
    if names.shape != (X.shape[1],):
        raise ValueError(f"names has {names.size} flags for {X.shape[1]} columns")
    day = _days(list(dates))
    if len(day) != n:
        raise ValueError(f"dates has {len(day)} values for {n} documents")
    minority = plain if plain.sum() * 2 < n else ~plain
    if not names.any() or not minority.any() or minority.all():
        return _by_lowest_member(labels)
    N = sp.csr_matrix(X[:, np.flatnonzero(names)], dtype=np.float64)
    norms = np.sqrt(np.asarray(N.multiply(N).sum(axis=1)).ravel())
    N = sp.csr_matrix(sp.diags(np.divide(1.0, norms, out=np.zeros(n), where=norms > 0)) @ N)
    asked = np.flatnonzero(minority & (labels < 0) & np.isfinite(day) & (norms > 0))
    main = np.flatnonzero(~minority)
    if len(asked) == 0 or len(main) == 0:
        return _by_lowest_member(labels)
    cand, _ = _name_candidates(N, asked, main, candidates, day, window)
    # The groups of the main writing: a story's members, or a lone document by itself (key -1 - j),
    # numbered 0..G-1, with their members listed group by group and their known days' span.
    key = np.where(labels[main] >= 0, labels[main], -1 - main)
    keys, group_of_main = np.unique(key, return_inverse=True)
    group_of_main = group_of_main.ravel()
    by_group = np.argsort(group_of_main, kind="stable")
    member = main[by_group]
    bounds = np.concatenate([[0], np.cumsum(np.bincount(group_of_main, minlength=len(keys)))])
    size = np.diff(bounds)
    lowest = member[bounds[:-1]]  # main is ascending, so each group's first listed member is its lowest
    d = day[member]
    lo = np.fmin.reduceat(np.where(np.isfinite(d), d, np.inf), bounds[:-1])
    hi = np.fmax.reduceat(np.where(np.isfinite(d), d, -np.inf), bounds[:-1])
    # Each asked document's candidate groups, once each, that the window allows.
    rows = np.repeat(np.arange(len(asked)), cand.shape[1])
    flat = cand.ravel()
    rows, grp = rows[flat >= 0], group_of_main[flat[flat >= 0]]
    pair = np.unique(rows * len(keys) + grp)
    rows, grp = pair // len(keys), pair % len(keys)
    t = day[asked[rows]]
    fits = np.isfinite(lo[grp]) & (np.fmax(hi[grp], t) - np.fmin(lo[grp], t) <= window)
    rows, grp = rows[fits], grp[fits]
    # The name cosines to a group's members summed: the asked row's dot product with the sum of
    # the members' unit name rows (one row per group however large the story).
    sums = sp.csr_matrix((np.ones(len(member)), (group_of_main[by_group], member)), shape=(len(keys), n)) @ N
    sums = sp.csr_matrix(sums)
    total = np.zeros(len(rows))
    chunk = 1 << 16
    for a in range(0, len(rows), chunk):
        r, g = asked[rows[a : a + chunk]], grp[a : a + chunk]
        total[a : a + chunk] = np.asarray(N[r].multiply(sums[g]).sum(axis=1)).ravel()
    reps = size[grp]
    avg = total / np.maximum(reps, 1)
    ok = (avg >= min_cosine) & (_shared_names(N, asked[rows], sums, grp) >= min_shared_names)
    rows, grp, avg = rows[ok], grp[ok], avg[ok]
    # The best group per asked document: highest average, then the lower first member.
    order = np.lexsort((lowest[grp], -avg, rows))
    first = order[np.concatenate([[True], rows[order][1:] != rows[order][:-1]])] if len(order) else order
    story_label = {}  # a lone document's group -> the label of the story it forms with a bridged one
    next_label = int(labels.max()) + 1
    for r, g in zip(rows[first].tolist(), grp[first].tolist()):
        i, k = int(asked[r]), int(keys[g])
        if k >= 0:
            labels[i] = k
        else:
            if k not in story_label:
                story_label[k] = next_label
                next_label += 1
                labels[-1 - k] = story_label[k]
            labels[i] = story_label[k]
    return _by_lowest_member(labels)


def _shared_names(N, rows, M, cols):
    """How many name columns row ``rows[t]`` of ``N`` shares with row ``cols[t]`` of ``M``, for each t
    (vectorised in chunks)."""
    import scipy.sparse as sp

    out = np.zeros(len(rows), dtype=np.int64)
    if len(rows) == 0:
        return out
    A = sp.csr_matrix(N, copy=True)
    A.data = (A.data != 0).astype(np.float64)
    B = sp.csr_matrix(M, copy=True)
    B.data = (B.data != 0).astype(np.float64)
    chunk = 1 << 16
    for a in range(0, len(rows), chunk):
        r, c = rows[a : a + chunk], cols[a : a + chunk]
        out[a : a + chunk] = np.asarray(A[r].multiply(B[c]).sum(axis=1)).ravel().astype(np.int64)
    return out


def _by_lowest_member(labels):
    """Labels renumbered 0, 1, ... in the order of each story's lowest member, as the linkage
    numbers its stories; -1 stays -1."""
    labels = np.asarray(labels, dtype=np.int64)
    out = np.full(len(labels), -1, dtype=np.int64)
    inside = labels >= 0
    if inside.any():
        _, first, codes = np.unique(labels[inside], return_index=True, return_inverse=True)
        rank = np.empty(len(first), dtype=np.int64)
        rank[np.argsort(first, kind="stable")] = np.arange(len(first))
        out[inside] = rank[codes.ravel()]
    return out


def _bridge(bridge, feature_names, n_columns):
    """``bridge`` of stories() as (name columns' mask, feature names), or None when it is off."""
    if isinstance(bridge, str) and bridge == "auto" and feature_names is None:
        return None
    mask = _entity_mask(bridge, feature_names, n_columns, option="bridge")
    if mask is None:
        return None
    if feature_names is None:
        raise ValueError("bridge needs feature_names: the writing of each document is read from its terms")
    return mask, list(feature_names)


def _bridge_pairs(
    X,
    names,
    plain,
    day,
    window,
    min_cosine=BRIDGE_NAME_COSINE,
    candidates=BRIDGE_CANDIDATES,
    min_shared_names=BRIDGE_MIN_SHARED_NAMES,
):
    """The cross-writing pairs of :func:`bridge_neighbours`: (minority document, majority document,
    name cosine) for every dated minority document and its dated majority candidates within
    ``window`` days whose name cosine reaches ``min_cosine``, best first per document."""
    import scipy.sparse as sp

    X = as_csr(X)
    n = X.shape[0]
    minority = plain if plain.sum() * 2 < n else ~plain
    if not names.any() or not minority.any() or minority.all():
        return []
    N = sp.csr_matrix(X[:, np.flatnonzero(names)], dtype=np.float64)
    norms = np.sqrt(np.asarray(N.multiply(N).sum(axis=1)).ravel())
    N = sp.csr_matrix(sp.diags(np.divide(1.0, norms, out=np.zeros(n), where=norms > 0)) @ N)
    asked = np.flatnonzero(minority & np.isfinite(day) & (norms > 0))
    main = np.flatnonzero(~minority & np.isfinite(day))
    if len(asked) == 0 or len(main) == 0:
        return []
    cand, sim = _name_candidates(N, asked, main, candidates, day, window)
    i = np.repeat(asked, cand.shape[1])
    j = main[np.maximum(cand.ravel(), 0)]
    v = sim.ravel()
    keep = (cand.ravel() >= 0) & (v >= min_cosine) & (np.abs(day[j] - day[i]) <= window)
    keep[keep] = _shared_names(N, i[keep], N, j[keep]) >= min_shared_names
    return list(zip(i[keep].tolist(), j[keep].tolist(), v[keep].tolist()))


def bridge_neighbours(
    X,
    indices,
    scores,
    names,
    plain,
    *,
    dates,
    window,
    min_cosine=BRIDGE_NAME_COSINE,
    min_shared_names=BRIDGE_MIN_SHARED_NAMES,
):
    """:func:`bridge_writings` for same-story retrieval: each list of :func:`story_neighbours` gains
    the documents of the other writing that name what it names, on the days of its event.

    A pair (i, j) is bridged when one is of the minority writing and the other of the majority one,
    both dates are known and within ``window`` days, the cosine of their name columns reaches
    ``min_cosine`` and they share at least ``min_shared_names`` name columns. In a minority document's list its bridged partners come first (best name cosine
    first), then the rest of the list as it was; in a majority document's list, the bridged
    minority document enters with its name cosine as its score, before the first entry that scores
    less or lies outside the window. Each list keeps its length (the last entries fall off).

    Returns
    -------
    indices, scores : ndarrays of the same shape as the lists.
    """
    index = np.array(np.ma.filled(indices, -1) if np.ma.isMaskedArray(indices) else indices, dtype=np.int64)
    score = np.array(np.ma.filled(scores, np.nan) if np.ma.isMaskedArray(scores) else scores, dtype=np.float64)
    X = as_csr(X)
    n = X.shape[0]
    day = _days(list(dates))
    if index.shape != score.shape or index.ndim != 2 or index.shape[0] != n or len(day) != n:
        raise ValueError(f"indices, scores and dates must describe the same {n} documents")
    width = index.shape[1]
    pairs = _bridge_pairs(
        X,
        np.asarray(names, dtype=bool),
        np.asarray(plain, dtype=bool),
        day,
        window,
        min_cosine,
        min_shared_names=min_shared_names,
    )
    if not pairs or width == 0:
        return index, score
    first = {}  # minority document -> [(j, s)], best first
    gained = {}  # majority document -> [(i, s)]
    for i, j, v in pairs:
        first.setdefault(i, []).append((j, v))
        gained.setdefault(j, []).append((i, v))
    for i, bridged in first.items():
        ids = {j for j, _ in bridged}
        rest = [(int(a), float(b)) for a, b in zip(index[i], score[i]) if a >= 0 and int(a) not in ids]
        row = (bridged + rest)[:width]
        index[i, :] = -1
        score[i, :] = np.nan
        index[i, : len(row)] = [a for a, _ in row]
        score[i, : len(row)] = [b for _, b in row]
    for j, added in gained.items():
        row = [(int(a), float(b)) for a, b in zip(index[j], score[j]) if a >= 0]
        for i, v in sorted(added, key=lambda t: (-t[1], t[0])):
            row = [t for t in row if t[0] != i]
            at = next(
                (q for q, (a, b) in enumerate(row) if b < v or (np.isfinite(day[a]) and abs(day[a] - day[j]) > window)),
                len(row),
            )
            row.insert(at, (i, v))
        row = row[:width]
        index[j, :] = -1
        score[j, :] = np.nan
        index[j, : len(row)] = [a for a, _ in row]
        score[j, : len(row)] = [b for _, b in row]
    return index, score


def _check_expand(expand):
    if isinstance(expand, str):
        if expand != "auto":
            raise ValueError(f"expand must be 'auto', None or a number of neighbours >= 0; got {expand!r}")
        return EXPAND_NEIGHBOURS
    if expand is None:
        return 0
    if isinstance(expand, bool) or not isinstance(expand, numbers.Integral) or expand < 0:
        raise ValueError(f"expand must be 'auto', None or a number of neighbours >= 0; got {expand!r}")
    return int(expand)


def _check_threshold(threshold):
    if isinstance(threshold, str):
        if threshold != "auto":
            raise ValueError(f"threshold must be 'auto' or a number in [0, 1); got {threshold!r}")
        return threshold
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not 0.0 <= threshold < 1.0:
        raise ValueError(f"threshold must be 'auto' or a number in [0, 1); got {threshold!r}")
    return float(threshold)


def neighbour_lists(X, k=10, *, search="auto", n_jobs=1):
    """Each row's ``k`` nearest rows by cosine, as ``(indices, scores)`` (float64; -1 / NaN pad).

    ``search="exact"`` is :func:`mekong.top_k_similar`. ``"pruned"`` finds ``2 k`` candidates
    by the cosine of the rows cut to their ``PRUNED_TERMS`` heaviest entries, then ranks them by
    their exact cosine: the terms every article uses never reach the search, whose cost would
    otherwise grow with the square of their document frequency. ``"auto"``: exact up to
    ``EXACT_SEARCH_LIMIT`` rows, pruned above.
    """
    from .similarity import top_k_similar

    if search not in SEARCH_METHODS:
        raise ValueError(f"search must be one of {SEARCH_METHODS}; got {search!r}")
    X = as_csr(X)
    n = X.shape[0]
    if search == "exact" or (search == "auto" and n <= EXACT_SEARCH_LIMIT):
        index, score = top_k_similar(X, k=k, n_jobs=n_jobs)
        return index, score.astype(np.float64)
    indptr, indices = X.indptr.astype(np.int64), X.indices.astype(np.int64)
    data = X.data.astype(np.float64)
    pd_, pi_, pp_ = _core.prune_rows(indptr, indices, data, n, X.shape[1], PRUNED_TERMS)
    import scipy.sparse as sp

    P = sp.csr_matrix((pd_, pi_, pp_), shape=X.shape)
    cand, _ = top_k_similar(P, k=2 * k, n_jobs=n_jobs)
    with _progress.bar(cand.shape[0], "rescore", unit="row") as pb:
        index, score = _core.rescore_cosine(
            cand, np.zeros(cand.shape), indptr, indices, data, X.shape[1], check_n_jobs(n_jobs), progress=pb
        )
    return np.ascontiguousarray(index[:, :k]), np.ascontiguousarray(score[:, :k])


#: With dates, :func:`story_neighbours` looks for each row's in-window documents among this many
#: times ``k`` nearest candidates (at least ``k + STORY_CANDIDATES_MIN``), so that documents of
#: another week that outscore them cannot push them off the list.
STORY_CANDIDATE_FACTOR = 4
STORY_CANDIDATES_MIN = 10


#: Same-story retrieval with dates: a document further than the window from the row keeps
#: ``(window / gap) ** WINDOW_DECAY_POWER`` of its score. A follow-up a week after the event (the
#: driver charged, the support money paid) is still the likeliest version of the story once the
#: in-window versions are listed, while the topic's other events (weeks or months away) fall
#: behind: with the 6-day window, 7 days keep 0.54 of the score (about the re-ranking's "no
#: agreement"), 8 days 0.32, 12 days 0.06. Ranked strictly after every in-window document, such
#: a follow-up fell behind unrelated undated articles. Beyond twice the window the documents come
#: after, by their own scores (a decay there would order another month's articles by their day
#: alone). Powers 1-3 lowered ``events-holdout4``'s MAP
#: (its fuel-price rise and the cut two weeks later), 4 and 6 lowered no set (``benchmarks/STORIES.md``).
WINDOW_DECAY_POWER = 4


def _window_decay(index, score, day, window, power=WINDOW_DECAY_POWER):
    """Each row's list re-ranked: candidates within ``2 * window`` days of the row (or with an
    unknown date on either side) first, by score x (window / gap) ** power for those further than
    ``window`` (the others keep their score), then the candidates further than twice the window,
    by their own score (another event on the topic: the decay would rank them by their day alone).
    Ties keep the list's order; pads stay last. Returns the scores the rows are ranked by."""
    index = np.asarray(index, dtype=np.int64)
    score = np.asarray(score, dtype=np.float64)
    if day is None or window is None or index.size == 0:
        return index, score
    other = day[np.where(index >= 0, index, 0)]
    gap = np.abs(day[:, None] - other)
    dated = (index >= 0) & np.isfinite(day)[:, None] & np.isfinite(other)
    decays = dated & (gap > window) & (gap <= 2 * window)
    beyond = dated & (gap > 2 * window)
    ranked = score * np.where(decays, (window / np.where(decays, gap, 1.0)) ** power, 1.0)
    key = np.nan_to_num(ranked, nan=-np.inf)
    tier = np.where(index < 0, 2, beyond.astype(np.int64))
    order = np.lexsort((-key, tier), axis=1)
    return np.take_along_axis(index, order, 1), np.take_along_axis(ranked, order, 1)


def _in_window_first(index, score, day, window):
    """Each row's list re-ordered: candidates within ``window`` days of the row (or with an unknown
    date on either side) first, the others after them; each part keeps its order (best first)."""
    index = np.asarray(index, dtype=np.int64)
    score = np.asarray(score, dtype=np.float64)
    if day is None or window is None or index.size == 0:
        return index, score
    other = day[np.where(index >= 0, index, 0)]
    far = (index >= 0) & np.isfinite(day)[:, None] & np.isfinite(other) & (np.abs(day[:, None] - other) > window)
    rank = np.where(index < 0, 2, far.astype(np.int64))  # in window, then outside, then padding
    order = np.argsort(rank, axis=1, kind="stable")
    return np.take_along_axis(index, order, 1), np.take_along_axis(score, order, 1)


@_progress.reports_progress
def story_neighbours(
    X,
    k=10,
    *,
    dates=None,
    window="auto",
    expand="auto",
    rerank="neighbours",
    search="auto",
    masked=True,
    n_jobs=1,
    feature_names=None,
    bridge="auto",
    progress=False,
):
    """Same-story retrieval: each document's ``k`` documents most likely to report its story, best first.

    Plain cosine (:func:`mekong.top_k_similar`) ranks by shared words, so an article on the same
    topic (the rice price of another season, the previous storm) can outrank another outlet's
    version of the same event that chose other facts. Two things hold for news in general, and
    this ranking is built on them, with the constants :func:`stories` already uses:

    1. *Versions complete each other* (query expansion, :func:`expand_rows`): each row is searched
       again with its ``expand`` nearest neighbours averaged in (by their cosine), so that it also
       carries the facts the other versions report. With dates, only neighbours within the window
       take part (the first ``expand`` in-window ones among the candidates), so a same-topic
       article of another week cannot pull the row toward its own event.
    2. *Versions are close to the same other articles* (``rerank="neighbours"``,
       :func:`rerank_neighbours`): a candidate keeps its score when its own neighbours are the
       row's neighbours too (the other outlets of one event), and loses up to half of it when the
       two neighbourhoods differ (a same-topic article, surrounded by the versions of its own
       event). Each list is re-ranked over the candidates it holds.
    3. *A story is days, not years* (``window``): with ``dates``, a document further than the
       window from the row, but not twice as far, keeps ``(window / gap) ** WINDOW_DECAY_POWER``
       of its score (documents within the window, or with an unknown date, keep all of it), and
       the list is ranked by the result; documents further than twice the window come after
       them, by their own score (another event on the topic, ranked by similarity, not by day). A follow-up a week later (the driver charged, the support money paid) still ranks
       above unrelated articles, while the topic's other events, weeks or months away, fall to the
       end. The far ones are demoted, not dropped: a list still holds ``k`` documents when the
       row's story has fewer in-window versions. With the texts' dates and the CLI's options, MAP
       0.976 -> 1.000 on ``events-holdout5``, 0.893 -> 0.904 on ``events-holdout6``; no set lower
       (ranking every in-window document first, as before, left the follow-ups behind unrelated
       undated articles).
    4. *Other writings by their names* (``bridge``, with dates and the name columns of
       ``aliases=True``): an English edition shares almost no word with its Vietnamese versions;
       the pairs :func:`bridge_neighbours` finds (the cosine of their name columns at least
       ``BRIDGE_NAME_COSINE``, both dated within the window) enter each other's lists, the minority
       document's partners first. MAP 0.883 -> 0.893 on ``events-holdout6`` (CLI options, texts'
       dates).

    Measured mean average precision of same-story retrieval is in ``benchmarks/STORIES.md``. Work:
    two neighbour searches (the second over rows about ``expand + 1`` times as long), no n x n
    matrix. With dates the in-window documents are looked for among the
    ``max(STORY_CANDIDATE_FACTOR * k, k + STORY_CANDIDATES_MIN)`` nearest candidates.

    Parameters
    ----------
    X : sparse matrix or array (n_documents, n_terms), e.g. tf-idf
    k : int, default=10
        Documents per row; clipped to ``n - 1``.
    dates : sequence of date-like, optional
        One per document (ISO strings, ``datetime.date``, ``numpy.datetime64``; None where unknown);
        for a collection without metadata, :func:`mekong.dates.text_dates` reads them from the texts.
    window : "auto", float (days), timedelta or None, default="auto"
        As in :func:`stories`: "auto" is ``AUTO_WINDOW_DAYS`` (6) with dates and no window
        without them; a window without ``dates`` is an error. Documents with an unknown date are
        never demoted.
    expand : "auto", int >= 0 or None, default="auto"
        Neighbours averaged into each row before the second search; "auto" is ``EXPAND_NEIGHBOURS``
        (3); None or 0 ranks by plain cosine (then by the window).
    rerank : "neighbours" or None, default="neighbours"
        Re-rank each list with the neighbours' evidence (:func:`rerank_neighbours`, the same
        option as in :func:`mekong.top_k_similar` and :class:`mekong.SearchIndex`); None keeps the
        (expanded) cosine order.
    search : "auto", "exact" or "pruned", default="auto"
        How neighbours are found (:func:`neighbour_lists`).
    masked : bool, default=True
        Return ``numpy.ma.MaskedArray`` results with the padding masked (a row with fewer than
        ``k`` documents sharing a term), so that indexing cannot turn a pad into the last row;
        ``False`` returns plain arrays padded with -1 / NaN.
    n_jobs : int, default=1
        Threads; the result is the same for any value.
    feature_names : sequence of str, optional
        The column names (``vectorizer.get_feature_names_out()``), for ``bridge``.
    bridge : "auto", None, boolean mask or column indices, default="auto"
        The name columns for rule 4 (see :func:`stories`); "auto" reads the alias-key columns
        (``"name:..."``) of ``feature_names``, and is off without them or without dates.
    progress : bool, default=False
        Progress bars through tqdm when installed.

    Returns
    -------
    indices : (masked) ndarray of int64, shape (n, min(k, n - 1))
    scores : (masked) ndarray of float64, the same shape, in the lists' order: cosines of the
        expanded rows (plain cosines with ``expand=None``), re-ranked scores with
        ``rerank="neighbours"``; with dates, the scores of documents between one and two windows
        away decayed (rule 3; those further away follow with their own scores, so a list's scores
        need not decrease); a bridged pair's score is the cosine of its name columns. Without
        dates the scores decrease along each list; with them, read the order, not a cut on the
        score.

    Examples
    --------
    >>> import mekong
    >>> from mekong.stories import story_neighbours
    >>> docs = ["giá lúa tăng ở An Giang", "An Giang: giá lúa tăng mạnh", "giá lúa tăng ở An Giang vụ mới"]
    >>> X = mekong.TfidfVectorizer().fit_transform(docs)
    >>> idx, _ = story_neighbours(X, k=1, dates=["2026-03-02", "2026-03-03", "2026-10-20"])
    >>> idx.tolist()
    [[1], [0], [0]]
    """
    k = check_int("k", k)
    if k <= 0:
        raise ValueError(f"k must be a positive integer; got {k}")
    m = _check_expand(expand)
    if rerank not in RERANK_METHODS:
        raise ValueError(f"rerank must be None or 'neighbours'; got {rerank!r}")
    X = as_csr(X)
    n = X.shape[0]
    window = _window_days(window, dates is not None)
    day = _document_days(dates, n, window)
    bridged = _bridge(bridge, feature_names, X.shape[1])
    kk = min(k, max(n - 1, 0))
    wide = kk if window is None else min(max(n - 1, 0), max(STORY_CANDIDATE_FACTOR * kk, kk + STORY_CANDIDATES_MIN))
    if kk == 0:
        index, score = np.full((n, 0), -1, dtype=np.int64), np.full((n, 0), np.nan)
    else:
        E = X
        if m:
            first, fscore = neighbour_lists(
                X, wide if window is not None else min(m, n - 1), search=search, n_jobs=n_jobs
            )
            first, fscore = _in_window_first(first, fscore, day, window)
            E = expand_rows(X, first, fscore, m, dates=dates if window is not None else None, window=window)
        index, score = neighbour_lists(E, wide, search=search, n_jobs=n_jobs)
        if rerank == "neighbours":
            index, score = rerank_neighbours(index, score, n_jobs=n_jobs)
        index, score = _window_decay(index, score, day, window)
        index, score = np.ascontiguousarray(index[:, :kk]), np.ascontiguousarray(score[:, :kk])
        if bridged is not None and window is not None:
            names, terms = bridged
            index, score = bridge_neighbours(
                X, index, score, names, plain_writing(X, terms, names), dates=dates, window=window
            )
    if not masked:
        return index, score
    pad = index < 0
    return np.ma.MaskedArray(index, mask=pad), np.ma.MaskedArray(score, mask=pad)


def _document_days(dates, n, window):
    """Each document's day (see _days) for n documents, or None without dates; a window needs dates."""
    if dates is None:
        if window is not None:
            raise ValueError("window needs dates: pass dates=[...] (one per document; None where unknown)")
        return None
    if len(dates) != n:
        raise ValueError(f"dates has {len(dates)} values for {n} documents")
    return _days(list(dates))


def _story_labels(
    X, threshold, k, rerank, dates, window, n_jobs, search="auto", expand="auto", entities=None, bridge=None
):
    """Labels and the threshold used; shared by stories() and StoryClusterer. ``entities``: a
    boolean mask over the columns (see :func:`_entity_mask`) or None; ``bridge``: None or (the
    name columns' mask, the feature names) for :func:`bridge_writings`."""

    threshold = _check_threshold(threshold)
    expand = _check_expand(expand)
    k = check_int("k", k)
    if k <= 0:
        raise ValueError(f"k must be a positive integer; got {k}")
    if rerank not in RERANK_METHODS:
        raise ValueError(f"rerank must be None or 'neighbours'; got {rerank!r}")
    window = _window_days(window, dates is not None)
    X = as_csr(X)
    n = X.shape[0]
    day = _document_days(dates, n, window)
    if n == 0:
        return X, np.zeros(0, dtype=np.int64), float("nan") if threshold == "auto" else threshold
    index, score = neighbour_lists(X, k, search=search, n_jobs=n_jobs)
    if expand:
        # The neighbours again, of the expanded rows: the lists and scores linkage works on. With a
        # window, the window keeps the expansion inside an event's days; without one, only the
        # neighbours above the corpus's own cut (Otsu on the plain cosines) are likely partners:
        # expanding with every nearest neighbour merged same-topic events (two storms) without dates.
        # A pair with an unknown date on either side is gated as without dates: the window cannot
        # vouch for it (articles whose text names no day, among dated ones, pulled other events in).
        otsu = float(_core.calibrate_threshold(index, score, AUTO_THRESHOLD_FLOOR))
        gate = 0.0 if window is not None else otsu
        undated = otsu if window is not None and not np.isfinite(day).all() else 0.0
        E = expand_rows(
            X,
            index,
            score,
            expand,
            dates=dates if window is not None else None,
            window=window,
            min_score=gate,
            undated_min_score=undated,
        )
        index, score = neighbour_lists(E, k, search=search, n_jobs=n_jobs)
    if rerank == "neighbours":
        index, score = rerank_neighbours(index, score, n_jobs=n_jobs)
    if threshold == "auto":
        # Otsu on the re-ranked similarity itself, not on its contrast to each row's background:
        # the contrast also subtracted the background from true partners of articles in a busy
        # topic, and measured lower ARI on all three labelled corpora (benchmarks/STORIES.md).
        threshold = float(_core.calibrate_threshold(index, score, AUTO_THRESHOLD_FLOOR))
    if entities is not None:
        # After the cut is read: the names are evidence against a join, so they only lower pairs
        # under the corpus's cut and never move the cut itself (which would join other pairs).
        index, score = name_conflicts(
            X, index, score, entities, dates=dates if window is not None else None, window=window
        )
    labels = _core.story_linkage(index, score, threshold, day if window is not None else None, window or 0.0)
    if bridge is not None and window is not None:
        # After the linkage: a document of the other writing has no cosine to its versions, so the
        # linkage left it alone; its names and its date may still place it (rule 5 of stories()).
        names, terms = bridge
        labels = bridge_writings(X, labels, names, plain_writing(X, terms, names), dates=dates, window=window)
    return X, labels, threshold


def _groups(X, labels, feature_names, n_terms):
    names = None if feature_names is None else np.asarray(list(feature_names), dtype=object)
    if names is not None and len(names) != X.shape[1]:
        raise ValueError(f"feature_names has {len(names)} names for {X.shape[1]} columns")
    if labels.size == 0 or labels.max() < 0:
        return []
    import scipy.sparse as sp

    # All stories at once: a membership matrix M (stories x documents), so that the work is a few
    # sparse products over the documents in a story, not a loop of matrix slices per story.
    order = np.argsort(labels, kind="stable")
    order = order[labels[order] >= 0]
    lab = labels[order]
    n_groups = int(lab.max()) + 1
    M = sp.csr_matrix((np.ones(len(order)), (lab, order)), shape=(n_groups, X.shape[0]))
    rows = X[order]
    norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    unit = sp.csr_matrix(sp.diags(1.0 / norms) @ rows)
    centroids = sp.csr_matrix(M[:, order] @ unit)  # sum of each story's unit rows
    sizes = np.bincount(lab, minlength=n_groups)
    # Each member's mean similarity to the others: (u . sum - u . u) / (m - 1).
    to_sum = np.asarray(unit.multiply(centroids[lab]).sum(axis=1)).ravel()
    self_sim = np.asarray(unit.multiply(unit).sum(axis=1)).ravel()
    mean_sim = (to_sum - self_sim) / np.maximum(sizes[lab] - 1, 1)
    weights = sp.csr_matrix(M @ X)
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    groups = []
    for label in range(n_groups):
        members = order[bounds[label] : bounds[label + 1]]
        sims = mean_sim[bounds[label] : bounds[label + 1]]
        representative = int(members[int(np.argmax(sims))])  # argmax: first of ties
        start, end = weights.indptr[label], weights.indptr[label + 1]
        cols, vals = weights.indices[start:end], weights.data[start:end]
        keep = vals > 0
        cols, vals = cols[keep], vals[keep]
        top = np.lexsort((cols, -vals))[:n_terms]
        terms = [((names[cols[j]] if names is not None else int(cols[j])), float(vals[j])) for j in top]
        groups.append(Story(label=label, members=np.sort(members), representative=representative, top_terms=terms))
    return groups


@_progress.reports_progress
def stories(
    X,
    *,
    threshold="auto",
    k=10,
    rerank="neighbours",
    dates=None,
    window="auto",
    feature_names=None,
    n_terms=8,
    ids=None,
    sources=None,
    search="auto",
    n_jobs=1,
    reprints=None,
    expand="auto",
    entities=None,
    bridge="auto",
    progress=False,
):
    """Group the documents of ``X`` (rows, e.g. tf-idf) that report the same story.

    How: each document's ``k`` nearest neighbours by cosine (:func:`mekong.top_k_similar`); each
    document's vector expanded with its 3 nearest neighbours and the neighbours searched again
    (``expand="auto"``, see :func:`expand_rows`); their scores re-ranked with the neighbours' evidence (``rerank="neighbours"``, see
    :func:`rerank_neighbours`), then average linkage (UPGMA) over that graph: two groups merge
    while the average similarity of all pairs across them is above the threshold (pairs that do
    not list each other count as 0). Average linkage rather than single linkage: one article that
    resembles two stories (a round-up, a footer two pages share) cannot chain them into one group.

    Why ``threshold="auto"`` reads the cut from the corpus: how similar two reports of one event
    are depends on the corpus far more than on the event. Edited articles on one event score 0.5
    and more; real multi-outlet news, each outlet in its own words, 0.25-0.45; page furniture,
    stop words and segmentation move every score. No fixed number serves all of them. Three things
    hold in any news corpus, and "auto" is built on them:

    0. *Versions complete each other.* Each outlet picks its own facts of an event, so two
       versions may share only part of them; averaged with its nearest neighbours (query
       expansion), an article carries the facts the other versions report, and versions of one
       event end up sharing most of their weight while articles on one topic in another week do
       not (their nearest neighbours are their own event's versions). Measured with dates: ARI
       0.890 -> 0.961 on ``benchmarks/events`` with the default vectorizer (0.903 -> 0.948 with
       the CLI's options); on ``benchmarks/events-holdout``, written as a check and not looked at
       while choosing this, 0.941 -> 0.941 (0.929 -> 0.954) (``benchmarks/STORIES.md``).
    1. *Agreement, not level.* The neighbour re-ranking (:func:`rerank_neighbours`) keeps a pair's
       score when the two articles are close to the same third articles and halves it when their
       other neighbours differ (two storms, each with its own reports). Same-event pairs keep their
       score; near misses on a shared topic lose half of it, which opens a gap between the two.
    2. *Two populations.* Pooled over all documents, the re-ranked scores are a mixture of the few
       same-event pairs and the many near misses. The cut is Otsu's threshold between them (the
       split with the largest between-class variance), never below ``AUTO_THRESHOLD_FLOOR``.
    3. *A story is days, not years.* With ``dates``, ``window="auto"`` keeps articles more than
       ``AUTO_WINDOW_DAYS`` (6) apart from linking (a week apart to the day is the topic's weekly
       recurrence): the same topic a month later is another event. The window bounds the whole
       story: two groups merge only when all their known dates lie within it, so that reports
       with an unknown date, each close to both, cannot chain two events months apart (with the
       texts' dates, ARI 0.901 -> 0.915 on ``benchmarks/events``, 0.908 -> 0.937 with the CLI's
       options; no other set moved).
    4. *One event, one cast.* Where the window cannot vouch for a pair (no dates, or an unknown
       date on either side: scraped pages often lose the header that carried it), a pair whose two
       documents each name people, places or organisations (names the corpus writes at least twice)
       but none in common keeps half its score (``entities``, :func:`name_conflicts`): two reports
       of one event name its place and its people, two same-topic events name their own (dengue
       in Hà Nội and in Cần Thơ, a crash in Bảo Lộc and one in Laos, Vietnam's inflation and
       Laos'). Names, not figures: a follow-up reports new figures (the lab's finding after the
       poisoning's toll) but names the same place; weighing figures the same way split such
       follow-ups. It needs the name columns of ``aliases=True`` (one column per name whatever
       its spelling). It is applied after the cut is read, so it only lowers pairs. Measured with
       the CLI's options: ARI without dates 0.785 -> 0.814 on ``benchmarks/events``, 0.649 ->
       0.728 on ``events-holdout2``, 0.756 -> 0.817 on ``-holdout3``; with every other article's
       text date removed 0.856 -> 0.899, 0.943 -> 1.000, 0.840 -> 0.914, 0.721 -> 0.780 on
       ``-holdout5``; no cell of the report lower, and pairs of known dates never change
       (``benchmarks/STORIES.md``, round 8). **Off by default** (``entities=None``): on the blind
       ``events-holdout6``, written while the rule was made and measured once before and once
       after, it lowered ARI with the CLI's options from 0.711 to 0.676 (text dates; no dates
       unchanged at 0.480). Outlets' versions of an economic story name different places (one
       the provinces, another the export markets), and the rule split them. Pass
       ``entities="auto"`` to use it.

    5. *Other writings by their names* (``bridge``). An English edition of a Vietnamese event
       shares almost no term with the Vietnamese versions (cosine 0.005-0.08), so the linkage
       leaves it alone; its names are the same columns under ``aliases=True`` ("Quang Tri" and
       "Quảng Trị" are ``name:quangtri``). After the linkage, a dated document of the collection's
       minority writing (:func:`plain_writing`: its words plain ASCII, or not) in no story joins
       the story, or lone document, of the majority writing whose members' name cosines to it
       average highest, if that reaches ``BRIDGE_NAME_COSINE`` (0.25) and all their known dates
       lie within the window (:func:`bridge_writings`): strong shared names *and* the event's days.
       Minority documents never join each other through it. With the texts' dates and the CLI's
       options: ARI 0.888 -> 0.955 on ``events-holdout5``, 0.711 -> 0.779 on ``events-holdout6``,
       no cell lower; ``events-holdout4``'s English fuel-price report names the ministry in
       English, not a name its Vietnamese versions write, and stays alone. Needs dates and the
       name columns (the CLI's options; the default vectorizer has none, so nothing changes there).

    An earlier version cut each pair's contrast to its rows' backgrounds (the median of their
    neighbour scores); that also lowered true partners in busy topics and measured lower on all
    three labelled corpora (``benchmarks/STORIES.md``). The cut used is returned as
    ``Stories.threshold`` on the similarity scale (``Stories.basis`` is ``"similarity"``); a
    number instead of "auto" is a fixed cut on the same scale (cosine, or the re-ranked score).

    Parameters
    ----------
    X : sparse matrix or array, shape (n_documents, n_terms)
    threshold : "auto" or float in [0, 1), default="auto"
    k : int, default=10
        Neighbours per document. A story holds at most about ``k + 1`` documents; the calibration
        wants ``k`` above the usual story size, so that each list also reaches other stories.
    rerank : "neighbours" or None, default="neighbours"
    dates : sequence of date-like, optional
        One per document (ISO strings, ``datetime.date``, ``numpy.datetime64``; None where unknown).
        Without metadata, the articles' own texts give them: ``read_corpus``'s ``date`` column
        (filled from the texts by default) or :func:`mekong.dates.text_dates`.
    window : "auto", float (days), timedelta or None, default="auto"
        With dates: two documents further apart than this never count as linked, and no story
        holds two dated documents further apart (a story lasts days, not years). "auto" is
        ``AUTO_WINDOW_DAYS`` (6) when ``dates`` are given and no window without them; None turns
        the window off. Documents with an unknown date are not constrained by the window (the
        documented fallback); a window without ``dates`` is an error.
    feature_names : sequence of str, optional
        Column names (``vectorizer.get_feature_names_out()``) for each group's top terms; one per
        column of ``X`` (else ValueError).
    n_terms : int >= 0, default=8
    ids, sources : sequences, optional
        One per document: label the rows of :meth:`Stories.to_frame`.
    search : "auto", "exact" or "pruned", default="auto"
        How the neighbours are found (:func:`neighbour_lists`): exactly up to 20,000 documents,
        from each article's heaviest terms above (what keeps 100,000 articles within a minute).
    n_jobs : int, default=1
        Threads; the result is the same for any value.
    reprints : NearDuplicates or sequence of int, optional
        Reprint groups to collapse first (:func:`mekong.near_duplicates` on the same documents, or
        its ``labels``; -1 for a document in no group). Each group takes part once, by its first
        document (so ten copies of one wire story neither outweigh other reports nor move the "auto"
        cut), and all its members receive that document's story label; a reprint group that joins
        no other document is a story of its own.
    expand : "auto", int >= 0 or None, default="auto"
        Neighbours averaged into each document's vector before the neighbours are searched again
        (:func:`expand_rows`; within the window when there are dates). "auto" is
        ``EXPAND_NEIGHBOURS`` (3); None or 0 searches the plain rows once. Costs a second
        neighbour search over rows about ``expand + 1`` times as long.
    entities : "auto", None, boolean mask or column indices, default=None
        The columns that name people, places and organisations, for rule 4 above (off by default:
        see there). "auto": the
        alias-key columns (``"name:..."``, :func:`entity_columns`) of ``feature_names`` when they
        are ``get_feature_names_out()`` of a vectorizer with ``aliases=True``; without such
        columns (or with ``readable_feature_names()``, which drops the prefix: pass
        ``entity_columns(vectorizer.get_feature_names_out())`` then) the rule is off, as with None.
    bridge : "auto", None, boolean mask or column indices, default="auto"
        The name columns for rule 5. "auto": the alias-key columns (``"name:..."``) of
        ``feature_names``; off without such columns (pass ``entity_columns(
        vectorizer.get_feature_names_out())`` with ``readable_feature_names()``, as the CLI does)
        and without dates. A mask or indices need ``feature_names`` too (the writing of each
        document is read from its terms).
    progress : bool, default=False
        Show a progress bar (documents or rows done) through tqdm when it is installed; without tqdm
        nothing is shown. The result is the same either way.

    Returns
    -------
    Stories
        ``labels`` (ndarray of int64, -1 for documents in no group) and ``groups``: one
        :class:`Story` per label with ``members``, ``size``, ``representative`` and ``top_terms``.

    Examples
    --------
    >>> import mekong
    >>> docs = ["bão số 4 đổ bộ Quảng Trị", "Quảng Trị: bão số 4 đổ bộ", "giá lúa tăng ở An Giang",
    ...         "An Giang giá lúa tăng"]
    >>> X = mekong.TfidfVectorizer().fit_transform(docs)
    >>> mekong.stories(X, threshold=0.3).labels.tolist()
    [0, 0, 1, 1]
    """
    n_terms = check_int("n_terms", n_terms)
    if n_terms < 0:
        raise ValueError(f"n_terms must be >= 0; got {n_terms}")
    for name, seq in (("ids", ids), ("sources", sources)):
        if seq is not None and len(seq) != X.shape[0]:
            raise ValueError(f"{name} has {len(seq)} values for {X.shape[0]} documents")
    basis = "similarity"
    X = as_csr(X)
    mask = _entity_mask(entities, feature_names, X.shape[1])
    bridged = _bridge(bridge, feature_names, X.shape[1])
    if reprints is None:
        X, labels, used = _story_labels(X, threshold, k, rerank, dates, window, n_jobs, search, expand, mask, bridged)
    else:
        from .dedup import reprint_rows, spread_labels

        if dates is not None and len(dates) != X.shape[0]:
            raise ValueError(f"dates has {len(dates)} values for {X.shape[0]} documents")
        keep, rep = reprint_rows(reprints, X.shape[0])
        kept_dates = None if dates is None else [dates[i] for i in keep.tolist()]
        _, kept, used = _story_labels(
            X[keep], threshold, k, rerank, kept_dates, window, n_jobs, search, expand, mask, bridged
        )
        labels = spread_labels(kept, rep, reprints)
    groups = _groups(X, labels, feature_names, n_terms)
    return Stories(
        labels=labels,
        groups=groups,
        threshold=used,
        basis=basis,
        ids=None if ids is None else list(ids),
        dates=None if dates is None else list(dates),
        sources=None if sources is None else list(sources),
    )


class StoryClusterer(BaseEstimator):
    """:func:`stories` as a scikit-learn clusterer: ``fit`` / ``fit_predict`` / ``labels_``.

    Parameters are those of :func:`stories` except ``bridge``, which needs feature names (use
    :func:`stories` with ``feature_names`` for it); ``entities`` (default None: there are no feature names
    to read "auto" from) is a boolean mask or column indices of the name columns
    (:func:`entity_columns`). ``fit(X, y=None, dates=None)`` sets ``labels_`` (-1 for documents in no story), ``threshold_`` (the cut used) and ``stories_`` (the
    :class:`Stories`). Grouping is transductive: ``predict(X)`` groups the documents of ``X``
    among themselves with the same parameters, which is what model selection needs (fit on one
    fold, score the grouping of another with a label-invariant score such as the adjusted Rand
    index).

    >>> import mekong
    >>> docs = ["bão số 4 đổ bộ Quảng Trị", "Quảng Trị: bão số 4 đổ bộ", "giá lúa tăng ở An Giang"]
    >>> X = mekong.TfidfVectorizer().fit_transform(docs)
    >>> mekong.StoryClusterer(threshold=0.3).fit_predict(X).tolist()
    [0, 0, -1]
    """

    _estimator_type = "clusterer"

    def __init__(
        self,
        *,
        threshold="auto",
        k=10,
        rerank="neighbours",
        window="auto",
        search="auto",
        n_jobs=1,
        expand="auto",
        entities=None,
    ):
        self.threshold = threshold
        self.entities = entities
        self.expand = expand
        self.k = k
        self.rerank = rerank
        self.window = window
        self.search = search
        self.n_jobs = n_jobs

    def fit(self, X, y=None, dates=None):
        self.stories_ = stories(
            X,
            threshold=self.threshold,
            k=self.k,
            rerank=self.rerank,
            dates=dates,
            window=self.window,
            search=self.search,
            n_jobs=self.n_jobs,
            expand=self.expand,
            entities=self.entities,
        )
        self.labels_ = self.stories_.labels
        self.threshold_ = self.stories_.threshold
        self.n_features_in_ = as_csr(X).shape[1]
        return self

    def fit_predict(self, X, y=None, dates=None):
        return self.fit(X, y, dates=dates).labels_

    def predict(self, X, dates=None):
        check_is_fitted(self, "labels_")
        return stories(
            X,
            threshold=self.threshold,
            k=self.k,
            rerank=self.rerank,
            dates=dates,
            window=self.window,
            search=self.search,
            n_jobs=self.n_jobs,
            expand=self.expand,
            entities=self.entities,
        ).labels

    def __sklearn_tags__(self):  # scikit-learn >= 1.6 reads the estimator type from tags
        tags = super().__sklearn_tags__()
        tags.estimator_type = "clusterer"
        return tags


def _singletons(labels, missing):
    """Labels as integer codes where every missing label (-1, None, NaN) is its own cluster."""
    labels = list(labels)
    codes, out, nxt = {}, np.empty(len(labels), dtype=np.int64), 0
    for i, v in enumerate(labels):
        if missing(v):
            out[i] = -1 - i  # unique per document
            continue
        if v not in codes:
            codes[v] = nxt
            nxt += 1
        out[i] = codes[v]
    return out


def _is_missing(v):
    if v is None:
        return True
    if isinstance(v, (numbers.Integral, np.integer)) and not isinstance(v, (bool, np.bool_)):
        return int(v) == -1
    if isinstance(v, (float, np.floating)):
        return bool(np.isnan(v))
    return False


def evaluate_stories(labels_true, stories_or_labels):
    """Score a grouping against true events; documents in no story (-1) count as singletons.

    Parameters
    ----------
    labels_true : sequence
        The true event of each document (any hashable); None, NaN or -1 for a document that shares
        its event with no other (a singleton of its own).
    stories_or_labels : Stories or sequence of int
        The result of :func:`stories`, or its labels; -1 is a singleton.

    Returns
    -------
    dict with ``ari`` (adjusted Rand index), ``homogeneity``, ``completeness``, ``v_measure``,
    ``pairwise_precision`` (pairs put together that belong together / pairs put together; 1.0 when
    no pair is put together), ``pairwise_recall`` (1.0 when no pair belongs together),
    ``pairwise_f1``, ``n_stories`` (groups of two or more) and ``n_unassigned``. ARI, homogeneity,
    completeness and v-measure equal scikit-learn's on the labels with every -1 made a singleton.
    """
    pred = stories_or_labels.labels if isinstance(stories_or_labels, Stories) else stories_or_labels
    pred = list(np.asarray(pred).tolist()) if isinstance(pred, np.ndarray) else list(pred)
    true = (
        list(np.asarray(labels_true, dtype=object).tolist())
        if isinstance(labels_true, np.ndarray)
        else list(labels_true)
    )
    if len(true) != len(pred):
        raise ValueError(f"labels_true has {len(true)} labels, the grouping {len(pred)}")
    n = len(true)
    t = _singletons(true, _is_missing)
    p = _singletons(pred, _is_missing)
    n_unassigned = sum(1 for v in pred if _is_missing(v))
    p_sizes = np.unique(p, return_counts=True)[1]
    out = {"n_stories": int((p_sizes >= 2).sum()), "n_unassigned": int(n_unassigned)}
    if n == 0:
        return {
            **out,
            "ari": 1.0,
            "homogeneity": 1.0,
            "completeness": 1.0,
            "v_measure": 1.0,
            "pairwise_precision": 1.0,
            "pairwise_recall": 1.0,
            "pairwise_f1": 1.0,
        }
    _, ti = np.unique(t, return_inverse=True)
    _, pi = np.unique(p, return_inverse=True)
    cells, counts = np.unique(ti.astype(np.int64) * (pi.max() + 1) + pi, return_counts=True)
    a = np.bincount(ti).astype(np.float64)  # true cluster sizes
    b = np.bincount(pi).astype(np.float64)  # predicted cluster sizes
    c = counts.astype(np.float64)

    def pairs(x):
        return float((x * (x - 1) / 2).sum())

    both, same_true, same_pred, total = pairs(c), pairs(a), pairs(b), n * (n - 1) / 2
    # Adjusted Rand index from the pair confusion matrix, as scikit-learn computes it.
    tp, fp, fn = both, same_pred - both, same_true - both
    tn = total - tp - fp - fn
    if fn == 0 and fp == 0:
        ari = 1.0
    else:
        ari = 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))

    def entropy(sizes):
        q = sizes[sizes > 0] / n
        return float(-(q * np.log(q)).sum())

    h_true, h_pred = entropy(a), entropy(b)
    # Mutual information from the contingency cells.
    ci_t, ci_p = cells // (pi.max() + 1), cells % (pi.max() + 1)
    mi = float((c / n * (np.log(c * n) - np.log(a[ci_t] * b[ci_p]))).sum())
    mi = max(mi, 0.0)
    homogeneity = 1.0 if h_true == 0 else mi / h_true
    completeness = 1.0 if h_pred == 0 else mi / h_pred
    v = 0.0 if homogeneity + completeness == 0 else 2 * homogeneity * completeness / (homogeneity + completeness)
    precision = 1.0 if same_pred == 0 else both / same_pred
    recall = 1.0 if same_true == 0 else both / same_true
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return {
        **out,
        "ari": float(ari),
        "homogeneity": float(homogeneity),
        "completeness": float(completeness),
        "v_measure": float(v),
        "pairwise_precision": float(precision),
        "pairwise_recall": float(recall),
        "pairwise_f1": float(f1),
    }


__all__ = [
    "AUTO_THRESHOLD_FLOOR",
    "AUTO_WINDOW_DAYS",
    "BRIDGE_NAME_COSINE",
    "EXPAND_NEIGHBOURS",
    "NAME_CONFLICT_SHARE",
    "PLAIN_WRITING_SHARE",
    "WINDOW_DECAY_POWER",
    "Stories",
    "Story",
    "StoryClusterer",
    "bridge_neighbours",
    "bridge_writings",
    "entity_columns",
    "evaluate_stories",
    "expand_rows",
    "name_conflicts",
    "neighbour_lists",
    "plain_writing",
    "rerank_neighbours",
    "stories",
    "story_neighbours",
]
