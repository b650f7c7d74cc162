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
    return pd.DataFrame(S, index=pd.Index(list(ids), name="document"), columns=list(columns if columns is not None else ids))


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
    """The output of :func:`mekong.top_k_similar` as a long DataFrame (document, rank, neighbour, score)."""
    pd = _pd()
    ids = list(ids)
    rows = [
        (ids[i], r + 1, ids[int(j)], float(scores[i, r]))
        for i in range(indices.shape[0])
        for r, j in enumerate(indices[i])
        if j >= 0
    ]
    return pd.DataFrame(rows, columns=["document", "rank", "neighbour", "score"])


__all__ = ["neighbours_frame", "similarity_frame", "top_terms_frame"]
