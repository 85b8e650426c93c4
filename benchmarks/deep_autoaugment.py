"""Deep AutoAugment (Zheng et al., ICLR 2022) in the low-data regime.

A small CNN (``SmallCNN`` of ``sklearn_iclr.augmentation``)
is trained on a small training set with four augmentation policies over the
same operations: none, ``RandAugment`` (uniform, 2 layers), ``TrivialAugment``
(uniform, 1 layer) and the policy searched by ``DeepAutoAugment`` on the same
training set (its proxy trains on 70 % of it, the rest is the search's clean
validation data). A random half of every training batch is augmented, for
every policy. Test accuracy on held-out data, per seed. The quick preset
searches 3 layers of 120 steps; the paper preset the paper's 6 layers, 200
steps each. Two magnitude levels per operation: a search of 40 steps over
4 levels (47 image options) stayed close to uniform and did worse (the
first committed quick result).

- ``deep_autoaugment_lowdata``: accuracy per data set and policy. Data:
  scikit-learn's digits (8×8 images; a stratified 25 % test split, then 10 %
  or 25 % of the remaining training rows) and sktime's bundled UCR/UEA sets
  with their own train/test splits. The paper's CIFAR/ImageNet figures are
  shown for reference (WRN/ResNet-50, full data), not comparable.
- ``deep_autoaugment_search_time``: seconds of proxy training plus search
  per data set (target: under 10 minutes on 2 CPU cores).

Usage::

    python benchmarks/deep_autoaugment.py --preset quick
    python benchmarks/deep_autoaugment.py --preset paper
"""

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import Table, main  # noqa: E402

_SEARCH = {
    "n_layers": 3,
    "n_magnitudes": 2,
    "proxy_epochs": 30,
    "n_steps_per_layer": 120,
    "n_classes_per_step": 2,
    "n_samples_per_class": 8,
}
PRESETS = {
    "quick": {
        "description": "digits 10 % / 25 %, GunPoint, ItalyPowerDemand; 2 seeds",
        "seeds": [0, 1],
        "tables": ["deep_autoaugment_lowdata", "deep_autoaugment_search_time"],
        "datasets": ["digits-10%", "digits-25%", "GunPoint", "ItalyPowerDemand"],
        "search": _SEARCH,
        "epochs": 100,
        "augment_share": 0.5,
        "lr": 3e-3,
        "batch_size": 32,
        "width": 16,
    },
    "paper": {
        "description": "digits 10 % / 25 %, GunPoint, ArrowHead, ItalyPowerDemand, "
        "BasicMotions; 5 seeds",
        "seeds": [0, 1, 2, 3, 4],
        "tables": ["deep_autoaugment_lowdata", "deep_autoaugment_search_time"],
        "datasets": [
            "digits-10%",
            "digits-25%",
            "GunPoint",
            "ArrowHead",
            "ItalyPowerDemand",
            "BasicMotions",
        ],
        "search": {**_SEARCH, "n_layers": 6, "n_steps_per_layer": 200},
        "epochs": 150,
        "augment_share": 0.5,
        "lr": 3e-3,
        "batch_size": 32,
        "width": 16,
    },
}
POLICIES = ("none", "RandAugment", "TrivialAugment", "DeepAutoAugment")
_SKTIME = {
    "GunPoint": "load_gunpoint",
    "ArrowHead": "load_arrow_head",
    "ItalyPowerDemand": "load_italy_power_demand",
    "BasicMotions": "load_basic_motions",
}


def load(name, seed):
    """``(X_train, y_train, X_test, y_test, domain)`` with integer labels."""
    if name.startswith("digits"):
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split

        X, y = load_digits(return_X_y=True)
        X = X.reshape(-1, 8, 8)
        X_pool, X_test, y_pool, y_test = train_test_split(
            X, y, test_size=0.25, stratify=y, random_state=seed
        )
        share = float(name.split("-")[1].rstrip("%")) / 100
        X_train, _, y_train, _ = train_test_split(
            X_pool, y_pool, train_size=share, stratify=y_pool, random_state=seed
        )
        return X_train, y_train, X_test, y_test, "image"
    import sktime.datasets

    loader = getattr(sktime.datasets, _SKTIME[name])
    X_train, y_train = loader(split="train", return_X_y=True, return_type="numpy3D")
    X_test, y_test = loader(split="test", return_X_y=True, return_type="numpy3D")
    classes, y_train = np.unique(y_train, return_inverse=True)
    y_test = np.searchsorted(classes, y_test)
    return X_train, y_train, X_test, y_test, "series"


def augmenter(policy, domain, seed, config):
    from sklearn_iclr.augmentation import (
        DeepAutoAugment,
        RandAugment,
        TrivialAugment,
    )

    n_magnitudes = config["search"]["n_magnitudes"]
    common = dict(operations=domain, n_magnitudes=n_magnitudes, random_state=seed)
    if policy == "RandAugment":
        return RandAugment(n_layers=2, **common)
    if policy == "TrivialAugment":
        return TrivialAugment(**common)
    return DeepAutoAugment(**{**config["search"], **common})


