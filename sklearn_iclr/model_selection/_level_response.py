"""Predicted against true level per held-out level: regression toward the mean."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils.validation import check_is_fitted

from ._compositional import check_factors

__all__ = ["level_response", "plot_level_response"]


def level_response(estimator, X, factors, *, train, test, factor_sizes=None):
    """How a fitted model's predictions follow each factor's level on a split.

    Schott et al. (2022) observe that models predict held-out factor values
    pulled toward the range seen in training: extrapolated sizes come out
    too small, interpolated ones toward the neighbouring training levels.
    This report makes that visible for any regressor of the normalised
    factors (``level / (size - 1)``): per factor and level, the mean
    prediction over the test samples at that level, whether the level was in
    training, and how far the prediction moved from the training mean
    relative to the truth.

    Parameters
    ----------
    estimator : fitted regressor
        Predicts the normalised factors, shape (n_samples, n_factors).
    X : array-like of shape (n_samples, n_features)
        The data, indexed by ``train`` and ``test``.
    factors : array-like of shape (n_samples, n_factors)
        Integer levels of each sample.
    train, test : array-like of int
        The split's indices, for example from
        :class:`~sklearn_iclr.model_selection.CompositionalSplit`.
    factor_sizes : array-like of int, default=None
        Number of levels per factor; ``None`` infers them from ``factors``.

    Returns
    -------
    report : Bunch
        ``factors``: a list with, per factor, a Bunch of ``levels``,
        ``true`` (normalised level), ``mean_prediction`` and
        ``std_prediction`` over the test samples at that level (NaN where
        the test set has none), ``in_train`` (the level occurs in training),
        ``train_mean`` (the mean normalised level in training) and
        ``ratio_to_train_mean``: over the held-out levels, the mean of
        ``(prediction - train_mean) / (true - train_mean)``; 1 means the
        model follows the factor, 0 that it predicts the training mean.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn_iclr.datasets import make_sprites
    >>> from sklearn_iclr.model_selection import (
    ...     CompositionalSplit, level_response)
    >>> sprites = make_sprites(n_orientations=2, n_positions=4, random_state=0)
    >>> cv = CompositionalSplit("extrapolation")
    >>> train, test = next(cv.split(sprites.data, groups=sprites.factors))
    >>> model = Ridge().fit(sprites.data[train], sprites.target[train])
    >>> report = level_response(model, sprites.data, sprites.factors,
    ...                         train=train, test=test)
    >>> len(report.factors) == sprites.factors.shape[1]
    True
    """
    check_is_fitted(estimator)
    levels, sizes = check_factors(factors, factor_sizes)
    train = np.asarray(train)
    test = np.asarray(test)
    if len(test) == 0 or len(train) == 0:
        raise ValueError("train and test must both be non-empty.")
    X_test = X[test] if hasattr(X, "shape") else [X[i] for i in test]
    pred = np.asarray(estimator.predict(X_test), dtype=float)
    if pred.ndim == 1:
        pred = pred[:, None]
    if pred.shape != (len(test), levels.shape[1]):
        raise ValueError(
            f"the estimator predicts shape {pred.shape}; expected one column per "
            f"factor, ({len(test)}, {levels.shape[1]})."
        )
    out = []
    for j, size in enumerate(sizes):
        scale = max(size - 1, 1)
        true = np.arange(size) / scale
        counts = np.bincount(levels[test, j], minlength=size)
        sums = np.bincount(levels[test, j], weights=pred[:, j], minlength=size)
        squares = np.bincount(levels[test, j], weights=pred[:, j] ** 2, minlength=size)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = sums / counts
            std = np.sqrt(np.maximum(squares / counts - mean**2, 0))
        in_train = np.bincount(levels[train, j], minlength=size) > 0
        train_mean = float(levels[train, j].mean() / scale)
        held = (~in_train) & (counts > 0) & (np.abs(true - train_mean) > 1e-12)
        ratio = (
            float(np.mean((mean[held] - train_mean) / (true[held] - train_mean)))
            if held.any()
            else np.nan
        )
        out.append(
            Bunch(
                levels=np.arange(size),
                true=true,
                mean_prediction=mean,
                std_prediction=std,
                in_train=in_train,
                train_mean=train_mean,
                ratio_to_train_mean=ratio,
            )
        )
    return Bunch(factors=out)


def plot_level_response(report, *, factor_names=None, axes=None):
    """Plot a :func:`level_response` report: prediction against true level.

    Parameters
    ----------
    report : Bunch
        The output of :func:`level_response`.
    factor_names : list of str, default=None
        Panel titles.
    axes : array of matplotlib Axes, default=None
        One per factor; ``None`` creates a row of panels.

    Returns
    -------
    axes : ndarray of matplotlib Axes
    """
    import matplotlib.pyplot as plt

    n = len(report.factors)
    if axes is None:
        _, axes = plt.subplots(1, n, figsize=(2.6 * n, 2.6), squeeze=False)
        axes = axes[0]
    axes = np.ravel(axes)
    for j, (ax, fac) in enumerate(zip(axes, report.factors)):
        ax.plot([0, 1], [0, 1], color="0.6", lw=1, ls="--", label="truth")
        ax.axhline(fac.train_mean, color="tab:green", lw=1, ls=":", label="train mean")
        ax.errorbar(
            fac.true,
            fac.mean_prediction,
            yerr=fac.std_prediction,
            fmt="o-",
            ms=3,
            color="tab:blue",
            label="prediction",
        )
        held = ~fac.in_train
        ax.scatter(fac.true[held], fac.mean_prediction[held], color="tab:red", zorder=3,
                   s=14, label="held-out level")  # fmt: skip
        title = factor_names[j] if factor_names is not None else f"factor {j}"
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("true (normalised)")
    axes[0].set_ylabel("predicted")
    axes[0].legend(fontsize=6, loc="upper left")
    return axes
