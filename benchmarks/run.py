"""mekong-text benchmark suite: one command, one run, one report.

    python benchmarks/run.py                # 60 MB corpus, similarity on 10,000 documents (~6 min)
    python benchmarks/run.py --quick        # ~5 MB corpus, 2,000 documents: a smoke test (~1 min)

Generates the corpus (benchmarks/generate_corpus.py; long-tailed vocabulary by default) when it is
missing, then measures, against scikit-learn, sparse_dot_topn and bm25s:

* CountVectorizer.fit_transform and TfidfVectorizer.fit_transform on the whole corpus;
* cosine_similarity of the tf-idf matrix of the first N documents (float64);
* the top-10 neighbours of each of the first M documents (default 20,000);
* BM25 search over the first M documents: one query at a time and a batch, against bm25s;
* the peak memory of CountVectorizer.fit_transform (each call in a fresh subprocess) against the
  size of the matrix it returns.

Each timing is the best of ``--repeats`` (3) wall-clock runs (time.perf_counter), after one warm-up
call on a small slice of the same input; the contenders of one benchmark run in interleaved rounds
(A B C, A B C, ...) so that a slow spell of a shared machine hits them alike. CPU time is recorded
as well, with the CPU that other processes used meanwhile: a run they disturbed is done again.
Writes benchmarks/REPORT.md (``--quick``: benchmarks/data/REPORT-quick.md, so a smoke test never
overwrites the real report) and a JSON file of every number in benchmarks/data/.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate_corpus  # noqa: E402

TOKEN_PATTERN = r"(?u)\b\w+\b"  # scikit-learn's default minus the 2-letter minimum: one-letter tokens kept
WARMUP_DOCS = 200
WARMUP_ROWS = 500

# Targets: (what, threshold on the ratio baseline time / mekong time)
TARGET_COUNT_1 = 20.0
TARGET_COUNT_2 = 35.0  # plain counting on 2 threads against scikit-learn's one
TARGET_OPTION_OVER_PLAIN = 1.3  # clean=True, aliases=True: at most this many times plain counting's time
TARGET_MAIN_JOB = 10.0  # clean + aliases + Vietnamese stop words (+ phrases) against scikit-learn
TARGET_PHRASES_2_THREADS = 1.7  # the main job with phrases: 2 threads against 1

# The option sets of the counting rows: what the table measures, each with words off and on.
COUNT_OPTION_SETS = [
    ("plain", {}),
    ("clean", dict(clean=True)),
    ("aliases", dict(aliases=True)),
    ("clean+aliases+stop", dict(clean=True, aliases=True, stop_words="vietnamese")),
    ("clean+aliases+stop+phrases", dict(clean=True, aliases=True, stop_words="vietnamese", phrases=True)),
]
# Option sets also timed on every thread count (the others on the fewest threads only).
COUNT_ALL_THREADS = ("plain", "clean+aliases+stop+phrases")
TARGET_COSINE = 5.0
TARGET_TOPK = 2.0
TARGET_SEARCH = 1.0


# ----------------------------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------------------------
def log(msg=""):
    print(msg, flush=True)


def load_documents(path):
    """One document per line; read line by line so the peak is about the size of the list."""
    with open(path, encoding="utf-8", newline="\n") as fh:
        return [line.rstrip("\n") for line in fh if line.strip()]


class Case:
    """One contender: ``fn()`` is timed, ``warmup()`` runs once first, ``check(result)`` sees the first result."""

    def __init__(self, library, threads, fn, warmup, check=None):
        self.library, self.threads, self.fn, self.warmup, self.check = library, threads, fn, warmup, check


#: A timed call during which other processes kept more than this many cores busy is "disturbed".
DISTURBED = 0.25
#: How often a disturbed call is run again (``--retries``; 0 on a machine that is never quiet).
RETRIES = 2


def timed_call(fn):
    """(result, wall s, CPU s of this process, cores other processes kept busy meanwhile)."""
    gc.collect()
    s0 = cpu_stat()
    c0 = time.process_time()
    t0 = time.perf_counter()
    res = fn()
    t = time.perf_counter() - t0
    cpu = time.process_time() - c0
    s1 = cpu_stat()
    others = None
    if s0 and s1 and t > 0:
        others = max(0.0, (s1["busy"] - s0["busy"] - cpu) / t)
    return res, t, cpu, others


def compare(cases, repeats, label, retries=None):
    """Time the cases in interleaved rounds; returns one row per case.

    Every case is warmed up once, then each round runs every case once, in order, so a slow spell of
    the machine (a shared host) hits all contenders alike; a case's time is its best round. The
    collector runs before each call, not during it. CPU time (process_time, all threads) is recorded
    too: CPU / wall near the thread count means the threads really ran at the same time. A call
    during which other processes kept more than DISTURBED cores busy (from /proc/stat) is set aside
    and run again, at most ``retries`` times per round, after waiting a little for quiet.
    """
    retries = RETRIES if retries is None else retries
    for c in cases:
        c.warmup()
    rows = [dict(library=c.library, threads=c.threads, times=[], cpu=[], others=[], disturbed=[]) for c in cases]
    for r in range(repeats):
        for c, row in zip(cases, rows):
            for attempt in range(retries + 1):
                res, t, cpu, others = timed_call(c.fn)
                if r == 0 and attempt == 0 and c.check is not None:
                    c.check(res)
                del res
                # /proc/stat counts in 10 ms ticks: too coarse to judge calls much shorter than that.
                if others is None or others <= DISTURBED or t < 0.25 or attempt == retries:
                    break
                row["disturbed"].append(t)
                log(
                    f"  ({label}: {c.library}, {c.threads}: {t:.3f} s disturbed by other processes "
                    f"using {others:.2f} cores; again)"
                )
                wait_until_quiet(30, window=2.0, quiet=True)
            row["times"].append(t)
            row["cpu"].append(cpu)
            row["others"].append(others)
    gc.collect()
    for row in rows:
        i = int(np.argmin(row["times"]))
        row["best"] = row["times"][i]
        row["cpu_per_wall"] = row["cpu"][i] / row["times"][i] if row["times"][i] > 0 else float("nan")
        row["others_at_best"] = row["others"][i]
        log(
            f"  {label}: {row['library']}, {row['threads']} thread{'s' if row['threads'] != 1 else ''}: "
            f"best {row['best']:.3f} s ({', '.join(f'{t:.3f}' for t in row['times'])}), "
            f"CPU/wall {row['cpu_per_wall']:.2f}"
            + (f", others {row['others_at_best']:.2f} cores" if row["others_at_best"] is not None else "")
        )
    return rows


def parallel_probe(rounds=3, loops=10_000_000):
    """How much of a second core the machine gives now: 2 busy processes at once vs 1 (2.0 = all of it)."""
    code = f"x = 0\nfor i in range({loops}): x += i"

    def run(k):
        t0 = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(k)]
        for p in procs:
            p.wait()
        return time.perf_counter() - t0

    out = []
    for _ in range(rounds):
        one, two = run(1), run(2)
        out.append(2 * one / two)
    return out


def cpu_stat():
    """Machine-wide CPU seconds from /proc/stat: dict(busy, steal, total), or None off Linux."""
    try:
        with open("/proc/stat") as fh:
            f = [int(x) for x in fh.readline().split()[1:9]]
        hz = os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, AttributeError):
        return None
    f += [0] * (8 - len(f))
    user, nice, system, idle, iowait, irq, softirq, steal = f
    return dict(
        busy=(user + nice + system + irq + softirq + steal) / hz,
        steal=steal / hz,
        total=sum(f) / hz,
        wall=time.perf_counter(),
    )


def own_cpu():
    """CPU seconds of this process and of its finished children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def others_load(before, after, own_before, own_after):
    """Average number of cores that other processes kept busy between two cpu_stat() readings."""
    wall = after["wall"] - before["wall"]
    if wall <= 0:
        return None
    return max(0.0, (after["busy"] - before["busy"] - (own_after - own_before)) / wall)


