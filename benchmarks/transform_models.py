"""transform of a fitted vectorizer with the learned text models on (clean, aliases, phrases): what
it costs against the plain path, now that the models are core objects fitted once and the analyzer
built on them is kept.

Three timings, interleaved call by call (A B C A B C ...) so that drift on a shared machine moves
all of them alike; ratios are taken per round and their median is reported:

  rich      CountVectorizer(clean=True, aliases=True, phrases=True, stop_words="vietnamese").transform
  core      the same fitted analyzer and vocabulary through _core.count_fixed alone (no Python layer)
  plain     CountVectorizer().transform (no cleaning, names or phrases: the plain path)

rich / core is what the Python layer adds per call (the target: within 1.3x; before the models were
core objects each transform rebuilt the analyzer and re-sent the furniture lines, name evidence and
phrases); rich / plain is what the cleaning, name and phrase stages cost per document on top.

    .venv/bin/python benchmarks/transform_models.py [--rounds 15] [--repeat 1] [--batch N --calls M]
        [--report benchmarks/TRANSFORM_MODELS.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

import mekong
from mekong import _core


def _uptime():
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "n/a"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--repeat", type=int, default=1, help="the sample repeated this many times per call")
    p.add_argument("--batch", type=int, default=0, help="documents per transform call (0: the whole corpus)")
    p.add_argument("--calls", type=int, default=1, help="calls per timing (many for small batches)")
    p.add_argument("--report", help="also write the results to this Markdown file")
    args = p.parse_args(argv)

    texts = list(mekong.datasets.load_sample().texts)
    fit_docs = texts
    docs = (texts * args.repeat)[: args.batch] if args.batch else texts * args.repeat
    load_before = _uptime()
    rich = mekong.CountVectorizer(clean=True, aliases=True, phrases=True, stop_words="vietnamese").fit(fit_docs)
    plain = mekong.CountVectorizer().fit(fit_docs)
    analyzer = rich._core_analyzer()
    vocab = rich._core_vocabulary()

    def t_rich():
        return rich.transform(docs)

    def t_core():
        return _core.count_fixed(docs, analyzer, vocab, False, 1)

    def t_plain():
        return plain.transform(docs)

    # The core path gives the rich path's matrix: the comparison is of the same work.
    X = t_rich()
    data, _, _, shape = t_core()[0]
    assert X.nnz == len(data) and tuple(shape) == X.shape
    # (getattr: the script also runs on a build from before the counter, for the "before" figure)
    counter = getattr(_core, "learning_calls", lambda: 0)
    learning = counter()
    times = {"rich": [], "core": [], "plain": []}
    for _ in range(args.rounds):
        for name, fn in (("rich", t_rich), ("core", t_core), ("plain", t_plain)):
            start = time.perf_counter()
            for _ in range(args.calls):
                fn()
            times[name].append((time.perf_counter() - start) / args.calls)
    assert counter() == learning, "transform learned something"
    load_after = _uptime()

    rich_core = statistics.median(r / c for r, c in zip(times["rich"], times["core"]))
    rich_plain = statistics.median(r / c for r, c in zip(times["rich"], times["plain"]))
    lines = [
        "# transform with learned text models: cost against the plain path",
        "",
        f"Command: `.venv/bin/python benchmarks/transform_models.py --rounds {args.rounds} --repeat {args.repeat}"
        + (f" --batch {args.batch}" if args.batch else "")
        + (f" --calls {args.calls}" if args.calls != 1 else "")
        + "`",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}; Python {platform.python_version()};"
        f" mekong {mekong.__version__}",
        f"Load before: `{load_before}`",
        f"Load after: `{load_after}`",
        "",
        f"Corpus: the bundled sample ({len(texts)} articles) x {args.repeat}"
        + (f", {len(docs)} documents per call" if args.batch else f" = {len(docs)} documents per call")
        + "; fitted on the sample once; n_jobs=1.",
        "",
        "| path | median seconds per call | min |",
        "| --- | --- | --- |",
    ]
    for name in ("rich", "core", "plain"):
        lines.append(f"| {name} | {statistics.median(times[name]):.5f} | {min(times[name]):.5f} |")
    lines += [
        "",
        f"rich / core (what the Python layer adds to a transform; target <= 1.3): **{rich_core:.3f}**",
        "",
        f"rich / plain (cleaning, names and phrases on top of the plain path): **{rich_plain:.3f}**",
        "",
        f"The same ratios of the fastest rounds (least disturbed by other processes): rich / core"
        f" {min(times['rich']) / min(times['core']):.3f}, rich / plain {min(times['rich']) / min(times['plain']):.3f}.",
        "",
        "Ratios are medians of per-round ratios (rich, core and plain run in turn in each round).",
        "No learning pass ran during the timed transforms (the core's learning counter did not move).",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.report:
        with open(args.report, "w", encoding="utf-8") as fh:
            fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
