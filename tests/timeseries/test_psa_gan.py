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


def test_dataframe_layout_one_column_per_series():
    X = _sines(n_series=5)[:, 0, :]
    frame = pd.DataFrame(X.T, columns=[f"store_{i}" for i in range(5)])
    gan = PSAGANGenerator(window_length=16, random_state=0, **TINY).fit(frame)
    out = gan.sample(3, random_state=0)
    assert isinstance(out, pd.DataFrame) and out.shape == (16, 3)
    assert list(gan.feature_names_in_) == list(frame.columns)
    assert gan.n_series_ == 5


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
        {"block_noise": True},
        {"scaling": "window", "condition_on_scale": True},
        {"seasonal_periods": (6,)},
        {"seasonal_periods": [6, 24.5], "scaling": "window"},
        {"seasonal_periods": (6,), "scaling": "window", "condition_on_scale": True},
        {"checkpoint_every": 1},
    ],
)
def test_ablations_and_options_train(params):
    X = _sines(n_series=3, n_timepoints=48)
    gan = PSAGANGenerator(window_length=32, random_state=0, **{**TINY, **params})
    out = gan.fit(X).sample(4, random_state=0)
    assert out.shape == (4, 1, 32) and np.isfinite(out).all()
    if "checkpoint_every" in params:  # one epoch, not at full length: scored
        assert gan.best_epoch_ == 1 and list(gan.checkpoint_scores_) == [1]
    if params == {"self_attention": False}:
        names = [n for n, _ in gan.generator_.named_parameters()]
        assert not any("gamma" in n for n in names)


def test_progressive_growing_schedule():
    X = _sines(n_series=4, n_timepoints=40)
    gan = PSAGANGenerator(
        window_length=32, max_epochs=6, batch_size=8, hidden=4, random_state=0
    ).fit(X)
    history = gan.net_.history
    depths = [h["depth"] for h in history]
    assert depths[0] == 0 and depths[-1] == 2 and depths == sorted(depths)
    alphas = [b["alpha"] for h in history for b in h["batches"]]
    assert min(alphas) < 0.5  # new blocks are faded in
    flat = PSAGANGenerator(
        window_length=32, progressive=False, max_epochs=2, hidden=4, random_state=0
    ).fit(X)
    assert {h["depth"] for h in flat.net_.history} == {2}


@pytest.mark.parametrize(
    "growth_epochs, expected",
    [(1, [0, 1, 2, 2, 2, 2]), (100, [0, 0, 1, 1, 2, 2])],  # 100: capped at 6/3
)
def test_growth_epochs_sets_the_stage_length(growth_epochs, expected):
    X = _sines(n_series=4, n_timepoints=40)
    gan = PSAGANGenerator(
        window_length=32,
        max_epochs=6,
        growth_epochs=growth_epochs,
        batch_size=8,
        hidden=4,
        random_state=0,
    ).fit(X)
    assert [h["depth"] for h in gan.net_.history] == expected


def test_self_attention_gamma_starts_at_zero_and_learns():
    X = _sines(n_series=4, n_timepoints=40)
    gan = PSAGANGenerator(
        window_length=16, max_epochs=3, batch_size=8, hidden=4, random_state=0
    ).fit(X)
    gammas = [p.item() for n, p in gan.generator_.named_parameters() if "gamma" in n]
    assert gammas and any(g != 0.0 for g in gammas)


def test_block_noise_draws_fresh_noise_at_every_length():
    """With block_noise, equal length-8 noise no longer fixes the window."""
    from sklearn_iclr._torch import torch

    X = _sines(n_series=4, n_timepoints=40)
    outputs = {}
    for block_noise in (False, True):
        gan = PSAGANGenerator(
            window_length=32, block_noise=block_noise, random_state=0, **TINY
        ).fit(X)
        generator = gan.generator_
        noise = torch.randn(3, generator.noise_channels, 8)
        series = torch.zeros(3, dtype=torch.long)
        with torch.no_grad():
            outputs[block_noise] = [
                generator(noise, series=series).numpy() for _ in range(2)
            ]
        inputs = {block.conv.in_channels for block in generator.blocks}
        extra = TINY["noise_channels"] if block_noise else 0
        assert inputs == {TINY["hidden"] + generator.cond + extra}
    np.testing.assert_array_equal(*outputs[False])
    assert not np.allclose(*outputs[True])


def test_window_scaling_uses_the_steps_that_sample_keeps():
    """A window of 12 is generated at 16 and its middle 12 steps are kept."""
    X = _sines(n_series=2, n_timepoints=40)
    gan = PSAGANGenerator(window_length=12, scaling="window", **TINY).fit(X)
    assert gan.length_strategy_ == "crop"
    kept = np.stack(
        [
            X[s, :, t + 2 : t + 14]
            for s, t in zip(gan.window_series_, gan.window_starts_)
        ]
    )
    np.testing.assert_allclose(gan.scale_min_, kept.min(axis=2))
    np.testing.assert_allclose(gan.scale_range_, np.ptp(kept, axis=2))


