"""Every gallery example runs (with fast settings) as a smoke test."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").rglob("plot_*.py"))


def _psa_gan_beats_its_references(out):
    """Even in the fast setting, PSA-GAN is ahead of noise and shuffled days."""
    scores = {}
    for line in out.splitlines():
        if ": Context-FID" in line:
            name, rest = line.split(": Context-FID")
            scores[name.strip()] = [float(v) for v in rest.split()[::2]]
    assert set(scores) == {"PSA-GAN", "Gaussian noise", "shuffled real"}, out
    for reference in ("Gaussian noise", "shuffled real"):
        for ours, theirs in zip(scores["PSA-GAN"], scores[reference]):
            assert ours < theirs, (reference, scores)


def _deep_autoaugment_beats_its_references(out):
    """The learned policy is ahead of no augmentation and TrivialAugment."""
    accuracy = {
        line.split(" test accuracy ")[0].strip(): float(line.split()[-1][:-1])
        for line in out.splitlines()
        if " test accuracy " in line
    }
    assert accuracy["DeepAutoAugment"] > accuracy["TrivialAugment"], accuracy
    assert accuracy["DeepAutoAugment"] > accuracy["no augmentation"], accuracy


def _grda_beats_source_only(out):
    """GRDA is ahead of the source-only model on TPT-48 and on DG-15."""
    mse = {
        line.split(" MSE ")[0].strip(): float(line.split()[-1])
        for line in out.splitlines()
        if " MSE on the southern states " in line
    }
    assert mse["GRDA"] < mse["source-only"], mse
    accuracy = {
        line.split()[1]: float(line.split()[-1][:-1])
        for line in out.splitlines()
        if line.startswith("DG-15 ")
    }
    assert accuracy["GRDA"] > accuracy["source-only"], accuracy


# What an example must show, beyond running.
OUTPUT_CHECKS = {
    "plot_psa_gan.py": _psa_gan_beats_its_references,
    "plot_deep_autoaugment.py": _deep_autoaugment_beats_its_references,
    "plot_grda.py": _grda_beats_source_only,
}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(path, tmp_path):
    env = {**os.environ, "SKLEARN_ICLR_FAST": "1", "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, str(path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    if path.name in OUTPUT_CHECKS:
        OUTPUT_CHECKS[path.name](result.stdout)
