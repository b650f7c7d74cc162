"""Streaming input (issue 13 item 1, issue 14 item 5): paths, folders, globs, generators and files,
counted in batches, give the matrix that counting everything in one call gives, bit for bit."""

from __future__ import annotations

import io
import os
import pickle
import random
import re

import numpy as np
import pytest
import scipy.sparse as sp

import mekong
from mekong import _stream

SAMPLE = mekong.datasets.load_sample().texts


def _corpus(n=120, seed=3):
    """Sample articles cut and recombined (seeded), with empty, stop-word-only and invalid-UTF-8
    documents among them, so batches of every kind occur."""
    rng = random.Random(seed)
    words = " ".join(SAMPLE).split()
    docs = []
    for i in range(n):
        if i % 17 == 5:
            docs.append("")
        elif i % 23 == 7:
            docs.append("và của là")
        else:
            start = rng.randrange(len(words) - 400)
            docs.append(" ".join(words[start : start + rng.randrange(5, 400)]))
    return docs


def _same(X, Y):
    """Bit-identical CSR: shape, dtypes, index arrays and values."""
    assert X.shape == Y.shape
    assert X.dtype == Y.dtype
    assert X.indptr.dtype == Y.indptr.dtype and X.indices.dtype == Y.indices.dtype
    np.testing.assert_array_equal(X.indptr, Y.indptr)
    np.testing.assert_array_equal(X.indices, Y.indices)
    np.testing.assert_array_equal(X.data, Y.data)


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of about 3 KB, so a corpus of 120 documents is counted in dozens of calls."""
    monkeypatch.setattr(_stream, "BATCH_BYTES", 3000)


OPTIONS = [
    {},
    {"words": False},
    {"min_df": 2, "max_df": 0.5},
    {"min_df": 0.05, "max_df": 30, "max_features": 40},
    {"max_features": 7, "binary": True},
    {"ngram_range": (1, 2), "stop_words": "vietnamese", "words": False},
    {"n_jobs": 2, "min_df": 3},
    {"clean": True, "aliases": True},
    {"phrases": True, "words": False},
    {"dtype": np.float32},
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "defaults")
def test_batched_fit_equals_one_call(options, monkeypatch):
    docs = _corpus()
    whole = mekong.CountVectorizer(**options)
    X = whole.fit_transform(docs)
    monkeypatch.setattr(_stream, "BATCH_BYTES", 3000)
    streamed = mekong.CountVectorizer(**options)
    Y = streamed.fit_transform(iter(docs))  # a one-shot iterator
    _same(X, Y)
    assert streamed.vocabulary_ == whole.vocabulary_
    assert list(streamed.get_feature_names_out()) == list(whole.get_feature_names_out())
    np.testing.assert_array_equal(streamed.n_replaced_, whole.n_replaced_)
    assert getattr(streamed, "aliases_", None) == getattr(whole, "aliases_", None)
    _same(whole.transform(docs[::-1]), streamed.transform(d for d in docs[::-1]))


def test_batched_fit_is_independent_of_n_jobs_and_batch_size(monkeypatch):
    docs = _corpus(200, seed=11)
    results = []
    for batch in (1, 700, 5000, 10**9):
        monkeypatch.setattr(_stream, "BATCH_BYTES", batch)
        for n_jobs in (1, 2):
            cv = mekong.CountVectorizer(n_jobs=n_jobs, min_df=2, max_features=300)
            results.append((cv.fit_transform(docs), cv.vocabulary_))
    for X, voc in results[1:]:
        _same(results[0][0], X)
        assert voc == results[0][1]


def test_batched_fit_against_a_slow_reference(small_batches):
    """Counts checked against a plain Python count over the analyzer's own terms."""
    docs = _corpus(60, seed=5)
    cv = mekong.CountVectorizer(min_df=2, max_df=0.8)
    X = cv.fit_transform(docs)
    analyze = mekong.CountVectorizer().build_analyzer()
    terms = [analyze(d) for d in docs]
    df = {}
    for t in terms:
        for w in set(t):
            df[w] = df.get(w, 0) + 1
    kept = sorted(w for w, n in df.items() if 2 <= n <= 0.8 * len(docs))
    assert list(cv.get_feature_names_out()) == kept
    col = {w: j for j, w in enumerate(kept)}
    dense = np.zeros((len(docs), len(kept)), dtype=np.int64)
    for i, t in enumerate(terms):
        for w in t:
            if w in col:
                dense[i, col[w]] += 1
    np.testing.assert_array_equal(X.toarray(), dense)