def wait_until_quiet(max_seconds, limit=0.15, window=5.0, quiet=False):
    """Wait (at most max_seconds) until other processes use under ``limit`` of a core for ``window`` s."""
    deadline = time.perf_counter() + max_seconds
    while True:
        b, ob = cpu_stat(), own_cpu()
        time.sleep(window)
        a, oa = cpu_stat(), own_cpu()
        load = others_load(b, a, ob, oa) if a and b else 0.0
        if load is None or load < limit:
            return load
        if time.perf_counter() >= deadline:
            if not quiet:
                log(f"  still busy ({load:.2f} cores used by other processes); going on")
            return load
        if not quiet:
            log(f"  other processes use {load:.2f} cores; waiting ...")


def matrix_bytes(X):
    return int(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes)


def fmt_s(t):
    return f"{t:.3f}" if t < 100 else f"{t:.1f}"


def fmt_bytes(n):
    for unit, k in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= k:
            return f"{n / k:.1f} {unit}"
    return f"{n} B"


def version(dist):
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def git(args, cwd):
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=20, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def mekong_origin():
    """Where the installed mekong came from (pip's direct_url.json) and, for a git checkout, its commit."""
    try:
        dist = metadata.distribution("mekong-text")
        info = json.loads(dist.read_text("direct_url.json") or "{}")
    except (metadata.PackageNotFoundError, ValueError):
        return "unknown"
    url = info.get("url")
    if not url:
        return "a package index"
    text = url
    if url.startswith("file://"):
        path = url[len("file://") :]
        commit = git(["rev-parse", "--short=12", "HEAD"], path)
        if commit:
            dirty = git(["status", "--porcelain", "--untracked-files=no"], path)
            text += f" (git {commit}{', with uncommitted changes' if dirty else ''})"
    if info.get("dir_info", {}).get("editable"):
        text += ", editable"
    return text


def machine_info():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        cpu = platform.processor() or "unknown"
    mem = None
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    osname = platform.platform()
    try:
        with open("/etc/os-release") as fh:
            rel = dict(line.rstrip("\n").split("=", 1) for line in fh if "=" in line)
        osname = f"{rel.get('PRETTY_NAME', '').strip(chr(34))}, kernel {platform.release()} ({platform.machine()})"
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        usable = os.cpu_count()
    return dict(
        cpu=cpu,
        logical_cpus=os.cpu_count(),
        usable_cpus=usable,
        memory=fmt_bytes(mem) if mem else "unknown",
        os=osname,
        python=f"{platform.python_implementation()} {platform.python_version()}",
        load_average=os.getloadavg() if hasattr(os, "getloadavg") else None,
        thread_env={
            k: os.environ[k] for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS") if k in os.environ
        },
    )


def versions():
    import mekong

    return {
        "mekong-text": f"{mekong.__version__} (from {mekong_origin()})",
        "numpy": version("numpy"),
        "scipy": version("scipy"),
        "scikit-learn": version("scikit-learn"),
        "sparse_dot_topn": version("sparse_dot_topn"),
        "bm25s": version("bm25s"),
    }


# ----------------------------------------------------------------------------------------------
# the benchmarks
# ----------------------------------------------------------------------------------------------
def bench_vectorizer(kind, docs, n_bytes, threads, repeats):
    """kind: 'count' or 'tfidf'. Returns rows and the matrices' shapes."""
    from sklearn.feature_extraction import text as sktext

    import mekong

    sk_cls = sktext.CountVectorizer if kind == "count" else sktext.TfidfVectorizer
    mk_cls = mekong.CountVectorizer if kind == "count" else mekong.TfidfVectorizer
    small = docs[:WARMUP_DOCS]
    shapes = {}

    def case(library, n, make):
        def check(X):
            shapes[(library, n)] = dict(
                shape=list(X.shape),
                nnz=int(X.nnz),
                dtype=str(X.dtype),
                total=float(X.sum()) if kind == "count" else None,
                bytes=matrix_bytes(X),
            )

        return Case(library, n, lambda: make().fit_transform(docs), lambda: make().fit_transform(small), check)

    cases = [case("scikit-learn", 1, lambda: sk_cls(token_pattern=TOKEN_PATTERN))]
    cases += [case("mekong", n, lambda n=n: mk_cls(n_jobs=n)) for n in threads]
    log(f"{'CountVectorizer' if kind == 'count' else 'TfidfVectorizer'}.fit_transform, {len(docs):,} documents:")
    rows = compare(cases, repeats, kind)
    base = rows[0]["best"]
    for r in rows:
        r["ratio"] = base / r["best"]
        r["mb_s"] = n_bytes / 1e6 / r["best"]
    return rows, shapes


def load_articles(copies_mb=None, copies=None):
    """The project's own articles (benchmarks/events: several outlets' versions of each event, a third
    with page furniture), one document each (title, blank line, body), replicated to about
    ``copies_mb`` MB (or ``copies`` times). Returns (docs, copies, n_bytes, n_articles)."""
    files = sorted((HERE / "events" / "articles").glob("*.txt"))
    articles = [f.read_text(encoding="utf-8") for f in files]
    size = sum(len(a.encode("utf-8")) for a in articles)
    if copies is None:
        copies = max(1, round(copies_mb * 1e6 / size))
    return articles * copies, copies, size * copies, len(articles)


def bench_counting(docs, n_bytes, threads, repeats, copies=1):
    """CountVectorizer.fit_transform with each option set of COUNT_OPTION_SETS, words off and on,
    against scikit-learn's CountVectorizer. On a corpus replicated ``copies`` times, a line counts as
    furniture when it is in at least 2 * copies documents: in two of the articles, as min_documents=2
    says of the corpus before replication."""
    from sklearn.feature_extraction import text as sktext

    import mekong

    small = docs[:WARMUP_DOCS]
    shapes = {}

    def options(opts, words):
        o = dict(opts, words=words)
        if o.get("clean") and copies > 1:
            o["clean"] = mekong.Cleaner(min_documents=2 * copies)
        return o

    def case(label, words, n, make):
        def check(X):
            shapes[(label, words, n)] = dict(shape=list(X.shape), nnz=int(X.nnz))

        c = Case(
            "mekong" if label != "scikit-learn" else label,
            n,
            lambda: make().fit_transform(docs),
            lambda: make().fit_transform(small),
            check,
        )
        c.options, c.words = label, words
        return c

    cases = [case("scikit-learn", None, 1, lambda: sktext.CountVectorizer(token_pattern=TOKEN_PATTERN))]
    for label, opts in COUNT_OPTION_SETS:
        for words in (False, True):
            o = options(opts, words)
            for n in threads if label in COUNT_ALL_THREADS else threads[:1]:
                cases.append(case(label, words, n, lambda o=o, n=n: mekong.CountVectorizer(n_jobs=n, **o)))
    log(f"CountVectorizer.fit_transform with each option set, {len(docs):,} documents ({n_bytes / 1e6:.1f} MB):")
    rows = compare(cases, repeats, "counting")
    base = rows[0]["best"]
    for c, r in zip(cases, rows):
        r["options"], r["words"] = c.options, c.words
        r["ratio"] = base / r["best"]
        r["mb_s"] = n_bytes / 1e6 / r["best"]
    plain = {(r["words"], r["threads"]): r["best"] for r in rows if r["options"] == "plain"}
    for r in rows:
        if r["options"] != "scikit-learn":
            r["over_plain"] = r["best"] / plain[(r["words"], r["threads"])]
    for r in rows:
        r["shape"] = shapes.get((r["options"], r["words"], r["threads"]))
    return rows


def tfidf_subset(docs, n_docs):
    import mekong

    return mekong.TfidfVectorizer(n_jobs=-1).fit_transform(docs[:n_docs])


def max_abs_diff(A, B, chunk=1000):
    """max |A - B| without a third full-size temporary."""
    m = 0.0
    for i in range(0, A.shape[0], chunk):
        m = max(m, float(np.max(np.abs(A[i : i + chunk] - B[i : i + chunk]))))
    return m


