"""Feature ideas for the word segmenter, tried in seconds on VTB dev: a slow Python twin of the model.

    python benchmarks/segmentation_ablation.py base init tlex5 jk5 pyvi cls bmes drop:bm+bp:0.25
    python benchmarks/segmentation_ablation.py --seeds 3 base init      # each spec over 3 shuffle seeds

An averaged perceptron over B/I tags with first-order Viterbi, trained on VTB train and scored on dev
(word spans of the alphanumeric stretches), with features close to the shipped model's (syllable
unigrams and the two bigrams with s[i], shapes, lexicon flags of 2- and 3-syllable words of pyvi's list,
the longest-match template, features seen once pruned, 8 epochs). It is not the core's model (its
canonical form has no tone-placement folding, and it scores about 0.0025 below the core on dev): use it
to compare ideas with each other, then confirm a winner in the core (scripts/train_words.py --seeds).
Each spec is "base" or options joined by commas:

  init         a sentence's first syllable, capitalised and known in lower case, has a shape of its own
  lexu / lexu2 / lexpair   lexicon flags x s[i], s[i-1] / x s[i+1] / x the pair s[i-1]s[i]
  mlen         lengths of the longest lexicon words ending before and starting at i (and x s[i])
  um2 / bp2 / t0 / bm2     s[i-2] and s[i+2] / s[i+1]s[i+2] / the trigram s[i-1..i+1] / s[i-2]s[i-1]
  tlexK        a second lexicon of the training words (2-4 syllables), jackknifed over K folds
  jkK          bigram features of a training sentence fire only when other folds (of K) have them
  pyvi         pyvi's CRF (pyvi3.pkl, MIT): its per-syllable weights for B as s[i], s[i-1], s[i+1], bucketed
  pmi          pair count and NPMI buckets over unlabelled text (the project's article corpora and seeds)
  cls          syllable classes (k-means, K=64, over left/right neighbour counts in unlabelled text)
  drop:T+T:P   feature dropout in training: templates T (bm, bp, u0, ...) left out with probability P
  bag          the average of the seeds' weights, one model (with --seeds)
  bmes         four tags (B, M, E, S), a weight per tag and feature, first-order transitions
  o2           second-order tag transitions (a weight per tag triple) over B/I
  mcN / epN    pruning threshold / epochs

Environment: UNL_DEV=1 adds the dev split's text (never its words) to the unlabelled text; UNL_TRAIN=0
leaves the train split's text out of it. Reads ../shared/corpus/vtb, pyvi's word list and model.
"""

import collections
import glob
import math
import os
import random
import re
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import train_words as tw  # noqa: E402

VTB = tw.DEFAULT_VTB
train_s = tw.read_conllu(VTB / "vi_vtb-ud-train.conllu")
dev_s = tw.read_conllu(VTB / "vi_vtb-ud-dev.conllu")
lex_words, _ = tw.pyvi_lexicon()


def canon(s):
    return unicodedata.normalize("NFC", s.lower())


LEX = {}
for w in lex_words:
    syl = tuple(canon(x) for x in w.split())
    if 2 <= len(syl) <= 4:
        LEX[syl] = 1
LEXSYL = {canon(x) for w in lex_words for x in w.split()}
TRAINSYL = {canon(x) for s in train_s for w in s for x in w.split()}
KNOWN = LEXSYL | TRAINSYL


def shape(t):
    if re.fullmatch(r"\d+", t):
        return "N"
    if re.search(r"[\d\W_]", t):
        return "C"
    if t.islower():
        return "L" if canon(t) in KNOWN else "X"
    if t[0].isupper() and t[1:].islower() or len(t) == 1:
        return "T"
    if t.isupper():
        return "U"
    return "C"


def stretches(sent):
    """Yields (syllables, gold begins, sentence start) over alnum stretches."""
    cur, gold = [], []
    first = True
    for w in sent:
        syl = w.split()
        if not any(c.isalnum() for c in w):
            if cur:
                yield cur, gold, first
                first = False
            cur, gold = [], []
            first = first or w in (".", "!", "?", "...")
            continue
        for k, s in enumerate(syl):
            cur.append(s)
            gold.append(k == 0)
    if cur:
        yield cur, gold, first


