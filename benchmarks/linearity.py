"""Linearity: every core call on inputs doubling in size, normal and hostile; writes LINEARITY.md.

For each call and input kind the input doubles from 1 MB up to --max-mb (default 64); the report
gives the time at each size and the ratio to the previous size. Work linear in the input keeps the
ratio near 2; a quadratic scan shows as a ratio near 4 (the URL scan and NFC of mark runs did, before
issue 9 was fixed).

    python benchmarks/linearity.py                  # 1 .. 64 MB, writes benchmarks/LINEARITY.md
    python benchmarks/linearity.py --max-mb 8       # a quick look (writes benchmarks/data/LINEARITY-quick.md)

Normal text is the generated corpus of generate_corpus.py (Markov text over the bundled sample's
tokens, one document per line). Single-text calls (decode, normalize, tokenize, clean) get the whole
input as ONE document, the hardest case for a scanner; count and tf-idf get its lines as documents.
Hostile inputs are runs built to defeat a scanner: combining marks, back-to-back links, tag and
bracket openers that never close, entities without ';', one very long line of punctuation, one
name of millions of syllables. Each size runs --repeats times (best kept; the input is prepared and
the garbage collector paused outside the timing); a call slower than --budget seconds stops its series.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import mekong  # noqa: E402

MB = 1_000_000

# Hostile units: each repeated to the size wanted, as one document.
HOSTILE = {
    "marks": "ư" + "\u0323\u0301" * 8,  # NFC reorders runs of marks (was quadratic)
    "links": "http://a.b/",  # back-to-back URLs (was quadratic)
    "tags": "<a x ",  # tag openers that never close
    "brackets": "[x](",  # markdown openers that never close
    "entities": "&amp",  # '&' without ';'
    "punctuation": "!?.,;:-",  # one long line, no word
    "name": "Ắt-ta-",  # one name of millions of syllables
}


def normal_text(n_bytes, corpus):
    """The first n_bytes of the corpus, cut at a line end."""
    cut = corpus.rfind(b"\n", 0, n_bytes)
    return corpus[: cut + 1 if cut > 0 else n_bytes].decode("utf-8")


def hostile_text(kind, n_bytes):
    unit = HOSTILE[kind]
    size = len(unit.encode("utf-8"))
    return unit * max(1, n_bytes // size)


def single_calls():
    """name -> (call, prepare): prepare turns the text into the call's argument outside the timing."""

    def keep(text):
        return text

    def utf8_with_an_invalid_byte(text):
        return text.encode("utf-8") + b"\xff"

    def utf8(text):
        return text.encode("utf-8")

    return {
        "decode": (lambda data: mekong.decode(data, "utf-8"), utf8_with_an_invalid_byte),
        "decode windows-1258": (lambda data: mekong.decode(data, "windows-1258"), utf8),
        "normalize": (mekong.normalize, keep),
        "tokenize": (mekong.tokenize, keep),
        "clean": (mekong.clean, keep),
    }


REAL_ARTICLE = dict(clean=True, stop_words="vietnamese", aliases=True, phrases=True)


def corpus_calls():
    def count(docs):
        return mekong.CountVectorizer(**REAL_ARTICLE).fit_transform(docs)

    def tfidf(counts):
        return mekong.TfidfTransformer().fit_transform(counts)

    return {"count (real-article options)": count, "tf-idf (TfidfTransformer)": tfidf}


def timed(fn, arg, repeats):
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        gc.disable()  # as timeit does: the collector's passes are not the call's work
        try:
            t0 = time.perf_counter()
            out = fn(arg)
            best = min(best, time.perf_counter() - t0)
        finally:
            gc.enable()
        del out
    return best


def sizes(max_mb):
    s, out = 1, []
    while s <= max_mb:
        out.append(s)
        s *= 2
    return out


