"""Counting and hashing read each Python str from its own storage (one, two or four bytes a code
point) and encode one document at a time on the core's threads, instead of a UTF-8 copy of the
whole batch made before the call. The reference is the same documents given as their UTF-8 bytes
(encoded by Python with "surrogatepass", as a str is encoded for the core), which take the bytes
path: matrix, vocabulary, replacement counts and first invalid offsets must be identical."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mekong

# Pieces of every str storage width: ASCII, Latin-1 (1-byte kind, not ASCII), the BMP (Vietnamese in
# NFC and NFD, Lao, CJK), astral code points (4-byte kind), and lone surrogates (invalid: replaced).
PIECES = [
    "hợp tác",
    "Kon Tum",
    "phát triển",
    "ho\u0300a",  # NFD: composed by the count
    "hòa",
    "café",
    "naïve",
    "ñandú",
    "ສະບາຍດີ",
    "東京",
    "😀",
    "𝐀𝐁c",
    "\ud800",
    "x\udfffy",
    "2026",
    " ",
    ", ",
    ". ",
    "\n",
    "",
]

documents = st.lists(
    st.lists(st.sampled_from(PIECES), min_size=0, max_size=12).map(" ".join),
    min_size=1,
    max_size=12,
)


def as_bytes(docs):
    return [d.encode("utf-8", "surrogatepass") for d in docs]


def same_counts(a, b):
    assert a.shape == b.shape
    assert np.array_equal(a.indptr, b.indptr)
    assert np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data, b.data)


@settings(max_examples=60, deadline=None)
@given(docs=documents, n_jobs=st.sampled_from([1, 2]), words=st.booleans())
def test_str_storage_counts_as_its_utf8(docs, n_jobs, words):
    kw = dict(n_jobs=n_jobs, words=words)
    try:
        want_cv = mekong.CountVectorizer(**kw)
        want = want_cv.fit_transform(as_bytes(docs))
    except ValueError as exc:  # nothing to count: the str path must say the same
        with pytest.raises(ValueError, match=str(exc)[:40]):
            mekong.CountVectorizer(**kw).fit_transform(docs)
        return
    got_cv = mekong.CountVectorizer(**kw)
    got = got_cv.fit_transform(docs)
    same_counts(got, want)
    assert got_cv.vocabulary_ == want_cv.vocabulary_
    assert got_cv.n_replaced_.tolist() == want_cv.n_replaced_.tolist()
    assert got_cv.first_invalid_.tolist() == want_cv.first_invalid_.tolist()
    # transform (a fixed vocabulary: count_fixed) reads strs the same way
    same_counts(got_cv.transform(docs), want_cv.transform(as_bytes(docs)))


@settings(max_examples=40, deadline=None)
@given(docs=documents, n_jobs=st.sampled_from([1, 2]))
def test_str_storage_hashes_as_its_utf8(docs, n_jobs):
    hv = mekong.HashingVectorizer(n_features=2**10, n_jobs=n_jobs)
    same_counts(hv.transform(docs), hv.transform(as_bytes(docs)))


def test_str_storage_of_every_width_in_one_batch():
    # One corpus mixing ASCII strs (read in place), 1-, 2- and 4-byte strs and bytes, over 1 MiB so
    # that two threads share it: each document keeps its row and its terms.
    docs = []
    for i in range(3000):
        docs += [f"plain ascii text {i % 97}", "café naïve " * 40, "hợp tác phát triển Kon Tum " * 30, "😀 vui " * 20]
        docs.append(b"h\xe1\xbb\xa3p t\xc3\xa1c bytes")
    want = mekong.CountVectorizer(words=False, n_jobs=2).fit_transform(
        [d if isinstance(d, bytes) else d.encode("utf-8") for d in docs]
    )
    cv = mekong.CountVectorizer(words=False, n_jobs=2)
    got = cv.fit_transform(docs)
    same_counts(got, want)
    assert got.shape[0] == len(docs)
    row = got[2].toarray().ravel()
    assert row[cv.vocabulary_["hợp"]] == 30 and row[cv.vocabulary_["tum"]] == 30


def test_strict_decode_names_the_str_and_its_utf8_offset():
    # The offset of a lone surrogate is in the str's UTF-8 (3 bytes a BMP character before it).
    with pytest.raises(ValueError, match=r"^document 1, byte offset 7: "):
        mekong.CountVectorizer(decode_error="strict").fit_transform(["ok", "hòa\u1ea1\ud800"])
    with pytest.raises(ValueError, match=r"^document 0, byte offset 4: "):
        mekong.HashingVectorizer(decode_error="strict").transform(["😀\udfff"])


# A str the encoder finds valid and NFC already (no lone surrogate; every code point NFC_QC=Yes with
# combining class 0; every 1-byte str) is scanned without the UTF-8 and NFC checks; any other str
# takes the checked path. These pieces put each case into 1-, 2- and 4-byte strs: combining marks
# after Vietnamese letters (NFD in a 2-byte str), NFC_QC=Maybe (a Hangul vowel jamo after a lead
# jamo, U+0301 after "e"), NFC_QC=No (U+0958, U+2126, the astral U+1D15E), Latin-1 letters alone.
UNCHECKED_PIECES = [
    "Việt Nam",
    "Vie\u0323\u0302t Nam",
    "ho\u0300a bi\u0300nh",
    "e\u0301",
    "\u1100\u1161",
    "\u0958",
    "\u2126 ohm",
    "\U0001d15e",
    "\U0001d400x",
    "café crème",
    "\u00e9t\u00e9",
    "ÿ",
    "\ud800",
    "\udbff\udc00",
    "đồng 2026",
    "Kon Tum",
    "東京",
    " ",
    "",
]

unchecked_documents = st.lists(
    st.lists(st.sampled_from(UNCHECKED_PIECES), min_size=0, max_size=10).map(" ".join),
    min_size=1,
    max_size=10,
)


@settings(max_examples=60, deadline=None)
@given(
    docs=unchecked_documents,
    n_jobs=st.sampled_from([1, 2, 3]),
    options=st.sampled_from([{}, {"words": True}, {"clean": True}, {"aliases": True}, {"stop_words": ["nam"]}]),
)
def test_unchecked_scan_of_clean_strs_counts_as_bytes(docs, n_jobs, options):
    kw = {"n_jobs": n_jobs, "words": False, **options}
    try:
        want_cv = mekong.CountVectorizer(**kw)
        want = want_cv.fit_transform(as_bytes(docs))
    except ValueError as exc:
        with pytest.raises(ValueError, match=str(exc)[:40]):
            mekong.CountVectorizer(**kw).fit_transform(docs)
        return
    got_cv = mekong.CountVectorizer(**kw)
    got = got_cv.fit_transform(docs)
    same_counts(got, want)
    assert got_cv.vocabulary_ == want_cv.vocabulary_
    assert got_cv.n_replaced_.tolist() == want_cv.n_replaced_.tolist()
    assert got_cv.first_invalid_.tolist() == want_cv.first_invalid_.tolist()
    same_counts(got_cv.transform(docs), want_cv.transform(as_bytes(docs)))
    hv = mekong.HashingVectorizer(n_features=2**10, n_jobs=n_jobs)
    same_counts(hv.transform(docs), hv.transform(as_bytes(docs)))


def test_nfd_in_a_two_byte_str_is_composed():
    # Regression for the unchecked scan: a 2-byte str in NFD must still be composed (its marks are
    # NFC_QC=Maybe, so the encoder sends it to the checked path), counting as its NFC form does.
    cv = mekong.CountVectorizer(words=False)
    got = cv.fit_transform(["Vie\u0323\u0302t Nam ho\u0300a", "Việt Nam hòa"]).toarray()
    assert sorted(cv.vocabulary_) == ["hòa", "nam", "việt"]
    assert got[0].tolist() == got[1].tolist() == [1, 1, 1]


def test_latin1_strs_take_the_unchecked_scan_with_the_same_terms():
    # Every code point of a 1-byte str is NFC already: "é" (U+00E9) alone and "e" + U+0301 (a 2-byte
    # str, checked and composed) are the same term.
    cv = mekong.CountVectorizer(words=False)
    got = cv.fit_transform(["été café ÿ", "e\u0301te\u0301 cafe\u0301 ÿ"]).toarray()
    assert sorted(cv.vocabulary_) == ["café", "été", "ÿ"]
    assert got[0].tolist() == got[1].tolist()