INIT = [False]
TLEX = [None]  # the training-word lexicon in force (a Counter of syllable tuples), or None


def tlex_of(sents):
    c = collections.Counter()
    for s_ in sents:
        for w in s_:
            syl = tuple(canon(x) for x in w.split())
            if 2 <= len(syl) <= 4:
                c[syl] += 1
    return c


def prep(sy, first=False):
    n = len(sy)
    c = [canon(s) for s in sy]
    sh = [shape(s) for s in sy]
    if INIT[0] and first and sh[0] == "T" and c[0] in KNOWN:
        sh[0] = os.environ.get("INITSH", "I")
    ls = [0] * n  # bit len-2
    for k in range(n):
        for L in (2, 3, 4):
            if k + L <= n and tuple(c[k : k + L]) in LEX:
                ls[k] |= 1 << (L - 2)
    tl = [0] * n
    if TLEX[0] is not None:
        for k in range(n):
            for L in (2, 3, 4):
                if k + L <= n and tuple(c[k : k + L]) in TLEX[0]:
                    tl[k] |= 1 << (L - 2)
    # longest match
    fw = [0] * n
    k = 0
    while k < n:
        fw[k] = 1
        L = 4 if ls[k] & 4 else 3 if ls[k] & 2 else 2 if ls[k] & 1 else 1
        k += L
    bw = [0] * n
    e = n
    while e > 0:
        L = 1
        for LL in (4, 3, 2):
            if e - LL >= 0 and ls[e - LL] >> (LL - 2) & 1:
                L = LL
                break
        bw[e - L] = 1
        e -= L
    allowed = [3] * n
    allowed[0] = 1
    for i in range(n):
        if sh[i] not in "LTUI":
            allowed[i] = 1
            if i + 1 < n:
                allowed[i + 1] = 1
    return c, sh, (ls, tl), fw, bw, allowed


UNL_FILES = []
for pat in [
    ROOT / "benchmarks" / "events*" / "articles" / "*.txt",
    ROOT / "python" / "mekong" / "datasets" / "sample" / "*.txt",
    ROOT.parent / "shared" / "corpus" / "seeds" / "*.txt",
]:
    UNL_FILES += sorted(glob.glob(str(pat)))
UC1, UC2 = collections.Counter(), collections.Counter()


def _unl_lines():
    for f in UNL_FILES:
        yield from Path(f).read_text(encoding="utf-8").splitlines()
    if os.environ.get("UNL_TRAIN", "1") == "1":
        for s in train_s:
            yield " ".join(s)
    if os.environ.get("UNL_DEV") == "1":
        for s in dev_s:
            yield " ".join(s)


UN = [0]


def count_unlabelled():
    for line in _unl_lines():
        for chunk in re.split(r"[^\w\s]+|\d+", unicodedata.normalize("NFC", line)):
            toks = [canon(t) for t in chunk.split()]
            for t in toks:
                UC1[t] += 1
            for a, b in zip(toks, toks[1:]):
                UC2[a, b] += 1
    UN[0] = sum(UC1.values())
    print("unlabelled syllables", UN[0], "files", len(UNL_FILES), file=sys.stderr)


def pmi_bucket(a, b):
    n = UC2.get((a, b), 0)
    if n == 0:
        return "0"
    cb = min(int(math.log2(n)), 4)
    p = n / UN[0]
    npmi = math.log(p / (UC1[a] / UN[0] * UC1[b] / UN[0])) / -math.log(p)
    return f"{cb}_{int(max(npmi, 0) * 5)}"


PV = {}


def load_pyvi_crf():
    """pyvi's CRF state weights for B_W by attribute (its crfsuite dump; the estimator's parser fails on it)."""
    import pickle
    import tempfile

    import pyvi

    with open(Path(pyvi.__file__).parent / "models" / "pyvi3.pkl", "rb") as f:
        crf = pickle.load(f)
    with tempfile.TemporaryDirectory() as d:
        crf.tagger_.dump(str(Path(d) / "dump.txt"))
        for line in (Path(d) / "dump.txt").read_text(encoding="utf-8").splitlines():
            m_ = re.match(r"\s*\(0\) (.*) --> B_W: (\S+)$", line)
            if m_:
                PV[m_.group(1)] = float(m_.group(2))