def test_condition_on_scale_draws_series_and_scale_of_one_training_window(
    monkeypatch,
):
    """Each sampled window is generated for, and rescaled by, one training window."""
    from sklearn_iclr._torch import torch

    levels = np.array([1.0, 10.0, 100.0])[:, None, None]
    X = _sines(n_series=3, n_timepoints=48) * levels
    gan = PSAGANGenerator(
        window_length=16, scaling="window", condition_on_scale=True, **TINY
    ).fit(X)
    generator = gan.generator_
    scale_channels = 2 * gan.n_channels_
    assert generator.cond == 1 + gan.embedding_dim + scale_channels
    assert generator.blocks[0].conv.in_channels == TINY["hidden"] + generator.cond
    assert gan.net_.module_.discriminator.inputs[0].in_channels == 2 + scale_channels
    # Windows are cut from series in order: rows of the scales follow them.
    counts = np.bincount(gan.scale_series_, minlength=3)
    np.testing.assert_allclose(counts / counts.sum(), gan.series_weights_)
    assert np.all(np.diff(gan.scale_series_) >= 0)

    # The condition changes the generated shape for the same noise.
    noise = torch.randn(2, generator.noise_channels, 8)
    zeros = torch.zeros(2, dtype=torch.long)
    with torch.no_grad():
        shapes = [
            generator(noise, series=zeros, scale=torch.full((2, scale_channels), v))
            for v in (-1.0, 1.0)
        ]
    assert not torch.allclose(*shapes)

    # Constant output 0.5 in the scaled space: a sample is lo + 0.5 * range of
    # the window it was drawn for; record the series and condition it got.
    with torch.no_grad():
        gan.generator_.outputs[-1].weight.zero_()
        gan.generator_.outputs[-1].bias.fill_(0.5)
    seen = []
    forward = generator.forward
    monkeypatch.setattr(
        generator, "forward", lambda *a, **kw: seen.append(kw) or forward(*a, **kw)
    )
    out = gan.sample(40, random_state=0)[:, 0, 0]
    series = seen[0]["series"].numpy()
    code = seen[0]["scale"].numpy()
    features = gan._scale_features(np.arange(len(gan.scale_min_)))
    for value, s, c in zip(out, series, code, strict=True):
        row = np.flatnonzero(np.all(np.isclose(features, c), axis=1))
        assert len(row) and gan.scale_series_[row[0]] == s
        lo, rng = gan.scale_min_[row[0], 0], gan.scale_range_[row[0], 0]
        assert np.isclose(value, lo + 0.5 * rng)


def test_condition_on_scale_needs_window_scaling():
    for params in ({"scaling": "series"}, {"scaling": "window", "context_length": 4}):
        gan = PSAGANGenerator(window_length=8, condition_on_scale=True, **params)
        with pytest.raises(ValueError, match="condition_on_scale=True needs"):
            gan.fit(_sines())


def test_seasonal_channels_give_the_phase_at_every_step():
    from sklearn_iclr._torch import torch
    from sklearn_iclr.timeseries._modules import seasonal_channels

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
    starts = np.arange(0, 48 - 16 + 1, 3)
    np.testing.assert_array_equal(gan.window_starts_, np.tile(starts, 3))
    np.testing.assert_array_equal(gan.window_series_, np.repeat([0, 1, 2], len(starts)))
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
    phases = gan._window_phase(np.arange(gan.n_windows_))
    for s, p in zip(seen[0]["series"].numpy(), seen[0]["phase"].numpy(), strict=True):
        rows = np.flatnonzero(np.all(np.isclose(phases, p), axis=1))
        assert len(rows) and s in gan.window_series_[rows]
        starts_seen = gan.window_starts_[rows]
        np.testing.assert_allclose(np.mod(starts_seen[0], [12, 7]) / [12, 7], p)


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


def test_checkpoint_every_keeps_the_networks_of_the_lowest_context_fid_epoch():
    X = _sines(n_series=4, n_timepoints=40)
    # growth_epochs=1: full length (alpha 1) from epoch 2 whatever max_epochs is,
    # so a shorter fit follows exactly the same schedule.
    params = dict(
        window_length=16, growth_epochs=1, batch_size=8, hidden=4, random_state=0
    )
    gan = PSAGANGenerator(max_epochs=8, checkpoint_every=1, **params).fit(X)
    scores = gan.checkpoint_scores_
    assert sorted(scores) == [2, 3, 4, 5, 6, 7, 8]
    assert gan.best_epoch_ == min(scores, key=scores.get)
    assert gan.best_epoch_ < 8  # else the restore below would test nothing
    history = gan.net_.history
    assert np.isnan(history[0, "context_fid"])  # depth 0: not scored
    assert history[gan.best_epoch_ - 1, "context_fid"] == scores[gan.best_epoch_]
    # The kept networks are those of the best epoch: a fit stopped there gives
    # the same samples (scoring leaves the training's random stream alone) and
    # the last epoch's networks do not.
    stopped = PSAGANGenerator(max_epochs=gan.best_epoch_, **params).fit(X)
    last = PSAGANGenerator(max_epochs=8, **params).fit(X)
    np.testing.assert_array_equal(
        gan.sample(5, random_state=0), stopped.sample(5, random_state=0)
    )
    assert not np.array_equal(
        gan.sample(5, random_state=0), last.sample(5, random_state=0)
    )
    # Every third epoch at full length, and the last one.
    sparse = PSAGANGenerator(max_epochs=8, checkpoint_every=3, **params).fit(X)
    assert sorted(sparse.checkpoint_scores_) == [3, 6, 8]
    clone = pickle.loads(pickle.dumps(sparse))
    np.testing.assert_array_equal(
        sparse.sample(3, random_state=0), clone.sample(3, random_state=0)
    )


def test_checkpoint_every_scores_continuations_for_psagan_c():
    X = _sines(n_series=3, n_timepoints=48)
    gan = PSAGANGenerator(
        window_length=16,
        context_length=8,
        checkpoint_every=1,
        random_state=0,
        **{**TINY, "max_epochs": 3},
    ).fit(X)
    assert gan.checkpoint_scores_ and gan.best_epoch_ in gan.checkpoint_scores_
    assert all(np.isfinite(v) for v in gan.checkpoint_scores_.values())


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


def test_verbose_prints_losses(capsys):
    PSAGANGenerator(window_length=12, random_state=0, verbose=1, **TINY).fit(_sines())
    out = capsys.readouterr()
    assert "train_d_loss" in out.out


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
