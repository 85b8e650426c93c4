"""The shared torch/skorch bridge: the only place that imports torch and skorch.

Estimator modules take ``torch``, ``nn`` and ``F`` from here, so that a missing
install gives one clear error, and build their networks with :func:`build_net`,
which turns the flat hyperparameters of a scikit-learn estimator (``max_epochs``,
``lr``, ``batch_size``, ``device``, ``verbose``, ``random_state``) into a skorch
net. :func:`seeded` makes fits repeatable without touching the caller's global
random state, :func:`resolve_device` turns ``"auto"``/``"cpu"``/``"cuda"`` into a
usable device, and :class:`TorchEstimatorMixin` gives an estimator the shared
parameter constraints and CPU-safe pickling.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from ..utils._progress import progress
from ._device import resolve_device
from ._guards import NonFiniteLossError, StopOnNonFiniteLoss, check_finite
from ._imports import F, nn, skorch, torch
from ._mixin import TorchEstimatorMixin, to_numpy, to_tensor
from ._modules import MLP
from ._net import build_net
from ._seed import seeded, torch_seed, torch_threads, training_threads

__all__ = [
    "F",
    "MLP",
    "NonFiniteLossError",
    "StopOnNonFiniteLoss",
    "TorchEstimatorMixin",
    "build_net",
    "check_finite",
    "nn",
    "progress",
    "resolve_device",
    "seeded",
    "skorch",
    "to_numpy",
    "to_tensor",
    "torch",
    "torch_seed",
    "torch_threads",
    "training_threads",
]
