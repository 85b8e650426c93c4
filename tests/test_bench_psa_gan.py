"""The PSA-GAN benchmark's reference rows are made of real windows as documented."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def bench(monkeypatch):
    # psa_gan.py imports its sibling _harness as a top-level module.
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(
        "_bench_psa_gan", BENCHMARKS / "psa_gan.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("_harness", None)


@pytest.fixture
def panel():
    rng = np.random.RandomState(0)
    return np.cumsum(rng.normal(size=(3, 1, 200)), axis=2)


def _keys(windows):
    return {w.tobytes() for w in windows}


def _scales(windows):
    return np.round(np.stack([windows.min(axis=2), windows.max(axis=2)], 1), 10)


def test_real_bootstrap_draws_training_windows(bench, panel):
    sampler = bench.make_generator("real_bootstrap", 16, {}, 0, 0, 8).fit(panel)
    train = bench.sliding(panel, 16, 8)
    fake = sampler.sample(50, random_state=1)
    assert fake.shape == (50, 1, 16)
    assert _keys(fake) <= _keys(train)
    np.testing.assert_array_equal(fake, sampler.sample(50, random_state=1))


def test_real_shuffled_scale_pairs_real_shapes_with_real_scales(bench, panel):
    sampler = bench.make_generator("real_shuffled_scale", 16, {}, 0, 0, 8).fit(panel)
    train = bench.sliding(panel, 16, 8)
    fake = sampler.sample(200, random_state=1)
    assert fake.shape == (200, 1, 16)
    # Each window has a training window's shape ...
    shapes = _keys(np.round(bench._minmax(train, axis=2), 10))
    assert _keys(np.round(bench._minmax(fake, axis=2), 10)) <= shapes
    # ... and a training window's min and max, mostly not its own.
    assert _keys(_scales(fake)) <= _keys(_scales(train))
    assert _keys(fake) - _keys(train)


def test_presets_are_valid_and_every_table_runs_from_them(bench):
    harness = sys.modules["_harness"]
    harness.check_presets(bench.PRESETS, bench.TABLES)
    assert set(bench.TABLES) == {
        "psa_gan_stock",
        "psa_gan_context_fid",
        "psa_gan_overhead",
        "psa_gan_defaults",
    }
    for config in bench.PRESETS.values():
        for model in config["stock_models"] + config["fid_models"]:
            assert model in bench.ABLATIONS or model in ("var", "autoreg")


def test_ablation_rows_build_the_paper_ablations(bench):
    config = bench.PRESETS["quick"]
    gan = bench.make_generator("no_self_attention", 16, config, 0, 3, 4)
    assert (gan.self_attention, gan.max_epochs, gan.stride) == (False, 3, 4)
    assert (
        bench.make_generator("no_progressive", 16, config, 0, 3, 4).progressive is False
    )


def test_autoreg_sampler_continues_real_series(bench, panel):
    sampler = bench.make_generator("autoreg", 16, {}, 0, 0, 8).fit(panel)
    fake = sampler.sample(20, random_state=1)
    assert fake.shape == (20, 1, 16) and np.isfinite(fake).all()


def test_context_fid_seeds_in_parallel_give_the_same_rows(bench, shared_data):
    """The Context-FID table's seeds as two joblib tasks: the same rows."""
    harness = sys.modules["_harness"]
    config = {
        **bench.PRESETS["quick"],
        "seeds": [0, 1],
        "fid_datasets": ["exchange"],
        "fid_models": ["psagan", "autoreg"],
        "fid_epochs": 1,
        "encoder_epochs": 1,
        "max_series_len": 400,
        "fid_stride": 16,
        "hidden": 8,
    }
    tables = {}
    for n_jobs in (1, 2):
        with harness.seed_jobs(n_jobs):
            tables[n_jobs] = bench.context_fid_table(config)

    def scores(table):  # fit_s is a wall time, the rest must be equal
        return [{k: v for k, v in r.items() if k != "fit_s"} for r in table.rows]

    assert scores(tables[2]) == scores(tables[1])
    assert [(r["model"], r["seed"]) for r in tables[2].rows] == [
        ("real data", 0),
        ("psagan", 0),
        ("autoreg", 0),
        ("psagan", 1),
        ("autoreg", 1),
    ]
