"""benchmarks/shapley_trajectory.py declares valid presets for the harness."""

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture
def script(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import shapley_trajectory

    yield shapley_trajectory
    sys.modules.pop("shapley_trajectory", None)


def test_presets_are_valid(script):
    from _harness import check_presets, resolve

    check_presets(script.PRESETS, script.TABLES)
    assert set(script.TABLES) == {
        "shapley_eth_ucy",
        "shapley_attribution",
        "shapley_speed",
    }
    for name in script.PRESETS:
        config = resolve(script.PRESETS, name)
        assert set(config["scenes"]) <= set(script.SCENES)
