"""Removing players from scenes: what a removed agent is replaced by."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ._validation import agent_mask


def add_random_agent(X, neighbours, targets, rng):
    """Append one agent slot: a background neighbour placed around the target.

    ``neighbours`` and ``targets`` are background trajectories relative to
    their own target's last position; the targets are the pool when there is
    no background neighbour.
    """
    pool = neighbours if len(neighbours) else targets
    origin = X[:, 0, -1]
    extra = pool[rng.randint(len(pool), size=len(X))] + origin[:, None, :]
    return np.concatenate([X, extra[:, None]], axis=1)


def removed_players(X, removal, n_draws, targets, neighbours, rng, *, n_agents):
    """Replacement of every player when removed, shape (n_draws, *X.shape).

    ``"zero"``: a removed neighbour (or random agent) is an absent NaN slot and
    the target's past stands still at its last position. ``"random"``: the
    target's past and each present neighbour among the first ``n_agents``
    slots are replaced by background trajectories translated to the target's
    last position; absent slots stay absent, and a removed random agent (slot
    ``n_agents``, if any) is absent.
    """
    origin = X[:, 0, -1]
    repl = np.full((n_draws,) + X.shape, np.nan)
    if removal == "zero":
        repl[:, :, 0] = origin[:, None, :]
        return repl
    n = len(X)
    repl[:, :, 0] = (
        targets[rng.randint(len(targets), size=(n_draws, n))] + (origin[None, :, None])
    )
    if n_agents > 1 and len(neighbours):
        present = agent_mask(X[:, :n_agents])
        draws = neighbours[
            rng.randint(len(neighbours), size=(n_draws, n, n_agents - 1))
        ]
        draws = draws + origin[None, :, None, None, :]
        draws[:, ~present[:, 1:]] = np.nan  # absent slots stay absent
        repl[:, :, 1:n_agents] = draws
    return repl
