"""Near-duplicate (reprint) detection with MinHash and LSH banding: :class:`MinHash`, :func:`near_duplicates`.

What a signature is, exactly (the core's contract, ``cpp/include/mekong/dedup/minhash.hpp``):

- *terms*: the document's terms as :func:`mekong.tokenize` gives them (NFC, lower case, one tone
  placement; Vietnamese words with ``words=True``, syllables with ``words=False``), so "Hoà" and
  "HÒA" are one term and spelling variants never hide a reprint;
- *shingles*: each run of ``shingle`` consecutive terms joined by one space; a document with fewer
  terms has one shingle (all its terms), a document with no terms has none;
- ``h = FNV-1a-64(shingle UTF-8 bytes)`` and its 32-bit key ``x = (h ^ (h >> 32)) mod 2**32``;
- slot ``i`` is ``min(((a_i * x + b_i) mod 2**64) >> 32)`` over the shingles, where ``a_0, b_0, a_1,
  b_1, ...`` are consecutive outputs of splitmix64 seeded with ``seed``;
- a document without shingles has ``2**64 - 1`` in every slot (no slot value reaches ``2**32``),
  and is a near-duplicate of nothing, itself included (its estimated Jaccard with anything is 0).

Why multiply-add-shift rather than datasketch's ``(a x + b) mod (2**61 - 1)``: both are strongly
universal (2-independent) families, but this one is a 64-bit multiply-add and a shift, with no
modulus, in 32 x 32 -> 64-bit products that the core runs 4 slots at a time with AVX2 (chosen at
load time; no build flag). Keys and slots are 32-bit, as datasketch's slots are: two distinct
shingles share a key, or two slots agree by accident, with probability ``2**-32``. The exact Jaccard
(``exact=True``) compares the full 64-bit shingle hashes.
"""

from __future__ import annotations

import functools
import math
import numbers
import statistics
from dataclasses import dataclass, field

import numpy as np

from . import _core
from ._base import BaseEstimator, TransformerMixin
from ._options import check_int, check_n_jobs, check_real, make_analyzer

EMPTY = np.uint64(2**64 - 1)  # every slot of a document without shingles

#: Default banding (``weights=None``): a pair at exactly the threshold becomes a candidate with at
#: least this probability (the fewest false candidates among the bandings that reach it).
CANDIDATE_RECALL = 0.99
#: A candidate is kept when its estimate does not rule out ``J >= threshold`` at this one-sided
#: confidence: ``estimate >= threshold - z * sqrt(threshold * (1 - threshold) / num_perm)``.
ESTIMATE_RECALL = 0.95


def _documents(docs):
    if isinstance(docs, (str, bytes)):
        raise ValueError("Iterable over raw text documents expected, string object received.")
    try:
        docs = list(docs)
    except TypeError:
        raise TypeError(f"documents must be an iterable of str or bytes; got {type(docs).__name__}") from None
    for i, d in enumerate(docs):
        if not isinstance(d, (str, bytes)):
            raise TypeError(f"document {i} is {type(d).__name__}, expected str or bytes")
    return docs


def _check_num_perm(num_perm):
    return check_int("num_perm", num_perm, 1, maximum=1 << 16)


