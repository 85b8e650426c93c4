"""DeepAutoAugment and the fixed baselines as scikit-learn transformers."""

import pickle

import numpy as np
import pytest

pytest.importorskip("torch")

from sklearn.datasets import load_digits  # noqa: E402

from sklearn_iclr._torch import nn, torch  # noqa: E402
from sklearn_iclr.augmentation import (  # noqa: E402
    DeepAutoAugment,
    RandAugment,
    TrivialAugment,
)

TINY = dict(n_layers=2, n_magnitudes=2, proxy_epochs=2, n_steps_per_layer=3)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X.reshape(-1, 8, 8)[:150], y[:150]


@pytest.fixture(scope="module")
def fitted(digits):
    return DeepAutoAugment(**TINY, random_state=0).fit(*digits)


def _series(n=40, channels=2, t=30, seed=0):
    rng = np.random.RandomState(seed)
    y = rng.randint(0, 2, n)
    X = rng.randn(n, channels, t) + y[:, None, None]
    return X, y


def test_policy_is_a_distribution_per_layer(fitted):
    assert fitted.policy_.shape == (2, len(fitted.options_))
    assert len(fitted.operations_) == len(fitted.options_)
    assert (fitted.policy_ >= 0).all()
    np.testing.assert_allclose(fitted.policy_.sum(axis=1), 1.0)
    assert fitted.search_time_ > 0
    assert fitted.importance_history_.shape == fitted.policy_.shape


def test_transform_is_seeded_per_call(digits, fitted):
    X, _ = digits
    first, second = fitted.transform(X), fitted.transform(X)
    np.testing.assert_array_equal(first, second)
    assert first.shape == X.shape and first.dtype == X.dtype
    assert not np.allclose(first, X)
    other = DeepAutoAugment(**TINY, random_state=0).fit(*digits)
    np.testing.assert_array_equal(other.policy_, fitted.policy_)
    np.testing.assert_array_equal(other.transform(X), first)


def test_channels_last_images_and_float32():
    rng = np.random.RandomState(0)
    X = rng.rand(30, 6, 5, 3).astype(np.float32)
    y = np.repeat([0, 1, 2], 10)
    aug = DeepAutoAugment(**TINY, random_state=0).fit(X, y)
    out = aug.transform(X)
    assert out.shape == X.shape and out.dtype == np.float32


def test_series_in_both_layouts():
    X, y = _series()
    aug = DeepAutoAugment(operations="series", **TINY, random_state=0).fit(X, y)
    assert aug.transform(X).shape == X.shape
    assert set(name for name, _ in aug.options_) >= {"jitter", "time_warp"}
    flat = X[:, 0]
    aug2 = TrivialAugment(operations="series", random_state=0).fit(flat)
    assert aug2.transform(flat).shape == flat.shape


def test_sample_policy_lists_chains(fitted):
    chains = fitted.sample_policy(4)
    assert len(chains) == 4
    names = {name for name, _ in fitted.options_}
    for chain in chains:
        assert len(chain) == 2
        assert all(name in names and 0 <= m <= 1 for name, m in chain)


def test_as_torch_transform_single_batch_and_pickle(digits, fitted):
    X, _ = digits
    transform = fitted.as_torch_transform()
    single = torch.as_tensor(X[0][None], dtype=torch.float32)  # (C, H, W)
    assert transform(single).shape == single.shape
    batch = torch.as_tensor(X[:5, None], dtype=torch.float32)
    assert transform(batch).shape == batch.shape
    again = pickle.loads(pickle.dumps(transform))
    torch.testing.assert_close(again(batch), fitted.as_torch_transform()(batch))


def test_estimator_pickles(digits, fitted):
    X, _ = digits
    again = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(again.transform(X[:5]), fitted.transform(X[:5]))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no cuda device")
def test_cuda_search_transforms_and_pickles(digits):
    X, y = digits
    daa = DeepAutoAugment(**TINY, device="cuda", random_state=0).fit(X, y)
    np.testing.assert_allclose(daa.policy_.sum(axis=1), 1.0)
    out = pickle.loads(pickle.dumps(daa)).transform(X[:5])
    assert out.shape == X[:5].shape and np.isfinite(out).all()


