"""scikit-learn's tokenizing parameters on the top-level mekong vectorizers (strip_accents,
preprocessor, tokenizer, token_pattern, analyzer; build_*; get_stop_words; decode; the idf_ setter),
checked against scikit-learn's own classes with matching settings, and against hand-computed values
for what only mekong does (NFC and tone marks first, strip_accents after word segmentation)."""

from __future__ import annotations

import inspect
import pickle
import re
import unicodedata
from collections import Counter

import numpy as np
import pytest

import mekong
from mekong._options import OPTIONS, SKLEARN_TEXT, WORD_MODEL_PATH, signature

sk_text = pytest.importorskip("sklearn.feature_extraction.text")
from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SK_PATTERN = r"(?u)\b\w\w+\b"

# Precomposed letters only (text that is NFC already), so scikit-learn (no NFC) sees what mekong
# sees with tone_marks=None; capitals, digits, punctuation and the white space char n-grams fold.
ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĐÊÔƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ0129 ,.-_\n\t"
WORDS = st.text(alphabet=ALPHABET, min_size=0, max_size=40)
CORPORA = st.lists(WORDS, min_size=1, max_size=8)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def upper(text):  # module-level callables pickle
    return text.upper()


def split_words(text):
    return text.split()


def first_letters(text):
    return [w[:1] for w in text.split()]


def _both(ours, theirs, docs):
    """The two vectorizers' fit_transform, or the two errors' types (both must fail alike)."""
    try:
        want = theirs.fit_transform(docs)
    except ValueError:
        with pytest.raises(ValueError):
            ours.fit_transform(docs)
        return None, None
    got = ours.fit_transform(docs)
    return got, want


def _same_fit(ours, theirs, docs):
    got, want = _both(ours, theirs, docs)
    if got is None:
        return
    assert ours.vocabulary_ == theirs.vocabulary_
    assert got.shape == want.shape
    np.testing.assert_allclose(got.toarray(), want.toarray(), rtol=1e-12, atol=1e-12)
    again = ours.transform(docs)
    np.testing.assert_allclose(again.toarray(), theirs.transform(docs).toarray(), rtol=1e-12, atol=1e-12)
    if hasattr(theirs, "idf_"):
        np.testing.assert_allclose(ours.idf_, theirs.idf_, rtol=1e-12)


# -- the signature ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["CountVectorizer", "TfidfVectorizer"])
def test_every_scikit_learn_parameter_is_a_top_level_parameter(name):
    ours = inspect.signature(getattr(mekong, name).__init__).parameters
    theirs = inspect.signature(getattr(sk_text, name).__init__).parameters
    assert set(theirs) - {"self"} <= set(ours)
    # declared once, in the options table: the signature and the docstring follow from it
    assert set(SKLEARN_TEXT) <= {n for n, _ in signature(name)}
    doc = inspect.getdoc(getattr(mekong, name)) if name == "CountVectorizer" else ""
    for option in SKLEARN_TEXT:
        assert OPTIONS[option].default == inspect.signature(getattr(sk_text, name)).parameters[option].default or (
            option == "token_pattern"  # None: the Vietnamese segmenter, mekong's default
        )
        if doc:
            assert OPTIONS[option].doc.splitlines()[0].split(", default=")[0] in doc


@pytest.mark.parametrize(
    "method", ["build_analyzer", "build_tokenizer", "build_preprocessor", "get_stop_words", "decode"]
)
def test_the_top_level_classes_have_scikit_learns_methods(method):
    for cls in (mekong.CountVectorizer, mekong.TfidfVectorizer):
        assert callable(getattr(cls, method))


# -- parity with scikit-learn over hypothesis corpora -----------------------------------------------------

