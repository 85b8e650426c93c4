"""Data valuation: value, reweight and clean training data.

:class:`DIVAWeighter` computes the dataset derivative of Dukler et al. (ICLR
2022); :class:`DIVAReweightedClassifier` and :class:`DIVAReweightedRegressor`
train any estimator with the resulting weights; :class:`NetworkFeaturizer`
gives DIVA the linearisation of a trained network; :func:`find_label_issues`
flags likely mislabelled rows; the baselines (exact leave-one-out, KNN-Shapley,
Data-OOB, truncated Monte-Carlo Shapley) value rows for comparison.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from ._baselines import (
    data_oob_values,
    knn_shapley_values,
    leave_one_out_values,
    tmc_shapley_values,
)
from ._diva import DIVAWeighter
from ._label_issues import find_label_issues
from ._network import NetworkFeaturizer
from ._reweighted import DIVAReweightedClassifier, DIVAReweightedRegressor

__all__ = [
    "DIVAReweightedClassifier",
    "DIVAReweightedRegressor",
    "DIVAWeighter",
    "NetworkFeaturizer",
    "data_oob_values",
    "find_label_issues",
    "knn_shapley_values",
    "leave_one_out_values",
    "tmc_shapley_values",
]
