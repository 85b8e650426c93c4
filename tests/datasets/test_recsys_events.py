# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
import pytest

from sklearn_iclr.datasets import make_hawkes_events


def test_make_hawkes_events_shape_order_and_seed():
    ev = make_hawkes_events(n_users=100, n_items=30, end_time=50.0, random_state=0)
    X = ev.data
    assert X.ndim == 2 and X.shape[1] == 3
    assert (np.diff(X[:, 2]) >= 0).all() and X[:, 2].max() < 50.0
    assert set(np.unique(X[:, 1])) <= set(range(30))
    assert ev.baseline.shape == (100,) and ev.item_popularity.sum() == pytest.approx(1)
    again = make_hawkes_events(n_users=100, n_items=30, end_time=50.0, random_state=0)
    np.testing.assert_array_equal(X, again.data)


def test_make_hawkes_events_sequential_items():
    ev = make_hawkes_events(n_users=50, n_items=40, sequential=1.0, random_state=0)
    X = ev.data[np.lexsort((ev.data[:, 2], ev.data[:, 0]))]
    same = X[1:, 0] == X[:-1, 0]
    steps = (X[1:, 1] - X[:-1, 1])[same] % 40
    assert set(np.unique(steps)) <= {1, 2, 3}


def test_make_hawkes_events_rejects_explosive_kernels():
    with pytest.raises(ValueError, match="sum below 1"):
        make_hawkes_events(adjacency=(0.6, 0.6), decays=(1.0, 0.1))
    with pytest.raises(ValueError, match="same non-zero length"):
        make_hawkes_events(adjacency=(0.2,), decays=(1.0, 0.1))


def test_movielens_1m_reads_a_user_supplied_file(tmp_path):
    from sklearn_iclr.datasets import load_movielens_1m

    with pytest.raises(FileNotFoundError, match="grouplens.org"):
        load_movielens_1m(data_home=tmp_path)
    folder = tmp_path / "recsys" / "ml_1m"
    folder.mkdir(parents=True)
    (folder / "ratings.dat").write_text("1::1193::5::978300760\n1::661::3::978302109\n")
    ml = load_movielens_1m(data_home=tmp_path)
    np.testing.assert_array_equal(ml.data, [[1, 1193, 978300760], [1, 661, 978302109]])
    assert ml.rating.tolist() == [5.0, 3.0]
    frame = load_movielens_1m(data_home=tmp_path, as_frame=True).data
    assert list(frame.columns) == ["user", "item", "timestamp", "rating"]
