"""mekong.dask on two local worker processes against the in-memory core on two threads; writes DASK.md.

The corpus is generate_corpus.py's long-tailed one (one document per line). Both sides produce the
same tf-idf ``csr_matrix`` of every document (checked before any timing):

* in memory: ``mekong.TfidfVectorizer(n_jobs=2).fit_transform(docs)``, the documents already a list
  in the process (reading the file is not timed);
* Dask: ``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)``; the workers read the
  file themselves (``dask.bag.read_text``, ``--partitions`` blocks of equal bytes) and
  ``mekong.dask.TfidfVectorizer().fit_transform(bag)`` plus ``mekong.dask.to_csr`` bring the whole
  matrix back to the client. The cluster is started once, before the timings.
  ``fit`` then ``transform`` (the text tokenized twice) is timed too, for reference.

The two are timed in turn, pair by pair (A B A B ...), and the ratio is the median of the pairs'
ratios, so that a drift in the machine's speed hits both sides alike. Throughput: MB of UTF-8 text
per second of wall time.

    python benchmarks/dask_bench.py                 # 20 MB corpus, 5 pairs -> benchmarks/DASK.md
    python benchmarks/dask_bench.py --size-mb 5 --pairs 3 --report /tmp/DASK.md
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _strip_lines(lines):
    return [line.rstrip("\n") for line in lines]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size-mb", type=float, default=20.0, help="corpus size (default %(default)s)")
    p.add_argument("--partitions", type=int, default=8, help="partitions of the file (default %(default)s)")
    p.add_argument("--pairs", type=int, default=5, help="timed pairs (default %(default)s)")
    p.add_argument("--report", default=str(HERE / "DASK.md"))
    args = p.parse_args(argv)

    import dask
    import dask.bag as db
    import distributed
    import numpy as np
    import scipy
    from generate_corpus import corpus_path, generate
    from run import machine_info

    import mekong
    import mekong.dask as md

    path = corpus_path(args.size_mb)
    if not path.exists():
        generate(args.size_mb, path)
    with open(path, encoding="utf-8") as fh:
        docs = _strip_lines(fh)
    size_mb = path.stat().st_size / 1e6
    blocksize = path.stat().st_size // args.partitions  # bytes per partition (read_text cuts at line ends)
    load_before = os.getloadavg()

    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    )
    client = distributed.Client(cluster)

    def bag():
        return db.read_text(str(path), blocksize=blocksize, encoding="utf-8").map_partitions(_strip_lines)

    def in_memory(read=False):
        if read:  # the file read into a list of lines, as the workers do on their side
            with open(path, encoding="utf-8") as fh:
                return mekong.TfidfVectorizer(n_jobs=2).fit_transform(_strip_lines(fh))
        return mekong.TfidfVectorizer(n_jobs=2).fit_transform(docs)

    def on_dask():
        return md.to_csr(md.TfidfVectorizer().fit_transform(bag()))

    def on_dask_two_passes():
        tv = md.TfidfVectorizer().fit(bag())
        return md.to_csr(tv.transform(bag()))

    # The same matrix, or the timings mean nothing.
    A, B, C = in_memory(), on_dask(), on_dask_two_passes()
    for other in (B, C):
        assert A.shape == other.shape and (abs(A - other) > 0).nnz == 0, "mekong.dask differs from in memory"
    n_partitions = bag().npartitions

    def timed(fn):
        t = time.perf_counter()
        fn()
        return time.perf_counter() - t

    mem, mem_read = "in memory, n_jobs=2 (documents given)", "in memory, n_jobs=2 (file read too)"
    rows = {mem: [], mem_read: [], "dask fit_transform": [], "dask fit + transform": []}
    for _ in range(args.pairs):
        rows[mem].append(timed(in_memory))
        rows[mem_read].append(timed(lambda: in_memory(read=True)))
        rows["dask fit_transform"].append(timed(on_dask))
        rows["dask fit + transform"].append(timed(on_dask_two_passes))
    ratios = [d / m for d, m in zip(rows["dask fit_transform"], rows[mem_read])]
    ratios_given = [d / m for d, m in zip(rows["dask fit_transform"], rows[mem])]
    ratios2 = [d / m for d, m in zip(rows["dask fit + transform"], rows[mem_read])]
    load_after = os.getloadavg()
    client.close()
    cluster.close()

    info = machine_info()
    med = {k: statistics.median(v) for k, v in rows.items()}
    lines = [
        "# mekong.dask against the in-memory core",
        "",
        (
            f"Written by `python benchmarks/dask_bench.py{' ' + ' '.join(argv or sys.argv[1:]) if (argv or sys.argv[1:]) else ''}`"
            f" on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}."
        ),
        "",
        (
            f"Corpus: `{path.name}` from `generate_corpus.py` (long-tailed vocabulary), {size_mb:.1f} MB, "
            f"{len(docs):,} documents; tf-idf matrix {A.shape[0]:,} x {A.shape[1]:,}, {A.nnz:,} non-zeros. "
            f"Dask: `LocalCluster(n_workers=2, threads_per_worker=1, processes=True)`, {n_partitions} partitions "
            f"(`read_text(blocksize={blocksize})`). Every result checked equal to the in-memory matrix first."
        ),
        "",
        f"{args.pairs} rounds timed in turn (the four rows below, in order); wall seconds, median (min-max):",
        "",
        "| what | seconds | MB/s |",
        "| --- | --- | --- |",
    ]
    for k, v in rows.items():
        lines.append(f"| {k} | {med[k]:.2f} ({min(v):.2f}-{max(v):.2f}) | {size_mb / med[k]:.1f} |")
    lines += [
        "",
        (
            f"**Ratio Dask fit_transform / in memory with the file read (median of the rounds): "
            f"{statistics.median(ratios):.2f}** (rounds: {', '.join(f'{r:.2f}' for r in ratios)}); target: "
            f"within 1.5. Against the in-memory call alone (documents already a list, reading not timed): "
            f"{statistics.median(ratios_given):.2f}. fit + transform (text tokenized twice) against in memory "
            f"with the file read: {statistics.median(ratios2):.2f}."
        ),
        "",
        "`fit_transform` tokenizes each partition once: pass 1 keeps each partition's counts on its worker",
        "(`dask.persist`), pass 2 renumbers their columns to the global vocabulary and weighs them. What Dask",
        "adds: the workers read and split the file, the counters (terms, document frequencies, totals) travel",
        "up a merge tree, each partition's block is pickled back to the client, and the client stacks them.",
        "",
        (
            f"Machine: {info['cpu']}, {info['usable_cpus']} usable of {info['logical_cpus']} logical CPUs, "
            f"{info['memory']}, {info['os']}; {info['python']}."
        ),
        (
            f"Load average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load_before)}; "
            f"after: {', '.join(f'{x:.2f}' for x in load_after)} (a shared machine: other processes compete for the 2 cores)."
        ),
        (
            f"Versions: mekong {mekong.__version__}, dask {dask.__version__}, distributed {distributed.__version__}, "
            f"numpy {np.__version__}, scipy {scipy.__version__}."
        ),
        "",
    ]
    Path(args.report).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
