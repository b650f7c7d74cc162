"""Counting's fast path against a slow reference, for every combination of the real-article options.

The fast path is ``fit_transform``: one core worker per thread counts every document, with its
memos (raw token -> column, folded forms, alias keys) warm from the documents before. The
reference counts each document on its own: ``build_analyzer()`` makes a fresh core worker (cold
memos) and the analyzer's ``analyze`` path, whose terms are counted here with a ``Counter``. Both
use the same fitted models (furniture lines, name evidence, phrases), so any difference is a bug
in the fast path: a memo that returns another document's answer, a token dropped or double
counted, a row lost.
"""

import contextlib
import itertools
import pickle
import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mekong
from mekong.names import alias_key

# Pieces documents are made of: common syllables (some stop words), names in several spellings
# (Lao place names transliterated two ways, a name in NFD), numbers, markup, links, punctuation.
SYLLABLES = (
    "các của và là người tỉnh kinh tế hợp tác phát triển mưa lũ đường giao thông năm ngày hoà hòa thuỷ thủy".split()
)
NAMES = [
    "Attapư",
    "Ắt-ta-pư",
    "Attapu",
    "Xa-va-na-khệt",
    "Savannakhet",
    "Kon Tum",
    "Lê Văn An",
    "Trung Quốc",
    "Hà Nội",
    "Ha\u0300 No\u0323\u0302i",  # NFD
    "Việt Nam",
]
OTHER = ["3.500", "14/9", "12%", "http://a.vn/x?y=1", "**đậm**", "<b>tin</b>", "[Xem](http://b.vn)", "&amp;", "—"]
PUNCT = [".", ",", "!", "?", ":", " -", ";"]
FURNITURE = ["Trang chủ > Thời sự", "Chia sẻ Facebook", "Bản quyền thuộc báo Mẫu", "Xem thêm: Tin mới"]


@st.composite
def corpus(draw):
    """A small corpus: documents of sentences over the pieces above, some with furniture lines."""
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    n_docs = draw(st.integers(1, 7))
    docs = []
    for _ in range(n_docs):
        lines = []
        if rnd.random() < 0.5:
            lines.append(rnd.choice(FURNITURE))
        for _ in range(rnd.randint(0, 4)):
            words = []
            for i in range(rnd.randint(1, 14)):
                r = rnd.random()
                if r < 0.6:
                    w = rnd.choice(SYLLABLES)
                    words.append(w.capitalize() if i == 0 else w)
                elif r < 0.85:
                    words.append(rnd.choice(NAMES))
                else:
                    words.append(rnd.choice(OTHER))
            lines.append(" ".join(words) + rnd.choice(PUNCT))
        if rnd.random() < 0.5:
            lines.append(rnd.choice(FURNITURE))
        docs.append("\n".join(lines))  # may be empty: the row stays
    return docs


COMBOS = [
    dict(zip(("clean", "aliases", "stop_words", "phrases", "words"), values))
    for values in itertools.product([False, True], [False, True], [None, "vietnamese"], [None, True], [False, True])
]


def combo_id(options):
    on = [k if k != "stop_words" else "stop" for k, v in options.items() if v]
    return "+".join(on) or "plain"


def reference_counts(vectorizer, docs):
    """Each document's terms from a fresh analyzer, counted in Python, as a dense matrix over vocabulary_."""
    analyze = vectorizer.build_analyzer()
    vocabulary = vectorizer.vocabulary_
    dense = np.zeros((len(docs), len(vocabulary)), dtype=np.int64)
    seen = set()
    for row, doc in enumerate(docs):
        for term, n in Counter(analyze(doc)).items():
            seen.add(term)
            dense[row, vocabulary[term]] = n
    return dense, seen


def check_against_reference(options, docs):
    vec = mekong.CountVectorizer(**options)
    try:
        X = vec.fit_transform(docs)
    except ValueError as e:
        if "empty vocabulary" not in str(e):
            raise
        # The reference must agree that there is nothing to count (the models are fitted by now).
        analyze = vec.build_analyzer()
        assert all(not analyze(doc) for doc in docs)
        return
    assert X.shape[0] == len(docs)  # every document keeps its row
    dense, seen = reference_counts(vec, docs)
    assert seen == set(vec.vocabulary_), "the fitted vocabulary is not the set of terms the documents produce"
    np.testing.assert_array_equal(X.toarray(), dense)
    # Columns ascend within each row, as the CSR promises.
    for r in range(X.shape[0]):
        cols = X.indices[X.indptr[r] : X.indptr[r + 1]]
        assert np.all(np.diff(cols) > 0)


