"""The shared torch/skorch bridge, through a tiny estimator built on it."""

import pickle
from numbers import Integral, Real

import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.estimator_checks import check_estimator

from sklearn_iclr._torch import (
    MLP,
    TorchEstimatorMixin,
    build_net,
    resolve_device,
    seeded,
    to_numpy,
    torch,
    torch_seed,
)
from sklearn_iclr.utils._sklearn_compat import (
    Interval,
    _fit_context,
    check_is_fitted,
    validate_data,
)


class TinyTorchRegressor(TorchEstimatorMixin, RegressorMixin, BaseEstimator):
    """The smallest estimator written the way every torch estimator is."""

    _parameter_constraints = {
        "hidden": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        **TorchEstimatorMixin._torch_parameter_constraints,
    }

    def __init__(
        self,
        hidden=8,
        *,
        max_epochs=3,
        lr=1e-2,
        device="cpu",
        verbose=0,
        random_state=None,
    ):
        self.hidden = hidden
        self.max_epochs = max_epochs
        self.lr = lr
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        X, y = validate_data(self, X, y, y_numeric=True)
        self.device_ = self._resolve_device()
        self.net_ = build_net(
            MLP,
            module__n_inputs=X.shape[1],
            module__n_outputs=1,
            module__hidden_sizes=(self.hidden,),
            criterion=torch.nn.MSELoss,
            lr=self.lr,
            max_epochs=self.max_epochs,
            batch_size=32,
            device=self.device_,
            verbose=self.verbose,
        )
        with seeded(self._torch_seed(), self.device_):
            self.net_.fit(X.astype(np.float32), y.astype(np.float32).reshape(-1, 1))
        return self

    def predict(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return to_numpy(self.net_.forward(X.astype(np.float32))).ravel().astype(float)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True  # 3 epochs of a tiny net
        return tags


def _data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4))
    return X, X @ np.arange(1.0, 5.0) + 0.1 * rng.normal(size=60)


def test_tiny_estimator_passes_check_estimator():
    check_estimator(TinyTorchRegressor())


def test_equal_random_state_gives_bit_identical_fits():
    X, y = _data()
    a = TinyTorchRegressor(random_state=3).fit(X, y).predict(X)
    b = TinyTorchRegressor(random_state=3).fit(X, y).predict(X)
    c = TinyTorchRegressor(random_state=4).fit(X, y).predict(X)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_seeded_leaves_global_torch_state_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    with seeded(7):
        torch.rand(100)
    np.testing.assert_array_equal(torch.rand(3), expected)


def test_torch_seed_follows_sklearn_random_state_rules():
    assert torch_seed(5) == torch_seed(5)
    rng = np.random.RandomState(0)
    assert torch_seed(rng) != torch_seed(rng)  # an instance is advanced


def test_pickle_round_trip_predicts_the_same():
    X, y = _data()
    est = TinyTorchRegressor(random_state=0).fit(X, y)
    clone = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(est.predict(X), clone.predict(X))


def test_verbose_prints_progress(capsys):
    X, y = _data()
    TinyTorchRegressor(verbose=0, random_state=0).fit(X, y)
    assert capsys.readouterr().out == ""
    TinyTorchRegressor(verbose=1, random_state=0).fit(X, y)
    assert "train_loss" in capsys.readouterr().out


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_requested_without_cuda_is_a_clear_error():
    assert resolve_device("auto") == "cpu"
    with pytest.raises(ValueError, match="CUDA is not available"):
        TinyTorchRegressor(device="cuda").fit(*_data())


def test_unknown_device_is_rejected():
    with pytest.raises(ValueError, match="device must be one of"):
        resolve_device("tpu")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no cuda device")
def test_cuda_fit_pickles_to_cpu_state():
    X, y = _data()
    est = TinyTorchRegressor(device="cuda", random_state=0).fit(X, y)
    assert est.device_ == "cuda"
    assert np.isfinite(pickle.loads(pickle.dumps(est)).predict(X)).all()


def test_build_net_raises_when_the_loss_diverges():
    """A learning rate far too large fails with a message naming lr."""
    from sklearn_iclr._torch import MLP, NonFiniteLossError, build_net, seeded, torch

    rng = np.random.RandomState(0)
    X = rng.normal(size=(64, 3)).astype(np.float32)
    y = (X @ np.array([1.0, -2.0, 0.5], dtype=np.float32))[:, None]
    net = build_net(
        MLP,
        module__n_inputs=3,
        module__n_outputs=1,
        criterion=torch.nn.MSELoss,
        optimizer="sgd",
        lr=1e6,
        max_epochs=20,
        batch_size=16,
    )
    with seeded(0), pytest.raises(NonFiniteLossError, match=r"lr=1000000"):
        net.fit(X, y)


def test_check_finite_names_what_and_hint():
    from sklearn_iclr._torch import NonFiniteLossError, check_finite, torch

    assert check_finite(1.5) == 1.5
    with pytest.raises(NonFiniteLossError, match="output .* at step 2.*alpha"):
        check_finite(
            torch.tensor([1.0, float("nan")]),
            "output",
            where="at step 2",
            hint="Increase alpha.",
        )


def test_seeded_trains_with_one_thread_by_default(monkeypatch):
    from sklearn_iclr._torch import seeded, torch

    monkeypatch.delenv("SKLEARN_ICLR_TORCH_THREADS", raising=False)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        with seeded(0):
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == 2
        monkeypatch.setenv("SKLEARN_ICLR_TORCH_THREADS", "0")
        with seeded(0):
            assert torch.get_num_threads() == 2
        monkeypatch.setenv("SKLEARN_ICLR_TORCH_THREADS", "-1")
        with pytest.raises(ValueError, match="non-negative integer"), seeded(0):
            pass
    finally:
        torch.set_num_threads(before)
