"""Errors of the word segmenter on VTB dev, by kind (model trained on train only).

    python benchmarks/segmentation_errors.py              # the table of error kinds, with examples
    python benchmarks/segmentation_errors.py --examples 20

A gold word the model missed is a false negative, a predicted word that is not a gold word a false
positive (word spans over syllables, as mekong.phrases.segmentation_scores counts them). Each error
goes to the first kind that fits, in the order of KINDS. Reads ../shared/corpus/vtb and pyvi's word
list at run time (nothing of either is written).
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import train_words  # noqa: E402

KINDS = [
    ("numbers and codes (a syllable with a digit or symbol)", "number"),
    ("names: every syllable capitalised", "name"),
    ("partly capitalised (a capital and a lower-case syllable)", "partcap"),
    ("a syllable seen neither in train nor in pyvi's list (foreign, rare)", "unseen"),
    ("reduplication (syllables alike: same syllable, same onset or same rhyme)", "redup"),
    ("the word is in train (as a word), the model chose otherwise: ambiguity", "seen"),
    ("the word is in pyvi's list only (not in train)", "lexonly"),
    ("the word is in neither train nor pyvi's list (compound, Sino-Vietnamese, VTB convention)", "neither"),
]

_ONSET = re.compile(r"^(ngh|nh|ng|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?", re.IGNORECASE)


def _strip_tone(s):
    import unicodedata

    d = unicodedata.normalize("NFD", s.lower())
    d = "".join(c for c in d if c not in "\u0300\u0301\u0303\u0309\u0323")
    return unicodedata.normalize("NFC", d)


def _alike(a, b):
    a, b = _strip_tone(a), _strip_tone(b)
    if a == b:
        return True
    oa, ob = _ONSET.match(a).group(0), _ONSET.match(b).group(0)
    if oa and oa == ob:
        return True
    return len(a) > len(oa) and a[len(oa) :] == b[len(ob) :]


def kind_of(word, train_words_set, lexicon, known):
    syl = word.split()
    if any(re.search(r"[\d\W_]", s) for s in syl):
        return "number"
    caps = [s[:1].isupper() for s in syl]
    if all(caps):
        return "name"
    if any(caps):
        return "partcap"
    if any(s.lower() not in known for s in syl):
        return "unseen"
    if len(syl) == 2 and _alike(*syl):
        return "redup"
    low = word.lower()
    if low in train_words_set:
        return "seen"
    if low in lexicon:
        return "lexonly"
    return "neither"


def spans(words):
    out, k = [], 0
    for w in words:
        n = len(w.split())
        out.append((k, k + n, w))
        k += n
    return out, k


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vtb", default=str(train_words.DEFAULT_VTB))
    ap.add_argument("--examples", type=int, default=6, help="examples printed per kind")
    ap.add_argument("--model", help="a model file to score instead of one trained on train now")
    args = ap.parse_args(argv)
    import mekong

    vtb = Path(args.vtb)
    train_s = train_words.read_conllu(vtb / "vi_vtb-ud-train.conllu")
    dev_s = train_words.read_conllu(vtb / "vi_vtb-ud-dev.conllu")
    lexicon_list, _ = train_words.pyvi_lexicon()
    model = args.model or train_words.train(train_s, lexicon_list)
    lexicon = {w.lower() for w in lexicon_list}
    train_set = {w.lower() for s in train_s for w in s}
    known = {s.lower() for w in lexicon for s in w.split()} | {s.lower() for w in train_set for s in w.split()}
    fn, fp = collections.Counter(), collections.Counter()
    ex_fn, ex_fp = collections.defaultdict(list), collections.defaultdict(list)
    total = 0
    for sent in dev_s:
        gold = [w for w in sent if any(c.isalnum() for c in w)]
        pred = [w for w in mekong.word_tokenize(" ".join(sent), model=model) if any(c.isalnum() for c in w)]
        g, ng = spans(gold)
        p, npred = spans(pred)
        if ng != npred:
            continue
        total += len(g)
        gs, ps = {(a, b) for a, b, _ in g}, {(a, b) for a, b, _ in p}
        for a, b, w in g:
            if (a, b) not in ps:
                k = kind_of(w, train_set, lexicon, known)
                fn[k] += 1
                ctx = " ".join(x[2].replace(" ", "_") for x in p if x[1] > a and x[0] < b)
                ex_fn[k].append(f"{w.replace(' ', '_')} -> {ctx}")
        for a, b, w in p:
            if (a, b) not in gs:
                k = kind_of(w, train_set, lexicon, known)
                fp[k] += 1
                ctx = " ".join(x[2].replace(" ", "_") for x in g if x[1] > a and x[0] < b)
                ex_fp[k].append(f"{w.replace(' ', '_')} (gold {ctx})")
    print(f"dev gold words {total}; missed {sum(fn.values())}, wrong {sum(fp.values())}\n")
    print("| kind | missed gold words | wrong predicted words |")
    print("|---|---|---|")
    for label, k in KINDS:
        print(f"| {label} | {fn[k]} | {fp[k]} |")
    print(f"| total | {sum(fn.values())} | {sum(fp.values())} |")
    if args.examples:
        for label, k in KINDS:
            print(f"\n## {label}")
            print("  missed:", "; ".join(ex_fn[k][: args.examples]))
            print("  wrong: ", "; ".join(ex_fp[k][: args.examples]))


if __name__ == "__main__":
    main()