@pytest.mark.parametrize("options", COMBOS, ids=combo_id)
@settings(max_examples=8)
@given(docs=corpus())
def test_fast_count_matches_per_document_reference(options, docs):
    check_against_reference(options, docs)


@pytest.mark.parametrize("options", COMBOS, ids=combo_id)
def test_fast_count_matches_reference_on_one_fixed_corpus(options):
    # One corpus with every kind of piece in several documents, so the memos are hit across documents.
    rnd = random.Random(7)
    docs = []
    for d in range(12):
        lines = [FURNITURE[d % 2]]
        for _ in range(3):
            words = [rnd.choice(SYLLABLES + NAMES + OTHER) for _ in range(12)]
            lines.append("Theo " + " ".join(words) + ".")
        lines.append(FURNITURE[2 + d % 2])
        docs.append("\n".join(lines))
    docs.append("")
    check_against_reference(options, docs)


def test_alias_key_memo_gives_each_name_its_own_key():
    # Regression: alias keys are remembered per distinct name written; a memo keyed wrongly (by
    # hash alone, or by the key instead of the name) would give one spelling another's key.
    names = ["Attapư", "Ắt-ta-pư", "Attapu", "Savannakhet", "Xa-va-na-khệt", "Kon Tum", "Lê Văn An", "Chía"]
    docs = [f"Hôm nay ở {a} và {b} có mưa." for a in names for b in names]
    vec = mekong.CountVectorizer(aliases=True, words=False)
    vec.fit_transform(docs)
    assert vec.aliases_
    for column, spellings in vec.aliases_.items():
        for spelling in spellings:
            assert column == "name:" + alias_key(spelling), (column, spelling)


def _big_corpus(target_bytes=1_300_000):
    """Over the 1 MiB under which counting stays on one thread."""
    rnd = random.Random(3)
    docs, size = [], 0
    while size < target_bytes:
        lines = [FURNITURE[len(docs) % 4]]
        for _ in range(rnd.randint(1, 6)):
            words = [
                rnd.choice(SYLLABLES) if rnd.random() < 0.7 else rnd.choice(NAMES) for _ in range(rnd.randint(3, 25))
            ]
            words.append(f"x{rnd.randint(0, 5000)}")  # a long tail of distinct tokens
            lines.append(" ".join(words) + rnd.choice(PUNCT))
        doc = "\n".join(lines)
        docs.append(doc)
        size += len(doc.encode())
    docs.insert(len(docs) // 2, "")
    return docs


@pytest.mark.parametrize(
    "options",
    [dict(words=False), dict(clean=True, aliases=True, stop_words="vietnamese", phrases=True, words=True)],
    ids=["plain", "main-job+phrases"],
)
def test_n_jobs_bit_identical_on_the_fused_path(options):
    docs = _big_corpus()
    one = mekong.CountVectorizer(n_jobs=1, **options)
    two = mekong.CountVectorizer(n_jobs=2, **options)
    A, B = one.fit_transform(docs), two.fit_transform(docs)
    assert one.vocabulary_ == two.vocabulary_
    for name in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(A, name), getattr(B, name))
    if options.get("aliases"):
        assert one.aliases_ == two.aliases_


@contextlib.contextmanager
def staged_learning():
    """fit_text_models with the staged learning passes (the reference) instead of the fused one."""
    from mekong import _core

    fit = _core.fit_text_models

    def staged(docs, base, config, n_jobs, progress=None):
        assert config.fused  # the default: the fast path is the path users take
        config.fused = False
        return fit(docs, base, config, n_jobs, progress=progress)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_core, "fit_text_models", staged)
        yield


def _fit_all(options, docs, n_jobs=1):
    vec = mekong.CountVectorizer(n_jobs=n_jobs, **options)
    try:
        X = vec.fit_transform(docs)
    except ValueError as e:
        if "empty vocabulary" not in str(e):
            raise
        X = None
    evidence = pickle.dumps(vec.name_evidence_) if hasattr(vec, "name_evidence_") else None
    phrases = pickle.dumps(vec.phrases_.model_) if hasattr(vec, "phrases_") else None
    return vec, X, evidence, phrases


