"""mekong.sklearn against scikit-learn itself: the oracle for every result here is scikit-learn's
own class run with the same parameters on the same documents."""

import pickle
import re
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

sk = pytest.importorskip("sklearn.feature_extraction.text")

import mekong  # noqa: E402
import mekong.sklearn as mk  # noqa: E402
from mekong import _core  # noqa: E402

# Characters chosen to hit every rule that differs between Python and naive Unicode handling:
# Vietnamese (precomposed and combining marks), NFKD-sensitive ligatures and superscripts, digits
# of other scripts, final sigma, dotted capital I, CJK, emoji, and every kind of white space.
ALPHABET = (
    "abcxyzABCXYZ019_ "
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĐƯƠ"
    "\u0300\u0301\u0303\u0309\u0323"  # combining tone marks (NFD text)
    "ﬁ²½Ⅳ٣৫ΣσςΑİıßẞ中文한ไทย😀"
    ".,;:!?'-\"()[]/@#%&*+"
    "\t\n\r\x0b\x0c\x1c\x85\xa0\u2003\u3000"
)
docs_strategy = st.lists(st.text(alphabet=ALPHABET, max_size=40), min_size=1, max_size=6)

TOKEN_PATTERNS = [
    r"(?u)\b\w\w+\b",
    r"(?u)\b\w+\b",
    r"\w{3,}",
    r"\S+",
    r"[^\s,.;:!?]+",
    r"(?u)\b\w[\w'-]*\w\b|\d+(?:[.,]\d+)+",
    r"(\w)\w",
    r"\d+",
    r"(?i)[a-zđ]+",
    r"[^\W\d]+",
    r"\b\w\b",
    r"\B\w+",
    r"\w(?=\s)",
    r"(?<=\s)\w+",
    r"\w+$",
    r"(?a)\w+",
    r"(?P<x>\w)(?P=x)",
    r"[\w-]{2}",
    r".{1,3}",
]


def outcome(cls_name, params, docs, method="fit_transform"):
    """(matrix, vocabulary, idf) of a class from scikit-learn and mekong.sklearn, or the error."""
    out = []
    for module in (sk, mk):
        est = getattr(module, cls_name)(**params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                X = getattr(est, method)(docs)
            except Exception as exc:  # the error itself is what must agree
                out.append((type(exc), str(exc)))
                continue
        out.append((X.toarray(), getattr(est, "vocabulary_", None), getattr(est, "idf_", None)))
    return out


def assert_same(ours_theirs):
    theirs, ours = ours_theirs
    if isinstance(theirs[0], type) or isinstance(ours[0], type):
        assert ours == theirs
        return
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12, atol=1e-12)
    assert ours[1] == theirs[1]
    if theirs[2] is not None:
        np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-12)


@given(
    docs=docs_strategy,
    pattern=st.sampled_from(TOKEN_PATTERNS),
    lowercase=st.booleans(),
    strip=st.sampled_from([None, "ascii", "unicode"]),
    ngrams=st.sampled_from([(1, 1), (1, 2), (2, 3)]),
    stop=st.sampled_from([None, "english", ["ab", "đi", "x y"]]),
)
def test_word_analyzer_matches_scikit_learn(docs, pattern, lowercase, strip, ngrams, stop):
    params = dict(token_pattern=pattern, lowercase=lowercase, strip_accents=strip, ngram_range=ngrams, stop_words=stop)
    assert_same(outcome("CountVectorizer", params, docs))


@given(
    docs=docs_strategy,
    analyzer=st.sampled_from(["char", "char_wb"]),
    lowercase=st.booleans(),
    strip=st.sampled_from([None, "ascii", "unicode"]),
    ngrams=st.sampled_from([(1, 1), (1, 3), (2, 5), (4, 4)]),
)
def test_char_analyzers_match_scikit_learn(docs, analyzer, lowercase, strip, ngrams):
    params = dict(analyzer=analyzer, lowercase=lowercase, strip_accents=strip, ngram_range=ngrams)
    assert_same(outcome("CountVectorizer", params, docs))


@given(
    docs=docs_strategy,
    analyzer=st.sampled_from(["word", "char_wb"]),
    sublinear=st.booleans(),
    norm=st.sampled_from(["l1", "l2", None]),
    min_df=st.sampled_from([1, 2, 0.5]),
    max_df=st.sampled_from([1.0, 0.8, 3]),
    max_features=st.sampled_from([None, 3]),
)
def test_tfidf_vectorizer_matches_scikit_learn(docs, analyzer, sublinear, norm, min_df, max_df, max_features):
    params = dict(
        analyzer=analyzer, sublinear_tf=sublinear, norm=norm, min_df=min_df, max_df=max_df, max_features=max_features
    )
    assert_same(outcome("TfidfVectorizer", params, docs))


