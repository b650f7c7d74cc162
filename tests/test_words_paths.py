"""The word stage's fast paths against slow, obviously correct ones: the decoder against the Python
reference on real sentences, and word_tokenize's result lists (one str per distinct word per call)."""

from __future__ import annotations

import random
import re
import sys
import unicodedata

import pytest
from test_words import ReferenceModel, reference_words

import mekong
from mekong._options import WORD_MODEL_PATH


@pytest.fixture(scope="module")
def reference_model():
    return ReferenceModel(WORD_MODEL_PATH.read_bytes())


def shuffled_gold_texts(seed, count):
    """Texts made of the bundled gold set's syllables in new orders, with spaces, hyphens, marks and
    numbers between them: every feature template, lexicon flag and constraint fires on real syllables."""
    syllables = mekong.datasets.SEGMENTATION_GOLD.read_text(encoding="utf-8").replace("_", " ").split()
    syllables = [s for s in syllables if re.fullmatch(r"\w+", s)]
    rng = random.Random(seed)
    seps = [" "] * 20 + ["-", ", ", ". ", "/", ":"]
    for _ in range(count):
        start = rng.randrange(len(syllables))
        n = rng.randint(1, 60)
        # Runs of the gold text as written (so its words are there to be found), cut and spliced.
        words = syllables[start : start + n] if rng.random() < 0.5 else rng.sample(syllables, min(n, len(syllables)))
        parts = []
        for k, w in enumerate(words):
            parts.append(w if rng.random() > 0.05 else str(rng.randint(0, 999)))
            if k < len(words) - 1:
                parts.append(rng.choice(seps))
        yield "".join(parts)


def test_cpp_decoder_equals_the_reference_on_real_syllables(reference_model):
    texts = list(shuffled_gold_texts(11, 400))
    got = mekong.word_tokenize(texts, format="text")
    joined = 0
    for text, g in zip(texts, got):
        expected = reference_words(reference_model, text)
        ours = [re.sub(r"[-./,:]", "_", w) for w in g.split(" ") if re.search(r"\w", w)]
        assert ours == expected, text
        joined += sum("_" in w for w in expected)
    assert joined > 500  # the texts exercise multi-syllable words, not only single syllables


def test_corpus_call_equals_one_call_per_text():
    texts = list(shuffled_gold_texts(5, 200)) + ["", "Hợp tác, hợp tác và hợp tác.", "ສະບາຍດີ 42"]
    assert mekong.word_tokenize(texts) == [mekong.word_tokenize(t) for t in texts]
    assert mekong.word_tokenize(texts, format="text") == [mekong.word_tokenize(t, format="text") for t in texts]


def test_regression_shared_word_strs_hold_exactly_their_references():
    # One str per distinct word per call: every occurrence is the same object, and it holds one
    # reference per place it appears (a leaked or a missing reference changes the count).
    texts = ["Hợp tác kinh tế và hợp tác văn hóa."] * 50 + ["Tỉnh ủy Kon Tum hợp tác."]
    out = mekong.word_tokenize(texts)
    found = [w for doc in out for w in doc if w == "hợp tác"]
    assert len(found) == 51
    word = found[0]
    assert all(w is word for w in found)
    del found
    # getrefcount's argument and the name `word` add two.
    assert sys.getrefcount(word) == 51 + 2
    one = mekong.word_tokenize("hợp tác và hợp tác")
    assert one == ["hợp tác", "và", "hợp tác"] and one[0] is one[2]
    w0 = one[0]
    assert sys.getrefcount(w0) == 2 + 2


def mixed_texts(seed, count):
    """Texts of real syllables with what the fast path must treat as the reference does: unknown
    lower-case syllables, NFD spellings, digits and number marks, hyphenated Lao names, capitals,
    and a few very long stretches without punctuation."""
    pool = mekong.datasets.SEGMENTATION_GOLD.read_text(encoding="utf-8").replace("_", " ").split()
    pool = [s for s in pool if re.fullmatch(r"\w+", s)]
    extra = ["Xay-nhạ-phon", "Ắt-ta-pư", "Sê-kông", "2025", "10", "000", "UBND", "HĐND", "qzxv", "brrk", "A320"]
    rng = random.Random(seed)
    seps = [" "] * 16 + ["-", ", ", ". ", "/", ":", "."]
    for k in range(count):
        n = 3000 if k % 40 == 39 else rng.randint(1, 50)
        parts = []
        for j in range(n):
            w = rng.choice(extra) if rng.random() < 0.1 else rng.choice(pool)
            if rng.random() < 0.1:
                w = unicodedata.normalize("NFD", w)
            parts.append(w)
            if j < n - 1:
                parts.append(" " if n >= 3000 else rng.choice(seps))
        yield "".join(parts)


def test_fast_path_equals_the_reference_on_mixed_text(reference_model):
    texts = list(mixed_texts(3, 200))
    got = mekong.word_tokenize(texts, format="text")
    for text, g in zip(texts, got):
        expected = reference_words(reference_model, unicodedata.normalize("NFC", text))
        ours = [re.sub(r"[-./,:]", "_", w) for w in g.split(" ") if re.search(r"\w", w)]
        assert ours == expected, text[:300]


