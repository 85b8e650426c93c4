"""Every private scikit-learn name sklearn_iclr uses, imported in one place.

scikit-learn moves private helpers between releases; when it does, only this
file has to change. Public names (``validate_data``, ``check_is_fitted``, the
tags dataclasses) are re-exported here too so that modules import from one spot.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from sklearn.base import _fit_context
from sklearn.model_selection._split import GroupsConsumerMixin
from sklearn.utils import Tags
from sklearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    InvalidParameterError,
    Options,
    RealNotInt,
    StrOptions,
    validate_params,
)
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = [
    "GroupsConsumerMixin",
    "HasMethods",
    "Hidden",
    "Interval",
    "InvalidParameterError",
    "Options",
    "RealNotInt",
    "StrOptions",
    "Tags",
    "_fit_context",
    "check_is_fitted",
    "validate_data",
    "validate_params",
]
