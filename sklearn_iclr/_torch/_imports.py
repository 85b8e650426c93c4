"""Guarded imports of torch and skorch with an error that says what to install."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

_HINT = (
    "{name} is required by this estimator but could not be imported ({err}). "
    "Install the CPU build with `pip install torch==2.13.0` (an unpinned torch "
    "pulls CUDA packages) and then `pip install skorch`."
)

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError as err:  # pragma: no cover - exercised only without torch
    raise ImportError(_HINT.format(name="torch", err=err)) from err

try:
    import skorch
    import skorch.helper  # noqa: F401  (skorch.helper.predefined_split)
except ImportError as err:  # pragma: no cover - exercised only without skorch
    raise ImportError(_HINT.format(name="skorch", err=err)) from err

__all__ = ["F", "nn", "skorch", "torch"]
