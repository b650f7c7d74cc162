"""What reading dates from the texts costs read_corpus: a folder of articles read with
text_dates=False and text_dates=True, alternately, CPU and wall time.

    python benchmarks/text_dates.py                  # 100,000 files; writes benchmarks/TEXT_DATES.md
    python benchmarks/text_dates.py --docs 20000 --no-report

The articles are the labelled corpora's (those benchmarks/stories.py measures), cycled, each
copy under a publication stamp of its own day in one of several outlets' styles and with a paragraph
of its own, so that every file is distinct; the files are written once to a temporary folder (not
timed). Each round reads the whole folder both ways, in alternating order; the report gives every
round and the median ratio of CPU time (time.process_time), the least disturbed by other work on a
shared machine, and of wall time, with the load average before and after.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import mekong

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stories import HOLDOUTS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STAMPS = (
    "Thứ hai, {d:%d/%m/%Y}, 08:30 (GMT+7)",
    "{d:%d/%m/%Y} 10:15 GMT+7",
    "Cập nhật: {d:%d-%m-%Y}",
    "{d:%B %d, %Y} | 04:20 pm GMT+7",
    "",  # no stamp: the lead's day decides
)


def articles():
    # The labelled sets stories.py measures, not every events* folder: a held-out set not yet
    # measured is read by nothing in benchmarks/.
    names = ("events", "events-holdout", *HOLDOUTS)
    out = []
    for folder in [ROOT / "benchmarks" / n for n in names] + [ROOT / "tests" / "data" / "stories-check"]:
        out += [f.read_text(encoding="utf-8") for f in sorted(folder.rglob("*.txt"))]
    return out


def write_folder(folder, n):
    base = articles()
    day0 = datetime.date(2024, 1, 1)
    chars = 0
    for i in range(n):
        text = base[i % len(base)]
        title, _, body = text.partition("\n")
        stamp = STAMPS[i % len(STAMPS)].format(d=day0 + datetime.timedelta(days=i % 700))
        page = f"{title}\n\n{stamp}\n\n{body}\n\nBài số {i}, mã {i * 7919 % 100003}.\n"
        (folder / f"{i:06d}.txt").write_text(page, encoding="utf-8")
        chars += len(page)
    return chars


def timed(folder, text_dates):
    c0, t0 = time.process_time(), time.perf_counter()
    texts, frame = mekong.read_corpus(folder, text_dates=text_dates)
    return time.process_time() - c0, time.perf_counter() - t0, frame


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-report", action="store_true")
    ap.add_argument("--report", default=str(ROOT / "benchmarks" / "TEXT_DATES.md"))
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mekong-dates-") as tmp:
        folder = Path(tmp)
        chars = write_folder(folder, args.docs)
        load0 = os.getloadavg()[0]
        rounds = []
        for r in range(args.rounds):
            order = (False, True) if r % 2 == 0 else (True, False)
            got = {flag: timed(folder, flag) for flag in order}
            rounds.append((got[False][:2], got[True][:2]))
            frame = got[True][2]
            print(
                f"round {r + 1}: without dates {got[False][0]:.2f} s CPU / {got[False][1]:.2f} s wall, "
                f"with dates {got[True][0]:.2f} s CPU / {got[True][1]:.2f} s wall",
                flush=True,
            )
        load1 = os.getloadavg()[0]
    dated = int(frame["date"].notna().sum())
    cpu_ratio = statistics.median(w[0] / wo[0] for wo, w in rounds)
    wall_ratio = statistics.median(w[1] / wo[1] for wo, w in rounds)
    extra_cpu = statistics.median(w[0] - wo[0] for wo, w in rounds)
    print(f"CPU ratio {cpu_ratio:.2f}, wall ratio {wall_ratio:.2f}, {dated} of {args.docs} dated")
    if args.no_report:
        return 0
    import numpy
    import scipy

    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    except OSError:
        pass
    lines = [
        "# read_corpus with dates read from the texts",
        "",
        "Written by `python benchmarks/text_dates.py` (the method is in its docstring).",
        "",
        f"Machine: {cpu}, {os.cpu_count()} cores; load average {load0:.2f} before, {load1:.2f} after; "
        f"Python {platform.python_version()}, NumPy {numpy.__version__}, SciPy {scipy.__version__}, "
        f"mekong {mekong.__version__}.",
        "",
        f"{args.docs:,} files, {chars / 1e6:.0f} million characters; {dated:,} dated from their texts.",
        "",
        "| round | text_dates=False: CPU s | wall s | text_dates=True: CPU s | wall s |",
        "|---|---|---|---|---|",
    ]
    for r, (wo, w) in enumerate(rounds, 1):
        lines.append(f"| {r} | {wo[0]:.2f} | {wo[1]:.2f} | {w[0]:.2f} | {w[1]:.2f} |")
    lines += [
        "",
        f"Median ratio with / without: **{cpu_ratio:.2f}x CPU**, {wall_ratio:.2f}x wall; the dates cost "
        f"{extra_cpu:.2f} s of CPU for {args.docs:,} files ({extra_cpu / args.docs * 1e6:.0f} µs a file).",
        "",
    ]
    Path(args.report).write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
