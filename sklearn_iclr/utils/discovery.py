"""Listing the public estimators of sklearn_iclr."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import importlib
import inspect
from operator import itemgetter

from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    TransformerMixin,
)

#: The subpackages holding estimators, one per family of methods.
FAMILIES = (
    "graph",
    "timeseries",
    "text",
    "valuation",
    "explain",
    "domain_adaptation",
    "recommendation",
    "augmentation",
)

_TYPE_MIXINS = {
    "classifier": ClassifierMixin,
    "regressor": RegressorMixin,
    "transformer": TransformerMixin,
}


def all_estimators(type_filter=None):
    """List every public estimator of sklearn_iclr.

    An estimator is public when its family subpackage exports it in
    ``__all__``; abstract classes and ``Base*`` classes are left out.

    Parameters
    ----------
    type_filter : {"classifier", "regressor", "transformer"}, list of them, \
            or None, default=None
        Keep only estimators of these kinds; ``None`` keeps all.

    Returns
    -------
    estimators : list of (name, class) tuples
        Sorted by name.

    Examples
    --------
    >>> from sklearn_iclr.utils.discovery import all_estimators
    >>> names = [name for name, _ in all_estimators()]
    >>> isinstance(names, list)
    True
    """
    if isinstance(type_filter, str):
        type_filter = [type_filter]
    if type_filter is not None:
        unknown = set(type_filter) - set(_TYPE_MIXINS)
        if unknown:
            raise ValueError(
                f"type_filter must be among {sorted(_TYPE_MIXINS)} or None, "
                f"got {sorted(unknown)}."
            )

    found = {}
    for family in FAMILIES:
        module = importlib.import_module(f"sklearn_iclr.{family}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseEstimator)
                and not inspect.isabstract(obj)
                and not name.startswith(("Base", "_"))
            ):
                found[name] = obj

    estimators = sorted(found.items(), key=itemgetter(0))
    if type_filter is not None:
        mixins = tuple(_TYPE_MIXINS[kind] for kind in type_filter)
        estimators = [(n, c) for n, c in estimators if issubclass(c, mixins)]
    return estimators
