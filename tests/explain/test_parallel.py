"""The explainer's batches in joblib workers: same values for any n_jobs."""

import numpy as np
import pytest
from joblib import parallel_backend

from sklearn_iclr.datasets import make_pedestrian_scenes
from sklearn_iclr.explain import ShapleyTrajectoryExplainer


class FlockPredictor:
    """A numpy model whose prediction uses every present agent's velocity."""

    t_obs_ = 8

    def predict(self, X):
        velocity = X[:, :, -1] - X[:, :, -2]  # (n, agents, 2), NaN if absent
        present = np.isfinite(velocity).all(axis=2)
        mean = np.where(present[..., None], velocity, 0.0).sum(axis=1)
        mean /= np.maximum(present.sum(axis=1), 1)[:, None]
        steps = np.arange(1, 13)[None, :, None]
        last = np.nan_to_num(X[:, 0, -1])
        return last[:, None] + steps * (0.5 * mean[:, None] + 0.1)


@pytest.fixture(scope="module")
def scenes():
    return make_pedestrian_scenes(n_samples=24, n_agents=4, random_state=0)


@pytest.mark.parametrize(
    "kw",
    [
        dict(method="exact", removal="random", n_draws=2),
        dict(method="permutation", n_permutations=6, include_random_agent=True),
        dict(method="banzhaf_sampling", n_permutations=4, metric="output"),
    ],
    ids=["exact-random", "permutation", "banzhaf_sampling-output"],
)
def test_values_do_not_depend_on_n_jobs(scenes, kw):
    X, y = scenes.data, scenes.target
    explainer = ShapleyTrajectoryExplainer(
        FlockPredictor(), batch_size=5, random_state=0, **kw
    ).fit(X)
    sequential = explainer.explain(X, y)
    parallel = explainer.set_params(n_jobs=2).explain(X, y)
    assert np.abs(sequential.attributions).max() > 0
    for key in ("attributions", "baseline_value", "full_value"):
        np.testing.assert_array_equal(parallel[key], sequential[key])
    # threads and a different batching agree too (batches are seed-independent)
    with parallel_backend("threading", n_jobs=2):
        threaded = explainer.set_params(n_jobs=None, batch_size=7).explain(X, y)
    np.testing.assert_allclose(
        threaded.attributions, sequential.attributions, atol=1e-12
    )
