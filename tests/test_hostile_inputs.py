"""Hostile inputs at every public entry point: each gets a clear error (its type, and a message
naming the parameter) or a defined result in which every input document keeps its row, in time
linear in the input.

The defined results are checked against independent references: the same call on the input
repaired by Python itself (lone surrogates and invalid bytes -> U+FFFD, as ``str.encode`` /
``bytes.decode(..., "replace")`` do), on the corpus without the empty document, on a canonical
float64 copy of a sparse matrix (SciPy's ``sum_duplicates``), and the token count of a sentence
written out by hand.
"""

import time

import numpy as np
import pytest
import scipy.sparse as sp

import mekong

DOCS = ["Kon Tum hợp tác với Attapư về kinh tế.", "Tỉnh uỷ Kon Tum họp về kinh tế.", "Hà Nội mưa to."]
SYLLABLES = ["hợp", "tác", "kinh", "tế"]


def _replace(doc):
    """What a document means after repair: invalid bytes and lone surrogates become U+FFFD."""
    if isinstance(doc, bytes):
        return doc.decode("utf-8", "replace")
    return doc.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


# Text entry points, each as (call on a corpus, number of rows of its result).
TEXT_CALLS = {
    "CountVectorizer": (lambda d: mekong.CountVectorizer().fit_transform(d), lambda r: r.shape[0]),
    "CountVectorizer-content": (
        lambda d: mekong.CountVectorizer(input="content").fit_transform(d),
        lambda r: r.shape[0],
    ),
    "TfidfVectorizer": (lambda d: mekong.TfidfVectorizer().fit_transform(d), lambda r: r.shape[0]),
    "MinHash": (lambda d: mekong.MinHash().fit_transform(d), lambda r: r.shape[0]),
    "near_duplicates": (lambda d: mekong.near_duplicates(d), lambda r: len(r.labels)),
    "SearchIndex": (lambda d: mekong.SearchIndex().fit(d).matrix_, lambda r: r.shape[0]),
    "stories": (lambda d: mekong.stories(mekong.TfidfVectorizer().fit_transform(d)), lambda r: len(r.labels)),
    "tokenize": (lambda d: [mekong.tokenize(x) for x in d], len),
    "word_tokenize": (lambda d: mekong.word_tokenize([_replace(x) for x in d]), len),
    "extract_names": (lambda d: [mekong.extract_names(x) for x in d], len),
    "Phrases": (lambda d: mekong.Phrases(min_count=1).fit(d).pairs_, None),
}

HOSTILE = {
    "one_empty": DOCS + [""],
    "only_empty": ["", ""],
    "nul": ["a\x00b hợp\x00tác", "\x00", "x"],
    "lone_surrogates": ["hợp tác \ud800 kinh tế", "\udfff", "b \udc80c"],
    "invalid_bytes": [b"h\xe1\xbb\xa3p t\xc3 \xff\xfe kinh", b"abc\xe1\xbb", b"\xed\xa0\x80"],
    "combining_marks": ["a" + "\u0301" * (1 << 20), "b"],
    "one_url": ["https://x.vn/" + "a" * (1 << 20), "kinh tế"],
    "syllables_100k": [" ".join(SYLLABLES * 25_000), "b"],
}


@pytest.mark.parametrize("corpus", HOSTILE, ids=list(HOSTILE))
@pytest.mark.parametrize("call", TEXT_CALLS, ids=list(TEXT_CALLS))
def test_hostile_corpus_keeps_every_row(call, corpus):
    run, rows = TEXT_CALLS[call]
    docs = HOSTILE[corpus]
    try:
        result = run(docs)
    except ValueError as e:
        # The one error allowed here: nothing at all to count in the whole corpus.
        assert corpus == "only_empty" and "empty vocabulary" in str(e), e
        return
    if rows is not None:
        assert rows(result) == len(docs)


