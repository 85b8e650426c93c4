"""DIVA's feature space: which columns to scale, the RBF width, the kernel map.

Helpers of :class:`DIVAWeighter` that choose and fit the features of the
linearised model before any leave-one-out computation (``FeatureSpaceMixin``
holds the weighter's private methods that do it). They take in-memory
arrays; ``column_moments`` and ``scaler_from_moments`` give the same answer
for a Dask array from one pass over its chunks.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.kernel_approximation import Nystroem
from sklearn.metrics.pairwise import (
    PAIRWISE_KERNEL_FUNCTIONS,
    euclidean_distances,
    pairwise_kernels,
)
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state

from ..utils._optional import import_optional

KERNELS = {"linear"} | (set(PAIRWISE_KERNEL_FUNCTIONS) - {"linear"})
# The exact dual form keeps about five n x n float64 matrices alive at once.
DUAL_MATRICES = 5
DUAL_MEMORY_BUDGET = 2 * 2**30  # bytes


def row_keys(X):
    """One bytes key per row of ``X`` (its float64 values), to recognise rows."""
    X = np.ascontiguousarray(X, dtype=np.float64)
    return X.view(np.dtype((np.void, X.dtype.itemsize * X.shape[1]))).ravel()


def dense(X):
    """``X`` as a dense float64 array."""
    X = X.toarray() if sp.issparse(X) else X
    return np.asarray(X, dtype=np.float64)


# Columns whose spreads differ by more than this factor (widest against the
# median column) are taken to be in different units and are standardised.
MIXED_SCALE_RATIO = 10.0


def mixed_scales(X):
    """Whether the columns of ``X`` are on different scales (units).

    True when the widest column's standard deviation exceeds the median
    (non-zero) one by more than ``MIXED_SCALE_RATIO``: measurements in
    different units, which a kernel on raw values would let the widest column
    dominate. Pixels, word frequencies or already scaled features share one
    scale and are kept as they are: standardising them inflates rare,
    nearly constant columns.
    """
    if sp.issparse(X):
        X = sp.csr_matrix(X)
        mean = np.asarray(X.mean(axis=0)).ravel()
        std = np.sqrt(
            np.maximum(np.asarray(X.multiply(X).mean(axis=0)).ravel() - mean**2, 0)
        )
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            std = np.std(X, axis=0)
    return mixed_std(std)


def mixed_std(std):
    """:func:`mixed_scales` from the columns' standard deviations."""
    std = std[std > 0]
    if std.size == 0:
        return False
    if not np.all(np.isfinite(std)):
        return True  # overflowing columns; the finiteness check will name it
    return bool(std.max() > MIXED_SCALE_RATIO * np.median(std))


def median_heuristic_gamma(Z, random_state=None, max_rows=500):
    """RBF ``gamma`` by the median heuristic: 1 / median squared distance.

    The median is taken over the pairs of at most ``max_rows`` rows drawn at
    random, so the cost does not grow with the number of rows.
    """
    rng = check_random_state(random_state)
    if Z.shape[0] > max_rows:
        Z = Z[rng.choice(Z.shape[0], max_rows, replace=False)]
    D = euclidean_distances(Z, squared=True)
    positive = D[np.triu_indices_from(D, k=1)]
    positive = positive[positive > 0]
    if positive.size == 0 or not np.isfinite(np.median(positive)):
        return 1.0
    return float(1.0 / np.median(positive))


def column_moments(X):
    """Column means and variances of a Dask array, in one pass over its chunks."""
    dask = import_optional("dask", "distributed")
    return tuple(np.asarray(m) for m in dask.compute(X.mean(axis=0), X.var(axis=0)))


def scaler_from_moments(mean, var, n_samples):
    """A fitted :class:`StandardScaler` with the given column moments.

    What ``StandardScaler().fit(X)`` gives for an ``X`` with these moments
    (constant columns keep the scale 1), without ``X`` in memory.
    """
    scaler = StandardScaler()
    scale = np.sqrt(var)
    scale[scale < 10 * np.finfo(np.float64).eps] = 1.0
    scaler.mean_, scaler.var_, scaler.scale_ = mean, var, scale
    scaler.n_samples_seen_ = n_samples
    scaler.n_features_in_ = mean.shape[0]
    return scaler