def test_custom_proxy(digits):
    X, y = digits

    def proxy(n_channels, n_classes):
        return nn.Sequential(nn.Flatten(), nn.Linear(n_channels * 64, n_classes))

    aug = DeepAutoAugment(**TINY, proxy=proxy, random_state=0).fit(X, y)
    assert isinstance(aug.proxy_, nn.Sequential)
    module = DeepAutoAugment(**TINY, proxy=proxy(1, 10), random_state=0).fit(X, y)
    assert isinstance(module.proxy_, nn.Sequential)
    with pytest.raises(TypeError, match="must return a torch.nn.Module"):
        DeepAutoAugment(**TINY, proxy=lambda c, k: 3).fit(X, y)


def test_baselines_are_uniform_over_operations(digits):
    X, _ = digits
    ra = RandAugment(n_magnitudes=3, random_state=0).fit(X)
    ta = TrivialAugment(n_magnitudes=3, random_state=0).fit(X)
    assert ra.policy_.shape[0] == 2 and ta.policy_.shape[0] == 1
    for aug in (ra, ta):
        per_op = {}
        for (name, _), p in zip(aug.options_, aug.policy_[0]):
            per_op[name] = per_op.get(name, 0) + p
        np.testing.assert_allclose(list(per_op.values()), 1 / len(per_op))
    assert ra.options_ == ta.options_


@pytest.mark.parametrize(
    ("params", "X", "message"),
    [
        ({}, np.zeros((6, 64)), "act on images"),
        ({"operations": "series"}, np.zeros((6, 2, 3, 4)), "act on series"),
        ({"operations": ["rotate", "warp"]}, np.zeros((6, 8, 8)), "Unknown"),
        ({"operations": ["rotate", "jitter"]}, np.zeros((6, 8, 8)), "mix image"),
        ({"operations": ["identity", "flip"]}, np.zeros((6, 8, 8)), "both images"),
        ({"operations": "audio"}, np.zeros((6, 8, 8)), "operations must be"),
        ({"operations": []}, np.zeros((6, 8, 8)), "at least one"),
        ({}, [np.zeros((8, 8)), np.zeros((9, 9))], "same shape"),
        ({}, np.full((6, 8, 8), np.nan), "NaN"),
    ],
)
def test_bad_inputs_raise_clear_errors(params, X, message):
    y = np.array([0, 1] * 3)
    for est in (DeepAutoAugment(**{**TINY, **params}), TrivialAugment(**params)):
        with pytest.raises(ValueError, match=message):
            est.fit(X, y)


def test_bad_parameters_and_labels(digits):
    X, y = digits
    with pytest.raises(ValueError, match="n_layers"):
        DeepAutoAugment(n_layers=0).fit(X, y)
    with pytest.raises(ValueError, match="2 classes"):
        DeepAutoAugment(**TINY).fit(X[:5], np.zeros(5))
    with pytest.raises(ValueError, match="at least 2 samples"):
        DeepAutoAugment(**TINY).fit(X[:3], [0, 1, 2])


def test_transform_refuses_another_image_size(fitted):
    with pytest.raises(ValueError, match="features|shape"):
        fitted.transform(np.zeros((2, 9, 9)))
    with pytest.raises(ValueError, match=r"shape \(8, 7\)"):
        fitted.transform(np.zeros((2, 8, 7)))


def test_tour_step_puts_the_learned_policy_ahead_of_its_baselines():
    from sklearn_iclr.augmentation._tour import deep_autoaugment_step

    headline = deep_autoaugment_step(fast=True).headline
    accuracy = dict(
        (part.strip().rsplit(" ", 1)[0], float(part.strip().rsplit(" ", 1)[1][:-1]))
        for part in headline.removeprefix("test accuracy ").split(",")
    )
    assert accuracy["DeepAA"] > accuracy["TrivialAugment"], headline
    assert accuracy["DeepAA"] > accuracy["no augmentation"], headline