@pytest.mark.parametrize("corpus", ["nul", "lone_surrogates", "invalid_bytes", "one_empty"])
def test_hostile_corpus_counts_equal_the_repaired_corpus(corpus):
    docs = HOSTILE[corpus]
    # Syllables (words=False): what is compared is the repair, not where the word segmenter joins.
    cv = mekong.CountVectorizer(words=False)
    X = cv.fit_transform(docs)
    # The reference: Python's own repair, NUL as the separator it is (a control character).
    repaired = [_replace(d).replace("\x00", " ") for d in docs]
    if corpus == "one_empty":
        repaired = repaired[:-1]
        assert X[-1].nnz == 0
        X = X[:-1]
    ref = mekong.CountVectorizer(words=False)
    R = ref.fit_transform(repaired)
    assert list(cv.get_feature_names_out()) == list(ref.get_feature_names_out())
    assert (X != R).nnz == 0


def test_hostile_long_sentence_counts_every_syllable():
    X = mekong.CountVectorizer(words=False).fit_transform(HOSTILE["syllables_100k"])
    assert X[0].sum() == 100_000 and X.shape[0] == 2
    assert mekong.tokenize(HOSTILE["syllables_100k"][0], words=False) == SYLLABLES * 25_000


def test_hostile_url_is_one_link_not_a_million_tokens():
    X = mekong.CountVectorizer(urls="keep").fit_transform(HOSTILE["one_url"])
    assert X.shape[0] == 2 and X[0].nnz == 1
    assert mekong.CountVectorizer().fit(HOSTILE["one_url"]).get_feature_names_out().tolist() == ["kinh_tế"]


def test_hostile_strict_decoding_names_document_and_offset_once():
    docs = [b"ok", b"h\xe1\xbb\xa3p t\xc3 x"]
    with pytest.raises(UnicodeDecodeError, match=r"^'utf-8' codec can't decode .*: document 1, byte offset 7: invalid"):
        mekong.CountVectorizer(input="content", decode_error="strict").fit_transform(docs)
    try:
        mekong.CountVectorizer(input="content", decode_error="strict").fit_transform(docs)
    except UnicodeDecodeError as e:
        assert str(e).count("document 1") == 1, e  # was "document 1: document 1, byte offset 7"


# Wrong types: (call, the parameter the message must name).
WRONG_TYPE_CALLS = {
    "CountVectorizer.fit": (lambda v: mekong.CountVectorizer().fit(v), "documents"),
    "TfidfVectorizer.fit_transform": (lambda v: mekong.TfidfVectorizer().fit_transform(v), "documents"),
    "CountVectorizer.transform": (lambda v: mekong.CountVectorizer().fit(DOCS).transform(v), "documents"),
    "MinHash": (lambda v: mekong.MinHash().fit_transform(v), "documents"),
    "near_duplicates": (lambda v: mekong.near_duplicates(v), "documents"),
    "Phrases.fit": (lambda v: mekong.Phrases().fit(v), "documents"),
    "SearchIndex.fit": (lambda v: mekong.SearchIndex().fit(v), "documents"),
    "SearchIndex.rank": (lambda v: mekong.SearchIndex().fit(DOCS).rank(v), "queries"),
    "tokenize": (lambda v: mekong.tokenize(v), "text"),
    "word_tokenize": (lambda v: mekong.word_tokenize(v), "text"),
    "extract_names": (lambda v: mekong.extract_names(v), "text"),
    "normalize": (lambda v: mekong.normalize(v), "text"),
    "clean": (lambda v: mekong.clean(v), "text"),
    "read_corpus": (lambda v: mekong.read_corpus(v), "source"),
    "cosine_similarity": (lambda v: mekong.cosine_similarity(v), "X"),
    "top_k_similar": (lambda v: mekong.top_k_similar(v), "X"),
    "stories": (lambda v: mekong.stories(v), "X"),
}


@pytest.mark.parametrize("value", [5, None, 2.5], ids=["int", "None", "float"])
@pytest.mark.parametrize("call", WRONG_TYPE_CALLS, ids=list(WRONG_TYPE_CALLS))
def test_hostile_wrong_type_names_the_parameter(call, value):
    run, name = WRONG_TYPE_CALLS[call]
    if call == "SearchIndex.fit" and value is None:
        # None is fit()'s own default: "documents, or a fitted vectorizer and its matrix".
        with pytest.raises(ValueError, match="fit needs documents"):
            run(value)
        return
    with pytest.raises((TypeError, ValueError)) as info:
        run(value)
    assert name in str(info.value), info.value


