"""PSAGANGenerator: layouts, properties of the samples, ablations, model selection."""

import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_iclr.timeseries import PSAGANGenerator
from sklearn_iclr.timeseries.metrics import make_generator_scorer

TINY = dict(hidden=4, noise_channels=2, max_epochs=1, batch_size=64)


def _sines(n_series=6, n_channels=1, n_timepoints=40, seed=0):
    rng = np.random.RandomState(seed)
    t = np.arange(n_timepoints)
    phase = rng.uniform(0, 6, size=(n_series, n_channels, 1))
    return (
        2.0
        + np.sin(t / 3.0 + phase)
        + 0.05 * rng.normal(size=(n_series, n_channels, n_timepoints))
    )


@given(
    window=st.integers(2, 20),
    n_series=st.integers(1, 4),
    n_channels=st.integers(1, 3),
    extra=st.integers(0, 12),
    n_samples=st.integers(1, 5),
)
def test_sample_shape_dtype_and_finite(window, n_series, n_channels, extra, n_samples):
    X = _sines(n_series, n_channels, window + extra)
    gan = PSAGANGenerator(window_length=window, stride=4, random_state=0, **TINY).fit(X)
    out = gan.sample(n_samples, random_state=0)
    assert out.shape == (n_samples, n_channels, window)
    assert out.dtype == np.float64
    assert np.isfinite(out).all()
    assert gan.model_length_ >= max(window, 8)
    assert gan.model_length_ & (gan.model_length_ - 1) == 0  # a power of two


@given(seed=st.integers(0, 2**31 - 1))
def test_equal_random_state_gives_identical_samples(seed):
    X = _sines()[:, 0, :]
    a = PSAGANGenerator(window_length=12, random_state=seed, **TINY).fit(X)
    b = PSAGANGenerator(window_length=12, random_state=seed, **TINY).fit(X)
    np.testing.assert_array_equal(
        a.sample(4, random_state=1), b.sample(4, random_state=1)
    )
    assert not np.array_equal(a.sample(4, random_state=1), a.sample(4, random_state=2))


def test_non_power_of_two_is_generated_longer_and_cropped():
    X = _sines(n_timepoints=60)
    gan = PSAGANGenerator(window_length=24, random_state=0, **TINY).fit(X)
    assert (gan.model_length_, gan.length_strategy_) == (32, "crop")
    assert gan.sample(3, random_state=0).shape == (3, 1, 24)
    # Series shorter than the next power of two are resampled instead.
    short = PSAGANGenerator(window_length=24, random_state=0, **TINY).fit(X[:, :, :30])
    assert short.length_strategy_ == "interpolate"
    assert short.sample(2).shape == (2, 1, 24)


def test_constant_series_are_generated_constant():
    X = np.full((3, 20), 7.5)
    gan = PSAGANGenerator(window_length=8, random_state=0, **TINY).fit(X)
    np.testing.assert_allclose(gan.sample(3, random_state=0), 7.5)


@pytest.mark.parametrize("n_timepoints", [1])
def test_too_short_series_raise(n_timepoints):
    with pytest.raises(ValueError, match="at least 2 timepoints"):
        PSAGANGenerator(**TINY).fit(np.ones((4, n_timepoints)))


def test_window_longer_than_series_raises():
    with pytest.raises(ValueError, match="exceeds"):
        PSAGANGenerator(window_length=50, **TINY).fit(_sines())
    with pytest.raises(ValueError, match="exceeds"):
        PSAGANGenerator(window_length=30, context_length=20, **TINY).fit(_sines())


def test_samples_follow_the_scale_of_the_data():
    X = 100.0 + 10.0 * _sines(n_series=8, n_timepoints=64)
    gan = PSAGANGenerator(window_length=16, max_epochs=3, hidden=8, random_state=0)
    out = gan.fit(X).sample(50, random_state=0)
    assert X.min() - 15 < out.mean() < X.max() + 15


def test_dataframe_is_one_multivariate_series_as_in_sktime():
    """A 7-column DataFrame is one series of 7 channels, rows being time."""
    from sktime.datatypes import check_is_mtype

    X = _sines(n_series=1, n_channels=7, n_timepoints=200)[0]
    frame = pd.DataFrame(X.T, columns=[f"sensor_{i}" for i in range(7)])
    gan = PSAGANGenerator(window_length=16, random_state=0, **TINY).fit(frame)
    assert (gan.n_series_, gan.n_channels_) == (1, 7)
    assert gan.n_windows_ == 200 - 16 + 1
    assert list(gan.feature_names_in_) == list(frame.columns)
    out = gan.sample(3, random_state=0)
    assert check_is_mtype(out, "pd-multiindex")
    assert out.shape == (3 * 16, 7) and list(out.columns) == list(frame.columns)
    # A pandas Series is one univariate series.
    gan = PSAGANGenerator(window_length=16, random_state=0, **TINY).fit(
        frame.iloc[:, 0]
    )
    assert (gan.n_series_, gan.n_channels_) == (1, 1)


