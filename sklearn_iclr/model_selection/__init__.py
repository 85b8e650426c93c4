"""Generalisation tests along factors of variation.

:class:`CompositionalSplit` holds out combinations (composition), interior
values (interpolation) or upper values (extrapolation) of the factors that
define each sample, after Schott et al., "Visual representation learning does
not generalize strongly within the same domain" (ICLR 2022);
:func:`grid_r2_score` is the paper's R² over the full factor grid, and
:func:`level_response` shows how predictions regress toward the training range.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from ._compositional import CompositionalSplit
from ._grid_r2 import grid_r2_score, grid_r2_scorer
from ._level_response import level_response, plot_level_response

__all__ = [
    "CompositionalSplit",
    "grid_r2_score",
    "grid_r2_scorer",
    "level_response",
    "plot_level_response",
]