def _assert_same_fit(fused, ref):
    assert fused[2] is not None and fused[3] is not None  # both models were learned
    assert fused[2] == ref[2], "name evidence differs"
    assert fused[3] == ref[3], "phrase model differs"
    assert (fused[1] is None) == (ref[1] is None)
    if fused[1] is not None:
        assert fused[0].vocabulary_ == ref[0].vocabulary_
        assert (fused[1] != ref[1]).nnz == 0
        assert getattr(fused[0], "aliases_", None) == getattr(ref[0], "aliases_", None)


LEARNING_COMBOS = [
    dict(clean=c, aliases=a, names=True, stop_words="vietnamese", phrases=True, words=w)
    for c, a, w in itertools.product([False, True], [False, True], [False, True])
]


@pytest.mark.parametrize("options", LEARNING_COMBOS, ids=combo_id)
@settings(max_examples=6, deadline=None)
@given(docs=corpus())
def test_fused_learning_equals_staged_passes(options, docs):
    # Name evidence and phrases learned from one analysis of each document give the models, counts
    # and aliases the separate passes give, bit for bit.
    fused = _fit_all(options, docs)
    with staged_learning():
        ref = _fit_all(options, docs)
    _assert_same_fit(fused, ref)


def test_fused_learning_equals_staged_passes_on_two_threads():
    # A corpus over the size where the learning splits across threads, phrases learned for sure.
    rnd = random.Random(4)
    collocations = ["cửa khẩu quốc tế", "biên bản ghi nhớ", "Bờ Y", "mùa khô hạn"]
    docs = [d.replace(" x", f" {rnd.choice(collocations)} x", 1) for d in _big_corpus(400_000)]
    options = dict(clean=True, aliases=True, stop_words="vietnamese", phrases=True, words=True)
    fused = _fit_all(options, docs, n_jobs=2)
    with staged_learning():
        ref = _fit_all(options, docs, n_jobs=1)
    assert ("cửa_khẩu", "quốc_tế") in [(p[1], p[2]) for p in ref[0].phrases_.model_.pairs()]
    _assert_same_fit(fused, ref)


# -- the count reads the learning pass's preparations ------------------------------------------
# A fit_transform that learns name evidence keeps each document's preparation (decoded, NFC,
# cleaned, words) and counts from it instead of from the bytes. The reference: the same fit with
# nothing kept (MEKONG_PREPARED_CACHE_MB=0: every document counted from its bytes), and the staged
# learning passes. The counter tells which path ran, so neither comparison can pass vacuously.

PREPARED_COMBOS = [
    dict(clean=c, aliases=a, names=True, stop_words=s, phrases=p, words=w)
    for c, a, s, p, w in itertools.product(
        [False, True], [False, True], [None, "vietnamese"], [None, True], [False, True]
    )
]


def _fit_counted(options, docs, monkeypatch, budget_mb=None, n_jobs=1, **more):
    from mekong import _core

    if budget_mb is None:
        monkeypatch.delenv("MEKONG_PREPARED_CACHE_MB", raising=False)
    else:
        monkeypatch.setenv("MEKONG_PREPARED_CACHE_MB", str(budget_mb))
    before = _core.prepared_documents_counted()
    fit = _fit_all(dict(options, **more), docs, n_jobs=n_jobs)
    return fit, _core.prepared_documents_counted() - before


def _assert_same_counts(a, b):
    assert a[2] == b[2], "name evidence differs"
    assert a[3] == b[3], "phrase model differs"
    assert (a[1] is None) == (b[1] is None)
    if a[1] is not None:
        assert a[0].vocabulary_ == b[0].vocabulary_
        for name in ("indptr", "indices", "data"):
            np.testing.assert_array_equal(getattr(a[1], name), getattr(b[1], name))
        assert getattr(a[0], "aliases_", None) == getattr(b[0], "aliases_", None)
        np.testing.assert_array_equal(a[0].n_replaced_, b[0].n_replaced_)
        np.testing.assert_array_equal(a[0].first_invalid_, b[0].first_invalid_)


@pytest.mark.parametrize("options", PREPARED_COMBOS, ids=combo_id)
@settings(max_examples=5, deadline=None)
@given(docs=corpus())
def test_count_from_preparations_equals_count_from_bytes(options, docs):
    with pytest.MonkeyPatch.context() as mp:
        kept, n_kept = _fit_counted(options, docs, mp)
        raw, n_raw = _fit_counted(options, docs, mp, budget_mb=0)
        with staged_learning():
            staged, n_staged = _fit_counted(options, docs, mp)
    if kept[1] is not None:
        assert n_kept == len(docs)  # every document counted from its preparation
    assert n_raw == 0 and n_staged == 0
    _assert_same_counts(kept, raw)
    _assert_same_counts(kept, staged)


