"""cosine / Jaccard / top-k against scikit-learn and brute force."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics.pairwise import cosine_similarity as sk_cosine

import mekong


def random_sparse(n, m, density, seed, dtype=np.float64, negative=False):
    rng = np.random.default_rng(seed)
    X = sp.random(n, m, density=density, format="csr", random_state=rng, dtype=np.float64)
    if negative:
        X.data -= 0.5
    return X.astype(dtype)


@pytest.mark.parametrize("seed", range(4))
def test_cosine_matches_sklearn(seed):
    X = random_sparse(80, 40, 0.1, seed, negative=seed % 2 == 1)
    Y = random_sparse(50, 40, 0.2, seed + 10)
    np.testing.assert_allclose(mekong.cosine_similarity(X), sk_cosine(X), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(mekong.cosine_similarity(X, Y), sk_cosine(X, Y), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(mekong.cosine_similarity(X.toarray()), sk_cosine(X), rtol=1e-10, atol=1e-12)


def test_cosine_float32_symmetry_and_zero_rows():
    X = random_sparse(200, 30, 0.05, 1, dtype=np.float32)
    X = sp.vstack([X, sp.csr_matrix((1, 30), dtype=np.float32)]).tocsr()  # an all-zero row
    S = mekong.cosine_similarity(X, n_jobs=2)
    assert S.dtype == np.float32 and S.shape == (201, 201)
    assert np.array_equal(S, S.T)
    assert not np.isnan(S).any() and (S[-1] == 0).all()
    np.testing.assert_allclose(S, sk_cosine(X), rtol=1e-5, atol=1e-6)
    assert sp.issparse(mekong.cosine_similarity(X, dense_output=False))


def test_results_do_not_depend_on_n_jobs():
    X = random_sparse(1500, 300, 0.02, 7)
    assert np.array_equal(mekong.cosine_similarity(X, n_jobs=1), mekong.cosine_similarity(X, n_jobs=-1))
    a = mekong.top_k_similar(X, k=5, n_jobs=1)
    b = mekong.top_k_similar(X, k=5, n_jobs=-1)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1], equal_nan=True)


@given(
    st.integers(1, 40), st.integers(1, 12), st.integers(1, 8), st.integers(0, 2**31), st.sampled_from([0.0, 0.3, -0.5])
)
def test_top_k_equals_stable_argsort(n, m, k, seed, threshold):
    X = random_sparse(n, m, 0.3, seed, negative=threshold < 0)
    S = sk_cosine(X)
    idx, scores = mekong.top_k_similar(X, k=k, threshold=threshold)
    assert idx.shape == scores.shape == (n, min(k, n - 1))
    for i in range(n):
        cand = [j for j in range(n) if j != i and S[i, j] > threshold]
        order = sorted(cand, key=lambda j: -S[i, j])[:k]  # stable: ties keep the lower index
        got = [int(j) for j in idx[i] if j >= 0]
        # ties decided by floating-point noise may swap: compare scores, then indices where scores differ
        np.testing.assert_allclose(scores[i, : len(got)], S[i, order[: len(got)]], rtol=1e-9, atol=1e-12)
        assert len(got) == len(order)
        assert np.isnan(scores[i, len(got) :]).all()


def test_top_k_cross_and_csr():
    X = random_sparse(30, 20, 0.3, 3)
    Y = random_sparse(70, 20, 0.3, 4)
    idx, sc = mekong.top_k_similar(X, Y, k=100)
    assert idx.shape == (30, 70)  # k clipped to the candidates
    S = sk_cosine(X, Y)
    for i in range(30):
        expected = sorted([j for j in range(70) if S[i, j] > 0], key=lambda j: (-round(S[i, j], 12), j))
        assert [int(j) for j in idx[i] if j >= 0] == expected
    C = mekong.top_k_similar(X, Y, k=3, as_csr=True)
    assert C.shape == (30, 70) and (C.getnnz(axis=1) <= 3).all()


def test_jaccard_against_sets():
    X = random_sparse(25, 10, 0.3, 5)
    J = mekong.jaccard_similarity(X)
    sets = [set(X[i].indices) for i in range(25)]
    for i in range(25):
        for j in range(25):
            u = len(sets[i] | sets[j])
            assert J[i, j] == pytest.approx(len(sets[i] & sets[j]) / u if u else 0.0)


def test_bad_input():
    X = random_sparse(5, 4, 0.5, 1)
    with pytest.raises(ValueError, match="Incompatible dimension"):
        mekong.cosine_similarity(X, random_sparse(5, 3, 0.5, 2))
    with pytest.raises(ValueError, match="k must be"):
        mekong.top_k_similar(X, k=0)
    with pytest.raises(ValueError, match="threshold"):
        mekong.top_k_similar(X, threshold=1.5)
    bad = X.copy()
    bad.data[0] = np.inf
    with pytest.raises(ValueError, match="NaN or infinity"):
        mekong.cosine_similarity(bad)
    with pytest.raises(MemoryError, match="top_k_similar"):
        mekong.cosine_similarity(random_sparse(2000, 10, 0.1, 3), max_memory=1_000_000)
    with pytest.raises(TypeError):
        mekong.cosine_similarity(np.array([["a"]], dtype=object))


def test_default_memory_guard_names_the_size():
    # 200,000 x 200,000 float64 is 320 GB: over any budget here; refused before allocating.
    X = sp.csr_matrix((200_000, 5))
    with pytest.raises(MemoryError, match="200000 x 200000"):
        mekong.cosine_similarity(X)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dense_inputs_use_the_matrix_product(dtype):
    rng = np.random.default_rng(3)
    A = rng.normal(size=(300, 40)).astype(dtype)
    B = rng.normal(size=(70, 40)).astype(dtype)
    A[5] = 0  # a zero row: similarity 0
    tol = 1e-5 if dtype == np.float32 else 1e-12
    S = mekong.cosine_similarity(A)
    assert S.dtype == dtype and np.array_equal(S, S.T) and (S[5] == 0).all()
    np.testing.assert_allclose(S, sk_cosine(A), rtol=tol, atol=tol)
    np.testing.assert_allclose(mekong.cosine_similarity(A, B), sk_cosine(A, B), rtol=tol, atol=tol)
    assert np.array_equal(mekong.cosine_similarity(A, n_jobs=1), mekong.cosine_similarity(A, n_jobs=-1))
    with pytest.raises(ValueError, match="NaN"):
        mekong.cosine_similarity(np.array([[1.0, np.nan]]))


# Issue 9, defect 6: a float32 value below ~1e-38 made cosine inf (1 / norm overflowed float32);
# float64 values beyond ~1e+-150 made a row count as empty (its sum of squares under- or overflowed).
def test_defect6_tiny_float32_values_give_finite_cosine():
    X = sp.csr_matrix(np.array([[1e-39, 0.0], [3e-39, 4e-39], [2.0, 0.0]], dtype=np.float32))
    for A in (X, X.toarray()):
        S = mekong.cosine_similarity(A)
        assert np.isfinite(S).all()
        np.testing.assert_allclose(S, [[1, 0.6, 1], [0.6, 1, 0.6], [1, 0.6, 1]], rtol=1e-6)
    idx, sc = mekong.top_k_similar(X, k=1)
    assert idx[0, 0] == 2 and np.isfinite(sc).all()


@pytest.mark.parametrize("scale", [1e-300, 1e-200, 1e-160, 1e160, 1e200, 1e300])
def test_defect6_extreme_float64_rows_are_not_empty(scale):
    base = np.array([[3.0, 4.0, 0.0], [4.0, 3.0, 0.0], [0.0, 1.0, 1.0]])
    expected = sk_cosine(base)
    X = base * scale
    for A in (sp.csr_matrix(X), X):
        np.testing.assert_allclose(mekong.cosine_similarity(A), expected, rtol=1e-12, atol=1e-15)
    idx, sc = mekong.top_k_similar(sp.csr_matrix(X), k=2)
    assert idx[0].tolist() == [1, 2]
    np.testing.assert_allclose(sc[0], [expected[0, 1], expected[0, 2]], rtol=1e-12)


def test_top_k_pruning_equals_brute_force_on_long_tailed_rows():
    # Zipf-like column use: a few common columns with small values, many rare ones with large
    # values, the shape tf-idf has and top-k pruning relies on.
    rng = np.random.default_rng(11)
    n, m, cols = 300, 500, 400
    p = np.minimum(1.0, 3.0 / (np.arange(cols) + 1))

    def make(rows):
        mask = rng.random((rows, cols)) < p
        vals = rng.integers(1, 6, size=(rows, cols)) * (1 + 3 * (np.arange(cols) > 5))
        return sp.csr_matrix(np.where(mask, vals, 0).astype(np.float64))

    X, Y = make(n), make(m)
    S = sk_cosine(X, Y)
    for k, thr in [(1, 0.0), (5, 0.0), (10, 0.3)]:
        idx, sc = mekong.top_k_similar(X, Y, k=k, threshold=thr)
        for i in range(n):
            cand = [j for j in range(m) if S[i, j] > thr]
            order = sorted(cand, key=lambda j: (-S[i, j], j))[:k]
            got = [int(j) for j in idx[i] if j >= 0]
            assert len(got) == len(order)
            np.testing.assert_allclose(sc[i, : len(got)], S[i, order], rtol=1e-9, atol=1e-12)
    a = mekong.top_k_similar(X, Y, k=5, n_jobs=1)
    b = mekong.top_k_similar(X, Y, k=5, n_jobs=2)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1], equal_nan=True)


@pytest.mark.parametrize("seed", range(3))
def test_symmetric_cosine_from_own_posting_with_dense_and_sparse_columns(seed):
    """The symmetric product starts each sparse column at the row's own posting (no search); the
    columns that go through the dense product have no postings and must be skipped, not scanned
    from the start (a first version did, and summed whole columns into every row)."""
    rng = np.random.default_rng(seed)
    n = 300  # above the dense product's 64-row blocks
    common = (rng.random((n, 6)) < 0.8) * rng.random((n, 6))  # in most rows: the dense product
    rare = random_sparse(n, 400, 0.02, seed + 1)  # in few rows: postings
    X = sp.hstack([sp.csr_matrix(common), rare]).tocsr()
    S = mekong.cosine_similarity(X)
    np.testing.assert_allclose(S, sk_cosine(X), rtol=1e-12, atol=1e-13)
    assert np.array_equal(S, S.T)
    assert np.array_equal(S, mekong.cosine_similarity(X, n_jobs=2))


def _long_tailed_or_dense(n, m, seed, dense_ish):
    """n x m rows past the dense product's 64-row blocks: dense-ish (every column in about half the
    rows) or long-tailed (column c in a share ~ 1/(c+1) of the rows: a few common columns through
    the dense product, the rest through postings)."""
    rng = np.random.default_rng(seed)
    share = np.full(m, 0.5) if dense_ish else np.minimum(1.0, 3.0 / (np.arange(m) + 1.0))
    mask = rng.random((n, m)) < share
    return sp.csr_matrix(mask * rng.integers(1, 6, size=(n, m)).astype(np.float64))


@given(
    st.integers(64, 160),
    st.integers(2, 60),
    st.integers(0, 2**31),
    st.booleans(),
    st.sampled_from([np.float64, np.float32]),
    st.sampled_from([0.0, 0.25]),
)
def test_dense_product_path_against_sklearn_and_for_any_n_jobs(n, m, seed, dense_ish, dtype, threshold):
    """The common columns go through the AVX2 product kernel (or its portable twin): cosine equals
    scikit-learn's, top-k (symmetric: one triangle, each score offered to both rows) equals the
    stable order of that matrix, and both are bit-identical for n_jobs 1 and 3."""
    X = _long_tailed_or_dense(n, m, seed, dense_ish).astype(dtype)
    Y = _long_tailed_or_dense(n // 2 + 64, m, seed + 1, not dense_ish).astype(dtype)
    rtol, atol = (1e-12, 1e-13) if dtype == np.float64 else (1e-5, 1e-6)
    S = mekong.cosine_similarity(X)
    np.testing.assert_allclose(S, sk_cosine(X.astype(np.float64)), rtol=rtol, atol=atol)
    assert np.array_equal(S, mekong.cosine_similarity(X, n_jobs=3)) and np.array_equal(S, S.T)
    C = mekong.cosine_similarity(X, Y)
    np.testing.assert_allclose(C, sk_cosine(X.astype(np.float64), Y.astype(np.float64)), rtol=rtol, atol=atol)
    k = 5
    for other, ref in ((None, S), (Y, C)):
        idx, sc = mekong.top_k_similar(X, other, k=k, threshold=threshold)
        idx3, sc3 = mekong.top_k_similar(X, other, k=k, threshold=threshold, n_jobs=3)
        assert np.array_equal(idx, idx3) and np.array_equal(sc, sc3, equal_nan=True)
        R = ref.astype(np.float64).copy()
        if other is None:
            np.fill_diagonal(R, -np.inf)
        for i in range(n):
            order = [j for j in np.argsort(-R[i], kind="stable") if R[i, j] > threshold][:k]
            got = [int(j) for j in idx[i] if j >= 0]
            assert len(got) == len(order)
            np.testing.assert_allclose(sc[i, : len(got)], R[i, order], rtol=rtol, atol=atol)


def _non_canonical(X, seed, first=0.25):
    """X (canonical) with every stored value split into two duplicates (first, 1 - first) and the
    entries of each row shuffled: SciPy reads it as X."""
    X = X.tocoo()
    rng = np.random.default_rng(seed)
    order = rng.permutation(2 * X.nnz)
    rows = np.concatenate([X.row, X.row])[order]
    cols = np.concatenate([X.col, X.col])[order]
    vals = np.concatenate([first * X.data, (1 - first) * X.data])[order]
    by_row = np.argsort(rows, kind="stable")
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=X.shape[0]))])
    D = sp.csr_matrix((vals[by_row], cols[by_row], indptr), shape=X.shape)
    assert not D.has_canonical_format
    return D


def test_dense_product_path_reads_non_canonical_input_as_scipy_does():
    """Duplicates and unsorted indices in a matrix large enough for the dense product: the same
    result as the canonical matrix, as SciPy reads it (duplicates summed)."""
    canonical = _long_tailed_or_dense(150, 30, 6, False)
    D = _non_canonical(canonical, 5)
    np.testing.assert_allclose(mekong.cosine_similarity(D), sk_cosine(canonical), rtol=1e-12, atol=1e-13)
    a = mekong.top_k_similar(D, k=4)
    b = mekong.top_k_similar(canonical, k=4)
    np.testing.assert_allclose(a[1], b[1], rtol=1e-12, atol=1e-13)


def _slow_cosine(X, Y=None):
    """The obviously-correct reference: rows divided by their norms, then a dense product."""

    def unit(A):
        D = A.toarray().astype(np.float64)
        norms = np.sqrt((D * D).sum(axis=1, keepdims=True))
        return np.divide(D, norms, out=np.zeros_like(D), where=norms > 0)

    U = unit(X)
    return U @ (U if Y is None else unit(Y)).T


@pytest.mark.parametrize("dense_ish", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_tiled_matrix_against_slow_reference_across_part_and_chunk_edges(dense_ish, dtype):
    """The matrix is computed in tiles (64 rows of X against 2048 rows of Y, the sparse columns
    added to 8 or 16 rows at once) into a buffer that is never zero-filled: every cell, around the
    tiles' edges too, equals the slow reference, for any n_jobs, exactly symmetric."""
    n, m = 2100, 60
    X = _long_tailed_or_dense(n, m, 3, dense_ish).astype(dtype)
    Y = _long_tailed_or_dense(2050, m, 4, not dense_ish).astype(dtype)
    rtol, atol = (1e-12, 1e-12) if dtype == np.float64 else (1e-5, 1e-6)
    S = mekong.cosine_similarity(X)
    assert S.dtype == dtype and S.shape == (n, n)
    np.testing.assert_allclose(S, _slow_cosine(X), rtol=rtol, atol=atol)
    assert np.array_equal(S, S.T)
    assert np.array_equal(S, mekong.cosine_similarity(X, n_jobs=2))
    C = mekong.cosine_similarity(X, Y, n_jobs=3)
    assert C.dtype == dtype and C.shape == (n, 2050)
    np.testing.assert_allclose(C, _slow_cosine(X, Y), rtol=rtol, atol=atol)
    assert np.array_equal(C, mekong.cosine_similarity(X, Y))


