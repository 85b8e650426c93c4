"""Metrics that judge synthetic time series, for any generator.

- :func:`context_fid`: Fréchet distance between embeddings of real and
  synthetic windows by a self-supervised :class:`TS2VecEncoder` (PSA-GAN's
  Context-FID);
- :func:`discriminative_score`: ``|accuracy - 0.5|`` of a post-hoc GRU
  classifier telling real from synthetic (TimeGAN);
- :func:`predictive_score`: MAE on real windows of a one-step-ahead GRU
  forecaster trained on synthetic windows (TimeGAN);
- :func:`frechet_distance`: the distance behind Context-FID, on any embeddings;
- :func:`make_generator_scorer`: any of them as a ``GridSearchCV`` scorer.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from ._fid import context_fid, frechet_distance
from ._post_hoc_scores import discriminative_score, predictive_score
from ._scorer import make_generator_scorer
from ._ts2vec import TS2VecEncoder

__all__ = [
    "TS2VecEncoder",
    "context_fid",
    "discriminative_score",
    "frechet_distance",
    "make_generator_scorer",
    "predictive_score",
]
