"""Closed-form leave-one-out loss of weighted (kernel) ridge regression and its
derivative with respect to the per-sample weights (the *dataset derivative*).

Notation (after Dukler et al., ICLR 2022): features ``Z`` (n x d), targets
``Y`` (n x k, one-hot for classification), per-sample weights ``a`` (the
paper's alpha), ridge penalty ``lam``.

* ``A = Z^T diag(a) Z + lam I``,  ``W = A^{-1} Z^T diag(a) Y``,  ``F = Z W``.
* ``K = Z A^{-1} Z^T`` (n x n, never formed in the primal form),
  ``s_i = K_ii`` and the weighted hat-matrix diagonal ``h_i = a_i s_i``.
* Removing row ``i`` is setting ``a_i = 0``; by Sherman-Morrison the
  leave-one-out prediction at ``x_i`` is ``G_i = Y_i + (F_i - Y_i) / (1 - h_i)``.
* ``L(a) = sum_{i in V} loss(G_i, Y_i)`` over the validation rows ``V``
  (every training row by default: no separate validation set).

Derivative (derived in this module, checked against finite differences and
torch autograd in the tests).  With ``r = F - Y``, ``E_i = d loss / d G_i``,
``u_i = E_i / (1 - h_i)`` and ``c_i = <E_i, r_i> / (1 - h_i)^2``, using
``dF_i/da_j = -K_ij r_j`` and ``dh_i/da_j = delta_ij s_i - a_i K_ij^2``::

    dL/da_j = -<r_j, (K U)_j> + c_j s_j - sum_i c_i a_i K_ij^2

Primal form (d <= n): one Cholesky factorisation ``A = L L^T`` of the d x d
matrix ``A`` and ``B = L^{-1} Z^T``, so that ``K = B^T B`` is never formed;
cost about 5 n d^2 + d^3 / 3 flops with the derivative, 2 n d^2 without.
Dual form (n < d, or a non-linear kernel with Gram
matrix ``Q = Z Z^T``): with ``S = diag(sqrt(a))`` and
``M = S Q S + lam I`` (SPD even where ``a_i = 0``),
``K = (Q - Q S M^{-1} S Q) / lam = (Q - T^T T) / lam`` with
``T = L_M^{-1} S Q``; one Cholesky factorisation of ``M``, cost about
3 n^3 flops.  When every weight is positive (the usual case: the weights
start at 1) ``K = S^{-1} (I - lam M^{-1}) S^{-1}`` is cheaper, about n^3
flops.  In both forms a single factorisation per weight vector serves
the fit, the leave-one-out predictions, the loss and the derivative.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from scipy.linalg import cho_factor, lapack, solve_triangular
from scipy.special import log_softmax, softmax


def _loss_and_grad(G, Y, loss):
    """Per-row loss of the leave-one-out outputs ``G`` and its gradient."""
    if loss == "cross_entropy":
        logp = log_softmax(G, axis=1)
        values = -np.sum(Y * logp, axis=1)
        grad = softmax(G, axis=1) - Y
    else:  # squared error, summed over outputs
        diff = G - Y
        values = np.sum(diff**2, axis=1)
        grad = 2.0 * diff
    return values, grad


# Below this smallest weight the dual form takes the path that divides by no
# weight (the fast path divides by sqrt(a_i)).
_FAST_DUAL_MIN_WEIGHT = 1e-2


def _inverse_from_cholesky(L):
    """Inverse of ``L L^T`` from its lower Cholesky factor (LAPACK potri)."""
    inverse, info = lapack.dpotri(L, lower=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"potri failed with info={info}")
    inverse = np.tril(inverse)
    return inverse + np.tril(inverse, -1).T


def _factor(matrix):
    """Cholesky factor of an SPD matrix, with a tiny jitter as a fallback."""
    try:
        return cho_factor(matrix, lower=True, check_finite=False)
    except np.linalg.LinAlgError:
        jitter = 1e-10 * max(np.trace(matrix) / matrix.shape[0], 1.0)
        return cho_factor(
            matrix + jitter * np.eye(matrix.shape[0]), lower=True, check_finite=False
        )


def loo_state(
    Z,
    Y,
    weights,
    lam,
    *,
    form,
    loss,
    val_mask=None,
    gram=None,
    need_grad=True,
    keep_factor=False,
):
    """Leave-one-out outputs, loss and dataset derivative at ``weights``.

    Parameters
    ----------
    Z : ndarray of shape (n, d) or None
        Features (primal form, or dual form when ``gram`` is None).
    Y : ndarray of shape (n, k)
        Targets (one-hot for classification).
    weights : ndarray of shape (n,)
        Non-negative sample weights (the paper's alpha).
    lam : float
        Ridge penalty, > 0.
    form : {"primal", "dual"}
    loss : {"cross_entropy", "squared"}
    val_mask : ndarray of bool of shape (n,) or None
        Rows whose leave-one-out loss enters ``L``; all when None.
    gram : ndarray of shape (n, n) or None
        Precomputed Gram (kernel) matrix for the dual form.
    need_grad : bool, default=True
        Compute the derivative (``grad`` is None otherwise).
    keep_factor : bool, default=False
        Also return, under ``"factor"``, what :func:`extension_grad` needs to
        value new rows without factorising again.

    Returns
    -------
    state : dict
        ``predictions`` (F), ``loo_predictions`` (G), ``leverage`` (h),
        ``losses`` (per-row loss, 0 outside ``val_mask``), ``loss`` (their
        sum) and ``grad`` (dL/d weights, shape (n,)).
    """
    weights = np.asarray(weights, dtype=np.float64)
    n = Y.shape[0]
    if form == "primal":
        d = Z.shape[1]
        A = Z.T @ (weights[:, None] * Z)
        A[np.diag_indices(d)] += lam
        L = _factor(A)[0]
        # B = L^{-1} Z^T (d, n), so that K = B^T B and s_i = |B[:, i]|^2.
        B = solve_triangular(L, Z.T, lower=True, check_finite=False)
        s = np.einsum("ij,ij->j", B, B)
        F = B.T @ (B @ (weights[:, None] * Y))
    else:
        Q = gram if gram is not None else Z @ Z.T
        sq = np.sqrt(weights)
        M = sq[:, None] * Q * sq[None, :]
        M[np.diag_indices(n)] += lam
        L = _factor(M)[0]
        fast = np.min(weights) >= _FAST_DUAL_MIN_WEIGHT
        if fast:
            # With every weight positive, Q = S^{-1} (M - lam I) S^{-1}, so
            # K = S^{-1} (I - lam M^{-1}) S^{-1}: one inverse from the Cholesky
            # factor (about n^3 flops in all instead of 3 n^3).
            Minv = _inverse_from_cholesky(L)
            K = -lam * Minv
            K[np.diag_indices(n)] += 1.0
            K /= sq[:, None] * sq[None, :]
        else:
            T = solve_triangular(L, sq[:, None] * Q, lower=True, check_finite=False)
            K = (Q - T.T @ T) / lam  # Q S M^{-1} S Q = T^T T
        K = 0.5 * (K + K.T)
        s = np.diag(K).copy()
        F = K @ (weights[:, None] * Y)
    h = weights * s
    one_minus_h = 1.0 - h
    r = F - Y
    G = Y + r / one_minus_h[:, None]
    losses, E = _loss_and_grad(G, Y, loss)
    if val_mask is not None:
        losses = np.where(val_mask, losses, 0.0)
        E = np.where(val_mask[:, None], E, 0.0)
    state = {
        "predictions": F,
        "loo_predictions": G,
        "leverage": h,
        "losses": losses,
        "loss": float(np.sum(losses)),
        "grad": None,
    }
    if not need_grad:
        return state
    U = E / one_minus_h[:, None]
    c = np.sum(E * r, axis=1) / one_minus_h**2
    v = c * weights
    if form == "primal":
        KU = B.T @ (B @ U)
        # sum_i v_i K_ij^2 = b_j^T (B diag(v) B^T) b_j
        C = (B * v[None, :]) @ B.T
        t = np.einsum("ij,ij->j", B, C @ B)
    else:
        KU = K @ U
        t = (K * K) @ v
    state["grad"] = -np.sum(r * KU, axis=1) + c * s - t
    if keep_factor:
        aY = weights[:, None] * Y
        if form == "primal":
            state["factor"] = {
                "form": form,
                "L": L,
                "BaY": B @ aY,
                "BU": B @ U,
                "C": C,
            }
        elif fast:
            state["factor"] = {
                "form": "dual_fast",
                "Minv": Minv,
                "sq": sq,
                "aY": aY,
                "U": U,
                "v": v,
            }
        else:
            state["factor"] = {
                "form": form,
                "L": L,
                "sq": sq,
                "T": T,
                "aY": aY,
                "U": U,
                "v": v,
                "lam": lam,
            }
    return state


def extension_grad(factor, Y_new, *, Z_new=None, gram_new=None):
    """Dataset derivative of new rows added with weight 0.

    The new rows do not enter the leave-one-out loss (they are not
    validation rows) and, at weight 0, they change neither the fit nor its
    factorisation: their derivative only needs the kernel between them and
    the training rows, so the factorisation kept by ``loo_state(...,
    keep_factor=True)`` is reused (cost linear in the number of new rows).

    Parameters
    ----------
    factor : dict
        ``state["factor"]`` of :func:`loo_state` at the training weights.
    Y_new : ndarray of shape (m, k)
        Targets of the new rows.
    Z_new : ndarray of shape (m, d), default=None
        Features of the new rows (primal form).
    gram_new : ndarray of shape (n, m), default=None
        Kernel between the training rows and the new rows (dual form).

    Returns
    -------
    grad : ndarray of shape (m,)
        ``dL/da`` of each new row.
    """
    if factor["form"] == "primal":
        b = solve_triangular(factor["L"], Z_new.T, lower=True, check_finite=False)
        F = b.T @ factor["BaY"]
        KU = b.T @ factor["BU"]
        t = np.einsum("ij,ij->j", b, factor["C"] @ b)
    elif factor["form"] == "dual_fast":
        # K(train, new) = S^{-1} M^{-1} S Q(train, new)
        sq = factor["sq"]
        Kn = (factor["Minv"] @ (sq[:, None] * gram_new)) / sq[:, None]
        F = Kn.T @ factor["aY"]
        KU = Kn.T @ factor["U"]
        t = (Kn * Kn).T @ factor["v"]
    else:
        Tn = solve_triangular(
            factor["L"],
            factor["sq"][:, None] * gram_new,
            lower=True,
            check_finite=False,
        )
        Kn = (gram_new - factor["T"].T @ Tn) / factor["lam"]  # (n, m)
        F = Kn.T @ factor["aY"]
        KU = Kn.T @ factor["U"]
        t = (Kn * Kn).T @ factor["v"]
    r = F - Y_new
    return -np.sum(r * KU, axis=1) - t


def retrain_loo_predictions(Z, Y, weights, lam):
    """Leave-one-out predictions by explicitly refitting without each row.

    Reference implementation (O(n) refits) used to check the closed form.
    """
    n, d = Z.shape
    out = np.empty_like(Y, dtype=np.float64)
    for i in range(n):
        keep = np.arange(n) != i
        Zk, Yk, wk = Z[keep], Y[keep], weights[keep]
        A = Zk.T @ (wk[:, None] * Zk) + lam * np.eye(d)
        W = np.linalg.solve(A, Zk.T @ (wk[:, None] * Yk))
        out[i] = Z[i] @ W
    return out
