"""MinHash signatures against datasketch and rensa, and near-duplicate recall; writes MINHASH.md.

    python benchmarks/minhash.py                # 1 MB of the generated corpus, writes benchmarks/MINHASH.md
    python benchmarks/minhash.py --size-mb 0.2  # a quick look (writes benchmarks/data/MINHASH-quick.md)

Speed, one thread each, the same documents, num_perm=128, shingles of 3 words:

- mekong: ``mekong.MinHash(num_perm=128, n_jobs=1).fit_transform(docs)``: the whole user-visible call
  from a list of str to the NumPy signatures, *including* the core's analysis (UTF-8 check, NFC, case
  folding, tone placement, syllable segmentation and, with words=True, Vietnamese word segmentation).
  Timed with ``words=True`` (the default) and ``words=False`` (syllables, closer to what a split does).
- datasketch: per document, ``text.lower().split()``, the 3-word shingles joined by a space, then
  ``MinHash(num_perm=128, seed=1)`` and ``.update(shingle.encode())`` per shingle (the usual way),
  ``.digest()``. Also ``update_batch`` (its faster bulk call), reported separately.
- rensa: the same shingles, ``RMinHash(num_perm=128, seed=1).update(shingles)``, ``.digest()``.

The peers' times include their shingling (lower + split + join in Python); their tokenization is
only a whitespace split, while ours does the full analysis above, so the comparison favours the
peers on work done. Rounds are interleaved (mekong, rensa, datasketch, mekong, ...) and each ratio is
taken within one round, so a drift in machine load hits both sides of a ratio alike; the median of
the per-round ratios is reported with its min and max.

Recall: base documents from the same corpus and reprints of each made by 1-4 small edits (insert or
delete 1-2 words at random places). Truth is the exact Jaccard of the 3-word shingle sets as the
core's analysis gives them (computed here in Python from ``mekong.tokenize``). Recall is the share
of the pairs with exact Jaccard >= 0.8 that ``mekong.near_duplicates(threshold=0.8)`` reports,
with the estimate (default) and with ``exact=True``.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
from generate_corpus import corpus_path, generate  # noqa: E402

import mekong  # noqa: E402

NUM_PERM = 128
SHINGLE = 3


def load_docs(size_mb):
    path = corpus_path(max(size_mb, 1.0))
    if not path.exists():
        generate(max(size_mb, 1.0), quiet=True)
    data = path.read_bytes()
    cut = data.rfind(b"\n", 0, int(size_mb * 1_000_000))
    return data[: cut + 1].decode("utf-8").splitlines(), path


def peer_shingles(text):
    toks = text.lower().split()
    if len(toks) < SHINGLE:
        return [" ".join(toks)] if toks else []
    return [" ".join(toks[i : i + SHINGLE]) for i in range(len(toks) - SHINGLE + 1)]


def run_mekong(docs, words):
    return mekong.MinHash(num_perm=NUM_PERM, shingle=SHINGLE, words=words, n_jobs=1).fit_transform(docs)


def run_datasketch(docs):
    from datasketch import MinHash

    out = []
    for d in docs:
        m = MinHash(num_perm=NUM_PERM, seed=1)
        for s in peer_shingles(d):
            m.update(s.encode("utf-8"))
        out.append(m.digest())
    return out


def run_datasketch_batch(docs):
    from datasketch import MinHash

    out = []
    for d in docs:
        m = MinHash(num_perm=NUM_PERM, seed=1)
        m.update_batch([s.encode("utf-8") for s in peer_shingles(d)])
        out.append(m.digest())
    return out


def run_rensa(docs):
    from rensa import RMinHash

    out = []
    for d in docs:
        m = RMinHash(num_perm=NUM_PERM, seed=1)
        m.update(peer_shingles(d))
        out.append(m.digest())
    return out


CPU_TIMES = []


def timed(fn, *args):
    gc.collect()
    gc.disable()
    try:
        t, c = time.perf_counter(), time.process_time()
        fn(*args)
        CPU_TIMES.append(time.process_time() - c)  # this process's CPU time: our core threads included
        return time.perf_counter() - t
    finally:
        gc.enable()


def load():
    try:
        return os.getloadavg()
    except OSError:
        return (float("nan"),) * 3


def speed(docs, rounds):
    calls = {
        "mekong words=True": lambda: run_mekong(docs, True),
        "mekong words=False": lambda: run_mekong(docs, False),
        "rensa RMinHash": lambda: run_rensa(docs),
        "datasketch update": lambda: run_datasketch(docs),
        "datasketch update_batch": lambda: run_datasketch_batch(docs),
    }
    for name, fn in calls.items():  # warm-up: imports, the word model, caches (datasketch is too slow to repeat)
        if not name.startswith("datasketch"):
            fn()
    times = {k: [] for k in calls}
    cpu = {k: [] for k in calls}
    for r in range(rounds):
        for name, fn in calls.items():
            times[name].append(timed(fn))
            cpu[name].append(CPU_TIMES[-1])
        print(f"round {r + 1}/{rounds}: " + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in times.items()), flush=True)
    return times, cpu


def reprint(rng, words, edits):
    out = list(words)
    for _ in range(edits):
        pos = rng.randrange(len(out))
        if rng.random() < 0.5:
            del out[pos : pos + rng.randint(1, 2)]
        else:
            out[pos:pos] = rng.choice(words).split()[:1] * rng.randint(1, 2)
    return out


def shingle_set(doc):
    terms = mekong.tokenize(doc)
    if not terms:
        return set()
    if len(terms) < SHINGLE:
        return {" ".join(terms)}
    return {" ".join(terms[i : i + SHINGLE]) for i in range(len(terms) - SHINGLE + 1)}


def recall(base_docs, copies, seed):
    rng = random.Random(seed)
    docs, origin = [], []
    for b, text in enumerate(base_docs):
        words = text.split()
        docs.append(text)
        origin.append(b)
        for _ in range(copies):
            docs.append(" ".join(reprint(rng, words, rng.randint(1, 4))))
            origin.append(b)
    sets = [shingle_set(d) for d in docs]

    def jac(i, j):
        a, b = sets[i], sets[j]
        return len(a & b) / len(a | b) if a and b else 0.0

    truth = {}
    by_origin = {}
    for i, o in enumerate(origin):
        by_origin.setdefault(o, []).append(i)
    for members in by_origin.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                truth[(members[x], members[y])] = jac(members[x], members[y])
    out = {"documents": len(docs), "pairs_total": len(docs) * (len(docs) - 1) // 2}
    for exact in (False, True):
        t = time.perf_counter()
        nd = mekong.near_duplicates(docs, threshold=0.8, exact=exact)
        elapsed = time.perf_counter() - t
        found = {tuple(p) for p in nd.pairs.tolist()}
        want = [p for p, j in truth.items() if j >= 0.8]
        hit = sum(p in found for p in want)
        reported_j = [truth.get(p) if p in truth else jac(*p) for p in found]
        out[exact] = {
            "bands": nd.bands,
            "rows": nd.rows,
            "seconds": elapsed,
            "true_pairs": len(want),
            "recall": hit / len(want) if want else float("nan"),
            "reported": len(found),
            "below_0.8": sum(j < 0.8 for j in reported_j),
            "below_0.7": sum(j < 0.7 for j in reported_j),
            "below_0.5": sum(j < 0.5 for j in reported_j),
            "cross_origin": sum(origin[i] != origin[j] for i, j in found),
        }
        buckets = [(0.8, 0.85), (0.85, 0.9), (0.9, 0.95), (0.95, 1.01)]
        out[exact]["by_bucket"] = [
            (
                lo,
                hi,
                sum(1 for p in want if lo <= truth[p] < hi),
                sum(1 for p in want if lo <= truth[p] < hi and p in found),
            )
            for lo, hi in buckets
        ]
    return out


def versions():
    import importlib.metadata as md

    out = {"python": platform.python_version(), "numpy": np.__version__, "mekong": mekong.__version__}
    for pkg in ("datasketch", "rensa"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_head():
    try:
        return subprocess.check_output(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, text=True).strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def fmt_ratio(values):
    return f"{statistics.median(values):.1f}x (min {min(values):.1f}x, max {max(values):.1f}x)"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size-mb", type=float, default=1.0, help="MB of the generated corpus to sign (default 1)")
    p.add_argument("--rounds", type=int, default=5, help="interleaved timing rounds (default 5)")
    p.add_argument("--recall-docs", type=int, default=300, help="base documents for the recall test (default 300)")
    p.add_argument("--copies", type=int, default=3, help="reprints per base document (default 3)")
    p.add_argument(
        "--report", help="output file (default benchmarks/MINHASH.md; with --size-mb < 1 data/MINHASH-quick.md)"
    )
    args = p.parse_args(argv)
    report = (
        Path(args.report) if args.report else HERE / ("MINHASH.md" if args.size_mb >= 1 else "data/MINHASH-quick.md")
    )
    docs, path = load_docs(args.size_mb)
    n_bytes = sum(len(d.encode("utf-8")) for d in docs)
    n_shingles = sum(len(peer_shingles(d)) for d in docs)
    load_before = load()
    times, cpu = speed(docs, args.rounds)
    load_after = load()
    rec = recall(docs[: args.recall_docs], args.copies, seed=1)
    load_end = load()

    def ratios(peer, ours, t=times):
        return [a / b for a, b in zip(t[peer], t[ours])]

    med = {k: statistics.median(v) for k, v in times.items()}
    lines = [
        "# MinHash signatures and near-duplicates",
        "",
        (
            f"Made by `python benchmarks/minhash.py{' ' + ' '.join(sys.argv[1:]) if sys.argv[1:] else ''}` "
            f"at commit {git_head()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}."
        ),
        "",
        (
            f"Machine: {cpu_model()}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}. "
            f"Load average (1, 5, 15 min) before timing {load_before[0]:.1f} / {load_before[1]:.1f} / "
            f"{load_before[2]:.1f}, after timing {load_after[0]:.1f} / {load_after[1]:.1f} / {load_after[2]:.1f}, "
            f"after recall {load_end[0]:.1f}: the machine is shared, so absolute times are noisy; the ratios "
            "are taken within each interleaved round."
        ),
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()) + ".",
        "",
        (
            f"Data: the first {n_bytes / 1e6:.2f} MB of `{path.relative_to(HERE.parent)}` "
            f"(generate_corpus.py), {len(docs)} documents, {n_shingles:,} whitespace 3-word shingles. "
            f"num_perm={NUM_PERM}, one thread everywhere."
        ),
        "",
        "## Signatures, one thread",
        "",
        (
            "What each time includes: see the docstring of benchmarks/minhash.py (ours: the whole call from a "
            "list of str to NumPy, with the core's full analysis; peers: Python lower/split/join shingling "
            "plus their MinHash)."
        ),
        "",
        "| call | median wall s | min s | max s | docs/s | median CPU s | min CPU s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for k, v in times.items():
        lines.append(
            f"| {k} | {med[k]:.3f} | {min(v):.3f} | {max(v):.3f} | {len(docs) / med[k]:,.0f} | "
            f"{statistics.median(cpu[k]):.3f} | {min(cpu[k]):.3f} |"
        )
    lines += [
        "",
        "Ratios (peer time / mekong time, per round; median, min, max):",
        "",
        "| | mekong words=True (default) | mekong words=False |",
        "| --- | --- | --- |",
    ]
    for peer in ("datasketch update", "datasketch update_batch", "rensa RMinHash"):
        lines.append(
            f"| {peer} | {fmt_ratio(ratios(peer, 'mekong words=True'))} | "
            f"{fmt_ratio(ratios(peer, 'mekong words=False'))} |"
        )
    lines += [
        "",
        "The same ratios of CPU time (time.process_time of the process, per round), which the machine's other "
        "load disturbs less:",
        "",
        "| | mekong words=True (default) | mekong words=False |",
        "| --- | --- | --- |",
    ]
    for peer in ("datasketch update", "datasketch update_batch", "rensa RMinHash"):
        lines.append(
            f"| {peer} | {fmt_ratio(ratios(peer, 'mekong words=True', cpu))} | "
            f"{fmt_ratio(ratios(peer, 'mekong words=False', cpu))} |"
        )
    lines += [
        "",
        "Targets: >= 50x datasketch (update per shingle) and >= 1x rensa on one thread.",
        "",
        "## Near-duplicate recall on generated reprints",
        "",
        (
            f"{args.recall_docs} base documents from the same corpus, {args.copies} reprints each (1-4 edits, each "
            f"inserting or deleting 1-2 words): {rec['documents']} documents, {rec['pairs_total']:,} pairs. "
            "Truth: exact Jaccard of the core's 3-word shingle sets (Python, from `mekong.tokenize`). "
            "`mekong.near_duplicates(docs, threshold=0.8)`, num_perm=128, n_jobs=1."
        ),
        "",
        (
            "| mode | bands x rows | pairs J >= 0.8 | recall | reported | reported J < 0.8 | J < 0.7 | J < 0.5 "
            "| other origin | seconds |"
        ),
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for exact in (False, True):
        r = rec[exact]
        lines.append(
            f"| {'exact=True' if exact else 'estimate'} | {r['bands']} x {r['rows']} | {r['true_pairs']} | "
            f"{r['recall']:.3f} | {r['reported']} | {r['below_0.8']} | {r['below_0.7']} | {r['below_0.5']} | "
            f"{r['cross_origin']} | {r['seconds']:.2f} |"
        )
    lines += [
        "",
        "Recall by exact Jaccard (pairs found / pairs):",
        "",
        "| J | estimate | exact=True |",
        "| --- | --- | --- |",
    ]
    for (lo, hi, n, f_est), (_, _, _, f_ex) in zip(rec[False]["by_bucket"], rec[True]["by_bucket"]):
        lines.append(f"| [{lo:.2f}, {min(hi, 1.0):.2f}{']' if hi > 1 else ')'} | {f_est}/{n} | {f_ex}/{n} |")
    lines += ["", "Target: recall >= 0.95 at Jaccard >= 0.8.", ""]
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("\n".join(lines))
    print("\n".join(lines))
    print(f"wrote {report}")


if __name__ == "__main__":
    main()
