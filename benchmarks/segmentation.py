"""Word segmentation: mekong's segmenter against pyvi and underthesea, accuracy and speed, one run.

    pip install pyvi underthesea               # the peers (not runtime dependencies of mekong)
    python benchmarks/segmentation.py          # writes benchmarks/SEGMENTATION.md

Accuracy on two gold sets, scored alike (mekong.phrases.segmentation_scores: word spans over
syllables, punctuation ignored): the UD_Vietnamese-VTB dev split (../shared/corpus/vtb, skipped when
absent; the shipped model was trained on train + dev, so the dev row uses a model retrained here on
train only, with the same lexicon) and the project's own gold set of news the model never saw
(mekong/datasets/segmentation/gold.txt). mekong.Phrases (unsupervised collocations over syllables) is
listed for reference.

Speed is syllables per second on one thread over the gold corpus repeated to at least 200,000
syllables: mekong.word_tokenize is given the corpus as a list (one core call), the peers are called
once per sentence, as their API works; mekong's rate is also given per CPU-second (robust to a loaded
machine). When build/cpp-release/libmekong_core.a exists (or --core-lib), benchmarks/words_driver.cpp is
compiled against it and times the word stage alone in C++, in thread CPU time. The last table compares
counting with words on and off (CountVectorizer.fit_transform, n_jobs=1) over the same corpus of
sentences.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import mekong
from mekong import _core
from mekong._options import WORD_MODEL_PATH
from mekong.phrases import segmentation_scores

HERE = Path(__file__).resolve().parent
VTB = HERE.parent.parent / "shared" / "corpus" / "vtb"
sys.path.insert(0, str(HERE.parent / "scripts"))


def peers():
    """(name, version, segment one sentence -> line with "_" joins), for the peers installed."""
    try:
        import pyvi
        from pyvi import ViTokenizer

        yield "pyvi", getattr(pyvi, "__version__", None) or _dist_version("pyvi"), ViTokenizer.tokenize
    except ImportError:
        print("pyvi is not installed: pip install pyvi", file=sys.stderr)
    try:
        import underthesea
        from underthesea import word_tokenize

        yield "underthesea", getattr(underthesea, "__version__", "?"), lambda s: word_tokenize(s, format="text")
    except ImportError:
        print("underthesea is not installed: pip install underthesea", file=sys.stderr)


def _dist_version(name):
    from importlib.metadata import version

    try:
        return version(name)
    except Exception:
        return "?"


def best_of(fn, repeats=3):
    """Best wall time and best CPU time (the process's, all threads) of `repeats` runs."""
    wall, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return min(wall), min(cpu)


def driver_speed(core_lib, text_path):
    """The word stage alone, from C++ (benchmarks/words_driver.cpp, compiled here against `core_lib`):
    a dict of the driver's figures, or None when the library or a compiler is missing."""
    import re
    import shutil
    import subprocess
    import tempfile

    cxx = shutil.which("c++") or shutil.which("g++")
    if not (cxx and Path(core_lib).is_file()):
        print(f"C++ driver skipped: no compiler or no {core_lib} (build it with cmake first)", file=sys.stderr)
        return None
    exe = Path(tempfile.mkdtemp()) / "wordsdriver"
    root = HERE.parent
    subprocess.run(
        [cxx, "-O2", "-std=c++20", f"-I{root / 'cpp' / 'include'}", str(HERE / "words_driver.cpp"), str(core_lib)]
        + ["-o", str(exe), "-licui18n", "-licuuc", "-licudata", "-lpthread"],
        check=True,
    )
    runs = []
    for _ in range(3):  # median of three runs of best-of-five
        out = subprocess.run(
            [str(exe), str(WORD_MODEL_PATH), str(text_path), "200000"], check=True, capture_output=True, text=True
        ).stdout
        if "MISMATCH" in out:
            raise SystemExit("words_driver: the cached and the reference path begin different words\n" + out)
        r = {m[0]: float(m[1]) for m in re.findall(r"^(.*?): (\d+) syllables/s", out, re.MULTILINE)}
        # The same stage on the kept reference path (WordSegmenter::set_reference), timed interleaved.
        r["word stage alone (reference path)"] = float(re.search(r"ns a syllable \(reference path (\d+)", out)[1])
        runs.append(r)
    return {k: sorted(r[k] for r in runs)[1] for k in runs[0]}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(HERE / "SEGMENTATION.md"))
    ap.add_argument("--min-syllables", type=int, default=200_000)
    ap.add_argument(
        "--core-lib",
        default=str(HERE.parent / "build" / "cpp-release" / "libmekong_core.a"),
        help="static core library for the C++ driver of the word stage (skipped when absent)",
    )
    args = ap.parse_args(argv)

    gold = mekong.datasets.SEGMENTATION_GOLD.read_text(encoding="utf-8").splitlines()
    gold_plain = [line.replace("_", " ") for line in gold]
    sets = [("own gold set (unseen news)", gold, gold_plain, None)]
    if (VTB / "vi_vtb-ud-dev.conllu").is_file():
        from train_words import read_conllu

        dev = read_conllu(VTB / "vi_vtb-ud-dev.conllu")
        from train_words import train

        # The shipped model's settings (scripts/train_words.py: epochs, templates, pruning) and lexicon.
        train_only = train(
            read_conllu(VTB / "vi_vtb-ud-train.conllu"), [], lexicon_from=_core.WordModel.load(str(WORD_MODEL_PATH))
        )
        sets.insert(
            0,
            (
                "VTB dev",
                [" ".join(w.replace(" ", "_") for w in s) for s in dev],
                [" ".join(s) for s in dev],
                train_only,
            ),
        )
    segmenters = [("mekong.word_tokenize", mekong.__version__, None)] + list(peers())
    phrases = mekong.Phrases(words=False).fit(mekong.datasets.load_sample().texts + gold_plain)

    accuracy = []
    for set_name, gold_lines, plain, model in sets:
        for name, version, segment in segmenters:
            if segment is None:
                pred = mekong.word_tokenize(plain, format="text", model=model)
                label = name + (" (trained on train only)" if model is not None else " (shipped model)")
            else:
                pred = [segment(s) for s in plain]
                label = name
            s = segmentation_scores(gold_lines, pred)
            accuracy.append((set_name, label, version, s))
            print(
                f"{set_name:28s} {label:48s} word F1 {s['word_f1']:.4f}  multi P {s['precision']:.3f} "
                f"R {s['recall']:.3f} F1 {s['f1']:.3f} skipped {s['skipped']}"
            )
        pred = [" ".join(phrases.transform_text(t, words=False)) for t in plain]
        s = segmentation_scores(gold_lines, pred)
        accuracy.append((set_name, "mekong.Phrases (unsupervised, syllables)", mekong.__version__, s))

    # Speed: the gold sentences repeated.
    syllables_once = sum(len(mekong.tokenize(s, words=False)) for s in gold_plain)
    reps = max(1, -(-args.min_syllables // syllables_once))
    corpus = gold_plain * reps
    n_syll = syllables_once * reps
    speed = []
    load_start = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    mekong.word_tokenize(corpus[:10])  # model loaded
    # Rates per wall second and per CPU-second of the process (all its threads): the second is the
    # per-thread rate whatever else the machine runs meanwhile, and fair to every segmenter alike.
    t, c = best_of(lambda: mekong.word_tokenize(corpus))
    speed.append(("mekong.word_tokenize (corpus as a list)", n_syll / t, n_syll / c))
    t, c = best_of(lambda: [mekong.word_tokenize(s) for s in corpus[: len(corpus) // 4]])
    speed.append(("mekong.word_tokenize (one call per sentence)", n_syll / 4 / t, n_syll / 4 / c))
    for name, _, segment in segmenters[1:]:
        segment(corpus[0])
        part = corpus[: max(1, len(corpus) // (10 if name == "pyvi" else 40))]
        t, c = best_of(lambda segment=segment, part=part: [segment(s) for s in part], repeats=1)
        share = n_syll * len(part) / len(corpus)
        speed.append((name, share / t, share / c))
    for name, v, vc in speed:
        print(f"{name:48s} {v:,.0f} syllables/s, {vc:,.0f} per CPU-second")
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write("\n".join(gold_plain) + "\n")
    driver = driver_speed(args.core_lib, f.name)
    os.unlink(f.name)
    if driver:
        print("C++ driver:", driver)
    # The repeated gold set is kind to any memo; the VTB sentences (about 60,000 syllables, once each
    # per pass) are real text with their own vocabulary.
    driver_vtb = None
    if driver and len(sets) > 1:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
            for name in ("vi_vtb-ud-train.conllu", "vi_vtb-ud-dev.conllu"):
                for line in (VTB / name).read_text(encoding="utf-8").splitlines():
                    if line.startswith("# text = "):
                        f.write(line[len("# text = ") :] + "\n")
        driver_vtb = driver_speed(args.core_lib, f.name)
        os.unlink(f.name)
        print("C++ driver, VTB sentences:", driver_vtb)

    # Interleaved (words, syllables, words, ...) so that a change in the machine's load hits both alike.
    walls = {True: [], False: []}
    cpus = {True: [], False: []}
    for _ in range(5):
        for words in (True, False):
            w, c = best_of(lambda words=words: mekong.CountVectorizer(words=words).fit_transform(corpus), repeats=1)
            walls[words].append(w)
            cpus[words].append(c)
    count_words, count_syll = min(walls[True]), min(walls[False])
    cpu_words, cpu_syll = min(cpus[True]), min(cpus[False])
    print(
        f"count with words {count_words:.3f}s ({cpu_words:.3f} CPU-s), syllables {count_syll:.3f}s "
        f"({cpu_syll:.3f} CPU-s): ratio {count_words / count_syll:.2f} wall, {cpu_words / cpu_syll:.2f} CPU"
    )

    try:
        load = os.getloadavg()
    except OSError:
        load = ("?",) * 3
    versions = ", ".join(f"{n} {v}" for n, v, _ in segmenters)
    lines = [
        "# Word segmentation: accuracy and speed",
        "",
        f"Generated by `python benchmarks/segmentation.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, load average "
        f"{load[0]:.2f} at the end (other processes shared the machine), Python {platform.python_version()}; "
        f"{versions}.",
        "",
        "Scores: `mekong.phrases.segmentation_scores`, word spans over syllables, punctuation ignored. "
        "Word F1 counts every word; P, R and F1 count multi-syllable words only. The shipped model is "
        "trained on VTB train + dev, so on VTB dev mekong is scored with a model trained on train only "
        "(same lexicon); the own gold set is news no model here was trained on.",
        "",
        "| gold set | segmenter | version | word F1 | P (multi) | R (multi) | F1 (multi) | skipped |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for set_name, label, version, s in accuracy:
        lines.append(
            f"| {set_name} | {label} | {version} | {s['word_f1']:.4f} | {s['precision']:.3f} | "
            f"{s['recall']:.3f} | {s['f1']:.3f} | {s['skipped']} |"
        )
    lines += [
        "",
        f"Speed, one thread: the {len(gold_plain)} gold sentences repeated {reps} times ({n_syll:,} syllables); "
        "peers on a slice of it (their speed does not depend on the slice).",
        "",
        "| segmenter | syllables/s (wall) | vs mekong (corpus) | syllables per CPU-second | vs mekong (corpus) |",
        "|---|---|---|---|---|",
    ]
    base, base_cpu = speed[0][1], speed[0][2]
    for name, v, vc in speed:
        lines.append(f"| {name} | {v:,.0f} | {base / v:.1f}x | {vc:,.0f} | {base_cpu / vc:.1f}x |")
    lines += [
        "",
        f"Load average {load_start:.2f} when the speed runs began. CPU-seconds are the process's (all its "
        "threads), so a rate per CPU-second is the rate of one thread, whatever else the machine runs.",
    ]
    if driver:
        lines += [
            "",
            "The word stage by itself, from C++ (`benchmarks/words_driver.cpp`, compiled against "
            f"`{Path(args.core_lib).relative_to(HERE.parent) if Path(args.core_lib).is_relative_to(HERE.parent) else args.core_lib}`, "
            "thread CPU time, median of three best-of-five runs over the same corpus): "
            f"syllable segmenter alone {driver['segmenter alone']:,.0f} syllables/s, segmenter + words "
            f"{driver['segmenter + words']:,.0f}, the word stage alone (words.cpp: features, lexicon, Viterbi) "
            f"{driver['word stage alone']:,.0f} syllables/s; on its kept reference path (the decoder before this one, "
            f"timed interleaved with it) {driver['word stage alone (reference path)']:,.0f} syllables/s, "
            f"so the current path is {driver['word stage alone'] / driver['word stage alone (reference path)']:.2f}x "
            "the reference. The rest of `word_tokenize`'s time is the analyzer's pass and making Python strings "
            "and lists.",
        ]
    if driver_vtb:
        lines += [
            "",
            "The same driver over the VTB train and dev sentences (real text, each sentence once per pass, "
            "repeated to 200,000 syllables): the word stage alone "
            f"{driver_vtb['word stage alone']:,.0f} syllables/s, reference path "
            f"{driver_vtb['word stage alone (reference path)']:,.0f}: "
            f"{driver_vtb['word stage alone'] / driver_vtb['word stage alone (reference path)']:.2f}x.",
        ]
    lines += [
        "",
        f"Counting the same corpus (`CountVectorizer().fit_transform`, n_jobs=1, best of 5 runs interleaved "
        f"words on / off): words on {count_words:.3f} s wall ({cpu_words:.3f} CPU-s), syllables {count_syll:.3f} s "
        f"({cpu_syll:.3f} CPU-s); ratio {count_words / count_syll:.2f} wall, {cpu_words / cpu_syll:.2f} CPU.",
    ]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("wrote", args.out)


if __name__ == "__main__":
    main()
