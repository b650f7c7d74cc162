"""Checks against the real articles in ../shared/corpus (skipped when that folder is absent)."""

import unicodedata

import mekong


def test_tone_mark_variants_of_real_articles_are_one_term(shared_articles):
    texts = list(shared_articles.values())
    joined = "\n".join(texts)
    assert "Tỉnh uỷ" in joined or "Tỉnh ủy" in joined
    cv = mekong.CountVectorizer().fit(texts)
    syllables = {s for t in cv.vocabulary_ for s in t.split("_")}
    assert "tỉnh_ủy" in cv.vocabulary_ and "uỷ" not in syllables and "hoà" not in syllables
    cv = mekong.CountVectorizer(words=False).fit(texts)
    assert "ủy" in cv.vocabulary_ and "uỷ" not in cv.vocabulary_
    assert "hoà" not in cv.vocabulary_


def test_real_articles_in_nfd_give_the_same_matrix(shared_articles):
    texts = list(shared_articles.values())
    a = mekong.CountVectorizer().fit(texts)
    nfd = [unicodedata.normalize("NFD", t) for t in texts]
    b = mekong.CountVectorizer().fit(nfd)
    assert a.vocabulary_ == b.vocabulary_
    assert (a.transform(texts) != b.transform(nfd)).nnz == 0


def test_one_letter_syllables_survive(shared_articles):
    tokens = set()
    for t in shared_articles.values():
        tokens.update(mekong.tokenize(t))
    assert "y" in tokens  # "Bờ Y", "y tế"
