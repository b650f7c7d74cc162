"""What `import mekong` costs: time (wall and CPU) and address space, against the same import with
scikit-learn's `sklearn.base` loaded too (what every `import mekong` paid while mekong._base imported
it). Fresh interpreters, run in interleaved pairs so that a busy machine slows both alike; the
ratio is taken pair by pair. Writes benchmarks/IMPORT.md.

    python benchmarks/import_time.py [--runs 9] [--report benchmarks/IMPORT.md]

Run it where mekong is installed (a build, not the source tree).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

PROBE = r"""
import json, sys, time
w, c = time.perf_counter(), time.process_time()
{imports}
w, c = time.perf_counter() - w, time.process_time() - c
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
kb = lambda k: int(status[k].split()[0])
print(json.dumps(dict(wall=w, cpu=c, vmsize=kb("VmSize"), rss=kb("VmRSS"),
                      modules=[m for m in ("sklearn", "scipy.stats", "pandas", "pyarrow") if m in sys.modules])))
"""

CASES = {
    "import mekong": "import mekong",
    "import sklearn.base, mekong (the old cost)": "import sklearn.base\nimport mekong",
}


def probe(imports):
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(imports=imports)], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)


def versions():
    out = {"python": platform.python_version()}
    for name in ("mekong", "numpy", "scipy", "sklearn", "pandas", "pyarrow"):
        code = f"import {name}; print({name}.__version__)"
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        out[name] = r.stdout.strip() if r.returncode == 0 else "absent"
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--report", default=str(Path(__file__).with_name("IMPORT.md")))
    args = ap.parse_args()
    load_before = os.getloadavg()
    probe("import mekong")  # warm the file cache
    runs = {name: [] for name in CASES}
    for _ in range(args.runs):
        for name, imports in CASES.items():
            runs[name].append(probe(imports))
    load_after = os.getloadavg()
    new, old = (runs[name] for name in CASES)
    med = {
        name: {k: statistics.median(r[k] for r in rs) for k in ("wall", "cpu", "vmsize", "rss")}
        for name, rs in runs.items()
    }
    ratio_wall = statistics.median(o["wall"] / n["wall"] for n, o in zip(new, old))
    ratio_cpu = statistics.median(o["cpu"] / n["cpu"] for n, o in zip(new, old))
    cpu = "unknown"
    with contextlib.suppress(OSError, StopIteration):
        text = Path("/proc/cpuinfo").read_text()
        cpu = next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("model name"))
    lines = [
        "# `import mekong`: time and address space",
        "",
        f"Command: `python benchmarks/import_time.py --runs {args.runs}` (fresh interpreters, the two cases in",
        "interleaved pairs; the figures are each case's median; ratios are medians of the pair-by-pair ratios).",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs ({cpu}); load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after (1 min).",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()) + ".",
        "",
        "| case | wall (s) | CPU (s) | address space (MB) | resident (MB) | modules loaded |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, rs in runs.items():
        m = med[name]
        lines.append(
            f"| `{name}` | {m['wall']:.3f} | {m['cpu']:.3f} | {m['vmsize'] / 1024:.0f} | {m['rss'] / 1024:.0f} | "
            f"{', '.join(rs[0]['modules']) or 'none of sklearn, scipy.stats, pandas, pyarrow'} |"
        )
    lines += [
        "",
        f"The old cost over the new: {ratio_wall:.2f}x wall, {ratio_cpu:.2f}x CPU (pair by pair).",
        "",
    ]
    Path(args.report).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