def pvb(x):
    return "n" if x is None else str(max(-3, min(3, round(x))))


CLS = {}


def build_classes(k=64, top=300, minf=3):
    import numpy as np
    from sklearn.cluster import KMeans

    left, right = collections.defaultdict(collections.Counter), collections.defaultdict(collections.Counter)
    for line in _unl_lines():
        for chunk in re.split(r"[^\w\s]+|\d+", unicodedata.normalize("NFC", line)):
            toks = ["<s>"] + [canon(t) for t in chunk.split()] + ["</s>"]
            for a, b in zip(toks, toks[1:]):
                right[a][b] += 1
                left[b][a] += 1
    freq = UC1
    ctx = [w for w, _ in freq.most_common(top)] + ["<s>", "</s>"]
    idx = {w: j for j, w in enumerate(ctx)}
    words = [w for w, c in freq.items() if c >= minf]
    X = np.zeros((len(words), 2 * len(ctx)))
    for r, w in enumerate(words):
        for b, c in right[w].items():
            if b in idx:
                X[r, idx[b]] += c
        for a, c in left[w].items():
            if a in idx:
                X[r, len(ctx) + idx[a]] += c
    X = np.sqrt(X)
    X /= np.linalg.norm(X, axis=1, keepdims=True) + 1e-9
    lab = KMeans(n_clusters=k, n_init=3, random_state=0).fit_predict(X)
    CLS.update({w: int(l) for w, l in zip(words, lab)})
    print("classes over", len(words), "syllables", file=sys.stderr)


FLAGS = [(-1, 2), (0, 2), (-2, 2), (-2, 3), (-1, 3), (0, 3)]


def feats(c, sh, ls, fw, bw, i, opts):
    n = len(c)
    ls, tl = ls

    def g(k):
        return c[k] if 0 <= k < n else "<>"

    def s(k):
        return sh[k] if 0 <= k < n else "B"

    mask = 0
    for f, (st, L) in enumerate(FLAGS):
        k = i + st
        if k >= 0 and k + L <= n and ls[k] >> (L - 2) & 1:
            mask |= 1 << f
    F = [
        "b",
        "u0" + g(i),
        "um" + g(i - 1),
        "up" + g(i + 1),
        "bm" + g(i - 1) + "|" + g(i),
        "bp" + g(i) + "|" + g(i + 1),
        "sh" + s(i - 1) + s(i) + s(i + 1),
        f"lm{mask}",
        f"ls{mask & 3}{s(i - 1)}{s(i)}",
        "su" + s(i - 1) + g(i),
        "us" + g(i - 1) + s(i),
        f"mt{fw[i] | bw[i] << 1}{s(i - 1)}{s(i)}",
    ]
    for f in range(len(FLAGS)):
        if mask >> f & 1:
            F.append(f"lf{f}")
    if "tlex" in opts:
        tm = 0
        for f, (st, L) in enumerate(FLAGS + [(-3, 4), (-2, 4), (-1, 4), (0, 4)]):
            k = i + st
            if k >= 0 and k + L <= n and tl[k] >> (L - 2) & 1:
                tm |= 1 << f
        F.append(f"tm{tm}")
        F.append(f"tmx{tm & 3}{mask & 3}")
        F.append(f"tms{tm & 3}{s(i - 1)}{s(i)}")
    if "lexu" in opts:  # lexicon flags x syllable
        F.append(f"lxu{mask & 3}|{g(i)}")
        F.append(f"lxm{mask & 3}|{g(i - 1)}")
    if "lexu2" in opts:
        F.append(f"lxp{mask & 3}|{g(i + 1)}")
    if "lexpair" in opts:
        F.append(f"lxb{mask & 3}|{g(i - 1)}|{g(i)}")
    if "pmi" in opts:
        bl = pmi_bucket(g(i - 1), g(i)) if i >= 1 else "x"
        br = pmi_bucket(g(i), g(i + 1)) if i + 1 < n else "x"
        F.append("pl" + bl)
        F.append("pr" + br)
        F.append(f"plx{mask & 1}{bl}")
        F.append(f"prx{mask >> 1 & 1}{br}")
    if "pyvi" in opts:
        F.append("pv0" + pvb(PV.get("word.lower():" + g(i))))
        F.append("pvm" + pvb(PV.get("-1:word.lower():" + g(i - 1))))
        F.append("pvp" + pvb(PV.get("+1:word.lower():" + g(i + 1))))
    if "cls" in opts:

        def cl(k):
            return "B" if not 0 <= k < n else str(CLS.get(c[k], "u"))

        F.append("c0" + cl(i))
        F.append("cm" + cl(i - 1) + "|" + cl(i))
        F.append("cp" + cl(i) + "|" + cl(i + 1))
        F.append(f"cx{mask & 1}|{cl(i - 1)}|{cl(i)}")
    if "t0" in opts:
        F.append("t0" + g(i - 1) + "|" + g(i) + "|" + g(i + 1))
    if "bm2" in opts:
        F.append("bm2" + g(i - 2) + "|" + g(i - 1))
    if "bp2" in opts:
        F.append("bp2" + g(i + 1) + "|" + g(i + 2))
    if "um2" in opts:
        F.append("um2" + g(i - 2))
        F.append("up2" + g(i + 2))
    if "mlen" in opts:  # lengths of the longest lexicon word ending at i-1 and starting at i
        end = 1
        for L in (4, 3, 2):
            k = i - L
            if k >= 0 and ls[k] >> (L - 2) & 1:
                end = L
                break
        st = 4 if ls[i] & 4 else 3 if ls[i] & 2 else 2 if ls[i] & 1 else 1
        F.append(f"ml{end}{st}")
        F.append(f"mlu{end}{st}|{g(i)}")
    return F


