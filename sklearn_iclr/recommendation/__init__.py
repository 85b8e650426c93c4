"""Recommendation and user targeting with activity intensities (RIM).

:class:`RecurrentIntensityRecommender` scores a (user, item) pair for a time
window by the user's expected activity times the item's relevance, so it ranks
items per user and users per item. :func:`temporal_user_split`,
:func:`window_targets`, :func:`precision_at_k` and :func:`recall_at_k` are the
paper's protocol.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from ._metrics import precision_at_k, recall_at_k
from ._rim import RecurrentIntensityRecommender
from ._split import temporal_user_split, window_targets

__all__ = [
    "RecurrentIntensityRecommender",
    "precision_at_k",
    "recall_at_k",
    "temporal_user_split",
    "window_targets",
]