CASES = [
    dict(token_pattern=SK_PATTERN),
    dict(token_pattern=SK_PATTERN, lowercase=False, ngram_range=(1, 2)),
    dict(token_pattern=r"\b\w+\b", min_df=2),
    dict(token_pattern=r"[a-zđ]+", max_df=0.6),  # not a run of \w: ICU's regular expressions
    dict(token_pattern=r"(\w+)-", ngram_range=(1, 3)),  # one group: the group is the token
    dict(token_pattern=SK_PATTERN, stop_words=["an", "ba", "đi", "và"]),
    dict(token_pattern=SK_PATTERN, strip_accents="unicode"),
    dict(token_pattern=SK_PATTERN, strip_accents="ascii", binary=True),
    dict(analyzer="char", ngram_range=(1, 3)),
    dict(analyzer="char_wb", ngram_range=(2, 4)),
    dict(analyzer="char_wb", ngram_range=(2, 3), strip_accents="unicode", lowercase=False),
    dict(tokenizer=split_words, ngram_range=(1, 2)),
    dict(tokenizer=split_words, stop_words=["và"], strip_accents="ascii"),
    dict(token_pattern=SK_PATTERN, preprocessor=upper),
    dict(analyzer="char_wb", preprocessor=upper, ngram_range=(1, 2)),
    dict(analyzer=first_letters),
]


def _ids(case):
    return ",".join(f"{k}={getattr(v, '__name__', v)}" for k, v in case.items())


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
@FAST
@given(docs=CORPORA)
def test_count_vectorizer_matches_scikit_learn(case, docs):
    theirs = dict(case)
    if "tokenizer" in case or callable(case.get("analyzer")):
        theirs["token_pattern"] = None  # scikit-learn warns that it is unused otherwise
    _same_fit(mekong.CountVectorizer(tone_marks=None, **case), sk_text.CountVectorizer(**theirs), docs)


@pytest.mark.parametrize(
    "case",
    [dict(token_pattern=SK_PATTERN, sublinear_tf=True), dict(analyzer="char_wb", ngram_range=(2, 3), norm="l1")],
    ids=["pattern", "char_wb"],
)
@FAST
@given(docs=CORPORA)
def test_tfidf_vectorizer_matches_scikit_learn(case, docs):
    _same_fit(mekong.TfidfVectorizer(tone_marks=None, **case), sk_text.TfidfVectorizer(**case), docs)


@FAST
@given(docs=CORPORA, limit=st.integers(1, 6))
def test_max_features_matches_scikit_learn_when_no_tie_at_the_cut(docs, limit):
    ours = mekong.CountVectorizer(tone_marks=None, token_pattern=SK_PATTERN, max_features=limit)
    theirs = sk_text.CountVectorizer(max_features=limit)
    try:
        full = sk_text.CountVectorizer().fit_transform(docs)
    except ValueError:
        return
    totals = np.sort(np.asarray(full.sum(axis=0)).ravel())[::-1]
    # scikit-learn's argsort is not stable: where the cut falls inside a tie its choice is arbitrary
    assume(len(totals) <= limit or totals[limit - 1] != totals[limit])
    _same_fit(ours, theirs, docs)


@FAST
@given(docs=CORPORA)
def test_a_fixed_vocabulary_with_a_token_pattern_matches_scikit_learn(docs):
    vocabulary = ["anh", "bình", "hòa", "đi", "và", "ba ba"]
    ours = mekong.CountVectorizer(tone_marks=None, token_pattern=SK_PATTERN, ngram_range=(1, 2), vocabulary=vocabulary)
    theirs = sk_text.CountVectorizer(ngram_range=(1, 2), vocabulary=vocabulary)
    assert np.array_equal(ours.fit_transform(docs).toarray(), theirs.fit_transform(docs).toarray())
    assert ours.vocabulary_ == theirs.vocabulary_


# -- what mekong adds: NFC and tone marks first; strip_accents after segmentation -----------------------------


@pytest.mark.parametrize("options", [dict(token_pattern=SK_PATTERN), dict(analyzer="char_wb", ngram_range=(2, 3))])
def test_a_token_pattern_reads_nfc_text_with_one_tone_placement(options):
    nfc = ["Hòa bình và hoà giải", "Thủy điện, thuỷ lợi"]
    nfd = [unicodedata.normalize("NFD", d) for d in nfc]
    a = mekong.CountVectorizer(**options)
    b = mekong.CountVectorizer(**options)
    assert (a.fit_transform(nfc) != b.fit_transform(nfd)).nnz == 0 and a.vocabulary_ == b.vocabulary_
    if "token_pattern" in options:
        # by hand: "hoà" is placed as "hòa", "thuỷ" as "thủy" (traditional placement)
        assert sorted(a.vocabulary_) == ["bình", "giải", "hòa", "lợi", "thủy", "và", "điện"]
        assert a.transform(["hoà HÒA"]).toarray()[0, a.vocabulary_["hòa"]] == 2


