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


def _write_part(results, name, config, rows):
    import json

    payload = {"config": config, "figures": {"rows": rows, "summary": []}}
    (results / f"{name}.json").write_text(json.dumps(payload))


def test_pooled_merge_summarises_seeds_of_one_protocol(bench, tmp_path, monkeypatch):
    import json

    harness = sys.modules["_harness"]
    monkeypatch.setattr(harness, "RESULTS", tmp_path)
    monkeypatch.setattr(harness, "REPO", tmp_path)
    reference = {
        "dataset": "d",
        "window": 8,
        "model": "real data",
        "seed": "-",
        "context_fid_held_out": 1.0,
    }
    config = {
        "epochs": 5,
        "windows": [8],
        "seeds": 1,
        "first_seed": 0,
        "models": ["psagan"],
    }
    for seed, fid in [(0, 0.1), (1, 0.3)]:
        _write_part(
            tmp_path,
            f"part{seed}",
            {**config, "first_seed": seed},
            [
                reference,
                {
                    "dataset": "d",
                    "window": 8,
                    "model": "psagan",
                    "seed": seed,
                    "context_fid": fid,
                },
            ],
        )
    bench.merge("pooled", ["part0", "part1"], pool=True)
    pooled = json.loads((tmp_path / "pooled.json").read_text())["figures"]
    by_model = {r["model"]: r for r in pooled["pooled_summary"]}
    assert by_model["psagan"]["n_seeds"] == 2
    assert by_model["psagan"]["context_fid"] == pytest.approx(0.2)
    assert by_model["psagan"]["context_fid_std"] == pytest.approx(0.1)
    assert by_model["real data"]["n_seeds"] == 1  # not counted once per part
    assert (tmp_path / "pooled_context_fid.png").exists()

    _write_part(tmp_path, "other", {**config, "epochs": 9}, [reference])
    with pytest.raises(SystemExit, match="epochs"):
        bench.merge("bad", ["part0", "other"], pool=True)
    bench.merge("unpooled", ["part0", "other"])  # a plain merge still works
    assert (
        "pooled_summary"
        not in json.loads((tmp_path / "unpooled.json").read_text())["figures"]
    )