def bench_cosine(X, threads, repeats):
    from sklearn.metrics.pairwise import cosine_similarity as sk_cosine

    import mekong

    small = X[:WARMUP_ROWS]
    ref = {}
    checks = {}

    def keep_ref(S):
        ref["S"] = S
        ref["bytes"] = int(S.nbytes)

    def check(n):
        def f(S):
            checks[n] = dict(
                max_abs_diff=max_abs_diff(ref["S"], S),
                symmetric=bool(np.array_equal(S, S.T)) if S.shape[0] <= 20000 else None,
            )

        return f

    cases = [Case("scikit-learn", 1, lambda: sk_cosine(X), lambda: sk_cosine(small), keep_ref)]
    cases += [
        Case(
            "mekong",
            n,
            lambda n=n: mekong.cosine_similarity(X, n_jobs=n),
            lambda n=n: mekong.cosine_similarity(small, n_jobs=n),
            check(n),
        )
        for n in threads
    ]
    log(f"cosine_similarity, {X.shape[0]:,} x {X.shape[1]:,}:")
    rows = compare(cases, repeats, "cosine")
    result_bytes = ref["bytes"]
    ref.clear()
    gc.collect()
    base = rows[0]["best"]
    for r in rows:
        r["ratio"] = base / r["best"]
        if r["library"] == "mekong":
            r.update(checks[r["threads"]])
            log(f"  mekong {r['threads']}: max |diff| vs scikit-learn {r['max_abs_diff']:.2e}")
    return rows, result_bytes


def sdt_neighbours(C, i, k):
    """Row i of sparse_dot_topn's sorted result, self-match removed, first k (indices, scores)."""
    lo, hi = C.indptr[i], C.indptr[i + 1]
    idx = C.indices[lo:hi].astype(np.int64)
    val = C.data[lo:hi]
    keep = idx != i
    idx, val = idx[keep], val[keep]
    return idx[:k], val[:k]


def compare_topk(C, nbr_idx, nbr_score, k, rows, tol=1e-9):
    """Agreement between sparse_dot_topn's and mekong's neighbours on the given rows."""
    same = ties = differ = 0
    max_score_diff = 0.0
    overlap = []
    examples = []
    for i in rows:
        a_idx, a_val = sdt_neighbours(C, i, k)
        keep = nbr_idx[i] >= 0
        b_idx, b_val = nbr_idx[i][keep], nbr_score[i][keep]
        sa, sb = set(a_idx.tolist()), set(b_idx.tolist())
        overlap.append(len(sa & sb) / max(1, max(len(sa), len(sb))))
        if len(a_val) == len(b_val) and len(a_val):
            max_score_diff = max(max_score_diff, float(np.max(np.abs(np.sort(a_val) - np.sort(b_val)))))
        if sa == sb:
            same += 1
        elif len(a_val) == len(b_val) and np.allclose(np.sort(a_val), np.sort(b_val), rtol=0, atol=tol):
            ties += 1  # same scores, a different pick among equal scores
        else:
            differ += 1
            if len(examples) < 3:
                examples.append(dict(row=int(i), sparse_dot_topn=a_idx.tolist(), mekong=b_idx.tolist()))
    return dict(
        rows_checked=len(rows),
        identical_sets=same,
        differ_only_by_ties=ties,
        differ=differ,
        mean_overlap=float(np.mean(overlap)) if overlap else None,
        max_score_diff=max_score_diff,
        examples=examples,
    )


def dense_top_k(X, k, n_jobs):
    """top_k_similar's answer (threshold 0) from the full matrix: mekong.cosine_similarity + argpartition."""
    import mekong

    S = mekong.cosine_similarity(X, n_jobs=n_jobs)
    np.fill_diagonal(S, -np.inf)
    k = min(k, S.shape[1] - 1)
    part = np.argpartition(S, S.shape[1] - k, axis=1)[:, S.shape[1] - k :]
    vals = np.take_along_axis(S, part, axis=1)
    order = np.lexsort((part, -vals), axis=1)  # best first, ties by the lower index
    idx = np.take_along_axis(part, order, axis=1).astype(np.int64)
    vals = np.take_along_axis(vals, order, axis=1)
    idx[~(vals > 0.0)] = -1
    vals[idx < 0] = np.nan
    return idx, vals


def bench_topk(X, threads, repeats, k=10, sample_rows=1000, seed=0):
    from sparse_dot_topn import sp_matmul_topn

    import mekong

    XT = X.T.tocsr()  # sparse_dot_topn wants B in CSR; transposed once, outside the timings
    small, small_t = X[:WARMUP_ROWS], X[:WARMUP_ROWS].T.tocsr()
    rng = np.random.default_rng(seed)
    check_rows = np.sort(rng.choice(X.shape[0], size=min(sample_rows, X.shape[0]), replace=False))
    results = {}

    def keep(key):
        return lambda res: results.__setitem__(key, res)

    cases = []
    for n in threads:
        cases.append(
            Case(
                "sparse_dot_topn",
                n,
                lambda n=n: sp_matmul_topn(X, XT, top_n=k + 1, threshold=0.0, sort=True, n_threads=n),
                lambda n=n: sp_matmul_topn(small, small_t, top_n=k + 1, threshold=0.0, sort=True, n_threads=n),
                keep(("sdt", n)),
            )
        )
        cases.append(
            Case(
                "mekong",
                n,
                lambda n=n: mekong.top_k_similar(X, k=k, threshold=0.0, n_jobs=n),
                lambda n=n: mekong.top_k_similar(small, k=k, threshold=0.0, n_jobs=n),
                keep(("mk", n)),
            )
        )
    # For reference only (no target): the dense route, the full cosine matrix then a partial sort per row.
    cases.append(
        Case(
            "mekong dense route",
            threads[0],
            lambda: dense_top_k(X, k, threads[0]),
            lambda: dense_top_k(small, k, threads[0]),
            keep(("dense", threads[0])),
        )
    )
    log(f"top-{k} neighbours, {X.shape[0]:,} x {X.shape[1]:,}:")
    rows = compare(cases, repeats, f"top-{k}")
    for r in rows:
        base = next(q["best"] for q in rows if q["library"] == "sparse_dot_topn" and q["threads"] == r["threads"])
        r["ratio"] = base / r["best"]
    n0 = threads[0]
    dense_same = np.array_equal(results[("dense", n0)][0], results[("mk", n0)][0])
    agreement = compare_topk(results[("sdt", n0)], *results[("mk", n0)], k, check_rows)
    # Both libraries must give the same answer at every thread count.
    consistent = all(
        (results[("sdt", n)] != results[("sdt", n0)]).nnz == 0
        and np.array_equal(results[("mk", n)][0], results[("mk", n0)][0])
        for n in threads
    )
    agreement["same_result_for_every_thread_count"] = bool(consistent)
    agreement["dense_route_same_indices"] = bool(dense_same)
    return rows, agreement


# -- search: SearchIndex against bm25s -------------------------------------------------------------
PUNCT = ".,;:!?()[]\"'“”‘’…"


def make_queries(docs, n, seed=0):
    """n queries of 1-4 consecutive words from random documents, punctuation stripped: what a reader
    types after seeing a headline. Every third is written without accents (as people often type)."""
    import unicodedata

    rng = np.random.default_rng(seed)
    out = []
    for i in rng.choice(len(docs), size=n):
        toks = [t.strip(PUNCT) for t in docs[int(i)].split()]
        toks = [t for t in toks if t]
        length = int(rng.integers(1, 5))
        start = int(rng.integers(0, max(1, len(toks) - length)))
        q = " ".join(toks[start : start + length])
        if len(out) % 3 == 2:
            q = "".join(c for c in unicodedata.normalize("NFD", q) if not unicodedata.combining(c))
            q = q.replace("đ", "d").replace("Đ", "D")
        out.append(q)
    return out


