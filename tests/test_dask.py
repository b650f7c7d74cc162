"""mekong.dask on a two-process LocalCluster: every result equals the in-memory one on the same documents."""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import time

import numpy as np
import pytest
import scipy.sparse as sp

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")
db = pytest.importorskip("dask.bag")

import mekong  # noqa: E402 (after the importorskip lines)
import mekong.dask as md  # noqa: E402

pytestmark = [
    # distributed's own shutdown chatter (closed comms, a restarted worker) is not ours to fail on
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::UserWarning:distributed.*"),
    pytest.mark.filterwarnings("ignore::RuntimeWarning:distributed.*"),
]


@pytest.fixture(scope="module")
def client():
    """One cluster for the module: two worker processes, one thread each (as in CI)."""
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None, silence_logs=50
    )
    c = distributed.Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


def _corpus():
    """The bundled sample articles, plus rows that must keep their place: empty documents, a document of
    stop words only, a repeated document, and generated text whose term counts tie often."""
    rng = np.random.default_rng(13)
    syllables = ["ba", "bo", "ca", "cu", "da", "di", "ga", "go", "ha", "hu", "la", "lo", "ma", "mu"]
    made = [" ".join(rng.choice(syllables, size=int(rng.integers(0, 12)))) for _ in range(30)]
    texts = list(mekong.datasets.load_sample().texts)
    return texts[:20] + ["", "và của những", texts[0]] + made + [""] + texts[20:]


DOCS = _corpus()


def _bag(docs, sizes):
    """A bag with partitions of exactly these sizes (0 = an empty partition)."""
    assert sum(sizes) == len(docs)
    parts, at = [], 0
    for n in sizes:
        parts.append(dask.delayed(docs[at : at + n]))
        at += n
    return db.from_delayed(parts)


