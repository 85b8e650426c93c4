"""The paper's R²: error against the variance of each factor over its full grid."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from sklearn.metrics import make_scorer
from sklearn.utils import check_consistent_length

__all__ = ["grid_r2_score", "grid_r2_scorer", "grid_variance"]


def grid_variance(factor_sizes):
    """Variance of ``level / (size - 1)`` when every level is equally frequent.

    Parameters
    ----------
    factor_sizes : array-like of int
        Number of levels of each factor (at least 2).

    Returns
    -------
    variance : ndarray of shape (n_factors,)
        ``(size + 1) / (12 (size - 1))``: the variance of the normalised
        level over the full factor grid.
    """
    sizes = np.asarray(factor_sizes)
    if sizes.ndim != 1 or sizes.dtype.kind not in "iu" or (sizes < 2).any():
        raise ValueError(
            "factor_sizes must be integers of at least 2 (a factor with one "
            f"level has no variance to explain), got {factor_sizes!r}."
        )
    sizes = sizes.astype(float)
    return (sizes + 1) / (12 * (sizes - 1))


def grid_r2_score(y_true, y_pred, *, factor_sizes, multioutput="uniform_average"):
    """R² of predicted factors against their variance over the full factor grid.

    Schott et al. (2022) regress each factor of variation, normalised to
    ``level / (size - 1)`` in [0, 1], and score it as
    ``1 - MSE / Var_grid``, where ``Var_grid`` is the variance of the factor
    over the **full factor grid**, not over the test set. This differs from
    :func:`sklearn.metrics.r2_score` on structured splits: an extrapolation
    test set holds only the upper levels, whose own variance is small, so
    ``r2_score`` would punish a small error hard; the grid variance keeps
    scores comparable across splits. On the full grid the two are equal.

    Read more in the :ref:`User Guide <compositional_split>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_factors)
        True normalised factors, ``level / (size - 1)``.
    y_pred : array-like of the same shape
        Predicted normalised factors.
    factor_sizes : array-like of int of shape (n_factors,)
        Number of levels of each factor (at least 2).
    multioutput : {"uniform_average", "raw_values"}, default="uniform_average"
        ``"raw_values"`` returns one score per factor; ``"uniform_average"``
        their mean, the paper's summary.

    Returns
    -------
    score : float or ndarray of shape (n_factors,)
        1 is perfect; 0 is predicting the grid's mean; it can be negative.

    See Also
    --------
    grid_r2_scorer : The same score for ``cross_validate`` and ``GridSearchCV``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.model_selection import grid_r2_score
    >>> y_true = np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> grid_r2_score(y_true, y_true, factor_sizes=[2, 2])
    1.0
    >>> grid_r2_score(y_true, np.full((2, 2), 0.5), factor_sizes=[2, 2])
    0.0
    """
    if multioutput not in ("uniform_average", "raw_values"):
        raise ValueError(
            "multioutput must be 'uniform_average' or 'raw_values', got "
            f"{multioutput!r}."
        )
    variance = grid_variance(factor_sizes)
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    check_consistent_length(y_true, y_pred)
    if y_true.ndim == 1:
        y_true = y_true[:, None]
    if y_pred.ndim == 1:
        y_pred = y_pred[:, None]
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred have shapes {y_true.shape} and {y_pred.shape}."
        )
    if y_true.shape[1] != len(variance):
        raise ValueError(
            f"y has {y_true.shape[1]} factor columns but factor_sizes has "
            f"{len(variance)} entries."
        )
    if len(y_true) == 0:
        raise ValueError("grid_r2_score needs at least one sample.")
    if not (np.isfinite(y_true).all() and np.isfinite(y_pred).all()):
        raise ValueError("y_true and y_pred must be finite (no NaN or infinity).")
    scores = 1 - np.mean((y_true - y_pred) ** 2, axis=0) / variance
    if multioutput == "raw_values":
        return scores
    return float(scores.mean())


def grid_r2_scorer(factor_sizes):
    """A scorer computing :func:`grid_r2_score` for ``factor_sizes``.

    Parameters
    ----------
    factor_sizes : array-like of int
        Number of levels of each factor.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y)``, for the ``scoring`` argument of
        :func:`~sklearn.model_selection.cross_validate` or
        :class:`~sklearn.model_selection.GridSearchCV`.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn_iclr.datasets import make_sprites
    >>> from sklearn_iclr.model_selection import (
    ...     CompositionalSplit, grid_r2_scorer)
    >>> sprites = make_sprites(n_orientations=2, n_positions=4, random_state=0)
    >>> cv = CompositionalSplit("extrapolation")
    >>> scores = cross_val_score(
    ...     Ridge(), sprites.data, sprites.target, groups=sprites.factors, cv=cv,
    ...     scoring=grid_r2_scorer(sprites.factor_sizes))
    >>> scores.shape
    (1,)
    """
    grid_variance(factor_sizes)  # validate now rather than at scoring time
    return make_scorer(grid_r2_score, factor_sizes=np.asarray(factor_sizes))
