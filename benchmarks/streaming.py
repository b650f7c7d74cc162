"""Streaming: time and peak memory of counting a corpus read from disk, against its size.

The corpus is a folder of one-document files (``--source folder``, the default), written once in
shards of ``--shard-mb`` (folders ``shard-000``, ``shard-001``, ...) so that a size of N MB is the
first N / shard-mb shards, given to the vectorizer as that list of folders with
``input="filename"``. Generating 2 GB with generate_corpus.py would cost about 10 minutes of CPU, so
the shards replicate a ``--base-mb`` generated corpus (long-tailed vocabulary) with variation: every
document, the first copy included, opens with a dateline of its own, a name drawn from an unbounded
Zipf-distributed pool of generated Vietnamese-like names (so the vocabulary keeps growing with the
corpus, as Heaps' law says a news archive's does) and an article number seen once (a hapax, as
numbers and ids are in real news). Replicas repeat the base's body text, so past --base-mb the
vocabulary grows through the datelines only.

``--source lines`` counts the lines of the base file instead (read again from its start as often as
N needs), the earlier report's setup.

Each size is counted in a child process (so ru_maxrss is that run's own peak) with
``CountVectorizer(input=..., min_df=MIN_DF, max_df=MAX_DF)``, so the vocabulary is pruned as users
prune it (and files are read twice: document frequencies, then the rows that survive); the child
reports wall time, CPU time, peak resident memory (ru_maxrss, and VmHWM / VmPeak), the final
matrix's bytes and the number of documents. Runs of --limit-from-mb and above run under an
address-space limit (RLIMIT_AS, set in the child before it imports anything) of --limit-mb: a run
that needs more fails with MemoryError and the report says so. ``--limit-kind cgroup`` limits the
child's resident memory instead, with a cgroup v1 memory group (root and /sys/fs/cgroup/memory needed):
RLIMIT_AS counts every mapping, touched or not, and with scikit-learn installed ``import mekong``
alone maps about 560 MB (scikit-learn loads pandas and pyarrow; NumPy and SciPy each map an OpenBLAS),
so a 1 GB RLIMIT_AS leaves about 400 MB for the work, while a memory group of 1 GB bounds what the
process really holds (its page cache included, which the kernel reclaims before it refuses memory).

    python benchmarks/streaming.py --sizes 10,100,500,1000,2000 --limit-mb 1000   # writes STREAMING.md + PNG
    python benchmarks/streaming.py --sizes 2000 --limit-mb 1000 --limit-kind cgroup
    python benchmarks/streaming.py --source list --sizes 10,100,500,1000          # writes MEMORY.md + PNG
    python benchmarks/streaming.py --sizes 10,20 --out /tmp/s.md                   # a quick look

Writes benchmarks/STREAMING.md and benchmarks/streaming.png (time and peak memory against size).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MB = 1_000_000

CHILD = r"""
import json, os, resource, sys, time
limit = int(sys.argv[4])
if limit > 0:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import numpy as np
import mekong

source, size = sys.argv[1], int(sys.argv[2])
options = json.loads(sys.argv[3])


class Lines:
    # `size` bytes of documents from a one-document-per-line file, read from the start again when
    # it ends; re-iterable: each pass reopens the file.
    def __iter__(self):
        done = 0
        while True:
            with open(source, encoding="utf-8") as fh:
                for line in fh:
                    done += len(line.encode("utf-8"))
                    if done > size:
                        return
                    yield line


def status():
    out = {}
    for line in open("/proc/self/status"):
        k, _, v = line.partition(":")
        if k in ("VmHWM", "VmPeak", "VmRSS"):
            out[k] = int(v.split()[0]) * 1024
    return out


def read_list(folders):
    # The documents of the shards as one list of str, read a file at a time.
    out = []
    for folder in folders:
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), encoding="utf-8") as fh:
                out.append(fh.read())
    return out


