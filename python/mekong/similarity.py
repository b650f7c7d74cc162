"""Similarity between documents: dense cosine / Jaccard matrices and top-k neighbours, in C++."""

from __future__ import annotations

import numbers
import os

import numpy as np
import scipy.sparse as sp

from . import _core, _progress
from ._options import check_int, check_n_jobs
from ._sparse import as_csr, core_args

#: Fraction of the available memory a dense result may take unless ``max_memory`` says otherwise.
MEMORY_FRACTION = 0.5


def available_memory() -> int:
    """Bytes of memory available now (MemAvailable on Linux; physical pages elsewhere)."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    try:  # pragma: no cover
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover
        return 0


def _budget(max_memory):
    if max_memory is None:
        return int(available_memory() * MEMORY_FRACTION)
    if isinstance(max_memory, bool) or not isinstance(max_memory, numbers.Real) or not max_memory > 0:
        raise ValueError(f"max_memory must be a positive number of bytes or None; got {max_memory!r}")
    # The core reads 0 as "no limit": a positive budget below one byte must stay a limit (one byte,
    # which refuses every non-empty result, as the budget asked), not round down to 0.
    return max(1, int(min(max_memory, 2**62)))


def _pair(X, Y):
    """X and Y as CSR with one float dtype (float32 only when both are float32)."""
    X = as_csr(X, name="X")
    if Y is None:
        return X, None
    Y = as_csr(Y, name="Y")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(
            f"Incompatible dimension for X and Y matrices: X.shape[1] == {X.shape[1]} while Y.shape[1] == {Y.shape[1]}"
        )
    dtype = np.float32 if X.dtype == Y.dtype == np.float32 else np.float64
    X, Y = as_csr(X, dtype), as_csr(Y, dtype)
    idx = np.result_type(X.indices.dtype, Y.indices.dtype)
    if X.indices.dtype != idx:
        X = sp.csr_matrix((X.data, X.indices.astype(idx), X.indptr.astype(idx)), shape=X.shape)
    if Y.indices.dtype != idx:
        Y = sp.csr_matrix((Y.data, Y.indices.astype(idx), Y.indptr.astype(idx)), shape=Y.shape)
    return X, Y


def _dense_rows(A):
    """A 2-D numeric NumPy array (not a sparse matrix), or None."""
    if sp.issparse(A) or A is None:
        return None
    arr = np.asarray(A)
    if arr.dtype == object or arr.ndim != 2 or not np.issubdtype(arr.dtype, np.number):
        return None
    return arr if arr.dtype in (np.float32, np.float64) else arr.astype(np.float64)


def _similarity(X, Y, metric, dense_output, n_jobs, max_memory):
    dx, dy = _dense_rows(X), _dense_rows(Y)
    if metric != "jaccard" and dx is not None and (Y is None or dy is not None):
        # Dense features (embeddings, LSA): Eigen's matrix product beats walking postings.
        if dy is not None and dx.shape[1] != dy.shape[1]:
            raise ValueError(
                f"Incompatible dimension for X and Y matrices: X.shape[1] == {dx.shape[1]} while Y.shape[1] == {dy.shape[1]}"
            )
        if dy is not None and dx.dtype != dy.dtype:
            dx, dy = dx.astype(np.float64), dy.astype(np.float64)
        out = _core.dense_similarity_matrix(dx, dy, metric, check_n_jobs(n_jobs), _budget(max_memory))
        return out if dense_output else sp.csr_matrix(out)
    X, Y = _pair(X, Y)
    with _progress.bar(X.shape[0], f"{metric} similarity", unit="row") as pb:
        out = _core.similarity_matrix(
            core_args(X),
            None if Y is None else core_args(Y),
            metric,
            check_n_jobs(n_jobs),
            _budget(max_memory),
            progress=pb,
        )
    return out if dense_output else sp.csr_matrix(out)


@_progress.reports_progress
def cosine_similarity(X, Y=None, *, dense_output=True, n_jobs=1, max_memory=None, progress=False):
    """Cosine similarity between the rows of X and the rows of Y (or X).

    Equal to ``sklearn.metrics.pairwise.cosine_similarity`` within float tolerance; all-zero rows
    give 0, never NaN. With ``Y=None`` one triangle is computed and mirrored, so the result is
    exactly symmetric. float32 input gives a float32 result. Sparse rows (term matrices) are
    compared through an inverted index of Y, work following the terms rows share, except the few
    columns common to many rows (function words), which go through a dense matrix product (an
    AVX2 + FMA kernel when the CPU has one, chosen at run time); dense arrays (embeddings, LSA
    components) through Eigen's matrix product. The sparse result is computed in tiles of 64 rows
    of X against 2,048 rows of Y, every cell written exactly once into memory that is never
    zero-filled first; columns in 10% to about 40% of the rows are added row by row of Y against
    a table of each block's values, rarer ones through postings. Each score has the bits
    :func:`top_k_similar` gives it.

    Parameters
    ----------
    X : sparse matrix or array of shape (n_samples_X, n_features)
    Y : sparse matrix or array of shape (n_samples_Y, n_features), default=None
    dense_output : bool, default=True
        Return a NumPy array (else a csr_matrix of it).
    n_jobs : int, default=1
        Threads (-1: all cores). Results are identical for any value.
    progress : bool, default=False
        Show a progress bar (documents or rows done) through tqdm when it is installed; without tqdm
        nothing is shown. The result is the same either way.
    max_memory : int or None
        Bytes the dense result may take; default half the memory available. A larger result raises
        MemoryError before anything is allocated: use :func:`top_k_similar` instead. Any positive
        number is a limit (below one byte, every non-empty result is refused); 0 or less is an error.

    A sparse matrix with duplicate entries or unsorted indices is read as SciPy means it (the
    duplicates summed, on a copy).

    Returns
    -------
    ndarray of shape (n_samples_X, n_samples_Y)
    """
    return _similarity(X, Y, "cosine", dense_output, n_jobs, max_memory)


@_progress.reports_progress
def jaccard_similarity(X, Y=None, *, n_jobs=1, max_memory=None, progress=False):
    """Jaccard similarity of the sets of non-zero columns (terms) of each pair of rows.

    ``|A & B| / |A | B|``; two empty rows give 0. Returns a dense NumPy array.
    """
    return _similarity(X, Y, "jaccard", True, n_jobs, max_memory)


@_progress.reports_progress
def top_k_similar(
    X,
    Y=None,
    k=10,
    threshold=0.0,
    *,
    metric="cosine",
    as_csr=False,
    n_jobs=1,
    rerank=None,
    masked=False,
    progress=False,
):
    """The ``k`` most similar rows of Y (or X) for every row of X, without the full matrix.

    Common columns go through a dense product of blocks of rows, the rest through postings (a
    fitted :class:`SearchIndex` prunes with score bounds instead). With ``Y=None`` only one
    triangle of scores is computed, each score offered to both of its rows; every thread keeps
    its own k best per row and they are merged, so the result is the same for any ``n_jobs``.

    Parameters
    ----------
    X, Y : sparse matrices or arrays with the same number of columns
        With ``Y=None`` the neighbours come from X itself and each row's own index is left out.
    k : int, default=10
        Neighbours per row; clipped to the number of candidates.
    threshold : float, default=0.0
        Only scores strictly greater than this are kept; in [-1, 1] for cosine and Jaccard.
    metric : {"cosine", "dot", "jaccard"}, default="cosine"
    as_csr : bool, default=False
        Return a (n_samples_X, n_samples_Y) csr_matrix holding the kept scores instead.
    n_jobs : int, default=1
    progress : bool, default=False
        Show a progress bar (documents or rows done) through tqdm when it is installed; without tqdm
        nothing is shown. The result is the same either way.
    rerank : None, "neighbours" or "expansion", default=None
        ``"neighbours"`` re-orders each row's k neighbours with the neighbours' own evidence
        (:func:`mekong.stories.rerank_neighbours`; scores become the re-ranked scores).
        ``"expansion"`` searches again with each row expanded by its 3 nearest neighbours
        (:func:`mekong.stories.expand_rows`, cosine only; scores become the cosines of the expanded
        rows): the other versions of a story lend a row the facts it left out. Layers over the
        kernel's result; both need ``Y=None``.
    masked : bool, default=False
        Return ``numpy.ma.MaskedArray`` results whose padding is masked, so that indexing with them
        cannot turn a -1 into the last row.

    Returns
    -------
    indices : ndarray of int64, shape (n_samples_X, k)
        Best first; ties broken by the lower index. Padding: -1 where a row has fewer than k
        neighbours (mind that ``array[-1]`` is the last row; ``masked=True`` masks these).
    scores : ndarray, shape (n_samples_X, k)
        NaN where ``indices`` is -1.
    """
    k = check_int("k", k)
    if k <= 0:
        raise ValueError(f"k must be a positive integer; got {k}")
    if metric not in ("cosine", "dot", "jaccard"):
        raise ValueError(f"metric must be 'cosine', 'dot' or 'jaccard'; got {metric!r}")
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not np.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number; got {threshold!r}")
    if metric != "dot" and not -1.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [-1, 1]; got {threshold!r}")
    Xc, Yc = _pair(X, Y)
    if rerank not in (None, "neighbours", "expansion"):
        raise ValueError(f"rerank must be None, 'neighbours' or 'expansion'; got {rerank!r}")
    if rerank is not None and Y is not None:
        raise ValueError(f"rerank={rerank!r} needs Y=None (the neighbours' own lists come from X itself)")
    if rerank == "expansion" and metric != "cosine":
        raise ValueError(f"rerank='expansion' needs metric='cosine'; got {metric!r}")
    if rerank == "expansion":  # a layer over the kernel (mekong.stories): search, expand, search again
        from .stories import EXPAND_NEIGHBOURS, expand_rows

        first = _core.top_k_similar(core_args(Xc), None, EXPAND_NEIGHBOURS, 0.0, metric, check_n_jobs(n_jobs))
        Xc, _ = _pair(expand_rows(Xc, *first).astype(Xc.dtype), None)
    with _progress.bar(Xc.shape[0], "top-k", unit="row") as pb:
        indices, scores = _core.top_k_similar(
            core_args(Xc),
            None if Yc is None else core_args(Yc),
            k,
            float(threshold),
            metric,
            check_n_jobs(n_jobs),
            progress=pb,
        )
    if rerank == "neighbours":  # a layer over the kernel's lists (mekong.stories), not inside it
        from .stories import rerank_neighbours

        indices, reranked = rerank_neighbours(indices, scores, n_jobs=n_jobs)
        scores = reranked.astype(scores.dtype)
    if masked and not as_csr:
        pad = indices < 0
        return np.ma.MaskedArray(indices, mask=pad), np.ma.MaskedArray(scores, mask=pad)
    if not as_csr:
        return indices, scores
    n_cols = Xc.shape[0] if Yc is None else Yc.shape[0]
    keep = indices >= 0
    counts = keep.sum(axis=1)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    out = sp.csr_matrix((scores[keep], indices[keep], indptr), shape=(Xc.shape[0], n_cols))
    out.sort_indices()
    return out


__all__ = ["available_memory", "cosine_similarity", "jaccard_similarity", "top_k_similar"]