@pytest.mark.parametrize("call", ["CountVectorizer.fit", "MinHash", "Phrases.fit", "tokenize", "read_corpus"])
def test_hostile_iterable_of_wrong_items_names_the_item(call):
    run, _ = WRONG_TYPE_CALLS[call]
    arg = [1, 2] if call != "tokenize" else 1
    with pytest.raises(TypeError, match="int"):
        run(arg)


X4 = mekong.TfidfVectorizer().fit_transform(DOCS + ["Kon Tum hợp tác"])

# Absurd parameters: (call, error type, pattern naming the parameter).
ABSURD = {
    "top_k k=-1": (lambda: mekong.top_k_similar(X4, k=-1), ValueError, "k must be"),
    "top_k k=1.5": (lambda: mekong.top_k_similar(X4, k=1.5), TypeError, "k must be"),
    "top_k n_jobs=0": (lambda: mekong.top_k_similar(X4, k=1, n_jobs=0), ValueError, "n_jobs"),
    "cosine n_jobs=0": (lambda: mekong.cosine_similarity(X4, n_jobs=0), ValueError, "n_jobs"),
    "cosine n_jobs='2'": (lambda: mekong.cosine_similarity(X4, n_jobs="2"), TypeError, "n_jobs"),
    "stories threshold=2": (lambda: mekong.stories(X4, threshold=2), ValueError, "threshold"),
    "stories threshold=nan": (lambda: mekong.stories(X4, threshold=float("nan")), ValueError, "threshold"),
    "stories k=-1": (lambda: mekong.stories(X4, k=-1), ValueError, "k must be"),
    "stories n_jobs=0": (lambda: mekong.stories(X4, n_jobs=0), ValueError, "n_jobs"),
    "near_duplicates threshold=2": (lambda: mekong.near_duplicates(DOCS, threshold=2), ValueError, "threshold"),
    "near_duplicates threshold=-1": (lambda: mekong.near_duplicates(DOCS, threshold=-1), ValueError, "threshold"),
    "near_duplicates n_jobs=0": (lambda: mekong.near_duplicates(DOCS, n_jobs=0), ValueError, "n_jobs"),
    "MinHash num_perm=0": (lambda: mekong.MinHash(num_perm=0).fit_transform(DOCS), ValueError, "num_perm"),
    "MinHash shingle=-1": (lambda: mekong.MinHash(shingle=-1).fit_transform(DOCS), ValueError, "shingle"),
    "MinHash n_jobs=0": (lambda: mekong.MinHash(n_jobs=0).fit_transform(DOCS), ValueError, "n_jobs"),
    "CountVectorizer ngram_range=(3,1)": (
        lambda: mekong.CountVectorizer(ngram_range=(3, 1)).fit(DOCS),
        ValueError,
        "ngram_range",
    ),
    "CountVectorizer ngram_range=(0,1)": (
        lambda: mekong.CountVectorizer(ngram_range=(0, 1)).fit(DOCS),
        ValueError,
        "ngram_range",
    ),
    "CountVectorizer n_jobs=0": (lambda: mekong.CountVectorizer(n_jobs=0).fit(DOCS), ValueError, "n_jobs"),
    "CountVectorizer n_jobs=2**40": (lambda: mekong.CountVectorizer(n_jobs=2**40).fit(DOCS), ValueError, "n_jobs"),
    "CountVectorizer min_df=2.0": (lambda: mekong.CountVectorizer(min_df=2.0).fit(DOCS), ValueError, "min_df"),
    "CountVectorizer max_features=-1": (
        lambda: mekong.CountVectorizer(max_features=-1).fit(DOCS),
        ValueError,
        "max_features",
    ),
    "TfidfVectorizer norm='l3'": (lambda: mekong.TfidfVectorizer(norm="l3").fit(DOCS), ValueError, "norm"),
    "HashingVectorizer ngram_range=(3,1)": (
        lambda: mekong.HashingVectorizer(ngram_range=(3, 1)).fit_transform(DOCS),
        ValueError,
        "ngram_range",
    ),
    "Phrases threshold=2": (lambda: mekong.Phrases(threshold=2).fit(DOCS), ValueError, "threshold"),
    "Phrases min_count=-1": (lambda: mekong.Phrases(min_count=-1).fit(DOCS), ValueError, "min_count"),
    "SearchIndex.rank k=-1": (lambda: mekong.SearchIndex().fit(DOCS).rank(["kinh tế"], k=-1), ValueError, "k must"),
    "SearchIndex.rank k=0": (lambda: mekong.SearchIndex().fit(DOCS).rank(["kinh tế"], k=0), ValueError, "k must"),
    "word_tokenize format='x'": (lambda: mekong.word_tokenize("a", format="x"), ValueError, "format"),
    "normalize tone_marks='x'": (lambda: mekong.normalize("a", tone_marks="x"), ValueError, "tone_marks"),
    "read_corpus on_error='x'": (lambda: mekong.read_corpus(".", on_error="x"), ValueError, "on_error"),
    "decode encoding='nope'": (lambda: mekong.decode(b"abc", encoding="nope"), ValueError, "encoding"),
}