@pytest.mark.parametrize(
    "more",
    [dict(ngram_range=(1, 2)), dict(vocabulary=["hà_nội", "kon_tum", "hợp_tác", "mưa"]), dict(binary=True, min_df=2)],
    ids=["bigrams", "fixed-vocabulary", "binary-min_df"],
)
def test_count_from_preparations_other_count_options(more, monkeypatch):
    docs = _big_corpus(60_000)
    options = dict(clean=True, aliases=True, stop_words="vietnamese", phrases=True, words=True)
    kept, n_kept = _fit_counted(options, docs, monkeypatch, **more)
    raw, n_raw = _fit_counted(options, docs, monkeypatch, budget_mb=0, **more)
    assert n_kept == len(docs) and n_raw == 0
    _assert_same_counts(kept, raw)


def test_count_from_preparations_across_batches(monkeypatch):
    # The count reads a corpus in batches; each batch must read the preparations of its own
    # documents (offset by the documents before it), not the first batch's.
    from mekong import _stream

    docs = _big_corpus(60_000)
    options = dict(clean=True, aliases=True, stop_words="vietnamese", phrases=None, words=True)
    whole, _ = _fit_counted(options, docs, monkeypatch, budget_mb=0)
    monkeypatch.setattr(_stream, "BATCH_BYTES", 5000)
    kept, n_kept = _fit_counted(options, docs, monkeypatch)
    kept2, _ = _fit_counted(options, docs, monkeypatch, min_df=2)  # the two-pass count over batches
    whole2, _ = _fit_counted(options, docs, monkeypatch, budget_mb=0, min_df=2)
    assert n_kept == len(docs)
    _assert_same_counts(kept, whole)
    _assert_same_counts(kept2, whole2)


def test_count_from_preparations_n_jobs_bit_identical(monkeypatch):
    docs = _big_corpus()  # over the size where counting splits across threads
    for options in (
        dict(clean=True, aliases=True, stop_words="vietnamese", phrases=True, words=True),
        dict(clean=True, aliases=True, stop_words="vietnamese", words=True),
    ):
        one, n_one = _fit_counted(options, docs, monkeypatch, n_jobs=1)
        two, n_two = _fit_counted(options, docs, monkeypatch, n_jobs=2)
        ref, _ = _fit_counted(options, docs, monkeypatch, budget_mb=0, n_jobs=1)
        assert n_one == n_two == len(docs)
        _assert_same_counts(one, two)
        _assert_same_counts(one, ref)


def test_count_from_preparations_keeps_bad_input_guarantees(monkeypatch):
    # Invalid UTF-8 is counted (U+FFFD, replaced counts and offsets kept), NFD is composed, empty
    # documents keep their rows, and strict decoding names the same document from either path.
    docs = [
        "Ông Lê Văn An đến Ha\u0300 No\u0323\u0302i hôm qua.".encode(),
        b"",
        "Bà Nguyễn Thị Lan ở Kon Tum ".encode() + b"\xff\xfe" + " và Hà Nội.".encode(),
        "Hà Nội và Kon Tum hợp tác.".encode(),
    ]
    options = dict(clean=True, aliases=True, stop_words="vietnamese", words=True)
    kept, n_kept = _fit_counted(options, docs, monkeypatch)
    raw, _ = _fit_counted(options, docs, monkeypatch, budget_mb=0)
    assert n_kept == len(docs)
    _assert_same_counts(kept, raw)
    X = kept[1]
    assert X.shape[0] == 4 and X[1].nnz == 0
    assert kept[0].n_replaced_.tolist() == [0, 0, 2, 0]
    assert "name:hanoi" in kept[0].vocabulary_ and X[0, kept[0].vocabulary_["name:hanoi"]] == 1  # NFD composed
    errors = []
    for budget in (None, 0):
        with pytest.raises(ValueError) as e:
            _fit_counted(options, docs, monkeypatch, budget_mb=budget, decode_error="strict")
        errors.append(str(e.value))
    assert errors[0] == errors[1] and "document 2" in errors[0]
