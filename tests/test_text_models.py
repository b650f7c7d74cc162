"""Learned text models are core objects: fitted once, pickled through the core with a version, never
re-sent; transform learns nothing; an overridden build_analyzer is honoured by fit."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import mekong
from mekong import _core

RICH = dict(clean=True, aliases=True, phrases=True, stop_words="vietnamese")


@pytest.fixture(scope="module")
def fitted(sample):
    return mekong.CountVectorizer(**RICH).fit(sample.texts)


def _forbid_rebuilds(monkeypatch):
    """Any AnalyzerConfig, Analyzer or model built from here on fails the test."""

    def refuse(name):
        def build(*args, **kwargs):
            raise AssertionError(f"{name} built during transform: learned state sent to the core again")

        return build

    for name in ("AnalyzerConfig", "Analyzer", "FurnitureLines", "PhraseModel", "TextModelsConfig", "fit_text_models"):
        monkeypatch.setattr(_core, name, refuse(name))


def test_transform_does_no_learning_and_sends_no_learned_state(fitted, sample, monkeypatch):
    want = fitted.transform(sample.texts[:5])
    calls = _core.learning_calls()
    with monkeypatch.context() as m:
        _forbid_rebuilds(m)
        for _ in range(3):
            got = fitted.transform(sample.texts[:5])
            assert (got != want).nnz == 0
        Xt = mekong.TfidfVectorizer(**RICH)  # constructing an estimator is no core work either
        del Xt
    assert _core.learning_calls() == calls


def test_fit_learns_each_model_once_in_one_core_call(sample, monkeypatch):
    seen = []
    real = _core.fit_text_models

    def spy(docs, base, config, n_jobs, **kwargs):  # kwargs: progress=
        seen.append((config.furniture, config.name_evidence, config.phrases))
        return real(docs, base, config, n_jobs, **kwargs)

    monkeypatch.setattr(_core, "fit_text_models", spy)
    before = _core.learning_calls()
    cv = mekong.CountVectorizer(**RICH).fit(sample.texts)
    assert seen == [(True, True, True)]
    assert _core.learning_calls() - before == 3  # lines, name evidence, phrases: three passes, one call
    assert isinstance(cv.cleaner_.furniture_, _core.FurnitureLines)
    assert isinstance(cv.name_evidence_, _core.NameEvidence)
    assert isinstance(cv.phrases_.model_, _core.PhraseModel)


def test_public_api_holds_no_core_config_plumbing():
    assert not hasattr(mekong.Cleaner, "apply_to")
    assert not hasattr(mekong.Phrases, "core_model")


def test_pickled_vectorizer_rebuilds_its_analyzer_once_and_learns_nothing(fitted, sample):
    calls = _core.learning_calls()
    again = pickle.loads(pickle.dumps(fitted))
    assert "_analyzer" not in again.__dict__
    X = again.transform(sample.texts)
    assert (fitted.transform(sample.texts) != X).nnz == 0
    assert _core.learning_calls() == calls
    assert again.cleaner_.repeated_lines_ == fitted.cleaner_.repeated_lines_
    assert again.phrases_.pairs_ == fitted.phrases_.pairs_
    assert again.name_evidence_.clipped == fitted.name_evidence_.clipped


def test_set_params_after_fit_changes_the_analyzer_not_the_models(sample):
    cv = mekong.CountVectorizer(clean=True).fit(sample.texts[:10])
    lines = cv.cleaner_.furniture_
    calls = _core.learning_calls()
    cv.set_params(lowercase=False)
    terms = cv.build_analyzer()("Kon Tum")
    assert terms == ["Kon_Tum"] or terms == ["Kon", "Tum"]
    assert cv.cleaner_.furniture_ is lines and _core.learning_calls() == calls


def _models(sample):
    cv = mekong.CountVectorizer(**RICH).fit(sample.texts)
    return {
        "FurnitureLines": cv.cleaner_.furniture_,
        "NameEvidence": cv.name_evidence_,
        "PhraseModel": cv.phrases_.model_,
    }


def _content(model):
    if isinstance(model, _core.FurnitureLines):
        return model.lines()
    if isinstance(model, _core.NameEvidence):
        return (model.lower, model.names, model.clipped)
    return (model.pairs(), model.dictionary())


@pytest.mark.parametrize("kind", ["FurnitureLines", "NameEvidence", "PhraseModel"])
def test_models_pickle_through_versioned_core_bytes(sample, kind):
    model = _models(sample)[kind]
    (state,) = model.__getstate__()
    assert isinstance(state, bytes) and state.startswith(b"MKMODEL\0")
    again = pickle.loads(pickle.dumps(model))
    assert type(again) is type(model) and _content(again) == _content(model)
    assert _content(model)  # the sample teaches each model something


@pytest.mark.parametrize("kind", ["FurnitureLines", "NameEvidence", "PhraseModel"])
def test_regression_unpickling_a_model_of_another_version_names_both_versions(sample, kind):
    model = _models(sample)[kind]
    (state,) = model.__getstate__()
    at = 8 + 8 + len(kind)  # magic, the kind's length, the kind: then the version (little-endian u64)
    assert int.from_bytes(state[at : at + 8], "little") == _core.MODEL_FORMAT_VERSION
    other = _core.MODEL_FORMAT_VERSION + 6
    tampered = state[:at] + other.to_bytes(8, "little") + state[at + 8 :]
    data = pickle.dumps(model)
    assert data.count(state) == 1
    with pytest.raises(
        ValueError, match=rf"version {other}, but this mekong reads version {_core.MODEL_FORMAT_VERSION}"
    ):
        pickle.loads(data.replace(state, tampered))


def test_corrupt_model_bytes_are_a_clear_error():
    lines = _core.FurnitureLines(["trang chủ", "đọc nhiều"])
    (state,) = lines.__getstate__()
    for bad in (state[:-3], state + b"x", b"garbage"):
        with pytest.raises(ValueError, match="cannot read a FurnitureLines model"):
            _core.FurnitureLines.__new__(_core.FurnitureLines).__setstate__((bad,))
    evidence = mekong.CountVectorizer(names=True).fit(["Kon Tum"]).name_evidence_
    with pytest.raises(ValueError, match="these bytes hold a NameEvidence model"):
        _core.FurnitureLines.__new__(_core.FurnitureLines).__setstate__(evidence.__getstate__())


def test_word_model_pickles_through_its_own_versioned_bytes():
    from mekong._options import word_model

    model = word_model(True)
    again = pickle.loads(pickle.dumps(model))
    assert again.to_bytes() == model.to_bytes()


def test_fitted_cleaner_and_phrases_given_to_a_vectorizer_are_used_not_refitted(sample):
    cleaner = mekong.Cleaner().fit(sample.texts)
    phrases = mekong.Phrases(words=False, min_count=2).fit(sample.texts)
    calls = _core.learning_calls()
    cv = mekong.CountVectorizer(clean=cleaner, phrases=phrases, words=False).fit(sample.texts)
    assert _core.learning_calls() == calls
    assert cv.cleaner_ is cleaner and cv.phrases_ is phrases
    # ... and count what an analyzer built on them gives (counted here by a slow reference).
    from mekong._options import make_analyzer

    analyzer = make_analyzer(cleaner=cleaner, phrases=phrases, words=False)
    vocab, want = reference_counts([analyzer.terms(d)[0] for d in sample.texts])
    assert list(cv.get_feature_names_out()) == vocab
    assert np.array_equal(cv.transform(sample.texts).toarray(), want)


# -- build_analyzer overridden in a subclass -------------------------------------------------------


def reference_counts(rows, min_df=1):
    """Slow, obviously correct: vocabulary sorted, df >= min_df, counts per row."""
    df = {}
    for terms in rows:
        for t in set(terms):
            df[t] = df.get(t, 0) + 1
    vocab = sorted(t for t in df if df[t] >= min_df)
    index = {t: i for i, t in enumerate(vocab)}
    X = np.zeros((len(rows), len(vocab)), dtype=np.int64)
    for r, terms in enumerate(rows):
        for t in terms:
            if t in index:
                X[r, index[t]] += 1
    return vocab, X


class Suffixed(mekong.CountVectorizer):
    def build_analyzer(self):
        base = super().build_analyzer()
        return lambda doc: [t + "#" for t in base(doc) if len(t) > 2]


def test_regression_overriding_build_analyzer_is_honoured_by_fit_and_transform(sample):
    docs = sample.texts[:12]
    cv = Suffixed(words=False, min_df=2)
    X = cv.fit_transform(docs)
    plain = mekong.CountVectorizer(words=False).build_analyzer()
    rows = [[t + "#" for t in plain(d) if len(t) > 2] for d in docs]
    vocab, want = reference_counts(rows, min_df=2)
    assert list(cv.get_feature_names_out()) == vocab
    assert np.array_equal(X.toarray(), want)
    assert np.array_equal(cv.transform(docs).toarray(), want)


class Same(mekong.CountVectorizer):
    def build_analyzer(self):
        return super().build_analyzer()


@pytest.mark.parametrize("options", [dict(), dict(max_features=40, binary=True), dict(min_df=0.1, max_df=0.5)])
def test_an_override_that_changes_nothing_gives_the_cores_results(sample, options):
    docs = sample.texts[:20]
    ours = Same(words=False, **options)
    core = mekong.CountVectorizer(words=False, **options)
    Xo, Xc = ours.fit_transform(docs), core.fit_transform(docs)
    assert ours.vocabulary_ == core.vocabulary_
    assert (Xo != Xc).nnz == 0 and Xo.dtype == Xc.dtype


def test_an_overridden_build_analyzer_reads_streamed_files_and_skips_missing_ones(sample, tmp_path):
    # The Python counting path of an override takes the streamed input (files, a generator,
    # on_error="skip") like the core's path: same rows as the texts, the missing file listed.
    docs = sample.texts[:8]
    paths = []
    for i, text in enumerate(docs):
        path = tmp_path / f"{i:02d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    missing = tmp_path / "missing.txt"
    order = paths[:3] + [missing] + paths[3:]
    want = Suffixed(words=False, min_df=2).fit_transform(docs)
    cv = Suffixed(words=False, min_df=2, input="filename", on_error="skip")
    X = cv.fit_transform(p for p in order)
    assert X.shape == want.shape and (want != X).nnz == 0
    assert [(pos, name.endswith("missing.txt")) for pos, name, _ in cv.skipped_files_] == [(3, True)]
    again = cv.transform(p for p in order)
    assert (again != want).nnz == 0 and len(cv.skipped_files_) == 1
    with pytest.raises(ValueError, match="empty corpus"):
        Suffixed(words=False).fit_transform(iter([]))
