"""Estimator plumbing: scikit-learn's parameter conventions without requiring scikit-learn.

When scikit-learn is installed the estimators derive from its ``BaseEstimator`` and
``TransformerMixin``, so ``clone``, ``Pipeline``, ``GridSearchCV`` and the HTML repr work as
for any scikit-learn transformer. Without it, a small stand-in gives ``get_params``,
``set_params`` and ``fit_transform``.
"""

from __future__ import annotations

import inspect

try:  # pragma: no cover - exercised by whichever environment runs the tests
    from sklearn.base import BaseEstimator, TransformerMixin
except ImportError:  # pragma: no cover

    class BaseEstimator:  # type: ignore[no-redef]
        @classmethod
        def _get_param_names(cls):
            sig = inspect.signature(cls.__init__)
            return sorted(p.name for p in sig.parameters.values() if p.name != "self")

        def get_params(self, deep=True):
            return {name: getattr(self, name) for name in self._get_param_names()}

        def set_params(self, **params):
            valid = self._get_param_names()
            for key, value in params.items():
                if key not in valid:
                    raise ValueError(f"Invalid parameter {key!r} for estimator {type(self).__name__}")
                setattr(self, key, value)
            return self

        def __getstate__(self):  # object.__getstate__ exists only from Python 3.11
            return self.__dict__.copy()

        def __repr__(self):
            args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
            return f"{type(self).__name__}({args})"

    class TransformerMixin:  # type: ignore[no-redef]
        def fit_transform(self, X, y=None, **fit_params):
            return self.fit(X, y, **fit_params).transform(X)


class NotFittedError(ValueError, AttributeError):
    """Raised when an estimator is used before ``fit`` (as scikit-learn's error of that name)."""


def check_is_fitted(estimator, attribute):
    if not hasattr(estimator, attribute):
        raise NotFittedError(
            f"This {type(estimator).__name__} instance is not fitted yet. Call 'fit' with "
            "appropriate arguments before using this estimator."
        )
