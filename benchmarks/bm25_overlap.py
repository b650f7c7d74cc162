"""Why SearchIndex's BM25 top-10 differs from bm25s's: the same formula over different tokens.

    python benchmarks/bm25_overlap.py               # writes benchmarks/BM25_OVERLAP.md
    python benchmarks/bm25_overlap.py --docs 20000  # the search benchmark's size (benchmarks/REPORT.md)

The documents are the generated news corpus of benchmarks/run.py (benchmarks/data/corpus-10mb.txt,
made by generate_corpus.py when missing), the queries those of its search benchmark (1-4 consecutive
words of random documents, every third typed without accents). bm25s is run as benchmarks/run.py
runs it (``BM25()``, ``token_pattern=r"(?u)\\b\\w+\\b"``, no stop words). The share of mekong's top-10
documents (score > 0) that are in bm25s's top-10 (score > 0) is measured with SearchIndex's defaults,
then with one difference taken away at a time: accents matched as written (``accents="exact"``),
syllables instead of Vietnamese words (``vectorizer_options={"words": False}``), both, and finally
both sides given the same tokens (the documents and queries pre-split by bm25s's pattern and joined
with spaces). Nothing here is timed.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_corpus  # noqa: E402
from run import TOKEN_PATTERN, load_documents, make_queries  # noqa: E402

import mekong  # noqa: E402


def bm25s_top(docs, queries, k):
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize(docs, token_pattern=TOKEN_PATTERN, stopwords=None, show_progress=False), show_progress=False
    )
    toks = bm25s.tokenize(queries, token_pattern=TOKEN_PATTERN, stopwords=None, return_ids=False, show_progress=False)
    toks = [t if t else ["\u0000"] for t in toks]  # bm25s rejects an empty query
    idx, scores = retriever.retrieve(toks, k=k, show_progress=False)
    return np.asarray(idx), np.asarray(scores)


def overlap(bm, mk, rows):
    shares = []
    for i in rows:
        ours = {int(j) for j in mk[0][i] if j >= 0}
        theirs = {int(j) for j, s in zip(bm[0][i], bm[1][i]) if s > 0}
        if ours:
            shares.append(len(ours & theirs) / len(ours))
    return float(np.mean(shares)), len(shares)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--queries", type=int, default=600)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--report", default=str(HERE / "BM25_OVERLAP.md"))
    args = ap.parse_args(argv)
    import bm25s

    corpus = generate_corpus.corpus_path(10)
    if not corpus.exists():
        generate_corpus.generate(10, corpus)
    docs = load_documents(corpus)[: args.docs]
    queries = make_queries(docs, args.queries)
    everyone = range(len(queries))
    accented = [i for i in everyone if i % 3 != 2]
    bm = bm25s_top(docs, queries, args.k)
    rows = []
    for label, kw in [
        ("defaults", {}),
        ('accents="exact"', dict(accents="exact")),
        ('vectorizer_options={"words": False}', dict(vectorizer_options=dict(words=False))),
        ('accents="exact", {"words": False}', dict(accents="exact", vectorizer_options=dict(words=False))),
    ]:
        mk = mekong.SearchIndex(method="bm25", **kw).fit(docs).rank(queries, k=args.k)
        rows.append((label, overlap(bm, mk, everyone), overlap(bm, mk, accented)))
        print(f"{label}: {rows[-1][1][0]:.3f} of all queries, {rows[-1][2][0]:.3f} of the accented", flush=True)
    pattern = re.compile(TOKEN_PATTERN)
    tdocs = [" ".join(pattern.findall(d.lower())) for d in docs]
    tqueries = [" ".join(pattern.findall(q.lower())) for q in queries]
    bm_same = bm25s_top(tdocs, tqueries, args.k)
    options = dict(words=False, min_token_length=1)
    mk_same = mekong.SearchIndex(method="bm25", accents="exact", vectorizer_options=options).fit(tdocs)
    mk_same = mk_same.rank(tqueries, k=args.k)
    rows.append(
        ("the same tokens on both sides", overlap(bm_same, mk_same, everyone), overlap(bm_same, mk_same, accented))
    )
    print(f"same tokens: {rows[-1][1][0]:.3f}", flush=True)
    import scipy

    load = os.getloadavg()[0]
    lines = [
        "# SearchIndex (BM25) against bm25s: why the top-10 lists differ",
        "",
        f"Written by `python benchmarks/bm25_overlap.py --docs {args.docs} --queries {args.queries}` (the method is in its docstring).",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, load average {load:.2f}; "
        f"Python {platform.python_version()}, NumPy {np.__version__}, SciPy {scipy.__version__}, "
        f"bm25s {bm25s.__version__}, mekong {mekong.__version__}.",
        "",
        f"{len(docs):,} documents of `{corpus.name}`, {len(queries):,} queries ({len(accented):,} typed with accents). "
        f"Share of mekong's top-{args.k} documents that are in bm25s's top-{args.k}:",
        "",
        '| SearchIndex(method="bm25", ...) | all queries | queries with accents |',
        "|---|---|---|",
    ]
    for label, a, b in rows:
        lines.append(f"| {label} | {100 * a[0]:.1f}% ({a[1]}) | {100 * b[0]:.1f}% ({b[1]}) |")
    lines += [
        "",
        "Both score with Lucene's BM25 (k1 = 1.5, b = 0.75, idf = log(1 + (n - df + 0.5) / (df + 0.5)); bm25s leaves",
        "out the constant factor k1 + 1). The defaults differ by design: SearchIndex indexes Vietnamese words",
        '("hợp_tác", one term where bm25s sees two syllables), keeps numbers and codes whole, and matches a query',
        "typed without accents against the accented text. On the same tokens, the differences read were ties",
        "among bm25s's float32 scores and spellings SearchIndex normalizes (tone-mark placement) and bm25s does not.",
        "`tests/test_search_bm25.py` checks the equality on a corpus where both tokenize alike.",
        "",
    ]
    Path(args.report).write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