def test_tiled_matrix_writes_every_cell_of_an_unzeroed_buffer():
    """The result's buffer is not zero-filled: rows that share no column must still read exactly 0.
    Freed blocks of the same size filled with 7s first, so that a cell the kernel skipped would show."""
    for n in (70, 130, 300):
        X = sp.identity(n, format="csr") * 3.0  # each row its own column: the identity matrix
        X = sp.vstack([X, sp.csr_matrix((5, n))]).tocsr()  # and empty rows
        for _ in range(3):
            junk = np.full((n + 5, n + 5), 7.0)
            del junk
            S = mekong.cosine_similarity(X)
            expected = np.zeros((n + 5, n + 5))
            expected[:n, :n] = np.eye(n)
            assert np.array_equal(S, expected)
            J = mekong.jaccard_similarity(X)
            assert np.array_equal(J, expected)


def test_tiled_matrix_equals_top_k_scores_bit_for_bit():
    """cosine_similarity and top_k_similar sum each score in the same order (the dense product,
    then the sparse columns in column order): the k best of the matrix are top_k_similar's, bits and all."""
    X = _long_tailed_or_dense(400, 80, 9, False)
    S = mekong.cosine_similarity(X)
    idx, sc = mekong.top_k_similar(X, k=7)
    R = S.copy()
    np.fill_diagonal(R, -np.inf)
    for i in range(400):
        order = [j for j in np.argsort(-R[i], kind="stable") if R[i, j] > 0][:7]
        got = [int(j) for j in idx[i] if j >= 0]
        assert got == order
        assert np.array_equal(sc[i, : len(got)], R[i, order])