def run_one(data, policy, seed, config):
    """Test accuracy (%) of the CNN trained with ``policy``; search seconds."""
    from sklearn_iclr._torch import seeded, torch
    from sklearn_iclr.augmentation._policy import to_tensor_layout
    from sklearn_iclr.augmentation._search import make_cnn, train_cnn

    X_train, y_train, X_test, y_test, domain = data
    transform, search_seconds = None, float("nan")
    if policy != "none":
        aug = augmenter(policy, domain, seed, config)
        start = time.perf_counter()
        aug.fit(X_train, y_train)
        search_seconds = time.perf_counter() - start
        transform = _PartlyAugmented(aug.as_torch_transform(), config["augment_share"])
    x_train = to_tensor_layout(X_train, domain)
    x_test = to_tensor_layout(X_test, domain)
    n_classes = int(max(y_train.max(), y_test.max())) + 1
    with seeded(seed):
        module = make_cnn(domain, x_train.shape[1], n_classes, config["width"])
        net = train_cnn(
            module,
            x_train,
            y_train,
            augment=transform,
            max_epochs=config["epochs"],
            lr=config["lr"],
            batch_size=config["batch_size"],
        )
        with torch.no_grad():
            pred = net.predict(x_test).argmax(axis=1)
    return 100 * float(np.mean(pred == y_test)), search_seconds


class _PartlyAugmented:
    """Augment a random ``share`` of each training batch, keep the rest clean."""

    def __init__(self, transform, share):
        self.transform, self.share = transform, share

    def __call__(self, batch):
        from sklearn_iclr._torch import torch

        if self.share >= 1:
            return self.transform(batch)
        picked = torch.rand(len(batch)) < self.share
        out = batch.clone()
        if picked.any():
            out[picked] = self.transform(batch[picked])
        return out


_CACHE = {}


def measure(config):
    """Every (data set, policy, seed) row, computed once per configuration."""
    key = json.dumps(config, sort_keys=True, default=str)
    if key in _CACHE:
        return _CACHE[key]
    rows = []
    for name in config["datasets"]:
        for seed in config["seeds"]:
            data = load(name, seed)
            for policy in POLICIES:
                start = time.perf_counter()
                acc, search = run_one(data, policy, seed, config)
                rows.append(
                    {
                        "data": name,
                        "policy": policy,
                        "seed": seed,
                        "accuracy": acc,
                        "search_seconds": search,
                        "seconds": time.perf_counter() - start,
                    }
                )
                print(
                    f"{name:18s} seed {seed} {policy:15s} {acc:6.2f}%  "
                    f"(search {search:.0f} s, total {rows[-1]['seconds']:.0f} s)",
                    flush=True,
                )
    _CACHE[key] = rows
    return rows


_PAPER = [
    {"data": data, "policy": policy, "accuracy": acc}
    for data, figures in {
        "CIFAR-10 (paper)": {"TrivialAugment": 97.46, "DeepAutoAugment": 97.56},
        "CIFAR-100 (paper)": {"TrivialAugment": 84.33, "DeepAutoAugment": 84.02},
        "ImageNet (paper)": {"TrivialAugment": 78.07, "DeepAutoAugment": 78.30},
    }.items()
    for policy, acc in figures.items()
]


def lowdata_table(config):
    rows = measure(config)
    s = config["search"]
    return Table(
        [{k: v for k, v in r.items() if k != "search_seconds"} for r in rows],
        by=("data", "policy"),
        metrics=("accuracy",),
        paper=_PAPER,
        title="Test accuracy (%) of a small CNN trained with each policy",
        notes=(
            "The same CNN (two convolutions, width "
            f"{config['width']}), Adam lr {config['lr']}, batch "
            f"{config['batch_size']}, {config['epochs']} epochs, per policy "
            "and seed; a random share of "
            f"{config['augment_share']} of each training batch augmented, test "
            "data clean. The policies "
            f"share the operations and {s['n_magnitudes']} magnitude levels. "
            f"DeepAutoAugment: {s['n_layers']} layers, "
            f"{s['n_steps_per_layer']} steps per layer, proxy "
            f"{s['proxy_epochs']} epochs, {s['n_classes_per_step']} classes × "
            f"{s['n_samples_per_class']} samples per step. Target: the "
            "learned policy above no augmentation on every data set and level "
            "with or above the better fixed policy on average. The paper's rows "
            "(WRN-28-10 / WRN-28-10 / ResNet-50, full data) are for reference."
        ),
    )


def search_time_table(config):
    rows = [
        {"data": r["data"], "seed": r["seed"], "search_seconds": r["search_seconds"]}
        for r in measure(config)
        if r["policy"] == "DeepAutoAugment"
    ]
    return Table(
        rows,
        by=("data",),
        metrics=("search_seconds",),
        lower_is_better=("search_seconds",),
        title="DeepAutoAugment search time (s): proxy training plus search",
        notes=(
            "Wall-clock seconds of DeepAutoAugment.fit on the machine named in "
            "the provenance, torch on one thread. Target: under 600 s per data "
            "set on 2 CPU cores."
        ),
    )


TABLES = {
    "deep_autoaugment_lowdata": lowdata_table,
    "deep_autoaugment_search_time": search_time_table,
}

if __name__ == "__main__":
    raise SystemExit(main(__doc__, PRESETS, TABLES))