def test_empty_batches_keep_their_rows(small_batches):
    docs = ["Hợp tác với Lào"] + [""] * 50 + ["và"] * 30 + ["Attapư"]
    X = mekong.CountVectorizer(stop_words=["và"]).fit_transform(docs)
    assert X.shape[0] == len(docs)
    assert X[1:-1].nnz == 0


def test_empty_vocabulary_message_is_unchanged_by_batching(small_batches):
    with pytest.raises(ValueError, match="empty vocabulary"):
        mekong.CountVectorizer(stop_words=["và"]).fit_transform(["và"] * 5000)
    with pytest.raises(ValueError, match="After pruning, no terms remain"):
        mekong.CountVectorizer(min_df=2).fit_transform([f"w{i}" for i in range(5000)])
    with pytest.raises(ValueError, match="max_df corresponds to < documents than min_df"):
        mekong.CountVectorizer(min_df=0.9, max_df=0.1).fit_transform(_corpus(50))
    with pytest.raises(ValueError, match="empty corpus"):
        mekong.CountVectorizer().fit_transform(iter([]))


# -- where the documents come from ---------------------------------------------------------------
@pytest.fixture
def folder(tmp_path):
    docs = _corpus(40, seed=7)
    root = tmp_path / "news"
    for i, d in enumerate(docs):
        sub = root / ("a" if i % 2 else "b")
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{i:03d}.txt").write_text(d, encoding="utf-8")
    (root / "notes.md").write_text("not an article", encoding="utf-8")
    files = sorted(root.rglob("*.txt"))
    return root, files


def test_paths_folders_globs_and_generators_equal_the_texts(folder, small_batches):
    root, files = folder
    texts = [f.read_text(encoding="utf-8") for f in files]
    X = mekong.CountVectorizer().fit_transform(texts)
    forms = [
        [str(f) for f in files],
        files,
        (str(f) for f in files),
        str(root),
        root,
        [root / "a", root / "b"],
        str(root / "**" / "*.txt"),
    ]
    for raw in forms:
        cv = mekong.CountVectorizer(input="filename")
        _same(X, cv.fit_transform(raw))
        assert cv.skipped_files_ == []
    with_files = mekong.CountVectorizer(input="file")
    handles = [open(f, "rb") for f in files]  # noqa: SIM115
    try:
        _same(X, with_files.fit_transform(iter(handles)))
    finally:
        for h in handles:
            h.close()
    _same(X, mekong.CountVectorizer(input="file").fit_transform(io.StringIO(t) for t in texts))


def test_tfidf_from_a_folder_equals_the_texts(folder, small_batches):
    root, files = folder
    texts = [f.read_text(encoding="utf-8") for f in files]
    a = mekong.TfidfVectorizer().fit_transform(texts)
    b = mekong.TfidfVectorizer(input="filename").fit_transform(root)
    _same(a, b)


def _cp1258(text):
    """Windows-1258 bytes: tone marks as combining characters, ơ and ư precomposed (its form)."""
    import unicodedata

    nfd = unicodedata.normalize("NFD", text)
    for base in "oOuU":
        nfd = nfd.replace(base + "\u031b", unicodedata.normalize("NFC", base + "\u031b"))
    return nfd.encode("windows-1258")


def test_mixed_encodings(tmp_path, small_batches):
    texts = ["Hợp tác với Attapư", "Tỉnh ủy Kon Tum", "Hoà bình"] * 10
    paths = []
    for i, t in enumerate(texts):
        p = tmp_path / f"{i:02d}.txt"
        p.write_bytes(_cp1258(t) if i % 2 else t.encode("utf-8"))
        paths.append(p)
    X = mekong.CountVectorizer().fit_transform(texts)
    # str and bytes mixed in one iterable; bytes in the vectorizer's encoding.
    mixed = [t if i % 3 else t.encode("utf-8") for i, t in enumerate(texts)]
    _same(X, mekong.CountVectorizer().fit_transform(mixed))
    cp = [p for i, p in enumerate(paths) if i % 2]
    whole = mekong.CountVectorizer().fit(texts)
    legacy = mekong.CountVectorizer(input="filename", encoding="windows-1258", vocabulary=whole.vocabulary_)
    _same(X[1::2], legacy.fit_transform(cp))
    assert not legacy.n_replaced_.any()