@given(
    docs=docs_strategy,
    analyzer=st.sampled_from(["word", "char", "char_wb"]),
    n_features=st.sampled_from([1, 2, 7, 1000, 2**20, 2**31 - 1]),
    alternate_sign=st.booleans(),
    norm=st.sampled_from(["l1", "l2", None]),
    binary=st.booleans(),
)
def test_hashing_vectorizer_matches_scikit_learn(docs, analyzer, n_features, alternate_sign, norm, binary):
    params = dict(
        analyzer=analyzer,
        n_features=n_features,
        alternate_sign=alternate_sign,
        norm=norm,
        binary=binary,
        ngram_range=(1, 2),
    )
    if n_features > 2**24:  # dense comparison would not fit: compare the sparse entries
        a = sk.HashingVectorizer(**params).transform(docs)
        b = mk.HashingVectorizer(**params).transform(docs)
        assert a.shape == b.shape and abs(a - b).max() <= 1e-12
        return
    assert_same(outcome("HashingVectorizer", params, docs, method="transform"))


@given(term=st.text(max_size=30).filter(lambda s: not any(0xD800 <= ord(c) < 0xE000 for c in s)))
def test_hashing_columns_are_scikit_learns_for_random_unicode_terms(term):
    from sklearn.utils import murmurhash3_32

    h = murmurhash3_32(term, positive=False)
    assert _core.murmurhash3_32(term.encode("utf-8")) == h
    # The term alone in a document, through the full vectorizer: the same column and sign.
    for n in (3, 1000, 2**20):
        ours = mk.HashingVectorizer(token_pattern=r"\S+", n_features=n, norm=None, lowercase=False)
        theirs = sk.HashingVectorizer(token_pattern=r"\S+", n_features=n, norm=None, lowercase=False)
        doc = [term] if term and not re.search(r"\s", term) else ["x"]
        assert (ours.transform(doc) != theirs.transform(doc)).nnz == 0


def test_default_settings_are_scikit_learns_not_vietnamese():
    docs = ["Hoà bình Vie\u0323\u0302t Nam, Bờ Y và y tế"]
    ours = mk.CountVectorizer().fit(docs)
    theirs = sk.CountVectorizer().fit(docs)
    assert ours.vocabulary_ == theirs.vocabulary_
    assert "bờ" in ours.vocabulary_ and "y" not in ours.vocabulary_  # one-letter syllables dropped
    assert "hoà" in ours.vocabulary_  # no tone folding
    assert "vie" in ours.vocabulary_  # NFD text is not composed
    # The top-level class keeps the Vietnamese-right defaults: words, NFC, one tone placement, and
    # one-letter syllables kept.
    vietnamese = mekong.CountVectorizer().fit(docs).vocabulary_
    assert {"bờ_y", "y_tế", "hòa_bình", "việt_nam"} <= set(vietnamese)
    assert "y" in mekong.CountVectorizer(words=False).fit(docs).vocabulary_


def test_strip_accents_erases_vietnamese_tone_marks():
    docs = ["hòa", "hoà", "hoa", "mà má ma"]
    for strip in ("ascii", "unicode"):
        cv = mk.CountVectorizer(strip_accents=strip, token_pattern=r"\w+").fit(docs)
        assert sorted(cv.vocabulary_) == ["hoa", "ma"]
        assert cv.transform(["mà má ma"]).toarray().max() == 3


def test_strip_accents_removes_the_marks_of_text_already_decomposed():
    # Regression: a first version returned text already in NFKD unchanged, as scikit-learn < 0.22
    # did; the installed scikit-learn strips the combining marks of NFD text too.
    docs = ["cafe\u0301 noi", "café nói"]
    assert_same(outcome("CountVectorizer", dict(strip_accents="unicode", analyzer="char"), docs))


def test_lower_casing_is_pythons_full_mapping():
    docs = ["İSTANBUL ΟΔΟΣ ΣΑΣ ẞ"]
    for analyzer in ("word", "char", "char_wb"):
        assert_same(outcome("CountVectorizer", dict(analyzer=analyzer, token_pattern=r"\w+"), docs))


