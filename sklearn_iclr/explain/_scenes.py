"""Cutting frame tables (ETH/UCY) into fixed-length prediction scenes."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from sklearn.utils import Bunch

from ..utils._sklearn_compat import Interval, validate_params


def _file_scenes(rows, t_obs, t_pred, frame_step, radius, n_neighbours, stride):
    """Scenes of one recording: lists of (X, y, origin, frame, ped_id).

    Sparse in frames: rows are looked up by (pedestrian, frame) keys, so the
    cost grows with the number of rows, not with the span of frame ids.
    """
    rows = rows[np.isfinite(rows[:, 2:4]).all(axis=1)]  # unobserved positions
    if len(rows) == 0:
        return []
    start_frame = rows[:, 0].min()
    steps = np.round((rows[:, 0] - start_frame) / frame_step)
    if steps.max() >= 2**62:
        raise ValueError(
            f"Frame ids span {steps.max():.3g} steps of frame_step={frame_step}, "
            "too many to count; check the frame column and frame_step."
        )
    frames = steps.astype(np.int64)
    peds, ped_idx = np.unique(rows[:, 1], return_inverse=True)
    unique_frames, frame_rank = np.unique(frames, return_inverse=True)
    n_ranks = len(unique_frames)
    keys = ped_idx.astype(np.int64) * n_ranks + frame_rank
    # one row per (pedestrian, frame), the last one given; sorted by key
    order = np.argsort(keys, kind="stable")
    last_of_key = np.r_[keys[order][1:] != keys[order][:-1], True]
    order = order[last_of_key]
    keys, xy = keys[order], rows[order, 2:4]
    key_ped, key_frame = keys // n_ranks, unique_frames[keys % n_ranks]
    by_frame = np.argsort(key_frame, kind="stable")
    frames_sorted = key_frame[by_frame]

    def lookup(ped_ids, wanted_frames):
        """Positions (len(ped_ids), len(wanted_frames), 2), NaN where absent."""
        rank = np.searchsorted(unique_frames, wanted_frames).clip(0, n_ranks - 1)
        exists = unique_frames[rank] == wanted_frames
        wanted = ped_ids[:, None] * n_ranks + rank[None, :]
        at = np.searchsorted(keys, wanted).clip(0, len(keys) - 1)
        found = (keys[at] == wanted) & exists[None, :]
        return np.where(found[..., None], xy[at], np.nan)

    length = t_obs + t_pred
    bounds = np.searchsorted(key_ped, np.arange(len(peds) + 1))
    out = []
    for p in range(len(peds)):
        seen = key_frame[bounds[p] : bounds[p + 1]]
        pos = xy[bounds[p] : bounds[p + 1]]
        if len(seen) < length:
            continue
        # windows of `length` consecutive frames, starting on the stride grid
        starts = np.flatnonzero(
            (seen[length - 1 :] - seen[: len(seen) - length + 1] == length - 1)
            & ((seen[: len(seen) - length + 1] - seen[0]) % stride == 0)
        )
        for i in starts:
            last_frame = seen[i + t_obs - 1]
            here = pos[i + t_obs - 1]
            lo, hi = np.searchsorted(frames_sorted, [last_frame, last_frame + 1])
            at_frame = by_frame[lo:hi]
            at_frame = at_frame[key_ped[at_frame] != p]
            others = key_ped[at_frame]
            dist = np.linalg.norm(xy[at_frame] - here, axis=1)
            keep = dist <= radius
            others, dist = others[keep], dist[keep]
            others = others[np.argsort(dist, kind="stable")][:n_neighbours]
            X = np.full((1 + len(others), t_obs, 2), np.nan)
            X[0] = pos[i : i + t_obs]
            past = lookup(others, seen[i : i + t_obs])
            # fill steps before a neighbour appeared with its first position
            for t in range(t_obs - 2, -1, -1):
                gap = np.isnan(past[:, t, 0])
                past[gap, t] = past[gap, t + 1]
            X[1:] = past
            y = pos[i + t_obs : i + length]
            out.append((X, y, here, start_frame + last_frame * frame_step, peds[p]))
    return out


@validate_params(
    {
        "rows": ["array-like"],
        "file_id": ["array-like", None],
        "t_obs": [Interval(Integral, 2, None, closed="left")],
        "t_pred": [Interval(Integral, 1, None, closed="left")],
        "frame_step": [Interval(Real, 0, None, closed="neither")],
        "radius": [Interval(Real, 0, None, closed="left"), None],
        "max_agents": [Interval(Integral, 1, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left")],
        "center": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def prepare_trajectory_scenes(
    rows,
    file_id=None,
    *,
    t_obs=8,
    t_pred=12,
    frame_step=10,
    radius=None,
    max_agents=8,
    stride=1,
    center=True,
):
    """Cut a frame table into prediction scenes ``(X, y)``.

    For every pedestrian (the target) and every window of ``t_obs + t_pred``
    consecutive frames in which it is observed, a scene holds its observed
    past, its future, and the pasts of the neighbours present at the last
    observed frame within ``radius`` metres, nearest first, at most
    ``max_agents - 1`` of them. A neighbour that appeared during the
    window has its earlier steps filled with its first observed position.
    Scenes with fewer neighbours are padded with NaN slots (absent agents).
    This is the data layout of :mod:`sklearn_iclr.explain`. With the ETH/UCY
    defaults (8 observed and 12 predicted steps, frame ids stepping by 10,
    i.e. 0.4 s per step) it is the usual benchmark protocol.

    Read more in the :ref:`User Guide <explain_guide>`.

    Parameters
    ----------
    rows : array-like of shape (n_rows, 4)
        Columns ``frame``, ``ped_id``, ``x``, ``y`` (metres), e.g. the
        ``train``, ``val`` or ``test`` table of
        :func:`~sklearn_iclr.datasets.load_eth_ucy`.
    file_id : array-like of shape (n_rows,), default=None
        Recording of each row (e.g. ``test_file_id``): frames and pedestrian
        ids are compared only within one recording. ``None``: one recording.
    t_obs : int, default=8
        Observed steps.
    t_pred : int, default=12
        Predicted steps.
    frame_step : float, default=10
        Difference of frame ids between consecutive steps (10 in ETH/UCY,
        i.e. 0.4 s).
    radius : float or None, default=None
        Neighbours farther than this from the target at the last observed
        step are left out; ``None`` keeps everybody in the scene.
    max_agents : int, default=8
        Agent slots per scene, the target included.
    stride : int, default=1
        Step between the starts of consecutive windows of a pedestrian.
    center : bool, default=True
        Express each scene in coordinates relative to the target's last
        observed position (translation only, no rotation), so scenes from
        different recordings share one frame; ``origin`` gives the shift
        back to world coordinates. The predictors of this module are
        translation invariant, so this changes their predictions only by
        the shift, but it makes background trajectories comparable.

    Returns
    -------
    scenes : :class:`~sklearn.utils.Bunch`
        data : ndarray of shape (n_scenes, max_agents, t_obs, 2)
            Observed positions, agent 0 the target, NaN slots absent.
        target : ndarray of shape (n_scenes, t_pred, 2)
            The target's future positions.
        origin : ndarray of shape (n_scenes, 2)
            Position subtracted from the scene (zero if ``center=False``).
        file_id : ndarray of shape (n_scenes,)
            Recording of each scene.
        frame : ndarray of shape (n_scenes,)
            Frame id of the last observed step.
        ped_id : ndarray of shape (n_scenes,)
            Target's pedestrian id.
        n_neighbours : ndarray of shape (n_scenes,)
            Number of present neighbours.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.explain import prepare_trajectory_scenes
    >>> frames = np.repeat(np.arange(0, 200, 10), 2)
    >>> ped = np.tile([1, 2], 20)
    >>> xy = np.c_[frames / 25.0, ped.astype(float)]
    >>> scenes = prepare_trajectory_scenes(np.c_[frames, ped, xy], max_agents=3)
    >>> scenes.data.shape, scenes.target.shape
    ((2, 3, 8, 2), (2, 12, 2))
    >>> int(scenes.n_neighbours[0])
    1
    """
    rows = np.asarray(rows, dtype=np.float64)
    if rows.ndim != 2 or rows.shape[1] != 4:
        raise ValueError(
            f"rows must have shape (n_rows, 4): frame, ped_id, x, y; got {rows.shape}."
        )
    for column, name in ((0, "frame"), (1, "ped_id")):
        bad = ~np.isfinite(rows[:, column])
        if bad.any():
            raise ValueError(
                f"The {name} column (column {column}) of rows has {bad.sum()} "
                f"NaN or infinite value(s), e.g. in row {np.flatnonzero(bad)[0]}; "
                f"every row needs a finite {name}. Drop those rows first."
            )
    if file_id is None:
        file_id = np.zeros(len(rows), dtype=np.int64)
    file_id = np.asarray(file_id)
    if len(file_id) != len(rows):
        raise ValueError("rows and file_id have different lengths.")
    radius = np.inf if radius is None else radius
    Xs, ys, origins, files, frames, ped_ids = [], [], [], [], [], []
    for f in np.unique(file_id):
        sub = rows[file_id == f]
        for X, y, origin, frame, ped in _file_scenes(
            sub, t_obs, t_pred, frame_step, radius, max_agents - 1, stride
        ):
            Xs.append(X)
            ys.append(y)
            origins.append(origin)
            files.append(f)
            frames.append(frame)
            ped_ids.append(ped)
    n = len(Xs)
    data = np.full((n, max_agents, t_obs, 2), np.nan)
    for i, X in enumerate(Xs):
        data[i, : len(X)] = X
    target = np.asarray(ys).reshape(n, t_pred, 2)
    origin = np.asarray(origins).reshape(n, 2)
    if center:
        data -= origin[:, None, None, :]
        target = target - origin[:, None, :]
    else:
        origin = np.zeros_like(origin)
    n_neighbours = np.isfinite(data[:, 1:, 0, 0]).sum(axis=1)
    return Bunch(
        data=data,
        target=target,
        origin=origin,
        file_id=np.asarray(files, dtype=file_id.dtype),
        frame=np.asarray(frames),
        ped_id=np.asarray(ped_ids),
        n_neighbours=n_neighbours,
    )
