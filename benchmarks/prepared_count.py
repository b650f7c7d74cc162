"""The count of a fit_transform from the learning pass's preparations against the count from the bytes.

Times ``CountVectorizer(**options).fit_transform(docs)`` in one process, in alternating pairs: the
default (the name-evidence step keeps each document's preparation and the count reads it) and
``MEKONG_PREPARED_CACHE_MB=0`` (nothing kept: the count decodes, cleans and segments every document
again, the path before). Both give the same matrix (checked here on the first pair). CPU time
(``time.process_time``, all threads) is what to read on a shared machine; the wall time and the
load average are printed too.

    python benchmarks/prepared_count.py CORPUS [--pairs 5] [--n-jobs 1] [--min-documents 8]

CORPUS: a text file, one document a line, or documents separated by U+001E (record separator).
"""

import argparse
import os
import pathlib
import platform
import statistics
import time

import numpy as np

import mekong

OPTION_SETS = {
    "clean+aliases+stop": dict(aliases=True, stop_words="vietnamese", words=True),
    "clean+aliases+stop+phrases": dict(aliases=True, stop_words="vietnamese", phrases=True, words=True),
}


def read_corpus(path):
    text = pathlib.Path(path).read_text(encoding="utf-8")
    return text.split("\x1e") if "\x1e" in text else text.split("\n")


def fit(docs, options, min_documents, n_jobs, keep):
    if keep:
        os.environ.pop("MEKONG_PREPARED_CACHE_MB", None)
    else:
        os.environ["MEKONG_PREPARED_CACHE_MB"] = "0"
    vec = mekong.CountVectorizer(clean=mekong.Cleaner(min_documents=min_documents), n_jobs=n_jobs, **options)
    c0, t0 = time.process_time(), time.perf_counter()
    X = vec.fit_transform(docs)
    return time.process_time() - c0, time.perf_counter() - t0, X


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--n-jobs", type=int, default=1)
    ap.add_argument("--min-documents", type=int, default=2)
    args = ap.parse_args()
    docs = read_corpus(args.corpus)
    size = sum(len(d.encode()) for d in docs)
    print(
        f"corpus {args.corpus}: {len(docs)} documents, {size / 1e6:.2f} MB; n_jobs={args.n_jobs}; "
        f"mekong {mekong.__version__}, Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} logical CPUs; load average at start {os.getloadavg()}"
    )
    print()
    print(
        "| options | pairs | CPU s: from bytes / from preparations (median) | CPU ratio (median, min-max) | wall ratio |"
    )
    print("|---|---|---|---|---|")
    for name, options in OPTION_SETS.items():
        fit(docs[:200], options, args.min_documents, args.n_jobs, True)  # warm-up: imports, word model
        cpu, wall = [], []
        for i in range(args.pairs):
            cb, wb, Xb = fit(docs, options, args.min_documents, args.n_jobs, False)
            ck, wk, Xk = fit(docs, options, args.min_documents, args.n_jobs, True)
            if i == 0:
                for part in ("indptr", "indices", "data"):
                    np.testing.assert_array_equal(getattr(Xb, part), getattr(Xk, part))
            cpu.append((cb, ck))
            wall.append((wb, wk))
        ratios = [b / k for b, k in cpu]
        print(
            f"| {name} | {args.pairs} | {statistics.median(b for b, _ in cpu):.3f} / "
            f"{statistics.median(k for _, k in cpu):.3f} | {statistics.median(ratios):.3f} "
            f"({min(ratios):.3f}-{max(ratios):.3f}) | {statistics.median(b / k for b, k in wall):.3f} |"
        )
    os.environ.pop("MEKONG_PREPARED_CACHE_MB", None)
    print()
    print(f"load average at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