def test_lone_surrogates_survive_like_in_scikit_learn():
    docs = ["ab\ud800cd ef", "ab"]
    for analyzer in ("word", "char"):
        assert_same(outcome("CountVectorizer", dict(analyzer=analyzer, token_pattern=r"\w+"), docs))


def test_callables_take_the_python_path_with_scikit_learns_results():
    docs = ["Hợp tác Kon Tum", "Attapư và Kon Tum", "kon tum"]
    for params in (
        dict(analyzer=lambda d: d.split()),
        dict(tokenizer=str.split, token_pattern=None),
        dict(preprocessor=lambda d: d.upper(), lowercase=False),
        dict(strip_accents=lambda d: d.replace("ư", "u")),
    ):
        assert_same(outcome("CountVectorizer", params, docs))


def test_pattern_the_core_cannot_translate_runs_through_python_re():
    pattern = r"(?x) \w+  # verbose mode"
    with pytest.raises(ValueError, match="unsupported in the core"):
        _core.SkAnalyzer("word", True, "", pattern, None, 1, 1)
    assert_same(outcome("CountVectorizer", dict(token_pattern=pattern), ["Kon Tum ab", "x yz"]))


def test_fast_path_patterns_take_the_scan():
    for pattern, run in [(r"(?u)\b\w\w+\b", 2), (r"\b\w+\b", 1), (r"\w{3,}", 3), (r"\w\w\w+", 3)]:
        assert _core.SkAnalyzer("word", True, "", pattern, None, 1, 1).fast_min_run == run
    assert _core.SkAnalyzer("word", True, "", r"\w\w", None, 1, 1).fast_min_run == 0


# -- bad input -------------------------------------------------------------------------------


def error_of(fn):
    try:
        fn()
    except Exception as exc:
        return type(exc), str(exc)
    return None


@pytest.mark.parametrize("pattern", [r"(", r"[a-", r"\w{2,1}", r"(?P<a>x)(?P<a>y)", r"\q"])
def test_invalid_token_pattern_raises_what_scikit_learn_raises(pattern):
    docs = ["some text"]
    theirs = error_of(lambda: sk.CountVectorizer(token_pattern=pattern).fit(docs))
    ours = error_of(lambda: mk.CountVectorizer(token_pattern=pattern).fit(docs))
    assert theirs is not None and ours == theirs
    assert issubclass(ours[0], re.error)


def test_pattern_with_two_groups_raises_scikit_learns_value_error():
    for cls in ("CountVectorizer", "TfidfVectorizer", "HashingVectorizer"):
        est = getattr(mk, cls)(token_pattern=r"(a)(b)")
        with pytest.raises(ValueError, match="More than 1 capturing group in token pattern"):
            est.fit_transform(["ab ab"])


def test_strict_decoding_names_the_document_and_byte_offset():
    docs = [b"good text", "str is fine", b"bad \xff byte"]
    for cls in (mk.CountVectorizer, mk.TfidfVectorizer, mk.HashingVectorizer):
        with pytest.raises(UnicodeDecodeError, match=r"document 2, byte offset 4"):
            cls().fit_transform(docs)
    # decode_error="replace" and "ignore" behave as in scikit-learn.
    for mode in ("replace", "ignore"):
        assert_same(outcome("CountVectorizer", dict(decode_error=mode, analyzer="char"), docs))


def test_a_callable_that_raises_propagates_its_exception_untouched():
    class Boom(Exception):
        pass

    def explode(_doc):
        raise Boom("from the user's callable")

    for params in (dict(analyzer=explode), dict(tokenizer=explode, token_pattern=None), dict(preprocessor=explode)):
        for cls in (mk.CountVectorizer, mk.TfidfVectorizer, mk.HashingVectorizer):
            with pytest.raises(Boom, match="from the user's callable"):
                cls(**params).fit_transform(["a doc"])


def test_non_text_documents_raise_scikit_learns_errors():
    for docs in (["ok", np.nan], ["ok", 3]):
        assert_same(outcome("CountVectorizer", {}, docs))
    with pytest.raises(ValueError, match="Iterable over raw text documents expected"):
        mk.CountVectorizer().fit("one string")


def test_empty_input_and_empty_vocabulary_errors_are_scikit_learns():
    for docs in ([], ["a b c"], ["the and"]):
        assert_same(outcome("CountVectorizer", dict(stop_words="english"), docs))
    # Deliberately different: scikit-learn's HashingVectorizer lets a bare StopIteration out of an
    # empty input; ours raises the ValueError its FeatureHasher means to raise.
    with pytest.raises(ValueError, match="Cannot vectorize empty sequence"):
        mk.HashingVectorizer().transform([])


