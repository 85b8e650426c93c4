"""Tests of NetworkFeaturizer, the linearisation of a trained network."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

pytest.importorskip("torch")

from sklearn_iclr.valuation import DIVAWeighter, NetworkFeaturizer  # noqa: E402


def _digits(n=300):
    X, y = load_digits(return_X_y=True)
    return X[:n], y[:n]


def test_last_layer_features_are_the_last_hidden_activations():
    X, y = _digits()
    featurizer = NetworkFeaturizer(hidden_sizes=(16, 8), max_epochs=3, random_state=0)
    Z = featurizer.fit(X, y).transform(X)
    assert Z.shape == (300, 8) and np.all(Z >= 0)  # after a ReLU
    again = NetworkFeaturizer(hidden_sizes=(16, 8), max_epochs=3, random_state=0)
    np.testing.assert_allclose(again.fit(X, y).transform(X), Z)


def test_jacobian_features_match_autograd():
    import torch

    X, y = _digits(100)
    featurizer = NetworkFeaturizer(
        "jacobian", hidden_sizes=(6, 5), max_epochs=2, random_state=0
    ).fit(X, y)
    Z = featurizer.transform(X[:3])
    assert Z.shape == (3, 5 + 6 * 5 + 5) == (3, featurizer.n_features_out_)
    module = featurizer.net_.module_
    last, hidden = module.layers[-1], module.layers[-3]
    k = last.out_features
    for i in range(3):
        x = torch.as_tensor(
            featurizer.scaler_.transform(X[i : i + 1]), dtype=torch.float32
        )
        module.zero_grad()
        module(x).sum().backward()
        # the last layer's weight gradient is the embedding, once per output
        np.testing.assert_allclose(
            last.weight.grad[0].numpy(), Z[i, :5] / np.sqrt(k), rtol=1e-5, atol=1e-6
        )
        expected = np.r_[hidden.weight.grad.numpy().ravel(), hidden.bias.grad.numpy()]
        np.testing.assert_allclose(Z[i, 5:], expected, rtol=1e-5, atol=1e-6)


def test_diva_on_the_network_linearisation_finds_flipped_labels():
    from sklearn.metrics import roc_auc_score

    X, y = _digits(400)
    rng = np.random.RandomState(0)
    flipped = rng.rand(400) < 0.2
    y_noisy = y.copy()
    y_noisy[flipped] = (y[flipped] + rng.randint(1, 10, flipped.sum())) % 10
    weighter = DIVAWeighter(
        NetworkFeaturizer(max_epochs=10, random_state=0), kernel="linear", n_steps=0
    ).fit(X, y_noisy)
    assert roc_auc_score(flipped, weighter.dataset_derivative_) > 0.9


def test_bad_hidden_sizes():
    X, y = _digits(50)
    with pytest.raises(ValueError, match="hidden_sizes"):
        NetworkFeaturizer(hidden_sizes=()).fit(X, y)


def test_diverging_training_names_lr():
    X, y = _digits(100)
    with pytest.raises(ValueError, match="diverged.*lower lr"):
        NetworkFeaturizer(lr=1e6, max_epochs=3, random_state=0).fit(X, y)