def test_one_dimensional_array_is_one_univariate_series():
    """A 1-D array is one series (as a pandas Series), not n one-point series."""
    x = _sines(n_series=1, n_channels=1, n_timepoints=120)[0, 0]
    gan = PSAGANGenerator(window_length=16, random_state=0, **TINY).fit(x)
    assert (gan.n_series_, gan.n_channels_) == (1, 1)
    assert gan.n_windows_ == 120 - 16 + 1
    assert gan.sample(3, random_state=0).shape == (3, 16)


def test_time_steps_as_rows_of_an_array_give_a_clear_error():
    """ETTh1's (time, channels) array is read as series of 7 points: say so."""
    X = np.random.RandomState(0).normal(size=(2000, 7))
    with pytest.raises(ValueError, match=r"whole series.*X\.T"):
        PSAGANGenerator(**TINY).fit(X)
    with pytest.raises(ValueError, match="window_length=24 exceeds the 7 timepoints"):
        PSAGANGenerator(window_length=24, **TINY).fit(X)
    gan = PSAGANGenerator(window_length=24, stride=50, **TINY).fit(X.T[None])
    assert (gan.n_series_, gan.n_channels_) == (1, 7)


def test_ragged_list_of_series_gives_a_clear_error():
    ragged = [np.zeros(40), np.zeros(30), np.zeros(40)]
    with pytest.raises(ValueError, match="unequal lengths.*30"):
        PSAGANGenerator(window_length=16, **TINY).fit(ragged)
    # Equal lengths in a list are a panel.
    gan = PSAGANGenerator(window_length=16, **TINY).fit([np.ones(40)] * 3)
    assert gan.n_series_ == 3


def test_divergence_raises_naming_lr():
    from sklearn_iclr._torch import NonFiniteLossError

    with pytest.raises(NonFiniteLossError, match="lr=1000000.0"):
        PSAGANGenerator(window_length=16, lr=1e6, random_state=0, **TINY).fit(
            _sines(n_timepoints=64)
        )


def test_sktime_panel_layout_round_trips():
    from sktime.datatypes import check_is_mtype, convert_to

    X = _sines(n_series=4, n_channels=2, n_timepoints=16)
    panel = convert_to(X, to_type="pd-multiindex")
    gan = PSAGANGenerator(random_state=0, **TINY).fit(panel)
    out = gan.sample(3, random_state=0)
    assert check_is_mtype(out, "pd-multiindex")
    assert convert_to(out, to_type="numpy3D").shape == (3, 2, 16)


def test_conditional_generator_continues_contexts():
    X = _sines(n_series=4, n_timepoints=64)
    gan = PSAGANGenerator(window_length=16, context_length=8, random_state=0, **TINY)
    gan.fit(X)
    out = gan.sample(2, context=X[:3, :, :8], random_state=0)
    assert out.shape == (6, 1, 16)
    with pytest.raises(ValueError, match="context="):
        gan.sample(2)
    with pytest.raises(ValueError, match="context must have shape"):
        gan.sample(2, context=X[:3, :, :5])
    uncond = PSAGANGenerator(window_length=16, random_state=0, **TINY).fit(X)
    with pytest.raises(ValueError, match="only for generators"):
        uncond.sample(2, context=X[:3, :, :8])
    with pytest.raises(ValueError, match="context is empty"):
        gan.sample(2, context=np.empty((0, 1, 8)))


@pytest.mark.parametrize(
    "params",
    [
        {"self_attention": False},
        {"moment_loss": 0.0},
        {"progressive": False},
        {"fade_in": False},
        {"gan_loss": "hinge"},
        {"gan_loss": "wgan"},
        {"scaling": "window"},
        {"scaling": "none"},
        {"embedding_dim": 0},
        {"seasonal_periods": (6,)},
        {"seasonal_periods": [6, 24.5], "scaling": "window"},
    ],
)
def test_ablations_and_options_train(params):
    X = _sines(n_series=3, n_timepoints=48)
    gan = PSAGANGenerator(window_length=32, random_state=0, **{**TINY, **params})
    out = gan.fit(X).sample(4, random_state=0)
    assert out.shape == (4, 1, 32) and np.isfinite(out).all()
    if params == {"self_attention": False}:
        names = [n for n, _ in gan.generator_.named_parameters()]
        assert not any("gamma" in n for n in names)