def _partitionings(n):
    return {
        "one": [n],
        "three": [n // 3, n // 3, n - 2 * (n // 3)],
        "uneven-with-empty": [0, 1, 0, n - 9, 5, 0, 3],
        "singletons-head": [1] * 7 + [n - 7],
    }


PARTITIONINGS = _partitionings(len(DOCS))


def _same_csr(A, B):
    A, B = sp.csr_matrix(A), sp.csr_matrix(B)
    assert A.shape == B.shape
    assert A.dtype == B.dtype
    A.sort_indices()
    B.sort_indices()
    assert np.array_equal(A.indptr, B.indptr)
    assert np.array_equal(A.indices, B.indices)
    assert np.array_equal(A.data, B.data)  # bit for bit: the same core, the same global state


COUNT_PARAMS = [
    {},
    {"min_df": 2},
    {"max_df": 0.5},
    {"min_df": 0.05, "max_df": 12},
    {"max_features": 40},
    {"max_features": 25, "binary": True},
    {"stop_words": "vietnamese", "ngram_range": (1, 2), "min_df": 2},
    {"words": False, "max_features": 60},
]


def _name(params):
    return ",".join(f"{k}={v}" for k, v in params.items()) or "default"


# Each option set on the partitioning with empty partitions and on one other (in turn), which keeps
# the cluster's work, and so CI's time, small while every partitioning meets several option sets.
_OTHERS = ["one", "three", "singletons-head"]
COUNT_CASES = [
    pytest.param(params, part, id=f"{_name(params)}-{part}")
    for i, params in enumerate(COUNT_PARAMS)
    for part in ("uneven-with-empty", _OTHERS[i % len(_OTHERS)])
]


@pytest.mark.parametrize("params, partitioning", COUNT_CASES)
def test_count_vectorizer_equals_in_memory(client, params, partitioning):
    ref = mekong.CountVectorizer(**params)
    expected = ref.fit_transform(DOCS)
    cv = md.CountVectorizer(**params)
    X = cv.fit_transform(_bag(DOCS, PARTITIONINGS[partitioning]))
    assert cv.vocabulary_ == ref.vocabulary_
    assert cv.fixed_vocabulary_ is False
    assert cv.n_documents_ == len(DOCS)
    # row counts known from pass 1 (da.concatenate leaves out empty blocks)
    assert X.chunks[0] == tuple(n for n in PARTITIONINGS[partitioning] if n)
    assert X.shape == expected.shape
    _same_csr(md.to_csr(X), expected)


TFIDF_PARAMS = [
    {},
    {"sublinear_tf": True, "norm": "l1"},
    {"smooth_idf": False, "min_df": 2},
    {"dtype": np.float32, "max_features": 30},
    {"use_idf": False, "max_df": 0.3},
    {"norm": None, "binary": True, "max_features": 50},
]


TFIDF_CASES = [
    pytest.param(params, part, id=f"{_name(params)}-{part}")
    for i, params in enumerate(TFIDF_PARAMS)
    for part in ("uneven-with-empty", _OTHERS[i % len(_OTHERS)])
]


@pytest.mark.parametrize("params, partitioning", TFIDF_CASES)
def test_tfidf_vectorizer_equals_in_memory(client, params, partitioning):
    ref = mekong.TfidfVectorizer(**params)
    expected = ref.fit_transform(DOCS)
    tv = md.TfidfVectorizer(**params)
    X = tv.fit_transform(_bag(DOCS, PARTITIONINGS[partitioning]))
    assert tv.vocabulary_ == ref.vocabulary_
    if ref.use_idf:
        assert tv.idf_.dtype == ref.idf_.dtype
        assert np.array_equal(tv.idf_, ref.idf_)
    _same_csr(md.to_csr(X), expected)


def test_idf_is_global_not_per_partition(client):
    """A term in every document of one partition and in none of the other: its idf comes from the whole corpus."""
    docs = ["mekong a"] * 4 + ["other b"] * 4
    tv = md.TfidfVectorizer(words=False).fit(_bag(docs, [4, 4]))
    n, df = 8, 4
    assert tv.idf_[tv.vocabulary_["mekong"]] == pytest.approx(np.log((1 + n) / (1 + df)) + 1, rel=1e-15)
    # ... and min_df counts documents over all partitions: "a" is in 4 documents, none in the second half.
    cv = md.CountVectorizer(words=False, min_df=5).fit(_bag(docs + ["mekong"], [4, 5]))
    assert list(cv.get_feature_names_out()) == ["mekong"]


def test_partition_without_terms_keeps_its_rows(client):
    """A partition of empty and stop-word-only documents has no terms of its own; its rows stay, empty."""
    docs = DOCS[:6] + ["", "và của những", ""] + DOCS[6:10]
    params = {"stop_words": "vietnamese"}
    tv = md.TfidfVectorizer(**params)
    X = md.to_csr(tv.fit_transform(_bag(docs, [6, 3, 4])))
    ref = mekong.TfidfVectorizer(**params)
    _same_csr(X, ref.fit_transform(docs))
    assert X[6:9].nnz == 0 and np.array_equal(tv.idf_, ref.idf_)


def test_max_features_tie_goes_to_the_term_that_sorts_first(client):
    """Counts tie across partitions: the in-memory rule keeps the terms that sort first."""
    docs = ["d c", "b a", "e", "d c b a"]  # a, b, c, d: 2 each; e: 1
    cv = md.CountVectorizer(words=False, max_features=3).fit(_bag(docs, [1, 1, 0, 2]))
    assert list(cv.get_feature_names_out()) == ["a", "b", "c"]
    assert cv.vocabulary_ == mekong.CountVectorizer(words=False, max_features=3).fit(docs).vocabulary_


def test_dask_dataframe_column(client):
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    frame = dd.from_pandas(pd.DataFrame({"text": DOCS, "n": range(len(DOCS))}), npartitions=4)
    tv = md.TfidfVectorizer(min_df=2)
    X = tv.fit_transform(frame["text"])
    ref = mekong.TfidfVectorizer(min_df=2)
    _same_csr(md.to_csr(X), ref.fit_transform(DOCS))
    assert np.array_equal(tv.idf_, ref.idf_)
    with pytest.raises(TypeError, match="one column"):
        md.CountVectorizer().fit(frame)


def test_transform_of_new_documents_and_to_local(client):
    cv = md.TfidfVectorizer(max_features=80).fit(_bag(DOCS, PARTITIONINGS["three"]))
    new = DOCS[5:15] + ["", "Attapư"]
    X = cv.transform(db.from_sequence(new, npartitions=3))
    assert np.isnan(X.shape[0])  # row chunks unknown until computed ...
    X_known = cv.transform(db.from_sequence(new, npartitions=3), lengths=True)
    assert X_known.shape[0] == len(new)  # ... or counted first
    local = cv.to_local()
    assert type(local) is mekong.TfidfVectorizer
    assert local.vocabulary_ == cv.vocabulary_ and np.array_equal(local.idf_, cv.idf_)
    _same_csr(md.to_csr(X), local.transform(new))
    _same_csr(md.to_csr(X_known), mekong.TfidfVectorizer(max_features=80).fit(DOCS).transform(new))
    empty = cv.transform(_bag(["", ""], [0, 2, 0]), lengths=True)  # every row kept, even with no terms
    assert md.to_csr(empty).shape == (2, len(cv.vocabulary_)) and md.to_csr(empty).nnz == 0
    again = pickle.loads(pickle.dumps(cv))
    _same_csr(md.to_csr(again.transform(db.from_sequence(new, npartitions=2))), local.transform(new))


def test_fixed_vocabulary(client):
    vocabulary = ["hợp tác", "Attapư", "kon_tum", "và"]
    ref = mekong.TfidfVectorizer(vocabulary=vocabulary)
    expected = ref.fit_transform(DOCS)
    tv = md.TfidfVectorizer(vocabulary=vocabulary)
    _same_csr(md.to_csr(tv.fit_transform(_bag(DOCS, PARTITIONINGS["uneven-with-empty"]))), expected)
    assert tv.vocabulary_ == ref.vocabulary_ and tv.fixed_vocabulary_ is True
    assert np.array_equal(tv.idf_, ref.idf_)
    cv = md.CountVectorizer(vocabulary=vocabulary)
    _same_csr(
        md.to_csr(cv.fit_transform(_bag(DOCS, PARTITIONINGS["three"]))),
        mekong.CountVectorizer(vocabulary=vocabulary).fit_transform(DOCS),
    )


def test_fitted_text_models_are_used_as_given(client):
    cleaner = mekong.Cleaner().fit(DOCS[:30])
    ref = mekong.CountVectorizer(clean=cleaner, min_df=2)
    expected = ref.fit_transform(DOCS)
    cv = md.CountVectorizer(clean=cleaner, min_df=2)
    _same_csr(md.to_csr(cv.fit_transform(_bag(DOCS, PARTITIONINGS["three"]))), expected)
    assert cv.vocabulary_ == ref.vocabulary_


@pytest.mark.parametrize(
    "params, option",
    [
        ({"clean": True}, "clean"),
        ({"names": True}, "names"),
        ({"aliases": True}, "aliases"),
        ({"phrases": True}, "phrases"),
        ({"clean": "cleaner-unfitted"}, "clean"),
    ],
)
def test_learned_text_models_are_refused_naming_the_option(params, option):
    if params.get("clean") == "cleaner-unfitted":
        params = {"clean": mekong.Cleaner()}
    with pytest.raises(ValueError, match=f"{option}="):
        md.TfidfVectorizer(**params).fit(db.from_sequence(DOCS[:4], npartitions=2))


def test_bad_input_errors(client):
    with pytest.raises(TypeError, match="dask.bag"):
        md.CountVectorizer().fit(DOCS)
    with pytest.raises(ValueError, match="empty corpus"):
        md.CountVectorizer().fit(_bag([], [0, 0]))
    with pytest.raises(ValueError, match="empty vocabulary"):
        md.CountVectorizer().fit(_bag(["", " ", ""], [1, 0, 2]))
    with pytest.raises(ValueError, match="After pruning"):
        md.CountVectorizer(words=False, min_df=2).fit(_bag(["a", "b c", "d"], [1, 2]))
    with pytest.raises(ValueError, match="max_df corresponds"):
        md.CountVectorizer(min_df=5, max_df=2).fit(_bag(DOCS, PARTITIONINGS["three"]))
    with pytest.raises(ValueError, match="norm"):
        md.TfidfVectorizer(norm="l3").fit(_bag(DOCS, PARTITIONINGS["three"]))
    with pytest.raises(TypeError, match="document"):  # a missing value in a column: the core names it
        md.CountVectorizer().fit(db.from_sequence(["a", None, "b"], npartitions=1))
    with pytest.raises(ValueError, match="input"):
        md.CountVectorizer(input="filename").fit(_bag(DOCS, PARTITIONINGS["one"]))


@pytest.mark.parametrize(
    "params",
    [
        {"n_features": 2**12, "alternate_sign": False, "norm": "l1"},
        {"n_features": 2**10, "stop_words": "vietnamese", "ngram_range": (1, 2), "words": False},
        {"n_features": 2**16, "analyzer": "char_wb", "ngram_range": (2, 3), "binary": True},
    ],
)
def test_hashing_vectorizer_equals_in_memory(client, params):
    hv = md.HashingVectorizer(**params)
    X = hv.fit_transform(_bag(DOCS, PARTITIONINGS["uneven-with-empty"]), lengths=True)
    assert X.shape == (len(DOCS), params["n_features"])
    expected = mekong.HashingVectorizer(**params).transform(DOCS)
    assert expected.nnz > 0
    _same_csr(md.to_csr(X), expected)


def test_hashing_vectorizer_has_the_vietnamese_analyzer(client):
    """Regression: mekong.dask.HashingVectorizer had scikit-learn's defaults (no NFC, no words), unlike this
    module's CountVectorizer; the two spellings of one word must land in one column, as in memory."""
    X = md.to_csr(md.HashingVectorizer(norm=None).transform(_bag(["Tỉnh uỷ và Tỉnh ủy", ""], [1, 1])))
    assert sorted(np.abs(X.data).tolist()) == [1.0, 2.0]  # "tỉnh ủy" twice, "và" once
    assert X.shape[0] == 2 and X[1].nnz == 0
    assert md.HashingVectorizer().get_params() == mekong.HashingVectorizer().get_params()
    with pytest.raises(ValueError, match="n_features"):
        md.HashingVectorizer(n_features=0).transform(_bag(DOCS, PARTITIONINGS["one"]))


# -- top-k by block pairs ----------------------------------------------------------------------------
def _assert_top_k_equal(got, expected, atol=1e-12):
    """Equal lists; where two candidates' scores tie to within rounding (the kernels' dense columns differ
    between a block and the whole matrix), their order may differ."""
    (gi, gs), (ei, es) = got, expected
    assert gi.shape == ei.shape and gs.dtype == es.dtype
    assert np.array_equal(gi < 0, ei < 0)
    np.testing.assert_allclose(np.nan_to_num(gs, nan=-9), np.nan_to_num(es, nan=-9), rtol=0, atol=atol)
    for r, c in zip(*np.nonzero(gi != ei)):
        tied = np.abs(es[r] - gs[r, c]) <= 10 * atol
        # the same candidate elsewhere among equal scores, or an equally good one at the cut
        assert gi[r, c] in set(ei[r][tied]) or tied[-1], (r, c, gi[r], ei[r])


def _slow_top_k(X, k, same=True):
    """Obviously-correct reference: dense cosine, own row left out, score > 0, ties to the lower index."""
    X = sp.csr_matrix(X, dtype=np.float64).toarray()
    norms = np.linalg.norm(X, axis=1)
    norms[norms == 0] = 1
    U = X / norms[:, None]
    S = U @ U.T
    n = len(S)
    width = min(k, n - 1)
    idx = np.full((n, width), -1, dtype=np.int64)
    sc = np.full((n, width), np.nan)
    for r in range(n):
        cand = [(-round(S[r, c], 12), c) for c in range(n) if c != r and S[r, c] > 0]
        for j, (neg, c) in enumerate(sorted(cand)[:width]):
            idx[r, j], sc[r, j] = c, -neg
    return idx, sc


@pytest.mark.parametrize("partitioning, k", [("one", 5), ("three", 1), ("uneven-with-empty", 5), ("three", 200)])
def test_top_k_similar_equals_in_memory(client, partitioning, k):
    tv = md.TfidfVectorizer(min_df=2)
    X = tv.fit_transform(_bag(DOCS, PARTITIONINGS[partitioning]))
    X_local = md.to_csr(X)
    got = md.top_k_similar(X, k=k)
    _assert_top_k_equal(got, mekong.top_k_similar(X_local, k=k))
    _assert_top_k_equal(got, _slow_top_k(X_local, k), atol=1e-9)


def test_top_k_similar_against_y_threshold_and_metrics(client):
    X = mekong.TfidfVectorizer(words=False).fit_transform(DOCS)
    blocks = [X[:10], X[10:11], X[11:40], X[40:]]
    Y = [X[::2], X[1::2]]
    Yfull = sp.vstack(Y, format="csr")
    _assert_top_k_equal(md.top_k_similar(blocks, Y, k=7), mekong.top_k_similar(X, Yfull, k=7))
    _assert_top_k_equal(md.top_k_similar(blocks, k=4, threshold=0.3), mekong.top_k_similar(X, k=4, threshold=0.3))
    for metric in ("dot", "jaccard"):
        _assert_top_k_equal(md.top_k_similar(blocks, k=6, metric=metric), mekong.top_k_similar(X, k=6, metric=metric))
    X32 = X.astype(np.float32)
    got = md.top_k_similar([X32[:25], X32[25:]], k=3)
    _assert_top_k_equal(got, mekong.top_k_similar(X32, k=3), atol=1e-6)
    lazy = md.top_k_similar(blocks, k=4, compute=False)  # a Delayed of the pair
    _assert_top_k_equal(dask.compute(lazy)[0], mekong.top_k_similar(X, k=4))
    with pytest.raises(ValueError, match="k must be"):
        md.top_k_similar(blocks, k=0)
    with pytest.raises(ValueError, match="columns"):
        md.top_k_similar(blocks, [X[:, :5]])


def test_story_candidates_equal_in_memory_reranked(client):
    X = mekong.TfidfVectorizer(stop_words="vietnamese").fit_transform(DOCS)
    got = md.story_candidates([X[:17], X[17:18], X[18:]], k=5)
    expected = mekong.top_k_similar(X, k=5, rerank="neighbours")
    _assert_top_k_equal(got, expected)


# -- a worker lost mid-computation -------------------------------------------------------------------
def _kill_worker_once(part, marker):
    """The first task to get here (across processes: an O_EXCL file) kills its own worker process."""
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return part
    os.close(fd)
    os.kill(os.getpid(), signal.SIGKILL)
    return part  # pragma: no cover


def test_worker_killed_mid_computation_result_still_equal(client, tmp_path):
    """Dask reruns the lost tasks on the surviving (or restarted) worker; the matrix equals the in-memory one."""
    params = {"min_df": 2, "max_features": 200}
    base = _bag(DOCS, PARTITIONINGS["three"])
    fit_marker, transform_marker = str(tmp_path / "fit"), str(tmp_path / "transform")
    tv = md.TfidfVectorizer(**params).fit(base.map_partitions(_kill_worker_once, fit_marker))
    X = tv.transform(base.map_partitions(_kill_worker_once, transform_marker))
    got = md.to_csr(X)
    assert os.path.exists(fit_marker) and os.path.exists(transform_marker)  # both passes lost a worker
    ref = mekong.TfidfVectorizer(**params)
    _same_csr(got, ref.fit_transform(DOCS))
    assert np.array_equal(tv.idf_, ref.idf_)
    client.wait_for_workers(2, timeout=30)


def test_worker_killed_between_the_passes_of_fit_transform(client):
    """fit_transform keeps pass 1's counts on the workers; when one holding them dies, Dask recomputes
    the lost partitions from the graph and the matrix still equals the in-memory one."""
    params = {"max_df": 0.6}
    X = md.TfidfVectorizer(**params).fit_transform(_bag(DOCS, PARTITIONINGS["three"]))
    held = client.has_what()  # worker -> keys in its memory: pass 1's counts, persisted
    victim = max(sorted(held), key=lambda w: len(held[w]))
    assert held[victim]
    with contextlib.suppress(OSError):  # CommClosedError: the call cannot answer, its worker is gone
        client.run(_kill_self, workers=[victim])
    deadline = time.monotonic() + 30
    while victim in client.scheduler_info()["workers"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert victim not in client.scheduler_info()["workers"]  # the worker and its share of pass 1 are gone
    _same_csr(md.to_csr(X), mekong.TfidfVectorizer(**params).fit_transform(DOCS))
    client.wait_for_workers(2, timeout=30)


def _kill_self():
    os.kill(os.getpid(), signal.SIGKILL)


def test_docstring_examples(client):
    import doctest

    failures, tried = doctest.testmod(md, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert tried > 0 and failures == 0


def test_import_mekong_needs_no_dask():
    """`import mekong` must not import dask (mekong.dask is the only module that does)."""
    import subprocess
    import sys

    code = "import sys, mekong; assert 'dask' not in sys.modules and 'mekong.dask' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_dask_hashing_needs_no_scikit_learn():
    """Regression: mekong.dask.HashingVectorizer was built on mekong.sklearn's, so it loaded scikit-learn."""
    import subprocess
    import sys

    code = (
        "import sys, dask, mekong.dask as md, dask.bag as db\n"
        "with dask.config.set(scheduler='sync'):\n"
        "    X = md.to_csr(md.HashingVectorizer(n_features=64).transform(db.from_sequence(['hợp tác'], npartitions=1)))\n"
        "assert X.shape == (1, 64) and X.nnz == 1\n"
        "assert 'sklearn' not in sys.modules, 'scikit-learn was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