def bench_search(docs, threads, repeats, n_queries, n_single, k=10):
    import bm25s

    import mekong

    queries = make_queries(docs, n_queries)
    single = queries[:n_single]
    log(f"search over {len(docs):,} documents, {len(queries):,} queries:")
    t0 = time.perf_counter()
    indexes = {n: mekong.SearchIndex(method="bm25", n_jobs=n).fit(docs) for n in threads}
    for ix in indexes.values():
        ix.rank("warm up", k=k)  # builds the core index and the query lookup once
    mk_fit = (time.perf_counter() - t0) / len(threads)
    t0 = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize(docs, token_pattern=TOKEN_PATTERN, stopwords=None, show_progress=False), show_progress=False
    )
    bm_fit = time.perf_counter() - t0

    def bm_query(qs, n):
        toks = bm25s.tokenize(qs, token_pattern=TOKEN_PATTERN, stopwords=None, return_ids=False, show_progress=False)
        toks = [t if t else ["\u0000"] for t in toks]  # bm25s rejects an empty query
        return retriever.retrieve(toks, k=k, show_progress=False, n_threads=0 if n == 1 else n)

    results = {}

    def keep(key):
        return lambda res: results.__setitem__(key, res)

    cases = []
    for n in threads:
        cases.append(
            Case("bm25s", n, lambda n=n: [bm_query([q], n) for q in single], lambda n=n: bm_query(single[:5], n))
        )
        cases.append(
            Case(
                "mekong",
                n,
                lambda n=n: [indexes[n].rank(q, k=k) for q in single],
                lambda n=n: indexes[n].rank(single[:5], k=k),
            )
        )
    per_query = compare(cases, repeats, f"{len(single)} single queries")
    for r in per_query:
        r["per_query_ms"] = 1000.0 * r["best"] / len(single)
    cases = []
    for n in threads:
        cases.append(
            Case("bm25s", n, lambda n=n: bm_query(queries, n), lambda n=n: bm_query(queries[:20], n), keep(("bm", n)))
        )
        cases.append(
            Case(
                "mekong",
                n,
                lambda n=n: indexes[n].rank(queries, k=k),
                lambda n=n: indexes[n].rank(queries[:20], k=k),
                keep(("mk", n)),
            )
        )
    batch = compare(cases, repeats, f"batch of {len(queries)}")
    for rows in (per_query, batch):
        for r in rows:
            base = next(q["best"] for q in rows if q["library"] == "bm25s" and q["threads"] == r["threads"])
            r["ratio"] = base / r["best"]
    n0 = threads[0]
    bm_idx = np.asarray(results[("bm", n0)][0])
    mk_idx = results[("mk", n0)][0]
    overlap = []
    for a, b in zip(bm_idx, mk_idx):
        sa, sb = set(int(j) for j in a), set(int(j) for j in b if j >= 0)
        if sb:
            overlap.append(len(sa & sb) / len(sb))
    consistent = all(np.array_equal(results[("mk", n)][0], results[("mk", n0)][0]) for n in threads)
    backend_note = str(getattr(retriever, "backend", "?"))
    info = dict(
        docs=len(docs),
        queries=len(queries),
        single=len(single),
        k=k,
        mekong_fit_s=mk_fit,
        bm25s_fit_s=bm_fit,
        mean_overlap=float(np.mean(overlap)) if overlap else None,
        same_result_for_every_thread_count=bool(consistent),
        bm25s_backend=backend_note,
        examples=queries[:6],
        index_bytes=int(indexes[n0]._core_index().nbytes),
    )
    return per_query, batch, info


# -- memory: each call in a fresh process --------------------------------------------------------
def _status_kib(field):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def memory_child(spec):
    """Runs in a subprocess: ``library:threads:corpus``. Prints one JSON line."""
    import resource

    library, threads, path = spec.split(":", 2)
    threads = int(threads)
    docs = load_documents(path)
    if library == "mekong":
        import mekong

        make = lambda: mekong.CountVectorizer(n_jobs=threads)  # noqa: E731
    else:
        from sklearn.feature_extraction.text import CountVectorizer

        make = lambda: CountVectorizer(token_pattern=TOKEN_PATTERN)  # noqa: E731
    make().fit_transform(docs[:WARMUP_DOCS])  # load lazily initialised code and data first
    gc.collect()
    rss_before = _status_kib("VmRSS")
    reset = False
    try:  # reset the high-water mark (VmHWM, ru_maxrss) to the current RSS: Linux >= 4.0
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        reset = True
    except OSError:
        pass
    maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    X = make().fit_transform(docs)
    seconds = time.perf_counter() - t0
    maxrss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    hwm = _status_kib("VmHWM")
    peak_kib = (hwm if reset and hwm else maxrss_after) - (rss_before if reset else maxrss_before)
    print(
        json.dumps(
            dict(
                library=library,
                threads=threads,
                rss_before=rss_before * 1024,
                peak_increase=peak_kib * 1024,
                peak_reset=reset,
                matrix_bytes=matrix_bytes(X),
                shape=list(X.shape),
                nnz=int(X.nnz),
                seconds=seconds,
            )
        )
    )


def bench_memory(corpus, threads, with_sklearn=True):
    specs = ([("scikit-learn", 1)] if with_sklearn else []) + [("mekong", n) for n in threads]
    rows = []
    for library, n in specs:
        log(f"  memory: {library} ({n} thread{'s' if n != 1 else ''}) in a subprocess ...")
        proc = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--memory-child", f"{library}:{n}:{corpus}"],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"memory subprocess failed:\n{proc.stderr}")
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        r["ratio_to_matrix"] = r["peak_increase"] / r["matrix_bytes"]
        rows.append(r)
        log(f"    peak +{fmt_bytes(r['peak_increase'])} for a {fmt_bytes(r['matrix_bytes'])} matrix")
    return rows


# ----------------------------------------------------------------------------------------------
# the report
# ----------------------------------------------------------------------------------------------
def busy_at_times(res):
    """Whether other work on the machine took a noticeable share of the CPUs during the run."""
    probe = res["parallel_probe"]
    return min(probe["before"] + probe["after"]) < 1.6 or (res.get("others_cores") or 0.0) > DISTURBED


def contended(res):
    """Whether some best time in the report comes from a run that other processes disturbed."""
    rows = (
        res["count"]
        + res["tfidf"]
        + res["cosine"]
        + res["topk"]
        + res.get("search_single", [])
        + res.get("search_batch", [])
        + (res.get("counting") or [])
        + (res.get("counting_articles") or [])
    )
    return any((r.get("others_at_best") or 0.0) > DISTURBED for r in rows)


def verdict(ratio, target):
    if ratio >= target:
        return "PASS"
    return f"MISS (needs {target / ratio:.2f}x more speed)"


def targets(res, threads):
    count = {r["threads"]: r for r in res["count"] if r["library"] == "mekong"}
    cos = {r["threads"]: r for r in res["cosine"] if r["library"] == "mekong"}
    out = []
    t1 = min(threads)
    if t1 in count:
        r = count[t1]
        out.append(
            (
                "tokenize + count (CountVectorizer) >= 20x scikit-learn, 1 thread",
                f"{r['ratio']:.2f}x",
                verdict(r["ratio"], TARGET_COUNT_1),
            )
        )
    for n in sorted(count):
        if n == t1:
            continue
        speedup = count[t1]["best"] / count[n]["best"]
        ok = count[n]["best"] < count[t1]["best"]
        out.append(
            (
                f"tokenize + count faster on {n} threads than on {t1}",
                f"{speedup:.2f}x speed-up ({count[n]['ratio']:.2f}x scikit-learn)",
                "PASS" if ok else f"MISS ({n} threads is {1 / speedup:.2f}x the time of {t1})",
            )
        )
    out += counting_targets(res, threads)
    for n in sorted(cos):
        r = cos[n]
        what = (
            "cosine_similarity >= 5x scikit-learn, 1 thread"
            if n == 1
            else f"cosine_similarity >= 5x scikit-learn, mekong on {n} threads (scikit-learn uses one)"
        )
        out.append((what, f"{r['ratio']:.2f}x", verdict(r["ratio"], TARGET_COSINE)))
    for r in res["topk"]:
        if r["library"] != "mekong":
            continue
        n = r["threads"]
        out.append(
            (
                f"top-10 of {res['topk_rows']:,} documents >= 2x sparse_dot_topn, {n} thread{'s' if n != 1 else ''}",
                f"{r['ratio']:.2f}x",
                verdict(r["ratio"], TARGET_TOPK),
            )
        )
    for key, what in (("search_single", "one query at a time"), ("search_batch", "a batch of queries")):
        for r in res.get(key, []):
            if r["library"] != "mekong":
                continue
            n = r["threads"]
            out.append(
                (
                    f"BM25 search, {what}, faster than bm25s, {n} thread{'s' if n != 1 else ''}",
                    f"{r['ratio']:.2f}x",
                    verdict(r["ratio"], TARGET_SEARCH),
                )
            )
    return out


