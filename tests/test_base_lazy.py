"""mekong._base: scikit-learn's estimator contract without importing scikit-learn at `import mekong`.

The estimators derive from mekong's own BaseEstimator / TransformerMixin; these tests hold them to
what deriving from scikit-learn's classes gives (tags, clone, nested parameters, set_output,
pickling, Pipeline and GridSearchCV), with scikit-learn's own classes as the reference."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

import mekong

skbase = pytest.importorskip("sklearn.base")
from sklearn.base import clone  # noqa: E402


def test_import_mekong_loads_neither_sklearn_nor_pandas_nor_scipy_stats():
    code = (
        "import sys, mekong\n"
        "print(sorted(m for m in ('sklearn', 'sklearn.base', 'pandas', 'pyarrow', 'scipy.stats') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def _estimators():
    return [
        (mekong.CountVectorizer(), "transformer"),
        (mekong.TfidfVectorizer(), "transformer"),
        (mekong.TfidfTransformer(), "transformer"),
        (mekong.BM25Transformer(), "transformer"),
        (mekong.Cleaner(), "transformer"),
        (mekong.MinHash(), "base-first"),
        (mekong.Phrases(), "base"),
        (mekong.StoryClusterer(), "clusterer"),
    ]


def _reference(kind):
    """An empty class with scikit-learn's bases in the same order as the mekong class's."""
    if kind == "transformer":
        return type("Ref", (skbase.TransformerMixin, skbase.BaseEstimator), {})()
    if kind == "base-first":
        return type("Ref", (skbase.BaseEstimator, skbase.TransformerMixin), {})()
    if kind == "clusterer":  # StoryClusterer sets its estimator type in its own __sklearn_tags__
        return type("Ref", (skbase.ClusterMixin, skbase.BaseEstimator), {})()
    return type("Ref", (skbase.BaseEstimator,), {})()


@pytest.mark.parametrize("index", range(8))
def test_tags_are_those_scikit_learns_bases_give(index):
    utils = pytest.importorskip("sklearn.utils")
    if not hasattr(utils, "get_tags"):
        pytest.skip("scikit-learn < 1.6 has no __sklearn_tags__")
    est, kind = _estimators()[index]
    assert utils.get_tags(est) == utils.get_tags(_reference(kind))


def test_nested_parameters_clone_and_errors_as_scikit_learn():
    cv = mekong.CountVectorizer(clean=mekong.Cleaner(min_documents=3), min_df=2)
    params = cv.get_params(deep=True)
    assert params["clean__min_documents"] == 3 and params["min_df"] == 2
    cv.set_params(clean__min_documents=4, max_df=0.9)
    assert cv.clean.min_documents == 4 and cv.max_df == 0.9
    twin = clone(cv)
    assert twin is not cv and twin.clean is not cv.clean and twin.get_params()["clean__min_documents"] == 4
    with pytest.raises(ValueError, match=r"Invalid parameter 'nope' for estimator CountVectorizer\(.*Valid parameters"):
        cv.set_params(nope=1)
    fitted = mekong.CountVectorizer().fit(["Hợp tác với Attapư"])
    assert not hasattr(clone(fitted), "vocabulary_")


def test_check_is_fitted_and_pickle_and_repr():
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    cv = mekong.CountVectorizer(min_df=1, max_df=0.5)
    with pytest.raises(NotFittedError):
        check_is_fitted(cv)
    cv.set_params(max_df=1.0).fit(["Hợp tác với Attapư", "Kon Tum"])
    check_is_fitted(cv)
    again = pickle.loads(pickle.dumps(cv))
    assert again.vocabulary_ == cv.vocabulary_ and again.get_params() == cv.get_params()
    # the parameters that differ from their defaults, as scikit-learn prints them
    ref = type("CountVectorizer", (skbase.BaseEstimator,), {"__init__": mekong.CountVectorizer.__init__})
    assert repr(mekong.CountVectorizer(min_df=2, token_pattern="x")) == repr(ref(min_df=2, token_pattern="x"))
    assert "text/html" in cv._repr_mimebundle_()


def test_set_output_as_scikit_learn():
    import sklearn

    assert hasattr(mekong.CountVectorizer(), "set_output")
    for est, kind in _estimators()[2:]:
        assert hasattr(est, "set_output") == hasattr(_reference(kind), "get_feature_names_out")
    docs = ["Hợp tác với Attapư", "Kon Tum"]
    assert mekong.TfidfVectorizer().set_output(transform="default").fit_transform(docs).shape == (2, 4)
    with pytest.raises(ValueError, match="sparse"):  # scikit-learn's refusal of a frame of sparse output
        mekong.TfidfVectorizer().set_output(transform="pandas").fit_transform(docs)
    with sklearn.config_context(transform_output="pandas"), pytest.raises(ValueError, match="sparse"):
        mekong.CountVectorizer().fit_transform(docs)
    cv = mekong.CountVectorizer().set_output(transform="pandas")
    assert clone(cv)._sklearn_output_config == {"transform": "pandas"}


def test_pipeline_and_grid_search_over_mekong_estimators():
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline

    docs = ["Sông Mê Kông chảy qua Lào", "Thủy điện trên sông Mê Kông", "Giá lúa gạo tăng", "Chợ nổi bán trái cây"] * 3
    labels = [1, 1, 0, 0] * 3
    pipe = Pipeline(
        [("counts", mekong.CountVectorizer()), ("tfidf", mekong.TfidfTransformer()), ("clf", LogisticRegression())]
    )
    grid = GridSearchCV(
        pipe, {"counts__words": [True, False], "tfidf__sublinear_tf": [False, True]}, cv=2, error_score="raise"
    )
    grid.fit(docs, labels)
    assert grid.score(docs, labels) == 1.0
    assert pickle.loads(pickle.dumps(grid.best_estimator_)).predict(docs).tolist() == labels
