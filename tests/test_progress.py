"""progress=True (issue 13, item 4): bars fed by the core's counters, totals = documents / rows,
results unchanged, silent without tqdm, the CLI's bars on a terminal and --quiet."""

import sys

import numpy as np
import pytest
import scipy.sparse as sp

import mekong
from mekong import _progress


class FakeBar:
    """Records what a tqdm bar is told."""

    made = []

    def __init__(self, total=None, desc=None, unit=None, **kwargs):
        self.total, self.desc, self.unit, self.updates, self.closed = total, desc, unit, [], False
        FakeBar.made.append(self)

    def update(self, n=1):
        assert isinstance(n, int) and n > 0  # the binding hands over only new units
        self.updates.append(n)

    def close(self):
        self.closed = True


@pytest.fixture
def bars(monkeypatch):
    FakeBar.made = []
    monkeypatch.setattr(_progress, "_tqdm_class", lambda: FakeBar)
    return FakeBar.made


def docs_of(n, words=40, seed=0):
    rng = np.random.default_rng(seed)
    vocab = ["Kon Tum", "hợp tác", "Attapư", "cửa khẩu", "Bờ Y", "giá lúa", "An Giang", "bão", "đổ bộ", "tỉnh"]
    return [" ".join(rng.choice(vocab, size=words)) + f" bài {i}." for i in range(n)]


def check_bar(bar, total):
    assert bar.total == total
    assert sum(bar.updates) == total  # every unit reported once by the core, none twice
    assert bar.closed


def by_desc(bars, desc):
    found = [b for b in bars if b.desc == desc]
    assert found, f"no bar {desc!r} among {[b.desc for b in bars]}"
    return found


def test_vectorizer_progress_totals_are_the_documents(bars):
    docs = docs_of(57)
    off = mekong.CountVectorizer().fit_transform(docs)
    assert bars == []  # progress off: no bar at all
    cv = mekong.CountVectorizer(progress=True)
    on = cv.fit_transform(docs)
    assert (on != off).nnz == 0
    (fit_bar,) = by_desc(bars, "count")
    check_bar(fit_bar, 57)
    bars.clear()
    again = cv.transform(docs[:20])
    (bar,) = by_desc(bars, "count")
    check_bar(bar, 20)
    assert (again != off[:20]).nnz == 0


def test_learning_passes_report_each_document_once(bars):
    docs = docs_of(31)
    kw = dict(clean=True, names=True, phrases=True, words=False)
    off = mekong.TfidfVectorizer(**kw).fit_transform(docs)
    on = mekong.TfidfVectorizer(progress=True, **kw).fit_transform(docs)
    assert np.array_equal(on.toarray(), off.toarray())
    for desc in ("clean: repeated lines", "names: evidence", "phrases", "count"):
        for bar in by_desc(bars, desc):
            check_bar(bar, 31)


def test_threaded_path_reports_while_it_runs(bars):
    # Over 256 KiB: the call runs on a core thread and the caller drains the counter as it waits.
    docs = docs_of(400, words=200, seed=1)
    assert sum(len(d.encode()) for d in docs) > 1 << 18
    off = mekong.CountVectorizer(n_jobs=2).fit_transform(docs)
    on = mekong.CountVectorizer(n_jobs=2, progress=True).fit_transform(docs)
    assert (on != off).nnz == 0
    check_bar(by_desc(bars, "count")[0], 400)


def test_similarity_and_top_k_totals_are_the_rows(bars):
    X = mekong.TfidfVectorizer().fit_transform(docs_of(45))
    S = mekong.cosine_similarity(X, progress=True)
    assert np.array_equal(S, mekong.cosine_similarity(X))
    check_bar(by_desc(bars, "cosine similarity")[0], 45)
    bars.clear()
    Y = X[:7]
    S2 = mekong.jaccard_similarity(Y, X, progress=True)
    assert np.array_equal(S2, mekong.jaccard_similarity(Y, X))
    check_bar(by_desc(bars, "jaccard similarity")[0], 7)
    bars.clear()
    idx, sc = mekong.top_k_similar(X, k=3, rerank="neighbours", progress=True)
    idx0, sc0 = mekong.top_k_similar(X, k=3, rerank="neighbours")
    assert np.array_equal(idx, idx0) and np.array_equal(sc, sc0, equal_nan=True)
    check_bar(by_desc(bars, "top-k")[0], 45)
    check_bar(by_desc(bars, "re-rank")[0], 45)


def test_stories_and_search_report_progress(bars):
    docs = docs_of(40, seed=3)
    X = mekong.TfidfVectorizer().fit_transform(docs)
    on = mekong.stories(X, threshold=0.3, progress=True)
    off = mekong.stories(X, threshold=0.3)
    assert np.array_equal(on.labels, off.labels)
    check_bar(by_desc(bars, "top-k")[0], 40)
    check_bar(by_desc(bars, "re-rank")[0], 40)
    bars.clear()
    index = mekong.SearchIndex(progress=True).fit(docs)
    check_bar(by_desc(bars, "count")[0], 40)
    got = index.rank(["Kon Tum hợp tác", "giá lúa An Giang", "bão"], k=4)
    check_bar(by_desc(bars, "search")[0], 3)
    want = mekong.SearchIndex().fit(docs).rank(["Kon Tum hợp tác", "giá lúa An Giang", "bão"], k=4)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1], equal_nan=True)


def test_progress_context_covers_the_sklearn_drop_in(bars):
    sk = pytest.importorskip("mekong.sklearn")
    docs = docs_of(23)
    with mekong.progress():
        on = sk.CountVectorizer().fit_transform(docs)
        sk.HashingVectorizer(n_features=64).transform(docs)
    off = sk.CountVectorizer().fit_transform(docs)
    assert (on != off).nnz == 0
    check_bar(by_desc(bars, "count")[0], 23)
    check_bar(by_desc(bars, "hash")[0], 23)


def test_no_tqdm_means_silent(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm raises ImportError
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    assert _progress._tqdm_class() is None
    docs = docs_of(12)
    X = mekong.CountVectorizer(progress=True).fit_transform(docs)
    assert (mekong.CountVectorizer().fit_transform(docs) != X).nnz == 0
    assert capsys.readouterr().err == ""


def test_a_failing_bar_raises_its_error_and_leaves_no_thread(monkeypatch):
    class Broken(FakeBar):
        def update(self, n=1):
            raise RuntimeError("bar broke")

    monkeypatch.setattr(_progress, "_tqdm_class", lambda: Broken)
    with pytest.raises(RuntimeError, match="bar broke"):
        mekong.CountVectorizer(progress=True).fit_transform(docs_of(20))
    # The module still works afterwards (the core thread was joined, not abandoned).
    assert mekong.CountVectorizer().fit_transform(docs_of(3)).shape[0] == 3


def test_progress_must_be_a_bool():
    with pytest.raises(TypeError, match="progress must be True or False"):
        mekong.cosine_similarity(sp.identity(3, format="csr"), progress="yes")
    with pytest.raises(TypeError, match="progress must be True or False"):
        mekong.CountVectorizer(progress=1).fit_transform(["a b"])


def test_cli_shows_bars_on_a_terminal_and_quiet_hides_them(bars, monkeypatch, tmp_path):
    from mekong.__main__ import main

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert main(["-o", str(tmp_path / "a")]) == 0
    n = len(mekong.datasets.load_sample())
    check_bar(by_desc(bars, "count")[0], n)
    bars.clear()
    assert main(["--quiet", "-o", str(tmp_path / "b")]) == 0
    assert bars == []