def counting_targets(res, threads):
    """The counting rows of the issue's table, for each corpus and words off / on."""
    out = []
    t1, t2 = min(threads), max(threads)
    for key, corpus in (("counting", "generated"), ("counting_articles", "articles")):
        rows = res.get(key) or []
        if not rows:
            continue
        for words in (False, True):
            w = f"{corpus}, words {'on' if words else 'off'}"
            get = {(r["options"], r["threads"]): r for r in rows if r["words"] == words}
            if ("plain", t1) not in get:
                continue
            r = get[("plain", t1)]
            out.append(
                (
                    f"plain counting >= 20x scikit-learn, 1 thread ({w})",
                    f"{r['ratio']:.2f}x",
                    verdict(r["ratio"], TARGET_COUNT_1),
                )
            )
            if t2 != t1 and ("plain", t2) in get:
                r = get[("plain", t2)]
                out.append(
                    (
                        f"plain counting >= 35x scikit-learn, {t2} threads ({w})",
                        f"{r['ratio']:.2f}x",
                        verdict(r["ratio"], TARGET_COUNT_2),
                    )
                )
            for opt in ("clean", "aliases"):
                if (opt, t1) in get:
                    x = get[(opt, t1)]["over_plain"]
                    out.append(
                        (
                            f"{opt}=True <= 1.3x plain's time ({w})",
                            f"{x:.2f}x plain",
                            "PASS"
                            if x <= TARGET_OPTION_OVER_PLAIN
                            else f"MISS (needs {x / TARGET_OPTION_OVER_PLAIN:.2f}x more speed)",
                        )
                    )
            for opt in ("clean+aliases+stop", "clean+aliases+stop+phrases"):
                for n in sorted({t1, t2}):
                    if (opt, n) in get:
                        r = get[(opt, n)]
                        out.append(
                            (
                                f"{opt} >= 10x scikit-learn, {n} thread{'s' if n != 1 else ''} ({w})",
                                f"{r['ratio']:.2f}x",
                                verdict(r["ratio"], TARGET_MAIN_JOB),
                            )
                        )
            opt = "clean+aliases+stop+phrases"
            if t2 != t1 and (opt, t1) in get and (opt, t2) in get:
                x = get[(opt, t1)]["best"] / get[(opt, t2)]["best"]
                out.append(
                    (f"{opt}: {t2} threads >= 1.7x one ({w})", f"{x:.2f}x", verdict(x, TARGET_PHRASES_2_THREADS))
                )
    return out


def counting_section(L, res, reps):
    for key, title in (("counting", "the generated corpus"), ("counting_articles", "the project's articles")):
        rows = res.get(key) or []
        if not rows:
            continue
        info = res[key + "_info"]
        L.append(
            f"## Counting with the real-article options: {title} ({info['bytes'] / 1e6:.1f} MB, "
            f"{info['documents']:,} documents)"
        )
        L.append("")
        L.append(info["about"])
        L.append("")
        L.append(
            f"Best of {reps} interleaved rounds after one warm-up on the first {WARMUP_DOCS} documents. "
            f'scikit-learn: `CountVectorizer(token_pattern=r"{TOKEN_PATTERN}")`; mekong: '
            "`CountVectorizer(n_jobs=n, words=w, **options)` with the options of each row (stop = "
            '`stop_words="vietnamese"`; the learning passes, furniture lines, name evidence and phrases, '
            "are inside the timed fit_transform). \"/ plain\" is the row's time over plain counting's "
            "with the same words setting and threads."
        )
        L.append("")
        body = []
        for r in rows:
            sk = r["options"] == "scikit-learn"
            body.append(
                [
                    r["options"],
                    "" if sk else ("on" if r["words"] else "off"),
                    r["threads"],
                    fmt_s(r["best"]),
                    f"{r['mb_s']:.1f}",
                    f"**{r['ratio']:.2f}x**",
                    "" if sk else f"{r['over_plain']:.2f}x",
                    f"{r['cpu_per_wall']:.2f}",
                    "?" if r.get("others_at_best") is None else f"{r['others_at_best']:.2f}",
                    "" if not r.get("shape") else f"{r['shape']['shape'][1]:,} / {r['shape']['nnz']:,}",
                    ", ".join(fmt_s(t) for t in r["times"]),
                ]
            )
        L.append(
            table(
                [
                    "options",
                    "words",
                    "threads",
                    "best s",
                    "MB/s",
                    "scikit-learn / mekong",
                    "/ plain",
                    "CPU / wall",
                    "others",
                    "columns / non-zeros",
                    f"all {reps} runs (s)",
                ],
                body,
            )
        )
        L.append("")


def table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def timing_rows(rows, with_mb_s=False):
    """library, threads, best s, [MB/s], ratio, CPU/wall, all runs."""
    out = []
    for r in rows:
        row = [r["library"], r["threads"], fmt_s(r["best"])]
        if with_mb_s:
            row.append(f"{r['mb_s']:.1f}")
        row.append(f"**{r['ratio']:.2f}x**")
        row.append(f"{r['cpu_per_wall']:.2f}")
        row.append("?" if r.get("others_at_best") is None else f"{r['others_at_best']:.2f}")
        runs = ", ".join(fmt_s(t) for t in r["times"])
        if r.get("disturbed"):
            runs += f" (+{len(r['disturbed'])} disturbed, not counted)"
        row.append(runs)
        out.append(row)
    return out


