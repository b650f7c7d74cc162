"""CPU and wall seconds of plain counting from Python: ``CountVectorizer(words=False, n_jobs=N)
.fit_transform(list_of_str)``, best of REPEATS, for comparing two builds pair by pair (run it with
each build's Python in turn; benchmarks/PROFILE.md, round 9, gives the loop).

    python benchmarks/plain_count_cpu.py CORPUS N_JOBS [REPEATS]

CORPUS: one document a line, or documents separated by U+001E when the file holds any (articles).
Prints ``cpu S wall S nnz N`` (the non-zeros tell two builds' matrices apart at a glance).
"""

import sys
import time

import mekong


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    path, n_jobs = argv[0], int(argv[1])
    repeats = int(argv[2]) if len(argv) > 2 else 5
    with open(path, encoding="utf-8") as f:
        text = f.read()
    docs = text.split("\x1e") if "\x1e" in text else text.split("\n")
    best_cpu = best_wall = float("inf")
    nnz = 0
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        X = mekong.CountVectorizer(words=False, n_jobs=n_jobs).fit_transform(docs)
        best_cpu = min(best_cpu, time.process_time() - c0)
        best_wall = min(best_wall, time.perf_counter() - w0)
        nnz = X.nnz
    print(f"cpu {best_cpu:.4f} wall {best_wall:.4f} nnz {nnz}")


if __name__ == "__main__":
    main()