class MinHash(BaseEstimator, TransformerMixin):
    """MinHash signatures of documents over word shingles, computed in the core on ``n_jobs`` threads.

    Parameters
    ----------
    num_perm : int, default=128
        Slots (hash permutations) per signature. The estimate of a Jaccard similarity ``J`` is the
        fraction of equal slots: a binomial proportion with standard error ``sqrt(J (1 - J) / num_perm)``
        (0.035 at J = 0.8 with 128 slots).
    shingle : int, default=3
        Terms per shingle (see the module documentation for what a shingle is exactly).
    seed : int, default=1
        Seeds the permutations; signatures compare only when made with the same ``seed`` and
        ``num_perm``.
    words : bool, default=True
        Terms are Vietnamese words (``"hợp_tác"``), as :func:`mekong.tokenize`; False: syllables.
    n_jobs : int, default=1
        Threads (-1: all cores). The signatures are identical for any value.

    The estimator is stateless: ``fit`` only checks the parameters, ``transform`` computes.

    Examples
    --------
    >>> import mekong
    >>> mh = mekong.MinHash(num_perm=64)
    >>> S = mh.fit_transform(["Bão số 4 đổ bộ Quảng Trị chiều nay", "Chiều nay bão số 4 đổ bộ Quảng Trị", ""])
    >>> S.shape, S.dtype
    ((3, 64), dtype('uint64'))
    >>> float(mekong.MinHash.jaccard(S[0], S[2]))   # an empty document resembles nothing
    0.0
    """

    def __init__(self, *, num_perm=128, shingle=3, seed=1, words=True, n_jobs=1):
        self.num_perm = num_perm
        self.shingle = shingle
        self.seed = seed
        self.words = words
        self.n_jobs = n_jobs

    def _checked(self):
        num_perm = _check_num_perm(self.num_perm)
        shingle = check_int("shingle", self.shingle, 1, maximum=1 << 16)
        seed = check_int("seed", self.seed, 0, maximum=2**64 - 1)
        n_jobs = check_n_jobs(self.n_jobs)
        return num_perm, shingle, seed, n_jobs

    def _analyzer(self):
        return make_analyzer(words=self.words)

    def fit(self, X=None, y=None):
        self._checked()
        self.num_perm_ = int(self.num_perm)
        return self

    def transform(self, X):
        """Signatures of the documents ``X`` (str or bytes in UTF-8): ndarray of uint64, (n_documents, num_perm)."""
        num_perm, shingle, seed, n_jobs = self._checked()
        docs = _documents(X)
        return _core.minhash(docs, self._analyzer(), num_perm, shingle, seed, n_jobs)

    def fit_transform(self, X, y=None):
        return self.fit(X).transform(X)

    @staticmethod
    def jaccard(sig_a, sig_b):
        """Estimated Jaccard similarity: the fraction of equal slots.

        ``sig_a`` and ``sig_b`` are one signature each (1-D, a float is returned) or the same number
        of signatures row by row (2-D, an array is returned). A document without shingles has
        estimate 0 with every document, itself included.
        """
        a = _signature_array(sig_a, "sig_a", ndim=(1, 2))
        b = _signature_array(sig_b, "sig_b", ndim=(1, 2))
        if a.shape != b.shape:
            raise ValueError(f"signatures differ in shape: {a.shape} and {b.shape}")
        if a.shape[-1] == 0:
            raise ValueError("signatures have no slots")
        est = (a == b).mean(axis=-1)
        empty = (a[..., 0] == EMPTY) | (b[..., 0] == EMPTY)
        est = np.where(empty, 0.0, est)
        return float(est) if a.ndim == 1 else est


def _signature_array(x, name, ndim=(2,)):
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array of uint64 signatures; got {type(x).__name__}")
    if x.dtype != np.uint64:
        raise TypeError(f"{name} must have dtype uint64 (as MinHash returns); got {x.dtype}")
    if x.ndim not in ndim:
        raise ValueError(f"{name} must be {' or '.join(f'{d}-D' for d in ndim)}; got {x.ndim}-D")
    return x


_GAUSS = np.polynomial.legendre.leggauss(80)  # exact for polynomials up to degree 159


def lsh_params(threshold, num_perm, weights=None):
    """The bands and rows per band that :func:`near_duplicates` uses for ``threshold``.

    A pair of Jaccard ``s`` becomes a candidate with probability ``P(s) = 1 - (1 - s**rows)**bands``.
    Among all ``bands * rows <= num_perm``:

    - ``weights=None`` (the default, recall first): the banding with the smallest false-candidate
      integral ``FP`` (the integral of ``P`` over ``[0, threshold]``) among those with
      ``P(threshold) >= CANDIDATE_RECALL`` (0.99), so that a pair at the threshold is missed by the
      banding at most 1% of the time, and less above it; if none reaches it (very few slots), the
      largest ``P(threshold)``. 16 x 6 at 0.8 with 128 slots (P(0.8) = 0.992, P(0.3) = 0.012).
    - ``weights=(w_fp, w_fn)``: datasketch's ``MinHashLSH`` rule, the pair that minimises
      ``w_fp * FP + w_fn * FN`` with ``FN`` the integral of ``1 - P`` over ``[threshold, 1]``
      (9 x 13 at 0.8 with 128 slots and datasketch's weights (0.5, 0.5): a pair at the threshold is a
      candidate only 40% of the time).

    The integrands are polynomials of degree ``bands * rows <= num_perm``, integrated exactly by
    Gauss-Legendre quadrature (up to ``num_perm`` 159; above it still accurate to ~1e-12).

    Returns
    -------
    (bands, rows)
    """
    threshold = check_real("threshold", threshold, 0.0, 1.0)
    if threshold <= 0.0:
        raise ValueError(f"threshold must be in (0, 1]; got {threshold!r}")
    num_perm = _check_num_perm(num_perm)
    if weights is None:
        return _lsh_params(threshold, num_perm, None, None)
    w_fp, w_fn = _weights(weights)
    return _lsh_params(threshold, num_perm, w_fp, w_fn)