def series(label, fn, make_input, max_mb, repeats, budget):
    rows = []
    for mb in sizes(max_mb):
        arg = make_input(mb * MB)
        t = timed(fn, arg, repeats if mb <= 32 else max(1, repeats - 1))
        del arg
        prev = rows[-1][1] if rows else None
        rows.append((mb, t, None if prev is None or prev <= 0 else t / prev))
        print(f"  {label:<48} {mb:>4} MB  {t:8.3f} s" + (f"  x{rows[-1][2]:.2f}" if rows[-1][2] else ""), flush=True)
        if t > budget:
            break
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--max-mb", type=int, default=64)
    p.add_argument("--repeats", type=int, default=3, help="runs per size up to 32 MB, best kept (one fewer above)")
    p.add_argument("--budget", type=float, default=120.0, help="seconds after which a series stops")
    p.add_argument("--report", help="default: benchmarks/LINEARITY.md (benchmarks/data/LINEARITY-quick.md below 64 MB)")
    p.add_argument("--only", help="comma-separated substrings: run only the series whose label has one")
    p.add_argument("--from-log", help="write the report from the printed output of a run stopped early")
    p.add_argument("--note", default="", help="a sentence added to the report (why a run stopped early)")
    args = p.parse_args(argv)
    if args.from_log:
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(os.path.getmtime(args.from_log)))
        write_report(parse_log(args.from_log), args, f"(log of {stamp})", float("nan"), args.note)
        return

    from generate_corpus import corpus_path, generate

    path = corpus_path(args.max_mb + 1)
    if not path.exists():
        generate(args.max_mb + 1, path)
    corpus = path.read_bytes()

    results = []
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    wall = time.perf_counter()
    jobs = []
    for name, (fn, prep) in single_calls().items():
        jobs.append((f"{name} / normal", fn, lambda n, prep=prep: prep(normal_text(n, corpus))))
        for kind in HOSTILE:
            jobs.append((f"{name} / hostile {kind}", fn, lambda n, kind=kind, prep=prep: prep(hostile_text(kind, n))))
    for name, fn in corpus_calls().items():
        if name.startswith("tf-idf"):  # the counts are made outside the timing
            jobs.append(
                (
                    f"{name} / normal",
                    fn,
                    lambda n: mekong.CountVectorizer().fit_transform(normal_text(n, corpus).splitlines()),
                )
            )
            continue
        jobs.append((f"{name} / normal", fn, lambda n: normal_text(n, corpus).splitlines()))
        if name.startswith("count"):
            for kind in ("marks", "links", "tags", "name"):
                # the hostile run is one document among the normal ones
                jobs.append(
                    (
                        f"{name} / hostile {kind}",
                        fn,
                        lambda n, kind=kind: normal_text(n // 2, corpus).splitlines() + [hostile_text(kind, n // 2)],
                    )
                )
    if args.only:
        wanted = [w.strip() for w in args.only.split(",")]
        jobs = [j for j in jobs if any(w in j[0] for w in wanted)]
    for label, fn, make in jobs:
        results.append((label, series(label, fn, make, args.max_mb, args.repeats, args.budget)))
    wall = time.perf_counter() - wall

    write_report(results, args, started, wall)


def parse_log(path):
    """The series of an earlier run, read back from what it printed (for a run stopped early)."""
    results = {}
    pattern = re.compile(r"^  (.+?)\s+(\d+) MB\s+([0-9.]+) s(?:\s+x([0-9.]+))?$")
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        m = pattern.match(line)
        if m:
            label, mb, t, ratio = m.group(1).strip(), int(m.group(2)), float(m.group(3)), m.group(4)
            results.setdefault(label, []).append((mb, t, float(ratio) if ratio else None))
    return list(results.items())


def write_report(results, args, started, wall, note=""):
    from run import machine_info, versions

    report = (
        Path(args.report)
        if args.report
        else (HERE / "LINEARITY.md" if args.max_mb >= 64 else HERE / "data" / "LINEARITY-quick.md")
    )
    report.parent.mkdir(parents=True, exist_ok=True)
    m, v = machine_info(), versions()
    cols = sizes(args.max_mb)
    lines = (
        [
            "# Linearity of the core calls",
            "",
            f"Made by `python benchmarks/linearity.py{' --max-mb ' + str(args.max_mb) if args.max_mb != 64 else ''}`"
            f" on {started}"
            + (f" ({wall / 60:.1f} min of wall time)" if wall == wall else "")
            + f". Time in seconds (best of {args.repeats} up to 32 MB, of {max(1, args.repeats - 1)} above)"
            " and, in brackets, the ratio to the previous size: linear work keeps it near 2, quadratic near 4.",
            "",
            f"Machine: {m['cpu']}, {m['logical_cpus']} logical CPUs ({m['usable_cpus']} usable), {m['memory']}, "
            f"{m['os']}, {m['python']}; load average when the report was written {tuple(round(x, 2) for x in m['load_average'] or ())}"
            " (the machine is shared: single timings carry noise, the trend across sizes is what to read).",
            "",
            "Versions: " + ", ".join(f"{k} {val}" for k, val in v.items() if k != "sparse_dot_topn") + ".",
            "",
            "Inputs: *normal* is the generated corpus (`generate_corpus.py`); single-text calls get it as one"
            " document, count and tf-idf one document a line. *hostile* is one run repeated to the size: "
            + "; ".join(f"{k} `{ascii(u[:12])}`" for k, u in HOSTILE.items())
            + ". For count, the hostile run is one document of half the size beside normal documents of the other half.",
            "",
        ]
        + ([note, ""] if note else [])
        + [
            "*growth* is the exponent of the whole series, log(t_last / t_first) / log(size_last / size_first),"
            " from the first size taking 0.05 s or more: 1.0 for linear work, 2.0 for quadratic. It is steadier"
            " than any one ratio on a busy machine.",
            "",
            "| call / input | " + " | ".join(f"{c} MB" for c in cols) + " | worst ratio | growth |",
            "| --- | " + " | ".join("---:" for _ in cols) + " | ---: | ---: |",
        ]
    )
    for label, rows in results:
        cells = []
        for c in cols:
            row = next((r for r in rows if r[0] == c), None)
            if row is None:
                cells.append("")
            else:
                cells.append(f"{row[1]:.3f}" + (f" ({row[2]:.2f})" if row[2] else ""))
        # ratios below 0.05 s are timer noise more than work: the worst ratio is taken above that
        ratios = [r[2] for r in rows if r[2] and r[1] >= 0.05]
        worst = f"{max(ratios):.2f}" if ratios else ""
        timed_rows = [r for r in rows if r[1] >= 0.05]
        growth = ""
        if len(timed_rows) >= 2 and timed_rows[-1][0] > timed_rows[0][0]:
            growth = (
                f"{math.log(timed_rows[-1][1] / timed_rows[0][1]) / math.log(timed_rows[-1][0] / timed_rows[0][0]):.2f}"
            )
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {worst} | {growth} |")
    lines += [
        "",
        "The bounds behind these numbers are stated in each stage's header (`cpp/include/mekong/text/*.hpp`).",
        "",
    ]
    report.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {report}")


if __name__ == "__main__":
    main()
