"""Optional plots (needs matplotlib): a similarity heatmap and a top-terms bar chart."""

from __future__ import annotations

import numpy as np


def _plt():
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover
        raise ImportError("mekong.plot needs matplotlib: pip install matplotlib") from e
    return plt


#: Above this many documents a heatmap labels stories, not documents (the names would overlap).
MAX_DOCUMENT_TICKS = 60


def story_order(labels):
    """Row order that puts each story's documents together (stories by label, members ascending),
    documents in no story last; and the stories' boundaries in that order as (label, start, end)."""
    labels = np.asarray(labels)
    order = np.lexsort((np.arange(len(labels)), np.where(labels < 0, np.iinfo(np.int64).max, labels)))
    spans, start = [], 0
    for i in range(1, len(order) + 1):
        if i == len(order) or labels[order[i]] != labels[order[start]]:
            spans.append((int(labels[order[start]]), start, i))
            start = i
    return order, spans


def similarity_heatmap(S, labels=None, ax=None, cmap="viridis", title="Cosine similarity", stories=None):
    """Draw a similarity matrix as a heatmap; returns the Axes.

    With ``stories`` (a :class:`mekong.Stories` or its labels) rows and columns are ordered by
    story and divided by lines, and documents in no story come last, so that each story is a
    block on the diagonal. Above ``MAX_DOCUMENT_TICKS`` documents the ticks name stories rather
    than documents, which keeps several hundred documents legible.
    """
    plt = _plt()
    S = np.asarray(S)
    n = S.shape[0]
    if labels is not None and len(labels) != n:
        raise ValueError(f"labels has {len(labels)} names for {n} documents")
    spans = []
    if stories is not None:
        story_labels = np.asarray(getattr(stories, "labels", stories))
        if len(story_labels) != n:
            raise ValueError(f"stories label {len(story_labels)} documents; S has {n}")
        order, spans = story_order(story_labels)
        S = S[np.ix_(order, order)]
        labels = None if labels is None else [labels[i] for i in order]
    if ax is None:
        size = min(12, 3 + 0.18 * n)
        _, ax = plt.subplots(figsize=(size, size))
    image = ax.imshow(S, cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
    for label, start, end in spans:
        if label >= 0:
            for edge in (start - 0.5, end - 0.5):
                ax.axhline(edge, color="white", linewidth=0.6)
                ax.axvline(edge, color="white", linewidth=0.6)
    if labels is not None and n <= MAX_DOCUMENT_TICKS:
        ax.set_xticks(range(n), labels, rotation=90, fontsize=7)
        ax.set_yticks(range(n), labels, fontsize=7)
    elif spans:
        named = [(start + end - 1) / 2 for label, start, end in spans if label >= 0]
        names = [str(label) for label, _, _ in spans if label >= 0]
        step = max(1, len(named) // 40)  # at most about 40 story names per axis
        ax.set_xticks(named[::step], names[::step], rotation=90, fontsize=6)
        ax.set_yticks(named[::step], names[::step], fontsize=6)
        ax.set_xlabel("story")
    else:
        ax.set_xticks([])
        ax.set_yticks([])
    ax.set_title(title)
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    return ax


def story_timeline(stories, dates=None, sources=None, ax=None, max_stories=40, title="Coverage of each story"):
    """Each story's articles by date, one line per story, a marker per article coloured by source;
    returns the Axes. The ``max_stories`` largest stories are drawn (the table
    :func:`mekong.frames.timeline_frame` has them all). Needs dates (given or carried by ``stories``)."""
    plt = _plt()
    from .stories import _as_day

    dates = stories.dates if dates is None else list(dates)
    sources = stories.sources if sources is None else list(sources)
    if dates is None:
        raise ValueError("story_timeline needs dates: pass dates=[...] or stories made with dates")
    groups = sorted(stories, key=lambda g: (-g.size, g.label))[:max_stories]
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 1 + 0.3 * max(len(groups), 1)))
    names = sorted({str(s) for s in sources if s is not None}) if sources is not None else []
    colours = {name: plt.cm.tab10(i % 10) for i, name in enumerate(names)}
    drawn = set()
    for y, g in enumerate(groups):
        days = [(_as_day(dates[m]), m) for m in g.members]
        known = [(d, m) for d, m in days if d is not None]
        if known:
            ax.plot([min(d for d, _ in known), max(d for d, _ in known)], [y, y], color="0.7", linewidth=1, zorder=1)
        for d, m in known:
            src = None if sources is None or sources[m] is None else str(sources[m])
            ax.scatter(
                [d],
                [y],
                color=colours.get(src, "0.3"),
                s=18,
                zorder=2,
                label=src if src is not None and src not in drawn else None,
            )
            drawn.add(src)
    ax.set_yticks(
        range(len(groups)), [f"{g.label}: {', '.join(str(t) for t, _ in g.top_terms[:3])}" for g in groups], fontsize=7
    )
    ax.invert_yaxis()
    if drawn - {None}:
        ax.legend(fontsize=7, loc="best")
    ax.set_title(title)
    ax.figure.autofmt_xdate()
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


__all__ = ["similarity_heatmap", "story_order", "story_timeline", "top_terms_bar"]
