"""Shapley and Banzhaf values of a cooperative game, exact or sampled.

The game is given as a function ``value(masks) -> v``: ``masks`` is a boolean
array ``(n_samples, n_coalitions, n_players)`` (one set of coalitions per
sample) and ``v`` has shape ``(n_samples, n_coalitions, ...)``, the value of
each coalition (a scalar, or a vector such as a predicted trajectory). Each
estimator evaluates all its coalitions in one call, so the caller can batch
them into one model call.

The sampled estimators take their random numbers as an array drawn
beforehand (``permutation_draws``, ``banzhaf_draws``): the caller draws them
batch after batch from one generator, in order, and may then evaluate the
batches anywhere (other processes, a Dask cluster) with the same result.
Each sample's draws are a contiguous block of the stream, so the result does
not depend on how the samples are batched either.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from math import factorial

import numpy as np

#: Largest number of players for the exact estimators (2**20 coalitions).
MAX_EXACT_PLAYERS = 20


def all_coalitions(n_players):
    """All 2**p coalitions as a boolean (2**p, p) matrix, row c = bits of c."""
    codes = np.arange(2**n_players)[:, None]
    return ((codes >> np.arange(n_players)[None, :]) & 1).astype(bool)


def _size_weights(n_players, method):
    """Weight of the marginal gain v(S + i) - v(S) by the size of S."""
    p = n_players
    if method == "banzhaf":
        return np.full(p, 1.0 / 2 ** (p - 1))
    return np.array(
        [factorial(s) * factorial(p - s - 1) for s in range(p)], dtype=float
    ) / factorial(p)


def exact_values(value, n_samples, n_players, method="exact"):
    """Shapley (``"exact"``) or Banzhaf (``"banzhaf"``) values from all coalitions.

    Computed from the marginal gains, so a dummy player gets exactly zero.

    Returns
    -------
    phi : ndarray of shape (n_samples, n_players, ...)
    empty_value, full_value : ndarray of shape (n_samples, ...)
        v(no player) and v(all players).
    """
    p = n_players
    masks = all_coalitions(p)
    v = value(np.broadcast_to(masks, (n_samples,) + masks.shape))
    codes = np.arange(2**p)
    size = masks.sum(axis=1)
    weights = _size_weights(p, method)
    phi = np.empty((v.shape[0], p) + v.shape[2:])
    for i in range(p):
        without = codes[(codes >> i & 1) == 0]
        gains = v[:, without | (1 << i)] - v[:, without]
        phi[:, i] = np.einsum("bc...,c->b...", gains, weights[size[without]])
    return phi, v[:, 0], v[:, -1]


def permutation_draws(rng, n_samples, n_players, n_permutations):
    """Random numbers of :func:`permutation_values`: (n_samples, half, p)."""
    half = (n_permutations + 1) // 2
    return rng.uniform(size=(n_samples, half, n_players))


def permutation_values(value, draws):
    """Monte Carlo Shapley values over antithetic permutations.

    ``draws`` (from :func:`permutation_draws`) hold ``half`` uniform vectors
    per sample, whose argsorts are the permutations. ``n_permutations`` is thus
    rounded up to an even number: each permutation is used with its reverse,
    which lowers the variance, and the values of every sample then sum exactly
    to ``v(all) - v(none)``.
    """
    b, _, p = draws.shape
    perms = np.argsort(draws, axis=2)
    perms = np.concatenate([perms, perms[:, :, ::-1]], axis=1)
    m = perms.shape[1]
    # prefix masks: coalition j of a permutation holds its first j players
    rank = np.argsort(perms, axis=2)  # position of each player
    masks = rank[:, :, None, :] < np.arange(p + 1)[None, None, :, None]
    v = value(masks.reshape(b, m * (p + 1), p))
    v = v.reshape(b, m, p + 1, *v.shape[2:])
    gains = v[:, :, 1:] - v[:, :, :-1]  # gain of the player at position j
    # phi_i = mean over permutations of the gain at player i's position
    idx = rank.reshape(b, m, p, *([1] * (v.ndim - 3)))
    idx = np.broadcast_to(idx, (b, m, p) + v.shape[3:])
    phi = np.take_along_axis(gains, idx, axis=2).mean(axis=1)
    return phi, v[:, 0, 0], v[:, 0, -1]


def n_permutation_coalitions(n_players, n_permutations):
    """Coalitions evaluated per sample by :func:`permutation_values`."""
    return (n_permutations + n_permutations % 2) * (n_players + 1)


def banzhaf_draws(rng, n_samples, n_players, n_coalitions):
    """Random numbers of :func:`sampled_banzhaf_values`: (n_samples, p, m, p)."""
    return rng.uniform(size=(n_samples, n_players, n_coalitions, n_players))


def sampled_banzhaf_values(value, draws):
    """Banzhaf values from random coalitions of the other players.

    For each player, ``m`` coalitions of the others (each joins with
    probability 1/2: a draw of :func:`banzhaf_draws` below 1/2) are evaluated
    with and without the player.
    """
    b, p, m, _ = draws.shape
    eye = np.eye(p, dtype=bool)[None, :, None, :]
    sampled = draws < 0.5
    pairs = np.stack([sampled | eye, sampled & ~eye], axis=3)  # (b, p, m, 2, p)
    ends = np.zeros((b, 2, p), dtype=bool)
    ends[:, 1] = True
    masks = np.concatenate([pairs.reshape(b, p * m * 2, p), ends], axis=1)
    v = value(masks)
    gains = v[:, : p * m * 2].reshape(b, p, m, 2, *v.shape[2:])
    phi = (gains[:, :, :, 0] - gains[:, :, :, 1]).mean(axis=2)
    return phi, v[:, -2], v[:, -1]


def n_banzhaf_coalitions(n_players, n_coalitions):
    """Coalitions evaluated per sample by :func:`sampled_banzhaf_values`."""
    return 2 * n_players * n_coalitions + 2
