"""Time-series methods: synthetic series generation and the metrics to judge it.

:class:`PSAGANGenerator` (PSA-GAN, Jeha et al., ICLR 2022) learns to generate
synthetic windows of a panel of series; :mod:`sklearn_iclr.timeseries.metrics`
judges synthetic windows from any generator (Context-FID, discriminative and
predictive scores).
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from . import metrics  # noqa: F401  (the public metrics submodule)
from ._psa_gan import PSAGANGenerator
from ._ts2vec import TS2VecEncoder

__all__ = ["PSAGANGenerator", "TS2VecEncoder"]