def test_tiled_matrix_reads_non_canonical_input_as_scipy_does_past_a_chunk():
    """Duplicates and unsorted indices over more rows than one chunk: as SciPy reads them."""
    X = _long_tailed_or_dense(2100, 40, 12, False)
    D = _non_canonical(X, 8, first=0.5)
    np.testing.assert_allclose(mekong.cosine_similarity(D), _slow_cosine(X), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_mid_band_columns_against_slow_reference_top_k_bits_and_n_jobs(dtype):
    """Columns in 10-40% of the rows (the mid band: added row by row of Y against a table of each
    sub-block's values) beside dense and rare ones, symmetric and cross, over more than one part and
    chunk: equal to the slow reference, the same bits for any n_jobs, and top_k_similar's scores
    are the matrix's bits (both sum the dense product, the mid band, then the rare columns)."""
    rng = np.random.default_rng(17)
    n, m = 2100, 400
    share = np.where(np.arange(m) < 6, 0.7, np.where(np.arange(m) < 300, 0.1 + 0.3 * rng.random(m), 0.01))
    X = sp.csr_matrix((rng.random((n, m)) < share) * rng.integers(1, 6, size=(n, m))).astype(dtype)
    Y = X[::3]
    rtol, atol = (1e-12, 1e-12) if dtype == np.float64 else (1e-5, 1e-6)
    S = mekong.cosine_similarity(X)
    np.testing.assert_allclose(S, _slow_cosine(X), rtol=rtol, atol=atol)
    assert np.array_equal(S, S.T) and np.array_equal(S, mekong.cosine_similarity(X, n_jobs=2))
    C = mekong.cosine_similarity(X, Y)
    np.testing.assert_allclose(C, _slow_cosine(X, Y), rtol=rtol, atol=atol)
    assert np.array_equal(C, mekong.cosine_similarity(X, Y, n_jobs=3))
    for other, ref in ((None, S), (Y, C)):
        idx, sc = mekong.top_k_similar(X, other, k=4, n_jobs=2)
        assert (idx >= 0).all()
        assert np.array_equal(sc, np.take_along_axis(ref, idx, axis=1))
