"""Story groups: which documents report the same story."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import _core
from ._options import check_real
from ._sparse import as_csr
from .similarity import top_k_similar


@dataclass
class Story:
    """One group of documents that report the same story."""

    label: int
    members: np.ndarray          # document indices, ascending
    representative: int          # the member most similar on average to the others
    top_terms: list = field(default_factory=list)  # (term, weight), heaviest first

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass
class Stories:
    """Result of :func:`stories`: a label per document and the groups."""

    labels: np.ndarray           # group label per document; -1 for a document in no group
    groups: list                 # list of Story, by label

    def __len__(self) -> int:
        return len(self.groups)

    def __iter__(self):
        return iter(self.groups)


def stories(X, *, threshold=0.5, k=10, feature_names=None, n_terms=8, n_jobs=1):
    """Group the documents of ``X`` (rows, e.g. tf-idf) that report the same story.

    Linkage: average linkage (UPGMA) over the ``k``-nearest-neighbour graph of cosine similarity.
    Two groups merge while the average similarity of all pairs across them is above
    ``threshold`` (pairs that are not among each other's ``k`` nearest count as 0). Average linkage
    rather than single linkage: one article that resembles two stories (a round-up, or a page
    footer two articles share) cannot chain them into one group; every member must resemble the
    group as a whole. A story can hold at most about ``k + 1`` documents; raise ``k`` for large
    corpora with big stories.

    Parameters
    ----------
    X : sparse matrix or array, shape (n_documents, n_terms)
    threshold : float in [0, 1), default=0.5
        Tf-idf cosine above 0.5 is a conservative "same story" mark for news: on the bundled
        sample it separates every pair of articles on one event from the rest.
    k : int, default=10
    feature_names : sequence of str, optional
        Column names (``vectorizer.get_feature_names_out()``) for each group's top terms.
    n_terms : int, default=8
    n_jobs : int, default=1
        Threads; the result is the same for any value.

    Returns
    -------
    Stories
        ``labels`` (ndarray of int64, -1 for documents in no group) and ``groups``: one
        :class:`Story` per label with ``members``, ``size``, ``representative`` and ``top_terms``.
    """
    threshold = check_real("threshold", threshold, 0.0, 1.0)
    if threshold >= 1.0:
        raise ValueError(f"threshold must be in [0, 1); got {threshold!r}")
    X = as_csr(X)
    n = X.shape[0]
    if n == 0:
        return Stories(labels=np.zeros(0, dtype=np.int64), groups=[])
    index, score = top_k_similar(X, k=k, threshold=threshold if threshold > 0 else 0.0, n_jobs=n_jobs)
    labels = _core.average_linkage_groups(index, score.astype(np.float64), float(threshold))
    names = None if feature_names is None else np.asarray(feature_names, dtype=object)
    groups = []
    for label in range(int(labels.max()) + 1 if n else 0):
        members = np.flatnonzero(labels == label)
        rows = X[members]
        norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        unit = rows.multiply(1.0 / norms[:, None]).tocsr()
        sims = (unit @ unit.T).toarray()
        mean_sim = (sims.sum(axis=1) - np.diag(sims)) / max(len(members) - 1, 1)
        representative = int(members[int(np.argmax(mean_sim))])  # argmax: first of ties
        weights = np.asarray(rows.sum(axis=0)).ravel()
        order = np.lexsort((np.arange(len(weights)), -weights))[:n_terms]
        order = [j for j in order if weights[j] > 0]
        terms = [((names[j] if names is not None else int(j)), float(weights[j])) for j in order]
        groups.append(Story(label=label, members=members, representative=representative, top_terms=terms))
    return Stories(labels=labels, groups=groups)


__all__ = ["Stories", "Story", "stories"]
