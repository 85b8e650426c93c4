"""Explainability: feature attribution for trajectory predictors.

Data layout shared by every estimator of this family: scenes ``X`` of shape
``(n_samples, n_agents, t_obs, 2)`` (agent 0 the target, NaN slots for absent
agents) and the target's future ``y`` of shape ``(n_samples, t_pred, 2)``.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from ._plotting import plot_scene_attribution
from ._predictors import ConstantVelocityPredictor, SocialAttentionPredictor
from ._scenes import prepare_trajectory_scenes
from ._shapley import ShapleyTrajectoryExplainer
from ._validation import average_displacement_error, final_displacement_error

__all__ = [
    "ConstantVelocityPredictor",
    "ShapleyTrajectoryExplainer",
    "SocialAttentionPredictor",
    "average_displacement_error",
    "final_displacement_error",
    "plot_scene_attribution",
    "prepare_trajectory_scenes",
]