# -- estimator behaviour -----------------------------------------------------------------------


def test_signatures_and_defaults_are_scikit_learns():
    import inspect

    for name in ("CountVectorizer", "TfidfVectorizer", "TfidfTransformer", "HashingVectorizer"):
        assert inspect.signature(getattr(mk, name)) == inspect.signature(getattr(sk, name))
        assert getattr(mk, name)().get_params() == getattr(sk, name)().get_params()


def test_fitted_vectorizers_and_built_analyzers_pickle():
    docs = ["Hợp tác Kon Tum", "Attapư và Kon Tum 2025"]
    for est in (
        mk.CountVectorizer(analyzer="char_wb", ngram_range=(2, 3)),
        mk.TfidfVectorizer(stop_words=["và"]),
        mk.HashingVectorizer(n_features=64),
    ):
        X = est.fit_transform(docs)
        again = pickle.loads(pickle.dumps(est))
        assert (again.transform(docs) != X).nnz == 0
        assert "_mekong_sorted" not in again.__dict__
        for build in (est.build_analyzer, est.build_preprocessor, est.build_tokenizer):
            fn = pickle.loads(pickle.dumps(build()))
            assert fn(docs[0]) == build()(docs[0])


def test_pipeline_and_grid_search_over_the_drop_in_classes():
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline

    sample = mekong.datasets.load_sample()
    y = np.array([t == sample.topics[0] for t in sample.topics], dtype=int)
    pipe = Pipeline([("vect", mk.CountVectorizer()), ("tfidf", mk.TfidfTransformer()), ("clf", LogisticRegression())])
    grid = {"vect__analyzer": ["word", "char_wb"], "vect__ngram_range": [(1, 1), (2, 3)], "tfidf__norm": ["l2"]}
    ours = GridSearchCV(pipe, grid, cv=2).fit(sample.texts, y)
    theirs_pipe = Pipeline(
        [("vect", sk.CountVectorizer()), ("tfidf", sk.TfidfTransformer()), ("clf", LogisticRegression())]
    )
    theirs = GridSearchCV(theirs_pipe, grid, cv=2).fit(sample.texts, y)
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"])
    hashing = Pipeline([("hash", mk.HashingVectorizer(n_features=2**12)), ("clf", LogisticRegression())])
    assert hashing.fit(sample.texts, y).score(sample.texts, y) > 0.5


def test_threads_never_change_a_result(sample):
    docs = sample.texts * 40  # over a megabyte: the core splits it between threads
    old = mk.set_n_jobs(2)
    try:
        for cls, params in (
            (mk.CountVectorizer, {}),
            (mk.CountVectorizer, dict(analyzer="char_wb")),
            (mk.HashingVectorizer, {}),
        ):
            two = cls(**params).fit_transform(docs)
            mk.set_n_jobs(1)
            one = cls(**params).fit_transform(docs)
            mk.set_n_jobs(2)
            assert (one != two).nnz == 0
    finally:
        mk.set_n_jobs(old)


def test_hashing_transform_of_a_generator_in_chunks(monkeypatch, sample):
    monkeypatch.setattr(mk, "_CHUNK_DOCS", 5)  # many chunks
    docs = sample.texts
    ours = mk.HashingVectorizer(n_features=2**16).transform(d for d in docs)
    theirs = sk.HashingVectorizer(n_features=2**16).transform(docs)
    assert abs(ours - theirs).max() < 1e-12
    est = mk.HashingVectorizer()
    assert est.partial_fit(docs) is est and est.fit(docs) is est


def test_top_level_hashing_vectorizer_is_the_vietnamese_one():
    # mekong.HashingVectorizer hashes mekong.CountVectorizer's terms (tests/test_hashing_vectorizer.py);
    # the drop-in's stays scikit-learn's class, defaults and all.
    assert mekong.HashingVectorizer is not mk.HashingVectorizer
    assert issubclass(mk.HashingVectorizer, sk.HashingVectorizer)
    assert not issubclass(mekong.HashingVectorizer, sk.HashingVectorizer)


def test_regression_nested_negated_class_translates_to_a_nested_set():
    # [^\W\d] (letters and "_") needs ICU's nested-set syntax: a flat translation would be wrong.
    assert_same(outcome("CountVectorizer", dict(token_pattern=r"[^\W\d]+"), ["ab12_c đ3 ٣x"]))