def write_report(path, res):
    c = res["corpus"]
    m = res["machine"]
    v = res["versions"]
    threads = res["threads"]
    L = []
    L.append("# mekong-text benchmark report")
    L.append("")
    L.append(
        f"Generated by `{res['command']}` on {res['date']} in {res['total_seconds'] / 60:.1f} minutes "
        f"(this file is rewritten by every run; see [README.md](README.md) for how to read it)."
    )
    if res["quick"]:
        L.append("")
        L.append("**Quick (smoke-test) run: small inputs, the numbers say little about speed.**")
    L.append("")
    L.append("## Summary: targets")
    L.append("")
    L.append(
        "Ratio = the other library's best time / mekong's best time (above 1: mekong is faster). In the "
        "tables below, CPU / wall is the CPU time of all threads over the wall time of the best run (near the "
        'thread count when the threads really ran at once) and "others" the cores that other processes on '
        f"the machine kept busy during it; a run with others above {DISTURBED} was set aside and run again "
        f"(at most {res.get('retries', 2)} times)."
    )
    L.append("")
    L.append(table(["target", "measured", "result"], targets(res, threads)))
    L.append("")
    if contended(res):
        L.append(
            'Caution: some best times below come from runs that other processes disturbed (the "others" '
            "column); the 2-thread results in particular may understate what mekong does on a quiet "
            "machine."
        )
        L.append("")
    elif busy_at_times(res):
        L.append(
            "Other processes used the CPUs at times during this run (see Machine below), but every best "
            'time comes from a run they left alone (the "others" column).'
        )
        L.append("")
    L.append("## Machine and software")
    L.append("")
    env = ", ".join(f"{k}={val}" for k, val in m["thread_env"].items()) or "none set"
    L.append(
        table(
            ["", ""],
            [
                ["CPU", m["cpu"]],
                ["cores", f"{m['logical_cpus']} logical ({m['usable_cpus']} usable by this process)"],
                ["memory", m["memory"]],
                ["OS", m["os"]],
                ["Python", m["python"]],
                *[[name, ver] for name, ver in v.items()],
                ["thread variables", env],
            ],
        )
    )
    L.append("")
    probe = res["parallel_probe"]
    L.append(
        "How much of its second core the machine gave during the run, measured as two CPU-bound processes at once "
        "against one (2.00 = a full second core, 1.00 = none): "
        f"{', '.join(f'{x:.2f}' for x in probe['before'])} before the benchmarks, "
        f"{', '.join(f'{x:.2f}' for x in probe['after'])} after them."
        + (
            f" Other processes kept {res['others_cores']:.2f} cores busy on average during the run."
            if res.get("others_cores") is not None
            else ""
        )
        + (
            f" CPU time stolen by the hypervisor: {res['steal_percent']:.1f}%."
            if res.get("steal_percent") is not None
            else ""
        )
    )
    if m.get("load_average") and res.get("load_average_after"):
        L.append("")
        L.append(
            "Load average (1, 5, 15 min) of the machine, other processes included: "
            f"{', '.join(f'{x:.2f}' for x in m['load_average'])} at the start, "
            f"{', '.join(f'{x:.2f}' for x in res['load_average_after'])} at the end."
        )
    if contended(res):
        L.append("")
        L.append(
            "**The second core was not always available: the 2-thread numbers below are less trustworthy than "
            "the 1-thread ones. Check the CPU / wall column: near 2.0 means two threads really ran at once.**"
        )
    elif busy_at_times(res):
        L.append("")
        L.append("Runs that other processes disturbed were set aside and done again; none of them is counted.")
    L.append("")
    L.append("## Corpus")
    L.append("")
    tail = c.get("vocabulary", "sample") == "longtail"
    L.append(
        f"`benchmarks/data/{c['file']}`, generated by `generate_corpus.py` (seed {c['seed']}): a trigram/bigram "
        f"Markov chain over the {c['source_tokens']:,} tokens ({c['source_types']:,} distinct) of the "
        f"{c['source_articles']} bundled sample articles"
        + (
            f", with {100 * c['tail_share']:.0f}% of its tokens replaced by a long-tailed vocabulary (rare "
            "syllables and compounds drawn from a Zipf distribution, a cast of names per document, numbers): "
            "the vocabulary grows with the corpus as a news archive's does."
            if tail
            else "."
        )
    )
    L.append("")
    tok = res.get("corpus_tokens") or dict(mekong_tokens=0, mekong_terms=0, sklearn_tokens=0, sklearn_terms=0)
    L.append(
        table(
            ["", ""],
            [
                ["size", f"{c['bytes'] / 1e6:.1f} MB ({c['bytes']:,} bytes of UTF-8)"],
                ["documents", f"{c['documents']:,} (one per line; {c['min_words']}-{c['max_words']} tokens)"],
                ["tokens (whitespace-separated)", f"{c['whitespace_tokens']:,}"],
                *(
                    [
                        ["tokens / terms (mekong)", f"{tok['mekong_tokens']:,} / {tok['mekong_terms']:,}"],
                        [
                            "tokens / terms (scikit-learn, `{}`)".format(TOKEN_PATTERN.replace("|", "\\|")),
                            f"{tok['sklearn_tokens']:,} / {tok['sklearn_terms']:,}",
                        ],
                    ]
                    if res.get("corpus_tokens")
                    else []
                ),
                ["SHA-256", f"`{c['sha256']}`"],
            ],
        )
    )
    L.append("")
    L.append(
        'The two tokenizers differ slightly by design: mekong writes tone marks one way ("hoà" and "hòa" are '
        "one term), keeps URLs whole (and drops them by default) and composes text to NFC; scikit-learn's "
        "regular expression splits URLs and numbers such as 3.500 into parts. "
        + (
            "Most tokens still come from the sample's few thousand words, so every document shares many terms "
            "with every other: a demanding case for sparse products (see README.md)."
            if tail
            else "The vocabulary is the sample's: a few thousand terms, far fewer than a real news archive of this "
            "size, which makes the matrices denser than real ones (see README.md)."
        )
    )
    L.append("")
    reps = res["repeats"]
    if res["count"] or res["tfidf"]:
        vectorizer_section(L, res, c, reps, threads)
    counting_section(L, res, reps)
    sim = res.get("similarity")
    if sim:
        cosine_section(L, res, sim, reps)
    if res["topk"]:
        topk_section(L, res, reps)
    if res.get("search_info"):
        search_section(L, res, reps)
    memory_section(L, res)
    Path(path).write_text("\n".join(L), encoding="utf-8")


def vectorizer_section(L, res, c, reps, threads):
    L.append(
        f"## Vectorizers: fit_transform on the whole corpus ({c['bytes'] / 1e6:.1f} MB, {c['documents']:,} documents)"
    )
    L.append("")
    L.append(
        f"Best of {reps} interleaved rounds after one warm-up on the first {WARMUP_DOCS} documents. scikit-learn: "
        f'`CountVectorizer(token_pattern=r"{TOKEN_PATTERN}")` / `TfidfVectorizer(token_pattern=...)` '
        "(single-threaded); mekong: `CountVectorizer(n_jobs=n)` / `TfidfVectorizer(n_jobs=n)`. "
        "Input: a list of str."
    )
    L.append("")
    for kind, title in (("count", "CountVectorizer"), ("tfidf", "TfidfVectorizer")):
        if not res[kind]:
            continue
        L.append(f"### {title}.fit_transform")
        L.append("")
        L.append(
            table(
                [
                    "library",
                    "threads",
                    "best s",
                    "MB/s",
                    "scikit-learn / mekong",
                    "CPU / wall",
                    "others",
                    f"all {reps} runs (s)",
                ],
                timing_rows(res[kind], with_mb_s=True),
            )
        )
        L.append("")
        shapes = res[kind + "_shapes"]
        parts = []
        for (lib, n), s in shapes.items():
            if lib == "mekong" and n != min(threads):
                continue
            parts.append(f"{lib}: {s['shape'][0]:,} x {s['shape'][1]:,}, {s['nnz']:,} non-zeros, {s['dtype']}")
        L.append("Matrices: " + "; ".join(parts) + ".")
        L.append("")


def cosine_section(L, res, sim, reps):
    L.append(f"## cosine_similarity: the tf-idf matrix of the first {sim['rows']:,} documents")
    L.append("")
    L.append(
        f"X: {sim['rows']:,} x {sim['cols']:,} float64 CSR, {sim['nnz']:,} non-zeros "
        f"({sim['nnz'] / sim['rows']:.0f} per row), from `mekong.TfidfVectorizer().fit_transform(docs[:{sim['rows']}])`. "
        f"Result: a dense {sim['rows']:,} x {sim['rows']:,} float64 array ({fmt_bytes(res['cosine_bytes'])}). "
        "scikit-learn: `sklearn.metrics.pairwise.cosine_similarity(X)`; mekong: "
        f"`mekong.cosine_similarity(X, n_jobs=n)`. Warm-up on the first {WARMUP_ROWS} rows."
    )
    L.append("")
    rows = timing_rows(res["cosine"])
    for row, r in zip(rows, res["cosine"]):
        row.insert(6, "reference" if r["library"] == "scikit-learn" else f"{r['max_abs_diff']:.1e}")
    L.append(
        table(
            [
                "library",
                "threads",
                "best s",
                "scikit-learn / mekong",
                "CPU / wall",
                "others",
                "max abs diff vs scikit-learn",
                f"all {reps} runs (s)",
            ],
            rows,
        )
    )
    L.append("")


