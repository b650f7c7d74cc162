"""What progress=True costs: one CountVectorizer.fit_transform plus top_k_similar over a generated
corpus, with bars on or off. Run as two processes and compare them pair by pair:

    farm-bench -n 7 --timeout 600 -- .venv/bin/python benchmarks/progress.py --progress on \\
        --vs '.venv/bin/python benchmarks/progress.py --progress off'

The bar is a sink that only counts (tqdm's drawing is not what is measured; the core's counters and
the caller's 100 ms wake-ups are). Results: benchmarks/PROGRESS.md.
"""

import argparse
import sys

import numpy as np

import mekong
from mekong import _progress


class Sink:
    """A tqdm stand-in that only adds up what it is told."""

    def __init__(self, total=None, **kwargs):
        self.total, self.n = total, 0

    def update(self, n=1):
        self.n += n

    def close(self):
        assert self.n == self.total, (self.n, self.total)


def corpus(n_docs, words, seed=0):
    rng = np.random.default_rng(seed)
    syllables = [f"{a}{b}" for a in "bcdghklmnpqrstvx" for b in ("a", "à", "á", "ơ", "ư", "iê", "uô", "ăn", "ông")]
    return [" ".join(rng.choice(syllables, size=words)) + "." for _ in range(n_docs)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--progress", choices=["on", "off"], required=True)
    p.add_argument("--docs", type=int, default=20000)
    p.add_argument("--words", type=int, default=300)
    p.add_argument("--n-jobs", type=int, default=2)
    args = p.parse_args()
    _progress._tqdm_class = lambda: Sink
    docs = corpus(args.docs, args.words)
    on = args.progress == "on"
    X = mekong.TfidfVectorizer(n_jobs=args.n_jobs, progress=on).fit_transform(docs)
    idx, _ = mekong.top_k_similar(X, k=10, n_jobs=args.n_jobs, progress=on)
    print(X.shape, X.nnz, int(idx.sum()), file=sys.stderr)


if __name__ == "__main__":
    main()