@pytest.mark.parametrize("case", ABSURD, ids=list(ABSURD))
def test_hostile_absurd_parameter_names_itself(case):
    run, error, pattern = ABSURD[case]
    with pytest.raises(error, match=pattern):
        run()


def test_hostile_read_corpus_missing_source_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="nonexistent"):
        mekong.read_corpus(tmp_path / "nonexistent")
    with pytest.raises(FileNotFoundError, match=r"no files matching '\*\.txt'"):
        mekong.read_corpus(tmp_path)


# Matrix entry points, each with the number of rows of its result.
MATRIX_CALLS = {
    "cosine_similarity": lambda X: mekong.cosine_similarity(X),
    "cosine_similarity-XY": lambda X: mekong.cosine_similarity(X, X),
    "top_k_similar": lambda X: mekong.top_k_similar(X, k=2)[1],
    "jaccard_similarity": lambda X: mekong.jaccard_similarity(X),
    "TfidfTransformer": lambda X: mekong.TfidfTransformer().fit_transform(X),
    "BM25Transformer": lambda X: mekong.BM25Transformer().fit_transform(X),
    "story_neighbours": lambda X: mekong.story_neighbours(X)[1],
    "stories": lambda X: np.asarray(mekong.stories(X).labels),
}


def _noncanonical_forms():
    """One term-count matrix written in every non-canonical way, and its canonical float64 form."""
    rng = np.random.default_rng(7)
    rows, cols = rng.integers(0, 6, 60), rng.integers(0, 9, 60)
    vals = rng.integers(1, 4, 60).astype(np.float64)
    X = sp.coo_matrix((vals, (rows, cols)), shape=(6, 9))
    canon = X.tocsr()
    canon.sum_duplicates()
    # duplicates and unsorted indices in a CSR, written directly
    order = rng.permutation(60)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=6))])
    by_row = np.argsort(rows[order], kind="stable")
    dup = sp.csr_matrix((vals[order][by_row], cols[order][by_row], indptr), shape=(6, 9))
    zeros = canon.copy()
    zeros.data = np.concatenate([zeros.data, [0.0]])
    zeros.indices = np.concatenate([zeros.indices, [0]])
    zeros.indptr = zeros.indptr.copy()
    zeros.indptr[-1] += 1  # an explicit zero appended to the last row (column 0 sorted first or not)
    forms = {
        "duplicates_unsorted": dup,
        "int64": canon.astype(np.int64),
        "int32_values": canon.astype(np.int32),
        "coo": X,
        "csc": canon.tocsc(),
        "dense": canon.toarray(),
        "float32": canon.astype(np.float32),
    }
    return canon, forms