def test_repeated_calls_with_the_pooled_syllable_memo_equal_the_reference(reference_model):
    # Each call's analyzer takes the syllable memo the previous call left (the core's pool): the words of
    # later calls, on texts whose syllables earlier calls memoised, must stay the reference decoder's,
    # with and without a user dictionary (the memo depends on the model only) and from several threads.
    texts = list(mixed_texts(21, 120))
    expected = [reference_words(reference_model, unicodedata.normalize("NFC", t)) for t in texts]

    def words_of(got):
        return [[re.sub(r"[-./,:]", "_", w) for w in g.split(" ") if re.search(r"\w", w)] for g in got]

    for _ in range(3):
        assert words_of(mekong.word_tokenize(texts, format="text")) == expected
        assert words_of([mekong.word_tokenize(t, format="text") for t in texts[:30]]) == expected[:30]
    # A user dictionary between calls without one: its segmenters share the memo, not its words.
    dict_vocab = mekong.CountVectorizer(user_dictionary=["Kon Tum", "bệnh viện"], n_jobs=1).fit(texts).vocabulary_
    assert words_of(mekong.word_tokenize(texts, format="text")) == expected
    assert (
        mekong.CountVectorizer(user_dictionary=["Kon Tum", "bệnh viện"], n_jobs=1).fit(texts).vocabulary_ == dict_vocab
    )
    one = mekong.CountVectorizer(words=True, n_jobs=1).fit_transform(texts)
    for _ in range(2):
        again = mekong.CountVectorizer(words=True, n_jobs=2).fit_transform(texts)
        assert (one != again).nnz == 0


def test_words_are_the_same_with_n_jobs():
    texts = list(mixed_texts(9, 300))
    one = mekong.CountVectorizer(words=True, n_jobs=1)
    two = mekong.CountVectorizer(words=True, n_jobs=2)
    a, b = one.fit_transform(texts), two.fit_transform(texts)
    assert one.vocabulary_ == two.vocabulary_
    assert (a != b).nnz == 0
    assert any("_" in t for t in one.vocabulary_)


@pytest.mark.parametrize("disabled", [0, "shipped", (1 << 5) | (1 << 6) | (1 << 16)])
def test_left_out_templates_keep_the_decoder_equal_to_the_reference(disabled):
    # Models trained on the bundled gold set with every template (0), with the shipped model's set,
    # and without the bigrams and the longest-match template: the core skips a left-out template's
    # lookups, the Python reference looks every feature up (a left-out one has no weight).
    from mekong import _core

    shipped = _core.WordModel.load(str(WORD_MODEL_PATH))
    mask = shipped.disabled if disabled == "shipped" else disabled
    gold = mekong.datasets.SEGMENTATION_GOLD.read_text(encoding="utf-8").splitlines()
    sentences = [[w.replace("_", " ") for w in line.split()] for line in gold if line.strip()]
    model = _core.WordModel.train(sentences, [], epochs=3, lexicon_from=shipped, disabled=mask, min_count=2)
    assert model.disabled == mask
    reference = ReferenceModel(model.to_bytes())
    texts = list(mixed_texts(17, 120))
    got = mekong.word_tokenize(texts, format="text", model=model)
    joined = 0
    for text, g in zip(texts, got):
        expected = reference_words(reference, unicodedata.normalize("NFC", text))
        assert [re.sub(r"[-./,:]", "_", w) for w in g.split(" ") if re.search(r"\w", w)] == expected, text[:300]
        joined += sum("_" in w for w in expected)
    assert joined > 200


def test_min_count_leaves_out_features_seen_once():
    from mekong import _core

    shipped = _core.WordModel.load(str(WORD_MODEL_PATH))
    gold = mekong.datasets.SEGMENTATION_GOLD.read_text(encoding="utf-8").splitlines()
    sentences = [[w.replace("_", " ") for w in line.split()] for line in gold if line.strip()]
    once = _core.WordModel.train(sentences, [], epochs=3, lexicon_from=shipped, min_count=1)
    twice = _core.WordModel.train(sentences, [], epochs=3, lexicon_from=shipped, min_count=2)
    assert 0 < twice.feature_count < once.feature_count
    assert twice.lexicon_size == once.lexicon_size == shipped.lexicon_size


def test_the_training_seed_changes_the_shuffle_only():
    # The seed orders the examples of each epoch: the default is the shipped model's seed, the same
    # seed gives the same bytes, another seed another model of the same data, lexicon and templates.
    from mekong import _core

    shipped = _core.WordModel.load(str(WORD_MODEL_PATH))
    gold = mekong.datasets.SEGMENTATION_GOLD.read_text(encoding="utf-8").splitlines()
    sentences = [[w.replace("_", " ") for w in line.split()] for line in gold if line.strip()]

    def train(**seed):
        return _core.WordModel.train(sentences, [], epochs=3, lexicon_from=shipped, min_count=2, **seed)

    default = train()
    assert train(seed=0x2545F4914F6CDD1D).to_bytes() == default.to_bytes()
    one, again, two = train(seed=1), train(seed=1), train(seed=2)
    assert one.to_bytes() == again.to_bytes()
    assert len({default.to_bytes(), one.to_bytes(), two.to_bytes()}) == 3
    assert one.lexicon_size == default.lexicon_size and one.disabled == default.disabled
