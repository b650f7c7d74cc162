"""Estimator plumbing: scikit-learn's estimator API without importing scikit-learn.

``import sklearn.base`` costs more than a second and about 600 MB of address space (it pulls in
scipy.stats, and pandas and pyarrow when installed), which ``import mekong`` should not pay. So the
estimators derive from the small classes here, which follow scikit-learn's own code where it matters:

- ``get_params`` / ``set_params`` with nested ``component__parameter`` names, the same errors;
- pickling that stores ``__dict__`` (what scikit-learn stores for classes outside ``sklearn.``);
- ``__sklearn_tags__``: scikit-learn's ``BaseEstimator.__sklearn_tags__`` of the installed version,
  called when scikit-learn asks for it (it is imported then), plus ``TransformerTags`` for the
  transformers, exactly what deriving from ``BaseEstimator`` and ``TransformerMixin`` gives;
- ``set_output`` for the transformers with ``get_feature_names_out``, with scikit-learn's wrapping
  of ``transform`` / ``fit_transform`` output, read only when an output other than "default" is set;
- ``__repr__`` with the parameters that differ from their defaults, and the HTML repr in notebooks
  from scikit-learn when it is installed.

``clone``, ``Pipeline``, ``GridSearchCV`` and ``check_is_fitted`` need nothing more: they work through
these methods. Metadata routing (``set_fit_request``) is not offered: the estimators' ``fit`` takes no
metadata.
"""

from __future__ import annotations

import inspect
import sys
from collections import defaultdict
from functools import wraps


class BaseEstimator:
    """scikit-learn's estimator contract (parameters, cloning, pickling, tags) without scikit-learn."""

    @classmethod
    def _get_param_names(cls):
        init = getattr(cls.__init__, "deprecated_original", cls.__init__)
        if init is object.__init__:
            return []
        parameters = [
            p for p in inspect.signature(init).parameters.values() if p.name != "self" and p.kind != p.VAR_KEYWORD
        ]
        for p in parameters:
            if p.kind == p.VAR_POSITIONAL:
                raise RuntimeError(
                    "scikit-learn estimators should always specify their parameters in the signature of their "
                    f"__init__ (no varargs). {cls} with constructor {inspect.signature(init)} doesn't follow "
                    "this convention."
                )
        return sorted(p.name for p in parameters)

    def get_params(self, deep=True):
        out = {}
        for key in self._get_param_names():
            value = getattr(self, key)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((key + "__" + k, v) for k, v in value.get_params().items())
            out[key] = value
        return out

    def set_params(self, **params):
        if not params:
            return self
        valid_params = self.get_params(deep=True)
        nested_params = defaultdict(dict)
        for key, value in params.items():
            key, delim, sub_key = key.partition("__")
            if key not in valid_params:
                raise ValueError(
                    f"Invalid parameter {key!r} for estimator {self}. "
                    f"Valid parameters are: {self._get_param_names()!r}."
                )
            if delim:
                nested_params[key][sub_key] = value
            else:
                setattr(self, key, value)
                valid_params[key] = value
        for key, sub_params in nested_params.items():
            valid_params[key].set_params(**sub_params)
        return self

    def __getstate__(self):  # object.__getstate__ exists only from Python 3.11
        return self.__dict__.copy()

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __sklearn_tags__(self):
        # Only scikit-learn calls this, so sklearn.base is imported already: its tags for the
        # installed version, as a subclass of its BaseEstimator would get them.
        from sklearn.base import BaseEstimator as _SkBase

        return _SkBase.__sklearn_tags__(self)

    def __repr__(self):
        try:
            init = inspect.signature(type(self).__init__).parameters
            shown = []
            for name in self._get_param_names():
                value = getattr(self, name)
                default = init[name].default if name in init else inspect.Parameter.empty
                if default is inspect.Parameter.empty or repr(value) != repr(default):
                    shown.append(f"{name}={value!r}")
        except Exception:  # a repr never fails
            shown = []
        return f"{type(self).__name__}({', '.join(shown)})"

    def _repr_mimebundle_(self, **kwargs):
        out = {"text/plain": repr(self)}
        try:  # scikit-learn's diagram, where it is installed (notebooks only)
            from sklearn.utils import estimator_html_repr

            out["text/html"] = estimator_html_repr(self)
        except Exception:
            pass
        return out


def _output_config(estimator):
    """The ``transform`` output asked for: the estimator's own set_output, else scikit-learn's global
    configuration when scikit-learn is loaded (nobody set one otherwise)."""
    own = getattr(estimator, "_sklearn_output_config", None)
    if own and own.get("transform") is not None:
        return own["transform"]
    sklearn = sys.modules.get("sklearn")
    if sklearn is not None and hasattr(sklearn, "get_config"):
        return sklearn.get_config().get("transform_output", "default")
    return "default"


def _wrap_output(method):
    @wraps(method)
    def wrapped(self, X, *args, **kwargs):
        data = method(self, X, *args, **kwargs)
        if _output_config(self) == "default":
            return data
        from sklearn.utils._set_output import _wrap_data_with_container  # what scikit-learn's mixin runs

        return _wrap_data_with_container("transform", data, X, self)

    return wrapped


class _WithFeatureNames:
    """A method that exists only on estimators with ``get_feature_names_out`` (scikit-learn's
    ``available_if``): ``hasattr(est, "set_output")`` is then what scikit-learn's own gives."""

    def __init__(self, fn):
        self.fn = fn
        wraps(fn)(self)

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        if not hasattr(obj, "get_feature_names_out"):
            raise AttributeError(f"This {type(obj).__name__!r} has no attribute 'set_output'")
        return self.fn.__get__(obj, owner)


class TransformerMixin:
    """``fit_transform``, transformer tags and ``set_output``, as scikit-learn's mixin gives them."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # As scikit-learn's _SetOutputMixin: the class's own transform / fit_transform pass their
        # output through the configured container (a no-op unless set_output asked for one).
        if not hasattr(cls, "get_feature_names_out"):
            return
        cls._sklearn_auto_wrap_output_keys = {"transform"}  # what scikit-learn's wrapper checks
        for name in ("transform", "fit_transform"):
            if name in cls.__dict__:
                setattr(cls, name, _wrap_output(cls.__dict__[name]))

    def fit_transform(self, X, y=None, **fit_params):
        if y is None:
            return self.fit(X, **fit_params).transform(X)
        return self.fit(X, y, **fit_params).transform(X)

    def __sklearn_tags__(self):
        from sklearn.utils import TransformerTags

        tags = super().__sklearn_tags__()
        tags.transformer_tags = TransformerTags()
        return tags

    @_WithFeatureNames
    def set_output(self, *, transform=None):
        """Set the container of ``transform`` / ``fit_transform`` output ("default", "pandas",
        "polars"), as scikit-learn's ``set_output``; the vectorizers' output is sparse, which
        scikit-learn refuses to put in a frame."""
        if transform is None:
            return self
        if not hasattr(self, "_sklearn_output_config"):
            self._sklearn_output_config = {}
        self._sklearn_output_config["transform"] = transform
        return self


class NotFittedError(ValueError, AttributeError):
    """Raised when an estimator is used before ``fit`` (as scikit-learn's error of that name)."""


def check_is_fitted(estimator, attribute):
    if not hasattr(estimator, attribute):
        raise NotFittedError(
            f"This {type(estimator).__name__} instance is not fitted yet. Call 'fit' with "
            "appropriate arguments before using this estimator."
        )