@pytest.mark.parametrize("call", MATRIX_CALLS, ids=list(MATRIX_CALLS))
def test_hostile_noncanonical_matrix_equals_canonical(call):
    run = MATRIX_CALLS[call]
    canon, forms = _noncanonical_forms()
    want = run(canon)
    want = want.toarray() if sp.issparse(want) else np.asarray(want)
    for name, form in forms.items():
        got = run(form)
        got = got.toarray() if sp.issparse(got) else np.asarray(got)
        assert got.shape[0] == canon.shape[0], name
        tol = 1e-5 if name == "float32" else 1e-12
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol, err_msg=name)


@pytest.mark.parametrize("call", MATRIX_CALLS, ids=list(MATRIX_CALLS))
def test_hostile_matrix_edge_shapes_keep_rows(call):
    run = MATRIX_CALLS[call]
    for X in (sp.csr_matrix((0, 4)), sp.csr_matrix((3, 0)), sp.csr_matrix((3, 4))):
        out = run(X)
        assert np.asarray(out.toarray() if sp.issparse(out) else out).shape[0] == X.shape[0]


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf], ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize("call", MATRIX_CALLS, ids=list(MATRIX_CALLS))
def test_hostile_nonfinite_matrix_is_an_error_naming_it(call, bad):
    # Regression: story_neighbours of a one-row matrix returned, and BM25Transformer said
    # "avg_len_ must be a finite number": every function now says which argument holds it.
    X = sp.csr_matrix(np.array([[bad, 1.0]]))
    with pytest.raises(ValueError, match=r"^X contains NaN or infinity"):
        MATRIX_CALLS[call](X)


def test_hostile_nonfinite_second_matrix_is_named():
    X = sp.csr_matrix(np.ones((2, 2)))
    Y = sp.csr_matrix(np.array([[np.nan, 1.0]]))
    with pytest.raises(ValueError, match=r"^Y contains NaN or infinity"):
        mekong.cosine_similarity(X, Y)


# Linear time: the same call on an input eight times longer takes at most 3 x 8 times as long (a
# quadratic stage would take 64 times). CPU time of the calling process, the best of three.
def _cpu(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


LINEAR = {
    "marks-CountVectorizer": (lambda n: ["a" + "\u0301" * n, "b"], lambda d: mekong.CountVectorizer().fit(d)),
    "marks-SearchIndex": (lambda n: ["a" + "\u0301" * n, "b kinh"], lambda d: mekong.SearchIndex().fit(d)),
    "url-tokenize": (lambda n: "https://x.vn/" + "a" * (8 * n), lambda d: mekong.tokenize(d, urls="keep")),
    "syllables-extract_names": (
        lambda n: " ".join(["Kon", "Tum", "hợp", "tác"] * (n // 8)),
        lambda d: mekong.extract_names(d),
    ),
    # One capitalised word of n syllables (the segmenter joins a capitalised run): its prefixes were
    # keyed one by one to find a name to cut after, n^2 (38 s for 500 KB).
    "capitalised-run-extract_names": (lambda n: "Quảng Trị " * (n // 8), lambda d: mekong.extract_names(d)),
    "capitalised-run-aliases": (
        lambda n: ["Hoàng Nam " * (n // 8), "Quảng Trị"],
        lambda d: mekong.CountVectorizer(aliases=True).fit(d),
    ),
    "syllables-MinHash": (lambda n: [" ".join(SYLLABLES * (n // 8))], lambda d: mekong.MinHash().fit_transform(d)),
}


@pytest.mark.parametrize("case", LINEAR, ids=list(LINEAR))
def test_hostile_input_time_is_linear(case):
    make, run = LINEAR[case]
    small, large = make(1 << 16), make(1 << 19)
    run(small)  # warm-up: models loaded, tables built
    t_small = max(_cpu(lambda: run(small)), 0.002)  # below the clock's useful resolution
    t_large = _cpu(lambda: run(large))
    assert t_large < 24 * t_small, (t_small, t_large)
