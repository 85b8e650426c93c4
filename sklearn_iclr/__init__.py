"""Methods of Amazon's ICLR 2022 papers as drop-in scikit-learn estimators.

Subpackages are imported lazily, so that ``import sklearn_iclr`` stays cheap and
does not import torch or sentence-transformers:

- :mod:`sklearn_iclr.graph` -- node representations (Cold Brew).
- :mod:`sklearn_iclr.timeseries` -- synthetic time series (PSA-GAN) and their metrics.
- :mod:`sklearn_iclr.text` -- unsupervised sentence-pair scoring (Trans-Encoder).
- :mod:`sklearn_iclr.valuation` -- data valuation (DIVA, the dataset derivative).
- :mod:`sklearn_iclr.explain` -- feature attribution for trajectory prediction.
- :mod:`sklearn_iclr.domain_adaptation` -- adaptation across a graph of related
  domains (GRDA).
- :mod:`sklearn_iclr.recommendation` -- item recommendation and user targeting
  with activity intensities (RIM).
- :mod:`sklearn_iclr.augmentation` -- data-augmentation policies searched by
  gradient matching (Deep AutoAugment) and their fixed baselines.
- :mod:`sklearn_iclr.model_selection` -- generalisation tests along factors of
  variation (compositional splits, the grid R²).
- :mod:`sklearn_iclr.datasets` -- loaders for the papers' data and toy generators.
- :mod:`sklearn_iclr.utils` -- estimator discovery and shared helpers.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import importlib

__version__ = "0.1.0.dev0"

_submodules = [
    "augmentation",
    "datasets",
    "domain_adaptation",
    "explain",
    "graph",
    "model_selection",
    "recommendation",
    "text",
    "timeseries",
    "utils",
    "valuation",
]

__all__ = _submodules + ["__version__"]


def __dir__():
    return __all__


def __getattr__(name):
    if name in _submodules:
        return importlib.import_module(f"sklearn_iclr.{name}")
    raise AttributeError(f"module 'sklearn_iclr' has no attribute {name!r}")