def build(sents, opts):
    ex = []
    jk = int(next((o[2:] for o in opts if o.startswith("jk")), "0"))
    if jk:  # jackknife: a lexical feature fires in fold k only when other folds have it too
        per = []
        for sent in sents:
            fs_ = set()
            for sy, _gold, first in stretches(sent):
                if len(sy) < 2:
                    continue
                c, sh, ls, fw, bw, allowed = prep(sy, first)
                for i in range(1, len(sy)):
                    fs_.update(f for f in feats(c, sh, ls, fw, bw, i, opts) if f[:2] in JKT)
            per.append(fs_)
        fold_cnt = [collections.Counter() for _ in range(jk)]
        for si, fs_ in enumerate(per):
            fold_cnt[si % jk].update(fs_)
        total = collections.Counter()
        for fc in fold_cnt:
            total.update(fc)
    tk = int(next((o[4:] for o in opts if o.startswith("tlex") and o[4:].isdigit()), "0"))
    if tk:
        folds = [tlex_of([x for j, x in enumerate(sents) if j % tk != f]) for f in range(tk)]
    for si, sent in enumerate(sents):
        if tk:
            TLEX[0] = folds[si % tk]
        for sy, gold, first in stretches(sent):
            if len(sy) < 2:
                continue
            c, sh, ls, fw, bw, allowed = prep(sy, first)
            fs = [None] + [feats(c, sh, ls, fw, bw, i, opts) for i in range(1, len(sy))]
            if jk:
                fc = fold_cnt[si % jk]
                fs = [None] + [[f for f in f_ if f[:2] not in JKT or total[f] - fc[f] > 0] for f_ in fs[1:]]
            al = [a | (1 if gd else 2) if i else 1 for i, (a, gd) in enumerate(zip(allowed, gold))]
            ex.append((fs, gold, allowed, al))
    return ex


NEG = float("-inf")


def viterbi(fs, allowed, W, T, second=None):
    n = len(fs)
    b, ii = 0.0, NEG
    back = [0] * n
    for i in range(1, n):
        e = sum(W.get(f, 0.0) for f in fs[i])
        bb, ib = b + T[0][0], ii + T[1][0]
        bi, iii = b + T[0][1], ii + T[1][1]
        nb = max(bb, ib) + e
        ni = max(bi, iii)
        back[i] = (0 if bb >= ib else 1) | (0 if bi >= iii else 2)
        if not allowed[i] & 1:
            nb = NEG
        if not allowed[i] & 2:
            ni = NEG
        b, ii = nb, ni
    tag = 0 if b >= ii else 1
    out = [True] * n
    for i in range(n - 1, -1, -1):
        out[i] = tag == 0
        tag = (back[i] & 1) if tag == 0 else (back[i] >> 1) & 1
    return out