def test_progressive_growing_schedule():
    X = _sines(n_series=4, n_timepoints=40)
    gan = PSAGANGenerator(
        window_length=32, max_epochs=6, batch_size=8, hidden=4, random_state=0
    ).fit(X)
    history = gan.net_.history
    lengths = [b["length"] for h in history for b in h["batches"]]
    assert lengths[0] == 8 and lengths[-1] == 32 and lengths == sorted(lengths)
    # The growing stages together take the first sixth of the batches.
    growing = sum(length < 32 for length in lengths)
    assert growing == pytest.approx(len(lengths) / 6, abs=1)
    alphas = [b["alpha"] for h in history for b in h["batches"]]
    assert min(alphas) < 0.5  # new blocks are faded in
    flat = PSAGANGenerator(
        window_length=32, progressive=False, max_epochs=2, hidden=4, random_state=0
    ).fit(X)
    assert {h["length"] for h in flat.net_.history} == {32}


def test_self_attention_gamma_starts_at_zero_and_learns():
    X = _sines(n_series=4, n_timepoints=40)
    gan = PSAGANGenerator(
        window_length=16, max_epochs=3, batch_size=8, hidden=4, random_state=0
    ).fit(X)
    gammas = [p.item() for n, p in gan.generator_.named_parameters() if "gamma" in n]
    assert gammas and any(g != 0.0 for g in gammas)


def test_window_scaling_uses_the_steps_that_sample_keeps():
    """A window of 12 is generated at 16 and its middle 12 steps are kept."""
    X = _sines(n_series=2, n_timepoints=40)
    gan = PSAGANGenerator(window_length=12, scaling="window", **TINY).fit(X)
    assert gan.length_strategy_ == "crop"
    starts = np.arange(0, 40 - 16 + 1)
    kept = np.stack([X[s, :, t + 2 : t + 14] for s in range(2) for t in starts])
    np.testing.assert_allclose(gan._scaling.lo_, kept.min(axis=2))
    np.testing.assert_allclose(gan._scaling.range_, np.ptp(kept, axis=2))


def test_seasonal_channels_give_the_phase_at_every_step():
    from sklearn_iclr._torch import torch
    from sklearn_iclr.timeseries._psa_gan_net import seasonal_channels

    phase = torch.tensor([[0.0, 0.25], [0.5, 0.1]])
    periods, step = (16.0, 5.0), 2.0
    full = seasonal_channels(phase, periods, step, 32, 32).numpy()
    assert full.shape == (2, 4, 32)
    j = np.arange(32)
    for k, period in enumerate(periods):
        angle = 2 * np.pi * (phase[:, k, None].numpy() + j * step / period)
        np.testing.assert_allclose(full[:, k], np.sin(angle), atol=1e-5)
        np.testing.assert_allclose(full[:, 2 + k], np.cos(angle), atol=1e-5)
    # At half the length a step stands for two model steps: their centre.
    half = seasonal_channels(phase, periods, step, 16, 32).numpy()
    centres = 2 * np.arange(16) + 0.5
    angle = 2 * np.pi * (phase[:, 0, None].numpy() + centres * step / 16)
    np.testing.assert_allclose(half[:, 0], np.sin(angle), atol=1e-5)


