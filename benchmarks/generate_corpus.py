"""Generate a Vietnamese news-like benchmark corpus from the bundled sample's tokens.

A seeded Markov chain over the whitespace-separated tokens of the 46 bundled sample articles
(``mekong.datasets.load_sample()``): the next token follows the previous two (trigram), backing off
to the previous one (bigram) on a fixed share of steps, so sentences recombine instead of repeating
whole articles. Tokens are used exactly as they appear in the sample (punctuation attached,
capitalisation, diacritics, numbers, the odd URL or Markdown image of page furniture), so the text
has the sample's character mix and its vocabulary.

Documents are 100-800 tokens long: a length drawn log-normal around 350 and clipped, then on to the
next sentence end when one comes within 60 tokens (never past 800). They are written one per line,
tokens joined by single spaces (no newline inside a document), until the file reaches the requested
size. MB here means 10**6 bytes of UTF-8.

The output depends only on the sample, the seed and the parameters: the same command gives the same
bytes (the SHA-256 is printed and recorded in a JSON file next to the corpus).

    python benchmarks/generate_corpus.py                  # benchmarks/data/corpus-60mb.txt
    python benchmarks/generate_corpus.py --size-mb 5 --seed 7 -o /tmp/small.txt
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / "data"
SENTENCE_END = (".", "!", "?", "…", '."', ".”", "!”", "?”", ".)")

DEFAULTS = dict(seed=20250313, min_words=100, max_words=800, median_words=350, sigma=0.55, backoff=0.25)


def corpus_path(size_mb, data_dir=DATA_DIR) -> Path:
    return Path(data_dir) / f"corpus-{format_mb(size_mb)}mb.txt"


def format_mb(size_mb) -> str:
    return str(int(size_mb)) if float(size_mb).is_integer() else str(size_mb).replace(".", "_")


def fingerprint(articles, **params) -> str:
    """SHA-256 of the source articles and the generator's parameters: same fingerprint, same corpus."""
    h = hashlib.sha256(json.dumps(params, sort_keys=True).encode())
    for text in articles:
        h.update(text.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def sample_articles():
    import mekong

    return list(mekong.datasets.load_sample().texts)


class MarkovModel:
    """Trigram chain with bigram back-off over integer token ids."""

    def __init__(self, articles):
        self.words: list[str] = []
        ids: dict[str, int] = {}
        docs = []
        for text in articles:
            doc = []
            for tok in text.split():
                i = ids.get(tok)
                if i is None:
                    i = ids[tok] = len(self.words)
                    self.words.append(tok)
                doc.append(i)
            if doc:
                docs.append(doc)
        self.n_articles = len(docs)
        self.n_source_tokens = sum(len(d) for d in docs)
        nw = len(self.words)
        self.nw = nw
        # Successor lists keep duplicates: drawing uniformly from them follows the source's counts.
        tri: dict[int, list[int]] = {}
        bi: dict[int, list[int]] = {}
        starts: list[int] = []
        for doc in docs:
            starts.append(doc[0])
            for j in range(len(doc) - 1):
                bi.setdefault(doc[j], []).append(doc[j + 1])
                if self.ends_sentence(doc[j]) and self.words[doc[j + 1]][:1].isupper():
                    starts.append(doc[j + 1])
            for j in range(len(doc) - 2):
                tri.setdefault(doc[j] * nw + doc[j + 1], []).append(doc[j + 2])
        self.tri = tri
        self.bi = bi
        self.starts = starts
        self.is_end = [w.endswith(SENTENCE_END) for w in self.words]

    def ends_sentence(self, i) -> bool:
        return self.words[i].endswith(SENTENCE_END)

    def document(self, rng: random.Random, n_words: int, backoff: float, max_words: int) -> list[int]:
        """Token ids of one document: n_words tokens, then on to a sentence end (at most max_words)."""
        rand = rng.random
        tri, bi, starts, nw, is_end = self.tri, self.bi, self.starts, self.nw, self.is_end
        a = -1
        b = starts[int(rand() * len(starts))]
        out = [b]
        limit = min(n_words + 60, max_words)
        while True:
            n = len(out)
            if n >= n_words and (is_end[b] or n >= limit):
                return out
            nxt = None
            if a >= 0 and rand() >= backoff:
                nxt = tri.get(a * nw + b)
            if nxt is None:
                nxt = bi.get(b)
            if nxt is None:  # the last token of an article: start a new sentence
                c = starts[int(rand() * len(starts))]
            else:
                c = nxt[int(rand() * len(nxt))]
            out.append(c)
            a, b = b, c


def generate(size_mb=60.0, out=None, *, seed=DEFAULTS["seed"], min_words=DEFAULTS["min_words"],
             max_words=DEFAULTS["max_words"], median_words=DEFAULTS["median_words"], sigma=DEFAULTS["sigma"],
             backoff=DEFAULTS["backoff"], articles=None, quiet=False) -> dict:
    """Write the corpus; returns its metadata (also written to ``<out>.json``)."""
    t0 = time.perf_counter()
    out = Path(out) if out is not None else corpus_path(size_mb)
    out.parent.mkdir(parents=True, exist_ok=True)
    source = articles if articles is not None else sample_articles()
    model = MarkovModel(source)
    rng = random.Random(seed)
    target = int(size_mb * 1_000_000)
    words = model.words
    mu = math.log(median_words)
    total = n_docs = n_tokens = 0
    sha = hashlib.sha256()
    tmp = out.with_name(out.name + ".part")
    with open(tmp, "wb") as fh:
        while total < target:
            n_words = int(round(rng.lognormvariate(mu, sigma)))
            n_words = min(max(n_words, min_words), max_words)
            ids = model.document(rng, n_words, backoff, max_words)
            line = (" ".join([words[i] for i in ids]) + "\n").encode("utf-8")
            fh.write(line)
            sha.update(line)
            total += len(line)
            n_docs += 1
            n_tokens += len(ids)
    os.replace(tmp, out)
    meta = dict(
        file=out.name,
        bytes=total,
        documents=n_docs,
        whitespace_tokens=n_tokens,
        sha256=sha.hexdigest(),
        size_mb=size_mb,
        seed=seed,
        min_words=min_words,
        max_words=max_words,
        median_words=median_words,
        sigma=sigma,
        backoff=backoff,
        source="mekong.datasets.load_sample()" if articles is None else "given articles",
        source_articles=model.n_articles,
        source_tokens=model.n_source_tokens,
        source_types=len(words),
        fingerprint=fingerprint(source, seed=seed, min_words=min_words, max_words=max_words,
                                median_words=median_words, sigma=sigma, backoff=backoff),
        seconds=round(time.perf_counter() - t0, 2),
    )
    out.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    if not quiet:
        print(f"wrote {out}: {total / 1e6:.1f} MB, {n_docs:,} documents, {n_tokens:,} tokens "
              f"in {meta['seconds']:.1f} s (sha256 {meta['sha256'][:16]}...)")
    return meta


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size-mb", type=float, default=60.0, help="size in MB of 10**6 bytes (default: %(default)s)")
    p.add_argument("-o", "--output", help="output file (default: benchmarks/data/corpus-<MB>mb.txt)")
    p.add_argument("--seed", type=int, default=DEFAULTS["seed"], help="random seed (default: %(default)s)")
    p.add_argument("--min-words", type=int, default=DEFAULTS["min_words"])
    p.add_argument("--max-words", type=int, default=DEFAULTS["max_words"])
    p.add_argument("--median-words", type=int, default=DEFAULTS["median_words"])
    p.add_argument("--backoff", type=float, default=DEFAULTS["backoff"],
                   help="share of steps that use the bigram instead of the trigram context (default: %(default)s)")
    args = p.parse_args(argv)
    if not 0 < args.min_words <= args.median_words <= args.max_words:
        p.error("need 0 < --min-words <= --median-words <= --max-words")
    if not 0.0 <= args.backoff <= 1.0:
        p.error("--backoff must be in [0, 1]")
    generate(args.size_mb, args.output, seed=args.seed, min_words=args.min_words, max_words=args.max_words,
             median_words=args.median_words, backoff=args.backoff)
    return 0


if __name__ == "__main__":
    sys.exit(main())
