"""Bundled data: a sample of Vietnamese news-style articles written for this project.

>>> from mekong.datasets import load_sample
>>> sample = load_sample()
>>> len(sample) >= 40
True
>>> sample.ids[0], sample.topics[0] in sample.topic_names
('000', True)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"
SEGMENTATION_GOLD = Path(__file__).resolve().parent / "segmentation" / "gold.txt"


@dataclass
class SampleCorpus:
    """Texts and metadata of the bundled sample, aligned by position.

    Attributes
    ----------
    texts : list of str
        The article files' contents (headline on the first line).
    ids, titles, topics, sources, dates : list of str
    events : list of str or None
        For articles that report the same event in different words, the event they share.
    furniture : list of bool
        Whether the article carries page furniture (images, captions, navigation tails).
    files : list of pathlib.Path
    """

    texts: list = field(default_factory=list)
    ids: list = field(default_factory=list)
    titles: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    events: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    dates: list = field(default_factory=list)
    furniture: list = field(default_factory=list)
    files: list = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def topic_names(self) -> list:
        return sorted(set(self.topics))

    def as_frame(self):
        """The metadata and texts as a pandas DataFrame indexed by id (needs pandas)."""
        import pandas as pd

        return pd.DataFrame(
            {
                "title": self.titles,
                "topic": self.topics,
                "event": self.events,
                "source": self.sources,
                "date": self.dates,
                "furniture": self.furniture,
                "text": self.texts,
            },
            index=pd.Index(self.ids, name="id"),
        )


def sample_path() -> Path:
    """The folder of the sample's .txt articles."""
    return SAMPLE_DIR / "articles"


def load_sample() -> SampleCorpus:
    """Load the bundled sample of Vietnamese news-style articles with their metadata."""
    meta = json.loads((SAMPLE_DIR / "metadata.json").read_text(encoding="utf-8"))
    out = SampleCorpus()
    for row in meta:
        path = sample_path() / row["file"]
        out.texts.append(path.read_text(encoding="utf-8"))
        out.files.append(path)
        out.ids.append(row["id"])
        out.titles.append(row["title"])
        out.topics.append(row["topic"])
        out.events.append(row.get("event"))
        out.sources.append(row.get("source"))
        out.dates.append(row.get("date"))
        out.furniture.append(bool(row.get("furniture", False)))
    return out


__all__ = ["SampleCorpus", "load_sample", "sample_path"]
