"""Checks and conversions of matrices passed to the core (no copies where the input already fits)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def as_csr(X, dtype=None, name="X"):
    """``X`` as a canonical ``csr_matrix`` with float32/float64 values (float64 for anything else).

    Dense arrays and other sparse formats are converted; a csr matrix of the right dtype is used as
    it is (its arrays are handed to the core as views).
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
    return X


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