def test_strip_accents_on_the_vietnamese_analyzer_strips_words_after_segmentation():
    cv = mekong.CountVectorizer(strip_accents="unicode")
    X = cv.fit_transform(["Hợp tác với Attapư", "hòa bình, hoa binh, Đà Nẵng"])
    # by hand: the segmenter finds hợp_tác and hòa_bình from the marked text (not "hoa binh",
    # which it reads as two syllables); then NFKD drops the marks (đ is a letter, not a base
    # letter with a mark: it stays under "unicode")
    assert list(cv.get_feature_names_out()) == ["attapu", "binh", "hoa", "hoa_binh", "hop_tac", "voi", "đa_nang"]
    assert X.toarray().tolist() == [[1, 0, 0, 0, 1, 1, 0], [0, 1, 1, 1, 0, 0, 1]]
    ascii_cv = mekong.CountVectorizer(strip_accents="ascii").fit(["Đà Nẵng"])
    assert list(ascii_cv.get_feature_names_out()) == ["a_nang"]  # "ascii" drops đ (not ASCII after NFKD)


def test_strip_accents_callable_and_fixed_vocabulary_on_the_vietnamese_analyzer():
    def no_marks(term):
        return "".join(c for c in unicodedata.normalize("NFD", term) if not unicodedata.combining(c))

    # a given vocabulary is normalized as the terms are: then stripped
    cv = mekong.CountVectorizer(strip_accents=no_marks, vocabulary=["hợp_tác", "hòa_bình"])
    X = cv.fit_transform(["Hợp tác hòa bình", "Hòa Bình", "hợp"])
    assert cv.vocabulary_ == {"hop_tac": 0, "hoa_binh": 1}
    assert X.toarray().tolist() == [[1, 1], [0, 1], [0, 0]]


def test_a_preprocessor_runs_before_the_vietnamese_analyzer():
    def drop_brackets(text):
        return re.sub(r"\[[^]]*\]", " ", text)

    cv = mekong.CountVectorizer(preprocessor=drop_brackets)
    X = cv.fit_transform(["Hợp tác [quảng cáo] với Attapư", "[ảnh]"])
    assert list(cv.get_feature_names_out()) == ["attapư", "hợp_tác", "với"]
    assert X.shape == (2, 3) and X[1].nnz == 0  # every document keeps its row


def test_decode_errors_are_counted_on_the_new_paths():
    cv = mekong.CountVectorizer(token_pattern=SK_PATTERN)
    cv.fit([b"ab\xffcd hai", "ba bon"])
    assert cv.n_replaced_.tolist() == [1, 0] and cv.first_invalid_.tolist() == [2, -1]
    assert sorted(cv.vocabulary_) == ["ab", "ba", "bon", "cd", "hai"]
    with pytest.raises(UnicodeDecodeError, match="byte offset 2"):
        mekong.CountVectorizer(token_pattern=SK_PATTERN, decode_error="strict").fit([b"ab\xffcd"])


# -- contradictions -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options, names",
    [
        (dict(token_pattern=SK_PATTERN, names=True), ("names=True", "token_pattern=")),
        (dict(analyzer="char", aliases=True), ("aliases=True", "analyzer='char'")),
        (dict(tokenizer=split_words, phrases=True), ("phrases=True", "tokenizer=")),
        (dict(token_pattern=SK_PATTERN, clean=True), ("clean=True", "token_pattern=")),
        (dict(analyzer="char_wb", user_dictionary=["hợp tác"]), ("user_dictionary=", "analyzer='char_wb'")),
        (dict(token_pattern=SK_PATTERN, urls="keep"), ("urls='keep'", "token_pattern=")),
        (dict(token_pattern=SK_PATTERN, min_token_length=2), ("min_token_length=2", "token_pattern=")),
        (dict(token_pattern=SK_PATTERN, words=str(WORD_MODEL_PATH)), ("words=", "token_pattern=")),
        (dict(analyzer="char", stop_words="vietnamese"), ("stop_words='vietnamese'", "analyzer='char'")),
        (dict(analyzer="char", token_pattern=SK_PATTERN), ("token_pattern=", "analyzer='char'")),
        (dict(analyzer="char_wb", tokenizer=split_words), ("tokenizer=", "analyzer='char_wb'")),
        (dict(tokenizer=split_words, token_pattern=SK_PATTERN), ("token_pattern=", "tokenizer=")),
    ],
)
def test_contradictory_options_are_refused_naming_both(options, names):
    for cls in (mekong.CountVectorizer, mekong.TfidfVectorizer):
        with pytest.raises(ValueError) as info:
            cls(**options).fit(["Hợp tác với Attapư"])
        for name in names:
            assert name in str(info.value)
        with pytest.raises(ValueError):
            cls(**options).build_analyzer()


