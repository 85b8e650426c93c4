"""Data augmentation: policies searched by gradient matching, and baselines.

Deep AutoAugment (Zheng et al., ICLR 2022) searches a multi-layer policy of
(operation, magnitude) options so that the gradient on augmented data
matches the gradient on clean validation data: :class:`DeepAutoAugment`,
for images and, as our extension, for time series. :class:`RandAugment`
and :class:`TrivialAugment` are the fixed uniform policies over the same
operations. All three are scikit-learn transformers whose ``transform``
returns augmented copies; ``as_torch_transform`` hands the policy to a torch
data loader.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from ._baselines import RandAugment, TrivialAugment
from ._deep_autoaugment import DeepAutoAugment

__all__ = ["DeepAutoAugment", "RandAugment", "TrivialAugment"]
