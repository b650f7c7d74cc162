"""Regression tests, one per bug found in review (named after what went wrong)."""

import pickle
import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp

import mekong


def test_pickled_matrices_are_accepted(sample):
    X = mekong.TfidfVectorizer().fit_transform(sample.texts)
    Y = pickle.loads(pickle.dumps(X))  # equal dtypes, not identical objects
    assert np.array_equal(mekong.cosine_similarity(Y), mekong.cosine_similarity(X))
    index = pickle.loads(pickle.dumps(mekong.SearchIndex().fit(sample.texts)))
    assert int(index.rank([sample.texts[3]], k=1)[0][0, 0]) == 3


def test_out_of_range_columns_raise_instead_of_crashing():
    t = mekong.TfidfTransformer().fit(sp.csr_matrix(np.ones((2, 3))))
    bad = sp.csr_matrix((np.ones(2), np.array([0, 2_000_000_000]), np.array([0, 2])), shape=(1, 3))
    with pytest.raises(ValueError, match="out of range"):
        t.transform(bad)
    b = mekong.BM25Transformer().fit(sp.csr_matrix(np.ones((2, 3))))
    with pytest.raises(ValueError, match="out of range"):
        b.transform(bad)


def test_deeply_nested_markup_does_not_overflow_the_stack():
    n = 60000
    assert mekong.clean("Kon Tum " + "[" * n + "x" + "](u)" * n) == "Kon Tum x"


def test_fit_leaves_a_phrases_or_cleaner_parameter_unfitted():
    ph = mekong.Phrases(min_count=2, threshold=0.1, stop_words=None)
    cv = mekong.CountVectorizer(phrases=ph, words=False)  # phrases learned over syllables
    cv.fit(["hợp tác kinh tế"] * 5)
    cv.fit(["bảo vệ môi trường"] * 5)  # a refit learns afresh
    assert sorted(cv.vocabulary_) == ["bảo_vệ", "môi_trường"]
    assert not hasattr(ph, "pairs_")
    cleaner = mekong.Cleaner()
    mekong.CountVectorizer(clean=cleaner).fit(["a\nFooter X", "b\nFooter X"])
    assert not hasattr(cleaner, "repeated_lines_")


def test_refit_without_aliases_forgets_them():
    cv = mekong.CountVectorizer(aliases=True).fit(["tỉnh Attapư và tỉnh Attapu"])
    # Syllables: the test is about aliases, not about whether the word model joins "một hai".
    cv.set_params(aliases=False, words=False).fit(["một hai ba"])
    assert not hasattr(cv, "aliases_")
    assert list(cv.readable_feature_names()) == ["ba", "hai", "một"]


def test_sublinear_tf_rejects_explicit_zeros():
    X = sp.csr_matrix((np.array([1.0, 0.0]), np.array([0, 1]), np.array([0, 2])), shape=(1, 2))
    with pytest.raises(ValueError, match="positive counts"):
        mekong.TfidfTransformer(sublinear_tf=True).fit_transform(X)
    # explicit zeros count in the document frequency, as in scikit-learn
    from sklearn.feature_extraction.text import TfidfTransformer as Sk

    np.testing.assert_allclose(mekong.TfidfTransformer().fit(X).idf_, Sk().fit(X).idf_)


def test_main_job_with_one_article(tmp_path):
    (tmp_path / "a.txt").write_text("Kon Tum hợp tác với Attapư.", encoding="utf-8")
    res = subprocess.run(
        [sys.executable, "-m", "mekong", str(tmp_path), "-o", str(tmp_path / "out")], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    assert "1 articles" in res.stdout


def test_absurd_numbers_get_clear_errors(sample):
    X = mekong.TfidfVectorizer().fit_transform(sample.texts[:5])
    with pytest.raises(ValueError, match="k must be"):
        mekong.top_k_similar(X, k=2**70)
    with pytest.raises(ValueError, match="n_jobs"):
        mekong.cosine_similarity(X, n_jobs=2**40)
    assert mekong.cosine_similarity(X, max_memory=1e30).shape == (5, 5)
    assert mekong.BM25Transformer(k1=np.float32(1.2)).fit(X) is not None
    with pytest.raises(TypeError):
        mekong.decode(b"", None)


def test_multi_word_stop_words_remove_joined_words():
    cv = mekong.CountVectorizer(stop_words=["hợp tác"], user_dictionary=["hợp tác"]).fit(["hợp tác kinh tế"])
    assert sorted(cv.vocabulary_) == ["kinh_tế"]
    cv = mekong.CountVectorizer(stop_words=["hợp tác"], user_dictionary=["hợp tác"], words=False).fit(
        ["hợp tác kinh tế"]
    )
    assert sorted(cv.vocabulary_) == ["kinh", "tế"]


def test_normalize_is_idempotent_and_nfc():
    import unicodedata

    for text in ["hoà\u0300", "\u0130\u0301", "Tỉnh uỷ"]:
        once = mekong.normalize(text)
        assert mekong.normalize(once) == once and unicodedata.is_normalized("NFC", once)


def test_stopwords_module_is_reachable():
    assert "và" in mekong.stopwords.VIETNAMESE_STOP_WORDS


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the child's CPU time from /proc")
def test_ctrl_c_interrupts_long_core_work():
    from conftest import interrupt_child

    # One call that runs for many seconds in the core (the same long str, repeated: cheap to make).
    # Without the core polling for signals, Ctrl-C would only land when the call returns.
    #
    # What is bounded is the core's reaction, not the machine's load: the regression was a 3.1 s
    # total (signal to the child's exit) on a shared machine, where the child got a fraction of a
    # core and its exit (freeing its memory) was counted. Now the CPU time the child spends between
    # the signal and the KeyboardInterrupt is bounded (a core that ignored the signal would spend
    # the rest of the call, many seconds, and a call that finished first prints no "interrupted"),
    # and the wall time to the exception has a bound only a hang would pass.
    setup = "doc = ' '.join(f'w{i % 50000}' for i in range(50000))\ndocs = [doc] * 4000"
    wall, cpu, out = interrupt_child(setup, "mekong.CountVectorizer(ngram_range=(1, 3)).fit_transform(docs)", delay=1.0)
    # The binding checks for signals every 100 ms and the core polls every 64 KiB of text: tens of
    # milliseconds of work; the bound leaves room for the exception's way out and /proc's ticks.
    assert cpu < 1.0, (cpu, wall)
    assert wall < 10.0, (cpu, wall)