def test_decode_error_strict_ignore_replace(tmp_path, small_batches):
    good = "Hợp tác với Lào".encode()
    bad = good[:4] + b"\xff\xfe" + good[4:]
    (tmp_path / "0.txt").write_bytes(good)
    (tmp_path / "1.txt").write_bytes(bad)
    cv = mekong.CountVectorizer(input="filename")
    cv.fit(tmp_path)
    assert list(cv.n_replaced_) == [0, 2]
    with pytest.raises(UnicodeDecodeError, match=r"1\.txt.*byte offset 4"):
        mekong.CountVectorizer(input="filename", decode_error="strict").fit(tmp_path)
    ignore = mekong.CountVectorizer(input="filename", decode_error="ignore").fit_transform(tmp_path)
    _same(ignore, mekong.CountVectorizer().fit_transform([good, good[:4] + good[4:]]))
    with pytest.raises(ValueError, match="decode_error"):
        mekong.CountVectorizer(decode_error="loud").fit(["a"])
    with pytest.raises((ValueError, LookupError), match="encoding"):
        mekong.CountVectorizer(decode_error="strict", encoding="x-no-such-codec").fit([b"a"])


def test_missing_file_names_it_and_returns_nothing(folder):
    root, files = folder
    cv = mekong.CountVectorizer(input="filename")
    missing = root / "gone.txt"
    with pytest.raises(FileNotFoundError, match="gone.txt"):
        cv.fit_transform([files[0], missing, files[1]])
    assert not hasattr(cv, "vocabulary_")  # no half-built estimator
    with pytest.raises(FileNotFoundError, match="no files match"):
        cv.fit_transform(str(root / "*.nothing"))


def test_on_error_skip_lists_the_skipped(folder):
    root, files = folder
    texts = [f.read_text(encoding="utf-8") for f in files[:2]]
    cv = mekong.CountVectorizer(input="filename", on_error="skip")
    X = cv.fit_transform([files[0], root / "gone.txt", files[1]])
    _same(X, mekong.CountVectorizer().fit_transform(texts))
    assert [(pos, os.path.basename(name)) for pos, name, _ in cv.skipped_files_] == [(1, "gone.txt")]
    assert "FileNotFoundError" in cv.skipped_files_[0][2]
    with pytest.raises(ValueError, match="on_error"):
        mekong.CountVectorizer(on_error="ignore").fit(["a"])


class _Broken(io.BytesIO):
    name = "broken.txt"

    def read(self, *args):
        raise OSError(5, "Input/output error")


def test_unreadable_file_object(small_batches):
    with pytest.raises(OSError, match="broken.txt"):
        mekong.CountVectorizer(input="file").fit([io.BytesIO(b"a b"), _Broken()])
    cv = mekong.CountVectorizer(input="file", on_error="skip")
    X = cv.fit_transform([io.BytesIO("Hợp tác".encode()), _Broken()])
    assert X.shape[0] == 1 and cv.skipped_files_[0][:2] == (1, "broken.txt")


@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="needs Linux's /proc")
def test_unreadable_path_names_it():
    # /proc/self/mem is a regular file that read() refuses (EIO), even for root.
    with pytest.raises(OSError, match="mem"):
        mekong.CountVectorizer(input="filename").fit(["/proc/self/mem"])


def test_input_errors():
    with pytest.raises(ValueError, match="string object received"):
        mekong.CountVectorizer().fit("Hợp tác")
    with pytest.raises(ValueError, match="input='filename'"):
        from pathlib import Path

        mekong.CountVectorizer().fit(Path("news"))
    with pytest.raises(TypeError, match="document 1 is int"):
        mekong.CountVectorizer().fit(["a", 3])
    with pytest.raises(TypeError, match="iterable"):
        mekong.CountVectorizer().fit(3)


def test_document_stream_refuses_a_second_pass_over_a_generator():
    stream = _stream.DocumentStream(d for d in ["a", "b"])
    assert list(stream) == ["a", "b"]
    with pytest.raises(ValueError, match="one-shot iterator"):
        list(stream)
    reusable = _stream.DocumentStream(["a", "b"])
    assert list(reusable) == list(reusable) == ["a", "b"]


def test_pickled_before_the_input_options_existed(small_batches):
    cv = mekong.CountVectorizer().fit(_corpus(30))
    state = cv.__getstate__()
    del state["decode_error"], state["on_error"]
    old = mekong.CountVectorizer.__new__(mekong.CountVectorizer)
    old.__dict__.update(state)
    _same(cv.transform(_corpus(30)), pickle.loads(pickle.dumps(old)).transform(_corpus(30)))


