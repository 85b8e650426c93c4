"""TS2VecEncoder: repeatable embeddings, pickling, training through the bridge."""

import pickle

import numpy as np
import pytest

from sklearn_iclr.timeseries import TS2VecEncoder
from sklearn_iclr.utils import all_estimators


def _real(n=200, n_channels=1, length=32, seed=0):
    rng = np.random.RandomState(seed)
    t = np.arange(length)
    phase = rng.uniform(0, 6, size=(n, n_channels, 1))
    return np.sin(t / 4 + phase) + 0.1 * rng.normal(size=(n, n_channels, length))


@pytest.fixture(scope="module")
def encoder():
    from sklearn_iclr._torch import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return TS2VecEncoder(output_dims=16, max_epochs=2, random_state=0).fit(_real())
    finally:
        torch.set_num_threads(previous)


def test_encoder_is_repeatable_and_embeds_windows(encoder):
    real = _real(n=30, length=16)
    a = (
        TS2VecEncoder(output_dims=4, max_epochs=1, random_state=3)
        .fit(real)
        .transform(real)
    )
    b = (
        TS2VecEncoder(output_dims=4, max_epochs=1, random_state=3)
        .fit(real)
        .transform(real)
    )
    np.testing.assert_array_equal(a, b)
    assert a.shape == (30, 4)
    assert encoder.transform(_real(n=5)[:, 0, :]).shape == (5, 16)
    with pytest.raises(ValueError, match="channels"):
        encoder.transform(np.zeros((3, 2, 32)))


def test_encoder_trains_through_a_skorch_net(encoder):
    from sklearn_iclr._torch import skorch

    assert isinstance(encoder.net_, skorch.NeuralNet)
    assert encoder.network_ is encoder.net_.module_
    batches = encoder.net_.history[:, "batches", :, "train_loss"]
    assert len(batches) == len(encoder.loss_curve_) == 2
    assert len(batches[0]) == 200 // 16  # near-equal batches, none left over
    assert encoder.loss_curve_ == [float(np.mean(b)) for b in batches]


def test_encoder_pickles_and_accepts_a_random_state_instance():
    X = _real(n=20, length=8)
    a = TS2VecEncoder(
        output_dims=4, max_epochs=1, random_state=np.random.RandomState(5)
    )
    b = TS2VecEncoder(
        output_dims=4, max_epochs=1, random_state=np.random.RandomState(5)
    )
    np.testing.assert_array_equal(a.fit(X).transform(X), b.fit(X).transform(X))
    loaded = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(loaded.transform(X), a.transform(X))


def test_encoder_is_a_listed_public_estimator():
    assert dict(all_estimators())["TS2VecEncoder"] is TS2VecEncoder
