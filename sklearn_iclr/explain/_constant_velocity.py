"""The constant-velocity baseline (no torch needed)."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator

from ..utils._sklearn_compat import Interval, _fit_context
from ._base import _TrajectoryRegressorMixin
from ._validation import check_future, check_scenes


class ConstantVelocityPredictor(_TrajectoryRegressorMixin, BaseEstimator):
    """Predict that the target keeps its last observed velocity.

    The classic strong baseline of pedestrian trajectory prediction: it
    uses only the target's own past, so every neighbour is a dummy player
    for :class:`ShapleyTrajectoryExplainer`. There is nothing to learn;
    ``fit`` only checks the data and records its shapes.

    Read more in the :ref:`User Guide <explain_guide>`.

    Parameters
    ----------
    n_velocity_steps : int, default=1
        The velocity is the mean displacement per step over the last
        ``n_velocity_steps`` observed steps (at most ``t_obs - 1``).

    Attributes
    ----------
    t_obs_ : int
        Number of observed steps the predictor was fitted with.
    t_pred_ : int
        Number of predicted steps.

    See Also
    --------
    SocialAttentionPredictor : A learned model that can use neighbours.

    Examples
    --------
    >>> from sklearn_iclr.datasets import make_pedestrian_scenes
    >>> from sklearn_iclr.explain import ConstantVelocityPredictor
    >>> scenes = make_pedestrian_scenes(n_samples=20, random_state=0)
    >>> model = ConstantVelocityPredictor().fit(scenes.data, scenes.target)
    >>> model.predict(scenes.data).shape
    (20, 12, 2)
    """

    _parameter_constraints = {
        "n_velocity_steps": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, n_velocity_steps=1):
        self.n_velocity_steps = n_velocity_steps

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Check the scenes and record ``t_obs`` and ``t_pred``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_agents, t_obs, 2)
            Observed scenes; agent 0 is the target, absent agents are NaN.
        y : array-like of shape (n_samples, t_pred, 2)
            The target's future positions.

        Returns
        -------
        self : object
            Fitted predictor.
        """
        X = check_scenes(X)
        y = check_future(y, X.shape[0])
        if self.n_velocity_steps > X.shape[2] - 1:
            raise ValueError(
                f"n_velocity_steps={self.n_velocity_steps} needs at least "
                f"{self.n_velocity_steps + 1} observed steps, got t_obs={X.shape[2]}."
            )
        self.t_obs_ = X.shape[2]
        self.t_pred_ = y.shape[1]
        return self

    def predict(self, X):
        """Extrapolate the target's last velocity.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_agents, t_obs, 2)
            Scenes; any number of agents.

        Returns
        -------
        y_pred : ndarray of shape (n_samples, t_pred, 2)
            Predicted future positions of the target.
        """
        X = self._check_predict_input(X)
        k = self.n_velocity_steps
        last = X[:, 0, -1]
        velocity = (last - X[:, 0, -1 - k]) / k
        steps = np.arange(1, self.t_pred_ + 1, dtype=float)
        return last[:, None, :] + steps[None, :, None] * velocity[:, None, :]

    def predict_coalitions(self, X, keep, X_removed):
        """Predict every coalition of agents at once.

        Equal to calling :meth:`predict` on
        ``np.where(keep[..., None, None], X[:, None], X_removed[:, None])``;
        only the target's past matters, so two predictions per scene suffice.
        :class:`ShapleyTrajectoryExplainer` uses this fast path.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_agents, t_obs, 2)
            Scenes.
        keep : array-like of bool, shape (n_samples, n_coalitions, n_agents)
            Which agents keep their trajectory in each coalition.
        X_removed : array-like of shape (n_samples, n_agents, t_obs, 2)
            Trajectories of removed agents (NaN: absent).

        Returns
        -------
        y_pred : ndarray of shape (n_samples, n_coalitions, t_pred, 2)
            Predicted futures of the target for every coalition.
        """
        X = self._check_predict_input(X)
        keep = np.asarray(keep, dtype=bool)
        X_removed = np.asarray(X_removed, dtype=float)
        kept = self.predict(X[:, :1])
        removed = self.predict(X_removed[:, :1])
        return np.where(keep[:, :, :1, None], kept[:, None], removed[:, None])
