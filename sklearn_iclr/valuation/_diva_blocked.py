"""DIVA on a Dask array split by rows: the primal closed form, chunk by chunk.

The primal form of ``_linear_loo.loo_state`` needs the data only through
sums over rows and through per-row quantities, so it runs where the chunks
live, with three passes over them per weight vector:

1. ``A = sum_c Z_c^T diag(a_c) Z_c`` and ``Z^T diag(a) Y`` (``d x d`` and
   ``d x k`` partial sums); the client factorises ``A + lam I = L L^T``;
2. per chunk, ``B_c = L^{-1} Z_c^T``, the leverages ``s_c`` and predictions
   ``F_c``, then every per-row quantity of the leave-one-out loss, and the
   partial sums ``B_c U_c`` and ``B_c diag(v_c) B_c^T`` of the derivative;
3. per chunk, the derivative of each row from those two sums.

Only ``d x d`` matrices and per-row vectors (``n x k``) come back to the
client; the ``n x d`` features are made from each chunk of ``X`` inside its
task and never gathered. The partial sums are added in chunk order, so a
result does not depend on the scheduler, and equals the in-memory one up to
rounding.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
import scipy.sparse as sp
from scipy.linalg import solve_triangular

from ..utils._optional import import_optional
from ._linear_loo import _factor, _loss_and_grad


def is_dask_array(X):
    """Whether ``X`` is a Dask array (without importing dask)."""
    return type(X).__module__.split(".")[0] == "dask" and hasattr(X, "to_delayed")


def check_dask_X(X):
    """A 2-D float64 Dask array with one chunk of columns (rows stay split)."""
    if X.ndim != 2:
        raise ValueError(
            f"Expected a 2-D Dask array (rows, features), got {X.ndim} dimensions."
        )
    if X.dtype.kind not in "biuf":
        raise ValueError(
            f"DIVAWeighter needs numeric features; the Dask array has dtype {X.dtype}."
        )
    if any(np.isnan(c) for c in X.chunks[0]):
        raise ValueError(
            "The Dask array has unknown chunk sizes (rows); call "
            "X.compute_chunk_sizes() first."
        )
    return X.astype(np.float64).rechunk({1: -1})


class FeatureMap:
    """The features of the linearised model from raw rows, for one chunk.

    Holds only what maps rows (the fitted featurizer, the Nystroem map, the
    intercept), so each task carries little besides its chunk.
    """

    def __init__(self, featurizer, kernel_approximation, fit_intercept):
        self.featurizer = featurizer
        self.kernel_approximation = kernel_approximation
        self.fit_intercept = fit_intercept

    def base(self, X):
        """Features before the kernel map, checked finite."""
        Z = X if self.featurizer is None else self.featurizer.transform(X)
        Z = np.asarray(Z.toarray() if sp.issparse(Z) else Z, dtype=np.float64)
        if not np.all(np.isfinite(Z)):
            raise ValueError(
                "The features of X are not finite (NaN or infinity in X, or values "
                "too large for float64 arithmetic after standardisation). Clean "
                "or rescale X before DIVAWeighter."
            )
        return Z

    def __call__(self, X):
        Z = self.base(np.asarray(X, dtype=np.float64))
        if self.kernel_approximation is not None:
            Z = self.kernel_approximation.transform(Z)
        if self.fit_intercept:
            Z = np.hstack([Z, np.ones((Z.shape[0], 1))])
        return Z


class DaskRows:
    """The rows of a Dask array seen through a :class:`FeatureMap`."""

    def __init__(self, X, feature_map, n_features):
        self.blocks = list(X.to_delayed().ravel())
        self.offsets = np.concatenate([[0], np.cumsum(X.chunks[0])]).astype(int)
        self.feature_map = feature_map
        self.shape = (int(self.offsets[-1]), n_features)

    def map(self, func, *row_arrays, shared=()):
        """``func(Z_c, *rows_c, *shared)`` for every chunk ``c``, in order."""
        dask = import_optional("dask", "distributed")
        fn = dask.delayed(_on_features, pure=False)
        tasks = [
            fn(
                block,
                self.feature_map,
                func,
                *[a[lo:hi] for a in row_arrays],
                *shared,
            )
            for block, lo, hi in zip(self.blocks, self.offsets[:-1], self.offsets[1:])
        ]
        return list(dask.compute(*tasks))


def _on_features(X_chunk, feature_map, func, *args):
    return func(feature_map(X_chunk), *args)


def _gram_part(Z, weights, Y):
    largest = float(np.max(np.abs(Z))) if Z.size else 0.0
    return Z.T @ (weights[:, None] * Z), Z.T @ (weights[:, None] * Y), largest


def _rows_part(Z, weights, Y, L, BaY, loss, need_grad):
    B = solve_triangular(L, Z.T, lower=True, check_finite=False)
    s = np.einsum("ij,ij->j", B, B)
    F = B.T @ BaY
    h = weights * s
    one_minus_h = 1.0 - h
    r = F - Y
    G = Y + r / one_minus_h[:, None]
    losses, E = _loss_and_grad(G, Y, loss)
    rows = {"F": F, "G": G, "h": h, "losses": losses, "s": s, "r": r}
    if not need_grad:
        return rows, None, None
    U = E / one_minus_h[:, None]
    c = np.sum(E * r, axis=1) / one_minus_h**2
    v = c * weights
    rows.update(c=c, U=U, v=v)
    return rows, B @ U, (B * v[None, :]) @ B.T


def _grad_part(Z, r, c, s, L, BU, C):
    B = solve_triangular(L, Z.T, lower=True, check_finite=False)
    KU = B.T @ BU
    t = np.einsum("ij,ij->j", B, C @ B)
    return -np.sum(r * KU, axis=1) + c * s - t


def _sum(parts):
    total = parts[0].copy()
    for part in parts[1:]:  # chunk order: the same sum on any scheduler
        total += part
    return total


def blocked_loo_state(
    rows, Y, weights, lam, *, loss, need_grad=True, keep_factor=False
):
    """:func:`~._linear_loo.loo_state` (primal form) over a :class:`DaskRows`."""
    weights = np.asarray(weights, dtype=np.float64)
    d = rows.shape[1]
    parts = rows.map(_gram_part, weights, Y)
    with np.errstate(over="ignore"):
        magnitude = max(p[2] for p in parts) ** 2 * rows.shape[0] * d
    if not np.isfinite(magnitude):
        raise ValueError(
            "The features of X are too large for float64 arithmetic (their "
            "products overflow). Rescale X, or keep featurizer='auto', which "
            "standardises the columns."
        )
    A = _sum([p[0] for p in parts])
    A[np.diag_indices(d)] += lam
    L = _factor(A)[0]
    BaY = solve_triangular(L, _sum([p[1] for p in parts]), lower=True)
    parts = rows.map(_rows_part, weights, Y, shared=(L, BaY, loss, need_grad))
    per_row = {key: np.concatenate([p[0][key] for p in parts]) for key in parts[0][0]}
    state = {
        "predictions": per_row["F"],
        "loo_predictions": per_row["G"],
        "leverage": per_row["h"],
        "losses": per_row["losses"],
        "loss": float(np.sum(per_row["losses"])),
        "grad": None,
    }
    if not need_grad:
        return state
    BU = _sum([p[1] for p in parts])
    C = _sum([p[2] for p in parts])
    grads = rows.map(
        _grad_part, per_row["r"], per_row["c"], per_row["s"], shared=(L, BU, C)
    )
    state["grad"] = np.concatenate(grads)
    if keep_factor:
        state["factor"] = {"form": "primal", "L": L, "BaY": BaY, "BU": BU, "C": C}
    return state


def _rows(X, index, feature_map):
    """Base features of the rows ``index`` of a Dask array, in that order."""
    return feature_map.base(np.asarray(X[np.asarray(index)].compute()))


def dask_features(weighter, X, y, rng, make_nystroem):
    """Fit ``weighter``'s feature map on a Dask array; its :class:`DaskRows`.

    The same choices as the in-memory fit, from the same random numbers, so
    the features equal those of ``X`` in memory: the scaling rule and the
    scaler from the columns' moments, the median heuristic and the Nystroem
    basis from the same rows (fetched from the cluster).
    """
    from ._diva_features import (
        column_moments,
        median_heuristic_gamma,
        mixed_std,
        scaler_from_moments,
    )

    n_samples = X.shape[0]
    if weighter.featurizer is not None and not isinstance(weighter.featurizer, str):
        raise ValueError(
            "On a Dask array DIVAWeighter accepts featurizer='auto' or None: a "
            "featurizer would have to be fitted on every row in memory. Apply it "
            "chunk by chunk first (X.map_blocks(featurizer.transform)) and pass "
            "its output with featurizer=None."
        )
    if weighter.solver == "dual":
        raise ValueError(
            "solver='dual' needs the n x n kernel of all rows in memory; on a Dask "
            "array DIVAWeighter uses the primal form (solver='auto' or 'primal')."
        )
    weighter.featurizer_ = None
    if weighter.featurizer == "auto":
        mean, var = column_moments(X)
        with np.errstate(invalid="ignore"):
            std = np.sqrt(var)
        if mixed_std(std):
            weighter.featurizer_ = scaler_from_moments(mean, var, n_samples)
    feature_map = FeatureMap(weighter.featurizer_, None, weighter.fit_intercept)
    weighter.gamma_ = None
    if weighter.kernel == "rbf" and "gamma" not in (weighter.kernel_params or {}):
        # the in-memory rule draws its rows first when there are more than 500
        index = np.arange(n_samples)
        if n_samples > 500:
            index = rng.choice(n_samples, 500, replace=False)
        weighter.gamma_ = median_heuristic_gamma(_rows(X, index, feature_map), rng)
    weighter.kernel_approximation_ = None
    if weighter.kernel != "linear":
        if weighter.n_components is None:
            raise ValueError(
                "n_components=None asks for the exact kernel, whose n x n matrices "
                f"do not fit for {n_samples} rows; keep n_components (the Nystroem "
                "approximation) on a Dask array."
            )
        seed = rng.randint(np.iinfo(np.int32).max)
        nystroem = make_nystroem(n_samples, seed)
        # Nystroem's basis: the rows its own permutation picks in memory.
        m = min(weighter.n_components, n_samples)
        basis_index = np.random.RandomState(seed).permutation(n_samples)[:m]
        basis = _rows(X, basis_index, feature_map)
        # Fitted on the basis alone it permutes it again (with a fixed seed):
        # given in the inverse order, it keeps the in-memory order of columns.
        nystroem.set_params(random_state=0, n_components=m)
        order = np.argsort(np.random.RandomState(0).permutation(m))
        nystroem.fit(basis[order])
        nystroem.component_indices_ = basis_index
        weighter.kernel_approximation_ = nystroem.set_params(random_state=seed)
    weighter._linear_form = True
    weighter.solver_ = "primal"
    feature_map = FeatureMap(
        weighter.featurizer_, weighter.kernel_approximation_, weighter.fit_intercept
    )
    d = feature_map(np.zeros((1, X.shape[1]))).shape[1]
    if d > n_samples:
        raise ValueError(
            f"The primal form needs no more features ({d}) than rows ({n_samples})."
        )
    weighter._Z_base_fit = weighter._Z_dual_fit = weighter._train_keys_source = None
    # the overflow check of the in-memory fit is done by the first pass
    return DaskRows(X, feature_map, d)
