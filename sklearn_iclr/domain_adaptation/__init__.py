"""Domain adaptation: learning for unlabelled domains from labelled ones.

GRDA (Xu et al., ICLR 2022) adapts across a graph of related domains (adjacent
states, neighbouring years): :class:`GRDAClassifier` and :class:`GRDARegressor`,
whose ``discriminator`` parameter also gives the DANN and source-only
baselines with the same networks.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from ._grda import GRDAClassifier, GRDARegressor

__all__ = ["GRDAClassifier", "GRDARegressor"]