class FeatureSpaceMixin:
    """:class:`DIVAWeighter`'s private methods that build its features."""

    def _base_features(self, X):
        """Features before the kernel map: the featurizer's output, checked."""
        Z = X if self.featurizer_ is None else self.featurizer_.transform(X)
        Z = dense(Z)
        if not np.all(np.isfinite(Z)):
            if self.featurizer_ is None or isinstance(self.featurizer_, StandardScaler):
                raise ValueError(
                    "The features of X are not finite after standardisation: X "
                    "has values too large for float64 arithmetic (for example "
                    "1e200). Rescale X before DIVAWeighter."
                )
            raise ValueError("The featurizer produced NaN or infinite features.")
        return Z

    def _map(self, Z):
        """Features of the linear (primal or dual) model from base features."""
        if self.kernel_approximation_ is not None:
            Z = self.kernel_approximation_.transform(Z)
        if self.fit_intercept and self._linear_form:
            Z = np.hstack([Z, np.ones((Z.shape[0], 1))])
        return Z

    def _kernel_params(self):
        params = dict(self.kernel_params or {})
        if self.gamma_ is not None:
            params["gamma"] = self.gamma_
        return params

    def _gram(self, Z, Z2=None):
        Q = pairwise_kernels(Z, Z2, metric=self.kernel, **self._kernel_params())
        Q = np.asarray(Q, dtype=np.float64)
        if self.fit_intercept:
            Q = Q + 1.0
        return Q

    def _nystroem(self, n_samples, seed):
        return Nystroem(
            kernel=self.kernel,
            n_components=min(self.n_components, n_samples),
            random_state=seed,
            **self._kernel_params(),
        )

    def _features(self, X, y, rng, exact_max_samples):
        """Fit the feature map on in-memory ``X``: the features and Gram matrix."""
        n_samples = X.shape[0]
        if self.featurizer is None:
            self.featurizer_ = None
        elif isinstance(self.featurizer, str):  # "auto"
            self.featurizer_ = None
            if mixed_scales(X):
                self.featurizer_ = StandardScaler(with_mean=not sp.issparse(X)).fit(X)
        else:
            self.featurizer_ = clone(self.featurizer).fit(X, y)
        Z_base = self._base_features(X)

        self.gamma_ = None
        if self.kernel == "rbf" and "gamma" not in (self.kernel_params or {}):
            self.gamma_ = median_heuristic_gamma(Z_base, rng)
        self.kernel_approximation_ = None
        exact = self.kernel == "linear" or (
            self.n_components is None or n_samples <= exact_max_samples
        )
        if not exact:
            seed = rng.randint(np.iinfo(np.int32).max)
            self.kernel_approximation_ = self._nystroem(n_samples, seed).fit(Z_base)
        self._linear_form = self.kernel == "linear" or not exact
        Z = self._map(Z_base) if self._linear_form else Z_base
        if not self._linear_form:
            self.solver_ = "dual"
        elif self.solver == "auto":
            self.solver_ = "primal" if Z.shape[1] <= n_samples else "dual"
        else:
            self.solver_ = self.solver
        if self.solver_ == "dual":
            needed = DUAL_MATRICES * 8 * n_samples**2
            if needed > DUAL_MEMORY_BUDGET:
                raise MemoryError(
                    f"The exact dual form needs about {needed / 2**30:.1f} GiB for "
                    f"{n_samples} rows (n x n matrices), above the "
                    f"{DUAL_MEMORY_BUDGET / 2**30:.0f} GiB budget. Use the Nystroem "
                    "approximation (n_components=200, the default), "
                    "kernel='linear' with solver='primal', or fewer rows."
                )
        gram = None if self._linear_form else self._gram(Z)
        with np.errstate(over="ignore"):
            # Z^T Z (or the Gram matrix) must not overflow.
            magnitude = np.max(np.abs(Z)) ** 2 * Z.shape[0] * Z.shape[1]
        if not np.isfinite(magnitude) or (
            gram is not None and not np.all(np.isfinite(gram))
        ):
            raise ValueError(
                "The features of X are too large for float64 arithmetic (their "
                "products overflow). Rescale X, or keep featurizer='auto', which "
                "standardises the columns."
            )
        # What score_samples needs to value new rows or recognise training rows.
        self._Z_base_fit = Z_base if not self._linear_form else None
        self._Z_dual_fit = Z if self._linear_form and self.solver_ == "dual" else None
        # Training rows are recognised by their features, on demand.
        self._train_keys_source = Z_base
        return Z, gram
