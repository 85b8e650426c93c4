"""The benchmark harness: presets, provenance, canonical results, parts."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
SCRIPTS = sorted(p for p in BENCHMARKS.glob("*.py") if not p.name.startswith("_"))


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def harness(tmp_path, monkeypatch):
    module = _load(BENCHMARKS / "_harness.py", "_bench_harness_under_test")
    monkeypatch.setattr(module, "RESULTS", tmp_path / "results")
    monkeypatch.setattr(module, "RUNS", tmp_path / "runs")
    monkeypatch.setattr(module, "SCRIPT", "demo")
    monkeypatch.setattr(module, "git_state", lambda: ("0" * 40, False))
    return module


PRESETS = {
    "quick": {"seeds": [0, 1], "scale": 1.0, "description": "two seeds"},
    "paper": {"seeds": [0, 1, 2], "scale": 2.0},
}


def _tables(harness):
    def accuracy(config):
        rows = [
            {"model": model, "seed": seed, "accuracy": config["scale"] * (seed + k)}
            for seed in config["seeds"]
            for k, model in enumerate(("ours", "baseline"))
        ]
        return harness.Table(
            rows,
            by=("model",),
            metrics=("accuracy",),
            paper=[{"model": "ours", "accuracy": 1.5}],
            title="Accuracy",
        )

    return {"demo_accuracy": accuracy}


def test_summary_is_mean_std_per_setting(harness):
    table = _tables(harness)["demo_accuracy"](PRESETS["paper"])
    summary = {s["model"]: s["accuracy"] for s in table.summary()}
    assert summary["ours"] == {"mean": 2.0, "std": 2.0, "n": 3}
    assert summary["baseline"]["mean"] == 4.0


@pytest.mark.parametrize(
    "presets, message",
    [
        ({"quick": {"seeds": [0]}}, "'paper'"),
        ({"quick": {"seeds": []}, "paper": {"seeds": [0]}}, "non-empty"),
        ({"quick": {"seeds": [0, 0]}, "paper": {"seeds": [0]}}, "distinct"),
        ({"quick": {"seeds": [0], "a": 1}, "paper": {"seeds": [0]}}, "different keys"),
        (
            {"quick": {"seeds": [0], "tables": ["nope"]}, "paper": {"seeds": [0]}},
            "unknown tables",
        ),
    ],
)
def test_check_presets_rejects_invalid_presets(harness, presets, message):
    with pytest.raises(ValueError, match=message):
        harness.check_presets(presets, {"demo_accuracy": None})


def test_main_writes_canonical_result_with_provenance(harness):
    assert harness.main("Demo.", PRESETS, _tables(harness), ["--preset", "quick"]) == 0
    path = harness.RESULTS / "quick" / "demo_accuracy.json"
    payload = json.loads(path.read_text())
    assert payload["preset"] == "quick"
    assert payload["config"] == PRESETS["quick"]
    assert payload["provenance"]["argv"][1:] == ["--preset", "quick"]
    assert payload["provenance"]["git_revision"] == "0" * 40
    assert payload["provenance"]["git_dirty"] is False
    assert "scikit-learn" in payload["provenance"]["machine"]["versions"]
    assert len(payload["rows"]) == 4
    assert payload["paper"] == [{"model": "ours", "accuracy": 1.5}]
    assert (harness.RESULTS / "quick" / "demo_accuracy.png").exists()
    # a preset writes into its own folder only
    assert not (harness.RESULTS / "paper").exists()


def test_main_refuses_to_write_results_from_a_dirty_tree(harness, monkeypatch):
    monkeypatch.setattr(harness, "git_state", lambda: ("0" * 40, True))
    with pytest.raises(SystemExit, match="uncommitted changes"):
        harness.main("Demo.", PRESETS, _tables(harness), ["--preset", "quick"])
    assert not harness.RESULTS.exists()
    out = harness.RUNS / "try"
    harness.main("Demo.", PRESETS, _tables(harness), ["--out", str(out)])
    payload = json.loads((out / "demo_accuracy.json").read_text())
    assert payload["provenance"]["git_dirty"] is True


def test_overrides_are_never_canonical(harness):
    with pytest.raises(SystemExit, match="not canonical"):
        harness.main("Demo.", PRESETS, _tables(harness), ["--set", "scale=3"])
    with pytest.raises(ValueError, match="no such key"):
        harness.resolve(PRESETS, "quick", {"nope": 1})
    out = harness.RUNS / "x"
    harness.main(
        "Demo.", PRESETS, _tables(harness), ["--set", "scale=3", "--out", str(out)]
    )
    payload = json.loads((out / "demo_accuracy.json").read_text())
    assert payload["config"]["scale"] == 3


def test_parts_merge_once_they_cover_the_preset_seeds(harness):
    tables = _tables(harness)
    canonical = harness.RESULTS / "paper" / "demo_accuracy.json"
    harness.main("Demo.", PRESETS, tables, ["--preset", "paper", "--seeds", "0", "1"])
    assert not canonical.exists()
    assert (
        harness.RESULTS / "paper" / "parts" / "demo_accuracy.seeds-0-1.json"
    ).exists()
    harness.main("Demo.", PRESETS, tables, ["--preset", "paper", "--seeds", "2"])
    merged = json.loads(canonical.read_text())
    whole = tables["demo_accuracy"](PRESETS["paper"])
    assert merged["summary"] == whole.summary()
    assert [p["seeds"] for p in merged["provenance"]["parts"]] == [[0, 1], [2]]
    assert merged["config"] == PRESETS["paper"]
    # the canonical file now holds the parts: their files are gone
    assert not (harness.RESULTS / "paper" / "parts").exists()


def test_rerunning_one_seed_of_a_merged_table_reuses_the_others(harness):
    tables = _tables(harness)
    canonical = harness.RESULTS / "paper" / "demo_accuracy.json"
    harness.main("Demo.", PRESETS, tables, ["--preset", "paper", "--seeds", "0", "1"])
    harness.main("Demo.", PRESETS, tables, ["--preset", "paper", "--seeds", "2"])
    before = json.loads(canonical.read_text())
    harness.main("Demo.", PRESETS, tables, ["--preset", "paper", "--seeds", "1"])
    after = json.loads(canonical.read_text())
    assert [p["seeds"] for p in after["provenance"]["parts"]] == [[0], [1], [2]]
    assert after["summary"] == before["summary"]
    assert sorted(map(json.dumps, after["rows"])) == sorted(
        map(json.dumps, before["rows"])
    )
    # seed 0 keeps the provenance of the run that measured it
    first_after, first_before = (d["provenance"]["parts"][0] for d in (after, before))
    assert first_after["started"] == first_before["started"]
    assert not (harness.RESULTS / "paper" / "parts").exists()


def test_parts_of_another_configuration_are_refused(harness, tmp_path):
    tables = _tables(harness)
    harness.main("Demo.", PRESETS, tables, ["--preset", "paper", "--seeds", "0"])
    changed = {**PRESETS, "paper": {**PRESETS["paper"], "scale": 5.0}}
    with pytest.raises(ValueError, match="another configuration"):
        harness.main("Demo.", changed, tables, ["--preset", "paper", "--seeds", "1"])


def test_git_state_ignores_results_but_not_code(tmp_path, monkeypatch):
    module = _load(BENCHMARKS / "_harness.py", "_bench_harness_git")
    repo = tmp_path / "repo"
    (repo / "benchmarks" / "results").mkdir(parents=True)
    (repo / "code.py").write_text("x = 1\n")

    def git(*args):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init")
    monkeypatch.setattr(module, "REPO", repo)
    revision, dirty = module.git_state()
    assert len(revision) == 40 and not dirty
    (repo / "benchmarks" / "results" / "new.json").write_text("{}")
    assert module.git_state()[1] is False
    (repo / "code.py").write_text("x = 2\n")
    assert module.git_state()[1] is True


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_every_benchmark_script_declares_valid_presets(script, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    module = _load(script, f"_bench_{script.stem}")
    try:
        harness = sys.modules["_harness"]
        assert module.TABLES, "a benchmark defines at least one table"
        harness.check_presets(module.PRESETS, module.TABLES)
        for name in module.PRESETS:
            config = harness.resolve(module.PRESETS, name)
            assert config["seeds"]
    finally:
        sys.modules.pop("_harness", None)


def test_results_page_renders_ours_beside_the_paper(harness, monkeypatch, tmp_path):
    docs_ext = BENCHMARKS.parent / "docs" / "_ext" / "benchmark_results.py"
    page = _load(docs_ext, "_benchmark_results_page")
    harness.main("Demo.", PRESETS, _tables(harness), ["--preset", "quick"])
    doc = json.loads((harness.RESULTS / "quick" / "demo_accuracy.json").read_text())
    text = page.render_table(doc)
    assert "accuracy (paper)" in text
    assert "0.5 ± 0.71 (n=2)" in text  # ours: 0 and 1 over the two seeds
    assert "     - 1.5" in text  # the paper's figure beside it


def _draws(seed):
    """A seed's own random numbers, the thread counts it ran with, its process."""
    import time

    import numpy as np
    import torch
    from threadpoolctl import threadpool_info

    time.sleep(0.2 * (seed % 2 == 0))  # the even seeds finish last
    blas = {info["num_threads"] for info in threadpool_info()}
    draws = np.random.RandomState(seed).normal(size=3).tolist()
    return {"seed": seed, "draws": draws, "torch": torch.get_num_threads()} | {
        "blas": blas,
        "pid": os.getpid(),
    }