in_memory = sys.argv[6] == "list"
docs = json.loads(sys.argv[5]) if options.get("input") == "filename" else Lines()
rss_before = None
if in_memory:
    docs = read_list(docs)
    options["input"] = "content"
    mekong.CountVectorizer(**options).fit_transform(docs[:50] + ["x"] * 5)  # code and data loaded once
    import gc

    gc.collect()
    with open("/proc/self/clear_refs", "w") as fh:  # the high-water mark (VmHWM) back to the current RSS
        fh.write("5")
    rss_before = status()["VmRSS"]
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
t0, c0 = time.perf_counter(), time.process_time()
try:
    cv = mekong.CountVectorizer(**options)
    X = cv.fit_transform(docs)
    ok, error = True, None
except MemoryError as e:
    ok, error, X = False, f"MemoryError: {e}", None
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
out = dict(ok=ok, error=error, wall=wall, cpu=cpu, peak=peak, base=base, **status())
if in_memory:
    out.update(rss_before=rss_before, text=sum(len(d.encode("utf-8")) for d in docs))
if ok:
    out.update(rows=X.shape[0], cols=X.shape[1], nnz=int(X.nnz),
               matrix=int(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes),
               vocabulary_terms=len(cv.vocabulary_),
               # the fitted vocabulary_: each term, its dict slot and its int
               vocabulary=sum(sys.getsizeof(t) + sys.getsizeof(i) for t, i in cv.vocabulary_.items())
               + sys.getsizeof(cv.vocabulary_))
