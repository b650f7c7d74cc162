"""Optional plots (needs matplotlib): a similarity heatmap and a top-terms bar chart."""

from __future__ import annotations

import numpy as np


def _plt():
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover
        raise ImportError("mekong.plot needs matplotlib: pip install matplotlib") from e
    return plt


def similarity_heatmap(S, labels=None, ax=None, cmap="viridis", title="Cosine similarity"):
    """Draw a similarity matrix as a heatmap; returns the Axes."""
    plt = _plt()
    S = np.asarray(S)
    if ax is None:
        size = min(12, 3 + 0.18 * S.shape[0])
        _, ax = plt.subplots(figsize=(size, size))
    image = ax.imshow(S, cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
    if labels is not None:
        ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
        ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_title(title)
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    return ax


def top_terms_bar(X, feature_names, row, n=10, ax=None, title=None):
    """Horizontal bar chart of one document's ``n`` heaviest terms; returns the Axes."""
    plt = _plt()
    from ._sparse import as_csr

    X = as_csr(X)  # duplicates summed, as everywhere in the package
    start, end = X.indptr[row], X.indptr[row + 1]
    cols, vals = X.indices[start:end], X.data[start:end]
    order = np.lexsort((cols, -vals))[:n][::-1]
    names = np.asarray(feature_names, dtype=object)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.35 * len(order) + 1))
    ax.barh([names[cols[j]] for j in order], vals[order])
    ax.set_title(title or f"Top terms of document {row}")
    ax.set_xlabel("weight")
    return ax


__all__ = ["similarity_heatmap", "top_terms_bar"]