def _without_pid(results):
    return [{k: v for k, v in r.items() if k != "pid"} for r in results]


def test_map_seeds_returns_the_same_results_in_seed_order(harness):
    from joblib import parallel_backend

    seeds = [3, 0, 2, 1]
    alone = harness.map_seeds(_draws, seeds, n_jobs=1)
    assert [r["seed"] for r in alone] == seeds
    # one torch thread and one BLAS thread per task, in this process too
    assert all(r["torch"] == 1 and r["blas"] <= {1} for r in alone)
    two = harness.map_seeds(_draws, seeds, n_jobs=2)
    assert _without_pid(two) == _without_pid(alone)
    assert {r["pid"] for r in two} != {r["pid"] for r in alone}  # other processes
    # n_jobs=None: the --n-jobs of main, else what a joblib block says
    with parallel_backend("threading", n_jobs=2):
        threads = harness.map_seeds(_draws, seeds)
    assert [r["seed"] for r in threads] == seeds
    assert [r["draws"] for r in threads] == [r["draws"] for r in alone]


def test_dask_option_runs_the_seeds_on_a_cluster_with_the_same_rows(harness):
    pytest.importorskip("distributed")

    def draws(config):
        per_seed = harness.map_seeds(_draws, config["seeds"])
        rows = [{"model": "draws", **r, "blas": sorted(r["blas"])} for r in per_seed]
        return harness.Table(rows, by=("model",), metrics=("seed",))

    tables = {"demo_accuracy": draws}
    path = harness.RUNS / "demo_accuracy.json"
    argv = ["--out", str(harness.RUNS), "--preset", "paper"]
    harness.main("Demo.", PRESETS, tables, argv)
    here = json.loads(path.read_text())
    harness.main("Demo.", PRESETS, tables, [*argv, "--dask", "local"])
    there = json.loads(path.read_text())
    assert _without_pid(there["rows"]) == _without_pid(here["rows"])
    assert [r["seed"] for r in there["rows"]] == PRESETS["paper"]["seeds"]
    assert {r["pid"] for r in here["rows"]} == {os.getpid()}
    assert os.getpid() not in {r["pid"] for r in there["rows"]}
    assert (here["provenance"]["n_jobs"], there["provenance"]["n_jobs"]) == (1, 2)
    assert there["provenance"]["joblib_backend"] == "DaskDistributed"


