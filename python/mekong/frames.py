"""Optional pandas helpers: matrices labelled with document ids and terms (needs pandas)."""

from __future__ import annotations

import numpy as np


def _pd():
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover
        raise ImportError("mekong.frames needs pandas: pip install pandas") from e
    return pd


def similarity_frame(S, ids, columns=None):
    """A similarity matrix as a DataFrame with document ids on both axes.

    >>> import numpy as np
    >>> float(similarity_frame(np.eye(2), ["a", "b"]).loc["a", "b"])
    0.0
    """
    pd = _pd()
    S = np.asarray(S)
    return pd.DataFrame(
        S, index=pd.Index(list(ids), name="document"), columns=list(columns if columns is not None else ids)
    )


def top_terms_frame(X, feature_names, ids, n=10):
    """Each document's ``n`` heaviest terms as a long DataFrame (document, rank, term, weight)."""
    pd = _pd()
    from ._sparse import as_csr

    X = as_csr(X)  # duplicates summed, as everywhere in the package
    names = np.asarray(feature_names, dtype=object)
    rows = []
    for i, doc in enumerate(ids):
        start, end = X.indptr[i], X.indptr[i + 1]
        cols, vals = X.indices[start:end], X.data[start:end]
        order = np.lexsort((cols, -vals))[:n]
        rows.extend((doc, r + 1, names[cols[j]], float(vals[j])) for r, j in enumerate(order))
    return pd.DataFrame(rows, columns=["document", "rank", "term", "weight"])


def neighbours_frame(indices, scores, ids):
    """The output of :func:`mekong.top_k_similar` as a long DataFrame (document, rank, neighbour, score).

    Padding (index -1, or masked with ``masked=True``) is dropped, never read as the last document.
    """
    pd = _pd()
    ids = list(ids)
    pad = np.ma.getmaskarray(indices) | (np.ma.filled(indices, -1) < 0)
    index = np.ma.filled(indices, -1)
    score = np.ma.filled(np.ma.asarray(scores, dtype=np.float64), np.nan)
    rows = [
        (ids[i], r + 1, ids[int(index[i, r])], float(score[i, r]))
        for i in range(index.shape[0])
        for r in range(index.shape[1])
        if not pad[i, r]
    ]
    return pd.DataFrame(rows, columns=["document", "rank", "neighbour", "score"])


def stories_frame(stories):
    """One row per story: :meth:`mekong.Stories.to_frame`."""
    return stories.to_frame()


def timeline_frame(stories, dates=None, sources=None, ids=None):
    """Coverage of each story by date and source: one row per (story, date, source) with the
    number of its articles and their ids, sorted by story, date and source.

    ``dates`` / ``sources`` / ``ids`` default to those the :class:`mekong.Stories` carries.
    Articles without a known date are counted under date None (last); documents in no story
    are left out.
    """
    pd = _pd()
    from .stories import _as_day

    n = len(stories.labels)
    dates = stories.dates if dates is None else list(dates)
    sources = stories.sources if sources is None else list(sources)
    ids = (stories.ids if stories.ids is not None else list(range(n))) if ids is None else list(ids)
    for name, seq in (("dates", dates), ("sources", sources), ("ids", ids)):
        if seq is not None and len(seq) != n:
            raise ValueError(f"{name} has {len(seq)} values for {n} documents")
    cells = {}
    for g in stories:
        for m in g.members:
            day = _as_day(dates[m]) if dates is not None else None
            src = None if sources is None or sources[m] is None else str(sources[m])
            cells.setdefault((g.label, day, src), []).append(ids[m])
    rows = [(label, day, src, len(members), members) for (label, day, src), members in cells.items()]
    rows.sort(key=lambda r: (r[0], r[1] is None, r[1].toordinal() if r[1] else 0, r[2] is None, r[2] or ""))
    return pd.DataFrame(rows, columns=["story", "date", "source", "articles", "members"])


__all__ = ["neighbours_frame", "similarity_frame", "stories_frame", "timeline_frame", "top_terms_frame"]