def topk_section(L, res, reps):
    tk = res["topk_matrix"]
    L.append(f"## Top-10 neighbours of each of the first {tk['rows']:,} documents")
    L.append("")
    L.append(
        f"X: {tk['rows']:,} x {tk['cols']:,} float64 CSR, {tk['nnz']:,} non-zeros "
        f"({tk['nnz'] / tk['rows']:.0f} per row), the tf-idf matrix of the first {tk['rows']:,} documents."
    )
    L.append("")
    L.append(
        "sparse_dot_topn: `sp_matmul_topn(X, X.T, top_n=11, threshold=0.0, sort=True, n_threads=n)` "
        "(11 because it returns each row's match with itself; `X.T` converted to CSR once, outside the "
        "timing); mekong: `mekong.top_k_similar(X, k=10, threshold=0.0, n_jobs=n)` (leaves the row "
        "itself out). Both keep scores > 0."
    )
    L.append("")
    L.append(
        table(
            [
                "library",
                "threads",
                "best s",
                "sparse_dot_topn / mekong (same threads)",
                "CPU / wall",
                "others",
                f"all {reps} runs (s)",
            ],
            timing_rows(res["topk"]),
        )
    )
    L.append("")
    L.append(
        '"mekong dense route" is for reference, not a target: `mekong.cosine_similarity(X)`, the diagonal '
        "masked, then `np.argpartition` and a sort of each row's k best; it needs the whole dense matrix in "
        "memory, which top_k_similar avoids."
    )
    L.append("")
    a = res["topk_agreement"]
    L.append(
        f"Agreement on {a['rows_checked']:,} random rows (sparse_dot_topn's result minus the self-match): "
        f"identical neighbour sets in {a['identical_sets']:,}, different only among equal scores in "
        f"{a['differ_only_by_ties']:,}, different in {a['differ']:,}; mean overlap {a['mean_overlap']:.4f}; "
        f"largest difference between the sorted scores {a['max_score_diff']:.1e}. Same result for every thread "
        f"count: {'yes' if a['same_result_for_every_thread_count'] else 'NO'}. Dense route gives top_k_similar's "
        f"indices exactly: {'yes' if a['dense_route_same_indices'] else 'no'}."
    )
    if a["examples"]:
        L.append("")
        L.append(
            "Rows that differ (first few): "
            + "; ".join(
                f"row {e['row']}: sparse_dot_topn {e['sparse_dot_topn']}, mekong {e['mekong']}" for e in a["examples"]
            )
        )
    L.append("")


def search_section(L, res, reps):
    if res.get("search_info"):
        si = res["search_info"]
        L.append(f"## BM25 search over the first {si['docs']:,} documents")
        L.append("")
        L.append(
            f"Queries: {si['queries']:,} runs of 1-4 consecutive words from random documents, punctuation "
            f"stripped, every third written without accents (for example {', '.join(repr(q) for q in si['examples'])}). "
            f'mekong: `SearchIndex(method="bm25", n_jobs=n).fit(docs)` once (its core index built by a first '
            f"query), then `index.rank(queries, k={si['k']})`; bm25s: `BM25()` indexed once with "
            f'`bm25s.tokenize(docs, token_pattern=r"{TOKEN_PATTERN}", stopwords=None)`, then per call '
            f"`retriever.retrieve(bm25s.tokenize(queries, ..., return_ids=False), k={si['k']}, n_threads=n)` "
            "(tokenizing the queries is part of both timings). Backend of bm25s: "
            f'{si["bm25s_backend"].split()[0]} (its default; the numba backend, `BM25(backend="numba")`, '
            f"was not measured). Index building, not timed as a target: mekong {si['mekong_fit_s']:.2f} s "
            f"(vectorizing included), bm25s {si['bm25s_fit_s']:.2f} s; mekong's core index takes "
            f"{fmt_bytes(si['index_bytes'])}."
        )
        L.append("")
        L.append(f"### One query per call ({si['single']} queries in a loop; ms per query)")
        L.append("")
        rows = timing_rows(res["search_single"])
        for row, r in zip(rows, res["search_single"]):
            row.insert(3, f"{r['per_query_ms']:.3f}")
        L.append(
            table(
                [
                    "library",
                    "threads",
                    f"best s ({si['single']} queries)",
                    "ms / query",
                    "bm25s / mekong (same threads)",
                    "CPU / wall",
                    "others",
                    f"all {reps} runs (s)",
                ],
                rows,
            )
        )
        L.append("")
        L.append(f"### A batch of {si['queries']:,} queries in one call")
        L.append("")
        L.append(
            table(
                [
                    "library",
                    "threads",
                    "best s",
                    "bm25s / mekong (same threads)",
                    "CPU / wall",
                    "others",
                    f"all {reps} runs (s)",
                ],
                timing_rows(res["search_batch"]),
            )
        )
        L.append("")
        L.append(
            f"The two rank alike but not identically, by design: the same BM25 formula (Lucene's) over different tokens, Vietnamese words and whole numbers against bm25s's \\w+ syllables, and mekong's accent-free "
            f"matching of unaccented queries (on the same tokens the top-10 lists agree up to ties: tests/test_search_bm25.py): on average {100 * (si['mean_overlap'] or 0):.0f}% of mekong's "
            "top-10 documents are in bm25s's top-10. Same result for every thread count: "
            f"{'yes' if si['same_result_for_every_thread_count'] else 'NO'}."
        )
        L.append("")


def memory_section(L, res):
    L.append("## Peak memory of CountVectorizer.fit_transform")
    L.append("")
    if not res["memory"]:
        L.append("Skipped (`--no-memory`).")
        L.append("")
        return
    L.append(
        "Each call in a fresh Python process that first reads the corpus into a list of str and warms up; "
        "the peak resident set size is reset (`/proc/self/clear_refs`) just before the call, so the peak "
        "increase is what the call itself needed at its worst moment, C++ allocations included. Matrix = "
        "data + indices + indptr bytes of the result."
    )
    L.append("")
    mrows = []
    for r in res["memory"]:
        mrows.append(
            [
                r["library"],
                r["threads"],
                fmt_bytes(r["rss_before"]),
                fmt_bytes(r["peak_increase"]),
                fmt_bytes(r["matrix_bytes"]),
                f"{r['ratio_to_matrix']:.2f}x",
                f"{r['seconds']:.2f}",
            ]
        )
    L.append(
        table(
            [
                "library",
                "threads",
                "RSS before (corpus loaded)",
                "peak increase",
                "matrix",
                "peak / matrix",
                "s (this one run)",
            ],
            mrows,
        )
    )
    if not all(r["peak_reset"] for r in res["memory"]):
        L.append("")
        L.append("(The peak could not be reset on this system: the increase is the ru_maxrss delta, a lower bound.)")
    L.append("")