@pytest.mark.parametrize(
    "options, error",
    [
        (dict(analyzer="words"), ValueError),
        (dict(strip_accents="latin"), ValueError),
        (dict(token_pattern=r"(a)(b)"), ValueError),
        (dict(token_pattern=r"(unclosed"), re.error),
        (dict(tokenizer="split"), TypeError),
        (dict(preprocessor=3), TypeError),
        (dict(token_pattern=3), TypeError),
    ],
)
def test_bad_values_are_refused(options, error):
    with pytest.raises(error):
        mekong.CountVectorizer(**options).fit(["hai ba"])


def test_a_two_group_pattern_gives_scikit_learns_message():
    with pytest.raises(ValueError) as ours:
        mekong.CountVectorizer(token_pattern=r"(a)(b)").fit(["ab"])
    with pytest.raises(ValueError) as theirs:
        sk_text.CountVectorizer(token_pattern=r"(a)(b)").fit(["ab"])
    assert str(ours.value) == str(theirs.value)


# -- build_* and pickling -------------------------------------------------------------------------------------

PATHS = [
    dict(),
    dict(names=True),
    dict(strip_accents="unicode"),
    dict(preprocessor=upper),
    dict(token_pattern=SK_PATTERN, stop_words=["và"]),
    dict(token_pattern=r"[^\W\d]+", strip_accents="ascii"),
    dict(analyzer="char_wb", ngram_range=(2, 3)),
    dict(tokenizer=split_words, ngram_range=(1, 2)),
    dict(analyzer=first_letters),
    dict(token_pattern=r"(?x) \w+ "),  # verbose mode: Python's re, as mekong.sklearn does
]


@pytest.mark.parametrize("options", PATHS, ids=[_ids(c) for c in PATHS])
def test_built_analyzer_pickles_and_gives_the_terms_fit_counts(options):
    docs = ["Hợp tác với Attapư, hoà bình", "Tỉnh uỷ Kon Tum và Tỉnh ủy", "Ắt-ta-pư 2025 và Kon Tum"]
    cv = mekong.CountVectorizer(**options)
    X = cv.fit_transform(docs).toarray()
    analyzer = pickle.loads(pickle.dumps(cv.build_analyzer()))
    for row, doc in zip(X, docs):
        counts = Counter(analyzer(doc))
        assert {t: row[j] for t, j in cv.vocabulary_.items() if row[j]} == dict(counts)
        assert analyzer(doc.encode("utf-8")) == analyzer(doc)  # bytes are decoded with `encoding`
    for built in (cv.build_tokenizer(), cv.build_preprocessor()):
        again = pickle.loads(pickle.dumps(built))
        assert again(docs[0]) == built(docs[0])


def test_build_tokenizer_and_preprocessor_by_hand():
    cv = mekong.CountVectorizer(stop_words=["với"], ngram_range=(1, 2))
    assert cv.build_tokenizer()("Hợp tác với Attapư") == ["hợp_tác", "với", "attapư"]
    assert cv.build_preprocessor()("Hoà BÌNH") == "hòa bình"
    sk_like = mekong.CountVectorizer(token_pattern=SK_PATTERN, strip_accents="unicode")
    assert sk_like.build_tokenizer()("a bc dé") == ["bc", "dé"]
    assert sk_like.build_preprocessor()("Hoà BÌNH") == "hoa binh"
    assert mekong.CountVectorizer(tokenizer=split_words).build_tokenizer() is split_words
    assert mekong.CountVectorizer(preprocessor=upper).build_preprocessor() is upper


def test_get_stop_words_and_decode():
    assert mekong.CountVectorizer().get_stop_words() is None
    assert mekong.CountVectorizer(stop_words=["Hoà", "và"]).get_stop_words() == frozenset({"hòa", "và"})
    assert "của" in mekong.CountVectorizer(stop_words="vietnamese").get_stop_words()
    cv = mekong.CountVectorizer(encoding="windows-1258")
    assert cv.decode("Hà Nam".encode("windows-1258")) == "Hà Nam"
    assert mekong.CountVectorizer().decode(b"ab\xff") == "ab\ufffd"