print(json.dumps(out))
"""

#: Onsets and rhymes of the datelines' generated names (Vietnamese-like syllables, no tone marks).
ONSETS = [
    "b",
    "c",
    "ch",
    "d",
    "đ",
    "g",
    "h",
    "kh",
    "l",
    "m",
    "n",
    "ng",
    "nh",
    "ph",
    "qu",
    "s",
    "t",
    "th",
    "tr",
    "v",
    "x",
]
RHYMES = [
    "a",
    "ai",
    "am",
    "an",
    "ang",
    "anh",
    "ao",
    "âm",
    "ân",
    "âu",
    "e",
    "em",
    "en",
    "ênh",
    "i",
    "im",
    "in",
    "inh",
    "o",
    "oa",
    "oan",
    "oang",
    "ôi",
    "ông",
    "ơn",
    "u",
    "ui",
    "un",
    "ung",
    "uy",
    "uyên",
    "ư",
    "ưng",
    "ương",
]


def name(k):
    """The k-th generated name: k written in base len(ONSETS) * len(RHYMES), one syllable a digit,
    at least two syllables, capitalised (an unbounded pool, so the vocabulary never stops growing)."""
    n = len(ONSETS) * len(RHYMES)
    parts = []
    while True:
        d = k % n
        parts.append((ONSETS[d % len(ONSETS)] + RHYMES[d // len(ONSETS)]).capitalize())
        k //= n
        if k == 0 and len(parts) >= 2:
            return " ".join(parts)


def write_folder(base, root, total_mb, shard_mb, seed=2026):
    """Shards of ``shard_mb`` MB (folders shard-000, ...; one document a file) up to ``total_mb``,
    the base file's lines again and again, each under a dateline of its own (see the module
    docstring). Written once: a complete folder (its ``done`` marker present) is reused."""
    import numpy as np

    root = Path(root)
    marker = root / f"done-{total_mb:g}-{shard_mb:g}"
    for done in root.glob(f"done-*-{shard_mb:g}") if root.exists() else ():
        if float(done.name.split("-")[1]) >= total_mb:  # a larger corpus is there: its first shards serve
            return sorted(p for p in root.iterdir() if p.is_dir())
    root.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    shard_bytes, total = int(shard_mb * MB), int(total_mb * MB)
    written = in_shard = shard = doc = 0
    folder = root / "shard-000"
    folder.mkdir(exist_ok=True)
    t0 = time.perf_counter()
    while written < total:
        with open(base, "rb") as fh:
            for line in fh:
                if written >= total:
                    break
                if in_shard >= shard_bytes:
                    shard, in_shard = shard + 1, 0
                    folder = root / f"shard-{shard:03d}"
                    folder.mkdir(exist_ok=True)
                k = int(rng.zipf(1.3)) - 1
                head = f"{name(k)} (số {doc:07d}) – ".encode()
                data = head + line.rstrip(b"\n")
                fd = os.open(folder / f"{doc:07d}.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.write(fd, data)
                os.close(fd)
                written += len(data)
                in_shard += len(data)
                doc += 1
    marker.write_text(f"{doc} documents, {written} bytes, {time.perf_counter() - t0:.0f} s\n")
    print(f"wrote {doc:,} files ({written / MB:.0f} MB) in {shard + 1} shards under {root}", flush=True)
    return sorted(p for p in root.iterdir() if p.is_dir())


def machine():
    import numpy
    import scipy

    import mekong

    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):  # noqa: SIM115
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in open("/proc/meminfo"):  # noqa: SIM115
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1e6:.1f} GB"
    except OSError:
        pass
    return dict(
        cpu=cpu,
        cores=os.cpu_count(),
        memory=mem,
        os=platform.platform(),
        python=platform.python_version(),
        numpy=numpy.__version__,
        scipy=scipy.__version__,
        mekong=getattr(mekong, "__version__", "?"),
    )


def load():
    try:
        return open("/proc/loadavg").read().split()[:3]
    except OSError:
        return ["?"] * 3


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="10,100,500,1000,2000", help="corpus sizes in MB (default: %(default)s)")
    p.add_argument(
        "--source",
        choices=("folder", "list", "lines"),
        default="folder",
        help="folder: the shards' files; list: their texts read into a list of str first (peak memory of "
        "counting a list in memory); lines: the base file's lines (default: %(default)s)",
    )
    p.add_argument("--corpus", help="one-document-per-line base corpus to use (default: generated)")
    p.add_argument("--base-mb", type=float, default=100.0, help="size of the generated corpus (default: %(default)s)")
    p.add_argument("--folder", default=str(HERE / "data" / "streaming"), help="where the shards go (--source folder)")
    p.add_argument("--shard-mb", type=float, default=10.0, help="shard size (default: %(default)s)")
    p.add_argument("--limit-mb", type=int, default=1000, help="address-space limit in MB (default: %(default)s)")
    p.add_argument("--limit-from-mb", type=int, default=0, help="limit runs of this size and above (default: all)")
    p.add_argument(
        "--limit-kind",
        choices=("as", "cgroup"),
        default="as",
        help="as: RLIMIT_AS on the address space; cgroup: a cgroup v1 memory controller's limit_in_bytes on "
        "resident memory (page cache included, which the kernel reclaims first; needs root and "
        "/sys/fs/cgroup/memory) (default: %(default)s)",
    )
    p.add_argument("--min-df", type=int, default=5)
    p.add_argument("--max-df", type=float, default=0.02)
    p.add_argument("--n-jobs", type=int, default=2)
    p.add_argument("--out", help="report (default: STREAMING.md; MEMORY.md with --source list)")
    p.add_argument("--report-from", help="write the report from the JSON lines a run printed (a log), without running")
    args = p.parse_args(argv)
    args.out = args.out or str(HERE / ("MEMORY.md" if args.source == "list" else "STREAMING.md"))
    sizes = [float(s) for s in args.sizes.split(",")]
    input_ = "content" if args.source == "lines" else "filename"
    options = dict(input=input_, min_df=args.min_df, max_df=args.max_df, n_jobs=args.n_jobs)
    if args.source == "list":  # a plain count, as benchmarks/run.py's memory rows make
        options = dict(input=input_, n_jobs=args.n_jobs)
    sys.path.insert(0, str(HERE))
    import generate_corpus

    corpus = Path(args.corpus) if args.corpus else generate_corpus.corpus_path(args.base_mb)
    if args.report_from:
        rows = [json.loads(line) for line in open(args.report_from, encoding="utf-8") if line.startswith("{")]  # noqa: SIM115
        args.sizes = ",".join(f"{r['size']:g}" for r in rows)
        write_report(args, rows, corpus, options)
        return 0
    if not corpus.exists():
        print(f"generating {corpus} ({args.base_mb:g} MB) ...", flush=True)
        corpus.parent.mkdir(parents=True, exist_ok=True)
        generate_corpus.generate(args.base_mb, corpus)
    shards = []
    if args.source != "lines":
        if any(s % args.shard_mb for s in sizes):
            p.error("--sizes must be multiples of --shard-mb")
        shards = write_folder(corpus, args.folder, max(sizes), args.shard_mb)
    rows = []
    for size in sizes:
        limit = args.limit_mb * MB if size >= args.limit_from_mb and args.source != "list" else 0
        before = load()
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MALLOC_ARENA_MAX="2")
        folders = json.dumps([str(f) for f in shards[: int(size / args.shard_mb)]])
        group = cgroup(limit) if limit and args.limit_kind == "cgroup" else None
        res = subprocess.run(
            [
                sys.executable,
                "-c",
                CHILD,
                str(corpus),
                str(int(size * MB)),
                json.dumps(options),
                str(limit if group is None else 0),
                folders,
                args.source,
            ],
            capture_output=True,
            text=True,
            env=env,
            # the child joins the group before it runs anything
            preexec_fn=None if group is None else lambda g=group: (g / "cgroup.procs").write_text(str(os.getpid())),
        )
        cg = {}
        if group is not None:
            cg = dict(
                cgroup_peak=int((group / "memory.max_usage_in_bytes").read_text()),
                cgroup_failcnt=int((group / "memory.failcnt").read_text()),
            )
            group.rmdir()
        if res.returncode != 0:
            r = dict(ok=False, error=res.stderr.strip().splitlines()[-1] if res.stderr.strip() else "crashed")
        else:
            r = json.loads(res.stdout.strip().splitlines()[-1])
        kind = None if not limit else ("cgroup" if group is not None else "as")
        r.update(size=size, limit=limit, limit_kind=kind, load_before=before, load_after=load(), **cg)
        rows.append(r)
        print(json.dumps(r), flush=True)
    write_report(args, rows, corpus, options)
    return 0


def cgroup(limit):
    """A fresh cgroup v1 memory group limited to ``limit`` bytes (resident memory and page cache)."""
    group = Path("/sys/fs/cgroup/memory") / f"mekong-streaming-{os.getpid()}"
    group.mkdir()
    (group / "memory.limit_in_bytes").write_text(str(limit))
    return group


def write_list_report(args, rows, corpus, options):
    """MEMORY.md: peak memory of counting a list of str already in memory, against its size."""
    out = Path(args.out)
    m = machine()
    options = dict(options, input="content")
    lines = [
        "# Peak memory of counting a list of str in memory, against its size",
        "",
        f"`python benchmarks/streaming.py --source list --sizes {args.sizes} --base-mb {args.base_mb:g} "
        f"--out {out.name}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        f"Documents: the texts of the folder corpus of STREAMING.md (shards of {args.shard_mb:g} MB replicating "
        f"`{corpus.name}`, a dateline of its own on each document), read into one list of str before the "
        f"call. `CountVectorizer({', '.join(f'{k}={v!r}' for k, v in options.items())}).fit_transform(texts)` "
        "in a fresh child process per size, after one warm-up call on 55 documents; the high-water mark is "
        "reset (`/proc/self/clear_refs`) just before the call, so peak increase = VmHWM after - VmRSS "
        "before: what the call needed at its worst moment, C++ allocations included. Matrix = data + indices + "
        "indptr bytes; vocabulary = the fitted `vocabulary_` dict (its str, ints and table). Excess = peak "
        "increase - matrix - vocabulary: the buffer, which must not grow with the corpus.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}; Python {m['python']}, "
        f"NumPy {m['numpy']}, SciPy {m['scipy']}, mekong {m['mekong']}. Other work shared the machine: the "
        "load average (1, 5, 15 min) before and after each run is in the table.",
        "",
        "| size (MB) | text (MB UTF-8) | documents | nnz | matrix (MB) | vocabulary (MB) | RSS before (MB) "
        "| peak increase (MB) | excess (MB) | peak increase / matrix | wall (s) | CPU (s) | CPU s/MB | load before -> after |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        load = f"{' '.join(r['load_before'])} -> {' '.join(r['load_after'])}"
        if not r.get("ok"):
            lines.append(f"| {r['size']:g} | failed: {r.get('error')} | | | | | | | | | | | | {load} |")
            continue
        inc = r["VmHWM"] - r["rss_before"]
        r["increase"], r["excess"] = inc, inc - r["matrix"] - r["vocabulary"]
        lines.append(
            f"| {r['size']:g} | {r['text'] / MB:.0f} | {r['rows']:,} | {r['nnz']:,} | {r['matrix'] / MB:.0f} | "
            f"{r['vocabulary'] / MB:.0f} | {r['rss_before'] / MB:.0f} | {inc / MB:.0f} | {r['excess'] / MB:.0f} | "
            f"{inc / r['matrix']:.2f}x | {r['wall']:.1f} | {r['cpu']:.1f} | {r['cpu'] / r['size']:.3f} | {load} |"
        )
    png = plot_list(rows, out.with_suffix(".png") if out.name != "MEMORY.md" else HERE / "memory.png")
    if png:
        lines += ["", f"![time and peak memory against corpus size]({png.name})"]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}")


def plot_list(rows, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    ok = [r for r in rows if r.get("ok")]
    if not ok:
        return None
    x = [r["size"] for r in ok]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    a1.plot(x, [r["wall"] for r in ok], "o-", label="wall")
    a1.plot(x, [r["cpu"] for r in ok], "s--", label="CPU")
    a1.set(xlabel="corpus (MB)", ylabel="seconds", title="time")
    a1.legend()
    a2.plot(x, [r["increase"] / MB for r in ok], "o-", label="peak increase")
    a2.plot(x, [(r["matrix"] + r["vocabulary"]) / MB for r in ok], "s--", label="matrix + vocabulary")
    a2.plot(x, [r["excess"] / MB for r in ok], "^:", label="excess (the buffer)")
    a2.set(xlabel="corpus (MB)", ylabel="MB", title="peak memory of counting a list in memory")
    a2.legend()
    for ax in (a1, a2):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return path


def write_report(args, rows, corpus, options):
    if args.source == "list":
        return write_list_report(args, rows, corpus, options)
    out = Path(args.out)
    m = machine()
    lines = [
        "# Streaming: time and peak memory against corpus size",
        "",
        f"`python benchmarks/streaming.py --sizes {args.sizes} --source {args.source} --base-mb {args.base_mb:g} "
        f"--limit-mb {args.limit_mb} --limit-from-mb {args.limit_from_mb}` on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        (
            f"Corpus: a folder of one-document files in shards of {args.shard_mb:g} MB, replicating `{corpus.name}` "
            f"({corpus.stat().st_size / MB:.0f} MB from `benchmarks/generate_corpus.py`, long-tailed vocabulary) "
            "with a dateline of its own on every document (a name from an unbounded Zipf pool and an article "
            "number; see the script's docstring); a size of N MB is the first N MB of shards, given as that list "
            "of folders with `input='filename'`, read a file at a time."
            if args.source == "folder"
            else f"Corpus: `{corpus.name}` ({corpus.stat().st_size / MB:.0f} MB) from `benchmarks/generate_corpus.py` "
            "(one document per line, long-tailed vocabulary); a size of N MB is its first N MB of documents, "
            "read from its start again as often as N needs, lazily by a re-iterable object (the file is "
            "reopened for each pass)."
        )
        + " The corpus is never in memory. "
        f"Vectorizer: `CountVectorizer({', '.join(f'{k}={v!r}' for k, v in options.items())})`; batches of "
        "`mekong._stream.BATCH_BYTES` (16 MiB). Each size runs in its own child process: peak = that "
        "process's ru_maxrss (the interpreter, NumPy, SciPy and mekong included), VmPeak its largest address "
        "space; runs marked with a limit ran under RLIMIT_AS of that many bytes (MB = 10^6 bytes), set before "
        "the child imported anything. RLIMIT_AS bounds the address space, which is never smaller than the "
        "resident set (it counts reserved and mapped-but-untouched memory too), so it is a stricter limit than "
        "a cgroup's memory.max on resident memory, and, unlike a cgroup, it does not charge the page cache "
        "of the files read to the process. MALLOC_ARENA_MAX=2 keeps glibc from reserving a 64 MB arena per "
        "thread, address space that is never touched.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}; Python {m['python']}, "
        f"NumPy {m['numpy']}, SciPy {m['scipy']}, mekong {m['mekong']}. Other work shared the machine: "
        "the load average (1, 5, 15 min) before and after each run is in the table; read CPU / wall.",
        "",
        "| size (MB) | documents | nnz | matrix (MB) | wall (s) | CPU (s) | CPU s/MB | RSS after imports (MB) "
        "| peak RSS (MB) | peak - matrix (MB) | VmPeak (MB) | limit | load before -> after |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in rows:
        limit = "none"
        if r.get("limit"):
            kind = "cgroup memory" if r.get("limit_kind") == "cgroup" else "RLIMIT_AS"
            limit = f"{kind} {r['limit'] / MB:.0f} MB"
            if r.get("cgroup_peak"):
                limit += f" (group peak {r['cgroup_peak'] / MB:.0f} MB with page cache, failcnt {r['cgroup_failcnt']})"
        load = f"{' '.join(r['load_before'])} -> {' '.join(r['load_after'])}"
        if not r.get("ok"):
            if "wall" in r:  # the child caught the error: what it had used until then
                lines.append(
                    f"| {r['size']:g} | failed: {r.get('error')} | | | {r['wall']:.1f} | {r['cpu']:.1f} | | "
                    f"{r['base'] / MB:.0f} | {r['peak'] / MB:.0f} | | {r.get('VmPeak', 0) / MB:.0f} | {limit} | {load} |"
                )
            else:
                lines.append(f"| {r['size']:g} | failed: {r.get('error')} | | | | | | | | | | {limit} | {load} |")
            continue
        lines.append(
            f"| {r['size']:g} | {r['rows']:,} | {r['nnz']:,} | {r['matrix'] / MB:.0f} | {r['wall']:.1f} | "
            f"{r['cpu']:.1f} | {r['cpu'] / r['size']:.3f} | {r['base'] / MB:.0f} | {r['peak'] / MB:.0f} | "
            f"{(r['peak'] - r['matrix']) / MB:.0f} | {r.get('VmPeak', 0) / MB:.0f} | {limit} | {load} |"
        )
    ok = [r for r in rows if r.get("ok")]
    if len(ok) >= 3:  # from the first corpus of several batches: one batch is read once, not twice
        a, b = ok[1], ok[-1]
        lines += [
            "",
            f"From {a['size']:g} MB to {b['size']:g} MB ({b['size'] / a['size']:.0f}x the text): wall time "
            f"{b['wall'] / a['wall']:.0f}x, CPU time {b['cpu'] / a['cpu']:.0f}x, matrix {b['matrix'] / a['matrix']:.0f}x, "
            f"peak RSS minus matrix {(a['peak'] - a['matrix']) / MB:.0f} MB -> {(b['peak'] - b['matrix']) / MB:.0f} MB.",
        ]
    lines += [
        "",
        "How to read it: a corpus of one batch (16 MiB) is counted in one call; a larger one, read from a "
        "re-iterable source with pruning thresholds, is read twice (document frequencies, then the rows that "
        "survive pruning), so CPU per MB doubles once past one batch and then stays flat: that flat column is "
        "the linearity. Peak RSS above the interpreter's own (the RSS after imports column) is the matrix plus "
        'the fixed buffer of the README\'s "Corpora larger than memory"; nnz grows faster than the text because '
        "min_df=5 lets more terms in as the corpus grows.",
    ]
    png = plot(rows, out.with_suffix(".png") if out.name != "STREAMING.md" else HERE / "streaming.png")
    if png:
        lines += ["", f"![time and peak memory against corpus size]({png.name})"]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}")


def plot(rows, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    ok = [r for r in rows if r.get("ok")]
    if not ok:
        return None
    x = [r["size"] for r in ok]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    a1.plot(x, [r["wall"] for r in ok], "o-", label="wall")
    a1.plot(x, [r["cpu"] for r in ok], "s--", label="CPU")
    a1.set_xlabel("corpus (MB)")
    a1.set_ylabel("seconds")
    a1.set_title("time")
    a1.legend()
    a2.plot(x, [r["peak"] / MB for r in ok], "o-", label="peak RSS")
    a2.plot(x, [r["matrix"] / MB for r in ok], "s--", label="final matrix")
    limits = {r["limit"] for r in rows if r.get("limit")}
    for lim in limits:
        a2.axhline(lim / MB, color="red", linestyle=":", label=f"RLIMIT_AS {lim / MB:.0f} MB")
    a2.set_xlabel("corpus (MB)")
    a2.set_ylabel("MB")
    a2.set_title("peak memory")
    a2.legend()
    for ax in (a1, a2):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return path


if __name__ == "__main__":
    sys.exit(main())