def csr_parts(X):
    X = X.tocsr()
    return X.indptr.tolist(), X.indices.tolist(), X.data.tolist()


# The core's term table stores terms of up to 8 bytes whole in their slot, and sorts the vocabulary
# on 8-byte prefixes: terms over a tiny alphabet (NUL and a 2-byte letter among them) of lengths
# around 8 bytes collide in exactly the ways those shortcuts must get right.
TINY = "ab\x00đ "


@given(
    docs=st.lists(st.text(alphabet=TINY, max_size=60), min_size=1, max_size=8),
    ngrams=st.sampled_from([(1, 4), (3, 5), (7, 10)]),
)
def test_vocabulary_order_and_counts_of_terms_sharing_8_byte_prefixes(docs, ngrams):
    assert_same(outcome("CountVectorizer", dict(analyzer="char", ngram_range=ngrams, lowercase=False), docs))


@given(
    words=st.lists(st.text(alphabet="abcđêọ", min_size=1, max_size=4), min_size=1, max_size=30),
    n_docs=st.integers(1, 5),
    n_features=st.sampled_from([1, 3, 64, 2**11, 2**11 + 1, 2**20]),
    alternate_sign=st.booleans(),
)
def test_hashing_entries_equal_scikit_learns_exactly(words, n_docs, n_features, alternate_sign):
    # Colliding terms are summed after the rows are sorted by column; entries that cancel to 0 are
    # kept, as scikit-learn keeps them. Compared as CSR arrays, not densely.
    docs = [" ".join(words[i::n_docs]) for i in range(n_docs)]
    params = dict(n_features=n_features, alternate_sign=alternate_sign, norm=None, token_pattern=r"\S+")
    theirs = sk.HashingVectorizer(**params).transform(docs)
    theirs.sort_indices()
    assert csr_parts(mk.HashingVectorizer(**params).transform(docs)) == csr_parts(theirs)


def test_regression_rows_longer_than_a_radix_chunk_keep_every_entry_in_order():
    # A row of 40,000 distinct terms is bigger than the row sort's chunk (2^15 entries); small rows
    # around it share chunks. Counts and hashed entries must equal scikit-learn's, array for array.
    big = " ".join(f"w{i}x" for i in range(40_000))
    docs = ["w1x w2x w1x", big, "", "w39999x zz zz"] + [f"w{i}x q{i % 7}" for i in range(300)]
    theirs = sk.CountVectorizer().fit(docs)
    ours = mk.CountVectorizer().fit(docs)
    assert ours.vocabulary_ == theirs.vocabulary_
    assert csr_parts(ours.transform(docs)) == csr_parts(theirs.transform(docs))
    assert csr_parts(mk.CountVectorizer().fit_transform(docs)) == csr_parts(theirs.transform(docs))
    h_theirs = sk.HashingVectorizer(n_features=2**18, norm=None).transform(docs)
    h_theirs.sort_indices()
    assert csr_parts(mk.HashingVectorizer(n_features=2**18, norm=None).transform(docs)) == csr_parts(h_theirs)


@pytest.mark.parametrize("analyzer", ["word", "char_wb"])
def test_documents_of_every_str_storage_width_count_and_hash_as_scikit_learn(analyzer):
    # The core reads each str's own storage (1, 2 or 4 bytes a code point): ASCII, Latin-1, BMP and
    # astral documents, a lone surrogate, and letters whose lower case needs the full mapping
    # (those documents take the UTF-8 path) in one corpus, for the default pattern's code-point scan.
    docs = [
        "Plain ASCII words and MORE words",
        "Latin-1: Ærø Façade ÉTÉ naïve ÿ",
        "Tiếng Việt: Hòa Bình ĐƯỜNG phố Ỷ",
        "astral 𝐀𝐁𝐂 mixed 😀 with Việt Nam",
        "lone \ud800surrogate \udc00cd ab",
        "İSTANBUL ΟΔΟΣ and Σ",
        "",
    ]
    assert_same(outcome("CountVectorizer", dict(analyzer=analyzer), docs))
    # scikit-learn's hashing encodes each term with strict UTF-8, so its char_wb raises
    # UnicodeEncodeError on the surrogate's n-grams (the core hashes their surrogatepass bytes): that
    # document is left out of the hashing comparison.
    hashed = [d for d in docs if analyzer == "word" or "\ud800" not in d]
    assert_same(outcome("HashingVectorizer", dict(analyzer=analyzer, n_features=64), hashed, method="transform"))
