"""Train the word segmenter's model and report its scores on the VTB dev split.

    pip install pyvi                        # its word list (MIT) is the lexicon; not a runtime dependency
    python scripts/train_words.py           # train on train, print dev scores; then train on
                                            # train + dev and write python/mekong/models/words.bin
    python scripts/train_words.py --dev-only   # only the first step (tuning)
    python scripts/train_words.py --dev-only --extra-lexicon FILE   # tuning: pyvi's list plus another
    python scripts/train_words.py --dev-only --left-out Bm2,Skip --min-count 1   # tuning: templates, pruning
    python scripts/train_words.py --dev-only --seeds 5   # the spread over 5 shuffle seeds (the noise floor)

Sources, all named: UD_Vietnamese-VTB train and dev splits (CC BY-SA 4.0; read from
../shared/corpus/vtb or --vtb), and the word list pyvi ships (pyvi/models/words.txt, MIT license). Only
the trained model is written: the lexicon is kept as hashed n-grams, the sentences as feature weights.
Training is deterministic: the same sources give the same file, byte for byte.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VTB = ROOT.parent / "shared" / "corpus" / "vtb"
DEFAULT_OUT = ROOT / "python" / "mekong" / "models" / "words.bin"
EPOCHS = 8  # chosen on dev (see --dev-only); 5 to 16 epochs changed dev F1 by under 0.001
# Feature templates (cpp/include/mekong/text/words.hpp, enum Template) and their bits in the model's
# left-out mask. Chosen on dev by ablation (benchmarks/SEGMENTATION.md): the templates left out each
# changed dev F1 by under 0.001 and cost a hashed lookup per syllable; kCapRun lowered dev F1.
TEMPLATES = {
    "U0": 2, "Um1": 3, "Up1": 4, "Bm1": 5, "Bp1": 6, "Bm2": 7, "T0": 8, "Tm1": 9, "Shape": 10, "LexMask": 11,
    "LexShape": 12, "ShapeU": 13, "UShape": 14, "Skip": 15, "Match": 16, "CapRun": 17, "LexFlags": 20, "Lex4": 21,
}  # fmt: skip
LEFT_OUT = ("Bm2", "T0", "Tm1", "Skip", "Lex4", "CapRun")
MIN_COUNT = 2  # features seen at one training position only are left out (dev F1 0.9624 -> 0.9631)


def left_out_mask(names):
    """The model's left-out mask (WordModel.train's `disabled`) of template names."""
    unknown = [n for n in names if n not in TEMPLATES]
    if unknown:
        sys.exit(f"unknown templates {unknown}; known: {', '.join(TEMPLATES)}")
    return sum(1 << TEMPLATES[n] for n in names)


def read_conllu(path):
    """Sentences of a CoNLL-U file, each a list of word forms (syllables separated by spaces)."""
    sentences, words = [], []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if words:
                sentences.append(words)
            words = []
            continue
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 2 or "-" in cols[0] or "." in cols[0]:  # multiword ranges, empty nodes
            continue
        words.append(cols[1])
    if words:
        sentences.append(words)
    return sentences


def pyvi_lexicon():
    """pyvi's word list (words.txt, one word a line, syllables separated by spaces) and its license."""
    try:
        import pyvi
    except ImportError:
        sys.exit("the lexicon comes from pyvi: pip install pyvi")
    base = Path(pyvi.__file__).resolve().parent
    path = base / "models" / "words.txt"
    if not path.exists():
        sys.exit(f"pyvi's word list is not where expected: {path}")
    words = [w.strip() for w in path.read_text(encoding="utf-8").splitlines() if w.strip()]
    return words, path


def gold_line(words):
    return " ".join(w.replace(" ", "_") for w in words)


def evaluate(model, sentences):
    """Scores of `model` on gold sentences (mekong.phrases.segmentation_scores) and its speed."""
    import mekong
    from mekong.phrases import segmentation_scores

    texts = [" ".join(s) for s in sentences]
    start = time.perf_counter()
    predicted = [" ".join(w.replace(" ", "_") for w in mekong.word_tokenize(t, model=model)) for t in texts]
    seconds = time.perf_counter() - start
    return segmentation_scores([gold_line(s) for s in sentences], predicted), seconds


