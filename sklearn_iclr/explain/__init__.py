"""Explainability: feature attribution for trajectory predictors.

Data layout shared by every estimator of this family: scenes ``X`` of shape
``(n_samples, n_agents, t_obs, 2)`` (agent 0 the target, NaN slots for absent
agents) and the target's future ``y`` of shape ``(n_samples, t_pred, 2)``.

Only :class:`SocialAttentionPredictor` needs torch; it is imported on first
use, so the explainer, the constant-velocity model and the scene tools work
without torch installed.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import importlib

from ._constant_velocity import ConstantVelocityPredictor
from ._plotting import plot_scene_attribution
from ._scenes import prepare_trajectory_scenes
from ._shapley import ShapleyTrajectoryExplainer
from ._validation import average_displacement_error, final_displacement_error

# Public names whose module imports torch: loaded on first access.
_LAZY = {"SocialAttentionPredictor": "._social_attention"}

__all__ = [
    "ConstantVelocityPredictor",
    "ShapleyTrajectoryExplainer",
    "SocialAttentionPredictor",
    "average_displacement_error",
    "final_displacement_error",
    "plot_scene_attribution",
    "prepare_trajectory_scenes",
]


def __dir__():
    return __all__


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