DROP = {}
JKT = set(os.environ.get("JKT", "bm,bp").split(","))


def train(ex, epochs=8, min_count=2, seed=1):
    cnt = collections.Counter(f for fs, *_ in ex for f_ in fs[1:] for f in f_)
    ex = [([None] + [[f for f in f_ if cnt[f] >= min_count] for f_ in fs[1:]], g, a, al) for fs, g, a, al in ex]
    W, U = collections.defaultdict(float), collections.defaultdict(float)
    T = [[0.0, 0.0], [0.0, 0.0]]
    TU = [[0.0, 0.0], [0.0, 0.0]]
    c = 1.0
    rng = random.Random(seed)
    order = list(range(len(ex)))
    for _ep in range(epochs):
        rng.shuffle(order)
        for idx in order:
            fs, gold, _, al = ex[idx]
            if DROP:
                fs = [None] + [[f for f in f_ if not (f[:2] in DROP and rng.random() < DROP[f[:2]])] for f_ in fs[1:]]
            pred = viterbi(fs, al, W, T)
            n = len(fs)
            for i in range(1, n):
                if pred[i] != gold[i]:
                    d = 1.0 if gold[i] else -1.0
                    for f in fs[i]:
                        W[f] += d
                        U[f] += c * d
                gp, gc, pp, pc = 1 - gold[i - 1], 1 - gold[i], 1 - pred[i - 1], 1 - pred[i]
                if (gp, gc) != (pp, pc):
                    T[gp][gc] += 1
                    TU[gp][gc] += c
                    T[pp][pc] -= 1
                    TU[pp][pc] -= c
            c += 1
    Wa = {f: W[f] - U[f] / c for f in W if W[f] - U[f] / c != 0}
    Ta = [[T[a][b] - TU[a][b] / c for b in range(2)] for a in range(2)]
    return Wa, Ta


def _spans(begins):
    """The words of a sentence as (start, end) syllable spans, from its word-begin flags."""
    out, st = set(), 0
    for i in range(1, len(begins) + 1):
        if i == len(begins) or begins[i]:
            out.add((st, i))
            st = i
    return out


def evaluate(ex, W, T, decode=None):
    """Word F1, false and missed words over ``ex``; ``decode(fs, allowed, W, T)`` gives the
    word-begin flags (the B/I Viterbi by default)."""
    decode = decode or viterbi
    tp = fp = fn = 0
    for fs, gold, allowed, _ in ex:
        g, p = _spans(gold), _spans(decode(fs, allowed, W, T))
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)
    P, R = tp / (tp + fp), tp / (tp + fn)
    return 2 * P * R / (P + R), fp, fn


# ---- four tags (bmes) ----
NEG = float("-inf")
# tags: 0 B(egin of multi), 1 M, 2 E, 3 S ; allowed next: B->M,E ; M->M,E ; E->B,S ; S->B,S
OK = [[False, True, True, False], [False, True, True, False], [True, False, False, True], [True, False, False, True]]
START = [True, False, False, True]


def tags_of(begins):
    n = len(begins)
    t = []
    for i in range(n):
        b = begins[i]
        nb = i + 1 == n or begins[i + 1]
        t.append(3 if b and nb else 0 if b else 2 if nb else 1)
    return t


def viterbi4(fs, allowed, W, T):
    n = len(fs)
    score = [[NEG] * 4 for _ in range(n)]
    back = [[0] * 4 for _ in range(n)]

    def em(i, t):
        if i == 0:
            return sum(W.get((f, t), 0.0) for f in fs[0])
        return sum(W.get((f, t), 0.0) for f in fs[i])

    for t in range(4):
        if START[t]:
            score[0][t] = em(0, t)
    for i in range(1, n):
        for t in range(4):
            isb = t in (0, 3)
            if isb and not allowed[i] & 1 or not isb and not allowed[i] & 2:
                continue
            if i + 1 == n and t in (0, 1):
                continue
            best, arg = NEG, 0
            for p in range(4):
                if OK[p][t] and score[i - 1][p] > NEG:
                    v = score[i - 1][p] + T[p][t]
                    if v > best:
                        best, arg = v, p
            if best > NEG:
                score[i][t] = best + em(i, t)
                back[i][t] = arg
    last = [t for t in (2, 3)]
    t = max(last, key=lambda x: score[n - 1][x])
    out = [0] * n
    for i in range(n - 1, -1, -1):
        out[i] = t
        t = back[i][t]
    return out