def test_seasonal_periods_sample_the_phase_and_series_of_a_training_window(
    monkeypatch,
):
    from sklearn_iclr._torch import torch

    X = _sines(n_series=3, n_timepoints=48)
    gan = PSAGANGenerator(
        window_length=16, stride=3, seasonal_periods=(12, 7), **TINY
    ).fit(X)
    generator = gan.generator_
    assert generator.cond == 1 + gan.embedding_dim + 4
    assert gan.net_.module_.discriminator.inputs[0].in_channels == 2 + 4
    starts = np.tile(np.arange(0, 48 - 16 + 1, 3), 3)
    series = np.repeat([0, 1, 2], len(starts) // 3)
    np.testing.assert_array_equal(gan._conditions.series, series)
    # The phase changes the generated window for the same noise.
    noise = torch.randn(2, generator.noise_channels, 8)
    zeros = torch.zeros(2, dtype=torch.long)
    with torch.no_grad():
        shapes = [
            generator(noise, series=zeros, phase=torch.full((2, 2), v))
            for v in (0.0, 0.5)
        ]
    assert not torch.allclose(*shapes)
    # Each sample gets the phase and the series of one training window.
    seen = []
    forward = generator.forward
    monkeypatch.setattr(
        generator, "forward", lambda *a, **kw: seen.append(kw) or forward(*a, **kw)
    )
    gan.sample(30, random_state=0)
    phases = np.mod(starts[:, None] / [12, 7], 1.0)
    for s, p in zip(seen[0]["series"].numpy(), seen[0]["phase"].numpy(), strict=True):
        rows = np.flatnonzero(np.all(np.isclose(phases, p), axis=1))
        assert len(rows) and s in series[rows]


def test_seasonal_periods_generate_windows_at_the_drawn_phase(monkeypatch):
    """Trained on a cycle of period 16, samples follow the phase they are given."""
    rng = np.random.RandomState(0)
    t = np.arange(200)
    X = np.sin(2 * np.pi * t / 16) + 0.05 * rng.normal(size=(2, 200))
    gan = PSAGANGenerator(
        window_length=16,
        seasonal_periods=(16,),
        max_epochs=30,
        hidden=8,
        batch_size=32,
        random_state=0,
    ).fit(X)
    seen = []
    forward = gan.generator_.forward
    monkeypatch.setattr(
        gan.generator_,
        "forward",
        lambda *a, **kw: seen.append(kw) or forward(*a, **kw),
    )
    out = gan.sample(200, random_state=1)
    phase = seen[0]["phase"].numpy()[:, 0]
    assert len(np.unique(np.round(phase * 16))) == 16  # every phase drawn
    expected = np.sin(2 * np.pi * (phase[:, None] + np.arange(16) / 16))
    corr = [np.corrcoef(o, e)[0, 1] for o, e in zip(out, expected, strict=True)]
    assert np.mean(corr) > 0.8


def test_seasonal_periods_reject_bad_values_and_psagan_c():
    for periods in ([], [0.0], [24, -1], [[24]], [np.inf]):
        with pytest.raises(ValueError, match="seasonal_periods must be"):
            PSAGANGenerator(window_length=8, seasonal_periods=periods, **TINY).fit(
                _sines()
            )
    with pytest.raises(ValueError, match="not available for PSA-GAN-C"):
        PSAGANGenerator(
            window_length=8, context_length=4, seasonal_periods=(24,), **TINY
        ).fit(_sines())


def test_pickle_round_trip_samples_the_same():
    gan = PSAGANGenerator(window_length=12, random_state=0, **TINY).fit(_sines())
    clone = pickle.loads(pickle.dumps(gan))
    np.testing.assert_array_equal(
        gan.sample(3, random_state=0), clone.sample(3, random_state=0)
    )


def test_sample_rejects_bad_n_samples():
    gan = PSAGANGenerator(window_length=12, random_state=0, **TINY).fit(_sines())
    with pytest.raises(ValueError, match="n_samples"):
        gan.sample(0)


def test_verbose_labels_the_networks_and_stages(capsys):
    gan = PSAGANGenerator(window_length=12, random_state=0, verbose=1, **TINY)
    gan.fit(_sines())
    out = capsys.readouterr().out
    assert "training the generator and the discriminator" in out
    assert "growing 8 -> 16 during the first" in out
    assert "train_d_loss" in out and "length" in out
    assert "Re-initializing" not in out
    gan.sample(3000)
    err = capsys.readouterr().err
    assert "PSAGANGenerator: sampling 3000 windows" in err and "3/3" in err


def test_grid_search_with_a_metric_scorer_and_pipeline():
    X = _sines(n_series=30, n_timepoints=16)[:, 0, :]
    scorer = make_generator_scorer("discriminative_score", iterations=20, hidden=4)
    search = GridSearchCV(
        PSAGANGenerator(random_state=0, **TINY),
        {"moment_loss": [0.0, 1.0]},
        scoring=scorer,
        cv=2,
    ).fit(X)
    assert search.best_params_["moment_loss"] in (0.0, 1.0)
    assert np.all(search.cv_results_["mean_test_score"] <= 0)
    pipe = make_pipeline(
        FunctionTransformer(np.log), PSAGANGenerator(random_state=0, **TINY)
    )
    search = GridSearchCV(
        pipe, {"psagangenerator__moment_loss": [0.0, 1.0]}, scoring=scorer, cv=2
    ).fit(X)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


def test_scorer_rejects_windows_of_another_length():
    X = _sines(n_series=12, n_timepoints=16)[:, 0, :]
    gan = PSAGANGenerator(window_length=8, random_state=0, **TINY).fit(X)
    scorer = make_generator_scorer("discriminative_score", iterations=20, hidden=4)
    with pytest.raises(ValueError, match="window length"):
        scorer(gan, X)
    assert scorer(gan, X[:, :8]) <= 0
