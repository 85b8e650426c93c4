"""DIVA's feature space: which columns to scale, the RBF width, row identity.

Helpers of :class:`DIVAWeighter` that look at the data before the linearised
model is built; they take in-memory arrays, or (``column_moments``,
``scaler_from_moments``) give the same answer for a Dask array from one pass
over its chunks.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
import scipy.sparse as sp
from sklearn.metrics.pairwise import PAIRWISE_KERNEL_FUNCTIONS, euclidean_distances
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state

KERNELS = {"linear"} | (set(PAIRWISE_KERNEL_FUNCTIONS) - {"linear"})


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
    import dask

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