@functools.lru_cache(maxsize=64)
def _lsh_params(threshold, num_perm, w_fp, w_fn):
    x, w = _GAUSS
    lo = 0.5 * threshold * (x + 1.0)  # nodes on [0, threshold]
    hi = threshold + 0.5 * (1.0 - threshold) * (x + 1.0)  # nodes on [threshold, 1]
    best, best_err = (1, 1), np.inf
    fallback, fallback_p = (num_perm, 1), -1.0
    for b in range(1, num_perm + 1):
        r = np.arange(1, num_perm // b + 1, dtype=np.float64)[:, None]
        fp = 0.5 * threshold * ((1.0 - (1.0 - lo**r) ** b) @ w)
        if w_fp is None:
            p_t = 1.0 - (1.0 - threshold ** r[:, 0]) ** b
            err = np.where(p_t >= CANDIDATE_RECALL, fp, np.inf)
            k = int(np.argmax(p_t))
            if p_t[k] > fallback_p:
                fallback, fallback_p = (b, k + 1), float(p_t[k])
        else:
            fn = 0.5 * (1.0 - threshold) * (((1.0 - hi**r) ** b) @ w)
            err = w_fp * fp + w_fn * fn
        k = int(np.argmin(err))  # the first minimum, as datasketch's strict "<" keeps it
        if err[k] < best_err:
            best, best_err = (b, k + 1), float(err[k])
    return best if np.isfinite(best_err) else fallback


def estimate_cut(threshold, num_perm):
    """The estimate from which :func:`near_duplicates` keeps a candidate without ``exact``:
    ``threshold - z * sqrt(threshold * (1 - threshold) / num_perm)``, ``z`` the one-sided normal
    quantile of ``ESTIMATE_RECALL`` (1.645), so that a pair at exactly the threshold is kept 95% of
    the time and pairs above it more often. The price: pairs a little below the threshold (within
    about two standard errors, 0.07 at 0.8 with 128 slots) are sometimes kept too; their estimate
    is in ``estimated``, and ``exact=True`` keeps none of them."""
    z = statistics.NormalDist().inv_cdf(ESTIMATE_RECALL)
    cut = threshold - z * math.sqrt(threshold * (1.0 - threshold) / num_perm)
    return max(cut, 1.0 / (2 * num_perm))  # at least one equal slot


def _weights(weights):
    try:
        w_fp, w_fn = weights
    except (TypeError, ValueError):
        raise ValueError(f"weights must be a pair (false_positive, false_negative); got {weights!r}") from None
    w_fp = check_real("weights[0]", w_fp, 0.0)
    w_fn = check_real("weights[1]", w_fn, 0.0)
    if w_fp + w_fn <= 0:
        raise ValueError("weights must not both be 0")
    return w_fp, w_fn


@dataclass
class NearDuplicates:
    """The result of :func:`near_duplicates`.

    Attributes
    ----------
    pairs : ndarray of int64, shape (n_pairs, 2)
        Document pairs ``(i, j)``, ``i < j``, sorted, among the candidates LSH banding finds: with
        ``exact=True`` those whose exact Jaccard reaches the threshold; otherwise those whose
        estimate reaches ``estimate_cut`` (see :func:`estimate_cut`: a pair at the threshold is kept
        95% of the time; a few pairs just below it are kept too).
    estimated : ndarray of float64, shape (n_pairs,)
        Estimated Jaccard of each pair (fraction of equal signature slots).
    exact : ndarray of float64 or None
        With ``exact=True``: the Jaccard of the two documents' shingle sets (sets of 64-bit shingle
        hashes, so exact up to a 2**-64 chance collision).
    labels : ndarray of int64, shape (n_documents,)
        Group of each document; -1 for a document in no pair. Every input document has its entry.
    groups : list of ndarray of int64
        Members of each group (connected components of ``pairs``), numbered in the order of their
        smallest member. Singletons are not groups.
    signatures : ndarray of uint64, shape (n_documents, num_perm)
    threshold : float
    estimate_cut : float
        The estimate from which a candidate is kept without ``exact`` (:func:`estimate_cut`).
    bands, rows : int
        The LSH banding used (``bands * rows`` slots of the signature).
    """

    pairs: np.ndarray
    estimated: np.ndarray
    exact: np.ndarray | None
    labels: np.ndarray
    groups: list = field(repr=False)
    signatures: np.ndarray = field(repr=False)
    threshold: float = 0.8
    estimate_cut: float = 0.8
    bands: int = 0
    rows: int = 0

    def __len__(self):
        return len(self.groups)


def near_duplicates(
    docs_or_signatures,
    threshold=0.8,
    *,
    num_perm=None,
    bands=None,
    weights=None,
    exact=False,
    shingle=3,
    seed=1,
    words=True,
    n_jobs=1,
):
    """Find near-duplicate documents (reprints) with MinHash and LSH banding in the core.

    Parameters
    ----------
    docs_or_signatures : sequence of str / bytes, or ndarray of uint64 (n_documents, num_perm)
        Documents, or signatures from :class:`MinHash` (then ``shingle``, ``seed`` and ``words`` are
        those the signatures were made with, and ``exact`` is not available).
    threshold : float in (0, 1], default=0.8
        Jaccard similarity of shingle sets from which two documents are near-duplicates.
    num_perm : int, default=128 for documents
        Signature slots; for signatures, their width (a different value is an error).
    bands : int or None, default=None
        LSH bands; rows per band are ``num_perm // bands``. None chooses both from the threshold
        (:func:`lsh_params`): by default the banding that makes a pair at the threshold a candidate
        at least 99% of the time with the fewest false candidates. More bands: more candidates,
        higher recall, more pairs to check.
    weights : (float, float) or None, default=None
        With ``bands=None``: weights of false positives and false negatives for datasketch's rule
        instead (``(0.5, 0.5)`` is ``MinHashLSH``'s default; it makes a pair at 0.8 a candidate only
        40% of the time with 128 slots).
    exact : bool, default=False
        Also compute the exact Jaccard of each candidate pair from the shingle sets, and keep the
        pairs whose *exact* Jaccard reaches the threshold (the estimate then only finds candidates).
    shingle, seed, words, n_jobs
        As for :class:`MinHash`.

    Returns
    -------
    NearDuplicates
        ``pairs``, ``estimated``, ``exact``, ``labels`` (-1: no group) and ``groups`` (two or more
        documents each; singletons are excluded). A document without shingles (empty, or only
        punctuation) is never a near-duplicate.

    Examples
    --------
    >>> import mekong
    >>> base = "Chiều nay bão số 4 đổ bộ vào Quảng Trị, gió giật cấp 12, mưa lớn trên diện rộng"
    >>> docs = [base, base + ".", "Giá lúa tăng mạnh ở An Giang trong tuần qua", ""]
    >>> nd = mekong.near_duplicates(docs, threshold=0.8)
    >>> nd.labels.tolist(), nd.pairs.tolist()
    ([0, 0, -1, -1], [[0, 1]])
    """
    threshold = check_real("threshold", threshold, 0.0, 1.0)
    if threshold <= 0.0:
        raise ValueError(f"threshold must be in (0, 1]; got {threshold!r}")
    n_jobs = check_n_jobs(n_jobs)
    if not isinstance(exact, (bool, np.bool_)):
        raise TypeError(f"exact must be a bool; got {type(exact).__name__}")
    if isinstance(docs_or_signatures, np.ndarray) and docs_or_signatures.dtype != object:
        sig = _signature_array(docs_or_signatures, "signatures")
        if exact:
            raise ValueError("exact=True needs the documents, not their signatures")
        width = sig.shape[1]
        if width == 0:
            raise ValueError("signatures have no slots")
        if num_perm is not None and _check_num_perm(num_perm) != width:
            raise ValueError(f"num_perm={num_perm} but the signatures have {width} slots")
        b, r = _banding(threshold, width, bands, weights)
        cut = estimate_cut(threshold, width)
        result = _core.near_duplicates_signatures(np.ascontiguousarray(sig), b, r, cut, n_jobs)
    else:
        docs = _documents(docs_or_signatures)
        width = 128 if num_perm is None else _check_num_perm(num_perm)
        mh = MinHash(num_perm=width, shingle=shingle, seed=seed, words=words, n_jobs=n_jobs)
        _, shingle, seed, _ = mh._checked()
        b, r = _banding(threshold, width, bands, weights)
        cut = estimate_cut(threshold, width)
        # The core keeps a candidate whose score reaches its threshold: the exact Jaccard with
        # exact=True, else the estimate, then held to the estimate cut.
        sig, result = _core.near_duplicates_documents(
            docs, mh._analyzer(), width, shingle, seed, b, r, threshold if exact else cut, bool(exact), n_jobs
        )
    first, second, estimated, exact_j, labels, _n_groups = result
    pairs = np.stack([first, second], axis=1) if len(first) else np.empty((0, 2), dtype=np.int64)
    order = np.argsort(labels, kind="stable")
    members = order[labels[order] >= 0]
    cuts = np.flatnonzero(np.diff(labels[members])) + 1
    groups = [g.astype(np.int64) for g in np.split(members, cuts)] if len(members) else []
    return NearDuplicates(
        pairs=pairs,
        estimated=estimated,
        exact=exact_j,
        labels=labels,
        groups=groups,
        signatures=sig,
        threshold=threshold,
        estimate_cut=cut,
        bands=b,
        rows=r,
    )


def _banding(threshold, num_perm, bands, weights):
    if bands is None:
        return lsh_params(threshold, num_perm, weights)
    if isinstance(bands, bool) or not isinstance(bands, numbers.Integral):
        raise TypeError(f"bands must be an int or None; got {type(bands).__name__}")
    if not 1 <= bands <= num_perm:
        raise ValueError(f"bands must be in [1, num_perm={num_perm}]; got {bands}")
    return int(bands), num_perm // int(bands)


def _reprint_labels(reprints, n):
    """Reprint group labels from a :class:`NearDuplicates` or a label sequence (-1: no group)."""
    labels = reprints.labels if isinstance(reprints, NearDuplicates) else reprints
    try:
        labels = np.asarray(labels)
    except (TypeError, ValueError):
        raise TypeError("reprints must be a NearDuplicates result or a sequence of int labels") from None
    if labels.ndim != 1 or (labels.size and not np.issubdtype(labels.dtype, np.integer)):
        raise TypeError("reprints must be a NearDuplicates result or a 1-D sequence of int labels (-1: no group)")
    if len(labels) != n:
        raise ValueError(f"reprints has {len(labels)} labels for {n} documents")
    if labels.size and labels.min() < -1:
        raise ValueError("reprint labels must be >= -1 (-1: in no group)")
    return labels.astype(np.int64)


def reprint_rows(reprints, n):
    """The rows that stand for their reprint group (its first member; every row in no group) and,
    for each of the ``n`` rows, the position of its stand-in among them."""
    labels = _reprint_labels(reprints, n)
    first = {}
    keep, rep = [], np.empty(n, dtype=np.int64)
    for i, g in enumerate(labels.tolist()):
        if g >= 0 and g in first:
            rep[i] = first[g]
            continue
        if g >= 0:
            first[g] = len(keep)
        rep[i] = len(keep)
        keep.append(i)
    return np.asarray(keep, dtype=np.int64), rep


def spread_labels(labels_of_kept, rep, reprints):
    """Story labels of all rows from those of the stand-ins: every reprint receives its group's
    label, and a reprint group in no story is a story of its own (its members tell one event).
    Labels are renumbered in the order of their first document."""
    group = _reprint_labels(reprints, len(rep))
    out = np.asarray(labels_of_kept, dtype=np.int64)[rep]
    fresh = int(out.max()) + 1 if out.size else 0
    sizes = np.bincount(group[group >= 0]) if (group >= 0).any() else np.zeros(0, dtype=np.int64)
    lone = {}
    for i in np.flatnonzero((out < 0) & (group >= 0)).tolist():
        g = int(group[i])
        if sizes[g] < 2:  # a group label given to one document only: no story
            continue
        if g not in lone:
            lone[g] = fresh
            fresh += 1
        out[i] = lone[g]
    renumber, nxt = {}, 0
    for i, v in enumerate(out.tolist()):
        if v >= 0:
            if v not in renumber:
                renumber[v] = nxt
                nxt += 1
            out[i] = renumber[v]
    return out
