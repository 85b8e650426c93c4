"""Seeded toy generators: seasonal series and pedestrian scenes."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from sklearn.utils import Bunch, check_random_state

from ..utils._sklearn_compat import Interval, validate_params


@validate_params(
    {
        "n_series": [Interval(Integral, 1, None, closed="left")],
        "n_channels": [Interval(Integral, 1, None, closed="left")],
        "n_timepoints": [Interval(Integral, 1, None, closed="left")],
        "period": [Interval(Real, 0, None, closed="neither")],
        "trend": [Interval(Real, None, None, closed="neither")],
        "noise": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_seasonal_series(
    n_series=20,
    n_channels=3,
    n_timepoints=256,
    *,
    period=24,
    trend=0.0,
    noise=0.1,
    random_state=None,
):
    """Generate multivariate series with a shared seasonal pattern.

    Each series ``i`` has a latent seasonal signal made of the fundamental
    of period ``period`` and its second harmonic, with random amplitudes and
    phases. Every channel ``c`` is that signal, shifted by a small random
    phase and multiplied by a random loading, so the channels are strongly
    correlated. A linear trend ``trend * t`` and independent Gaussian noise
    of standard deviation ``noise`` are added::

        x[i, c, t] = w[i, c] * s_i(t + d[i, c]) + trend * t + noise * e[i, c, t]
        s_i(t) = a_i sin(2 pi t / period + phi_i)
                 + b_i sin(4 pi t / period + psi_i)

    with ``a ~ U(0.5, 1.5)``, ``b ~ U(0, 0.5)``, ``w ~ U(0.5, 1.5)``, phases
    uniform and shifts ``d`` uniform in ``[-period / 16, period / 16]``.

    Read more in the :ref:`User Guide <generators>`.

    Parameters
    ----------
    n_series : int, default=20
        Number of independent series.

    n_channels : int, default=3
        Number of channels of each series.

    n_timepoints : int, default=256
        Length of each series.

    period : float, default=24
        Period of the seasonal signal, in time steps.

    trend : float, default=0.0
        Slope of the linear trend, per time step.

    noise : float, default=0.1
        Standard deviation of the Gaussian noise.

    random_state : int, RandomState instance or None, default=None
        Determines random number generation. Pass an int for reproducible
        output across multiple function calls.

    Returns
    -------
    X : ndarray of shape (n_series, n_channels, n_timepoints)
        The series, float64 (the sktime "numpy3D" layout).

    Examples
    --------
    >>> from sklearn_iclr.datasets import make_seasonal_series
    >>> X = make_seasonal_series(n_series=5, n_timepoints=48, random_state=0)
    >>> X.shape
    (5, 3, 48)
    """
    rng = check_random_state(random_state)
    t = np.arange(n_timepoints, dtype=np.float64)
    omega = 2.0 * np.pi / period
    amp1 = rng.uniform(0.5, 1.5, size=(n_series, 1, 1))
    amp2 = rng.uniform(0.0, 0.5, size=(n_series, 1, 1))
    phase1 = rng.uniform(0.0, 2.0 * np.pi, size=(n_series, 1, 1))
    phase2 = rng.uniform(0.0, 2.0 * np.pi, size=(n_series, 1, 1))
    loading = rng.uniform(0.5, 1.5, size=(n_series, n_channels, 1))
    shift = rng.uniform(-period / 16, period / 16, size=(n_series, n_channels, 1))
    ts = t + shift
    seasonal = amp1 * np.sin(omega * ts + phase1) + amp2 * np.sin(
        2.0 * omega * ts + phase2
    )
    X = loading * seasonal + trend * t
    X += noise * rng.normal(size=(n_series, n_channels, n_timepoints))
    return X


def _constant_velocity(start, speed, heading, n_steps, dt):
    """Positions (n, n_steps, 2) of walkers at constant velocity from start."""
    velocity = speed[:, None] * np.stack([np.cos(heading), np.sin(heading)], axis=1)
    steps = np.arange(n_steps, dtype=np.float64)
    return start[:, None, :] + steps[None, :, None] * dt * velocity[:, None, :]


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_agents": [Interval(Integral, 1, None, closed="left")],
        "t_obs": [Interval(Integral, 2, None, closed="left")],
        "t_pred": [Interval(Integral, 1, None, closed="left")],
        "leader_follower": ["boolean"],
        "dt": [Interval(Real, 0, None, closed="neither")],
        "noise": [Interval(Real, 0, None, closed="left")],
        "p_absent": [Interval(Real, 0, 1, closed="both")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_pedestrian_scenes(
    n_samples=200,
    n_agents=4,
    *,
    t_obs=8,
    t_pred=12,
    leader_follower=True,
    dt=0.4,
    noise=0.02,
    p_absent=0.0,
    random_state=None,
):
    """Generate pedestrian scenes where the target may follow a leader.

    Each sample is a scene of ``n_agents`` pedestrians observed for
    ``t_obs`` steps of ``dt`` seconds; agent 0 is the target whose next
    ``t_pred`` positions are to be predicted. This is the data layout of
    :mod:`sklearn_iclr.explain`.

    With ``leader_follower=True``, one neighbour (``leader_index``, drawn
    uniformly among agents 1 to ``n_agents - 1``) walks straight, turns by
    30 to 90 degrees (left or right) at a random step ``1 <= tau <=
    t_obs - 2`` of the observation window, and walks straight again. The
    target walks the leader's path ``lag = t_obs`` steps behind it:
    ``target(t) = leader(t - t_obs)``. Hence the target's observed past is
    straight, but its future follows the leader's turn:
    ``y[k] = leader(k)``, which for ``k < t_obs`` is the leader's observed
    position ``X[leader_index, k]``, and beyond is the leader's straight
    continuation. Only the leader's observed past explains the target's
    future. The other neighbours walk at constant velocity.

    With ``leader_follower=False`` all agents, the target included, walk at
    constant velocity and independently; ``leader_index`` is -1.

    Speeds are uniform in [0.8, 1.6] m/s and headings uniform. Gaussian
    noise of standard deviation ``noise`` metres is added to every position.

    Read more in the :ref:`User Guide <generators>`.

    Parameters
    ----------
    n_samples : int, default=200
        Number of scenes.

    n_agents : int, default=4
        Number of pedestrians per scene, the target included. Must be at
        least 2 when ``leader_follower=True``.

    t_obs : int, default=8
        Number of observed steps.

    t_pred : int, default=12
        Number of future steps of the target.

    leader_follower : bool, default=True
        Whether the target follows a leader (see above).

    dt : float, default=0.4
        Duration of a step in seconds (0.4 s in ETH/UCY).

    noise : float, default=0.02
        Standard deviation of the Gaussian position noise, in metres.

    p_absent : float, default=0.0
        Probability that a neighbour other than the leader is absent from a
        scene; its rows are then NaN. The target and the leader are always
        present.

    random_state : int, RandomState instance or None, default=None
        Determines random number generation. Pass an int for reproducible
        output across multiple function calls.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : ndarray of shape (n_samples, n_agents, t_obs, 2)
            Observed positions (x, y) in metres, float64. Agent 0 is the
            target; absent agents are NaN.
        target : ndarray of shape (n_samples, t_pred, 2)
            Future positions of agent 0, float64.
        leader_index : ndarray of shape (n_samples,)
            Index of the agent the target follows, or -1 if none.

    Raises
    ------
    ValueError
        If ``leader_follower=True`` and ``n_agents < 2``.

    Examples
    --------
    >>> from sklearn_iclr.datasets import make_pedestrian_scenes
    >>> scenes = make_pedestrian_scenes(n_samples=10, random_state=0)
    >>> scenes.data.shape, scenes.target.shape
    ((10, 4, 8, 2), (10, 12, 2))
    >>> bool((scenes.leader_index >= 1).all())
    True
    """
    if leader_follower and n_agents < 2:
        raise ValueError(
            f"leader_follower=True needs n_agents >= 2 (a target and a leader), "
            f"got n_agents={n_agents}."
        )
    rng = check_random_state(random_state)
    n_steps = t_obs + t_pred

    def random_walkers(n, centre, spread, length):
        start = centre + rng.uniform(-spread, spread, size=(n, 2))
        speed = rng.uniform(0.8, 1.6, size=n)
        heading = rng.uniform(0.0, 2.0 * np.pi, size=n)
        return _constant_velocity(start, speed, heading, length, dt)

    centre = rng.uniform(-5.0, 5.0, size=(n_samples, 1, 2))
    X = np.empty((n_samples, n_agents, t_obs, 2))
    y = np.empty((n_samples, t_pred, 2))

    if leader_follower:
        leader_index = rng.randint(1, n_agents, size=n_samples).astype(np.int64)
        lag = t_obs
        # Leader path over the times -lag .. n_steps - 1 (index s = time + lag).
        speed = rng.uniform(0.8, 1.6, size=n_samples)
        heading = rng.uniform(0.0, 2.0 * np.pi, size=n_samples)
        turn = rng.uniform(np.pi / 6, np.pi / 2, size=n_samples) * rng.choice(
            [-1.0, 1.0], size=n_samples
        )
        tau = rng.randint(1, max(2, t_obs - 1), size=n_samples)
        times = np.arange(-lag, n_steps - 1)  # time of each step's start
        step_heading = heading[:, None] + turn[:, None] * (
            times[None, :] >= tau[:, None]
        )
        steps = (speed * dt)[:, None, None] * np.stack(
            [np.cos(step_heading), np.sin(step_heading)], axis=2
        )
        path = np.concatenate(
            [np.zeros((n_samples, 1, 2)), np.cumsum(steps, axis=1)], 1
        )
        path += centre - path[:, lag : lag + 1]  # leader at time 0 is at centre
        target_path = path[:, :n_steps]  # target(t) = leader(t - lag)
        leader_obs = path[:, lag : lag + t_obs]

        others = random_walkers(n_samples * n_agents, 0.0, 8.0, t_obs)
        X[:] = others.reshape(n_samples, n_agents, t_obs, 2)
        X += centre[:, None]
        X[:, 0] = target_path[:, :t_obs]
        X[np.arange(n_samples), leader_index] = leader_obs
        y[:] = target_path[:, t_obs:]
    else:
        leader_index = np.full(n_samples, -1, dtype=np.int64)
        walkers = random_walkers(n_samples * n_agents, 0.0, 8.0, n_steps)
        walkers = walkers.reshape(n_samples, n_agents, n_steps, 2) + centre[:, None]
        X[:] = walkers[:, :, :t_obs]
        y[:] = walkers[:, 0, t_obs:]

    X += noise * rng.normal(size=X.shape)
    y += noise * rng.normal(size=y.shape)

    if p_absent > 0 and n_agents > 1:
        absent = rng.uniform(size=(n_samples, n_agents)) < p_absent
        absent[:, 0] = False
        if leader_follower:
            absent[np.arange(n_samples), leader_index] = False
        X[absent] = np.nan

    return Bunch(data=X, target=y, leader_index=leader_index)