def test_row_appender_grows_in_place():
    a = _stream.RowAppender()
    parts = [sp.random(7, 9, density=0.3, format="csr", random_state=s, dtype=np.float64) for s in range(20)]
    for p in parts:
        a.append(p.data.astype(np.int64) + 1, p.indices.astype(np.int32), p.indptr)
    data, indices, indptr = a.finish()
    whole = sp.vstack(parts, format="csr")
    np.testing.assert_array_equal(indptr, whole.indptr)
    np.testing.assert_array_equal(indices, whole.indices)
    np.testing.assert_array_equal(data, whole.data.astype(np.int64) + 1)


# -- read_corpus ------------------------------------------------------------------------------------
def test_read_corpus_takes_a_generator_and_skips(folder):
    pytest.importorskip("pandas")
    root, files = folder
    texts, meta = mekong.read_corpus(p for p in [root / "a", root / "b"])
    assert len(texts) == len(files) == len(meta)
    with pytest.raises(FileNotFoundError, match="gone"):
        mekong.read_corpus([root / "a", root / "gone"])
    texts, meta = mekong.read_corpus([root / "a", root / "gone"], on_error="skip")
    assert len(texts) == len(list((root / "a").glob("*.txt")))
    assert [os.path.basename(n) for n, _ in meta.attrs["skipped_files"]] == ["gone"]


# -- partial_fit ----------------------------------------------------------------------------------
def _counts(seed=0, rows=90, cols=40, dtype=np.float64):
    X = sp.random(rows, cols, density=0.2, format="csr", random_state=seed, dtype=np.float64)
    X.data = np.ceil(X.data * 5)
    keep = np.ones(rows)
    keep[5] = 0  # an empty document
    X = (sp.diags(keep) @ X).tocsr().astype(dtype)
    X.eliminate_zeros()
    return X


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("smooth", [True, False])
def test_tfidf_partial_fit_equals_fit(dtype, smooth):
    X = _counts(dtype=dtype)
    whole = mekong.TfidfTransformer(smooth_idf=smooth).fit(X)
    part = mekong.TfidfTransformer(smooth_idf=smooth)
    for a in range(0, X.shape[0], 17):
        part.partial_fit(X[a : a + 17])
    np.testing.assert_array_equal(part.idf_, whole.idf_)
    assert part.idf_.dtype == whole.idf_.dtype
    assert part.n_samples_seen_ == X.shape[0]
    _same(part.transform(X), whole.transform(X))
    # and against scikit-learn's formula, computed here
    df = np.bincount(X.indices, minlength=X.shape[1])
    n = X.shape[0]
    ref = np.log((1 + n) / (1 + df)) + 1 if smooth else np.log(n / np.maximum(df, 1)) + 1
    mask = df > 0 if not smooth else np.ones_like(df, dtype=bool)
    np.testing.assert_allclose(part.idf_[mask], ref[mask], rtol=1e-6)
    with pytest.raises(ValueError, match="expecting 40"):
        part.partial_fit(X[:, :5])
    part.fit(X[:10])  # fit starts afresh
    assert part.n_samples_seen_ == 10


def test_bm25_partial_fit_equals_fit_bit_for_bit():
    X = _counts(seed=4, rows=101)
    X.data = X.data / 3.0  # values whose sums round: the order of addition matters
    whole = mekong.BM25Transformer().fit(X)
    part = mekong.BM25Transformer()
    for a in range(0, X.shape[0], 13):
        part.partial_fit(X[a : a + 13])
    assert part.avg_len_ == whole.avg_len_
    np.testing.assert_array_equal(part.idf_, whole.idf_)
    _same(part.transform(X), whole.transform(X))
    ref_df = np.bincount(X.indices, minlength=X.shape[1])
    n = X.shape[0]
    np.testing.assert_allclose(part.idf_, np.log(1 + (n - ref_df + 0.5) / (ref_df + 0.5)))
    assert part.avg_len_ == pytest.approx(X.sum() / n)
    roundtrip = pickle.loads(pickle.dumps(part)).partial_fit(X[:3])
    assert roundtrip.n_samples_seen_ == n + 3