def build4(sents, opts):
    ex = []
    for sent in sents:
        for sy, gold, first in stretches(sent):
            if len(sy) < 2:
                continue
            c, sh, ls, fw, bw, allowed = prep(sy, first)
            fs = [feats(c, sh, ls, fw, bw, i, opts) for i in range(len(sy))]
            al = [a | (1 if gd else 2) if i else 1 for i, (a, gd) in enumerate(zip(allowed, gold))]
            ex.append((fs, gold, allowed, al))
    return ex


def train4(ex, epochs=8, min_count=2, seed=1):
    cnt = collections.Counter(f for fs, *_ in ex for f_ in fs for f in f_)
    ex = [([[f for f in f_ if cnt[f] >= min_count] for f_ in fs], g, a, al) for fs, g, a, al in ex]
    W, U = collections.defaultdict(float), collections.defaultdict(float)
    T = [[0.0] * 4 for _ in range(4)]
    TU = [[0.0] * 4 for _ in range(4)]
    c = 1.0
    rng = random.Random(seed)
    order = list(range(len(ex)))
    for _ep in range(epochs):
        rng.shuffle(order)
        for idx in order:
            fs, gold, _, al = ex[idx]
            gt = tags_of(gold)
            pt = viterbi4(fs, al, W, T)
            if pt != gt:
                for i in range(len(fs)):
                    if pt[i] != gt[i]:
                        for f in fs[i]:
                            W[f, gt[i]] += 1
                            U[f, gt[i]] += c
                            W[f, pt[i]] -= 1
                            U[f, pt[i]] -= c
                    if i and (gt[i - 1], gt[i]) != (pt[i - 1], pt[i]):
                        T[gt[i - 1]][gt[i]] += 1
                        TU[gt[i - 1]][gt[i]] += c
                        T[pt[i - 1]][pt[i]] -= 1
                        TU[pt[i - 1]][pt[i]] -= c
            c += 1
    Wa = {k: W[k] - U[k] / c for k in W if W[k] - U[k] / c != 0}
    Ta = [[T[a][b] - TU[a][b] / c for b in range(4)] for a in range(4)]
    return Wa, Ta


def evaluate4(ex, W, T):
    return evaluate(ex, W, T, lambda fs, allowed, W, T: [t in (0, 3) for t in viterbi4(fs, allowed, W, T)])


# ---- second-order tag transitions (o2): B/I tags, a weight per tag pair and per tag triple ----


def viterbi2(fs, allowed, W, T):
    """Viterbi over states (tag of i-1, tag of i); T maps (a, b) and (a, b, c) to weights (0: B, 1: I)."""
    n = len(fs)
    em = [0.0] + [sum(W.get(f, 0.0) for f in fs[i]) for i in range(1, n)]
    ok = [[(allowed[i] >> t) & 1 for t in range(2)] for i in range(n)]
    score = {(None, 0): 0.0}  # position 0 is B
    backs = [{}]
    for i in range(1, n):
        new, back = {}, {}
        for (a, b), v in score.items():
            for c in range(2):
                if not ok[i][c]:
                    continue
                w = v + T.get((b, c), 0.0) + (T.get((a, b, c), 0.0) if a is not None else 0.0)
                w += em[i] if c == 0 else 0.0
                if (b, c) not in new or w > new[b, c]:
                    new[b, c], back[b, c] = w, a
        score = new
        backs.append(back)
    state = max(score, key=lambda k: score[k])
    tags = [0] * n
    for i in range(n - 1, 0, -1):
        tags[i] = state[1]
        state = (backs[i][state], state[0])
    return [t == 0 for t in tags]