def test_an_old_pickle_without_the_new_parameters_reads_them_as_defaults():
    cv = mekong.CountVectorizer().fit(["Hợp tác với Attapư"])
    state = cv.__getstate__()
    for name in SKLEARN_TEXT:
        state.pop(name)
    old = mekong.CountVectorizer.__new__(mekong.CountVectorizer)
    old.__setstate__(state) if hasattr(old, "__setstate__") else old.__dict__.update(state)
    assert (old.transform(["hợp tác"]) != cv.transform(["hợp tác"])).nnz == 0


# -- the idf_ setter -------------------------------------------------------------------------------------------


def test_idf_setter_as_scikit_learn():
    docs = ["hai ba bon", "hai nam", "ba ba sau"]
    fitted = mekong.TfidfVectorizer(token_pattern=SK_PATTERN).fit(docs)
    ours = mekong.TfidfVectorizer(token_pattern=SK_PATTERN, vocabulary=fitted.vocabulary_)
    ours.idf_ = fitted.idf_
    theirs = sk_text.TfidfVectorizer(vocabulary=fitted.vocabulary_)
    theirs.idf_ = fitted.idf_
    np.testing.assert_allclose(ours.transform(docs).toarray(), theirs.transform(docs).toarray(), rtol=1e-12)
    np.testing.assert_allclose(ours.transform(docs).toarray(), fitted.transform(docs).toarray(), rtol=1e-12)
    with pytest.raises(ValueError, match="idf length = 2 must be equal to vocabulary size = 5"):
        ours.idf_ = [1.0, 2.0]
    with pytest.raises(ValueError, match="cannot be set"):
        mekong.TfidfVectorizer(use_idf=False).idf_ = [1.0]


# -- Pipeline and GridSearchCV ---------------------------------------------------------------------------------


def test_pipeline_and_grid_search_over_the_new_parameters():
    from sklearn.base import clone
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline

    rivers = ["Sông Mê Kông chảy qua Lào", "Thủy điện trên sông Mê Kông", "Sông Sê San và sông Sê Kông"]
    markets = ["Giá lúa gạo tăng", "Chợ nổi bán trái cây", "Giá cà phê và hồ tiêu giảm"]
    docs = (rivers + markets) * 4
    labels = ([1] * 3 + [0] * 3) * 4
    pipe = Pipeline([("vec", mekong.TfidfVectorizer()), ("clf", LogisticRegression())])
    grid = GridSearchCV(
        pipe,
        [
            {"vec__analyzer": ["char_wb"], "vec__ngram_range": [(2, 3)], "vec__strip_accents": [None, "unicode"]},
            {"vec__token_pattern": [None, SK_PATTERN], "vec__strip_accents": [None, "ascii"]},
            {"vec__tokenizer": [split_words]},
        ],
        cv=2,
        error_score="raise",
    )
    grid.fit(docs, labels)
    assert len(grid.cv_results_["params"]) == 7
    assert grid.score(docs, labels) == 1.0
    twin = clone(pipe).set_params(vec__analyzer="char", vec__ngram_range=(1, 2))
    assert twin.get_params()["vec__analyzer"] == "char"
    assert pickle.loads(pickle.dumps(grid.best_estimator_)).predict(docs).tolist() == labels


@pytest.mark.parametrize(
    "options",
    [dict(token_pattern=SK_PATTERN), dict(analyzer="char_wb", ngram_range=(2, 3)), dict(strip_accents="unicode")],
    ids=["pattern", "char_wb", "strip"],
)
def test_mekong_dask_takes_the_new_parameters_as_the_in_memory_class(options):
    bag = pytest.importorskip("dask.bag")
    import mekong.dask as md

    docs = ["Hợp tác với Attapư, hoà bình", "Tỉnh uỷ và Tỉnh ủy hòa bình", "Hello World hello", "hai ba bon"]
    ours = md.CountVectorizer(min_df=1, **options)
    X = md.to_csr(ours.fit_transform(bag.from_sequence(docs, npartitions=2)))
    local = mekong.CountVectorizer(**options)
    Y = local.fit_transform(docs)
    assert ours.vocabulary_ == local.vocabulary_ and (Y != X).nnz == 0
