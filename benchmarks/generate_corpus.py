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

Long tail (the default, ``--vocabulary longtail``): the sample has about 2,600 distinct tokens, while
a real news archive keeps meeting new names, numbers and rare syllables as it grows (its vocabulary
grows like a power of its size, Heaps' law). So a share of the chain's tokens (``--tail-share``,
default 0.15) is replaced by items drawn from a synthetic long-tailed vocabulary, built
combinatorially from Vietnamese onsets, vowels with tone marks and codas (so most of it is not in
the sample, nor in any list):

* rare syllables, drawn from a Zipf distribution over a few hundred thousand generated syllables
  and compounds (exponent 1.1: a few are common, most are seen once or twice);
* names: each document has its own cast of 2-6 names (2-3 capitalised syllables, sometimes
  hyphenated like transliterated Lao or Khmer names), drawn from a Zipf distribution over a large
  set of names, and repeats them, as an article repeats the people and places it is about;
* numbers: counts, years, amounts with thousands separators ("3.500"), decimals and percentages.

``--vocabulary sample`` gives the plain chain over the sample's tokens (the corpus of earlier
reports).

The output depends only on the sample, the seed and the parameters: the same command gives the same
bytes (the SHA-256 is printed and recorded in a JSON file next to the corpus).

    python benchmarks/generate_corpus.py                  # benchmarks/data/corpus-60mb.txt
    python benchmarks/generate_corpus.py --size-mb 5 --seed 7 -o /tmp/small.txt
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import math
import os
import random
import sys
import time
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / "data"
SENTENCE_END = (".", "!", "?", "…", '."', ".”", "!”", "?”", ".)")

DEFAULTS = dict(
    seed=20250313,
    min_words=100,
    max_words=800,
    median_words=350,
    sigma=0.55,
    backoff=0.25,
    vocabulary="longtail",
    tail_share=0.15,
)

# Pieces of the synthetic long-tailed vocabulary: Vietnamese spelling, combined at random.
ONSETS = [
    "",
    "b",
    "c",
    "ch",
    "d",
    "đ",
    "g",
    "gi",
    "h",
    "k",
    "kh",
    "l",
    "m",
    "n",
    "ng",
    "nh",
    "ph",
    "qu",
    "r",
    "s",
    "t",
    "th",
    "tr",
    "v",
    "x",
]
VOWELS = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ia", "iê", "ua", "uô", "ưa", "ươ", "oa", "uy"]
CODAS = ["", "", "c", "ch", "m", "n", "ng", "nh", "p", "t", "i", "o", "u"]
TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]  # none, sắc, huyền, hỏi, ngã, nặng (NFC below)


def corpus_path(size_mb, data_dir=DATA_DIR, vocabulary=DEFAULTS["vocabulary"]) -> Path:
    prefix = "corpus" if vocabulary == "longtail" else "corpus-sample"
    return Path(data_dir) / f"{prefix}-{format_mb(size_mb)}mb.txt"


def format_mb(size_mb) -> str:
    return str(int(size_mb)) if float(size_mb).is_integer() else str(size_mb).replace(".", "_")