# ----------------------------------------------------------------------------------------------
def main(argv=None):
    p = argparse.ArgumentParser(description="Benchmark mekong-text against scikit-learn and sparse_dot_topn.")
    p.add_argument("--size-mb", type=float, default=None, help="corpus size in MB (default: 60; --quick: 5)")
    p.add_argument(
        "--docs", type=int, default=None, help="documents for cosine / top-k (default: 10000; --quick: 2000)"
    )
    p.add_argument(
        "--topk-docs",
        type=int,
        default=None,
        help="documents for top-10 neighbours and search (default: 20000; --quick: 3000)",
    )
    p.add_argument(
        "--queries", type=int, default=None, help="queries in the search batch (default: 2000; --quick: 300)"
    )
    p.add_argument(
        "--vocabulary",
        choices=("longtail", "sample"),
        default=generate_corpus.DEFAULTS["vocabulary"],
        help="corpus vocabulary (see generate_corpus.py; default: %(default)s)",
    )
    p.add_argument(
        "--only",
        default=None,
        help="comma-separated subset of count,counting,tfidf,cosine,topk,search,memory (default: all); "
        "counting: the option rows on the generated corpus and on the project's articles",
    )
    p.add_argument(
        "--articles-mb",
        type=float,
        default=None,
        help="size in MB of the replicated article corpus of the counting rows (default: 40; --quick: 2)",
    )
    p.add_argument("--quick", action="store_true", help="small corpus and matrix: a smoke test")
    p.add_argument("--repeats", type=int, default=3, help="timed runs per measurement; the best counts (default: 3)")
    p.add_argument("--threads", default="1,2", help="mekong thread counts, comma-separated (default: 1,2)")
    p.add_argument("--regenerate", action="store_true", help="write the corpus again even if it exists")
    p.add_argument("--no-memory", action="store_true", help="skip the memory subprocesses")
    p.add_argument(
        "--report", help="report file (default: benchmarks/REPORT.md; --quick: benchmarks/data/REPORT-quick.md)"
    )
    p.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="SECONDS",
        help="first wait up to SECONDS for other processes to leave the CPUs idle (default: 0)",
    )
    p.add_argument(
        "--retries",
        type=int,
        default=RETRIES,
        help="runs again a call that other processes disturbed, at most this often (default: %(default)s)",
    )
    p.add_argument("--memory-child", help=argparse.SUPPRESS)
    p.add_argument(
        "--render", metavar="RESULTS_JSON", help="write the report again from a results file, without running anything"
    )
    args = p.parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child)
        return 0
    if args.render:
        res = json.loads(Path(args.render).read_text(encoding="utf-8"))
        for key in ("count_shapes", "tfidf_shapes"):
            res[key] = {tuple(k.rsplit("/", 1)[:1]) + (int(k.rsplit("/", 1)[1]),): v for k, v in res[key].items()}
        write_report(Path(args.report) if args.report else HERE / "REPORT.md", res)
        return 0

    globals()["RETRIES"] = max(0, args.retries)
    t_start = time.perf_counter()
    size_mb = args.size_mb if args.size_mb is not None else (5.0 if args.quick else 60.0)
    n_sim = args.docs if args.docs is not None else (2000 if args.quick else 10000)
    threads = sorted({int(t) for t in args.threads.split(",")})
    if not threads or min(threads) < 1 or args.repeats < 1 or n_sim < 2:
        p.error("need --threads >= 1, --repeats >= 1, --docs >= 2")
    report = (
        Path(args.report)
        if args.report
        else (generate_corpus.DATA_DIR / "REPORT-quick.md" if args.quick else HERE / "REPORT.md")
    )
    command = shlex.join(["python", "benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])])

    corpus = generate_corpus.corpus_path(size_mb, vocabulary=args.vocabulary)
    meta_path = corpus.with_suffix(".json")
    if args.regenerate or not corpus.exists() or not meta_path.exists():
        log(f"generating {corpus} ...")
        generate_corpus.generate(size_mb, corpus, vocabulary=args.vocabulary)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    expected = generate_corpus.expected_fingerprint(args.vocabulary)
    if corpus.stat().st_size != meta["bytes"] or meta.get("fingerprint") != expected:
        log(f"{corpus.name} is out of date (the bundled sample or the generator changed): generating it again ...")
        generate_corpus.generate(size_mb, corpus, vocabulary=args.vocabulary)
        meta = json.loads(meta_path.read_text(encoding="utf-8"))

    docs = load_documents(corpus)
    n_bytes = meta["bytes"]
    n_sim = min(n_sim, len(docs))
    n_topk = min(args.topk_docs if args.topk_docs is not None else (3000 if args.quick else 20000), len(docs))
    n_queries = args.queries if args.queries is not None else (300 if args.quick else 2000)
    only = (
        set(args.only.split(",")) if args.only else {"count", "counting", "tfidf", "cosine", "topk", "search", "memory"}
    )
    log(
        f"corpus: {corpus.name}, {n_bytes / 1e6:.1f} MB, {len(docs):,} documents; similarity on {n_sim:,}; "
        f"threads {threads}; best of {args.repeats}"
    )

    if args.wait_quiet > 0:
        log(f"waiting up to {args.wait_quiet:.0f} s for the machine to be quiet ...")
        wait_until_quiet(args.wait_quiet)
    res = dict(
        command=command,
        quick=args.quick,
        threads=threads,
        repeats=args.repeats,
        retries=RETRIES,
        date=time.strftime("%Y-%m-%d %H:%M %Z"),
        machine=machine_info(),
        versions=versions(),
        corpus=meta,
    )
    log("machine check: two busy processes against one ...")
    probe_before = parallel_probe()
    stat_before, own_before = cpu_stat(), own_cpu()
    log("  parallel speed-up " + ", ".join(f"{x:.2f}" for x in probe_before))

    count_shapes = tfidf_shapes = {}
    res["count"] = res["tfidf"] = res["cosine"] = res["topk"] = []
    if "count" in only:
        res["count"], count_shapes = bench_vectorizer("count", docs, n_bytes, threads, args.repeats)
    if "counting" in only:
        res["counting"] = bench_counting(docs, n_bytes, threads, args.repeats)
        res["counting_info"] = dict(
            bytes=n_bytes,
            documents=len(docs),
            about="The generated corpus described under Corpus: one document a line, no page furniture.",
        )
        articles_mb = args.articles_mb if args.articles_mb is not None else (2.0 if args.quick else 40.0)
        adocs, copies, a_bytes, n_articles = load_articles(articles_mb)
        res["counting_articles"] = bench_counting(adocs, a_bytes, threads, args.repeats, copies=copies)
        res["counting_articles_info"] = dict(
            bytes=a_bytes,
            documents=len(adocs),
            about=(
                f"The {n_articles} articles of `benchmarks/events/articles` (written for the project: several "
                "outlets' versions of each event, a third with page furniture, names in several spellings), "
                f"each a document of several lines, the whole set repeated {copies} times for throughput. "
                f"Furniture: `clean=mekong.Cleaner(min_documents={2 * copies})`, i.e. a line in two or more "
                "of the articles, as the default min_documents=2 says of the set before repetition."
            ),
        )
        del adocs
        gc.collect()
    if "tfidf" in only:
        res["tfidf"], tfidf_shapes = bench_vectorizer("tfidf", docs, n_bytes, threads, args.repeats)
    if count_shapes:
        sk, mk = count_shapes[("scikit-learn", 1)], count_shapes[("mekong", threads[0])]
        res["corpus_tokens"] = dict(
            sklearn_tokens=int(sk["total"]),
            sklearn_terms=sk["shape"][1],
            mekong_tokens=int(mk["total"]),
            mekong_terms=mk["shape"][1],
        )
    res["count_shapes"], res["tfidf_shapes"] = count_shapes, tfidf_shapes

    if "cosine" in only:
        log(f"cosine similarity on the first {n_sim:,} documents:")
        X = tfidf_subset(docs, n_sim)
        res["similarity"] = dict(rows=X.shape[0], cols=X.shape[1], nnz=int(X.nnz))
        res["cosine"], res["cosine_bytes"] = bench_cosine(X, threads, args.repeats)
        del X
        gc.collect()
    if "topk" in only:
        log(f"top-10 neighbours of the first {n_topk:,} documents:")
        X = tfidf_subset(docs, n_topk)
        res["topk_matrix"] = dict(rows=X.shape[0], cols=X.shape[1], nnz=int(X.nnz))
        res["topk_rows"] = X.shape[0]
        res["topk"], res["topk_agreement"] = bench_topk(X, threads, args.repeats)
        del X
        gc.collect()
    if "search" in only:
        res["search_single"], res["search_batch"], res["search_info"] = bench_search(
            docs[:n_topk], threads, args.repeats, n_queries, n_single=min(200, n_queries)
        )
    del docs
    gc.collect()

    if args.no_memory or "memory" not in only:
        res["memory"] = []
    else:
        log("memory:")
        res["memory"] = bench_memory(corpus, threads)

    stat_after, own_after = cpu_stat(), own_cpu()
    log("machine check again ...")
    probe_after = parallel_probe()
    log("  parallel speed-up " + ", ".join(f"{x:.2f}" for x in probe_after))
    res["parallel_probe"] = dict(before=probe_before, after=probe_after)
    res["load_average_after"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    if stat_before and stat_after and stat_after["total"] > stat_before["total"]:
        res["steal_percent"] = (
            100.0 * (stat_after["steal"] - stat_before["steal"]) / (stat_after["total"] - stat_before["total"])
        )
        res["others_cores"] = others_load(stat_before, stat_after, own_before, own_after)
    res["total_seconds"] = time.perf_counter() - t_start
    # The numbers first: a report that fails to render loses none of them.
    results_json = (
        generate_corpus.DATA_DIR
        / f"results-{generate_corpus.format_mb(size_mb)}mb{'-quick' if args.quick else ''}.json"
    )
    serial = dict(res)
    serial["count_shapes"] = {f"{k[0]}/{k[1]}": v for k, v in count_shapes.items()}
    serial["tfidf_shapes"] = {f"{k[0]}/{k[1]}": v for k, v in tfidf_shapes.items()}
    results_json.write_text(json.dumps(serial, indent=2) + "\n", encoding="utf-8")
    report.parent.mkdir(parents=True, exist_ok=True)
    write_report(report, res)

    log("")
    for what, measured, result in targets(res, threads):
        log(f"  {result:<40s} {measured:<40s} {what}")
    log(f"\nwrote {report} and {results_json} ({res['total_seconds'] / 60:.1f} minutes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