def _parallel_tables(harness, seen):
    def accuracy(config):
        seen.append(harness.N_JOBS)
        per_seed = harness.map_seeds(
            lambda seed: [
                {"model": "ours", "seed": seed, "accuracy": float(seed) + 0.5}
            ],
            config["seeds"],
        )
        rows = [row for rows in per_seed for row in rows]
        return harness.Table(rows, by=("model",), metrics=("accuracy",))

    return {"demo_accuracy": accuracy}


def test_n_jobs_is_recorded_and_leaves_the_result_canonical(harness):
    seen = []
    tables = _parallel_tables(harness, seen)
    path = harness.RESULTS / "quick" / "demo_accuracy.json"
    harness.main("Demo.", PRESETS, tables, ["--preset", "quick"])
    alone = json.loads(path.read_text())
    # not refused like --set: the rows do not depend on it
    harness.main("Demo.", PRESETS, tables, ["--preset", "quick", "--n-jobs", "2"])
    two = json.loads(path.read_text())
    assert seen == [None, 2]  # None: joblib's default, one task at a time
    assert harness.N_JOBS is None  # restored after the run
    assert (alone["provenance"]["n_jobs"], two["provenance"]["n_jobs"]) == (1, 2)
    assert two["config"] == alone["config"] == PRESETS["quick"]
    assert two["rows"] == alone["rows"]
    assert two["summary"] == alone["summary"]
    assert two["provenance"]["argv"][1:] == ["--preset", "quick", "--n-jobs", "2"]
    with pytest.raises(SystemExit):
        harness.main("Demo.", PRESETS, tables, ["--n-jobs", "0"])
