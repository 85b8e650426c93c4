"""What the trajectory predictors share: 4-D scenes in, minus the ADE as score."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils.validation import _check_sample_weight

from ..utils._sklearn_compat import check_is_fitted
from ._validation import average_displacement_error, check_future, check_scenes


class _TrajectoryRegressorMixin(RegressorMixin):
    """Shared API of the trajectory predictors: 4-D input, ADE score."""

    def _check_predict_input(self, X):
        check_is_fitted(self)
        X = check_scenes(X)
        if X.shape[2] != self.t_obs_:
            raise ValueError(
                f"X has t_obs={X.shape[2]} observed steps but {type(self).__name__} "
                f"was fitted with t_obs={self.t_obs_}."
            )
        return X

    def score(self, X, y, sample_weight=None):
        """Negative average displacement error (higher is better).

        ``GridSearchCV`` uses this score by default, since the coefficient
        of determination of :class:`~sklearn.base.RegressorMixin` is not
        defined for trajectories.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_agents, t_obs, 2)
            Scenes.
        y : array-like of shape (n_samples, t_pred, 2)
            The target's true future positions.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights, not all zero.

        Returns
        -------
        score : float
            Minus the (weighted) mean ADE.
        """
        y_pred = self.predict(X)
        y = check_future(y, y_pred.shape[0], t_pred=y_pred.shape[1])
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, y_pred, ensure_non_negative=True
            )
        return -float(
            np.average(average_displacement_error(y, y_pred), weights=sample_weight)
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Inputs are 4-D scenes (n_samples, n_agents, t_obs, 2): sklearn's
        # tabular checks cannot build such data, and two_d_array=False is how
        # sklearn's tags say so. NaN marks absent agents.
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags
