"""Metrics of synthetic series: sanity on real, shuffled-real and noise windows."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from sklearn_iclr._torch import NonFiniteLossError
from sklearn_iclr.timeseries.metrics import (
    TS2VecEncoder,
    context_fid,
    discriminative_score,
    frechet_distance,
    make_generator_scorer,
    predictive_score,
)


def _real(n=200, n_channels=1, length=32, seed=0):
    rng = np.random.RandomState(seed)
    t = np.arange(length)
    phase = rng.uniform(0, 6, size=(n, n_channels, 1))
    x = np.sin(t / 4 + phase) + 0.1 * rng.normal(size=(n, n_channels, length))
    return (x + 1.5) / 3.0  # roughly in [0, 1], as TimeGAN's metrics expect


@pytest.fixture(scope="module")
def encoder():
    from sklearn_iclr._torch import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return TS2VecEncoder(output_dims=16, max_epochs=4, random_state=0).fit(_real())
    finally:
        torch.set_num_threads(previous)


def test_context_fid_real_halves_near_zero_and_far_below_noise(encoder):
    real = _real()
    noise = np.random.RandomState(1).uniform(size=real.shape)
    same = context_fid(real[:100], real[100:], encoder=encoder)
    other = context_fid(real, noise, encoder=encoder)
    assert same < 0.1 * other
    assert context_fid(real, real, encoder=encoder) == pytest.approx(0.0, abs=1e-6)


def test_context_fid_fits_an_encoder_when_none_given():
    real = _real(n=40, length=16)
    noise = np.random.RandomState(1).uniform(size=real.shape)
    value = context_fid(real, noise, random_state=0)
    fitted = TS2VecEncoder(random_state=0).fit(real)
    assert value == context_fid(real, noise, encoder=fitted)
    assert value > 0


def test_context_fid_fits_a_clone_of_an_unfitted_encoder():
    real = _real(n=40, length=16)
    noise = np.random.RandomState(1).uniform(size=real.shape)
    encoder = TS2VecEncoder(output_dims=4, max_epochs=1, random_state=0)
    value = context_fid(real, noise, encoder=encoder)
    assert not hasattr(encoder, "n_channels_")  # the caller's stays unfitted
    assert value == context_fid(real, noise, encoder=clone(encoder).fit(real))


def test_discriminative_score_noise_near_half_and_real_near_zero():
    real = _real()
    noise = np.random.RandomState(1).uniform(size=real.shape)
    kw = dict(hidden=8, random_state=0)
    assert discriminative_score(real, noise, iterations=600, **kw) > 0.4
    assert discriminative_score(real[:100], real[100:], iterations=300, **kw) < 0.15


def test_predictive_score_prefers_real_training_data():
    real = _real(n_channels=3, length=16)
    noise = np.random.RandomState(1).uniform(size=real.shape)
    kw = dict(iterations=300, hidden=4, random_state=0)
    assert predictive_score(real, real, **kw) < predictive_score(real, noise, **kw)


@given(n=st.integers(2, 20), dims=st.integers(1, 4), shift=st.floats(-5, 5))
def test_frechet_distance_properties(n, dims, shift):
    a = np.random.RandomState(n).normal(size=(n, dims))
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    assert frechet_distance(a, a + shift) == pytest.approx(
        dims * shift**2, rel=1e-4, abs=1e-5
    )


def test_metrics_reject_mismatched_or_bad_windows():
    with pytest.raises(ValueError, match="same"):
        discriminative_score(np.zeros((5, 1, 8)), np.zeros((5, 1, 9)))
    with pytest.raises(ValueError, match="NaN"):
        predictive_score(np.full((5, 8), np.nan), np.zeros((5, 8)))
    with pytest.raises(ValueError, match="2-D"):
        context_fid(np.zeros((2, 2, 2, 2)), np.zeros((2, 2, 2, 2)))


def test_scorer_negates_the_metric():
    class Fixed:
        def sample(self, n, random_state=None):
            return _real(n=n, seed=5)

    real = _real(n=60)
    scorer = make_generator_scorer("discriminative_score", iterations=50, hidden=4)
    assert -0.5 <= scorer(Fixed(), real) <= 0
    custom = make_generator_scorer(lambda r, s: float(np.abs(r.mean() - s.mean())))
    assert scorer.__name__ == "neg_discriminative_score"
    assert custom(Fixed(), real) <= 0


def test_discriminative_score_needs_two_windows_of_each():
    real = _real(n=10, length=8)
    for one, other in [(real[:1], real[1:]), (real[1:], real[:1])]:
        with pytest.raises(ValueError, match="at least 2 .* windows"):
            discriminative_score(one, other, iterations=5)
    # A large test_size still leaves one window of each to train on.
    score = discriminative_score(real[:2], real[2:4], iterations=5, test_size=0.9)
    assert 0 <= score <= 0.5


@pytest.mark.parametrize(
    "a, b, match",
    [
        (np.zeros((0, 3)), np.ones((5, 3)), "a is empty"),
        (np.ones((5, 3)), np.zeros((0, 3)), "b is empty"),
        (np.ones(5), np.ones(5), "a must be 2-D.*reshape"),
        (np.ones((5, 3)), np.ones((5, 2)), "same number of dimensions"),
        (np.full((5, 3), np.nan), np.ones((5, 3)), "a contains NaN"),
    ],
)
def test_frechet_distance_names_bad_input(a, b, match):
    with pytest.raises(ValueError, match=match):
        frechet_distance(a, b)


def test_metrics_reject_values_beyond_float32():
    real = _real(n=10, length=8)
    with pytest.raises(ValueError, match="float32"):
        discriminative_score(real * 1e39, real, iterations=5)
    with pytest.raises(ValueError, match="float32"):
        TS2VecEncoder(max_epochs=1).fit(real * 1e39)


def test_diverging_metric_networks_raise():
    real = _real(n=20, length=8)
    with pytest.raises(NonFiniteLossError, match="lr=1000000.0"):
        TS2VecEncoder(output_dims=4, max_epochs=3, lr=1e6, random_state=0).fit(real)
    # Finite in float32 but too large for the forecaster's loss.
    with pytest.raises(NonFiniteLossError, match="scale them"):
        predictive_score(real * 1e37, real * 1e37, iterations=5, random_state=0)


def test_scores_are_repeatable():
    real = _real(n=40, length=8)
    noise = np.random.RandomState(1).uniform(size=real.shape)
    for score in (discriminative_score, predictive_score):
        values = {score(real, noise, iterations=20, random_state=3) for _ in range(2)}
        assert len(values) == 1


def test_long_metric_fits_print_labelled_progress(capsys):
    real = _real(n=20, length=8)
    discriminative_score(real, real, iterations=20, random_state=0, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10
    assert lines[-1].startswith(
        "discriminative_score: GRU real/synthetic classifier: step 20/20, "
        "cross-entropy "
    )
    predictive_score(real, real, iterations=3, random_state=0, verbose=1)
    assert capsys.readouterr().out.startswith(
        "predictive_score: GRU one-step forecaster: step 1/3, MAE "
    )
    context_fid(real, real, random_state=0, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 20  # the default encoder's epochs
    assert lines[-1].startswith("TS2VecEncoder: epoch 20/20, contrastive loss ")


def test_scorer_names_bad_input():
    class Fixed:
        def __init__(self, out):
            self.out = out

        def sample(self, n, random_state=None):
            return self.out(n)

    real = _real(n=10, length=8)
    scorer = make_generator_scorer("discriminative_score", iterations=5)
    with pytest.raises(TypeError, match="sample.*LogisticRegression"):
        scorer(LogisticRegression(), real)
    with pytest.raises(ValueError, match="generator's sample contains NaN"):
        scorer(Fixed(lambda n: np.full((n, 8), np.nan)), real)
    with pytest.raises(ValueError, match="held-out windows"):
        scorer(Fixed(lambda n: np.zeros((n, 8))), real[:, 0, 0])
    with pytest.raises(ValueError, match="at least 2 real windows"):
        scorer(Fixed(lambda n: _real(n=n, length=8)), real[:1])
    with pytest.raises(TypeError, match="does not take .*'iteration'"):
        make_generator_scorer("discriminative_score", iteration=5)
    nan_metric = make_generator_scorer(lambda real, synthetic: float("nan"))
    with pytest.raises(ValueError, match="returned nan"):
        nan_metric(Fixed(lambda n: _real(n=n, length=8)), real)