def test_files_with_pruning_are_read_twice_not_held(folder, monkeypatch):
    """Documents from files and thresholds that prune: a first pass learns the vocabulary from
    document frequencies alone, a second counts against it; same matrix as the texts in one call."""
    root, files = folder
    texts = [f.read_text(encoding="utf-8") for f in files]
    options = dict(min_df=2, max_df=0.6, max_features=60)
    whole = mekong.CountVectorizer(**options)
    X = whole.fit_transform(texts)
    monkeypatch.setattr(_stream, "BATCH_BYTES", 3000)
    calls = {"count": 0, "count_fixed": 0}
    for name in calls:

        def spy(*a, _real=getattr(mekong._core, name), _name=name, **k):  # noqa: B008
            calls[_name] += 1
            return _real(*a, **k)

        monkeypatch.setattr(mekong._core, name, spy)
    appended = []
    real_append = _stream.RowAppender.append

    def append(self, data, indices, indptr, column_map=None):
        appended.append(len(data))
        return real_append(self, data, indices, indptr, column_map)

    monkeypatch.setattr(_stream.RowAppender, "append", append)
    cv = mekong.CountVectorizer(input="filename", **options)
    _same(X, cv.fit_transform(root))
    assert cv.vocabulary_ == whole.vocabulary_
    assert calls["count"] > 3 and calls["count_fixed"] > 3  # two passes, batch by batch
    assert sum(appended) == X.nnz  # only the kept entries were ever stored


def _python_first_invalid(doc):
    """The byte offset of a document's first invalid UTF-8 sequence by Python's own decoder, -1 if none."""
    if isinstance(doc, str):
        doc = doc.encode("utf-8", "surrogatepass")
    try:
        doc.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return -1


def test_first_invalid_and_strict_errors_keep_corpus_positions_across_batches(small_batches):
    # Batches of about 3 KB: the invalid documents sit in later batches, where a batch-local
    # position would be wrong.
    good = "Kon Tum hợp tác với Attapư về thương mại và du lịch. " * 20
    docs = [good] * 30
    docs[17] = good.encode("utf-8") + b"x\xff"
    docs[26] = good + "\ud800"
    for fixed in (False, True):
        cv = mekong.CountVectorizer(words=False)
        if fixed:
            cv.fit([good])
            cv.transform(docs)
        else:
            cv.fit(docs)
        assert cv.first_invalid_.tolist() == [_python_first_invalid(d) for d in docs]
    # Strict: the str with a lone surrogate is document 25 once document 17 is left out.
    want = f"document 25, byte offset {_python_first_invalid(docs[26])}: "
    with pytest.raises(ValueError, match=re.escape(want)):
        mekong.CountVectorizer(words=False, decode_error="strict").fit(docs[:17] + docs[18:])


def _random_tree(root, rng, depth=0):
    """Files and folders with names that sort in every way against each other ("b", "b.txt",
    "b0.txt", ".h.txt", "B.txt", non-ASCII), some not matching *.txt, folders named like files."""
    names = ["a", "b", "b.txt", "b0.txt", ".h.txt", "B.txt", "hòa.txt", "z.TXT", "x.txt2", "c-1.txt", "c.txt"]
    root.mkdir(exist_ok=True)
    for name in rng.sample(names, rng.randrange(1, len(names))):
        if depth < 3 and rng.random() < 0.3:
            _random_tree(root / name, rng, depth + 1)
        else:
            (root / name).write_text(name, encoding="utf-8")


@pytest.mark.parametrize("seed", range(12))
def test_folder_walk_order_equals_find_files(tmp_path, seed):
    from mekong.corpus import find_files

    _random_tree(tmp_path / "t", random.Random(seed))
    want = find_files([tmp_path / "t"], pattern="*.txt")
    assert not _stream._has_symlinks(tmp_path / "t")
    assert [str(p) for p in _stream._walk(tmp_path / "t")] == [str(p) for p in want]
    if want:
        assert [str(p) for p in _stream._expand(str(tmp_path / "t"))] == [str(p) for p in want]


def test_folder_with_a_symlink_is_listed_by_find_files(tmp_path):
    # A link to a file of the same folder counts the file once (find_files deduplicates by the
    # resolved path); the lazy walk does not deduplicate, so a tree with a link is not walked lazily.
    from mekong.corpus import find_files

    t = tmp_path / "t"
    t.mkdir()
    (t / "b.txt").write_text("Kon Tum", encoding="utf-8")
    os.symlink(t / "b.txt", t / "a.txt")
    assert _stream._has_symlinks(t)
    assert list(_stream._expand(str(t))) == find_files([t], pattern="*.txt")
    assert mekong.CountVectorizer(input="filename").fit_transform(t).shape[0] == 1


def test_empty_folder_names_it(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="empty"):
        mekong.CountVectorizer(input="filename").fit_transform(tmp_path / "empty")
