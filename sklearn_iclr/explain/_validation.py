"""Input checks and metrics shared by the trajectory estimators.

The data layout of the whole family:

- ``X``: ndarray of shape ``(n_samples, n_agents, t_obs, 2)``, observed
  positions (x, y); agent 0 is the target, the other slots are neighbours and
  an absent neighbour is a slot full of NaN;
- ``y``: ndarray of shape ``(n_samples, t_pred, 2)``, the target's future.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from sklearn.utils import check_array

LAYOUT = "(n_samples, n_agents, t_obs, 2)"


def check_scenes(X, *, name="X", fill_partial=True):
    """Validate 4-D scenes; return a float64 copy with partial gaps filled.

    An agent whose slot is entirely NaN is absent. An agent observed at only
    some steps (partial NaN) is filled with its nearest observed position,
    so that the models only ever see present (finite) or absent (all-NaN)
    agents. The target (agent 0) must be observed at least once.
    """
    if np.ndim(X) != 4:
        raise ValueError(
            f"{name} must be a 4-D array of shape {LAYOUT} (agent 0 the target, "
            f"NaN rows for absent agents), got an array of rank {np.ndim(X)} "
            f"with shape {np.shape(X)}."
        )
    X = check_array(
        X,
        dtype=np.float64,
        ensure_2d=False,
        allow_nd=True,
        ensure_all_finite="allow-nan",
        input_name=name,
        copy=True,
    )
    if X.shape[3] != 2:
        raise ValueError(
            f"{name} must have shape {LAYOUT}: the last axis holds (x, y) and must "
            f"have length 2, got shape {X.shape}."
        )
    if X.shape[1] < 1 or X.shape[2] < 1:
        raise ValueError(f"{name} has no agents or no time steps: shape {X.shape}.")
    finite = np.isfinite(X).all(axis=3)  # (n, A, T)
    target_absent = ~finite[:, 0].any(axis=1)
    if target_absent.any():
        bad = np.flatnonzero(target_absent)
        raise ValueError(
            f"The target (agent 0) of {name} is all-NaN in {bad.size} sample(s), "
            f"e.g. sample {bad[:5].tolist()}; every scene needs an observed target."
        )
    if fill_partial:
        X = _fill_gaps(X, finite)
    return X


def _fill_gaps(X, finite):
    """Fill NaN steps of partially observed agents with the nearest observation."""
    partial = finite.any(axis=2) & ~finite.all(axis=2)
    if not partial.any():
        return X
    X[~finite] = np.nan
    T = X.shape[2]
    sub = X[partial]  # (m, T, 2)
    # forward fill then backward fill along time
    for t in range(1, T):
        gap = np.isnan(sub[:, t, 0])
        sub[gap, t] = sub[gap, t - 1]
    for t in range(T - 2, -1, -1):
        gap = np.isnan(sub[:, t, 0])
        sub[gap, t] = sub[gap, t + 1]
    X[partial] = sub
    return X


def check_future(y, n_samples, *, name="y", t_pred=None):
    """Validate the target's future positions, shape (n_samples, t_pred, 2)."""
    if np.ndim(y) != 3:
        raise ValueError(
            f"{name} must be a 3-D array of shape (n_samples, t_pred, 2), the "
            f"target's future positions, got shape {np.shape(y)}."
        )
    y = check_array(
        y, dtype=np.float64, ensure_2d=False, allow_nd=True, input_name=name
    )
    if y.shape[2] != 2:
        raise ValueError(
            f"{name} must have shape (n_samples, t_pred, 2), got {y.shape}."
        )
    if y.shape[0] != n_samples:
        raise ValueError(
            f"X and {name} have different numbers of samples: {n_samples} and "
            f"{y.shape[0]}."
        )
    if t_pred is not None and y.shape[1] != t_pred:
        raise ValueError(
            f"{name} has t_pred={y.shape[1]} steps but the model predicts "
            f"t_pred={t_pred}."
        )
    return y


def agent_mask(X):
    """Boolean (n_samples, n_agents): which agents are present."""
    return np.isfinite(X).all(axis=(2, 3))


def average_displacement_error(y_true, y_pred):
    """Average displacement error (ADE) of each sample.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples, t_pred, 2)
        True and predicted future positions.

    Returns
    -------
    ade : ndarray of shape (n_samples,)
        Mean Euclidean distance over the predicted steps.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.explain import average_displacement_error
    >>> y = np.zeros((1, 3, 2))
    >>> average_displacement_error(y, y + [3.0, 4.0])
    array([5.])
    """
    diff = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    return np.sqrt(np.einsum("...k,...k->...", diff, diff)).mean(axis=-1)


def final_displacement_error(y_true, y_pred):
    """Final displacement error (FDE) of each sample.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples, t_pred, 2)
        True and predicted future positions.

    Returns
    -------
    fde : ndarray of shape (n_samples,)
        Euclidean distance at the last predicted step.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.explain import final_displacement_error
    >>> y = np.zeros((1, 3, 2))
    >>> final_displacement_error(y, y + [0.0, 2.0])
    array([2.])
    """
    diff = (
        np.asarray(y_pred, dtype=float)[..., -1, :]
        - np.asarray(y_true, dtype=float)[..., -1, :]
    )
    return np.sqrt(np.einsum("...k,...k->...", diff, diff))
