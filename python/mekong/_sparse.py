"""Checks and conversions of matrices passed to the core (no copies where the input already fits)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def _structure_valid(X):
    """Whether X's indptr is well formed (else the core reports exactly what is wrong)."""
    indptr = X.indptr
    nnz = len(X.indices)
    if len(indptr) != X.shape[0] + 1 or len(X.data) != nnz:
        return False
    if len(indptr) and (indptr[0] != 0 or indptr[-1] != nnz):
        return False
    return bool(np.all(indptr[1:] >= indptr[:-1]))


def is_canonical(X):
    """Whether every row of csr ``X`` has strictly increasing column indices (sorted, no duplicate):
    SciPy's canonical format. Computed from the arrays, never from SciPy's cached flag, which goes
    stale when the arrays are written to. O(nnz)."""
    indices = X.indices
    nnz = len(indices)
    if nnz < 2:
        return True
    increasing = indices[1:] > indices[:-1]
    starts = np.asarray(X.indptr[1:-1])
    starts = starts[(starts > 0) & (starts < nnz)]
    increasing[starts - 1] = True  # a row may start lower than the previous one ended
    return bool(increasing.all())


def canonical(X):
    """``X`` itself when canonical, else a canonical copy: duplicate entries summed (what SciPy
    means by them) and indices sorted, as ``sum_duplicates`` does. Stored zeros stay, as in SciPy:
    scikit-learn's document frequency counts them, and the core reads a zero as no term wherever
    a term's presence matters (Jaccard). The caller's matrix is never modified."""
    if not _structure_valid(X) or is_canonical(X):
        return X
    X = X.copy()
    X.has_canonical_format = False  # SciPy skips sum_duplicates when a stale flag says it is done
    X.sum_duplicates()
    return X


def as_csr(X, dtype=None, name="X"):
    """``X`` as a canonical ``csr_matrix`` with float32/float64 values (float64 for anything else).

    Dense arrays and other sparse formats are converted; a csr matrix of the right dtype is used as
    it is (its arrays are handed to the core as views). A non-canonical matrix (duplicate entries,
    unsorted indices) is canonicalized on a copy first, as SciPy's ``sum_duplicates``
    does: duplicates mean a sum. Every function of the package that takes a matrix goes through here.
    """
    if not sp.issparse(X):
        arr = np.asarray(X)
        if arr.dtype == object:
            raise TypeError(f"{name} must be a numeric matrix; got an object array")
        if arr.ndim != 2:
            raise ValueError(f"{name} must be 2-dimensional; got shape {arr.shape}")
        X = sp.csr_matrix(arr)
    elif X.format != "csr":
        X = X.tocsr()
    if dtype is None:
        dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
    if X.dtype != dtype:
        X = X.astype(dtype)
    if not isinstance(X, sp.csr_matrix):
        X = sp.csr_matrix(X)
    if X.indices.dtype != X.indptr.dtype:
        idx = np.result_type(X.indices.dtype, X.indptr.dtype)
        X = sp.csr_matrix((X.data, X.indices.astype(idx), X.indptr.astype(idx)), shape=X.shape)
    if not _all_finite(X.data):  # one message naming the argument, whatever the function
        raise ValueError(f"{name} contains NaN or infinity")
    return canonical(X)


def _all_finite(values, chunk=1 << 20):
    """Whether every value is finite; in chunks, so a large matrix costs no temporary of its size."""
    return all(np.isfinite(values[start : start + chunk]).all() for start in range(0, len(values), chunk))


def core_args(X):
    """The tuple the core reads a CSR matrix from."""
    return (
        np.ascontiguousarray(X.data),
        np.ascontiguousarray(X.indices),
        np.ascontiguousarray(X.indptr),
        X.shape[0],
        X.shape[1],
    )


def with_data(X, data):
    """A csr_matrix with X's structure (its index arrays, shared) and new values."""
    out = sp.csr_matrix((data, X.indices, X.indptr), shape=X.shape, copy=False)
    out.has_sorted_indices = X.has_sorted_indices
    return out
