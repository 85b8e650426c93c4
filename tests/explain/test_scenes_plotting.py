"""prepare_trajectory_scenes and plot_scene_attribution."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from sklearn_iclr.explain import (  # noqa: E402
    plot_scene_attribution,
    prepare_trajectory_scenes,
)


def _table():
    """Three walkers in one recording, one in another; frame step 10."""
    rows = []
    for f in range(25):  # ped 1 walks along x for 25 frames
        rows.append((100 + 10 * f, 1, 0.4 * f, 0.0))
    for f in range(5, 25):  # ped 2 appears at frame 5, 1 m beside ped 1
        rows.append((100 + 10 * f, 2, 0.4 * f, 1.0))
    for f in range(25):  # ped 3 is far away
        rows.append((100 + 10 * f, 3, 0.0, 50.0))
    file_id = [0] * len(rows)
    for f in range(20):  # same ids and frames, other recording
        rows.append((100 + 10 * f, 2, 0.0, 0.5))
        file_id.append(1)
    return np.array(rows, dtype=float), np.array(file_id)


def test_windows_neighbours_and_padding():
    rows, file_id = _table()
    s = prepare_trajectory_scenes(rows, file_id, radius=3.0, max_agents=4)
    assert s.data.shape[1:] == (4, 8, 2) and s.target.shape[1:] == (12, 2)
    first = (s.file_id == 0) & (s.ped_id == 1)
    assert first.sum() == 25 - 20 + 1  # every start of a 20-frame window
    i = np.flatnonzero(first)[0]
    assert s.frame[i] == 100 + 10 * 7
    assert s.n_neighbours[i] == 1  # ped 2 (ped 3 is beyond the radius)
    np.testing.assert_allclose(s.origin[i], [0.4 * 7, 0.0])
    np.testing.assert_allclose(s.data[i, 0, -1], 0.0)  # centred
    # ped 2 appears at frame 5: its first steps repeat its first position
    np.testing.assert_allclose(s.data[i, 1, :6], [[0.4 * 5 - 2.8, 1.0]] * 6)
    assert np.isnan(s.data[i, 2:]).all()
    np.testing.assert_allclose(
        s.target[i] + s.origin[i], np.c_[0.4 * np.arange(8, 20), np.zeros(12)]
    )
    # the other recording's ped 2 is never a neighbour of recording 0
    other = s.file_id == 1
    assert other.sum() == 1 and s.n_neighbours[other][0] == 0


def test_radius_none_max_agents_and_world_coordinates():
    rows, file_id = _table()
    s = prepare_trajectory_scenes(rows, file_id, max_agents=2, center=False)
    i = np.flatnonzero((s.file_id == 0) & (s.ped_id == 1))[0]
    assert s.data.shape[1] == 2 and s.n_neighbours[i] == 1
    np.testing.assert_allclose(s.data[i, 1, -1], [2.8, 1.0])  # nearest kept
    np.testing.assert_allclose(s.origin, 0.0)
    stride = prepare_trajectory_scenes(rows, file_id, stride=3)
    assert len(stride.data) < len(s.data)


def test_bad_rows():
    with pytest.raises(ValueError, match="n_rows, 4"):
        prepare_trajectory_scenes(np.zeros((5, 3)))
    rows, _ = _table()
    for column, name in ((0, "frame"), (1, "ped_id")):
        bad = rows.copy()
        bad[7, column] = np.nan
        with pytest.raises(ValueError, match=f"{name} column .* NaN .* row 7"):
            prepare_trajectory_scenes(bad)


@pytest.mark.parametrize("far_frame", [1e9, 1e13])
def test_scenes_are_sparse_in_frames(far_frame):
    # One stray frame id far away used to allocate a pedestrians x frame-span
    # grid (1e13 asked for terabytes); it must only add one lonely row.
    rows, _ = _table()
    expected = prepare_trajectory_scenes(rows)
    stray = np.vstack([rows, [[far_frame, 99.0, 0.0, 0.0]]])
    got = prepare_trajectory_scenes(stray)
    np.testing.assert_array_equal(got.data, expected.data)
    np.testing.assert_array_equal(got.frame, expected.frame)


def test_eth_ucy_scenes(shared_data):
    from sklearn_iclr.datasets import load_eth_ucy

    eth = load_eth_ucy("eth", download_if_missing=False)
    s = prepare_trajectory_scenes(eth.test, eth.test_file_id)
    assert s.data.shape == (364, 8, 8, 2)
    assert np.isfinite(s.target).all() and np.isfinite(s.data[:, 0]).all()
    # 0.4 s steps: walking speeds of a few m/s at most
    speed = np.linalg.norm(np.diff(s.target, axis=1), axis=2) / 0.4
    assert np.median(speed) < 3.0


def test_plot_scene_attribution():
    scene = np.zeros((3, 8, 2))
    scene[:, :, 0] = np.arange(8)
    scene[1, :, 1] = 1.0
    scene[2] = np.nan
    ax = plot_scene_attribution(
        scene, [0.5, 0.2, 0.0], y=np.ones((12, 2)), y_pred=np.zeros((12, 2))
    )
    assert len(ax.lines) >= 3
    ax = plot_scene_attribution(scene, [0.5, -0.2, 0.0, 0.1], random_agent=scene[1] + 1)
    assert ax.get_xlabel() == "x (m)"
    with pytest.raises(ValueError, match="random_agent"):
        plot_scene_attribution(scene, [0.5, 0.2, 0.0, 0.1])
    with pytest.raises(ValueError, match="n_agents, t_obs, 2"):
        plot_scene_attribution(scene[0], [0.5])