def fingerprint(articles, **params) -> str:
    """SHA-256 of the source articles and the generator's parameters: same fingerprint, same corpus."""
    h = hashlib.sha256(json.dumps(params, sort_keys=True).encode())
    for text in articles:
        h.update(text.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def _params(seed, min_words, max_words, median_words, sigma, backoff, vocabulary, tail_share):
    params = dict(
        seed=seed, min_words=min_words, max_words=max_words, median_words=median_words, sigma=sigma, backoff=backoff
    )
    if vocabulary != "sample":  # the plain chain keeps the fingerprint of earlier reports
        params.update(vocabulary=vocabulary, tail_share=tail_share, generator=2)
    return params


def expected_fingerprint(vocabulary=DEFAULTS["vocabulary"]) -> str:
    """The fingerprint a corpus made with the default parameters and this vocabulary has."""
    d = DEFAULTS
    return fingerprint(
        sample_articles(),
        **_params(
            d["seed"],
            d["min_words"],
            d["max_words"],
            d["median_words"],
            d["sigma"],
            d["backoff"],
            vocabulary,
            d["tail_share"],
        ),
    )


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


class LongTail:
    """Rare syllables, names and numbers with Zipf-distributed frequencies (see the module docstring)."""

    def __init__(self, rng: random.Random, n_syllables=300_000, n_names=200_000, exponent=1.1):
        def syllable():
            v = rng.choice(VOWELS)
            tone = rng.choice(TONES)
            # the tone mark goes on the last vowel letter; NFC composes it with the letter
            return unicodedata.normalize("NFC", rng.choice(ONSETS) + v + tone + rng.choice(CODAS))

        seen = set()
        self.syllables = []
        while len(self.syllables) < n_syllables:
            w = syllable() if rng.random() < 0.6 else syllable() + syllable()  # compounds widen the tail
            if w and w not in seen:
                seen.add(w)
                self.syllables.append(w)
        self.names = []
        for _ in range(n_names):
            parts = [syllable().capitalize() for _ in range(rng.choice((2, 2, 2, 3)))]
            # transliterated names (Lao, Khmer) are often written with hyphens: "Xay-nha-bu-ly"
            self.names.append(
                "-".join([parts[0]] + [p.lower() for p in parts[1:]]) if rng.random() < 0.2 else " ".join(parts)
            )
        self.syl_cum = self._zipf_cumulative(n_syllables, exponent)
        self.name_cum = self._zipf_cumulative(n_names, exponent)

    @staticmethod
    def _zipf_cumulative(n, exponent):
        total, cum = 0.0, []
        for r in range(1, n + 1):
            total += r**-exponent
            cum.append(total)
        return [c / total for c in cum]

    def rare(self, rng):
        return self.syllables[min(bisect.bisect_left(self.syl_cum, rng.random()), len(self.syllables) - 1)]

    def cast(self, rng):
        """The names one document is about."""
        return [
            self.names[min(bisect.bisect_left(self.name_cum, rng.random()), len(self.names) - 1)]
            for _ in range(rng.randint(2, 6))
        ]

    @staticmethod
    def number(rng):
        kind = rng.random()
        if kind < 0.3:
            return str(rng.randint(1, 99))
        if kind < 0.5:
            return str(rng.randint(1975, 2030))
        if kind < 0.75:  # amounts with dots as thousands separators: 3.500, 12.750.000
            return f"{rng.randint(1, 999_999_999):,}".replace(",", ".")
        if kind < 0.9:
            return f"{rng.randint(0, 99)},{rng.randint(0, 9)}%"
        return f"{rng.randint(1, 9999)}.{rng.randint(0, 999):03d}"

    def item(self, rng, cast):
        """One long-tail item in place of a chain token: a name of the cast, a rare syllable or a number."""
        u = rng.random()
        if u < 0.35:
            return rng.choice(cast)
        if u < 0.8:
            return self.rare(rng)
        return self.number(rng)


def generate(
    size_mb=60.0,
    out=None,
    *,
    seed=DEFAULTS["seed"],
    min_words=DEFAULTS["min_words"],
    max_words=DEFAULTS["max_words"],
    median_words=DEFAULTS["median_words"],
    sigma=DEFAULTS["sigma"],
    backoff=DEFAULTS["backoff"],
    vocabulary=DEFAULTS["vocabulary"],
    tail_share=DEFAULTS["tail_share"],
    articles=None,
    quiet=False,
) -> dict:
    """Write the corpus; returns its metadata (also written to ``<out>.json``)."""
    t0 = time.perf_counter()
    out = Path(out) if out is not None else corpus_path(size_mb, vocabulary=vocabulary)
    out.parent.mkdir(parents=True, exist_ok=True)
    source = articles if articles is not None else sample_articles()
    if vocabulary not in ("longtail", "sample"):
        raise ValueError(f"vocabulary must be 'longtail' or 'sample'; got {vocabulary!r}")
    model = MarkovModel(source)
    rng = random.Random(seed)
    tail = LongTail(random.Random(seed + 1)) if vocabulary == "longtail" and tail_share > 0 else None
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
            toks = [words[i] for i in ids]
            if tail is not None:
                cast = tail.cast(rng)
                for j in range(len(toks)):
                    if rng.random() < tail_share:
                        toks[j] = tail.item(rng, cast)
            line = (" ".join(toks) + "\n").encode("utf-8")
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
        vocabulary=vocabulary,
        tail_share=tail_share,
        source="mekong.datasets.load_sample()" if articles is None else "given articles",
        source_articles=model.n_articles,
        source_tokens=model.n_source_tokens,
        source_types=len(words),
        fingerprint=fingerprint(
            source, **_params(seed, min_words, max_words, median_words, sigma, backoff, vocabulary, tail_share)
        ),
        seconds=round(time.perf_counter() - t0, 2),
    )
    out.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    if not quiet:
        print(
            f"wrote {out}: {total / 1e6:.1f} MB, {n_docs:,} documents, {n_tokens:,} tokens "
            f"in {meta['seconds']:.1f} s (sha256 {meta['sha256'][:16]}...)"
        )
    return meta


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size-mb", type=float, default=60.0, help="size in MB of 10**6 bytes (default: %(default)s)")
    p.add_argument("-o", "--output", help="output file (default: benchmarks/data/corpus-<MB>mb.txt)")
    p.add_argument("--seed", type=int, default=DEFAULTS["seed"], help="random seed (default: %(default)s)")
    p.add_argument("--min-words", type=int, default=DEFAULTS["min_words"])
    p.add_argument("--max-words", type=int, default=DEFAULTS["max_words"])
    p.add_argument("--median-words", type=int, default=DEFAULTS["median_words"])
    p.add_argument(
        "--backoff",
        type=float,
        default=DEFAULTS["backoff"],
        help="share of steps that use the bigram instead of the trigram context (default: %(default)s)",
    )
    p.add_argument(
        "--vocabulary",
        choices=("longtail", "sample"),
        default=DEFAULTS["vocabulary"],
        help="longtail: the chain plus rare syllables, names and numbers; sample: the chain alone "
        "(default: %(default)s)",
    )
    p.add_argument(
        "--tail-share",
        type=float,
        default=DEFAULTS["tail_share"],
        help="share of tokens replaced by long-tail items (default: %(default)s)",
    )
    args = p.parse_args(argv)
    if not 0.0 <= args.tail_share <= 1.0:
        p.error("--tail-share must be in [0, 1]")
    if not 0 < args.min_words <= args.median_words <= args.max_words:
        p.error("need 0 < --min-words <= --median-words <= --max-words")
    if not 0.0 <= args.backoff <= 1.0:
        p.error("--backoff must be in [0, 1]")
    generate(
        args.size_mb,
        args.output,
        seed=args.seed,
        min_words=args.min_words,
        max_words=args.max_words,
        median_words=args.median_words,
        backoff=args.backoff,
        vocabulary=args.vocabulary,
        tail_share=args.tail_share,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