def train2(ex, epochs=8, min_count=2, seed=1):
    cnt = collections.Counter(f for fs, *_ in ex for f_ in fs[1:] for f in f_)
    ex = [([None] + [[f for f in f_ if cnt[f] >= min_count] for f_ in fs[1:]], g, a, al) for fs, g, a, al in ex]
    W, U = collections.defaultdict(float), collections.defaultdict(float)
    T, TU = collections.defaultdict(float), collections.defaultdict(float)
    c = 1.0
    rng = random.Random(seed)
    order = list(range(len(ex)))
    for _ep in range(epochs):
        rng.shuffle(order)
        for idx in order:
            fs, gold, _, al = ex[idx]
            pred = viterbi2(fs, al, W, T)
            g = [0 if x else 1 for x in gold]
            q = [0 if x else 1 for x in pred]
            for i in range(1, len(fs)):
                if pred[i] != gold[i]:
                    d = 1.0 if gold[i] else -1.0
                    for f in fs[i]:
                        W[f] += d
                        U[f] += c * d
                keys = [(g[i - 1], g[i]), (q[i - 1], q[i])]
                if i >= 2:
                    keys += [(g[i - 2], g[i - 1], g[i]), (q[i - 2], q[i - 1], q[i])]
                for k in range(0, len(keys), 2):
                    if keys[k] != keys[k + 1]:
                        T[keys[k]] += 1
                        TU[keys[k]] += c
                        T[keys[k + 1]] -= 1
                        TU[keys[k + 1]] -= c
            c += 1
    Wa = {f: W[f] - U[f] / c for f in W if W[f] - U[f] / c != 0}
    Ta = {k: T[k] - TU[k] / c for k in T}
    return Wa, Ta


def evaluate2(ex, W, T):
    return evaluate(ex, W, T, viterbi2)


def run(spec, seeds):
    opts = set(spec.split(",")) if spec != "base" else set()
    mc, ep = 2, 8
    if ("pmi" in opts or "cls" in opts) and not UN[0]:
        count_unlabelled()
    if "cls" in opts and not CLS:
        build_classes(int(os.environ.get("K", "64")))
    if "pyvi" in opts and not PV:
        load_pyvi_crf()
    DROP.clear()
    INIT[0] = "init" in opts
    for o in list(opts):
        if o.startswith("drop"):
            _, kinds, p = o.split(":")
            for k in kinds.split("+"):
                DROP[k] = float(p)
        if o.startswith("mc") and o[2:].isdigit():
            mc = int(o[2:])
        if o.startswith("ep") and o[2:].isdigit():
            ep = int(o[2:])
    t = time.time()
    if any(o.startswith("tlex") for o in opts):
        opts.add("tlex")
    four = "bmes" in opts
    b_, t_, e_ = (build4, train4, evaluate4) if four else (build, train, evaluate)
    if "o2" in opts:
        t_, e_ = train2, evaluate2
    tr = b_(train_s, opts)
    TLEX[0] = tlex_of(train_s) if "tlex" in opts else None
    dv = b_(dev_s, {o for o in opts if not o.startswith("jk") and not (o.startswith("tlex") and o[4:].isdigit())})
    TLEX[0] = None
    models = [t_(tr, ep, mc, seed=sd) for sd in range(1, seeds + 1)]
    f1s = [e_(dv, W, T)[0] for W, T in models]
    line = f"{spec:28s} dev F1 " + " ".join(f"{f:.4f}" for f in f1s)
    if seeds > 1:
        line += f"  mean {sum(f1s) / len(f1s):.4f}"
    if "bag" in opts and seeds > 1 and not four:
        keys = set().union(*(W for W, _ in models))
        W = {k: sum(w.get(k, 0.0) for w, _ in models) / seeds for k in keys}
        T = [[sum(t[a][b] for _, t in models) / seeds for b in range(2)] for a in range(2)]
        line += f"  averaged weights {evaluate(dv, W, T)[0]:.4f}"
    print(line + f"  ({len(models[0][0])} weights, {time.time() - t:.0f}s)", flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    seeds = 1
    if args[:1] == ["--seeds"]:
        seeds, args = int(args[1]), args[2:]
    for spec in args or ["base"]:
        run(spec, seeds)