def train(sentences, lexicon, epochs=EPOCHS, lexicon_from=None, left_out=LEFT_OUT, min_count=MIN_COUNT, seed=None):
    """A model trained as the shipped one is; `seed` (None: the shipped model's) seeds the epochs' shuffle."""
    from mekong import _core

    extra = {} if seed is None else {"seed": seed}
    return _core.WordModel.train(
        sentences,
        lexicon,
        epochs=epochs,
        lexicon_from=lexicon_from,
        disabled=left_out_mask(left_out),
        min_count=min_count,
        **extra,
    )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vtb", default=str(DEFAULT_VTB), help="folder with vi_vtb-ud-{train,dev}.conllu")
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument(
        "--left-out",
        default=",".join(LEFT_OUT),
        help=f"with --dev-only: comma-separated templates to leave out (default {','.join(LEFT_OUT)}; '' for none)",
    )
    ap.add_argument("--min-count", type=int, default=MIN_COUNT, help="with --dev-only: feature-count pruning")
    ap.add_argument("--dev-only", action="store_true", help="train on train, report dev, write nothing")
    ap.add_argument(
        "--extra-lexicon",
        metavar="FILE",
        help="with --dev-only: a word list (one word a line, syllables separated by spaces) added to pyvi's",
    )
    ap.add_argument(
        "--seeds",
        type=int,
        default=1,
        help="with --dev-only: train with N shuffle seeds (the shipped one, then 1 .. N-1) and report the spread",
    )
    args = ap.parse_args(argv)
    if args.seeds < 1:
        ap.error(f"--seeds must be at least 1; got {args.seeds}")
    vtb = Path(args.vtb)
    train_s = read_conllu(vtb / "vi_vtb-ud-train.conllu")
    dev_s = read_conllu(vtb / "vi_vtb-ud-dev.conllu")
    lexicon, lexicon_path = pyvi_lexicon()
    if args.extra_lexicon:
        if not args.dev_only:
            sys.exit("--extra-lexicon is for tuning (--dev-only): the shipped model names its sources")
        extra = [w.strip() for w in Path(args.extra_lexicon).read_text(encoding="utf-8").splitlines() if w.strip()]
        print(f"plus {len(extra)} words from {args.extra_lexicon}")
        lexicon = lexicon + extra
    left_out = tuple(n for n in args.left_out.split(",") if n)
    if not args.dev_only and (left_out != LEFT_OUT or args.min_count != MIN_COUNT or args.seeds != 1):
        sys.exit(
            "--left-out, --min-count and --seeds are for tuning (--dev-only): the shipped model uses the settings above"
        )
    print(f"train {len(train_s)} sentences, dev {len(dev_s)}; lexicon {len(lexicon)} words from {lexicon_path}")
    print(f"left out: {', '.join(left_out) or 'nothing'}; min count {args.min_count}; {args.epochs} epochs")
    f1s = []
    for k in range(args.seeds):
        seed = None if k == 0 else k
        t = time.perf_counter()
        model = train(train_s, lexicon, args.epochs, left_out=left_out, min_count=args.min_count, seed=seed)
        print(
            f"trained on train in {time.perf_counter() - t:.1f}s (seed {'shipped' if seed is None else seed}): "
            f"{model.feature_count} features"
        )
        scores, _ = evaluate(model, dev_s)
        f1s.append(scores["word_f1"])
        print(
            f"dev (model trained on train only): word F1 {scores['word_f1']:.4f}; multi-syllable words "
            f"P {scores['precision']:.4f} R {scores['recall']:.4f} F1 {scores['f1']:.4f}; skipped {scores['skipped']}"
        )
    if len(f1s) > 1:
        print(
            f"dev word F1 over {len(f1s)} seeds: mean {sum(f1s) / len(f1s):.4f}, min {min(f1s):.4f}, max {max(f1s):.4f}"
        )
    if args.dev_only:
        return
    model = train(train_s + dev_s, lexicon, args.epochs, left_out=left_out, min_count=args.min_count)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(model.to_bytes())
    print(f"wrote {out} ({out.stat().st_size:,} bytes, {model.feature_count} features), trained on train + dev")


if __name__ == "__main__":
    main()
